/*
 * test_protocol_wire.c — the glass protocol below and around the
 * handshake: hostile bytes fed to an engine (garbage, oversized records,
 * application data out of place), then the pieces underneath — the record
 * layer, the message encoders and decoders, the application messages, the
 * dissector over a whole handshake, and the config checks.
 */
#include "proto_pair.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- hostile bytes ------------------------------------------------------------- */

static void feed_server_raw(const uint8_t *bytes, size_t len, int alert, glass_err expect)
{
    pair p;
    if (!pair_setup(&p))
        return;
    CU_ASSERT_FATAL(glass_engine_new(&p.s, &p.scfg) == GLASS_OK);
    TU_ASSERT_ERR(glass_engine_start(p.s), GLASS_OK);
    TU_ASSERT_ERR(glass_engine_feed(p.s, bytes, len), expect);
    pair_log_events(p.s, &p.sl);
    CU_ASSERT_EQUAL(p.sl.alert_sent, alert);
    CU_ASSERT_EQUAL(glass_engine_state(p.s), GLASS_STATE_ERROR);
    /* The alert is what the engine has to send. */
    const uint8_t *out;
    size_t n;
    glass_engine_output(p.s, &out, &n);
    CU_ASSERT(n == 7 && out[0] == GLASS_CT_ALERT && out[5] == 2 && out[6] == alert);
    /* Nothing after a failure is processed. */
    TU_ASSERT_ERR(glass_engine_feed(p.s, bytes, len), GLASS_ERR_PROTO_CLOSED);
    glass_engine_free(p.s);
}

static void test_reject_garbage(void)
{
    static const char http[] = "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n";
    feed_server_raw((const uint8_t *)http, sizeof http - 1, GLASS_ALERT_UNEXPECTED_MESSAGE,
                    GLASS_ERR_PROTO_UNEXPECTED);
    /* A TLS 1.2 ClientHello header: right content type, TLS's version
     * bytes -- named as such, so the application can say "the peer speaks
     * TLS, not glass". */
    static const uint8_t tls[] = {0x16, 0x03, 0x01, 0x00, 0x05, 1, 0, 0, 1, 0};
    feed_server_raw(tls, sizeof tls, GLASS_ALERT_PROTOCOL_VERSION,
                    GLASS_ERR_PROTO_PEER_SPEAKS_TLS);
    /* Some other version bytes. */
    static const uint8_t v2[] = {0x16, 0x47, 0x02, 0x00, 0x05, 1, 0, 0, 1, 0};
    feed_server_raw(v2, sizeof v2, GLASS_ALERT_PROTOCOL_VERSION, GLASS_ERR_PROTO_VERSION);
    /* Application data before any handshake. */
    static const uint8_t app[] = {0x17, 0x47, 0x01, 0x00, 0x01, 0x00};
    feed_server_raw(app, sizeof app, GLASS_ALERT_UNEXPECTED_MESSAGE, GLASS_ERR_PROTO_UNEXPECTED);
    /* A handshake message glass does not know. */
    static const uint8_t unk[] = {0x16, 0x47, 0x01, 0x00, 0x04, 99, 0, 0, 0};
    feed_server_raw(unk, sizeof unk, GLASS_ALERT_UNEXPECTED_MESSAGE, GLASS_ERR_PROTO_UNEXPECTED);
}

static void test_reject_record_overflow(void)
{
    /* The header alone (length 2^14 + 1) is refused: no waiting for the body. */
    static const uint8_t big[] = {0x16, 0x47, 0x01, 0x40, 0x01};
    feed_server_raw(big, sizeof big, GLASS_ALERT_RECORD_OVERFLOW, GLASS_ERR_PROTO_RECORD_OVERFLOW);
}

static glass_err fixed_random(void *arg, uint8_t *buf, size_t len);

/* Application data in an enrollment session is refused, even when it is
 * correctly protected: the record is made here with the client's keys,
 * taken from the trace.  Without server-only access (cfg.anonymous) a
 * certificate is required: handshake_failure (RFC 5246 §7.4.6). */
typedef struct keys_seen {
    uint8_t mac[32], enc[32];
} keys_seen;

static void trace_keys(void *arg, const char *name, const char *explain, const uint8_t *bytes,
                       size_t len)
{
    keys_seen *k = arg;
    (void)explain;
    if (strcmp(name, "derive client_write_MAC_key") == 0 && len == 32)
        memcpy(k->mac, bytes, 32);
    if (strcmp(name, "derive client_write_key") == 0 && len == 32)
        memcpy(k->enc, bytes, 32);
}

static void test_reject_app_in_enroll_session(void)
{
    pair p;
    keys_seen k;
    glass_tracer t = {trace_keys, &k};
    glass_direction w;
    glass_buf rec = {0};
    uint8_t seed = 9;
    if (!pair_setup(&p))
        return;
    p.ccfg.chain = NULL;
    p.ccfg.n_chain = 0;
    p.ccfg.key = NULL;
    p.ccfg.trace = &t;
    p.scfg.allow_enroll = 1;
    CU_ASSERT_FATAL(pair_start(&p));
    pair_pump(&p);
    CU_ASSERT_EQUAL_FATAL(glass_engine_state(p.s), GLASS_STATE_S_WAIT_ENROLL_REQUEST);
    memset(&w, 0, sizeof w);
    TU_ASSERT_ERR(glass_direction_activate(&w, k.mac, k.enc, 1), GLASS_OK);
    w.seq = 1;                                   /* the client's Finished was 0 */
    TU_ASSERT_ERR(glass_record_seal(&w, GLASS_CT_APPLICATION, (const uint8_t *)"\x03", 1,
                                    fixed_random, &seed, NULL, &rec),
                  GLASS_OK);
    TU_ASSERT_ERR(glass_engine_feed(p.s, rec.p, rec.len), GLASS_ERR_PROTO_NO_CLIENT_CERT);
    pair_log_events(p.s, &p.sl);
    CU_ASSERT_EQUAL(p.sl.alert_sent, GLASS_ALERT_HANDSHAKE_FAILURE);
    CU_ASSERT_EQUAL(p.sl.n_app, 0);
    glass_buf_free(&rec);
    glass_direction_clear(&w);
    pair_free(&p);
}

