/*
 * bn.h — constant-time modular exponentiation that rsa/ and dh/ share.
 *
 * SYNOPSIS
 *     mp_limb_t *tp = malloc(bn_sec_powm_itch(bn, enb, n) * sizeof *tp);
 *     bn_sec_powm(rp, bp, bn, ep, enb, mp, n, tp);      rp = bp^ep mod mp
 *     bn_sec_powm_path(n)                               "avx2" or "gmp"
 *     bn_powm_public(r, b, e, m)       r = b^e mod m, e and m public (mpz_t)
 *
 * DESCRIPTION
 *     bn_sec_powm keeps the contract of GMP's mpn_sec_powm (GMP manual,
 *     "Low-level Functions for Cryptography"): R = B^E mod M with
 *     R = {rp,n}, B = {bp,bn}, M = {mp,n}, E = {ep, ceil(enb/64)} read as
 *     exactly enb bits, M odd, enb > 0, and tp scratch of
 *     bn_sec_powm_itch(bn, enb, n) limbs.  One more condition than GMP's:
 *     mp[n-1] != 0 (as mpz_size gives it).
 *
 *     Two paths compute it.  bn_avx2.c: Montgomery multiplication in 28-bit
 *     digits, four at a time in the 64-bit lanes of AVX2 registers, for
 *     moduli of 16..55 limbs (1024..3520 bits) on a CPU that has AVX2.
 *     bn_gmp.c: GMP's own mpn_sec_powm, for every other size and CPU; it
 *     also chooses between the two.  GLASS_BN_IMPL=gmp or =avx2 in the
 *     environment forces one (avx2 falls back to gmp where it cannot run).
 *     bn_sec_powm_path says which one an n-limb modulus gets.
 *
 * CONSTANT TIME
 *     Both paths run the same instructions and touch the same addresses for
 *     every B, E and M of the given sizes (n, bn, enb are public).  The
 *     avx2 path's proof is the essay of bn_avx2.c; make ctgrind checks both
 *     with a secret exponent and a secret modulus (tests/ctgrind/ctgrind.c,
 *     cases bn-avx2 and bn-gmp).
 */
#ifndef GLASS_BN_H
#define GLASS_BN_H

#include <gmp.h>

/* Scratch limbs bn_sec_powm needs for these sizes. */
mp_size_t bn_sec_powm_itch(mp_size_t bn, mp_bitcnt_t enb, mp_size_t n);

/* {rp,n} = {bp,bn}^{ep, enb bits} mod {mp,n}; the contract above. */
void bn_sec_powm(mp_limb_t *rp, const mp_limb_t *bp, mp_size_t bn, const mp_limb_t *ep,
                 mp_bitcnt_t enb, const mp_limb_t *mp, mp_size_t n, mp_limb_t *tp);

/* "avx2" or "gmp": the path bn_sec_powm takes for an n-limb modulus now. */
const char *bn_sec_powm_path(mp_size_t n);

/* r = b^e mod m for a PUBLIC e and m (the RSA public operation), m odd and
 * > 1, e >= 0, 0 <= b < m: the avx2 path's square-and-multiply where
 * bn_sec_powm_path says avx2, else mpz_powm.  NOT constant time in e or m
 * (both public by definition); in b only as much as the path is.
 * 0, or -1 when its scratch cannot be allocated. */
int bn_powm_public(mpz_t r, const mpz_t b, const mpz_t e, const mpz_t m);

#endif
