/*
 * cmd_ca.c — `glass ca`: run the certificate authority in a directory
 * (ca/authority.c does the work; this file reads arguments and files).
 *
 *   glass ca init   --dir D --subj NAME -pass SRC [--bits N] [--days N]
 *   glass ca sign   --dir D -in req.pem -out cert.pem --profile server|client
 *                   [--days N] [--san DNS:..,IP:..] -pass SRC
 *   glass ca issue  --dir D --subj NAME --profile server|client [--san ...]
 *                   -out cert.pem -keyout key.pem [-passout SRC] -pass SRC
 *   glass ca list   --dir D
 *   glass ca revoke --dir D SERIAL -pass SRC
 *   glass ca crl    --dir D -out crl.pem -pass SRC
 */
#include "apps.h"
#include "password.h"

#include "asn1/asn1.h"
#include "ca/ca.h"
#include "rsa/rsa.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

static void usage(FILE *f)
{
    fprintf(f,
            "usage: glass ca SUBCOMMAND --dir DIR [options]   (-pass SRC: the CA key's password)\n"
            "  init    --subj NAME -pass SRC [--bits N] [--days N]\n"
            "          create DIR/ca.pem (self-signed root), DIR/ca.key (encrypted),\n"
            "          DIR/index.txt and DIR/issuance.log\n"
            "  sign    -in REQ -out CERT --profile server|client [--days N] [--san LIST] -pass SRC\n"
            "          check a PKCS#10 request's self-signature and issue a certificate\n"
            "  issue   --subj NAME --profile server|client [--san LIST] -out CERT -keyout KEY\n"
            "          [-passout SRC] [--bits N] [--days N] -pass SRC\n"
            "          new key + request + certificate in one step (key unencrypted, mode\n"
            "          0600, unless -passout)\n"
            "  list    print the index: status, expiry, serial, subject\n"
            "  revoke  SERIAL -pass SRC     (hex, as `openssl x509 -noout -serial` prints it)\n"
            "  crl     -out CRL -pass SRC   (an X.509 v2 CRL of every revoked certificate)\n"
            "  LIST is like DNS:localhost,IP:127.0.0.1; server certificates get DNS:<CN> when\n"
            "  no --san is given.  SRC: pass:TEXT env:VAR file:PATH fd:N stdin.\n"
            "example:\n"
            "  glass ca init --dir ca --subj \"/C=BR/O=School/CN=School Root\" -pass pass:pw\n"
            "  glass ca issue --dir ca --subj /CN=localhost --profile server \\\n"
            "      --san DNS:localhost,IP:127.0.0.1 -out srv.pem -keyout srv.key -pass pass:pw\n"
            "  openssl verify -CAfile ca/ca.pem -purpose sslserver srv.pem\n");
}

struct ca_args {
    const char *dir, *subj, *pass, *passout, *in, *out, *keyout, *san, *serial;
    int profile;            /* -1 unset */
    unsigned long days, bits;
};

