/*
 * walk_pki.c — the classroom PKI of `glass walkthrough`: a certificate
 * authority, a server certificate and a client certificate, made in a few
 * seconds in a scratch directory with the same ca/ functions `glass ca` uses.
 *
 * In seeded mode every key, serial number and salt comes from the seeded
 * glass_random() and the clock is fixed (WALK_FIXED_NOW), so the
 * certificates, and therefore every byte of the handshake, are the same on
 * every run.  The scratch directory is removed at the end.
 *
 * CT: not relevant here (key generation and signing are rsa/'s business).
 */
#include "io/io.h"
#include "classroom/walk_session.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define WALK_CA_PASSWORD "walkthrough"
#define WALK_KEY_BITS    2048

/* Removes a directory tree we made (plain files and directories only). */
static void remove_tree(const char *path, int depth)
{
    DIR *d = opendir(path);
    if (d == NULL) {
        remove(path);
        return;
    }
    struct dirent *ent;
    char sub[512];
    while ((ent = readdir(d)) != NULL) {
        if (strcmp(ent->d_name, ".") == 0 || strcmp(ent->d_name, "..") == 0)
            continue;
        if ((size_t)snprintf(sub, sizeof sub, "%s/%s", path, ent->d_name) >= sizeof sub)
            continue;
        struct stat st;
        if (lstat(sub, &st) == 0 && S_ISDIR(st.st_mode) && depth < 4)
            remove_tree(sub, depth + 1);
        else
            remove(sub);
    }
    closedir(d);
    rmdir(path);
}

static void describe_cert(wk_out *o, const char *who, const uint8_t *der, size_t len)
{
    x509_cert c;
    char line[2 * X509_NAME_STR_MAX + 256];
    if (x509_parse(&c, der, len) != GLASS_OK) {
        snprintf(line, sizeof line, "%s certificate: %zu bytes (could not be parsed)", who, len);
        wk_note(o, "ca", "made", line);
        return;
    }
    uint8_t fp[32];
    char fph[65];
    x509_fingerprint(&c, fp);
    glass_hex_encode(fph, sizeof fph, fp, sizeof fp);
    snprintf(line, sizeof line, "%s certificate: subject %s, issuer %s, %zu-bit RSA key, %zu bytes "
             "DER, SHA-256 fingerprint %s", who, c.subject, c.issuer,
             mpz_sizeinbase(c.pub.n, 2), len, fph);
    wk_note(o, "ca", "made", line);
    x509_free(&c);
}

static glass_err make_leaf(walk_pki *p, rsa_private_key *key, const char *subject,
                           enum ca_profile profile, const char *san, uint8_t **der, size_t *len)
{
    uint8_t *csr = NULL;
    size_t csr_len = 0;
    glass_err err = rsa_generate(key, WALK_KEY_BITS, RSA_DEFAULT_E);
    if (err == GLASS_OK)
        err = csr_create(key, subject, &csr, &csr_len);
    if (err == GLASS_OK)
        err = ca_sign_request(p->ca, csr, csr_len, profile, 365, san, p->now, der, len);
    free(csr);
    return err;
}

/* See walk_session.h. */
glass_err walk_pki_make(walk_pki *p, int64_t now, int with_client_cert, wk_out *o)
{
    memset(p, 0, sizeof *p);
    rsa_private_init(&p->server_key);
    rsa_private_init(&p->client_key);
    p->now = now;
    const char *tmpdir = getenv("TMPDIR");
    if (tmpdir == NULL || tmpdir[0] == '\0' || strlen(tmpdir) > 200)
        tmpdir = "/tmp";
    snprintf(p->tmp, sizeof p->tmp, "%s/glass-walk.XXXXXX", tmpdir);
    if (mkdtemp(p->tmp) == NULL) {
        p->tmp[0] = '\0';
        return GLASS_ERR_FILE_WRITE;
    }
    char cadir[300];
    snprintf(cadir, sizeof cadir, "%s/ca", p->tmp);

    /* 1. The authority: a 2048-bit key and a self-signed root. */
    glass_err err = ca_init_ex(cadir, "/O=glasstls/CN=glass walkthrough CA", WALK_CA_PASSWORD,
                               WALK_KEY_BITS, 3650, now);
    if (err == GLASS_OK)
        err = ca_open(&p->ca, cadir, WALK_CA_PASSWORD);
    if (err != GLASS_OK)
        return err;
    const x509_cert *root = ca_certificate(p->ca);
    describe_cert(o, "CA (trust anchor of both sides)", root->der, root->der_len);

    /* 2. The server: its own key, a request, a certificate for "localhost". */
    err = make_leaf(p, &p->server_key, "/O=glasstls/CN=localhost", CA_PROFILE_SERVER,
                    "DNS:localhost", &p->server_der, &p->server_len);
    if (err != GLASS_OK)
        return err;
    describe_cert(o, "server", p->server_der, p->server_len);

    /* 3. The client "alice": a certificate now, or only a key to enroll with. */
    if (with_client_cert) {
        err = make_leaf(p, &p->client_key, "/O=glasstls/CN=alice", CA_PROFILE_CLIENT, NULL,
                        &p->client_der, &p->client_len);
        if (err != GLASS_OK)
            return err;
        p->have_client = 1;
        describe_cert(o, "client", p->client_der, p->client_len);
    } else {
        err = rsa_generate(&p->client_key, WALK_KEY_BITS, RSA_DEFAULT_E);
        if (err != GLASS_OK)
            return err;
        wk_note(o, "client", "made",
                "client key: a fresh 2048-bit RSA key and no certificate yet (it will enroll)");
    }
    return GLASS_OK;
}

/* See walk_session.h. */
void walk_pki_ca_der(const walk_pki *p, const uint8_t **der, size_t *len)
{
    const x509_cert *root = ca_certificate(p->ca);
    *der = root->der;
    *len = root->der_len;
}

/* See walk_session.h. */
glass_err walk_pki_enroll(walk_pki *p, const uint8_t *csr, size_t csr_len, uint8_t **der,
                          size_t *len)
{
    return ca_sign_request(p->ca, csr, csr_len, CA_PROFILE_CLIENT, 365, NULL, p->now, der, len);
}

/* See walk_session.h. */
void walk_pki_free(walk_pki *p)
{
    if (p->ca != NULL)
        ca_close(p->ca);
    p->ca = NULL;
    free(p->server_der);
    free(p->client_der);
    p->server_der = p->client_der = NULL;
    rsa_private_clear(&p->server_key);
    rsa_private_clear(&p->client_key);
    if (p->tmp[0] != '\0')
        remove_tree(p->tmp, 0);
    p->tmp[0] = '\0';
}
