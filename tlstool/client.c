/*
 * client.c — the s_client interactive loop (see tlstool.h).
 *
 * Like OpenSSL's s_client: connect, run the handshake, print the summary
 * block, then copy standard input to the server and the server's data to
 * standard output until one side closes.  One engine per connection, a
 * poll(2) loop over the socket and stdin, every wait bounded.
 *
 * Read in this order: client_setup (files, config), handshake (connect and
 * run one handshake to the end, printing what failed in one line),
 * converse (the interactive part), tlstool_client_run (with -reconnect:
 * five more connections offering the same session, RFC 5246 §7.3's
 * abbreviated handshake).
 *
 * When standard input ends, the client keeps reading until the server
 * closes or has been quiet for TC_DRAIN_MS, then sends close_notify
 * (RFC 5246 §7.2.1): so `printf 'GET / HTTP/1.0\r\n\r\n' | glass s_client`
 * prints the whole page.
 *
 * CT: not applicable here; the engine and the primitives state theirs.
 */
#include "tlstool/tlstool.h"
#include "io/io.h"
#include "net/net.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CMD "s_client"
#define TC_DRAIN_MS 3000
#define TC_RECONNECTS 5
#define TC_MAX_PENDING (256u * 1024u)

typedef struct tclient {
    const tlstool_client_opts *o;
    tlstool_ident id;
    tlstool_keylog *keylog;
    glass_config cfg;
    tlstool_tap tap;
    tlstool_session sess;       /* offered on the next connection */
    glass_engine *eng;
    int fd;
    int done;                   /* HANDSHAKE_DONE seen */
    int closed;                 /* CLOSED seen */
    glass_err fail;
    uint8_t alert_sent, alert_recv;
    int have_sent, have_recv;
} tclient;

void tlstool_client_defaults(tlstool_client_opts *o)
{
    memset(o, 0, sizeof *o);
    o->timeout = TLSTOOL_DEFAULT_HS_TIMEOUT;
}

static int client_setup(tclient *c)
{
    const tlstool_client_opts *o = c->o;
    if (o->host == NULL)
        return io_error(CMD, "-connect HOST:PORT is required (see --help)");
    if (tlstool_ident_load(CMD, &c->id, o->cert, o->key, o->pass, o->cafile, o->crl) != 0)
        return 1;
    if (tlstool_keylog_open(CMD, o->keylogfile, &c->keylog) != 0)
        return 1;
    memset(&c->cfg, 0, sizeof c->cfg);
    c->cfg.role = GLASS_ROLE_CLIENT;
    tlstool_ident_config(&c->id, &c->cfg);
    const char *sn = o->servername != NULL ? o->servername : o->host;
    tlstool_profile_client(&c->cfg, sn, o->verify_hostname != NULL ? o->verify_hostname : sn);
    c->cfg.disable_etm = o->no_etm;
    c->cfg.disable_ems = o->no_ems;
    if (tlstool_profile_impl(CMD, o->impl, &c->cfg) != 0)
        return 1;
    if (o->sess_in != NULL && tlstool_session_load(CMD, o->sess_in, &c->sess) != 0)
        return 1;
    return 0;
}

static void on_event(tclient *c, const glass_event *ev)
{
    switch (ev->type) {
    case GLASS_EV_HANDSHAKE_DONE:
        c->done = 1;
        break;
    case GLASS_EV_APP_MESSAGE:
        fwrite(ev->data, 1, ev->len, stdout);
        fflush(stdout);
        break;
    case GLASS_EV_ALERT_SENT:
        c->alert_sent = ev->alert;
        c->have_sent = 1;
        if (ev->err != GLASS_OK)
            c->fail = ev->err;
        break;
    case GLASS_EV_ALERT_RECEIVED:
        c->alert_recv = ev->alert;
        c->have_recv = 1;
        break;
    case GLASS_EV_CLOSED:
        c->closed = 1;
        if (ev->err != GLASS_OK)
            c->fail = ev->err;
        break;
    default:
        break;
    }
}

