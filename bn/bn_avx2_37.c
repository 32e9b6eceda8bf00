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
 *   1. the window += a_{4v..4v+3} * b (for the square: a_i * 2a_j, j > i,
 *      from vector v + s/2 on, and the four a_i^2 at 2i by one vector
 *      multiplication: about half the products);
 *   2. REDC's four q from the exact values of positions 4v..4v+3, which
 *      are w0's lanes plus what scalar code adds (the carry coming in, and
 *      the terms q_j m_k with j + k <= 3 that fall inside the block), two
 *      digits of q per step (n37_q01 says why that is the same q);
 *   3. the window += q_s * (M shifted by s), vectors 1..9 (vector 0 was
 *      accounted for in step 2), vector 1 first: it is the next block's
 *      vector 0, and positions 0 and 1 of the next block are read from it
 *      after q0's and q1's terms, q2's and q3's being added in scalar code;
 *   4. w0 is done (its carry is in the scalar `carry`): the window moves
 *      down one vector.
 * The order matters because of one chain: each block's q need the lanes
 * that the block before's q made.  With the sums in registers that chain,
 * not the arithmetic, is what a multiplication waits on (cut it, and a
 * square takes about half the time), so steps 2 and 3 shorten it: two
 * digits of q per step instead of one, and from one block to the next
 * through general registers only, not through a broadcast, a vector
 * multiplication and a lane extraction.
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
 * The asm emits no instruction.  Measured on one machine (AMD EPYC, the
 * best of many runs, each multiplication waiting for the one before): the
 * square 205 -> 140 ns and the multiplication 250 -> 155 ns at 1024 bits,
 * against bn_avx2.c's code; README's speed table has the effect on
 * RSA-2048 signing, and what was measured and did not help.
 *
 * CT: yes.  Every branch and address depends on the block and lane numbers
 * only (constants once inlined); a's digits, q and M only reach arithmetic.
 * make ctgrind runs it (case bn-avx2, 1024-bit modulus).
 */
#include "bn/bn_avx2.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))

_Static_assert(BN_N37 % 4 == 1, "the last block holds one digit");

/* b shifted by s places: b itself (aligned) for s = 0, else its copy in S. */
#define N37_ROW(S, b, s) ((s) == 0 ? (const __m256i *)(const void *)(b) : (S) + (s) * N37_NV)
/* The same for the square, whose copies are all in S, of 2b. */
#define N37_ROW2(S, s) ((S) + (s) * N37_NV)
#define N37_NV 10           /* vectors of the window: positions 4v .. 4v + 39 */

/* S[s * N37_NV + t]: vector t of b shifted up by s places (lane l holds
 * b_{4t+l-s}), s = 1..3, each copy aligned: the product's loads are then
 * aligned and never split across cache lines (s = 0 is b itself).  Made in
 * registers from b's aligned vectors v_t (v_{-1} = 0): by two lanes, the
 * upper half of v_{t-1} and the lower of v_t (VPERM2I128); by one and by
 * three, VPALIGNR of that with v_t or v_{t-1}.  Reading b in whole aligned
 * vectors, as they were stored, also lets the processor forward them from
 * the stores just made instead of waiting for those to reach the cache.
 * For the square the copies are of 2b, row 0 included (S[0..9]): the
 * products 2 a_i a_j then take a_i straight from memory. */
AVX2_INLINE void n37_shifted(__m256i *S, const uint64_t *b, int twice)
{
    const __m256i *B = (const __m256i *)(const void *)b;
    __m256i prev = _mm256_setzero_si256();
    UNROLL_ALL
    for (int t = 0; t < N37_NV; t++) {
        __m256i cur = _mm256_load_si256(B + t);
        if (twice) {
            cur = _mm256_add_epi64(cur, cur);
            S[t] = cur;
        }
        __m256i by2 = _mm256_permute2x128_si256(prev, cur, 0x21);
        S[N37_NV + t] = _mm256_alignr_epi8(cur, by2, 8);
        S[2 * N37_NV + t] = by2;
        S[3 * N37_NV + t] = _mm256_alignr_epi8(by2, prev, 8);
        prev = cur;
    }
}

/* Out of line, so that the compiler reads S back from memory in the blocks
 * instead of keeping forty vectors aside (and spilling them). */
