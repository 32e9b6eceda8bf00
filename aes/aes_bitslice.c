/*
 * aes_bitslice.c — AES-256 in constant time by bitslicing: eight blocks at
 * once in eight 128-bit words, the S-box a Boolean circuit (FIPS 197, 2001;
 * section numbers as in that edition).
 *
 * Why bitslicing is constant time.  A table-driven AES (aes_ref.c,
 * aes_fast.c) reads memory at addresses made of key XOR data, and which
 * cache lines were read can be measured by a process sharing the cache
 * (Bernstein 2005; Osvik, Shamir, Tromer 2006; see aes_ct.c).  A bitsliced
 * AES has no addresses that depend on anything: it turns the cipher into a
 * fixed list of AND, XOR, NOT, shift and rotate instructions on whole
 * machine words, the same list for every key and every plaintext, like a
 * hardware circuit run in software.  The processor executes those
 * instructions in a time that does not depend on the operand values
 * (true of AND, XOR, shifts by constant amounts and rotations on every
 * mainstream CPU), there is no branch whose direction depends on a secret,
 * and every load and store goes to an address fixed by the buffer and the
 * loop counter.  So the time taken, the instructions run and the addresses
 * touched are functions of the length only.  `make ctgrind` checks this by
 * machine: with the key and the data marked secret, valgrind sees no branch
 * and no address that depends on them.
 *
 * How the state is sliced.  AES treats the 16 bytes of a block; this file
 * treats the 64 bytes of four blocks together, and stores them "bit plane
 * by bit plane": a 64-bit lane of plane q[b] holds bit b (b = 0 the least
 * significant) of all 64 bytes.  Byte (row r, column c) of block k sits at
 * bit position
 *
 *     p = 16 r + 4 c + k        (r, c = 0..3 as in the state of §3.4;
 *                                k = 0..3 the block)
 *
 *     lane:  bit 63 ............................................ bit 0
 *            | row 3 (16 bits) | row 2 | row 1 | row 0: c3 c2 c1 c0 |
 *                                               each cN = 4 blocks
 *
 * A word (bs_word) is two such lanes side by side, blocks 0-3 in lane 0 and
 * 4-7 in lane 1, so every operation below works on eight blocks.  bs_word
 * is a vector type of GCC and Clang (the vector_size attribute): C's own
 * operators (^ & ~ >> <<) act on each 64-bit lane separately, and the
 * compiler emits one SSE2 instruction for two lanes on x86-64, one NEON
 * instruction on arm64, or two plain 64-bit instructions on a machine with
 * no vector unit.  Nothing else changes: the lanes never mix, and the
 * instructions are as data-independent as the 64-bit ones.  The loops over
 * the eight planes carry `#pragma GCC unroll 8` (Clang reads it too): fully
 * unrolled, the planes stay in registers instead of going through memory
 * at every step, which is most of the speed.
 *
 * Then each step of the round is a few word operations on each plane:
 *   SubBytes (§5.1.1)   the S-box as a circuit of 113 gates (32 AND, 77 XOR,
 *                       4 XNOR) on the eight planes — every one of the 64
 *                       bytes goes through the same gates at once.  The
 *                       circuit is Boyar and Peralta's ("A new combinational
 *                       logic minimization technique with applications to
 *                       cryptology", SEA 2010; and J. Boyar, R. Peralta, "A
 *                       small depth-16 circuit for the AES S-box", 2012): a
 *                       linear layer, the inversion in GF(2^8) done in the
 *                       tower field GF((2^4)^2), and a linear layer that also
 *                       folds in the affine map of §5.1.1.  The gate list
 *                       is checked exhaustively against the S-box table by
 *                       tests/test_aes.c (all 256 inputs in every lane).
 *   ShiftRows (§5.1.2)  row r is a 16-bit field; rotating the row by r
 *                       columns is rotating that field by 4r bits.
 *   MixColumns (§5.1.3) rows r+1, r+2, r+3 of the same column are the word
 *                       rotated by 16, 32, 48 bits; xtime (§4.2.1) on bit
 *                       planes is a renaming of planes with two XORs by the
 *                       top plane (the reduction by {1b}).
 *   AddRoundKey (§5.1.4) XOR with the round key sliced the same way (four
 *                       copies), prepared once per key.
 *
 * Getting into and out of the sliced form ("orthogonalisation") is an 8x8
 * bit-matrix transposition done with three rounds of "swap-and-move" on the
 * eight words, after an interleave that puts columns 0 and 2 (or 1 and 3)
 * of each block side by side.
 *
 * Decryption (§5.3) uses InvShiftRows (rotations the other way), InvSubBytes
 * as G(S(G(y))) where G is the inverse affine map of §5.3.2 (because
 * S = A . inverse, S^-1 = inverse . A^-1, and inverse = A^-1 . S), and
 * InvMixColumns (§5.3.3) as MixColumns after the column map
 * s_r -> {05} s_r + {04} s_(r+2), since the matrix of §5.3.3 is the product
 * of the matrix of §5.1.3 and that one.
 *
 * Read in this order: the transposition (swapmove, ortho, load4, store4),
 * the S-box circuit (sub_bytes), shift_rows, mix_columns, the cipher, then
 * the inverse steps and the inverse cipher, and the key set-up.
 *
 * Eight blocks cost about as much as one: the modes hand this file many
 * blocks at a time (CTR, GCM, ECB and CBC decryption are parallel; CBC
 * encryption is not, each block waiting for the one before, so the record
 * layer encrypts up to eight records' chains side by side).
 *
 * CT: yes — no table, no secret-dependent branch or address (make ctgrind).
 */
