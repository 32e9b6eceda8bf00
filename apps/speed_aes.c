/*
 * speed_aes.c — `glass speed aes-256-ecb aes-256-cbc aes-256-ctr aes-256-gcm`,
 * and the constant-time variants `aes-256-ctr-ct aes-256-gcm-ct`.
 *
 * Encryption throughput over the six buffer sizes of `openssl speed -evp`,
 * printed in its layout (thousands of bytes per second).  Each call
 * encrypts the buffer in place, as OpenSSL's loop does: ECB and CBC (no
 * padding) and CTR continue from where the previous call stopped; GCM does
 * a whole GCM-AE (§7.1) per buffer, tag included, so it pays the per-message
 * set-up (H, the GHASH table, J0) that a real record layer pays.
 *
 * The -ct names measure the same work over aes_ct.c (the S-box computed,
 * no tables) and, for GCM, gcm_mult_ct: the price of constant time, to be
 * read beside aes-256-ctr and aes-256-gcm.  The library's CTR mode runs
 * over the table-driven cipher only, so aes-256-ctr-ct runs the CTR steps
 * of SP 800-38A §6.5 here, over aes256_ct_encrypt_block.
 */
#include "apps.h"
#include "speed.h"
#include "aes/aes.h"
#include "aes/aes_internal.h"

#include <string.h>

struct aes_bench {
    aes256_ctx ctx;
    uint8_t iv[AES_BLOCK_LEN];
    uint8_t tag[AES_GCM_TAG_LEN];
};

static void bench_ecb(void *arg, uint8_t *buf, size_t len)
{
    struct aes_bench *b = arg;
    aes256_ecb_encrypt(&b->ctx, buf, len, buf);
}

static void bench_cbc(void *arg, uint8_t *buf, size_t len)
{
    struct aes_bench *b = arg;
    aes256_cbc_encrypt(&b->ctx, b->iv, buf, len, buf);
    memcpy(b->iv, buf + len - AES_BLOCK_LEN, AES_BLOCK_LEN);   /* chain on */
}

static void bench_ctr(void *arg, uint8_t *buf, size_t len)
{
    struct aes_bench *b = arg;
    aes256_ctr_xor(&b->ctx, b->iv, buf, len, buf);
}

/* CTR (SP 800-38A §6.5) over the constant-time cipher: O_j = CIPH_K(T_j),
 * C_j = P_j XOR O_j, T_{j+1} = T_j + 1 (the whole block, big-endian). */
static void bench_ctr_ct(void *arg, uint8_t *buf, size_t len)
{
    struct aes_bench *b = arg;
    uint8_t O[AES_BLOCK_LEN];
    for (size_t j = 0; j < len; j += AES_BLOCK_LEN) {
        size_t n = len - j < AES_BLOCK_LEN ? len - j : AES_BLOCK_LEN;
        aes256_ct_encrypt_block(&b->ctx, b->iv, O);
        for (int i = AES_BLOCK_LEN - 1; i >= 0; i--)
            if (++b->iv[i] != 0)
                break;
        for (size_t i = 0; i < n; i++)
            buf[j + i] ^= O[i];
    }
}

static void bench_gcm_ct(void *arg, uint8_t *buf, size_t len)
{
    struct aes_bench *b = arg;
    aes256_gcm_encrypt_ct(&b->ctx, b->iv, AES_GCM_IV_LEN, NULL, 0, buf, len, buf, b->tag,
                          AES_GCM_TAG_LEN);
}

static void bench_gcm(void *arg, uint8_t *buf, size_t len)
{
    struct aes_bench *b = arg;
    aes256_gcm_encrypt(&b->ctx, b->iv, AES_GCM_IV_LEN, NULL, 0, buf, len, buf, b->tag,
                       AES_GCM_TAG_LEN);
}

static int run(const char *name, double seconds)
{
    struct aes_bench b;
    uint8_t key[AES256_KEY_LEN];
    memset(&b, 0, sizeof b);
    for (size_t i = 0; i < sizeof key; i++)
        key[i] = (uint8_t)(i * 7 + 1);
    if (aes256_ct_init(&b.ctx, key, sizeof key) != GLASS_OK)   /* same schedule as aes256_init */
        return 1;
    if (strcmp(name, "aes-256-ecb") == 0)
        speed_throughput("AES-256-ECB", seconds, bench_ecb, &b);
    else if (strcmp(name, "aes-256-cbc") == 0)
        speed_throughput("AES-256-CBC", seconds, bench_cbc, &b);
    else if (strcmp(name, "aes-256-ctr") == 0)
        speed_throughput("AES-256-CTR", seconds, bench_ctr, &b);
    else if (strcmp(name, "aes-256-gcm") == 0)
        speed_throughput("AES-256-GCM", seconds, bench_gcm, &b);
    else if (strcmp(name, "aes-256-ctr-ct") == 0)
        speed_throughput("AES-256-CTR-CT", seconds, bench_ctr_ct, &b);
    else if (strcmp(name, "aes-256-gcm-ct") == 0)
        speed_throughput("AES-256-GCM-CT", seconds, bench_gcm_ct, &b);
    else
        return 1;
    aes256_clear(&b.ctx);
    return 0;
}

static const char *const names[] = {"aes-256-ecb",    "aes-256-cbc",    "aes-256-ctr",
                                    "aes-256-gcm",    "aes-256-ctr-ct", "aes-256-gcm-ct",
                                    NULL};

const struct speed_family speed_aes = {"aes", names, run};
