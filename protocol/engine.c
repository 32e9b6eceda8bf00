/*
 * engine.c — the glass handshake as a sans-I/O state machine
 * (docs/PROTOCOL.md §4–§6; TLS 1.2, RFC 5246 §7.3, is the model).
 *
 * How to read this file:
 *   1. struct glass_engine: everything a connection remembers.
 *   2. glass_engine_feed: bytes in -> whole records -> one handler per
 *      record type; handshake messages go through dispatch_handshake, a
 *      plain switch over the state, which calls the handler named after
 *      the message it expects (recv_ServerHello, recv_ClientKeyExchange...).
 *   3. The client's handlers in handshake order, then the server's.
 *   4. fail(): every error ends here — one alert, two events, state ERROR;
 *      glass_engine_abort lets the application take the same way out.
 *
 * Which records are protected.  Glass has no ChangeCipherSpec: each side
 * turns its write protection on just before sending its Finished, and its
 * read protection on just before the peer's Finished is due.  The one
 * exception is a fatal alert sent by a peer that failed before it had keys:
 * while a Finished is awaited, a plaintext alert record of exactly 2 bytes is
 * still accepted (it cannot be a protected record, which is at least 64
 * bytes).  After the handshake every record is protected.
 *
 * The transcript.  transcript is a running SHA-256 over every handshake
 * message (header included) from ClientHello on; a copy of the context is
 * finalised whenever a hash of "the messages so far" is needed: the session
 * hash (through ClientKeyExchange), CertificateVerify (the same messages),
 * and each Finished.
 *
 * CT: the Finished comparison is glass_ct_equal; the record layer's checks
 * are in record.c; DH and RSA private operations use mpz_powm_sec.  The
 * state machine's branches depend only on public message contents.
 */
#include "protocol/protocol_internal.h"
#include "ca/ca.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- 1. the engine ---------------------------------------------------------- */

typedef struct queued_event {
    glass_event ev;
    uint8_t *owned;             /* malloc'd copy behind ev.data and ev.code */
} queued_event;

struct glass_engine {
    glass_config cfg;
    glass_state state;
    glass_err err;              /* what ended the connection */
    int close_sent;

    glass_buf in;               /* received bytes, not yet a whole record */
    glass_buf out;              /* bytes waiting to be sent */
    queued_event *events;       /* FIFO of events not yet taken */
    size_t n_events;
    size_t cap_events;
    uint8_t *taken;             /* data of the event last handed out */

    /* the handshake */
    sha256_ctx transcript;
    uint8_t client_random[GLASS_RANDOM_LEN];
    uint8_t server_random[GLASS_RANDOM_LEN];
    uint16_t suite;             /* 0 until ServerHello: see glass_engine_suite */
    const dh_group *group;
    uint16_t group_id;
    dh_keypair dh;              /* own ephemeral key */
    mpz_t peer_y;               /* the peer's public value, validated */
    uint8_t master_secret[TLS12_MASTER_SECRET_LEN];
    glass_keys keys;
    glass_direction rd;         /* records we receive */
    glass_direction wr;         /* records we send */

    /* the peer */
    x509_cert peer_cert;        /* leaf, when one was presented */
    int have_peer_cert;
    char peer_name[GLASS_MAX_NAME + 1];

    /* the trust store, parsed from cfg */
    x509_cert *anchors;
    size_t n_anchors;
    x509_crl crl;
    int have_crl;

    uint8_t pt[GLASS_MAX_FRAGMENT];     /* the record being opened */
};

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
    case GLASS_STATE_C_WAIT_FINISHED: return "C_WAIT_FINISHED";
    case GLASS_STATE_C_ENROLL_READY: return "C_ENROLL_READY";
    case GLASS_STATE_C_WAIT_ENROLL_RESPONSE: return "C_WAIT_ENROLL_RESPONSE";
    case GLASS_STATE_C_ENROLL_DONE: return "C_ENROLL_DONE";
    case GLASS_STATE_S_WAIT_CLIENT_HELLO: return "S_WAIT_CLIENT_HELLO";
    case GLASS_STATE_S_WAIT_CERTIFICATE: return "S_WAIT_CERTIFICATE";
    case GLASS_STATE_S_WAIT_CLIENT_KEY_EXCHANGE: return "S_WAIT_CLIENT_KEY_EXCHANGE";
    case GLASS_STATE_S_WAIT_CERTIFICATE_VERIFY: return "S_WAIT_CERTIFICATE_VERIFY";
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
const char *glass_alert_name(unsigned code)
{
    switch (code) {
    case GLASS_ALERT_CLOSE_NOTIFY: return "close_notify";
    case GLASS_ALERT_UNEXPECTED_MESSAGE: return "unexpected_message";
    case GLASS_ALERT_BAD_RECORD_MAC: return "bad_record_mac";
    case GLASS_ALERT_RECORD_OVERFLOW: return "record_overflow";
    case GLASS_ALERT_HANDSHAKE_FAILURE: return "handshake_failure";
    case GLASS_ALERT_BAD_CERTIFICATE: return "bad_certificate";
    case GLASS_ALERT_UNSUPPORTED_CERTIFICATE: return "unsupported_certificate";
    case GLASS_ALERT_CERTIFICATE_REVOKED: return "certificate_revoked";
    case GLASS_ALERT_CERTIFICATE_EXPIRED: return "certificate_expired";
    case GLASS_ALERT_CERTIFICATE_UNKNOWN: return "certificate_unknown";
    case GLASS_ALERT_ILLEGAL_PARAMETER: return "illegal_parameter";
    case GLASS_ALERT_UNKNOWN_CA: return "unknown_ca";
    case GLASS_ALERT_ACCESS_DENIED: return "access_denied";
    case GLASS_ALERT_DECODE_ERROR: return "decode_error";
    case GLASS_ALERT_DECRYPT_ERROR: return "decrypt_error";
    case GLASS_ALERT_PROTOCOL_VERSION: return "protocol_version";
    case GLASS_ALERT_INSUFFICIENT_SECURITY: return "insufficient_security";
    case GLASS_ALERT_INTERNAL_ERROR: return "internal_error";
    case GLASS_ALERT_INAPPROPRIATE_FALLBACK: return "inappropriate_fallback";
    case GLASS_ALERT_USER_CANCELED: return "user_canceled";
    case GLASS_ALERT_NO_RENEGOTIATION: return "no_renegotiation";
    case GLASS_ALERT_UNSUPPORTED_EXTENSION: return "unsupported_extension";
    case GLASS_ALERT_UNRECOGNIZED_NAME: return "unrecognized_name";
    default: return "unknown";
    }
}

