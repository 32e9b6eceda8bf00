/*
 * Lab 7 reference solution in C, against libglass: open a recorded RSA
 * key-transport session with the server's stolen key.
 *
 * Build from the top of the source tree, after `make labs`:
 *     cc -std=c11 -D_POSIX_C_SOURCE=200809L -I. docs/labs/solutions/07-stolen-key.c \
 *         build/labs/libglass.a -lgmp -lsodium -o stolen-key
 *     build/labs/glass lab check 7 ./stolen-key
 *
 * The same steps as 07-stolen-key.py, with the library's own pieces: RSA
 * decryption by hand with GMP (m = c^d mod n, RFC 8017 §5.1.2), then the
 * PKCS#1 v1.5 type 2 padding removed (§7.2.2), hmac_tls12_master_secret (RFC 5246
 * §8.1), hmac_tls12_key_block (§6.3), HMAC-SHA256 over the record (RFC 7366 §3)
 * and AES-256-CBC.
 */
#include "aes/aes.h"
#include "common/common.h"
#include "hmac/hmac.h"

#include <arpa/inet.h>
#include <gmp.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define FIELDS 8
static const char *const names[FIELDS] = {"n", "d", "client_random", "server_random",
                                          "encrypted_premaster", "record", "e", NULL};
static uint8_t *val[FIELDS];
static size_t len[FIELDS];

/* Reads the banner: "name HEX" lines up to "ready". */
static int read_banner(FILE *in)
{
    static char line[1 << 16];
    while (fgets(line, sizeof line, in) != NULL) {
        line[strcspn(line, "\r\n")] = '\0';
        if (strcmp(line, "ready") == 0)
            return 1;
        char *sp = strchr(line, ' ');
        if (line[0] == '#' || sp == NULL)
            continue;
        *sp = '\0';
        for (int i = 0; names[i] != NULL; i++)
            if (strcmp(line, names[i]) == 0 && val[i] == NULL &&
                glass_hex_decode_alloc(&val[i], &len[i], sp + 1) != GLASS_OK)
                val[i] = NULL;
    }
    return 0;
}

static FILE *connect_target(const char *host, const char *port)
{
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons((uint16_t)atoi(port));
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0 || inet_pton(AF_INET, host, &a.sin_addr) != 1 ||
        connect(fd, (struct sockaddr *)&a, sizeof a) != 0)
        return NULL;
    return fdopen(fd, "r");
}

int main(int argc, char **argv)
{
    FILE *in = argc == 3 ? connect_target(argv[1], argv[2]) : NULL;
    if (in == NULL || !read_banner(in) || val[0] == NULL || val[1] == NULL || val[2] == NULL ||
        val[3] == NULL || val[4] == NULL || val[5] == NULL) {
        fprintf(stderr, "usage: stolen-key HOST PORT (a lab 7 target)\n");
        return 1;
    }
    /* 1. premaster = (c^d mod n) without its 00 02 PS 00 padding. */
    size_t k = len[0], at = 2;
    uint8_t em[512] = {0}, ms[48], kb[128];
    mpz_t n, d, c;
    mpz_inits(n, d, c, NULL);
    mpz_import(n, len[0], 1, 1, 1, 0, val[0]);
    mpz_import(d, len[1], 1, 1, 1, 0, val[1]);
    mpz_import(c, len[4], 1, 1, 1, 0, val[4]);
    mpz_powm(c, c, d, n);
    size_t got = 0;
    mpz_export(em + k - (mpz_sizeinbase(c, 256)), &got, 1, 1, 1, 0, c);
    while (at < k && em[at] != 0)
        at++;
    if (k > sizeof em || em[0] != 0 || em[1] != 2 || k - at - 1 != 48) {
        fprintf(stderr, "not a PKCS#1 v1.5 type 2 block with 48 bytes inside\n");
        return 1;
    }
    /* 2. master secret and key block. */
    hmac_tls12_master_secret(em + at + 1, 48, val[2], val[3], ms);
    hmac_tls12_key_block(ms, val[3], val[2], kb, sizeof kb);
    /* 3. the record: header || IV || C || MAC; the MAC first, then decrypt. */
    const uint8_t *rec = val[5], *iv = rec + 5;
    size_t body = len[5] - 5, clen = body - 16 - 32;
    uint8_t pre[13] = {0}, mac[32], pt[1024];
    memcpy(pre + 8, rec, 3);
    pre[11] = (uint8_t)((body - 32) >> 8);
    pre[12] = (uint8_t)(body - 32);
    hmac_sha256_ctx h;
    hmac_sha256_init(&h, kb, 32);
    hmac_sha256_update(&h, pre, sizeof pre);
    hmac_sha256_update(&h, iv, body - 32);
    hmac_sha256_final(&h, mac);
    if (clen > sizeof pt || !glass_ct_equal(mac, iv + body - 32, 32)) {
        fprintf(stderr, "the record's MAC does not check: wrong keys\n");
        return 1;
    }
    aes256_ctx aes;
    aes256_init(&aes, kb + 64, 32);
    aes256_cbc_decrypt(&aes, iv, iv + 16, clen, pt);
    size_t plen = clen - pt[clen - 1] - 1;   /* TLS padding: p bytes of p, then p */
    printf("plaintext %.*s\n", (int)plen, (const char *)pt);
    mpz_clears(n, d, c, NULL);
    return 0;
}
