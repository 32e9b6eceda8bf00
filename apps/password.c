/*
 * password.c — the key commands' shared parts (see password.h): -inform /
 * -outform, and the body of `glass rsa` and `glass pkey` (load a key, check
 * or print it, write it in another format).  Passwords themselves come
 * from io/ (io_password_get).
 *
 * CT: not applicable here; rsa/ states its own.
 */
#include "password.h"
#include "opt.h"

#include "apps.h"
#include "asn1/asn1.h"
#include "ca/ca.h"
#include "rsa/rsa.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

/* See password.h. */
int app_format_arg(const char *cmd, const char *flag, const char *value)
{
    if (value != NULL && strcasecmp(value, "PEM") == 0)
        return 0;
    if (value != NULL && strcasecmp(value, "DER") == 0)
        return 1;
    app_error(cmd, "%s must be PEM or DER", flag);
    return -1;
}

static void print_mpz(FILE *f, const char *name, const mpz_t x)
{
    size_t n = (mpz_sizeinbase(x, 2) + 7) / 8;
    uint8_t *buf = malloc(n + 1);
    size_t got = 0;
    if (buf == NULL)
        return;
    buf[0] = 0;
    mpz_export(buf + 1, &got, 1, 1, 1, 0, x);
    /* As OpenSSL prints it: a leading 00 when the top bit is set. */
    int lead = got > 0 && (buf[1] & 0x80) != 0;
    const uint8_t *p = lead ? buf : buf + 1;
    size_t len = got + (size_t)lead;
    fprintf(f, "%s:", name);
    for (size_t i = 0; i < len; i++)
        fprintf(f, "%s%02x%s", i % 15 == 0 ? "\n    " : "", p[i], i + 1 < len ? ":" : "");
    fputc('\n', f);
    glass_wipe(buf, n + 1);
    free(buf);
}

static void print_key_text(FILE *f, const rsa_private_key *k, const rsa_public_key *pub, int priv)
{
    const mpz_srcptr e = priv ? k->e : pub->e;
    if (priv) {
        fprintf(f, "Private-Key: (%zu bit, 2 primes)\n", mpz_sizeinbase(k->n, 2));
        print_mpz(f, "modulus", k->n);
    } else {
        fprintf(f, "Public-Key: (%zu bit)\n", mpz_sizeinbase(pub->n, 2));
        print_mpz(f, "Modulus", pub->n);
    }
    fprintf(f, "%s: %lu (0x%lx)\n", priv ? "publicExponent" : "Exponent", mpz_get_ui(e),
            mpz_get_ui(e));
    if (priv) {
        print_mpz(f, "privateExponent", k->d);
        print_mpz(f, "prime1", k->p);
        print_mpz(f, "prime2", k->q);
        print_mpz(f, "exponent1", k->dP);
        print_mpz(f, "exponent2", k->dQ);
        print_mpz(f, "coefficient", k->qInv);
    }
}

/* -inform / -outform PEM|DER into an int (1: DER). */
static int take_format(const char *cmd, const char *flag, const char *value, void *dest)
{
    int der = app_format_arg(cmd, flag, value);
    if (der < 0)
        return 1;
    *(int *)dest = der;
    return 0;
}

/* What app_key_tool was asked to do. */
struct key_job {
    const char *in, *out, *passin, *passout;
    int inder, outder, pubin, pubout, rsapub_out, text, noout, check, traditional, encrypt;
    unsigned long iter;
};

/* 1. Loads the key: a public key with -pubin, else a private one (and its
 *    public half).  0, or 1 after saying why. */
static int key_tool_load(const char *cmd, const struct key_job *j, rsa_private_key *key,
                         rsa_public_key *pub)
{
    if (!j->pubin) {
        if (io_load_private_key(cmd, j->in, j->passin, key) != 0)
            return 1;
        rsa_public_from_private(pub, key);
        return 0;
    }
    uint8_t *data = NULL;
    size_t len = 0;
    glass_err err = glass_read_file(j->in, 1u << 20, &data, &len);
    if (err == GLASS_OK)
        err = ca_key_load_public(data, len, pub);
    free(data);
    if (err != GLASS_OK)
        return app_error(cmd, "%s: %s", j->in, glass_strerror(err));
    return 0;
}

/* 3. Encodes what was asked for (public or private, PKCS#1, PKCS#8 or
 *    encrypted PKCS#8, PEM or DER) and writes it atomically. */
