/*
 * messages12.c — the TLS 1.2 forms of the messages whose bytes differ from
 * glass's (RFC 5246 §7.4; extensions from RFC 5246 §7.4.1.4, RFC 6066 §3
 * server_name, RFC 7919 supported_groups, RFC 5746 renegotiation_info,
 * RFC 7627 extended_master_secret, RFC 7366 encrypt_then_mac, RFC 8446
 * §4.2.1 supported_versions, RFC 6520 heartbeat): both hellos with their
 * extensions, ServerKeyExchange with explicit DH parameters and a signature
 * algorithm, CertificateRequest with certificate types and CA names, and
 * CertificateVerify with a signature algorithm.  Certificate,
 * ServerHelloDone, ClientKeyExchange and Finished are the same bytes in both
 * profiles (messages.c).
 *
 * Read the hellos first (extension by extension), then the three others.
 * Decoders are written for hostile input, as in messages.c: every length
 * is checked against what is left; a malformed extension is a decode_error
 * (RFC 5246 §7.2.2); an unknown one is skipped (RFC 5246 §7.4.1.4); the same
 * extension twice is a decode_error too ("MUST NOT be more than one").
 *
 * CT: no — public bytes only.
 */
#include "protocol/protocol_internal.h"

#include <string.h>

/* A decoder's last word: all fields read, and nothing left over. */
static glass_err done(const glass_reader *r)
{
    return (r->bad || r->off != r->len) ? GLASS_ERR_PROTO_DECODE : GLASS_OK;
}

/* A TLS 1.2 message may span records: its only limit is the 3-byte length
 * (RFC 5246 §7.4). */
static glass_err finish_message(glass_buf *b, size_t body_at)
{
    return glass_msg_finish(b, body_at, 0xffffff);
}

/* A 2-byte length placeholder; close_u16 fills it in. */
static size_t open_u16(glass_buf *b)
{
    glass_buf_u16(b, 0);
    return b->len;
}

static void close_u16(glass_buf *b, size_t at)
{
    if (b->failed)
        return;
    size_t n = b->len - at;
    b->p[at - 2] = (uint8_t)(n >> 8);
    b->p[at - 1] = (uint8_t)n;
}

/* ---- extensions ---------------------------------------------------------------------- */

/* An empty extension (renegotiation_info's is one byte 00: see below). */
static void ext_empty(glass_buf *b, unsigned type)
{
    glass_buf_u16(b, type);
    glass_buf_u16(b, 0);
}

/* RFC 5746 §3.2: renegotiation_info with an empty renegotiated_connection. */
static void ext_reneg(glass_buf *b)
{
    glass_buf_u16(b, GLASS_EXT_RENEGOTIATION_INFO);
    glass_buf_u16(b, 1);
    glass_buf_u8(b, 0);
}

/* Reads a u16 list of `bytes` bytes into xs (at most GLASS_MAX_LIST kept). */
static void u16_list(glass_reader *r, size_t bytes, uint16_t *xs, size_t *n)
{
    if (bytes % 2 != 0 || bytes == 0) {
        r->bad = 1;
        return;
    }
    for (size_t i = 0; i < bytes / 2; i++) {
        uint16_t v = (uint16_t)glass_get_u16(r);
        if (*n < GLASS_MAX_LIST)
            xs[(*n)++] = v;
    }
}

/* server_name (RFC 6066 §3): ServerNameList of (name_type, HostName); we
 * keep the first host_name (type 0). */
static void read_server_name(glass_reader *r, glass_hello_ext *x)
{
    size_t list = glass_get_u16(r);
    if (list != r->len - r->off || list == 0) {
        r->bad = 1;
        return;
    }
    while (!r->bad && r->off < r->len) {
        unsigned type = glass_get_u8(r);
        size_t n = glass_get_u16(r);
        const uint8_t *name = glass_get_bytes(r, n);
        if (name == NULL || n == 0)
            r->bad = 1;
        else if (type == 0 && x->sni[0] == '\0' && n < sizeof x->sni &&
                 memchr(name, 0, n) == NULL) {
            memcpy(x->sni, name, n);
            x->sni[n] = '\0';
        }
    }
}

