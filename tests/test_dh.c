/*
 * test_dh.c — finite-field Diffie–Hellman: the named groups' primes, key
 * agreement, public-key validation (full and Legendre), custom groups, a
 * NIST worked example, and the TLS 1.2 stripping of leading zeros.
 *
 * GMP's mpz_probab_prime_p appears here only as a test oracle for the RFC
 * primes; the library never uses it.
 */
#include "testutil.h"
#include "dh/dh.h"

#include <string.h>

static const char *const NAMED[] = {"ffdhe2048", "ffdhe3072", "ffdhe4096", "modp14", "modp15"};
static const unsigned NAMED_BITS[] = {2048, 3072, 4096, 2048, 3072};
static const unsigned NAMED_XBITS[] = {225, 275, 325, 225, 275};
#define NNAMED (sizeof NAMED / sizeof NAMED[0])

/* NIST CAVS KAS FFC, KASValidityTest_FFCStatic_NOKC_ZZOnly_init.fax,
 * parameter set FA (|p| = 1024, |q| = 160), COUNT = 12: a Z whose first
 * byte is 00, so the fixed-length output must keep it. */
static const char FA_P[] =
    "da3a8085d372437805de95b88b675122f575df976610c6a844de99f1df82a068"
    "48bf7a42f18895c97402e81118e01a00d0855d51922f434c022350861d58ddf6"
    "0d65bc6941fc6064b147071a4c30426d82fc90d888f94990267c64beef8c304a"
    "4b2b26fb93724d6a9472fa16bc50c5b9b8b59afb62cfe9ea3ba042c73a6ade35";
static const char FA_Q[] = "f2ca7621eb250aa5f22cef1907011295defc50a7";
static const char FA_G[] =
    "a51883e9ac0539859df3d25c716437008bb4bd8ec4786eb4bc643299daef5e3e"
    "5af5863a6ac40a597b83a27583f6a658d408825105b16d31b6ed088fc623f648"
    "fd6d95e9cefcb0745763cddf564c87bcf4ba7928e74fd6a3080481f588d535e4"
    "c026b58a21e1e5ec412ff241b436043e29173f1dc6cb943c09742de989547288";
static const char FA12_YCAVS[] =
    "44cd48620b760509763c25a0de5b790eef9b90a059c5bfe7802757edaed16715"
    "d719f50c2a9b4aea856e33808f208755a5132de9b494e241a43c8c8833fb9576"
    "91a2b417bef84327abfaa7cce9c1e0247020ce369a8f89a62807a14c73afe551"
    "351b98f91e0f6b87924b41953f695d0b56ef33c23391b68782dec8fe6cc7b1c0";
static const char FA12_XIUT[] = "c95964d0878579972e84c789f7649a234bf38422";
static const char FA12_Z[] =
    "00fffde148f142acdbac7695e6b9ca8927c125c4b369e92c43a84e0af3407088"
    "e1352ed193f5721a44cf52fa5d715865a5e1b1d0ec2a42c7b4cfca2de1656d3f"
    "3cd0dddc060c4998aa651e343fbc09aa0d8b43642534dfc2eafff3436407c51c"
    "2431bdd1899ddea498a76f72cbd4e4e112e26a0a1409650d6097305c5c734f18";

static void init_fa(dh_group *G)
{
    mpz_t p, q, g;
    mpz_init_set_str(p, FA_P, 16);
    mpz_init_set_str(q, FA_Q, 16);
    mpz_init_set_str(g, FA_G, 16);
    TU_ASSERT_ERR(dh_group_init_custom(G, p, q, g), GLASS_OK);
    mpz_clears(p, q, g, NULL);
}

/* A random integer in [0, p) from glass_random (for property tests). */
static void random_below(mpz_t out, const mpz_t p)
{
    uint8_t buf[512];
    size_t n = (mpz_sizeinbase(p, 2) + 7) / 8;
    CU_ASSERT_FATAL(n <= sizeof buf);
    TU_ASSERT_ERR(glass_random(buf, n), GLASS_OK);
    mpz_import(out, n, 1, 1, 1, 0, buf);
    mpz_mod(out, out, p);
}

/* RFC 7919 Appendix A / RFC 3526 §3–§4: each prime has the stated size,
 * 64 one bits at both ends, is a safe prime (p = 2q + 1, both prime), and
 * p ≡ 7 mod 8, so p ≡ 3 mod 4 (-1 is a non-residue) and 2 is a residue
 * (g = 2 generates the order-q subgroup: g^q ≡ 1). */
