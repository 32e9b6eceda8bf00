/*
 * test_sha.c — SHA-256 (FIPS 180-4): the worked examples, both compression
 * functions on every NIST vector, and properties of the streaming API.
 *
 * The property tests draw their inputs from a seeded generator and print
 * the seed, so a failure can be replayed.
 */
#include "testutil.h"
#include "sha/sha256.h"
#include "sha/sha256_internal.h"

#include <stdio.h>
#include <string.h>

#define PROPERTY_SEED 20150801u

static void digest_with_ref(const uint8_t *m, size_t len, uint8_t md[SHA256_DIGEST_LEN])
{
    static const glass_tracer silent = {NULL, NULL};
    sha256_ctx c;
    sha256_init(&c);
    sha256_set_trace(&c, &silent);
    sha256_update(&c, m, len);
    sha256_final(&c, md);
}

static void check_hex(const uint8_t *got, size_t len, const char *want_hex)
{
    size_t n = 0;
    uint8_t *want = tu_hex(want_hex, &n);
    CU_ASSERT_EQUAL(n, len);
    CU_ASSERT(memcmp(got, want, len) == 0);
    if (n != len || memcmp(got, want, len) != 0) {
        char h[2 * 64 + 1];
        glass_hex_encode(h, sizeof h, got, len < 64 ? len : 64);
        fprintf(stderr, "\n  expected %s\n  got      %s\n", want_hex, h);
    }
    free(want);
}

/* ---- the standard's worked examples (NIST, "SHA256.pdf") ---------------- */

/* Records what the reference function traces for one block of "abc". */
struct capture {
    uint8_t W[256];
    uint8_t rounds[64][32];
    uint8_t H[32];
    int nrounds, nblocks;
};

static void capture_event(void *arg, const char *name, const char *explain, const uint8_t *b,
                          size_t len)
{
    struct capture *c = arg;
    (void)explain;
    if (strcmp(name, "sha256.W") == 0 && len == 256)
        memcpy(c->W, b, 256);
    else if (strcmp(name, "sha256.round") == 0 && len == 33 && b[0] < 64) {
        memcpy(c->rounds[b[0]], b + 1, 32);
        c->nrounds++;
    } else if (strcmp(name, "sha256.H") == 0 && len == 32)
        memcpy(c->H, b, 32);
    else if (strcmp(name, "sha256.block") == 0)
        c->nblocks++;
}

