/*
 * identity.c — a client's identity directory (see client/client.h):
 * key.pem (encrypted PKCS#8, RFC 5958 / RFC 8018 PBES2), cert.pem and
 * ca.pem, loaded and checked to belong together, or saved after enrollment
 * once the certificate returned has been checked (our key, our name, the
 * CA we trust for client authentication).
 *
 * CT: not applicable here; the key file's password is wiped after use.
 */
#include "client/client_internal.h"
#include "io/io.h"
#include "asn1/asn1.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

void client_identity_free(client_identity *id)
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
int client_identity_load(const char *sub, const char *dir, const char *pass, client_identity *id)
{
    char path[CLIENT_PATH_MAX];
    char *password = NULL;
    uint8_t *data = NULL;
    size_t len = 0;
    int rc = 1;
    glass_err err;
    memset(id, 0, sizeof *id);
    if (io_path_join(path, sizeof path, dir, "cert.pem") != 0)
        return io_error(CLIENT_CMD, "%s: --id: path too long", sub);
    err = x509_load_pem_file(path, &id->certs, &id->n_certs);
    if (err == GLASS_ERR_FILE_OPEN && access(path, F_OK) != 0)
        /* The first thing a newcomer meets: say what to do, not which file. */
        return io_error(CLIENT_CMD, "%s: %s is not enrolled here (no %s): run `glass client "
                        "enroll --out %s ...` first", sub, dir, path, dir);
    if (err != GLASS_OK)
        return io_error(CLIENT_CMD, "%s: %s: %s", sub, path, glass_strerror(err));
    io_path_join(path, sizeof path, dir, "ca.pem");
    err = x509_load_pem_file(path, &id->anchors, &id->n_anchors);
    if (err != GLASS_OK) {
        io_error(CLIENT_CMD, "%s: %s: %s", sub, path, glass_strerror(err));
        goto cleanup;
    }
    io_path_join(path, sizeof path, dir, "key.pem");
    err = glass_read_file(path, 1u << 20, &data, &len);
    if (err != GLASS_OK) {
        io_error(CLIENT_CMD, "%s: %s: %s", sub, path, glass_strerror(err));
        goto cleanup;
    }
    if (ca_key_is_encrypted(data, len)) {
        err = io_password_get(pass, "Enter pass phrase for key.pem", 0, &password);
        if (err != GLASS_OK) {
            io_error(CLIENT_CMD, "%s: -pass: %s", sub, glass_strerror(err));
            goto cleanup;
        }
    }
    rsa_private_init(&id->key);
    id->key_init = 1;
    err = ca_key_load_private(data, len, password, &id->key);
    if (err != GLASS_OK) {
        io_error(CLIENT_CMD, "%s: %s: %s", sub, path, glass_strerror(err));
        goto cleanup;
    }
    if (mpz_cmp(id->certs[0].pub.n, id->key.n) != 0) {
        io_error(CLIENT_CMD, "%s: %s/cert.pem does not belong to %s/key.pem", sub, dir, dir);
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
    io_password_free(password);
    if (data != NULL) {
        glass_wipe(data, len);
        free(data);
    }
    if (rc != 0)
        client_identity_free(id);
    return rc;
}

/* See client_internal.h. */
int client_identity_open(const char *sub, const client_opts *o, client_identity *id)
{
    memset(id, 0, sizeof *id);
    if (o->id != NULL)
        return client_identity_load(sub, o->id, o->pass, id);
    if (o->ca == NULL)
        return io_error(CLIENT_CMD, "%s: --id DIR (an enrolled identity) or --ca FILE (no "
                        "identity: pages only) is required (see --help)", sub);
    glass_err err = x509_load_pem_file(o->ca, &id->anchors, &id->n_anchors);
    if (err != GLASS_OK)
        return io_error(CLIENT_CMD, "%s: --ca %s: %s", sub, o->ca, glass_strerror(err));
    id->anchor.der = id->anchors[0].der;
    id->anchor.len = id->anchors[0].der_len;
    id->anonymous = 1;
    snprintf(id->name, sizeof id->name, "anonymous");
    fprintf(stderr, "anonymous: no client certificate; only the server is authenticated "
                    "(server-only session: pages only)\n");
    return 0;
}

/* The config of a connection with identity id: mutually authenticated, or
 * (an anonymous identity) server-only: no chain, cfg.anonymous. */
void client_identity_config(const client_identity *id, glass_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->anchors = &id->anchor;
    cfg->n_anchors = 1;
    if (id->anonymous) {
        cfg->anonymous = 1;
        return;
    }
    cfg->chain = &id->chain;
    cfg->n_chain = 1;
    cfg->key = &id->key;
}

/* Checks the certificate the CA returned: ours (same key), for our name,
 * and issued by the CA we trust for client authentication. */
int client_check_issued(const char *name, const uint8_t *der, size_t len,
                        const rsa_private_key *key, const x509_cert *anchors, size_t n_anchors,
                        char *serial_hex, size_t serial_cap)
{
    x509_cert cert;
    char cn[X509_NAME_STR_MAX];
    glass_err err = x509_parse(&cert, der, len);
    if (err != GLASS_OK)
        return io_error(CLIENT_CMD, "enroll: the certificate returned does not parse: %s",
                         glass_strerror(err));
    int rc = 1;
    if (mpz_cmp(cert.pub.n, key->n) != 0 || mpz_cmp(cert.pub.e, key->e) != 0) {
        io_error(CLIENT_CMD, "enroll: the certificate returned is not for our key");
        goto cleanup;
    }
    if (x509_subject_cn(&cert, cn, sizeof cn) != GLASS_OK || strcmp(cn, name) != 0) {
        io_error(CLIENT_CMD, "enroll: the certificate returned is not for %s", name);
        goto cleanup;
    }
    err = x509_verify_chain(&cert, 1, anchors, n_anchors, NULL, X509_PURPOSE_CLIENT,
                            net_wall_time(), NULL);
    if (err != GLASS_OK) {
        io_error(CLIENT_CMD, "enroll: the certificate returned does not verify: %s",
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
int client_save_identity(const char *dir, const rsa_private_key *key, const char *password,
                         uint32_t iter, const uint8_t *cert, size_t cert_len,
                         const uint8_t *ca_pem, size_t ca_pem_len)
{
    char path[CLIENT_PATH_MAX];
    uint8_t *key_pem = NULL;
    char *cert_pem = NULL;
    size_t key_len = 0, cert_pem_len = 0;
    glass_err err = GLASS_OK;
    if (mkdir(dir, 0700) != 0 && errno != EEXIST)
        return io_error(CLIENT_CMD, "enroll: cannot create %s: %s", dir, strerror(errno));
    /* key.pem first, cert.pem last: an identity is whole once cert.pem is
     * there, and each file is written atomically (temp, fsync, rename).
     * key == NULL: key.pem was written already (before the server was
     * asked, client/enroll.c). */
    if (key != NULL) {
        err = ca_key_save_private_pem(key, password, iter, &key_pem, &key_len);
        if (err == GLASS_OK && io_path_join(path, sizeof path, dir, "key.pem") == 0)
            err = glass_write_file_atomic(path, key_pem, key_len, 0600);
    }
    if (err == GLASS_OK && cert != NULL)
        err = pem_encode(PEM_CERTIFICATE, cert, cert_len, &cert_pem, &cert_pem_len);
    if (err == GLASS_OK && ca_pem != NULL && io_path_join(path, sizeof path, dir, "ca.pem") == 0)
        err = glass_write_file_atomic(path, ca_pem, ca_pem_len, 0644);
    if (err == GLASS_OK && cert != NULL && io_path_join(path, sizeof path, dir, "cert.pem") == 0)
        err = glass_write_file_atomic(path, (const uint8_t *)cert_pem, cert_pem_len, 0644);
    if (key_pem != NULL) {
        glass_wipe(key_pem, key_len);
        free(key_pem);
    }
    free(cert_pem);
    if (err != GLASS_OK)
        return io_error(CLIENT_CMD, "enroll: cannot save the identity in %s: %s", dir,
                         glass_strerror(err));
    return 0;
}
