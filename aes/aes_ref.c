/*
 * aes_ref.c — AES-256, the reference cipher, written the way FIPS 197 writes
 * it (FIPS 197, 2001; section numbers as in that edition).
 *
 * Read in this order:
 *   1. the S-box (FIPS 197 §5.1.1, Figure 7) and its inverse (Figure 14);
 *   2. xtime and multiplication in GF(2^8) (§4.2, §4.2.1);
 *   3. KeyExpansion with RotWord, SubWord and Rcon (§5.2, Figure 11), which
 *      aes256_ref_expand_key() runs, and the equivalent inverse-cipher schedule dw
 *      (§5.3.5) that the fast decryption in aes_fast.c needs;
 *   4. the four round transformations on state[4][4]: SubBytes (§5.1.1),
 *      ShiftRows (§5.1.2), MixColumns (§5.1.3), AddRoundKey (§5.1.4);
 *   5. Cipher (§5.1, Figure 5);
 *   6. the inverse transformations (§5.3.1-§5.3.4) and InvCipher (§5.3,
 *      Figure 12).
 *
 * The state is state[r][c] with r the row and c the column, filled from the
 * input as s[r][c] = in[r + 4c] (§3.4): a block is read down the columns.
 * Every transformation is a static inline function with one statement per
 * line, so it can be stepped through in gdb and compared with the standard.
 *
 * Tracing: when the context carries a tracer (aes256_set_trace), the cipher
 * reports the state after every step, named as in FIPS 197 Appendix C.3
 * ("round[ 1].s_box"), so a run can be laid beside the appendix line by line.
 *
 * CT: no — SubBytes looks up the S-box at indices that depend on the key and
 * the data, and those look-ups go through the cache (see aes.h).
 */
#include "aes/aes.h"
#include "aes/aes_internal.h"

#include <stdio.h>
#include <string.h>

#define Nb 4                    /* columns in the state (§2.2) */
#define Nk 8                    /* 32-bit words in a 256-bit key */
#define Nr AES256_ROUNDS        /* 14 rounds for Nk = 8 (§5, Figure 4) */

/* ---- 1. the S-box and its inverse (§5.1.1 Figure 7, §5.3.2 Figure 14) ---- */

/* aes_sbox[x] = the affine transformation (§5.1.1) of the
 * multiplicative inverse of x in GF(2^8), 0 mapping to 0 before the affine
 * step.  The table is the one printed as Figure 7.  aes_fast.c uses these
 * two tables too (declared in aes_internal.h). */
