/*
 * test_tls12.c — the TLS 1.2 profile of the engine, two engines back to
 * back (tests/proto_pair.h): every combination of encrypt-then-MAC on/off,
 * extended master secret on/off and client certificate none / requested
 * (with and without one) / required, session-ID resumption (and the RFC
 * 7627 §5.3 rule that keeps EMS and non-EMS sessions apart), handshake
 * messages cut across records and coalesced into one, then one rejection
 * per rule, each asserting the alert RFC 5246 §7.2 (or the extension's
 * RFC) names for it.
 */
#include "proto_pair.h"
#include "protocol/engine_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The default pair, speaking TLS 1.2. */
static int tls_setup(pair *p)
{
    if (!pair_setup(p))
        return 0;
    p->ccfg.profile = GLASS_PROFILE_TLS12;
    p->scfg.profile = GLASS_PROFILE_TLS12;
    return 1;
}

/* Application data both ways on an established pair. */
static void exchange(pair *p)
{
    TU_ASSERT_ERR(glass_engine_send_app(p->c, (const uint8_t *)"ping", 4), GLASS_OK);
    pair_pump(p);
    TU_ASSERT_ERR(glass_engine_send_app(p->s, (const uint8_t *)"pong!", 5), GLASS_OK);
    pair_pump(p);
    CU_ASSERT(p->sl.n_app >= 1 && p->sl.app_len[p->sl.n_app - 1] == 4 &&
              memcmp(p->sl.app[p->sl.n_app - 1], "ping", 4) == 0);
    CU_ASSERT(p->cl.n_app >= 1 && p->cl.app_len[p->cl.n_app - 1] == 5 &&
              memcmp(p->cl.app[p->cl.n_app - 1], "pong!", 5) == 0);
}

/* One full handshake with the options; auth 0 none, 1 requested with a
 * certificate, 2 requested without, 3 required. */
static void run_combo(int etm, int ems, int auth)
{
    pair p;
    glass_conn_info ci, si;
    if (!tls_setup(&p))
        return;
    p.ccfg.disable_etm = !etm;
    p.scfg.disable_etm = !etm;
    p.ccfg.disable_ems = !ems;
    p.scfg.disable_ems = !ems;
    p.scfg.client_auth = auth == 0 ? GLASS_CLIENT_AUTH_NONE
                         : auth == 3 ? GLASS_CLIENT_AUTH_REQUIRE : GLASS_CLIENT_AUTH_REQUEST;
    if (auth == 2) {
        p.ccfg.chain = NULL;
        p.ccfg.n_chain = 0;
        p.ccfg.key = NULL;
    }
    CU_ASSERT_FATAL(pair_start(&p));
    pair_pump(&p);
    CU_ASSERT_EQUAL(glass_engine_state(p.c), GLASS_STATE_APPLICATION);
    CU_ASSERT_EQUAL(glass_engine_state(p.s), GLASS_STATE_APPLICATION);
    CU_ASSERT(pair_c_trace[48] == 1 && pair_s_trace[48] == 1 &&
              memcmp(pair_c_trace, pair_s_trace, 48) == 0);
    glass_engine_info(p.c, &ci);
    glass_engine_info(p.s, &si);
    CU_ASSERT(ci.version == GLASS_TLS12_VERSION && si.version == GLASS_TLS12_VERSION);
    CU_ASSERT(ci.suite == 0x006B && ci.group == GLASS_GROUP_FFDHE2048 && ci.dh_bits == 2048);
    CU_ASSERT(ci.etm == etm && si.etm == etm && ci.ems == ems && si.ems == ems);
    CU_ASSERT(ci.secure_renegotiation && si.secure_renegotiation);
    CU_ASSERT_EQUAL(ci.peer_key_bits, 2048);
    CU_ASSERT_EQUAL(si.peer_key_bits, (auth == 1 || auth == 3) ? 2048u : 0u);
    CU_ASSERT_EQUAL(p.sl.authenticated, auth == 1 || auth == 3);
    CU_ASSERT_STRING_EQUAL(si.sni, "localhost");
    exchange(&p);
    pair_free(&p);
}

static void test_tls12_combinations(void)
{
    for (int etm = 0; etm <= 1; etm++)
        for (int ems = 0; ems <= 1; ems++)
            for (int auth = 0; auth <= 3; auth++) {
                if (auth == 2 && etm == 0 && ems == 0)
                    continue;       /* covered by the others, keeps the suite quick */
                run_combo(etm, ems, auth);
            }
}