/* See protocol.h.  The choices follow RFC 5246 §7.2.2's descriptions. */
uint8_t glass_alert_for_error(glass_err err)
{
    switch (err) {
    case GLASS_OK:
        return GLASS_ALERT_CLOSE_NOTIFY;
    case GLASS_ERR_PROTO_UNEXPECTED:
    case GLASS_ERR_PROTO_STATE:
        return GLASS_ALERT_UNEXPECTED_MESSAGE;
    case GLASS_ERR_PROTO_BAD_MAC:
        return GLASS_ALERT_BAD_RECORD_MAC;
    case GLASS_ERR_PROTO_RECORD_OVERFLOW:
        return GLASS_ALERT_RECORD_OVERFLOW;
    case GLASS_ERR_PROTO_HANDSHAKE:
        return GLASS_ALERT_HANDSHAKE_FAILURE;
    case GLASS_ERR_PROTO_BAD_CERT:
    case GLASS_ERR_X509_PARSE:
    case GLASS_ERR_X509_SIGNATURE:
    case GLASS_ERR_X509_NAME:
    case GLASS_ERR_X509_NOT_CA:
    case GLASS_ERR_X509_PATH_LEN:
    case GLASS_ERR_X509_CRITICAL_EXT:
    case GLASS_ERR_DER_TRUNCATED:
    case GLASS_ERR_DER_TAG:
    case GLASS_ERR_DER_LENGTH:
    case GLASS_ERR_DER_INDEFINITE:
    case GLASS_ERR_DER_TRAILING:
    case GLASS_ERR_DER_INTEGER:
    case GLASS_ERR_DER_VALUE:
        return GLASS_ALERT_BAD_CERTIFICATE;
    case GLASS_ERR_X509_PURPOSE:
    case GLASS_ERR_X509_KEY_USAGE:
        return GLASS_ALERT_UNSUPPORTED_CERTIFICATE;
    case GLASS_ERR_X509_REVOKED:
        return GLASS_ALERT_CERTIFICATE_REVOKED;
    case GLASS_ERR_X509_EXPIRED:
    case GLASS_ERR_X509_NOT_YET_VALID:
        return GLASS_ALERT_CERTIFICATE_EXPIRED;
    case GLASS_ERR_X509_CRL:
        return GLASS_ALERT_CERTIFICATE_UNKNOWN;
    case GLASS_ERR_PROTO_UNKNOWN_CA:
    case GLASS_ERR_X509_UNKNOWN_CA:
    case GLASS_ERR_X509_ISSUER:
        return GLASS_ALERT_UNKNOWN_CA;
    case GLASS_ERR_PROTO_ILLEGAL_PARAM:
    case GLASS_ERR_DH_GROUP:
    case GLASS_ERR_DH_PUB_TOO_SMALL:
    case GLASS_ERR_DH_PUB_TOO_LARGE:
    case GLASS_ERR_DH_PUB_SUBGROUP:
    case GLASS_ERR_DH_SHARED_ONE:
        return GLASS_ALERT_ILLEGAL_PARAMETER;
    case GLASS_ERR_ENROLL_CODE:
        return GLASS_ALERT_ACCESS_DENIED;
    case GLASS_ERR_PROTO_DECODE:
        return GLASS_ALERT_DECODE_ERROR;
    case GLASS_ERR_PROTO_DECRYPT:
    case GLASS_ERR_RSA_VERIFY:
    case GLASS_ERR_RSA_SIG_LENGTH:
    case GLASS_ERR_RSA_REPRESENTATIVE:
        return GLASS_ALERT_DECRYPT_ERROR;
    case GLASS_ERR_PROTO_VERSION:
    case GLASS_ERR_PROTO_PEER_SPEAKS_TLS:
    case GLASS_ERR_PROTO_PEER_SPEAKS_GLASS:
        return GLASS_ALERT_PROTOCOL_VERSION;
    case GLASS_ERR_PROTO_FALLBACK:
        return GLASS_ALERT_INAPPROPRIATE_FALLBACK;
    case GLASS_ERR_PROTO_INSUFFICIENT_SECURITY:
        return GLASS_ALERT_INSUFFICIENT_SECURITY;
    case GLASS_ERR_PROTO_NO_CLIENT_CERT:
        return GLASS_ALERT_HANDSHAKE_FAILURE;
    case GLASS_ERR_PROTO_RENEGOTIATION:
        return GLASS_ALERT_NO_RENEGOTIATION;
    default:
        return GLASS_ALERT_INTERNAL_ERROR;
    }
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

static glass_err engine_random(glass_engine *e, uint8_t *buf, size_t len)
{
    return e->cfg.random(e->cfg.random_arg, buf, len);
}

/* ---- events, state, trace ------------------------------------------------------ */

/* Queues an event; its data (and code) are copied. */
static glass_err push_event(glass_engine *e, const glass_event *ev)
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
    (void)push_event(e, &ev);
}

static void set_state(glass_engine *e, glass_state s)
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

/* Adds a handshake message to the running transcript hash. */
static void transcript_add(glass_engine *e, const uint8_t *msg, size_t len)
{
    sha256_update(&e->transcript, msg, len);
}

/* SHA-256 of the handshake messages so far (the running context is kept). */
static void transcript_hash(const glass_engine *e, uint8_t out[SHA256_DIGEST_LEN])
{
    sha256_ctx copy = e->transcript;
    sha256_final(&copy, out);
}

/* Sends the handshake message in b (encoded by messages.c); during the
 * handshake (in_transcript) it also goes into the transcript. */
static glass_err send_handshake(glass_engine *e, glass_buf *b, glass_err enc, int in_transcript)
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
        transcript_add(e, b->p, b->len);
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

/* ---- 4. failure ----------------------------------------------------------------- */

/* Every failure: one fatal alert (protected if our write keys are on),
 * ALERT_SENT and CLOSED events, the terminal state.  Returns err. */
static glass_err fail(glass_engine *e, glass_err err)
{
    if (is_over(e))
        return err;
    uint8_t alert[2] = {GLASS_ALERT_LEVEL_FATAL, glass_alert_for_error(err)};
    glass_trace(e->cfg.trace, "send Alert", glass_alert_name(alert[1]), alert, sizeof alert);
    (void)send_record(e, GLASS_CT_ALERT, alert, sizeof alert);
    e->err = err;
    set_state(e, GLASS_STATE_ERROR);
    push_simple(e, GLASS_EV_ALERT_SENT, alert[1], err);
    push_simple(e, GLASS_EV_CLOSED, 0, err);
    return err;
}

/* ---- the key schedule, as both sides run it ------------------------------------ */

/* Z, pre_master_secret, session_hash, master_secret, the four keys
 * (docs/PROTOCOL.md §5).  The transcript must end with ClientKeyExchange. */
