/*
 * engine_internal.h — what the engine's files share: struct glass_engine,
 * the profile table, and the helpers every handler calls.  Only the .c files of protocol/
 * include it; tests and applications use protocol.h (and, for the pieces
 * under the engine, protocol_internal.h).
 *
 * The engine is five files, read in this order:
 *   engine.c     bytes in -> records -> handshake messages -> the role's
 *                state switch; events, sending, failing; the public API
 *   hs_client.c  the client: its state switch and one send_X / recv_X per
 *                message, in the order they fly (RFC 5246 §7.3, Figure 1)
 *   hs_server.c  the server, likewise
 *   hs_keys.c    what both roles compute: the key schedule, Finished,
 *                checking the peer's chain and DH value
 *   alerts.c     alert names and which alert each failure sends
 * and beside them: profile.c (the one table of glass / TLS 1.2
 * differences), hello12.c (what the TLS 1.2 hellos decide), messages12.c
 * (the TLS 1.2 forms of the messages), session.c (the server's session
 * cache, the client's session blob, glass_engine_info), enroll.c (glass's
 * enrollment calls); under them record.c and record_mte.c (records),
 * messages.c (glass's messages), keysched.c (the PRF steps).
 */
#ifndef GLASS_ENGINE_INTERNAL_H
#define GLASS_ENGINE_INTERNAL_H

#include "protocol/protocol_internal.h"
#include "ca/ca.h"

/* ---- the profile table (profile.c) ------------------------------------------------ */

/* Everything that differs between glass and TLS 1.2, as data.  The engine
 * reads these fields where the two part ways; tests/peer/profile_table prints
 * them as the table of docs/TLS12.md, so the document and the code cannot
 * disagree. */
typedef struct glass_profile_rules {
    const char *name;                /* "glass", "TLS 1.2" */
    uint16_t version;                /* in every record header and both hellos */
    int change_cipher_spec;          /* 1: ChangeCipherSpec turns protection on
                                        (RFC 5246 §7.1); 0: Finished does */
    int hello_extensions;            /* 1: hellos carry session_id, compression
                                        and extensions (RFC 5246 §7.4.1.2); 0:
                                        glass's fixed hello with a group list */
    int dh_params_in_ske;            /* 1: ServerKeyExchange carries p, g, Ys
                                        (RFC 5246 §7.4.3); 0: a group id and Ys */
    int sigalg_in_signatures;        /* 1: signatures carry a SignatureAndHash-
                                        Algorithm (RFC 5246 §4.7) */
    int ems_always;                  /* 1: extended master secret, never the
                                        RFC 5246 §8.1 one; 0: negotiated */
    int etm_always;                  /* 1: encrypt-then-MAC only; 0: negotiated
                                        (RFC 7366), else MAC-then-encrypt */
    int one_message_per_record;      /* 1: a handshake message fills exactly one
                                        record; 0: fragmented / coalesced
                                        (RFC 5246 §6.2.1) */
    int client_cert_required;        /* default client_auth: 1 require, 0 none */
    int enrollment;                  /* 1: EnrollRequest / EnrollResponse */
    int resumption;                  /* 1: session-ID resumption (RFC 5246 §7.3) */
    int named_groups_only;           /* 1: a client accepts only the groups it
                                        offered; 0: any safe group >= 2048 bits */
} glass_profile_rules;

/* GLASS_PROFILE_GLASS and GLASS_PROFILE_TLS12, in that order. */
extern const glass_profile_rules glass_profile_table[2];

/* One row of the "glass vs TLS 1.2" table: a field of glass_profile_rules,
 * what it means, and the standard's clause behind the TLS 1.2 value. */
typedef struct glass_profile_row {
    const char *field;               /* the field's name in glass_profile_rules */
    const char *what;
    size_t offset;                   /* offsetof(glass_profile_rules, field): an int */
    const char *glass_says;          /* the glass value in words */
    const char *tls12_says;          /* the TLS 1.2 value in words */
    const char *clause;
} glass_profile_row;

extern const glass_profile_row glass_profile_rows[];
extern const size_t glass_profile_n_rows;

/* ---- the engine ----------------------------------------------------------------- */

typedef struct queued_event {
    glass_event ev;
    uint8_t *owned;             /* malloc'd copy behind ev.data and ev.code */
} queued_event;

struct glass_engine {
    glass_config cfg;
    const glass_profile_rules *prof;
    glass_state state;
    glass_err err;              /* what ended the connection */
    int close_sent;

