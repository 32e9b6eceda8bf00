/*
 * test_bn.c — bn_sec_powm on both paths (GMP's mpn_sec_powm and the AVX2
 * Montgomery code) against mpz_powm, for every modulus size RSA and DH use.
 *
 * Moduli of 512..4096 bits (RSA's CRT halves of 1024..8192-bit keys; the
 * ffdhe groups' 2048..4096-bit primes), random odd moduli with the top bit
 * set, plus the extreme ones 2^k - 1 and 2^(k-1) + 1; bases 0, 1, M - 1,
 * random, and longer than M; exponents 0, 1, all ones and random, of the
 * lengths the callers pass (the whole limb count for RSA, 225..325 bits for
 * DH, 17 bits for the public exponent of the fault check).  Each case runs
 * with the path forced to gmp, then to avx2 (which falls back to gmp on a
 * CPU without AVX2 or for a size it does not handle: the path test says
 * which ran).  The random inputs come from GMP's generator with a fixed
 * seed, printed with any failure.  bn_powm_public, the public-exponent
 * entry, the same way.  1024-bit moduli with bn_avx2_37.c's kernel and
 * without it.
 */
#include <stdio.h>   /* before gmp.h, which declares gmp_fprintf only then */

#include "testutil.h"
#include "bn/bn.h"
#include "bn/bn_internal.h"

#include <string.h>

#define SEED 20261203UL

enum base_kind { BASE_ZERO, BASE_ONE, BASE_M_MINUS_1, BASE_RANDOM, BASE_LONG };
enum exp_kind { EXP_ZERO, EXP_ONE, EXP_ONES, EXP_RANDOM };

/* One exponentiation on one path, checked against mpz_powm. */
static int check_one(const mpz_t b, const mpz_t e, mp_bitcnt_t enb, const mpz_t m,
                     enum bn_impl impl)
{
    mp_size_t n = (mp_size_t)mpz_size(m);
    mp_size_t bn = mpz_size(b) ? (mp_size_t)mpz_size(b) : 1;
    mp_size_t en = (mp_size_t)((enb + GMP_NUMB_BITS - 1) / GMP_NUMB_BITS);
    mp_size_t itch = bn_sec_powm_itch(bn, enb, n);
    mp_limb_t *bp = calloc((size_t)(bn + en + n + itch), sizeof(mp_limb_t));
    CU_ASSERT_FATAL(bp != NULL);
    mp_limb_t *ep = bp + bn, *rp = ep + en, *tp = rp + n;
    mpz_export(bp, NULL, -1, sizeof(mp_limb_t), 0, 0, b);
    mpz_export(ep, NULL, -1, sizeof(mp_limb_t), 0, 0, e);
    bn_impl_force(impl);
    bn_sec_powm(rp, bp, bn, ep, enb, mpz_limbs_read(m), n, tp);
    bn_impl_force(BN_IMPL_AUTO);
    mpz_t want, got;
    mpz_inits(want, got, NULL);
    mpz_powm(want, b, e, m);
    mpz_import(got, (size_t)n, -1, sizeof(mp_limb_t), 0, 0, rp);
    int ok = mpz_cmp(want, got) == 0;
    if (!ok)
        gmp_fprintf(stderr, "\n  bn_sec_powm (%s, seed %lu): %zu-bit m, %lu-bit e: wrong result\n"
                    "    m = %Zx\n    b = %Zx\n    e = %Zx\n",
                    impl == BN_IMPL_GMP ? "gmp" : "avx2", SEED, mpz_sizeinbase(m, 2),
                    (unsigned long)enb, m, b, e);
    mpz_clears(want, got, NULL);
    free(bp);
    return ok;
}

static void make_base(mpz_t b, enum base_kind kind, const mpz_t m, gmp_randstate_t rs)
{
    switch (kind) {
    case BASE_ZERO: mpz_set_ui(b, 0); break;
    case BASE_ONE: mpz_set_ui(b, 1); break;
    case BASE_M_MINUS_1: mpz_sub_ui(b, m, 1); break;
    case BASE_RANDOM: mpz_urandomm(b, rs, m); break;
    case BASE_LONG: mpz_urandomb(b, rs, 2 * mpz_sizeinbase(m, 2) + 64); break;
    }
}