__attribute__((noinline)) AVX2 static void n37_shifted_b(__m256i *S, const uint64_t *b)
{
    n37_shifted(S, b, 0);
}

__attribute__((noinline)) AVX2 static void n37_shifted_2b(__m256i *S, const uint64_t *b)
{
    n37_shifted(S, b, 1);
}

/* q0 and q1 of a block (digits 4v, 4v + 1 of REDC) from x0 and x1, the
 * values of the block's first two positions but for the carry coming in
 * and the block's own q m terms: those that land inside the block are
 * added here, in scalar code; the rest (vectors 1..9) by the caller.
 *
 * Two digits at a time.  q_s = -x_s M^-1 mod 2^28, digit by digit, is a
 * chain of four multiply-and-carry steps per block, on the path the
 * multiplication waits on (the essay's "one chain").  The same two digits
 * come out of one step mod 2^56: q0 + q1 2^28 = -X M^-1 mod 2^56, X the
 * value of the two positions (mod 2^64 is enough; minv2 = -M^-1 mod 2^56),
 * because REDC only asks that q M cancel the low bits, whatever the size
 * of a step. */
AVX2_INLINE void n37_q01(const struct mont *c, uint64_t x0, uint64_t x1, uint64_t *carry,
                         uint64_t q[4])
{
    const uint64_t *m = c->m, m56 = (UINT64_C(1) << (2 * BN_K)) - 1;
    uint64_t cy = *carry;
    uint64_t q01 = ((x0 + cy + (x1 << BN_K)) * c->minv2) & m56;
    q[0] = q01 & BN_DMASK;
    q[1] = q01 >> BN_K;
    /* Positions 0 and 1 with their q m terms: t0 is a multiple of 2^28 and
     * t0 + t1 2^28 one of 2^56, so what goes on is exactly this (each sum
     * is one of the essay's lane sums: no overflow). */
    uint64_t t0 = x0 + cy + q[0] * m[0];
    uint64_t t1 = x1 + q[0] * m[1] + q[1] * m[0];
    *carry = ((t0 >> BN_K) + t1) >> BN_K;
}

/* Digits 2 and 3 the same way, with q0's and q1's terms there. */
AVX2_INLINE void n37_q23(const struct mont *c, uint64_t x2, uint64_t x3, uint64_t *carry,
                         uint64_t q[4])
{
    const uint64_t *m = c->m, m56 = (UINT64_C(1) << (2 * BN_K)) - 1;
    uint64_t cy = *carry;
    uint64_t y2 = x2 + q[0] * m[2] + q[1] * m[1];
    uint64_t y3 = x3 + q[0] * m[3] + q[1] * m[2];
    uint64_t q23 = ((y2 + cy + (y3 << BN_K)) * c->minv2) & m56;
    q[2] = q23 & BN_DMASK;
    q[3] = q23 >> BN_K;
    uint64_t t0 = y2 + cy + q[2] * m[0];
    uint64_t t1 = y3 + q[2] * m[1] + q[3] * m[0];
    *carry = ((t0 >> BN_K) + t1) >> BN_K;
}

/* The last block holds one digit, q_36 (37 = 4 * 9 + 1). */
AVX2_INLINE uint64_t n37_q_last(const struct mont *c, uint64_t x0, uint64_t *carry)
{
    uint64_t x = x0 + *carry, q = (x * c->minv) & BN_DMASK;
    *carry = (x + q * c->m[0]) >> BN_K;
    return q;
}

/* The window: ten named vectors, w0 for positions 4v..4v+3 up to w9 for
 * 4v+36..4v+39.  Named, not an array, so that the compiler keeps each in a
 * register (an array indexed in a loop it tends to keep in memory);
 * N37_EACH(X) writes X out once per vector. */
struct n37_win {
    __m256i w0, w1, w2, w3, w4, w5, w6, w7, w8, w9;
};
#define N37_EACH(X) X(0) X(1) X(2) X(3) X(4) X(5) X(6) X(7) X(8) X(9)

/* An empty asm that "changes" one sum: the compiler must finish each
 * addition into it in the order written.  Without it gcc reassociates a
 * whole block's additions (integer addition being associative) into trees
 * that keep dozens of products alive at once, and the registers overflow
 * onto the stack.  Each sum has its own, so the processor still runs the
 * ten sums side by side. */
