/*
 * gcm.c — Galois/Counter Mode for AES-256 (NIST SP 800-38D, 2007).
 *
 * Read in this order:
 *   1. GHASH (§6.4, Algorithm 2) over the context's multiplication
 *      (ctx->ghash: ghash.c, or aes_hw.c's PCLMULQDQ) and GCTR (§6.5,
 *      Algorithm 3), which is CTR with inc32 over the context's cipher;
 *   2. GCM-AE (§7.1, Algorithm 4) and GCM-AD (§7.2, Algorithm 5);
 *   3. the entry points that name the cipher and the GHASH explicitly.
 *
 * Decryption (GCM-AD) computes the tag over the ciphertext FIRST, compares
 * it with the received one in constant time, and only then decrypts; on a
 * mismatch out[] is wiped and nothing of the plaintext is released.
 *
 * CT: as the context's cipher and GHASH (aes.h's tables); with the default
 * ones (ct or hw) yes.  The tag comparison is constant time in every case.
 */
#include "aes/aes.h"
#include "aes/aes_internal.h"

#include <string.h>

static inline void store_be64(uint8_t *p, uint64_t v)
{
    for (int i = 7; i >= 0; i--) {
        p[i] = (uint8_t)v;
        v >>= 8;
    }
}

/* ---- 1. GHASH (§6.4) and GCTR (§6.5) ---------------------------------------- */

/* The hash key H with the method that multiplies by it. */
typedef struct ghash_state {
    const ghash_impl *m;
    ghash_key k;
} ghash_state;

/* GHASH over data || 0^v (zero-padded to whole blocks), continuing from Y:
 * Y_i = (Y_{i-1} XOR X_i) . H. */
static void ghash_update(uint8_t Y[16], const ghash_state *t, const uint8_t *data, size_t len)
{
    size_t whole = len / 16;
    if (whole > 0)
        t->m->blocks(&t->k, Y, data, whole);
    if (len % 16 != 0) {
        uint8_t last[16] = {0};
        memcpy(last, data + 16 * whole, len % 16);
        t->m->blocks(&t->k, Y, last, 1);
        glass_wipe(last, sizeof last);
    }
}

/* Appends the block [len(A)]_64 || [len(C)]_64 (lengths in bits). */
static void ghash_lengths(uint8_t Y[16], const ghash_state *t, uint64_t a_len, uint64_t c_len)
{
    uint8_t block[16];
    store_be64(block, a_len * 8);
    store_be64(block + 8, c_len * 8);
    ghash_update(Y, t, block, 16);
}

/* inc_32: add 1 to the last 32 bits mod 2^32, leave the first 96 (§6.2). */
static inline void inc32(uint8_t CB[16])
{
    for (int i = 15; i >= 12; i--) {
        CB[i]++;
        if (CB[i] != 0)
            break;
    }
}

/* GCTR_K(ICB, X) (§6.5): Y_i = X_i XOR CIPH_K(CB_i), CB_{i+1} = inc32(CB_i);
 * the last block may be partial.  in == out allowed. */
static void gctr(const aes256_ctx *ctx, const uint8_t ICB[16], const uint8_t *in, size_t len,
                 uint8_t *out)
{
    uint8_t CB[16];
    memcpy(CB, ICB, 16);
    aes256_ctr_run(ctx, CB, 1, in, len, out);
}

/* Steps 1 and 2 shared by §7.1 and §7.2: H = CIPH_K(0^128); the table; J0. */
static void gcm_setup(const aes256_ctx *ctx, const ghash_impl *GHASH, const uint8_t *iv,
                      size_t iv_len, ghash_state *t, uint8_t J0[16])
{
    uint8_t H[16] = {0};
    ctx->impl->encrypt(ctx, H, H, 1);
    memset(t, 0, sizeof *t);
    t->m = GHASH;
    GHASH->init(&t->k, H);
    if (iv_len == 12) {
        /* J0 = IV || 0^31 || 1 */
        memcpy(J0, iv, 12);
        J0[12] = 0;
        J0[13] = 0;
        J0[14] = 0;
        J0[15] = 1;
    } else {
        /* J0 = GHASH_H(IV || 0^(s+64) || [len(IV)]_64) */
        memset(J0, 0, 16);
        ghash_update(J0, t, iv, iv_len);
        ghash_lengths(J0, t, 0, iv_len);
    }
    glass_wipe(H, sizeof H);
}

