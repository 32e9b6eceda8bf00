/*
 * worker.c — the server's worker thread (see server/server.h): whatever
 * may wait on the disk or on another process runs here, never in the poll
 * loop, so one slow fsync or a CA lock held elsewhere never stops the
 * loop serving everyone else.
 *
 * A job goes in through server_worker_submit (a queue under a mutex); the
 * worker takes every job waiting at once (a batch), runs it, and hands it
 * back on a done list, writing one byte into a pipe the loop polls; the
 * loop then runs each job's `done` step (server_worker_collect), which
 * answers the client that asked, if it is still there.
 *
 * Group commit.  Key-value changes are appends to a store's log
 * (server/kv.c).  The worker writes every append of a batch, in order, then
 * fsyncs each file touched once: a hundred puts that arrived during one
 * fsync cost one more fsync, not a hundred.  A put is acknowledged to its
 * client only from `done`, after its bytes were fsynced: an acknowledged
 * put survives kill -9.  A compaction job (a whole snapshot of a store)
 * replaces the log atomically (temp file, fsync, rename), in its place in
 * the same order.
 *
 * CT: not applicable.
 */
#include "server/server_internal.h"
#include "io/io.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct server_worker {
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    server_job *head, *tail;    /* waiting */
    server_job *done, *done_tail;
    int stop;
    int pipe_rd, pipe_wr;
};

/* One file being appended to in this batch. */
typedef struct open_log {
    char path[SERVER_PATH_MAX];
    int fd;
} open_log;

static void close_log(open_log *o, server_job *first, server_job *end)
{
    if (o->fd < 0)
        return;
    /* The fsync that makes every append of this batch durable. */
    int bad = fsync(o->fd) != 0;
    bad |= close(o->fd) != 0;
    o->fd = -1;
    if (bad)
        for (server_job *j = first; j != end; j = j->next)
            if (j->kind == JOB_KV_APPEND && strcmp(j->path, o->path) == 0)
                j->err = GLASS_ERR_FILE_WRITE;
}

static open_log *find_log(open_log *v, size_t n, const char *path)
{
    for (size_t i = 0; i < n; i++)
        if (v[i].fd >= 0 && strcmp(v[i].path, path) == 0)
            return &v[i];
    return NULL;
}

static void append(server_job *j, open_log *v, size_t *n, size_t cap, server_job *batch)
{
    open_log *o = find_log(v, *n, j->path);
    if (o == NULL) {
        if (*n == cap) {            /* too many files in one batch: make room */
            close_log(&v[0], batch, j);
            memmove(&v[0], &v[1], (*n - 1) * sizeof *v);
            (*n)--;
        }
        o = &v[(*n)++];
        snprintf(o->path, sizeof o->path, "%s", j->path);
        o->fd = open(j->path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
        if (o->fd < 0) {
            j->err = GLASS_ERR_FILE_OPEN;
            (*n)--;
            return;
        }
    }
    const uint8_t *p = j->bytes;
    size_t left = j->len;
    while (left > 0) {
        ssize_t w = write(o->fd, p, left);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            j->err = GLASS_ERR_FILE_WRITE;
            return;
        }
        p += w;
        left -= (size_t)w;
    }
}

/* Runs one batch, in order; fsyncs each log once at the end. */
static void run_batch(server_job *batch)
{
    open_log v[16];
    size_t n = 0;
    for (server_job *j = batch; j != NULL; j = j->next) {
        if (j->kind == JOB_KV_APPEND) {
            append(j, v, &n, sizeof v / sizeof v[0], batch);
        } else if (j->kind == JOB_KV_COMPACT) {
            open_log *o = find_log(v, n, j->path);
            if (o != NULL)
                close_log(o, batch, j);
            j->err = glass_write_file_atomic(j->path, j->bytes, j->len, 0600);
        } else if (j->call != NULL) {
            j->call(j);
        }
    }
    for (size_t i = 0; i < n; i++)
        close_log(&v[i], batch, NULL);
}

static void *worker_main(void *arg)
{
    struct server_worker *w = arg;
    pthread_mutex_lock(&w->mu);
    for (;;) {
        while (w->head == NULL && !w->stop)
            pthread_cond_wait(&w->cv, &w->mu);
        if (w->head == NULL && w->stop)
            break;
        server_job *batch = w->head, *last = w->tail;
        w->head = w->tail = NULL;
        pthread_mutex_unlock(&w->mu);
        run_batch(batch);
        pthread_mutex_lock(&w->mu);
        if (w->done_tail != NULL)
            w->done_tail->next = batch;
        else
            w->done = batch;
        w->done_tail = last;
        char one = 1;
        ssize_t ignored = write(w->pipe_wr, &one, 1);   /* the loop wakes */
        (void)ignored;
    }
    pthread_mutex_unlock(&w->mu);
    return NULL;
}

/* See server_internal.h. */
int server_worker_start(server *s)
{
    struct server_worker *w = calloc(1, sizeof *w);
    int p[2];
    if (w == NULL || pipe(p) != 0) {
        free(w);
        return -1;
    }
    w->pipe_rd = p[0];
    w->pipe_wr = p[1];
    (void)net_set_nonblocking(p[0]);
    (void)net_set_nonblocking(p[1]);   /* a full pipe already means "wake up" */
    pthread_mutex_init(&w->mu, NULL);
    pthread_cond_init(&w->cv, NULL);
    if (pthread_create(&w->thread, NULL, worker_main, w) != 0) {
        close(p[0]);
        close(p[1]);
        free(w);
        return -1;
    }
    s->worker = w;
    return 0;
}

/* See server_internal.h. */
int server_worker_fd(const server *s)
{
    return s->worker != NULL ? s->worker->pipe_rd : -1;
}

/* See server_internal.h. */
void server_worker_submit(server *s, server_job *j)
{
    struct server_worker *w = s->worker;
    j->next = NULL;
    pthread_mutex_lock(&w->mu);
    if (w->tail != NULL)
        w->tail->next = j;
    else
        w->head = j;
    w->tail = j;
    pthread_cond_signal(&w->cv);
    pthread_mutex_unlock(&w->mu);
}

void server_job_free(server_job *j)
{
    free(j->bytes);
    free(j->reply);
    free(j);
}

/* See server_internal.h. */
void server_worker_collect(server *s)
{
    struct server_worker *w = s->worker;
    char buf[64];
    if (w == NULL)
        return;
    while (read(w->pipe_rd, buf, sizeof buf) > 0)
        ;
    pthread_mutex_lock(&w->mu);
    server_job *j = w->done;
    w->done = w->done_tail = NULL;
    pthread_mutex_unlock(&w->mu);
    while (j != NULL) {
        server_job *next = j->next;
        if (j->done != NULL)
            j->done(s, j);
        server_job_free(j);
        j = next;
    }
}

/* See server_internal.h. */
void server_worker_stop(server *s)
{
    struct server_worker *w = s->worker;
    if (w == NULL)
        return;
    pthread_mutex_lock(&w->mu);
    w->stop = 1;
    pthread_cond_signal(&w->cv);
    pthread_mutex_unlock(&w->mu);
    pthread_join(w->thread, NULL);   /* every job queued is run first */
    server_worker_collect(s);
    close(w->pipe_rd);
    close(w->pipe_wr);
    pthread_cond_destroy(&w->cv);
    pthread_mutex_destroy(&w->mu);
    free(w);
    s->worker = NULL;
}
