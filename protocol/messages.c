/*
 * messages.c — the glass handshake messages: encoders and decoders on plain
 * structs, apart from the engine (docs/PROTOCOL.md §4).
 *
 * Every message is a 4-byte header, msg_type(1) || length(3), then a body in
 * TLS's presentation language (RFC 5246 §4): fixed fields, and vectors led
 * by a 1-, 2- or 3-byte length.  Read the byte buffer and the reader first,
 * then the messages in handshake order.
 *
 * Decoders are written for hostile input: every length is checked against
 * what is left before anything is read (glass_reader), and a body must be
 * used up exactly — trailing bytes are a decode_error, as in TLS.
 *
 * CT: no — messages are public; nothing secret passes through this file
 * except Finished.verify_data, which is only copied.
 */
#include "protocol/protocol_internal.h"

#include <stdlib.h>
#include <string.h>

/* ---- the buffer ------------------------------------------------------------ */

/* See protocol_internal.h. */
void glass_buf_put(glass_buf *b, const void *data, size_t len)
{
    if (b->failed || len == 0)
        return;
    if (b->len + len < b->len) {
        b->failed = 1;
        return;
    }
    if (b->len + len > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + len)
            cap *= 2;
        uint8_t *p = malloc(cap);
        if (p == NULL) {
            b->failed = 1;
            return;
        }
        if (b->len > 0)
            memcpy(p, b->p, b->len);
        /* The old array may have held keys or plaintext: wipe before freeing. */
        if (b->p != NULL) {
            glass_wipe(b->p, b->cap);
            free(b->p);
        }
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->len, data, len);
    b->len += len;
}

/* See protocol_internal.h. */
void glass_buf_u8(glass_buf *b, unsigned v)
{
    uint8_t x = (uint8_t)v;
    glass_buf_put(b, &x, 1);
}

/* See protocol_internal.h. */
void glass_buf_u16(glass_buf *b, unsigned v)
{
    uint8_t x[2] = {(uint8_t)(v >> 8), (uint8_t)v};
    glass_buf_put(b, x, 2);
}

