/*
 * dissect.c — names every byte of a glass record, handshake message or
 * application message (docs/PROTOCOL.md is the same information as prose).
 *
 * The dissector walks the bytes with the same layouts as messages.c and
 * appmsg.c and reports each field as (offset, length, field name, meaning)
 * to a callback, so the classroom walkthrough and `--trace` annotate bytes
 * from this parser, never from hand-written tables that could drift.  The
 * first report for each message covers all of it and names its TLS 1.2
 * counterpart (RFC 5246 section) and what differs.
 *
 * Read dissect_body (a switch over msg_type), then the record dissector;
 * dissect_app.c does the application messages.  Every length is checked
 * before it is used; on a fault the fields up to it have been reported and
 * the result is GLASS_ERR_PROTO_DECODE.
 *
 * CT: no — for public bytes (it never sees keys).
 */
#include "protocol/protocol_internal.h"

#include <stdio.h>
#include <string.h>

/* See protocol_internal.h. */
const uint8_t *glass_dis_field(glass_dis *d, size_t n, const char *name, const char *meaning)
{
    char full[96];
    if (d->bad || n > d->len - d->off) {
        d->bad = 1;
        return NULL;
    }
    if (d->msg != NULL)
        snprintf(full, sizeof full, "%s.%s", d->msg, name);
    else
        snprintf(full, sizeof full, "%s", name);
    d->cb(d->arg, d->base + d->off, n, full, meaning);
    const uint8_t *q = d->p + d->off;
    d->off += n;
    return q;
}

/* See protocol_internal.h. */
size_t glass_dis_be(const uint8_t *q, size_t n)
{
    size_t v = 0;
    for (size_t i = 0; q != NULL && i < n; i++)
        v = (v << 8) | q[i];
    return v;
}

/* A length prefix of n bytes; returns its value (0 when bad). */
static size_t length_field(glass_dis *d, size_t n, const char *name, const char *meaning)
{
    return glass_dis_be(glass_dis_field(d, n, name, meaning), n);
}

/* A list of uint16 values of `bytes` bytes, each named. */
static void u16_list(glass_dis *d, size_t bytes, const char *name, const char *(*what)(unsigned))
{
    char meaning[96];
    if (bytes % 2 != 0) {
        d->bad = 1;
        return;
    }
    for (size_t i = 0; i < bytes / 2 && !d->bad; i++) {
        if (d->off + 2 > d->len) {
            d->bad = 1;
            return;
        }
        unsigned v = (unsigned)glass_dis_be(d->p + d->off, 2);
        snprintf(meaning, sizeof meaning, "0x%04x = %s", v, what(v));
        glass_dis_field(d, 2, name, meaning);
    }
}

static const char *suite_name(unsigned v)
{
    return v == GLASS_SUITE_DHE_RSA_AES256_CBC_SHA256
               ? "TLS_DHE_RSA_WITH_AES_256_CBC_SHA256 (glass: encrypt-then-MAC, random IVs)"
               : "unknown cipher suite";
}

static const char *group_name(unsigned v)
{
    switch (v) {
    case GLASS_GROUP_FFDHE2048: return "ffdhe2048 (RFC 7919)";
    case GLASS_GROUP_FFDHE3072: return "ffdhe3072 (RFC 7919)";
    default: return "unknown group";
    }
}

static const char *sigalg_name(unsigned v)
{
    return v == GLASS_SIGALG_RSA_PKCS1_SHA256 ? "rsa_pkcs1_sha256" : "unknown signature algorithm";
}

