/*
 * file.c — reading whole files and writing files atomically (see common.h).
 *
 * Atomic write, step by step (POSIX rename(2) semantics):
 *   1. create PATH.tmp.XXXXXX next to PATH (same file system, so rename is atomic);
 *   2. write every byte, checking short writes;
 *   3. fsync the file, so its data is on disk before its name is;
 *   4. rename it over PATH: readers see the old file or the new one, never a mix;
 *   5. fsync the directory, so the rename itself survives a crash.
 * On any failure the temporary file is removed and PATH is untouched.
 */
#define _POSIX_C_SOURCE 200809L
#include "common.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* See common.h. */
glass_err glass_read_file(const char *path, size_t max_len, uint8_t **out, size_t *out_len)
{
    if (path == NULL || out == NULL || out_len == NULL)
        return GLASS_ERR_ARG;
    int use_stdin = strcmp(path, "-") == 0;
    FILE *f = use_stdin ? stdin : fopen(path, "rb");
    if (f == NULL)
        return GLASS_ERR_FILE_OPEN;
    size_t cap = 4096, len = 0;
    uint8_t *buf = malloc(cap + 1);
    glass_err err = GLASS_OK;
    if (buf == NULL) {
        err = GLASS_ERR_NOMEM;
        goto cleanup;
    }
    for (;;) {
        if (len == cap) {
            if (cap > max_len) {
                err = GLASS_ERR_FILE_TOO_LARGE;
                goto cleanup;
            }
            size_t ncap = cap * 2;
            uint8_t *nb = realloc(buf, ncap + 1);
            if (nb == NULL) {
                err = GLASS_ERR_NOMEM;
                goto cleanup;
            }
            buf = nb;
            cap = ncap;
        }
        size_t n = fread(buf + len, 1, cap - len, f);
        len += n;
        if (n == 0) {
            if (ferror(f))
                err = GLASS_ERR_IO;
            break;
        }
    }
    if (err == GLASS_OK && len > max_len)
        err = GLASS_ERR_FILE_TOO_LARGE;
cleanup:
    if (!use_stdin && f != NULL)
        fclose(f);
    if (err != GLASS_OK) {
        if (buf != NULL) {
            glass_wipe(buf, cap);
            free(buf);
        }
        return err;
    }
    buf[len] = 0;
    *out = buf;
    *out_len = len;
    return GLASS_OK;
}

/* See common.h. */
glass_err glass_write_file_atomic(const char *path, const uint8_t *data, size_t len,
                                  unsigned mode)
{
    if (path == NULL || (data == NULL && len > 0))
        return GLASS_ERR_ARG;
    size_t plen = strlen(path);
    char *tmp = malloc(plen + 16);
    char *dir = malloc(plen + 2);
    glass_err err = GLASS_OK;
    int fd = -1;
    if (tmp == NULL || dir == NULL) {
        err = GLASS_ERR_NOMEM;
        goto cleanup;
    }
    memcpy(tmp, path, plen);
    memcpy(tmp + plen, ".tmp.XXXXXX", 12);
    fd = mkstemp(tmp);                                      /* step 1 */
    if (fd < 0) {
        err = GLASS_ERR_FILE_WRITE;
        tmp[0] = '\0';
        goto cleanup;
    }
    if (fchmod(fd, (mode_t)mode) != 0) {
        err = GLASS_ERR_FILE_WRITE;
        goto cleanup;
    }
    for (size_t off = 0; off < len;) {                      /* step 2 */
        ssize_t n = write(fd, data + off, len - off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            err = GLASS_ERR_FILE_WRITE;
            goto cleanup;
        }
        off += (size_t)n;
    }
    if (fsync(fd) != 0) {                                   /* step 3 */
        err = GLASS_ERR_FILE_WRITE;
        goto cleanup;
    }
    if (close(fd) != 0) {
        fd = -1;
        err = GLASS_ERR_FILE_WRITE;
        goto cleanup;
    }
    fd = -1;
    if (rename(tmp, path) != 0) {                           /* step 4 */
        err = GLASS_ERR_FILE_WRITE;
        goto cleanup;
    }
    tmp[0] = '\0';
    memcpy(dir, path, plen + 1);                            /* step 5 */
    char *slash = strrchr(dir, '/');
    if (slash == NULL)
        strcpy(dir, ".");
    else if (slash == dir)
        dir[1] = '\0';
    else
        *slash = '\0';
    int dfd = open(dir, O_RDONLY);
    if (dfd >= 0) {
        (void)fsync(dfd);
        close(dfd);
    }
cleanup:
    if (fd >= 0)
        close(fd);
    if (tmp != NULL && tmp[0] != '\0')
        unlink(tmp);
    free(tmp);
    free(dir);
    return err;
}
