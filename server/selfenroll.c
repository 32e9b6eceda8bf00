/*
 * selfenroll.c — `glass server enroll` (see server/server.h): a server
 * gets its certificate from another glass server's CA over the network,
 * as in the course exercise where a web server sends its identity (C, ST,
 * L, O, OU, CN, emailAddress) and public key to the CA service and gets
 * its certificate back.
 *
 * The steps, in server_enroll_run's order: the options checked and the
 * target directory proved usable (it is a glass CA directory whose
 * password we have, with no server certificate yet) before anything is
 * generated; a fresh RSA-2048 key and a PKCS#10 request (RFC 2986) for the
 * whole subject; a server-authenticated handshake with the CA's server
 * (its certificate checked against --ca, PROTOCOL.md §6) and one
 * EnrollRequest whose name is the subject; the certificate returned
 * checked (our key, our subject, issued by the CA of --ca for serverAuth,
 * RFC 5280 §6 and §4.2.1.12); then DIR/server.pem.  DIR/server.key
 * (encrypted, 0600) is written before the CA is asked, so that a lost
 * answer can be asked again with the same key and code; each file is
 * written atomically, the certificate last, so that `glass server --dir
 * DIR` serves with them.
 *
 * The request asks for a subject; the CA's one-time code decides what is
 * issued (server/enroll.c): a server certificate with the SANs the CA
 * operator wrote, and only for a code made with --profile server.
 *
 * CT: not applicable here; rsa/ and the engine state theirs.  The key's
 * password is wiped after use.
 */
#include "server/server_internal.h"
#include "ca/enroll.h"
#include "io/io.h"
#include "asn1/asn1.h"

#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define SELF_CMD        "server enroll"
#define SELF_CONNECT_MS 5000
#define SELF_TOTAL_MS   60000

/* One enrollment in flight. */
typedef struct self_enroll {
    int fd;
    glass_engine *eng;
    net_tracer tr;
    glass_tracer tracer;
    int done;                   /* the EnrollResponse arrived */
    int ok;                     /* ... and issued */
    uint8_t *data;              /* the certificate DER, or the reason */
    size_t len;
    uint8_t alert;              /* an alert that ended it (0: none) */
    int alert_from_peer;
    glass_err failure;
} self_enroll;

/* Takes the engine's events; 1 once the handshake is done (the first
 * time) or the answer is in. */
static int self_events(self_enroll *x, int *handshake_done)
{
    glass_event ev;
    int news = 0;
    while (glass_engine_next_event(x->eng, &ev)) {
        if (ev.type == GLASS_EV_HANDSHAKE_DONE) {
            *handshake_done = 1;
            news = 1;
        } else if (ev.type == GLASS_EV_ENROLL_RESULT && !x->done) {
            x->done = 1;
            x->ok = ev.enroll_ok;
            x->data = malloc(ev.len ? ev.len : 1);
            if (x->data != NULL && ev.len > 0)
                memcpy(x->data, ev.data, ev.len);
            x->len = x->data != NULL ? ev.len : 0;
            news = 1;
        } else if ((ev.type == GLASS_EV_ALERT_SENT || ev.type == GLASS_EV_ALERT_RECEIVED) &&
                   ev.alert != GLASS_ALERT_CLOSE_NOTIFY && x->alert == 0) {
            x->alert = ev.alert;
            x->alert_from_peer = ev.type == GLASS_EV_ALERT_RECEIVED;
            x->failure = ev.err;
        }
    }
    return news;
}

/* Runs the connection until `until` says so, it ends, or the deadline.
 * 0 when `until` holds, -1 otherwise. */
static int self_drive(self_enroll *x, int64_t deadline, int *handshake_done, int want_answer)
{
    for (;;) {
        (void)self_events(x, handshake_done);
        if (net_engine_flush(x->fd, x->eng) != 0)
            return -1;
        if (want_answer ? x->done : *handshake_done)
            return 0;
        glass_state st = glass_engine_state(x->eng);
        if (st == GLASS_STATE_ERROR || st == GLASS_STATE_CLOSED || net_stop_signal)
            return -1;
        int left = (int)(deadline - net_now_ms());
        if (left <= 0) {
            x->failure = GLASS_ERR_PROTO_TIMEOUT;
            return -1;
        }
        struct pollfd p = {x->fd, (short)(POLLIN | (net_engine_pending(x->eng) ? POLLOUT : 0)), 0};
        int r = poll(&p, 1, left);
        if (r < 0 && errno != EINTR)
            return -1;
        if (r > 0 && (p.revents & (POLLIN | POLLHUP | POLLERR))) {
            uint8_t buf[16384];
            ssize_t n;
            do
                n = read(x->fd, buf, sizeof buf);
            while (n < 0 && errno == EINTR);
            if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK)) {
                (void)self_events(x, handshake_done);
                return (want_answer ? x->done : *handshake_done) ? 0 : -1;
            }
            if (n > 0)
                (void)glass_engine_feed(x->eng, buf, (size_t)n);
        }
    }
}

