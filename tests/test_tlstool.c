/*
 * test_tlstool.c — the parts of the TLS 1.2 tools (tlstool/tlstool.h) that
 * run without a socket: -rev's line reversal, the key log line the summary
 * reads its master secret from, the -www request reader, and the suite
 * names.  (The TLS 1.2 dissector is the engine's: test_dissect.c.)
 */
#include "proto_pair.h"
#include "tlstool/tlstool.h"

#include <stdlib.h>
#include <string.h>

static void test_tlstool_rev_lines(void)
{
    const char in[] = "abc\ndef\r\nxy";
    uint8_t out[sizeof in];
    size_t out_len = 0;
    size_t used = tlstool_rev_lines((const uint8_t *)in, sizeof in - 1, out, &out_len);
    CU_ASSERT_EQUAL(used, 9);       /* "xy" waits for its newline */
    CU_ASSERT(out_len == 8 && memcmp(out, "cba\nfed\n", 8) == 0);
    used = tlstool_rev_lines((const uint8_t *)"\n", 1, out, &out_len);
    CU_ASSERT(used == 1 && out_len == 1 && out[0] == '\n');
}

static void test_tlstool_keylog_line(void)
{
    tlstool_tap tap;
    glass_config cfg;
    memset(&cfg, 0, sizeof cfg);
    tlstool_tap_init(&tap, &cfg, NULL, TLSTOOL_RENDER_NONE, NULL, "");
    CU_ASSERT(cfg.keylog == tlstool_tap_keylog && cfg.trace == NULL);
    char line[256];
    snprintf(line, sizeof line, "CLIENT_RANDOM %064d %s", 0,
             "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
             "202122232425262728292a2b2c2d2e2f");
    tlstool_tap_keylog(&tap, line);
    CU_ASSERT_FATAL(tap.have_master);
    for (int i = 0; i < 48; i++)
        CU_ASSERT_EQUAL(tap.master_secret[i], i);
    tlstool_tap_clear(&tap);
    CU_ASSERT(!tap.have_master && tap.master_secret[47] == 0);
    tlstool_tap_keylog(&tap, "CLIENT_RANDOM 00 11");           /* too short */
    line[strlen(line) - 1] = 'g';                             /* not hex */
    tlstool_tap_keylog(&tap, line);
    CU_ASSERT(!tap.have_master);
}

static void test_tlstool_www_request(void)
{
    uint8_t *resp = NULL;
    size_t len = 0;
    char what[64];
    const char part[] = "GET / HTTP/1.0\r\n";
    CU_ASSERT_EQUAL(tlstool_www_answer(TLSTOOL_MODE_WWW_FILES, NULL, NULL, (const uint8_t *)part,
                                       sizeof part - 1, &resp, &len, what, sizeof what), 0);
    const char whole[] = "GET /nothing.html HTTP/1.0\r\n\r\n";
    CU_ASSERT_EQUAL(tlstool_www_answer(TLSTOOL_MODE_WWW_FILES, NULL, NULL,
                                       (const uint8_t *)whole, sizeof whole - 1, &resp, &len,
                                       what, sizeof what), 1);
    /* Nothing is published (root NULL): every page is 404. */
    CU_ASSERT(resp != NULL && len > 12 && memcmp(resp + 9, "404", 3) == 0);
    free(resp);
}

static void test_tlstool_names(void)
{
    CU_ASSERT_STRING_EQUAL(tlstool_suite_openssl_name(0x006B), "DHE-RSA-AES256-SHA256");
    CU_ASSERT_STRING_EQUAL(tlstool_suite_iana_name(0x006B), "TLS_DHE_RSA_WITH_AES_256_CBC_SHA256");
    CU_ASSERT_STRING_EQUAL(tlstool_suite_openssl_name(0x002F), "unknown");
    CU_ASSERT_STRING_EQUAL(tlstool_version_name(0x0303), "TLSv1.2");
    CU_ASSERT_STRING_EQUAL(tlstool_version_name(GLASS_VERSION), "glass");
}

void suite_tlstool(void)
{
    CU_pSuite s = tu_suite("tlstool");
    TU_ADD(s, test_tlstool_rev_lines);
    TU_ADD(s, test_tlstool_keylog_line);
    TU_ADD(s, test_tlstool_www_request);
    TU_ADD(s, test_tlstool_names);
}
