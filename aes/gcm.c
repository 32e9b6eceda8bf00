/*
 * gcm.c — Galois/Counter Mode for AES-256 (NIST SP 800-38D, 2007).
 *
 * Read in this order:
 *   1. multiplication in GF(2^128) the way the standard defines it, bit by
 *      bit (§6.3, Algorithm 1): gcm_mult_ref;
 *   2. the same multiplication four bits at a time with a 16-entry table per
 *      key (Shoup's method, which McGrew and Viega's GCM specification
 *      recommends for software): gcm_table_init, gcm_mult;
 *   3. the same multiplication in constant time: Algorithm 1 again, bit by
 *      bit, with both of its ifs turned into masks: gcm_mult_ct;
 *   4. GHASH (§6.4, Algorithm 2) and GCTR (§6.5, Algorithm 3);
 *   5. GCM-AE (§7.1, Algorithm 4) and GCM-AD (§7.2, Algorithm 5).
 *
 * Bit order.  GCM numbers the bits of a block from the left: bit 0 is the
 * top bit of byte 0, and it is the coefficient of x^0.  So "multiply by x"
 * is a shift to the RIGHT, and the reduction polynomial
 * x^128 + x^7 + x^2 + x + 1 shows up as R = 11100001 || 0^120 (§6.3).
 *
 *     byte:    0        1              15
 *     bits:  [0..7]   [8..15]  ...  [120..127]
 *     coeff:  x^0 ... x^7 ...              x^127
 *
 * Decryption (GCM-AD) computes the tag over the ciphertext FIRST, compares
 * it with the received one in constant time, and only then decrypts; on a
 * mismatch out[] is wiped and nothing of the plaintext is released.
 *
 * CT, per multiplication:
 *   gcm_mult_ref   no  — branches on the bits of X and of V (= H . x^i);
 *   gcm_mult_table no  — the table is indexed by nibbles of data XOR
 *                        previous state, a cache-timing channel on H;
 *   gcm_mult_ct    yes — the same 128 steps for every input, each bit of X
 *                        and each carry widened to an all-0/all-1 mask.
 *                        It costs 128 masked steps per block instead of 32
 *                        table steps.
 * aes256_gcm_encrypt/decrypt (table GHASH, aes_fast.c): CT: no.
 * aes256_gcm_encrypt_ct/decrypt_ct (gcm_mult_ct, aes_ct.c): CT: yes.
 * The tag comparison is constant time in both.
 */
#include "aes/aes.h"
#include "aes/aes_internal.h"

#include <string.h>

/* ---- 1. the definition: Algorithm 1 (§6.3) --------------------------------- */

/* See aes_internal.h.  Z = X . Y. */
void gcm_mult_ref(const uint8_t X[16], const uint8_t Y[16], uint8_t Z[16])
{
    uint8_t Zi[16] = {0};
    uint8_t V[16];
    memcpy(V, Y, 16);
    for (int i = 0; i < 128; i++) {
        /* 1. If bit i of X is 1, Z ^= V. */
        if ((X[i / 8] >> (7 - i % 8)) & 1)
            for (int k = 0; k < 16; k++)
                Zi[k] ^= V[k];
        /* 2. V = V . x: shift right one bit; if LSB(V) was 1, XOR R. */
        int lsb = V[15] & 1;
        for (int k = 15; k > 0; k--)
            V[k] = (uint8_t)((V[k] >> 1) | (V[k - 1] << 7));
        V[0] >>= 1;
        if (lsb)
            V[0] ^= 0xe1;
    }
    memcpy(Z, Zi, 16);
}

/* ---- 2. four bits at a time ----------------------------------------------- */

/* A field element as two 64-bit halves: hi holds bytes 0..7 (big-endian),
 * lo bytes 8..15. */
typedef struct gf128 {
    uint64_t hi, lo;
} gf128;

/* M[n] = n(x) . H, where the 4-bit value n = b3 b2 b1 b0 stands for the
 * polynomial b3 + b2 x + b1 x^2 + b0 x^3 (bit order as above). */
typedef struct gcm_table {
    gf128 M[16];
} gcm_table;

static inline uint64_t load_be64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v = (v << 8) | p[i];
    return v;
}

static inline void store_be64(uint8_t *p, uint64_t v)
{
    for (int i = 7; i >= 0; i--) {
        p[i] = (uint8_t)v;
        v >>= 8;
    }
}

