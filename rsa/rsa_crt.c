/*
 * rsa_crt.c — the private operation's arithmetic on fixed-size limb arrays
 * with GMP's side-channel-silent mpn_sec_* functions (RFC 8017 §5.1.2 step
 * 2.b, the CRT form; Garner's recombination).
 *
 * Why not mpz.  An mpz_t is normalised: its size shrinks when its top limbs
 * are zero, and mpz_mod, mpz_cmp and friends branch on the values (division
 * adjusts its quotient digit estimates, a comparison stops at the first
 * differing limb).  With p, q, dP, dQ and qInv secret those branches are
 * exactly what a timing attack measures.  GMP's "sec" layer (mpn_sec_powm,
 * mpn_sec_mul, mpn_sec_div_r, mpn_cnd_add_n, mpn_sec_add_1; the GMP manual's
 * section "Low-level Functions for Cryptography") instead works on arrays of
 * a fixed number of limbs, with a sequence of operations and memory
 * accesses that depends only on those sizes — which are public (the size of
 * n, of p, of q).  What is ours is around them: the sizes, the
 * zero-extension of every secret to its full length, the subtraction mod p
 * with a conditional add (no "if negative"), and the final comparison over
 * every limb.  The exponentiations go through bn_sec_powm (bn/bn.h), which
 * keeps mpn_sec_powm's contract and, on a CPU with AVX2, runs our own
 * vector Montgomery code instead.  `make ctgrind` runs the whole signature with every private
 * value marked secret, and memcheck sees no branch and no address depending
 * on one.
 *
 * Read in this order: the limb helpers, rsa_crt_key_usable (the checks a
 * key must pass, without a secret branch), then rsa_crt_private (the steps
 * of rsa.c's opening table, 3 to 6).
 *
 * CT: yes, for the arithmetic of ours on p, q, dP, dQ, qInv and the
 * blinded values; each check's one-bit verdict is released
 * (glass_ct_declassify).  One caveat belongs to GMP: its sec functions take
 * the modulus as public, and looking at p and q as moduli they read a few of
 * their top and bottom bits through small tables (normalisation, the
 * inverse limb); tests/ctgrind/gmp-sec.supp says so and lets only those
 * reports — inside __gmpn_sec_* — pass.
 */
#include "rsa/rsa_internal.h"
#include "bn/bn.h"

#include <stdlib.h>
#include <string.h>

/* ---- limbs ------------------------------------------------------------------ */

/* x as exactly n limbs, zero-extended (x < 2^(64 n) checked by the caller
 * through the public sizes).  Reads x's limbs, branches only on its size. */
static void limbs_of(mp_limb_t *out, mp_size_t n, const mpz_t x)
{
    mp_size_t xn = (mp_size_t)mpz_size(x);
    const mp_limb_t *xs = mpz_limbs_read(x);
    for (mp_size_t i = 0; i < n; i++)
        out[i] = i < xn ? xs[i] : 0;
}

/* All-ones when a[0..n) == b[0..n), else 0: every limb looked at. */
static mp_limb_t limbs_equal_mask(const mp_limb_t *a, const mp_limb_t *b, mp_size_t n)
{
    mp_limb_t diff = 0;
    for (mp_size_t i = 0; i < n; i++)
        diff |= a[i] ^ b[i];
    /* diff == 0 -> (0 - 1) >> 63 = 1 -> all ones */
    return 0 - (((diff | (0 - diff)) >> (GMP_NUMB_BITS - 1)) ^ 1);
}

/* All-ones when some limb of a[0..n) is non-zero. */
static mp_limb_t limbs_nonzero_mask(const mp_limb_t *a, mp_size_t n)
{
    mp_limb_t any = 0;
    for (mp_size_t i = 0; i < n; i++)
        any |= a[i];
    return 0 - ((any | (0 - any)) >> (GMP_NUMB_BITS - 1));
}

static int release(mp_limb_t mask)
{
    int bit = (int)(mask & 1);
    glass_ct_declassify(&bit, sizeof bit);
    return bit;
}

/* Trace helper: the limbs as a big-endian integer (only when tracing). */
static void trace_limbs(const glass_tracer *t, const char *name, const char *explain,
                        const mp_limb_t *x, mp_size_t n, size_t len)
{
    if (t == NULL || t->fn == NULL)
        return;
    mpz_t v;
    mpz_init(v);
    mpz_import(v, (size_t)n, -1, sizeof(mp_limb_t), 0, 0, x);
    size_t vlen = len > 0 ? len : (mpz_sizeinbase(v, 2) + 7) / 8;
    uint8_t *buf = malloc(vlen);
    if (buf != NULL && rsa_i2osp(v, buf, vlen) == GLASS_OK)
        glass_trace(t, name, explain, buf, vlen);
    if (buf != NULL) {
        glass_wipe(buf, vlen);
        free(buf);
    }
    glass_mpz_clear_secret(v);
}

