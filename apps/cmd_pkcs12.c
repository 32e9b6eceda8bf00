/*
 * cmd_pkcs12.c — `glass pkcs12`: write a PKCS#12 file (a certificate, its
 * chain and its key under one password, for a browser) or read one, with
 * openssl pkcs12's flags.  The format's layers are in ca/pkcs12.c; `glass
 * asn1parse -inform DER -in c.p12` shows them byte by byte.
 *
 *   glass pkcs12 -export -in c.pem -inkey k.pem -certfile ca.pem -name alice \
 *       -out c.p12 -passout pass:pw
 *   glass pkcs12 -in c.p12 -passin pass:pw -nokeys -info
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
    printf("usage: glass pkcs12 -export -in CERT [-inkey KEY] [-passin SRC] [-certfile CHAIN]\n"
           "                    [-name NAME] [-iter N] -out FILE.p12 [-passout SRC]\n"
           "       glass pkcs12 -in FILE.p12 [-passin SRC] [-info] [-nokeys | -nocerts]\n"
           "                    [-clcerts | -cacerts] [-nodes | -passout SRC] [-out FILE]\n"
           "  -export    write: the certificate and the key from -in/-inkey (-passin: the\n"
           "             key file's password), -certfile certificates as the chain, all\n"
           "             under the -passout password: PBES2 (PBKDF2-HMAC-SHA256,\n"
           "             AES-256-CBC) for the bags, an HMAC-SHA256 MAC over the whole\n"
           "  -in F.p12  read: check the MAC with -passin, print certificates and key as PEM\n"
           "  -info      say how each layer is protected (on standard error)\n"
           "  -nodes     write the key unencrypted (else encrypted with -passout)\n"
           "  -password SRC   both -passin and -passout\n"
           "example:\n"
           "  glass pkcs12 -export -in alice.pem -inkey alice.key -certfile ca.pem \\\n"
           "      -name alice -out alice.p12 -passout pass:secret\n"
           "  openssl pkcs12 -in alice.p12 -passin pass:secret -info -nokeys\n");
}

struct p12_args {
    const char *in, *inkey, *certfile, *name, *out, *passin, *passout;
    int do_export, info, nokeys, nocerts, clcerts, cacerts, nodes;
    unsigned long iter;
};

static int parse_args(int argc, char **argv, struct p12_args *a)
{
    const char *cmd = "pkcs12";
    memset(a, 0, sizeof *a);
    a->iter = PKCS12_DEFAULT_ITERATIONS;
    for (int i = 1; i < argc; i++) {
        const char *o = argv[i];
        int v = i + 1 < argc;
        const char **value = strcmp(o, "-in") == 0         ? &a->in
                             : strcmp(o, "-inkey") == 0    ? &a->inkey
                             : strcmp(o, "-certfile") == 0 ? &a->certfile
                             : strcmp(o, "-name") == 0     ? &a->name
                             : strcmp(o, "-out") == 0      ? &a->out
                             : strcmp(o, "-passin") == 0   ? &a->passin
                             : strcmp(o, "-passout") == 0  ? &a->passout
                                                           : NULL;
        if (value != NULL && v)
            *value = argv[++i];
        else if (strcmp(o, "-password") == 0 && v)
            a->passin = a->passout = argv[++i];
        else if (strcmp(o, "-iter") == 0 && v) {
            if (app_uint_arg(cmd, o, argv[++i], 1, KEY_MAX_ITERATIONS, &a->iter))
                return 1;
        } else if (strcmp(o, "-export") == 0)
            a->do_export = 1;
        else if (strcmp(o, "-info") == 0)
            a->info = 1;
        else if (strcmp(o, "-nokeys") == 0)
            a->nokeys = 1;
        else if (strcmp(o, "-nocerts") == 0)
            a->nocerts = 1;
        else if (strcmp(o, "-clcerts") == 0)
            a->clcerts = 1;
        else if (strcmp(o, "-cacerts") == 0)
            a->cacerts = 1;
        else if (strcmp(o, "-nodes") == 0 || strcmp(o, "-noenc") == 0)
            a->nodes = 1;
        else
            return app_error(cmd, "unknown or incomplete option '%s' (see glass pkcs12 --help)", o);
    }
    if (a->in == NULL)
        return app_error(cmd, "-in FILE is required (see glass pkcs12 --help)");
    if (a->do_export && a->name != NULL && strlen(a->name) >= PKCS12_NAME_MAX)
        return app_error(cmd, "-name: at most %u characters", PKCS12_NAME_MAX - 1);
    return 0;
}

/* -export: certificate, key and chain in; the PFX out. */
static int do_export(const struct p12_args *a)
{
    const char *cmd = "pkcs12";
    x509_cert *certs = NULL, *chain = NULL;
    size_t n = 0, n_chain = 0;
    rsa_private_key key;
    char *pw = NULL;
    uint8_t *der = NULL;
    size_t der_len = 0;
    int rc = 1;
    glass_err err;
    rsa_private_init(&key);
    if ((err = x509_load_pem_file(a->in, &certs, &n)) != GLASS_OK) {
        app_error(cmd, "-in %s: %s", a->in, glass_strerror(err));
        goto cleanup;
    }
    if (a->certfile != NULL && (err = x509_load_pem_file(a->certfile, &chain, &n_chain)) != GLASS_OK) {
        app_error(cmd, "-certfile %s: %s", a->certfile, glass_strerror(err));
        goto cleanup;
    }
    if (n + n_chain > PKCS12_MAX_CERTS) {
        app_error(cmd, "at most %u certificates in one file", PKCS12_MAX_CERTS);
        goto cleanup;
    }
    if (app_load_private_key(cmd, a->inkey != NULL ? a->inkey : a->in, a->passin, &key) != 0 ||
        app_check_output(cmd, "-out", a->out) != 0)
        goto cleanup;
    if (mpz_cmp(key.n, certs[0].pub.n) != 0) {
        app_error(cmd, "the key in %s is not the key of the certificate in %s",
                  a->inkey != NULL ? a->inkey : a->in, a->in);
        goto cleanup;
    }
    if ((err = app_password_get(a->passout, "Enter Export Password", 1, &pw)) != GLASS_OK) {
        io_password_error(cmd, "-passout", a->passout, err);
        goto cleanup;
    }
    /* Further certificates in -in join the chain, as with OpenSSL. */
    x509_cert *extra = chain;
    size_t n_extra = n_chain;
    if (n > 1) {
        x509_cert *all = realloc(chain, (n_chain + n - 1) * sizeof *all);
        if (all == NULL) {
            app_error(cmd, "%s", glass_strerror(GLASS_ERR_NOMEM));
            goto cleanup;
        }
        memcpy(all + n_chain, certs + 1, (n - 1) * sizeof *all);
        chain = extra = all;
        n_chain = n_extra = n_chain + n - 1;
        n = 1;      /* those certificates now belong to chain */
    }
    err = pkcs12_create(&key, &certs[0], extra, n_extra, a->name, pw, (uint32_t)a->iter, &der,
                        &der_len);
    if (err != GLASS_OK)
        app_error(cmd, "%s", glass_strerror(err));
    else
        rc = app_write_output(cmd, a->out, der, der_len, 0600);
cleanup:
    app_password_free(pw);
    rsa_private_clear(&key);
    x509_free_all(certs, n);
    x509_free_all(chain, n_chain);
    free(der);
    return rc;
}

