/*
 * cmd_pkey.c — `glass pkey`: key format conversions in the style of
 * `openssl pkey` (the work is shared with `glass rsa`: app_key_tool in
 * password.c).
 */
#include "apps.h"
#include "password.h"

static int run(int argc, char **argv)
{
    if (app_wants_help(argc, argv)) {
        printf("usage: glass pkey -in FILE [-passin SRC] [-out FILE] [-passout SRC] [-aes256]\n"
               "                  [-traditional] [-pubin] [-pubout] [-check] [-text] [-noout]\n"
               "                  [-inform PEM|DER] [-outform PEM|DER] [-iter N]\n"
               "  -traditional  write PKCS#1 \"RSA PRIVATE KEY\" instead of PKCS#8\n"
               "  -passout SRC  encrypt the output (PBES2: PBKDF2-HMAC-SHA256, AES-256-CBC)\n"
               "  -pubout       write the SubjectPublicKeyInfo (\"PUBLIC KEY\")\n"
               "example:\n"
               "  glass pkey -in enc.key -passin pass:old -out plain.key         (decrypt)\n"
               "  glass pkey -in plain.key -out enc.key -passout pass:new       (encrypt)\n"
               "  glass pkey -in plain.key -traditional -out rsa.key            (to PKCS#1)\n");
        return 0;
    }
    return app_key_tool("pkey", argc, argv);
}

const struct glass_command cmd_pkey = {"pkey", "convert private keys: PKCS#8, encrypted PKCS#8, PKCS#1, public", run};
