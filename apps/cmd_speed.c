/*
 * cmd_speed.c — `glass speed [-seconds N] ALGORITHM...`: benchmarks.
 *
 * Each family of algorithms is measured by its own apps/speed_*.c (see
 * speed.h); this file only finds the one that knows a name.  Figures are
 * printed in the layout of `openssl speed` so the two can be laid side by
 * side; `make bench` does exactly that, in one run, and prints ratios.
 */
#include "apps.h"
#include "speed.h"
#include "opt.h"

#include <stdlib.h>
#include <string.h>

#define SPEED_FAMILY(name) extern const struct speed_family speed_##name;
#include "speed.inc"
#undef SPEED_FAMILY

static const struct speed_family *const families[] = {
#define SPEED_FAMILY(name) &speed_##name,
#include "speed.inc"
#undef SPEED_FAMILY
    NULL
};

/* The help's text: what the command does, then every algorithm by family. */
static void describe(char *buf, size_t cap)
{
    size_t n = (size_t)snprintf(buf, cap, "%s",
        "Measures glasstls's own implementations and prints the figures in the\n"
        "layout of `openssl speed` (`make bench` runs both and prints ratios).\n"
        "With no algorithm, measures all of them.  Algorithms:\n");
    for (size_t i = 0; families[i] != NULL && n < cap; i++) {
        n += (size_t)snprintf(buf + n, cap - n, "  %-10s", families[i]->name);
        for (size_t j = 0; families[i]->names[j] != NULL && n < cap; j++)
            n += (size_t)snprintf(buf + n, cap - n, " %s", families[i]->names[j]);
        if (n < cap)
            n += (size_t)snprintf(buf + n, cap - n, "\n");
    }
}

/* -seconds N: a number of seconds in (0, 60], fractions allowed. */
static int take_seconds(const char *cmd, const char *flag, const char *value, void *dest)
{
    char *end = NULL;
    double v = strtod(value, &end);
    if (end == value || *end != '\0' || !(v > 0) || v > 60)
        return app_error(cmd, "%s: '%s' is not a number from 0 to 60", flag, value);
    *(double *)dest = v;
    return 0;
}

/* The family that measures `name`, or NULL. */
static const struct speed_family *family_of(const char *name)
{
    for (size_t i = 0; families[i] != NULL; i++)
        for (size_t j = 0; families[i]->names[j] != NULL; j++)
            if (strcmp(families[i]->names[j], name) == 0)
                return families[i];
    return NULL;
}

static int run(int argc, char **argv)
{
    double seconds = 1.0;
    char about[2048];
    const opt opts[] = {
        {"-seconds", "--seconds", OPT_CALL, "N", "how long to measure each algorithm\n"
         "(a number from 0 to 60; default 1)", &seconds, 0, 0, take_seconds},
        OPTION_STRING("-impl", "--impl", "NAME",
                      "measure one entry of a primitive's table of\n"
                      "implementations instead of its default (AES and GHASH:\n"
                      "ref, table, ct, ct-gf, hw; SHA-256: ref, fast, hw)", &speed_impl),
        OPTION_END,
    };
    const opt_command spec = {
        .name = "speed",
        .synopsis = "[-seconds N] [-impl NAME] [ALGORITHM...]",
        .about = about,
        .opts = opts,
        .example = "  glass speed -seconds 1 sha256 aes-256-cbc\n"
                   "  glass speed -seconds 1 -impl ct aes-256-ctr\n",
        .max_operands = -1,
    };
    opt_operands algs;
    describe(about, sizeof about);
    int st = opt_parse(&spec, argc, argv, &algs);
    if (st != OPT_RUN)
        return st;
    for (int a = 0; a < algs.n; a++)
        if (family_of(algs.v[a]) == NULL)
            return app_error("speed", "unknown algorithm '%s' (glass speed --help lists them)",
                             algs.v[a]);
    int status = 0;
    if (algs.n == 0) {
        for (size_t i = 0; families[i] != NULL; i++)
            for (size_t j = 0; families[i]->names[j] != NULL; j++)
                status |= families[i]->run(families[i]->names[j], seconds) != 0;
        return status;
    }
    for (int a = 0; a < algs.n; a++)
        status |= family_of(algs.v[a])->run(algs.v[a], seconds) != 0;
    return status;
}

const struct glass_command cmd_speed = {
    "speed", "measure the speed of algorithms (like openssl speed)", run
};
