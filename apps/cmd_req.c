/*
 * cmd_req.c — `glass req`: make a PKCS#10 certificate request (RFC 2986)
 * from a key and a subject, or inspect and verify one.
 */
#include "apps.h"
#include "password.h"

#include "asn1/asn1.h"
#include "ca/ca.h"
#include "rsa/rsa.h"

#include <stdlib.h>
#include <string.h>

static void usage(void)
{
    printf("usage: glass req -new -key FILE [-passin SRC] -subj /C=../O=../CN=.. [-out FILE]\n"
           "                 [-outform PEM|DER]\n"
           "       glass req -new -newkey rsa:BITS -keyout FILE [-passout SRC | -nodes] -subj ..\n"
           "       glass req -in FILE [-verify] [-text] [-subject] [-noout] [-pubkey]\n"
           "  -new      create a request signed with -key (proof that you hold the key)\n"
           "  -subj     OpenSSL's one-line name: C, ST, L, O, OU, CN, emailAddress; \\/ escapes /\n"
           "  -newkey   make a fresh key too, written to -keyout (mode 0600), encrypted\n"
           "            with -passout SRC (PBES2), unencrypted with -nodes\n"
           "  -verify   check a request's self-signature\n"
           "example:\n"
           "  glass genrsa -out alice.key\n"
           "  glass req -new -key alice.key -subj \"/C=BR/O=School/CN=alice\" -out alice.csr\n"
           "  openssl req -in alice.csr -noout -verify\n");
}

/* -newkey rsa:BITS: generates the key and writes it to keyout first, so the
 * request is never made for a key that was not saved. */
static int new_key(const char *cmd, const char *spec, const char *keyout, const char *passout,
                   int nodes, rsa_private_key *key)
{
    unsigned long bits;
    char *pw = NULL;
    uint8_t *pem = NULL;
    size_t pem_len = 0;
    int rc = 1;
    if (strncmp(spec, "rsa:", 4) != 0)
        return app_error(cmd, "-newkey must be rsa:BITS");
    if (app_uint_arg(cmd, "-newkey", spec + 4, RSA_MIN_BITS, RSA_MAX_BITS, &bits))
        return 1;
    if (keyout == NULL)
        return app_error(cmd, "-newkey needs -keyout FILE");
    if (!nodes) {
        glass_err err = app_password_get(passout, "Enter PEM pass phrase", 1, &pw);
        if (err != GLASS_OK)
            return app_error(cmd, "%s (or use -nodes for an unencrypted key)", glass_strerror(err));
    }
    glass_err err = rsa_generate(key, (unsigned)bits, RSA_DEFAULT_E);
    if (err == GLASS_OK)
        err = key_save_private_pem(key, pw, 0, &pem, &pem_len);
    if (err != GLASS_OK)
        app_error(cmd, "%s", glass_strerror(err));
    else
        rc = app_write_output(cmd, keyout, pem, pem_len, 0600);
    if (pem != NULL) {
        glass_wipe(pem, pem_len);
        free(pem);
    }
    app_password_free(pw);
    return rc;
}