static glass_err derive_keys(glass_engine *e)
{
    uint8_t Z[512];
    uint8_t session_hash[SHA256_DIGEST_LEN];
    uint8_t key_block[GLASS_KEY_BLOCK_LEN];
    const glass_tracer *t = e->cfg.trace;
    glass_err err;

    if (e->group->p_len > sizeof Z)
        return GLASS_ERR_DH_GROUP;
    /* 1. Z = (peer's Y)^x mod p, p_len bytes (SP 800-56A §5.7.1.1). */
    err = dh_compute_shared(e->group, &e->dh, e->peer_y, Z, e->group->p_len);
    if (err != GLASS_OK)
        goto cleanup;
    glass_trace(t, "derive Z", "DH shared secret Z = Y_peer^x mod p", Z, e->group->p_len);
    /* 2. pre_master_secret = Z without its leading zero bytes (RFC 5246 §8.1.2). */
    size_t pms_len = dh_strip_leading_zeros(Z, e->group->p_len);
    glass_trace(t, "derive pre_master_secret", "Z with leading zero bytes stripped (RFC 5246 §8.1.2)",
                Z, pms_len);
    /* 3. session_hash = SHA-256(ClientHello .. ClientKeyExchange) (RFC 7627 §3). */
    transcript_hash(e, session_hash);
    glass_trace(t, "derive session_hash", "SHA-256 of ClientHello .. ClientKeyExchange (RFC 7627 §3)",
                session_hash, sizeof session_hash);
    /* 4. master_secret (RFC 7627 §4). */
    err = glass_ks_master_secret(Z, pms_len, session_hash, e->master_secret);
    if (err != GLASS_OK)
        goto cleanup;
    glass_trace(t, "derive master_secret",
                "PRF(pre_master_secret, \"extended master secret\", session_hash)[0..47]",
                e->master_secret, sizeof e->master_secret);
    /* 5. key_block and the four keys (RFC 5246 §6.3). */
    err = glass_ks_keys(e->master_secret, e->client_random, e->server_random, key_block, &e->keys);
    if (err != GLASS_OK)
        goto cleanup;
    glass_trace(t, "derive key_block",
                "PRF(master_secret, \"key expansion\", server_random + client_random)[0..127]",
                key_block, sizeof key_block);
    glass_trace(t, "derive client_write_MAC_key", "key_block[0..31]", e->keys.client_write_MAC_key, 32);
    glass_trace(t, "derive server_write_MAC_key", "key_block[32..63]", e->keys.server_write_MAC_key, 32);
    glass_trace(t, "derive client_write_key", "key_block[64..95]", e->keys.client_write_key, 32);
    glass_trace(t, "derive server_write_key", "key_block[96..127]", e->keys.server_write_key, 32);
cleanup:
    glass_wipe(Z, sizeof Z);
    glass_wipe(key_block, sizeof key_block);
    return err;
}

/* verify_data for `who` ("client" or "server") over the transcript so far. */
static glass_err finished_value(glass_engine *e, const char *who, uint8_t out[GLASS_VERIFY_DATA_LEN])
{
    uint8_t hash[SHA256_DIGEST_LEN];
    char name[64], label[32];
    snprintf(name, sizeof name, "derive handshake_hash %s Finished", who);
    snprintf(label, sizeof label, "%s finished", who);
    transcript_hash(e, hash);
    glass_trace(e->cfg.trace, name, "SHA-256 of the handshake messages before this Finished",
                hash, sizeof hash);
    glass_err err = glass_ks_verify_data(e->master_secret, label, hash, out);
    if (err == GLASS_OK) {
        snprintf(name, sizeof name, "derive %s verify_data", who);
        glass_trace(e->cfg.trace, name, "PRF(master_secret, label, handshake_hash)[0..11]", out,
                    GLASS_VERIFY_DATA_LEN);
    }
    return err;
}

/* Sends our Certificate: the chain of cfg, leaf first (RFC 5246 §7.4.2,
 * §7.4.6); an enrolling client's chain is empty. */
static glass_err send_Certificate(glass_engine *e)
{
    glass_certificate_msg cert;
    glass_buf b = {0};
    memset(&cert, 0, sizeof cert);
    cert.n = e->cfg.n_chain;
    for (size_t i = 0; i < cert.n; i++) {
        cert.der[i] = e->cfg.chain[i].der;
        cert.len[i] = e->cfg.chain[i].len;
    }
    return send_handshake(e, &b, glass_encode_certificate(&b, &cert), 1);
}

/* The hash CertificateVerify signs: SHA-256 of ClientHello ..
 * ClientKeyExchange (RFC 5246 §7.4.8); the client signs it, the server
 * checks the signature over it. */
static void certificate_verify_hash(glass_engine *e, uint8_t hash[SHA256_DIGEST_LEN])
{
    transcript_hash(e, hash);
    glass_trace(e->cfg.trace, "derive handshake_hash CertificateVerify",
                "SHA-256 of ClientHello .. ClientKeyExchange, the digest signed", hash,
                SHA256_DIGEST_LEN);
}

/* Turns on read protection with the peer's write keys, just before the
 * peer's Finished is due, and waits for it. */
static glass_err expect_Finished(glass_engine *e)
{
    int client = e->cfg.role == GLASS_ROLE_CLIENT;
    glass_err err = glass_direction_activate(
        &e->rd, client ? e->keys.server_write_MAC_key : e->keys.client_write_MAC_key,
        client ? e->keys.server_write_key : e->keys.client_write_key);
    if (err != GLASS_OK)
        return err;
    set_state(e, client ? GLASS_STATE_C_WAIT_FINISHED : GLASS_STATE_S_WAIT_FINISHED);
    return GLASS_OK;
}

/* Sends our Finished (write protection turned on first). */
static glass_err send_Finished(glass_engine *e)
{
    glass_finished fin;
    glass_buf b = {0};
    int client = e->cfg.role == GLASS_ROLE_CLIENT;
    glass_err err = glass_direction_activate(
        &e->wr, client ? e->keys.client_write_MAC_key : e->keys.server_write_MAC_key,
        client ? e->keys.client_write_key : e->keys.server_write_key);
    if (err != GLASS_OK)
        return err;
    err = finished_value(e, client ? "client" : "server", fin.verify_data);
    if (err != GLASS_OK)
        return err;
    return send_handshake(e, &b, glass_encode_finished(&b, &fin), 1);
}

/* Checks the peer's Finished (constant time) and adds it to the transcript. */
static glass_err check_Finished(glass_engine *e, const uint8_t *msg, size_t msg_len,
                                const uint8_t *body, size_t len)
{
    glass_finished fin;
    uint8_t expected[GLASS_VERIFY_DATA_LEN];
    glass_err err = glass_decode_finished(body, len, &fin);
    if (err != GLASS_OK)
        return err;
    err = finished_value(e, e->cfg.role == GLASS_ROLE_CLIENT ? "server" : "client", expected);
    if (err != GLASS_OK)
        return err;
    /* RFC 5246 §7.4.9: a mismatch is decrypt_error.  Constant time, so a
     * forger learns nothing from how long the comparison took. */
    if (!glass_ct_equal(expected, fin.verify_data, GLASS_VERIFY_DATA_LEN))
        return GLASS_ERR_PROTO_DECRYPT;
    glass_trace(e->cfg.trace, "check Finished", "the peer's verify_data matches", NULL, 0);
    transcript_add(e, msg, msg_len);
    return GLASS_OK;
}

/* The peer's chain: parse each certificate, verify up to an anchor for the
 * purpose, and (client) check the server name.  Keeps the leaf. */
static glass_err check_peer_chain(glass_engine *e, const glass_certificate_msg *m,
                                  enum x509_purpose purpose)
{
    x509_cert chain[GLASS_MAX_CHAIN];
    size_t parsed = 0;
    size_t failed_index = 0;
    glass_err err = GLASS_OK;

