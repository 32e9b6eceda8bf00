/*
 * rsa.h — RSA over GMP (RFC 8017 PKCS #1 v2.2; key generation FIPS 186-5 §A.1.3).
 *
 * SYNOPSIS
 *     rsa_private_key k;  rsa_private_init(&k);
 *     rsa_generate(&k, 2048, 65537);                     FIPS 186-5 A.1.3
 *     rsa_public_key pub; rsa_public_init(&pub);
 *     rsa_public_from_private(&pub, &k);
 *     rsa_pkcs1v15_sign(&k, msg, len, sig);              RFC 8017 §8.2.1
 *     rsa_pkcs1v15_verify(&pub, msg, len, sig, sig_len); RFC 8017 §8.2.2
 *     rsa_pss_sign / rsa_pss_verify                      RFC 8017 §8.1
 *     rsa_oaep_encrypt / rsa_oaep_decrypt                RFC 8017 §7.1
 *     rsa_pkcs1v15_encrypt / rsa_pkcs1v15_decrypt        RFC 8017 §7.2
 *     rsa_private_clear(&k); rsa_public_clear(&pub);     wipe and free
 *
 * Hash: SHA-256 throughout (MGF1-SHA-256 for PSS and OAEP).
 * Signatures and ciphertexts are k bytes, k = the modulus length in bytes.
 *
 * Key sizes: keys glasstls makes are 2048..8192 bits
 * (RSA_MIN_BITS..RSA_MAX_BITS); keys it loads or verifies with may be as
 * small as RSA_MIN_BITS_LOADED (1024), which the NIST vectors use.
 */
#ifndef GLASS_RSA_H
#define GLASS_RSA_H

#include "common/common.h"

#include <gmp.h>
#include <stddef.h>
#include <stdint.h>

#define RSA_MIN_BITS        2048
#define RSA_MAX_BITS        8192
#define RSA_MIN_BITS_LOADED 1024
#define RSA_DEFAULT_E       65537

typedef struct rsa_public_key {
    mpz_t n;        /* modulus */
    mpz_t e;        /* public exponent */
    size_t k;       /* length of n in bytes */
} rsa_public_key;

typedef struct rsa_private_key {
    mpz_t n, e, d;
    mpz_t p, q;
    mpz_t dP, dQ, qInv;     /* CRT values, RFC 8017 §3.2 (second form) */
    size_t k;
    const glass_tracer *trace;  /* NULL: silent; else the private operation
                                   emits EM, blinding, m1, m2, h, s, check */
} rsa_private_key;

void rsa_public_init(rsa_public_key *key);
void rsa_public_clear(rsa_public_key *key);
void rsa_private_init(rsa_private_key *key);
void rsa_private_clear(rsa_private_key *key);   /* overwrites every limb */

/* Fills pub with (n, e) of priv. */
void rsa_public_from_private(rsa_public_key *pub, const rsa_private_key *priv);

/* Generates a key of `bits` (2048..8192, even) with public exponent e (odd,
 * > 1; normally 65537). */
glass_err rsa_generate(rsa_private_key *key, unsigned bits, unsigned long e);

/* Checks a loaded key: sizes, e odd > 1, n = p*q, e*d = 1 mod lcm(p-1,q-1),
 * dP, dQ, qInv right.  Also sets key->k.  Each failure its own error. */
glass_err rsa_check_private(rsa_private_key *key);
/* Checks n (RSA_MIN_BITS_LOADED..RSA_MAX_BITS bits, odd) and e; sets key->k. */
glass_err rsa_check_public(rsa_public_key *key);

/* RSASSA-PKCS1-v1_5 with SHA-256.  sig has key->k bytes. */
glass_err rsa_pkcs1v15_sign(const rsa_private_key *key, const uint8_t *msg, size_t msg_len,
                            uint8_t *sig);
glass_err rsa_pkcs1v15_sign_digest(const rsa_private_key *key, const uint8_t digest[32],
                                   uint8_t *sig);
glass_err rsa_pkcs1v15_verify(const rsa_public_key *key, const uint8_t *msg, size_t msg_len,
                              const uint8_t *sig, size_t sig_len);
glass_err rsa_pkcs1v15_verify_digest(const rsa_public_key *key, const uint8_t digest[32],
                                     const uint8_t *sig, size_t sig_len);

/* RSASSA-PSS with SHA-256 and MGF1-SHA-256, any salt length that fits. */
glass_err rsa_pss_sign(const rsa_private_key *key, const uint8_t *msg, size_t msg_len,
                       size_t salt_len, uint8_t *sig);
glass_err rsa_pss_verify(const rsa_public_key *key, const uint8_t *msg, size_t msg_len,
                         size_t salt_len, const uint8_t *sig, size_t sig_len);

/* RSAES-OAEP with SHA-256 and MGF1-SHA-256.  out has key->k bytes for
 * encryption; for decryption out_cap >= k and *out_len is set. */
glass_err rsa_oaep_encrypt(const rsa_public_key *key, const uint8_t *label, size_t label_len,
                           const uint8_t *msg, size_t msg_len, uint8_t *out);
glass_err rsa_oaep_decrypt(const rsa_private_key *key, const uint8_t *label, size_t label_len,
                           const uint8_t *ct, size_t ct_len,
                           uint8_t *out, size_t out_cap, size_t *out_len);

/* RSAES-PKCS1-v1_5 (kept for the Bleichenbacher lesson and the comparison
 * with TLS's RSA key transport). */
glass_err rsa_pkcs1v15_encrypt(const rsa_public_key *key, const uint8_t *msg, size_t msg_len,
                               uint8_t *out);
glass_err rsa_pkcs1v15_decrypt(const rsa_private_key *key, const uint8_t *ct, size_t ct_len,
                               uint8_t *out, size_t out_cap, size_t *out_len);

/* I2OSP / OS2IP (RFC 8017 §4.1, §4.2). */
glass_err rsa_i2osp(const mpz_t x, uint8_t *out, size_t out_len);
void rsa_os2ip(mpz_t x, const uint8_t *in, size_t len);

#endif
