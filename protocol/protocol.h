/*
 * protocol.h — the glass protocol: a sans-I/O handshake and record engine,
 * its message dissector, and the application messages carried on top.
 *
 * SYNOPSIS
 *     glass_config cfg = {0};
 *     cfg.role = GLASS_ROLE_CLIENT;  cfg.now = time(NULL);
 *     cfg.anchors = &ca_der;  cfg.n_anchors = 1;
 *     cfg.chain = my_chain;   cfg.n_chain = 1;   cfg.key = &my_key;
 *     cfg.server_name = "localhost";
 *     glass_engine *e;
 *     glass_engine_new(&e, &cfg);
 *     glass_engine_start(e);                         client: queues ClientHello
 *     loop:
 *         glass_engine_output(e, &p, &n);            bytes to send (may be 0)
 *         ...send p[0..n)...;  glass_engine_consume_output(e, sent);
 *         ...receive buf[0..len)...;  glass_engine_feed(e, buf, len);
 *         while (glass_engine_next_event(e, &ev)) ...handle ev...;
 *     glass_engine_send_app(e, bytes, len);          after HANDSHAKE_DONE
 *     glass_engine_close(e);                         queues close_notify
 *     (or glass_engine_abort(e, reason);             queues a fatal alert)
 *     glass_engine_free(e);
 *
 *     Real TLS 1.2 (docs/TLS12.md), the same calls with:
 *     cfg.profile = GLASS_PROFILE_TLS12;
 *     cfg.client_auth = GLASS_CLIENT_AUTH_REQUEST;      server, like -verify
 *     cfg.session_cache = cache;                        server: resumption
 *     cfg.session = blob; cfg.session_len = n;          client: resume
 *     cfg.keylog = write_line; cfg.keylog_arg = file;   NSS key log
 *     glass_engine_info(e, &info);                      what was negotiated
 *     glass_engine_session_save(e, blob, sizeof blob, &n);
 *
 * DESCRIPTION
 *     The engine is a state machine: network bytes in (glass_engine_feed),
 *     network bytes out (glass_engine_output) and events out
 *     (glass_engine_next_event).  It owns no socket, reads no file or clock,
 *     keeps no global state: randomness, the current time, the trust anchors
 *     and its own certificate and key all come in through glass_config.  So
 *     two engines can run back to back in one process (tests, the
 *     walkthrough, gdb), or each at one end of a TCP connection.
 *
 *     The handshake mirrors TLS 1.2 with TLS_DHE_RSA_WITH_AES_256_CBC_SHA256
 *     (RFC 5246), plus the extended master secret (RFC 7627) and
 *     encrypt-then-MAC (RFC 7366), legacy removed.  docs/PROTOCOL.md gives
 *     every byte:
 *
 *         Client                                   Server
 *         ClientHello                 -->
 *                                     <--  ServerHello
 *                                     <--  Certificate
 *                                     <--  ServerKeyExchange
 *                                     <--  CertificateRequest
 *                                     <--  ServerHelloDone
 *         Certificate (empty when enrolling)  -->
 *         ClientKeyExchange           -->
 *         CertificateVerify (absent when enrolling) -->
 *         Finished (protected)        -->
 *                                     <--  Finished (protected)
 *         application data / EnrollRequest   <-->
 *
 *     Profiles.  cfg.profile chooses what the engine speaks: glass (the
 *     default, above) or real TLS 1.2 with the same suite, 0x006B, for
 *     `glass s_server` / `glass s_client` (docs/TLS12.md): ChangeCipherSpec,
 *     extensions, session-ID resumption, client certificates that may be
 *     absent, MAC-then-encrypt when encrypt_then_mac is not negotiated.  One
 *     engine does both; what differs sits in one profile table.  An engine
 *     meeting a peer of the other profile fails with one of
 *     GLASS_ERR_PROTO_PEER_SPEAKS_TLS ("the peer speaks TLS, not glass") or
 *     GLASS_ERR_PROTO_PEER_SPEAKS_GLASS, and glass_conn_info.peer_version
 *     holds the version bytes it saw, so an application can say so in one
 *     line.
 *
 *     Any failure queues one fatal alert (in the output), emits
 *     GLASS_EV_ALERT_SENT then GLASS_EV_CLOSED, and puts the engine in the
 *     terminal state GLASS_STATE_ERROR: nothing after a failure is processed.
 *
 * TRACE EVENTS (through cfg.trace; the engine never prints anything)
 *     Names are fixed strings, so a tool can match on them:
 *     "state"                    explain = the new state's name, no bytes
 *     "send NAME" / "recv NAME"  a handshake message, its full bytes
 *                                (4-byte header + body); NAME is one of
 *                                ClientHello ServerHello Certificate
 *                                ServerKeyExchange CertificateRequest
 *                                ServerHelloDone ClientKeyExchange
 *                                CertificateVerify Finished EnrollRequest
 *                                EnrollResponse
 *     "send Alert" / "recv Alert"            the 2 alert bytes
 *     "send ChangeCipherSpec" / "recv ChangeCipherSpec"   TLS 1.2: its 1 byte
 *     "send application_data" / "recv application_data"   the plaintext
 *     "send record" / "recv record"          a whole record as on the wire
 *     "derive dh_x"              own DH private exponent (secret!)
 *     "derive dh_y"              own DH public value, p_len bytes
 *     "derive Z"                 DH shared secret, p_len bytes
 *     "derive pre_master_secret" Z with leading zeros stripped
 *     "derive session_hash"      SHA-256 of ClientHello..ClientKeyExchange
 *     "derive master_secret"     48 bytes (RFC 7627 §4; TLS 1.2 without EMS:
 *                                RFC 5246 §8.1, and no session_hash event)
 *     "derive key_block"         128 bytes (RFC 5246 §6.3)
 *     "derive client_write_MAC_key" "derive server_write_MAC_key"
 *     "derive client_write_key"     "derive server_write_key"
 *     "derive handshake_hash CertificateVerify"   the digest signed
 *     "derive handshake_hash client Finished"      hash under client verify_data
 *     "derive handshake_hash server Finished"      hash under server verify_data
 *     "derive client verify_data" "derive server verify_data"   12 bytes each
 *     "derive record IV"         the random IV of a record being sent
 *     "derive record MAC"        the MAC of a record sent or received
 *     "check peer certificate"   the peer's chain verified (bytes: its leaf)
 *     "check ServerKeyExchange signature"   (bytes: the signature)
 *     "check peer DH public value"          (bytes: the value)
 *     "check CertificateVerify"             (bytes: the signature)
 *     "check Finished"           the peer's verify_data matched
 *
 * CONSTANT TIME
 *     Each "yes" of the record layer is checked by machine: `make ctgrind`
 *     runs the case named (tests/ctgrind/ctgrind.c) with the keys and the
 *     plaintext marked secret, and memcheck must report nothing.
 *     record MAC check     CT: yes — glass_ct_equal, before any decryption
 *                          (TLS 1.2 MAC-then-encrypt: after it, without a
 *                          branch or memory access on the plaintext, the
 *                          MAC and padding verdicts one mask; Lucky 13)
 *                          cases record-glass, record-tls12-etm,
 *                          record-tls12-mte
 *     record AES           CT: yes — aes/aes_ct.c; the same three cases
 *     CBC padding check    CT: yes — masks over the last min(256, len)
 *                          bytes, the verdict released once (RFC 5246
 *                          §6.2.3.2); the same three cases
 *     Finished check       CT: yes — glass_ct_equal; case ct-equal, and
 *                          case hmac for the PRF that makes verify_data
 *     DH, RSA              as dh/dh.h and rsa/rsa.h say (powm_sec); cases
 *                          dh-derive, rsa-private
 *     message parsing      CT: no  — public data only
 *
 * SECURITY CONSIDERATIONS
 *     A client that is given no server_name cannot check whom it talks to;
 *     glass_engine_new refuses a client config without one.  Seeded
 *     randomness (cfg.random over a glass_drbg) makes every key predictable:
 *     for golden tests and classroom walkthroughs only.
 */
