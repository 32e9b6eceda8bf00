/*
 * kv.c — the per-client key-value store (see server/server.h,
 * PROTOCOL.md §7.2): up to KV_MAX_KEYS keys per client, kept sorted in
 * memory, and on disk as an append-only log, DIR/kv/CN.SERIAL.log, one
 * line per change:
 *
 *     P KEY HEX(VALUE)        a put
 *     D KEY                   a delete
 *
 * A store belongs to a certificate (its CN and serial), not to the bare
 * name: whoever enrolls "alice" after her certificate was replaced starts
 * with an empty store, never reads hers.
 *
 * A change costs one append, written and fsynced by the worker thread
 * (worker.c) together with every other change that arrived meanwhile
 * (group commit); the client's KvDone is sent only once its line is on
 * disk, and until then its connection's further messages wait, so replies
 * keep their order.  When the log has grown to four times what the store
 * holds (and past KV_COMPACT_MIN), a snapshot of the store replaces it,
 * atomically (compaction).  Loading replays the log; a last line cut short
 * by a crash (never acknowledged) is dropped and cut off the file.
 *
 * Read on_kv first; kv_open finds or loads the store of the client's
 * certificate; kv_load refuses a damaged file rather than overwrite it.
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
#include <unistd.h>

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
    return (size_t)snprintf(out, cap, "%s/kv/%s.log", s->o.dir, owner) < cap ? 0 : -1;
}

#define KV_COMPACT_MIN (64u * 1024u)

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

/* Applies one log line ("P KEY HEX" or "D KEY") to the store.  0, or -1
 * if the line is damaged. */
static int kv_apply(kv_store *st, char *line)
{
    int found;
    if ((line[0] != 'P' && line[0] != 'D') || line[1] != ' ')
        return -1;
    char *key = line + 2, *sp = strchr(key, ' ');
    if ((line[0] == 'P') != (sp != NULL))
        return -1;
    if (sp != NULL)
        *sp = '\0';
    if (!kv_key_valid((const uint8_t *)key, strlen(key)))
        return -1;
    size_t at = kv_find(st, key, &found);
    if (line[0] == 'D') {
        if (!found)
            return -1;
        free(st->e[at].value);
        memmove(&st->e[at], &st->e[at + 1], (st->n - at - 1) * sizeof st->e[0]);
        st->n--;
        return 0;
    }
    kv_entry e;
    memset(&e, 0, sizeof e);
    snprintf(e.key, sizeof e.key, "%s", key);
    if (glass_hex_decode_alloc(&e.value, &e.len, sp + 1) != GLASS_OK)
        return -1;
    if (e.len > KV_VALUE_MAX || (!found && st->n == KV_MAX_KEYS)) {
        free(e.value);
        return -1;
    }
    if (found) {
        free(st->e[at].value);
    } else {
        memmove(&st->e[at + 1], &st->e[at], (st->n - at) * sizeof st->e[0]);
        st->n++;
    }
    st->e[at] = e;
    return 0;
}

/* Replays D/kv/CN.SERIAL.log.  A missing file is an empty store; a last
 * line without its newline (a crash mid-append, never acknowledged) is
 * dropped and cut off; any other damage refuses the store. */
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
    size_t whole = len;
    while (whole > 0 && data[whole - 1] != '\n')
        whole--;
    char *text = malloc(whole + 1);
    if (text == NULL) {
        free(data);
        return GLASS_ERR_NOMEM;
    }
    memcpy(text, data, whole);
    text[whole] = '\0';
    free(data);
    for (char *line = text; *line != '\0';) {
        char *nl = strchr(line, '\n');
        *nl = '\0';
        if (kv_apply(st, line) != 0) {
            err = GLASS_ERR_IO;
            break;
        }
        line = nl + 1;
    }
    free(text);
    if (err == GLASS_OK && whole != len && truncate(path, (off_t)whole) != 0)
        err = GLASS_ERR_IO;
    st->log_bytes = whole;
    return err;
}

