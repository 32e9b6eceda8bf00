/*
 * pbkdf2_ref.c — PBKDF2 with HMAC-SHA256, the reference: RFC 8018 §5.2
 * (January 2017) step by step, one HMAC call for every U_j.
 *
 *   PBKDF2 (P, S, c, dkLen)
 *   1. If dkLen > (2^32 - 1) * hLen, output "derived key too long" and stop.
 *   2. l = CEIL (dkLen / hLen), r = dkLen - (l - 1) * hLen.
 *   3. T_i = F (P, S, c, i) for i = 1..l, where
 *          F (P, S, c, i) = U_1 \xor U_2 \xor ... \xor U_c
 *          U_1 = PRF (P, S || INT (i)),
 *          U_j = PRF (P, U_{j-1})   for j = 2..c
 *      and INT (i) is i as four bytes, most significant first.
 *   4. DK = T_1 || T_2 || ... || T_l<0..r-1>
 *   5. Output DK.
 *
 * hLen = 32 and PRF = HMAC-SHA256 here.  Read it beside the RFC: the names
 * are the RFC's.  pbkdf2.c computes the same with each HMAC's key blocks
 * hashed once instead of 2c times; tests/test_hmac.c runs both on the same
 * vectors.
 *
 * CT: yes — the work depends only on c, dkLen and the input lengths.
 */
#include "hmac/hmac_internal.h"

#include <string.h>

#define hLen HMAC_SHA256_LEN

/* F (P, S, c, i) of step 3. */
static void F(const uint8_t *P, size_t P_len, const uint8_t *S, size_t S_len, uint32_t c,
              uint32_t i, uint8_t T[hLen])
{
    hmac_sha256_ctx prf;
    uint8_t INT_i[4];
    uint8_t U[hLen];

    /* U_1 = PRF (P, S || INT (i)). */
    INT_i[0] = (uint8_t)(i >> 24);
    INT_i[1] = (uint8_t)(i >> 16);
    INT_i[2] = (uint8_t)(i >> 8);
    INT_i[3] = (uint8_t)i;
    hmac_sha256_init(&prf, P, P_len);
    hmac_sha256_update(&prf, S, S_len);
    hmac_sha256_update(&prf, INT_i, sizeof INT_i);
    hmac_sha256_final(&prf, U);
    memcpy(T, U, hLen);

    /* U_j = PRF (P, U_{j-1}), and T = U_1 xor ... xor U_j. */
    for (uint32_t j = 2; j <= c; j++) {
        hmac_sha256(P, P_len, U, hLen, U);
        for (size_t k = 0; k < hLen; k++)
            T[k] ^= U[k];
    }
    glass_wipe(U, sizeof U);
}

/* See hmac_internal.h.  RFC 8018 §5.2. */
glass_err pbkdf2_hmac_sha256_ref(const uint8_t *password, size_t password_len,
                                 const uint8_t *salt, size_t salt_len, uint32_t iterations,
                                 uint8_t *dk, size_t dk_len)
{
    if (iterations < 1 || dk_len < 1 || dk == NULL || (password == NULL && password_len > 0) ||
        (salt == NULL && salt_len > 0))
        return GLASS_ERR_ARG;

    /* 1. dkLen <= (2^32 - 1) * hLen. */
    if ((uint64_t)dk_len > (uint64_t)0xffffffffu * hLen)
        return GLASS_ERR_KDF_LENGTH;

    /* 2. l blocks, the last one r bytes long. */
    size_t l = (dk_len + hLen - 1) / hLen;
    size_t r = dk_len - (l - 1) * hLen;

    /* 3-4. T_1 .. T_l, concatenated; the last cut to r bytes. */
    uint8_t T[hLen];
    for (size_t i = 1; i <= l; i++) {
        F(password, password_len, salt, salt_len, iterations, (uint32_t)i, T);
        memcpy(dk + (i - 1) * hLen, T, i < l ? hLen : r);
    }
    glass_wipe(T, sizeof T);
    /* 5. DK is in dk. */
    return GLASS_OK;
}
