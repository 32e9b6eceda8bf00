/*
 * apps.h — what the `glass` subcommands share.
 *
 * Each subcommand lives in its own file apps/cmd_NAME.c and defines
 *
 *     const struct glass_command cmd_NAME = { "NAME", "one-line summary", run };
 *
 * The Makefile finds every apps/cmd_*.c and lists it in the command table, so
 * adding a command touches no other file.  Likewise each family of NIST
 * vector files has a handler in apps/vec_NAME.c defining
 *
 *     const struct vec_handler vec_NAME = { ... };
 *
 * A command parses its options with one table (opt.h), which also prints
 * its --help, and calls a room (server/, client/, classroom/, ...).
 *
 * Conventions for commands:
 *   - `--help` (and `-h`) prints usage with an example and exits 0;
 *   - errors print one line "glass NAME: what was wrong" to stderr and the
 *     command returns 1; never a crash;
 *   - flags take OpenSSL's names where OpenSSL has the same thing.
 */
#ifndef GLASS_APPS_H
#define GLASS_APPS_H

#include "common/common.h"
#include "io/io.h"
#include "rsp.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct glass_command {
    const char *name;
    const char *summary;
    int (*run)(int argc, char **argv);   /* argv[0] is the command's name */
};

/* The helpers every command uses (one error line "glass CMD: ...", number
 * and hex arguments, output paths) live in io/io.h, shared with the rooms.
 * These are their names from before io/ existed, kept for the commands
 * that still use them. */
#define app_error        io_error
#define app_wants_help   io_wants_help
#define app_hex_arg      io_hex_arg
#define app_uint_arg     io_uint_arg
#define app_check_output io_check_output

/* `glass ca enroll-code --dir D NAME [--expires SECONDS]` (ca_enroll.c);
 * argv[0] is "enroll-code".  Returns the exit status. */
int ca_enroll_code_main(int argc, char **argv);

/* ---- NIST vector handlers ---------------------------------------------- */

typedef struct vec_run {
    const char *path;           /* the file as named on the command line */
    const char *base;           /* its base name */
    unsigned long passed, failed, skipped;
    int malformed;              /* set by vec_malformed */
    /* distinct skip reasons, each with its count, printed after the file */
    const char *skip_reason[8];
    unsigned long skip_count[8];
} vec_run;

struct vec_handler {
    const char *name;           /* e.g. "SHA-256", shown on the file's line */
    /* Returns 1 if this handler runs the file (judged by base name and the
     * file's header comments). */
    int (*claims)(const char *base, const rsp_file *f);
    /* Runs every record, calling vec_pass/vec_fail/vec_skip for each case,
     * and vec_malformed (then returning) for a file it cannot make sense of. */
    void (*run)(vec_run *run, const rsp_file *f);
};

void vec_pass(vec_run *r);
/* Prints "FAIL FILE COUNT=n (line L): FIELD expected E, got A". */
void vec_fail(vec_run *r, const rsp_record *rec, const char *field,
              const char *expected, const char *actual);
void vec_fail_bytes(vec_run *r, const rsp_record *rec, const char *field,
                    const uint8_t *expected, size_t expected_len,
                    const uint8_t *actual, size_t actual_len);
/* Compares and calls vec_pass or vec_fail_bytes; returns 1 if equal. */
int vec_check_bytes(vec_run *r, const rsp_record *rec, const char *field,
                    const uint8_t *expected, size_t expected_len,
                    const uint8_t *actual, size_t actual_len);
void vec_skip(vec_run *r, const rsp_record *rec, const char *reason);
/* Prints "FILE:LINE: malformed: ..." and marks the run malformed. */
void vec_malformed(vec_run *r, size_t line, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
/* Fetches field NAME of the record as bytes from hex.  On a missing field or
 * bad hex calls vec_malformed and returns -1; else 0 (*out malloc'd, at
 * least one byte). */
int vec_field_hex(vec_run *r, const rsp_record *rec, const char *name,
                  uint8_t **out, size_t *len);
/* The record's COUNT (or Count) as text, "?" if it has none. */
const char *vec_count(const rsp_record *rec);

#endif
