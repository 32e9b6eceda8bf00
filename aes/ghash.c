/*
 * ghash.c — multiplication in GF(2^128), the heart of GHASH (NIST SP
 * 800-38D, 2007, §6.3 and §6.4), three ways, and the portable entries of
 * the GHASH table of aes.h.
 *
 * Read in this order:
 *   1. the definition, bit by bit (§6.3, Algorithm 1): gcm_mult_ref;
 *   2. four bits at a time with a 16-entry table per key (Shoup's method,
 *      which McGrew and Viega's GCM specification recommends for software):
 *      gcm_table_init, gcm_mult;
 *   3. in constant time, by the processor's integer multiplier with "holes"
 *      in the operands: clmul64, gf128_mul_ct;
 *   4. the three entries (ref, table, ct) of the GHASH table.
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
 * CT, per multiplication:
 *   ref   no  — branches on the bits of X and of V (= H . x^i);
 *   table no  — the table is indexed by nibbles of data XOR previous state,
 *               a cache-timing channel on H;
 *   ct    yes — a fixed sequence of multiplications, ANDs and XORs; the
 *               integer multiplier of every mainstream 64-bit CPU takes the
 *               same time for every operand (make ctgrind checks the rest).
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

/* ---- 3. constant time: carry-less products from integer products -------- *
 *
 * GHASH multiplies polynomials over GF(2): like integer multiplication, but
 * the partial products are XORed instead of added ("carry-less").  Integer
 * multiplication ADDS them, and carries spoil the result — unless the
 * operands are spread out so that carries land only where nothing is
 * wanted.  Keep only every fourth bit of x (x_i = x & m_i, the bits at
 * positions = i mod 4) and of y: then in x_i * y_j every bit of the product
 * at a position = i + j (mod 4) is a sum of one-bit products, and the low
 * bit of that sum is the XOR we want.  If the sum stays below 16 it fits in
 * 4 bits, so its carries reach only the next three positions — positions of
 * other classes, which are masked away.  A class of y has 16 bits, and 16
 * pairs could meet at one position; so the top four bits of y (60..63, one
 * per class) are taken out of the classes, leaving 15, and added back apart:
 * for each such bit set, x shifted by its position, selected by a mask.
 * Sixteen products, each a single 64 x 64 -> 128-bit multiplication, and
 * four masked shifts give the whole 128-bit carry-less product of two
 * 64-bit words (the "holes" idea of Thomas Pornin's BearSSL ghash_ctmul;
 * the full 128-bit product of the multiplier spares the bit reversals).
 * The hash key's side (its classes and masks) is prepared once per key.
 * No table, no branch: CT: yes.
 */

/* A 128-bit integer: a GCC and Clang extension (64 x 64 -> 128 multiply). */
__extension__ typedef unsigned __int128 u128;

/* Bits 0, 4, 8, ..., 60: class 0 of the four. */
#define HOLES4 0x1111111111111111ull
/* The top four bits, handled apart. */
#define TOP4 0xf000000000000000ull

/* y prepared: its four classes without bits 60..63 (15 bits each), then
 * four masks, all ones when bit 60 + k of y is set. */
#define PREP 8

static inline void holes4(uint64_t ys[PREP], uint64_t y)
{
    for (int i = 0; i < 4; i++)
        ys[i] = y & (HOLES4 << i) & ~TOP4;
    for (int k = 0; k < 4; k++)
        ys[4 + k] = 0 - ((y >> (60 + k)) & 1);
}