/* V . x: shift right, reduce by R if a bit fell off the end. */
static inline gf128 times_x(gf128 V)
{
    uint64_t carry = V.lo & 1;
    gf128 r;
    r.lo = (V.lo >> 1) | (V.hi << 63);
    r.hi = (V.hi >> 1) ^ ((0u - carry) & 0xe100000000000000ull);
    return r;
}

static void gcm_table_init(gcm_table *t, const uint8_t H[16])
{
    t->M[0].hi = 0;
    t->M[0].lo = 0;
    t->M[8].hi = load_be64(H);
    t->M[8].lo = load_be64(H + 8);
    t->M[4] = times_x(t->M[8]);
    t->M[2] = times_x(t->M[4]);
    t->M[1] = times_x(t->M[2]);
    /* The rest by linearity: (a + b) . H = a . H + b . H. */
    for (int i = 2; i < 16; i <<= 1)
        for (int j = 1; j < i; j++) {
            t->M[i + j].hi = t->M[i].hi ^ t->M[j].hi;
            t->M[i + j].lo = t->M[i].lo ^ t->M[j].lo;
        }
}

/* When Z . x^4 shifts the four low bits r of Z off the end, x^128 . r(x) is
 * folded back in: bit b of r (value 1 << b) contributes R shifted right by
 * 3 - b more places, i.e. 0xe1 << (5 + b) in the top 16 bits of hi. */
static const uint16_t reduce4[16] = {
    0x0000, 0x1c20, 0x3840, 0x2460, 0x7080, 0x6ca0, 0x48c0, 0x54e0,
    0xe100, 0xfd20, 0xd940, 0xc560, 0x9180, 0x8da0, 0xa9c0, 0xb5e0,
};

/* Z = Z . x^4 + M[n]. */
static inline gf128 shift4_add(gf128 Z, const gcm_table *t, unsigned n)
{
    unsigned r = (unsigned)(Z.lo & 0xf);
    Z.lo = (Z.lo >> 4) | (Z.hi << 60);
    Z.hi = (Z.hi >> 4) ^ ((uint64_t)reduce4[r] << 48);
    Z.hi ^= t->M[n].hi;
    Z.lo ^= t->M[n].lo;
    return Z;
}

/* X = X . H by Horner's rule over the 32 nibbles, last nibble first. */
static void gcm_mult(uint8_t X[16], const gcm_table *t)
{
    gf128 Z = {0, 0};
    for (int i = 15; i >= 0; i--) {
        Z = shift4_add(Z, t, X[i] & 0xf);   /* coefficients x^(8i+4..8i+7) */
        Z = shift4_add(Z, t, X[i] >> 4);    /* coefficients x^(8i..8i+3) */
    }
    store_be64(X, Z.hi);
    store_be64(X + 8, Z.lo);
}

/* See aes_internal.h. */
void gcm_mult_table(const uint8_t X[16], const uint8_t H[16], uint8_t Z[16])
{
    gcm_table t;
    uint8_t tmp[16];
    gcm_table_init(&t, H);
    memcpy(tmp, X, 16);
    gcm_mult(tmp, &t);
    memcpy(Z, tmp, 16);
}

/* ---- 3. constant time: Algorithm 1 with masks ------------------------------ */

/* Z = X . H, the 128 steps of Algorithm 1 on two 64-bit halves.  Where
 * gcm_mult_ref says "if x_i = 1" and "if LSB(V) = 1", this takes the bit
 * (0 or 1) and turns it into a mask, 0 - bit (all zeros or all ones), so
 * every input runs the same instructions on the same addresses (times_x
 * already reduces under a mask). */
static gf128 gf128_mult_ct(const uint8_t X[16], gf128 H)
{
    gf128 Z = {0, 0};
    gf128 V = H;
    for (int i = 0; i < 128; i++) {
        /* 1. Z = Z XOR (V AND mask), mask all ones iff bit i of X is set. */
        uint64_t x_i = (uint64_t)((X[i / 8] >> (7 - i % 8)) & 1);
        uint64_t mask = 0 - x_i;
        Z.hi ^= V.hi & mask;
        Z.lo ^= V.lo & mask;
        /* 2. V = V . x: shift right, XOR R under the mask of the lost bit. */
        V = times_x(V);
    }
    return Z;
}

