/*
 * http.c — page fetch's HTTP/1.1 file server (see net/http.h).
 *
 * Follows RFC 9112 (message syntax) and RFC 9110 (semantics), 2022
 * editions, for the one thing it does: GET of a static file.  Read
 * http_handle first (the request, in the order RFC 9112 §2-§5 describes
 * it), then http_serve_file (where the path leads, and the checks that
 * keep it under the published root), then the response builders.
 *
 * CT: not applicable (no secrets; the pages are public).
 */
/* realpath(3) is an X/Open function: ask for it (POSIX.1-2008 + XSI). */
#define _XOPEN_SOURCE 700

#include "net/http.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

/* (net/http.h) The reason phrases of the status codes we send (RFC 9110 §15). */
const char *http_reason(int status)
{
    switch (status) {
    case 200: return "OK";
    case 400: return "Bad Request";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 500: return "Internal Server Error";
    case 505: return "HTTP Version Not Supported";
    default: return "Error";
    }
}

/* (net/http.h) Content-Type by extension (RFC 9110 §8.3); anything else is opaque bytes. */
const char *http_content_type(const char *path)
{
    static const char *const table[][2] = {
        {".html", "text/html; charset=utf-8"}, {".htm", "text/html; charset=utf-8"},
        {".txt", "text/plain; charset=utf-8"}, {".css", "text/css; charset=utf-8"},
        {".js", "text/javascript; charset=utf-8"}, {".json", "application/json"},
        {".png", "image/png"}, {".jpg", "image/jpeg"}, {".jpeg", "image/jpeg"},
        {".gif", "image/gif"}, {".svg", "image/svg+xml"}, {".pem", "application/x-pem-file"},
    };
    const char *dot = strrchr(path, '.');
    const char *slash = strrchr(path, '/');
    if (dot != NULL && (slash == NULL || dot > slash))
        for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
            if (strcasecmp(dot, table[i][0]) == 0)
                return table[i][1];
    return "application/octet-stream";
}

/* (net/http.h) A whole response, status line to body, into r->data (malloc'd). */
int http_respond(http_response *r, int status, const char *type, const uint8_t *body,
                 size_t body_len)
{
    char head[512];
    int n = snprintf(head, sizeof head,
                     "HTTP/1.1 %d %s\r\n"
                     "Server: glass\r\n"
                     "Content-Type: %s\r\n"
                     "Content-Length: %zu\r\n"
                     "%s"
                     "\r\n",
                     status, http_reason(status), type, body_len,
                     status == 405 ? "Allow: GET\r\n" : "");
    if (n < 0 || (size_t)n >= sizeof head)
        return -1;
    r->data = malloc((size_t)n + body_len + 1);
    if (r->data == NULL)
        return -1;
    memcpy(r->data, head, (size_t)n);
    if (body_len > 0)
        memcpy(r->data + n, body, body_len);
    r->len = (size_t)n + body_len;
    r->status = status;
    return 0;
}

/* (net/http.h) An error response: a one-line text/plain body saying why. */
int http_error(http_response *r, int status, const char *why)
{
    char body[256];
    int n = snprintf(body, sizeof body, "%d %s: %s\n", status, http_reason(status), why);
    if (n < 0)
        n = 0;
    if ((size_t)n >= sizeof body)
        n = (int)sizeof body - 1;
    return http_respond(r, status, "text/plain; charset=utf-8", (const uint8_t *)body,
                        (size_t)n);
}

static int hex_digit(int ch)
{
    if (ch >= '0' && ch <= '9')
        return ch - '0';
    if (ch >= 'a' && ch <= 'f')
        return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F')
        return ch - 'A' + 10;
    return -1;
}

/* (net/http.h) Decodes %XX escapes (RFC 3986 §2.1) of in[0..len) into out (cap bytes
 * with the NUL).  -1 on a bad escape, a %00 (a NUL would cut the path
 * short for the C library), or no room. */
int http_percent_decode(const char *in, size_t len, char *out, size_t cap)
{
    size_t o = 0;
    for (size_t i = 0; i < len; i++) {
        int ch = (unsigned char)in[i];
        if (ch == '%') {
            if (i + 2 >= len)
                return -1;
            int h = hex_digit((unsigned char)in[i + 1]);
            int l = hex_digit((unsigned char)in[i + 2]);
            if (h < 0 || l < 0)
                return -1;
            ch = h * 16 + l;
            i += 2;
            if (ch == 0)
                return -1;
        }
        if (o + 1 >= cap)
            return -1;
        out[o++] = (char)ch;
    }
    out[o] = '\0';
    return 0;
}

