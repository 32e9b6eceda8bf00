/*
 * lab_dh.c — lab 4: Diffie–Hellman without authentication falls to a man in
 * the middle; a signature on the server's value stops it; and public values
 * that must be refused.  Lab build only.
 *
 *   dh-mitm     Alice and Bob run ffdhe2048 (RFC 7919) over a channel that
 *               Mallory controls.  Unsigned, Mallory swaps both public values
 *               for her own, ends up with one key shared with each side, and
 *               reads and re-encrypts what Alice sends.  With --signed, Bob
 *               signs client_random || server_random || g^b with his RSA key
 *               (what glass's ServerKeyExchange does); Alice, who knows Bob's
 *               public key from his certificate, sees the swap and stops.
 *   dh-invalid  what y^x mod p is for y = 0, 1, p-1, p, p+1 and why
 *               SP 800-56A §5.6.2.3.1 refuses each of them (dh_check_public).
 *
 * Keys come from the DH values through SHA-256 here (a stand-in for the
 * TLS PRF, kept short on purpose).  CT: not relevant — attack demonstration.
 */
#include "classroom/lab_common.h"
#include "io/opt.h"

#ifdef GLASS_LAB_BUILD

#include "aes/aes.h"
#include "dh/dh.h"
#include "rsa/rsa.h"
#include "sha/sha256.h"

#include <gmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* key = SHA-256(Z) for a p_len-byte Z. */
static void key_from(const dh_group *G, const dh_keypair *me, const mpz_t peer, uint8_t key[32],
                     int *ok)
{
    uint8_t Z[512];
    *ok = G->p_len <= sizeof Z && dh_compute_shared(G, me, peer, Z, G->p_len) == GLASS_OK;
    if (*ok)
        sha256(Z, G->p_len, key);
    glass_wipe(Z, sizeof Z);
}

static void short_hex(const char *label, const mpz_t v)
{
    char *h = mpz_get_str(NULL, 16, v);
    if (h == NULL)
        return;
    size_t n = strlen(h);
    printf("%s: %.16s...%s (%zu bits)\n", label, h, n > 16 ? h + n - 8 : "", mpz_sizeinbase(v, 2));
    free(h);
}

/* Alice encrypts a message under her key; Mallory decrypts it with her key
 * for Alice, reads it, and re-encrypts it under her key for Bob.  0, or 1
 * after saying what failed. */
static int mitm_reads(const char *cmd, const uint8_t kA[32], const uint8_t kMA[32],
                      const uint8_t kMB[32])
{
    static const char msg[] = "the vault code is 4711";
    uint8_t iv[16] = {0}, c1[64], c2[64], p[64];
    size_t c1l = 0, c2l = 0, pl = 0;
    aes256_ctx ka, km, kb;
    if (aes256_init(&ka, kA, 32) != GLASS_OK || aes256_init(&km, kMA, 32) != GLASS_OK ||
        aes256_init(&kb, kMB, 32) != GLASS_OK ||
        aes256_cbc_encrypt_pkcs7(&ka, iv, (const uint8_t *)msg, sizeof msg - 1, c1, sizeof c1,
                                 &c1l) != GLASS_OK ||
        aes256_cbc_decrypt_pkcs7(&km, iv, c1, c1l, p, sizeof p, &pl) != GLASS_OK ||
        aes256_cbc_encrypt_pkcs7(&kb, iv, p, pl, c2, sizeof c2, &c2l) != GLASS_OK) {
        aes256_clear(&ka);
        aes256_clear(&km);
        aes256_clear(&kb);
        return io_error(cmd, "encryption failed");
    }
    aes256_clear(&ka);
    aes256_clear(&km);
    aes256_clear(&kb);
    printf("Alice sends AES-256-CBC(her key, \"%s\")\n", msg);
    printf("Mallory decrypts it with her key for Alice and reads: \"%.*s\"\n", (int)pl,
           (const char *)p);
    printf("Mallory re-encrypts it under her key for Bob; Bob decrypts and suspects nothing\n");
    glass_wipe(p, sizeof p);
    return 0;
}