    for (; parsed < m->n; parsed++) {
        err = x509_parse(&chain[parsed], m->der[parsed], m->len[parsed]);
        if (err != GLASS_OK)
            goto cleanup;
    }
#ifdef GLASS_LAB_BUILD
    /* Lab build only: the client that skips verification (docs/labs/05).
     * It still takes the leaf's public key for the ServerKeyExchange
     * signature, so it talks securely to whoever showed the certificate,
     * which is exactly the flaw: it never asks who that is. */
    int skip = purpose == X509_PURPOSE_SERVER && e->cfg.insecure_skip_verify;
    if (skip)
        glass_trace(e->cfg.trace, "check peer certificate",
                    "SKIPPED (--insecure): chain and name not verified", NULL, 0);
#else
    int skip = 0;
#endif
    /* RFC 5280 §6 path validation, with the purpose's extendedKeyUsage. */
    if (!skip)
        err = x509_verify_chain(chain, m->n, e->anchors, e->n_anchors,
                                e->have_crl ? &e->crl : NULL, purpose, e->cfg.now,
                                &failed_index);
    if (err != GLASS_OK)
        goto cleanup;
    /* The server's name must be in its certificate (RFC 6125). */
    if (purpose == X509_PURPOSE_SERVER && !skip) {
        err = x509_check_host(&chain[0], e->cfg.server_name);
        if (err != GLASS_OK)
            goto cleanup;
    }
    if (x509_subject_cn(&chain[0], e->peer_name, sizeof e->peer_name) != GLASS_OK) {
        err = GLASS_ERR_PROTO_BAD_CERT;
        goto cleanup;
    }
    /* Keep the leaf (its public key checks the peer's signatures). */
    e->peer_cert = chain[0];
    e->have_peer_cert = 1;
    memset(&chain[0], 0, sizeof chain[0]);
    if (!skip)
        glass_trace(e->cfg.trace, "check peer certificate",
                    purpose == X509_PURPOSE_SERVER
                        ? "server chain verified to the trust anchor; serverAuth; name matches"
                        : "client chain verified to the trust anchor; clientAuth",
                    m->der[0], m->len[0]);
cleanup:
    for (size_t i = 0; i < parsed; i++)
        if (!(e->have_peer_cert && i == 0))
            x509_free(&chain[i]);
    return err;
}

/* Reads a DH public value of exactly p_len bytes and validates it
 * (SP 800-56A §5.6.2.3.1): 2 <= Y <= p-2 and Y^q = 1 mod p.  Skipping this
 * lets a peer force Z into a tiny subgroup (Y = 1 or p-1 gives Z = ±1).
 * For the safe-prime ffdhe groups dh_check_public_fast gives the same answer
 * with a Legendre symbol instead of a 2047-bit exponentiation. */
static glass_err take_peer_y(glass_engine *e, const uint8_t *Y, size_t len)
{
    if (len != e->group->p_len)
        return GLASS_ERR_PROTO_DECODE;
    mpz_import(e->peer_y, len, 1, 1, 1, 0, Y);
    glass_err err = dh_check_public_fast(e->group, e->peer_y);
    if (err == GLASS_OK)
        glass_trace(e->cfg.trace, "check peer DH public value",
                    "2 <= Y <= p-2 and Y^q = 1 mod p (SP 800-56A §5.6.2.3.1)", Y, len);
    return err;
}

/* Own DH key pair and Y as p_len bytes into Y. */
static glass_err make_dh(glass_engine *e, uint8_t *Y)
{
    glass_err err = glass_ks_dh_generate(e->group, e->cfg.random, e->cfg.random_arg, &e->dh);
    if (err != GLASS_OK)
        return err;
    if (e->cfg.trace != NULL) {
        uint8_t x[512];
        size_t xl = (mpz_sizeinbase(e->dh.x, 2) + 7) / 8;
        if (xl <= sizeof x) {
            mpz_export(x, NULL, 1, 1, 1, 0, e->dh.x);
            glass_trace(e->cfg.trace, "derive dh_x", "own DH private exponent x (secret)", x, xl);
        }
        glass_wipe(x, sizeof x);
    }
    err = rsa_i2osp(e->dh.y, Y, e->group->p_len);
    if (err == GLASS_OK)
        glass_trace(e->cfg.trace, "derive dh_y", "own DH public value g^x mod p", Y,
                    e->group->p_len);
    return err;
}

/* ---- 3a. the client ------------------------------------------------------------- */

static glass_err send_ClientHello(glass_engine *e)
{
    glass_client_hello m;
    glass_buf b = {0};
    memset(&m, 0, sizeof m);
    m.version = GLASS_VERSION;
    glass_err err = engine_random(e, e->client_random, GLASS_RANDOM_LEN);
    if (err != GLASS_OK)
        return err;
    memcpy(m.random, e->client_random, GLASS_RANDOM_LEN);
    m.n_suites = 1;
    m.suites[0] = GLASS_SUITE_DHE_RSA_AES256_CBC_SHA256;
    m.n_groups = e->cfg.n_groups;
    memcpy(m.groups, e->cfg.groups, e->cfg.n_groups * sizeof m.groups[0]);
    return send_handshake(e, &b, glass_encode_client_hello(&b, &m), 1);
}

static glass_err recv_ServerHello(glass_engine *e, const uint8_t *msg, size_t msg_len,
                                  const uint8_t *body, size_t len)
{
    glass_server_hello m;
    glass_err err = glass_decode_server_hello(body, len, &m);
    if (err != GLASS_OK)
        return err;
    if (m.version != GLASS_VERSION)
        return GLASS_ERR_PROTO_VERSION;
    /* The server may only choose what we offered. */
    if (m.suite != GLASS_SUITE_DHE_RSA_AES256_CBC_SHA256)
        return GLASS_ERR_PROTO_ILLEGAL_PARAM;
    int offered = 0;
    for (size_t i = 0; i < e->cfg.n_groups; i++)
        offered |= e->cfg.groups[i] == m.group;
    e->group = dh_group_by_tls_id(m.group);
    if (!offered || e->group == NULL)
        return GLASS_ERR_PROTO_ILLEGAL_PARAM;
    e->suite = m.suite;
    e->group_id = m.group;
    memcpy(e->server_random, m.random, GLASS_RANDOM_LEN);
    transcript_add(e, msg, msg_len);
    set_state(e, GLASS_STATE_C_WAIT_CERTIFICATE);
    return GLASS_OK;
}

static glass_err recv_Certificate_client(glass_engine *e, const uint8_t *msg, size_t msg_len,
                                         const uint8_t *body, size_t len)
{
    glass_certificate_msg m;
    glass_err err = glass_decode_certificate(body, len, &m);
    if (err != GLASS_OK)
        return err;
    /* A server always authenticates (RFC 5246 §7.4.2). */
    if (m.n == 0)
        return GLASS_ERR_PROTO_HANDSHAKE;
    err = check_peer_chain(e, &m, X509_PURPOSE_SERVER);
    if (err != GLASS_OK)
        return err;
    transcript_add(e, msg, msg_len);
    set_state(e, GLASS_STATE_C_WAIT_SERVER_KEY_EXCHANGE);
    return GLASS_OK;
}

