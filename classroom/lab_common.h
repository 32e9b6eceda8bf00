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
