/*
 * speed_sha.c — `glass speed sha256 hmac-sha256 pbkdf2`.
 *
 * sha256 and hmac-sha256 print one throughput line in the layout of
 * `openssl speed -evp sha256` / `openssl speed -hmac sha256`.  What one
 * operation is, chosen to match what OpenSSL 3.0's speed measures:
 *   sha256        the digest of one buffer: init, update, final;
 *   hmac-sha256   one MAC under a fixed key whose pads were prepared once
 *                 (OpenSSL 3.0 re-initialises its HMAC with a NULL key,
 *                 which also reuses the prepared pads): copy the prepared
 *                 context, update, final.
 * pbkdf2 prints iterations per second of PBKDF2-HMAC-SHA256 (one 32-byte
 * block, i.e. two compressions per iteration).
 *
 * -impl NAME (ref, fast, hw) measures sha256 and hmac-sha256 with that
 * compression function (sha256.h's table) instead of the default.
 */
#include "apps.h"
#include "speed.h"
#include "hmac/hmac.h"
#include "sha/sha256.h"

#include <string.h>

static void op_sha256(void *arg, uint8_t *buf, size_t len)
{
    const sha256_impl *impl = arg;
    sha256_ctx c;
    sha256_init(&c);
    c.impl = impl;
    sha256_update(&c, buf, len);
    sha256_final(&c, buf);      /* feed the digest back, so nothing is optimised away */
}

static void op_hmac(void *arg, uint8_t *buf, size_t len)
{
    hmac_sha256_ctx c = *(const hmac_sha256_ctx *)arg;
    hmac_sha256_update(&c, buf, len);
    hmac_sha256_final(&c, buf);
}

struct pbkdf2_arg {
    uint8_t dk[HMAC_SHA256_LEN];
};

static void op_pbkdf2(void *arg)
{
    struct pbkdf2_arg *a = arg;
    pbkdf2_hmac_sha256((const uint8_t *)"password", 8, a->dk, 16, 1000, a->dk, sizeof a->dk);
}

static int run(const char *name, double seconds)
{
    const sha256_impl *impl = sha256_impl_default();
    if (speed_impl != NULL && strcmp(name, "pbkdf2") != 0) {
        impl = sha256_impl_by_name(speed_impl);
        if (impl == NULL || !sha256_impl_available(impl))
            return app_error("speed", "-impl: no SHA-256 implementation '%s' here (try ref, "
                             "fast, hw)", speed_impl);
    }
    if (strcmp(name, "pbkdf2") != 0)
        printf("(implementation %s — %s)\n", impl->name, impl->summary);
    if (strcmp(name, "sha256") == 0) {
        speed_throughput("sha256", seconds, op_sha256, (void *)impl);
        return 0;
    }
    if (strcmp(name, "hmac-sha256") == 0) {
        static const uint8_t key[32] = "This is the key for hmac speed.";
        hmac_sha256_ctx prepared;
        hmac_sha256_init(&prepared, key, sizeof key);
        prepared.inner.impl = impl;
        prepared.outer.impl = impl;
        speed_throughput("hmac(sha256)", seconds, op_hmac, &prepared);
        glass_wipe(&prepared, sizeof prepared);
        return 0;
    }
    if (strcmp(name, "pbkdf2") == 0) {
        struct pbkdf2_arg a;
        memset(&a, 0, sizeof a);
        double ops = speed_ops_per_sec(seconds, op_pbkdf2, &a);
        printf("pbkdf2-hmac-sha256  %.0f iterations/s  (100000 iterations: %.3f s)\n",
               ops * 1000.0, 100000.0 / (ops * 1000.0));
        return 0;
    }
    return 1;
}

static const char *const names[] = {"sha256", "hmac-sha256", "pbkdf2", NULL};

const struct speed_family speed_sha = {"sha", names, run};
