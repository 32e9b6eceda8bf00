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
 * Every case runs three times and passes only if all three are right:
 *   1. aes_fast.c + the 4-bit GHASH table (what aes256_gcm_encrypt uses);
 *   2. aes_ref.c + the 4-bit GHASH table;
 *   3. aes_ct.c + gcm_mult_ct, over a schedule from aes256_ct_init (what
 *      aes256_gcm_encrypt_ct uses): the constant-time path end to end.
 *
 * CT: not applicable (public test data).
 */
#include "nist/nist.h"
#include "aes/aes.h"
#include "aes/aes_internal.h"

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
    if (rsp_get(rec, "Tag") == NULL)
        return NULL;
    if (!is_decrypt(r))
        return "Tag";
    return rsp_get(rec, "FAIL") != NULL ? "FAIL" : "PT";
}

/* [NAME = value] of the record's section as a number of bits, or -1. */
static long section_bits(const rsp_record *rec, const char *name)
{
    const char *v = rsp_section_get(rec, name);
    if (v == NULL || v[0] < '0' || v[0] > '9')
        return -1;
    char *end = NULL;
    long n = strtol(v, &end, 10);
    return (end != NULL && *end == '\0') ? n : -1;
}

static void run(nist_run *r, const rsp_record *rec, void *state)
{
    int decrypt = is_decrypt(r);
    (void)state;
    if (expected(r, rec) == NULL)
        return;
    {
        uint8_t *key = NULL, *iv = NULL, *pt = NULL, *ct = NULL, *aad = NULL, *tag = NULL;
        uint8_t *out = NULL;
        size_t key_len, iv_len, pt_len = 0, ct_len, aad_len, tag_len;
        long keylen = section_bits(rec, "Keylen");
        long ivlen = section_bits(rec, "IVlen"), ptlen = section_bits(rec, "PTlen");
        long aadlen = section_bits(rec, "AADlen"), taglen = section_bits(rec, "Taglen");
        if (keylen < 0 || ivlen < 0 || ptlen < 0 || aadlen < 0 || taglen < 0) {
            nist_malformed(r, rec->line, "record without [Keylen/IVlen/PTlen/AADlen/Taglen]");
            return;
        }
        if (keylen != 256) {
            nist_skip(r, rec, "key is not 256 bits (glasstls implements AES-256 only)");
            return;
        }
        if (ivlen % 8 != 0 || ptlen % 8 != 0 || aadlen % 8 != 0 || taglen % 8 != 0) {
            nist_skip(r, rec, "a length that is not a whole number of bytes");
            return;
        }
        int expect_fail = decrypt && rsp_get(rec, "FAIL") != NULL;
        if (nist_hex(r, rec, "Key", 0, &key, &key_len) != 0 ||
            nist_hex(r, rec, "IV", 0, &iv, &iv_len) != 0 ||
            nist_hex(r, rec, "CT", 0, &ct, &ct_len) != 0 ||
            nist_hex(r, rec, "AAD", 0, &aad, &aad_len) != 0 ||
            nist_hex(r, rec, "Tag", 0, &tag, &tag_len) != 0 ||
            (!expect_fail && nist_hex(r, rec, "PT", 0, &pt, &pt_len) != 0))
            goto next_record;
        if (key_len * 8 != (size_t)keylen || iv_len * 8 != (size_t)ivlen ||
            ct_len * 8 != (size_t)ptlen || aad_len * 8 != (size_t)aadlen ||
            tag_len * 8 != (size_t)taglen || (!expect_fail && pt_len != ct_len)) {
            nist_malformed(r, rec->line, "Count=%s: a field's length differs from its section's",
                          nist_count(rec));
            goto next_record;
        }
        aes256_ctx c, cc;
        aes256_init(&c, key, key_len);
        aes256_ct_init(&cc, key, key_len);
        out = malloc(ct_len + 1);
        if (out == NULL) {
            nist_malformed(r, rec->line, "out of memory");
            aes256_clear(&c);
            aes256_clear(&cc);
            goto next_record;
        }
        static const struct {
            aes_block_fn CIPH;
            gcm_ghash GHASH;
            const char *which;
        } impls[3] = {
            {aes256_fast_encrypt_block, GCM_GHASH_TABLE, ""},
            {aes256_ref_encrypt_block, GCM_GHASH_TABLE, " (aes_ref.c)"},
            {aes256_ct_encrypt_block, GCM_GHASH_CT, " (aes_ct.c, ct GHASH)"},
        };
        int ok = 1;
        for (int im = 0; im < 3 && ok; im++) {
            aes_block_fn CIPH = impls[im].CIPH;
            gcm_ghash GHASH = impls[im].GHASH;
            const char *which = impls[im].which;
            const aes256_ctx *ctx = im == 2 ? &cc : &c;
            char field[48];
            if (!decrypt) {
                uint8_t got_tag[16];
                glass_err err = aes256_gcm_encrypt_with_ghash(CIPH, GHASH, ctx, iv, iv_len, aad,
                                                              aad_len, pt, pt_len, out, got_tag,
                                                              tag_len);
                ok = 0;
                snprintf(field, sizeof field, "%s%s", "CT", which);
                if (err != GLASS_OK)
                    nist_fail(r, rec, field, "success", glass_err_name(err));
                else if (ct_len > 0 && memcmp(out, ct, ct_len) != 0)
                    nist_fail_bytes(r, rec, field, ct, ct_len, out, ct_len);
                else if (memcmp(got_tag, tag, tag_len) != 0) {
                    snprintf(field, sizeof field, "%s%s", "Tag", which);
                    nist_fail_bytes(r, rec, field, tag, tag_len, got_tag, tag_len);
                }
                else
                    ok = 1;
            } else {
                glass_err err = aes256_gcm_decrypt_with_ghash(CIPH, GHASH, ctx, iv, iv_len, aad,
                                                              aad_len, ct, ct_len, tag, tag_len,
                                                              out);
                ok = 0;
                snprintf(field, sizeof field, "%s%s", "PT", which);
                if (expect_fail && err != GLASS_ERR_AES_TAG)
                    nist_fail(r, rec, field, "FAIL (GLASS_ERR_AES_TAG)", glass_err_name(err));
                else if (!expect_fail && err != GLASS_OK)
                    nist_fail(r, rec, field, "success", glass_err_name(err));
                else if (!expect_fail && ct_len > 0 && memcmp(out, pt, ct_len) != 0)
                    nist_fail_bytes(r, rec, field, pt, pt_len, out, ct_len);
                else
                    ok = 1;
            }
        }
        if (ok)
            nist_pass(r, rec);
        aes256_clear(&c);
        aes256_clear(&cc);
    next_record:
        free(key);
        free(iv);
        free(pt);
        free(ct);
        free(aad);
        free(tag);
        free(out);
    }
}

const nist_kind nist_kind_gcm = {"AES-256-GCM", recognise, expected, run, 0, NULL};
