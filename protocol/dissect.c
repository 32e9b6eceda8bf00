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
 * Read dissect_handshake (a switch over msg_type), then the record and
 * application-message dissectors.  Every length is checked before it is
 * used; on a fault the fields up to it have been reported and the result
 * is GLASS_ERR_PROTO_DECODE.  The application dissector also reports the
 * fault itself ("truncated", "bad length", "bad value") and the bytes after
 * it, so its fields cover every byte even of a malformed message, and it
 * lays out the HTTP/1.1 lines inside page-fetch messages.
 *
 * CT: no — for public bytes (it never sees keys).
 */
#include "protocol/protocol_internal.h"

#include <stdio.h>
#include <string.h>

/* A cursor over the bytes, reporting absolute offsets (base + off). */
typedef struct dis {
    const uint8_t *p;
    size_t len;
    size_t off;
    size_t base;
    int bad;
    glass_dissect_fn cb;
    void *arg;
    const char *msg;        /* "ClientHello": prefix of field names */
} dis;

/* Reports the next n bytes as field `name` and advances; marks the cursor
 * bad (and reports nothing) if they are not all there. */
static const uint8_t *field(dis *d, size_t n, const char *name, const char *meaning)
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

static size_t be(const uint8_t *q, size_t n)
{
    size_t v = 0;
    for (size_t i = 0; q != NULL && i < n; i++)
        v = (v << 8) | q[i];
    return v;
}

/* A length prefix of n bytes; returns its value (0 when bad). */
static size_t length_field(dis *d, size_t n, const char *name, const char *meaning)
{
    return be(field(d, n, name, meaning), n);
}

/* A list of uint16 values of `bytes` bytes, each named. */
static void u16_list(dis *d, size_t bytes, const char *name, const char *(*what)(unsigned))
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
        unsigned v = (unsigned)be(d->p + d->off, 2);
        snprintf(meaning, sizeof meaning, "0x%04x = %s", v, what(v));
        field(d, 2, name, meaning);
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

static void dissect_body(dis *d, unsigned type)
{
    char meaning[128];
    size_t n;
    switch (type) {
    case GLASS_HS_CLIENT_HELLO:
        field(d, 2, "version", "47 01: glass version 1 (TLS 1.2 sends 03 03)");
        field(d, GLASS_RANDOM_LEN, "random", "32 random bytes from the client (all random; TLS "
                                             "1.2 puts a time in the first 4)");
        n = length_field(d, 2, "cipher_suites.length", "bytes of cipher suites that follow");
        u16_list(d, n, "cipher_suite", suite_name);
        n = length_field(d, 2, "groups.length", "bytes of DH groups that follow (TLS: the "
                                                "supported_groups extension, RFC 7919)");
        u16_list(d, n, "group", group_name);
        break;
    case GLASS_HS_SERVER_HELLO:
        field(d, 2, "version", "47 01: glass version 1");
        field(d, GLASS_RANDOM_LEN, "random", "32 random bytes from the server");
        if (d->off + 2 <= d->len) {
            snprintf(meaning, sizeof meaning, "chosen: %s", suite_name((unsigned)be(d->p + d->off, 2)));
            field(d, 2, "cipher_suite", meaning);
        } else
            d->bad = 1;
        if (d->off + 2 <= d->len) {
            snprintf(meaning, sizeof meaning, "chosen: %s", group_name((unsigned)be(d->p + d->off, 2)));
            field(d, 2, "group", meaning);
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
            field(d, n, "certificate", i == 0 ? "X.509 DER, the sender's own (leaf) certificate"
                                              : "X.509 DER, an issuer of the one before");
        }
        break;
    }
    case GLASS_HS_SERVER_KEY_EXCHANGE:
        if (d->off + 2 <= d->len) {
            snprintf(meaning, sizeof meaning, "%s: p and g are implied by this id",
                     group_name((unsigned)be(d->p + d->off, 2)));
            field(d, 2, "group", meaning);
        } else
            d->bad = 1;
        n = length_field(d, 2, "dh_Ys.length", "bytes of the server's DH public value");
        field(d, n, "dh_Ys", "g^y mod p, the server's ephemeral public value, big-endian");
        n = length_field(d, 2, "signature.length", "bytes of the RSA signature");
        field(d, n, "signature", "RSASSA-PKCS1-v1_5-SHA256 by the server's certificate key over "
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
        field(d, n, "dh_Yc", "g^x mod p, the client's ephemeral public value, big-endian");
        break;
    case GLASS_HS_CERTIFICATE_VERIFY:
        n = length_field(d, 2, "signature.length", "bytes of the RSA signature");
        field(d, n, "signature", "RSASSA-PKCS1-v1_5-SHA256 by the client's certificate key over "
                                 "SHA-256(ClientHello .. ClientKeyExchange)");
        break;
    case GLASS_HS_FINISHED:
        field(d, GLASS_VERIFY_DATA_LEN, "verify_data",
              "PRF(master_secret, \"client finished\" | \"server finished\", "
              "SHA-256(handshake messages))[0..11]");
        break;
    case GLASS_HS_ENROLL_REQUEST:
        n = length_field(d, 1, "name.length", "bytes of the requested name");
        field(d, n, "name", "the name to enroll (becomes the certificate's CN)");
        n = length_field(d, 2, "csr.length", "bytes of the certificate request");
        field(d, n, "csr", "PKCS#10 CertificationRequest DER, signed with the client's new key");
        n = length_field(d, 1, "code.length", "bytes of the enrollment code");
        field(d, n, "code", "the one-time enrollment code handed out by the CA operator");
        break;
    case GLASS_HS_ENROLL_RESPONSE: {
        const uint8_t *s = field(d, 1, "status", "0 = issued, 1 = refused");
        n = length_field(d, 2, "data.length", "bytes that follow");
        field(d, n, "data", s != NULL && s[0] == 0 ? "the issued X.509 certificate, DER"
                                                   : "why the request was refused (UTF-8)");
        break;
    }
    default:
        if (d->len > d->off)
            field(d, d->len - d->off, "body", "body of an unknown message type");
        break;
    }
}

