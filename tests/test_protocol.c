/*
 * test_protocol.c — the glass protocol engine, two engines back to back in
 * one process: the mutual handshake and application data both ways,
 * enrollment, a golden transcript, and one rejection per check a peer must
 * make (each asserting the alert sent and that no application data got
 * through).
 *
 * Certificates and keys are fixtures made once by
 * tests/data/protocol/make-fixtures.sh (see there for what each is).
 * Randomness comes from two glass_drbg streams, so every run of a test is
 * the same bytes.
 */
#include "testutil.h"

#include "ca/ca.h"
#include "protocol/protocol.h"
#include "protocol/protocol_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- fixtures ------------------------------------------------------------- */

enum {
    FX_CA, FX_SERVER, FX_ALICE, FX_ALICE_EXPIRED, FX_ALICE_EKU, FX_OTHER_CA,
    FX_OTHER_SERVER, FX_OTHER_CLIENT, FX_ALICE_REVOKED, FX_CRL, FX_COUNT
};
static const char *fx_names[FX_COUNT] = {
    "ca.der", "server.der", "alice.der", "alice-expired.der", "alice-eku.der", "other-ca.der",
    "other-server.der", "other-client.der", "alice-revoked.der", "crl.der"};

static struct {
    int tried, ok;
    glass_blob cert[FX_COUNT];
    uint8_t *data[FX_COUNT];
    rsa_private_key server_key, alice_key;
    int64_t now;
} fx;

static uint8_t *read_fixture(const char *name, size_t *len)
{
    char path[512];
    const char *root = getenv("ROOT");
    uint8_t *data = NULL;
    snprintf(path, sizeof path, "%s%stests/data/protocol/%s", root ? root : "", root ? "/" : "",
             name);
    if (glass_read_file(path, 1 << 20, &data, len) != GLASS_OK) {
        fprintf(stderr, "\n  cannot read fixture %s\n", path);
        return NULL;
    }
    return data;
}

static int load_key(const char *name, rsa_private_key *key)
{
    size_t len;
    uint8_t *data = read_fixture(name, &len);
    if (data == NULL)
        return 0;
    rsa_private_init(key);
    glass_err err = key_load_private(data, len, NULL, key);
    glass_wipe(data, len);
    free(data);
    if (err != GLASS_OK)
        fprintf(stderr, "\n  key %s: %s\n", name, glass_strerror(err));
    return err == GLASS_OK;
}

static int fixtures(void)
{
    if (fx.tried)
        return fx.ok;
    fx.tried = 1;
    for (int i = 0; i < FX_COUNT; i++) {
        fx.data[i] = read_fixture(fx_names[i], &fx.cert[i].len);
        if (fx.data[i] == NULL)
            return 0;
        fx.cert[i].der = fx.data[i];
    }
    size_t len;
    uint8_t *now = read_fixture("now.txt", &len);
    if (now == NULL)
        return 0;
    /* An hour after the certificates were made: all valid but none expired. */
    fx.now = strtoll((char *)now, NULL, 10) + 3600;
    free(now);
    if (!load_key("server.key", &fx.server_key) || !load_key("alice.key", &fx.alice_key))
        return 0;
    fx.ok = 1;
    return 1;
}

/* ---- two engines back to back --------------------------------------------- */

#define MAX_LOG 32

typedef struct side_log {
    size_t n;
    glass_event_type type[MAX_LOG];
    int handshake_done;
    int authenticated;
    char peer_name[GLASS_MAX_NAME + 1];
    int alert_sent, alert_received;     /* -1: none */
    int closed;
    glass_err closed_err;
    size_t n_app;
    uint8_t app[4][256];
    size_t app_len[4];
    int enroll_request, enroll_result, enroll_ok;
    char enroll_name[GLASS_MAX_NAME + 1];
    uint8_t enroll_data[2048];
    size_t enroll_len;
    uint8_t enroll_code[64];
    size_t enroll_code_len;
} side_log;

