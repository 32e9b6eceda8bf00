/*
 * kind_gcm.c — AES-256-GCM vector files (NIST CAVP gcmEncryptExtIV*.rsp and
 * gcmDecrypt*.rsp, per the GCMVS), recognised by the fields Key, IV, AAD,
 * Tag; decryption files by "Decrypt" in the header.
 *
 * Sections give [Keylen], [IVlen], [PTlen], [AADlen], [Taglen] in bits;
 * records give Key, IV, PT or CT, AAD, Tag.  In the Decrypt file a record
 * ends with either PT (the tag is good and this is the plaintext) or the
 * bare word FAIL (the tag or the data was altered: decryption must refuse,
 * and a refusal counts as a pass).  Lengths that are not whole bytes and
 * key sizes other than 256 bits are skipped with their reason.
 *
 * Every case runs through every AES implementation of aes/aes.h's table,
 * each with the GHASH it pairs with, and then through every other GHASH
 * method of the GHASH table, from one loop; it passes only if all are
 * right.  `glass vectors -impl NAME` runs one implementation with its
 * GHASH.
 *
 * CT: not applicable (public test data).
 */
#include "nist/nist.h"
#include "aes/aes.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int recognise(const rsp_file *f)
{
    static const char *const fields[] = {"Key", "IV", "AAD", "Tag", NULL};
    return nist_records_with(f, fields) > 0;
}

static int is_decrypt(const nist_run *r)
{
    static const char *const fail[] = {"FAIL", NULL};
    return nist_header_has(r->file, "Decrypt") || nist_records_with(r->file, fail) > 0;
}

/* Encryption: the Tag (always there; CT is empty when PTlen = 0).
 * Decryption: the PT, or the bare FAIL that says it must be refused. */
static const char *expected(const nist_run *r, const rsp_record *rec)
{
    if (nist_rsp_get(rec, "Tag") == NULL)
        return NULL;
    if (!is_decrypt(r))
        return "Tag";
    return nist_rsp_get(rec, "FAIL") != NULL ? "FAIL" : "PT";
}

/* [NAME = value] of the record's section as a number of bits, or -1. */
static long section_bits(const rsp_record *rec, const char *name)
{
    const char *v = nist_rsp_section_get(rec, name);
    if (v == NULL || v[0] < '0' || v[0] > '9')
        return -1;
    char *end = NULL;
    long n = strtol(v, &end, 10);
    return (end != NULL && *end == '\0') ? n : -1;
}

/* One case's data, as bytes. */
struct gcm_case {
    uint8_t *key, *iv, *pt, *ct, *aad, *tag;
    size_t key_len, iv_len, pt_len, ct_len, aad_len, tag_len;
    int decrypt, expect_fail;
};

/* Runs the case with one cipher and one GHASH (both in ctx); 1 if right. */
static int check_one(nist_run *r, const rsp_record *rec, const aes256_ctx *ctx,
                     const struct gcm_case *g, const char *which, uint8_t *out)
{
    char field[80];
    glass_err err;
    if (!g->decrypt) {
        uint8_t got_tag[16];
        err = aes256_gcm_encrypt(ctx, g->iv, g->iv_len, g->aad, g->aad_len, g->pt, g->pt_len,
                                 out, got_tag, g->tag_len);
        snprintf(field, sizeof field, "CT (%s)", which);
        if (err != GLASS_OK)
            nist_fail(r, rec, field, "success", glass_err_name(err));
        else if (g->ct_len > 0 && memcmp(out, g->ct, g->ct_len) != 0)
            nist_fail_bytes(r, rec, field, g->ct, g->ct_len, out, g->ct_len);
        else if (memcmp(got_tag, g->tag, g->tag_len) != 0) {
            snprintf(field, sizeof field, "Tag (%s)", which);
            nist_fail_bytes(r, rec, field, g->tag, g->tag_len, got_tag, g->tag_len);
        } else
            return 1;
        return 0;
    }
    err = aes256_gcm_decrypt(ctx, g->iv, g->iv_len, g->aad, g->aad_len, g->ct, g->ct_len, g->tag,
                             g->tag_len, out);
    snprintf(field, sizeof field, "PT (%s)", which);
    if (g->expect_fail && err != GLASS_ERR_AES_TAG)
        nist_fail(r, rec, field, "FAIL (GLASS_ERR_AES_TAG)", glass_err_name(err));
    else if (!g->expect_fail && err != GLASS_OK)
        nist_fail(r, rec, field, "success", glass_err_name(err));
    else if (!g->expect_fail && g->ct_len > 0 && memcmp(out, g->pt, g->ct_len) != 0)
        nist_fail_bytes(r, rec, field, g->pt, g->pt_len, out, g->ct_len);
    else
        return 1;
    return 0;
}