static glass_err dissect_handshake_at(const uint8_t *msg, size_t len, size_t base,
                                      glass_dissect_fn cb, void *arg)
{
    dis d = {msg, len, 0, base, 0, cb, arg, NULL};
    char meaning[64];
    if (len < GLASS_HS_HEADER_LEN)
        return GLASS_ERR_PROTO_DECODE;
    unsigned type = msg[0];
    const char *name = glass_hs_type_name(type);
    d.msg = name ? name : "unknown";
    cb(arg, base, len, d.msg, counterpart(type));
    snprintf(meaning, sizeof meaning, "%u = %s", type, d.msg);
    field(&d, 1, "msg_type", meaning);
    size_t body_len = length_field(&d, 3, "length", "bytes of the body that follows");
    if (body_len != len - GLASS_HS_HEADER_LEN)
        return GLASS_ERR_PROTO_DECODE;
    dissect_body(&d, type);
    if (!d.bad && d.off != d.len) {
        field(&d, d.len - d.off, "trailing", "bytes after the last field (a decode_error)");
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
static glass_err dissect_app_at(const uint8_t *msg, size_t len, size_t base,
                                glass_dissect_fn cb, void *arg);

/* See protocol.h. */
glass_err glass_dissect_record(const uint8_t *rec, size_t len, int is_protected,
                               glass_dissect_fn cb, void *arg)
{
    dis d = {rec, len, 0, 0, 0, cb, arg, "record"};
    char meaning[96];
    if (rec == NULL || cb == NULL)
        return GLASS_ERR_ARG;
    if (len < GLASS_RECORD_HEADER_LEN)
        return GLASS_ERR_PROTO_DECODE;
    cb(arg, 0, len, "record",
       is_protected ? "TLS 1.2 record (RFC 5246 §6.2) protected as RFC 7366 encrypt-then-MAC: "
                      "IV || AES-256-CBC ciphertext || HMAC-SHA256; the MAC also covers the "
                      "header, and there is no ChangeCipherSpec"
                    : "TLS 1.2 TLSPlaintext record (RFC 5246 §6.2.1); version 47 01, one whole "
                      "handshake message per record");
    unsigned type = rec[0];
    field(&d, 1, "type", content_type_meaning(type));
    field(&d, 2, "version", "47 01: glass version 1 (TLS 1.2: 03 03)");
    size_t n = length_field(&d, 2, "length", "bytes of the fragment that follows");
    if (n != len - GLASS_RECORD_HEADER_LEN)
        return GLASS_ERR_PROTO_DECODE;
    if (is_protected) {
        if (n < GLASS_RECORD_IV_LEN + AES_BLOCK_LEN + GLASS_RECORD_MAC_LEN ||
            (n - GLASS_RECORD_IV_LEN - GLASS_RECORD_MAC_LEN) % AES_BLOCK_LEN != 0)
            return GLASS_ERR_PROTO_DECODE;
        field(&d, GLASS_RECORD_IV_LEN, "IV", "random IV, fresh for every record");
        field(&d, n - GLASS_RECORD_IV_LEN - GLASS_RECORD_MAC_LEN, "ciphertext",
              "AES-256-CBC(write_key, IV, plaintext || padding)");
        field(&d, GLASS_RECORD_MAC_LEN, "MAC",
              "HMAC-SHA256(write_MAC_key, header || seq_num || IV || ciphertext)");
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
        field(&d, 1, "level", rec[5] == GLASS_ALERT_LEVEL_WARNING ? "1 = warning" : "2 = fatal");
        snprintf(meaning, sizeof meaning, "%u = %s", rec[6], glass_alert_name(rec[6]));
        field(&d, 1, "description", meaning);
        return GLASS_OK;
    case GLASS_CT_APPLICATION:
        return dissect_app_at(rec + GLASS_RECORD_HEADER_LEN, n, GLASS_RECORD_HEADER_LEN, cb,
                              arg);
    default:
        field(&d, n, "fragment", "fragment of an unknown content type");
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
                     be(f + 1, 3) == n - GLASS_HS_HEADER_LEN);
        return glass_dissect_record(bytes, len, !plain, cb, arg);
    }
    return glass_dissect_handshake(bytes, len, cb, arg);
}


/* ---- application messages (docs/PROTOCOL.md §7) ------------------------------ */

/*
 * The application dissector never stops in silence.  When a length runs
 * past the end, a field holds a value the layout forbids, or bytes are left
 * over, the bytes from the fault to the end are still reported, annotated
 * "truncated", "bad length" or "bad value", so the fields always cover the
 * message exactly; the verdict is the one glass_app_decode gives.
 *
 *     SendTo, Deliver   type || name<1..255> || text<0..2^16-1>
 *     Who, Bye, KvList  type
 *     WhoList, KvKeys   type || uint16 count || count x name<1..255>
 *     Error             type || uint16 code || text<0..2^16-1>
 *     FetchRequest      type || request<1..2^16-1>      (HTTP/1.1, whole)
 *     FetchResponse     type || uint8 last || piece<0..2^16-1>
 *     KvPut, KvValue    type || key<1..255> || value<0..2^16-1>
 *     KvGet, KvDelete,
 *     KvDone            type || key<1..255>
 */

/* Bytes for a one-line meaning, in double quotes: a byte outside printable
 * ASCII becomes '.', so nothing from the network reaches a terminal raw;
 * past 48 bytes it ends in "...". */
static void quoted(char *out, size_t cap, const uint8_t *p, size_t n)
{
    const size_t show = 48;
    size_t k = 0;
    if (cap < 8) {
        if (cap > 0)
            out[0] = '\0';
        return;
    }
    size_t limit = n;
    if (limit > show)
        limit = show;
    if (limit > cap - 6)        /* two quotes, "..." and the NUL */
        limit = cap - 6;
    out[k++] = '"';
    for (size_t i = 0; i < limit; i++)
        out[k++] = (p[i] >= 0x20 && p[i] < 0x7f) ? (char)p[i] : '.';
    if (limit < n) {
        memcpy(out + k, "...", 3);
        k += 3;
    }
    out[k++] = '"';
    out[k] = '\0';
}

/* The next n bytes as field `name`; when the message ends first, what is
 * left of it (perhaps nothing) as that field, annotated "truncated". */
static const uint8_t *app_field(dis *d, size_t n, const char *name, const char *meaning)
{
    char why[128];
    if (d->bad)
        return NULL;
    size_t left = d->len - d->off;
    if (n <= left)
        return field(d, n, name, meaning);
    if (left == 0)
        snprintf(why, sizeof why, "truncated: the message ends before this %zu-byte field", n);
    else
        snprintf(why, sizeof why,
                 "truncated: the message ends %zu byte%s into this %zu-byte field", left,
                 left == 1 ? "" : "s", n);
    field(d, left, name, why);
    d->bad = 1;
    return NULL;
}

/* A length prefix of `width` bytes (field NAME.length) announcing the
 * vector `name` of min..max bytes.  Returns 1 with *n set when the length
 * is allowed and that many bytes remain; otherwise reports the bytes left
 * (too long a length) or none (too short) as `name`, annotated "bad
 * length", and returns 0. */
static int app_length(dis *d, size_t width, const char *name, size_t min, size_t max,
                      const char *meaning, size_t *n)
{
    char lname[64], why[160];
    snprintf(lname, sizeof lname, "%s.length", name);
    const uint8_t *q = app_field(d, width, lname, meaning);
    if (q == NULL)
        return 0;
    *n = be(q, width);
    size_t left = d->len - d->off;
    if (*n > left) {
        snprintf(why, sizeof why,
                 "bad length: %s.length says %zu bytes, only %zu remain%s (a truncated "
                 "message or a wrong length)",
                 name, *n, left, left == 1 ? "s" : "");
        field(d, left, name, why);
    } else if (*n < min) {
        snprintf(why, sizeof why, "bad length: %s is %zu..%zu bytes, not %zu", name, min, max,
                 *n);
        field(d, 0, name, why);
    } else {
        return 1;
    }
    d->bad = 1;
    return 0;
}

/* name<1..255> with no NUL byte (a chat name or a key): its length, then
 * itself.  `role` says what it names; with `quote` the name follows it. */
static void app_name(dis *d, const char *name, const char *len_meaning, const char *role,
                     int quote)
{
    char q[64], meaning[160];
    size_t n;
    if (!app_length(d, 1, name, 1, GLASS_MAX_NAME, len_meaning, &n))
        return;
    const uint8_t *p = d->p + d->off;
    if (memchr(p, 0, n) != NULL) {
        snprintf(meaning, sizeof meaning, "bad value: a NUL byte in the %s (names have none)",
                 name);
        field(d, n, name, meaning);
        d->bad = 1;
        return;
    }
    if (quote) {
        quoted(q, sizeof q, p, n);
        snprintf(meaning, sizeof meaning, "%s %s", role, q);
        field(d, n, name, meaning);
    } else {
        field(d, n, name, role);
    }
}

/* text<0..2^16-1>: its length, then itself. */
static void app_text(dis *d, const char *name, const char *len_meaning, const char *meaning)
{
    size_t n;
    if (app_length(d, 2, name, 0, 0xffff, len_meaning, &n))
        field(d, n, name, meaning);
}

/* uint16 count, then count names (WhoList, KvKeys): at most
 * GLASS_APP_MAX_NAMES. */
static void app_names(dis *d, const char *name, const char *count_meaning,
                      const char *len_meaning, const char *role, int quote)
{
    char meaning[128];
    size_t count = 0;
    const char *m = count_meaning;
    if (d->len - d->off >= 2) {
        count = be(d->p + d->off, 2);
        if (count > GLASS_APP_MAX_NAMES) {
            snprintf(meaning, sizeof meaning, "bad value: %zu (at most %d)", count,
                     GLASS_APP_MAX_NAMES);
            m = meaning;
        }
    }
    if (app_field(d, 2, "count", m) == NULL)
        return;
    if (count > GLASS_APP_MAX_NAMES) {
        d->bad = 1;
        return;
    }
    for (size_t i = 0; i < count && !d->bad; i++)
        app_name(d, name, len_meaning, role, quote);
}

/* Bytes of the line at p[0..n) through its CRLF; 0 when it has none. */
static size_t http_line_len(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i + 1 < n; i++)
        if (p[i] == '\r' && p[i + 1] == '\n')
            return i + 2;
    return 0;
}

