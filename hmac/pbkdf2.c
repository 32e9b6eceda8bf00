/*
 * pbkdf2.c — PBKDF2 with HMAC-SHA256 as its PRF (RFC 8018 §5.2, January 2017).
 *
 *     DK = T_1 || T_2 || ... || T_l      (the last one cut to fit dkLen)
 *     T_i = U_1 XOR U_2 XOR ... XOR U_c
 *     U_1 = PRF(P, S || INT(i)),   U_j = PRF(P, U_{j-1})
 *
 * Why it is written the way it is: c is large on purpose (100 000 for
 * glasstls key files), so the cost of one U_j is the cost of the whole
 * function.  HMAC's two key blocks, K0 XOR ipad and K0 XOR opad, are the same
 * in every U_j, so they are compressed ONCE (hmac_sha256_init) and each U_j
 * starts from the two saved intermediate hash values.  What is left per U_j
 * is exactly two runs of the compression function, each on one block padded
 * once, up front, by SHA-256's own sha256_pad (FIPS 180-4 §5.1.1), since
 * only the first 32 bytes change from one U_j to the next:
 *
 *     inner block:  U_{j-1} (32 bytes) || 80 || 00 .. 00 || 00..0300
 *     outer block:  inner digest (32)  || 80 || 00 .. 00 || 00..0300
 *                   (0x300 = 768 bits = the 64-byte key block + 32 bytes)
 *
 * pbkdf2_ref.c computes the same thing the way RFC 8018 §5.2 writes it, one
 * HMAC call per U_j; the tests run both on the same vectors.
 *
 * Read pbkdf2_hmac_sha256() from step 1.
 *
 * CT: yes — the work depends only on c, dkLen and the input lengths.
 */
#include "hmac/hmac.h"
#include "sha/sha256_internal.h"

#include <string.h>

/* See hmac.h.  RFC 8018 §5.2. */
glass_err pbkdf2_hmac_sha256(const uint8_t *password, size_t password_len, const uint8_t *salt,
                             size_t salt_len, uint32_t iterations, uint8_t *dk, size_t dk_len)
{
    hmac_sha256_ctx key, c;
    uint8_t inner_block[2 * SHA256_BLOCK_LEN];
    uint8_t outer_block[2 * SHA256_BLOCK_LEN];
    uint8_t T[HMAC_SHA256_LEN];
    uint32_t H[8];
    uint8_t INT_i[4];
    size_t done = 0;
    uint32_t i = 0;

    if (iterations < 1 || dk_len < 1 || dk == NULL || (password == NULL && password_len > 0) ||
        (salt == NULL && salt_len > 0))
        return GLASS_ERR_ARG;

    /* Step 1: "If dkLen > (2^32 - 1) * hLen, output 'derived key too long'". */
    if ((uint64_t)dk_len > (uint64_t)0xffffffffu * HMAC_SHA256_LEN)
        return GLASS_ERR_KDF_LENGTH;

    /* The two key blocks, compressed once for the whole run. */
    hmac_sha256_init(&key, password, password_len);
    const sha256_impl *impl = key.inner.impl;
    /* Each block: a 32-byte digest that follows the 64-byte key block. */
    (void)sha256_pad(inner_block, SHA256_DIGEST_LEN, SHA256_BLOCK_LEN + SHA256_DIGEST_LEN);
    (void)sha256_pad(outer_block, SHA256_DIGEST_LEN, SHA256_BLOCK_LEN + SHA256_DIGEST_LEN);

    /* Steps 2-3: l = ceil(dkLen / hLen) blocks T_1..T_l. */
    while (done < dk_len) {
        i++;

        /* U_1 = PRF(P, S || INT(i)), INT(i) four bytes big-endian. */
        INT_i[0] = (uint8_t)(i >> 24);
        INT_i[1] = (uint8_t)(i >> 16);
        INT_i[2] = (uint8_t)(i >> 8);
        INT_i[3] = (uint8_t)i;
        c = key;
        if (salt_len > 0)
            hmac_sha256_update(&c, salt, salt_len);
        hmac_sha256_update(&c, INT_i, sizeof INT_i);
        hmac_sha256_final(&c, inner_block); /* U_1 into the next inner block */
        memcpy(T, inner_block, sizeof T);    /* T_i = U_1 so far */

        /* U_j = PRF(P, U_{j-1}) for j = 2..c, two compressions each. */
        for (uint32_t j = 2; j <= iterations; j++) {
            memcpy(H, key.inner.H, sizeof H);   /* after K0 XOR ipad */
            impl->compress(H, inner_block, 1, NULL);
            sha256_put_digest(outer_block, H);
            memcpy(H, key.outer.H, sizeof H);   /* after K0 XOR opad */
            impl->compress(H, outer_block, 1, NULL);
            sha256_put_digest(inner_block, H);  /* U_j, the next U_{j-1} */
            for (size_t k = 0; k < sizeof T; k++)
                T[k] ^= inner_block[k];
        }

        /* Step 4: DK = T_1 || T_2 || ... (the last T cut to length). */
        size_t take = dk_len - done < sizeof T ? dk_len - done : sizeof T;
        memcpy(dk + done, T, take);
        done += take;
    }

    /* Everything here was derived from the password. */
    glass_wipe(&key, sizeof key);
    glass_wipe(inner_block, sizeof inner_block);
    glass_wipe(outer_block, sizeof outer_block);
    glass_wipe(T, sizeof T);
    glass_wipe(H, sizeof H);
    return GLASS_OK;
}