static void test_named_groups(void)
{
    mpz_t t;
    mpz_init(t);
    for (size_t i = 0; i < NNAMED; i++) {
        const dh_group *G = dh_group_by_name(NAMED[i]);
        CU_ASSERT_PTR_NOT_NULL_FATAL(G);
        CU_ASSERT_STRING_EQUAL(G->name, NAMED[i]);
        CU_ASSERT_EQUAL(mpz_sizeinbase(G->p, 2), NAMED_BITS[i]);
        CU_ASSERT_EQUAL(G->p_len, NAMED_BITS[i] / 8);
        CU_ASSERT_EQUAL(G->x_bits, NAMED_XBITS[i]);
        CU_ASSERT_EQUAL(G->safe_prime, 1);
        CU_ASSERT_EQUAL(mpz_fdiv_ui(G->p, 4), 3);
        CU_ASSERT_EQUAL(mpz_fdiv_ui(G->p, 8), 7);
        /* low 64 bits and high 64 bits all ones */
        mpz_fdiv_r_2exp(t, G->p, 64);
        CU_ASSERT_EQUAL(mpz_popcount(t), 64);
        mpz_fdiv_q_2exp(t, G->p, NAMED_BITS[i] - 64);
        CU_ASSERT_EQUAL(mpz_popcount(t), 64);
        /* p = 2q + 1 */
        mpz_mul_2exp(t, G->q, 1);
        mpz_add_ui(t, t, 1);
        CU_ASSERT_EQUAL(mpz_cmp(t, G->p), 0);
        CU_ASSERT(mpz_probab_prime_p(G->p, 5) > 0);
        CU_ASSERT(mpz_probab_prime_p(G->q, 5) > 0);
        CU_ASSERT_EQUAL(mpz_cmp_ui(G->g, 2), 0);
        mpz_powm(t, G->g, G->q, G->p);
        CU_ASSERT_EQUAL(mpz_cmp_ui(t, 1), 0);
        CU_ASSERT_EQUAL(mpz_legendre(G->g, G->p), 1);
    }
    /* the two families differ: e (RFC 7919) versus pi (RFC 3526) */
    CU_ASSERT(mpz_cmp(dh_group_by_name("ffdhe2048")->p, dh_group_by_name("modp14")->p) != 0);
    /* the same object every time: built once */
    CU_ASSERT_PTR_EQUAL(dh_group_by_name("ffdhe3072"), dh_group_by_name("ffdhe3072"));
    mpz_clear(t);
}

/* RFC 7919 §2 / the TLS Supported Groups registry: 0x0100..0x0102. */
static void test_group_lookup(void)
{
    CU_ASSERT_PTR_EQUAL(dh_group_by_tls_id(0x0100), dh_group_by_name("ffdhe2048"));
    CU_ASSERT_PTR_EQUAL(dh_group_by_tls_id(0x0101), dh_group_by_name("ffdhe3072"));
    CU_ASSERT_PTR_EQUAL(dh_group_by_tls_id(0x0102), dh_group_by_name("ffdhe4096"));
    CU_ASSERT_PTR_NULL(dh_group_by_tls_id(0x0103));   /* ffdhe6144: not built */
    CU_ASSERT_PTR_NULL(dh_group_by_tls_id(0x0017));   /* secp256r1 */
    CU_ASSERT_PTR_NULL(dh_group_by_tls_id(0));
    CU_ASSERT_PTR_NULL(dh_group_by_name("ffdhe1024"));
    CU_ASSERT_PTR_NULL(dh_group_by_name(""));
    CU_ASSERT_PTR_NULL(dh_group_by_name(NULL));
    CU_ASSERT_EQUAL(dh_group_by_name("modp14")->tls_id, 0);
}

/* Two parties agree on Z in every named group; x has the size the group
 * asks for and y = g^x. */