static glass_err recv_ServerKeyExchange(glass_engine *e, const uint8_t *msg, size_t msg_len,
                                        const uint8_t *body, size_t len)
{
    glass_server_key_exchange m;
    glass_buf signed_bytes = {0};
    glass_err err = glass_decode_server_key_exchange(body, len, &m);
    if (err != GLASS_OK)
        goto cleanup;
    if (m.group != e->group_id) {
        err = GLASS_ERR_PROTO_ILLEGAL_PARAM;
        goto cleanup;
    }
    /* 1. The signature over both randoms and the parameters, with the key in
     *    the server's (already verified) certificate: this is what ties the
     *    ephemeral g^y to the server (RFC 5246 §7.4.3). */
    err = glass_ske_signed_bytes(&signed_bytes, e->client_random, e->server_random, m.group, m.Ys,
                                 m.Ys_len);
    if (err != GLASS_OK)
        goto cleanup;
    err = rsa_pkcs1v15_verify(&e->peer_cert.pub, signed_bytes.p, signed_bytes.len, m.signature,
                              m.signature_len);
    if (err != GLASS_OK) {
        err = GLASS_ERR_PROTO_DECRYPT;
        goto cleanup;
    }
    glass_trace(e->cfg.trace, "check ServerKeyExchange signature",
                "RSASSA-PKCS1-v1_5-SHA256 over client_random || server_random || params verifies",
                m.signature, m.signature_len);
    /* 2. The public value itself. */
    err = take_peer_y(e, m.Ys, m.Ys_len);
    if (err != GLASS_OK)
        goto cleanup;
    transcript_add(e, msg, msg_len);
    set_state(e, GLASS_STATE_C_WAIT_CERTIFICATE_REQUEST);
cleanup:
    glass_buf_free(&signed_bytes);
    return err;
}

static glass_err recv_CertificateRequest(glass_engine *e, const uint8_t *msg, size_t msg_len,
                                         const uint8_t *body, size_t len)
{
    glass_certificate_request m;
    glass_err err = glass_decode_certificate_request(body, len, &m);
    if (err != GLASS_OK)
        return err;
    int ok = 0;
    for (size_t i = 0; i < m.n_sigalgs; i++)
        ok |= m.sigalgs[i] == GLASS_SIGALG_RSA_PKCS1_SHA256;
    if (!ok)
        return GLASS_ERR_PROTO_HANDSHAKE;
    transcript_add(e, msg, msg_len);
    set_state(e, GLASS_STATE_C_WAIT_SERVER_HELLO_DONE);
    return GLASS_OK;
}

/* ServerHelloDone, then the client's whole flight: Certificate,
 * ClientKeyExchange, CertificateVerify (with a certificate), Finished. */
static glass_err recv_ServerHelloDone(glass_engine *e, const uint8_t *msg, size_t msg_len,
                                      const uint8_t *body, size_t len)
{
    uint8_t Yc[512];
    uint8_t hash[SHA256_DIGEST_LEN];
    uint8_t *sig = NULL;
    glass_buf b = {0};
    glass_err err = glass_decode_server_hello_done(body, len);
    if (err != GLASS_OK)
        return err;
    transcript_add(e, msg, msg_len);

    /* 1. Certificate: our chain, or an empty list when enrolling. */
    err = send_Certificate(e);
    if (err != GLASS_OK)
        goto cleanup;

    /* 2. ClientKeyExchange: Yc = g^x mod p. */
    if (e->group->p_len > sizeof Yc) {
        err = GLASS_ERR_DH_GROUP;
        goto cleanup;
    }
    err = make_dh(e, Yc);
    if (err != GLASS_OK)
        goto cleanup;
    glass_client_key_exchange cke = {Yc, e->group->p_len};
    err = send_handshake(e, &b, glass_encode_client_key_exchange(&b, &cke), 1);
    if (err != GLASS_OK)
        goto cleanup;

    /* 3. The key schedule. */
    err = derive_keys(e);
    if (err != GLASS_OK)
        goto cleanup;

    /* 4. CertificateVerify: sign SHA-256 of the messages so far (RFC 5246
     *    §7.4.8), proving we hold the key of the certificate we sent. */
    if (e->cfg.n_chain > 0) {
        certificate_verify_hash(e, hash);
        sig = malloc(e->cfg.key->k);
        if (sig == NULL) {
            err = GLASS_ERR_NOMEM;
            goto cleanup;
        }
        err = rsa_pkcs1v15_sign_digest(e->cfg.key, hash, sig);
        if (err != GLASS_OK)
            goto cleanup;
        glass_certificate_verify cv = {sig, e->cfg.key->k};
        err = send_handshake(e, &b, glass_encode_certificate_verify(&b, &cv), 1);
        if (err != GLASS_OK)
            goto cleanup;
    }

    /* 5. Finished, the first protected record; the server's Finished will be
     *    protected too. */
    err = send_Finished(e);
    if (err != GLASS_OK)
        goto cleanup;
    err = expect_Finished(e);
cleanup:
    free(sig);
    glass_buf_free(&b);
    glass_wipe(hash, sizeof hash);
    return err;
}

static void handshake_done(glass_engine *e, int peer_authenticated)
{
    glass_event ev;
    memset(&ev, 0, sizeof ev);
    ev.type = GLASS_EV_HANDSHAKE_DONE;
    memcpy(ev.peer_name, e->peer_name, sizeof ev.peer_name);
    ev.authenticated = peer_authenticated;
    (void)push_event(e, &ev);
}

static glass_err recv_Finished_client(glass_engine *e, const uint8_t *msg, size_t msg_len,
                                      const uint8_t *body, size_t len)
{
    glass_err err = check_Finished(e, msg, msg_len, body, len);
    if (err != GLASS_OK)
        return err;
    handshake_done(e, 1);
    set_state(e, e->cfg.n_chain > 0 ? GLASS_STATE_APPLICATION : GLASS_STATE_C_ENROLL_READY);
    return GLASS_OK;
}

static glass_err recv_EnrollResponse(glass_engine *e, const uint8_t *msg, size_t msg_len,
                                     const uint8_t *body, size_t len)
{
    glass_enroll_response m;
    (void)msg;
    (void)msg_len;
    glass_err err = glass_decode_enroll_response(body, len, &m);
    if (err != GLASS_OK)
        return err;
    glass_event ev;
    memset(&ev, 0, sizeof ev);
    ev.type = GLASS_EV_ENROLL_RESULT;
    ev.enroll_ok = m.status == GLASS_ENROLL_ISSUED;
    ev.data = m.data;
    ev.len = m.len;
    err = push_event(e, &ev);
    if (err != GLASS_OK)
        return err;
    set_state(e, GLASS_STATE_C_ENROLL_DONE);
    return GLASS_OK;
}

/* ---- 3b. the server ----------------------------------------------------------------- */

/* ClientHello, then the server's flight: ServerHello, Certificate,
 * ServerKeyExchange, CertificateRequest, ServerHelloDone. */
