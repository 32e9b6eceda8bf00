/*
 * cmd_walkthrough.c — `glass walkthrough`: a whole glass connection, or one
 * primitive, narrated for a class.
 *
 * A client and a server engine run back to back in this process (no
 * sockets): the classroom PKI is made first (walk_pki.c), then the handshake,
 * a chat message each way and the close are narrated message by message
 * (walk_session.c) in text, JSON or HTML (walk_render.c).  With --seed the
 * run is deterministic — same seed, same bytes, same text — and says so at
 * the top; tests/data/golden/walkthrough-seed1.txt holds seed 1.
 * `--primitive rsa|dh` lays out one RSA signature or one DH agreement
 * instead (walk_prim.c).
 *
 * CT: not relevant — a classroom tool that prints every secret on purpose.
 */
#include "apps.h"
#include "walk_render.h"
#include "walk_session.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static void usage(void)
{
    printf("usage: glass walkthrough [--mutual | --enroll] [--seed N] [--step]\n"
           "                         [--format text|json|html] [--save DIR] [--no-color]\n"
           "       glass walkthrough --primitive rsa|dh [--seed N] [--format text|json|html]\n\n"
           "Runs a glass client and server back to back in this process and narrates the\n"
           "whole connection: every message with every field of its bytes (from the\n"
           "engine's own dissector), every derived value with its inputs, the function\n"
           "applied, an independent recomputation and the glass command to redo it by hand.\n"
           "  --mutual        mutual authentication with certificates (the default)\n"
           "  --enroll        the client has no certificate yet: it enrolls, then connects\n"
           "                  again with the certificate it received\n"
           "  --seed N        deterministic run (INSECURE: predictable keys): the same N\n"
           "                  gives the same bytes and text; the clock is fixed at\n"
           "                  2026-01-01T00:00:00Z.  Without it, real randomness and time\n"
           "  --step          pause after each message until Enter (text format)\n"
           "  --format F      text (default; colour on a terminal), json, or html (one\n"
           "                  self-contained page with a ladder diagram)\n"
           "  --save DIR      also write each handshake message to DIR/NN-Name.bin, the\n"
           "                  files the \"by hand\" commands name\n"
           "  --primitive P   rsa: one RSA signature (EM, blinding, the CRT halves, the\n"
           "                  recombination, the check); dh: one Diffie-Hellman agreement\n\n"
           "examples:\n"
           "  glass walkthrough --seed 1 | less -R\n"
           "  glass walkthrough --seed 1 --format html > walkthrough.html\n"
           "  glass walkthrough --enroll --step\n"
           "  glass walkthrough --primitive rsa --seed 1\n");
}

