/*
 * walk_internal.h — what walk_session.c (the connection and its narration),
 * walk_derive.c (each derived value recomputed), walk_sig.c (the two RSA
 * signatures checked) and walk_cmd.c (the files of --save and the commands
 * that read them) share: the state of one narrated connection.  Nothing
 * outside classroom/ includes this.
 */
#ifndef GLASS_WALK_INTERNAL_H
#define GLASS_WALK_INTERNAL_H

#include "classroom/walk_session.h"

#include <stddef.h>
#include <stdint.h>

#define MAX_MSGS    32
#define MAX_DERIVED 64
#define MAX_FIELDS  128

typedef struct stored {
    int from_client;
    char name[32];
    uint8_t *b;
    size_t len;
} stored;

typedef struct derived {
    char key[64];
    uint8_t *b;
    size_t len;
} derived;

typedef struct walk {
    wk_out *o;
    walk_pki *pki;
    const walk_opts *opts;
    stored msgs[MAX_MSGS];      /* handshake messages, in the order sent */
    size_t n_msgs;
    derived der[MAX_DERIVED];   /* every derived value, by key */
    size_t n_der;
    uint8_t client_random[32], server_random[32];
    uint64_t seq[2];            /* protected records sent: [0] client, [1] server */
    int pending_protected[2];   /* a record IV was just derived: the next record is protected */
    uint8_t *last_plain[2];     /* plaintext handed to the record layer last */
    size_t last_plain_len[2];
    uint8_t last_mac[2][32];
    int mismatches;             /* recomputations that disagreed with the engine */
    int chat_sent, chat_received, reply_received, enrolled;
    int save_failed;            /* a file of --save could not be written (said once) */
} walk;

typedef struct side {
    walk *w;
    int client;
} side;

/* "client" or "server". */
const char *walk_side_name(int client);

/* The derived value stored under key, or NULL. */
derived *walk_find_derived(walk *w, const char *key);

/* Stores a copy of b under key (and, with --save, writes it to the file
 * walk_value_file names); NULL when full or out of memory. */
derived *walk_put_derived(walk *w, const char *key, const uint8_t *b, size_t len);

/* Hex of b[0..len), malloc'd (NULL when out of memory). */
char *walk_hex_dup(const uint8_t *b, size_t len);

/* A malloc'd copy of s ("" for NULL). */
char *walk_str_dup(const char *s);

/* The file stored message i is saved as: "msgs/03-Certificate.bin". */
void walk_msg_file(const walk *w, size_t i, char *out, size_t cap);

/* One input of a derivation, as bytes. */
void walk_add_input(wk_derivation *d, const char *name, const uint8_t *b, size_t len);

/* 1 if a equals b; else -1, counted as a mismatch. */
int walk_check_equal(walk *w, const uint8_t *a, size_t alen, const uint8_t *b, size_t blen);

/* A "derive WHAT" trace event of one side: the value narrated with its
 * inputs, its function, an independent recomputation and a command. */
void walk_on_derive(walk *w, int client, const char *what, const char *explain,
                    const uint8_t *b, size_t len);

/* ---- walk_cmd.c: the files of --save, the commands that read them ---- */

/* The name, relative to the --save directory, under which this connection
 * keeps `name`: "c2-" before it in the second connection of --enroll. */
void walk_file(const walk *w, const char *name, char *out, size_t cap);

/* With --save, writes b to DIR/name (atomically), name being what
 * walk_file, walk_value_file or walk_msg_file gave; a file that cannot be
 * written is said and counted as a mismatch. */
void walk_save(walk *w, const char *name, const uint8_t *b, size_t len);

/* The file a derived value is kept in: its key with '_' for ' ' and
 * ".bin" ("client dh_x" -> "client_dh_x.bin"), walk_file'd. */
void walk_value_file(const walk *w, const char *key, char *out, size_t cap);

/* Adds a command to d (printf-style, malloc'd; walk_commands_free frees
 * them); prints: what it prints when not the value (walk_render.h). */
void walk_command(wk_derivation *d, const char *prints, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
void walk_commands_free(wk_derivation *d);

/* "cat F1 F2 ..." of the handshake messages [0, end), '\n'-marked for
 * wrapping; malloc'd. */
char *walk_cat_messages(const walk *w, size_t end);

/* ---- walk_prf.c: the PRF spelled out as its HMAC steps ---- */

/* After the PRF output `name` (n bytes, out) was shown: A(0) = label +
 * seed, each A(i) = HMAC(secret, A(i-1)) and each block HMAC(secret, A(i)
 * + seed) (RFC 5246 §5), each recomputed here and by an openssl command;
 * the blocks are checked against out. */
void walk_prf_steps(walk *w, const char *side, const char *name, const char *secret_name,
                    const derived *secret, const char *label, const derived *const seed[2],
                    const uint8_t *out, size_t n);

/* ---- walk_record.c: a protected record recomputed ---- */

/* The record's MAC (RFC 7366 §3) and its decryption (AES-256-CBC),
 * recomputed with the keys derived, each with the commands that do the
 * same from the record's file; then the direction's seq_num counts it. */
void walk_record_recompute(walk *w, int client, const uint8_t *rec, size_t len);

/* ---- walk_sig.c: the two RSA signatures, checked by a shown command ---- */

/* After ServerKeyExchange (from_client 0) or CertificateVerify (1) was
 * shown: the bytes signed, and the signature opened with the signer's
 * public key (RSAVP1, RFC 8017 §5.2.2), each with the openssl commands
 * that do the same from the files of --save. */
void walk_signature(walk *w, int from_client, const uint8_t *msg, size_t len);

/* Saves the certificates and public keys the commands name (ca.pem,
 * server.pem, server_pub.pem, client.pem, client_pub.pem), and shows the
 * certificates this connection will use with the openssl commands that
 * check them (walk_cmd.c). */
void walk_save_pki(walk *w);

#endif
