/*
 * dh.h — finite-field Diffie–Hellman (NIST SP 800-56A Rev. 3; groups from
 * RFC 7919 and RFC 3526).
 *
 * SYNOPSIS
 *     const dh_group *G = dh_group_by_name("ffdhe2048");
 *     dh_keypair me;  dh_keypair_init(&me);
 *     dh_generate(G, &me);                    x random, y = g^x mod p
 *     dh_check_public(G, peer_y);             SP 800-56A §5.6.2.3.1
 *     dh_compute_shared(G, &me, peer_y, Z, G->p_len);   Z = peer_y^x mod p
 *     dh_keypair_clear(&me);
 *
 * Group ids follow the TLS NamedGroup registry where one exists (RFC 7919:
 * ffdhe2048 = 0x0100, ffdhe3072 = 0x0101, ffdhe4096 = 0x0102).
 */
#ifndef GLASS_DH_H
#define GLASS_DH_H

#include "common/common.h"

#include <gmp.h>
#include <stddef.h>
#include <stdint.h>

typedef struct dh_group {
    const char *name;       /* "ffdhe2048", "modp14", ... */
    uint16_t tls_id;        /* TLS NamedGroup value, 0 if none */
    mpz_t p, q, g;          /* q = (p-1)/2 for the safe-prime groups */
    size_t p_len;           /* length of p in bytes */
    unsigned x_bits;        /* private-key size used (see dh.c for the choice) */
    int safe_prime;         /* 1 when p = 2q + 1 */
} dh_group;

typedef struct dh_keypair {
    mpz_t x;                /* private: secret, wiped by dh_keypair_clear */
    mpz_t y;                /* public: g^x mod p */
} dh_keypair;

/* The named groups: "ffdhe2048", "ffdhe3072", "ffdhe4096", "modp14", "modp15".
 * NULL for an unknown name.  The groups are built once and live until exit. */
const dh_group *dh_group_by_name(const char *name);
const dh_group *dh_group_by_tls_id(uint16_t id);

/* An arbitrary group (p, q, g) as the NIST files give it; dh_group_clear
 * frees it.  Checks 1 < g < p-1. */
glass_err dh_group_init_custom(dh_group *grp, const mpz_t p, const mpz_t q, const mpz_t g);
void dh_group_clear(dh_group *grp);

void dh_keypair_init(dh_keypair *kp);
void dh_keypair_clear(dh_keypair *kp);

/* SP 800-56A §5.6.1.1.4: x uniform in [1, 2^N - 1] ∩ [1, q-1] with N =
 * grp->x_bits; y = g^x mod p with mpz_powm_sec. */
glass_err dh_generate(const dh_group *grp, dh_keypair *kp);

/* SP 800-56A §5.6.2.3.1, full public-key validation: 2 <= y <= p-2
 * (GLASS_ERR_DH_PUB_TOO_SMALL / _TOO_LARGE) and y^q = 1 mod p
 * (GLASS_ERR_DH_PUB_SUBGROUP). */
glass_err dh_check_public(const dh_group *grp, const mpz_t y);
/* The same answer for safe-prime groups at the cost of a Legendre symbol
 * instead of a full exponentiation (see dh.c for why they agree). */
glass_err dh_check_public_fast(const dh_group *grp, const mpz_t y);

/* Z = peer_y^x mod p as a fixed-length big-endian string of grp->p_len
 * bytes (SP 800-56A §5.7.1.1); checks peer_y first and rejects Z = 1.
 * out_len must be >= grp->p_len. */
glass_err dh_compute_shared(const dh_group *grp, const dh_keypair *kp, const mpz_t peer_y,
                            uint8_t *out, size_t out_len);
/* TLS 1.2 form (RFC 5246 §8.1.2): leading zero bytes stripped.  Moves the
 * bytes down in place and returns the new length. */
size_t dh_strip_leading_zeros(uint8_t *z, size_t len);

#endif