/* Steps 5 and 6 (§7.1): S = GHASH_H(A || 0^v || C || 0^u || [len(A)] || [len(C)]),
 * T = MSB_t(GCTR_K(J0, S)); full 16-byte T written. */
static void gcm_tag(const aes256_ctx *ctx, const ghash_state *t, const uint8_t J0[16],
                    const uint8_t *aad, size_t aad_len, const uint8_t *C, size_t c_len,
                    uint8_t T[16])
{
    uint8_t S[16] = {0};
    ghash_update(S, t, aad, aad_len);
    ghash_update(S, t, C, c_len);
    ghash_lengths(S, t, aad_len, c_len);
    gctr(ctx, J0, S, 16, T);
    glass_wipe(S, sizeof S);
}

static glass_err gcm_check_args(const aes256_ctx *ctx, const uint8_t *iv, size_t iv_len,
                                const uint8_t *aad, size_t aad_len, const uint8_t *in,
                                size_t len, const uint8_t *out, const uint8_t *tag,
                                size_t tag_len)
{
    if (ctx == NULL || iv == NULL || tag == NULL || (aad_len > 0 && aad == NULL) ||
        (len > 0 && (in == NULL || out == NULL)))
        return GLASS_ERR_ARG;
    /* §5.2.1.1: len(IV) >= 1; len(P) <= 2^39 - 256 bits; len(A) <= 2^64 - 1 bits. */
    if (iv_len == 0 || iv_len > (SIZE_MAX >> 4))
        return GLASS_ERR_AES_IV_LENGTH;
    if (tag_len < 4 || tag_len > AES_GCM_TAG_LEN)
        return GLASS_ERR_AES_TAG_LENGTH;
    if ((uint64_t)len > ((1ull << 36) - 32) || (uint64_t)aad_len > (UINT64_MAX >> 3))
        return GLASS_ERR_LENGTH;
    return GLASS_OK;
}

/* ---- 2. GCM-AE (§7.1) and GCM-AD (§7.2) ------------------------------------ */

/* SP 800-38D §7.1, Algorithm 4, over ctx's cipher and the GHASH given. */
static glass_err gcm_ae(const aes256_ctx *ctx, const ghash_impl *GHASH, const uint8_t *iv,
                        size_t iv_len, const uint8_t *aad, size_t aad_len, const uint8_t *in,
                        size_t len, uint8_t *out, uint8_t *tag, size_t tag_len)
{
    glass_err err = gcm_check_args(ctx, iv, iv_len, aad, aad_len, in, len, out, tag, tag_len);
    if (err != GLASS_OK)
        return err;
    ghash_state t;
    uint8_t J0[16], ICB[16], T[16];
    /* 1-2. H, the hash key, J0. */
    gcm_setup(ctx, GHASH, iv, iv_len, &t, J0);
    /* 3. C = GCTR_K(inc32(J0), P). */
    memcpy(ICB, J0, 16);
    inc32(ICB);
    gctr(ctx, ICB, in, len, out);
    /* 4-6. S and T = MSB_t(GCTR_K(J0, S)). */
    gcm_tag(ctx, &t, J0, aad, aad_len, out, len, T);
    memcpy(tag, T, tag_len);
    glass_wipe(&t, sizeof t);
    glass_wipe(T, sizeof T);
    return GLASS_OK;
}

