/*
 * pem.c — Base64 (RFC 4648 §4) and PEM textual encoding (RFC 7468).
 *
 * Base64 turns each 3 bytes (24 bits) into 4 characters of 6 bits each from
 * the alphabet A-Z a-z 0-9 + /; a final group of 1 or 2 bytes is padded
 * with "==" or "=" (RFC 4648 §4):
 *
 *     bytes   4d       61       6e
 *     bits    010011 010110 000101 101110
 *     chars   T      W      F      u          "Man" -> "TWFu"
 *
 * PEM (RFC 7468 §2) wraps Base64 of DER between two lines:
 *
 *     -----BEGIN CERTIFICATE-----
 *     MIIB...  (64 characters a line when we write)
 *     -----END CERTIFICATE-----
 *
 * We write the strict form (§2: "exactly 64 characters except for the
 * final line") and read the lax one of §3: any line length, whitespace
 * around lines, text before the BEGIN line.  RFC 1421 headers
 * ("Proc-Type: 4,ENCRYPTED", "DEK-Info: ...") belong to OpenSSL's legacy
 * key encryption; RFC 7468 §2 says its textual encoding "does *not* define
 * or permit headers", so we refuse them, with an error that says so.
 *
 * CT: no — table-free, but decoding branches on each character's class
 * (letter, digit, '+', '/', '=', white space), so the timing of decoding a
 * private key's PEM can reveal something of its characters, not only its
 * length.  Constant-time Base64 exists (e.g. with masks instead of branches);
 * we keep the readable form and say so.
 */
#include "asn1/asn1.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* The 6-bit value of a Base64 character, or -1. */
static int b64_value(char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '+')
        return 62;
    if (c == '/')
        return 63;
    return -1;
}

/* See asn1.h; RFC 4648 §4. */
glass_err pem_base64_encode(const uint8_t *in, size_t len, char *out, size_t out_cap)
{
    size_t need = (len + 2) / 3 * 4 + 1;
    if (out_cap < need)
        return GLASS_ERR_BUFFER_TOO_SMALL;
    size_t o = 0;
    for (size_t i = 0; i < len; i += 3) {
        /* 1. Gather up to 24 bits, big-endian. */
        uint32_t v = (uint32_t)in[i] << 16;
        if (i + 1 < len)
            v |= (uint32_t)in[i + 1] << 8;
        if (i + 2 < len)
            v |= in[i + 2];
        /* 2. Emit four 6-bit groups, '=' for the ones past the end. */
        out[o++] = alphabet[(v >> 18) & 63];
        out[o++] = alphabet[(v >> 12) & 63];
        out[o++] = i + 1 < len ? alphabet[(v >> 6) & 63] : '=';
        out[o++] = i + 2 < len ? alphabet[v & 63] : '=';
    }
    out[o] = '\0';
    return GLASS_OK;
}

/* See asn1.h; RFC 4648 §4, read canonically (§3.5: the pad bits must be
 * zero, or two different strings would decode to the same bytes). */
glass_err pem_base64_decode(const char *in, size_t len, uint8_t **out, size_t *out_len)
{
    if (len % 4 != 0)
        return GLASS_ERR_BASE64;
    uint8_t *buf = malloc(len / 4 * 3 + 1);
    if (buf == NULL)
        return GLASS_ERR_NOMEM;
    size_t o = 0;
    for (size_t i = 0; i < len; i += 4) {
        int last = i + 4 == len;
        int v[4];
        int pad = 0;
        for (int j = 0; j < 4; j++) {
            char c = in[i + (size_t)j];
            if (c == '=' && last && j >= 2) {
                v[j] = 0;
                pad++;
                continue;
            }
            /* A '=' followed by a letter ("a=b=") is not padding. */
            v[j] = pad ? -1 : b64_value(c);
            if (v[j] < 0) {
                glass_wipe(buf, len / 4 * 3 + 1);
                free(buf);
                return GLASS_ERR_BASE64;
            }
        }
        uint32_t w = (uint32_t)v[0] << 18 | (uint32_t)v[1] << 12 | (uint32_t)v[2] << 6 |
                     (uint32_t)v[3];
        if ((pad == 1 && (w & 0xff) != 0) || (pad == 2 && (w & 0xffff) != 0)) {
            glass_wipe(buf, len / 4 * 3 + 1);
            free(buf);
            return GLASS_ERR_BASE64;
        }
        buf[o++] = (uint8_t)(w >> 16);
        if (pad < 2)
            buf[o++] = (uint8_t)(w >> 8);
        if (pad < 1)
            buf[o++] = (uint8_t)w;
    }
    *out = buf;
    *out_len = o;
    return GLASS_OK;
}