/* Whether the line p[0..n) is a field line named `fname` (any case). */
static int http_is_field(const uint8_t *p, size_t n, const char *fname)
{
    size_t k = strlen(fname);
    if (n <= k || p[k] != ':')
        return 0;
    for (size_t i = 0; i < k; i++) {
        uint8_t c = p[i];
        if (c >= 'A' && c <= 'Z')
            c = (uint8_t)(c - 'A' + 'a');
        if (c != (uint8_t)fname[i])
            return 0;
    }
    return 1;
}

/* An HTTP/1.1 message in the next n bytes, one field per line (RFC 9112
 * §2.1):
 *
 *     start-line CRLF  *( field-line CRLF )  CRLF  [ message-body ]
 *
 * `part` names the fields: PART.request_line or PART.status_line,
 * PART.field_line, PART.end_of_fields, PART.body.  A FetchRequest holds a
 * whole request; a FetchResponse piece the first part of a response (the
 * caller checks it begins "HTTP/"), whose head may go on in the next piece.
 * What HTTP forbids is annotated but is no decode error: to the
 * application layer the bytes are opaque. */
static void http_message(dis *d, size_t n, const char *part, int is_request)
{
    char name[64], q[64], meaning[256];
    const size_t end = d->off + n;
    const char *cut = is_request
                          ? "incomplete: no CRLF before the end of the request (the glass "
                            "server answers 400 Bad Request)"
                          : "cut at the end of this piece: the line goes on in the next "
                            "FetchResponse";

    /* 1. The start line: request-line (RFC 9112 §3) or status-line (§4). */
    snprintf(name, sizeof name, "%s.%s", part, is_request ? "request_line" : "status_line");
    size_t l = http_line_len(d->p + d->off, end - d->off);
    if (l == 0) {
        quoted(q, sizeof q, d->p + d->off, end - d->off);
        snprintf(meaning, sizeof meaning, "%s %s", cut, q);
        field(d, end - d->off, name, meaning);
        return;
    }
    quoted(q, sizeof q, d->p + d->off, l - 2);
    snprintf(meaning, sizeof meaning, "%s %s",
             is_request ? "request-line (RFC 9112 §3): method SP request-target SP "
                          "HTTP-version CRLF ="
                        : "status-line (RFC 9112 §4): HTTP-version SP status-code SP "
                          "[reason-phrase] CRLF =",
             q);
    field(d, l, name, meaning);

    /* 2. Field lines up to the empty line (RFC 9112 §5); each is at least
     *    3 bytes, so the loop ends within n. */
    snprintf(name, sizeof name, "%s.field_line", part);
    for (;;) {
        const uint8_t *p = d->p + d->off;
        if (d->off == end) {
            snprintf(name, sizeof name, "%s.end_of_fields", part);
            field(d, 0, name, is_request ? "missing: no empty line ends the header section "
                                           "(the glass server answers 400 Bad Request)"
                                         : "not in this piece: the header section goes on in "
                                           "the next FetchResponse");
            return;
        }
        l = http_line_len(p, end - d->off);
        if (l == 0) {
            quoted(q, sizeof q, p, end - d->off);
            snprintf(meaning, sizeof meaning, "%s %s", cut, q);
            field(d, end - d->off, name, meaning);
            return;
        }
        if (l == 2)
            break;
        quoted(q, sizeof q, p, l - 2);
        const char *note = "";
        if (is_request && http_is_field(p, l - 2, "host"))
            note = "; a request without Host is answered 400 (RFC 9112 §3.2)";
        else if (!is_request && http_is_field(p, l - 2, "content-length"))
            note = "; the body's length in bytes (RFC 9112 §6.3)";
        snprintf(meaning, sizeof meaning,
                 "field-line (RFC 9112 §5): field-name \":\" OWS field-value OWS CRLF = %s%s", q,
                 note);
        field(d, l, name, meaning);
    }
    snprintf(name, sizeof name, "%s.end_of_fields", part);
    field(d, 2, name, "CRLF: the empty line that ends the header section (RFC 9112 §2.1)");

    /* 3. What follows the head. */
    if (d->off < end) {
        snprintf(name, sizeof name, "%s.body", part);
        field(d, end - d->off, name,
              is_request ? "a request body: a FetchRequest has none (the glass server answers "
                           "400 Bad Request)"
                         : "message-body (RFC 9112 §6): the start of the response's content");
    }
}