#include "aes/aes.h"
#include "aes/aes_internal.h"

#include <string.h>

#define Nr AES256_ROUNDS

/* Two 64-bit lanes of four blocks each: eight blocks a word. */
typedef uint64_t bs_word __attribute__((vector_size(16)));
#define BS_LANES 2
#define BS_BLOCKS (4 * BS_LANES)
#define BS_BYTES (16 * BS_BLOCKS)

/* Fully unroll the loop that follows (see the essay above). */
#define UNROLL8 _Pragma("GCC unroll 8")

/* ---- 1. into and out of the sliced form ------------------------------------ */

/* Swaps the bits of a selected by mask << n with the bits of b selected by
 * mask: the step of a bit-matrix transposition. */
static inline void swapmove(bs_word *a, bs_word *b, uint64_t mask, int n)
{
    bs_word t = ((*a >> n) ^ *b) & mask;
    *b ^= t;
    *a ^= t << n;
}

/* Transposes, in each of the sixteen byte positions, the 8x8 bit matrix
 * whose row j is that byte of q[j]: afterwards bit j of byte L of q[b] is
 * bit b of byte L of the old q[j].  Its own inverse. */
static inline void ortho(bs_word q[8])
{
    swapmove(&q[0], &q[1], 0x5555555555555555ull, 1);
    swapmove(&q[2], &q[3], 0x5555555555555555ull, 1);
    swapmove(&q[4], &q[5], 0x5555555555555555ull, 1);
    swapmove(&q[6], &q[7], 0x5555555555555555ull, 1);
    swapmove(&q[0], &q[2], 0x3333333333333333ull, 2);
    swapmove(&q[1], &q[3], 0x3333333333333333ull, 2);
    swapmove(&q[4], &q[6], 0x3333333333333333ull, 2);
    swapmove(&q[5], &q[7], 0x3333333333333333ull, 2);
    swapmove(&q[0], &q[4], 0x0f0f0f0f0f0f0f0full, 4);
    swapmove(&q[1], &q[5], 0x0f0f0f0f0f0f0f0full, 4);
    swapmove(&q[2], &q[6], 0x0f0f0f0f0f0f0f0full, 4);
    swapmove(&q[3], &q[7], 0x0f0f0f0f0f0f0f0full, 4);
}

static inline uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline void put_le32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

/* The four bytes of x into the even byte lanes of a word (x0 _ x1 _ ...). */
static inline uint64_t spread(uint32_t x)
{
    uint64_t z = x;
    z = (z | z << 16) & 0x0000ffff0000ffffull;
    z = (z | z << 8) & 0x00ff00ff00ff00ffull;
    return z;
}

/* The even byte lanes of z packed back into four bytes. */
static inline uint32_t unspread(uint64_t z)
{
    z &= 0x00ff00ff00ff00ffull;
    z = (z | z >> 8) & 0x0000ffff0000ffffull;
    z = (z | z >> 16) & 0x00000000ffffffffull;
    return (uint32_t)z;
}