struct dh_mitm_args {
    const char *ts;
    int sign;
};

/* The options of `glass lab dh-mitm`: one table, which also prints --help.
 * Returns OPT_RUN, or the exit status (io/opt.h). */
static int parse_dh_mitm(int argc, char **argv, struct dh_mitm_args *a)
{
    memset(a, 0, sizeof *a);
    const opt opts[] = {
        OPTION_FLAG("--signed", NULL,
                    "Bob signs his public value (as ServerKeyExchange does)", &a->sign),
        OPTION_STRING("--seed", NULL, "N", "same keys and bytes on every run (default 1)", &a->ts),
        OPTION_END,
    };
    const opt_command spec = {
        .name = "lab dh-mitm",
        .synopsis = "[--signed] [--seed N]",
        .about = "Alice and Bob agree on a key with ffdhe2048 while Mallory sits between them.\n"
                 "Unsigned (the default), Mallory replaces both public values with her own and\n"
                 "reads Alice's message (exit 0: the attack worked).  With --signed, Bob signs\n"
                 "his public value with his certificate key, as glass's ServerKeyExchange does,\n"
                 "and Alice detects the swap (exit 1: the attack failed).\n",
        .opts = opts,
        .example = "  glass lab dh-mitm\n"
                   "  glass lab dh-mitm --signed\n",
        .max_operands = 0,
    };
    opt_operands rest;
    return opt_parse(&spec, argc, argv, &rest);
}

