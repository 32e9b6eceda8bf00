/*
 * test_common.c — hex, constant-time compare, wipe, randomness, errors.
 */
#include "testutil.h"

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
}