/* The whole-message line: the TLS or HTTP counterpart, where one exists. */
static const char *app_counterpart(unsigned type)
{
    switch (type) {
    case GLASS_APP_FETCH_REQUEST:
        return "glass page fetch: one whole HTTP/1.1 request (RFC 9112 §2.1, §3) after a type "
               "and a length; over TLS (HTTPS, RFC 9110 §4.2.2) the same bytes are the "
               "application_data itself";
    case GLASS_APP_FETCH_RESPONSE:
        return "glass page fetch: a piece of the HTTP/1.1 response (RFC 9112 §4, §6), at most "
               "16380 bytes, last = 1 on the final one; HTTPS streams the response as "
               "application_data with no framing of its own";
    case GLASS_APP_KV_PUT:
        return "glass key-value store, in the sender's own store (its certificate CN); HTTP "
               "counterpart: PUT /key with the value as content (RFC 9110 §9.3.4)";
    case GLASS_APP_KV_GET:
        return "glass key-value store; HTTP counterpart: GET /key (RFC 9110 §9.3.1)";
    case GLASS_APP_KV_DELETE:
        return "glass key-value store; HTTP counterpart: DELETE /key (RFC 9110 §9.3.5)";
    case GLASS_APP_KV_LIST:
        return "glass key-value store: which keys are stored? HTTP counterpart: GET of the "
               "store's listing (RFC 9110 §9.3.1)";
    case GLASS_APP_KV_VALUE:
        return "glass key-value store, the answer to KvGet; HTTP counterpart: 200 OK with the "
               "value as content (RFC 9110 §15.3.1)";
    case GLASS_APP_KV_DONE:
        return "glass key-value store, the answer to KvPut or KvDelete; HTTP counterpart: 204 "
               "No Content (RFC 9110 §15.3.5)";
    case GLASS_APP_KV_KEYS:
        return "glass key-value store, the answer to KvList (keys sorted); HTTP counterpart: "
               "200 OK with a listing as content (RFC 9110 §15.3.1)";
    case GLASS_APP_ERROR:
        return "glass application error (no TLS counterpart: not an alert, the connection "
               "stays up); for page fetch and the key-value store the code has an HTTP status "
               "counterpart";
    default:
        return "glass application message (no TLS counterpart: TLS carries opaque "
               "application_data)";
    }
}

