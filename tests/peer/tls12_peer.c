/*
 * tls12_peer.c — a small test driver: the engine (protocol/) over a TCP
 * socket on 127.0.0.1, as a TLS 1.2 client or server, so that tests can set
 * it against real peers (openssl s_server / s_client, gnutls, curl) before
 * and beside `glass s_server` / `glass s_client`.  Not part of the product;
 * tests/sh/tls12_openssl.sh builds it against build/libglass.a.
 *
 *   tls12_peer client PORT [options]   connect, handshake, send --send (or
 *                                      "GET / HTTP/1.0\r\n\r\n"), print what
 *                                      comes back until the peer closes
 *   tls12_peer server PORT [options]   accept --naccept connections (1),
 *                                      answer each record with "echo: " + it
 *   options: --ca F.der  --cert F.der --key F  --chain F.der (after the leaf)
 *            --crl F.der  --name N  --report
 *            --verify (request) | --Verify (require)  --no-etm  --no-ems
 *            --sess-in F  --sess-out F  --keylog F  --cache  --glass
 *
 * One line "INFO ..." on stderr says what was negotiated; "ALERT ..." and
 * "ERROR ..." say what went wrong.  Every wait is bounded (10 s).
 */
#include "ca/ca.h"
#include "protocol/protocol.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

typedef struct opts {
    const char *ca, *cert, *key, *name, *sess_in, *sess_out, *keylog, *send, *chain, *crl;
    int report, verify, no_etm, no_ems, cache, glass, naccept;
} opts;

static glass_blob load_blob(const char *path)
{
    glass_blob b = {NULL, 0};
    uint8_t *d = NULL;
    size_t n = 0;
    if (path != NULL && glass_read_file(path, 1 << 20, &d, &n) == GLASS_OK) {
        b.der = d;
        b.len = n;
    } else if (path != NULL) {
        fprintf(stderr, "ERROR cannot read %s\n", path);
        exit(2);
    }
    return b;
}

static void keylog(void *arg, const char *line)
{
    FILE *f = fopen((const char *)arg, "a");
    if (f != NULL) {
        fprintf(f, "%s\n", line);
        fclose(f);
    }
}

/* Runs one connection to the end: 0 when the handshake finished and data
 * went both ways. */
