/*
 * dissect12.c — the engine's dissector for the TLS 1.2 profile: names
 * every field of a TLS 1.2 handshake message as RFC 5246 §7.4 lays it out,
 * for s_server/s_client -trace, `glass compare` and the TLS 1.2
 * walkthrough (protocol.h, glass_dissect_handshake_profile).
 *
 * dissect.c reads glass messages; the messages a real peer sends carry
 * what glass leaves out (session_id, compression, extensions, explicit DH
 * parameters, SignatureAndHashAlgorithm), so this file reads them with the
 * same cursor (glass_dis), the same callback and, where a field is the
 * same, the same name, so that a glass message and its TLS counterpart can
 * be compared field by field.
 *
 * Read glass_dissect_handshake_profile at the bottom, then body (a switch
 * over msg_type), hello and extensions.  Every length is checked before it
 * is used; a message that does not parse is reported up to the fault, then
 * the rest as "trailing" and GLASS_ERR_PROTO_DECODE.
 *
 * CT: not applicable (public data only).
 */
#include "protocol/protocol_internal.h"

#include <stdio.h>
#include <string.h>

/* Reports n bytes at the cursor as field `name`; NULL (and bad) if short. */
static const uint8_t *field(glass_dis *d, size_t n, const char *name, const char *meaning)
{
    const uint8_t *at = glass_dis_field(d, n, name, meaning);
    if (at == NULL)
        d->bad = 1;
    return at;
}

/* A big-endian number of n bytes, reported as a field (0 when short). */
static size_t num(glass_dis *d, size_t n, const char *name, const char *meaning)
{
    return glass_dis_be(field(d, n, name, meaning), n);
}

/* The 2 bytes at the cursor as a number, for choosing a meaning before the
 * field is reported; 0 when they are not there (field() then fails). */
static unsigned peek16(const glass_dis *d)
{
    if (d->bad || d->len - d->off < 2)
        return 0;
    return (unsigned)(d->p[d->off] << 8 | d->p[d->off + 1]);
}

static const char *suite_meaning(unsigned s)
{
    switch (s) {
    case 0x006B: return "TLS_DHE_RSA_WITH_AES_256_CBC_SHA256: the one suite glass and we speak";
    case 0x00FF: return "TLS_EMPTY_RENEGOTIATION_INFO_SCSV (RFC 5746 §3.3): secure renegotiation";
    case 0x5600: return "TLS_FALLBACK_SCSV (RFC 7507): the client fell back from a higher version";
    default: return "a suite we do not implement";
    }
}

static const char *ext_meaning(unsigned t)
{
    switch (t) {
    case 0: return "server_name (RFC 6066 §3): the host the client wants";
    case 5: return "status_request (RFC 6066 §8): ignored";
    case 10: return "supported_groups (RFC 7919, RFC 8422): the client's DH/EC groups";
    case 11: return "ec_point_formats (RFC 8422): ignored (no EC suite here)";
    case 13: return "signature_algorithms (RFC 5246 §7.4.1.4.1)";
    case 15: return "heartbeat (RFC 6520): refused";
    case 16: return "application_layer_protocol_negotiation (RFC 7301): ignored";
    case 22: return "encrypt_then_mac (RFC 7366)";
    case 23: return "extended_master_secret (RFC 7627)";
    case 35: return "session_ticket (RFC 5077): ignored (session-ID resumption only)";
    case 43: return "supported_versions (RFC 8446): a TLS 1.3 offer, answered with TLS 1.2";
    case 45: return "psk_key_exchange_modes (RFC 8446): TLS 1.3 only, ignored";
    case 51: return "key_share (RFC 8446): TLS 1.3 only, ignored";
    case 0xff01: return "renegotiation_info (RFC 5746 §3.2)";
    default: return "an extension we do not know: ignored (RFC 5246 §7.4.1.4)";
    }
}

static const char *group_meaning(unsigned g)
{
    switch (g) {
    case 0x0100: return "ffdhe2048 (RFC 7919)";
    case 0x0101: return "ffdhe3072 (RFC 7919)";
    case 0x0102: return "ffdhe4096 (RFC 7919)";
    case 0x0103: return "ffdhe6144 (RFC 7919): not ours";
    case 0x0104: return "ffdhe8192 (RFC 7919): not ours";
    default: return "an elliptic-curve or other group: not ours";
    }
}

