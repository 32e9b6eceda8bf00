/*
 * cmd_server.c — `glass server`: the CA-hosting relay, over TCP.
 *
 * One process, one thread, one poll(2) loop.  Every client socket is
 * non-blocking and has its own sans-I/O engine (protocol/protocol.h): bytes
 * read from the socket are fed to the engine, the bytes the engine queues
 * are written as the socket accepts them, and the engine's events (handshake
 * done, application message, enrollment request, alert, close) drive the
 * relay.  Nothing here ever waits on one client: a slow or silent or
 * malicious peer only ever costs its own buffers and its own timeouts.
 *
 * Read in this order:
 *   1. server_setup: open the CA (its key signs enrollment requests), load or
 *      issue the server's own key and certificate, build the CRL;
 *   2. serve: the poll loop — accept, read/feed, events, write, timeouts;
 *   3. on_event: what each engine event means for the relay;
 *   4. on_enroll: the enrollment checks, in order;
 *   5. server_shutdown: close_notify to everyone on SIGINT/SIGTERM.
 *
 * Bounds (why a peer cannot exhaust the server):
 *   - at most --max-clients connections; more are accepted and closed;
 *   - a client gets at most SERVER_READ_CHUNK bytes read per loop turn, and
 *     the engine keeps at most one partial record per client;
 *   - bytes queued towards a client that does not read are capped at
 *     SERVER_MAX_PENDING_OUT; past that the client is dropped;
 *   - a handshake (and an enrollment) must finish within
 *     --handshake-timeout seconds; an established client that stays silent
 *     for --idle-timeout seconds is closed.
 *
 * Revocation: each new connection's engine gets the CA's current CRL
 * (rebuilt whenever the CA's index.txt changes), so a revoked client
 * certificate fails the handshake with certificate_revoked.  When the
 * handshake ends the index itself is consulted too (ca_is_revoked), and
 * while clients are connected the index is watched (at most once a second):
 * a change rebuilds the CRL, and a session whose certificate it now lists
 * is ended with a fatal certificate_revoked alert (glass_engine_abort).
 *
 * CT: not applicable here; the engine and the primitives state theirs.
 */
#include "apps.h"
#include "net.h"
#include "password.h"
#include "asn1/asn1.h"
#include "ca/ca.h"
#include "ca/enroll.h"
#include "protocol/protocol.h"

#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <time.h>
#include <unistd.h>

#define CMD "server"
#define SERVER_DEFAULT_PORT          4433u
#define SERVER_DEFAULT_MAX_CLIENTS   1000u
#define SERVER_DEFAULT_HS_TIMEOUT    10u     /* seconds */
#define SERVER_DEFAULT_IDLE_TIMEOUT  300u    /* seconds */
#define SERVER_MAX_PENDING_OUT       (256u * 1024u)
#define SERVER_READ_CHUNK            16384u
#define SERVER_ACCEPTS_PER_TURN      64
#define SERVER_CLOSE_GRACE_MS        2000
#define SERVER_SHUTDOWN_MS           2000
#define SERVER_CERT_DAYS             365u
#define SERVER_PATH_MAX              4096

struct server_opts {
    const char *dir;
    const char *pass;
    const char *bind;
    unsigned long port;
    unsigned long max_clients;
    unsigned long hs_timeout;
    unsigned long idle_timeout;
    int trace;
    int verbose;
};

/* A CRL shared by the engines that were started while it was current. */
typedef struct crl_ref {
    uint8_t *der;
    size_t len;
    unsigned refs;
} crl_ref;

enum conn_phase {
    PHASE_HANDSHAKE,    /* until HANDSHAKE_DONE */
    PHASE_ENROLL,       /* server-authenticated only: waiting for EnrollRequest */
    PHASE_READY,        /* mutually authenticated: relaying */
    PHASE_CLOSING       /* flushing the last bytes (alert, close_notify) */
};

typedef struct conn {
    int fd;
    unsigned long id;
    glass_engine *eng;
    crl_ref *crl;
    enum conn_phase phase;
    int64_t hs_deadline;        /* ms, monotonic */
    int64_t idle_deadline;
    int64_t close_deadline;
    int dead;                   /* to be removed at the end of the turn */
    char addr[64];
    char name[GLASS_MAX_NAME + 1];
    uint8_t serial[X509_SERIAL_MAX + 1];  /* the client certificate's, once ready */
    size_t serial_len;
    net_tracer tr;
    glass_tracer tracer;
} conn;

typedef struct server {
    struct server_opts o;
    glass_ca *ca;
    glass_blob anchor;
    uint8_t *cert_der;
    size_t cert_len;
    glass_blob chain;
    rsa_private_key key;
    int key_init;
    int key_loaded;
    crl_ref *crl;
    struct stat index_st;
    int lfd;
    uint16_t port;
    conn **conns;
    size_t n_conns;
    size_t cap_conns;
    struct pollfd *pfds;
    unsigned long next_id;
    int64_t accept_pause_until; /* after EMFILE: let descriptors free up */
    int64_t next_revocation_check;
} server;