/* Parses the options shared by every subcommand; returns 1 on error. */
static int parse_args(int argc, char **argv, struct ca_args *a)
{
    const char *cmd = "ca";
    memset(a, 0, sizeof *a);
    a->profile = -1;
    a->bits = 2048;
    for (int i = 2; i < argc; i++) {
        const char *o = argv[i];
        int v = i + 1 < argc;
        /* Accept both "--name" and OpenSSL's "-name". */
        if (o[0] == '-' && o[1] == '-')
            o++;
        if (strcmp(o, "-dir") == 0 && v)
            a->dir = argv[++i];
        else if (strcmp(o, "-subj") == 0 && v)
            a->subj = argv[++i];
        else if ((strcmp(o, "-pass") == 0 || strcmp(o, "-passin") == 0) && v)
            a->pass = argv[++i];
        else if (strcmp(o, "-passout") == 0 && v)
            a->passout = argv[++i];
        else if (strcmp(o, "-in") == 0 && v)
            a->in = argv[++i];
        else if (strcmp(o, "-out") == 0 && v)
            a->out = argv[++i];
        else if (strcmp(o, "-keyout") == 0 && v)
            a->keyout = argv[++i];
        else if (strcmp(o, "-san") == 0 && v)
            a->san = argv[++i];
        else if (strcmp(o, "-profile") == 0 && v) {
            const char *p = argv[++i];
            if (strcmp(p, "server") == 0)
                a->profile = CA_PROFILE_SERVER;
            else if (strcmp(p, "client") == 0)
                a->profile = CA_PROFILE_CLIENT;
            else
                return app_error(cmd, "--profile must be server or client");
        } else if (strcmp(o, "-days") == 0 && v) {
            if (app_uint_arg(cmd, "--days", argv[++i], 1, 36500, &a->days))
                return 1;
        } else if (strcmp(o, "-bits") == 0 && v) {
            if (app_uint_arg(cmd, "--bits", argv[++i], RSA_MIN_BITS, RSA_MAX_BITS, &a->bits))
                return 1;
        } else if (o[0] != '-' && a->serial == NULL) {
            a->serial = argv[i];
        } else {
            return app_error(cmd, "unknown or incomplete option '%s' (see glass ca --help)",
                             argv[i]);
        }
    }
    if (a->dir == NULL)
        return app_error(cmd, "--dir DIR is required (see glass ca --help)");
    return 0;
}

/* Opens the CA, asking for the key's password when `with_key`. */
static int open_ca(const struct ca_args *a, int with_key, glass_ca **ca)
{
    char *pw = NULL;
    glass_err err;
    if (with_key) {
        err = app_password_get(a->pass, "Enter pass phrase for the CA key", 0, &pw);
        if (err != GLASS_OK)
            return app_error("ca", "-pass %s: %s", a->pass ? a->pass : "(terminal prompt)",
                             glass_strerror(err));
    }
    err = ca_open(ca, a->dir, pw);
    app_password_free(pw);
    if (err != GLASS_OK)
        return app_error("ca", "%s: %s", a->dir, glass_strerror(err));
    return 0;
}

/* Reports err from a call on the open CA.  When the CA names the file at
 * fault (a corrupt index.txt or crlnumber), the message names it, as
 * "DIR/FILE: ..."; otherwise it is "WHAT: ..." (just the error when what
 * is NULL). */
static int ca_fail(const struct ca_args *a, const glass_ca *ca, const char *what, glass_err err)
{
    const char *file = ca_error_file(ca);
    if (file == NULL || (err != GLASS_ERR_CA_DB && err != GLASS_ERR_CA_DIR))
        return what != NULL ? app_error("ca", "%s: %s", what, glass_strerror(err))
                            : app_error("ca", "%s", glass_strerror(err));
    if (err == GLASS_ERR_CA_DIR)
        return app_error("ca", "%s/%s: missing or unreadable (%s)", a->dir, file,
                         glass_strerror(err));
    if (strcmp(file, "crlnumber") == 0)
        return app_error("ca", "%s/%s: %s (it must hold the next CRL number, in decimal, "
                               "that can still be increased; RFC 5280 §5.2.3)",
                         a->dir, file, glass_strerror(err));
    return app_error("ca", "%s/%s: %s", a->dir, file, glass_strerror(err));
}

static int write_cert(const char *path, const uint8_t *der, size_t len)
{
    char *pem = NULL;
    size_t pem_len = 0;
    glass_err err = pem_encode(PEM_CERTIFICATE, der, len, &pem, &pem_len);
    if (err != GLASS_OK)
        return app_error("ca", "%s", glass_strerror(err));
    int rc = app_write_output("ca", path, pem, pem_len, 0644);
    free(pem);
    return rc;
}

/* Parses --subj once before any work, so a bad name is reported by itself
 * (and no directory or key is made for it).  Returns 1 (after printing) or 0. */
static int check_subject(const char *subj)
{
    uint8_t *name = NULL;
    size_t name_len = 0;
    glass_err err = x509_name_from_string(subj, &name, &name_len);
    free(name);
    if (err != GLASS_OK)
        return app_error("ca", "--subj '%s': %s", subj, glass_strerror(err));
    return 0;
}

