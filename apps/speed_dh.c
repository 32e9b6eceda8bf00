/*
 * speed_dh.c — `glass speed ffdh2048 ffdh3072 ffdh4096`.
 *
 * One operation is what `openssl speed ffdhNNNN` (OpenSSL 3) counts: the
 * key derivation with key pairs generated beforehand, i.e. one call of
 * dh_compute_shared — validate the peer's public value (here the Legendre
 * symbol, dh_check_public_fast) and compute Z = y_peer^x mod p with
 * mpz_powm_sec.  Both programs use the RFC 7919 ffdhe groups and the same
 * private-exponent sizes (225, 275 and 325 bits; see dh/groups.c), so the
 * figures compare like with like.
 *
 * Beside it, the floor of the arithmetic: one bare mpn_sec_powm (GMP's
 * constant-time exponentiation, which dh_compute_shared calls) with the same
 * modulus and exponent size, and nothing else — so "glass at 0.95 of the
 * floor" says how much our own steps (the peer check, the copies, the
 * export) cost.  The floor stays GMP's even where glass runs its own AVX2
 * exponentiation (bn/bn.h); the line after it names the path glass took
 * (GLASS_BN_IMPL=gmp forces GMP's).
 *
 * Time is the process's CPU time, as `openssl speed` counts it (user CPU
 * time unless given -elapsed), so a busy machine moves neither figure much.
 *
 * Output, in `openssl speed`'s layout for key agreement:
 *
 *                        op     op/s
 *     2048 bits ffdh   0.0003s   3728.0
 */
#include "bn/bn.h"
#include "dh/dh.h"
#include "speed.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const names[] = {"ffdh2048", "ffdh3072", "ffdh4096", NULL};

struct dh_bench {
    const dh_group *G;
    dh_keypair me, peer;
    uint8_t Z[512];
    glass_err err;
};

static void one_derive(void *arg)
{
    struct dh_bench *b = arg;
    glass_err e = dh_compute_shared(b->G, &b->me, b->peer.y, b->Z, sizeof b->Z);
    if (e != GLASS_OK)
        b->err = e;
}

/* The floor: y^x mod p by one mpn_sec_powm on prepared limbs. */
struct dh_floor {
    mp_limb_t *r, *b, *e, *m, *tp;
    mp_size_t n;
    mp_bitcnt_t enb;
};

static void one_floor(void *arg)
{
    struct dh_floor *f = arg;
    mpn_sec_powm(f->r, f->b, f->n, f->e, f->enb, f->m, f->n, f->tp);
}

/* Operations per second of the floor for b's group and key size. */
static double floor_ops(const struct dh_bench *b, double seconds)
{
    struct dh_floor f;
    f.n = (mp_size_t)mpz_size(b->G->p);
    f.enb = b->G->x_bits;
    mp_size_t en = (mp_size_t)((f.enb + GMP_NUMB_BITS - 1) / GMP_NUMB_BITS);
    mp_size_t itch = mpn_sec_powm_itch(f.n, f.enb, f.n);
    mp_limb_t *all = calloc((size_t)(3 * f.n + en + itch), sizeof *all);
    if (all == NULL)
        return 0;
    f.r = all;
    f.b = all + f.n;
    f.m = all + 2 * f.n;
    f.e = all + 3 * f.n;
    f.tp = f.e + en;
    mpz_export(f.b, NULL, -1, sizeof *all, 0, 0, b->peer.y);
    mpz_export(f.m, NULL, -1, sizeof *all, 0, 0, b->G->p);
    mpz_export(f.e, NULL, -1, sizeof *all, 0, 0, b->me.x);
    double ops = speed_cpu_ops_per_sec(seconds, one_floor, &f);
    glass_wipe(all, (size_t)(3 * f.n + en + itch) * sizeof *all);
    free(all);
    return ops;
}

static int run(const char *name, double seconds)
{
    static int header_done = 0;
    char group[16];
    struct dh_bench b;
    int status = 1;
    if (strncmp(name, "ffdh", 4) != 0 || strlen(name) > 8)
        return 1;
    snprintf(group, sizeof group, "ffdhe%s", name + 4);
    memset(&b, 0, sizeof b);
    b.G = dh_group_by_name(group);
    if (b.G == NULL || b.G->p_len > sizeof b.Z) {
        fprintf(stderr, "glass speed: no group %s\n", group);
        return 1;
    }
    dh_keypair_init(&b.me);
    dh_keypair_init(&b.peer);
    if (dh_generate(b.G, NULL, NULL, &b.me) != GLASS_OK ||
        dh_generate(b.G, NULL, NULL, &b.peer) != GLASS_OK) {
        fprintf(stderr, "glass speed: %s: key generation failed\n", name);
        goto cleanup;
    }
    if (!header_done) {
        printf("                       op     op/s\n");
        header_done = 1;
    }
    double ops = speed_cpu_ops_per_sec(seconds, one_derive, &b);
    if (b.err != GLASS_OK) {
        fprintf(stderr, "glass speed: %s: %s\n", name, glass_strerror(b.err));
        goto cleanup;
    }
    printf("%4u bits ffdh %8.4fs %8.1f\n", (unsigned)(b.G->p_len * 8), 1.0 / ops, ops);
    printf("    (%s, %u-bit private exponent, peer check by Legendre symbol)\n", group,
           b.G->x_bits);
    double floor = floor_ops(&b, seconds);
    if (floor > 0)
        printf("    floor %u bits: one mpn_sec_powm %.1f op/s; glass at %.2f of the floor\n",
               (unsigned)(b.G->p_len * 8), floor, ops / floor);
    printf("    glass's exponentiation path (bn_sec_powm): %s\n",
           bn_sec_powm_path((mp_size_t)((b.G->p_len + sizeof(mp_limb_t) - 1) / sizeof(mp_limb_t))));
    fflush(stdout);
    status = 0;

cleanup:
    glass_wipe(b.Z, sizeof b.Z);
    dh_keypair_clear(&b.me);
    dh_keypair_clear(&b.peer);
    return status;
}

const struct speed_family speed_dh = {"dh", names, run};