/* ---- logging ---------------------------------------------------------------- */

static void logf_(const server *s, const conn *c, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* One line per event: "HH:MM:SS #id addr message". */
static void logf_(const server *s, const conn *c, const char *fmt, ...)
{
    (void)s;
    char when[16];
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(when, sizeof when, "%H:%M:%S", &tm);
    if (c != NULL)
        printf("%s #%lu %s ", when, c->id, c->addr);
    else
        printf("%s ", when);
    va_list ap;
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    putchar('\n');
    fflush(stdout);
}

/* ---- setup -------------------------------------------------------------------- */

static void usage(FILE *f)
{
    fprintf(f,
            "usage: glass server --dir DIR -pass SRC [--port N] [--bind ADDR] [--trace]\n"
            "                    [--verbose] [--max-clients N] [--handshake-timeout S]\n"
            "                    [--idle-timeout S]\n\n"
            "Runs the glass relay: clients enroll with a one-time code (the CA in DIR\n"
            "signs their key), then connect with mutual authentication and send each\n"
            "other messages through the server.  DIR is a CA made by `glass ca init`;\n"
            "the server's own key and certificate are DIR/server.key and\n"
            "DIR/server.pem, issued from the CA on first start.  SIGINT or SIGTERM\n"
            "closes every session with close_notify and exits 0.\n\n"
            "options:\n"
            "  --dir DIR              the CA directory\n"
            "  -pass SRC              password of the CA key (pass:, env:, file:, fd:, stdin)\n"
            "  --port N               TCP port (default %u; 0 picks a free one and\n"
            "                         prints \"listening on ADDR:PORT\")\n"
            "  --bind ADDR            address to listen on (default 127.0.0.1)\n"
            "  --trace                print every handshake step with its bytes\n"
            "  --verbose              print group, suite, key sizes and peer subject\n"
            "  --max-clients N        connections at once (default %u)\n"
            "  --handshake-timeout S  seconds a client has to finish (default %u)\n"
            "  --idle-timeout S       seconds of silence before a close (default %u)\n\n"
            "example:\n"
            "  glass ca init --dir myca -subj /CN=Class-CA -pass pass:secret\n"
            "  glass server --dir myca -pass pass:secret --port 4433\n",
            SERVER_DEFAULT_PORT, SERVER_DEFAULT_MAX_CLIENTS, SERVER_DEFAULT_HS_TIMEOUT,
            SERVER_DEFAULT_IDLE_TIMEOUT);
}

static int parse_args(int argc, char **argv, struct server_opts *o)
{
    o->port = SERVER_DEFAULT_PORT;
    o->bind = "127.0.0.1";
    o->max_clients = SERVER_DEFAULT_MAX_CLIENTS;
    o->hs_timeout = SERVER_DEFAULT_HS_TIMEOUT;
    o->idle_timeout = SERVER_DEFAULT_IDLE_TIMEOUT;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        int takes = 1;
        if (strcmp(a, "--trace") == 0 || strcmp(a, "-trace") == 0) {
            o->trace = 1;
            takes = 0;
        } else if (strcmp(a, "--verbose") == 0 || strcmp(a, "-verbose") == 0) {
            o->verbose = 1;
            takes = 0;
        } else if (v == NULL && a[0] == '-') {
            return app_error(CMD, "%s needs a value (see --help)", a);
        } else if (strcmp(a, "--dir") == 0 || strcmp(a, "-dir") == 0) {
            o->dir = v;
        } else if (strcmp(a, "-pass") == 0 || strcmp(a, "--pass") == 0 ||
                   strcmp(a, "-passin") == 0) {
            o->pass = v;
        } else if (strcmp(a, "--bind") == 0 || strcmp(a, "-bind") == 0) {
            o->bind = v;
        } else if (strcmp(a, "--port") == 0 || strcmp(a, "-port") == 0 ||
                   strcmp(a, "-accept") == 0) {
            if (app_uint_arg(CMD, a, v, 0, 65535, &o->port))
                return 1;
        } else if (strcmp(a, "--max-clients") == 0) {
            if (app_uint_arg(CMD, a, v, 1, 100000, &o->max_clients))
                return 1;
        } else if (strcmp(a, "--handshake-timeout") == 0) {
            if (app_uint_arg(CMD, a, v, 1, 3600, &o->hs_timeout))
                return 1;
        } else if (strcmp(a, "--idle-timeout") == 0) {
            if (app_uint_arg(CMD, a, v, 1, 86400, &o->idle_timeout))
                return 1;
        } else {
            return app_error(CMD, "unknown option '%s' (see --help)", a);
        }
        i += takes;
    }
    if (o->dir == NULL)
        return app_error(CMD, "--dir DIR is required (see --help)");
    return 0;
}

static int path_join(char *out, size_t cap, const char *dir, const char *file)
{
    return (size_t)snprintf(out, cap, "%s/%s", dir, file) < cap ? 0 : -1;
}

