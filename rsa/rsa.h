/*
 * rsa.h — RSA over GMP (RFC 8017 PKCS #1 v2.2; key generation FIPS 186-5 §A.1.3).
 *
 * SYNOPSIS
 *     rsa_private_key k;  rsa_private_init(&k);
 *     rsa_generate(&k, 2048, 65537);                     FIPS 186-5 §A.1.3
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
 *
 * DESCRIPTION
 *     rsa.c holds the keys, their checks and the two primitives (the private
 *     one with CRT, blinding and a fault check); rsa_keygen.c the key
 *     generation (its primality tests are prime.h's: Miller–Rabin, trial
 *     division, Lucas); rsa_pad.c the padding schemes; rsa_notes.c what
 *     FIPS 186-5 asks of new keys, in rules and in words; rsa_recover.c p
 *     and q from d.  Read them
 *     in that order.  rsa_internal.h exposes the pieces tests and the NIST
 *     vector runner need (explicit-salt PSS, the raw primitives).
 *
 * ERRORS (each its own glass_err)
 *     GLASS_ERR_RSA_MODULUS_SIZE   n too small/large/even, or bad keygen size
 *     GLASS_ERR_RSA_EXPONENT       e even, e <= 1 or e >= n
 *     GLASS_ERR_RSA_KEY_PRIMES / _KEY_INCONSISTENT (n != p q) / _KEY_D_RANGE /
 *     _KEY_D (e d != 1 mod lcm) / _KEY_CRT            rsa_check_private
 *     GLASS_ERR_RSA_REPRESENTATIVE a signature or ciphertext >= n
 *     GLASS_ERR_RSA_SIG_LENGTH / _CT_LENGTH           input not k bytes
 *     GLASS_ERR_RSA_VERIFY         signature does not match
 *     GLASS_ERR_RSA_DECRYPT        any padding failure (one error, on purpose)
 *     GLASS_ERR_RSA_MESSAGE_TOO_LONG, GLASS_ERR_RSA_SALT_LENGTH
 *     GLASS_ERR_RSA_FAULT          the private result failed s^e = m
 *
 * STANDARDS
 *     RFC 8017, PKCS #1 v2.2 (November 2016): §3.1-§3.2 keys (the CRT form
 *     of §3.2), §4.1 I2OSP, §4.2 OS2IP, §5.1.2 RSADP and §5.2.1 RSASP1 (the
 *     private primitive, with CRT), §7.1 RSAES-OAEP, §7.2 RSAES-PKCS1-v1_5,
 *     §8.1 RSASSA-PSS, §8.2 RSASSA-PKCS1-v1_5, §9.1 EMSA-PSS,
 *     §9.2 EMSA-PKCS1-v1_5, §B.2.1 MGF1.
 *     FIPS 186-5, Digital Signature Standard (February 2023): §A.1.1 the
 *     key-pair criteria, §A.1.3 random probable primes, §B.3.1 Miller–Rabin
 *     and Table B.1 its number of rounds.
 *
 * CAVEATS
 *     SHA-256 is the only hash, for signatures, for OAEP's label hash and
 *     for MGF1.  Keys have two primes (no multi-prime keys).  The PSS
 *     verifier must be told the salt length; it does not recover it.  GMP
 *     allocates and does not wipe its scratch memory: rsa_private_clear
 *     overwrites the key's own limbs, but copies GMP made on the way may
 *     stay in freed memory.
 *
 * SECURITY CONSIDERATIONS
 *     A key holds a pointer to its blinding state: never copy an
 *     rsa_private_key struct (copy its numbers into another initialised key),
 *     and do not use one key from two threads at once.  rsa_generate builds
 *     its table of small primes on first use: make the first call from one
 *     thread.
 *     The private operation is blinded (Kocher 1996) and its result checked
 *     against the public key before it leaves (a CRT fault would otherwise
 *     give away a factor of n: Boneh, DeMillo, Lipton 1997).
 *     RSAES-PKCS1-v1_5 is kept for teaching; a protocol that uses it must not
 *     reveal whether decryption failed (Bleichenbacher 1998): use OAEP.
 *
 * CONSTANT TIME
 *     | part                  | CT      | what leaks
 *     | rsa.c + rsa_crt.c     | yes     | nothing of ours: the CRT halves,
 *     |   private op          |         | reductions, Garner, unblinding and
 *     |                       |         | the fault check on fixed-size limbs
 *     |                       |         | with GMP's mpn_sec_* and bn/'s
 *     |                       |         | bn_sec_powm (make ctgrind, cases
 *     |                       |         | rsa-private, bn-avx2, bn-gmp);
 *     |                       |         | on the gmp path GMP's sec code
 *     |                       |         | reads a few bits of p and q as
 *     |                       |         | moduli (its caveat)
 *     | rsa.c public op       | no      | mpz_powm; everything in it is public
 *     | rsa_pad.c OAEP and    | yes     | nothing up to the final success or
 *     |   v1.5 decryption     |         | failure: masks, no early exit, a
 *     |                       |         | constant-time copy of the message
 *     | rsa_pad.c signatures  | no      | the encodings are public; EM is
 *     |                       |         | compared whole with glass_ct_equal
 *     | rsa_keygen.c          | no      | the sieve and the number of candidates
 *     |                       |         | tried; Miller–Rabin uses mpz_powm_sec
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
    struct rsa_blinding *blinding;  /* the blinding pair (r^e, r^-1) kept
                                   between private operations and refreshed
                                   by squaring (rsa.c); owned by the key,
                                   made by rsa_private_init.  A key is
                                   therefore not to be used by two threads
                                   at once. */
} rsa_private_key;