const uint8_t aes_sbox[256] = {
    0x63, 0x7c, 0x77, 0x7b, 0xf2, 0x6b, 0x6f, 0xc5, 0x30, 0x01, 0x67, 0x2b, 0xfe, 0xd7, 0xab, 0x76,
    0xca, 0x82, 0xc9, 0x7d, 0xfa, 0x59, 0x47, 0xf0, 0xad, 0xd4, 0xa2, 0xaf, 0x9c, 0xa4, 0x72, 0xc0,
    0xb7, 0xfd, 0x93, 0x26, 0x36, 0x3f, 0xf7, 0xcc, 0x34, 0xa5, 0xe5, 0xf1, 0x71, 0xd8, 0x31, 0x15,
    0x04, 0xc7, 0x23, 0xc3, 0x18, 0x96, 0x05, 0x9a, 0x07, 0x12, 0x80, 0xe2, 0xeb, 0x27, 0xb2, 0x75,
    0x09, 0x83, 0x2c, 0x1a, 0x1b, 0x6e, 0x5a, 0xa0, 0x52, 0x3b, 0xd6, 0xb3, 0x29, 0xe3, 0x2f, 0x84,
    0x53, 0xd1, 0x00, 0xed, 0x20, 0xfc, 0xb1, 0x5b, 0x6a, 0xcb, 0xbe, 0x39, 0x4a, 0x4c, 0x58, 0xcf,
    0xd0, 0xef, 0xaa, 0xfb, 0x43, 0x4d, 0x33, 0x85, 0x45, 0xf9, 0x02, 0x7f, 0x50, 0x3c, 0x9f, 0xa8,
    0x51, 0xa3, 0x40, 0x8f, 0x92, 0x9d, 0x38, 0xf5, 0xbc, 0xb6, 0xda, 0x21, 0x10, 0xff, 0xf3, 0xd2,
    0xcd, 0x0c, 0x13, 0xec, 0x5f, 0x97, 0x44, 0x17, 0xc4, 0xa7, 0x7e, 0x3d, 0x64, 0x5d, 0x19, 0x73,
    0x60, 0x81, 0x4f, 0xdc, 0x22, 0x2a, 0x90, 0x88, 0x46, 0xee, 0xb8, 0x14, 0xde, 0x5e, 0x0b, 0xdb,
    0xe0, 0x32, 0x3a, 0x0a, 0x49, 0x06, 0x24, 0x5c, 0xc2, 0xd3, 0xac, 0x62, 0x91, 0x95, 0xe4, 0x79,
    0xe7, 0xc8, 0x37, 0x6d, 0x8d, 0xd5, 0x4e, 0xa9, 0x6c, 0x56, 0xf4, 0xea, 0x65, 0x7a, 0xae, 0x08,
    0xba, 0x78, 0x25, 0x2e, 0x1c, 0xa6, 0xb4, 0xc6, 0xe8, 0xdd, 0x74, 0x1f, 0x4b, 0xbd, 0x8b, 0x8a,
    0x70, 0x3e, 0xb5, 0x66, 0x48, 0x03, 0xf6, 0x0e, 0x61, 0x35, 0x57, 0xb9, 0x86, 0xc1, 0x1d, 0x9e,
    0xe1, 0xf8, 0x98, 0x11, 0x69, 0xd9, 0x8e, 0x94, 0x9b, 0x1e, 0x87, 0xe9, 0xce, 0x55, 0x28, 0xdf,
    0x8c, 0xa1, 0x89, 0x0d, 0xbf, 0xe6, 0x42, 0x68, 0x41, 0x99, 0x2d, 0x0f, 0xb0, 0x54, 0xbb, 0x16,
};

