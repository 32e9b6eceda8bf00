/*
 * www.c — what s_server answers once a client is in (see tlstool.h):
 * -www's status page, -WWW's files, -rev's reversed lines.
 *
 * Requests are HTTP/1.0 (RFC 1945 §5): "GET /path HTTP/1.0", header lines,
 * an empty line.  The answer is a whole response and the connection ends
 * after it (HTTP/1.0 has no keep-alive unless asked, and OpenSSL's s_server
 * closes too).
 *
 * -WWW path checks, in order (each refusal is a 4xx, never a file outside):
 *   1. only GET, and a request line no longer than the buffer;
 *   2. the path starts with '/', has no "..", no backslash, no '%' (no
 *      decoding means no encoded "..") and no control byte;
 *   3. realpath(3) of it lies under realpath(3) of the current directory
 *      (a symbolic link out of the tree is refused);
 *   4. a regular file of at most TLSTOOL_WWW_MAX_FILE bytes.
 *
 * CT: not applicable.
 */
#define _XOPEN_SOURCE 700     /* realpath(3) */

#include "tlstool/tlstool.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define REQUEST_MAX 8192

/* A malloc'd copy of a fixed response. */
static int simple(int code, const char *reason, uint8_t **resp, size_t *resp_len)
{
    char buf[256];
    int n = snprintf(buf, sizeof buf,
                     "HTTP/1.0 %d %s\r\nContent-type: text/plain\r\nContent-length: %zu\r\n\r\n"
                     "%d %s\r\n", code, reason, strlen(reason) + 6, code, reason);
    *resp = malloc((size_t)n);
    if (*resp == NULL)
        return -1;
    memcpy(*resp, buf, (size_t)n);
    *resp_len = (size_t)n;
    return 1;
}

static const char *content_type(const char *path)
{
    const char *dot = strrchr(path, '.');
    if (dot != NULL && (strcmp(dot, ".html") == 0 || strcmp(dot, ".htm") == 0))
        return "text/html";
    if (dot != NULL && strcmp(dot, ".txt") == 0)
        return "text/plain";
    return "application/octet-stream";
}

/* Step 2: a path we will even try to open. */
static int path_acceptable(const char *p)
{
    if (p[0] != '/' || strstr(p, "..") != NULL)
        return 0;
    for (const char *c = p; *c; c++)
        if (*c == '\\' || *c == '%' || (unsigned char)*c < 0x20 || *c == 0x7f)
            return 0;
    return 1;
}

/* Steps 3 and 4, then the response. */
static int serve_file(const char *path, uint8_t **resp, size_t *resp_len)
{
    char root[PATH_MAX], full[PATH_MAX];
    const char *rel = path[1] ? path + 1 : "index.html";
    if (realpath(".", root) == NULL || realpath(rel, full) == NULL)
        return simple(404, "Not Found", resp, resp_len);
    size_t rl = strlen(root);
    if (strncmp(full, root, rl) != 0 || full[rl] != '/')
        return simple(403, "Forbidden", resp, resp_len);
    struct stat st;
    if (stat(full, &st) != 0 || !S_ISREG(st.st_mode))
        return simple(404, "Not Found", resp, resp_len);
    if ((unsigned long long)st.st_size > TLSTOOL_WWW_MAX_FILE)
        return simple(403, "Forbidden (larger than 1 MiB)", resp, resp_len);
    uint8_t *data = NULL;
    size_t len = 0;
    if (glass_read_file(full, TLSTOOL_WWW_MAX_FILE, &data, &len) != GLASS_OK)
        return simple(404, "Not Found", resp, resp_len);
    char head[160];
    int hn = snprintf(head, sizeof head,
                      "HTTP/1.0 200 ok\r\nContent-type: %s\r\nContent-length: %zu\r\n\r\n",
                      content_type(full), len);
    *resp = malloc((size_t)hn + len);
    if (*resp == NULL) {
        free(data);
        return -1;
    }
    memcpy(*resp, head, (size_t)hn);
    if (len > 0)
        memcpy(*resp + hn, data, len);
    *resp_len = (size_t)hn + len;
    free(data);
    return 1;
}

int tlstool_www_answer(enum tlstool_mode mode, const glass_engine *e, const uint8_t *in,
                       size_t in_len, uint8_t **resp, size_t *resp_len)
{
    char line[REQUEST_MAX + 1];
    /* A request ends with an empty line; a bare "GET /\n" (HTTP/0.9) too. */
    const uint8_t *end = NULL;
    for (size_t i = 0; i + 1 < in_len && end == NULL; i++)
        if (in[i] == '\n' && (in[i + 1] == '\n' || (in[i + 1] == '\r' && i + 2 < in_len &&
                                                    in[i + 2] == '\n')))
            end = in + i;
    if (end == NULL)
        return in_len > REQUEST_MAX ? -1 : 0;
    size_t n = 0;
    while (n < (size_t)(end - in) && in[n] != '\r' && in[n] != '\n' && n < REQUEST_MAX)
        n++;
    memcpy(line, in, n);
    line[n] = '\0';
    if (strncmp(line, "GET ", 4) != 0)
        return simple(405, "Method Not Allowed", resp, resp_len);
    char *path = line + 4;
    char *sp = strchr(path, ' ');
    if (sp != NULL)
        *sp = '\0';
    char *q = strchr(path, '?');
    if (q != NULL)
        *q = '\0';
    if (mode == TLSTOOL_MODE_WWW_STATUS) {
        char page[4096];
        size_t len = tlstool_status_page(e, page, sizeof page);
        *resp = malloc(len);
        if (*resp == NULL)
            return -1;
        memcpy(*resp, page, len);
        *resp_len = len;
        return 1;
    }
    if (!path_acceptable(path))
        return simple(403, "Forbidden", resp, resp_len);
    return serve_file(path, resp, resp_len);
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
