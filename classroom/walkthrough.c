/*
 * walkthrough.c — `glass walkthrough` behind its options (see
 * classroom/classroom.h): a whole glass connection, or one primitive,
 * narrated for a class.
 *
 * A client and a server engine run back to back in this process (no
 * sockets): the classroom PKI is made first (walk_pki.c), then the handshake,
 * a chat message each way and the close are narrated message by message
 * (walk_session.c) in text, JSON or HTML (walk_render.c).  With a seed the
 * run is deterministic — same seed, same bytes, same text — and says so at
 * the top; tests/data/golden/walkthrough-seed1.txt holds seed 1.  A
 * primitive (rsa or dh) lays out one RSA signature or one DH agreement
 * instead (walk_prim.c).
 *
 * CT: not relevant — a classroom tool that prints every secret on purpose.
 */
#include "classroom/classroom.h"
#include "classroom/walk_render.h"
#include "classroom/walk_session.h"
#include "io/io.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* The renderer the request asks for: format, colour, --step, and the
 * --save directory made.  0, or 1 after saying what was wrong. */
static int walk_out_setup(const walk_request *r, wk_out *out)
{
    const char *cmd = "walkthrough";
    const char *format = r->format != NULL ? r->format : "text";
    const char *primitive = r->primitive, *save = r->save;
    int enroll = r->enroll, step = r->step, no_colour = r->no_colour;
    wk_out o;
    memset(&o, 0, sizeof o);
    o.f = stdout;
    if (strcmp(format, "text") == 0)
        o.fmt = WK_TEXT;
    else if (strcmp(format, "json") == 0)
        o.fmt = WK_JSON;
    else if (strcmp(format, "html") == 0)
        o.fmt = WK_HTML;
    else
        return io_error(cmd, "--format: '%s' is not text, json or html", format);
    if (primitive != NULL && strcmp(primitive, "rsa") != 0 && strcmp(primitive, "dh") != 0)
        return io_error(cmd, "--primitive: '%s' is not rsa or dh", primitive);
    if (primitive != NULL && (enroll || step))
        return io_error(cmd, "--primitive takes only --seed, --format and --save");
    if (step && o.fmt != WK_TEXT)
        return io_error(cmd, "--step works with --format text only");
    const char *term = getenv("TERM");
    o.colour = o.fmt == WK_TEXT && !no_colour && isatty(STDOUT_FILENO) &&
               getenv("NO_COLOR") == NULL && (term == NULL || strcmp(term, "dumb") != 0);
    if (step) {
        /* Enter is read from standard input (a pipe works too: one line per
         * message; at end of input the walkthrough stops pausing). */
        o.step = 1;
        o.step_in = stdin;
    }
    if (save != NULL && mkdir(save, 0755) != 0) {
        struct stat st;
        if (errno != EEXIST || stat(save, &st) != 0 || !S_ISDIR(st.st_mode))
            return io_error(cmd, "--save: cannot create directory %s", save);
    }
    if (save != NULL && access(save, W_OK | X_OK) != 0)
        return io_error(cmd, "--save: cannot write into directory %s", save);
    *out = o;
    return 0;
}

/* --primitive rsa|dh: one RSA signature or one DH agreement. */
static int walk_run_primitive(const walk_request *r, wk_out *o, const char *banner)
{
    const char *primitive = r->primitive;
    int seeded = r->seeded;
    unsigned long seed = (unsigned long)r->seed;
    char params[512];
    int rsa = strcmp(primitive, "rsa") == 0;
    snprintf(params, sizeof params, "one %s, step by step%s",
             rsa ? "RSA signature (RFC 8017 §8.2.1, CRT form)"
                 : "Diffie-Hellman agreement (SP 800-56A, RFC 7919 group)",
             seeded ? "" : " (real randomness: run with --seed N to reproduce it)");
    wk_begin(o, rsa ? "glass walkthrough: RSA, round by round"
                    : "glass walkthrough: Diffie-Hellman, step by step",
             banner, params, (long)seed, seeded);
    int rc = rsa ? walk_primitive_rsa(o, r->save) : walk_primitive_dh(o, r->save);
    wk_end(o, rc == 0, rc == 0 ? "every step recomputed and checked" : "a step failed");
    return rc;
}

