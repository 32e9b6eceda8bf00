/*
 * cmd_x509.c — `glass x509`: show a certificate, like `openssl x509`, or
 * sign a request with a CA's key (-req -CA -CAkey), with openssl x509's
 * flags, so a course's line runs with glass in place of openssl:
 *
 *   glass x509 -req -in name.csr -CA ca.pem -CAkey ca.key -CAcreateserial \
 *       -out name.crt -days 365 -sha256 [-extfile v3.ext -extensions v3_req]
 *
 * As openssl x509 does: the request's self-signature is checked first; the
 * serial comes from -set_serial, or from the serial file (-CAserial F, else
 * the CA file's name with .srl for its extension; -CAcreateserial starts it
 * with a random serial), and the serial used is written back to that file
 * once the certificate is out; with no -extfile the certificate has no
 * extensions (version 1, as OpenSSL 3.0 writes it); -signkey KEY makes a
 * self-signed certificate from the request instead.  Signing lives in
 * ca/x509_build.c, the extension syntax in ca/x509_ext.c, serial files in
 * ca/serial.c.
 */
#include "apps.h"
#include "password.h"

#include "asn1/asn1.h"
#include "ca/ca.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

static void print_time(const char *name, int64_t t)
{
    int y, mon, d, h, min, s;
    static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                         "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    der_time_to_civil(t, &y, &mon, &d, &h, &min, &s);
    /* OpenSSL's form: "notAfter=Nov 22 13:40:00 2027 GMT". */
    printf("%s=%s %2d %02d:%02d:%02d %d GMT\n", name, months[mon - 1], d, h, min, s, y);
}

static void usage(void)
{
    printf("usage: glass x509 -in FILE [-inform PEM|DER] [-text] [-noout] [-fingerprint]\n"
           "                  [-subject] [-issuer] [-serial] [-dates] [-pubkey]\n"
           "                  [-out FILE] [-outform PEM|DER]\n"
           "       glass x509 -req -in REQ -CA CERT -CAkey KEY [-passin SRC]\n"
           "                  [-CAcreateserial | -CAserial FILE | -set_serial N] [-days N]\n"
           "                  [-sha256] [-extfile FILE [-extensions SECTION]]\n"
           "                  [-copy_extensions none|copy|copyall] -out CERT\n"
           "       glass x509 -req -in REQ -signkey KEY [-days N] -out CERT\n"
           "  -fingerprint  SHA-256 of the DER (as openssl x509 -fingerprint -sha256)\n"
           "  -serial       the serial in hex, as glass ca revoke takes it\n"
           "  -req          sign the request -in with the CA's key (default 30 days)\n"
           "  -CAserial F   the serial file (default: the -CA file's name with .srl); it holds\n"
           "                the last serial used, in hex, and is created by -CAcreateserial\n"
           "  -extfile F    extensions, OpenSSL's configuration syntax (without it: none, v1)\n"
           "  -copy_extensions  what to take from the request's extensions: none (the\n"
           "                default), copy (those -extfile does not set), copyall (all, over\n"
           "                -extfile's); a request may ask for CA:TRUE: read it first\n"
           "example:\n"
           "  glass x509 -req -in srv.csr -CA ca.pem -CAkey ca.key -CAcreateserial \\\n"
           "      -days 365 -sha256 -out srv.pem\n"
           "  glass x509 -in srv.pem -noout -subject -serial -dates\n"
           "  glass x509 -in srv.pem -noout -text\n");
}

struct x509_args {
    const char *in, *out, *ca, *cakey, *passin, *serial_file, *set_serial, *extfile,
        *extensions, *signkey, *copy_ext;
    int req, create_serial, text, noout, fingerprint, subject, issuer, serial, dates, outder,
        pubkey;
    unsigned long days;
};

/* The flags that take no value, and where each goes. */
static int *flag_of(struct x509_args *a, const char *o)
{
    static const char *const names[] = {"-req", "-CAcreateserial", "-text", "-noout",
                                        "-fingerprint", "-subject", "-issuer", "-serial",
                                        "-dates", "-pubkey"};
    int *const slots[] = {&a->req, &a->create_serial, &a->text, &a->noout, &a->fingerprint,
                          &a->subject, &a->issuer, &a->serial, &a->dates, &a->pubkey};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(o, names[i]) == 0)
            return slots[i];
    return NULL;
}