/* What an Error code means (docs/PROTOCOL.md §7). */
static const char *app_error_meaning(unsigned code)
{
    switch (code) {
    case GLASS_APP_ERR_NO_SUCH_CLIENT:
        return "no such client: a SendTo named nobody connected";
    case GLASS_APP_ERR_BAD_MESSAGE:
        return "bad message: malformed, of an unknown type, or with trailing bytes";
    case GLASS_APP_ERR_TOO_LONG:
        return "too long: the message would not fit in a record";
    case GLASS_APP_ERR_NO_SUCH_KEY:
        return "no such key: KvGet or KvDelete of a key not stored (HTTP: 404 Not Found, "
               "RFC 9110 §15.5.5)";
    case GLASS_APP_ERR_LIMIT:
        return "a key-value limit exceeded: key, value or count (HTTP: 413 Content Too Large "
               "for a value, RFC 9110 §15.5.14)";
    case GLASS_APP_ERR_STORAGE:
        return "the server could not store: the change was undone (HTTP: 500 Internal Server "
               "Error, RFC 9110 §15.6.1)";
    case GLASS_APP_ERR_BUSY:
        return "busy: a FetchRequest while the previous response is still being sent (HTTP/1.1 "
               "would queue it instead, RFC 9112 §9.3.2)";
    default:
        return "unknown code (not in docs/PROTOCOL.md §7)";
    }
}

