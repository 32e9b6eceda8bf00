/*
 * enroll_store.c — the file behind the one-time enrollment codes
 * (DIR/enroll.txt) and its lock: one line per code, parsed and written
 * back whole (see ca_internal.h; enroll.c holds what the codes mean).
 *
 * Read in this order: the line format and its parser, loading and saving
 * (atomically: temporary file, fsync, rename — common.h
 * glass_write_file_atomic), then the lock every reader and writer takes.
 *
 * CT: not applicable — the file holds SHA-256 hashes of the codes, names
 * and times, all compared elsewhere (enroll.c, with glass_ct_equal).
 */
#include "ca/enroll.h"
#include "ca/ca.h"
#include "ca/ca_internal.h"
#include "sha/sha256.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* ---- the file ------------------------------------------------------------- */

/* Parses the server profile's columns "server SUBJECT SAN" (SAN "-" when
 * none) that may follow the serial.  Returns 0 on success. */
static int parse_profile(const char *p, enroll_entry *e)
{
    char cn[ENROLL_NAME_MAX + 1];
    const char *t1 = strchr(p, '\t');
    const char *t2 = t1 != NULL ? strchr(t1 + 1, '\t') : NULL;
    if (t1 == NULL || t2 == NULL || strchr(t2 + 1, '\t') != NULL ||
        (size_t)(t1 - p) != 6 || strncmp(p, "server", 6) != 0)
        return -1;
    size_t sub_len = (size_t)(t2 - t1 - 1), san_len = strlen(t2 + 1);
    if (sub_len == 0 || sub_len > ENROLL_SUBJECT_MAX || san_len == 0 || san_len > ENROLL_SAN_MAX)
        return -1;
    memcpy(e->subject, t1 + 1, sub_len);
    e->subject[sub_len] = '\0';
    if (strcmp(t2 + 1, "-") != 0)
        memcpy(e->san, t2 + 1, san_len + 1);
    /* The subject must still be one, and name the code's name. */
    char canon[ENROLL_SUBJECT_MAX + 1];
    if (ca_enroll_subject_canonical(e->subject, canon, cn) != GLASS_OK || strcmp(canon, e->subject) != 0)
        return -1;
    e->profile = ENROLL_PROFILE_SERVER;
    return 0;
}

/* Parses the optional columns after the name: "FLAGS KEYHASH SERIAL", each
 * "-" when empty, then those of parse_profile.  Returns 0 on success. */
static int parse_extra(const char *p, enroll_entry *e)
{
    char flags[16], key[2 * SHA256_DIGEST_LEN + 2], serial[2 * ENROLL_SERIAL_MAX + 2];
    size_t klen = 0;
    int consumed = 0;
    if (sscanf(p, "%15[a-z-]\t%65[0-9a-f-]\t%41[0-9A-F-]%n", flags, key, serial, &consumed) != 3)
        return -1;
    if (p[consumed] == '\t' && parse_profile(p + consumed + 1, e) != 0)
        return -1;
    if (p[consumed] != '\0' && p[consumed] != '\t')
        return -1;
    if (strcmp(flags, "replace") == 0)
        e->flags |= ENROLL_REPLACE;
    else if (strcmp(flags, "-") != 0)
        return -1;
    if (strcmp(key, "-") != 0) {
        if (strlen(key) != 2 * SHA256_DIGEST_LEN ||
            glass_hex_decode(e->key_hash, sizeof e->key_hash, &klen, key) != GLASS_OK)
            return -1;
        e->has_key = 1;
    }
    if (strcmp(serial, "-") != 0)
        strcpy(e->serial, serial);
    return 0;
}

/* Parses one line "S\tEXPIRES\tUSED_AT\tHASH\tNAME[\tFLAGS\tKEYHASH\tSERIAL]".
 * Returns 0 on success. */
static int parse_line(char *line, enroll_entry *e)
{
    char hex[2 * SHA256_DIGEST_LEN + 2];
    long long expires = 0, used = 0;
    char status = 0;
    int consumed = 0;
    memset(e, 0, sizeof *e);
    if (sscanf(line, "%c\t%lld\t%lld\t%65[0-9a-f]\t%n", &status, &expires, &used, hex,
               &consumed) != 4 || consumed <= 0)
        return -1;
    if (status != 'U' && status != 'X')
        return -1;
    size_t hlen = 0;
    if (strlen(hex) != 2 * SHA256_DIGEST_LEN ||
        glass_hex_decode(e->hash, sizeof e->hash, &hlen, hex) != GLASS_OK)
        return -1;
    char *name = line + consumed;
    char *tab = strchr(name, '\t');
    if (tab != NULL) {
        *tab = '\0';
        if (parse_extra(tab + 1, e) != 0)
            return -1;
    }
    if (!ca_enroll_name_valid(name))
        return -1;
    if (e->profile == ENROLL_PROFILE_SERVER) {
        char canon[ENROLL_SUBJECT_MAX + 1], cn[ENROLL_NAME_MAX + 1];
        if (ca_enroll_subject_canonical(e->subject, canon, cn) != GLASS_OK || strcmp(cn, name) != 0)
            return -1;
    }
    e->status = status;
    e->expires = expires;
    e->used_at = used;
    strcpy(e->name, name);
    return 0;
}

