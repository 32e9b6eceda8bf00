/*
 * bn_avx2_37.c — the Montgomery multiplication of bn_avx2.c for a 37-digit
 * (1024-bit) modulus, its sums kept in registers: the one RSA-2048 signing
 * spends its time in (two exponentiations modulo the 1024-bit primes).
 *
 * Why a second multiplication.  bn_avx2.c's keeps the 74 positions of the
 * product in memory: each four-digit block loads and stores every vector
 * it adds to, and its loads of b shifted by 1..3 words are unaligned, a
 * third of them split across cache lines.  Here the sums that are still
 * changing, positions 4v..4v+39 while REDC works on block v, fit in ten of
 * the sixteen AVX2 registers (the window, w0..w9), and b's shifted copies
 * are made once, aligned.  Per block v:
 *   1. the window += a_{4v..4v+3} * b (for the square: 2 a_i a_j, j > i,
 *      and a_i^2 at 2i, from vector v + s/2 on: about half the products);
 *   2. REDC's four q from the exact values of positions 4v..4v+3, which
 *      are w0's lanes plus what scalar code adds (the carry coming in, and
 *      the terms q_j m_k with j + k <= 3 that fall inside the block);
 *   3. the window += q_s * (M shifted by s), vectors 1..9 (vector 0 was
 *      accounted for in step 2);
 *   4. w0 is done (its carry is in the scalar `carry`): the window moves
 *      down one vector.
 * After ten blocks (the last has one digit, q_36), positions 37..73 are
 * the result.  The same bound as bn_avx2.c's holds: position p collects the
 * same terms either way, now in a register instead of memory.
 *
 * Digits "a little over".  The last step does not carry the result into
 * exact digits, a 37-step chain that cost a tenth of a multiplication.  Two
 * carry passes over all lanes at once (n37_carry_round) leave digits
 * < 2^28 + 2^8.  They are as good as exact for the next multiplication:
 * with d < 2^28 + 2^8 every product is < 2^56 (1 + 2^-19), and the bound
 * (2n + 1) 2^56 (1 + 2^-19) + 2^37 < 2^63 for n = 37 leaves a whole bit
 * spare; VPMULUDQ reads 32 bits, and d < 2^29 fits.  The value is what
 * REDC's bound is about (< 2M), and it is unchanged.  The one place that
 * needs exact digits, the final comparison with M, carries them first
 * (bn_avx2.c, carry_exact).
 *
 * The compiler.  The window is ten named variables (struct n37_win), its
 * loops written out by N37_EACH, and each addition into a sum is followed by
 * an empty asm that names that sum (N37_KEEP): integer addition being
 * associative, gcc otherwise regroups a block's additions into trees that
 * keep dozens of products alive, and the registers overflow onto the stack.
 * The asm emits no instruction.  Measured on one machine: the square 205 ->
 * 150 ns and the multiplication 250 -> 190 ns at 1024 bits; README's
 * speed table has the effect on RSA-2048 signing.
 *
 * CT: yes.  Every branch and address depends on the block and lane numbers
 * only (constants once inlined); a's digits, q and M only reach arithmetic.
 * make ctgrind runs it (case bn-avx2, 1024-bit modulus).
 */
#include "bn/bn_avx2.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))

/* b shifted by s places: b itself (aligned) for s = 0, else its copy in S. */
#define N37_ROW(S, b, s) ((s) == 0 ? (const __m256i *)(const void *)(b) : (S) + (s) * N37_NV)
#define N37_NV 10           /* vectors of the window: positions 4v .. 4v + 39 */

/* S[s * N37_NV + t]: vector t of b shifted up by s places (lane l holds
 * b_{4t+l-s}), s = 1..3, each copy aligned: the product's loads are then
 * aligned and never split across cache lines (s = 0 is b itself).  Made in
 * registers from b's aligned vectors v_t (v_{-1} = 0): by two lanes, the
 * upper half of v_{t-1} and the lower of v_t (VPERM2I128); by one and by
 * three, VPALIGNR of that with v_t or v_{t-1}.  Reading b in whole aligned
 * vectors, as they were stored, also lets the processor forward them from
 * the stores just made instead of waiting for those to reach the cache. */
__attribute__((noinline)) AVX2 static void n37_shifted(__m256i *S, const uint64_t *b)
{
    const __m256i *B = (const __m256i *)(const void *)b;
    __m256i prev = _mm256_setzero_si256();
    UNROLL_ALL
    for (int t = 0; t < N37_NV; t++) {
        __m256i cur = _mm256_load_si256(B + t);
        __m256i by2 = _mm256_permute2x128_si256(prev, cur, 0x21);
        S[N37_NV + t] = _mm256_alignr_epi8(cur, by2, 8);
        S[2 * N37_NV + t] = by2;
        S[3 * N37_NV + t] = _mm256_alignr_epi8(by2, prev, 8);
        prev = cur;
    }
}