/* The SAN of the server certificate: localhost, 127.0.0.1, and the bind
 * address when it is another specific one. */
static void server_san(const char *bind, char *san, size_t cap)
{
    unsigned char tmp[16];
    snprintf(san, cap, "DNS:localhost,IP:127.0.0.1");
    if (strcmp(bind, "127.0.0.1") == 0 || strcmp(bind, "localhost") == 0 ||
        strcmp(bind, "0.0.0.0") == 0 || strcmp(bind, "::") == 0)
        return;
    size_t n = strlen(san);
    if (inet_pton(AF_INET, bind, tmp) == 1 || inet_pton(AF_INET6, bind, tmp) == 1)
        snprintf(san + n, cap - n, ",IP:%s", bind);
    else
        snprintf(san + n, cap - n, ",DNS:%s", bind);
}

/* Issues DIR/server.key and DIR/server.pem from the CA (first start). */
static int issue_server_identity(server *s, const char *password, const char *key_path,
                                 const char *cert_path)
{
    uint8_t *csr = NULL, *cert = NULL, *key_pem = NULL;
    char *cert_pem = NULL;
    size_t csr_len = 0, cert_len = 0, key_pem_len = 0, cert_pem_len = 0;
    char san[512];
    int rc = 1;
    glass_err err;
    logf_(s, NULL, "no server certificate yet: generating an RSA-2048 key and issuing one");
    /* 1. A fresh key, its request, the CA's signature with the server profile. */
    err = rsa_generate(&s->key, 2048, RSA_DEFAULT_E);
    if (err == GLASS_OK)
        s->key_loaded = 1;
    if (err == GLASS_OK)
        err = csr_create(&s->key, "/CN=localhost", &csr, &csr_len);
    server_san(s->o.bind, san, sizeof san);
    if (err == GLASS_OK)
        err = ca_sign_request(s->ca, csr, csr_len, CA_PROFILE_SERVER, SERVER_CERT_DAYS, san,
                              net_wall_time(), &cert, &cert_len);
    /* 2. Both files written atomically, the key encrypted and 0600. */
    if (err == GLASS_OK)
        err = key_save_private_pem(&s->key, password, 0, &key_pem, &key_pem_len);
    if (err == GLASS_OK)
        err = pem_encode(PEM_CERTIFICATE, cert, cert_len, &cert_pem, &cert_pem_len);
    if (err == GLASS_OK)
        err = glass_write_file_atomic(key_path, key_pem, key_pem_len, 0600);
    if (err == GLASS_OK)
        err = glass_write_file_atomic(cert_path, (const uint8_t *)cert_pem, cert_pem_len, 0644);
    if (err != GLASS_OK) {
        app_error(CMD, "cannot issue the server certificate: %s", glass_strerror(err));
        goto cleanup;
    }
    logf_(s, NULL, "issued %s (SAN %s) and %s", cert_path, san, key_path);
    rc = 0;
cleanup:
    free(csr);
    free(cert);
    free(cert_pem);
    if (key_pem != NULL) {
        glass_wipe(key_pem, key_pem_len);
        free(key_pem);
    }
    return rc;
}

/* Loads DIR/server.key and DIR/server.pem, issuing them if missing. */
static int load_server_identity(server *s, const char *password)
{
    char key_path[SERVER_PATH_MAX], cert_path[SERVER_PATH_MAX];
    struct stat st;
    uint8_t *data = NULL;
    size_t len = 0;
    x509_cert *certs = NULL;
    size_t n = 0;
    int rc = 1;
    glass_err err;
    if (path_join(key_path, sizeof key_path, s->o.dir, "server.key") != 0 ||
        path_join(cert_path, sizeof cert_path, s->o.dir, "server.pem") != 0)
        return app_error(CMD, "--dir: path too long");
    rsa_private_init(&s->key);
    s->key_init = 1;
    if (stat(key_path, &st) != 0 || stat(cert_path, &st) != 0) {
        if (issue_server_identity(s, password, key_path, cert_path) != 0)
            return 1;
    } else {
        err = glass_read_file(key_path, 1u << 20, &data, &len);
        if (err == GLASS_OK)
            err = key_load_private(data, len, password, &s->key);
        if (err != GLASS_OK) {
            app_error(CMD, "%s: %s", key_path, glass_strerror(err));
            goto cleanup;
        }
        s->key_loaded = 1;
    }
    err = x509_load_pem_file(cert_path, &certs, &n);
    if (err != GLASS_OK) {
        app_error(CMD, "%s: %s", cert_path, glass_strerror(err));
        goto cleanup;
    }
    if (mpz_cmp(certs[0].pub.n, s->key.n) != 0) {
        app_error(CMD, "%s does not match the key in %s", cert_path, key_path);
        goto cleanup;
    }
    s->cert_der = malloc(certs[0].der_len);
    if (s->cert_der == NULL) {
        app_error(CMD, "out of memory");
        goto cleanup;
    }
    memcpy(s->cert_der, certs[0].der, certs[0].der_len);
    s->cert_len = certs[0].der_len;
    s->chain.der = s->cert_der;
    s->chain.len = s->cert_len;
    rc = 0;
cleanup:
    if (certs != NULL)
        x509_free_all(certs, n);
    if (data != NULL) {
        glass_wipe(data, len);
        free(data);
    }
    return rc;
}

