/*
 * sha256.h — SHA-256 (FIPS 180-4, August 2015).
 *
 * SYNOPSIS
 *     sha256_ctx c;
 *     sha256_init(&c);
 *     sha256_update(&c, data, len);      any number of times, any lengths
 *     sha256_final(&c, digest);          32 bytes out; the context is wiped
 *   or, in one call:
 *     sha256(data, len, digest);
 *
 * DESCRIPTION
 *     SHA-256 pads the message to a multiple of 512 bits (§5.1.1), splits it
 *     into 64-byte blocks (§5.2.1) and runs the compression function of
 *     §6.2.2 on each, starting from the initial hash value H(0) of §5.3.3.
 *
 *     Three implementations of the compression function sit side by side,
 *     in one table (sha256_impl_at), and pass the same vectors: sha256_ref.c
 *     follows §6.2.2 step by step, sha256_fast.c is the unrolled version,
 *     and sha256_hw.c runs it on the SHA-NI instructions, the default where
 *     the CPU has them (else fast).
 *
 *     If ctx->trace is set (sha256_set_trace), the reference compression
 *     function emits one trace event per step: the message schedule W0..W63
 *     and the working variables a..h after each of the 64 rounds, laid out
 *     like the standard's worked example for "abc".  Tracing is off by default
 *     and costs one pointer test per block.  The events, per block:
 *       "sha256.block"  64 bytes: the message block M(i) (§5.2.1)
 *       "sha256.W"      256 bytes: W0..W63, each word big-endian (§6.2.2 step 1)
 *       "sha256.round"  33 bytes, 64 times: the round number t (one byte), then
 *                       a, b, c, d, e, f, g, h after round t, big-endian (step 3)
 *       "sha256.H"      32 bytes: the intermediate hash value H(i) (step 4)
 *     A tracer whose fn is NULL selects the reference function silently.
 *
 * STANDARDS
 *     FIPS 180-4, Secure Hash Standard (August 2015): §5.1.1 padding,
 *     §5.2.1 parsing into blocks, §5.3.3 the initial hash value, §4.1.2 and
 *     §4.2.2 the functions and constants K, §6.2.2 the hash computation.
 *
 * CAVEATS
 *     Messages are counted in bytes, so a message of a length that is not
 *     a whole number of bytes (allowed by the standard, used by a few NIST
 *     bit-oriented vectors) cannot be hashed.  The 64-bit length field
 *     limits a message to 2^64 - 1 bits, as the standard does.  The context
 *     holds no secret of its own, but sha256_final wipes it anyway because
 *     HMAC and the KDFs keep keyed state in it.
 *
 * SECURITY CONSIDERATIONS
 *     SHA-256(key || message) is NOT a MAC: anyone who sees it can compute
 *     SHA-256(key || message || padding || more) without the key (length
 *     extension).  Use HMAC (hmac/hmac.h).
 *
 * CONSTANT TIME
 *     | implementation | CT  | what leaks
 *     | sha256.c       | yes | the message length only (buffering, padding)
 *     | sha256_ref.c   | yes | nothing: additions, rotations, bitwise logic
 *     | sha256_fast.c  | yes | nothing: the same operations, unrolled
 *     | sha256_hw.c    | yes | nothing: SHA-NI, operand-independent timing
 *     No table look-up or branch depends on the data (make ctgrind, case
 *     hmac, runs SHA-256 and HMAC with the message and key marked secret).
 */
#ifndef GLASS_SHA256_H
#define GLASS_SHA256_H

#include "common/common.h"

#include <stddef.h>
#include <stdint.h>

#define SHA256_BLOCK_LEN  64
#define SHA256_DIGEST_LEN 32

/* One entry of the table of compression functions (§6.2.2):
 *   ref   sha256_ref.c   step by step, traces           CT: yes
 *   fast  sha256_fast.c  unrolled, 16-word ring          CT: yes
 *   hw    sha256_hw.c    SHA-NI instructions (CPUID)     CT: yes  */
typedef struct sha256_impl {
    const char *name;
    const char *summary;
    int (*available)(void);             /* NULL: always */
    void (*compress)(uint32_t H[8], const uint8_t *blocks, size_t nblocks,
                     const glass_tracer *trace);
} sha256_impl;

typedef struct sha256_ctx {
    uint32_t H[8];                      /* the intermediate hash value H(i) */
    uint8_t block[SHA256_BLOCK_LEN];    /* bytes waiting for a full block */
    size_t block_len;                   /* how many of them */
    uint64_t total_len;                 /* message length so far, in bytes */
    const sha256_impl *impl;            /* the compression function that runs */
    const glass_tracer *trace;          /* NULL: no trace events */
} sha256_ctx;

/* The table: entries 0 .. count-1 (ref, fast, hw); NULL for an unknown
 * name.  hw is listed everywhere; sha256_impl_available says whether this
 * CPU runs it.  The default is hw where available, else fast. */
size_t sha256_impl_count(void);
const sha256_impl *sha256_impl_at(size_t i);
const sha256_impl *sha256_impl_by_name(const char *name);
int sha256_impl_available(const sha256_impl *impl);
const sha256_impl *sha256_impl_default(void);

/* Sets H to H(0) (FIPS 180-4 §5.3.3) and the length to 0, with the default
 * compression function.  Tracing off. */
void sha256_init(sha256_ctx *ctx);

/* Chooses the compression function (before or between updates; the result
 * does not change).  GLASS_ERR_UNSUPPORTED if this CPU cannot run it. */
glass_err sha256_set_impl(sha256_ctx *ctx, const sha256_impl *impl);

/* Binds the context to the reference compression function, the only one
 * that reports its steps, and hands it the tracer: trace events for every
 * round of every block (NULL turns the events off, ref stays bound). */
void sha256_set_trace(sha256_ctx *ctx, const glass_tracer *trace);

/* Absorbs len bytes. */
void sha256_update(sha256_ctx *ctx, const void *data, size_t len);

/* Pads (§5.1.1), processes the last block(s), writes the 32-byte digest
 * (§6.2.2 step 4: H0..H7 big-endian) and wipes the context. */
void sha256_final(sha256_ctx *ctx, uint8_t digest[SHA256_DIGEST_LEN]);

/* One call: the digest of data[0..len). */
void sha256(const void *data, size_t len, uint8_t digest[SHA256_DIGEST_LEN]);

#endif
