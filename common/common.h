/*
 * common.h — what every layer of glasstls stands on.
 *
 * SYNOPSIS
 *     glass_err e = some_call(...);
 *     if (e != GLASS_OK)
 *         fprintf(stderr, "%s\n", glass_strerror(e));
 *     glass_hex_encode(out, cap, bytes, len);   glass_hex_decode(...);
 *     if (glass_ct_equal(mac, expected, 32)) ...          constant time
 *     glass_wipe(secret, len);                            not optimised away
 *     glass_random(buf, len);                             the one RNG
 *     glass_mpz_clear_secret(x);                          wipes every limb
 *     glass_read_file(path, max, &data, &len);
 *     glass_write_file_atomic(path, data, len, 0600);
 *
 * DESCRIPTION
 *     Read this header first.  It holds:
 *       - glass_err, the one error type, and glass_strerror();
 *       - hex encoding and decoding;
 *       - glass_ct_equal(), the constant-time comparison, and glass_wipe();
 *       - glass_random(), the one source of randomness in the whole program,
 *         and its seeded, deterministic mode for walkthroughs and golden
 *         tests;
 *       - trace events: (name, explanation, bytes) triples that primitives
 *         and the protocol emit, and that an application renders, or ignores;
 *       - small file helpers: read a whole file, write a file atomically;
 *       - glass_once(), an answer (what the CPU has) asked once and kept.
 *
 * STANDARDS
 *     None of its own.  Hex is the Base16 alphabet of RFC 4648 §8 (either
 *     case accepted on input, lower case written).  The randomness is
 *     libsodium's randombytes_buf(), which reads the kernel's CSPRNG
 *     (getrandom(2)).
 *
 * CAVEATS
 *     Seeded mode (glass_random_seed) makes every "random" byte predictable:
 *     it exists so that a lesson replays byte for byte, and must never be
 *     used for a key that protects anything.  glass_ct_mask_lt is correct
 *     only for inputs below 2^31.  glass_hex_print and glass_trace_print
 *     take a FILE* declared as void*, so the compiler cannot check it.
 *
 * SECURITY CONSIDERATIONS
 *     Compare MACs, tags and Finished values only with glass_ct_equal, never
 *     memcmp.  Wipe every buffer that held a secret with glass_wipe before
 *     it is freed or goes out of scope.  glass_write_file_atomic takes the
 *     file's mode at creation (0600 for keys), so a key is never readable
 *     by others even for an instant.
 *
 * CONSTANT TIME
 *     | function              | CT  | what leaks
 *     | glass_ct_equal        | yes | only len (volatile reads, no early exit);
 *     |                       |     | make ctgrind, case ct-equal
 *     | glass_ct_mask_eq, _lt | yes | nothing (branch-free arithmetic)
 *     | glass_wipe            | yes | only len
 *     | glass_mpz_wipe        | yes | only the allocated size of x (tested by a
 *     |                       |     | watching GMP allocator, test_common.c)
 *     | glass_ct_declassify   | —   | marks a verdict public; a no-op outside
 *     |                       |     | the make ctgrind build
 *     | glass_hex_*           | no  | each digit's range, through branches; the
 *     |                       |     | protocol never decodes a secret from hex
 *     | glass_random          | —   | libsodium's CSPRNG; nothing of its output
 */
#ifndef GLASS_COMMON_H
#define GLASS_COMMON_H

#include <gmp.h>
#include <stddef.h>
#include <stdint.h>

/* ---- errors ------------------------------------------------------------ */

/* Every function that can fail returns a glass_err; GLASS_OK is 0.  The list
 * and each value's message live in common/errors.def. */
typedef enum glass_err {
#define GLASS_ERR(name, msg) name,
#include "errors.def"
#undef GLASS_ERR
    GLASS_ERR_COUNT_
} glass_err;

/* A message for a person: what went wrong, in words.  Never NULL. */
const char *glass_strerror(glass_err e);

