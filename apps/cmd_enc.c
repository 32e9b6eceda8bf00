/*
 * cmd_enc.c — `glass enc`: AES-256 encryption and decryption of a file, in
 * the manner of `openssl enc`, and a FIPS 197 round-by-round trace.
 *
 *   glass enc -aes-256-cbc -e -K HEX -iv HEX [-nopad] [-in F] [-out F]
 *   glass enc --trace [-d] -K HEX [-in F]
 *
 * With the same flags the output is byte for byte what `openssl enc` writes
 * (raw binary; PKCS#7 padding for ECB and CBC unless -nopad).  Differences,
 * all on purpose: a key or IV of the wrong length is an error here, where
 * openssl pads it with zeros or cuts it; nothing is written when
 * decryption fails (openssl may have written part of the output already);
 * and -aes-256-gcm works (openssl enc refuses AEAD ciphers): the 16-byte
 * tag follows the ciphertext, and -d checks it before releasing anything.
 *
 * -impl NAME binds the key to one entry of aes.h's table of implementations
 * (ref, table, ct, ct-gf, hw; "fast" is table) for every mode, GCM's GHASH
 * being that entry's partner; without it the default aes256_init chooses
 * (constant time: hw where the CPU has AES-NI, else ct).  The output is the
 * same bytes whichever runs.
 */
#include "apps.h"
#include "aes/aes.h"
#include "opt.h"

#include <stdlib.h>
#include <string.h>

#define ENC_MAX_INPUT (1024ul * 1024ul * 1024ul)    /* 1 GiB */

enum cipher { C_NONE, C_ECB, C_CBC, C_CTR, C_GCM };

/* The trace sink: "round[ 1].s_box    63cab704..." as in FIPS 197 C.3. */
static void print_step(void *arg, const char *name, const char *explain, const uint8_t *bytes,
                       size_t len)
{
    (void)explain;
    FILE *f = arg;
    fprintf(f, "%-18s ", name);
    for (size_t i = 0; i < len; i++)
        fprintf(f, "%02x", bytes[i]);
    fputc('\n', f);
}

static int write_output(const char *out_path, const uint8_t *data, size_t len)
{
    if (out_path != NULL) {
        glass_err err = glass_write_file_atomic(out_path, data, len, 0644);
        if (err != GLASS_OK)
            return app_error("enc", "%s: %s", out_path, glass_strerror(err));
        return 0;
    }
    if ((len > 0 && fwrite(data, 1, len, stdout) != len) || fflush(stdout) != 0)
        return app_error("enc", "cannot write to standard output");
    return 0;
}

static int run_trace(const aes256_ctx *key_ctx, const uint8_t *key, int decrypt,
                     const uint8_t *in, size_t in_len)
{
    if (in_len != AES_BLOCK_LEN)
        return app_error("enc", "--trace needs exactly one 16-byte block of input, got %zu bytes",
                         in_len);
    aes256_ctx c = *key_ctx;
    glass_tracer tr = {print_step, stdout};
    uint8_t out[AES_BLOCK_LEN];
    printf("%-18s ", decrypt ? "CIPHERTEXT:" : "PLAINTEXT:");
    glass_hex_print(stdout, in, in_len, 0);
    printf("\n%-18s ", "KEY:");
    glass_hex_print(stdout, key, AES256_KEY_LEN, 0);
    printf("\n%s\n", decrypt ? "INVERSE CIPHER (DECRYPT):" : "CIPHER (ENCRYPT):");
    aes256_set_trace(&c, &tr);
    if (decrypt)
        aes256_decrypt_block(&c, in, out);
    else
        aes256_encrypt_block(&c, in, out);
    aes256_clear(&c);
    fflush(stdout);
    return 0;
}

/* The command line, checked for known options and values only. */
struct enc_options {
    enum cipher cipher;
    int decrypt, nopad, trace;
    const char *key_hex, *iv_hex, *aad_hex, *impl, *in_path, *out_path;
};

/* Fills o from argv through the option table (io/opt.h), which also
 * prints --help; OPT_RUN, or the exit status after the help or an error. */