/* The carry-less product of x and y, y given as holes4(y). */
static inline u128 clmul64(uint64_t x, const uint64_t ys[PREP])
{
    const uint64_t m0 = HOLES4, m1 = HOLES4 << 1, m2 = HOLES4 << 2, m3 = HOLES4 << 3;
    uint64_t x0 = x & m0, x1 = x & m1, x2 = x & m2, x3 = x & m3;
    uint64_t y0 = ys[0], y1 = ys[1], y2 = ys[2], y3 = ys[3];
    /* z_r collects the products whose bits land in class r = i + j mod 4;
     * of each, only the positions of class r are kept, in both words
     * (64 = 0 mod 4).  One class at a time, so few values are live. */
    u128 z = (u128)x0 * y0 ^ (u128)x1 * y3 ^ (u128)x2 * y2 ^ (u128)x3 * y1;
    uint64_t lo = (uint64_t)z & m0, hi = (uint64_t)(z >> 64) & m0;
    z = (u128)x0 * y1 ^ (u128)x1 * y0 ^ (u128)x2 * y3 ^ (u128)x3 * y2;
    lo |= (uint64_t)z & m1;
    hi |= (uint64_t)(z >> 64) & m1;
    z = (u128)x0 * y2 ^ (u128)x1 * y1 ^ (u128)x2 * y0 ^ (u128)x3 * y3;
    lo |= (uint64_t)z & m2;
    hi |= (uint64_t)(z >> 64) & m2;
    z = (u128)x0 * y3 ^ (u128)x1 * y2 ^ (u128)x2 * y1 ^ (u128)x3 * y0;
    lo |= (uint64_t)z & m3;
    hi |= (uint64_t)(z >> 64) & m3;
    /* y's bits 60..63: x . t^(60+k) where the mask says the bit is set. */
    for (int k = 0; k < 4; k++) {
        lo ^= (x << (60 + k)) & ys[4 + k];
        hi ^= (x >> (4 - k)) & ys[4 + k];
    }
    return (u128)hi << 64 | lo;
}

/* Z = X . H in GF(2^128), both in the halves of gf128 (hi = bytes 0..7).
 *
 * Read as a 128-bit integer, hi:lo holds the coefficient of x^i at bit
 * 127 - i (the bit order is reversed).  The carry-less integer product of
 * two such numbers then holds the coefficient of x^k of the polynomial
 * product at bit 254 - k; one shift left puts it at 255 - k, so the top
 * 128 bits are the coefficients of x^0..x^127 (in the same reversed order)
 * and the low 128 bits L those of x^128..x^255.  Since x^128 = x^7 + x^2 +
 * x + 1 modulo the GCM polynomial, L . x^128 = L + L.x + L.x^2 + L.x^7,
 * multiplication by x being a shift right here; the bits that fall off the
 * right end are terms of degree >= 128 again and are folded back once
 * more (V below).  Karatsuba: three 64-bit products instead of four.
 * Hs holds H.lo, H.hi and H.lo ^ H.hi prepared by holes4 (ct_prepare). */
/* The unreduced 256-bit carry-less product X . H, p[3]:p[2]:p[1]:p[0],
 * XORed into p (so products can be summed before one reduction). */
static inline void clmul128_acc(gf128 X, const uint64_t Hs[3 * PREP], uint64_t p[4])
{
    u128 lo = clmul64(X.lo, Hs);
    u128 hi = clmul64(X.hi, Hs + PREP);
    u128 mid = clmul64(X.lo ^ X.hi, Hs + 2 * PREP) ^ lo ^ hi;
    p[0] ^= (uint64_t)lo;
    p[1] ^= (uint64_t)(lo >> 64) ^ (uint64_t)mid;
    p[2] ^= (uint64_t)hi ^ (uint64_t)(mid >> 64);
    p[3] ^= (uint64_t)(hi >> 64);
}

/* The 256-bit product shifted left by one and reduced (see above). */
static inline gf128 reduce256(const uint64_t p[4])
{
    uint64_t p3 = (p[3] << 1) | (p[2] >> 63);
    uint64_t p2 = (p[2] << 1) | (p[1] >> 63);
    uint64_t p1 = (p[1] << 1) | (p[0] >> 63);
    uint64_t p0 = p[0] << 1;
    /* Reduction: L = p1:p0 (degrees 128..255), V = L plus the terms of L.x,
     * L.x^2, L.x^7 that fell off (they sit at the top of the next word). */
    uint64_t v1 = p1 ^ (p0 << 63) ^ (p0 << 62) ^ (p0 << 57);
    uint64_t v0 = p0;
    gf128 Z;
    Z.hi = p3 ^ v1 ^ (v1 >> 1) ^ (v1 >> 2) ^ (v1 >> 7);
    Z.lo = p2 ^ v0 ^ (v0 >> 1) ^ (v0 >> 2) ^ (v0 >> 7) ^ (v1 << 63) ^ (v1 << 62) ^ (v1 << 57);
    return Z;
}

static gf128 gf128_mul_ct(gf128 X, const uint64_t Hs[3 * PREP])
{
    uint64_t p[4] = {0, 0, 0, 0};
    clmul128_acc(X, Hs, p);
    return reduce256(p);
}

/* Each of H's three Karatsuba operands prepared by holes4. */
static void ct_prepare(uint64_t Hs[3 * PREP], const uint64_t H[2])
{
    holes4(Hs, H[1]);
    holes4(Hs + PREP, H[0]);
    holes4(Hs + 2 * PREP, H[0] ^ H[1]);
}

