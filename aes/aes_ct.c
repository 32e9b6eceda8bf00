/*
 * aes_ct.c — AES-256 in constant time: no table look-up and no branch ever
 * depends on the key or the data (FIPS 197, 2001; section numbers as in
 * that edition).
 *
 * Why another AES.  aes_ref.c looks SubBytes up in a 256-byte table and
 * aes_fast.c in four 1 KiB T-tables, at indices that are key XOR data.
 * Which cache lines a look-up touches is visible to anyone who shares the
 * cache and can time their own memory accesses: Bernstein (2005, "Cache-
 * timing attacks on AES") recovered a full AES key from a remote server
 * just by timing its responses over many known plaintexts, and Osvik,
 * Shamir and Tromer (2006, "Cache attacks and countermeasures: the case of
 * AES") did it from another process on the same machine in milliseconds
 * ("prime+probe": fill the cache, let the victim encrypt, see which of
 * your lines were evicted).  In the first round the index is
 * in[i] XOR key[i], so learning which 64-byte line of the table was read
 * reveals the top bits of every key byte; later rounds give the rest.
 *
 * The defence here: compute SubBytes instead of looking it up.  FIPS 197
 * §5.1.1 defines the S-box as two steps, and both are arithmetic:
 *
 *   1. b = a^-1 in GF(2^8) (with 0 mapped to 0).  Since the multiplicative
 *      group has 255 elements, a^255 = 1, so a^-1 = a^254 — and 0^254 = 0
 *      for free.  a^254 is reached by a fixed chain (the same for every
 *      a) of four multiplications and three powers a^2, a^4, a^16; each
 *      multiplication is the shift-and-add of §4.2 with the "add if this
 *      bit is set" done by a mask (0x00 or 0xff) instead of an if, and
 *      the powers are linear maps done the same way (gf_pow2k8).
 *   2. the affine transformation of §5.1.1 (equation 5.1):
 *          b'_i = b_i + b_(i+4) + b_(i+5) + b_(i+6) + b_(i+7) + c_i,  c = {63}
 *      which is b XOR four rotations of b XOR 0x63.
 *
 * InvSubBytes (§5.3.2) undoes them in the other order: the inverse affine
 * map b_i = b'_(i+2) + b'_(i+5) + b'_(i+7) + d_i (d = {05}), then a^254.
 *
 * Eight bytes at a time.  SubBytes treats every byte on its own, so the
 * arithmetic is written on a uint64_t holding eight independent bytes
 * ("lanes"): a shift left by one with the top bit of each byte masked off
 * first is xtime on all eight at once.  The state's 16 bytes are two such
 * words.  Nothing else changes: read gf_mul8 as gf_mul on one byte.
 *
 * ShiftRows, MixColumns (with xtime as a masked shift), AddRoundKey and
 * KeyExpansion (§5.2, its SubWord through the same computed S-box) touch
 * only fixed positions.  Loops run a fixed number of times; the only
 * branches are on public values (the round number, i mod Nk).
 *
 * Read in this order:
 *   1. the lanes: xtime8, gf_mul8 (§4.2, §4.2.1), gf_pow2k8 (squarings),
 *      gf_inv8 (a^254);
 *   2. the affine maps and sub_bytes8 / inv_sub_bytes8 (§5.1.1, §5.3.2);
 *   3. KeyExpansion (§5.2) and the dw schedule (§5.3.5): aes256_ct_expand_key;
 *   4. the round transformations on state[4][4] and Cipher (§5.1);
 *   5. the inverse transformations and InvCipher (§5.3).
 *
 * CT: yes — no secret-dependent memory index or branch, in the cipher and
 * in aes256_ct_expand_key (assuming, as everywhere, that shifts, AND, XOR and
 * 64-bit arithmetic take the same time for every operand).
 * Cost: each SubBytes is, twice (eight lanes each), four multiplications
 * and three linear powers of eight masked steps: about 40 times slower than
 * aes_fast.c (measured 4.7 MB/s against 180 MB/s in CTR; see
 * `glass speed aes-256-ctr aes-256-ctr-ct`).
 * Hardware AES (AES-NI) or a bitsliced circuit (Boyar and Peralta's 113-
 * gate S-box, as BearSSL's aes_ct) is how production code gets both.
 */
