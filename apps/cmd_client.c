/*
 * cmd_client.c — `glass client enroll | chat | get | bench`: the glass client
 * over TCP.
 *
 *   enroll  makes an RSA-2048 key and a PKCS#10 request for /CN=NAME, runs a
 *           server-authenticated handshake, sends the request with the
 *           one-time code, and keeps the certificate it gets back;
 *   chat    connects with mutual authentication and relays messages:
 *           `/to NAME message`, `/who`, `/quit`; it prints what arrives as
 *           "[alice] hello"; it also fetches pages (`/get PATH`) and keeps
 *           keys in the client's own store on the server (`/put`, `/getkey`,
 *           `/del`, `/keys`);
 *   get     fetches one page with HTTP/1.1 GET over the glass channel and
 *           writes its body (docs/PROTOCOL.md §7.1);
 *   bench   repeats full handshakes for a while and prints handshakes/s,
 *           the figure `openssl s_time -new` gives for TLS.
 *
 * The protocol itself is the sans-I/O engine of protocol/protocol.h; this
 * file only moves its bytes over a non-blocking socket (apps/net.h) and
 * turns its events into lines on the terminal.
 *
 * An identity directory (made by enroll, used by chat and bench) holds
 *     key.pem   the client's private key, encrypted PKCS#8 (mode 0600)
 *     cert.pem  its certificate, issued by the CA
 *     ca.pem    the CA certificate: the trust anchor for the server
 * each written with glass_write_file_atomic().
 *
 * Read in this order: the identity files, `drive` (the engine over a socket
 * until something happens), then enroll, chat, get and bench.
 *
 * In the lab build only, --insecure skips the check of the server's
 * certificate, as many hand-written HTTPS clients do (docs/labs/05); the
 * normal build refuses the switch.
 *
 * CT: not applicable here; the engine and the primitives state theirs.
 */
#include "apps.h"
#include "net/net.h"
#include "password.h"
#include "asn1/asn1.h"
#include "ca/ca.h"
#include "ca/enroll.h"
#include "protocol/protocol.h"
#ifdef GLASS_LAB_BUILD
#include "lab_common.h"
#endif

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define CMD "client"
#define CLIENT_CONNECT_MS      5000
#define CLIENT_HANDSHAKE_MS    60000
#define CLIENT_CLOSE_MS        2000
#define CLIENT_LINE_MAX        (GLASS_MAX_PLAINTEXT)
#define CLIENT_PATH_MAX        4096
#define CLIENT_DEFAULT_WAIT_MS 1000
#define CLIENT_FETCH_MAX       ((1u << 20) + 16384u)  /* a 1 MiB body and its header */
#define CLIENT_FETCH_MS        60000

/* ---- options shared by the three subcommands ------------------------------ */

struct client_opts {
    const char *server;
    const char *name;
    const char *code;
    const char *ca;
    const char *out;
    const char *id;
    const char *pass;
    const char *output;         /* get: -o FILE */
    const char *path;           /* get: the page */
    const char *request;        /* get: --request FILE, a whole request of one's own */
    int insecure;               /* lab build only: skip the server certificate check */
    int trace;
    int verbose;
    int batch;
    int wait_ms;
    double seconds;
    unsigned long iter;
    char host[NET_HOST_MAX];
    uint16_t port;
};

/* One connection: the socket, the engine, and the trace printer. */
typedef struct client_conn {
    int fd;
    glass_engine *eng;
    net_tracer tr;
    glass_tracer tracer;
    int closed;                 /* the engine reported GLASS_EV_CLOSED */
    int eof;                    /* the peer hung up */
    glass_err failure;          /* what ended it, when it failed */
    uint8_t alert_sent;
    uint8_t alert_received;
    int got_alert_sent;
    int got_alert_received;
} client_conn;

static void usage(FILE *f)
{
    fprintf(f,
            "usage: glass client enroll --server HOST:PORT --name NAME --code CODE --ca ca.pem\n"
            "                           [--out DIR] -pass SRC [-iter N] [--trace] [--verbose]\n"
            "       glass client chat --server HOST:PORT --id DIR -pass SRC [--batch]\n"
            "                         [--wait S] [--trace] [--verbose]\n"
            "       glass client get --server HOST:PORT --id DIR -pass SRC PATH [-o FILE]\n"
            "                        [--request FILE]\n"
            "       glass client bench --server HOST:PORT --id DIR -pass SRC [--time S] [--new]\n\n"
            "enroll  makes an RSA-2048 key (saved encrypted with the password), a request\n"
            "        for /CN=NAME, and has the server's CA sign it, using the one-time\n"
            "        code from `glass ca enroll-code`.  The server's certificate is\n"
            "        checked against ca.pem and must name HOST.  The identity (key.pem,\n"
            "        cert.pem, ca.pem) is kept in DIR (default ./NAME); -iter N sets the\n"
            "        PBKDF2 iteration count protecting key.pem (default %u).\n"
            "chat    connects with mutual authentication.  Lines typed (or read from\n"
            "        standard input when it is not a terminal, or with --batch):\n"
            "            /to NAME message    send a message to NAME through the server\n"
            "            /who                list the connected clients\n"
            "            /get PATH           fetch a page the server publishes (HTTP/1.1\n"
            "                                GET) and print the whole response\n"
            "            /put KEY VALUE      keep VALUE under KEY in your own store\n"
            "            /getkey KEY         print it (also /kv get KEY)\n"
            "            /del KEY            forget it\n"
            "            /keys               list your keys\n"
            "            /quit               leave\n"
            "        Messages arrive as \"[NAME] text\".  In batch mode, after the end of\n"
            "        input the client waits up to --wait S seconds (default 1) for\n"
            "        answers: it leaves as soon as every request is answered, unless it\n"
            "        sent a /to (answered only on failure), then it waits all S.\n"
            "get     fetches PATH (e.g. /index.html) with HTTP/1.1 GET over the glass\n"
            "        channel and writes the body to standard output, or with -o FILE\n"
            "        to FILE (atomically: all of it or nothing).  A status other than\n"
            "        200 is an error: exit 1, nothing written.  --request FILE sends\n"
            "        FILE's bytes as the request, as they are (write your own HTTP),\n"
            "        and writes the whole response, status line and header included.\n"
            "bench   repeats full mutually-authenticated handshakes for --time S seconds\n"
            "        (default 5) and prints handshakes per second (like `openssl s_time\n"
            "        -new`).\n\n"
            "  --trace    print every handshake step with its bytes and their meaning\n"
            "  --verbose  print the group, suite, key sizes and the server's subject\n"
#ifdef GLASS_LAB_BUILD
            "  --insecure LAB BUILD ONLY: do not check the server's certificate (lab 5)\n"
#endif
            "\n"
            "example:\n"
            "  glass client enroll --server 127.0.0.1:4433 --name alice \\\n"
            "      --code 7K2M-QX4D-9HJB-TR3W-P6NC --ca myca/ca.pem -pass pass:alicepw\n"
            "  printf '/to bob hello\\n/who\\n' | \\\n"
            "      glass client chat --server 127.0.0.1:4433 --id alice -pass pass:alicepw\n"
            "  glass client get --server 127.0.0.1:4433 --id alice -pass pass:alicepw \\\n"
            "      /index.html -o index.html\n",
            KEY_DEFAULT_ITERATIONS);
}

