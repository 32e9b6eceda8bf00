/*
 * cmd_ca.c — `glass ca`: run the certificate authority in a directory
 * (ca/authority.c does the work; this file reads arguments and files).
 *
 * Read from the bottom up: run() finds the subcommand in ca_subs (which is
 * also `glass ca --help`); each subcommand declares its option table
 * (io/opt.h), which is both its parser and its `glass ca SUB --help`, and
 * calls its do_* function above.  Every option may be spelled with one dash
 * or two (-dir, --dir), as glass ca has always taken them.  enroll-code
 * lives in apps/ca_enroll.c.
 *
 * CT: not applicable here (passwords go straight to ca/ and are wiped).
 */
#include "apps.h"
#include "opt.h"
#include "password.h"

#include "asn1/asn1.h"
#include "ca/ca.h"
#include "rsa/rsa.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

struct ca_args {
    const char *dir, *subj, *pass, *passout, *in, *out, *keyout, *san, *serial, *key, *keypass;
    int profile;            /* -1 unset */
    int verify, repair;
    unsigned long days, bits;
};

static void args_init(struct ca_args *a)
{
    memset(a, 0, sizeof *a);
    a->profile = -1;
    a->bits = 2048;
}

/* --profile's value (an OPT_CALL of the tables below). */
static int take_profile(const char *cmd, const char *flag, const char *value, void *dest)
{
    int *profile = dest;
    (void)flag;
    if (strcmp(value, "server") == 0)
        *profile = CA_PROFILE_SERVER;
    else if (strcmp(value, "client") == 0)
        *profile = CA_PROFILE_CLIENT;
    else
        return app_error(cmd, "--profile must be server or client, not '%s'", value);
    return 0;
}

/* The entries several subcommands share, written once. */
#define CA_OPT_DIR(a) \
    OPTION_STRING("--dir", NULL, "DIR", "the CA directory (made by `glass ca init`)", &(a).dir)
#define CA_OPT_PASS(a)                                                                         \
    OPTION_STRING("-pass", "-passin", "SRC",                                                   \
                  "the CA key's password: pass:TEXT, env:VAR, file:PATH,\n"                    \
                  "fd:N or stdin (without it: asked at the terminal)", &(a).pass)
#define CA_OPT_PROFILE(a) \
    OPTION_CALL("--profile", "server|client", "what the certificate is for", &(a).profile, \
                take_profile)
#define CA_OPT_DAYS(a) \
    OPTION_UINT("--days", "N", "the certificate's lifetime in days", &(a).days, 1, 36500)
#define CA_OPT_SAN(a)                                                                       \
    OPTION_STRING("--san", NULL, "LIST", "subjectAltName, as DNS:localhost,IP:127.0.0.1\n" \
                  "(a server certificate gets DNS:<CN> without it)", &(a).san)

/* Parses a subcommand's arguments (argv[0] is its name) with spec, whose
 * table writes into a; --dir is then required.  OPT_RUN, or the exit status. */
static int ca_parse(const opt_command *spec, int argc, char **argv, struct ca_args *a)
{
    opt_operands rest;
    int st = opt_parse(spec, argc, argv, &rest);
    if (st != OPT_RUN)
        return st;
    if (rest.n == 1)
        a->serial = rest.v[0];
    if (a->dir == NULL)
        return app_error(spec->name, "--dir DIR is required (see glass %s --help)", spec->name);
    return OPT_RUN;
}