static int parse_args(int argc, char **argv, struct x509_args *a)
{
    const char *cmd = "x509";
    memset(a, 0, sizeof *a);
    a->days = 30;
    for (int i = 1; i < argc; i++) {
        const char *o = argv[i];
        int v = i + 1 < argc;
        const char **value = strcmp(o, "-in") == 0           ? &a->in
                             : strcmp(o, "-out") == 0        ? &a->out
                             : strcmp(o, "-CA") == 0         ? &a->ca
                             : strcmp(o, "-CAkey") == 0      ? &a->cakey
                             : strcmp(o, "-passin") == 0     ? &a->passin
                             : strcmp(o, "-CAserial") == 0   ? &a->serial_file
                             : strcmp(o, "-set_serial") == 0 ? &a->set_serial
                             : strcmp(o, "-extfile") == 0    ? &a->extfile
                             : strcmp(o, "-extensions") == 0 ? &a->extensions
                             : strcmp(o, "-signkey") == 0    ? &a->signkey
                             : strcmp(o, "-copy_extensions") == 0 ? &a->copy_ext
                                                             : NULL;
        int *flag = flag_of(a, o);
        if (value != NULL && v) {
            *value = argv[++i];
        } else if (flag != NULL) {
            *flag = 1;
        } else if (strcmp(o, "-days") == 0 && v) {
            if (app_uint_arg(cmd, o, argv[++i], 1, 36500, &a->days))
                return 1;
        } else if (strcmp(o, "-inform") == 0 && v) {
            if (app_format_arg(cmd, o, argv[++i]) < 0)
                return 1;
        } else if (strcmp(o, "-outform") == 0 && v) {
            if ((a->outder = app_format_arg(cmd, o, argv[++i])) < 0)
                return 1;
        } else if (strcmp(o, "-sha256") != 0) {
            return app_error(cmd, "unknown or incomplete option '%s' (see glass x509 --help)", o);
        }
    }
    if (a->in == NULL)
        return app_error(cmd, "-in FILE is required (see glass x509 --help)");
    if (!a->req && (a->ca || a->cakey || a->signkey || a->extfile || a->set_serial))
        return app_error(cmd, "-CA, -CAkey, -signkey, -extfile and -set_serial go with -req");
    if (a->req && (a->ca == NULL) == (a->signkey == NULL))
        return app_error(cmd, "-req needs -CA CERT -CAkey KEY, or -signkey KEY");
    if (a->req && a->ca != NULL && a->cakey == NULL)
        a->cakey = a->ca;   /* as OpenSSL: the key may sit in the CA file */
    if (a->extensions != NULL && a->extfile == NULL)
        return app_error(cmd, "-extensions needs -extfile FILE");
    if (a->copy_ext != NULL && strcmp(a->copy_ext, "none") != 0 &&
        strcmp(a->copy_ext, "copy") != 0 && strcmp(a->copy_ext, "copyall") != 0)
        return app_error(cmd, "-copy_extensions '%s': give none, copy or copyall", a->copy_ext);
    if (a->copy_ext != NULL && !a->req)
        return app_error(cmd, "-copy_extensions goes with -req");
    return 0;
}

/* The certificate's extensions: the -extfile's, and with -copy_extensions
 * the request's too.
 *
 * Why a CA does not copy blindly: the extensions in a request are what the
 * requester would like (RFC 2985 §5.4.2: "certificate extensions the
 * requester wishes to be included in a certificate"), written by whoever
 * holds the key, and nothing in the
 * request's self-signature vouches for them.  A request that asks for
 * basicConstraints CA:TRUE would, copied as it is, turn its sender into a
 * certificate authority under this CA, able to sign a certificate for any
 * name that everyone who trusts this CA then accepts (RFC 5280 §4.2.1.9:
 * the cA bit is what lets a key sign certificates).  The openssl ca
 * manual's WARNINGS say exactly this.  So: none (the default) ignores
 * them; copy takes only the kinds the -extfile does not set, so the CA's
 * file keeps the last word on basicConstraints and keyUsage (put
 * "basicConstraints = CA:FALSE" in it); copyall lets the request override
 * the file, and is only for requests the CA has read line by line. */
static void choose_extensions(const struct x509_args *a, const csr_info *req, const x509_cert *ca,
                              x509_ext_set *ext)
{
    if (a->copy_ext != NULL && strcmp(a->copy_ext, "none") != 0) {
        x509_ext_set file = *ext;
        x509_ext_merge(ext, &req->ext, &file, strcmp(a->copy_ext, "copyall") == 0);
    }
    /* OpenSSL 3 gives every v3 certificate it signs a subjectKeyIdentifier
     * and, unless the certificate is self-signed (the issuer's key is the
     * subject's), an authorityKeyIdentifier. */
    int self_signed = a->signkey != NULL ||
                      (ca != NULL && mpz_cmp(ca->pub.n, req->pub.n) == 0 &&
                       mpz_cmp(ca->pub.e, req->pub.e) == 0);
    x509_ext_key_ids(ext, self_signed);
}