static int parse_args(const char *sub, int argc, char **argv, struct client_opts *o)
{
    o->wait_ms = CLIENT_DEFAULT_WAIT_MS;
    o->seconds = 5.0;
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
        } else if (strcmp(a, "--batch") == 0) {
            o->batch = 1;
            takes = 0;
        } else if (strcmp(a, "--new") == 0 || strcmp(a, "-new") == 0) {
            takes = 0;          /* every bench handshake is a full one */
        } else if (strcmp(a, "--insecure") == 0 || strcmp(a, "-insecure") == 0) {
#ifdef GLASS_LAB_BUILD
            o->insecure = 1;
            takes = 0;
#else
            /* Skipping the server's certificate check is a lab exercise
             * (docs/labs/05-certificates.md), never an option of the real
             * client. */
            return app_error(CMD, "only in the lab build (make labs)");
#endif
        } else if (strcmp(sub, "get") == 0 && a[0] != '-' && o->path == NULL) {
            o->path = a;
            takes = 0;
        } else if (v == NULL) {
            return app_error(CMD, "%s: %s needs a value (see --help)", sub, a);
        } else if (strcmp(a, "--server") == 0 || strcmp(a, "-connect") == 0) {
            o->server = v;
        } else if (strcmp(a, "--name") == 0) {
            o->name = v;
        } else if (strcmp(a, "--code") == 0) {
            o->code = v;
        } else if (strcmp(a, "--ca") == 0 || strcmp(a, "-CAfile") == 0) {
            o->ca = v;
        } else if (strcmp(a, "-iter") == 0 || strcmp(a, "--iter") == 0) {
            if (app_uint_arg(CMD, a, v, 1, KEY_MAX_ITERATIONS, &o->iter))
                return 1;
        } else if (strcmp(a, "--out") == 0) {
            o->out = v;
        } else if (strcmp(sub, "get") == 0 && (strcmp(a, "-o") == 0 || strcmp(a, "-out") == 0)) {
            o->output = v;
        } else if (strcmp(sub, "get") == 0 && strcmp(a, "--request") == 0) {
            o->request = v;
        } else if (strcmp(a, "--id") == 0) {
            o->id = v;
        } else if (strcmp(a, "-pass") == 0 || strcmp(a, "--pass") == 0) {
            o->pass = v;
        } else if (strcmp(a, "--wait") == 0 || strcmp(a, "--time") == 0 ||
                   strcmp(a, "-time") == 0) {
            char *end = NULL;
            double d = strtod(v, &end);
            if (end == v || *end != '\0' || !(d >= 0) || d > 3600)
                return app_error(CMD, "%s: %s: '%s' is not a number of seconds from 0 to 3600",
                                 sub, a, v);
            if (strcmp(a, "--wait") == 0)
                o->wait_ms = (int)(d * 1000);
            else
                o->seconds = d;
        } else {
            return app_error(CMD, "%s: unknown option '%s' (see --help)", sub, a);
        }
        i += takes;
    }
    if (o->server == NULL)
        return app_error(CMD, "%s: --server HOST:PORT is required", sub);
#ifdef GLASS_LAB_BUILD
    if (o->insecure)
        lab_insecure_banner("glass client --insecure: the server's certificate is NOT checked; "
                            "anyone in the middle can read and change everything");
#endif
    if (net_parse_hostport(o->server, o->host, sizeof o->host, &o->port) != GLASS_OK)
        return app_error(CMD, "%s: --server: '%s' is not HOST:PORT", sub, o->server);
    return 0;
}

static int path_join(char *out, size_t cap, const char *dir, const char *file)
{
    return (size_t)snprintf(out, cap, "%s/%s", dir, file) < cap ? 0 : -1;
}

/* Prints text received from the network with control characters replaced:
 * a peer must not be able to drive our terminal with escape sequences. */
static void print_safe(FILE *f, const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned ch = p[i];
        fputc(ch < 0x20 || ch == 0x7f ? '?' : (int)ch, f);
    }
}

/* ---- the engine over a socket --------------------------------------------- */

static glass_err conn_open(client_conn *c, const struct client_opts *o, glass_config *cfg)
{
    memset(c, 0, sizeof *c);
    c->fd = -1;
    c->tr.out = stdout;
    c->tr.show = o->trace;
    c->tracer.fn = net_trace_event;
    c->tracer.arg = &c->tr;
    cfg->role = GLASS_ROLE_CLIENT;
    cfg->now = net_wall_time();
    cfg->server_name = o->host;
    cfg->trace = o->trace ? &c->tracer : NULL;
#ifdef GLASS_LAB_BUILD
    cfg->insecure_skip_verify = o->insecure;
#endif
    glass_err err = net_connect(o->host, o->port, CLIENT_CONNECT_MS, &c->fd);
    if (err != GLASS_OK)
        return err;
    err = glass_engine_new(&c->eng, cfg);
    if (err == GLASS_OK)
        err = glass_engine_start(c->eng);
    return err;
}

static void conn_close(client_conn *c)
{
    if (c->fd >= 0)
        close(c->fd);
    c->fd = -1;
    glass_engine_free(c->eng);
    c->eng = NULL;
}

/* Reads what the socket has and feeds it to the engine. */
static void conn_read(client_conn *c)
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
static int note_event(client_conn *c, const glass_event *ev)
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
static int conn_report(const char *sub, const client_conn *c, const char *during)
{
    if (c->got_alert_sent)
        return app_error(CMD, "%s: %s failed: %s (alert %s sent)", sub, during,
                         glass_strerror(c->failure), glass_alert_name(c->alert_sent));
    if (c->got_alert_received)
        return app_error(CMD, "%s: %s failed: the server sent alert %s", sub, during,
                         glass_alert_name(c->alert_received));
    if (c->failure != GLASS_OK)
        return app_error(CMD, "%s: %s failed: %s", sub, during, glass_strerror(c->failure));
    return app_error(CMD, "%s: %s failed: the server closed the connection", sub, during);
}

/* Runs the connection until handler returns non-zero (1 done, -1 failed),
 * the connection ends, or deadline (monotonic ms) passes.  Returns 1 when
 * the handler said done, 0 otherwise. */
static int drive(client_conn *c, int64_t deadline,
                 int (*handler)(client_conn *c, const glass_event *ev, void *arg), void *arg)
{
    for (;;) {
        glass_event ev;
        while (glass_engine_next_event(c->eng, &ev)) {
            if (note_event(c, &ev))
                continue;
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
            conn_read(c);
    }
}

/* Sends close_notify and waits (bounded) for it to leave. */
static void conn_goodbye(client_conn *c)
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

static void print_verbose(const client_conn *c, const rsa_private_key *own)
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
        printf("server key RSA-%zu, no client certificate (enrollment)\n", peer.pub.k * 8);
    printf("server subject %s, issuer %s\n", peer.subject, peer.issuer);
    x509_free(&peer);
}

