/*
 * aes_hw.c — how the hardware does it: AES-256 with the AES-NI instructions
 * and GHASH with PCLMULQDQ (Intel's "Advanced Encryption Standard New
 * Instructions", 2008; FIPS 197, 2001; NIST SP 800-38D, 2007).
 *
 * What the instructions are, in the standard's words.  An XMM register holds
 * one 16-byte state, byte i of the block in byte i of the register (the
 * state read down the columns, as FIPS 197 §3.4 fills it).
 *
 *   AESENC  state, key    one whole round of the Cipher (FIPS 197 §5.1):
 *                         SubBytes (§5.1.1), ShiftRows (§5.1.2), MixColumns
 *                         (§5.1.3), AddRoundKey (§5.1.4) — rounds 1 .. Nr-1.
 *   AESENCLAST            the last round: the same without MixColumns.
 *   AESDEC  state, key    one round of the Equivalent Inverse Cipher
 *                         (§5.3.5): InvShiftRows, InvSubBytes,
 *                         InvMixColumns, AddRoundKey with a round key that
 *                         has been through InvMixColumns (the dw schedule).
 *   AESDECLAST            its last round, without InvMixColumns.
 *   PXOR                  AddRoundKey of round 0 (§5.1.4).
 *   PCLMULQDQ a, b, imm   the carry-less product of one 64-bit half of a
 *                         and one of b: 128 bits, the polynomial product
 *                         over GF(2) that GHASH needs (SP 800-38D §6.3),
 *                         computed by the multiplier in a few cycles.
 *
 * The S-box lives in silicon: no table in memory, no cache line touched,
 * and each instruction takes the same number of cycles for every operand —
 * so this is constant time as well as fast (CT: yes).  It is fast because
 * one AESENC does a whole round in about 4 cycles, and a new one can start
 * every cycle: eight independent blocks (CTR, ECB, CBC decryption) keep the
 * unit busy, while CBC encryption waits for each block (14 rounds x 4
 * cycles).  Where the CPU also has VAES (the same round on a 256-bit
 * register, two blocks at once), CTR keeps sixteen blocks in flight.
 *
 * The key schedule is the one every implementation shares (w and dw of
 * aes_ct.c, computed in constant time), copied out as bytes: AESENC takes
 * round r's key as the 16 bytes w[4r..4r+3], AESDEC the bytes of dw.
 *
 * Chosen at run time: aes_cpu_has_aesni asks CPUID, and each function that
 * uses the instructions carries __attribute__((target(...))), so the rest of
 * the build needs no -maes flag and runs on any x86-64 (and off x86 this
 * file compiles to entries that say "not available").
 *
 * Read in this order: CPUID, the key set-up, the block functions (ECB),
 * CTR, CBC encryption, then GHASH with PCLMULQDQ.
 *
 * CT: yes (AES-NI and PCLMULQDQ have operand-independent timing; no table,
 * no secret-dependent branch or address).
 */
#include "aes/aes.h"
#include "aes/aes_internal.h"

#include <string.h>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define GLASS_HAVE_X86 1
#include <cpuid.h>
#include <immintrin.h>
#else
#define GLASS_HAVE_X86 0
#endif

#if GLASS_HAVE_X86

#define HW_AES __attribute__((target("aes,sse2,ssse3,sse4.1")))
#define HW_CLMUL __attribute__((target("pclmul,sse2,ssse3,sse4.1")))

/* ---- 1. CPUID ---------------------------------------------------------------- */

/* See aes_internal.h.  CPUID leaf 1, ECX: bit 25 AES-NI, bit 1 PCLMULQDQ,
 * bit 9 SSSE3, bit 19 SSE4.1. */
static int ask_cpuid_aesni(void)
{
    unsigned a = 0, b = 0, c = 0, d = 0;
    if (!__get_cpuid(1, &a, &b, &c, &d))
        return 0;
    return (c >> 25 & 1) && (c >> 1 & 1) && (c >> 9 & 1) && (c >> 19 & 1);
}

/* CPUID answers once per process (glass_once). */
int aes_cpu_has_aesni(void)
{
    static int known;
    return glass_once(&known, ask_cpuid_aesni);
}

/* ---- 2. the key ------------------------------------------------------------- */

/* Round r's key as bytes: w[4r..4r+3] big-endian (for AESENC) and the same
 * of dw (for AESDEC, FIPS 197 §5.3.5). */
