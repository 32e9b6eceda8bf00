/*
 * protocol_internal.h — the pieces under the engine, for the engine itself
 * and for the tests: a growable byte buffer, the handshake messages as plain
 * structs with their encoders and decoders (messages.c), the record layer
 * (record.c) and the key schedule (keysched.c).  Applications use only
 * protocol.h.
 */
#ifndef GLASS_PROTOCOL_INTERNAL_H
#define GLASS_PROTOCOL_INTERNAL_H

#include "protocol/protocol.h"
#include "aes/aes.h"
#include "dh/dh.h"
#include "hmac/hmac.h"
#include "sha/sha256.h"

#include <stddef.h>
#include <stdint.h>

/* ---- a growable byte buffer (messages.c) ------------------------------------ */

/* Bytes p[0..len) of a malloc'd array of cap bytes.  An allocation failure
 * sets `failed`; later appends do nothing, and the caller checks once. */
typedef struct glass_buf {
    uint8_t *p;
    size_t len;
    size_t cap;
    int failed;
} glass_buf;

void glass_buf_put(glass_buf *b, const void *data, size_t len);
void glass_buf_u8(glass_buf *b, unsigned v);
void glass_buf_u16(glass_buf *b, unsigned v);
void glass_buf_u24(glass_buf *b, size_t v);
/* Removes the first n bytes. */
void glass_buf_drop(glass_buf *b, size_t n);
/* Wipes and frees. */
void glass_buf_free(glass_buf *b);

/* A reader over in[0..len): every get checks the length first and, on a
 * short input, sets `bad` and yields zeros / NULL. */
typedef struct glass_reader {
    const uint8_t *p;
    size_t len;
    size_t off;
    int bad;
} glass_reader;

unsigned glass_get_u8(glass_reader *r);
unsigned glass_get_u16(glass_reader *r);
size_t glass_get_u24(glass_reader *r);
const uint8_t *glass_get_bytes(glass_reader *r, size_t n);

/* ---- handshake messages (messages.c; docs/PROTOCOL.md §4) ------------------- */

#define GLASS_MAX_LIST  64      /* entries in ClientHello's suite and group lists */
#define GLASS_MAX_CHAIN 8       /* certificates in a Certificate message */
/* The longest handshake message body accepted when messages may span
 * records (TLS 1.2): room for a chain of GLASS_MAX_CHAIN large
 * certificates. */
#define GLASS_MAX_HANDSHAKE (GLASS_MAX_CHAIN * 16384 + 64)

typedef struct glass_client_hello {
    uint16_t version;
    uint8_t random[GLASS_RANDOM_LEN];
    size_t n_suites;
    uint16_t suites[GLASS_MAX_LIST];
    size_t n_groups;
    uint16_t groups[GLASS_MAX_LIST];
} glass_client_hello;

typedef struct glass_server_hello {
    uint16_t version;
    uint8_t random[GLASS_RANDOM_LEN];
    uint16_t suite;
    uint16_t group;
} glass_server_hello;

typedef struct glass_certificate_msg {
    size_t n;
    const uint8_t *der[GLASS_MAX_CHAIN];
    size_t len[GLASS_MAX_CHAIN];
} glass_certificate_msg;

typedef struct glass_server_key_exchange {
    uint16_t group;
    const uint8_t *Ys;
    size_t Ys_len;
    const uint8_t *signature;
    size_t signature_len;
} glass_server_key_exchange;

typedef struct glass_certificate_request {
    size_t n_sigalgs;
    uint16_t sigalgs[GLASS_MAX_LIST];
} glass_certificate_request;

typedef struct glass_client_key_exchange {
    const uint8_t *Yc;
    size_t Yc_len;
} glass_client_key_exchange;

typedef struct glass_certificate_verify {
    const uint8_t *signature;
    size_t signature_len;
} glass_certificate_verify;

typedef struct glass_finished {
    uint8_t verify_data[GLASS_VERIFY_DATA_LEN];
} glass_finished;