/* Eight 16-byte blocks (in[0..128)) into the eight planes.  In lane l,
 * word q[k] gets columns 0 and 2 of block 4l + k interleaved, q[4+k]
 * columns 1 and 3; after the transposition byte (r, c) of block 4l + k is
 * at bit 16r + 4c + k of lane l. */
static inline void load8(bs_word q[8], const uint8_t *in)
{
    for (int k = 0; k < 4; k++) {
        uint64_t lo[BS_LANES], hi[BS_LANES];
        for (int l = 0; l < BS_LANES; l++) {
            const uint8_t *blk = in + 16 * (4 * l + k);
            lo[l] = spread(le32(blk)) | spread(le32(blk + 8)) << 8;
            hi[l] = spread(le32(blk + 4)) | spread(le32(blk + 12)) << 8;
        }
        q[k] = (bs_word){ lo[0], lo[1] };
        q[4 + k] = (bs_word){ hi[0], hi[1] };
    }
    ortho(q);
}

/* The inverse of load8: eight planes out to eight blocks. */
static inline void store8(uint8_t *out, bs_word q[8])
{
    ortho(q);
    for (int k = 0; k < 4; k++) {
        for (int l = 0; l < BS_LANES; l++) {
            uint8_t *blk = out + 16 * (4 * l + k);
            uint64_t lo = q[k][l], hi = q[4 + k][l];
            put_le32(blk, unspread(lo));
            put_le32(blk + 8, unspread(lo >> 8));
            put_le32(blk + 4, unspread(hi));
            put_le32(blk + 12, unspread(hi >> 8));
        }
    }
}

/* ---- 2. SubBytes: the S-box as a circuit (§5.1.1) --------------------------- */

/* All 128 bytes through the S-box at once.  The names are the circuit's:
 * U0..U7 the input bits, most significant first (U0 = plane 7), T the top
 * linear layer, M the middle (the inversion; every AND is here), L the
 * bottom linear layer, S0..S7 the output bits (S0 = plane 7).  "^ ~0" where
 * the circuit has an XNOR: the constant {63} of the affine map. */
