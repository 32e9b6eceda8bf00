/*
 * dh.c — finite-field Diffie–Hellman: key pairs, public-key validation and
 * the shared secret (NIST SP 800-56A Rev. 3, RFC 7919, RFC 5246).
 *
 * Read in this order:
 *   1. dh_group_init_custom   a group (p, q, g) as the NIST files give it
 *   2. dh_generate            SP 800-56A §5.6.1.1.4, x by "testing candidates"
 *   3. dh_check_public        SP 800-56A §5.6.2.3.1, full public-key validation
 *   4. dh_check_public_fast   the same answer via a Legendre symbol
 *   5. dh_compute_shared      SP 800-56A §5.7.1.1, the FFC DH primitive
 *   6. dh_strip_leading_zeros RFC 5246 §8.1.2, the TLS 1.2 pre_master_secret
 *
 * The named groups live in groups.c.
 *
 * Constant-time status:
 *   dh_generate  CT: mostly — the exponentiation with the secret x is
 *       mpz_powm_sec (a fixed sequence of operations for the exponent's
 *       size, which is x's own bit length).
 *   dh_compute_shared  CT: yes — bn_sec_powm on fixed-size limb arrays
 *       with x read as |q| bits, the Z = 1 test and the export of Z over
 *       every limb; all scratch memory is ours and wiped (make ctgrind).
 *   dh_check_public(_fast)  CT: no — works on public values only.
 *   dh_strip_leading_zeros  CT: no — by design of RFC 5246 (see below).
 */
#include "dh/dh.h"
#include "bn/bn.h"

#include <stdlib.h>
#include <string.h>

/* See dh.h.  The checks are those a receiver of domain parameters can make
 * cheaply (SP 800-56A §5.5.2 asks for assurance of their validity; the NIST
 * files come from a trusted source, so we only check their consistency):
 * p odd and > 3, 1 < g < p-1, q > 1 divides p-1, and g^q ≡ 1 mod p (g
 * generates the subgroup of order q). */
glass_err dh_group_init_custom(dh_group *grp, const mpz_t p, const mpz_t q, const mpz_t g)
{
    glass_err err = GLASS_ERR_DH_GROUP;
    mpz_t t;
    if (grp == NULL)
        return GLASS_ERR_ARG;
    memset(grp, 0, sizeof *grp);
    mpz_init(grp->p);
    mpz_init(grp->q);
    mpz_init(grp->g);
    mpz_init(t);

    /* 1. p odd and greater than 3 (mpz_powm_sec needs an odd modulus). */
    if (mpz_cmp_ui(p, 3) <= 0 || mpz_even_p(p))
        goto cleanup;
    /* 2. 1 < g < p - 1. */
    mpz_sub_ui(t, p, 1);
    if (mpz_cmp_ui(g, 1) <= 0 || mpz_cmp(g, t) >= 0)
        goto cleanup;
    /* 3. q > 1 and q | p - 1. */
    if (mpz_cmp_ui(q, 1) <= 0 || !mpz_divisible_p(t, q))
        goto cleanup;
    /* 4. g^q ≡ 1 mod p: g lies in the order-q subgroup. */
    mpz_powm(t, g, q, p);
    if (mpz_cmp_ui(t, 1) != 0)
        goto cleanup;

    mpz_set(grp->p, p);
    mpz_set(grp->q, q);
    mpz_set(grp->g, g);
    grp->name = "custom";
    grp->tls_id = 0;
    grp->p_len = (mpz_sizeinbase(p, 2) + 7) / 8;
    /* With no security-strength table for an arbitrary group, take N = |q|:
     * then min(2^N, q) = q and x ranges over the whole of [1, q-1]. */
    grp->x_bits = (unsigned)mpz_sizeinbase(q, 2);
    mpz_mul_2exp(t, q, 1);
    mpz_add_ui(t, t, 1);
    grp->safe_prime = mpz_cmp(t, p) == 0;
    err = GLASS_OK;

cleanup:
    mpz_clear(t);
    if (err != GLASS_OK) {
        mpz_clear(grp->p);
        mpz_clear(grp->q);
        mpz_clear(grp->g);
        memset(grp, 0, sizeof *grp);    /* p_len = 0: dh_group_clear is a no-op */
    }
    return err;
}

