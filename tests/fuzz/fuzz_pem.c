/*
 * fuzz_pem.c — PEM (RFC 7468) and Base64 (RFC 4648) decoding on arbitrary
 * text: every block of the input in turn, as a caller loops with
 * *consumed, then the whole input as bare Base64.
 */
#include "fuzz.h"
#include "asn1/asn1.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    size_t off = 0;
    (void)pem_detect(data, size);
    /* 1. Block after block (bounded: each step consumes at least one byte). */
    for (int i = 0; i < 1000 && off < size; i++) {
        char label[PEM_LABEL_MAX];
        uint8_t *der = NULL;
        size_t der_len = 0, consumed = 0;
        glass_err err = pem_decode(text + off, size - off, NULL, label, &der, &der_len, &consumed);
        if (err != GLASS_OK)
            break;
        if (memchr(label, '\0', PEM_LABEL_MAX) == NULL)
            abort();    /* label_out must be NUL-terminated */
        free(der);
        if (consumed == 0 || consumed > size - off)
            abort();    /* the loop contract of pem_decode */
        off += consumed;
    }
    /* 2. A wanted label. */
    uint8_t *der = NULL;
    size_t der_len, consumed;
    if (pem_decode(text, size, PEM_CERTIFICATE, NULL, &der, &der_len, &consumed) == GLASS_OK)
        free(der);
    /* 3. Bare Base64, and its round trip. */
    if (pem_base64_decode(text, size, &der, &der_len) == GLASS_OK) {
        size_t cap = 4 * ((der_len + 2) / 3) + 1;
        char *back = malloc(cap);
        if (back != NULL && pem_base64_encode(der, der_len, back, cap) == GLASS_OK) {
            if (strlen(back) != size || memcmp(back, text, size) != 0)
                abort();    /* strict decoding: only the canonical form is accepted */
        }
        free(back);
        free(der);
    }
    return 0;
}
