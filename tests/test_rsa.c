/*
 * test_rsa.c — RSA: Miller–Rabin, key generation and the key checks, the
 * private operation (blinding, fault check, trace), and every scheme's round
 * trip with its negative cases, each asserting the exact error.
 *
 * Two 2048-bit keys are generated once and shared by all tests, to keep the
 * suite fast.  The NIST vectors run separately (`glass vectors vectors/rsa`).
 */
#include "testutil.h"
#include "rsa/rsa.h"
#include "rsa/rsa_internal.h"
#include "rsa/prime.h"
#include "sha/sha256.h"

#include <stdio.h>
#include <string.h>

static rsa_private_key key_a, key_b;
static rsa_public_key pub_a, pub_b;
static int keys_ready;

static void keys(void)
{
    if (keys_ready)
        return;
    rsa_private_init(&key_a);
    rsa_private_init(&key_b);
    rsa_public_init(&pub_a);
    rsa_public_init(&pub_b);
    if (rsa_generate(&key_a, 2048, RSA_DEFAULT_E) != GLASS_OK ||
        rsa_generate(&key_b, 2048, RSA_DEFAULT_E) != GLASS_OK) {
        fprintf(stderr, "test_rsa: key generation failed\n");
        abort();
    }
    rsa_public_from_private(&pub_a, &key_a);
    rsa_public_from_private(&pub_b, &key_b);
    keys_ready = 1;
}

/* A copy of key_a to corrupt. */
static void copy_key(rsa_private_key *dst, const rsa_private_key *src)
{
    rsa_private_init(dst);
    mpz_set(dst->n, src->n);
    mpz_set(dst->e, src->e);
    mpz_set(dst->d, src->d);
    mpz_set(dst->p, src->p);
    mpz_set(dst->q, src->q);
    mpz_set(dst->dP, src->dP);
    mpz_set(dst->dQ, src->dQ);
    mpz_set(dst->qInv, src->qInv);
    dst->k = src->k;
}

/* Using key_a's ciphertext or signature with key_b: a decryption or
 * verification error `e`, unless the value happens to be >= key_b's modulus
 * (then out of range). */
static glass_err other_key_err(const uint8_t ct[256], glass_err e_below)
{
    mpz_t c;
    glass_err e;
    mpz_init(c);
    rsa_os2ip(c, ct, 256);
    e = mpz_cmp(c, key_b.n) < 0 ? e_below : GLASS_ERR_RSA_REPRESENTATIVE;
    mpz_clear(c);
    return e;
}

/* ---- Miller–Rabin ----------------------------------------------------------- */

static void test_miller_rabin_primes(void)
{
    static const char *primes[] = {
        "2", "3", "5", "7", "65537", "2147483647",
        "170141183460469231731687303715884105727",          /* 2^127 - 1 */
    };
    mpz_t w;
    mpz_init(w);
    for (size_t i = 0; i < sizeof primes / sizeof primes[0]; i++) {
        mpz_set_str(w, primes[i], 10);
        CU_ASSERT_EQUAL(rsa_prime_miller_rabin(w, 20), 1);
    }
    /* 2^521 - 1 and 2^1279 - 1 (Mersenne primes). */
    mpz_set_ui(w, 0);
    mpz_setbit(w, 521);
    mpz_sub_ui(w, w, 1);
    CU_ASSERT_EQUAL(rsa_prime_miller_rabin(w, 5), 1);
    mpz_set_ui(w, 0);
    mpz_setbit(w, 1279);
    mpz_sub_ui(w, w, 1);
    CU_ASSERT_EQUAL(rsa_prime_miller_rabin(w, 5), 1);
    mpz_clear(w);
}