/* ---- identities ------------------------------------------------------------- */

typedef struct identity {
    rsa_private_key key;
    int key_init;
    x509_cert *certs;           /* cert.pem */
    size_t n_certs;
    x509_cert *anchors;         /* ca.pem */
    size_t n_anchors;
    glass_blob chain;
    glass_blob anchor;
    char name[X509_NAME_STR_MAX];
} identity;

static void identity_free(identity *id)
{
    if (id->key_init)
        rsa_private_clear(&id->key);
    if (id->certs != NULL)
        x509_free_all(id->certs, id->n_certs);
    if (id->anchors != NULL)
        x509_free_all(id->anchors, id->n_anchors);
    memset(id, 0, sizeof *id);
}

/* Loads DIR/key.pem (with the password), DIR/cert.pem and DIR/ca.pem. */
static int identity_load(const char *sub, const char *dir, const char *pass, identity *id)
{
    char path[CLIENT_PATH_MAX];
    char *password = NULL;
    uint8_t *data = NULL;
    size_t len = 0;
    int rc = 1;
    glass_err err;
    memset(id, 0, sizeof *id);
    if (path_join(path, sizeof path, dir, "cert.pem") != 0)
        return app_error(CMD, "%s: --id: path too long", sub);
    err = x509_load_pem_file(path, &id->certs, &id->n_certs);
    if (err != GLASS_OK)
        return app_error(CMD, "%s: %s: %s", sub, path, glass_strerror(err));
    path_join(path, sizeof path, dir, "ca.pem");
    err = x509_load_pem_file(path, &id->anchors, &id->n_anchors);
    if (err != GLASS_OK) {
        app_error(CMD, "%s: %s: %s", sub, path, glass_strerror(err));
        goto cleanup;
    }
    path_join(path, sizeof path, dir, "key.pem");
    err = glass_read_file(path, 1u << 20, &data, &len);
    if (err != GLASS_OK) {
        app_error(CMD, "%s: %s: %s", sub, path, glass_strerror(err));
        goto cleanup;
    }
    if (key_is_encrypted(data, len)) {
        err = app_password_get(pass, "Enter pass phrase for key.pem", 0, &password);
        if (err != GLASS_OK) {
            app_error(CMD, "%s: -pass: %s", sub, glass_strerror(err));
            goto cleanup;
        }
    }
    rsa_private_init(&id->key);
    id->key_init = 1;
    err = key_load_private(data, len, password, &id->key);
    if (err != GLASS_OK) {
        app_error(CMD, "%s: %s: %s", sub, path, glass_strerror(err));
        goto cleanup;
    }
    if (mpz_cmp(id->certs[0].pub.n, id->key.n) != 0) {
        app_error(CMD, "%s: %s/cert.pem does not belong to %s/key.pem", sub, dir, dir);
        goto cleanup;
    }
    if (x509_subject_cn(&id->certs[0], id->name, sizeof id->name) != GLASS_OK)
        snprintf(id->name, sizeof id->name, "%s", id->certs[0].subject);
    id->chain.der = id->certs[0].der;
    id->chain.len = id->certs[0].der_len;
    id->anchor.der = id->anchors[0].der;
    id->anchor.len = id->anchors[0].der_len;
    rc = 0;
cleanup:
    app_password_free(password);
    if (data != NULL) {
        glass_wipe(data, len);
        free(data);
    }
    if (rc != 0)
        identity_free(id);
    return rc;
}

/* The config of a mutually authenticated connection with identity id. */
static void identity_config(const identity *id, glass_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->anchors = &id->anchor;
    cfg->n_anchors = 1;
    cfg->chain = &id->chain;
    cfg->n_chain = 1;
    cfg->key = &id->key;
}

/* ---- enroll --------------------------------------------------------------------- */

struct enroll_state {
    const struct client_opts *o;
    const uint8_t *csr;
    size_t csr_len;
    uint8_t *cert;              /* the certificate issued (malloc'd) */
    size_t cert_len;
    char reason[256];           /* why it was refused */
    int refused;
};

static int enroll_handler(client_conn *c, const glass_event *ev, void *arg)
{
    struct enroll_state *st = arg;
    if (ev->type == GLASS_EV_HANDSHAKE_DONE) {
        /* The server is authenticated: now the request and the code. */
        if (st->o->verbose)
            print_verbose(c, NULL);
        glass_err err = glass_engine_enroll(c->eng, st->o->name, st->csr, st->csr_len,
                                            (const uint8_t *)st->o->code, strlen(st->o->code));
        if (err != GLASS_OK) {
            c->failure = err;
            return -1;
        }
        return 0;
    }
    if (ev->type == GLASS_EV_ENROLL_RESULT) {
        if (!ev->enroll_ok) {
            size_t n = ev->len < sizeof st->reason - 1 ? ev->len : sizeof st->reason - 1;
            for (size_t i = 0; i < n; i++)
                st->reason[i] = ev->data[i] < 0x20 || ev->data[i] == 0x7f ? '?' : (char)ev->data[i];
            st->reason[n] = '\0';
            st->refused = 1;
            return -1;
        }
        st->cert = malloc(ev->len);
        if (st->cert == NULL)
            return -1;
        memcpy(st->cert, ev->data, ev->len);
        st->cert_len = ev->len;
        return 1;
    }
    return 0;
}

/* Checks the certificate the CA returned: ours (same key), for our name,
 * and issued by the CA we trust for client authentication. */
static int check_issued(const struct client_opts *o, const uint8_t *der, size_t len,
                        const rsa_private_key *key, const x509_cert *anchors, size_t n_anchors,
                        char *serial_hex, size_t serial_cap)
{
    x509_cert cert;
    char cn[X509_NAME_STR_MAX];
    glass_err err = x509_parse(&cert, der, len);
    if (err != GLASS_OK)
        return app_error(CMD, "enroll: the certificate returned does not parse: %s",
                         glass_strerror(err));
    int rc = 1;
    if (mpz_cmp(cert.pub.n, key->n) != 0 || mpz_cmp(cert.pub.e, key->e) != 0) {
        app_error(CMD, "enroll: the certificate returned is not for our key");
        goto cleanup;
    }
    if (x509_subject_cn(&cert, cn, sizeof cn) != GLASS_OK || strcmp(cn, o->name) != 0) {
        app_error(CMD, "enroll: the certificate returned is not for %s", o->name);
        goto cleanup;
    }
    err = x509_verify_chain(&cert, 1, anchors, n_anchors, NULL, X509_PURPOSE_CLIENT,
                            net_wall_time(), NULL);
    if (err != GLASS_OK) {
        app_error(CMD, "enroll: the certificate returned does not verify: %s",
                  glass_strerror(err));
        goto cleanup;
    }
    glass_hex_encode(serial_hex, serial_cap, cert.serial, cert.serial_len);
    rc = 0;
cleanup:
    x509_free(&cert);
    return rc;
}