/* Opens the CA, asking for the key's password when `with_key`. */
static int open_ca(const struct ca_args *a, int with_key, glass_ca **ca)
{
    char *pw = NULL;
    glass_err err;
    if (with_key) {
        err = app_password_get(a->pass, "Enter pass phrase for the CA key", 0, &pw);
        if (err != GLASS_OK)
            return io_password_error("ca", "-pass", a->pass, err);
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
        return io_password_error("ca", "-pass", a->pass, err);
    rsa_private_key key;
    rsa_private_init(&key);
    if (a->key != NULL &&
        app_load_private_key("ca", a->key, a->keypass != NULL ? a->keypass : a->pass, &key) != 0) {
        rsa_private_clear(&key);
        app_password_free(pw);
        return 1;
    }
    err = ca_init_key(a->dir, a->subj, pw, a->key != NULL ? &key : NULL, (unsigned)a->bits,
                      a->days ? (unsigned)a->days : CA_ROOT_DEFAULT_DAYS, (int64_t)time(NULL));
    rsa_private_clear(&key);
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
    /* The certificate counts only once it is written out: begin, write,
     * commit (ca/ca_txn.c), so a failure anywhere leaves no trace in the CA. */
    ca_issue *t = NULL;
    err = ca_issue_begin(ca, der != NULL ? der : data, der != NULL ? der_len : data_len,
                         (enum ca_profile)a->profile, (unsigned)a->days, a->san,
                         (int64_t)time(NULL), &t);
    if (err != GLASS_OK) {
        ca_fail(a, ca, a->in, err);
        goto cleanup;
    }
    const uint8_t *issued = ca_issue_certificate(t, &cert_len);
    if (write_cert(a->out, issued, cert_len) != 0) {
        ca_issue_abort(t);
        goto cleanup;
    }
    if ((err = ca_issue_commit(t)) != GLASS_OK) {
        remove(a->out);
        ca_fail(a, ca, NULL, err);
        goto cleanup;
    }
    rc = 0;
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
            io_password_error("ca", "-passout", a->passout, err);
            goto cleanup;
        }
    }
    /* 2. Key, 3. request (signed with it), 4. certificate. */
    if ((err = rsa_generate(&key, (unsigned)a->bits, RSA_DEFAULT_E)) != GLASS_OK ||
        (err = csr_create(&key, a->subj, &csr, &csr_len)) != GLASS_OK ||
        (err = ca_key_save_private_pem(&key, kpw, 0, &key_pem, &key_pem_len)) != GLASS_OK) {
        ca_fail(a, ca, NULL, err);
        goto cleanup;
    }
    /* 5. The issuance as one transaction that includes the delivery: the
     *    certificate is made (nothing recorded yet), key and certificate are
     *    written out, and only then is the issuance committed; a failure at
     *    any step (a full disk) leaves neither files nor records. */
    ca_issue *t = NULL;
    if ((err = ca_issue_begin(ca, csr, csr_len, (enum ca_profile)a->profile, (unsigned)a->days,
                              a->san, (int64_t)time(NULL), &t)) != GLASS_OK) {
        ca_fail(a, ca, NULL, err);
        goto cleanup;
    }
    const uint8_t *issued = ca_issue_certificate(t, &cert_len);
    if (app_write_output("ca", a->keyout, key_pem, key_pem_len, 0600) != 0) {
        ca_issue_abort(t);
        goto cleanup;
    }
    if (write_cert(a->out, issued, cert_len) != 0) {
        ca_issue_abort(t);
        remove(a->keyout);  /* no key left behind without its certificate */
        goto cleanup;
    }
    if ((err = ca_issue_commit(t)) != GLASS_OK) {
        remove(a->keyout);
        remove(a->out);
        ca_fail(a, ca, NULL, err);
        goto cleanup;
    }
    rc = 0;
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

/* check: does the directory agree with itself (ca/ca_check.c)? */
static int do_check(const struct ca_args *a)
{
    size_t problems = 0, repaired = 0;
    glass_err err = ca_check(a->dir, a->repair, stdout, &problems, &repaired);
    if (err != GLASS_OK)
        return app_error("ca", "%s: %s", a->dir, glass_strerror(err));
    if (problems == 0) {
        printf("%s: consistent: journal, files, index, log, certificates and codes agree\n", a->dir);
        return 0;
    }
    if (a->repair && repaired > 0)
        printf("%s: %zu problem%s found, %zu repaired\n", a->dir, problems,
               problems == 1 ? "" : "s", repaired);
    if (a->repair && repaired == problems)
        return 0;
    return app_error("ca", "%s: %zu problem%s%s", a->dir, problems - (a->repair ? repaired : 0),
                     problems - (a->repair ? repaired : 0) == 1 ? "" : "s",
                     a->repair ? " that --repair cannot fix (listed above)"
                               : " (listed above; glass ca check --repair fixes what it safely can)");
}

