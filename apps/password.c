/*
 * password.c — the key commands' shared parts (see password.h): -inform /
 * -outform, and the body of `glass rsa` and `glass pkey` (load a key, check
 * or print it, write it in another format).  Passwords themselves come
 * from io/ (io_password_get).
 *
 * CT: not applicable here; rsa/ states its own.
 */
#include "password.h"

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
#include <termios.h>
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

/* See password.h. */
int app_key_tool(const char *cmd, int argc, char **argv)
{
    const char *in = NULL, *out = NULL, *passin = NULL, *passout = NULL;
    int outder = 0, pubin = 0, pubout = 0, rsapub_out = 0, text = 0, noout = 0, check = 0;
    int traditional = 0, encrypt = 0, rc = 1;
    unsigned long iter = KEY_DEFAULT_ITERATIONS;
    rsa_private_key key;
    rsa_public_key pub;
    uint8_t *der = NULL, *pem = NULL;
    size_t der_len = 0, pem_len = 0;
    char *pw = NULL;
    glass_err err;

    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int v = i + 1 < argc;
        if (strcmp(a, "-in") == 0 && v)
            in = argv[++i];
        else if (strcmp(a, "-out") == 0 && v)
            out = argv[++i];
        else if (strcmp(a, "-passin") == 0 && v)
            passin = argv[++i];
        else if (strcmp(a, "-passout") == 0 && v)
            passout = argv[++i];
        else if (strcmp(a, "-inform") == 0 && v) {
            if (app_format_arg(cmd, a, argv[++i]) < 0)
                return 1;
        } else if (strcmp(a, "-outform") == 0 && v) {
            if ((outder = app_format_arg(cmd, a, argv[++i])) < 0)
                return 1;
        } else if (strcmp(a, "-iter") == 0 && v) {
            if (app_uint_arg(cmd, a, argv[++i], 1, KEY_MAX_ITERATIONS, &iter))
                return 1;
        } else if (strcmp(a, "-pubin") == 0)
            pubin = 1;
        else if (strcmp(a, "-pubout") == 0)
            pubout = 1;
        else if (strcmp(a, "-RSAPublicKey_out") == 0)
            pubout = rsapub_out = 1;
        else if (strcmp(a, "-text") == 0)
            text = 1;
        else if (strcmp(a, "-noout") == 0)
            noout = 1;
        else if (strcmp(a, "-check") == 0)
            check = 1;
        else if (strcmp(a, "-traditional") == 0)
            traditional = 1;
        else if (strcmp(a, "-aes256") == 0 || strcmp(a, "-aes-256-cbc") == 0)
            encrypt = 1;
        else
            return app_error(cmd, "unknown or incomplete option '%s' (see glass %s --help)", a,
                             cmd);
    }
    if (in == NULL)
        return app_error(cmd, "-in FILE is required (see glass %s --help)", cmd);
    if (passout != NULL)
        encrypt = 1;
    if (encrypt && traditional)
        return app_error(cmd, "-traditional keys cannot be encrypted here; use PKCS#8");
    if (pubin && check)
        return app_error(cmd, "-check needs a private key");
    if (pubin)
        pubout = 1;

    rsa_private_init(&key);
    rsa_public_init(&pub);

    /* 1. Load. */
    if (pubin) {
        uint8_t *data = NULL;
        size_t len = 0;
        err = glass_read_file(in, 1u << 20, &data, &len);
        if (err == GLASS_OK)
            err = key_load_public(data, len, &pub);
        free(data);
        if (err != GLASS_OK) {
            app_error(cmd, "%s: %s", in, glass_strerror(err));
            goto cleanup;
        }
    } else {
        if (app_load_private_key(cmd, in, passin, &key) != 0)
            goto cleanup;
        rsa_public_from_private(&pub, &key);
    }

    /* 2. Check and print.  key_load_private has already run
     *    rsa_check_private, so a loaded key is a consistent key;
     *    app_key_check adds the primality of p and q and the notes. */
    if (check && app_key_check(cmd, &key) != 0)
        goto cleanup;
    if (text)
        print_key_text(stdout, &key, &pub, !pubin);
    if (noout) {
        rc = 0;
        goto cleanup;
    }

    /* 3. Encode what was asked for. */
    const char *label;
    if (pubout) {
        err = key_encode_public(&pub, !rsapub_out, &der, &der_len);
        label = rsapub_out ? "RSA PUBLIC KEY" : "PUBLIC KEY";
    } else {
        if (encrypt) {
            err = app_password_get(passout, "Enter PEM pass phrase", 1, &pw);
            if (err != GLASS_OK) {
                app_error(cmd, "%s: %s", passout ? passout : "(terminal prompt)",
                          glass_strerror(err));
                goto cleanup;
            }
        }
        enum key_format fmt = traditional ? KEY_FORMAT_PKCS1
                              : encrypt   ? KEY_FORMAT_PKCS8_ENCRYPTED
                                          : KEY_FORMAT_PKCS8;
        err = key_encode_private(&key, fmt, pw, (uint32_t)iter, &der, &der_len);
        label = traditional ? "RSA PRIVATE KEY" : encrypt ? "ENCRYPTED PRIVATE KEY" : "PRIVATE KEY";
    }
    if (err == GLASS_OK && !outder)
        err = pem_encode(label, der, der_len, (char **)&pem, &pem_len);
    if (err != GLASS_OK) {
        app_error(cmd, "%s", glass_strerror(err));
        goto cleanup;
    }
    if (!pubout && out == NULL)
        fprintf(stderr, "writing RSA key\n");
    rc = outder ? app_write_output(cmd, out, der, der_len, pubout ? 0644 : 0600)
                : app_write_output(cmd, out, pem, pem_len, pubout ? 0644 : 0600);
cleanup:
    if (der != NULL) {
        glass_wipe(der, der_len);
        free(der);
    }
    if (pem != NULL) {
        glass_wipe(pem, pem_len);
        free(pem);
    }
    app_password_free(pw);
    rsa_private_clear(&key);
    rsa_public_clear(&pub);
    return rc;
}
