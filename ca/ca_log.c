/*
 * ca_log.c — checking the CA's issuance log against everything else it
 * says (`glass ca log --verify`).
 *
 * Each line of issuance.log, written by authority.c as a certificate is
 * issued, is
 *
 *     SERIAL  SHA-256(certificate DER)  RSASSA-PKCS1-v1_5 signature of the
 *                                       CA over that hash (RFC 8017 §8.2)
 *
 * so a line cannot be added or changed without the CA's key.  The check,
 * line by line:
 *   1. the line is whole (three fields, hex, ends in a newline);
 *   2. the CA's signature over the hash verifies with ca.pem's key;
 *   3. certs/SERIAL.pem exists, its SHA-256 is the hash, its serial is
 *      SERIAL, and its own signature verifies with the CA's key;
 *   4. index.txt has exactly one entry for SERIAL, with the certificate's
 *      subject and expiry;
 * and then, the other way round:
 *   5. every entry of index.txt has a log line (a certificate the log does
 *      not know of was not issued through it).
 * Every problem is reported, not just the first, so a teacher can show a
 * tampered line, a swapped certificate and a forged index entry at once.
 *
 * CT: — nothing secret; only public data is checked.
 */
#include "ca/ca.h"
#include "ca/ca_internal.h"

#include "asn1/asn1.h"
#include "sha/sha256.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct log_check {
    glass_ca *ca;
    FILE *out;
    ca_entry *index;
    size_t n_index;
    unsigned char *seen;        /* index entries matched by a log line */
    size_t problems;
};

static void problem(struct log_check *lc, size_t line, const char *serial, const char *what)
{
    fprintf(lc->out, "issuance.log line %zu (serial %s): %s\n", line, serial, what);
    lc->problems++;
}

/* Step 3: the stored certificate matches the line. */
static void check_cert(struct log_check *lc, size_t line, const char *serial_hex,
                       const uint8_t *serial, size_t serial_len, const uint8_t hash[32],
                       x509_cert *c, int *have)
{
    char name[2 * X509_SERIAL_MAX + 16];
    uint8_t *data = NULL;
    size_t len = 0;
    x509_cert *certs = NULL;
    size_t n = 0;
    uint8_t h[SHA256_DIGEST_LEN];
    *have = 0;
    snprintf(name, sizeof name, "certs/%s.pem", serial_hex);
    if (ca_read_in(lc->ca->dir, name, &data, &len) != GLASS_OK) {
        problem(lc, line, serial_hex, "certs/SERIAL.pem is missing");
        return;
    }
    glass_err err = x509_load_pem(data, len, &certs, &n);
    free(data);
    if (err != GLASS_OK) {
        problem(lc, line, serial_hex, "certs/SERIAL.pem does not hold a certificate");
        return;
    }
    x509_fingerprint(&certs[0], h);
    if (!glass_ct_equal(h, hash, sizeof h))
        problem(lc, line, serial_hex, "the stored certificate's SHA-256 is not the one logged "
                                      "(the certificate was replaced or altered)");
    if (!ca_serial_equal(certs[0].serial, certs[0].serial_len, serial, serial_len))
        problem(lc, line, serial_hex, "the stored certificate has another serial");
    if (x509_check_signature(&certs[0], &lc->ca->cert.pub) != GLASS_OK)
        problem(lc, line, serial_hex, "the stored certificate is not signed by this CA");
    *c = certs[0];
    for (size_t i = 1; i < n; i++)
        x509_free(&certs[i]);
    free(certs);
    *have = 1;
}

/* Step 4: one index entry, agreeing with the certificate. */
static void check_index(struct log_check *lc, size_t line, const char *serial_hex,
                        const uint8_t *serial, size_t serial_len, const x509_cert *c)
{
    size_t found = 0, at = 0;
    for (size_t i = 0; i < lc->n_index; i++)
        if (ca_serial_equal(lc->index[i].serial, lc->index[i].serial_len, serial, serial_len)) {
            found++;
            at = i;
        }
    if (found == 0) {
        problem(lc, line, serial_hex, "index.txt has no entry for this serial");
        return;
    }
    if (found > 1)
        problem(lc, line, serial_hex, "index.txt has this serial more than once");
    if (lc->seen[at])
        problem(lc, line, serial_hex, "the log names this serial more than once");
    lc->seen[at] = 1;
    if (c == NULL)
        return;
    if (strcmp(lc->index[at].subject, c->subject) != 0)
        problem(lc, line, serial_hex, "index.txt gives another subject than the certificate's");
    if (lc->index[at].not_after != c->not_after)
        problem(lc, line, serial_hex, "index.txt gives another expiry than the certificate's");
}