static void test_miller_rabin_composites(void)
{
    /* Carmichael numbers fool Fermat's test for every base coprime to them;
     * Miller–Rabin's square-root-of-1 check still catches them. */
    static const char *carmichael[] = {
        "561", "1105", "1729", "2465", "2821", "6601", "8911", "41041", "825265",
        "321197185", "5394826801", "232250619601", "9746347772161",
    };
    mpz_t w, b;
    mpz_inits(w, b, NULL);
    for (size_t i = 0; i < sizeof carmichael / sizeof carmichael[0]; i++) {
        mpz_set_str(w, carmichael[i], 10);
        /* Fermat says "prime" for base 2 (when coprime) ... */
        mpz_set_ui(b, 2);
        mpz_t f;
        mpz_init(f);
        mpz_sub_ui(f, w, 1);
        mpz_powm(f, b, f, w);
        if (mpz_odd_p(w))
            CU_ASSERT_EQUAL(mpz_cmp_ui(f, 1), 0);
        mpz_clear(f);
        /* ... Miller–Rabin with the rounds of Table B.1 does not. */
        CU_ASSERT_EQUAL(rsa_prime_miller_rabin(w, 20), 0);
    }
    /* Even numbers, 0, 1, squares of primes, a product of two big primes. */
    mpz_set_ui(w, 0);
    CU_ASSERT_EQUAL(rsa_prime_miller_rabin(w, 5), 0);
    mpz_set_ui(w, 1);
    CU_ASSERT_EQUAL(rsa_prime_miller_rabin(w, 5), 0);
    mpz_set_ui(w, 1000000);
    CU_ASSERT_EQUAL(rsa_prime_miller_rabin(w, 5), 0);
    mpz_set_ui(w, 65537ul * 65537ul);
    CU_ASSERT_EQUAL(rsa_prime_miller_rabin(w, 5), 0);
    /* 2047 = 23 * 89 is a strong pseudoprime to base 2, not to base 3;
     * 3215031751 = 151 * 751 * 28351 to bases 2, 3, 5, 7 but not 11. */
    mpz_set_ui(w, 2047);
    mpz_set_ui(b, 2);
    CU_ASSERT_EQUAL(rsa_prime_miller_rabin_base(w, b), 1);
    mpz_set_ui(b, 3);
    CU_ASSERT_EQUAL(rsa_prime_miller_rabin_base(w, b), 0);
    mpz_set_str(w, "3215031751", 10);
    for (unsigned long base = 2; base <= 7; base++) {
        if (base == 4 || base == 6)
            continue;
        mpz_set_ui(b, base);
        CU_ASSERT_EQUAL(rsa_prime_miller_rabin_base(w, b), 1);
    }
    mpz_set_ui(b, 11);
    CU_ASSERT_EQUAL(rsa_prime_miller_rabin_base(w, b), 0);
    CU_ASSERT_EQUAL(rsa_prime_miller_rabin(w, 5), 0);
    mpz_clears(w, b, NULL);
}

static void test_mr_rounds_table_b1(void)
{
    CU_ASSERT_EQUAL(rsa_prime_mr_rounds(1024), 5);
    CU_ASSERT_EQUAL(rsa_prime_mr_rounds(1536), 4);
    CU_ASSERT_EQUAL(rsa_prime_mr_rounds(2048), 4);
}

/* ---- key generation and checks ---------------------------------------------- */

static void test_keygen_properties(void)
{
    mpz_t t;
    keys();
    mpz_init(t);
    TU_ASSERT_ERR(rsa_check_private(&key_a), GLASS_OK);
    TU_ASSERT_ERR(rsa_check_private(&key_b), GLASS_OK);
    CU_ASSERT_EQUAL(mpz_sizeinbase(key_a.n, 2), 2048);
    CU_ASSERT_EQUAL(key_a.k, 256);
    CU_ASSERT_EQUAL(mpz_cmp_ui(key_a.e, 65537), 0);
    CU_ASSERT_EQUAL(mpz_sizeinbase(key_a.p, 2), 1024);
    CU_ASSERT_EQUAL(mpz_sizeinbase(key_a.q, 2), 1024);
    /* |p - q| > 2^(nlen/2 - 100) */
    mpz_sub(t, key_a.p, key_a.q);
    mpz_abs(t, t);
    CU_ASSERT(mpz_sizeinbase(t, 2) > 1024 - 100);
    /* d > 2^(nlen/2) */
    CU_ASSERT(mpz_sizeinbase(key_a.d, 2) > 1024);
    CU_ASSERT_EQUAL(rsa_prime_miller_rabin(key_a.p, 5), 1);
    CU_ASSERT_EQUAL(rsa_prime_miller_rabin(key_a.q, 5), 1);
    CU_ASSERT(mpz_cmp(key_a.n, key_b.n) != 0);
    mpz_clear(t);
}

static void test_keygen_rejects(void)
{
    rsa_private_key k;
    rsa_private_init(&k);
    TU_ASSERT_ERR(rsa_generate(&k, 1024, 65537), GLASS_ERR_RSA_MODULUS_SIZE);
    TU_ASSERT_ERR(rsa_generate(&k, 2047, 65537), GLASS_ERR_RSA_MODULUS_SIZE);
    TU_ASSERT_ERR(rsa_generate(&k, 8194, 65537), GLASS_ERR_RSA_MODULUS_SIZE);
    TU_ASSERT_ERR(rsa_generate(&k, 16384, 65537), GLASS_ERR_RSA_MODULUS_SIZE);
    TU_ASSERT_ERR(rsa_generate(&k, 2048, 65536), GLASS_ERR_RSA_EXPONENT);
    TU_ASSERT_ERR(rsa_generate(&k, 2048, 1), GLASS_ERR_RSA_EXPONENT);
    rsa_private_clear(&k);
}