static inline void sub_bytes(bs_word q[8])
{
    const bs_word U0 = q[7], U1 = q[6], U2 = q[5], U3 = q[4];
    const bs_word U4 = q[3], U5 = q[2], U6 = q[1], U7 = q[0];

    /* Top linear layer. */
    bs_word T1 = U0 ^ U3, T2 = U0 ^ U5, T3 = U0 ^ U6, T4 = U3 ^ U5;
    bs_word T5 = U4 ^ U6, T6 = T1 ^ T5, T7 = U1 ^ U2, T8 = U7 ^ T6;
    bs_word T9 = U7 ^ T7, T10 = T6 ^ T7, T11 = U1 ^ U5, T12 = U2 ^ U5;
    bs_word T13 = T3 ^ T4, T14 = T6 ^ T11, T15 = T5 ^ T11, T16 = T5 ^ T12;
    bs_word T17 = T9 ^ T16, T18 = U3 ^ U7, T19 = T7 ^ T18, T20 = T1 ^ T19;
    bs_word T21 = U6 ^ U7, T22 = T7 ^ T21, T23 = T2 ^ T22, T24 = T2 ^ T10;
    bs_word T25 = T20 ^ T17, T26 = T3 ^ T16, T27 = T1 ^ T12;
    const bs_word D = U7;

    /* Middle, non-linear layer: the inversion in GF(2^8). */
    bs_word M1 = T13 & T6, M2 = T23 & T8, M3 = T14 ^ M1, M4 = T19 & D;
    bs_word M5 = M4 ^ M1, M6 = T3 & T16, M7 = T22 & T9, M8 = T26 ^ M6;
    bs_word M9 = T20 & T17, M10 = M9 ^ M6, M11 = T1 & T15, M12 = T4 & T27;
    bs_word M13 = M12 ^ M11, M14 = T2 & T10, M15 = M14 ^ M11, M16 = M3 ^ M2;
    bs_word M17 = M5 ^ T24, M18 = M8 ^ M7, M19 = M10 ^ M15, M20 = M16 ^ M13;
    bs_word M21 = M17 ^ M15, M22 = M18 ^ M13, M23 = M19 ^ T25, M24 = M22 ^ M23;
    bs_word M25 = M22 & M20, M26 = M21 ^ M25, M27 = M20 ^ M21, M28 = M23 ^ M25;
    bs_word M29 = M28 & M27, M30 = M26 & M24, M31 = M20 & M23, M32 = M27 & M31;
    bs_word M33 = M27 ^ M25, M34 = M21 & M22, M35 = M24 & M34, M36 = M24 ^ M25;
    bs_word M37 = M21 ^ M29, M38 = M32 ^ M33, M39 = M23 ^ M30, M40 = M35 ^ M36;
    bs_word M41 = M38 ^ M40, M42 = M37 ^ M39, M43 = M37 ^ M38, M44 = M39 ^ M40;
    bs_word M45 = M42 ^ M41, M46 = M44 & T6, M47 = M40 & T8, M48 = M39 & D;
    bs_word M49 = M43 & T16, M50 = M38 & T9, M51 = M37 & T17, M52 = M42 & T15;
    bs_word M53 = M45 & T27, M54 = M41 & T10, M55 = M44 & T13, M56 = M40 & T23;
    bs_word M57 = M39 & T19, M58 = M43 & T3, M59 = M38 & T22, M60 = M37 & T20;
    bs_word M61 = M42 & T1, M62 = M45 & T4, M63 = M41 & T2;

    /* Bottom linear layer, with the affine map of §5.1.1. */
    bs_word L0 = M61 ^ M62, L1 = M50 ^ M56, L2 = M46 ^ M48, L3 = M47 ^ M55;
    bs_word L4 = M54 ^ M58, L5 = M49 ^ M61, L6 = M62 ^ L5, L7 = M46 ^ L3;
    bs_word L8 = M51 ^ M59, L9 = M52 ^ M53, L10 = M53 ^ L4, L11 = M60 ^ L2;
    bs_word L12 = M48 ^ M51, L13 = M50 ^ L0, L14 = M52 ^ M61, L15 = M55 ^ L1;
    bs_word L16 = M56 ^ L0, L17 = M57 ^ L1, L18 = M58 ^ L8, L19 = M63 ^ L4;
    bs_word L20 = L0 ^ L1, L21 = L1 ^ L7, L22 = L3 ^ L12, L23 = L18 ^ L2;
    bs_word L24 = L15 ^ L9, L25 = L6 ^ L10, L26 = L7 ^ L9, L27 = L8 ^ L10;
    bs_word L28 = L11 ^ L14, L29 = L11 ^ L17;

    q[7] = L6 ^ L24;            /* S0 */
    q[6] = ~(L16 ^ L26);        /* S1 */
    q[5] = ~(L19 ^ L28);        /* S2 */
    q[4] = L6 ^ L21;            /* S3 */
    q[3] = L20 ^ L22;           /* S4 */
    q[2] = L25 ^ L29;           /* S5 */
    q[1] = ~(L13 ^ L27);        /* S6 */
    q[0] = ~(L6 ^ L23);         /* S7 */
}

/* ---- 3. ShiftRows, MixColumns, AddRoundKey (§5.1.2-§5.1.4) ------------------ */

/* Row r (bits 16r..16r+15, four columns of four blocks) rotated left by r
 * columns: new column c is old column c + r, i.e. the 16-bit field shifted
 * down by 4r bits, wrapping. */
static inline bs_word shift_rows1(bs_word x)
{
    return (x & 0x000000000000ffffull)                                                /* row 0 */
           | ((x & 0x00000000fff00000ull) >> 4) | ((x & 0x00000000000f0000ull) << 12) /* row 1 */
           | ((x & 0x0000ff0000000000ull) >> 8) | ((x & 0x000000ff00000000ull) << 8)  /* row 2 */
           | ((x & 0xf000000000000000ull) >> 12) | ((x & 0x0fff000000000000ull) << 4); /* row 3 */
}

static inline void shift_rows(bs_word q[8])
{
    UNROLL8
    for (int b = 0; b < 8; b++)
        q[b] = shift_rows1(q[b]);
}

static inline bs_word rotr64(bs_word x, int n)
{
    return (x >> n) | (x << (64 - n));
}