static int run(int fd, glass_engine *e, const opts *o, int client)
{
    uint8_t buf[20000];
    int done = 0, got_data = 0, rc = 1;
    time_t start = time(NULL);
    if (glass_engine_start(e) != GLASS_OK)
        return 1;
    while (time(NULL) - start < 10) {
        const uint8_t *out;
        size_t n;
        glass_engine_output(e, &out, &n);
        while (n > 0) {
            ssize_t w = write(fd, out, n);
            if (w <= 0)
                return 1;
            glass_engine_consume_output(e, (size_t)w);
            glass_engine_output(e, &out, &n);
        }
        glass_state st = glass_engine_state(e);
        if (st == GLASS_STATE_CLOSED || st == GLASS_STATE_ERROR)
            break;
        struct pollfd p = {fd, POLLIN, 0};
        if (poll(&p, 1, 500) <= 0)
            continue;
        ssize_t r = read(fd, buf, sizeof buf);
        if (r <= 0)
            break;
        (void)glass_engine_feed(e, buf, (size_t)r);
        glass_event ev;
        while (glass_engine_next_event(e, &ev)) {
            if (ev.type == GLASS_EV_HANDSHAKE_DONE) {
                glass_conn_info in;
                glass_engine_info(e, &in);
                fprintf(stderr,
                        "INFO version=%04x suite=%04x group=%04x dh_bits=%zu peer_bits=%zu ems=%d "
                        "etm=%d resumed=%d reneg=%d peer=\"%s\" verify=%s sni=\"%s\"\n",
                        in.version, in.suite, in.group, in.dh_bits, in.peer_key_bits, in.ems,
                        in.etm, in.resumed, in.secure_renegotiation, ev.peer_name,
                        glass_err_name(in.verify_result), in.sni);
                done = 1;
                if (client) {
                    const char *msg = o->send ? o->send : "GET / HTTP/1.0\r\n\r\n";
                    (void)glass_engine_send_app(e, (const uint8_t *)msg, strlen(msg));
                }
            } else if (ev.type == GLASS_EV_APP_MESSAGE) {
                got_data = 1;
                if (client) {
                    fwrite(ev.data, 1, ev.len, stdout);
                } else {
                    uint8_t reply[16400];
                    size_t m = ev.len > 16000 ? 16000 : ev.len;
                    memcpy(reply, "echo: ", 6);
                    memcpy(reply + 6, ev.data, m);
                    (void)glass_engine_send_app(e, reply, m + 6);
                    (void)glass_engine_close(e);
                }
            } else if (ev.type == GLASS_EV_ALERT_SENT || ev.type == GLASS_EV_ALERT_RECEIVED) {
                fprintf(stderr, "ALERT %s %s (%s)\n",
                        ev.type == GLASS_EV_ALERT_SENT ? "sent" : "received",
                        glass_alert_name(ev.alert), glass_err_name(ev.err));
            }
        }
    }
    if (glass_engine_state(e) == GLASS_STATE_ERROR)
        fprintf(stderr, "ERROR %s\n", glass_strerror(glass_engine_error(e)));
    if (done && got_data)
        rc = 0;
    if (client && o->sess_out != NULL && done) {
        uint8_t blob[GLASS_SESSION_MAX_LEN];
        size_t bl = 0;
        if (glass_engine_session_save(e, blob, sizeof blob, &bl) == GLASS_OK)
            (void)glass_write_file_atomic(o->sess_out, blob, bl, 0600);
        else
            fprintf(stderr, "ERROR no session to save\n");
    }
    return rc;
}

static void parse(int argc, char **argv, opts *o)
{
    memset(o, 0, sizeof *o);
    o->naccept = 1;
    for (int i = 3; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--ca") && v) o->ca = argv[++i];
        else if (!strcmp(a, "--cert") && v) o->cert = argv[++i];
        else if (!strcmp(a, "--key") && v) o->key = argv[++i];
        else if (!strcmp(a, "--chain") && v) o->chain = argv[++i];
        else if (!strcmp(a, "--crl") && v) o->crl = argv[++i];
        else if (!strcmp(a, "--name") && v) o->name = argv[++i];
        else if (!strcmp(a, "--sess-in") && v) o->sess_in = argv[++i];
        else if (!strcmp(a, "--sess-out") && v) o->sess_out = argv[++i];
        else if (!strcmp(a, "--keylog") && v) o->keylog = argv[++i];
        else if (!strcmp(a, "--send") && v) o->send = argv[++i];
        else if (!strcmp(a, "--naccept") && v) o->naccept = atoi(argv[++i]);
        else if (!strcmp(a, "--report")) o->report = 1;
        else if (!strcmp(a, "--verify")) o->verify = 1;
        else if (!strcmp(a, "--Verify")) o->verify = 2;
        else if (!strcmp(a, "--no-etm")) o->no_etm = 1;
        else if (!strcmp(a, "--no-ems")) o->no_ems = 1;
        else if (!strcmp(a, "--cache")) o->cache = 1;
        else if (!strcmp(a, "--glass")) o->glass = 1;
        else {
            fprintf(stderr, "ERROR unknown option %s\n", a);
            exit(2);
        }
    }
}