/* log: the issuance log, line by line; --verify checks it (ca/ca_log.c). */
static int do_log(const struct ca_args *a)
{
    glass_ca *ca = NULL;
    size_t entries = 0, problems = 0;
    if (open_ca(a, 0, &ca) != 0)
        return 1;
    if (!a->verify) {
        uint8_t *data = NULL;
        size_t len = 0;
        char path[4096];
        snprintf(path, sizeof path, "%s/issuance.log", a->dir);
        glass_err err = glass_read_file(path, 64u << 20, &data, &len);
        ca_close(ca);
        if (err != GLASS_OK)
            return app_error("ca", "%s: %s", path, glass_strerror(err));
        fwrite(data, 1, len, stdout);
        free(data);
        return 0;
    }
    glass_err err = ca_log_verify(ca, stdout, &entries, &problems);
    if (err != GLASS_OK) {
        int rc = ca_fail(a, ca, a->dir, err);
        ca_close(ca);
        return rc;
    }
    ca_close(ca);
    if (problems > 0)
        return app_error("ca", "%s: issuance log: %zu problem%s in %zu line%s (listed above)",
                         a->dir, problems, problems == 1 ? "" : "s", entries,
                         entries == 1 ? "" : "s");
    printf("issuance log OK: %zu certificate%s, each signed by the CA, stored and in the index\n",
           entries, entries == 1 ? "" : "s");
    return 0;
}

/* ---- One option table per subcommand (opt.h): its parser and its --help.
 * Every option may be spelled with one dash or two (.either_dash). */

static int ca_init_main(int argc, char **argv)
{
    struct ca_args a;
    args_init(&a);
    const opt opts[] = {
        CA_OPT_DIR(a),
        OPTION_STRING("--subj", NULL, "NAME", "the root's subject, as /C=BR/O=School/CN=Root",
                      &a.subj),
        OPTION_STRING("-pass", "-passin", "SRC",
                      "the password for the new CA key: pass:TEXT, env:VAR,\n"
                      "file:PATH, fd:N or stdin (without it: asked at the terminal)", &a.pass),
        OPTION_UINT("--bits", "N", "the new key's size", &a.bits, RSA_MIN_BITS, RSA_MAX_BITS),
        OPTION_UINT("--days", "N", "the root's lifetime in days (default 3650)", &a.days, 1,
                    36500),
        OPTION_STRING("--key", NULL, "FILE", "build the CA around this existing key", &a.key),
        OPTION_STRING("--keypass", NULL, "SRC", "--key's password, if other than -pass",
                      &a.keypass),
        OPTION_END,
    };
    const opt_command spec = {
        .name = "ca init",
        .synopsis = "--dir DIR --subj NAME -pass SRC [--bits N] [--days N]\n"
                    "                     [--key FILE [--keypass SRC]]",
        .about = "Creates a CA in DIR: DIR/ca.pem (a self-signed root), DIR/ca.key (its key,\n"
                 "encrypted with -pass), DIR/index.txt and DIR/issuance.log.\n",
        .opts = opts,
        .example = "  glass ca init --dir ca --subj \"/C=BR/O=School/CN=School Root\" -pass pass:pw\n",
        .anywhere = 1, .max_operands = 0, .either_dash = 1,
    };
    int st = ca_parse(&spec, argc, argv, &a);
    return st != OPT_RUN ? st : do_init(&a);
}

static int ca_sign_main(int argc, char **argv)
{
    struct ca_args a;
    args_init(&a);
    const opt opts[] = {
        CA_OPT_DIR(a),
        OPTION_STRING("-in", NULL, "REQ", "the PKCS#10 request (PEM or DER)", &a.in),
        OPTION_STRING("-out", NULL, "CERT", "where to write the certificate (PEM)", &a.out),
        CA_OPT_PROFILE(a),
        CA_OPT_DAYS(a),
        CA_OPT_SAN(a),
        CA_OPT_PASS(a),
        OPTION_END,
    };
    const opt_command spec = {
        .name = "ca sign",
        .synopsis = "--dir DIR -in REQ -out CERT --profile server|client [--days N]\n"
                    "                     [--san LIST] -pass SRC",
        .about = "Checks a certificate request's self-signature and issues a certificate.\n",
        .opts = opts,
        .example = "  glass req -new -key srv.key -subj /CN=localhost -out srv.csr\n"
                   "  glass ca sign --dir ca -in srv.csr -out srv.pem --profile server -pass pass:pw\n",
        .anywhere = 1, .max_operands = 0, .either_dash = 1,
    };
    int st = ca_parse(&spec, argc, argv, &a);
    return st != OPT_RUN ? st : do_sign(&a);
}

