/*
 * test_protocol.c — the glass protocol engine, two engines back to back in
 * one process (tests/proto_pair.h): the mutual handshake and application
 * data both ways, enrollment, a golden transcript, and one rejection per
 * check a peer must make (each asserting the alert sent and that no
 * application data got through).  test_protocol_wire.c holds the hostile
 * bytes and the pieces under the engine.
 */
#include "proto_pair.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the happy paths ------------------------------------------------------- */

static void test_handshake_mutual(void)
{
    pair p;
    uint8_t msg[256];
    size_t n;
    glass_app_msg m;
    if (!pair_setup(&p))
        return;
    CU_ASSERT_FATAL(pair_start(&p));
    pair_pump(&p);
    CU_ASSERT_EQUAL(glass_engine_state(p.c), GLASS_STATE_APPLICATION);
    CU_ASSERT_EQUAL(glass_engine_state(p.s), GLASS_STATE_APPLICATION);
    CU_ASSERT_STRING_EQUAL(glass_engine_state_name(p.c), "APPLICATION");
    CU_ASSERT(p.cl.handshake_done && p.sl.handshake_done);
    CU_ASSERT_STRING_EQUAL(p.cl.peer_name, "localhost");
    CU_ASSERT_STRING_EQUAL(p.sl.peer_name, "alice");
    CU_ASSERT_EQUAL(p.sl.authenticated, 1);
    /* Both sides derived the same master secret (seen through the trace). */
    CU_ASSERT(pair_c_trace[48] == 1 && pair_s_trace[48] == 1);
    CU_ASSERT(memcmp(pair_c_trace, pair_s_trace, 48) == 0);

    /* Client -> server: SendTo(bob, "hello"). */
    TU_ASSERT_ERR(glass_app_encode_send_to(msg, sizeof msg, &n, "bob", (const uint8_t *)"hello", 5),
                  GLASS_OK);
    TU_ASSERT_ERR(glass_engine_send_app(p.c, msg, n), GLASS_OK);
    pair_pump(&p);
    CU_ASSERT_EQUAL_FATAL(p.sl.n_app, 1);
    TU_ASSERT_ERR(glass_app_decode(p.sl.app[0], p.sl.app_len[0], &m), GLASS_OK);
    CU_ASSERT_EQUAL(m.type, GLASS_APP_SEND_TO);
    CU_ASSERT(m.name_len == 3 && memcmp(m.name, "bob", 3) == 0);
    CU_ASSERT(m.text_len == 5 && memcmp(m.text, "hello", 5) == 0);

    /* Server -> client: Deliver(alice, ...) twice (sequence numbers advance). */
    for (int i = 0; i < 2; i++) {
        TU_ASSERT_ERR(glass_app_encode_deliver(msg, sizeof msg, &n, "alice",
                                               (const uint8_t *)"hi there", 8),
                      GLASS_OK);
        TU_ASSERT_ERR(glass_engine_send_app(p.s, msg, n), GLASS_OK);
    }
    pair_pump(&p);
    CU_ASSERT_EQUAL_FATAL(p.cl.n_app, 2);
    TU_ASSERT_ERR(glass_app_decode(p.cl.app[1], p.cl.app_len[1], &m), GLASS_OK);
    CU_ASSERT_EQUAL(m.type, GLASS_APP_DELIVER);
    CU_ASSERT(m.text_len == 8 && memcmp(m.text, "hi there", 8) == 0);

    /* A full 16 KiB record goes; one byte more is refused. */
    static uint8_t big[GLASS_MAX_PLAINTEXT + 1];
    memset(big, 'x', sizeof big);
    TU_ASSERT_ERR(glass_engine_send_app(p.c, big, GLASS_MAX_PLAINTEXT), GLASS_OK);
    TU_ASSERT_ERR(glass_engine_send_app(p.c, big, sizeof big), GLASS_ERR_PROTO_RECORD_OVERFLOW);
    pair_pump(&p);
    CU_ASSERT_EQUAL(p.sl.n_app, 2);

    /* close_notify, answered. */
    TU_ASSERT_ERR(glass_engine_close(p.c), GLASS_OK);
    pair_pump(&p);
    CU_ASSERT_EQUAL(glass_engine_state(p.c), GLASS_STATE_CLOSED);
    CU_ASSERT_EQUAL(glass_engine_state(p.s), GLASS_STATE_CLOSED);
    CU_ASSERT_EQUAL(p.sl.alert_received, GLASS_ALERT_CLOSE_NOTIFY);
    CU_ASSERT_EQUAL(p.sl.closed_err, GLASS_OK);
    TU_ASSERT_ERR(glass_engine_send_app(p.c, msg, n), GLASS_ERR_PROTO_STATE);
    pair_free(&p);
}

