/*
 * test_rooms.c — the shared pieces of the rooms above the protocol: two
 * engines back to back (net_pump_*), page fetch's HTTP/1.1 file server
 * (net/http.h: RFC 9112 request syntax, the published root never left),
 * the option tables every command declares (io/opt.h), and io_path_join.
 * The relay server and the client around them are tested over real TCP by
 * tests/sh/net_*.sh, the tables of the real commands by
 * tests/sh/opt_table.sh.
 *
 * Fixtures: the certificates and keys of tests/data/protocol/ (made by its
 * make-fixtures.sh); the HTTP tests make their own directory under $TMPDIR.
 */
/* symlink(2), mkdtemp(3): POSIX.1-2008 with XSI. */
#define _XOPEN_SOURCE 700

#include "testutil.h"

#include "ca/ca.h"
#include "io/io.h"
#include "io/opt.h"
#include "net/http.h"
#include "net/net.h"
#include "protocol/protocol.h"

#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- two engines back to back ------------------------------------------------ */

static uint8_t *fixture(const char *name, size_t *len)
{
    char path[512];
    const char *root = getenv("ROOT");
    uint8_t *data = NULL;
    snprintf(path, sizeof path, "%s%stests/data/protocol/%s", root ? root : "", root ? "/" : "",
             name);
    if (glass_read_file(path, 1 << 20, &data, len) != GLASS_OK)
        fprintf(stderr, "\n  cannot read fixture %s\n", path);
    return data;
}

typedef struct pump_fx {
    uint8_t *ca, *other_ca, *server, *alice, *now_txt;
    glass_blob ca_b, other_b, server_b, alice_b;
    rsa_private_key server_key, alice_key;
    int64_t now;
} pump_fx;

static int pump_fx_load(pump_fx *f)
{
    size_t len = 0;
    uint8_t *k1, *k2;
    memset(f, 0, sizeof *f);
    rsa_private_init(&f->server_key);
    rsa_private_init(&f->alice_key);
    f->ca = fixture("ca.der", &f->ca_b.len);
    f->other_ca = fixture("other-ca.der", &f->other_b.len);
    f->server = fixture("server.der", &f->server_b.len);
    f->alice = fixture("alice.der", &f->alice_b.len);
    f->now_txt = fixture("now.txt", &len);
    f->ca_b.der = f->ca;
    f->other_b.der = f->other_ca;
    f->server_b.der = f->server;
    f->alice_b.der = f->alice;
    if (f->ca == NULL || f->other_ca == NULL || f->server == NULL || f->alice == NULL ||
        f->now_txt == NULL)
        return 0;
    /* An hour after the certificates were made: valid, none expired. */
    f->now = strtoll((const char *)f->now_txt, NULL, 10) + 3600;
    size_t l1 = 0, l2 = 0;
    k1 = fixture("server.key", &l1);
    k2 = fixture("alice.key", &l2);
    int ok = k1 != NULL && k2 != NULL &&
             ca_key_load_private(k1, l1, NULL, &f->server_key) == GLASS_OK &&
             ca_key_load_private(k2, l2, NULL, &f->alice_key) == GLASS_OK;
    free(k1);
    free(k2);
    return ok;
}

static void pump_fx_free(pump_fx *f)
{
    free(f->ca);
    free(f->other_ca);
    free(f->server);
    free(f->alice);
    free(f->now_txt);
    rsa_private_clear(&f->server_key);
    rsa_private_clear(&f->alice_key);
}

/* A client trusting anchor, and the server, mutually authenticated. */
static int pump_pair(pump_fx *f, const glass_blob *anchor, glass_engine **c, glass_engine **s)
{
    glass_config cc, sc;
    memset(&cc, 0, sizeof cc);
    memset(&sc, 0, sizeof sc);
    cc.role = GLASS_ROLE_CLIENT;
    cc.now = f->now;
    cc.anchors = anchor;
    cc.n_anchors = 1;
    cc.chain = &f->alice_b;
    cc.n_chain = 1;
    cc.key = &f->alice_key;
    cc.server_name = "localhost";
    sc.role = GLASS_ROLE_SERVER;
    sc.now = f->now;
    sc.anchors = &f->ca_b;
    sc.n_anchors = 1;
    sc.chain = &f->server_b;
    sc.n_chain = 1;
    sc.key = &f->server_key;
    *c = *s = NULL;
    return glass_engine_new(c, &cc) == GLASS_OK && glass_engine_new(s, &sc) == GLASS_OK &&
           glass_engine_start(*s) == GLASS_OK && glass_engine_start(*c) == GLASS_OK;
}

