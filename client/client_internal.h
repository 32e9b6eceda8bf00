/*
 * client_internal.h — what the files of client/ share (client.h says which
 * file does what; nothing outside client/ includes this).
 */
#ifndef GLASS_CLIENT_INTERNAL_H
#define GLASS_CLIENT_INTERNAL_H

#include "client/client.h"
#include "net/net.h"
#include "ca/ca.h"
#include "protocol/protocol.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define CLIENT_CMD             "client"   /* errors read "glass client: SUB: ..." */
#define CLIENT_CONNECT_MS      5000
#define CLIENT_HANDSHAKE_MS    60000
#define CLIENT_CLOSE_MS        2000
#define CLIENT_LINE_MAX        (GLASS_MAX_PLAINTEXT)
#define CLIENT_PATH_MAX        4096
#define CLIENT_FETCH_MAX       ((1u << 20) + 16384u)  /* a 1 MiB body and its header */
#define CLIENT_FETCH_MS        60000

/* Where to connect: --server split into host and port. */
typedef struct client_target {
    char host[NET_HOST_MAX];
    uint16_t port;
} client_target;

/* One connection: the socket, the engine, and the trace printer. */
typedef struct client_conn {
    int fd;
    glass_engine *eng;
    net_tracer tr;
    glass_tracer tracer;
    int closed;                 /* the engine reported GLASS_EV_CLOSED */
    int eof;                    /* the peer hung up */
    glass_err failure;          /* what ended it, when it failed */
    uint8_t alert_sent;
    uint8_t alert_received;
    int got_alert_sent;
    int got_alert_received;
    size_t own_key_bits;        /* our RSA modulus in bits; 0 when enrolling */
    int quiet;                  /* 1: no session line (bench after its first) */
    int anonymous;              /* no certificate, not enrolling: server-only */
} client_conn;

/* A client's identity: DIR/key.pem, DIR/cert.pem, DIR/ca.pem. */
typedef struct client_identity {
    rsa_private_key key;
    int key_init;
    x509_cert *certs;           /* cert.pem */
    size_t n_certs;
    x509_cert *anchors;         /* ca.pem */
    size_t n_anchors;
    glass_blob chain;
    glass_blob anchor;
    char name[X509_NAME_STR_MAX];
    int anonymous;              /* only ca.pem (--ca without --id): no certificate */
} client_identity;

/* A page being received, piece by piece (chat's /get, and get). */
typedef struct client_fetch {
    uint8_t *resp;              /* the response so far */
    size_t len;
    int overflow;               /* more than CLIENT_FETCH_MAX: dropped */
} client_fetch;

/* conn.c: the engine over a socket. */
int client_target_parse(const char *sub, const client_opts *o, client_target *t);
glass_err client_conn_open(client_conn *c, const client_opts *o, const client_target *t,
                           glass_config *cfg);
void client_conn_close(client_conn *c);
void client_conn_read(client_conn *c);
int client_note_event(client_conn *c, const glass_event *ev);
int client_conn_report(const char *sub, const client_conn *c, const char *during);
int client_drive(client_conn *c, int64_t deadline,
                 int (*handler)(client_conn *c, const glass_event *ev, void *arg), void *arg);
int client_handshake_done(client_conn *c, const glass_event *ev, void *arg);
void client_conn_goodbye(client_conn *c);
void client_print_verbose(const client_conn *c, const rsa_private_key *own);
/* One line on standard error when a handshake finishes: protocol name and
 * version, suite, group, and the server's and our key sizes. */
void client_print_session(const client_conn *c);
void client_print_safe(FILE *f, const uint8_t *p, size_t n);
/* Opens the connection and runs the mutually authenticated handshake with
 * identity id; 0, or 1 after one line "glass client: SUB: ..." */
int client_connect(const char *sub, const client_opts *o, const client_target *t,
                   const client_identity *id, client_conn *c);

/* identity.c */
int client_identity_load(const char *sub, const char *dir, const char *pass,
                         client_identity *id);
/* --id DIR: the identity in DIR; no --id but --ca FILE: no identity, only
 * the CA to check the server against (a server-only session, PROTOCOL.md
 * §10), said on standard error.  0, or 1 after saying why. */
int client_identity_open(const char *sub, const client_opts *o, client_identity *id);
void client_identity_free(client_identity *id);
void client_identity_config(const client_identity *id, glass_config *cfg);
int client_check_issued(const char *name, const uint8_t *der, size_t len,
                        const rsa_private_key *key, const x509_cert *anchors, size_t n_anchors,
                        char *serial_hex, size_t serial_cap);
int client_save_identity(const char *dir, const rsa_private_key *key, const char *password,
                         uint32_t iter, const uint8_t *cert, size_t cert_len,
                         const uint8_t *ca_pem, size_t ca_pem_len);

/* fetch.c: page fetch's pieces, shared by chat's /get and get. */
glass_err client_fetch_request(const char *host, const char *path, char *out, size_t cap,
                               size_t *out_len);
int client_fetch_append(client_fetch *f, const glass_app_msg *m);
void client_fetch_reset(client_fetch *f);
void client_print_http(FILE *f, const uint8_t *p, size_t n);
int client_parse_response(const uint8_t *resp, size_t len, int *status, char *reason,
                          size_t reason_cap, const uint8_t **body, size_t *body_len);

#endif