static const char *sigalg_meaning(unsigned s)
{
    switch (s) {
    case 0x0401: return "rsa_pkcs1_sha256: the one we sign with";
    case 0x0804: return "rsa_pss_rsae_sha256: we verify it";
    default: return "a signature algorithm we do not use";
    }
}

/* extensions<0..2^16-1>, each type(2) length(2) data (RFC 5246 §7.4.1.4). */
static void extensions(glass_dis *d)
{
    if (d->off == d->len)
        return;                 /* the block is optional */
    size_t total = num(d, 2, "extensions.length", "bytes of extensions that follow");
    size_t end = d->off + total;
    if (end > d->len) {
        d->bad = 1;
        return;
    }
    while (!d->bad && d->off < end) {
        unsigned t = peek16(d);
        const char *m = ext_meaning(t);
        field(d, 2, "extension", m);
        size_t n = num(d, 2, "extension.length", "bytes of this extension's data");
        if (n > end - d->off) {
            d->bad = 1;
            return;
        }
        size_t ext_end = d->off + n;
        if (t == 10 && n >= 2) {
            size_t k = num(d, 2, "supported_groups.length", "bytes of groups");
            for (size_t i = 0; i + 2 <= k && !d->bad; i += 2)
                field(d, 2, "group", group_meaning(peek16(d)));
        } else if (t == 13 && n >= 2) {
            size_t k = num(d, 2, "signature_algorithms.length", "bytes of algorithms");
            for (size_t i = 0; i + 2 <= k && !d->bad; i += 2)
                field(d, 2, "signature_algorithm", sigalg_meaning(peek16(d)));
        } else if (n > 0) {
            field(d, n, "extension_data", m);
        }
        /* An inner list that disagrees with its extension's length is
         * malformed (decode_error, RFC 5246 §7.4.1.4). */
        if (d->off != ext_end)
            d->bad = 1;
    }
}

static void hello(glass_dis *d, int client)
{
    field(d, 2, client ? "client_version" : "server_version", "03 03: TLS 1.2 (RFC 5246 §7.4.1.2)");
    field(d, 32, "random", "32 bytes (RFC 5246 §7.4.1.2: gmt_unix_time + 28 random bytes; "
                           "today all random)");
    size_t n = num(d, 1, "session_id.length", "0..32 bytes of session ID");
    if (n > 0)
        field(d, n, "session_id", client ? "the session the client asks to resume (RFC 5246 §7.3)"
                                         : "the session's ID: the client may resume it later");
    if (client) {
        n = num(d, 2, "cipher_suites.length", "bytes of cipher suites, 2 each");
        for (size_t i = 0; i + 2 <= n && !d->bad; i += 2)
            field(d, 2, "cipher_suite", suite_meaning(peek16(d)));
        n = num(d, 1, "compression_methods.length", "bytes of compression methods");
        for (size_t i = 0; i < n && !d->bad; i++)
            field(d, 1, "compression_method", "0 = null; anything else refused (CRIME)");
    } else {
        field(d, 2, "cipher_suite", suite_meaning(peek16(d)));
        field(d, 1, "compression_method", "0 = null");
    }
    extensions(d);
}

