/*
 * ctgrind.c — constant time, checked by machine: the cases `make ctgrind`
 * runs under valgrind's memcheck (scripts/ctgrind.sh).
 *
 * The idea (Adam Langley's "ctgrind", 2010): memcheck already tracks, bit by
 * bit, which values are "undefined" (never written), and reports every
 * conditional jump and every memory address computed from one.  Mark the
 * secrets undefined (VALGRIND_MAKE_MEM_UNDEFINED, a client request that
 * changes nothing but memcheck's bookkeeping), run the code, and every
 * branch or address that depends on a secret is reported with its stack —
 * exactly the leaks a timing or cache attack measures.  Values the design
 * releases (a MAC verdict, a ciphertext) are marked defined again: by the
 * library at the one place it releases them (glass_ct_declassify, which is
 * live only in this build), and here for the outputs before they are
 * checked.
 *
 *   glass-ctgrind CASE        runs one case; glass-ctgrind lists the default
 *                             ones, glass-ctgrind --all every one
 *
 * Each case also checks its answers (a wrong one exits 2), so a case that
 * "passes" by computing nothing cannot.  The cases named *-leaky run the
 * table-driven and the reference AES: valgrind must report them (the
 * lesson: this is what a cache-timing leak looks like to a machine).
 *
 * Adding a case: write a function that marks its secrets with secret(),
 * calls the code, marks its outputs with public(), checks them, and add it
 * to the table at the end.  record_case shows how for the record layer of
 * both profiles.
 */
#include "aes/aes.h"
#include "aes/aes_internal.h"
#include "bn/bn.h"
#include "bn/bn_internal.h"
#include "dh/dh.h"
#include "hmac/hmac.h"
#include "protocol/protocol_internal.h"
#include "rsa/rsa.h"
#include "sha/sha256.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <valgrind/memcheck.h>

/* p[0..len) is secret from now on / public from now on. */
static void secret(const void *p, size_t len)
{
    (void)VALGRIND_MAKE_MEM_UNDEFINED(p, len);
}

static void public(const void *p, size_t len)
{
    (void)VALGRIND_MAKE_MEM_DEFINED(p, len);
}

static void secret_mpz(const mpz_t x)
{
    secret(mpz_limbs_read(x), mpz_size(x) * sizeof(mp_limb_t));
}

static int failed;

static void check(int ok, const char *what)
{
    if (!ok) {
        fprintf(stderr, "ctgrind: wrong answer: %s\n", what);
        failed = 1;
    }
}

static void fill(uint8_t *p, size_t len, uint8_t seed)
{
    for (size_t i = 0; i < len; i++)
        p[i] = (uint8_t)(seed + 37 * i + (i >> 3));
}

/* ---- AES and GCM over one implementation ----------------------------------- */

/* Every mode over impl with a secret key and secret plaintext; the results
 * are compared with the reference cipher's (computed before any marking). */
