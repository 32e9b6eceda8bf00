/*
 * bn_avx2.c — modular exponentiation by Montgomery multiplication in AVX2
 * registers: four 28-bit digits at a time, constant time.
 *
 * Montgomery's REDC (P. L. Montgomery, "Modular multiplication without
 * trial division", Math. Comp. 44, 1985) with small digits in 64-bit lanes
 * so that products pile up without carrying: the idea of S. Gueron and
 * V. Krasnov, "Software implementation of modular exponentiation, using
 * advanced vector instructions architectures", 2012.  The code is ours.
 *
 * Numbers.  A residue is n digits of 28 bits, d[0] least significant, each
 * in its own 64-bit word; four words fill a 256-bit register.  R = 2^(28n)
 * with 28n >= bits(M) + 2, so R > 4M.  Every number sits in a buffer with
 * four zero words before it and zeros after it, so that "the digits of b
 * shifted by s places" is one unaligned load at b - s.
 *
 * The intrinsics, and what each is in the arithmetic:
 *   _mm256_mul_epu32 (VPMULUDQ)  the low 32 bits of each lane times the low
 *        32 bits of the other's lane: four digit products a_i * b_j, 64 bits
 *        each, in one instruction.  Digits are < 2^28, products < 2^56.
 *   _mm256_add_epi64 (VPADDQ)    four 64-bit sums, no carry between lanes:
 *        a column of the schoolbook product collects its terms in one lane.
 *   _mm256_set1_epi64x (VPBROADCASTQ) one digit a_i (or q_i) in all lanes.
 *   _mm256_loadu_si256 (VMOVDQU) four consecutive digits from any word.
 *   _mm256_cmpeq_epi64, _mm256_cmpgt_epi64 (VPCMPEQQ, VPCMPGTQ) a lane of
 *        all ones or all zeros, without a branch: the table read's mask.
 *   _mm256_and_si256, _mm256_or_si256 (VPAND, VPOR) keep a value by mask.
 *   _mm256_extracti128_si256, _mm_extract_epi64, _mm_cvtsi128_si64
 *        (VEXTRACTI128, VPEXTRQ, VMOVQ) one lane back into a scalar.
 *   _mm256_permute4x64_epi64 (VPERMQ) lanes rearranged: (a0, a0, a1, a1).
 *
 * No lane overflows (the count of terms before the one carry pass, finish):
 *   multiplication: lane p receives a_i b_j for i + j = p (at most n terms)
 *   and q_i m_j for i + j = p (at most n), each < 2^56: < 2n * 2^56.
 *   squaring: 2a_i * a_j for i < j (at most n/2 terms, 2a_i < 2^29, so each
 *   < 2^57), one a_i^2 < 2^56 and n terms q_i m_j: < (2n + 1) * 2^56.
 *   The carry between positions is kept apart in a scalar (< 2^37) and
 *   added in the scalar code only.  With n <= 127, (2n + 1) * 2^56 + 2^37
 *   < 256 * 2^56 = 2^64: no lane wraps.  bn_avx2_handles allows up to 55
 *   limbs (3520 bits, n = 126 digits), and from 16 limbs (1024 bits) up:
 *   below that GMP's own code is the faster.
 *
 * REDC, digit by digit: for i = 0..n-1, q_i = x_i * (-M^-1) mod 2^28 where
 * x_i is the exact value of position i (lanes are lazy; the scalar code
 * adds the carry from position i-1), then q_i * M is added at position i,
 * which makes position i a multiple of 2^28; its carry goes on to i+1.
 * The q's form a chain, the one sequential part: the next position's exact
 * value is computed in scalar code one step ahead (x_{i+1} = lane + q_i m_1
 * + carry), while the vector work of earlier steps and the product's next
 * block run beside it.  At the end positions n..2n-1 hold the result,
 * < 2M (inputs < 2M, R > 4M); finish carries it into digits.
 *
 * Exponentiation: fixed windows of w bits from the top, each one w
 * squarings and one multiplication by table[window], the table of
 * B^0..B^(2^w - 1) (Montgomery form) read in full for every window, each
 * entry kept or dropped by a mask made from (index == window).  The last
 * step multiplies by 1 (out of Montgomery form, result <= M) and subtracts
 * M by mask when the result is not below M.
 *
 * For a 37-digit (1024-bit) modulus, the one RSA-2048 signing uses,
 * mont_mul hands over to bn_avx2_37.c, the same arithmetic with the sums
 * in registers; its results' digits may be a little over 2^28 (its essay
 * says why that is safe), so the final comparison carries them first.
 *
 * Read in this order: the numbers (digits, buffers), the product blocks,
 * REDC, the table, the exponentiation (and bn_avx2_powm_public, the plain
 * square-and-multiply for RSA's public exponent, which branches on the
 * exponent's bits and is used only where they are public), CPUID.
 *
 * CT: yes (bn_avx2_powm; bn_avx2_powm_public is not, by design).  Every loop bound and branch depends on n and enb only; every
 * address on n, enb and loop counters; the exponent's bits reach only the
 * table read's masks; the modulus's digits only arithmetic (-M^-1 mod 2^28
 * by Newton's iteration, R^2 mod M by GMP's mpn_sec_div_r).  make ctgrind,
 * case bn-avx2, runs it under valgrind with the exponent and the modulus
 * secret.
 */
