/*
 * cmd_compare.c — `glass compare`: a glass handshake and a TLS 1.2
 * handshake side by side.  Options only; the work is tlstool/compare.c.
 *
 * CT: not applicable.
 */
#include "apps.h"
#include "opt.h"
#include "tlstool/tlstool.h"

#include <string.h>

#define CMD "compare"

static int take_format(const char *cmd, const char *flag, const char *v, void *dest)
{
    int *html = dest;
    if (strcmp(v, "text") != 0 && strcmp(v, "html") != 0)
        return app_error(cmd, "%s: '%s' is neither text nor html", flag, v);
    *html = strcmp(v, "html") == 0;
    return 0;
}

static const char about[] =
    "Runs one glass handshake and one real TLS 1.2 handshake in this process,\n"
    "with the same keys, certificates and seed, and lays them side by side\n"
    "message by message: the fields only one of them has, and the RFC 5246\n"
    "clause glass departs from.  The same seed gives the same bytes every time\n"
    "(seeded randomness: INSECURE, for teaching).\n";

static int run(int argc, char **argv)
{
    unsigned long seed = 1;
    int html = 0;
    const opt opts[] = {
        OPTION_UINT("--seed", "N", "the seed", &seed, 0, 4294967295UL),
        OPTION_CALL("--format", "text|html", "plain text (default) or an HTML table", &html,
                    take_format),
        OPTION_END,
    };
    const opt_command spec = {
        .name = CMD,
        .synopsis = "[--seed N] [--format text|html]",
        .about = about,
        .opts = opts,
        .example = "  glass compare --seed 7\n"
                   "  glass compare --format html > compare.html\n",
    };
    opt_operands rest;
    int st = opt_parse(&spec, argc, argv, &rest);
    if (st != OPT_RUN)
        return st;
    return tlstool_compare_run(seed, html, stdout);
}

const struct glass_command cmd_compare = {"compare", "a glass and a TLS 1.2 handshake side by side", run};
