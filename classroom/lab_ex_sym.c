/*
 * lab_ex_sym.c — the graded exercises of labs 1, 2 and 3: an ECB encryption
 * oracle, a SHA-256(key || message) tag to extend, an e = 3 verifier with
 * the lax parser.  Lab build only; see lab_exercise.h for the frame.
 *
 *   lab 1  AES-256-ECB(K, input || secret) on request; the program recovers
 *          the secret one byte at a time (each byte costs one block of
 *          dictionary: ECB maps equal blocks to equal blocks, FIPS 197 is
 *          the cipher, SP 800-38A §6.1 the mode).
 *   lab 2  the tag SHA-256(key || order) of one order; the program forges
 *          the tag of order || glue padding || suffix (a suffix the target
 *          chose, with a random nonce), from the tag's eight words, which
 *          are the hash state after the last block (FIPS 180-4 §5.1.1,
 *          §6.2.2).
 *   lab 3  a 2048-bit key with e = 3 and a message the target chose; the
 *          program forges a signature the lax parser accepts (RFC 8017
 *          §8.2.2 step 4 is the check it skips).
 *
 * CT: no — targets for attacks, weak on purpose.
 */
#include "classroom/lab_exercise.h"

#ifdef GLASS_LAB_BUILD

#include "aes/aes.h"
#include "classroom/lab_common.h"
#include "common/common.h"
#include "rsa/rsa.h"
#include "sha/sha256.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- lab 1: the ECB oracle ------------------------------------------------ */

typedef struct ecb_target {
    aes256_ctx aes;
    char secret[48];
    size_t secret_len;
} ecb_target;

static void *ecb_setup(int mode)
{
    (void)mode;   /* one mode */
    ecb_target *t = calloc(1, sizeof *t);
    uint8_t key[32], r;
    if (t == NULL || glass_random(key, sizeof key) != GLASS_OK || glass_random(&r, 1) != GLASS_OK ||
        aes256_init(&t->aes, key, sizeof key) != GLASS_OK) {
        free(t);
        return NULL;
    }
    glass_wipe(key, sizeof key);
    t->secret_len = 20 + r % 21;   /* 20..40 characters: two or three blocks */
    if (!lab_random_text(t->secret, t->secret_len)) {
        free(t);
        return NULL;
    }
    return t;
}

static void ecb_banner(void *st, lab_out *o)
{
    (void)st;
    lab_outf(o, "# lab 1: send `enc HEX`; the answer is `ct HEX` =\n"
                "# AES-256-ECB(key, HEX || secret || PKCS#7 padding). Find the secret.\n");
}

static int ecb_query(void *st, const char *line, lab_out *o)
{
    ecb_target *t = st;
    if (strncmp(line, "enc", 3) != 0 || (line[3] != ' ' && line[3] != '\0')) {
        lab_outf(o, "error the only request is `enc HEX`\n");
        return 0;
    }
    const char *hex = line[3] == ' ' ? line + 4 : "";
    uint8_t *in = NULL;
    size_t in_len = 0;
    if (glass_hex_decode_alloc(&in, &in_len, hex) != GLASS_OK || in_len > 4096) {
        free(in);
        lab_outf(o, "error enc takes hex, at most 4096 bytes\n");
        return 0;
    }
    size_t n = in_len + t->secret_len, padded = (n / 16 + 1) * 16;
    uint8_t *buf = malloc(padded);
    if (buf == NULL) {
        free(in);
        lab_outf(o, "error out of memory\n");
        return 1;
    }
    memcpy(buf, in, in_len);
    memcpy(buf + in_len, t->secret, t->secret_len);
    memset(buf + n, (int)(padded - n), padded - n);
    aes256_ecb_encrypt(&t->aes, buf, padded, buf);
    lab_out_hex(o, "ct", buf, padded);
    free(buf);
    free(in);
    return 0;
}

static int ecb_grade(void *st, const char *answer, const char *reports, lab_out *o)
{
    ecb_target *t = st;
    char got[256];
    (void)reports;
    if (!lab_field(answer, "secret", got, sizeof got)) {
        lab_outf(o, "print one line `secret TEXT` with the text you recovered");
        return 0;
    }
    if (strlen(got) == t->secret_len && memcmp(got, t->secret, t->secret_len) == 0)
        return 1;
    if (strlen(got) != t->secret_len)
        lab_outf(o, "the length is wrong: send 0, 1, 2... bytes and watch the ciphertext grow "
                    "by a block; the step tells you the secret's length");
    else
        lab_outf(o, "the length is right, some bytes are not: for each byte, build the 256 "
                    "blocks `known bytes || guess` and compare with the oracle's block");
    return 0;
}