static void make_exponent(mpz_t e, enum exp_kind kind, mp_bitcnt_t enb, gmp_randstate_t rs)
{
    switch (kind) {
    case EXP_ZERO: mpz_set_ui(e, 0); break;
    case EXP_ONE: mpz_set_ui(e, 1); break;
    case EXP_ONES:
        mpz_set_ui(e, 0);
        mpz_setbit(e, enb);
        mpz_sub_ui(e, e, 1);
        break;
    case EXP_RANDOM: mpz_urandomb(e, rs, enb); break;
    }
}

/* Every base kind with every exponent kind, on both paths, for m. */
static int check_modulus(const mpz_t m, mp_bitcnt_t enb, gmp_randstate_t rs)
{
    int bad = 0;
    mpz_t b, e;
    mpz_inits(b, e, NULL);
    for (int bk = BASE_ZERO; bk <= BASE_LONG; bk++)
        for (int ek = EXP_ZERO; ek <= EXP_RANDOM; ek++) {
            make_base(b, (enum base_kind)bk, m, rs);
            make_exponent(e, (enum exp_kind)ek, enb, rs);
            bad += !check_one(b, e, enb, m, BN_IMPL_GMP);
            bad += !check_one(b, e, enb, m, BN_IMPL_AVX2);
        }
    mpz_clears(b, e, NULL);
    return bad;
}

static void random_modulus(mpz_t m, unsigned bits, gmp_randstate_t rs)
{
    mpz_urandomb(m, rs, bits);
    mpz_setbit(m, bits - 1);
    mpz_setbit(m, 0);
}

/* The sizes the callers use: RSA halves with their whole limb count as the
 * exponent length and with e's 17 bits; DH primes with 225..325 bits. */
static void test_bn_sizes(void)
{
    static const struct { unsigned mbits, ebits; } cases[] = {
        {512, 512}, {768, 768}, {1024, 1024}, {1024, 17}, {1536, 1536}, {2048, 2048},
        {2048, 225}, {2048, 17}, {3072, 275}, {3072, 3072}, {4096, 325}, {4096, 4096},
    };
    gmp_randstate_t rs;
    gmp_randinit_default(rs);
    gmp_randseed_ui(rs, SEED);
    mpz_t m;
    mpz_init(m);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int rounds = cases[i].mbits * cases[i].ebits > 2048u * 2048u ? 1 : 2;
        for (int r = 0; r < rounds; r++) {
            random_modulus(m, cases[i].mbits, rs);
            CU_ASSERT_EQUAL(check_modulus(m, cases[i].ebits, rs), 0);
        }
    }
    mpz_clear(m);
    gmp_randclear(rs);
}

/* Moduli at the ends of their size: 2^k - 1 (every digit full) and
 * 2^(k-1) + 1 (the smallest with k bits). */
static void test_bn_extreme_moduli(void)
{
    gmp_randstate_t rs;
    gmp_randinit_default(rs);
    gmp_randseed_ui(rs, SEED + 1);
    mpz_t m;
    mpz_init(m);
    static const unsigned sizes[] = {1024, 2048, 3072, 3520};
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        mpz_set_ui(m, 0);
        mpz_setbit(m, sizes[i]);
        mpz_sub_ui(m, m, 1);
        CU_ASSERT_EQUAL(check_modulus(m, 130, rs), 0);
        mpz_set_ui(m, 0);
        mpz_setbit(m, sizes[i] - 1);
        mpz_add_ui(m, m, 1);
        CU_ASSERT_EQUAL(check_modulus(m, 130, rs), 0);
    }
    mpz_clear(m);
    gmp_randclear(rs);
}

/* Many random inputs at the two sizes that matter most (RSA-2048's halves,
 * ffdhe2048), both paths. */