static int do_init(const struct ca_args *a)
{
    char *pw = NULL;
    if (a->subj == NULL)
        return app_error("ca", "init needs --subj NAME");
    if (check_subject(a->subj) != 0)
        return 1;
    glass_err err = app_password_get(a->pass, "Enter a pass phrase for the new CA key", 1, &pw);
    if (err != GLASS_OK)
        return app_error("ca", "-pass %s: %s", a->pass ? a->pass : "(terminal prompt)",
                         glass_strerror(err));
    err = ca_init_ex(a->dir, a->subj, pw, (unsigned)a->bits,
                     a->days ? (unsigned)a->days : CA_ROOT_DEFAULT_DAYS, (int64_t)time(NULL));
    app_password_free(pw);
    if (err != GLASS_OK)
        return app_error("ca", "%s: %s", a->dir, glass_strerror(err));
    printf("CA created in %s: %s/ca.pem (certificate), %s/ca.key (encrypted key)\n", a->dir,
           a->dir, a->dir);
    return 0;
}

static int do_sign(const struct ca_args *a)
{
    glass_ca *ca = NULL;
    uint8_t *data = NULL, *der = NULL, *cert = NULL;
    size_t data_len = 0, der_len = 0, cert_len = 0;
    int rc = 1;
    if (a->in == NULL || a->out == NULL || a->profile < 0)
        return app_error("ca", "sign needs -in REQ, -out CERT and --profile server|client");
    if (app_check_output("ca", "-out", a->out) != 0)
        return 1;
    glass_err err = glass_read_file(a->in, 1u << 20, &data, &data_len);
    if (err != GLASS_OK)
        return app_error("ca", "%s: %s", a->in, glass_strerror(err));
    if (pem_detect(data, data_len)) {
        char label[PEM_LABEL_MAX];
        err = pem_decode((const char *)data, data_len, NULL, label, &der, &der_len, NULL);
        if (err == GLASS_OK && strcmp(label, PEM_CERTIFICATE_REQUEST) != 0 &&
            strcmp(label, "NEW CERTIFICATE REQUEST") != 0)
            err = GLASS_ERR_PEM_LABEL;
        if (err != GLASS_OK) {
            app_error("ca", "%s: %s", a->in, glass_strerror(err));
            goto cleanup;
        }
    }
    if (open_ca(a, 1, &ca) != 0)
        goto cleanup;
    err = ca_sign_request(ca, der != NULL ? der : data, der != NULL ? der_len : data_len,
                          (enum ca_profile)a->profile, (unsigned)a->days, a->san,
                          (int64_t)time(NULL), &cert, &cert_len);
    if (err != GLASS_OK) {
        ca_fail(a, ca, a->in, err);
        goto cleanup;
    }
    rc = write_cert(a->out, cert, cert_len);
cleanup:
    ca_close(ca);
    free(data);
    free(der);
    free(cert);
    return rc;
}

