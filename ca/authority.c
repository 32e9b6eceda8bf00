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
 * index.txt follows the layout of the openssl ca(1) database: six
 * tab-separated fields per line —
 *     V|R  expiry  revocation-date  SERIAL  unknown  /subject
 * with dates as YYMMDDHHMMSSZ.  issuance.log has one line per certificate:
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

#define SERIAL_LEN 16           /* bytes in the serials we assign */
#define BACKDATE_SECONDS 300    /* notBefore is set this far in the past, so
                                   a peer whose clock lags a little still
                                   accepts a certificate issued just now */

struct glass_ca {
    char *dir;
    x509_cert cert;
    rsa_private_key key;
    int have_key;
    const char *bad_file;       /* for ca_error_file */
};

/* ---- small helpers ---------------------------------------------------------- */

static char *path_join(const char *dir, const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = malloc(n);
    if (p != NULL)
        snprintf(p, n, "%s/%s", dir, name);
    return p;
}

static int file_exists(const char *dir, const char *name)
{
    struct stat st;
    char *p = path_join(dir, name);
    int ok = p != NULL && stat(p, &st) == 0;
    free(p);
    return ok;
}

static glass_err read_in(const char *dir, const char *name, uint8_t **data, size_t *len)
{
    char *p = path_join(dir, name);
    if (p == NULL)
        return GLASS_ERR_NOMEM;
    glass_err err = glass_read_file(p, 64u << 20, data, len);
    free(p);
    return err;
}

static glass_err write_in(const char *dir, const char *name, const void *data, size_t len,
                          unsigned mode)
{
    char *p = path_join(dir, name);
    if (p == NULL)
        return GLASS_ERR_NOMEM;
    glass_err err = glass_write_file_atomic(p, data, len, mode);
    free(p);
    return err;
}

static void hex_upper(const uint8_t *p, size_t len, char *out)
{
    static const char digits[] = "0123456789ABCDEF";
    for (size_t i = 0; i < len; i++) {
        out[2 * i] = digits[p[i] >> 4];
        out[2 * i + 1] = digits[p[i] & 15];
    }
    out[2 * len] = '\0';
}

/* YYMMDDHHMMSSZ (UTCTime's text), or YYYYMMDDHHMMSSZ from 2050 on. */
static void format_time(int64_t t, char out[20])
{
    int y, mon, d, h, min, s;
    der_time_to_civil(t, &y, &mon, &d, &h, &min, &s);
    if (y >= 1950 && y <= 2049)
        snprintf(out, 20, "%02d%02d%02d%02d%02d%02dZ", y % 100, mon, d, h, min, s);
    else
        snprintf(out, 20, "%04d%02d%02d%02d%02d%02dZ", y, mon, d, h, min, s);
}

static int parse_time(const char *text, int64_t *t)
{
    size_t n = strlen(text);
    uint8_t tag = n == 13 ? DER_UTC_TIME : DER_GENERALIZED_TIME;
    return der_parse_time(tag, (const uint8_t *)text, n, t) == GLASS_OK ? 0 : -1;
}

/* Strips leading zero bytes (serials compare as magnitudes). */
static void strip_zeros(const uint8_t **p, size_t *len)
{
    while (*len > 1 && (*p)[0] == 0) {
        (*p)++;
        (*len)--;
    }
}

static int serial_equal(const uint8_t *a, size_t a_len, const uint8_t *b, size_t b_len)
{
    strip_zeros(&a, &a_len);
    strip_zeros(&b, &b_len);
    return a_len == b_len && memcmp(a, b, a_len) == 0;
}

/* ---- the lock ------------------------------------------------------------------ */

/* Takes an exclusive fcntl() lock on D/lock, retrying every 20 ms for at
 * most CA_LOCK_WAIT_MS.  Returns the open descriptor (closing it releases
 * the lock) or -1 with *err set. */