/* Reads once from the socket.  0 = go on, -1 = the peer is gone. */
static int pump_socket(tclient *c)
{
    uint8_t buf[16384];
    ssize_t r = read(c->fd, buf, sizeof buf);
    if (r < 0 && (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK))
        return 0;
    if (r <= 0)
        return -1;
    glass_engine_feed(c->eng, buf, (size_t)r);
    glass_event ev;
    while (glass_engine_next_event(c->eng, &ev))
        on_event(c, &ev);
    return 0;
}

/* One line saying why the handshake did not finish. */
static int handshake_failed(tclient *c, const char *why)
{
    char alerts[128] = "";
    if (c->have_recv)
        snprintf(alerts, sizeof alerts, " (the server sent alert %s)",
                 glass_alert_name(c->alert_recv));
    else if (c->have_sent)
        snprintf(alerts, sizeof alerts, " (alert %s sent)", glass_alert_name(c->alert_sent));
    return io_error(CMD, "handshake with %s:%u failed: %s%s", c->o->host, (unsigned)c->o->port,
                     why, alerts);
}

/* Connects and runs one handshake to its end, within o->timeout seconds. */
static int handshake(tclient *c)
{
    glass_err err = net_connect(c->o->host, c->o->port, (int)c->o->timeout * 1000, &c->fd);
    if (err != GLASS_OK)
        return io_error(CMD, "cannot connect to %s:%u: %s", c->o->host, (unsigned)c->o->port,
                         err == GLASS_ERR_PROTO_TIMEOUT ? "timed out" : strerror(errno));
    glass_config cfg = c->cfg;
    cfg.now = net_wall_time();
    tlstool_tap_clear(&c->tap);
    tlstool_tap_init(&c->tap, &cfg, c->keylog, c->o->render, stdout, "");
    c->done = c->closed = c->have_sent = c->have_recv = 0;
    c->fail = GLASS_OK;
    cfg.session = c->sess.blob;
    cfg.session_len = c->sess.len;
    err = glass_engine_new(&c->eng, &cfg);
    if (err == GLASS_OK)
        err = glass_engine_start(c->eng);
    if (err != GLASS_OK)
        return io_error(CMD, "cannot start the handshake: %s", glass_strerror(err));
    if (!c->o->quiet)
        printf("CONNECTED(%08x)\n", (unsigned)c->fd);
    int64_t deadline = net_now_ms() + (int64_t)c->o->timeout * 1000;
    while (!c->done && !c->closed) {
        if (net_engine_flush(c->fd, c->eng) != 0)
            return handshake_failed(c, "the connection broke");
        int64_t left = deadline - net_now_ms();
        if (left <= 0)
            return handshake_failed(c, "timed out");
        struct pollfd p = {c->fd, (short)(POLLIN | (net_engine_pending(c->eng) ? POLLOUT : 0)), 0};
        if (poll(&p, 1, (int)left) > 0 && (p.revents & (POLLIN | POLLHUP | POLLERR)) &&
            pump_socket(c) != 0 && !c->closed)
            return handshake_failed(c, "the server closed the connection");
    }
    net_engine_flush(c->fd, c->eng);
    if (!c->done)
        return handshake_failed(c, glass_strerror(c->fail != GLASS_OK ? c->fail
                                                                      : GLASS_ERR_PROTO_CLOSED));
    return 0;
}

static void hang_up(tclient *c)
{
    if (c->eng != NULL) {
        glass_engine_close(c->eng);
        net_engine_flush(c->fd, c->eng);
        glass_engine_free(c->eng);
        c->eng = NULL;
    }
    if (c->fd >= 0)
        close(c->fd);
    c->fd = -1;
}

/* Reads what standard input has ready, up to len bytes: one read (poll has
 * said it will not block), then more for as long as more is there without
 * waiting — a pipe hands over at most its buffer (64 KiB on Linux) a read,
 * and a batch of records is larger.  Returns the bytes read; *eof is set
 * once the input has ended or failed (after those bytes). */
static size_t read_stdin_batch(uint8_t *buf, size_t len, int *eof)
{
    size_t got = 0;
    for (int reads = 0; got < len && reads < 64; reads++) {
        if (reads > 0) {
            struct pollfd p = {STDIN_FILENO, POLLIN, 0};
            if (poll(&p, 1, 0) <= 0 || !(p.revents & (POLLIN | POLLHUP)))
                break;
        }
        ssize_t n = read(STDIN_FILENO, buf + got, len - got);
        if (n > 0) {
            got += (size_t)n;
            continue;
        }
        if (n == 0 || (errno != EINTR && errno != EAGAIN))
            *eof = 1;
        break;
    }
    return got;
}

