/*
 * hex.c — hexadecimal encoding and decoding (see common.h).
 * CT: no — the digit lookups branch on the data; never used on secrets
 * where timing matters.
 */
#include "common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int hex_digit_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* See common.h. */
glass_err glass_hex_encode(char *out, size_t out_cap, const uint8_t *in, size_t len)
{
    static const char digits[] = "0123456789abcdef";
    if (out == NULL || (in == NULL && len > 0))
        return GLASS_ERR_ARG;
    if (out_cap < 2 * len + 1)
        return GLASS_ERR_BUFFER_TOO_SMALL;
    for (size_t i = 0; i < len; i++) {
        out[2 * i] = digits[in[i] >> 4];
        out[2 * i + 1] = digits[in[i] & 0x0f];
    }
    out[2 * len] = '\0';
    return GLASS_OK;
}

/* See common.h. */
glass_err glass_hex_decode(uint8_t *out, size_t out_cap, size_t *out_len, const char *hex)
{
    if (hex == NULL || out_len == NULL || (out == NULL && out_cap > 0))
        return GLASS_ERR_ARG;
    size_t n = strlen(hex);
    for (size_t i = 0; i < n; i++)
        if (hex_digit_value(hex[i]) < 0)
            return GLASS_ERR_HEX;
    if (n % 2 != 0)
        return GLASS_ERR_HEX_ODD;
    if (n / 2 > out_cap)
        return GLASS_ERR_BUFFER_TOO_SMALL;
    for (size_t i = 0; i < n / 2; i++) {
        int hi = hex_digit_value(hex[2 * i]);
        int lo = hex_digit_value(hex[2 * i + 1]);
        out[i] = (uint8_t)((hi << 4) | lo);
    }
    *out_len = n / 2;
    return GLASS_OK;
}

/* See common.h. */
glass_err glass_hex_decode_alloc(uint8_t **out, size_t *out_len, const char *hex)
{
    if (out == NULL || out_len == NULL || hex == NULL)
        return GLASS_ERR_ARG;
    size_t cap = strlen(hex) / 2 + 1;
    uint8_t *buf = malloc(cap);
    if (buf == NULL)
        return GLASS_ERR_NOMEM;
    glass_err err = glass_hex_decode(buf, cap, out_len, hex);
    if (err != GLASS_OK) {
        free(buf);
        return err;
    }
    *out = buf;
    return GLASS_OK;
}

/* See common.h. */
void glass_hex_print(void *file, const uint8_t *in, size_t len, size_t group)
{
    FILE *f = file != NULL ? (FILE *)file : stdout;
    for (size_t i = 0; i < len; i++) {
        if (group != 0 && i != 0 && i % group == 0)
            fputc(' ', f);
        fprintf(f, "%02x", in[i]);
    }
}