/* See protocol_internal.h. */
void glass_buf_u24(glass_buf *b, size_t v)
{
    uint8_t x[3] = {(uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v};
    glass_buf_put(b, x, 3);
}

/* See protocol_internal.h. */
void glass_buf_drop(glass_buf *b, size_t n)
{
    if (n >= b->len) {
        if (b->p != NULL)
            glass_wipe(b->p, b->len);
        b->len = 0;
        return;
    }
    memmove(b->p, b->p + n, b->len - n);
    glass_wipe(b->p + b->len - n, n);
    b->len -= n;
}

/* See protocol_internal.h. */
void glass_buf_free(glass_buf *b)
{
    if (b->p != NULL) {
        glass_wipe(b->p, b->cap);
        free(b->p);
    }
    memset(b, 0, sizeof *b);
}

/* ---- the reader ------------------------------------------------------------ */

/* See protocol_internal.h. */
const uint8_t *glass_get_bytes(glass_reader *r, size_t n)
{
    if (r->bad || n > r->len - r->off) {
        r->bad = 1;
        return NULL;
    }
    const uint8_t *p = r->p + r->off;
    r->off += n;
    return p;
}

/* See protocol_internal.h. */
unsigned glass_get_u8(glass_reader *r)
{
    const uint8_t *p = glass_get_bytes(r, 1);
    return p ? p[0] : 0;
}

/* See protocol_internal.h. */
unsigned glass_get_u16(glass_reader *r)
{
    const uint8_t *p = glass_get_bytes(r, 2);
    return p ? ((unsigned)p[0] << 8) | p[1] : 0;
}

/* See protocol_internal.h. */
size_t glass_get_u24(glass_reader *r)
{
    const uint8_t *p = glass_get_bytes(r, 3);
    return p ? ((size_t)p[0] << 16) | ((size_t)p[1] << 8) | p[2] : 0;
}

/* A decoder's last word: all fields read, and nothing left over. */
static glass_err reader_done(const glass_reader *r)
{
    if (r->bad || r->off != r->len)
        return GLASS_ERR_PROTO_DECODE;
    return GLASS_OK;
}

/* ---- the message frame ------------------------------------------------------- */

/* See protocol_internal.h. */
size_t glass_msg_start(glass_buf *b, unsigned type)
{
    glass_buf_u8(b, type);
    glass_buf_u24(b, 0);
    return b->len;
}

/* See protocol_internal.h. */
glass_err glass_msg_finish(glass_buf *b, size_t body_at, size_t max)
{
    if (b->failed)
        return GLASS_ERR_NOMEM;
    size_t n = b->len - body_at;
    if (n > max)
        return GLASS_ERR_ARG;
    b->p[body_at - 3] = (uint8_t)(n >> 16);
    b->p[body_at - 2] = (uint8_t)(n >> 8);
    b->p[body_at - 1] = (uint8_t)n;
    return GLASS_OK;
}

/* A glass message's body must fit one record with its 4-byte header
 * (docs/PROTOCOL.md §3.1: a handshake message never spans records). */
static glass_err finish_message(glass_buf *b, size_t body_at)
{
    return glass_msg_finish(b, body_at, GLASS_MAX_PLAINTEXT - GLASS_HS_HEADER_LEN);
}

/* See protocol_internal.h. */
const char *glass_hs_type_name(unsigned type)
{
    switch (type) {
    case GLASS_HS_CLIENT_HELLO: return "ClientHello";
    case GLASS_HS_SERVER_HELLO: return "ServerHello";
    case GLASS_HS_CERTIFICATE: return "Certificate";
    case GLASS_HS_SERVER_KEY_EXCHANGE: return "ServerKeyExchange";
    case GLASS_HS_CERTIFICATE_REQUEST: return "CertificateRequest";
    case GLASS_HS_SERVER_HELLO_DONE: return "ServerHelloDone";
    case GLASS_HS_CERTIFICATE_VERIFY: return "CertificateVerify";
    case GLASS_HS_CLIENT_KEY_EXCHANGE: return "ClientKeyExchange";
    case GLASS_HS_FINISHED: return "Finished";
    case GLASS_HS_ENROLL_REQUEST: return "EnrollRequest";
    case GLASS_HS_ENROLL_RESPONSE: return "EnrollResponse";
    default: return NULL;
    }
}

/* ---- ClientHello (RFC 5246 §7.4.1.2) ------------------------------------------
 *
 *   uint16 version;  opaque random[32];
 *   uint16 cipher_suites<2..2^16-2>;  uint16 groups<2..2^16-2>;
 */

/* See protocol_internal.h. */
glass_err glass_encode_client_hello(glass_buf *b, const glass_client_hello *m)
{
    if (m->n_suites == 0 || m->n_suites > GLASS_MAX_LIST || m->n_groups == 0 ||
        m->n_groups > GLASS_MAX_LIST)
        return GLASS_ERR_ARG;
    size_t at = glass_msg_start(b, GLASS_HS_CLIENT_HELLO);
    glass_buf_u16(b, m->version);
    glass_buf_put(b, m->random, GLASS_RANDOM_LEN);
    glass_buf_u16(b, (unsigned)(2 * m->n_suites));
    for (size_t i = 0; i < m->n_suites; i++)
        glass_buf_u16(b, m->suites[i]);
    glass_buf_u16(b, (unsigned)(2 * m->n_groups));
    for (size_t i = 0; i < m->n_groups; i++)
        glass_buf_u16(b, m->groups[i]);
    return finish_message(b, at);
}

/* Reads a list uint16 xs<2..2*GLASS_MAX_LIST>. */
static void get_u16_list(glass_reader *r, uint16_t *xs, size_t *n)
{
    size_t bytes = glass_get_u16(r);
    if (bytes == 0 || bytes % 2 != 0 || bytes / 2 > GLASS_MAX_LIST) {
        r->bad = 1;
        *n = 0;
        return;
    }
    *n = bytes / 2;
    for (size_t i = 0; i < *n; i++)
        xs[i] = (uint16_t)glass_get_u16(r);
}

/* Both hellos open with  uint16 version;  opaque random[32];  */
static void get_version_random(glass_reader *r, uint16_t *version,
                               uint8_t random[GLASS_RANDOM_LEN])
{
    *version = (uint16_t)glass_get_u16(r);
    const uint8_t *p = glass_get_bytes(r, GLASS_RANDOM_LEN);
    if (p != NULL)
        memcpy(random, p, GLASS_RANDOM_LEN);
}

/* See protocol_internal.h. */
glass_err glass_decode_client_hello(const uint8_t *body, size_t len, glass_client_hello *m)
{
    glass_reader r = {body, len, 0, 0};
    memset(m, 0, sizeof *m);
    get_version_random(&r, &m->version, m->random);
    get_u16_list(&r, m->suites, &m->n_suites);
    get_u16_list(&r, m->groups, &m->n_groups);
    return reader_done(&r);
}

/* ---- ServerHello (RFC 5246 §7.4.1.3) -------------------------------------------
 *
 *   uint16 version;  opaque random[32];  uint16 cipher_suite;  uint16 group;
 */

/* See protocol_internal.h. */
glass_err glass_encode_server_hello(glass_buf *b, const glass_server_hello *m)
{
    size_t at = glass_msg_start(b, GLASS_HS_SERVER_HELLO);
    glass_buf_u16(b, m->version);
    glass_buf_put(b, m->random, GLASS_RANDOM_LEN);
    glass_buf_u16(b, m->suite);
    glass_buf_u16(b, m->group);
    return finish_message(b, at);
}

/* See protocol_internal.h. */
glass_err glass_decode_server_hello(const uint8_t *body, size_t len, glass_server_hello *m)
{
    glass_reader r = {body, len, 0, 0};
    memset(m, 0, sizeof *m);
    get_version_random(&r, &m->version, m->random);
    m->suite = (uint16_t)glass_get_u16(&r);
    m->group = (uint16_t)glass_get_u16(&r);
    return reader_done(&r);
}

/* ---- Certificate (RFC 5246 §7.4.2, §7.4.6) --------------------------------------
 *
 *   opaque ASN.1Cert<1..2^24-1>;
 *   ASN.1Cert certificate_list<0..2^24-1>;     leaf first; empty allowed
 *                                              only from an enrolling client
 */

/* See protocol_internal.h. */
glass_err glass_encode_certificate(glass_buf *b, const glass_certificate_msg *m)
{
    size_t total = 0;
    if (m->n > GLASS_MAX_CHAIN)
        return GLASS_ERR_ARG;
    for (size_t i = 0; i < m->n; i++) {
        if (m->len[i] == 0 || m->len[i] > GLASS_MAX_PLAINTEXT)
            return GLASS_ERR_ARG;
        total += 3 + m->len[i];
    }
    size_t at = glass_msg_start(b, GLASS_HS_CERTIFICATE);
    glass_buf_u24(b, total);
    for (size_t i = 0; i < m->n; i++) {
        glass_buf_u24(b, m->len[i]);
        glass_buf_put(b, m->der[i], m->len[i]);
    }
    return finish_message(b, at);
}

/* See protocol_internal.h. */
glass_err glass_decode_certificate(const uint8_t *body, size_t len, glass_certificate_msg *m)
{
    glass_reader r = {body, len, 0, 0};
    memset(m, 0, sizeof *m);
    size_t total = glass_get_u24(&r);
    if (r.bad || total != len - 3)
        return GLASS_ERR_PROTO_DECODE;
    while (!r.bad && r.off < r.len) {
        size_t n = glass_get_u24(&r);
        if (n == 0 || m->n == GLASS_MAX_CHAIN)
            return GLASS_ERR_PROTO_DECODE;
        const uint8_t *der = glass_get_bytes(&r, n);
        if (der == NULL)
            return GLASS_ERR_PROTO_DECODE;
        m->der[m->n] = der;
        m->len[m->n] = n;
        m->n++;
    }
    return reader_done(&r);
}

/* ---- ServerKeyExchange (RFC 5246 §7.4.3) -----------------------------------------
 *
 *   uint16 group;  opaque dh_Ys<1..2^16-1>;  opaque signature<1..2^16-1>;
 *   signature = RSASSA-PKCS1-v1_5-SHA256(client_random || server_random ||
 *                                         group || dh_Ys with its length)
 */

/* See protocol_internal.h. */
glass_err glass_encode_server_key_exchange(glass_buf *b, const glass_server_key_exchange *m)
{
    if (m->Ys_len == 0 || m->Ys_len > 0xffff || m->signature_len == 0 ||
        m->signature_len > 0xffff)
        return GLASS_ERR_ARG;
    size_t at = glass_msg_start(b, GLASS_HS_SERVER_KEY_EXCHANGE);
    glass_buf_u16(b, m->group);
    glass_buf_u16(b, (unsigned)m->Ys_len);
    glass_buf_put(b, m->Ys, m->Ys_len);
    glass_buf_u16(b, (unsigned)m->signature_len);
    glass_buf_put(b, m->signature, m->signature_len);
    return finish_message(b, at);
}

/* See protocol_internal.h. */
glass_err glass_ske_signed_bytes(glass_buf *b, const uint8_t client_random[GLASS_RANDOM_LEN],
                                 const uint8_t server_random[GLASS_RANDOM_LEN],
                                 uint16_t group, const uint8_t *Ys, size_t Ys_len)
{
    if (Ys_len > 0xffff)
        return GLASS_ERR_ARG;
    glass_buf_put(b, client_random, GLASS_RANDOM_LEN);
    glass_buf_put(b, server_random, GLASS_RANDOM_LEN);
    glass_buf_u16(b, group);
    glass_buf_u16(b, (unsigned)Ys_len);
    glass_buf_put(b, Ys, Ys_len);
    return b->failed ? GLASS_ERR_NOMEM : GLASS_OK;
}

/* See protocol_internal.h. */
glass_err glass_decode_server_key_exchange(const uint8_t *body, size_t len,
                                           glass_server_key_exchange *m)
{
    glass_reader r = {body, len, 0, 0};
    memset(m, 0, sizeof *m);
    m->group = (uint16_t)glass_get_u16(&r);
    m->Ys_len = glass_get_u16(&r);
    m->Ys = glass_get_bytes(&r, m->Ys_len);
    m->signature_len = glass_get_u16(&r);
    m->signature = glass_get_bytes(&r, m->signature_len);
    if (m->Ys_len == 0 || m->signature_len == 0)
        return GLASS_ERR_PROTO_DECODE;
    return reader_done(&r);
}

/* ---- CertificateRequest (RFC 5246 §7.4.4) ----------------------------------------
 *
 *   uint16 signature_algorithms<2..2^16-2>;
 */

/* See protocol_internal.h. */
glass_err glass_encode_certificate_request(glass_buf *b, const glass_certificate_request *m)
{
    if (m->n_sigalgs == 0 || m->n_sigalgs > GLASS_MAX_LIST)
        return GLASS_ERR_ARG;
    size_t at = glass_msg_start(b, GLASS_HS_CERTIFICATE_REQUEST);
    glass_buf_u16(b, (unsigned)(2 * m->n_sigalgs));
    for (size_t i = 0; i < m->n_sigalgs; i++)
        glass_buf_u16(b, m->sigalgs[i]);
    return finish_message(b, at);
}

/* See protocol_internal.h. */
glass_err glass_decode_certificate_request(const uint8_t *body, size_t len,
                                           glass_certificate_request *m)
{
    glass_reader r = {body, len, 0, 0};
    memset(m, 0, sizeof *m);
    get_u16_list(&r, m->sigalgs, &m->n_sigalgs);
    return reader_done(&r);
}

/* ---- ServerHelloDone (RFC 5246 §7.4.5): an empty body ----------------------------- */

/* See protocol_internal.h. */
glass_err glass_encode_server_hello_done(glass_buf *b)
{
    size_t at = glass_msg_start(b, GLASS_HS_SERVER_HELLO_DONE);
    return finish_message(b, at);
}

/* See protocol_internal.h. */
glass_err glass_decode_server_hello_done(const uint8_t *body, size_t len)
{
    (void)body;
    return len == 0 ? GLASS_OK : GLASS_ERR_PROTO_DECODE;
}

/* ---- ClientKeyExchange and CertificateVerify: one opaque<1..2^16-1> -------------
 *
 * Both bodies are a single vector with a 2-byte length, never empty; these
 * two helpers write and read it, and each message keeps its own encoder and
 * decoder below.
 */

/* Encodes message `type` whose body is opaque value<1..2^16-1>. */
static glass_err encode_opaque16_message(glass_buf *b, unsigned type, const uint8_t *value,
                                         size_t len)
{
    if (len == 0 || len > 0xffff)
        return GLASS_ERR_ARG;
    size_t at = glass_msg_start(b, type);
    glass_buf_u16(b, (unsigned)len);
    glass_buf_put(b, value, len);
    return finish_message(b, at);
}

/* Decodes a body that is exactly opaque value<1..2^16-1>. */
static glass_err decode_opaque16_body(const uint8_t *body, size_t len, const uint8_t **value,
                                      size_t *value_len)
{
    glass_reader r = {body, len, 0, 0};
    *value_len = glass_get_u16(&r);
    *value = glass_get_bytes(&r, *value_len);
    if (*value_len == 0)
        return GLASS_ERR_PROTO_DECODE;
    return reader_done(&r);
}

/* ClientKeyExchange (RFC 5246 §7.4.7.2):  opaque dh_Yc<1..2^16-1>; */

/* See protocol_internal.h. */
glass_err glass_encode_client_key_exchange(glass_buf *b, const glass_client_key_exchange *m)
{
    return encode_opaque16_message(b, GLASS_HS_CLIENT_KEY_EXCHANGE, m->Yc, m->Yc_len);
}

/* See protocol_internal.h. */
glass_err glass_decode_client_key_exchange(const uint8_t *body, size_t len,
                                           glass_client_key_exchange *m)
{
    memset(m, 0, sizeof *m);
    return decode_opaque16_body(body, len, &m->Yc, &m->Yc_len);
}

/* CertificateVerify (RFC 5246 §7.4.8):  opaque signature<1..2^16-1>;
 * over SHA-256(handshake messages so far). */

/* See protocol_internal.h. */
glass_err glass_encode_certificate_verify(glass_buf *b, const glass_certificate_verify *m)
{
    return encode_opaque16_message(b, GLASS_HS_CERTIFICATE_VERIFY, m->signature,
                                   m->signature_len);
}

/* See protocol_internal.h. */
glass_err glass_decode_certificate_verify(const uint8_t *body, size_t len,
                                          glass_certificate_verify *m)
{
    memset(m, 0, sizeof *m);
    return decode_opaque16_body(body, len, &m->signature, &m->signature_len);
}

/* ---- Finished (RFC 5246 §7.4.9) ---------------------------------------------------
 *
 *   opaque verify_data[12];
 */

/* See protocol_internal.h. */
glass_err glass_encode_finished(glass_buf *b, const glass_finished *m)
{
    size_t at = glass_msg_start(b, GLASS_HS_FINISHED);
    glass_buf_put(b, m->verify_data, GLASS_VERIFY_DATA_LEN);
    return finish_message(b, at);
}

/* See protocol_internal.h. */
glass_err glass_decode_finished(const uint8_t *body, size_t len, glass_finished *m)
{
    if (len != GLASS_VERIFY_DATA_LEN)
        return GLASS_ERR_PROTO_DECODE;
    memcpy(m->verify_data, body, GLASS_VERIFY_DATA_LEN);
    return GLASS_OK;
}

/* ---- EnrollRequest (glass only; docs/PROTOCOL.md §6) --------------------------------
 *
 *   opaque name<1..255>;  opaque csr<1..2^16-1>;  opaque code<1..255>;
 */

/* See protocol_internal.h. */
glass_err glass_encode_enroll_request(glass_buf *b, const glass_enroll_request *m)
{
    if (m->name_len == 0 || m->name_len > 255 || m->csr_len == 0 || m->csr_len > 0xffff ||
        m->code_len == 0 || m->code_len > 255)
        return GLASS_ERR_ARG;
    size_t at = glass_msg_start(b, GLASS_HS_ENROLL_REQUEST);
    glass_buf_u8(b, (unsigned)m->name_len);
    glass_buf_put(b, m->name, m->name_len);
    glass_buf_u16(b, (unsigned)m->csr_len);
    glass_buf_put(b, m->csr, m->csr_len);
    glass_buf_u8(b, (unsigned)m->code_len);
    glass_buf_put(b, m->code, m->code_len);
    return finish_message(b, at);
}

/* See protocol_internal.h. */
glass_err glass_decode_enroll_request(const uint8_t *body, size_t len, glass_enroll_request *m)
{
    glass_reader r = {body, len, 0, 0};
    memset(m, 0, sizeof *m);
    m->name_len = glass_get_u8(&r);
    m->name = glass_get_bytes(&r, m->name_len);
    m->csr_len = glass_get_u16(&r);
    m->csr = glass_get_bytes(&r, m->csr_len);
    m->code_len = glass_get_u8(&r);
    m->code = glass_get_bytes(&r, m->code_len);
    if (m->name_len == 0 || m->csr_len == 0 || m->code_len == 0)
        return GLASS_ERR_PROTO_DECODE;
    if (!r.bad && memchr(m->name, 0, m->name_len) != NULL)
        return GLASS_ERR_PROTO_DECODE;
    return reader_done(&r);
}

/* ---- EnrollResponse (glass only; docs/PROTOCOL.md §6) -------------------------------
 *
 *   uint8 status;            0 issued, 1 refused
 *   opaque data<0..2^16-1>;  issued: the certificate DER; refused: the reason
 */

/* See protocol_internal.h. */
glass_err glass_encode_enroll_response(glass_buf *b, const glass_enroll_response *m)
{
    if (m->status > GLASS_ENROLL_REFUSED || m->len > 0xffff ||
        (m->status == GLASS_ENROLL_ISSUED && m->len == 0))
        return GLASS_ERR_ARG;
    size_t at = glass_msg_start(b, GLASS_HS_ENROLL_RESPONSE);
    glass_buf_u8(b, m->status);
    glass_buf_u16(b, (unsigned)m->len);
    glass_buf_put(b, m->data, m->len);
    return finish_message(b, at);
}

/* See protocol_internal.h. */
glass_err glass_decode_enroll_response(const uint8_t *body, size_t len,
                                       glass_enroll_response *m)
{
    glass_reader r = {body, len, 0, 0};
    memset(m, 0, sizeof *m);
    m->status = (uint8_t)glass_get_u8(&r);
    m->len = glass_get_u16(&r);
    m->data = glass_get_bytes(&r, m->len);
    if (m->status > GLASS_ENROLL_REFUSED || (m->status == GLASS_ENROLL_ISSUED && m->len == 0))
        return GLASS_ERR_PROTO_DECODE;
    return reader_done(&r);
}
