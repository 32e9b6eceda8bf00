/*
 * rsa.c — RSA keys and the two primitives (RFC 8017 PKCS #1 v2.2, §3 and §5).
 *
 * Read in this order:
 *   1. the key objects: init, clear (every limb overwritten), the CRT values;
 *   2. the checks a key must pass before use: rsa_public_params_ok,
 *      rsa_check_public, rsa_check_private;
 *   3. I2OSP and OS2IP (RFC 8017 §4): integers <-> octet strings;
 *   4. the public primitive RSAEP / RSAVP1: c = m^e mod n;
 *   5. the private primitive RSADP / RSASP1 with the Chinese remainder
 *      theorem, base blinding and a check of the result before release.
 *
 * The private operation, step by step (RFC 8017 §5.1.2 step 2.b):
 *
 *     m           the representative, 0 <= m < n
 *     m'  = m * r^e mod n          blinding: r random, unknown to anyone
 *     m1  = m'^dP mod p            half the work, on half-size numbers
 *     m2  = m'^dQ mod q
 *     h   = (m1 - m2) * qInv mod p Garner's recombination
 *     s'  = m2 + q * h             = m'^d mod n
 *     s   = s' * r^-1 mod n        = m^d mod n  (since (m r^e)^d = m^d r)
 *     check s^e = m (mod p), (mod q)  = (mod n); before anything leaves
 *
 * Why blinding.  The time an exponentiation takes, and the power it draws,
 * depend a little on the base.  Kocher (1996) showed that an attacker who
 * chooses many bases and times them recovers the exponent bit by bit.  With
 * blinding the base the exponentiation sees is m * r^e, a fresh random number
 * each time that the attacker neither chooses nor knows, so those
 * measurements no longer line up with anything he controls.  mpz_powm_sec
 * adds the other half of the defence: its sequence of operations and memory
 * accesses does not depend on the exponent.
 *
 * Why we keep a blinding pair.  A fresh r costs an exponentiation r^e and an
 * inversion r^-1 mod n per signature, a measurable share of the work.  Real
 * libraries (OpenSSL's BN_BLINDING, for one) instead keep a pair
 * (A, Ai) = (r^e, r^-1) with the key and, before each use, square both:
 * (r^e)^2 = (r^2)^e and (r^-1)^2 = (r^2)^-1, so the pair stays matched at the
 * cost of two modular multiplications, while its value keeps changing.  After
 * RSA_BLINDING_RENEW uses we draw a fresh r, so a pair observed once does not
 * predict the pairs of the far future.
 *
 * Why the check.  Boneh, DeMillo and Lipton (1997), made practical by
 * Lenstra's remark: if a fault (a glitch, a cosmic ray, a bug in one half)
 * corrupts m1 but not m2, the faulty signature s satisfies
 *     s = m^d (mod q)   but   s != m^d (mod p),
 * so s^e - m is divisible by q and not by p, and
 *     q = gcd(s^e - m, n)
 * factors the modulus from ONE faulty signature: the key is gone.  So every
 * result is raised to e again and compared with the input; a mismatch returns
 * GLASS_ERR_RSA_FAULT and the result is wiped, never released.  The
 * comparison is made modulo p and modulo q, which by the Chinese remainder
 * theorem is the comparison modulo n at half-size numbers: with e = 65537,
 * 17 multiplications on each half, about 1.5% of a signature (about 4.5%
 * modulo n).
 *
 * CT: steps 3 to 6 (the exponentiations, the reductions mod p and q,
 * Garner's recombination, the unblinding and the check) run in rsa_crt.c on
 * fixed-size limb arrays with GMP's mpn_sec_* functions — CT: yes, checked
 * by make ctgrind with every private value marked secret.  The blinding
 * arithmetic (steps 1-2) uses ordinary GMP calls on public or random values.
 * The public operation uses bn_powm_public (bn/: square-and-multiply over
 * the AVX2 Montgomery multiplication, or mpz_powm; CT: no, everything in
 * it is public).
 */
#include "rsa/rsa.h"
#include "rsa/rsa_internal.h"
#include "bn/bn.h"

#include <stdlib.h>
#include <string.h>

/* After this many uses the blinding pair is drawn afresh. */
#define RSA_BLINDING_RENEW 32

struct rsa_blinding {
    mpz_t A;            /* r^e mod n */
    mpz_t Ai;           /* r^-1 mod n */
    mpz_t n, e;         /* the public key the pair belongs to */
    unsigned uses;
    int valid;
};