static void test_check_public(void)
{
    rsa_public_key p;
    keys();
    rsa_public_init(&p);
    mpz_set(p.n, pub_a.n);
    mpz_set_ui(p.e, 65537);
    TU_ASSERT_ERR(rsa_check_public(&p), GLASS_OK);
    CU_ASSERT_EQUAL(p.k, 256);
    mpz_set_ui(p.e, 65536);                         /* e even */
    TU_ASSERT_ERR(rsa_check_public(&p), GLASS_ERR_RSA_EXPONENT);
    mpz_set_ui(p.e, 1);                             /* e = 1 */
    TU_ASSERT_ERR(rsa_check_public(&p), GLASS_ERR_RSA_EXPONENT);
    mpz_set(p.e, p.n);                              /* e >= n */
    TU_ASSERT_ERR(rsa_check_public(&p), GLASS_ERR_RSA_EXPONENT);
    mpz_set_ui(p.e, 65537);
    mpz_tdiv_q_2exp(p.n, pub_a.n, 1100);            /* 948 bits: too small */
    mpz_setbit(p.n, 0);
    TU_ASSERT_ERR(rsa_check_public(&p), GLASS_ERR_RSA_MODULUS_SIZE);
    mpz_sub_ui(p.n, pub_a.n, 1);                    /* even */
    TU_ASSERT_ERR(rsa_check_public(&p), GLASS_ERR_RSA_MODULUS_SIZE);
    mpz_set_ui(p.n, 0);
    mpz_setbit(p.n, 8200);                          /* too large */
    mpz_setbit(p.n, 0);
    TU_ASSERT_ERR(rsa_check_public(&p), GLASS_ERR_RSA_MODULUS_SIZE);
    rsa_public_clear(&p);
}

static void test_check_private_each_error(void)
{
    rsa_private_key k;
    keys();

    copy_key(&k, &key_a);                           /* p = q */
    mpz_set(k.q, k.p);
    TU_ASSERT_ERR(rsa_check_private(&k), GLASS_ERR_RSA_KEY_PRIMES);
    rsa_private_clear(&k);

    copy_key(&k, &key_a);                           /* n != p q */
    mpz_add_ui(k.n, k.n, 2);
    TU_ASSERT_ERR(rsa_check_private(&k), GLASS_ERR_RSA_KEY_INCONSISTENT);
    rsa_private_clear(&k);

    copy_key(&k, &key_a);                           /* d = 0 */
    mpz_set_ui(k.d, 0);
    TU_ASSERT_ERR(rsa_check_private(&k), GLASS_ERR_RSA_KEY_D_RANGE);
    rsa_private_clear(&k);

    copy_key(&k, &key_a);                           /* a generated key keeps FIPS 186-5 */
    TU_ASSERT_ERR(rsa_check_fips186(&k), GLASS_OK);
    mpz_set_ui(k.d, 3);                             /* d too small (Wiener) */
    TU_ASSERT_ERR(rsa_check_fips186(&k), GLASS_ERR_RSA_KEY_D_RANGE);
    rsa_private_clear(&k);

    copy_key(&k, &key_a);                           /* e d != 1 mod lcm */
    mpz_add_ui(k.d, k.d, 2);
    TU_ASSERT_ERR(rsa_check_private(&k), GLASS_ERR_RSA_KEY_D);
    rsa_private_clear(&k);

    copy_key(&k, &key_a);                           /* dP wrong */
    mpz_add_ui(k.dP, k.dP, 2);
    TU_ASSERT_ERR(rsa_check_private(&k), GLASS_ERR_RSA_KEY_CRT);
    rsa_private_clear(&k);

    copy_key(&k, &key_a);                           /* qInv wrong */
    mpz_add_ui(k.qInv, k.qInv, 1);
    TU_ASSERT_ERR(rsa_check_private(&k), GLASS_ERR_RSA_KEY_CRT);
    rsa_private_clear(&k);

    copy_key(&k, &key_a);                           /* e even */
    mpz_set_ui(k.e, 4);
    TU_ASSERT_ERR(rsa_check_private(&k), GLASS_ERR_RSA_EXPONENT);
    rsa_private_clear(&k);

    copy_key(&k, &key_a);                           /* set_crt recomputes */
    mpz_set_ui(k.dP, 0);
    mpz_set_ui(k.dQ, 0);
    mpz_set_ui(k.qInv, 0);
    TU_ASSERT_ERR(rsa_private_set_crt(&k), GLASS_OK);
    TU_ASSERT_ERR(rsa_check_private(&k), GLASS_OK);
    rsa_private_clear(&k);
}

static void test_keygen_3072(void)
{
    rsa_private_key k;
    rsa_private_init(&k);
    TU_ASSERT_ERR(rsa_generate(&k, 3072, RSA_DEFAULT_E), GLASS_OK);
    CU_ASSERT_EQUAL(mpz_sizeinbase(k.n, 2), 3072);
    CU_ASSERT_EQUAL(k.k, 384);
    TU_ASSERT_ERR(rsa_check_private(&k), GLASS_OK);
    rsa_private_clear(&k);
}

