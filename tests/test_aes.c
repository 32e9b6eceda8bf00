/*
 * test_aes.c — AES-256 and its modes: the FIPS 197 worked examples through
 * all three ciphers (reference, table-driven, constant-time), the round
 * trace, KeyExpansion (table and constant-time), agreement of the three
 * ciphers on random keys and blocks, in-place operation, round trips at
 * every length 0..100, each kind of bad PKCS#7 padding, CTR counter carry,
 * GCM tag failures, GHASH's table and constant-time multiplications against
 * the bit-by-bit definition, and the constant-time GCM against the default.
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

/* FIPS 197 Appendix C.3 (AES-256). */
static const char C3_KEY[] = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
static const char C3_PT[] = "00112233445566778899aabbccddeeff";
static const char C3_CT[] = "8ea2b7ca516745bfeafc49904b496089";

typedef void (*block_fn)(const aes256_ctx *, const uint8_t *, uint8_t *);

static void test_fips197_c3_both_ciphers(void)
{
    uint8_t *key = tu_hex(C3_KEY, NULL), *pt = tu_hex(C3_PT, NULL), *ct = tu_hex(C3_CT, NULL);
    const block_fn enc[4] = {aes256_ref_encrypt_block, aes256_fast_encrypt_block,
                             aes256_encrypt_block, aes256_ct_encrypt_block};
    const block_fn dec[4] = {aes256_ref_decrypt_block, aes256_fast_decrypt_block,
                             aes256_decrypt_block, aes256_ct_decrypt_block};
    aes256_ctx c;
    uint8_t out[16];
    TU_ASSERT_ERR(aes256_init(&c, key, 32), GLASS_OK);
    for (int i = 0; i < 4; i++) {
        enc[i](&c, pt, out);
        CU_ASSERT(memcmp(out, ct, 16) == 0);
        dec[i](&c, ct, out);
        CU_ASSERT(memcmp(out, pt, 16) == 0);
        /* in place: in == out */
        memcpy(out, pt, 16);
        enc[i](&c, out, out);
        CU_ASSERT(memcmp(out, ct, 16) == 0);
        dec[i](&c, out, out);
        CU_ASSERT(memcmp(out, pt, 16) == 0);
    }
    aes256_clear(&c);
    free(key);
    free(pt);
    free(ct);
}

/* FIPS 197 Appendix A.3: expansion of the 256-bit key 603deb10..df f4. */
static void test_fips197_a3_key_expansion(void)
{
    uint8_t *key = tu_hex("603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4",
                          NULL);
    aes256_ctx c;
    TU_ASSERT_ERR(aes256_init(&c, key, 32), GLASS_OK);
    CU_ASSERT_EQUAL(c.w[0], 0x603deb10u);
    CU_ASSERT_EQUAL(c.w[7], 0x0914dff4u);
    CU_ASSERT_EQUAL(c.w[8], 0x9ba35411u);     /* RotWord, SubWord, Rcon[1] */
    CU_ASSERT_EQUAL(c.w[12], 0xa8b09c1au);    /* i mod Nk = 4: SubWord only */
    CU_ASSERT_EQUAL(c.w[59], 0x706c631eu);
    /* dw: first and last round keys unchanged (FIPS 197 §5.3.5). */
    CU_ASSERT_EQUAL(c.dw[0], c.w[0]);
    CU_ASSERT_EQUAL(c.dw[59], c.w[59]);
    aes256_clear(&c);
    for (size_t i = 0; i < 60; i++)
        CU_ASSERT_EQUAL(c.w[i], 0u);          /* aes256_clear wipes the schedule */
    free(key);
}

/* FIPS 197 Appendix C.3 through aes_ct.c alone, its context from
 * aes256_ct_init; and aes256_ct_init against aes256_init on A.3's key. */