#define N37_KEEP(t) __asm__("" : "+x"(W->w##t));

/* W += x * V for V's vectors from `first` on (V at V[0..9]); in vector
 * `first` only V's lanes in `keep`.  first is a constant
 * where it is inlined, so the ifs fold away. */
#define N37_MADD(t)                                                                              \
    if (t > first) {                                                                            \
        W->w##t = _mm256_add_epi64(W->w##t, _mm256_mul_epu32(x, V[t]));                         \
        N37_KEEP(t)                                                                              \
    } else if (t == first) {                                                                    \
        W->w##t = _mm256_add_epi64(W->w##t, _mm256_mul_epu32(x, _mm256_and_si256(V[t], keep))); \
        N37_KEEP(t)                                                                              \
    }

AVX2_INLINE void n37_madd(struct n37_win *W, __m256i x, const __m256i *V, int first, __m256i keep)
{
    N37_EACH(N37_MADD)
}

/* W's vector `at` += x (at a constant where it is inlined). */
#define N37_ADD_AT(t)                                                                            \
    if (t == at) {                                                                              \
        W->w##t = _mm256_add_epi64(W->w##t, x);                                                 \
        N37_KEEP(t)                                                                              \
    }

AVX2_INLINE void n37_add_at(struct n37_win *W, int at, __m256i x)
{
    N37_EACH(N37_ADD_AT)
}

/* The window += a_i * b for digit i = 4v + s of a.  For the square,
 * a_i * 2a_j for j > i only, from position 2i = 4v + 2s of the window on
 * (vector v + s/2, lanes above 2(s mod 2)); the a_i^2 come in n37_block. */
AVX2_INLINE void n37_digit(struct n37_win *W, const __m256i *S, const uint64_t *b, uint64_t ai,
                           int v, int s, int sqr)
{
    const __m256i x = _mm256_set1_epi64x((long long)ai);
    if (!sqr) {     /* vector 0 came with the block before, but in block 0 */
        n37_madd(W, x, N37_ROW(S, b, s), v == 0 ? 0 : 1, _mm256_set1_epi64x(-1));
        return;
    }
    const __m256i at = _mm256_set_epi64x(3, 2, 1, 0);
    __m256i keep = _mm256_cmpgt_epi64(at, _mm256_set1_epi64x(2 * (s & 1)));
    n37_madd(W, x, N37_ROW2(S, s), v + (s >> 1), keep);
}

/* One block v of the 37-digit Montgomery multiplication: the window
 * (positions 4v..4v+39) += a_{4v..4v+3} * b, then REDC's four steps, then
 * the window moves down one vector.  v is a constant where it is called. */
