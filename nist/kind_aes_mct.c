/*
 * kind_aes_mct.c — AESVS Monte Carlo files for AES-256 in ECB and CBC
 * (AESVS §6.4.1, §6.4.2), recognised by KEY, PLAINTEXT, CIPHERTEXT and
 * "MCT" in the header; the mode by "for ECB" / "for CBC" in the header,
 * else by whether records carry an IV.
 *
 * Each record holds Key[i], (IV[i],) and the first input; 1000 inner
 * iterations produce the output it lists.  For a 256-bit key the next
 * record's key is
 *     Key[i+1] = Key[i] XOR (out[998] || out[999])
 * (the last two outputs, 32 bytes in all), ECB's next input is out[999],
 * CBC's next IV is out[999] and its next input out[998].  The kind checks
 * every record's output and also that its KEY, IV and input are the ones
 * the previous record's outer step predicts, so all 100 x 1000 iterations
 * are checked.  Every AES implementation of aes/aes.h's table (or the one
 * -impl names) runs every record in full; the results of a record are kept
 * for its line, so the self-test's second look at a record costs nothing.
 *
 * The Monte Carlo tests of OFB and the CFB modes (AESVS §6.4.3-§6.4.6)
 * chain differently; such a file's records are skipped with that reason.
 *
 * CT: not applicable (public test data).
 */
#include "nist/nist.h"
#include "aes/aes.h"
#include "aes/aes_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* What one record's outer step predicts for the next record. */
struct prediction {
    size_t by;                          /* line of the record that made it; 0: none */
    const rsp_section *section;
    uint8_t key[32], iv[16], input[16];
};

struct mct {
    struct prediction cur, prev;        /* by the last record seen, and before */
    size_t line;                        /* the record y998/y999 belong to */
    const aes_impl *impl[8];            /* the implementations that ran it */
    size_t nimpl;
    uint8_t y998[8][16], y999[8][16];
};

static int recognise(const rsp_file *f)
{
    static const char *const fields[] = {"KEY", "PLAINTEXT", "CIPHERTEXT", NULL};
    return nist_records_with(f, fields) > 0 &&
           (nist_header_has(f, "MCT") || nist_header_has(f, "Monte"));
}

static const char *expected(const nist_run *r, const rsp_record *rec)
{
    (void)r;
    if (nist_rsp_get(rec, "KEY") == NULL)
        return NULL;
    return nist_rsp_section_get(rec, "DECRYPT") != NULL ? "PLAINTEXT" : "CIPHERTEXT";
}

/* The 1000 inner iterations of one record (AESVS §6.4); y998/y999 receive
 * the last two outputs. */
static void mct_inner(const aes256_ctx *c, int cbc, int encrypt,
                      const uint8_t iv[16], const uint8_t first[16], uint8_t y998[16],
                      uint8_t y999[16])
{
    uint8_t x[16], y[16], prev_y[16], chain[16], t[16];
    memcpy(x, first, 16);
    memcpy(chain, iv, 16);
    memset(prev_y, 0, 16);
    for (int j = 0; j < 1000; j++) {
        if (!cbc && encrypt) {
            aes256_encrypt_block(c, x, y);
        } else if (!cbc) {
            aes256_decrypt_block(c, x, y);
        } else if (encrypt) {
            for (int i = 0; i < 16; i++)
                t[i] = (uint8_t)(x[i] ^ chain[i]);
            aes256_encrypt_block(c, t, y);
            memcpy(chain, y, 16);
        } else {
            aes256_decrypt_block(c, x, t);
            for (int i = 0; i < 16; i++)
                y[i] = (uint8_t)(t[i] ^ chain[i]);
            memcpy(chain, x, 16);
        }
        if (j == 998)
            memcpy(y998, y, 16);
        /* Next input: ECB the output; CBC the IV for j = 0, else out[j-1]. */
        if (!cbc)
            memcpy(x, y, 16);
        else if (j == 0)
            memcpy(x, iv, 16);
        else
            memcpy(x, prev_y, 16);
        memcpy(prev_y, y, 16);
    }
    memcpy(y999, y, 16);
}

/* 1 when the record's KEY, IV and input are those the previous record's
 * outer step predicts (or there is no previous record in this section). */
static int chain_ok(nist_run *r, const rsp_record *rec, const struct mct *st, int cbc,
                    const uint8_t *key, const uint8_t *iv, const uint8_t *in)
{
    /* The prediction this record made itself (a self-test copy ran first)
     * is not the one to check it against. */
    const struct prediction *p = st->cur.by == rec->line ? &st->prev : &st->cur;
    if (p->by == 0 || p->section != rec->section)
        return 1;
    if (memcmp(p->key, key, 32) != 0)
        nist_fail_bytes(r, rec, "KEY (from the previous COUNT)", key, 32, p->key, 32);
    else if (cbc && memcmp(p->iv, iv, 16) != 0)
        nist_fail_bytes(r, rec, "IV (from the previous COUNT)", iv, 16, p->iv, 16);
    else if (memcmp(p->input, in, 16) != 0)
        nist_fail_bytes(r, rec, "input (from the previous COUNT)", in, 16, p->input, 16);
    else
        return 1;
    return 0;
}