static void hw_setup(aes256_ctx *ctx, const uint8_t key[AES256_KEY_LEN])
{
    aes256_ct_expand_key(ctx, key);
    for (int r = 0; r <= AES256_ROUNDS; r++)
        for (int i = 0; i < 16; i++) {
            int shift = 24 - 8 * (i % 4);
            ctx->sk.rk[0][r][i] = (uint8_t)(ctx->w[4 * r + i / 4] >> shift);
            ctx->sk.rk[1][r][i] = (uint8_t)(ctx->dw[4 * r + i / 4] >> shift);
        }
}

HW_AES static inline void load_keys(__m128i k[AES256_ROUNDS + 1], const uint8_t rk[][16])
{
    for (int r = 0; r <= AES256_ROUNDS; r++)
        k[r] = _mm_loadu_si128((const __m128i *)rk[r]);
}

/* ---- 3. blocks --------------------------------------------------------------- */

/* Cipher (§5.1) on one state: round 0's AddRoundKey, 13 AESENC, AESENCLAST. */
HW_AES static inline __m128i cipher1(__m128i s, const __m128i k[AES256_ROUNDS + 1])
{
    s = _mm_xor_si128(s, k[0]);
    for (int r = 1; r < AES256_ROUNDS; r++)
        s = _mm_aesenc_si128(s, k[r]);
    return _mm_aesenclast_si128(s, k[AES256_ROUNDS]);
}

/* Cipher on eight states at once, round by round, so eight AESENCs are in
 * flight together (each takes a few cycles to finish, but a new one can
 * start every cycle or two).  Written out block by block, in named
 * variables, so the compiler keeps all eight states in registers. */
#define ROUND8(op, key)         \
    do {                        \
        s0 = op(s0, (key));     \
        s1 = op(s1, (key));     \
        s2 = op(s2, (key));     \
        s3 = op(s3, (key));     \
        s4 = op(s4, (key));     \
        s5 = op(s5, (key));     \
        s6 = op(s6, (key));     \
        s7 = op(s7, (key));     \
    } while (0)

HW_AES static inline void cipher8(__m128i s[8], const __m128i k[AES256_ROUNDS + 1])
{
    __m128i s0 = s[0], s1 = s[1], s2 = s[2], s3 = s[3];
    __m128i s4 = s[4], s5 = s[5], s6 = s[6], s7 = s[7];
    ROUND8(_mm_xor_si128, k[0]);            /* AddRoundKey, round 0 */
    ROUND8(_mm_aesenc_si128, k[1]);         /* rounds 1 .. 13: AESENC */
    ROUND8(_mm_aesenc_si128, k[2]);
    ROUND8(_mm_aesenc_si128, k[3]);
    ROUND8(_mm_aesenc_si128, k[4]);
    ROUND8(_mm_aesenc_si128, k[5]);
    ROUND8(_mm_aesenc_si128, k[6]);
    ROUND8(_mm_aesenc_si128, k[7]);
    ROUND8(_mm_aesenc_si128, k[8]);
    ROUND8(_mm_aesenc_si128, k[9]);
    ROUND8(_mm_aesenc_si128, k[10]);
    ROUND8(_mm_aesenc_si128, k[11]);
    ROUND8(_mm_aesenc_si128, k[12]);
    ROUND8(_mm_aesenc_si128, k[13]);
    ROUND8(_mm_aesenclast_si128, k[14]);    /* round 14: AESENCLAST */
    s[0] = s0;
    s[1] = s1;
    s[2] = s2;
    s[3] = s3;
    s[4] = s4;
    s[5] = s5;
    s[6] = s6;
    s[7] = s7;
}

HW_AES static void hw_encrypt(const aes256_ctx *ctx, const uint8_t *in, uint8_t *out, size_t n)
{
    __m128i k[AES256_ROUNDS + 1], s[8];
    load_keys(k, ctx->sk.rk[0]);
    for (; n >= 8; n -= 8, in += 128, out += 128) {
        for (int i = 0; i < 8; i++)
            s[i] = _mm_loadu_si128((const __m128i *)(in + 16 * i));
        cipher8(s, k);
        for (int i = 0; i < 8; i++)
            _mm_storeu_si128((__m128i *)(out + 16 * i), s[i]);
    }
    for (; n > 0; n--, in += 16, out += 16)
        _mm_storeu_si128((__m128i *)out, cipher1(_mm_loadu_si128((const __m128i *)in), k));
}

