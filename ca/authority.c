/*
 * authority.c — a small certificate authority that lives in a directory.
 *
 * The directory (see ca.h for the list) is the CA's whole state.  The
 * rules that keep it consistent:
 *
 *   - every file is replaced, never edited in place: glass_write_file_atomic
 *     writes a temporary file, syncs it and renames it over the old one, so
 *     a crash leaves either the old file or the new one;
 *   - every read-modify-write of the index, the log or the CRL number
 *     happens while holding an exclusive fcntl() lock on D/lock.  The kernel
 *     drops the lock when its holder exits, even by a crash, so a stale lock
 *     cannot wedge the CA; a second issuer waits (at most CA_LOCK_WAIT_MS)
 *     and then re-reads the index, so two issuers at once both get their
 *     entries in;
 *   - the certificate copy is written before the index line that points to
 *     it, and the index before the log line, so the log never names a
 *     certificate the index does not have.
 *
 * The files and the lock are handled in ca_store.c; revoking and CRLs are
 * in ca_revoke.c, checking the log in ca_log.c.  issuance.log has one line
 * per certificate:
 *     SERIAL  sha256(DER) in hex  RSA signature of the CA over that hash
 * so anyone with the CA certificate can check that an entry is genuine.
 *
 * CT: the CA key is used only through rsa/ (blinded, powm_sec).
 */
#include "ca/ca.h"
#include "ca/ca_internal.h"

#include "asn1/asn1.h"
#include "sha/sha256.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define BACKDATE_SECONDS 300    /* notBefore is set this far in the past, so
                                   a peer whose clock lags a little still
                                   accepts a certificate issued just now */

/* ---- init and open ---------------------------------------------------------------- */

static glass_err random_serial(uint8_t serial[CA_SERIAL_LEN])
{
    glass_err err = glass_random(serial, CA_SERIAL_LEN);
    if (err != GLASS_OK)
        return err;
    /* Positive (top bit clear) and a full 16 bytes (top byte non-zero), so
     * the INTEGER is exactly 16 octets (RFC 5280 §4.1.2.2). */
    serial[0] &= 0x7f;
    if (serial[0] == 0)
        serial[0] = 0x01;
    return GLASS_OK;
}

/* See ca.h. */
glass_err ca_init(const char *dir, const char *subject, const char *password, int64_t now)
{
    return ca_init_ex(dir, subject, password, 2048, CA_ROOT_DEFAULT_DAYS, now);
}

/* What ca_init_ex has made so far, so that a failure removes exactly that:
 * the directory if it did not exist, certs/ and the lock file likewise, and
 * each file that was not there before it was written.
 *
 * Why undo rather than build in DIR.tmp.XXXXXX and rename(2) it into place:
 * rename can replace only an empty directory, and DIR may well exist already
 * with something in it (`--dir .`, or a directory made for the CA with
 * other files beside), which must keep working.  Readers are safe either
 * way: ca.pem is written last and its presence is what marks a finished CA
 * (ca_open refuses a directory without it), so a half-built directory is
 * never taken for a CA while the undo list is still being run. */
struct init_undo {
    int dir, certs, lock;
    const char *files[5];
    size_t n_files;
};

static void init_undo_run(const char *dir, const struct init_undo *u)
{
    char *p;
    for (size_t i = u->n_files; i-- > 0;) {
        if ((p = ca_path_join(dir, u->files[i])) != NULL)
            unlink(p);
        free(p);
    }
    if (u->certs && (p = ca_path_join(dir, "certs")) != NULL) {
        rmdir(p);
        free(p);
    }
    if (u->lock && (p = ca_path_join(dir, "lock")) != NULL) {
        unlink(p);
        free(p);
    }
    if (u->dir)
        rmdir(dir);
}