#ifndef GLASS_PROTOCOL_H
#define GLASS_PROTOCOL_H

#include "common/common.h"
#include "rsa/rsa.h"

#include <stddef.h>
#include <stdint.h>

/* ---- wire constants (docs/PROTOCOL.md §2, §3) ---------------------------- */

#define GLASS_VERSION            0x4701u /* "G", 1: in every record header */
#define GLASS_RECORD_HEADER_LEN  5       /* type(1) version(2) length(2) */
#define GLASS_MAX_PLAINTEXT      16384   /* 2^14, as TLS (RFC 5246 §6.2.1) */
#define GLASS_RECORD_IV_LEN      16
#define GLASS_RECORD_MAC_LEN     32
/* Largest protected fragment accepted: 2^14 + 2048 (RFC 5246 §6.2.3), room
 * for the IV, the MAC and up to 256 bytes of padding. */
#define GLASS_MAX_FRAGMENT (GLASS_MAX_PLAINTEXT + 2048)
#define GLASS_RANDOM_LEN         32
#define GLASS_VERIFY_DATA_LEN    12
#define GLASS_HS_HEADER_LEN      4       /* msg_type(1) length(3) */

/* The record version of the TLS 1.2 profile (RFC 5246 §6.2.1, Appendix E). */
#define GLASS_TLS12_VERSION      0x0303u

/* Record content types: TLS's numbers (RFC 5246 §6.2.1).  Glass sends no
 * change_cipher_spec; the TLS 1.2 profile does (RFC 5246 §7.1). */
enum glass_content_type {
    GLASS_CT_CHANGE_CIPHER_SPEC = 20,
    GLASS_CT_ALERT = 21,
    GLASS_CT_HANDSHAKE = 22,
    GLASS_CT_APPLICATION = 23
};

/* Handshake message types: TLS's numbers (RFC 5246 §7.4) plus two for
 * enrollment in a range TLS leaves unassigned. */
enum glass_hs_type {
    GLASS_HS_HELLO_REQUEST = 0,         /* TLS 1.2 only: refused (renegotiation) */
    GLASS_HS_CLIENT_HELLO = 1,
    GLASS_HS_SERVER_HELLO = 2,
    GLASS_HS_CERTIFICATE = 11,
    GLASS_HS_SERVER_KEY_EXCHANGE = 12,
    GLASS_HS_CERTIFICATE_REQUEST = 13,
    GLASS_HS_SERVER_HELLO_DONE = 14,
    GLASS_HS_CERTIFICATE_VERIFY = 15,
    GLASS_HS_CLIENT_KEY_EXCHANGE = 16,
    GLASS_HS_FINISHED = 20,
    GLASS_HS_ENROLL_REQUEST = 64,
    GLASS_HS_ENROLL_RESPONSE = 65
};

