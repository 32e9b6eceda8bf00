/*
 * cmd_x509.c — `glass x509`: show a certificate, like `openssl x509`.
 */
#include "apps.h"
#include "password.h"

#include "asn1/asn1.h"
#include "ca/ca.h"

#include <stdlib.h>
#include <string.h>

static void print_time(const char *name, int64_t t)
{
    int y, mon, d, h, min, s;
    static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                         "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    der_time_to_civil(t, &y, &mon, &d, &h, &min, &s);
    /* OpenSSL's form: "notAfter=Nov 22 13:40:00 2027 GMT". */
    printf("%s=%s %2d %02d:%02d:%02d %d GMT\n", name, months[mon - 1], d, h, min, s, y);
}

static int run(int argc, char **argv)
{
    const char *cmd = "x509";
    const char *in = NULL, *out = NULL;
    int text = 0, noout = 0, fingerprint = 0, subject = 0, issuer = 0, serial = 0, dates = 0;
    int outder = 0, pubkey = 0, rc = 1;
    x509_cert *certs = NULL;
    size_t n = 0;

    if (app_wants_help(argc, argv)) {
        printf("usage: glass x509 -in FILE [-inform PEM|DER] [-text] [-noout] [-fingerprint]\n"
               "                  [-subject] [-issuer] [-serial] [-dates] [-pubkey]\n"
               "                  [-out FILE] [-outform PEM|DER]\n"
               "  -fingerprint  SHA-256 of the DER (as openssl x509 -fingerprint -sha256)\n"
               "  -serial       the serial in hex, as glass ca revoke takes it\n"
               "example:\n"
               "  glass x509 -in srv.pem -noout -subject -serial -dates\n"
               "  glass x509 -in srv.pem -noout -text\n");
        return 0;
    }
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int v = i + 1 < argc;
        if (strcmp(a, "-in") == 0 && v)
            in = argv[++i];
        else if (strcmp(a, "-out") == 0 && v)
            out = argv[++i];
        else if (strcmp(a, "-inform") == 0 && v) {
            if (app_format_arg(cmd, a, argv[++i]) < 0)
                return 1;
        } else if (strcmp(a, "-outform") == 0 && v) {
            if ((outder = app_format_arg(cmd, a, argv[++i])) < 0)
                return 1;
        } else if (strcmp(a, "-text") == 0)
            text = 1;
        else if (strcmp(a, "-noout") == 0)
            noout = 1;
        else if (strcmp(a, "-fingerprint") == 0)
            fingerprint = 1;
        else if (strcmp(a, "-sha256") == 0)
            continue;
        else if (strcmp(a, "-subject") == 0)
            subject = 1;
        else if (strcmp(a, "-issuer") == 0)
            issuer = 1;
        else if (strcmp(a, "-serial") == 0)
            serial = 1;
        else if (strcmp(a, "-dates") == 0)
            dates = 1;
        else if (strcmp(a, "-pubkey") == 0)
            pubkey = 1;
        else
            return app_error(cmd, "unknown or incomplete option '%s' (see glass x509 --help)", a);
    }
    if (in == NULL)
        return app_error(cmd, "-in FILE is required (see glass x509 --help)");
    glass_err err = x509_load_pem_file(in, &certs, &n);
    if (err != GLASS_OK)
        return app_error(cmd, "%s: %s", in, glass_strerror(err));
    const x509_cert *c = &certs[0];

    if (issuer)
        printf("issuer=%s\n", c->issuer);
    if (subject)
        printf("subject=%s\n", c->subject);
    if (serial) {
        /* As OpenSSL prints it: upper-case hex of the magnitude. */
        size_t skip = c->serial_len > 1 && c->serial[0] == 0 ? 1 : 0;
        printf("serial=");
        for (size_t i = skip; i < c->serial_len; i++)
            printf("%02X", c->serial[i]);
        printf("\n");
    }
    if (dates) {
        print_time("notBefore", c->not_before);
        print_time("notAfter", c->not_after);
    }
    if (fingerprint) {
        uint8_t fp[32];
        x509_fingerprint(c, fp);
        printf("sha256 Fingerprint=");
        for (size_t i = 0; i < sizeof fp; i++)
            printf("%02X%s", fp[i], i + 1 < sizeof fp ? ":" : "\n");
    }
    if (text)
        x509_print_text(stdout, c);
    if (pubkey) {
        char *pem = NULL;
        size_t len = 0;
        if (pem_encode(PEM_PUBLIC_KEY, c->spki_der, c->spki_len, &pem, &len) == GLASS_OK)
            fwrite(pem, 1, len, stdout);
        free(pem);
    }
    rc = 0;
    if (!noout) {
        if (outder) {
            rc = app_write_output(cmd, out, c->der, c->der_len, 0644);
        } else {
            char *pem = NULL;
            size_t len = 0;
            err = pem_encode(PEM_CERTIFICATE, c->der, c->der_len, &pem, &len);
            rc = err != GLASS_OK ? app_error(cmd, "%s", glass_strerror(err))
                                 : app_write_output(cmd, out, pem, len, 0644);
            free(pem);
        }
    }
    x509_free_all(certs, n);
    return rc;
}

const struct glass_command cmd_x509 = {"x509", "show a certificate: -text, -subject, -serial, -fingerprint", run};