#include "bn/bn.h"
#include "common/common.h"
#include "bn/bn_internal.h"
#include "bn/bn_avx2.h"

#include <stdint.h>
#include <string.h>

#define BN_MAX_LIMBS 55
#define BN_MIN_LIMBS 16

/* Digits of an n-limb modulus: 28 * digits >= 64 n + 2. */
static int digits_for(mp_size_t n)
{
    return (int)((64 * n + 2 + BN_K - 1) / BN_K);
}

/* Window bits for an enb-bit exponent (enb and n public).  Each window
 * costs a multiplication and a read of the whole table (2^w entries); with
 * bn_avx2_37.c's faster multiplication at 37 digits the read weighs more,
 * and 4 bits measured about 5% faster there than 5. */
static int window_for(mp_bitcnt_t enb, int n)
{
    if (n == BN_N37 && enb > 128)
        return 4;
    return enb > 512 ? 5 : enb > 128 ? 4 : enb > 32 ? 3 : enb > 8 ? 2 : 1;
}

int bn_avx2_handles(mp_size_t n)
{
    return n >= BN_MIN_LIMBS && n <= BN_MAX_LIMBS;
}

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))

#include <cpuid.h>

/* ---- 1. numbers ------------------------------------------------------------- */


/* Vectors per padded number: four zero words, the digits, zeros. */
static size_t num_vectors(int nv)
{
    return (size_t)nv + 2;
}

static uint64_t *num_at(__m256i *base)
{
    return (uint64_t *)base + 4;
}

static void digits_from_limbs(uint64_t *d, int n, const mp_limb_t *l, mp_size_t nl)
{
    for (int i = 0; i < n; i++) {
        size_t bit = (size_t)i * BN_K, w = bit / 64, o = bit % 64;
        uint64_t v = 0;
        if ((mp_size_t)w < nl)
            v = l[w] >> o;
        if (o > 64 - BN_K && (mp_size_t)(w + 1) < nl)
            v |= l[w + 1] << (64 - o);
        d[i] = v & BN_DMASK;
    }
}

static void limbs_from_digits(mp_limb_t *l, mp_size_t nl, const uint64_t *d, int n)
{
    memset(l, 0, (size_t)nl * sizeof *l);
    for (int i = 0; i < n; i++) {
        size_t bit = (size_t)i * BN_K, w = bit / 64, o = bit % 64;
        if ((mp_size_t)w < nl)
            l[w] |= d[i] << o;
        if (o > 64 - BN_K && (mp_size_t)(w + 1) < nl)
            l[w + 1] |= d[i] >> (64 - o);
    }
}

/* Positions n..2n-1 of the accumulator (position n with its exact value
 * already in place) carried into n digits: r < 2M < R, nothing is left. */
static void finish(const struct mont *c, uint64_t *r)
{
    const uint64_t *L = (const uint64_t *)c->acc;
    uint64_t carry = 0;
    for (int j = 0; j < c->n; j++) {
        uint64_t x = L[c->n + j] + carry;
        r[j] = x & BN_DMASK;
        carry = x >> BN_K;
    }
}

/* ---- 2. product blocks ----------------------------------------------------------- */

