/*
 * rsa_keygen.c — RSA key generation (FIPS 186-5 §A.1.3, "random primes that
 * are probably prime").  The primality test itself, our Miller–Rabin (FIPS
 * 186-5 §B.3.1) with the rounds of Table B.1, is in prime.c (prime.h).
 *
 * Read in this order:
 *   1. the sieve and gen_prime: how candidates are found cheaply;
 *   2. rsa_generate: FIPS 186-5 §A.1.3 steps 1..6, then d and the CRT values
 *      (§A.1.1), the consistency check and a pairwise test.
 *
 * How a prime is found.  About one odd 1024-bit number in 355 is prime
 * (ln 2^1024 / 2).  Testing each candidate with a full exponentiation would
 * waste most of the time on numbers with a small factor, so:
 *   - a random start p0 of nlen/2 bits with the top two bits set (then
 *     p >= 1.5 * 2^(nlen/2-1) > sqrt(2) * 2^(nlen/2-1), FIPS 186-5 §A.1.3 step
 *     4.4, and p*q has exactly nlen bits) and the low bit set;
 *   - the residues p0 mod s for every odd prime s < 2^16, computed ONCE;
 *   - a sieve over the window p0, p0+2, ..., p0+2(W-1): for each small prime
 *     s the offsets j with p0 + 2j = 0 (mod s) are struck out, found from the
 *     residue alone (j = -r/2 mod s); the next window only adds 2W to each
 *     residue (a few windows per start, then a fresh start).  About 90% of
 *     odd candidates fall here, for no big-number arithmetic at all;
 *   - a survivor with gcd(p-1, e) = 1 (step 4.5) gets one Miller–Rabin round
 *     with base 2, which throws out almost every composite left;
 *   - a candidate that passes gets the rounds of Table B.1 with random bases.
 * Stepping from a random start instead of drawing each candidate afresh (step
 * 4.2) makes primes that follow long gaps a little likelier; Brandt and
 * Damgård (CRYPTO '92) showed the loss of entropy this causes is negligible,
 * and it is what OpenSSL and most libraries do.  A window holds about 11
 * primes on average, so the first one nearly always serves.
 *
 * CT: no, and it need not be entirely: the sieve and the number of candidates
 * tried depend on the random start.  The exponentiations of Miller–Rabin, whose
 * exponent (w-1)/2^a is derived from the candidate, use mpz_powm_sec.
 */
#include "rsa/rsa.h"
#include "rsa/rsa_internal.h"
#include "rsa/prime.h"

#include <stdlib.h>
#include <string.h>

#define SIEVE_LIMIT  65536u     /* sieve with every odd prime below this */
#define SIEVE_WINDOW 4096u      /* odd candidates per window */
#define WINDOWS_PER_START 4     /* windows stepped through from one start */
#define MAX_WINDOWS  64         /* windows in all before giving up (FIPS 186-5
                                   §A.1.3 step 4.7 bounds the search too) */

/* ---- 1. the sieve ---------------------------------------------------------- */

static uint16_t small_primes[6542];     /* odd primes below SIEVE_LIMIT */
static size_t n_small_primes;

/* The odd primes below SIEVE_LIMIT, by Eratosthenes' sieve, once. */
static void small_primes_init(void)
{
    static uint8_t composite[SIEVE_LIMIT];
    if (n_small_primes != 0)
        return;
    for (uint32_t i = 3; i * i < SIEVE_LIMIT; i += 2)
        if (!composite[i])
            for (uint32_t j = i * i; j < SIEVE_LIMIT; j += 2 * i)
                composite[j] = 1;
    size_t count = 0;
    for (uint32_t i = 3; i < SIEVE_LIMIT && count < sizeof small_primes / sizeof small_primes[0];
         i += 2)
        if (!composite[i])
            small_primes[count++] = (uint16_t)i;
    n_small_primes = count;
}

/* Draws a random odd start of `bits` bits with the top two bits set. */
static glass_err random_start(mpz_t p0, unsigned bits)
{
    size_t nbytes = (bits + 7) / 8;
    uint8_t buf[RSA_MAX_BITS / 16];
    glass_err err = glass_random(buf, nbytes);
    if (err != GLASS_OK)
        return err;
    rsa_os2ip(p0, buf, nbytes);
    glass_wipe(buf, nbytes);
    mpz_fdiv_r_2exp(p0, p0, bits);      /* keep `bits` bits */
    mpz_setbit(p0, bits - 1);           /* the top two bits (step 4.4) */
    mpz_setbit(p0, bits - 2);
    mpz_setbit(p0, 0);                  /* odd (step 4.3) */
    return GLASS_OK;
}