/* Writes key.pem (encrypted, 0600), cert.pem and ca.pem into dir. */
static int save_identity(const char *dir, const rsa_private_key *key, const char *password,
                         uint32_t iter, const uint8_t *cert, size_t cert_len,
                         const uint8_t *ca_pem, size_t ca_pem_len)
{
    char path[CLIENT_PATH_MAX];
    uint8_t *key_pem = NULL;
    char *cert_pem = NULL;
    size_t key_len = 0, cert_pem_len = 0;
    glass_err err;
    if (mkdir(dir, 0700) != 0 && errno != EEXIST)
        return app_error(CMD, "enroll: cannot create %s: %s", dir, strerror(errno));
    err = key_save_private_pem(key, password, iter, &key_pem, &key_len);
    if (err == GLASS_OK)
        err = pem_encode(PEM_CERTIFICATE, cert, cert_len, &cert_pem, &cert_pem_len);
    if (err == GLASS_OK && path_join(path, sizeof path, dir, "key.pem") == 0)
        err = glass_write_file_atomic(path, key_pem, key_len, 0600);
    if (err == GLASS_OK && path_join(path, sizeof path, dir, "cert.pem") == 0)
        err = glass_write_file_atomic(path, (const uint8_t *)cert_pem, cert_pem_len, 0644);
    if (err == GLASS_OK && path_join(path, sizeof path, dir, "ca.pem") == 0)
        err = glass_write_file_atomic(path, ca_pem, ca_pem_len, 0644);
    if (key_pem != NULL) {
        glass_wipe(key_pem, key_len);
        free(key_pem);
    }
    free(cert_pem);
    if (err != GLASS_OK)
        return app_error(CMD, "enroll: cannot save the identity in %s: %s", dir,
                         glass_strerror(err));
    return 0;
}

static int do_enroll(int argc, char **argv)
{
    struct client_opts o;
    identity anchors;
    client_conn c;
    struct enroll_state st;
    glass_config cfg;
    char *password = NULL;
    uint8_t *ca_pem = NULL, *csr = NULL;
    size_t ca_pem_len = 0, csr_len = 0;
    char path[CLIENT_PATH_MAX], subject[ENROLL_NAME_MAX + 8], serial[2 * X509_SERIAL_MAX + 1];
    rsa_private_key key;
    int key_init = 0, rc = 1;
    glass_err err;
    memset(&o, 0, sizeof o);
    memset(&anchors, 0, sizeof anchors);
    memset(&c, 0, sizeof c);
    memset(&st, 0, sizeof st);
    memset(&cfg, 0, sizeof cfg);
    c.fd = -1;
    if (parse_args("enroll", argc, argv, &o) != 0)
        return 1;
    if (o.name == NULL || o.code == NULL || o.ca == NULL)
        return app_error(CMD, "enroll: --name, --code and --ca are required (see --help)");
    if (!enroll_name_valid(o.name))
        return app_error(CMD, "enroll: bad name '%s': use 1 to %d of A-Z a-z 0-9 . _ -", o.name,
                         ENROLL_NAME_MAX);
    const char *dir = o.out != NULL ? o.out : o.name;
    if (path_join(path, sizeof path, dir, "key.pem") != 0)
        return app_error(CMD, "enroll: --out: path too long");
    struct stat sb;
    if (stat(path, &sb) == 0)
        return app_error(CMD, "enroll: %s already exists: refusing to replace an identity", path);

    /* 1. The trust anchor: the CA whose certificate the server must show. */
    err = glass_read_file(o.ca, 1u << 20, &ca_pem, &ca_pem_len);
    if (err == GLASS_OK)
        err = x509_load_pem(ca_pem, ca_pem_len, &anchors.anchors, &anchors.n_anchors);
    if (err != GLASS_OK) {
        app_error(CMD, "enroll: %s: %s", o.ca, glass_strerror(err));
        goto cleanup;
    }
    anchors.anchor.der = anchors.anchors[0].der;
    anchors.anchor.len = anchors.anchors[0].der_len;
    err = app_password_get(o.pass, "Enter a pass phrase for the new key", 1, &password);
    if (err != GLASS_OK) {
        app_error(CMD, "enroll: -pass: %s", glass_strerror(err));
        goto cleanup;
    }

    /* 2. Our key and the request for /CN=NAME, signed with it. */
    rsa_private_init(&key);
    key_init = 1;
    err = rsa_generate(&key, 2048, RSA_DEFAULT_E);
    snprintf(subject, sizeof subject, "/CN=%s", o.name);
    if (err == GLASS_OK)
        err = csr_create(&key, subject, &csr, &csr_len);
    if (err != GLASS_OK) {
        app_error(CMD, "enroll: cannot make the key and request: %s", glass_strerror(err));
        goto cleanup;
    }

    /* 3. A server-authenticated handshake, then EnrollRequest. */
    cfg.anchors = &anchors.anchor;
    cfg.n_anchors = 1;
    err = conn_open(&c, &o, &cfg);
    if (err != GLASS_OK) {
        app_error(CMD, "enroll: cannot connect to %s: %s", o.server,
                  err == GLASS_ERR_IO ? strerror(errno) : glass_strerror(err));
        goto cleanup;
    }
    st.o = &o;
    st.csr = csr;
    st.csr_len = csr_len;
    if (!drive(&c, net_now_ms() + CLIENT_HANDSHAKE_MS, enroll_handler, &st)) {
        if (st.refused)
            app_error(CMD, "enroll: refused by the server: %s", st.reason);
        else
            conn_report("enroll", &c, "enrollment");
        goto cleanup;
    }
    conn_goodbye(&c);

    /* 4. Check what came back, then keep key, certificate and CA together. */
    if (check_issued(&o, st.cert, st.cert_len, &key, anchors.anchors, anchors.n_anchors, serial,
                     sizeof serial) != 0)
        goto cleanup;
    if (save_identity(dir, &key, password, (uint32_t)o.iter, st.cert, st.cert_len, ca_pem,
                      ca_pem_len) != 0)
        goto cleanup;
    printf("enrolled %s: certificate serial %s, identity saved in %s/\n", o.name, serial, dir);
    rc = 0;
cleanup:
    if (c.eng != NULL || c.fd >= 0)
        conn_close(&c);
    if (key_init)
        rsa_private_clear(&key);
    identity_free(&anchors);
    app_password_free(password);
    free(ca_pem);
    free(csr);
    free(st.cert);
    return rc;
}

/* ---- chat -------------------------------------------------------------------------- */

static int chat_handshake_handler(client_conn *c, const glass_event *ev, void *arg)
{
    (void)c;
    (void)arg;
    return ev->type == GLASS_EV_HANDSHAKE_DONE ? 1 : 0;
}