static int parse_options(int argc, char **argv, struct enc_options *o)
{
    int ecb = 0, cbc = 0, ctr = 0, gcm = 0, enc = 0;
    const opt opts[] = {
        OPTION_FLAG("-aes-256-ecb", NULL, "AES-256 in ECB mode (PKCS#7 padding)", &ecb),
        OPTION_FLAG("-aes-256-cbc", NULL, "AES-256 in CBC mode (PKCS#7 padding)", &cbc),
        OPTION_FLAG("-aes-256-ctr", NULL, "AES-256 in CTR mode", &ctr),
        OPTION_FLAG("-aes-256-gcm", NULL,
                    "AES-256-GCM: the 16-byte tag follows the ciphertext;\n"
                    "-d checks and removes it", &gcm),
        OPTION_FLAG("-e", NULL, "encrypt (the default)", &enc),
        OPTION_FLAG("-d", NULL, "decrypt", &o->decrypt),
        OPTION_STRING("-K", NULL, "HEX", "the 32-byte key, 64 hex digits", &o->key_hex),
        OPTION_STRING("-iv", NULL, "HEX",
                      "the IV: 16 bytes for cbc, the initial counter block\n"
                      "for ctr, any length (12 recommended) for gcm; not used by ecb",
                      &o->iv_hex),
        OPTION_FLAG("-nopad", NULL, "no PKCS#7 padding (ecb, cbc): whole blocks only",
                    &o->nopad),
        OPTION_STRING("-aad", NULL, "HEX", "gcm only: additional authenticated data",
                      &o->aad_hex),
        OPTION_STRING("-impl", NULL, "NAME",
                      "which AES (and GHASH) runs: ref (FIPS 197 step by step),\n"
                      "table (T-tables: fast, but leaks the key through cache\n"
                      "timing; also: fast), ct (bitsliced, constant time), ct-gf\n"
                      "(S-box computed, constant time, slow), hw (AES-NI and\n"
                      "PCLMULQDQ); default: hw if the CPU has it, else ct", &o->impl),
        OPTION_STRING("-in", NULL, "FILE", "the input; - is standard input", &o->in_path),
        OPTION_STRING("-out", NULL, "FILE", "the output (standard output if none)",
                      &o->out_path),
        OPTION_FLAG("--trace", "-trace",
                    "encrypt (or with -d decrypt) exactly one 16-byte block\n"
                    "with the reference cipher and print the state after every\n"
                    "step of every round, in the layout of FIPS 197 Appendix C.3", &o->trace),
        OPTION_END,
    };
    const opt_command spec = {
        .name = "enc",
        .synopsis = "-aes-256-ecb|-aes-256-cbc|-aes-256-ctr|-aes-256-gcm [-e|-d] -K HEX\n"
                    "          [-iv HEX] [-nopad] [-aad HEX] [-impl NAME] [-in FILE] [-out FILE]\n"
                    "       glass enc --trace [-e|-d] -K HEX [-in FILE]",
        .about = "Encrypts (-e, the default) or decrypts (-d) FILE with AES-256 and writes\n"
                 "raw bytes, byte for byte as `openssl enc` does with the same flags.\n",
        .opts = opts,
        .example =
            "  glass enc -aes-256-cbc -e -K $(openssl rand -hex 32) -iv $(openssl rand -hex 16) \\\n"
            "      -in notes.txt -out notes.enc\n"
            "  glass enc -aes-256-gcm -impl ct -K $(openssl rand -hex 32) -iv $(openssl rand -hex 12) \\\n"
            "      -in notes.txt -out notes.gcm\n"
            "  printf '\\000\\021\\042\\063\\104\\125\\146\\167\\210\\231\\252\\273\\314\\335\\356\\377' |\n"
            "      glass enc --trace -K 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n",
    };
    opt_operands rest;
    memset(o, 0, sizeof *o);
    o->in_path = "-";
    int st = opt_parse(&spec, argc, argv, &rest);
    if (st != OPT_RUN)
        return st;
    if (ecb + cbc + ctr + gcm > 1)
        return app_error("enc", "give one cipher, not %d", ecb + cbc + ctr + gcm);
    if (enc && o->decrypt)
        return app_error("enc", "-e and -d: give one of them");
    o->cipher = ecb ? C_ECB : cbc ? C_CBC : ctr ? C_CTR : gcm ? C_GCM : C_NONE;
    return OPT_RUN;
}

/* Runs the chosen mode over in[0..in_len) into out (out_cap >= in_len + 32):
 * the padding added or checked for ECB and CBC, the GCM tag appended or
 * checked.  0 with the outcome in *err, or 1 after printing what was wrong
 * with the input. */
