/*
 * password.h — what the key commands share: -inform/-outform, and the body
 * of `glass rsa` and `glass pkey`.  Where a password comes from
 * (pass:, env:, file:, fd:, stdin, the terminal) is io/io.h.
 */
#ifndef GLASS_APPS_PASSWORD_H
#define GLASS_APPS_PASSWORD_H

#include "common/common.h"
#include "io/io.h"

#include <stddef.h>

/* Passwords, key files and atomic outputs live in io/io.h, shared with the
 * rooms; these are their names from before io/ existed, kept for the
 * commands that still use them. */
#define APP_PASSWORD_MAX     IO_PASSWORD_MAX
#define app_password_get     io_password_get
#define app_password_free    io_password_free
#define app_load_private_key io_load_private_key
#define app_write_output     io_write_output

/* Parses "PEM" or "DER" (any case) for -inform/-outform: 1 for DER, 0 for
 * PEM, -1 (after printing an error) for anything else. */
int app_format_arg(const char *cmd, const char *flag, const char *value);

/* The body of `glass rsa` and `glass pkey` (they differ only in what -check
 * prints and in their help text): load a key, check or print it, convert
 * it between PKCS#1, PKCS#8, encrypted PKCS#8, SPKI and RSAPublicKey, PEM
 * or DER.  The options are one table (opt.h); synopsis, about and example
 * make each command's --help. */
int app_key_tool(const char *cmd, const char *synopsis, const char *about, const char *example,
                 int argc, char **argv);

#endif
