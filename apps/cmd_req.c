/*
 * cmd_req.c — `glass req`: make a PKCS#10 certificate request (RFC 2986)
 * from a key and a subject, or a self-signed certificate (-x509, RFC 5280),
 * or inspect and verify a request.  The flags are openssl req's, so a
 * course's own line runs with glass in place of openssl:
 *
 *   glass req -x509 -new -nodes -key ca.key -sha256 -days 365 \
 *       -subj "/C=BR/O=Course/CN=Course CA" -out ca.pem
 *   glass req -newkey rsa:2048 -nodes -keyout k.pem -x509 -subj /CN=x -out c.pem
 *   glass req -new -key k.pem -subj /CN=localhost -out k.csr
 *
 * A -x509 certificate carries what OpenSSL's default configuration gives it
 * (its v3_ca section: subjectKeyIdentifier = hash, authorityKeyIdentifier =
 * keyid:always, basicConstraints = critical, CA:TRUE), then each -addext.
 */
#include "apps.h"
#include "password.h"

#include "asn1/asn1.h"
#include "ca/ca.h"
#include "rsa/rsa.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

static void usage(void)
{
    printf("usage: glass req -new -key FILE [-passin SRC] -subj /C=../O=../CN=.. [-out FILE]\n"
           "                 [-outform PEM|DER] [-addext EXT].. [-config FILE [-reqexts S]]\n"
           "                 [-x509 [-days N] [-set_serial N] [-extensions S]]\n"
           "       glass req -new -newkey rsa:BITS -keyout FILE [-passout SRC | -nodes] -subj ..\n"
           "       glass req -in FILE [-verify] [-text] [-subject] [-noout] [-pubkey]\n"
           "  -new      create a request signed with -key (proof that you hold the key)\n"
           "  -x509     a self-signed certificate instead of a request (valid -days N, default\n"
           "            30; CA:TRUE unless an -addext says otherwise)\n"
           "  -addext   one extension, OpenSSL's syntax: \"basicConstraints=critical,CA:TRUE\",\n"
           "            \"keyUsage=digitalSignature\", \"extendedKeyUsage=serverAuth\",\n"
           "            \"subjectAltName=DNS:localhost,IP:127.0.0.1\"; in a request it asks the\n"
           "            CA for it (the extensionRequest attribute), with -x509 it is written\n"
           "  -config   an openssl.cnf: [req] prompt = no, distinguished_name, req_extensions,\n"
           "            x509_extensions, default_bits, default_keyfile, encrypt_key\n"
           "  -reqexts  the section of -config with a request's extensions (not req_extensions)\n"
           "  -extensions  the section of -config for -x509 (not x509_extensions)\n"
           "  -subj     OpenSSL's one-line name: C, ST, L, O, OU, CN, emailAddress; \\/ escapes /\n"
           "  -newkey   make a fresh key too, written to -keyout (mode 0600), encrypted\n"
           "            with -passout SRC (PBES2), unencrypted with -nodes\n"
           "  -verify   check a request's self-signature\n"
           "  -sha256   the only digest there is; -days without -x509 is ignored, with a note\n"
           "example:\n"
           "  glass genrsa -out alice.key\n"
           "  glass req -new -key alice.key -subj \"/C=BR/O=School/CN=alice\" -out alice.csr\n"
           "  openssl req -in alice.csr -noout -verify\n"
           "  glass req -x509 -new -key ca.key -days 365 -subj /CN=Course\\ CA -out ca.pem\n"
           "  glass req -new -key srv.key -config openssl.cnf -out srv.csr\n"
           "  glass req -new -key srv.key -subj /CN=srv -addext subjectAltName=DNS:srv -out srv.csr\n");
}

/* -newkey rsa:BITS: generates the key and writes it to keyout first, so the
 * request is never made for a key that was not saved. */