static void aes_case(const char *name)
{
    const aes_impl *impl = aes_impl_by_name(name);
    uint8_t key[32], iv[16], msg[200], want[5][208], got[208], tag[16], wtag[16];
    aes256_ctx ref, c;
    uint8_t ctr[16];
    size_t n = 0;
    fill(key, sizeof key, 1);
    fill(iv, sizeof iv, 2);
    fill(msg, sizeof msg, 3);
    aes256_init_impl(&ref, key, 32, aes_impl_by_name("ref"));
    aes256_ecb_encrypt(&ref, msg, 192, want[0]);
    aes256_cbc_encrypt(&ref, iv, msg, 192, want[1]);
    memcpy(ctr, iv, 16);
    aes256_ctr_xor(&ref, ctr, msg, sizeof msg, want[2]);
    aes256_gcm_encrypt(&ref, iv, 12, msg, 20, msg, sizeof msg, want[3], wtag, 16);
    aes256_cbc_encrypt_pkcs7(&ref, iv, msg, 100, want[4], sizeof want[4], &n);

    /* The table-driven ciphers leak in their key schedule already; to show
     * the leak of the cipher itself, their schedule is made from a public
     * key and then marked secret. */
    if (impl->constant_time) {
        secret(key, sizeof key);
    }
    if (aes256_init_impl(&c, key, 32, impl) != GLASS_OK) {
        fprintf(stderr, "ctgrind: %s is not available here\n", name);
        exit(77);
    }
    if (!impl->constant_time) {
        secret(c.w, sizeof c.w);
        secret(c.dw, sizeof c.dw);
    }
    secret(msg, sizeof msg);
    aes256_ecb_encrypt(&c, msg, 192, got);
    public(got, 192);
    check(memcmp(got, want[0], 192) == 0, "ECB");
    aes256_ecb_decrypt(&c, want[0], 192, got);              /* secret out */
    aes256_cbc_encrypt(&c, iv, msg, 192, got);
    public(got, 192);
    check(memcmp(got, want[1], 192) == 0, "CBC encryption");
    aes256_cbc_decrypt(&c, iv, want[1], 192, got);
    memcpy(ctr, iv, 16);
    aes256_ctr_xor(&c, ctr, msg, sizeof msg, got);
    public(got, sizeof msg);
    check(memcmp(got, want[2], sizeof msg) == 0, "CTR");
    aes256_gcm_encrypt(&c, iv, 12, msg, 20, msg, sizeof msg, got, tag, 16);
    public(got, sizeof msg);
    public(tag, 16);
    check(memcmp(got, want[3], sizeof msg) == 0 && memcmp(tag, wtag, 16) == 0, "GCM-AE");
    /* GCM-AD: the tag check's verdict is the one thing released. */
    check(aes256_gcm_decrypt(&c, iv, 12, msg, 20, want[3], sizeof msg, wtag, 16, got) == GLASS_OK,
          "GCM-AD");
    wtag[0] ^= 1;
    check(aes256_gcm_decrypt(&c, iv, 12, msg, 20, want[3], sizeof msg, wtag, 16, got) ==
              GLASS_ERR_AES_TAG, "GCM-AD, forged tag");
    /* CBC with PKCS#7 removed: the padding verdict and length are released. */
    check(aes256_cbc_decrypt_pkcs7(&c, iv, want[4], n, got, sizeof got, &n) == GLASS_OK &&
              n == 100, "CBC-PKCS#7 decryption");
    aes256_clear(&c);
    aes256_clear(&ref);
}

static void case_aes_ct(void) { aes_case("ct"); }
static void case_aes_ct_gf(void) { aes_case("ct-gf"); }
static void case_aes_hw(void) { aes_case("hw"); }
static void case_aes_table_leaky(void) { aes_case("table"); }
static void case_aes_ref_leaky(void) { aes_case("ref"); }

/* ---- GHASH alone ------------------------------------------------------------- */

static void ghash_case(const char *name)
{
    const ghash_impl *m = ghash_impl_by_name(name);
    uint8_t H[16], X[16 * 7], Y[16] = {0}, want[16] = {0};
    ghash_key k;
    if (!ghash_impl_available(m)) {
        fprintf(stderr, "ctgrind: GHASH %s is not available here\n", name);
        exit(77);
    }
    fill(H, sizeof H, 9);
    fill(X, sizeof X, 10);
    for (int b = 0; b < 7; b++) {
        for (int i = 0; i < 16; i++)
            want[i] ^= X[16 * b + i];
        gcm_mult_ref(want, H, want);
    }
    secret(H, sizeof H);
    secret(X, sizeof X);
    m->init(&k, H);
    m->blocks(&k, Y, X, 7);
    public(Y, sizeof Y);
    check(memcmp(Y, want, 16) == 0, "GHASH");
}

static void case_ghash_ct(void) { ghash_case("ct"); }
static void case_ghash_hw(void) { ghash_case("hw"); }

/* ---- padding, compares, MACs --------------------------------------------------- */

/* aes_pkcs7_unpad over every pad byte value 0..255 in a secret block. */
static void case_pkcs7(void)
{
    for (int k = 0; k < 256; k++) {
        uint8_t blk[32];
        size_t n = 0;
        memset(blk, k, sizeof blk);
        secret(blk, sizeof blk);
        glass_err e = aes_pkcs7_unpad(blk, sizeof blk, &n);
        check((e == GLASS_OK) == (k >= 1 && k <= 16), "PKCS#7 verdict");
        check(e != GLASS_OK || n == (size_t)(32 - k), "PKCS#7 length");
    }
}