const uint8_t aes_inv_sbox[256] = {
    0x52, 0x09, 0x6a, 0xd5, 0x30, 0x36, 0xa5, 0x38, 0xbf, 0x40, 0xa3, 0x9e, 0x81, 0xf3, 0xd7, 0xfb,
    0x7c, 0xe3, 0x39, 0x82, 0x9b, 0x2f, 0xff, 0x87, 0x34, 0x8e, 0x43, 0x44, 0xc4, 0xde, 0xe9, 0xcb,
    0x54, 0x7b, 0x94, 0x32, 0xa6, 0xc2, 0x23, 0x3d, 0xee, 0x4c, 0x95, 0x0b, 0x42, 0xfa, 0xc3, 0x4e,
    0x08, 0x2e, 0xa1, 0x66, 0x28, 0xd9, 0x24, 0xb2, 0x76, 0x5b, 0xa2, 0x49, 0x6d, 0x8b, 0xd1, 0x25,
    0x72, 0xf8, 0xf6, 0x64, 0x86, 0x68, 0x98, 0x16, 0xd4, 0xa4, 0x5c, 0xcc, 0x5d, 0x65, 0xb6, 0x92,
    0x6c, 0x70, 0x48, 0x50, 0xfd, 0xed, 0xb9, 0xda, 0x5e, 0x15, 0x46, 0x57, 0xa7, 0x8d, 0x9d, 0x84,
    0x90, 0xd8, 0xab, 0x00, 0x8c, 0xbc, 0xd3, 0x0a, 0xf7, 0xe4, 0x58, 0x05, 0xb8, 0xb3, 0x45, 0x06,
    0xd0, 0x2c, 0x1e, 0x8f, 0xca, 0x3f, 0x0f, 0x02, 0xc1, 0xaf, 0xbd, 0x03, 0x01, 0x13, 0x8a, 0x6b,
    0x3a, 0x91, 0x11, 0x41, 0x4f, 0x67, 0xdc, 0xea, 0x97, 0xf2, 0xcf, 0xce, 0xf0, 0xb4, 0xe6, 0x73,
    0x96, 0xac, 0x74, 0x22, 0xe7, 0xad, 0x35, 0x85, 0xe2, 0xf9, 0x37, 0xe8, 0x1c, 0x75, 0xdf, 0x6e,
    0x47, 0xf1, 0x1a, 0x71, 0x1d, 0x29, 0xc5, 0x89, 0x6f, 0xb7, 0x62, 0x0e, 0xaa, 0x18, 0xbe, 0x1b,
    0xfc, 0x56, 0x3e, 0x4b, 0xc6, 0xd2, 0x79, 0x20, 0x9a, 0xdb, 0xc0, 0xfe, 0x78, 0xcd, 0x5a, 0xf4,
    0x1f, 0xdd, 0xa8, 0x33, 0x88, 0x07, 0xc7, 0x31, 0xb1, 0x12, 0x10, 0x59, 0x27, 0x80, 0xec, 0x5f,
    0x60, 0x51, 0x7f, 0xa9, 0x19, 0xb5, 0x4a, 0x0d, 0x2d, 0xe5, 0x7a, 0x9f, 0x93, 0xc9, 0x9c, 0xef,
    0xa0, 0xe0, 0x3b, 0x4d, 0xae, 0x2a, 0xf5, 0xb0, 0xc8, 0xeb, 0xbb, 0x3c, 0x83, 0x53, 0x99, 0x61,
    0x17, 0x2b, 0x04, 0x7e, 0xba, 0x77, 0xd6, 0x26, 0xe1, 0x69, 0x14, 0x63, 0x55, 0x21, 0x0c, 0x7d,
};

/* ---- 2. arithmetic in GF(2^8) (§4.2) ------------------------------------ */

/* xtime (§4.2.1): multiplication by x, i.e. {02}.  Shift left one bit and,
 * if a bit fell off the top, reduce by the AES polynomial
 * m(x) = x^8 + x^4 + x^3 + x + 1, i.e. XOR with {1b}. */
static inline uint8_t xtime(uint8_t b)
{
    uint8_t shifted = (uint8_t)(b << 1);
    uint8_t reduce = (uint8_t)((b >> 7) * 0x1b);
    return (uint8_t)(shifted ^ reduce);
}

/* a . b in GF(2^8) by repeated xtime (§4.2.1: "multiplication by higher
 * powers of x can be implemented by repeated application of xtime()"). */
static inline uint8_t gmul(uint8_t a, uint8_t b)
{
    uint8_t product = 0;
    for (int bit = 0; bit < 8; bit++) {
        if (b & 1)
            product ^= a;
        a = xtime(a);
        b >>= 1;
    }
    return product;
}

/* ---- 3. KeyExpansion (§5.2) ----------------------------------------------- */

/* A word is four bytes [a0, a1, a2, a3]; we keep a0 in the top byte, so the
 * word prints in the same order as the standard writes it. */
static inline uint32_t word(uint8_t a0, uint8_t a1, uint8_t a2, uint8_t a3)
{
    return ((uint32_t)a0 << 24) | ((uint32_t)a1 << 16) | ((uint32_t)a2 << 8) | (uint32_t)a3;
}

static inline uint8_t byte_of(uint32_t w, int i)
{
    return (uint8_t)(w >> (24 - 8 * i));
}

/* RotWord([a0,a1,a2,a3]) = [a1,a2,a3,a0] (§5.2). */
static inline uint32_t RotWord(uint32_t w)
{
    return (w << 8) | (w >> 24);
}