/* A protected record header announcing more than IV + 16 KiB + padding + MAC. */
static void test_reject_protected_overflow(void)
{
    pair p;
    uint8_t hdr[5] = {GLASS_CT_APPLICATION, 0x47, 0x01, 0, 0};
    if (!pair_setup(&p))
        return;
    CU_ASSERT_FATAL(pair_start(&p));
    pair_pump(&p);
    CU_ASSERT_EQUAL_FATAL(glass_engine_state(p.s), GLASS_STATE_APPLICATION);
    hdr[3] = (uint8_t)((GLASS_MAX_FRAGMENT + 1) >> 8);
    hdr[4] = (uint8_t)(GLASS_MAX_FRAGMENT + 1);
    TU_ASSERT_ERR(glass_engine_feed(p.s, hdr, sizeof hdr), GLASS_ERR_PROTO_RECORD_OVERFLOW);
    pair_log_events(p.s, &p.sl);
    CU_ASSERT_EQUAL(p.sl.alert_sent, GLASS_ALERT_RECORD_OVERFLOW);
    pair_free(&p);
}

/* ---- the pieces underneath -------------------------------------------------------- */

static glass_err fixed_random(void *arg, uint8_t *buf, size_t len)
{
    memset(buf, *(uint8_t *)arg, len);
    return GLASS_OK;
}

static void test_record_round_trip(void)
{
    glass_direction w, r;
    uint8_t mk[32], ek[32], pt[GLASS_MAX_FRAGMENT];
    uint8_t seed = 7;
    size_t n;
    memset(&w, 0, sizeof w);
    memset(&r, 0, sizeof r);
    memset(mk, 1, sizeof mk);
    memset(ek, 2, sizeof ek);
    TU_ASSERT_ERR(glass_direction_activate(&w, mk, ek, 1), GLASS_OK);
    TU_ASSERT_ERR(glass_direction_activate(&r, mk, ek, 1), GLASS_OK);
    /* Every plaintext length around block boundaries: padding 1..16. */
    for (size_t len = 1; len <= 48; len++) {
        glass_buf out = {0};
        uint8_t msg[48];
        memset(msg, (int)len, sizeof msg);
        TU_ASSERT_ERR(glass_record_seal(&w, GLASS_CT_APPLICATION, msg, len, fixed_random, &seed,
                                        NULL, &out),
                      GLASS_OK);
        CU_ASSERT_EQUAL(out.len, GLASS_RECORD_HEADER_LEN + 16 + (len / 16 + 1) * 16 + 32);
        TU_ASSERT_ERR(glass_record_open(&r, out.p, out.len, NULL, pt, &n), GLASS_OK);
        CU_ASSERT(n == len && memcmp(pt, msg, len) == 0);
        glass_buf_free(&out);
    }
    CU_ASSERT_EQUAL(w.seq, 48);
    CU_ASSERT_EQUAL(r.seq, 48);
    /* The sequence number never wraps. */
    glass_buf out = {0};
    w.seq = UINT64_MAX;
    TU_ASSERT_ERR(glass_record_seal(&w, GLASS_CT_APPLICATION, pt, 1, fixed_random, &seed, NULL, &out),
                  GLASS_ERR_PROTO_SEQ_OVERFLOW);
    glass_buf_free(&out);
    glass_direction_clear(&w);
    glass_direction_clear(&r);
}

/* Builds a protected record by hand, independently of record.c: block[0..c_len)
 * is the plaintext with its padding (and, MAC-then-encrypt, its MAC) already in
 * place; it is encrypted with the table AES and MACed per RFC 7366 (etm) or
 * not at all (the MAC is inside). */
static size_t hand_record(int etm, const uint8_t mk[32], const uint8_t ek[32], uint64_t seq,
                          uint8_t *block, size_t c_len, uint8_t *rec)
{
    uint8_t iv[16];
    aes256_ctx aes;
    memset(iv, 5, sizeof iv);
    TU_ASSERT_ERR(aes256_init(&aes, ek, 32), GLASS_OK);
    TU_ASSERT_ERR(aes256_cbc_encrypt(&aes, iv, block, c_len, block), GLASS_OK);
    aes256_clear(&aes);
    size_t frag = 16 + c_len + (etm ? 32 : 0);
    uint8_t hdr[5] = {GLASS_CT_APPLICATION, 0x47, 0x01, (uint8_t)(frag >> 8), (uint8_t)frag};
    memcpy(rec, hdr, 5);
    memcpy(rec + 5, iv, 16);
    memcpy(rec + 21, block, c_len);
    if (etm) {
        /* RFC 7366 §3: seq_num || type || version || length(IV + C) || IV || C. */
        uint8_t h13[13];
        for (int i = 0; i < 8; i++)
            h13[i] = (uint8_t)(seq >> (56 - 8 * i));
        h13[8] = GLASS_CT_APPLICATION;
        h13[9] = 0x47;
        h13[10] = 0x01;
        h13[11] = (uint8_t)((16 + c_len) >> 8);
        h13[12] = (uint8_t)(16 + c_len);
        hmac_sha256_ctx h;
        hmac_sha256_init(&h, mk, 32);
        hmac_sha256_update(&h, h13, 13);
        hmac_sha256_update(&h, rec + 5, 16 + c_len);
        hmac_sha256_final(&h, rec + 21 + c_len);
    }
    return 5 + frag;
}

