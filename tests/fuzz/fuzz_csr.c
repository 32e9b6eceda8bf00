/*
 * fuzz_csr.c — PKCS#10 requests (ca/csr.c): parse and check the
 * self-signature, from DER or PEM.
 */
#include "fuzz.h"
#include "ca/ca.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    csr_info info;
    if (csr_parse_and_verify(data, size, &info) == GLASS_OK)
        csr_info_free(&info);
    if (csr_load(data, size, &info) == GLASS_OK)
        csr_info_free(&info);
    return 0;
}
