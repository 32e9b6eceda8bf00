/*
 * hs_server.c — the server's side of the handshake (docs/PROTOCOL.md §4;
 * RFC 5246 §7.3 Figure 1 is the model): one function per message, in the
 * order the messages fly, and the state switch that calls them.
 *
 *   recv_ClientHello               -->
 *                                  <--  send_ServerHello
 *                                  <--  send_Certificate
 *                                  <--  send_ServerKeyExchange
 *                                  <--  send_CertificateRequest
 *                                  <--  send_ServerHelloDone
 *   recv_Certificate               -->
 *   recv_ClientKeyExchange         -->
 *   recv_CertificateVerify         -->
 *   recv_Finished                  -->
 *                                  <--  send_Finished
 *   (glass, enrolling client: recv_EnrollRequest; the answer comes from
 *    the application through glass_engine_enroll_reply / _refuse;
 *    glass, a client without a certificate that sends application data
 *    instead: glass_server_anonymous_data, server-only access)
 *
 * Read glass_server_handle (the switch) at the bottom first, or follow the
 * messages top to bottom.  Where TLS 1.2 and glass differ, the branch reads
 * a field of the profile table (e->prof->...).
 *
 * CT: the branches depend only on public message contents; the secrets
 * live in hs_keys.c.
 */
#include "protocol/engine_internal.h"

#include <stdlib.h>
#include <string.h>

/* ServerHello (RFC 5246 §7.4.1.3): our random and the choices made. */
static glass_err send_ServerHello(glass_engine *e)
{
    glass_server_hello sh;
    glass_buf b = {0};
    memset(&sh, 0, sizeof sh);
    sh.version = e->prof->version;
    glass_err err = glass_eng_random(e, e->server_random, GLASS_RANDOM_LEN);
    if (err != GLASS_OK)
        return err;
    if (e->prof->hello_extensions) {
        /* TLS 1.2: the session_id (a fresh one when we keep sessions, the
         * client's when resuming), our answers to its extensions. */
        if (!e->resumed && e->cfg.session_cache != NULL) {
            err = glass_eng_random(e, e->session_id, sizeof e->session_id);
            if (err != GLASS_OK)
                return err;
            e->session_id_len = sizeof e->session_id;
        }
        glass_tls_server_hello th;
        glass_hello12_server_answer(e, &th);
        return glass_eng_send_handshake(e, &b, glass_encode_tls_server_hello(&b, &th), 1);
    }
    memcpy(sh.random, e->server_random, GLASS_RANDOM_LEN);
    sh.suite = e->suite;
    sh.group = e->group_id;
    return glass_eng_send_handshake(e, &b, glass_encode_server_hello(&b, &sh), 1);
}

/* Certificate (RFC 5246 §7.4.2): our chain, leaf first. */
static glass_err send_Certificate(glass_engine *e)
{
    return glass_eng_send_chain(e, 1);
}

/* ServerDHParams (RFC 5246 §7.4.3): opaque dh_p, dh_g, dh_Ys, each with a
 * 2-byte length. */
static void put_dh_params(glass_buf *b, const uint8_t *p, size_t p_len, const uint8_t *g,
                          size_t g_len, const uint8_t *Ys, size_t Ys_len)
{
    glass_buf_u16(b, (unsigned)p_len);
    glass_buf_put(b, p, p_len);
    glass_buf_u16(b, (unsigned)g_len);
    glass_buf_put(b, g, g_len);
    glass_buf_u16(b, (unsigned)Ys_len);
    glass_buf_put(b, Ys, Ys_len);
}

/* TLS 1.2: p and g spelled out, and the signature carries its algorithm,
 * rsa_pkcs1_sha256, over client_random || server_random || ServerDHParams. */