/* SubWord: the S-box applied to each of the four bytes (§5.2). */
static inline uint32_t SubWord(uint32_t w)
{
    return word(aes_sbox[byte_of(w, 0)], aes_sbox[byte_of(w, 1)], aes_sbox[byte_of(w, 2)],
                aes_sbox[byte_of(w, 3)]);
}

/* Rcon[i] = [x^(i-1), {00}, {00}, {00}] (§5.2); AES-256 uses i = 1..7. */
static const uint32_t Rcon[11] = {
    0x00000000, 0x01000000, 0x02000000, 0x04000000, 0x08000000, 0x10000000,
    0x20000000, 0x40000000, 0x80000000, 0x1b000000, 0x36000000,
};

/* KeyExpansion(key, w), Figure 11, for Nk = 8. */
static void KeyExpansion(const uint8_t key[4 * Nk], uint32_t w[Nb * (Nr + 1)])
{
    uint32_t temp;
    /* 1. The first Nk words are the key itself. */
    for (int i = 0; i < Nk; i++)
        w[i] = word(key[4 * i], key[4 * i + 1], key[4 * i + 2], key[4 * i + 3]);
    /* 2. Each later word is the word Nk positions back XOR a function of the
     *    word just before it. */
    for (int i = Nk; i < Nb * (Nr + 1); i++) {
        temp = w[i - 1];
        if (i % Nk == 0)
            temp = SubWord(RotWord(temp)) ^ Rcon[i / Nk];
        else if (Nk > 6 && i % Nk == 4)
            temp = SubWord(temp);   /* the extra step for 256-bit keys */
        w[i] = w[i - Nk] ^ temp;
    }
}

/* InvMixColumns (§5.3.3) applied to one column held as a word. */
static uint32_t inv_mix_word(uint32_t col)
{
    uint8_t s0 = byte_of(col, 0), s1 = byte_of(col, 1);
    uint8_t s2 = byte_of(col, 2), s3 = byte_of(col, 3);
    return word((uint8_t)(gmul(s0, 0x0e) ^ gmul(s1, 0x0b) ^ gmul(s2, 0x0d) ^ gmul(s3, 0x09)),
                (uint8_t)(gmul(s0, 0x09) ^ gmul(s1, 0x0e) ^ gmul(s2, 0x0b) ^ gmul(s3, 0x0d)),
                (uint8_t)(gmul(s0, 0x0d) ^ gmul(s1, 0x09) ^ gmul(s2, 0x0e) ^ gmul(s3, 0x0b)),
                (uint8_t)(gmul(s0, 0x0b) ^ gmul(s1, 0x0d) ^ gmul(s2, 0x09) ^ gmul(s3, 0x0e)));
}

/* See aes_internal.h.  FIPS 197 §5.2, and §5.3.5 for dw. */
void aes256_ref_expand_key(aes256_ctx *ctx, const uint8_t key[AES256_KEY_LEN])
{
    KeyExpansion(key, ctx->w);
    /* The equivalent inverse cipher (§5.3.5) runs InvMixColumns before
     * AddRoundKey, so the round keys of rounds 1..Nr-1 are passed through
     * InvMixColumns once here: dw[i] = w[i], then InvMixColumns on
     * dw[Nb .. Nr*Nb - 1]. */
    for (int i = 0; i < Nb * (Nr + 1); i++)
        ctx->dw[i] = ctx->w[i];
    for (int i = Nb; i < Nr * Nb; i++)
        ctx->dw[i] = inv_mix_word(ctx->dw[i]);
}

/* ---- trace helpers ------------------------------------------------------ */

/* Reports the state (read down the columns, as the appendix prints it) under
 * the name "round[NN].step". */