/* Says why the connection failed, in one line. */
static int self_failed(const self_enroll *x, const char *during)
{
    if (x->alert != 0 && x->alert_from_peer)
        return io_error(SELF_CMD, "%s failed: the CA's server sent alert %s", during,
                        glass_alert_name(x->alert));
    if (x->alert != 0)
        return io_error(SELF_CMD, "%s failed: %s (alert %s sent)", during,
                        glass_strerror(x->failure), glass_alert_name(x->alert));
    if (x->failure != GLASS_OK)
        return io_error(SELF_CMD, "%s failed: %s", during, glass_strerror(x->failure));
    return io_error(SELF_CMD, "%s failed: the CA's server closed the connection", during);
}

/* The certificate returned: ours (same key), our subject, and issued by
 * the CA we trust for serverAuth (RFC 5280 §6.1, §4.2.1.12).  Prints its
 * serial and SANs.  0, or 1 after saying why. */
static int self_check_issued(const uint8_t *der, size_t len, const rsa_private_key *key,
                             const char *subject, const x509_cert *anchors, size_t n_anchors)
{
    x509_cert cert;
    char serial[2 * X509_SERIAL_MAX + 1];
    glass_err err = x509_parse(&cert, der, len);
    if (err != GLASS_OK)
        return io_error(SELF_CMD, "the certificate returned does not parse: %s",
                        glass_strerror(err));
    int rc = 1;
    if (mpz_cmp(cert.pub.n, key->n) != 0 || mpz_cmp(cert.pub.e, key->e) != 0) {
        io_error(SELF_CMD, "the certificate returned is not for our key");
        goto cleanup;
    }
    if (strcmp(cert.subject, subject) != 0) {
        io_error(SELF_CMD, "the certificate returned is for %s, not %s", cert.subject, subject);
        goto cleanup;
    }
    err = x509_verify_chain(&cert, 1, anchors, n_anchors, NULL, X509_PURPOSE_SERVER,
                            net_wall_time(), NULL);
    if (err != GLASS_OK) {
        io_error(SELF_CMD, "the certificate returned does not verify as a server's: %s",
                 glass_strerror(err));
        goto cleanup;
    }
    glass_hex_encode(serial, sizeof serial, cert.serial, cert.serial_len);
    printf("issued %s\n  serial %s, issuer %s\n  SAN", cert.subject, serial, cert.issuer);
    for (size_t i = 0; i < cert.n_san_dns; i++)
        printf(" DNS:%s", cert.san_dns[i]);
    for (size_t i = 0; i < cert.n_san_ip; i++) {
        char ip[INET6_ADDRSTRLEN];
        if (inet_ntop(cert.san_ip_len[i] == 4 ? AF_INET : AF_INET6, cert.san_ip[i], ip,
                      sizeof ip) != NULL)
            printf(" IP:%s", ip);
    }
    printf("%s\n", cert.n_san_dns + cert.n_san_ip == 0 ? " (none)" : "");
    rc = 0;
cleanup:
    x509_free(&cert);
    return rc;
}

/* Our key, DIR/server.key, encrypted with the password of DIR's CA and
 * 0600: a pending one left by an earlier attempt whose answer never came
 * (the CA gives the same certificate again for the same code and key,
 * server/enroll.c), or a fresh RSA-2048 key written atomically before
 * anyone is asked, so that a lost answer never costs the code.  0, or 1
 * after saying why. */
