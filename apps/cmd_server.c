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
 *   1. server_setup: check the options, open the CA (its key signs
 *      enrollment requests), listen, load or issue the server's own key and
 *      certificate, build the CRL;
 *   2. serve: the poll loop — accept, read/feed, events, write, timeouts;
 *   3. on_event: what each engine event means for the relay, and on_app:
 *      the relay, page fetch (http_handle, http_serve_file: a small
 *      HTTP/1.1 server for the files under --www) and the per-client
 *      key-value store (on_kv);
 *   4. on_enroll: the enrollment checks, in order;
 *   5. server_shutdown: close_notify to everyone on SIGINT/SIGTERM.
 *
 * Bounds (why a peer cannot exhaust the server):
 *   - at most --max-clients connections; more are accepted and closed;
 *   - a client gets at most SERVER_READ_CHUNK bytes read per loop turn, and
 *     the engine keeps at most one partial record per client;
 *   - bytes queued towards a client that does not read are capped at
 *     SERVER_MAX_PENDING_OUT; past that the client is dropped;
 *   - a page is at most SERVER_WWW_MAX_FILE bytes, one response at a time
 *     per client, sent a piece at a time as the socket drains
 *     (fetch_pump), so it never counts against that cap;
 *   - a key-value store holds at most KV_MAX_KEYS keys of KV_KEY_MAX
 *     characters and values of KV_VALUE_MAX bytes per client name;
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
/* realpath(3) is an X/Open function: ask for it (POSIX.1-2008 + XSI). */
#define _XOPEN_SOURCE 700

#include "apps.h"
#include "net.h"
#include "password.h"
#include "asn1/asn1.h"
#include "ca/ca.h"
#include "ca/enroll.h"
#include "protocol/protocol.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <netdb.h>
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
#define SERVER_WWW_MAX_FILE          (1u << 20)   /* largest page served */
#define SERVER_FETCH_LOW_WATER       (64u * 1024u)
#define KV_KEY_MAX                   64
#define KV_VALUE_MAX                 4096
#define KV_MAX_KEYS                  64
#define KV_FILE_MAX                  (1u << 20)

struct server_opts {
    const char *dir;
    const char *pass;
    const char *bind;
    unsigned long port;
    unsigned long max_clients;
    unsigned long hs_timeout;
    unsigned long idle_timeout;
    const char *www;
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
    uint8_t *resp;              /* the HTTP response being sent, if any */
    size_t resp_len;
    size_t resp_off;            /* bytes of it already sent */
    int resp_status;
} conn;

/* One client's key-value store, kept sorted by key. */
typedef struct kv_entry {
    char key[KV_KEY_MAX + 1];
    uint8_t *value;
    size_t len;
} kv_entry;