static int do_issue(const struct ca_args *a)
{
    glass_ca *ca = NULL;
    rsa_private_key key;
    uint8_t *csr = NULL, *cert = NULL, *key_pem = NULL;
    size_t csr_len = 0, cert_len = 0, key_pem_len = 0;
    char *kpw = NULL;
    int rc = 1;
    glass_err err;
    if (a->subj == NULL || a->out == NULL || a->keyout == NULL || a->profile < 0)
        return app_error("ca", "issue needs --subj, --profile, -out CERT and -keyout KEY");
    if (check_subject(a->subj) != 0 || app_check_output("ca", "-out", a->out) != 0 ||
        app_check_output("ca", "-keyout", a->keyout) != 0)
        return 1;
    rsa_private_init(&key);
    /* 1. Open the CA first, so a wrong password costs no key generation. */
    if (open_ca(a, 1, &ca) != 0)
        goto cleanup;
    if (a->passout != NULL) {
        err = app_password_get(a->passout, "Enter pass phrase for the new key", 1, &kpw);
        if (err != GLASS_OK) {
            app_error("ca", "-passout %s: %s", a->passout, glass_strerror(err));
            goto cleanup;
        }
    }
    /* 2. Key, 3. request (signed with it), 4. certificate. */
    if ((err = rsa_generate(&key, (unsigned)a->bits, RSA_DEFAULT_E)) != GLASS_OK ||
        (err = csr_create(&key, a->subj, &csr, &csr_len)) != GLASS_OK ||
        (err = ca_sign_request(ca, csr, csr_len, (enum ca_profile)a->profile, (unsigned)a->days,
                               a->san, (int64_t)time(NULL), &cert, &cert_len)) != GLASS_OK) {
        ca_fail(a, ca, NULL, err);
        goto cleanup;
    }
    if ((err = key_save_private_pem(&key, kpw, 0, &key_pem, &key_pem_len)) != GLASS_OK) {
        app_error("ca", "%s", glass_strerror(err));
        goto cleanup;
    }
    if (app_write_output("ca", a->keyout, key_pem, key_pem_len, 0600) != 0)
        goto cleanup;
    rc = write_cert(a->out, cert, cert_len);
    if (rc != 0)
        remove(a->keyout);  /* no key left behind without its certificate */
cleanup:
    ca_close(ca);
    rsa_private_clear(&key);
    app_password_free(kpw);
    free(csr);
    free(cert);
    if (key_pem != NULL) {
        glass_wipe(key_pem, key_pem_len);
        free(key_pem);
    }
    return rc;
}

static int do_list(const struct ca_args *a)
{
    glass_ca *ca = NULL;
    ca_entry *e = NULL;
    size_t n = 0;
    if (open_ca(a, 0, &ca) != 0)
        return 1;
    glass_err err = ca_list(ca, &e, &n);
    if (err != GLASS_OK) {
        ca_fail(a, ca, a->dir, err);
        ca_close(ca);
        return 1;
    }
    printf("%-6s %-10s %-10s %-32s %s\n", "status", "expires", "revoked", "serial", "subject");
    for (size_t i = 0; i < n; i++) {
        char exp[16], rev[16] = "-", serial[2 * X509_SERIAL_MAX + 1];
        int y, mo, d, h, mi, s;
        der_time_to_civil(e[i].not_after, &y, &mo, &d, &h, &mi, &s);
        snprintf(exp, sizeof exp, "%04d-%02d-%02d", y, mo, d);
        if (e[i].status == 'R') {
            der_time_to_civil(e[i].revoked_at, &y, &mo, &d, &h, &mi, &s);
            snprintf(rev, sizeof rev, "%04d-%02d-%02d", y, mo, d);
        }
        for (size_t k = 0; k < e[i].serial_len; k++)
            snprintf(serial + 2 * k, 3, "%02X", e[i].serial[k]);
        printf("%-6c %-10s %-10s %-32s %s\n", e[i].status, exp, rev, serial, e[i].subject);
    }
    free(e);
    ca_close(ca);
    return 0;
}

/* The revocation date of serial from the index, as "YYYY-MM-DD HH:MM:SS
 * UTC" ("an earlier date" if the index cannot say). */
static void revoked_date(glass_ca *ca, const uint8_t *serial, size_t len, char *out, size_t cap)
{
    ca_entry *e = NULL;
    size_t n = 0;
    snprintf(out, cap, "an earlier date");
    if (ca_list(ca, &e, &n) != GLASS_OK)
        return;
    /* Serials compare as numbers: leading zero bytes do not count. */
    while (len > 1 && serial[0] == 0) {
        serial++;
        len--;
    }
    for (size_t i = 0; i < n; i++) {
        const uint8_t *es = e[i].serial;
        size_t el = e[i].serial_len;
        while (el > 1 && es[0] == 0) {
            es++;
            el--;
        }
        if (e[i].status == 'R' && el == len && memcmp(es, serial, len) == 0) {
            int y, mo, d, h, mi, sec;
            der_time_to_civil(e[i].revoked_at, &y, &mo, &d, &h, &mi, &sec);
            snprintf(out, cap, "%04d-%02d-%02d %02d:%02d:%02d UTC", y, mo, d, h, mi, sec);
            break;
        }
    }
    free(e);
}