/* See lab_common.h. */
int lab_dh_mitm(int argc, char **argv)
{
    const char *cmd = "lab dh-mitm";
    struct dh_mitm_args args;
    int st = parse_dh_mitm(argc, argv, &args);
    if (st != OPT_RUN)
        return st;
    const char *ts = args.ts;
    int sign = args.sign;
    int attack_worked = 0;
    unsigned long seed = 1;
    if (ts != NULL && io_uint_arg(cmd, "--seed", ts, 0, 0xffffffffUL, &seed))
        return 1;
    glass_random_seed(seed);
    if (!sign)
        io_insecure_banner("Diffie-Hellman without authentication");
    const dh_group *G = dh_group_by_name("ffdhe2048");
    if (G == NULL)
        return io_error(cmd, "group ffdhe2048 unavailable");
    dh_keypair a, b, m1, m2;
    dh_keypair_init(&a);
    dh_keypair_init(&b);
    dh_keypair_init(&m1);
    dh_keypair_init(&m2);
    rsa_private_key bob;
    rsa_public_key bob_pub;
    rsa_private_init(&bob);
    rsa_public_init(&bob_pub);
    uint8_t *signed_data = NULL, *sig = NULL;
    uint8_t kA[32], kB[32], kMA[32], kMB[32], nonce[64];
    int ok1, ok2, ok3, ok4;
    if (dh_generate(G, &a) != GLASS_OK || dh_generate(G, &b) != GLASS_OK ||
        dh_generate(G, &m1) != GLASS_OK || dh_generate(G, &m2) != GLASS_OK ||
        glass_random(nonce, sizeof nonce) != GLASS_OK) {
        io_error(cmd, "key generation failed");
        goto cleanup;
    }
    printf("group ffdhe2048 (RFC 7919): p is 2048 bits, g = 2\n");
    short_hex("Alice sends    g^a", a.y);
    short_hex("Mallory swaps  it for g^m1", m1.y);
    short_hex("Bob sends      g^b", b.y);
    short_hex("Mallory swaps  it for g^m2", m2.y);

    if (sign) {
        /* Bob signs client_random || server_random || g^b: the swap of g^b
         * for g^m2 needs a new signature that only Bob can make. */
        if (rsa_generate(&bob, 2048, RSA_DEFAULT_E) != GLASS_OK) {
            io_error(cmd, "RSA key generation failed");
            goto cleanup;
        }
        rsa_public_from_private(&bob_pub, &bob);
        signed_data = calloc(1, 64 + G->p_len);
        sig = malloc(bob.k);
        if (signed_data == NULL || sig == NULL)
            goto cleanup;
        memcpy(signed_data, nonce, 64);
        size_t yl = (mpz_sizeinbase(b.y, 2) + 7) / 8;
        mpz_export(signed_data + 64 + G->p_len - yl, NULL, 1, 1, 1, 0, b.y);
        if (rsa_pkcs1v15_sign(&bob, signed_data, 64 + G->p_len, sig) != GLASS_OK)
            goto cleanup;
        printf("Bob signs randoms || g^b with his certificate key (RSASSA-PKCS1-v1_5)\n");
        /* Mallory forwards Bob's signature with her g^m2 (she has nothing better). */
        memset(signed_data + 64, 0, G->p_len);
        yl = (mpz_sizeinbase(m2.y, 2) + 7) / 8;
        mpz_export(signed_data + 64 + G->p_len - yl, NULL, 1, 1, 1, 0, m2.y);
        glass_err e = rsa_pkcs1v15_verify(&bob_pub, signed_data, 64 + G->p_len, sig, bob.k);
        printf("Alice verifies the signature over randoms || (the value she received): %s\n",
               e == GLASS_OK ? "valid" : glass_strerror(e));
        if (e != GLASS_OK) {
            printf("Alice aborts the handshake (glass: decrypt_error alert): Mallory learns "
                   "nothing\n");
            printf("result: attack failed: the signed key exchange stopped the man in the "
                   "middle\n");
            goto cleanup;
        }
    }
    /* Each side computes its key with the value it received. */
    key_from(G, &a, m2.y, kA, &ok1);    /* Alice: (g^m2)^a */
    key_from(G, &m2, a.y, kMA, &ok2);   /* Mallory: (g^a)^m2 */
    key_from(G, &b, m1.y, kB, &ok3);    /* Bob: (g^m1)^b */
    key_from(G, &m1, b.y, kMB, &ok4);   /* Mallory: (g^b)^m1 */
    if (!(ok1 && ok2 && ok3 && ok4)) {
        io_error(cmd, "dh_compute_shared failed");
        goto cleanup;
    }
    lab_print_hex("Alice's key   SHA-256(g^(a m2))", kA, 32);
    lab_print_hex("Mallory's key with Alice      ", kMA, 32);
    lab_print_hex("Bob's key     SHA-256(g^(b m1))", kB, 32);
    lab_print_hex("Mallory's key with Bob        ", kMB, 32);
    printf("Alice and Bob hold different keys, each shared with Mallory: %s\n",
           memcmp(kA, kMA, 32) == 0 && memcmp(kB, kMB, 32) == 0 && memcmp(kA, kB, 32) != 0
               ? "yes"
               : "no");
    /* Alice encrypts a message; Mallory decrypts, reads, re-encrypts for Bob. */
    if (mitm_reads(cmd, kA, kMA, kMB) != 0)
        goto cleanup;
    printf("result: attack worked: unauthenticated Diffie-Hellman gives Mallory everything\n");
    attack_worked = 1;

cleanup:
    glass_wipe(kA, sizeof kA);
    glass_wipe(kB, sizeof kB);
    glass_wipe(kMA, sizeof kMA);
    glass_wipe(kMB, sizeof kMB);
    free(signed_data);
    free(sig);
    dh_keypair_clear(&a);
    dh_keypair_clear(&b);
    dh_keypair_clear(&m1);
    dh_keypair_clear(&m2);
    rsa_private_clear(&bob);
    rsa_public_clear(&bob_pub);
    return attack_worked ? 0 : 1;
}

