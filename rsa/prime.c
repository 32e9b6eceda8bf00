/*
 * prime.c — primality tests (FIPS 186-5 Appendix B.3) and random primes:
 * see prime.h.
 *
 * Read in this order:
 *   1. rsa_prime_trial_division: divide by the odd primes below a limit;
 *   2. mr_round, rsa_prime_miller_rabin_base, rsa_prime_miller_rabin: FIPS 186-5
 *      §B.3.1, steps numbered as there;
 *   3. rsa_prime_mr_rounds: FIPS 186-5 Table B.1;
 *   4. rsa_prime_lucas: FIPS 186-5 §B.3.3, steps numbered as there;
 *   5. rsa_prime_test, which runs 1, 2 and 4 in that order, and rsa_prime_generate.
 *
 * GMP supplies the arithmetic (powm, mul, mod, jacobi, perfect-square);
 * the tests themselves are ours: DESIGN.md keeps GMP's mpz_probab_prime_p
 * out of the product.
 *
 * CT: partly — Miller–Rabin's b^m mod w uses mpz_powm_sec; its squarings
 * stop at the first ±1, trial division stops at the first factor, and the
 * Lucas test and the search for a prime are not constant time.  Primes for
 * RSA keys are tested in a process whose timing an attacker does not see.
 */
#include "rsa/prime.h"
#include "rsa/rsa_internal.h"

#include <stdlib.h>
#include <string.h>

/* ---- 1. trial division ------------------------------------------------------ */

/* See prime.h. */
unsigned long rsa_prime_trial_division(const mpz_t w, unsigned long limit)
{
    if (limit > 65536)
        limit = 65536;
    if (mpz_cmp_ui(w, 2) > 0 && mpz_even_p(w))
        return 2;
    for (unsigned long s = 3; s < limit; s += 2) {
        int is_prime = 1;
        for (unsigned long t = 3; t * t <= s; t += 2)
            if (s % t == 0) {
                is_prime = 0;
                break;
            }
        if (is_prime && mpz_cmp_ui(w, s) > 0 && mpz_divisible_ui_p(w, s))
            return s;
    }
    return 0;
}

/* ---- 2. Miller–Rabin (FIPS 186-5 §B.3.1) ------------------------------------ */

/* Steps 4.3..4.6 for one base b, with w - 1 = 2^a * m given. */
static int mr_round(const mpz_t w, const mpz_t wm1, const mpz_t m, unsigned long a,
                    const mpz_t b, mpz_t z)
{
    /* 4.3 z = b^m mod w. */
    mpz_powm_sec(z, b, m, w);
    /* 4.4 If z = 1 or z = w - 1, go to step 4.7 (this round passes). */
    if (mpz_cmp_ui(z, 1) == 0 || mpz_cmp(z, wm1) == 0)
        return PRIME_PROBABLE;
    /* 4.5 For j = 1 to a - 1: z = z^2 mod w; z = w - 1 passes; z = 1 is
     *     composite (a square root of 1 other than +-1 was found). */
    for (unsigned long j = 1; j < a; j++) {
        mpz_mul(z, z, z);
        mpz_mod(z, z, w);
        if (mpz_cmp(z, wm1) == 0)
            return PRIME_PROBABLE;
        if (mpz_cmp_ui(z, 1) == 0)
            return PRIME_COMPOSITE;
    }
    /* 4.6 Return COMPOSITE. */
    return PRIME_COMPOSITE;
}

/* See prime.h. */
int rsa_prime_miller_rabin_base(const mpz_t w, const mpz_t b)
{
    int result;
    unsigned long a;
    mpz_t wm1, m, z;
    mpz_inits(wm1, m, z, NULL);
    /* 1. a = the largest integer such that 2^a divides w - 1.
     * 2. m = (w - 1) / 2^a. */
    mpz_sub_ui(wm1, w, 1);
    a = mpz_scan1(wm1, 0);
    mpz_tdiv_q_2exp(m, wm1, a);
    result = mr_round(w, wm1, m, a, b, z);
    rsa_mpz_wipe_clear(wm1);
    rsa_mpz_wipe_clear(m);
    rsa_mpz_wipe_clear(z);
    return result;
}

