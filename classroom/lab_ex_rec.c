/*
 * lab_ex_rec.c — the graded exercises of labs 6 and 7: a CBC padding oracle
 * on a TLS 1.2 MAC-then-encrypt record, and a recorded RSA key-transport
 * session whose server key has leaked.  Lab build only; see lab_exercise.h.
 *
 *   lab 6  one record of the TLS 1.2 MAC-then-encrypt profile (RFC 5246
 *          §6.2.3.2): header || IV || AES-256-CBC(K, content || MAC ||
 *          padding), MAC = HMAC-SHA256(MAC_key, seq_num || type || version
 *          || length || content).  The target opens any record it is sent
 *          and, like TLS 1.0 did, answers a bad padding (decryption_failed)
 *          differently from a bad MAC (bad_record_mac).  The program
 *          recovers the content with that one bit (Vaudenay, 2002).  Two
 *          modes: `classic`, a receiver written here the way TLS 1.0's was
 *          (padding first, its own alert), and `tls12`, the real record
 *          layer of glass's TLS 1.2 profile (record_mte.c, through
 *          lab_records.c) with the lab build's one switch that lets a bad
 *          padding through as its own alert.  The same attack works on
 *          both; `glass lab check 6` grades it against both.  The record
 *          layer of glass itself, encrypt-then-MAC (RFC 7366), checks the
 *          MAC before it decrypts and gives this oracle nothing.
 *   lab 7  a session recorded by a passive attacker: both randoms, the
 *          premaster secret encrypted to the server's RSA key (RFC 5246
 *          §7.4.7.1), one encrypt-then-MAC record from the client; then the
 *          server's private key, stolen later.  With RSA key transport the
 *          key opens every recorded session (no forward secrecy): the
 *          program rebuilds master secret (§8.1) and keys (§6.3) and reads
 *          the record.
 *
 * CT: no — targets for attacks, weak on purpose.
 */
#include "classroom/lab_exercise.h"

#ifdef GLASS_LAB_BUILD

#include "aes/aes.h"
#include "common/common.h"
#include "hmac/hmac.h"
#include "protocol/protocol.h"
#include "rsa/rsa.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HDR 5
static const uint8_t app_hdr[3] = {0x17, 0x03, 0x03};   /* application_data, TLS 1.2 */

/* TLS padding (RFC 5246 §6.2.3.2): p bytes of value p, then p itself, so
 * that the whole is a multiple of the block.  Returns the padded length. */
static size_t tls_pad(uint8_t *buf, size_t len)
{
    size_t p = 15 - len % 16;
    memset(buf + len, (int)p, p + 1);
    return len + p + 1;
}

/* ---- lab 6: the padding oracle --------------------------------------------- */

enum { PO_CLASSIC = 0, PO_TLS12 = 1 };
static const char *const po_modes[] = {"classic", "tls12", NULL};

typedef struct po_target {
    int mode;
    lab_records *rl;            /* tls12: the real record layer */
    aes256_ctx aes;             /* classic: the receiver of this file */
    uint8_t mac_key[32];
    char msg[48];
    uint8_t rec[HDR + 16 + 128];
    size_t rec_len;
} po_target;

/* HMAC over seq_num (0: one record per connection) || header with the
 * content's length || content: the MAC-then-encrypt input of RFC 5246 §6.2.3.1. */
static void po_mac(const po_target *t, const uint8_t *content, size_t n, uint8_t mac[32])
{
    uint8_t pre[13] = {0};
    memcpy(pre + 8, app_hdr, 3);
    pre[11] = (uint8_t)(n >> 8);
    pre[12] = (uint8_t)n;
    hmac_sha256_ctx h;
    hmac_sha256_init(&h, t->mac_key, sizeof t->mac_key);
    hmac_sha256_update(&h, pre, sizeof pre);
    hmac_sha256_update(&h, content, n);
    hmac_sha256_final(&h, mac);
}