/* Four digit products at once: lanes of a_s times b's digits shifted by s. */
AVX2_INLINE __m256i four_rows(const __m256i a[4], const uint64_t *bt)
{
    __m256i s01 = _mm256_add_epi64(_mm256_mul_epu32(a[0], _mm256_loadu_si256((const __m256i *)bt)),
                                   _mm256_mul_epu32(a[1], _mm256_loadu_si256((const __m256i *)(bt - 1))));
    __m256i s23 = _mm256_add_epi64(_mm256_mul_epu32(a[2], _mm256_loadu_si256((const __m256i *)(bt - 2))),
                                   _mm256_mul_epu32(a[3], _mm256_loadu_si256((const __m256i *)(bt - 3))));
    return _mm256_add_epi64(s01, s23);
}

/* acc += a_{4w..4w+3} * b: digit a_{4w+s} times b_j lands at position
 * 4w + s + j, i.e. lane l of vector w + t takes b_{4t + l - s}. */
AVX2_INLINE void mul_block(const struct mont *c, const uint64_t *a, const uint64_t *b, int w)
{
    __m256i *A = c->acc + w;
    const uint64_t *aw = a + 4 * w;
    const __m256i ai[4] = {_mm256_set1_epi64x((long long)aw[0]), _mm256_set1_epi64x((long long)aw[1]),
                           _mm256_set1_epi64x((long long)aw[2]), _mm256_set1_epi64x((long long)aw[3])};
    for (int t = 0; t < c->nv; t++)
        A[t] = _mm256_add_epi64(A[t], four_rows(ai, b + 4 * t));
}

/* One of the square's four rows in one of its two first vectors (u = 0, 1:
 * absolute vector 2w + u): lanes at or below position 2i masked off. */
AVX2_INLINE __m256i first_row(__m256i ai, const uint64_t *at, int s, int u)
{
    const __m256i idx = _mm256_set_epi64x(3, 2, 1, 0);
    __m256i keep = _mm256_cmpgt_epi64(idx, _mm256_set1_epi64x(2 * s - 4 * u));
    return _mm256_mul_epu32(ai, _mm256_and_si256(_mm256_loadu_si256((const __m256i *)(at - s)), keep));
}

/* Vector 2w + u of the square's block w: the masked rows and the diagonal
 * a_i^2 (lanes 0 and 2 take a_{4w+2u}^2 and a_{4w+2u+1}^2). */
AVX2_INLINE void first_vector(__m256i *A, const uint64_t *a, int w, int u, const __m256i ai[4])
{
    const __m256i even = _mm256_set_epi64x(0, -1, 0, -1);
    int t = w + u;
    const uint64_t *at = a + 4 * t;
    __m128i pair = _mm_loadu_si128((const __m128i *)(a + 4 * w + 2 * u));
    __m256i aa = _mm256_permute4x64_epi64(_mm256_castsi128_si256(pair), 0x50);
    __m256i sum = _mm256_and_si256(_mm256_mul_epu32(aa, aa), even);
    sum = _mm256_add_epi64(sum, _mm256_add_epi64(first_row(ai[0], at, 0, u), first_row(ai[1], at, 1, u)));
    sum = _mm256_add_epi64(sum, _mm256_add_epi64(first_row(ai[2], at, 2, u), first_row(ai[3], at, 3, u)));
    A[t] = _mm256_add_epi64(A[t], sum);
}

/* acc += the part of a^2 that digits a_{4w..4w+3} own: 2 a_i a_j for j > i
 * (2a_i broadcast) and a_i^2 at position 2i.  Position 2i is vector 2w
 * (s = 0, 1) or 2w + 1 (s = 2, 3); in those two vectors lanes below 2i
 * are masked off (j < i belongs to an earlier digit) and lane 2i itself
 * (j = i) too, its a_i^2 coming from the diagonal instead. */
AVX2_INLINE void sqr_block(const struct mont *c, const uint64_t *a, int w)
{
    __m256i *A = c->acc + w;   /* relative vector t is absolute w + t */
    const uint64_t *aw = a + 4 * w;
    const __m256i ai[4] = {_mm256_set1_epi64x((long long)(2 * aw[0])),
                           _mm256_set1_epi64x((long long)(2 * aw[1])),
                           _mm256_set1_epi64x((long long)(2 * aw[2])),
                           _mm256_set1_epi64x((long long)(2 * aw[3]))};
    first_vector(A, a, w, 0, ai);
    if (w + 1 < c->nv)
        first_vector(A, a, w, 1, ai);
    for (int t = w + 2; t < c->nv; t++)
        A[t] = _mm256_add_epi64(A[t], four_rows(ai, a + 4 * t));
}

