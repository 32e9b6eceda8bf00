/*
 * test_hmac.c — HMAC-SHA256 (FIPS 198-1 / RFC 2104), HKDF (RFC 5869),
 * PBKDF2 (RFC 8018), the TLS 1.2 PRF (RFC 5246 §5) and the secrets made
 * with it: published examples, streaming, properties, and the length
 * limits each standard sets.
 */
#include "testutil.h"
#include "hmac/hmac.h"
#include "hmac/hmac_internal.h"

#include <stdio.h>
#include <string.h>

#define PROPERTY_SEED 19980701u

static void check_hex(const uint8_t *got, size_t len, const char *want_hex)
{
    size_t n = 0;
    uint8_t *want = tu_hex(want_hex, &n);
    CU_ASSERT_EQUAL(n, len);
    CU_ASSERT(n == len && memcmp(got, want, len) == 0);
    if (n != len || memcmp(got, want, len) != 0) {
        char h[2 * 128 + 1];
        glass_hex_encode(h, sizeof h, got, len < 128 ? len : 128);
        fprintf(stderr, "\n  expected %s\n  got      %s\n", want_hex, h);
    }
    free(want);
}

/* ---- HMAC ---------------------------------------------------------------- */

static void test_rfc4231_cases(void)
{
    /* RFC 4231 §4.2-§4.8, HMAC-SHA-256 (case 5 truncated to 128 bits). */
    uint8_t key[131], data[50], mac[32];
    static const char case7[] =
        "This is a test using a larger than block-size key and a larger than block-size data. "
        "The key needs to be hashed before being used by the HMAC algorithm.";

    memset(key, 0x0b, 20);
    hmac_sha256(key, 20, "Hi There", 8, mac);
    check_hex(mac, 32, "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");

    hmac_sha256((const uint8_t *)"Jefe", 4, "what do ya want for nothing?", 28, mac);
    check_hex(mac, 32, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");

    memset(key, 0xaa, 20);
    memset(data, 0xdd, 50);
    hmac_sha256(key, 20, data, 50, mac);
    check_hex(mac, 32, "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe");

    for (int i = 0; i < 25; i++)
        key[i] = (uint8_t)(i + 1);
    memset(data, 0xcd, 50);
    hmac_sha256(key, 25, data, 50, mac);
    check_hex(mac, 32, "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b");

    memset(key, 0x0c, 20);
    hmac_sha256(key, 20, "Test With Truncation", 20, mac);
    check_hex(mac, 16, "a3b6167473100ee06e0c796c2955552b");

    memset(key, 0xaa, 131);
    hmac_sha256(key, 131, "Test Using Larger Than Block-Size Key - Hash Key First", 54, mac);
    check_hex(mac, 32, "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");

    hmac_sha256(key, 131, case7, strlen(case7), mac);
    check_hex(mac, 32, "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2");
}

static void test_nist_hmac_examples(void)
{
    /* NIST's HMAC-SHA256 example values (keylen = blocklen, < blocklen,
     * > blocklen): steps 1-3 of FIPS 198-1 §4 in each of their cases. */
    uint8_t key[100], mac[32];
    for (int i = 0; i < 100; i++)
        key[i] = (uint8_t)i;
    hmac_sha256(key, 64, "Sample message for keylen=blocklen", 34, mac);
    check_hex(mac, 32, "8bb9a1db9806f20df7f77b82138c7914d174d59e13dc4d0169c9057b133e1d62");
    hmac_sha256(key, 32, "Sample message for keylen<blocklen", 34, mac);
    check_hex(mac, 32, "a28cf43130ee696a98f14a37678b56bcfcbdd9e5cf69717fecf5480f0ebdf790");
    hmac_sha256(key, 100, "Sample message for keylen=blocklen", 34, mac);
    check_hex(mac, 32, "bdccb6c72ddeadb500ae768386cb38cc41c63dbb0878ddb9c7a38a431b78378d");
}

static void test_hmac_streaming_every_offset(void)
{
    uint8_t key[70], msg[200], one[32], two[32];
    glass_drbg d;
    glass_drbg_init(&d, PROPERTY_SEED, 1);
    printf("\n  (property seed %u)", PROPERTY_SEED);
    glass_drbg_fill(&d, key, sizeof key);
    glass_drbg_fill(&d, msg, sizeof msg);
    for (size_t klen = 0; klen <= sizeof key; klen += 10) {
        hmac_sha256(key, klen, msg, sizeof msg, one);
        for (size_t i = 0; i <= sizeof msg; i++) {
            hmac_sha256_ctx c;
            hmac_sha256_init(&c, key, klen);
            hmac_sha256_update(&c, msg, i);
            hmac_sha256_update(&c, msg + i, sizeof msg - i);
            hmac_sha256_final(&c, two);
            CU_ASSERT(memcmp(one, two, 32) == 0);
        }
    }
}

static void test_hmac_key_rules(void)
{
    /* FIPS 198-1 §4 steps 1-3: a key longer than B is replaced by H(K); a
     * shorter one is zero-padded, so trailing zero bytes do not change it. */
    uint8_t key[100], hk[32], a[32], b[32], padded[64];
    for (int i = 0; i < 100; i++)
        key[i] = (uint8_t)(3 * i + 1);
    sha256(key, sizeof key, hk);
    hmac_sha256(key, sizeof key, "m", 1, a);
    hmac_sha256(hk, sizeof hk, "m", 1, b);
    CU_ASSERT(memcmp(a, b, 32) == 0);

    memset(padded, 0, sizeof padded);
    memcpy(padded, key, 20);
    hmac_sha256(key, 20, "m", 1, a);
    hmac_sha256(padded, 64, "m", 1, b);
    CU_ASSERT(memcmp(a, b, 32) == 0);

    /* The empty key is the 64-zero-byte key. */
    hmac_sha256(NULL, 0, "m", 1, a);
    memset(padded, 0, sizeof padded);
    hmac_sha256(padded, 64, "m", 1, b);
    CU_ASSERT(memcmp(a, b, 32) == 0);
}

static void test_hmac_context_reuse_and_wipe(void)
{
    /* A context copied after init can MAC many messages (what PBKDF2 and the
     * PRF do); final wipes the context. */
    hmac_sha256_ctx keyed, c;
    uint8_t a[32], b[32];
    const uint8_t zero[sizeof c] = {0};
    hmac_sha256_init(&keyed, (const uint8_t *)"key", 3);
    for (int i = 0; i < 3; i++) {
        c = keyed;
        hmac_sha256_update(&c, "message", 7);
        hmac_sha256_final(&c, a);
        CU_ASSERT(memcmp(&c, zero, sizeof c) == 0);
        hmac_sha256((const uint8_t *)"key", 3, "message", 7, b);
        CU_ASSERT(memcmp(a, b, 32) == 0);
    }
}

/* ---- HKDF ------------------------------------------------------------------ */

static void test_rfc5869_cases(void)
{
    uint8_t ikm[80], salt[80], info[80], prk[32], okm[82];
    /* A.1 */
    memset(ikm, 0x0b, 22);
    for (int i = 0; i < 13; i++)
        salt[i] = (uint8_t)i;
    for (int i = 0; i < 10; i++)
        info[i] = (uint8_t)(0xf0 + i);
    hkdf_sha256_extract(salt, 13, ikm, 22, prk);
    check_hex(prk, 32, "077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5");
    TU_ASSERT_ERR(hkdf_sha256_expand(prk, 32, info, 10, okm, 42), GLASS_OK);
    check_hex(okm, 42, "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf"
                       "34007208d5b887185865");
    /* A.2 */
    for (int i = 0; i < 80; i++) {
        ikm[i] = (uint8_t)i;
        salt[i] = (uint8_t)(0x60 + i);
        info[i] = (uint8_t)(0xb0 + i);
    }
    TU_ASSERT_ERR(hkdf_sha256(salt, 80, ikm, 80, info, 80, okm, 82), GLASS_OK);
    check_hex(okm, 82, "b11e398dc80327a1c8e7f78c596a49344f012eda2d4efad8a050cc4c19afa97c"
                       "59045a99cac7827271cb41c65e590e09da3275600c2f09b8367793a9aca3db71"
                       "cc30c58179ec3e87c14c01d5c1f3434f1d87");
    /* A.3: no salt, no info. */
    memset(ikm, 0x0b, 22);
    hkdf_sha256_extract(NULL, 0, ikm, 22, prk);
    check_hex(prk, 32, "19ef24a32c717b167f33a91d6f648bdf96596776afdb6377ac434c1c293ccb04");
    TU_ASSERT_ERR(hkdf_sha256(NULL, 0, ikm, 22, NULL, 0, okm, 42), GLASS_OK);
    check_hex(okm, 42, "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d"
                       "9d201395faa4b61a96c8");
}

static void test_hkdf_length_limit(void)
{
    /* RFC 5869 §2.3: L <= 255 * HashLen = 8160. */
    static uint8_t okm[255 * 32 + 1];
    uint8_t prk[32] = {1};
    TU_ASSERT_ERR(hkdf_sha256_expand(prk, 32, NULL, 0, okm, 255 * 32), GLASS_OK);
    TU_ASSERT_ERR(hkdf_sha256_expand(prk, 32, NULL, 0, okm, 255 * 32 + 1), GLASS_ERR_KDF_LENGTH);
    TU_ASSERT_ERR(hkdf_sha256(NULL, 0, prk, 32, NULL, 0, okm, 255 * 32 + 1), GLASS_ERR_KDF_LENGTH);
    TU_ASSERT_ERR(hkdf_sha256(NULL, 0, prk, 32, NULL, 0, okm, (size_t)-1), GLASS_ERR_KDF_LENGTH);
}

static void test_hkdf_prefix_property(void)
{
    /* Asking for fewer bytes gives a prefix of the longer output. */
    uint8_t prk[32], longer[200], shorter[200];
    memset(prk, 0x5a, sizeof prk);
    TU_ASSERT_ERR(hkdf_sha256_expand(prk, 32, (const uint8_t *)"ctx", 3, longer, 200), GLASS_OK);
    for (size_t n = 1; n < 200; n += 13) {
        TU_ASSERT_ERR(hkdf_sha256_expand(prk, 32, (const uint8_t *)"ctx", 3, shorter, n),
                      GLASS_OK);
        CU_ASSERT(memcmp(longer, shorter, n) == 0);
    }
}

/* ---- PBKDF2 ---------------------------------------------------------------- */

typedef glass_err (*pbkdf2_fn)(const uint8_t *, size_t, const uint8_t *, size_t, uint32_t,
                               uint8_t *, size_t);

/* The fast PBKDF2 and the reference (RFC 8018 §5.2 as written), on the same
 * vectors. */
static const struct {
    const char *name;
    pbkdf2_fn fn;
} pbkdf2_impls[] = {
    {"fast", pbkdf2_hmac_sha256},
    {"ref", pbkdf2_hmac_sha256_ref},
};

static void test_rfc7914_pbkdf2(void)
{
    for (size_t i = 0; i < sizeof pbkdf2_impls / sizeof pbkdf2_impls[0]; i++) {
        uint8_t dk[64];
        pbkdf2_fn f = pbkdf2_impls[i].fn;
        TU_ASSERT_ERR(f((const uint8_t *)"passwd", 6, (const uint8_t *)"salt", 4, 1, dk, 64),
                      GLASS_OK);
        check_hex(dk, 64, "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc"
                          "49ca9cccf179b645991664b39d77ef317c71b845b1e30bd509112041d3a19783");
        TU_ASSERT_ERR(f((const uint8_t *)"Password", 8, (const uint8_t *)"NaCl", 4, 80000, dk, 64),
                      GLASS_OK);
        check_hex(dk, 64, "4ddcd8f60b98be21830cee5ef22701f9641a4418d04c0414aeff08876b34ab56"
                          "a1d425a1225833549adb841b51c9b3176a272bdebba1d078478f62b397f33c8d");
    }
}

/* The fast one against the reference on random inputs of every shape. */
static void test_pbkdf2_matches_ref(void)
{
    glass_drbg d;
    glass_drbg_init(&d, PROPERTY_SEED, 2);
    for (int round = 0; round < 40; round++) {
        uint8_t P[80], S[40], r[3], a[100], b[100];
        glass_drbg_fill(&d, r, sizeof r);
        size_t P_len = r[0] % sizeof P, S_len = r[1] % sizeof S, dk_len = 1 + r[2] % 100;
        uint32_t c = 1 + (uint32_t)(round % 7);
        glass_drbg_fill(&d, P, sizeof P);
        glass_drbg_fill(&d, S, sizeof S);
        TU_ASSERT_ERR(pbkdf2_hmac_sha256(P, P_len, S, S_len, c, a, dk_len), GLASS_OK);
        TU_ASSERT_ERR(pbkdf2_hmac_sha256_ref(P, P_len, S, S_len, c, b, dk_len), GLASS_OK);
        CU_ASSERT(memcmp(a, b, dk_len) == 0);
    }
}

static void test_pbkdf2_arguments(void)
{
    /* RFC 8018 §5.2: c is a positive integer, dkLen a positive integer. */
    uint8_t dk[32];
    TU_ASSERT_ERR(pbkdf2_hmac_sha256((const uint8_t *)"p", 1, (const uint8_t *)"s", 1, 0, dk, 32),
                  GLASS_ERR_ARG);
    TU_ASSERT_ERR(pbkdf2_hmac_sha256((const uint8_t *)"p", 1, (const uint8_t *)"s", 1, 1, dk, 0),
                  GLASS_ERR_ARG);
    TU_ASSERT_ERR(pbkdf2_hmac_sha256((const uint8_t *)"p", 1, (const uint8_t *)"s", 1, 1, NULL, 32),
                  GLASS_ERR_ARG);
    /* Empty password and empty salt are allowed. */
    TU_ASSERT_ERR(pbkdf2_hmac_sha256(NULL, 0, NULL, 0, 2, dk, 32), GLASS_OK);
}

/* ---- TLS 1.2 PRF ----------------------------------------------------------- */

static void test_tls12_prf_known_answer(void)
{
    /* The widely used TLS 1.2 PRF (SHA-256) test vector: secret, label
     * "test label", seed, 100 bytes of output (checked against OpenSSL's
     * TLS1-PRF as well). */
    uint8_t *secret = tu_hex("9bbe436ba940f017b17652849a71db35", NULL);
    uint8_t *seed = tu_hex("a0ba9f936cda311827a6f796ffd5198c", NULL);
    uint8_t out[100];
    TU_ASSERT_ERR(hmac_tls12_prf_sha256(secret, 16, "test label", seed, 16, out, 100), GLASS_OK);
    check_hex(out, 100, "e3f229ba727be17b8d122620557cd453c2aab21d07c3d495329b52d4e61edb5a"
                        "6b301791e90d35c9c9a46b4e14baf9af0fa022f7077def17abfd3797c0564bab"
                        "4fbc91666e9def9b97fce34f796789baa48082d122ee42c5a72e5a5110fff701"
                        "87347b66");
    /* Any prefix of the output is the output for that length. */
    uint8_t shorter[100];
    for (size_t n = 0; n <= 100; n += 7) {
        TU_ASSERT_ERR(hmac_tls12_prf_sha256(secret, 16, "test label", seed, 16, shorter, n), GLASS_OK);
        CU_ASSERT(n == 0 || memcmp(out, shorter, n) == 0);
    }
    free(secret);
    free(seed);
}

static void test_tls12_secrets_use_the_right_inputs(void)
{
    uint8_t pms[48], cr[32], sr[32], seed[64], ms[48], want[48], kb[104], kbw[104];
    for (int i = 0; i < 48; i++)
        pms[i] = (uint8_t)i;
    memset(cr, 0xc1, 32);
    memset(sr, 0x5e, 32);

    /* RFC 5246 §8.1: "master secret", ClientHello.random + ServerHello.random. */
    memcpy(seed, cr, 32);
    memcpy(seed + 32, sr, 32);
    TU_ASSERT_ERR(hmac_tls12_master_secret(pms, 48, cr, sr, ms), GLASS_OK);
    TU_ASSERT_ERR(hmac_tls12_prf_sha256(pms, 48, "master secret", seed, 64, want, 48), GLASS_OK);
    CU_ASSERT(memcmp(ms, want, 48) == 0);

    /* RFC 5246 §6.3: "key expansion", server_random + client_random. */
    memcpy(seed, sr, 32);
    memcpy(seed + 32, cr, 32);
    TU_ASSERT_ERR(hmac_tls12_key_block(ms, sr, cr, kb, sizeof kb), GLASS_OK);
    TU_ASSERT_ERR(hmac_tls12_prf_sha256(ms, 48, "key expansion", seed, 64, kbw, sizeof kbw), GLASS_OK);
    CU_ASSERT(memcmp(kb, kbw, sizeof kb) == 0);
    /* ... and swapping the randoms gives another key block. */
    TU_ASSERT_ERR(hmac_tls12_key_block(ms, cr, sr, kbw, sizeof kbw), GLASS_OK);
    CU_ASSERT(memcmp(kb, kbw, sizeof kb) != 0);

    /* RFC 7627 §4: "extended master secret", session_hash. */
    uint8_t session_hash[32];
    sha256("handshake messages", 18, session_hash);
    TU_ASSERT_ERR(hmac_tls12_extended_master_secret(pms, 48, session_hash, 32, ms), GLASS_OK);
    TU_ASSERT_ERR(hmac_tls12_prf_sha256(pms, 48, "extended master secret", session_hash, 32, want, 48),
                  GLASS_OK);
    CU_ASSERT(memcmp(ms, want, 48) == 0);
}

static void test_tls12_arguments(void)
{
    uint8_t out[48], r[32] = {0};
    TU_ASSERT_ERR(hmac_tls12_prf_sha256((const uint8_t *)"s", 1, NULL, r, 32, out, 16), GLASS_ERR_ARG);
    TU_ASSERT_ERR(hmac_tls12_prf_sha256((const uint8_t *)"s", 1, "l", NULL, 32, out, 16), GLASS_ERR_ARG);
    TU_ASSERT_ERR(hmac_tls12_master_secret(r, 32, NULL, r, out), GLASS_ERR_ARG);
    TU_ASSERT_ERR(hmac_tls12_key_block(NULL, r, r, out, 16), GLASS_ERR_ARG);
    TU_ASSERT_ERR(hmac_tls12_extended_master_secret(r, 32, NULL, 32, out), GLASS_ERR_ARG);
}

void suite_hmac(void)
{
    CU_pSuite s = tu_suite("hmac");
    TU_ADD(s, test_rfc4231_cases);
    TU_ADD(s, test_nist_hmac_examples);
    TU_ADD(s, test_hmac_streaming_every_offset);
    TU_ADD(s, test_hmac_key_rules);
    TU_ADD(s, test_hmac_context_reuse_and_wipe);
    TU_ADD(s, test_rfc5869_cases);
    TU_ADD(s, test_hkdf_length_limit);
    TU_ADD(s, test_hkdf_prefix_property);
    TU_ADD(s, test_rfc7914_pbkdf2);
    TU_ADD(s, test_pbkdf2_matches_ref);
    TU_ADD(s, test_pbkdf2_arguments);
    TU_ADD(s, test_tls12_prf_known_answer);
    TU_ADD(s, test_tls12_secrets_use_the_right_inputs);
    TU_ADD(s, test_tls12_arguments);
}