/* xtime (§4.2.1) on bit planes: multiplying every byte by {02} moves bit b
 * to bit b+1, and the bit leaving the top (plane 7) comes back as {1b}:
 * into bits 0, 1, 3 and 4. */
static inline void xtime_planes(bs_word out[8], const bs_word t[8])
{
    bs_word top = t[7];
    out[7] = t[6];
    out[6] = t[5];
    out[5] = t[4];
    out[4] = t[3] ^ top;
    out[3] = t[2] ^ top;
    out[2] = t[1];
    out[1] = t[0] ^ top;
    out[0] = top;
}

/* MixColumns (§5.1.3): s'_r = {02} s_r + {03} s_(r+1) + s_(r+2) + s_(r+3)
 *                           = {02} (s_r + s_(r+1)) + s_(r+1) + (s_(r+2) + s_(r+3)).
 * Row r+1 of the same column is the word rotated right by 16 bits. */
static inline void mix_columns(bs_word q[8])
{
    bs_word r1[8], t[8], x2[8];
    UNROLL8
    for (int b = 0; b < 8; b++) {
        r1[b] = rotr64(q[b], 16);           /* s_(r+1) */
        t[b] = q[b] ^ r1[b];                /* s_r + s_(r+1) */
    }
    xtime_planes(x2, t);
    UNROLL8
    for (int b = 0; b < 8; b++)
        q[b] = x2[b] ^ r1[b] ^ rotr64(t[b], 32);   /* rotr 32: s_(r+2) + s_(r+3) */
}

static inline void add_round_key(bs_word q[8], const uint64_t *sk)
{
    UNROLL8
    for (int b = 0; b < 8; b++)
        q[b] ^= sk[b];
}

/* Cipher (§5.1) on eight blocks in sliced form; sk = 15 round keys of 8
 * words (each a 64-bit lane, the same for both lanes). */
static void cipher8(bs_word q[8], const uint64_t *sk)
{
    add_round_key(q, sk);
    for (int round = 1; round < Nr; round++) {
        sub_bytes(q);
        shift_rows(q);
        mix_columns(q);
        add_round_key(q, sk + 8 * round);
    }
    sub_bytes(q);
    shift_rows(q);
    add_round_key(q, sk + 8 * Nr);
}

/* ---- 4. the inverse steps and InvCipher (§5.3) ----------------------------- */

/* InvShiftRows (§5.3.1): row r rotated right by r columns. */
static inline bs_word inv_shift_rows1(bs_word x)
{
    return (x & 0x000000000000ffffull)                                                /* row 0 */
           | ((x & 0x000000000fff0000ull) << 4) | ((x & 0x00000000f0000000ull) >> 12) /* row 1 */
           | ((x & 0x0000ff0000000000ull) >> 8) | ((x & 0x000000ff00000000ull) << 8)  /* row 2 */
           | ((x & 0xfff0000000000000ull) >> 4) | ((x & 0x000f000000000000ull) << 12); /* row 3 */
}

/* The inverse affine map of §5.3.2 on planes:
 * b_i = b'_(i+2) + b'_(i+5) + b'_(i+7) + d_i with d = {05}. */
static inline void inv_affine(bs_word q[8])
{
    bs_word y[8];
    memcpy(y, q, sizeof y);
    UNROLL8
    for (int i = 0; i < 8; i++)
        q[i] = y[(i + 2) % 8] ^ y[(i + 5) % 8] ^ y[(i + 7) % 8];
    q[0] = ~q[0];
    q[2] = ~q[2];
}

/* InvSubBytes (§5.3.2) = G . S . G with G the inverse affine map: the S-box
 * is A(inverse(x)), so inverse(z) = G(S(z)) and S^-1(y) = inverse(G(y)). */
static inline void inv_sub_bytes(bs_word q[8])
{
    inv_affine(q);
    sub_bytes(q);
    inv_affine(q);
}

/* InvMixColumns (§5.3.3): its matrix (0e 0b 0d 09) is MixColumns' (02 03 01
 * 01) times (05 00 04 00), so first s_r <- s_r + {04} (s_r + s_(r+2)), then
 * MixColumns. */
