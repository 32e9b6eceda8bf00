/*
 * conn.c — the client's engine over a socket (see client/client.h): open a
 * TCP connection and an engine, then client_drive runs them — feed what the
 * socket has, write what the engine queued, hand each event to the caller —
 * until the caller is satisfied, the connection ends, or time runs out.
 *
 * Read client_drive first; client_conn_report says in one line why a
 * connection failed (the alert sent or received, or the error).
 *
 * CT: not applicable here; the engine and the primitives state theirs.
 */
#include "client/client_internal.h"
#include "io/io.h"
#include "dh/dh.h"

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

/* See client_internal.h. */
int client_target_parse(const char *sub, const client_opts *o, client_target *t)
{
    if (o->server == NULL)
        return io_error(CLIENT_CMD, "%s: --server HOST:PORT is required", sub);
#ifdef GLASS_LAB_BUILD
    if (o->insecure)
        io_insecure_banner("glass client --insecure: the server's certificate is NOT checked; "
                           "anyone in the middle can read and change everything");
#endif
    if (net_parse_hostport(o->server, t->host, sizeof t->host, &t->port) != GLASS_OK)
        return io_error(CLIENT_CMD, "%s: --server: '%s' is not HOST:PORT", sub, o->server);
    return 0;
}

/* Prints text received from the network with control characters replaced:
 * a peer must not be able to drive our terminal with escape sequences. */
void client_print_safe(FILE *f, const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned ch = p[i];
        fputc(ch < 0x20 || ch == 0x7f ? '?' : (int)ch, f);
    }
}

/* See client_internal.h. */
glass_err client_conn_open(client_conn *c, const client_opts *o, const client_target *t,
                           glass_config *cfg)
{
    memset(c, 0, sizeof *c);
    c->fd = -1;
    c->tr.out = stdout;
    c->tr.show = o->trace;
    c->tracer.fn = net_trace_event;
    c->tracer.arg = &c->tr;
    cfg->role = GLASS_ROLE_CLIENT;
    cfg->now = net_wall_time();
    cfg->server_name = t->host;
    cfg->trace = o->trace ? &c->tracer : NULL;
    c->own_key_bits = cfg->key != NULL ? cfg->key->k * 8 : 0;
    c->anonymous = cfg->anonymous;
#ifdef GLASS_LAB_BUILD
    cfg->insecure_skip_verify = o->insecure;
#endif
    errno = 0;
    glass_err err = net_connect(t->host, t->port, CLIENT_CONNECT_MS, &c->fd);
    if (err != GLASS_OK)
        return err;
    err = glass_engine_new(&c->eng, cfg);
    if (err == GLASS_OK)
        err = glass_engine_start(c->eng);
    return err;
}

void client_conn_close(client_conn *c)
{
    if (c->fd >= 0)
        close(c->fd);
    c->fd = -1;
    glass_engine_free(c->eng);
    c->eng = NULL;
}

/* Reads what the socket has and feeds it to the engine. */
void client_conn_read(client_conn *c)
{
    uint8_t buf[16384];
    ssize_t r;
    do
        r = read(c->fd, buf, sizeof buf);
    while (r < 0 && errno == EINTR);
    if (r == 0 || (r < 0 && errno != EAGAIN && errno != EWOULDBLOCK)) {
        c->eof = 1;
        return;
    }
    if (r > 0) {
        (void)glass_engine_feed(c->eng, buf, (size_t)r);
        glass_wipe(buf, (size_t)r);
    }
}

/* Notes alerts and the end; returns 1 if the event was one of those. */
int client_note_event(client_conn *c, const glass_event *ev)
{
    switch (ev->type) {
    case GLASS_EV_ALERT_SENT:
        c->got_alert_sent = 1;
        c->alert_sent = ev->alert;
        c->failure = ev->err;
        return 1;
    case GLASS_EV_ALERT_RECEIVED:
        /* close_notify is the orderly end, not a failure. */
        if (ev->alert != GLASS_ALERT_CLOSE_NOTIFY) {
            c->got_alert_received = 1;
            c->alert_received = ev->alert;
        }
        return 1;
    case GLASS_EV_CLOSED:
        c->closed = 1;
        if (ev->err != GLASS_OK && c->failure == GLASS_OK)
            c->failure = ev->err;
        return 1;
    default:
        return 0;
    }
}

/* Says, in one line, why a connection failed. */
int client_conn_report(const char *sub, const client_conn *c, const char *during)
{
    if (c->got_alert_sent)
        return io_error(CLIENT_CMD, "%s: %s failed: %s (alert %s sent)", sub, during,
                         glass_strerror(c->failure), glass_alert_name(c->alert_sent));
    if (c->got_alert_received && c->anonymous &&
        c->alert_received == GLASS_ALERT_HANDSHAKE_FAILURE)
        return io_error(CLIENT_CMD, "%s: %s failed: the server sent alert %s: it requires a "
                        "client certificate (no server-only access): run glass client enroll, "
                        "then use --id DIR", sub, during, glass_alert_name(c->alert_received));
    /* A glass server sends internal_error (RFC 5246 §7.2.2: a failure
     * "unrelated to the peer") when it is at one of its limits
     * (server/admit.c) as well as when something of its own failed: say
     * both, and that the first passes. */
    if (c->got_alert_received && c->alert_received == GLASS_ALERT_INTERNAL_ERROR)
        return io_error(CLIENT_CMD, "%s: %s failed: the server sent alert %s: it is busy (at a "
                        "connection or handshake-rate limit) or failed itself, its log says "
                        "which; if busy, try again in a moment", sub, during,
                        glass_alert_name(c->alert_received));
    if (c->got_alert_received)
        return io_error(CLIENT_CMD, "%s: %s failed: the server sent alert %s", sub, during,
                         glass_alert_name(c->alert_received));
    if (c->failure != GLASS_OK)
        return io_error(CLIENT_CMD, "%s: %s failed: %s", sub, during, glass_strerror(c->failure));
    return io_error(CLIENT_CMD, "%s: %s failed: the server closed the connection", sub, during);
}