/* See asn1.h; RFC 7468 §2. */
glass_err pem_encode(const char *label, const uint8_t *der, size_t len, char **out,
                     size_t *out_len)
{
    size_t b64_len = (len + 2) / 3 * 4;
    size_t lines = (b64_len + 63) / 64;
    size_t label_len = strlen(label);
    size_t cap = 2 * (label_len + 16) + b64_len + lines + 1;
    char *b64 = malloc(b64_len + 1);
    char *text = malloc(cap);
    glass_err err = GLASS_OK;
    if (b64 == NULL || text == NULL) {
        err = GLASS_ERR_NOMEM;
        goto cleanup;
    }
    err = pem_base64_encode(der, len, b64, b64_len + 1);
    if (err != GLASS_OK)
        goto cleanup;
    size_t o = 0;
    o += (size_t)snprintf(text + o, cap - o, "-----BEGIN %s-----\n", label);
    /* §2: generators "MUST wrap the base64-encoded lines so that each line
     * consists of exactly 64 characters except for the final line". */
    for (size_t i = 0; i < b64_len; i += 64) {
        size_t n = b64_len - i < 64 ? b64_len - i : 64;
        memcpy(text + o, b64 + i, n);
        o += n;
        text[o++] = '\n';
    }
    o += (size_t)snprintf(text + o, cap - o, "-----END %s-----\n", label);
    *out = text;
    *out_len = o;
    text = NULL;
cleanup:
    if (b64 != NULL) {
        glass_wipe(b64, b64_len + 1);
        free(b64);
    }
    free(text);
    return err;
}

/* Finds needle in hay[0..len) (hay need not be NUL-terminated). */
static const char *find(const char *hay, size_t len, const char *needle)
{
    size_t n = strlen(needle);
    for (size_t i = 0; i + n <= len; i++)
        if (memcmp(hay + i, needle, n) == 0)
            return hay + i;
    return NULL;
}

static int is_ws(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

/* See asn1.h. */
int pem_detect(const uint8_t *data, size_t len)
{
    return find((const char *)data, len, "-----BEGIN ") != NULL;
}

/* See asn1.h; RFC 7468 §2 (textual encoding) and §3 (the lax grammar). */
glass_err pem_decode(const char *text, size_t len, const char *label, char *label_out,
                     uint8_t **der, size_t *der_len, size_t *consumed)
{
    char found[PEM_LABEL_MAX];
    char end_line[PEM_LABEL_MAX + 16];
    char *b64 = NULL;
    glass_err err = GLASS_OK;
    const char *end = text + len;

    /* 1. The pre-encapsulation boundary "-----BEGIN label-----". */
    const char *begin = find(text, len, "-----BEGIN ");
    if (begin == NULL)
        return GLASS_ERR_PEM;
    const char *lab = begin + 11;
    const char *lab_end = find(lab, (size_t)(end - lab), "-----");
    if (lab_end == NULL)
        return GLASS_ERR_PEM;
    size_t lab_len = (size_t)(lab_end - lab);
    if (lab_len >= PEM_LABEL_MAX || memchr(lab, '\n', lab_len) != NULL)
        return GLASS_ERR_PEM;
    memcpy(found, lab, lab_len);
    found[lab_len] = '\0';
    if (label_out != NULL)
        memcpy(label_out, found, lab_len + 1);
    if (label != NULL && strcmp(label, found) != 0)
        return GLASS_ERR_PEM_LABEL;

    /* 2. The post-encapsulation boundary must carry the same label (§2:
     *    "the label ... MUST match"). */
    const char *body = lab_end + 5;
    snprintf(end_line, sizeof end_line, "-----END %s-----", found);
    const char *stop = find(body, (size_t)(end - body), end_line);
    if (stop == NULL)
        return GLASS_ERR_PEM;

    /* 3. The Base64 between them, line by line: whitespace dropped (the lax
     *    parser of §3), a "Name: value" header line refused. */
    b64 = malloc((size_t)(stop - body) + 1);
    if (b64 == NULL)
        return GLASS_ERR_NOMEM;
    size_t n = 0;
    for (const char *p = body; p < stop; p++) {
        if (*p == ':') {
            err = GLASS_ERR_PEM_HEADERS;
            goto cleanup;
        }
        if (!is_ws(*p))
            b64[n++] = *p;
    }

    /* 4. Decode strictly. */
    err = pem_base64_decode(b64, n, der, der_len);
    if (err != GLASS_OK)
        goto cleanup;
    if (consumed != NULL)
        *consumed = (size_t)(stop - text) + strlen(end_line);
cleanup:
    glass_wipe(b64, (size_t)(stop - body) + 1);
    free(b64);
    return err;
}
