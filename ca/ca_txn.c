/*
 * ca_txn.c — issuing a certificate as one transaction: after a crash
 * (kill -9, power loss) or a full disk, either everything an issuance
 * writes is there, or none of it is.
 *
 * An issuance touches three files besides the certificate itself: the
 * stored copy certs/SERIAL.pem, a line appended to issuance.log, and a line
 * in index.txt.  Each write alone is safe (the copy and the index are
 * replaced atomically, glass_write_file_atomic), but a crash or ENOSPC
 * between two of them would leave a CA that disagrees with itself: a
 * valid index entry with no log line, or a log line for a certificate
 * nobody received.  So, with the CA's lock held from ca_issue_begin on:
 *
 *   0. everything that can fail without the disk is done first: the
 *      certificate, its PEM, the CA's signature for the log line;
 *   1. the journal, D/journal, is written (atomically): "issue SERIAL
 *      LOG_LENGTH" — what is about to happen and the log's length before;
 *   2. certs/SERIAL.pem is written;
 *   3. the log line is appended in place (O_APPEND, fsync);
 *   4. index.txt is replaced with the new entry — the commit point;
 *   5. the journal is removed.
 *
 * Undoing needs no free space, which is why the log is appended in place
 * rather than rewritten: truncating it back to LOG_LENGTH and unlinking
 * files only ever frees blocks, so a full disk can always be rolled back.
 * A failure in steps 2-4 rolls back at once; a crash anywhere leaves the
 * journal, and the next command that opens the CA (ca_open, ca_issue_begin,
 * glass ca check) finishes the job: if index.txt has SERIAL the issuance
 * committed and only the journal goes; otherwise the log is truncated to
 * LOG_LENGTH and certs/SERIAL.pem removed.  This is the write-ahead idea
 * of database journals, cut down to one transaction at a time (the lock
 * allows no more).
 *
 * Read in this order: the log line, the journal, rollback, commit, then
 * recovery.
 *
 * CT: the CA key signs the log line only through rsa/ (blinded,
 * mpz_powm_sec); nothing else here is secret.
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
#include <unistd.h>

#define JOURNAL_MAGIC "glass-ca-journal 1\n"

/* The log line: SERIAL, SHA-256 of the DER, the CA's RSASSA-PKCS1-v1_5
 * signature over that hash (RFC 8017 §8.2), so that ca.pem alone checks it. */
static glass_err log_line(const ca_issue *t, char **out, size_t *len)
{
    uint8_t h[SHA256_DIGEST_LEN];
    size_t k = t->ca->key.k;
    uint8_t *sig = malloc(k);
    size_t cap = 2 * (CA_SERIAL_LEN + SHA256_DIGEST_LEN + k) + 4;
    char *text = malloc(cap);
    glass_err err = GLASS_ERR_NOMEM;
    if (sig != NULL && text != NULL) {
        sha256(t->cert, t->cert_len, h);
        err = rsa_pkcs1v15_sign_digest(&t->ca->key, h, sig);
    }
    if (err == GLASS_OK) {
        size_t o = 0;
        ca_hex_upper(t->serial, CA_SERIAL_LEN, text);
        o += 2 * CA_SERIAL_LEN;
        text[o++] = ' ';
        glass_hex_encode(text + o, cap - o, h, sizeof h);
        o += 2 * sizeof h;
        text[o++] = ' ';
        glass_hex_encode(text + o, cap - o, sig, k);
        o += 2 * k;
        text[o++] = '\n';
        *out = text;
        *len = o;
        text = NULL;
    }
    free(sig);
    free(text);
    return err;
}

/* fsync(2) of a directory, so that a rename or unlink in it is durable. */
static void sync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY);
    if (fd >= 0) {
        (void)fsync(fd);
        close(fd);
    }
}

/* Step 3: appends the line to the log in place; on any failure the log is
 * cut back to old_len (which frees space, so it cannot fail for lack of
 * it). */