static glass_err send_ServerKeyExchange_tls12(glass_engine *e, const uint8_t *Ys)
{
    uint8_t p[1024], g[8];
    glass_buf b = {0}, signed_bytes = {0};
    size_t p_len = e->group->p_len;
    size_t g_len = (mpz_sizeinbase(e->group->g, 2) + 7) / 8;
    uint8_t *sig = malloc(e->cfg.key->k);
    glass_err err = sig == NULL ? GLASS_ERR_NOMEM : GLASS_OK;
    if (err == GLASS_OK && (p_len > sizeof p || g_len > sizeof g ||
                            rsa_i2osp(e->group->p, p, p_len) != GLASS_OK ||
                            rsa_i2osp(e->group->g, g, g_len) != GLASS_OK))
        err = GLASS_ERR_DH_GROUP;
    if (err == GLASS_OK) {
        glass_buf_put(&signed_bytes, e->client_random, GLASS_RANDOM_LEN);
        glass_buf_put(&signed_bytes, e->server_random, GLASS_RANDOM_LEN);
        put_dh_params(&signed_bytes, p, p_len, g, g_len, Ys, p_len);
        err = signed_bytes.failed ? GLASS_ERR_NOMEM
                                  : rsa_pkcs1v15_sign(e->cfg.key, signed_bytes.p,
                                                      signed_bytes.len, sig);
    }
    if (err == GLASS_OK) {
        glass_tls_ske t;
        memset(&t, 0, sizeof t);
        t.p = p;
        t.p_len = p_len;
        t.g = g;
        t.g_len = g_len;
        t.Ys = Ys;
        t.Ys_len = p_len;
        t.sigalg = GLASS_SIGALG_RSA_PKCS1_SHA256;
        t.signature = sig;
        t.signature_len = e->cfg.key->k;
        err = glass_eng_send_handshake(e, &b, glass_encode_tls_server_key_exchange(&b, &t), 1);
    }
    free(sig);
    glass_buf_free(&signed_bytes);
    return err;
}

/* ServerKeyExchange (RFC 5246 §7.4.3): Ys = g^y mod p, signed together with
 * both randoms, so the client knows the value is ours and fresh. */
static glass_err send_ServerKeyExchange(glass_engine *e)
{
    uint8_t Ys[1024];
    uint8_t *sig = NULL;
    glass_buf b = {0};
    glass_buf signed_bytes = {0};
    glass_err err = GLASS_ERR_DH_GROUP;
    if (e->group->p_len > sizeof Ys)
        goto cleanup;
    err = glass_eng_make_dh(e, Ys);
    if (err != GLASS_OK)
        goto cleanup;
    if (e->prof->dh_params_in_ske) {
        err = send_ServerKeyExchange_tls12(e, Ys);
        goto cleanup;
    }
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
    err = glass_eng_send_handshake(e, &b, glass_encode_server_key_exchange(&b, &ske), 1);
cleanup:
    free(sig);
    glass_buf_free(&signed_bytes);
    return err;
}

/* CertificateRequest (RFC 5246 §7.4.4): glass always asks (an enrolling
 * client answers with an empty Certificate). */
static glass_err send_CertificateRequest(glass_engine *e)
{
    glass_certificate_request cr;
    glass_buf b = {0};
    if (e->prof->sigalg_in_signatures) {
        /* TLS 1.2: rsa_sign, rsa_pkcs1_sha256, and the names of the CAs we
         * trust, so the client can pick a certificate they issued. */
        glass_tls_cert_request t;
        memset(&t, 0, sizeof t);
        t.rsa_sign = 1;
        t.sigalgs[t.n_sigalgs++] = GLASS_SIGALG_RSA_PKCS1_SHA256;
        for (size_t i = 0; i < e->n_anchors && t.n_cas < GLASS_MAX_CHAIN; i++) {
            t.ca[t.n_cas] = e->anchors[i].subject_der;
            t.ca_len[t.n_cas++] = e->anchors[i].subject_len;
        }
        return glass_eng_send_handshake(e, &b, glass_encode_tls_certificate_request(&b, &t), 1);
    }
    memset(&cr, 0, sizeof cr);
    cr.n_sigalgs = 1;
    cr.sigalgs[0] = GLASS_SIGALG_RSA_PKCS1_SHA256;
    return glass_eng_send_handshake(e, &b, glass_encode_certificate_request(&b, &cr), 1);
}

/* ServerHelloDone (RFC 5246 §7.4.5): an empty message; our flight is over. */
static glass_err send_ServerHelloDone(glass_engine *e)
{
    glass_buf b = {0};
    return glass_eng_send_handshake(e, &b, glass_encode_server_hello_done(&b), 1);
}

/* Our suite must be offered; the group is the first of ours (in our order
 * of preference) that the client offered. */
