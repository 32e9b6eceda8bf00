/*
 * cmd_rsa.c — `glass rsa`: inspect, check and convert RSA key files, like
 * `openssl rsa`.  The work is shared with `glass pkey` (app_key_tool in
 * password.c; the options too); -check's report is here (app_key_check).
 *
 * glasstls loads every valid RSA key, as OpenSSL does, whatever the sizes
 * of p, q and d (rsa_check_private); -check says, beside its verdict, what
 * about the key departs from the rules FIPS 186-5 sets for new keys
 * (rsa_key_notes), e.g.
 *
 *     RSA key ok
 *     note: unbalanced primes: p has 512 bits and q 1536, where ...
 */
#include "apps.h"
#include "password.h"

#include <string.h>

static void print_note(void *arg, const char *text)
{
    (void)arg;
    printf("note: %s\n", text);
}

/* See password.h. */
int app_key_check(const char *cmd, const rsa_private_key *key)
{
    glass_err err = rsa_check_primes(key);
    if (err != GLASS_OK) {
        printf("%s: %s\n", strcmp(cmd, "pkey") == 0 ? "Key is invalid" : "RSA key not ok",
               err == GLASS_ERR_RSA_KEY_PRIMES ? "p or q is not prime" : glass_strerror(err));
        return 1;
    }
    printf("%s\n", strcmp(cmd, "pkey") == 0 ? "Key is valid" : "RSA key ok");
    rsa_key_notes(key, print_note, NULL);
    return 0;
}

static int run(int argc, char **argv)
{
    return app_key_tool(
        "rsa",
        "-in FILE [-inform PEM|DER] [-passin SRC] [-check] [-text] [-noout]\n"
        "                 [-pubin] [-pubout | -RSAPublicKey_out] [-traditional]\n"
        "                 [-aes256] [-passout SRC] [-iter N] [-out FILE] [-outform PEM|DER]",
        "Reads PKCS#1, PKCS#8 and encrypted PKCS#8 keys (PEM or DER); writes PKCS#8\n"
        "(or PKCS#1 with -traditional, encrypted with -aes256/-passout).  -check\n"
        "prints \"RSA key ok\" when the key is consistent and p, q are prime, then a\n"
        "note for each thing FIPS 186-5 would not allow in a new key.  Every valid\n"
        "key loads, whatever the sizes of p, q and d, as with OpenSSL.\n",
        "  glass rsa -in alice.key -passin pass:secret -check -noout\n"
        "  glass rsa -in alice.key -passin pass:secret -pubout -out alice.pub\n",
        argc, argv);
}

const struct glass_command cmd_rsa = {"rsa", "check, print and convert RSA keys (PKCS#1/PKCS#8/SPKI)",
                                      run};
