/*
 * demo_menu.c — `glass demo --interactive` (see classroom/classroom.h): a
 * menu on the terminal that walks a class through the whole story, one
 * item at a time — a CA, the server that hosts it, a client enrolling
 * with a one-time code, a chat message sent and received through the
 * relay, a page fetched over the channel, the server stopped.
 *
 * Every item runs real commands: this same glass binary, started as a
 * child process (/proc/self/exe), with the arguments printed first as
 * "$ glass ...", exactly as a student would type them in the demo's
 * directory.  Nothing here speaks the protocol itself; the point is the
 * commands.
 *
 * Read demo_menu_run first, then demo_item (one menu item), then the
 * process helpers: demo_spawn starts a child, demo_run runs one to its end
 * with its output shown and kept, demo_stop_server ends the server.
 *
 * Every process started is stopped on quit, on the end of standard input
 * and on SIGINT/SIGTERM: the children run in their own process group (a
 * Ctrl-C reaches only the menu, which then stops them in order), and on
 * Linux each also asks the kernel for SIGTERM if the menu itself dies.
 *
 * CT: not applicable (no secret is handled here; the password is the
 * demo's own "pass:demo", printed on purpose).
 */
/* nftw, to remove the temporary directory on quit (POSIX XSI). */
#define _XOPEN_SOURCE 700

#include "classroom/classroom.h"
#include "io/io.h"
#include "net/net.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#define DEMO_CMD       "demo"
#define DEMO_PASS      "pass:demo"
#define DEMO_RUN_MS    120000   /* one foreground command, at most */
#define DEMO_LISTEN_MS 30000    /* the server's "listening on" line, at most */
#define DEMO_OUT_CAP   65536    /* output kept from one command */

typedef struct demo_state {
    char self[4096];            /* the glass binary */
    char dir[4096];             /* where everything lives */
    int made_dir;               /* 1: a temporary directory, removed on quit */
    int have_ca, have_alice;
    pid_t server;               /* 0: not running */
    unsigned port;
    char out[DEMO_OUT_CAP + 1]; /* what the last command printed */
    size_t out_len;
} demo_state;

/* Prints "$ glass a b c" with argv[0] shown as glass and arguments holding
 * a space quoted, then a newline (bg: " &" first). */
static void demo_show(char *const argv[], int bg)
{
    printf("$ glass");
    for (int i = 1; argv[i] != NULL; i++)
        printf(strchr(argv[i], ' ') != NULL ? " \"%s\"" : " %s", argv[i]);
    printf("%s\n", bg ? " &" : "");
    fflush(stdout);
}

/* Starts argv (argv[0] is the binary) with standard input from in_fd and
 * standard output and error to out_fd, in its own process group.  The
 * child's pid, or -1 after saying why. */