/* ---- 1. key objects ------------------------------------------------------- */

/* See rsa_internal.h: the one wiping clear of common/mpz.c. */
void rsa_mpz_wipe_clear(mpz_t x)
{
    glass_mpz_clear_secret(x);
}

/* See rsa.h. */
void rsa_public_init(rsa_public_key *key)
{
    mpz_init(key->n);
    mpz_init(key->e);
    key->k = 0;
}

/* See rsa.h. */
void rsa_public_clear(rsa_public_key *key)
{
    mpz_clear(key->n);
    mpz_clear(key->e);
    key->k = 0;
}

/* See rsa.h. */
void rsa_private_init(rsa_private_key *key)
{
    mpz_inits(key->n, key->e, key->d, key->p, key->q, key->dP, key->dQ, key->qInv, NULL);
    key->k = 0;
    key->trace = NULL;
    key->blinding = malloc(sizeof *key->blinding);
    if (key->blinding != NULL) {
        mpz_inits(key->blinding->A, key->blinding->Ai, key->blinding->n, key->blinding->e,
                  NULL);
        key->blinding->uses = 0;
        key->blinding->valid = 0;
    }
    /* Without memory for the pair the private operation still blinds, with
     * a fresh r each time. */
}

/* See rsa.h. */
void rsa_private_clear(rsa_private_key *key)
{
    rsa_mpz_wipe_clear(key->n);
    rsa_mpz_wipe_clear(key->e);
    rsa_mpz_wipe_clear(key->d);
    rsa_mpz_wipe_clear(key->p);
    rsa_mpz_wipe_clear(key->q);
    rsa_mpz_wipe_clear(key->dP);
    rsa_mpz_wipe_clear(key->dQ);
    rsa_mpz_wipe_clear(key->qInv);
    if (key->blinding != NULL) {
        rsa_mpz_wipe_clear(key->blinding->A);
        rsa_mpz_wipe_clear(key->blinding->Ai);
        mpz_clear(key->blinding->n);
        mpz_clear(key->blinding->e);
        free(key->blinding);
        key->blinding = NULL;
    }
    key->k = 0;
    key->trace = NULL;
}

/* See rsa.h. */
void rsa_public_from_private(rsa_public_key *pub, const rsa_private_key *priv)
{
    mpz_set(pub->n, priv->n);
    mpz_set(pub->e, priv->e);
    pub->k = (mpz_sizeinbase(priv->n, 2) + 7) / 8;
}

/* See rsa.h.  RFC 8017 §3.2, second representation. */
glass_err rsa_private_set_crt(rsa_private_key *key)
{
    glass_err err = GLASS_OK;
    mpz_t pm1, qm1;
    mpz_inits(pm1, qm1, NULL);
    if (mpz_cmp_ui(key->p, 2) <= 0 || mpz_cmp_ui(key->q, 2) <= 0) {
        err = GLASS_ERR_RSA_KEY_PRIMES;
        goto cleanup;
    }
    mpz_sub_ui(pm1, key->p, 1);
    mpz_sub_ui(qm1, key->q, 1);
    mpz_mod(key->dP, key->d, pm1);                  /* dP = d mod (p-1) */
    mpz_mod(key->dQ, key->d, qm1);                  /* dQ = d mod (q-1) */
    if (mpz_invert(key->qInv, key->q, key->p) == 0) { /* qInv = q^-1 mod p */
        err = GLASS_ERR_RSA_KEY_PRIMES;
        goto cleanup;
    }
    key->k = (mpz_sizeinbase(key->n, 2) + 7) / 8;
cleanup:
    rsa_mpz_wipe_clear(pm1);
    rsa_mpz_wipe_clear(qm1);
    return err;
}

/* ---- 2. checks ------------------------------------------------------------ */

/* See rsa_internal.h. */
glass_err rsa_public_params_ok(const mpz_t n, const mpz_t e, size_t *k)
{
    size_t bits = mpz_sgn(n) > 0 ? mpz_sizeinbase(n, 2) : 0;
    if (bits < RSA_MIN_BITS_LOADED || bits > RSA_MAX_BITS || mpz_even_p(n))
        return GLASS_ERR_RSA_MODULUS_SIZE;
    /* e odd (else gcd(e, p-1) >= 2 and no d exists), 1 < e < n. */
    if (mpz_cmp_ui(e, 1) <= 0 || mpz_even_p(e) || mpz_cmp(e, n) >= 0)
        return GLASS_ERR_RSA_EXPONENT;
    if (k != NULL)
        *k = (bits + 7) / 8;
    return GLASS_OK;
}