static void test_agreement_named(void)
{
    uint8_t Za[512], Zb[512];
    mpz_t t;
    mpz_init(t);
    for (size_t i = 0; i < NNAMED; i++) {
        const dh_group *G = dh_group_by_name(NAMED[i]);
        dh_keypair a, b;
        dh_keypair_init(&a);
        dh_keypair_init(&b);
        TU_ASSERT_ERR(dh_generate(G, NULL, NULL, &a), GLASS_OK);
        TU_ASSERT_ERR(dh_generate(G, NULL, NULL, &b), GLASS_OK);
        CU_ASSERT(mpz_sgn(a.x) > 0);
        CU_ASSERT(mpz_sizeinbase(a.x, 2) <= G->x_bits);
        mpz_powm(t, G->g, a.x, G->p);
        CU_ASSERT_EQUAL(mpz_cmp(t, a.y), 0);
        TU_ASSERT_ERR(dh_check_public(G, a.y), GLASS_OK);
        TU_ASSERT_ERR(dh_check_public_fast(G, b.y), GLASS_OK);
        memset(Za, 0xaa, sizeof Za);
        memset(Zb, 0x55, sizeof Zb);
        TU_ASSERT_ERR(dh_compute_shared(G, &a, b.y, Za, sizeof Za), GLASS_OK);
        TU_ASSERT_ERR(dh_compute_shared(G, &b, a.y, Zb, G->p_len), GLASS_OK);
        CU_ASSERT(memcmp(Za, Zb, G->p_len) == 0);
        if (G->p_len < sizeof Za)                   /* exactly p_len bytes written */
            CU_ASSERT_EQUAL(Za[G->p_len], 0xaa);
        /* Z as an integer is g^(ab) mod p */
        mpz_mul(t, a.x, b.x);
        mpz_powm(t, G->g, t, G->p);
        mpz_t z;
        mpz_init(z);
        mpz_import(z, G->p_len, 1, 1, 1, 0, Za);
        CU_ASSERT_EQUAL(mpz_cmp(z, t), 0);
        mpz_clear(z);
        dh_keypair_clear(&a);
        dh_keypair_clear(&b);
    }
    mpz_clear(t);
}

/* SP 800-56A §5.6.1.1.4: x never 0 and never above 2^N - 1 over many draws;
 * with a tiny N the whole range [1, 2^N - 1] shows up. */
static void test_private_key_range(void)
{
    const dh_group *G0 = dh_group_by_name("ffdhe2048");
    dh_group G;
    int seen[8] = {0};
    memcpy(&G, G0, sizeof G);        /* a shallow copy with a smaller N */
    G.x_bits = 3;
    dh_keypair kp;
    dh_keypair_init(&kp);
    for (int i = 0; i < 400; i++) {
        TU_ASSERT_ERR(dh_generate(&G, NULL, NULL, &kp), GLASS_OK);
        unsigned long x = mpz_get_ui(kp.x);
        CU_ASSERT(x >= 1 && x <= 7);
        if (x <= 7)
            seen[x] = 1;
    }
    CU_ASSERT_EQUAL(seen[0], 0);
    for (int v = 1; v <= 7; v++)
        CU_ASSERT_EQUAL(seen[v], 1);
    /* N below 2 is not a usable group */
    G.x_bits = 1;
    TU_ASSERT_ERR(dh_generate(&G, NULL, NULL, &kp), GLASS_ERR_DH_GROUP);
    TU_ASSERT_ERR(dh_generate(NULL, NULL, NULL, &kp), GLASS_ERR_ARG);
    dh_keypair_clear(&kp);
}

/* Checks y with both validations and asserts both give `expected`. */
static void expect_both(const dh_group *G, const mpz_t y, glass_err expected)
{
    TU_ASSERT_ERR(dh_check_public(G, y), expected);
    TU_ASSERT_ERR(dh_check_public_fast(G, y), expected);
}

