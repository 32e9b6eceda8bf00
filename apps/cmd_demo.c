/*
 * cmd_demo.c — `glass demo`: the options of the demo; the menu itself is
 * the room classroom/ (start at classroom/classroom.h, then
 * classroom/demo_menu.c).  Without --interactive it only says what the
 * demo does and points to `make demo`, the same story run with no input.
 */
#include "apps.h"
#include "opt.h"
#include "classroom/classroom.h"

#include <stdio.h>
#include <string.h>

static const char story[] =
    "glass demo shows the whole story on 127.0.0.1, each step as the glass\n"
    "command a student would type:\n"
    "  1. a certificate authority              glass ca init\n"
    "  2. the server that hosts it             glass server\n"
    "  3. a client enrolling with a one-time   glass ca enroll-code,\n"
    "     code                                 glass client enroll\n"
    "  4. a chat message through the relay     glass client chat\n"
    "  5. a page fetched over the channel      glass client get\n"
    "  6. the server stopped\n"
    "Run `glass demo --interactive` to step through it from a menu, or\n"
    "`make demo` (in the source tree) to watch it all run with no input.\n";

static int run(int argc, char **argv)
{
    demo_opts o;
    int interactive = 0;
    memset(&o, 0, sizeof o);
    const opt opts[] = {
        OPTION_FLAG("--interactive", "-i", "a menu: choose each step, see its command run",
                    &interactive),
        OPTION_STRING("--dir", NULL, "DIR", "work in DIR (made if missing, kept on quit);\n"
                      "default: a new temporary directory, removed on quit", &o.dir),
        OPTION_END,
    };
    const opt_command spec = {
        .name = "demo",
        .synopsis = "[--interactive [--dir DIR]]",
        .about = "Without --interactive, says what the demo does and points to `make demo`.\n"
                 "With it, a menu on the terminal: 1 makes a CA, 2 starts the server, 3\n"
                 "enrolls alice, 4 sends a chat message and shows it received, 5 fetches\n"
                 "a page, 6 stops the server, q quits.  Each item prints the exact glass\n"
                 "command it runs (this same binary) before running it.  Quitting, the\n"
                 "end of standard input, SIGINT and SIGTERM stop every process started.\n"
                 "The choices may also come from a pipe, one a line.\n",
        .opts = opts,
        .example = "  glass demo\n"
                   "  glass demo --interactive\n"
                   "  printf '1\\n2\\n3\\n4\\n5\\n6\\nq\\n' | glass demo --interactive --dir /tmp/d\n",
        .max_operands = 0,
    };
    opt_operands rest;
    int st = opt_parse(&spec, argc, argv, &rest);
    if (st != OPT_RUN)
        return st;
    if (!interactive) {
        if (o.dir != NULL)
            return app_error("demo", "--dir is for --interactive (see --help)");
        fputs(story, stdout);
        return 0;
    }
    o.argv0 = argv[0];
    return demo_menu_run(&o);
}

const struct glass_command cmd_demo = {
    "demo", "the whole story step by step: a menu (--interactive), or what make demo shows", run};
