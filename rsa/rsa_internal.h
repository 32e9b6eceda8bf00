/*
 * rsa_internal.h — RSA pieces that only the other rsa/ files, the tests and
 * the vector runner need.  Not part of the public API.
 */
#ifndef GLASS_RSA_INTERNAL_H
#define GLASS_RSA_INTERNAL_H

#include "rsa/rsa.h"

/* ---- primitives (rsa.c) -------------------------------------------------- */

/* Overwrites every allocated limb of x with zeros, then mpz_clear()s it:
 * glass_mpz_clear_secret (common.h) under the module's name. */
void rsa_mpz_wipe_clear(mpz_t x);

/* Checks (n, e) as a public key may be used: RSA_MIN_BITS_LOADED..RSA_MAX_BITS
 * bits, n odd, e odd, 1 < e < n.  On success *k is the length of n in bytes. */
glass_err rsa_public_params_ok(const mpz_t n, const mpz_t e, size_t *k);

/* RSAEP / RSAVP1 (RFC 8017 §5.1.1, §5.2.2): c = m^e mod n, after checking
 * 0 <= m < n (GLASS_ERR_RSA_REPRESENTATIVE).  Uses mpz_powm: all public. */
glass_err rsa_public_op(const mpz_t n, const mpz_t e, const mpz_t m, mpz_t c);

/* RSADP / RSASP1 (RFC 8017 §5.1.2, §5.2.1) with CRT, base blinding and the
 * check s^e = m before the result is released (GLASS_ERR_RSA_FAULT).
 * Checks 0 <= m < n and that n = p q.  With key->trace set, emits the events
 * EM, blinding, m1, m2, h, s, check (in that order). */
glass_err rsa_private_op(const rsa_private_key *key, const mpz_t m, mpz_t s);
/* The same with the result written as exactly out_len big-endian bytes
 * straight from the limbs (I2OSP without an mpz in between, so no branch on
 * the result's length); GLASS_ERR_LENGTH if n does not fit in out_len. */
glass_err rsa_private_op_bytes(const rsa_private_key *key, const mpz_t m, uint8_t *out,
                               size_t out_len);

/* ---- the CRT arithmetic on limbs (rsa_crt.c) ------------------------------- */

/* p, q odd and > 2, dP, dQ, qInv > 0, n = p q, decided without a branch on
 * a secret limb (GLASS_ERR_RSA_KEY_PRIMES, _CRT, _INCONSISTENT). */
glass_err rsa_crt_key_usable(const rsa_private_key *key);
/* RFC 8017 §5.1.2 2.b.i-iv on the blinded representative mb, unblinding by
 * Ai = r^-1, and the check s^e = m: s[0..mpz_size(n)) on success,
 * GLASS_ERR_RSA_FAULT if the check fails.  CT: yes. */
glass_err rsa_crt_private(const rsa_private_key *key, const mpz_t mb, const mpz_t Ai,
                          const mpz_t m, mp_limb_t *s);

/* ---- encodings (rsa_pad.c) ----------------------------------------------- */

/* EMSA-PKCS1-v1_5 with SHA-256 (RFC 8017 §9.2) from the digest H:
 *     EM = 00 01 FF..FF 00 || DigestInfo(SHA-256) || H       (emLen bytes) */
glass_err rsa_emsa_pkcs1v15_encode(const uint8_t H[32], uint8_t *EM, size_t emLen);

/* EMSA-PSS-ENCODE (RFC 8017 §9.1.1) with SHA-256 and an explicit salt, so the
 * output is reproducible (NIST SigGenPSS, tests).  emBits = modBits - 1. */
glass_err rsa_emsa_pss_encode(const uint8_t mHash[32], const uint8_t *salt, size_t sLen,
                              size_t emBits, uint8_t *EM);

/* RSASSA-PSS-SIGN (RFC 8017 §8.1.1) with the salt given rather than drawn. */
glass_err rsa_pss_sign_with_salt(const rsa_private_key *key, const uint8_t *msg,
                                 size_t msg_len, const uint8_t *salt, size_t salt_len,
                                 uint8_t *sig);

/* MGF1 with SHA-256 (RFC 8017 §B.2.1): mask[0..mask_len) from seed. */
void rsa_mgf1_sha256(const uint8_t *seed, size_t seed_len, uint8_t *mask, size_t mask_len);

#endif
