/*
 * lab_check.c — runs a lab's target on 127.0.0.1 and grades a student's
 * program against it (`glass lab check N FILE`, `glass lab serve N`).
 * Lab build only.
 *
 * Reading order: lab_exercise_find (the exercises), serve (the target:
 * a line server in a child process), run_student (the program, with a time
 * limit, its standard output captured), check_mode (setup, both
 * processes, the verdict), lab_check_run (every mode of a target).  The
 * exercises themselves are in lab_ex_*.c.
 *
 * The student's program is run as
 *     python3 FILE 127.0.0.1 PORT      (any FILE that is not executable)
 *     FILE 127.0.0.1 PORT              (an executable: a compiled C program)
 * with GLASS_LAB_HOST, GLASS_LAB_PORT and GLASS (this glass) in its
 * environment.  Its standard error goes to the terminal; its standard
 * output is the answer.  Every run has a fresh target: keys and secrets come
 * from glass_random at setup, so a right answer cannot be copied from an
 * earlier run.
 *
 * CT: not relevant — the targets here are deliberately weak.
 */
#include "classroom/lab_exercise.h"

#ifdef GLASS_LAB_BUILD

#include "common/common.h"
#include "io/io.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define LINE_MAX_LEN  (256u * 1024u)     /* one query line */
#define REPLY_CAP     (256u * 1024u)
#define ANSWER_CAP    (1024u * 1024u)    /* what the program may print */
#define QUERY_LIMIT   400000ul           /* per run: enough for every attack */

static int report_fd = -1;
static volatile sig_atomic_t time_up = 0;

static void on_alarm(int sig)
{
    (void)sig;
    time_up = 1;
}

static const lab_exercise *const exercises[] = {
    &lab_ex_ecb, &lab_ex_length_ext, &lab_ex_e3, &lab_ex_dh_mitm,
    &lab_ex_certs, &lab_ex_padding, &lab_ex_replay, &lab_ex_fs,
};

/* See lab_exercise.h. */
const lab_exercise *lab_exercise_find(const char *id)
{
    for (size_t i = 0; i < sizeof exercises / sizeof exercises[0]; i++)
        if (strcmp(exercises[i]->id, id) == 0)
            return exercises[i];
    return NULL;
}

/* See lab_exercise.h. */
int lab_exercise_mode(const lab_exercise *ex, const char *name)
{
    if (name == NULL)
        return 0;
    for (int i = 0; ex->modes != NULL && ex->modes[i] != NULL; i++)
        if (strcmp(ex->modes[i], name) == 0)
            return i;
    return -1;
}

/* ---- small helpers for the exercises ------------------------------------ */

void lab_outf(lab_out *o, const char *fmt, ...)
{
    if (o->len + 1 >= o->cap)
        return;
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(o->b + o->len, o->cap - o->len, fmt, ap);
    va_end(ap);
    if (k > 0)
        o->len = o->len + (size_t)k < o->cap ? o->len + (size_t)k : o->cap - 1;
}

void lab_out_hex(lab_out *o, const char *label, const uint8_t *b, size_t len)
{
    lab_outf(o, "%s ", label);
    for (size_t i = 0; i < len; i++)
        lab_outf(o, "%02x", b[i]);
    lab_outf(o, "\n");
}

void lab_report(const char *line)
{
    if (report_fd < 0)
        return;
    char buf[512];
    int k = snprintf(buf, sizeof buf, "%s\n", line);
    if (k > 0 && write(report_fd, buf, (size_t)k < sizeof buf ? (size_t)k : sizeof buf - 1) < 0)
        return;   /* the grader reads what arrived; a lost report fails the grade */
}

int lab_field(const char *text, const char *key, char *out, size_t cap)
{
    size_t kl = strlen(key);
    int found = 0;
    for (const char *p = text; p != NULL && *p != '\0';) {
        const char *end = strchr(p, '\n');
        size_t n = end != NULL ? (size_t)(end - p) : strlen(p);
        if (n > kl && strncmp(p, key, kl) == 0 && (p[kl] == ' ' || p[kl] == '\t')) {
            const char *v = p + kl;
            size_t vn = n - kl;
            while (vn > 0 && (*v == ' ' || *v == '\t')) {
                v++;
                vn--;
            }
            while (vn > 0 && (v[vn - 1] == ' ' || v[vn - 1] == '\r' || v[vn - 1] == '\t'))
                vn--;
            if (vn < cap) {
                memcpy(out, v, vn);
                out[vn] = '\0';
                found = 1;
            }
        }
        p = end != NULL ? end + 1 : NULL;
    }
    return found;
}