/* Prints one certificate as openssl pkcs12 does: attributes, names, PEM. */
static void print_cert(FILE *f, const x509_cert *c, const char *name)
{
    char *pem = NULL;
    size_t len = 0;
    if (name != NULL && name[0] != '\0')
        fprintf(f, "Bag Attributes\n    friendlyName: %s\n", name);
    else
        fprintf(f, "Bag Attributes: <No Attributes>\n");
    fprintf(f, "subject=%s\nissuer=%s\n", c->subject, c->issuer);
    if (pem_encode(PEM_CERTIFICATE, c->der, c->der_len, &pem, &len) == GLASS_OK)
        fwrite(pem, 1, len, f);
    free(pem);
}

/* The key, unencrypted (-nodes) or under -passout. */
static int print_key(FILE *f, const struct p12_args *a, const pkcs12_contents *c)
{
    char *pw = NULL;
    uint8_t *pem = NULL;
    size_t len = 0;
    glass_err err = GLASS_OK;
    if (!a->nodes && (err = app_password_get(a->passout, "Enter PEM pass phrase", 1, &pw)) != GLASS_OK)
        return app_error("pkcs12", "-passout %s: %s (or -nodes for an unencrypted key, or "
                         "-nokeys)", a->passout ? a->passout : "(terminal prompt)",
                         glass_strerror(err));
    err = ca_key_save_private_pem(&c->key, pw, 0, &pem, &len);
    app_password_free(pw);
    if (err != GLASS_OK)
        return app_error("pkcs12", "%s", glass_strerror(err));
    if (c->name[0] != '\0')
        fprintf(f, "Bag Attributes\n    friendlyName: %s\n", c->name);
    fprintf(f, "Key Attributes: <No Attributes>\n");
    fwrite(pem, 1, len, f);
    glass_wipe(pem, len);
    free(pem);
    return 0;
}