/* See rsa.h. */
glass_err rsa_check_public(rsa_public_key *key)
{
    return rsa_public_params_ok(key->n, key->e, &key->k);
}

/* See rsa.h.  The checks of NIST SP 800-56B Rev. 2 §6.4.1.2.1 that need no
 * primality test and hold for every working key, each with its own error.
 * Sizes are not among them: a key whose p and q differ in size, or whose d
 * is small, still signs and decrypts correctly, and OpenSSL loads it too.
 * What FIPS 186-5 asks beyond this of keys glasstls makes is
 * rsa_check_fips186 (rsa_notes.c); rsa_key_notes says it in words. */
glass_err rsa_check_private(rsa_private_key *key)
{
    glass_err err;
    size_t k = 0;
    mpz_t t, pm1, qm1, lcm;
    mpz_inits(t, pm1, qm1, lcm, NULL);

    /* 1. n and e as for a public key. */
    err = rsa_public_params_ok(key->n, key->e, &k);
    if (err != GLASS_OK)
        goto cleanup;

    /* 2. p and q: odd and distinct (whatever their sizes). */
    err = GLASS_ERR_RSA_KEY_PRIMES;
    if (mpz_cmp_ui(key->p, 2) <= 0 || mpz_cmp_ui(key->q, 2) <= 0 || mpz_even_p(key->p) ||
        mpz_even_p(key->q) || mpz_cmp(key->p, key->q) == 0)
        goto cleanup;

    /* 3. n = p * q. */
    mpz_mul(t, key->p, key->q);
    if (mpz_cmp(t, key->n) != 0) {
        err = GLASS_ERR_RSA_KEY_INCONSISTENT;
        goto cleanup;
    }

    /* 4. d > 0.  (FIPS 186-5 §A.1.1's 2^(nlen/2) < d < n is for keys we
     *    make: rsa_check_fips186.) */
    if (mpz_sgn(key->d) <= 0) {
        err = GLASS_ERR_RSA_KEY_D_RANGE;
        goto cleanup;
    }

    /* 5. e * d = 1 mod lcm(p-1, q-1) = λ(n).  A d computed mod
     *    φ(n) = (p-1)(q-1), as older software does, passes too: λ(n)
     *    divides φ(n). */
    mpz_sub_ui(pm1, key->p, 1);
    mpz_sub_ui(qm1, key->q, 1);
    mpz_lcm(lcm, pm1, qm1);
    mpz_mul(t, key->e, key->d);
    mpz_mod(t, t, lcm);
    if (mpz_cmp_ui(t, 1) != 0) {
        err = GLASS_ERR_RSA_KEY_D;
        goto cleanup;
    }

    /* 6. dP = d mod (p-1), dQ = d mod (q-1), q * qInv = 1 mod p, 0 < qInv < p. */
    err = GLASS_ERR_RSA_KEY_CRT;
    mpz_mod(t, key->d, pm1);
    if (mpz_cmp(t, key->dP) != 0)
        goto cleanup;
    mpz_mod(t, key->d, qm1);
    if (mpz_cmp(t, key->dQ) != 0)
        goto cleanup;
    if (mpz_sgn(key->qInv) <= 0 || mpz_cmp(key->qInv, key->p) >= 0)
        goto cleanup;
    mpz_mul(t, key->q, key->qInv);
    mpz_mod(t, t, key->p);
    if (mpz_cmp_ui(t, 1) != 0)
        goto cleanup;

    key->k = k;
    err = GLASS_OK;
cleanup:
    rsa_mpz_wipe_clear(t);
    rsa_mpz_wipe_clear(pm1);
    rsa_mpz_wipe_clear(qm1);
    rsa_mpz_wipe_clear(lcm);
    return err;
}

/* ---- 3. I2OSP, OS2IP -------------------------------------------------------- */

/* See rsa.h.  RFC 8017 §4.1: x as exactly out_len bytes, big-endian;
 * GLASS_ERR_LENGTH ("integer too large") if it does not fit. */
glass_err rsa_i2osp(const mpz_t x, uint8_t *out, size_t out_len)
{
    size_t nbytes, count = 0;
    if (mpz_sgn(x) < 0)
        return GLASS_ERR_RSA_REPRESENTATIVE;
    nbytes = mpz_sgn(x) == 0 ? 0 : (mpz_sizeinbase(x, 2) + 7) / 8;
    if (nbytes > out_len)
        return GLASS_ERR_LENGTH;
    memset(out, 0, out_len - nbytes);
    if (nbytes > 0)
        mpz_export(out + (out_len - nbytes), &count, 1, 1, 1, 0, x);
    return GLASS_OK;
}

