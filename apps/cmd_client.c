/*
 * cmd_client.c — `glass client enroll | chat | bench`: the glass client over TCP.
 *
 *   enroll  makes an RSA-2048 key and a PKCS#10 request for /CN=NAME, runs a
 *           server-authenticated handshake, sends the request with the
 *           one-time code, and keeps the certificate it gets back;
 *   chat    connects with mutual authentication and relays messages:
 *           `/to NAME message`, `/who`, `/quit`; it prints what arrives as
 *           "[alice] hello";
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
 * until something happens), then enroll, chat and bench.
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

/* ---- options shared by the three subcommands ------------------------------ */

struct client_opts {
    const char *server;
    const char *name;
    const char *code;
    const char *ca;
    const char *out;
    const char *id;
    const char *pass;
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
            "            /quit               leave\n"
            "        Messages arrive as \"[NAME] text\".  In batch mode, after the end of\n"
            "        input the client waits up to --wait S seconds (default 1) for\n"
            "        answers: it leaves as soon as every /who is answered, unless it\n"
            "        sent a /to (answered only on failure), then it waits all S.\n"
            "bench   repeats full mutually-authenticated handshakes for --time S seconds\n"
            "        (default 5) and prints handshakes per second (like `openssl s_time\n"
            "        -new`).\n\n"
            "  --trace    print every handshake step with its bytes and their meaning\n"
            "  --verbose  print the group, suite, key sizes and the server's subject\n\n"
            "example:\n"
            "  glass client enroll --server 127.0.0.1:4433 --name alice \\\n"
            "      --code 7K2M-QX4D-9HJB-TR3W-P6NC --ca myca/ca.pem -pass pass:alicepw\n"
            "  printf '/to bob hello\\n/who\\n' | \\\n"
            "      glass client chat --server 127.0.0.1:4433 --id alice -pass pass:alicepw\n",
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
            if (app_uint_arg(CMD, a, v, 1, 10000000, &o->iter))
                return 1;
        } else if (strcmp(a, "--out") == 0) {
            o->out = v;
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

/* Prints one message from the server. */
static void chat_show(const uint8_t *data, size_t len, int *who_pending)
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
        if (*who_pending > 0)
            (*who_pending)--;
        printf("* connected:");
        for (size_t i = 0; i < m.n_names; i++) {
            putchar(' ');
            print_safe(stdout, m.names[i], m.name_lens[i]);
        }
        putchar('\n');
        break;
    case GLASS_APP_ERROR:
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

/* What the user has sent that may still be answered. */
struct chat_pending {
    int who;                    /* /who sent, WhoList not yet received */
    int sent_to;                /* a /to was sent (answered only if it fails) */
};

/* One line typed by the user.  Returns 1 for /quit. */
static int chat_line(client_conn *c, char *line, struct chat_pending *pend)
{
    uint8_t *msg = NULL;
    size_t len = 0;
    glass_err err = GLASS_OK;
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
    if (strcmp(line, "/who") == 0) {
        err = glass_app_encode_who(msg, GLASS_MAX_PLAINTEXT, &len);
        pend->who++;
    } else if (strncmp(line, "/to ", 4) == 0) {
        char *name = line + 4;
        while (*name == ' ')
            name++;
        char *text = strchr(name, ' ');
        if (text == NULL) {
            app_error(CMD, "chat: /to needs a name and a message: /to NAME message");
            goto cleanup;
        }
        *text++ = '\0';
        err = glass_app_encode_send_to(msg, GLASS_MAX_PLAINTEXT, &len, name,
                                       (const uint8_t *)text, strlen(text));
        pend->sent_to = 1;
    } else {
        app_error(CMD, "chat: unknown command '%.40s': use /to NAME message, /who or /quit",
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
    struct chat_pending pend = {0, 0};
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
                chat_show(ev.data, ev.len, &pend.who);
        }
        if (net_engine_flush(c.fd, c.eng) != 0)
            c.eof = 1;
        if (c.closed || c.eof)
            break;
        int64_t now = net_now_ms();
        /* After the input: leave at the deadline, or sooner once every
         * /who is answered if no /to is outstanding (a /to is answered
         * only when it fails, so after one the whole wait is spent). */
        if (quitting && (now >= quit_at || (!stdin_open && pend.who == 0 && !pend.sent_to)))
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
                    (void)chat_line(&c, line, &pend);
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
                if (chat_line(&c, line + start, &pend)) {
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
    if (line != NULL) {
        glass_wipe(line, CLIENT_LINE_MAX + 1);
        free(line);
    }
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
        return app_error(CMD, "a subcommand is needed: enroll, chat or bench (see --help)");
    if (strcmp(argv[1], "enroll") == 0)
        return do_enroll(argc - 1, argv + 1);
    if (strcmp(argv[1], "chat") == 0)
        return do_chat(argc - 1, argv + 1);
    if (strcmp(argv[1], "bench") == 0)
        return do_bench(argc - 1, argv + 1);
    return app_error(CMD, "unknown subcommand '%s': use enroll, chat or bench", argv[1]);
}

const struct glass_command cmd_client = {"client", "enroll with, chat through, or benchmark a glass server", run};
