/*
 * engine.c — the glass handshake engine: bytes in, records, handshake
 * messages, events and bytes out (docs/PROTOCOL.md §3–§6; TLS 1.2,
 * RFC 5246 §6–§7, is the model; docs/TLS12.md for the TLS 1.2 profile).
 *
 * How to read the engine (engine_internal.h lists its files):
 *   1. struct glass_engine (engine_internal.h): what a connection remembers.
 *   2. This file: glass_engine_feed takes bytes -> whole records
 *      (handle_record) -> one handler per record type; handshake bytes are
 *      cut into messages (handle_handshake_record) and each is given to its
 *      role's state switch, glass_client_handle (hs_client.c) or
 *      glass_server_handle (hs_server.c), a plain switch over the state
 *      that calls the handler named after the message it expects
 *      (recv_ServerHello, recv_ClientKeyExchange...).
 *   3. hs_client.c, then hs_server.c: one send_X / recv_X per message, in
 *      the order the messages fly; hs_keys.c: the key schedule, Finished
 *      and the checks of the peer, which both roles share.
 *   4. glass_eng_fail (here): every error ends there — one alert, two
 *      events, state ERROR; glass_engine_abort lets the application take
 *      the same way out.  alerts.c says which alert each error sends.
 *   5. The rest of the public API.
 *
 * Which records are protected.  Glass has no ChangeCipherSpec: each side
 * turns its write protection on just before sending its Finished, and its
 * read protection on just before the peer's Finished is due.  TLS 1.2 does
 * the same at a ChangeCipherSpec record (RFC 5246 §7.1).  The one exception
 * is a fatal alert sent by a peer that failed before it had keys: while a
 * Finished is awaited, a plaintext alert record of exactly 2 bytes is still
 * accepted (it cannot be a protected record, which is at least 64 bytes).
 * After the handshake every record is protected.
 *
 * The engine prints nothing: it speaks through trace events and events;
 * gdb's `glass-engine` command (tools/glass_gdb.py) summarises one.
 *
 * CT: the branches here depend only on public record headers and message
 * types; the record layer's checks are in record.c, the secrets in
 * hs_keys.c.
 */
#include "protocol/engine_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- names ------------------------------------------------------------------- */

/* See protocol.h. */
const char *glass_state_name(glass_state s)
{
    switch (s) {
    case GLASS_STATE_START: return "START";
    case GLASS_STATE_C_WAIT_SERVER_HELLO: return "C_WAIT_SERVER_HELLO";
    case GLASS_STATE_C_WAIT_CERTIFICATE: return "C_WAIT_CERTIFICATE";
    case GLASS_STATE_C_WAIT_SERVER_KEY_EXCHANGE: return "C_WAIT_SERVER_KEY_EXCHANGE";
    case GLASS_STATE_C_WAIT_CERTIFICATE_REQUEST: return "C_WAIT_CERTIFICATE_REQUEST";
    case GLASS_STATE_C_WAIT_SERVER_HELLO_DONE: return "C_WAIT_SERVER_HELLO_DONE";
    case GLASS_STATE_C_WAIT_CHANGE_CIPHER_SPEC: return "C_WAIT_CHANGE_CIPHER_SPEC";
    case GLASS_STATE_C_WAIT_FINISHED: return "C_WAIT_FINISHED";
    case GLASS_STATE_C_ENROLL_READY: return "C_ENROLL_READY";
    case GLASS_STATE_C_WAIT_ENROLL_RESPONSE: return "C_WAIT_ENROLL_RESPONSE";
    case GLASS_STATE_C_ENROLL_DONE: return "C_ENROLL_DONE";
    case GLASS_STATE_S_WAIT_CLIENT_HELLO: return "S_WAIT_CLIENT_HELLO";
    case GLASS_STATE_S_WAIT_CERTIFICATE: return "S_WAIT_CERTIFICATE";
    case GLASS_STATE_S_WAIT_CLIENT_KEY_EXCHANGE: return "S_WAIT_CLIENT_KEY_EXCHANGE";
    case GLASS_STATE_S_WAIT_CERTIFICATE_VERIFY: return "S_WAIT_CERTIFICATE_VERIFY";
    case GLASS_STATE_S_WAIT_CHANGE_CIPHER_SPEC: return "S_WAIT_CHANGE_CIPHER_SPEC";
    case GLASS_STATE_S_WAIT_FINISHED: return "S_WAIT_FINISHED";
    case GLASS_STATE_S_WAIT_ENROLL_REQUEST: return "S_WAIT_ENROLL_REQUEST";
    case GLASS_STATE_S_WAIT_ENROLL_REPLY: return "S_WAIT_ENROLL_REPLY";
    case GLASS_STATE_APPLICATION: return "APPLICATION";
    case GLASS_STATE_CLOSED: return "CLOSED";
    case GLASS_STATE_ERROR: return "ERROR";
    }
    return "unknown";
}