/* The TLS 1.2 counterpart of each message and what differs. */
static const char *counterpart(unsigned type)
{
    switch (type) {
    case GLASS_HS_CLIENT_HELLO:
        return "TLS 1.2 ClientHello (RFC 5246 §7.4.1.2); differs: version 47 01, no session_id, "
               "no compression_methods, no extensions (extended master secret and "
               "encrypt-then-MAC always on), groups as a plain field";
    case GLASS_HS_SERVER_HELLO:
        return "TLS 1.2 ServerHello (RFC 5246 §7.4.1.3); differs: no session_id, no "
               "compression_method, no extensions; states the chosen DH group";
    case GLASS_HS_CERTIFICATE:
        return "TLS 1.2 Certificate (RFC 5246 §7.4.2 server, §7.4.6 client); same layout; "
               "the client's list is empty only when enrolling";
    case GLASS_HS_SERVER_KEY_EXCHANGE:
        return "TLS 1.2 ServerKeyExchange, DHE_RSA (RFC 5246 §7.4.3); differs: names an "
               "RFC 7919 group instead of sending p and g, Ys is exactly p_len bytes, no "
               "SignatureAndHashAlgorithm (always rsa_pkcs1_sha256)";
    case GLASS_HS_CERTIFICATE_REQUEST:
        return "TLS 1.2 CertificateRequest (RFC 5246 §7.4.4); differs: only "
               "supported_signature_algorithms, no certificate_types or certificate_authorities";
    case GLASS_HS_SERVER_HELLO_DONE:
        return "TLS 1.2 ServerHelloDone (RFC 5246 §7.4.5); identical (empty)";
    case GLASS_HS_CLIENT_KEY_EXCHANGE:
        return "TLS 1.2 ClientKeyExchange, explicit DH (RFC 5246 §7.4.7.2); differs: Yc is "
               "exactly p_len bytes";
    case GLASS_HS_CERTIFICATE_VERIFY:
        return "TLS 1.2 CertificateVerify (RFC 5246 §7.4.8); differs: no "
               "SignatureAndHashAlgorithm (always rsa_pkcs1_sha256)";
    case GLASS_HS_FINISHED:
        return "TLS 1.2 Finished (RFC 5246 §7.4.9); identical, but no ChangeCipherSpec "
               "precedes it: protection simply starts with it";
    case GLASS_HS_ENROLL_REQUEST:
        return "no TLS counterpart: glass enrollment (name, PKCS#10 request, one-time code), "
               "sent protected after a server-authenticated handshake";
    case GLASS_HS_ENROLL_RESPONSE:
        return "no TLS counterpart: glass enrollment answer (certificate, or reason refused)";
    default:
        return "unknown message type";
    }
}

static void dissect_body(glass_dis *d, unsigned type)
{
    char meaning[128];
    size_t n;
    switch (type) {
    case GLASS_HS_CLIENT_HELLO:
        glass_dis_field(d, 2, "version", "47 01: glass version 1 (TLS 1.2 sends 03 03)");
        glass_dis_field(d, GLASS_RANDOM_LEN, "random", "32 random bytes from the client (all random; TLS "
                                             "1.2 puts a time in the first 4)");
        n = length_field(d, 2, "cipher_suites.length", "bytes of cipher suites that follow");
        u16_list(d, n, "cipher_suite", suite_name);
        n = length_field(d, 2, "groups.length", "bytes of DH groups that follow (TLS: the "
                                                "supported_groups extension, RFC 7919)");
        u16_list(d, n, "group", group_name);
        break;
    case GLASS_HS_SERVER_HELLO:
        glass_dis_field(d, 2, "version", "47 01: glass version 1");
        glass_dis_field(d, GLASS_RANDOM_LEN, "random", "32 random bytes from the server");
        if (d->off + 2 <= d->len) {
            snprintf(meaning, sizeof meaning, "chosen: %s", suite_name((unsigned)glass_dis_be(d->p + d->off, 2)));
            glass_dis_field(d, 2, "cipher_suite", meaning);
        } else
            d->bad = 1;
        if (d->off + 2 <= d->len) {
            snprintf(meaning, sizeof meaning, "chosen: %s", group_name((unsigned)glass_dis_be(d->p + d->off, 2)));
            glass_dis_field(d, 2, "group", meaning);
        } else
            d->bad = 1;
        break;
    case GLASS_HS_CERTIFICATE: {
        size_t total = length_field(d, 3, "certificate_list.length",
                                    "bytes of certificates that follow (0: none, enrollment)");
        size_t end = d->off + total;
        if (end > d->len)
            d->bad = 1;
        for (int i = 0; !d->bad && d->off < end && i < 64; i++) {
            n = length_field(d, 3, "certificate.length", "bytes of this DER certificate");
            glass_dis_field(d, n, "certificate", i == 0 ? "X.509 DER, the sender's own (leaf) certificate"
                                              : "X.509 DER, an issuer of the one before");
        }
        break;
    }
    case GLASS_HS_SERVER_KEY_EXCHANGE:
        if (d->off + 2 <= d->len) {
            snprintf(meaning, sizeof meaning, "%s: p and g are implied by this id",
                     group_name((unsigned)glass_dis_be(d->p + d->off, 2)));
            glass_dis_field(d, 2, "group", meaning);
        } else
            d->bad = 1;
        n = length_field(d, 2, "dh_Ys.length", "bytes of the server's DH public value");
        glass_dis_field(d, n, "dh_Ys", "g^y mod p, the server's ephemeral public value, big-endian");
        n = length_field(d, 2, "signature.length", "bytes of the RSA signature");
        glass_dis_field(d, n, "signature", "RSASSA-PKCS1-v1_5-SHA256 by the server's certificate key over "
                                 "client_random || server_random || group || dh_Ys (with length)");
        break;
    case GLASS_HS_CERTIFICATE_REQUEST:
        n = length_field(d, 2, "signature_algorithms.length", "bytes of signature algorithms");
        u16_list(d, n, "signature_algorithm", sigalg_name);
        break;
    case GLASS_HS_SERVER_HELLO_DONE:
        break;
    case GLASS_HS_CLIENT_KEY_EXCHANGE:
        n = length_field(d, 2, "dh_Yc.length", "bytes of the client's DH public value");
        glass_dis_field(d, n, "dh_Yc", "g^x mod p, the client's ephemeral public value, big-endian");
        break;
    case GLASS_HS_CERTIFICATE_VERIFY:
        n = length_field(d, 2, "signature.length", "bytes of the RSA signature");
        glass_dis_field(d, n, "signature", "RSASSA-PKCS1-v1_5-SHA256 by the client's certificate key over "
                                 "SHA-256(ClientHello .. ClientKeyExchange)");
        break;
    case GLASS_HS_FINISHED:
        glass_dis_field(d, GLASS_VERIFY_DATA_LEN, "verify_data",
              "PRF(master_secret, \"client finished\" | \"server finished\", "
              "SHA-256(handshake messages))[0..11]");
        break;
    case GLASS_HS_ENROLL_REQUEST:
        n = length_field(d, 1, "name.length", "bytes of the requested name");
        glass_dis_field(d, n, "name", "the name to enroll (becomes the certificate's CN)");
        n = length_field(d, 2, "csr.length", "bytes of the certificate request");
        glass_dis_field(d, n, "csr", "PKCS#10 CertificationRequest DER, signed with the client's new key");
        n = length_field(d, 1, "code.length", "bytes of the enrollment code");
        glass_dis_field(d, n, "code", "the one-time enrollment code handed out by the CA operator");
        break;
    case GLASS_HS_ENROLL_RESPONSE: {
        const uint8_t *s = glass_dis_field(d, 1, "status", "0 = issued, 1 = refused");
        n = length_field(d, 2, "data.length", "bytes that follow");
        glass_dis_field(d, n, "data", s != NULL && s[0] == 0 ? "the issued X.509 certificate, DER"
                                                   : "why the request was refused (UTF-8)");
        break;
    }
    default:
        if (d->len > d->off)
            glass_dis_field(d, d->len - d->off, "body", "body of an unknown message type");
        break;
    }
}