/* The one cipher suite (TLS's code point for the same algorithms). */
#define GLASS_SUITE_DHE_RSA_AES256_CBC_SHA256 0x006Bu
/* Groups: RFC 7919 NamedGroup values. */
#define GLASS_GROUP_FFDHE2048 0x0100u
#define GLASS_GROUP_FFDHE3072 0x0101u
#define GLASS_GROUP_FFDHE4096 0x0102u   /* only when configured */
/* Signature algorithm in CertificateRequest: rsa_pkcs1_sha256 (RFC 5246 §7.4.1.4.1). */
#define GLASS_SIGALG_RSA_PKCS1_SHA256 0x0401u

/* Alert descriptions: TLS's codes (RFC 5246 §7.2; inappropriate_fallback
 * RFC 7507 §2; unrecognized_name RFC 6066 §3); glass uses access_denied for a
 * refused enrollment. */
enum glass_alert {
    GLASS_ALERT_CLOSE_NOTIFY = 0,
    GLASS_ALERT_UNEXPECTED_MESSAGE = 10,
    GLASS_ALERT_BAD_RECORD_MAC = 20,
    GLASS_ALERT_RECORD_OVERFLOW = 22,
    GLASS_ALERT_HANDSHAKE_FAILURE = 40,
    GLASS_ALERT_BAD_CERTIFICATE = 42,
    GLASS_ALERT_UNSUPPORTED_CERTIFICATE = 43,
    GLASS_ALERT_CERTIFICATE_REVOKED = 44,
    GLASS_ALERT_CERTIFICATE_EXPIRED = 45,
    GLASS_ALERT_CERTIFICATE_UNKNOWN = 46,
    GLASS_ALERT_ILLEGAL_PARAMETER = 47,
    GLASS_ALERT_UNKNOWN_CA = 48,
    GLASS_ALERT_ACCESS_DENIED = 49,
    GLASS_ALERT_DECODE_ERROR = 50,
    GLASS_ALERT_DECRYPT_ERROR = 51,
    GLASS_ALERT_PROTOCOL_VERSION = 70,
    GLASS_ALERT_INSUFFICIENT_SECURITY = 71,
    GLASS_ALERT_INTERNAL_ERROR = 80,
    GLASS_ALERT_INAPPROPRIATE_FALLBACK = 86,
    GLASS_ALERT_USER_CANCELED = 90,
    GLASS_ALERT_NO_RENEGOTIATION = 100,
    GLASS_ALERT_UNSUPPORTED_EXTENSION = 110,
    GLASS_ALERT_UNRECOGNIZED_NAME = 112
};
#define GLASS_ALERT_LEVEL_WARNING 1
#define GLASS_ALERT_LEVEL_FATAL   2

/* "ClientHello", "ServerKeyExchange", ... (the names of enum glass_hs_type,
 * as the trace events use them); NULL for a type glass does not define. */
const char *glass_hs_type_name(unsigned type);

/* "close_notify", "bad_record_mac", ...; "unknown" for other codes. */
const char *glass_alert_name(unsigned code);

/* The alert a failure is reported with (e.g. GLASS_ERR_PROTO_BAD_MAC ->
 * bad_record_mac, GLASS_ERR_X509_EXPIRED -> certificate_expired). */
uint8_t glass_alert_for_error(glass_err err);

/* ---- configuration -------------------------------------------------------- */

typedef enum glass_role {
    GLASS_ROLE_CLIENT = 0,
    GLASS_ROLE_SERVER = 1
} glass_role;

/* A DER object (certificate, CRL) held by the caller. */
typedef struct glass_blob {
    const uint8_t *der;
    size_t len;
} glass_blob;

/* Fills buf with len random bytes; returns GLASS_OK or an error. */
typedef glass_err (*glass_random_fn)(void *arg, uint8_t *buf, size_t len);

/* A ready-made glass_random_fn over a glass_drbg (arg is the glass_drbg *):
 * two engines each handed their own stream replay a handshake byte for byte. */
glass_err glass_random_from_drbg(void *arg, uint8_t *buf, size_t len);

#define GLASS_MAX_GROUPS 4

/* Which protocol an engine speaks.  One engine, two profiles: the
 * differences between them live in one table (protocol/profile.c,
 * docs/TLS12.md "glass vs TLS 1.2"). */
typedef enum glass_profile {
    GLASS_PROFILE_GLASS = 0,    /* the glass protocol (docs/PROTOCOL.md) */
    GLASS_PROFILE_TLS12 = 1     /* real TLS 1.2, TLS_DHE_RSA_WITH_AES_256_CBC_SHA256
                                   (RFC 5246 and docs/TLS12.md) */
} glass_profile;

/* Server: whether a client certificate is asked for (RFC 5246 §7.4.4). */
typedef enum glass_client_auth {
    GLASS_CLIENT_AUTH_DEFAULT = 0,  /* the profile's own: glass requires one
                                       (or an enrollment, with allow_enroll);
                                       TLS 1.2 asks for none */
    GLASS_CLIENT_AUTH_NONE,         /* no CertificateRequest */
    GLASS_CLIENT_AUTH_REQUEST,      /* CertificateRequest; an empty Certificate
                                       is accepted, a presented chain must
                                       verify (openssl s_server -verify N) */
    GLASS_CLIENT_AUTH_REQUIRE       /* CertificateRequest; no certificate is
                                       fatal, handshake_failure (RFC 5246
                                       §7.4.6; openssl s_server -Verify N) */
} glass_client_auth;

/* Client: what a failed check of the server's chain or name does. */
typedef enum glass_peer_verify {
    GLASS_PEER_VERIFY_REQUIRE = 0,  /* fatal: the alert for the failure (glass
                                       always; TLS 1.2 by default) */
    GLASS_PEER_VERIFY_REPORT        /* TLS 1.2 only: go on, and report the
                                       result in glass_conn_info.verify_result
                                       (as openssl s_client does); anchors and
                                       server_name may then be absent */
} glass_peer_verify;