void rsa_public_init(rsa_public_key *key);
void rsa_public_clear(rsa_public_key *key);
void rsa_private_init(rsa_private_key *key);
void rsa_private_clear(rsa_private_key *key);   /* overwrites every limb */

/* For a key loaded as (n, e, d, p, q) only: computes the CRT values
 * dP = d mod (p-1), dQ = d mod (q-1), qInv = q^-1 mod p (RFC 8017 §3.2) and
 * sets key->k.  Call rsa_check_private afterwards.  GLASS_ERR_RSA_KEY_PRIMES
 * if p or q is missing or they have no inverse. */
glass_err rsa_private_set_crt(rsa_private_key *key);

/* Fills pub with (n, e) of priv. */
void rsa_public_from_private(rsa_public_key *pub, const rsa_private_key *priv);

/* Generates a key of `bits` (2048..8192, even) with public exponent e (odd,
 * > 1; normally 65537): FIPS 186-5 §A.1.3 with our Miller–Rabin (rounds of
 * Table B.1), |p - q| > 2^(bits/2 - 100), d = e^-1 mod lcm(p-1, q-1) >
 * 2^(bits/2), the CRT values; then rsa_check_private and one private
 * operation as a pairwise test.  GLASS_ERR_RSA_MODULUS_SIZE,
 * GLASS_ERR_RSA_EXPONENT, GLASS_ERR_RANDOM, GLASS_ERR_RSA_KEYGEN. */
glass_err rsa_generate(rsa_private_key *key, unsigned bits, unsigned long e);

/* Checks a loaded key as every working RSA key must be: n and e as
 * rsa_check_public, p and q odd and distinct, n = p*q, d > 0,
 * e*d = 1 mod lcm(p-1,q-1), dP, dQ, qInv right.  Also sets key->k.  Each
 * failure its own error.  Sizes of p, q and d are not checked: a key with
 * unbalanced primes or a small d is valid (see rsa_check_fips186). */
glass_err rsa_check_private(rsa_private_key *key);

/* The rules FIPS 186-5 §A.1.1 and §A.1.3 set for keys glasstls generates,
 * beyond rsa_check_private: nlen of 2048..8192 bits, 2^16 < e < 2^256, p
 * and q of nlen/2 bits each with |p - q| > 2^(nlen/2 - 100), and
 * 2^(nlen/2) < d < lcm(p-1, q-1).  GLASS_ERR_RSA_MODULUS_SIZE,
 * GLASS_ERR_RSA_EXPONENT, GLASS_ERR_RSA_KEY_PRIMES, GLASS_ERR_RSA_KEY_D_RANGE.
 * (glasstls's e = 3 lab keys are made with rsa_generate and a small e, and
 * are checked with rsa_check_private only.) */
glass_err rsa_check_fips186(const rsa_private_key *key);

/* p and q are (probable) primes: rsa/prime.h's test with the rounds of
 * FIPS 186-5 Table B.1.  GLASS_ERR_RSA_KEY_PRIMES, GLASS_ERR_RANDOM. */
glass_err rsa_check_primes(const rsa_private_key *key);

/* p and q from n, e and d (SP 800-56B Rev. 2 Appendix C, prime-factor
 * recovery): d e - 1 is a multiple of λ(n), which yields a square root of
 * 1 mod n other than ±1, and gcd(root - 1, n) is a prime factor.
 * GLASS_ERR_RSA_KEY_INCONSISTENT when d does not fit n and e. */
