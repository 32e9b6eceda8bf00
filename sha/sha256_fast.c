/*
 * sha256_fast.c — the SHA-256 compression function, unrolled for speed.
 *
 * Standard: FIPS PUB 180-4, August 2015, §6.2.2 (the same steps as
 * sha256_ref.c, which is the one to read first).
 *
 * What changes against the reference, and why it is still the same function:
 *   - the message schedule is kept in a 16-word ring: W_t for t >= 16 needs
 *     only W_{t-2}, W_{t-7}, W_{t-15} and W_{t-16}, so W[t & 15] can be
 *     overwritten in place (FIPS 180-4 §6.2.2 step 1, computed on the fly);
 *   - the eight assignments h = g, g = f, ... of step 3 are not executed:
 *     instead each round is called with its arguments rotated one place, so
 *     the variable that "is" a in round t "is" b in round t + 1.  One round
 *     then only updates two variables:  d += T1  and  h = T1 + T2;
 *   - Ch and Maj use the equivalent forms  Ch = g ^ (e & (f ^ g))  and
 *     Maj = ((a ^ b) & (b ^ c)) ^ b, where b ^ c is carried over from the
 *     round before; Σ0 and Σ1 chain their rotations on one register;
 *   - 16 rounds are written out per pass of the loop, so every index into
 *     the ring and into K is a constant.
 * tests/test_sha.c checks that both functions agree on every vector.
 *
 * CT: yes — additions, rotations and bitwise logic only.
 */
#include "sha/sha256_internal.h"

#include <string.h>

static inline uint32_t rotr(uint32_t x, unsigned n)
{
    return (x >> n) | (x << (32u - n));
}

static inline uint32_t load_be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

/* FIPS 180-4 (4.4) to (4.7).  The two Σ are written as a chain of rotations
 * on one register:  ROTR^6(ROTR^5(ROTR^14(e) ^ e) ^ e) = ROTR^25(e) ^
 * ROTR^11(e) ^ ROTR^6(e), and likewise for Σ0 - the same value as the
 * standard's sum of three rotations, with fewer copies of the input. */
static inline uint32_t Sigma0(uint32_t x)
{
    return rotr(rotr(rotr(x, 9) ^ x, 11) ^ x, 2);
}
static inline uint32_t Sigma1(uint32_t x)
{
    return rotr(rotr(rotr(x, 14) ^ x, 5) ^ x, 6);
}
static inline uint32_t sigma0(uint32_t x)
{
    return rotr(x, 7) ^ rotr(x, 18) ^ (x >> 3);
}
static inline uint32_t sigma1(uint32_t x)
{
    return rotr(x, 17) ^ rotr(x, 19) ^ (x >> 10);
}

/* One round of step 3 with the working variables passed in rotated order:
 *   T1 = h + Σ1(e) + Ch(e,f,g) + K_t + W_t;  T2 = Σ0(a) + Maj(a,b,c);
 *   d = d + T1  (it becomes the next e);  h = T1 + T2  (it becomes the next a).
 * Maj(a,b,c) = ((a ^ b) & (b ^ c)) ^ b, and b ^ c is the previous round's
 * a ^ b: it comes in as bc, and this round's a ^ b goes out through ab. */
static inline void round_step(uint32_t a, uint32_t b, uint32_t *d, uint32_t e,
                              uint32_t f, uint32_t g, uint32_t *h, uint32_t Kt, uint32_t Wt,
                              uint32_t *ab, uint32_t bc)
{
    uint32_t T1 = *h + Sigma1(e) + (g ^ (e & (f ^ g))) + Kt + Wt;
    *ab = a ^ b;
    uint32_t T2 = Sigma0(a) + ((*ab & bc) ^ b);
    *d += T1;
    *h = T1 + T2;
}

/* W_t for t >= 16, in the ring: W[t & 15] still holds W_{t-16}. */
static inline uint32_t schedule(uint32_t W[16], unsigned i)
{
    W[i & 15] += sigma1(W[(i + 14) & 15]) + W[(i + 9) & 15] + sigma0(W[(i + 1) & 15]);
    return W[i & 15];
}

/* FIPS 180-4 §4.2.2: the constants K0..K63 once more, as this file's own
 * table: with the table visible here, rounds 0..15 (every index a constant)
 * get each K_t as an immediate inside their instruction instead of a load;
 * rounds 16..63 read K_t through the loop's pointer K, one load per round.
 * Any slip in this copy would make the two compression functions disagree,
 * which tests/test_sha.c checks on every vector and 500 random blocks. */
