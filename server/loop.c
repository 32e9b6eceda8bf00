/*
 * loop.c — the server's poll loop (see server/server.h): one process, one
 * thread, one poll(2) over the listening socket and every client.
 *
 * Read server_run, then server_serve: each turn waits for input (and for
 * room to write where bytes wait), reads at most one chunk per ready client
 * and feeds it to that client's engine (on_readable), writes what the
 * engine queued, accepts new connections, then checks revocations and
 * deadlines and forgets the dead.  server_shutdown closes everyone with
 * close_notify on SIGINT/SIGTERM.
 *
 * CT: not applicable here; the engine and the primitives state theirs.
 */
#include "server/server_internal.h"
#include "io/io.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

void server_conn_free(server *s, conn *c)
{
    server_admit_settle(s, c);
    if (c->fd >= 0)
        close(c->fd);
    glass_engine_free(c->eng);
    server_crl_release(c->crl);
    http_response_free(&c->resp);
    free(c);
}

void server_conn_closing(conn *c)
{
    if (c->phase != PHASE_CLOSING) {
        c->phase = PHASE_CLOSING;
        c->close_deadline = net_now_ms() + SERVER_CLOSE_GRACE_MS;
    }
}

static void accept_one(server *s, int fd, const struct sockaddr_storage *ss)
{
    char host[48] = "?";
    unsigned port = 0;
    if (ss->ss_family == AF_INET) {
        const struct sockaddr_in *in = (const struct sockaddr_in *)ss;
        inet_ntop(AF_INET, &in->sin_addr, host, sizeof host);
        port = ntohs(in->sin_port);
    } else if (ss->ss_family == AF_INET6) {
        const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)ss;
        inet_ntop(AF_INET6, &in6->sin6_addr, host, sizeof host);
        port = ntohs(in6->sin6_port);
    }
    conn tmp = {0};
    tmp.id = ++s->next_id;
    snprintf(tmp.addr, sizeof tmp.addr, "%s:%u", host, port);
    snprintf(tmp.host, sizeof tmp.host, "%s", host);
    if (net_set_nonblocking(fd) != GLASS_OK) {
        close(fd);
        return;
    }
    net_set_nodelay(fd);
    conn *c = calloc(1, sizeof *c);
    if (c == NULL) {
        close(fd);
        return;
    }
    *c = tmp;
    c->srv = s;
    c->fd = fd;
    c->phase = PHASE_HANDSHAKE;
    int64_t now = net_now_ms();
    c->hs_deadline = now + (int64_t)s->o.hs_timeout * 1000;
    c->since = now;
    c->idle_deadline = now + (int64_t)s->o.idle_timeout * 1000;
    /* Each engine gets the CRL current at its start, kept alive for it. */
    server_refresh_crl(s, 0);
    c->crl = s->crl;
    c->crl->refs++;
    c->tr.out = stdout;
    c->tr.show = s->o.trace;
    snprintf(c->tr.prefix, sizeof c->tr.prefix, "#%lu ", c->id);
    c->tracer.fn = net_trace_event;
    c->tracer.arg = &c->tr;

    glass_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.role = GLASS_ROLE_SERVER;
    cfg.now = net_wall_time();
    cfg.anchors = &s->anchor;
    cfg.n_anchors = 1;
    cfg.crl.der = c->crl->der;
    cfg.crl.len = c->crl->len;
    /* ... and the index, newer than any CRL, during the handshake (revoke.c). */
    cfg.revocation_check = server_revocation_check;
    cfg.revocation_arg = c;
    cfg.chain = &s->chain;
    cfg.n_chain = 1;
    cfg.key = &s->key;
    cfg.allow_enroll = 1;
    /* Server-only access (PROTOCOL.md §10): a client without a certificate
     * may fetch pages, as from an HTTPS server; events.c keeps chat and the
     * key-value store for clients with one. */
    cfg.anonymous = !s->o.require_client_cert;
    cfg.trace = s->o.trace ? &c->tracer : NULL;
    glass_err err = glass_engine_new(&c->eng, &cfg);
    if (err == GLASS_OK)
        err = glass_engine_start(c->eng);
    if (err != GLASS_OK) {
        server_log(s, c, "cannot start an engine: %s", glass_strerror(err));
        server_conn_free(s, c);
        return;
    }
    if (s->n_conns == s->cap_conns) {
        size_t cap = s->cap_conns ? 2 * s->cap_conns : 64;
        conn **v = realloc(s->conns, cap * sizeof *v);
        struct pollfd *p = realloc(s->pfds, (cap + 2) * sizeof *p);
        if (v != NULL)
            s->conns = v;
        if (p != NULL)
            s->pfds = p;
        if (v == NULL || p == NULL) {
            server_conn_free(s, c);
            return;
        }
        s->cap_conns = cap;
    }
    s->conns[s->n_conns++] = c;
    /* Admission (admit.c): over a limit the peer gets a fatal alert before
     * the close, never a bare EOF. */
    if (server_admit_accept(s, c) == 0)
        server_logv(s, c, "connect");
}