/* Key log hook: called once per connection, as soon as the master secret is
 * known (full handshake or resumption), in either role, with one line in the
 * NSS key log format, without a newline:
 *     CLIENT_RANDOM <64 hex digits: client_random> <96 hex digits: master_secret>
 * The line holds the connection's master secret: whoever reads it can decrypt
 * the session (that is what Wireshark uses it for).  Never set it by default. */
typedef void (*glass_keylog_fn)(void *arg, const char *line);

/* A server's cache of sessions for session-ID resumption (RFC 5246 §7.3,
 * §7.4.1.2), shared by the engines of one server.  Bounded: at most
 * max_entries sessions, the oldest evicted first; an entry older than
 * lifetime seconds (measured with cfg.now) is not resumed.  Entries hold
 * master secrets and are wiped when evicted or freed.  Not thread-safe: one
 * cache per thread, or a lock around the engines that share it. */
typedef struct glass_session_cache glass_session_cache;

/* max_entries 1..65536, lifetime > 0 (GLASS_ERR_ARG otherwise). */
glass_err glass_session_cache_new(glass_session_cache **out, size_t max_entries,
                                  int64_t lifetime);
/* Sessions held now. */
size_t glass_session_cache_count(const glass_session_cache *c);
/* Wipes and frees; NULL is fine. */
void glass_session_cache_free(glass_session_cache *c);

/* Everything the engine needs from outside.  glass_engine_new copies the
 * struct itself; everything it points to (anchors, CRL, chain, key, names,
 * tracer) must stay valid until glass_engine_free. */
typedef struct glass_config {
    glass_role role;
    glass_random_fn random;     /* NULL: glass_random() */
    void *random_arg;
    int64_t now;                /* seconds since 1970 (UTC): certificate validity */

    const glass_blob *anchors;  /* trust anchors (DER), at least one */
    size_t n_anchors;
    glass_blob crl;             /* optional CRL (DER) of the anchor; len 0: none */

    const glass_blob *chain;    /* own chain (DER), leaf first; 0 entries for
                                   an enrolling client (no certificate yet) */
    size_t n_chain;
    const rsa_private_key *key; /* own key; NULL exactly when n_chain is 0 */

    const char *server_name;    /* client: the name the server's certificate
                                   must carry (x509_check_host); required */
    uint16_t groups[GLASS_MAX_GROUPS];  /* preference order; n_groups 0 means
                                   { ffdhe2048, ffdhe3072 } */
    size_t n_groups;
    int allow_enroll;           /* server: 1 lets a client without a certificate
                                   finish the handshake, but only to enroll */
    const glass_tracer *trace;  /* NULL: silent */

    /* ---- added with the TLS 1.2 profile; zero keeps glass as it was ---- */
    glass_profile profile;      /* GLASS_PROFILE_GLASS (0) or GLASS_PROFILE_TLS12 */
    glass_client_auth client_auth;  /* server; see glass_client_auth */
    glass_peer_verify peer_verify;  /* client; see glass_peer_verify */
    const char *sni_name;       /* client, TLS 1.2: the server_name extension
                                   (RFC 6066 §3); NULL: server_name is sent
                                   when it is a host name (not an IP address) */
    glass_keylog_fn keylog;     /* NULL: no key log */
    void *keylog_arg;
    glass_session_cache *session_cache; /* server, TLS 1.2: NULL, no resumption
                                   (the ServerHello session_id is empty) */
    const uint8_t *session;     /* client, TLS 1.2: a blob from
                                   glass_engine_session_save to offer for
                                   resumption; NULL: a full handshake */
    size_t session_len;
    int disable_etm;            /* TLS 1.2: 1 neither offers nor accepts
                                   encrypt_then_mac (RFC 7366); glass ignores it */
    int disable_ems;            /* TLS 1.2: 1 neither offers nor accepts
                                   extended_master_secret (RFC 7627); glass
                                   ignores it */
    int insecure_skip_verify;   /* lab build only (docs/labs/05): a client
                                   accepts any server chain and name, as a
                                   client that skips verification does.  The
                                   field is always here, so the API is the
                                   same in every build, but only an engine
                                   compiled with -DGLASS_LAB_BUILD (make labs)
                                   honours it; the normal build ignores it. */
    const struct aes_impl *aes_impl;    /* the record layer's AES: NULL is the
                                   constant-time default (aes_impl_default:
                                   AES-NI where the CPU has it, else the
                                   bitsliced cipher); an entry of aes/aes.h's
                                   table to compare them (s_server -impl).
                                   One the CPU lacks fails the handshake. */

    /* ---- added with server-only access (docs/PROTOCOL.md §10) ---- */
    int anonymous;              /* glass only.  Server: a client without a
                                   certificate may also carry application data
                                   after the handshake (server-only access, as
                                   HTTPS); the application decides what such a
                                   client may do.  Client (no chain): go to
                                   application data after the handshake
                                   instead of enrolling. */

    /* ---- added for revocation newer than the CRL ---- */
    glass_err (*revocation_check)(void *arg, const uint8_t *serial, size_t serial_len);
    void *revocation_arg;       /* server, optional: called with the client
                                   leaf's serial once its chain has verified
                                   (CRL included), while the handshake is
                                   still open: before the server's Finished.
                                   GLASS_OK accepts the certificate; any
                                   other error refuses it with that error's
                                   alert (GLASS_ERR_X509_REVOKED:
                                   certificate_revoked).  glass server asks
                                   its CA's index, which a revocation reaches
                                   before a new CRL is signed.  NULL: the
                                   CRL alone decides. */
} glass_config;

