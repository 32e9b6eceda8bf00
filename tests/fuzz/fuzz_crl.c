/*
 * fuzz_crl.c — certificate revocation lists (ca/crl.c), DER or PEM, and the
 * lookup a verifier does in one.
 */
#include "fuzz.h"
#include "ca/ca.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    x509_crl crl;
    if (x509_crl_parse(&crl, data, size) == GLASS_OK) {
        static const uint8_t serial[1] = {20};
        (void)x509_crl_contains(&crl, serial, sizeof serial);
        for (size_t i = 0; i < crl.n_revoked; i++)
            (void)x509_crl_contains(&crl, crl.revoked[i].serial, crl.revoked[i].serial_len);
        x509_crl_free(&crl);
    }
    if (x509_crl_load(data, size, &crl) == GLASS_OK)
        x509_crl_free(&crl);
    return 0;
}