static void test_fips197_c3_ct(void)
{
    uint8_t *key = tu_hex(C3_KEY, NULL), *pt = tu_hex(C3_PT, NULL), *ct = tu_hex(C3_CT, NULL);
    uint8_t *a3 = tu_hex("603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4",
                         NULL);
    aes256_ctx c, d;
    uint8_t out[16];
    TU_ASSERT_ERR(aes256_ct_init(&c, key, 32), GLASS_OK);
    aes256_ct_encrypt_block(&c, pt, out);
    CU_ASSERT(memcmp(out, ct, 16) == 0);
    aes256_ct_decrypt_block(&c, ct, out);
    CU_ASSERT(memcmp(out, pt, 16) == 0);
    TU_ASSERT_ERR(aes256_ct_init(&c, a3, 32), GLASS_OK);
    CU_ASSERT_EQUAL(c.w[8], 0x9ba35411u);
    CU_ASSERT_EQUAL(c.w[12], 0xa8b09c1au);
    CU_ASSERT_EQUAL(c.w[59], 0x706c631eu);
    TU_ASSERT_ERR(aes256_init(&d, a3, 32), GLASS_OK);
    CU_ASSERT(memcmp(c.w, d.w, sizeof c.w) == 0);
    CU_ASSERT(memcmp(c.dw, d.dw, sizeof c.dw) == 0);
    TU_ASSERT_ERR(aes256_ct_init(&c, key, 31), GLASS_ERR_AES_KEY_LENGTH);
    TU_ASSERT_ERR(aes256_ct_init(&c, key, 33), GLASS_ERR_AES_KEY_LENGTH);
    TU_ASSERT_ERR(aes256_ct_init(NULL, key, 32), GLASS_ERR_ARG);
    TU_ASSERT_ERR(aes256_ct_init(&c, NULL, 32), GLASS_ERR_ARG);
    aes256_clear(&c);
    aes256_clear(&d);
    free(key);
    free(pt);
    free(ct);
    free(a3);
}

static void test_key_length(void)
{
    uint8_t key[33] = {0};
    aes256_ctx c;
    TU_ASSERT_ERR(aes256_init(&c, key, 16), GLASS_ERR_AES_KEY_LENGTH);
    TU_ASSERT_ERR(aes256_init(&c, key, 24), GLASS_ERR_AES_KEY_LENGTH);
    TU_ASSERT_ERR(aes256_init(&c, key, 33), GLASS_ERR_AES_KEY_LENGTH);
    TU_ASSERT_ERR(aes256_init(&c, key, 0), GLASS_ERR_AES_KEY_LENGTH);
}

/* ---- the trace (FIPS 197 Appendix C.3) ---------------------------------- */

struct capture {
    int events;
    int found;
    char want_name[32];
    uint8_t got[16];
};

static void capture_fn(void *arg, const char *name, const char *explain, const uint8_t *b,
                       size_t len)
{
    struct capture *cap = arg;
    (void)explain;
    cap->events++;
    if (strcmp(name, cap->want_name) == 0 && len == 16) {
        cap->found++;
        memcpy(cap->got, b, 16);
    }
}

static void check_trace_step(const char *step, const char *hex, int decrypt)
{
    uint8_t *key = tu_hex(C3_KEY, NULL), *pt = tu_hex(C3_PT, NULL), *ct = tu_hex(C3_CT, NULL);
    uint8_t *want = tu_hex(hex, NULL);
    struct capture cap;
    memset(&cap, 0, sizeof cap);
    snprintf(cap.want_name, sizeof cap.want_name, "%s", step);
    glass_tracer tr = {capture_fn, &cap};
    aes256_ctx c;
    uint8_t out[16];
    aes256_init(&c, key, 32);
    aes256_set_trace(&c, &tr);
    if (decrypt)
        aes256_decrypt_block(&c, ct, out);
    else
        aes256_encrypt_block(&c, pt, out);
    CU_ASSERT_EQUAL(cap.found, 1);
    CU_ASSERT(memcmp(cap.got, want, 16) == 0);
    /* 2 + 13 x 5 + 5 events (decryption likewise). */
    CU_ASSERT_EQUAL(cap.events, 72);
    if (cap.found != 1 || memcmp(cap.got, want, 16) != 0)
        fprintf(stderr, "\n  trace step %s differs from FIPS 197 C.3\n", step);
    aes256_clear(&c);
    free(key);
    free(pt);
    free(ct);
    free(want);
}

