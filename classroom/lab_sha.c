/*
 * lab_sha.c — lab 2: why HMAC, and not SHA-256(key || message), is a MAC.
 * Lab build only.
 *
 * SHA-256 (FIPS 180-4) is a Merkle–Damgård hash: the digest IS the internal
 * state H0..H7 after the last block (§6.2.2 step 4 only writes the words out).
 * Whoever sees SHA-256(secret || msg) can therefore load those eight words
 * back into a sha256_ctx, tell it how many bytes it has "already" hashed, and
 * keep hashing: the result is SHA-256(secret || msg || pad || ext), where pad
 * is the padding of §5.1.1 the hash appended to secret || msg.  The attacker
 * needs the length of secret || msg, not the secret (in practice one tries
 * every plausible secret length).
 *
 * HMAC (FIPS 198-1) hashes the inner digest again under the key, so the
 * value an attacker sees is never a state it can resume.
 *
 * Read in this order: glue_padding(), lab_length_extend(), lab_naive_mac().
 * CT: not relevant — this is attack code, run on public values.
 */
#include "classroom/lab_common.h"
#include "io/opt.h"

#ifdef GLASS_LAB_BUILD

#include "sha/sha256.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* FIPS 180-4 §5.1.1: after a message of len bytes comes one 1 bit (0x80),
 * k zero bits so that the length is 448 mod 512, and the 64-bit big-endian
 * bit length.  Writes the padding to pad (at most 72 bytes); returns its size.
 *
 *     secret || msg || 80 00 .. 00 || len*8 (8 bytes)   = a multiple of 64 */
static size_t glue_padding(uint64_t len, uint8_t pad[72])
{
    size_t n = 0;
    pad[n++] = 0x80;
    while ((len + n) % SHA256_BLOCK_LEN != 56)
        pad[n++] = 0x00;
    uint64_t bits = len * 8;
    for (int i = 7; i >= 0; i--)
        pad[n++] = (uint8_t)(bits >> (8 * i));
    return n;
}

/* See lab_common.h. */
int lab_length_extend(int argc, char **argv)
{
    const char *cmd = "lab length-extend";
    const char *digest_hex = NULL, *len_text = NULL, *append = NULL, *append_hex = NULL,
               *out_suffix = NULL;
    const opt opts[] = {
        OPTION_STRING("-digest", NULL, "HEX",
                      "D = SHA-256(secret || msg), 64 hex digits", &digest_hex),
        OPTION_STRING("-len", NULL, "N", "the length of secret || msg in bytes", &len_text),
        OPTION_STRING("-append", NULL, "TEXT", "the extension, as text", &append),
        OPTION_STRING("-appendhex", NULL, "HEX", "the extension, in hex", &append_hex),
        OPTION_STRING("-out-suffix", NULL, "FILE",
                      "write pad || ext there, to append to the original message", &out_suffix),
        OPTION_END,
    };
    int st = lab_parse(
        cmd,
        "-digest HEX -len N (-append TEXT | -appendhex HEX)\n"
        "                                [-out-suffix FILE]",
        "Given D = SHA-256(secret || msg) and N = the length of secret || msg in bytes,\n"
        "prints SHA-256(secret || msg || pad || ext) and the suffix pad || ext,\n"
        "without knowing the secret: the digest is the hash's state (FIPS 180-4 §6.2.2),\n"
        "so it is loaded back into a sha256_ctx and hashing continues.\n",
        opts,
        "  glass lab length-extend -digest $(cat mac.hex) -len 29 -append '&admin=1' \\\n"
        "      -out-suffix suffix.bin\n",
        argc, argv);
    if (st != OPT_RUN)
        return st;
    int rc = 1;
    uint8_t *D = NULL, *ext = NULL, *suffix = NULL;
    size_t D_len = 0, ext_len = 0;
    unsigned long len = 0;
    if (digest_hex == NULL || len_text == NULL || (append == NULL) == (append_hex == NULL))
        return io_error(cmd, "needs -digest, -len and one of -append / -appendhex (see --help)");
    if (io_hex_arg(cmd, "-digest", digest_hex, &D, &D_len))
        goto cleanup;
    if (D_len != SHA256_DIGEST_LEN) {
        io_error(cmd, "-digest must be 32 bytes (64 hex digits), got %zu bytes", D_len);
        goto cleanup;
    }
    if (io_uint_arg(cmd, "-len", len_text, 0, 1ul << 30, &len) ||
        lab_text_or_hex(cmd, "-appendhex", append, append_hex, &ext, &ext_len))
        goto cleanup;

    /* 1. The padding the victim's hash appended after secret || msg. */
    uint8_t pad[72];
    size_t pad_len = glue_padding(len, pad);

    /* 2. Resume the hash: H0..H7 are the digest's eight big-endian words
     *    (FIPS 180-4 §6.2.2 step 4 in reverse), and len + pad_len bytes,
     *    a whole number of blocks, are already counted. */
    sha256_ctx c;
    sha256_init(&c);
    for (int i = 0; i < 8; i++)
        c.H[i] = (uint32_t)D[4 * i] << 24 | (uint32_t)D[4 * i + 1] << 16 |
                 (uint32_t)D[4 * i + 2] << 8 | (uint32_t)D[4 * i + 3];
    c.total_len = len + pad_len;
    c.block_len = 0;

    /* 3. Keep hashing the extension; sha256_final pads the longer message. */
    uint8_t forged[SHA256_DIGEST_LEN];
    sha256_update(&c, ext, ext_len);
    sha256_final(&c, forged);

    suffix = malloc(pad_len + ext_len + 1);
    if (suffix == NULL) {
        io_error(cmd, "%s", glass_strerror(GLASS_ERR_NOMEM));
        goto cleanup;
    }
    memcpy(suffix, pad, pad_len);
    memcpy(suffix + pad_len, ext, ext_len);
    printf("original length (secret || msg): %lu bytes\n", len);
    lab_print_hex("glue padding (FIPS 180-4 §5.1.1)", pad, pad_len);
    lab_print_hex("suffix = padding || extension", suffix, pad_len + ext_len);
    printf("forged message length: %lu bytes\n", len + (unsigned long)(pad_len + ext_len));
    lab_print_hex("forged SHA-256(secret || msg || padding || extension)", forged, sizeof forged);
    if (out_suffix != NULL && lab_write(cmd, out_suffix, suffix, pad_len + ext_len))
        goto cleanup;
    rc = 0;

cleanup:
    free(D);
    free(ext);
    free(suffix);
    return rc;
}