/* The connection (or an enrollment, then the connection). */
static int walk_run_connection(const walk_request *r, wk_out *o, const char *banner)
{
    const char *cmd = "walkthrough";
    int enroll = r->enroll, seeded = r->seeded;
    unsigned long seed = (unsigned long)r->seed;
    const char *save = r->save;
    char params[512];
    int rc;
    int64_t now = seeded ? WALK_FIXED_NOW : (int64_t)time(NULL);
    snprintf(params, sizeof params,
             "%s; client \"alice\", server \"localhost\", one CA trusted by both; %s; "
             "cipher suite DHE-RSA with AES-256-CBC and HMAC-SHA256 (encrypt-then-MAC)",
             enroll ? "enrollment (--enroll), then a mutually authenticated connection"
                    : "mutual authentication (--mutual, the default)",
             seeded ? "clock fixed at 2026-01-01T00:00:00Z" : "real clock and randomness");
    wk_begin(o, "glass walkthrough: one connection, every byte explained", banner, params,
             (long)seed, seeded);
    wk_section(o, "Before the connection: the certificates",
               "A certificate authority is made, then a key and a certificate for the server "
               "(for the name localhost)"
               " and for the client alice, unless alice is to enroll. Both engines trust only "
               "this CA.");
    walk_pki pki;
    glass_err err = walk_pki_make(&pki, now, !enroll, o);
    if (err != GLASS_OK) {
        wk_end(o, 0, "could not make the certificates");
        walk_pki_free(&pki);
        return io_error(cmd, "making the certificates: %s", glass_strerror(err));
    }
    wk_section(o, "The handshake",
               "Every message below is shown as the engine sent it, each field annotated by "
               "the engine's own dissector. Every derived value is recomputed here from its "
               "inputs with the primitives, and compared with the engine's.\n"
               "Do not take our word for it: the lines that start with \"$ \" are commands that "
               "recompute each value with other tools (glass, openssl, python3, xxd). Run this "
               "walkthrough again with --save DIR (and the same --seed), cd DIR, and paste them "
               "into bash: each prints the value shown above it, or what its \"prints:\" line "
               "says.");
    walk_opts wo = {enroll, seeded, (uint64_t)seed, 1, save};
    rc = walk_connection(o, &pki, &wo);
    if (rc == 0 && enroll) {
        wk_section(o, "A second connection, with the new certificate",
                   "Alice now holds a certificate signed by the CA: this connection is mutually "
                   "authenticated, with a chat message each way and the close.");
        walk_opts w2 = {0, seeded, (uint64_t)seed, 2, save};
        rc = walk_connection(o, &pki, &w2);
    }
    wk_end(o, rc == 0,
           rc == 0 ? "done: handshake, messages and close as planned; every recomputed value "
                     "matched the engine's"
                   : "the connection did not go as planned (see the errors above)");
    walk_pki_free(&pki);
    if (rc != 0)
        return io_error(cmd, "the connection did not go as planned");
    return 0;
}

/* See classroom/classroom.h. */
int walk_run(const walk_request *r)
{
    wk_out o;
    if (r->enroll && r->mutual)
        return io_error("walkthrough", "--enroll and --mutual exclude each other");
    if (walk_out_setup(r, &o) != 0)
        return 1;
    if (r->seeded)
        glass_random_seed(r->seed);
    char banner[256];
    if (r->seeded)
        snprintf(banner, sizeof banner,
                 "SEEDED MODE (--seed %lu): every key and random value below is predictable. "
                 "Deterministic, for teaching and golden tests; never protects anything.",
                 (unsigned long)r->seed);
    if (r->primitive != NULL)
        return walk_run_primitive(r, &o, r->seeded ? banner : NULL);
    return walk_run_connection(r, &o, r->seeded ? banner : NULL);
}
