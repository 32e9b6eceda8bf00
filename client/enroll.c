/*
 * enroll.c — `glass client enroll` (see client/client.h): a new key and a
 * PKCS#10 request for /CN=NAME (RFC 2986), a server-authenticated
 * handshake, EnrollRequest with the one-time code, and the certificate the
 * CA returns checked and kept with the key.  The steps are numbered in
 * client_enroll.
 *
 * Nothing is lost on the way.  Before the server is asked anything, the
 * identity's directory is made (its parent must exist) and proved
 * writable, and the new key is saved there (key.pem, encrypted, written
 * atomically): a code is never used up for an identity that cannot be
 * kept.  The certificate is written last (cert.pem), so a directory with
 * key.pem and no cert.pem is an enrollment still pending: running the same
 * command again uses the same key, and the server, which remembers which
 * key a code was used with, returns the same certificate (a lost reply
 * costs nothing).
 *
 * CT: not applicable here; rsa/ and ca/ state theirs.
 */
#include "client/client_internal.h"
#include "io/io.h"
#include "ca/enroll.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct enroll_state {
    const client_opts *o;
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
            client_print_verbose(c, NULL);
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

/* Makes the identity's directory (not its parents: a typo in --out should
 * fail, not grow a tree) and proves it writable with a probe file, before
 * the server is contacted.  0, or 1 after a message. */
static int prepare_dir(const char *dir)
{
    char probe[CLIENT_PATH_MAX];
    if (mkdir(dir, 0700) != 0 && errno != EEXIST)
        return io_error(CLIENT_CMD, "enroll: cannot create %s: %s (nothing was sent to the "
                        "server)", dir, strerror(errno));
    if (io_path_join(probe, sizeof probe, dir, ".enroll-probe") != 0)
        return io_error(CLIENT_CMD, "enroll: --out: path too long");
    int fd = open(probe, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0)
        return io_error(CLIENT_CMD, "enroll: cannot write in %s: %s (nothing was sent to the "
                        "server)", dir, strerror(errno));
    close(fd);
    unlink(probe);
    return 0;
}

/* The key: the pending one in key_path (an earlier run that got no
 * certificate), or a new one, saved in dir before anyone is asked.  0, or
 * 1 after a message. */
static int enroll_key(const client_opts *o, const char *dir, const char *key_path,
                      int pending, const char *password, rsa_private_key *key)
{
    glass_err err;
    if (pending) {
        uint8_t *kp = NULL;
        size_t kl = 0;
        err = glass_read_file(key_path, 1u << 20, &kp, &kl);
        if (err == GLASS_OK)
            err = ca_key_load_private(kp, kl, password, key);
        free(kp);
        if (err != GLASS_OK)
            return io_error(CLIENT_CMD, "enroll: %s (a pending enrollment's key): %s", key_path,
                            glass_strerror(err));
        return 0;
    }
    err = rsa_generate(key, 2048, RSA_DEFAULT_E);
    if (err != GLASS_OK)
        return io_error(CLIENT_CMD, "enroll: cannot make the key: %s", glass_strerror(err));
    return client_save_identity(dir, key, password, (uint32_t)o->iter, NULL, 0, NULL, 0);
}