/* See protocol.h. */
glass_err glass_random_from_drbg(void *arg, uint8_t *buf, size_t len)
{
    if (arg == NULL)
        return GLASS_ERR_ARG;
    glass_drbg_fill((glass_drbg *)arg, buf, len);
    return GLASS_OK;
}

static glass_err random_default(void *arg, uint8_t *buf, size_t len)
{
    (void)arg;
    return glass_random(buf, len);
}

/* See engine_internal.h. */
glass_err glass_eng_random(glass_engine *e, uint8_t *buf, size_t len)
{
    return e->cfg.random(e->cfg.random_arg, buf, len);
}

/* ---- events, state, trace ------------------------------------------------------ */

/* See engine_internal.h.  Queues an event; its data (and code) are copied. */
glass_err glass_eng_push_event(glass_engine *e, const glass_event *ev)
{
    if (e->n_events == e->cap_events) {
        size_t cap = e->cap_events ? 2 * e->cap_events : 8;
        queued_event *q = realloc(e->events, cap * sizeof *q);
        if (q == NULL)
            return GLASS_ERR_NOMEM;
        e->events = q;
        e->cap_events = cap;
    }
    queued_event *q = &e->events[e->n_events];
    q->ev = *ev;
    q->owned = NULL;
    if (ev->len + ev->code_len > 0) {
        q->owned = malloc(ev->len + ev->code_len);
        if (q->owned == NULL)
            return GLASS_ERR_NOMEM;
        if (ev->len > 0)
            memcpy(q->owned, ev->data, ev->len);
        if (ev->code_len > 0)
            memcpy(q->owned + ev->len, ev->code, ev->code_len);
        q->ev.data = ev->len > 0 ? q->owned : NULL;
        q->ev.code = ev->code_len > 0 ? q->owned + ev->len : NULL;
    }
    e->n_events++;
    return GLASS_OK;
}

static void push_simple(glass_engine *e, glass_event_type type, uint8_t alert, glass_err err)
{
    glass_event ev;
    memset(&ev, 0, sizeof ev);
    ev.type = type;
    ev.alert = alert;
    ev.err = err;
    (void)glass_eng_push_event(e, &ev);
}

/* See engine_internal.h. */
void glass_eng_set_state(glass_engine *e, glass_state s)
{
    e->state = s;
    glass_trace(e->cfg.trace, "state", glass_state_name(s), NULL, 0);
}

static int is_over(const glass_engine *e)
{
    return e->state == GLASS_STATE_CLOSED || e->state == GLASS_STATE_ERROR;
}

/* ---- sending ---------------------------------------------------------------------- */

/* Seals pt as one record of `type` into the output. */
static glass_err send_record(glass_engine *e, uint8_t type, const uint8_t *pt, size_t len)
{
    return glass_record_seal(&e->wr, type, pt, len, e->cfg.random, e->cfg.random_arg,
                             e->cfg.trace, &e->out);
}

/* See engine_internal.h. */
void glass_eng_transcript_add(glass_engine *e, const uint8_t *msg, size_t len)
{
    sha256_update(&e->transcript, msg, len);
}

/* See engine_internal.h.  The running context is kept. */
void glass_eng_transcript_hash(const glass_engine *e, uint8_t out[SHA256_DIGEST_LEN])
{
    sha256_ctx copy = e->transcript;
    sha256_final(&copy, out);
}

/* See engine_internal.h. */
glass_err glass_eng_send_handshake(glass_engine *e, glass_buf *b, glass_err enc, int in_transcript)
{
    glass_err err = enc;
    if (err == GLASS_OK && b->failed)
        err = GLASS_ERR_NOMEM;
    if (err != GLASS_OK)
        goto cleanup;
    if (e->cfg.trace != NULL) {
        char name[64];
        const char *n = glass_hs_type_name(b->p[0]);
        snprintf(name, sizeof name, "send %s", n ? n : "unknown");
        glass_trace(e->cfg.trace, name, "handshake message sent (4-byte header + body)", b->p,
                    b->len);
    }
    if (in_transcript)
        glass_eng_transcript_add(e, b->p, b->len);
    err = send_record(e, GLASS_CT_HANDSHAKE, b->p, b->len);
cleanup:
    glass_buf_free(b);
    return err;
}