/* The store as log lines: a snapshot (malloc'd, *len bytes). */
static char *kv_snapshot(const kv_store *st, size_t *len)
{
    size_t cap = 1;
    *len = 0;
    for (size_t i = 0; i < st->n; i++)
        cap += 2 + strlen(st->e[i].key) + 1 + 2 * st->e[i].len + 1;
    char *text = malloc(cap);
    if (text == NULL)
        return NULL;
    for (size_t i = 0; i < st->n; i++) {
        *len += (size_t)snprintf(text + *len, cap - *len, "P %s ", st->e[i].key);
        glass_hex_encode(text + *len, cap - *len, st->e[i].value, st->e[i].len);
        *len += 2 * st->e[i].len;
        text[(*len)++] = '\n';
    }
    return text;
}

/* Drops the store of owner from memory (it is read again from its log on
 * next use). */
static void kv_forget(server *s, const char *owner)
{
    for (size_t i = 0; i < s->n_kv; i++)
        if (strcmp(s->kv[i]->owner, owner) == 0) {
            kv_store_free(s->kv[i]);
            s->kv[i] = s->kv[--s->n_kv];
            return;
        }
}

/* In the loop, once the worker has made the change durable (or failed):
 * the reply goes out, the connection's input resumes. */
static void kv_done(server *s, server_job *j)
{
    for (size_t i = 0; i < s->n_conns; i++) {
        conn *c = s->conns[i];
        if (c->id != j->conn_id)
            continue;
        if (c->waits > 0)
            c->waits--;
        if (c->dead)
            return;
        if (j->err == GLASS_OK) {
            server_send_app(s, c, j->reply, j->reply_len);
        } else {
            kv_forget(s, j->owner);     /* memory ran ahead of the disk: reload */
            server_log(s, c, "kv %s: %s", c->name, glass_strerror(j->err));
            server_send_error(s, c, GLASS_APP_ERR_STORAGE, "the server could not store the change");
        }
        if (c->waits == 0)
            server_on_events(s, c);     /* what arrived meanwhile */
        return;
    }
}

/* Queues the change (one log line) for the worker, and after it the reply;
 * when the log has grown to four times the store, a compaction too. */
static glass_err kv_log(server *s, conn *c, kv_store *st, char *line, size_t len,
                        uint8_t *reply, size_t reply_len)
{
    char dir[SERVER_PATH_MAX];
    server_job *j = calloc(1, sizeof *j);
    if (j == NULL)
        return GLASS_ERR_NOMEM;
    if (snprintf(dir, sizeof dir, "%s/kv", s->o.dir) >= (int)sizeof dir ||
        (mkdir(dir, 0700) != 0 && errno != EEXIST) ||
        kv_path(s, st->owner, j->path, sizeof j->path) != 0) {
        free(j);
        return GLASS_ERR_IO;
    }
    j->kind = JOB_KV_APPEND;
    j->bytes = (uint8_t *)line;
    j->len = len;
    j->conn_id = c->id;
    j->reply = reply;
    j->reply_len = reply_len;
    j->done = kv_done;
    snprintf(j->owner, sizeof j->owner, "%s", st->owner);
    /* The compaction, if due, goes right after the append (the store in
     * memory already holds the change). */
    server_job *k = NULL;
    size_t live = 0;
    char *snap = NULL;
    st->log_bytes += len;
    if (st->log_bytes > KV_COMPACT_MIN && (snap = kv_snapshot(st, &live)) != NULL &&
        st->log_bytes > 4 * live && (k = calloc(1, sizeof *k)) != NULL) {
        k->kind = JOB_KV_COMPACT;
        memcpy(k->path, j->path, sizeof k->path);
        k->bytes = (uint8_t *)snap;
        k->len = live;
        snap = NULL;
        st->log_bytes = live;
    }
    free(snap);
    c->waits++;
    server_worker_submit(s, j);
    if (k != NULL)
        server_worker_submit(s, k);
    return GLASS_OK;
}

/* The store of the client named owner: found, or loaded on first use. */
static kv_store *kv_open(server *s, const char *owner, const char **why)
{
    for (size_t i = 0; i < s->n_kv; i++)
        if (strcmp(s->kv[i]->owner, owner) == 0)
            return s->kv[i];
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
        server_log(s, NULL, "kv/%s.log is damaged or unreadable (%s): not touched", owner,
              glass_strerror(err));
        kv_store_free(st);
        *why = "the server cannot read this client's store";
        return NULL;
    }
    s->kv[s->n_kv++] = st;
    return st;
}