/* A filter sees every record in flight: dir 0 client->server, 1 back;
 * index counts records per direction.  It may change rec in place (up to
 * cap bytes) and its *len, or set *len = 0 to drop it; it may also put a
 * record to send first in extra. */
typedef void (*filter_fn)(void *arg, int dir, size_t index, uint8_t *rec, size_t *len,
                          size_t cap, glass_buf *extra);

typedef struct pair {
    glass_config ccfg, scfg;
    glass_engine *c, *s;
    glass_drbg dc, ds;
    side_log cl, sl;
    filter_fn filter;
    void *filter_arg;
    size_t index[2];
    sha256_ctx wire;            /* every byte, both directions, in order */
    glass_tracer ctrace, strace;
    uint8_t c_master[48], s_master[48];
    int c_master_seen, s_master_seen;
} pair;

static void trace_master(void *arg, const char *name, const char *explain, const uint8_t *bytes,
                         size_t len)
{
    uint8_t *dst = arg;
    (void)explain;
    if (strcmp(name, "derive master_secret") == 0 && len == 48) {
        memcpy(dst, bytes, 48);
        dst[48] = 1;
    }
}

static uint8_t c_trace_buf[49], s_trace_buf[49];

static void log_events(glass_engine *e, side_log *l)
{
    glass_event ev;
    while (glass_engine_next_event(e, &ev)) {
        if (l->n < MAX_LOG)
            l->type[l->n++] = ev.type;
        switch (ev.type) {
        case GLASS_EV_HANDSHAKE_DONE:
            l->handshake_done = 1;
            l->authenticated = ev.authenticated;
            memcpy(l->peer_name, ev.peer_name, sizeof l->peer_name);
            break;
        case GLASS_EV_APP_MESSAGE:
            if (l->n_app < 4 && ev.len <= 256) {
                memcpy(l->app[l->n_app], ev.data, ev.len);
                l->app_len[l->n_app] = ev.len;
            }
            l->n_app++;
            break;
        case GLASS_EV_ENROLL_REQUEST:
            l->enroll_request = 1;
            memcpy(l->enroll_name, ev.peer_name, sizeof l->enroll_name);
            if (ev.len <= sizeof l->enroll_data) {
                memcpy(l->enroll_data, ev.data, ev.len);
                l->enroll_len = ev.len;
            }
            if (ev.code_len <= sizeof l->enroll_code) {
                memcpy(l->enroll_code, ev.code, ev.code_len);
                l->enroll_code_len = ev.code_len;
            }
            break;
        case GLASS_EV_ENROLL_RESULT:
            l->enroll_result = 1;
            l->enroll_ok = ev.enroll_ok;
            if (ev.len <= sizeof l->enroll_data) {
                memcpy(l->enroll_data, ev.data, ev.len);
                l->enroll_len = ev.len;
            }
            break;
        case GLASS_EV_ALERT_SENT:
            l->alert_sent = ev.alert;
            break;
        case GLASS_EV_ALERT_RECEIVED:
            l->alert_received = ev.alert;
            break;
        case GLASS_EV_CLOSED:
            l->closed = 1;
            l->closed_err = ev.err;
            break;
        case GLASS_EV_NONE:
            break;
        }
    }
}

