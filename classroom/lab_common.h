/*
 * lab_common.h — what the lab-only subcommands of `glass lab` share.
 *
 * Everything here exists only in the lab build (`make labs`, which defines
 * GLASS_LAB_BUILD).  The lab commands demonstrate attacks on deliberately
 * weakened variants (a sloppy signature verifier, a MAC-then-encrypt record,
 * RSA key transport); none of that code is reachable from the normal build.
 * Each lab command lives in classroom/lab_*.c, declares its options in one
 * table (io/opt.h), and is listed in the table of apps/cmd_lab.c.
 */
#ifndef GLASS_LAB_COMMON_H
#define GLASS_LAB_COMMON_H

#ifdef GLASS_LAB_BUILD

#include "io/io.h"
#include "io/opt.h"

#include <stddef.h>
#include <stdint.h>

/* One lab subcommand: `glass lab NAME ...`; argv[0] is NAME. */
struct lab_command {
    const char *name;
    const char *summary;
    int (*run)(int argc, char **argv);
};

/* Prints "label: hex" on one line (hex wrapped at 64 digits, continuation
 * lines indented under the first digit). */
void lab_print_hex(const char *label, const uint8_t *b, size_t len);

/* Parses argv for a lab command that takes options and no operands: the
 * page of io/opt.h (name, synopsis, about, the table, an example) without
 * the struct around it.  Returns OPT_RUN to go on, else the exit status
 * (help printed: 0; an error printed: 1). */
int lab_parse(const char *name, const char *synopsis, const char *about, const opt *opts,
              const char *example, int argc, char **argv);

/* Bytes from one of two spellings of an option, text or hex (-key TEXT or
 * -hexkey HEX; at most one is non-NULL): a malloc'd copy of the text, or the
 * hex decoded (an error naming hex_flag is printed).  0 on success. */
int lab_text_or_hex(const char *cmd, const char *hex_flag, const char *text, const char *hex,
                    uint8_t **out, size_t *len);

/* In a lab text file of lines "name = VALUE" (a lab key file, lab 7's
 * recording), the value of the first line named `name`, up to the end of
 * the line: a malloc'd string in *value.  0, or -1 when there is no such
 * line (or no memory). */
int lab_named_value(const char *text, const char *name, char **value);

/* Reads a whole file (or "-") for a lab command; prints the error itself. */
int lab_read(const char *cmd, const char *path, uint8_t **out, size_t *len);
/* Writes a file atomically; prints the error itself. */
int lab_write(const char *cmd, const char *path, const uint8_t *data, size_t len);

/* The commands, one per classroom/lab_*.c. */
int lab_length_extend(int argc, char **argv);
int lab_naive_mac(int argc, char **argv);
int lab_rsa_textbook(int argc, char **argv);
int lab_rsa_keygen(int argc, char **argv);
int lab_rsa_sign(int argc, char **argv);
int lab_rsa_forge_e3(int argc, char **argv);
int lab_rsa_verify(int argc, char **argv);
int lab_tamper(int argc, char **argv);
int lab_padding_oracle(int argc, char **argv);
int lab_fs_record(int argc, char **argv);
int lab_fs_decrypt(int argc, char **argv);
int lab_dh_mitm(int argc, char **argv);
int lab_dh_invalid(int argc, char **argv);

/* lab_rsa.c: the lax PKCS#1 v1.5 parser of 2006 (lab 3), on EM = s^e mod n
 * as k bytes: 1 if it "verifies" H.  Deliberately wrong. */
int lab_rsa_sloppy_verify(const uint8_t *EM, size_t k, const uint8_t H[32]);

#endif /* GLASS_LAB_BUILD */
#endif
