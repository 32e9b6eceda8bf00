/*
 * cmd_hmac.c — `glass hmac -k HEXKEY [FILE...]`: HMAC-SHA256 of files.
 *
 * Output is the line `openssl dgst -sha256 -mac HMAC -macopt hexkey:HEX FILE`
 * prints, so the two can be compared directly:
 *
 *     HMAC-SHA2-256(FILE)= <64 hex digits>          ("stdin" for standard input)
 *
 * With -r, the coreutils layout instead: "<hex> *FILE" (as `openssl dgst -r`).
 * The key is given in hex (-k HEX, or OpenSSL's -macopt hexkey:HEX), or as
 * text with -macopt key:STRING.  Files are read in 64 KiB chunks.
 */
#include "apps.h"
#include "hmac/hmac.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define CHUNK (64 * 1024)

static int mac_file(const hmac_sha256_ctx *keyed, const char *path, int coreutils, uint8_t *buf)
{
    FILE *f = stdin;
    hmac_sha256_ctx c = *keyed;
    uint8_t mac[HMAC_SHA256_LEN];
    char hex[2 * HMAC_SHA256_LEN + 1];
    int is_stdin = strcmp(path, "-") == 0;

    if (!is_stdin) {
        f = fopen(path, "rb");
        if (f == NULL) {
            glass_wipe(&c, sizeof c);
            return app_error("hmac", "%s: %s", path, strerror(errno));
        }
    }
    for (;;) {
        size_t n = fread(buf, 1, CHUNK, f);
        if (n > 0)
            hmac_sha256_update(&c, buf, n);
        if (n < CHUNK)
            break;
    }
    int bad = ferror(f);
    int e = errno;
    if (!is_stdin)
        fclose(f);
    if (bad) {
        glass_wipe(&c, sizeof c);
        return app_error("hmac", "%s: read error: %s", path, strerror(e));
    }
    hmac_sha256_final(&c, mac);
    glass_hex_encode(hex, sizeof hex, mac, sizeof mac);
    if (coreutils)
        printf("%s *%s\n", hex, is_stdin ? "stdin" : path);
    else
        printf("HMAC-SHA2-256(%s)= %s\n", is_stdin ? "stdin" : path, hex);
    return 0;
}

static int run(int argc, char **argv)
{
    if (app_wants_help(argc, argv)) {
        printf("usage: glass hmac -k HEXKEY [-r] [FILE...]\n\n"
               "Prints HMAC-SHA256 (FIPS 198-1) of each FILE (standard input if none, or\n"
               "for -) in the format of `openssl dgst -sha256 -mac HMAC`:\n"
               "  HMAC-SHA2-256(FILE)= <hex>\n\n"
               "  -k HEX                 the key, in hex (any length, may be empty: -k '')\n"
               "  -macopt hexkey:HEX     the same, in OpenSSL's spelling\n"
               "  -macopt key:STRING     the key as text\n"
               "  -r                     print '<hex> *FILE' instead (as openssl dgst -r)\n\n"
               "example:\n"
               "  glass hmac -k 0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b msg.txt\n"
               "  openssl dgst -sha256 -mac HMAC -macopt hexkey:0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b msg.txt\n");
        return 0;
    }
    uint8_t *key = NULL;
    size_t key_len = 0;
    int have_key = 0, coreutils = 0, status = 0, i;

    for (i = 1; i < argc; i++) {
        const char *a = argv[i];
        if ((strcmp(a, "-k") == 0 || strcmp(a, "-macopt") == 0) && i + 1 >= argc) {
            free(key);
            return app_error("hmac", "%s needs a value", a);
        }
        if (strcmp(a, "-k") == 0 || (strcmp(a, "-macopt") == 0 &&
                                     strncmp(argv[i + 1], "hexkey:", 7) == 0)) {
            const char *hex = strcmp(a, "-k") == 0 ? argv[i + 1] : argv[i + 1] + 7;
            free(key);
            key = NULL;
            if (app_hex_arg("hmac", "-k (the key in hex)", hex, &key, &key_len) != 0)
                return 1;
            have_key = 1;
            i++;
        } else if (strcmp(a, "-macopt") == 0 && strncmp(argv[i + 1], "key:", 4) == 0) {
            const char *text = argv[i + 1] + 4;
            free(key);
            key_len = strlen(text);
            key = malloc(key_len + 1);
            if (key == NULL)
                return app_error("hmac", "out of memory");
            memcpy(key, text, key_len + 1);
            have_key = 1;
            i++;
        } else if (strcmp(a, "-macopt") == 0) {
            free(key);
            return app_error("hmac", "-macopt: '%s' is not hexkey:HEX or key:STRING", argv[i + 1]);
        } else if (strcmp(a, "-r") == 0) {
            coreutils = 1;
        } else if (strcmp(a, "--") == 0) {
            i++;
            break;
        } else if (a[0] == '-' && a[1] != '\0') {
            free(key);
            return app_error("hmac", "unknown option '%s' (try --help)", a);
        } else {
            break;
        }
    }
    if (!have_key)
        return app_error("hmac", "no key: give one with -k HEX");

    hmac_sha256_ctx keyed;
    uint8_t *buf = malloc(CHUNK);
    if (buf == NULL) {
        glass_wipe(key, key_len);
        free(key);
        return app_error("hmac", "out of memory");
    }
    hmac_sha256_init(&keyed, key, key_len);
    glass_wipe(key, key_len);
    free(key);
    if (i >= argc)
        status = mac_file(&keyed, "-", coreutils, buf);
    for (; i < argc; i++)
        status |= mac_file(&keyed, argv[i], coreutils, buf);
    glass_wipe(&keyed, sizeof keyed);
    free(buf);
    if (fflush(stdout) != 0)
        return app_error("hmac", "cannot write the output");
    return status ? 1 : 0;
}

const struct glass_command cmd_hmac = {"hmac", "HMAC-SHA256 of files, like openssl dgst -mac HMAC",
                                       run};