/* Feeding one byte at a time gives the same result as whole records. */
static void test_handshake_byte_by_byte(void)
{
    pair p;
    if (!pair_setup(&p))
        return;
    p.ccfg.groups[0] = GLASS_GROUP_FFDHE3072;
    p.ccfg.n_groups = 1;
    CU_ASSERT_FATAL(pair_start(&p));
    for (int round = 0; round < 20; round++) {
        int moved = 0;
        for (int dir = 0; dir < 2; dir++) {
            glass_engine *from = dir == 0 ? p.c : p.s;
            glass_engine *to = dir == 0 ? p.s : p.c;
            const uint8_t *out;
            size_t n;
            glass_engine_output(from, &out, &n);
            if (n == 0)
                continue;
            uint8_t *copy = malloc(n);
            CU_ASSERT_FATAL(copy != NULL);
            memcpy(copy, out, n);
            glass_engine_consume_output(from, n);
            for (size_t i = 0; i < n; i++)
                TU_ASSERT_ERR(glass_engine_feed(to, copy + i, 1), GLASS_OK);
            free(copy);
            moved = 1;
        }
        pair_log_events(p.c, &p.cl);
        pair_log_events(p.s, &p.sl);
        if (!moved)
            break;
    }
    CU_ASSERT_EQUAL(glass_engine_state(p.c), GLASS_STATE_APPLICATION);
    CU_ASSERT_EQUAL(glass_engine_state(p.s), GLASS_STATE_APPLICATION);
    pair_free(&p);
}

/* The whole handshake, both directions, hashed: the same every run. */
static void run_golden(uint8_t digest[32])
{
    pair p;
    pair_init(&p);
    CU_ASSERT_FATAL(pair_start(&p));
    pair_pump(&p);
    CU_ASSERT_EQUAL(glass_engine_state(p.c), GLASS_STATE_APPLICATION);
    TU_ASSERT_ERR(glass_engine_send_app(p.c, (const uint8_t *)"\x03", 1), GLASS_OK);
    pair_pump(&p);
    sha256_final(&p.wire, digest);
    pair_free(&p);
}

/* SHA-256 of the wire bytes of the golden run (seed 2026, streams 1 and 2,
 * the fixtures of tests/data/protocol).  Regenerating the fixtures changes
 * it: the test prints the new value. */
static const char golden_hex[] =
    "9848d096bdfcf69c624a9ae178c7d30c3881fa040ab6e05a0bec680f3eda064a";

static void test_golden_transcript(void)
{
    uint8_t a[32], b[32];
    char hex[65];
    if (!pair_fixtures()) {
        CU_FAIL("fixtures missing");
        return;
    }
    run_golden(a);
    run_golden(b);
    CU_ASSERT(memcmp(a, b, 32) == 0);
    glass_hex_encode(hex, sizeof hex, a, 32);
    if (strcmp(hex, golden_hex) != 0)
        fprintf(stderr, "\n  golden transcript: got %s\n", hex);
    CU_ASSERT_STRING_EQUAL(hex, golden_hex);
}

static void test_enroll(void)
{
    pair p;
    static const uint8_t csr[] = {0x30, 0x03, 0x02, 0x01, 0x00};   /* the engine does not parse it */
    static const uint8_t code[] = "7K2M-QX4D";
    if (!pair_fixtures()) {
        CU_FAIL("fixtures missing");
        return;
    }
    for (int refuse = 0; refuse < 2; refuse++) {
        pair_init(&p);
        p.ccfg.chain = NULL;
        p.ccfg.n_chain = 0;
        p.ccfg.key = NULL;
        p.scfg.allow_enroll = 1;
        CU_ASSERT_FATAL(pair_start(&p));
        pair_pump(&p);
        CU_ASSERT_EQUAL(glass_engine_state(p.c), GLASS_STATE_C_ENROLL_READY);
        CU_ASSERT_EQUAL(glass_engine_state(p.s), GLASS_STATE_S_WAIT_ENROLL_REQUEST);
        CU_ASSERT_EQUAL(p.sl.authenticated, 0);
        CU_ASSERT_STRING_EQUAL(p.sl.peer_name, "");
        /* An unauthenticated session may do nothing but enroll. */
        TU_ASSERT_ERR(glass_engine_send_app(p.c, (const uint8_t *)"x", 1), GLASS_ERR_PROTO_STATE);
        TU_ASSERT_ERR(glass_engine_send_app(p.s, (const uint8_t *)"x", 1), GLASS_ERR_PROTO_STATE);
        TU_ASSERT_ERR(glass_engine_enroll(p.c, "carol", csr, sizeof csr, code, sizeof code - 1),
                      GLASS_OK);
        pair_pump(&p);
        CU_ASSERT_FATAL(p.sl.enroll_request);
        CU_ASSERT_STRING_EQUAL(p.sl.enroll_name, "carol");
        CU_ASSERT(p.sl.enroll_len == sizeof csr && memcmp(p.sl.enroll_data, csr, sizeof csr) == 0);
        CU_ASSERT(p.sl.enroll_code_len == sizeof code - 1 &&
                  memcmp(p.sl.enroll_code, code, sizeof code - 1) == 0);
        CU_ASSERT_EQUAL(glass_engine_state(p.s), GLASS_STATE_S_WAIT_ENROLL_REPLY);
        if (!refuse) {
            TU_ASSERT_ERR(glass_engine_enroll_reply(p.s, pair_fx.cert[FX_ALICE].der, pair_fx.cert[FX_ALICE].len),
                          GLASS_OK);
            pair_pump(&p);
            CU_ASSERT(p.cl.enroll_result && p.cl.enroll_ok);
            CU_ASSERT(p.cl.enroll_len == pair_fx.cert[FX_ALICE].len &&
                      memcmp(p.cl.enroll_data, pair_fx.cert[FX_ALICE].der, p.cl.enroll_len) == 0);
            CU_ASSERT_EQUAL(p.cl.alert_received, GLASS_ALERT_CLOSE_NOTIFY);
            CU_ASSERT_EQUAL(glass_engine_state(p.c), GLASS_STATE_CLOSED);
        } else {
            TU_ASSERT_ERR(glass_engine_enroll_refuse(p.s, "wrong code"), GLASS_OK);
            pair_pump(&p);
            CU_ASSERT(p.cl.enroll_result && !p.cl.enroll_ok);
            CU_ASSERT(p.cl.enroll_len == 10 && memcmp(p.cl.enroll_data, "wrong code", 10) == 0);
            CU_ASSERT_EQUAL(p.sl.alert_sent, GLASS_ALERT_ACCESS_DENIED);
            CU_ASSERT_EQUAL(p.cl.alert_received, GLASS_ALERT_ACCESS_DENIED);
            CU_ASSERT_EQUAL(glass_engine_state(p.c), GLASS_STATE_ERROR);
        }
        CU_ASSERT_EQUAL(p.cl.n_app + p.sl.n_app, 0);
        pair_free(&p);
    }
}

