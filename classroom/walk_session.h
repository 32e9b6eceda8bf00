/*
 * walk_session.h — the parts of `glass walkthrough` behind the command line:
 * the classroom PKI it makes in-process (walk_pki.c), the connection it runs
 * between two engines and narrates (walk_session.c), and the primitives laid
 * out round by round (walk_prim.c).
 */
#ifndef GLASS_WALK_SESSION_H
#define GLASS_WALK_SESSION_H

#include "ca/ca.h"
#include "common/common.h"
#include "rsa/rsa.h"
#include "classroom/walk_render.h"

#include <limits.h>
#include <stddef.h>
#include <stdint.h>

/* The fixed clock of seeded mode: 2026-01-01T00:00:00Z. */
#define WALK_FIXED_NOW 1767225600LL

/* A throw-away certificate authority, a server certificate for "localhost"
 * and (unless the client is to enroll) a client certificate for "alice". */
typedef struct walk_pki {
    char tmp[256];              /* scratch directory, removed by walk_pki_free */
    glass_ca *ca;
    int64_t now;
    uint8_t *server_der, *client_der;
    size_t server_len, client_len;
    rsa_private_key server_key, client_key;
    int have_client;
} walk_pki;

/* Makes the PKI (2048-bit keys, from glass_random: reproducible in seeded
 * mode) and narrates what it made to o.  Returns GLASS_OK or the error. */
glass_err walk_pki_make(walk_pki *p, int64_t now, int with_client_cert, wk_out *o);
/* The CA certificate's DER (valid until walk_pki_free). */
void walk_pki_ca_der(const walk_pki *p, const uint8_t **der, size_t *len);
/* Signs a client request during enrollment. */
glass_err walk_pki_enroll(walk_pki *p, const uint8_t *csr, size_t csr_len, uint8_t **der,
                          size_t *len);
void walk_pki_free(walk_pki *p);

/* Runs one connection between a client and a server engine and narrates it.
 * enroll: the client has no certificate and enrolls as "alice"; otherwise
 * mutual authentication, one chat message each way, and the close.
 * seeded: the engines draw from their own glass_drbg streams of seed.
 * save_dir: each handshake message is also written there as NN-Name.bin
 * (the files the "by hand" commands name).
 * On success after an enrollment, the issued certificate is stored in p
 * (p->client_der) and the client key kept, so a second, mutual connection
 * can follow.  Returns 0 when the connection went as planned. */
typedef struct walk_opts {
    int enroll;
    int seeded;
    uint64_t seed;
    unsigned connection_no;     /* 1, 2, ...: file names and DRBG streams */
    const char *save_dir;       /* NULL: do not write the messages to files */
} walk_opts;
int walk_connection(wk_out *o, walk_pki *p, const walk_opts *opts);

/* `--primitive rsa` and `--primitive dh`: one RSA signature and one DH
 * agreement laid out step by step; save_dir (NULL: none) receives the
 * numbers and keys their commands read.  Return 0 on success. */
int walk_primitive_rsa(wk_out *o, const char *save_dir);
/* EM of RSASSA-PKCS1-v1_5 with SHA-256 built by hand (RFC 8017 §9.2):
 * 00 01 FF..FF 00 || DigestInfo || H, k bytes (k >= 62). */
void walk_pkcs1_sha256_em(const uint8_t H[32], uint8_t *EM, size_t k);
int walk_primitive_dh(wk_out *o, const char *save_dir);

#endif
