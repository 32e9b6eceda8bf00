/*
 * bn_avx2.h — what the two files of the AVX2 path share: the digits, the
 * Montgomery context, one lane out of a register, and the 1024-bit kernel
 * (bn_avx2_37.c) that bn_avx2.c's multiplication hands 37-digit moduli to.
 * Read bn_avx2.c's essay first.
 */
#ifndef GLASS_BN_AVX2_H
#define GLASS_BN_AVX2_H

#include <stdint.h>

#define BN_K 28                                   /* bits per digit */
#define BN_DMASK ((UINT64_C(1) << BN_K) - 1)
#define BN_N37 37                                 /* digits of a 16-limb (1024-bit) modulus */

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))

#include <immintrin.h>

#define AVX2 __attribute__((target("avx2")))
#define AVX2_INLINE __attribute__((target("avx2"), always_inline)) static inline
#if defined(__clang__)   /* loops with a constant count, written out in full */
#define UNROLL_ALL _Pragma("clang loop unroll(full)")
#else
#define UNROLL_ALL _Pragma("GCC unroll 16")
#endif

struct mont {
    int n;           /* digits */
    int nv;          /* vectors one step touches: ceil((n + 3) / 4) */
    int nb;          /* blocks of four digits: ceil(n / 4) */
    int na;          /* accumulator vectors (at least 40: bn_avx2_37.c's copies) */
    uint64_t minv;   /* -M^-1 mod 2^28 */
    uint64_t minv2;  /* -M^-1 mod 2^56: two digits of q at once (bn_avx2_37.c) */
    uint64_t *m;     /* M's digits (a padded number) */
    __m256i *ms;     /* M shifted by s = 0..3 digits, nv vectors each */
    __m256i *acc;    /* the 2n lazy positions */
};

/* Lane s (0..3, a constant) of h. */
AVX2_INLINE uint64_t lane_of(__m256i h, int s)
{
    __m128i x = (s & 2) ? _mm256_extracti128_si256(h, 1) : _mm256_castsi256_si128(h);
    return (s & 1) ? (uint64_t)_mm_extract_epi64(x, 1) : (uint64_t)_mm_cvtsi128_si64(x);
}

/* r = a * b / R mod M for c->n == BN_N37, a, b and r padded numbers
 * (a == b: the square); r < 2M in digits < 2^28 + 2^8 (bn_avx2_37.c). */
AVX2 void bn_avx2_mul37(const struct mont *c, uint64_t *r, const uint64_t *a, const uint64_t *b);

#endif
#endif