/* Queues close_notify (a warning alert, RFC 5246 §7.2.1) once per connection. */
static void send_close_notify(glass_engine *e)
{
    if (e->close_sent)
        return;
    uint8_t a[2] = {GLASS_ALERT_LEVEL_WARNING, GLASS_ALERT_CLOSE_NOTIFY};
    glass_trace(e->cfg.trace, "send Alert", "close_notify", a, sizeof a);
    (void)send_record(e, GLASS_CT_ALERT, a, sizeof a);
    e->close_sent = 1;
}

/* See engine_internal.h.  ChangeCipherSpec: one byte, 1 (RFC 5246 §7.1). */
glass_err glass_eng_send_change_cipher_spec(glass_engine *e)
{
    static const uint8_t ccs[1] = {1};
    glass_trace(e->cfg.trace, "send ChangeCipherSpec", "our next record is protected", ccs, 1);
    return send_record(e, GLASS_CT_CHANGE_CIPHER_SPEC, ccs, sizeof ccs);
}

/* See engine_internal.h. */
void glass_eng_handshake_done(glass_engine *e, int peer_authenticated)
{
    glass_event ev;
    e->hs_complete = 1;
    memset(&ev, 0, sizeof ev);
    ev.type = GLASS_EV_HANDSHAKE_DONE;
    memcpy(ev.peer_name, e->peer_name, sizeof ev.peer_name);
    ev.authenticated = peer_authenticated;
    (void)glass_eng_push_event(e, &ev);
}

/* ---- 4. failure ----------------------------------------------------------------- */

/* Every failure: one fatal alert (protected if our write keys are on),
 * ALERT_SENT and CLOSED events, the terminal state.  Returns err. */
glass_err glass_eng_fail(glass_engine *e, glass_err err)
{
    if (is_over(e))
        return err;
    uint8_t alert[2] = {GLASS_ALERT_LEVEL_FATAL, glass_alert_for_error(err)};
    glass_trace(e->cfg.trace, "send Alert", glass_alert_name(alert[1]), alert, sizeof alert);
    (void)send_record(e, GLASS_CT_ALERT, alert, sizeof alert);
    e->err = err;
    glass_eng_set_state(e, GLASS_STATE_ERROR);
    push_simple(e, GLASS_EV_ALERT_SENT, alert[1], err);
    push_simple(e, GLASS_EV_CLOSED, 0, err);
    return err;
}

/* ---- 2. records in ------------------------------------------------------------------ */

/* One whole handshake message: trace it, hand it to the role's state switch
 * (hs_client.c, hs_server.c). */
static glass_err handle_message(glass_engine *e, const uint8_t *msg, size_t msg_len)
{
    glass_hs_msg m;
    m.type = msg[0];
    m.msg = msg;
    m.msg_len = msg_len;
    m.body = msg + GLASS_HS_HEADER_LEN;
    m.len = msg_len - GLASS_HS_HEADER_LEN;
    if (e->cfg.trace != NULL) {
        char name[64];
        const char *tn = glass_hs_type_name(m.type);
        snprintf(name, sizeof name, "recv %s", tn ? tn : "unknown");
        glass_trace(e->cfg.trace, name, "handshake message received (4-byte header + body)", msg,
                    msg_len);
    }
    /* TLS 1.2: a HelloRequest, or a ClientHello once the session is up, asks
     * for renegotiation, which we refuse with a no_renegotiation warning
     * (RFC 5246 §7.4.1.1 and §7.2.2); the connection goes on, and a peer
     * that insists can end it.  We never renegotiate, so the attack RFC 5746
     * guards against has nothing to splice into. */
    if (e->state == GLASS_STATE_APPLICATION && e->cfg.profile == GLASS_PROFILE_TLS12 &&
        (m.type == GLASS_HS_HELLO_REQUEST || m.type == GLASS_HS_CLIENT_HELLO)) {
        uint8_t a[2] = {GLASS_ALERT_LEVEL_WARNING, GLASS_ALERT_NO_RENEGOTIATION};
        glass_trace(e->cfg.trace, "send Alert", "no_renegotiation", a, sizeof a);
        push_simple(e, GLASS_EV_ALERT_SENT, a[1], GLASS_ERR_PROTO_RENEGOTIATION);
        return send_record(e, GLASS_CT_ALERT, a, sizeof a);
    }
    if (e->cfg.role == GLASS_ROLE_CLIENT)
        return glass_client_handle(e, &m);
    return glass_server_handle(e, &m);
}

/* The plaintext of a handshake record.  Glass: exactly one whole message.
 * TLS 1.2: messages may be cut across records or several share one
 * (RFC 5246 §6.2.1), so the bytes are gathered in hs_in and every whole
 * message is handled in turn. */