/* ---- resumption -------------------------------------------------------------------------- */

/* A full handshake with the cache; the client's session blob out. */
static size_t first_session(glass_session_cache *cache, int ems, uint8_t *blob, size_t cap)
{
    pair p;
    size_t n = 0;
    if (!tls_setup(&p))
        return 0;
    p.scfg.session_cache = cache;
    p.ccfg.disable_ems = !ems;
    CU_ASSERT_FATAL(pair_start(&p));
    pair_pump(&p);
    if (glass_engine_state(p.c) != GLASS_STATE_APPLICATION)
        fprintf(stderr, "\n  first session: client %s sent %d got %d err %s; server %s sent %d err %s\n",
                glass_engine_state_name(p.c), p.cl.alert_sent, p.cl.alert_received,
                glass_err_name(glass_engine_error(p.c)), glass_engine_state_name(p.s),
                p.sl.alert_sent, glass_err_name(glass_engine_error(p.s)));
    CU_ASSERT_EQUAL(glass_engine_state(p.c), GLASS_STATE_APPLICATION);
    TU_ASSERT_ERR(glass_engine_session_save(p.c, blob, cap, &n), GLASS_OK);
    TU_ASSERT_ERR(glass_engine_session_save(p.s, blob, cap, &n), GLASS_ERR_PROTO_STATE);
    TU_ASSERT_ERR(glass_engine_session_save(p.c, blob, 10, &n), GLASS_ERR_BUFFER_TOO_SMALL);
    CU_ASSERT(glass_session_cache_count(cache) >= 1);
    pair_free(&p);
    return n;
}

static void test_tls12_resumption(void)
{
    glass_session_cache *cache = NULL;
    uint8_t blob[GLASS_SESSION_MAX_LEN];
    TU_ASSERT_ERR(glass_session_cache_new(&cache, 2, 3600), GLASS_OK);
    size_t n = first_session(cache, 1, blob, sizeof blob);
    CU_ASSERT_FATAL(n > 0);
    for (int round = 0; round < 2; round++) {
        pair p;
        glass_conn_info ci, si;
        if (!tls_setup(&p))
            break;
        p.scfg.session_cache = cache;
        p.ccfg.session = blob;
        p.ccfg.session_len = n;
        /* Round 1: the client no longer offers EMS, so RFC 7627 §5.3 forbids
         * resuming the EMS session: a full handshake instead. */
        p.ccfg.disable_ems = round == 1;
        /* Seeded streams would repeat the first server's session_id. */
        glass_drbg_init(&p.ds, 2027 + (uint64_t)round, 2);
        CU_ASSERT_FATAL(pair_start(&p));
        pair_pump(&p);
        if (glass_engine_state(p.c) != GLASS_STATE_APPLICATION)
            fprintf(stderr, "\n  round %d: client %s sent %d got %d err %s; server %s sent %d err %s\n",
                    round, glass_engine_state_name(p.c), p.cl.alert_sent, p.cl.alert_received,
                    glass_err_name(glass_engine_error(p.c)), glass_engine_state_name(p.s),
                    p.sl.alert_sent, glass_err_name(glass_engine_error(p.s)));
        CU_ASSERT_EQUAL(glass_engine_state(p.c), GLASS_STATE_APPLICATION);
        glass_engine_info(p.c, &ci);
        glass_engine_info(p.s, &si);
        CU_ASSERT_EQUAL(ci.resumed, round == 0);
        CU_ASSERT_EQUAL(si.resumed, round == 0);
        if (round == 0) {
            /* The abbreviated handshake still knows who the server is. */
            CU_ASSERT_STRING_EQUAL(p.cl.peer_name, "localhost");
            CU_ASSERT_EQUAL(ci.group, 0);
        }
        exchange(&p);
        pair_free(&p);
    }
    /* The cache is bounded: two more sessions evict the first. */
    uint8_t other[GLASS_SESSION_MAX_LEN];
    (void)first_session(cache, 1, other, sizeof other);
    CU_ASSERT_EQUAL(glass_session_cache_count(cache), 2);
    /* A blob that does not parse is refused at glass_engine_new. */
    pair p;
    if (tls_setup(&p)) {
        glass_engine *e = NULL;
        blob[0] ^= 1;
        p.ccfg.session = blob;
        p.ccfg.session_len = n;
        TU_ASSERT_ERR(glass_engine_new(&e, &p.ccfg), GLASS_ERR_ARG);
    }
    glass_session_cache_free(cache);
}

