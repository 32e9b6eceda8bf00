/*
 * kind_kdf.c — our RFC test-case files for the HMAC-based KDFs, two kinds
 * recognised by their fields:
 *   tests/data/vectors/rfc5869_hkdf_sha256.rsp     RFC 5869 Appendix A
 *       IKM, salt, info, L (bytes), PRK, OKM: PRK checks extract (§2.2),
 *       OKM checks expand (§2.3); a case passes when both are right.
 *   tests/data/vectors/rfc7914_pbkdf2_sha256.rsp   RFC 7914 §11
 *       P, S (hex), c, dkLen (bytes), DK (RFC 8018 §5.2).
 *
 * CT: not applicable (public test data).
 */
#include "nist/nist.h"
#include "hmac/hmac.h"

#include <stdlib.h>
#include <string.h>

static int recognise_hkdf(const rsp_file *f)
{
    static const char *const fields[] = {"IKM", "PRK", "OKM", NULL};
    return nist_records_with(f, fields) > 0;
}

static int recognise_pbkdf2(const rsp_file *f)
{
    static const char *const fields[] = {"P", "S", "c", "dkLen", "DK", NULL};
    return nist_records_with(f, fields) > 0;
}

static const char *expected_okm(const nist_run *r, const rsp_record *rec)
{
    (void)r;
    return nist_rsp_get(rec, "OKM") != NULL ? "OKM" : NULL;
}

static const char *expected_dk(const nist_run *r, const rsp_record *rec)
{
    (void)r;
    return nist_rsp_get(rec, "DK") != NULL ? "DK" : NULL;
}

static void run_hkdf(nist_run *r, const rsp_record *rec, void *state)
{
    uint8_t *ikm = NULL, *salt = NULL, *info = NULL, *prk = NULL, *okm = NULL, *out = NULL;
    size_t ikm_len, salt_len, info_len, prk_len, okm_len;
    uint8_t PRK[HMAC_SHA256_LEN];
    unsigned long L;
    (void)state;
    if (nist_rsp_get(rec, "OKM") == NULL)
        return;

    if (nist_hex(r, rec, "IKM", 0, &ikm, &ikm_len) != 0 ||
        nist_hex(r, rec, "salt", 0, &salt, &salt_len) != 0 ||
        nist_hex(r, rec, "info", 0, &info, &info_len) != 0 ||
        nist_hex(r, rec, "PRK", 0, &prk, &prk_len) != 0 ||
        nist_hex(r, rec, "OKM", 0, &okm, &okm_len) != 0 ||
        nist_num(r, rec, "L", 1, 255 * HMAC_SHA256_LEN, &L) != 0)
        goto cleanup;
    out = malloc(L);
    if (out == NULL)
        goto cleanup;
    hkdf_sha256_extract(salt, salt_len, ikm, ikm_len, PRK);
    if (prk_len != sizeof PRK || memcmp(prk, PRK, sizeof PRK) != 0) {
        nist_fail_bytes(r, rec, "PRK", prk, prk_len, PRK, sizeof PRK);
        goto cleanup;
    }
    if (hkdf_sha256_expand(PRK, sizeof PRK, info, info_len, out, L) != GLASS_OK) {
        nist_fail(r, rec, "OKM", "a value", "an error");
        goto cleanup;
    }
    nist_check_bytes(r, rec, "OKM", okm, okm_len, out, L);
cleanup:
    free(ikm);
    free(salt);
    free(info);
    free(prk);
    free(okm);
    free(out);
}

static void run_pbkdf2(nist_run *r, const rsp_record *rec, void *state)
{
    uint8_t *P = NULL, *S = NULL, *DK = NULL, *out = NULL;
    size_t P_len, S_len, DK_len;
    unsigned long c, dkLen;
    (void)state;
    if (nist_rsp_get(rec, "DK") == NULL)
        return;

    if (nist_hex(r, rec, "P", 0, &P, &P_len) != 0 ||
        nist_hex(r, rec, "S", 0, &S, &S_len) != 0 ||
        nist_hex(r, rec, "DK", 0, &DK, &DK_len) != 0 ||
        nist_num(r, rec, "c", 1, 0xfffffffful, &c) != 0 ||
        nist_num(r, rec, "dkLen", 1, 1ul << 20, &dkLen) != 0)
        goto cleanup;
    out = malloc(dkLen);
    if (out == NULL)
        goto cleanup;
    if (pbkdf2_hmac_sha256(P, P_len, S, S_len, (uint32_t)c, out, dkLen) != GLASS_OK) {
        nist_fail(r, rec, "DK", "a value", "an error");
        goto cleanup;
    }
    nist_check_bytes(r, rec, "DK", DK, DK_len, out, dkLen);
cleanup:
    free(P);
    free(S);
    free(DK);
    free(out);
}

const nist_kind nist_kind_hkdf = {"HKDF-SHA256", recognise_hkdf, expected_okm, run_hkdf, 0, NULL};
const nist_kind nist_kind_pbkdf2 = {"PBKDF2-HMAC-SHA256", recognise_pbkdf2, expected_dk, run_pbkdf2,
                                    0, NULL};
