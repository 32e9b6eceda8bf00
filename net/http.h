/*
 * http.h — the small HTTP/1.1 file server behind page fetch: parse one GET
 * request, find the file it names under a published directory without
 * ever leaving it, and build the whole response.
 *
 * SYNOPSIS
 *     char root[PATH_MAX];
 *     http_publish_root("site", root);             once, at start: realpath
 *     http_response r = {0};
 *     http_handle(root, 1u << 20, req, req_len, what, sizeof what, &r);
 *     ... send r.data[0..r.len), log r.status ...
 *     http_response_free(&r);
 *
 * DESCRIPTION
 *     Sans-socket like the engine: bytes of one request in, the bytes of one
 *     response out, so `glass server` sends the response inside glass
 *     application records (PROTOCOL.md §7.1) and `glass s_server -WWW` can
 *     send it inside TLS records.  Only GET is served, only origin-form
 *     targets, HTTP/1.1 (with exactly one Host) or HTTP/1.0, no request
 *     body.  Every answer is a complete response with Content-Length; an
 *     error is a one-line text/plain body saying why.
 *
 * STANDARDS
 *     RFC 9112 (HTTP/1.1 message syntax) §2.1, §2.2, §2.3, §3, §3.2.1, §5.1;
 *     RFC 9110 (HTTP semantics) §5.6.2 tokens, §8.3 Content-Type, §15
 *     status codes; RFC 3986 §2.1 percent-encoding.
 *
 * SECURITY CONSIDERATIONS
 *     The request path is checked as text (no "..", no "//"), then opened
 *     once, component by component from the published directory's own
 *     descriptor: openat(2) with O_NOFOLLOW at every step, so a symbolic
 *     link is never followed (not even one that stays inside) and no
 *     directory can be swapped for a link between a check and the open.
 *     The open is non-blocking and only a regular file of at most max_file
 *     bytes is served (fstat on the opened descriptor): a FIFO, device or
 *     socket is 403, and never freezes the server.  Bare CR or LF in the
 *     header, a body, and a %00 in the path are refused.
 */
#ifndef GLASS_NET_HTTP_H
#define GLASS_NET_HTTP_H

#include <stddef.h>
#include <stdint.h>

/* Longest request accepted, header included (one glass record's worth). */
#define HTTP_REQUEST_MAX 16384
/* Longest path handled, joined to the root. */
#define HTTP_PATH_MAX 4096

/* One response, status line to body. */
typedef struct http_response {
    uint8_t *data;      /* malloc'd; NULL until built */
    size_t len;
    int status;         /* 200, 400, 403, 404, 405, 500, 505 */
} http_response;

/* Resolves dir (realpath) into root (PATH_MAX bytes) and checks it is a
 * directory.  0, or -1 (errno set, or ENOTDIR). */
int http_publish_root(const char *dir, char *root);

/* Parses one HTTP/1.1 request req[0..len) (RFC 9112) and builds the
 * response in *r: the file under root (NULL: nothing is published, every
 * page is 404) or an error page.  path_out gets "METHOD TARGET" for a log
 * line.  0, or -1 when not even an error page could be built (out of
 * memory). */
int http_handle(const char *root, size_t max_file, const uint8_t *req, size_t len,
                char *path_out, size_t path_cap, http_response *r);

/* Answers a decoded request path ("/notes/a.txt") from under root: 200 with
 * the file's bytes, or 403/404/500.  0, or -1 out of memory. */
int http_serve_file(const char *root, size_t max_file, const char *path, http_response *r);

/* A whole response with the given status, Content-Type and body.  0 or -1. */
int http_respond(http_response *r, int status, const char *type, const uint8_t *body,
                 size_t body_len);

/* An error response: a one-line text/plain body "STATUS REASON: why". */
int http_error(http_response *r, int status, const char *why);

/* Frees a response's bytes and empties it. */
void http_response_free(http_response *r);

/* The reason phrase of a status code (RFC 9110 §15). */
const char *http_reason(int status);

/* The Content-Type for a file name, by extension (RFC 9110 §8.3). */
const char *http_content_type(const char *path);

/* Decodes %XX escapes (RFC 3986 §2.1) of in[0..len) into out (cap bytes
 * with the NUL).  -1 on a bad escape, a %00, or no room. */
int http_percent_decode(const char *in, size_t len, char *out, size_t cap);

/* 1 if the resolved path is dir itself or lies under it. */
int http_path_within(const char *path, const char *dir);

/* 1 if p[0..n) is an HTTP token (RFC 9110 §5.6.2). */
int http_token(const char *p, size_t n);

#endif