/* A server that asked for a client certificate knows the client again
 * after a resumption (the certificate is kept with the session); one that
 * requires a certificate does not resume a session made without one. */
static void test_tls12_resumption_identity(void)
{
    glass_session_cache *cache = NULL;
    uint8_t blob[GLASS_SESSION_MAX_LEN];
    TU_ASSERT_ERR(glass_session_cache_new(&cache, 4, 3600), GLASS_OK);
    for (int with_cert = 1; with_cert >= 0; with_cert--) {
        size_t n = 0;
        for (int round = 0; round < 2; round++) {
            pair p;
            glass_conn_info si;
            if (!tls_setup(&p))
                break;
            p.scfg.session_cache = cache;
            p.scfg.client_auth = with_cert || round == 0 ? GLASS_CLIENT_AUTH_REQUEST
                                                         : GLASS_CLIENT_AUTH_REQUIRE;
            if (!with_cert && round == 0) {
                p.ccfg.chain = NULL;
                p.ccfg.n_chain = 0;
                p.ccfg.key = NULL;
            }
            /* Seeded servers would hand out the same session_id twice. */
            glass_drbg_init(&p.ds, 3000 + 10 * (uint64_t)with_cert + (uint64_t)round, 2);
            if (round == 1) {
                p.ccfg.session = blob;
                p.ccfg.session_len = n;
            }
            CU_ASSERT_FATAL(pair_start(&p));
            pair_pump(&p);
            if (glass_engine_state(p.s) != GLASS_STATE_APPLICATION)
                fprintf(stderr, "\n  with_cert %d round %d: client %s err %s, server %s err %s\n",
                        with_cert, round, glass_engine_state_name(p.c),
                        glass_err_name(glass_engine_error(p.c)), glass_engine_state_name(p.s),
                        glass_err_name(glass_engine_error(p.s)));
            CU_ASSERT_EQUAL(glass_engine_state(p.s), GLASS_STATE_APPLICATION);
            glass_engine_info(p.s, &si);
            if (round == 0) {
                TU_ASSERT_ERR(glass_engine_session_save(p.c, blob, sizeof blob, &n), GLASS_OK);
            } else {
                CU_ASSERT_EQUAL(si.resumed, with_cert);
                CU_ASSERT_EQUAL(p.sl.authenticated, 1);
                CU_ASSERT_STRING_EQUAL(p.sl.peer_name, "alice");
            }
            pair_free(&p);
        }
    }
    glass_session_cache_free(cache);
}

/* ---- records: fragmentation and coalescing --------------------------------------------------- */

typedef struct reshape {
    int mode;                   /* 0 cut every plaintext handshake record into
                                   7-byte records; 1 coalesce the server's
                                   first flight into one record */
    glass_buf held;
    int ccs_seen[2];            /* after ChangeCipherSpec records are protected */
} reshape;

static void reshape_filter(void *arg, int dir, size_t index, uint8_t *rec, size_t *len,
                           size_t cap, glass_buf *extra)
{
    reshape *r = arg;
    (void)cap;
    (void)index;
    if (rec[0] == GLASS_CT_CHANGE_CIPHER_SPEC)
        r->ccs_seen[dir] = 1;
    if (rec[0] != GLASS_CT_HANDSHAKE || *len < 6 || r->ccs_seen[dir])
        return;
    size_t frag = *len - GLASS_RECORD_HEADER_LEN;
    if (r->mode == 0) {
        for (size_t off = 0; off < frag; off += 7) {
            size_t n = frag - off < 7 ? frag - off : 7;
            uint8_t hdr[5] = {rec[0], rec[1], rec[2], 0, (uint8_t)n};
            glass_buf_put(extra, hdr, 5);
            glass_buf_put(extra, rec + 5 + off, n);
        }
        *len = 0;
    } else if (dir == 1) {
        glass_buf_put(&r->held, rec + 5, frag);
        *len = 0;
        if (rec[5] == GLASS_HS_SERVER_HELLO_DONE) {
            uint8_t hdr[5] = {rec[0], rec[1], rec[2], (uint8_t)(r->held.len >> 8),
                              (uint8_t)r->held.len};
            glass_buf_put(extra, hdr, 5);
            glass_buf_put(extra, r->held.p, r->held.len);
            glass_buf_free(&r->held);
        }
    }
}

