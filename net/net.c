/*
 * net.c — non-blocking TCP for `glass server` and `glass client` (see net.h).
 *
 * The glass protocol engine is sans-I/O: it is handed bytes and hands bytes
 * back.  Everything that touches the operating system lives here, in plain
 * POSIX: getaddrinfo(3) for addresses, socket/bind/listen/connect for TCP,
 * O_NONBLOCK so that no single peer can stall a process, poll(2) to wait.
 *
 * Read in this order: address parsing, the listening and connecting
 * sockets, an engine's queued bytes out to its socket, the clock and the
 * signals, then the trace renderer.
 *
 * A non-blocking read or write may move fewer bytes than asked (a "partial"
 * transfer); the callers leave whatever is left queued in the engine and
 * retry when poll() says the socket is ready again.
 *
 * CT: not applicable — no secret-dependent computation here.
 */
#include "net/net.h"
#include "io/io.h"
#include "dh/dh.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdarg.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/* ---- addresses ------------------------------------------------------------- */

/* See net.h. */
glass_err net_parse_hostport(const char *text, char *host, size_t host_cap, uint16_t *port)
{
    if (text == NULL || host == NULL || port == NULL)
        return GLASS_ERR_ARG;
    const char *colon = strrchr(text, ':');
    if (colon == NULL || colon == text || colon[1] == '\0')
        return GLASS_ERR_ARG;
    const char *h = text;
    size_t hlen = (size_t)(colon - text);
    if (h[0] == '[') {
        /* "[v6]:port" */
        if (hlen < 3 || h[hlen - 1] != ']')
            return GLASS_ERR_ARG;
        h++;
        hlen -= 2;
    }
    if (hlen + 1 > host_cap)
        return GLASS_ERR_ARG;
    unsigned long v = 0;
    for (const char *p = colon + 1; *p != '\0'; p++) {
        if (*p < '0' || *p > '9')
            return GLASS_ERR_ARG;
        v = v * 10 + (unsigned long)(*p - '0');
        if (v > 65535)
            return GLASS_ERR_ARG;
    }
    if (v == 0)
        return GLASS_ERR_ARG;
    memcpy(host, h, hlen);
    host[hlen] = '\0';
    *port = (uint16_t)v;
    return GLASS_OK;
}

/* ---- sockets --------------------------------------------------------------- */

/* See net.h. */
glass_err net_set_nonblocking(int fd)
{
    int fl = fcntl(fd, F_GETFL);
    if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0)
        return GLASS_ERR_IO;
    int fdfl = fcntl(fd, F_GETFD);
    if (fdfl >= 0)
        (void)fcntl(fd, F_SETFD, fdfl | FD_CLOEXEC);
    return GLASS_OK;
}