/* See dh.h.  A group that was never set up (p_len 0) holds nothing. */
void dh_group_clear(dh_group *grp)
{
    if (grp == NULL || grp->p_len == 0)
        return;
    mpz_clear(grp->p);
    mpz_clear(grp->q);
    mpz_clear(grp->g);
    memset(grp, 0, sizeof *grp);
}

/* See dh.h. */
void dh_keypair_init(dh_keypair *kp)
{
    mpz_init(kp->x);
    mpz_init(kp->y);
}

/* See dh.h.  The private exponent is wiped before it is freed. */
void dh_keypair_clear(dh_keypair *kp)
{
    if (kp == NULL)
        return;
    glass_mpz_clear_secret(kp->x);
    mpz_clear(kp->y);
}

/* See dh.h.  SP 800-56A Rev. 3 §5.6.1.1.4, "Using the testing candidates
 * method", with N = grp->x_bits:
 *
 *   1. M = min(2^N, q)
 *   2. c = N random bits from the RBG
 *   3. if c > M - 2, go back to step 2
 *   4. x = c + 1                     (so 1 <= x <= M - 1, uniformly)
 *   5. y = g^x mod p                 (§5.6.1.1: the public key)
 *
 * Rejection rather than "c mod (M-1)" keeps x exactly uniform.  For the
 * named groups M = 2^N, so step 3 almost never repeats; for a custom group
 * M = q and each try succeeds with probability above 1/2.  We give up after
 * 128 tries, which a working RBG fails with probability below 2^-128.
 *
 * The random bits come from rnd(rnd_arg, ...) (NULL: glass_random), so the
 * handshake engine hands in its own stream and calls this very function:
 * `break dh_generate` stops during a handshake too. */
glass_err dh_generate(const dh_group *grp, glass_random_fn rnd, void *rnd_arg, dh_keypair *kp)
{
    glass_err err = GLASS_ERR_INTERNAL;
    uint8_t buf[1024];
    mpz_t M, c;
    if (grp == NULL || kp == NULL)
        return GLASS_ERR_ARG;
    unsigned N = grp->x_bits;
    size_t nbytes = (N + 7) / 8;
    if (N < 2 || nbytes > sizeof buf)
        return GLASS_ERR_DH_GROUP;
    mpz_init(M);
    mpz_init(c);

    /* 1. M = min(2^N, q). */
    mpz_setbit(M, N);
    if (mpz_cmp(grp->q, M) < 0)
        mpz_set(M, grp->q);
    mpz_sub_ui(M, M, 2);                        /* from here on M holds M - 2 */

    for (int tries = 0; tries < 128; tries++) {
        /* 2. c: N random bits (the top byte masked down to N bits). */
        err = glass_random_with(rnd, rnd_arg, buf, nbytes);
        if (err != GLASS_OK)
            goto cleanup;
        if (N % 8 != 0)
            buf[0] &= (uint8_t)((1u << (N % 8)) - 1u);
        mpz_import(c, nbytes, 1, 1, 1, 0, buf);
        /* 3. Reject c > M - 2. */
        if (mpz_cmp(c, M) > 0) {
            err = GLASS_ERR_INTERNAL;
            continue;
        }
        /* 4. x = c + 1. */
        mpz_add_ui(kp->x, c, 1);
        /* 5. y = g^x mod p, with the side-channel-silent exponentiation. */
        mpz_powm_sec(kp->y, grp->g, kp->x, grp->p);
        err = GLASS_OK;
        break;
    }

cleanup:
    glass_wipe(buf, sizeof buf);
    glass_mpz_clear_secret(c);
    mpz_clear(M);
    return err;
}

/* The range check shared by both validations: SP 800-56A §5.6.2.3.1 step 1,
 * 2 <= y <= p - 2.  It shuts out 0 (which would make Z = 0), 1 (Z = 1 for
 * every x), p - 1 (the element of order 2: Z is 1 or p - 1, leaking the low
 * bit of x) and anything not reduced mod p (p, p + 1, ... are 0, 1, ... in
 * disguise). */
static glass_err check_range(const dh_group *grp, const mpz_t y)
{
    mpz_t pm2;
    glass_err err = GLASS_OK;
    /* 1a. y >= 2 (also refuses negative values). */
    if (mpz_cmp_ui(y, 2) < 0)
        return GLASS_ERR_DH_PUB_TOO_SMALL;
    /* 1b. y <= p - 2. */
    mpz_init(pm2);
    mpz_sub_ui(pm2, grp->p, 2);
    if (mpz_cmp(y, pm2) > 0)
        err = GLASS_ERR_DH_PUB_TOO_LARGE;
    mpz_clear(pm2);
    return err;
}