int main(int argc, char **argv)
{
    opts o;
    rsa_private_key key;
    if (argc < 3 || (strcmp(argv[1], "client") && strcmp(argv[1], "server"))) {
        fprintf(stderr, "usage: tls12_peer client|server PORT [options]\n");
        return 2;
    }
    parse(argc, argv, &o);
    int client = !strcmp(argv[1], "client");
    glass_blob ca = load_blob(o.ca), cert = load_blob(o.cert), kb = load_blob(o.key);
    glass_blob sess = load_blob(o.sess_in);
    glass_blob chain[2] = {load_blob(o.cert), load_blob(o.chain)};
    glass_blob crl = load_blob(o.crl);
    glass_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.role = client ? GLASS_ROLE_CLIENT : GLASS_ROLE_SERVER;
    cfg.profile = o.glass ? GLASS_PROFILE_GLASS : GLASS_PROFILE_TLS12;
    cfg.now = time(NULL);
    cfg.anchors = o.ca ? &ca : NULL;
    cfg.n_anchors = o.ca ? 1 : 0;
    if (o.key != NULL) {
        rsa_private_init(&key);
        if (ca_key_load_private(kb.der, kb.len, NULL, &key) != GLASS_OK) {
            fprintf(stderr, "ERROR bad key %s\n", o.key);
            return 2;
        }
        cfg.key = &key;
        cfg.chain = chain;
        cfg.n_chain = o.chain ? 2 : 1;
    }
    cfg.server_name = o.name;
    cfg.crl = crl;
    cfg.peer_verify = o.report ? GLASS_PEER_VERIFY_REPORT : GLASS_PEER_VERIFY_REQUIRE;
    cfg.client_auth = o.verify == 2 ? GLASS_CLIENT_AUTH_REQUIRE
                      : o.verify == 1 ? GLASS_CLIENT_AUTH_REQUEST : GLASS_CLIENT_AUTH_DEFAULT;
    cfg.disable_etm = o.no_etm;
    cfg.disable_ems = o.no_ems;
    cfg.keylog = o.keylog ? keylog : NULL;
    cfg.keylog_arg = (void *)o.keylog;
    cfg.session = sess.der;
    cfg.session_len = sess.len;
    glass_session_cache *cache = NULL;
    if (o.cache && glass_session_cache_new(&cache, 64, 3600) == GLASS_OK)
        cfg.session_cache = cache;

    struct sockaddr_in sa;
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_port = htons((uint16_t)atoi(argv[2]));
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int rc = 0;
    if (client) {
        int fd = socket(AF_INET, SOCK_STREAM, 0);
        if (connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
            fprintf(stderr, "ERROR connect: %s\n", strerror(errno));
            return 1;
        }
        glass_engine *e;
        glass_err err = glass_engine_new(&e, &cfg);
        if (err != GLASS_OK) {
            fprintf(stderr, "ERROR config: %s\n", glass_strerror(err));
            return 2;
        }
        rc = run(fd, e, &o, 1);
        glass_engine_free(e);
        close(fd);
    } else {
        int ls = socket(AF_INET, SOCK_STREAM, 0), one = 1;
        setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        if (bind(ls, (struct sockaddr *)&sa, sizeof sa) != 0 || listen(ls, 4) != 0) {
            fprintf(stderr, "ERROR bind: %s\n", strerror(errno));
            return 1;
        }
        fprintf(stderr, "LISTENING\n");
        for (int i = 0; i < o.naccept; i++) {
            struct pollfd p = {ls, POLLIN, 0};
            if (poll(&p, 1, 20000) <= 0)
                break;
            int fd = accept(ls, NULL, NULL);
            glass_engine *e;
            if (fd < 0 || glass_engine_new(&e, &cfg) != GLASS_OK)
                return 2;
            rc |= run(fd, e, &o, 0);
            glass_engine_free(e);
            close(fd);
        }
        close(ls);
    }
    glass_session_cache_free(cache);
    if (o.key != NULL)
        rsa_private_clear(&key);
    free((void *)ca.der);
    free((void *)cert.der);
    free((void *)kb.der);
    free((void *)sess.der);
    free((void *)chain[0].der);
    free((void *)chain[1].der);
    free((void *)crl.der);
    return rc;
}