static void crl_release(crl_ref *r)
{
    if (r != NULL && --r->refs == 0) {
        free(r->der);
        free(r);
    }
}

/* Rebuilds the CRL when DIR/index.txt has changed since the last build (a
 * `glass ca revoke` in another process).  Cheap when nothing changed: one
 * stat(). */
static void refresh_crl(server *s, int force)
{
    char path[SERVER_PATH_MAX];
    struct stat st;
    if (path_join(path, sizeof path, s->o.dir, "index.txt") != 0)
        return;
    if (stat(path, &st) != 0)
        memset(&st, 0, sizeof st);
    if (!force && s->crl != NULL && st.st_ino == s->index_st.st_ino &&
        st.st_size == s->index_st.st_size && st.st_mtime == s->index_st.st_mtime &&
        st.st_ctime == s->index_st.st_ctime)
        return;
    crl_ref *r = calloc(1, sizeof *r);
    if (r == NULL)
        return;
    glass_err err = ca_crl_current(s->ca, net_wall_time(), &r->der, &r->len);
    if (err != GLASS_OK) {
        logf_(s, NULL, "cannot build the CRL: %s (keeping the previous one)", glass_strerror(err));
        free(r);
        return;
    }
    r->refs = 1;
    crl_release(s->crl);
    s->crl = r;
    s->index_st = st;
    if (!force)
        logf_(s, NULL, "CA index changed: CRL rebuilt");
}

static void raise_fd_limit(unsigned long want)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
        return;
    rlim_t need = (rlim_t)want + 64;
    if (rl.rlim_cur >= need)
        return;
    rl.rlim_cur = rl.rlim_max == RLIM_INFINITY || rl.rlim_max > need ? need : rl.rlim_max;
    (void)setrlimit(RLIMIT_NOFILE, &rl);
}

static int server_setup(server *s)
{
    char *password = NULL;
    int rc = 1;
    glass_err err = app_password_get(s->o.pass, "Enter pass phrase for the CA key", 0,
                                     &password);
    if (err != GLASS_OK)
        return app_error(CMD, "-pass: %s", glass_strerror(err));
    /* 1. The CA, unlocked: it signs enrollment requests. */
    err = ca_open(&s->ca, s->o.dir, password);
    if (err != GLASS_OK) {
        app_error(CMD, "%s: %s", s->o.dir, glass_strerror(err));
        goto cleanup;
    }
    const x509_cert *cacert = ca_certificate(s->ca);
    s->anchor.der = cacert->der;
    s->anchor.len = cacert->der_len;
    /* 2. Our own key and certificate (issued on first start). */
    if (load_server_identity(s, password) != 0)
        goto cleanup;
    /* 3. The CRL the engines check client certificates against. */
    refresh_crl(s, 1);
    if (s->crl == NULL) {
        app_error(CMD, "cannot build the CA's CRL");
        goto cleanup;
    }
    /* 4. The listening socket. */
    raise_fd_limit(s->o.max_clients);
    uint16_t bound = 0;
    err = net_listen(s->o.bind, (uint16_t)s->o.port, 512, &s->lfd, &bound);
    if (err != GLASS_OK) {
        app_error(CMD, "cannot listen on %s:%lu: %s", s->o.bind, s->o.port, strerror(errno));
        goto cleanup;
    }
    s->port = bound;
    rc = 0;
cleanup:
    app_password_free(password);
    return rc;
}

/* ---- connections ------------------------------------------------------------------ */

static void conn_free(server *s, conn *c)
{
    (void)s;
    if (c->fd >= 0)
        close(c->fd);
    glass_engine_free(c->eng);
    crl_release(c->crl);
    free(c);
}

static size_t conn_pending(conn *c)
{
    return net_engine_pending(c->eng);
}

static int conn_flush(conn *c)
{
    return net_engine_flush(c->fd, c->eng);
}

