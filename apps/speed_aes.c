/*
 * speed_aes.c — `glass speed [-impl NAME] aes-256-ecb aes-256-cbc
 * aes-256-ctr aes-256-gcm ghash`.
 *
 * Encryption throughput over the six buffer sizes of `openssl speed -evp`,
 * printed in its layout (thousands of bytes per second) under OpenSSL's
 * lower-case names.  Each call encrypts the buffer in place, as OpenSSL's
 * loop does: ECB and CBC (no padding) and CTR continue from where the
 * previous call stopped; GCM does a whole GCM-AE (§7.1) per buffer, tag
 * included, so it pays the per-message set-up (H, the hash key, J0) that a
 * record layer pays.  ghash is the multiplication alone over the buffer.
 *
 * -impl NAME picks the entry of aes.h's table the context is bound to (and
 * so GCM's GHASH partner; for ghash, the GHASH entry of that name); without
 * it, the default aes256_init chooses.  The line before the figures names
 * the implementation measured.
 */
#include "apps.h"
#include "speed.h"
#include "aes/aes.h"
#include "aes/aes_internal.h"

#include <stdio.h>
#include <string.h>

struct aes_bench {
    aes256_ctx ctx;
    uint8_t iv[AES_BLOCK_LEN];
    uint8_t tag[AES_GCM_TAG_LEN];
    ghash_key gk;
    const ghash_impl *gh;
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

static void bench_gcm(void *arg, uint8_t *buf, size_t len)
{
    struct aes_bench *b = arg;
    aes256_gcm_encrypt(&b->ctx, b->iv, AES_GCM_IV_LEN, NULL, 0, buf, len, buf, b->tag,
                       AES_GCM_TAG_LEN);
}

static void bench_ghash(void *arg, uint8_t *buf, size_t len)
{
    struct aes_bench *b = arg;
    b->gh->blocks(&b->gk, b->tag, buf, len / AES_BLOCK_LEN);
}

static int run(const char *name, double seconds)
{
    struct aes_bench b;
    uint8_t key[AES256_KEY_LEN];
    const aes_impl *impl = NULL;
    memset(&b, 0, sizeof b);
    for (size_t i = 0; i < sizeof key; i++)
        key[i] = (uint8_t)(i * 7 + 1);
    if (speed_impl != NULL && strcmp(name, "ghash") != 0) {
        impl = aes_impl_by_name(speed_impl);
        if (impl == NULL)
            return app_error("speed", "-impl: no AES implementation '%s' (try ref, table, "
                             "ct, ct-gf, hw)", speed_impl);
    }
    glass_err err = aes256_init_impl(&b.ctx, key, sizeof key, impl);
    if (err != GLASS_OK)
        return app_error("speed", "-impl %s: %s", speed_impl, glass_strerror(err));
    if (strcmp(name, "ghash") == 0) {
        b.gh = speed_impl != NULL ? ghash_impl_by_name(speed_impl) : b.ctx.ghash;
        if (b.gh == NULL || !ghash_impl_available(b.gh))
            return app_error("speed", "-impl: no GHASH implementation '%s' here (try ref, "
                             "table, ct, hw)", speed_impl);
        b.gh->init(&b.gk, key);
        printf("(implementation %s — %s)\n", b.gh->name, b.gh->summary);
        speed_throughput("ghash", seconds, bench_ghash, &b);
    } else {
        printf("(implementation %s — %s)\n", b.ctx.impl->name, b.ctx.impl->summary);
        if (strcmp(name, "aes-256-ecb") == 0)
            speed_throughput("aes-256-ecb", seconds, bench_ecb, &b);
        else if (strcmp(name, "aes-256-cbc") == 0)
            speed_throughput("aes-256-cbc", seconds, bench_cbc, &b);
        else if (strcmp(name, "aes-256-ctr") == 0)
            speed_throughput("aes-256-ctr", seconds, bench_ctr, &b);
        else if (strcmp(name, "aes-256-gcm") == 0)
            speed_throughput("aes-256-gcm", seconds, bench_gcm, &b);
        else
            return 1;
    }
    aes256_clear(&b.ctx);
    glass_wipe(&b.gk, sizeof b.gk);
    return 0;
}

static const char *const names[] = {"aes-256-ecb", "aes-256-cbc", "aes-256-ctr",
                                    "aes-256-gcm", "ghash",       NULL};

const struct speed_family speed_aes = {"aes", names, run};