/* classic: the record sealed here, as record.c would seal it. */
static int po_seal_classic(po_target *t, size_t n)
{
    uint8_t key[32], buf[128];
    uint8_t *iv = t->rec + HDR;
    if (glass_random(key, sizeof key) != GLASS_OK ||
        glass_random(t->mac_key, sizeof t->mac_key) != GLASS_OK ||
        aes256_init(&t->aes, key, sizeof key) != GLASS_OK || glass_random(iv, 16) != GLASS_OK) {
        glass_wipe(key, sizeof key);
        return 0;
    }
    glass_wipe(key, sizeof key);
    memcpy(buf, t->msg, n);
    po_mac(t, buf, n, buf + n);
    size_t padded = tls_pad(buf, n + 32);
    aes256_cbc_encrypt(&t->aes, iv, buf, padded, t->rec + HDR + 16);
    t->rec_len = HDR + 16 + padded;
    memcpy(t->rec, app_hdr, 3);
    t->rec[3] = (uint8_t)((16 + padded) >> 8);
    t->rec[4] = (uint8_t)(16 + padded);
    return 1;
}

static void *po_setup(int mode)
{
    po_target *t = calloc(1, sizeof *t);
    uint8_t r;
    if (t == NULL)
        return NULL;
    t->mode = mode;
    size_t n = 0;
    int ok = glass_random(&r, 1) == GLASS_OK;
    if (ok) {
        n = 24 + r % 17;
        ok = lab_random_text(t->msg, n);
    }
    if (ok && mode == PO_TLS12) {
        /* The real TLS 1.2 record layer, MAC-then-encrypt, with the leak. */
        t->rl = lab_records_new(GLASS_TLS12_VERSION, 0, 0, 1);
        ok = t->rl != NULL && lab_records_seal(t->rl, (const uint8_t *)t->msg, n, t->rec,
                                               sizeof t->rec, &t->rec_len);
    } else if (ok) {
        ok = po_seal_classic(t, n);
    }
    if (!ok) {
        lab_records_free(t->rl);
        aes256_clear(&t->aes);
        free(t);
        return NULL;
    }
    return t;
}

static void po_banner(void *st, lab_out *o)
{
    po_target *t = st;
    lab_outf(o, "# lab 6: a TLS 1.2 MAC-then-encrypt record (AES-256-CBC, HMAC-SHA256).\n"
                "# send `record HEX` (header, IV, ciphertext); the target opens it, as seq 0,\n"
                "# and answers `alert decryption_failed`, `alert bad_record_mac` or `ok`.\n");
    lab_outf(o, "mode %s\n", po_modes[t->mode]);
    if (t->mode == PO_TLS12)
        lab_outf(o, "# mode tls12: glass's own TLS 1.2 record layer (protocol/record_mte.c)\n"
                    "# opens it; it takes only records with room for a MAC and a block\n"
                    "# (48 bytes of ciphertext or more), and answers anything else with\n"
                    "# bad_record_mac.\n");
    lab_out_hex(o, "record", t->rec, t->rec_len);
}

/* Opens a record: in mode tls12 with the real record layer (its leak is
 * the lab switch of record_mte.c), in mode classic the leaky way written
 * here: padding first, with its own alert. */
static const char *po_open(po_target *t, const uint8_t *rec, size_t len)
{
    if (t->mode == PO_TLS12) {
        uint8_t pt[64];   /* the content is not needed, only the answer */
        size_t n = 0;
        return lab_records_open(t->rl, 1, rec, len, pt, sizeof pt, &n);
    }
    if (len < HDR + 32 || memcmp(rec, app_hdr, 3) != 0 ||
        (size_t)(rec[3] << 8 | rec[4]) != len - HDR || (len - HDR) % 16 != 0 ||
        len - HDR > 16 + 512)
        return "alert decode_error";
    size_t clen = len - HDR - 16;
    uint8_t pt[512], mac[32];
    aes256_cbc_decrypt(&t->aes, rec + HDR, rec + HDR + 16, clen, pt);
    size_t p = pt[clen - 1];
    if (p + 1 > clen)
        return "alert decryption_failed";
    for (size_t i = 0; i < p; i++)
        if (pt[clen - 2 - i] != p)
            return "alert decryption_failed";   /* the leak: padding told apart from MAC */
    if (clen - p - 1 < 32)
        return "alert bad_record_mac";          /* no room for a MAC: a MAC failure */
    size_t n = clen - p - 1 - 32;
    po_mac(t, pt, n, mac);
    return glass_ct_equal(mac, pt + n, 32) ? "ok" : "alert bad_record_mac";
}