/* One extension's body, by type.  Unknown types are skipped. */
static void read_extension(glass_reader *r, unsigned type, glass_hello_ext *x)
{
    switch (type) {
    case GLASS_EXT_SERVER_NAME:
        if (r->len > 0)                 /* a server's answer is empty */
            read_server_name(r, x);
        x->has_sni = 1;
        break;
    case GLASS_EXT_SUPPORTED_GROUPS: {
        size_t n = glass_get_u16(r);
        if (n != r->len - r->off)
            r->bad = 1;
        else
            u16_list(r, n, x->groups, &x->n_groups);
        x->has_groups = 1;
        break;
    }
    case GLASS_EXT_SIGNATURE_ALGORITHMS: {
        size_t n = glass_get_u16(r);
        if (n != r->len - r->off)
            r->bad = 1;
        else
            u16_list(r, n, x->sigalgs, &x->n_sigalgs);
        x->has_sigalgs = 1;
        break;
    }
    case GLASS_EXT_SUPPORTED_VERSIONS: {
        /* Client form (RFC 8446 §4.2.1): versions<2..254>. */
        size_t n = glass_get_u8(r);
        if (n != r->len - r->off || n % 2 != 0 || n == 0) {
            r->bad = 1;
            break;
        }
        for (size_t i = 0; i < n / 2; i++)
            x->offers_tls13 |= glass_get_u16(r) == 0x0304;
        break;
    }
    case GLASS_EXT_RENEGOTIATION_INFO: {
        size_t n = glass_get_u8(r);
        if (n != r->len - r->off)
            r->bad = 1;
        (void)glass_get_bytes(r, n);
        x->has_reneg = 1;
        x->reneg_len = n;
        break;
    }
    case GLASS_EXT_EXTENDED_MASTER_SECRET:
        x->ems = 1;
        if (r->len != 0)
            r->bad = 1;
        break;
    case GLASS_EXT_ENCRYPT_THEN_MAC:
        x->etm = 1;
        if (r->len != 0)
            r->bad = 1;
        break;
    case GLASS_EXT_HEARTBEAT:
        x->heartbeat = 1;
        (void)glass_get_bytes(r, r->len);
        break;
    default:
        x->unknown++;
        (void)glass_get_bytes(r, r->len);   /* RFC 5246 §7.4.1.4: ignored */
        break;
    }
}

/* extensions<0..2^16-1>, which may also be absent altogether at the end of
 * a hello (RFC 5246 §7.4.1.2). */
static void read_extensions(glass_reader *r, glass_hello_ext *x)
{
    if (r->bad || r->off == r->len)
        return;
    size_t total = glass_get_u16(r);
    if (r->bad || total != r->len - r->off) {
        r->bad = 1;
        return;
    }
    uint32_t seen[4] = {0};         /* the types below 128 seen, for duplicates */
    while (!r->bad && r->off < r->len) {
        unsigned type = glass_get_u16(r);
        size_t n = glass_get_u16(r);
        const uint8_t *body = glass_get_bytes(r, n);
        if (body == NULL)
            return;
        if (type < 128) {
            if (seen[type / 32] & (1u << (type % 32))) {
                r->bad = 1;
                return;
            }
            seen[type / 32] |= 1u << (type % 32);
        } else if (type == GLASS_EXT_RENEGOTIATION_INFO && x->has_reneg) {
            r->bad = 1;
            return;
        }
        glass_reader sub = {body, n, 0, 0};
        read_extension(&sub, type, x);
        if (sub.bad || sub.off != sub.len)
            r->bad = 1;
    }
}

/* ---- what both hellos begin with (RFC 5246 §7.4.1.2, §7.4.1.3) ------------------------
 *
 *   ProtocolVersion version;  Random random;  SessionID session_id<0..32>;
 */

static void put_hello_start(glass_buf *b, uint16_t version, const uint8_t random[GLASS_RANDOM_LEN],
                            const uint8_t *session_id, size_t session_id_len)
{
    glass_buf_u16(b, version);
    glass_buf_put(b, random, GLASS_RANDOM_LEN);
    glass_buf_u8(b, (unsigned)session_id_len);
    glass_buf_put(b, session_id, session_id_len);
}

