/*
 * cmd_compare.c — `glass compare`: a glass handshake and a TLS 1.2
 * handshake side by side.  Options only; the work is tlstool/compare.c.
 *
 * CT: not applicable.
 */
#include "apps.h"
#include "tlstool/tlstool.h"

#include <string.h>

#define CMD "compare"

static void usage(FILE *f)
{
    fprintf(f, "usage: glass compare [--seed N] [--format text|html]\n\n"
               "Runs one glass handshake and one real TLS 1.2 handshake in this process,\n"
               "with the same keys, certificates and seed, and lays them side by side\n"
               "message by message: the fields only one of them has, and the RFC 5246\n"
               "clause glass departs from.  The same seed gives the same bytes every time\n"
               "(seeded randomness: INSECURE, for teaching).\n\n"
               "options:\n"
               "  --seed N            the seed (default 1)\n"
               "  --format text|html  plain text (default) or an HTML table\n\n"
               "example:\n"
               "  glass compare --seed 7\n"
               "  glass compare --format html > compare.html\n");
}

static int run(int argc, char **argv)
{
    if (app_wants_help(argc, argv)) {
        usage(stdout);
        return 0;
    }
    unsigned long seed = 1;
    int html = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--seed") != 0 && strcmp(a, "--format") != 0)
            return app_error(CMD, "unknown option '%s' (see --help)", a);
        if (v == NULL)
            return app_error(CMD, "%s needs a value (see --help)", a);
        i++;
        if (strcmp(a, "--seed") == 0) {
            if (app_uint_arg(CMD, a, v, 0, 4294967295UL, &seed))
                return 1;
        } else if (strcmp(v, "text") == 0 || strcmp(v, "html") == 0) {
            html = strcmp(v, "html") == 0;
        } else {
            return app_error(CMD, "--format: '%s' is neither text nor html", v);
        }
    }
    return tlstool_compare_run(seed, html, stdout);
}

const struct glass_command cmd_compare = {"compare", "a glass and a TLS 1.2 handshake side by side", run};