/* The Equivalent Inverse Cipher (FIPS 197 §5.3.5): AddRoundKey with round Nr's key,
 * AESDEC with dw's rounds Nr-1 .. 1, AESDECLAST with round 0; eight blocks
 * at a time (CBC decryption hands over up to 16). */
HW_AES static void hw_decrypt(const aes256_ctx *ctx, const uint8_t *in, uint8_t *out, size_t n)
{
    __m128i k[AES256_ROUNDS + 1];
    load_keys(k, ctx->sk.rk[1]);
    for (; n >= 8; n -= 8, in += 128, out += 128) {
        __m128i s0 = _mm_loadu_si128((const __m128i *)in);
        __m128i s1 = _mm_loadu_si128((const __m128i *)(in + 16));
        __m128i s2 = _mm_loadu_si128((const __m128i *)(in + 32));
        __m128i s3 = _mm_loadu_si128((const __m128i *)(in + 48));
        __m128i s4 = _mm_loadu_si128((const __m128i *)(in + 64));
        __m128i s5 = _mm_loadu_si128((const __m128i *)(in + 80));
        __m128i s6 = _mm_loadu_si128((const __m128i *)(in + 96));
        __m128i s7 = _mm_loadu_si128((const __m128i *)(in + 112));
        ROUND8(_mm_xor_si128, k[AES256_ROUNDS]);
        for (int r = AES256_ROUNDS - 1; r > 0; r--)
            ROUND8(_mm_aesdec_si128, k[r]);
        ROUND8(_mm_aesdeclast_si128, k[0]);
        _mm_storeu_si128((__m128i *)out, s0);
        _mm_storeu_si128((__m128i *)(out + 16), s1);
        _mm_storeu_si128((__m128i *)(out + 32), s2);
        _mm_storeu_si128((__m128i *)(out + 48), s3);
        _mm_storeu_si128((__m128i *)(out + 64), s4);
        _mm_storeu_si128((__m128i *)(out + 80), s5);
        _mm_storeu_si128((__m128i *)(out + 96), s6);
        _mm_storeu_si128((__m128i *)(out + 112), s7);
    }
    for (; n > 0; n--, in += 16, out += 16) {
        __m128i s = _mm_xor_si128(_mm_loadu_si128((const __m128i *)in), k[AES256_ROUNDS]);
        for (int r = AES256_ROUNDS - 1; r > 0; r--)
            s = _mm_aesdec_si128(s, k[r]);
        _mm_storeu_si128((__m128i *)out, _mm_aesdeclast_si128(s, k[0]));
    }
}

/* ---- 4. CTR -------------------------------------------------------------------- */

/* Adds k to the counter block: to its last 32 bits (mod 2^32) and, unless
 * inc32, the carry onward through all 16 bytes (SP 800-38A Appendix B.1). */
static void counter_add(uint8_t counter[16], uint64_t k, int inc32)
{
    uint64_t carry = k;
    int stop = inc32 ? 12 : 0;
    for (int i = 15; i >= stop && carry != 0; i--) {
        uint64_t v = counter[i] + (carry & 0xff);
        counter[i] = (uint8_t)v;
        carry = (carry >> 8) + (v >> 8);
    }
}

/* CTR with VAES (AES-NI on 256-bit registers, two blocks per VAESENC): sixteen blocks in flight in eight YMM registers.  Same counter
 * handling; used when CPUID reports VAES and AVX2 and the OS saves YMM. */
#define VROUND8(op, key)        \
    do {                        \
        v0 = op(v0, (key));     \
        v1 = op(v1, (key));     \
        v2 = op(v2, (key));     \
        v3 = op(v3, (key));     \
        v4 = op(v4, (key));     \
        v5 = op(v5, (key));     \
        v6 = op(v6, (key));     \
        v7 = op(v7, (key));     \
    } while (0)

#define HW_VAES __attribute__((target("vaes,avx2,aes,sse4.1,ssse3")))

/* Encrypts the 16 counter blocks c_rev + 0..15 (byte-reversed form) and
 * XORs them into in[0..256) -> out. */
