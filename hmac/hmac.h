/*
 * hmac.h — HMAC-SHA256 and the key derivation functions built on it.
 *
 * SYNOPSIS
 *     hmac_sha256_ctx c;                        FIPS 198-1, RFC 2104
 *     hmac_sha256_init(&c, key, key_len);
 *     hmac_sha256_update(&c, data, len);        any number of times
 *     hmac_sha256_final(&c, mac);               32 bytes; the context is wiped
 *     hmac_sha256(key, key_len, data, len, mac);
 *
 *     hkdf_sha256_extract / hkdf_sha256_expand / hkdf_sha256     RFC 5869
 *     pbkdf2_hmac_sha256                                          RFC 8018 §5.2
 *     hmac_tls12_prf_sha256                           RFC 5246 §5 (P_SHA256)
 *     hmac_tls12_master_secret                        RFC 5246 §8.1
 *     hmac_tls12_extended_master_secret               RFC 7627 §4
 *     hmac_tls12_key_block                            RFC 5246 §6.3
 *
 * DESCRIPTION
 *     HMAC(K, m) = H((K0 ^ opad) || H((K0 ^ ipad) || m))   (FIPS 198-1 §4),
 *     where K0 is the key hashed if longer than the block, then zero-padded
 *     to 64 bytes.  Everything else in this header is HMAC applied in a loop.
 *
 * STANDARDS
 *     FIPS 198-1, The Keyed-Hash Message Authentication Code (July 2008),
 *     §4; RFC 2104 (February 1997), the same construction.
 *     RFC 5869 (May 2010), HKDF: §2.2 Extract, §2.3 Expand.
 *     RFC 8018 (January 2017), PKCS #5 v2.1: §5.2 PBKDF2.
 *     RFC 5246 (August 2008), TLS 1.2: §5 the PRF, §6.3 the key block,
 *     §8.1 the master secret.  RFC 7627 (September 2015) §4, the extended
 *     master secret.
 *
 * CAVEATS
 *     SHA-256 is the only hash.  The HKDF output is capped at 255 * 32 =
 *     8160 bytes (RFC 5869 §2.3).  hmac_tls12_prf_sha256 takes the label as a
 *     C string, as every TLS label is ASCII.  hmac_sha256_update cannot
 *     fail and returns nothing; so does hkdf_sha256_extract.
 *
 * SECURITY CONSIDERATIONS
 *     Compare MACs with glass_ct_equal(), never memcmp.  A key shorter than
 *     32 bytes gives HMAC-SHA256 less than its full strength: use a random
 *     key of 32 bytes.  PBKDF2 is only as slow as its iteration
 *     count: glasstls writes keys with 100000 (ca.h's
 *     KEY_DEFAULT_ITERATIONS).  The contexts hold keyed state and are wiped
 *     by hmac_sha256_final; the KDFs wipe their intermediate blocks.
 *
 * CONSTANT TIME
 *     | implementation | CT  | what leaks
 *     | hmac.c         | yes | the key's and message's lengths only
 *     | hkdf.c         | yes | the lengths; the loop count is set by okm_len
 *     | pbkdf2.c       | yes | the lengths and the iteration count
 *     | pbkdf2_ref.c   | yes | the same (the reference, RFC 8018 §5.2)
 *     | tls12_prf.c    | yes | the lengths; the loop count is set by out_len
 *     All inherit SHA-256's: no data-dependent branch or look-up.  make
 *     ctgrind (case hmac) runs HMAC, SHA-256 and the TLS 1.2 PRF with the
 *     key, the message and the master secret marked secret.
 */
#ifndef GLASS_HMAC_H
#define GLASS_HMAC_H

#include "common/common.h"
#include "sha/sha256.h"

#include <stddef.h>
#include <stdint.h>

#define HMAC_SHA256_LEN SHA256_DIGEST_LEN
#define TLS12_MASTER_SECRET_LEN 48
#define TLS12_RANDOM_LEN 32

typedef struct hmac_sha256_ctx {
    sha256_ctx inner;       /* H((K0 ^ ipad) || ...) in progress */
    sha256_ctx outer;       /* H((K0 ^ opad) || ...) primed with its key block */
} hmac_sha256_ctx;

