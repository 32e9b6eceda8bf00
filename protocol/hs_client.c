/*
 * hs_client.c — the client's side of the handshake (docs/PROTOCOL.md §4;
 * RFC 5246 §7.3 Figure 1 is the model): one function per message, in the
 * order the messages fly, and the state switch that calls them.
 *
 *   send_ClientHello               -->
 *                                  <--  recv_ServerHello
 *                                  <--  recv_Certificate
 *                                  <--  recv_ServerKeyExchange
 *                                  <--  recv_CertificateRequest
 *                                  <--  recv_ServerHelloDone
 *   send_Certificate               -->
 *   send_ClientKeyExchange         -->
 *   send_CertificateVerify         -->
 *   send_Finished                  -->
 *                                  <--  recv_Finished
 *   (glass, enrolling: EnrollRequest from the API, recv_EnrollResponse)
 *
 * Read glass_client_handle (the switch) at the bottom first, or follow the
 * messages top to bottom.  Where TLS 1.2 and glass differ, the branch reads
 * a field of the profile table (e->prof->...).
 *
 * CT: the branches depend only on public message contents; the secrets
 * live in hs_keys.c.
 */
#include "protocol/engine_internal.h"

#include <stdlib.h>
#include <string.h>

/* See engine_internal.h: queues ClientHello. */
static glass_err send_ClientHello(glass_engine *e)
{
    glass_client_hello m;
    glass_buf b = {0};
    memset(&m, 0, sizeof m);
    m.version = e->prof->version;
    glass_err err = glass_eng_random(e, e->client_random, GLASS_RANDOM_LEN);
    if (err != GLASS_OK)
        return err;
    if (e->prof->hello_extensions) {
        /* TLS 1.2: session_id, suites, compression and extensions. */
        glass_tls_client_hello th;
        glass_hello12_client_offer(e, &th);
        return glass_eng_send_handshake(e, &b, glass_encode_tls_client_hello(&b, &th), 1);
    }
    memcpy(m.random, e->client_random, GLASS_RANDOM_LEN);
    m.n_suites = 1;
    m.suites[0] = GLASS_SUITE_DHE_RSA_AES256_CBC_SHA256;
    m.n_groups = e->cfg.n_groups;
    memcpy(m.groups, e->cfg.groups, e->cfg.n_groups * sizeof m.groups[0]);
    return glass_eng_send_handshake(e, &b, glass_encode_client_hello(&b, &m), 1);
}

/* TLS 1.2: the server's choices and extensions (hello12.c); a resumed
 * session goes straight to ChangeCipherSpec (RFC 5246 §7.3, Figure 2). */
static glass_err recv_ServerHello_tls12(glass_engine *e, const glass_hs_msg *hm)
{
    glass_tls_server_hello m;
    glass_err err = glass_decode_tls_server_hello(hm->body, hm->len, &m);
    if (err == GLASS_OK)
        err = glass_hello12_client_check(e, &m);
    if (err != GLASS_OK)
        return err;
    glass_eng_transcript_add(e, hm->msg, hm->msg_len);
    if (!e->resumed) {
        glass_eng_set_state(e, GLASS_STATE_C_WAIT_CERTIFICATE);
        return GLASS_OK;
    }
    /* The server of the session is who it was: its certificate comes back. */
    if (e->offer_cert_len > 0 &&
        x509_parse(&e->peer_cert, e->offer_cert, e->offer_cert_len) == GLASS_OK) {
        e->have_peer_cert = 1;
        if (x509_subject_cn(&e->peer_cert, e->peer_name, sizeof e->peer_name) != GLASS_OK)
            e->peer_name[0] = '\0';
    }
    err = glass_eng_expand_keys(e);
    if (err == GLASS_OK)
        glass_eng_set_state(e, GLASS_STATE_C_WAIT_CHANGE_CIPHER_SPEC);
    return err;
}

/* RFC 5246 §7.4.1.3: the server may only choose what we offered. */
static glass_err recv_ServerHello(glass_engine *e, const glass_hs_msg *hm)
{
    if (e->prof->hello_extensions)
        return recv_ServerHello_tls12(e, hm);
    glass_server_hello m;
    glass_err err = glass_decode_server_hello(hm->body, hm->len, &m);
    if (err != GLASS_OK)
        return err;
    if (m.version != e->prof->version)
        return GLASS_ERR_PROTO_VERSION;
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
    glass_eng_transcript_add(e, hm->msg, hm->msg_len);
    glass_eng_set_state(e, GLASS_STATE_C_WAIT_CERTIFICATE);
    return GLASS_OK;
}

