/*
 * tls12_prf.c — the TLS 1.2 pseudo-random function with SHA-256 and the
 * three secrets made from it.
 *
 * Standards: RFC 5246 (TLS 1.2, August 2008) §5, §6.3, §8.1;
 *            RFC 7627 (extended master secret, September 2015) §4.
 *
 * RFC 5246 §5:
 *     P_SHA256(secret, seed) = HMAC(secret, A(1) || seed) ||
 *                              HMAC(secret, A(2) || seed) || ...
 *     A(0) = seed,  A(i) = HMAC(secret, A(i-1))
 *     PRF(secret, label, seed) = P_SHA256(secret, label || seed)
 *
 * Read hmac_tls12_prf_sha256() first; the three functions after it only choose
 * the secret, the label and the seed:
 *
 *     master_secret           PRF(pre_master_secret, "master secret",
 *                                 ClientHello.random || ServerHello.random)
 *     extended master secret  PRF(pre_master_secret, "extended master secret",
 *                                 session_hash)
 *     key_block               PRF(master_secret, "key expansion",
 *                                 server_random || client_random)
 *
 * CT: yes — HMAC's; the loop count depends only on the output length.
 */
#include "hmac/hmac.h"

#include <string.h>

/* See hmac.h.  RFC 5246 §5. */
glass_err hmac_tls12_prf_sha256(const uint8_t *secret, size_t secret_len, const char *label,
                           const uint8_t *seed, size_t seed_len, uint8_t *out, size_t out_len)
{
    hmac_sha256_ctx key, c;
    uint8_t A[HMAC_SHA256_LEN];
    uint8_t block[HMAC_SHA256_LEN];
    size_t label_len;
    size_t done = 0;

    if (label == NULL || (secret == NULL && secret_len > 0) || (seed == NULL && seed_len > 0) ||
        (out == NULL && out_len > 0))
        return GLASS_ERR_ARG;
    label_len = strlen(label);

    /* The secret keys every HMAC below: prepare its pads once. */
    hmac_sha256_init(&key, secret, secret_len);

    /* 1. A(1) = HMAC(secret, A(0)), A(0) = label || seed. */
    c = key;
    hmac_sha256_update(&c, label, label_len);
    if (seed_len > 0)
        hmac_sha256_update(&c, seed, seed_len);
    hmac_sha256_final(&c, A);

    while (done < out_len) {
        /* 2. The next output block: HMAC(secret, A(i) || label || seed). */
        c = key;
        hmac_sha256_update(&c, A, sizeof A);
        hmac_sha256_update(&c, label, label_len);
        if (seed_len > 0)
            hmac_sha256_update(&c, seed, seed_len);
        hmac_sha256_final(&c, block);

        size_t take = out_len - done < sizeof block ? out_len - done : sizeof block;
        memcpy(out + done, block, take);
        done += take;

        /* 3. A(i+1) = HMAC(secret, A(i)), "as many times as necessary". */
        if (done < out_len) {
            c = key;
            hmac_sha256_update(&c, A, sizeof A);
            hmac_sha256_final(&c, A);
        }
    }

    glass_wipe(&key, sizeof key);
    glass_wipe(A, sizeof A);
    glass_wipe(block, sizeof block);
    return GLASS_OK;
}

/* See hmac.h.  RFC 5246 §8.1. */
glass_err hmac_tls12_master_secret(const uint8_t *pre_master_secret, size_t pms_len,
                              const uint8_t client_random[TLS12_RANDOM_LEN],
                              const uint8_t server_random[TLS12_RANDOM_LEN],
                              uint8_t master_secret[TLS12_MASTER_SECRET_LEN])
{
    uint8_t seed[2 * TLS12_RANDOM_LEN];

    if (client_random == NULL || server_random == NULL || master_secret == NULL)
        return GLASS_ERR_ARG;
    /* seed = ClientHello.random || ServerHello.random (client first) */
    memcpy(seed, client_random, TLS12_RANDOM_LEN);
    memcpy(seed + TLS12_RANDOM_LEN, server_random, TLS12_RANDOM_LEN);
    return hmac_tls12_prf_sha256(pre_master_secret, pms_len, "master secret", seed, sizeof seed,
                            master_secret, TLS12_MASTER_SECRET_LEN);
}

/* See hmac.h.  RFC 7627 §4. */
glass_err hmac_tls12_extended_master_secret(const uint8_t *pre_master_secret, size_t pms_len,
                                       const uint8_t *session_hash, size_t session_hash_len,
                                       uint8_t master_secret[TLS12_MASTER_SECRET_LEN])
{
    if (master_secret == NULL || (session_hash == NULL && session_hash_len > 0))
        return GLASS_ERR_ARG;
    /* The seed is the hash of the handshake up to ClientKeyExchange, which
     * binds the master secret to this very session (the triple-handshake fix). */
    return hmac_tls12_prf_sha256(pre_master_secret, pms_len, "extended master secret", session_hash,
                            session_hash_len, master_secret, TLS12_MASTER_SECRET_LEN);
}

/* See hmac.h.  RFC 5246 §6.3. */
glass_err hmac_tls12_key_block(const uint8_t master_secret[TLS12_MASTER_SECRET_LEN],
                          const uint8_t server_random[TLS12_RANDOM_LEN],
                          const uint8_t client_random[TLS12_RANDOM_LEN],
                          uint8_t *key_block, size_t key_block_len)
{
    uint8_t seed[2 * TLS12_RANDOM_LEN];

    if (master_secret == NULL || server_random == NULL || client_random == NULL)
        return GLASS_ERR_ARG;
    /* seed = server_random || client_random (server first, unlike §8.1) */
    memcpy(seed, server_random, TLS12_RANDOM_LEN);
    memcpy(seed + TLS12_RANDOM_LEN, client_random, TLS12_RANDOM_LEN);
    return hmac_tls12_prf_sha256(master_secret, TLS12_MASTER_SECRET_LEN, "key expansion", seed,
                            sizeof seed, key_block, key_block_len);
}