typedef struct glass_enroll_request {
    const uint8_t *name;
    size_t name_len;
    const uint8_t *csr;
    size_t csr_len;
    const uint8_t *code;
    size_t code_len;
} glass_enroll_request;

#define GLASS_ENROLL_ISSUED  0
#define GLASS_ENROLL_REFUSED 1

typedef struct glass_enroll_response {
    uint8_t status;
    const uint8_t *data;    /* certificate DER, or the reason (UTF-8) */
    size_t len;
} glass_enroll_response;

/* Encoders append the whole message (4-byte header + body) to b.
 * GLASS_ERR_ARG when a field does not fit its length prefix,
 * GLASS_ERR_NOMEM when b could not grow. */
glass_err glass_encode_client_hello(glass_buf *b, const glass_client_hello *m);
glass_err glass_encode_server_hello(glass_buf *b, const glass_server_hello *m);
glass_err glass_encode_certificate(glass_buf *b, const glass_certificate_msg *m);
glass_err glass_encode_server_key_exchange(glass_buf *b, const glass_server_key_exchange *m);
glass_err glass_encode_certificate_request(glass_buf *b, const glass_certificate_request *m);
glass_err glass_encode_server_hello_done(glass_buf *b);
glass_err glass_encode_client_key_exchange(glass_buf *b, const glass_client_key_exchange *m);
glass_err glass_encode_certificate_verify(glass_buf *b, const glass_certificate_verify *m);
glass_err glass_encode_finished(glass_buf *b, const glass_finished *m);
glass_err glass_encode_enroll_request(glass_buf *b, const glass_enroll_request *m);
glass_err glass_encode_enroll_response(glass_buf *b, const glass_enroll_response *m);

/* The bytes ServerKeyExchange's signature covers (docs/PROTOCOL.md §4.4):
 * client_random || server_random || group(2) || Ys_len(2) || Ys. */
glass_err glass_ske_signed_bytes(glass_buf *b, const uint8_t client_random[GLASS_RANDOM_LEN],
                                 const uint8_t server_random[GLASS_RANDOM_LEN],
                                 uint16_t group, const uint8_t *Ys, size_t Ys_len);

/* Decoders read a body (the bytes after the 4-byte header); the struct
 * points into it.  GLASS_ERR_PROTO_DECODE for a length that runs past the
 * end, trailing bytes, an empty or oversized list. */
glass_err glass_decode_client_hello(const uint8_t *body, size_t len, glass_client_hello *m);
glass_err glass_decode_server_hello(const uint8_t *body, size_t len, glass_server_hello *m);
glass_err glass_decode_certificate(const uint8_t *body, size_t len, glass_certificate_msg *m);
glass_err glass_decode_server_key_exchange(const uint8_t *body, size_t len,
                                           glass_server_key_exchange *m);
glass_err glass_decode_certificate_request(const uint8_t *body, size_t len,
                                           glass_certificate_request *m);
glass_err glass_decode_server_hello_done(const uint8_t *body, size_t len);
glass_err glass_decode_client_key_exchange(const uint8_t *body, size_t len,
                                           glass_client_key_exchange *m);
glass_err glass_decode_certificate_verify(const uint8_t *body, size_t len,
                                          glass_certificate_verify *m);
glass_err glass_decode_finished(const uint8_t *body, size_t len, glass_finished *m);
glass_err glass_decode_enroll_request(const uint8_t *body, size_t len, glass_enroll_request *m);
glass_err glass_decode_enroll_response(const uint8_t *body, size_t len,
                                       glass_enroll_response *m);

/* glass_hs_type_name is public: protocol.h. */

/* Starts a handshake message in b: msg_type(1) and a 3-byte length
 * placeholder (RFC 5246 §7.4); returns the offset of the body. */
size_t glass_msg_start(glass_buf *b, unsigned type);

/* Fills in the length of the message whose body began at body_at:
 * GLASS_ERR_NOMEM if b ran out of memory, GLASS_ERR_ARG if the body is
 * longer than max (one record for glass, 2^24 - 1 for TLS 1.2). */