/* -in F.p12: check, decrypt, print. */
static int do_read(const struct p12_args *a)
{
    const char *cmd = "pkcs12";
    uint8_t *data = NULL;
    size_t len = 0;
    char *pw = NULL, *text = NULL;
    size_t text_len = 0;
    pkcs12_contents c;
    int rc = 1;
    pkcs12_contents_init(&c);
    glass_err err = glass_read_file(a->in, 16u << 20, &data, &len);
    if (err != GLASS_OK) {
        app_error(cmd, "%s: %s", a->in, glass_strerror(err));
        goto cleanup;
    }
    if ((err = app_password_get(a->passin, "Enter Import Password", 0, &pw)) != GLASS_OK) {
        io_password_error(cmd, "-passin", a->passin, err);
        goto cleanup;
    }
    err = pkcs12_parse(data, len, pw, &c);
    if (a->info)
        fputs(c.info, stderr);
    if (err == GLASS_ERR_KEY_PASSWORD) {
        app_error(cmd, "%s: Mac verify error: invalid password? The password (-passin) is wrong, "
                  "or the file was altered: the HMAC-SHA256 over its contents does not match", a->in);
        goto cleanup;
    }
    if (err != GLASS_OK) {
        app_error(cmd, "%s: not a PKCS#12 file glass can read: %s%s", a->in, glass_strerror(err),
                  err == GLASS_ERR_KEY_ENCRYPTION ? " (see -info)" : "");
        goto cleanup;
    }
    FILE *f = open_memstream(&text, &text_len);
    if (f == NULL) {
        app_error(cmd, "%s", glass_strerror(GLASS_ERR_NOMEM));
        goto cleanup;
    }
    for (size_t i = 0; !a->nocerts && i < c.n_certs; i++) {
        int own = i == 0 && c.have_key && mpz_cmp(c.certs[0].pub.n, c.key.n) == 0;
        if ((a->clcerts && !own) || (a->cacerts && own))
            continue;
        print_cert(f, &c.certs[i], own ? c.name : NULL);
    }
    rc = 0;
    if (!a->nokeys && c.have_key)
        rc = print_key(f, a, &c);
    fclose(f);
    if (rc == 0)
        rc = app_write_output(cmd, a->out, text, text_len, a->nokeys ? 0644 : 0600);
cleanup:
    if (text != NULL) {
        glass_wipe(text, text_len);
        free(text);
    }
    app_password_free(pw);
    pkcs12_contents_free(&c);
    free(data);
    return rc;
}

static int run(int argc, char **argv)
{
    struct p12_args a;
    if (app_wants_help(argc, argv)) {
        usage();
        return 0;
    }
    if (parse_args(argc, argv, &a) != 0)
        return 1;
    return a.do_export ? do_export(&a) : do_read(&a);
}

const struct glass_command cmd_pkcs12 = {"pkcs12", "write or read a PKCS#12 file (certificate + key)", run};