/* glass_ct_equal on secret MACs, equal and differing at every position. */
static void case_ct_equal(void)
{
    uint8_t a[32], b[32];
    fill(a, sizeof a, 4);
    for (size_t i = 0; i <= sizeof a; i++) {
        memcpy(b, a, sizeof b);
        if (i < sizeof b)
            b[i] ^= 0x40;
        secret(a, sizeof a);
        secret(b, sizeof b);
        check(glass_ct_equal(a, b, sizeof a) == (i == sizeof a), "glass_ct_equal");
    }
}

/* HMAC-SHA256 under a secret key over a secret message (every length up to
 * two blocks), SHA-256 of a secret, and the TLS 1.2 PRF over a secret
 * master secret (what Finished is made of). */
static void case_hmac(void)
{
    uint8_t key[80], msg[130], mac[32], ms[48], vd[12];
    fill(key, sizeof key, 5);
    fill(msg, sizeof msg, 6);
    fill(ms, sizeof ms, 7);
    for (size_t len = 0; len <= sizeof msg; len += 13) {
        secret(key, sizeof key);
        secret(msg, sizeof msg);
        hmac_sha256(key, len % 81, msg, len, mac);
        sha256(msg, len, mac);
    }
    secret(ms, sizeof ms);
    hmac_tls12_prf_sha256(ms, sizeof ms, "client finished", msg, 32, vd, sizeof vd);
    public(vd, sizeof vd);
}

/* ---- RSA and DH ------------------------------------------------------------------- */

#include "rsa_key.inc"

/* RSASP1 with the CRT (RFC 8017 §5.2.1) with every private value secret;
 * the signature is public and checked by verification. */
static void case_rsa_private(void)
{
    rsa_private_key k;
    rsa_public_key pub;
    uint8_t sig[256];
    rsa_private_init(&k);
    mpz_set_str(k.p, RSA_P, 16);
    mpz_set_str(k.q, RSA_Q, 16);
    mpz_set_ui(k.e, 65537);
    mpz_mul(k.n, k.p, k.q);
    mpz_t pm1, qm1, l;
    mpz_inits(pm1, qm1, l, NULL);
    mpz_sub_ui(pm1, k.p, 1);
    mpz_sub_ui(qm1, k.q, 1);
    mpz_lcm(l, pm1, qm1);
    mpz_invert(k.d, k.e, l);
    mpz_clears(pm1, qm1, l, NULL);
    check(rsa_private_set_crt(&k) == GLASS_OK, "CRT values");
    rsa_public_init(&pub);
    rsa_public_from_private(&pub, &k);
    uint8_t warm[256];
    rsa_pkcs1v15_sign(&k, (const uint8_t *)"warm", 4, warm);   /* blinding pair made */
    secret_mpz(k.d);
    secret_mpz(k.p);
    secret_mpz(k.q);
    secret_mpz(k.dP);
    secret_mpz(k.dQ);
    secret_mpz(k.qInv);
    check(rsa_pkcs1v15_sign(&k, (const uint8_t *)"ctgrind", 7, sig) == GLASS_OK, "sign");
    public(sig, sizeof sig);
    check(rsa_pkcs1v15_verify(&pub, (const uint8_t *)"ctgrind", 7, sig, sizeof sig) == GLASS_OK,
          "signature verifies");
    rsa_public_clear(&pub);
    rsa_private_clear(&k);
}

/* Z = y_peer^x mod p (SP 800-56A §5.7.1.1) with x secret. */
static void case_dh_derive(void)
{
    const dh_group *G = dh_group_by_name("ffdhe2048");
    dh_keypair a, b;
    uint8_t Z1[256], Z2[256];
    dh_keypair_init(&a);
    dh_keypair_init(&b);
    check(dh_generate(G, NULL, NULL, &a) == GLASS_OK && dh_generate(G, NULL, NULL, &b) == GLASS_OK,
          "keys");
    check(dh_compute_shared(G, &b, a.y, Z2, sizeof Z2) == GLASS_OK, "Z, other side");
    secret_mpz(a.x);
    check(dh_compute_shared(G, &a, b.y, Z1, sizeof Z1) == GLASS_OK, "Z");
    public(Z1, sizeof Z1);
    check(memcmp(Z1, Z2, sizeof Z1) == 0, "both sides agree");
    dh_keypair_clear(&a);
    dh_keypair_clear(&b);
}