/* Block v's four q (digits 4v..4v+3 of REDC) from the exact lanes of T0:
 * the terms q_j m_k that land inside the block are added here in scalar
 * code, the rest (vectors 1..9) by the caller. */
AVX2_INLINE void n37_q(const struct mont *c, __m256i T0, uint64_t *carry, uint64_t q[4], int nq)
{
    const uint64_t *m = c->m, minv = c->minv;
    uint64_t x[4] = {lane_of(T0, 0), lane_of(T0, 1), lane_of(T0, 2), lane_of(T0, 3)};
    uint64_t cy = *carry;
    UNROLL_ALL
    for (int s = 0; s < 4; s++)
        q[s] = 0;
    UNROLL_ALL
    for (int s = 0; s < nq; s++) {
        uint64_t xs = x[s] + cy;
        UNROLL_ALL
        for (int j = 0; j < s; j++)
            xs += q[j] * m[s - j];
        q[s] = (xs * minv) & BN_DMASK;
        cy = (xs + q[s] * m[0]) >> BN_K;
    }
    *carry = cy;
}

/* The window: ten named vectors, w0 for positions 4v..4v+3 up to w9 for
 * 4v+36..4v+39.  Named, not an array, so that the compiler keeps each in a
 * register (an array indexed in a loop it tends to keep in memory);
 * N37_EACH(X) writes X out once per vector. */
struct n37_win {
    __m256i w0, w1, w2, w3, w4, w5, w6, w7, w8, w9;
};
#define N37_EACH(X) X(0) X(1) X(2) X(3) X(4) X(5) X(6) X(7) X(8) X(9)
#define N37_EACH_BUT_0(X) X(1) X(2) X(3) X(4) X(5) X(6) X(7) X(8) X(9)

/* W += x * V for V's vectors from `first` on (V at V[0..9]); in vector
 * `first` only V's lanes in `keep`, plus `diag`.  first is a constant
 * where it is inlined, so the ifs fold away. */
/* An empty asm that "changes" one sum: the compiler must finish each
 * addition into it in the order written.  Without it gcc reassociates a
 * whole block's additions (integer addition being associative) into trees
 * that keep dozens of products alive at once, and the registers overflow
 * onto the stack.  Each sum has its own, so the processor still runs the
 * ten sums side by side. */
#define N37_KEEP(t) __asm__("" : "+x"(W->w##t));

#define N37_MADD(t)                                                                              \
    if (t > first) {                                                                            \
        W->w##t = _mm256_add_epi64(W->w##t, _mm256_mul_epu32(x, V[t]));                         \
        N37_KEEP(t)                                                                              \
    } else if (t == first) {                                                                    \
        W->w##t = _mm256_add_epi64(W->w##t, _mm256_add_epi64(diag, _mm256_mul_epu32(x,          \
                                                                _mm256_and_si256(V[t], keep))));\
        N37_KEEP(t)                                                                              \
    }

AVX2_INLINE void n37_madd(struct n37_win *W, __m256i x, const __m256i *V, int first, __m256i keep,
                         __m256i diag)
{
    N37_EACH(N37_MADD)
}

/* One block v of the 37-digit Montgomery multiplication: the window
 * (positions 4v..4v+39) += a_{4v..4v+3} * b, then REDC's four steps, then
 * the window moves down one vector.  v is a constant where it is called. */
AVX2_INLINE void n37_block(const struct mont *c, struct n37_win *W, const __m256i *S,
                          const uint64_t *b, const uint64_t *a, uint64_t *carry, int v, int sqr)
{
    /* b's shifted copies and M's are read again in each block, not kept
     * aside by the compiler (a "memory" barrier; it costs no instruction). */
    __asm__ volatile("" ::: "memory");
    const __m256i ones = _mm256_set1_epi64x(-1), zero = _mm256_setzero_si256();
    int nq = BN_N37 - 4 * v < 4 ? BN_N37 - 4 * v : 4;
    UNROLL_ALL
    for (int s = 0; s < nq; s++) {
        uint64_t ai = a[4 * v + s];
        if (!sqr) {
            n37_madd(W, _mm256_set1_epi64x((long long)ai), N37_ROW(S, b, s), 0, ones, zero);
            continue;
        }
        /* a^2: 2 a_i a_j for j > i, from position 2i = 4v + 2s of the window
         * on (vector v + s/2, lanes above 2(s mod 2)), and a_i^2 at 2i. */
        const __m256i at = _mm256_set_epi64x(3, 2, 1, 0);
        __m256i lane = _mm256_set1_epi64x(2 * (s & 1));
        __m256i keep = _mm256_cmpgt_epi64(at, lane);
        __m256i diag = _mm256_and_si256(_mm256_set1_epi64x((long long)(ai * ai)),
                                        _mm256_cmpeq_epi64(at, lane));
        n37_madd(W, _mm256_set1_epi64x((long long)(2 * ai)), N37_ROW(S, b, s), v + (s >> 1), keep,
                diag);
    }
    uint64_t q[4];
    n37_q(c, W->w0, carry, q, nq);
    const __m256i *M = c->ms;
    UNROLL_ALL
    for (int s = 0; s < nq; s++)
        n37_madd(W, _mm256_set1_epi64x((long long)q[s]), M + s * N37_NV, nq < 4 ? 0 : 1, ones, zero);
    if (nq == 4) {
        W->w0 = W->w1;
        W->w1 = W->w2;
        W->w2 = W->w3;
        W->w3 = W->w4;
        W->w4 = W->w5;
        W->w5 = W->w6;
        W->w6 = W->w7;
        W->w7 = W->w8;
        W->w8 = W->w9;
        W->w9 = _mm256_setzero_si256();
    }
}

