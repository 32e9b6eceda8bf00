/*
 * cmd_mitm.c — `glass mitm`: a man-in-the-middle proxy for lab 5.  Lab build
 * only.
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
 * refuses the chain and sends the fatal alert unknown_ca, and Mallory learns
 * nothing but the ClientHello.  That is the point of lab 5.
 *
 * The loop is deliberately simple: one client, one upstream connection,
 * poll() with a deadline, every socket non-blocking.
 *
 * CT: not relevant — attack demonstration (the engines inside are glass's own).
 */
#include "apps.h"

#ifdef GLASS_LAB_BUILD

#include "lab_common.h"
#include "net/net.h"
#include "protocol/protocol.h"
#include "walk_session.h"

#include <errno.h>
#include <poll.h>
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

static void usage(void)
{
    printf("usage: glass mitm --listen ADDR:PORT --connect HOST:PORT --ca CA.pem\n"
           "                  [--servername NAME] [--timeout S] [--ca-out FILE]\n\n"
           "LAB BUILD ONLY.  A man in the middle for lab 5: accepts one client on --listen\n"
           "(port 0: any free port; the line \"listening on ADDR:PORT\" says which) and\n"
           "presents it a certificate for \"localhost\" from Mallory's own CA, then talks to\n"
           "the real server at --connect (checked against --ca, for NAME, default\n"
           "localhost) as an enrolling client.  If the client accepts Mallory's\n"
           "certificate, everything it sends is printed, and an enrollment is relayed\n"
           "to the real server (exit 0).  A client that verifies the certificate refuses\n"
           "it with the alert unknown_ca, and Mallory reads nothing (exit 1).\n"
           "  --ca-out FILE   also write Mallory's CA certificate (DER), to play a victim\n"
           "                  that was made to trust a rogue CA\n\n"
           "example:\n"
           "  glass mitm --listen 127.0.0.1:4434 --connect 127.0.0.1:4433 --ca myca/ca.pem\n");
}