HW_VAES static inline void ctr16_vaes(const __m256i k[AES256_ROUNDS + 1], __m256i c,
                                      const uint8_t *in, uint8_t *out)
{
    const __m256i rev = _mm256_set_epi8(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15,
                                        0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
    const __m256i two = _mm256_set_epi32(0, 0, 0, 2, 0, 0, 0, 2);
    __m256i v0 = c, v1 = _mm256_add_epi32(v0, two), v2 = _mm256_add_epi32(v1, two);
    __m256i v3 = _mm256_add_epi32(v2, two), v4 = _mm256_add_epi32(v3, two);
    __m256i v5 = _mm256_add_epi32(v4, two), v6 = _mm256_add_epi32(v5, two);
    __m256i v7 = _mm256_add_epi32(v6, two);
    v0 = _mm256_shuffle_epi8(v0, rev);
    v1 = _mm256_shuffle_epi8(v1, rev);
    v2 = _mm256_shuffle_epi8(v2, rev);
    v3 = _mm256_shuffle_epi8(v3, rev);
    v4 = _mm256_shuffle_epi8(v4, rev);
    v5 = _mm256_shuffle_epi8(v5, rev);
    v6 = _mm256_shuffle_epi8(v6, rev);
    v7 = _mm256_shuffle_epi8(v7, rev);
    VROUND8(_mm256_xor_si256, k[0]);
    for (int r = 1; r < AES256_ROUNDS; r++)
        VROUND8(_mm256_aesenc_epi128, k[r]);
    VROUND8(_mm256_aesenclast_epi128, k[AES256_ROUNDS]);
    const __m256i *src = (const __m256i *)in;
    __m256i *dst = (__m256i *)out;
    _mm256_storeu_si256(dst, _mm256_xor_si256(v0, _mm256_loadu_si256(src)));
    _mm256_storeu_si256(dst + 1, _mm256_xor_si256(v1, _mm256_loadu_si256(src + 1)));
    _mm256_storeu_si256(dst + 2, _mm256_xor_si256(v2, _mm256_loadu_si256(src + 2)));
    _mm256_storeu_si256(dst + 3, _mm256_xor_si256(v3, _mm256_loadu_si256(src + 3)));
    _mm256_storeu_si256(dst + 4, _mm256_xor_si256(v4, _mm256_loadu_si256(src + 4)));
    _mm256_storeu_si256(dst + 5, _mm256_xor_si256(v5, _mm256_loadu_si256(src + 5)));
    _mm256_storeu_si256(dst + 6, _mm256_xor_si256(v6, _mm256_loadu_si256(src + 6)));
    _mm256_storeu_si256(dst + 7, _mm256_xor_si256(v7, _mm256_loadu_si256(src + 7)));
}

/* Whole runs of 16 blocks (none crossing a wrap of the low 32 bits) with
 * VAES; returns how many blocks it did. */
HW_VAES static size_t hw_ctr_vaes(const aes256_ctx *ctx, uint8_t counter[16], int inc32,
                                  const uint8_t *in, uint8_t *out, size_t n)
{
    const __m128i rev = _mm_set_epi8(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
    __m256i k[AES256_ROUNDS + 1];
    for (int r = 0; r <= AES256_ROUNDS; r++)
        k[r] = _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)ctx->sk.rk[0][r]));
    uint32_t low = (uint32_t)counter[12] << 24 | (uint32_t)counter[13] << 16 |
                   (uint32_t)counter[14] << 8 | counter[15];
    uint64_t room = (uint64_t)0x100000000ull - low;
    size_t run = n < room ? n : (size_t)room;
    run -= run % 16;
    __m128i c = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)counter), rev);
    __m256i c2 = _mm256_add_epi32(_mm256_broadcastsi128_si256(c),
                                  _mm256_set_epi32(0, 0, 0, 1, 0, 0, 0, 0));
    const __m256i sixteen = _mm256_set_epi32(0, 0, 0, 16, 0, 0, 0, 16);
    for (size_t done = 0; done < run; done += 16) {
        ctr16_vaes(k, c2, in + 16 * done, out + 16 * done);
        c2 = _mm256_add_epi32(c2, sixteen);
    }
    counter_add(counter, run, inc32);
    return run;
}

/* CPUID leaf 7: EBX bit 5 AVX2, and ECX bit `bit` (9 VAES, 10 VPCLMULQDQ);
 * leaf 1 ECX bit 27 OSXSAVE, and XCR0 bits 1-2: the OS saves the YMM
 * registers. */