/* SP 800-38D §7.2, Algorithm 5. */
static glass_err gcm_ad(const aes256_ctx *ctx, const ghash_impl *GHASH, const uint8_t *iv,
                        size_t iv_len, const uint8_t *aad, size_t aad_len, const uint8_t *in,
                        size_t len, const uint8_t *tag, size_t tag_len, uint8_t *out)
{
    glass_err err = gcm_check_args(ctx, iv, iv_len, aad, aad_len, in, len, out, tag, tag_len);
    if (err != GLASS_OK)
        return err;
    ghash_state t;
    uint8_t J0[16], ICB[16], T[16];
    /* 1-3. (Lengths checked above.)  H, the hash key, J0. */
    gcm_setup(ctx, GHASH, iv, iv_len, &t, J0);
    /* 5-7. T' = MSB_t(GCTR_K(J0, S)) over the ciphertext as received. */
    gcm_tag(ctx, &t, J0, aad, aad_len, in, len, T);
    /* 8. T' == T?  Compared in constant time: an early exit would show a
     *    forger how many leading tag bytes were right. */
    if (!glass_ct_equal(T, tag, tag_len)) {
        if (len > 0)
            glass_wipe(out, len);
        err = GLASS_ERR_AES_TAG;
        goto cleanup;
    }
    /* 4. Only now: P = GCTR_K(inc32(J0), C). */
    memcpy(ICB, J0, 16);
    inc32(ICB);
    gctr(ctx, ICB, in, len, out);
    err = GLASS_OK;
cleanup:
    glass_wipe(&t, sizeof t);
    glass_wipe(T, sizeof T);
    return err;
}

/* See aes.h: over the context's cipher and GHASH. */
glass_err aes256_gcm_encrypt(const aes256_ctx *ctx, const uint8_t *iv, size_t iv_len,
                             const uint8_t *aad, size_t aad_len,
                             const uint8_t *in, size_t len, uint8_t *out,
                             uint8_t *tag, size_t tag_len)
{
    if (ctx == NULL)
        return GLASS_ERR_ARG;
    return gcm_ae(ctx, ctx->ghash, iv, iv_len, aad, aad_len, in, len, out, tag, tag_len);
}

/* See aes.h. */
glass_err aes256_gcm_decrypt(const aes256_ctx *ctx, const uint8_t *iv, size_t iv_len,
                             const uint8_t *aad, size_t aad_len,
                             const uint8_t *in, size_t len,
                             const uint8_t *tag, size_t tag_len, uint8_t *out)
{
    if (ctx == NULL)
        return GLASS_ERR_ARG;
    return gcm_ad(ctx, ctx->ghash, iv, iv_len, aad, aad_len, in, len, tag, tag_len, out);
}

/* ---- 3. naming the cipher and the GHASH ------------------------------------ */

/* A copy of ctx bound to another implementation.  Every entry fills the
 * same schedule w/dw, so ref, table and ct-gf need nothing more, and ct's
 * sliced keys are derived from w here; GLASS_ERR_UNSUPPORTED for any other
 * entry (or NULL: a block function that is no entry's). */
static glass_err rebind(aes256_ctx *copy, const aes256_ctx *ctx, const aes_impl *impl)
{
    if (ctx == NULL)
        return GLASS_ERR_ARG;
    if (impl == NULL)
        return GLASS_ERR_UNSUPPORTED;
    *copy = *ctx;
    if (ctx->impl != impl) {
        if (strcmp(impl->name, "ct") == 0)
            aes256_bitslice_setup(copy);
        else if (impl->setup != aes256_ref_expand_key && impl->setup != aes256_ct_expand_key)
            return GLASS_ERR_UNSUPPORTED;
        copy->impl = impl;
    }
    return GLASS_OK;
}

static const ghash_impl *ghash_of(gcm_ghash GHASH)
{
    return GHASH == GCM_GHASH_CT ? &ghash_impl_ct : &ghash_impl_table;
}