    glass_buf in;               /* received bytes, not yet a whole record */
    glass_buf hs_in;            /* handshake bytes, not yet a whole message */
    glass_buf out;              /* bytes waiting to be sent */
    queued_event *events;       /* FIFO of events not yet taken */
    size_t n_events;
    size_t cap_events;
    uint8_t *taken;             /* data of the event last handed out */

    /* the handshake */
    sha256_ctx transcript;
    uint8_t client_random[GLASS_RANDOM_LEN];
    uint8_t server_random[GLASS_RANDOM_LEN];
    uint16_t suite;             /* 0 until ServerHello: see glass_engine_suite */
    const dh_group *group;      /* a named group, or &custom_group */
    uint16_t group_id;          /* 0 for a server's own (p, g) in TLS 1.2 */
    dh_group custom_group;      /* TLS 1.2 client: the server's (p, g) */
    int have_custom_group;
    dh_keypair dh;              /* own ephemeral key */
    mpz_t peer_y;               /* the peer's public value, validated */
    uint8_t master_secret[TLS12_MASTER_SECRET_LEN];
    glass_keys keys;
    glass_direction rd;         /* records we receive */
    glass_direction wr;         /* records we send */
    uint16_t peer_version;      /* record version of the peer's first record */
    int keylog_done;
    int hs_complete;            /* both Finished checked (a session exists) */

    /* TLS 1.2: what the hellos settled */
    int ems;                    /* extended master secret in use */
    int etm;                    /* encrypt-then-MAC in use */
    int resumed;                /* abbreviated handshake */
    int secure_reneg;           /* peer sent renegotiation_info or the SCSV */
    int cert_requested;         /* client: the server sent CertificateRequest */
    glass_client_auth client_auth;  /* server: the profile's default resolved */
    int sent_cert;              /* client: our Certificate was not empty */
    int can_sign;               /* client: the request takes rsa_pkcs1_sha256 */
    uint8_t session_id[32];
    size_t session_id_len;
    char sni[GLASS_MAX_NAME + 1];
    glass_err verify_result;
    glass_session offer;        /* client: the session cfg.session offers */
    int have_offer;
    const uint8_t *offer_cert;  /* its server leaf (DER, inside cfg.session) */
    size_t offer_cert_len;

    /* the peer */
    x509_cert peer_cert;        /* leaf, when one was presented */
    int have_peer_cert;
    char peer_name[GLASS_MAX_NAME + 1];

    /* the trust store, parsed from cfg */
    x509_cert *anchors;
    size_t n_anchors;
    x509_crl crl;
    int have_crl;

    uint8_t pt[GLASS_MAX_FRAGMENT];     /* the record being opened */
};

/* A handshake message as a handler receives it: the whole message (4-byte
 * header + body) for the transcript, and the body to decode. */
typedef struct glass_hs_msg {
    unsigned type;
    const uint8_t *msg;
    size_t msg_len;
    const uint8_t *body;
    size_t len;
} glass_hs_msg;

/* ---- engine.c: shared by the handlers --------------------------------------------- */

glass_err glass_eng_random(glass_engine *e, uint8_t *buf, size_t len);
glass_err glass_eng_push_event(glass_engine *e, const glass_event *ev);
void glass_eng_set_state(glass_engine *e, glass_state s);
/* Encodes nothing: sends the message in b (encoded by messages.c, status
 * enc) and, during the handshake (in_transcript), adds it to the transcript.
 * Frees b. */
glass_err glass_eng_send_handshake(glass_engine *e, glass_buf *b, glass_err enc,
                                   int in_transcript);
/* TLS 1.2: one ChangeCipherSpec record (RFC 5246 §7.1). */
glass_err glass_eng_send_change_cipher_spec(glass_engine *e);
void glass_eng_transcript_add(glass_engine *e, const uint8_t *msg, size_t len);
void glass_eng_transcript_hash(const glass_engine *e, uint8_t out[SHA256_DIGEST_LEN]);
/* GLASS_EV_HANDSHAKE_DONE. */
void glass_eng_handshake_done(glass_engine *e, int peer_authenticated);
/* Every failure: one fatal alert, two events, GLASS_STATE_ERROR.  Returns err. */
glass_err glass_eng_fail(glass_engine *e, glass_err err);

/* ---- hs_client.c, hs_server.c: each role's state switch ---------------------------- */