/* See rsa.h.  RFC 8017 §4.2. */
void rsa_os2ip(mpz_t x, const uint8_t *in, size_t len)
{
    if (len == 0)
        mpz_set_ui(x, 0);
    else
        mpz_import(x, len, 1, 1, 1, 0, in);
}

/* ---- 4. the public primitive ---------------------------------------------- */

/* See rsa_internal.h.  RFC 8017 §5.1.1 (RSAEP) = §5.2.2 (RSAVP1). */
glass_err rsa_public_op(const mpz_t n, const mpz_t e, const mpz_t m, mpz_t c)
{
    /* 1. If the representative is not between 0 and n - 1, stop. */
    if (mpz_sgn(m) < 0 || mpz_cmp(m, n) >= 0)
        return GLASS_ERR_RSA_REPRESENTATIVE;
    /* 2. c = m^e mod n.  Public values only: the fast, variable-time
     *    square-and-multiply (bn_powm_public). */
    return bn_powm_public(c, m, e, n) == 0 ? GLASS_OK : GLASS_ERR_NOMEM;
}

/* ---- 5. the private primitive --------------------------------------------- */

/* Emits a trace event showing x as big-endian bytes (only when tracing). */
static void trace_mpz(const glass_tracer *t, const char *name, const char *explain,
                      const mpz_t x, size_t len)
{
    uint8_t *buf;
    if (t == NULL || t->fn == NULL)
        return;
    if (len == 0)
        len = (mpz_sizeinbase(x, 2) + 7) / 8;
    buf = malloc(len);
    if (buf == NULL)
        return;
    if (rsa_i2osp(x, buf, len) == GLASS_OK)
        glass_trace(t, name, explain, buf, len);
    glass_wipe(buf, len);
    free(buf);
}

/* Draws r uniformly enough from [1, n-1] with gcd(r, n) = 1 and sets
 * A = r^e mod n, Ai = r^-1 mod n. */
static glass_err blinding_fresh(const mpz_t n, const mpz_t e, mpz_t A, mpz_t Ai)
{
    glass_err err = GLASS_OK;
    size_t len = (mpz_sizeinbase(n, 2) + 7) / 8 + 8;  /* 64 extra bits: bias < 2^-64 */
    uint8_t *buf = malloc(len);
    mpz_t r;
    mpz_init(r);
    if (buf == NULL) {
        err = GLASS_ERR_NOMEM;
        goto cleanup;
    }
    for (int tries = 0;; tries++) {
        if (tries == 16) {              /* 16 failures of a 1 - 2^-1000 event */
            err = GLASS_ERR_RANDOM;
            goto cleanup;
        }
        err = glass_random(buf, len);
        if (err != GLASS_OK)
            goto cleanup;
        rsa_os2ip(r, buf, len);
        mpz_mod(r, r, n);
        if (mpz_cmp_ui(r, 1) > 0 && mpz_invert(Ai, r, n) != 0)
            break;
    }
    mpz_powm(A, r, e, n);               /* e is public; r is fresh */
cleanup:
    if (buf != NULL) {
        glass_wipe(buf, len);
        free(buf);
    }
    rsa_mpz_wipe_clear(r);
    return err;
}

/* The blinding pair for this operation: the stored one squared, or a fresh one. */
static glass_err blinding_pair(const rsa_private_key *key, mpz_t A, mpz_t Ai)
{
    struct rsa_blinding *b = key->blinding;
    glass_err err;
    if (b != NULL && b->valid && b->uses < RSA_BLINDING_RENEW && mpz_cmp(b->n, key->n) == 0 &&
        mpz_cmp(b->e, key->e) == 0) {
        /* (r^e)^2 = (r^2)^e and (r^-1)^2 = (r^2)^-1: a new matched pair. */
        mpz_mul(b->A, b->A, b->A);
        mpz_mod(b->A, b->A, key->n);
        mpz_mul(b->Ai, b->Ai, b->Ai);
        mpz_mod(b->Ai, b->Ai, key->n);
        b->uses++;
        mpz_set(A, b->A);
        mpz_set(Ai, b->Ai);
        return GLASS_OK;
    }
    err = blinding_fresh(key->n, key->e, A, Ai);
    if (err != GLASS_OK)
        return err;
    if (b != NULL) {
        mpz_set(b->A, A);
        mpz_set(b->Ai, Ai);
        mpz_set(b->n, key->n);
        mpz_set(b->e, key->e);
        b->uses = 0;
        b->valid = 1;
    }
    return GLASS_OK;
}

