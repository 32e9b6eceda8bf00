/*
 * bearssl_anchor.c — BearSSL's portable constant-time code at 16 KiB, the
 * anchor that `make bench` lays glasstls's constant-time AES and GHASH
 * beside (test-only: BearSSL is never linked into glasstls).
 *
 *   bearssl_anchor SECONDS
 *
 * prints, in MB/s (10^6 bytes per second) over 16384-byte buffers:
 *   ct64-ctr      br_aes_ct64_ctr_run, AES-256-CTR (bitsliced, 64-bit words)
 *   ct64-cbcenc   br_aes_ct64_cbcenc_run, AES-256-CBC encryption
 *   ct64-cbcdec   br_aes_ct64_cbcdec_run, AES-256-CBC decryption
 *   ctmul64       br_ghash_ctmul64, GHASH (integer multiplication with holes)
 */
#include <bearssl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static unsigned char buf[16384];

static void report(const char *name, long n, double secs)
{
    printf("%-12s %.1f\n", name, (double)n * sizeof buf / secs / 1e6);
}

int main(int argc, char **argv)
{
    double secs = argc > 1 ? atof(argv[1]) : 1.0;
    unsigned char key[32], iv[16], h[16], y[16];
    double t0, t;
    long n;
    memset(key, 1, sizeof key);
    memset(iv, 2, sizeof iv);
    memset(h, 3, sizeof h);
    memset(y, 0, sizeof y);

    br_aes_ct64_ctr_keys ck;
    br_aes_ct64_ctr_init(&ck, key, 32);
    uint32_t cc = 0;
    for (n = 0, t0 = now(); (t = now()) - t0 < secs; n++)
        cc = br_aes_ct64_ctr_run(&ck, iv, cc, buf, sizeof buf);
    report("ct64-ctr", n, t - t0);

    br_aes_ct64_cbcenc_keys ek;
    br_aes_ct64_cbcenc_init(&ek, key, 32);
    for (n = 0, t0 = now(); (t = now()) - t0 < secs; n++)
        br_aes_ct64_cbcenc_run(&ek, iv, buf, sizeof buf);
    report("ct64-cbcenc", n, t - t0);

    br_aes_ct64_cbcdec_keys dk;
    br_aes_ct64_cbcdec_init(&dk, key, 32);
    for (n = 0, t0 = now(); (t = now()) - t0 < secs; n++)
        br_aes_ct64_cbcdec_run(&dk, iv, buf, sizeof buf);
    report("ct64-cbcdec", n, t - t0);

    for (n = 0, t0 = now(); (t = now()) - t0 < secs; n++)
        br_ghash_ctmul64(y, h, buf, sizeof buf);
    report("ctmul64", n, t - t0);
    return buf[0] == 7 && y[0] == 7 && cc == 0;
}