/* SP 800-56A §5.6.2.3.1, each rule with its own error. */
static void test_check_edges(void)
{
    const dh_group *G = dh_group_by_name("ffdhe2048");
    uint8_t Z[256];
    dh_keypair me;
    mpz_t y;
    mpz_init(y);
    dh_keypair_init(&me);
    TU_ASSERT_ERR(dh_generate(G, NULL, NULL, &me), GLASS_OK);

    mpz_set_si(y, -5);                              /* negative */
    expect_both(G, y, GLASS_ERR_DH_PUB_TOO_SMALL);
    mpz_set_ui(y, 0);                               /* 0: Z would be 0 */
    expect_both(G, y, GLASS_ERR_DH_PUB_TOO_SMALL);
    TU_ASSERT_ERR(dh_compute_shared(G, &me, y, Z, sizeof Z), GLASS_ERR_DH_PUB_TOO_SMALL);
    mpz_set_ui(y, 1);                               /* 1: Z = 1 for every x */
    expect_both(G, y, GLASS_ERR_DH_PUB_TOO_SMALL);
    TU_ASSERT_ERR(dh_compute_shared(G, &me, y, Z, sizeof Z), GLASS_ERR_DH_PUB_TOO_SMALL);
    mpz_set_ui(y, 2);                               /* 2 = g: fine */
    expect_both(G, y, GLASS_OK);
    mpz_sub_ui(y, G->p, 1);                         /* p-1: order 2 */
    expect_both(G, y, GLASS_ERR_DH_PUB_TOO_LARGE);
    TU_ASSERT_ERR(dh_compute_shared(G, &me, y, Z, sizeof Z), GLASS_ERR_DH_PUB_TOO_LARGE);
    CU_ASSERT_EQUAL(mpz_legendre(y, G->p), -1);     /* and not a residue either */
    mpz_set(y, G->p);                               /* p ≡ 0 */
    expect_both(G, y, GLASS_ERR_DH_PUB_TOO_LARGE);
    mpz_add_ui(y, G->p, 1);                         /* p+1 ≡ 1 */
    expect_both(G, y, GLASS_ERR_DH_PUB_TOO_LARGE);
    mpz_add_ui(y, G->p, 2);                         /* p+2 ≡ g, unreduced */
    expect_both(G, y, GLASS_ERR_DH_PUB_TOO_LARGE);
    mpz_sub_ui(y, G->p, 2);                         /* p-2 ≡ -2: order 2q */
    expect_both(G, y, GLASS_ERR_DH_PUB_SUBGROUP);
    TU_ASSERT_ERR(dh_compute_shared(G, &me, y, Z, sizeof Z), GLASS_ERR_DH_PUB_SUBGROUP);
    mpz_set_ui(y, 4);                               /* 4 = 2^2: a residue */
    expect_both(G, y, GLASS_OK);

    /* argument errors */
    mpz_set_ui(y, 4);
    TU_ASSERT_ERR(dh_compute_shared(G, &me, y, Z, G->p_len - 1), GLASS_ERR_BUFFER_TOO_SMALL);
    TU_ASSERT_ERR(dh_compute_shared(NULL, &me, y, Z, sizeof Z), GLASS_ERR_ARG);
    TU_ASSERT_ERR(dh_check_public(NULL, y), GLASS_ERR_ARG);
    mpz_set_ui(me.x, 0);                            /* x = 0 is no private key */
    TU_ASSERT_ERR(dh_compute_shared(G, &me, y, Z, sizeof Z), GLASS_ERR_ARG);
    mpz_set(me.x, G->q);                            /* nor is x = q */
    TU_ASSERT_ERR(dh_compute_shared(G, &me, y, Z, sizeof Z), GLASS_ERR_ARG);

    dh_keypair_clear(&me);
    mpz_clear(y);
}

/* Euler's criterion: for safe primes the Legendre test and y^q ≡ 1 agree,
 * on random values (about half residues), on squares r^2 (always residues)
 * and on -r^2 (never, since -1 is a non-residue when p ≡ 3 mod 4). */
static void test_fast_matches_full(void)
{
    const char *names[] = {"ffdhe2048", "modp14"};
    mpz_t y;
    mpz_init(y);
    for (size_t n = 0; n < 2; n++) {
        const dh_group *G = dh_group_by_name(names[n]);
        int ok = 0, bad = 0;
        for (int i = 0; i < 60; i++) {
            random_below(y, G->p);
            if (i % 3 == 1) {                       /* r^2: a residue */
                mpz_powm_ui(y, y, 2, G->p);
            } else if (i % 3 == 2) {                /* -r^2: a non-residue */
                mpz_powm_ui(y, y, 2, G->p);
                mpz_sub(y, G->p, y);
            }
            glass_err full = dh_check_public(G, y);
            glass_err fast = dh_check_public_fast(G, y);
            TU_ASSERT_ERR(fast, full);
            if (full == GLASS_OK)
                ok++;
            else if (full == GLASS_ERR_DH_PUB_SUBGROUP)
                bad++;
        }
        CU_ASSERT(ok >= 20);        /* every r^2, and some random ones */
        CU_ASSERT(bad >= 20);       /* every -r^2, and some random ones */
    }
    mpz_clear(y);
}