/* See net.h. */
void net_set_nodelay(int fd)
{
    int one = 1;
    (void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

static glass_err resolve(const char *host, uint16_t port, int passive, struct addrinfo **res)
{
    char service[8];
    struct addrinfo hints;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICSERV | (passive ? AI_PASSIVE : 0);
    snprintf(service, sizeof service, "%u", (unsigned)port);
    if (getaddrinfo(host, service, &hints, res) != 0)
        return GLASS_ERR_IO;
    return GLASS_OK;
}

/* See net.h. */
glass_err net_listen(const char *addr, uint16_t port, int backlog, int *fd,
                     uint16_t *bound_port)
{
    struct addrinfo *res = NULL;
    glass_err err = resolve(addr, port, 1, &res);
    if (err != GLASS_OK)
        return err;
    int s = -1;
    err = GLASS_ERR_IO;
    for (struct addrinfo *ai = res; ai != NULL; ai = ai->ai_next) {
        s = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
        if (s < 0)
            continue;
        int one = 1;
        (void)setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        if (bind(s, ai->ai_addr, ai->ai_addrlen) == 0 && listen(s, backlog) == 0 &&
            net_set_nonblocking(s) == GLASS_OK) {
            err = GLASS_OK;
            break;
        }
        int saved = errno;
        close(s);
        errno = saved;
        s = -1;
    }
    freeaddrinfo(res);
    if (err != GLASS_OK)
        return err;
    /* Which port did we get?  (It matters for port 0.) */
    struct sockaddr_storage ss;
    socklen_t sl = sizeof ss;
    if (getsockname(s, (struct sockaddr *)&ss, &sl) != 0) {
        close(s);
        return GLASS_ERR_IO;
    }
    if (ss.ss_family == AF_INET)
        *bound_port = ntohs(((struct sockaddr_in *)&ss)->sin_port);
    else
        *bound_port = ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
    *fd = s;
    return GLASS_OK;
}

/* Finishes a non-blocking connect(): waits for writability, then reads the
 * outcome from SO_ERROR. */
static glass_err connect_wait(int s, int timeout_ms)
{
    struct pollfd p = {s, POLLOUT, 0};
    int64_t deadline = net_now_ms() + timeout_ms;
    for (;;) {
        int left = (int)(deadline - net_now_ms());
        if (left <= 0)
            return GLASS_ERR_PROTO_TIMEOUT;
        int r = poll(&p, 1, left);
        if (r < 0 && errno == EINTR)
            return GLASS_ERR_IO;
        if (r < 0)
            return GLASS_ERR_IO;
        if (r == 0)
            return GLASS_ERR_PROTO_TIMEOUT;
        int soerr = 0;
        socklen_t sl = sizeof soerr;
        if (getsockopt(s, SOL_SOCKET, SO_ERROR, &soerr, &sl) != 0)
            return GLASS_ERR_IO;
        if (soerr != 0) {
            errno = soerr;
            return GLASS_ERR_IO;
        }
        return GLASS_OK;
    }
}

/* See net.h. */
glass_err net_connect(const char *host, uint16_t port, int timeout_ms, int *fd)
{
    struct addrinfo *res = NULL;
    glass_err err = resolve(host, port, 0, &res);
    if (err != GLASS_OK)
        return err;
    err = GLASS_ERR_IO;
    for (struct addrinfo *ai = res; ai != NULL; ai = ai->ai_next) {
        int s = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
        if (s < 0)
            continue;
        if (net_set_nonblocking(s) != GLASS_OK) {
            close(s);
            continue;
        }
        if (connect(s, ai->ai_addr, ai->ai_addrlen) == 0)
            err = GLASS_OK;
        else if (errno == EINPROGRESS)
            err = connect_wait(s, timeout_ms);
        else
            err = GLASS_ERR_IO;
        if (err == GLASS_OK) {
            net_set_nodelay(s);
            *fd = s;
            break;
        }
        int saved = errno;
        close(s);
        errno = saved;
    }
    freeaddrinfo(res);
    return err;
}

/* ---- an engine over a socket ---------------------------------------------- */

/* See net.h. */
size_t net_engine_pending(glass_engine *e)
{
    const uint8_t *p = NULL;
    size_t n = 0;
    glass_engine_output(e, &p, &n);
    return n;
}

/* See net.h. */
int net_engine_flush(int fd, glass_engine *e)
{
    for (;;) {
        const uint8_t *p = NULL;
        size_t n = 0;
        glass_engine_output(e, &p, &n);
        if (n == 0)
            return 0;
        ssize_t w = write(fd, p, n);
        if (w > 0) {
            /* A partial write: the rest stays queued in the engine. */
            glass_engine_consume_output(e, (size_t)w);
            continue;
        }
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return 0;
        return -1;
    }
}

/* See net.h. */
void net_describe_session(const glass_engine *e, char *out, size_t cap)
{
    uint16_t suite = glass_engine_suite(e);
    uint16_t group = glass_engine_group(e);
    const dh_group *G = dh_group_by_tls_id(group);
    snprintf(out, cap, "suite %s (0x%04X), group %s (%zu-bit DH)",
             suite == GLASS_SUITE_DHE_RSA_AES256_CBC_SHA256 ? "DHE_RSA_WITH_AES_256_CBC_SHA256"
                                                            : "none",
             (unsigned)suite, G != NULL ? G->name : "none", G != NULL ? G->p_len * 8 : 0);
}

/* ---- time and signals ---------------------------------------------------- */

/* See net.h. */
int64_t net_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* See net.h. */
int64_t net_wall_time(void)
{
    return (int64_t)time(NULL);
}

volatile sig_atomic_t net_stop_signal = 0;

static void on_stop(int sig)
{
    net_stop_signal = sig;
}

/* See net.h. */
void net_install_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_stop;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0;   /* no SA_RESTART: poll() must return EINTR */
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    struct sigaction ign;
    memset(&ign, 0, sizeof ign);
    ign.sa_handler = SIG_IGN;
    sigemptyset(&ign.sa_mask);
    sigaction(SIGPIPE, &ign, NULL);
}

/* ---- rendering the engine's trace -------------------------------------- */

/* Longest run of bytes printed for one field before it is elided: a 2048-bit
 * g^y is 256 bytes, which would fill a projected screen; the first 32 and
 * the length say enough, and --trace is for reading. */
#define TRACE_FIELD_SHOW 32

/* The text is laid out for NET_TEXT_WIDTH columns, a terminal or a
 * projected screen: long meanings wrap at spaces onto indented lines and
 * long hex runs NET_HEX_PER_LINE bytes a line. */
#define NET_HEX_PER_LINE 32

/* Starts a continuation line: prefix, then spaces up to column cont. */
static void continue_line(FILE *f, const char *prefix, size_t cont)
{
    size_t used = io_text_cols(prefix, strlen(prefix));
    fprintf(f, "\n%s%*s", prefix, (int)(cont > used ? cont - used : 0), "");
}

/* See net.h. */
void net_print_wrapped(FILE *f, const char *prefix, size_t col, size_t cont, const char *text)
{
    size_t at = col;
    int fresh = 1;              /* nothing written on this line yet */
    const char *p = text;
    while (*p != '\0') {
        while (*p == ' ')
            p++;
        const char *w = p;
        while (*w != '\0' && *w != ' ')
            w++;
        if (w == p)
            break;
        size_t wc = io_text_cols(p, (size_t)(w - p));
        if (at + (fresh ? 0 : 1) + wc > NET_TEXT_WIDTH && at > cont) {
            continue_line(f, prefix, cont);
            at = cont;
            fresh = 1;
        }
        if (!fresh) {
            fputc(' ', f);
            at++;
        }
        fwrite(p, 1, (size_t)(w - p), f);
        at += wc;
        fresh = 0;
        p = w;
    }
}

/* See net.h. */
void net_print_hex_wrapped(FILE *f, const char *prefix, size_t cont, const uint8_t *p, size_t n,
                           size_t show)
{
    size_t k = n < show ? n : show;
    for (size_t i = 0; i < k; i++) {
        if (i > 0 && i % NET_HEX_PER_LINE == 0)
            continue_line(f, prefix, cont);
        fprintf(f, "%02x", p[i]);
    }
    if (k < n)
        fprintf(f, "... (%zu bytes)", n);
}

/* See net.h. */
void net_print_line(FILE *f, const char *prefix, size_t cont, const char *fmt, ...)
{
    char line[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    size_t lead = strspn(line, " ");    /* the indentation is kept as it is */
    fputs(prefix, f);
    fwrite(line, 1, lead, f);
    net_print_wrapped(f, prefix, io_text_cols(prefix, strlen(prefix)) + lead, cont, line + lead);
    fputc('\n', f);
}

/* See net.h. */
void net_trace_field(void *arg, size_t offset, size_t len, const char *field,
                     const char *meaning)
{
    net_fields *d = arg;
    char head[160];
    if (offset > d->len || len > d->len - offset)
        return;
    int w = snprintf(head, sizeof head, "%s    +%04zx %5zu  %-34s ", d->prefix, offset, len, field);
    size_t col = io_text_cols(head, w > 0 ? strlen(head) : 0);
    size_t indent = io_text_cols(d->prefix, strlen(d->prefix));
    fputs(head, d->f);
    /* The meaning stays in its column while it fits; after a long field
     * name it continues under the hex instead. */
    net_print_wrapped(d->f, d->prefix, col, col <= 60 ? col : indent + 17,
                      meaning != NULL ? meaning : "");
    fputc('\n', d->f);
    if (len > 0 && !(offset == 0 && len == d->len)) {
        fprintf(d->f, "%s                 ", d->prefix);
        net_print_hex_wrapped(d->f, d->prefix, indent + 17, d->bytes + offset, len, d->show);
        fputc('\n', d->f);
    }
}

/* See net.h. */
void net_trace_event(void *arg, const char *name, const char *explain, const uint8_t *bytes,
                     size_t len)
{
    net_tracer *t = arg;
    if (t == NULL || name == NULL)
        return;
    if (!t->show)
        return;
    FILE *f = t->out != NULL ? t->out : stdout;
    const char *ex = explain != NULL ? explain : "";
    net_fields d = {f, t->prefix, bytes, len, TRACE_FIELD_SHOW};
    size_t ind = io_text_cols(t->prefix, strlen(t->prefix));
    if (strcmp(name, "send record") == 0 || strcmp(name, "recv record") == 0)
        return;
    if (strcmp(name, "state") == 0) {
        net_print_line(f, t->prefix, ind + 4, "  state -> %s", ex);
    } else if (strncmp(name, "check ", 6) == 0) {
        net_print_line(f, t->prefix, ind + 6, "  ok: %s%s%s", name + 6, ex[0] ? " — " : "", ex);
    } else if (strncmp(name, "derive ", 7) == 0) {
        net_print_line(f, t->prefix, ind + 6, "  %s (%zu bytes): %s", name, len, ex);
        fprintf(f, "%s      ", t->prefix);
        net_print_hex_wrapped(f, t->prefix, ind + 6, bytes, len, TRACE_FIELD_SHOW);
        fputc('\n', f);
    } else if (strcmp(name, "send application_data") == 0 ||
               strcmp(name, "recv application_data") == 0) {
        fprintf(f, "%s%s %s (%zu bytes)\n", t->prefix, name[0] == 's' ? ">>" : "<<", name, len);
        if (bytes != NULL && glass_dissect_app(bytes, len, net_trace_field, &d) != GLASS_OK)
            fprintf(f, "%s    (malformed: the fault is annotated above)\n", t->prefix);
    } else if (strncmp(name, "send ", 5) == 0 || strncmp(name, "recv ", 5) == 0) {
        int is_alert = strcmp(name + 5, "Alert") == 0;
        net_print_line(f, t->prefix, ind + 4, "%s %s (%zu bytes)%s%s", name[0] == 's' ? ">>" : "<<",
                       name, len, ex[0] ? ": " : "", ex);
        if (is_alert && bytes != NULL && len == 2)
            fprintf(f, "%s    level %u (%s), description %u (%s)\n", t->prefix, bytes[0],
                    bytes[0] == GLASS_ALERT_LEVEL_FATAL ? "fatal" : "warning", bytes[1],
                    glass_alert_name(bytes[1]));
        else if (bytes != NULL && len > 0 &&
                 glass_dissect_handshake(bytes, len, net_trace_field, &d) != GLASS_OK)
            fprintf(f, "%s    (the message does not parse past this point)\n", t->prefix);
    } else {
        net_print_line(f, t->prefix, ind + 6, "  %s: %s", name, ex);
        if (len > 0) {
            fprintf(f, "%s      ", t->prefix);
            net_print_hex_wrapped(f, t->prefix, ind + 6, bytes, len, TRACE_FIELD_SHOW);
            fputc('\n', f);
        }
    }
}