static void test_trace_matches_appendix_c3(void)
{
    check_trace_step("round[ 0].input", "00112233445566778899aabbccddeeff", 0);
    check_trace_step("round[ 0].k_sch", "000102030405060708090a0b0c0d0e0f", 0);
    check_trace_step("round[ 1].start", "00102030405060708090a0b0c0d0e0f0", 0);
    check_trace_step("round[ 1].s_box", "63cab7040953d051cd60e0e7ba70e18c", 0);
    check_trace_step("round[ 1].s_row", "6353e08c0960e104cd70b751bacad0e7", 0);
    check_trace_step("round[ 1].m_col", "5f72641557f5bc92f7be3b291db9f91a", 0);
    check_trace_step("round[ 1].k_sch", "101112131415161718191a1b1c1d1e1f", 0);
    check_trace_step("round[14].start", "627bceb9999d5aaac945ecf423f56da5", 0);
    check_trace_step("round[14].s_box", "aa218b56ee5ebeacdd6ecebf26e63c06", 0);
    check_trace_step("round[14].s_row", "aa5ece06ee6e3c56dde68bac2621bebf", 0);
    check_trace_step("round[14].k_sch", "24fc79ccbf0979e9371ac23c6d68de36", 0);
    check_trace_step("round[14].output", "8ea2b7ca516745bfeafc49904b496089", 0);
    check_trace_step("round[ 0].iinput", "8ea2b7ca516745bfeafc49904b496089", 1);
    check_trace_step("round[ 1].istart", "aa5ece06ee6e3c56dde68bac2621bebf", 1);
    check_trace_step("round[ 1].is_row", "aa218b56ee5ebeacdd6ecebf26e63c06", 1);
    check_trace_step("round[ 1].is_box", "627bceb9999d5aaac945ecf423f56da5", 1);
    check_trace_step("round[14].ioutput", "00112233445566778899aabbccddeeff", 1);
}

/* ---- the two ciphers agree ------------------------------------------------ */

static void test_ref_and_fast_agree(void)
{
    glass_drbg d;
    glass_drbg_init(&d, SEED, 1);
    for (int n = 0; n < 500; n++) {
        uint8_t key[32], in[16], a[16], b[16], back[16];
        aes256_ctx c;
        glass_drbg_fill(&d, key, sizeof key);
        glass_drbg_fill(&d, in, sizeof in);
        aes256_init(&c, key, 32);
        aes256_ref_encrypt_block(&c, in, a);
        aes256_fast_encrypt_block(&c, in, b);
        CU_ASSERT(memcmp(a, b, 16) == 0);
        aes256_ref_decrypt_block(&c, a, back);
        CU_ASSERT(memcmp(back, in, 16) == 0);
        aes256_fast_decrypt_block(&c, a, back);
        CU_ASSERT(memcmp(back, in, 16) == 0);
    }
}

/* aes_ct.c against aes_ref.c on random keys and blocks: the schedule from
 * aes256_ct_init, both directions, in place too. */
static void test_ct_and_ref_agree(void)
{
    glass_drbg d;
    glass_drbg_init(&d, SEED, 7);
    for (int n = 0; n < 300; n++) {
        uint8_t key[32], in[16], a[16], b[16];
        aes256_ctx c, r;
        glass_drbg_fill(&d, key, sizeof key);
        glass_drbg_fill(&d, in, sizeof in);
        aes256_init(&r, key, 32);
        aes256_ct_init(&c, key, 32);
        CU_ASSERT(memcmp(c.w, r.w, sizeof c.w) == 0);
        CU_ASSERT(memcmp(c.dw, r.dw, sizeof c.dw) == 0);
        aes256_ref_encrypt_block(&r, in, a);
        aes256_ct_encrypt_block(&c, in, b);
        CU_ASSERT(memcmp(a, b, 16) == 0);
        aes256_ref_decrypt_block(&r, in, a);
        memcpy(b, in, 16);
        aes256_ct_decrypt_block(&c, b, b);
        CU_ASSERT(memcmp(a, b, 16) == 0);
        aes256_ct_encrypt_block(&c, b, b);
        CU_ASSERT(memcmp(b, in, 16) == 0);
    }
}

/* ---- modes: in place, and round trips at every length -------------------- */

static void setup(aes256_ctx *c, uint8_t iv[16], glass_drbg *d)
{
    uint8_t key[32];
    glass_drbg_fill(d, key, sizeof key);
    glass_drbg_fill(d, iv, 16);
    aes256_init(c, key, 32);
}