/* The handshake completes with no socket, and a message then crosses
 * with net_pump_move. */
static void test_pump_handshake_and_message(void)
{
    pump_fx f;
    glass_engine *c, *s;
    if (!pump_fx_load(&f)) {
        CU_FAIL("fixtures in tests/data/protocol");
        pump_fx_free(&f);
        return;
    }
    CU_ASSERT_FATAL(pump_pair(&f, &f.ca_b, &c, &s));
    TU_ASSERT_ERR(net_pump_handshake(c, s), GLASS_OK);
    CU_ASSERT_EQUAL(glass_engine_state(c), GLASS_STATE_APPLICATION);
    CU_ASSERT_EQUAL(glass_engine_state(s), GLASS_STATE_APPLICATION);
    static const uint8_t hello[] = "hello through the pump";
    TU_ASSERT_ERR(glass_engine_send_app(c, hello, sizeof hello), GLASS_OK);
    glass_err err = GLASS_ERR_ARG;
    CU_ASSERT(net_pump_move(c, s, &err) > 0);
    TU_ASSERT_ERR(err, GLASS_OK);
    glass_event ev;
    int got = 0;
    while (glass_engine_next_event(s, &ev))
        if (ev.type == GLASS_EV_APP_MESSAGE && ev.len == sizeof hello &&
            memcmp(ev.data, hello, sizeof hello) == 0)
            got = 1;
    CU_ASSERT(got);
    /* Nothing queued: nothing moves, and the feed result says OK. */
    CU_ASSERT_EQUAL(net_pump_move(c, s, &err), 0);
    TU_ASSERT_ERR(err, GLASS_OK);
    glass_engine_free(c);
    glass_engine_free(s);
    pump_fx_free(&f);
}

/* A client that trusts another CA refuses the server's chain: the pump
 * reports the failure instead of looping. */
static void test_pump_handshake_refused(void)
{
    pump_fx f;
    glass_engine *c, *s;
    if (!pump_fx_load(&f)) {
        CU_FAIL("fixtures in tests/data/protocol");
        pump_fx_free(&f);
        return;
    }
    CU_ASSERT_FATAL(pump_pair(&f, &f.other_b, &c, &s));
    CU_ASSERT_NOT_EQUAL(net_pump_handshake(c, s), GLASS_OK);
    CU_ASSERT_NOT_EQUAL(glass_engine_state(c), GLASS_STATE_APPLICATION);
    CU_ASSERT_NOT_EQUAL(glass_engine_state(s), GLASS_STATE_APPLICATION);
    glass_engine_free(c);
    glass_engine_free(s);
    pump_fx_free(&f);
}

/* ---- page fetch's HTTP ---------------------------------------------------------- */

static char www_base[PATH_MAX];     /* a scratch directory: www/ and a secret beside it */
static char www_root[PATH_MAX];     /* www/, resolved */

static int write_text(const char *dir, const char *name, const char *text)
{
    char path[PATH_MAX + 64];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    return glass_write_file_atomic(path, (const uint8_t *)text, strlen(text), 0644) == GLASS_OK;
}

static int www_setup(void)
{
    char www[PATH_MAX + 8], link[PATH_MAX + 32], sub[PATH_MAX + 16];
    const char *tmp = getenv("TMPDIR");
    snprintf(www_base, sizeof www_base, "%s/glass-http.XXXXXX",
             tmp != NULL && tmp[0] != '\0' && strlen(tmp) < 200 ? tmp : "/tmp");
    if (mkdtemp(www_base) == NULL)
        return 0;
    snprintf(www, sizeof www, "%s/www", www_base);
    snprintf(sub, sizeof sub, "%s/www/notes", www_base);
    snprintf(link, sizeof link, "%s/www/escape.txt", www_base);
    if (mkdir(www, 0755) != 0 || mkdir(sub, 0755) != 0 ||
        !write_text(www, "index.html", "<p>hi</p>\n") ||
        !write_text(www, "a.txt", "plain text\n") ||
        !write_text(sub, "index.html", "notes\n") || !write_text(www_base, "secret.txt", "s\n"))
        return 0;
    char target[PATH_MAX + 16];
    snprintf(target, sizeof target, "%s/secret.txt", www_base);
    if (symlink(target, link) != 0)
        return 0;
    return http_publish_root(www, www_root) == 0;
}