/* A server that does not offer enrollment refuses an empty Certificate
 * (RFC 5246 §7.4.6: handshake_failure). */
static void test_reject_no_client_cert(void)
{
    pair p;
    if (!pair_setup(&p))
        return;
    p.ccfg.chain = NULL;
    p.ccfg.n_chain = 0;
    p.ccfg.key = NULL;
    CU_ASSERT_FATAL(pair_start(&p));
    pair_pump(&p);
    pair_assert_rejected(&p, 1, GLASS_ALERT_HANDSHAKE_FAILURE);
    TU_ASSERT_ERR(glass_engine_error(p.s), GLASS_ERR_PROTO_HANDSHAKE);
    pair_free(&p);
}

/* ---- certificate checks ------------------------------------------------------ */

static void run_cert_case(int which, int victim_is_server, int alert, int64_t server_now_shift,
                          const char *server_name)
{
    pair p;
    if (!pair_setup(&p))
        return;
    if (victim_is_server)
        p.ccfg.chain = &pair_fx.cert[which];
    else if (which >= 0)
        p.scfg.chain = &pair_fx.cert[which];
    p.scfg.now += server_now_shift;
    if (server_name != NULL)
        p.ccfg.server_name = server_name;
    CU_ASSERT_FATAL(pair_start(&p));
    pair_pump(&p);
    pair_assert_rejected(&p, victim_is_server, alert);
    pair_free(&p);
}

static void test_reject_server_other_ca(void)
{
    run_cert_case(FX_OTHER_SERVER, 0, GLASS_ALERT_UNKNOWN_CA, 0, NULL);
}

static void test_reject_client_other_ca(void)
{
    run_cert_case(FX_OTHER_CLIENT, 1, GLASS_ALERT_UNKNOWN_CA, 0, NULL);
}

static void test_reject_client_expired(void)
{
    /* alice-expired.der is valid for one day: two days on, it has expired
     * while the CA and everything else are still valid. */
    run_cert_case(FX_ALICE_EXPIRED, 1, GLASS_ALERT_CERTIFICATE_EXPIRED, 2 * 86400, NULL);
}

static void test_reject_client_wrong_eku(void)
{
    run_cert_case(FX_ALICE_EKU, 1, GLASS_ALERT_UNSUPPORTED_CERTIFICATE, 0, NULL);
}

static void test_reject_server_name(void)
{
    run_cert_case(-1, 0, GLASS_ALERT_BAD_CERTIFICATE, 0, "example.org");
}

static void test_reject_server_as_client_cert(void)
{
    /* The server's own certificate (serverAuth) presented as a client's. */
    pair p;
    if (!pair_setup(&p))
        return;
    p.ccfg.chain = &pair_fx.cert[FX_SERVER];
    p.ccfg.key = &pair_fx.server_key;
    CU_ASSERT_FATAL(pair_start(&p));
    pair_pump(&p);
    pair_assert_rejected(&p, 1, GLASS_ALERT_UNSUPPORTED_CERTIFICATE);
    pair_free(&p);
}