static void test_bn_random_many(void)
{
    gmp_randstate_t rs;
    gmp_randinit_default(rs);
    gmp_randseed_ui(rs, SEED + 2);
    mpz_t m, b, e;
    mpz_inits(m, b, e, NULL);
    int bad = 0;
    for (int i = 0; i < 40; i++) {
        unsigned mbits = i % 2 ? 2048 : 1024, ebits = i % 2 ? 225 : 1024;
        random_modulus(m, mbits, rs);
        mpz_urandomm(b, rs, m);
        mpz_urandomb(e, rs, ebits);
        bad += !check_one(b, e, ebits, m, BN_IMPL_GMP);
        bad += !check_one(b, e, ebits, m, BN_IMPL_AVX2);
    }
    CU_ASSERT_EQUAL(bad, 0);
    mpz_clears(m, b, e, NULL);
    gmp_randclear(rs);
}

/* 1024-bit moduli have their own multiplication (bn/bn_avx2_37.c, sums in
 * registers, results' digits left a little over 2^28): each case runs with
 * it and with the general one (bn_avx2_use_n37), against mpz_powm.  Moduli
 * random, 2^1024 - 1 (every digit full) and 2^1023 + 1; bases M - 1 and
 * random; exponents of 1024 bits (RSA-2048's halves), 17 bits (the fault
 * check) and all ones; then bn_powm_public with e = 65537. */
static void test_bn_n37_kernel(void)
{
    gmp_randstate_t rs;
    gmp_randinit_default(rs);
    gmp_randseed_ui(rs, SEED + 4);
    mpz_t m, b, e, want, got;
    mpz_inits(m, b, e, want, got, NULL);
    int bad = 0, cases = 0;
    for (int i = 0; i < 24; i++) {
        if (i % 8 == 0) {
            mpz_set_ui(m, 0);
            mpz_setbit(m, 1024);
            mpz_sub_ui(m, m, 1);
        } else if (i % 8 == 1) {
            mpz_set_ui(m, 0);
            mpz_setbit(m, 1023);
            mpz_add_ui(m, m, 1);
        } else {
            random_modulus(m, 1024, rs);
        }
        if (i % 3 == 0)
            mpz_sub_ui(b, m, 1);
        else
            mpz_urandomm(b, rs, m);
        mp_bitcnt_t enb = i % 4 == 3 ? 17 : 1024;
        make_exponent(e, i % 5 == 4 ? EXP_ONES : EXP_RANDOM, enb, rs);
        for (int on = 0; on <= 1; on++) {
            bn_avx2_use_n37(on);
            bad += !check_one(b, e, enb, m, BN_IMPL_AVX2);
            mpz_set_ui(e, 65537);
            bn_impl_force(BN_IMPL_AVX2);
            CU_ASSERT_EQUAL(bn_powm_public(got, b, e, m), 0);
            bn_impl_force(BN_IMPL_AUTO);
            mpz_powm(want, b, e, m);
            bad += mpz_cmp(want, got) != 0;
            make_exponent(e, i % 5 == 4 ? EXP_ONES : EXP_RANDOM, enb, rs);
            cases += 2;
        }
    }
    bn_avx2_use_n37(1);
    CU_ASSERT_EQUAL(bad, 0);
    CU_ASSERT_EQUAL(cases, 96);
    mpz_clears(m, b, e, want, got, NULL);
    gmp_randclear(rs);
}

/* bn_powm_public against mpz_powm on both paths: moduli of 512..4096 bits
 * (the avx2 path for 1024..3520, mpz_powm around it) and the extremes
 * 2^k - 1; exponents 1, 3, 65537, a random 64-bit one and one as long as
 * the modulus; bases 0, 1, M - 1 and random.  And an even modulus, a base
 * not below M and e = 0, which go to mpz_powm. */