static void conn_closing(conn *c)
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
    if (s->n_conns >= s->o.max_clients) {
        tmp.fd = -1;
        logf_(s, &tmp, "refused: already %zu clients (--max-clients)", s->n_conns);
        close(fd);
        return;
    }
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
    c->fd = fd;
    c->phase = PHASE_HANDSHAKE;
    int64_t now = net_now_ms();
    c->hs_deadline = now + (int64_t)s->o.hs_timeout * 1000;
    c->idle_deadline = now + (int64_t)s->o.idle_timeout * 1000;
    /* Each engine gets the CRL current at its start, kept alive for it. */
    refresh_crl(s, 0);
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
    cfg.chain = &s->chain;
    cfg.n_chain = 1;
    cfg.key = &s->key;
    cfg.allow_enroll = 1;
    cfg.trace = s->o.trace ? &c->tracer : NULL;
    glass_err err = glass_engine_new(&c->eng, &cfg);
    if (err == GLASS_OK)
        err = glass_engine_start(c->eng);
    if (err != GLASS_OK) {
        logf_(s, c, "cannot start an engine: %s", glass_strerror(err));
        conn_free(s, c);
        return;
    }
    if (s->n_conns == s->cap_conns) {
        size_t cap = s->cap_conns ? 2 * s->cap_conns : 64;
        conn **v = realloc(s->conns, cap * sizeof *v);
        struct pollfd *p = realloc(s->pfds, (cap + 1) * sizeof *p);
        if (v != NULL)
            s->conns = v;
        if (p != NULL)
            s->pfds = p;
        if (v == NULL || p == NULL) {
            conn_free(s, c);
            return;
        }
        s->cap_conns = cap;
    }
    s->conns[s->n_conns++] = c;
    logf_(s, c, "connect");
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
                logf_(s, NULL, "accept: %s (pausing new connections)", strerror(errno));
                s->accept_pause_until = net_now_ms() + 100;
            }
            return;         /* EAGAIN: none left */
        }
        accept_one(s, fd, &ss);
    }
}

/* ---- the relay ------------------------------------------------------------------- */

static void send_app(server *s, conn *to, const uint8_t *msg, size_t len)
{
    glass_err err = glass_engine_send_app(to->eng, msg, len);
    if (err != GLASS_OK) {
        logf_(s, to, "cannot send: %s", glass_strerror(err));
        return;
    }
    /* A client that does not read is not allowed to make us hold its mail
     * for ever: past the bound it is dropped. */
    if (conn_pending(to) > SERVER_MAX_PENDING_OUT) {
        logf_(s, to, "dropped: %zu bytes waiting, the client is not reading", conn_pending(to));
        to->dead = 1;
        return;
    }
    if (conn_flush(to) != 0)
        to->dead = 1;
}

static void send_error(server *s, conn *c, uint16_t code, const char *text)
{
    uint8_t msg[512];
    size_t len = 0;
    if (glass_app_encode_error(msg, sizeof msg, &len, code, text) == GLASS_OK)
        send_app(s, c, msg, len);
}

static void on_send_to(server *s, conn *c, const glass_app_msg *m)
{
    char to[GLASS_MAX_NAME + 1];
    uint8_t *out = NULL;
    size_t out_len = 0, delivered = 0;
    memcpy(to, m->name, m->name_len);
    to[m->name_len] = '\0';
    size_t cap = GLASS_MAX_PLAINTEXT;
    out = malloc(cap);
    if (out == NULL)
        return;
    glass_err err = glass_app_encode_deliver(out, cap, &out_len, c->name, m->text, m->text_len);
    if (err != GLASS_OK) {
        send_error(s, c, GLASS_APP_ERR_TOO_LONG, "message too long to relay");
        goto cleanup;
    }
    /* Every session of that name gets it (a person may be connected twice). */
    for (size_t i = 0; i < s->n_conns; i++) {
        conn *t = s->conns[i];
        if (t->dead || t->phase != PHASE_READY || strcmp(t->name, to) != 0)
            continue;
        send_app(s, t, out, out_len);
        delivered++;
    }
    if (delivered == 0) {
        char text[GLASS_MAX_NAME + 64];
        snprintf(text, sizeof text, "no client named '%s' is connected", to);
        send_error(s, c, GLASS_APP_ERR_NO_SUCH_CLIENT, text);
        logf_(s, c, "relay %s -> %s refused: not connected", c->name, to);
    } else {
        logf_(s, c, "relay %s -> %s (%zu bytes, %zu session%s)", c->name, to, m->text_len,
              delivered, delivered == 1 ? "" : "s");
    }
cleanup:
    glass_wipe(out, cap);
    free(out);
}

static void on_who(server *s, conn *c)
{
    const char *names[GLASS_APP_MAX_NAMES];
    size_t n = 0;
    uint8_t *out = malloc(GLASS_MAX_PLAINTEXT);
    size_t out_len = 0;
    if (out == NULL)
        return;
    for (size_t i = 0; i < s->n_conns && n < GLASS_APP_MAX_NAMES; i++) {
        conn *t = s->conns[i];
        if (t->dead || t->phase != PHASE_READY)
            continue;
        int seen = 0;
        for (size_t j = 0; j < n && !seen; j++)
            seen = strcmp(names[j], t->name) == 0;
        if (!seen)
            names[n++] = t->name;
    }
    /* Keep the list within one record: drop names from the end if needed. */
    while (glass_app_encode_who_list(out, GLASS_MAX_PLAINTEXT, &out_len, names, n) !=
               GLASS_OK && n > 0)
        n--;
    send_app(s, c, out, out_len);
    logf_(s, c, "who: %zu name%s", n, n == 1 ? "" : "s");
    free(out);
}

