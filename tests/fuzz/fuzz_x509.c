/*
 * fuzz_x509.c — certificate parsing (ca/x509.c) and everything a tool does
 * with a parsed certificate: print it as text, render its names, match a
 * host, fingerprint it.  The input is DER, or PEM (x509_load_pem takes both).
 */
#include "fuzz.h"
#include "ca/ca.h"

static void use(const x509_cert *c)
{
    char buf[X509_NAME_STR_MAX];
    uint8_t fp[32];
    x509_print_text(fuzz_devnull(), c);
    (void)x509_subject_cn(c, buf, sizeof buf);
    (void)x509_check_host(c, "localhost");
    (void)x509_check_host(c, "127.0.0.1");
    (void)x509_check_host(c, "::1");
    x509_fingerprint(c, fp);
    (void)x509_name_to_string(c->issuer_der, c->issuer_len, buf, sizeof buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    x509_cert c;
    if (x509_parse(&c, data, size) == GLASS_OK) {
        use(&c);
        x509_free(&c);
    }
    x509_cert *certs = NULL;
    size_t n = 0;
    if (x509_load_pem(data, size, &certs, &n) == GLASS_OK) {
        for (size_t i = 0; i < n; i++)
            use(&certs[i]);
        x509_free_all(certs, n);
    }
    /* A Name on its own (the input as the DER of one). */
    char buf[X509_NAME_STR_MAX];
    (void)x509_name_to_string(data, size, buf, sizeof buf);
    return 0;
}