/* An empty message may come as (NULL, 0). */
static void test_empty_inputs(void)
{
    uint8_t sig[256], ct[256], out[256];
    size_t out_len = 1;
    keys();
    TU_ASSERT_ERR(rsa_pkcs1v15_sign(&key_a, NULL, 0, sig), GLASS_OK);
    TU_ASSERT_ERR(rsa_pkcs1v15_verify(&pub_a, (const uint8_t *)"", 0, sig, 256), GLASS_OK);
    TU_ASSERT_ERR(rsa_pss_sign(&key_a, NULL, 0, 0, sig), GLASS_OK);
    TU_ASSERT_ERR(rsa_pss_verify(&pub_a, NULL, 0, 0, sig, 256), GLASS_OK);
    TU_ASSERT_ERR(rsa_oaep_encrypt(&pub_a, NULL, 0, NULL, 0, ct), GLASS_OK);
    TU_ASSERT_ERR(rsa_oaep_decrypt(&key_a, NULL, 0, ct, 256, out, 256, &out_len), GLASS_OK);
    CU_ASSERT_EQUAL(out_len, 0);
    TU_ASSERT_ERR(rsa_pkcs1v15_encrypt(&pub_a, NULL, 0, ct), GLASS_OK);
    TU_ASSERT_ERR(rsa_pkcs1v15_decrypt(&key_a, ct, 256, out, 256, &out_len), GLASS_OK);
    CU_ASSERT_EQUAL(out_len, 0);
    /* NULL with a length is not a buffer. */
    TU_ASSERT_ERR(rsa_pkcs1v15_sign(&key_a, NULL, 5, sig), GLASS_ERR_ARG);
    TU_ASSERT_ERR(rsa_pss_verify(&pub_a, NULL, 5, 0, sig, 256), GLASS_ERR_ARG);
    TU_ASSERT_ERR(rsa_oaep_encrypt(&pub_a, NULL, 3, NULL, 0, ct), GLASS_ERR_ARG);
    TU_ASSERT_ERR(rsa_oaep_decrypt(&key_a, NULL, 0, ct, 256, out, 256, NULL), GLASS_ERR_ARG);
}

/* ---- I2OSP / OS2IP ------------------------------------------------------------ */

static void test_i2osp(void)
{
    uint8_t out[4];
    mpz_t x;
    mpz_init_set_ui(x, 0x010203);
    TU_ASSERT_ERR(rsa_i2osp(x, out, 4), GLASS_OK);
    CU_ASSERT(out[0] == 0 && out[1] == 1 && out[2] == 2 && out[3] == 3);
    TU_ASSERT_ERR(rsa_i2osp(x, out, 2), GLASS_ERR_LENGTH);     /* integer too large */
    rsa_os2ip(x, out, 4);
    CU_ASSERT_EQUAL(mpz_get_ui(x), 0x010203);
    mpz_set_si(x, -1);
    TU_ASSERT_ERR(rsa_i2osp(x, out, 4), GLASS_ERR_RSA_REPRESENTATIVE);
    mpz_clear(x);
}

/* ---- PKCS#1 v1.5 signatures ---------------------------------------------------- */

static void test_pkcs1v15_sign_verify(void)
{
    uint8_t sig[256], sig2[256];
    const uint8_t msg[] = "glasstls";
    keys();
    TU_ASSERT_ERR(rsa_pkcs1v15_sign(&key_a, msg, 8, sig), GLASS_OK);
    TU_ASSERT_ERR(rsa_pkcs1v15_verify(&pub_a, msg, 8, sig, 256), GLASS_OK);
    /* Deterministic, whatever the blinding: 40 signatures (past the renewal
     * of the blinding pair) are all the same. */
    for (int i = 0; i < 40; i++) {
        TU_ASSERT_ERR(rsa_pkcs1v15_sign(&key_a, msg, 8, sig2), GLASS_OK);
        CU_ASSERT(memcmp(sig, sig2, 256) == 0);
    }
    /* Tampered signature, message, other key. */
    memcpy(sig2, sig, 256);
    sig2[100] ^= 0x01;
    TU_ASSERT_ERR(rsa_pkcs1v15_verify(&pub_a, msg, 8, sig2, 256), GLASS_ERR_RSA_VERIFY);
    TU_ASSERT_ERR(rsa_pkcs1v15_verify(&pub_a, msg, 7, sig, 256), GLASS_ERR_RSA_VERIFY);
    TU_ASSERT_ERR(rsa_pkcs1v15_verify(&pub_b, msg, 8, sig, 256),
                  other_key_err(sig, GLASS_ERR_RSA_VERIFY));
    /* Wrong length. */
    TU_ASSERT_ERR(rsa_pkcs1v15_verify(&pub_a, msg, 8, sig, 255), GLASS_ERR_RSA_SIG_LENGTH);
    TU_ASSERT_ERR(rsa_pkcs1v15_verify(&pub_a, msg, 8, sig, 0), GLASS_ERR_RSA_SIG_LENGTH);
    /* Representative >= n. */
    memset(sig2, 0xff, 256);
    TU_ASSERT_ERR(rsa_pkcs1v15_verify(&pub_a, msg, 8, sig2, 256), GLASS_ERR_RSA_REPRESENTATIVE);
    TU_ASSERT_ERR(rsa_i2osp(pub_a.n, sig2, 256), GLASS_OK);
    TU_ASSERT_ERR(rsa_pkcs1v15_verify(&pub_a, msg, 8, sig2, 256), GLASS_ERR_RSA_REPRESENTATIVE);
    /* Digest entry points agree with the message ones. */
    uint8_t H[32];
    sha256(msg, 8, H);
    TU_ASSERT_ERR(rsa_pkcs1v15_sign_digest(&key_a, H, sig2), GLASS_OK);
    CU_ASSERT(memcmp(sig, sig2, 256) == 0);
    TU_ASSERT_ERR(rsa_pkcs1v15_verify_digest(&pub_a, H, sig, 256), GLASS_OK);
}