static glass_err handle_handshake_record(glass_engine *e, const uint8_t *pt, size_t len)
{
    if (e->prof->one_message_per_record) {
        if (len < GLASS_HS_HEADER_LEN)
            return GLASS_ERR_PROTO_DECODE;
        size_t body = ((size_t)pt[1] << 16) | ((size_t)pt[2] << 8) | pt[3];
        if (body != len - GLASS_HS_HEADER_LEN)
            return GLASS_ERR_PROTO_DECODE;
        return handle_message(e, pt, len);
    }
    glass_buf_put(&e->hs_in, pt, len);
    if (e->hs_in.failed)
        return GLASS_ERR_NOMEM;
    while (e->hs_in.len >= GLASS_HS_HEADER_LEN && !is_over(e)) {
        const uint8_t *p = e->hs_in.p;
        size_t body = ((size_t)p[1] << 16) | ((size_t)p[2] << 8) | p[3];
        /* A message larger than any we accept is refused before it is
         * buffered: the longest is a Certificate of GLASS_MAX_CHAIN
         * certificates, well below this bound. */
        if (body > GLASS_MAX_HANDSHAKE)
            return GLASS_ERR_PROTO_DECODE;
        if (e->hs_in.len < GLASS_HS_HEADER_LEN + body)
            break;
        glass_err err = handle_message(e, p, GLASS_HS_HEADER_LEN + body);
        glass_buf_drop(&e->hs_in, GLASS_HS_HEADER_LEN + body);
        if (err != GLASS_OK)
            return err;
    }
    return GLASS_OK;
}

/* TLS 1.2: ChangeCipherSpec is its own record type, one byte of value 1
 * (RFC 5246 §7.1).  It may not share a record with a handshake message that
 * came before it, so no handshake bytes may be waiting in hs_in. */
static glass_err handle_change_cipher_spec(glass_engine *e, const uint8_t *pt, size_t len)
{
    if (!e->prof->change_cipher_spec)
        return GLASS_ERR_PROTO_UNEXPECTED;
    if (len != 1 || pt[0] != 1)
        return GLASS_ERR_PROTO_DECODE;
    if (e->hs_in.len != 0)
        return GLASS_ERR_PROTO_UNEXPECTED;
    glass_trace(e->cfg.trace, "recv ChangeCipherSpec", "the peer's next record is protected",
                pt, len);
    if (e->cfg.role == GLASS_ROLE_CLIENT)
        return glass_client_change_cipher_spec(e);
    return glass_server_change_cipher_spec(e);
}
static glass_err handle_alert(glass_engine *e, const uint8_t *pt, size_t len)
{
    if (len != 2 || (pt[0] != GLASS_ALERT_LEVEL_WARNING && pt[0] != GLASS_ALERT_LEVEL_FATAL))
        return GLASS_ERR_PROTO_DECODE;
    glass_trace(e->cfg.trace, "recv Alert", glass_alert_name(pt[1]), pt, len);
    push_simple(e, GLASS_EV_ALERT_RECEIVED, pt[1], GLASS_OK);
    if (pt[1] == GLASS_ALERT_CLOSE_NOTIFY) {
        /* RFC 5246 §7.2.1: answer close_notify with close_notify. */
        send_close_notify(e);
        glass_eng_set_state(e, GLASS_STATE_CLOSED);
        push_simple(e, GLASS_EV_CLOSED, 0, GLASS_OK);
        return GLASS_OK;
    }
    /* TLS 1.2: a warning is only a warning (RFC 5246 §7.2: e.g.
     * no_renegotiation, user_canceled); the connection goes on.  In glass
     * every alert but close_notify is fatal. */
    if (pt[0] == GLASS_ALERT_LEVEL_WARNING && e->cfg.profile == GLASS_PROFILE_TLS12)
        return GLASS_OK;
    /* Every other alert is fatal: nothing more is processed. */
    e->err = GLASS_ERR_PROTO_ALERT;
    glass_eng_set_state(e, GLASS_STATE_ERROR);
    push_simple(e, GLASS_EV_CLOSED, pt[1], GLASS_ERR_PROTO_ALERT);
    return GLASS_ERR_PROTO_ALERT;
}