/* ---- the engine ------------------------------------------------------------- */

/* The handshake states, one per message awaited (RFC 5246 §7.3, Figure 1;
 * a resumed TLS 1.2 session goes through the Figure 2 subset).
 * gdb prints these names; glass_engine_state_name gives them as strings. */
typedef enum glass_state {
    GLASS_STATE_START = 0,                /* before glass_engine_start */
    /* client */
    GLASS_STATE_C_WAIT_SERVER_HELLO,
    GLASS_STATE_C_WAIT_CERTIFICATE,
    GLASS_STATE_C_WAIT_SERVER_KEY_EXCHANGE,
    GLASS_STATE_C_WAIT_CERTIFICATE_REQUEST,
    GLASS_STATE_C_WAIT_SERVER_HELLO_DONE,
    GLASS_STATE_C_WAIT_CHANGE_CIPHER_SPEC, /* TLS 1.2 only */
    GLASS_STATE_C_WAIT_FINISHED,
    GLASS_STATE_C_ENROLL_READY,           /* server-authenticated only: may enroll */
    GLASS_STATE_C_WAIT_ENROLL_RESPONSE,
    GLASS_STATE_C_ENROLL_DONE,            /* answered; the server closes next */
    /* server */
    GLASS_STATE_S_WAIT_CLIENT_HELLO,
    GLASS_STATE_S_WAIT_CERTIFICATE,
    GLASS_STATE_S_WAIT_CLIENT_KEY_EXCHANGE,
    GLASS_STATE_S_WAIT_CERTIFICATE_VERIFY,
    GLASS_STATE_S_WAIT_CHANGE_CIPHER_SPEC, /* TLS 1.2 only */
    GLASS_STATE_S_WAIT_FINISHED,
    GLASS_STATE_S_WAIT_ENROLL_REQUEST,    /* client unauthenticated: only enrollment */
    GLASS_STATE_S_WAIT_ENROLL_REPLY,      /* the application must answer */
    /* both */
    GLASS_STATE_APPLICATION,              /* app data: mutually authenticated, or
                                             server-only with cfg.anonymous */
    GLASS_STATE_CLOSED,                   /* close_notify sent or received */
    GLASS_STATE_ERROR                     /* a fatal alert was sent or received */
} glass_state;

typedef enum glass_event_type {
    GLASS_EV_NONE = 0,
    GLASS_EV_HANDSHAKE_DONE,   /* peer_name = peer's subject CN ("" for a
                                  client without a certificate: enrolling,
                                  or anonymous with cfg.anonymous);
                                  authenticated = 1 when the peer presented
                                  a certificate */
    GLASS_EV_APP_MESSAGE,      /* data[0..len) = one application record's bytes;
                                  peer_name = the peer's CN */
    GLASS_EV_ENROLL_REQUEST,   /* server: peer_name = requested name,
                                  data = PKCS#10 DER, code = one-time code;
                                  answer with glass_engine_enroll_reply or
                                  glass_engine_enroll_refuse */
    GLASS_EV_ENROLL_RESULT,    /* client: enroll_ok = 1 and data = certificate
                                  DER, or enroll_ok = 0 and data = the reason */
    GLASS_EV_ALERT_SENT,       /* alert = code, err = the failure behind it
                                  (TLS 1.2 also a no_renegotiation warning,
                                  after which the connection goes on) */
    GLASS_EV_ALERT_RECEIVED,   /* alert = code (TLS 1.2: a warning other than
                                  close_notify is only reported) */
    GLASS_EV_CLOSED            /* the connection is over; err = GLASS_OK after
                                  close_notify, else the failure */
} glass_event_type;

#define GLASS_MAX_NAME 255

/* One event.  Pointers stay valid until the next call of
 * glass_engine_next_event or glass_engine_free. */
typedef struct glass_event {
    glass_event_type type;
    const uint8_t *data;
    size_t len;
    char peer_name[GLASS_MAX_NAME + 1];
    int authenticated;
    const uint8_t *code;
    size_t code_len;
    int enroll_ok;
    uint8_t alert;
    glass_err err;
} glass_event;

typedef struct glass_engine glass_engine;

/* Checks the config (GLASS_ERR_ARG for a missing anchor, a client without
 * server_name, a key without a chain or the reverse, a server without a
 * certificate, an unknown group, an unknown profile or client_auth, a
 * session blob that does not parse) and allocates an engine in
 * GLASS_STATE_START.  In the TLS 1.2 profile a client with
 * GLASS_PEER_VERIFY_REPORT needs neither anchors nor server_name, and a
 * server needs anchors only when it asks for client certificates. */
glass_err glass_engine_new(glass_engine **out, const glass_config *cfg);

/* Client: queues ClientHello.  Server: starts waiting for it.
 * GLASS_ERR_PROTO_STATE if called twice. */
glass_err glass_engine_start(glass_engine *e);

/* Consumes len network bytes (any split: partial records are kept until
 * complete).  May queue output and events.  Returns GLASS_OK, or the error
 * that ended the connection (the alert is then queued and the engine is in
 * GLASS_STATE_ERROR); after the end, GLASS_ERR_PROTO_CLOSED. */
glass_err glass_engine_feed(glass_engine *e, const uint8_t *bytes, size_t len);

/* The bytes waiting to be sent: *ptr, *len (len 0 when none).  The pointer
 * stays valid until the next call that changes the engine. */
void glass_engine_output(glass_engine *e, const uint8_t **ptr, size_t *len);
/* Marks the first n waiting bytes as sent (n <= the waiting length). */
void glass_engine_consume_output(glass_engine *e, size_t n);