static void test_tls12_fragments(void)
{
    for (int mode = 0; mode <= 1; mode++) {
        pair p;
        reshape r;
        memset(&r, 0, sizeof r);
        r.mode = mode;
        if (!tls_setup(&p))
            return;
        p.scfg.client_auth = GLASS_CLIENT_AUTH_REQUIRE;
        p.filter = reshape_filter;
        p.filter_arg = &r;
        CU_ASSERT_FATAL(pair_start(&p));
        pair_pump(&p);
        CU_ASSERT_EQUAL(glass_engine_state(p.c), GLASS_STATE_APPLICATION);
        CU_ASSERT_EQUAL(glass_engine_state(p.s), GLASS_STATE_APPLICATION);
        exchange(&p);
        glass_buf_free(&r.held);
        pair_free(&p);
    }
}

/* ---- rejections ------------------------------------------------------------------------------- */

/* A default ClientHello for hand-made variants. */
static void default_hello(glass_tls_client_hello *m)
{
    memset(m, 0, sizeof *m);
    m->version = GLASS_TLS12_VERSION;
    memset(m->random, 0x42, sizeof m->random);
    m->suites[m->n_suites++] = GLASS_SUITE_DHE_RSA_AES256_CBC_SHA256;
    m->suites[m->n_suites++] = GLASS_SUITE_EMPTY_RENEGOTIATION_INFO_SCSV;
    m->ext.groups[m->ext.n_groups++] = GLASS_GROUP_FFDHE2048;
    m->ext.sigalgs[m->ext.n_sigalgs++] = GLASS_SIGALG_RSA_PKCS1_SHA256;
    m->ext.ems = 1;
    m->ext.etm = 1;
}

/* Feeds one hand-made handshake message, in a record with version
 * record_version, to a fresh TLS 1.2 server; returns the alert it sent (-1
 * for none) and leaves its first output record in out (up to cap bytes). */
static int feed_server(const uint8_t *msg, size_t len, uint16_t record_version, uint8_t *out,
                       size_t cap, size_t *out_len)
{
    pair p;
    glass_engine *s = NULL;
    glass_buf rec = {0};
    if (!tls_setup(&p))
        return -2;
    CU_ASSERT_FATAL(glass_engine_new(&s, &p.scfg) == GLASS_OK);
    TU_ASSERT_ERR(glass_engine_start(s), GLASS_OK);
    glass_buf_u8(&rec, GLASS_CT_HANDSHAKE);
    glass_buf_u16(&rec, record_version);
    glass_buf_u16(&rec, (unsigned)len);
    glass_buf_put(&rec, msg, len);
    (void)glass_engine_feed(s, rec.p, rec.len);
    pair_log_events(s, &p.sl);
    const uint8_t *o;
    size_t n;
    glass_engine_output(s, &o, &n);
    *out_len = n < cap ? n : cap;
    if (*out_len > 0)
        memcpy(out, o, *out_len);
    glass_buf_free(&rec);
    glass_engine_free(s);
    return p.sl.alert_sent;
}

/* Encodes m and hands it to feed_server; patch (if set) edits the bytes. */
static int hello_alert(const glass_tls_client_hello *m, uint16_t record_version,
                       void (*patch)(glass_buf *b), uint8_t *out, size_t *out_len)
{
    glass_buf b = {0};
    TU_ASSERT_ERR(glass_encode_tls_client_hello(&b, m), GLASS_OK);
    if (patch != NULL)
        patch(&b);
    int a = feed_server(b.p, b.len, record_version, out, 4096, out_len);
    glass_buf_free(&b);
    return a;
}

/* compression_methods = { 1 } (DEFLATE) only: the byte after the suites. */
static void patch_deflate(glass_buf *b)
{
    size_t off = 4 + 2 + 32 + 1 + b->p[4 + 2 + 32];     /* past session_id */
    size_t ns = ((size_t)b->p[off] << 8) | b->p[off + 1];
    b->p[off + 2 + ns + 1] = 1;
}