/* ---- the key ------------------------------------------------------------------- */

/* See rsa_internal.h.  p and q odd and greater than 2, dP, dQ, qInv
 * positive, n = p q: each verdict computed over whole limbs, then released. */
glass_err rsa_crt_key_usable(const rsa_private_key *key)
{
    mp_size_t np = (mp_size_t)mpz_size(key->p), nq = (mp_size_t)mpz_size(key->q);
    mp_size_t nn = (mp_size_t)mpz_size(key->n);
    if (np == 0 || nq == 0 || mpz_sgn(key->p) < 0 || mpz_sgn(key->q) < 0)
        return GLASS_ERR_RSA_KEY_PRIMES;
    if (mpz_sgn(key->dP) <= 0 || mpz_sgn(key->dQ) <= 0 || mpz_sgn(key->qInv) <= 0)
        return GLASS_ERR_RSA_KEY_CRT;
    const mp_limb_t *p = mpz_limbs_read(key->p), *q = mpz_limbs_read(key->q);
    /* 1. Odd, and not 1 (an odd number > 2 is odd and not 1). */
    mp_limb_t ok = 0 - (p[0] & q[0] & 1);
    mp_limb_t p_hi = p[0] >> 1, q_hi = q[0] >> 1;
    mp_limb_t p_big = limbs_nonzero_mask(p + 1, np - 1) | limbs_nonzero_mask(&p_hi, 1);
    mp_limb_t q_big = limbs_nonzero_mask(q + 1, nq - 1) | limbs_nonzero_mask(&q_hi, 1);
    if (!release(ok & p_big & q_big))
        return GLASS_ERR_RSA_KEY_PRIMES;
    /* 2. n = p q, compared over every limb. */
    if (np + nq < nn || np + nq > nn + 1)
        return GLASS_ERR_RSA_KEY_INCONSISTENT;
    mp_size_t big = np >= nq ? np : nq, small = np >= nq ? nq : np;
    mp_size_t tn = np + nq + mpn_sec_mul_itch(big, small);
    mp_limb_t *t = calloc((size_t)tn + (size_t)(np + nq), sizeof *t);
    if (t == NULL)
        return GLASS_ERR_NOMEM;
    mp_limb_t *nl = t + tn;
    if (np >= nq)
        mpn_sec_mul(t, p, np, q, nq, t + np + nq);
    else
        mpn_sec_mul(t, q, nq, p, np, t + np + nq);
    limbs_of(nl, np + nq, key->n);
    int same = release(limbs_equal_mask(t, nl, np + nq));
    glass_wipe(t, ((size_t)tn + (size_t)(np + nq)) * sizeof *t);
    free(t);
    return same ? GLASS_OK : GLASS_ERR_RSA_KEY_INCONSISTENT;
}

/* ---- the private operation --------------------------------------------------- */

/* The limb arrays of one private operation, carved from one allocation. */
struct crt_work {
    mp_size_t np, nq, nn, L;            /* sizes of p, q, n; L = np + nq */
    mp_limb_t *p, *q, *dP, *dQ, *qInv, *n, *e;
    mp_limb_t *x, *m1, *m2, *h, *s, *u, *chk, *tp;
    size_t total;
    mp_limb_t *block;
};

static mp_size_t max_size(mp_size_t a, mp_size_t b)
{
    return a > b ? a : b;
}