/* The server's chain (RFC 5246 §7.4.2): it always authenticates. */
static glass_err recv_Certificate(glass_engine *e, const glass_hs_msg *hm)
{
    glass_certificate_msg m;
    glass_err err = glass_decode_certificate(hm->body, hm->len, &m);
    if (err != GLASS_OK)
        return err;
    if (m.n == 0)
        return GLASS_ERR_PROTO_HANDSHAKE;
    err = glass_eng_check_peer_chain(e, &m, X509_PURPOSE_SERVER);
    if (err != GLASS_OK)
        return err;
    glass_eng_transcript_add(e, hm->msg, hm->msg_len);
    glass_eng_set_state(e, GLASS_STATE_C_WAIT_SERVER_KEY_EXCHANGE);
    return GLASS_OK;
}

/* TLS 1.2 (RFC 5246 §7.4.3): explicit p, g, Ys, and a signature with its
 * algorithm over client_random || server_random || ServerDHParams. */
static glass_err recv_ServerKeyExchange_tls12(glass_engine *e, const glass_hs_msg *hm)
{
    glass_tls_ske m;
    glass_buf signed_bytes = {0};
    glass_err err = glass_decode_tls_server_key_exchange(hm->body, hm->len, &m);
    if (err == GLASS_OK)
        err = glass_hello12_client_group(e, m.p, m.p_len, m.g, m.g_len);
    if (err != GLASS_OK)
        return err;
    glass_buf_put(&signed_bytes, e->client_random, GLASS_RANDOM_LEN);
    glass_buf_put(&signed_bytes, e->server_random, GLASS_RANDOM_LEN);
    glass_buf_put(&signed_bytes, m.params, m.params_len);
    err = signed_bytes.failed ? GLASS_ERR_NOMEM
                              : glass_eng_verify_signed(e, m.sigalg, signed_bytes.p,
                                                        signed_bytes.len, m.signature,
                                                        m.signature_len);
    glass_buf_free(&signed_bytes);
    if (err != GLASS_OK)
        return err;
    glass_trace(e->cfg.trace, "check ServerKeyExchange signature",
                m.sigalg == GLASS_SIGALG_RSA_PSS_RSAE_SHA256
                    ? "RSASSA-PSS-SHA256 over client_random || server_random || params verifies"
                    : "RSASSA-PKCS1-v1_5-SHA256 over client_random || server_random || params "
                      "verifies",
                m.signature, m.signature_len);
    err = glass_eng_take_peer_y(e, m.Ys, m.Ys_len);
    if (err != GLASS_OK)
        return err;
    glass_eng_transcript_add(e, hm->msg, hm->msg_len);
    glass_eng_set_state(e, GLASS_STATE_C_WAIT_CERTIFICATE_REQUEST);
    return GLASS_OK;
}

static glass_err recv_ServerKeyExchange(glass_engine *e, const glass_hs_msg *hm)
{
    if (e->prof->dh_params_in_ske)
        return recv_ServerKeyExchange_tls12(e, hm);
    glass_server_key_exchange m;
    glass_buf signed_bytes = {0};
    glass_err err = glass_decode_server_key_exchange(hm->body, hm->len, &m);
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
    err = glass_eng_take_peer_y(e, m.Ys, m.Ys_len);
    if (err != GLASS_OK)
        goto cleanup;
    glass_eng_transcript_add(e, hm->msg, hm->msg_len);
    glass_eng_set_state(e, GLASS_STATE_C_WAIT_CERTIFICATE_REQUEST);
cleanup:
    glass_buf_free(&signed_bytes);
    return err;
}

/* RFC 5246 §7.4.4: we can only sign with rsa_pkcs1_sha256. */
static glass_err recv_CertificateRequest(glass_engine *e, const glass_hs_msg *hm)
{
    glass_certificate_request m;
    int ok = 0;
    if (e->prof->sigalg_in_signatures) {
        /* TLS 1.2: a server that cannot take our signature gets an empty
         * Certificate, and decides (RFC 5246 §7.4.6). */
        glass_tls_cert_request t;
        glass_err err = glass_decode_tls_certificate_request(hm->body, hm->len, &t);
        if (err != GLASS_OK)
            return err;
        for (size_t i = 0; i < t.n_sigalgs; i++)
            ok |= t.sigalgs[i] == GLASS_SIGALG_RSA_PKCS1_SHA256;
        e->can_sign = ok && t.rsa_sign;
    } else {
        glass_err err = glass_decode_certificate_request(hm->body, hm->len, &m);
        if (err != GLASS_OK)
            return err;
        for (size_t i = 0; i < m.n_sigalgs; i++)
            ok |= m.sigalgs[i] == GLASS_SIGALG_RSA_PKCS1_SHA256;
        if (!ok)
            return GLASS_ERR_PROTO_HANDSHAKE;
        e->can_sign = 1;
    }
    e->cert_requested = 1;
    glass_eng_transcript_add(e, hm->msg, hm->msg_len);
    glass_eng_set_state(e, GLASS_STATE_C_WAIT_SERVER_HELLO_DONE);
    return GLASS_OK;
}