/* The verifier re-encodes and compares whole: an EM that a parsing verifier
 * would accept (hash not at the end, garbage after it) is rejected, even when
 * properly signed with the private key. */
static void test_pkcs1v15_no_parsing(void)
{
    static const uint8_t di[19] = {0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01,
                                   0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20};
    uint8_t EM[256], sig[256], H[32];
    const uint8_t msg[] = "pay 100";
    mpz_t m, s;
    keys();
    mpz_inits(m, s, NULL);
    sha256(msg, 7, H);
    /* 00 01 FF*8 00 DigestInfo H GARBAGE */
    memset(EM, 0xab, sizeof EM);
    EM[0] = 0x00;
    EM[1] = 0x01;
    memset(EM + 2, 0xff, 8);
    EM[10] = 0x00;
    memcpy(EM + 11, di, 19);
    memcpy(EM + 30, H, 32);
    rsa_os2ip(m, EM, 256);
    TU_ASSERT_ERR(rsa_private_op(&key_a, m, s), GLASS_OK);
    TU_ASSERT_ERR(rsa_i2osp(s, sig, 256), GLASS_OK);
    TU_ASSERT_ERR(rsa_pkcs1v15_verify(&pub_a, msg, 7, sig, 256), GLASS_ERR_RSA_VERIFY);
    /* The correct encoding, signed the same way, is accepted. */
    TU_ASSERT_ERR(rsa_emsa_pkcs1v15_encode(H, EM, 256), GLASS_OK);
    CU_ASSERT(EM[0] == 0 && EM[1] == 1 && EM[2] == 0xff && EM[203] == 0xff && EM[204] == 0);
    rsa_os2ip(m, EM, 256);
    TU_ASSERT_ERR(rsa_private_op(&key_a, m, s), GLASS_OK);
    TU_ASSERT_ERR(rsa_i2osp(s, sig, 256), GLASS_OK);
    TU_ASSERT_ERR(rsa_pkcs1v15_verify(&pub_a, msg, 7, sig, 256), GLASS_OK);
    mpz_clears(m, s, NULL);
}

/* ---- the private operation: fault check, trace, representative --------------- */

static void test_fault_detected(void)
{
    uint8_t sig[256];
    rsa_private_key k;
    mpz_t m, m1, m2, h, s, t, g;
    keys();
    /* A corrupted dP makes m1 wrong: the check catches it, nothing leaves. */
    copy_key(&k, &key_a);
    mpz_add_ui(k.dP, k.dP, 2);
    memset(sig, 0x77, sizeof sig);
    TU_ASSERT_ERR(rsa_pkcs1v15_sign(&k, (const uint8_t *)"x", 1, sig), GLASS_ERR_RSA_FAULT);
    CU_ASSERT_EQUAL(sig[0], 0x77);
    CU_ASSERT_EQUAL(sig[255], 0x77);
    rsa_private_clear(&k);

    /* Why: Boneh-DeMillo-Lipton.  A signature with a faulty m1 and a right m2
     * gives q = gcd(s^e - m, n). */
    mpz_inits(m, m1, m2, h, s, t, g, NULL);
    mpz_set_ui(m, 123456789);
    mpz_powm(m1, m, key_a.dP, key_a.p);
    mpz_add_ui(m1, m1, 1);                          /* the fault */
    mpz_powm(m2, m, key_a.dQ, key_a.q);
    mpz_sub(h, m1, m2);
    mpz_mul(h, h, key_a.qInv);
    mpz_mod(h, h, key_a.p);
    mpz_mul(s, key_a.q, h);
    mpz_add(s, s, m2);
    mpz_powm(t, s, key_a.e, key_a.n);
    mpz_sub(t, t, m);
    mpz_gcd(g, t, key_a.n);
    CU_ASSERT_EQUAL(mpz_cmp(g, key_a.q), 0);
    mpz_clears(m, m1, m2, h, s, t, g, NULL);
}

struct trace_log {
    char names[16][16];
    int n;
};

static void trace_sink(void *arg, const char *name, const char *explain, const uint8_t *bytes,
                       size_t len)
{
    struct trace_log *log = arg;
    (void)explain;
    (void)bytes;
    (void)len;
    if (log->n < 16)
        snprintf(log->names[log->n++], 16, "%s", name);
}

/* The check before release (rsa.c, "Why the check"): a key whose dP, dQ or
 * qInv is wrong makes a signature that is wrong modulo p or modulo q — the
 * Bellcore fault — and it must be refused with GLASS_ERR_RSA_FAULT, the
 * output untouched; the good key signs the same message. */