/* bn_sec_powm on one path with the exponent, the base and the modulus all
 * secret (an RSA CRT half: 1024-bit p, 1024-bit dP) and with a DH-sized
 * exponent (2048-bit modulus, 225 bits); the results are made public and
 * checked against mpz_powm on the same values. */
static void bn_case(enum bn_impl impl)
{
    static const struct { mp_size_t n; mp_bitcnt_t enb; } sizes[] = {{16, 1024}, {32, 225}};
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
        mp_size_t n = sizes[k].n, en = (mp_size_t)((sizes[k].enb + 63) / 64);
        mp_limb_t m[32], b[32], e[32], r[32];
        mp_limb_t *tp = malloc((size_t)bn_sec_powm_itch(n, sizes[k].enb, n) * sizeof *tp);
        check(tp != NULL, "scratch");
        if (tp == NULL)
            return;
        fill((uint8_t *)m, sizeof m, (uint8_t)(21 + k));
        fill((uint8_t *)b, sizeof b, (uint8_t)(22 + k));
        fill((uint8_t *)e, sizeof e, (uint8_t)(23 + k));
        m[0] |= 1;
        m[n - 1] |= (mp_limb_t)1 << 63;
        b[n - 1] = 0;                                   /* b < m */
        if (sizes[k].enb % 64)
            e[en - 1] &= ((mp_limb_t)1 << (sizes[k].enb % 64)) - 1;
        mpz_t want, M, B, E;
        mpz_inits(want, M, B, E, NULL);
        mpz_import(M, (size_t)n, -1, sizeof(mp_limb_t), 0, 0, m);
        mpz_import(B, (size_t)n, -1, sizeof(mp_limb_t), 0, 0, b);
        mpz_import(E, (size_t)en, -1, sizeof(mp_limb_t), 0, 0, e);
        mpz_powm(want, B, E, M);
        secret(m, (size_t)n * sizeof *m);
        secret(b, (size_t)n * sizeof *b);
        secret(e, (size_t)en * sizeof *e);
        bn_impl_force(impl);
        bn_sec_powm(r, b, n, e, sizes[k].enb, m, n, tp);
        bn_impl_force(BN_IMPL_AUTO);
        public(r, (size_t)n * sizeof *r);
        mpz_t got;
        mpz_init(got);
        mpz_import(got, (size_t)n, -1, sizeof(mp_limb_t), 0, 0, r);
        check(mpz_cmp(got, want) == 0, "bn_sec_powm");
        mpz_clears(got, want, M, B, E, NULL);
        free(tp);
    }
}

static void case_bn_gmp(void) { bn_case(BN_IMPL_GMP); }

static void case_bn_avx2(void)
{
    if (strcmp(bn_sec_powm_path(16), "avx2") != 0) {
        fprintf(stderr, "no AVX2 on this CPU\n");
        exit(77);
    }
    bn_case(BN_IMPL_AVX2);
}

/* ---- the record layer --------------------------------------------------------- */

/* A deterministic callback for the record IVs (public values). */
static glass_err iv_source(void *arg, uint8_t *buf, size_t len)
{
    (void)arg;
    fill(buf, len, 11);
    return GLASS_OK;
}

/* One record layer (protocol/record.c, record_mte.c) with secret keys and a
 * secret plaintext: seal, then open a good record, one with its last byte
 * flipped (the MAC with encrypt-then-MAC; the padding block with
 * MAC-then-encrypt) and one with a ciphertext byte flipped.  Only the
 * verdicts and an accepted record's length may leave (glass_ct_declassify
 * in the library); any other branch or address on a secret is reported.
 * version 0 is glass's 47 01; etm 0 is TLS 1.2's MAC-then-encrypt. */