#include "aes/aes.h"
#include "aes/aes_internal.h"

#include <string.h>

#define Nb 4                    /* columns in the state (§2.2) */
#define Nk 8                    /* 32-bit words in a 256-bit key */
#define Nr AES256_ROUNDS        /* 14 rounds for Nk = 8 (§5, Figure 4) */

/* ---- 1. GF(2^8) on eight bytes at once (§4.2) ------------------------------ */

#define LANES_BIT0 0x0101010101010101ull    /* bit 0 of every byte */
#define LANES_BIT7 0x8080808080808080ull    /* bit 7 of every byte */

/* A byte value repeated in all eight lanes. */
static inline uint64_t lanes(uint8_t v)
{
    return LANES_BIT0 * v;
}

/* xtime (§4.2.1) in every lane: shift left one bit and, where bit 7 fell
 * off, XOR {1b}.  The {1b} is added under a mask, never under an if. */
static inline uint64_t xtime8(uint64_t a)
{
    uint64_t carry = (a >> 7) & LANES_BIT0;           /* 1 in each lane whose b7 was set */
    uint64_t shifted = (a & ~LANES_BIT7) << 1;        /* no bit crosses into the next lane */
    uint64_t reduce = carry * 0x1b;                   /* {1b} in those lanes, 0 elsewhere */
    return shifted ^ reduce;
}

/* a . b in every lane (§4.2): for each bit i of b, add a . x^i when the bit
 * is set.  The bit becomes a mask, 0x00 or 0xff per lane: (bit << 8) - bit. */
static inline uint64_t gf_mul8(uint64_t a, uint64_t b)
{
    uint64_t p = 0;
    for (int i = 0; i < 8; i++) {
        uint64_t bit = (b >> i) & LANES_BIT0;
        uint64_t mask = (bit << 8) - bit;
        p ^= a & mask;
        a = xtime8(a);
    }
    return p;
}

/* Raising to the power 2, 4 or 16 is LINEAR over GF(2): (a + b)^2 =
 * a^2 + b^2 in characteristic 2.  So a^(2^k) is the XOR of (x^i)^(2^k)
 * over the bits i set in a — eight public constants per k, each worked out
 * once (by repeated xtime) and written down here:
 *     (x^i)^2   for i = 0..7: 01 04 10 40 1b 6c ab 9a
 *     (x^i)^4   for i = 0..7: 01 10 1b ab 5e 97 b3 c5
 *     (x^i)^16  for i = 0..7: 01 5e e4 e8 4d 91 1d 6c
 * A power this way costs 8 masked XORs instead of a full multiplication. */
static const uint8_t POW2[8] = {0x01, 0x04, 0x10, 0x40, 0x1b, 0x6c, 0xab, 0x9a};
static const uint8_t POW4[8] = {0x01, 0x10, 0x1b, 0xab, 0x5e, 0x97, 0xb3, 0xc5};
static const uint8_t POW16[8] = {0x01, 0x5e, 0xe4, 0xe8, 0x4d, 0x91, 0x1d, 0x6c};

/* a^(2^k) in every lane, given the images img[i] = (x^i)^(2^k).  img is
 * read at the loop counter i, never at a secret index. */
static inline uint64_t gf_pow2k8(uint64_t a, const uint8_t img[8])
{
    uint64_t p = 0;
    for (int i = 0; i < 8; i++) {
        uint64_t bit = (a >> i) & LANES_BIT0;
        uint64_t mask = (bit << 8) - bit;
        p ^= lanes(img[i]) & mask;
    }
    return p;
}

/* a^-1 = a^254 in every lane (0 stays 0).  254 = 11111110 in binary; the
 * chain: a^2, a^3 = a^2 . a, a^12 = (a^3)^4, a^15 = a^12 . a^3,
 * a^240 = (a^15)^16, a^252 = a^240 . a^12, a^254 = a^252 . a^2.
 * Four multiplications and three linear powers, always the same ones. */