static void test_reject_client_revoked(void)
{
    pair p;
    if (!pair_fixtures()) {
        CU_FAIL("fixtures missing");
        return;
    }
    /* With the CRL loaded, alice's own certificate still passes ... */
    pair_init(&p);
    p.scfg.crl = pair_fx.cert[FX_CRL];
    CU_ASSERT_FATAL(pair_start(&p));
    pair_pump(&p);
    CU_ASSERT_EQUAL(glass_engine_state(p.s), GLASS_STATE_APPLICATION);
    pair_free(&p);
    /* ... and the revoked one (serial 20) does not. */
    pair_init(&p);
    p.scfg.crl = pair_fx.cert[FX_CRL];
    p.ccfg.chain = &pair_fx.cert[FX_ALICE_REVOKED];
    CU_ASSERT_FATAL(pair_start(&p));
    pair_pump(&p);
    pair_assert_rejected(&p, 1, GLASS_ALERT_CERTIFICATE_REVOKED);
    pair_free(&p);
}

/* What was negotiated, through the getters; then the server ends the
 * session with a fatal alert of its choosing (a certificate revoked after
 * the handshake) rather than close_notify. */
static void test_negotiated_and_abort(void)
{
    pair p;
    if (!pair_setup(&p))
        return;
    p.scfg.groups[0] = GLASS_GROUP_FFDHE3072;
    p.scfg.groups[1] = GLASS_GROUP_FFDHE2048;
    p.scfg.n_groups = 2;
    TU_ASSERT_ERR(glass_engine_new(&p.s, &p.scfg), GLASS_OK);
    TU_ASSERT_ERR(glass_engine_abort(p.s, GLASS_ERR_X509_REVOKED), GLASS_ERR_PROTO_STATE);
    glass_engine_free(p.s);
    p.s = NULL;
    CU_ASSERT_FATAL(pair_start(&p));
    /* Only ClientHello has been sent: nothing is negotiated yet. */
    CU_ASSERT_EQUAL(glass_engine_suite(p.c), 0);
    CU_ASSERT_EQUAL(glass_engine_group(p.c), 0);
    pair_pump(&p);
    CU_ASSERT_EQUAL_FATAL(glass_engine_state(p.s), GLASS_STATE_APPLICATION);
    /* The server's preference wins among the groups both offer. */
    CU_ASSERT_EQUAL(glass_engine_suite(p.c), GLASS_SUITE_DHE_RSA_AES256_CBC_SHA256);
    CU_ASSERT_EQUAL(glass_engine_suite(p.s), GLASS_SUITE_DHE_RSA_AES256_CBC_SHA256);
    CU_ASSERT_EQUAL(glass_engine_group(p.c), GLASS_GROUP_FFDHE3072);
    CU_ASSERT_EQUAL(glass_engine_group(p.s), GLASS_GROUP_FFDHE3072);

    TU_ASSERT_ERR(glass_engine_abort(p.s, GLASS_OK), GLASS_ERR_ARG);
    TU_ASSERT_ERR(glass_engine_abort(p.s, GLASS_ERR_X509_REVOKED), GLASS_OK);
    CU_ASSERT_EQUAL(glass_engine_state(p.s), GLASS_STATE_ERROR);
    TU_ASSERT_ERR(glass_engine_error(p.s), GLASS_ERR_X509_REVOKED);
    /* The alert is a protected record: the client opens it. */
    pair_pump(&p);
    pair_assert_rejected(&p, 1, GLASS_ALERT_CERTIFICATE_REVOKED);
    CU_ASSERT_EQUAL(p.sl.closed_err, GLASS_ERR_X509_REVOKED);
    CU_ASSERT_EQUAL(glass_engine_state(p.c), GLASS_STATE_ERROR);
    TU_ASSERT_ERR(glass_engine_error(p.c), GLASS_ERR_PROTO_ALERT);
    /* Once over, nothing more. */
    TU_ASSERT_ERR(glass_engine_abort(p.s, GLASS_ERR_X509_REVOKED), GLASS_ERR_PROTO_CLOSED);
    TU_ASSERT_ERR(glass_engine_abort(p.c, GLASS_ERR_X509_REVOKED), GLASS_ERR_PROTO_CLOSED);
    TU_ASSERT_ERR(glass_engine_close(p.s), GLASS_ERR_PROTO_CLOSED);
    pair_free(&p);
}

/* ffdhe4096 is not offered by default but works when both sides have it. */
static void test_handshake_ffdhe4096(void)
{
    pair p;
    if (!pair_setup(&p))
        return;
    p.ccfg.groups[0] = GLASS_GROUP_FFDHE4096;
    p.ccfg.n_groups = 1;
    p.scfg.groups[0] = GLASS_GROUP_FFDHE4096;
    p.scfg.n_groups = 1;
    CU_ASSERT_FATAL(pair_start(&p));
    pair_pump(&p);
    CU_ASSERT_EQUAL(glass_engine_state(p.c), GLASS_STATE_APPLICATION);
    CU_ASSERT_EQUAL(glass_engine_state(p.s), GLASS_STATE_APPLICATION);
    CU_ASSERT_EQUAL(glass_engine_group(p.c), GLASS_GROUP_FFDHE4096);
    pair_free(&p);
}