typedef struct kv_store {
    char owner[GLASS_MAX_NAME + 1];     /* the CN of the client's certificate */
    kv_entry e[KV_MAX_KEYS];
    size_t n;
} kv_store;

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
    char www[PATH_MAX];         /* the published directory, resolved */
    int have_www;
    kv_store **kv;              /* the stores opened so far */
    size_t n_kv;
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
            "usage: glass server --dir DIR -pass SRC [--port N] [--bind ADDR] [--www WWW]\n"
            "                    [--trace] [--verbose] [--max-clients N]\n"
            "                    [--handshake-timeout S] [--idle-timeout S]\n\n"
            "Runs the glass relay: clients enroll with a one-time code (the CA in DIR\n"
            "signs their key), then connect with mutual authentication and send each\n"
            "other messages through the server.  DIR is a CA made by `glass ca init`;\n"
            "the server's own key and certificate are DIR/server.key and\n"
            "DIR/server.pem, issued from the CA on first start.  Clients may also\n"
            "fetch the files under WWW with HTTP/1.1 GET (at most 1 MiB each; no path\n"
            "may lead outside WWW) and keep up to 64 keys of their own in a key-value\n"
            "store, saved in DIR/kv/NAME.txt.  SIGINT or SIGTERM closes every session\n"
            "with close_notify and exits 0.\n\n"
            "options:\n"
            "  --dir DIR              the CA directory\n"
            "  -pass SRC              password of the CA key (pass:, env:, file:, fd:, stdin)\n"
            "  --port N               TCP port (default %u; 0 picks a free one and\n"
            "                         prints \"listening on ADDR:PORT\")\n"
            "  --bind ADDR            address to listen on (default 127.0.0.1)\n"
            "  --www WWW              the directory of pages to publish (default\n"
            "                         DIR/www when it exists; otherwise none)\n"
            "  --trace                print every handshake step with its bytes\n"
            "  --verbose              print group, suite, key sizes and peer subject\n"
            "  --max-clients N        connections at once (default %u)\n"
            "  --handshake-timeout S  seconds a client has to finish (default %u)\n"
            "  --idle-timeout S       seconds of silence before a close (default %u)\n\n"
            "example:\n"
            "  glass ca init --dir myca -subj /CN=Class-CA -pass pass:secret\n"
            "  glass server --dir myca -pass pass:secret --port 4433 --www site\n",
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
        } else if (strcmp(a, "--www") == 0 || strcmp(a, "-WWW") == 0) {
            o->www = v;
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

/* --www, or DIR/www when it exists. */
static int setup_www(server *s)
{
    char def[SERVER_PATH_MAX];
    struct stat st;
    const char *www = s->o.www;
    if (www == NULL) {
        if (path_join(def, sizeof def, s->o.dir, "www") != 0 || stat(def, &st) != 0 ||
            !S_ISDIR(st.st_mode))
            return 0;
        www = def;
    }
    if (realpath(www, s->www) == NULL || stat(s->www, &st) != 0 || !S_ISDIR(st.st_mode))
        return app_error(CMD, "--www: %s is not a directory", www);
    s->have_www = 1;
    logf_(s, NULL, "publishing %s", s->www);
    return 0;
}

/* --bind must name an address of this machine to listen on: a numeric IPv4
 * or IPv6 address, or a host name that resolves. */
static int check_bind(const char *bind)
{
    struct addrinfo hints, *res = NULL;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE;
    int rc = bind[0] == '\0' ? EAI_NONAME : getaddrinfo(bind, NULL, &hints, &res);
    if (res != NULL)
        freeaddrinfo(res);
    if (rc != 0)
        return app_error(CMD, "--bind '%s': not an address to listen on (%s); give an IPv4 "
                              "or IPv6 address such as 127.0.0.1",
                         bind, gai_strerror(rc));
    return 0;
}

static int server_setup(server *s)
{
    char *password = NULL;
    int rc = 1;
    glass_err err;
    /* 1. The options, before anything else: a mistyped --bind or --www
     *    must not cost a server key, a certificate and an index entry.
     *    The published directory is resolved once: every page path is
     *    checked against this resolved form (http_serve_file). */
    if (check_bind(s->o.bind) != 0 || setup_www(s) != 0)
        return 1;
    err = app_password_get(s->o.pass, "Enter pass phrase for the CA key", 0, &password);
    if (err != GLASS_OK)
        return app_error(CMD, "-pass: %s", glass_strerror(err));
    /* 2. The CA, unlocked: it signs enrollment requests. */
    err = ca_open(&s->ca, s->o.dir, password);
    if (err != GLASS_OK) {
        app_error(CMD, "%s: %s", s->o.dir, glass_strerror(err));
        goto cleanup;
    }
    const x509_cert *cacert = ca_certificate(s->ca);
    s->anchor.der = cacert->der;
    s->anchor.len = cacert->der_len;
    /* 3. The listening socket, also before anything is issued: an address
     *    in use or not on this machine is reported with nothing written.
     *    Connections that arrive meanwhile wait in the backlog. */
    raise_fd_limit(s->o.max_clients);
    uint16_t bound = 0;
    errno = 0;
    err = net_listen(s->o.bind, (uint16_t)s->o.port, 512, &s->lfd, &bound);
    if (err != GLASS_OK) {
        app_error(CMD, "cannot listen on %s:%lu: %s", s->o.bind, s->o.port,
                  errno != 0 ? strerror(errno) : glass_strerror(err));
        goto cleanup;
    }
    s->port = bound;
    /* 4. Our own key and certificate (issued on first start). */
    if (load_server_identity(s, password) != 0)
        goto cleanup;
    /* 5. The CRL the engines check client certificates against. */
    refresh_crl(s, 1);
    if (s->crl == NULL) {
        app_error(CMD, "cannot build the CA's CRL");
        goto cleanup;
    }
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
    free(c->resp);
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

/* ---- page fetch: HTTP/1.1 GET of the files under --www (PROTOCOL.md §7.1) ------- */

/* The reason phrases of the status codes we send (RFC 9110 §15). */
static const char *http_reason(int status)
{
    switch (status) {
    case 200: return "OK";
    case 400: return "Bad Request";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 500: return "Internal Server Error";
    case 505: return "HTTP Version Not Supported";
    default: return "Error";
    }
}

/* Content-Type by extension (RFC 9110 §8.3); anything else is opaque bytes. */
static const char *http_content_type(const char *path)
{
    static const char *const table[][2] = {
        {".html", "text/html; charset=utf-8"}, {".htm", "text/html; charset=utf-8"},
        {".txt", "text/plain; charset=utf-8"}, {".css", "text/css; charset=utf-8"},
        {".js", "text/javascript; charset=utf-8"}, {".json", "application/json"},
        {".png", "image/png"}, {".jpg", "image/jpeg"}, {".jpeg", "image/jpeg"},
        {".gif", "image/gif"}, {".svg", "image/svg+xml"}, {".pem", "application/x-pem-file"},
    };
    const char *dot = strrchr(path, '.');
    const char *slash = strrchr(path, '/');
    if (dot != NULL && (slash == NULL || dot > slash))
        for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
            if (strcasecmp(dot, table[i][0]) == 0)
                return table[i][1];
    return "application/octet-stream";
}

/* A whole response, status line to body, into c->resp (malloc'd). */
static int http_respond(conn *c, int status, const char *type, const uint8_t *body,
                        size_t body_len)
{
    char head[512];
    int n = snprintf(head, sizeof head,
                     "HTTP/1.1 %d %s\r\n"
                     "Server: glass\r\n"
                     "Content-Type: %s\r\n"
                     "Content-Length: %zu\r\n"
                     "%s"
                     "\r\n",
                     status, http_reason(status), type, body_len,
                     status == 405 ? "Allow: GET\r\n" : "");
    if (n < 0 || (size_t)n >= sizeof head)
        return -1;
    c->resp = malloc((size_t)n + body_len + 1);
    if (c->resp == NULL)
        return -1;
    memcpy(c->resp, head, (size_t)n);
    if (body_len > 0)
        memcpy(c->resp + n, body, body_len);
    c->resp_len = (size_t)n + body_len;
    c->resp_off = 0;
    c->resp_status = status;
    return 0;
}

/* An error response: a one-line text/plain body saying why. */
static int http_error(conn *c, int status, const char *why)
{
    char body[256];
    int n = snprintf(body, sizeof body, "%d %s: %s\n", status, http_reason(status), why);
    if (n < 0)
        n = 0;
    if ((size_t)n >= sizeof body)
        n = (int)sizeof body - 1;
    return http_respond(c, status, "text/plain; charset=utf-8", (const uint8_t *)body,
                        (size_t)n);
}

static int hex_digit(int ch)
{
    if (ch >= '0' && ch <= '9')
        return ch - '0';
    if (ch >= 'a' && ch <= 'f')
        return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F')
        return ch - 'A' + 10;
    return -1;
}

/* Decodes %XX escapes (RFC 3986 §2.1) of in[0..len) into out (cap bytes
 * with the NUL).  -1 on a bad escape, a %00 (a NUL would cut the path
 * short for the C library), or no room. */
static int percent_decode(const char *in, size_t len, char *out, size_t cap)
{
    size_t o = 0;
    for (size_t i = 0; i < len; i++) {
        int ch = (unsigned char)in[i];
        if (ch == '%') {
            if (i + 2 >= len)
                return -1;
            int h = hex_digit((unsigned char)in[i + 1]);
            int l = hex_digit((unsigned char)in[i + 2]);
            if (h < 0 || l < 0)
                return -1;
            ch = h * 16 + l;
            i += 2;
            if (ch == 0)
                return -1;
        }
        if (o + 1 >= cap)
            return -1;
        out[o++] = (char)ch;
    }
    out[o] = '\0';
    return 0;
}

/* 1 if the resolved path is dir itself or lies under it. */
static int path_within(const char *path, const char *dir)
{
    size_t n = strlen(dir);
    return strncmp(path, dir, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

/* Finds the file a decoded request path names under the published
 * directory and answers it: 200 with its bytes, or 403/404/500. */
static int http_serve_file(server *s, conn *c, const char *path)
{
    char joined[SERVER_PATH_MAX], real[PATH_MAX], index[SERVER_PATH_MAX];
    struct stat st;
    uint8_t *body = NULL;
    int fd = -1, rc;

    /* 1. Text checks first, before the file system is asked anything: a
     *    ".." segment climbs out (RFC 3986 §5.2.4 would remove it against
     *    the directory above), and a second "/" makes an absolute path. */
    if (path[1] == '/')
        return http_error(c, 403, "absolute paths are refused");
    for (const char *p = path; p != NULL; p = strchr(p + 1, '/')) {
        const char *seg = p + 1;
        if (strncmp(seg, "..", 2) == 0 && (seg[2] == '/' || seg[2] == '\0'))
            return http_error(c, 403, "'..' is refused");
    }
    if (!s->have_www)
        return http_error(c, 404, "this server publishes no pages");
    if (snprintf(joined, sizeof joined, "%s%s", s->www, path) >= (int)sizeof joined)
        return http_error(c, 404, "no such page");

    /* 2. Where the path really leads.  The text check above cannot see
     *    symbolic links: www/notes -> /etc passes it, and only the resolved
     *    path shows where it ends.  realpath(3) follows every link, then
     *    the result must be --www's own resolved path or lie under it (the
     *    prefix must end at a '/': "/srv/www2" is not under "/srv/www"). */
    if (realpath(joined, real) == NULL)
        return http_error(c, errno == EACCES ? 403 : 404,
                          errno == EACCES ? "not readable" : "no such page");
    if (!path_within(real, s->www))
        return http_error(c, 403, "the path leads outside the published directory");
    if (stat(real, &st) == 0 && S_ISDIR(st.st_mode)) {
        if (snprintf(index, sizeof index, "%s/index.html", real) >= (int)sizeof index ||
            realpath(index, real) == NULL)
            return http_error(c, 404, "a directory without index.html");
        if (!path_within(real, s->www))
            return http_error(c, 403, "the path leads outside the published directory");
    }

    /* 3. Open what was checked (O_NOFOLLOW: the resolved path has no link
     *    left, so one appearing now is a race and is refused), then a
     *    regular file of at most SERVER_WWW_MAX_FILE bytes. */
    fd = open(real, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return http_error(c, errno == ENOENT ? 404 : 403, "cannot open the file");
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        rc = http_error(c, 403, "not a regular file");
        goto cleanup;
    }
    /* 413 Content Too Large is about a request's content (RFC 9110
     * §15.5.14); a file too large to serve is the server's own failure. */
    if (st.st_size > (off_t)SERVER_WWW_MAX_FILE) {
        rc = http_error(c, 500, "file larger than the 1 MiB this server sends");
        goto cleanup;
    }
    size_t size = (size_t)st.st_size, got = 0;
    body = malloc(size + 1);
    if (body == NULL) {
        rc = http_error(c, 500, "out of memory");
        goto cleanup;
    }
    while (got < size) {
        ssize_t r = read(fd, body + got, size - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        got += (size_t)r;
    }
    if (got != size) {
        rc = http_error(c, 500, "the file changed while being read");
        goto cleanup;
    }
    rc = http_respond(c, 200, http_content_type(real), body, size);
cleanup:
    if (fd >= 0)
        close(fd);
    free(body);
    return rc;
}

/* 1 if name[0..n) is an HTTP token (RFC 9110 §5.6.2). */
static int http_token(const char *p, size_t n)
{
    if (n == 0)
        return 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)p[i];
        if (ch <= 0x20 || ch >= 0x7f || strchr("\"(),/:;<=>?@[\\]{}", ch) != NULL)
            return 0;
    }
    return 1;
}

/* Parses one HTTP/1.1 request (RFC 9112) and prepares the response in
 * c->resp.  path_out gets the target, for the log. */
static int http_handle(server *s, conn *c, const uint8_t *req, size_t len, char *path_out,
                       size_t path_cap)
{
    char text[GLASS_MAX_PLAINTEXT + 1];
    char target[SERVER_PATH_MAX], path[SERVER_PATH_MAX];
    snprintf(path_out, path_cap, "?");
    /* 1. The header ends at the first empty line, and there is no body:
     *    the request must end right there (RFC 9112 §2.1). */
    if (len >= sizeof text || memchr(req, 0, len) != NULL)
        return http_error(c, 400, "not an HTTP request");
    memcpy(text, req, len);
    text[len] = '\0';
    char *end = strstr(text, "\r\n\r\n");
    if (end == NULL)
        return http_error(c, 400, "the header does not end with an empty line");
    if ((size_t)(end + 4 - text) != len)
        return http_error(c, 400, "a request body is not accepted");
    end[2] = '\0';
    /* Lines end in CRLF; a bare CR or LF is refused (RFC 9112 §2.2 allows
     * recipients to, and it closes the door to request smuggling). */
    for (const char *p = text; *p != '\0'; p++)
        if ((*p == '\r' && p[1] != '\n') || (*p == '\n' && (p == text || p[-1] != '\r')))
            return http_error(c, 400, "a bare CR or LF in the header");

    /* 2. request-line = method SP request-target SP HTTP-version CRLF
     *    (RFC 9112 §3), single spaces. */
    char *line_end = strstr(text, "\r\n");
    *line_end = '\0';
    char *sp1 = strchr(text, ' ');
    char *sp2 = sp1 != NULL ? strchr(sp1 + 1, ' ') : NULL;
    if (sp1 == NULL || sp2 == NULL || strchr(sp2 + 1, ' ') != NULL || sp2 == sp1 + 1)
        return http_error(c, 400, "the request line is not METHOD TARGET VERSION");
    *sp1 = '\0';
    *sp2 = '\0';
    const char *method = text, *version = sp2 + 1;
    snprintf(path_out, path_cap, "%.32s %.200s", method, sp1 + 1);
    if (snprintf(target, sizeof target, "%s", sp1 + 1) >= (int)sizeof target)
        return http_error(c, 400, "the target is too long");
    if (!http_token(method, strlen(method)))
        return http_error(c, 400, "bad method");
    /* HTTP-version = "HTTP/" DIGIT "." DIGIT (RFC 9112 §2.3). */
    if (strlen(version) != 8 || strncmp(version, "HTTP/", 5) != 0 || version[6] != '.' ||
        version[5] < '0' || version[5] > '9' || version[7] < '0' || version[7] > '9')
        return http_error(c, 400, "bad HTTP version");
    int http11 = strcmp(version, "HTTP/1.1") == 0;
    if (!http11 && strcmp(version, "HTTP/1.0") != 0)
        return http_error(c, 505, "only HTTP/1.1 (and 1.0) are spoken here");

    /* 3. Header fields: field-name ":" OWS field-value OWS, no space before
     *    the colon (RFC 9112 §5.1).  HTTP/1.1 needs exactly one Host
     *    (§3.2); a body (Content-Length > 0, Transfer-Encoding) is refused. */
    int hosts = 0;
    for (char *f = line_end + 2; *f != '\0';) {
        char *eol = strstr(f, "\r\n");
        *eol = '\0';
        char *colon = strchr(f, ':');
        if (colon == NULL || !http_token(f, (size_t)(colon - f)))
            return http_error(c, 400, "a header field is not NAME: VALUE");
        *colon = '\0';
        const char *value = colon + 1;
        while (*value == ' ' || *value == '\t')
            value++;
        if (strcasecmp(f, "Host") == 0)
            hosts++;
        else if (strcasecmp(f, "Transfer-Encoding") == 0 ||
                 (strcasecmp(f, "Content-Length") == 0 && strspn(value, "0") != strlen(value)))
            return http_error(c, 400, "a request body is not accepted");
        f = eol + 2;
    }
    if (http11 && hosts != 1)
        return http_error(c, 400, "HTTP/1.1 needs exactly one Host field");
    if (strcmp(method, "GET") != 0)
        return http_error(c, 405, "only GET is served");

    /* 4. The target: origin-form, an absolute path and perhaps a query
     *    (RFC 9112 §3.2.1).  The query is ignored; the path is
     *    percent-decoded, so "%2e%2e" is seen as the ".." it means. */
    if (target[0] != '/')
        return http_error(c, 400, "the target must start with '/'");
    target[strcspn(target, "?")] = '\0';
    if (strchr(target, '#') != NULL)
        return http_error(c, 400, "a fragment is not sent to a server");
    if (percent_decode(target, strlen(target), path, sizeof path) != 0)
        return http_error(c, 400, "a bad %XX escape in the path");
    return http_serve_file(s, c, path);
}

/* Sends the next pieces of the response being sent, while the socket
 * keeps up: at most SERVER_FETCH_LOW_WATER bytes queued at once, so a
 * large page never makes the client's queue reach SERVER_MAX_PENDING_OUT. */
static void fetch_pump(server *s, conn *c)
{
    uint8_t *msg = NULL;
    while (!c->dead && c->resp != NULL && conn_pending(c) < SERVER_FETCH_LOW_WATER) {
        size_t n = c->resp_len - c->resp_off;
        unsigned last = n <= GLASS_APP_FETCH_PIECE;
        if (!last)
            n = GLASS_APP_FETCH_PIECE;
        size_t len = 0;
        if (msg == NULL && (msg = malloc(GLASS_MAX_PLAINTEXT)) == NULL)
            return;
        if (glass_app_encode_fetch_response(msg, GLASS_MAX_PLAINTEXT, &len, last,
                                            c->resp + c->resp_off, n) != GLASS_OK)
            last = 1;
        else
            send_app(s, c, msg, len);
        c->resp_off += n;
        if (last) {
            free(c->resp);
            c->resp = NULL;
        }
    }
    free(msg);
}

static void on_fetch(server *s, conn *c, const glass_app_msg *m)
{
    char what[256];
    if (c->resp != NULL) {
        send_error(s, c, GLASS_APP_ERR_BUSY, "the previous response is still being sent");
        return;
    }
    if (http_handle(s, c, m->text, m->text_len, what, sizeof what) != 0) {
        send_error(s, c, GLASS_APP_ERR_STORAGE, "cannot build the response");
        return;
    }
    logf_(s, c, "fetch %s: %.200s -> %d (%zu bytes)", c->name, what, c->resp_status,
          c->resp_len);
    fetch_pump(s, c);
}

/* ---- the key-value store (PROTOCOL.md §7.2) ---------------------------------------- */

/* 1 if key is 1..KV_KEY_MAX of A-Z a-z 0-9 . _ - (it is written to a file,
 * one per line, so no space or newline). */
static int kv_key_valid(const uint8_t *key, size_t len)
{
    if (len == 0 || len > KV_KEY_MAX)
        return 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char ch = key[i];
        if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
              ch == '.' || ch == '_' || ch == '-'))
            return 0;
    }
    return 1;
}