static void accept_new(server *s)
{
    for (int i = 0; i < SERVER_ACCEPTS_PER_TURN; i++) {
        struct sockaddr_storage ss;
        socklen_t sl = sizeof ss;
        int fd = accept(s->lfd, (struct sockaddr *)&ss, &sl);
        if (fd < 0) {
            if (errno == EINTR)
                continue;
            /* Out of descriptors: the pending connection stays queued and
             * the listener stays readable, so stop polling it for a moment
             * rather than spin. */
            if (errno == EMFILE || errno == ENFILE) {
                server_log(s, NULL, "accept: %s (pausing new connections)", strerror(errno));
                s->accept_pause_until = net_now_ms() + 100;
            }
            return;         /* EAGAIN: none left */
        }
        accept_one(s, fd, &ss);
    }
}

/* Reads what the socket has (at most one chunk per turn, so no client can
 * starve the others) and feeds it to the engine. */
static void on_readable(server *s, conn *c)
{
    uint8_t buf[SERVER_READ_CHUNK];
    ssize_t r;
    for (;;) {
        r = read(c->fd, buf, sizeof buf);
        if (r >= 0 || errno != EINTR)
            break;
    }
    if (r < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK)
            return;
        /* A reset is the peer's own way of hanging up (a flood's
         * connections end so by the thousand): a line only with --verbose,
         * like any hang-up, so the log cannot be filled from outside. */
        if (errno == ECONNRESET)
            server_logv(s, c, "close: %s", strerror(errno));
        else
            server_log(s, c, "close: %s", strerror(errno));
        c->dead = 1;
        return;
    }
    if (r == 0) {
        if (c->phase != PHASE_CLOSING)
            server_logv(s, c, "close: the peer hung up%s%s", c->name[0] ? " " : "", c->name);
        c->dead = 1;
        return;
    }
    if (c->phase == PHASE_CLOSING) {
        glass_wipe(buf, (size_t)r);
        return;                 /* nothing more is read from a closing peer */
    }
    c->bytes_in += (uint64_t)r;
    if (server_admit_may_sign(s, c) != 0) {     /* over the handshake rates (admit.c) */
        glass_wipe(buf, (size_t)r);
        return;
    }
    (void)glass_engine_feed(c->eng, buf, (size_t)r);
    glass_wipe(buf, (size_t)r);
    if (server_admit_hello(s, c) != 0)
        return;
    server_on_events(s, c);
}

static void check_timeouts(server *s, int64_t now)
{
    for (size_t i = 0; i < s->n_conns; i++) {
        conn *c = s->conns[i];
        if (c->dead)
            continue;
        if ((c->phase == PHASE_HANDSHAKE || c->phase == PHASE_ENROLL) && now >= c->hs_deadline) {
            server_log_refusal(s, c, "timeout: no complete handshake within %lu s",
                               s->o.hs_timeout);
            c->dead = 1;
        } else if ((c->phase == PHASE_READY || c->phase == PHASE_ANON) &&
                   now >= c->idle_deadline) {
            server_log(s, c, "timeout: %s idle for %lu s", c->name, s->o.idle_timeout);
            glass_engine_close(c->eng);
            server_conn_closing(c);
        } else if (c->phase == PHASE_CLOSING &&
                   (server_conn_pending(c) == 0 || now >= c->close_deadline)) {
            c->dead = 1;
        }
    }
}

