/*
 * hs_keys.c — what both roles of the handshake compute: the key schedule
 * (docs/PROTOCOL.md §5; RFC 5246 §8.1, §6.3; RFC 7627 §4), Finished
 * (RFC 5246 §7.4.9), and the checks of what the peer sent: its chain
 * (RFC 5280 §6) and its Diffie–Hellman value (SP 800-56A §5.6.2.3.1).
 *
 * Read in handshake order: own DH key (glass_eng_make_dh), the peer's DH
 * value (glass_eng_take_peer_y), the peer's chain, then the key schedule
 * (glass_eng_derive_keys, glass_eng_expand_keys, the key log), the
 * CertificateVerify hash, and Finished, sent and checked.
 *
 * The transcript.  e->transcript is a running SHA-256 over every handshake
 * message (header included) from ClientHello on; a copy of the context is
 * finalised whenever a hash of "the messages so far" is needed: the session
 * hash (through ClientKeyExchange), CertificateVerify (the same messages),
 * and each Finished.
 *
 * CT: the Finished comparison is glass_ct_equal; DH and RSA private
 * operations use mpz_powm_sec; the key log line (written only when the
 * application asks for it) hex-encodes the master secret through a 16-byte
 * table.
 */
#include "protocol/engine_internal.h"

#include <stdio.h>
#include <string.h>

/* ---- Diffie–Hellman ----------------------------------------------------------------- */