static void trace_state(const aes256_ctx *ctx, int round, const char *step,
                        const char *explain, uint8_t state[4][Nb])
{
    if (ctx->trace == NULL)
        return;
    char name[32];
    uint8_t bytes[16];
    for (int c = 0; c < Nb; c++)
        for (int r = 0; r < 4; r++)
            bytes[r + 4 * c] = state[r][c];
    snprintf(name, sizeof name, "round[%2d].%s", round, step);
    glass_trace(ctx->trace, name, explain, bytes, sizeof bytes);
    glass_wipe(bytes, sizeof bytes);
}

/* Reports the four words of the round key w[4*round .. 4*round+3]. */
static void trace_key(const aes256_ctx *ctx, int round, const char *step, const uint32_t *w)
{
    if (ctx->trace == NULL)
        return;
    char name[32];
    uint8_t bytes[16];
    for (int c = 0; c < Nb; c++)
        for (int i = 0; i < 4; i++)
            bytes[4 * c + i] = byte_of(w[c], i);
    snprintf(name, sizeof name, "round[%2d].%s", round, step);
    glass_trace(ctx->trace, name, "round key from the key schedule (FIPS 197 §5.2)", bytes,
                sizeof bytes);
    glass_wipe(bytes, sizeof bytes);
}

/* ---- 4. the round transformations (§5.1.1-§5.1.4) ------------------------ */

/* SubBytes (§5.1.1): every byte through the S-box. */
static inline void SubBytes(uint8_t state[4][Nb])
{
    for (int r = 0; r < 4; r++)
        for (int c = 0; c < Nb; c++)
            state[r][c] = aes_sbox[state[r][c]];
}

/* ShiftRows (§5.1.2): row r rotates left by r places,
 * s'[r][c] = s[r][(c + r) mod 4]. */
static inline void ShiftRows(uint8_t state[4][Nb])
{
    uint8_t row[Nb];
    for (int r = 1; r < 4; r++) {
        for (int c = 0; c < Nb; c++)
            row[c] = state[r][(c + r) % Nb];
        for (int c = 0; c < Nb; c++)
            state[r][c] = row[c];
    }
}

/* MixColumns (§5.1.3): each column times the fixed polynomial
 * a(x) = {03}x^3 + {01}x^2 + {01}x + {02}, written out:
 *   s'0 = {02}s0 ^ {03}s1 ^ s2 ^ s3      s'2 = s0 ^ s1 ^ {02}s2 ^ {03}s3
 *   s'1 = s0 ^ {02}s1 ^ {03}s2 ^ s3      s'3 = {03}s0 ^ s1 ^ s2 ^ {02}s3
 * with {02}s = xtime(s) and {03}s = xtime(s) ^ s. */
static inline void MixColumns(uint8_t state[4][Nb])
{
    for (int c = 0; c < Nb; c++) {
        uint8_t s0 = state[0][c];
        uint8_t s1 = state[1][c];
        uint8_t s2 = state[2][c];
        uint8_t s3 = state[3][c];
        state[0][c] = (uint8_t)(xtime(s0) ^ (xtime(s1) ^ s1) ^ s2 ^ s3);
        state[1][c] = (uint8_t)(s0 ^ xtime(s1) ^ (xtime(s2) ^ s2) ^ s3);
        state[2][c] = (uint8_t)(s0 ^ s1 ^ xtime(s2) ^ (xtime(s3) ^ s3));
        state[3][c] = (uint8_t)((xtime(s0) ^ s0) ^ s1 ^ s2 ^ xtime(s3));
    }
}

/* AddRoundKey (§5.1.4): column c XOR word w[round*Nb + c]. */
static inline void AddRoundKey(uint8_t state[4][Nb], const uint32_t *round_key)
{
    for (int c = 0; c < Nb; c++)
        for (int r = 0; r < 4; r++)
            state[r][c] ^= byte_of(round_key[c], r);
}

/* ---- 5. Cipher (§5.1, Figure 5) -------------------------------------------- */