/* One whole record rec[0..rec_len), header already checked. */
static glass_err handle_record(glass_engine *e, const uint8_t *rec, size_t rec_len)
{
    size_t pt_len = 0;
    glass_err err;
    glass_trace(e->cfg.trace, "recv record", "one record as it came off the wire", rec, rec_len);

    /* A peer that failed before it had keys sends its alert in plaintext;
     * while a Finished is awaited, accept exactly that (see the essay). */
    int awaiting_finished = e->state == GLASS_STATE_C_WAIT_FINISHED ||
                            e->state == GLASS_STATE_S_WAIT_FINISHED;
    if (awaiting_finished && rec[0] == GLASS_CT_ALERT && rec_len == GLASS_RECORD_HEADER_LEN + 2)
        return handle_alert(e, rec + GLASS_RECORD_HEADER_LEN, 2);

    err = glass_record_open(&e->rd, rec, rec_len, e->cfg.trace, e->pt, &pt_len);
    if (err != GLASS_OK)
        return err;
    /* RFC 5246 §6.2.1: only application data may come in an empty record
     * (TLS peers send them, e.g. as a countermeasure to BEAST); glass sends
     * none and accepts none. */
    if (pt_len == 0) {
        if (rec[0] == GLASS_CT_APPLICATION && e->cfg.profile == GLASS_PROFILE_TLS12 &&
            e->state == GLASS_STATE_APPLICATION)
            return GLASS_OK;
        return GLASS_ERR_PROTO_DECODE;
    }
    switch (rec[0]) {
    case GLASS_CT_ALERT:
        return handle_alert(e, e->pt, pt_len);
    case GLASS_CT_HANDSHAKE:
        return handle_handshake_record(e, e->pt, pt_len);
    case GLASS_CT_CHANGE_CIPHER_SPEC:
        return handle_change_cipher_spec(e, e->pt, pt_len);
    case GLASS_CT_APPLICATION: {
        /* Only a mutually authenticated session carries application data,
         * or (cfg.anonymous) a server-only one: its first record says so. */
        if (e->state == GLASS_STATE_S_WAIT_ENROLL_REQUEST) {
            err = glass_server_anonymous_data(e);
            if (err != GLASS_OK)
                return err;
        }
        if (e->state != GLASS_STATE_APPLICATION)
            return GLASS_ERR_PROTO_UNEXPECTED;
        glass_trace(e->cfg.trace, "recv application_data", "the plaintext of the record", e->pt,
                    pt_len);
        glass_event ev;
        memset(&ev, 0, sizeof ev);
        ev.type = GLASS_EV_APP_MESSAGE;
        ev.data = e->pt;
        ev.len = pt_len;
        memcpy(ev.peer_name, e->peer_name, sizeof ev.peer_name);
        return glass_eng_push_event(e, &ev);
    }
    default:
        return GLASS_ERR_PROTO_UNEXPECTED;
    }
}

/* The version bytes of a record header.  Each profile has its own
 * (glass 47 01, TLS 1.2 03 03); bytes of the other one mean the peer speaks
 * the other protocol, which is worth saying in so many words.  A TLS 1.2
 * server also takes 03 01 and 03 02 in the record that carries the first
 * ClientHello (RFC 5246 Appendix E.1: clients use the lowest version they
 * support there), and a client takes them until the ServerHello is in. */
/* The alert that answers is sent in our own version bytes: a TLS peer that
 * knows glass (glass s_client) then says "the peer speaks glass"; OpenSSL
 * says "wrong version number". */
static glass_err check_record_version(glass_engine *e, const uint8_t hdr[GLASS_RECORD_HEADER_LEN])
{
    uint16_t v = (uint16_t)(hdr[1] << 8 | hdr[2]);
    if (e->peer_version == 0)
        e->peer_version = v;
    if (v == e->prof->version)
        return GLASS_OK;
    int tls_bytes = hdr[1] == 3;
    if (e->cfg.profile == GLASS_PROFILE_GLASS)
        return tls_bytes ? GLASS_ERR_PROTO_PEER_SPEAKS_TLS : GLASS_ERR_PROTO_VERSION;
    if (v == GLASS_VERSION)
        return GLASS_ERR_PROTO_PEER_SPEAKS_GLASS;
    if (tls_bytes && hdr[2] >= 1 && hdr[2] <= 3 && e->suite == 0)
        return GLASS_OK;
    return GLASS_ERR_PROTO_VERSION;
}