static glass_err choose(glass_engine *e, const glass_client_hello *ch)
{
    int suite_ok = 0;
    for (size_t i = 0; i < ch->n_suites; i++)
        suite_ok |= ch->suites[i] == GLASS_SUITE_DHE_RSA_AES256_CBC_SHA256;
    e->group = NULL;
    for (size_t i = 0; i < e->cfg.n_groups && e->group == NULL; i++)
        for (size_t j = 0; j < ch->n_groups; j++)
            if (ch->groups[j] == e->cfg.groups[i] && dh_group_by_tls_id(ch->groups[j]) != NULL) {
                e->group = dh_group_by_tls_id(ch->groups[j]);
                e->group_id = ch->groups[j];
                break;
            }
    if (!suite_ok || e->group == NULL)
        return GLASS_ERR_PROTO_HANDSHAKE;
    e->suite = GLASS_SUITE_DHE_RSA_AES256_CBC_SHA256;
    return GLASS_OK;
}

/* Our Finished (hs_keys.c). */
static glass_err send_Finished(glass_engine *e)
{
    return glass_eng_send_finished(e);
}

/* TLS 1.2, an abbreviated handshake (RFC 5246 §7.3, Figure 2): ServerHello
 * with the client's session_id, then at once ChangeCipherSpec and our
 * Finished, with keys from the cached master secret and the new randoms. */
static glass_err resume_session(glass_engine *e)
{
    glass_err err = send_ServerHello(e);
    if (err == GLASS_OK)
        err = glass_eng_expand_keys(e);
    if (err == GLASS_OK)
        err = send_Finished(e);
    if (err == GLASS_OK)
        glass_eng_set_state(e, GLASS_STATE_S_WAIT_CHANGE_CIPHER_SPEC);
    return err;
}

/* ClientHello (RFC 5246 §7.4.1.2), then the server's whole flight. */
static glass_err recv_ClientHello(glass_engine *e, const glass_hs_msg *hm)
{
    glass_err err;
    if (e->prof->hello_extensions) {
        glass_tls_client_hello th;
        err = glass_decode_tls_client_hello(hm->body, hm->len, &th);
        if (err == GLASS_OK)
            err = glass_hello12_server_choose(e, &th);
    } else {
        glass_client_hello ch;
        err = glass_decode_client_hello(hm->body, hm->len, &ch);
        if (err == GLASS_OK && ch.version != e->prof->version)
            err = GLASS_ERR_PROTO_VERSION;
        if (err == GLASS_OK)
            err = choose(e, &ch);
        if (err == GLASS_OK)
            memcpy(e->client_random, ch.random, GLASS_RANDOM_LEN);
    }
    if (err != GLASS_OK)
        return err;
    glass_eng_transcript_add(e, hm->msg, hm->msg_len);
    if (e->resumed)
        return resume_session(e);

    err = send_ServerHello(e);
    if (err == GLASS_OK)
        err = send_Certificate(e);
    if (err == GLASS_OK)
        err = send_ServerKeyExchange(e);
    if (err == GLASS_OK && e->client_auth != GLASS_CLIENT_AUTH_NONE)
        err = send_CertificateRequest(e);
    if (err == GLASS_OK)
        err = send_ServerHelloDone(e);
    if (err == GLASS_OK)
        glass_eng_set_state(e, e->client_auth != GLASS_CLIENT_AUTH_NONE
                                   ? GLASS_STATE_S_WAIT_CERTIFICATE
                                   : GLASS_STATE_S_WAIT_CLIENT_KEY_EXCHANGE);
    return err;
}

/* The client's chain (RFC 5246 §7.4.6). */
static glass_err recv_Certificate(glass_engine *e, const glass_hs_msg *hm)
{
    glass_certificate_msg m;
    glass_err err = glass_decode_certificate(hm->body, hm->len, &m);
    if (err != GLASS_OK)
        return err;
    if (m.n == 0) {
        /* RFC 5246 §7.4.6: no certificate where one is required is a
         * handshake_failure.  Glass lets it through only for enrollment or
         * a server-only session (cfg.anonymous: PROTOCOL.md §10); TLS 1.2
         * when the certificate was only requested. */
        if (e->prof->enrollment && !e->cfg.allow_enroll && !e->cfg.anonymous)
            return GLASS_ERR_PROTO_HANDSHAKE;
        if (!e->prof->enrollment && e->client_auth == GLASS_CLIENT_AUTH_REQUIRE)
            return GLASS_ERR_PROTO_NO_CLIENT_CERT;
        e->peer_name[0] = '\0';
    } else {
        err = glass_eng_check_peer_chain(e, &m, X509_PURPOSE_CLIENT);
        if (err != GLASS_OK)
            return err;
    }
    glass_eng_transcript_add(e, hm->msg, hm->msg_len);
    glass_eng_set_state(e, GLASS_STATE_S_WAIT_CLIENT_KEY_EXCHANGE);
    return GLASS_OK;
}