static inline uint64_t gf_inv8(uint64_t a)
{
    uint64_t a2 = gf_pow2k8(a, POW2);
    uint64_t a3 = gf_mul8(a2, a);
    uint64_t a12 = gf_pow2k8(a3, POW4);
    uint64_t a15 = gf_mul8(a12, a3);
    uint64_t a240 = gf_pow2k8(a15, POW16);
    uint64_t a252 = gf_mul8(a240, a12);
    return gf_mul8(a252, a2);
}

/* ---- 2. the S-box as arithmetic (§5.1.1, §5.3.2) --------------------------- */

/* Rotate every byte left by n (1..7) bits, each within its own lane. */
static inline uint64_t rotl8(uint64_t x, int n)
{
    uint64_t up = (x << n) & lanes((uint8_t)(0xff << n));
    uint64_t down = (x >> (8 - n)) & lanes((uint8_t)(0xff >> (8 - n)));
    return up | down;
}

/* Equation (5.1): b'_i = b_i + b_(i+4) + b_(i+5) + b_(i+6) + b_(i+7) + c_i.
 * Bit i of rotl8(b, k) is b_(i-k) = b_(i+8-k), so k = 4, 3, 2, 1 give the
 * four terms. */
static inline uint64_t affine8(uint64_t b)
{
    return b ^ rotl8(b, 1) ^ rotl8(b, 2) ^ rotl8(b, 3) ^ rotl8(b, 4) ^ lanes(0x63);
}

/* The inverse map (§5.3.2): b_i = b'_(i+2) + b'_(i+5) + b'_(i+7) + d_i,
 * d = {05}; rotations by 6, 3 and 1. */
static inline uint64_t inv_affine8(uint64_t b)
{
    return rotl8(b, 1) ^ rotl8(b, 3) ^ rotl8(b, 6) ^ lanes(0x05);
}

/* S-box(a) = affine(a^-1), and its inverse, in every lane. */
static inline uint64_t sub_bytes8(uint64_t a)
{
    return affine8(gf_inv8(a));
}

static inline uint64_t inv_sub_bytes8(uint64_t a)
{
    return gf_inv8(inv_affine8(a));
}

/* ---- 3. KeyExpansion (§5.2) and dw (§5.3.5) -------------------------------- */

/* A word is [a0, a1, a2, a3] with a0 in the top byte, as in aes_ref.c. */
static inline uint8_t byte_of(uint32_t w, int i)
{
    return (uint8_t)(w >> (24 - 8 * i));
}

static inline uint32_t word(uint8_t a0, uint8_t a1, uint8_t a2, uint8_t a3)
{
    return ((uint32_t)a0 << 24) | ((uint32_t)a1 << 16) | ((uint32_t)a2 << 8) | (uint32_t)a3;
}

/* RotWord([a0,a1,a2,a3]) = [a1,a2,a3,a0]. */
static inline uint32_t RotWord(uint32_t w)
{
    return (w << 8) | (w >> 24);
}

/* SubWord: the computed S-box on the four bytes (in the low four lanes). */
static inline uint32_t SubWord(uint32_t w)
{
    return (uint32_t)sub_bytes8((uint64_t)w);
}

/* xtime on one byte: the same masked shift as xtime8. */
static inline uint8_t xtime(uint8_t a)
{
    uint8_t carry = (uint8_t)(a >> 7);
    return (uint8_t)((a << 1) ^ (carry * 0x1b));
}

/* InvMixColumns (§5.3.3) on one column: with a2 = {02}a, a4 = {04}a,
 * a8 = {08}a, {09}a = a8^a, {0b}a = a8^a2^a, {0d}a = a8^a4^a,
 * {0e}a = a8^a4^a2 — only xtime, so no branch on the byte. */
static inline uint8_t mul09(uint8_t a)
{
    return (uint8_t)(xtime(xtime(xtime(a))) ^ a);
}

static inline uint8_t mul0b(uint8_t a)
{
    return (uint8_t)(xtime(xtime(xtime(a))) ^ xtime(a) ^ a);
}

static inline uint8_t mul0d(uint8_t a)
{
    return (uint8_t)(xtime(xtime(xtime(a))) ^ xtime(xtime(a)) ^ a);
}