/* (net/http.h) 1 if the resolved path is dir itself or lies under it. */
int http_path_within(const char *path, const char *dir)
{
    size_t n = strlen(dir);
    return strncmp(path, dir, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

/* (net/http.h) Finds the file a decoded request path names under the published
 * directory and answers it: 200 with its bytes, or 403/404/500. */
int http_serve_file(const char *root, size_t max_file, const char *path, http_response *r)
{
    char joined[HTTP_PATH_MAX], real[PATH_MAX], index[HTTP_PATH_MAX];
    struct stat st;
    uint8_t *body = NULL;
    int fd = -1, rc;

    /* 1. Text checks first, before the file system is asked anything: a
     *    ".." segment climbs out (RFC 3986 §5.2.4 would remove it against
     *    the directory above), and a second "/" makes an absolute path. */
    if (path[1] == '/')
        return http_error(r, 403, "absolute paths are refused");
    for (const char *p = path; p != NULL; p = strchr(p + 1, '/')) {
        const char *seg = p + 1;
        if (strncmp(seg, "..", 2) == 0 && (seg[2] == '/' || seg[2] == '\0'))
            return http_error(r, 403, "'..' is refused");
    }
    if (root == NULL)
        return http_error(r, 404, "this server publishes no pages");
    if (snprintf(joined, sizeof joined, "%s%s", root, path) >= (int)sizeof joined)
        return http_error(r, 404, "no such page");

    /* 2. Where the path really leads.  The text check above cannot see
     *    symbolic links: www/notes -> /etc passes it, and only the resolved
     *    path shows where it ends.  realpath(3) follows every link, then
     *    the result must be the root's own resolved path or lie under it (the
     *    prefix must end at a '/': "/srv/www2" is not under "/srv/www"). */
    if (realpath(joined, real) == NULL)
        return http_error(r, errno == EACCES ? 403 : 404,
                          errno == EACCES ? "not readable" : "no such page");
    if (!http_path_within(real, root))
        return http_error(r, 403, "the path leads outside the published directory");
    if (stat(real, &st) == 0 && S_ISDIR(st.st_mode)) {
        if (snprintf(index, sizeof index, "%s/index.html", real) >= (int)sizeof index ||
            realpath(index, real) == NULL)
            return http_error(r, 404, "a directory without index.html");
        if (!http_path_within(real, root))
            return http_error(r, 403, "the path leads outside the published directory");
    }

    /* 3. Open what was checked (O_NOFOLLOW: the resolved path has no link
     *    left, so one appearing now is a race and is refused), then a
     *    regular file of at most max_file bytes. */
    fd = open(real, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return http_error(r, errno == ENOENT ? 404 : 403, "cannot open the file");
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        rc = http_error(r, 403, "not a regular file");
        goto cleanup;
    }
    /* 413 Content Too Large is about a request's content (RFC 9110
     * §15.5.14); a file too large to serve is the server's own failure. */
    if (st.st_size > (off_t)max_file) {
        char why[96];
        if (max_file % (1u << 20) == 0)
            snprintf(why, sizeof why, "file larger than the %zu MiB this server sends",
                     max_file >> 20);
        else
            snprintf(why, sizeof why, "file larger than the %zu bytes this server sends",
                     max_file);
        rc = http_error(r, 500, why);
        goto cleanup;
    }
    size_t size = (size_t)st.st_size, got = 0;
    body = malloc(size + 1);
    if (body == NULL) {
        rc = http_error(r, 500, "out of memory");
        goto cleanup;
    }
    while (got < size) {
        ssize_t r = read(fd, body + got, size - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        got += (size_t)r;
    }
    if (got != size) {
        rc = http_error(r, 500, "the file changed while being read");
        goto cleanup;
    }
    rc = http_respond(r, 200, http_content_type(real), body, size);
cleanup:
    if (fd >= 0)
        close(fd);
    free(body);
    return rc;
}

/* (net/http.h) 1 if name[0..n) is an HTTP token (RFC 9110 §5.6.2). */
int http_token(const char *p, size_t n)
{
    if (n == 0)
        return 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)p[i];
        if (ch <= 0x20 || ch >= 0x7f || strchr("\"(),/:;<=>?@[\\]{}", ch) != NULL)
            return 0;
    }
    return 1;
}

/* (net/http.h) Parses one HTTP/1.1 request (RFC 9112) and prepares the response in
 * *r.  path_out gets the target, for the log. */
int http_handle(const char *root, size_t max_file, const uint8_t *req, size_t len,
                char *path_out, size_t path_cap, http_response *r)
{
    char text[HTTP_REQUEST_MAX + 1];
    char target[HTTP_PATH_MAX], path[HTTP_PATH_MAX];
    snprintf(path_out, path_cap, "?");
    /* 1. The header ends at the first empty line, and there is no body:
     *    the request must end right there (RFC 9112 §2.1). */
    if (len >= sizeof text || memchr(req, 0, len) != NULL)
        return http_error(r, 400, "not an HTTP request");
    memcpy(text, req, len);
    text[len] = '\0';
    char *end = strstr(text, "\r\n\r\n");
    if (end == NULL)
        return http_error(r, 400, "the header does not end with an empty line");
    if ((size_t)(end + 4 - text) != len)
        return http_error(r, 400, "a request body is not accepted");
    end[2] = '\0';
    /* Lines end in CRLF; a bare CR or LF is refused (RFC 9112 §2.2 allows
     * recipients to, and it closes the door to request smuggling). */
    for (const char *p = text; *p != '\0'; p++)
        if ((*p == '\r' && p[1] != '\n') || (*p == '\n' && (p == text || p[-1] != '\r')))
            return http_error(r, 400, "a bare CR or LF in the header");

    /* 2. request-line = method SP request-target SP HTTP-version CRLF
     *    (RFC 9112 §3), single spaces. */
    char *line_end = strstr(text, "\r\n");
    *line_end = '\0';
    char *sp1 = strchr(text, ' ');
    char *sp2 = sp1 != NULL ? strchr(sp1 + 1, ' ') : NULL;
    if (sp1 == NULL || sp2 == NULL || strchr(sp2 + 1, ' ') != NULL || sp2 == sp1 + 1)
        return http_error(r, 400, "the request line is not METHOD TARGET VERSION");
    *sp1 = '\0';
    *sp2 = '\0';
    const char *method = text, *version = sp2 + 1;
    snprintf(path_out, path_cap, "%.32s %.200s", method, sp1 + 1);
    if (snprintf(target, sizeof target, "%s", sp1 + 1) >= (int)sizeof target)
        return http_error(r, 400, "the target is too long");
    if (!http_token(method, strlen(method)))
        return http_error(r, 400, "bad method");
    /* HTTP-version = "HTTP/" DIGIT "." DIGIT (RFC 9112 §2.3). */
    if (strlen(version) != 8 || strncmp(version, "HTTP/", 5) != 0 || version[6] != '.' ||
        version[5] < '0' || version[5] > '9' || version[7] < '0' || version[7] > '9')
        return http_error(r, 400, "bad HTTP version");
    int http11 = strcmp(version, "HTTP/1.1") == 0;
    if (!http11 && strcmp(version, "HTTP/1.0") != 0)
        return http_error(r, 505, "only HTTP/1.1 (and 1.0) are spoken here");

    /* 3. Header fields: field-name ":" OWS field-value OWS, no space before
     *    the colon (RFC 9112 §5.1).  HTTP/1.1 needs exactly one Host
     *    (§3.2); a body (Content-Length > 0, Transfer-Encoding) is refused. */
    int hosts = 0;
    for (char *f = line_end + 2; *f != '\0';) {
        char *eol = strstr(f, "\r\n");
        *eol = '\0';
        char *colon = strchr(f, ':');
        if (colon == NULL || !http_token(f, (size_t)(colon - f)))
            return http_error(r, 400, "a header field is not NAME: VALUE");
        *colon = '\0';
        const char *value = colon + 1;
        while (*value == ' ' || *value == '\t')
            value++;
        if (strcasecmp(f, "Host") == 0)
            hosts++;
        else if (strcasecmp(f, "Transfer-Encoding") == 0 ||
                 (strcasecmp(f, "Content-Length") == 0 && strspn(value, "0") != strlen(value)))
            return http_error(r, 400, "a request body is not accepted");
        f = eol + 2;
    }
    if (http11 && hosts != 1)
        return http_error(r, 400, "HTTP/1.1 needs exactly one Host field");
    if (strcmp(method, "GET") != 0)
        return http_error(r, 405, "only GET is served");

    /* 4. The target: origin-form, an absolute path and perhaps a query
     *    (RFC 9112 §3.2.1).  The query is ignored; the path is
     *    percent-decoded, so "%2e%2e" is seen as the ".." it means. */
    if (target[0] != '/')
        return http_error(r, 400, "the target must start with '/'");
    target[strcspn(target, "?")] = '\0';
    if (strchr(target, '#') != NULL)
        return http_error(r, 400, "a fragment is not sent to a server");
    if (http_percent_decode(target, strlen(target), path, sizeof path) != 0)
        return http_error(r, 400, "a bad %XX escape in the path");
    return http_serve_file(root, max_file, path, r);
}

/* See net/http.h. */
int http_publish_root(const char *dir, char *root)
{
    struct stat st;
    if (realpath(dir, root) == NULL || stat(root, &st) != 0)
        return -1;
    if (!S_ISDIR(st.st_mode)) {
        errno = ENOTDIR;
        return -1;
    }
    return 0;
}

/* See net/http.h. */
void http_response_free(http_response *r)
{
    free(r->data);
    r->data = NULL;
    r->len = 0;
}
