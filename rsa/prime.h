/*
 * prime.h — primality: is this number prime?  Our own tests, over GMP's
 * arithmetic (FIPS 186-5 Appendix B.3).
 *
 * SYNOPSIS
 *     rsa_prime_test(w, rsa_prime_mr_rounds(bits), &why)   PRIME_PROBABLE or _COMPOSITE
 *     rsa_prime_trial_division(w, 1000)               a small factor, or 0
 *     rsa_prime_miller_rabin(w, rounds)               FIPS 186-5 §B.3.1
 *     rsa_prime_lucas(w)                              FIPS 186-5 §B.3.3
 *     rsa_prime_generate(p, bits, safe)               a random (safe) prime
 *
 * DESCRIPTION
 *     rsa_prime_test runs, in order: trial division by the odd primes below
 *     1000 (cheap, and it settles most composites), Miller–Rabin with
 *     `rounds` random bases (FIPS 186-5 §B.3.1; rsa_prime_mr_rounds gives the
 *     rounds of Table B.1), then one Lucas test (§B.3.3).  Miller–Rabin
 *     with base 2 followed by a Lucas test is the Baillie–PSW test, for
 *     which no composite is known; FIPS 186-5 Table B.1 lists it as an
 *     alternative to more Miller–Rabin rounds.
 *
 *     Why Miller–Rabin rather than Fermat.  Fermat's test (b^(w-1) = 1 mod
 *     w) is fooled by Carmichael numbers (561 = 3·11·17) for every base
 *     prime to them.  Miller–Rabin also asks that the square roots of 1 met
 *     on the way be ±1; at most a quarter of the bases lie about any odd
 *     composite, so k random rounds are wrong with probability at most
 *     4^-k, and far less for random candidates of cryptographic size.  A
 *     composite chosen by an adversary to pass fixed small bases (a strong
 *     pseudoprime to bases 2, 3, 5, ...) is why the bases are random and a
 *     Lucas test follows.
 *
 * STANDARDS
 *     FIPS 186-5 (February 2023), Appendix B.3.1 Miller–Rabin, B.3.3
 *     Lucas, Table B.1 the number of rounds.
 *
 * CAVEATS
 *     "Probably prime" is a probability, as in the standard.  Numbers below
 *     4 and even numbers are answered directly.
 *
 * CONSTANT TIME
 *     | part              | CT  | what leaks
 *     | Miller–Rabin      | partly | the exponentiation b^m uses mpz_powm_sec;
 *     |                   |     | the squarings stop early
 *     | trial division,   | no  | the first small factor found, the steps
 *     |   Lucas, generate |     | of the search
 */
#ifndef GLASS_PRIME_H
#define GLASS_PRIME_H

#include "common/common.h"

#include <gmp.h>

enum prime_verdict { PRIME_ERROR = -1, PRIME_COMPOSITE = 0, PRIME_PROBABLE = 1 };

/* Trial division, then `rounds` Miller–Rabin rounds with random bases,
 * then a Lucas test.  *why (if not NULL) is set to which test decided, in
 * words ("divisible by 3", "Miller-Rabin witness", "Lucas test", "passed
 * trial division, N Miller-Rabin rounds and a Lucas test").
 * PRIME_ERROR when the random generator failed. */
int rsa_prime_test(const mpz_t w, unsigned rounds, const char **why);

/* The smallest odd prime factor of w below `limit` (limit <= 65536), or 0
 * if there is none (or w is itself that prime).  Even w gives 2 (unless w
 * is 2). */
unsigned long rsa_prime_trial_division(const mpz_t w, unsigned long limit);

/* One Miller–Rabin round with base b (FIPS 186-5 §B.3.1 steps 4.3..4.6):
 * 1 if w is a strong probable prime to base b, 0 if b witnesses that w is
 * composite.  w odd > 3, 1 < b < w-1. */
int rsa_prime_miller_rabin_base(const mpz_t w, const mpz_t b);

/* FIPS 186-5 §B.3.1: `iterations` rounds with random bases in [2, w-2].
 * PRIME_PROBABLE, PRIME_COMPOSITE, or PRIME_ERROR (random generator). */
int rsa_prime_miller_rabin(const mpz_t w, unsigned iterations);

/* The rounds FIPS 186-5 Table B.1 asks for a prime of `prime_bits` bits
 * (M-R tests only): 1024 -> 5, 1536 and more -> 4; below 1024 (never
 * generated for RSA, only tested) 7. */
unsigned rsa_prime_mr_rounds(unsigned prime_bits);

/* The Lucas probabilistic test of FIPS 186-5 §B.3.3: PRIME_PROBABLE or
 * PRIME_COMPOSITE.  w odd > 2. */
int rsa_prime_lucas(const mpz_t w);

/* A random prime of exactly `bits` bits (2..8192); with safe, one with
 * (p-1)/2 prime too (bits 3..4096).  GLASS_ERR_LENGTH for bits out of
 * range, GLASS_ERR_RANDOM, GLASS_ERR_RSA_KEYGEN when the search gave up. */
glass_err rsa_prime_generate(mpz_t p, unsigned bits, int safe);

#endif