/* Sizes, one zeroed block, the key's values zero-extended into it. */
static glass_err work_init(struct crt_work *w, const rsa_private_key *key, mp_bitcnt_t ebits)
{
    mp_size_t np = (mp_size_t)mpz_size(key->p), nq = (mp_size_t)mpz_size(key->q);
    mp_size_t nn = (mp_size_t)mpz_size(key->n), L = np + nq, ne = (mp_size_t)mpz_size(key->e);
    mp_size_t big = max_size(np, nq), s2 = max_size(L, nn);
    mp_size_t itch = mpn_sec_div_r_itch(s2 + nn, nn);
    itch = max_size(itch, bn_sec_powm_itch(np, (mp_bitcnt_t)np * GMP_NUMB_BITS, np));
    itch = max_size(itch, bn_sec_powm_itch(nq, (mp_bitcnt_t)nq * GMP_NUMB_BITS, nq));
    itch = max_size(itch, bn_sec_powm_itch(np, ebits, np));
    itch = max_size(itch, bn_sec_powm_itch(nq, ebits, nq));
    itch = max_size(itch, mpn_sec_div_r_itch(nn, np));
    itch = max_size(itch, mpn_sec_div_r_itch(nn, nq));
    itch = max_size(itch, mpn_sec_mul_itch(big, big));
    itch = max_size(itch, mpn_sec_mul_itch(s2, nn));
    itch = max_size(itch, mpn_sec_add_1_itch(big));
    itch = max_size(itch, mpn_sec_div_r_itch(max_size(nn, 2 * big), big));
    /* p q dP dQ qInv n e | x (s2 + nn) m1 m2 h s u (2 big) chk | tp */
    size_t total = (size_t)(np + nq + np + nq + np + nn + ne) +
                   (size_t)(s2 + nn) + (size_t)(np + nq + np + nn) + (size_t)(2 * big) +
                   (size_t)nn + (size_t)itch;
    memset(w, 0, sizeof *w);
    w->block = calloc(total, sizeof(mp_limb_t));
    if (w->block == NULL)
        return GLASS_ERR_NOMEM;
    w->total = total;
    w->np = np;
    w->nq = nq;
    w->nn = nn;
    w->L = L;
    mp_limb_t *c = w->block;
    w->p = c; c += np;
    w->q = c; c += nq;
    w->dP = c; c += np;
    w->dQ = c; c += nq;
    w->qInv = c; c += np;
    w->n = c; c += nn;
    w->e = c; c += ne;
    w->x = c; c += s2 + nn;
    w->m1 = c; c += np;
    w->m2 = c; c += nq;
    w->h = c; c += np;
    w->s = c; c += nn;
    w->u = c; c += 2 * big;
    w->chk = c; c += nn;
    w->tp = c;
    limbs_of(w->p, np, key->p);
    limbs_of(w->q, nq, key->q);
    limbs_of(w->dP, np, key->dP);
    limbs_of(w->dQ, nq, key->dQ);
    limbs_of(w->qInv, np, key->qInv);
    limbs_of(w->n, nn, key->n);
    limbs_of(w->e, ne, key->e);
    return GLASS_OK;
}

/* r = b^d mod m over nm limbs: b (nb limbs) reduced mod m first, d read as
 * dbits bits (for a secret d, all nm * 64: its own length never shows). */
static void sec_powm_mod(struct crt_work *w, mp_limb_t *r, const mp_limb_t *b, mp_size_t nb,
                         const mp_limb_t *d, mp_bitcnt_t dbits, const mp_limb_t *m,
                         mp_size_t nm)
{
    memcpy(w->u, b, (size_t)nb * sizeof *b);
    mpn_sec_div_r(w->u, nb, m, nm, w->tp);
    bn_sec_powm(r, w->u, nm, d, dbits, m, nm, w->tp);
}

/* All-ones when s^e = m modulo the prime r (nr limbs), s = w->s and m =
 * w->x[0..nn) on entry (x is overwritten). */
static mp_limb_t check_mod_prime(struct crt_work *w, mp_bitcnt_t ebits, const mp_limb_t *r,
                                 mp_size_t nr)
{
    sec_powm_mod(w, w->chk, w->s, w->nn, w->e, ebits, r, nr);
    mpn_sec_div_r(w->x, w->nn, r, nr, w->tp);
    return limbs_equal_mask(w->chk, w->x, nr);
}

/* The check as the standard states it, s^e mod n, for the trace only: a
 * traced key shows every value anyway, and the check that decides is the
 * one modulo p and modulo q in step 6. */
static void trace_check(const glass_tracer *t, struct crt_work *w, const rsa_private_key *key)
{
    if (t == NULL || t->fn == NULL)
        return;
    mpz_t s, v;
    mpz_inits(s, v, NULL);
    mpz_import(s, (size_t)w->nn, -1, sizeof(mp_limb_t), 0, 0, w->s);
    mpz_powm(v, s, key->e, key->n);
    memset(w->chk, 0, (size_t)w->nn * sizeof *w->chk);
    mpz_export(w->chk, NULL, -1, sizeof(mp_limb_t), 0, 0, v);
    trace_limbs(t, "check", "s^e mod n, which must equal m before s is released (the library "
                "compares it modulo p and modulo q: the same, by the CRT)", w->chk, w->nn, key->k);
    glass_mpz_clear_secret(s);
    glass_mpz_clear_secret(v);
}