static void test_in_place(void)
{
    glass_drbg d;
    aes256_ctx c;
    uint8_t iv[16], ctr[16], msg[96], sep[112], inpl[112], tag1[16], tag2[16];
    size_t n1 = 0, n2 = 0;
    glass_drbg_init(&d, SEED, 2);
    setup(&c, iv, &d);
    glass_drbg_fill(&d, msg, sizeof msg);
    /* ECB */
    memcpy(inpl, msg, 96);
    TU_ASSERT_ERR(aes256_ecb_encrypt(&c, msg, 96, sep), GLASS_OK);
    TU_ASSERT_ERR(aes256_ecb_encrypt(&c, inpl, 96, inpl), GLASS_OK);
    CU_ASSERT(memcmp(sep, inpl, 96) == 0);
    TU_ASSERT_ERR(aes256_ecb_decrypt(&c, inpl, 96, inpl), GLASS_OK);
    CU_ASSERT(memcmp(msg, inpl, 96) == 0);
    /* CBC */
    memcpy(inpl, msg, 96);
    TU_ASSERT_ERR(aes256_cbc_encrypt(&c, iv, msg, 96, sep), GLASS_OK);
    TU_ASSERT_ERR(aes256_cbc_encrypt(&c, iv, inpl, 96, inpl), GLASS_OK);
    CU_ASSERT(memcmp(sep, inpl, 96) == 0);
    TU_ASSERT_ERR(aes256_cbc_decrypt(&c, iv, inpl, 96, inpl), GLASS_OK);
    CU_ASSERT(memcmp(msg, inpl, 96) == 0);
    /* CBC + PKCS#7, 90 bytes -> 96 */
    memcpy(inpl, msg, 90);
    TU_ASSERT_ERR(aes256_cbc_encrypt_pkcs7(&c, iv, msg, 90, sep, sizeof sep, &n1), GLASS_OK);
    TU_ASSERT_ERR(aes256_cbc_encrypt_pkcs7(&c, iv, inpl, 90, inpl, sizeof inpl, &n2), GLASS_OK);
    CU_ASSERT_EQUAL(n1, 96);
    CU_ASSERT_EQUAL(n2, 96);
    CU_ASSERT(memcmp(sep, inpl, 96) == 0);
    TU_ASSERT_ERR(aes256_cbc_decrypt_pkcs7(&c, iv, inpl, 96, inpl, sizeof inpl, &n2), GLASS_OK);
    CU_ASSERT_EQUAL(n2, 90);
    CU_ASSERT(memcmp(msg, inpl, 90) == 0);
    /* CTR, odd length */
    memcpy(inpl, msg, 77);
    memcpy(ctr, iv, 16);
    TU_ASSERT_ERR(aes256_ctr_xor(&c, ctr, msg, 77, sep), GLASS_OK);
    memcpy(ctr, iv, 16);
    TU_ASSERT_ERR(aes256_ctr_xor(&c, ctr, inpl, 77, inpl), GLASS_OK);
    CU_ASSERT(memcmp(sep, inpl, 77) == 0);
    /* GCM */
    memcpy(inpl, msg, 77);
    TU_ASSERT_ERR(aes256_gcm_encrypt(&c, iv, 12, msg, 5, msg, 77, sep, tag1, 16), GLASS_OK);
    TU_ASSERT_ERR(aes256_gcm_encrypt(&c, iv, 12, msg, 5, inpl, 77, inpl, tag2, 16), GLASS_OK);
    CU_ASSERT(memcmp(sep, inpl, 77) == 0);
    CU_ASSERT(memcmp(tag1, tag2, 16) == 0);
    TU_ASSERT_ERR(aes256_gcm_decrypt(&c, iv, 12, msg, 5, inpl, 77, tag1, 16, inpl), GLASS_OK);
    CU_ASSERT(memcmp(msg, inpl, 77) == 0);
    aes256_clear(&c);
}