static void on_app(server *s, conn *c, const uint8_t *data, size_t len)
{
    glass_app_msg m;
    if (glass_app_decode(data, len, &m) != GLASS_OK) {
        send_error(s, c, GLASS_APP_ERR_BAD_MESSAGE, "malformed application message");
        logf_(s, c, "malformed application message (%zu bytes)", len);
        return;
    }
    switch (m.type) {
    case GLASS_APP_SEND_TO:
        on_send_to(s, c, &m);
        break;
    case GLASS_APP_WHO:
        on_who(s, c);
        break;
    case GLASS_APP_BYE:
        logf_(s, c, "bye from %s", c->name);
        glass_engine_close(c->eng);
        conn_closing(c);
        break;
    default:
        send_error(s, c, GLASS_APP_ERR_BAD_MESSAGE, "a client may send SendTo, Who or Bye");
        break;
    }
}

/* ---- enrollment --------------------------------------------------------------------- */

static void enroll_refuse(server *s, conn *c, const char *name, const char *reason)
{
    logf_(s, c, "enroll %s refused: %s", name, reason);
    glass_engine_enroll_refuse(c->eng, reason);
    conn_closing(c);
}

/* The checks, in order: a usable name; a request whose self-signature holds
 * and whose subject is exactly /CN=NAME; then the one-time code (last, so a
 * faulty request does not burn it); then the CA signs. */
static void on_enroll(server *s, conn *c, const glass_event *ev)
{
    char code[256];
    char subject[GLASS_MAX_NAME + 8];
    csr_info info;
    int have_info = 0;
    uint8_t *cert = NULL;
    size_t cert_len = 0;
    const char *name = ev->peer_name;
    const char *why = NULL;
    memset(&info, 0, sizeof info);

    /* 1. The name: it becomes the certificate's CN and the relay address. */
    if (!enroll_name_valid(name)) {
        enroll_refuse(s, c, "(bad name)", "the name must be 1 to 64 of A-Z a-z 0-9 . _ -");
        goto cleanup;
    }
    /* 2. The request: self-signed by the key it carries (RFC 2986 §3). */
    glass_err err = csr_parse_and_verify(ev->data, ev->len, &info);
    if (err != GLASS_OK) {
        enroll_refuse(s, c, name, glass_strerror(err));
        goto cleanup;
    }
    have_info = 1;
    snprintf(subject, sizeof subject, "/CN=%s", name);
    if (strcmp(info.subject, subject) != 0) {
        enroll_refuse(s, c, name, "the request's subject must be exactly /CN=NAME");
        goto cleanup;
    }
    /* 3. The one-time code: redeemed (and so used up) only now. */
    if (ev->code_len == 0 || ev->code_len >= sizeof code) {
        enroll_refuse(s, c, name, glass_strerror(GLASS_ERR_ENROLL_CODE));
        goto cleanup;
    }
    memcpy(code, ev->code, ev->code_len);
    code[ev->code_len] = '\0';
    err = enroll_code_redeem(s->o.dir, name, code, net_wall_time(), &why);
    glass_wipe(code, sizeof code);
    if (err != GLASS_OK) {
        logf_(s, c, "enroll %s: code rejected (%s)", name, why != NULL ? why : "?");
        enroll_refuse(s, c, name, glass_strerror(err));
        goto cleanup;
    }
    /* 4. The CA signs, with the client profile (clientAuth). */
    err = ca_sign_request(s->ca, ev->data, ev->len, CA_PROFILE_CLIENT, 0, NULL, net_wall_time(),
                          &cert, &cert_len);
    if (err != GLASS_OK) {
        enroll_refuse(s, c, name, glass_strerror(err));
        goto cleanup;
    }
    err = glass_engine_enroll_reply(c->eng, cert, cert_len);
    if (err != GLASS_OK) {
        logf_(s, c, "enroll %s: cannot reply: %s", name, glass_strerror(err));
        c->dead = 1;
        goto cleanup;
    }
    x509_cert parsed;
    if (x509_parse(&parsed, cert, cert_len) == GLASS_OK) {
        char serial[2 * X509_SERIAL_MAX + 1];
        glass_hex_encode(serial, sizeof serial, parsed.serial, parsed.serial_len);
        logf_(s, c, "enroll %s: certificate issued, serial %s", name, serial);
        x509_free(&parsed);
    } else {
        logf_(s, c, "enroll %s: certificate issued", name);
    }
    conn_closing(c);
cleanup:
    if (have_info)
        csr_info_free(&info);
    free(cert);
}

/* ---- engine events ------------------------------------------------------------------ */

/* Ends a session whose certificate the CA has revoked: a fatal
 * certificate_revoked alert (RFC 5246 §7.2.2), not close_notify, so the
 * client learns why. */
static void revoke_session(server *s, conn *c, const char *when)
{
    logf_(s, c, "refused %s: certificate revoked (%s)", c->name, when);
    glass_engine_abort(c->eng, GLASS_ERR_X509_REVOKED);
    conn_closing(c);
}

