/*
 * lab_common.c — argument and output helpers for the lab-only commands
 * (see lab_common.h).  Compiled to nothing outside the lab build.
 * CT: not relevant (argument parsing and printing).
 */
#include "classroom/lab_common.h"

#ifdef GLASS_LAB_BUILD

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* See lab_common.h. */
const char *lab_opt(int argc, char **argv, const char *name, int *bad)
{
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], name) != 0)
            continue;
        if (i + 1 >= argc) {
            io_error(argv[0], "%s needs a value", name);
            *bad = 1;
            return NULL;
        }
        return argv[i + 1];
    }
    return NULL;
}

/* See lab_common.h. */
int lab_flag(int argc, char **argv, const char *name)
{
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], name) == 0)
            return 1;
    return 0;
}

static int in_list(const char *const *list, const char *s)
{
    for (size_t i = 0; list != NULL && list[i] != NULL; i++)
        if (strcmp(list[i], s) == 0)
            return 1;
    return 0;
}

/* See lab_common.h. */
int lab_check_args(const char *cmd, int argc, char **argv, const char *const *with_value,
                   const char *const *switches)
{
    for (int i = 1; i < argc; i++) {
        if (in_list(with_value, argv[i])) {
            if (i + 1 >= argc)
                return io_error(cmd, "%s needs a value", argv[i]);
            i++;
        } else if (!in_list(switches, argv[i])) {
            return io_error(cmd, "unknown argument '%s' (see --help)", argv[i]);
        }
    }
    return 0;
}

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
