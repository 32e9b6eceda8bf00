/*
 * fuzz.h — what the libFuzzer harnesses of tests/fuzz/ share.
 *
 * Each fuzz_NAME.c defines LLVMFuzzerTestOneInput for one parser and is
 * built by `make fuzz` with -fsanitize=fuzzer,address,undefined, the
 * library compiled with the same sanitizers (see README.md).  A harness
 * checks nothing by itself beyond "the parser returned": the sanitizers and
 * libFuzzer's own leak, timeout and memory limits do the judging.
 *
 * The engine harnesses need the protocol fixtures (tests/data/protocol/);
 * fuzz_fixture() finds them under $ROOT, else under GLASS_FUZZ_ROOT, the
 * source tree the harness was built from.
 */
#ifndef GLASS_FUZZ_H
#define GLASS_FUZZ_H

#include "common/common.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef GLASS_FUZZ_ROOT
#define GLASS_FUZZ_ROOT "."
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Reads tests/data/protocol/NAME into a malloc'd buffer; exits on failure
 * (a harness without its fixtures cannot run at all). */
static inline uint8_t *fuzz_fixture(const char *name, size_t *len)
{
    char path[1024];
    const char *root = getenv("ROOT");
    uint8_t *data = NULL;
    snprintf(path, sizeof path, "%s/tests/data/protocol/%s", root != NULL ? root : GLASS_FUZZ_ROOT,
             name);
    if (glass_read_file(path, 1u << 20, &data, len) != GLASS_OK) {
        fprintf(stderr, "fuzz: cannot read fixture %s (set ROOT to the source tree)\n", path);
        exit(2);
    }
    return data;
}

/* A NUL-terminated copy of the input, for parsers of text. */
static inline char *fuzz_strdup(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    if (s == NULL)
        return NULL;
    if (size > 0)
        memcpy(s, data, size);
    s[size] = '\0';
    return s;
}

/* The output stream for printers: their text goes nowhere, but every
 * byte of it is still formatted. */
static inline FILE *fuzz_devnull(void)
{
    static FILE *f;
    if (f == NULL)
        f = fopen("/dev/null", "w");
    return f;
}

#endif