static void judge(nist_run *r, const rsp_record *rec, struct mct *st, int cbc, int encrypt,
                  const uint8_t *key, const uint8_t *iv, const uint8_t *in,
                  const uint8_t *want)
{
    const char *field = encrypt ? "CIPHERTEXT" : "PLAINTEXT";
    if (st->line != rec->line) {
        st->nimpl = nist_aes_impls(r, st->impl, 8);
        for (size_t i = 0; i < st->nimpl; i++) {
            aes256_ctx c;
            if (aes256_init_impl(&c, key, 32, st->impl[i]) != GLASS_OK)
                memset(st->y999[i], 0, 16);     /* cannot happen: listed as available */
            else
                mct_inner(&c, cbc, encrypt, iv, in, st->y998[i], st->y999[i]);
            aes256_clear(&c);
        }
        st->line = rec->line;
    }
    if (st->nimpl == 0) {
        nist_skip(r, rec, "no AES implementation of that name runs on this CPU");
        return;
    }
    if (chain_ok(r, rec, st, cbc, key, iv, in)) {
        size_t i = 0;
        while (i < st->nimpl && memcmp(st->y999[i], want, 16) == 0 &&
               memcmp(st->y998[i], st->y998[0], 16) == 0)
            i++;
        char what[64];
        snprintf(what, sizeof what, "%s (%s)", field, i < st->nimpl ? st->impl[i]->name : "");
        if (i == st->nimpl)
            nist_pass(r, rec);
        else
            nist_fail_bytes(r, rec, what, want, 16, st->y999[i], 16);
    }
}

static void run(nist_run *r, const rsp_record *rec, void *state)
{
    struct mct *st = state;
    uint8_t *key = NULL, *iv = NULL, *pt = NULL, *ct = NULL;
    size_t key_len, iv_len = 16, pt_len, ct_len;
    uint8_t zero_iv[16] = {0};
    if (expected(r, rec) == NULL)
        return;
    int encrypt = nist_rsp_section_get(rec, "ENCRYPT") != NULL;
    int cbc = nist_header_has(r->file, "for CBC") ||
              (!nist_header_has(r->file, "for ECB") && nist_rsp_get(rec, "IV") != NULL);
    if (nist_header_has(r->file, "for OFB") || nist_header_has(r->file, "for CFB")) {
        nist_skip(r, rec, "Monte Carlo for OFB and CFB (AESVS 6.4.3-6.4.6) not run");
        return;
    }
    if (!encrypt && nist_rsp_section_get(rec, "DECRYPT") == NULL) {
        nist_malformed(r, rec->line, "record outside an [ENCRYPT] or [DECRYPT] section");
        return;
    }
    if (nist_hex(r, rec, "KEY", 0, &key, &key_len) != 0 ||
        (cbc && nist_hex(r, rec, "IV", 0, &iv, &iv_len) != 0) ||
        nist_hex(r, rec, "PLAINTEXT", 0, &pt, &pt_len) != 0 ||
        nist_hex(r, rec, "CIPHERTEXT", 0, &ct, &ct_len) != 0)
        goto cleanup;
    if (key_len != AES256_KEY_LEN) {
        nist_skip(r, rec, "key is not 256 bits (glasstls implements AES-256 only)");
        goto cleanup;
    }
    if (iv_len != 16 || pt_len != 16 || ct_len != 16) {
        nist_malformed(r, rec->line, "COUNT=%s: IV, PLAINTEXT, CIPHERTEXT not 16 bytes",
                       nist_count(rec));
        goto cleanup;
    }
    const uint8_t *ivp = iv != NULL ? iv : zero_iv;
    const uint8_t *in = encrypt ? pt : ct;
    judge(r, rec, st, cbc, encrypt, key, ivp, in, encrypt ? ct : pt);
    /* The outer step: Key[i+1] = Key[i] XOR (out[998] || out[999]). */
    if (st->cur.by != rec->line)
        st->prev = st->cur;
    st->cur.by = rec->line;
    st->cur.section = rec->section;
    for (int i = 0; i < 16; i++) {
        st->cur.key[i] = (uint8_t)(key[i] ^ st->y998[0][i]);
        st->cur.key[16 + i] = (uint8_t)(key[16 + i] ^ st->y999[0][i]);
    }
    memcpy(st->cur.iv, st->y999[0], 16);
    memcpy(st->cur.input, cbc ? st->y998[0] : st->y999[0], 16);
cleanup:
    free(key);
    free(iv);
    free(pt);
    free(ct);
}

const nist_kind nist_kind_aes_mct = {"AES-256 Monte Carlo", recognise, expected, run,
                                     sizeof(struct mct), NULL};
