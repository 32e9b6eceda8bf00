/*
 * speed_util.c — timing helpers for `glass speed` (see speed.h).
 */
#define _POSIX_C_SOURCE 200809L
#include "speed.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

const char *speed_impl = NULL;

const size_t speed_block_sizes[6] = {16, 64, 256, 1024, 8192, 16384};

/* See speed.h. */
double speed_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* See speed.h.  Checks the clock every `batch` calls so timing costs little. */
double speed_ops_per_sec(double seconds, void (*fn)(void *arg), void *arg)
{
    unsigned long count = 0, batch = 1;
    double start = speed_now(), elapsed = 0;
    fn(arg); /* warm up caches and lazy set-up */
    start = speed_now();
    do {
        for (unsigned long i = 0; i < batch; i++)
            fn(arg);
        count += batch;
        elapsed = speed_now() - start;
        if (elapsed < seconds / 20 && batch < (1ul << 20))
            batch *= 2;
    } while (elapsed < seconds);
    return (double)count / elapsed;
}

/* CPU seconds used by this process so far. */
static double cpu_now(void)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts) != 0)
        return speed_now();
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* See speed.h. */
double speed_cpu_ops_per_sec(double seconds, void (*fn)(void *arg), void *arg)
{
    unsigned long count = 0, batch = 1;
    double start, elapsed = 0;
    fn(arg);                            /* warm up */
    start = cpu_now();
    do {
        for (unsigned long i = 0; i < batch; i++)
            fn(arg);
        count += batch;
        elapsed = cpu_now() - start;
        if (elapsed < seconds / 20 && batch < (1ul << 20))
            batch *= 2;
    } while (elapsed < seconds);
    return (double)count / elapsed;
}

/* See speed.h. */
void speed_throughput(const char *label, double seconds,
                      void (*fn)(void *arg, uint8_t *buf, size_t len), void *arg)
{
    static int header_done = 0;
    uint8_t *buf = calloc(1, 16384 + 64);
    if (buf == NULL)
        return;
    if (!header_done) {
        printf("type       ");
        for (int i = 0; i < 6; i++)
            printf("  %6zu bytes", speed_block_sizes[i]);
        printf("\n");
        header_done = 1;
    }
    printf("%-11s", label);
    fflush(stdout);
    for (int i = 0; i < 6; i++) {
        size_t len = speed_block_sizes[i];
        unsigned long count = 0, batch = 1;
        fn(arg, buf, len);
        double start = speed_now(), elapsed = 0;
        do {
            for (unsigned long j = 0; j < batch; j++)
                fn(arg, buf, len);
            count += batch;
            elapsed = speed_now() - start;
            if (elapsed < seconds / 20 && batch < (1ul << 22))
                batch *= 2;
        } while (elapsed < seconds);
        printf(" %12.2fk", (double)count * (double)len / elapsed / 1000.0);
        fflush(stdout);
    }
    printf("\n");
    free(buf);
}
