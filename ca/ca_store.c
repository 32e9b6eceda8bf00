/*
 * ca_store.c — the files of a CA directory (ca.h lists them): paths, the
 * lock, and index.txt, shared by authority.c (init, open, issue),
 * ca_revoke.c (revoke, CRL, list) and ca_log.c (checking the log).
 *
 * Every file is replaced, never edited in place (glass_write_file_atomic:
 * a temporary file, fsync, rename), and every read-modify-write happens
 * under the fcntl() lock on D/lock; authority.c's opening essay says why.
 *
 * index.txt follows the layout of the openssl ca(1) database: six
 * tab-separated fields per line —
 *     V|R  expiry  revocation-date  SERIAL  unknown  /subject
 * with dates as YYMMDDHHMMSSZ.
 *
 * CT: — nothing secret passes through here.
 */
#include "ca/ca.h"
#include "ca/ca_internal.h"

#include "asn1/asn1.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* ---- small helpers ---------------------------------------------------------- */

char *ca_path_join(const char *dir, const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = malloc(n);
    if (p != NULL)
        snprintf(p, n, "%s/%s", dir, name);
    return p;
}

int ca_file_exists(const char *dir, const char *name)
{
    struct stat st;
    char *p = ca_path_join(dir, name);
    int ok = p != NULL && stat(p, &st) == 0;
    free(p);
    return ok;
}

glass_err ca_read_in(const char *dir, const char *name, uint8_t **data, size_t *len)
{
    char *p = ca_path_join(dir, name);
    if (p == NULL)
        return GLASS_ERR_NOMEM;
    glass_err err = glass_read_file(p, 64u << 20, data, len);
    free(p);
    return err;
}

glass_err ca_write_in(const char *dir, const char *name, const void *data, size_t len,
                          unsigned mode)
{
    char *p = ca_path_join(dir, name);
    if (p == NULL)
        return GLASS_ERR_NOMEM;
    glass_err err = glass_write_file_atomic(p, data, len, mode);
    free(p);
    return err;
}

void ca_hex_upper(const uint8_t *p, size_t len, char *out)
{
    static const char digits[] = "0123456789ABCDEF";
    for (size_t i = 0; i < len; i++) {
        out[2 * i] = digits[p[i] >> 4];
        out[2 * i + 1] = digits[p[i] & 15];
    }
    out[2 * len] = '\0';
}

/* YYMMDDHHMMSSZ (UTCTime's text), or YYYYMMDDHHMMSSZ from 2050 on. */
void ca_format_time(int64_t t, char out[20])
{
    int y, mon, d, h, min, s;
    der_time_to_civil(t, &y, &mon, &d, &h, &min, &s);
    if (y >= 1950 && y <= 2049)
        snprintf(out, 20, "%02d%02d%02d%02d%02d%02dZ", y % 100, mon, d, h, min, s);
    else
        snprintf(out, 20, "%04d%02d%02d%02d%02d%02dZ", y, mon, d, h, min, s);
}

int ca_parse_time(const char *text, int64_t *t)
{
    size_t n = strlen(text);
    uint8_t tag = n == 13 ? DER_UTC_TIME : DER_GENERALIZED_TIME;
    return der_parse_time(tag, (const uint8_t *)text, n, t) == GLASS_OK ? 0 : -1;
}

/* Strips leading zero bytes (serials compare as magnitudes). */
static void ca_strip_zeros(const uint8_t **p, size_t *len)
{
    while (*len > 1 && (*p)[0] == 0) {
        (*p)++;
        (*len)--;
    }
}

int ca_serial_equal(const uint8_t *a, size_t a_len, const uint8_t *b, size_t b_len)
{
    ca_strip_zeros(&a, &a_len);
    ca_strip_zeros(&b, &b_len);
    return a_len == b_len && memcmp(a, b, a_len) == 0;
}

/* ---- the lock ------------------------------------------------------------------ */

/* Takes an exclusive fcntl() lock on D/lock, retrying every 20 ms for at
 * most CA_LOCK_WAIT_MS.  Returns the open descriptor (closing it releases
 * the lock) or -1 with *err set. */
int ca_lock_take(const char *dir, glass_err *err)
{
    char *p = ca_path_join(dir, "lock");
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

void ca_lock_release(int fd)
{
    if (fd >= 0)
        close(fd);
}

/* ---- the index ----------------------------------------------------------------- */

/* Parses index.txt into a malloc'd array. */
glass_err ca_index_load(const char *dir, ca_entry **entries, size_t *n)
{
    uint8_t *data = NULL;
    size_t len = 0, count = 0, cap = 0;
    ca_entry *list = NULL;
    glass_err err = ca_read_in(dir, "index.txt", &data, &len);
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
            ca_parse_time(field[1], &e->not_after) != 0 ||
            (e->status == 'R' && ca_parse_time(field[2], &e->revoked_at) != 0) ||
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

/* ca_index_load for an open CA, noting the file for ca_error_file. */
glass_err ca_index_read_open(glass_ca *ca, ca_entry **entries, size_t *n)
{
    glass_err err = ca_index_load(ca->dir, entries, n);
    ca->bad_file = err == GLASS_OK || err == GLASS_ERR_NOMEM ? NULL : "index.txt";
    return err;
}

/* Writes the whole index (atomically). */
glass_err ca_index_save(const char *dir, const ca_entry *e, size_t n)
{
    size_t cap = n * (2 * X509_SERIAL_MAX + X509_NAME_STR_MAX + 64) + 1;
    char *text = malloc(cap);
    size_t o = 0;
    if (text == NULL)
        return GLASS_ERR_NOMEM;
    text[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        char exp[20], rev[20] = "", serial[2 * X509_SERIAL_MAX + 1];
        ca_format_time(e[i].not_after, exp);
        if (e[i].status == 'R')
            ca_format_time(e[i].revoked_at, rev);
        ca_hex_upper(e[i].serial, e[i].serial_len, serial);
        int k = snprintf(text + o, cap - o, "%c\t%s\t%s\t%s\tunknown\t%s\n", e[i].status, exp,
                         rev, serial, e[i].subject);
        if (k < 0 || (size_t)k >= cap - o) {
            free(text);
            return GLASS_ERR_INTERNAL;
        }
        o += (size_t)k;
    }
    glass_err err = ca_write_in(dir, "index.txt", text, o, 0644);
    free(text);
    return err;
}