static int cpu_has_ymm_feature(int bit)
{
    unsigned a = 0, b = 0, c = 0, d = 0;
    if (!aes_cpu_has_aesni() || !__get_cpuid(1, &a, &b, &c, &d) || !(c >> 27 & 1))
        return 0;
    unsigned xlo = 0, xhi = 0;
    __asm__ volatile("xgetbv" : "=a"(xlo), "=d"(xhi) : "c"(0));
    if ((xlo & 6) != 6)
        return 0;
    if (!__get_cpuid_count(7, 0, &a, &b, &c, &d))
        return 0;
    return (b >> 5 & 1) && (c >> bit & 1);
}

static int ymm_allowed = 1;             /* aes_hw_use_ymm: tests turn it off */

/* See aes_internal.h. */
void aes_hw_use_ymm(int on)
{
    __atomic_store_n(&ymm_allowed, on != 0, __ATOMIC_RELAXED);
}

/* 2 when the CPU has the leaf-7 feature `bit` (with AVX2 and YMM saved)
 * and the 256-bit paths are allowed, else 1; CPUID asked once and the
 * answer kept in *cache. */
static int ymm_feature_cached(int *cache, int bit)
{
    if (!__atomic_load_n(&ymm_allowed, __ATOMIC_RELAXED))
        return 1;
    int has = __atomic_load_n(cache, __ATOMIC_RELAXED);
    if (has == 0) {
        has = cpu_has_ymm_feature(bit) ? 2 : 1;
        __atomic_store_n(cache, has, __ATOMIC_RELAXED);
    }
    return has;
}

/* O_j = CIPH_K(T_j), C_j = P_j XOR O_j over whole blocks, eight at a time.
 * The counter is kept byte-reversed in a register so that its last 32 bits
 * (big-endian) are lane 0 and one PADDD steps it; the blocks handed to
 * AESENC are reversed back.  A run never crosses a wrap of those 32 bits:
 * at a wrap the carry goes into the upper 96 bits (not for inc32). */
HW_AES static void hw_ctr(const aes256_ctx *ctx, uint8_t counter[16], int inc32,
                          const uint8_t *in, uint8_t *out, size_t n)
{
    const __m128i rev = _mm_set_epi8(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
    const __m128i one = _mm_set_epi32(0, 0, 0, 1);
    __m128i k[AES256_ROUNDS + 1], s[8];
    static int vaes;                    /* 0 unknown, 1 no, 2 yes */
    if (n >= 16 && ymm_feature_cached(&vaes, 9) == 2) {
        size_t done = hw_ctr_vaes(ctx, counter, inc32, in, out, n);
        in += 16 * done;
        out += 16 * done;
        n -= done;
    }
    load_keys(k, ctx->sk.rk[0]);
    while (n > 0) {
        uint32_t low = (uint32_t)counter[12] << 24 | (uint32_t)counter[13] << 16 |
                       (uint32_t)counter[14] << 8 | counter[15];
        uint64_t room = (uint64_t)0x100000000ull - low;       /* blocks before a wrap */
        size_t run = n < room ? n : (size_t)room;
        __m128i c = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)counter), rev);
        size_t done = 0;
        for (; done + 8 <= run; done += 8) {
            for (int i = 0; i < 8; i++) {
                s[i] = _mm_shuffle_epi8(c, rev);
                c = _mm_add_epi32(c, one);
            }
            cipher8(s, k);
            for (int i = 0; i < 8; i++) {
                __m128i p = _mm_loadu_si128((const __m128i *)(in + 16 * i));
                _mm_storeu_si128((__m128i *)(out + 16 * i), _mm_xor_si128(p, s[i]));
            }
            in += 128;
            out += 128;
        }
        for (; done < run; done++) {
            __m128i o = cipher1(_mm_shuffle_epi8(c, rev), k);
            c = _mm_add_epi32(c, one);
            __m128i p = _mm_loadu_si128((const __m128i *)in);
            _mm_storeu_si128((__m128i *)out, _mm_xor_si128(p, o));
            in += 16;
            out += 16;
        }
        counter_add(counter, run, inc32);
        n -= run;
    }
}

/* ---- 5. CBC encryption -------------------------------------------------------- */