/* See engine_internal.h. */
glass_err glass_eng_make_dh(glass_engine *e, uint8_t *Y)
{
    glass_err err = glass_ks_dh_generate(e->group, e->cfg.random, e->cfg.random_arg, &e->dh);
    if (err != GLASS_OK)
        return err;
    if (e->cfg.trace != NULL) {
        uint8_t x[1024];
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

/* See engine_internal.h.  Validates the value (SP 800-56A §5.6.2.3.1):
 * 2 <= Y <= p-2 and Y^q = 1 mod p.  Skipping this lets a peer force Z into
 * a tiny subgroup (Y = 1 or p-1 gives Z = ±1).  For the safe-prime groups
 * dh_check_public_fast gives the same answer with a Legendre symbol instead
 * of a full exponentiation.  Glass sends Y as exactly p_len bytes; TLS 1.2
 * sends the integer (RFC 5246 §7.4.3 dh_Ys, §7.4.7.2 dh_Yc), often without
 * its leading zeros, so there any length up to p_len is read. */
glass_err glass_eng_take_peer_y(glass_engine *e, const uint8_t *Y, size_t len)
{
    if (len == 0 || len > e->group->p_len ||
        (e->prof->one_message_per_record && len != e->group->p_len))
        return GLASS_ERR_PROTO_DECODE;
    mpz_import(e->peer_y, len, 1, 1, 1, 0, Y);
    glass_err err = dh_check_public_fast(e->group, e->peer_y);
    if (err == GLASS_OK)
        glass_trace(e->cfg.trace, "check peer DH public value",
                    "2 <= Y <= p-2 and Y^q = 1 mod p (SP 800-56A §5.6.2.3.1)", Y, len);
    return err;
}

/* ---- the peer's chain ------------------------------------------------------------------ */

/* See engine_internal.h.  Parse each certificate, verify up to an anchor for
 * the purpose, and (client) check the server name.  Keeps the leaf. */
glass_err glass_eng_check_peer_chain(glass_engine *e, const glass_certificate_msg *m,
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
    glass_err verdict = GLASS_OK;
    if (!skip)
        verdict = e->n_anchors == 0
                      ? GLASS_ERR_X509_UNKNOWN_CA
                      : x509_verify_chain(chain, m->n, e->anchors, e->n_anchors,
                                          e->have_crl ? &e->crl : NULL, purpose, e->cfg.now,
                                          &failed_index);
    /* The server's name must be in its certificate (RFC 6125 §6). */
    if (verdict == GLASS_OK && purpose == X509_PURPOSE_SERVER && !skip &&
        e->cfg.server_name != NULL)
        verdict = x509_check_host(&chain[0], e->cfg.server_name);
    /* The application's newer word on revocation (RFC 5280 §6.3 leaves to
     * the relying party where revocation status comes from): asked here,
     * before the server's Finished, so a refused client never sees its
     * handshake complete. */
    if (verdict == GLASS_OK && !skip && e->cfg.revocation_check != NULL)
        verdict = e->cfg.revocation_check(e->cfg.revocation_arg, chain[0].serial,
                                          chain[0].serial_len);
    e->verify_result = verdict;
    /* A TLS 1.2 client told to report (as openssl s_client does) goes on. */
    int report_only = purpose == X509_PURPOSE_SERVER &&
                      e->cfg.profile == GLASS_PROFILE_TLS12 &&
                      e->cfg.peer_verify == GLASS_PEER_VERIFY_REPORT;
    if (verdict != GLASS_OK && !report_only) {
        err = verdict;
        goto cleanup;
    }
    if (x509_subject_cn(&chain[0], e->peer_name, sizeof e->peer_name) != GLASS_OK)
        e->peer_name[0] = '\0';
    if (e->peer_name[0] == '\0' && e->cfg.profile == GLASS_PROFILE_GLASS) {
        err = GLASS_ERR_PROTO_BAD_CERT;
        goto cleanup;
    }
    /* Keep the leaf (its public key checks the peer's signatures). */
    e->peer_cert = chain[0];
    e->have_peer_cert = 1;
    memset(&chain[0], 0, sizeof chain[0]);
    if (!skip && verdict == GLASS_OK)
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

/* See engine_internal.h. */
glass_err glass_eng_send_chain(glass_engine *e, int with_chain)
{
    glass_certificate_msg cert;
    glass_buf b = {0};
    memset(&cert, 0, sizeof cert);
    cert.n = with_chain ? e->cfg.n_chain : 0;
    for (size_t i = 0; i < cert.n; i++) {
        cert.der[i] = e->cfg.chain[i].der;
        cert.len[i] = e->cfg.chain[i].len;
    }
    return glass_eng_send_handshake(e, &b, glass_encode_certificate(&b, &cert), 1);
}

/* ---- the key schedule, as both sides run it ------------------------------------------ */

/* See engine_internal.h.  docs/PROTOCOL.md §5; the transcript must end with
 * ClientKeyExchange. */
glass_err glass_eng_derive_keys(glass_engine *e)
{
    uint8_t Z[1024];
    uint8_t session_hash[SHA256_DIGEST_LEN];
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
    if (e->ems) {
        /* 3. session_hash = SHA-256(ClientHello .. ClientKeyExchange) (RFC 7627 §3). */
        glass_eng_transcript_hash(e, session_hash);
        glass_trace(t, "derive session_hash",
                    "SHA-256 of ClientHello .. ClientKeyExchange (RFC 7627 §3)", session_hash,
                    sizeof session_hash);
        /* 4. master_secret (RFC 7627 §4). */
        err = glass_ks_master_secret(Z, pms_len, session_hash, e->master_secret);
        if (err != GLASS_OK)
            goto cleanup;
        glass_trace(t, "derive master_secret",
                    "PRF(pre_master_secret, \"extended master secret\", session_hash)[0..47]",
                    e->master_secret, sizeof e->master_secret);
    } else {
        /* 3-4. TLS 1.2 without EMS: the master secret of RFC 5246 §8.1,
         *      bound to the two randoms only. */
        err = hmac_tls12_master_secret(Z, pms_len, e->client_random, e->server_random,
                                  e->master_secret);
        if (err != GLASS_OK)
            goto cleanup;
        glass_trace(t, "derive master_secret",
                    "PRF(pre_master_secret, \"master secret\", client_random + server_random)"
                    "[0..47] (RFC 5246 §8.1)",
                    e->master_secret, sizeof e->master_secret);
    }
    /* 5. key_block and the four keys. */
    err = glass_eng_expand_keys(e);
cleanup:
    glass_wipe(Z, sizeof Z);
    return err;
}

/* See engine_internal.h.  RFC 5246 §6.3. */
glass_err glass_eng_expand_keys(glass_engine *e)
{
    uint8_t key_block[GLASS_KEY_BLOCK_LEN];
    const glass_tracer *t = e->cfg.trace;
    glass_eng_keylog(e);
    glass_err err =
        glass_ks_keys(e->master_secret, e->client_random, e->server_random, key_block, &e->keys);
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
    glass_wipe(key_block, sizeof key_block);
    return err;
}

/* See engine_internal.h.  The NSS key log format: one line
 * "CLIENT_RANDOM <client_random> <master_secret>", both in lower-case hex. */
void glass_eng_keylog(glass_engine *e)
{
    static const char digits[] = "0123456789abcdef";
    char line[14 + 2 * GLASS_RANDOM_LEN + 1 + 2 * TLS12_MASTER_SECRET_LEN + 1];
    if (e->cfg.keylog == NULL || e->keylog_done)
        return;
    size_t n = 0;
    memcpy(line, "CLIENT_RANDOM ", 14);
    n = 14;
    for (size_t i = 0; i < GLASS_RANDOM_LEN; i++) {
        line[n++] = digits[e->client_random[i] >> 4];
        line[n++] = digits[e->client_random[i] & 15];
    }
    line[n++] = ' ';
    /* Secret bytes: the nibble-indexed table is 16 bytes in one cache line. */
    for (size_t i = 0; i < TLS12_MASTER_SECRET_LEN; i++) {
        line[n++] = digits[e->master_secret[i] >> 4];
        line[n++] = digits[e->master_secret[i] & 15];
    }
    line[n] = '\0';
    e->cfg.keylog(e->cfg.keylog_arg, line);
    e->keylog_done = 1;
    glass_wipe(line, sizeof line);
}

/* ---- CertificateVerify and Finished ------------------------------------------------- */

/* See engine_internal.h.  SHA-256 of ClientHello .. ClientKeyExchange
 * (RFC 5246 §7.4.8); the client signs it, the server checks the signature. */
void glass_eng_certificate_verify_hash(glass_engine *e, uint8_t hash[SHA256_DIGEST_LEN])
{
    glass_eng_transcript_hash(e, hash);
    glass_trace(e->cfg.trace, "derive handshake_hash CertificateVerify",
                "SHA-256 of ClientHello .. ClientKeyExchange, the digest signed", hash,
                SHA256_DIGEST_LEN);
}

/* See engine_internal.h. */
glass_err glass_eng_finished_value(glass_engine *e, const char *who,
                                   uint8_t out[GLASS_VERIFY_DATA_LEN])
{
    uint8_t hash[SHA256_DIGEST_LEN];
    char name[64], label[32];
    snprintf(name, sizeof name, "derive handshake_hash %s Finished", who);
    snprintf(label, sizeof label, "%s finished", who);
    glass_eng_transcript_hash(e, hash);
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

/* Our direction's keys, or the peer's. */
static glass_err activate(glass_engine *e, glass_direction *d, int client_keys)
{
    return glass_direction_activate_impl(
        d, client_keys ? e->keys.client_write_MAC_key : e->keys.server_write_MAC_key,
        client_keys ? e->keys.client_write_key : e->keys.server_write_key, e->etm,
        e->cfg.aes_impl);
}

/* See engine_internal.h. */
glass_err glass_eng_activate_read(glass_engine *e)
{
    return activate(e, &e->rd, e->cfg.role != GLASS_ROLE_CLIENT);
}

/* See engine_internal.h.  TLS 1.2 announces the switch with a
 * ChangeCipherSpec record, sent in the clear just before (RFC 5246 §7.1);
 * glass switches silently, and the Finished is the first protected record. */
glass_err glass_eng_send_finished(glass_engine *e)
{
    glass_finished fin;
    glass_buf b = {0};
    int client = e->cfg.role == GLASS_ROLE_CLIENT;
    glass_err err = GLASS_OK;
    if (e->prof->change_cipher_spec)
        err = glass_eng_send_change_cipher_spec(e);
    if (err == GLASS_OK)
        err = activate(e, &e->wr, client);
    if (err != GLASS_OK)
        return err;
    err = glass_eng_finished_value(e, client ? "client" : "server", fin.verify_data);
    if (err != GLASS_OK)
        return err;
    return glass_eng_send_handshake(e, &b, glass_encode_finished(&b, &fin), 1);
}

/* See engine_internal.h. */
glass_err glass_eng_check_finished(glass_engine *e, const glass_hs_msg *m)
{
    glass_finished fin;
    uint8_t expected[GLASS_VERIFY_DATA_LEN];
    glass_err err = glass_decode_finished(m->body, m->len, &fin);
    if (err != GLASS_OK)
        return err;
    err = glass_eng_finished_value(e, e->cfg.role == GLASS_ROLE_CLIENT ? "server" : "client",
                                   expected);
    if (err != GLASS_OK)
        return err;
    /* RFC 5246 §7.4.9: a mismatch is decrypt_error.  Constant time, so a
     * forger learns nothing from how long the comparison took. */
    if (!glass_ct_equal(expected, fin.verify_data, GLASS_VERIFY_DATA_LEN))
        return GLASS_ERR_PROTO_DECRYPT;
    glass_trace(e->cfg.trace, "check Finished", "the peer's verify_data matches", NULL, 0);
    glass_eng_transcript_add(e, m->msg, m->msg_len);
    return GLASS_OK;
}

/* ---- TLS 1.2 signatures ------------------------------------------------------------- */

/* See engine_internal.h.  RFC 5246 §7.4.1.4.1: the algorithm must be one we
 * offered (illegal_parameter otherwise, as §7.2.2 describes a field out of
 * range); RSASSA-PSS with SHA-256, MGF1-SHA-256 and a 32-byte salt is what
 * rsa_pss_rsae_sha256 means (RFC 8446 §4.2.3). */
glass_err glass_eng_verify_signed(glass_engine *e, uint16_t sigalg, const uint8_t *data,
                                  size_t len, const uint8_t *sig, size_t sig_len)
{
    glass_err err;
    if (sigalg == GLASS_SIGALG_RSA_PKCS1_SHA256)
        err = rsa_pkcs1v15_verify(&e->peer_cert.pub, data, len, sig, sig_len);
    else if (sigalg == GLASS_SIGALG_RSA_PSS_RSAE_SHA256)
        err = rsa_pss_verify(&e->peer_cert.pub, data, len, SHA256_DIGEST_LEN, sig, sig_len);
    else
        return GLASS_ERR_PROTO_ILLEGAL_PARAM;
    /* RFC 5246 §7.2.2 decrypt_error: "a handshake cryptographic operation
     * failed, including being unable to correctly verify a signature". */
    return err == GLASS_OK ? GLASS_OK : GLASS_ERR_PROTO_DECRYPT;
}