/* GLASS_ERR_PROTO_DECODE when short or the session_id is over 32 bytes. */
static glass_err read_hello_start(glass_reader *r, uint16_t *version,
                                  uint8_t random[GLASS_RANDOM_LEN], uint8_t session_id[32],
                                  size_t *session_id_len)
{
    *version = (uint16_t)glass_get_u16(r);
    const uint8_t *rnd = glass_get_bytes(r, GLASS_RANDOM_LEN);
    if (rnd != NULL)
        memcpy(random, rnd, GLASS_RANDOM_LEN);
    *session_id_len = glass_get_u8(r);
    const uint8_t *sid = glass_get_bytes(r, *session_id_len);
    if (sid == NULL || *session_id_len > 32)
        return GLASS_ERR_PROTO_DECODE;
    memcpy(session_id, sid, *session_id_len);
    return GLASS_OK;
}

/* ---- ClientHello (RFC 5246 §7.4.1.2) -------------------------------------------------
 *
 *   ProtocolVersion client_version;  Random random;  SessionID session_id<0..32>;
 *   CipherSuite cipher_suites<2..2^16-2>;  CompressionMethod compression_methods<1..2^8-1>;
 *   Extension extensions<0..2^16-1>;
 */

/* See protocol_internal.h. */
glass_err glass_encode_tls_client_hello(glass_buf *b, const glass_tls_client_hello *m)
{
    if (m->session_id_len > 32 || m->n_suites == 0 || m->n_suites > GLASS_MAX_LIST)
        return GLASS_ERR_ARG;
    size_t at = glass_msg_start(b, GLASS_HS_CLIENT_HELLO);
    put_hello_start(b, m->version, m->random, m->session_id, m->session_id_len);
    glass_buf_u16(b, (unsigned)(2 * m->n_suites));
    for (size_t i = 0; i < m->n_suites; i++)
        glass_buf_u16(b, m->suites[i]);
    glass_buf_u8(b, 1);
    glass_buf_u8(b, 0);                         /* compression: null only */
    size_t ext = open_u16(b);
    const glass_hello_ext *x = &m->ext;
    if (x->sni[0] != '\0') {
        size_t n = strlen(x->sni);
        glass_buf_u16(b, GLASS_EXT_SERVER_NAME);
        glass_buf_u16(b, (unsigned)(n + 5));
        glass_buf_u16(b, (unsigned)(n + 3));
        glass_buf_u8(b, 0);                     /* host_name */
        glass_buf_u16(b, (unsigned)n);
        glass_buf_put(b, x->sni, n);
    }
    glass_buf_u16(b, GLASS_EXT_SUPPORTED_GROUPS);
    glass_buf_u16(b, (unsigned)(2 + 2 * x->n_groups));
    glass_buf_u16(b, (unsigned)(2 * x->n_groups));
    for (size_t i = 0; i < x->n_groups; i++)
        glass_buf_u16(b, x->groups[i]);
    glass_buf_u16(b, GLASS_EXT_SIGNATURE_ALGORITHMS);
    glass_buf_u16(b, (unsigned)(2 + 2 * x->n_sigalgs));
    glass_buf_u16(b, (unsigned)(2 * x->n_sigalgs));
    for (size_t i = 0; i < x->n_sigalgs; i++)
        glass_buf_u16(b, x->sigalgs[i]);
    if (x->ems)
        ext_empty(b, GLASS_EXT_EXTENDED_MASTER_SECRET);
    if (x->etm)
        ext_empty(b, GLASS_EXT_ENCRYPT_THEN_MAC);
    if (x->has_reneg)
        ext_reneg(b);
    close_u16(b, ext);
    return finish_message(b, at);
}

/* See protocol_internal.h. */
glass_err glass_decode_tls_client_hello(const uint8_t *body, size_t len, glass_tls_client_hello *m)
{
    glass_reader r = {body, len, 0, 0};
    memset(m, 0, sizeof *m);
    if (read_hello_start(&r, &m->version, m->random, m->session_id, &m->session_id_len) !=
        GLASS_OK)
        return GLASS_ERR_PROTO_DECODE;
    size_t sb = glass_get_u16(&r);
    if (r.bad || sb < 2 || sb % 2 != 0)
        return GLASS_ERR_PROTO_DECODE;
    for (size_t i = 0; i < sb / 2; i++) {
        uint16_t s = (uint16_t)glass_get_u16(&r);
        m->offers_suite |= s == GLASS_SUITE_DHE_RSA_AES256_CBC_SHA256;
        m->fallback_scsv |= s == GLASS_SUITE_FALLBACK_SCSV;
        m->reneg_scsv |= s == GLASS_SUITE_EMPTY_RENEGOTIATION_INFO_SCSV;
    }
    size_t nc = glass_get_u8(&r);
    const uint8_t *comp = glass_get_bytes(&r, nc);
    if (comp == NULL || nc == 0)
        return GLASS_ERR_PROTO_DECODE;
    m->null_compression = memchr(comp, 0, nc) != NULL;
    read_extensions(&r, &m->ext);
    return done(&r);
}