/* See aes_internal.h. */
void gcm_mult_ct(const uint8_t X[16], const uint8_t Y[16], uint8_t Z[16])
{
    gf128 H = {load_be64(Y), load_be64(Y + 8)};
    gf128 R = gf128_mult_ct(X, H);
    store_be64(Z, R.hi);
    store_be64(Z + 8, R.lo);
}

/* ---- 4. GHASH (§6.4) and GCTR (§6.5) ---------------------------------------- */

/* The hash key in the form the chosen multiplication wants: the 4-bit table
 * of M[n] = n . H, or H itself for gcm_mult_ct.  kind is public. */
typedef struct ghash_key {
    gcm_ghash kind;
    gcm_table t;
    gf128 H;
} ghash_key;

static void ghash_key_init(ghash_key *k, gcm_ghash kind, const uint8_t H[16])
{
    memset(k, 0, sizeof *k);
    k->kind = kind;
    if (kind == GCM_GHASH_CT) {
        k->H.hi = load_be64(H);
        k->H.lo = load_be64(H + 8);
    } else {
        gcm_table_init(&k->t, H);
    }
}

/* Y = Y . H by the chosen method. */
static void ghash_mult(uint8_t Y[16], const ghash_key *k)
{
    if (k->kind == GCM_GHASH_CT) {
        gf128 Z = gf128_mult_ct(Y, k->H);
        store_be64(Y, Z.hi);
        store_be64(Y + 8, Z.lo);
    } else {
        gcm_mult(Y, &k->t);
    }
}

/* GHASH over data || 0^v (zero-padded to whole blocks), continuing from Y:
 * Y_i = (Y_{i-1} XOR X_i) . H. */
static void ghash_update(uint8_t Y[16], const ghash_key *t, const uint8_t *data, size_t len)
{
    while (len > 0) {
        size_t n = len < 16 ? len : 16;
        for (size_t i = 0; i < n; i++)
            Y[i] ^= data[i];
        ghash_mult(Y, t);
        data += n;
        len -= n;
    }
}

/* Appends the block [len(A)]_64 || [len(C)]_64 (lengths in bits). */
static void ghash_lengths(uint8_t Y[16], const ghash_key *t, uint64_t a_len, uint64_t c_len)
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
static void gctr(aes_block_fn CIPH, const aes256_ctx *ctx, const uint8_t ICB[16],
                 const uint8_t *in, size_t len, uint8_t *out)
{
    uint8_t CB[16], E[16];
    memcpy(CB, ICB, 16);
    for (size_t j = 0; j < len; j += 16) {
        size_t n = len - j < 16 ? len - j : 16;
        CIPH(ctx, CB, E);
        inc32(CB);
        for (size_t i = 0; i < n; i++)
            out[j + i] = (uint8_t)(in[j + i] ^ E[i]);
    }
    glass_wipe(E, sizeof E);
}