/* FIPS 198-1 §4 steps 1-4: K0, then K0 ^ ipad into the inner hash; and
 * step 7 ahead of time: K0 ^ opad into the outer hash.  Any key length,
 * including 0. */
void hmac_sha256_init(hmac_sha256_ctx *ctx, const uint8_t *key, size_t key_len);
/* FIPS 198-1 §4 step 5: appends len bytes of the text. */
void hmac_sha256_update(hmac_sha256_ctx *ctx, const void *data, size_t len);
/* FIPS 198-1 §4 steps 6, 8 and 9 (step 7 was done by init): writes the
 * 32-byte MAC and wipes the context. */
void hmac_sha256_final(hmac_sha256_ctx *ctx, uint8_t mac[HMAC_SHA256_LEN]);
/* One call: the MAC of data[0..len) under key[0..key_len). */
void hmac_sha256(const uint8_t *key, size_t key_len, const void *data, size_t len,
                 uint8_t mac[HMAC_SHA256_LEN]);

/* RFC 5869 §2.2: PRK = HMAC(salt, IKM); an empty salt means 32 zero bytes. */
void hkdf_sha256_extract(const uint8_t *salt, size_t salt_len, const uint8_t *ikm,
                         size_t ikm_len, uint8_t prk[HMAC_SHA256_LEN]);
/* RFC 5869 §2.3: OKM = T(1) || T(2) || ...; okm_len <= 255*32 or
 * GLASS_ERR_KDF_LENGTH. */
glass_err hkdf_sha256_expand(const uint8_t *prk, size_t prk_len, const uint8_t *info,
                             size_t info_len, uint8_t *okm, size_t okm_len);
/* Extract then Expand in one call (RFC 5869 §2); same errors as expand. */
glass_err hkdf_sha256(const uint8_t *salt, size_t salt_len, const uint8_t *ikm, size_t ikm_len,
                      const uint8_t *info, size_t info_len, uint8_t *okm, size_t okm_len);

/* RFC 8018 §5.2: DK = T_1 || T_2 || ..., T_i = U_1 ^ ... ^ U_c.
 * iterations >= 1, dk_len >= 1, else GLASS_ERR_ARG. */
glass_err pbkdf2_hmac_sha256(const uint8_t *password, size_t password_len, const uint8_t *salt,
                             size_t salt_len, uint32_t iterations, uint8_t *dk, size_t dk_len);

/* RFC 5246 §5: PRF(secret, label, seed) = P_SHA256(secret, label || seed),
 * A(0) = label || seed, A(i) = HMAC(secret, A(i-1)),
 * output = HMAC(secret, A(1) || label || seed) || HMAC(secret, A(2) || ...) ... */
glass_err hmac_tls12_prf_sha256(const uint8_t *secret, size_t secret_len, const char *label,
                           const uint8_t *seed, size_t seed_len, uint8_t *out, size_t out_len);

/* RFC 5246 §8.1: master_secret = PRF(pre_master_secret, "master secret",
 * ClientHello.random + ServerHello.random)[0..47]. */
glass_err hmac_tls12_master_secret(const uint8_t *pre_master_secret, size_t pms_len,
                              const uint8_t client_random[TLS12_RANDOM_LEN],
                              const uint8_t server_random[TLS12_RANDOM_LEN],
                              uint8_t master_secret[TLS12_MASTER_SECRET_LEN]);

/* RFC 7627 §4: master_secret = PRF(pre_master_secret, "extended master
 * secret", session_hash)[0..47]. */
glass_err hmac_tls12_extended_master_secret(const uint8_t *pre_master_secret, size_t pms_len,
                                       const uint8_t *session_hash, size_t session_hash_len,
                                       uint8_t master_secret[TLS12_MASTER_SECRET_LEN]);

/* RFC 5246 §6.3: key_block = PRF(master_secret, "key expansion",
 * server_random + client_random) — note the order: server first. */
glass_err hmac_tls12_key_block(const uint8_t master_secret[TLS12_MASTER_SECRET_LEN],
                          const uint8_t server_random[TLS12_RANDOM_LEN],
                          const uint8_t client_random[TLS12_RANDOM_LEN],
                          uint8_t *key_block, size_t key_block_len);

#endif