/* See protocol.h. */
glass_err glass_engine_feed(glass_engine *e, const uint8_t *bytes, size_t len)
{
    if (e == NULL || (bytes == NULL && len > 0))
        return GLASS_ERR_ARG;
    if (is_over(e))
        return GLASS_ERR_PROTO_CLOSED;
    if (e->state == GLASS_STATE_START)
        return GLASS_ERR_PROTO_STATE;
    glass_buf_put(&e->in, bytes, len);
    if (e->in.failed)
        return glass_eng_fail(e, GLASS_ERR_NOMEM);

    while (!is_over(e) && e->in.len >= GLASS_RECORD_HEADER_LEN) {
        size_t frag = 0;
        /* The header is checked as soon as it is here, so an oversized or
         * garbage record is refused before we wait for (or buffer) its body. */
        const uint8_t *h = e->in.p;
        /* An SSL 2.0 CLIENT-HELLO (RFC 5246 Appendix E.2: a 2-byte length
         * with the top bit set, then message type 1) is an old protocol,
         * not garbage: protocol_version. */
        if (e->state == GLASS_STATE_S_WAIT_CLIENT_HELLO && (h[0] & 0x80) && h[2] == 1)
            return glass_eng_fail(e, GLASS_ERR_PROTO_VERSION);
        glass_err err = glass_record_check_header(h, (uint16_t)(h[1] << 8 | h[2]), e->rd.active,
                                                  &frag);
        if (err != GLASS_ERR_PROTO_UNEXPECTED) {
            glass_err verr = check_record_version(e, h);
            err = verr != GLASS_OK ? verr : err;
        }
        if (err != GLASS_OK)
            return glass_eng_fail(e, err);
        if (e->in.len < GLASS_RECORD_HEADER_LEN + frag)
            break;
        err = handle_record(e, e->in.p, GLASS_RECORD_HEADER_LEN + frag);
        glass_buf_drop(&e->in, GLASS_RECORD_HEADER_LEN + frag);
        if (err == GLASS_ERR_PROTO_ALERT)
            return err;
        if (err != GLASS_OK)
            return glass_eng_fail(e, err);
    }
    return e->state == GLASS_STATE_ERROR ? e->err : GLASS_OK;
}

/* ---- the rest of the API ------------------------------------------------------------- */

/* The config's own consistency (see glass_engine_new in protocol.h). */
static glass_err check_config(const glass_config *cfg)
{
    int tls = cfg->profile == GLASS_PROFILE_TLS12;
    if (cfg->profile != GLASS_PROFILE_GLASS && cfg->profile != GLASS_PROFILE_TLS12)
        return GLASS_ERR_ARG;
    if (cfg->role != GLASS_ROLE_CLIENT && cfg->role != GLASS_ROLE_SERVER)
        return GLASS_ERR_ARG;
    if (cfg->client_auth > GLASS_CLIENT_AUTH_REQUIRE || cfg->peer_verify > GLASS_PEER_VERIFY_REPORT)
        return GLASS_ERR_ARG;
    /* Who checks whom: glass always; TLS 1.2 as asked. */
    int report = tls && cfg->peer_verify == GLASS_PEER_VERIFY_REPORT;
    int asks_client = cfg->client_auth == GLASS_CLIENT_AUTH_REQUEST ||
                      cfg->client_auth == GLASS_CLIENT_AUTH_REQUIRE ||
                      (!tls && cfg->client_auth == GLASS_CLIENT_AUTH_DEFAULT);
    int needs_anchors = cfg->role == GLASS_ROLE_CLIENT ? !report : asks_client;
    if ((cfg->anchors == NULL || cfg->n_anchors == 0) && (needs_anchors || !tls))
        return GLASS_ERR_ARG;
    if (cfg->n_anchors > 0 && cfg->anchors == NULL)
        return GLASS_ERR_ARG;
    if (cfg->n_groups > GLASS_MAX_GROUPS || cfg->n_chain > GLASS_MAX_CHAIN ||
        (cfg->n_chain > 0 && cfg->chain == NULL) || (cfg->n_chain == 0) != (cfg->key == NULL))
        return GLASS_ERR_ARG;
    if (cfg->role == GLASS_ROLE_CLIENT && !report &&
        (cfg->server_name == NULL || cfg->server_name[0] == 0))
        return GLASS_ERR_ARG;
    if (cfg->role == GLASS_ROLE_SERVER && cfg->n_chain == 0)
        return GLASS_ERR_ARG;
    for (size_t i = 0; i < cfg->n_groups; i++)
        if (dh_group_by_tls_id(cfg->groups[i]) == NULL)
            return GLASS_ERR_ARG;
    if (cfg->session != NULL && (!tls || cfg->role != GLASS_ROLE_CLIENT))
        return GLASS_ERR_ARG;
    if (cfg->anonymous && (tls || (cfg->role == GLASS_ROLE_CLIENT && cfg->n_chain > 0)))
        return GLASS_ERR_ARG;
    return GLASS_OK;
}