/* See dh.h.  SP 800-56A Rev. 3 §5.6.2.3.1, FFC full public-key validation:
 *
 *   1. 2 <= y <= p - 2
 *   2. y^q ≡ 1 (mod p)
 *
 * Step 2 proves y lies in the subgroup of prime order q.  Without it a peer
 * can send an element of small order r (any r dividing (p-1)/q) and learn
 * x mod r from the shared secret: the small-subgroup attack (Lim–Lee 1997),
 * which against a static key and a non-safe prime recovers x piece by piece.
 * mpz_powm, not _sec: y and q are public. */
glass_err dh_check_public(const dh_group *grp, const mpz_t y)
{
    glass_err err;
    mpz_t t;
    if (grp == NULL)
        return GLASS_ERR_ARG;
    /* 1. Range. */
    err = check_range(grp, y);
    if (err != GLASS_OK)
        return err;
    /* 2. Subgroup membership: y^q mod p = 1. */
    mpz_init(t);
    mpz_powm(t, y, grp->q, grp->p);
    if (mpz_cmp_ui(t, 1) != 0)
        err = GLASS_ERR_DH_PUB_SUBGROUP;
    mpz_clear(t);
    return err;
}

/* See dh.h.  Why a Legendre symbol answers the same question for a safe
 * prime p = 2q + 1 (q prime):
 *
 *   The multiplicative group mod p is cyclic of order p - 1 = 2q, so its
 *   subgroups have orders 1, 2, q and 2q.  The subgroup of order q is
 *   exactly the set of squares (the quadratic residues): there are (p-1)/2
 *   = q of them and they form a subgroup.  Euler's criterion says
 *
 *       y^((p-1)/2) = y^q ≡ (y/p)   (mod p),
 *
 *   the Legendre symbol, +1 for a residue and -1 for a non-residue.  So
 *   "y^q ≡ 1" and "(y/p) = 1" are the same test.  mpz_legendre computes the
 *   symbol by quadratic reciprocity, a gcd-like algorithm that runs in
 *   near-linear time in the size of p, instead of a 2047-bit exponentiation
 *   (hundreds of times slower).  This is the cheap check RFC 7919 §5.1
 *   promises to peers of its safe-prime groups.
 *
 *   Why p - 1 still needs the range check: p - 1 ≡ -1 has order 2, the only
 *   element of order 2.  In a safe-prime group p ≡ 3 (mod 4), so -1 is a
 *   non-residue and the symbol would refuse it too; but the range check
 *   names the real fault (a value outside 2..p-2) with the same error as the
 *   full check, and it is the check that keeps out 1, which *is* a residue
 *   (it is the identity, order 1) and would pass any subgroup test.
 *
 * For a group that is not a safe prime the subgroup of order q is much
 * smaller than the set of residues, so this falls back to the full check. */
glass_err dh_check_public_fast(const dh_group *grp, const mpz_t y)
{
    glass_err err;
    if (grp == NULL)
        return GLASS_ERR_ARG;
    if (!grp->safe_prime)
        return dh_check_public(grp, y);
    /* 1. Range. */
    err = check_range(grp, y);
    if (err != GLASS_OK)
        return err;
    /* 2. Euler's criterion: y^q ≡ (y/p) mod p. */
    if (mpz_legendre(y, grp->p) != 1)
        return GLASS_ERR_DH_PUB_SUBGROUP;
    return GLASS_OK;
}

/* 1 when 1 <= x <= q - 1, decided without a branch on x's limbs (x is the
 * secret exponent): x - q borrows exactly when x < q (mpn_sub_n runs the
 * same carry chain whatever the values), and x is non-zero when some limb
 * is.  Only the one-bit answer is released. */
static int dh_private_in_range(const mpz_t x, const mpz_t q)
{
    mp_size_t nq = (mp_size_t)mpz_size(q), nx = (mp_size_t)mpz_size(x);
    if (mpz_sgn(x) <= 0 || nx > nq)
        return 0;
    mp_limb_t *t = calloc(2 * (size_t)nq, sizeof *t);
    if (t == NULL)
        return 0;
    const mp_limb_t *xs = mpz_limbs_read(x);
    mp_limb_t nonzero = 0;
    for (mp_size_t i = 0; i < nx; i++) {
        t[i] = xs[i];
        nonzero |= xs[i];
    }
    mp_limb_t borrow = mpn_sub_n(t + nq, t, mpz_limbs_read(q), nq);
    int ok = (int)(borrow & (mp_limb_t)((nonzero | (0 - nonzero)) >> (GMP_NUMB_BITS - 1)));
    glass_wipe(t, 2 * (size_t)nq * sizeof *t);
    free(t);
    glass_ct_declassify(&ok, sizeof ok);
    return ok;
}