/* Default configs: alice <-> localhost, mutual, seeded. */
static void pair_init(pair *p)
{
    memset(p, 0, sizeof *p);
    p->cl.alert_sent = p->cl.alert_received = -1;
    p->sl.alert_sent = p->sl.alert_received = -1;
    glass_drbg_init(&p->dc, 2026, 1);
    glass_drbg_init(&p->ds, 2026, 2);
    sha256_init(&p->wire);
    memset(c_trace_buf, 0, sizeof c_trace_buf);
    memset(s_trace_buf, 0, sizeof s_trace_buf);
    p->ctrace.fn = trace_master;
    p->ctrace.arg = c_trace_buf;
    p->strace.fn = trace_master;
    p->strace.arg = s_trace_buf;

    p->ccfg.role = GLASS_ROLE_CLIENT;
    p->ccfg.random = glass_random_from_drbg;
    p->ccfg.random_arg = &p->dc;
    p->ccfg.now = fx.now;
    p->ccfg.anchors = &fx.cert[FX_CA];
    p->ccfg.n_anchors = 1;
    p->ccfg.chain = &fx.cert[FX_ALICE];
    p->ccfg.n_chain = 1;
    p->ccfg.key = &fx.alice_key;
    p->ccfg.server_name = "localhost";
    p->ccfg.trace = &p->ctrace;

    p->scfg.role = GLASS_ROLE_SERVER;
    p->scfg.random = glass_random_from_drbg;
    p->scfg.random_arg = &p->ds;
    p->scfg.now = fx.now;
    p->scfg.anchors = &fx.cert[FX_CA];
    p->scfg.n_anchors = 1;
    p->scfg.chain = &fx.cert[FX_SERVER];
    p->scfg.n_chain = 1;
    p->scfg.key = &fx.server_key;
    p->scfg.trace = &p->strace;
}

/* The fixtures, then pair_init; 0 (and a failed assertion) without them. */
static int pair_setup(pair *p)
{
    if (!fixtures()) {
        CU_FAIL("fixtures missing");
        return 0;
    }
    pair_init(p);
    return 1;
}

static int pair_start(pair *p)
{
    if (glass_engine_new(&p->c, &p->ccfg) != GLASS_OK)
        return 0;
    if (glass_engine_new(&p->s, &p->scfg) != GLASS_OK)
        return 0;
    if (glass_engine_start(p->s) != GLASS_OK)
        return 0;
    return glass_engine_start(p->c) == GLASS_OK;
}

/* Moves everything one side has to send to the other, record by record,
 * through the filter. */
static size_t move(pair *p, int dir)
{
    glass_engine *from = dir == 0 ? p->c : p->s;
    glass_engine *to = dir == 0 ? p->s : p->c;
    const uint8_t *out;
    size_t n, moved = 0;
    static uint8_t rec[GLASS_RECORD_HEADER_LEN + GLASS_MAX_FRAGMENT + 64];
    glass_engine_output(from, &out, &n);
    while (n > 0) {
        size_t len = n;
        if (n >= GLASS_RECORD_HEADER_LEN) {
            size_t frag = ((size_t)out[3] << 8) | out[4];
            if (GLASS_RECORD_HEADER_LEN + frag <= n)
                len = GLASS_RECORD_HEADER_LEN + frag;
        }
        memcpy(rec, out, len);
        glass_engine_consume_output(from, len);
        glass_buf extra = {0};
        if (p->filter != NULL)
            p->filter(p->filter_arg, dir, p->index[dir], rec, &len, sizeof rec, &extra);
        p->index[dir]++;
        if (extra.len > 0) {
            sha256_update(&p->wire, extra.p, extra.len);
            (void)glass_engine_feed(to, extra.p, extra.len);
        }
        glass_buf_free(&extra);
        if (len > 0) {
            sha256_update(&p->wire, rec, len);
            (void)glass_engine_feed(to, rec, len);
        }
        moved++;
        glass_engine_output(from, &out, &n);
    }
    log_events(p->c, &p->cl);
    log_events(p->s, &p->sl);
    return moved;
}

/* Runs until neither side has anything to say (bounded). */
static void pump(pair *p)
{
    for (int round = 0; round < 50; round++) {
        size_t m = move(p, 0);
        m += move(p, 1);
        if (m == 0)
            break;
    }
}

static void pair_free(pair *p)
{
    glass_engine_free(p->c);
    glass_engine_free(p->s);
    p->c = p->s = NULL;
}

/* The shape of every rejection: the victim sent `alert`, the other side
 * received it, both are in ERROR, and no application data was delivered. */