static int kv_path(const server *s, const char *owner, char *out, size_t cap)
{
    return (size_t)snprintf(out, cap, "%s/kv/%s.txt", s->o.dir, owner) < cap ? 0 : -1;
}

/* Where key is, or where it would go (entries are kept sorted). */
static size_t kv_find(const kv_store *st, const char *key, int *found)
{
    size_t i = 0;
    *found = 0;
    for (; i < st->n; i++) {
        int cmp = strcmp(st->e[i].key, key);
        if (cmp == 0)
            *found = 1;
        if (cmp >= 0)
            break;
    }
    return i;
}

static void kv_store_free(kv_store *st)
{
    for (size_t i = 0; i < st->n; i++)
        free(st->e[i].value);
    free(st);
}

/* Reads D/kv/OWNER.txt: lines "KEY HEX(VALUE)".  A missing file is an
 * empty store; a damaged one is refused (rather than overwritten). */
static glass_err kv_load(const server *s, kv_store *st)
{
    char path[SERVER_PATH_MAX];
    uint8_t *data = NULL;
    size_t len = 0;
    struct stat sb;
    if (kv_path(s, st->owner, path, sizeof path) != 0)
        return GLASS_ERR_ARG;
    if (stat(path, &sb) != 0)
        return errno == ENOENT ? GLASS_OK : GLASS_ERR_IO;
    glass_err err = glass_read_file(path, KV_FILE_MAX, &data, &len);
    if (err != GLASS_OK)
        return err;
    char *text = malloc(len + 1);
    if (text == NULL) {
        free(data);
        return GLASS_ERR_NOMEM;
    }
    memcpy(text, data, len);
    text[len] = '\0';
    free(data);
    for (char *line = text; *line != '\0' && err == GLASS_OK;) {
        char *nl = strchr(line, '\n');
        if (nl == NULL) {
            err = GLASS_ERR_IO;
            break;
        }
        *nl = '\0';
        char *sp = strchr(line, ' ');
        int found;
        if (sp == NULL || st->n == KV_MAX_KEYS) {
            err = GLASS_ERR_IO;
            break;
        }
        *sp = '\0';
        size_t at = kv_find(st, line, &found);
        if (found || !kv_key_valid((const uint8_t *)line, strlen(line))) {
            err = GLASS_ERR_IO;
            break;
        }
        kv_entry e;
        memset(&e, 0, sizeof e);
        snprintf(e.key, sizeof e.key, "%s", line);
        err = glass_hex_decode_alloc(&e.value, &e.len, sp + 1);
        if (err == GLASS_OK && e.len > KV_VALUE_MAX) {
            free(e.value);
            err = GLASS_ERR_IO;
        }
        if (err != GLASS_OK)
            break;
        memmove(&st->e[at + 1], &st->e[at], (st->n - at) * sizeof st->e[0]);
        st->e[at] = e;
        st->n++;
        line = nl + 1;
    }
    free(text);
    return err;
}