/* Takes the oldest event into *ev; returns 1, or 0 (ev->type GLASS_EV_NONE)
 * when there is none. */
int glass_engine_next_event(glass_engine *e, glass_event *ev);

/* Queues one protected application record of len bytes (1..GLASS_MAX_PLAINTEXT;
 * GLASS_ERR_PROTO_RECORD_OVERFLOW above).  Only in GLASS_STATE_APPLICATION
 * (GLASS_ERR_PROTO_STATE otherwise). */
glass_err glass_engine_send_app(glass_engine *e, const uint8_t *bytes, size_t len);
/* A stream of len bytes (1 or more) as consecutive application records of
 * at most GLASS_MAX_PLAINTEXT bytes, each as glass_engine_send_app would
 * queue it; the peer gets one GLASS_EV_APP_MESSAGE per record, so it is for
 * TLS 1.2's byte stream, not for glass's one-message-per-record.  Without a
 * tracer, GLASS_SEAL_LANES records at a time have their CBC chains
 * encrypted side by side, which is what makes bulk sending fast with the
 * bitsliced AES (eight blocks a pass); a caller that hands over that many
 * records' worth of bytes at once gets the whole benefit. */
glass_err glass_engine_send_app_many(glass_engine *e, const uint8_t *bytes, size_t len);
#define GLASS_SEAL_LANES 8

/* Client in GLASS_STATE_C_ENROLL_READY: queues EnrollRequest(name, csr, code).
 * name 1..255 bytes, code 1..255 bytes, csr 1..65535 bytes. */
glass_err glass_engine_enroll(glass_engine *e, const char *name, const uint8_t *csr,
                              size_t csr_len, const uint8_t *code, size_t code_len);

/* Server in GLASS_STATE_S_WAIT_ENROLL_REPLY: queues EnrollResponse(issued,
 * cert) then close_notify. */
glass_err glass_engine_enroll_reply(glass_engine *e, const uint8_t *cert_der, size_t len);

/* Server in GLASS_STATE_S_WAIT_ENROLL_REPLY: queues EnrollResponse(refused,
 * reason) then a fatal access_denied alert. */
glass_err glass_engine_enroll_refuse(glass_engine *e, const char *reason);

/* Queues close_notify (once; emits GLASS_EV_ALERT_SENT and GLASS_EV_CLOSED)
 * and moves to GLASS_STATE_CLOSED.  GLASS_OK if already closed,
 * GLASS_ERR_PROTO_CLOSED after a fatal error. */
glass_err glass_engine_close(glass_engine *e);

/* Ends the connection with a fatal alert chosen by the application, e.g.
 * a server that learns after the handshake that the client's certificate
 * has been revoked: glass_engine_abort(e, GLASS_ERR_X509_REVOKED) sends
 * certificate_revoked where glass_engine_close would send close_notify.
 * The alert is glass_alert_for_error(reason) (protected once the write keys
 * are on); then, as for any failure inside the engine, GLASS_EV_ALERT_SENT
 * (err = reason) and GLASS_EV_CLOSED, and GLASS_STATE_ERROR with
 * glass_engine_error = reason.  Any state after glass_engine_start.
 * GLASS_ERR_ARG for reason GLASS_OK, GLASS_ERR_PROTO_STATE before
 * glass_engine_start, GLASS_ERR_PROTO_CLOSED once the connection is over. */
glass_err glass_engine_abort(glass_engine *e, glass_err reason);

/* Wipes every key and secret and frees the engine.  NULL is fine. */
void glass_engine_free(glass_engine *e);

glass_state glass_engine_state(const glass_engine *e);
/* "C_WAIT_SERVER_HELLO", "APPLICATION", ... */
const char *glass_engine_state_name(const glass_engine *e);
const char *glass_state_name(glass_state s);
/* The error that ended the connection (GLASS_OK while it is alive or after
 * a clean close). */
glass_err glass_engine_error(const glass_engine *e);
/* What was negotiated, from ServerHello on (sent by a server, received by
 * a client); 0 before.  The suite is GLASS_SUITE_DHE_RSA_AES256_CBC_SHA256,
 * the group a GLASS_GROUP_* value (dh_group_by_tls_id gives its name and
 * the length of p). */
uint16_t glass_engine_suite(const glass_engine *e);
uint16_t glass_engine_group(const glass_engine *e);
/* The peer's leaf certificate DER once received (NULL, 0 before / none;
 * after a resumption, the certificate the session was made with). */
void glass_engine_peer_cert(const glass_engine *e, const uint8_t **der, size_t *len);

/* What a connection negotiated, for a summary or a status page. */
typedef struct glass_conn_info {
    glass_profile profile;
    uint16_t version;           /* GLASS_VERSION or GLASS_TLS12_VERSION; 0
                                   before ServerHello */
    uint16_t suite;             /* 0x006B; 0 before ServerHello */
    uint16_t group;             /* a GLASS_GROUP_* value, or 0 for a server
                                   group that is no RFC 7919 group (client) and
                                   after a resumption (no key exchange) */
    char group_name[16];        /* the group's name whenever it is one we
                                   know: "ffdhe2048", or "modp14" for RFC 3526
                                   group 14 (what openssl s_server sends);
                                   "" for an unnamed group or a resumption */
    size_t dh_bits;             /* length of p in bits; 0 after a resumption */
    size_t peer_key_bits;       /* the peer's RSA modulus in bits; 0 without
                                   a peer certificate */
    int ems;                    /* 1: extended master secret (RFC 7627) */
    int etm;                    /* 1: encrypt-then-MAC (RFC 7366) */
    int resumed;                /* 1: abbreviated handshake (RFC 5246 §7.3) */
    int secure_renegotiation;   /* 1: peer signalled RFC 5746 */
    uint8_t session_id[32];     /* the session's ID (TLS 1.2), session_id_len
                                   bytes (0 when none) */
    size_t session_id_len;
    glass_err verify_result;    /* client: GLASS_OK when the server's chain
                                   and name verified, else why not (only
                                   non-OK with GLASS_PEER_VERIFY_REPORT);
                                   server: the client chain's result */
    uint16_t peer_version;      /* the version bytes of the peer's first
                                   record (e.g. 0x0303 from a TLS peer met by
                                   a glass engine); 0 before */
    char sni[GLASS_MAX_NAME + 1];   /* server: the host name the client asked
                                   for in server_name ("" when none) */
} glass_conn_info;