/* The enum constant's own name, e.g. "GLASS_ERR_AES_PADDING" (for tests). */
const char *glass_err_name(glass_err e);

/* ---- hex --------------------------------------------------------------- */

/* Writes 2*len lower-case hex digits and a NUL to out (out_cap >= 2*len+1). */
glass_err glass_hex_encode(char *out, size_t out_cap, const uint8_t *in, size_t len);

/* Decodes a hex string (upper or lower case, no spaces).  On success *out_len
 * is strlen(hex)/2.  GLASS_ERR_HEX_ODD for an odd number of digits,
 * GLASS_ERR_HEX for any other character, GLASS_ERR_BUFFER_TOO_SMALL if the
 * result would not fit in out_cap bytes. */
glass_err glass_hex_decode(uint8_t *out, size_t out_cap, size_t *out_len, const char *hex);

/* Same, allocating: *out is malloc'd (at least 1 byte, even for ""), the
 * caller frees it. */
glass_err glass_hex_decode_alloc(uint8_t **out, size_t *out_len, const char *hex);

/* Prints bytes as hex to a FILE* (declared void* to keep stdio out of here);
 * groups of `group` bytes separated by a space, 0 for none. */
void glass_hex_print(void *file, const uint8_t *in, size_t len, size_t group);

/* ---- constant time and wiping ----------------------------------------- */

/* Returns 1 if a[0..len) == b[0..len), else 0.  Looks at every byte whatever
 * it finds: an early exit would tell an attacker, through timing, how many
 * leading bytes of a forged MAC were right (the classic MAC-forgery-by-timing
 * attack).  CT: yes. */
int glass_ct_equal(const void *a, const void *b, size_t len);

/* Constant-time helpers on unsigned values: all-ones mask if the condition
 * holds, else 0.  Branch-free. */
static inline uint32_t glass_ct_mask_eq(uint32_t a, uint32_t b)
{
    uint32_t x = a ^ b;
    /* x == 0  <=>  ((x | -x) >> 31) == 0 */
    return ((x | (0u - x)) >> 31) - 1u;
}
static inline uint32_t glass_ct_mask_lt(uint32_t a, uint32_t b)
{
    /* a < b  <=>  borrow out of a - b (inputs below 2^31 in our uses) */
    return 0u - ((a - b) >> 31);
}

/* Marks p[0..len) as public from here on: a value computed from secrets
 * whose release is the design (a MAC check's verdict, a padding check's
 * verdict and the length it finds, "Z = 1").  It does nothing in a normal
 * build.  In the build of `make ctgrind` (compiled with GLASS_CTGRIND) it
 * tells valgrind's memcheck that the bytes are no longer secret, so that
 * the branch taken on them is not reported; every other branch or address
 * that depends on a secret is.  Each call is a claim a reader can check. */
void glass_ct_declassify(const void *p, size_t len);

/* Overwrites len bytes with zeros in a way the compiler may not remove
 * (a plain memset before free() is often optimised away). */
void glass_wipe(void *p, size_t len);

/* ask()'s answer (non-zero: yes), asked on the first call only and kept in
 * *known, a static int that starts at 0 (once.c); for CPUID questions. */
int glass_once(int *known, int (*ask)(void));

/* GMP integers that held secrets (mpz.c).  GMP has no wiping free of its
 * own, and a value that shrank (a reduction mod p, a subtraction) leaves
 * its old high limbs in the allocated block, beyond what mpz_size counts.
 * glass_mpz_wipe overwrites every allocated limb with zeros and leaves x
 * initialised and equal to 0; glass_mpz_clear_secret does that, then
 * mpz_clear.  Every mpz_t that held a key, an exponent, a DH secret or a
 * value derived from one goes through them.  (GMP's own scratch space,
 * inside mpz_powm_sec and friends, is beyond our reach.) */
void glass_mpz_wipe(mpz_t x);
void glass_mpz_clear_secret(mpz_t x);