glass_err rsa_recover_primes(const mpz_t n, const mpz_t e, const mpz_t d, mpz_t p, mpz_t q);

/* Calls note(arg, text) once for each thing unusual about a consistent key,
 * in words a student can act on (unbalanced primes, a small e or d, close
 * primes, a small modulus, d taken mod φ(n)), each naming the rule it
 * departs from.  Returns the number of notes. */
size_t rsa_key_notes(const rsa_private_key *key, void (*note)(void *arg, const char *text),
                     void *arg);
/* Checks n (RSA_MIN_BITS_LOADED..RSA_MAX_BITS bits, odd) and e; sets key->k. */
glass_err rsa_check_public(rsa_public_key *key);

/* RSASSA-PKCS1-v1_5 with SHA-256.  sig has k bytes.  The _digest forms take
 * the SHA-256 of the message instead of the message.  Verification rebuilds
 * the expected EM and compares all k bytes: GLASS_ERR_RSA_SIG_LENGTH,
 * GLASS_ERR_RSA_REPRESENTATIVE, GLASS_ERR_RSA_VERIFY.  Signing may return
 * GLASS_ERR_RSA_FAULT (nothing is written to sig then). */
glass_err rsa_pkcs1v15_sign(const rsa_private_key *key, const uint8_t *msg, size_t msg_len,
                            uint8_t *sig);
glass_err rsa_pkcs1v15_sign_digest(const rsa_private_key *key, const uint8_t digest[32],
                                   uint8_t *sig);
glass_err rsa_pkcs1v15_verify(const rsa_public_key *key, const uint8_t *msg, size_t msg_len,
                              const uint8_t *sig, size_t sig_len);
glass_err rsa_pkcs1v15_verify_digest(const rsa_public_key *key, const uint8_t digest[32],
                                     const uint8_t *sig, size_t sig_len);

/* RSASSA-PSS with SHA-256 and MGF1-SHA-256, any salt length that fits
 * (0..emLen - 34; GLASS_ERR_RSA_SALT_LENGTH beyond).  The salt is random;
 * the verifier must be told its length (32 is the usual choice). */
glass_err rsa_pss_sign(const rsa_private_key *key, const uint8_t *msg, size_t msg_len,
                       size_t salt_len, uint8_t *sig);
glass_err rsa_pss_verify(const rsa_public_key *key, const uint8_t *msg, size_t msg_len,
                         size_t salt_len, const uint8_t *sig, size_t sig_len);

/* RSAES-OAEP with SHA-256 and MGF1-SHA-256.  out has k bytes for
 * encryption (message at most k - 66 bytes, else
 * GLASS_ERR_RSA_MESSAGE_TOO_LONG); for decryption out_cap >= k (else
 * GLASS_ERR_BUFFER_TOO_SMALL, so that the buffer size never depends on the
 * message) and *out_len is set.  Every padding failure is
 * GLASS_ERR_RSA_DECRYPT; ct_len != k is GLASS_ERR_RSA_CT_LENGTH. */
glass_err rsa_oaep_encrypt(const rsa_public_key *key, const uint8_t *label, size_t label_len,
                           const uint8_t *msg, size_t msg_len, uint8_t *out);
glass_err rsa_oaep_decrypt(const rsa_private_key *key, const uint8_t *label, size_t label_len,
                           const uint8_t *ct, size_t ct_len,
                           uint8_t *out, size_t out_cap, size_t *out_len);

/* RSAES-PKCS1-v1_5 (kept for the Bleichenbacher lesson and the comparison
 * with TLS's RSA key transport).  Message at most k - 11 bytes; decryption as
 * for OAEP: out_cap >= k, one error for every padding failure. */
glass_err rsa_pkcs1v15_encrypt(const rsa_public_key *key, const uint8_t *msg, size_t msg_len,
                               uint8_t *out);
glass_err rsa_pkcs1v15_decrypt(const rsa_private_key *key, const uint8_t *ct, size_t ct_len,
                               uint8_t *out, size_t out_cap, size_t *out_len);

/* I2OSP / OS2IP (RFC 8017 §4.1, §4.2): x as exactly out_len big-endian
 * bytes (GLASS_ERR_LENGTH if it does not fit, GLASS_ERR_RSA_REPRESENTATIVE if
 * negative); and bytes back to an integer. */
glass_err rsa_i2osp(const mpz_t x, uint8_t *out, size_t out_len);
void rsa_os2ip(mpz_t x, const uint8_t *in, size_t len);

#endif