static inline uint8_t mul0e(uint8_t a)
{
    return (uint8_t)(xtime(xtime(xtime(a))) ^ xtime(xtime(a)) ^ xtime(a));
}

static uint32_t inv_mix_word(uint32_t col)
{
    uint8_t s0 = byte_of(col, 0), s1 = byte_of(col, 1);
    uint8_t s2 = byte_of(col, 2), s3 = byte_of(col, 3);
    return word((uint8_t)(mul0e(s0) ^ mul0b(s1) ^ mul0d(s2) ^ mul09(s3)),
                (uint8_t)(mul09(s0) ^ mul0e(s1) ^ mul0b(s2) ^ mul0d(s3)),
                (uint8_t)(mul0d(s0) ^ mul09(s1) ^ mul0e(s2) ^ mul0b(s3)),
                (uint8_t)(mul0b(s0) ^ mul0d(s1) ^ mul09(s2) ^ mul0e(s3)));
}

/* Rcon[i/Nk] = [x^(i/Nk - 1), 0, 0, 0]: public constants. */
static const uint32_t Rcon[8] = {
    0x00000000, 0x01000000, 0x02000000, 0x04000000,
    0x08000000, 0x10000000, 0x20000000, 0x40000000,
};

/* See aes_internal.h.  FIPS 197 §5.2 (Figure 11) for w, §5.3.5 for dw. */
void aes256_ct_expand_key(aes256_ctx *ctx, const uint8_t key[AES256_KEY_LEN])
{
    uint32_t *w = ctx->w;
    uint32_t temp;
    /* 1. The first Nk words are the key itself. */
    for (int i = 0; i < Nk; i++)
        w[i] = word(key[4 * i], key[4 * i + 1], key[4 * i + 2], key[4 * i + 3]);
    /* 2. w[i] = w[i-Nk] XOR temp; the branches are on i, which is public. */
    for (int i = Nk; i < Nb * (Nr + 1); i++) {
        temp = w[i - 1];
        if (i % Nk == 0)
            temp = SubWord(RotWord(temp)) ^ Rcon[i / Nk];
        else if (i % Nk == 4)
            temp = SubWord(temp);
        w[i] = w[i - Nk] ^ temp;
    }
    /* 3. dw for aes_fast.c's equivalent inverse cipher (§5.3.5), so the
     *    context serves every implementation. */
    for (int i = 0; i < Nb * (Nr + 1); i++)
        ctx->dw[i] = w[i];
    for (int i = Nb; i < Nr * Nb; i++)
        ctx->dw[i] = inv_mix_word(ctx->dw[i]);
    glass_wipe(&temp, sizeof temp);
}

/* ---- 4. the round transformations and Cipher (§5.1) ------------------------ */

/* SubBytes (§5.1.1): the 16 bytes of the state as two words of eight lanes
 * (SubBytes treats each byte alone, so their order in the lanes does not
 * matter). */
static inline void SubBytes(uint8_t state[4][4])
{
    uint64_t half[2];
    memcpy(half, state, 16);
    half[0] = sub_bytes8(half[0]);
    half[1] = sub_bytes8(half[1]);
    memcpy(state, half, 16);
}

static inline void InvSubBytes(uint8_t state[4][4])
{
    uint64_t half[2];
    memcpy(half, state, 16);
    half[0] = inv_sub_bytes8(half[0]);
    half[1] = inv_sub_bytes8(half[1]);
    memcpy(state, half, 16);
}

/* ShiftRows (§5.1.2): s'[r][c] = s[r][(c + r) mod 4]. */
static inline void ShiftRows(uint8_t state[4][4])
{
    uint8_t row[4];
    for (int r = 1; r < 4; r++) {
        for (int c = 0; c < 4; c++)
            row[c] = state[r][(c + r) % Nb];
        memcpy(state[r], row, 4);
    }
}

/* InvShiftRows (§5.3.1): s'[r][(c + r) mod 4] = s[r][c]. */
static inline void InvShiftRows(uint8_t state[4][4])
{
    uint8_t row[4];
    for (int r = 1; r < 4; r++) {
        for (int c = 0; c < 4; c++)
            row[(c + r) % Nb] = state[r][c];
        memcpy(state[r], row, 4);
    }
}

