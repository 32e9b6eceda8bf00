/*
 * vec_gcm.c — AES-256-GCM vector files for `glass vectors` (NIST CAVP
 * gcmEncryptExtIV*.rsp and gcmDecrypt*.rsp, per the GCMVS).
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
 */
#include "apps.h"
#include "aes/aes.h"
#include "aes/aes_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int claims(const char *base, const rsp_file *f)
{
    (void)f;
    return strncmp(base, "gcmEncrypt", 10) == 0 || strncmp(base, "gcmDecrypt", 10) == 0;
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

static void run(vec_run *r, const rsp_file *f)
{
    int decrypt = strncmp(r->base, "gcmDecrypt", 10) == 0;
    for (size_t k = 0; k < f->nrecords && !r->malformed; k++) {
        const rsp_record *rec = &f->records[k];
        uint8_t *key = NULL, *iv = NULL, *pt = NULL, *ct = NULL, *aad = NULL, *tag = NULL;
        uint8_t *out = NULL;
        size_t key_len, iv_len, pt_len = 0, ct_len, aad_len, tag_len;
        long keylen = section_bits(rec, "Keylen");
        long ivlen = section_bits(rec, "IVlen"), ptlen = section_bits(rec, "PTlen");
        long aadlen = section_bits(rec, "AADlen"), taglen = section_bits(rec, "Taglen");
        if (keylen < 0 || ivlen < 0 || ptlen < 0 || aadlen < 0 || taglen < 0) {
            vec_malformed(r, rec->line, "record without [Keylen/IVlen/PTlen/AADlen/Taglen]");
            break;
        }
        if (keylen != 256) {
            vec_skip(r, rec, "key is not 256 bits (glasstls implements AES-256 only)");
            continue;
        }
        if (ivlen % 8 != 0 || ptlen % 8 != 0 || aadlen % 8 != 0 || taglen % 8 != 0) {
            vec_skip(r, rec, "a length that is not a whole number of bytes");
            continue;
        }
        int expect_fail = decrypt && rsp_get(rec, "FAIL") != NULL;
        if (vec_field_hex(r, rec, "Key", &key, &key_len) != 0 ||
            vec_field_hex(r, rec, "IV", &iv, &iv_len) != 0 ||
            vec_field_hex(r, rec, "CT", &ct, &ct_len) != 0 ||
            vec_field_hex(r, rec, "AAD", &aad, &aad_len) != 0 ||
            vec_field_hex(r, rec, "Tag", &tag, &tag_len) != 0 ||
            (!expect_fail && vec_field_hex(r, rec, "PT", &pt, &pt_len) != 0))
            goto next_record;
        if (key_len * 8 != (size_t)keylen || iv_len * 8 != (size_t)ivlen ||
            ct_len * 8 != (size_t)ptlen || aad_len * 8 != (size_t)aadlen ||
            tag_len * 8 != (size_t)taglen || (!expect_fail && pt_len != ct_len)) {
            vec_malformed(r, rec->line, "Count=%s: a field's length differs from its section's",
                          vec_count(rec));
            goto next_record;
        }
        aes256_ctx c, cc;
        aes256_init(&c, key, key_len);
        aes256_ct_init(&cc, key, key_len);
        out = malloc(ct_len + 1);
        if (out == NULL) {
            vec_malformed(r, rec->line, "out of memory");
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
                    vec_fail(r, rec, field, "success", glass_err_name(err));
                else if (ct_len > 0 && memcmp(out, ct, ct_len) != 0)
                    vec_fail_bytes(r, rec, field, ct, ct_len, out, ct_len);
                else if (memcmp(got_tag, tag, tag_len) != 0) {
                    snprintf(field, sizeof field, "%s%s", "Tag", which);
                    vec_fail_bytes(r, rec, field, tag, tag_len, got_tag, tag_len);
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
                    vec_fail(r, rec, field, "FAIL (GLASS_ERR_AES_TAG)", glass_err_name(err));
                else if (!expect_fail && err != GLASS_OK)
                    vec_fail(r, rec, field, "success", glass_err_name(err));
                else if (!expect_fail && ct_len > 0 && memcmp(out, pt, ct_len) != 0)
                    vec_fail_bytes(r, rec, field, pt, pt_len, out, ct_len);
                else
                    ok = 1;
            }
        }
        if (ok)
            vec_pass(r);
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

const struct vec_handler vec_gcm = {"AES-256-GCM", claims, run};
