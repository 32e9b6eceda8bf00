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
#include "opt.h"
#include "ca/enroll.h"

#include <time.h>

/* See apps.h. */
int ca_enroll_code_main(int argc, char **argv)
{
    const char *cmd = "ca enroll-code";
    const char *dir = NULL, *name = NULL;
    unsigned long expires = ENROLL_CODE_DEFAULT_SECONDS;
    int replace = 0;
    const opt opts[] = {
        OPTION_STRING("--dir", "-dir", "DIR", "the CA directory (made by `glass ca init`)", &dir),
        OPTION_UINT("--expires", "SECONDS", "lifetime of the code", &expires, 1,
                    ENROLL_CODE_MAX_SECONDS),
        OPTION_UINT("-expires", "SECONDS", "the same as --expires", &expires, 1,
                    ENROLL_CODE_MAX_SECONDS),
        OPTION_FLAG("--replace", "-replace",
                    "the code may enroll NAME while a valid certificate\n"
                    "holds it; the old certificate is then revoked", &replace),
        OPTION_END,
    };
    const opt_command spec = {
        .name = cmd,
        .synopsis = "--dir DIR NAME [--expires SECONDS] [--replace]",
        .about = "Prints a one-time enrollment code for the client NAME of the CA in DIR.\n"
                 "Only its SHA-256 is kept (in DIR/" ENROLL_FILE "); it can be used once, by\n"
                 "NAME only, until it expires.\n",
        .opts = opts,
        .example = "  glass ca enroll-code --dir ./myca alice\n"
                   "  glass client enroll --server 127.0.0.1:4433 --name alice \\\n"
                   "      --code 7K2M-QX4D-9HJB-TR3W-P6NC --ca myca/ca.pem -pass pass:secret\n",
        .anywhere = 1,
        .max_operands = 1,
        .operands = "NAME",
    };
    opt_operands rest;
    int st = opt_parse(&spec, argc, argv, &rest);
    if (st != OPT_RUN)
        return st;
    if (rest.n == 1)
        name = rest.v[0];
    if (dir == NULL)
        return app_error(cmd, "--dir DIR is required (see --help)");
    if (name == NULL)
        return app_error(cmd, "the client NAME is required (see --help)");
    if (!enroll_name_valid(name))
        return app_error(cmd, "bad name '%s': use 1 to %d of A-Z a-z 0-9 . _ -", name,
                         ENROLL_NAME_MAX);
    char code[ENROLL_CODE_STR_MAX];
    glass_err err = enroll_code_create_ex(dir, name, (int64_t)time(NULL), (uint32_t)expires,
                                         replace ? ENROLL_REPLACE : 0u, code);
    if (err != GLASS_OK)
        return app_error(cmd, "%s: %s", dir, glass_strerror(err));
    printf("%s\n", code);
    glass_wipe(code, sizeof code);
    return 0;
}