/* Writes one file of a new CA, noting it for the undo list if it is new. */
static glass_err init_write(const char *dir, const char *name, const void *data, size_t len,
                            unsigned mode, struct init_undo *u)
{
    int existed = ca_file_exists(dir, name);
    glass_err err = ca_write_in(dir, name, data, len, mode);
    if (err == GLASS_OK && !existed)
        u->files[u->n_files++] = name;
    return err;
}

/* The new CA's key: a copy of the one given, checked again as every key
 * we use is (rsa_check_private), or a new one of `bits` bits. */
static glass_err init_key(rsa_private_key *key, const rsa_private_key *given, unsigned bits)
{
    if (given == NULL)
        return rsa_generate(key, bits, RSA_DEFAULT_E);
    mpz_set(key->n, given->n);
    mpz_set(key->e, given->e);
    mpz_set(key->d, given->d);
    mpz_set(key->p, given->p);
    mpz_set(key->q, given->q);
    mpz_set(key->dP, given->dP);
    mpz_set(key->dQ, given->dQ);
    mpz_set(key->qInv, given->qInv);
    key->k = given->k;
    return rsa_check_private(key);
}

/* See ca.h. */
glass_err ca_init_ex(const char *dir, const char *subject, const char *password,
                     unsigned bits, unsigned days, int64_t now)
{
    return ca_init_key(dir, subject, password, NULL, bits, days, now);
}

/* See ca.h. */
glass_err ca_init_key(const char *dir, const char *subject, const char *password,
                      const rsa_private_key *given, unsigned bits, unsigned days, int64_t now)
{
    rsa_private_key key;
    rsa_public_key pub;
    uint8_t serial[CA_SERIAL_LEN];
    uint8_t *name = NULL, *cert = NULL, *key_pem = NULL;
    size_t name_len = 0, cert_len = 0, key_pem_len = 0;
    char *cert_pem = NULL;
    size_t cert_pem_len = 0;
    struct init_undo undo;
    int lock = -1;
    glass_err err;

    if (dir == NULL || dir[0] == '\0' || subject == NULL || password == NULL ||
        password[0] == '\0' || days == 0)
        return GLASS_ERR_ARG;
    memset(&undo, 0, sizeof undo);
    rsa_private_init(&key);
    rsa_public_init(&pub);

    /* 1. Everything that can fail without touching the disk comes first:
     *    the subject, an existing CA (checked again under the lock), the key,
     *    the self-signed root and both PEM encodings.  A failure here leaves
     *    the file system exactly as it was. */
    if ((err = x509_name_from_string(subject, &name, &name_len)) != GLASS_OK)
        goto cleanup;
    if (ca_file_exists(dir, "ca.pem") || ca_file_exists(dir, "ca.key")) {
        err = GLASS_ERR_CA_EXISTS;
        goto cleanup;
    }
    if ((err = init_key(&key, given, bits)) != GLASS_OK)
        goto cleanup;
    rsa_public_from_private(&pub, &key);
    if ((err = random_serial(serial)) != GLASS_OK)
        goto cleanup;
    /*    The root: issuer = subject, AKI = SKI. */
    x509_template t;
    memset(&t, 0, sizeof t);
    t.kind = X509_KIND_ROOT;
    t.serial = serial;
    t.serial_len = sizeof serial;
    t.issuer_der = name;
    t.issuer_len = name_len;
    t.subject_der = name;
    t.subject_len = name_len;
    t.not_before = now - BACKDATE_SECONDS;
    t.not_after = now + (int64_t)days * 86400;
    t.subject_pub = &pub;
    if ((err = x509_build(&t, &key, &cert, &cert_len)) != GLASS_OK)
        goto cleanup;
    if ((err = pem_encode(PEM_CERTIFICATE, cert, cert_len, &cert_pem, &cert_pem_len)) != GLASS_OK)
        goto cleanup;
    if ((err = ca_key_save_private_pem(&key, password, 0, &key_pem, &key_pem_len)) != GLASS_OK)
        goto cleanup;

    /* 2. The directory: created if missing, refused if it already is a CA
     *    (a second `ca init` may have finished while we made the key). */
    if (mkdir(dir, 0700) == 0) {
        undo.dir = 1;
    } else if (errno != EEXIST) {
        err = GLASS_ERR_CA_DIR;
        goto cleanup;
    }
    undo.lock = !ca_file_exists(dir, "lock");
    if ((lock = ca_lock_take(dir, &err)) < 0)
        goto cleanup;
    if (ca_file_exists(dir, "ca.pem") || ca_file_exists(dir, "ca.key")) {
        /* Another CA was made here meanwhile: the directory and its lock
         * are that CA's now. */
        undo.dir = 0;
        undo.lock = 0;
        err = GLASS_ERR_CA_EXISTS;
        goto cleanup;
    }

    /* 3. The files; ca.pem last, since its presence marks a finished CA. */
    {
        char *certs = ca_path_join(dir, "certs");
        if (certs == NULL) {
            err = GLASS_ERR_NOMEM;
            goto cleanup;
        }
        struct stat st;
        int rc = mkdir(certs, 0755);
        if (rc == 0)
            undo.certs = 1;
        else if (errno == EEXIST && stat(certs, &st) == 0 && S_ISDIR(st.st_mode))
            rc = 0;
        free(certs);
        if (rc != 0) {
            err = GLASS_ERR_CA_DIR;
            goto cleanup;
        }
    }
    if ((err = init_write(dir, "ca.key", key_pem, key_pem_len, 0600, &undo)) != GLASS_OK ||
        (err = init_write(dir, "index.txt", "", 0, 0644, &undo)) != GLASS_OK ||
        (err = init_write(dir, "issuance.log", "", 0, 0644, &undo)) != GLASS_OK ||
        (err = init_write(dir, "crlnumber", "1\n", 2, 0644, &undo)) != GLASS_OK ||
        (err = init_write(dir, "ca.pem", cert_pem, cert_pem_len, 0644, &undo)) != GLASS_OK)
        goto cleanup;
cleanup:
    if (err != GLASS_OK)
        init_undo_run(dir, &undo);
    ca_lock_release(lock);
    rsa_private_clear(&key);
    rsa_public_clear(&pub);
    free(name);
    free(cert);
    free(cert_pem);
    if (key_pem != NULL) {
        glass_wipe(key_pem, key_pem_len);
        free(key_pem);
    }
    return err;
}