/* Writes the whole store to D/kv/OWNER.txt, atomically: a crash leaves the
 * old file or the new one. */
static glass_err kv_save(const server *s, const kv_store *st)
{
    char path[SERVER_PATH_MAX];
    size_t cap = 1, len = 0;
    for (size_t i = 0; i < st->n; i++)
        cap += strlen(st->e[i].key) + 2 + 2 * st->e[i].len + 1;
    if (snprintf(path, sizeof path, "%s/kv", s->o.dir) >= (int)sizeof path)
        return GLASS_ERR_ARG;
    if (mkdir(path, 0700) != 0 && errno != EEXIST)
        return GLASS_ERR_IO;
    if (kv_path(s, st->owner, path, sizeof path) != 0)
        return GLASS_ERR_ARG;
    char *text = malloc(cap);
    if (text == NULL)
        return GLASS_ERR_NOMEM;
    for (size_t i = 0; i < st->n; i++) {
        len += (size_t)snprintf(text + len, cap - len, "%s ", st->e[i].key);
        glass_hex_encode(text + len, cap - len, st->e[i].value, st->e[i].len);
        len += 2 * st->e[i].len;
        text[len++] = '\n';
    }
    glass_err err = glass_write_file_atomic(path, (const uint8_t *)text, len, 0600);
    free(text);
    return err;
}