static glass_err log_append(const char *dir, const char *line, size_t len, off_t old_len)
{
    char *path = ca_path_join(dir, "issuance.log");
    if (path == NULL)
        return GLASS_ERR_NOMEM;
    int fd = open(path, O_WRONLY | O_APPEND);
    free(path);
    if (fd < 0)
        return GLASS_ERR_CA_DIR;
    glass_err err = GLASS_OK;
    for (size_t done = 0; done < len && err == GLASS_OK;) {
        ssize_t w = write(fd, line + done, len - done);
        if (w > 0)
            done += (size_t)w;
        else if (w < 0 && errno == EINTR)
            continue;
        else
            err = GLASS_ERR_IO;     /* ENOSPC among them */
    }
    if (err == GLASS_OK && fsync(fd) != 0)
        err = GLASS_ERR_IO;
    if (err != GLASS_OK && ftruncate(fd, old_len) == 0)
        (void)fsync(fd);
    close(fd);
    return err;
}

/* Undoes steps 2-3 and removes the journal; if the log cannot be cut back,
 * the journal stays for the next recovery. */
static glass_err rollback(const char *dir, const char *serial_hex, off_t log_len)
{
    char name[2 * CA_SERIAL_LEN + 16];
    glass_err err = GLASS_OK;
    char *path = ca_path_join(dir, "issuance.log");
    if (path == NULL)
        return GLASS_ERR_NOMEM;
    struct stat st;
    if (stat(path, &st) == 0 && st.st_size > log_len) {
        int fd = open(path, O_WRONLY);
        if (fd < 0 || ftruncate(fd, log_len) != 0 || fsync(fd) != 0)
            err = GLASS_ERR_IO;
        if (fd >= 0)
            close(fd);
    }
    free(path);
    if (err != GLASS_OK)
        return err;
    snprintf(name, sizeof name, "certs/%s.pem", serial_hex);
    if ((path = ca_path_join(dir, name)) == NULL)
        return GLASS_ERR_NOMEM;
    if (unlink(path) != 0 && errno != ENOENT)
        err = GLASS_ERR_IO;
    free(path);
    if (err != GLASS_OK)
        return err;
    if ((path = ca_path_join(dir, "certs")) != NULL) {
        sync_dir(path);
        free(path);
    }
    if ((path = ca_path_join(dir, CA_JOURNAL)) == NULL)
        return GLASS_ERR_NOMEM;
    if (unlink(path) != 0 && errno != ENOENT)
        err = GLASS_ERR_IO;
    free(path);
    sync_dir(dir);
    return err;
}

static void issue_free(ca_issue *t)
{
    ca_lock_release(t->lock);
    free(t->cert);
    free(t->entries);
    free(t);
}

/* See ca.h. */
void ca_issue_abort(ca_issue *t)
{
    if (t != NULL)
        issue_free(t);
}

/* See ca.h: steps 0 to 5 of the essay at the top. */
glass_err ca_issue_commit(ca_issue *t)
{
    char hex[2 * CA_SERIAL_LEN + 1], name[2 * CA_SERIAL_LEN + 16], journal[128];
    char *line = NULL, *pem = NULL;
    size_t line_len = 0, pem_len = 0;
    struct stat st;
    if (t == NULL)
        return GLASS_ERR_ARG;
    const char *dir = t->ca->dir;
    ca_hex_upper(t->serial, CA_SERIAL_LEN, hex);
    snprintf(name, sizeof name, "certs/%s.pem", hex);
    /* 0. Nothing on disk yet. */
    glass_err err = log_line(t, &line, &line_len);
    if (err == GLASS_OK)
        err = pem_encode(PEM_CERTIFICATE, t->cert, t->cert_len, &pem, &pem_len);
    char *log_path = err == GLASS_OK ? ca_path_join(dir, "issuance.log") : NULL;
    if (err == GLASS_OK && (log_path == NULL || stat(log_path, &st) != 0))
        err = log_path == NULL ? GLASS_ERR_NOMEM : GLASS_ERR_CA_DIR;
    free(log_path);
    if (err != GLASS_OK)
        goto done;
    /* 1. The journal. */
    int jl = snprintf(journal, sizeof journal, JOURNAL_MAGIC "issue %s %lld\n", hex,
                      (long long)st.st_size);
    if ((err = ca_write_in(dir, CA_JOURNAL, journal, (size_t)jl, 0600)) != GLASS_OK)
        goto done;
    /* 2-4. The certificate, the log line, the index (the commit point). */
    if ((err = ca_write_in(dir, name, pem, pem_len, 0644)) != GLASS_OK ||
        (err = log_append(dir, line, line_len, st.st_size)) != GLASS_OK ||
        (err = ca_index_save(dir, t->entries, t->n + 1)) != GLASS_OK) {
        (void)rollback(dir, hex, st.st_size);
        goto done;
    }
    /* 5. Committed: the journal goes. */
    char *jp = ca_path_join(dir, CA_JOURNAL);
    if (jp != NULL) {
        unlink(jp);
        free(jp);
    }
    sync_dir(dir);
done:
    free(line);
    free(pem);
    issue_free(t);
    return err;
}