/* See aes_internal.h.  FIPS 197 §5.1. */
void aes256_ref_encrypt_block(const aes256_ctx *ctx, const uint8_t in[AES_BLOCK_LEN],
                              uint8_t out[AES_BLOCK_LEN])
{
    uint8_t state[4][Nb];
    const uint32_t *w = ctx->w;
    /* 1. state = in (§3.4). */
    for (int c = 0; c < Nb; c++)
        for (int r = 0; r < 4; r++)
            state[r][c] = in[r + 4 * c];
    trace_state(ctx, 0, "input", "the input block as the state (FIPS 197 §3.4)", state);
    /* 2. AddRoundKey with round key 0. */
    trace_key(ctx, 0, "k_sch", w);
    AddRoundKey(state, w);
    /* 3. Rounds 1 .. Nr-1: SubBytes, ShiftRows, MixColumns, AddRoundKey. */
    for (int round = 1; round < Nr; round++) {
        trace_state(ctx, round, "start", "state at the start of the round", state);
        SubBytes(state);
        trace_state(ctx, round, "s_box", "after SubBytes (FIPS 197 §5.1.1)", state);
        ShiftRows(state);
        trace_state(ctx, round, "s_row", "after ShiftRows (FIPS 197 §5.1.2)", state);
        MixColumns(state);
        trace_state(ctx, round, "m_col", "after MixColumns (FIPS 197 §5.1.3)", state);
        trace_key(ctx, round, "k_sch", w + round * Nb);
        AddRoundKey(state, w + round * Nb);
    }
    /* 4. The last round has no MixColumns. */
    trace_state(ctx, Nr, "start", "state at the start of the round", state);
    SubBytes(state);
    trace_state(ctx, Nr, "s_box", "after SubBytes (FIPS 197 §5.1.1)", state);
    ShiftRows(state);
    trace_state(ctx, Nr, "s_row", "after ShiftRows (FIPS 197 §5.1.2)", state);
    trace_key(ctx, Nr, "k_sch", w + Nr * Nb);
    AddRoundKey(state, w + Nr * Nb);
    trace_state(ctx, Nr, "output", "the output block (FIPS 197 §3.4)", state);
    /* 5. out = state. */
    for (int c = 0; c < Nb; c++)
        for (int r = 0; r < 4; r++)
            out[r + 4 * c] = state[r][c];
    glass_wipe(state, sizeof state);
}

/* ---- 6. InvCipher (§5.3, Figure 12) ---------------------------------------- */

/* InvShiftRows (§5.3.1): row r rotates right by r places,
 * s'[r][(c + r) mod 4] = s[r][c]. */
static inline void InvShiftRows(uint8_t state[4][Nb])
{
    uint8_t row[Nb];
    for (int r = 1; r < 4; r++) {
        for (int c = 0; c < Nb; c++)
            row[(c + r) % Nb] = state[r][c];
        for (int c = 0; c < Nb; c++)
            state[r][c] = row[c];
    }
}

/* InvSubBytes (§5.3.2): every byte through the inverse S-box. */
static inline void InvSubBytes(uint8_t state[4][Nb])
{
    for (int r = 0; r < 4; r++)
        for (int c = 0; c < Nb; c++)
            state[r][c] = aes_inv_sbox[state[r][c]];
}

/* InvMixColumns (§5.3.3): each column times
 * a^-1(x) = {0b}x^3 + {0d}x^2 + {09}x + {0e}. */
static inline void InvMixColumns(uint8_t state[4][Nb])
{
    for (int c = 0; c < Nb; c++) {
        uint8_t s0 = state[0][c];
        uint8_t s1 = state[1][c];
        uint8_t s2 = state[2][c];
        uint8_t s3 = state[3][c];
        state[0][c] = (uint8_t)(gmul(s0, 0x0e) ^ gmul(s1, 0x0b) ^ gmul(s2, 0x0d) ^ gmul(s3, 0x09));
        state[1][c] = (uint8_t)(gmul(s0, 0x09) ^ gmul(s1, 0x0e) ^ gmul(s2, 0x0b) ^ gmul(s3, 0x0d));
        state[2][c] = (uint8_t)(gmul(s0, 0x0d) ^ gmul(s1, 0x09) ^ gmul(s2, 0x0e) ^ gmul(s3, 0x0b));
        state[3][c] = (uint8_t)(gmul(s0, 0x0b) ^ gmul(s1, 0x0d) ^ gmul(s2, 0x09) ^ gmul(s3, 0x0e));
    }
}