static void www_teardown(void)
{
    const char *names[] = {"www/notes/index.html", "www/notes", "www/index.html", "www/a.txt",
                           "www/escape.txt", "www", "secret.txt"};
    char path[PATH_MAX + 32];
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        snprintf(path, sizeof path, "%s/%s", www_base, names[i]);
        if (unlink(path) != 0)
            rmdir(path);
    }
    rmdir(www_base);
}

/* The status http_handle answers req with (max_file bytes at most). */
static int status_of(const char *req, size_t max_file, http_response *r)
{
    char what[256];
    memset(r, 0, sizeof *r);
    if (http_handle(www_root, max_file, (const uint8_t *)req, strlen(req), what, sizeof what,
                    r) != 0)
        return -1;
    return r->status;
}

static int status(const char *req)
{
    http_response r;
    int st = status_of(req, 1u << 20, &r);
    http_response_free(&r);
    return st;
}

/* A GET is answered with the file, a complete response with Content-Length. */
static void test_http_get(void)
{
    http_response r;
    CU_ASSERT_FATAL(www_setup());
    CU_ASSERT_EQUAL(status_of("GET /a.txt HTTP/1.1\r\nHost: x\r\n\r\n", 1u << 20, &r), 200);
    const char *want_head = "HTTP/1.1 200 OK\r\n";
    CU_ASSERT(r.len > strlen(want_head) && memcmp(r.data, want_head, strlen(want_head)) == 0);
    CU_ASSERT(r.len >= 11 && memcmp(r.data + r.len - 11, "plain text\n", 11) == 0);
    char *text = malloc(r.len + 1);
    CU_ASSERT_FATAL(text != NULL);
    memcpy(text, r.data, r.len);
    text[r.len] = '\0';
    CU_ASSERT(strstr(text, "Content-Length: 11\r\n") != NULL);
    CU_ASSERT(strstr(text, "Content-Type: text/plain; charset=utf-8\r\n") != NULL);
    free(text);
    http_response_free(&r);
    CU_ASSERT_PTR_NULL(r.data);
    /* A directory means its index.html; a query is ignored; 1.0 needs no Host. */
    CU_ASSERT_EQUAL(status("GET / HTTP/1.1\r\nHost: x\r\n\r\n"), 200);
    CU_ASSERT_EQUAL(status("GET /notes HTTP/1.1\r\nHost: x\r\n\r\n"), 200);
    CU_ASSERT_EQUAL(status("GET /a.txt?x=1 HTTP/1.0\r\n\r\n"), 200);
    CU_ASSERT_EQUAL(status("GET /a%2etxt HTTP/1.1\r\nHost: x\r\n\r\n"), 200);
    CU_ASSERT_EQUAL(status("GET /nothing HTTP/1.1\r\nHost: x\r\n\r\n"), 404);
    www_teardown();
}

/* Every way out of the published root is refused (RFC 3986 §5.2.4 dot
 * segments, percent-encoded or not, absolute paths, symbolic links). */
static void test_http_stays_under_root(void)
{
    CU_ASSERT_FATAL(www_setup());
    CU_ASSERT_EQUAL(status("GET /../secret.txt HTTP/1.1\r\nHost: x\r\n\r\n"), 403);
    CU_ASSERT_EQUAL(status("GET /%2e%2e/secret.txt HTTP/1.1\r\nHost: x\r\n\r\n"), 403);
    CU_ASSERT_EQUAL(status("GET /notes/../../secret.txt HTTP/1.1\r\nHost: x\r\n\r\n"), 403);
    CU_ASSERT_EQUAL(status("GET //etc/passwd HTTP/1.1\r\nHost: x\r\n\r\n"), 403);
    CU_ASSERT_EQUAL(status("GET /escape.txt HTTP/1.1\r\nHost: x\r\n\r\n"), 403);
    CU_ASSERT_EQUAL(status("GET /a%00.txt HTTP/1.1\r\nHost: x\r\n\r\n"), 400);
    www_teardown();
}