glass_err glass_msg_finish(glass_buf *b, size_t body_at, size_t max);

/* ---- TLS 1.2 message forms (messages12.c) ------------------------------------------ */

/* Extension numbers (IANA "TLS ExtensionType Values"). */
#define GLASS_EXT_SERVER_NAME              0       /* RFC 6066 §3 */
#define GLASS_EXT_SUPPORTED_GROUPS         10      /* RFC 7919 §2 (was elliptic_curves) */
#define GLASS_EXT_SIGNATURE_ALGORITHMS     13      /* RFC 5246 §7.4.1.4.1 */
#define GLASS_EXT_HEARTBEAT                15      /* RFC 6520: never answered */
#define GLASS_EXT_ENCRYPT_THEN_MAC         22      /* RFC 7366 §2 */
#define GLASS_EXT_EXTENDED_MASTER_SECRET   23      /* RFC 7627 §5.1 */
#define GLASS_EXT_SUPPORTED_VERSIONS       43      /* RFC 8446 §4.2.1 */
#define GLASS_EXT_RENEGOTIATION_INFO       0xff01  /* RFC 5746 §3.2 */

#define GLASS_SUITE_EMPTY_RENEGOTIATION_INFO_SCSV 0x00FFu   /* RFC 5746 §3.3 */
#define GLASS_SUITE_FALLBACK_SCSV                 0x5600u   /* RFC 7507 §2 */
#define GLASS_SIGALG_RSA_PSS_RSAE_SHA256          0x0804u   /* RFC 8446 §4.2.3 */

/* What the extensions of a hello said (both directions). */
typedef struct glass_hello_ext {
    char sni[GLASS_MAX_NAME + 1];   /* server_name host_name ("" none) */
    int has_sni;
    int has_groups;
    size_t n_groups;
    uint16_t groups[GLASS_MAX_LIST];
    int has_sigalgs;
    size_t n_sigalgs;
    uint16_t sigalgs[GLASS_MAX_LIST];
    int offers_tls13;               /* supported_versions lists 03 04 */
    int has_reneg;                  /* renegotiation_info present */
    size_t reneg_len;               /* its renegotiated_connection length */
    int ems, etm, heartbeat;
    size_t unknown;                 /* extensions skipped */
} glass_hello_ext;

typedef struct glass_tls_client_hello {
    uint16_t version;
    uint8_t random[GLASS_RANDOM_LEN];
    uint8_t session_id[32];
    size_t session_id_len;
    size_t n_suites;                /* encoder only */
    uint16_t suites[GLASS_MAX_LIST];
    int offers_suite;               /* decoder: 0x006B was offered */
    int fallback_scsv, reneg_scsv;  /* decoder: the signalling suites */
    int null_compression;           /* decoder: null compression offered */
    glass_hello_ext ext;
} glass_tls_client_hello;

typedef struct glass_tls_server_hello {
    uint16_t version;
    uint8_t random[GLASS_RANDOM_LEN];
    uint8_t session_id[32];
    size_t session_id_len;
    uint16_t suite;
    uint8_t compression;
    glass_hello_ext ext;
} glass_tls_server_hello;

typedef struct glass_tls_ske {
    const uint8_t *p, *g, *Ys;
    size_t p_len, g_len, Ys_len;
    const uint8_t *params;          /* decoder: ServerDHParams as sent */
    size_t params_len;
    uint16_t sigalg;
    const uint8_t *signature;
    size_t signature_len;
} glass_tls_ske;

typedef struct glass_tls_cert_request {
    int rsa_sign;                   /* certificate_types lists rsa_sign (1) */
    size_t n_sigalgs;
    uint16_t sigalgs[GLASS_MAX_LIST];
    size_t n_cas;
    const uint8_t *ca[GLASS_MAX_CHAIN];     /* DistinguishedName DER */
    size_t ca_len[GLASS_MAX_CHAIN];
} glass_tls_cert_request;