/* Product block w of a * b, or of a^2 when b is NULL. */
AVX2_INLINE void product_block(const struct mont *c, const uint64_t *a, const uint64_t *b, int w)
{
    if (b)
        mul_block(c, a, b, w);
    else
        sqr_block(c, a, w);
}

/* ---- 3. REDC -------------------------------------------------------------------- */

/* The head of REDC: the vectors holding positions 4v..4v+7 kept in
 * registers, and x, the exact value of the next position. */
struct head {
    __m256i h0, h1;
    uint64_t x;
};

/* Step i = 4v + s: q_i from x_i, the carry, x_{i+1} read from the lane
 * before q_i's own product lands there (that term, q_i m_1, is added in
 * scalar code), then q_i * M added to the head. */
AVX2_INLINE __m256i redc_step(const struct mont *c, struct head *H, int s)
{
    uint64_t q = (H->x * c->minv) & BN_DMASK;
    uint64_t carry = (H->x + q * c->m[0]) >> BN_K;
    uint64_t y = s < 3 ? lane_of(H->h0, s + 1) : lane_of(H->h1, 0);
    H->x = y + q * c->m[1] + carry;
    __m256i qv = _mm256_set1_epi64x((long long)q);
    const __m256i *M = c->ms + s * c->nv;
    H->h0 = _mm256_add_epi64(H->h0, _mm256_mul_epu32(qv, M[0]));
    H->h1 = _mm256_add_epi64(H->h1, _mm256_mul_epu32(qv, M[1]));
    return qv;
}

/* 0 after bn_avx2_use_n37(0): 37-digit moduli take the general code below
 * too (tests compare the two). */
static int n37_kernel = 1;

void bn_avx2_use_n37(int on)
{
    __atomic_store_n(&n37_kernel, on != 0, __ATOMIC_RELAXED);
}

/* r = a * b / R mod M (b NULL: a^2 / R), r < 2M, for a, b < 2M.  The
 * product runs two blocks ahead of REDC, which needs positions up to
 * 4v + 8 complete at block v; their work fills the wait of the q chain. */
AVX2 static void mont_mul(const struct mont *c, uint64_t *r, const uint64_t *a, const uint64_t *b)
{
    if (c->n == BN_N37 && __atomic_load_n(&n37_kernel, __ATOMIC_RELAXED)) {    /* 1024-bit moduli: bn_avx2_37.c */
        bn_avx2_mul37(c, r, a, b ? b : a);
        return;
    }
    int n = c->n, nv = c->nv;
    __m256i *acc = c->acc;
    memset(acc, 0, (size_t)c->na * sizeof *acc);
    for (int w = 0; w < 2 && w < c->nb; w++)
        product_block(c, a, b, w);
    struct head H = {acc[0], acc[1], 0};
    H.x = lane_of(H.h0, 0);
    for (int v = 0; v < c->nb; v++) {
        if (v + 2 < c->nb)
            product_block(c, a, b, v + 2);
        __m256i q[4] = {_mm256_setzero_si256(), _mm256_setzero_si256(), _mm256_setzero_si256(),
                        _mm256_setzero_si256()};
        if (4 * v + 0 < n)   /* the shift s written out: lane_of needs a constant */
            q[0] = redc_step(c, &H, 0);
        if (4 * v + 1 < n)
            q[1] = redc_step(c, &H, 1);
        if (4 * v + 2 < n)
            q[2] = redc_step(c, &H, 2);
        if (4 * v + 3 < n)
            q[3] = redc_step(c, &H, 3);
        __m256i *A = acc + v;
        const __m256i *M = c->ms;
        for (int t = 2; t < nv; t++) {
            __m256i s01 = _mm256_add_epi64(_mm256_mul_epu32(q[0], M[t]),
                                           _mm256_mul_epu32(q[1], M[nv + t]));
            __m256i s23 = _mm256_add_epi64(_mm256_mul_epu32(q[2], M[2 * nv + t]),
                                           _mm256_mul_epu32(q[3], M[3 * nv + t]));
            A[t] = _mm256_add_epi64(A[t], _mm256_add_epi64(s01, s23));
        }
        A[0] = H.h0;
        A[1] = H.h1;
        H.h0 = H.h1;
        H.h1 = A[2];
    }
    ((uint64_t *)acc)[n] = H.x;   /* position n, exact */
    finish(c, r);
}

