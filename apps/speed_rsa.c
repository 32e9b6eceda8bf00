/*
 * speed_rsa.c — `glass speed rsa2048 rsa3072 rsa4096` and
 * `glass speed rsa-keygen2048 rsa-keygen3072 rsa-keygen4096`.
 *
 * Signing and verifying are RSASSA-PKCS1-v1_5 over a SHA-256 digest (the
 * digest is fixed, so the hash is not measured), printed in the layout of
 * `openssl speed rsa2048`:
 *
 *                       sign    verify    sign/s verify/s
 *     rsa 2048 bits 0.000612s 0.000017s   1634.0  58823.5
 *
 * Beside signing, the floor of the arithmetic: two bare mpn_sec_powm calls
 * (GMP's constant-time exponentiation, which the private operation runs on
 * the CRT halves) with the key's p, q, dP, dQ and nothing else, so "glass at
 * 0.95 of the floor" says what our own steps cost (blinding, reductions,
 * Garner's recombination, the fault check, the padding).  The floor stays
 * GMP's even where glass runs its own AVX2 exponentiation (bn/bn.h); the
 * line after it names the path glass took (GLASS_BN_IMPL=gmp forces GMP's).
 *
 * Key generation time varies a lot from key to key (it depends on how far
 * the first prime lies from a random start), so it is reported as the median
 * of several runs, with the minimum and maximum:
 *
 *     rsa-keygen 2048 bits: median 0.0712s over 15 runs (min 0.0205s, max 0.2101s),
 *         CPU time; wall median 0.0730s
 *
 * Time is the process's CPU time (CLOCK_PROCESS_CPUTIME_ID), not the wall
 * clock: `openssl speed` divides by user CPU time unless given -elapsed, so
 * this is the like-for-like figure, and it does not move when other
 * programs load the machine.  Key generation also prints the wall-clock
 * median, to set beside separate `openssl genpkey` processes.
 */
#include "apps.h"
#include "bn/bn.h"
#include "rsa/rsa.h"
#include "speed.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *const names[] = {
    "rsa2048", "rsa3072", "rsa4096",
    "rsa-keygen2048", "rsa-keygen3072", "rsa-keygen4096", NULL
};

struct sign_arg {
    rsa_private_key *key;
    rsa_public_key *pub;
    uint8_t digest[32];
    uint8_t sig[RSA_MAX_BITS / 8];
    int failed;
};

static void do_sign(void *p)
{
    struct sign_arg *a = p;
    if (rsa_pkcs1v15_sign_digest(a->key, a->digest, a->sig) != GLASS_OK)
        a->failed = 1;
}

static void do_verify(void *p)
{
    struct sign_arg *a = p;
    if (rsa_pkcs1v15_verify_digest(a->pub, a->digest, a->sig, a->pub->k) != GLASS_OK)
        a->failed = 1;
}

/* CPU seconds used by this process so far (key generation's timer). */
static double cpu_now(void)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts) != 0)
        return speed_now();
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int cmp_double(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;
    return (a > b) - (a < b);
}

static double median_of(double *t, size_t n)
{
    qsort(t, n, sizeof t[0], cmp_double);
    return n % 2 ? t[n / 2] : (t[n / 2 - 1] + t[n / 2]) / 2;
}

static int run_keygen(unsigned bits, double seconds)
{
    enum { MIN_RUNS = 5, MAX_RUNS = 201 };
    double cpu[MAX_RUNS], wall[MAX_RUNS];
    size_t n = 0;
    double start = cpu_now();
    rsa_private_key key;
    rsa_private_init(&key);
    while (n < MAX_RUNS && (n < MIN_RUNS || cpu_now() - start < seconds)) {
        double c0 = cpu_now(), w0 = speed_now();
        glass_err err = rsa_generate(&key, bits, RSA_DEFAULT_E);
        wall[n] = speed_now() - w0;
        cpu[n] = cpu_now() - c0;
        n++;
        if (err != GLASS_OK) {
            rsa_private_clear(&key);
            return app_error("speed", "rsa-keygen%u: %s", bits, glass_strerror(err));
        }
    }
    rsa_private_clear(&key);
    double wall_median = median_of(wall, n);
    double median = median_of(cpu, n);
    printf("rsa-keygen %u bits: median %.4fs over %zu runs (min %.4fs, max %.4fs), CPU time;"
           " wall median %.4fs\n",
           bits, median, n, cpu[0], cpu[n - 1], wall_median);
    return 0;
}

/* The floor: m1 = b^dP mod p and m2 = b^dQ mod q by mpn_sec_powm alone. */
struct rsa_floor {
    mp_limb_t *r, *bp, *bq, *p, *q, *dp, *dq, *tp;
    mp_size_t np, nq;
};

