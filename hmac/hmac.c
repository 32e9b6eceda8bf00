/*
 * hmac.c — HMAC-SHA256 (FIPS 198-1, July 2008; the same construction as
 * RFC 2104).
 *
 *     HMAC(K, text) = H((K0 XOR opad) || H((K0 XOR ipad) || text))
 *
 * Read hmac_sha256_init() first: it is FIPS 198-1 §4 steps 1 to 4 (make K0,
 * XOR it with ipad) and the start of steps 5-6 (the inner hash absorbs
 * K0 XOR ipad); it also does step 7 ahead of time (K0 XOR opad into the outer
 * hash), so a context can be copied after init and reused for many messages
 * under one key (PBKDF2 and the TLS PRF do that).  hmac_sha256_update() is
 * step 5, appending the text, which the inner hash absorbs as it arrives;
 * hmac_sha256_final() ends step 6 and does steps 8 and 9.
 *
 * CT: yes — the steps and their lengths depend only on the key's and the
 * message's lengths, never on their values.
 */
#include "hmac/hmac.h"
#include "sha/sha256_internal.h"

#include <string.h>

#define IPAD 0x36
#define OPAD 0x5c

/* See hmac.h.  FIPS 198-1 §4, steps 1-4, the start of 5-6, and step 7. */
void hmac_sha256_init(hmac_sha256_ctx *ctx, const uint8_t *key, size_t key_len)
{
    uint8_t K0[SHA256_BLOCK_LEN];
    uint8_t pad[SHA256_BLOCK_LEN];

    /* Steps 1-3: K0 is K zero-padded to B = 64 bytes when K is at most B
     * bytes long, else H(K) zero-padded to B bytes. */
    memset(K0, 0, sizeof K0);
    if (key_len > SHA256_BLOCK_LEN) {
        sha256(key, key_len, K0);
    } else if (key_len > 0) {
        memcpy(K0, key, key_len);
    }

    /* Step 4: K0 XOR ipad.  Step 5 begins: the inner hash absorbs it first. */
    for (size_t i = 0; i < SHA256_BLOCK_LEN; i++)
        pad[i] = (uint8_t)(K0[i] ^ IPAD);
    sha256_init(&ctx->inner);
    sha256_update(&ctx->inner, pad, sizeof pad);

    /* Step 7: K0 XOR opad, absorbed now by the outer hash so that step 8
     * only has to add the inner digest. */
    for (size_t i = 0; i < SHA256_BLOCK_LEN; i++)
        pad[i] = (uint8_t)(K0[i] ^ OPAD);
    sha256_init(&ctx->outer);
    sha256_update(&ctx->outer, pad, sizeof pad);

    /* K0 and the pads are the key in disguise. */
    glass_wipe(K0, sizeof K0);
    glass_wipe(pad, sizeof pad);
}

/* See hmac.h.  FIPS 198-1 §4 step 5: (K0 XOR ipad) || text, text as it comes. */
void hmac_sha256_update(hmac_sha256_ctx *ctx, const void *data, size_t len)
{
    sha256_update(&ctx->inner, data, len);
}

/* See hmac.h.  FIPS 198-1 §4 steps 6-9. */
void hmac_sha256_final(hmac_sha256_ctx *ctx, uint8_t mac[HMAC_SHA256_LEN])
{
    uint8_t inner[SHA256_DIGEST_LEN];

    /* Step 6: H((K0 XOR ipad) || text). */
    sha256_final(&ctx->inner, inner);

    /* Step 8: (K0 XOR opad) || H((K0 XOR ipad) || text).
     * Step 9: H of that.  (Step 7 was done at init.) */
    sha256_update(&ctx->outer, inner, sizeof inner);
    sha256_final(&ctx->outer, mac);

    /* sha256_final wiped both halves of ctx; the inner digest is left. */
    sha256_wipe(inner, sizeof inner);
}

/* See hmac.h. */
void hmac_sha256(const uint8_t *key, size_t key_len, const void *data, size_t len,
                 uint8_t mac[HMAC_SHA256_LEN])
{
    hmac_sha256_ctx ctx;
    hmac_sha256_init(&ctx, key, key_len);
    hmac_sha256_update(&ctx, data, len);
    hmac_sha256_final(&ctx, mac);
}
