/*
 * test_aes_impl.c — the tables of AES and GHASH implementations (aes.h):
 * every entry on the FIPS 197 Appendix C.3 example and the GCM
 * specification's Test Case 16, every entry against the reference in every
 * mode at lengths around the batch sizes, every GHASH against the
 * definition, the bitsliced S-box circuit exhaustively, the table look-ups,
 * and the default being constant time.  Entries the CPU cannot run (hw
 * without AES-NI) are counted and shown as skipped.
 *
 * Random inputs come from glass_drbg seeded with SEED (197), one stream per
 * test, so a failure replays exactly.
 */
#include "testutil.h"
#include "aes/aes.h"
#include "aes/aes_internal.h"

#include <stdio.h>
#include <string.h>

#define SEED 197

static size_t skipped_notes;

/* 1 if the entry runs here; else says so once per test. */
static int runs_here(const aes_impl *impl)
{
    if (aes_impl_available(impl))
        return 1;
    if (skipped_notes++ < 4)
        fprintf(stderr, "\n  skipped: AES implementation '%s' (this CPU lacks the "
                        "instructions)\n", impl->name);
    return 0;
}

static void test_table_lookups(void)
{
    CU_ASSERT(aes_impl_count() >= 5);
    CU_ASSERT(ghash_impl_count() >= 4);
    for (size_t i = 0; i < aes_impl_count(); i++) {
        const aes_impl *a = aes_impl_at(i);
        CU_ASSERT_PTR_EQUAL(aes_impl_by_name(a->name), a);
        CU_ASSERT_PTR_NOT_NULL(ghash_impl_by_name(a->ghash));
        CU_ASSERT(strstr(a->summary, "CT: ") != NULL);
    }
    for (size_t i = 0; i < ghash_impl_count(); i++)
        CU_ASSERT_PTR_EQUAL(ghash_impl_by_name(ghash_impl_at(i)->name), ghash_impl_at(i));
    CU_ASSERT_PTR_NULL(aes_impl_at(aes_impl_count()));
    CU_ASSERT_PTR_NULL(aes_impl_by_name("nonesuch"));
    CU_ASSERT_PTR_EQUAL(aes_impl_by_name("fast"), aes_impl_by_name("table"));
    /* The default is constant time, and so is its GHASH. */
    aes256_ctx c;
    uint8_t key[32] = {1};
    TU_ASSERT_ERR(aes256_init(&c, key, 32), GLASS_OK);
    CU_ASSERT(c.impl->constant_time);
    CU_ASSERT(c.ghash->constant_time);
    CU_ASSERT_PTR_EQUAL(c.impl, aes_impl_default());
    TU_ASSERT_ERR(aes256_ct_init(&c, key, 32), GLASS_OK);
    CU_ASSERT_STRING_EQUAL(c.impl->name, "ct");
    TU_ASSERT_ERR(aes256_init_impl(&c, key, 31, NULL), GLASS_ERR_AES_KEY_LENGTH);
    aes256_clear(&c);
}

/* FIPS 197 Appendix C.3 through every entry, both directions, in place. */
static void test_fips197_c3_every_impl(void)
{
    uint8_t *key = tu_hex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
                          NULL);
    uint8_t *pt = tu_hex("00112233445566778899aabbccddeeff", NULL);
    uint8_t *ct = tu_hex("8ea2b7ca516745bfeafc49904b496089", NULL);
    for (size_t i = 0; i < aes_impl_count(); i++) {
        const aes_impl *impl = aes_impl_at(i);
        if (!runs_here(impl))
            continue;
        aes256_ctx c;
        uint8_t out[16];
        TU_ASSERT_ERR(aes256_init_impl(&c, key, 32, impl), GLASS_OK);
        aes256_encrypt_block(&c, pt, out);
        CU_ASSERT(memcmp(out, ct, 16) == 0);
        aes256_decrypt_block(&c, out, out);
        CU_ASSERT(memcmp(out, pt, 16) == 0);
        aes256_clear(&c);
    }
    free(key);
    free(pt);
    free(ct);
}

/* GCM Test Case 16 (McGrew and Viega): every AES entry with its own GHASH,
 * and the default cipher with every GHASH. */
