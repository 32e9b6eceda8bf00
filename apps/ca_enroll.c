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
 * With --profile server the code is for a server instead (the network CA
 * of a course exercise): --subj gives the whole subject the certificate
 * will carry (C, ST, L, O, OU, CN, emailAddress; the code is bound to its
 * CN) and --san its subjectAltName; a second server enrolls with it
 * (`glass server enroll`) and gets a serverAuth certificate, and the CA
 * refuses a server code to a client and a client code to a server.
 *
 * The CA's key is not needed (and no password is asked): a code only lets
 * the server sign later, and the server has the key.
 *
 * CT: not applicable (the code is printed; only its hash is stored).
 */
#include "apps.h"
#include "opt.h"
#include "ca/enroll.h"

#include <string.h>
#include <time.h>

/* --profile server: the subject and SAN checked and kept with the code. */
static int server_code(const char *cmd, const char *dir, const char *name, const char *subj,
                       const char *san, uint32_t expires, int replace)
{
    char code[ENROLL_CODE_STR_MAX], cn[ENROLL_NAME_MAX + 1];
    const char *why = "";
    if (subj == NULL)
        return app_error(cmd, "--profile server needs --subj /C=../CN=HOST (the server's "
                         "whole subject)");
    char canon[ENROLL_SUBJECT_MAX + 1];
    if (ca_enroll_subject_canonical(subj, canon, cn) == GLASS_OK && name != NULL &&
        strcmp(name, cn) != 0)
        return app_error(cmd, "NAME '%s' differs from the CN of --subj, '%s'", name, cn);
    enroll_server_spec spec = {subj, san};
    glass_err err = ca_enroll_code_create_server(dir, &spec, (int64_t)time(NULL), expires,
                                              replace ? ENROLL_REPLACE : 0u, code, cn, &why);
    if (err == GLASS_ERR_SUBJECT_SYNTAX)
        return app_error(cmd, "--subj '%s': %s", subj, glass_strerror(err));
    if (err == GLASS_ERR_ARG)
        return app_error(cmd, "%s: %s", strstr(why, "subjectAltName") ? "--san" : "--subj", why);
    if (err != GLASS_OK)
        return app_error(cmd, "%s: %s", dir, glass_strerror(err));
    printf("%s\n", code);
    glass_wipe(code, sizeof code);
    return 0;
}

/* See apps.h. */
int ca_enroll_code_main(int argc, char **argv)
{
    const char *cmd = "ca enroll-code";
    const char *dir = NULL, *name = NULL, *profile = "client", *subj = NULL, *san = NULL;
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
        OPTION_STRING("--profile", "-profile", "client|server",
                      "what the code enrolls (default client)", &profile),
        OPTION_STRING("--subj", "-subj", "SUBJECT",
                      "server: the whole subject, /C=../ST=../L=../O=../OU=..\n"
                      "/CN=../emailAddress=.. (the code is bound to the CN)", &subj),
        OPTION_STRING("--san", "-san", "SAN",
                      "server: the subjectAltName, e.g. DNS:www.example.test,\n"
                      "IP:127.0.0.1", &san),
        OPTION_END,
    };
    const opt_command spec = {
        .name = cmd,
        .synopsis = "--dir DIR NAME [--expires SECONDS] [--replace]\n"
                    "       glass ca enroll-code --dir DIR --profile server --subj SUBJECT\n"
                    "                            [--san SAN] [--expires SECONDS] [--replace]",
        .about = "Prints a one-time enrollment code for the client NAME of the CA in DIR.\n"
                 "Only its SHA-256 is kept (in DIR/" ENROLL_FILE "); it can be used once, by\n"
                 "NAME only, until it expires.\n"
                 "With --profile server the code enrolls a server (`glass server enroll`):\n"
                 "the certificate is a server certificate (serverAuth) with the subject of\n"
                 "--subj and the names of --san, and the server's request must ask for\n"
                 "that very subject.  A client code cannot get a server certificate, nor\n"
                 "a server code a client one.\n",
        .opts = opts,
        .example = "  glass ca enroll-code --dir ./myca alice\n"
                   "  glass client enroll --server 127.0.0.1:4433 --name alice \\\n"
                   "      --code 7K2M-QX4D-9HJB-TR3W-P6NC --ca myca/ca.pem -pass pass:secret\n"
                   "  glass ca enroll-code --dir ./myca --profile server \\\n"
                   "      --subj '/C=BR/ST=SP/L=Sao Paulo/O=Class/OU=Lab/CN=www.example.test"
                   "/emailAddress=web@example.test' \\\n"
                   "      --san DNS:www.example.test,IP:127.0.0.1\n",
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
    if (strcmp(profile, "server") == 0)
        return server_code(cmd, dir, name, subj, san, (uint32_t)expires, replace);
    if (strcmp(profile, "client") != 0)
        return app_error(cmd, "--profile: '%s' is neither client nor server", profile);
    if (subj != NULL || san != NULL)
        return app_error(cmd, "%s is for --profile server only: a client's certificate is "
                         "for /CN=NAME", subj != NULL ? "--subj" : "--san");
    if (name == NULL)
        return app_error(cmd, "the client NAME is required (see --help)");
    if (!ca_enroll_name_valid(name))
        return app_error(cmd, "bad name '%s': use 1 to %d of A-Z a-z 0-9 . _ -", name,
                         ENROLL_NAME_MAX);
    char code[ENROLL_CODE_STR_MAX];
    glass_err err = ca_enroll_code_create_ex(dir, name, (int64_t)time(NULL), (uint32_t)expires,
                                         replace ? ENROLL_REPLACE : 0u, code);
    if (err != GLASS_OK)
        return app_error(cmd, "%s: %s", dir, glass_strerror(err));
    printf("%s\n", code);
    glass_wipe(code, sizeof code);
    return 0;
}