/* ---- randomness ---------------------------------------------------------- */

/* The one randomness function of glasstls.  Normally libsodium's
 * randombytes_buf() (the kernel's CSPRNG).  In seeded mode every call is
 * randombytes_buf_deterministic() over the seed and a call counter, so a whole
 * run is reproducible byte for byte.  Returns GLASS_OK or GLASS_ERR_RANDOM. */
glass_err glass_random(uint8_t *buf, size_t len);

/* Switches the process to seeded, deterministic randomness (INSECURE: for
 * walkthroughs, gdb labs and golden tests).  Prints a loud warning on stderr
 * the first time.  Resets the call counter, so the same seed replays the same
 * bytes. */
void glass_random_seed(uint64_t seed);

/* 1 when seeded mode is on (apps print a banner), else 0. */
int glass_random_is_seeded(void);

/* The shape of every randomness callback: fills buf with len random bytes
 * and returns GLASS_OK or an error.  The protocol engine is handed one (so
 * two engines can each replay their own stream), and the primitives that
 * draw secrets (dh_generate) take one, so a handshake and a lesson reach
 * the same code.  A NULL callback means glass_random.  (protocol.h repeats
 * this typedef word for word, which C11 allows.) */
typedef glass_err (*glass_random_fn)(void *arg, uint8_t *buf, size_t len);

/* Calls cb(arg, buf, len), or glass_random(buf, len) when cb is NULL. */
glass_err glass_random_with(glass_random_fn cb, void *arg, uint8_t *buf, size_t len);

/* Seeds an independent deterministic stream (used by the protocol so that each
 * engine can be handed its own reproducible randomness). */
typedef struct glass_drbg {
    uint8_t seed[32];
    uint64_t counter;
} glass_drbg;
void glass_drbg_init(glass_drbg *d, uint64_t seed, uint32_t stream);
void glass_drbg_fill(glass_drbg *d, uint8_t *buf, size_t len);

/* ---- trace events -------------------------------------------------------- */

/* A trace event names a step ("SubBytes", "ServerKeyExchange.signature"),
 * explains it in one line for a learner, and shows the bytes involved.  Who
 * receives events is the caller's choice: a printer of annotated hex, a JSON
 * writer, or nobody (tracer NULL or fn NULL: one pointer test, nothing else). */
typedef void (*glass_trace_fn)(void *arg, const char *name, const char *explain,
                               const uint8_t *bytes, size_t len);
typedef struct glass_tracer {
    glass_trace_fn fn;
    void *arg;
} glass_tracer;

static inline void glass_trace(const glass_tracer *t, const char *name,
                               const char *explain, const uint8_t *bytes, size_t len)
{
    if (t != NULL && t->fn != NULL)
        t->fn(t->arg, name, explain, bytes, len);
}

/* A ready-made sink: prints "name: explain" then the bytes as hex (16 per
 * line) to the FILE* given as arg (stdout if NULL). */
void glass_trace_print(void *file, const char *name, const char *explain,
                       const uint8_t *bytes, size_t len);

/* ---- files ---------------------------------------------------------------- */

/* Reads a whole file ("-" is standard input) into a malloc'd buffer, with a
 * NUL after the last byte (so text can be used as a string).  Refuses files
 * larger than max_len bytes (GLASS_ERR_FILE_TOO_LARGE). */
glass_err glass_read_file(const char *path, size_t max_len, uint8_t **out, size_t *out_len);

/* Writes a file so that it is either wholly there or not at all: write to
 * PATH.tmp.XXXXXX in the same directory, fsync it, rename() it over PATH,
 * then fsync the directory.  mode is the file's permission bits (0600 for
 * keys).  A crash at any point leaves the old file or the new one, never half
 * of one. */
glass_err glass_write_file_atomic(const char *path, const uint8_t *data, size_t len,
                                  unsigned mode);

#endif