/* RFC 9112's syntax, checked before any file is looked at. */
static void test_http_bad_requests(void)
{
    http_response r;
    CU_ASSERT_FATAL(www_setup());
    CU_ASSERT_EQUAL(status("GET /a.txt HTTP/1.1\r\n\r\n"), 400);                 /* no Host */
    CU_ASSERT_EQUAL(status("GET /a.txt HTTP/1.1\r\nHost: x\r\nHost: y\r\n\r\n"), 400);
    CU_ASSERT_EQUAL(status("GET /a.txt HTTP/1.1\nHost: x\r\n\r\n"), 400);        /* bare LF */
    CU_ASSERT_EQUAL(status("GET /a.txt HTTP/1.1\r\nHost: x\r\n"), 400);          /* no end */
    CU_ASSERT_EQUAL(status("GET  /a.txt HTTP/1.1\r\nHost: x\r\n\r\n"), 400);     /* two spaces */
    CU_ASSERT_EQUAL(status("GET a.txt HTTP/1.1\r\nHost: x\r\n\r\n"), 400);       /* no '/' */
    CU_ASSERT_EQUAL(status("GET /a.txt HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\n"), 400);
    CU_ASSERT_EQUAL(status("GET /a.txt HTTP/2.0\r\nHost: x\r\n\r\n"), 505);
    CU_ASSERT_EQUAL(status("POST /a.txt HTTP/1.1\r\nHost: x\r\n\r\n"), 405);
    CU_ASSERT_EQUAL(status_of("POST / HTTP/1.1\r\nHost: x\r\n\r\n", 1u << 20, &r), 405);
    char *text = malloc(r.len + 1);
    CU_ASSERT_FATAL(text != NULL);
    memcpy(text, r.data, r.len);
    text[r.len] = '\0';
    CU_ASSERT(strstr(text, "Allow: GET\r\n") != NULL);
    free(text);
    http_response_free(&r);
    /* A file larger than the server sends is the server's own failure. */
    CU_ASSERT_EQUAL(status_of("GET /a.txt HTTP/1.1\r\nHost: x\r\n\r\n", 4, &r), 500);
    http_response_free(&r);
    www_teardown();
}

/* Nothing published: every page is 404, nothing is looked up. */
static void test_http_no_root(void)
{
    http_response r;
    char what[64];
    const char *req = "GET /a.txt HTTP/1.1\r\nHost: x\r\n\r\n";
    memset(&r, 0, sizeof r);
    CU_ASSERT_EQUAL(http_handle(NULL, 1u << 20, (const uint8_t *)req, strlen(req), what,
                                sizeof what, &r), 0);
    CU_ASSERT_EQUAL(r.status, 404);
    CU_ASSERT_STRING_EQUAL(what, "GET /a.txt");
    http_response_free(&r);
}

static void test_http_helpers(void)
{
    char out[8];
    CU_ASSERT_EQUAL(http_percent_decode("a%41b", 5, out, sizeof out), 0);
    CU_ASSERT_STRING_EQUAL(out, "aAb");
    CU_ASSERT_EQUAL(http_percent_decode("%4", 2, out, sizeof out), -1);
    CU_ASSERT_EQUAL(http_percent_decode("%zz", 3, out, sizeof out), -1);
    CU_ASSERT_EQUAL(http_percent_decode("abcdefgh", 8, out, sizeof out), -1);   /* no room */
    CU_ASSERT(http_path_within("/srv/www/a", "/srv/www"));
    CU_ASSERT(http_path_within("/srv/www", "/srv/www"));
    CU_ASSERT(!http_path_within("/srv/www2/a", "/srv/www"));
    CU_ASSERT(http_token("GET", 3));
    CU_ASSERT(!http_token("G:T", 3));
    CU_ASSERT(!http_token("", 0));
    CU_ASSERT_STRING_EQUAL(http_content_type("x/index.HTML"), "text/html; charset=utf-8");
    CU_ASSERT_STRING_EQUAL(http_content_type("a.d/noext"), "application/octet-stream");
}

/* io_path_join refuses a path that does not fit rather than cutting it. */
static void test_io_path_join(void)
{
    char out[12];
    CU_ASSERT_EQUAL(io_path_join(out, sizeof out, "dir", "key.pem"), 0);
    CU_ASSERT_STRING_EQUAL(out, "dir/key.pem");
    CU_ASSERT_EQUAL(io_path_join(out, sizeof out, "dir", "key.pem2"), -1);
}

/* ---- option tables -------------------------------------------------------------- */

/* A small command: every kind of option, and operands. */
typedef struct opt_fx {
    int flag;
    const char *in;
    unsigned long n;
    opt_bytes key;
    int calls;
} opt_fx;