static void one_floor(void *arg)
{
    struct rsa_floor *f = arg;
    mpn_sec_powm(f->r, f->bp, f->np, f->dp, (mp_bitcnt_t)f->np * GMP_NUMB_BITS, f->p, f->np,
                 f->tp);
    mpn_sec_powm(f->r, f->bq, f->nq, f->dq, (mp_bitcnt_t)f->nq * GMP_NUMB_BITS, f->q, f->nq,
                 f->tp);
}

/* Signatures per CPU second of the floor for this key. */
static double floor_ops(const rsa_private_key *key, double seconds)
{
    struct rsa_floor f;
    f.np = (mp_size_t)mpz_size(key->p);
    f.nq = (mp_size_t)mpz_size(key->q);
    mp_size_t big = f.np > f.nq ? f.np : f.nq;
    mp_size_t itch = mpn_sec_powm_itch(big, (mp_bitcnt_t)big * GMP_NUMB_BITS, big);
    size_t total = (size_t)(7 * big + itch);
    mp_limb_t *all = calloc(total, sizeof *all);
    if (all == NULL)
        return 0;
    f.r = all;
    f.bp = all + big;
    f.bq = all + 2 * big;
    f.p = all + 3 * big;
    f.q = all + 4 * big;
    f.dp = all + 5 * big;
    f.dq = all + 6 * big;
    f.tp = all + 7 * big;
    mpz_export(f.p, NULL, -1, sizeof *all, 0, 0, key->p);
    mpz_export(f.q, NULL, -1, sizeof *all, 0, 0, key->q);
    mpz_export(f.dp, NULL, -1, sizeof *all, 0, 0, key->dP);
    mpz_export(f.dq, NULL, -1, sizeof *all, 0, 0, key->dQ);
    for (mp_size_t i = 0; i + 1 < big; i++) {     /* some base below p and q */
        f.bp[i] = 0x5c5c5c5c5c5c5c5cull + (mp_limb_t)i;
        f.bq[i] = 0x3a3a3a3a3a3a3a3aull + (mp_limb_t)i;
    }
    double ops = speed_cpu_ops_per_sec(seconds, one_floor, &f);
    glass_wipe(all, total * sizeof *all);
    free(all);
    return ops;
}

static int run_sign_verify(unsigned bits, double seconds)
{
    static int header_done = 0;
    int status = 0;
    struct sign_arg *a = calloc(1, sizeof *a);
    rsa_private_key key;
    rsa_public_key pub;
    if (a == NULL)
        return app_error("speed", "out of memory");
    rsa_private_init(&key);
    rsa_public_init(&pub);
    glass_err err = rsa_generate(&key, bits, RSA_DEFAULT_E);
    if (err != GLASS_OK) {
        status = app_error("speed", "rsa%u: %s", bits, glass_strerror(err));
        goto cleanup;
    }
    rsa_public_from_private(&pub, &key);
    a->key = &key;
    a->pub = &pub;
    memset(a->digest, 0x5c, sizeof a->digest);
    double sign = speed_cpu_ops_per_sec(seconds, do_sign, a);
    double verify = speed_cpu_ops_per_sec(seconds, do_verify, a);
    if (a->failed) {
        status = app_error("speed", "rsa%u: a signature failed", bits);
        goto cleanup;
    }
    if (!header_done) {
        printf("                  sign    verify    sign/s verify/s\n");
        header_done = 1;
    }
    printf("rsa %4u bits %8.6fs %8.6fs %8.1f %8.1f\n", bits, 1.0 / sign, 1.0 / verify, sign,
           verify);
    double floor = floor_ops(&key, seconds);
    if (floor > 0)
        printf("    floor rsa %u bits: two mpn_sec_powm %.1f sign/s; glass at %.2f of the floor\n",
               bits, floor, sign / floor);
    mp_size_t np = (mp_size_t)mpz_size(key.p);
    printf("    glass's exponentiation path (bn_sec_powm, %u-bit halves): %s\n",
           (unsigned)(np * GMP_NUMB_BITS), bn_sec_powm_path(np));
cleanup:
    rsa_private_clear(&key);
    rsa_public_clear(&pub);
    free(a);
    return status;
}

static int run(const char *name, double seconds)
{
    unsigned bits = 0;
    if (sscanf(name, "rsa-keygen%u", &bits) == 1)
        return run_keygen(bits, seconds);
    if (sscanf(name, "rsa%u", &bits) == 1)
        return run_sign_verify(bits, seconds);
    return app_error("speed", "unknown RSA benchmark '%s'", name);
}

const struct speed_family speed_rsa = {"rsa", names, run};
