/*
 * lab_common.c — what the lab-only commands share (see lab_common.h):
 * parsing their option tables (io/opt.h), text-or-hex arguments, files in
 * and out, hex on the screen.  Compiled to nothing outside the lab build.
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
int lab_parse(const char *name, const char *synopsis, const char *about, const opt *opts,
              const char *example, int argc, char **argv)
{
    const opt_command spec = {name, synopsis, about, opts, example, 0, 0, 0, NULL, 0};
    opt_operands rest;
    return opt_parse(&spec, argc, argv, &rest);
}

/* See lab_common.h. */
int lab_text_or_hex(const char *cmd, const char *hex_flag, const char *text, const char *hex,
                    uint8_t **out, size_t *len)
{
    if (hex != NULL)
        return io_hex_arg(cmd, hex_flag, hex, out, len);
    *len = strlen(text);
    *out = malloc(*len + 1);
    if (*out == NULL)
        return io_error(cmd, "%s", glass_strerror(GLASS_ERR_NOMEM));
    memcpy(*out, text, *len + 1);
    return 0;
}

/* See lab_common.h. */
int lab_named_value(const char *text, const char *name, char **value)
{
    size_t nl = strlen(name);
    for (const char *line = text; line != NULL && *line != '\0';) {
        if (strncmp(line, name, nl) == 0 && strncmp(line + nl, " = ", 3) == 0) {
            const char *v = line + nl + 3;
            size_t vl = strcspn(v, "\r\n");
            *value = malloc(vl + 1);
            if (*value == NULL)
                return -1;
            memcpy(*value, v, vl);
            (*value)[vl] = '\0';
            return 0;
        }
        line = strchr(line, '\n');
        if (line != NULL)
            line++;
    }
    return -1;
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