/* See aes_internal.h. */
glass_err aes256_gcm_encrypt_with_ghash(aes_block_fn CIPH, gcm_ghash GHASH,
                                        const aes256_ctx *ctx, const uint8_t *iv,
                                        size_t iv_len, const uint8_t *aad, size_t aad_len,
                                        const uint8_t *in, size_t len, uint8_t *out,
                                        uint8_t *tag, size_t tag_len)
{
    aes256_ctx c;
    glass_err err = rebind(&c, ctx, aes_impl_for_block_fn(CIPH));
    if (err == GLASS_OK)
        err = gcm_ae(&c, ghash_of(GHASH), iv, iv_len, aad, aad_len, in, len, out, tag, tag_len);
    glass_wipe(&c, sizeof c);
    return err;
}

/* See aes_internal.h. */
glass_err aes256_gcm_decrypt_with_ghash(aes_block_fn CIPH, gcm_ghash GHASH,
                                        const aes256_ctx *ctx, const uint8_t *iv,
                                        size_t iv_len, const uint8_t *aad, size_t aad_len,
                                        const uint8_t *in, size_t len,
                                        const uint8_t *tag, size_t tag_len, uint8_t *out)
{
    aes256_ctx c;
    glass_err err = rebind(&c, ctx, aes_impl_for_block_fn(CIPH));
    if (err == GLASS_OK)
        err = gcm_ad(&c, ghash_of(GHASH), iv, iv_len, aad, aad_len, in, len, tag, tag_len, out);
    glass_wipe(&c, sizeof c);
    return err;
}

/* See aes_internal.h: the table GHASH. */
glass_err aes256_gcm_encrypt_with(aes_block_fn CIPH, const aes256_ctx *ctx, const uint8_t *iv,
                                  size_t iv_len, const uint8_t *aad, size_t aad_len,
                                  const uint8_t *in, size_t len, uint8_t *out,
                                  uint8_t *tag, size_t tag_len)
{
    return aes256_gcm_encrypt_with_ghash(CIPH, GCM_GHASH_TABLE, ctx, iv, iv_len, aad, aad_len,
                                         in, len, out, tag, tag_len);
}

/* See aes_internal.h: the table GHASH. */
glass_err aes256_gcm_decrypt_with(aes_block_fn CIPH, const aes256_ctx *ctx, const uint8_t *iv,
                                  size_t iv_len, const uint8_t *aad, size_t aad_len,
                                  const uint8_t *in, size_t len,
                                  const uint8_t *tag, size_t tag_len, uint8_t *out)
{
    return aes256_gcm_decrypt_with_ghash(CIPH, GCM_GHASH_TABLE, ctx, iv, iv_len, aad, aad_len,
                                         in, len, tag, tag_len, out);
}

/* See aes.h: GCM over the bitsliced cipher and the constant-time GHASH. */
glass_err aes256_gcm_encrypt_ct(const aes256_ctx *ctx, const uint8_t *iv, size_t iv_len,
                                const uint8_t *aad, size_t aad_len,
                                const uint8_t *in, size_t len, uint8_t *out,
                                uint8_t *tag, size_t tag_len)
{
    aes256_ctx c;
    glass_err err = rebind(&c, ctx, aes_impl_by_name("ct"));
    if (err == GLASS_OK)
        err = gcm_ae(&c, &ghash_impl_ct, iv, iv_len, aad, aad_len, in, len, out, tag, tag_len);
    glass_wipe(&c, sizeof c);
    return err;
}

/* See aes.h. */
glass_err aes256_gcm_decrypt_ct(const aes256_ctx *ctx, const uint8_t *iv, size_t iv_len,
                                const uint8_t *aad, size_t aad_len,
                                const uint8_t *in, size_t len,
                                const uint8_t *tag, size_t tag_len, uint8_t *out)
{
    aes256_ctx c;
    glass_err err = rebind(&c, ctx, aes_impl_by_name("ct"));
    if (err == GLASS_OK)
        err = gcm_ad(&c, &ghash_impl_ct, iv, iv_len, aad, aad_len, in, len, tag, tag_len, out);
    glass_wipe(&c, sizeof c);
    return err;
}