static pid_t demo_spawn(char *const argv[], int in_fd, int out_fd)
{
    fflush(stdout);
    pid_t pid = fork();
    if (pid < 0) {
        io_error(DEMO_CMD, "cannot start a process: %s", strerror(errno));
        return -1;
    }
    if (pid == 0) {
        setpgid(0, 0);
#ifdef __linux__
        /* If the menu dies without cleaning up (SIGKILL), the kernel tells
         * the child: no server is left behind holding a port. */
        prctl(PR_SET_PDEATHSIG, SIGTERM);
#endif
        signal(SIGINT, SIG_DFL);
        signal(SIGTERM, SIG_DFL);
        dup2(in_fd, 0);
        dup2(out_fd, 1);
        dup2(out_fd, 2);
        execv(argv[0], argv);
        fprintf(stderr, "glass demo: cannot run %s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    setpgid(pid, pid);
    return pid;
}

/* Sends SIGTERM to pid, waits up to 5 s, then SIGKILL.  The exit status
 * (as waitpid gives it). */
static int demo_end(pid_t pid)
{
    int ws = 0;
    kill(pid, SIGTERM);
    for (int i = 0; i < 50; i++) {
        if (waitpid(pid, &ws, WNOHANG) == pid)
            return ws;
        (void)poll(NULL, 0, 100);
    }
    kill(pid, SIGKILL);
    (void)waitpid(pid, &ws, 0);
    return ws;
}

/* Waits up to ms for pid to exit on its own (it closed its output), then
 * ends it.  The exit status (as waitpid gives it). */
static int demo_reap(pid_t pid, int64_t ms)
{
    int ws = 0;
    int64_t deadline = net_now_ms() + ms;
    do {
        if (waitpid(pid, &ws, WNOHANG) == pid)
            return ws;
        (void)poll(NULL, 0, 20);
    } while (!net_stop_signal && net_now_ms() < deadline);
    return demo_end(pid);
}

/* A pipe whose ends a child does not inherit (close-on-exec; dup2 clears
 * it on the copies a child is meant to have).  Otherwise a child would
 * hold the write end of its own standard input and never see its end. */
static int demo_pipe(int fd[2])
{
    if (pipe(fd) != 0)
        return -1;
    (void)fcntl(fd[0], F_SETFD, FD_CLOEXEC);
    (void)fcntl(fd[1], F_SETFD, FD_CLOEXEC);
    return 0;
}

/* Runs argv to its end, shown first, with input (may be NULL) on its
 * standard input; what it prints is echoed indented and kept in st->out.
 * 0 when it exited 0; 1 otherwise (said why). */
static int demo_run(demo_state *st, char *const argv[], const char *input)
{
    int in[2], out[2];
    demo_show(argv, 0);
    st->out_len = 0;
    st->out[0] = '\0';
    if (demo_pipe(in) != 0)
        return io_error(DEMO_CMD, "cannot make a pipe: %s", strerror(errno));
    if (demo_pipe(out) != 0) {
        close(in[0]);
        close(in[1]);
        return io_error(DEMO_CMD, "cannot make a pipe: %s", strerror(errno));
    }
    pid_t pid = demo_spawn(argv, in[0], out[1]);
    close(in[0]);
    close(out[1]);
    if (pid > 0 && input != NULL)
        (void)!write(in[1], input, strlen(input));
    close(in[1]);
    int64_t deadline = net_now_ms() + DEMO_RUN_MS;
    int at_line_start = 1;
    while (pid > 0 && !net_stop_signal && net_now_ms() < deadline) {
        struct pollfd p = {out[0], POLLIN, 0};
        if (poll(&p, 1, 200) <= 0)
            continue;
        char buf[4096];
        ssize_t r = read(out[0], buf, sizeof buf);
        if (r <= 0)
            break;
        for (ssize_t i = 0; i < r; i++) {
            if (at_line_start)
                fputs("    ", stdout);
            putchar(buf[i]);
            at_line_start = buf[i] == '\n';
        }
        size_t n = (size_t)r < DEMO_OUT_CAP - st->out_len ? (size_t)r : DEMO_OUT_CAP - st->out_len;
        memcpy(st->out + st->out_len, buf, n);
        st->out_len += n;
        st->out[st->out_len] = '\0';
    }
    if (!at_line_start)
        putchar('\n');
    close(out[0]);
    if (pid < 0)
        return 1;
    int ws = demo_reap(pid, net_stop_signal ? 0 : 5000);
    if (WIFEXITED(ws) && WEXITSTATUS(ws) == 0)
        return 0;
    return io_error(DEMO_CMD, "%s did not succeed (%s %d)", argv[1],
                    WIFEXITED(ws) ? "exit status" : "signal",
                    WIFEXITED(ws) ? WEXITSTATUS(ws) : WTERMSIG(ws));
}

/* Waits for "listening on 127.0.0.1:PORT" in the server's log.  1 found. */
static int demo_wait_listening(demo_state *st, const char *log)
{
    int64_t deadline = net_now_ms() + DEMO_LISTEN_MS;
    while (!net_stop_signal && net_now_ms() < deadline) {
        FILE *f = fopen(log, "r");
        char line[256];
        while (f != NULL && fgets(line, sizeof line, f) != NULL)
            if (sscanf(line, "listening on 127.0.0.1:%u", &st->port) == 1) {
                fclose(f);
                return 1;
            }
        if (f != NULL)
            fclose(f);
        if (waitpid(st->server, NULL, WNOHANG) == st->server) {
            st->server = 0;
            return 0;
        }
        (void)poll(NULL, 0, 100);
    }
    return 0;
}

/* Item 2: `glass server` in the background, its output in server.log. */
static int demo_start_server(demo_state *st)
{
    char *argv[] = {st->self, "server", "--dir", "ca", "-pass", DEMO_PASS, "--port", "0",
                    "--verbose", NULL};
    demo_show(argv, 1);
    int fd = open("server.log", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    int null = open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (fd < 0 || null < 0) {
        if (fd >= 0)
            close(fd);
        if (null >= 0)
            close(null);
        return io_error(DEMO_CMD, "cannot open server.log: %s", strerror(errno));
    }
    st->server = demo_spawn(argv, null, fd);
    close(fd);
    close(null);
    if (st->server < 0) {
        st->server = 0;
        return 1;
    }
    if (!demo_wait_listening(st, "server.log")) {
        if (st->server > 0)
            demo_end(st->server);
        st->server = 0;
        return io_error(DEMO_CMD, "the server did not start (see %s/server.log)", st->dir);
    }
    printf("    the server runs (pid %ld), listening on 127.0.0.1:%u; its log is "
           "server.log\n", (long)st->server, st->port);
    return 0;
}

/* Item 6: SIGTERM to the server; it closes every connection and exits. */
static void demo_stop_server(demo_state *st)
{
    if (st->server == 0) {
        printf("    no server is running\n");
        return;
    }
    printf("$ kill -TERM %ld        (the server)\n", (long)st->server);
    int ws = demo_end(st->server);
    st->server = 0;
    printf("    the server stopped (%s %d)\n", WIFEXITED(ws) ? "exit status" : "signal",
           WIFEXITED(ws) ? WEXITSTATUS(ws) : WTERMSIG(ws));
}

/* Item 3: a one-time code from the CA, then alice enrolls with it. */
static int demo_enroll(demo_state *st, const char *server)
{
    char code[128];
    char *code_argv[] = {st->self, "ca", "enroll-code", "--dir", "ca", "alice", NULL};
    if (demo_run(st, code_argv, NULL) != 0)
        return 1;
    if (sscanf(st->out, "%127s", code) != 1)
        return io_error(DEMO_CMD, "glass ca enroll-code printed no code");
    char *argv[] = {st->self, "client", "enroll", "--server", (char *)server, "--name", "alice",
                    "--code", code, "--ca", "ca/ca.pem", "-pass", DEMO_PASS, NULL};
    if (demo_run(st, argv, NULL) != 0)
        return 1;
    st->have_alice = 1;
    return 0;
}

/* Item 4: alice sends one message to herself through the relay, and it
 * comes back as "[alice] ..." (the name taken from her certificate). */
static int demo_chat(demo_state *st, const char *server)
{
    static const char msg[] = "hello from the glass demo";
    char *argv[] = {st->self, "client", "chat", "--server", (char *)server, "--id", "alice",
                    "-pass", DEMO_PASS, "--batch", "--wait", "2", NULL};
    printf("    (standard input: /to alice %s)\n", msg);
    if (demo_run(st, argv, "/to alice hello from the glass demo\n") != 0)
        return 1;
    if (strstr(st->out, "[alice] hello from the glass demo") == NULL)
        return io_error(DEMO_CMD, "the message did not come back through the relay");
    printf("    received: [alice] %s\n", msg);
    return 0;
}

/* Item 1: a CA, and a page for the server to publish. */
static int demo_make_ca(demo_state *st)
{
    char *argv[] = {st->self, "ca", "init", "--dir", "ca", "-subj", "/CN=Glass Demo CA", "-pass",
                    DEMO_PASS, NULL};
    if (demo_run(st, argv, NULL) != 0)
        return 1;
    static const char page[] = "<h1>Hello from the glass server</h1>\n";
    if (mkdir("ca/www", 0755) != 0 && errno != EEXIST)
        return io_error(DEMO_CMD, "cannot make ca/www: %s", strerror(errno));
    if (glass_write_file_atomic("ca/www/index.html", (const uint8_t *)page, sizeof page - 1,
                                0644) != GLASS_OK)
        return io_error(DEMO_CMD, "cannot write ca/www/index.html");
    printf("    wrote ca/www/index.html, the page the server will publish\n");
    st->have_ca = 1;
    return 0;
}

/* One menu item: says what it needs first if it cannot run yet. */
static void demo_item(demo_state *st, char choice)
{
    char server[64];
    snprintf(server, sizeof server, "127.0.0.1:%u", st->port);
    if (choice >= '2' && choice <= '5' && !st->have_ca) {
        printf("    first make the CA (1)\n");
        return;
    }
    if (choice >= '3' && choice <= '5' && st->server == 0) {
        printf("    first start the server (2)\n");
        return;
    }
    if (choice >= '4' && choice <= '5' && !st->have_alice) {
        printf("    first enroll alice (3)\n");
        return;
    }
    char *get_argv[] = {st->self, "client", "get", "--server", server, "--id", "alice", "-pass",
                        DEMO_PASS, "/index.html", NULL};
    switch (choice) {
    case '1':
        (void)demo_make_ca(st);
        break;
    case '2':
        if (st->server != 0)
            printf("    the server already runs on 127.0.0.1:%u\n", st->port);
        else
            (void)demo_start_server(st);
        break;
    case '3':
        (void)demo_enroll(st, server);
        break;
    case '4':
        (void)demo_chat(st, server);
        break;
    case '5':
        (void)demo_run(st, get_argv, NULL);
        break;
    case '6':
        demo_stop_server(st);
        break;
    default:
        printf("    no item '%c': choose 1 to 6, or q\n", choice);
        break;
    }
}

static void demo_print_menu(void)
{
    printf("\nglass demo: choose an item (in order), then Enter\n"
           "  1  make a CA               glass ca init\n"
           "  2  start the server        glass server\n"
           "  3  enroll alice            glass ca enroll-code, glass client enroll\n"
           "  4  chat: a message         glass client chat\n"
           "  5  fetch a page            glass client get\n"
           "  6  stop the server\n"
           "  q  quit (stops everything)\n"
           "demo> ");
    fflush(stdout);
}

/* Reads one line from standard input into line (cap bytes), waiting in
 * poll so that SIGINT/SIGTERM are seen.  1 a line, 0 end of input or a
 * signal. */
static int demo_read_line(char *line, size_t cap)
{
    size_t n = 0;
    while (!net_stop_signal) {
        struct pollfd p = {0, POLLIN, 0};
        if (poll(&p, 1, 200) <= 0)
            continue;
        char ch;
        ssize_t r = read(0, &ch, 1);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return n > 0 ? (line[n] = '\0', 1) : 0;
        if (ch == '\n') {
            line[n] = '\0';
            return 1;
        }
        if (n + 1 < cap)
            line[n++] = ch;
    }
    return 0;
}

static int demo_remove_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(path);
}

/* Finds the glass binary (/proc/self/exe, else argv0) and the directory. */
static int demo_setup(demo_state *st, const demo_opts *o)
{
    ssize_t n = readlink("/proc/self/exe", st->self, sizeof st->self - 1);
    if (n > 0)
        st->self[n] = '\0';
    else if (o->argv0 == NULL || realpath(o->argv0, st->self) == NULL)
        return io_error(DEMO_CMD, "cannot find the glass binary to run");
    if (o->dir != NULL) {
        if (mkdir(o->dir, 0700) != 0 && errno != EEXIST)
            return io_error(DEMO_CMD, "--dir %s: %s", o->dir, strerror(errno));
        if (realpath(o->dir, st->dir) == NULL)
            return io_error(DEMO_CMD, "--dir %s: %s", o->dir, strerror(errno));
    } else {
        const char *tmp = getenv("TMPDIR");
        snprintf(st->dir, sizeof st->dir, "%s/glass-demo.XXXXXX",
                 tmp != NULL && tmp[0] != '\0' ? tmp : "/tmp");
        if (mkdtemp(st->dir) == NULL)
            return io_error(DEMO_CMD, "cannot make a temporary directory: %s", strerror(errno));
        st->made_dir = 1;
    }
    if (chdir(st->dir) != 0)
        return io_error(DEMO_CMD, "cannot enter %s: %s", st->dir, strerror(errno));
    return 0;
}

/* See classroom/classroom.h. */
int demo_menu_run(const demo_opts *o)
{
    demo_state *st = calloc(1, sizeof *st);
    if (st == NULL)
        return io_error(DEMO_CMD, "out of memory");
    if (demo_setup(st, o) != 0) {
        free(st);
        return 1;
    }
    net_install_signals();
    signal(SIGPIPE, SIG_IGN);
    printf("glass demo: working in %s (every command below runs there)\n", st->dir);
    char line[64];
    for (;;) {
        demo_print_menu();
        if (!demo_read_line(line, sizeof line)) {
            printf("\n");
            break;
        }
        char *c = line;
        while (*c == ' ' || *c == '\t')
            c++;
        if (*c == '\0')
            continue;
        if (!isatty(0))
            printf("%s\n", c);     /* a terminal has echoed it already */
        if (*c == 'q')
            break;
        demo_item(st, *c);
    }
    /* Quit, end of input or a signal: every process started is stopped. */
    if (st->server != 0)
        demo_stop_server(st);
    if (net_stop_signal)
        printf("glass demo: stopped by signal %d\n", (int)net_stop_signal);
    if (chdir("/") == 0 && st->made_dir)
        (void)nftw(st->dir, demo_remove_one, 16, FTW_DEPTH | FTW_PHYS);
    printf("glass demo: bye%s\n", st->made_dir ? " (temporary directory removed)" : "");
    free(st);
    return net_stop_signal ? 1 : 0;
}