/* ---- 4. the table ------------------------------------------------------------ */

/* r = T[e] for e < entries, every entry read: lanes kept by the mask
 * (j == e), all ones for one j and all zeros for the others. */
AVX2 static void table_read(const struct mont *c, uint64_t *r, const __m256i *T, int entries,
                            uint64_t e)
{
    size_t stride = num_vectors(c->nv);
    int nd = (c->n + 3) / 4;
    __m256i *R = (__m256i *)r;
    __m256i ev = _mm256_set1_epi64x((long long)e);
    for (int t = 0; t < nd; t++)
        R[t] = _mm256_setzero_si256();
    for (int j = 0; j < entries; j++) {
        __m256i mask = _mm256_cmpeq_epi64(_mm256_set1_epi64x(j), ev);
        const __m256i *E = T + (size_t)j * stride + 1;
        for (int t = 0; t < nd; t++)
            R[t] = _mm256_or_si256(R[t], _mm256_and_si256(E[t], mask));
    }
}

/* Bits pos..pos+w-1 of the exponent (zero past enb); pos and w public. */
static uint64_t window_at(const mp_limb_t *ep, mp_bitcnt_t enb, mp_bitcnt_t pos, int w)
{
    uint64_t v = 0;
    for (int b = w - 1; b >= 0; b--) {
        mp_bitcnt_t p = pos + (mp_bitcnt_t)b;
        uint64_t bit = p < enb ? (uint64_t)(ep[p / 64] >> (p % 64)) & 1 : 0;
        v = (v << 1) | bit;
    }
    return v;
}

/* ---- 5. the exponentiation ---------------------------------------------------- */

/* Scratch layout, in vectors: acc, the shifted M, six padded numbers (M,
 * x, y, 1, R^2, B), the table; then limbs for R^2 mod M by division. */
struct layout {
    int n, nv, nb, na, w;
    size_t vectors;        /* 256-bit vectors before the limbs */
    mp_size_t rl;          /* limbs of 2^(2 * 28n) */
};

static struct layout layout_for(mp_size_t n, mp_bitcnt_t enb)
{
    struct layout L;
    L.n = digits_for(n);
    L.nv = (L.n + 3 + 3) / 4;
    L.nb = (L.n + 3) / 4;
    L.na = (2 * L.n + 3) / 4 + L.nv + 1;
    if (L.na < 40)          /* bn_avx2_37.c keeps b's three shifted copies there */
        L.na = 40;
    L.w = window_for(enb, L.n);
    L.vectors = (size_t)L.na + 4 * (size_t)L.nv + (6 + ((size_t)1 << L.w)) * num_vectors(L.nv);
    L.rl = (mp_size_t)(2 * BN_K * L.n / 64 + 1);
    return L;
}

mp_size_t bn_avx2_itch(mp_size_t n, mp_bitcnt_t enb)
{
    struct layout L = layout_for(n, enb);
    return 4 + 4 * (mp_size_t)L.vectors + L.rl + mpn_sec_div_r_itch(L.rl, n);
}

/* M's digits, its shifted copies, -M^-1 mod 2^28 (Newton: each step
 * doubles the correct low bits; M odd makes x = M correct to 3 bits). */
static void mont_setup(struct mont *c, const mp_limb_t *mp, mp_size_t nl)
{
    digits_from_limbs(c->m, c->n, mp, nl);
    for (int s = 0; s < 4; s++) {
        uint64_t *p = (uint64_t *)(c->ms + s * c->nv);
        for (int j = 0; j < c->n; j++)
            p[s + j] = c->m[j];
    }
    uint64_t m0 = c->m[0], x = m0;
    for (int i = 0; i < 5; i++)
        x *= 2 - m0 * x;
    c->minv = (0 - x) & BN_DMASK;
    /* The same mod 2^56, for bn_avx2_37.c's two-digit steps. */
    uint64_t ml = c->m[0] | c->m[1] << BN_K | c->m[2] << (2 * BN_K), y = ml;   /* M mod 2^64 */
    for (int i = 0; i < 6; i++)
        y *= 2 - ml * y;
    c->minv2 = (0 - y) & ((UINT64_C(1) << (2 * BN_K)) - 1);
}