static int self_key(const char *dir, const char *password, const char *subject,
                    rsa_private_key *key)
{
    char path[SERVER_PATH_MAX];
    uint8_t *pem = NULL;
    size_t len = 0;
    struct stat st;
    glass_err err;
    if (io_path_join(path, sizeof path, dir, "server.key") != 0)
        return io_error(SELF_CMD, "--dir: path too long");
    if (stat(path, &st) == 0) {
        err = glass_read_file(path, 1u << 20, &pem, &len);
        if (err == GLASS_OK)
            err = ca_key_load_private(pem, len, password, key);
        if (err == GLASS_OK)
            printf("using the pending key %s (an earlier attempt made it)\n", path);
    } else {
        printf("generating an RSA-2048 key for %s\n", subject);
        err = rsa_generate(key, 2048, RSA_DEFAULT_E);
        if (err == GLASS_OK)
            err = ca_key_save_private_pem(key, password, 0, &pem, &len);
        if (err == GLASS_OK)
            err = glass_write_file_atomic(path, pem, len, 0600);
    }
    if (pem != NULL) {
        glass_wipe(pem, len);
        free(pem);
    }
    if (err != GLASS_OK)
        return io_error(SELF_CMD, "%s: %s", path, glass_strerror(err));
    return 0;
}

/* Writes DIR/server.pem atomically (temp, fsync, rename), after the key:
 * a server never finds a certificate without its key. */
static int self_save(const char *dir, const uint8_t *cert, size_t cert_len)
{
    char cert_path[SERVER_PATH_MAX];
    char *cert_pem = NULL;
    size_t cert_pem_len = 0;
    if (io_path_join(cert_path, sizeof cert_path, dir, "server.pem") != 0)
        return io_error(SELF_CMD, "--dir: path too long");
    glass_err err = pem_encode(PEM_CERTIFICATE, cert, cert_len, &cert_pem, &cert_pem_len);
    if (err == GLASS_OK)
        err = glass_write_file_atomic(cert_path, (const uint8_t *)cert_pem, cert_pem_len, 0644);
    free(cert_pem);
    if (err != GLASS_OK)
        return io_error(SELF_CMD, "cannot save %s: %s", cert_path, glass_strerror(err));
    printf("saved %s (key %s/server.key): start it with `glass server --dir %s`\n", cert_path,
           dir, dir);
    return 0;
}

/* Step 1: the options, and DIR a CA directory we can open, without a
 * server certificate yet.  0, or 1 after saying why. */
static int self_check(const server_enroll_opts *o, char *subject, char *cn, char *host,
                      size_t host_cap, uint16_t *port)
{
    char path[SERVER_PATH_MAX];
    struct stat st;
    if (o->connect == NULL || o->code == NULL || o->subj == NULL || o->ca == NULL ||
        o->dir == NULL)
        return io_error(SELF_CMD, "--connect, --code, --subj, --ca and --dir are required "
                        "(see glass server --help)");
    if (net_parse_hostport(o->connect, host, host_cap, port) != GLASS_OK)
        return io_error(SELF_CMD, "--connect: '%s' is not HOST:PORT", o->connect);
    glass_err err = ca_enroll_subject_canonical(o->subj, subject, cn);
    if (err == GLASS_ERR_SUBJECT_SYNTAX)
        return io_error(SELF_CMD, "--subj '%s': %s", o->subj, glass_strerror(err));
    if (err != GLASS_OK)
        return io_error(SELF_CMD, "--subj '%s': needs a CN of 1 to 64 of A-Z a-z 0-9 . _ - and "
                        "at most %d bytes in all", o->subj, ENROLL_SUBJECT_MAX);
    if (io_path_join(path, sizeof path, o->dir, "server.pem") != 0)
        return io_error(SELF_CMD, "--dir: path too long");
    if (stat(path, &st) == 0)
        return io_error(SELF_CMD, "%s already exists: refusing to replace a server's "
                        "certificate", path);
    return 0;
}

