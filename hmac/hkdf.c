/*
 * hkdf.c — HKDF with HMAC-SHA256 (RFC 5869, May 2010).
 *
 * Two steps (RFC 5869 §2):
 *   extract (§2.2):  PRK = HMAC-Hash(salt, IKM)
 *                    concentrates the entropy of IKM into one 32-byte key;
 *   expand (§2.3):   T(0) = empty
 *                    T(i) = HMAC-Hash(PRK, T(i-1) || info || i)   (i one byte)
 *                    OKM  = first L bytes of T(1) || T(2) || ... || T(N)
 *
 * Read hkdf_sha256_extract, then hkdf_sha256_expand.
 *
 * CT: yes — HMAC's; the loop count depends only on the output length.
 */
#include "hmac/hmac.h"

#include <string.h>

/* See hmac.h.  RFC 5869 §2.2. */
void hkdf_sha256_extract(const uint8_t *salt, size_t salt_len, const uint8_t *ikm,
                         size_t ikm_len, uint8_t prk[HMAC_SHA256_LEN])
{
    static const uint8_t zeros[HMAC_SHA256_LEN] = {0};

    /* "if not provided, [salt] is set to a string of HashLen zeros" */
    if (salt == NULL || salt_len == 0) {
        salt = zeros;
        salt_len = sizeof zeros;
    }
    hmac_sha256(salt, salt_len, ikm_len > 0 ? ikm : (const uint8_t *)"", ikm_len, prk);
}

/* See hmac.h.  RFC 5869 §2.3. */
glass_err hkdf_sha256_expand(const uint8_t *prk, size_t prk_len, const uint8_t *info,
                             size_t info_len, uint8_t *okm, size_t okm_len)
{
    hmac_sha256_ctx key, c;
    uint8_t T[HMAC_SHA256_LEN];
    size_t done = 0;
    uint8_t i = 0;

    /* "L  length of output keying material in octets (<= 255*HashLen)" */
    if (okm_len > 255 * (size_t)HMAC_SHA256_LEN)
        return GLASS_ERR_KDF_LENGTH;
    if ((prk == NULL && prk_len > 0) || (info == NULL && info_len > 0) ||
        (okm == NULL && okm_len > 0))
        return GLASS_ERR_ARG;

    /* The key is the same in every T(i): prepare its pads once. */
    hmac_sha256_init(&key, prk, prk_len);
    while (done < okm_len) {
        /* T(i) = HMAC(PRK, T(i-1) || info || i), with T(0) empty. */
        i++;
        c = key;
        if (i > 1)
            hmac_sha256_update(&c, T, sizeof T);
        if (info_len > 0)
            hmac_sha256_update(&c, info, info_len);
        hmac_sha256_update(&c, &i, 1);
        hmac_sha256_final(&c, T);

        /* OKM = the first L octets of T(1) || T(2) || ... */
        size_t take = okm_len - done < sizeof T ? okm_len - done : sizeof T;
        memcpy(okm + done, T, take);
        done += take;
    }

    glass_wipe(T, sizeof T);
    glass_wipe(&key, sizeof key);
    return GLASS_OK;
}

/* See hmac.h.  RFC 5869 §2: extract, then expand. */
glass_err hkdf_sha256(const uint8_t *salt, size_t salt_len, const uint8_t *ikm, size_t ikm_len,
                      const uint8_t *info, size_t info_len, uint8_t *okm, size_t okm_len)
{
    uint8_t prk[HMAC_SHA256_LEN];
    glass_err err;

    if (okm_len > 255 * (size_t)HMAC_SHA256_LEN)
        return GLASS_ERR_KDF_LENGTH;
    if (ikm == NULL && ikm_len > 0)
        return GLASS_ERR_ARG;
    hkdf_sha256_extract(salt, salt_len, ikm, ikm_len, prk);
    err = hkdf_sha256_expand(prk, sizeof prk, info, info_len, okm, okm_len);
    glass_wipe(prk, sizeof prk);
    return err;
}