static int run_cipher(const struct enc_options *o, const aes256_ctx *c, const uint8_t *iv,
                      size_t iv_len, const uint8_t *aad, size_t aad_len, const uint8_t *in,
                      size_t in_len, uint8_t *out, size_t *out_len, glass_err *err)
{
    enum cipher cipher = o->cipher;
    int decrypt = o->decrypt, nopad = o->nopad;
    int padded = !nopad && (cipher == C_ECB || cipher == C_CBC);
    if ((cipher == C_ECB || cipher == C_CBC) && (decrypt || nopad) && in_len % AES_BLOCK_LEN != 0) {
        app_error("enc", "%s is not a whole number of 16-byte blocks (%zu bytes)",
                  decrypt ? "ciphertext" : "input with -nopad", in_len);
        return 1;
    }
    if (padded && decrypt && in_len == 0) {
        app_error("enc", "bad decrypt: no ciphertext (a padded message has at least one block)");
        return 1;
    }
    switch (cipher) {
    case C_ECB:
    case C_CBC: {
        size_t body = in_len;
        if (padded && !decrypt) {
            /* Pad into out, then encrypt in place (PKCS#7, RFC 5652 §6.3). */
            uint8_t k = (uint8_t)(AES_BLOCK_LEN - in_len % AES_BLOCK_LEN);
            memcpy(out, in, in_len);
            memset(out + in_len, k, k);
            body = in_len + k;
        } else {
            memcpy(out, in, in_len);
        }
        if (cipher == C_ECB)
            *err = decrypt ? aes256_ecb_decrypt(c, out, body, out)
                          : aes256_ecb_encrypt(c, out, body, out);
        else
            *err = decrypt ? aes256_cbc_decrypt(c, iv, out, body, out)
                          : aes256_cbc_encrypt(c, iv, out, body, out);
        *out_len = body;
        if (*err == GLASS_OK && padded && decrypt)
            *err = aes_pkcs7_unpad(out, body, out_len);
        break;
    }
    case C_CTR: {
        uint8_t counter[AES_BLOCK_LEN];
        memcpy(counter, iv, AES_BLOCK_LEN);
        *err = aes256_ctr_xor(c, counter, in, in_len, out);
        *out_len = in_len;
        break;
    }
    case C_GCM:
        if (!decrypt) {
            *err = aes256_gcm_encrypt(c, iv, iv_len, aad, aad_len, in, in_len, out, out + in_len,
                                     AES_GCM_TAG_LEN);
            *out_len = in_len + AES_GCM_TAG_LEN;
        } else if (in_len < AES_GCM_TAG_LEN) {
            app_error("enc", "bad decrypt: input is shorter than the 16-byte GCM tag");
            return 1;
        } else {
            *out_len = in_len - AES_GCM_TAG_LEN;
            *err = aes256_gcm_decrypt(c, iv, iv_len, aad, aad_len, in, *out_len, in + *out_len,
                                     AES_GCM_TAG_LEN, out);
        }
        break;
    default:
        *err = GLASS_ERR_INTERNAL;
        break;
    }
    return 0;
}

/* The entry of aes.h's table named by -impl; 0, or 1 after saying why not. */
static int choose_impl(const char *impl, int trace, const aes_impl **chosen)
{
    *chosen = aes_impl_by_name(impl);
    if (*chosen == NULL)
        return app_error("enc", "-impl: '%s' is not ref, table, ct, ct-gf or hw", impl);
    if (!aes_impl_available(*chosen))
        return app_error("enc", "-impl %s: this CPU lacks the instructions", impl);
    if (trace)
        return app_error("enc", "-impl with --trace: the trace is the reference cipher's");
    return 0;
}

/* One line on stderr for a failed encryption or decryption. */
static void report_failure(glass_err err)
{
    if (err == GLASS_ERR_AES_PADDING)
        app_error("enc", "bad decrypt: padding check failed (wrong key or IV, or not padded: "
                         "try -nopad)");
    else if (err == GLASS_ERR_AES_TAG)
        app_error("enc", "bad decrypt: GCM tag does not match (wrong key, IV or AAD, or the "
                         "data was altered)");
    else
        app_error("enc", "%s", glass_strerror(err));
}