/* Turns on read protection for the client's Finished (glass), or waits for
 * the ChangeCipherSpec that does (TLS 1.2, RFC 5246 §7.1). */
static glass_err expect_Finished(glass_engine *e)
{
    if (e->prof->change_cipher_spec) {
        glass_eng_set_state(e, GLASS_STATE_S_WAIT_CHANGE_CIPHER_SPEC);
        return GLASS_OK;
    }
    glass_err err = glass_eng_activate_read(e);
    if (err == GLASS_OK)
        glass_eng_set_state(e, GLASS_STATE_S_WAIT_FINISHED);
    return err;
}

/* ClientKeyExchange (RFC 5246 §7.4.7.2): Yc, validated; then the keys. */
static glass_err recv_ClientKeyExchange(glass_engine *e, const glass_hs_msg *hm)
{
    glass_client_key_exchange m;
    glass_err err = glass_decode_client_key_exchange(hm->body, hm->len, &m);
    if (err != GLASS_OK)
        return err;
    err = glass_eng_take_peer_y(e, m.Yc, m.Yc_len);
    if (err != GLASS_OK)
        return err;
    glass_eng_transcript_add(e, hm->msg, hm->msg_len);
    err = glass_eng_derive_keys(e);
    if (err != GLASS_OK)
        return err;
    if (e->have_peer_cert) {
        glass_eng_set_state(e, GLASS_STATE_S_WAIT_CERTIFICATE_VERIFY);
        return GLASS_OK;
    }
    /* No client certificate, so no CertificateVerify: Finished is next. */
    return expect_Finished(e);
}

/* CertificateVerify (RFC 5246 §7.4.8): the client proves it holds the
 * private key of its certificate. */
static glass_err recv_CertificateVerify(glass_engine *e, const glass_hs_msg *hm)
{
    glass_certificate_verify m;
    uint8_t hash[SHA256_DIGEST_LEN];
    glass_err err;
    if (e->prof->sigalg_in_signatures) {
        /* TLS 1.2: the algorithm must be the one our request named
         * (RFC 5246 §7.4.8), else illegal_parameter. */
        uint16_t sigalg = 0;
        err = glass_decode_tls_certificate_verify(hm->body, hm->len, &sigalg, &m.signature,
                                                  &m.signature_len);
        if (err == GLASS_OK && sigalg != GLASS_SIGALG_RSA_PKCS1_SHA256)
            err = GLASS_ERR_PROTO_ILLEGAL_PARAM;
    } else {
        err = glass_decode_certificate_verify(hm->body, hm->len, &m);
    }
    if (err != GLASS_OK)
        return err;
    glass_eng_certificate_verify_hash(e, hash);
    if (rsa_pkcs1v15_verify_digest(&e->peer_cert.pub, hash, m.signature, m.signature_len) !=
        GLASS_OK)
        return GLASS_ERR_PROTO_DECRYPT;
    glass_trace(e->cfg.trace, "check CertificateVerify",
                "the client's signature over the handshake hash verifies", m.signature,
                m.signature_len);
    glass_eng_transcript_add(e, hm->msg, hm->msg_len);
    return expect_Finished(e);
}

/* The client's Finished, then ours: the handshake is over.  (Resumed: ours
 * went first, and the client's ends it.) */
static glass_err recv_Finished(glass_engine *e, const glass_hs_msg *hm)
{
    glass_err err = glass_eng_check_finished(e, hm);
    if (err != GLASS_OK)
        return err;
    if (!e->resumed) {
        err = send_Finished(e);
        if (err != GLASS_OK)
            return err;
        glass_eng_cache_session(e);
    }
    glass_eng_handshake_done(e, e->have_peer_cert);
    /* Glass, a client without a certificate: it came to enroll, or (with
     * cfg.anonymous) for a server-only session; its first message says
     * which (glass_server_anonymous_data).  Without enrollment, only the
     * latter is left. */
    int app = e->have_peer_cert || !e->prof->enrollment ||
              (e->cfg.anonymous && !e->cfg.allow_enroll);
    glass_eng_set_state(e, app ? GLASS_STATE_APPLICATION : GLASS_STATE_S_WAIT_ENROLL_REQUEST);
    return GLASS_OK;
}