/* Finds a probable prime of `bits` bits with gcd(p-1, e) = 1 (FIPS 186-5
 * §A.1.3 step 4).  If `other` is not NULL the result also satisfies
 * |p - other| > 2^(bits - 100) (step 5.4). */
static glass_err gen_prime(mpz_t p, unsigned bits, unsigned long e, const mpz_t other)
{
    glass_err err = GLASS_OK;
    uint32_t *residue = malloc(n_small_primes * sizeof *residue);
    uint8_t *struck = malloc(SIEVE_WINDOW);
    unsigned rounds = rsa_prime_mr_rounds(bits);
    mpz_t p0, t, two, bound;
    mpz_inits(p0, t, two, bound, NULL);
    mpz_set_ui(two, 2);
    mpz_set_ui(bound, 0);
    mpz_setbit(bound, bits - 100);
    if (residue == NULL || struck == NULL) {
        err = GLASS_ERR_NOMEM;
        goto cleanup;
    }

    for (int window = 0; window < MAX_WINDOWS; window++) {
        if (window % WINDOWS_PER_START == 0) {
            /* A random start; its residues mod the small primes are
             * computed once, here. */
            err = random_start(p0, bits);
            if (err != GLASS_OK)
                goto cleanup;
            for (size_t i = 0; i < n_small_primes; i++)
                residue[i] = (uint32_t)mpz_fdiv_ui(p0, small_primes[i]);
        } else {
            /* The next window: p0 + 2W, and each residue moves by 2W. */
            mpz_add_ui(p0, p0, 2ul * SIEVE_WINDOW);
            for (size_t i = 0; i < n_small_primes; i++)
                residue[i] = (residue[i] + 2u * SIEVE_WINDOW) % small_primes[i];
        }

        /* Strike every offset j with p0 + 2j divisible by a small prime s:
         * 2j = -r (mod s), j = (s - r) * (s + 1)/2 mod s. */
        memset(struck, 0, SIEVE_WINDOW);
        for (size_t i = 0; i < n_small_primes; i++) {
            uint32_t s = small_primes[i];
            uint32_t j = (uint32_t)(((uint64_t)((s - residue[i]) % s) * ((s + 1) / 2)) % s);
            for (; j < SIEVE_WINDOW; j += s)
                struck[j] = 1;
        }

        for (uint32_t j = 0; j < SIEVE_WINDOW; j++) {
            if (struck[j])
                continue;
            mpz_add_ui(p, p0, 2ul * j);
            if (mpz_sizeinbase(p, 2) != bits) {
                /* Ran past 2^bits: go to a fresh start. */
                window += WINDOWS_PER_START - 1 - window % WINDOWS_PER_START;
                break;
            }
            /* Step 5.4: |p - q| > 2^(nlen/2 - 100). */
            if (other != NULL) {
                mpz_sub(t, p, other);
                mpz_abs(t, t);
                if (mpz_cmp(t, bound) <= 0)
                    continue;
            }
            /* Step 4.5: gcd(p - 1, e) = 1, else d would not exist. */
            mpz_sub_ui(t, p, 1);
            if (mpz_gcd_ui(NULL, t, e) != 1)
                continue;
            /* A cheap first round with base 2, then the rounds of Table B.1. */
            if (rsa_prime_miller_rabin_base(p, two) != 1)
                continue;
            int r = rsa_prime_miller_rabin(p, rounds);
            if (r < 0) {
                err = GLASS_ERR_RANDOM;
                goto cleanup;
            }
            if (r == 1) {
                err = GLASS_OK;
                goto cleanup;
            }
        }
    }
    err = GLASS_ERR_RSA_KEYGEN;
cleanup:
    if (residue != NULL) {
        glass_wipe(residue, n_small_primes * sizeof *residue);
        free(residue);
    }
    if (struck != NULL) {
        glass_wipe(struck, SIEVE_WINDOW);
        free(struck);
    }
    rsa_mpz_wipe_clear(p0);
    rsa_mpz_wipe_clear(t);
    mpz_clears(two, bound, NULL);
    return err;
}

/* ---- 2. the key --------------------------------------------------------------- */