/* Every AES implementation with its partner GHASH, then every other GHASH
 * method (with the first implementation), from one loop; 1 if all right. */
static int check_all(nist_run *r, const rsp_record *rec, const struct gcm_case *g, uint8_t *out)
{
    const aes_impl *list[8];
    size_t n = nist_aes_impls(r, list, 8);
    int ok = 1;
    if (n == 0) {
        nist_skip(r, rec, "no AES implementation of that name runs on this CPU");
        return 0;
    }
    size_t extra = r->opt != NULL && r->opt->impl != NULL ? 0 : ghash_impl_count();
    for (size_t i = 0; ok && i < n + extra; i++) {
        const ghash_impl *gh = NULL;
        if (i >= n) {
            gh = ghash_impl_at(i - n);
            int partner = 0;
            for (size_t j = 0; j < n; j++)
                partner |= ghash_impl_by_name(list[j]->ghash) == gh;
            if (partner || !ghash_impl_available(gh))
                continue;
        }
        aes256_ctx c;
        char which[64];
        glass_err err = aes256_init_impl(&c, g->key, g->key_len, list[i < n ? i : 0]);
        if (err == GLASS_OK && gh != NULL)
            err = aes256_set_ghash(&c, gh);
        snprintf(which, sizeof which, "AES %s, GHASH %s", list[i < n ? i : 0]->name,
                 gh != NULL ? gh->name : list[i]->ghash);
        if (err != GLASS_OK) {
            nist_fail(r, rec, which, "a key schedule", glass_err_name(err));
            ok = 0;
        } else {
            ok = check_one(r, rec, &c, g, which, out);
        }
        aes256_clear(&c);
    }
    return ok;
}

/* The section's lengths, in bits: -1 (after nist_malformed or nist_skip)
 * when the case is not to run. */
static int lengths_ok(nist_run *r, const rsp_record *rec, long bits[5])
{
    static const char *const names[5] = {"Keylen", "IVlen", "PTlen", "AADlen", "Taglen"};
    for (int i = 0; i < 5; i++)
        if ((bits[i] = section_bits(rec, names[i])) < 0) {
            nist_malformed(r, rec->line, "record without [Keylen/IVlen/PTlen/AADlen/Taglen]");
            return -1;
        }
    if (bits[0] != 256) {
        nist_skip(r, rec, "key is not 256 bits (glasstls implements AES-256 only)");
        return -1;
    }
    for (int i = 1; i < 5; i++)
        if (bits[i] % 8 != 0) {
            nist_skip(r, rec, "a length that is not a whole number of bytes");
            return -1;
        }
    return 0;
}

static void run(nist_run *r, const rsp_record *rec, void *state)
{
    struct gcm_case g;
    uint8_t *out = NULL;
    long bits[5];
    (void)state;
    if (expected(r, rec) == NULL || lengths_ok(r, rec, bits) != 0)
        return;
    memset(&g, 0, sizeof g);
    g.decrypt = is_decrypt(r);
    g.expect_fail = g.decrypt && nist_rsp_get(rec, "FAIL") != NULL;
    if (nist_hex(r, rec, "Key", 0, &g.key, &g.key_len) != 0 ||
        nist_hex(r, rec, "IV", 0, &g.iv, &g.iv_len) != 0 ||
        nist_hex(r, rec, "CT", 0, &g.ct, &g.ct_len) != 0 ||
        nist_hex(r, rec, "AAD", 0, &g.aad, &g.aad_len) != 0 ||
        nist_hex(r, rec, "Tag", 0, &g.tag, &g.tag_len) != 0 ||
        (!g.expect_fail && nist_hex(r, rec, "PT", 0, &g.pt, &g.pt_len) != 0))
        goto cleanup;
    if (g.key_len * 8 != (size_t)bits[0] || g.iv_len * 8 != (size_t)bits[1] ||
        g.ct_len * 8 != (size_t)bits[2] || g.aad_len * 8 != (size_t)bits[3] ||
        g.tag_len * 8 != (size_t)bits[4] || (!g.expect_fail && g.pt_len != g.ct_len)) {
        nist_malformed(r, rec->line, "Count=%s: a field's length differs from its section's",
                       nist_count(rec));
        goto cleanup;
    }
    out = malloc(g.ct_len + 1);
    if (out == NULL) {
        nist_malformed(r, rec->line, "out of memory");
        goto cleanup;
    }
    if (check_all(r, rec, &g, out))
        nist_pass(r, rec);
cleanup:
    free(g.key);
    free(g.iv);
    free(g.pt);
    free(g.ct);
    free(g.aad);
    free(g.tag);
    free(out);
}

const nist_kind nist_kind_gcm = {"AES-256-GCM", recognise, expected, run, 0, NULL};
