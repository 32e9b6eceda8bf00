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

static void list_names(FILE *f)
{
    for (size_t i = 0; families[i] != NULL; i++) {
        fprintf(f, "  %-10s", families[i]->name);
        for (size_t j = 0; families[i]->names[j] != NULL; j++)
            fprintf(f, " %s", families[i]->names[j]);
        fprintf(f, "\n");
    }
}

static int run(int argc, char **argv)
{
    if (app_wants_help(argc, argv)) {
        printf("usage: glass speed [-seconds N] [-impl NAME] ALGORITHM...\n\n"
               "Measures glasstls's own implementations and prints the figures in the\n"
               "layout of `openssl speed` (`make bench` runs both and prints ratios).\n"
               "With no algorithm, measures all of them.  -impl NAME measures one entry\n"
               "of a primitive's table of implementations (AES and GHASH: ref, table,\n"
               "ct, ct-gf, hw; SHA-256: ref, fast, hw) instead of its default.\n"
               "Algorithms:\n");
        list_names(stdout);
        printf("\nexamples:\n  glass speed -seconds 1 sha256 aes-256-cbc\n"
               "  glass speed -seconds 1 -impl ct aes-256-ctr\n");
        return 0;
    }
    double seconds = 1.0;
    int first = 1;
    /* The options, in any order, before the algorithms. */
    while (first < argc && argv[first][0] == '-') {
        const char *opt = argv[first];
        if (strcmp(opt, "-seconds") == 0 || strcmp(opt, "--seconds") == 0) {
            char *end = NULL;
            if (first + 1 >= argc)
                return app_error("speed", "-seconds needs a number from 0 to 60");
            seconds = strtod(argv[first + 1], &end);
            if (end == argv[first + 1] || *end != '\0' || !(seconds > 0) || seconds > 60)
                return app_error("speed", "-seconds: '%s' is not a number from 0 to 60",
                                 argv[first + 1]);
        } else if (strcmp(opt, "-impl") == 0 || strcmp(opt, "--impl") == 0) {
            if (first + 1 >= argc)
                return app_error("speed", "-impl needs a name (glass speed --help lists them)");
            speed_impl = argv[first + 1];
        } else {
            return app_error("speed", "unknown option '%s' (glass speed --help)", opt);
        }
        first += 2;
    }
    int status = 0;
    if (first >= argc) {
        for (size_t i = 0; families[i] != NULL; i++)
            for (size_t j = 0; families[i]->names[j] != NULL; j++)
                status |= families[i]->run(families[i]->names[j], seconds) != 0;
        return status;
    }
    for (int a = first; a < argc; a++) {
        const struct speed_family *fam = NULL;
        for (size_t i = 0; families[i] != NULL && fam == NULL; i++)
            for (size_t j = 0; families[i]->names[j] != NULL; j++)
                if (strcmp(families[i]->names[j], argv[a]) == 0)
                    fam = families[i];
        if (fam == NULL) {
            return app_error("speed", "unknown algorithm '%s' (glass speed --help lists them)",
                             argv[a]);
        }
        status |= fam->run(argv[a], seconds) != 0;
    }
    return status;
}

const struct glass_command cmd_speed = {
    "speed", "measure the speed of algorithms (like openssl speed)", run
};