/* The store of the client named owner: found, or loaded on first use. */
static kv_store *kv_open(server *s, const char *owner, const char **why)
{
    for (size_t i = 0; i < s->n_kv; i++)
        if (strcmp(s->kv[i]->owner, owner) == 0)
            return s->kv[i];
    /* The owner's name becomes a file name: the enrollment alphabet, not
     * starting with '.', so no "..", no '/'. */
    if (!enroll_name_valid(owner)) {
        *why = "the key-value store needs a client name of A-Z a-z 0-9 . _ -";
        return NULL;
    }
    kv_store *st = calloc(1, sizeof *st);
    kv_store **v = realloc(s->kv, (s->n_kv + 1) * sizeof *v);
    if (v != NULL)
        s->kv = v;
    if (st == NULL || v == NULL) {
        free(st);
        *why = "out of memory";
        return NULL;
    }
    snprintf(st->owner, sizeof st->owner, "%s", owner);
    glass_err err = kv_load(s, st);
    if (err != GLASS_OK) {
        logf_(s, NULL, "kv/%s.txt is damaged or unreadable (%s): not touched", owner,
              glass_strerror(err));
        kv_store_free(st);
        *why = "the server cannot read this client's store";
        return NULL;
    }
    s->kv[s->n_kv++] = st;
    return st;
}