static glass_err dissect_handshake_at(const uint8_t *msg, size_t len, size_t base,
                                      glass_dissect_fn cb, void *arg)
{
    glass_dis d = {msg, len, 0, base, 0, cb, arg, NULL};
    char meaning[64];
    if (len < GLASS_HS_HEADER_LEN)
        return GLASS_ERR_PROTO_DECODE;
    unsigned type = msg[0];
    const char *name = glass_hs_type_name(type);
    d.msg = name ? name : "unknown";
    cb(arg, base, len, d.msg, counterpart(type));
    snprintf(meaning, sizeof meaning, "%u = %s", type, d.msg);
    glass_dis_field(&d, 1, "msg_type", meaning);
    size_t body_len = length_field(&d, 3, "length", "bytes of the body that follows");
    if (body_len != len - GLASS_HS_HEADER_LEN)
        return GLASS_ERR_PROTO_DECODE;
    dissect_body(&d, type);
    if (!d.bad && d.off != d.len) {
        glass_dis_field(&d, d.len - d.off, "trailing", "bytes after the last field (a decode_error)");
        return GLASS_ERR_PROTO_DECODE;
    }
    return d.bad ? GLASS_ERR_PROTO_DECODE : GLASS_OK;
}

/* See protocol.h. */
glass_err glass_dissect_handshake(const uint8_t *msg, size_t len, glass_dissect_fn cb, void *arg)
{
    if (msg == NULL || cb == NULL)
        return GLASS_ERR_ARG;
    return dissect_handshake_at(msg, len, 0, cb, arg);
}

static const char *content_type_meaning(unsigned t)
{
    switch (t) {
    case GLASS_CT_ALERT: return "21 = alert";
    case GLASS_CT_HANDSHAKE: return "22 = handshake";
    case GLASS_CT_APPLICATION: return "23 = application_data";
    default: return "unknown content type";
    }
}

/* Below, with the application messages. */