static void test_gcm_tc16_every_impl(void)
{
    uint8_t *K = tu_hex("feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308", NULL);
    uint8_t *IV = tu_hex("cafebabefacedbaddecaf888", NULL);
    uint8_t *A = tu_hex("feedfacedeadbeeffeedfacedeadbeefabaddad2", NULL);
    size_t plen = 0;
    uint8_t *P = tu_hex("d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
                        "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39", &plen);
    uint8_t *C = tu_hex("522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
                        "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662", NULL);
    uint8_t *T = tu_hex("76fc6ece0f4e1768cddf8853bb2d551b", NULL);
    for (size_t i = 0; i < aes_impl_count() + ghash_impl_count(); i++) {
        aes256_ctx c;
        uint8_t out[64], tag[16], back[64];
        const aes_impl *impl = i < aes_impl_count() ? aes_impl_at(i) : NULL;
        if (impl != NULL && !runs_here(impl))
            continue;
        TU_ASSERT_ERR(aes256_init_impl(&c, K, 32, impl), GLASS_OK);
        if (impl == NULL) {
            const ghash_impl *g = ghash_impl_at(i - aes_impl_count());
            if (!ghash_impl_available(g))
                continue;
            TU_ASSERT_ERR(aes256_set_ghash(&c, g), GLASS_OK);
        }
        TU_ASSERT_ERR(aes256_gcm_encrypt(&c, IV, 12, A, 20, P, plen, out, tag, 16), GLASS_OK);
        CU_ASSERT(memcmp(out, C, plen) == 0);
        CU_ASSERT(memcmp(tag, T, 16) == 0);
        TU_ASSERT_ERR(aes256_gcm_decrypt(&c, IV, 12, A, 20, C, plen, T, 16, back), GLASS_OK);
        CU_ASSERT(memcmp(back, P, plen) == 0);
        aes256_clear(&c);
    }
    free(K);
    free(IV);
    free(A);
    free(P);
    free(C);
    free(T);
}

/* What one entry produces in every mode, for comparison with the reference. */
struct mode_out {
    uint8_t ecb[600], cbc[600], ctr[600], ctr_wrap[600], gcm[600], tag[16];
};

static void run_modes(const aes256_ctx *c, const uint8_t *msg, size_t len, const uint8_t iv[16],
                      struct mode_out *o)
{
    uint8_t ctr[16], back[600];
    size_t whole = len - len % 16;
    TU_ASSERT_ERR(aes256_ecb_encrypt(c, msg, whole, o->ecb), GLASS_OK);
    TU_ASSERT_ERR(aes256_ecb_decrypt(c, o->ecb, whole, back), GLASS_OK);
    CU_ASSERT(whole == 0 || memcmp(back, msg, whole) == 0);
    TU_ASSERT_ERR(aes256_cbc_encrypt(c, iv, msg, whole, o->cbc), GLASS_OK);
    memcpy(back, o->cbc, whole);
    TU_ASSERT_ERR(aes256_cbc_decrypt(c, iv, back, whole, back), GLASS_OK);   /* in place */
    CU_ASSERT(whole == 0 || memcmp(back, msg, whole) == 0);
    memcpy(ctr, iv, 16);
    TU_ASSERT_ERR(aes256_ctr_xor(c, ctr, msg, len, o->ctr), GLASS_OK);
    /* a counter whose last 32 bits wrap inside the message: the carry goes on */
    memcpy(ctr, iv, 16);
    memset(ctr + 11, 0xff, 5);
    ctr[15] = 0xdf;                 /* 33 blocks before the wrap */
    TU_ASSERT_ERR(aes256_ctr_xor(c, ctr, msg, len, o->ctr_wrap), GLASS_OK);
    TU_ASSERT_ERR(aes256_gcm_encrypt(c, iv, 12, msg, len % 37, msg, len, o->gcm, o->tag, 16),
                  GLASS_OK);
    TU_ASSERT_ERR(aes256_gcm_decrypt(c, iv, 12, msg, len % 37, o->gcm, len, o->tag, 16, back),
                  GLASS_OK);
    CU_ASSERT(len == 0 || memcmp(back, msg, len) == 0);
}