/* The first extension's length one too long: malformed. */
static void patch_bad_ext(glass_buf *b)
{
    size_t off = 4 + 2 + 32 + 1 + b->p[4 + 2 + 32];
    size_t ns = ((size_t)b->p[off] << 8) | b->p[off + 1];
    off += 2 + ns + 2 + 2;                          /* compression, total length */
    b->p[off + 3]++;                                /* first extension's length */
}

/* An extension nobody knows (type 0x7a7a), added at the end. */
static void patch_unknown_ext(glass_buf *b)
{
    static const uint8_t ext[] = {0x7a, 0x7a, 0x00, 0x01, 0x00};
    size_t off = 4 + 2 + 32 + 1 + b->p[4 + 2 + 32];
    size_t ns = ((size_t)b->p[off] << 8) | b->p[off + 1];
    off += 2 + ns + 2;
    size_t total = (((size_t)b->p[off] << 8) | b->p[off + 1]) + sizeof ext;
    b->p[off] = (uint8_t)(total >> 8);
    b->p[off + 1] = (uint8_t)total;
    glass_buf_put(b, ext, sizeof ext);
    size_t body = b->len - 4;
    b->p[1] = (uint8_t)(body >> 16);
    b->p[2] = (uint8_t)(body >> 8);
    b->p[3] = (uint8_t)body;
}

static void test_tls12_reject_hellos(void)
{
    glass_tls_client_hello m;
    uint8_t out[4096];
    size_t n;
    /* RFC 7507 §3: a fallback to TLS 1.1 while we speak 1.2. */
    default_hello(&m);
    m.version = 0x0302;
    m.suites[m.n_suites++] = GLASS_SUITE_FALLBACK_SCSV;
    CU_ASSERT_EQUAL(hello_alert(&m, 0x0301, NULL, out, &n), GLASS_ALERT_INAPPROPRIATE_FALLBACK);
    /* A TLS 1.0 client: protocol_version (RFC 5246 Appendix E.1). */
    default_hello(&m);
    m.version = 0x0301;
    CU_ASSERT_EQUAL(hello_alert(&m, 0x0301, NULL, out, &n), GLASS_ALERT_PROTOCOL_VERSION);
    /* RFC 7919 §4: FFDHE groups listed, none ours. */
    default_hello(&m);
    m.ext.groups[0] = 0x0104;                   /* ffdhe8192 */
    CU_ASSERT_EQUAL(hello_alert(&m, 0x0303, NULL, out, &n), GLASS_ALERT_INSUFFICIENT_SECURITY);
    /* Only elliptic curves listed: we pick ffdhe2048 ourselves. */
    m.ext.groups[0] = 0x001d;
    CU_ASSERT_EQUAL(hello_alert(&m, 0x0303, NULL, out, &n), -1);
    /* No suite of ours: handshake_failure (RFC 5246 §7.4.1.3). */
    default_hello(&m);
    m.suites[0] = 0x009f;
    CU_ASSERT_EQUAL(hello_alert(&m, 0x0303, NULL, out, &n), GLASS_ALERT_HANDSHAKE_FAILURE);
    /* Compression other than null only (RFC 5246 §7.4.1.2). */
    default_hello(&m);
    CU_ASSERT_EQUAL(hello_alert(&m, 0x0303, patch_deflate, out, &n),
                    GLASS_ALERT_ILLEGAL_PARAMETER);
    /* A malformed extension: decode_error (RFC 5246 §7.2.2). */
    CU_ASSERT_EQUAL(hello_alert(&m, 0x0303, patch_bad_ext, out, &n), GLASS_ALERT_DECODE_ERROR);
    /* An unknown one is ignored (RFC 5246 §7.4.1.4). */
    CU_ASSERT_EQUAL(hello_alert(&m, 0x0303, patch_unknown_ext, out, &n), -1);
    /* The empty renegotiation_info in place of the SCSV (RFC 5746 §3.4). */
    default_hello(&m);
    m.ext.has_reneg = 1;
    CU_ASSERT_EQUAL(hello_alert(&m, 0x0303, NULL, out, &n), -1);
    /* A TLS 1.3 client (supported_versions: 03 04, 03 03) gets TLS 1.2:
     * ServerHello's version in the answer is 03 03. */
    default_hello(&m);
    glass_buf b = {0};
    TU_ASSERT_ERR(glass_encode_tls_client_hello(&b, &m), GLASS_OK);
    static const uint8_t sv[] = {0x00, 0x2b, 0x00, 0x05, 0x04, 0x03, 0x04, 0x03, 0x03};
    size_t off = 4 + 2 + 32 + 1 + 0 + 2 + 4 + 2;    /* to the extensions' length */
    size_t total = (((size_t)b.p[off] << 8) | b.p[off + 1]) + sizeof sv;
    b.p[off] = (uint8_t)(total >> 8);
    b.p[off + 1] = (uint8_t)total;
    glass_buf_put(&b, sv, sizeof sv);
    size_t body = b.len - 4;
    b.p[1] = (uint8_t)(body >> 16);
    b.p[2] = (uint8_t)(body >> 8);
    b.p[3] = (uint8_t)body;
    CU_ASSERT_EQUAL(feed_server(b.p, b.len, 0x0301, out, sizeof out, &n), -1);
    CU_ASSERT(n > 11 && out[0] == GLASS_CT_HANDSHAKE && out[5] == GLASS_HS_SERVER_HELLO &&
              out[9] == 0x03 && out[10] == 0x03);
    /* A truncated ClientHello (its header says so too): decode_error.  One
     * whose header promises more simply waits for the rest (TLS messages
     * may span records). */
    CU_ASSERT_EQUAL(feed_server(b.p, b.len - 3, 0x0303, out, sizeof out, &n), -1);
    body = b.len - 4 - 3;
    b.p[1] = (uint8_t)(body >> 16);
    b.p[2] = (uint8_t)(body >> 8);
    b.p[3] = (uint8_t)body;
    CU_ASSERT_EQUAL(feed_server(b.p, b.len - 3, 0x0303, out, sizeof out, &n),
                    GLASS_ALERT_DECODE_ERROR);
    glass_buf_free(&b);
}