static inline void inv_mix_columns(bs_word q[8])
{
    bs_word v[8], v2[8], v4[8];
    UNROLL8
    for (int b = 0; b < 8; b++)
        v[b] = q[b] ^ rotr64(q[b], 32);
    xtime_planes(v2, v);
    xtime_planes(v4, v2);
    UNROLL8
    for (int b = 0; b < 8; b++)
        q[b] ^= v4[b];
    mix_columns(q);
}

/* InvCipher (§5.3, Figure 12) on eight blocks in sliced form. */
static void inv_cipher8(bs_word q[8], const uint64_t *sk)
{
    add_round_key(q, sk + 8 * Nr);
    for (int round = Nr - 1; round > 0; round--) {
        UNROLL8
        for (int b = 0; b < 8; b++)
            q[b] = inv_shift_rows1(q[b]);
        inv_sub_bytes(q);
        add_round_key(q, sk + 8 * round);
        inv_mix_columns(q);
    }
    UNROLL8
    for (int b = 0; b < 8; b++)
        q[b] = inv_shift_rows1(q[b]);
    inv_sub_bytes(q);
    add_round_key(q, sk);
}

/* ---- 5. the key and the block functions ------------------------------------ */

/* See aes_internal.h.  The schedule w (computed in constant time by
 * aes256_ct_expand_key), each round key copied into eight blocks and
 * sliced; one 64-bit lane of it is kept (both lanes are the same), and
 * add_round_key spreads it over the two. */
void aes256_bitslice_setup(aes256_ctx *ctx)
{
    uint8_t rk[BS_BYTES];
    bs_word q[8];
    for (int round = 0; round <= Nr; round++) {
        for (int i = 0; i < 16; i++)
            rk[i] = (uint8_t)(ctx->w[4 * round + i / 4] >> (24 - 8 * (i % 4)));
        for (int k = 1; k < BS_BLOCKS; k++)
            memcpy(rk + 16 * k, rk, 16);
        load8(q, rk);
        for (int b = 0; b < 8; b++)
            ctx->sk.bs[8 * round + b] = q[b][0];
    }
    glass_wipe(rk, sizeof rk);
    glass_wipe(q, sizeof q);
}

/* Runs fn on the blocks eight at a time; a last group of one to seven
 * blocks is padded with zero blocks, which are computed and thrown away. */
static void run8(void (*fn)(bs_word q[8], const uint64_t *sk), const aes256_ctx *ctx,
                 const uint8_t *in, uint8_t *out, size_t nblocks)
{
    bs_word q[8];
    uint8_t buf[BS_BYTES];
    for (; nblocks >= BS_BLOCKS; nblocks -= BS_BLOCKS, in += BS_BYTES, out += BS_BYTES) {
        load8(q, in);
        fn(q, ctx->sk.bs);
        store8(out, q);
    }
    if (nblocks > 0) {
        memset(buf, 0, sizeof buf);
        memcpy(buf, in, 16 * nblocks);
        load8(q, buf);
        fn(q, ctx->sk.bs);
        store8(buf, q);
        memcpy(out, buf, 16 * nblocks);
        glass_wipe(buf, sizeof buf);
    }
    glass_wipe(q, sizeof q);
}

/* See aes_internal.h.  in and out may be the same buffer. */
void aes256_bitslice_encrypt(const aes256_ctx *ctx, const uint8_t *in, uint8_t *out,
                             size_t nblocks)
{
    run8(cipher8, ctx, in, out, nblocks);
}

/* See aes_internal.h. */
void aes256_bitslice_decrypt(const aes256_ctx *ctx, const uint8_t *in, uint8_t *out,
                             size_t nblocks)
{
    run8(inv_cipher8, ctx, in, out, nblocks);
}

/* See aes_internal.h: the circuit alone on 64 bytes (for the exhaustive test
 * against the S-box table and for the inverse), in the first lane; the
 * second carries zeros. */
void aes_bitslice_sbox64(uint8_t bytes[64], int inverse)
{
    bs_word q[8];
    uint8_t buf[BS_BYTES] = { 0 };
    memcpy(buf, bytes, 64);
    load8(q, buf);
    if (inverse)
        inv_sub_bytes(q);
    else
        sub_bytes(q);
    store8(buf, q);
    memcpy(bytes, buf, 64);
}