/* Fills *info (every field 0 / "" where not yet known).  Any state. */
void glass_engine_info(const glass_engine *e, glass_conn_info *info);

/* The most bytes glass_engine_session_save writes. */
#define GLASS_SESSION_MAX_LEN 20480

/* Client, TLS 1.2, after GLASS_EV_HANDSHAKE_DONE of a connection whose
 * server gave a session_id (also after a clean close, not after a fatal
 * error): writes an opaque blob (version, session_id,
 * master secret, EMS flag, suite, the server's name and leaf certificate)
 * that cfg.session takes back to resume it.  The blob holds the master
 * secret: store it like a private key (0600, written atomically).
 * GLASS_ERR_PROTO_STATE before the handshake is done or without a
 * session_id; GLASS_ERR_BUFFER_TOO_SMALL when cap is short (*out_len then
 * says how much is needed). */
glass_err glass_engine_session_save(const glass_engine *e, uint8_t *out, size_t cap,
                                    size_t *out_len);

/* ---- the dissector ---------------------------------------------------------- */

/* Called once per field, in order: offset and len within the bytes given,
 * field a dotted name ("ClientHello.random"), meaning one line of prose.
 * For each message a first call covers the whole message with field = the
 * message name and meaning = its TLS 1.2 counterpart (RFC 5246 section) and
 * what differs. */
typedef void (*glass_dissect_fn)(void *arg, size_t offset, size_t len, const char *field,
                                 const char *meaning);

/* Dissects one handshake message (4-byte header + body), as the "send X" /
 * "recv X" trace events carry it.  GLASS_ERR_PROTO_DECODE if it does not parse
 * (fields up to the fault are still reported). */
glass_err glass_dissect_handshake(const uint8_t *msg, size_t len, glass_dissect_fn cb, void *arg);

/* Dissects one handshake message of either profile: a glass message as
 * glass_dissect_handshake does, a TLS 1.2 message (ClientHello with its
 * extensions, ServerKeyExchange with explicit p and g, ...) as RFC 5246
 * §7.4 lays it out, with the same field names where a field is the same
 * (dissect12.c).  GLASS_ERR_ARG for NULL or an unknown profile;
 * GLASS_ERR_PROTO_DECODE if it does not parse (the fields up to the fault
 * are still reported). */
glass_err glass_dissect_handshake_profile(glass_profile profile, const uint8_t *msg, size_t len,
                                          glass_dissect_fn cb, void *arg);

/* Dissects one record as on the wire: the header, then for a plaintext
 * record its content (handshake message, alert), for a protected record its
 * IV, ciphertext and MAC.  `is_protected` says which. */
glass_err glass_dissect_record(const uint8_t *rec, size_t len, int is_protected,
                               glass_dissect_fn cb, void *arg);

/* Either a record (bytes 1..2 equal GLASS_VERSION) or a handshake message.
 * A record is taken as plaintext when it is a 2-byte alert or a handshake
 * record whose message length fills it exactly, else as protected. */
glass_err glass_dissect(const uint8_t *bytes, size_t len, glass_dissect_fn cb, void *arg);

/* ---- application messages (chat, page fetch, key-value; docs/PROTOCOL.md §7) */

/* Types 1..15 chat; 16..31 page fetch, 32..47 the key-value store. */
enum glass_app_type {
    GLASS_APP_SEND_TO = 1,     /* to, text: please deliver text to client `to` */
    GLASS_APP_DELIVER = 2,     /* from, text: a message relayed from `from` */
    GLASS_APP_WHO = 3,         /* (empty): who is connected? */
    GLASS_APP_WHO_LIST = 4,    /* names: the connected clients */
    GLASS_APP_ERROR = 5,       /* code, text: e.g. no such client */
    GLASS_APP_BYE = 6,         /* (empty): I am leaving */
    /* page fetch (16..31) */
    GLASS_APP_FETCH_REQUEST = 16,  /* text: an HTTP/1.1 request, whole */
    GLASS_APP_FETCH_RESPONSE = 17, /* last, text: a piece of the HTTP/1.1 response */
    /* the key-value store (32..47); name = the key in each */
    GLASS_APP_KV_PUT = 32,     /* key, text: store text under key */
    GLASS_APP_KV_GET = 33,     /* key: what is stored under key? */
    GLASS_APP_KV_DELETE = 34,  /* key: forget key */
    GLASS_APP_KV_LIST = 35,    /* (empty): which keys are stored? */
    GLASS_APP_KV_VALUE = 36,   /* key, text: the answer to KvGet */
    GLASS_APP_KV_DONE = 37,    /* key: KvPut or KvDelete succeeded */
    GLASS_APP_KV_KEYS = 38     /* names: the answer to KvList */
};