static glass_err recv_ClientHello(glass_engine *e, const uint8_t *msg, size_t msg_len,
                                  const uint8_t *body, size_t len)
{
    glass_client_hello ch;
    uint8_t Ys[512];
    uint8_t *sig = NULL;
    glass_buf b = {0};
    glass_buf signed_bytes = {0};
    glass_err err = glass_decode_client_hello(body, len, &ch);
    if (err != GLASS_OK)
        goto cleanup;
    if (ch.version != GLASS_VERSION) {
        err = GLASS_ERR_PROTO_VERSION;
        goto cleanup;
    }
    /* 1. Choose: our one suite must be offered; the group is the first of
     *    ours (in our order of preference) that the client offered. */
    int suite_ok = 0;
    for (size_t i = 0; i < ch.n_suites; i++)
        suite_ok |= ch.suites[i] == GLASS_SUITE_DHE_RSA_AES256_CBC_SHA256;
    e->group = NULL;
    for (size_t i = 0; i < e->cfg.n_groups && e->group == NULL; i++)
        for (size_t j = 0; j < ch.n_groups; j++)
            if (ch.groups[j] == e->cfg.groups[i] && dh_group_by_tls_id(ch.groups[j]) != NULL) {
                e->group = dh_group_by_tls_id(ch.groups[j]);
                e->group_id = ch.groups[j];
                break;
            }
    if (!suite_ok || e->group == NULL) {
        err = GLASS_ERR_PROTO_HANDSHAKE;
        goto cleanup;
    }
    e->suite = GLASS_SUITE_DHE_RSA_AES256_CBC_SHA256;
    memcpy(e->client_random, ch.random, GLASS_RANDOM_LEN);
    transcript_add(e, msg, msg_len);

    /* 2. ServerHello. */
    glass_server_hello sh;
    sh.version = GLASS_VERSION;
    err = engine_random(e, e->server_random, GLASS_RANDOM_LEN);
    if (err != GLASS_OK)
        goto cleanup;
    memcpy(sh.random, e->server_random, GLASS_RANDOM_LEN);
    sh.suite = GLASS_SUITE_DHE_RSA_AES256_CBC_SHA256;
    sh.group = e->group_id;
    err = send_handshake(e, &b, glass_encode_server_hello(&b, &sh), 1);
    if (err != GLASS_OK)
        goto cleanup;

    /* 3. Certificate: our chain. */
    err = send_Certificate(e);
    if (err != GLASS_OK)
        goto cleanup;

    /* 4. ServerKeyExchange: Ys = g^y mod p, signed with both randoms. */
    if (e->group->p_len > sizeof Ys) {
        err = GLASS_ERR_DH_GROUP;
        goto cleanup;
    }
    err = make_dh(e, Ys);
    if (err != GLASS_OK)
        goto cleanup;
    err = glass_ske_signed_bytes(&signed_bytes, e->client_random, e->server_random, e->group_id,
                                 Ys, e->group->p_len);
    if (err != GLASS_OK)
        goto cleanup;
    sig = malloc(e->cfg.key->k);
    if (sig == NULL) {
        err = GLASS_ERR_NOMEM;
        goto cleanup;
    }
    err = rsa_pkcs1v15_sign(e->cfg.key, signed_bytes.p, signed_bytes.len, sig);
    if (err != GLASS_OK)
        goto cleanup;
    glass_server_key_exchange ske = {e->group_id, Ys, e->group->p_len, sig, e->cfg.key->k};
    err = send_handshake(e, &b, glass_encode_server_key_exchange(&b, &ske), 1);
    if (err != GLASS_OK)
        goto cleanup;

    /* 5. CertificateRequest: we always ask (an enrolling client answers
     *    with an empty Certificate). */
    glass_certificate_request cr;
    memset(&cr, 0, sizeof cr);
    cr.n_sigalgs = 1;
    cr.sigalgs[0] = GLASS_SIGALG_RSA_PKCS1_SHA256;
    err = send_handshake(e, &b, glass_encode_certificate_request(&b, &cr), 1);
    if (err != GLASS_OK)
        goto cleanup;

    /* 6. ServerHelloDone. */
    err = send_handshake(e, &b, glass_encode_server_hello_done(&b), 1);
    if (err != GLASS_OK)
        goto cleanup;
    set_state(e, GLASS_STATE_S_WAIT_CERTIFICATE);
cleanup:
    free(sig);
    glass_buf_free(&b);
    glass_buf_free(&signed_bytes);
    return err;
}

static glass_err recv_Certificate_server(glass_engine *e, const uint8_t *msg, size_t msg_len,
                                         const uint8_t *body, size_t len)
{
    glass_certificate_msg m;
    glass_err err = glass_decode_certificate(body, len, &m);
    if (err != GLASS_OK)
        return err;
    if (m.n == 0) {
        /* RFC 5246 §7.4.6: no certificate where one is required is a
         * handshake_failure.  Glass lets it through only for enrollment. */
        if (!e->cfg.allow_enroll)
            return GLASS_ERR_PROTO_HANDSHAKE;
        e->peer_name[0] = '\0';
    } else {
        err = check_peer_chain(e, &m, X509_PURPOSE_CLIENT);
        if (err != GLASS_OK)
            return err;
    }
    transcript_add(e, msg, msg_len);
    set_state(e, GLASS_STATE_S_WAIT_CLIENT_KEY_EXCHANGE);
    return GLASS_OK;
}

static glass_err recv_ClientKeyExchange(glass_engine *e, const uint8_t *msg, size_t msg_len,
                                        const uint8_t *body, size_t len)
{
    glass_client_key_exchange m;
    glass_err err = glass_decode_client_key_exchange(body, len, &m);
    if (err != GLASS_OK)
        return err;
    err = take_peer_y(e, m.Yc, m.Yc_len);
    if (err != GLASS_OK)
        return err;
    transcript_add(e, msg, msg_len);
    err = derive_keys(e);
    if (err != GLASS_OK)
        return err;
    if (e->have_peer_cert) {
        set_state(e, GLASS_STATE_S_WAIT_CERTIFICATE_VERIFY);
        return GLASS_OK;
    }
    /* An enrolling client sends no CertificateVerify: Finished is next. */
    return expect_Finished(e);
}

static glass_err recv_CertificateVerify(glass_engine *e, const uint8_t *msg, size_t msg_len,
                                        const uint8_t *body, size_t len)
{
    glass_certificate_verify m;
    uint8_t hash[SHA256_DIGEST_LEN];
    glass_err err = glass_decode_certificate_verify(body, len, &m);
    if (err != GLASS_OK)
        return err;
    certificate_verify_hash(e, hash);
    /* The client proves it holds the private key of its certificate. */
    if (rsa_pkcs1v15_verify_digest(&e->peer_cert.pub, hash, m.signature, m.signature_len) !=
        GLASS_OK)
        return GLASS_ERR_PROTO_DECRYPT;
    glass_trace(e->cfg.trace, "check CertificateVerify",
                "the client's signature over the handshake hash verifies", m.signature,
                m.signature_len);
    transcript_add(e, msg, msg_len);
    return expect_Finished(e);
}

static glass_err recv_Finished_server(glass_engine *e, const uint8_t *msg, size_t msg_len,
                                      const uint8_t *body, size_t len)
{
    glass_err err = check_Finished(e, msg, msg_len, body, len);
    if (err != GLASS_OK)
        return err;
    err = send_Finished(e);
    if (err != GLASS_OK)
        return err;
    handshake_done(e, e->have_peer_cert);
    set_state(e, e->have_peer_cert ? GLASS_STATE_APPLICATION : GLASS_STATE_S_WAIT_ENROLL_REQUEST);
    return GLASS_OK;
}

