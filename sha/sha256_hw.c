/*
 * sha256_hw.c — how the hardware does it: the SHA-256 compression function
 * with the SHA extensions ("SHA-NI": SHA256RNDS2, SHA256MSG1, SHA256MSG2;
 * Intel, 2013), FIPS 180-4 (August 2015) §6.2.2.
 *
 * What the instructions are, in the standard's words:
 *
 *   SHA256RNDS2 cdgh, abef, wk   two rounds of §6.2.2 step 3: T1 = h + Σ1(e)
 *                                + Ch(e,f,g) + K_t + W_t, T2 = Σ0(a) +
 *                                Maj(a,b,c), and the shift of a..h, twice,
 *                                with K_t + W_t for both rounds taken from the
 *                                two low words of wk.  The eight working
 *                                variables live in two registers, a b e f and
 *                                c d g h — the ones a round changes most.
 *   SHA256MSG1 w0, w1            the σ0 part of the message schedule (§6.2.2
 *                                step 1): W_(t-16) + σ0(W_(t-15)) for four t;
 *   SHA256MSG2 w, w3             adds σ1(W_(t-2)) and finishes four new W_t
 *                                (the W_(t-7) term is added in between, with
 *                                PALIGNR picking the right four words).
 *
 * So one 64-byte block is 32 SHA256RNDS2, 12 SHA256MSG1/MSG2 pairs and the
 * additions of the constants K (§4.2.2); step 4, H(i) = H(i-1) + the new
 * a..h, is two PADDD.  The register layout (abef/cdgh) is shuffled in from
 * H0..H7 at the start and back out at the end.
 *
 * Chosen at run time: sha256_hw_available asks CPUID (leaf 7, EBX bit 29,
 * and SSSE3 and SSE4.1 in leaf 1), and the function carries
 * __attribute__((target("sha,..."))), so the build needs no -msha and runs
 * on any x86-64; elsewhere it reports itself unavailable.
 *
 * CT: yes — the instructions take the same time for every operand, and
 * there is no table or branch on the data.
 */
#include "sha/sha256_internal.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <cpuid.h>
#include <immintrin.h>

/* See sha256_internal.h. */
int sha256_hw_available(void)
{
    unsigned a = 0, b = 0, c = 0, d = 0;
    if (!__get_cpuid(1, &a, &b, &c, &d) || !(c >> 9 & 1) || !(c >> 19 & 1))
        return 0;
    if (!__get_cpuid_count(7, 0, &a, &b, &c, &d))
        return 0;
    return (int)(b >> 29 & 1);
}

/* Four rounds: W_t + K_t for t = 4i .. 4i+3, then two SHA256RNDS2. */
#define FOUR_ROUNDS(w, i)                                                                \
    do {                                                                                 \
        __m128i wk = _mm_add_epi32((w), _mm_loadu_si128((const __m128i *)&sha256_K[4 * (i)])); \
        cdgh = _mm_sha256rnds2_epu32(cdgh, abef, wk);                                    \
        abef = _mm_sha256rnds2_epu32(abef, cdgh, _mm_shuffle_epi32(wk, 0x0e));           \
    } while (0)

/* W for the next four rounds from the previous sixteen (§6.2.2 step 1):
 * W_t = σ1(W_(t-2)) + W_(t-7) + σ0(W_(t-15)) + W_(t-16). */
#define SCHEDULE(w0, w1, w2, w3) \
    _mm_sha256msg2_epu32(_mm_add_epi32(_mm_sha256msg1_epu32((w0), (w1)), \
                                       _mm_alignr_epi8((w3), (w2), 4)), (w3))

/* See sha256_internal.h. */
__attribute__((target("sha,sse2,ssse3,sse4.1")))
void sha256_compress_hw(uint32_t H[8], const uint8_t *blocks, size_t nblocks)
{
    /* Each 32-bit word big-endian: swap the bytes within every lane. */
    const __m128i bswap = _mm_set_epi64x(0x0c0d0e0f08090a0bll, 0x0405060700010203ll);
    /* H0..H3 = a b c d, H4..H7 = e f g h into abef and cdgh (lane 3 first). */
    __m128i dcba = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)&H[0]), 0xb1);
    __m128i hgfe = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)&H[4]), 0x1b);
    __m128i abef = _mm_alignr_epi8(dcba, hgfe, 8);
    __m128i cdgh = _mm_blend_epi16(hgfe, dcba, 0xf0);
    for (; nblocks > 0; nblocks--, blocks += SHA256_BLOCK_LEN) {
        __m128i abef0 = abef, cdgh0 = cdgh;
        /* Step 1, t = 0..15: the block's own words. */
        __m128i w0 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)blocks), bswap);
        __m128i w1 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(blocks + 16)), bswap);
        __m128i w2 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(blocks + 32)), bswap);
        __m128i w3 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(blocks + 48)), bswap);
        /* Steps 2-3: 64 rounds, four at a time; the schedule computed as
         * it goes, four words ahead. */
        FOUR_ROUNDS(w0, 0);
        FOUR_ROUNDS(w1, 1);
        FOUR_ROUNDS(w2, 2);
        FOUR_ROUNDS(w3, 3);
        for (int i = 4; i < 16; i += 4) {
            w0 = SCHEDULE(w0, w1, w2, w3);
            FOUR_ROUNDS(w0, i);
            w1 = SCHEDULE(w1, w2, w3, w0);
            FOUR_ROUNDS(w1, i + 1);
            w2 = SCHEDULE(w2, w3, w0, w1);
            FOUR_ROUNDS(w2, i + 2);
            w3 = SCHEDULE(w3, w0, w1, w2);
            FOUR_ROUNDS(w3, i + 3);
        }
        /* Step 4: H(i) = a..h + H(i-1). */
        abef = _mm_add_epi32(abef, abef0);
        cdgh = _mm_add_epi32(cdgh, cdgh0);
    }
    /* Back out to H0..H7. */
    __m128i feba = _mm_shuffle_epi32(abef, 0x1b);
    __m128i dchg = _mm_shuffle_epi32(cdgh, 0xb1);
    _mm_storeu_si128((__m128i *)&H[0], _mm_blend_epi16(feba, dchg, 0xf0));
    _mm_storeu_si128((__m128i *)&H[4], _mm_alignr_epi8(dchg, feba, 8));
}

#else

/* See sha256_internal.h: not on this processor. */
int sha256_hw_available(void)
{
    return 0;
}

void sha256_compress_hw(uint32_t H[8], const uint8_t *blocks, size_t nblocks)
{
    sha256_compress_fast(H, blocks, nblocks);
}

#endif