AVX2_INLINE void n37_block(const struct mont *c, struct n37_win *W, const __m256i *S,
                          const uint64_t *b, const uint64_t *a, uint64_t *carry, uint64_t x01[2],
                          int v, int sqr)
{
    /* b's shifted copies and M's are read again in each block, not kept
     * aside by the compiler (a "memory" barrier; it costs no instruction). */
    __asm__ volatile("" ::: "memory");
    const __m256i ones = _mm256_set1_epi64x(-1);
    const __m256i *M = c->ms;
    int nq = BN_N37 - 4 * v < 4 ? BN_N37 - 4 * v : 4;
    UNROLL_ALL
    for (int s = 0; s < 4; s++)     /* written out: s < nq is known once inlined */
        if (s < nq)
            n37_digit(W, S, b, a[4 * v + s], v, s, sqr);
    if (sqr) {
        /* The block's four a_i^2 at once, at positions 2i: lanes 0 and 2 of
         * vectors v (i = 4v, 4v + 1) and v + 1 (4v + 2, 4v + 3). */
        const __m256i even = _mm256_set_epi64x(0, -1, 0, -1);
        __m256i av = _mm256_load_si256((const __m256i *)(const void *)(a + 4 * v));
        __m256i sq = _mm256_mul_epu32(av, av);
        n37_add_at(W, v, _mm256_and_si256(_mm256_permute4x64_epi64(sq, 0x50), even));
        if (nq > 2)
            n37_add_at(W, v + 1, _mm256_and_si256(_mm256_permute4x64_epi64(sq, 0xFA), even));
    }
    if (v == 0) {
        x01[0] = lane_of(W->w0, 0);
        x01[1] = lane_of(W->w0, 1);
    }
    if (nq < 4) {   /* the last block, q_36 alone; its vector 0's lanes 1..3 are the result's */
        uint64_t q = n37_q_last(c, x01[0], carry);
        n37_madd(W, _mm256_set1_epi64x((long long)q), M, 0, ones);
        return;
    }
    /* The next block's vector 0 is this one's vector 1: its share of a * b
     * (the multiplication's; the square has none there) goes in now. */
    if (!sqr) {
        int nq_next = BN_N37 - 4 * (v + 1) < 4 ? BN_N37 - 4 * (v + 1) : 4;
        UNROLL_ALL
        for (int s = 0; s < 4; s++)
            if (s < nq_next)
                n37_add_at(W, 1, _mm256_mul_epu32(_mm256_set1_epi64x((long long)a[4 * v + 4 + s]),
                                                  N37_ROW(S, b, s)[0]));
    }
    uint64_t q[4];
    n37_q01(c, x01[0], x01[1], carry, q);
    const __m256i q0 = _mm256_set1_epi64x((long long)q[0]), q1 = _mm256_set1_epi64x((long long)q[1]);
    n37_add_at(W, 1, _mm256_mul_epu32(q0, M[1]));
    n37_add_at(W, 1, _mm256_mul_epu32(q1, M[N37_NV + 1]));
    /* The next block's positions 0 and 1 but for q2's and q3's terms, which
     * scalar code adds: the q chain then goes from one block to the next
     * without a trip through the vector registers. */
    uint64_t z0 = lane_of(W->w1, 0), z1 = lane_of(W->w1, 1);
    n37_q23(c, lane_of(W->w0, 2), lane_of(W->w0, 3), carry, q);
    const uint64_t *m = c->m;
    x01[0] = z0 + q[2] * m[2] + q[3] * m[1];
    x01[1] = z1 + q[2] * m[3] + q[3] * m[2];
    const __m256i q2 = _mm256_set1_epi64x((long long)q[2]), q3 = _mm256_set1_epi64x((long long)q[3]);
    n37_add_at(W, 1, _mm256_mul_epu32(q2, M[2 * N37_NV + 1]));
    n37_add_at(W, 1, _mm256_mul_epu32(q3, M[3 * N37_NV + 1]));
    n37_madd(W, q0, M, 2, ones);
    n37_madd(W, q1, M + N37_NV, 2, ones);
    n37_madd(W, q2, M + 2 * N37_NV, 2, ones);
    n37_madd(W, q3, M + 3 * N37_NV, 2, ones);
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

/* r = a * b / R mod M (sqr: a = b, the square) for the 37-digit case, the
 * window of 40 positions kept in ten registers and moved down one vector
 * per block. */
AVX2_INLINE void n37_run(const struct mont *c, uint64_t *r, const uint64_t *a, const uint64_t *b, int sqr)
{
    __m256i *S = c->acc;
    if (sqr)
        n37_shifted_2b(S, b);
    else
        n37_shifted_b(S, b);
    struct n37_win W;
#define N37_ZERO(t) W.w##t = _mm256_setzero_si256();
    N37_EACH(N37_ZERO)
    uint64_t carry = 0, x01[2];
    n37_block(c, &W, S, b, a, &carry, x01, 0, sqr);
    n37_block(c, &W, S, b, a, &carry, x01, 1, sqr);
    n37_block(c, &W, S, b, a, &carry, x01, 2, sqr);
    n37_block(c, &W, S, b, a, &carry, x01, 3, sqr);
    n37_block(c, &W, S, b, a, &carry, x01, 4, sqr);
    n37_block(c, &W, S, b, a, &carry, x01, 5, sqr);
    n37_block(c, &W, S, b, a, &carry, x01, 6, sqr);
    n37_block(c, &W, S, b, a, &carry, x01, 7, sqr);
    n37_block(c, &W, S, b, a, &carry, x01, 8, sqr);
    n37_block(c, &W, S, b, a, &carry, x01, 9, sqr);
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