static void test_round_trips_every_length(void)
{
    glass_drbg d;
    aes256_ctx c;
    uint8_t iv[16], ctr[16], msg[101], ct[128], back[128], tag[16];
    glass_drbg_init(&d, SEED, 3);
    setup(&c, iv, &d);
    for (size_t len = 0; len <= 100; len++) {
        size_t n = 0, m = 0;
        glass_drbg_fill(&d, msg, sizeof msg);
        /* CBC + PKCS#7: always 1..16 bytes of padding */
        TU_ASSERT_ERR(aes256_cbc_encrypt_pkcs7(&c, iv, msg, len, ct, sizeof ct, &n), GLASS_OK);
        CU_ASSERT_EQUAL(n, (len / 16 + 1) * 16);
        TU_ASSERT_ERR(aes256_cbc_decrypt_pkcs7(&c, iv, ct, n, back, sizeof back, &m), GLASS_OK);
        CU_ASSERT_EQUAL(m, len);
        CU_ASSERT(len == 0 || memcmp(back, msg, len) == 0);
        /* CTR */
        memcpy(ctr, iv, 16);
        TU_ASSERT_ERR(aes256_ctr_xor(&c, ctr, msg, len, ct), GLASS_OK);
        memcpy(ctr, iv, 16);
        TU_ASSERT_ERR(aes256_ctr_xor(&c, ctr, ct, len, back), GLASS_OK);
        CU_ASSERT(len == 0 || memcmp(back, msg, len) == 0);
        /* GCM with an IV of 1 + len % 20 bytes and AAD of len % 33 bytes */
        size_t ivl = 1 + len % 20, aadl = len % 33;
        size_t tl = 4 + len % 13;
        TU_ASSERT_ERR(aes256_gcm_encrypt(&c, msg, ivl, msg, aadl, msg, len, ct, tag, tl),
                      GLASS_OK);
        TU_ASSERT_ERR(aes256_gcm_decrypt(&c, msg, ivl, msg, aadl, ct, len, tag, tl, back),
                      GLASS_OK);
        CU_ASSERT(len == 0 || memcmp(back, msg, len) == 0);
        /* ECB and CBC without padding: whole blocks only */
        if (len % 16 == 0) {
            TU_ASSERT_ERR(aes256_ecb_encrypt(&c, msg, len, ct), GLASS_OK);
            TU_ASSERT_ERR(aes256_ecb_decrypt(&c, ct, len, back), GLASS_OK);
            CU_ASSERT(len == 0 || memcmp(back, msg, len) == 0);
            TU_ASSERT_ERR(aes256_cbc_encrypt(&c, iv, msg, len, ct), GLASS_OK);
            TU_ASSERT_ERR(aes256_cbc_decrypt(&c, iv, ct, len, back), GLASS_OK);
            CU_ASSERT(len == 0 || memcmp(back, msg, len) == 0);
        } else {
            TU_ASSERT_ERR(aes256_ecb_encrypt(&c, msg, len, ct), GLASS_ERR_AES_NOT_BLOCKS);
            TU_ASSERT_ERR(aes256_cbc_decrypt(&c, iv, msg, len, ct), GLASS_ERR_AES_NOT_BLOCKS);
        }
    }
    aes256_clear(&c);
}

/* ---- PKCS#7: every kind of bad padding gives the one error ---------------- */

/* Encrypts the block `last` (after one good block) without padding, then
 * asks the padded decryption to remove the padding it claims. */
static glass_err decrypt_with_last_block(const uint8_t last[16], uint8_t *out, size_t *n)
{
    aes256_ctx c;
    uint8_t iv[16] = {1, 2, 3}, pt[32], ct[32];
    uint8_t key[32] = {9};
    memset(pt, 0x41, 16);
    memcpy(pt + 16, last, 16);
    aes256_init(&c, key, 32);
    aes256_cbc_encrypt(&c, iv, pt, 32, ct);
    memset(out, 0x77, 32);
    glass_err err = aes256_cbc_decrypt_pkcs7(&c, iv, ct, 32, out, 32, n);
    aes256_clear(&c);
    return err;
}

static void test_padding_errors(void)
{
    uint8_t last[16], out[32], zero[32] = {0};
    size_t n = 0;
    /* Rule (RFC 5652 §6.3): the last byte k is 1..16 and the last k bytes all
     * equal k.  Each violation gives GLASS_ERR_AES_PADDING and a wiped out[]. */
    memset(last, 0x42, 16);
    last[15] = 0x00;                                /* pad byte 0 */
    TU_ASSERT_ERR(decrypt_with_last_block(last, out, &n), GLASS_ERR_AES_PADDING);
    CU_ASSERT(memcmp(out, zero, 32) == 0);
    last[15] = 0x11;                                /* pad byte 17 > 16 */
    TU_ASSERT_ERR(decrypt_with_last_block(last, out, &n), GLASS_ERR_AES_PADDING);
    last[15] = 0xff;                                /* pad byte 255 */
    TU_ASSERT_ERR(decrypt_with_last_block(last, out, &n), GLASS_ERR_AES_PADDING);
    CU_ASSERT(memcmp(out, zero, 32) == 0);
    memset(last, 0x03, 16);
    last[13] = 0x02;                                /* ...02 03 03: inconsistent */
    TU_ASSERT_ERR(decrypt_with_last_block(last, out, &n), GLASS_ERR_AES_PADDING);
    memset(last, 0x10, 16);
    last[0] = 0x0f;                                 /* 16 claimed, first byte wrong */
    TU_ASSERT_ERR(decrypt_with_last_block(last, out, &n), GLASS_ERR_AES_PADDING);
    /* the good cases next to them */
    memset(last, 0x10, 16);
    TU_ASSERT_ERR(decrypt_with_last_block(last, out, &n), GLASS_OK);
    CU_ASSERT_EQUAL(n, 16);
    memset(last, 0x42, 16);
    last[15] = 0x01;
    TU_ASSERT_ERR(decrypt_with_last_block(last, out, &n), GLASS_OK);
    CU_ASSERT_EQUAL(n, 31);
    /* aes_pkcs7_unpad directly: every pad value 0..255 in the last byte */
    for (int k = 0; k < 256; k++) {
        uint8_t blk[16];
        memset(blk, k, 16);
        glass_err want = (k >= 1 && k <= 16) ? GLASS_OK : GLASS_ERR_AES_PADDING;
        TU_ASSERT_ERR(aes_pkcs7_unpad(blk, 16, &n), want);
        if (want == GLASS_OK)
            CU_ASSERT_EQUAL(n, (size_t)(16 - k));
    }
    TU_ASSERT_ERR(aes_pkcs7_unpad(last, 0, &n), GLASS_ERR_AES_NOT_BLOCKS);
    TU_ASSERT_ERR(aes_pkcs7_unpad(last, 15, &n), GLASS_ERR_AES_NOT_BLOCKS);
}