glass_err glass_encode_tls_client_hello(glass_buf *b, const glass_tls_client_hello *m);
glass_err glass_decode_tls_client_hello(const uint8_t *body, size_t len,
                                        glass_tls_client_hello *m);
glass_err glass_encode_tls_server_hello(glass_buf *b, const glass_tls_server_hello *m);
glass_err glass_decode_tls_server_hello(const uint8_t *body, size_t len,
                                        glass_tls_server_hello *m);
glass_err glass_encode_tls_server_key_exchange(glass_buf *b, const glass_tls_ske *m);
glass_err glass_decode_tls_server_key_exchange(const uint8_t *body, size_t len, glass_tls_ske *m);
glass_err glass_encode_tls_certificate_request(glass_buf *b, const glass_tls_cert_request *m);
glass_err glass_decode_tls_certificate_request(const uint8_t *body, size_t len,
                                               glass_tls_cert_request *m);
glass_err glass_encode_tls_certificate_verify(glass_buf *b, uint16_t sigalg, const uint8_t *sig,
                                              size_t sig_len);
glass_err glass_decode_tls_certificate_verify(const uint8_t *body, size_t len, uint16_t *sigalg,
                                              const uint8_t **sig, size_t *sig_len);

/* ---- the record layer (record.c; docs/PROTOCOL.md §3) ------------------------ */

/* One direction of the connection.  Before `active`, records travel in
 * plaintext; after, each is protected with these keys and the next
 * sequence number. */
typedef struct glass_direction {
    int active;
    int etm;                    /* 1 encrypt-then-MAC (RFC 7366), 0 MAC-then-
                                   encrypt (RFC 5246 §6.2.3.2) */
    uint16_t version;           /* record version bytes; 0 means GLASS_VERSION */
    uint8_t mac_key[HMAC_SHA256_LEN];
    aes256_ctx aes;             /* expanded by aes256_ct_init */
    uint64_t seq;
#ifdef GLASS_LAB_BUILD
    /* The lab build's two insecure switches (docs/labs/06-records.md), set
     * by the lab targets only.  They are not even fields of the normal
     * build, so no code built without -DGLASS_LAB_BUILD can turn them on
     * (tests/sh/labs_check.sh compiles such code and sees it refused). */
    int lab_no_seq_mac;         /* 1: eight zero bytes in the MAC where
                                   seq_num belongs (record.c) */
    int lab_padding_oracle;     /* 1: MAC-then-encrypt tells a bad padding
                                   (GLASS_ERR_PROTO_DECRYPT) from a bad MAC
                                   (record_mte.c) */
#endif
} glass_direction;

/* Turns protection on with the given keys (the constant-time AES); seq
 * starts at 0.  etm chooses encrypt-then-MAC (glass always). */
glass_err glass_direction_activate(glass_direction *d, const uint8_t mac_key[HMAC_SHA256_LEN],
                                   const uint8_t enc_key[AES256_KEY_LEN], int etm);
/* The same with one entry of aes.h's table (NULL: the default);
 * GLASS_ERR_UNSUPPORTED when the CPU lacks its instructions. */
glass_err glass_direction_activate_impl(glass_direction *d,
                                        const uint8_t mac_key[HMAC_SHA256_LEN],
                                        const uint8_t enc_key[AES256_KEY_LEN], int etm,
                                        const aes_impl *impl);
void glass_direction_clear(glass_direction *d);

/* Appends one record of `type` carrying pt[0..len) (1..GLASS_MAX_PLAINTEXT;
 * 0 only for protected application data) to out: plaintext if d is not
 * active, else protected as record.c's essay draws it (encrypt-then-MAC per
 * RFC 7366 when d->etm, MAC-then-encrypt per RFC 5246 §6.2.3.2 when not).
 * The IV comes from rnd.  Traces "derive record IV", "derive record MAC"
 * and "send record". */
