/*
 * test_tlstool.c — the parts of the TLS 1.2 tools (tlstool/tlstool.h) that
 * run without a socket: -rev's line reversal, the key log line the summary
 * reads its master secret from, the -www request reader, and the suite
 * names; the events the back-to-back pump (net/pump.c) hands over; and
 * records sealed GLASS_SEAL_LANES at a time, byte for byte those sealed
 * one by one.
 * (The TLS 1.2 dissector is the engine's: test_dissect.c.)
 */
#include "proto_pair.h"
#include "tlstool/tlstool.h"
#include "net/net.h"

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

/* ---- the back-to-back pump's events (net/pump.c) ------------------------------- */

typedef struct pumped {
    int done[2], alert_sent[2], alert_received[2], closed[2];
    size_t n;
} pumped;

static void on_pumped(void *arg, int from_client, const glass_event *ev)
{
    pumped *p = arg;
    int side = from_client ? 0 : 1;
    p->n++;
    if (ev->type == GLASS_EV_HANDSHAKE_DONE)
        p->done[side]++;
    else if (ev->type == GLASS_EV_ALERT_SENT)
        p->alert_sent[side] = ev->alert;
    else if (ev->type == GLASS_EV_ALERT_RECEIVED)
        p->alert_received[side] = ev->alert;
    else if (ev->type == GLASS_EV_CLOSED)
        p->closed[side]++;
}

/* net_pump_handshake_events hands over what the engines raised: one
 * HANDSHAKE_DONE a side for a good handshake (both profiles); for a client
 * that refuses the server's name, its bad_certificate alert sent, the same
 * alert received by the server, and both closed. */
static void test_tlstool_pump_events(void)
{
    for (int profile = 0; profile < 2; profile++) {
        pair p;
        pumped got;
        memset(&got, 0, sizeof got);
        if (!pair_setup(&p))
            return;
        p.ccfg.profile = p.scfg.profile = (glass_profile)profile;
        CU_ASSERT_FATAL(pair_start(&p));
        TU_ASSERT_ERR(net_pump_handshake_events(p.c, p.s, on_pumped, &got), GLASS_OK);
        CU_ASSERT(got.done[0] == 1 && got.done[1] == 1 && got.closed[0] == 0);
        pair_free(&p);
    }
    pair p;
    pumped got;
    memset(&got, 0, sizeof got);
    if (!pair_setup(&p))
        return;
    p.ccfg.profile = p.scfg.profile = GLASS_PROFILE_TLS12;
    p.ccfg.server_name = "not-the-server.example";
    CU_ASSERT_FATAL(pair_start(&p));
    CU_ASSERT(net_pump_handshake_events(p.c, p.s, on_pumped, &got) != GLASS_OK);
    CU_ASSERT(got.done[0] == 0 && got.done[1] == 0);
    CU_ASSERT(got.alert_sent[0] == GLASS_ALERT_BAD_CERTIFICATE);
    CU_ASSERT(got.alert_received[1] == GLASS_ALERT_BAD_CERTIFICATE);
    CU_ASSERT(got.closed[0] == 1 && got.closed[1] == 1);
    pair_free(&p);
}

/* ---- records sealed side by side (protocol/record.c) ---------------------------- */

/* A randomness source that fails on its third call. */
static glass_err rnd_third_fails(void *arg, uint8_t *buf, size_t len)
{
    int *calls = arg;
    if (++*calls == 3)
        return GLASS_ERR_RANDOM;
    memset(buf, 0x5a, len);
    return GLASS_OK;
}

/* A group whose third IV cannot be drawn leaves nothing in out (the two
 * records laid out before it are still in clear) and the sequence number
 * where it was. */
static void test_tlstool_seal_many_fails_whole(void)
{
    static uint8_t pt[4 * GLASS_MAX_PLAINTEXT];
    const uint8_t mk[32] = {7}, ek[32] = {8};
    glass_direction d;
    glass_buf b = {0};
    int calls = 0;
    memset(&d, 0, sizeof d);
    memset(pt, 0x41, sizeof pt);
    TU_ASSERT_ERR(glass_direction_activate(&d, mk, ek, 1), GLASS_OK);
    glass_buf_put(&b, "keep", 4);
    TU_ASSERT_ERR(glass_record_seal_many(&d, GLASS_CT_APPLICATION, pt, sizeof pt,
                                         rnd_third_fails, &calls, NULL, &b),
                  GLASS_ERR_RANDOM);
    CU_ASSERT(b.len == 4 && memcmp(b.p, "keep", 4) == 0 && d.seq == 0);
    glass_buf_free(&b);
    glass_direction_clear(&d);
}

