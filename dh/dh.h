/*
 * dh.h — finite-field Diffie–Hellman (NIST SP 800-56A Rev. 3; groups from
 * RFC 7919 and RFC 3526).
 *
 * SYNOPSIS
 *     const dh_group *G = dh_group_by_name("ffdhe2048");
 *     dh_keypair me;  dh_keypair_init(&me);
 *     dh_generate(G, NULL, NULL, &me);        x random, y = g^x mod p
 *     dh_check_public(G, peer_y);             SP 800-56A §5.6.2.3.1
 *     dh_compute_shared(G, &me, peer_y, Z, G->p_len);   Z = peer_y^x mod p
 *     dh_keypair_clear(&me);
 *
 * Group ids follow the TLS NamedGroup registry where one exists (RFC 7919:
 * ffdhe2048 = 0x0100, ffdhe3072 = 0x0101, ffdhe4096 = 0x0102).
 *
 * DESCRIPTION
 *     Each party picks a secret x and publishes y = g^x mod p; each raises
 *     the other's y to its own x and both reach Z = g^(x_a x_b) mod p.
 *     Read dh/groups.c for the groups and the private-key sizes, dh/dh.c
 *     for the rest.
 *
 * STANDARDS
 *     NIST SP 800-56A Rev. 3 (April 2018): §5.6.1.1.4 key pairs by testing
 *     candidates, §5.6.2.3.1 full public-key validation, §5.7.1.1 the FFC DH
 *     primitive.  RFC 7919 (August 2016): the ffdhe groups, §5.1 the peer's
 *     public key check, §5.2 short exponents, Appendix A the groups and
 *     their exponent sizes.  RFC 3526 (May 2003): MODP groups 14 (§3) and
 *     15 (§4).  RFC 5246 (August 2008) §8.1.2: the TLS 1.2
 *     pre_master_secret, leading zeros stripped.
 *
 * CAVEATS
 *     Finite-field groups only (no elliptic curves).  Private keys are short
 *     exponents (225 to 325 bits, chosen from the group's strength; see
 *     dh/groups.c), as RFC 7919 §5.2 allows; custom groups use |q| bits.
 *     The named groups are built on first use (under pthread_once, so any
 *     thread may be first) and never freed.
 *
 * SECURITY CONSIDERATIONS
 *     Always validate the peer's y (dh_compute_shared does): a y of 1, 0,
 *     p-1, or outside the subgroup of order q confines Z to a few values.
 *     Unauthenticated DH is open to a man in the middle: the protocol signs
 *     the server's parameters.  Prefer the fixed-length Z; strip zeros only
 *     where TLS 1.2 requires it, because the stripped length is a timing
 *     channel (the Raccoon attack, 2020).  GMP does not wipe its scratch
 *     memory; dh_keypair_clear wipes x itself.  Use a fresh x for every
 *     connection: that is what makes the session keys forward-secret.
 *
 * CONSTANT TIME
 *     | function                     | CT     | what leaks
 *     | dh_generate                  | mostly | mpz_powm_sec on x (a fixed
 *     |                              |        | sequence for x's size)
 *     | dh_compute_shared            | yes    | bn_sec_powm (bn/: AVX2 or
 *     |                              |        | GMP's mpn_sec_powm) on
 *     |                              |        | fixed-size limbs (x read as
 *     |                              |        | |q| bits), fixed-length
 *     |                              |        | export; make ctgrind, cases
 *     |                              |        | dh-derive, bn-avx2, bn-gmp
 *     | dh_check_public, _fast       | no     | nothing secret: y is public
 *     | dh_strip_leading_zeros       | no     | Z's leading zero bytes, by
 *     |                              |        | RFC 5246's design (Raccoon)
 *     | groups.c                     | —      | public constants only
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
    unsigned x_bits;        /* private-key size used (see dh/groups.c for the choice) */
    int safe_prime;         /* 1 when p = 2q + 1 */
} dh_group;

typedef struct dh_keypair {
    mpz_t x;                /* private: secret, wiped by dh_keypair_clear */
    mpz_t y;                /* public: g^x mod p */
} dh_keypair;

/* The named groups: "ffdhe2048", "ffdhe3072", "ffdhe4096", "modp14", "modp15".
 * NULL for an unknown name.  The groups are built once and live until exit.
 * dh_group_by_tls_id looks a group up by its TLS NamedGroup value (0x0100,
 * 0x0101, 0x0102); NULL for 0 or any other value. */
const dh_group *dh_group_by_name(const char *name);
const dh_group *dh_group_by_tls_id(uint16_t id);

/* An arbitrary group (p, q, g) as the NIST files give it; dh_group_clear
 * frees it.  Checks 1 < g < p-1, and also that p is odd, q > 1 divides
 * p - 1 and g^q = 1 mod p; GLASS_ERR_DH_GROUP otherwise (grp is then left
 * zeroed, and dh_group_clear on it does nothing).  Sets name "custom", x_bits = |q| and safe_prime when p = 2q+1.
 * Never call dh_group_clear on a named group. */
glass_err dh_group_init_custom(dh_group *grp, const mpz_t p, const mpz_t q, const mpz_t g);
void dh_group_clear(dh_group *grp);

/* Initialises x and y to 0; dh_keypair_clear wipes x and frees both. */
void dh_keypair_init(dh_keypair *kp);
void dh_keypair_clear(dh_keypair *kp);

/* SP 800-56A §5.6.1.1.4: x uniform in [1, 2^N - 1] ∩ [1, q-1] with N =
 * grp->x_bits; y = g^x mod p with mpz_powm_sec.  The random bits come from
 * rnd(rnd_arg, buf, len), or glass_random when rnd is NULL (the protocol
 * engine passes its own callback).  kp must have been initialised with
 * dh_keypair_init.  The callback's error if it fails. */
glass_err dh_generate(const dh_group *grp, glass_random_fn rnd, void *rnd_arg, dh_keypair *kp);

/* SP 800-56A §5.6.2.3.1, full public-key validation: 2 <= y <= p-2
 * (GLASS_ERR_DH_PUB_TOO_SMALL / _TOO_LARGE) and y^q = 1 mod p
 * (GLASS_ERR_DH_PUB_SUBGROUP). */
glass_err dh_check_public(const dh_group *grp, const mpz_t y);
/* The same answer for safe-prime groups at the cost of a Legendre symbol
 * instead of a full exponentiation (see dh.c for why they agree). */
glass_err dh_check_public_fast(const dh_group *grp, const mpz_t y);

/* Z = peer_y^x mod p as a fixed-length big-endian string of grp->p_len
 * bytes (SP 800-56A §5.7.1.1); checks peer_y first and rejects Z = 1.
 * out_len must be >= grp->p_len.  The check is dh_check_public_fast (so its
 * errors); GLASS_ERR_BUFFER_TOO_SMALL for a short out, GLASS_ERR_ARG if
 * kp->x is not in [1, q-1], GLASS_ERR_DH_SHARED_ONE for Z = 1. */
glass_err dh_compute_shared(const dh_group *grp, const dh_keypair *kp, const mpz_t peer_y,
                            uint8_t *out, size_t out_len);
/* TLS 1.2 form (RFC 5246 §8.1.2): leading zero bytes stripped.  Moves the
 * bytes down in place, zeroes the vacated tail, and returns the new length
 * (0 for an all-zero input). */
size_t dh_strip_leading_zeros(uint8_t *z, size_t len);

#endif
