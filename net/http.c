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

/* Opens one path component under the directory dirfd, never following a
 * symbolic link (O_NOFOLLOW) and never waiting (O_NONBLOCK: opening a FIFO
 * with no writer, or a device, would otherwise block the whole server).
 * want_dir asks for a directory (O_DIRECTORY).  Returns the descriptor, or
 * -1 with *status and *why set. */
static int open_step(int dirfd, const char *name, int want_dir, int *status, const char **why)
{
    struct stat st;
    /* A look before opening, so that a device or FIFO is refused without
     * even being opened (opening some devices has effects); the fstat on
     * the opened descriptor below is still what decides. */
    if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
        *status = errno == EACCES ? 403 : 404;
        *why = errno == EACCES ? "not readable" : "no such page";
        return -1;
    }
    if (S_ISLNK(st.st_mode)) {
        *status = 403;
        *why = "a symbolic link is not followed";
        return -1;
    }
    if (!S_ISDIR(st.st_mode) && (want_dir || !S_ISREG(st.st_mode))) {
        *status = want_dir ? 404 : 403;
        *why = want_dir ? "no such page" : "not a regular file";
        return -1;
    }
    int fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY |
                                 (want_dir ? O_DIRECTORY : 0));
    if (fd < 0) {
        /* ELOOP: the name became a symbolic link since the look (a race). */
        *status = errno == ENOENT || errno == ENOTDIR ? 404 : 403;
        *why = errno == ELOOP ? "a symbolic link is not followed"
             : errno == ENOENT || errno == ENOTDIR ? "no such page" : "cannot open the file";
        return -1;
    }
    return fd;
}

/* Walks path ("/a/b/c", already checked as text) from the published
 * directory's descriptor one component at a time, each opened relative to
 * the one before with open_step, so nothing can swap a directory for a
 * link between a check and the open: there is no check apart from the
 * open.  A directory at the end means its index.html.  Returns the open
 * file (whatever its type: the caller checks it with fstat), or -1. */
static int walk_path(int rootfd, const char *path, int *is_index, int *status,
                     const char **why)
{
    char comp[HTTP_PATH_MAX];
    int dirfd = dup(rootfd);
    if (dirfd < 0) {
        *status = 500;
        *why = "out of descriptors";
        return -1;
    }
    const char *p = path;
    for (;;) {
        while (*p == '/')
            p++;
        size_t n = strcspn(p, "/");
        if (n == 0)
            break;                      /* "/" or a trailing "/": the directory itself */
        /* Every component but the last must be a directory, and so must
         * the last when a "/" follows it. */
        int last = p[n] == '\0' || p[n + strspn(p + n, "/")] == '\0';
        int want_dir = !last || p[n] == '/';
        memcpy(comp, p, n);
        comp[n] = '\0';
        p += n;
        int fd = open_step(dirfd, comp, want_dir, status, why);
        close(dirfd);
        if (fd < 0)
            return -1;
        dirfd = fd;
        if (last)
            break;
    }
    struct stat st;
    if (fstat(dirfd, &st) == 0 && S_ISDIR(st.st_mode)) {
        int fd = open_step(dirfd, "index.html", 0, status, why);
        close(dirfd);
        *is_index = 1;
        if (fd < 0 && *status == 404)
            *why = "a directory without index.html";
        return fd;
    }
    return dirfd;
}

/* (net/http.h) Finds the file a decoded request path names under the published
 * directory and answers it: 200 with its bytes, or 403/404/500. */
int http_serve_file(const char *root, size_t max_file, const char *path, http_response *r)
{
    struct stat st;
    uint8_t *body = NULL;
    int fd = -1, rootfd = -1, rc, status = 500, is_index = 0;
    const char *why = "cannot open the file";

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

    /* 2. Open the file once, by walking from the root's descriptor
     *    (walk_path): checking a path and then opening it again would leave
     *    a window in which a directory is swapped for a link to /etc. */
    rootfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (rootfd < 0)
        return http_error(r, 500, "the published directory cannot be opened");
    fd = walk_path(rootfd, path, &is_index, &status, &why);
    if (fd < 0) {
        rc = http_error(r, status, why);
        goto cleanup;
    }

    /* 3. What was opened decides: a regular file of at most max_file bytes
     *    (a FIFO, device or socket that appeared after the look is 403). */
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
    rc = http_respond(r, 200, http_content_type(is_index ? "index.html" : path), body, size);
cleanup:
    if (fd >= 0)
        close(fd);
    if (rootfd >= 0)
        close(rootfd);
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