/* Encrypt-then-MAC records whose MAC is right but whose padding is wrong
 * (only a broken sender makes one): still bad_record_mac, the same error as
 * a bad MAC; and the TLS padding rule (RFC 5246 §6.2.3.2) both ways: p
 * bytes of value p then p, any p up to 255. */
static void test_record_bad_padding(void)
{
    glass_direction r;
    uint8_t mk[32], ek[32], block[288], pt[GLASS_MAX_FRAGMENT], rec[5 + 16 + 288 + 32];
    size_t n;
    memset(mk, 3, sizeof mk);
    memset(ek, 4, sizeof ek);
    struct {
        size_t c_len;
        unsigned p;
        int spoil;
        glass_err want;
        size_t pt_len;
    } cases[] = {
        {32, 0, 0, GLASS_OK, 31},                   /* p = 0: padding_length alone */
        {32, 5, 0, GLASS_OK, 26},
        {32, 5, 1, GLASS_ERR_PROTO_BAD_MAC, 0},     /* one padding byte wrong */
        {32, 40, 0, GLASS_ERR_PROTO_BAD_MAC, 0},    /* longer than the record */
        {288, 255, 0, GLASS_OK, 32},                /* the longest padding there is */
        {288, 255, 2, GLASS_ERR_PROTO_BAD_MAC, 0},  /* its first byte wrong */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        memset(&r, 0, sizeof r);
        TU_ASSERT_ERR(glass_direction_activate(&r, mk, ek, 1), GLASS_OK);
        size_t c_len = cases[i].c_len;
        unsigned p = cases[i].p;
        memset(block, 'a', c_len);
        if (p + 1 <= c_len)
            memset(block + c_len - p - 1, (int)p, p + 1);
        else
            block[c_len - 1] = (uint8_t)p;
        if (cases[i].spoil == 1)
            block[c_len - 3] ^= 1;
        if (cases[i].spoil == 2)
            block[c_len - p - 1] ^= 1;
        size_t len = hand_record(1, mk, ek, 0, block, c_len, rec);
        TU_ASSERT_ERR(glass_record_open(&r, rec, len, NULL, pt, &n), cases[i].want);
        CU_ASSERT_EQUAL(n, cases[i].pt_len);
        glass_direction_clear(&r);
    }
}

/* What glass_record_seal sends is an RFC 7366 record: recomputed here from
 * the definition with the table AES and our HMAC (the golden walkthrough
 * checks the same against openssl's numbers, docs/PROTOCOL.md §3.2). */
static void test_record_layout_rfc7366(void)
{
    glass_direction w;
    uint8_t mk[32], ek[32], seed = 11, block[64], expect[5 + 16 + 64 + 32];
    memset(mk, 6, sizeof mk);
    memset(ek, 7, sizeof ek);
    for (size_t len = 1; len <= 40; len += 13) {
        memset(&w, 0, sizeof w);
        TU_ASSERT_ERR(glass_direction_activate(&w, mk, ek, 1), GLASS_OK);
        w.seq = 258;
        glass_buf out = {0};
        uint8_t msg[40];
        memset(msg, 'm', sizeof msg);
        TU_ASSERT_ERR(glass_record_seal(&w, GLASS_CT_APPLICATION, msg, len, fixed_random, &seed,
                                        NULL, &out),
                      GLASS_OK);
        size_t p = 15 - len % 16, c_len = len + p + 1;
        memcpy(block, msg, len);
        memset(block + len, (int)p, p + 1);
        size_t n = hand_record(1, mk, ek, 258, block, c_len, expect);
        /* hand_record uses the IV 05..05; seal again with that IV. */
        CU_ASSERT_EQUAL_FATAL(out.len, n);
        glass_buf_free(&out);
        memset(&w, 0, sizeof w);
        TU_ASSERT_ERR(glass_direction_activate(&w, mk, ek, 1), GLASS_OK);
        w.seq = 258;
        uint8_t five = 5;
        TU_ASSERT_ERR(glass_record_seal(&w, GLASS_CT_APPLICATION, msg, len, fixed_random, &five,
                                        NULL, &out),
                      GLASS_OK);
        CU_ASSERT(out.len == n && memcmp(out.p, expect, n) == 0);
        glass_buf_free(&out);
        glass_direction_clear(&w);
    }
}

/* MAC-then-encrypt (TLS 1.2 without encrypt_then_mac): round trips at every
 * length around the block boundaries, then hand-made records with every
 * padding length 0..255 opened by the constant-time opener, which must
 * agree with the plain definition: good padding and MAC accepted with the
 * right plaintext, any flipped byte refused as bad_record_mac. */
