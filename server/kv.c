/*
 * kv.c — the per-client key-value store (see server/server.h,
 * PROTOCOL.md §7.2): up to KV_MAX_KEYS keys per client, kept sorted, saved
 * atomically to DIR/kv/NAME.txt (lines "KEY HEX(VALUE)") after every change.
 *
 * Read on_kv first; kv_open finds or loads the store of the client's
 * certified name; kv_load refuses a damaged file rather than overwrite it.
 *
 * CT: not applicable (values are stored, not compared).
 */
#include "server/server_internal.h"
#include "ca/enroll.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* 1 if key is 1..KV_KEY_MAX of A-Z a-z 0-9 . _ - (it is written to a file,
 * one per line, so no space or newline). */
static int kv_key_valid(const uint8_t *key, size_t len)
{
    if (len == 0 || len > KV_KEY_MAX)
        return 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char ch = key[i];
        if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
              ch == '.' || ch == '_' || ch == '-'))
            return 0;
    }
    return 1;
}

static int kv_path(const server *s, const char *owner, char *out, size_t cap)
{
    return (size_t)snprintf(out, cap, "%s/kv/%s.txt", s->o.dir, owner) < cap ? 0 : -1;
}

/* Where key is, or where it would go (entries are kept sorted). */
static size_t kv_find(const kv_store *st, const char *key, int *found)
{
    size_t i = 0;
    *found = 0;
    for (; i < st->n; i++) {
        int cmp = strcmp(st->e[i].key, key);
        if (cmp == 0)
            *found = 1;
        if (cmp >= 0)
            break;
    }
    return i;
}

static void kv_store_free(kv_store *st)
{
    for (size_t i = 0; i < st->n; i++)
        free(st->e[i].value);
    free(st);
}

/* Reads D/kv/OWNER.txt: lines "KEY HEX(VALUE)".  A missing file is an
 * empty store; a damaged one is refused (rather than overwritten). */
static glass_err kv_load(const server *s, kv_store *st)
{
    char path[SERVER_PATH_MAX];
    uint8_t *data = NULL;
    size_t len = 0;
    struct stat sb;
    if (kv_path(s, st->owner, path, sizeof path) != 0)
        return GLASS_ERR_ARG;
    if (stat(path, &sb) != 0)
        return errno == ENOENT ? GLASS_OK : GLASS_ERR_IO;
    glass_err err = glass_read_file(path, KV_FILE_MAX, &data, &len);
    if (err != GLASS_OK)
        return err;
    char *text = malloc(len + 1);
    if (text == NULL) {
        free(data);
        return GLASS_ERR_NOMEM;
    }
    memcpy(text, data, len);
    text[len] = '\0';
    free(data);
    for (char *line = text; *line != '\0' && err == GLASS_OK;) {
        char *nl = strchr(line, '\n');
        if (nl == NULL) {
            err = GLASS_ERR_IO;
            break;
        }
        *nl = '\0';
        char *sp = strchr(line, ' ');
        int found;
        if (sp == NULL || st->n == KV_MAX_KEYS) {
            err = GLASS_ERR_IO;
            break;
        }
        *sp = '\0';
        size_t at = kv_find(st, line, &found);
        if (found || !kv_key_valid((const uint8_t *)line, strlen(line))) {
            err = GLASS_ERR_IO;
            break;
        }
        kv_entry e;
        memset(&e, 0, sizeof e);
        snprintf(e.key, sizeof e.key, "%s", line);
        err = glass_hex_decode_alloc(&e.value, &e.len, sp + 1);
        if (err == GLASS_OK && e.len > KV_VALUE_MAX) {
            free(e.value);
            err = GLASS_ERR_IO;
        }
        if (err != GLASS_OK)
            break;
        memmove(&st->e[at + 1], &st->e[at], (st->n - at) * sizeof st->e[0]);
        st->e[at] = e;
        st->n++;
        line = nl + 1;
    }
    free(text);
    return err;
}

/* Writes the whole store to D/kv/OWNER.txt, atomically: a crash leaves the
 * old file or the new one. */
static glass_err kv_save(const server *s, const kv_store *st)
{
    char path[SERVER_PATH_MAX];
    size_t cap = 1, len = 0;
    for (size_t i = 0; i < st->n; i++)
        cap += strlen(st->e[i].key) + 2 + 2 * st->e[i].len + 1;
    if (snprintf(path, sizeof path, "%s/kv", s->o.dir) >= (int)sizeof path)
        return GLASS_ERR_ARG;
    if (mkdir(path, 0700) != 0 && errno != EEXIST)
        return GLASS_ERR_IO;
    if (kv_path(s, st->owner, path, sizeof path) != 0)
        return GLASS_ERR_ARG;
    char *text = malloc(cap);
    if (text == NULL)
        return GLASS_ERR_NOMEM;
    for (size_t i = 0; i < st->n; i++) {
        len += (size_t)snprintf(text + len, cap - len, "%s ", st->e[i].key);
        glass_hex_encode(text + len, cap - len, st->e[i].value, st->e[i].len);
        len += 2 * st->e[i].len;
        text[len++] = '\n';
    }
    glass_err err = glass_write_file_atomic(path, (const uint8_t *)text, len, 0600);
    free(text);
    return err;
}

