/*
 * cmd_lab.c — `glass lab NAME ...`: the attack demonstrations of the labs
 * (docs/labs/).  Lab build only.
 *
 * Each lab command shows an attack against a deliberately weakened variant
 * that glasstls itself never uses: SHA-256(key || message) as a MAC, a
 * verifier that does not check all of a PKCS#1 v1.5 signature, a record layer
 * that MACs then encrypts, RSA key transport.  The code lives in
 * classroom/lab_*.c behind GLASS_LAB_BUILD, so the normal build has none of it: there
 * `glass lab` only says where to find it and exits 1.
 *
 * CT: not relevant — dispatch only.
 */
#include "apps.h"
#include "classroom/lab_common.h"
#include "classroom/lab_exercise.h"
#include "opt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef GLASS_LAB_BUILD

/* The exercise an operand names: "1" to "7", or "6b". */
static const lab_exercise *lab_operand(const char *cmd, const char *s)
{
    const lab_exercise *ex = lab_exercise_find(s);
    if (ex == NULL)
        app_error(cmd, "'%s' is not a lab exercise (" LAB_EXERCISE_IDS ")", s);
    return ex;
}

static int lab_check_cmd(int argc, char **argv)
{
    unsigned long timeout = 120;
    const opt opts[] = {
        OPTION_UINT("--timeout", "SECONDS", "how long your program may run (per mode)", &timeout,
                    1, 3600),
        OPTION_END};
    const opt_command spec = {
        "lab check", "[--timeout S] N FILE",
        "Grades your answer to lab exercise N: starts a freshly keyed target on 127.0.0.1 and\n"
        "runs FILE against it as `python3 FILE 127.0.0.1 PORT` (or FILE itself if executable,\n"
        "e.g. a C program built against libglass).  What FILE prints must be the answer the\n"
        "lab's exercise asks for; a wrong answer gets a hint.  A target with several modes\n"
        "is started in each in turn, and FILE must be right against all.  Exit 0 only when\n"
        "accepted.  The targets: 1 ECB oracle, 2 SHA-256(key||m) tags, 3 e = 3 lax verifier,\n"
        "4 unsigned DH between Alice and Bob, 5 a look-alike CA, 6 padding oracle (modes\n"
        "classic and tls12), 6b a bank's records to replay or reorder (modes no-seq and\n"
        "secure), 7 a recorded RSA key-transport session and its stolen key.\n",
        opts, "  glass lab serve 6          (in one terminal: a target to work against)\n"
        "  glass lab check 6 po.py    (grade po.py against a fresh target)\n", 1, 2, 2, "N FILE", 0};
    opt_operands rest;
    int st = opt_parse(&spec, argc, argv, &rest);
    if (st != OPT_RUN)
        return st;
    const lab_exercise *ex = lab_operand("lab check", rest.v[0]);
    return ex == NULL ? 1 : lab_check_run(ex, rest.v[1], (unsigned)timeout);
}

static int lab_serve_cmd(int argc, char **argv)
{
    unsigned long timeout = 3600, port = 0;
    const char *mode_name = NULL;
    const opt opts[] = {
        OPTION_UINT("--port", "PORT", "where to listen on 127.0.0.1 (0: any free port)", &port,
                    0, 65535),
        OPTION_UINT("--timeout", "SECONDS", "when to stop", &timeout, 1, 86400),
        OPTION_STRING("--mode", NULL, "MODE",
                      "the target's mode, where it has several (6: classic or tls12;\n"
                      "6b: no-seq or secure); default the first", &mode_name),
        OPTION_END};
    const opt_command spec = {
        "lab serve", "[--port P] [--timeout S] [--mode MODE] N",
        "Runs the target of lab exercise N on 127.0.0.1, with fresh keys, so that you can\n"
        "develop your program against it (python3 yours.py 127.0.0.1 PORT).  The same\n"
        "target `glass lab check N` starts; nothing secret is printed.\n",
        opts, "  glass lab serve 1 --port 4001\n  python3 mine.py 127.0.0.1 4001\n"
        "  glass lab serve 6 --mode tls12\n", 1, 1, 1, "N", 0};
    opt_operands rest;
    int st = opt_parse(&spec, argc, argv, &rest);
    if (st != OPT_RUN)
        return st;
    const lab_exercise *ex = lab_operand("lab serve", rest.v[0]);
    if (ex == NULL)
        return 1;
    int mode = lab_exercise_mode(ex, mode_name);
    if (mode < 0)
        return app_error("lab serve", "--mode: lab %s has no mode '%s'%s", ex->id, mode_name,
                         ex->modes == NULL ? " (it has only one)" : "");
    return lab_serve_run(ex, mode, (unsigned)port, (unsigned)timeout);
}