/* ---- tampering in flight ------------------------------------------------------- */

typedef struct tamper {
    int dir;
    size_t index;               /* which record of that direction */
    size_t offset;              /* byte to flip, from the record start */
    int action;                 /* see below */
    uint8_t held[GLASS_RECORD_HEADER_LEN + GLASS_MAX_FRAGMENT];
    size_t held_len;
    uint8_t y[512];             /* DH value to put in (action SET_Y) */
} tamper;

enum { T_FLIP, T_DROP, T_TRUNCATE, T_REPLAY, T_SWAP, T_SET_YC, T_SET_YS };

static void tamper_filter(void *arg, int dir, size_t index, uint8_t *rec, size_t *len, size_t cap,
                          glass_buf *extra)
{
    tamper *t = arg;
    (void)cap;
    if (dir != t->dir)
        return;
    switch (t->action) {
    case T_FLIP:
        if (index == t->index && t->offset < *len)
            rec[t->offset] ^= 0x01;
        break;
    case T_DROP:
        if (index == t->index)
            *len = 0;
        break;
    case T_TRUNCATE:
        /* Cut the last byte of the handshake message; the record length is
         * fixed up so that only the message is short. */
        if (index == t->index) {
            (*len)--;
            size_t frag = *len - GLASS_RECORD_HEADER_LEN;
            rec[3] = (uint8_t)(frag >> 8);
            rec[4] = (uint8_t)frag;
        }
        break;
    case T_REPLAY:
        /* Deliver record `index`, then it again before the next one. */
        if (index == t->index) {
            memcpy(t->held, rec, *len);
            t->held_len = *len;
        } else if (index == t->index + 1) {
            glass_buf_put(extra, t->held, t->held_len);
        }
        break;
    case T_SWAP:
        /* Hold record `index` and deliver it after the next one. */
        if (index == t->index) {
            memcpy(t->held, rec, *len);
            t->held_len = *len;
            *len = 0;
        } else if (index == t->index + 1) {
            glass_buf_put(extra, rec, *len);
            memcpy(rec, t->held, t->held_len);
            *len = t->held_len;
        }
        break;
    case T_SET_YC:
        /* ClientKeyExchange: header(5) + msg header(4) + length(2) + Yc. */
        if (rec[0] == GLASS_CT_HANDSHAKE && rec[5] == GLASS_HS_CLIENT_KEY_EXCHANGE)
            memcpy(rec + 11, t->y, *len - 11);
        break;
    case T_SET_YS:
        break;
    }
}

static void run_tamper(tamper *t, int app_records, int victim_is_server, int alert)
{
    pair p;
    if (!pair_setup(&p))
        return;
    p.filter = tamper_filter;
    p.filter_arg = t;
    CU_ASSERT_FATAL(pair_start(&p));
    if (app_records > 0) {
        /* Tamper with application records only: the handshake goes clean. */
        int action = t->action;
        t->action = -1;
        pair_pump(&p);
        CU_ASSERT_EQUAL_FATAL(glass_engine_state(p.c), GLASS_STATE_APPLICATION);
        t->action = action;
        t->index += p.index[t->dir];
        for (int i = 0; i < app_records; i++)
            TU_ASSERT_ERR(glass_engine_send_app(p.c, (const uint8_t *)"\x03", 1), GLASS_OK);
    }
    pair_pump(&p);
    if (t->action == T_REPLAY) {
        /* The original got through; its replay did not. */
        CU_ASSERT_EQUAL(p.sl.n_app, 1);
        p.sl.n_app = 0;
    }
    pair_assert_rejected(&p, victim_is_server, alert);
    pair_free(&p);
}

/* One tampering: `action` on record `index` of direction `dir` (0 client
 * -> server, 1 back), at byte `offset` for T_FLIP; the rest as run_tamper. */
static void tamper_once(int dir, size_t index, size_t offset, int action, int app_records,
                        int victim_is_server, int alert)
{
    static tamper t;            /* static: held[] is a whole record */
    memset(&t, 0, sizeof t);
    t.dir = dir;
    t.index = index;
    t.offset = offset;
    t.action = action;
    run_tamper(&t, app_records, victim_is_server, alert);
}

static void test_reject_tampered_ske(void)
{
    /* Server records: 0 ServerHello, 1 Certificate, 2 ServerKeyExchange.
     * Byte 5+4+2+2+10 is inside dh_Ys: the signature no longer matches. */
    tamper_once(1, 2, 23, T_FLIP, 0, 0, GLASS_ALERT_DECRYPT_ERROR);
}