static int key_tool_write(const char *cmd, const struct key_job *j, const rsa_private_key *key,
                          const rsa_public_key *pub)
{
    uint8_t *der = NULL, *pem = NULL;
    size_t der_len = 0, pem_len = 0;
    char *pw = NULL;
    const char *label;
    int rc = 1;
    glass_err err;
    if (j->pubout) {
        err = ca_key_encode_public(pub, !j->rsapub_out, &der, &der_len);
        label = j->rsapub_out ? "RSA PUBLIC KEY" : "PUBLIC KEY";
    } else {
        if (j->encrypt) {
            err = io_password_get(j->passout, "Enter PEM pass phrase", 1, &pw);
            if (err != GLASS_OK)
                return io_password_error(cmd, "-passout", j->passout, err);
        }
        enum key_format fmt = j->traditional ? KEY_FORMAT_PKCS1
                              : j->encrypt   ? KEY_FORMAT_PKCS8_ENCRYPTED
                                             : KEY_FORMAT_PKCS8;
        err = ca_key_encode_private(key, fmt, pw, (uint32_t)j->iter, &der, &der_len);
        label = j->traditional ? "RSA PRIVATE KEY"
                : j->encrypt   ? "ENCRYPTED PRIVATE KEY"
                               : "PRIVATE KEY";
    }
    if (err == GLASS_OK && !j->outder)
        err = pem_encode(label, der, der_len, (char **)&pem, &pem_len);
    if (err != GLASS_OK) {
        app_error(cmd, "%s", glass_strerror(err));
        goto cleanup;
    }
    if (!j->pubout && j->out == NULL)
        fprintf(stderr, "writing RSA key\n");
    rc = j->outder ? io_write_output(cmd, j->out, der, der_len, j->pubout ? 0644 : 0600)
                   : io_write_output(cmd, j->out, pem, pem_len, j->pubout ? 0644 : 0600);
cleanup:
    if (der != NULL) {
        glass_wipe(der, der_len);
        free(der);
    }
    if (pem != NULL) {
        glass_wipe(pem, pem_len);
        free(pem);
    }
    io_password_free(pw);
    return rc;
}

/* See password.h. */
int app_key_tool(const char *cmd, const char *synopsis, const char *about, const char *example,
                 int argc, char **argv)
{
    struct key_job j;
    int aes = 0, aes_cbc = 0, rc = 1;
    rsa_private_key key;
    rsa_public_key pub;
    memset(&j, 0, sizeof j);
    j.iter = KEY_DEFAULT_ITERATIONS;
    const opt opts[] = {
        OPTION_STRING("-in", NULL, "FILE", "the key to read (required)", &j.in),
        OPTION_CALL("-inform", "PEM|DER", "its format (either is recognised anyway)", &j.inder,
                    take_format),
        OPTION_STRING("-passin", NULL, "SRC", "its password: pass:TEXT env:VAR file:PATH fd:N\n"
                      "stdin (prompted for when missing)", &j.passin),
        OPTION_FLAG("-pubin", NULL, "the input is a public key", &j.pubin),
        OPTION_FLAG("-check", NULL, "check the private key; notes on what is unusual", &j.check),
        OPTION_FLAG("-text", NULL, "print the key's numbers", &j.text),
        OPTION_FLAG("-noout", NULL, "write no key", &j.noout),
        OPTION_FLAG("-pubout", NULL, "write the SubjectPublicKeyInfo (\"PUBLIC KEY\")", &j.pubout),
        OPTION_FLAG("-RSAPublicKey_out", NULL, "write the PKCS#1 RSAPublicKey instead",
                    &j.rsapub_out),
        OPTION_FLAG("-traditional", NULL, "write PKCS#1 \"RSA PRIVATE KEY\" instead of PKCS#8",
                    &j.traditional),
        OPTION_FLAG("-aes256", NULL, "encrypt the output (PBES2: PBKDF2-HMAC-SHA256,\n"
                    "AES-256-CBC)", &aes),
        OPTION_FLAG("-aes-256-cbc", NULL, "the same as -aes256", &aes_cbc),
        OPTION_STRING("-passout", NULL, "SRC", "the output's password (implies -aes256)",
                      &j.passout),
        OPTION_UINT("-iter", "N", "PBKDF2 iterations for the output", &j.iter, 1,
                    KEY_MAX_ITERATIONS),
        OPTION_STRING("-out", NULL, "FILE", "where to write (default: standard output)", &j.out),
        OPTION_CALL("-outform", "PEM|DER", "the output's format (default PEM)", &j.outder,
                    take_format),
        OPTION_END,
    };
    const opt_command spec = {
        .name = cmd, .synopsis = synopsis, .about = about, .opts = opts, .example = example,
        .max_operands = 0,
    };
    opt_operands rest;
    int st = opt_parse(&spec, argc, argv, &rest);
    if (st != OPT_RUN)
        return st;
    j.encrypt = aes || aes_cbc || j.passout != NULL;
    j.pubout |= j.rsapub_out | j.pubin;
    if (j.in == NULL)
        return app_error(cmd, "-in FILE is required (see glass %s --help)", cmd);
    if (j.encrypt && j.traditional)
        return app_error(cmd, "-traditional keys cannot be encrypted here; use PKCS#8");
    if (j.pubin && j.check)
        return app_error(cmd, "-check needs a private key");
    rsa_private_init(&key);
    rsa_public_init(&pub);
    if (key_tool_load(cmd, &j, &key, &pub) != 0)
        goto cleanup;
    /* 2. Check and print.  ca_key_load_private has already run
     *    rsa_check_private, so a loaded key is a consistent key;
     *    app_key_check adds the primality of p and q and the notes. */
    if (j.check && app_key_check(cmd, &key) != 0)
        goto cleanup;
    if (j.text)
        print_key_text(stdout, &key, &pub, !j.pubin);
    rc = j.noout ? 0 : key_tool_write(cmd, &j, &key, &pub);
cleanup:
    rsa_private_clear(&key);
    rsa_public_clear(&pub);
    return rc;
}