int lab_field_hex(const char *text, const char *key, uint8_t **b, size_t *len)
{
    size_t cap = strlen(text) + 1;
    char *v = malloc(cap);
    if (v == NULL)
        return 0;
    int ok = lab_field(text, key, v, cap) && glass_hex_decode_alloc(b, len, v) == GLASS_OK;
    free(v);
    return ok;
}

int lab_random_text(char *out, size_t len)
{
    static const char alphabet[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    uint8_t r[256];
    if (len > sizeof r || glass_random(r, len) != GLASS_OK)
        return 0;
    for (size_t i = 0; i < len; i++)
        out[i] = alphabet[r[i] % (sizeof alphabet - 1)];   /* a slight bias: fine here */
    out[len] = '\0';
    return 1;
}

/* ---- the target ---------------------------------------------------------- */

static int write_all(int fd, const char *b, size_t n)
{
    while (n > 0) {
        ssize_t k = write(fd, b, n);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            return 0;
        b += k;
        n -= (size_t)k;
    }
    return 1;
}

/* One connection: the banner, then one reply per line, until the program
 * closes, a query says to close, or the per-run query limit is reached. */
static void serve_one(const lab_exercise *ex, void *st, int c, char *line, lab_out *o,
                      unsigned long *queries)
{
    o->len = 0;
    o->b[0] = '\0';
    ex->banner(st, o);
    lab_outf(o, "ready\n");
    if (!write_all(c, o->b, o->len))
        return;
    size_t have = 0;
    for (;;) {
        char *nl = memchr(line, '\n', have);
        if (nl == NULL) {
            if (have >= LINE_MAX_LEN) {
                write_all(c, "error line too long\n", 20);
                return;
            }
            ssize_t k = read(c, line + have, LINE_MAX_LEN - have);
            if (time_up)
                return;
            if (k < 0 && errno == EINTR)
                continue;
            if (k <= 0)
                return;
            have += (size_t)k;
            continue;
        }
        *nl = '\0';
        if (nl > line && nl[-1] == '\r')
            nl[-1] = '\0';
        o->len = 0;
        o->b[0] = '\0';
        int close_now = 0;
        if (++*queries > QUERY_LIMIT) {
            lab_outf(o, "error too many queries (%lu): a start-over is a new target\n",
                     QUERY_LIMIT);
            close_now = 1;
        } else {
            close_now = ex->query(st, line, o);
        }
        if (!write_all(c, o->b, o->len) || close_now)
            return;
        size_t used = (size_t)(nl - line) + 1;
        memmove(line, line + used, have - used);
        have -= used;
    }
}

/* The target's loop: one connection at a time, until killed or timed out. */
static void serve(const lab_exercise *ex, void *st, int lfd, unsigned timeout_s)
{
    signal(SIGPIPE, SIG_IGN);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_alarm;   /* no SA_RESTART: accept and read return EINTR */
    sigaction(SIGALRM, &sa, NULL);
    alarm(timeout_s);
    char *line = malloc(LINE_MAX_LEN + 1);
    lab_out o = {malloc(REPLY_CAP), 0, REPLY_CAP};
    unsigned long queries = 0;
    if (line == NULL || o.b == NULL)
        goto done;
    for (;;) {
        int c = accept(lfd, NULL, NULL);
        if (time_up) {
            if (c >= 0)
                close(c);
            break;
        }
        if (c < 0) {
            if (errno == EINTR || errno == ECONNABORTED)
                continue;
            break;
        }
        serve_one(ex, st, c, line, &o, &queries);
        close(c);
    }
done:
    free(line);
    free(o.b);
}

static int listen_local(unsigned port, unsigned *bound)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        return -1;
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons((uint16_t)port);
    socklen_t al = sizeof a;
    if (bind(fd, (struct sockaddr *)&a, sizeof a) != 0 || listen(fd, 8) != 0 ||
        getsockname(fd, (struct sockaddr *)&a, &al) != 0) {
        close(fd);
        return -1;
    }
    *bound = ntohs(a.sin_port);
    return fd;
}