/* See aes_internal.h.  FIPS 197 §5.3; AddRoundKey is its own inverse
 * (§5.3.4).  Trace names follow the inverse-cipher half of Appendix C.3. */
void aes256_ref_decrypt_block(const aes256_ctx *ctx, const uint8_t in[AES_BLOCK_LEN],
                              uint8_t out[AES_BLOCK_LEN])
{
    uint8_t state[4][Nb];
    const uint32_t *w = ctx->w;
    /* 1. state = in. */
    for (int c = 0; c < Nb; c++)
        for (int r = 0; r < 4; r++)
            state[r][c] = in[r + 4 * c];
    trace_state(ctx, 0, "iinput", "the input block as the state (FIPS 197 §3.4)", state);
    /* 2. AddRoundKey with the last round key. */
    trace_key(ctx, 0, "ik_sch", w + Nr * Nb);
    AddRoundKey(state, w + Nr * Nb);
    /* 3. Rounds Nr-1 .. 1: InvShiftRows, InvSubBytes, AddRoundKey,
     *    InvMixColumns. */
    for (int round = Nr - 1; round >= 1; round--) {
        int n = Nr - round;     /* the appendix numbers the rounds 1, 2, ... */
        trace_state(ctx, n, "istart", "state at the start of the round", state);
        InvShiftRows(state);
        trace_state(ctx, n, "is_row", "after InvShiftRows (FIPS 197 §5.3.1)", state);
        InvSubBytes(state);
        trace_state(ctx, n, "is_box", "after InvSubBytes (FIPS 197 §5.3.2)", state);
        trace_key(ctx, n, "ik_sch", w + round * Nb);
        AddRoundKey(state, w + round * Nb);
        trace_state(ctx, n, "ik_add", "after AddRoundKey (FIPS 197 §5.3.4)", state);
        InvMixColumns(state);
    }
    /* 4. The last round has no InvMixColumns. */
    trace_state(ctx, Nr, "istart", "state at the start of the round", state);
    InvShiftRows(state);
    trace_state(ctx, Nr, "is_row", "after InvShiftRows (FIPS 197 §5.3.1)", state);
    InvSubBytes(state);
    trace_state(ctx, Nr, "is_box", "after InvSubBytes (FIPS 197 §5.3.2)", state);
    trace_key(ctx, Nr, "ik_sch", w);
    AddRoundKey(state, w);
    trace_state(ctx, Nr, "ioutput", "the output block (FIPS 197 §3.4)", state);
    /* 5. out = state. */
    for (int c = 0; c < Nb; c++)
        for (int r = 0; r < 4; r++)
            out[r + 4 * c] = state[r][c];
    glass_wipe(state, sizeof state);
}

/* ---- for gdb ----------------------------------------------------------------- */

/* See aes_internal.h.  Prints the state as the standard draws it (§3.4,
 * Figure 3): row r holds s[r][0..3]. */
void aes_dump_state(const uint8_t state[4][4])
{
    for (int r = 0; r < 4; r++)
        printf("    %02x %02x %02x %02x\n", state[r][0], state[r][1], state[r][2], state[r][3]);
    fflush(stdout);
}

/* See aes_internal.h.  One line per word, as in FIPS 197 Appendix A.3. */
void aes_dump_schedule(const aes256_ctx *ctx)
{
    for (int i = 0; i < Nb * (Nr + 1); i++)
        printf("    w[%2d] = %08x\n", i, (unsigned)ctx->w[i]);
    fflush(stdout);
}