/* glass_record_seal_many makes the bytes glass_record_seal makes record by
 * record — both protections, the bitsliced and the table cipher, a stream
 * of one byte, one of 3.5 records (part of a group) and one of
 * GLASS_SEAL_LANES + 1 records (two groups) — and each opens. */
static void test_tlstool_seal_many(void)
{
    static uint8_t pt[(GLASS_SEAL_LANES + 1) * GLASS_MAX_PLAINTEXT];
    static uint8_t got[GLASS_MAX_FRAGMENT];
    const uint8_t mk[32] = {1, 2, 3}, ek[32] = {4, 5, 6};
    for (size_t i = 0; i < sizeof pt; i++)
        pt[i] = (uint8_t)(i * 7 + (i >> 9));
    const size_t lens[] = {1, 7 * GLASS_MAX_PLAINTEXT / 2, sizeof pt};
    const char *const impls[] = {"ct", "table"};
    for (int etm = 0; etm < 2; etm++)
        for (size_t m = 0; m < 2; m++)
            for (size_t l = 0; l < 3; l++) {
                glass_direction one, many, rd;
                glass_drbg r1, r2;
                glass_buf b1 = {0}, b2 = {0};
                const aes_impl *impl = aes_impl_by_name(impls[m]);
                memset(&one, 0, sizeof one);
                memset(&many, 0, sizeof many);
                memset(&rd, 0, sizeof rd);
                glass_drbg_init(&r1, 9, 1);
                glass_drbg_init(&r2, 9, 1);
                TU_ASSERT_ERR(glass_direction_activate_impl(&one, mk, ek, etm, impl), GLASS_OK);
                TU_ASSERT_ERR(glass_direction_activate_impl(&many, mk, ek, etm, impl), GLASS_OK);
                TU_ASSERT_ERR(glass_direction_activate(&rd, mk, ek, etm), GLASS_OK);
                one.version = many.version = rd.version = GLASS_TLS12_VERSION;
                for (size_t off = 0; off < lens[l]; off += GLASS_MAX_PLAINTEXT) {
                    size_t n = lens[l] - off;
                    n = n < GLASS_MAX_PLAINTEXT ? n : GLASS_MAX_PLAINTEXT;
                    TU_ASSERT_ERR(glass_record_seal(&one, GLASS_CT_APPLICATION, pt + off, n,
                                                    glass_random_from_drbg, &r1, NULL, &b1),
                                  GLASS_OK);
                }
                TU_ASSERT_ERR(glass_record_seal_many(&many, GLASS_CT_APPLICATION, pt, lens[l],
                                                     glass_random_from_drbg, &r2, NULL, &b2),
                              GLASS_OK);
                CU_ASSERT(b1.len == b2.len && memcmp(b1.p, b2.p, b1.len) == 0);
                CU_ASSERT_EQUAL(one.seq, many.seq);
                size_t at = 0, total = 0;
                while (at + GLASS_RECORD_HEADER_LEN <= b2.len) {
                    size_t rec = GLASS_RECORD_HEADER_LEN + ((size_t)b2.p[at + 3] << 8 | b2.p[at + 4]);
                    size_t n = 0;
                    CU_ASSERT_FATAL(rec <= b2.len - at);
                    TU_ASSERT_ERR(glass_record_open(&rd, b2.p + at, rec, NULL, got, &n), GLASS_OK);
                    CU_ASSERT(n > 0 && total + n <= lens[l] && memcmp(got, pt + total, n) == 0);
                    total += n;
                    at += rec;
                }
                CU_ASSERT(at == b2.len && total == lens[l]);
                glass_buf_free(&b1);
                glass_buf_free(&b2);
                glass_direction_clear(&one);
                glass_direction_clear(&many);
                glass_direction_clear(&rd);
            }
}

void suite_tlstool(void)
{
    CU_pSuite s = tu_suite("tlstool");
    TU_ADD(s, test_tlstool_rev_lines);
    TU_ADD(s, test_tlstool_keylog_line);
    TU_ADD(s, test_tlstool_www_request);
    TU_ADD(s, test_tlstool_names);
    TU_ADD(s, test_tlstool_pump_events);
    TU_ADD(s, test_tlstool_seal_many);
    TU_ADD(s, test_tlstool_seal_many_fails_whole);
}