int lab_serve_run(const lab_exercise *ex, int mode, unsigned port, unsigned timeout_s)
{
    void *st = ex->setup(mode);
    if (st == NULL)
        return io_error("lab serve", "could not make the target of lab %s", ex->id);
    unsigned bound = 0;
    int lfd = listen_local(port, &bound);
    if (lfd < 0) {
        ex->clear(st);
        return io_error("lab serve", "cannot listen on 127.0.0.1:%u: %s", port, strerror(errno));
    }
    printf("lab %s target (%s%s%s) listening on 127.0.0.1:%u for %u s\n", ex->id, ex->title,
           ex->modes != NULL ? ", mode " : "", ex->modes != NULL ? ex->modes[mode] : "", bound,
           timeout_s);
    printf("your program must print: %s\n", ex->task);
    fflush(stdout);
    serve(ex, st, lfd, timeout_s);
    close(lfd);
    ex->clear(st);
    return 0;
}

/* ---- the student's program ------------------------------------------------ */

/* Runs FILE with the target's address; its standard output goes to *answer.
 * Returns the wait status, or -1 if it could not start; *timed_out is set
 * when it was stopped at the limit. */
static int run_student(const char *file, unsigned port, unsigned timeout_s, char **answer,
                       int *timed_out)
{
    int p[2];
    *timed_out = 0;
    *answer = calloc(ANSWER_CAP + 1, 1);
    if (*answer == NULL || pipe(p) != 0)
        return -1;
    char portstr[16], self[4096];
    snprintf(portstr, sizeof portstr, "%u", port);
    ssize_t sl = readlink("/proc/self/exe", self, sizeof self - 1);
    self[sl > 0 ? sl : 0] = '\0';
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        setpgid(0, 0);
        dup2(p[1], 1);
        close(p[0]);
        close(p[1]);
        setenv("GLASS_LAB_HOST", "127.0.0.1", 1);
        setenv("GLASS_LAB_PORT", portstr, 1);
        if (self[0] != '\0')
            setenv("GLASS", self, 1);
        if (access(file, X_OK) == 0)
            execl(file, file, "127.0.0.1", portstr, (char *)NULL);
        else
            execlp("python3", "python3", file, "127.0.0.1", portstr, (char *)NULL);
        fprintf(stderr, "glass lab check: cannot run %s: %s\n", file, strerror(errno));
        _exit(127);
    }
    close(p[1]);
    size_t have = 0;
    time_t end = time(NULL) + (time_t)timeout_s;
    for (;;) {
        time_t now = time(NULL);
        if (now >= end) {
            *timed_out = 1;
            kill(-pid, SIGKILL);
            break;
        }
        struct pollfd pf = {p[0], POLLIN, 0};
        int r = poll(&pf, 1, (int)(end - now) * 1000);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            continue;
        char buf[4096];
        ssize_t k = read(p[0], buf, sizeof buf);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            break;
        size_t take = (size_t)k < ANSWER_CAP - have ? (size_t)k : ANSWER_CAP - have;
        memcpy(*answer + have, buf, take);
        have += take;
    }
    close(p[0]);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    return status;
}

static void stop_target(pid_t t)
{
    if (t <= 0)
        return;
    kill(t, SIGTERM);
    while (waitpid(t, NULL, 0) < 0 && errno == EINTR)
        ;
}

/* Reads what the target reported (the pipe is non-blocking). */
static void read_reports(int fd, char *buf, size_t cap)
{
    size_t have = 0;
    for (;;) {
        ssize_t k = read(fd, buf + have, cap - 1 - have);
        if (k <= 0)
            break;
        have += (size_t)k;
        if (have >= cap - 1)
            break;
    }
    buf[have] = '\0';
}

