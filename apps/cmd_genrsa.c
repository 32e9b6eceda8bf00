/*
 * cmd_genrsa.c — `glass genrsa`: make an RSA private key (FIPS 186-5 §A.1.3
 * in rsa/) and write it as PKCS#8, optionally encrypted (PBES2).
 *
 * Like OpenSSL 3's genrsa, the output is a PKCS#8 "PRIVATE KEY"; -aes256
 * encrypts it ("ENCRYPTED PRIVATE KEY": PBKDF2-HMAC-SHA256 + AES-256-CBC);
 * -traditional writes PKCS#1 "RSA PRIVATE KEY" instead.  Key files are
 * written atomically with mode 0600.
 */
#include "apps.h"
#include "password.h"

#include "ca/ca.h"
#include "rsa/rsa.h"

#include <stdlib.h>
#include <string.h>

static void usage(FILE *f)
{
    fprintf(f,
            "usage: glass genrsa [-bits N | N] [-out FILE] [-aes256 -pass SRC] [-iter N]\n"
            "                    [-traditional]\n"
            "  -bits N        modulus size, %u..%u (default 2048)\n"
            "  -out FILE      where to write the key (default: standard output), mode 0600\n"
            "  -aes256        encrypt the key (PKCS#8 PBES2: PBKDF2-HMAC-SHA256, AES-256-CBC)\n"
            "  -pass SRC      password source: pass:TEXT env:VAR file:PATH fd:N stdin\n"
            "                 (-passout is the same; prompted for when missing)\n"
            "  -iter N        PBKDF2 iterations (default %u)\n"
            "  -traditional   write PKCS#1 RSAPrivateKey (unencrypted only)\n"
            "example:\n"
            "  glass genrsa -bits 2048 -aes256 -pass pass:secret -out alice.key\n"
            "  openssl pkey -in alice.key -passin pass:secret -noout -check\n",
            RSA_MIN_BITS, RSA_MAX_BITS, KEY_DEFAULT_ITERATIONS);
}

static int run(int argc, char **argv)
{
    const char *cmd = "genrsa";
    unsigned long bits = 2048, iter = KEY_DEFAULT_ITERATIONS;
    const char *out = NULL, *pass_src = NULL;
    int encrypt = 0, traditional = 0, rc = 1;
    char *pw = NULL;
    uint8_t *pem = NULL;
    size_t pem_len = 0;
    rsa_private_key key;

    if (app_wants_help(argc, argv)) {
        usage(stdout);
        return 0;
    }
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int has_value = i + 1 < argc;
        if (strcmp(a, "-bits") == 0 && has_value) {
            if (app_uint_arg(cmd, a, argv[++i], RSA_MIN_BITS, RSA_MAX_BITS, &bits))
                return 1;
        } else if (a[0] >= '0' && a[0] <= '9') {
            if (app_uint_arg(cmd, "numbits", a, RSA_MIN_BITS, RSA_MAX_BITS, &bits))
                return 1;
        } else if (strcmp(a, "-out") == 0 && has_value) {
            out = argv[++i];
        } else if ((strcmp(a, "-pass") == 0 || strcmp(a, "-passout") == 0) && has_value) {
            pass_src = argv[++i];
        } else if (strcmp(a, "-iter") == 0 && has_value) {
            if (app_uint_arg(cmd, a, argv[++i], 1, KEY_MAX_ITERATIONS, &iter))
                return 1;
        } else if (strcmp(a, "-aes256") == 0 || strcmp(a, "-aes-256-cbc") == 0) {
            encrypt = 1;
        } else if (strcmp(a, "-traditional") == 0) {
            traditional = 1;
        } else {
            app_error(cmd, "unknown or incomplete option '%s' (see glass genrsa --help)", a);
            return 1;
        }
    }
    if (bits % 2 != 0)
        return app_error(cmd, "-bits must be even");
    if (pass_src != NULL && !encrypt)
        encrypt = 1;    /* a password was asked for: honour it */
    if (traditional && encrypt)
        return app_error(cmd, "-traditional keys cannot be encrypted here; use PKCS#8 (-aes256)");

    rsa_private_init(&key);
    if (encrypt) {
        glass_err err = app_password_get(pass_src, "Enter PEM pass phrase", 1, &pw);
        if (err != GLASS_OK) {
            app_error(cmd, "%s: %s", pass_src ? pass_src : "(terminal prompt)", glass_strerror(err));
            goto cleanup;
        }
    }
    glass_err err = rsa_generate(&key, (unsigned)bits, RSA_DEFAULT_E);
    if (err != GLASS_OK) {
        app_error(cmd, "%s", glass_strerror(err));
        goto cleanup;
    }
    err = key_encode_private_pem(&key,
                                 traditional ? KEY_FORMAT_PKCS1
                                 : encrypt   ? KEY_FORMAT_PKCS8_ENCRYPTED
                                             : KEY_FORMAT_PKCS8,
                                 pw, (uint32_t)iter, &pem, &pem_len);
    if (err != GLASS_OK) {
        app_error(cmd, "%s", glass_strerror(err));
        goto cleanup;
    }
    rc = app_write_output(cmd, out, pem, pem_len, 0600);
cleanup:
    if (pem != NULL) {
        glass_wipe(pem, pem_len);
        free(pem);
    }
    app_password_free(pw);
    rsa_private_clear(&key);
    return rc;
}

const struct glass_command cmd_genrsa = {"genrsa", "generate an RSA private key (PKCS#8, optionally encrypted)", run};