/* r[0..n) = b^e mod m, n = mpz_size(m), by bn_sec_powm (bn/bn.h: GMP's
 * mpn_sec_powm, or our AVX2 Montgomery code with its contract): the same
 * sequence of operations and memory accesses for every exponent of enb bits
 * (e is copied into an array of exactly that many bits, zero-extended, so
 * its own length does not show).  b is public (reduced mod m here); e is
 * secret.  m odd.  Every scratch limb is wiped before it is freed.  CT: yes
 * for e (checked by make ctgrind). */
static glass_err dh_powm_sec(mp_limb_t *r, const mpz_t b, const mpz_t e, mp_bitcnt_t enb,
                             const mpz_t m)
{
    mp_size_t n = (mp_size_t)mpz_size(m);
    mp_size_t en = (mp_size_t)((enb + GMP_NUMB_BITS - 1) / GMP_NUMB_BITS);
    mp_size_t e_used = (mp_size_t)mpz_size(e);
    if (e_used > en)
        e_used = en;                    /* the limbs above enb bits are zero */
    mp_size_t itch = bn_sec_powm_itch(n, enb, n);
    mp_limb_t *bp = calloc((size_t)(n + en + itch), sizeof(mp_limb_t));
    if (bp == NULL)
        return GLASS_ERR_NOMEM;
    mp_limb_t *ep = bp + n;
    mp_limb_t *tp = ep + en;
    mpz_t breduced;
    mpz_init(breduced);
    mpz_mod(breduced, b, m);
    mpz_export(bp, NULL, -1, sizeof(mp_limb_t), 0, 0, breduced);
    mpz_clear(breduced);
    /* The exponent's limbs, the unused high ones left zero. */
    const mp_limb_t *xs = mpz_limbs_read(e);
    for (mp_size_t i = 0; i < e_used; i++)
        ep[i] = xs[i];
    bn_sec_powm(r, bp, n, ep, enb, mpz_limbs_read(m), n, tp);
    glass_wipe(bp, (size_t)(n + en + itch) * sizeof(mp_limb_t));
    free(bp);
    return GLASS_OK;
}

/* How many bits of x the exponentiation reads: the group's private-key size
 * N (x_bits) when x < 2^N, as every key dh_generate makes is; else all of
 * x's limbs (a key from elsewhere).  Whether x fits is decided over its
 * limbs without a branch and only that bit is released; N and the limb
 * count are public. */
static mp_bitcnt_t dh_exponent_bits(const dh_group *grp, const mpz_t x)
{
    size_t n = mpz_size(x), N = grp->x_bits;
    const mp_limb_t *xs = mpz_limbs_read(x);
    mp_limb_t above = 0;                /* the bits of x at N and beyond */
    for (size_t i = 0; i < n; i++) {
        size_t lo = i * GMP_NUMB_BITS;
        mp_limb_t keep = lo >= N ? 0 : (N - lo >= GMP_NUMB_BITS ? ~(mp_limb_t)0
                                                                : ((mp_limb_t)1 << (N - lo)) - 1);
        above |= xs[i] & ~keep;
    }
    int fits = above == 0;
    glass_ct_declassify(&fits, sizeof fits);
    return fits ? (mp_bitcnt_t)N : (mp_bitcnt_t)(n * GMP_NUMB_BITS);
}

/* See dh.h.  SP 800-56A Rev. 3 §5.7.1.1, the FFC DH primitive:
 *
 *   1. z = y_peer^x mod p
 *   2. if z = 1, output an error
 *   3. Z = z as a byte string of exactly ceil(|p| / 8) bytes (the
 *      integer-to-byte-string conversion of Appendix C.1, leading zero
 *      bytes kept)
 *
 * preceded by validation of y_peer (§5.6.2.3.1; the Legendre form for safe
 * primes, the full exponentiation otherwise).
 *
 * Why the length is fixed: the KDFs of SP 800-56C hash Z as given, so both
 * parties must agree on its exact bytes, and a fixed length is the one
 * encoding that never depends on the secret.  A Z whose length varies with
 * its value makes every later step (the hash, the PRF) take a different
 * time for about 1 in 256 secrets — the leak the Raccoon attack exploits in
 * TLS 1.2 (see dh_strip_leading_zeros). */