static void test_reject_flipped_record_bit(void)
{
    /* A byte of the ciphertext, then the header's type (23 -> 22). */
    tamper_once(0, 0, GLASS_RECORD_HEADER_LEN + 20, T_FLIP, 1, 1, GLASS_ALERT_BAD_RECORD_MAC);
    tamper_once(0, 0, 0, T_FLIP, 1, 1, GLASS_ALERT_BAD_RECORD_MAC);
}

static void test_reject_flipped_finished(void)
{
    /* Client records: 0 ClientHello, 1 Certificate, 2 ClientKeyExchange,
     * 3 CertificateVerify, 4 Finished (protected). */
    tamper_once(0, 4, GLASS_RECORD_HEADER_LEN + 30, T_FLIP, 0, 1, GLASS_ALERT_BAD_RECORD_MAC);
}

static void test_reject_replayed_record(void)
{
    tamper_once(0, 0, 0, T_REPLAY, 2, 1, GLASS_ALERT_BAD_RECORD_MAC);
}

static void test_reject_reordered_records(void)
{
    tamper_once(0, 0, 0, T_SWAP, 2, 1, GLASS_ALERT_BAD_RECORD_MAC);
}

static void test_reject_truncated_handshake(void)
{
    /* Record 0 of the client: ClientHello. */
    tamper_once(0, 0, 0, T_TRUNCATE, 0, 1, GLASS_ALERT_DECODE_ERROR);
}

static void test_reject_out_of_order(void)
{
    /* Drop the server's Certificate: ServerKeyExchange arrives instead. */
    tamper_once(1, 1, 0, T_DROP, 0, 0, GLASS_ALERT_UNEXPECTED_MESSAGE);
}

/* Yc = 0, 1 and p-1 (SP 800-56A §5.6.2.3.1): illegal_parameter. */
static void test_reject_bad_dh_client(void)
{
    static tamper t;
    const dh_group *G = dh_group_by_tls_id(GLASS_GROUP_FFDHE2048);
    CU_ASSERT_FATAL(G != NULL);
    for (int k = 0; k < 3; k++) {
        memset(&t, 0, sizeof t);
        t.dir = 0;
        t.action = T_SET_YC;
        if (k == 1)
            t.y[G->p_len - 1] = 1;
        if (k == 2) {
            mpz_t pm1;
            mpz_init(pm1);
            mpz_sub_ui(pm1, G->p, 1);
            mpz_export(t.y, NULL, 1, 1, 1, 0, pm1);
            mpz_clear(pm1);
        }
        run_tamper(&t, 0, 1, GLASS_ALERT_ILLEGAL_PARAMETER);
    }
}

/* Ys = p-1, correctly signed by the server's key: the signature passes and
 * the value check must catch it. */
static void ys_filter(void *arg, int dir, size_t index, uint8_t *rec, size_t *len, size_t cap,
                      glass_buf *extra)
{
    (void)extra;
    uint8_t *cr = arg;          /* client_random, captured from ClientHello */
    if (dir == 0 && index == 0) {
        memcpy(cr, rec + GLASS_RECORD_HEADER_LEN + 4 + 2, 32);
        return;
    }
    if (dir != 1 || index != 2)
        return;
    /* Server randoms are in record 0 (already delivered); keep them in cr+32. */
    const dh_group *G = dh_group_by_tls_id(GLASS_GROUP_FFDHE2048);
    uint8_t Ys[256];
    uint8_t sig[256];
    mpz_t pm1;
    mpz_init(pm1);
    mpz_sub_ui(pm1, G->p, 1);
    mpz_export(Ys, NULL, 1, 1, 1, 0, pm1);
    mpz_clear(pm1);
    glass_buf sb = {0}, msg = {0};
    glass_ske_signed_bytes(&sb, cr, cr + 32, GLASS_GROUP_FFDHE2048, Ys, sizeof Ys);
    rsa_pkcs1v15_sign(&pair_fx.server_key, sb.p, sb.len, sig);
    glass_server_key_exchange ske = {GLASS_GROUP_FFDHE2048, Ys, sizeof Ys, sig, sizeof sig};
    glass_encode_server_key_exchange(&msg, &ske);
    if (msg.len + GLASS_RECORD_HEADER_LEN <= cap) {
        memcpy(rec + GLASS_RECORD_HEADER_LEN, msg.p, msg.len);
        rec[3] = (uint8_t)(msg.len >> 8);
        rec[4] = (uint8_t)msg.len;
        *len = GLASS_RECORD_HEADER_LEN + msg.len;
    }
    glass_buf_free(&sb);
    glass_buf_free(&msg);
}

static void sr_capture(void *arg, int dir, size_t index, uint8_t *rec, size_t *len, size_t cap,
                       glass_buf *extra)
{
    uint8_t *cr = arg;
    if (dir == 1 && index == 0)
        memcpy(cr + 32, rec + GLASS_RECORD_HEADER_LEN + 4 + 2, 32);
    ys_filter(arg, dir, index, rec, len, cap, extra);
}

