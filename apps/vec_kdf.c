/*
 * vec_kdf.c — runs our RFC test-case files for the HMAC-based KDFs:
 *   tests/data/vectors/rfc5869_hkdf_sha256.rsp     RFC 5869 Appendix A
 *       IKM, salt, info, L (bytes), PRK, OKM: PRK checks extract (§2.2),
 *       OKM checks expand (§2.3); a case passes when both are right.
 *   tests/data/vectors/rfc7914_pbkdf2_sha256.rsp   RFC 7914 §11
 *       P, S (hex), c, dkLen (bytes), DK (RFC 8018 §5.2).
 */
#include "apps.h"
#include "hmac/hmac.h"

#include <stdlib.h>
#include <string.h>

static int claims(const char *base, const rsp_file *f)
{
    (void)base;
    return strstr(f->header, "RFC 5869 HKDF-SHA256") != NULL ||
           strstr(f->header, "RFC 7914 PBKDF2-HMAC-SHA256") != NULL;
}

/* A decimal field in [min, max]; -1 (and malformed) if it is not. */
static int field_num(vec_run *r, const rsp_record *rec, const char *name, unsigned long min,
                     unsigned long max, unsigned long *out)
{
    const char *v = rsp_get(rec, name);
    char *end = NULL;
    if (v == NULL || v[0] < '0' || v[0] > '9' || (*out = strtoul(v, &end, 10), *end != '\0') ||
        *out < min || *out > max) {
        vec_malformed(r, rsp_line(rec, name), "%s missing or not a number from %lu to %lu", name,
                      min, max);
        return -1;
    }
    return 0;
}

static void run_hkdf(vec_run *r, const rsp_record *rec)
{
    uint8_t *ikm = NULL, *salt = NULL, *info = NULL, *prk = NULL, *okm = NULL, *out = NULL;
    size_t ikm_len, salt_len, info_len, prk_len, okm_len;
    uint8_t PRK[HMAC_SHA256_LEN];
    unsigned long L;

    if (vec_field_hex(r, rec, "IKM", &ikm, &ikm_len) != 0 ||
        vec_field_hex(r, rec, "salt", &salt, &salt_len) != 0 ||
        vec_field_hex(r, rec, "info", &info, &info_len) != 0 ||
        vec_field_hex(r, rec, "PRK", &prk, &prk_len) != 0 ||
        vec_field_hex(r, rec, "OKM", &okm, &okm_len) != 0 ||
        field_num(r, rec, "L", 1, 255 * HMAC_SHA256_LEN, &L) != 0)
        goto cleanup;
    out = malloc(L);
    if (out == NULL)
        goto cleanup;
    hkdf_sha256_extract(salt, salt_len, ikm, ikm_len, PRK);
    if (prk_len != sizeof PRK || memcmp(prk, PRK, sizeof PRK) != 0) {
        vec_fail_bytes(r, rec, "PRK", prk, prk_len, PRK, sizeof PRK);
        goto cleanup;
    }
    if (hkdf_sha256_expand(PRK, sizeof PRK, info, info_len, out, L) != GLASS_OK) {
        vec_fail(r, rec, "OKM", "a value", "an error");
        goto cleanup;
    }
    vec_check_bytes(r, rec, "OKM", okm, okm_len, out, L);
cleanup:
    free(ikm);
    free(salt);
    free(info);
    free(prk);
    free(okm);
    free(out);
}

static void run_pbkdf2(vec_run *r, const rsp_record *rec)
{
    uint8_t *P = NULL, *S = NULL, *DK = NULL, *out = NULL;
    size_t P_len, S_len, DK_len;
    unsigned long c, dkLen;

    if (vec_field_hex(r, rec, "P", &P, &P_len) != 0 ||
        vec_field_hex(r, rec, "S", &S, &S_len) != 0 ||
        vec_field_hex(r, rec, "DK", &DK, &DK_len) != 0 ||
        field_num(r, rec, "c", 1, 0xfffffffful, &c) != 0 ||
        field_num(r, rec, "dkLen", 1, 1ul << 20, &dkLen) != 0)
        goto cleanup;
    out = malloc(dkLen);
    if (out == NULL)
        goto cleanup;
    if (pbkdf2_hmac_sha256(P, P_len, S, S_len, (uint32_t)c, out, dkLen) != GLASS_OK) {
        vec_fail(r, rec, "DK", "a value", "an error");
        goto cleanup;
    }
    vec_check_bytes(r, rec, "DK", DK, DK_len, out, dkLen);
cleanup:
    free(P);
    free(S);
    free(DK);
    free(out);
}

static void run(vec_run *r, const rsp_file *f)
{
    int hkdf = strstr(f->header, "RFC 5869") != NULL;
    for (size_t k = 0; k < f->nrecords && !r->malformed; k++) {
        if (hkdf)
            run_hkdf(r, &f->records[k]);
        else
            run_pbkdf2(r, &f->records[k]);
    }
}

const struct vec_handler vec_kdf = {"HKDF/PBKDF2", claims, run};