/* ---- CTR ---------------------------------------------------------------------- */

static void test_ctr_counter(void)
{
    aes256_ctx c;
    uint8_t key[32] = {7}, ctr[16], a[48], b[48], z[48] = {0};
    aes256_init(&c, key, 32);
    /* The 128-bit counter carries across all 16 bytes (SP 800-38A B.1). */
    memset(ctr, 0xff, 16);
    aes256_ctr_xor(&c, ctr, z, 16, a);
    for (int i = 0; i < 16; i++)
        CU_ASSERT_EQUAL(ctr[i], 0);
    /* Two calls of whole blocks continue the stream. */
    memset(ctr, 0, 16);
    ctr[15] = 0xfe;
    aes256_ctr_xor(&c, ctr, z, 48, a);
    memset(ctr, 0, 16);
    ctr[15] = 0xfe;
    aes256_ctr_xor(&c, ctr, z, 16, b);
    aes256_ctr_xor(&c, ctr, z + 16, 32, b + 16);
    CU_ASSERT(memcmp(a, b, 48) == 0);
    CU_ASSERT_EQUAL(ctr[14], 1);
    CU_ASSERT_EQUAL(ctr[15], 1);
    /* The keystream block i is E(counter + i). */
    uint8_t t[16] = {0};
    t[14] = 1;
    aes256_encrypt_block(&c, t, b);
    CU_ASSERT(memcmp(a + 32, b, 16) == 0);
    aes256_clear(&c);
}

/* ---- GCM ---------------------------------------------------------------------- */

static void test_gcm_tag_failures(void)
{
    glass_drbg d;
    aes256_ctx c;
    uint8_t iv[16], msg[40], aad[20], ct[40], tag[16], out[40], zero[40] = {0};
    glass_drbg_init(&d, SEED, 4);
    setup(&c, iv, &d);
    glass_drbg_fill(&d, msg, sizeof msg);
    glass_drbg_fill(&d, aad, sizeof aad);
    TU_ASSERT_ERR(aes256_gcm_encrypt(&c, iv, 12, aad, 20, msg, 40, ct, tag, 16), GLASS_OK);
    /* every single-bit change of the tag, the ciphertext, the AAD or the IV
     * is refused, and the output is wiped */
    for (int bit = 0; bit < 128; bit++) {
        tag[bit / 8] ^= (uint8_t)(1 << (bit % 8));
        memset(out, 0x55, sizeof out);
        TU_ASSERT_ERR(aes256_gcm_decrypt(&c, iv, 12, aad, 20, ct, 40, tag, 16, out),
                      GLASS_ERR_AES_TAG);
        CU_ASSERT(memcmp(out, zero, 40) == 0);
        tag[bit / 8] ^= (uint8_t)(1 << (bit % 8));
    }
    for (int i = 0; i < 40; i++) {
        ct[i] ^= 0x80;
        TU_ASSERT_ERR(aes256_gcm_decrypt(&c, iv, 12, aad, 20, ct, 40, tag, 16, out),
                      GLASS_ERR_AES_TAG);
        ct[i] ^= 0x80;
    }
    aad[19] ^= 1;
    TU_ASSERT_ERR(aes256_gcm_decrypt(&c, iv, 12, aad, 20, ct, 40, tag, 16, out),
                  GLASS_ERR_AES_TAG);
    aad[19] ^= 1;
    TU_ASSERT_ERR(aes256_gcm_decrypt(&c, iv, 12, aad, 19, ct, 40, tag, 16, out),
                  GLASS_ERR_AES_TAG);
    iv[0] ^= 1;
    TU_ASSERT_ERR(aes256_gcm_decrypt(&c, iv, 12, aad, 20, ct, 40, tag, 16, out),
                  GLASS_ERR_AES_TAG);
    iv[0] ^= 1;
    TU_ASSERT_ERR(aes256_gcm_decrypt(&c, iv, 13, aad, 20, ct, 40, tag, 16, out),
                  GLASS_ERR_AES_TAG);
    /* a truncated tag is checked on its own length only */
    TU_ASSERT_ERR(aes256_gcm_decrypt(&c, iv, 12, aad, 20, ct, 40, tag, 8, out), GLASS_OK);
    CU_ASSERT(memcmp(out, msg, 40) == 0);
    tag[7] ^= 1;
    TU_ASSERT_ERR(aes256_gcm_decrypt(&c, iv, 12, aad, 20, ct, 40, tag, 8, out),
                  GLASS_ERR_AES_TAG);
    tag[7] ^= 1;
    /* lengths the standard does not allow */
    TU_ASSERT_ERR(aes256_gcm_encrypt(&c, iv, 12, aad, 20, msg, 40, ct, tag, 3),
                  GLASS_ERR_AES_TAG_LENGTH);
    TU_ASSERT_ERR(aes256_gcm_encrypt(&c, iv, 12, aad, 20, msg, 40, ct, tag, 17),
                  GLASS_ERR_AES_TAG_LENGTH);
    TU_ASSERT_ERR(aes256_gcm_decrypt(&c, iv, 12, aad, 20, ct, 40, tag, 0, out),
                  GLASS_ERR_AES_TAG_LENGTH);
    TU_ASSERT_ERR(aes256_gcm_encrypt(&c, iv, 0, aad, 20, msg, 40, ct, tag, 16),
                  GLASS_ERR_AES_IV_LENGTH);
    aes256_clear(&c);
}