static void test_record_mte(void)
{
    glass_direction w, r;
    uint8_t mk[32], ek[32], seed = 3, pt[GLASS_MAX_FRAGMENT];
    static uint8_t block[512], rec[600];
    size_t n;
    memset(mk, 8, sizeof mk);
    memset(ek, 9, sizeof ek);
    memset(&w, 0, sizeof w);
    memset(&r, 0, sizeof r);
    TU_ASSERT_ERR(glass_direction_activate(&w, mk, ek, 0), GLASS_OK);
    TU_ASSERT_ERR(glass_direction_activate(&r, mk, ek, 0), GLASS_OK);
    for (size_t len = 0; len <= 100; len++) {
        glass_buf out = {0};
        uint8_t msg[100];
        memset(msg, (int)len, sizeof msg);
        TU_ASSERT_ERR(glass_record_seal(&w, GLASS_CT_APPLICATION, msg, len, fixed_random, &seed,
                                        NULL, &out),
                      GLASS_OK);
        CU_ASSERT_EQUAL(out.len, 5 + 16 + (len + 32) / 16 * 16 + 16);
        TU_ASSERT_ERR(glass_record_open(&r, out.p, out.len, NULL, pt, &n), GLASS_OK);
        CU_ASSERT(n == len && memcmp(pt, msg, len) == 0);
        glass_buf_free(&out);
    }
    glass_direction_clear(&w);
    glass_direction_clear(&r);
    /* Hand-made: plaintext of 7 bytes, MAC, p + 1 padding bytes. */
    for (unsigned p = 0; p <= 255; p += (p < 20 ? 1 : 17)) {
        size_t len = 7 + (16 - (7 + 32 + p + 1) % 16) % 16;
        size_t c_len = len + 32 + p + 1;
        for (int spoil = 0; spoil < 3; spoil++) {
            memset(&r, 0, sizeof r);
            TU_ASSERT_ERR(glass_direction_activate(&r, mk, ek, 0), GLASS_OK);
            memset(block, 'x', len);
            uint8_t h13[13] = {0, 0, 0, 0, 0, 0, 0, 0, GLASS_CT_APPLICATION, 0x47, 0x01,
                               (uint8_t)(len >> 8), (uint8_t)len};
            hmac_sha256_ctx h;
            hmac_sha256_init(&h, mk, 32);
            hmac_sha256_update(&h, h13, 13);
            hmac_sha256_update(&h, block, len);
            hmac_sha256_final(&h, block + len);
            memset(block + len + 32, (int)p, p + 1);
            if (spoil == 1)
                block[len + 5] ^= 0x40;                 /* the MAC */
            if (spoil == 2)
                block[len + 32] ^= 1;                   /* the first padding byte */
            size_t rl = hand_record(0, mk, ek, 0, block, c_len, rec);
            glass_err want = spoil == 0 ? GLASS_OK : GLASS_ERR_PROTO_BAD_MAC;
            glass_err got = glass_record_open(&r, rec, rl, NULL, pt, &n);
            if (got != want)
                fprintf(stderr, "\n  MtE p=%u spoil=%d: %s\n", p, spoil, glass_err_name(got));
            CU_ASSERT_EQUAL(got, want);
            if (want == GLASS_OK)
                CU_ASSERT(n == len && memcmp(pt, "xxxxxxx", 7) == 0);
            glass_direction_clear(&r);
        }
    }
}

static void test_messages_round_trip(void)
{
    glass_buf b = {0};
    glass_client_hello ch, ch2;
    memset(&ch, 0, sizeof ch);
    ch.version = GLASS_VERSION;
    memset(ch.random, 0xab, 32);
    ch.n_suites = 1;
    ch.suites[0] = GLASS_SUITE_DHE_RSA_AES256_CBC_SHA256;
    ch.n_groups = 2;
    ch.groups[0] = GLASS_GROUP_FFDHE3072;
    ch.groups[1] = GLASS_GROUP_FFDHE2048;
    TU_ASSERT_ERR(glass_encode_client_hello(&b, &ch), GLASS_OK);
    CU_ASSERT_EQUAL(b.len, 4 + 2 + 32 + 2 + 2 + 2 + 4);
    /* docs/PROTOCOL.md §4.1: 01 00 00 2c | 47 01 | random | 00 02 00 6b | 00 04 ... */
    static const uint8_t head[] = {0x01, 0x00, 0x00, 0x2c, 0x47, 0x01};
    static const uint8_t tail[] = {0x00, 0x02, 0x00, 0x6b, 0x00, 0x04, 0x01, 0x01, 0x01, 0x00};
    CU_ASSERT(memcmp(b.p, head, sizeof head) == 0);
    CU_ASSERT(memcmp(b.p + 38, tail, sizeof tail) == 0);
    TU_ASSERT_ERR(glass_decode_client_hello(b.p + 4, b.len - 4, &ch2), GLASS_OK);
    CU_ASSERT(memcmp(&ch, &ch2, sizeof ch) == 0);
    /* Every truncation is a decode error, and so is a trailing byte. */
    for (size_t cut = 4; cut < b.len; cut++)
        TU_ASSERT_ERR(glass_decode_client_hello(b.p + 4, cut - 4, &ch2), GLASS_ERR_PROTO_DECODE);
    glass_buf_u8(&b, 0);
    TU_ASSERT_ERR(glass_decode_client_hello(b.p + 4, b.len - 4, &ch2), GLASS_ERR_PROTO_DECODE);
    glass_buf_free(&b);

    glass_enroll_request er = {(const uint8_t *)"bob", 3, (const uint8_t *)"CSR", 3,
                               (const uint8_t *)"c0de", 4}, er2;
    TU_ASSERT_ERR(glass_encode_enroll_request(&b, &er), GLASS_OK);
    TU_ASSERT_ERR(glass_decode_enroll_request(b.p + 4, b.len - 4, &er2), GLASS_OK);
    CU_ASSERT(er2.name_len == 3 && memcmp(er2.name, "bob", 3) == 0 && er2.code_len == 4);
    glass_buf_free(&b);

    glass_certificate_msg cm;
    TU_ASSERT_ERR(glass_decode_certificate((const uint8_t *)"\0\0\0", 3, &cm), GLASS_OK);
    CU_ASSERT_EQUAL(cm.n, 0);
    /* A certificate of length 0 inside the list is malformed. */
    TU_ASSERT_ERR(glass_decode_certificate((const uint8_t *)"\0\0\3\0\0\0", 6, &cm),
                  GLASS_ERR_PROTO_DECODE);
    glass_finished f;
    TU_ASSERT_ERR(glass_decode_finished((const uint8_t *)"0123456789a", 11, &f),
                  GLASS_ERR_PROTO_DECODE);
}