static int next_timeout_ms(server *s, int64_t now)
{
    int64_t next = now + 1000;
    for (size_t i = 0; i < s->n_conns; i++) {
        conn *c = s->conns[i];
        int64_t d = c->phase == PHASE_READY || c->phase == PHASE_ANON ? c->idle_deadline
                  : c->phase == PHASE_CLOSING ? c->close_deadline : c->hs_deadline;
        if (c->phase == PHASE_CLOSING && server_conn_pending(c) == 0)
            d = now;
        if (d < next)
            next = d;
    }
    return next <= now ? 0 : (int)(next - now);
}

static void sweep(server *s)
{
    size_t j = 0;
    for (size_t i = 0; i < s->n_conns; i++) {
        conn *c = s->conns[i];
        if (c->dead)
            server_conn_free(s, c);
        else
            s->conns[j++] = c;
    }
    s->n_conns = j;
}

/* The loop: until SIGINT or SIGTERM. */
int server_serve(server *s)
{
    while (!net_stop_signal) {
        /* 1. What to wait for: new connections (room permitting), input from
         *    every client not closing, output room where bytes wait. */
        size_t nf = 0;
        s->pfds[nf].fd = s->lfd;
        s->pfds[nf].events = net_now_ms() >= s->accept_pause_until ? POLLIN : 0;
        s->pfds[nf].revents = 0;
        nf++;
        s->pfds[nf].fd = server_worker_fd(s);
        s->pfds[nf].events = POLLIN;
        s->pfds[nf].revents = 0;
        nf++;
        for (size_t i = 0; i < s->n_conns; i++) {
            conn *c = s->conns[i];
            /* A client waiting for the worker (a put being made durable)
             * is not read from meanwhile: its replies keep their order. */
            s->pfds[nf].fd = c->fd;
            s->pfds[nf].events = (short)((c->waits == 0 ? POLLIN : 0) |
                                         (server_conn_pending(c) > 0 ? POLLOUT : 0));
            s->pfds[nf].revents = 0;
            nf++;
        }
        int r = poll(s->pfds, (nfds_t)nf, next_timeout_ms(s, net_now_ms()));
        if (r < 0) {
            if (errno == EINTR)
                continue;
            io_error(SERVER_CMD, "poll: %s", strerror(errno));
            return 1;
        }
        /* 1b. What the worker has finished: replies to send. */
        if (s->pfds[1].revents & POLLIN)
            server_worker_collect(s);
        /* 2. Each ready client: read and feed, then write what is queued.
         *    (Only the clients polled this turn: new ones wait a turn.) */
        size_t polled = nf - 2;
        for (size_t i = 0; i < polled; i++) {
            conn *c = s->conns[i];
            short re = s->pfds[i + 2].revents;
            if (c->dead)
                continue;
            if (re & (POLLIN | POLLHUP | POLLERR))
                on_readable(s, c);
            if (!c->dead && server_conn_flush(c) != 0) {
                server_logv(s, c, "close: write failed (the peer has gone)");
                c->dead = 1;
            }
            /* A page being sent: its next pieces, as the socket drains. */
            if (!c->dead && c->resp.data != NULL &&
                (c->phase == PHASE_READY || c->phase == PHASE_ANON))
                server_fetch_pump(s, c);
        }
        /* 3. New connections. */
        if (s->pfds[0].revents & POLLIN)
            accept_new(s);
        /* 4. Revocations, deadlines, then forget the dead. */
        server_check_revocations(s, net_now_ms());
        if (net_now_ms() >= s->next_summary) {
            server_log_summaries(s, net_now_ms(), 0, NULL);
            s->next_summary = net_now_ms() + 1000;
        }
        check_timeouts(s, net_now_ms());
        sweep(s);
    }
    return 0;
}