/* MixColumns (§5.1.3), equation (5.6), with {03}a = {02}a ^ a. */
static inline void MixColumns(uint8_t state[4][4])
{
    for (int c = 0; c < Nb; c++) {
        uint8_t s0 = state[0][c], s1 = state[1][c], s2 = state[2][c], s3 = state[3][c];
        state[0][c] = (uint8_t)(xtime(s0) ^ (xtime(s1) ^ s1) ^ s2 ^ s3);
        state[1][c] = (uint8_t)(s0 ^ xtime(s1) ^ (xtime(s2) ^ s2) ^ s3);
        state[2][c] = (uint8_t)(s0 ^ s1 ^ xtime(s2) ^ (xtime(s3) ^ s3));
        state[3][c] = (uint8_t)((xtime(s0) ^ s0) ^ s1 ^ s2 ^ xtime(s3));
    }
}

/* InvMixColumns (§5.3.3), equation (5.10). */
static inline void InvMixColumns(uint8_t state[4][4])
{
    for (int c = 0; c < Nb; c++) {
        uint32_t col = word(state[0][c], state[1][c], state[2][c], state[3][c]);
        col = inv_mix_word(col);
        for (int r = 0; r < 4; r++)
            state[r][c] = byte_of(col, r);
    }
}

/* AddRoundKey (§5.1.4): column c XOR w[round*Nb + c]. */
static inline void AddRoundKey(uint8_t state[4][4], const uint32_t *w, int round)
{
    for (int c = 0; c < Nb; c++)
        for (int r = 0; r < 4; r++)
            state[r][c] ^= byte_of(w[round * Nb + c], r);
}

/* See aes_internal.h.  Cipher, FIPS 197 §5.1 Figure 5. */
void aes256_ct_encrypt_block(const aes256_ctx *ctx, const uint8_t in[AES_BLOCK_LEN],
                             uint8_t out[AES_BLOCK_LEN])
{
    uint8_t state[4][4];
    /* 1. state = in, read down the columns (§3.4). */
    for (int i = 0; i < 16; i++)
        state[i % 4][i / 4] = in[i];
    /* 2. AddRoundKey(state, w[0, Nb-1]). */
    AddRoundKey(state, ctx->w, 0);
    /* 3. Rounds 1 .. Nr-1. */
    for (int round = 1; round < Nr; round++) {
        SubBytes(state);
        ShiftRows(state);
        MixColumns(state);
        AddRoundKey(state, ctx->w, round);
    }
    /* 4. The last round has no MixColumns. */
    SubBytes(state);
    ShiftRows(state);
    AddRoundKey(state, ctx->w, Nr);
    /* 5. out = state. */
    for (int i = 0; i < 16; i++)
        out[i] = state[i % 4][i / 4];
    glass_wipe(state, sizeof state);
}

/* ---- 5. InvCipher (§5.3) ---------------------------------------------------- */

/* See aes_internal.h.  InvCipher, FIPS 197 §5.3 Figure 12 (with w, not dw). */
void aes256_ct_decrypt_block(const aes256_ctx *ctx, const uint8_t in[AES_BLOCK_LEN],
                             uint8_t out[AES_BLOCK_LEN])
{
    uint8_t state[4][4];
    /* 1. state = in. */
    for (int i = 0; i < 16; i++)
        state[i % 4][i / 4] = in[i];
    /* 2. AddRoundKey(state, w[Nr*Nb, (Nr+1)*Nb-1]). */
    AddRoundKey(state, ctx->w, Nr);
    /* 3. Rounds Nr-1 down to 1. */
    for (int round = Nr - 1; round >= 1; round--) {
        InvShiftRows(state);
        InvSubBytes(state);
        AddRoundKey(state, ctx->w, round);
        InvMixColumns(state);
    }
    /* 4. The last round. */
    InvShiftRows(state);
    InvSubBytes(state);
    AddRoundKey(state, ctx->w, 0);
    /* 5. out = state. */
    for (int i = 0; i < 16; i++)
        out[i] = state[i % 4][i / 4];
    glass_wipe(state, sizeof state);
}
