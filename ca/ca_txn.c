/*
 * ca_txn.c — issuing a certificate as one transaction: after a crash
 * (kill -9, power loss) or a full disk, either everything an issuance
 * writes is there, or none of it is.
 *
 * An issuance touches four files besides the certificate itself: the
 * stored copy certs/SERIAL.pem, a line appended to issuance.log, a line in
 * index.txt and, for an enrollment, the one-time code's entry in
 * enroll.txt.  Each write alone is safe (the copy, the index and the code
 * store are replaced atomically, glass_write_file_atomic), but a crash or
 * ENOSPC between two of them would leave a CA that disagrees with itself:
 * a valid index entry with no log line, a log line for a certificate
 * nobody received, or a code used up with no certificate to show for it.
 * So, with the CA's lock held from ca_issue_begin on:
 *
 *   0. everything that can fail without the disk is done first: the
 *      certificate, its PEM, the CA's signature for the log line, the
 *      code looked up (ca_issue_consume_code);
 *   1. the journal, D/journal, is written (atomically): "issue SERIAL
 *      LOG_LENGTH" — what is about to happen and the log's length before —
 *      and, for an enrollment, "code SHA256(CODE) SHA256(KEY) NAME PRIOR
 *      USED_AT NOW": which code, and how its entry looked before;
 *   2. certs/SERIAL.pem is written;
 *   3. the log line is appended in place (O_APPEND, fsync);
 *   4. the code is consumed: its entry becomes "used by this key for
 *      SERIAL" (enroll.c, under the code store's own lock, checked again);
 *   5. index.txt is replaced with the new entry — the commit point;
 *   6. the journal is removed.
 *
 * Undoing steps 2-3 needs no free space, which is why the log is appended
 * in place rather than rewritten: truncating it back to LOG_LENGTH and
 * unlinking files only ever frees blocks.  Undoing step 4 rewrites
 * enroll.txt, so it comes last, after the certificate file and the log
 * line have given their blocks back; if even that fails, the journal
 * stays and the next recovery tries again (the code is then used with no
 * certificate — the safe side: nobody can use it twice — until it does).
 * A failure in steps 2-5 rolls back at once; a crash anywhere leaves the
 * journal, and the next command that opens the CA (ca_open, ca_issue_begin,
 * glass ca check --repair) finishes the job: if index.txt has SERIAL the
 * issuance committed, the code is marked used if it is not yet, and the
 * journal goes; otherwise the log is truncated to LOG_LENGTH,
 * certs/SERIAL.pem removed and the code's entry put back as it was.  So
 * the code is consumed exactly when the certificate is in index and log.
 * This is the write-ahead idea of database journals, cut down to one
 * transaction at a time (the lock allows no more).  Lock order: the CA's
 * lock, then the code store's — never the other way round.
 *
 * For tests and for a class that wants to watch recovery: with the
 * environment variable GLASS_CA_CRASH_AT=N (1 to 5) the process kills
 * itself (SIGKILL, as a power cut would) right after step N.
 *
 * Read in this order: the log line, the journal, rollback, commit, then
 * recovery.
 *
 * CT: the CA key signs the log line only through rsa/ (blinded,
 * mpz_powm_sec); nothing else here is secret.
 */
#include "ca/ca.h"
#include "ca/enroll.h"
#include "ca/ca_internal.h"

#include "asn1/asn1.h"
#include "sha/sha256.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
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

/* unlink(2) of dir/name; GLASS_OK if it is gone. */
static glass_err remove_in(const char *dir, const char *name)
{
    char *path = ca_path_join(dir, name);
    if (path == NULL)
        return GLASS_ERR_NOMEM;
    glass_err err = unlink(path) == 0 || errno == ENOENT ? GLASS_OK : GLASS_ERR_IO;
    free(path);
    return err;
}

/* Undoes steps 2-4 and removes the journal; if the log cannot be cut back
 * or the code put back, the journal stays for the next recovery. */
