/*
 * cmd_pkey.c — `glass pkey`: key format conversions in the style of
 * `openssl pkey`.  The work and the options are shared with `glass rsa`
 * (app_key_tool in password.c).
 */
#include "apps.h"
#include "password.h"

static int run(int argc, char **argv)
{
    return app_key_tool(
        "pkey",
        "-in FILE [-passin SRC] [-out FILE] [-passout SRC] [-aes256]\n"
        "                  [-traditional] [-pubin] [-pubout] [-check] [-text] [-noout]\n"
        "                  [-inform PEM|DER] [-outform PEM|DER] [-iter N]",
        "Converts private keys between PKCS#8, encrypted PKCS#8 and PKCS#1, or writes\n"
        "their public half; -check prints \"Key is valid\".\n",
        "  glass pkey -in enc.key -passin pass:old -out plain.key         (decrypt)\n"
        "  glass pkey -in plain.key -out enc.key -passout pass:new       (encrypt)\n"
        "  glass pkey -in plain.key -traditional -out rsa.key            (to PKCS#1)\n",
        argc, argv);
}

const struct glass_command cmd_pkey = {
    "pkey", "convert private keys: PKCS#8, encrypted PKCS#8, PKCS#1, public", run};