/* stdin to the server, the server to stdout, until one side is done. */
static int converse(tclient *c)
{
    int stdin_open = 1;
    int64_t drain_until = 0;
    while (!c->closed && !net_stop_signal) {
        if (net_engine_flush(c->fd, c->eng) != 0)
            break;
        /* Standard input is read only while what is queued for the server
         * stays under TC_MAX_PENDING: a server that does not read slows the
         * typist down instead of filling our memory. */
        size_t pending = net_engine_pending(c->eng);
        struct pollfd p[2] = {
            {c->fd, (short)(POLLIN | (pending ? POLLOUT : 0)), 0},
            {stdin_open && pending < TC_MAX_PENDING ? STDIN_FILENO : -1, POLLIN, 0}};
        int r = poll(p, 2, 200);
        if (r < 0 && errno != EINTR)
            break;
        if (r > 0 && (p[0].revents & (POLLIN | POLLHUP | POLLERR))) {
            if (pump_socket(c) != 0)
                break;
            if (!stdin_open)
                drain_until = net_now_ms() + TC_DRAIN_MS;
        }
        if (r > 0 && (p[1].revents & (POLLIN | POLLHUP))) {
            /* Up to GLASS_SEAL_LANES records at once: the record layer
             * encrypts their CBC chains side by side. */
            static uint8_t buf[GLASS_SEAL_LANES * GLASS_MAX_PLAINTEXT];
            int eof = 0;
            size_t n = read_stdin_batch(buf, sizeof buf, &eof);
            if (n > 0 && glass_engine_send_app_many(c->eng, buf, n) != GLASS_OK)
                break;
            if (eof) {
                stdin_open = 0;
                drain_until = net_now_ms() + TC_DRAIN_MS;
            }
        }
        if (!stdin_open && net_engine_pending(c->eng) == 0 && net_now_ms() >= drain_until)
            break;
    }
    if (c->fail != GLASS_OK)
        io_error(CMD, "the connection ended: %s%s%s", glass_strerror(c->fail),
                  c->have_recv ? ", alert received: " : "",
                  c->have_recv ? glass_alert_name(c->alert_recv) : "");
    if (!c->o->quiet)
        fprintf(stderr, "DONE\n");
    return c->fail != GLASS_OK;
}

/* -reconnect: five more connections, each offering the session just made. */
static int reconnect(tclient *c)
{
    for (int i = 0; i < TC_RECONNECTS; i++) {
        glass_err err = tlstool_session_take(c->eng, &c->sess);
        if (err != GLASS_OK)
            return io_error(CMD, "-reconnect: %s", err == GLASS_ERR_PROTO_STATE
                             ? "the server gave no session ID: nothing to resume"
                             : glass_strerror(err));
        hang_up(c);
        printf("drop connection and then reconnect\n");
        if (handshake(c) != 0)
            return 1;
        tlstool_facts f;
        tlstool_engine_facts(c->eng, &f);
        printf("%s, %s, Cipher is %s\n", f.resumed ? "Reused" : "New",
               tlstool_version_name(f.version), tlstool_suite_openssl_name(f.suite));
    }
    return 0;
}

int tlstool_client_run(const tlstool_client_opts *o)
{
    tclient c;
    memset(&c, 0, sizeof c);
    c.o = o;
    c.fd = -1;
    int rc = client_setup(&c);
    if (rc == 0) {
        net_install_signals();
        rc = handshake(&c);
    }
    if (rc == 0 && !o->quiet)
        tlstool_print_summary(stdout, c.eng, &c.tap);
    if (rc == 0 && o->sess_out != NULL)
        rc = tlstool_session_save(CMD, c.eng, o->sess_out);
    if (rc == 0 && o->reconnect)
        rc = reconnect(&c);
    if (rc == 0)
        rc = converse(&c);
    hang_up(&c);
    tlstool_tap_clear(&c.tap);
    tlstool_session_free(&c.sess);
    tlstool_keylog_close(c.keylog);
    tlstool_ident_free(&c.id);
    return rc;
}