/* See lab_common.h. */
int lab_naive_mac(int argc, char **argv)
{
    const char *cmd = "lab naive-mac";
    const char *key_text = NULL, *key_hex = NULL, *in = NULL, *verify = NULL;
    const opt opts[] = {
        OPTION_STRING("-key", NULL, "TEXT", "the key, as text", &key_text),
        OPTION_STRING("-hexkey", NULL, "HEX", "the key, in hex", &key_hex),
        OPTION_STRING("-in", NULL, "FILE", "the message (default: standard input)", &in),
        OPTION_STRING("-verify", NULL, "HEX",
                      "compare with this MAC instead of printing it", &verify),
        OPTION_END,
    };
    int st = lab_parse(
        cmd, "(-key TEXT | -hexkey HEX) [-in FILE] [-verify HEX]",
        "The broken MAC of lab 2: prints SHA-256(key || message) in hex.  With -verify,\n"
        "compares (in constant time) and prints \"Verified OK\" (exit 0) or\n"
        "\"Verification failure\" (exit 1), as a server using this MAC would decide.\n",
        opts, "  glass lab naive-mac -key hunter2 -in order.txt -verify $(cat mac.hex)\n", argc,
        argv);
    if (st != OPT_RUN)
        return st;
    int rc = 1;
    uint8_t *key = NULL, *msg = NULL, *expect = NULL;
    size_t key_len = 0, msg_len = 0, expect_len = 0;
    if ((key_text == NULL) == (key_hex == NULL))
        return io_error(cmd, "needs one of -key or -hexkey (see --help)");
    if (lab_text_or_hex(cmd, "-hexkey", key_text, key_hex, &key, &key_len) ||
        lab_read(cmd, in != NULL ? in : "-", &msg, &msg_len))
        goto cleanup;
    if (verify != NULL && io_hex_arg(cmd, "-verify", verify, &expect, &expect_len))
        goto cleanup;

    /* tag = SHA-256(key || message): NOT a MAC (see the essay above). */
    uint8_t tag[SHA256_DIGEST_LEN];
    sha256_ctx c;
    sha256_init(&c);
    sha256_update(&c, key, key_len);
    sha256_update(&c, msg, msg_len);
    sha256_final(&c, tag);

    if (verify == NULL) {
        char hex[2 * SHA256_DIGEST_LEN + 1];
        glass_hex_encode(hex, sizeof hex, tag, sizeof tag);
        printf("%s\n", hex);
        rc = 0;
    } else if (expect_len == sizeof tag && glass_ct_equal(expect, tag, sizeof tag)) {
        printf("Verified OK\n");
        rc = 0;
    } else {
        printf("Verification failure\n");
    }

cleanup:
    if (key != NULL)
        glass_wipe(key, key_len);
    free(key);
    free(msg);
    free(expect);
    return rc;
}

#else
/* The normal build has no lab code; this keeps the file a valid C11 unit. */
typedef int lab_sha_not_in_this_build;
#endif