static void test_bn_powm_public(void)
{
    gmp_randstate_t rs;
    gmp_randinit_default(rs);
    gmp_randseed_ui(rs, SEED + 3);
    mpz_t m, b, e, want, got;
    mpz_inits(m, b, e, want, got, NULL);
    static const unsigned sizes[] = {512, 1024, 1536, 2048, 3072, 3520, 4096};
    int bad = 0, cases = 0;
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++)
        for (int mk = 0; mk < 2; mk++) {
            if (mk == 0) {
                random_modulus(m, sizes[i], rs);
            } else {
                mpz_set_ui(m, 0);
                mpz_setbit(m, sizes[i]);
                mpz_sub_ui(m, m, 1);
            }
            for (int ek = 0; ek < 5; ek++)
                for (int bk = BASE_ZERO; bk <= BASE_RANDOM; bk++)
                    for (int impl = BN_IMPL_GMP; impl <= BN_IMPL_AVX2; impl++) {
                        static const unsigned long small[] = {1, 3, 65537};
                        if (ek < 3)
                            mpz_set_ui(e, small[ek]);
                        else
                            mpz_urandomb(e, rs, ek == 3 ? 64 : sizes[i]);
                        mpz_setbit(e, 0);
                        make_base(b, (enum base_kind)bk, m, rs);
                        bn_impl_force((enum bn_impl)impl);
                        CU_ASSERT_EQUAL(bn_powm_public(got, b, e, m), 0);
                        bn_impl_force(BN_IMPL_AUTO);
                        mpz_powm(want, b, e, m);
                        bad += mpz_cmp(want, got) != 0;
                        cases++;
                    }
        }
    /* What the avx2 path leaves to mpz_powm. */
    random_modulus(m, 2048, rs);
    mpz_set_ui(e, 0);
    mpz_set_ui(b, 5);
    CU_ASSERT(bn_powm_public(got, b, e, m) == 0 && mpz_cmp_ui(got, 1) == 0);
    mpz_add_ui(b, m, 7);
    mpz_set_ui(e, 65537);
    mpz_powm(want, b, e, m);
    CU_ASSERT(bn_powm_public(got, b, e, m) == 0 && mpz_cmp(got, want) == 0);
    mpz_sub_ui(m, m, 1);
    mpz_set_ui(b, 12345);
    mpz_powm(want, b, e, m);
    CU_ASSERT(bn_powm_public(got, b, e, m) == 0 && mpz_cmp(got, want) == 0);
    CU_ASSERT_EQUAL(bad, 0);
    CU_ASSERT_EQUAL(cases, 7 * 2 * 5 * 4 * 2);
    mpz_clears(m, b, e, want, got, NULL);
    gmp_randclear(rs);
}

/* Which path runs: avx2 only where the CPU has it and the size is one it
 * handles (16..55 limbs); gmp when forced, by the switch or GLASS_BN_IMPL. */
static void test_bn_path(void)
{
    const char *want2048 = bn_avx2_available() ? "avx2" : "gmp";
    CU_ASSERT_STRING_EQUAL(bn_sec_powm_path(32), want2048);
    CU_ASSERT_STRING_EQUAL(bn_sec_powm_path(16), want2048);
    CU_ASSERT_STRING_EQUAL(bn_sec_powm_path(55), want2048);
    CU_ASSERT_STRING_EQUAL(bn_sec_powm_path(8), "gmp");
    CU_ASSERT_STRING_EQUAL(bn_sec_powm_path(56), "gmp");
    CU_ASSERT_STRING_EQUAL(bn_sec_powm_path(64), "gmp");
    bn_impl_force(BN_IMPL_GMP);
    CU_ASSERT_STRING_EQUAL(bn_sec_powm_path(32), "gmp");
    bn_impl_force(BN_IMPL_AUTO);
    const char *old = getenv("GLASS_BN_IMPL");
    char *saved = old ? strdup(old) : NULL;
    setenv("GLASS_BN_IMPL", "gmp", 1);
    CU_ASSERT_STRING_EQUAL(bn_sec_powm_path(32), "gmp");
    setenv("GLASS_BN_IMPL", "avx2", 1);
    CU_ASSERT_STRING_EQUAL(bn_sec_powm_path(32), want2048);
    if (saved) {
        setenv("GLASS_BN_IMPL", saved, 1);
        free(saved);
    } else {
        unsetenv("GLASS_BN_IMPL");
    }
    if (!bn_avx2_available())
        fprintf(stderr, "\n  (no AVX2 on this CPU: the avx2 cases ran GMP's path)\n");
}

void suite_bn(void)
{
    CU_pSuite s = tu_suite("bn");
    TU_ADD(s, test_bn_path);
    TU_ADD(s, test_bn_sizes);
    TU_ADD(s, test_bn_extreme_moduli);
    TU_ADD(s, test_bn_random_many);
    TU_ADD(s, test_bn_n37_kernel);
    TU_ADD(s, test_bn_powm_public);
}
