/*
 * rsa_notes.c — what is unusual about an RSA key, as rules and in words.
 *
 * A key can be perfectly valid — n = p q, e d = 1 mod λ(n), the CRT values
 * right, so it signs and decrypts correctly — and still not be a key FIPS
 * 186-5 would let us make.  glasstls loads every valid key (as OpenSSL
 * does: rsa_check_private), holds the keys it generates to FIPS 186-5
 * (rsa_check_fips186), and tells a person which rules a loaded key departs
 * from (rsa_key_notes, behind `glass rsa -check`).
 *
 * Read in this order: rsa_check_fips186 (the rules, FIPS 186-5 §A.1.1 and
 * §A.1.3), rsa_check_primes, rsa_key_notes (the same rules, in words).
 *
 * CT: no — these look at the sizes of p, q and d, and run on keys being
 * inspected, not on keys in use by a server.
 */
#include "rsa/rsa.h"
#include "rsa/prime.h"

#include <stdio.h>

/* 2^k as an mpz. */
static void power_of_two(mpz_t t, size_t k)
{
    mpz_set_ui(t, 0);
    mpz_setbit(t, k);
}

/* See rsa.h. */
glass_err rsa_check_fips186(const rsa_private_key *key)
{
    glass_err err = GLASS_OK;
    size_t nlen = mpz_sizeinbase(key->n, 2), half = nlen / 2;
    mpz_t t, lambda;
    mpz_inits(t, lambda, NULL);
    /* §A.1.1: nlen is an approved size (here 2048..8192, even). */
    if (nlen < RSA_MIN_BITS || nlen > RSA_MAX_BITS || nlen % 2 != 0) {
        err = GLASS_ERR_RSA_MODULUS_SIZE;
        goto done;
    }
    /* §A.1.1: 2^16 < e < 2^256, e odd. */
    power_of_two(t, 16);
    if (mpz_cmp(key->e, t) <= 0 || mpz_sizeinbase(key->e, 2) > 256 || mpz_even_p(key->e)) {
        err = GLASS_ERR_RSA_EXPONENT;
        goto done;
    }
    /* §A.1.3 steps 4.4 and 5.4: p and q of nlen/2 bits each, both at least
     * sqrt(2) 2^(nlen/2 - 1) (so their top bits make n exactly nlen bits),
     * and |p - q| > 2^(nlen/2 - 100). */
    if (mpz_sizeinbase(key->p, 2) != half || mpz_sizeinbase(key->q, 2) != half) {
        err = GLASS_ERR_RSA_KEY_PRIMES;
        goto done;
    }
    mpz_sub(t, key->p, key->q);
    mpz_abs(t, t);
    power_of_two(lambda, half - 100);
    if (mpz_cmp(t, lambda) <= 0) {
        err = GLASS_ERR_RSA_KEY_PRIMES;
        goto done;
    }
    /* §A.1.1: 2^(nlen/2) < d < lcm(p-1, q-1). */
    mpz_sub_ui(t, key->p, 1);
    mpz_sub_ui(lambda, key->q, 1);
    mpz_lcm(lambda, lambda, t);
    power_of_two(t, half);
    if (mpz_cmp(key->d, t) <= 0 || mpz_cmp(key->d, lambda) >= 0)
        err = GLASS_ERR_RSA_KEY_D_RANGE;
done:
    mpz_clears(t, lambda, NULL);
    return err;
}

/* See rsa.h. */
glass_err rsa_check_primes(const rsa_private_key *key)
{
    const mpz_t *const primes[2] = {&key->p, &key->q};
    for (int i = 0; i < 2; i++) {
        unsigned bits = (unsigned)mpz_sizeinbase(*primes[i], 2);
        int v = rsa_prime_test(*primes[i], rsa_prime_mr_rounds(bits), NULL);
        if (v == PRIME_ERROR)
            return GLASS_ERR_RANDOM;
        if (v != PRIME_PROBABLE)
            return GLASS_ERR_RSA_KEY_PRIMES;
    }
    return GLASS_OK;
}

/* See rsa.h. */
size_t rsa_key_notes(const rsa_private_key *key, void (*note)(void *arg, const char *text),
                     void *arg)
{
    char text[320];
    size_t count = 0;
    size_t nlen = mpz_sizeinbase(key->n, 2), half = nlen / 2;
    size_t pbits = mpz_sizeinbase(key->p, 2), qbits = mpz_sizeinbase(key->q, 2);
    size_t dbits = mpz_sizeinbase(key->d, 2), ebits = mpz_sizeinbase(key->e, 2);
    mpz_t t, lambda;
    mpz_inits(t, lambda, NULL);
    if (nlen < RSA_MIN_BITS) {
        snprintf(text, sizeof text, "a %zu-bit modulus: smaller than the %d bits FIPS 186-5 "
                 "allows for new keys (and glasstls makes)", nlen, RSA_MIN_BITS);
        note(arg, text), count++;
    }
    if (ebits <= 17 && mpz_cmp_ui(key->e, 65537) < 0) {
        snprintf(text, sizeof text, "small public exponent e = %lu: valid, but FIPS 186-5 "
                 "A.1.1 asks 2^16 < e; one message sent unpadded to e keys is recovered by an "
                 "e-th root (Hastad)", mpz_get_ui(key->e));
        note(arg, text), count++;
    } else if (ebits > 256) {
        snprintf(text, sizeof text, "a %zu-bit public exponent: valid, but FIPS 186-5 A.1.1 "
                 "asks e < 2^256", ebits);
        note(arg, text), count++;
    }
    if (pbits != qbits || pbits != half) {
        snprintf(text, sizeof text, "unbalanced primes: p has %zu bits and q %zu, where FIPS "
                 "186-5 A.1.3 makes both nlen/2 = %zu bits; the smaller one is easier to find "
                 "(elliptic-curve factoring works on the smaller factor)", pbits, qbits, half);
        note(arg, text), count++;
    }
    mpz_sub(t, key->p, key->q);
    mpz_abs(t, t);
    if (half > 100 && mpz_sizeinbase(t, 2) <= half - 100) {
        snprintf(text, sizeof text, "p and q are close: |p - q| < 2^%zu, so Fermat's method "
                 "(n = a^2 - b^2 with a near sqrt(n)) factors n at once (FIPS 186-5 A.1.3 "
                 "step 5.4)", half - 100);
        note(arg, text), count++;
    }
    if (dbits <= half) {
        snprintf(text, sizeof text, "small private exponent d of %zu bits: FIPS 186-5 A.1.1 "
                 "asks d > 2^(nlen/2); a d below n^(1/4) falls to Wiener's continued-fraction "
                 "attack", dbits);
        note(arg, text), count++;
    }
    mpz_sub_ui(t, key->p, 1);
    mpz_sub_ui(lambda, key->q, 1);
    mpz_lcm(lambda, lambda, t);
    if (mpz_cmp(key->d, lambda) >= 0) {
        snprintf(text, sizeof text, "d is larger than lambda(n) = lcm(p-1, q-1) (taken mod "
                 "phi(n), as older software does): valid, but FIPS 186-5 A.1.1 uses the "
                 "smallest d, mod lambda(n)");
        note(arg, text), count++;
    }
    mpz_clears(t, lambda, NULL);
    return count;
}