static int count_call(const char *cmd, const char *flag, const char *value, void *dest)
{
    (void)cmd;
    (void)flag;
    if (strcmp(value, "bad") == 0)
        return 1;
    ((opt_fx *)dest)->calls++;
    return 0;
}

/* Parses args (a NULL-terminated list after the command name) with anywhere
 * as given; the return of opt_parse, with the operands in *rest. */
static int parse_fx(opt_fx *f, int anywhere, int max_operands, char **args, opt_operands *rest)
{
    static char *argv[16];
    int argc = 1;
    argv[0] = "fx";
    for (; args[argc - 1] != NULL && argc < 15; argc++)
        argv[argc] = args[argc - 1];
    argv[argc] = NULL;
    memset(f, 0, sizeof *f);
    f->n = 7;
    const opt opts[] = {
        OPTION_FLAG("-flag", "--flag", "a switch", &f->flag),
        OPTION_STRING("-in", NULL, "FILE", "a file", &f->in),
        OPTION_UINT("--n", "N", "a number", &f->n, 1, 100),
        OPTION_HEX("-K", "HEX", "a key", &f->key),
        OPTION_CALL("-call", "V", "counted", f, count_call),
        OPTION_END,
    };
    const opt_command spec = {.name = "fx", .synopsis = "[options] FILE...", .about = "About.\n",
                              .opts = opts, .example = "  glass fx -in a\n",
                              .anywhere = anywhere, .max_operands = max_operands};
    int st = opt_parse(&spec, argc, argv, rest);
    return st;
}

static void test_opt_parse_kinds(void)
{
    opt_fx f;
    opt_operands rest;
    char *a1[] = {"-flag", "-in", "x.pem", "--n=42", "-K", "0a0b", "-call", "v", "-call", "w",
                  "op1", NULL};
    CU_ASSERT_EQUAL(parse_fx(&f, 0, -1, a1, &rest), OPT_RUN);
    CU_ASSERT_EQUAL(f.flag, 1);
    CU_ASSERT_STRING_EQUAL(f.in, "x.pem");
    CU_ASSERT_EQUAL(f.n, 42);
    CU_ASSERT(f.key.given && f.key.len == 2 && f.key.data[0] == 0x0a && f.key.data[1] == 0x0b);
    CU_ASSERT_EQUAL(f.calls, 2);
    CU_ASSERT_EQUAL(rest.n, 1);
    CU_ASSERT_STRING_EQUAL(rest.v[0], "op1");
    opt_bytes_free(&f.key);
    CU_ASSERT_PTR_NULL(f.key.data);
    /* The alias, an empty hex value, the default kept when not given. */
    char *a2[] = {"--flag", "-K", "", NULL};
    CU_ASSERT_EQUAL(parse_fx(&f, 0, 0, a2, &rest), OPT_RUN);
    CU_ASSERT_EQUAL(f.flag, 1);
    CU_ASSERT(f.key.given && f.key.len == 0);
    CU_ASSERT_EQUAL(f.n, 7);
    opt_bytes_free(&f.key);
}

/* Sends fd (1 or 2) to /dev/null while a test provokes messages; returns
 * the saved descriptor for quiet_end. */
static int quiet_begin(int fd)
{
    fflush(fd == 1 ? stdout : stderr);
    int saved = dup(fd);
    int null = open("/dev/null", O_WRONLY);
    if (null >= 0) {
        dup2(null, fd);
        close(null);
    }
    return saved;
}

static void quiet_end(int fd, int saved)
{
    fflush(fd == 1 ? stdout : stderr);
    if (saved >= 0) {
        dup2(saved, fd);
        close(saved);
    }
}

/* OpenSSL's order: options first; the first operand (or "-", or "--") ends
 * them, unless the command takes operands anywhere. */
