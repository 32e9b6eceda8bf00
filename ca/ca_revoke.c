/*
 * ca_revoke.c — revoking a certificate in the CA's index, the CRL that
 * lists every revoked one (RFC 5280 §5, built by crl.c), and reading the
 * index (ca_list, ca_is_revoked).
 *
 * Each update runs under the CA's lock and rewrites index.txt or crlnumber
 * atomically (ca_store.c).
 *
 * CT: the CA key signs the CRL only through rsa/ (blinded, powm_sec).
 */
#include "ca/ca.h"
#include "ca/ca_internal.h"

#include "asn1/asn1.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
    if ((lock = ca_lock_take(ca->dir, &err)) < 0)
        return err;
    if ((err = ca_index_read_open(ca, &entries, &n)) != GLASS_OK)
        goto cleanup;
    err = GLASS_ERR_CA_SERIAL;
    for (size_t i = 0; i < n; i++)
        if (ca_serial_equal(entries[i].serial, entries[i].serial_len, serial, serial_len)) {
            /* Revoking twice is refused, as `openssl ca -revoke` does, and
             * the index is left alone: the first date is the one the CRL
             * carries (its revocationDate, RFC 5280 §5.1.2.6, does not move). */
            if (entries[i].status == 'R') {
                err = GLASS_ERR_CA_ALREADY_REVOKED;
                break;
            }
            entries[i].status = 'R';
            entries[i].revoked_at = now;
            err = ca_index_save(ca->dir, entries, n);
            break;
        }
cleanup:
    ca_lock_release(lock);
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
    if ((lock = ca_lock_take(ca->dir, &err)) < 0)
        return err;
    if ((err = ca_index_read_open(ca, &entries, &n)) != GLASS_OK)
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
    if ((err = ca_read_in(ca->dir, "crlnumber", &num_text, &num_len)) != GLASS_OK) {
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
        err = ca_write_in(ca->dir, "crlnumber", next, (size_t)k, 0644);
    }
cleanup:
    ca_lock_release(lock);
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
    return ca_index_read_open(ca, entries, n);
}

/* See ca.h. */
int ca_is_revoked(glass_ca *ca, const uint8_t *serial, size_t serial_len)
{
    ca_entry *entries = NULL;
    size_t n = 0;
    int revoked = 0;
    if (ca == NULL || ca_index_read_open(ca, &entries, &n) != GLASS_OK)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (entries[i].status == 'R' &&
            ca_serial_equal(entries[i].serial, entries[i].serial_len, serial, serial_len))
            revoked = 1;
    free(entries);
    return revoked;
}