static void test_fault_check(void)
{
    uint8_t sig[256], good[256];
    keys();
    TU_ASSERT_ERR(rsa_pkcs1v15_sign(&key_a, (const uint8_t *)"f", 1, good), GLASS_OK);
    for (int which = 0; which < 3; which++) {
        rsa_private_key k;
        copy_key(&k, &key_a);
        mpz_t *v = which == 0 ? &k.dP : which == 1 ? &k.dQ : &k.qInv;
        mpz_add_ui(*v, *v, 2);
        memset(sig, 0xab, sizeof sig);
        TU_ASSERT_ERR(rsa_pkcs1v15_sign(&k, (const uint8_t *)"f", 1, sig), GLASS_ERR_RSA_FAULT);
        for (size_t i = 0; i < sizeof sig; i++)
            if (sig[i] != 0xab && sig[i] != 0) {
                CU_FAIL("a faulty signature left bytes behind");
                break;
            }
        rsa_private_clear(&k);
    }
}

static void test_trace_events(void)
{
    static const char *want[] = {"EM", "blinding", "m1", "m2", "h", "s", "check"};
    struct trace_log log;
    glass_tracer tr;
    uint8_t sig[256];
    keys();
    memset(&log, 0, sizeof log);
    tr.fn = trace_sink;
    tr.arg = &log;
    key_a.trace = &tr;
    TU_ASSERT_ERR(rsa_pkcs1v15_sign(&key_a, (const uint8_t *)"t", 1, sig), GLASS_OK);
    key_a.trace = NULL;
    CU_ASSERT_EQUAL(log.n, 7);
    for (int i = 0; i < 7 && i < log.n; i++)
        CU_ASSERT_STRING_EQUAL(log.names[i], want[i]);
}

/* ---- PSS ------------------------------------------------------------------------- */

static void test_pss(void)
{
    uint8_t sig[256], sig2[256];
    const uint8_t msg[] = "a message to sign";
    keys();
    TU_ASSERT_ERR(rsa_pss_sign(&key_a, msg, 17, 32, sig), GLASS_OK);
    TU_ASSERT_ERR(rsa_pss_verify(&pub_a, msg, 17, 32, sig, 256), GLASS_OK);
    /* A random salt: two signatures differ, both verify. */
    TU_ASSERT_ERR(rsa_pss_sign(&key_a, msg, 17, 32, sig2), GLASS_OK);
    CU_ASSERT(memcmp(sig, sig2, 256) != 0);
    TU_ASSERT_ERR(rsa_pss_verify(&pub_a, msg, 17, 32, sig2, 256), GLASS_OK);
    /* Salt lengths 0 and the largest that fits (emLen - hLen - 2 = 222). */
    TU_ASSERT_ERR(rsa_pss_sign(&key_a, msg, 17, 0, sig2), GLASS_OK);
    TU_ASSERT_ERR(rsa_pss_verify(&pub_a, msg, 17, 0, sig2, 256), GLASS_OK);
    TU_ASSERT_ERR(rsa_pss_sign(&key_a, msg, 17, 222, sig2), GLASS_OK);
    TU_ASSERT_ERR(rsa_pss_verify(&pub_a, msg, 17, 222, sig2, 256), GLASS_OK);
    TU_ASSERT_ERR(rsa_pss_sign(&key_a, msg, 17, 223, sig2), GLASS_ERR_RSA_SALT_LENGTH);
    TU_ASSERT_ERR(rsa_pss_verify(&pub_a, msg, 17, 223, sig, 256), GLASS_ERR_RSA_SALT_LENGTH);
    /* Wrong salt length, tampering, other key, lengths, representative. */
    TU_ASSERT_ERR(rsa_pss_verify(&pub_a, msg, 17, 20, sig, 256), GLASS_ERR_RSA_VERIFY);
    TU_ASSERT_ERR(rsa_pss_verify(&pub_a, msg, 16, 32, sig, 256), GLASS_ERR_RSA_VERIFY);
    TU_ASSERT_ERR(rsa_pss_verify(&pub_b, msg, 17, 32, sig, 256),
                  other_key_err(sig, GLASS_ERR_RSA_VERIFY));
    memcpy(sig2, sig, 256);
    sig2[255] ^= 0x80;
    TU_ASSERT_ERR(rsa_pss_verify(&pub_a, msg, 17, 32, sig2, 256), GLASS_ERR_RSA_VERIFY);
    TU_ASSERT_ERR(rsa_pss_verify(&pub_a, msg, 17, 32, sig, 257), GLASS_ERR_RSA_SIG_LENGTH);
    memset(sig2, 0xff, 256);
    TU_ASSERT_ERR(rsa_pss_verify(&pub_a, msg, 17, 32, sig2, 256), GLASS_ERR_RSA_REPRESENTATIVE);
    /* The explicit-salt entry is reproducible. */
    static const uint8_t salt[10] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
    TU_ASSERT_ERR(rsa_pss_sign_with_salt(&key_a, msg, 17, salt, 10, sig), GLASS_OK);
    TU_ASSERT_ERR(rsa_pss_sign_with_salt(&key_a, msg, 17, salt, 10, sig2), GLASS_OK);
    CU_ASSERT(memcmp(sig, sig2, 256) == 0);
    TU_ASSERT_ERR(rsa_pss_verify(&pub_a, msg, 17, 10, sig, 256), GLASS_OK);
}

