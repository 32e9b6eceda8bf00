/*
 * password.h — where a command gets a password from, the way OpenSSL's
 * -pass / -passin / -passout arguments name it (see openssl-passphrase-options(1)):
 *
 *     pass:TEXT    the password itself (visible in `ps`: for tests and labs)
 *     env:VAR      the value of environment variable VAR
 *     file:PATH    the first line of PATH
 *     fd:N         the first line read from file descriptor N
 *     stdin        the first line of standard input
 *
 * With no source at all, and a terminal attached, the user is asked at the
 * terminal with echo turned off (termios), and asked twice when a new
 * password is being set.
 */
#ifndef GLASS_APPS_PASSWORD_H
#define GLASS_APPS_PASSWORD_H

#include "common/common.h"

#include <stddef.h>

/* Longest password accepted, in bytes. */
#define APP_PASSWORD_MAX 1024

/* Gets a password from src (NULL: prompt on the terminal).  prompt is the
 * text shown when asking ("Enter pass phrase for ca.key"); confirm = 1 asks
 * twice and requires both answers to match (for a new password).  *out is a
 * malloc'd NUL-terminated string: release it with app_password_free, which
 * wipes it.  Errors: GLASS_ERR_PASSWORD_SOURCE (unknown source, unset
 * variable, no terminal to ask at), GLASS_ERR_PASSWORD_MISMATCH (the two
 * answers differ, or the password is empty), GLASS_ERR_FILE_OPEN,
 * GLASS_ERR_IO. */
glass_err app_password_get(const char *src, const char *prompt, int confirm, char **out);

/* Wipes and frees a password from app_password_get (NULL is fine). */
void app_password_free(char *pw);

/* ---- key and output files, shared by genrsa, rsa, pkey, req, ca -------- */

/* Loads a private key file (PEM or DER, PKCS#1 / PKCS#8 / encrypted PKCS#8)
 * for command cmd.  The password comes from passin, or from a prompt when
 * the file is encrypted and no source is given.  On failure prints one line
 * "glass CMD: PATH: reason" and returns 1; 0 on success.  key must be
 * rsa_private_init'ed. */
struct rsa_private_key;
int app_load_private_key(const char *cmd, const char *path, const char *passin,
                         struct rsa_private_key *key);

/* Writes data to path atomically with the given mode, or to standard output
 * when path is NULL or "-".  On failure prints the error and returns 1. */
int app_write_output(const char *cmd, const char *path, const void *data, size_t len,
                     unsigned mode);

/* Parses "PEM" or "DER" (any case) for -inform/-outform: 1 for DER, 0 for
 * PEM, -1 (after printing an error) for anything else. */
int app_format_arg(const char *cmd, const char *flag, const char *value);

/* The body of `glass rsa` and `glass pkey` (they differ only in what -check
 * prints and in their help text): load a key, check or print it, convert
 * it between PKCS#1, PKCS#8, encrypted PKCS#8, SPKI and RSAPublicKey, PEM
 * or DER. */
int app_key_tool(const char *cmd, int argc, char **argv);

#endif