static void test_appmsg(void)
{
    uint8_t buf[512];
    size_t n;
    glass_app_msg m;
    const char *names[] = {"alice", "bob", "carol"};
    TU_ASSERT_ERR(glass_app_encode_who_list(buf, sizeof buf, &n, names, 3), GLASS_OK);
    CU_ASSERT_EQUAL(n, 1 + 2 + 6 + 4 + 6);
    TU_ASSERT_ERR(glass_app_decode(buf, n, &m), GLASS_OK);
    CU_ASSERT_EQUAL(m.type, GLASS_APP_WHO_LIST);
    CU_ASSERT_EQUAL(m.n_names, 3);
    CU_ASSERT(m.name_lens[2] == 5 && memcmp(m.names[2], "carol", 5) == 0);
    for (size_t cut = 0; cut < n; cut++)
        TU_ASSERT_ERR(glass_app_decode(buf, cut, &m), GLASS_ERR_PROTO_DECODE);

    TU_ASSERT_ERR(glass_app_encode_error(buf, sizeof buf, &n, GLASS_APP_ERR_NO_SUCH_CLIENT,
                                         "no such client"),
                  GLASS_OK);
    TU_ASSERT_ERR(glass_app_decode(buf, n, &m), GLASS_OK);
    CU_ASSERT(m.type == GLASS_APP_ERROR && m.code == 1 && m.text_len == 14);
    TU_ASSERT_ERR(glass_app_encode_who(buf, sizeof buf, &n), GLASS_OK);
    CU_ASSERT(n == 1 && buf[0] == GLASS_APP_WHO);
    TU_ASSERT_ERR(glass_app_encode_bye(buf, sizeof buf, &n), GLASS_OK);
    TU_ASSERT_ERR(glass_app_decode(buf, n, &m), GLASS_OK);
    CU_ASSERT_EQUAL(m.type, GLASS_APP_BYE);

    /* The example of docs/PROTOCOL.md §7, byte for byte. */
    size_t ex_len;
    uint8_t *ex = tu_hex("0103626f62000568656c6c6f", &ex_len);
    TU_ASSERT_ERR(glass_app_encode_send_to(buf, sizeof buf, &n, "bob", (const uint8_t *)"hello", 5),
                  GLASS_OK);
    CU_ASSERT(n == ex_len && memcmp(buf, ex, n) == 0);
    free(ex);

    TU_ASSERT_ERR(glass_app_encode_send_to(buf, sizeof buf, &n, "", (const uint8_t *)"x", 1),
                  GLASS_ERR_ARG);
    TU_ASSERT_ERR(glass_app_encode_send_to(buf, 4, &n, "bob", (const uint8_t *)"hello", 5),
                  GLASS_ERR_BUFFER_TOO_SMALL);
    static const uint8_t nul_name[] = {GLASS_APP_SEND_TO, 2, 'a', 0, 0, 0};
    TU_ASSERT_ERR(glass_app_decode(nul_name, sizeof nul_name, &m), GLASS_ERR_PROTO_DECODE);
    static const uint8_t unknown[] = {0x40};
    TU_ASSERT_ERR(glass_app_decode(unknown, 1, &m), GLASS_ERR_PROTO_DECODE);
    CU_ASSERT_STRING_EQUAL(glass_app_type_name(GLASS_APP_DELIVER), "Deliver");
}

/* Page fetch (docs/PROTOCOL.md §7.1): round trips, the example bytes, the
 * largest piece, and every truncation refused. */