/* The key, the request, the enrollment, the check; the answer in *cert. */
static int self_enroll_exchange(const server_enroll_opts *o, const char *host, uint16_t port,
                                const glass_blob *anchor, const char *subject,
                                const rsa_private_key *key, uint8_t **cert, size_t *cert_len)
{
    self_enroll x;
    glass_config cfg;
    uint8_t *csr = NULL;
    size_t csr_len = 0;
    int hs = 0, rc = 1;
    memset(&x, 0, sizeof x);
    memset(&cfg, 0, sizeof cfg);
    x.fd = -1;
    x.tr.out = stdout;
    x.tr.show = o->trace;
    x.tracer.fn = net_trace_event;
    x.tracer.arg = &x.tr;
    glass_err err = csr_create(key, subject, &csr, &csr_len);
    if (err != GLASS_OK) {
        io_error(SELF_CMD, "cannot make the request: %s", glass_strerror(err));
        goto cleanup;
    }
    /* A server-authenticated handshake: no chain of ours, not anonymous,
     * so the engine waits to enroll (PROTOCOL.md §6). */
    cfg.role = GLASS_ROLE_CLIENT;
    cfg.now = net_wall_time();
    cfg.anchors = anchor;
    cfg.n_anchors = 1;
    cfg.server_name = host;
    cfg.trace = o->trace ? &x.tracer : NULL;
    errno = 0;
    err = net_connect(host, port, SELF_CONNECT_MS, &x.fd);
    if (err == GLASS_OK)
        err = glass_engine_new(&x.eng, &cfg);
    if (err == GLASS_OK)
        err = glass_engine_start(x.eng);
    if (err != GLASS_OK) {
        io_error(SELF_CMD, "cannot connect to %s: %s", o->connect,
                 err != GLASS_ERR_IO ? glass_strerror(err)
                 : errno != 0 ? strerror(errno) : "the host name does not resolve");
        goto cleanup;
    }
    int64_t deadline = net_now_ms() + SELF_TOTAL_MS;
    if (self_drive(&x, deadline, &hs, 0) != 0) {
        self_failed(&x, "handshake");
        goto cleanup;
    }
    err = glass_engine_enroll(x.eng, subject, csr, csr_len, (const uint8_t *)o->code,
                              strlen(o->code));
    if (err != GLASS_OK) {
        io_error(SELF_CMD, "cannot send the request: %s", glass_strerror(err));
        goto cleanup;
    }
    if (self_drive(&x, deadline, &hs, 1) != 0) {
        self_failed(&x, "enrollment");
        goto cleanup;
    }
    if (!x.ok) {
        io_error(SELF_CMD, "the CA refused: %.*s", (int)(x.len < 300 ? x.len : 300),
                 x.data != NULL ? (const char *)x.data : "");
        goto cleanup;
    }
    *cert = x.data;
    *cert_len = x.len;
    x.data = NULL;
    rc = 0;
cleanup:
    if (x.eng != NULL && glass_engine_state(x.eng) == GLASS_STATE_C_ENROLL_DONE)
        (void)glass_engine_close(x.eng);
    if (x.eng != NULL && x.fd >= 0)
        (void)net_engine_flush(x.fd, x.eng);
    if (x.fd >= 0)
        close(x.fd);
    glass_engine_free(x.eng);
    free(x.data);
    free(csr);
    return rc;
}

/* See server/server.h. */
int server_enroll_run(const server_enroll_opts *o)
{
    char subject[ENROLL_SUBJECT_MAX + 1], cn[ENROLL_NAME_MAX + 1], host[NET_HOST_MAX];
    uint16_t port = 0;
    char *password = NULL;
    x509_cert *anchors = NULL;
    size_t n_anchors = 0;
    uint8_t *cert = NULL;
    size_t cert_len = 0;
    rsa_private_key key;
    glass_ca *ca = NULL;
    int key_init = 0, rc = 1;
    /* 1. Everything that can be wrong locally, before a key is made. */
    if (self_check(o, subject, cn, host, sizeof host, &port) != 0)
        return 1;
    glass_err err = x509_load_pem_file(o->ca, &anchors, &n_anchors);
    if (err != GLASS_OK)
        return io_error(SELF_CMD, "--ca %s: %s", o->ca, glass_strerror(err));
    err = io_password_get(o->pass, "Enter pass phrase for the CA key of --dir", 0, &password);
    if (err != GLASS_OK) {
        io_error(SELF_CMD, "-pass: %s", glass_strerror(err));
        goto cleanup;
    }
    /* The password opens DIR's CA: `glass server --dir DIR` will need it
     * for both that CA and the key written here. */
    err = ca_open(&ca, o->dir, password);
    if (err != GLASS_OK) {
        io_error(SELF_CMD, "--dir %s: %s", o->dir, glass_strerror(err));
        goto cleanup;
    }
    ca_close(ca);
    net_install_signals();
    /* 2. Our key (saved first); 3. the exchange; 4. the check; 5. the
     *    certificate. */
    rsa_private_init(&key);
    key_init = 1;
    glass_blob anchor = {anchors[0].der, anchors[0].der_len};
    if (self_key(o->dir, password, subject, &key) != 0 ||
        self_enroll_exchange(o, host, port, &anchor, subject, &key, &cert, &cert_len) != 0 ||
        self_check_issued(cert, cert_len, &key, subject, anchors, n_anchors) != 0 ||
        self_save(o->dir, cert, cert_len) != 0)
        goto cleanup;
    rc = 0;
cleanup:
    if (key_init)
        rsa_private_clear(&key);
    if (anchors != NULL)
        x509_free_all(anchors, n_anchors);
    io_password_free(password);
    free(cert);
    return rc;
}