/* See rsa.h.  FIPS 186-5 §A.1.3, then §A.1.1 for d. */
glass_err rsa_generate(rsa_private_key *key, unsigned bits, unsigned long e)
{
    glass_err err;
    unsigned half = bits / 2;
    mpz_t p, q, n, d, pm1, qm1, lcm, t, ez;
    mpz_inits(p, q, n, d, pm1, qm1, lcm, t, ez, NULL);

    /* 1. nlen must be an acceptable size: here 2048..8192 bits and even, so
     *    that p and q both have nlen/2 bits. */
    if (bits < RSA_MIN_BITS || bits > RSA_MAX_BITS || bits % 2 != 0) {
        err = GLASS_ERR_RSA_MODULUS_SIZE;
        goto cleanup;
    }
    /* 2. FIPS 186-5 §A.1.3 step 2 asks 2^16 < e < 2^256; relaxed here to
     *    "e odd and > 1" so that the e = 3 lab can run.  65537 is the usual
     *    choice and the default of every caller. */
    if (e <= 1 || e % 2 == 0) {
        err = GLASS_ERR_RSA_EXPONENT;
        goto cleanup;
    }
    mpz_set_ui(ez, e);
    small_primes_init();

    for (int attempt = 0; attempt < 8; attempt++) {
        /* 4. p: a probable prime of nlen/2 bits, gcd(p-1, e) = 1. */
        err = gen_prime(p, half, e, NULL);
        if (err != GLASS_OK)
            goto cleanup;
        /* 5. q: likewise, and |p - q| > 2^(nlen/2 - 100) (step 5.4): were p
         *    and q that close, Fermat's method (n = a^2 - b^2 with a near
         *    sqrt(n)) would factor n at once. */
        err = gen_prime(q, half, e, p);
        if (err != GLASS_OK)
            goto cleanup;
        /* Convention (as OpenSSL): p > q. */
        if (mpz_cmp(p, q) < 0)
            mpz_swap(p, q);
        mpz_mul(n, p, q);
        if (mpz_sizeinbase(n, 2) != bits) {     /* cannot happen: top two bits set */
            err = GLASS_ERR_INTERNAL;
            goto cleanup;
        }
        /* §A.1.1: d = e^-1 mod lcm(p-1, q-1), and d > 2^(nlen/2) (else draw
         * again; the chance is about 2^-(nlen/2)). */
        mpz_sub_ui(pm1, p, 1);
        mpz_sub_ui(qm1, q, 1);
        mpz_lcm(lcm, pm1, qm1);
        if (mpz_invert(d, ez, lcm) == 0) {      /* excluded by step 4.5 */
            err = GLASS_ERR_INTERNAL;
            goto cleanup;
        }
        mpz_set_ui(t, 0);
        mpz_setbit(t, half);
        if (mpz_cmp(d, t) > 0) {
            err = GLASS_OK;
            break;
        }
        err = GLASS_ERR_RSA_KEYGEN;
    }
    if (err != GLASS_OK)
        goto cleanup;

    /* The key, with its CRT values (RFC 8017 §3.2). */
    mpz_set(key->n, n);
    mpz_set(key->e, ez);
    mpz_set(key->d, d);
    mpz_set(key->p, p);
    mpz_set(key->q, q);
    err = rsa_private_set_crt(key);
    if (err != GLASS_OK)
        goto cleanup;

    /* Self-checks: the consistency checks a loaded key must pass, and one
     * private operation (itself checked with the public exponent) as the
     * pairwise consistency test of SP 800-56B Rev. 2 §6.4.1.1. */
    err = rsa_check_private(key);
    /* FIPS 186-5's own rules too (rsa_notes.c), for every e it allows
     * (the lab's e = 3 keys are the exception it does not make). */
    if (err == GLASS_OK && e > 65536)
        err = rsa_check_fips186(key);
    if (err == GLASS_OK) {
        mpz_set_ui(t, 0x5a5a5a5au);
        err = rsa_private_op(key, t, q);
    }
    if (err != GLASS_OK) {
        err = GLASS_ERR_RSA_KEYGEN;
        goto cleanup;
    }
cleanup:
    /* 6. Zeroize the intermediate values. */
    rsa_mpz_wipe_clear(p);
    rsa_mpz_wipe_clear(q);
    rsa_mpz_wipe_clear(d);
    rsa_mpz_wipe_clear(pm1);
    rsa_mpz_wipe_clear(qm1);
    rsa_mpz_wipe_clear(lcm);
    rsa_mpz_wipe_clear(t);
    mpz_clears(n, ez, NULL);
    return err;
}