static int do_revoke(const struct ca_args *a)
{
    glass_ca *ca = NULL;
    uint8_t serial[X509_SERIAL_MAX + 1];
    size_t len = 0;
    char hex[2 * X509_SERIAL_MAX + 3];
    if (a->serial == NULL)
        return app_error("ca", "revoke needs a SERIAL (hex)");
    /* Accept "serial=ABCD" as openssl prints it, "0x", and an odd length. */
    const char *s = a->serial;
    if (strncmp(s, "serial=", 7) == 0)
        s += 7;
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
        s += 2;
    size_t sl = strlen(s);
    if (sl == 0 || sl > 2 * X509_SERIAL_MAX + 1)
        return app_error("ca", "'%s' is not a serial number in hex", a->serial);
    snprintf(hex, sizeof hex, "%s%s", sl % 2 ? "0" : "", s);
    if (glass_hex_decode(serial, sizeof serial, &len, hex) != GLASS_OK)
        return app_error("ca", "'%s' is not a serial number in hex", a->serial);
    if (open_ca(a, 1, &ca) != 0)
        return 1;
    glass_err err = ca_revoke(ca, serial, len, (int64_t)time(NULL));
    if (err == GLASS_ERR_CA_ALREADY_REVOKED) {
        /* Refused, as `openssl ca -revoke` refuses; say since when. */
        char when[32];
        revoked_date(ca, serial, len, when, sizeof when);
        ca_close(ca);
        return app_error("ca", "%s: already revoked on %s", a->serial, when);
    }
    if (err != GLASS_OK) {
        ca_fail(a, ca, a->serial, err);
        ca_close(ca);
        return 1;
    }
    ca_close(ca);
    printf("Revoked %s\n", s);
    return 0;
}

static int do_crl(const struct ca_args *a)
{
    glass_ca *ca = NULL;
    uint8_t *der = NULL;
    size_t len = 0;
    char *pem = NULL;
    size_t pem_len = 0;
    int rc = 1;
    if (a->out == NULL)
        return app_error("ca", "crl needs -out FILE");
    if (app_check_output("ca", "-out", a->out) != 0)
        return 1;
    if (open_ca(a, 1, &ca) != 0)
        return 1;
    glass_err err = ca_crl_current(ca, (int64_t)time(NULL), &der, &len);
    if (err == GLASS_OK)
        err = pem_encode(PEM_X509_CRL, der, len, &pem, &pem_len);
    if (err != GLASS_OK)
        ca_fail(a, ca, a->dir, err);
    else
        rc = app_write_output("ca", a->out, pem, pem_len, 0644);
    ca_close(ca);
    free(der);
    free(pem);
    return rc;
}

static int run(int argc, char **argv)
{
    struct ca_args a;
    /* Enrollment codes belong to the server side of the model (apps/ca_enroll.c). */
    if (argc >= 2 && strcmp(argv[1], "enroll-code") == 0)
        return ca_enroll_code_main(argc - 1, argv + 1);
    if (argc < 2)
        return app_error("ca", "give a subcommand: init, sign, issue, list, revoke or crl "
                               "(see glass ca --help)");
    if (app_wants_help(argc, argv)) {
        usage(stdout);
        return 0;
    }
    const char *sub = argv[1];
    if (parse_args(argc, argv, &a) != 0)
        return 1;
    if (strcmp(sub, "init") == 0)
        return do_init(&a);
    if (strcmp(sub, "sign") == 0)
        return do_sign(&a);
    if (strcmp(sub, "issue") == 0)
        return do_issue(&a);
    if (strcmp(sub, "list") == 0)
        return do_list(&a);
    if (strcmp(sub, "revoke") == 0)
        return do_revoke(&a);
    if (strcmp(sub, "crl") == 0)
        return do_crl(&a);
    return app_error("ca", "unknown subcommand '%s' (init, sign, issue, list, revoke, crl, enroll-code)", sub);
}

const struct glass_command cmd_ca = {"ca", "certificate authority: init, sign, issue, list, revoke, crl", run};
