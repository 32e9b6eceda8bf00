/*
 * kind_rsa_key.c — the RSA files that test keys and the bare primitives,
 * three kinds:
 *
 *   RSASP1   component test of the signature primitive (RFC 8017 §5.2.1):
 *            records n, e, d, EM, S; S = EM^d mod n
 *   RSADP    component test of the decryption primitive (RFC 8017 §5.1.2,
 *            SP 800-56B §7.1.2): records n, e, d, c, k; k = c^d mod n
 *   KeyGen   key-generation responses (FIPS 186-2 X9.31 and FIPS 186-3
 *            §B.3 files): records e, p, q, n, d; each key is checked for
 *            consistency — p and q pass our primality test (rsa/prime.h,
 *            the Miller–Rabin rounds of FIPS 186-5 Table B.1 and a Lucas
 *            test), n = p q, and e d ≡ 1 mod λ(n), λ(n) = lcm(p-1, q-1)
 *
 * The component files give d and no p, q.  The primitive runs twice and
 * both results must agree with the file: in its first form, m^d mod n with
 * mpz_powm_sec, and as glasstls signs and decrypts, rsa_private_op (CRT,
 * blinding, the check s^e = m), on p and q taken from the file or, when it
 * gives none, recovered from n, e and d as SP 800-56B Rev. 2 Appendix C
 * shows (rsa_recover_primes).
 *
 * CT: not applicable (public test data).
 */
#include "nist/nist.h"
#include "rsa/prime.h"
#include "rsa/rsa.h"
#include "rsa/rsa_internal.h"

#include <stdlib.h>
#include <string.h>

static int recognise_sp1(const rsp_file *f)
{
    static const char *const fields[] = {"EM", "S", NULL};
    static const char *const msg[] = {"Msg", NULL};
    return nist_records_with(f, fields) > 0 && nist_records_with(f, msg) == 0;
}

static int recognise_dp(const rsp_file *f)
{
    static const char *const fields[] = {"c", "k", NULL};
    return nist_records_with(f, fields) > 0;
}

static int recognise_keygen(const rsp_file *f)
{
    static const char *const fields[] = {"p", "q", "n", NULL};
    static const char *const msg[] = {"Msg", NULL};
    return nist_records_with(f, fields) > 0 && nist_records_with(f, msg) == 0;
}

static const char *expected_sp1(const nist_run *r, const rsp_record *rec)
{
    (void)r;
    return nist_rsp_get(rec, "EM") != NULL && nist_rsp_get(rec, "S") != NULL ? "S" : NULL;
}

static const char *expected_dp(const nist_run *r, const rsp_record *rec)
{
    (void)r;
    return nist_rsp_get(rec, "c") != NULL && nist_rsp_get(rec, "k") != NULL ? "k" : NULL;
}

static const char *expected_keygen(const nist_run *r, const rsp_record *rec)
{
    (void)r;
    if (nist_rsp_get(rec, "p") == NULL || nist_rsp_get(rec, "q") == NULL || nist_rsp_get(rec, "n") == NULL)
        return NULL;
    return nist_rsp_get(rec, "d") != NULL ? "d" : "n";
}

/* Field NAME (as nist_param) as an integer; -1 after nist_malformed. */
static int param_mpz(nist_run *r, const rsp_record *rec, const char *name, mpz_t x)
{
    uint8_t *b = NULL;
    size_t len = 0;
    if (nist_hex(r, rec, name, 1, &b, &len) != 0)
        return -1;
    rsa_os2ip(x, b, len);
    free(b);
    return 0;
}

/* out = in^d mod n, twice, and both must agree: the primitive in its
 * first form (m^d mod n, mpz_powm_sec), then glasstls's own private
 * operation (CRT, blinding, the check s^e = m) on the key with p and q —
 * the file's, or recovered from d when it gives none. */
static glass_err private_op(nist_run *r, const rsp_record *rec, const mpz_t in, mpz_t out)
{
    rsa_private_key key;
    glass_err err = GLASS_ERR_ARG;
    mpz_t crt;
    mpz_init(crt);
    rsa_private_init(&key);
    if (param_mpz(r, rec, "n", key.n) != 0 || param_mpz(r, rec, "e", key.e) != 0 ||
        param_mpz(r, rec, "d", key.d) != 0)
        goto done;
    err = rsa_public_params_ok(key.n, key.e, &key.k);
    if (err != GLASS_OK)
        goto done;
    if (mpz_cmp(in, key.n) >= 0) {
        err = GLASS_ERR_RSA_REPRESENTATIVE;
        goto done;
    }
    /* 1. The first form. */
    mpz_powm_sec(out, in, key.d, key.n);
    /* 2. p and q, from the file or from SP 800-56B Appendix C. */
    if (nist_param(r, rec, "p") != NULL && nist_param(r, rec, "q") != NULL) {
        if (param_mpz(r, rec, "p", key.p) != 0 || param_mpz(r, rec, "q", key.q) != 0) {
            err = GLASS_ERR_ARG;
            goto done;
        }
    } else if (rsa_recover_primes(key.n, key.e, key.d, key.p, key.q) != GLASS_OK) {
        err = GLASS_ERR_RSA_KEY_INCONSISTENT;       /* no such p, q: d is wrong */
        goto done;
    }
    /* 3. The CRT form, as glasstls signs and decrypts. */
    err = rsa_private_set_crt(&key);
    if (err == GLASS_OK)
        err = rsa_check_private(&key);
    if (err == GLASS_OK)
        err = rsa_private_op(&key, in, crt);
    if (err == GLASS_OK && mpz_cmp(crt, out) != 0)
        err = GLASS_ERR_RSA_FAULT;
done:
    rsa_private_clear(&key);
    mpz_clear(crt);
    return err;
}