/* See protocol.h. */
glass_err glass_dissect_record(const uint8_t *rec, size_t len, int is_protected,
                               glass_dissect_fn cb, void *arg)
{
    glass_dis d = {rec, len, 0, 0, 0, cb, arg, "record"};
    char meaning[96];
    if (rec == NULL || cb == NULL)
        return GLASS_ERR_ARG;
    if (len < GLASS_RECORD_HEADER_LEN)
        return GLASS_ERR_PROTO_DECODE;
    cb(arg, 0, len, "record",
       is_protected ? "TLS 1.2 record (RFC 5246 §6.2) protected as RFC 7366 encrypt-then-MAC: "
                      "IV || AES-256-CBC ciphertext || HMAC-SHA256, byte for byte as TLS "
                      "but for the version; glass has no ChangeCipherSpec"
                    : "TLS 1.2 TLSPlaintext record (RFC 5246 §6.2.1); version 47 01, one whole "
                      "handshake message per record");
    unsigned type = rec[0];
    glass_dis_field(&d, 1, "type", content_type_meaning(type));
    glass_dis_field(&d, 2, "version",
                    rec[1] == 3 ? "03 03: TLS 1.2 (03 01 allowed in a first ClientHello record)"
                                : "47 01: glass version 1 (TLS 1.2: 03 03)");
    size_t n = length_field(&d, 2, "length", "bytes of the fragment that follows");
    if (n != len - GLASS_RECORD_HEADER_LEN)
        return GLASS_ERR_PROTO_DECODE;
    if (is_protected) {
        if (n < GLASS_RECORD_IV_LEN + AES_BLOCK_LEN + GLASS_RECORD_MAC_LEN ||
            (n - GLASS_RECORD_IV_LEN - GLASS_RECORD_MAC_LEN) % AES_BLOCK_LEN != 0)
            return GLASS_ERR_PROTO_DECODE;
        glass_dis_field(&d, GLASS_RECORD_IV_LEN, "IV", "random IV, fresh for every record");
        glass_dis_field(&d, n - GLASS_RECORD_IV_LEN - GLASS_RECORD_MAC_LEN, "ciphertext",
              "AES-256-CBC(write_key, IV, plaintext || padding || padding_length), p bytes "
              "of value p then p (RFC 5246 §6.2.3.2)");
        glass_dis_field(&d, GLASS_RECORD_MAC_LEN, "MAC",
              "HMAC-SHA256(write_MAC_key, seq_num || type || version || length(IV + "
              "ciphertext) || IV || ciphertext) (RFC 7366 §3)");
        return d.bad ? GLASS_ERR_PROTO_DECODE : GLASS_OK;
    }
    switch (type) {
    case GLASS_CT_HANDSHAKE:
        return dissect_handshake_at(rec + GLASS_RECORD_HEADER_LEN, n, GLASS_RECORD_HEADER_LEN, cb,
                                    arg);
    case GLASS_CT_ALERT:
        if (n != 2)
            return GLASS_ERR_PROTO_DECODE;
        d.msg = "Alert";
        cb(arg, GLASS_RECORD_HEADER_LEN, 2, "Alert", "TLS 1.2 Alert (RFC 5246 §7.2); identical");
        glass_dis_field(&d, 1, "level", rec[5] == GLASS_ALERT_LEVEL_WARNING ? "1 = warning" : "2 = fatal");
        snprintf(meaning, sizeof meaning, "%u = %s", rec[6], glass_alert_name(rec[6]));
        glass_dis_field(&d, 1, "description", meaning);
        return GLASS_OK;
    case GLASS_CT_APPLICATION:
        return glass_dissect_app_at(rec + GLASS_RECORD_HEADER_LEN, n, GLASS_RECORD_HEADER_LEN, cb,
                              arg);
    default:
        glass_dis_field(&d, n, "fragment", "fragment of an unknown content type");
        return GLASS_ERR_PROTO_DECODE;
    }
}

/* See protocol.h. */
glass_err glass_dissect(const uint8_t *bytes, size_t len, glass_dissect_fn cb, void *arg)
{
    if (bytes == NULL || cb == NULL)
        return GLASS_ERR_ARG;
    if (len >= GLASS_RECORD_HEADER_LEN && bytes[1] == (uint8_t)(GLASS_VERSION >> 8) &&
        bytes[2] == (uint8_t)GLASS_VERSION) {
        size_t n = len - GLASS_RECORD_HEADER_LEN;
        const uint8_t *f = bytes + GLASS_RECORD_HEADER_LEN;
        int plain = (bytes[0] == GLASS_CT_ALERT && n == 2) ||
                    (bytes[0] == GLASS_CT_HANDSHAKE && n >= GLASS_HS_HEADER_LEN &&
                     glass_dis_be(f + 1, 3) == n - GLASS_HS_HEADER_LEN);
        return glass_dissect_record(bytes, len, !plain, cb, arg);
    }
    return glass_dissect_handshake(bytes, len, cb, arg);
}
