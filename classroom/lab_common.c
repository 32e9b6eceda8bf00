/*
 * lab_common.c — output helpers for the lab-only commands (see
 * lab_common.h); their options are tables (io/opt.h).  Compiled to nothing outside the lab build.
 * CT: not relevant (argument parsing and printing).
 */
#include "classroom/lab_common.h"

#ifdef GLASS_LAB_BUILD

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* See lab_common.h. */
void lab_print_hex(const char *label, const uint8_t *b, size_t len)
{
    size_t indent = strlen(label) + 2;
    printf("%s: ", label);
    for (size_t i = 0; i < len; i++) {
        if (i > 0 && i % 32 == 0)
            printf("\n%*s", (int)indent, "");
        printf("%02x", b[i]);
    }
    printf("\n");
}

/* See lab_common.h. */
int lab_read(const char *cmd, const char *path, uint8_t **out, size_t *len)
{
    glass_err err = glass_read_file(path, 1u << 24, out, len);
    if (err != GLASS_OK)
        return io_error(cmd, "%s: %s", path, glass_strerror(err));
    return 0;
}

/* See lab_common.h. */
int lab_write(const char *cmd, const char *path, const uint8_t *data, size_t len)
{
    glass_err err = glass_write_file_atomic(path, data, len, 0644);
    if (err != GLASS_OK)
        return io_error(cmd, "%s: %s", path, glass_strerror(err));
    return 0;
}

#else
/* The normal build has no lab code; this keeps the file a valid C11 unit. */
typedef int lab_common_not_in_this_build;
#endif