/* Reads dir/enroll.txt into a malloc'd array (a missing file is empty). */
glass_err ca_enroll_load(const char *path, enroll_entry **out, size_t *n_out)
{
    uint8_t *data = NULL;
    size_t len = 0;
    *out = NULL;
    *n_out = 0;
    struct stat st;
    if (stat(path, &st) != 0 && errno == ENOENT)
        return GLASS_OK;
    glass_err err = glass_read_file(path, ENROLL_FILE_MAX, &data, &len);
    if (err != GLASS_OK)
        return err;
    size_t lines = 1;
    for (size_t i = 0; i < len; i++)
        lines += data[i] == '\n';
    enroll_entry *v = calloc(lines, sizeof *v);
    if (v == NULL) {
        err = GLASS_ERR_NOMEM;
        goto cleanup;
    }
    size_t n = 0;
    char *save = NULL;
    for (char *line = strtok_r((char *)data, "\n", &save); line != NULL;
         line = strtok_r(NULL, "\n", &save)) {
        if (line[0] == '#' || line[0] == '\0')
            continue;
        if (parse_line(line, &v[n]) != 0) {
            err = GLASS_ERR_CA_DB;
            goto cleanup;
        }
        n++;
    }
    *out = v;
    *n_out = n;
    v = NULL;
cleanup:
    free(v);
    free(data);
    return err;
}

glass_err ca_enroll_save(const char *path, const enroll_entry *v, size_t n)
{
    /* Each line: 1 + 1 + 20 + 1 + 20 + 1 + 64 + 1 + 64 + 1, then
     * 8 + 1 + 64 + 1 + 40 + 1: under 300 bytes; a server code's columns
     * add 1 + 6 + 1 + ENROLL_SUBJECT_MAX + 1 + ENROLL_SAN_MAX. */
    size_t line_max = 300 + 16 + ENROLL_SUBJECT_MAX + ENROLL_SAN_MAX;
    size_t cap = 128 + n * line_max;
    char *buf = malloc(cap);
    if (buf == NULL)
        return GLASS_ERR_NOMEM;
    size_t len = (size_t)snprintf(buf, cap,
                                  "# glass enrollment codes: status expires used_at sha256(code) name"
                                  " flags sha256(key) serial\n");
    for (size_t i = 0; i < n; i++) {
        char hex[2 * SHA256_DIGEST_LEN + 1];
        char key[2 * SHA256_DIGEST_LEN + 1] = "-";
        glass_hex_encode(hex, sizeof hex, v[i].hash, sizeof v[i].hash);
        if (v[i].has_key)
            glass_hex_encode(key, sizeof key, v[i].key_hash, sizeof v[i].key_hash);
        len += (size_t)snprintf(buf + len, cap - len, "%c\t%lld\t%lld\t%s\t%s\t%s\t%s\t%s",
                                v[i].status, (long long)v[i].expires, (long long)v[i].used_at,
                                hex, v[i].name, (v[i].flags & ENROLL_REPLACE) ? "replace" : "-",
                                key, v[i].serial[0] ? v[i].serial : "-");
        if (v[i].profile == ENROLL_PROFILE_SERVER)
            len += (size_t)snprintf(buf + len, cap - len, "\tserver\t%s\t%s", v[i].subject,
                                    v[i].san[0] ? v[i].san : "-");
        len += (size_t)snprintf(buf + len, cap - len, "\n");
    }
    glass_err err = glass_write_file_atomic(path, (const uint8_t *)buf, len, 0600);
    free(buf);
    return err;
}

/* ---- the lock ------------------------------------------------------------- */

/* Takes an fcntl(2) write lock on dir/enroll.lock, retrying for at most
 * ENROLL_LOCK_WAIT_MS.  The kernel drops it if the process dies, so a crash
 * never leaves the store locked.  Returns the descriptor to ca_enroll_unlock. */
glass_err ca_enroll_lock(const char *dir, int *fd_out)
{
    char path[PATH_MAX_LEN];
    if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, ENROLL_LOCK_FILE) >= sizeof path)
        return GLASS_ERR_ARG;
    int fd = open(path, O_RDWR | O_CREAT, 0600);
    if (fd < 0)
        return GLASS_ERR_FILE_OPEN;
    struct flock fl;
    memset(&fl, 0, sizeof fl);
    fl.l_type = F_WRLCK;
    fl.l_whence = SEEK_SET;
    for (unsigned waited = 0;; waited += 10) {
        if (fcntl(fd, F_SETLK, &fl) == 0)
            break;
        if (waited >= ENROLL_LOCK_WAIT_MS || (errno != EACCES && errno != EAGAIN && errno != EINTR)) {
            close(fd);
            return GLASS_ERR_CA_LOCK;
        }
        struct timespec ts = {0, 10 * 1000000L};
        nanosleep(&ts, NULL);
    }
    *fd_out = fd;
    return GLASS_OK;
}

void ca_enroll_unlock(int fd)
{
    /* Closing the descriptor releases the process's locks on the file. */
    close(fd);
}

glass_err ca_enroll_path(const char *dir, char *path, size_t cap)
{
    char probe[PATH_MAX_LEN];
    struct stat st;
    if ((size_t)snprintf(probe, sizeof probe, "%s/ca.pem", dir) >= sizeof probe)
        return GLASS_ERR_ARG;
    if (stat(probe, &st) != 0)
        return GLASS_ERR_CA_DIR;
    if ((size_t)snprintf(path, cap, "%s/%s", dir, ENROLL_FILE) >= cap)
        return GLASS_ERR_ARG;
    return GLASS_OK;
}

