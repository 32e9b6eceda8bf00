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
#include "opt.h"
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

/* -macopt hexkey:HEX or key:STRING (OpenSSL's spelling) into the key. */
static int take_macopt(const char *cmd, const char *flag, const char *value, void *dest)
{
    opt_bytes *key = dest;
    if (strncmp(value, "hexkey:", 7) == 0) {
        uint8_t *data = NULL;
        size_t len = 0;
        if (app_hex_arg(cmd, "-k (the key in hex)", value + 7, &data, &len) != 0)
            return 1;
        opt_bytes_free(key);
        key->data = data;
        key->len = len;
    } else if (strncmp(value, "key:", 4) == 0) {
        size_t len = strlen(value + 4);
        uint8_t *data = malloc(len + 1);
        if (data == NULL)
            return app_error(cmd, "out of memory");
        memcpy(data, value + 4, len + 1);
        opt_bytes_free(key);
        key->data = data;
        key->len = len;
    } else {
        return app_error(cmd, "%s: '%s' is not hexkey:HEX or key:STRING", flag, value);
    }
    key->given = 1;
    return 0;
}

static int run(int argc, char **argv)
{
    opt_bytes key = {0};
    int coreutils = 0, status = 0;
    const opt opts[] = {
        OPTION_HEX("-k", "HEX", "the key, in hex (any length, may be empty: -k '')", &key),
        OPTION_CALL("-macopt", "hexkey:HEX",
                    "the same, in OpenSSL's spelling; -macopt key:STRING\n"
                    "gives the key as text", &key, take_macopt),
        OPTION_FLAG("-r", NULL, "print '<hex> *FILE' instead (as openssl dgst -r)",
                    &coreutils),
        OPTION_END,
    };
    const opt_command spec = {
        .name = "hmac",
        .synopsis = "-k HEXKEY [-r] [FILE...]",
        .about = "Prints HMAC-SHA256 (FIPS 198-1) of each FILE (standard input if none, or\n"
                 "for -) in the format of `openssl dgst -sha256 -mac HMAC`:\n"
                 "  HMAC-SHA2-256(FILE)= <hex>\n",
        .opts = opts,
        .example = "  glass hmac -k 0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b msg.txt\n"
                   "  openssl dgst -sha256 -mac HMAC -macopt "
                   "hexkey:0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b msg.txt\n",
        .max_operands = -1,
    };
    opt_operands files;
    int st = opt_parse(&spec, argc, argv, &files);
    if (st != OPT_RUN) {
        opt_bytes_free(&key);
        return st;
    }
    if (!key.given)
        return app_error("hmac", "no key: give one with -k HEX");

    hmac_sha256_ctx keyed;
    uint8_t *buf = malloc(CHUNK);
    if (buf == NULL) {
        opt_bytes_free(&key);
        return app_error("hmac", "out of memory");
    }
    hmac_sha256_init(&keyed, key.data, key.len);
    opt_bytes_free(&key);
    if (files.n == 0)
        status = mac_file(&keyed, "-", coreutils, buf);
    for (int i = 0; i < files.n; i++)
        status |= mac_file(&keyed, files.v[i], coreutils, buf);
    glass_wipe(&keyed, sizeof keyed);
    free(buf);
    if (fflush(stdout) != 0)
        return app_error("hmac", "cannot write the output");
    return status ? 1 : 0;
}

const struct glass_command cmd_hmac = {"hmac", "HMAC-SHA256 of files, like openssl dgst -mac HMAC",
                                       run};