static void on_handshake_done(server *s, conn *c, const glass_event *ev)
{
    if (!ev->authenticated) {
        c->phase = PHASE_ENROLL;
        logf_(s, c, "handshake ok: client without a certificate (enrollment only)");
        return;
    }
    snprintf(c->name, sizeof c->name, "%s", ev->peer_name);
    const uint8_t *der = NULL;
    size_t der_len = 0;
    x509_cert peer;
    glass_engine_peer_cert(c->eng, &der, &der_len);
    if (der == NULL || x509_parse(&peer, der, der_len) != GLASS_OK) {
        glass_engine_abort(c->eng, GLASS_ERR_PROTO_BAD_CERT);
        conn_closing(c);
        return;
    }
    memcpy(c->serial, peer.serial, peer.serial_len);
    c->serial_len = peer.serial_len;
    /* The CRL the engine checked was built when the connection arrived;
     * the index is the latest word on revocation. */
    if (ca_is_revoked(s->ca, c->serial, c->serial_len)) {
        revoke_session(s, c, "at the handshake");
        x509_free(&peer);
        return;
    }
    c->phase = PHASE_READY;
    c->idle_deadline = net_now_ms() + (int64_t)s->o.idle_timeout * 1000;
    logf_(s, c, "handshake ok: %s", c->name);
    if (s->o.verbose) {
        char session[128];
        net_describe_session(c->eng, session, sizeof session);
        logf_(s, c, "  %s, server key RSA-%zu, client key RSA-%zu", session, s->key.k * 8,
              peer.pub.k * 8);
        logf_(s, c, "  peer subject %s, issuer %s", peer.subject, peer.issuer);
    }
    x509_free(&peer);
}

static void on_events(server *s, conn *c)
{
    glass_event ev;
    while (!c->dead && glass_engine_next_event(c->eng, &ev)) {
        switch (ev.type) {
        case GLASS_EV_HANDSHAKE_DONE:
            on_handshake_done(s, c, &ev);
            break;
        case GLASS_EV_APP_MESSAGE:
            if (c->phase == PHASE_READY) {
                c->idle_deadline = net_now_ms() + (int64_t)s->o.idle_timeout * 1000;
                on_app(s, c, ev.data, ev.len);
            }
            break;
        case GLASS_EV_ENROLL_REQUEST:
            on_enroll(s, c, &ev);
            break;
        case GLASS_EV_ALERT_SENT:
            if (ev.alert == GLASS_ALERT_CLOSE_NOTIFY)
                logf_(s, c, "close_notify sent");
            else
                logf_(s, c, "alert sent: %s (%s)", glass_alert_name(ev.alert),
                      glass_strerror(ev.err));
            break;
        case GLASS_EV_ALERT_RECEIVED:
            if (ev.alert == GLASS_ALERT_CLOSE_NOTIFY)
                logf_(s, c, "close_notify received");
            else
                logf_(s, c, "alert received: %s", glass_alert_name(ev.alert));
            break;
        case GLASS_EV_CLOSED:
            logf_(s, c, "close%s%s%s", c->name[0] ? " " : "", c->name,
                  ev.err == GLASS_OK ? "" : " (after an error)");
            conn_closing(c);
            break;
        default:
            break;
        }
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
        logf_(s, c, "close: %s", strerror(errno));
        c->dead = 1;
        return;
    }
    if (r == 0) {
        if (c->phase != PHASE_CLOSING)
            logf_(s, c, "close: the peer hung up%s%s", c->name[0] ? " " : "", c->name);
        c->dead = 1;
        return;
    }
    if (c->phase == PHASE_CLOSING) {
        glass_wipe(buf, (size_t)r);
        return;                 /* nothing more is read from a closing peer */
    }
    (void)glass_engine_feed(c->eng, buf, (size_t)r);
    glass_wipe(buf, (size_t)r);
    on_events(s, c);
}

/* Once a second at most: when the CA's index has changed (a `glass ca
 * revoke` in another process), the CRL is rebuilt and every connected
 * client is checked against it, so a revocation also ends the sessions
 * already open. */
static void check_revocations(server *s, int64_t now)
{
    x509_crl crl;
    if (now < s->next_revocation_check)
        return;
    s->next_revocation_check = now + 1000;
    crl_ref *before = s->crl;
    refresh_crl(s, 0);
    if (s->crl == before || x509_crl_parse(&crl, s->crl->der, s->crl->len) != GLASS_OK)
        return;
    for (size_t i = 0; i < s->n_conns; i++) {
        conn *c = s->conns[i];
        if (c->dead || c->phase != PHASE_READY)
            continue;
        if (x509_crl_contains(&crl, c->serial, c->serial_len)) {
            revoke_session(s, c, "while connected");
            on_events(s, c);
            if (conn_flush(c) != 0)
                c->dead = 1;
        }
    }
    x509_crl_free(&crl);
}

