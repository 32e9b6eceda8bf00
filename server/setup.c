/*
 * setup.c — the server before its first connection (see server/server.h):
 * the options checked, the CA opened, the socket bound, the server's own
 * key and certificate loaded (or issued from the CA on first start), the
 * CRL built, the published directory resolved.
 *
 * Read server_setup first: its numbered steps are the order, and why the
 * order matters (a mistyped --bind must not cost a key and an index entry).
 *
 * CT: not applicable here; rsa/ and ca/ state theirs.
 */
/* realpath(3) is an X/Open function: ask for it (POSIX.1-2008 + XSI). */
#define _XOPEN_SOURCE 700

#include "server/server_internal.h"
#include "io/io.h"
#include "asn1/asn1.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>

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
    server_log(s, NULL, "no server certificate yet: generating an RSA-2048 key and issuing one");
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
        err = ca_key_save_private_pem(&s->key, password, 0, &key_pem, &key_pem_len);
    if (err == GLASS_OK)
        err = pem_encode(PEM_CERTIFICATE, cert, cert_len, &cert_pem, &cert_pem_len);
    if (err == GLASS_OK)
        err = glass_write_file_atomic(key_path, key_pem, key_pem_len, 0600);
    if (err == GLASS_OK)
        err = glass_write_file_atomic(cert_path, (const uint8_t *)cert_pem, cert_pem_len, 0644);
    if (err != GLASS_OK) {
        io_error(SERVER_CMD, "cannot issue the server certificate: %s", glass_strerror(err));
        goto cleanup;
    }
    server_log(s, NULL, "issued %s (SAN %s) and %s", cert_path, san, key_path);
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
    if (io_path_join(key_path, sizeof key_path, s->o.dir, "server.key") != 0 ||
        io_path_join(cert_path, sizeof cert_path, s->o.dir, "server.pem") != 0)
        return io_error(SERVER_CMD, "--dir: path too long");
    rsa_private_init(&s->key);
    s->key_init = 1;
    if (stat(key_path, &st) != 0 || stat(cert_path, &st) != 0) {
        if (issue_server_identity(s, password, key_path, cert_path) != 0)
            return 1;
    } else {
        err = glass_read_file(key_path, 1u << 20, &data, &len);
        if (err == GLASS_OK)
            err = ca_key_load_private(data, len, password, &s->key);
        if (err != GLASS_OK) {
            io_error(SERVER_CMD, "%s: %s", key_path, glass_strerror(err));
            goto cleanup;
        }
        s->key_loaded = 1;
    }
    err = x509_load_pem_file(cert_path, &certs, &n);
    if (err != GLASS_OK) {
        io_error(SERVER_CMD, "%s: %s", cert_path, glass_strerror(err));
        goto cleanup;
    }
    if (mpz_cmp(certs[0].pub.n, s->key.n) != 0) {
        io_error(SERVER_CMD, "%s does not match the key in %s", cert_path, key_path);
        goto cleanup;
    }
    s->cert_der = malloc(certs[0].der_len);
    if (s->cert_der == NULL) {
        io_error(SERVER_CMD, "out of memory");
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
        if (io_path_join(def, sizeof def, s->o.dir, "www") != 0 || stat(def, &st) != 0 ||
            !S_ISDIR(st.st_mode))
            return 0;
        www = def;
    }
    if (realpath(www, s->www) == NULL || stat(s->www, &st) != 0 || !S_ISDIR(st.st_mode))
        return io_error(SERVER_CMD, "--www: %s is not a directory", www);
    s->have_www = 1;
    server_log(s, NULL, "publishing %s", s->www);
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
        return io_error(SERVER_CMD, "--bind '%s': not an address to listen on (%s); give an IPv4 "
                              "or IPv6 address such as 127.0.0.1",
                         bind, gai_strerror(rc));
    return 0;
}

int server_setup(server *s)
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
    err = io_password_get(s->o.pass, "Enter pass phrase for the CA key", 0, &password);
    if (err != GLASS_OK)
        return io_error(SERVER_CMD, "-pass: %s", glass_strerror(err));
    /* 2. The CA, unlocked: it signs enrollment requests. */
    err = ca_open(&s->ca, s->o.dir, password);
    /* A second handle for the worker thread (worker.c), which signs,
     * revokes and builds CRLs: a glass_ca is for one thread at a time. */
    if (err == GLASS_OK)
        err = ca_open(&s->wca, s->o.dir, password);
    if (err != GLASS_OK) {
        io_error(SERVER_CMD, "%s: %s", s->o.dir, glass_strerror(err));
        goto cleanup;
    }
    const x509_cert *cacert = ca_certificate(s->ca);
    s->anchor.der = cacert->der;
    s->anchor.len = cacert->der_len;
    /* 3. The listening socket, also before anything is issued: an address
     *    in use or not on this machine is reported with nothing written.
     *    Connections that arrive meanwhile wait in the backlog. */
    raise_fd_limit(s->o.max_clients);
    /* Admission limits (admit.c): unauthenticated connections well below
     * --max-clients, so strangers can never take every place. */
    if (s->o.max_unauth == 0) {
        unsigned long q = s->o.max_clients / 4;
        s->o.max_unauth = q < 8 ? 8 : q > 128 ? 128 : q;
    }
    if (s->o.max_per_addr == 0)
        s->o.max_per_addr = s->o.max_clients < SERVER_DEFAULT_MAX_PER_ADDR
                                ? s->o.max_clients : SERVER_DEFAULT_MAX_PER_ADDR;
    if (s->o.max_hs_per_addr == 0)
        s->o.max_hs_per_addr = SERVER_DEFAULT_MAX_HS_PER_ADDR;
    uint16_t bound = 0;
    errno = 0;
    err = net_listen(s->o.bind, (uint16_t)s->o.port, 512, &s->lfd, &bound);
    if (err != GLASS_OK) {
        io_error(SERVER_CMD, "cannot listen on %s:%lu: %s", s->o.bind, s->o.port,
                  errno != 0 ? strerror(errno) : glass_strerror(err));
        goto cleanup;
    }
    s->port = bound;
    /* 4. Our own key and certificate (issued on first start). */
    if (load_server_identity(s, password) != 0)
        goto cleanup;
    /* 5. The CRL the engines check client certificates against. */
    server_refresh_crl(s, 1);
    if (s->crl == NULL) {
        io_error(SERVER_CMD, "cannot build the CA's CRL");
        goto cleanup;
    }
    rc = 0;
cleanup:
    io_password_free(password);
    return rc;
}
