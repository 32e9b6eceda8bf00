/*
 * www.c — what s_server answers once a client is in (see tlstool.h):
 * -www's status page, -WWW's files, -rev's reversed lines.
 *
 * A request is read until its empty line (RFC 9112 §2.1); the answer is a
 * whole response with Content-Length, and the connection ends after it
 * (close_notify), as OpenSSL's s_server does.  -WWW is page fetch's HTTP
 * (net/http.h) with the current directory as the published root: the same
 * parser and the same path checks as `glass server --www`, so a file
 * outside the tree is never served (each refusal is a 4xx).
 *
 * CT: not applicable.
 */
#include "tlstool/tlstool.h"
#include "net/http.h"

#include <stdio.h>
#include <string.h>

/* The end of a request's header block (RFC 9112 §2.1: an empty line), or
 * NULL while it has not all arrived. */
static const uint8_t *header_end(const uint8_t *in, size_t len)
{
    for (size_t i = 0; i + 1 < len; i++) {
        if (in[i] != '\n')
            continue;
        if (in[i + 1] == '\n')
            return in + i + 2;
        if (in[i + 1] == '\r' && i + 2 < len && in[i + 2] == '\n')
            return in + i + 3;
    }
    return NULL;
}

int tlstool_www_answer(enum tlstool_mode mode, const char *root, const glass_engine *e,
                       const uint8_t *in, size_t in_len, uint8_t **resp, size_t *resp_len,
                       char *what, size_t what_cap)
{
    const uint8_t *end = header_end(in, in_len);
    if (end == NULL)
        return in_len > HTTP_REQUEST_MAX ? -1 : 0;
    http_response r = {NULL, 0, 0};
    int rc;
    if (mode == TLSTOOL_MODE_WWW_STATUS) {
        /* -www: any GET gets the page, as OpenSSL's s_server does. */
        size_t n = strcspn((const char *)in, "\r\n");
        snprintf(what, what_cap, "%.*s", (int)(n < 80 ? n : 80), (const char *)in);
        char page[4096];
        size_t len = tlstool_status_page(e, page, sizeof page);
        if (strncmp((const char *)in, "GET ", 4) != 0)
            rc = http_error(&r, 405, "only GET is served");
        else
            rc = http_respond(&r, 200, "text/html", (const uint8_t *)page, len);
    } else {
        /* -WWW: net/http.h parses the request and finds the file, with
         * page fetch's path checks (no "..", realpath under the root,
         * O_NOFOLLOW, a regular file, at most TLSTOOL_WWW_MAX_FILE). */
        rc = http_handle(root, TLSTOOL_WWW_MAX_FILE, in, (size_t)(end - in), what, what_cap, &r);
    }
    if (rc != 0) {
        http_response_free(&r);
        return -1;
    }
    *resp = r.data;
    *resp_len = r.len;
    return 1;
}

size_t tlstool_rev_lines(const uint8_t *in, size_t in_len, uint8_t *out, size_t *out_len)
{
    size_t used = 0, o = 0;
    for (size_t i = 0; i < in_len; i++) {
        if (in[i] != '\n')
            continue;
        size_t end = i;
        if (end > used && in[end - 1] == '\r')
            end--;
        for (size_t k = end; k > used; k--)
            out[o++] = in[k - 1];
        out[o++] = '\n';
        used = i + 1;
    }
    *out_len = o;
    return used;
}