/* Glass only (docs/PROTOCOL.md §6).  The engine checks nothing about the
 * code: it has no files and no clock.  The application decides and answers. */
static glass_err recv_EnrollRequest(glass_engine *e, const glass_hs_msg *hm)
{
    glass_enroll_request m;
    glass_err err = glass_decode_enroll_request(hm->body, hm->len, &m);
    if (err != GLASS_OK)
        return err;
    glass_event ev;
    memset(&ev, 0, sizeof ev);
    ev.type = GLASS_EV_ENROLL_REQUEST;
    memcpy(ev.peer_name, m.name, m.name_len);
    ev.peer_name[m.name_len] = '\0';
    ev.data = m.csr;
    ev.len = m.csr_len;
    ev.code = m.code;
    ev.code_len = m.code_len;
    err = glass_eng_push_event(e, &ev);
    if (err != GLASS_OK)
        return err;
    glass_eng_set_state(e, GLASS_STATE_S_WAIT_ENROLL_REPLY);
    return GLASS_OK;
}

/* Glass, server-only access (docs/PROTOCOL.md §10): a client that sent an
 * empty Certificate and no CertificateVerify, and whose first protected
 * record is application data rather than an EnrollRequest, wants a session
 * in which only the server is authenticated -- what RFC 5246 §7.4.6 allows
 * when a server only requests a certificate.  With cfg.anonymous that is
 * the session it gets (the application sees an unauthenticated
 * GLASS_EV_HANDSHAKE_DONE and decides what such a client may do);
 * without, "a certificate is required" ends the connection with a
 * handshake_failure alert. */
glass_err glass_server_anonymous_data(glass_engine *e)
{
    if (e->state != GLASS_STATE_S_WAIT_ENROLL_REQUEST)
        return GLASS_ERR_PROTO_UNEXPECTED;
    if (!e->cfg.anonymous)
        return GLASS_ERR_PROTO_NO_CLIENT_CERT;
    glass_trace(e->cfg.trace, "server-only session",
                "application data from a client without a certificate: it is anonymous",
                NULL, 0);
    glass_eng_set_state(e, GLASS_STATE_APPLICATION);
    return GLASS_OK;
}

/* The server's state machine: which message each state accepts, and its
 * handler.  RFC 5246 §7.4: handshake messages come in the order the
 * protocol gives; any other is unexpected_message. */
glass_err glass_server_handle(glass_engine *e, const glass_hs_msg *m)
{
    switch (e->state) {
    case GLASS_STATE_S_WAIT_CLIENT_HELLO:
        if (m->type == GLASS_HS_CLIENT_HELLO)
            return recv_ClientHello(e, m);
        break;
    case GLASS_STATE_S_WAIT_CERTIFICATE:
        if (m->type == GLASS_HS_CERTIFICATE)
            return recv_Certificate(e, m);
        break;
    case GLASS_STATE_S_WAIT_CLIENT_KEY_EXCHANGE:
        if (m->type == GLASS_HS_CLIENT_KEY_EXCHANGE)
            return recv_ClientKeyExchange(e, m);
        break;
    case GLASS_STATE_S_WAIT_CERTIFICATE_VERIFY:
        if (m->type == GLASS_HS_CERTIFICATE_VERIFY)
            return recv_CertificateVerify(e, m);
        break;
    case GLASS_STATE_S_WAIT_FINISHED:
        if (m->type == GLASS_HS_FINISHED)
            return recv_Finished(e, m);
        break;
    case GLASS_STATE_S_WAIT_ENROLL_REQUEST:
        if (m->type == GLASS_HS_ENROLL_REQUEST)
            return recv_EnrollRequest(e, m);
        break;
    default:
        break;
    }
    return GLASS_ERR_PROTO_UNEXPECTED;
}

/* See engine_internal.h: the client's ChangeCipherSpec (TLS 1.2 only). */
glass_err glass_server_change_cipher_spec(glass_engine *e)
{
    if (e->state != GLASS_STATE_S_WAIT_CHANGE_CIPHER_SPEC)
        return GLASS_ERR_PROTO_UNEXPECTED;
    glass_err err = glass_eng_activate_read(e);
    if (err == GLASS_OK)
        glass_eng_set_state(e, GLASS_STATE_S_WAIT_FINISHED);
    return err;
}
