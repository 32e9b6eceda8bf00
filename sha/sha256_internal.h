/*
 * sha256_internal.h — the two SHA-256 compression functions, for tests and
 * for the driver in sha256.c.  Programs use sha/sha256.h instead.
 *
 * Both functions run FIPS 180-4 §6.2.2 steps 1-4 on whole 64-byte blocks
 * and update the intermediate hash value H in place.  They must agree on
 * every input; tests/test_sha.c runs both on every vector.
 */
#ifndef GLASS_SHA256_INTERNAL_H
#define GLASS_SHA256_INTERNAL_H

#include "sha/sha256.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* The round constants K0..K63 of FIPS 180-4 §4.2.2 (sha256_ref.c). */
extern const uint32_t sha256_K[64];

/* The initial hash value H(0) of FIPS 180-4 §5.3.3 (sha256_ref.c). */
extern const uint32_t sha256_H0[8];

/* The reference compression function (sha256_ref.c): one block, step by
 * step, emitting the trace events listed in sha256.h if trace is not NULL. */
void sha256_compress_ref(uint32_t H[8], const uint8_t block[SHA256_BLOCK_LEN],
                         const glass_tracer *trace);

/* The unrolled compression function (sha256_fast.c): nblocks consecutive
 * blocks, no trace events. */
void sha256_compress_fast(uint32_t H[8], const uint8_t *blocks, size_t nblocks);

/* The SHA-NI compression function (sha256_hw.c) and whether this CPU has
 * the instructions (CPUID); elsewhere hw falls back to the fast one. */
void sha256_compress_hw(uint32_t H[8], const uint8_t *blocks, size_t nblocks);
int sha256_hw_available(void);

/* sha256.c: the padding of FIPS 180-4 §5.1.1 written after the last n
 * bytes of a message (n < 64) of total_len bytes, in block[0..128); returns
 * how many 64-byte blocks to compress, 1 or 2.  sha256_final and the
 * PBKDF2 inner loop (which pads its fixed-size blocks once) share it. */
size_t sha256_pad(uint8_t block[2 * SHA256_BLOCK_LEN], size_t n, uint64_t total_len);

/* sha256.c: H0..H7 as the 32-byte digest, each word big-endian (§6.2.2). */
void sha256_put_digest(uint8_t digest[SHA256_DIGEST_LEN], const uint32_t H[8]);

/* Wipes n bytes on the hot paths (every block of HMAC, every PBKDF2 round):
 * memset, then an empty assembly statement that claims to read the memory,
 * so the compiler must assume the zeros are looked at and cannot drop the
 * memset as a dead store (the same guarantee as glass_wipe, at memset's
 * speed instead of one volatile byte store at a time).  Elsewhere: glass_wipe. */
static inline void sha256_wipe(void *p, size_t n)
{
#if defined(__GNUC__) || defined(__clang__)
    memset(p, 0, n);
    __asm__ __volatile__("" : : "r"(p) : "memory");
#else
    glass_wipe(p, n);
#endif
}

#endif