static int ca_issue_main(int argc, char **argv)
{
    struct ca_args a;
    args_init(&a);
    const opt opts[] = {
        CA_OPT_DIR(a),
        OPTION_STRING("--subj", NULL, "NAME", "the certificate's subject, as /CN=localhost",
                      &a.subj),
        CA_OPT_PROFILE(a),
        CA_OPT_SAN(a),
        OPTION_STRING("-out", NULL, "CERT", "where to write the certificate (PEM)", &a.out),
        OPTION_STRING("-keyout", NULL, "KEY", "where to write the new key (mode 0600)", &a.keyout),
        OPTION_STRING("-passout", NULL, "SRC", "encrypt the new key with this password\n"
                      "(without it the key is written unencrypted)", &a.passout),
        OPTION_UINT("--bits", "N", "the new key's size", &a.bits, RSA_MIN_BITS, RSA_MAX_BITS),
        CA_OPT_DAYS(a),
        CA_OPT_PASS(a),
        OPTION_END,
    };
    const opt_command spec = {
        .name = "ca issue",
        .synopsis = "--dir DIR --subj NAME --profile server|client [--san LIST]\n"
                    "                      -out CERT -keyout KEY [-passout SRC] [--bits N]\n"
                    "                      [--days N] -pass SRC",
        .about = "Makes a new key, a request signed with it and the certificate, in one step.\n",
        .opts = opts,
        .example = "  glass ca issue --dir ca --subj /CN=localhost --profile server \\\n"
                   "      --san DNS:localhost,IP:127.0.0.1 -out srv.pem -keyout srv.key -pass pass:pw\n"
                   "  openssl verify -CAfile ca/ca.pem -purpose sslserver srv.pem\n",
        .anywhere = 1, .max_operands = 0, .either_dash = 1,
    };
    int st = ca_parse(&spec, argc, argv, &a);
    return st != OPT_RUN ? st : do_issue(&a);
}

static int ca_revoke_main(int argc, char **argv)
{
    struct ca_args a;
    args_init(&a);
    const opt opts[] = {CA_OPT_DIR(a), CA_OPT_PASS(a), OPTION_END};
    const opt_command spec = {
        .name = "ca revoke",
        .synopsis = "--dir DIR SERIAL -pass SRC",
        .about = "Revokes the certificate with serial number SERIAL, in hex as\n"
                 "`openssl x509 -noout -serial` prints it (serial=, 0x and odd lengths are taken).\n",
        .opts = opts,
        .example = "  glass ca revoke --dir ca \"$(openssl x509 -in bob.pem -noout -serial)\" "
                   "-pass pass:pw\n",
        .anywhere = 1, .max_operands = 1, .operands = "SERIAL", .either_dash = 1,
    };
    int st = ca_parse(&spec, argc, argv, &a);
    return st != OPT_RUN ? st : do_revoke(&a);
}

static int ca_crl_main(int argc, char **argv)
{
    struct ca_args a;
    args_init(&a);
    const opt opts[] = {
        CA_OPT_DIR(a),
        OPTION_STRING("-out", NULL, "CRL", "where to write the CRL (PEM)", &a.out),
        CA_OPT_PASS(a),
        OPTION_END,
    };
    const opt_command spec = {
        .name = "ca crl",
        .synopsis = "--dir DIR -out CRL -pass SRC",
        .about = "Writes an X.509 v2 CRL (RFC 5280 §5) of every revoked certificate.\n",
        .opts = opts,
        .example = "  glass ca crl --dir ca -out crl.pem -pass pass:pw\n"
                   "  openssl crl -in crl.pem -noout -text\n",
        .anywhere = 1, .max_operands = 0, .either_dash = 1,
    };
    int st = ca_parse(&spec, argc, argv, &a);
    return st != OPT_RUN ? st : do_crl(&a);
}

/* list, log and check: no key, at most one flag. */
static int ca_list_main(int argc, char **argv)
{
    struct ca_args a;
    args_init(&a);
    const opt opts[] = {CA_OPT_DIR(a), OPTION_END};
    const opt_command spec = {
        .name = "ca list",
        .synopsis = "--dir DIR",
        .about = "Prints the index: status (V valid, R revoked), expiry, revocation date,\n"
                 "serial and subject of every certificate the CA issued.\n",
        .opts = opts,
        .example = "  glass ca list --dir ca\n",
        .anywhere = 1, .max_operands = 0, .either_dash = 1,
    };
    int st = ca_parse(&spec, argc, argv, &a);
    return st != OPT_RUN ? st : do_list(&a);
}