static void body(glass_dis *d, unsigned type)
{
    size_t n;
    switch (type) {
    case GLASS_HS_CLIENT_HELLO:
    case GLASS_HS_SERVER_HELLO:
        hello(d, type == GLASS_HS_CLIENT_HELLO);
        break;
    case GLASS_HS_CERTIFICATE: {
        size_t total = num(d, 3, "certificate_list.length", "bytes of certificates that follow");
        size_t end = d->off + total;
        for (int i = 0; !d->bad && d->off < end; i++) {
            n = num(d, 3, "certificate.length", "bytes of this DER certificate");
            field(d, n, "certificate", i == 0 ? "X.509 DER, the sender's own (leaf) certificate"
                                              : "X.509 DER, the next certificate up the chain");
        }
        break;
    }
    case GLASS_HS_SERVER_KEY_EXCHANGE:
        n = num(d, 2, "dh_p.length", "bytes of the prime p (RFC 5246 §7.4.3 ServerDHParams)");
        field(d, n, "dh_p", "the DH prime p, sent in full (glass names an RFC 7919 group)");
        n = num(d, 2, "dh_g.length", "bytes of the generator g");
        field(d, n, "dh_g", "the generator g");
        n = num(d, 2, "dh_Ys.length", "bytes of the server's DH public value");
        field(d, n, "dh_Ys", "g^y mod p, the server's ephemeral public value");
        n = num(d, 2, "signature_algorithm", "SignatureAndHashAlgorithm (RFC 5246 §7.4.1.4.1)");
        n = num(d, 2, "signature.length", "bytes of the RSA signature");
        field(d, n, "signature", "over client_random || server_random || ServerDHParams");
        break;
    case GLASS_HS_CERTIFICATE_REQUEST:
        n = num(d, 1, "certificate_types.length", "bytes of certificate types");
        for (size_t i = 0; i < n && !d->bad; i++)
            field(d, 1, "certificate_type", "1 = rsa_sign (RFC 5246 §7.4.4)");
        n = num(d, 2, "supported_signature_algorithms.length", "bytes of algorithms");
        for (size_t i = 0; i + 2 <= n && !d->bad; i += 2)
            field(d, 2, "signature_algorithm", "a SignatureAndHashAlgorithm the server accepts");
        n = num(d, 2, "certificate_authorities.length", "bytes of CA names");
        if (n > 0)
            field(d, n, "certificate_authorities", "DER DistinguishedNames of acceptable CAs");
        break;
    case GLASS_HS_CLIENT_KEY_EXCHANGE:
        n = num(d, 2, "dh_Yc.length", "bytes of the client's DH public value");
        field(d, n, "dh_Yc", "g^x mod p, the client's ephemeral public value (RFC 5246 §7.4.7.2)");
        break;
    case GLASS_HS_CERTIFICATE_VERIFY:
        num(d, 2, "signature_algorithm", "SignatureAndHashAlgorithm (RFC 5246 §7.4.8)");
        n = num(d, 2, "signature.length", "bytes of the RSA signature");
        field(d, n, "signature", "over the handshake messages so far (RFC 5246 §7.4.8)");
        break;
    case GLASS_HS_FINISHED:
        field(d, GLASS_VERIFY_DATA_LEN, "verify_data",
              "PRF(master_secret, finished_label, Hash(handshake_messages))[0..11] (RFC 5246 §7.4.9)");
        break;
    case 4:
        num(d, 4, "ticket_lifetime_hint", "seconds (RFC 5077 §3.3)");
        n = num(d, 2, "ticket.length", "bytes of the ticket");
        field(d, n, "ticket", "an opaque session ticket");
        break;
    default:
        break;
    }
}

static const char *tls_name(unsigned type)
{
    if (type == 4)
        return "NewSessionTicket";
    if (type == GLASS_HS_HELLO_REQUEST)
        return "HelloRequest";
    const char *n = glass_hs_type_name(type);
    return n != NULL ? n : "unknown";
}

/* The TLS 1.2 reader behind glass_dissect_handshake_profile. */
static glass_err dissect_tls12(const uint8_t *msg, size_t len, glass_dissect_fn cb, void *arg)
{
    if (len < GLASS_HS_HEADER_LEN)
        return GLASS_ERR_PROTO_DECODE;
    unsigned type = msg[0];
    glass_dis d = {msg, len, 0, 0, 0, cb, arg, tls_name(type)};
    char whole[96];
    snprintf(whole, sizeof whole, "TLS 1.2 %s (RFC 5246 §7.4)", d.msg);
    cb(arg, 0, len, d.msg, whole);
    field(&d, 1, "msg_type", "the handshake message type (RFC 5246 §7.4)");
    size_t blen = num(&d, 3, "length", "bytes of the body that follows");
    if (!d.bad && blen != len - GLASS_HS_HEADER_LEN)
        d.bad = 1;
    if (!d.bad)
        body(&d, type);
    if (d.off < len) {
        char full[96];
        snprintf(full, sizeof full, "%s.trailing", d.msg);
        cb(arg, d.off, len - d.off, full, "bytes that do not parse as RFC 5246 lays it out");
        d.bad = 1;
    }
    return d.bad ? GLASS_ERR_PROTO_DECODE : GLASS_OK;
}

/* See protocol.h. */
glass_err glass_dissect_handshake_profile(glass_profile profile, const uint8_t *msg, size_t len,
                                          glass_dissect_fn cb, void *arg)
{
    if (msg == NULL || cb == NULL)
        return GLASS_ERR_ARG;
    switch (profile) {
    case GLASS_PROFILE_GLASS:
        return glass_dissect_handshake(msg, len, cb, arg);
    case GLASS_PROFILE_TLS12:
        return dissect_tls12(msg, len, cb, arg);
    default:
        return GLASS_ERR_ARG;
    }
}