/* ---- recovery ------------------------------------------------------------ */

/* See ca_internal.h. */
glass_err ca_recover_locked(const char *dir)
{
    uint8_t *text = NULL;
    size_t len = 0;
    char hex[2 * CA_SERIAL_LEN + 2];
    long long log_len = -1;
    ca_entry *entries = NULL;
    size_t n = 0;
    uint8_t serial[CA_SERIAL_LEN];
    size_t serial_len = 0;
    if (!ca_file_exists(dir, CA_JOURNAL))
        return GLASS_OK;
    glass_err err = ca_read_in(dir, CA_JOURNAL, &text, &len);
    if (err != GLASS_OK)
        return err;
    /* The journal was written atomically: anything but the one form is
     * damage, not a torn write, and is left for a person to look at. */
    size_t magic = strlen(JOURNAL_MAGIC);
    if (len <= magic || memcmp(text, JOURNAL_MAGIC, magic) != 0 ||
        sscanf((const char *)text + magic, "issue %33s %lld", hex, &log_len) != 2 ||
        log_len < 0 || strlen(hex) != 2 * CA_SERIAL_LEN ||
        glass_hex_decode(serial, sizeof serial, &serial_len, hex) != GLASS_OK) {
        free(text);
        return GLASS_ERR_CA_DB;
    }
    free(text);
    if ((err = ca_index_load(dir, &entries, &n)) != GLASS_OK)
        return err;
    int committed = 0;
    for (size_t i = 0; i < n; i++)
        committed |= ca_serial_equal(entries[i].serial, entries[i].serial_len, serial, serial_len);
    free(entries);
    if (!committed)
        return rollback(dir, hex, (off_t)log_len);
    char *jp = ca_path_join(dir, CA_JOURNAL);
    if (jp == NULL)
        return GLASS_ERR_NOMEM;
    err = unlink(jp) == 0 || errno == ENOENT ? GLASS_OK : GLASS_ERR_IO;
    free(jp);
    sync_dir(dir);
    return err;
}

/* See ca.h. */
glass_err ca_recover(const char *dir, int *recovered)
{
    glass_err err;
    if (recovered != NULL)
        *recovered = 0;
    if (dir == NULL)
        return GLASS_ERR_ARG;
    if (!ca_file_exists(dir, CA_JOURNAL))
        return GLASS_OK;
    int lock = ca_lock_take(dir, &err);
    if (lock < 0)
        return err;
    /* Which way it goes, for the caller's message: committed if the index
     * has the serial (ca_recover_locked decides the same way). */
    uint8_t *text = NULL;
    size_t len = 0;
    int had = ca_file_exists(dir, CA_JOURNAL);
    if (had && ca_read_in(dir, CA_JOURNAL, &text, &len) == GLASS_OK && recovered != NULL) {
        char hex[2 * CA_SERIAL_LEN + 2] = "";
        long long l = 0;
        const char *p = strchr((const char *)text, '\n');
        if (p != NULL && sscanf(p + 1, "issue %33s %lld", hex, &l) == 2) {
            uint8_t *idx = NULL;
            size_t il = 0;
            *recovered = 1;
            if (ca_read_in(dir, "index.txt", &idx, &il) == GLASS_OK && strstr((char *)idx, hex))
                *recovered = 2;
            free(idx);
        }
    }
    free(text);
    err = had ? ca_recover_locked(dir) : GLASS_OK;
    ca_lock_release(lock);
    return err;
}