/* GHASH's 4-bit table against SP 800-38D §6.3 Algorithm 1, and the field
 * laws it must obey. */
static void test_ghash_table_matches_definition(void)
{
    glass_drbg d;
    uint8_t X[16], H[16], a[16], b[16], one[16] = {0x80};
    glass_drbg_init(&d, SEED, 5);
    for (int n = 0; n < 300; n++) {
        glass_drbg_fill(&d, X, 16);
        glass_drbg_fill(&d, H, 16);
        gcm_mult_ref(X, H, a);
        gcm_mult_table(X, H, b);
        CU_ASSERT(memcmp(a, b, 16) == 0);
        gcm_mult_ref(H, X, b);                      /* commutative */
        CU_ASSERT(memcmp(a, b, 16) == 0);
        gcm_mult_table(one, H, b);                  /* 1 . H = H (1 is bit 0) */
        CU_ASSERT(memcmp(b, H, 16) == 0);
    }
}

/* gcm_mult_ct against the definition and the table on random inputs, and
 * on the edge values 0, 1 and all-ones. */
static void test_ghash_ct_matches_definition(void)
{
    glass_drbg d;
    uint8_t X[16], H[16], a[16], b[16], c[16];
    uint8_t zero[16] = {0}, one[16] = {0x80}, ones[16];
    memset(ones, 0xff, 16);
    glass_drbg_init(&d, SEED, 8);
    for (int n = 0; n < 300; n++) {
        glass_drbg_fill(&d, X, 16);
        glass_drbg_fill(&d, H, 16);
        gcm_mult_ref(X, H, a);
        gcm_mult_table(X, H, b);
        gcm_mult_ct(X, H, c);
        CU_ASSERT(memcmp(a, c, 16) == 0);
        CU_ASSERT(memcmp(b, c, 16) == 0);
        gcm_mult_ct(one, H, c);
        CU_ASSERT(memcmp(c, H, 16) == 0);
        gcm_mult_ct(zero, H, c);
        CU_ASSERT(memcmp(c, zero, 16) == 0);
        gcm_mult_ref(ones, H, a);
        gcm_mult_ct(ones, H, c);
        CU_ASSERT(memcmp(a, c, 16) == 0);
    }
}

/* aes256_gcm_*_ct against aes256_gcm_*: same ciphertext and tag for random
 * keys, IV lengths, AAD and message lengths; a flipped tag bit refused. */
