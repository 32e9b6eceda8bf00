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

#endif