/* Steps 1-4 for one line (NUL-terminated, without its newline). */
static void check_line(struct log_check *lc, size_t number, char *text)
{
    char *fields[3], *save = NULL;
    size_t nf = 0;
    for (char *f = strtok_r(text, " ", &save); f != NULL; f = strtok_r(NULL, " ", &save))
        if (nf < 3)
            fields[nf++] = f;
        else
            nf = 4;
    uint8_t serial[X509_SERIAL_MAX], hash[32];
    size_t serial_len = 0, hash_len = 0, sig_len = 0;
    uint8_t *sig = NULL;
    if (nf != 3 ||
        glass_hex_decode(serial, sizeof serial, &serial_len, fields[0]) != GLASS_OK ||
        serial_len == 0 || glass_hex_decode(hash, sizeof hash, &hash_len, fields[1]) != GLASS_OK ||
        hash_len != sizeof hash || glass_hex_decode_alloc(&sig, &sig_len, fields[2]) != GLASS_OK) {
        problem(lc, number, nf > 0 ? fields[0] : "?", "not a log line: SERIAL SHA256 SIGNATURE in hex");
        free(sig);
        return;
    }
    if (rsa_pkcs1v15_verify_digest(&lc->ca->cert.pub, hash, sig, sig_len) != GLASS_OK)
        problem(lc, number, fields[0], "the CA's signature over the hash does not verify "
                                       "(the line was altered or forged)");
    free(sig);
    x509_cert c;
    int have = 0;
    check_cert(lc, number, fields[0], serial, serial_len, hash, &c, &have);
    check_index(lc, number, fields[0], serial, serial_len, have ? &c : NULL);
    if (have)
        x509_free(&c);
}

/* See ca.h: under the lock, so that an append in progress is not taken for
 * a torn line. */
glass_err ca_log_verify(glass_ca *ca, void *file, size_t *entries, size_t *problems)
{
    glass_err err;
    if (ca == NULL || entries == NULL || problems == NULL)
        return GLASS_ERR_ARG;
    int lock = ca_lock_take(ca->dir, &err);
    if (lock < 0)
        return err;
    err = ca_log_verify_locked(ca, file, entries, problems);
    ca_lock_release(lock);
    return err;
}

/* See ca_internal.h. */
glass_err ca_log_verify_locked(glass_ca *ca, void *file, size_t *entries, size_t *problems)
{
    struct log_check lc;
    uint8_t *log = NULL;
    size_t len = 0, number = 0;
    if (ca == NULL || entries == NULL || problems == NULL)
        return GLASS_ERR_ARG;
    memset(&lc, 0, sizeof lc);
    lc.ca = ca;
    lc.out = file != NULL ? file : stdout;
    ca->bad_file = NULL;
    glass_err err = ca_index_read_open(ca, &lc.index, &lc.n_index);
    if (err != GLASS_OK)
        return err;
    if ((err = ca_read_in(ca->dir, "issuance.log", &log, &len)) != GLASS_OK) {
        ca->bad_file = "issuance.log";
        free(lc.index);
        return err == GLASS_ERR_FILE_OPEN ? GLASS_ERR_CA_DIR : err;
    }
    lc.seen = calloc(lc.n_index ? lc.n_index : 1, 1);
    if (lc.seen == NULL) {
        free(lc.index);
        free(log);
        return GLASS_ERR_NOMEM;
    }
    for (size_t at = 0; at < len;) {
        size_t end = at;
        while (end < len && log[end] != '\n')
            end++;
        number++;
        if (end == len) {
            problem(&lc, number, "?", "the last line has no newline (a torn write)");
            break;
        }
        log[end] = '\0';
        check_line(&lc, number, (char *)log + at);
        at = end + 1;
    }
    /* Step 5: every index entry has its log line. */
    for (size_t i = 0; i < lc.n_index; i++)
        if (!lc.seen[i]) {
            char hex[2 * X509_SERIAL_MAX + 1];
            ca_hex_upper(lc.index[i].serial, lc.index[i].serial_len, hex);
            fprintf(lc.out, "index.txt: serial %s (%s) has no line in issuance.log\n", hex,
                    lc.index[i].subject);
            lc.problems++;
        }
    *entries = number;
    *problems = lc.problems;
    free(lc.seen);
    free(lc.index);
    free(log);
    return GLASS_OK;
}
