/*
 * fetch.c — page fetch on the client's side (see client/client.h,
 * docs/PROTOCOL.md §7.1): the GET request written as it would cross a TCP
 * connection to a web server (RFC 9112 §3), the FetchResponse pieces put
 * back together, the response split into status, reason and body (RFC 9112
 * §4, §6), and HTTP text printed safely.
 *
 * CT: not applicable (the pages are public).
 */
#include "client/client_internal.h"
#include <stdlib.h>
#include <string.h>

/* Prints HTTP text received from the network: lines kept, CR dropped,
 * other control characters replaced as in client_print_safe. */
void client_print_http(FILE *f, const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned ch = p[i];
        if (ch == '\r')
            continue;
        fputc(ch == '\n' || ch == '\t' ? (int)ch : ch < 0x20 || ch == 0x7f ? '?' : (int)ch, f);
    }
    if (n > 0 && p[n - 1] != '\n')
        fputc('\n', f);
}

/* Appends a FetchResponse piece to the response being received.  Returns 1
 * when the response is complete. */
int client_fetch_append(client_fetch *f, const glass_app_msg *m)
{
    if (!f->overflow) {
        if (m->text_len > CLIENT_FETCH_MAX - f->len) {
            f->overflow = 1;
        } else if (m->text_len > 0) {
            uint8_t *r = realloc(f->resp, f->len + m->text_len);
            if (r == NULL) {
                f->overflow = 1;
            } else {
                f->resp = r;
                memcpy(r + f->len, m->text, m->text_len);
                f->len += m->text_len;
            }
        }
    }
    return m->last;
}

/* See client_internal.h. */
void client_fetch_reset(client_fetch *f)
{
    free(f->resp);
    f->resp = NULL;
    f->len = 0;
    f->overflow = 0;
}

/* The request text of GET path (RFC 9112 §3): bytes not allowed in a
 * request-target (space, controls, non-ASCII) are percent-encoded
 * (RFC 3986 §2.1); the rest, '%' included, go as typed. */
glass_err client_fetch_request(const char *host, const char *path, char *out, size_t cap,
                                    size_t *out_len)
{
    size_t n = 0;
    int w = snprintf(out, cap, "GET ");
    if (w < 0 || (size_t)w >= cap)
        return GLASS_ERR_BUFFER_TOO_SMALL;
    n = (size_t)w;
    for (const unsigned char *p = (const unsigned char *)path; *p != '\0'; p++) {
        if (n + 4 >= cap)
            return GLASS_ERR_BUFFER_TOO_SMALL;
        if (*p <= 0x20 || *p >= 0x7f || *p == '"' || *p == '<' || *p == '>' || *p == '\\')
            n += (size_t)snprintf(out + n, cap - n, "%%%02X", *p);
        else
            out[n++] = (char)*p;
    }
    w = snprintf(out + n, cap - n, " HTTP/1.1\r\nHost: %s\r\n\r\n", host);
    if (w < 0 || (size_t)w >= cap - n)
        return GLASS_ERR_BUFFER_TOO_SMALL;
    *out_len = n + (size_t)w;
    return GLASS_OK;
}

/* Splits an HTTP/1.1 response (RFC 9112 §4, §6): the status code, the
 * reason phrase, and the body, whose size must equal Content-Length. */
int client_parse_response(const uint8_t *resp, size_t len, int *status, char *reason,
                          size_t reason_cap, const uint8_t **body, size_t *body_len)
{
    const uint8_t *end = NULL;
    for (size_t i = 0; i + 4 <= len && end == NULL; i++)
        if (memcmp(resp + i, "\r\n\r\n", 4) == 0)
            end = resp + i;
    if (end == NULL || len < 13 || memcmp(resp, "HTTP/1.", 7) != 0 || resp[8] != ' ')
        return -1;
    /* 1. status-line = HTTP-version SP status-code SP [reason-phrase] CRLF */
    if (resp[9] < '1' || resp[9] > '5' || resp[10] < '0' || resp[10] > '9' || resp[11] < '0' ||
        resp[11] > '9' || resp[12] != ' ')
        return -1;
    *status = (resp[9] - '0') * 100 + (resp[10] - '0') * 10 + (resp[11] - '0');
    size_t r = 0;
    for (const uint8_t *p = resp + 13; p < end && *p != '\r' && r + 1 < reason_cap; p++)
        reason[r++] = *p < 0x20 || *p == 0x7f ? '?' : (char)*p;
    reason[r] = '\0';
    /* 2. Content-Length, among the header fields. */
    long long clen = -1;
    const uint8_t *f = resp;
    while (f < end) {
        const uint8_t *eol = f;
        while (eol < end && *eol != '\r')
            eol++;
        static const char cl[] = "content-length:";
        size_t k = sizeof cl - 1;
        if ((size_t)(eol - f) > k) {
            size_t i = 0;
            while (i < k && (f[i] | 0x20) == (uint8_t)cl[i])
                i++;
            if (i == k) {
                const uint8_t *v = f + k;
                while (v < eol && *v == ' ')
                    v++;
                clen = 0;
                for (; v < eol && *v >= '0' && *v <= '9' && clen <= (long long)len; v++)
                    clen = clen * 10 + (*v - '0');
            }
        }
        f = eol + 2;
    }
    *body = end + 4;
    *body_len = len - (size_t)(end + 4 - resp);
    if (clen < 0 || (unsigned long long)clen != *body_len)
        return -1;
    return 0;
}