static uint32_t word(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void test_abc_worked_example(void)
{
    struct capture cap;
    glass_tracer t = {capture_event, &cap};
    sha256_ctx c;
    uint8_t md[SHA256_DIGEST_LEN];

    memset(&cap, 0, sizeof cap);
    sha256_init(&c);
    sha256_set_trace(&c, &t);
    sha256_update(&c, "abc", 3);
    sha256_final(&c, md);
    check_hex(md, sizeof md, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");

    /* One block, 64 rounds. */
    CU_ASSERT_EQUAL(cap.nblocks, 1);
    CU_ASSERT_EQUAL(cap.nrounds, 64);
    /* W0 = "abc" || 80, W15 = the length, 24 bits; W16 as in the example. */
    CU_ASSERT_EQUAL(word(cap.W), 0x61626380u);
    CU_ASSERT_EQUAL(word(cap.W + 4 * 15), 0x00000018u);
    CU_ASSERT_EQUAL(word(cap.W + 4 * 16), 0x61626380u);
    CU_ASSERT_EQUAL(word(cap.W + 4 * 17), 0x000f0000u);
    CU_ASSERT_EQUAL(word(cap.W + 4 * 63), 0x12b1edebu);
    /* a..h after t = 0 (the example's first row). */
    CU_ASSERT_EQUAL(word(cap.rounds[0] + 0), 0x5d6aebcdu);
    CU_ASSERT_EQUAL(word(cap.rounds[0] + 4), 0x6a09e667u);
    CU_ASSERT_EQUAL(word(cap.rounds[0] + 8), 0xbb67ae85u);
    CU_ASSERT_EQUAL(word(cap.rounds[0] + 12), 0x3c6ef372u);
    CU_ASSERT_EQUAL(word(cap.rounds[0] + 16), 0xfa2a4622u);
    CU_ASSERT_EQUAL(word(cap.rounds[0] + 20), 0x510e527fu);
    CU_ASSERT_EQUAL(word(cap.rounds[0] + 24), 0x9b05688cu);
    CU_ASSERT_EQUAL(word(cap.rounds[0] + 28), 0x1f83d9abu);
    /* ... after t = 1 and t = 63 (the last row). */
    CU_ASSERT_EQUAL(word(cap.rounds[1] + 0), 0x5a6ad9adu);
    CU_ASSERT_EQUAL(word(cap.rounds[1] + 16), 0x78ce7989u);
    CU_ASSERT_EQUAL(word(cap.rounds[63] + 0), 0x506e3058u);
    CU_ASSERT_EQUAL(word(cap.rounds[63] + 4), 0xd39a2165u);
    CU_ASSERT_EQUAL(word(cap.rounds[63] + 16), 0x5ef50f24u);
    CU_ASSERT_EQUAL(word(cap.rounds[63] + 28), 0x961f4894u);
    /* H(1) is the digest. */
    CU_ASSERT(memcmp(cap.H, md, 32) == 0);
}

static void test_standard_examples(void)
{
    uint8_t md[SHA256_DIGEST_LEN];
    static const char two_block[] = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";

    sha256("", 0, md);
    check_hex(md, sizeof md, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    sha256(two_block, strlen(two_block), md);
    check_hex(md, sizeof md, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    digest_with_ref((const uint8_t *)two_block, strlen(two_block), md);
    check_hex(md, sizeof md, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");

    /* One million 'a' (FIPS 180-2 appendix B.3), fed 1000 bytes at a time. */
    uint8_t a[1000];
    sha256_ctx c;
    memset(a, 'a', sizeof a);
    sha256_init(&c);
    for (int i = 0; i < 1000; i++)
        sha256_update(&c, a, sizeof a);
    sha256_final(&c, md);
    check_hex(md, sizeof md, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

static void test_initial_hash_and_constants(void)
{
    /* FIPS 180-4 §5.3.3 and §4.2.2: spot checks of the tables. */
    CU_ASSERT_EQUAL(sha256_H0[0], 0x6a09e667u);
    CU_ASSERT_EQUAL(sha256_H0[7], 0x5be0cd19u);
    CU_ASSERT_EQUAL(sha256_K[0], 0x428a2f98u);
    CU_ASSERT_EQUAL(sha256_K[63], 0xc67178f2u);
    sha256_ctx c;
    sha256_init(&c);
    CU_ASSERT(memcmp(c.H, sha256_H0, sizeof c.H) == 0);
    CU_ASSERT_EQUAL(c.total_len, 0);
    CU_ASSERT_EQUAL(c.block_len, 0);
    CU_ASSERT_PTR_NULL(c.trace);
}

/* ---- NIST vectors, both compression functions -------------------------- */

/* Runs every Len/Msg/MD record of a SHAVS file through both functions;
 * returns the number of records checked (0 if the file is missing). */
static int run_shavs_file(const char *path)
{
    FILE *f = fopen(path, "r");
    static char line[1 << 17];
    long bits = -1;
    uint8_t *msg = NULL;
    size_t msg_len = 0;
    int count = 0;
    if (f == NULL)
        return 0;
    while (fgets(line, sizeof line, f) != NULL) {
        line[strcspn(line, "\r\n")] = '\0';
        if (strncmp(line, "Len = ", 6) == 0) {
            bits = strtol(line + 6, NULL, 10);
        } else if (strncmp(line, "Msg = ", 6) == 0) {
            free(msg);
            msg = tu_hex(line + 6, &msg_len);
        } else if (strncmp(line, "MD = ", 5) == 0 && msg != NULL && bits >= 0) {
            uint8_t fast[32], ref[32];
            size_t n = (size_t)bits / 8;
            CU_ASSERT(n <= msg_len);
            sha256(msg, n, fast);
            digest_with_ref(msg, n, ref);
            check_hex(fast, 32, line + 5);
            check_hex(ref, 32, line + 5);
            count++;
        }
    }
    free(msg);
    fclose(f);
    return count;
}

static void test_nist_vectors_both_functions(void)
{
    CU_ASSERT_EQUAL(run_shavs_file("vectors/sha/SHA256ShortMsg.rsp"), 65);
    CU_ASSERT_EQUAL(run_shavs_file("vectors/sha/SHA256LongMsg.rsp"), 64);
}

/* SHAVS Monte Carlo, first checkpoint, with each compression function
 * called directly on the padded blocks. */
static void test_monte_first_checkpoint(void)
{
    uint8_t *seed = tu_hex("6d1e72ad03ddeb5de891e572e2396f8da015d899ef0e79503152d6010a3fe691", NULL);
    for (int use_ref = 0; use_ref < 2; use_ref++) {
        uint8_t M[96];
        memcpy(M, seed, 32);
        memcpy(M + 32, seed, 32);
        memcpy(M + 64, seed, 32);
        for (int i = 3; i <= 1002; i++) {
            uint8_t md[32];
            if (use_ref)
                digest_with_ref(M, 96, md);
            else
                sha256(M, 96, md);
            memmove(M, M + 32, 64);
            memcpy(M + 64, md, 32);
        }
        check_hex(M + 64, 32, "e93c330ae5447738c8aa85d71a6c80f2a58381d05872d26bdd39f1fcd4f2b788");
    }
    free(seed);
}

/* ---- properties ---------------------------------------------------------- */

/* Every entry of the table (ref, fast, hw where the CPU has SHA-NI)
 * against the reference on random states and blocks. */
static void test_compress_functions_agree(void)
{
    glass_drbg d;
    glass_drbg_init(&d, PROPERTY_SEED, 1);
    printf("\n  (property seed %u)", PROPERTY_SEED);
    CU_ASSERT_EQUAL(sha256_impl_count(), 3);
    CU_ASSERT_PTR_NULL(sha256_impl_by_name("nonesuch"));
    for (size_t k = 0; k < sha256_impl_count(); k++) {
        const sha256_impl *impl = sha256_impl_at(k);
        CU_ASSERT_PTR_EQUAL(sha256_impl_by_name(impl->name), impl);
        if (!sha256_impl_available(impl)) {
            printf("\n  skipped: SHA-256 implementation '%s' (this CPU lacks the "
                   "instructions)", impl->name);
            continue;
        }
        for (int i = 0; i < 300; i++) {
            uint32_t H1[8], H2[8];
            uint8_t block[3 * SHA256_BLOCK_LEN];
            glass_drbg_fill(&d, (uint8_t *)H1, sizeof H1);
            glass_drbg_fill(&d, block, sizeof block);
            memcpy(H2, H1, sizeof H1);
            for (int j = 0; j < 3; j++)
                sha256_compress_ref(H1, block + 64 * j, NULL);
            impl->compress(H2, block, 3, NULL);
            CU_ASSERT(memcmp(H1, H2, sizeof H1) == 0);
        }
        /* and through a context: FIPS 180-4's "abc" example */
        sha256_ctx c;
        uint8_t md[32];
        sha256_init(&c);
        TU_ASSERT_ERR(sha256_set_impl(&c, impl), GLASS_OK);
        sha256_update(&c, "abc", 3);
        sha256_final(&c, md);
        check_hex(md, 32, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }
}

static void test_split_at_every_offset(void)
{
    uint8_t msg[300], one[32], two[32];
    glass_drbg d;
    glass_drbg_init(&d, PROPERTY_SEED, 2);
    glass_drbg_fill(&d, msg, sizeof msg);
    sha256(msg, sizeof msg, one);
    for (size_t i = 0; i <= sizeof msg; i++) {
        sha256_ctx c;
        sha256_init(&c);
        sha256_update(&c, msg, i);
        sha256_update(&c, msg + i, sizeof msg - i);
        sha256_final(&c, two);
        CU_ASSERT(memcmp(one, two, 32) == 0);
    }
    /* Three pieces, every pair of cut points in the first 130 bytes. */
    for (size_t i = 0; i <= 130; i += 1) {
        for (size_t j = i; j <= 130; j += 3) {
            sha256_ctx c;
            sha256_init(&c);
            sha256_update(&c, msg, i);
            sha256_update(&c, msg + i, j - i);
            sha256_update(&c, msg + j, sizeof msg - j);
            sha256_final(&c, two);
            CU_ASSERT(memcmp(one, two, 32) == 0);
        }
    }
    /* One byte at a time. */
    sha256_ctx c;
    sha256_init(&c);
    for (size_t i = 0; i < sizeof msg; i++)
        sha256_update(&c, msg + i, 1);
    sha256_final(&c, two);
    CU_ASSERT(memcmp(one, two, 32) == 0);
}

static void test_padding_boundaries(void)
{
    /* Lengths around the 56-byte limit of FIPS 180-4 §5.1.1, where the
     * length no longer fits and padding takes a second block. */
    static const size_t lens[] = {0, 1, 54, 55, 56, 57, 63, 64, 65, 118, 119, 120, 127, 128, 129};
    uint8_t msg[129], a[32], b[32];
    for (size_t i = 0; i < sizeof msg; i++)
        msg[i] = (uint8_t)(i * 7 + 1);
    for (size_t k = 0; k < sizeof lens / sizeof lens[0]; k++) {
        sha256(msg, lens[k], a);
        digest_with_ref(msg, lens[k], b);
        CU_ASSERT(memcmp(a, b, 32) == 0);
    }
    /* 55 bytes: one block; 56 bytes: two (counted through the tracer). */
    struct capture cap;
    glass_tracer t = {capture_event, &cap};
    sha256_ctx c;
    memset(&cap, 0, sizeof cap);
    sha256_init(&c);
    sha256_set_trace(&c, &t);
    sha256_update(&c, msg, 55);
    sha256_final(&c, a);
    CU_ASSERT_EQUAL(cap.nblocks, 1);
    memset(&cap, 0, sizeof cap);
    sha256_init(&c);
    sha256_set_trace(&c, &t);
    sha256_update(&c, msg, 56);
    sha256_final(&c, a);
    CU_ASSERT_EQUAL(cap.nblocks, 2);
}

static void test_final_wipes_context(void)
{
    sha256_ctx c;
    uint8_t md[32];
    const uint8_t zero[sizeof c] = {0};
    sha256_init(&c);
    sha256_update(&c, "secret key material", 19);
    sha256_final(&c, md);
    CU_ASSERT(memcmp(&c, zero, sizeof c) == 0);
}

static void test_distinct_messages_differ(void)
{
    /* Every one-bit change of a 64-byte message changes the digest. */
    uint8_t m[64], base[32], other[32];
    memset(m, 0x42, sizeof m);
    sha256(m, sizeof m, base);
    for (size_t bit = 0; bit < 8 * sizeof m; bit++) {
        m[bit / 8] ^= (uint8_t)(1u << (bit % 8));
        sha256(m, sizeof m, other);
        CU_ASSERT(memcmp(base, other, 32) != 0);
        m[bit / 8] ^= (uint8_t)(1u << (bit % 8));
    }
}

/* An empty update, even with a NULL pointer, changes nothing: the digest is
 * that of the empty message (FIPS 180-4 example: e3b0c442...b855). */
static void test_empty_update_null(void)
{
    sha256_ctx c;
    uint8_t d[32], expected[32];
    sha256("", 0, expected);
    sha256_init(&c);
    sha256_update(&c, NULL, 0);
    sha256_final(&c, d);
    CU_ASSERT(memcmp(d, expected, 32) == 0);
    CU_ASSERT_EQUAL(expected[0], 0xe3);
    CU_ASSERT_EQUAL(expected[31], 0x55);
}

void suite_sha(void)
{
    CU_pSuite s = tu_suite("sha");
    TU_ADD(s, test_abc_worked_example);
    TU_ADD(s, test_standard_examples);
    TU_ADD(s, test_initial_hash_and_constants);
    TU_ADD(s, test_nist_vectors_both_functions);
    TU_ADD(s, test_monte_first_checkpoint);
    TU_ADD(s, test_compress_functions_agree);
    TU_ADD(s, test_split_at_every_offset);
    TU_ADD(s, test_padding_boundaries);
    TU_ADD(s, test_final_wipes_context);
    TU_ADD(s, test_distinct_messages_differ);
    TU_ADD(s, test_empty_update_null);
}