static int po_query(void *st, const char *line, lab_out *o)
{
    uint8_t *rec = NULL;
    size_t len = 0;
    if (strncmp(line, "record ", 7) != 0 ||
        glass_hex_decode_alloc(&rec, &len, line + 7) != GLASS_OK)
        lab_outf(o, "error the only request is `record HEX`\n");
    else
        lab_outf(o, "%s\n", po_open(st, rec, len));
    free(rec);
    return 0;
}

static int po_grade(void *st, const char *answer, const char *reports, lab_out *o)
{
    po_target *t = st;
    char got[512];
    (void)reports;
    if (!lab_field(answer, "plaintext", got, sizeof got)) {
        lab_outf(o, "print one line `plaintext TEXT`: the record's content, without MAC "
                    "and padding");
        return 0;
    }
    if (strcmp(got, t->msg) == 0)
        return 1;
    if (strlen(got) > strlen(t->msg) && strncmp(got, t->msg, strlen(t->msg)) == 0)
        lab_outf(o, "the beginning is right: now take off the padding (last byte p, p+1 "
                    "bytes) and the 32-byte MAC");
    else
        lab_outf(o, "that is not the content. For the last byte of a block, the guess that "
                    "gives a good padding is usually 01 — but check that it is not 02 02 by "
                    "changing the byte before it");
    return 0;
}

static void po_clear(void *st)
{
    po_target *t = st;
    lab_records_free(t->rl);
    aes256_clear(&t->aes);
    glass_wipe(t, sizeof *t);
    free(t);
}

const lab_exercise lab_ex_padding = {
    "6", po_modes, "the padding oracle",
    "one line `plaintext TEXT`, the content of the record",
    po_setup, po_banner, po_query, po_grade, po_clear,
};

/* ---- lab 7: a recording and a stolen key ------------------------------------- */

typedef struct fs_target {
    rsa_private_key key;
    uint8_t cr[32], sr[32], epms[256];
    char msg[48];
    uint8_t rec[HDR + 16 + 64 + 32];
    size_t rec_len;
} fs_target;

/* client_write_MAC_key || server_write_MAC_key || client_write_key ||
 * server_write_key, 32 bytes each (RFC 5246 §6.3); encrypts and MACs the
 * client's first record the RFC 7366 way. */
static glass_err fs_record(fs_target *t, const uint8_t pms[48])
{
    uint8_t ms[48], kb[128], buf[64], *iv = t->rec + HDR, *C = iv + 16;
    glass_err err = hmac_tls12_master_secret(pms, 48, t->cr, t->sr, ms);
    if (err == GLASS_OK)
        err = hmac_tls12_key_block(ms, t->sr, t->cr, kb, sizeof kb);
    if (err == GLASS_OK)
        err = glass_random(iv, 16);
    aes256_ctx aes;
    if (err == GLASS_OK)
        err = aes256_init(&aes, kb + 64, 32);
    if (err == GLASS_OK) {
        size_t n = strlen(t->msg);
        memcpy(buf, t->msg, n);
        size_t padded = tls_pad(buf, n);
        aes256_cbc_encrypt(&aes, iv, buf, padded, C);
        aes256_clear(&aes);
        size_t flen = 16 + padded + 32;
        uint8_t pre[13] = {0};   /* seq_num 0 || type || version || length(IV || C) */
        memcpy(pre + 8, app_hdr, 3);
        pre[11] = (uint8_t)((16 + padded) >> 8);
        pre[12] = (uint8_t)(16 + padded);
        hmac_sha256_ctx h;
        hmac_sha256_init(&h, kb, 32);
        hmac_sha256_update(&h, pre, sizeof pre);
        hmac_sha256_update(&h, iv, 16 + padded);
        hmac_sha256_final(&h, C + padded);
        memcpy(t->rec, app_hdr, 3);
        t->rec[3] = (uint8_t)(flen >> 8);
        t->rec[4] = (uint8_t)flen;
        t->rec_len = HDR + flen;
    }
    glass_wipe(ms, sizeof ms);
    glass_wipe(kb, sizeof kb);
    return err;
}