/* See client/client.h. */
int client_enroll(const client_opts *o)
{
    client_identity anchors;
    client_target t;
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
    memset(&anchors, 0, sizeof anchors);
    memset(&c, 0, sizeof c);
    memset(&st, 0, sizeof st);
    memset(&cfg, 0, sizeof cfg);
    c.fd = -1;
    if (client_target_parse("enroll", o, &t) != 0)
        return 1;
    if (o->name == NULL || o->code == NULL || o->ca == NULL)
        return io_error(CLIENT_CMD, "enroll: --name, --code and --ca are required (see --help)");
    if (!ca_enroll_name_valid(o->name))
        return io_error(CLIENT_CMD, "enroll: bad name '%s': use 1 to %d of A-Z a-z 0-9 . _ -",
                        o->name, ENROLL_NAME_MAX);
    const char *dir = o->out != NULL ? o->out : o->name;
    if (io_path_join(path, sizeof path, dir, "cert.pem") != 0)
        return io_error(CLIENT_CMD, "enroll: --out: path too long");
    struct stat sb;
    if (stat(path, &sb) == 0)
        return io_error(CLIENT_CMD, "enroll: %s already exists: refusing to replace an identity",
                        path);
    if (prepare_dir(dir) != 0)
        return 1;
    if (io_path_join(path, sizeof path, dir, "key.pem") != 0)
        return io_error(CLIENT_CMD, "enroll: --out: path too long");
    int pending = stat(path, &sb) == 0;

    /* 1. The trust anchor: the CA whose certificate the server must show. */
    err = glass_read_file(o->ca, 1u << 20, &ca_pem, &ca_pem_len);
    if (err == GLASS_OK)
        err = x509_load_pem(ca_pem, ca_pem_len, &anchors.anchors, &anchors.n_anchors);
    if (err != GLASS_OK) {
        io_error(CLIENT_CMD, "enroll: %s: %s", o->ca, glass_strerror(err));
        goto cleanup;
    }
    anchors.anchor.der = anchors.anchors[0].der;
    anchors.anchor.len = anchors.anchors[0].der_len;
    err = io_password_get(o->pass, pending ? "Enter the pass phrase of the pending key"
                                           : "Enter a pass phrase for the new key",
                          !pending, &password);
    if (err != GLASS_OK) {
        io_error(CLIENT_CMD, "enroll: -pass: %s", glass_strerror(err));
        goto cleanup;
    }

    /* 2. Our key (new, and saved before anyone is asked; or the pending
     *    one) and the request for /CN=NAME, signed with it. */
    rsa_private_init(&key);
    key_init = 1;
    if (enroll_key(o, dir, path, pending, password, &key) != 0)
        goto cleanup;
    snprintf(subject, sizeof subject, "/CN=%s", o->name);
    err = csr_create(&key, subject, &csr, &csr_len);
    if (err != GLASS_OK) {
        io_error(CLIENT_CMD, "enroll: cannot make the key and request: %s",
                 glass_strerror(err));
        goto cleanup;
    }

    /* 3. A server-authenticated handshake, then EnrollRequest. */
    cfg.anchors = &anchors.anchor;
    cfg.n_anchors = 1;
    err = client_conn_open(&c, o, &t, &cfg);
    if (err != GLASS_OK) {
        io_error(CLIENT_CMD, "enroll: cannot connect to %s: %s", o->server,
                 err == GLASS_ERR_IO ? strerror(errno) : glass_strerror(err));
        goto cleanup;
    }
    st.o = o;
    st.csr = csr;
    st.csr_len = csr_len;
    if (!client_drive(&c, net_now_ms() + CLIENT_HANDSHAKE_MS, enroll_handler, &st)) {
        if (st.refused)
            io_error(CLIENT_CMD, "enroll: refused by the server: %s", st.reason);
        else
            client_conn_report("enroll", &c, "enrollment");
        goto cleanup;
    }
    client_conn_goodbye(&c);

    /* 4. Check what came back, then keep key, certificate and CA together. */
    if (client_check_issued(o->name, st.cert, st.cert_len, &key, anchors.anchors,
                            anchors.n_anchors, serial, sizeof serial) != 0)
        goto cleanup;
    if (client_save_identity(dir, NULL, NULL, 0, st.cert, st.cert_len, ca_pem, ca_pem_len) != 0)
        goto cleanup;
    printf("enrolled %s: certificate serial %s, identity saved in %s/\n", o->name, serial,
           dir);
    rc = 0;
cleanup:
    if (c.eng != NULL || c.fd >= 0)
        client_conn_close(&c);
    if (key_init)
        rsa_private_clear(&key);
    client_identity_free(&anchors);
    io_password_free(password);
    free(ca_pem);
    free(csr);
    free(st.cert);
    return rc;
}