/* What the user has sent that may still be answered. */
struct chat_pending {
    int who;                    /* /who sent, WhoList not yet received */
    int sent_to;                /* a /to was sent (answered only if it fails) */
    int kv;                     /* key-value requests not yet answered */
    int fetch;                  /* /get sent, the last piece not yet received */
    uint8_t *resp;              /* the response being received (pieces so far) */
    size_t resp_len;
    int resp_overflow;          /* more than CLIENT_FETCH_MAX: dropped */
};

/* Prints HTTP text received from the network: lines kept, CR dropped,
 * other control characters replaced as in print_safe. */
static void print_http(FILE *f, const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned ch = p[i];
        if (ch == '\r')
            continue;
        fputc(ch == '\n' || ch == '\t' ? (int)ch : ch < 0x20 || ch == 0x7f ? '?' : (int)ch, f);
    }
    if (n > 0 && p[n - 1] != '\n')
        fputc('\n', f);
}

/* Appends a FetchResponse piece to the response being received.  Returns 1
 * when the response is complete. */
static int fetch_append(struct chat_pending *pend, const glass_app_msg *m)
{
    if (!pend->resp_overflow) {
        if (m->text_len > CLIENT_FETCH_MAX - pend->resp_len) {
            pend->resp_overflow = 1;
        } else if (m->text_len > 0) {
            uint8_t *r = realloc(pend->resp, pend->resp_len + m->text_len);
            if (r == NULL) {
                pend->resp_overflow = 1;
            } else {
                pend->resp = r;
                memcpy(r + pend->resp_len, m->text, m->text_len);
                pend->resp_len += m->text_len;
            }
        }
    }
    return m->last;
}

static void fetch_reset(struct chat_pending *pend)
{
    free(pend->resp);
    pend->resp = NULL;
    pend->resp_len = 0;
    pend->resp_overflow = 0;
}

/* Prints one message from the server. */
static void chat_show(const uint8_t *data, size_t len, struct chat_pending *pend)
{
    glass_app_msg m;
    if (glass_app_decode(data, len, &m) != GLASS_OK) {
        printf("! a malformed message arrived (%zu bytes)\n", len);
        return;
    }
    switch (m.type) {
    case GLASS_APP_DELIVER:
        putchar('[');
        print_safe(stdout, m.name, m.name_len);
        printf("] ");
        print_safe(stdout, m.text, m.text_len);
        putchar('\n');
        break;
    case GLASS_APP_WHO_LIST:
    case GLASS_APP_KV_KEYS:
        if (m.type == GLASS_APP_WHO_LIST && pend->who > 0)
            pend->who--;
        if (m.type == GLASS_APP_KV_KEYS && pend->kv > 0)
            pend->kv--;
        printf(m.type == GLASS_APP_WHO_LIST ? "* connected:" : "* keys:");
        for (size_t i = 0; i < m.n_names; i++) {
            putchar(' ');
            print_safe(stdout, m.names[i], m.name_lens[i]);
        }
        putchar('\n');
        break;
    case GLASS_APP_KV_VALUE:
    case GLASS_APP_KV_DONE:
        if (pend->kv > 0)
            pend->kv--;
        printf(m.type == GLASS_APP_KV_DONE ? "* ok " : "* ");
        print_safe(stdout, m.name, m.name_len);
        if (m.type == GLASS_APP_KV_VALUE) {
            printf(" = ");
            print_safe(stdout, m.text, m.text_len);
        }
        putchar('\n');
        break;
    case GLASS_APP_FETCH_RESPONSE:
        if (!fetch_append(pend, &m))
            break;
        if (pend->fetch > 0)
            pend->fetch--;
        if (pend->resp_overflow)
            printf("! the response was longer than %u bytes: dropped\n", CLIENT_FETCH_MAX);
        else
            print_http(stdout, pend->resp, pend->resp_len);
        fetch_reset(pend);
        break;
    case GLASS_APP_ERROR:
        /* The key-value errors and busy answer a request of ours. */
        if ((m.code == GLASS_APP_ERR_NO_SUCH_KEY || m.code == GLASS_APP_ERR_LIMIT ||
             m.code == GLASS_APP_ERR_STORAGE) && pend->kv > 0)
            pend->kv--;
        else if ((m.code == GLASS_APP_ERR_BUSY || m.code == GLASS_APP_ERR_STORAGE) &&
                 pend->fetch > 0)
            pend->fetch--;
        printf("! ");
        print_safe(stdout, m.text, m.text_len);
        putchar('\n');
        break;
    default:
        printf("* server sent %s\n", glass_app_type_name(m.type));
        break;
    }
    fflush(stdout);
}

/* The request text of GET path (RFC 9112 §3): bytes not allowed in a
 * request-target (space, controls, non-ASCII) are percent-encoded
 * (RFC 3986 §2.1); the rest, '%' included, go as typed. */
static glass_err fetch_request_text(const char *host, const char *path, char *out, size_t cap,
                                    size_t *out_len)
{
    size_t n = 0;
    int w = snprintf(out, cap, "GET ");
    if (w < 0 || (size_t)w >= cap)
        return GLASS_ERR_BUFFER_TOO_SMALL;
    n = (size_t)w;
    for (const unsigned char *p = (const unsigned char *)path; *p != '\0'; p++) {
        if (n + 4 >= cap)
            return GLASS_ERR_BUFFER_TOO_SMALL;
        if (*p <= 0x20 || *p >= 0x7f || *p == '"' || *p == '<' || *p == '>' || *p == '\\')
            n += (size_t)snprintf(out + n, cap - n, "%%%02X", *p);
        else
            out[n++] = (char)*p;
    }
    w = snprintf(out + n, cap - n, " HTTP/1.1\r\nHost: %s\r\n\r\n", host);
    if (w < 0 || (size_t)w >= cap - n)
        return GLASS_ERR_BUFFER_TOO_SMALL;
    *out_len = n + (size_t)w;
    return GLASS_OK;
}

/* Splits "/cmd ARG REST": *arg is the first word, *rest what follows it
 * (NULL when nothing does). */
static void split_words(char *args, char **arg, char **rest)
{
    while (*args == ' ')
        args++;
    *arg = args;
    char *sp = strchr(args, ' ');
    *rest = NULL;
    if (sp != NULL) {
        *sp = '\0';
        *rest = sp + 1;
    }
}

