/*
 * sha256_ref.c — the SHA-256 compression function, as FIPS 180-4 writes it.
 *
 * Standard: FIPS PUB 180-4, Secure Hash Standard, August 2015.
 *
 * Read in this order, with the standard open beside it:
 *   1. the six logical functions of §4.1.2 (Ch, Maj, Σ0, Σ1, σ0, σ1);
 *   2. the constants K of §4.2.2 and the initial hash value H(0) of §5.3.3;
 *   3. sha256_compress_ref(): the four steps of §6.2.2 for one block.
 * Padding (§5.1.1) and parsing into blocks (§5.2.1) are in sha256.c, which
 * calls this function for every block when tracing is on, and the unrolled
 * twin in sha256_fast.c otherwise.
 *
 * Every statement is one step of the standard, so a student can step through
 * it in gdb and compare a..h with the worked example for "abc" (NIST's
 * "SHA256.pdf" example: after round t=0, a = 5d6aebcd; after t=63,
 * a = 506e3058).
 *
 * CT: yes — additions, rotations and bitwise logic on 32-bit words only; no
 * branch or memory index depends on the data (tracing, when on, prints the
 * data, so it is for teaching, not for secrets).
 */
#include "sha/sha256_internal.h"

#include <stdio.h>

/* FIPS 180-4 §3.2: ROTR^n(x) = (x >> n) | (x << (32 - n)), 0 < n < 32. */
static inline uint32_t ROTR(uint32_t x, unsigned n)
{
    return (x >> n) | (x << (32u - n));
}

/* FIPS 180-4 §3.2: SHR^n(x) = x >> n. */
static inline uint32_t SHR(uint32_t x, unsigned n)
{
    return x >> n;
}

/* FIPS 180-4 §4.1.2 (4.2): Ch(x, y, z) = (x AND y) XOR (NOT x AND z):
 * "x chooses": each bit of x picks the bit of y (1) or of z (0). */
static inline uint32_t Ch(uint32_t x, uint32_t y, uint32_t z)
{
    return (x & y) ^ (~x & z);
}

/* FIPS 180-4 §4.1.2 (4.3): Maj(x, y, z) = (x AND y) XOR (x AND z) XOR (y AND z):
 * each bit is the majority of the three. */
static inline uint32_t Maj(uint32_t x, uint32_t y, uint32_t z)
{
    return (x & y) ^ (x & z) ^ (y & z);
}

/* FIPS 180-4 §4.1.2 (4.4): Σ0{256}(x) = ROTR^2(x) XOR ROTR^13(x) XOR ROTR^22(x). */
static inline uint32_t Sigma0(uint32_t x)
{
    return ROTR(x, 2) ^ ROTR(x, 13) ^ ROTR(x, 22);
}

/* FIPS 180-4 §4.1.2 (4.5): Σ1{256}(x) = ROTR^6(x) XOR ROTR^11(x) XOR ROTR^25(x). */
static inline uint32_t Sigma1(uint32_t x)
{
    return ROTR(x, 6) ^ ROTR(x, 11) ^ ROTR(x, 25);
}

/* FIPS 180-4 §4.1.2 (4.6): σ0{256}(x) = ROTR^7(x) XOR ROTR^18(x) XOR SHR^3(x). */
static inline uint32_t sigma0(uint32_t x)
{
    return ROTR(x, 7) ^ ROTR(x, 18) ^ SHR(x, 3);
}

/* FIPS 180-4 §4.1.2 (4.7): σ1{256}(x) = ROTR^17(x) XOR ROTR^19(x) XOR SHR^10(x). */
static inline uint32_t sigma1(uint32_t x)
{
    return ROTR(x, 17) ^ ROTR(x, 19) ^ SHR(x, 10);
}

/* FIPS 180-4 §4.2.2: the first 32 bits of the fractional parts of the cube
 * roots of the first 64 primes. */