/* R^2 mod M into digits r2: 2^(56n) reduced by GMP's constant-time division. */
static void r_squared(const struct layout *L, uint64_t *r2, const mp_limb_t *mp, mp_size_t nl,
                      mp_limb_t *t)
{
    memset(t, 0, (size_t)L->rl * sizeof *t);
    size_t bit = 2 * (size_t)BN_K * (size_t)L->n;
    t[bit / 64] = (mp_limb_t)1 << (bit % 64);
    mpn_sec_div_r(t, L->rl, mp, nl, t + L->rl);
    digits_from_limbs(r2, L->n, t, nl);
}

/* y's digits carried into exact digits < 2^28 (the 1024-bit kernel leaves
 * them a little over, k1_carry_round). */
static void carry_exact(const struct mont *c, uint64_t *y)
{
    uint64_t carry = 0;
    for (int j = 0; j < c->n; j++) {
        uint64_t x = y[j] + carry;
        y[j] = x & BN_DMASK;
        carry = x >> BN_K;
    }
}

/* r = y - M when y >= M, else y, chosen by mask from the final borrow. */
static void subtract_by_mask(const struct mont *c, uint64_t *y, uint64_t *d)
{
    carry_exact(c, y);
    uint64_t borrow = 0;
    for (int j = 0; j < c->n; j++) {
        uint64_t t = y[j] - c->m[j] - borrow;
        d[j] = t & BN_DMASK;
        borrow = t >> 63;
    }
    uint64_t keep_y = 0 - borrow;
    for (int j = 0; j < c->n; j++)
        y[j] = (y[j] & keep_y) | (d[j] & ~keep_y);
}

/* What both exponentiations start from: the scratch laid out for w-bit
 * windows, M's digits and constants, R^2 mod M, the number 1, B's digits. */
struct work {
    struct layout L;
    struct mont c;
    size_t nvec;                        /* vectors a padded number takes */
    uint64_t *x, *y, *one, *r2, *b;
    __m256i *T;                         /* the table: 2^w numbers */
};

static void work_init(struct work *k, const mp_limb_t *bp, const mp_limb_t *mp, mp_size_t n,
                      mp_bitcnt_t enb, mp_limb_t *tp)
{
    struct layout L = layout_for(n, enb);
    __m256i *v = (__m256i *)(void *)(((uintptr_t)tp + 31) & ~(uintptr_t)31);
    memset(v, 0, L.vectors * sizeof *v);
    size_t nvec = num_vectors(L.nv);
    __m256i *nums = v + L.na + 4 * (size_t)L.nv;
    struct mont c = {L.n, L.nv, L.nb, L.na, 0, 0, num_at(nums), v + L.na, v};
    k->L = L;
    k->nvec = nvec;
    k->x = num_at(nums + nvec);
    k->y = num_at(nums + 2 * nvec);
    k->one = num_at(nums + 3 * nvec);
    k->r2 = num_at(nums + 4 * nvec);
    k->b = num_at(nums + 5 * nvec);
    k->T = nums + 6 * nvec;
    mont_setup(&c, mp, n);
    k->c = c;
    r_squared(&L, k->r2, mp, n, (mp_limb_t *)(v + L.vectors));
    k->one[0] = 1;
    digits_from_limbs(k->b, L.n, bp, n);
}

void bn_avx2_powm(mp_limb_t *rp, const mp_limb_t *bp, const mp_limb_t *ep, mp_bitcnt_t enb,
                  const mp_limb_t *mp, mp_size_t n, mp_limb_t *tp)
{
    struct work wk;
    work_init(&wk, bp, mp, n, enb, tp);
    const struct layout L = wk.L;
    const struct mont c = wk.c;
    size_t nvec = wk.nvec;
    uint64_t *x = wk.x, *y = wk.y, *one = wk.one, *r2 = wk.r2, *b = wk.b;
    __m256i *T = wk.T;
    int entries = 1 << L.w;
    mont_mul(&c, num_at(T), r2, one);                  /* B^0 R = R mod M */
    mont_mul(&c, num_at(T + nvec), b, r2);             /* B R */
    for (int j = 2; j < entries; j++)
        mont_mul(&c, num_at(T + (size_t)j * nvec), num_at(T + (size_t)(j - 1) * nvec),
                 num_at(T + nvec));
    mp_bitcnt_t nw = (enb + (mp_bitcnt_t)L.w - 1) / (mp_bitcnt_t)L.w;
    table_read(&c, x, T, entries, window_at(ep, enb, (nw - 1) * (mp_bitcnt_t)L.w, L.w));
    for (mp_bitcnt_t k = nw - 1; k-- > 0;) {
        for (int s = 0; s < L.w; s++) {
            mont_mul(&c, y, x, NULL);
            uint64_t *t = x;
            x = y;
            y = t;
        }
        table_read(&c, y, T, entries, window_at(ep, enb, k * (mp_bitcnt_t)L.w, L.w));
        mont_mul(&c, x, x, y);
    }
    mont_mul(&c, y, x, one);                           /* out of Montgomery form: y <= M */
    subtract_by_mask(&c, y, x);
    limbs_from_digits(rp, n, y, L.n);
}