static void test_gcm_ct_agrees(void)
{
    glass_drbg d;
    uint8_t key[32], iv[20], aad[40], msg[70], c1[70], c2[70], back[70], t1[16], t2[16];
    glass_drbg_init(&d, SEED, 9);
    for (int n = 0; n < 40; n++) {
        aes256_ctx c, k;
        size_t ivl = 1 + (size_t)(n % 20), aadl = (size_t)(n * 7 % 41), len = (size_t)(n * 13 % 71);
        glass_drbg_fill(&d, key, sizeof key);
        glass_drbg_fill(&d, iv, sizeof iv);
        glass_drbg_fill(&d, aad, sizeof aad);
        glass_drbg_fill(&d, msg, sizeof msg);
        aes256_init(&c, key, 32);
        aes256_ct_init(&k, key, 32);
        TU_ASSERT_ERR(aes256_gcm_encrypt(&c, iv, ivl, aad, aadl, msg, len, c1, t1, 16), GLASS_OK);
        TU_ASSERT_ERR(aes256_gcm_encrypt_ct(&k, iv, ivl, aad, aadl, msg, len, c2, t2, 16),
                      GLASS_OK);
        CU_ASSERT(len == 0 || memcmp(c1, c2, len) == 0);
        CU_ASSERT(memcmp(t1, t2, 16) == 0);
        TU_ASSERT_ERR(aes256_gcm_decrypt_ct(&k, iv, ivl, aad, aadl, c2, len, t2, 16, back),
                      GLASS_OK);
        CU_ASSERT(len == 0 || memcmp(back, msg, len) == 0);
        t2[n % 16] ^= 0x04;
        TU_ASSERT_ERR(aes256_gcm_decrypt_ct(&k, iv, ivl, aad, aadl, c2, len, t2, 16, back),
                      GLASS_ERR_AES_TAG);
        TU_ASSERT_ERR(aes256_gcm_encrypt_ct(&k, iv, 0, aad, aadl, msg, len, c2, t2, 16),
                      GLASS_ERR_AES_IV_LENGTH);
        aes256_clear(&c);
        aes256_clear(&k);
    }
}

static void test_bad_lengths(void)
{
    aes256_ctx c;
    uint8_t key[32] = {0}, iv[16] = {0}, buf[48] = {0};
    size_t n;
    aes256_init(&c, key, 32);
    TU_ASSERT_ERR(aes256_ecb_decrypt(&c, buf, 17, buf), GLASS_ERR_AES_NOT_BLOCKS);
    TU_ASSERT_ERR(aes256_cbc_encrypt(&c, iv, buf, 15, buf), GLASS_ERR_AES_NOT_BLOCKS);
    TU_ASSERT_ERR(aes256_cbc_decrypt_pkcs7(&c, iv, buf, 0, buf, 48, &n),
                  GLASS_ERR_AES_NOT_BLOCKS);
    TU_ASSERT_ERR(aes256_cbc_decrypt_pkcs7(&c, iv, buf, 20, buf, 48, &n),
                  GLASS_ERR_AES_NOT_BLOCKS);
    TU_ASSERT_ERR(aes256_cbc_encrypt_pkcs7(&c, iv, buf, 32, buf, 47, &n),
                  GLASS_ERR_BUFFER_TOO_SMALL);
    /* no input at all: one block of padding, 16 x 0x10 */
    TU_ASSERT_ERR(aes256_cbc_encrypt_pkcs7(&c, iv, NULL, 0, buf, 16, &n), GLASS_OK);
    CU_ASSERT_EQUAL(n, 16);
    TU_ASSERT_ERR(aes256_cbc_decrypt(&c, iv, buf, 16, buf), GLASS_OK);
    for (int i = 0; i < 16; i++)
        CU_ASSERT_EQUAL(buf[i], 0x10);
    aes256_clear(&c);
}

void suite_aes(void)
{
    CU_pSuite s = tu_suite("aes");
    TU_ADD(s, test_fips197_c3_both_ciphers);
    TU_ADD(s, test_fips197_a3_key_expansion);
    TU_ADD(s, test_fips197_c3_ct);
    TU_ADD(s, test_key_length);
    TU_ADD(s, test_trace_matches_appendix_c3);
    TU_ADD(s, test_ref_and_fast_agree);
    TU_ADD(s, test_ct_and_ref_agree);
    TU_ADD(s, test_in_place);
    TU_ADD(s, test_round_trips_every_length);
    TU_ADD(s, test_padding_errors);
    TU_ADD(s, test_ctr_counter);
    TU_ADD(s, test_gcm_tag_failures);
    TU_ADD(s, test_ghash_table_matches_definition);
    TU_ADD(s, test_ghash_ct_matches_definition);
    TU_ADD(s, test_gcm_ct_agrees);
    TU_ADD(s, test_bad_lengths);
}