/* The verdict on one mode (mode_name NULL when the target has one): 0 right. */
static int verdict(const lab_exercise *ex, const char *mode_name, void *st, const char *answer,
                   const char *reports, int status, int timed_out)
{
    char hint[4096];
    lab_out o = {hint, 0, sizeof hint};
    hint[0] = '\0';
    if (timed_out) {
        printf("lab %s: NOT ACCEPTED: your program was still running at the time limit\n",
               ex->id);
        printf("hint: try it against `glass lab serve %s` and print progress to stderr\n", ex->id);
        return 1;
    }
    if (ex->grade(st, answer, reports, &o)) {
        if (mode_name != NULL)
            printf("lab %s, mode %s: right\n", ex->id, mode_name);
        return 0;
    }
    printf("lab %s: NOT ACCEPTED (%s%s%s)\n", ex->id, ex->title,
           mode_name != NULL ? ", against the target in mode " : "",
           mode_name != NULL ? mode_name : "");
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        printf("your program %s %d\n", WIFEXITED(status) ? "exited with status" : "died of signal",
               WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
    printf("it must print: %s\n", ex->task);
    printf("hint: %s\n", hint[0] != '\0' ? hint : "read the lab's exercise section again");
    return 1;
}

/* One fresh target in one mode, the program against it, the verdict. */
static int check_mode(const lab_exercise *ex, int mode, const char *file, unsigned timeout_s)
{
    const char *mode_name = ex->modes != NULL ? ex->modes[mode] : NULL;
    void *st = ex->setup(mode);
    if (st == NULL)
        return io_error("lab check", "could not make the target of lab %s", ex->id);
    int rp[2] = {-1, -1}, rc = 1;
    unsigned port = 0;
    int lfd = listen_local(0, &port);
    char *answer = NULL, reports[8192];
    pid_t target = -1;
    if (lfd < 0 || pipe(rp) != 0) {
        io_error("lab check", "cannot start the target: %s", strerror(errno));
        goto done;
    }
    fcntl(rp[0], F_SETFL, O_NONBLOCK);
    fcntl(rp[0], F_SETFD, FD_CLOEXEC);   /* the student's program gets no grader's fd */
    fcntl(rp[1], F_SETFL, O_NONBLOCK);
    fflush(stdout);
    target = fork();
    if (target == 0) {
        close(rp[0]);
        report_fd = rp[1];
        serve(ex, st, lfd, timeout_s + 10);
        _exit(0);
    }
    close(rp[1]);
    rp[1] = -1;
    close(lfd);
    lfd = -1;
    if (target < 0) {
        io_error("lab check", "cannot start the target: %s", strerror(errno));
        goto done;
    }
    printf("lab %s: a fresh target (%s%s%s) on 127.0.0.1:%u; running %s\n", ex->id, ex->title,
           mode_name != NULL ? ", mode " : "", mode_name != NULL ? mode_name : "", port, file);
    fflush(stdout);
    int timed_out = 0;
    int status = run_student(file, port, timeout_s, &answer, &timed_out);
    stop_target(target);
    target = -1;
    if (status == -1) {
        io_error("lab check", "cannot run %s: %s", file, strerror(errno));
        goto done;
    }
    read_reports(rp[0], reports, sizeof reports);
    rc = verdict(ex, mode_name, st, answer, reports, status, timed_out);
done:
    stop_target(target);
    if (lfd >= 0)
        close(lfd);
    for (int i = 0; i < 2; i++)
        if (rp[i] >= 0)
            close(rp[i]);
    free(answer);
    ex->clear(st);
    return rc;
}

/* See lab_exercise.h. */
int lab_check_run(const lab_exercise *ex, const char *file, unsigned timeout_s)
{
    if (access(file, R_OK) != 0)
        return io_error("lab check", "%s: %s", file, strerror(errno));
    int nmodes = 1;
    while (ex->modes != NULL && ex->modes[nmodes] != NULL)
        nmodes++;
    for (int m = 0; m < nmodes; m++)
        if (check_mode(ex, m, file, timeout_s) != 0)
            return 1;
    printf("lab %s: ACCEPTED — %s: your program printed the right answer for a fresh target%s\n",
           ex->id, ex->title, nmodes > 1 ? " in every mode" : "");
    return 0;
}

#else
/* The normal build has no lab code; this keeps the file a valid C11 unit. */
typedef int lab_check_not_in_this_build;
#endif /* GLASS_LAB_BUILD */
