/*
 * bn_internal.h — what bn_gmp.c (the chooser) and the tests need of the
 * avx2 path, and the switch tests use to force a path.
 */
#ifndef GLASS_BN_INTERNAL_H
#define GLASS_BN_INTERNAL_H

#include <gmp.h>

enum bn_impl { BN_IMPL_AUTO, BN_IMPL_GMP, BN_IMPL_AVX2 };

/* Forces a path for the whole process (tests); BN_IMPL_AUTO gives the
 * choice back to GLASS_BN_IMPL and the CPU. */
void bn_impl_force(enum bn_impl impl);

/* CPUID and XGETBV say AVX2 can run (always 0 off x86-64). */
int bn_avx2_available(void);

/* 1 when the avx2 path is written for an n-limb modulus. */
int bn_avx2_handles(mp_size_t n);

/* 0: 1024-bit moduli take bn_avx2.c's general multiplication instead of
 * bn_avx2_37.c's (tests run both); 1, the default: bn_avx2_37.c's. */
void bn_avx2_use_n37(int on);

/* Scratch limbs of bn_avx2_powm for an n-limb modulus and enb-bit exponent. */
mp_size_t bn_avx2_itch(mp_size_t n, mp_bitcnt_t enb);

/* {rp,n} = {bp,n}^{ep, enb bits} mod {mp,n}, with B < M already, M odd,
 * mp[n-1] != 0, bn_avx2_handles(n) and bn_avx2_available(). */
void bn_avx2_powm(mp_limb_t *rp, const mp_limb_t *bp, const mp_limb_t *ep, mp_bitcnt_t enb,
                  const mp_limb_t *mp, mp_size_t n, mp_limb_t *tp);

/* The same for a public exponent whose top bit (bit enb - 1) is set, by
 * plain square-and-multiply (variable time in E); scratch of
 * bn_avx2_itch(n, 1) limbs. */
void bn_avx2_powm_public(mp_limb_t *rp, const mp_limb_t *bp, const mp_limb_t *ep,
                         mp_bitcnt_t enb, const mp_limb_t *mp, mp_size_t n, mp_limb_t *tp);

#endif
