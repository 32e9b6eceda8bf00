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
#include "opt.h"
#include "password.h"

#include "ca/ca.h"
#include "rsa/rsa.h"

#include <stdlib.h>
#include <string.h>

static int run(int argc, char **argv)
{
    const char *cmd = "genrsa";
    unsigned long bits = 2048, iter = KEY_DEFAULT_ITERATIONS;
    const char *out = NULL, *pass_src = NULL;
    int encrypt = 0, encrypt_cbc = 0, traditional = 0, rc = 1;
    char *pw = NULL;
    uint8_t *pem = NULL;
    size_t pem_len = 0;
    rsa_private_key key;
    const opt opts[] = {
        OPTION_UINT("-bits", "N", "modulus size (or give N on its own)", &bits,
                    RSA_MIN_BITS, RSA_MAX_BITS),
        OPTION_STRING("-out", NULL, "FILE",
                      "where to write the key (default: standard output), mode 0600", &out),
        OPTION_FLAG("-aes256", NULL,
                    "encrypt the key (PKCS#8 PBES2: PBKDF2-HMAC-SHA256, AES-256-CBC)", &encrypt),
        OPTION_FLAG("-aes-256-cbc", NULL, "the same as -aes256", &encrypt_cbc),
        OPTION_STRING("-pass", "-passout", "SRC",
                      "password source: pass:TEXT env:VAR file:PATH fd:N stdin\n"
                      "(prompted for when missing)", &pass_src),
        OPTION_UINT("-iter", "N", "PBKDF2 iterations", &iter, 1, KEY_MAX_ITERATIONS),
        OPTION_FLAG("-traditional", NULL, "write PKCS#1 RSAPrivateKey (unencrypted only)",
                    &traditional),
        OPTION_END,
    };
    const opt_command spec = {
        .name = cmd,
        .synopsis = "[-bits N | N] [-out FILE] [-aes256 -pass SRC] [-iter N] [-traditional]",
        .about = "Makes an RSA private key (FIPS 186-5 A.1.3) with e = 65537 and writes it\n"
                 "as PKCS#8, like OpenSSL 3's genrsa.\n",
        .opts = opts,
        .example = "  glass genrsa -bits 2048 -aes256 -pass pass:secret -out alice.key\n"
                   "  openssl pkey -in alice.key -passin pass:secret -noout -check\n",
        .anywhere = 1,
        .max_operands = 1,
        .operands = "numbits",
    };
    opt_operands rest;
    int st = opt_parse(&spec, argc, argv, &rest);
    if (st != OPT_RUN)
        return st;
    if (rest.n == 1 &&
        app_uint_arg(cmd, "numbits", rest.v[0], RSA_MIN_BITS, RSA_MAX_BITS, &bits) != 0)
        return 1;
    encrypt |= encrypt_cbc;
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
            io_password_error(cmd, "-pass", pass_src, err);
            goto cleanup;
        }
    }
    glass_err err = rsa_generate(&key, (unsigned)bits, RSA_DEFAULT_E);
    if (err != GLASS_OK) {
        app_error(cmd, "%s", glass_strerror(err));
        goto cleanup;
    }
    err = ca_key_encode_private_pem(&key,
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