/* RSASP1 (in = EM, out = S) and RSADP (in = c, out = k). */
static void run_primitive(nist_run *r, const rsp_record *rec, const char *in_name,
                          const char *out_name)
{
    uint8_t *in = NULL, *want = NULL, *got = NULL;
    size_t in_len, want_len;
    mpz_t x, y;
    mpz_inits(x, y, NULL);
    if (nist_hex(r, rec, in_name, 0, &in, &in_len) != 0 ||
        nist_hex(r, rec, out_name, 0, &want, &want_len) != 0)
        goto cleanup;
    rsa_os2ip(x, in, in_len);
    glass_err err = private_op(r, rec, x, y);
    if (r->malformed)
        goto cleanup;
    if (err != GLASS_OK) {
        nist_fail(r, rec, out_name, "a value", glass_strerror(err));
        goto cleanup;
    }
    got = malloc(want_len + 1);
    if (got == NULL || rsa_i2osp(y, got, want_len) != GLASS_OK) {
        char *hex = mpz_get_str(NULL, 16, y);
        nist_fail(r, rec, out_name, "a value of the file's length", hex != NULL ? hex : "?");
        free(hex);
        goto cleanup;
    }
    nist_check_bytes(r, rec, out_name, want, want_len, got, want_len);
cleanup:
    free(in);
    free(want);
    free(got);
    mpz_clears(x, y, NULL);
}

static void run_sp1(nist_run *r, const rsp_record *rec, void *state)
{
    (void)state;
    if (expected_sp1(r, rec) != NULL)
        run_primitive(r, rec, "EM", "S");
}

static void run_dp(nist_run *r, const rsp_record *rec, void *state)
{
    (void)state;
    if (expected_dp(r, rec) != NULL)
        run_primitive(r, rec, "c", "k");
}

/* A KeyGen record: the key's consistency, each failure naming the rule. */
static void run_keygen(nist_run *r, const rsp_record *rec, void *state)
{
    const char *field = expected_keygen(r, rec);
    mpz_t e, p, q, n, d, t, lambda;
    (void)state;
    if (field == NULL)
        return;
    mpz_inits(e, p, q, n, d, t, lambda, NULL);
    if (param_mpz(r, rec, "e", e) != 0 || param_mpz(r, rec, "p", p) != 0 ||
        param_mpz(r, rec, "q", q) != 0 || param_mpz(r, rec, "n", n) != 0 ||
        (nist_rsp_get(rec, "d") != NULL && param_mpz(r, rec, "d", d) != 0))
        goto cleanup;
    if (mpz_sizeinbase(n, 2) > RSA_MAX_BITS) {
        nist_skip(r, rec, "a modulus of more than 8192 bits");
        goto cleanup;
    }
    if (mpz_cmp_ui(p, 2) < 0 || mpz_cmp_ui(q, 2) < 0) {
        nist_fail(r, rec, "p, q", "primes", "0 or 1");
        goto cleanup;
    }
    /* 1. n = p q. */
    mpz_mul(t, p, q);
    if (mpz_cmp(t, n) != 0) {
        nist_fail(r, rec, "n", "p * q", "another number");
        goto cleanup;
    }
    /* 2. e d ≡ 1 mod λ(n), when the file gives d. */
    if (nist_rsp_get(rec, "d") != NULL) {
        mpz_sub_ui(t, p, 1);
        mpz_sub_ui(lambda, q, 1);
        mpz_lcm(lambda, lambda, t);
        mpz_mul(t, e, d);
        mpz_mod(t, t, lambda);
        if (mpz_cmp_ui(t, 1) != 0) {
            nist_fail(r, rec, "d", "e * d = 1 mod lcm(p-1, q-1)", "another d");
            goto cleanup;
        }
    }
    /* 3. p and q are primes (probable: Miller–Rabin and Lucas); last, as the
     *    dearest check. */
    if (rsa_prime_test(p, rsa_prime_mr_rounds((unsigned)mpz_sizeinbase(p, 2)), NULL) != PRIME_PROBABLE) {
        nist_fail(r, rec, "p", "a prime", "composite (rsa/prime.h)");
        goto cleanup;
    }
    if (rsa_prime_test(q, rsa_prime_mr_rounds((unsigned)mpz_sizeinbase(q, 2)), NULL) != PRIME_PROBABLE) {
        nist_fail(r, rec, "q", "a prime", "composite (rsa/prime.h)");
        goto cleanup;
    }
    nist_pass(r, rec);
cleanup:
    mpz_clears(e, p, q, n, d, t, lambda, NULL);
}

const nist_kind nist_kind_rsa_sp1 = {"RSASP1", recognise_sp1, expected_sp1, run_sp1, 0, NULL};
const nist_kind nist_kind_rsa_dp = {"RSADP", recognise_dp, expected_dp, run_dp, 0, NULL};
const nist_kind nist_kind_rsa_keygen = {"RSA KeyGen", recognise_keygen, expected_keygen,
                                        run_keygen, 0, NULL};
