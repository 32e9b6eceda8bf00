/*
 * ident.c — the files an s_server or s_client command names, loaded into
 * what glass_config points at (see tlstool.h).
 *
 * -cert: every CERTIFICATE block of a PEM file, leaf first, sent as the
 * Certificate message's chain (RFC 5246 §7.4.2: "sender's certificate MUST
 * come first in the list").  -key: an RSA key in any form `glass pkey`
 * reads, decrypted with -pass.  -CAfile: every certificate in it becomes a
 * trust anchor.  -CRL: the anchor's revocation list (RFC 5280 §5).
 *
 * The key and certificate are checked to match before any socket opens:
 * a server with a mismatched pair would fail every handshake with an
 * error its clients cannot explain.
 *
 * CT: not applicable (file loading; the key is wiped in tlstool_ident_free).
 */
#include "tlstool/tlstool.h"
#include "io/io.h"
#include "ca/ca.h"

#include <gmp.h>
#include <stdlib.h>
#include <string.h>

/* Copies every certificate of a PEM file into a malloc'd blob array. */
static int load_certs(const char *cmd, const char *path, glass_blob **out, size_t *n_out)
{
    x509_cert *certs = NULL;
    size_t n = 0;
    glass_err err = x509_load_pem_file(path, &certs, &n);
    if (err != GLASS_OK)
        return io_error(cmd, "%s: %s", path, glass_strerror(err));
    glass_blob *b = calloc(n, sizeof *b);
    int rc = b == NULL;
    for (size_t i = 0; i < n && rc == 0; i++) {
        uint8_t *copy = malloc(certs[i].der_len);
        if (copy == NULL) {
            rc = 1;
            break;
        }
        memcpy(copy, certs[i].der, certs[i].der_len);
        b[i].der = copy;
        b[i].len = certs[i].der_len;
    }
    x509_free_all(certs, n);
    if (rc != 0) {
        for (size_t i = 0; b != NULL && i < n; i++)
            free((void *)b[i].der);
        free(b);
        return io_error(cmd, "%s: out of memory", path);
    }
    *out = b;
    *n_out = n;
    return 0;
}

/* The leaf's public key must be the private key's (same n and e). */
static int check_pair(const char *cmd, const char *cert, const tlstool_ident *id)
{
    x509_cert leaf;
    glass_err err = x509_parse(&leaf, id->chain[0].der, id->chain[0].len);
    if (err != GLASS_OK)
        return io_error(cmd, "%s: %s", cert, glass_strerror(err));
    int same = mpz_cmp(leaf.pub.n, id->key.n) == 0 && mpz_cmp(leaf.pub.e, id->key.e) == 0;
    x509_free(&leaf);
    if (!same)
        return io_error(cmd, "%s: the certificate's public key does not match -key", cert);
    return 0;
}

int tlstool_ident_load(const char *cmd, tlstool_ident *id, const char *cert, const char *key,
                       const char *pass, const char *cafile, const char *crl)
{
    memset(id, 0, sizeof *id);
    if ((cert == NULL) != (key == NULL))
        return io_error(cmd, "-cert and -key go together (one is missing)");
    if (cert != NULL) {
        if (load_certs(cmd, cert, &id->chain, &id->n_chain) != 0)
            return 1;
        rsa_private_init(&id->key);
        id->have_key = 1;
        if (io_load_private_key(cmd, key, pass, &id->key) != 0)
            return 1;
        if (check_pair(cmd, cert, id) != 0)
            return 1;
        id->own_key_bits = (unsigned)mpz_sizeinbase(id->key.n, 2);
    }
    if (cafile != NULL && load_certs(cmd, cafile, &id->anchors, &id->n_anchors) != 0)
        return 1;
    if (crl != NULL) {
        x509_crl c;
        glass_err err = x509_crl_load_file(crl, &c);
        if (err != GLASS_OK)
            return io_error(cmd, "%s: %s", crl, glass_strerror(err));
        id->crl.der = c.der;    /* keep the DER; the parsed form is not needed */
        id->crl.len = c.der_len;
        c.der = NULL;
        x509_crl_free(&c);
    }
    return 0;
}

void tlstool_ident_config(const tlstool_ident *id, glass_config *cfg)
{
    cfg->chain = id->chain;
    cfg->n_chain = id->n_chain;
    cfg->key = id->have_key ? &id->key : NULL;
    cfg->anchors = id->anchors;
    cfg->n_anchors = id->n_anchors;
    cfg->crl = id->crl;
}

static void free_blobs(glass_blob *b, size_t n)
{
    for (size_t i = 0; b != NULL && i < n; i++)
        free((void *)b[i].der);
    free(b);
}

void tlstool_ident_free(tlstool_ident *id)
{
    free_blobs(id->chain, id->n_chain);
    free_blobs(id->anchors, id->n_anchors);
    free((void *)id->crl.der);
    if (id->have_key)
        rsa_private_clear(&id->key);
    memset(id, 0, sizeof *id);
}