/* See prime.h. */
int rsa_prime_miller_rabin(const mpz_t w, unsigned iterations)
{
    int result = PRIME_PROBABLE;
    unsigned long a;
    size_t wlen, nbytes;
    uint8_t *buf = NULL;
    mpz_t wm1, m, b, z;

    if (mpz_cmp_ui(w, 3) <= 0)
        return mpz_cmp_ui(w, 2) >= 0;       /* 2 and 3 are prime; 0, 1 are not */
    if (mpz_even_p(w))
        return PRIME_COMPOSITE;
    mpz_inits(wm1, m, b, z, NULL);
    /* 1., 2. w - 1 = 2^a * m with m odd.  3. wlen = len(w). */
    mpz_sub_ui(wm1, w, 1);
    a = mpz_scan1(wm1, 0);
    mpz_tdiv_q_2exp(m, wm1, a);
    wlen = mpz_sizeinbase(w, 2);
    nbytes = (wlen + 7) / 8;
    buf = malloc(nbytes);
    if (buf == NULL) {
        result = PRIME_ERROR;
        goto cleanup;
    }
    /* 4. For i = 1 to iterations: */
    for (unsigned i = 0; i < iterations && result == PRIME_PROBABLE; i++) {
        /* 4.1 Obtain a string b of wlen bits; 4.2 if b <= 1 or b >= w - 1,
         *     go back to 4.1. */
        int tries = 0;
        do {
            if (++tries > 1000 || glass_random(buf, nbytes) != GLASS_OK) {
                result = PRIME_ERROR;
                goto cleanup;
            }
            if (wlen % 8 != 0)
                buf[0] &= (uint8_t)((1u << (wlen % 8)) - 1u);
            rsa_os2ip(b, buf, nbytes);
        } while (mpz_cmp_ui(b, 1) <= 0 || mpz_cmp(b, wm1) >= 0);
        /* 4.3 .. 4.6 */
        result = mr_round(w, wm1, m, a, b, z);
    }
    /* 5. Return PROBABLY PRIME (result 1) or COMPOSITE (0). */
cleanup:
    if (buf != NULL) {
        glass_wipe(buf, nbytes);
        free(buf);
    }
    rsa_mpz_wipe_clear(wm1);
    rsa_mpz_wipe_clear(m);
    rsa_mpz_wipe_clear(b);
    rsa_mpz_wipe_clear(z);
    return result;
}

/* ---- 3. how many rounds ------------------------------------------------------ */

/* See prime.h.  FIPS 186-5 Table B.1, "Minimum number of rounds of M-R
 * testing when generating primes", the column for M-R tests only and the
 * error probability matching the security strength of the modulus:
 *     p, q of 1024 bits (nlen 2048): 5 rounds, error probability 2^-112
 *     p, q of 1536 bits (nlen 3072): 4 rounds, error probability 2^-128
 *     p, q of 2048 bits (nlen 4096): 4 rounds, error probability 2^-144
 * Larger primes are less likely to fool a round, so 4 stays enough above
 * 2048 bits; below 1024 bits (only ever tested, never generated for RSA)
 * we use the 1024-bit figure plus two. */
unsigned rsa_prime_mr_rounds(unsigned prime_bits)
{
    if (prime_bits >= 1536)
        return 4;
    if (prime_bits >= 1024)
        return 5;
    return 7;
}

/* ---- 4. Lucas (FIPS 186-5 §B.3.3) ------------------------------------------- */

/* x = x / 2 mod C, C odd: x if even, else (x + C) / 2. */
static void half_mod(mpz_t x, const mpz_t C)
{
    if (mpz_odd_p(x))
        mpz_add(x, x, C);
    mpz_fdiv_q_2exp(x, x, 1);
    mpz_mod(x, x, C);
}