/* See protocol.h. */
glass_err glass_engine_new(glass_engine **out, const glass_config *cfg)
{
    glass_engine *e = NULL;
    glass_err err = GLASS_OK;
    if (out == NULL || cfg == NULL)
        return GLASS_ERR_ARG;
    *out = NULL;
    err = check_config(cfg);
    if (err != GLASS_OK)
        return err;

    e = calloc(1, sizeof *e);
    if (e == NULL)
        return GLASS_ERR_NOMEM;
    e->cfg = *cfg;
    if (e->cfg.random == NULL)
        e->cfg.random = random_default;
    e->prof = &glass_profile_table[cfg->profile];
    if (e->cfg.n_groups == 0 && e->prof->hello_extensions) {
        glass_hello12_default_groups(&e->cfg);
    } else if (e->cfg.n_groups == 0) {
        e->cfg.groups[0] = GLASS_GROUP_FFDHE2048;
        e->cfg.groups[1] = GLASS_GROUP_FFDHE3072;
        e->cfg.n_groups = 2;
    }
    e->client_auth = cfg->client_auth;
    if (e->client_auth == GLASS_CLIENT_AUTH_DEFAULT)
        e->client_auth = e->prof->client_cert_required ? GLASS_CLIENT_AUTH_REQUIRE
                                                       : GLASS_CLIENT_AUTH_NONE;
    /* Glass asks every client (the enrolling one answers empty). */
    e->can_sign = 1;
    e->rd.version = e->prof->version;
    e->wr.version = e->prof->version;
    /* Glass always has both; TLS 1.2 learns them from the hellos. */
    e->ems = e->prof->ems_always;
    e->etm = e->prof->etm_always;
    e->state = GLASS_STATE_START;
    sha256_init(&e->transcript);
    dh_keypair_init(&e->dh);
    mpz_init(e->peer_y);

    /* The trust store, parsed once. */
    e->anchors = calloc(cfg->n_anchors, sizeof *e->anchors);
    if (e->anchors == NULL) {
        err = GLASS_ERR_NOMEM;
        goto cleanup;
    }
    for (; e->n_anchors < cfg->n_anchors; e->n_anchors++) {
        err = x509_parse(&e->anchors[e->n_anchors], cfg->anchors[e->n_anchors].der,
                         cfg->anchors[e->n_anchors].len);
        if (err != GLASS_OK)
            goto cleanup;
    }
    if (cfg->session != NULL) {
        err = glass_session_blob_read(e, cfg->session, cfg->session_len);
        if (err != GLASS_OK)
            goto cleanup;
    }
    if (cfg->crl.len > 0) {
        err = x509_crl_parse(&e->crl, cfg->crl.der, cfg->crl.len);
        if (err != GLASS_OK)
            goto cleanup;
        e->have_crl = 1;
    }
    *out = e;
    e = NULL;
cleanup:
    glass_engine_free(e);
    return err;
}

/* See protocol.h. */
glass_err glass_engine_start(glass_engine *e)
{
    if (e == NULL)
        return GLASS_ERR_ARG;
    if (e->state != GLASS_STATE_START)
        return GLASS_ERR_PROTO_STATE;
    if (e->cfg.role == GLASS_ROLE_SERVER) {
        glass_eng_set_state(e, GLASS_STATE_S_WAIT_CLIENT_HELLO);
        return GLASS_OK;
    }
    glass_err err = glass_client_start(e);
    if (err != GLASS_OK)
        return glass_eng_fail(e, err);
    return GLASS_OK;
}

/* See protocol.h. */
void glass_engine_output(glass_engine *e, const uint8_t **ptr, size_t *len)
{
    *ptr = e->out.p;
    *len = e->out.len;
}

/* See protocol.h. */
void glass_engine_consume_output(glass_engine *e, size_t n)
{
    glass_buf_drop(&e->out, n);
}

/* See protocol.h. */
int glass_engine_next_event(glass_engine *e, glass_event *ev)
{
    free(e->taken);
    e->taken = NULL;
    memset(ev, 0, sizeof *ev);
    if (e->n_events == 0)
        return 0;
    *ev = e->events[0].ev;
    e->taken = e->events[0].owned;
    e->n_events--;
    memmove(e->events, e->events + 1, e->n_events * sizeof *e->events);
    return 1;
}

/* See protocol.h. */
glass_err glass_engine_send_app(glass_engine *e, const uint8_t *bytes, size_t len)
{
    if (e == NULL || bytes == NULL || len == 0)
        return GLASS_ERR_ARG;
    if (e->state != GLASS_STATE_APPLICATION)
        return GLASS_ERR_PROTO_STATE;
    if (len > GLASS_MAX_PLAINTEXT)
        return GLASS_ERR_PROTO_RECORD_OVERFLOW;
    glass_trace(e->cfg.trace, "send application_data", "the plaintext of the record", bytes, len);
    glass_err err = send_record(e, GLASS_CT_APPLICATION, bytes, len);
    if (err != GLASS_OK)
        return glass_eng_fail(e, err);
    return GLASS_OK;
}

