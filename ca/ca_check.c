/*
 * ca_check.c — `glass ca check --dir D [--repair]`: does the CA directory
 * agree with itself?
 *
 * Under the CA's lock, in this order:
 *   1. the journal: an issuance a crash interrupted (ca_txn.c), and for
 *      an enrollment whether its code agrees with it (consumed exactly
 *      when the certificate is in the index); --repair finishes or undoes
 *      it as ca_recover would, the code with it;
 *   2. temporary files a crash left behind (NAME.tmp.XXXXXX, from
 *      glass_write_file_atomic) in D and D/certs; --repair removes them
 *      (no writer runs while the lock is held, so none is in use);
 *   3. the issuance log against index and certificates (ca_log.c: the CA's
 *      signature on each line, each stored certificate's hash, serial and
 *      signature, the index entries);
 *   4. certificate files: certs/SERIAL.pem that the index does not list.
 *      When the signed log vouches for it (a line with its serial and its
 *      SHA-256, signed by the CA), the index lost the entry and --repair
 *      restores it (status V, the certificate's expiry and subject); a file
 *      that neither index nor log knows is an orphan of an interrupted
 *      issuance and --repair removes it;
 *   5. enrollment codes: a code that enroll.txt marks used for a
 *      certificate the index does not hold, or (codes from before the
 *      serial was recorded) for a name the index has no certificate for —
 *      with no journal left, nothing says which way it should go, so it
 *      is reported for the operator, who hands out a new code.
 * What --repair never does: change or drop a log line or an index entry
 * that is there (a forged or altered line is for a person to judge), or
 * touch the CA's key and certificate.
 *
 * CT: — only public files are read.
 */
#include "ca/ca.h"
#include "ca/ca_internal.h"
#include "ca/enroll.h"

#include "asn1/asn1.h"
#include "sha/sha256.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct check {
    const char *dir;
    FILE *out;
    int repair;
    size_t problems, repaired;
};

static void found(struct check *c, const char *what, const char *name)
{
    fprintf(c->out, "%s: %s\n", name, what);
    c->problems++;
}

/* 2. NAME.tmp.XXXXXX files in dir/sub ("" for dir itself). */
static void check_temp_files(struct check *c, const char *sub)
{
    char *path = sub[0] ? ca_path_join(c->dir, sub) : NULL;
    const char *where = sub[0] ? path : c->dir;
    DIR *d = where != NULL ? opendir(where) : NULL;
    struct dirent *e;
    while (d != NULL && (e = readdir(d)) != NULL) {
        if (strstr(e->d_name, ".tmp.") == NULL)
            continue;
        char name[512];
        snprintf(name, sizeof name, "%s%s%s", sub, sub[0] ? "/" : "", e->d_name);
        found(c, "a temporary file left by an interrupted write", name);
        char *full = ca_path_join(c->dir, name);
        if (c->repair && full != NULL && unlink(full) == 0)
            c->repaired++;
        free(full);
    }
    if (d != NULL)
        closedir(d);
    free(path);
}

/* The log line for serial_hex, if any: its hash (32 bytes) in hash. */
static int log_has(const uint8_t *log, size_t len, const char *serial_hex, uint8_t hash[32])
{
    size_t sl = strlen(serial_hex);
    for (size_t at = 0; at < len;) {
        const uint8_t *nl = memchr(log + at, '\n', len - at);
        size_t end = nl != NULL ? (size_t)(nl - log) : len;
        if (end - at > sl + 65 && memcmp(log + at, serial_hex, sl) == 0 && log[at + sl] == ' ') {
            char hex[65];
            size_t n = 0;
            memcpy(hex, log + at + sl + 1, 64);
            hex[64] = '\0';
            if (glass_hex_decode(hash, 32, &n, hex) == GLASS_OK && n == 32)
                return 1;
        }
        at = end + 1;
    }
    return 0;
}