/* C_j = CIPH_K(P_j XOR C_{j-1}): one block at a time, the chain value kept
 * in a register.  Each block waits for the one before, so the time is the
 * latency of 15 dependent steps; P_j XOR round key 0 is computed off that
 * path (it does not depend on C_{j-1}), leaving one XOR, 13 AESENC and one
 * AESENCLAST on it. */
HW_AES static void hw_cbc_encrypt(const aes256_ctx *ctx, uint8_t iv[16], const uint8_t *in,
                                  uint8_t *out, size_t n)
{
    __m128i k[AES256_ROUNDS + 1];
    load_keys(k, ctx->sk.rk[0]);
    __m128i chain = _mm_loadu_si128((const __m128i *)iv);
    for (; n > 0; n--, in += 16, out += 16) {
        __m128i x = _mm_xor_si128(_mm_loadu_si128((const __m128i *)in), k[0]);
        __m128i s = _mm_xor_si128(chain, x);
        s = _mm_aesenc_si128(s, k[1]);
        s = _mm_aesenc_si128(s, k[2]);
        s = _mm_aesenc_si128(s, k[3]);
        s = _mm_aesenc_si128(s, k[4]);
        s = _mm_aesenc_si128(s, k[5]);
        s = _mm_aesenc_si128(s, k[6]);
        s = _mm_aesenc_si128(s, k[7]);
        s = _mm_aesenc_si128(s, k[8]);
        s = _mm_aesenc_si128(s, k[9]);
        s = _mm_aesenc_si128(s, k[10]);
        s = _mm_aesenc_si128(s, k[11]);
        s = _mm_aesenc_si128(s, k[12]);
        s = _mm_aesenc_si128(s, k[13]);
        chain = _mm_aesenclast_si128(s, k[14]);
        _mm_storeu_si128((__m128i *)out, chain);
    }
    _mm_storeu_si128((__m128i *)iv, chain);
}

/* ---- 6. GHASH with PCLMULQDQ (SP 800-38D §6.3, §6.4) ----------------------------
 *
 * A block loaded byte-reversed into a register is, as a 128-bit integer,
 * bytes 0..15 read big-endian: the coefficient of x^i at bit 127 - i.  That
 * is the representation ghash.c's constant-time multiplication uses, and
 * the same reduction applies (see gf128_mul_ct there): the carry-less
 * 256-bit product of two such numbers, shifted left by one bit, has the
 * low-degree half on top, and the high-degree half L folds back as
 * V + V>>1 + V>>2 + V>>7 (x^128 = x^7 + x^2 + x + 1), V being L plus the
 * bits of L.x, L.x^2, L.x^7 that fell off the end.
 *
 * Eight blocks are absorbed per reduction ("aggregated reduction"):
 *   Y' = (Y + X1).H^8 + X2.H^7 + ... + X7.H^2 + X8.H
 * is the same as eight Horner steps, and the eight 256-bit products are
 * added before the one reduction.  The key holds H, H^2, ..., H^8.  Where
 * the CPU has VPCLMULQDQ (the same instruction on a 256-bit register: two
 * products at once, one in each 128-bit half), the eight products take
 * four instructions of each kind instead of eight. */

/* The 256-bit carry-less product a . b as (hi, lo), Karatsuba: three
 * PCLMULQDQ instead of four. */
HW_CLMUL static inline void clmul256(__m128i a, __m128i b, __m128i *hi, __m128i *lo)
{
    __m128i l = _mm_clmulepi64_si128(a, b, 0x00);
    __m128i h = _mm_clmulepi64_si128(a, b, 0x11);
    __m128i am = _mm_xor_si128(a, _mm_unpackhi_epi64(a, a));
    __m128i bm = _mm_xor_si128(b, _mm_unpackhi_epi64(b, b));
    __m128i m = _mm_xor_si128(_mm_clmulepi64_si128(am, bm, 0x00), _mm_xor_si128(l, h));
    *lo = _mm_xor_si128(l, _mm_slli_si128(m, 8));
    *hi = _mm_xor_si128(h, _mm_srli_si128(m, 8));
}

/* v >> k as one 128-bit number (0 < k < 64): each 64-bit half shifted,
 * and the bits that leave the high half brought into the low one. */
#define shr128(v, k) \
    _mm_or_si128(_mm_srli_epi64((v), (k)), _mm_srli_si128(_mm_slli_epi64((v), 64 - (k)), 8))