static int run(int argc, char **argv)
{
    const char *cmd = "walkthrough";
    if (app_wants_help(argc, argv)) {
        usage();
        return 0;
    }
    int enroll = 0, mutual = 0, step = 0, seeded = 0, no_colour = 0;
    unsigned long seed = 0;
    const char *format = "text", *primitive = NULL, *save = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int has_value = i + 1 < argc;
        if (strcmp(a, "--enroll") == 0) {
            enroll = 1;
        } else if (strcmp(a, "--mutual") == 0) {
            mutual = 1;
        } else if (strcmp(a, "--step") == 0) {
            step = 1;
        } else if (strcmp(a, "--no-color") == 0 || strcmp(a, "--no-colour") == 0) {
            no_colour = 1;
        } else if (strcmp(a, "--seed") == 0 || strcmp(a, "--format") == 0 ||
                   strcmp(a, "--primitive") == 0 || strcmp(a, "--save") == 0) {
            if (!has_value)
                return app_error(cmd, "%s needs a value (see glass walkthrough --help)", a);
            const char *v = argv[++i];
            if (strcmp(a, "--seed") == 0) {
                if (app_uint_arg(cmd, "--seed", v, 0, 0xffffffffUL, &seed))
                    return 1;
                seeded = 1;
            } else if (strcmp(a, "--format") == 0) {
                format = v;
            } else if (strcmp(a, "--primitive") == 0) {
                primitive = v;
            } else {
                save = v;
            }
        } else {
            return app_error(cmd, "unknown argument '%s' (see glass walkthrough --help)", a);
        }
    }
    if (enroll && mutual)
        return app_error(cmd, "--enroll and --mutual exclude each other");
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
        return app_error(cmd, "--format: '%s' is not text, json or html", format);
    if (primitive != NULL && strcmp(primitive, "rsa") != 0 && strcmp(primitive, "dh") != 0)
        return app_error(cmd, "--primitive: '%s' is not rsa or dh", primitive);
    if (primitive != NULL && (enroll || save != NULL || step))
        return app_error(cmd, "--primitive takes only --seed and --format");
    if (step && o.fmt != WK_TEXT)
        return app_error(cmd, "--step works with --format text only");
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
            return app_error(cmd, "--save: cannot create directory %s", save);
    }

    if (seeded)
        glass_random_seed((uint64_t)seed);
    char banner[256], params[512];
    if (seeded)
        snprintf(banner, sizeof banner,
                 "SEEDED MODE (--seed %lu): every key and random value below is predictable. "
                 "Deterministic, for teaching and golden tests; never protects anything.",
                 seed);

    int rc;
    if (primitive != NULL) {
        snprintf(params, sizeof params, "one %s, step by step%s",
                 strcmp(primitive, "rsa") == 0 ? "RSA signature (RFC 8017 §8.2.1, CRT form)"
                                               : "Diffie-Hellman agreement (SP 800-56A, RFC 7919 group)",
                 seeded ? "" : " (real randomness: run with --seed N to reproduce it)");
        wk_begin(&o, strcmp(primitive, "rsa") == 0 ? "glass walkthrough: RSA, round by round"
                                                   : "glass walkthrough: Diffie-Hellman, step by step",
                 seeded ? banner : NULL, params, (long)seed, seeded);
        rc = strcmp(primitive, "rsa") == 0 ? walk_primitive_rsa(&o) : walk_primitive_dh(&o);
        wk_end(&o, rc == 0, rc == 0 ? "every step recomputed and checked" : "a step failed");
        return rc;
    }

    int64_t now = seeded ? WALK_FIXED_NOW : (int64_t)time(NULL);
    snprintf(params, sizeof params,
             "%s; client \"alice\", server \"localhost\", one CA trusted by both; %s; "
             "cipher suite DHE-RSA with AES-256-CBC and HMAC-SHA256 (encrypt-then-MAC)",
             enroll ? "enrollment (--enroll), then a mutually authenticated connection"
                    : "mutual authentication (--mutual, the default)",
             seeded ? "clock fixed at 2026-01-01T00:00:00Z" : "real clock and randomness");
    wk_begin(&o, "glass walkthrough: one connection, every byte explained", seeded ? banner : NULL,
             params, (long)seed, seeded);
    wk_section(&o, "Before the connection: the certificates",
               "A certificate authority is made, then a key and a certificate for the server "
               "(for the name localhost)"
               " and for the client alice, unless alice is to enroll. Both engines trust only "
               "this CA.");
    walk_pki pki;
    glass_err err = walk_pki_make(&pki, now, !enroll, &o);
    if (err != GLASS_OK) {
        wk_end(&o, 0, "could not make the certificates");
        walk_pki_free(&pki);
        return app_error(cmd, "making the certificates: %s", glass_strerror(err));
    }
    wk_section(&o, "The handshake",
               "Every message below is shown as the engine sent it, each field annotated by "
               "the engine's own dissector. Every derived value is recomputed here from its "
               "inputs with the primitives, and compared with the engine's.");
    walk_opts wo = {enroll, seeded, (uint64_t)seed, 1, save};
    rc = walk_connection(&o, &pki, &wo);
    if (rc == 0 && enroll) {
        wk_section(&o, "A second connection, with the new certificate",
                   "Alice now holds a certificate signed by the CA: this connection is mutually "
                   "authenticated, with a chat message each way and the close.");
        walk_opts w2 = {0, seeded, (uint64_t)seed, 2, save};
        rc = walk_connection(&o, &pki, &w2);
    }
    wk_end(&o, rc == 0,
           rc == 0 ? "done: handshake, messages and close as planned; every recomputed value "
                     "matched the engine's"
                   : "the connection did not go as planned (see the errors above)");
    walk_pki_free(&pki);
    if (rc != 0)
        return app_error(cmd, "the connection did not go as planned");
    return 0;
}

const struct glass_command cmd_walkthrough = {
    "walkthrough", "narrate a whole connection (or one primitive) byte by byte", run};