static void check_timeouts(server *s, int64_t now)
{
    for (size_t i = 0; i < s->n_conns; i++) {
        conn *c = s->conns[i];
        if (c->dead)
            continue;
        if ((c->phase == PHASE_HANDSHAKE || c->phase == PHASE_ENROLL) && now >= c->hs_deadline) {
            logf_(s, c, "timeout: no complete handshake within %lu s", s->o.hs_timeout);
            c->dead = 1;
        } else if (c->phase == PHASE_READY && now >= c->idle_deadline) {
            logf_(s, c, "timeout: %s idle for %lu s", c->name, s->o.idle_timeout);
            glass_engine_close(c->eng);
            conn_closing(c);
        } else if (c->phase == PHASE_CLOSING &&
                   (conn_pending(c) == 0 || now >= c->close_deadline)) {
            c->dead = 1;
        }
    }
}

static int next_timeout_ms(server *s, int64_t now)
{
    int64_t next = now + 1000;
    for (size_t i = 0; i < s->n_conns; i++) {
        conn *c = s->conns[i];
        int64_t d = c->phase == PHASE_READY ? c->idle_deadline
                  : c->phase == PHASE_CLOSING ? c->close_deadline : c->hs_deadline;
        if (c->phase == PHASE_CLOSING && conn_pending(c) == 0)
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
            conn_free(s, c);
        else
            s->conns[j++] = c;
    }
    s->n_conns = j;
}

/* The loop: until SIGINT or SIGTERM. */
static int serve(server *s)
{
    while (!net_stop_signal) {
        /* 1. What to wait for: new connections (room permitting), input from
         *    every client not closing, output room where bytes wait. */
        size_t nf = 0;
        s->pfds[nf].fd = s->lfd;
        s->pfds[nf].events = net_now_ms() >= s->accept_pause_until ? POLLIN : 0;
        s->pfds[nf].revents = 0;
        nf++;
        for (size_t i = 0; i < s->n_conns; i++) {
            conn *c = s->conns[i];
            s->pfds[nf].fd = c->fd;
            s->pfds[nf].events = (short)(POLLIN | (conn_pending(c) > 0 ? POLLOUT : 0));
            s->pfds[nf].revents = 0;
            nf++;
        }
        int r = poll(s->pfds, (nfds_t)nf, next_timeout_ms(s, net_now_ms()));
        if (r < 0) {
            if (errno == EINTR)
                continue;
            app_error(CMD, "poll: %s", strerror(errno));
            return 1;
        }
        /* 2. Each ready client: read and feed, then write what is queued.
         *    (Only the clients polled this turn: new ones wait a turn.) */
        size_t polled = nf - 1;
        for (size_t i = 0; i < polled; i++) {
            conn *c = s->conns[i];
            short re = s->pfds[i + 1].revents;
            if (c->dead)
                continue;
            if (re & (POLLIN | POLLHUP | POLLERR))
                on_readable(s, c);
            if (!c->dead && conn_flush(c) != 0) {
                logf_(s, c, "close: write failed");
                c->dead = 1;
            }
        }
        /* 3. New connections. */
        if (s->pfds[0].revents & POLLIN)
            accept_new(s);
        /* 4. Revocations, deadlines, then forget the dead. */
        check_revocations(s, net_now_ms());
        check_timeouts(s, net_now_ms());
        sweep(s);
    }
    return 0;
}

/* On SIGINT/SIGTERM: close_notify to every live session, a bounded wait for
 * it to leave, then everything closed. */
static void server_shutdown(server *s)
{
    logf_(s, NULL, "signal %d: closing %zu session%s", (int)net_stop_signal, s->n_conns,
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
            if (c->dead || conn_pending(c) == 0)
                continue;
            if (conn_flush(c) != 0) {
                c->dead = 1;
                continue;
            }
            if (conn_pending(c) > 0) {
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
            logf_(s, s->conns[i], "close %s (server shutting down)", s->conns[i]->name);
        conn_free(s, s->conns[i]);
    }
    s->n_conns = 0;
    logf_(s, NULL, "stopped");
}

static int run(int argc, char **argv)
{
    server s;
    int rc = 1;
    if (app_wants_help(argc, argv)) {
        usage(stdout);
        return 0;
    }
    memset(&s, 0, sizeof s);
    s.lfd = -1;
    if (parse_args(argc, argv, &s.o) != 0)
        return 1;
    setvbuf(stdout, NULL, _IOLBF, 0);
    net_install_signals();
    if (server_setup(&s) != 0)
        goto cleanup;
    s.pfds = malloc(sizeof *s.pfds);
    if (s.pfds == NULL)
        goto cleanup;
    printf("listening on %s:%u\n", s.o.bind, (unsigned)s.port);
    fflush(stdout);
    rc = serve(&s);
    server_shutdown(&s);
cleanup:
    for (size_t i = 0; i < s.n_conns; i++)
        conn_free(&s, s.conns[i]);
    free(s.conns);
    free(s.pfds);
    if (s.lfd >= 0)
        close(s.lfd);
    crl_release(s.crl);
    free(s.cert_der);
    if (s.key_init)
        rsa_private_clear(&s.key);
    if (s.ca != NULL)
        ca_close(s.ca);
    return rc;
}

const struct glass_command cmd_server = {"server", "the glass relay server (hosts the CA)", run};