/* See aes_internal.h. */
void gcm_mult_ct(const uint8_t X[16], const uint8_t Y[16], uint8_t Z[16])
{
    gf128 x = {load_be64(X), load_be64(X + 8)};
    uint64_t H[2] = {load_be64(Y), load_be64(Y + 8)};
    uint64_t Hs[3 * PREP];
    ct_prepare(Hs, H);
    gf128 r = gf128_mul_ct(x, Hs);
    store_be64(Z, r.hi);
    store_be64(Z + 8, r.lo);
}

/* ---- 4. the GHASH table entries -------------------------------------------- */

static void ref_init(ghash_key *k, const uint8_t H[16])
{
    k->H[0] = load_be64(H);
    k->H[1] = load_be64(H + 8);
}

static void ref_blocks(const ghash_key *k, uint8_t Y[16], const uint8_t *X, size_t n)
{
    uint8_t H[16];
    store_be64(H, k->H[0]);
    store_be64(H + 8, k->H[1]);
    for (size_t j = 0; j < n; j++) {
        for (size_t i = 0; i < 16; i++)
            Y[i] ^= X[16 * j + i];
        gcm_mult_ref(Y, H, Y);
    }
    glass_wipe(H, sizeof H);
}

static void table_init(ghash_key *k, const uint8_t H[16])
{
    gcm_table t;
    gcm_table_init(&t, H);
    for (int i = 0; i < 16; i++) {
        k->M[i][0] = t.M[i].hi;
        k->M[i][1] = t.M[i].lo;
    }
    glass_wipe(&t, sizeof t);
}

static void table_blocks(const ghash_key *k, uint8_t Y[16], const uint8_t *X, size_t n)
{
    gcm_table t;
    for (int i = 0; i < 16; i++) {
        t.M[i].hi = k->M[i][0];
        t.M[i].lo = k->M[i][1];
    }
    for (size_t j = 0; j < n; j++) {
        for (size_t i = 0; i < 16; i++)
            Y[i] ^= X[16 * j + i];
        gcm_mult(Y, &t);
    }
    glass_wipe(&t, sizeof t);
}

/* H's classes, and H^2's for two blocks per reduction. */
static void ct_init(ghash_key *k, const uint8_t H[16])
{
    ref_init(k, H);
    ct_prepare(k->Hs, k->H);
    gf128 h = {k->H[0], k->H[1]};
    gf128 h2 = gf128_mul_ct(h, k->Hs);
    uint64_t H2[2] = {h2.hi, h2.lo};
    ct_prepare(k->Hs2, H2);
}

/* Two blocks per reduction: Y' = (Y + X1) . H^2 + X2 . H, which is two
 * Horner steps ((Y + X1) . H + X2) . H written out; the two products are
 * added unreduced and reduced once. */
static void ct_blocks(const ghash_key *k, uint8_t Y[16], const uint8_t *X, size_t n)
{
    gf128 y = {load_be64(Y), load_be64(Y + 8)};
    for (; n >= 2; n -= 2, X += 32) {
        uint64_t p[4] = {0, 0, 0, 0};
        gf128 a = {y.hi ^ load_be64(X), y.lo ^ load_be64(X + 8)};
        gf128 b = {load_be64(X + 16), load_be64(X + 24)};
        clmul128_acc(a, k->Hs2, p);
        clmul128_acc(b, k->Hs, p);
        y = reduce256(p);
    }
    for (size_t j = 0; j < n; j++) {
        y.hi ^= load_be64(X + 16 * j);
        y.lo ^= load_be64(X + 16 * j + 8);
        y = gf128_mul_ct(y, k->Hs);
    }
    store_be64(Y, y.hi);
    store_be64(Y + 8, y.lo);
}

const ghash_impl ghash_impl_ref = {
    "ref", "SP 800-38D Algorithm 1, bit by bit; CT: no (branches on X and H)", 0, NULL,
    ref_init, ref_blocks,
};

const ghash_impl ghash_impl_table = {
    "table", "4 bits at a time, a 16-entry table per key; CT: no (look-ups)", 0, NULL,
    table_init, table_blocks,
};

const ghash_impl ghash_impl_ct = {
    "ct", "integer multiplication with holes, Karatsuba; CT: yes", 1, NULL, ct_init, ct_blocks,
};