static int run(int argc, char **argv)
{
    struct enc_options o;
    int status = 1;
    const aes_impl *chosen = NULL;
    uint8_t *key = NULL, *iv = NULL, *aad = NULL, *in = NULL, *out = NULL;
    size_t key_len = 0, iv_len = 0, aad_len = 0, in_len = 0, out_len = 0, out_cap = 0;
    aes256_ctx c;
    memset(&c, 0, sizeof c);

    int st = parse_options(argc, argv, &o);
    if (st != OPT_RUN)
        return st;
    enum cipher cipher = o.cipher;
    int decrypt = o.decrypt, trace = o.trace;
    const char *key_hex = o.key_hex, *iv_hex = o.iv_hex, *aad_hex = o.aad_hex, *impl = o.impl;
    const char *in_path = o.in_path, *out_path = o.out_path;

    /* 0. Which implementation (NULL: the default). */
    if (impl != NULL && choose_impl(impl, trace, &chosen) != 0)
        return 1;

    /* 1. The key and IV: present, valid hex, the right length. */
    if (key_hex == NULL)
        return app_error("enc", "-K is required: the 32-byte key as 64 hex digits");
    if (!trace && cipher == C_NONE)
        return app_error("enc", "no cipher: give -aes-256-ecb, -aes-256-cbc, -aes-256-ctr "
                                "or -aes-256-gcm");
    if (app_hex_arg("enc", "-K", key_hex, &key, &key_len) != 0)
        goto cleanup;
    if (key_len != AES256_KEY_LEN) {
        app_error("enc", "-K: AES-256 key must be 32 bytes (64 hex digits), got %zu bytes",
                  key_len);
        goto cleanup;
    }
    if (!trace && cipher != C_ECB) {
        if (iv_hex == NULL) {
            app_error("enc", "-iv is required for this cipher");
            goto cleanup;
        }
        if (app_hex_arg("enc", "-iv", iv_hex, &iv, &iv_len) != 0)
            goto cleanup;
        if (cipher != C_GCM && iv_len != AES_BLOCK_LEN) {
            app_error("enc", "-iv: IV must be 16 bytes (32 hex digits), got %zu bytes", iv_len);
            goto cleanup;
        }
        if (cipher == C_GCM && iv_len == 0) {
            app_error("enc", "-iv: a GCM IV must be at least 1 byte (12 recommended)");
            goto cleanup;
        }
    } else if (!trace && iv_hex != NULL) {
        fprintf(stderr, "warning: iv not used by this cipher\n");
    }
    if (aad_hex != NULL) {
        if (cipher != C_GCM) {
            app_error("enc", "-aad is for -aes-256-gcm only");
            goto cleanup;
        }
        if (app_hex_arg("enc", "-aad", aad_hex, &aad, &aad_len) != 0)
            goto cleanup;
    }
    if (aes256_init_impl(&c, key, key_len, chosen) != GLASS_OK) {
        app_error("enc", "cannot set up the key");
        goto cleanup;
    }

    /* 2. The input. */
    glass_err err = glass_read_file(in_path, ENC_MAX_INPUT, &in, &in_len);
    if (err != GLASS_OK) {
        app_error("enc", "%s: %s", strcmp(in_path, "-") == 0 ? "standard input" : in_path,
                  glass_strerror(err));
        goto cleanup;
    }
    if (trace) {
        status = run_trace(&c, key, decrypt, in, in_len);
        goto cleanup;
    }

    /* 3. The cipher. */
    out_cap = in_len + 2 * AES_BLOCK_LEN;
    out = malloc(out_cap);
    if (out == NULL) {
        app_error("enc", "out of memory");
        goto cleanup;
    }
    if (run_cipher(&o, &c, iv, iv_len, aad, aad_len, in, in_len, out, &out_len, &err) != 0)
        goto cleanup;
    if (err != GLASS_OK) {
        report_failure(err);
        goto cleanup;
    }

    /* 4. The output, only once everything succeeded. */
    status = write_output(out_path, out, out_len);

cleanup:
    aes256_clear(&c);
    if (key != NULL)
        glass_wipe(key, key_len);
    if (out != NULL)
        glass_wipe(out, out_cap);
    if (in != NULL)
        glass_wipe(in, in_len);
    free(key);
    free(iv);
    free(aad);
    free(in);
    free(out);
    return status;
}

const struct glass_command cmd_enc = {
    "enc", "AES-256 encryption and decryption (ECB, CBC, CTR, GCM), like openssl enc", run
};
