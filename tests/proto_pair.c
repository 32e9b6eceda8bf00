/*
 * proto_pair.c — see proto_pair.h: fixtures and two engines back to back.
 *
 * Certificates and keys are fixtures made once by
 * tests/data/protocol/make-fixtures.sh (see there for what each is).
 * Randomness comes from two glass_drbg streams, so every run of a test is
 * the same bytes.
 */
#include "proto_pair.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- fixtures ------------------------------------------------------------- */

static const char *fx_names[FX_COUNT] = {
    "ca.der", "server.der", "alice.der", "alice-expired.der", "alice-eku.der", "other-ca.der",
    "other-server.der", "other-client.der", "alice-revoked.der", "crl.der"};

pair_fixture_set pair_fx;

uint8_t *pair_read_fixture(const char *name, size_t *len)
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

int pair_load_key(const char *name, rsa_private_key *key)
{
    size_t len;
    uint8_t *data = pair_read_fixture(name, &len);
    if (data == NULL)
        return 0;
    rsa_private_init(key);
    glass_err err = ca_key_load_private(data, len, NULL, key);
    glass_wipe(data, len);
    free(data);
    if (err != GLASS_OK)
        fprintf(stderr, "\n  key %s: %s\n", name, glass_strerror(err));
    return err == GLASS_OK;
}

int pair_fixtures(void)
{
    if (pair_fx.tried)
        return pair_fx.ok;
    pair_fx.tried = 1;
    for (int i = 0; i < FX_COUNT; i++) {
        pair_fx.data[i] = pair_read_fixture(fx_names[i], &pair_fx.cert[i].len);
        if (pair_fx.data[i] == NULL)
            return 0;
        pair_fx.cert[i].der = pair_fx.data[i];
    }
    size_t len;
    uint8_t *now = pair_read_fixture("now.txt", &len);
    if (now == NULL)
        return 0;
    /* An hour after the certificates were made: all valid but none expired. */
    pair_fx.now = strtoll((char *)now, NULL, 10) + 3600;
    free(now);
    if (!pair_load_key("server.key", &pair_fx.server_key) || !pair_load_key("alice.key", &pair_fx.alice_key))
        return 0;
    pair_fx.ok = 1;
    return 1;
}

/* ---- two engines back to back --------------------------------------------- */







static void pair_trace_master(void *arg, const char *name, const char *explain, const uint8_t *bytes,
                         size_t len)
{
    uint8_t *dst = arg;
    (void)explain;
    if (strcmp(name, "derive master_secret") == 0 && len == 48) {
        memcpy(dst, bytes, 48);
        dst[48] = 1;
    }
}

uint8_t pair_c_trace[49], pair_s_trace[49];

void pair_log_events(glass_engine *e, side_log *l)
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
void pair_init(pair *p)
{
    memset(p, 0, sizeof *p);
    p->cl.alert_sent = p->cl.alert_received = -1;
    p->sl.alert_sent = p->sl.alert_received = -1;
    glass_drbg_init(&p->dc, 2026, 1);
    glass_drbg_init(&p->ds, 2026, 2);
    sha256_init(&p->wire);
    memset(pair_c_trace, 0, sizeof pair_c_trace);
    memset(pair_s_trace, 0, sizeof pair_s_trace);
    p->ctrace.fn = pair_trace_master;
    p->ctrace.arg = pair_c_trace;
    p->strace.fn = pair_trace_master;
    p->strace.arg = pair_s_trace;

    p->ccfg.role = GLASS_ROLE_CLIENT;
    p->ccfg.random = glass_random_from_drbg;
    p->ccfg.random_arg = &p->dc;
    p->ccfg.now = pair_fx.now;
    p->ccfg.anchors = &pair_fx.cert[FX_CA];
    p->ccfg.n_anchors = 1;
    p->ccfg.chain = &pair_fx.cert[FX_ALICE];
    p->ccfg.n_chain = 1;
    p->ccfg.key = &pair_fx.alice_key;
    p->ccfg.server_name = "localhost";
    p->ccfg.trace = &p->ctrace;

    p->scfg.role = GLASS_ROLE_SERVER;
    p->scfg.random = glass_random_from_drbg;
    p->scfg.random_arg = &p->ds;
    p->scfg.now = pair_fx.now;
    p->scfg.anchors = &pair_fx.cert[FX_CA];
    p->scfg.n_anchors = 1;
    p->scfg.chain = &pair_fx.cert[FX_SERVER];
    p->scfg.n_chain = 1;
    p->scfg.key = &pair_fx.server_key;
    p->scfg.trace = &p->strace;
}

/* The fixtures, then pair_init; 0 (and a failed assertion) without them. */
int pair_setup(pair *p)
{
    if (!pair_fixtures()) {
        CU_FAIL("fixtures missing");
        return 0;
    }
    pair_init(p);
    return 1;
}

int pair_start(pair *p)
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
size_t pair_move(pair *p, int dir)
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
    pair_log_events(p->c, &p->cl);
    pair_log_events(p->s, &p->sl);
    return moved;
}

/* Runs until neither side has anything to say (bounded). */
void pair_pump(pair *p)
{
    for (int round = 0; round < 50; round++) {
        size_t m = pair_move(p, 0);
        m += pair_move(p, 1);
        if (m == 0)
            break;
    }
}

void pair_free(pair *p)
{
    glass_engine_free(p->c);
    glass_engine_free(p->s);
    p->c = p->s = NULL;
}

/* The shape of every rejection: the victim sent `alert`, the other side
 * received it, both are in ERROR, and no application data was delivered. */
void pair_assert_rejected(pair *p, int victim_is_server, int alert)
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