glass_err glass_record_seal(glass_direction *d, uint8_t type, const uint8_t *pt, size_t len,
                            glass_random_fn rnd, void *rnd_arg, const glass_tracer *trace,
                            glass_buf *out);

/* pt[0..len) (len >= 1) as records of at most GLASS_MAX_PLAINTEXT bytes,
 * each exactly as glass_record_seal makes it, but with the CBC chains of
 * up to GLASS_SEAL_LANES protected records encrypted side by side, one
 * cipher call per block position (record.c, seal_encrypt_lanes): the
 * bitsliced AES does eight blocks for the price of one.  With a tracer, or
 * before the keys are on, one record at a time.  On a failure no record of
 * the failing group is left in out. */
glass_err glass_record_seal_many(glass_direction *d, uint8_t type, const uint8_t *pt, size_t len,
                                 glass_random_fn rnd, void *rnd_arg, const glass_tracer *trace,
                                 glass_buf *out);

/* Checks a record header (the first 5 bytes of hdr): content type
 * (GLASS_ERR_PROTO_UNEXPECTED), version equal to `version`
 * (GLASS_ERR_PROTO_VERSION), length (GLASS_ERR_PROTO_RECORD_OVERFLOW above
 * the limit for a plaintext or a protected record, GLASS_ERR_PROTO_DECODE
 * for 0).  *fragment_len is set. */
glass_err glass_record_check_header(const uint8_t hdr[GLASS_RECORD_HEADER_LEN], uint16_t version,
                                    int is_protected, size_t *fragment_len);

/* Opens one whole record rec[0..rec_len) (header checked already): plaintext
 * if d is not active, else (encrypt-then-MAC) verify the MAC in constant
 * time (GLASS_ERR_PROTO_BAD_MAC), only then decrypt and check the padding
 * in constant time (GLASS_ERR_PROTO_BAD_MAC as well), or (MAC-then-encrypt)
 * glass_record_open_mte.  *pt_len may be 0 (an empty record; the engine
 * decides whether that is allowed).  pt needs room for GLASS_MAX_FRAGMENT
 * bytes.  Traces "derive record MAC". */
glass_err glass_record_open(glass_direction *d, const uint8_t *rec, size_t rec_len,
                            const glass_tracer *trace, uint8_t *pt, size_t *pt_len);

/* The 13-byte MAC header seq_num || type || version || length (RFC 5246
 * §6.2.3.1) with d's sequence number and version. */
#define GLASS_MAC_HEADER_LEN 13
void glass_record_mac_header(const glass_direction *d, uint8_t type, size_t length,
                             uint8_t out[GLASS_MAC_HEADER_LEN]);

/* CBC decryption with the record key's constant-time AES (record.c). */
void glass_record_cbc_decrypt(const aes256_ctx *k, const uint8_t iv[AES_BLOCK_LEN],
                              const uint8_t *in, size_t len, uint8_t *out);

/* The CBC padding check of RFC 5246 §6.2.3.2 in constant time over the
 * last min(256, c_len) bytes of pt[0..c_len), leaving room for `reserved`
 * bytes before the padding: all-ones when good; *pad_len = p + 1 (0 when
 * bad). */
uint32_t glass_record_check_padding(const uint8_t *pt, size_t c_len, size_t reserved,
                                    size_t *pad_len);

/* MAC-then-encrypt (record_mte.c): decrypt, then check the padding and the
 * MAC with no branch and no memory access that depends on the plaintext
 * (Lucky Thirteen).  Every failure is GLASS_ERR_PROTO_BAD_MAC. */
glass_err glass_record_open_mte(glass_direction *d, const uint8_t *rec, size_t rec_len,
                                const glass_tracer *trace, uint8_t *pt, size_t *pt_len);

/* ---- sessions (session.c) ---------------------------------------------------- */

/* What a TLS 1.2 session remembers for resumption (RFC 5246 §7.4.1.2): its
 * ID, master secret, suite, whether it had an extended master secret
 * (RFC 7627 §5.3 forbids resuming across that line), and when it began. */