/* See protocol.h.  Several records at once let the record layer encrypt
 * their CBC chains side by side (record.c, glass_record_seal_many). */
glass_err glass_engine_send_app_many(glass_engine *e, const uint8_t *bytes, size_t len)
{
    if (e == NULL || bytes == NULL || len == 0)
        return GLASS_ERR_ARG;
    if (e->state != GLASS_STATE_APPLICATION)
        return GLASS_ERR_PROTO_STATE;
    for (size_t off = 0; e->cfg.trace != NULL && off < len; off += GLASS_MAX_PLAINTEXT) {
        size_t n = len - off < GLASS_MAX_PLAINTEXT ? len - off : GLASS_MAX_PLAINTEXT;
        glass_err err = glass_engine_send_app(e, bytes + off, n);
        if (err != GLASS_OK || off + n == len)
            return err;
    }
    glass_err err = glass_record_seal_many(&e->wr, GLASS_CT_APPLICATION, bytes, len,
                                           e->cfg.random, e->cfg.random_arg, NULL, &e->out);
    return err != GLASS_OK ? glass_eng_fail(e, err) : GLASS_OK;
}

/* See protocol.h. */
glass_err glass_engine_close(glass_engine *e)
{
    if (e == NULL)
        return GLASS_ERR_ARG;
    if (e->state == GLASS_STATE_ERROR)
        return GLASS_ERR_PROTO_CLOSED;
    if (e->state == GLASS_STATE_CLOSED)
        return GLASS_OK;
    if (e->state != GLASS_STATE_START && !e->close_sent) {
        send_close_notify(e);
        push_simple(e, GLASS_EV_ALERT_SENT, GLASS_ALERT_CLOSE_NOTIFY, GLASS_OK);
    }
    glass_eng_set_state(e, GLASS_STATE_CLOSED);
    push_simple(e, GLASS_EV_CLOSED, 0, GLASS_OK);
    return GLASS_OK;
}

/* See protocol.h.  The same path as any failure inside the engine (fail):
 * one fatal alert, protected once our write keys are on, then ERROR. */
glass_err glass_engine_abort(glass_engine *e, glass_err reason)
{
    if (e == NULL || reason == GLASS_OK)
        return GLASS_ERR_ARG;
    if (e->state == GLASS_STATE_START)
        return GLASS_ERR_PROTO_STATE;
    if (is_over(e))
        return GLASS_ERR_PROTO_CLOSED;
    (void)glass_eng_fail(e, reason);
    return GLASS_OK;
}

/* See protocol.h. */
void glass_engine_free(glass_engine *e)
{
    if (e == NULL)
        return;
    glass_buf_free(&e->in);
    glass_buf_free(&e->hs_in);
    glass_buf_free(&e->out);
    for (size_t i = 0; i < e->n_events; i++)
        free(e->events[i].owned);
    free(e->events);
    free(e->taken);
    dh_keypair_clear(&e->dh);
    mpz_clear(e->peer_y);
    if (e->have_custom_group)
        dh_group_clear(&e->custom_group);
    glass_direction_clear(&e->rd);
    glass_direction_clear(&e->wr);
    if (e->have_peer_cert)
        x509_free(&e->peer_cert);
    for (size_t i = 0; i < e->n_anchors; i++)
        x509_free(&e->anchors[i]);
    free(e->anchors);
    if (e->have_crl)
        x509_crl_free(&e->crl);
    glass_wipe(e, sizeof *e);
    free(e);
}

/* See protocol.h. */
glass_state glass_engine_state(const glass_engine *e)
{
    return e->state;
}

/* See protocol.h. */
const char *glass_engine_state_name(const glass_engine *e)
{
    return glass_state_name(e->state);
}

/* See protocol.h. */
glass_err glass_engine_error(const glass_engine *e)
{
    return e->err;
}

/* See protocol.h. */
uint16_t glass_engine_suite(const glass_engine *e)
{
    return e->suite;
}

/* See protocol.h. */
uint16_t glass_engine_group(const glass_engine *e)
{
    return e->suite != 0 ? e->group_id : 0;
}

/* See protocol.h. */
void glass_engine_peer_cert(const glass_engine *e, const uint8_t **der, size_t *len)
{
    *der = e->have_peer_cert ? e->peer_cert.der : NULL;
    *len = e->have_peer_cert ? e->peer_cert.der_len : 0;
}