static void test_appmsg_fetch(void)
{
    static const char req[] = "GET /a HTTP/1.1\r\nHost: localhost\r\n\r\n";
    uint8_t *buf = malloc(GLASS_MAX_PLAINTEXT + 16);
    uint8_t *piece = malloc(GLASS_APP_FETCH_PIECE + 1);
    size_t n, ex_len;
    glass_app_msg m;
    CU_ASSERT_FATAL(buf != NULL && piece != NULL);

    /* 1. FetchRequest: the example of §7.1, byte for byte. */
    TU_ASSERT_ERR(glass_app_encode_fetch_request(buf, 512, &n, (const uint8_t *)req,
                                                 strlen(req)),
                  GLASS_OK);
    uint8_t *ex = tu_hex("100024474554202f6120485454502f312e310d0a486f73743a206c6f63616c686f"
                         "73740d0a0d0a",
                         &ex_len);
    CU_ASSERT(ex != NULL && n == ex_len && memcmp(buf, ex, n) == 0);
    free(ex);
    TU_ASSERT_ERR(glass_app_decode(buf, n, &m), GLASS_OK);
    CU_ASSERT(m.type == GLASS_APP_FETCH_REQUEST && m.text_len == strlen(req) &&
              memcmp(m.text, req, m.text_len) == 0);
    for (size_t cut = 0; cut < n; cut++)
        TU_ASSERT_ERR(glass_app_decode(buf, cut, &m), GLASS_ERR_PROTO_DECODE);
    TU_ASSERT_ERR(glass_app_encode_fetch_request(buf, 512, &n, (const uint8_t *)req, 0),
                  GLASS_ERR_ARG);
    static const uint8_t empty_req[] = {GLASS_APP_FETCH_REQUEST, 0, 0};
    TU_ASSERT_ERR(glass_app_decode(empty_req, sizeof empty_req, &m), GLASS_ERR_PROTO_DECODE);

    /* 2. FetchResponse: the largest piece still fits one record. */
    memset(piece, 'x', GLASS_APP_FETCH_PIECE + 1);
    TU_ASSERT_ERR(glass_app_encode_fetch_response(buf, GLASS_MAX_PLAINTEXT + 16, &n, 1, piece,
                                                  GLASS_APP_FETCH_PIECE),
                  GLASS_OK);
    CU_ASSERT_EQUAL(n, GLASS_MAX_PLAINTEXT);
    TU_ASSERT_ERR(glass_app_decode(buf, n, &m), GLASS_OK);
    CU_ASSERT(m.type == GLASS_APP_FETCH_RESPONSE && m.last == 1 &&
              m.text_len == GLASS_APP_FETCH_PIECE && m.text[0] == 'x');
    TU_ASSERT_ERR(glass_app_encode_fetch_response(buf, GLASS_MAX_PLAINTEXT + 16, &n, 0, piece,
                                                  GLASS_APP_FETCH_PIECE + 1),
                  GLASS_ERR_PROTO_RECORD_OVERFLOW);
    TU_ASSERT_ERR(glass_app_encode_fetch_response(buf, 512, &n, 2, piece, 1), GLASS_ERR_ARG);
    TU_ASSERT_ERR(glass_app_encode_fetch_response(buf, 512, &n, 0, NULL, 0), GLASS_OK);
    CU_ASSERT(n == 4 && buf[1] == 0);
    TU_ASSERT_ERR(glass_app_decode(buf, n, &m), GLASS_OK);
    CU_ASSERT(m.last == 0 && m.text_len == 0);

    /* 3. Bad lengths: a length past the end, trailing bytes, last = 2. */
    static const uint8_t long_len[] = {GLASS_APP_FETCH_RESPONSE, 1, 0, 3, 'a', 'b'};
    TU_ASSERT_ERR(glass_app_decode(long_len, sizeof long_len, &m), GLASS_ERR_PROTO_DECODE);
    static const uint8_t trailing[] = {GLASS_APP_FETCH_RESPONSE, 1, 0, 1, 'a', 'b'};
    TU_ASSERT_ERR(glass_app_decode(trailing, sizeof trailing, &m), GLASS_ERR_PROTO_DECODE);
    static const uint8_t bad_last[] = {GLASS_APP_FETCH_RESPONSE, 2, 0, 1, 'a'};
    TU_ASSERT_ERR(glass_app_decode(bad_last, sizeof bad_last, &m), GLASS_ERR_PROTO_DECODE);
    CU_ASSERT_STRING_EQUAL(glass_app_type_name(GLASS_APP_FETCH_RESPONSE), "FetchResponse");
    free(buf);
    free(piece);
}

/* The key-value store (docs/PROTOCOL.md §7.2): each message round trips,
 * the example bytes, truncations and bad lengths refused. */
