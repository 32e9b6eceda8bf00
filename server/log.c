/*
 * log.c — the server's log (see server/server.h): one line per event,
 * "HH:MM:SS #id addr message", that can neither fill a disk nor block the
 * loop.
 *
 * Never blocking.  A reader of standard output that stops reading (a full
 * pipe, a paused terminal) would stop a server that writes there itself.
 * So the loop only copies each line into a ring of SERVER_LOG_RING bytes,
 * under a mutex held for a memcpy; a writer thread (POSIX threads) takes
 * what the ring holds and writes it, and waits as long as the reader
 * likes.  When the ring is full, lines are dropped and counted, and the
 * count is written once there is room again ("N log lines dropped").
 *
 * Not filling a disk.  Per-message lines (relay, fetch, key-value store,
 * connect and close) are written only with --verbose (server_logv).
 * Refusals, which a stranger can cause at will, are summarised per
 * address (server_log_refusal): the first in a window of
 * SERVER_LOG_WINDOW_MS is written, the rest counted, and one line at the
 * end of the window says how many ("1000 refusals from 127.0.0.1 in the
 * last 10 s").
 *
 * CT: not applicable.
 */
#include "server/server_internal.h"

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define SERVER_LOG_RING (256u * 1024u)

static struct log_state {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    pthread_t thread;
    char *ring;
    size_t head, len;           /* bytes waiting: ring[head .. head+len) mod size */
    unsigned long dropped;
    int running, stop;
    int fd;
} L;

/* Appends text to the ring, or counts it dropped.  Never waits for I/O. */
static void ring_put(const char *text, size_t n)
{
    if (!L.running) {
        fwrite(text, 1, n, stdout);
        fflush(stdout);
        return;
    }
    pthread_mutex_lock(&L.mu);
    if (SERVER_LOG_RING - L.len < n) {
        L.dropped++;
    } else {
        for (size_t i = 0; i < n; i++)
            L.ring[(L.head + L.len + i) % SERVER_LOG_RING] = text[i];
        L.len += n;
        pthread_cond_signal(&L.cv);
    }
    pthread_mutex_unlock(&L.mu);
}

static void write_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return;             /* the reader is gone: the lines are lost */
        p += w;
        n -= (size_t)w;
    }
}

/* The writer: takes what the ring holds, writes it with the lock released. */
static void *writer(void *arg)
{
    (void)arg;
    char *chunk = malloc(SERVER_LOG_RING);
    pthread_mutex_lock(&L.mu);
    for (;;) {
        while (L.len == 0 && L.dropped == 0 && !L.stop)
            pthread_cond_wait(&L.cv, &L.mu);
        if (L.len == 0 && L.dropped == 0 && L.stop)
            break;
        size_t n = L.len;
        for (size_t i = 0; chunk != NULL && i < n; i++)
            chunk[i] = L.ring[(L.head + i) % SERVER_LOG_RING];
        L.head = (L.head + n) % SERVER_LOG_RING;
        L.len = 0;
        unsigned long dropped = L.dropped;
        L.dropped = 0;
        pthread_mutex_unlock(&L.mu);
        if (chunk != NULL)
            write_all(L.fd, chunk, n);
        if (dropped > 0) {
            char note[96];
            int k = snprintf(note, sizeof note, "(%lu log line%s dropped: the log's reader is slow)\n",
                             dropped, dropped == 1 ? "" : "s");
            write_all(L.fd, note, (size_t)k);
        }
        pthread_mutex_lock(&L.mu);
    }
    pthread_mutex_unlock(&L.mu);
    free(chunk);
    return NULL;
}

/* Starts the writer thread (after "listening on" is printed). */
void server_log_start(void)
{
    fflush(stdout);
    L.fd = STDOUT_FILENO;
    L.ring = malloc(SERVER_LOG_RING);
    L.head = L.len = 0;
    L.dropped = 0;
    L.stop = 0;
    pthread_mutex_init(&L.mu, NULL);
    pthread_cond_init(&L.cv, NULL);
    if (L.ring != NULL && pthread_create(&L.thread, NULL, writer, NULL) == 0)
        L.running = 1;
}

/* Writes what is left (the writer may wait for the reader) and stops it. */
void server_log_stop(void)
{
    if (L.running) {
        pthread_mutex_lock(&L.mu);
        L.stop = 1;
        pthread_cond_signal(&L.cv);
        pthread_mutex_unlock(&L.mu);
        pthread_join(L.thread, NULL);
        L.running = 0;
        pthread_cond_destroy(&L.cv);
        pthread_mutex_destroy(&L.mu);
    }
    free(L.ring);
    L.ring = NULL;
}

static void log_va(const conn *c, const char *fmt, va_list ap)
{
    char line[1024];
    char when[16];
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(when, sizeof when, "%H:%M:%S", &tm);
    int n = c != NULL ? snprintf(line, sizeof line, "%s #%lu %s ", when, c->id, c->addr)
                      : snprintf(line, sizeof line, "%s ", when);
    if (n < 0 || (size_t)n >= sizeof line)
        n = 0;
    int m = vsnprintf(line + n, sizeof line - (size_t)n - 1, fmt, ap);
    size_t len = (size_t)n + (m < 0 ? 0 : (size_t)m);
    if (len > sizeof line - 2)
        len = sizeof line - 2;
    line[len++] = '\n';
    ring_put(line, len);
}

/* See server_internal.h. */
void server_log(const server *s, const conn *c, const char *fmt, ...)
{
    (void)s;
    va_list ap;
    va_start(ap, fmt);
    log_va(c, fmt, ap);
    va_end(ap);
}

/* See server_internal.h. */
void server_logv(const server *s, const conn *c, const char *fmt, ...)
{
    if (!s->o.verbose)
        return;
    va_list ap;
    va_start(ap, fmt);
    log_va(c, fmt, ap);
    va_end(ap);
}

/* See server_internal.h. */
void server_log_refusal(server *s, const conn *c, const char *fmt, ...)
{
    addr_slot *a = c != NULL ? server_addr_slot(s, c->host) : NULL;
    int64_t now = net_now_ms();
    if (a != NULL && !s->o.verbose) {
        if (a->refused_since == 0 || now - a->refused_since >= SERVER_LOG_WINDOW_MS) {
            server_log_summaries(s, now, 1, a);
            a->refused_since = now;
            a->refused = 0;
        } else {
            a->refused++;       /* summarised at the end of the window */
            return;
        }
    }
    va_list ap;
    va_start(ap, fmt);
    log_va(c, fmt, ap);
    va_end(ap);
}

/* See server_internal.h. */
void server_log_summaries(server *s, int64_t now, int force, addr_slot *only)
{
    for (size_t i = 0; i < s->n_addrs; i++) {
        addr_slot *a = &s->addrs[i];
        if ((only != NULL && a != only) || a->refused == 0)
            continue;
        if (!force && now - a->refused_since < SERVER_LOG_WINDOW_MS)
            continue;
        server_log(s, NULL, "%lu more refusal%s from %s in the last %lld s", a->refused,
                   a->refused == 1 ? "" : "s", a->host,
                   (long long)((now - a->refused_since + 999) / 1000));
        a->refused = 0;
        a->refused_since = 0;
    }
}
