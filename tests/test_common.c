/*
 * test_common.c — hex, constant-time compare, wipe, randomness, errors, and
 * the wiping of GMP integers that held secrets (with DH and RSA, its users).
 */
#include "testutil.h"
#include "dh/dh.h"
#include "rsa/rsa.h"

#include <string.h>

static void test_hex_round_trip(void)
{
    uint8_t in[256];
    char hex[513];
    uint8_t back[256];
    size_t n = 0;
    for (int i = 0; i < 256; i++)
        in[i] = (uint8_t)i;
    TU_ASSERT_ERR(glass_hex_encode(hex, sizeof hex, in, sizeof in), GLASS_OK);
    CU_ASSERT_STRING_EQUAL(strncmp(hex, "000102", 6) == 0 ? "ok" : hex, "ok");
    TU_ASSERT_ERR(glass_hex_decode(back, sizeof back, &n, hex), GLASS_OK);
    CU_ASSERT_EQUAL(n, 256);
    CU_ASSERT(memcmp(in, back, 256) == 0);
    TU_ASSERT_ERR(glass_hex_decode(back, sizeof back, &n, "DEADbeef"), GLASS_OK);
    CU_ASSERT_EQUAL(n, 4);
    CU_ASSERT_EQUAL(back[0], 0xde);
    CU_ASSERT_EQUAL(back[3], 0xef);
}

static void test_hex_rejects(void)
{
    uint8_t out[8];
    size_t n;
    char small[4];
    TU_ASSERT_ERR(glass_hex_decode(out, sizeof out, &n, "abc"), GLASS_ERR_HEX_ODD);
    TU_ASSERT_ERR(glass_hex_decode(out, sizeof out, &n, "zz"), GLASS_ERR_HEX);
    TU_ASSERT_ERR(glass_hex_decode(out, sizeof out, &n, "00 11"), GLASS_ERR_HEX);
    TU_ASSERT_ERR(glass_hex_decode(out, 1, &n, "0011"), GLASS_ERR_BUFFER_TOO_SMALL);
    TU_ASSERT_ERR(glass_hex_encode(small, sizeof small, out, 2), GLASS_ERR_BUFFER_TOO_SMALL);
}

static void test_ct_equal(void)
{
    uint8_t a[32], b[32];
    memset(a, 0x5a, sizeof a);
    memcpy(b, a, sizeof b);
    CU_ASSERT_EQUAL(glass_ct_equal(a, b, 32), 1);
    CU_ASSERT_EQUAL(glass_ct_equal(a, b, 0), 1);
    for (int i = 0; i < 32; i++) {
        b[i] ^= 0x80;
        CU_ASSERT_EQUAL(glass_ct_equal(a, b, 32), 0);
        b[i] ^= 0x80;
    }
    CU_ASSERT_EQUAL(glass_ct_mask_eq(7, 7), 0xffffffffu);
    CU_ASSERT_EQUAL(glass_ct_mask_eq(7, 8), 0u);
    CU_ASSERT_EQUAL(glass_ct_mask_lt(3, 9), 0xffffffffu);
    CU_ASSERT_EQUAL(glass_ct_mask_lt(9, 3), 0u);
    CU_ASSERT_EQUAL(glass_ct_mask_lt(3, 3), 0u);
}

static void test_wipe(void)
{
    uint8_t buf[64];
    memset(buf, 0xff, sizeof buf);
    glass_wipe(buf, sizeof buf);
    for (size_t i = 0; i < sizeof buf; i++)
        CU_ASSERT_EQUAL(buf[i], 0);
}

static void test_drbg_deterministic(void)
{
    glass_drbg a, b, c;
    uint8_t x[100], y[100], z[100];
    glass_drbg_init(&a, 42, 0);
    glass_drbg_init(&b, 42, 0);
    glass_drbg_init(&c, 42, 1);
    glass_drbg_fill(&a, x, sizeof x);
    glass_drbg_fill(&b, y, sizeof y);
    glass_drbg_fill(&c, z, sizeof z);
    CU_ASSERT(memcmp(x, y, sizeof x) == 0);     /* same seed, same stream */
    CU_ASSERT(memcmp(x, z, sizeof x) != 0);     /* another stream differs */
    glass_drbg_fill(&a, y, sizeof y);
    CU_ASSERT(memcmp(x, y, sizeof x) != 0);     /* the next call differs */
}

