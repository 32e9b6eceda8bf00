/*
 * test_prime.c — rsa/prime.h beyond Miller–Rabin (whose tests are in
 * test_rsa.c): trial division, the Lucas test of FIPS 186-5 §B.3.3 against
 * the list of Lucas pseudoprimes for Selfridge's parameters (OEIS A217120),
 * the whole test against numbers built to fool weaker ones, prime
 * generation, and the recovery of p and q from d (rsa_recover_primes).
 */
#include "testutil.h"
#include "rsa/prime.h"
#include "rsa/rsa.h"

#include <stdlib.h>

/* 1 if n (odd, > 1) is prime, by plain division: the oracle here. */
static int is_prime_slow(unsigned long n)
{
    if (n < 2)
        return 0;
    for (unsigned long d = 2; d * d <= n; d++)
        if (n % d == 0)
            return 0;
    return 1;
}

static void test_trial_division(void)
{
    mpz_t w;
    mpz_init(w);
    mpz_set_ui(w, 3 * 5 * 7);
    CU_ASSERT_EQUAL(rsa_prime_trial_division(w, 1000), 3);
    mpz_set_ui(w, 997UL * 991UL);
    CU_ASSERT_EQUAL(rsa_prime_trial_division(w, 1000), 991);
    mpz_set_ui(w, 1009UL * 1013UL);                 /* both factors above the limit */
    CU_ASSERT_EQUAL(rsa_prime_trial_division(w, 1000), 0);
    mpz_set_ui(w, 997);                             /* a small prime itself */
    CU_ASSERT_EQUAL(rsa_prime_trial_division(w, 1000), 0);
    mpz_set_ui(w, 1024);
    CU_ASSERT_EQUAL(rsa_prime_trial_division(w, 1000), 2);
    mpz_clear(w);
}

/* The Lucas test says "probably prime" for every odd prime and, among odd
 * non-square composites below 20000, exactly for the Lucas pseudoprimes. */
static void test_lucas_pseudoprimes(void)
{
    static const unsigned long lpsp[] = {323, 377, 1159, 1829, 3827, 5459, 5777, 9071, 9179,
                                         10877, 11419, 11663, 13919, 14839, 16109, 16211,
                                         18407, 18971, 19043};
    size_t next = 0, wrong = 0;
    mpz_t w;
    mpz_init(w);
    for (unsigned long n = 5; n < 20000; n += 2) {
        mpz_set_ui(w, n);
        int want = is_prime_slow(n);
        if (!want && next < sizeof lpsp / sizeof lpsp[0] && lpsp[next] == n) {
            want = 1;
            next++;
        }
        if (mpz_perfect_square_p(w))
            want = 0;
        if (rsa_prime_lucas(w) != want)
            wrong++;
    }
    CU_ASSERT_EQUAL(wrong, 0);
    CU_ASSERT_EQUAL(next, sizeof lpsp / sizeof lpsp[0]);
    mpz_clear(w);
}

/* Numbers made to fool weaker tests are composite for rsa_prime_test:
 * Carmichael numbers (Fermat), strong pseudoprimes to the first prime
 * bases (Miller–Rabin with fixed bases), Lucas pseudoprimes (Lucas alone). */