/* dh_group_init_custom with the NIST FA parameters (q much smaller than p:
 * not a safe prime), its checks, and a CAVS worked example whose Z starts
 * with a zero byte. */
static void test_custom_group(void)
{
    dh_group G;
    uint8_t *Zexp;
    size_t Zexp_len = 0;
    uint8_t Z[128];
    dh_keypair iut;
    mpz_t y, h;
    mpz_inits(y, h, NULL);
    init_fa(&G);
    CU_ASSERT_EQUAL(G.p_len, 128);
    CU_ASSERT_EQUAL(G.x_bits, 160);
    CU_ASSERT_EQUAL(G.safe_prime, 0);
    CU_ASSERT_STRING_EQUAL(G.name, "custom");

    /* COUNT = 12: Z = YstatCAVS^XstatIUT mod p = 00 ff fd e1 ... */
    dh_keypair_init(&iut);
    mpz_set_str(iut.x, FA12_XIUT, 16);
    mpz_powm(iut.y, G.g, iut.x, G.p);
    mpz_set_str(y, FA12_YCAVS, 16);
    Zexp = tu_hex(FA12_Z, &Zexp_len);
    CU_ASSERT_EQUAL(Zexp_len, 128);
    TU_ASSERT_ERR(dh_compute_shared(&G, &iut, y, Z, sizeof Z), GLASS_OK);
    CU_ASSERT(memcmp(Z, Zexp, 128) == 0);
    CU_ASSERT_EQUAL(Z[0], 0x00);
    /* the TLS 1.2 form of the same secret is one byte shorter */
    CU_ASSERT_EQUAL(dh_strip_leading_zeros(Z, 128), 127);
    CU_ASSERT(memcmp(Z, Zexp + 1, 127) == 0);
    free(Zexp);

    /* agreement inside the custom group; x in [1, q-1] */
    dh_keypair a, b;
    uint8_t Za[128], Zb[128];
    dh_keypair_init(&a);
    dh_keypair_init(&b);
    for (int i = 0; i < 10; i++) {
        TU_ASSERT_ERR(dh_generate(&G, NULL, NULL, &a), GLASS_OK);
        TU_ASSERT_ERR(dh_generate(&G, NULL, NULL, &b), GLASS_OK);
        CU_ASSERT(mpz_sgn(a.x) > 0 && mpz_cmp(a.x, G.q) < 0);
        TU_ASSERT_ERR(dh_compute_shared(&G, &a, b.y, Za, sizeof Za), GLASS_OK);
        TU_ASSERT_ERR(dh_compute_shared(&G, &b, a.y, Zb, sizeof Zb), GLASS_OK);
        CU_ASSERT(memcmp(Za, Zb, sizeof Za) == 0);
    }

    /* A small-subgroup element: h^q has order dividing (p-1)/q, so it is
     * in range but fails y^q ≡ 1; here the fast check must fall back to the
     * full one (the residues are far more than the order-q subgroup). */
    int found = 0;
    for (unsigned long base = 2; base < 50 && !found; base++) {
        mpz_set_ui(h, base);
        mpz_powm(y, h, G.q, G.p);
        if (mpz_cmp_ui(y, 1) != 0) {
            found = 1;
            expect_both(&G, y, GLASS_ERR_DH_PUB_SUBGROUP);
            TU_ASSERT_ERR(dh_compute_shared(&G, &a, y, Za, sizeof Za),
                          GLASS_ERR_DH_PUB_SUBGROUP);
        }
    }
    CU_ASSERT(found);
    mpz_sub_ui(y, G.p, 1);                          /* order 2 here too */
    expect_both(&G, y, GLASS_ERR_DH_PUB_TOO_LARGE);
    expect_both(&G, G.g, GLASS_OK);

    dh_keypair_clear(&a);
    dh_keypair_clear(&b);
    dh_keypair_clear(&iut);
    dh_group_clear(&G);
    mpz_clears(y, h, NULL);
}