static void test_random_differs(void)
{
    uint8_t a[32], b[32];
    TU_ASSERT_ERR(glass_random(a, sizeof a), GLASS_OK);
    TU_ASSERT_ERR(glass_random(b, sizeof b), GLASS_OK);
    CU_ASSERT(memcmp(a, b, sizeof a) != 0);
}

static void test_error_messages(void)
{
    for (int e = 0; e < (int)GLASS_ERR_COUNT_; e++) {
        const char *m = glass_strerror((glass_err)e);
        CU_ASSERT_PTR_NOT_NULL(m);
        CU_ASSERT(strlen(m) > 0);
        CU_ASSERT(strncmp(glass_err_name((glass_err)e), "GLASS_", 6) == 0);
    }
    CU_ASSERT_STRING_EQUAL(glass_err_name(GLASS_OK), "GLASS_OK");
    CU_ASSERT_STRING_EQUAL(glass_strerror((glass_err)9999), "unknown error");
}

/* ---- GMP integers that held secrets ----------------------------------------
 *
 * A watching allocator, installed with mp_set_memory_functions: GMP then
 * frees (and reallocates) every block through it, and it looks in each
 * freed block for any of up to WATCH_MAX "secret" limbs the test names.
 * A 64-bit limb of a random secret turns up by chance with probability
 * about 2^-64 per word scanned, so a hit means the secret was left behind. */
#define WATCH_MAX 256
static mp_limb_t watch_limbs[WATCH_MAX];
static size_t watch_n;
static size_t watch_hits;
static void *(*gmp_alloc0)(size_t);
static void *(*gmp_realloc0)(void *, size_t, size_t);
static void (*gmp_free0)(void *, size_t);

static void watch_scan(const void *block, size_t size)
{
    const unsigned char *b = block;
    for (size_t off = 0; off + sizeof(mp_limb_t) <= size; off += sizeof(mp_limb_t)) {
        mp_limb_t w;
        memcpy(&w, b + off, sizeof w);
        for (size_t i = 0; i < watch_n; i++)
            if (w == watch_limbs[i])
                watch_hits++;
    }
}

static void *watch_alloc(size_t n)
{
    return gmp_alloc0(n);
}

static void *watch_realloc(void *p, size_t old, size_t n)
{
    watch_scan(p, old);     /* a moved block leaves its old bytes behind */
    return gmp_realloc0(p, old, n);
}

static void watch_free(void *p, size_t n)
{
    watch_scan(p, n);
    gmp_free0(p, n);
}

static void watch_start(void)
{
    mp_get_memory_functions(&gmp_alloc0, &gmp_realloc0, &gmp_free0);
    mp_set_memory_functions(watch_alloc, watch_realloc, watch_free);
    watch_n = 0;
    watch_hits = 0;
}

static void watch_stop(void)
{
    mp_set_memory_functions(gmp_alloc0, gmp_realloc0, gmp_free0);
}

/* Adds x's non-zero limbs in use to the watch list. */
static void watch_mpz(const mpz_t x)
{
    const mp_limb_t *d = mpz_limbs_read(x);
    for (size_t i = 0; i < mpz_size(x) && watch_n < WATCH_MAX; i++)
        if (d[i] != 0)
            watch_limbs[watch_n++] = d[i];
}

/* The watcher sees what a plain mpz_clear leaves (the control), and
 * glass_mpz_clear_secret leaves nothing: not the limbs in use, and not the
 * high limbs of a larger value the integer held before it shrank. */