static void *fs_setup(int mode)
{
    (void)mode;   /* one mode */
    fs_target *t = calloc(1, sizeof *t);
    uint8_t pms[48];
    char word[25];
    if (t == NULL)
        return NULL;
    rsa_private_init(&t->key);
    rsa_public_key pub;
    rsa_public_init(&pub);
    glass_err err = rsa_generate(&t->key, 2048, RSA_DEFAULT_E);
    if (err == GLASS_OK &&
        (!lab_random_text(word, 24) || glass_random(t->cr, 32) != GLASS_OK ||
         glass_random(t->sr, 32) != GLASS_OK || glass_random(pms, 48) != GLASS_OK))
        err = GLASS_ERR_RANDOM;
    if (err == GLASS_OK) {
        pms[0] = 0x03;   /* client_version, RFC 5246 §7.4.7.1 */
        pms[1] = 0x03;
        snprintf(t->msg, sizeof t->msg, "the password is %s", word);
        mpz_set(pub.n, t->key.n);
        mpz_set(pub.e, t->key.e);
        pub.k = t->key.k;
        err = rsa_pkcs1v15_encrypt(&pub, pms, sizeof pms, t->epms);
    }
    if (err == GLASS_OK)
        err = fs_record(t, pms);
    rsa_public_clear(&pub);
    glass_wipe(pms, sizeof pms);
    if (err != GLASS_OK) {
        rsa_private_clear(&t->key);
        free(t);
        return NULL;
    }
    return t;
}

static void fs_banner(void *st, lab_out *o)
{
    fs_target *t = st;
    uint8_t b[256];
    lab_outf(o, "# lab 7: a recorded RSA key-transport session, and the server's key, stolen.\n"
                "# keys: RFC 5246 §8.1 and §6.3 (MAC keys, then AES keys, 32 bytes each);\n"
                "# the record: header || IV || AES-256-CBC || HMAC (RFC 7366).\n");
    rsa_i2osp(t->key.n, b, t->key.k);
    lab_out_hex(o, "n", b, t->key.k);
    lab_outf(o, "e 65537\n");
    rsa_i2osp(t->key.d, b, t->key.k);
    lab_out_hex(o, "d", b, t->key.k);
    lab_out_hex(o, "client_random", t->cr, 32);
    lab_out_hex(o, "server_random", t->sr, 32);
    lab_out_hex(o, "encrypted_premaster", t->epms, t->key.k);
    lab_out_hex(o, "record", t->rec, t->rec_len);
    glass_wipe(b, sizeof b);
}

static int fs_query(void *st, const char *line, lab_out *o)
{
    (void)st;
    (void)line;
    lab_outf(o, "error this is a recording: everything is in the banner\n");
    return 1;
}

static int fs_grade(void *st, const char *answer, const char *reports, lab_out *o)
{
    fs_target *t = st;
    char got[512];
    (void)reports;
    if (!lab_field(answer, "plaintext", got, sizeof got)) {
        lab_outf(o, "print one line `plaintext TEXT`: what the client sent");
        return 0;
    }
    if (strcmp(got, t->msg) == 0)
        return 1;
    lab_outf(o, "not the client's words. Check each step: the premaster secret is 48 bytes "
                "starting 03 03 after the 00 02 ... 00 of PKCS#1 v1.5; master secret seeds "
                "with client_random first, key expansion with server_random first; the "
                "client's AES key is the third 32-byte key");
    return 0;
}

static void fs_clear(void *st)
{
    fs_target *t = st;
    rsa_private_clear(&t->key);
    glass_wipe(t, sizeof *t);
    free(t);
}

const lab_exercise lab_ex_fs = {
    "7", NULL, "the stolen server key",
    "one line `plaintext TEXT`, what the client sent",
    fs_setup, fs_banner, fs_query, fs_grade, fs_clear,
};

#else
/* The normal build has no lab code; this keeps the file a valid C11 unit. */
typedef int lab_ex_rec_not_in_this_build;
#endif /* GLASS_LAB_BUILD */
