/*
 * test_tlstool.c — the parts of the TLS 1.2 tools (tlstool/tlstool.h) that
 * run without a socket: the TLS 1.2 dissector over every handshake message
 * of a real connection (two engines back to back, tests/proto_pair.h) —
 * each parses, its fields tile the message with no gap or overlap, every
 * truncation and a seeded run of byte mutations is reported as a decode
 * error or parsed, never read past its end (make asan checks that) — then
 * -rev's line reversal, the key log line the summary reads its master
 * secret from, the -www request reader, and the suite names.
 */
#include "proto_pair.h"
#include "tlstool/tlstool.h"

#include <stdlib.h>
#include <string.h>

#define MAX_MSGS 24

typedef struct captured {
    size_t n;
    uint8_t *msg[MAX_MSGS];
    size_t len[MAX_MSGS];
    char name[MAX_MSGS][32];
} captured;

static void capture(void *arg, const char *name, const char *explain, const uint8_t *bytes,
                    size_t len)
{
    captured *c = arg;
    (void)explain;
    if (strncmp(name, "send ", 5) != 0 || strcmp(name, "send record") == 0 ||
        strcmp(name, "send Alert") == 0 || strcmp(name, "send application_data") == 0 ||
        strcmp(name, "send ChangeCipherSpec") == 0 || c->n >= MAX_MSGS || len == 0)
        return;
    c->msg[c->n] = malloc(len);
    if (c->msg[c->n] == NULL)
        return;
    memcpy(c->msg[c->n], bytes, len);
    c->len[c->n] = len;
    snprintf(c->name[c->n], sizeof c->name[0], "%s", name + 5);
    c->n++;
}

/* The fields after the first (whole-message) call must tile [0, len). */
typedef struct tiling {
    size_t calls, next, len;
    int gap;
} tiling;

static void tile(void *arg, size_t offset, size_t len, const char *field, const char *meaning)
{
    tiling *t = arg;
    (void)meaning;
    CU_ASSERT(field != NULL && strlen(field) > 0);
    if (offset > t->len || len > t->len - offset)
        t->gap = 1;                 /* a field outside the message */
    if (t->calls++ == 0)
        return;
    if (offset != t->next)
        t->gap = 1;
    t->next = offset + len;
}

static void quiet(void *arg, size_t offset, size_t len, const char *field, const char *meaning)
{
    size_t *total = arg;
    (void)field;
    (void)meaning;
    *total += offset + len;         /* touch the values; the bounds are asan's */
}

static void test_tlstool_dissect12(void)
{
    pair p;
    captured c;
    memset(&c, 0, sizeof c);
    if (!pair_setup(&p))
        return;
    p.ccfg.profile = p.scfg.profile = GLASS_PROFILE_TLS12;
    p.scfg.client_auth = GLASS_CLIENT_AUTH_REQUIRE;
    glass_tracer tc = {capture, &c}, ts = {capture, &c};
    p.ccfg.trace = &tc;
    p.scfg.trace = &ts;
    CU_ASSERT_FATAL(pair_start(&p));
    pair_pump(&p);
    CU_ASSERT(p.cl.handshake_done && p.sl.handshake_done);
    /* ClientHello .. server Finished: at least the ten messages of a mutual handshake. */
    CU_ASSERT(c.n >= 10);
    glass_drbg rng;
    glass_drbg_init(&rng, 20261202, 7);
    for (size_t i = 0; i < c.n; i++) {
        tiling t = {0, 0, c.len[i], 0};
        glass_err err = tlstool_dissect12(c.msg[i], c.len[i], tile, &t);
        if (err != GLASS_OK || t.gap || t.next != c.len[i])
            fprintf(stderr, "dissect12: %s (%zu bytes) err %d gap %d end %zu\n", c.name[i],
                    c.len[i], (int)err, t.gap, t.next);
        CU_ASSERT(err == GLASS_OK && !t.gap && t.next == c.len[i]);
        /* Every truncation: a decode error, never a read past the end. */
        for (size_t n = 0; n < c.len[i]; n++) {
            uint8_t *cut = malloc(n ? n : 1);
            size_t total = 0;
            if (cut == NULL)
                continue;
            memcpy(cut, c.msg[i], n);
            CU_ASSERT(tlstool_dissect12(cut, n, quiet, &total) == GLASS_ERR_PROTO_DECODE);
            free(cut);
        }
        /* 200 seeded mutations of one byte each: parsed or refused, no more. */
        for (int k = 0; k < 200; k++) {
            uint8_t *m = malloc(c.len[i]);
            uint8_t r[3];
            size_t total = 0;
            if (m == NULL)
                continue;
            memcpy(m, c.msg[i], c.len[i]);
            glass_drbg_fill(&rng, r, sizeof r);
            m[((size_t)r[0] << 8 | r[1]) % c.len[i]] = r[2];
            glass_err e = tlstool_dissect12(m, c.len[i], quiet, &total);
            CU_ASSERT(e == GLASS_OK || e == GLASS_ERR_PROTO_DECODE);
            free(m);
        }
        free(c.msg[i]);
    }
    pair_free(&p);
}

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
    TU_ADD(s, test_tlstool_dissect12);
    TU_ADD(s, test_tlstool_rev_lines);
    TU_ADD(s, test_tlstool_keylog_line);
    TU_ADD(s, test_tlstool_www_request);
    TU_ADD(s, test_tlstool_names);
}
