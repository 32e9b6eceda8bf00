/*
 * server.c — the s_server accept loop (see tlstool.h).
 *
 * One process, one thread, one poll(2) loop, as the glass relay server:
 * every client socket is non-blocking and has its own sans-I/O engine
 * (protocol/protocol.h).  Bytes read are fed to the engine; what the
 * engine queues is written as far as the socket takes it; the engine's
 * events (handshake done, application data, alert, close) decide what
 * happens next.  No client ever waits on another.
 *
 * Read in this order: server_setup (files, key log, listening socket),
 * serve (the loop), on_readable and on_event (one connection's bytes and
 * events), answer (what -www / -WWW / -rev / the echo mode send back).
 *
 * Bounds, so that no peer can exhaust the server:
 *   - at most max_clients connections; more wait in the kernel's backlog;
 *   - a read is at most TS_READ_CHUNK bytes per turn; the engine keeps at
 *     most one partial record;
 *   - a request is at most 8 KiB (www.c), a file at most 1 MiB;
 *   - bytes queued towards a client that does not read are capped at
 *     TS_MAX_PENDING; past that the client is dropped;
 *   - the handshake must finish within hs_timeout seconds, and a quiet
 *     established client is closed after idle_timeout seconds.
 *
 * CT: not applicable here; the engine and the primitives state theirs.
 */
#include "tlstool/tlstool.h"
#include "io/io.h"
#include "net/http.h"
#include "net/net.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <unistd.h>

#define CMD "s_server"
#define TS_READ_CHUNK   16384u
#define TS_MAX_PENDING  (2u * 1024u * 1024u)
#define TS_IN_MAX       HTTP_REQUEST_MAX  /* request bytes kept for -www / -WWW / -rev */
#define TS_CLOSE_GRACE  2000        /* ms to flush a last alert */
#define TS_CACHE_ENTRIES 1024       /* sessions kept for resumption */
#define TS_CACHE_LIFETIME 7200      /* seconds (RFC 5246 §F.1.4: at most 24 hours) */

typedef struct tconn {
    int fd;
    unsigned long id;
    glass_engine *eng;
    tlstool_tap tap;
    int established;
    int closing;                /* the engine is done: flush, then close */
    int64_t hs_deadline, idle_deadline, close_deadline;
    uint8_t in[TS_IN_MAX];
    size_t in_len;
    char addr[64];
} tconn;

typedef struct tserver {
    const tlstool_server_opts *o;
    tlstool_ident id;
    tlstool_keylog *keylog;
    glass_session_cache *cache; /* session-ID resumption (RFC 5246 §7.3) */
    glass_config cfg;           /* the template every connection copies */
    char root[PATH_MAX];        /* -WWW: the current directory, resolved */
    int lfd;
    tconn **c;
    size_t n;
    unsigned long next_id, finished;
    int stdin_open;
} tserver;

void tlstool_server_defaults(tlstool_server_opts *o)
{
    memset(o, 0, sizeof *o);
    o->bind = "127.0.0.1";
    o->port = TLSTOOL_DEFAULT_PORT;
    o->max_clients = TLSTOOL_DEFAULT_MAX_CLIENTS;
    o->hs_timeout = TLSTOOL_DEFAULT_HS_TIMEOUT;
    o->idle_timeout = TLSTOOL_DEFAULT_IDLE;
}