/* See prime.h. */
int rsa_prime_lucas(const mpz_t C)
{
    int result = PRIME_COMPOSITE;
    long D = 5;
    mpz_t Dz, K, U, V, Ut, Vt, t;
    if (mpz_cmp_ui(C, 3) <= 0)
        return mpz_cmp_ui(C, 2) >= 0;
    if (mpz_even_p(C))
        return PRIME_COMPOSITE;
    /* 1. If C is a perfect square, return COMPOSITE (no D below would
     *    ever give Jacobi -1). */
    if (mpz_perfect_square_p(C))
        return PRIME_COMPOSITE;
    mpz_inits(Dz, K, U, V, Ut, Vt, t, NULL);
    /* 2. The first D in 5, -7, 9, -11, 13, ... with Jacobi(D, C) = -1;
     *    Jacobi 0 means D and C share a factor: composite unless |D| = C. */
    for (;;) {
        mpz_set_si(Dz, D);
        int j = mpz_jacobi(Dz, C);
        if (j == -1)
            break;
        if (j == 0 && mpz_cmpabs_ui(C, (unsigned long)(D < 0 ? -D : D)) != 0)
            goto done;
        D = D > 0 ? -(D + 2) : -D + 2;
    }
    /* 3. K = C + 1;  4. K_r .. K_0 its bits, K_r = 1. */
    mpz_add_ui(K, C, 1);
    size_t r = mpz_sizeinbase(K, 2) - 1;
    /* 5. U_r = 1, V_r = 1 (the sequences with P = 1, Q = (1 - D)/4). */
    mpz_set_ui(U, 1);
    mpz_set_ui(V, 1);
    mpz_mod(Dz, Dz, C);
    /* 6. For i = r - 1 down to 0: */
    for (size_t i = r; i-- > 0;) {
        /* 6.1 U_temp = U_{i+1} V_{i+1} mod C. */
        mpz_mul(Ut, U, V);
        mpz_mod(Ut, Ut, C);
        /* 6.2 V_temp = (V_{i+1}^2 + D U_{i+1}^2) / 2 mod C. */
        mpz_mul(Vt, V, V);
        mpz_mul(t, U, U);
        mpz_mul(t, t, Dz);
        mpz_add(Vt, Vt, t);
        mpz_mod(Vt, Vt, C);
        half_mod(Vt, C);
        /* 6.3 If K_i = 1: U_i = (U_temp + V_temp)/2, V_i = (V_temp +
         *     D U_temp)/2 mod C; else U_i = U_temp, V_i = V_temp. */
        if (mpz_tstbit(K, i)) {
            mpz_add(U, Ut, Vt);
            mpz_mod(U, U, C);
            half_mod(U, C);
            mpz_mul(t, Dz, Ut);
            mpz_add(V, Vt, t);
            mpz_mod(V, V, C);
            half_mod(V, C);
        } else {
            mpz_set(U, Ut);
            mpz_set(V, Vt);
        }
    }
    /* 7. If U_0 = 0, return PROBABLY PRIME; else COMPOSITE. */
    result = mpz_sgn(U) == 0 ? PRIME_PROBABLE : PRIME_COMPOSITE;
done:
    mpz_clears(Dz, K, U, V, Ut, Vt, t, NULL);
    return result;
}

/* ---- 5. the whole test, and generation ------------------------------------------ */