/* Steps 1 and 2 shared by §7.1 and §7.2: H = CIPH_K(0^128); the table; J0. */
static void gcm_setup(aes_block_fn CIPH, gcm_ghash GHASH, const aes256_ctx *ctx,
                      const uint8_t *iv, size_t iv_len, ghash_key *t, uint8_t J0[16])
{
    uint8_t H[16] = {0};
    CIPH(ctx, H, H);
    ghash_key_init(t, GHASH, H);
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
static void gcm_tag(aes_block_fn CIPH, const aes256_ctx *ctx, const ghash_key *t,
                    const uint8_t J0[16],
                    const uint8_t *aad, size_t aad_len, const uint8_t *C, size_t c_len,
                    uint8_t T[16])
{
    uint8_t S[16] = {0};
    ghash_update(S, t, aad, aad_len);
    ghash_update(S, t, C, c_len);
    ghash_lengths(S, t, aad_len, c_len);
    gctr(CIPH, ctx, J0, S, 16, T);
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

/* ---- 5. GCM-AE (§7.1) and GCM-AD (§7.2) ------------------------------------ */

/* See aes_internal.h.  SP 800-38D §7.1, Algorithm 4. */
glass_err aes256_gcm_encrypt_with_ghash(aes_block_fn CIPH, gcm_ghash GHASH,
                                        const aes256_ctx *ctx, const uint8_t *iv,
                                        size_t iv_len, const uint8_t *aad, size_t aad_len,
                                        const uint8_t *in, size_t len, uint8_t *out,
                                        uint8_t *tag, size_t tag_len)
{
    glass_err err = gcm_check_args(ctx, iv, iv_len, aad, aad_len, in, len, out, tag, tag_len);
    if (err != GLASS_OK)
        return err;
    ghash_key t;
    uint8_t J0[16], ICB[16], T[16];
    /* 1-2. H, the table, J0. */
    gcm_setup(CIPH, GHASH, ctx, iv, iv_len, &t, J0);
    /* 3. C = GCTR_K(inc32(J0), P). */
    memcpy(ICB, J0, 16);
    inc32(ICB);
    gctr(CIPH, ctx, ICB, in, len, out);
    /* 4-6. S and T = MSB_t(GCTR_K(J0, S)). */
    gcm_tag(CIPH, ctx, &t, J0, aad, aad_len, out, len, T);
    memcpy(tag, T, tag_len);
    glass_wipe(&t, sizeof t);
    glass_wipe(T, sizeof T);
    return GLASS_OK;
}

/* See aes_internal.h.  SP 800-38D §7.2, Algorithm 5. */
glass_err aes256_gcm_decrypt_with_ghash(aes_block_fn CIPH, gcm_ghash GHASH,
                                        const aes256_ctx *ctx, const uint8_t *iv,
                                        size_t iv_len, const uint8_t *aad, size_t aad_len,
                                        const uint8_t *in, size_t len,
                                        const uint8_t *tag, size_t tag_len, uint8_t *out)
{
    glass_err err = gcm_check_args(ctx, iv, iv_len, aad, aad_len, in, len, out, tag, tag_len);
    if (err != GLASS_OK)
        return err;
    ghash_key t;
    uint8_t J0[16], ICB[16], T[16];
    /* 1-3. (Lengths checked above.)  H, the table, J0. */
    gcm_setup(CIPH, GHASH, ctx, iv, iv_len, &t, J0);
    /* 5-7. T' = MSB_t(GCTR_K(J0, S)) over the ciphertext as received. */
    gcm_tag(CIPH, ctx, &t, J0, aad, aad_len, in, len, T);
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
    gctr(CIPH, ctx, ICB, in, len, out);
    err = GLASS_OK;
cleanup:
    glass_wipe(&t, sizeof t);
    glass_wipe(T, sizeof T);
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

/* See aes.h: GCM over the table-driven cipher. */
glass_err aes256_gcm_encrypt(const aes256_ctx *ctx, const uint8_t *iv, size_t iv_len,
                             const uint8_t *aad, size_t aad_len,
                             const uint8_t *in, size_t len, uint8_t *out,
                             uint8_t *tag, size_t tag_len)
{
    return aes256_gcm_encrypt_with(aes256_fast_encrypt_block, ctx, iv, iv_len, aad, aad_len,
                                   in, len, out, tag, tag_len);
}

/* See aes.h. */
glass_err aes256_gcm_decrypt(const aes256_ctx *ctx, const uint8_t *iv, size_t iv_len,
                             const uint8_t *aad, size_t aad_len,
                             const uint8_t *in, size_t len,
                             const uint8_t *tag, size_t tag_len, uint8_t *out)
{
    return aes256_gcm_decrypt_with(aes256_fast_encrypt_block, ctx, iv, iv_len, aad, aad_len,
                                   in, len, tag, tag_len, out);
}

/* See aes.h: GCM over aes_ct.c and gcm_mult_ct. */
glass_err aes256_gcm_encrypt_ct(const aes256_ctx *ctx, const uint8_t *iv, size_t iv_len,
                                const uint8_t *aad, size_t aad_len,
                                const uint8_t *in, size_t len, uint8_t *out,
                                uint8_t *tag, size_t tag_len)
{
    return aes256_gcm_encrypt_with_ghash(aes256_ct_encrypt_block, GCM_GHASH_CT, ctx, iv, iv_len,
                                         aad, aad_len, in, len, out, tag, tag_len);
}

/* See aes.h. */
glass_err aes256_gcm_decrypt_ct(const aes256_ctx *ctx, const uint8_t *iv, size_t iv_len,
                                const uint8_t *aad, size_t aad_len,
                                const uint8_t *in, size_t len,
                                const uint8_t *tag, size_t tag_len, uint8_t *out)
{
    return aes256_gcm_decrypt_with_ghash(aes256_ct_encrypt_block, GCM_GHASH_CT, ctx, iv, iv_len,
                                         aad, aad_len, in, len, tag, tag_len, out);
}