/* Our chain (RFC 5246 §7.4.6), or an empty list when enrolling or
 * anonymous (then no CertificateVerify follows either). */
static glass_err send_Certificate(glass_engine *e)
{
    e->sent_cert = e->cfg.n_chain > 0 && e->can_sign;
    return glass_eng_send_chain(e, e->sent_cert);
}

/* ClientKeyExchange (RFC 5246 §7.4.7.2): Yc = g^x mod p; then the key
 * schedule, now that the session hash's last message is known. */
static glass_err send_ClientKeyExchange(glass_engine *e)
{
    uint8_t Yc[1024];
    glass_buf b = {0};
    if (e->group->p_len > sizeof Yc)
        return GLASS_ERR_DH_GROUP;
    glass_err err = glass_eng_make_dh(e, Yc);
    if (err != GLASS_OK)
        return err;
    glass_client_key_exchange cke = {Yc, e->group->p_len};
    err = glass_eng_send_handshake(e, &b, glass_encode_client_key_exchange(&b, &cke), 1);
    if (err != GLASS_OK)
        return err;
    return glass_eng_derive_keys(e);
}

/* CertificateVerify (RFC 5246 §7.4.8): sign SHA-256 of the messages so
 * far, proving we hold the key of the certificate we sent. */
static glass_err send_CertificateVerify(glass_engine *e)
{
    uint8_t hash[SHA256_DIGEST_LEN];
    glass_buf b = {0};
    uint8_t *sig = malloc(e->cfg.key->k);
    if (sig == NULL)
        return GLASS_ERR_NOMEM;
    glass_eng_certificate_verify_hash(e, hash);
    glass_err err = rsa_pkcs1v15_sign_digest(e->cfg.key, hash, sig);
    if (err == GLASS_OK && e->prof->sigalg_in_signatures) {
        err = glass_eng_send_handshake(
            e, &b,
            glass_encode_tls_certificate_verify(&b, GLASS_SIGALG_RSA_PKCS1_SHA256, sig,
                                                e->cfg.key->k),
            1);
    } else if (err == GLASS_OK) {
        glass_certificate_verify cv = {sig, e->cfg.key->k};
        err = glass_eng_send_handshake(e, &b, glass_encode_certificate_verify(&b, &cv), 1);
    }
    free(sig);
    glass_wipe(hash, sizeof hash);
    return err;
}

/* Our Finished, the first protected record (hs_keys.c). */
static glass_err send_Finished(glass_engine *e)
{
    return glass_eng_send_finished(e);
}

/* ServerHelloDone (RFC 5246 §7.4.5), then the client's whole flight. */
static glass_err recv_ServerHelloDone(glass_engine *e, const glass_hs_msg *hm)
{
    glass_err err = glass_decode_server_hello_done(hm->body, hm->len);
    if (err != GLASS_OK)
        return err;
    glass_eng_transcript_add(e, hm->msg, hm->msg_len);
    /* Certificate only when asked for (always in glass, RFC 5246 §7.4.6). */
    if (e->cert_requested)
        err = send_Certificate(e);
    if (err == GLASS_OK)
        err = send_ClientKeyExchange(e);
    if (err == GLASS_OK && e->sent_cert)
        err = send_CertificateVerify(e);
    if (err == GLASS_OK)
        err = send_Finished(e);
    if (err != GLASS_OK)
        return err;
    /* TLS 1.2: the server's ChangeCipherSpec turns on read protection. */
    if (e->prof->change_cipher_spec) {
        glass_eng_set_state(e, GLASS_STATE_C_WAIT_CHANGE_CIPHER_SPEC);
        return GLASS_OK;
    }
    /* Glass: the server's Finished is protected too: read keys on now. */
    err = glass_eng_activate_read(e);
    if (err == GLASS_OK)
        glass_eng_set_state(e, GLASS_STATE_C_WAIT_FINISHED);
    return err;
}

