/*
 * lab_cbc.c — lab 6: a CBC padding oracle (Vaudenay, EUROCRYPT 2002) against
 * a MAC-then-encrypt record, and why encrypt-then-MAC stops it.  Lab build
 * only.
 *
 * Two toy record layers built from the aes/ and hmac/ primitives:
 *
 *   mac-then-encrypt (SSL 3.0 / TLS 1.0 style, deliberately):
 *       record = IV || AES-256-CBC(K, plaintext || HMAC(Km, plaintext) || padding)
 *       The receiver decrypts, checks the padding, then the MAC, and answers
 *       bad padding and bad MAC differently (TLS 1.0 had two alerts,
 *       decryption_failed and bad_record_mac; later versions leaked the same
 *       difference through timing: Lucky Thirteen, 2013).
 *
 *   encrypt-then-MAC (RFC 7366, what glass records do):
 *       record = IV || C || HMAC(Km, IV || C),  C = AES-256-CBC(K, plaintext || padding)
 *       The receiver checks the MAC first and decrypts nothing that fails it.
 *
 * The attack recovers the plaintext one byte at a time.  To learn the last
 * byte of block P_i it sends X || C_i for X = 256 guesses: the receiver
 * computes D(C_i) ^ X, and the padding is valid (01) for the guess where
 * X[15] = D(C_i)[15] ^ 01, so P_i[15] = D(C_i)[15] ^ C_{i-1}[15]; then 02 02,
 * and so on.  At most 256 queries a byte, no key needed.  Against
 * encrypt-then-MAC every forged record fails the MAC before decryption and
 * all 256 guesses get the same answer: nothing is learned.
 *
 * Read in this order: receive_mte, receive_etm (the two receivers, the
 * "oracles"), attack_block, lab_padding_oracle.
 * CT: no — the MtE receiver is the vulnerable one on purpose.
 */
#include "classroom/lab_common.h"
#include "io/opt.h"

#ifdef GLASS_LAB_BUILD

#include "aes/aes.h"
#include "hmac/hmac.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum answer { ACCEPT = 0, BAD_PADDING = 1, BAD_MAC = 2 };

typedef struct server {
    aes256_ctx aes;
    uint8_t mac_key[32];
    unsigned long queries;
} server;

/* MAC-then-encrypt receiver: decrypt, check the padding, then the MAC. */
static enum answer receive_mte(server *s, const uint8_t *rec, size_t len)
{
    uint8_t buf[512], mac[32];
    s->queries++;
    if (len < 32 || (len - 16) % 16 != 0 || len - 16 > sizeof buf)
        return BAD_PADDING;
    size_t n = len - 16;
    aes256_cbc_decrypt(&s->aes, rec, rec + 16, n, buf);
    /* The padding check first, with its own answer: the oracle. */
    size_t pad = buf[n - 1];
    if (pad < 1 || pad > 16 || pad > n)
        return BAD_PADDING;
    for (size_t i = n - pad; i < n; i++)
        if (buf[i] != pad)
            return BAD_PADDING;
    n -= pad;
    if (n < 32)
        return BAD_MAC;
    hmac_sha256(s->mac_key, 32, buf, n - 32, mac);
    return glass_ct_equal(mac, buf + n - 32, 32) ? ACCEPT : BAD_MAC;
}

/* Encrypt-then-MAC receiver: the MAC over IV || C first; nothing else
 * happens to a record that fails it. */
static enum answer receive_etm(server *s, const uint8_t *rec, size_t len)
{
    uint8_t buf[512], mac[32];
    s->queries++;
    if (len < 64 || (len - 48) % 16 != 0 || len - 48 > sizeof buf)
        return BAD_MAC;
    size_t n = len - 48;
    hmac_sha256(s->mac_key, 32, rec, len - 32, mac);
    if (!glass_ct_equal(mac, rec + len - 32, 32))
        return BAD_MAC;
    aes256_cbc_decrypt(&s->aes, rec, rec + 16, n, buf);
    size_t pad_len = 0;
    return aes_pkcs7_unpad(buf, n, &pad_len) == GLASS_OK ? ACCEPT : BAD_PADDING;
}

/* The attacker's query: a one-block record X || C_i, in the format of the
 * mode (for EtM the attacker must also append some tag: it has no key, so
 * it sends the tag of the captured record, the best it can do). */
static enum answer query(server *s, int etm, const uint8_t X[16], const uint8_t Ci[16],
                         const uint8_t tag[32])
{
    uint8_t rec[64];
    memcpy(rec, X, 16);
    memcpy(rec + 16, Ci, 16);
    if (!etm)
        return receive_mte(s, rec, 32);
    memcpy(rec + 32, tag, 32);
    return receive_etm(s, rec, 64);
}