static void on_kv(server *s, conn *c, const glass_app_msg *m)
{
    uint8_t *out = NULL;
    size_t out_len = 0;
    char key[KV_KEY_MAX + 1] = "";
    const char *why = NULL;
    int found = 0;
    glass_err err = GLASS_OK;

    /* 1. Whose store: the CN of this session's certificate, never a name
     *    taken from the message. */
    kv_store *st = kv_open(s, c->name, &why);
    if (st == NULL) {
        send_error(s, c, GLASS_APP_ERR_STORAGE, why);
        return;
    }
    /* 2. The key, if the message has one. */
    if (m->type != GLASS_APP_KV_LIST) {
        if (!kv_key_valid(m->name, m->name_len)) {
            send_error(s, c, GLASS_APP_ERR_LIMIT,
                       "a key is 1 to 64 characters of A-Z a-z 0-9 . _ -");
            return;
        }
        memcpy(key, m->name, m->name_len);
        key[m->name_len] = '\0';
    }
    size_t at = kv_find(st, key, &found);
    out = malloc(GLASS_MAX_PLAINTEXT);
    if (out == NULL)
        return;
    switch (m->type) {
    case GLASS_APP_KV_PUT: {
        /* 3. Put: the limits, then the change, then the file; if the file
         *    cannot be written the change is undone. */
        if (m->text_len > KV_VALUE_MAX) {
            send_error(s, c, GLASS_APP_ERR_LIMIT, "a value is at most 4096 bytes");
            goto cleanup;
        }
        if (!found && st->n == KV_MAX_KEYS) {
            send_error(s, c, GLASS_APP_ERR_LIMIT, "at most 64 keys per client");
            goto cleanup;
        }
        uint8_t *value = malloc(m->text_len + 1);
        if (value == NULL)
            goto cleanup;
        if (m->text_len > 0)
            memcpy(value, m->text, m->text_len);
        kv_entry old = found ? st->e[at] : (kv_entry){{0}, NULL, 0};
        if (!found) {
            memmove(&st->e[at + 1], &st->e[at], (st->n - at) * sizeof st->e[0]);
            st->n++;
            snprintf(st->e[at].key, sizeof st->e[at].key, "%s", key);
        }
        st->e[at].value = value;
        st->e[at].len = m->text_len;
        err = kv_save(s, st);
        if (err != GLASS_OK) {
            free(value);
            if (found) {
                st->e[at] = old;
            } else {
                memmove(&st->e[at], &st->e[at + 1], (st->n - at - 1) * sizeof st->e[0]);
                st->n--;
            }
            break;
        }
        free(old.value);
        err = glass_app_encode_kv_done(out, GLASS_MAX_PLAINTEXT, &out_len, key);
        logf_(s, c, "kv %s: put %s (%zu bytes)", c->name, key, m->text_len);
        break;
    }
    case GLASS_APP_KV_GET:
        if (!found) {
            send_error(s, c, GLASS_APP_ERR_NO_SUCH_KEY, "no such key");
            goto cleanup;
        }
        err = glass_app_encode_kv_value(out, GLASS_MAX_PLAINTEXT, &out_len, key,
                                        st->e[at].value, st->e[at].len);
        break;
    case GLASS_APP_KV_DELETE: {
        if (!found) {
            send_error(s, c, GLASS_APP_ERR_NO_SUCH_KEY, "no such key");
            goto cleanup;
        }
        kv_entry old = st->e[at];
        memmove(&st->e[at], &st->e[at + 1], (st->n - at - 1) * sizeof st->e[0]);
        st->n--;
        err = kv_save(s, st);
        if (err != GLASS_OK) {
            memmove(&st->e[at + 1], &st->e[at], (st->n - at) * sizeof st->e[0]);
            st->e[at] = old;
            st->n++;
            break;
        }
        free(old.value);
        err = glass_app_encode_kv_done(out, GLASS_MAX_PLAINTEXT, &out_len, key);
        logf_(s, c, "kv %s: delete %s", c->name, key);
        break;
    }
    default: {
        const char *keys[KV_MAX_KEYS];
        for (size_t i = 0; i < st->n; i++)
            keys[i] = st->e[i].key;
        err = glass_app_encode_kv_keys(out, GLASS_MAX_PLAINTEXT, &out_len, keys, st->n);
        break;
    }
    }
    if (err != GLASS_OK) {
        logf_(s, c, "kv %s: %s", c->name, glass_strerror(err));
        send_error(s, c, GLASS_APP_ERR_STORAGE, "the server could not store the change");
        goto cleanup;
    }
    send_app(s, c, out, out_len);
cleanup:
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
    case GLASS_APP_FETCH_REQUEST:
        on_fetch(s, c, &m);
        break;
    case GLASS_APP_KV_PUT:
    case GLASS_APP_KV_GET:
    case GLASS_APP_KV_DELETE:
    case GLASS_APP_KV_LIST:
        on_kv(s, c, &m);
        break;
    default:
        send_error(s, c, GLASS_APP_ERR_BAD_MESSAGE,
                   "a client may send SendTo, Who, Bye, FetchRequest, KvPut, KvGet, "
                   "KvDelete or KvList");
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
            /* A page being sent: its next pieces, as the socket drains. */
            if (!c->dead && c->resp != NULL && c->phase == PHASE_READY)
                fetch_pump(s, c);
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
    for (size_t i = 0; i < s.n_kv; i++)
        kv_store_free(s.kv[i]);
    free(s.kv);
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