/* See ca.h. */
glass_err ca_open(glass_ca **out, const char *dir, const char *password)
{
    uint8_t *data = NULL;
    size_t len = 0;
    x509_cert *certs = NULL;
    size_t n = 0;
    glass_err err;

    if (out == NULL || dir == NULL)
        return GLASS_ERR_ARG;
    *out = NULL;
    glass_ca *ca = calloc(1, sizeof *ca);
    if (ca == NULL)
        return GLASS_ERR_NOMEM;
    rsa_private_init(&ca->key);
    ca->dir = malloc(strlen(dir) + 1);
    if (ca->dir == NULL) {
        err = GLASS_ERR_NOMEM;
        goto fail;
    }
    memcpy(ca->dir, dir, strlen(dir) + 1);

    /* 0. An issuance a crash interrupted is finished or undone first
     *    (ca_txn.c), so that nothing below sees it half done. */
    if ((err = ca_recover(dir, NULL)) != GLASS_OK) {
        ca->bad_file = CA_JOURNAL;
        goto fail;
    }
    /* 1. The certificate. */
    if (!ca_file_exists(dir, "ca.pem") || !ca_file_exists(dir, "index.txt")) {
        err = GLASS_ERR_CA_DIR;
        goto fail;
    }
    if ((err = ca_read_in(dir, "ca.pem", &data, &len)) != GLASS_OK)
        goto fail;
    err = x509_load_pem(data, len, &certs, &n);
    free(data);
    data = NULL;
    if (err != GLASS_OK)
        goto fail;
    ca->cert = certs[0];
    for (size_t i = 1; i < n; i++)
        x509_free(&certs[i]);
    free(certs);

    /* 2. The key, when a password is given; it must match the certificate. */
    if (password != NULL) {
        if ((err = ca_read_in(dir, "ca.key", &data, &len)) != GLASS_OK) {
            err = GLASS_ERR_CA_DIR;
            goto fail;
        }
        err = ca_key_load_private(data, len, password, &ca->key);
        glass_wipe(data, len);
        free(data);
        if (err != GLASS_OK)
            goto fail;
        if (mpz_cmp(ca->key.n, ca->cert.pub.n) != 0 || mpz_cmp(ca->key.e, ca->cert.pub.e) != 0) {
            err = GLASS_ERR_CA_DIR;
            goto fail;
        }
        ca->have_key = 1;
    }
    *out = ca;
    return GLASS_OK;
fail:
    ca_close(ca);
    return err;
}