/* The serial file's name: -CAserial, else the CA file's with .srl. */
static char *serial_path(const struct x509_args *a)
{
    if (a->serial_file != NULL) {
        char *p = malloc(strlen(a->serial_file) + 1);
        if (p != NULL)
            strcpy(p, a->serial_file);
        return p;
    }
    const char *base = strrchr(a->ca, '/');
    base = base != NULL ? base + 1 : a->ca;
    const char *dot = strrchr(base, '.');
    size_t keep = dot != NULL ? (size_t)(dot - a->ca) : strlen(a->ca);
    char *p = malloc(keep + 5);
    if (p != NULL) {
        memcpy(p, a->ca, keep);
        memcpy(p + keep, ".srl", 5);
    }
    return p;
}

/* Chooses the serial: -set_serial, or the next from the serial file. */
static int choose_serial(const struct x509_args *a, char **srl, uint8_t *serial, size_t *len)
{
    const char *cmd = "x509";
    glass_err err;
    *srl = NULL;
    if (a->set_serial != NULL) {
        if (x509_serial_parse(a->set_serial, serial, len) != GLASS_OK)
            return app_error(cmd, "-set_serial %s: a positive number of at most 20 octets "
                             "(decimal, or hex after 0x)", a->set_serial);
        return 0;
    }
    if (a->ca == NULL)
        return x509_serial_random(serial, len) == GLASS_OK ? 0 : app_error(cmd, "no randomness");
    if ((*srl = serial_path(a)) == NULL)
        return app_error(cmd, "%s", glass_strerror(GLASS_ERR_NOMEM));
    err = x509_serial_next(*srl, a->create_serial, serial, len);
    if (err == GLASS_ERR_FILE_OPEN)
        return app_error(cmd, "%s: no such serial file (add -CAcreateserial to start one, or "
                         "give -CAserial FILE or -set_serial N)", *srl);
    if (err == GLASS_ERR_CA_DB)
        return app_error(cmd, "%s: does not hold a serial number (one line of hex)", *srl);
    if (err != GLASS_OK)
        return app_error(cmd, "%s: %s", *srl, glass_strerror(err));
    return 0;
}

/* -req: checks the request, signs it, returns the certificate's DER. */
static int sign_request(const struct x509_args *a, uint8_t **der, size_t *der_len, char **srl)
{
    const char *cmd = "x509";
    uint8_t *data = NULL, serial[X509_SERIAL_MAX];
    size_t data_len = 0, serial_len = 0;
    x509_cert *ca = NULL;
    size_t n_ca = 0;
    csr_info req;
    x509_ext_set ext;
    rsa_private_key key;
    char why[256];
    int rc = 1, have_req = 0;

    rsa_private_init(&key);
    x509_ext_init(&ext);
    glass_err err = glass_read_file(a->in, 1u << 20, &data, &data_len);
    if (err == GLASS_OK && (err = csr_load(data, data_len, &req)) == GLASS_OK)
        have_req = 1;
    if (err != GLASS_OK) {
        app_error(cmd, "%s: %s", a->in, glass_strerror(err));
        goto cleanup;
    }
    if (a->extfile != NULL &&
        (err = x509_ext_load(&ext, a->extfile, a->extensions, why, sizeof why)) != GLASS_OK) {
        if (err == GLASS_ERR_ARG)
            app_error(cmd, "%s", why);  /* it names the file and the line */
        else
            app_error(cmd, "%s: %s", a->extfile, glass_strerror(err));
        goto cleanup;
    }
    if (a->ca != NULL && (err = x509_load_pem_file(a->ca, &ca, &n_ca)) != GLASS_OK) {
        app_error(cmd, "-CA %s: %s", a->ca, glass_strerror(err));
        goto cleanup;
    }
    choose_extensions(a, &req, ca, &ext);
    if (app_load_private_key(cmd, a->ca != NULL ? a->cakey : a->signkey, a->passin, &key) != 0 ||
        app_check_output(cmd, "-out", a->out) != 0 ||
        choose_serial(a, srl, serial, &serial_len) != 0)
        goto cleanup;
    int64_t now = (int64_t)time(NULL);
    x509_sign_params p;
    memset(&p, 0, sizeof p);
    p.serial = serial;
    p.serial_len = serial_len;
    p.issuer = ca;
    p.subject_der = req.subject_der;
    p.subject_len = req.subject_len;
    p.subject_pub = &req.pub;
    p.not_before = now;
    p.not_after = now + (int64_t)a->days * 86400;
    p.ext = &ext;
    if (a->signkey != NULL) {
        /* -signkey: self-signed, with the signing key as the subject's key. */
        if (mpz_cmp(key.n, req.pub.n) != 0 || mpz_cmp(key.e, req.pub.e) != 0) {
            app_error(cmd, "-signkey %s is not the key of the request %s", a->signkey, a->in);
            goto cleanup;
        }
    }
    if ((err = x509_sign(&p, &key, der, der_len)) != GLASS_OK) {
        app_error(cmd, "%s", err == GLASS_ERR_ARG
                                 ? "-CAkey is not the key of the -CA certificate"
                                 : glass_strerror(err));
        goto cleanup;
    }
    /* What openssl x509 -req says, once it has worked (so that a failure
     * stays one line). */
    fprintf(stderr, "Certificate request self-signature ok\nsubject=%s\n", req.subject);
    if (a->copy_ext != NULL && strcmp(a->copy_ext, "none") != 0) {
        if (req.ext_unknown > 0)
            fprintf(stderr, "glass x509: note: %zu extension(s) or names in the request are "
                    "not known to glass and were not copied\n", req.ext_unknown);
        if (x509_ext_has(&req.ext, X509_EXT_BC) && req.ext.ca && ext.ca)
            fprintf(stderr, "glass x509: warning: the request's basicConstraints CA:TRUE was "
                    "copied: this certificate can sign other certificates\n");
    }
    rc = 0;
cleanup:
    if (have_req)
        csr_info_free(&req);
    x509_free_all(ca, n_ca);
    rsa_private_clear(&key);
    free(data);
    return rc;
}