/* A put ('P', with the value) or a delete ('D'): the log line and the
 * reply go to the worker (kv_log), then the store in memory changes. */
static glass_err kv_change(server *s, conn *c, kv_store *st, char op, const char *key,
                           const uint8_t *value, size_t len)
{
    size_t cap = 2 + strlen(key) + 1 + 2 * len + 2, reply_len = 0;
    char *line = malloc(cap);
    uint8_t *reply = malloc(GLASS_MAX_PLAINTEXT);
    glass_err err = GLASS_ERR_NOMEM;
    if (line == NULL || reply == NULL)
        goto fail;
    size_t n = (size_t)snprintf(line, cap, op == 'P' ? "P %s " : "D %s", key);
    if (op == 'P') {
        glass_hex_encode(line + n, cap - n, value, len);
        n += 2 * len;
    }
    line[n++] = '\n';
    line[n] = '\0';
    char *copy = malloc(n + 1);
    if (copy == NULL)
        goto fail;
    memcpy(copy, line, n - 1);
    copy[n - 1] = '\0';                 /* kv_apply takes the line without its newline */
    if ((err = glass_app_encode_kv_done(reply, GLASS_MAX_PLAINTEXT, &reply_len, key)) != GLASS_OK ||
        kv_apply(st, copy) != 0) {
        free(copy);
        err = err != GLASS_OK ? err : GLASS_ERR_INTERNAL;
        goto fail;
    }
    free(copy);
    err = kv_log(s, c, st, line, n, reply, reply_len);
    if (err != GLASS_OK) {
        kv_forget(s, st->owner);    /* memory ran ahead of the disk: reload */
        goto fail;
    }
    return GLASS_OK;
fail:
    free(line);
    free(reply);
    return err;
}

void server_on_kv(server *s, conn *c, const glass_app_msg *m)
{
    uint8_t *out = NULL;
    size_t out_len = 0;
    char key[KV_KEY_MAX + 1] = "";
    const char *why = NULL;
    int found = 0;
    glass_err err = GLASS_OK;

    /* 1. Whose store: this session's certificate (CN and serial), never a
     *    name taken from the message.  It becomes a file name: the
     *    enrollment alphabet, not starting with '.', then '.' and hex, so
     *    no "..", no '/'. */
    char owner[sizeof ((kv_store *)0)->owner];
    size_t o = (size_t)snprintf(owner, sizeof owner, "%s.", c->name);
    size_t sl = c->serial_len, sk = 0;
    while (sl - sk > 1 && c->serial[sk] == 0)
        sk++;
    for (; sk < sl && o + 3 <= sizeof owner; sk++, o += 2)
        snprintf(owner + o, sizeof owner - o, "%02X", c->serial[sk]);
    if (!ca_enroll_name_valid(c->name)) {
        server_send_error(s, c, GLASS_APP_ERR_STORAGE,
                          "the key-value store needs a client name of A-Z a-z 0-9 . _ -");
        return;
    }
    kv_store *st = kv_open(s, owner, &why);
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
        /* 3. Put: the limits, then the change (kv_change). */
        if (m->text_len > KV_VALUE_MAX) {
            server_send_error(s, c, GLASS_APP_ERR_LIMIT, "a value is at most 4096 bytes");
            goto cleanup;
        }
        if (!found && st->n == KV_MAX_KEYS) {
            server_send_error(s, c, GLASS_APP_ERR_LIMIT, "at most 64 keys per client");
            goto cleanup;
        }
        err = kv_change(s, c, st, 'P', key, m->text, m->text_len);
        if (err == GLASS_OK)
            server_logv(s, c, "kv %s: put %s (%zu bytes)", c->name, key, m->text_len);
        goto done;
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
        err = kv_change(s, c, st, 'D', key, NULL, 0);
        if (err == GLASS_OK)
            server_logv(s, c, "kv %s: delete %s", c->name, key);
        goto done;
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
    goto cleanup;
done:
    if (err != GLASS_OK) {
        server_log(s, c, "kv %s: %s", c->name, glass_strerror(err));
        server_send_error(s, c, GLASS_APP_ERR_STORAGE, "the server could not store the change");
    }
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