/* See ca.h. */
void ca_close(glass_ca *ca)
{
    if (ca == NULL)
        return;
    x509_free(&ca->cert);
    rsa_private_clear(&ca->key);
    free(ca->dir);
    free(ca);
}

/* See ca.h. */
const x509_cert *ca_certificate(const glass_ca *ca)
{
    return &ca->cert;
}

/* See ca.h. */
const char *ca_error_file(const glass_ca *ca)
{
    return ca != NULL ? ca->bad_file : NULL;
}

/* ---- issuing ------------------------------------------------------------------------ */

/* The SAN to use when the caller gave none: for a server, its CN (as an IP
 * address if it is one), since clients match host names against the SAN
 * only (RFC 6125 §6.4.4). */
static void default_san(const csr_info *req, enum ca_profile profile, char *out, size_t cap)
{
    char cn[X509_SAN_DNS_MAX];
    out[0] = '\0';
    if (profile != CA_PROFILE_SERVER)
        return;
    if (ca_name_common_name(req->subject_der, req->subject_len, cn, sizeof cn) != GLASS_OK)
        return;
    int is_ip = strspn(cn, "0123456789.") == strlen(cn) || strchr(cn, ':') != NULL;
    snprintf(out, cap, "%s:%s", is_ip ? "IP" : "DNS", cn);
}

