/*
 * cmd_lab.c — `glass lab NAME ...`: the attack demonstrations of the labs
 * (docs/labs/).  Lab build only.
 *
 * Each lab command shows an attack against a deliberately weakened variant
 * that glasstls itself never uses: SHA-256(key || message) as a MAC, a
 * verifier that does not check all of a PKCS#1 v1.5 signature, a record layer
 * that MACs then encrypts, RSA key transport.  The code lives in apps/lab_*.c
 * behind GLASS_LAB_BUILD, so the normal build has none of it: there
 * `glass lab` only says where to find it and exits 1.
 *
 * CT: not relevant — dispatch only.
 */
#include "apps.h"
#include "classroom/lab_common.h"

#include <stdio.h>
#include <string.h>

#ifdef GLASS_LAB_BUILD

static const struct lab_command labs[] = {
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
static const size_t nlabs = sizeof labs / sizeof labs[0];

static void usage(FILE *f)
{
    fprintf(f, "usage: glass lab NAME [ARGS...]   (glass lab NAME --help for details)\n\n"
               "Attack demonstrations for the labs in docs/labs/.  Lab build only.\n\n");
    for (size_t i = 0; i < nlabs; i++)
        fprintf(f, "  %-14s %s\n", labs[i].name, labs[i].summary);
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
        if (strcmp(labs[i].name, argv[1]) == 0)
            return labs[i].run(argc - 1, argv + 1);
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