static void test_mpz_wipe_every_limb(void)
{
    uint8_t r[256];
    TU_ASSERT_ERR(glass_random(r, sizeof r), GLASS_OK);
    watch_start();
    mpz_t a, b;
    mpz_inits(a, b, NULL);
    mpz_import(a, sizeof r, 1, 1, 1, 0, r);
    mpz_set(b, a);
    watch_mpz(a);
    mpz_tdiv_r_2exp(a, a, 64);              /* a shrinks to one limb */
    mpz_tdiv_r_2exp(b, b, 64);
    CU_ASSERT_EQUAL(mpz_size(a), 1);
    mpz_clear(b);                            /* control: the old limbs remain */
    CU_ASSERT(watch_hits > 0);
    watch_hits = 0;
    glass_mpz_clear_secret(a);
    CU_ASSERT_EQUAL(watch_hits, 0);
    watch_stop();
}

/* A deterministic randomness callback over a glass_drbg. */
static glass_err drbg_cb(void *arg, uint8_t *buf, size_t len)
{
    glass_drbg_fill(arg, buf, len);
    return GLASS_OK;
}

/* A callback whose randomness source has failed. */
static glass_err failing_cb(void *arg, uint8_t *buf, size_t len)
{
    (void)arg;
    (void)buf;
    (void)len;
    return GLASS_ERR_RANDOM;
}

/* DH: the private exponent x, drawn through the callback, is in no block
 * GMP frees during key generation, the shared-secret computation or
 * dh_keypair_clear. */
static void test_mpz_wipe_dh(void)
{
    const dh_group *G = dh_group_by_name("ffdhe2048");
    CU_ASSERT_PTR_NOT_NULL_FATAL(G);
    glass_drbg d;
    glass_drbg_init(&d, 7, 3);
    dh_keypair a, b;
    uint8_t Z[256];
    watch_start();
    dh_keypair_init(&a);
    dh_keypair_init(&b);
    TU_ASSERT_ERR(dh_generate(G, drbg_cb, &d, &a), GLASS_OK);
    TU_ASSERT_ERR(dh_generate(G, drbg_cb, &d, &b), GLASS_OK);
    /* The callback is the source: its failure is dh_generate's. */
    dh_keypair f;
    dh_keypair_init(&f);
    TU_ASSERT_ERR(dh_generate(G, failing_cb, NULL, &f), GLASS_ERR_RANDOM);
    dh_keypair_clear(&f);
    watch_mpz(a.x);
    watch_mpz(b.x);
    CU_ASSERT(watch_n >= 6);
    TU_ASSERT_ERR(dh_compute_shared(G, &a, b.y, Z, sizeof Z), GLASS_OK);
    dh_keypair_clear(&a);
    dh_keypair_clear(&b);
    CU_ASSERT_EQUAL(watch_hits, 0);
    watch_stop();
}

/* RSA: after signing and rsa_private_clear, no freed block holds a limb of
 * d, p, q, dP, dQ or qInv. */
static void test_mpz_wipe_rsa(void)
{
    rsa_private_key k;
    uint8_t sig[256];
    rsa_private_init(&k);
    TU_ASSERT_ERR(rsa_generate(&k, 2048, RSA_DEFAULT_E), GLASS_OK);
    watch_start();
    watch_mpz(k.d);
    watch_mpz(k.p);
    watch_mpz(k.q);
    watch_mpz(k.dP);
    watch_mpz(k.dQ);
    watch_mpz(k.qInv);
    for (int i = 0; i < 3; i++)
        TU_ASSERT_ERR(rsa_pkcs1v15_sign(&k, (const uint8_t *)"wipe", 4, sig), GLASS_OK);
    rsa_private_clear(&k);
    CU_ASSERT_EQUAL(watch_hits, 0);
    watch_stop();
}

void suite_common(void)
{
    CU_pSuite s = tu_suite("common");
    TU_ADD(s, test_hex_round_trip);
    TU_ADD(s, test_hex_rejects);
    TU_ADD(s, test_ct_equal);
    TU_ADD(s, test_wipe);
    TU_ADD(s, test_drbg_deterministic);
    TU_ADD(s, test_random_differs);
    TU_ADD(s, test_error_messages);
    TU_ADD(s, test_mpz_wipe_every_limb);
    TU_ADD(s, test_mpz_wipe_dh);
    TU_ADD(s, test_mpz_wipe_rsa);
}