/* ---- ServerHello (RFC 5246 §7.4.1.3) -------------------------------------------------
 *
 *   ProtocolVersion server_version;  Random random;  SessionID session_id;
 *   CipherSuite cipher_suite;  CompressionMethod compression_method;
 *   Extension extensions<0..2^16-1>;
 */

/* See protocol_internal.h. */
glass_err glass_encode_tls_server_hello(glass_buf *b, const glass_tls_server_hello *m)
{
    if (m->session_id_len > 32)
        return GLASS_ERR_ARG;
    size_t at = glass_msg_start(b, GLASS_HS_SERVER_HELLO);
    put_hello_start(b, m->version, m->random, m->session_id, m->session_id_len);
    glass_buf_u16(b, m->suite);
    glass_buf_u8(b, 0);
    size_t ext = open_u16(b);
    if (m->ext.has_reneg)
        ext_reneg(b);
    if (m->ext.ems)
        ext_empty(b, GLASS_EXT_EXTENDED_MASTER_SECRET);
    if (m->ext.etm)
        ext_empty(b, GLASS_EXT_ENCRYPT_THEN_MAC);
    close_u16(b, ext);
    return finish_message(b, at);
}

/* See protocol_internal.h. */
glass_err glass_decode_tls_server_hello(const uint8_t *body, size_t len, glass_tls_server_hello *m)
{
    glass_reader r = {body, len, 0, 0};
    memset(m, 0, sizeof *m);
    if (read_hello_start(&r, &m->version, m->random, m->session_id, &m->session_id_len) !=
        GLASS_OK)
        return GLASS_ERR_PROTO_DECODE;
    m->suite = (uint16_t)glass_get_u16(&r);
    m->compression = (uint8_t)glass_get_u8(&r);
    read_extensions(&r, &m->ext);
    return done(&r);
}

/* ---- ServerKeyExchange, DHE_RSA (RFC 5246 §7.4.3) -------------------------------------
 *
 *   ServerDHParams params = { opaque dh_p<1..2^16-1>; opaque dh_g<1..2^16-1>;
 *                             opaque dh_Ys<1..2^16-1>; }
 *   digitally-signed { client_random; server_random; params; }
 *     = SignatureAndHashAlgorithm(2) || opaque signature<0..2^16-1>
 */

static void opaque16(glass_buf *b, const uint8_t *p, size_t n)
{
    glass_buf_u16(b, (unsigned)n);
    glass_buf_put(b, p, n);
}

/* See protocol_internal.h. */
glass_err glass_encode_tls_server_key_exchange(glass_buf *b, const glass_tls_ske *m)
{
    if (m->p_len == 0 || m->p_len > 0xffff || m->g_len == 0 || m->g_len > 0xffff ||
        m->Ys_len == 0 || m->Ys_len > 0xffff || m->signature_len > 0xffff)
        return GLASS_ERR_ARG;
    size_t at = glass_msg_start(b, GLASS_HS_SERVER_KEY_EXCHANGE);
    opaque16(b, m->p, m->p_len);
    opaque16(b, m->g, m->g_len);
    opaque16(b, m->Ys, m->Ys_len);
    glass_buf_u16(b, m->sigalg);
    opaque16(b, m->signature, m->signature_len);
    return finish_message(b, at);
}

/* See protocol_internal.h.  params/params_len: the ServerDHParams bytes as
 * sent, which the signature covers. */
glass_err glass_decode_tls_server_key_exchange(const uint8_t *body, size_t len, glass_tls_ske *m)
{
    glass_reader r = {body, len, 0, 0};
    memset(m, 0, sizeof *m);
    m->params = body;
    m->p_len = glass_get_u16(&r);
    m->p = glass_get_bytes(&r, m->p_len);
    m->g_len = glass_get_u16(&r);
    m->g = glass_get_bytes(&r, m->g_len);
    m->Ys_len = glass_get_u16(&r);
    m->Ys = glass_get_bytes(&r, m->Ys_len);
    m->params_len = r.off;
    m->sigalg = (uint16_t)glass_get_u16(&r);
    m->signature_len = glass_get_u16(&r);
    m->signature = glass_get_bytes(&r, m->signature_len);
    if (m->p_len == 0 || m->g_len == 0 || m->Ys_len == 0)
        return GLASS_ERR_PROTO_DECODE;
    return done(&r);
}

