/*
 * rsa_recover.c — p and q from n, e and d (SP 800-56B Rev. 2 Appendix C).
 *
 * Knowing d is as good as knowing the factors: this file shows why, and
 * gives the NIST runner and tools the primes a key file or test vector
 * left out, so the CRT private operation can run.  One function, read top
 * to bottom.
 *
 * CT: no — it works on a private key's numbers with ordinary GMP calls;
 * it is for keys being loaded or tested, not for a server's hot path.
 */
#include "rsa/rsa.h"

/* See rsa.h.  SP 800-56B Rev. 2 Appendix C, the
 * probabilistic method, with g = 2, 3, 4, ... in place of random g:
 *   1. k = d e - 1, a multiple of λ(n), so g^k = 1 mod n for every g;
 *   2. k = 2^t r with r odd;
 *   3. y = g^r, then square: the last y before 1 is a square root of 1.
 *      If it is not ±1, y - 1 shares exactly one prime with n:
 *      p = gcd(y - 1, n), q = n / p.
 * Half of all g give one, so a few tries suffice. */
glass_err rsa_recover_primes(const mpz_t n, const mpz_t e, const mpz_t d, mpz_t p, mpz_t q)
{
    int found = -1;
    mpz_t k, rr, y, x, nm1;
    mpz_inits(k, rr, y, x, nm1, NULL);
    mpz_mul(k, d, e);
    mpz_sub_ui(k, k, 1);
    mpz_sub_ui(nm1, n, 1);
    if (mpz_sgn(k) <= 0 || mpz_odd_p(k))
        goto done;
    unsigned long t = mpz_scan1(k, 0);
    mpz_tdiv_q_2exp(rr, k, t);
    for (unsigned long g = 2; g < 200 && found != 0; g++) {
        mpz_set_ui(y, g);
        mpz_powm(y, y, rr, n);
        if (mpz_cmp_ui(y, 1) == 0 || mpz_cmp(y, nm1) == 0)
            continue;
        for (unsigned long j = 1; j <= t; j++) {
            mpz_mul(x, y, y);
            mpz_mod(x, x, n);
            if (mpz_cmp_ui(x, 1) == 0) {
                mpz_sub_ui(y, y, 1);
                mpz_gcd(p, y, n);
                /* A factor strictly between 1 and n (always so when n is
                 * the product of two primes). */
                if (mpz_cmp_ui(p, 1) > 0 && mpz_cmp(p, n) < 0) {
                    mpz_divexact(q, n, p);
                    found = 0;
                }
                break;
            }
            if (mpz_cmp(x, nm1) == 0)
                break;
            mpz_set(y, x);
        }
    }
done:
    mpz_clears(k, rr, y, x, nm1, NULL);
    return found == 0 ? GLASS_OK : GLASS_ERR_RSA_KEY_INCONSISTENT;
}