static void assert_rejected(pair *p, int victim_is_server, int alert)
{
    side_log *v = victim_is_server ? &p->sl : &p->cl;
    side_log *o = victim_is_server ? &p->cl : &p->sl;
    glass_engine *ve = victim_is_server ? p->s : p->c;
    if (v->alert_sent != alert)
        fprintf(stderr, "\n  expected alert %d (%s), %s sent %d\n", alert, glass_alert_name((unsigned)alert),
                victim_is_server ? "server" : "client", v->alert_sent);
    CU_ASSERT_EQUAL(v->alert_sent, alert);
    CU_ASSERT_EQUAL(o->alert_received, alert);
    CU_ASSERT_EQUAL(glass_engine_state(ve), GLASS_STATE_ERROR);
    CU_ASSERT_EQUAL(v->closed, 1);
    CU_ASSERT_EQUAL(o->closed, 1);
    CU_ASSERT_EQUAL(p->cl.n_app, 0);
    CU_ASSERT_EQUAL(p->sl.n_app, 0);
}

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
    pump(&p);
    CU_ASSERT_EQUAL(glass_engine_state(p.c), GLASS_STATE_APPLICATION);
    CU_ASSERT_EQUAL(glass_engine_state(p.s), GLASS_STATE_APPLICATION);
    CU_ASSERT_STRING_EQUAL(glass_engine_state_name(p.c), "APPLICATION");
    CU_ASSERT(p.cl.handshake_done && p.sl.handshake_done);
    CU_ASSERT_STRING_EQUAL(p.cl.peer_name, "localhost");
    CU_ASSERT_STRING_EQUAL(p.sl.peer_name, "alice");
    CU_ASSERT_EQUAL(p.sl.authenticated, 1);
    /* Both sides derived the same master secret (seen through the trace). */
    CU_ASSERT(c_trace_buf[48] == 1 && s_trace_buf[48] == 1);
    CU_ASSERT(memcmp(c_trace_buf, s_trace_buf, 48) == 0);

    /* Client -> server: SendTo(bob, "hello"). */
    TU_ASSERT_ERR(glass_app_encode_send_to(msg, sizeof msg, &n, "bob", (const uint8_t *)"hello", 5),
                  GLASS_OK);
    TU_ASSERT_ERR(glass_engine_send_app(p.c, msg, n), GLASS_OK);
    pump(&p);
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
    pump(&p);
    CU_ASSERT_EQUAL_FATAL(p.cl.n_app, 2);
    TU_ASSERT_ERR(glass_app_decode(p.cl.app[1], p.cl.app_len[1], &m), GLASS_OK);
    CU_ASSERT_EQUAL(m.type, GLASS_APP_DELIVER);
    CU_ASSERT(m.text_len == 8 && memcmp(m.text, "hi there", 8) == 0);

    /* A full 16 KiB record goes; one byte more is refused. */
    static uint8_t big[GLASS_MAX_PLAINTEXT + 1];
    memset(big, 'x', sizeof big);
    TU_ASSERT_ERR(glass_engine_send_app(p.c, big, GLASS_MAX_PLAINTEXT), GLASS_OK);
    TU_ASSERT_ERR(glass_engine_send_app(p.c, big, sizeof big), GLASS_ERR_PROTO_RECORD_OVERFLOW);
    pump(&p);
    CU_ASSERT_EQUAL(p.sl.n_app, 2);

    /* close_notify, answered. */
    TU_ASSERT_ERR(glass_engine_close(p.c), GLASS_OK);
    pump(&p);
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
        log_events(p.c, &p.cl);
        log_events(p.s, &p.sl);
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
    pump(&p);
    CU_ASSERT_EQUAL(glass_engine_state(p.c), GLASS_STATE_APPLICATION);
    TU_ASSERT_ERR(glass_engine_send_app(p.c, (const uint8_t *)"\x03", 1), GLASS_OK);
    pump(&p);
    sha256_final(&p.wire, digest);
    pair_free(&p);
}

/* SHA-256 of the wire bytes of the golden run (seed 2026, streams 1 and 2,
 * the fixtures of tests/data/protocol).  Regenerating the fixtures changes
 * it: the test prints the new value. */
static const char golden_hex[] =
    "76a687313dbf3dd081003418184e8b1d9500713fb1dc6cf74e2955211f6b6c38";