static int new_key(const char *cmd, const char *spec, unsigned long bits, const char *keyout,
                   const char *passout, int nodes, rsa_private_key *key)
{
    char *pw = NULL;
    uint8_t *pem = NULL;
    size_t pem_len = 0;
    int rc = 1;
    /* "rsa" alone: default_bits from -config, else OpenSSL's 2048. */
    if (strcmp(spec, "rsa") == 0)
        bits = bits != 0 ? bits : 2048;
    else if (strncmp(spec, "rsa:", 4) != 0)
        return app_error(cmd, "-newkey must be rsa:BITS (or rsa)");
    else if (app_uint_arg(cmd, "-newkey", spec + 4, RSA_MIN_BITS, RSA_MAX_BITS, &bits))
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
        err = ca_key_save_private_pem(key, pw, 0, &pem, &pem_len);
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

#define REQ_ADDEXT_MAX 32

struct req_args {
    const char *key_path, *passin, *subj, *out, *in, *newkey, *keyout, *passout, *serial;
    const char *config, *extensions, *reqexts;
    int nodes, new_req, x509, outder, verify, text, noout, subject, pubkey;
    unsigned long days, bits;
    int days_given;
    const char *addext[REQ_ADDEXT_MAX];
    size_t addext_n;
    x509_ext_set ext;   /* what the request or certificate will carry */
};

/* Reads the flags; returns 1 (after a message) on a bad one. */
static int parse_args(int argc, char **argv, struct req_args *a)
{
    const char *cmd = "req";
    char why[256];
    memset(a, 0, sizeof *a);
    a->days = 30;
    x509_ext_init(&a->ext);
    for (int i = 1; i < argc; i++) {
        const char *o = argv[i];
        int v = i + 1 < argc;
        if (strcmp(o, "-new") == 0)
            a->new_req = 1;
        else if (strcmp(o, "-x509") == 0)
            a->x509 = 1;
        else if (strcmp(o, "-key") == 0 && v)
            a->key_path = argv[++i];
        else if (strcmp(o, "-passin") == 0 && v)
            a->passin = argv[++i];
        else if (strcmp(o, "-newkey") == 0 && v)
            a->newkey = argv[++i];
        else if (strcmp(o, "-keyout") == 0 && v)
            a->keyout = argv[++i];
        else if (strcmp(o, "-passout") == 0 && v)
            a->passout = argv[++i];
        else if (strcmp(o, "-nodes") == 0 || strcmp(o, "-noenc") == 0)
            a->nodes = 1;
        else if (strcmp(o, "-subj") == 0 && v)
            a->subj = argv[++i];
        else if (strcmp(o, "-out") == 0 && v)
            a->out = argv[++i];
        else if (strcmp(o, "-in") == 0 && v)
            a->in = argv[++i];
        else if (strcmp(o, "-set_serial") == 0 && v)
            a->serial = argv[++i];
        else if (strcmp(o, "-days") == 0 && v) {
            if (app_uint_arg(cmd, o, argv[++i], 1, 36500, &a->days))
                return 1;
            a->days_given = 1;
        } else if (strcmp(o, "-addext") == 0 && v) {
            /* Checked now, applied once the -config sections are in. */
            x509_ext_set check;
            x509_ext_init(&check);
            if (x509_ext_add(&check, argv[++i], why, sizeof why) != GLASS_OK)
                return app_error(cmd, "-addext '%s': %s", argv[i], why);
            if (a->addext_n == REQ_ADDEXT_MAX)
                return app_error(cmd, "at most %d -addext", REQ_ADDEXT_MAX);
            a->addext[a->addext_n++] = argv[i];
        } else if (strcmp(o, "-config") == 0 && v) {
            a->config = argv[++i];
        } else if (strcmp(o, "-extensions") == 0 && v) {
            a->extensions = argv[++i];
        } else if (strcmp(o, "-reqexts") == 0 && v) {
            a->reqexts = argv[++i];
        } else if (strcmp(o, "-outform") == 0 && v) {
            if ((a->outder = app_format_arg(cmd, o, argv[++i])) < 0)
                return 1;
        } else if (strcmp(o, "-inform") == 0 && v) {
            if (app_format_arg(cmd, o, argv[++i]) < 0)
                return 1;
        } else if (strcmp(o, "-verify") == 0)
            a->verify = 1;
        else if (strcmp(o, "-text") == 0)
            a->text = 1;
        else if (strcmp(o, "-noout") == 0)
            a->noout = 1;
        else if (strcmp(o, "-subject") == 0)
            a->subject = 1;
        else if (strcmp(o, "-pubkey") == 0)
            a->pubkey = 1;
        else if (strcmp(o, "-sha256") != 0)    /* the only digest there is */
            return app_error(cmd, "unknown or incomplete option '%s' (see glass req --help)", o);
    }
    if (a->x509 && a->in == NULL)
        a->new_req = 1;     /* openssl req -x509 implies -new */
    if ((a->extensions != NULL || a->reqexts != NULL) && a->config == NULL)
        return app_error(cmd, "%s names a section of a configuration file: give -config FILE",
                         a->extensions != NULL ? "-extensions" : "-reqexts");
    return 0;
}

/* The extensions, as openssl req chooses them: for -x509, the section
 * -extensions or x509_extensions names in -config (without -config,
 * OpenSSL's default file's v3_ca section); for a request, -reqexts or
 * req_extensions; then every -addext.  A -x509 certificate made from a
 * configuration also gets subjectKeyIdentifier, as OpenSSL 3 adds it. */
static int choose_extensions(struct req_args *a, const conf_file *c, const conf_req *r)
{
    const char *cmd = "req";
    char why[512];
    glass_err err = GLASS_OK;
    if (c == NULL && a->x509) {
        if (x509_ext_add(&a->ext, "subjectKeyIdentifier=hash", NULL, 0) != GLASS_OK ||
            x509_ext_add(&a->ext, "authorityKeyIdentifier=keyid:always,issuer", NULL, 0) !=
                GLASS_OK ||
            x509_ext_add(&a->ext, "basicConstraints=critical,CA:true", NULL, 0) != GLASS_OK)
            return app_error(cmd, "internal: default extensions");
    } else if (c != NULL) {
        const char *section = a->x509 ? (a->extensions ? a->extensions : r->x509_extensions)
                                      : (a->reqexts ? a->reqexts : r->req_extensions);
        if (section != NULL && (err = x509_ext_from_conf(&a->ext, c, section, why, sizeof why)) !=
                                   GLASS_OK)
            return app_error(cmd, "%s", err == GLASS_ERR_ARG ? why : glass_strerror(err));
    }
    for (size_t i = 0; i < a->addext_n; i++)
        if (x509_ext_add(&a->ext, a->addext[i], why, sizeof why) != GLASS_OK)
            return app_error(cmd, "-addext '%s': %s", a->addext[i], why);
    if (c != NULL && a->x509)
        x509_ext_key_ids(&a->ext, 1);
    if (!a->x509 && x509_ext_has(&a->ext, X509_EXT_AKI))
        return app_error(cmd, "authorityKeyIdentifier cannot be asked for in a request: it "
                         "names the issuer, which only the CA knows (it adds it when it signs)");
    return 0;
}

/* Notes, one per line, each as "glass req: note: ...". */
static void print_notes(const char *notes)
{
    while (*notes != '\0') {
        size_t n = strcspn(notes, "\n");
        fprintf(stderr, "glass req: note: %.*s\n", (int)n, notes);
        notes += n + (notes[n] == '\n');
    }
}

/* -config FILE: reads [req], prints what it ignores, and fills in what the
 * command line left open (subject, key size, key file, -nodes).  *c stays
 * NULL without -config.  Returns 1 after a message. */
static int apply_config(struct req_args *a, conf_file **c, conf_req *r)
{
    const char *cmd = "req";
    char why[512];
    *c = NULL;
    memset(r, 0, sizeof *r);
    if (a->config == NULL)
        return choose_extensions(a, NULL, r);
    glass_err err = conf_load(a->config, c, why, sizeof why);
    if (err == GLASS_OK)
        err = conf_req_read(*c, r, why, sizeof why);
    if (err == GLASS_ERR_ARG)
        return app_error(cmd, "%s", why);   /* it names the file and the line */
    if (err != GLASS_OK)
        return app_error(cmd, "-config %s: %s", a->config, glass_strerror(err));
    if (a->new_req && a->subj == NULL && r->prompt)
        return app_error(cmd, "%s: without -subj the subject would be asked for at the "
                         "terminal (prompt = yes), which glass does not do: set prompt = no in "
                         "[req] and give the fields in its distinguished_name section, or give "
                         "-subj", a->config);
    if (a->subj == NULL && r->subject[0] != '\0')
        a->subj = r->subject;
    if (r->default_bits != 0)
        a->bits = r->default_bits;
    if (a->keyout == NULL)
        a->keyout = r->default_keyfile;
    if (r->encrypt_key == 0)
        a->nodes = 1;
    return choose_extensions(a, *c, r);
}

/* -x509: the self-signed certificate for key and the subject. */
static int make_self_signed(const struct req_args *a, const rsa_private_key *key,
                            const uint8_t *name, size_t name_len)
{
    const char *cmd = "req";
    uint8_t serial[X509_SERIAL_MAX];
    size_t serial_len = 0;
    uint8_t *der = NULL;
    size_t der_len = 0;
    char *pem = NULL;
    size_t pem_len = 0;
    rsa_public_key pub;
    int rc = 1;
    glass_err err = a->serial != NULL ? x509_serial_parse(a->serial, serial, &serial_len)
                                      : x509_serial_random(serial, &serial_len);
    if (err != GLASS_OK)
        return app_error(cmd, "-set_serial %s: a positive number of at most 20 octets "
                         "(decimal, or hex after 0x)", a->serial ? a->serial : "");
    rsa_public_init(&pub);
    rsa_public_from_private(&pub, key);
    int64_t now = (int64_t)time(NULL);
    x509_sign_params p = {serial, serial_len, NULL, name, name_len, &pub,
                          now, now + (int64_t)a->days * 86400, &a->ext};
    err = x509_sign(&p, key, &der, &der_len);
    if (err == GLASS_OK && !a->outder)
        err = pem_encode(PEM_CERTIFICATE, der, der_len, &pem, &pem_len);
    if (err != GLASS_OK)
        app_error(cmd, "-x509: %s", glass_strerror(err));
    else
        rc = a->outder ? app_write_output(cmd, a->out, der, der_len, 0644)
                       : app_write_output(cmd, a->out, pem, pem_len, 0644);
    rsa_public_clear(&pub);
    free(der);
    free(pem);
    return rc;
}

/* -new (and -x509): key + subject -> a request in *der, or the
 * certificate written out (then *der stays NULL).  Returns 1 on failure. */
static int create(const struct req_args *a, rsa_private_key *key, uint8_t **der, size_t *der_len)
{
    const char *cmd = "req";
    uint8_t *name = NULL;
    size_t name_len = 0;
    int rc = 1;
    if ((a->key_path != NULL && a->newkey != NULL) || a->subj == NULL)
        return app_error(cmd, "-new needs -subj NAME (or -config FILE with prompt = no) and "
                         "one of -key FILE or -newkey rsa:BITS");
    if (!a->x509 && a->serial != NULL)
        return app_error(cmd, "-set_serial needs -x509 (a request has no serial: the CA "
                         "gives it)");
    /* Check the subject and the output paths first, so that nothing is
     * written (no -keyout key) when the request cannot be. */
    glass_err err = x509_name_from_string(a->subj, &name, &name_len);
    if (err != GLASS_OK) {
        free(name);
        return app_error(cmd, "-subj '%s': %s", a->subj, glass_strerror(err));
    }
    if (app_check_output(cmd, "-out", a->out) != 0 ||
        (a->newkey != NULL && app_check_output(cmd, "-keyout", a->keyout) != 0))
        goto cleanup;
    if (a->newkey != NULL) {
        if (new_key(cmd, a->newkey, a->bits, a->keyout, a->passout, a->nodes, key) != 0)
            goto cleanup;
    } else if (app_load_private_key(cmd, a->key_path, a->passin, key) != 0) {
        goto cleanup;
    }
    if (a->x509) {
        rc = make_self_signed(a, key, name, name_len);
        goto cleanup;
    }
    if ((err = csr_create_ext(key, a->subj, &a->ext, der, der_len)) != GLASS_OK) {
        app_error(cmd, "%s", glass_strerror(err));
        goto cleanup;
    }
    /* OpenSSL's note, once the request is made (a failure stays one line). */
    if (a->days_given)
        fprintf(stderr, "Ignoring -days without -x509; not generating a certificate\n");
    rc = 0;
cleanup:
    free(name);
    return rc;
}

/* -in FILE: the request's DER, from PEM or DER. */
static int load_request(const char *in, uint8_t **der, size_t *der_len)
{
    uint8_t *data = NULL;
    size_t data_len = 0;
    glass_err err = glass_read_file(in, 1u << 20, &data, &data_len);
    if (err == GLASS_OK && pem_detect(data, data_len)) {
        char label[PEM_LABEL_MAX];
        err = pem_decode((const char *)data, data_len, NULL, label, der, der_len, NULL);
        if (err == GLASS_OK && strcmp(label, PEM_CERTIFICATE_REQUEST) != 0 &&
            strcmp(label, "NEW CERTIFICATE REQUEST") != 0) {
            free(*der);
            *der = NULL;
            err = GLASS_ERR_PEM_LABEL;
        }
    } else if (err == GLASS_OK) {
        *der = data;
        *der_len = data_len;
        data = NULL;
    }
    free(data);
    if (err != GLASS_OK)
        return app_error("req", "%s: %s", in, glass_strerror(err));
    return 0;
}

/* What -verify, -subject, -text and -pubkey print about a request. */
static void show(const struct req_args *a, const csr_info *info)
{
    if (a->verify)
        fprintf(stderr, "Certificate request self-signature verify OK\n");
    if (a->subject)
        printf("subject=%s\n", info->subject);
    if (a->text)
        printf("Certificate Request:\n    Data:\n        Version: 1 (0x0)\n"
               "        Subject: %s\n        Subject Public Key Info:\n"
               "            Public Key Algorithm: rsaEncryption\n"
               "                Public-Key: (%zu bit)\n",
               info->subject, mpz_sizeinbase(info->pub.n, 2));
    if (a->text) {
        printf("        Attributes:\n");
        if (info->ext.n > 0 || info->ext_unknown > 0)
            printf("            Requested Extensions:\n");
        x509_ext_print(stdout, &info->ext, "                ", info->ski, info->ski_len);
        if (info->ext_unknown > 0)
            printf("                (%zu more that glass does not know)\n", info->ext_unknown);
        printf("    Signature Algorithm: sha256WithRSAEncryption (self-signature valid)\n");
    }
    if (a->pubkey) {
        char *pub_pem = NULL;
        size_t pub_len = 0;
        if (pem_encode(PEM_PUBLIC_KEY, info->spki_der, info->spki_len, &pub_pem, &pub_len) ==
            GLASS_OK)
            fwrite(pub_pem, 1, pub_len, stdout);
        free(pub_pem);
    }
}

static int run(int argc, char **argv)
{
    const char *cmd = "req";
    struct req_args a;
    rsa_private_key key;
    uint8_t *der = NULL;
    size_t der_len = 0;
    char *pem = NULL;
    size_t pem_len = 0;
    csr_info info;
    conf_file *conf = NULL;
    conf_req r;
    int rc = 1, have_info = 0;

    if (app_wants_help(argc, argv)) {
        usage();
        return 0;
    }
    if (parse_args(argc, argv, &a) != 0)
        return 1;
    rsa_private_init(&key);
    memset(&info, 0, sizeof info);
    if (apply_config(&a, &conf, &r) != 0)
        goto cleanup;
    if (a.new_req && a.key_path == NULL && a.newkey == NULL) {
        /* As openssl req -new with no key: a fresh one, default_bits long,
         * written to -keyout, default_keyfile, or privkey.pem. */
        a.newkey = "rsa";
        if (a.keyout == NULL)
            a.keyout = "privkey.pem";
    }
    if (a.new_req) {
        if (create(&a, &key, &der, &der_len) != 0)
            goto cleanup;
        if (a.x509) {
            rc = 0;     /* the certificate is written */
            goto cleanup;
        }
    } else if (a.in == NULL) {
        app_error(cmd, "give -new (to create), -x509 (a self-signed certificate) or -in FILE "
                  "(to inspect)");
        goto cleanup;
    } else if (load_request(a.in, &der, &der_len) != 0) {
        goto cleanup;
    }

    /* Parse (and so verify) what we have. */
    glass_err err = csr_parse_and_verify(der, der_len, &info);
    if (err != GLASS_OK) {
        app_error(cmd, "%s: %s", a.in != NULL ? a.in : "request", glass_strerror(err));
        goto cleanup;
    }
    have_info = 1;
    show(&a, &info);
    if (a.noout) {
        rc = 0;
    } else if (a.outder) {
        rc = app_write_output(cmd, a.out, der, der_len, 0644);
    } else if ((err = pem_encode(PEM_CERTIFICATE_REQUEST, der, der_len, &pem, &pem_len)) !=
               GLASS_OK) {
        app_error(cmd, "%s", glass_strerror(err));
    } else {
        rc = app_write_output(cmd, a.out, pem, pem_len, 0644);
    }
cleanup:
    /* What -config read and did not follow, once the command has worked
     * (so that a failure stays one line). */
    if (rc == 0 && conf != NULL) {
        print_notes(conf_notes(conf));
        print_notes(r.notes);
    }
    conf_free(conf);
    if (have_info)
        csr_info_free(&info);
    rsa_private_clear(&key);
    free(der);
    free(pem);
    return rc;
}

const struct glass_command cmd_req = {"req", "make a request or a self-signed certificate (-x509)", run};