static int run(int argc, char **argv)
{
    const char *cmd = "req";
    const char *key_path = NULL, *passin = NULL, *subj = NULL, *out = NULL, *in = NULL;
    const char *newkey = NULL, *keyout = NULL, *passout = NULL;
    int nodes = 0;
    int new_req = 0, outder = 0, verify = 0, text = 0, noout = 0, subject = 0, pubkey = 0;
    int rc = 1;
    rsa_private_key key;
    uint8_t *der = NULL, *data = NULL;
    size_t der_len = 0, data_len = 0;
    char *pem = NULL;
    size_t pem_len = 0;
    csr_info info;
    int have_info = 0;

    if (app_wants_help(argc, argv)) {
        usage();
        return 0;
    }
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int v = i + 1 < argc;
        if (strcmp(a, "-new") == 0)
            new_req = 1;
        else if (strcmp(a, "-key") == 0 && v)
            key_path = argv[++i];
        else if (strcmp(a, "-passin") == 0 && v)
            passin = argv[++i];
        else if (strcmp(a, "-newkey") == 0 && v)
            newkey = argv[++i];
        else if (strcmp(a, "-keyout") == 0 && v)
            keyout = argv[++i];
        else if (strcmp(a, "-passout") == 0 && v)
            passout = argv[++i];
        else if (strcmp(a, "-nodes") == 0 || strcmp(a, "-noenc") == 0)
            nodes = 1;
        else if (strcmp(a, "-subj") == 0 && v)
            subj = argv[++i];
        else if (strcmp(a, "-out") == 0 && v)
            out = argv[++i];
        else if (strcmp(a, "-in") == 0 && v)
            in = argv[++i];
        else if (strcmp(a, "-outform") == 0 && v) {
            if ((outder = app_format_arg(cmd, a, argv[++i])) < 0)
                return 1;
        } else if (strcmp(a, "-inform") == 0 && v) {
            if (app_format_arg(cmd, a, argv[++i]) < 0)
                return 1;
        } else if (strcmp(a, "-verify") == 0)
            verify = 1;
        else if (strcmp(a, "-text") == 0)
            text = 1;
        else if (strcmp(a, "-noout") == 0)
            noout = 1;
        else if (strcmp(a, "-subject") == 0)
            subject = 1;
        else if (strcmp(a, "-pubkey") == 0)
            pubkey = 1;
        else if (strcmp(a, "-sha256") == 0)
            continue;   /* the only digest there is */
        else
            return app_error(cmd, "unknown or incomplete option '%s' (see glass req --help)", a);
    }
    rsa_private_init(&key);
    memset(&info, 0, sizeof info);

    if (new_req) {
        /* Create: key + subject -> signed CertificationRequest. */
        if ((key_path == NULL) == (newkey == NULL) || subj == NULL) {
            app_error(cmd, "-new needs -subj NAME and one of -key FILE or -newkey rsa:BITS");
            goto cleanup;
        }
        /* Check the subject and the output paths first, so that nothing is
         * written (no -keyout key) when the request cannot be. */
        uint8_t *name = NULL;
        size_t name_len = 0;
        glass_err name_err = x509_name_from_string(subj, &name, &name_len);
        free(name);
        if (name_err != GLASS_OK) {
            app_error(cmd, "-subj '%s': %s", subj, glass_strerror(name_err));
            goto cleanup;
        }
        if (app_check_output(cmd, "-out", out) != 0 ||
            (newkey != NULL && app_check_output(cmd, "-keyout", keyout) != 0))
            goto cleanup;
        if (newkey != NULL) {
            if (new_key(cmd, newkey, keyout, passout, nodes, &key) != 0)
                goto cleanup;
        } else if (app_load_private_key(cmd, key_path, passin, &key) != 0) {
            goto cleanup;
        }
        glass_err err = csr_create(&key, subj, &der, &der_len);
        if (err != GLASS_OK) {
            app_error(cmd, "%s", glass_strerror(err));
            goto cleanup;
        }
    } else {
        if (in == NULL) {
            app_error(cmd, "give -new (to create) or -in FILE (to inspect)");
            goto cleanup;
        }
        glass_err err = glass_read_file(in, 1u << 20, &data, &data_len);
        if (err != GLASS_OK) {
            app_error(cmd, "%s: %s", in, glass_strerror(err));
            goto cleanup;
        }
        if (pem_detect(data, data_len)) {
            char label[PEM_LABEL_MAX];
            err = pem_decode((const char *)data, data_len, NULL, label, &der, &der_len, NULL);
            if (err == GLASS_OK && strcmp(label, PEM_CERTIFICATE_REQUEST) != 0 &&
                strcmp(label, "NEW CERTIFICATE REQUEST") != 0)
                err = GLASS_ERR_PEM_LABEL;
        } else {
            der = malloc(data_len ? data_len : 1);
            err = der == NULL ? GLASS_ERR_NOMEM : GLASS_OK;
            if (der != NULL) {
                memcpy(der, data, data_len);
                der_len = data_len;
            }
        }
        if (err != GLASS_OK) {
            app_error(cmd, "%s: %s", in, glass_strerror(err));
            goto cleanup;
        }
    }

    /* Parse (and so verify) what we have. */
    glass_err err = csr_parse_and_verify(der, der_len, &info);
    if (err != GLASS_OK) {
        app_error(cmd, "%s: %s", in != NULL ? in : "request", glass_strerror(err));
        goto cleanup;
    }
    have_info = 1;
    if (verify)
        fprintf(stderr, "Certificate request self-signature verify OK\n");
    if (subject)
        printf("subject=%s\n", info.subject);
    if (text) {
        printf("Certificate Request:\n    Data:\n        Version: 1 (0x0)\n"
               "        Subject: %s\n        Subject Public Key Info:\n"
               "            Public Key Algorithm: rsaEncryption\n"
               "                Public-Key: (%zu bit)\n"
               "    Signature Algorithm: sha256WithRSAEncryption (self-signature valid)\n",
               info.subject, mpz_sizeinbase(info.pub.n, 2));
    }
    if (pubkey) {
        char *pub_pem = NULL;
        size_t pub_len = 0;
        if (pem_encode(PEM_PUBLIC_KEY, info.spki_der, info.spki_len, &pub_pem, &pub_len) ==
            GLASS_OK)
            fwrite(pub_pem, 1, pub_len, stdout);
        free(pub_pem);
    }
    if (noout) {
        rc = 0;
        goto cleanup;
    }
    if (outder) {
        rc = app_write_output(cmd, out, der, der_len, 0644);
    } else {
        if ((err = pem_encode(PEM_CERTIFICATE_REQUEST, der, der_len, &pem, &pem_len)) != GLASS_OK) {
            app_error(cmd, "%s", glass_strerror(err));
            goto cleanup;
        }
        rc = app_write_output(cmd, out, pem, pem_len, 0644);
    }
cleanup:
    if (have_info)
        csr_info_free(&info);
    rsa_private_clear(&key);
    free(der);
    free(data);
    free(pem);
    return rc;
}

const struct glass_command cmd_req = {"req", "create or verify a PKCS#10 certificate request", run};
