/*
 * walk_internal.h — what walk_session.c (the connection and its narration)
 * and walk_derive.c (each derived value recomputed) share: the state of
 * one narrated connection.  Nothing outside classroom/ includes this.
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
    char *key_block_cmd;        /* the command that prints key_block, for its slices */
} walk;

typedef struct side {
    walk *w;
    int client;
} side;

/* "client" or "server". */
const char *walk_side_name(int client);

/* The derived value stored under key, or NULL. */
derived *walk_find_derived(walk *w, const char *key);

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

#endif
