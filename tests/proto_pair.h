/*
 * proto_pair.h — two glass engines back to back in one process, for the
 * protocol test suites (test_protocol.c, test_protocol_wire.c,
 * test_tls12.c): the certificate and key fixtures of tests/data/protocol,
 * a pair of seeded engines, a pump that moves records between them through
 * an optional filter, and the shape every rejection must have.
 */
#ifndef GLASS_TESTS_PROTO_PAIR_H
#define GLASS_TESTS_PROTO_PAIR_H

#include "testutil.h"

#include "ca/ca.h"
#include "protocol/protocol.h"
#include "protocol/protocol_internal.h"

enum {
    FX_CA, FX_SERVER, FX_ALICE, FX_ALICE_EXPIRED, FX_ALICE_EKU, FX_OTHER_CA,
    FX_OTHER_SERVER, FX_OTHER_CLIENT, FX_ALICE_REVOKED, FX_CRL, FX_COUNT
};


typedef struct pair_fixture_set {
    int tried, ok;
    glass_blob cert[FX_COUNT];
    uint8_t *data[FX_COUNT];
    rsa_private_key server_key, alice_key;
    int64_t now;
} pair_fixture_set;

/* Loaded by pair_fixtures(). */
extern pair_fixture_set pair_fx;
/* The master secret each side traced ([48] = 1 once seen); reset by pair_init. */
extern uint8_t pair_c_trace[49], pair_s_trace[49];

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

/* Loads the fixtures once; 1 when they are all there. */
int pair_fixtures(void);
uint8_t *pair_read_fixture(const char *name, size_t *len);
/* Default configs: alice <-> localhost, mutual, seeded. */
void pair_init(pair *p);
/* The fixtures, then pair_init; 0 (and a failed assertion) without them. */
int pair_setup(pair *p);
/* Both engines made and started; 1 on success. */
int pair_start(pair *p);
/* Takes every event of e into l. */
void pair_log_events(glass_engine *e, side_log *l);
/* Moves everything one side has to send to the other, record by record,
 * through the filter; returns the number of records moved. */
size_t pair_move(pair *p, int dir);
/* Runs until neither side has anything to say (bounded). */
void pair_pump(pair *p);
void pair_free(pair *p);
/* The shape of every rejection: the victim sent `alert`, the other side
 * received it, both are in ERROR, and no application data was delivered. */
void pair_assert_rejected(pair *p, int victim_is_server, int alert);

#endif
