/*
 * cmd_prime.c — `glass prime [-hex] [-checks N] NUMBER...` and
 * `glass prime -generate -bits N [-safe] [-hex]`, as `openssl prime`:
 * the options; the tests are rsa/prime.h's.
 *
 * Output, line for line as OpenSSL prints it:
 *
 *     231 (561) is not prime          the number in hex, then as given
 *     61 (97) is prime
 *
 * and -generate prints the prime in decimal (hex with -hex).  -explain adds,
 * after each verdict, which test decided it.
 */
#include "apps.h"
#include "opt.h"
#include "rsa/prime.h"

#include <gmp.h>
#include <stdlib.h>
#include <string.h>

#define PRIME_MAX_BITS 16384    /* numbers we test: up to 16384 bits */

/* Reads one operand as decimal (or hex with -hex); only digits, no sign. */
static int read_number(mpz_t w, const char *text, int hex)
{
    size_t n = strlen(text);
    if (n == 0 || n > PRIME_MAX_BITS / 3 + 1)
        return -1;
    if (strspn(text, hex ? "0123456789abcdefABCDEF" : "0123456789") != n)
        return -1;
    return mpz_set_str(w, text, hex ? 16 : 10) == 0 ? 0 : -1;
}

static int generate(unsigned long bits, int safe, int hex)
{
    mpz_t p;
    mpz_init(p);
    glass_err err = rsa_prime_generate(p, (unsigned)bits, safe);
    if (err != GLASS_OK) {
        mpz_clear(p);
        return app_error("prime", "-bits %lu%s: %s", bits, safe ? " -safe" : "",
                         glass_strerror(err));
    }
    char *s = mpz_get_str(NULL, hex ? 16 : 10, p);
    for (char *c = s; hex && c != NULL && *c != '\0'; c++)
        if (*c >= 'a' && *c <= 'f')
            *c = (char)(*c - 'a' + 'A');
    printf("%s\n", s != NULL ? s : "?");
    free(s);
    mpz_clear(p);
    return 0;
}

static int check(const opt_operands *rest, int hex, unsigned long checks, int explain)
{
    int rc = 0;
    mpz_t w;
    mpz_init(w);
    for (int i = 0; i < rest->n; i++) {
        const char *why = NULL;
        if (read_number(w, rest->v[i], hex) != 0) {
            rc = app_error("prime", "'%s' is not a %s number (of at most %d bits)", rest->v[i],
                           hex ? "hexadecimal" : "decimal", PRIME_MAX_BITS);
            continue;
        }
        unsigned bits = (unsigned)mpz_sizeinbase(w, 2);
        unsigned rounds = checks > 0 ? (unsigned)checks : rsa_prime_mr_rounds(bits);
        int v = rsa_prime_test(w, rounds, &why);
        if (v == PRIME_ERROR) {
            rc = app_error("prime", "%s: %s", rest->v[i], glass_strerror(GLASS_ERR_RANDOM));
            continue;
        }
        char *h = mpz_get_str(NULL, 16, w);
        for (char *c = h; c != NULL && *c != '\0'; c++)
            if (*c >= 'a' && *c <= 'f')
                *c = (char)(*c - 'a' + 'A');
        printf("%s (%s) is %s", h != NULL ? h : "?", rest->v[i],
               v == PRIME_PROBABLE ? "prime" : "not prime");
        if (explain)
            printf(": %s (%u Miller-Rabin rounds at most)", why, rounds);
        putchar('\n');
        free(h);
    }
    mpz_clear(w);
    return rc;
}

static int run(int argc, char **argv)
{
    int hex = 0, gen = 0, safe = 0, explain = 0;
    unsigned long bits = 0, checks = 0;
    opt_operands rest;
    const opt opts[] = {
        OPTION_FLAG("-hex", NULL, "numbers in hexadecimal, in and out", &hex),
        OPTION_FLAG("-generate", NULL, "make a random prime of -bits bits", &gen),
        OPTION_UINT("-bits", "N", "size of the prime to generate", &bits, 2, 8192),
        OPTION_FLAG("-safe", NULL, "generate a safe prime p: (p-1)/2 prime too", &safe),
        OPTION_UINT("-checks", "N",
                    "Miller-Rabin rounds (default: FIPS 186-5 Table B.1's for the size)",
                    &checks, 1, 1000),
        OPTION_FLAG("-explain", NULL, "say which test decided", &explain),
        OPTION_END,
    };
    const opt_command spec = {
        "prime", "[-hex] [-checks N] [-explain] NUMBER... | -generate -bits N [-safe] [-hex]",
        "Tests numbers for primality as openssl prime does: trial division, Miller-Rabin\n"
        "with random bases (FIPS 186-5 B.3.1) and a Lucas test (B.3.3), all glasstls's\n"
        "own (rsa/prime.h).  A Carmichael number fools Fermat's test, not these.\n",
        opts,
        "  glass prime 561 1105 2147483647\n"
        "  glass prime -generate -bits 512 -safe\n",
        0, 0, -1, "NUMBER", 0};
    int st = opt_parse(&spec, argc, argv, &rest);
    if (st != OPT_RUN)
        return st;
    if (gen) {
        if (bits == 0)
            return app_error("prime", "-generate needs -bits N");
        if (rest.n > 0)
            return app_error("prime", "-generate takes no NUMBER");
        return generate(bits, safe, hex);
    }
    if (bits != 0 || safe)
        return app_error("prime", "-bits and -safe go with -generate");
    if (rest.n == 0)
        return app_error("prime", "no NUMBER to test (see glass prime --help)");
    return check(&rest, hex, checks, explain);
}

const struct glass_command cmd_prime = {"prime", "test numbers for primality, or make a prime",
                                        run};