/* See lab_common.h. */
int lab_dh_invalid(int argc, char **argv)
{
    const char *cmd = "lab dh-invalid";
    const char *ts = NULL;
    const opt opts[] = {
        OPTION_STRING("--seed", NULL, "N", "same secret x on every run", &ts),
        OPTION_END,
    };
    const opt_command spec = {
        .name = "lab dh-invalid",
        .synopsis = "[--seed N]",
        .about = "For the public values y = 0, 1, p-1, p and p+1 of group ffdhe2048, shows the\n"
                 "shared secret y^x mod p a careless peer would compute with its secret x, and\n"
                 "the error dh_check_public (SP 800-56A §5.6.2.3.1) answers instead.\n",
        .opts = opts,
        .example = "  glass lab dh-invalid\n",
        .max_operands = 0,
    };
    opt_operands rest;
    int st = opt_parse(&spec, argc, argv, &rest);
    if (st != OPT_RUN)
        return st;
    unsigned long seed = 1;
    if (ts != NULL && io_uint_arg(cmd, "--seed", ts, 0, 0xffffffffUL, &seed))
        return 1;
    glass_random_seed(seed);
    const dh_group *G = dh_group_by_name("ffdhe2048");
    if (G == NULL)
        return io_error(cmd, "group ffdhe2048 unavailable");
    dh_keypair me;
    dh_keypair_init(&me);
    if (dh_generate(G, &me) != GLASS_OK) {
        dh_keypair_clear(&me);
        return io_error(cmd, "key generation failed");
    }
    static const struct {
        const char *name;
        long add;       /* y = (0 or p) + add */
        int from_p;
        const char *why;
    } cases[] = {
        {"0", 0, 0, "Z = 0 whatever x is: the attacker knows the key"},
        {"1", 1, 0, "Z = 1 whatever x is: the attacker knows the key"},
        {"p-1", -1, 1, "Z = 1 or p-1: two possible keys, and which one tells x mod 2"},
        {"p", 0, 1, "not reduced mod p: the same as 0"},
        {"p+1", 1, 1, "not reduced mod p: the same as 1"},
    };
    mpz_t y, Z;
    mpz_inits(y, Z, NULL);
    printf("your secret x is %zu bits; for each public value a peer might send:\n",
           mpz_sizeinbase(me.x, 2));
    int all_refused = 1;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        if (cases[i].from_p)
            mpz_set(y, G->p);
        else
            mpz_set_ui(y, 0);
        if (cases[i].add >= 0)
            mpz_add_ui(y, y, (unsigned long)cases[i].add);
        else
            mpz_sub_ui(y, y, (unsigned long)-cases[i].add);
        mpz_powm(Z, y, me.x, G->p);
        char zs[32];
        mpz_add_ui(Z, Z, 1);
        if (mpz_cmp(Z, G->p) == 0)
            snprintf(zs, sizeof zs, "p-1");
        else if (mpz_sub_ui(Z, Z, 1), mpz_sizeinbase(Z, 16) <= 12)
            gmp_snprintf(zs, sizeof zs, "%Zd", Z);
        else
            snprintf(zs, sizeof zs, "(a large number)");
        glass_err e = dh_check_public(G, y);
        printf("  y = %-4s  y^x mod p = %-4s  -> %s\n", cases[i].name, zs,
               e == GLASS_OK ? "ACCEPTED (bug!)" : glass_strerror(e));
        printf("            %s\n", cases[i].why);
        all_refused &= e != GLASS_OK;
    }
    /* A valid value for comparison. */
    glass_err e = dh_check_public(G, me.y);
    mpz_powm(Z, me.y, G->q, G->p);
    gmp_printf("  a real public value g^x: 2 <= y <= p-2 and y^q mod p = %Zd -> %s\n", Z,
               e == GLASS_OK ? "valid" : glass_strerror(e));
    printf("result: %s\n", all_refused && e == GLASS_OK
                               ? "every invalid value refused, the valid one accepted"
                               : "a check is missing");
    mpz_clears(y, Z, NULL);
    dh_keypair_clear(&me);
    return all_refused && e == GLASS_OK ? 0 : 1;
}

#else
/* The normal build has no lab code; this keeps the file a valid C11 unit. */
typedef int lab_dh_not_in_this_build;
#endif