static const struct lab_command lab_commands[] = {
    {"check", "grade your program for lab N: glass lab check N FILE", lab_check_cmd},
    {"serve", "run lab N's target on 127.0.0.1 to work against", lab_serve_cmd},
    {"length-extend", "forge SHA-256(secret || msg || pad || ext) from SHA-256(secret || msg)",
     lab_length_extend},
    {"naive-mac", "the broken MAC SHA-256(key || message), to attack (lab 2)", lab_naive_mac},
    {"rsa-textbook", "textbook RSA with tiny numbers: keys, encrypt, decrypt, malleability",
     lab_rsa_textbook},
    {"rsa-keygen", "an RSA key with a chosen public exponent, as hex fields (lab 3)",
     lab_rsa_keygen},
    {"rsa-sign", "RSASSA-PKCS1-v1_5 signature with a key file from rsa-keygen", lab_rsa_sign},
    {"rsa-forge-e3", "Bleichenbacher's 2006 forgery against e = 3 (no private key)",
     lab_rsa_forge_e3},
    {"rsa-verify", "verify a signature; --insecure-verify = the sloppy parser", lab_rsa_verify},
    {"dh-mitm", "a man in the middle on unsigned Diffie-Hellman; --signed stops it",
     lab_dh_mitm},
    {"dh-invalid", "public values DH must refuse: 0, 1, p-1, p, p+1", lab_dh_invalid},
    {"padding-oracle", "Vaudenay's CBC padding oracle: MAC-then-encrypt vs encrypt-then-MAC",
     lab_padding_oracle},
    {"fs-record", "record a session (RSA key transport or DHE) and the server's key",
     lab_fs_record},
    {"fs-decrypt", "the attacker with the leaked server key against a recording", lab_fs_decrypt},
    {"tamper", "an attacker flips, replays or drops records between two engines", lab_tamper},
};
static const size_t nlabs = sizeof lab_commands / sizeof lab_commands[0];

static void usage(FILE *f)
{
    fprintf(f, "usage: glass lab NAME [ARGS...]   (glass lab NAME --help for details)\n\n"
               "Attack demonstrations for the labs in docs/labs/.  Lab build only.\n\n");
    for (size_t i = 0; i < nlabs; i++)
        fprintf(f, "  %-14s %s\n", lab_commands[i].name, lab_commands[i].summary);
    fprintf(f, "\nexample:\n  glass lab rsa-textbook -p 61 -q 53 -e 17 -m 65\n");
}

static int run(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return 1;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "-help") == 0) {
        usage(stdout);
        return 0;
    }
    for (size_t i = 0; i < nlabs; i++)
        if (strcmp(lab_commands[i].name, argv[1]) == 0)
            return lab_commands[i].run(argc - 1, argv + 1);
    return io_error("lab", "unknown lab command '%s' (glass lab --help lists them)", argv[1]);
}

#else

static int run(int argc, char **argv)
{
    if (io_wants_help(argc, argv) && argc == 2) {
        printf("usage: glass lab NAME [ARGS...]\n\n"
               "The attack demonstrations of docs/labs/ exist only in the lab build:\n"
               "  make labs && build/labs/glass lab --help\n\n"
               "example:\n  build/labs/glass lab rsa-textbook -p 61 -q 53 -e 17 -m 65\n");
        return 0;
    }
    return io_error("lab", "only in the lab build (make labs)");
}

#endif

const struct glass_command cmd_lab = {"lab", "attack demonstrations for the labs (lab build only)",
                                      run};
