/*
 * speed.h — the benchmarks behind `glass speed` (never used by tests).
 *
 * Each family of algorithms has a file apps/speed_NAME.c defining
 *
 *     const struct speed_family speed_NAME = { "NAME", names, run };
 *
 * where names is a NULL-terminated list of the algorithm names it measures
 * (e.g. "sha256", "hmac-sha256") and run(name, seconds) measures one of them
 * for about `seconds` per figure and prints it in the layout `openssl speed`
 * uses for that kind of algorithm.  The Makefile lists every speed_*.c in
 * build/gen/speed.inc.
 *
 * Output layouts (so scripts/bench.sh can read both programs alike):
 *   throughput, like `openssl speed -evp`:
 *     type             16 bytes     64 bytes    256 bytes   1024 bytes   8192 bytes  16384 bytes
 *     sha256          123456.78k   ...            (thousands of bytes per second)
 *   public key, like `openssl speed rsa2048`:
 *                       sign    verify    sign/s verify/s
 *     rsa 2048 bits 0.000612s 0.000017s   1634.0  58823.5
 *   key agreement, like `openssl speed ffdh2048`:
 *                          op      op/s
 *      2048 bits ffdh   0.0012s    833.3
 */
#ifndef GLASS_SPEED_H
#define GLASS_SPEED_H

#include <stddef.h>
#include <stdint.h>

struct speed_family {
    const char *name;
    const char *const *names;                       /* NULL-terminated */
    int (*run)(const char *name, double seconds);   /* 0 on success */
};

/* The implementation `glass speed -impl NAME` asked for (NULL: each
 * family's default).  Families with a table of implementations (aes, sha)
 * look the name up and refuse one they do not have; the others ignore it. */
extern const char *speed_impl;

/* Seconds since an arbitrary point, monotonic, with sub-microsecond resolution. */
double speed_now(void);

/* The six block sizes of `openssl speed`: 16, 64, 256, 1024, 8192, 16384. */
extern const size_t speed_block_sizes[6];

/* Runs fn(arg, buf, len) on a len-byte buffer repeatedly for about `seconds`
 * per block size and prints one throughput line named `label` in the layout
 * above.  For symmetric algorithms. */
void speed_throughput(const char *label, double seconds,
                      void (*fn)(void *arg, uint8_t *buf, size_t len), void *arg);

/* Runs fn(arg) repeatedly for about `seconds`; returns operations per second. */
double speed_ops_per_sec(double seconds, void (*fn)(void *arg), void *arg);

/* The same on the process's CPU clock (CLOCK_PROCESS_CPUTIME_ID), as
 * `openssl speed` counts public-key operations (user CPU time unless given
 * -elapsed): the like-for-like figure, little moved by other programs. */
double speed_cpu_ops_per_sec(double seconds, void (*fn)(void *arg), void *arg);

#endif