static glass_err recv_EnrollRequest(glass_engine *e, const uint8_t *msg, size_t msg_len,
                                    const uint8_t *body, size_t len)
{
    glass_enroll_request m;
    (void)msg;
    (void)msg_len;
    glass_err err = glass_decode_enroll_request(body, len, &m);
    if (err != GLASS_OK)
        return err;
    /* The engine checks nothing about the code: it has no files and no
     * clock.  The application decides and answers. */
    glass_event ev;
    memset(&ev, 0, sizeof ev);
    ev.type = GLASS_EV_ENROLL_REQUEST;
    memcpy(ev.peer_name, m.name, m.name_len);
    ev.peer_name[m.name_len] = '\0';
    ev.data = m.csr;
    ev.len = m.csr_len;
    ev.code = m.code;
    ev.code_len = m.code_len;
    err = push_event(e, &ev);
    if (err != GLASS_OK)
        return err;
    set_state(e, GLASS_STATE_S_WAIT_ENROLL_REPLY);
    return GLASS_OK;
}

/* ---- 2. records in ------------------------------------------------------------------ */

typedef glass_err (*hs_handler)(glass_engine *e, const uint8_t *msg, size_t msg_len,
                                const uint8_t *body, size_t len);

/* The state machine: which message each state accepts, and its handler. */
static glass_err dispatch_handshake(glass_engine *e, const uint8_t *msg, size_t msg_len)
{
    char name[64];
    unsigned type;
    size_t body_len;
    hs_handler h = NULL;
    unsigned want = 0;

    /* One whole message per record: header length = record length - 4. */
    if (msg_len < GLASS_HS_HEADER_LEN)
        return GLASS_ERR_PROTO_DECODE;
    type = msg[0];
    body_len = ((size_t)msg[1] << 16) | ((size_t)msg[2] << 8) | msg[3];
    if (body_len != msg_len - GLASS_HS_HEADER_LEN)
        return GLASS_ERR_PROTO_DECODE;
    if (e->cfg.trace != NULL) {
        const char *tn = glass_hs_type_name(type);
        snprintf(name, sizeof name, "recv %s", tn ? tn : "unknown");
        glass_trace(e->cfg.trace, name, "handshake message received (4-byte header + body)", msg,
                    msg_len);
    }

    switch (e->state) {
    case GLASS_STATE_C_WAIT_SERVER_HELLO:
        want = GLASS_HS_SERVER_HELLO;
        h = recv_ServerHello;
        break;
    case GLASS_STATE_C_WAIT_CERTIFICATE:
        want = GLASS_HS_CERTIFICATE;
        h = recv_Certificate_client;
        break;
    case GLASS_STATE_C_WAIT_SERVER_KEY_EXCHANGE:
        want = GLASS_HS_SERVER_KEY_EXCHANGE;
        h = recv_ServerKeyExchange;
        break;
    case GLASS_STATE_C_WAIT_CERTIFICATE_REQUEST:
        want = GLASS_HS_CERTIFICATE_REQUEST;
        h = recv_CertificateRequest;
        break;
    case GLASS_STATE_C_WAIT_SERVER_HELLO_DONE:
        want = GLASS_HS_SERVER_HELLO_DONE;
        h = recv_ServerHelloDone;
        break;
    case GLASS_STATE_C_WAIT_FINISHED:
        want = GLASS_HS_FINISHED;
        h = recv_Finished_client;
        break;
    case GLASS_STATE_C_WAIT_ENROLL_RESPONSE:
        want = GLASS_HS_ENROLL_RESPONSE;
        h = recv_EnrollResponse;
        break;
    case GLASS_STATE_S_WAIT_CLIENT_HELLO:
        want = GLASS_HS_CLIENT_HELLO;
        h = recv_ClientHello;
        break;
    case GLASS_STATE_S_WAIT_CERTIFICATE:
        want = GLASS_HS_CERTIFICATE;
        h = recv_Certificate_server;
        break;
    case GLASS_STATE_S_WAIT_CLIENT_KEY_EXCHANGE:
        want = GLASS_HS_CLIENT_KEY_EXCHANGE;
        h = recv_ClientKeyExchange;
        break;
    case GLASS_STATE_S_WAIT_CERTIFICATE_VERIFY:
        want = GLASS_HS_CERTIFICATE_VERIFY;
        h = recv_CertificateVerify;
        break;
    case GLASS_STATE_S_WAIT_FINISHED:
        want = GLASS_HS_FINISHED;
        h = recv_Finished_server;
        break;
    case GLASS_STATE_S_WAIT_ENROLL_REQUEST:
        want = GLASS_HS_ENROLL_REQUEST;
        h = recv_EnrollRequest;
        break;
    case GLASS_STATE_START:
    case GLASS_STATE_C_ENROLL_READY:
    case GLASS_STATE_C_ENROLL_DONE:
    case GLASS_STATE_S_WAIT_ENROLL_REPLY:
    case GLASS_STATE_APPLICATION:
    case GLASS_STATE_CLOSED:
    case GLASS_STATE_ERROR:
        return GLASS_ERR_PROTO_UNEXPECTED;
    }
    /* RFC 5246 §7.3: any message out of order is unexpected_message. */
    if (h == NULL || type != want)
        return GLASS_ERR_PROTO_UNEXPECTED;
    return h(e, msg, msg_len, msg + GLASS_HS_HEADER_LEN, body_len);
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
        set_state(e, GLASS_STATE_CLOSED);
        push_simple(e, GLASS_EV_CLOSED, 0, GLASS_OK);
        return GLASS_OK;
    }
    /* Every other alert is fatal: nothing more is processed. */
    e->err = GLASS_ERR_PROTO_ALERT;
    set_state(e, GLASS_STATE_ERROR);
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
    switch (rec[0]) {
    case GLASS_CT_ALERT:
        return handle_alert(e, e->pt, pt_len);
    case GLASS_CT_HANDSHAKE:
        return dispatch_handshake(e, e->pt, pt_len);
    case GLASS_CT_APPLICATION: {
        /* Only a mutually authenticated session carries application data. */
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
        return push_event(e, &ev);
    }
    default:
        return GLASS_ERR_PROTO_UNEXPECTED;
    }
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
        return fail(e, GLASS_ERR_NOMEM);

    while (!is_over(e) && e->in.len >= GLASS_RECORD_HEADER_LEN) {
        size_t frag = 0;
        /* The header is checked as soon as it is here, so an oversized or
         * garbage record is refused before we wait for (or buffer) its body. */
        glass_err err = glass_record_check_header(e->in.p, e->rd.active, &frag);
        if (err != GLASS_OK)
            return fail(e, err);
        if (e->in.len < GLASS_RECORD_HEADER_LEN + frag)
            break;
        err = handle_record(e, e->in.p, GLASS_RECORD_HEADER_LEN + frag);
        glass_buf_drop(&e->in, GLASS_RECORD_HEADER_LEN + frag);
        if (err == GLASS_ERR_PROTO_ALERT)
            return err;
        if (err != GLASS_OK)
            return fail(e, err);
    }
    return e->state == GLASS_STATE_ERROR ? e->err : GLASS_OK;
}