static int ca_log_main(int argc, char **argv)
{
    struct ca_args a;
    args_init(&a);
    const opt opts[] = {
        CA_OPT_DIR(a),
        OPTION_FLAG("--verify", NULL, "check every line: the CA's signature, the SHA-256 of\n"
                    "certs/SERIAL.pem, and that index.txt agrees", &a.verify),
        OPTION_END,
    };
    const opt_command spec = {
        .name = "ca log",
        .synopsis = "--dir DIR [--verify]",
        .about = "Prints the issuance log, one signed line per certificate issued.\n",
        .opts = opts,
        .example = "  glass ca log --dir ca --verify\n",
        .anywhere = 1, .max_operands = 0, .either_dash = 1,
    };
    int st = ca_parse(&spec, argc, argv, &a);
    return st != OPT_RUN ? st : do_log(&a);
}

static int ca_check_main(int argc, char **argv)
{
    struct ca_args a;
    args_init(&a);
    const opt opts[] = {
        CA_OPT_DIR(a),
        OPTION_FLAG("--repair", NULL, "fix what can be fixed safely", &a.repair),
        OPTION_END,
    };
    const opt_command spec = {
        .name = "ca check",
        .synopsis = "--dir DIR [--repair]",
        .about = "Does the directory agree with itself: journal, temporary files, certificate\n"
                 "files, index and log?\n",
        .opts = opts,
        .example = "  glass ca check --dir ca --repair\n",
        .anywhere = 1, .max_operands = 0, .either_dash = 1,
    };
    int st = ca_parse(&spec, argc, argv, &a);
    return st != OPT_RUN ? st : do_check(&a);
}

/* The subcommands, in the order `glass ca --help` lists them. */
static const struct {
    const char *name;
    const char *summary;
    int (*main)(int argc, char **argv);
} ca_subs[] = {
    {"init", "create a CA: self-signed root, encrypted key, index and log", ca_init_main},
    {"sign", "check a certificate request and issue its certificate", ca_sign_main},
    {"issue", "new key, request and certificate in one step", ca_issue_main},
    {"list", "print the index: status, expiry, serial, subject", ca_list_main},
    {"revoke", "revoke a certificate by its serial number", ca_revoke_main},
    {"crl", "write a CRL of every revoked certificate", ca_crl_main},
    {"enroll-code", "print a one-time code with which a client enrolls", ca_enroll_code_main},
    {"log", "print the issuance log; --verify checks every line", ca_log_main},
    {"check", "does the directory agree with itself? --repair", ca_check_main},
};

static void usage(FILE *f)
{
    fprintf(f, "usage: glass ca SUBCOMMAND --dir DIR [options]\n\n"
               "Runs the certificate authority kept in the directory DIR.\n\n"
               "subcommands:\n");
    for (size_t i = 0; i < sizeof ca_subs / sizeof ca_subs[0]; i++)
        fprintf(f, "  %-12s %s\n", ca_subs[i].name, ca_subs[i].summary);
    fprintf(f, "\n`glass ca SUBCOMMAND --help` lists its options; each may be spelled with one\n"
               "dash or two (-dir, --dir).  SRC, a password: pass:TEXT, env:VAR, file:PATH,\n"
               "fd:N or stdin.\n\n"
               "example:\n"
               "  glass ca init --dir ca --subj \"/C=BR/O=School/CN=School Root\" -pass pass:pw\n"
               "  glass ca issue --dir ca --subj /CN=localhost --profile server \\\n"
               "      --san DNS:localhost,IP:127.0.0.1 -out srv.pem -keyout srv.key -pass pass:pw\n");
}

static int run(int argc, char **argv)
{
    if (argc < 2)
        return app_error("ca", "give a subcommand: init, sign, issue, list, revoke, crl, log or check "
                               "(see glass ca --help)");
    const char *sub = argv[1];
    if (strcmp(sub, "-h") == 0 || strcmp(sub, "-help") == 0 || strcmp(sub, "--help") == 0) {
        usage(stdout);
        return 0;
    }
    for (size_t i = 0; i < sizeof ca_subs / sizeof ca_subs[0]; i++)
        if (strcmp(sub, ca_subs[i].name) == 0)
            return ca_subs[i].main(argc - 1, argv + 1);
    return app_error("ca", "unknown subcommand '%s' (init, sign, issue, list, revoke, crl, log, check, enroll-code)", sub);
}

const struct glass_command cmd_ca = {"ca", "certificate authority: init, sign, issue, list, revoke, crl", run};