/* The server's Finished: the handshake is over. */
static glass_err recv_Finished(glass_engine *e, const glass_hs_msg *hm)
{
    glass_err err = glass_eng_check_finished(e, hm);
    if (err != GLASS_OK)
        return err;
    /* A resumed session: the server spoke first, our Finished answers. */
    if (e->resumed) {
        err = send_Finished(e);
        if (err != GLASS_OK)
            return err;
    }
    glass_eng_handshake_done(e, e->have_peer_cert);
    /* Glass without a certificate: enroll next, or (cfg.anonymous) a
     * server-only session (docs/PROTOCOL.md §10). */
    glass_eng_set_state(e, e->cfg.n_chain > 0 || !e->prof->enrollment || e->cfg.anonymous
                               ? GLASS_STATE_APPLICATION
                               : GLASS_STATE_C_ENROLL_READY);
    return GLASS_OK;
}

/* Glass only: the CA's answer to our EnrollRequest (docs/PROTOCOL.md §6). */
static glass_err recv_EnrollResponse(glass_engine *e, const glass_hs_msg *hm)
{
    glass_enroll_response m;
    glass_err err = glass_decode_enroll_response(hm->body, hm->len, &m);
    if (err != GLASS_OK)
        return err;
    glass_event ev;
    memset(&ev, 0, sizeof ev);
    ev.type = GLASS_EV_ENROLL_RESULT;
    ev.enroll_ok = m.status == GLASS_ENROLL_ISSUED;
    ev.data = m.data;
    ev.len = m.len;
    err = glass_eng_push_event(e, &ev);
    if (err != GLASS_OK)
        return err;
    glass_eng_set_state(e, GLASS_STATE_C_ENROLL_DONE);
    return GLASS_OK;
}

/* See engine_internal.h. */
glass_err glass_client_start(glass_engine *e)
{
    glass_err err = send_ClientHello(e);
    if (err == GLASS_OK)
        glass_eng_set_state(e, GLASS_STATE_C_WAIT_SERVER_HELLO);
    return err;
}

/* The client's state machine: which message each state accepts, and its
 * handler.  RFC 5246 §7.4: handshake messages come in the order the
 * protocol gives; any other is unexpected_message. */
glass_err glass_client_handle(glass_engine *e, const glass_hs_msg *m)
{
    switch (e->state) {
    case GLASS_STATE_C_WAIT_SERVER_HELLO:
        if (m->type == GLASS_HS_SERVER_HELLO)
            return recv_ServerHello(e, m);
        break;
    case GLASS_STATE_C_WAIT_CERTIFICATE:
        if (m->type == GLASS_HS_CERTIFICATE)
            return recv_Certificate(e, m);
        break;
    case GLASS_STATE_C_WAIT_SERVER_KEY_EXCHANGE:
        if (m->type == GLASS_HS_SERVER_KEY_EXCHANGE)
            return recv_ServerKeyExchange(e, m);
        break;
    case GLASS_STATE_C_WAIT_CERTIFICATE_REQUEST:
        if (m->type == GLASS_HS_CERTIFICATE_REQUEST)
            return recv_CertificateRequest(e, m);
        /* TLS 1.2: CertificateRequest is optional (RFC 5246 §7.4.4). */
        if (m->type == GLASS_HS_SERVER_HELLO_DONE && !e->prof->client_cert_required)
            return recv_ServerHelloDone(e, m);
        break;
    case GLASS_STATE_C_WAIT_SERVER_HELLO_DONE:
        if (m->type == GLASS_HS_SERVER_HELLO_DONE)
            return recv_ServerHelloDone(e, m);
        break;
    case GLASS_STATE_C_WAIT_FINISHED:
        if (m->type == GLASS_HS_FINISHED)
            return recv_Finished(e, m);
        break;
    case GLASS_STATE_C_WAIT_ENROLL_RESPONSE:
        if (m->type == GLASS_HS_ENROLL_RESPONSE)
            return recv_EnrollResponse(e, m);
        break;
    default:
        break;
    }
    return GLASS_ERR_PROTO_UNEXPECTED;
}

/* See engine_internal.h: ChangeCipherSpec (TLS 1.2 only) turns on read
 * protection just before the server's Finished (RFC 5246 §7.1). */
glass_err glass_client_change_cipher_spec(glass_engine *e)
{
    if (e->state != GLASS_STATE_C_WAIT_CHANGE_CIPHER_SPEC)
        return GLASS_ERR_PROTO_UNEXPECTED;
    glass_err err = glass_eng_activate_read(e);
    if (err == GLASS_OK)
        glass_eng_set_state(e, GLASS_STATE_C_WAIT_FINISHED);
    return err;
}
