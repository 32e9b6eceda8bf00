/*
 * random.c — the one source of randomness in glasstls (see common.h).
 *
 * Every random byte in the program — RSA primes, DH private keys, IVs,
 * handshake randoms, serial numbers, salts — comes through glass_random().
 * Normally it is libsodium's randombytes_buf(), which reads the kernel's
 * CSPRNG.  In seeded mode (`--seed N`) each call instead returns
 * randombytes_buf_deterministic(seed || counter): the ChaCha20 keystream under
 * a key made from N and the number of the call.  The same seed then replays
 * the same run byte for byte — what walkthroughs, gdb labs and golden tests
 * need — and the program says so loudly, because such keys are worthless.
 */
#include "common.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

static int sodium_ready = 0;
static int seeded = 0;
static glass_drbg global_drbg;

static int ensure_sodium(void)
{
    if (!sodium_ready) {
        if (sodium_init() < 0)
            return 0;
        sodium_ready = 1;
    }
    return 1;
}

/* See common.h. */
void glass_drbg_init(glass_drbg *d, uint64_t seed, uint32_t stream)
{
    memset(d, 0, sizeof *d);
    /* The 32-byte ChaCha20 key: "glassdrbg" tag, the seed, the stream number. */
    memcpy(d->seed, "glassdrbg", 9);
    for (int i = 0; i < 8; i++)
        d->seed[16 + i] = (uint8_t)(seed >> (8 * i));
    for (int i = 0; i < 4; i++)
        d->seed[24 + i] = (uint8_t)(stream >> (8 * i));
    d->counter = 0;
}

/* See common.h. */
void glass_drbg_fill(glass_drbg *d, uint8_t *buf, size_t len)
{
    uint8_t key[32];
    memcpy(key, d->seed, sizeof key);
    /* Each call gets its own key: bytes 9..15 carry the call counter. */
    for (int i = 0; i < 7; i++)
        key[9 + i] = (uint8_t)(d->counter >> (8 * i));
    d->counter++;
    (void)ensure_sodium();
    randombytes_buf_deterministic(buf, len, key);
    glass_wipe(key, sizeof key);
}

/* See common.h. */
void glass_random_seed(uint64_t seed)
{
    if (!seeded)
        fprintf(stderr,
                "*** glasstls: DETERMINISTIC RANDOMNESS (seed %llu) — every key and "
                "nonce is predictable; for teaching and tests only ***\n",
                (unsigned long long)seed);
    seeded = 1;
    glass_drbg_init(&global_drbg, seed, 0);
}

/* See common.h. */
int glass_random_is_seeded(void)
{
    return seeded;
}

/* See common.h. */
glass_err glass_random(uint8_t *buf, size_t len)
{
    if (buf == NULL && len > 0)
        return GLASS_ERR_ARG;
    if (len == 0)
        return GLASS_OK;
    if (seeded) {
        glass_drbg_fill(&global_drbg, buf, len);
        return GLASS_OK;
    }
    if (!ensure_sodium())
        return GLASS_ERR_RANDOM;
    randombytes_buf(buf, len);
    return GLASS_OK;
}

/* See common.h. */
glass_err glass_random_with(glass_random_fn cb, void *arg, uint8_t *buf, size_t len)
{
    if (cb == NULL)
        return glass_random(buf, len);
    return cb(arg, buf, len);
}