/* Recovers P_i = D(C_i) ^ prev, byte 15 down to 0.  The attacker does not
 * assume what the answers mean: for each byte it asks all 256 guesses and
 * looks for the guess whose answer differs from the others' (valid padding
 * among invalid ones).  Returns the number of bytes recovered (16 on
 * success). */
static int attack_block(server *s, int etm, const uint8_t prev[16], const uint8_t Ci[16],
                        const uint8_t tag[32], uint8_t P[16])
{
    uint8_t I[16] = {0};    /* the intermediate state D(C_i) */
    uint8_t X[16];
    enum answer ans[256];
    for (int pos = 15; pos >= 0; pos--) {
        uint8_t pad = (uint8_t)(16 - pos);
        unsigned count[3] = {0, 0, 0};
        for (int g = 0; g < 256; g++) {
            memset(X, 0, sizeof X);
            X[pos] = (uint8_t)g;
            for (int j = pos + 1; j < 16; j++)
                X[j] = I[j] ^ pad;
            ans[g] = query(s, etm, X, Ci, tag);
            count[ans[g]]++;
        }
        /* The usual answer is "padding wrong"; the odd one out is the find. */
        enum answer common = count[BAD_PADDING] >= count[BAD_MAC] ? BAD_PADDING : BAD_MAC;
        if (count[ACCEPT] > count[common])
            common = ACCEPT;
        int found = -1;
        for (int g = 0; g < 256 && found < 0; g++) {
            if (ans[g] == common)
                continue;
            if (pos == 15) {
                /* Rule out a longer valid padding (02 02 ...) by changing byte 14. */
                memset(X, 0, sizeof X);
                X[15] = (uint8_t)g;
                X[14] = 0x01;
                if (query(s, etm, X, Ci, tag) == common)
                    continue;
            }
            found = g;
        }
        if (found < 0)
            return 15 - pos;
        I[pos] = (uint8_t)found ^ pad;
    }
    for (int j = 0; j < 16; j++)
        P[j] = I[j] ^ prev[j];
    return 16;
}

static void printable(const uint8_t *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        putchar(b[i] >= 0x20 && b[i] < 0x7f ? b[i] : '.');
}

struct padding_oracle_args {
    const char *mode, *msg, *ts;
};

/* The options of `glass lab padding-oracle`: one table, which also prints --help.
 * Returns OPT_RUN, or the exit status (io/opt.h). */
static int parse_padding_oracle(int argc, char **argv, struct padding_oracle_args *a)
{
    memset(a, 0, sizeof *a);
    const opt opts[] = {
        OPTION_STRING("--mode", NULL, "M",
                      "mac-then-encrypt or encrypt-then-mac (see above)", &a->mode),
        OPTION_STRING("--message", NULL, "TEXT", "the plaintext (default: a secret PIN)", &a->msg),
        OPTION_STRING("--seed", NULL, "N", "same keys and bytes on every run", &a->ts),
        OPTION_END,
    };
    const opt_command spec = {
        .name = "lab padding-oracle",
        .synopsis = "[--mode mac-then-encrypt|encrypt-then-mac]\n"
                    "                                [--message TEXT] [--seed N]",
        .about = "Encrypts TEXT (default: a secret PIN) as one record of a toy record layer with\n"
                 "random keys, hands the attacker only the record, then runs Vaudenay's CBC\n"
                 "padding-oracle attack against the receiver:\n"
                 "  mac-then-encrypt   the receiver decrypts, then checks padding, then the MAC,\n"
                 "                     and reports the two failures differently: the attack\n"
                 "                     recovers the plaintext (exit 0)\n"
                 "  encrypt-then-mac   the receiver checks the MAC first (RFC 7366, as glass\n"
                 "                     records do): every query gets the same answer and the\n"
                 "                     attack learns nothing (exit 1)\n",
        .opts = opts,
        .example = "  glass lab padding-oracle --mode mac-then-encrypt\n",
        .max_operands = 0,
    };
    opt_operands rest;
    return opt_parse(&spec, argc, argv, &rest);
}