/* The exponentiation for a public exponent (the RSA public operation):
 * left to right, one squaring per bit and one multiplication per set bit —
 * a branch on each bit of E, which is acceptable only because E is public
 * (RSA's e, usually 65537: 16 squarings and one multiplication, where the
 * fixed windows above would first spend more building their table). */
void bn_avx2_powm_public(mp_limb_t *rp, const mp_limb_t *bp, const mp_limb_t *ep,
                         mp_bitcnt_t enb, const mp_limb_t *mp, mp_size_t n, mp_limb_t *tp)
{
    struct work wk;
    work_init(&wk, bp, mp, n, 1, tp);
    const struct mont c = wk.c;
    const int nd = wk.L.n;
    uint64_t *x = wk.x, *y = wk.y, *bm = num_at(wk.T);  /* bm: B R mod M, in the table's slot */
    mont_mul(&c, bm, wk.b, wk.r2);
    memcpy(x, bm, (size_t)nd * sizeof *x);            /* the top bit of E */
    for (mp_bitcnt_t i = enb - 1; i-- > 0;) {
        mont_mul(&c, y, x, NULL);
        if (ep[i / 64] >> (i % 64) & 1)
            mont_mul(&c, x, y, bm);
        else
            memcpy(x, y, (size_t)nd * sizeof *x);
    }
    mont_mul(&c, y, x, wk.one);                        /* out of Montgomery form: y <= M */
    subtract_by_mask(&c, y, x);
    limbs_from_digits(rp, n, y, nd);
}

/* ---- 6. CPUID -------------------------------------------------------------------- */

/* CPUID leaf 1 ECX bit 27 OSXSAVE and XCR0 bits 1-2 (the OS saves the YMM
 * registers), then leaf 7 EBX bit 5: AVX2.  Asked once; threads may race
 * to fill in the same answer (glass_once). */
static int ask_cpuid_avx2(void)
{
    unsigned a = 0, b = 0, c = 0, d = 0;
    if (!__get_cpuid(1, &a, &b, &c, &d) || !(c >> 27 & 1))
        return 0;
    unsigned xlo = 0, xhi = 0;
    __asm__ volatile("xgetbv" : "=a"(xlo), "=d"(xhi) : "c"(0));
    if ((xlo & 6) != 6)
        return 0;
    if (!__get_cpuid_count(7, 0, &a, &b, &c, &d))
        return 0;
    return (int)(b >> 5 & 1);
}

int bn_avx2_available(void)
{
    static int known;
    return glass_once(&known, ask_cpuid_avx2);
}

#else /* not x86-64 with GCC or Clang: the path is never chosen */

void bn_avx2_use_n37(int on)
{
    (void)on;
}

int bn_avx2_available(void)
{
    return 0;
}

mp_size_t bn_avx2_itch(mp_size_t n, mp_bitcnt_t enb)
{
    (void)n;
    (void)enb;
    return 0;
}

void bn_avx2_powm(mp_limb_t *rp, const mp_limb_t *bp, const mp_limb_t *ep, mp_bitcnt_t enb,
                  const mp_limb_t *mp, mp_size_t n, mp_limb_t *tp)
{
    (void)bp;
    (void)ep;
    (void)enb;
    (void)mp;
    (void)tp;
    memset(rp, 0, (size_t)n * sizeof *rp);
}

void bn_avx2_powm_public(mp_limb_t *rp, const mp_limb_t *bp, const mp_limb_t *ep,
                         mp_bitcnt_t enb, const mp_limb_t *mp, mp_size_t n, mp_limb_t *tp)
{
    bn_avx2_powm(rp, bp, ep, enb, mp, n, tp);
}

#endif