/* ---- the rest of the API ------------------------------------------------------------- */

/* See protocol.h. */
glass_err glass_engine_new(glass_engine **out, const glass_config *cfg)
{
    glass_engine *e = NULL;
    glass_err err = GLASS_OK;
    if (out == NULL || cfg == NULL)
        return GLASS_ERR_ARG;
    *out = NULL;
    if (cfg->anchors == NULL || cfg->n_anchors == 0 || cfg->n_groups > GLASS_MAX_GROUPS ||
        cfg->n_chain > GLASS_MAX_CHAIN || (cfg->n_chain > 0 && cfg->chain == NULL) ||
        (cfg->n_chain == 0) != (cfg->key == NULL))
        return GLASS_ERR_ARG;
    if (cfg->role == GLASS_ROLE_CLIENT && (cfg->server_name == NULL || cfg->server_name[0] == 0))
        return GLASS_ERR_ARG;
    if (cfg->role == GLASS_ROLE_SERVER && cfg->n_chain == 0)
        return GLASS_ERR_ARG;
    if (cfg->role != GLASS_ROLE_CLIENT && cfg->role != GLASS_ROLE_SERVER)
        return GLASS_ERR_ARG;
    for (size_t i = 0; i < cfg->n_groups; i++)
        if (dh_group_by_tls_id(cfg->groups[i]) == NULL)
            return GLASS_ERR_ARG;
    if (cfg->profile != GLASS_PROFILE_GLASS && cfg->profile != GLASS_PROFILE_TLS12)
        return GLASS_ERR_ARG;
    if (cfg->profile == GLASS_PROFILE_TLS12)
        return GLASS_ERR_UNSUPPORTED;

    e = calloc(1, sizeof *e);
    if (e == NULL)
        return GLASS_ERR_NOMEM;
    e->cfg = *cfg;
    if (e->cfg.random == NULL)
        e->cfg.random = random_default;
    if (e->cfg.n_groups == 0) {
        e->cfg.groups[0] = GLASS_GROUP_FFDHE2048;
        e->cfg.groups[1] = GLASS_GROUP_FFDHE3072;
        e->cfg.n_groups = 2;
    }
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
        set_state(e, GLASS_STATE_S_WAIT_CLIENT_HELLO);
        return GLASS_OK;
    }
    glass_err err = send_ClientHello(e);
    if (err != GLASS_OK)
        return fail(e, err);
    set_state(e, GLASS_STATE_C_WAIT_SERVER_HELLO);
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
        return fail(e, err);
    return GLASS_OK;
}

/* See protocol.h. */
glass_err glass_engine_enroll(glass_engine *e, const char *name, const uint8_t *csr,
                              size_t csr_len, const uint8_t *code, size_t code_len)
{
    glass_buf b = {0};
    if (e == NULL || name == NULL || csr == NULL || code == NULL)
        return GLASS_ERR_ARG;
    if (e->state != GLASS_STATE_C_ENROLL_READY)
        return GLASS_ERR_PROTO_STATE;
    size_t name_len = strlen(name);
    if (name_len == 0 || name_len > GLASS_MAX_NAME || csr_len == 0 || csr_len > 0xffff ||
        code_len == 0 || code_len > 255)
        return GLASS_ERR_ARG;
    glass_enroll_request m = {(const uint8_t *)name, name_len, csr, csr_len, code, code_len};
    glass_err err = glass_encode_enroll_request(&b, &m);
    if (err == GLASS_ERR_ARG) {
        glass_buf_free(&b);
        return err;
    }
    err = send_handshake(e, &b, err, 0);
    if (err != GLASS_OK)
        return fail(e, err);
    set_state(e, GLASS_STATE_C_WAIT_ENROLL_RESPONSE);
    return GLASS_OK;
}

static glass_err send_enroll_response(glass_engine *e, uint8_t status, const uint8_t *data,
                                      size_t len)
{
    glass_buf b = {0};
    glass_enroll_response m = {status, data, len};
    glass_err err = glass_encode_enroll_response(&b, &m);
    if (err == GLASS_ERR_ARG) {
        glass_buf_free(&b);
        return err;
    }
    return send_handshake(e, &b, err, 0);
}

/* See protocol.h. */
glass_err glass_engine_enroll_reply(glass_engine *e, const uint8_t *cert_der, size_t len)
{
    if (e == NULL || cert_der == NULL || len == 0 || len > 0xffff)
        return GLASS_ERR_ARG;
    if (e->state != GLASS_STATE_S_WAIT_ENROLL_REPLY)
        return GLASS_ERR_PROTO_STATE;
    glass_err err = send_enroll_response(e, GLASS_ENROLL_ISSUED, cert_der, len);
    if (err != GLASS_OK)
        return fail(e, err);
    return glass_engine_close(e);
}

/* See protocol.h. */
glass_err glass_engine_enroll_refuse(glass_engine *e, const char *reason)
{
    if (e == NULL)
        return GLASS_ERR_ARG;
    if (e->state != GLASS_STATE_S_WAIT_ENROLL_REPLY)
        return GLASS_ERR_PROTO_STATE;
    size_t n = reason ? strlen(reason) : 0;
    if (n > 0xffff)
        return GLASS_ERR_ARG;
    glass_err err = send_enroll_response(e, GLASS_ENROLL_REFUSED, (const uint8_t *)reason, n);
    if (err != GLASS_OK)
        return fail(e, err);
    (void)fail(e, GLASS_ERR_ENROLL_CODE);
    return GLASS_OK;
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
    set_state(e, GLASS_STATE_CLOSED);
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
    (void)fail(e, reason);
    return GLASS_OK;
}

/* See protocol.h. */
void glass_engine_free(glass_engine *e)
{
    if (e == NULL)
        return;
    glass_buf_free(&e->in);
    glass_buf_free(&e->out);
    for (size_t i = 0; i < e->n_events; i++)
        free(e->events[i].owned);
    free(e->events);
    free(e->taken);
    dh_keypair_clear(&e->dh);
    mpz_clear(e->peer_y);
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

/* See protocol.h. */
void glass_engine_info(const glass_engine *e, glass_conn_info *info)
{
    memset(info, 0, sizeof *info);
    info->profile = e->cfg.profile;
    info->verify_result = GLASS_OK;
    if (e->suite == 0)
        return;
    info->version = GLASS_VERSION;
    info->suite = e->suite;
    info->group = e->group_id;
    info->dh_bits = e->group ? mpz_sizeinbase(e->group->p, 2) : 0;
    if (e->have_peer_cert)
        info->peer_key_bits = mpz_sizeinbase(e->peer_cert.pub.n, 2);
    info->ems = 1;
    info->etm = 1;
    info->peer_version = GLASS_VERSION;
}

/* See protocol.h. */
glass_err glass_engine_session_save(const glass_engine *e, uint8_t *out, size_t cap,
                                    size_t *out_len)
{
    (void)out;
    (void)cap;
    if (e == NULL || out_len == NULL)
        return GLASS_ERR_ARG;
    *out_len = 0;
    return GLASS_ERR_PROTO_STATE;
}