static void ecb_clear(void *st)
{
    ecb_target *t = st;
    aes256_clear(&t->aes);
    glass_wipe(t, sizeof *t);
    free(t);
}

const lab_exercise lab_ex_ecb = {
    "1", NULL, "the ECB oracle",
    "one line `secret TEXT`, the secret the oracle appends",
    ecb_setup, ecb_banner, ecb_query, ecb_grade, ecb_clear,
};

/* ---- lab 2: length extension ---------------------------------------------- */

static const char lx_order[] = "count=10&item=glass-lab-kit&to=mallory";

typedef struct lx_target {
    uint8_t key[48];
    size_t key_len;
    char suffix[64];
    uint8_t tag[SHA256_DIGEST_LEN];
} lx_target;

static void lx_tag(const lx_target *t, const uint8_t *m, size_t n, uint8_t out[32])
{
    sha256_ctx c;
    sha256_init(&c);
    sha256_update(&c, t->key, t->key_len);   /* the weak MAC: SHA-256(key || m) */
    sha256_update(&c, m, n);
    sha256_final(&c, out);
}

static void *lx_setup(int mode)
{
    (void)mode;   /* one mode */
    lx_target *t = calloc(1, sizeof *t);
    uint8_t r;
    char nonce[17];
    if (t == NULL || glass_random(&r, 1) != GLASS_OK || !lab_random_text(nonce, 16)) {
        free(t);
        return NULL;
    }
    t->key_len = 8 + r % 41;   /* 8..48 bytes: the program must find out */
    if (glass_random(t->key, t->key_len) != GLASS_OK) {
        free(t);
        return NULL;
    }
    snprintf(t->suffix, sizeof t->suffix, "&admin=true&nonce=%s", nonce);
    lx_tag(t, (const uint8_t *)lx_order, strlen(lx_order), t->tag);
    return t;
}

static void lx_banner(void *st, lab_out *o)
{
    lx_target *t = st;
    lab_outf(o, "# lab 2: tag = SHA-256(key || message); the key is 8 to 48 bytes.\n"
                "# send `verify MSGHEX TAGHEX`: the answer is ok or bad.\n"
                "# forge the tag of message || padding || suffix.\n");
    lab_out_hex(o, "message", (const uint8_t *)lx_order, strlen(lx_order));
    lab_out_hex(o, "tag", t->tag, sizeof t->tag);
    lab_out_hex(o, "suffix", (const uint8_t *)t->suffix, strlen(t->suffix));
}

static int lx_check(const lx_target *t, const uint8_t *m, size_t n, const uint8_t *tag, size_t tl)
{
    uint8_t want[32];
    lx_tag(t, m, n, want);
    return tl == 32 && glass_ct_equal(want, tag, 32);
}

static int lx_query(void *st, const char *line, lab_out *o)
{
    char mh[8192], th[128];
    uint8_t *m = NULL, *tag = NULL;
    size_t n = 0, tl = 0;
    if (sscanf(line, "verify %8191s %127s", mh, th) != 2 ||
        glass_hex_decode_alloc(&m, &n, mh) != GLASS_OK ||
        glass_hex_decode_alloc(&tag, &tl, th) != GLASS_OK) {
        lab_outf(o, "error the only request is `verify MSGHEX TAGHEX`\n");
    } else {
        lab_outf(o, "%s\n", lx_check(st, m, n, tag, tl) ? "ok" : "bad");
    }
    free(m);
    free(tag);
    return 0;
}

static int lx_grade(void *st, const char *answer, const char *reports, lab_out *o)
{
    lx_target *t = st;
    uint8_t *m = NULL, *tag = NULL;
    size_t n = 0, tl = 0, ol = strlen(lx_order), sl = strlen(t->suffix);
    int ok = 0;
    (void)reports;
    if (!lab_field_hex(answer, "message", &m, &n) || !lab_field_hex(answer, "tag", &tag, &tl))
        lab_outf(o, "print two lines, `message HEX` and `tag HEX`");
    else if (n < ol + sl || memcmp(m, lx_order, ol) != 0 || memcmp(m + n - sl, t->suffix, sl) != 0)
        lab_outf(o, "the message must start with the target's message and end with its "
                    "suffix (this run's suffix, nonce included)");
    else if (!(ok = lx_check(t, m, n, tag, tl)))
        lab_outf(o, "the tag does not match: the glue padding depends on the key length "
                    "(try each length with `verify`), and the length in your last block "
                    "counts the key, the message, the padding and the suffix");
    free(m);
    free(tag);
    return ok;
}