typedef struct glass_session {
    uint8_t session_id[32];
    size_t session_id_len;
    uint8_t master_secret[TLS12_MASTER_SECRET_LEN];
    uint16_t suite;
    int ems;
    int64_t created;
} glass_session;

/* Stores a copy of s and of the client's certificate peer[0..peer_len)
 * (none when peer_len is 0), evicting the oldest when full; nothing for an
 * empty ID. */
void glass_session_cache_put(glass_session_cache *c, const glass_session *s,
                             const uint8_t *peer, size_t peer_len);
/* Finds the session with this ID, not older than the cache's lifetime at
 * `now`; 1 and *s filled, *peer pointing to the cache's copy of the client
 * certificate (NULL, 0 when none; valid until the next put), or 0. */
int glass_session_cache_get(glass_session_cache *c, const uint8_t *id, size_t id_len,
                            int64_t now, glass_session *s, const uint8_t **peer,
                            size_t *peer_len);

/* ---- the dissector's cursor (dissect.c, dissect_app.c) ------------------------ */

/* A cursor over the bytes, reporting absolute offsets (base + off). */
typedef struct glass_dis {
    const uint8_t *p;
    size_t len;
    size_t off;
    size_t base;
    int bad;
    glass_dissect_fn cb;
    void *arg;
    const char *msg;        /* "ClientHello": prefix of field names */
} glass_dis;

/* Reports the next n bytes as field `name` and advances; marks the cursor
 * bad (and reports nothing) if they are not all there. */
const uint8_t *glass_dis_field(glass_dis *d, size_t n, const char *name, const char *meaning);
/* The big-endian number in q[0..n) (0 for NULL). */
size_t glass_dis_be(const uint8_t *q, size_t n);
/* Dissects an application message at absolute offset base (dissect_app.c). */
glass_err glass_dissect_app_at(const uint8_t *msg, size_t len, size_t base,
                               glass_dissect_fn cb, void *arg);

/* ---- the key schedule (keysched.c; docs/PROTOCOL.md §5) ---------------------- */

#define GLASS_KEY_BLOCK_LEN 128

typedef struct glass_keys {
    uint8_t client_write_MAC_key[32];
    uint8_t server_write_MAC_key[32];
    uint8_t client_write_key[32];
    uint8_t server_write_key[32];
} glass_keys;

/* SP 800-56A §5.6.1.1.4 with randomness from rnd: x uniform in
 * [1, min(2^x_bits, q) - 1], y = g^x mod p.  (dh_generate does the same from
 * glass_random(); the engine needs its own stream for reproducibility.) */
glass_err glass_ks_dh_generate(const dh_group *grp, glass_random_fn rnd, void *rnd_arg,
                               dh_keypair *kp);

/* RFC 7627 §4 master secret from the pre-master secret and session hash. */
glass_err glass_ks_master_secret(const uint8_t *pms, size_t pms_len,
                                 const uint8_t session_hash[SHA256_DIGEST_LEN],
                                 uint8_t master_secret[TLS12_MASTER_SECRET_LEN]);

/* RFC 5246 §6.3 key_block, split into the four keys (no IVs). */
glass_err glass_ks_keys(const uint8_t master_secret[TLS12_MASTER_SECRET_LEN],
                        const uint8_t client_random[GLASS_RANDOM_LEN],
                        const uint8_t server_random[GLASS_RANDOM_LEN],
                        uint8_t key_block[GLASS_KEY_BLOCK_LEN], glass_keys *keys);

/* RFC 5246 §7.4.9: verify_data = PRF(master_secret, label, hash)[0..11],
 * label "client finished" or "server finished". */
glass_err glass_ks_verify_data(const uint8_t master_secret[TLS12_MASTER_SECRET_LEN],
                               const char *label, const uint8_t hash[SHA256_DIGEST_LEN],
                               uint8_t verify_data[GLASS_VERIFY_DATA_LEN]);

#endif
