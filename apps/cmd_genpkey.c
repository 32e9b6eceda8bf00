/*
 * cmd_genpkey.c — `glass genpkey`: OpenSSL's genpkey, for the one algorithm
 * glasstls has (RSA, FIPS 186-5 §A.1.3 in rsa/).  Writes PKCS#8 "PRIVATE
 * KEY", or with a cipher flag "ENCRYPTED PRIVATE KEY" (PBES2: PBKDF2-
 * HMAC-SHA256, AES-256-CBC; RFC 8018 §6.2), atomically and mode 0600.
 *
 *   glass genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out k.pem
 *   glass genpkey -algorithm RSA -aes-256-cbc -pass pass:pw -out k.pem
 */
#include "apps.h"
#include "password.h"

#include "ca/ca.h"
#include "rsa/rsa.h"

#include <stdlib.h>
#include <string.h>

static void usage(void)
{
    printf("usage: glass genpkey -algorithm RSA [-pkeyopt rsa_keygen_bits:N]\n"
           "                     [-pkeyopt rsa_keygen_pubexp:65537] [-out FILE]\n"
           "                     [-aes-256-cbc | -aes256] [-pass SRC] [-outform PEM|DER]\n"
           "  -algorithm RSA   the only algorithm there is (RSA-PSS, EC, X25519 are not)\n"
           "  -pkeyopt         rsa_keygen_bits:N (%u..%u, default 2048);\n"
           "                   rsa_keygen_pubexp:65537 (the only exponent used)\n"
           "  -aes-256-cbc     encrypt the PKCS#8 key (PBES2), password from -pass SRC\n"
           "  SRC: pass:TEXT env:VAR file:PATH fd:N stdin\n"
           "example:\n"
           "  glass genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out ca.key\n"
           "  openssl pkey -in ca.key -noout -check\n",
           RSA_MIN_BITS, RSA_MAX_BITS);
}

/* -pkeyopt NAME:VALUE */
static int pkeyopt(const char *cmd, const char *opt, unsigned long *bits)
{
    if (strncmp(opt, "rsa_keygen_bits:", 16) == 0)
        return app_uint_arg(cmd, "-pkeyopt rsa_keygen_bits", opt + 16, RSA_MIN_BITS,
                            RSA_MAX_BITS, bits);
    if (strncmp(opt, "rsa_keygen_pubexp:", 18) == 0) {
        if (strcmp(opt + 18, "65537") == 0 || strcmp(opt + 18, "0x10001") == 0)
            return 0;
        return app_error(cmd, "-pkeyopt %s: only the exponent 65537 is supported", opt);
    }
    return app_error(cmd, "-pkeyopt '%s': known options are rsa_keygen_bits:N and "
                     "rsa_keygen_pubexp:65537", opt);
}

static int run(int argc, char **argv)
{
    const char *cmd = "genpkey";
    const char *alg = NULL, *out = NULL, *pass = NULL;
    unsigned long bits = 2048;
    int encrypt = 0, outder = 0, rc = 1;
    char *pw = NULL;
    uint8_t *data = NULL;
    size_t len = 0;
    rsa_private_key key;

    if (app_wants_help(argc, argv)) {
        usage();
        return 0;
    }
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int v = i + 1 < argc;
        if (strcmp(a, "-algorithm") == 0 && v)
            alg = argv[++i];
        else if (strcmp(a, "-pkeyopt") == 0 && v) {
            if (pkeyopt(cmd, argv[++i], &bits))
                return 1;
        } else if (strcmp(a, "-out") == 0 && v)
            out = argv[++i];
        else if ((strcmp(a, "-pass") == 0 || strcmp(a, "-passout") == 0) && v)
            pass = argv[++i];
        else if (strcmp(a, "-aes-256-cbc") == 0 || strcmp(a, "-aes256") == 0)
            encrypt = 1;
        else if (strcmp(a, "-outform") == 0 && v) {
            if ((outder = app_format_arg(cmd, a, argv[++i])) < 0)
                return 1;
        } else
            return app_error(cmd, "unknown or incomplete option '%s' (see glass genpkey --help)", a);
    }
    if (alg == NULL)
        return app_error(cmd, "-algorithm RSA is required (see glass genpkey --help)");
    if (strcmp(alg, "RSA") != 0 && strcmp(alg, "rsa") != 0)
        return app_error(cmd, "-algorithm %s: only RSA is implemented in glasstls", alg);
    if (bits % 2 != 0)
        return app_error(cmd, "rsa_keygen_bits must be even");
    if (pass != NULL && !encrypt)
        return app_error(cmd, "-pass is used with a cipher (-aes-256-cbc); without one "
                         "the key is written unencrypted");
    if (app_check_output(cmd, "-out", out) != 0)
        return 1;
    rsa_private_init(&key);
    if (encrypt) {
        glass_err err = app_password_get(pass, "Enter PEM pass phrase", 1, &pw);
        if (err != GLASS_OK) {
            io_password_error(cmd, "-pass", pass, err);
            goto cleanup;
        }
    }
    glass_err err = rsa_generate(&key, (unsigned)bits, RSA_DEFAULT_E);
    enum key_format fmt = encrypt ? KEY_FORMAT_PKCS8_ENCRYPTED : KEY_FORMAT_PKCS8;
    if (err == GLASS_OK)
        err = outder ? ca_key_encode_private(&key, fmt, pw, 0, &data, &len)
                     : ca_key_encode_private_pem(&key, fmt, pw, 0, &data, &len);
    if (err != GLASS_OK) {
        app_error(cmd, "%s", glass_strerror(err));
        goto cleanup;
    }
    rc = app_write_output(cmd, out, data, len, 0600);
cleanup:
    if (data != NULL) {
        glass_wipe(data, len);
        free(data);
    }
    app_password_free(pw);
    rsa_private_clear(&key);
    return rc;
}

const struct glass_command cmd_genpkey = {"genpkey", "generate a private key, OpenSSL's way (RSA)", run};