/* One line typed by the user.  Returns 1 for /quit. */
static int chat_line(client_conn *c, const struct client_opts *o, char *line,
                     struct chat_pending *pend)
{
    uint8_t *msg = NULL;
    size_t len = 0;
    glass_err err = GLASS_OK;
    char *arg = NULL, *rest = NULL;
    size_t n = strlen(line);
    while (n > 0 && (line[n - 1] == '\r' || line[n - 1] == ' '))
        line[--n] = '\0';
    if (n == 0 || line[0] == '#')
        return 0;
    if (strcmp(line, "/quit") == 0)
        return 1;
    msg = malloc(GLASS_MAX_PLAINTEXT);
    if (msg == NULL)
        return 0;
    /* "/kv get K" is "/getkey K", and so on. */
    if (strncmp(line, "/kv ", 4) == 0) {
        static const char *const alias[][2] = {
            {"get ", "/getkey "}, {"put ", "/put "}, {"del ", "/del "}, {"keys", "/keys"}};
        char *sub = line + 4;
        while (*sub == ' ')
            sub++;
        for (size_t i = 0; i < sizeof alias / sizeof alias[0]; i++) {
            size_t k = strlen(alias[i][0]);
            /* "get ", "put ", "del " take arguments; "keys" none. */
            int whole = alias[i][0][k - 1] != ' ';
            if (strncmp(sub, alias[i][0], k) == 0 && (!whole || sub[k] == '\0')) {
                size_t pre = strlen(alias[i][1]);
                memmove(line + pre, sub + k, strlen(sub + k) + 1);
                memcpy(line, alias[i][1], pre);
                break;
            }
        }
    }
    if (strcmp(line, "/who") == 0) {
        err = glass_app_encode_who(msg, GLASS_MAX_PLAINTEXT, &len);
        pend->who++;
    } else if (strncmp(line, "/to ", 4) == 0) {
        split_words(line + 4, &arg, &rest);
        if (rest == NULL) {
            app_error(CMD, "chat: /to needs a name and a message: /to NAME message");
            goto cleanup;
        }
        err = glass_app_encode_send_to(msg, GLASS_MAX_PLAINTEXT, &len, arg,
                                       (const uint8_t *)rest, strlen(rest));
        pend->sent_to = 1;
    } else if (strncmp(line, "/get ", 5) == 0) {
        char *req = malloc(GLASS_MAX_PLAINTEXT);
        split_words(line + 5, &arg, &rest);
        size_t req_len = 0;
        err = req == NULL ? GLASS_ERR_NOMEM
                          : fetch_request_text(o->host, arg, req, GLASS_MAX_PLAINTEXT, &req_len);
        if (err == GLASS_OK)
            err = glass_app_encode_fetch_request(msg, GLASS_MAX_PLAINTEXT, &len,
                                                 (const uint8_t *)req, req_len);
        free(req);
        pend->fetch++;
    } else if (strncmp(line, "/put ", 5) == 0) {
        split_words(line + 5, &arg, &rest);
        if (rest == NULL || *arg == '\0') {
            app_error(CMD, "chat: /put needs a key and a value: /put KEY VALUE");
            goto cleanup;
        }
        err = glass_app_encode_kv_put(msg, GLASS_MAX_PLAINTEXT, &len, arg,
                                      (const uint8_t *)rest, strlen(rest));
        pend->kv++;
    } else if (strncmp(line, "/getkey ", 8) == 0 || strncmp(line, "/del ", 5) == 0) {
        int del = line[1] == 'd';
        split_words(line + (del ? 5 : 8), &arg, &rest);
        if (rest != NULL || *arg == '\0') {
            app_error(CMD, "chat: %s needs one key", del ? "/del" : "/getkey");
            goto cleanup;
        }
        err = del ? glass_app_encode_kv_delete(msg, GLASS_MAX_PLAINTEXT, &len, arg)
                  : glass_app_encode_kv_get(msg, GLASS_MAX_PLAINTEXT, &len, arg);
        pend->kv++;
    } else if (strcmp(line, "/keys") == 0) {
        err = glass_app_encode_kv_list(msg, GLASS_MAX_PLAINTEXT, &len);
        pend->kv++;
    } else {
        app_error(CMD, "chat: unknown command '%.40s': use /to, /who, /get, /put, /getkey, "
                       "/del, /keys or /quit",
                  line);
        goto cleanup;
    }
    if (err == GLASS_OK)
        err = glass_engine_send_app(c->eng, msg, len);
    if (err != GLASS_OK)
        app_error(CMD, "chat: cannot send: %s", glass_strerror(err));
cleanup:
    glass_wipe(msg, GLASS_MAX_PLAINTEXT);
    free(msg);
    return 0;
}

static int do_chat(int argc, char **argv)
{
    struct client_opts o;
    identity id;
    client_conn c;
    glass_config cfg;
    char *line = NULL;
    size_t line_len = 0;
    int rc = 1, quitting = 0, stdin_open = 1;
    int64_t quit_at = 0;
    struct chat_pending pend;
    memset(&pend, 0, sizeof pend);
    memset(&o, 0, sizeof o);
    memset(&c, 0, sizeof c);
    memset(&cfg, 0, sizeof cfg);
    c.fd = -1;
    if (parse_args("chat", argc, argv, &o) != 0)
        return 1;
    if (o.id == NULL)
        return app_error(CMD, "chat: --id DIR is required (see --help)");
    if (!isatty(STDIN_FILENO))
        o.batch = 1;
    if (identity_load("chat", o.id, o.pass, &id) != 0)
        return 1;
    setvbuf(stdout, NULL, _IOLBF, 0);
    net_install_signals();
    line = malloc(CLIENT_LINE_MAX + 1);
    if (line == NULL)
        goto cleanup;

    /* 1. The mutually authenticated handshake. */
    identity_config(&id, &cfg);
    glass_err err = conn_open(&c, &o, &cfg);
    if (err != GLASS_OK) {
        app_error(CMD, "chat: cannot connect to %s: %s", o.server,
                  err == GLASS_ERR_IO ? strerror(errno) : glass_strerror(err));
        goto cleanup;
    }
    if (!drive(&c, net_now_ms() + CLIENT_HANDSHAKE_MS, chat_handshake_handler, NULL)) {
        conn_report("chat", &c, "handshake");
        goto cleanup;
    }
    if (o.verbose)
        print_verbose(&c, &id.key);
    printf("connected to %s as %s\n", o.server, id.name);
    if (!o.batch)
        printf("commands: /to NAME message, /who, /quit\n");

    /* 2. The relay: stdin lines out, messages in, until /quit, the end of
     *    input (plus --wait in batch mode), a signal, or the server leaves. */
    while (!net_stop_signal) {
        glass_event ev;
        while (glass_engine_next_event(c.eng, &ev)) {
            if (note_event(&c, &ev))
                continue;
            if (ev.type == GLASS_EV_APP_MESSAGE)
                chat_show(ev.data, ev.len, &pend);
        }
        if (net_engine_flush(c.fd, c.eng) != 0)
            c.eof = 1;
        if (c.closed || c.eof)
            break;
        int64_t now = net_now_ms();
        /* After the input: leave at the deadline, or sooner once every
         * /who is answered if no /to is outstanding (a /to is answered
         * only when it fails, so after one the whole wait is spent). */
        if (quitting && (now >= quit_at || (!stdin_open && pend.who == 0 && pend.kv == 0 && pend.fetch == 0 &&
                          !pend.sent_to)))
            break;
        struct pollfd p[2] = {
            {c.fd, (short)(POLLIN | (net_engine_pending(c.eng) ? POLLOUT : 0)), 0},
            {stdin_open && !quitting ? STDIN_FILENO : -1, POLLIN, 0},
        };
        int timeout = quitting ? (int)(quit_at - now) : -1;
        int r = poll(p, 2, timeout);
        if (r < 0 && errno != EINTR)
            break;
        if (r <= 0)
            continue;
        if (p[0].revents & (POLLIN | POLLHUP | POLLERR))
            conn_read(&c);
        if (p[1].revents & (POLLIN | POLLHUP | POLLERR)) {
            ssize_t got = read(STDIN_FILENO, line + line_len, CLIENT_LINE_MAX - line_len);
            if (got < 0 && errno == EINTR)
                continue;
            if (got <= 0) {
                stdin_open = 0;
                /* End of input: in batch mode wait a bounded while for the
                 * replies, interactively leave now. */
                quitting = 1;
                quit_at = net_now_ms() + (o.batch ? o.wait_ms : 0);
                if (line_len > 0) {
                    line[line_len] = '\0';
                    (void)chat_line(&c, &o, line, &pend);
                    line_len = 0;
                }
                continue;
            }
            line_len += (size_t)got;
            size_t start = 0;
            for (size_t i = 0; i < line_len; i++) {
                if (line[i] != '\n')
                    continue;
                line[i] = '\0';
                if (chat_line(&c, &o, line + start, &pend)) {
                    quitting = 1;
                    quit_at = net_now_ms();
                }
                start = i + 1;
            }
            memmove(line, line + start, line_len - start);
            line_len -= start;
            if (line_len == CLIENT_LINE_MAX) {
                app_error(CMD, "chat: line longer than %d bytes dropped", CLIENT_LINE_MAX);
                line_len = 0;
            }
        }
    }

    /* 3. Leaving: Bye, then close_notify. */
    if (c.closed || c.eof) {
        if (c.got_alert_received || c.got_alert_sent) {
            conn_report("chat", &c, "connection");
            goto cleanup;
        }
        printf("* the server closed the connection\n");
        rc = 0;
        goto cleanup;
    }
    uint8_t bye[16];
    size_t bye_len = 0;
    if (glass_app_encode_bye(bye, sizeof bye, &bye_len) == GLASS_OK)
        (void)glass_engine_send_app(c.eng, bye, bye_len);
    conn_goodbye(&c);
    rc = 0;
cleanup:
    if (c.eng != NULL || c.fd >= 0)
        conn_close(&c);
    identity_free(&id);
    fetch_reset(&pend);
    if (line != NULL) {
        glass_wipe(line, CLIENT_LINE_MAX + 1);
        free(line);
    }
    return rc;
}