/* ---- OAEP ------------------------------------------------------------------------ */

static void test_oaep(void)
{
    uint8_t ct[256], ct2[256], out[256], msg[190];
    size_t out_len = 99;
    keys();
    for (size_t i = 0; i < sizeof msg; i++)
        msg[i] = (uint8_t)(i * 7 + 1);
    /* Round trips: with a label, empty message, largest (k - 2hLen - 2). */
    TU_ASSERT_ERR(rsa_oaep_encrypt(&pub_a, (const uint8_t *)"L", 1, msg, 16, ct), GLASS_OK);
    TU_ASSERT_ERR(rsa_oaep_decrypt(&key_a, (const uint8_t *)"L", 1, ct, 256, out, 256, &out_len),
                  GLASS_OK);
    CU_ASSERT_EQUAL(out_len, 16);
    CU_ASSERT(memcmp(out, msg, 16) == 0);
    TU_ASSERT_ERR(rsa_oaep_encrypt(&pub_a, NULL, 0, msg, 0, ct), GLASS_OK);
    TU_ASSERT_ERR(rsa_oaep_decrypt(&key_a, NULL, 0, ct, 256, out, 256, &out_len), GLASS_OK);
    CU_ASSERT_EQUAL(out_len, 0);
    TU_ASSERT_ERR(rsa_oaep_encrypt(&pub_a, NULL, 0, msg, 190, ct), GLASS_OK);
    TU_ASSERT_ERR(rsa_oaep_decrypt(&key_a, NULL, 0, ct, 256, out, 256, &out_len), GLASS_OK);
    CU_ASSERT_EQUAL(out_len, 190);
    CU_ASSERT(memcmp(out, msg, 190) == 0);
    /* Randomised: the same message twice gives different ciphertexts. */
    TU_ASSERT_ERR(rsa_oaep_encrypt(&pub_a, NULL, 0, msg, 190, ct2), GLASS_OK);
    CU_ASSERT(memcmp(ct, ct2, 256) != 0);
    /* Too long; wrong label; corrupted; wrong key; lengths; out of range. */
    TU_ASSERT_ERR(rsa_oaep_encrypt(&pub_a, NULL, 0, msg, 191, ct2),
                  GLASS_ERR_RSA_MESSAGE_TOO_LONG);
    TU_ASSERT_ERR(rsa_oaep_decrypt(&key_a, (const uint8_t *)"L", 1, ct, 256, out, 256, &out_len),
                  GLASS_ERR_RSA_DECRYPT);
    CU_ASSERT_EQUAL(out_len, 0);
    memcpy(ct2, ct, 256);
    ct2[200] ^= 0x04;
    TU_ASSERT_ERR(rsa_oaep_decrypt(&key_a, NULL, 0, ct2, 256, out, 256, &out_len),
                  GLASS_ERR_RSA_DECRYPT);
    TU_ASSERT_ERR(rsa_oaep_decrypt(&key_b, NULL, 0, ct, 256, out, 256, &out_len),
                  other_key_err(ct, GLASS_ERR_RSA_DECRYPT));
    TU_ASSERT_ERR(rsa_oaep_decrypt(&key_a, NULL, 0, ct, 255, out, 256, &out_len),
                  GLASS_ERR_RSA_CT_LENGTH);
    TU_ASSERT_ERR(rsa_oaep_decrypt(&key_a, NULL, 0, ct, 256, out, 255, &out_len),
                  GLASS_ERR_BUFFER_TOO_SMALL);
    memset(ct2, 0xff, 256);
    TU_ASSERT_ERR(rsa_oaep_decrypt(&key_a, NULL, 0, ct2, 256, out, 256, &out_len),
                  GLASS_ERR_RSA_REPRESENTATIVE);
}

/* Encrypts a hand-made EM with the raw public operation. */
static void raw_encrypt(const uint8_t EM[256], uint8_t ct[256])
{
    mpz_t m, c;
    mpz_inits(m, c, NULL);
    rsa_os2ip(m, EM, 256);
    CU_ASSERT_EQUAL(rsa_public_op(pub_a.n, pub_a.e, m, c), GLASS_OK);
    CU_ASSERT_EQUAL(rsa_i2osp(c, ct, 256), GLASS_OK);
    mpz_clears(m, c, NULL);
}

/* ---- PKCS#1 v1.5 encryption -------------------------------------------------------- */