/* 4, for one certificate file the index does not list. */
static void orphan(struct check *c, glass_ca *ca, const char *file, const uint8_t *log,
                   size_t log_len, ca_entry **entries, size_t *n)
{
    char name[300], hex[2 * X509_SERIAL_MAX + 1];
    uint8_t *data = NULL, hash[32], h[32];
    size_t len = 0, count = 0;
    x509_cert *certs = NULL;
    snprintf(name, sizeof name, "certs/%s", file);
    snprintf(hex, sizeof hex, "%.*s", (int)(strlen(file) - 4), file);
    int vouched = 0;
    if (ca_read_in(c->dir, name, &data, &len) == GLASS_OK &&
        x509_load_pem(data, len, &certs, &count) == GLASS_OK) {
        x509_fingerprint(&certs[0], h);
        vouched = log_has(log, log_len, hex, hash) && memcmp(h, hash, 32) == 0 &&
                  x509_check_signature(&certs[0], &ca->cert.pub) == GLASS_OK;
    }
    free(data);
    if (!vouched) {
        found(c, "a certificate file that neither index.txt nor the log knows (an interrupted "
                 "issuance)", name);
        char *full = ca_path_join(c->dir, name);
        if (c->repair && full != NULL && unlink(full) == 0)
            c->repaired++;
        free(full);
    } else {
        found(c, "listed in the signed issuance log but missing from index.txt", name);
        ca_entry *grown = c->repair ? realloc(*entries, (*n + 1) * sizeof *grown) : NULL;
        if (grown != NULL) {
            ca_entry *e = &grown[*n];
            memset(e, 0, sizeof *e);
            e->status = 'V';
            e->not_after = certs[0].not_after;
            const uint8_t *s = certs[0].serial;
            size_t sl = certs[0].serial_len;
            while (sl > 1 && s[0] == 0) {
                s++;
                sl--;
            }
            memcpy(e->serial, s, sl);
            e->serial_len = sl;
            snprintf(e->subject, sizeof e->subject, "%s", certs[0].subject);
            *entries = grown;
            if (ca_index_save(c->dir, grown, *n + 1) == GLASS_OK) {
                (*n)++;
                c->repaired++;
            }
        }
    }
    x509_free_all(certs, count);
}

/* 4. Every certs/SERIAL.pem against the index. */
static glass_err check_cert_files(struct check *c, glass_ca *ca)
{
    ca_entry *entries = NULL;
    size_t n = 0, log_len = 0;
    uint8_t *log = NULL;
    glass_err err = ca_index_load(c->dir, &entries, &n);
    if (err != GLASS_OK)
        return err;
    (void)ca_read_in(c->dir, "issuance.log", &log, &log_len);
    char *certs = ca_path_join(c->dir, "certs");
    DIR *d = certs != NULL ? opendir(certs) : NULL;
    struct dirent *e;
    while (d != NULL && (e = readdir(d)) != NULL) {
        size_t nl = strlen(e->d_name);
        uint8_t serial[X509_SERIAL_MAX];
        size_t sl = 0;
        char hex[2 * X509_SERIAL_MAX + 1];
        if (nl < 5 || nl - 4 > 2 * X509_SERIAL_MAX || strcmp(e->d_name + nl - 4, ".pem") != 0)
            continue;
        snprintf(hex, sizeof hex, "%.*s", (int)(nl - 4), e->d_name);
        if (glass_hex_decode(serial, sizeof serial, &sl, hex) != GLASS_OK)
            continue;
        int listed = 0;
        for (size_t i = 0; i < n; i++)
            listed |= ca_serial_equal(entries[i].serial, entries[i].serial_len, serial, sl);
        if (!listed)
            orphan(c, ca, e->d_name, log, log_len, &entries, &n);
    }
    if (d != NULL)
        closedir(d);
    free(certs);
    free(log);
    free(entries);
    return GLASS_OK;
}

/* 5. Used enrollment codes against the index. */
static glass_err check_codes(struct check *c)
{
    enroll_use *uses = NULL;
    ca_entry *entries = NULL;
    size_t n_uses = 0, n = 0;
    glass_err err = ca_enroll_codes_used(c->dir, &uses, &n_uses);
    if (err == GLASS_ERR_CA_DB) {
        found(c, "does not parse (a damaged code store)", ENROLL_FILE);
        return GLASS_OK;
    }
    if (err != GLASS_OK || (err = ca_index_load(c->dir, &entries, &n)) != GLASS_OK) {
        free(uses);
        return err;
    }
    for (size_t i = 0; i < n_uses; i++) {
        char cn[ENROLL_NAME_MAX + 8], what[2 * ENROLL_NAME_MAX + 2 * ENROLL_SERIAL_MAX + 160];
        uint8_t serial[ENROLL_SERIAL_MAX];
        size_t serial_len = 0;
        int issued = 0;
        snprintf(cn, sizeof cn, "/CN=%s", uses[i].name);
        if (uses[i].serial[0] != '\0' &&
            glass_hex_decode(serial, sizeof serial, &serial_len, uses[i].serial) == GLASS_OK) {
            for (size_t k = 0; k < n && !issued; k++)
                issued = ca_serial_equal(entries[k].serial, entries[k].serial_len, serial,
                                         serial_len);
            snprintf(what, sizeof what, "the code for %s was used for certificate %s, which "
                     "index.txt does not hold (hand out a new code)", uses[i].name,
                     uses[i].serial);
        } else {
            for (size_t k = 0; k < n && !issued; k++) {
                size_t sl = strlen(entries[k].subject), cl = strlen(cn);
                issued = sl >= cl && strcmp(entries[k].subject + sl - cl, cn) == 0;
            }
            snprintf(what, sizeof what, "the code for %s was used, but the index has no "
                     "certificate for %s (a failed issuance or a lost reply: hand out a new code)",
                     uses[i].name, uses[i].name);
        }
        if (!issued)
            found(c, what, ENROLL_FILE);
    }
    free(uses);
    free(entries);
    return GLASS_OK;
}