static glass_err rollback(const char *dir, const char *serial_hex, off_t log_len,
                          const enroll_step *code)
{
    char name[2 * CA_SERIAL_LEN + 16];
    glass_err err = GLASS_OK;
    int ignored = 0;
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
    snprintf(name, sizeof name, "certs/%s.pem", serial_hex);
    if (err == GLASS_OK)
        err = remove_in(dir, name);
    if (err == GLASS_OK && (path = ca_path_join(dir, "certs")) != NULL) {
        sync_dir(path);
        free(path);
    }
    /* The code last: putting it back is the one undo that needs space. */
    if (err == GLASS_OK && code != NULL)
        err = ca_enroll_step_settle(dir, code, serial_hex, 0, 1, &ignored);
    if (err == GLASS_OK)
        err = remove_in(dir, CA_JOURNAL);
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

/* See ca.h: step 0 for the code. */
glass_err ca_issue_consume_code(ca_issue *t, const char *name, const char *code,
                                const uint8_t key_hash[SHA256_DIGEST_LEN], int64_t now,
                                const char **why)
{
    const char *reason = "invalid arguments";
    glass_err err = GLASS_ERR_ARG;
    if (why == NULL)
        why = &reason;
    *why = reason;
    if (t == NULL || key_hash == NULL || !ca_enroll_name_valid(name))
        return err;
    memset(&t->code, 0, sizeof t->code);
    *why = "malformed code";
    if (ca_enroll_code_digest(code, t->code.code_hash) != 0)
        return GLASS_ERR_ENROLL_CODE;
    memcpy(t->code.key_hash, key_hash, SHA256_DIGEST_LEN);
    snprintf(t->code.name, sizeof t->code.name, "%s", name);
    t->code.now = now;
    if ((err = ca_enroll_step_prepare(t->ca->dir, &t->code, why)) == GLASS_OK)
        t->has_code = 1;
    return err;
}

/* For tests: GLASS_CA_CRASH_AT=step ends the process here, as a power cut
 * would (the essay at the top). */
static void crash_point(int step)
{
    const char *at = getenv("GLASS_CA_CRASH_AT");
    if (at != NULL && atoi(at) == step)
        raise(SIGKILL);
}

/* Step 1's text: the journal. */
static int journal_text(const ca_issue *t, const char *hex, off_t log_len, char *out,
                        size_t cap)
{
    int n = snprintf(out, cap, JOURNAL_MAGIC "issue %s %lld\n", hex, (long long)log_len);
    if (t->has_code && n > 0 && (size_t)n < cap) {
        char ch[2 * SHA256_DIGEST_LEN + 1], kh[2 * SHA256_DIGEST_LEN + 1];
        glass_hex_encode(ch, sizeof ch, t->code.code_hash, SHA256_DIGEST_LEN);
        glass_hex_encode(kh, sizeof kh, t->code.key_hash, SHA256_DIGEST_LEN);
        n += snprintf(out + n, cap - (size_t)n, "code %s %s %s %c %lld %lld\n", ch, kh,
                      t->code.name, t->code.prior, (long long)t->code.prior_used_at,
                      (long long)t->code.now);
    }
    return n;
}

/* See ca.h: steps 0 to 6 of the essay at the top. */
glass_err ca_issue_commit(ca_issue *t)
{
    char hex[2 * CA_SERIAL_LEN + 1], name[2 * CA_SERIAL_LEN + 16], journal[512];
    char *line = NULL, *pem = NULL;
    size_t line_len = 0, pem_len = 0;
    const char *why = NULL;
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
    int jl = journal_text(t, hex, st.st_size, journal, sizeof journal);
    if (jl <= 0 || (size_t)jl >= sizeof journal) {
        err = GLASS_ERR_ARG;
        goto done;
    }
    if ((err = ca_write_in(dir, CA_JOURNAL, journal, (size_t)jl, 0600)) != GLASS_OK)
        goto done;
    crash_point(1);
    /* 2-5. The certificate, the log line, the code, the index (the commit
     *      point). */
    if ((err = ca_write_in(dir, name, pem, pem_len, 0644)) == GLASS_OK) {
        crash_point(2);
        err = log_append(dir, line, line_len, st.st_size);
    }
    if (err == GLASS_OK) {
        crash_point(3);
        if (t->has_code)
            err = ca_enroll_step_consume(dir, &t->code, hex, &why);
    }
    if (err == GLASS_OK) {
        crash_point(4);
        err = ca_index_save(dir, t->entries, t->n + 1);
    }
    if (err != GLASS_OK) {
        (void)rollback(dir, hex, st.st_size, t->has_code ? &t->code : NULL);
        goto done;
    }
    crash_point(5);
    /* 6. Committed: the journal goes. */
    (void)remove_in(dir, CA_JOURNAL);
    sync_dir(dir);
done:
    free(line);
    free(pem);
    issue_free(t);
    return err;
}

/* See ca.h. */
glass_err ca_sign_enrollment(glass_ca *ca, const uint8_t *csr_der, size_t len,
                             const ca_enrollment *who, enum ca_profile profile, int64_t now,
                             uint8_t **cert_der, size_t *cert_len, const char **why)
{
    ca_issue *t = NULL;
    const char *reason = "";
    if (why == NULL)
        why = &reason;
    *why = "";
    if (who == NULL || cert_der == NULL || cert_len == NULL)
        return GLASS_ERR_ARG;
    glass_err err = ca_issue_begin(ca, csr_der, len, profile, who->days, who->san, now, &t);
    if (err != GLASS_OK)
        return err;
    err = ca_issue_consume_code(t, who->name, who->code, who->key_hash, now, why);
    uint8_t *copy = err == GLASS_OK ? malloc(t->cert_len) : NULL;
    if (err == GLASS_OK && copy == NULL)
        err = GLASS_ERR_NOMEM;
    if (err != GLASS_OK) {
        ca_issue_abort(t);
        return err;
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

/* ---- recovery ------------------------------------------------------------ */

/* Parses the journal's "code ..." line into s; 0 on success. */
static int journal_code(const char *p, enroll_step *s)
{
    char ch[2 * SHA256_DIGEST_LEN + 2], kh[2 * SHA256_DIGEST_LEN + 2];
    long long prior_used = 0, now = 0;
    size_t n1 = 0, n2 = 0;
    char prior = 0;
    memset(s, 0, sizeof *s);
    if (sscanf(p, "code %65s %65s %64s %c %lld %lld", ch, kh, s->name, &prior, &prior_used,
               &now) != 6 || (prior != 'U' && prior != 'X') || !ca_enroll_name_valid(s->name) ||
        strlen(ch) != 2 * SHA256_DIGEST_LEN || strlen(kh) != 2 * SHA256_DIGEST_LEN ||
        glass_hex_decode(s->code_hash, sizeof s->code_hash, &n1, ch) != GLASS_OK ||
        glass_hex_decode(s->key_hash, sizeof s->key_hash, &n2, kh) != GLASS_OK)
        return -1;
    s->prior = prior;
    s->prior_used_at = prior_used;
    s->now = now;
    return 0;
}

/* See ca_internal.h. */
glass_err ca_journal_read(const char *dir, ca_journal *j, int *committed)
{
    uint8_t *text = NULL, serial[CA_SERIAL_LEN];
    size_t len = 0, serial_len = 0, n = 0;
    char hex[2 * CA_SERIAL_LEN + 2];
    ca_entry *entries = NULL;
    memset(j, 0, sizeof *j);
    j->log_len = -1;
    *committed = 0;
    glass_err err = ca_read_in(dir, CA_JOURNAL, &text, &len);
    if (err != GLASS_OK)
        return err;
    /* The journal was written atomically: anything but the one form is
     * damage, not a torn write, and is left for a person to look at. */
    size_t magic = strlen(JOURNAL_MAGIC);
    char *body = (char *)text + magic;
    char *code = len > magic ? strstr(body, "\ncode ") : NULL;
    if (len <= magic || memchr(text, '\0', len) != NULL || text[len - 1] != '\n' ||
        memcmp(text, JOURNAL_MAGIC, magic) != 0 ||
        sscanf(body, "issue %33s %lld", hex, &j->log_len) != 2 || j->log_len < 0 ||
        strlen(hex) != 2 * CA_SERIAL_LEN ||
        glass_hex_decode(serial, sizeof serial, &serial_len, hex) != GLASS_OK ||
        (code != NULL && journal_code(code + 1, &j->code) != 0)) {
        free(text);
        return GLASS_ERR_CA_DB;
    }
    free(text);
    memcpy(j->serial_hex, hex, sizeof j->serial_hex);
    j->has_code = code != NULL;
    if ((err = ca_index_load(dir, &entries, &n)) != GLASS_OK)
        return err;
    for (size_t i = 0; i < n; i++)
        *committed |= ca_serial_equal(entries[i].serial, entries[i].serial_len, serial,
                                      serial_len);
    free(entries);
    return GLASS_OK;
}

/* See ca_internal.h. */
glass_err ca_recover_locked(const char *dir)
{
    ca_journal j;
    int committed = 0, ignored = 0;
    if (!ca_file_exists(dir, CA_JOURNAL))
        return GLASS_OK;
    glass_err err = ca_journal_read(dir, &j, &committed);
    if (err != GLASS_OK)
        return err;
    if (!committed)
        return rollback(dir, j.serial_hex, (off_t)j.log_len, j.has_code ? &j.code : NULL);
    /* Committed: only the code may lag behind (a crash between steps 5 and
     * 6 cannot leave it so, but a store edited by hand can). */
    if (j.has_code &&
        (err = ca_enroll_step_settle(dir, &j.code, j.serial_hex, 1, 1, &ignored)) != GLASS_OK)
        return err;
    err = remove_in(dir, CA_JOURNAL);
    sync_dir(dir);
    return err;
}

/* See ca.h. */
glass_err ca_recover(const char *dir, int *recovered)
{
    glass_err err;
    ca_journal j;
    int committed = 0;
    if (recovered != NULL)
        *recovered = 0;
    if (dir == NULL)
        return GLASS_ERR_ARG;
    if (!ca_file_exists(dir, CA_JOURNAL))
        return GLASS_OK;
    int lock = ca_lock_take(dir, &err);
    if (lock < 0)
        return err;
    /* Which way it goes, for the caller's message (ca_recover_locked
     * decides the same way). */
    int had = ca_file_exists(dir, CA_JOURNAL);
    if (had && recovered != NULL && ca_journal_read(dir, &j, &committed) == GLASS_OK)
        *recovered = committed ? 2 : 1;
    err = had ? ca_recover_locked(dir) : GLASS_OK;
    ca_lock_release(lock);
    return err;
}