/* Messages out of order and twice: unexpected_message (RFC 5246 §7.4). */
static void test_tls12_reject_order(void)
{
    uint8_t out[4096];
    size_t n;
    static const uint8_t cke[] = {GLASS_HS_CLIENT_KEY_EXCHANGE, 0, 0, 3, 0, 1, 2};
    CU_ASSERT_EQUAL(feed_server(cke, sizeof cke, 0x0303, out, sizeof out, &n),
                    GLASS_ALERT_UNEXPECTED_MESSAGE);
    /* Two ClientHellos in one record. */
    glass_tls_client_hello m;
    glass_buf b = {0};
    default_hello(&m);
    TU_ASSERT_ERR(glass_encode_tls_client_hello(&b, &m), GLASS_OK);
    TU_ASSERT_ERR(glass_encode_tls_client_hello(&b, &m), GLASS_OK);
    CU_ASSERT_EQUAL(feed_server(b.p, b.len, 0x0303, out, sizeof out, &n),
                    GLASS_ALERT_UNEXPECTED_MESSAGE);
    glass_buf_free(&b);
    /* SSLv2-format hello (high bit of the first byte set): not a record. */
    static const uint8_t v2[] = {0x80, 0x2e, 0x01, 0x03, 0x01, 0x00, 0x15};
    pair p;
    glass_engine *s = NULL;
    if (!tls_setup(&p))
        return;
    CU_ASSERT_FATAL(glass_engine_new(&s, &p.scfg) == GLASS_OK);
    TU_ASSERT_ERR(glass_engine_start(s), GLASS_OK);
    TU_ASSERT_ERR(glass_engine_feed(s, v2, sizeof v2), GLASS_ERR_PROTO_VERSION);
    CU_ASSERT_EQUAL(glass_engine_state(s), GLASS_STATE_ERROR);
    glass_engine_free(s);
}

/* Tampering on a live pair: the victim's alert. */
typedef struct flip {
    int dir;
    uint8_t type;               /* handshake message type to spoil; 0: Finished */
    int done;
    int ccs_seen[2];
} flip;

static void flip_filter(void *arg, int dir, size_t index, uint8_t *rec, size_t *len, size_t cap,
                        glass_buf *extra)
{
    flip *f = arg;
    (void)index;
    (void)cap;
    (void)extra;
    if (rec[0] == GLASS_CT_CHANGE_CIPHER_SPEC)
        f->ccs_seen[dir] = 1;
    if (dir != f->dir || f->done || rec[0] != GLASS_CT_HANDSHAKE || *len < 40)
        return;
    if ((f->type == 0 && f->ccs_seen[dir]) || (f->type != 0 && !f->ccs_seen[dir] &&
                                               rec[5] == f->type)) {
        rec[*len - 20] ^= 0x01;     /* in the signature, or the MAC / last block */
        f->done = 1;
    }
}