/* The store of the client named owner: found, or loaded on first use. */
static kv_store *kv_open(server *s, const char *owner, const char **why)
{
    for (size_t i = 0; i < s->n_kv; i++)
        if (strcmp(s->kv[i]->owner, owner) == 0)
            return s->kv[i];
    /* The owner's name becomes a file name: the enrollment alphabet, not
     * starting with '.', so no "..", no '/'. */
    if (!enroll_name_valid(owner)) {
        *why = "the key-value store needs a client name of A-Z a-z 0-9 . _ -";
        return NULL;
    }
    kv_store *st = calloc(1, sizeof *st);
    kv_store **v = realloc(s->kv, (s->n_kv + 1) * sizeof *v);
    if (v != NULL)
        s->kv = v;
    if (st == NULL || v == NULL) {
        free(st);
        *why = "out of memory";
        return NULL;
    }
    snprintf(st->owner, sizeof st->owner, "%s", owner);
    glass_err err = kv_load(s, st);
    if (err != GLASS_OK) {
        server_log(s, NULL, "kv/%s.txt is damaged or unreadable (%s): not touched", owner,
              glass_strerror(err));
        kv_store_free(st);
        *why = "the server cannot read this client's store";
        return NULL;
    }
    s->kv[s->n_kv++] = st;
    return st;
}

void server_on_kv(server *s, conn *c, const glass_app_msg *m)
{
    uint8_t *out = NULL;
    size_t out_len = 0;
    char key[KV_KEY_MAX + 1] = "";
    const char *why = NULL;
    int found = 0;
    glass_err err = GLASS_OK;

    /* 1. Whose store: the CN of this session's certificate, never a name
     *    taken from the message. */
    kv_store *st = kv_open(s, c->name, &why);
    if (st == NULL) {
        server_send_error(s, c, GLASS_APP_ERR_STORAGE, why);
        return;
    }
    /* 2. The key, if the message has one. */
    if (m->type != GLASS_APP_KV_LIST) {
        if (!kv_key_valid(m->name, m->name_len)) {
            server_send_error(s, c, GLASS_APP_ERR_LIMIT,
                       "a key is 1 to 64 characters of A-Z a-z 0-9 . _ -");
            return;
        }
        memcpy(key, m->name, m->name_len);
        key[m->name_len] = '\0';
    }
    size_t at = kv_find(st, key, &found);
    out = malloc(GLASS_MAX_PLAINTEXT);
    if (out == NULL)
        return;
    switch (m->type) {
    case GLASS_APP_KV_PUT: {
        /* 3. Put: the limits, then the change, then the file; if the file
         *    cannot be written the change is undone. */
        if (m->text_len > KV_VALUE_MAX) {
            server_send_error(s, c, GLASS_APP_ERR_LIMIT, "a value is at most 4096 bytes");
            goto cleanup;
        }
        if (!found && st->n == KV_MAX_KEYS) {
            server_send_error(s, c, GLASS_APP_ERR_LIMIT, "at most 64 keys per client");
            goto cleanup;
        }
        uint8_t *value = malloc(m->text_len + 1);
        if (value == NULL)
            goto cleanup;
        if (m->text_len > 0)
            memcpy(value, m->text, m->text_len);
        kv_entry old = found ? st->e[at] : (kv_entry){{0}, NULL, 0};
        if (!found) {
            memmove(&st->e[at + 1], &st->e[at], (st->n - at) * sizeof st->e[0]);
            st->n++;
            snprintf(st->e[at].key, sizeof st->e[at].key, "%s", key);
        }
        st->e[at].value = value;
        st->e[at].len = m->text_len;
        err = kv_save(s, st);
        if (err != GLASS_OK) {
            free(value);
            if (found) {
                st->e[at] = old;
            } else {
                memmove(&st->e[at], &st->e[at + 1], (st->n - at - 1) * sizeof st->e[0]);
                st->n--;
            }
            break;
        }
        free(old.value);
        err = glass_app_encode_kv_done(out, GLASS_MAX_PLAINTEXT, &out_len, key);
        server_logv(s, c, "kv %s: put %s (%zu bytes)", c->name, key, m->text_len);
        break;
    }
    case GLASS_APP_KV_GET:
        if (!found) {
            server_send_error(s, c, GLASS_APP_ERR_NO_SUCH_KEY, "no such key");
            goto cleanup;
        }
        err = glass_app_encode_kv_value(out, GLASS_MAX_PLAINTEXT, &out_len, key,
                                        st->e[at].value, st->e[at].len);
        break;
    case GLASS_APP_KV_DELETE: {
        if (!found) {
            server_send_error(s, c, GLASS_APP_ERR_NO_SUCH_KEY, "no such key");
            goto cleanup;
        }
        kv_entry old = st->e[at];
        memmove(&st->e[at], &st->e[at + 1], (st->n - at - 1) * sizeof st->e[0]);
        st->n--;
        err = kv_save(s, st);
        if (err != GLASS_OK) {
            memmove(&st->e[at + 1], &st->e[at], (st->n - at) * sizeof st->e[0]);
            st->e[at] = old;
            st->n++;
            break;
        }
        free(old.value);
        err = glass_app_encode_kv_done(out, GLASS_MAX_PLAINTEXT, &out_len, key);
        server_logv(s, c, "kv %s: delete %s", c->name, key);
        break;
    }
    default: {
        const char *keys[KV_MAX_KEYS];
        for (size_t i = 0; i < st->n; i++)
            keys[i] = st->e[i].key;
        err = glass_app_encode_kv_keys(out, GLASS_MAX_PLAINTEXT, &out_len, keys, st->n);
        break;
    }
    }
    if (err != GLASS_OK) {
        server_log(s, c, "kv %s: %s", c->name, glass_strerror(err));
        server_send_error(s, c, GLASS_APP_ERR_STORAGE, "the server could not store the change");
        goto cleanup;
    }
    server_send_app(s, c, out, out_len);
cleanup:
    free(out);
}

/* See server_internal.h. */
void server_kv_free_all(server *s)
{
    for (size_t i = 0; i < s->n_kv; i++)
        kv_store_free(s->kv[i]);
    free(s->kv);
    s->kv = NULL;
    s->n_kv = 0;
}