/* ---- get ------------------------------------------------------------------------------ */

struct get_state {
    struct chat_pending pend;   /* the response, piece by piece */
    int done;
    char error[256];            /* an Error message instead of a response */
};

static int get_handler(client_conn *c, const glass_event *ev, void *arg)
{
    struct get_state *st = arg;
    glass_app_msg m;
    (void)c;
    if (ev->type != GLASS_EV_APP_MESSAGE || glass_app_decode(ev->data, ev->len, &m) != GLASS_OK)
        return 0;
    if (m.type == GLASS_APP_ERROR) {
        size_t n = m.text_len < sizeof st->error - 1 ? m.text_len : sizeof st->error - 1;
        for (size_t i = 0; i < n; i++)
            st->error[i] = m.text[i] < 0x20 || m.text[i] == 0x7f ? '?' : (char)m.text[i];
        st->error[n] = '\0';
        return -1;
    }
    if (m.type == GLASS_APP_FETCH_RESPONSE && fetch_append(&st->pend, &m)) {
        st->done = 1;
        return 1;
    }
    return 0;
}

/* Splits an HTTP/1.1 response (RFC 9112 §4, §6): the status code, the
 * reason phrase, and the body, whose size must equal Content-Length. */
static int parse_response(const uint8_t *resp, size_t len, int *status, char *reason,
                          size_t reason_cap, const uint8_t **body, size_t *body_len)
{
    const uint8_t *end = NULL;
    for (size_t i = 0; i + 4 <= len && end == NULL; i++)
        if (memcmp(resp + i, "\r\n\r\n", 4) == 0)
            end = resp + i;
    if (end == NULL || len < 13 || memcmp(resp, "HTTP/1.", 7) != 0 || resp[8] != ' ')
        return -1;
    /* 1. status-line = HTTP-version SP status-code SP [reason-phrase] CRLF */
    if (resp[9] < '1' || resp[9] > '5' || resp[10] < '0' || resp[10] > '9' || resp[11] < '0' ||
        resp[11] > '9' || resp[12] != ' ')
        return -1;
    *status = (resp[9] - '0') * 100 + (resp[10] - '0') * 10 + (resp[11] - '0');
    size_t r = 0;
    for (const uint8_t *p = resp + 13; p < end && *p != '\r' && r + 1 < reason_cap; p++)
        reason[r++] = *p < 0x20 || *p == 0x7f ? '?' : (char)*p;
    reason[r] = '\0';
    /* 2. Content-Length, among the header fields. */
    long long clen = -1;
    const uint8_t *f = resp;
    while (f < end) {
        const uint8_t *eol = f;
        while (eol < end && *eol != '\r')
            eol++;
        static const char cl[] = "content-length:";
        size_t k = sizeof cl - 1;
        if ((size_t)(eol - f) > k) {
            size_t i = 0;
            while (i < k && (f[i] | 0x20) == (uint8_t)cl[i])
                i++;
            if (i == k) {
                const uint8_t *v = f + k;
                while (v < eol && *v == ' ')
                    v++;
                clen = 0;
                for (; v < eol && *v >= '0' && *v <= '9' && clen <= (long long)len; v++)
                    clen = clen * 10 + (*v - '0');
            }
        }
        f = eol + 2;
    }
    *body = end + 4;
    *body_len = len - (size_t)(end + 4 - resp);
    if (clen < 0 || (unsigned long long)clen != *body_len)
        return -1;
    return 0;
}