static void record_case(uint16_t version, int etm)
{
    uint8_t mac_key[32], enc_key[32], pt[100], out[GLASS_MAX_FRAGMENT];
    glass_direction w, r;
    glass_buf rec = {0};
    size_t n = 0;
    fill(mac_key, sizeof mac_key, 12);
    fill(enc_key, sizeof enc_key, 13);
    fill(pt, sizeof pt, 14);
    memset(&w, 0, sizeof w);
    memset(&r, 0, sizeof r);
    secret(mac_key, sizeof mac_key);
    secret(enc_key, sizeof enc_key);
    check(glass_direction_activate(&w, mac_key, enc_key, etm) == GLASS_OK &&
              glass_direction_activate(&r, mac_key, enc_key, etm) == GLASS_OK, "keys");
    w.version = r.version = version;
    for (size_t len = 1; len <= sizeof pt; len += 33) {
        secret(pt, sizeof pt);
        check(glass_record_seal(&w, GLASS_CT_APPLICATION, pt, len, iv_source, NULL, NULL,
                                &rec) == GLASS_OK && !rec.failed, "seal");
        public(rec.p, rec.len);         /* a record on the wire is public */
        check(glass_record_open(&r, rec.p, rec.len, NULL, out, &n) == GLASS_OK && n == len,
              "open");
        public(out, n);
        public(pt, len);
        check(memcmp(out, pt, len) == 0, "plaintext back");
        r.seq--;                        /* the same record again, forged */
        rec.p[rec.len - 1] ^= 1;
        check(glass_record_open(&r, rec.p, rec.len, NULL, out, &n) == GLASS_ERR_PROTO_BAD_MAC,
              "last byte flipped: refused");
        rec.p[rec.len - 1] ^= 1;
        rec.p[GLASS_RECORD_HEADER_LEN + 20] ^= 1;
        check(glass_record_open(&r, rec.p, rec.len, NULL, out, &n) == GLASS_ERR_PROTO_BAD_MAC,
              "ciphertext byte flipped: refused");
        r.seq++;
        glass_buf_free(&rec);
    }
    glass_direction_clear(&w);
    glass_direction_clear(&r);
}

static void case_record_glass(void) { record_case(0, 1); }
static void case_record_tls12_mte(void) { record_case(GLASS_TLS12_VERSION, 0); }
static void case_record_tls12_etm(void) { record_case(GLASS_TLS12_VERSION, 1); }

/* ---- the table of cases ------------------------------------------------------------- */

/* in_default: 1 for the cases `make ctgrind` runs; 0 for a case that is
 * kept runnable by name while the code it checks is being fixed. */
static const struct {
    const char *name;
    void (*run)(void);
    int in_default;
} cases[] = {
    {"aes-ct", case_aes_ct, 1},
    {"aes-ct-gf", case_aes_ct_gf, 1},
    {"aes-hw", case_aes_hw, 1},
    {"ghash-ct", case_ghash_ct, 1},
    {"ghash-hw", case_ghash_hw, 1},
    {"pkcs7", case_pkcs7, 1},
    {"ct-equal", case_ct_equal, 1},
    {"hmac", case_hmac, 1},
    {"rsa-private", case_rsa_private, 1},
    {"dh-derive", case_dh_derive, 1},
    {"bn-gmp", case_bn_gmp, 1},
    {"bn-avx2", case_bn_avx2, 1},
    {"record-glass", case_record_glass, 1},
    {"record-tls12-mte", case_record_tls12_mte, 1},
    {"record-tls12-etm", case_record_tls12_etm, 1},
    {"aes-table-leaky", case_aes_table_leaky, 1},
    {"aes-ref-leaky", case_aes_ref_leaky, 1},
};

int main(int argc, char **argv)
{
    size_t n = sizeof cases / sizeof cases[0];
    if (argc != 2 || strcmp(argv[1], "--all") == 0) {
        for (size_t i = 0; i < n; i++)
            if (cases[i].in_default || argc == 2)
                printf("%s\n", cases[i].name);
        return 0;
    }
    for (size_t i = 0; i < n; i++)
        if (strcmp(argv[1], cases[i].name) == 0) {
            cases[i].run();
            return failed ? 2 : 0;
        }
    fprintf(stderr, "ctgrind: no case '%s'\n", argv[1]);
    return 2;
}