static const uint32_t Kc[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

/* See sha256_internal.h. */
void sha256_compress_fast(uint32_t H[8], const uint8_t *blocks, size_t nblocks)
{
    uint32_t W[16];
    uint32_t a, b, c, d, e, f, g, h;
    uint32_t p, q; /* a ^ b of the last two rounds, for Maj */

    while (nblocks-- > 0) {
        a = H[0];
        b = H[1];
        c = H[2];
        d = H[3];
        e = H[4];
        f = H[5];
        g = H[6];
        h = H[7];
        q = b ^ c;

        /* Rounds 0..15 take the message words M_t(i) directly (big-endian). */
        round_step(a, b, &d, e, f, g, &h, Kc[0], W[0] = load_be32(blocks + 0), &p, q);
        round_step(h, a, &c, d, e, f, &g, Kc[1], W[1] = load_be32(blocks + 4), &q, p);
        round_step(g, h, &b, c, d, e, &f, Kc[2], W[2] = load_be32(blocks + 8), &p, q);
        round_step(f, g, &a, b, c, d, &e, Kc[3], W[3] = load_be32(blocks + 12), &q, p);
        round_step(e, f, &h, a, b, c, &d, Kc[4], W[4] = load_be32(blocks + 16), &p, q);
        round_step(d, e, &g, h, a, b, &c, Kc[5], W[5] = load_be32(blocks + 20), &q, p);
        round_step(c, d, &f, g, h, a, &b, Kc[6], W[6] = load_be32(blocks + 24), &p, q);
        round_step(b, c, &e, f, g, h, &a, Kc[7], W[7] = load_be32(blocks + 28), &q, p);
        round_step(a, b, &d, e, f, g, &h, Kc[8], W[8] = load_be32(blocks + 32), &p, q);
        round_step(h, a, &c, d, e, f, &g, Kc[9], W[9] = load_be32(blocks + 36), &q, p);
        round_step(g, h, &b, c, d, e, &f, Kc[10], W[10] = load_be32(blocks + 40), &p, q);
        round_step(f, g, &a, b, c, d, &e, Kc[11], W[11] = load_be32(blocks + 44), &q, p);
        round_step(e, f, &h, a, b, c, &d, Kc[12], W[12] = load_be32(blocks + 48), &p, q);
        round_step(d, e, &g, h, a, b, &c, Kc[13], W[13] = load_be32(blocks + 52), &q, p);
        round_step(c, d, &f, g, h, a, &b, Kc[14], W[14] = load_be32(blocks + 56), &p, q);
        round_step(b, c, &e, f, g, h, &a, Kc[15], W[15] = load_be32(blocks + 60), &q, p);

        /* Rounds 16..63, sixteen at a time, expanding the schedule as they go. */
        for (unsigned t = 16; t < 64; t += 16) {
            const uint32_t *K = Kc + t;
            round_step(a, b, &d, e, f, g, &h, K[0], schedule(W, 0), &p, q);
            round_step(h, a, &c, d, e, f, &g, K[1], schedule(W, 1), &q, p);
            round_step(g, h, &b, c, d, e, &f, K[2], schedule(W, 2), &p, q);
            round_step(f, g, &a, b, c, d, &e, K[3], schedule(W, 3), &q, p);
            round_step(e, f, &h, a, b, c, &d, K[4], schedule(W, 4), &p, q);
            round_step(d, e, &g, h, a, b, &c, K[5], schedule(W, 5), &q, p);
            round_step(c, d, &f, g, h, a, &b, K[6], schedule(W, 6), &p, q);
            round_step(b, c, &e, f, g, h, &a, K[7], schedule(W, 7), &q, p);
            round_step(a, b, &d, e, f, g, &h, K[8], schedule(W, 8), &p, q);
            round_step(h, a, &c, d, e, f, &g, K[9], schedule(W, 9), &q, p);
            round_step(g, h, &b, c, d, e, &f, K[10], schedule(W, 10), &p, q);
            round_step(f, g, &a, b, c, d, &e, K[11], schedule(W, 11), &q, p);
            round_step(e, f, &h, a, b, c, &d, K[12], schedule(W, 12), &p, q);
            round_step(d, e, &g, h, a, b, &c, K[13], schedule(W, 13), &q, p);
            round_step(c, d, &f, g, h, a, &b, K[14], schedule(W, 14), &p, q);
            round_step(b, c, &e, f, g, h, &a, K[15], schedule(W, 15), &q, p);
        }

        /* Step 4. */
        H[0] += a;
        H[1] += b;
        H[2] += c;
        H[3] += d;
        H[4] += e;
        H[5] += f;
        H[6] += g;
        H[7] += h;
        blocks += SHA256_BLOCK_LEN;
    }
    sha256_wipe(W, sizeof W);
}