static void test_opt_operands(void)
{
    opt_fx f;
    opt_operands rest;
    char *a1[] = {"a", "-flag", NULL};
    CU_ASSERT_EQUAL(parse_fx(&f, 0, -1, a1, &rest), OPT_RUN);
    CU_ASSERT_EQUAL(f.flag, 0);
    CU_ASSERT_EQUAL(rest.n, 2);
    CU_ASSERT_STRING_EQUAL(rest.v[1], "-flag");
    CU_ASSERT_EQUAL(parse_fx(&f, 1, -1, a1, &rest), OPT_RUN);
    CU_ASSERT_EQUAL(f.flag, 1);
    CU_ASSERT_EQUAL(rest.n, 1);
    CU_ASSERT_STRING_EQUAL(rest.v[0], "a");
    char *a2[] = {"-", "--", "-flag", NULL};
    CU_ASSERT_EQUAL(parse_fx(&f, 1, -1, a2, &rest), OPT_RUN);
    CU_ASSERT_EQUAL(f.flag, 0);
    CU_ASSERT_EQUAL(rest.n, 2);
    CU_ASSERT_STRING_EQUAL(rest.v[0], "-");
    CU_ASSERT_STRING_EQUAL(rest.v[1], "-flag");
    char *a3[] = {"a", "b", NULL};
    int saved = quiet_begin(2);
    int st = parse_fx(&f, 0, 1, a3, &rest);                     /* one operand at most */
    quiet_end(2, saved);
    CU_ASSERT_EQUAL(st, 1);
}

/* Every error is exit status 1 (after one line on stderr, not checked
 * here: tests/sh/opt_table.sh does), and help is 0. */
static void test_opt_errors(void)
{
    opt_fx f;
    opt_operands rest;
    char *unknown[] = {"-nope", NULL}, *missing[] = {"-in", NULL};
    char *range[] = {"--n", "101", NULL}, *notnum[] = {"--n", "4x", NULL};
    char *hex[] = {"-K", "0g", NULL}, *call[] = {"-call", "bad", NULL};
    char *flagval[] = {"--flag=1", NULL}, *help[] = {"-in", "x", "--help", NULL};
    int saved = quiet_begin(2);
    int st[7];
    st[0] = parse_fx(&f, 0, -1, unknown, &rest);
    st[1] = parse_fx(&f, 0, -1, missing, &rest);
    st[2] = parse_fx(&f, 0, -1, range, &rest);
    st[3] = parse_fx(&f, 0, -1, notnum, &rest);
    st[4] = parse_fx(&f, 0, -1, hex, &rest);
    st[5] = parse_fx(&f, 0, -1, call, &rest);
    st[6] = parse_fx(&f, 0, -1, flagval, &rest);
    quiet_end(2, saved);
    for (int i = 0; i < 7; i++)
        CU_ASSERT_EQUAL(st[i], 1);
    saved = quiet_begin(1);
    int help_st = parse_fx(&f, 0, -1, help, &rest);
    quiet_end(1, saved);
    CU_ASSERT_EQUAL(help_st, 0);
}

/* --help from the table: the usage line, every option with its range and
 * default, the example. */
static void test_opt_help(void)
{
    unsigned long n = 7;
    int flag = 0;
    const opt opts[] = {
        OPTION_FLAG("-flag", "--flag", "a switch", &flag),
        OPTION_UINT("--n", "N", "a number\nover two lines", &n, 1, 100),
        OPTION_END,
    };
    const opt_command spec = {.name = "fx", .synopsis = "[-flag] [--n N]", .about = "About.\n",
                              .opts = opts, .example = "  glass fx --n 3\n"};
    char buf[2048];
    FILE *f = tmpfile();
    CU_ASSERT_FATAL(f != NULL);
    opt_help(&spec, f);
    rewind(f);
    size_t got = fread(buf, 1, sizeof buf - 1, f);
    buf[got] = '\0';
    fclose(f);
    CU_ASSERT(strncmp(buf, "usage: glass fx [-flag] [--n N]\n", 32) == 0);
    CU_ASSERT(strstr(buf, "  -flag, --flag ") != NULL);
    CU_ASSERT(strstr(buf, "  --n N ") != NULL);
    CU_ASSERT(strstr(buf, "(1..100; default 7)") != NULL);
    CU_ASSERT(strstr(buf, "\n                         over two lines") != NULL);
    CU_ASSERT(strstr(buf, "example:\n  glass fx --n 3\n") != NULL);
}

void suite_rooms(void)
{
    CU_pSuite s = tu_suite("rooms");
    TU_ADD(s, test_pump_handshake_and_message);
    TU_ADD(s, test_pump_handshake_refused);
    TU_ADD(s, test_http_get);
    TU_ADD(s, test_http_stays_under_root);
    TU_ADD(s, test_http_bad_requests);
    TU_ADD(s, test_http_no_root);
    TU_ADD(s, test_http_helpers);
    TU_ADD(s, test_io_path_join);
    TU_ADD(s, test_opt_parse_kinds);
    TU_ADD(s, test_opt_operands);
    TU_ADD(s, test_opt_errors);
    TU_ADD(s, test_opt_help);
}