/* (hi, lo) shifted left by one bit as 256 bits, then reduced: the field
 * element, in the byte-reversed form. */
HW_CLMUL static inline __m128i reduce256(__m128i hi, __m128i lo)
{
    /* 1. Shift left by one across all 256 bits. */
    __m128i hi_c = _mm_srli_epi64(hi, 63), lo_c = _mm_srli_epi64(lo, 63);
    hi = _mm_or_si128(_mm_slli_epi64(hi, 1), _mm_slli_si128(hi_c, 8));
    hi = _mm_or_si128(hi, _mm_srli_si128(lo_c, 8));
    lo = _mm_or_si128(_mm_slli_epi64(lo, 1), _mm_slli_si128(lo_c, 8));
    /* 2. V = L + (L << 127) + (L << 126) + (L << 121), as 128 bits: only the
     *    low word of L reaches the high word of V. */
    __m128i t = _mm_xor_si128(_mm_xor_si128(_mm_slli_epi64(lo, 63), _mm_slli_epi64(lo, 62)),
                              _mm_slli_epi64(lo, 57));
    __m128i v = _mm_xor_si128(lo, _mm_slli_si128(t, 8));
    /* 3. Z = top + V + V>>1 + V>>2 + V>>7 (128-bit shifts right). */
    __m128i z = _mm_xor_si128(hi, v);
    z = _mm_xor_si128(z, shr128(v, 1));
    z = _mm_xor_si128(z, shr128(v, 2));
    z = _mm_xor_si128(z, shr128(v, 7));
    return z;
}

HW_CLMUL static inline __m128i gmul(__m128i a, __m128i b)
{
    __m128i hi, lo;
    clmul256(a, b, &hi, &lo);
    return reduce256(hi, lo);
}

static const uint8_t rev_bytes[16] = {15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0};

HW_CLMUL static void hw_ghash_init(ghash_key *k, const uint8_t H[16])
{
    const __m128i rev = _mm_loadu_si128((const __m128i *)rev_bytes);
    __m128i h = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)H), rev);
    __m128i p = h;
    for (int i = 0; i < 8; i++) {
        _mm_storeu_si128((__m128i *)k->Hpow[i], p);      /* H^(i+1) */
        p = gmul(p, h);
    }
}

/* hi:lo += x . hp, the 256-bit carry-less product added in. */
HW_CLMUL static inline void clmul_acc(__m128i x, const uint8_t hp[16], __m128i *hi, __m128i *lo)
{
    __m128i h, l;
    clmul256(x, _mm_loadu_si128((const __m128i *)hp), &h, &l);
    *hi = _mm_xor_si128(*hi, h);
    *lo = _mm_xor_si128(*lo, l);
}

#define HW_VCLMUL __attribute__((target("vpclmulqdq,avx2,pclmul,sse4.1,ssse3")))

/* hi:lo += a . b in each 128-bit half (clmul256 on two pairs at once). */
HW_VCLMUL static inline void vclmul_acc(__m256i a, __m256i b, __m256i *hi, __m256i *lo)
{
    __m256i l = _mm256_clmulepi64_epi128(a, b, 0x00);
    __m256i h = _mm256_clmulepi64_epi128(a, b, 0x11);
    __m256i am = _mm256_xor_si256(a, _mm256_unpackhi_epi64(a, a));
    __m256i bm = _mm256_xor_si256(b, _mm256_unpackhi_epi64(b, b));
    __m256i m = _mm256_xor_si256(_mm256_clmulepi64_epi128(am, bm, 0x00), _mm256_xor_si256(l, h));
    *lo = _mm256_xor_si256(*lo, _mm256_xor_si256(l, _mm256_bslli_epi128(m, 8)));
    *hi = _mm256_xor_si256(*hi, _mm256_xor_si256(h, _mm256_bsrli_epi128(m, 8)));
}

/* The eight-block loop with VPCLMULQDQ over the whole groups of eight in
 * X[0..n) (n a multiple of 8); y in and out in the byte-reversed form.
 * Register j holds blocks 2j+1 and 2j+2, and hp[j] their powers H^(8-2j)
 * and H^(7-2j); the two halves of the sums are added before the reduction. */