static void lx_clear(void *st)
{
    glass_wipe(st, sizeof(lx_target));
    free(st);
}

const lab_exercise lab_ex_length_ext = {
    "2", NULL, "length extension",
    "`message HEX` and `tag HEX`: a valid tag on message || pad || suffix",
    lx_setup, lx_banner, lx_query, lx_grade, lx_clear,
};

/* ---- lab 3: the e = 3 forgery ----------------------------------------------- */

typedef struct e3_target {
    rsa_private_key key;
    char message[64];
} e3_target;

static void *e3_setup(int mode)
{
    (void)mode;   /* one mode */
    e3_target *t = calloc(1, sizeof *t);
    char nonce[17];
    if (t == NULL)
        return NULL;
    rsa_private_init(&t->key);
    if (rsa_generate(&t->key, 2048, 3) != GLASS_OK || !lab_random_text(nonce, 16)) {
        rsa_private_clear(&t->key);
        free(t);
        return NULL;
    }
    snprintf(t->message, sizeof t->message, "pay mallory 1000 coins, ref %s", nonce);
    return t;
}

static void e3_banner(void *st, lab_out *o)
{
    e3_target *t = st;
    uint8_t n[256];
    rsa_i2osp(t->key.n, n, t->key.k);
    lab_outf(o, "# lab 3: RSASSA-PKCS1-v1_5 with SHA-256, e = 3, checked by the lax parser.\n"
                "# send `verify SIGHEX`: the answer is ok or bad. Sign `message`.\n");
    lab_out_hex(o, "n", n, t->key.k);
    lab_outf(o, "e 3\n");
    lab_out_hex(o, "message", (const uint8_t *)t->message, strlen(t->message));
}

static int e3_check(const e3_target *t, const uint8_t *sig, size_t len)
{
    uint8_t H[32], EM[256];
    if (len != t->key.k)
        return 0;
    sha256(t->message, strlen(t->message), H);
    mpz_t s, m;
    mpz_inits(s, m, NULL);
    rsa_os2ip(s, sig, len);
    int ok = 0;
    if (mpz_cmp(s, t->key.n) < 0) {
        mpz_powm_ui(m, s, 3, t->key.n);    /* RSAVP1: m = s^e mod n */
        ok = rsa_i2osp(m, EM, t->key.k) == GLASS_OK && lab_rsa_sloppy_verify(EM, t->key.k, H);
    }
    mpz_clears(s, m, NULL);
    return ok;
}

static int e3_query(void *st, const char *line, lab_out *o)
{
    uint8_t *sig = NULL;
    size_t len = 0;
    if (strncmp(line, "verify ", 7) != 0 ||
        glass_hex_decode_alloc(&sig, &len, line + 7) != GLASS_OK)
        lab_outf(o, "error the only request is `verify SIGHEX`\n");
    else
        lab_outf(o, "%s\n", e3_check(st, sig, len) ? "ok" : "bad");
    free(sig);
    return 0;
}

static int e3_grade(void *st, const char *answer, const char *reports, lab_out *o)
{
    e3_target *t = st;
    uint8_t *sig = NULL;
    size_t len = 0;
    int ok = 0;
    (void)reports;
    if (!lab_field_hex(answer, "signature", &sig, &len))
        lab_outf(o, "print one line `signature HEX`");
    else if (len != t->key.k)
        lab_outf(o, "a signature is exactly k = %zu bytes (I2OSP, RFC 8017 §4.1)", t->key.k);
    else if (!(ok = e3_check(t, sig, len)))
        lab_outf(o, "cube your signature mod n and look at it: it must read 00 01 FF 00, the "
                    "DigestInfo, SHA-256 of this run's message; the rest may be anything. Round "
                    "the cube root up, not down");
    free(sig);
    return ok;
}

static void e3_clear(void *st)
{
    e3_target *t = st;
    rsa_private_clear(&t->key);
    free(t);
}

const lab_exercise lab_ex_e3 = {
    "3", NULL, "the e = 3 forgery",
    "one line `signature HEX` that the lax verifier accepts on `message`",
    e3_setup, e3_banner, e3_query, e3_grade, e3_clear,
};

#else
/* The normal build has no lab code; this keeps the file a valid C11 unit. */
typedef int lab_ex_sym_not_in_this_build;
#endif /* GLASS_LAB_BUILD */