/* Steps 0-2 here, 3-6 in rsa_crt.c: s[0..nn) = m^d mod n, nn = mpz_size(n). */
static glass_err private_op_limbs(const rsa_private_key *key, const mpz_t m, mp_limb_t *s)
{
    glass_err err;
    const glass_tracer *tr = key->trace;
    size_t k = 0;
    mpz_t A, Ai, mb;
    mpz_inits(A, Ai, mb, NULL);

    /* 0. The key must be usable: n, e as for a public key; p, q odd and
     *    n = p q; the CRT values positive (rsa_crt_key_usable, whose checks
     *    branch only on their one-bit verdicts).  rsa_check_private does
     *    the full consistency check. */
    err = rsa_public_params_ok(key->n, key->e, &k);
    if (err == GLASS_OK)
        err = rsa_crt_key_usable(key);
    if (err != GLASS_OK)
        goto cleanup;

    /* 1. If the representative is not between 0 and n - 1, stop. */
    if (mpz_sgn(m) < 0 || mpz_cmp(m, key->n) >= 0) {
        err = GLASS_ERR_RSA_REPRESENTATIVE;
        goto cleanup;
    }
    trace_mpz(tr, "EM", "the input as an integer: EM for a signature, c to decrypt; 0 <= m < n",
              m, k);

    /* 2. Blind: mb = m * r^e mod n. */
    err = blinding_pair(key, A, Ai);
    if (err != GLASS_OK)
        goto cleanup;
    trace_mpz(tr, "blinding", "r^e mod n for a random r; the exponentiation sees m * r^e", A, k);
    mpz_mul(mb, m, A);
    mpz_mod(mb, mb, key->n);

    /* 3-6. The CRT halves, Garner's recombination, unblinding and the check
     *      of s^e = m, on fixed-size limbs (rsa_crt.c). */
    err = rsa_crt_private(key, mb, Ai, m, s);
    if (err == GLASS_ERR_RSA_FAULT && key->blinding != NULL)
        key->blinding->valid = 0;
cleanup:
    rsa_mpz_wipe_clear(A);
    rsa_mpz_wipe_clear(Ai);
    rsa_mpz_wipe_clear(mb);
    return err;
}

/* See rsa_internal.h.  RFC 8017 §5.2.1 (RSASP1) = §5.1.2 (RSADP), step 2.b.
 * The result becomes an mpz, whose normalisation shows how many of its top
 * limbs are zero; rsa_private_op_bytes avoids even that. */
glass_err rsa_private_op(const rsa_private_key *key, const mpz_t m, mpz_t s)
{
    size_t nn = mpz_size(key->n);
    mp_limb_t *limbs = calloc(nn > 0 ? nn : 1, sizeof *limbs);
    if (limbs == NULL)
        return GLASS_ERR_NOMEM;
    glass_err err = private_op_limbs(key, m, limbs);
    if (err == GLASS_OK)
        mpz_import(s, nn, -1, sizeof *limbs, 0, 0, limbs);
    else
        mpz_set_ui(s, 0);
    glass_wipe(limbs, (nn > 0 ? nn : 1) * sizeof *limbs);
    free(limbs);
    return err;
}

/* See rsa_internal.h.  I2OSP (RFC 8017 §4.1) straight from the limbs: byte
 * j from the end is byte j % 8 of limb j / 8, fixed positions. */
glass_err rsa_private_op_bytes(const rsa_private_key *key, const mpz_t m, uint8_t *out,
                               size_t out_len)
{
    size_t nn = mpz_size(key->n);
    if (out_len * 8 < mpz_sizeinbase(key->n, 2))
        return GLASS_ERR_LENGTH;
    mp_limb_t *limbs = calloc(nn > 0 ? nn : 1, sizeof *limbs);
    if (limbs == NULL)
        return GLASS_ERR_NOMEM;
    glass_err err = private_op_limbs(key, m, limbs);
    if (err == GLASS_OK)
        for (size_t j = 0; j < out_len; j++)
            out[out_len - 1 - j] = j / sizeof *limbs < nn
                                       ? (uint8_t)(limbs[j / sizeof *limbs] >>
                                                   (8 * (j % sizeof *limbs)))
                                       : 0;
    glass_wipe(limbs, (nn > 0 ? nn : 1) * sizeof *limbs);
    free(limbs);
    return err;
}