static void test_appmsg_kv(void)
{
    uint8_t buf[1024];
    size_t n, ex_len;
    glass_app_msg m;

    /* 1. KvPut("color", "blue") and KvDone("color"): the examples. */
    TU_ASSERT_ERR(glass_app_encode_kv_put(buf, sizeof buf, &n, "color", (const uint8_t *)"blue", 4),
                  GLASS_OK);
    uint8_t *ex = tu_hex("2005636f6c6f720004626c7565", &ex_len);
    CU_ASSERT(ex != NULL && n == ex_len && memcmp(buf, ex, n) == 0);
    free(ex);
    TU_ASSERT_ERR(glass_app_decode(buf, n, &m), GLASS_OK);
    CU_ASSERT(m.type == GLASS_APP_KV_PUT && m.name_len == 5 && memcmp(m.name, "color", 5) == 0 &&
              m.text_len == 4 && memcmp(m.text, "blue", 4) == 0);
    for (size_t cut = 0; cut < n; cut++)
        TU_ASSERT_ERR(glass_app_decode(buf, cut, &m), GLASS_ERR_PROTO_DECODE);
    TU_ASSERT_ERR(glass_app_encode_kv_done(buf, sizeof buf, &n, "color"), GLASS_OK);
    ex = tu_hex("2505636f6c6f72", &ex_len);
    CU_ASSERT(ex != NULL && n == ex_len && memcmp(buf, ex, n) == 0);
    free(ex);

    /* 2. The others round trip. */
    TU_ASSERT_ERR(glass_app_encode_kv_get(buf, sizeof buf, &n, "k"), GLASS_OK);
    TU_ASSERT_ERR(glass_app_decode(buf, n, &m), GLASS_OK);
    CU_ASSERT(m.type == GLASS_APP_KV_GET && n == 3 && m.name_len == 1 && m.name[0] == 'k');
    TU_ASSERT_ERR(glass_app_encode_kv_delete(buf, sizeof buf, &n, "k"), GLASS_OK);
    TU_ASSERT_ERR(glass_app_decode(buf, n, &m), GLASS_OK);
    CU_ASSERT_EQUAL(m.type, GLASS_APP_KV_DELETE);
    TU_ASSERT_ERR(glass_app_encode_kv_list(buf, sizeof buf, &n), GLASS_OK);
    TU_ASSERT_ERR(glass_app_decode(buf, n, &m), GLASS_OK);
    CU_ASSERT(m.type == GLASS_APP_KV_LIST && n == 1);
    TU_ASSERT_ERR(glass_app_encode_kv_value(buf, sizeof buf, &n, "k", NULL, 0), GLASS_OK);
    TU_ASSERT_ERR(glass_app_decode(buf, n, &m), GLASS_OK);
    CU_ASSERT(m.type == GLASS_APP_KV_VALUE && m.text_len == 0);
    const char *keys[] = {"a", "bb"};
    TU_ASSERT_ERR(glass_app_encode_kv_keys(buf, sizeof buf, &n, keys, 2), GLASS_OK);
    CU_ASSERT(n == 1 + 2 + 2 + 3 && buf[0] == GLASS_APP_KV_KEYS);
    TU_ASSERT_ERR(glass_app_decode(buf, n, &m), GLASS_OK);
    CU_ASSERT(m.type == GLASS_APP_KV_KEYS && m.n_names == 2 && m.name_lens[1] == 2 &&
              memcmp(m.names[1], "bb", 2) == 0);
    for (size_t cut = 0; cut < n; cut++)
        TU_ASSERT_ERR(glass_app_decode(buf, cut, &m), GLASS_ERR_PROTO_DECODE);
    TU_ASSERT_ERR(glass_app_encode_kv_keys(buf, sizeof buf, &n, keys, GLASS_APP_MAX_NAMES + 1),
                  GLASS_ERR_ARG);

    /* 3. Bad keys and bad lengths. */
    TU_ASSERT_ERR(glass_app_encode_kv_get(buf, sizeof buf, &n, ""), GLASS_ERR_ARG);
    TU_ASSERT_ERR(glass_app_encode_kv_put(buf, 8, &n, "color", (const uint8_t *)"blue", 4),
                  GLASS_ERR_BUFFER_TOO_SMALL);
    static const uint8_t zero_key[] = {GLASS_APP_KV_GET, 0};
    TU_ASSERT_ERR(glass_app_decode(zero_key, sizeof zero_key, &m), GLASS_ERR_PROTO_DECODE);
    static const uint8_t key_past_end[] = {GLASS_APP_KV_DELETE, 3, 'a', 'b'};
    TU_ASSERT_ERR(glass_app_decode(key_past_end, sizeof key_past_end, &m), GLASS_ERR_PROTO_DECODE);
    static const uint8_t list_trailing[] = {GLASS_APP_KV_LIST, 0};
    TU_ASSERT_ERR(glass_app_decode(list_trailing, sizeof list_trailing, &m),
                  GLASS_ERR_PROTO_DECODE);
    static const uint8_t value_short[] = {GLASS_APP_KV_VALUE, 1, 'k', 0, 5, 'v'};
    TU_ASSERT_ERR(glass_app_decode(value_short, sizeof value_short, &m), GLASS_ERR_PROTO_DECODE);
    static const uint8_t too_many[] = {GLASS_APP_KV_KEYS, 0x01, 0x01};
    TU_ASSERT_ERR(glass_app_decode(too_many, sizeof too_many, &m), GLASS_ERR_PROTO_DECODE);
    static const uint8_t reserved[] = {18};
    TU_ASSERT_ERR(glass_app_decode(reserved, sizeof reserved, &m), GLASS_ERR_PROTO_DECODE);
    CU_ASSERT_STRING_EQUAL(glass_app_type_name(GLASS_APP_KV_KEYS), "KvKeys");
}

/* The dissector reports contiguous fields covering every byte of every
 * message of a real handshake (seen through the trace). */
typedef struct cover {
    size_t next;                /* next byte expected */
    size_t fields;
    int gap;
} cover;

static void cover_cb(void *arg, size_t offset, size_t len, const char *field, const char *meaning)
{
    cover *c = arg;
    (void)meaning;
    if (strchr(field, '.') == NULL && strcmp(field, "record") != 0 && offset == 0)
        return;                 /* the whole-message line */
    if (strchr(field, '.') == NULL)
        return;
    if (offset != c->next)
        c->gap = 1;
    c->next = offset + len;
    c->fields++;
}

typedef struct dissect_check {
    size_t messages;
    int failures;
} dissect_check;

static void dissect_trace(void *arg, const char *name, const char *explain, const uint8_t *bytes,
                          size_t len)
{
    dissect_check *d = arg;
    (void)explain;
    if (strncmp(name, "send ", 5) != 0 || strcmp(name, "send record") == 0 ||
        strcmp(name, "send application_data") == 0)
        return;
    cover c = {0, 0, 0};
    glass_err err = strcmp(name, "send Alert") == 0 ? GLASS_OK
                                                    : glass_dissect_handshake(bytes, len, cover_cb, &c);
    if (strcmp(name, "send Alert") == 0)
        return;
    d->messages++;
    if (err != GLASS_OK || c.gap || c.next != len || c.fields < 2) {
        fprintf(stderr, "\n  dissect %s: err %s gap %d covered %zu of %zu\n", name,
                glass_err_name(err), c.gap, c.next, len);
        d->failures++;
    }
}