static void test_pkcs1v15_encryption(void)
{
    uint8_t ct[256], ct2[256], out[256], msg[245], EM[256];
    size_t out_len = 0;
    keys();
    for (size_t i = 0; i < sizeof msg; i++)
        msg[i] = (uint8_t)(255 - i);
    TU_ASSERT_ERR(rsa_pkcs1v15_encrypt(&pub_a, msg, 48, ct), GLASS_OK);
    TU_ASSERT_ERR(rsa_pkcs1v15_decrypt(&key_a, ct, 256, out, 256, &out_len), GLASS_OK);
    CU_ASSERT_EQUAL(out_len, 48);
    CU_ASSERT(memcmp(out, msg, 48) == 0);
    TU_ASSERT_ERR(rsa_pkcs1v15_encrypt(&pub_a, msg, 245, ct), GLASS_OK);     /* k - 11 */
    TU_ASSERT_ERR(rsa_pkcs1v15_decrypt(&key_a, ct, 256, out, 256, &out_len), GLASS_OK);
    CU_ASSERT_EQUAL(out_len, 245);
    CU_ASSERT(memcmp(out, msg, 245) == 0);
    TU_ASSERT_ERR(rsa_pkcs1v15_encrypt(&pub_a, msg, 246, ct2), GLASS_ERR_RSA_MESSAGE_TOO_LONG);
    TU_ASSERT_ERR(rsa_pkcs1v15_decrypt(&key_b, ct, 256, out, 256, &out_len),
                  other_key_err(ct, GLASS_ERR_RSA_DECRYPT));
    TU_ASSERT_ERR(rsa_pkcs1v15_decrypt(&key_a, ct, 128, out, 256, &out_len),
                  GLASS_ERR_RSA_CT_LENGTH);
    TU_ASSERT_ERR(rsa_pkcs1v15_decrypt(&key_a, ct, 256, out, 100, &out_len),
                  GLASS_ERR_BUFFER_TOO_SMALL);

    /* Hand-made encodings: every bad one gives the same error. */
    memset(EM, 0x11, 256);
    EM[0] = 0x00;
    EM[1] = 0x02;
    EM[10] = 0x00;                          /* PS of 8 bytes, then 00: valid */
    raw_encrypt(EM, ct2);
    TU_ASSERT_ERR(rsa_pkcs1v15_decrypt(&key_a, ct2, 256, out, 256, &out_len), GLASS_OK);
    CU_ASSERT_EQUAL(out_len, 245);
    EM[10] = 0x11;
    EM[9] = 0x00;                           /* PS of 7 bytes */
    raw_encrypt(EM, ct2);
    TU_ASSERT_ERR(rsa_pkcs1v15_decrypt(&key_a, ct2, 256, out, 256, &out_len),
                  GLASS_ERR_RSA_DECRYPT);
    EM[9] = 0x11;                           /* no 00 separator at all */
    raw_encrypt(EM, ct2);
    TU_ASSERT_ERR(rsa_pkcs1v15_decrypt(&key_a, ct2, 256, out, 256, &out_len),
                  GLASS_ERR_RSA_DECRYPT);
    EM[255] = 0x00;                         /* separator last: empty message */
    raw_encrypt(EM, ct2);
    TU_ASSERT_ERR(rsa_pkcs1v15_decrypt(&key_a, ct2, 256, out, 256, &out_len), GLASS_OK);
    CU_ASSERT_EQUAL(out_len, 0);
    EM[1] = 0x01;                           /* block type 1 */
    raw_encrypt(EM, ct2);
    TU_ASSERT_ERR(rsa_pkcs1v15_decrypt(&key_a, ct2, 256, out, 256, &out_len),
                  GLASS_ERR_RSA_DECRYPT);
    EM[1] = 0x02;
    EM[0] = 0x01;                           /* leading byte not 00 */
    raw_encrypt(EM, ct2);
    TU_ASSERT_ERR(rsa_pkcs1v15_decrypt(&key_a, ct2, 256, out, 256, &out_len),
                  GLASS_ERR_RSA_DECRYPT);
    /* A corrupted real ciphertext. */
    memcpy(ct2, ct, 256);
    ct2[17] ^= 0x20;
    TU_ASSERT_ERR(rsa_pkcs1v15_decrypt(&key_a, ct2, 256, out, 256, &out_len),
                  GLASS_ERR_RSA_DECRYPT);
}

void suite_rsa(void)
{
    CU_pSuite s = tu_suite("rsa");
    TU_ADD(s, test_miller_rabin_primes);
    TU_ADD(s, test_miller_rabin_composites);
    TU_ADD(s, test_mr_rounds_table_b1);
    TU_ADD(s, test_keygen_properties);
    TU_ADD(s, test_keygen_rejects);
    TU_ADD(s, test_keygen_3072);
    TU_ADD(s, test_empty_inputs);
    TU_ADD(s, test_check_public);
    TU_ADD(s, test_check_private_each_error);
    TU_ADD(s, test_i2osp);
    TU_ADD(s, test_pkcs1v15_sign_verify);
    TU_ADD(s, test_pkcs1v15_no_parsing);
    TU_ADD(s, test_fault_detected);
    TU_ADD(s, test_trace_events);
    TU_ADD(s, test_fault_check);
    TU_ADD(s, test_pss);
    TU_ADD(s, test_oaep);
    TU_ADD(s, test_pkcs1v15_encryption);
}