glass_err glass_client_start(glass_engine *e);
glass_err glass_client_handle(glass_engine *e, const glass_hs_msg *m);
glass_err glass_client_change_cipher_spec(glass_engine *e);
glass_err glass_server_handle(glass_engine *e, const glass_hs_msg *m);
glass_err glass_server_change_cipher_spec(glass_engine *e);
/* Glass: application data from a client without a certificate, while an
 * EnrollRequest was awaited: a server-only session when cfg.anonymous,
 * else GLASS_ERR_PROTO_NO_CLIENT_CERT. */
glass_err glass_server_anonymous_data(glass_engine *e);

/* ---- hello12.c: the TLS 1.2 hellos -------------------------------------------------- */

void glass_hello12_client_offer(glass_engine *e, glass_tls_client_hello *m);
/* Server: version, compression, suite, signature algorithms, RFC 5746, EMS,
 * EtM, server_name, then resumption or a group.  The error names the alert. */
glass_err glass_hello12_server_choose(glass_engine *e, const glass_tls_client_hello *ch);
void glass_hello12_server_answer(glass_engine *e, glass_tls_server_hello *m);
/* Client: what the server chose, and whether it resumes our session. */
glass_err glass_hello12_client_check(glass_engine *e, const glass_tls_server_hello *sh);
/* Client: the group of the server's ServerKeyExchange. */
glass_err glass_hello12_client_group(glass_engine *e, const uint8_t *p, size_t p_len,
                                     const uint8_t *g, size_t g_len);
void glass_hello12_default_groups(glass_config *cfg);

/* ---- session.c: the session blob ---------------------------------------------------- */

/* Parses cfg.session into e->offer (GLASS_ERR_ARG when it does not parse). */
glass_err glass_session_blob_read(glass_engine *e, const uint8_t *blob, size_t len);
/* Server: the session just made goes into the cache. */
void glass_eng_cache_session(glass_engine *e);

/* ---- hs_keys.c: what both roles compute ---------------------------------------------- */

/* Z, pre_master_secret, master_secret (extended or not), the four keys. */
glass_err glass_eng_derive_keys(glass_engine *e);
/* key_block and the four keys from master_secret and both randoms. */
glass_err glass_eng_expand_keys(glass_engine *e);
/* Sends the key log line once the master secret is known. */
void glass_eng_keylog(glass_engine *e);
/* verify_data of `who` ("client" / "server") over the transcript so far. */
glass_err glass_eng_finished_value(glass_engine *e, const char *who,
                                   uint8_t out[GLASS_VERIFY_DATA_LEN]);
/* Turns on write protection (glass: just before Finished; TLS 1.2: after
 * our ChangeCipherSpec) and sends our Finished. */
glass_err glass_eng_send_finished(glass_engine *e);
/* Turns on read protection with the peer's keys. */
glass_err glass_eng_activate_read(glass_engine *e);
/* Checks the peer's Finished in constant time; adds it to the transcript. */
glass_err glass_eng_check_finished(glass_engine *e, const glass_hs_msg *m);
/* Sends cfg's chain, or (with_chain 0) an empty Certificate. */
glass_err glass_eng_send_chain(glass_engine *e, int with_chain);
/* Parses and verifies the peer's chain for purpose; keeps the leaf. */
glass_err glass_eng_check_peer_chain(glass_engine *e, const glass_certificate_msg *m,
                                     enum x509_purpose purpose);
/* The CertificateVerify digest: SHA-256 of the messages so far. */
void glass_eng_certificate_verify_hash(glass_engine *e, uint8_t hash[SHA256_DIGEST_LEN]);
/* Reads the peer's DH value (p_len bytes or fewer) and validates it. */
glass_err glass_eng_take_peer_y(glass_engine *e, const uint8_t *Y, size_t len);
/* Own DH key pair; Y as p_len bytes. */
glass_err glass_eng_make_dh(glass_engine *e, uint8_t *Y);
/* Verifies a TLS 1.2 digitally-signed (RFC 5246 §4.7) over data[0..len)
 * with the peer's key: rsa_pkcs1_sha256 or rsa_pss_rsae_sha256;
 * GLASS_ERR_PROTO_ILLEGAL_PARAM for another algorithm, GLASS_ERR_PROTO_DECRYPT
 * for a bad signature. */
glass_err glass_eng_verify_signed(glass_engine *e, uint16_t sigalg, const uint8_t *data,
                                  size_t len, const uint8_t *sig, size_t sig_len);

#endif