static void run_flip(int dir, uint8_t type, int etm, int victim_is_server, int alert)
{
    pair p;
    flip f;
    memset(&f, 0, sizeof f);
    f.dir = dir;
    f.type = type;
    if (!tls_setup(&p))
        return;
    p.ccfg.disable_etm = !etm;
    p.scfg.client_auth = GLASS_CLIENT_AUTH_REQUIRE;
    p.filter = flip_filter;
    p.filter_arg = &f;
    CU_ASSERT_FATAL(pair_start(&p));
    pair_pump(&p);
    CU_ASSERT(f.done);
    pair_assert_rejected(&p, victim_is_server, alert);
    pair_free(&p);
}

static void test_tls12_reject_tampering(void)
{
    /* A bad ServerKeyExchange signature: decrypt_error (RFC 5246 §7.2.2). */
    run_flip(1, GLASS_HS_SERVER_KEY_EXCHANGE, 1, 0, GLASS_ALERT_DECRYPT_ERROR);
    /* A bad CertificateVerify signature. */
    run_flip(0, GLASS_HS_CERTIFICATE_VERIFY, 1, 1, GLASS_ALERT_DECRYPT_ERROR);
    /* The protected Finished changed in flight: bad_record_mac, with
     * encrypt-then-MAC and with MAC-then-encrypt. */
    run_flip(0, 0, 1, 1, GLASS_ALERT_BAD_RECORD_MAC);
    run_flip(0, 0, 0, 1, GLASS_ALERT_BAD_RECORD_MAC);
    run_flip(1, 0, 0, 0, GLASS_ALERT_BAD_RECORD_MAC);
}

static void test_tls12_reject_peers(void)
{
    pair p;
    /* Required client certificate, none sent: handshake_failure (RFC 5246 §7.4.6). */
    if (!tls_setup(&p))
        return;
    p.scfg.client_auth = GLASS_CLIENT_AUTH_REQUIRE;
    p.ccfg.chain = NULL;
    p.ccfg.n_chain = 0;
    p.ccfg.key = NULL;
    CU_ASSERT_FATAL(pair_start(&p));
    pair_pump(&p);
    pair_assert_rejected(&p, 1, GLASS_ALERT_HANDSHAKE_FAILURE);
    CU_ASSERT_EQUAL(glass_engine_error(p.s), GLASS_ERR_PROTO_NO_CLIENT_CERT);
    pair_free(&p);
    /* A glass client meets a TLS server, and the other way round: each
     * engine names the other protocol. */
    for (int glass_client = 0; glass_client <= 1; glass_client++) {
        glass_conn_info in;
        if (!tls_setup(&p))
            return;
        if (glass_client)
            p.ccfg.profile = GLASS_PROFILE_GLASS;
        else
            p.scfg.profile = GLASS_PROFILE_GLASS;
        CU_ASSERT_FATAL(pair_start(&p));
        pair_pump(&p);
        CU_ASSERT_EQUAL(glass_engine_error(p.s), glass_client ? GLASS_ERR_PROTO_PEER_SPEAKS_GLASS
                                                              : GLASS_ERR_PROTO_PEER_SPEAKS_TLS);
        glass_engine_info(p.s, &in);
        CU_ASSERT_EQUAL(in.peer_version, glass_client ? GLASS_VERSION : GLASS_TLS12_VERSION);
        CU_ASSERT_EQUAL(p.sl.alert_sent, GLASS_ALERT_PROTOCOL_VERSION);
        pair_free(&p);
    }
}

/* glass_config.revocation_check, the application's newer word on
 * revocation: asked with the client leaf's serial once its chain has
 * verified, and a refusal stops the handshake before the server's Finished
 * (the client never reaches application data), in both profiles. */
struct revocation_answer {
    glass_err verdict;
    int asked;
    size_t serial_len;
};

static glass_err answer_revocation(void *arg, const uint8_t *serial, size_t serial_len)
{
    struct revocation_answer *a = arg;
    a->asked++;
    a->serial_len = serial != NULL ? serial_len : 0;
    return a->verdict;
}