HW_VCLMUL static __m128i ghash_vclmul(const ghash_key *k, __m128i y, const uint8_t *X, size_t n)
{
    const __m256i rev = _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)rev_bytes));
    __m256i hp[4];
    for (int j = 0; j < 4; j++)
        hp[j] = _mm256_inserti128_si256(
            _mm256_castsi128_si256(_mm_loadu_si128((const __m128i *)k->Hpow[7 - 2 * j])),
            _mm_loadu_si128((const __m128i *)k->Hpow[6 - 2 * j]), 1);
    for (; n >= 8; n -= 8, X += 128) {
        __m256i hi = _mm256_setzero_si256(), lo = _mm256_setzero_si256();
        __m256i yy = _mm256_inserti128_si256(_mm256_setzero_si256(), y, 0);
        for (int j = 0; j < 4; j++) {
            __m256i x = _mm256_shuffle_epi8(_mm256_loadu_si256((const __m256i *)(X + 32 * j)), rev);
            vclmul_acc(j == 0 ? _mm256_xor_si256(x, yy) : x, hp[j], &hi, &lo);
        }
        y = reduce256(_mm_xor_si128(_mm256_castsi256_si128(hi), _mm256_extracti128_si256(hi, 1)),
                      _mm_xor_si128(_mm256_castsi256_si128(lo), _mm256_extracti128_si256(lo, 1)));
    }
    return y;
}

HW_CLMUL static void hw_ghash_blocks(const ghash_key *k, uint8_t Y[16], const uint8_t *X,
                                     size_t n)
{
    const __m128i rev = _mm_loadu_si128((const __m128i *)rev_bytes);
    __m128i y = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)Y), rev);
    __m128i h1 = _mm_loadu_si128((const __m128i *)k->Hpow[0]);
    static int vpclmul;                 /* 0 unknown, 1 no, 2 yes */
    if (n >= 8 && ymm_feature_cached(&vpclmul, 10) == 2) {
        size_t whole = n - n % 8;
        y = ghash_vclmul(k, y, X, whole);
        X += 16 * whole;
        n -= whole;
    }
    /* Eight blocks a reduction: Y' = (Y + X1).H^8 + X2.H^7 + ... + X8.H. */
    for (; n >= 8; n -= 8, X += 128) {
        __m128i hi, lo;
        __m128i x1 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)X), rev);
        clmul256(_mm_xor_si128(y, x1), _mm_loadu_si128((const __m128i *)k->Hpow[7]), &hi, &lo);
        for (int j = 1; j < 8; j++) {
            __m128i x = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(X + 16 * j)), rev);
            clmul_acc(x, k->Hpow[7 - j], &hi, &lo);
        }
        y = reduce256(hi, lo);
    }
    for (; n > 0; n--, X += 16) {
        __m128i x = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)X), rev);
        y = gmul(_mm_xor_si128(y, x), h1);
    }
    _mm_storeu_si128((__m128i *)Y, _mm_shuffle_epi8(y, rev));
}

static int hw_available(void)
{
    return aes_cpu_has_aesni();
}

#define HW_SETUP hw_setup
#define HW_ENCRYPT hw_encrypt
#define HW_DECRYPT hw_decrypt
#define HW_CTR hw_ctr
#define HW_CBC hw_cbc_encrypt
#define HW_GINIT hw_ghash_init
#define HW_GBLOCKS hw_ghash_blocks

#else /* not x86-64: the entries exist and say they are not available */

/* See aes_internal.h. */
void aes_hw_use_ymm(int on)
{
    (void)on;
}

int aes_cpu_has_aesni(void)
{
    return 0;
}

static int hw_available(void)
{
    return 0;
}

#define HW_SETUP aes256_ct_expand_key
#define HW_ENCRYPT NULL
#define HW_DECRYPT NULL
#define HW_CTR NULL
#define HW_CBC NULL
#define HW_GINIT NULL
#define HW_GBLOCKS NULL

#endif

const aes_impl aes_impl_hw = {
    "hw", "AES-NI: one AESENC instruction per round; CT: yes", 1, "hw", hw_available,
    HW_SETUP, HW_ENCRYPT, HW_DECRYPT, HW_CTR, HW_CBC,
};

const ghash_impl ghash_impl_hw = {
    "hw", "PCLMULQDQ carry-less multiplication, 4 blocks per reduction; CT: yes", 1,
    hw_available, HW_GINIT, HW_GBLOCKS,
};
