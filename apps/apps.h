/*
 * apps.h — what the `glass` subcommands share.
 *
 * Each subcommand lives in its own file apps/cmd_NAME.c and defines
 *
 *     const struct glass_command cmd_NAME = { "NAME", "one-line summary", run };
 *
 * The Makefile finds every apps/cmd_*.c and lists it in the command table, so
 * adding a command touches no other file.  (The NIST runner is a room of
 * its own, nist/; see nist/nist.h.)
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

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct glass_command {
    const char *name;
    const char *summary;
    int (*run)(int argc, char **argv);   /* argv[0] is the command's name */
};

/* Prints "glass CMD: message" and a newline to stderr; returns 1 so a command
 * can `return app_error(...)`. */
int app_error(const char *cmd, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* 1 if any argument is -h, -help or --help. */
int app_wants_help(int argc, char **argv);

/* Decodes a hex command-line argument; on failure prints a message naming the
 * flag and returns 1.  *out is malloc'd. */
int app_hex_arg(const char *cmd, const char *flag, const char *hex, uint8_t **out, size_t *len);

/* Parses a decimal unsigned number in [min, max]; prints a message naming the
 * flag and returns 1 on failure. */
int app_uint_arg(const char *cmd, const char *flag, const char *text,
                 unsigned long min, unsigned long max, unsigned long *out);

/* Refuses an output path that cannot be written, before any work is done
 * for it (a key generated, a certificate signed and recorded in a CA's
 * index): its directory must exist and be writable, and the path itself must
 * not be a directory.  NULL and "-" mean standard output and pass.  flag
 * names the option in the message ("-out").  Returns 1 after printing one
 * line "glass CMD: ..." saying why, else 0.  A check, not a promise: the
 * write itself can still fail (a full disk), and must be checked too. */
int app_check_output(const char *cmd, const char *flag, const char *path);

#endif