/* See rsa_internal.h.  Steps 3-6 of rsa.c's table, on limbs. */
glass_err rsa_crt_private(const rsa_private_key *key, const mpz_t mb, const mpz_t Ai,
                          const mpz_t m, mp_limb_t *s_out)
{
    const glass_tracer *tr = key->trace;
    struct crt_work w;
    mp_bitcnt_t ebits = (mp_bitcnt_t)mpz_sizeinbase(key->e, 2);
    glass_err err = work_init(&w, key, ebits);
    if (err != GLASS_OK)
        return err;
    mp_size_t np = w.np, nq = w.nq, nn = w.nn, L = w.L;

    /* 3. m1 = mb^dP mod p, m2 = mb^dQ mod q (RFC 8017 §5.1.2 2.b.i, ii). */
    limbs_of(w.x, nn, mb);
    sec_powm_mod(&w, w.m1, w.x, nn, w.dP, (mp_bitcnt_t)np * GMP_NUMB_BITS, w.p, np);
    trace_limbs(tr, "m1", "m1 = (m r^e)^dP mod p: half the exponentiation, modulo p", w.m1,
                np, 0);
    sec_powm_mod(&w, w.m2, w.x, nn, w.dQ, (mp_bitcnt_t)nq * GMP_NUMB_BITS, w.q, nq);
    trace_limbs(tr, "m2", "m2 = (m r^e)^dQ mod q: the other half, modulo q", w.m2, nq, 0);

    /* 4. h = (m1 - m2) * qInv mod p (2.b.iii): m2 reduced mod p, the
     *    difference made non-negative by adding p under the borrow (no
     *    "if negative"), the product reduced mod p. */
    memset(w.u, 0, (size_t)(2 * max_size(np, nq)) * sizeof *w.u);
    memcpy(w.u, w.m2, (size_t)nq * sizeof *w.u);
    mpn_sec_div_r(w.u, max_size(nq, np), w.p, np, w.tp);
    mp_limb_t borrow = mpn_sub_n(w.h, w.m1, w.u, np);
    mpn_cnd_add_n(borrow, w.h, w.h, w.p, np);
    mpn_sec_mul(w.u, w.h, np, w.qInv, np, w.tp);
    mpn_sec_div_r(w.u, 2 * np, w.p, np, w.tp);
    memcpy(w.h, w.u, (size_t)np * sizeof *w.h);
    trace_limbs(tr, "h", "h = (m1 - m2) * qInv mod p (Garner's recombination)", w.h, np, 0);

    /* 5. s' = m2 + q h (2.b.iv), then unblind: s = s' * r^-1 mod n. */
    memset(w.x, 0, (size_t)(max_size(L, nn) + nn) * sizeof *w.x);
    if (nq >= np)
        mpn_sec_mul(w.x, w.q, nq, w.h, np, w.tp);
    else
        mpn_sec_mul(w.x, w.h, np, w.q, nq, w.tp);
    mp_limb_t carry = mpn_add_n(w.x, w.x, w.m2, nq);
    mpn_sec_add_1(w.x + nq, w.x + nq, np, carry, w.tp);
    limbs_of(w.u, nn, Ai);
    memcpy(w.s, w.x, (size_t)nn * sizeof *w.s);    /* s' < n: its top limbs are 0 */
    mpn_sec_mul(w.x, w.s, nn, w.u, nn, w.tp);
    mpn_sec_div_r(w.x, 2 * nn, w.n, nn, w.tp);
    memcpy(w.s, w.x, (size_t)nn * sizeof *w.s);
    trace_limbs(tr, "s", "s = (m2 + q h) * r^-1 mod n = m^d mod n", w.s, nn, key->k);

    /* 6. Check before release: s^e = m (see rsa.c), over every limb, once
     *    modulo p and once modulo q.  With n = p q (step 0) that is, by the
     *    Chinese remainder theorem, exactly s^e = m mod n, at a third of the
     *    cost: two exponentiations by e at half the size instead of one at
     *    the full size (a 2048-bit multiplication costs about four 1024-bit
     *    ones).  A fault in either half of step 3 leaves s wrong modulo that
     *    prime, and this check sees it (the Bellcore attack, rsa.c). */
    trace_check(tr, &w, key);
    limbs_of(w.x, nn, m);
    mp_limb_t good = check_mod_prime(&w, ebits, w.p, np);
    limbs_of(w.x, nn, m);
    good &= check_mod_prime(&w, ebits, w.q, nq);
    if (!release(good)) {
        err = GLASS_ERR_RSA_FAULT;
    } else {
        memcpy(s_out, w.s, (size_t)nn * sizeof *s_out);
        err = GLASS_OK;
    }
    glass_wipe(w.block, w.total * sizeof *w.block);
    free(w.block);
    return err;
}
