/*
 * ca_enroll.c — `glass ca enroll-code --dir D NAME [--expires SECONDS]`.
 *
 * Prints a one-time enrollment code for NAME on standard output (and
 * nothing else there, so a script can write `code=$(glass ca enroll-code
 * ...)`).  The CA operator hands the code to the person called NAME, who
 * runs `glass client enroll --name NAME --code CODE ...` against the server
 * that holds this CA.  The store, its file and its lock are described in
 * ca/enroll.h.
 *
 * The CA's key is not needed (and no password is asked): a code only lets
 * the server sign later, and the server has the key.
 *
 * CT: not applicable (the code is printed; only its hash is stored).
 */
#include "apps.h"
#include "net/net.h"
#include "ca/enroll.h"

#include <string.h>
#include <time.h>

static void usage(FILE *f)
{
    fprintf(f,
            "usage: glass ca enroll-code --dir DIR NAME [--expires SECONDS] [--replace]\n\n"
            "Prints a one-time enrollment code for the client NAME of the CA in DIR.\n"
            "Only its SHA-256 is kept (in DIR/" ENROLL_FILE "); it can be used once, by\n"
            "NAME only, until it expires (default %u seconds, at most %u).\n\n"
            "options:\n"
            "  --dir DIR          the CA directory (made by `glass ca init`)\n"
            "  --expires SECONDS  lifetime of the code (default %u)\n"
            "  --replace          the code may enroll NAME while a valid certificate holds\n"
            "                     it; the old certificate is then revoked\n\n"
            "example:\n"
            "  glass ca enroll-code --dir ./myca alice\n"
            "  glass client enroll --server 127.0.0.1:4433 --name alice \\\n"
            "      --code 7K2M-QX4D-9HJB-TR3W-P6NC --ca myca/ca.pem -pass pass:secret\n",
            ENROLL_CODE_DEFAULT_SECONDS, ENROLL_CODE_MAX_SECONDS, ENROLL_CODE_DEFAULT_SECONDS);
}

/* See net.h. */
int ca_enroll_code_main(int argc, char **argv)
{
    const char *cmd = "ca enroll-code";
    const char *dir = NULL, *name = NULL;
    unsigned long expires = ENROLL_CODE_DEFAULT_SECONDS;
    unsigned flags = 0;
    if (app_wants_help(argc, argv)) {
        usage(stdout);
        return 0;
    }
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--dir") == 0 || strcmp(a, "-dir") == 0) {
            if (++i >= argc)
                return app_error(cmd, "%s needs a directory", a);
            dir = argv[i];
        } else if (strcmp(a, "--expires") == 0 || strcmp(a, "-expires") == 0) {
            if (++i >= argc)
                return app_error(cmd, "%s needs a number of seconds", a);
            if (app_uint_arg(cmd, a, argv[i], 1, ENROLL_CODE_MAX_SECONDS, &expires))
                return 1;
        } else if (strcmp(a, "--replace") == 0 || strcmp(a, "-replace") == 0) {
            flags |= ENROLL_REPLACE;
        } else if (a[0] == '-') {
            return app_error(cmd, "unknown option '%s' (see --help)", a);
        } else if (name == NULL) {
            name = a;
        } else {
            return app_error(cmd, "only one NAME, got '%s' too", a);
        }
    }
    if (dir == NULL)
        return app_error(cmd, "--dir DIR is required (see --help)");
    if (name == NULL)
        return app_error(cmd, "the client NAME is required (see --help)");
    if (!enroll_name_valid(name))
        return app_error(cmd, "bad name '%s': use 1 to %d of A-Z a-z 0-9 . _ -", name,
                         ENROLL_NAME_MAX);
    char code[ENROLL_CODE_STR_MAX];
    glass_err err = enroll_code_create_ex(dir, name, (int64_t)time(NULL), (uint32_t)expires,
                                         flags, code);
    if (err != GLASS_OK)
        return app_error(cmd, "%s: %s", dir, glass_strerror(err));
    printf("%s\n", code);
    glass_wipe(code, sizeof code);
    return 0;
}