/* Error codes in GLASS_APP_ERROR. */
enum glass_app_error {
    GLASS_APP_ERR_NO_SUCH_CLIENT = 1,
    GLASS_APP_ERR_BAD_MESSAGE = 2,
    GLASS_APP_ERR_TOO_LONG = 3,
    GLASS_APP_ERR_NO_SUCH_KEY = 4,  /* KvGet, KvDelete of a key not stored */
    GLASS_APP_ERR_LIMIT = 5,        /* a key-value limit: key, value or count */
    GLASS_APP_ERR_STORAGE = 6,      /* the server could not keep the store */
    GLASS_APP_ERR_BUSY = 7,         /* a FetchRequest while a response is still sent */
    GLASS_APP_ERR_NEEDS_CERT = 8    /* chat or key-value from a client without a
                                       certificate (server-only session) */
};

#define GLASS_APP_MAX_NAMES 256

/* Most response bytes one FetchResponse carries: the record limit less the
 * type, `last` and length bytes. */
#define GLASS_APP_FETCH_PIECE (GLASS_MAX_PLAINTEXT - 4)

/* A decoded application message.  Pointers point into the decoded buffer
 * (no copies); names are 1..255 bytes with no NUL byte. */
typedef struct glass_app_msg {
    uint8_t type;
    const uint8_t *name;        /* SEND_TO: to; DELIVER: from; KV_*: the key */
    size_t name_len;
    const uint8_t *text;        /* SEND_TO, DELIVER, ERROR; FETCH_*: the HTTP
                                   bytes; KV_PUT, KV_VALUE: the value */
    size_t text_len;
    uint16_t code;              /* ERROR */
    uint8_t last;               /* FETCH_RESPONSE: 1 on the final piece */
    size_t n_names;             /* WHO_LIST; KV_KEYS: the keys */
    const uint8_t *names[GLASS_APP_MAX_NAMES];
    size_t name_lens[GLASS_APP_MAX_NAMES];
} glass_app_msg;

/* Encoders: write into out[0..cap), set *out_len.  GLASS_ERR_ARG for a name
 * of 0 or > 255 bytes or with a NUL, GLASS_ERR_PROTO_RECORD_OVERFLOW when
 * the message would exceed GLASS_MAX_PLAINTEXT, GLASS_ERR_BUFFER_TOO_SMALL. */
glass_err glass_app_encode_send_to(uint8_t *out, size_t cap, size_t *out_len, const char *to,
                                   const uint8_t *text, size_t text_len);
glass_err glass_app_encode_deliver(uint8_t *out, size_t cap, size_t *out_len, const char *from,
                                   const uint8_t *text, size_t text_len);
glass_err glass_app_encode_who(uint8_t *out, size_t cap, size_t *out_len);
glass_err glass_app_encode_who_list(uint8_t *out, size_t cap, size_t *out_len,
                                    const char *const *names, size_t n_names);
glass_err glass_app_encode_error(uint8_t *out, size_t cap, size_t *out_len, uint16_t code,
                                 const char *text);
glass_err glass_app_encode_bye(uint8_t *out, size_t cap, size_t *out_len);

/* Page fetch.  A FetchRequest carries one whole HTTP/1.1 request (1 byte up
 * to what fits in a record); the response comes back cut into
 * FetchResponse pieces of at most GLASS_APP_FETCH_PIECE bytes, the final
 * one with last = 1 (GLASS_ERR_ARG for an empty request or last not 0/1). */
glass_err glass_app_encode_fetch_request(uint8_t *out, size_t cap, size_t *out_len,
                                         const uint8_t *request, size_t request_len);
glass_err glass_app_encode_fetch_response(uint8_t *out, size_t cap, size_t *out_len,
                                          unsigned last, const uint8_t *piece,
                                          size_t piece_len);

/* The key-value store.  Keys are encoded like names (1..255 bytes, no NUL);
 * values are opaque<0..2^16-1>.  KvKeys lists at most GLASS_APP_MAX_NAMES
 * keys. */
glass_err glass_app_encode_kv_put(uint8_t *out, size_t cap, size_t *out_len, const char *key,
                                  const uint8_t *value, size_t value_len);
glass_err glass_app_encode_kv_get(uint8_t *out, size_t cap, size_t *out_len, const char *key);
glass_err glass_app_encode_kv_delete(uint8_t *out, size_t cap, size_t *out_len,
                                     const char *key);
glass_err glass_app_encode_kv_list(uint8_t *out, size_t cap, size_t *out_len);
glass_err glass_app_encode_kv_value(uint8_t *out, size_t cap, size_t *out_len, const char *key,
                                    const uint8_t *value, size_t value_len);
glass_err glass_app_encode_kv_done(uint8_t *out, size_t cap, size_t *out_len, const char *key);
glass_err glass_app_encode_kv_keys(uint8_t *out, size_t cap, size_t *out_len,
                                   const char *const *keys, size_t n_keys);

/* Decodes one message; GLASS_ERR_PROTO_DECODE for an unknown type, a length
 * that runs past the end, trailing bytes or a bad name. */
glass_err glass_app_decode(const uint8_t *in, size_t len, glass_app_msg *msg);

/* "SendTo", "Deliver", "Who", "WhoList", "Error", "Bye", "FetchRequest",
 * "FetchResponse", "KvPut", "KvGet", "KvDelete", "KvList", "KvValue",
 * "KvDone", "KvKeys"; "unknown". */
const char *glass_app_type_name(unsigned type);

/* Dissects one application message like glass_dissect_handshake. */
glass_err glass_dissect_app(const uint8_t *msg, size_t len, glass_dissect_fn cb, void *arg);

#endif