/* See lab_common.h. */
int lab_padding_oracle(int argc, char **argv)
{
    const char *cmd = "lab padding-oracle";
    struct padding_oracle_args a;
    int st = parse_padding_oracle(argc, argv, &a);
    if (st != OPT_RUN)
        return st;
    const char *mode = a.mode;
    const char *msg = a.msg;
    const char *ts = a.ts;
    if (mode == NULL)
        mode = "mac-then-encrypt";
    int etm;
    if (strcmp(mode, "mac-then-encrypt") == 0)
        etm = 0;
    else if (strcmp(mode, "encrypt-then-mac") == 0)
        etm = 1;
    else
        return io_error(cmd, "--mode: '%s' is not mac-then-encrypt or encrypt-then-mac", mode);
    if (msg == NULL)
        msg = "PIN=4711; card=4929 1234 5678 9012";
    size_t mlen = strlen(msg);
    if (mlen == 0 || mlen > 256)
        return io_error(cmd, "--message must be 1 to 256 bytes");
    unsigned long seed = 1;
    if (ts != NULL && io_uint_arg(cmd, "--seed", ts, 0, 0xffffffffUL, &seed))
        return 1;
    glass_random_seed(seed);
    if (!etm)
        io_insecure_banner("MAC-then-encrypt receiver with distinct padding and MAC errors");

    /* 1. The sender: keys, IV, the record. */
    server s;
    memset(&s, 0, sizeof s);
    uint8_t key[32], iv[16], pt[512], rec[600], tag[32];
    size_t rec_len = 0;
    if (glass_random(key, sizeof key) != GLASS_OK || glass_random(s.mac_key, 32) != GLASS_OK ||
        glass_random(iv, sizeof iv) != GLASS_OK || aes256_init(&s.aes, key, 32) != GLASS_OK)
        return io_error(cmd, "random generator failed");
    glass_wipe(key, sizeof key);
    memcpy(pt, msg, mlen);
    size_t n = mlen;
    if (!etm) {
        hmac_sha256(s.mac_key, 32, pt, n, pt + n);     /* plaintext || MAC */
        n += 32;
    }
    size_t pad = 16 - n % 16;
    memset(pt + n, (int)pad, pad);                     /* PKCS#7-style padding */
    n += pad;
    memcpy(rec, iv, 16);
    aes256_cbc_encrypt(&s.aes, iv, pt, n, rec + 16);
    rec_len = 16 + n;
    if (etm) {
        hmac_sha256(s.mac_key, 32, rec, rec_len, rec + rec_len);
        memcpy(tag, rec + rec_len, 32);
        rec_len += 32;
    } else {
        memset(tag, 0, sizeof tag);
    }
    glass_wipe(pt, sizeof pt);
    printf("mode: %s\n", etm ? "encrypt-then-MAC (RFC 7366)" : "MAC-then-encrypt");
    printf("the record the attacker captured (%zu bytes):\n", rec_len);
    lab_print_hex("  IV || ciphertext", rec, 16 + n);
    if (etm)
        lab_print_hex("  tag", tag, 32);
    printf("%s is answered by the receiver as: ", "the record itself");
    enum answer a0 = etm ? receive_etm(&s, rec, rec_len) : receive_mte(&s, rec, rec_len);
    printf("%s\n", a0 == ACCEPT ? "accepted" : a0 == BAD_PADDING ? "bad padding" : "bad MAC");

    /* 2. The attack: each ciphertext block with the block before it. */
    s.queries = 0;
    size_t nblocks = n / 16;
    uint8_t recovered[512];
    int complete = 1;
    for (size_t i = 0; i < nblocks; i++) {
        const uint8_t *prev = rec + 16 * i, *Ci = rec + 16 * (i + 1);
        unsigned long before = s.queries;
        int got = attack_block(&s, etm, prev, Ci, tag, recovered + 16 * i);
        if (got < 16) {
            printf("block %zu: all 256 guesses got the same answer (%lu queries): the receiver "
                   "never revealed anything about the padding; nothing recovered\n", i + 1,
                   s.queries - before);
            complete = 0;
            break;
        }
        printf("block %zu: \"", i + 1);
        printable(recovered + 16 * i, 16);
        printf("\" in %lu queries\n", s.queries - before);
    }
    if (complete) {
        size_t p = recovered[n - 1];
        size_t text = n - p - (etm ? 0 : 32);
        printf("recovered plaintext (%lu queries, no key): \"", s.queries);
        printable(recovered, text);
        printf("\"\n");
        if (!etm)
            lab_print_hex("recovered MAC and padding", recovered + text, n - text);
    } else {
        printf("the attack failed: the receiver never decrypted a forged record\n");
    }
    aes256_clear(&s.aes);
    glass_wipe(&s, sizeof s);
    glass_wipe(recovered, sizeof recovered);
    return complete ? 0 : 1;
}

#else
/* The normal build has no lab code; this keeps the file a valid C11 unit. */
typedef int lab_cbc_not_in_this_build;
#endif