/* See prime.h. */
int rsa_prime_test(const mpz_t w, unsigned rounds, const char **why)
{
    static const char *const small_factor[] = {"divisible by 2", "divisible by a small prime"};
    const char *dummy;
    if (why == NULL)
        why = &dummy;
    if (mpz_cmp_ui(w, 3) <= 0) {
        *why = mpz_cmp_ui(w, 2) >= 0 ? "a small prime" : "less than 2";
        return mpz_cmp_ui(w, 2) >= 0 ? PRIME_PROBABLE : PRIME_COMPOSITE;
    }
    unsigned long f = rsa_prime_trial_division(w, 1000);
    if (f != 0) {
        *why = small_factor[f == 2 ? 0 : 1];
        return PRIME_COMPOSITE;
    }
    if (mpz_cmp_ui(w, 1000UL * 1000UL) < 0) {
        *why = "no prime factor below its square root (trial division)";
        return PRIME_PROBABLE;
    }
    int r = rsa_prime_miller_rabin(w, rounds);
    if (r != PRIME_PROBABLE) {
        *why = r == PRIME_ERROR ? "random generator failed" : "a Miller-Rabin witness";
        return r;
    }
    if (rsa_prime_lucas(w) != PRIME_PROBABLE) {
        *why = "the Lucas test";
        return PRIME_COMPOSITE;
    }
    *why = "passed trial division, Miller-Rabin and the Lucas test";
    return PRIME_PROBABLE;
}

/* A random odd number of exactly `bits` bits. */
static glass_err random_odd(mpz_t x, unsigned bits)
{
    size_t nbytes = (bits + 7) / 8;
    uint8_t buf[8192 / 8];
    glass_err err = glass_random(buf, nbytes);
    if (err != GLASS_OK)
        return err;
    rsa_os2ip(x, buf, nbytes);
    mpz_fdiv_r_2exp(x, x, bits);
    mpz_setbit(x, bits - 1);
    mpz_setbit(x, 0);
    return GLASS_OK;
}

/* See prime.h. */
glass_err rsa_prime_generate(mpz_t p, unsigned bits, int safe)
{
    glass_err err = GLASS_ERR_RSA_KEYGEN;
    mpz_t q;
    if (bits < (safe ? 3u : 2u) || bits > (safe ? 4096u : 8192u))
        return GLASS_ERR_LENGTH;
    if (bits == 2) {
        mpz_set_ui(p, 3);       /* the only odd 2-bit prime */
        return GLASS_OK;
    }
    mpz_init(q);
    /* Enough tries for any size: about bits * ln 2 / 2 odd candidates per
     * prime, squared for safe primes. */
    unsigned long tries = 200000UL + 64UL * bits * (safe ? (unsigned long)bits : 1UL);
    for (unsigned long i = 0; i < tries; i++) {
        unsigned qbits = safe ? bits - 1 : bits;
        err = random_odd(q, qbits);
        if (err != GLASS_OK)
            break;
        err = GLASS_ERR_RSA_KEYGEN;
        if (safe) {
            /* p = 2q + 1, both prime; the cheap checks on both first. */
            mpz_mul_2exp(p, q, 1);
            mpz_add_ui(p, p, 1);
            if ((mpz_cmp_ui(q, 1000) > 0 && rsa_prime_trial_division(q, 1000) != 0) ||
                (mpz_cmp_ui(p, 1000) > 0 && rsa_prime_trial_division(p, 1000) != 0))
                continue;
            int a = rsa_prime_test(q, rsa_prime_mr_rounds(qbits), NULL);
            int b = a == PRIME_PROBABLE ? rsa_prime_test(p, rsa_prime_mr_rounds(bits), NULL) : a;
            if (a == PRIME_ERROR || b == PRIME_ERROR) {
                err = GLASS_ERR_RANDOM;
                break;
            }
            if (b == PRIME_PROBABLE) {
                err = GLASS_OK;
                break;
            }
        } else {
            int a = rsa_prime_test(q, rsa_prime_mr_rounds(bits), NULL);
            if (a == PRIME_ERROR) {
                err = GLASS_ERR_RANDOM;
                break;
            }
            if (a == PRIME_PROBABLE) {
                mpz_set(p, q);
                err = GLASS_OK;
                break;
            }
        }
    }
    mpz_clear(q);
    return err;
}
