/*
 * io.h — the program's edge to a person and the disk, shared by the
 * commands (apps/) and the rooms under them (server/, client/, classroom/).
 *
 * SYNOPSIS
 *     return io_error("server", "--www: %s is not a directory", www);
 *     io_uint_arg("genrsa", "-bits", "2048", 2048, 8192, &bits);
 *     io_path_join(path, sizeof path, dir, "cert.pem");
 *     io_write_output("ca", "-out", pem, len, 0644);
 *     io_password_get("env:PW", "Enter pass phrase", 0, &pw); ... io_password_free(pw);
 *     io_load_private_key("req", "alice.key", "pass:x", &key);
 *
 * DESCRIPTION
 *     Every message a person sees from glass has one shape: one line
 *     "glass CMD: what was wrong" on standard error, and the command exits
 *     1 (io_error returns 1 so a function can `return io_error(...)`).
 *     The argument helpers name the flag in that line.  Outputs are written
 *     atomically (common/'s temp file, fsync, rename), so a failed command
 *     never leaves half a file.
 *
 *     Passwords come from where OpenSSL's -pass / -passin / -passout name
 *     them (see openssl-passphrase-options(1)):
 *
 *         pass:TEXT    the password itself (visible in `ps`: for tests and labs)
 *         env:VAR      the value of environment variable VAR
 *         file:PATH    the first line of PATH
 *         fd:N         the first line read from file descriptor N
 *         stdin        the first line of standard input
 *
 *     With no source at all, and a terminal attached, the user is asked at
 *     the terminal with echo turned off (termios), and asked twice when a
 *     new password is being set.
 *
 * SECURITY CONSIDERATIONS
 *     Passwords and key-file bytes are wiped before they are freed.  An
 *     empty password is refused: it would leave a key protected by nothing.
 */
#ifndef GLASS_IO_H
#define GLASS_IO_H

#include "common/common.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* ---- messages and arguments --------------------------------------------- */

/* Columns a UTF-8 text of n bytes takes on a terminal: one per character
 * (our texts hold "§" and "—", never wide characters).  The walkthrough and
 * the -trace output count with it to stay within 100 columns. */
size_t io_text_cols(const char *s, size_t n);

/* Prints "glass CMD: message" and a newline to stderr; returns 1 so a
 * command can `return io_error(...)`. */
int io_error(const char *cmd, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* io_error with a va_list. */
int io_verror(const char *cmd, const char *fmt, va_list ap);

/* 1 if any argument is -h, -help or --help. */
int io_wants_help(int argc, char **argv);

/* Decodes a hex command-line argument; on failure prints a message naming the
 * flag and returns 1.  *out is malloc'd. */
int io_hex_arg(const char *cmd, const char *flag, const char *hex, uint8_t **out, size_t *len);

/* Parses a decimal unsigned number in [min, max]; prints a message naming the
 * flag and returns 1 on failure. */
int io_uint_arg(const char *cmd, const char *flag, const char *text,
                unsigned long min, unsigned long max, unsigned long *out);

#ifdef GLASS_LAB_BUILD
/* The loud banner every insecure lab switch prints on stderr when it is on
 * (lab build only: `glass client --insecure`, `glass mitm`, the labs; the
 * normal build holds neither the switches nor this text). */
void io_insecure_banner(const char *what);
#endif

/* ---- files ----------------------------------------------------------------- */

/* Refuses an output path that cannot be written, before any work is done
 * for it (a key generated, a certificate signed and recorded in a CA's
 * index): its directory must exist and be writable, and the path itself must
 * not be a directory.  NULL and "-" mean standard output and pass.  flag
 * names the option in the message ("-out").  Returns 1 after printing one
 * line "glass CMD: ..." saying why, else 0.  A check, not a promise: the
 * write itself can still fail (a full disk), and must be checked too. */
int io_check_output(const char *cmd, const char *flag, const char *path);

/* "DIR/FILE" into out (cap bytes); 0, or -1 if it does not fit. */
int io_path_join(char *out, size_t cap, const char *dir, const char *file);

/* Writes data to path atomically with the given mode, or to standard output
 * when path is NULL or "-".  On failure prints the error and returns 1. */
int io_write_output(const char *cmd, const char *path, const void *data, size_t len,
                    unsigned mode);

/* ---- passwords and key files ---------------------------------------------- */

/* Longest password accepted, in bytes. */
#define IO_PASSWORD_MAX 1024

/* Gets a password from src (NULL: prompt on the terminal).  prompt is the
 * text shown when asking ("Enter pass phrase for ca.key"); confirm = 1 asks
 * twice and requires both answers to match (for a new password).  *out is a
 * malloc'd NUL-terminated string: release it with io_password_free, which
 * wipes it.  Errors: GLASS_ERR_PASSWORD_SOURCE (unknown source, unset
 * variable, no terminal to ask at), GLASS_ERR_PASSWORD_MISMATCH (the two
 * answers differ, or the password is empty), GLASS_ERR_FILE_OPEN,
 * GLASS_ERR_IO. */
glass_err io_password_get(const char *src, const char *prompt, int confirm, char **out);

/* Reports err from io_password_get(src, ...) for the option flag ("-pass")
 * of command cmd, and returns 1.  With no src and no terminal to ask at, the
 * message says that flag is required and lists the forms a source takes
 * ("glass ca: -pass is required: ..."); otherwise it names the source. */
int io_password_error(const char *cmd, const char *flag, const char *src, glass_err err);

/* Wipes and frees a password from io_password_get (NULL is fine). */
void io_password_free(char *pw);

/* Loads a private key file (PEM or DER, PKCS#1 / PKCS#8 / encrypted PKCS#8)
 * for command cmd.  The password comes from passin, or from a prompt when
 * the file is encrypted and no source is given.  On failure prints one line
 * "glass CMD: PATH: reason" and returns 1; 0 on success.  key must be
 * rsa_private_init'ed. */
struct rsa_private_key;
int io_load_private_key(const char *cmd, const char *path, const char *passin,
                        struct rsa_private_key *key);

#endif