static void test_revocation_check(void)
{
    static const struct { glass_err verdict; int alert; } cases[] = {
        {GLASS_OK, -1},
        {GLASS_ERR_X509_REVOKED, GLASS_ALERT_CERTIFICATE_REVOKED},
        {GLASS_ERR_REVOCATION_UNKNOWN, GLASS_ALERT_INTERNAL_ERROR},
    };
    for (int tls = 0; tls <= 1; tls++)
        for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
            pair p;
            struct revocation_answer a = {cases[i].verdict, 0, 0};
            if (!(tls ? tls_setup(&p) : pair_setup(&p)))
                return;
            if (tls)
                p.scfg.client_auth = GLASS_CLIENT_AUTH_REQUIRE;
            p.scfg.revocation_check = answer_revocation;
            p.scfg.revocation_arg = &a;
            CU_ASSERT_FATAL(pair_start(&p));
            pair_pump(&p);
            CU_ASSERT_EQUAL(a.asked, 1);
            CU_ASSERT(a.serial_len > 0);
            if (cases[i].alert < 0) {
                CU_ASSERT_EQUAL(glass_engine_state(p.c), GLASS_STATE_APPLICATION);
                CU_ASSERT_EQUAL(glass_engine_state(p.s), GLASS_STATE_APPLICATION);
            } else {
                pair_assert_rejected(&p, 1, cases[i].alert);
                CU_ASSERT_EQUAL(p.cl.handshake_done, 0);
                TU_ASSERT_ERR(glass_engine_error(p.s), cases[i].verdict);
            }
            pair_free(&p);
        }
}

/* Renegotiation is refused with a warning and the connection goes on
 * (RFC 5246 §7.4.1.1, §7.2.2): a HelloRequest to the client, a second
 * ClientHello to the server, both protected as the session's records are
 * (sent here through the engine's own send path). */
static void test_tls12_no_renegotiation(void)
{
    pair p;
    glass_buf b = {0};
    if (!tls_setup(&p))
        return;
    CU_ASSERT_FATAL(pair_start(&p));
    pair_pump(&p);
    CU_ASSERT_EQUAL_FATAL(glass_engine_state(p.c), GLASS_STATE_APPLICATION);
    static const uint8_t hello_request[4] = {GLASS_HS_HELLO_REQUEST, 0, 0, 0};
    glass_buf_put(&b, hello_request, sizeof hello_request);
    TU_ASSERT_ERR(glass_eng_send_handshake(p.s, &b, GLASS_OK, 0), GLASS_OK);
    pair_pump(&p);
    CU_ASSERT_EQUAL(p.cl.alert_sent, GLASS_ALERT_NO_RENEGOTIATION);
    CU_ASSERT_EQUAL(p.sl.alert_received, GLASS_ALERT_NO_RENEGOTIATION);
    glass_tls_client_hello m;
    memset(&m, 0, sizeof m);
    m.version = GLASS_TLS12_VERSION;
    m.suites[m.n_suites++] = GLASS_SUITE_DHE_RSA_AES256_CBC_SHA256;
    m.ext.groups[m.ext.n_groups++] = GLASS_GROUP_FFDHE2048;
    m.ext.sigalgs[m.ext.n_sigalgs++] = GLASS_SIGALG_RSA_PKCS1_SHA256;
    TU_ASSERT_ERR(glass_eng_send_handshake(p.c, &b, glass_encode_tls_client_hello(&b, &m), 0),
                  GLASS_OK);
    pair_pump(&p);
    CU_ASSERT_EQUAL(p.sl.alert_sent, GLASS_ALERT_NO_RENEGOTIATION);
    CU_ASSERT_EQUAL(glass_engine_state(p.c), GLASS_STATE_APPLICATION);
    CU_ASSERT_EQUAL(glass_engine_state(p.s), GLASS_STATE_APPLICATION);
    exchange(&p);
    pair_free(&p);
}

void suite_tls12(void)
{
    CU_pSuite s = tu_suite("tls12");
    TU_ADD(s, test_tls12_combinations);
    TU_ADD(s, test_tls12_resumption);
    TU_ADD(s, test_tls12_resumption_identity);
    TU_ADD(s, test_tls12_fragments);
    TU_ADD(s, test_tls12_reject_hellos);
    TU_ADD(s, test_tls12_reject_order);
    TU_ADD(s, test_tls12_reject_tampering);
    TU_ADD(s, test_tls12_reject_peers);
    TU_ADD(s, test_tls12_no_renegotiation);
    TU_ADD(s, test_revocation_check);
}