static int run(int argc, char **argv)
{
    if (app_wants_help(argc, argv)) {
        usage();
        return 0;
    }
    static const char *const vals[] = {"--listen", "--connect", "--ca", "--servername",
                                       "--timeout", "--ca-out", NULL};
    static const char *const sw[] = {NULL};
    if (lab_check_args(CMD, argc, argv, vals, sw))
        return 1;
    int bad = 0;
    const char *listen_at = lab_opt(argc, argv, "--listen", &bad);
    const char *connect_to = lab_opt(argc, argv, "--connect", &bad);
    const char *ca_path = lab_opt(argc, argv, "--ca", &bad);
    const char *servername = lab_opt(argc, argv, "--servername", &bad);
    const char *tt = lab_opt(argc, argv, "--timeout", &bad);
    const char *ca_out = lab_opt(argc, argv, "--ca-out", &bad);
    unsigned long timeout = 30;
    if (bad)
        return 1;
    if (listen_at == NULL || connect_to == NULL || ca_path == NULL)
        return app_error(CMD, "needs --listen, --connect and --ca (see --help)");
    if (tt != NULL && app_uint_arg(CMD, "--timeout", tt, 1, 3600, &timeout))
        return 1;
    if (servername == NULL)
        servername = "localhost";
    char lhost[NET_HOST_MAX], chost[NET_HOST_MAX];
    uint16_t lport = 0, cport = 0;
    /* Port 0 is allowed for --listen: parse it by hand when given. */
    const char *colon = strrchr(listen_at, ':');
    if (colon != NULL && strcmp(colon, ":0") == 0 && (size_t)(colon - listen_at) < sizeof lhost) {
        memcpy(lhost, listen_at, (size_t)(colon - listen_at));
        lhost[colon - listen_at] = '\0';
    } else if (net_parse_hostport(listen_at, lhost, sizeof lhost, &lport) != GLASS_OK) {
        return app_error(CMD, "--listen: '%s' is not ADDR:PORT", listen_at);
    }
    if (net_parse_hostport(connect_to, chost, sizeof chost, &cport) != GLASS_OK)
        return app_error(CMD, "--connect: '%s' is not HOST:PORT", connect_to);
    x509_cert *cas = NULL;
    size_t n_cas = 0;
    glass_err err = x509_load_pem_file(ca_path, &cas, &n_cas);
    if (err != GLASS_OK)
        return app_error(CMD, "--ca %s: %s", ca_path, glass_strerror(err));

    io_insecure_banner("glass mitm: a man in the middle impersonates the server");
    net_install_signals();
    int rc = 1, lfd = -1;
    side down = {-1, NULL, 0}, up = {-1, NULL, 0};
    uint8_t *enroll_csr = NULL, *enroll_code = NULL;
    walk_pki mal;
    FILE *quiet = fopen("/dev/null", "w");
    wk_out o;
    memset(&o, 0, sizeof o);
    o.f = quiet != NULL ? quiet : stderr;
    int64_t now = net_wall_time();
    err = walk_pki_make(&mal, now, 0, &o);
    if (quiet != NULL)
        fclose(quiet);
    if (err != GLASS_OK) {
        app_error(CMD, "making Mallory's certificates: %s", glass_strerror(err));
        goto cleanup;
    }
    printf("mitm: Mallory's own CA issued her a certificate for \"localhost\"\n");
    if (ca_out != NULL) {
        /* Her CA certificate, for the lab's "victim who trusts a rogue CA". */
        const uint8_t *der;
        size_t der_len;
        walk_pki_ca_der(&mal, &der, &der_len);
        if (glass_write_file_atomic(ca_out, der, der_len, 0644) != GLASS_OK) {
            app_error(CMD, "--ca-out %s: cannot write", ca_out);
            goto cleanup;
        }
        printf("mitm: wrote Mallory's CA certificate (DER) to %s\n", ca_out);
    }

    /* 1. Listen, and wait for the victim. */
    uint16_t bound = 0;
    err = net_listen(lhost, lport, 4, &lfd, &bound);
    if (err != GLASS_OK) {
        app_error(CMD, "--listen %s: cannot listen", listen_at);
        goto cleanup;
    }
    printf("listening on %s:%u\n", lhost, (unsigned)bound);
    fflush(stdout);
    int64_t deadline = net_now_ms() + (int64_t)timeout * 1000;
    for (;;) {
        struct pollfd pf = {lfd, POLLIN, 0};
        if (net_stop_signal || net_now_ms() > deadline) {
            app_error(CMD, "no client came within %lu s", timeout);
            goto cleanup;
        }
        if (poll(&pf, 1, 200) > 0) {
            down.fd = accept(lfd, NULL, NULL);
            if (down.fd >= 0)
                break;
        }
    }
    net_set_nonblocking(down.fd);
    printf("mitm: a client connected\n");

    /* 2. Mallory's two engines. */
    glass_blob mal_chain = {mal.server_der, mal.server_len};
    glass_blob real_anchor = {cas[0].der, cas[0].der_len};
    glass_config dc, uc;
    memset(&dc, 0, sizeof dc);
    memset(&uc, 0, sizeof uc);
    dc.role = GLASS_ROLE_SERVER;
    dc.now = now;
    dc.anchors = &real_anchor;      /* to accept the victim's real certificate */
    dc.n_anchors = 1;
    dc.chain = &mal_chain;
    dc.n_chain = 1;
    dc.key = &mal.server_key;
    dc.allow_enroll = 1;
    uc.role = GLASS_ROLE_CLIENT;
    uc.now = now;
    uc.anchors = &real_anchor;
    uc.n_anchors = 1;
    uc.server_name = servername;
    if (glass_engine_new(&down.e, &dc) != GLASS_OK || glass_engine_start(down.e) != GLASS_OK) {
        app_error(CMD, "cannot start the server-side engine");
        goto cleanup;
    }

    /* 3. Relay until both ends are done. */
    int read_something = 0, pending_enroll = 0;
    char enroll_name[GLASS_MAX_NAME + 1] = "";
    size_t enroll_csr_len = 0, enroll_code_len = 0;
    while (!down.done && !net_stop_signal && net_now_ms() < deadline) {
        struct pollfd pf[2] = {{down.fd, POLLIN, 0}, {up.fd, POLLIN, 0}};
        poll(pf, up.fd >= 0 ? 2 : 1, 200);
        if ((pf[0].revents & (POLLIN | POLLHUP | POLLERR)) && pull_in(&down) != 0)
            down.done = 1;
        if (up.fd >= 0 && (pf[1].revents & (POLLIN | POLLHUP | POLLERR)) && pull_in(&up) != 0)
            up.done = 1;
        glass_event ev;
        while (glass_engine_next_event(down.e, &ev)) {
            if (ev.type == GLASS_EV_HANDSHAKE_DONE) {
                printf("mitm: the client ACCEPTED Mallory's certificate; peer \"%s\"\n",
                       ev.peer_name);
            } else if (ev.type == GLASS_EV_ENROLL_REQUEST) {
                read_something = 1;
                printf("mitm reads: enrollment for \"%s\", one-time code \"%.*s\", a %zu-byte "
                       "certificate request\n", ev.peer_name, (int)ev.code_len,
                       (const char *)ev.code, ev.len);
                snprintf(enroll_name, sizeof enroll_name, "%s", ev.peer_name);
                free(enroll_csr);
                free(enroll_code);
                enroll_csr = malloc(ev.len);
                enroll_code = malloc(ev.code_len);
                if (enroll_csr != NULL && enroll_code != NULL) {
                    memcpy(enroll_csr, ev.data, ev.len);
                    memcpy(enroll_code, ev.code, ev.code_len);
                    enroll_csr_len = ev.len;
                    enroll_code_len = ev.code_len;
                    pending_enroll = 1;
                }
                /* Upstream: Mallory enrolls with the real server on the
                 * victim's behalf (and could have sent her own request). */
                if (up.fd < 0 && net_connect(chost, cport, 5000, &up.fd) == GLASS_OK) {
                    if (glass_engine_new(&up.e, &uc) != GLASS_OK ||
                        glass_engine_start(up.e) != GLASS_OK) {
                        app_error(CMD, "cannot start the client-side engine");
                        goto cleanup;
                    }
                    printf("mitm: connected to the real server %s\n", connect_to);
                } else if (up.fd < 0) {
                    printf("mitm: cannot reach the real server %s\n", connect_to);
                    glass_engine_enroll_refuse(down.e, "server unavailable");
                }
            } else if (ev.type == GLASS_EV_APP_MESSAGE) {
                glass_app_msg m;
                read_something = 1;
                if (glass_app_decode(ev.data, ev.len, &m) == GLASS_OK && m.text != NULL)
                    printf("mitm reads: %s to \"%.*s\": \"%.*s\"\n", glass_app_type_name(m.type),
                           (int)m.name_len, (const char *)m.name, (int)m.text_len,
                           (const char *)m.text);
                else
                    printf("mitm reads: %zu bytes of application data\n", ev.len);
            } else if (ev.type == GLASS_EV_ALERT_RECEIVED) {
                printf("mitm: the client sent alert %s%s\n", glass_alert_name(ev.alert),
                       ev.alert == GLASS_ALERT_UNKNOWN_CA
                           ? ": it checked the certificate and does not trust Mallory's CA"
                           : "");
            } else if (ev.type == GLASS_EV_CLOSED) {
                down.done = 1;
            }
        }
        if (up.e != NULL) {
            if (pending_enroll && glass_engine_state(up.e) == GLASS_STATE_C_ENROLL_READY) {
                glass_engine_enroll(up.e, enroll_name, enroll_csr, enroll_csr_len, enroll_code,
                                    enroll_code_len);
                printf("mitm: relayed the enrollment request to the real server\n");
                pending_enroll = 0;
            }
            while (glass_engine_next_event(up.e, &ev)) {
                if (ev.type == GLASS_EV_ENROLL_RESULT) {
                    printf("mitm: the real server %s; passing it on\n",
                           ev.enroll_ok ? "issued the certificate" : "refused");
                    if (ev.enroll_ok)
                        glass_engine_enroll_reply(down.e, ev.data, ev.len);
                    else
                        glass_engine_enroll_refuse(down.e, "refused");
                } else if (ev.type == GLASS_EV_CLOSED) {
                    up.done = 1;
                }
            }
            if (flush_out(&up, deadline) != 0)
                up.done = 1;
        }
        if (flush_out(&down, deadline) != 0)
            down.done = 1;
    }
    flush_out(&down, deadline);
    if (read_something) {
        printf("result: the man in the middle read the client's traffic\n");
        rc = 0;
    } else {
        printf("result: the man in the middle read nothing (%s)\n",
               glass_engine_error(down.e) == GLASS_OK ? "no data"
                                                       : glass_strerror(glass_engine_error(down.e)));
    }

cleanup:
    free(enroll_csr);
    free(enroll_code);
    if (down.e != NULL)
        glass_engine_free(down.e);
    if (up.e != NULL)
        glass_engine_free(up.e);
    if (down.fd >= 0)
        close(down.fd);
    if (up.fd >= 0)
        close(up.fd);
    if (lfd >= 0)
        close(lfd);
    walk_pki_free(&mal);
    x509_free_all(cas, n_cas);
    return rc;
}

#else

static int run(int argc, char **argv)
{
    if (app_wants_help(argc, argv) && argc == 2) {
        printf("usage: glass mitm --listen ADDR:PORT --connect HOST:PORT --ca CA.pem\n\n"
               "The man-in-the-middle proxy of lab 5 exists only in the lab build:\n"
               "  make labs && build/labs/glass mitm --help\n\n"
               "example:\n  build/labs/glass mitm --listen 127.0.0.1:4434 --connect "
               "127.0.0.1:4433 --ca myca/ca.pem\n");
        return 0;
    }
    return app_error("mitm", "only in the lab build (make labs)");
}

#endif

const struct glass_command cmd_mitm = {"mitm", "man-in-the-middle proxy for lab 5 (lab build only)",
                                       run};