/* -issuer, -subject, -serial, -dates, -fingerprint, -text, -pubkey. */
static void show(const struct x509_args *a, const x509_cert *c)
{
    if (a->issuer)
        printf("issuer=%s\n", c->issuer);
    if (a->subject)
        printf("subject=%s\n", c->subject);
    if (a->serial) {
        /* As OpenSSL prints it: upper-case hex of the magnitude. */
        size_t skip = c->serial_len > 1 && c->serial[0] == 0 ? 1 : 0;
        printf("serial=");
        for (size_t i = skip; i < c->serial_len; i++)
            printf("%02X", c->serial[i]);
        printf("\n");
    }
    if (a->dates) {
        print_time("notBefore", c->not_before);
        print_time("notAfter", c->not_after);
    }
    if (a->fingerprint) {
        uint8_t fp[32];
        x509_fingerprint(c, fp);
        printf("sha256 Fingerprint=");
        for (size_t i = 0; i < sizeof fp; i++)
            printf("%02X%s", fp[i], i + 1 < sizeof fp ? ":" : "\n");
    }
    if (a->text)
        x509_print_text(stdout, c);
    if (a->pubkey) {
        char *pem = NULL;
        size_t len = 0;
        if (pem_encode(PEM_PUBLIC_KEY, c->spki_der, c->spki_len, &pem, &len) == GLASS_OK)
            fwrite(pem, 1, len, stdout);
        free(pem);
    }
}

static int run(int argc, char **argv)
{
    const char *cmd = "x509";
    struct x509_args a;
    x509_cert *certs = NULL;
    size_t n = 0;
    uint8_t *der = NULL;
    size_t der_len = 0;
    char *srl = NULL;
    int rc = 1;
    glass_err err;

    if (app_wants_help(argc, argv)) {
        usage();
        return 0;
    }
    if (parse_args(argc, argv, &a) != 0)
        return 1;
    if (a.req) {
        if (sign_request(&a, &der, &der_len, &srl) != 0)
            goto cleanup;
        certs = calloc(1, sizeof *certs);
        if (certs == NULL || (err = x509_parse(certs, der, der_len)) != GLASS_OK) {
            free(certs);
            certs = NULL;
            app_error(cmd, "the certificate made does not parse");
            goto cleanup;
        }
        n = 1;
    } else if ((err = x509_load_pem_file(a.in, &certs, &n)) != GLASS_OK) {
        app_error(cmd, "%s: %s", a.in, glass_strerror(err));
        goto cleanup;
    }
    const x509_cert *c = &certs[0];
    show(&a, c);
    rc = 0;
    if (!a.noout) {
        if (a.outder) {
            rc = app_write_output(cmd, a.out, c->der, c->der_len, 0644);
        } else {
            char *pem = NULL;
            size_t len = 0;
            err = pem_encode(PEM_CERTIFICATE, c->der, c->der_len, &pem, &len);
            rc = err != GLASS_OK ? app_error(cmd, "%s", glass_strerror(err))
                                 : app_write_output(cmd, a.out, pem, len, 0644);
            free(pem);
        }
    }
    /* The serial file is advanced only once the certificate is out. */
    if (rc == 0 && srl != NULL && (err = x509_serial_save(srl, c->serial, c->serial_len)) != GLASS_OK)
        rc = app_error(cmd, "%s: %s", srl, glass_strerror(err));
cleanup:
    x509_free_all(certs, n);
    free(der);
    free(srl);
    return rc;
}

const struct glass_command cmd_x509 = {"x509", "show a certificate, or sign a request (-req -CA)", run};