static void test_golden_transcript(void)
{
    uint8_t a[32], b[32];
    char hex[65];
    if (!fixtures()) {
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
    if (!fixtures()) {
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
        pump(&p);
        CU_ASSERT_EQUAL(glass_engine_state(p.c), GLASS_STATE_C_ENROLL_READY);
        CU_ASSERT_EQUAL(glass_engine_state(p.s), GLASS_STATE_S_WAIT_ENROLL_REQUEST);
        CU_ASSERT_EQUAL(p.sl.authenticated, 0);
        CU_ASSERT_STRING_EQUAL(p.sl.peer_name, "");
        /* An unauthenticated session may do nothing but enroll. */
        TU_ASSERT_ERR(glass_engine_send_app(p.c, (const uint8_t *)"x", 1), GLASS_ERR_PROTO_STATE);
        TU_ASSERT_ERR(glass_engine_send_app(p.s, (const uint8_t *)"x", 1), GLASS_ERR_PROTO_STATE);
        TU_ASSERT_ERR(glass_engine_enroll(p.c, "carol", csr, sizeof csr, code, sizeof code - 1),
                      GLASS_OK);
        pump(&p);
        CU_ASSERT_FATAL(p.sl.enroll_request);
        CU_ASSERT_STRING_EQUAL(p.sl.enroll_name, "carol");
        CU_ASSERT(p.sl.enroll_len == sizeof csr && memcmp(p.sl.enroll_data, csr, sizeof csr) == 0);
        CU_ASSERT(p.sl.enroll_code_len == sizeof code - 1 &&
                  memcmp(p.sl.enroll_code, code, sizeof code - 1) == 0);
        CU_ASSERT_EQUAL(glass_engine_state(p.s), GLASS_STATE_S_WAIT_ENROLL_REPLY);
        if (!refuse) {
            TU_ASSERT_ERR(glass_engine_enroll_reply(p.s, fx.cert[FX_ALICE].der, fx.cert[FX_ALICE].len),
                          GLASS_OK);
            pump(&p);
            CU_ASSERT(p.cl.enroll_result && p.cl.enroll_ok);
            CU_ASSERT(p.cl.enroll_len == fx.cert[FX_ALICE].len &&
                      memcmp(p.cl.enroll_data, fx.cert[FX_ALICE].der, p.cl.enroll_len) == 0);
            CU_ASSERT_EQUAL(p.cl.alert_received, GLASS_ALERT_CLOSE_NOTIFY);
            CU_ASSERT_EQUAL(glass_engine_state(p.c), GLASS_STATE_CLOSED);
        } else {
            TU_ASSERT_ERR(glass_engine_enroll_refuse(p.s, "wrong code"), GLASS_OK);
            pump(&p);
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
    pump(&p);
    assert_rejected(&p, 1, GLASS_ALERT_HANDSHAKE_FAILURE);
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
        p.ccfg.chain = &fx.cert[which];
    else if (which >= 0)
        p.scfg.chain = &fx.cert[which];
    p.scfg.now += server_now_shift;
    if (server_name != NULL)
        p.ccfg.server_name = server_name;
    CU_ASSERT_FATAL(pair_start(&p));
    pump(&p);
    assert_rejected(&p, victim_is_server, alert);
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
    p.ccfg.chain = &fx.cert[FX_SERVER];
    p.ccfg.key = &fx.server_key;
    CU_ASSERT_FATAL(pair_start(&p));
    pump(&p);
    assert_rejected(&p, 1, GLASS_ALERT_UNSUPPORTED_CERTIFICATE);
    pair_free(&p);
}

static void test_reject_client_revoked(void)
{
    pair p;
    if (!fixtures()) {
        CU_FAIL("fixtures missing");
        return;
    }
    /* With the CRL loaded, alice's own certificate still passes ... */
    pair_init(&p);
    p.scfg.crl = fx.cert[FX_CRL];
    CU_ASSERT_FATAL(pair_start(&p));
    pump(&p);
    CU_ASSERT_EQUAL(glass_engine_state(p.s), GLASS_STATE_APPLICATION);
    pair_free(&p);
    /* ... and the revoked one (serial 20) does not. */
    pair_init(&p);
    p.scfg.crl = fx.cert[FX_CRL];
    p.ccfg.chain = &fx.cert[FX_ALICE_REVOKED];
    CU_ASSERT_FATAL(pair_start(&p));
    pump(&p);
    assert_rejected(&p, 1, GLASS_ALERT_CERTIFICATE_REVOKED);
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
    pump(&p);
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
    pump(&p);
    assert_rejected(&p, 1, GLASS_ALERT_CERTIFICATE_REVOKED);
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
    pump(&p);
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
        pump(&p);
        CU_ASSERT_EQUAL_FATAL(glass_engine_state(p.c), GLASS_STATE_APPLICATION);
        t->action = action;
        t->index += p.index[t->dir];
        for (int i = 0; i < app_records; i++)
            TU_ASSERT_ERR(glass_engine_send_app(p.c, (const uint8_t *)"\x03", 1), GLASS_OK);
    }
    pump(&p);
    if (t->action == T_REPLAY) {
        /* The original got through; its replay did not. */
        CU_ASSERT_EQUAL(p.sl.n_app, 1);
        p.sl.n_app = 0;
    }
    assert_rejected(&p, victim_is_server, alert);
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
    rsa_pkcs1v15_sign(&fx.server_key, sb.p, sb.len, sig);
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
    pump(&p);
    assert_rejected(&p, 0, GLASS_ALERT_ILLEGAL_PARAMETER);
    pair_free(&p);
}

/* ---- hostile bytes ------------------------------------------------------------- */

static void feed_server_raw(const uint8_t *bytes, size_t len, int alert, glass_err expect)
{
    pair p;
    if (!pair_setup(&p))
        return;
    CU_ASSERT_FATAL(glass_engine_new(&p.s, &p.scfg) == GLASS_OK);
    TU_ASSERT_ERR(glass_engine_start(p.s), GLASS_OK);
    TU_ASSERT_ERR(glass_engine_feed(p.s, bytes, len), expect);
    log_events(p.s, &p.sl);
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
    /* A TLS 1.2 ClientHello header: right content type, wrong version. */
    static const uint8_t tls[] = {0x16, 0x03, 0x01, 0x00, 0x05, 1, 0, 0, 1, 0};
    feed_server_raw(tls, sizeof tls, GLASS_ALERT_PROTOCOL_VERSION, GLASS_ERR_PROTO_VERSION);
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
 * taken from the trace. */
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
    pump(&p);
    CU_ASSERT_EQUAL_FATAL(glass_engine_state(p.s), GLASS_STATE_S_WAIT_ENROLL_REQUEST);
    memset(&w, 0, sizeof w);
    TU_ASSERT_ERR(glass_direction_activate(&w, k.mac, k.enc), GLASS_OK);
    w.seq = 1;                                   /* the client's Finished was 0 */
    TU_ASSERT_ERR(glass_record_seal(&w, GLASS_CT_APPLICATION, (const uint8_t *)"\x03", 1,
                                    fixed_random, &seed, NULL, &rec),
                  GLASS_OK);
    TU_ASSERT_ERR(glass_engine_feed(p.s, rec.p, rec.len), GLASS_ERR_PROTO_UNEXPECTED);
    log_events(p.s, &p.sl);
    CU_ASSERT_EQUAL(p.sl.alert_sent, GLASS_ALERT_UNEXPECTED_MESSAGE);
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
    pump(&p);
    CU_ASSERT_EQUAL_FATAL(glass_engine_state(p.s), GLASS_STATE_APPLICATION);
    hdr[3] = (uint8_t)((GLASS_MAX_FRAGMENT + 1) >> 8);
    hdr[4] = (uint8_t)(GLASS_MAX_FRAGMENT + 1);
    TU_ASSERT_ERR(glass_engine_feed(p.s, hdr, sizeof hdr), GLASS_ERR_PROTO_RECORD_OVERFLOW);
    log_events(p.s, &p.sl);
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
    TU_ASSERT_ERR(glass_direction_activate(&w, mk, ek), GLASS_OK);
    TU_ASSERT_ERR(glass_direction_activate(&r, mk, ek), GLASS_OK);
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

/* A record whose MAC is right but whose padding is wrong (only a broken
 * sender makes one): still bad_record_mac, and the same error as a bad MAC. */
static void test_record_bad_padding(void)
{
    glass_direction r;
    uint8_t mk[32], ek[32], iv[16], block[32], pt[GLASS_MAX_FRAGMENT];
    uint8_t rec[5 + 16 + 32 + 32];
    size_t n;
    aes256_ctx aes;
    memset(&r, 0, sizeof r);
    memset(mk, 3, sizeof mk);
    memset(ek, 4, sizeof ek);
    memset(iv, 5, sizeof iv);
    TU_ASSERT_ERR(glass_direction_activate(&r, mk, ek), GLASS_OK);
    for (int bad = 0; bad < 3; bad++) {
        memset(block, 'a', sizeof block);
        if (bad == 0)
            block[31] = 0;              /* padding length 0 */
        else if (bad == 1)
            block[31] = 17;             /* longer than a block */
        else {
            memset(block + 26, 6, 6);   /* 6 bytes of 6 ... */
            block[27] = 5;              /* ... with one wrong */
        }
        TU_ASSERT_ERR(aes256_init(&aes, ek, 32), GLASS_OK);
        TU_ASSERT_ERR(aes256_cbc_encrypt(&aes, iv, block, 32, block), GLASS_OK);
        aes256_clear(&aes);
        uint8_t hdr[5] = {GLASS_CT_APPLICATION, 0x47, 0x01, 0, 16 + 32 + 32};
        memcpy(rec, hdr, 5);
        memcpy(rec + 5, iv, 16);
        memcpy(rec + 21, block, 32);
        hmac_sha256_ctx h;
        uint8_t seq[8] = {0};
        hmac_sha256_init(&h, mk, 32);
        hmac_sha256_update(&h, hdr, 5);
        hmac_sha256_update(&h, seq, 8);
        hmac_sha256_update(&h, rec + 5, 48);
        hmac_sha256_final(&h, rec + 53);
        TU_ASSERT_ERR(glass_record_open(&r, rec, sizeof rec, NULL, pt, &n), GLASS_ERR_PROTO_BAD_MAC);
    }
    glass_direction_clear(&r);
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
    pump(&p);
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
    if (!fixtures()) {
        CU_FAIL("fixtures missing");
        return;
    }
    memset(&c, 0, sizeof c);
    c.role = GLASS_ROLE_CLIENT;
    c.anchors = &fx.cert[FX_CA];
    c.n_anchors = 1;
    TU_ASSERT_ERR(glass_engine_new(&e, &c), GLASS_ERR_ARG);        /* no server_name */
    c.server_name = "localhost";
    c.key = &fx.alice_key;                                          /* key without chain */
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

void suite_protocol(void)
{
    CU_pSuite s = tu_suite("protocol");
    TU_ADD(s, test_record_round_trip);
    TU_ADD(s, test_record_bad_padding);
    TU_ADD(s, test_messages_round_trip);
    TU_ADD(s, test_appmsg);
    TU_ADD(s, test_appmsg_fetch);
    TU_ADD(s, test_appmsg_kv);
    TU_ADD(s, test_config_checks);
    TU_ADD(s, test_handshake_mutual);
    TU_ADD(s, test_handshake_byte_by_byte);
    TU_ADD(s, test_golden_transcript);
    TU_ADD(s, test_dissect);
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
    TU_ADD(s, test_reject_garbage);
    TU_ADD(s, test_reject_record_overflow);
    TU_ADD(s, test_reject_protected_overflow);
    TU_ADD(s, test_reject_client_revoked);
    TU_ADD(s, test_negotiated_and_abort);
    TU_ADD(s, test_handshake_ffdhe4096);
    TU_ADD(s, test_reject_app_in_enroll_session);
}