/* After the last field: what is left after a fault is reported as not
 * dissected, bytes left over otherwise as a bad length. */
static glass_err app_finish(dis *d)
{
    char why[128];
    size_t left = d->len - d->off;
    if (d->bad) {
        if (left > 0) {
            d->bad = 0;
            field(d, left, "unparsed", "not dissected: these bytes follow the fault above");
        }
        return GLASS_ERR_PROTO_DECODE;
    }
    if (left > 0) {
        snprintf(why, sizeof why,
                 "bad length: %zu byte%s after the last field (a message is used up exactly)",
                 left, left == 1 ? "" : "s");
        field(d, left, "trailing", why);
        return GLASS_ERR_PROTO_DECODE;
    }
    return GLASS_OK;
}

/* One application message at msg[0..len), reported at offsets from `base`
 * (the record header's length when it is a record's fragment). */
static glass_err dissect_app_at(const uint8_t *msg, size_t len, size_t base,
                                glass_dissect_fn cb, void *arg)
{
    char meaning[160];
    size_t n;
    if (len == 0) {
        cb(arg, base, 0, "empty",
           "truncated: an application message has at least its type byte");
        return GLASS_ERR_PROTO_DECODE;
    }
    dis d = {msg, len, 0, base, 0, cb, arg, NULL};
    const unsigned type = msg[0];
    d.msg = glass_app_type_name(type);
    cb(arg, base, len, d.msg, app_counterpart(type));
    if (strcmp(d.msg, "unknown") == 0)
        snprintf(meaning, sizeof meaning,
                 "%u = unknown: reserved or unassigned (a chat server answers Error 2)", type);
    else
        snprintf(meaning, sizeof meaning, "%u = %s", type, d.msg);
    field(&d, 1, "type", meaning);

    switch (type) {
    case GLASS_APP_SEND_TO:
    case GLASS_APP_DELIVER:
        app_name(&d, "name", "bytes of the name",
                 type == GLASS_APP_SEND_TO ? "recipient" : "sender (its certificate CN)", 0);
        app_text(&d, "text", "bytes of text", "the message text");
        break;
    case GLASS_APP_WHO:
    case GLASS_APP_BYE:
    case GLASS_APP_KV_LIST:
        break;
    case GLASS_APP_WHO_LIST:
        app_names(&d, "name", "number of names that follow", "bytes of the name",
                  "a connected client", 0);
        break;
    case GLASS_APP_ERROR:
        if (d.len - d.off >= 2) {
            unsigned code = (unsigned)be(d.p + d.off, 2);
            snprintf(meaning, sizeof meaning, "%u = %s", code, app_error_meaning(code));
        } else {
            meaning[0] = '\0';
        }
        app_field(&d, 2, "code", meaning);
        app_text(&d, "text", "bytes of text", "what went wrong, for a person");
        break;
    case GLASS_APP_FETCH_REQUEST:
        if (app_length(&d, 2, "request", 1, 0xffff,
                       "bytes of the HTTP/1.1 request that follows (1..2^16-1)", &n))
            http_message(&d, n, "request", 1);
        break;
    case GLASS_APP_FETCH_RESPONSE: {
        unsigned last = d.len - d.off >= 1 ? d.p[d.off] : 0;
        if (last == 0)
            snprintf(meaning, sizeof meaning, "0: more pieces of this response follow");
        else if (last == 1)
            snprintf(meaning, sizeof meaning, "1: the final piece of this response");
        else
            snprintf(meaning, sizeof meaning, "bad value: %u (last is 0 or 1)", last);
        if (app_field(&d, 1, "last", meaning) != NULL && last > 1)
            d.bad = 1;
        if (!app_length(&d, 2, "piece", 0, 0xffff,
                        "bytes of this piece (at most 16380, so the message fits a record)", &n))
            break;
        if (n >= 5 && memcmp(d.p + d.off, "HTTP/", 5) == 0)
            http_message(&d, n, "piece", 0);
        else
            field(&d, n, "piece",
                  n == 0 ? "an empty piece"
                         : "a later piece of the HTTP/1.1 response: content, or the end of a "
                           "header section too long for the first piece");
        break;
    }
    case GLASS_APP_KV_PUT:
    case GLASS_APP_KV_VALUE:
        app_name(&d, "key", "bytes of the key (1..255)",
                 type == GLASS_APP_KV_PUT ? "the key to store under (the glass server takes "
                                            "1..64 of A-Z a-z 0-9 . _ -):"
                                          : "the key asked for:",
                 1);
        app_text(&d, "value", "bytes of the value (0..2^16-1)",
                 type == GLASS_APP_KV_PUT
                     ? "the value, opaque bytes (the glass server keeps at most 4096)"
                     : "the value stored under the key, opaque bytes");
        break;
    case GLASS_APP_KV_GET:
    case GLASS_APP_KV_DELETE:
    case GLASS_APP_KV_DONE:
        app_name(&d, "key", "bytes of the key (1..255)",
                 type == GLASS_APP_KV_GET      ? "the key to look up:"
                 : type == GLASS_APP_KV_DELETE ? "the key to forget:"
                                               : "the key stored or deleted:",
                 1);
        break;
    case GLASS_APP_KV_KEYS:
        app_names(&d, "key", "number of keys that follow (at most 256)",
                  "bytes of the key (1..255)", "a stored key:", 1);
        break;
    default:
        if (d.off < d.len)
            field(&d, d.len - d.off, "body", "body of an unknown type, not dissected");
        d.bad = 1;
        break;
    }
    return app_finish(&d);
}

/* See protocol.h; docs/PROTOCOL.md §7. */
glass_err glass_dissect_app(const uint8_t *msg, size_t len, glass_dissect_fn cb, void *arg)
{
    if (msg == NULL || cb == NULL)
        return GLASS_ERR_ARG;
    return dissect_app_at(msg, len, 0, cb, arg);
}