static int lock_take(const char *dir, glass_err *err)
{
    char *p = path_join(dir, "lock");
    if (p == NULL) {
        *err = GLASS_ERR_NOMEM;
        return -1;
    }
    int fd = open(p, O_RDWR | O_CREAT, 0600);
    free(p);
    if (fd < 0) {
        *err = GLASS_ERR_CA_DIR;
        return -1;
    }
    struct flock fl;
    memset(&fl, 0, sizeof fl);
    fl.l_type = F_WRLCK;
    fl.l_whence = SEEK_SET;
    for (unsigned waited = 0;; waited += 20) {
        if (fcntl(fd, F_SETLK, &fl) == 0)
            return fd;
        if (errno != EACCES && errno != EAGAIN && errno != EINTR)
            break;
        if (waited >= CA_LOCK_WAIT_MS)
            break;
        struct timespec ts = {0, 20 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    close(fd);
    *err = GLASS_ERR_CA_LOCK;
    return -1;
}

static void lock_release(int fd)
{
    if (fd >= 0)
        close(fd);
}

/* ---- the index ----------------------------------------------------------------- */

/* Parses index.txt into a malloc'd array. */
static glass_err index_read(const char *dir, ca_entry **entries, size_t *n)
{
    uint8_t *data = NULL;
    size_t len = 0, count = 0, cap = 0;
    ca_entry *list = NULL;
    glass_err err = read_in(dir, "index.txt", &data, &len);
    if (err != GLASS_OK)
        return err == GLASS_ERR_FILE_OPEN ? GLASS_ERR_CA_DIR : err;
    char *line = (char *)data;
    while (line < (char *)data + len && *line != '\0') {
        char *nl = strchr(line, '\n');
        if (nl == NULL) {
            err = GLASS_ERR_CA_DB;      /* a line without its newline: torn */
            goto fail;
        }
        *nl = '\0';
        /* Split the six fields. */
        char *field[6];
        char *q = line;
        int f;
        for (f = 0; f < 6; f++) {
            field[f] = q;
            char *tab = strchr(q, '\t');
            if (tab == NULL)
                break;
            *tab = '\0';
            q = tab + 1;
        }
        if (f != 5) {
            err = GLASS_ERR_CA_DB;
            goto fail;
        }
        if (count == cap) {
            cap = cap ? cap * 2 : 16;
            ca_entry *grown = realloc(list, cap * sizeof *list);
            if (grown == NULL) {
                err = GLASS_ERR_NOMEM;
                goto fail;
            }
            list = grown;
        }
        ca_entry *e = &list[count];
        memset(e, 0, sizeof *e);
        e->status = field[0][0];
        size_t sl = 0;
        if ((e->status != 'V' && e->status != 'R') || field[0][1] != '\0' ||
            parse_time(field[1], &e->not_after) != 0 ||
            (e->status == 'R' && parse_time(field[2], &e->revoked_at) != 0) ||
            (e->status == 'V' && field[2][0] != '\0') ||
            glass_hex_decode(e->serial, sizeof e->serial, &sl, field[3]) != GLASS_OK ||
            sl == 0 || strlen(field[5]) >= sizeof e->subject) {
            err = GLASS_ERR_CA_DB;
            goto fail;
        }
        e->serial_len = sl;
        memcpy(e->subject, field[5], strlen(field[5]) + 1);
        count++;
        line = nl + 1;
    }
    free(data);
    *entries = list;
    *n = count;
    return GLASS_OK;
fail:
    free(data);
    free(list);
    return err;
}

/* index_read for an open CA, noting the file for ca_error_file. */
static glass_err ca_index_read(glass_ca *ca, ca_entry **entries, size_t *n)
{
    glass_err err = index_read(ca->dir, entries, n);
    ca->bad_file = err == GLASS_OK || err == GLASS_ERR_NOMEM ? NULL : "index.txt";
    return err;
}

/* Writes the whole index (atomically). */
static glass_err index_write(const char *dir, const ca_entry *e, size_t n)
{
    size_t cap = n * (2 * X509_SERIAL_MAX + X509_NAME_STR_MAX + 64) + 1;
    char *text = malloc(cap);
    size_t o = 0;
    if (text == NULL)
        return GLASS_ERR_NOMEM;
    text[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        char exp[20], rev[20] = "", serial[2 * X509_SERIAL_MAX + 1];
        format_time(e[i].not_after, exp);
        if (e[i].status == 'R')
            format_time(e[i].revoked_at, rev);
        hex_upper(e[i].serial, e[i].serial_len, serial);
        int k = snprintf(text + o, cap - o, "%c\t%s\t%s\t%s\tunknown\t%s\n", e[i].status, exp,
                         rev, serial, e[i].subject);
        if (k < 0 || (size_t)k >= cap - o) {
            free(text);
            return GLASS_ERR_INTERNAL;
        }
        o += (size_t)k;
    }
    glass_err err = write_in(dir, "index.txt", text, o, 0644);
    free(text);
    return err;
}

/* ---- init and open ---------------------------------------------------------------- */

static glass_err random_serial(uint8_t serial[SERIAL_LEN])
{
    glass_err err = glass_random(serial, SERIAL_LEN);
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
        if ((p = path_join(dir, u->files[i])) != NULL)
            unlink(p);
        free(p);
    }
    if (u->certs && (p = path_join(dir, "certs")) != NULL) {
        rmdir(p);
        free(p);
    }
    if (u->lock && (p = path_join(dir, "lock")) != NULL) {
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
    int existed = file_exists(dir, name);
    glass_err err = write_in(dir, name, data, len, mode);
    if (err == GLASS_OK && !existed)
        u->files[u->n_files++] = name;
    return err;
}

/* See ca.h. */
glass_err ca_init_ex(const char *dir, const char *subject, const char *password,
                     unsigned bits, unsigned days, int64_t now)
{
    rsa_private_key key;
    rsa_public_key pub;
    uint8_t serial[SERIAL_LEN];
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
    if (file_exists(dir, "ca.pem") || file_exists(dir, "ca.key")) {
        err = GLASS_ERR_CA_EXISTS;
        goto cleanup;
    }
    if ((err = rsa_generate(&key, bits, RSA_DEFAULT_E)) != GLASS_OK)
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
    if ((err = key_save_private_pem(&key, password, 0, &key_pem, &key_pem_len)) != GLASS_OK)
        goto cleanup;

    /* 2. The directory: created if missing, refused if it already is a CA
     *    (a second `ca init` may have finished while we made the key). */
    if (mkdir(dir, 0700) == 0) {
        undo.dir = 1;
    } else if (errno != EEXIST) {
        err = GLASS_ERR_CA_DIR;
        goto cleanup;
    }
    undo.lock = !file_exists(dir, "lock");
    if ((lock = lock_take(dir, &err)) < 0)
        goto cleanup;
    if (file_exists(dir, "ca.pem") || file_exists(dir, "ca.key")) {
        /* Another CA was made here meanwhile: the directory and its lock
         * are that CA's now. */
        undo.dir = 0;
        undo.lock = 0;
        err = GLASS_ERR_CA_EXISTS;
        goto cleanup;
    }

    /* 3. The files; ca.pem last, since its presence marks a finished CA. */
    {
        char *certs = path_join(dir, "certs");
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
    lock_release(lock);
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

    /* 1. The certificate. */
    if (!file_exists(dir, "ca.pem") || !file_exists(dir, "index.txt")) {
        err = GLASS_ERR_CA_DIR;
        goto fail;
    }
    if ((err = read_in(dir, "ca.pem", &data, &len)) != GLASS_OK)
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
        if ((err = read_in(dir, "ca.key", &data, &len)) != GLASS_OK) {
            err = GLASS_ERR_CA_DIR;
            goto fail;
        }
        err = key_load_private(data, len, password, &ca->key);
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
    if (name_common_name(req->subject_der, req->subject_len, cn, sizeof cn) != GLASS_OK)
        return;
    int is_ip = strspn(cn, "0123456789.") == strlen(cn) || strchr(cn, ':') != NULL;
    snprintf(out, cap, "%s:%s", is_ip ? "IP" : "DNS", cn);
}

/* Appends the log line for a new certificate (under the lock). */
static glass_err log_append(glass_ca *ca, const uint8_t *serial, size_t serial_len,
                            const uint8_t *cert, size_t cert_len)
{
    uint8_t h[SHA256_DIGEST_LEN];
    uint8_t *old = NULL, *sig = NULL;
    size_t old_len = 0;
    char *text = NULL;
    glass_err err = read_in(ca->dir, "issuance.log", &old, &old_len);
    if (err != GLASS_OK)
        return err;
    sig = malloc(ca->key.k);
    size_t cap = old_len + 2 * (X509_SERIAL_MAX + SHA256_DIGEST_LEN + ca->key.k) + 8;
    text = malloc(cap);
    if (sig == NULL || text == NULL) {
        err = GLASS_ERR_NOMEM;
        goto cleanup;
    }
    /* The CA signs the certificate's hash: RSASSA-PKCS1-v1_5 over
     * SHA-256(DER), so each line can be checked with ca.pem alone. */
    sha256(cert, cert_len, h);
    if ((err = rsa_pkcs1v15_sign_digest(&ca->key, h, sig)) != GLASS_OK)
        goto cleanup;
    memcpy(text, old, old_len);
    size_t o = old_len;
    hex_upper(serial, serial_len, text + o);
    o += 2 * serial_len;
    text[o++] = ' ';
    glass_hex_encode(text + o, cap - o, h, sizeof h);
    o += 2 * sizeof h;
    text[o++] = ' ';
    glass_hex_encode(text + o, cap - o, sig, ca->key.k);
    o += 2 * ca->key.k;
    text[o++] = '\n';
    err = write_in(ca->dir, "issuance.log", text, o, 0644);
cleanup:
    free(old);
    free(sig);
    free(text);
    return err;
}

/* See ca.h. */
glass_err ca_sign_request(glass_ca *ca, const uint8_t *csr_der, size_t len,
                          enum ca_profile profile, unsigned days, const char *san,
                          int64_t now, uint8_t **cert_der, size_t *cert_len)
{
    csr_info req;
    rsa_public_key pub;
    ca_entry *entries = NULL;
    size_t n = 0;
    uint8_t serial[SERIAL_LEN];
    uint8_t *cert = NULL;
    size_t clen = 0;
    char *pem = NULL;
    size_t pem_len = 0;
    char san_default[X509_SAN_DNS_MAX + 8];
    int lock = -1;
    glass_err err;

    if (ca == NULL || csr_der == NULL || cert_der == NULL || cert_len == NULL ||
        (profile != CA_PROFILE_SERVER && profile != CA_PROFILE_CLIENT))
        return GLASS_ERR_ARG;
    if (!ca->have_key)
        return GLASS_ERR_KEY_PASSWORD;
    if (days == 0)
        days = CA_DEFAULT_DAYS;

    /* 1. Proof of possession: the request's self-signature (RFC 2986 §3). */
    if ((err = csr_parse_and_verify(csr_der, len, &req)) != GLASS_OK)
        return err;
    rsa_public_init(&pub);
    if ((err = key_parse_spki(req.spki_der, req.spki_len, &pub)) != GLASS_OK)
        goto cleanup;
    if (san == NULL || san[0] == '\0') {
        default_san(&req, profile, san_default, sizeof san_default);
        san = san_default;
    }

    /* 2. Under the lock: a serial not yet in the index, the certificate. */
    ca->bad_file = NULL;
    if ((lock = lock_take(ca->dir, &err)) < 0)
        goto cleanup;
    if ((err = ca_index_read(ca, &entries, &n)) != GLASS_OK)
        goto cleanup;
    for (int tries = 0;; tries++) {
        int clash = 0;
        if ((err = random_serial(serial)) != GLASS_OK)
            goto cleanup;
        for (size_t i = 0; i < n; i++)
            clash |= serial_equal(entries[i].serial, entries[i].serial_len, serial, sizeof serial);
        if (!clash)
            break;
        if (tries > 8) {
            err = GLASS_ERR_RANDOM;
            goto cleanup;
        }
    }
    x509_template t;
    memset(&t, 0, sizeof t);
    t.kind = profile == CA_PROFILE_SERVER ? X509_KIND_SERVER : X509_KIND_CLIENT;
    t.serial = serial;
    t.serial_len = sizeof serial;
    t.issuer_der = ca->cert.subject_der;
    t.issuer_len = ca->cert.subject_len;
    t.subject_der = req.subject_der;
    t.subject_len = req.subject_len;
    t.not_before = now - BACKDATE_SECONDS;
    t.not_after = now + (int64_t)days * 86400;
    /* A certificate should not outlive its issuer. */
    if (t.not_after > ca->cert.not_after)
        t.not_after = ca->cert.not_after;
    t.subject_pub = &pub;
    t.aki = ca->cert.ski_len > 0 ? ca->cert.ski : NULL;
    t.aki_len = ca->cert.ski_len;
    t.san = san;
    if ((err = x509_build(&t, &ca->key, &cert, &clen)) != GLASS_OK)
        goto cleanup;

    /* 3. certs/SERIAL.pem, then the index, then the log. */
    {
        char name[2 * SERIAL_LEN + 16] = "certs/";
        hex_upper(serial, sizeof serial, name + 6);
        strcat(name, ".pem");
        if ((err = pem_encode(PEM_CERTIFICATE, cert, clen, &pem, &pem_len)) != GLASS_OK ||
            (err = write_in(ca->dir, name, pem, pem_len, 0644)) != GLASS_OK)
            goto cleanup;
    }
    {
        ca_entry *grown = realloc(entries, (n + 1) * sizeof *entries);
        if (grown == NULL) {
            err = GLASS_ERR_NOMEM;
            goto cleanup;
        }
        entries = grown;
        ca_entry *e = &entries[n];
        memset(e, 0, sizeof *e);
        e->status = 'V';
        e->not_after = t.not_after;
        memcpy(e->serial, serial, sizeof serial);
        e->serial_len = sizeof serial;
        memcpy(e->subject, req.subject, sizeof e->subject);
        if ((err = index_write(ca->dir, entries, n + 1)) != GLASS_OK)
            goto cleanup;
    }
    if ((err = log_append(ca, serial, sizeof serial, cert, clen)) != GLASS_OK)
        goto cleanup;
    *cert_der = cert;
    *cert_len = clen;
    cert = NULL;
cleanup:
    lock_release(lock);
    csr_info_free(&req);
    rsa_public_clear(&pub);
    free(entries);
    free(cert);
    free(pem);
    return err;
}

/* See ca.h. */
glass_err ca_revoke(glass_ca *ca, const uint8_t *serial, size_t serial_len, int64_t now)
{
    ca_entry *entries = NULL;
    size_t n = 0;
    int lock;
    glass_err err;
    if (ca == NULL || serial == NULL || serial_len == 0)
        return GLASS_ERR_ARG;
    ca->bad_file = NULL;
    if ((lock = lock_take(ca->dir, &err)) < 0)
        return err;
    if ((err = ca_index_read(ca, &entries, &n)) != GLASS_OK)
        goto cleanup;
    err = GLASS_ERR_CA_SERIAL;
    for (size_t i = 0; i < n; i++)
        if (serial_equal(entries[i].serial, entries[i].serial_len, serial, serial_len)) {
            /* Revoking twice is refused, as `openssl ca -revoke` does, and
             * the index is left alone: the first date is the one the CRL
             * carries (its revocationDate, RFC 5280 §5.1.2.6, does not move). */
            if (entries[i].status == 'R') {
                err = GLASS_ERR_CA_ALREADY_REVOKED;
                break;
            }
            entries[i].status = 'R';
            entries[i].revoked_at = now;
            err = index_write(ca->dir, entries, n);
            break;
        }
cleanup:
    lock_release(lock);
    free(entries);
    return err;
}

/* Reads D/crlnumber: the decimal number of the next CRL, 1 or more, and
 * less than the largest uint64_t (whose successor could not be written);
 * one optional newline after it and nothing else.  GLASS_ERR_CA_DB for
 * anything else. */
static glass_err crl_number_parse(const uint8_t *text, size_t len, uint64_t *number)
{
    uint64_t v = 0;
    size_t i = 0;
    if (len > 0 && text[len - 1] == '\n')
        len--;
    if (len == 0)
        return GLASS_ERR_CA_DB;
    for (i = 0; i < len; i++) {
        if (text[i] < '0' || text[i] > '9')
            return GLASS_ERR_CA_DB;
        unsigned digit = (unsigned)(text[i] - '0');
        if (v > (UINT64_MAX - digit) / 10)
            return GLASS_ERR_CA_DB;     /* more than 64 bits */
        v = v * 10 + digit;
    }
    if (v == 0 || v == UINT64_MAX)
        return GLASS_ERR_CA_DB;
    *number = v;
    return GLASS_OK;
}

/* See ca.h. */
glass_err ca_crl_current(glass_ca *ca, int64_t now, uint8_t **der, size_t *len)
{
    ca_entry *entries = NULL;
    x509_crl_entry *revoked = NULL;
    size_t n = 0, nr = 0;
    uint8_t *num_text = NULL;
    size_t num_len = 0;
    uint64_t number = 0;
    int lock;
    glass_err err;
    if (ca == NULL || der == NULL || len == NULL)
        return GLASS_ERR_ARG;
    if (!ca->have_key)
        return GLASS_ERR_KEY_PASSWORD;
    ca->bad_file = NULL;
    if ((lock = lock_take(ca->dir, &err)) < 0)
        return err;
    if ((err = ca_index_read(ca, &entries, &n)) != GLASS_OK)
        goto cleanup;
    revoked = calloc(n ? n : 1, sizeof *revoked);
    if (revoked == NULL) {
        err = GLASS_ERR_NOMEM;
        goto cleanup;
    }
    for (size_t i = 0; i < n; i++)
        if (entries[i].status == 'R') {
            memcpy(revoked[nr].serial, entries[i].serial, entries[i].serial_len);
            revoked[nr].serial_len = entries[i].serial_len;
            revoked[nr].revocation_date = entries[i].revoked_at;
            nr++;
        }
    /* cRLNumber: "a monotonically increasing sequence number" (RFC 5280
     * §5.2.3).  So a number that cannot be read is an error, never a
     * restart at 1 (a relying party would take the new CRL for an old one),
     * and the largest number is the last one: it is never wrapped. */
    if ((err = read_in(ca->dir, "crlnumber", &num_text, &num_len)) != GLASS_OK) {
        err = err == GLASS_ERR_FILE_OPEN ? GLASS_ERR_CA_DIR : err;
        ca->bad_file = "crlnumber";
        goto cleanup;
    }
    if ((err = crl_number_parse(num_text, num_len, &number)) != GLASS_OK) {
        ca->bad_file = "crlnumber";
        goto cleanup;
    }
    err = crl_build(&ca->cert, &ca->key, revoked, nr, number, now, now + 30 * 86400, der, len);
    if (err == GLASS_OK) {
        char next[32];
        int k = snprintf(next, sizeof next, "%llu\n", (unsigned long long)(number + 1));
        err = write_in(ca->dir, "crlnumber", next, (size_t)k, 0644);
    }
cleanup:
    lock_release(lock);
    free(entries);
    free(revoked);
    free(num_text);
    return err;
}

/* See ca.h. */
glass_err ca_list(glass_ca *ca, ca_entry **entries, size_t *n)
{
    if (ca == NULL || entries == NULL || n == NULL)
        return GLASS_ERR_ARG;
    return ca_index_read(ca, entries, n);
}

/* See ca.h. */
int ca_is_revoked(glass_ca *ca, const uint8_t *serial, size_t serial_len)
{
    ca_entry *entries = NULL;
    size_t n = 0;
    int revoked = 0;
    if (ca == NULL || ca_index_read(ca, &entries, &n) != GLASS_OK)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (entries[i].status == 'R' &&
            serial_equal(entries[i].serial, entries[i].serial_len, serial, serial_len))
            revoked = 1;
    free(entries);
    return revoked;
}