/* The body of test_every_impl_matches_ref, once. */
static void every_impl_matches_ref(void)
{
    static const size_t lens[] = {0, 1, 15, 16, 17, 48, 63, 64, 65, 127, 128, 129,
                                  255, 256, 257, 300, 511, 512, 513, 600};
    glass_drbg d;
    glass_drbg_init(&d, SEED, 40);
    for (size_t li = 0; li < sizeof lens / sizeof lens[0]; li++) {
        size_t len = lens[li];
        uint8_t key[32], iv[16], msg[600];
        struct mode_out want, got;
        aes256_ctx ref, c;
        glass_drbg_fill(&d, key, sizeof key);
        glass_drbg_fill(&d, iv, sizeof iv);
        glass_drbg_fill(&d, msg, sizeof msg);
        TU_ASSERT_ERR(aes256_init_impl(&ref, key, 32, aes_impl_by_name("ref")), GLASS_OK);
        run_modes(&ref, msg, len, iv, &want);
        for (size_t i = 0; i < aes_impl_count(); i++) {
            const aes_impl *impl = aes_impl_at(i);
            if (!runs_here(impl))
                continue;
            for (size_t g = 0; g < ghash_impl_count(); g++) {
                if (!ghash_impl_available(ghash_impl_at(g)))
                    continue;
                TU_ASSERT_ERR(aes256_init_impl(&c, key, 32, impl), GLASS_OK);
                TU_ASSERT_ERR(aes256_set_ghash(&c, ghash_impl_at(g)), GLASS_OK);
                memset(&got, 0, sizeof got);
                run_modes(&c, msg, len, iv, &got);
                size_t whole = len - len % 16;
                int same = memcmp(got.ecb, want.ecb, whole) == 0 &&
                           memcmp(got.cbc, want.cbc, whole) == 0 &&
                           memcmp(got.ctr, want.ctr, len) == 0 &&
                           memcmp(got.ctr_wrap, want.ctr_wrap, len) == 0 &&
                           memcmp(got.gcm, want.gcm, len) == 0 &&
                           memcmp(got.tag, want.tag, 16) == 0;
                if (!same)
                    fprintf(stderr, "\n  %s/%s differs from ref at len %zu\n", impl->name,
                            ghash_impl_at(g)->name, len);
                CU_ASSERT(same);
                aes256_clear(&c);
            }
        }
        aes256_clear(&ref);
    }
}

/* Every entry (with every GHASH) against the reference, in every mode, at
 * lengths on both sides of the bitsliced (8 blocks), hardware (8) and mode
 * (16) batch sizes; the hardware entries with and without their 256-bit
 * paths. */
static void test_every_impl_matches_ref(void)
{
    for (int ymm = 1; ymm >= 0; ymm--) {
        aes_hw_use_ymm(ymm);
        every_impl_matches_ref();
    }
    aes_hw_use_ymm(1);
}

/* Every GHASH method against the definition (SP 800-38D Algorithm 1) on
 * random H and data, nine blocks (a group of eight, then one); the hw one
 * with and without its 256-bit path. */
static void test_every_ghash_matches_definition(void)
{
    glass_drbg d;
    glass_drbg_init(&d, SEED, 41);
    for (int round = 0; round < 50; round++) {
        uint8_t H[16], X[16 * 9], want[16] = {0};
        glass_drbg_fill(&d, H, sizeof H);
        glass_drbg_fill(&d, X, sizeof X);
        if (round == 0)
            memset(H, 0xff, 16);            /* every carry at once */
        for (int b = 0; b < 9; b++) {
            for (int i = 0; i < 16; i++)
                want[i] ^= X[16 * b + i];
            gcm_mult_ref(want, H, want);
        }
        for (size_t g = 0; g < ghash_impl_count(); g++) {
            const ghash_impl *m = ghash_impl_at(g);
            if (!ghash_impl_available(m))
                continue;
            ghash_key k;
            m->init(&k, H);
            for (int ymm = 1; ymm >= 0; ymm--) {     /* hw: 256-bit path and not */
                uint8_t Y[16] = {0};
                aes_hw_use_ymm(ymm);
                m->blocks(&k, Y, X, 9);
                CU_ASSERT(memcmp(Y, want, 16) == 0);
            }
            aes_hw_use_ymm(1);
        }
    }
}

/* The bitsliced S-box circuit and its inverse on all 256 inputs, each in
 * four different byte positions of the four sliced blocks. */
static void test_sbox_circuit_exhaustive(void)
{
    int bad = 0;
    for (int shift = 0; shift < 4; shift++) {
        uint8_t bytes[64], inv[64];
        for (int v = 0; v < 256; v += 64) {
            for (int i = 0; i < 64; i++)
                bytes[i] = (uint8_t)(v + (i + 16 * shift) % 64);
            memcpy(inv, bytes, sizeof inv);
            aes_bitslice_sbox64(bytes, 0);
            aes_bitslice_sbox64(inv, 1);
            for (int i = 0; i < 64; i++) {
                uint8_t x = (uint8_t)(v + (i + 16 * shift) % 64);
                bad += bytes[i] != aes_sbox[x];
                bad += inv[i] != aes_inv_sbox[x];
            }
        }
    }
    CU_ASSERT_EQUAL(bad, 0);
}

void suite_aes_impl(void)
{
    CU_pSuite s = tu_suite("aes_impl");
    TU_ADD(s, test_table_lookups);
    TU_ADD(s, test_fips197_c3_every_impl);
    TU_ADD(s, test_gcm_tc16_every_impl);
    TU_ADD(s, test_every_impl_matches_ref);
    TU_ADD(s, test_every_ghash_matches_definition);
    TU_ADD(s, test_sbox_circuit_exhaustive);
}
