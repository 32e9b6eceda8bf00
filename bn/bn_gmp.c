/*
 * bn_gmp.c — bn_sec_powm: the choice of path, and the path by GMP's own
 * mpn_sec_powm (GMP manual, "Low-level Functions for Cryptography").
 *
 * The choice depends on public things only: the CPU (CPUID, asked once),
 * the modulus's limb count, and GLASS_BN_IMPL in the environment (gmp or
 * avx2) or a test's bn_impl_force.  The avx2 path (bn_avx2.c) is taken on
 * a CPU with AVX2 for moduli of 1024..3520 bits (below 1024 bits GMP is
 * the faster; past 55 limbs a lane could overflow); GMP's for the rest.
 *
 * Before the avx2 path the base is reduced modulo M by mpn_sec_div_r (GMP's
 * mpn_sec_powm accepts any base length; so does bn_sec_powm).
 *
 * bn_powm_public, for the RSA public operation, makes the same choice of
 * path and falls back to mpz_powm for what the avx2 path does not take.
 *
 * Read bn.h first, then this file, then bn_avx2.c.
 *
 * CT: yes — mpn_sec_powm and mpn_sec_div_r are GMP's side-channel-silent
 * functions; the choice reads no secret.  bn_powm_public: no, and it need
 * not be: its exponent and modulus are public.
 */
#include "bn/bn.h"
#include "bn/bn_internal.h"
#include "common/common.h"

#include <stdlib.h>
#include <string.h>

static enum bn_impl forced = BN_IMPL_AUTO;

void bn_impl_force(enum bn_impl impl)
{
    forced = impl;
}

/* What was asked for: a test's force, else GLASS_BN_IMPL, else the CPU. */
static enum bn_impl asked(void)
{
    if (forced != BN_IMPL_AUTO)
        return forced;
    const char *env = getenv("GLASS_BN_IMPL");
    if (env != NULL && strcmp(env, "gmp") == 0)
        return BN_IMPL_GMP;
    return BN_IMPL_AVX2;
}

static int use_avx2(mp_size_t n)
{
    return asked() == BN_IMPL_AVX2 && bn_avx2_handles(n) && bn_avx2_available();
}

const char *bn_sec_powm_path(mp_size_t n)
{
    return use_avx2(n) ? "avx2" : "gmp";
}

static mp_size_t max_size(mp_size_t a, mp_size_t b)
{
    return a > b ? a : b;
}

mp_size_t bn_sec_powm_itch(mp_size_t bn, mp_bitcnt_t enb, mp_size_t n)
{
    mp_size_t gmp = mpn_sec_powm_itch(bn, enb, n);
    if (!bn_avx2_handles(n))
        return gmp;
    mp_size_t un = max_size(bn, n);
    mp_size_t avx2 = un + max_size(mpn_sec_div_r_itch(un, n), bn_avx2_itch(n, enb));
    return max_size(gmp, avx2);
}

/* See bn.h.  Returns 0, or -1 when the scratch cannot be had. */
int bn_powm_public(mpz_t r, const mpz_t b, const mpz_t e, const mpz_t m)
{
    mp_size_t n = (mp_size_t)mpz_size(m);
    if (!use_avx2(n) || mpz_sgn(e) <= 0 || mpz_even_p(m) || mpz_sgn(b) < 0 ||
        mpz_cmp(b, m) >= 0) {
        mpz_powm(r, b, e, m);
        return 0;
    }
    mp_size_t itch = bn_avx2_itch(n, 1);
    mp_limb_t *t = calloc((size_t)(2 * n + itch), sizeof *t);
    if (t == NULL)
        return -1;
    mp_limb_t *bl = t, *rl = t + n;
    mpz_export(bl, NULL, -1, sizeof *bl, 0, 0, b);
    bn_avx2_powm_public(rl, bl, mpz_limbs_read(e), (mp_bitcnt_t)mpz_sizeinbase(e, 2),
                        mpz_limbs_read(m), n, rl + n);
    mpz_import(r, (size_t)n, -1, sizeof *rl, 0, 0, rl);
    /* The base may be secret (RSAEP's message representative, RFC 8017
     * §5.1.1): the scratch held it and every power of it. */
    glass_wipe(t, (size_t)(2 * n + itch) * sizeof *t);
    free(t);
    return 0;
}

/* See bn.h. */
void bn_sec_powm(mp_limb_t *rp, const mp_limb_t *bp, mp_size_t bn, const mp_limb_t *ep,
                 mp_bitcnt_t enb, const mp_limb_t *mp, mp_size_t n, mp_limb_t *tp)
{
    if (!use_avx2(n)) {
        mpn_sec_powm(rp, bp, bn, ep, enb, mp, n, tp);
        return;
    }
    /* u = B mod M in the first max(bn, n) limbs, zero-extended when shorter. */
    mp_size_t un = max_size(bn, n);
    mp_limb_t *u = tp;
    memset(u, 0, (size_t)un * sizeof *u);
    memcpy(u, bp, (size_t)bn * sizeof *u);
    mpn_sec_div_r(u, un, mp, n, u + un);
    bn_avx2_powm(rp, u, ep, enb, mp, n, u + un);
}
