/*
 * cmd_walkthrough.c — `glass walkthrough`: the options of the narrated
 * connection; the narration itself is the room classroom/ (start at
 * classroom/classroom.h, then classroom/walkthrough.c).
 */
#include "apps.h"
#include "opt.h"
#include "classroom/classroom.h"
#include "tlstool/tlstool.h"

#include <string.h>

static int run(int argc, char **argv)
{
    walk_request r;
    unsigned long seed = 0;
    const char *seed_text = NULL, *protocol = "glass";
    memset(&r, 0, sizeof r);
    const opt opts[] = {
        OPTION_FLAG("--mutual", NULL, "mutual authentication with certificates (the default)",
                    &r.mutual),
        OPTION_FLAG("--enroll", NULL, "the client has no certificate yet: it enrolls, then\n"
                    "connects again with the certificate it received", &r.enroll),
        OPTION_STRING("--seed", NULL, "N", "deterministic run (INSECURE: predictable keys): the\n"
                      "same N gives the same bytes and text; the clock is fixed at\n"
                      "2026-01-01T00:00:00Z.  Without it, real randomness and time", &seed_text),
        OPTION_FLAG("--step", NULL, "pause after each message until Enter (text format)",
                    &r.step),
        OPTION_STRING("--format", NULL, "F", "text (default; colour on a terminal), json, or html\n"
                      "(one self-contained page with a ladder diagram)", &r.format),
        OPTION_STRING("--save", NULL, "DIR", "also write to DIR every file the shown commands\n"
                      "read (messages NN-Name.bin, derived values, PRF steps, records,\n"
                      "certificates, keys, signatures): cd DIR, then paste them", &r.save),
        OPTION_FLAG("--no-color", "--no-colour", "no ANSI colours", &r.no_colour),
        OPTION_STRING("--primitive", NULL, "P", "rsa: one RSA signature (EM, blinding, the CRT\n"
                      "halves, the recombination, the check); dh: one Diffie-Hellman agreement",
                      &r.primitive),
        OPTION_STRING("--protocol", NULL, "P", "glass (default) or tls12: one real TLS 1.2\n"
                      "connection, every message and every derived value", &protocol),
        OPTION_END,
    };
    const opt_command spec = {
        .name = "walkthrough",
        .synopsis = "[--mutual | --enroll] [--seed N] [--step]\n"
                    "                         [--format text|json|html] [--save DIR] [--no-color]\n"
                    "       glass walkthrough --primitive rsa|dh [--seed N]\n"
                    "                         [--format text|json|html] [--save DIR]",
        .about = "Runs a glass client and server back to back in this process and narrates\n"
                 "the whole connection: every message with every field of its bytes (from\n"
                 "the engine's own dissector), every derived value with its inputs, the\n"
                 "function applied, an independent recomputation, and commands (lines\n"
                 "that start with \"$ \") that redo it with glass, openssl and python3\n"
                 "from the files of --save DIR.  Text fits 100 columns.\n",
        .opts = opts,
        .example = "  glass walkthrough --seed 1 | less -R\n"
                   "  glass walkthrough --seed 1 --format html > walkthrough.html\n"
                   "  glass walkthrough --seed 1 --save w && cd w   # then paste the $ lines\n"
                   "  glass walkthrough --enroll --step\n"
                   "  glass walkthrough --primitive rsa --seed 1\n"
                   "  glass walkthrough --protocol tls12 --seed 1\n"
                   "  glass walkthrough --protocol tls12 --seed 1 --format html > tls12.html\n",
        .max_operands = 0,
    };
    opt_operands rest;
    int st = opt_parse(&spec, argc, argv, &rest);
    if (st != OPT_RUN)
        return st;
    if (seed_text != NULL) {
        if (app_uint_arg("walkthrough", "--seed", seed_text, 0, 0xffffffffUL, &seed))
            return 1;
        r.seeded = 1;
        r.seed = seed;
    }
    if (strcmp(protocol, "tls12") == 0) {
        if (r.enroll || r.primitive != NULL || r.save != NULL || r.step)
            return app_error("walkthrough", "--protocol tls12 takes only --seed, --format and "
                             "--no-color");
        return tlstool_walkthrough_run(r.seeded, r.seed, r.format, stdout);
    }
    if (strcmp(protocol, "glass") != 0)
        return app_error("walkthrough", "--protocol: '%s' is neither glass nor tls12", protocol);
    return walk_run(&r);
}

const struct glass_command cmd_walkthrough = {
    "walkthrough", "narrate a whole connection (or one primitive) byte by byte", run};