/* On SIGINT/SIGTERM: close_notify to every live session, a bounded wait for
 * it to leave, then everything closed. */
void server_shutdown(server *s)
{
    server_log(s, NULL, "signal %d: closing %zu session%s", (int)net_stop_signal, s->n_conns,
          s->n_conns == 1 ? "" : "s");
    for (size_t i = 0; i < s->n_conns; i++) {
        conn *c = s->conns[i];
        glass_state st = glass_engine_state(c->eng);
        if (st != GLASS_STATE_CLOSED && st != GLASS_STATE_ERROR)
            glass_engine_close(c->eng);
    }
    int64_t deadline = net_now_ms() + SERVER_SHUTDOWN_MS;
    for (;;) {
        size_t nf = 0;
        for (size_t i = 0; i < s->n_conns; i++) {
            conn *c = s->conns[i];
            if (c->dead || server_conn_pending(c) == 0)
                continue;
            if (server_conn_flush(c) != 0) {
                c->dead = 1;
                continue;
            }
            if (server_conn_pending(c) > 0) {
                s->pfds[nf].fd = c->fd;
                s->pfds[nf].events = POLLOUT;
                s->pfds[nf].revents = 0;
                nf++;
            }
        }
        int left = (int)(deadline - net_now_ms());
        if (nf == 0 || left <= 0)
            break;
        (void)poll(s->pfds, (nfds_t)nf, left);
    }
    for (size_t i = 0; i < s->n_conns; i++) {
        if (s->conns[i]->name[0] != '\0')
            server_log(s, s->conns[i], "close %s (server shutting down)", s->conns[i]->name);
        server_conn_free(s, s->conns[i]);
    }
    s->n_conns = 0;
    server_log(s, NULL, "stopped");
}

/* See server/server.h. */
void server_opts_default(server_opts *o)
{
    memset(o, 0, sizeof *o);
    o->port = SERVER_DEFAULT_PORT;
    o->bind = "127.0.0.1";
    o->max_clients = SERVER_DEFAULT_MAX_CLIENTS;
    o->hs_timeout = SERVER_DEFAULT_HS_TIMEOUT;
    o->idle_timeout = SERVER_DEFAULT_IDLE_TIMEOUT;
}

/* See server/server.h. */
int server_run(const server_opts *o)
{
    server s;
    int rc = 1;
    memset(&s, 0, sizeof s);
    s.lfd = -1;
    s.o = *o;
    if (s.o.dir == NULL)
        return io_error(SERVER_CMD, "--dir DIR is required (see --help)");
    setvbuf(stdout, NULL, _IOLBF, 0);
    net_install_signals();
    if (server_setup(&s) != 0)
        goto cleanup;
    s.pfds = malloc(2 * sizeof *s.pfds);
    if (s.pfds == NULL)
        goto cleanup;
    printf("listening on %s:%u\n", s.o.bind, (unsigned)s.port);
    fflush(stdout);
    server_log_start();
    if (server_worker_start(&s) != 0) {
        io_error(SERVER_CMD, "cannot start the worker thread");
        goto cleanup;
    }
    rc = server_serve(&s);
    server_worker_stop(&s);     /* what is queued is written, its replies queued */
    server_shutdown(&s);
    server_log_summaries(&s, net_now_ms(), 1, NULL);
    server_admit_report(&s);
cleanup:
    for (size_t i = 0; i < s.n_conns; i++)
        server_conn_free(&s, s.conns[i]);
    free(s.conns);
    free(s.pfds);
    server_worker_stop(&s);
    server_kv_free_all(&s);
    server_log_stop();
    free(s.addrs);
    if (s.lfd >= 0)
        close(s.lfd);
    server_crl_release(s.crl);
    free(s.cert_der);
    if (s.key_init)
        rsa_private_clear(&s.key);
    if (s.ca != NULL)
        ca_close(s.ca);
    if (s.wca != NULL)
        ca_close(s.wca);
    return rc;
}
