/*
 * mpz.c — wiping GMP integers that held secrets (see common.h).
 *
 * A GMP integer (gmp.h's __mpz_struct) is three fields: _mp_alloc, the
 * number of limbs allocated; _mp_size, the number in use (negative for a
 * negative value); _mp_d, the limbs, least significant first.  mpz_clear
 * frees _mp_d without touching it, so whatever the integer ever held stays
 * in freed memory until someone else's malloc reuses it.  And because GMP
 * never shrinks an allocation, the limbs beyond _mp_size may still hold the
 * high part of an earlier, larger value (a secret before a reduction mod
 * p, say): wiping only the mpz_size limbs in use misses them.
 *
 * The documented way to write limbs is mpz_limbs_modify(x, n), which
 * returns a pointer to at least n limbs and reallocates only when fewer
 * than n are allocated; asked for exactly _mp_alloc limbs it therefore
 * hands back the block as it is.  mpz_limbs_finish(x, 0) then records that
 * no limb is in use, so x reads as 0.
 *
 * tests/test_common.c proves it: a GMP allocator installed with
 * mp_set_memory_functions looks at every block GMP frees for the limbs of
 * a secret.
 *
 * CT: yes — the time depends only on _mp_alloc, which is public (it follows
 * the sizes of the numbers, not their values).
 */
#include "common.h"

/* See common.h. */
void glass_mpz_wipe(mpz_t x)
{
    mp_size_t alloc = x->_mp_alloc;
    /* A fresh mpz_init (GMP 6.2) allocates nothing: there is nothing to wipe,
     * and the value is already 0. */
    if (alloc <= 0)
        return;
    mp_limb_t *limbs = mpz_limbs_modify(x, alloc);
    glass_wipe(limbs, (size_t)alloc * sizeof *limbs);
    mpz_limbs_finish(x, 0);
}

/* See common.h. */
void glass_mpz_clear_secret(mpz_t x)
{
    glass_mpz_wipe(x);
    mpz_clear(x);
}