static void test_reject_bad_dh_server(void)
{
    pair p;
    uint8_t randoms[64];
    if (!pair_setup(&p))
        return;
    p.filter = sr_capture;
    p.filter_arg = randoms;
    CU_ASSERT_FATAL(pair_start(&p));
    pair_pump(&p);
    pair_assert_rejected(&p, 0, GLASS_ALERT_ILLEGAL_PARAMETER);
    pair_free(&p);
}

/* ---- server-only access (docs/PROTOCOL.md §10) --------------------------------- */

/* The pair with a client that has no certificate and asks for a
 * server-only session; the server allows those (anonymous) and enrollment
 * as told. */
static int anon_setup(pair *p, int server_anonymous, int allow_enroll)
{
    if (!pair_setup(p))
        return 0;
    p->ccfg.chain = NULL;
    p->ccfg.n_chain = 0;
    p->ccfg.key = NULL;
    p->ccfg.anonymous = 1;
    p->scfg.anonymous = server_anonymous;
    p->scfg.allow_enroll = allow_enroll;
    return 1;
}

/* RFC 5246 §7.4.6 as glass uses it: an empty Certificate and no
 * CertificateVerify (ClientHello, Certificate, ClientKeyExchange, Finished:
 * four records, where a mutual handshake sends five); the server, which
 * also offers enrollment, learns from the first protected record that this
 * is a server-only session, and application data flows both ways. */
static void test_anonymous_session(void)
{
    pair p;
    uint8_t msg[256];
    size_t n;
    glass_app_msg m;
    static const char req[] = "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n";
    if (!anon_setup(&p, 1, 1))
        return;
    CU_ASSERT_FATAL(pair_start(&p));
    pair_pump(&p);
    CU_ASSERT_EQUAL(p.index[0], 4);
    CU_ASSERT_EQUAL(glass_engine_state(p.c), GLASS_STATE_APPLICATION);
    CU_ASSERT_EQUAL(glass_engine_state(p.s), GLASS_STATE_S_WAIT_ENROLL_REQUEST);
    CU_ASSERT(p.cl.handshake_done && p.sl.handshake_done);
    CU_ASSERT_EQUAL(p.sl.authenticated, 0);
    CU_ASSERT_STRING_EQUAL(p.sl.peer_name, "");
    CU_ASSERT_STRING_EQUAL(p.cl.peer_name, "localhost");
    /* The server may not speak first: it does not know yet what the client wants. */
    TU_ASSERT_ERR(glass_engine_send_app(p.s, (const uint8_t *)"x", 1), GLASS_ERR_PROTO_STATE);
    TU_ASSERT_ERR(glass_app_encode_fetch_request(msg, sizeof msg, &n, (const uint8_t *)req,
                                                 sizeof req - 1),
                  GLASS_OK);
    TU_ASSERT_ERR(glass_engine_send_app(p.c, msg, n), GLASS_OK);
    pair_pump(&p);
    CU_ASSERT_EQUAL(glass_engine_state(p.s), GLASS_STATE_APPLICATION);
    CU_ASSERT_EQUAL_FATAL(p.sl.n_app, 1);
    TU_ASSERT_ERR(glass_app_decode(p.sl.app[0], p.sl.app_len[0], &m), GLASS_OK);
    CU_ASSERT_EQUAL(m.type, GLASS_APP_FETCH_REQUEST);
    CU_ASSERT_STRING_EQUAL(p.sl.peer_name, "");
    TU_ASSERT_ERR(glass_app_encode_error(msg, sizeof msg, &n, GLASS_APP_ERR_NEEDS_CERT,
                                         "chat needs a client certificate"),
                  GLASS_OK);
    TU_ASSERT_ERR(glass_engine_send_app(p.s, msg, n), GLASS_OK);
    pair_pump(&p);
    CU_ASSERT_EQUAL_FATAL(p.cl.n_app, 1);
    TU_ASSERT_ERR(glass_app_decode(p.cl.app[0], p.cl.app_len[0], &m), GLASS_OK);
    CU_ASSERT(m.type == GLASS_APP_ERROR && m.code == GLASS_APP_ERR_NEEDS_CERT);
    /* An anonymous client cannot turn into an enrolling one. */
    TU_ASSERT_ERR(glass_engine_enroll(p.c, "carol", msg, 5, (const uint8_t *)"C", 1),
                  GLASS_ERR_PROTO_STATE);
    TU_ASSERT_ERR(glass_engine_close(p.c), GLASS_OK);
    pair_pump(&p);
    CU_ASSERT_EQUAL(glass_engine_state(p.s), GLASS_STATE_CLOSED);
    pair_free(&p);
}

/* A server that allows server-only sessions but not enrollment goes
 * straight to application data after its Finished. */