/* ---- CertificateRequest (RFC 5246 §7.4.4) ---------------------------------------------
 *
 *   ClientCertificateType certificate_types<1..2^8-1>;
 *   SignatureAndHashAlgorithm supported_signature_algorithms<2..2^16-2>;
 *   DistinguishedName certificate_authorities<0..2^16-1>;  (opaque <1..2^16-1> each)
 */

/* See protocol_internal.h. */
glass_err glass_encode_tls_certificate_request(glass_buf *b, const glass_tls_cert_request *m)
{
    size_t at = glass_msg_start(b, GLASS_HS_CERTIFICATE_REQUEST);
    glass_buf_u8(b, 1);
    glass_buf_u8(b, 1);                         /* rsa_sign */
    glass_buf_u16(b, (unsigned)(2 * m->n_sigalgs));
    for (size_t i = 0; i < m->n_sigalgs; i++)
        glass_buf_u16(b, m->sigalgs[i]);
    size_t cas = open_u16(b);
    for (size_t i = 0; i < m->n_cas; i++)
        opaque16(b, m->ca[i], m->ca_len[i]);
    close_u16(b, cas);
    return finish_message(b, at);
}

/* See protocol_internal.h. */
glass_err glass_decode_tls_certificate_request(const uint8_t *body, size_t len,
                                               glass_tls_cert_request *m)
{
    glass_reader r = {body, len, 0, 0};
    memset(m, 0, sizeof *m);
    size_t nt = glass_get_u8(&r);
    const uint8_t *types = glass_get_bytes(&r, nt);
    if (types == NULL || nt == 0)
        return GLASS_ERR_PROTO_DECODE;
    m->rsa_sign = memchr(types, 1, nt) != NULL;
    size_t ns = glass_get_u16(&r);
    if (r.bad || ns < 2 || ns % 2 != 0 || ns > r.len - r.off)
        return GLASS_ERR_PROTO_DECODE;
    u16_list(&r, ns, m->sigalgs, &m->n_sigalgs);
    size_t total = glass_get_u16(&r);
    if (r.bad || total != r.len - r.off)
        return GLASS_ERR_PROTO_DECODE;
    while (!r.bad && r.off < r.len) {
        size_t n = glass_get_u16(&r);
        const uint8_t *dn = glass_get_bytes(&r, n);
        if (dn == NULL || n == 0)
            return GLASS_ERR_PROTO_DECODE;
        if (m->n_cas < GLASS_MAX_CHAIN) {
            m->ca[m->n_cas] = dn;
            m->ca_len[m->n_cas++] = n;
        }
    }
    return done(&r);
}

/* ---- CertificateVerify (RFC 5246 §7.4.8) ----------------------------------------------
 *
 *   digitally-signed { handshake_messages } = SignatureAndHashAlgorithm(2) ||
 *                                             opaque signature<0..2^16-1>
 */

/* See protocol_internal.h. */
glass_err glass_encode_tls_certificate_verify(glass_buf *b, uint16_t sigalg, const uint8_t *sig,
                                              size_t sig_len)
{
    if (sig_len > 0xffff)
        return GLASS_ERR_ARG;
    size_t at = glass_msg_start(b, GLASS_HS_CERTIFICATE_VERIFY);
    glass_buf_u16(b, sigalg);
    opaque16(b, sig, sig_len);
    return finish_message(b, at);
}

/* See protocol_internal.h. */
glass_err glass_decode_tls_certificate_verify(const uint8_t *body, size_t len, uint16_t *sigalg,
                                              const uint8_t **sig, size_t *sig_len)
{
    glass_reader r = {body, len, 0, 0};
    *sigalg = (uint16_t)glass_get_u16(&r);
    *sig_len = glass_get_u16(&r);
    *sig = glass_get_bytes(&r, *sig_len);
    if (*sig_len == 0)
        return GLASS_ERR_PROTO_DECODE;
    return done(&r);
}