/* Runs the connection until handler returns non-zero (1 done, -1 failed),
 * the connection ends, or deadline (monotonic ms) passes.  Returns 1 when
 * the handler said done, 0 otherwise. */
int client_drive(client_conn *c, int64_t deadline,
                 int (*handler)(client_conn *c, const glass_event *ev, void *arg), void *arg)
{
    for (;;) {
        glass_event ev;
        while (glass_engine_next_event(c->eng, &ev)) {
            if (client_note_event(c, &ev))
                continue;
            if (ev.type == GLASS_EV_HANDSHAKE_DONE && !c->quiet)
                client_print_session(c);
            int h = handler(c, &ev, arg);
            if (h != 0) {
                (void)net_engine_flush(c->fd, c->eng);
                return h > 0;
            }
        }
        if (net_engine_flush(c->fd, c->eng) != 0)
            c->eof = 1;
        if (c->closed || c->eof || net_stop_signal)
            return 0;
        int left = (int)(deadline - net_now_ms());
        if (left <= 0) {
            c->failure = GLASS_ERR_PROTO_TIMEOUT;
            return 0;
        }
        short want = (short)(POLLIN | (net_engine_pending(c->eng) > 0 ? POLLOUT : 0));
        struct pollfd p = {c->fd, want, 0};
        int r = poll(&p, 1, left);
        if (r < 0 && errno != EINTR)
            return 0;
        if (r > 0 && (p.revents & (POLLIN | POLLHUP | POLLERR)))
            client_conn_read(c);
    }
}

int client_handshake_done(client_conn *c, const glass_event *ev, void *arg)
{
    (void)c;
    (void)arg;
    return ev->type == GLASS_EV_HANDSHAKE_DONE ? 1 : 0;
}

/* Sends close_notify and waits (bounded) for it to leave. */
void client_conn_goodbye(client_conn *c)
{
    glass_state st = glass_engine_state(c->eng);
    if (st != GLASS_STATE_CLOSED && st != GLASS_STATE_ERROR)
        glass_engine_close(c->eng);
    int64_t deadline = net_now_ms() + CLIENT_CLOSE_MS;
    while (net_engine_pending(c->eng) > 0 && net_now_ms() < deadline) {
        if (net_engine_flush(c->fd, c->eng) != 0)
            break;
        struct pollfd p = {c->fd, POLLOUT, 0};
        if (net_engine_pending(c->eng) > 0)
            (void)poll(&p, 1, (int)(deadline - net_now_ms()));
    }
}

void client_print_verbose(const client_conn *c, const rsa_private_key *own)
{
    const uint8_t *der = NULL;
    size_t len = 0;
    x509_cert peer;
    char session[128];
    glass_engine_peer_cert(c->eng, &der, &len);
    if (der == NULL || x509_parse(&peer, der, len) != GLASS_OK)
        return;
    net_describe_session(c->eng, session, sizeof session);
    printf("%s\n", session);
    if (own != NULL)
        printf("server key RSA-%zu, client key RSA-%zu\n", peer.pub.k * 8, own->k * 8);
    else
        printf("server key RSA-%zu, no client certificate (%s)\n", peer.pub.k * 8,
               c->anonymous ? "anonymous" : "enrollment");
    printf("server subject %s, issuer %s\n", peer.subject, peer.issuer);
    x509_free(&peer);
}

/* See client_internal.h.  On standard error, so that a page written to
 * standard output stays exactly the page. */
void client_print_session(const client_conn *c)
{
    glass_conn_info info;
    char own[48];
    glass_engine_info(c->eng, &info);
    const dh_group *G = dh_group_by_tls_id(info.group);
    if (c->own_key_bits > 0)
        snprintf(own, sizeof own, "client key RSA-%zu", c->own_key_bits);
    else if (c->anonymous)
        snprintf(own, sizeof own, "no client key (anonymous)");
    else
        snprintf(own, sizeof own, "no client key (enrollment)");
    fprintf(stderr, "connected: %s %s (0x%04X), suite %s (0x%04X), group %s (%zu-bit DH), "
                    "server key RSA-%zu, %s\n",
            info.profile == GLASS_PROFILE_TLS12 ? "TLS" : "glass",
            info.version == GLASS_TLS12_VERSION ? "1.2" : "1", (unsigned)info.version,
            info.suite == GLASS_SUITE_DHE_RSA_AES256_CBC_SHA256 ? "DHE_RSA_WITH_AES_256_CBC_SHA256"
                                                                : "none",
            (unsigned)info.suite, G != NULL ? G->name : "none", info.dh_bits,
            info.peer_key_bits, own);
}

/* See client_internal.h. */
int client_connect(const char *sub, const client_opts *o, const client_target *t,
                   const client_identity *id, client_conn *c)
{
    glass_config cfg;
    client_identity_config(id, &cfg);
    glass_err err = client_conn_open(c, o, t, &cfg);
    if (err != GLASS_OK)
        return io_error(CLIENT_CMD, "%s: cannot connect to %s: %s", sub, o->server,
                        err != GLASS_ERR_IO ? glass_strerror(err)
                        : errno != 0 ? strerror(errno)
                                     : "the host name does not resolve");
    if (!client_drive(c, net_now_ms() + CLIENT_HANDSHAKE_MS, client_handshake_done, NULL))
        return client_conn_report(sub, c, "handshake");
    if (o->verbose)
        client_print_verbose(c, id->anonymous ? NULL : &id->key);
    return 0;
}