/* dh_group_init_custom refuses inconsistent parameters. */
static void test_custom_group_rejects(void)
{
    dh_group G;
    mpz_t p, q, g, t;
    mpz_init_set_str(p, FA_P, 16);
    mpz_init_set_str(q, FA_Q, 16);
    mpz_init_set_str(g, FA_G, 16);
    mpz_init(t);

    mpz_set_ui(t, 1);                                           /* g = 1 */
    TU_ASSERT_ERR(dh_group_init_custom(&G, p, q, t), GLASS_ERR_DH_GROUP);
    mpz_sub_ui(t, p, 1);                                        /* g = p-1 */
    TU_ASSERT_ERR(dh_group_init_custom(&G, p, q, t), GLASS_ERR_DH_GROUP);
    mpz_set(t, p);                                              /* g = p */
    TU_ASSERT_ERR(dh_group_init_custom(&G, p, q, t), GLASS_ERR_DH_GROUP);
    mpz_set_ui(t, 2);                   /* 2 is not in the order-q subgroup */
    TU_ASSERT_ERR(dh_group_init_custom(&G, p, q, t), GLASS_ERR_DH_GROUP);
    mpz_add_ui(t, q, 2);                                        /* q ∤ p-1 */
    TU_ASSERT_ERR(dh_group_init_custom(&G, p, t, g), GLASS_ERR_DH_GROUP);
    mpz_set_ui(t, 1);                                           /* q = 1 */
    TU_ASSERT_ERR(dh_group_init_custom(&G, p, t, g), GLASS_ERR_DH_GROUP);
    mpz_add_ui(t, p, 1);                                        /* p even */
    TU_ASSERT_ERR(dh_group_init_custom(&G, t, q, g), GLASS_ERR_DH_GROUP);
    TU_ASSERT_ERR(dh_group_init_custom(NULL, p, q, g), GLASS_ERR_ARG);
    dh_group_clear(&G);                 /* a failed init leaves nothing to free */
    CU_ASSERT_EQUAL(G.p_len, 0);

    /* a named group's parameters, given as custom, are seen as a safe prime */
    const dh_group *N = dh_group_by_name("ffdhe2048");
    TU_ASSERT_ERR(dh_group_init_custom(&G, N->p, N->q, N->g), GLASS_OK);
    CU_ASSERT_EQUAL(G.safe_prime, 1);
    CU_ASSERT_EQUAL(G.p_len, 256);
    dh_group_clear(&G);
    mpz_clears(p, q, g, t, NULL);
}

/* RFC 5246 §8.1.2: leading zero bytes stripped, the rest moved down, and
 * the vacated tail zeroed. */
static void test_strip_leading_zeros(void)
{
    uint8_t a[5] = {0x00, 0x00, 0x01, 0x00, 0x02};
    CU_ASSERT_EQUAL(dh_strip_leading_zeros(a, 5), 3);
    CU_ASSERT_EQUAL(a[0], 0x01);
    CU_ASSERT_EQUAL(a[1], 0x00);                  /* inner zeros stay */
    CU_ASSERT_EQUAL(a[2], 0x02);
    CU_ASSERT_EQUAL(a[3], 0x00);
    CU_ASSERT_EQUAL(a[4], 0x00);

    uint8_t b[3] = {0x80, 0x00, 0x00};           /* nothing to strip */
    CU_ASSERT_EQUAL(dh_strip_leading_zeros(b, 3), 3);
    CU_ASSERT_EQUAL(b[0], 0x80);

    uint8_t c[4] = {0, 0, 0, 0};
    CU_ASSERT_EQUAL(dh_strip_leading_zeros(c, 4), 0);
    CU_ASSERT_EQUAL(dh_strip_leading_zeros(c, 0), 0);
    CU_ASSERT_EQUAL(dh_strip_leading_zeros(NULL, 4), 0);

    uint8_t d[2] = {0x00, 0x7f};
    CU_ASSERT_EQUAL(dh_strip_leading_zeros(d, 2), 1);
    CU_ASSERT_EQUAL(d[0], 0x7f);
    CU_ASSERT_EQUAL(d[1], 0x00);
}

void suite_dh(void)
{
    CU_pSuite s = tu_suite("dh");
    TU_ADD(s, test_named_groups);
    TU_ADD(s, test_group_lookup);
    TU_ADD(s, test_agreement_named);
    TU_ADD(s, test_private_key_range);
    TU_ADD(s, test_check_edges);
    TU_ADD(s, test_fast_matches_full);
    TU_ADD(s, test_custom_group);
    TU_ADD(s, test_custom_group_rejects);
    TU_ADD(s, test_strip_leading_zeros);
}