static void test_anonymous_no_enroll(void)
{
    pair p;
    if (!anon_setup(&p, 1, 0))
        return;
    CU_ASSERT_FATAL(pair_start(&p));
    pair_pump(&p);
    CU_ASSERT_EQUAL(glass_engine_state(p.c), GLASS_STATE_APPLICATION);
    CU_ASSERT_EQUAL(glass_engine_state(p.s), GLASS_STATE_APPLICATION);
    TU_ASSERT_ERR(glass_engine_send_app(p.s, (const uint8_t *)"hi", 2), GLASS_OK);
    pair_pump(&p);
    CU_ASSERT_EQUAL(p.cl.n_app, 1);
    pair_free(&p);
}

/* A server that does not allow server-only sessions (enrollment only)
 * answers application data from a client without a certificate with
 * handshake_failure, "a certificate is required" (RFC 5246 §7.4.6), and
 * delivers nothing. */
static void test_reject_anonymous_data(void)
{
    pair p;
    if (!anon_setup(&p, 0, 1))
        return;
    CU_ASSERT_FATAL(pair_start(&p));
    pair_pump(&p);
    CU_ASSERT_EQUAL(glass_engine_state(p.s), GLASS_STATE_S_WAIT_ENROLL_REQUEST);
    TU_ASSERT_ERR(glass_engine_send_app(p.c, (const uint8_t *)"x", 1), GLASS_OK);
    pair_pump(&p);
    CU_ASSERT_EQUAL(p.sl.alert_sent, GLASS_ALERT_HANDSHAKE_FAILURE);
    CU_ASSERT_EQUAL(p.cl.alert_received, GLASS_ALERT_HANDSHAKE_FAILURE);
    TU_ASSERT_ERR(glass_engine_error(p.s), GLASS_ERR_PROTO_NO_CLIENT_CERT);
    CU_ASSERT_EQUAL(p.sl.n_app, 0);
    pair_free(&p);
    /* Neither anonymous nor enrolling: the empty Certificate is refused. */
    if (!anon_setup(&p, 0, 0))
        return;
    CU_ASSERT_FATAL(pair_start(&p));
    pair_pump(&p);
    pair_assert_rejected(&p, 1, GLASS_ALERT_HANDSHAKE_FAILURE);
    pair_free(&p);
}

/* A client with a certificate is mutually authenticated whether or not
 * the server allows server-only sessions; anonymous is glass only, and a
 * client with a chain cannot ask for it. */
static void test_anonymous_config(void)
{
    pair p;
    glass_engine *e = NULL;
    if (!pair_setup(&p))
        return;
    p.scfg.anonymous = 1;
    p.scfg.allow_enroll = 1;
    CU_ASSERT_FATAL(pair_start(&p));
    pair_pump(&p);
    CU_ASSERT_EQUAL(p.index[0], 5);
    CU_ASSERT_EQUAL(glass_engine_state(p.s), GLASS_STATE_APPLICATION);
    CU_ASSERT_EQUAL(p.sl.authenticated, 1);
    CU_ASSERT_STRING_EQUAL(p.sl.peer_name, "alice");
    glass_config c = p.ccfg;
    pair_free(&p);
    c.anonymous = 1;
    TU_ASSERT_ERR(glass_engine_new(&e, &c), GLASS_ERR_ARG);
    c.chain = NULL;
    c.n_chain = 0;
    c.key = NULL;
    c.profile = GLASS_PROFILE_TLS12;
    TU_ASSERT_ERR(glass_engine_new(&e, &c), GLASS_ERR_ARG);
    CU_ASSERT_PTR_NULL(e);
}

void suite_protocol(void)
{
    CU_pSuite s = tu_suite("protocol");
    TU_ADD(s, test_handshake_mutual);
    TU_ADD(s, test_handshake_byte_by_byte);
    TU_ADD(s, test_golden_transcript);
    TU_ADD(s, test_enroll);
    TU_ADD(s, test_reject_no_client_cert);
    TU_ADD(s, test_reject_server_other_ca);
    TU_ADD(s, test_reject_client_other_ca);
    TU_ADD(s, test_reject_client_expired);
    TU_ADD(s, test_reject_client_wrong_eku);
    TU_ADD(s, test_reject_server_name);
    TU_ADD(s, test_reject_server_as_client_cert);
    TU_ADD(s, test_reject_tampered_ske);
    TU_ADD(s, test_reject_flipped_record_bit);
    TU_ADD(s, test_reject_flipped_finished);
    TU_ADD(s, test_reject_replayed_record);
    TU_ADD(s, test_reject_reordered_records);
    TU_ADD(s, test_reject_truncated_handshake);
    TU_ADD(s, test_reject_out_of_order);
    TU_ADD(s, test_reject_bad_dh_client);
    TU_ADD(s, test_reject_bad_dh_server);
    TU_ADD(s, test_reject_client_revoked);
    TU_ADD(s, test_negotiated_and_abort);
    TU_ADD(s, test_handshake_ffdhe4096);
    TU_ADD(s, test_anonymous_session);
    TU_ADD(s, test_anonymous_no_enroll);
    TU_ADD(s, test_reject_anonymous_data);
    TU_ADD(s, test_anonymous_config);
}