static void note(const tserver *s, const tconn *c, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* Per-connection lines go to stderr: stdout carries the clients' data. */
static void note(const tserver *s, const tconn *c, const char *fmt, ...)
{
    if (s->o->quiet)
        return;
    va_list ap;
    va_start(ap, fmt);
    if (c != NULL)
        fprintf(stderr, "#%lu %s ", c->id, c->addr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

/* ---- setup ----------------------------------------------------------------- */

static int server_setup(tserver *s)
{
    const tlstool_server_opts *o = s->o;
    if (o->cert == NULL || o->key == NULL)
        return io_error(CMD, "-cert FILE and -key FILE are required (see --help)");
    if (o->verify != 0 && o->cafile == NULL)
        return io_error(CMD, "-verify/-Verify need -CAfile FILE to check client certificates");
    if (tlstool_ident_load(CMD, &s->id, o->cert, o->key, o->pass, o->cafile, o->crl) != 0)
        return 1;
    if (tlstool_keylog_open(CMD, o->keylogfile, &s->keylog) != 0)
        return 1;
    memset(&s->cfg, 0, sizeof s->cfg);
    s->cfg.role = GLASS_ROLE_SERVER;
    tlstool_ident_config(&s->id, &s->cfg);
    tlstool_profile_server(&s->cfg, o->verify);
    s->cfg.disable_etm = o->no_etm;
    s->cfg.disable_ems = o->no_ems;
    if (tlstool_profile_impl(CMD, o->impl, &s->cfg) != 0)
        return 1;
    glass_err err = glass_session_cache_new(&s->cache, TS_CACHE_ENTRIES, TS_CACHE_LIFETIME);
    if (err != GLASS_OK)
        return io_error(CMD, "session cache: %s", glass_strerror(err));
    s->cfg.session_cache = s->cache;
    if (o->mode == TLSTOOL_MODE_WWW_FILES && http_publish_root(".", s->root) != 0)
        return io_error(CMD, "-WWW: the current directory cannot be published: %s",
                        strerror(errno));
    uint16_t port = 0;
    if (net_listen(o->bind, (uint16_t)o->port, 128, &s->lfd, &port) != GLASS_OK)
        return io_error(CMD, "cannot listen on %s:%lu: %s", o->bind, o->port, strerror(errno));
    if (o->port == 0)
        printf("listening on %s:%u\n", o->bind, (unsigned)port);
    printf("ACCEPT\n");
    fflush(stdout);
    return 0;
}

/* ---- connections ----------------------------------------------------------- */

static void conn_free(tconn *c)
{
    if (c->fd >= 0)
        close(c->fd);
    glass_engine_free(c->eng);
    tlstool_tap_clear(&c->tap);
    free(c);
}

static void accept_one(tserver *s)
{
    struct sockaddr_storage ss;
    socklen_t sl = sizeof ss;
    int fd = accept(s->lfd, (struct sockaddr *)&ss, &sl);
    if (fd < 0)
        return;
    tconn *c = calloc(1, sizeof *c);
    tconn **grown = realloc(s->c, (s->n + 1) * sizeof *grown);
    if (c == NULL || grown == NULL || net_set_nonblocking(fd) != GLASS_OK) {
        free(c);
        if (grown != NULL)
            s->c = grown;
        close(fd);
        return;
    }
    s->c = grown;
    net_set_nodelay(fd);
    c->fd = fd;
    c->id = ++s->next_id;
    if (ss.ss_family == AF_INET)
        inet_ntop(AF_INET, &((struct sockaddr_in *)&ss)->sin_addr, c->addr, sizeof c->addr);
    else
        snprintf(c->addr, sizeof c->addr, "peer");
    glass_config cfg = s->cfg;
    cfg.now = net_wall_time();
    char prefix[24];
    snprintf(prefix, sizeof prefix, "#%lu ", c->id);
    tlstool_tap_init(&c->tap, &cfg, s->keylog, s->o->render, stderr, prefix);
    glass_err err = glass_engine_new(&c->eng, &cfg);
    if (err == GLASS_OK)
        err = glass_engine_start(c->eng);
    if (err != GLASS_OK) {
        note(s, c, "cannot start a session: %s", glass_strerror(err));
        conn_free(c);
        s->finished++;
        return;
    }
    int64_t now = net_now_ms();
    c->hs_deadline = now + (int64_t)s->o->hs_timeout * 1000;
    c->idle_deadline = now + (int64_t)s->o->idle_timeout * 1000;
    s->c[s->n++] = c;
}

/* Queues bytes as application records of at most 2^14 bytes each
 * (RFC 5246 §6.2.1), several records' CBC chains encrypted side by side
 * (glass_engine_send_app_many). */
static int send_app(tconn *c, const uint8_t *p, size_t n)
{
    if (n == 0)
        return 0;
    return glass_engine_send_app_many(c->eng, p, n) == GLASS_OK ? 0 : -1;
}

/* What the server answers to application data, by mode. */
static void answer(tserver *s, tconn *c, const uint8_t *p, size_t n)
{
    if (s->o->mode == TLSTOOL_MODE_ECHO) {
        fwrite(p, 1, n, stdout);
        fflush(stdout);
        return;
    }
    if (n > sizeof c->in - c->in_len) {
        note(s, c, "request longer than %u bytes: closing", TS_IN_MAX);
        glass_engine_close(c->eng);
        return;
    }
    memcpy(c->in + c->in_len, p, n);
    c->in_len += n;
    if (s->o->mode == TLSTOOL_MODE_REV) {
        uint8_t out[TS_IN_MAX];
        size_t out_len = 0;
        size_t used = tlstool_rev_lines(c->in, c->in_len, out, &out_len);
        memmove(c->in, c->in + used, c->in_len - used);
        c->in_len -= used;
        if (out_len > 0)
            send_app(c, out, out_len);
        return;
    }
    uint8_t *resp = NULL;
    size_t resp_len = 0;
    char what[128] = "";
    int r = tlstool_www_answer(s->o->mode, s->root, c->eng, c->in, c->in_len, &resp, &resp_len,
                               what, sizeof what);
    if (r == 0)
        return;
    if (r > 0) {
        send_app(c, resp, resp_len);
        note(s, c, "answered %s: %.12s", what, (const char *)resp);
    } else {
        note(s, c, "request too long or unanswerable: closing");
    }
    free(resp);
    glass_engine_close(c->eng);   /* HTTP/1.0: one answer, then close_notify */
}

static void on_event(tserver *s, tconn *c, const glass_event *ev)
{
    switch (ev->type) {
    case GLASS_EV_HANDSHAKE_DONE: {
        tlstool_facts f;
        tlstool_engine_facts(c->eng, &f);
        c->established = 1;
        note(s, c, "handshake done: %s %s, client %s%s", tlstool_version_name(f.version),
             tlstool_suite_openssl_name(f.suite), ev->authenticated ? ev->peer_name : "(none)",
             f.resumed ? ", resumed" : "");
        break;
    }
    case GLASS_EV_APP_MESSAGE:
        answer(s, c, ev->data, ev->len);
        break;
    case GLASS_EV_ALERT_SENT:
        note(s, c, "sent alert %s%s%s", glass_alert_name(ev->alert),
             ev->err != GLASS_OK ? ": " : "", ev->err != GLASS_OK ? glass_strerror(ev->err) : "");
        break;
    case GLASS_EV_ALERT_RECEIVED:
        note(s, c, "received alert %s", glass_alert_name(ev->alert));
        break;
    case GLASS_EV_CLOSED:
        c->closing = 1;
        c->close_deadline = net_now_ms() + TS_CLOSE_GRACE;
        break;
    default:
        break;
    }
}

/* Reads once, feeds the engine, handles its events.  0 = keep, -1 = drop. */
static int on_readable(tserver *s, tconn *c)
{
    uint8_t buf[TS_READ_CHUNK];
    ssize_t r = read(c->fd, buf, sizeof buf);
    if (r < 0 && (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK))
        return 0;
    if (r <= 0) {
        if (!c->closing)
            note(s, c, "the client closed the connection%s",
                 c->established ? "" : " during the handshake");
        return -1;
    }
    c->idle_deadline = net_now_ms() + (int64_t)s->o->idle_timeout * 1000;
    if (!c->closing)
        glass_engine_feed(c->eng, buf, (size_t)r);
    glass_event ev;
    while (glass_engine_next_event(c->eng, &ev))
        on_event(s, c, &ev);
    return 0;
}

/* Timeouts and the pending-output cap.  0 = keep, -1 = drop. */
static int check_limits(tserver *s, tconn *c, int64_t now)
{
    if (c->closing)
        return (now >= c->close_deadline || net_engine_pending(c->eng) == 0) ? -1 : 0;
    if (net_engine_pending(c->eng) > TS_MAX_PENDING) {
        note(s, c, "the client does not read: dropped");
        return -1;
    }
    if (!c->established && now >= c->hs_deadline) {
        note(s, c, "handshake timeout after %lus", s->o->hs_timeout);
        glass_engine_abort(c->eng, GLASS_ERR_PROTO_TIMEOUT);
    } else if (c->established && now >= c->idle_deadline) {
        note(s, c, "idle for %lus: closing", s->o->idle_timeout);
        glass_engine_close(c->eng);
    }
    glass_event ev;
    while (glass_engine_next_event(c->eng, &ev))
        on_event(s, c, &ev);
    return 0;
}

/* Echo mode: a line typed at the server goes to every established client. */
static void on_stdin(tserver *s)
{
    static uint8_t buf[GLASS_SEAL_LANES * GLASS_MAX_PLAINTEXT];
    ssize_t r = read(STDIN_FILENO, buf, sizeof buf);
    if (r <= 0) {
        if (r == 0 || (errno != EINTR && errno != EAGAIN))
            s->stdin_open = 0;
        return;
    }
    for (size_t i = 0; i < s->n; i++)
        if (s->c[i]->established && !s->c[i]->closing)
            send_app(s->c[i], buf, (size_t)r);
}

/* One turn's poll set: [0] listener, [1] stdin, then the clients. */
static size_t build_poll(tserver *s, struct pollfd *p)
{
    int can_accept = s->n < s->o->max_clients &&
                     (s->o->naccept == 0 || s->next_id < s->o->naccept);
    p[0].fd = can_accept ? s->lfd : -1;
    p[0].events = POLLIN;
    p[1].fd = s->stdin_open ? STDIN_FILENO : -1;
    p[1].events = POLLIN;
    for (size_t i = 0; i < s->n; i++) {
        p[2 + i].fd = s->c[i]->fd;
        p[2 + i].events = (short)(POLLIN | (net_engine_pending(s->c[i]->eng) ? POLLOUT : 0));
        p[2 + i].revents = 0;
    }
    return 2 + s->n;
}

static int serve(tserver *s)
{
    struct pollfd *p = NULL;
    for (;;) {
        if (net_stop_signal)
            break;
        if (s->o->naccept != 0 && s->finished >= s->o->naccept && s->n == 0)
            break;
        struct pollfd *grown = realloc(p, (s->n + 2) * sizeof *p);
        if (grown == NULL)
            break;
        p = grown;
        size_t np = build_poll(s, p);
        int r = poll(p, (nfds_t)np, 200);
        if (r < 0 && errno != EINTR)
            break;
        int64_t now = net_now_ms();
        size_t n_before = s->n;
        for (size_t i = 0; i < n_before; i++) {
            tconn *c = s->c[i];
            int drop = 0;
            if (r > 0 && (p[2 + i].revents & (POLLIN | POLLHUP | POLLERR)))
                drop = on_readable(s, c);
            if (!drop && net_engine_flush(c->fd, c->eng) != 0)
                drop = -1;
            if (!drop)
                drop = check_limits(s, c, now);
            if (!drop && net_engine_flush(c->fd, c->eng) != 0)
                drop = -1;
            if (drop) {
                conn_free(c);
                s->c[i] = NULL;
                s->finished++;
            }
        }
        size_t k = 0;
        for (size_t i = 0; i < s->n; i++)
            if (s->c[i] != NULL)
                s->c[k++] = s->c[i];
        s->n = k;
        if (r > 0 && (p[1].revents & (POLLIN | POLLHUP)))
            on_stdin(s);
        if (r > 0 && (p[0].revents & POLLIN))
            accept_one(s);
    }
    free(p);
    return 0;
}

int tlstool_server_run(const tlstool_server_opts *o)
{
    tserver s;
    memset(&s, 0, sizeof s);
    s.o = o;
    s.lfd = -1;
    s.stdin_open = o->mode == TLSTOOL_MODE_ECHO;
    int rc = server_setup(&s);
    if (rc == 0) {
        net_install_signals();
        rc = serve(&s);
    }
    for (size_t i = 0; i < s.n; i++) {
        glass_engine_close(s.c[i]->eng);
        net_engine_flush(s.c[i]->fd, s.c[i]->eng);
        conn_free(s.c[i]);
    }
    free(s.c);
    if (s.lfd >= 0)
        close(s.lfd);
    tlstool_keylog_close(s.keylog);
    glass_session_cache_free(s.cache);
    tlstool_ident_free(&s.id);
    return rc;
}