/* See ca.h.  Steps 1 and 2 of an issuance; ca_txn.c does the rest. */
glass_err ca_issue_begin(glass_ca *ca, const uint8_t *csr_der, size_t len,
                         enum ca_profile profile, unsigned days, const char *san, int64_t now,
                         ca_issue **out)
{
    csr_info req;
    rsa_public_key pub;
    char san_default[X509_SAN_DNS_MAX + 8];
    glass_err err;

    if (ca == NULL || csr_der == NULL || out == NULL ||
        (profile != CA_PROFILE_SERVER && profile != CA_PROFILE_CLIENT))
        return GLASS_ERR_ARG;
    *out = NULL;
    if (!ca->have_key)
        return GLASS_ERR_KEY_PASSWORD;
    if (days == 0)
        days = CA_DEFAULT_DAYS;
    ca_issue *t = calloc(1, sizeof *t);
    if (t == NULL)
        return GLASS_ERR_NOMEM;
    t->ca = ca;
    t->lock = -1;

    /* 1. Proof of possession: the request's self-signature (RFC 2986 §3). */
    if ((err = csr_parse_for_ca(csr_der, len, &req)) != GLASS_OK) {
        free(t);
        return err;
    }
    rsa_public_init(&pub);
    if ((err = ca_key_parse_spki(req.spki_der, req.spki_len, &pub)) != GLASS_OK)
        goto cleanup;
    if (san == NULL || san[0] == '\0') {
        default_san(&req, profile, san_default, sizeof san_default);
        san = san_default;
    }

    /* 2. Under the lock (held until commit or abort): a serial not yet in
     *    the index, and the certificate. */
    ca->bad_file = NULL;
    if ((t->lock = ca_lock_take(ca->dir, &err)) < 0)
        goto cleanup;
    if ((err = ca_recover_locked(ca->dir)) != GLASS_OK ||
        (err = ca_index_read_open(ca, &t->entries, &t->n)) != GLASS_OK)
        goto cleanup;
    for (int tries = 0;; tries++) {
        int clash = 0;
        if ((err = random_serial(t->serial)) != GLASS_OK)
            goto cleanup;
        for (size_t i = 0; i < t->n; i++)
            clash |= ca_serial_equal(t->entries[i].serial, t->entries[i].serial_len, t->serial,
                                     CA_SERIAL_LEN);
        if (!clash)
            break;
        if (tries > 8) {
            err = GLASS_ERR_RANDOM;
            goto cleanup;
        }
    }
    x509_template tpl;
    memset(&tpl, 0, sizeof tpl);
    tpl.kind = profile == CA_PROFILE_SERVER ? X509_KIND_SERVER : X509_KIND_CLIENT;
    tpl.serial = t->serial;
    tpl.serial_len = CA_SERIAL_LEN;
    tpl.issuer_der = ca->cert.subject_der;
    tpl.issuer_len = ca->cert.subject_len;
    tpl.subject_der = req.subject_der;
    tpl.subject_len = req.subject_len;
    tpl.not_before = now - BACKDATE_SECONDS;
    tpl.not_after = now + (int64_t)days * 86400;
    /* A certificate should not outlive its issuer. */
    if (tpl.not_after > ca->cert.not_after)
        tpl.not_after = ca->cert.not_after;
    tpl.subject_pub = &pub;
    tpl.aki = ca->cert.ski_len > 0 ? ca->cert.ski : NULL;
    tpl.aki_len = ca->cert.ski_len;
    tpl.san = san;
    if ((err = x509_build(&tpl, &ca->key, &t->cert, &t->cert_len)) != GLASS_OK)
        goto cleanup;
    /*    The index entry it will get. */
    ca_entry *grown = realloc(t->entries, (t->n + 1) * sizeof *grown);
    if (grown == NULL) {
        err = GLASS_ERR_NOMEM;
        goto cleanup;
    }
    t->entries = grown;
    ca_entry *e = &t->entries[t->n];
    memset(e, 0, sizeof *e);
    e->status = 'V';
    e->not_after = tpl.not_after;
    memcpy(e->serial, t->serial, CA_SERIAL_LEN);
    e->serial_len = CA_SERIAL_LEN;
    memcpy(e->subject, req.subject, sizeof e->subject);
cleanup:
    csr_info_free(&req);
    rsa_public_clear(&pub);
    if (err != GLASS_OK) {
        ca_issue_abort(t);
        return err;
    }
    *out = t;
    return GLASS_OK;
}

/* See ca.h. */
const uint8_t *ca_issue_certificate(const ca_issue *t, size_t *len)
{
    *len = t->cert_len;
    return t->cert;
}

/* See ca.h. */
glass_err ca_sign_request(glass_ca *ca, const uint8_t *csr_der, size_t len,
                          enum ca_profile profile, unsigned days, const char *san,
                          int64_t now, uint8_t **cert_der, size_t *cert_len)
{
    ca_issue *t = NULL;
    if (cert_der == NULL || cert_len == NULL)
        return GLASS_ERR_ARG;
    glass_err err = ca_issue_begin(ca, csr_der, len, profile, days, san, now, &t);
    if (err != GLASS_OK)
        return err;
    uint8_t *copy = malloc(t->cert_len);
    if (copy == NULL) {
        ca_issue_abort(t);
        return GLASS_ERR_NOMEM;
    }
    memcpy(copy, t->cert, t->cert_len);
    size_t clen = t->cert_len;
    if ((err = ca_issue_commit(t)) != GLASS_OK) {
        free(copy);
        return err;
    }
    *cert_der = copy;
    *cert_len = clen;
    return GLASS_OK;
}