static void names_cb(void *arg, size_t offset, size_t len, const char *field, const char *meaning)
{
    int *seen = arg;
    (void)offset;
    (void)len;
    if (strcmp(field, "ClientHello") == 0 && strstr(meaning, "RFC 5246 §7.4.1.2") != NULL)
        seen[0] = 1;
    if (strcmp(field, "record.type") == 0)
        seen[1] = 1;
}

static void test_dissect(void)
{
    pair p;
    dissect_check d = {0, 0};
    glass_tracer t = {dissect_trace, &d};
    if (!pair_setup(&p))
        return;
    p.ccfg.trace = &t;
    p.scfg.trace = &t;
    CU_ASSERT_FATAL(pair_start(&p));
    pair_pump(&p);
    /* 6 from the server (5 + Finished), 5 from the client. */
    CU_ASSERT_EQUAL(d.messages, 11);
    CU_ASSERT_EQUAL(d.failures, 0);
    pair_free(&p);

    /* A whole plaintext record, auto-detected. */
    glass_buf b = {0};
    glass_client_hello ch;
    memset(&ch, 0, sizeof ch);
    ch.version = GLASS_VERSION;
    ch.n_suites = 1;
    ch.suites[0] = GLASS_SUITE_DHE_RSA_AES256_CBC_SHA256;
    ch.n_groups = 1;
    ch.groups[0] = GLASS_GROUP_FFDHE2048;
    uint8_t hdr[5] = {GLASS_CT_HANDSHAKE, 0x47, 0x01, 0, 0};
    glass_buf_put(&b, hdr, 5);
    TU_ASSERT_ERR(glass_encode_client_hello(&b, &ch), GLASS_OK);
    b.p[4] = (uint8_t)(b.len - 5);
    int seen[2] = {0, 0};
    TU_ASSERT_ERR(glass_dissect(b.p, b.len, names_cb, seen), GLASS_OK);
    CU_ASSERT(seen[0] && seen[1]);
    /* A truncated message: fields up to the fault, then an error. */
    TU_ASSERT_ERR(glass_dissect_handshake(b.p + 5, b.len - 6, names_cb, seen), GLASS_ERR_PROTO_DECODE);
    glass_buf_free(&b);
}

static void test_config_checks(void)
{
    glass_engine *e = NULL;
    glass_config c;
    if (!pair_fixtures()) {
        CU_FAIL("fixtures missing");
        return;
    }
    memset(&c, 0, sizeof c);
    c.role = GLASS_ROLE_CLIENT;
    c.anchors = &pair_fx.cert[FX_CA];
    c.n_anchors = 1;
    TU_ASSERT_ERR(glass_engine_new(&e, &c), GLASS_ERR_ARG);        /* no server_name */
    c.server_name = "localhost";
    c.key = &pair_fx.alice_key;                                          /* key without chain */
    TU_ASSERT_ERR(glass_engine_new(&e, &c), GLASS_ERR_ARG);
    c.key = NULL;
    c.groups[0] = 0x1234;
    c.n_groups = 1;
    TU_ASSERT_ERR(glass_engine_new(&e, &c), GLASS_ERR_ARG);        /* unknown group */
    c.n_groups = 0;
    c.role = GLASS_ROLE_SERVER;
    TU_ASSERT_ERR(glass_engine_new(&e, &c), GLASS_ERR_ARG);        /* server without cert */
    c.role = GLASS_ROLE_CLIENT;
    TU_ASSERT_ERR(glass_engine_new(&e, &c), GLASS_OK);
    TU_ASSERT_ERR(glass_engine_feed(e, (const uint8_t *)"x", 1), GLASS_ERR_PROTO_STATE);
    TU_ASSERT_ERR(glass_engine_start(e), GLASS_OK);
    TU_ASSERT_ERR(glass_engine_start(e), GLASS_ERR_PROTO_STATE);
    CU_ASSERT_STRING_EQUAL(glass_engine_state_name(e), "C_WAIT_SERVER_HELLO");
    glass_engine_free(e);
    CU_ASSERT_EQUAL(glass_alert_for_error(GLASS_ERR_X509_EXPIRED), GLASS_ALERT_CERTIFICATE_EXPIRED);
    CU_ASSERT_STRING_EQUAL(glass_alert_name(GLASS_ALERT_BAD_RECORD_MAC), "bad_record_mac");
}

void suite_protocol_wire(void)
{
    CU_pSuite s = tu_suite("protocol_wire");
    TU_ADD(s, test_record_round_trip);
    TU_ADD(s, test_record_bad_padding);
    TU_ADD(s, test_record_layout_rfc7366);
    TU_ADD(s, test_record_mte);
    TU_ADD(s, test_messages_round_trip);
    TU_ADD(s, test_appmsg);
    TU_ADD(s, test_appmsg_fetch);
    TU_ADD(s, test_appmsg_kv);
    TU_ADD(s, test_config_checks);
    TU_ADD(s, test_dissect);
    TU_ADD(s, test_reject_garbage);
    TU_ADD(s, test_reject_record_overflow);
    TU_ADD(s, test_reject_protected_overflow);
    TU_ADD(s, test_reject_app_in_enroll_session);
}