glass_err dh_compute_shared(const dh_group *grp, const dh_keypair *kp, const mpz_t peer_y,
                            uint8_t *out, size_t out_len)
{
    glass_err err;
    if (grp == NULL || kp == NULL || out == NULL)
        return GLASS_ERR_ARG;
    if (out_len < grp->p_len)
        return GLASS_ERR_BUFFER_TOO_SMALL;
    /* mpn_sec_powm needs x > 0; a valid private key is in [1, q-1]. */
    if (!dh_private_in_range(kp->x, grp->q))
        return GLASS_ERR_ARG;

    /* 0. Validate the peer's public key. */
    err = dh_check_public_fast(grp, peer_y);
    if (err != GLASS_OK)
        return err;

    /* 1. z = y_peer^x mod p, with GMP's side-channel-silent mpn_sec_powm on
     *    fixed-size limb arrays (dh_powm_sec): the exponent is read as the
     *    group's private-key size N whatever x's own length (so a 225-bit
     *    key costs 225 squarings, not |q|), and z is never normalised. */
    mp_size_t n = (mp_size_t)mpz_size(grp->p);
    mp_limb_t *z = calloc((size_t)n, sizeof *z);
    if (z == NULL)
        return GLASS_ERR_NOMEM;
    err = dh_powm_sec(z, peer_y, kp->x, dh_exponent_bits(grp, kp->x), grp->p);
    if (err != GLASS_OK)
        goto cleanup;
    /* 2. z = 1 is refused (cannot happen after validation with x in
     *    [1, q-1], but the standard asks for the check, and it guards
     *    against a faulty exponentiation).  Every limb is looked at; only
     *    the one-bit answer decides the branch. */
    mp_limb_t diff = z[0] ^ 1;
    for (mp_size_t i = 1; i < n; i++)
        diff |= z[i];
    int is_one = diff == 0;
    glass_ct_declassify(&is_one, sizeof is_one);
    if (is_one) {
        err = GLASS_ERR_DH_SHARED_ONE;
        goto cleanup;
    }
    /* 3. Big-endian, left-padded with zeros to p_len bytes:
     *      Z = 00 .. 00 || z   (p_len bytes in all)
     *    byte k from the end is byte k % 8 of limb k / 8: fixed positions. */
    for (size_t k = 0; k < grp->p_len; k++)
        out[grp->p_len - 1 - k] =
            (uint8_t)(z[k / sizeof(mp_limb_t)] >> (8 * (k % sizeof(mp_limb_t))));
    err = GLASS_OK;

cleanup:
    glass_wipe(z, (size_t)n * sizeof *z);
    free(z);
    return err;
}

/* See dh.h.  RFC 5246 §8.1.2: "Leading bytes of Z that contain all zero bits
 * are stripped before it is used as the pre_master_secret."
 *
 * TLS 1.2 (and SSL 3.0 before it) wants this form, so interoperating with a
 * real TLS 1.2 peer needs it — but it is a known weakness: the stripped
 * secret is then hashed by the PRF, and HMAC hashes a key longer than the
 * block size first, so a Z with a leading zero byte takes measurably less
 * time.  The Raccoon attack (Merget et al., 2020) uses exactly that timing
 * difference to learn whether the top byte of g^(xy) is zero and, with many
 * sessions against a reused DH key, solves a hidden-number problem for the
 * secret.  TLS 1.3 (RFC 8446 §7.4.1) keeps Z at full length, as SP 800-56A
 * does; dh_compute_shared returns that form, and only the TLS 1.2 profile
 * should call this function.
 *
 * CT: no (the loop stops at the first non-zero byte); that is the point. */
size_t dh_strip_leading_zeros(uint8_t *z, size_t len)
{
    size_t i = 0;
    if (z == NULL)
        return 0;
    while (i < len && z[i] == 0)
        i++;
    if (i > 0 && i < len)
        memmove(z, z + i, len - i);
    if (i > 0)
        memset(z + (len - i), 0, i);  /* do not leave a copy behind */
    return len - i;
}
