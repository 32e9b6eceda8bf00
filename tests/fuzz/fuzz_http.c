/*
 * fuzz_http.c — page fetch's HTTP/1.1 request parser (net/http.h) on
 * arbitrary bytes: what a client puts in a FetchRequest.  Nothing is
 * published (root NULL), so every request that parses is answered 404
 * without touching the file system; the property checked is that an
 * answer is always built, complete: a status from the table, a response
 * that starts with "HTTP/1.1 " and ends with its Content-Length of body.
 */
#include "fuzz.h"
#include "net/http.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    http_response r;
    char what[256];
    memset(&r, 0, sizeof r);
    if (http_handle(NULL, 1u << 20, data, size, what, sizeof what, &r) != 0) {
        http_response_free(&r);
        return 0;   /* out of memory only */
    }
    if (r.data == NULL || r.len < 9 || memcmp(r.data, "HTTP/1.1 ", 9) != 0)
        abort();
    if (r.status != 400 && r.status != 403 && r.status != 404 && r.status != 405 &&
        r.status != 505)
        abort();    /* with nothing published, no 200 and no 500 */
    if (memchr(what, '\0', sizeof what) == NULL)
        abort();
    /* The header ends with an empty line; the body after it is exactly
     * Content-Length bytes. */
    const uint8_t *end = NULL;
    for (size_t i = 0; i + 4 <= r.len && end == NULL; i++)
        if (memcmp(r.data + i, "\r\n\r\n", 4) == 0)
            end = r.data + i;
    if (end == NULL)
        abort();
    const char *cl = "Content-Length: ";
    size_t body = r.len - (size_t)(end + 4 - r.data), n = 0;
    const uint8_t *p = NULL;
    for (const uint8_t *q = r.data; q + strlen(cl) < end && p == NULL; q++)
        if (memcmp(q, cl, strlen(cl)) == 0)
            p = q + strlen(cl);
    if (p == NULL)
        abort();
    while (p < end && *p >= '0' && *p <= '9')
        n = n * 10 + (size_t)(*p++ - '0');
    if (n != body)
        abort();
    http_response_free(&r);
    return 0;
}