static void test_adversarial(void)
{
    static const char *composite[] = {
        "561", "41041", "9746347772161",                 /* Carmichael */
        "2047", "1373653", "25326001", "3215031751",     /* strong psp to 2; 2,3; 2,3,5; 2..7 */
        "2152302898747", "3474749660383", "341550071728321",
        "3825123056546413051",                           /* to the first nine prime bases */
        "318665857834031151167461",                      /* to the first twelve */
        "3317044064679887385961981",                     /* to the first thirteen */
        "5777", "19043",                                 /* Lucas pseudoprimes */
    };
    static const char *prime[] = {
        "2", "3", "65537", "2147483647", "170141183460469231731687303715884105727",
    };
    mpz_t w;
    mpz_init(w);
    for (size_t i = 0; i < sizeof composite / sizeof composite[0]; i++) {
        mpz_set_str(w, composite[i], 10);
        CU_ASSERT_EQUAL(rsa_prime_test(w, 4, NULL), PRIME_COMPOSITE);
    }
    for (size_t i = 0; i < sizeof prime / sizeof prime[0]; i++) {
        mpz_set_str(w, prime[i], 10);
        CU_ASSERT_EQUAL(rsa_prime_test(w, 4, NULL), PRIME_PROBABLE);
    }
    /* Below a million, trial division alone is exact. */
    for (unsigned long n = 0; n < 3000; n++) {
        mpz_set_ui(w, n);
        CU_ASSERT_EQUAL(rsa_prime_test(w, 1, NULL), is_prime_slow(n));
    }
    mpz_clear(w);
}

static void test_generate(void)
{
    mpz_t p, q;
    mpz_inits(p, q, NULL);
    for (unsigned bits = 2; bits <= 40; bits += 3) {
        TU_ASSERT_ERR(rsa_prime_generate(p, bits, 0), GLASS_OK);
        CU_ASSERT_EQUAL(mpz_sizeinbase(p, 2), bits);
        CU_ASSERT(is_prime_slow(mpz_get_ui(p)));
    }
    TU_ASSERT_ERR(rsa_prime_generate(p, 256, 0), GLASS_OK);
    CU_ASSERT_EQUAL(mpz_sizeinbase(p, 2), 256);
    TU_ASSERT_ERR(rsa_prime_generate(p, 128, 1), GLASS_OK);
    CU_ASSERT_EQUAL(mpz_sizeinbase(p, 2), 128);
    mpz_sub_ui(q, p, 1);
    mpz_fdiv_q_2exp(q, q, 1);
    CU_ASSERT_EQUAL(rsa_prime_test(q, 20, NULL), PRIME_PROBABLE);
    TU_ASSERT_ERR(rsa_prime_generate(p, 1, 0), GLASS_ERR_LENGTH);
    TU_ASSERT_ERR(rsa_prime_generate(p, 2, 1), GLASS_ERR_LENGTH);
    TU_ASSERT_ERR(rsa_prime_generate(p, 8193, 0), GLASS_ERR_LENGTH);
    mpz_clears(p, q, NULL);
}

/* SP 800-56B Rev. 2 Appendix C: d gives away p and q. */
static void test_recover_primes(void)
{
    rsa_private_key k;
    mpz_t p, q;
    mpz_inits(p, q, NULL);
    rsa_private_init(&k);
    TU_ASSERT_ERR(rsa_generate(&k, 2048, RSA_DEFAULT_E), GLASS_OK);
    TU_ASSERT_ERR(rsa_recover_primes(k.n, k.e, k.d, p, q), GLASS_OK);
    CU_ASSERT((mpz_cmp(p, k.p) == 0 && mpz_cmp(q, k.q) == 0) ||
              (mpz_cmp(p, k.q) == 0 && mpz_cmp(q, k.p) == 0));
    mpz_add_ui(k.d, k.d, 2);                        /* a d that fits no factors */
    TU_ASSERT_ERR(rsa_recover_primes(k.n, k.e, k.d, p, q), GLASS_ERR_RSA_KEY_INCONSISTENT);
    rsa_private_clear(&k);
    mpz_clears(p, q, NULL);
}

void suite_prime(void)
{
    CU_pSuite s = tu_suite("prime");
    CU_add_test(s, "trial division", test_trial_division);
    CU_add_test(s, "Lucas test = A217120 below 20000", test_lucas_pseudoprimes);
    CU_add_test(s, "Carmichael and strong pseudoprimes", test_adversarial);
    CU_add_test(s, "generate, safe primes, sizes", test_generate);
    CU_add_test(s, "p and q recovered from d", test_recover_primes);
}