const uint32_t sha256_K[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

/* FIPS 180-4 §5.3.3: the first 32 bits of the fractional parts of the square
 * roots of the first 8 primes. */
const uint32_t sha256_H0[8] = {
    0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
    0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
};

/* Writes a word big-endian (the standard's byte order, §3.1 item 3). */
static inline void put_be32(uint8_t *p, uint32_t x)
{
    p[0] = (uint8_t)(x >> 24);
    p[1] = (uint8_t)(x >> 16);
    p[2] = (uint8_t)(x >> 8);
    p[3] = (uint8_t)x;
}

/* See sha256_internal.h.  FIPS 180-4 §6.2.2, for one message block M(i). */
void sha256_compress_ref(uint32_t H[8], const uint8_t block[SHA256_BLOCK_LEN],
                         const glass_tracer *trace)
{
    uint32_t W[64];
    uint32_t a, b, c, d, e, f, g, h;
    uint32_t T1, T2;
    uint8_t bytes[4 * 64];

    glass_trace(trace, "sha256.block", "message block M(i), 16 words (FIPS 180-4 §5.2.1)",
                block, SHA256_BLOCK_LEN);

    /* Step 1: prepare the message schedule {W_t}.
     *   W_t = M_t(i)                                         0 <= t <= 15
     *   W_t = σ1(W_{t-2}) + W_{t-7} + σ0(W_{t-15}) + W_{t-16}  16 <= t <= 63 */
    for (int t = 0; t < 16; t++) {
        W[t] = (uint32_t)block[4 * t] << 24 | (uint32_t)block[4 * t + 1] << 16 |
               (uint32_t)block[4 * t + 2] << 8 | (uint32_t)block[4 * t + 3];
    }
    for (int t = 16; t < 64; t++) {
        W[t] = sigma1(W[t - 2]) + W[t - 7] + sigma0(W[t - 15]) + W[t - 16];
    }
    if (trace != NULL) {
        for (int t = 0; t < 64; t++)
            put_be32(bytes + 4 * t, W[t]);
        glass_trace(trace, "sha256.W", "message schedule W0..W63 (FIPS 180-4 §6.2.2 step 1)",
                    bytes, sizeof bytes);
    }

    /* Step 2: initialise the eight working variables with H(i-1). */
    a = H[0];
    b = H[1];
    c = H[2];
    d = H[3];
    e = H[4];
    f = H[5];
    g = H[6];
    h = H[7];

    /* Step 3: 64 rounds. */
    for (int t = 0; t < 64; t++) {
        T1 = h + Sigma1(e) + Ch(e, f, g) + sha256_K[t] + W[t];
        T2 = Sigma0(a) + Maj(a, b, c);
        h = g;
        g = f;
        f = e;
        e = d + T1;
        d = c;
        c = b;
        b = a;
        a = T1 + T2;
        if (trace != NULL) {
            /* bytes[0] = t, then a..h big-endian: the row for t of the
             * standard's example tables. */
            bytes[0] = (uint8_t)t;
            put_be32(bytes + 1, a);
            put_be32(bytes + 5, b);
            put_be32(bytes + 9, c);
            put_be32(bytes + 13, d);
            put_be32(bytes + 17, e);
            put_be32(bytes + 21, f);
            put_be32(bytes + 25, g);
            put_be32(bytes + 29, h);
            glass_trace(trace, "sha256.round", "t, then a..h after round t (FIPS 180-4 §6.2.2 step 3)",
                        bytes, 33);
        }
    }

    /* Step 4: the i-th intermediate hash value H(i) = working variables + H(i-1). */
    H[0] = a + H[0];
    H[1] = b + H[1];
    H[2] = c + H[2];
    H[3] = d + H[3];
    H[4] = e + H[4];
    H[5] = f + H[5];
    H[6] = g + H[6];
    H[7] = h + H[7];

    if (trace != NULL) {
        for (int j = 0; j < 8; j++)
            put_be32(bytes + 4 * j, H[j]);
        glass_trace(trace, "sha256.H", "H(i) = H(i-1) + a..h (FIPS 180-4 §6.2.2 step 4)", bytes,
                    32);
    }

    /* The schedule and the working variables came from the message, which may be
     * a key (HMAC): do not leave them on the stack. */
    glass_wipe(W, sizeof W);
    glass_wipe(bytes, sizeof bytes);
}