/* 1. The journal, and its code against enroll.txt. */
static void check_journal(struct check *c)
{
    ca_journal j;
    int committed = 0, disagrees = 0;
    if (ca_journal_read(c->dir, &j, &committed) != GLASS_OK) {
        found(c, "an interrupted issuance whose journal does not parse (left for a person "
                 "to look at)", CA_JOURNAL);
        return;
    }
    found(c, "an issuance was interrupted (a crash or a full disk) and is not finished",
          CA_JOURNAL);
    if (j.has_code &&
        ca_enroll_step_settle(c->dir, &j.code, j.serial_hex, committed, 0, &disagrees) == GLASS_OK &&
        disagrees) {
        char what[ENROLL_NAME_MAX + 2 * CA_SERIAL_LEN + 160];
        if (committed)
            snprintf(what, sizeof what, "certificate %s for %s is in index.txt but its code is "
                     "not marked used (--repair marks it)", j.serial_hex, j.code.name);
        else
            snprintf(what, sizeof what, "the code for %s is used for certificate %s, whose "
                     "issuance did not commit (--repair gives the code back)", j.code.name,
                     j.serial_hex);
        found(c, what, ENROLL_FILE);
    }
    if (c->repair && ca_recover_locked(c->dir) == GLASS_OK)
        c->repaired += 1 + (size_t)disagrees;
}

/* See ca.h. */
glass_err ca_check(const char *dir, int repair, void *file, size_t *problems, size_t *repaired)
{
    struct check c = {dir, file != NULL ? file : stdout, repair, 0, 0};
    glass_ca *ca = NULL;
    size_t entries = 0, log_problems = 0;
    glass_err err;
    if (dir == NULL || problems == NULL || repaired == NULL)
        return GLASS_ERR_ARG;
    /* Not a CA: say so, and leave no lock file in someone's directory. */
    if (!ca_file_exists(dir, "ca.pem") || !ca_file_exists(dir, "index.txt"))
        return GLASS_ERR_CA_DIR;
    int lock = ca_lock_take(dir, &err);
    if (lock < 0)
        return err;
    err = GLASS_OK;     /* ca_lock_take sets err only when it fails */
    /* 1. The journal. */
    if (ca_file_exists(dir, CA_JOURNAL))
        check_journal(&c);
    /* 2. Temporary files. */
    check_temp_files(&c, "");
    check_temp_files(&c, "certs");
    /* 3-4. Need the CA certificate, opened without its key.  Only with no
     *      journal left: ca_open would recover it, taking and dropping the
     *      lock on a second descriptor, which (fcntl locks belong to the
     *      process) would drop ours too. */
    if (ca_file_exists(dir, CA_JOURNAL)) {
        fprintf(c.out, "(the log and certificate files are checked once the journal is "
                       "recovered: glass ca check --repair)\n");
        goto done;
    }
    if ((err = ca_open(&ca, dir, NULL)) != GLASS_OK)
        goto done;
    if ((err = check_cert_files(&c, ca)) != GLASS_OK)
        goto done;
    if ((err = ca_log_verify_locked(ca, c.out, &entries, &log_problems)) != GLASS_OK)
        goto done;
    c.problems += log_problems;
    err = check_codes(&c);
done:
    ca_close(ca);
    ca_lock_release(lock);
    *problems = c.problems;
    *repaired = c.repaired;
    return err;
}
