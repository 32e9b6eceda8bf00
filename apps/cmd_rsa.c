/*
 * cmd_rsa.c — `glass rsa`: inspect, check and convert RSA key files, like
 * `openssl rsa`.  The work and the options are shared with `glass pkey`
 * (app_key_tool in password.c).
 */
#include "apps.h"
#include "password.h"

static int run(int argc, char **argv)
{
    return app_key_tool(
        "rsa",
        "-in FILE [-inform PEM|DER] [-passin SRC] [-check] [-text] [-noout]\n"
        "                 [-pubin] [-pubout | -RSAPublicKey_out] [-traditional]\n"
        "                 [-aes256] [-passout SRC] [-iter N] [-out FILE] [-outform PEM|DER]",
        "Reads PKCS#1, PKCS#8 and encrypted PKCS#8 keys (PEM or DER); writes PKCS#8\n"
        "(or PKCS#1 with -traditional, encrypted with -aes256/-passout).  -check\n"
        "prints \"RSA key ok\" when the key passes rsa_check_private.\n",
        "  glass rsa -in alice.key -passin pass:secret -check -noout\n"
        "  glass rsa -in alice.key -passin pass:secret -pubout -out alice.pub\n",
        argc, argv);
}

const struct glass_command cmd_rsa = {"rsa", "check, print and convert RSA keys (PKCS#1/PKCS#8/SPKI)",
                                      run};