static int do_get(int argc, char **argv)
{
    struct client_opts o;
    identity id;
    client_conn c;
    glass_config cfg;
    struct get_state st;
    char *req = NULL;
    uint8_t *msg = NULL;
    size_t req_len = 0, msg_len = 0;
    int rc = 1;
    memset(&o, 0, sizeof o);
    memset(&c, 0, sizeof c);
    memset(&st, 0, sizeof st);
    c.fd = -1;
    if (parse_args("get", argc, argv, &o) != 0)
        return 1;
    if (o.id == NULL || (o.path == NULL) == (o.request == NULL))
        return app_error(CMD, "get: --id DIR and a PATH (or --request FILE) are required "
                              "(see --help)");
    if (identity_load("get", o.id, o.pass, &id) != 0)
        return 1;
    net_install_signals();
    req = malloc(GLASS_MAX_PLAINTEXT);
    msg = malloc(GLASS_MAX_PLAINTEXT);
    if (req == NULL || msg == NULL) {
        app_error(CMD, "get: out of memory");
        goto cleanup;
    }
    /* 1. The request, as it would cross a TCP connection to a web server
     *    (or, with --request, exactly the bytes of FILE). */
    glass_err err;
    if (o.request != NULL) {
        uint8_t *data = NULL;
        err = glass_read_file(o.request, GLASS_MAX_PLAINTEXT - 3, &data, &req_len);
        if (err != GLASS_OK) {
            app_error(CMD, "get: --request %s: %s", o.request, glass_strerror(err));
            goto cleanup;
        }
        if (req_len > 0)
            memcpy(req, data, req_len);
        free(data);
    } else {
        err = fetch_request_text(o.host, o.path, req, GLASS_MAX_PLAINTEXT, &req_len);
    }
    if (err == GLASS_OK)
        err = glass_app_encode_fetch_request(msg, GLASS_MAX_PLAINTEXT, &msg_len,
                                             (const uint8_t *)req, req_len);
    if (err != GLASS_OK) {
        app_error(CMD, "get: %s", o.request != NULL ? "the request file is empty"
                                                    : "the path is too long for one request");
        goto cleanup;
    }
    /* 2. The mutually authenticated handshake, the request, the pieces of
     *    the response until the last. */
    identity_config(&id, &cfg);
    err = conn_open(&c, &o, &cfg);
    if (err != GLASS_OK) {
        app_error(CMD, "get: cannot connect to %s: %s", o.server,
                  err == GLASS_ERR_IO ? strerror(errno) : glass_strerror(err));
        goto cleanup;
    }
    if (!drive(&c, net_now_ms() + CLIENT_HANDSHAKE_MS, chat_handshake_handler, NULL)) {
        conn_report("get", &c, "handshake");
        goto cleanup;
    }
    if (o.verbose)
        print_verbose(&c, &id.key);
    err = glass_engine_send_app(c.eng, msg, msg_len);
    if (err != GLASS_OK) {
        app_error(CMD, "get: cannot send: %s", glass_strerror(err));
        goto cleanup;
    }
    if (!drive(&c, net_now_ms() + CLIENT_FETCH_MS, get_handler, &st)) {
        if (st.error[0] != '\0')
            app_error(CMD, "get: the server answered: %s", st.error);
        else
            conn_report("get", &c, "fetch");
        goto cleanup;
    }
    conn_goodbye(&c);

    /* 3. The response: a 200 gives its body (to -o FILE, written
     *    atomically, or to standard output); anything else is an error.
     *    With --request, the whole response is written, whatever it says. */
    if (o.request != NULL && !st.pend.resp_overflow) {
        if (o.output != NULL)
            err = glass_write_file_atomic(o.output, st.pend.resp, st.pend.resp_len, 0644);
        else if (st.pend.resp_len > 0 &&
                 fwrite(st.pend.resp, 1, st.pend.resp_len, stdout) != st.pend.resp_len)
            err = GLASS_ERR_IO;
        if (err != GLASS_OK)
            app_error(CMD, "get: cannot write the response: %s", glass_strerror(err));
        rc = err == GLASS_OK ? 0 : 1;
        goto cleanup;
    }
    int status = 0;
    char reason[64];
    const uint8_t *body = NULL;
    size_t body_len = 0;
    if (st.pend.resp_overflow ||
        parse_response(st.pend.resp, st.pend.resp_len, &status, reason, sizeof reason, &body,
                       &body_len) != 0) {
        app_error(CMD, "get: %s: the response is not a complete HTTP/1.1 response", o.path);
        goto cleanup;
    }
    if (status != 200) {
        app_error(CMD, "get: %s: %d %s", o.path, status, reason);
        goto cleanup;
    }
    if (o.output != NULL) {
        err = glass_write_file_atomic(o.output, body, body_len, 0644);
        if (err != GLASS_OK) {
            app_error(CMD, "get: %s: %s", o.output, glass_strerror(err));
            goto cleanup;
        }
    } else if (body_len > 0 && fwrite(body, 1, body_len, stdout) != body_len) {
        app_error(CMD, "get: cannot write to standard output");
        goto cleanup;
    }
    rc = 0;
cleanup:
    if (c.eng != NULL || c.fd >= 0)
        conn_close(&c);
    identity_free(&id);
    fetch_reset(&st.pend);
    free(req);
    free(msg);
    return rc;
}

/* ---- bench -------------------------------------------------------------------------- */

static int do_bench(int argc, char **argv)
{
    struct client_opts o;
    identity id;
    glass_config cfg;
    unsigned long done = 0;
    memset(&o, 0, sizeof o);
    if (parse_args("bench", argc, argv, &o) != 0)
        return 1;
    if (o.id == NULL)
        return app_error(CMD, "bench: --id DIR is required (see --help)");
    if (!(o.seconds > 0))
        return app_error(CMD, "bench: --time must be more than 0");
    if (identity_load("bench", o.id, o.pass, &id) != 0)
        return 1;
    net_install_signals();
    int rc = 0;
    /* Each turn: a new TCP connection, a full mutually authenticated
     * handshake, close_notify, close. */
    double start = (double)net_now_ms() / 1000.0, end = start + o.seconds, now = start;
    while (now < end && !net_stop_signal) {
        client_conn c;
        identity_config(&id, &cfg);
        glass_err err = conn_open(&c, &o, &cfg);
        if (err != GLASS_OK) {
            app_error(CMD, "bench: cannot connect to %s: %s", o.server, glass_strerror(err));
            conn_close(&c);
            rc = 1;
            break;
        }
        if (!drive(&c, net_now_ms() + CLIENT_HANDSHAKE_MS, chat_handshake_handler, NULL)) {
            conn_report("bench", &c, "handshake");
            conn_close(&c);
            rc = 1;
            break;
        }
        conn_goodbye(&c);
        conn_close(&c);
        done++;
        now = (double)net_now_ms() / 1000.0;
    }
    double elapsed = now - start;
    printf("%lu handshakes in %.2f real seconds, %.1f handshakes/s\n", done, elapsed,
           elapsed > 0 ? (double)done / elapsed : 0.0);
    identity_free(&id);
    return rc;
}

static int run(int argc, char **argv)
{
    if (app_wants_help(argc, argv)) {
        usage(stdout);
        return 0;
    }
    if (argc < 2)
        return app_error(CMD, "a subcommand is needed: enroll, chat, get or bench (see --help)");
    if (strcmp(argv[1], "enroll") == 0)
        return do_enroll(argc - 1, argv + 1);
    if (strcmp(argv[1], "chat") == 0)
        return do_chat(argc - 1, argv + 1);
    if (strcmp(argv[1], "bench") == 0)
        return do_bench(argc - 1, argv + 1);
    if (strcmp(argv[1], "get") == 0)
        return do_get(argc - 1, argv + 1);
    return app_error(CMD, "unknown subcommand '%s': use enroll, chat, get or bench", argv[1]);
}

const struct glass_command cmd_client = {"client", "enroll with, chat through, fetch from, or benchmark a glass server", run};