/* r = a * b / R mod M for the 37-digit case, the window of 40 positions
 * kept in ten registers and moved down one vector per block. */
/* One carry pass over the window, all lanes at once: each keeps its low
 * 28 bits and adds the bits above 28 of the lane below it.  Two passes take
 * lanes < 2^64 to digits < 2^28 + 2^8: not exact digits, but the essay's
 * bound holds for them with room to spare ((2n + 1) (2^28 + 2^8)^2 + 2^37
 * < 2^64 for n = 37), and the one place exact digits matter, the final
 * comparison with M, carries them first (carry_exact).  Nothing passes
 * out of the top: the value is < 2M < 2^(28 * 37). */
AVX2_INLINE void n37_carry_round(struct n37_win *W)
{
    const __m256i low = _mm256_set1_epi64x((long long)BN_DMASK);
    __m256i below = _mm256_setzero_si256();   /* the last vector's high parts, moved up a lane */
#define N37_CARRY(t)                                                                             \
    {                                                                                           \
        __m256i up = _mm256_permute4x64_epi64(_mm256_srli_epi64(W->w##t, BN_K), 0x93);          \
        W->w##t = _mm256_add_epi64(_mm256_and_si256(W->w##t, low),                              \
                                   _mm256_blend_epi32(up, below, 0x03));                         \
        below = up;                                                                             \
    }
    N37_EACH(N37_CARRY)
}

AVX2_INLINE void n37_run(const struct mont *c, uint64_t *r, const uint64_t *a, const uint64_t *b, int sqr)
{
    __m256i *S = c->acc;
    n37_shifted(S, b);
    struct n37_win W;
#define N37_ZERO(t) W.w##t = _mm256_setzero_si256();
    N37_EACH(N37_ZERO)
    uint64_t carry = 0;
    n37_block(c, &W, S, b, a, &carry, 0, sqr);
    n37_block(c, &W, S, b, a, &carry, 1, sqr);
    n37_block(c, &W, S, b, a, &carry, 2, sqr);
    n37_block(c, &W, S, b, a, &carry, 3, sqr);
    n37_block(c, &W, S, b, a, &carry, 4, sqr);
    n37_block(c, &W, S, b, a, &carry, 5, sqr);
    n37_block(c, &W, S, b, a, &carry, 6, sqr);
    n37_block(c, &W, S, b, a, &carry, 7, sqr);
    n37_block(c, &W, S, b, a, &carry, 8, sqr);
    n37_block(c, &W, S, b, a, &carry, 9, sqr);
    /* The result is positions 37..73: lanes 1.. of the window.  Position
     * 36 (lane 0) is a multiple of 2^28 whose carry is in `carry`. */
    W.w0 = _mm256_add_epi64(_mm256_blend_epi32(W.w0, _mm256_setzero_si256(), 0x03),
                            _mm256_set_epi64x(0, 0, (long long)carry, 0));
    n37_carry_round(&W);
    n37_carry_round(&W);
    /* Moved down a lane (digit j from lane j + 1: the same VPERM2I128 and
     * VPALIGNR as in n37_shifted) and stored aligned, r[0..39]. */
    __m256i *R = (__m256i *)(void *)r;
#define N37_STORE(t, u)                                                                         \
    _mm256_store_si256(R + t, _mm256_alignr_epi8(_mm256_permute2x128_si256(W.w##t, u, 0x21),    \
                                                 W.w##t, 8));
    N37_STORE(0, W.w1)
    N37_STORE(1, W.w2)
    N37_STORE(2, W.w3)
    N37_STORE(3, W.w4)
    N37_STORE(4, W.w5)
    N37_STORE(5, W.w6)
    N37_STORE(6, W.w7)
    N37_STORE(7, W.w8)
    N37_STORE(8, W.w9)
    N37_STORE(9, _mm256_setzero_si256())
}

/* See bn_avx2.h. */
AVX2 void bn_avx2_mul37(const struct mont *c, uint64_t *r, const uint64_t *a, const uint64_t *b)
{
    if (a == b)
        n37_run(c, r, a, a, 1);
    else
        n37_run(c, r, a, b, 0);
}

#else /* not x86-64 with GCC or Clang: bn_avx2.c never calls it */

typedef int bn_avx2_37_unused;   /* ISO C wants something in a file */

#endif
