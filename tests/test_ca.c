/*
 * test_ca.c — key files, names, requests, certificates, CRLs and chain
 * verification (the CA directory: test_ca_dir.c; OpenSSL-style issuing and
 * PKCS#12: test_pki.c).
 *
 * Three RSA keys are made once for the whole suite (suite init) and reused.
 * Certificates are built with a fixed clock (NOW) so validity tests are
 * exact.  Every negative test asserts the exact error and names its rule.
 */
#include "testutil.h"

#include "asn1/asn1.h"
#include "ca/ca.h"
#include "ca/ca_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define NOW ((int64_t)1800000000)   /* 2027-01-15 08:00:00 UTC */
#define DAY ((int64_t)86400)

static rsa_private_key root_key, other_key, leaf_key;
static rsa_public_key leaf_pub;

static int keys_init(void)
{
    rsa_private_init(&root_key);
    rsa_private_init(&other_key);
    rsa_private_init(&leaf_key);
    rsa_public_init(&leaf_pub);
    if (rsa_generate(&root_key, 2048, 65537) != GLASS_OK ||
        rsa_generate(&other_key, 2048, 65537) != GLASS_OK ||
        rsa_generate(&leaf_key, 2048, 65537) != GLASS_OK)
        return 1;
    rsa_public_from_private(&leaf_pub, &leaf_key);
    return 0;
}

static int keys_clear(void)
{
    rsa_private_clear(&root_key);
    rsa_private_clear(&other_key);
    rsa_private_clear(&leaf_key);
    rsa_public_clear(&leaf_pub);
    return 0;
}

/* Builds and parses a certificate. */
static void make_cert(x509_cert *out, enum x509_kind kind, const char *subject,
                      const rsa_private_key *subject_key, const char *issuer,
                      const rsa_private_key *issuer_key, int64_t nb, int64_t na, const char *san)
{
    uint8_t serial[16];
    uint8_t *subj = NULL, *iss = NULL, *der = NULL;
    size_t subj_len = 0, iss_len = 0, der_len = 0;
    rsa_public_key pub, ipub;
    uint8_t aki[20];
    rsa_public_init(&pub);
    rsa_public_init(&ipub);
    rsa_public_from_private(&pub, subject_key);
    rsa_public_from_private(&ipub, issuer_key);
    CU_ASSERT_EQUAL_FATAL(glass_random(serial, sizeof serial), GLASS_OK);
    serial[0] = (serial[0] & 0x7f) | 0x01;
    CU_ASSERT_EQUAL_FATAL(x509_name_from_string(subject, &subj, &subj_len), GLASS_OK);
    CU_ASSERT_EQUAL_FATAL(x509_name_from_string(issuer, &iss, &iss_len), GLASS_OK);
    CU_ASSERT_EQUAL_FATAL(ca_key_identifier(&ipub, aki), GLASS_OK);
    x509_template t;
    memset(&t, 0, sizeof t);
    t.kind = kind;
    t.serial = serial;
    t.serial_len = sizeof serial;
    t.issuer_der = iss;
    t.issuer_len = iss_len;
    t.subject_der = subj;
    t.subject_len = subj_len;
    t.not_before = nb;
    t.not_after = na;
    t.subject_pub = &pub;
    t.aki = aki;
    t.aki_len = sizeof aki;
    t.san = san;
    CU_ASSERT_EQUAL_FATAL(x509_build(&t, issuer_key, &der, &der_len), GLASS_OK);
    TU_ASSERT_ERR(x509_parse(out, der, der_len), GLASS_OK);
    free(der);
    free(subj);
    free(iss);
    rsa_public_clear(&pub);
    rsa_public_clear(&ipub);
}

static void make_root(x509_cert *out, const char *subject, const rsa_private_key *key)
{
    make_cert(out, X509_KIND_ROOT, subject, key, subject, key, NOW - DAY, NOW + 100 * DAY, NULL);
}

/* ---- names ---- */

static void test_names(void)
{
    uint8_t *der = NULL;
    size_t len = 0;
    char text[X509_NAME_STR_MAX];
    TU_ASSERT_ERR(x509_name_from_string("/C=BR/ST=S\\/P/L=Campinas/O=Org/OU=Unit/CN=alice/"
                                        "emailAddress=a@b.c",
                                        &der, &len),
                  GLASS_OK);
    TU_ASSERT_ERR(x509_name_to_string(der, len, text, sizeof text), GLASS_OK);
    CU_ASSERT_STRING_EQUAL(text, "/C=BR/ST=S\\/P/L=Campinas/O=Org/OU=Unit/CN=alice/emailAddress=a@b.c");
    char cn[64];
    TU_ASSERT_ERR(ca_name_common_name(der, len, cn, sizeof cn), GLASS_OK);
    CU_ASSERT_STRING_EQUAL(cn, "alice");
    free(der);
    /* the syntax: leading slash, known keys, two-letter C, no empty value */
    TU_ASSERT_ERR(x509_name_from_string("CN=alice", &der, &len), GLASS_ERR_SUBJECT_SYNTAX);
    TU_ASSERT_ERR(x509_name_from_string("/XX=alice", &der, &len), GLASS_ERR_SUBJECT_SYNTAX);
    TU_ASSERT_ERR(x509_name_from_string("/C=BRA", &der, &len), GLASS_ERR_SUBJECT_SYNTAX);
    TU_ASSERT_ERR(x509_name_from_string("/CN=", &der, &len), GLASS_ERR_SUBJECT_SYNTAX);
    TU_ASSERT_ERR(x509_name_from_string("/", &der, &len), GLASS_ERR_SUBJECT_SYNTAX);
    TU_ASSERT_ERR(x509_name_from_string("/CN", &der, &len), GLASS_ERR_SUBJECT_SYNTAX);
}

/* ---- key files ---- */

static void check_same_key(const rsa_private_key *a, const rsa_private_key *b)
{
    CU_ASSERT(mpz_cmp(a->n, b->n) == 0);
    CU_ASSERT(mpz_cmp(a->d, b->d) == 0);
    CU_ASSERT(mpz_cmp(a->qInv, b->qInv) == 0);
}

static void test_key_round_trips(void)
{
    static const enum key_format formats[] = {KEY_FORMAT_PKCS1, KEY_FORMAT_PKCS8,
                                              KEY_FORMAT_PKCS8_ENCRYPTED};
    for (size_t i = 0; i < 3; i++) {
        uint8_t *der = NULL, *pem = NULL;
        size_t der_len = 0, pem_len = 0;
        const char *pw = formats[i] == KEY_FORMAT_PKCS8_ENCRYPTED ? "kpw" : NULL;
        rsa_private_key k;
        TU_ASSERT_ERR(ca_key_encode_private(&leaf_key, formats[i], pw, 1000, &der, &der_len), GLASS_OK);
        TU_ASSERT_ERR(ca_key_encode_private_pem(&leaf_key, formats[i], pw, 1000, &pem, &pem_len),
                      GLASS_OK);
        CU_ASSERT_EQUAL(ca_key_is_encrypted(der, der_len), pw != NULL);
        CU_ASSERT_EQUAL(ca_key_is_encrypted(pem, pem_len), pw != NULL);
        rsa_private_init(&k);
        TU_ASSERT_ERR(ca_key_load_private(der, der_len, pw, &k), GLASS_OK);
        check_same_key(&k, &leaf_key);
        rsa_private_clear(&k);
        rsa_private_init(&k);
        TU_ASSERT_ERR(ca_key_load_private(pem, pem_len, pw, &k), GLASS_OK);
        check_same_key(&k, &leaf_key);
        rsa_private_clear(&k);
        free(der);
        free(pem);
    }
}

static void test_key_wrong_password(void)
{
    uint8_t *pem = NULL;
    size_t len = 0;
    rsa_private_key k;
    TU_ASSERT_ERR(ca_key_save_private_pem(&leaf_key, "right", 1000, &pem, &len), GLASS_OK);
    rsa_private_init(&k);
    /* Wrong password, no password: one error, whatever went wrong inside. */
    TU_ASSERT_ERR(ca_key_load_private(pem, len, "wrong", &k), GLASS_ERR_KEY_PASSWORD);
    TU_ASSERT_ERR(ca_key_load_private(pem, len, NULL, &k), GLASS_ERR_KEY_PASSWORD);
    rsa_private_clear(&k);
    free(pem);

    /* A corrupted ciphertext says the same (flip a byte of encryptedData,
     * which ends the DER). */
    uint8_t *der = NULL;
    TU_ASSERT_ERR(ca_key_encode_private(&leaf_key, KEY_FORMAT_PKCS8_ENCRYPTED, "right", 1000, &der,
                                     &len), GLASS_OK);
    der[len - 20] ^= 0x01;
    rsa_private_init(&k);
    TU_ASSERT_ERR(ca_key_load_private(der, len, "right", &k), GLASS_ERR_KEY_PASSWORD);
    rsa_private_clear(&k);
    free(der);
}

static void test_key_bad_files(void)
{
    uint8_t *der = NULL;
    size_t len = 0;
    rsa_private_key k;
    TU_ASSERT_ERR(ca_key_encode_private(&leaf_key, KEY_FORMAT_PKCS8, NULL, 0, &der, &len), GLASS_OK);
    rsa_private_init(&k);
    TU_ASSERT_ERR(ca_key_load_private(der, len - 1, NULL, &k), GLASS_ERR_DER_TRUNCATED);
    rsa_private_clear(&k);
    free(der);
    /* a certificate label where a key is expected */
    const char *pem = "-----BEGIN CERTIFICATE-----\nMAA=\n-----END CERTIFICATE-----\n";
    rsa_private_init(&k);
    TU_ASSERT_ERR(ca_key_load_private((const uint8_t *)pem, strlen(pem), NULL, &k), GLASS_ERR_PEM_LABEL);
    rsa_private_clear(&k);
    /* a DER certificate (SEQUENCE { SEQUENCE ... } like an
     * EncryptedPrivateKeyInfo) is not a key, and not an encrypted one to
     * ask a password for (RFC 5958 §3: the algorithm must be an OID,
     * encryptedData an OCTET STRING) */
    x509_cert root;
    make_root(&root, "/CN=Not A Key", &root_key);
    CU_ASSERT_EQUAL(ca_key_is_encrypted(root.der, root.der_len), 0);
    rsa_private_init(&k);
    TU_ASSERT_ERR(ca_key_load_private(root.der, root.der_len, "pw", &k), GLASS_ERR_KEY_FORMAT);
    rsa_private_clear(&k);
    x509_free(&root);
    /* a real one (PBES2) is recognised in DER */
    TU_ASSERT_ERR(ca_key_encode_private(&leaf_key, KEY_FORMAT_PKCS8_ENCRYPTED, "pw", 1, &der, &len),
                  GLASS_OK);
    CU_ASSERT_EQUAL(ca_key_is_encrypted(der, len), 1);
    /* the same shape with another algorithm (pbeWithSHA1AndDES-CBC,
     * 1.2.840.113549.1.5.10): encrypted, in a scheme we do not read */
    static const uint8_t pbes1[] = {0x30, 0x14, 0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48,
                                    0x86, 0xf7, 0x0d, 0x01, 0x05, 0x0a, 0x30, 0x00, 0x04,
                                    0x03, 0x01, 0x02, 0x03};
    CU_ASSERT_EQUAL(ca_key_is_encrypted(pbes1, sizeof pbes1), 0);
    rsa_private_init(&k);
    TU_ASSERT_ERR(ca_key_load_private(pbes1, sizeof pbes1, "pw", &k), GLASS_ERR_KEY_ENCRYPTION);
    rsa_private_clear(&k);
    free(der);
    /* public keys: SPKI and RSAPublicKey */
    rsa_public_key pub;
    for (int spki = 0; spki < 2; spki++) {
        TU_ASSERT_ERR(ca_key_encode_public(&leaf_pub, spki, &der, &len), GLASS_OK);
        rsa_public_init(&pub);
        TU_ASSERT_ERR(ca_key_load_public(der, len, &pub), GLASS_OK);
        CU_ASSERT(mpz_cmp(pub.n, leaf_pub.n) == 0);
        rsa_public_clear(&pub);
        free(der);
    }
}

/* ---- requests ---- */

static void test_csr(void)
{
    uint8_t *der = NULL;
    size_t len = 0;
    csr_info info;
    TU_ASSERT_ERR(csr_create(&leaf_key, "/C=BR/CN=alice", &der, &len), GLASS_OK);
    TU_ASSERT_ERR(csr_parse_and_verify(der, len, &info), GLASS_OK);
    CU_ASSERT_STRING_EQUAL(info.subject, "/C=BR/CN=alice");
    CU_ASSERT(mpz_cmp(info.pub.n, leaf_pub.n) == 0);
    csr_info_free(&info);
    /* RFC 2986 §3: the signature proves possession; a changed byte in
     * the signed part must break it. */
    der[20] ^= 0x01;
    TU_ASSERT_ERR(csr_parse_and_verify(der, len, &info), GLASS_ERR_CSR_SIGNATURE);
    der[20] ^= 0x01;
    der[len - 1] ^= 0x01;
    TU_ASSERT_ERR(csr_parse_and_verify(der, len, &info), GLASS_ERR_CSR_SIGNATURE);
    free(der);
}

/* ---- certificates and chains ---- */

static void test_cert_fields(void)
{
    x509_cert root, srv;
    make_root(&root, "/O=Test/CN=Root", &root_key);
    make_cert(&srv, X509_KIND_SERVER, "/CN=localhost", &leaf_key, "/O=Test/CN=Root", &root_key,
              NOW - DAY, NOW + DAY, "DNS:localhost,IP:127.0.0.1,IP:::1");
    CU_ASSERT_EQUAL(root.version, 3);
    CU_ASSERT(root.is_ca);
    CU_ASSERT_EQUAL(root.key_usage, X509_KU_KEY_CERT_SIGN | X509_KU_CRL_SIGN);
    CU_ASSERT(!srv.is_ca && srv.has_basic_constraints);
    CU_ASSERT_EQUAL(srv.key_usage, X509_KU_DIGITAL_SIGNATURE | X509_KU_KEY_ENCIPHERMENT);
    CU_ASSERT_EQUAL(srv.ext_key_usage, X509_EKU_SERVER);
    CU_ASSERT_EQUAL(srv.serial_len, 16);
    CU_ASSERT_EQUAL(srv.not_before, NOW - DAY);
    CU_ASSERT(srv.aki_len == root.ski_len && memcmp(srv.aki, root.ski, srv.aki_len) == 0);
    TU_ASSERT_ERR(x509_check_host(&srv, "localhost"), GLASS_OK);
    TU_ASSERT_ERR(x509_check_host(&srv, "LocalHost"), GLASS_OK);
    TU_ASSERT_ERR(x509_check_host(&srv, "127.0.0.1"), GLASS_OK);
    TU_ASSERT_ERR(x509_check_host(&srv, "::1"), GLASS_OK);
    TU_ASSERT_ERR(x509_check_host(&srv, "127.0.0.2"), GLASS_ERR_X509_NAME);
    TU_ASSERT_ERR(x509_check_host(&srv, "example.com"), GLASS_ERR_X509_NAME);
    char cn[64];
    TU_ASSERT_ERR(x509_subject_cn(&srv, cn, sizeof cn), GLASS_OK);
    CU_ASSERT_STRING_EQUAL(cn, "localhost");
    size_t failed = 99;
    TU_ASSERT_ERR(x509_verify_chain(&srv, 1, &root, 1, NULL, X509_PURPOSE_SERVER, NOW, &failed),
                  GLASS_OK);
    x509_free(&root);
    x509_free(&srv);
}

static void test_cert_bad_der(void)
{
    x509_cert root, c;
    make_root(&root, "/CN=Root", &root_key);
    uint8_t *der = malloc(root.der_len + 1);
    memcpy(der, root.der, root.der_len);
    TU_ASSERT_ERR(x509_parse(&c, der, root.der_len - 1), GLASS_ERR_DER_TRUNCATED);
    der[root.der_len] = 0;
    TU_ASSERT_ERR(x509_parse(&c, der, root.der_len + 1), GLASS_ERR_DER_TRAILING);
    der[0] = 0x31;
    TU_ASSERT_ERR(x509_parse(&c, der, root.der_len), GLASS_ERR_DER_TAG);
    free(der);
    x509_free(&root);
}

static void test_verify_tampered_signature(void)
{
    x509_cert root, leaf, bad;
    make_root(&root, "/CN=Root", &root_key);
    make_cert(&leaf, X509_KIND_CLIENT, "/CN=alice", &leaf_key, "/CN=Root", &root_key, NOW - DAY,
              NOW + DAY, NULL);
    uint8_t *der = malloc(leaf.der_len);
    memcpy(der, leaf.der, leaf.der_len);
    der[leaf.der_len - 1] ^= 0x01;  /* last byte of the signature */
    TU_ASSERT_ERR(x509_parse(&bad, der, leaf.der_len), GLASS_OK);
    size_t failed = 99;
    TU_ASSERT_ERR(x509_verify_chain(&bad, 1, &root, 1, NULL, X509_PURPOSE_ANY, NOW, &failed),
                  GLASS_ERR_X509_SIGNATURE);
    CU_ASSERT_EQUAL(failed, 0);
    /* same name, other key: also a signature failure */
    x509_cert impostor;
    make_root(&impostor, "/CN=Root", &other_key);
    impostor.ski_len = 0;   /* so the key identifiers do not tell them apart */
    TU_ASSERT_ERR(x509_verify_chain(&leaf, 1, &impostor, 1, NULL, X509_PURPOSE_ANY, NOW, &failed),
                  GLASS_ERR_X509_SIGNATURE);
    free(der);
    x509_free(&impostor);
    x509_free(&bad);
    x509_free(&leaf);
    x509_free(&root);
}

static void test_verify_wrong_issuer(void)
{
    x509_cert root, other, leaf, chain[2];
    make_root(&root, "/CN=Root", &root_key);
    make_root(&other, "/CN=Other Root", &other_key);
    make_cert(&leaf, X509_KIND_CLIENT, "/CN=alice", &leaf_key, "/CN=Root", &root_key, NOW - DAY,
              NOW + DAY, NULL);
    size_t failed = 99;
    /* RFC 5280 §6.1.3 (a)(4): the issuer name must be the next one's subject */
    chain[0] = leaf;
    chain[1] = other;
    TU_ASSERT_ERR(x509_verify_chain(chain, 2, &other, 1, NULL, X509_PURPOSE_ANY, NOW, &failed),
                  GLASS_ERR_X509_ISSUER);
    CU_ASSERT_EQUAL(failed, 0);
    /* no anchor with that name at all */
    TU_ASSERT_ERR(x509_verify_chain(&leaf, 1, &other, 1, NULL, X509_PURPOSE_ANY, NOW, &failed),
                  GLASS_ERR_X509_UNKNOWN_CA);
    x509_free(&leaf);
    x509_free(&other);
    x509_free(&root);
}

static void test_verify_validity(void)
{
    x509_cert root, leaf;
    make_root(&root, "/CN=Root", &root_key);
    make_cert(&leaf, X509_KIND_CLIENT, "/CN=alice", &leaf_key, "/CN=Root", &root_key, NOW,
              NOW + DAY, NULL);
    size_t failed = 99;
    /* RFC 5280 §6.1.3 (a)(2): notBefore <= now <= notAfter */
    TU_ASSERT_ERR(x509_verify_chain(&leaf, 1, &root, 1, NULL, X509_PURPOSE_ANY, NOW - 1, &failed),
                  GLASS_ERR_X509_NOT_YET_VALID);
    TU_ASSERT_ERR(x509_verify_chain(&leaf, 1, &root, 1, NULL, X509_PURPOSE_ANY, NOW + DAY + 1,
                                    &failed),
                  GLASS_ERR_X509_EXPIRED);
    TU_ASSERT_ERR(x509_verify_chain(&leaf, 1, &root, 1, NULL, X509_PURPOSE_ANY, NOW + DAY, &failed),
                  GLASS_OK);
    /* the anchor's own validity counts too (failed index n) */
    TU_ASSERT_ERR(x509_verify_chain(&leaf, 1, &root, 1, NULL, X509_PURPOSE_ANY, NOW + 200 * DAY,
                                    &failed),
                  GLASS_ERR_X509_EXPIRED);
    x509_free(&leaf);
    x509_free(&root);
}

static void test_verify_issuer_not_ca(void)
{
    x509_cert root, mid, leaf, chain[2];
    rsa_private_key k;
    rsa_private_init(&k);
    CU_ASSERT_EQUAL_FATAL(rsa_generate(&k, 2048, 65537), GLASS_OK);
    make_root(&root, "/CN=Root", &root_key);
    /* an end-entity certificate (CA:FALSE) used to sign another */
    make_cert(&mid, X509_KIND_CLIENT, "/CN=mallory", &leaf_key, "/CN=Root", &root_key, NOW - DAY,
              NOW + DAY, NULL);
    make_cert(&leaf, X509_KIND_SERVER, "/CN=bank.example", &k, "/CN=mallory", &leaf_key,
              NOW - DAY, NOW + DAY, "DNS:bank.example");
    chain[0] = leaf;
    chain[1] = mid;
    size_t failed = 99;
    /* RFC 5280 §4.2.1.9 and §6.1.4 (k): the issuer must have cA TRUE */
    TU_ASSERT_ERR(x509_verify_chain(chain, 2, &root, 1, NULL, X509_PURPOSE_SERVER, NOW, &failed),
                  GLASS_ERR_X509_NOT_CA);
    CU_ASSERT_EQUAL(failed, 1);
    x509_free(&leaf);
    x509_free(&mid);
    x509_free(&root);
    rsa_private_clear(&k);
}

static void test_verify_purpose(void)
{
    x509_cert root, cli, srv;
    make_root(&root, "/CN=Root", &root_key);
    make_cert(&cli, X509_KIND_CLIENT, "/CN=alice", &leaf_key, "/CN=Root", &root_key, NOW - DAY,
              NOW + DAY, NULL);
    make_cert(&srv, X509_KIND_SERVER, "/CN=localhost", &leaf_key, "/CN=Root", &root_key,
              NOW - DAY, NOW + DAY, "DNS:localhost");
    size_t failed = 99;
    /* RFC 5280 §4.2.1.12: a clientAuth-only certificate is no server's */
    TU_ASSERT_ERR(x509_verify_chain(&cli, 1, &root, 1, NULL, X509_PURPOSE_SERVER, NOW, &failed),
                  GLASS_ERR_X509_PURPOSE);
    TU_ASSERT_ERR(x509_verify_chain(&srv, 1, &root, 1, NULL, X509_PURPOSE_CLIENT, NOW, &failed),
                  GLASS_ERR_X509_PURPOSE);
    TU_ASSERT_ERR(x509_verify_chain(&cli, 1, &root, 1, NULL, X509_PURPOSE_CLIENT, NOW, &failed),
                  GLASS_OK);
    x509_free(&srv);
    x509_free(&cli);
    x509_free(&root);
}

/* Which certificates of the CA file end a path: a self-signed one only, as
 * `openssl verify` without -partial_chain (RFC 5280 §6.1.1 (d) would allow
 * any; OpenSSL's default, which we follow, does not). */
static void test_verify_anchor_self_signed(void)
{
    x509_cert root, mid, leaf, srv, chain[2];
    make_root(&root, "/CN=Root", &root_key);
    make_cert(&mid, X509_KIND_ROOT, "/CN=Mid", &other_key, "/CN=Root", &root_key, NOW - DAY,
              NOW + 50 * DAY, NULL);
    make_cert(&leaf, X509_KIND_CLIENT, "/CN=alice", &leaf_key, "/CN=Mid", &other_key,
              NOW - DAY, NOW + DAY, NULL);
    make_cert(&srv, X509_KIND_SERVER, "/CN=localhost", &leaf_key, "/CN=Root", &root_key,
              NOW - DAY, NOW + DAY, "DNS:localhost");
    size_t failed = 99;
    /* a server certificate in the CA file does not vouch for itself
     * (openssl: error 20, unable to get local issuer certificate) */
    TU_ASSERT_ERR(x509_verify_chain(&srv, 1, &srv, 1, NULL, X509_PURPOSE_SERVER, NOW, &failed),
                  GLASS_ERR_X509_UNKNOWN_CA);
    CU_ASSERT_EQUAL(failed, 0);
    /* ... but with its root beside it, it verifies through the root */
    x509_cert both[2] = {srv, root};
    TU_ASSERT_ERR(x509_verify_chain(&srv, 1, both, 2, NULL, X509_PURPOSE_SERVER, NOW, &failed),
                  GLASS_OK);
    /* a self-signed root verifies as itself (openssl verify -CAfile ca.pem ca.pem) */
    TU_ASSERT_ERR(x509_verify_chain(&root, 1, &root, 1, NULL, X509_PURPOSE_ANY, NOW, &failed),
                  GLASS_OK);
    /* an intermediate alone in the CA file ends no path (openssl: error 2);
     * the failure names the anchor (index n) */
    failed = 99;
    TU_ASSERT_ERR(x509_verify_chain(&leaf, 1, &mid, 1, NULL, X509_PURPOSE_CLIENT, NOW, &failed),
                  GLASS_ERR_X509_UNKNOWN_CA);
    CU_ASSERT_EQUAL(failed, 1);
    TU_ASSERT_ERR(x509_verify_chain(&mid, 1, &mid, 1, NULL, X509_PURPOSE_ANY, NOW, &failed),
                  GLASS_ERR_X509_UNKNOWN_CA);
    /* with its root in the CA file too, the walk goes through it */
    x509_cert bundle[2] = {mid, root};
    TU_ASSERT_ERR(x509_verify_chain(&leaf, 1, bundle, 2, NULL, X509_PURPOSE_CLIENT, NOW, &failed),
                  GLASS_OK);
    /* ... and the intermediate is checked on the way: past its notAfter */
    TU_ASSERT_ERR(x509_verify_chain(&leaf, 1, bundle, 2, NULL, X509_PURPOSE_ANY, NOW + 60 * DAY,
                                    &failed),
                  GLASS_ERR_X509_EXPIRED);
    /* the usual form: the intermediate sent in the chain, the root trusted */
    chain[0] = leaf;
    chain[1] = mid;
    TU_ASSERT_ERR(x509_verify_chain(chain, 2, &root, 1, NULL, X509_PURPOSE_CLIENT, NOW, &failed),
                  GLASS_OK);
    TU_ASSERT_ERR(x509_verify_chain(chain, 2, &mid, 1, NULL, X509_PURPOSE_CLIENT, NOW, &failed),
                  GLASS_ERR_X509_UNKNOWN_CA);
    CU_ASSERT_EQUAL(failed, 1);
    x509_free(&srv);
    x509_free(&leaf);
    x509_free(&mid);
    x509_free(&root);
}

static void test_verify_revoked(void)
{
    x509_cert root, other, leaf, leaf2;
    x509_crl crl;
    uint8_t *der = NULL;
    size_t len = 0;
    make_root(&root, "/CN=Root", &root_key);
    make_root(&other, "/CN=Root", &other_key);
    make_cert(&leaf, X509_KIND_CLIENT, "/CN=alice", &leaf_key, "/CN=Root", &root_key, NOW - DAY,
              NOW + DAY, NULL);
    make_cert(&leaf2, X509_KIND_CLIENT, "/CN=bob", &leaf_key, "/CN=Root", &root_key, NOW - DAY,
              NOW + DAY, NULL);
    x509_crl_entry e;
    memset(&e, 0, sizeof e);
    memcpy(e.serial, leaf.serial, leaf.serial_len);
    e.serial_len = leaf.serial_len;
    e.revocation_date = NOW - 10;
    TU_ASSERT_ERR(crl_build(&root, &root_key, &e, 1, 7, NOW - 5, NOW + DAY, &der, &len), GLASS_OK);
    TU_ASSERT_ERR(x509_crl_parse(&crl, der, len), GLASS_OK);
    CU_ASSERT_EQUAL(crl.n_revoked, 1);
    CU_ASSERT(x509_crl_contains(&crl, leaf.serial, leaf.serial_len));
    size_t failed = 99;
    TU_ASSERT_ERR(x509_verify_chain(&leaf, 1, &root, 1, &crl, X509_PURPOSE_CLIENT, NOW, &failed),
                  GLASS_ERR_X509_REVOKED);
    TU_ASSERT_ERR(x509_verify_chain(&leaf2, 1, &root, 1, &crl, X509_PURPOSE_CLIENT, NOW, &failed),
                  GLASS_OK);
    x509_crl_free(&crl);
    free(der);
    /* a CRL past its nextUpdate is not to be trusted (RFC 5280 §6.3.3 (a)) */
    TU_ASSERT_ERR(crl_build(&root, &root_key, &e, 1, 9, NOW - 100, NOW - 1, &der, &len), GLASS_OK);
    TU_ASSERT_ERR(x509_crl_parse(&crl, der, len), GLASS_OK);
    TU_ASSERT_ERR(x509_verify_chain(&leaf2, 1, &root, 1, &crl, X509_PURPOSE_CLIENT, NOW, &failed),
                  GLASS_ERR_X509_CRL);
    x509_crl_free(&crl);
    free(der);
    /* a CRL in the CA's name but signed by another key is refused */
    TU_ASSERT_ERR(crl_build(&root, &other_key, &e, 1, 8, NOW - 5, NOW + DAY, &der, &len), GLASS_OK);
    TU_ASSERT_ERR(x509_crl_parse(&crl, der, len), GLASS_OK);
    TU_ASSERT_ERR(x509_verify_chain(&leaf2, 1, &root, 1, &crl, X509_PURPOSE_CLIENT, NOW, &failed),
                  GLASS_ERR_X509_CRL);
    x509_crl_free(&crl);
    free(der);
    x509_free(&leaf2);
    x509_free(&leaf);
    x509_free(&other);
    x509_free(&root);
}


/* ---- hostile input: every single-byte change and every truncation ---- */

/* Parses each mutation of der with fn; the only acceptable outcomes are an
 * error or a clean parse (the sanitizer builds catch anything else). */
typedef glass_err (*parse_fn)(const uint8_t *der, size_t len, int *accepted);

static glass_err try_cert(const uint8_t *der, size_t len, int *accepted)
{
    x509_cert c;
    glass_err err = x509_parse(&c, der, len);
    if (err == GLASS_OK) {
        (*accepted)++;
        x509_free(&c);
    }
    return err;
}

static glass_err try_crl(const uint8_t *der, size_t len, int *accepted)
{
    x509_crl c;
    glass_err err = x509_crl_parse(&c, der, len);
    if (err == GLASS_OK) {
        (*accepted)++;
        x509_crl_free(&c);
    }
    return err;
}

static glass_err try_csr(const uint8_t *der, size_t len, int *accepted)
{
    csr_info c;
    glass_err err = csr_parse_and_verify(der, len, &c);
    if (err == GLASS_OK) {
        (*accepted)++;
        csr_info_free(&c);
    }
    return err;
}

static glass_err try_key(const uint8_t *der, size_t len, int *accepted)
{
    rsa_private_key k;
    rsa_private_init(&k);
    glass_err err = ca_key_load_private(der, len, "pw", &k);
    if (err == GLASS_OK)
        (*accepted)++;
    rsa_private_clear(&k);
    return err;
}

static void mutate_all(const uint8_t *der, size_t len, parse_fn fn, int expect_all_rejected)
{
    static const uint8_t masks[] = {0x01, 0x80, 0xff};
    uint8_t *m = malloc(len);
    int accepted = 0;
    CU_ASSERT_PTR_NOT_NULL_FATAL(m);
    for (size_t cut = 0; cut < len; cut++)
        CU_ASSERT(fn(der, cut, &accepted) != GLASS_OK);
    for (size_t i = 0; i < len; i++)
        for (size_t k = 0; k < sizeof masks; k++) {
            memcpy(m, der, len);
            m[i] ^= masks[k];
            fn(m, len, &accepted);
        }
    /* Signed structures: no change may survive the signature check. */
    if (expect_all_rejected)
        CU_ASSERT_EQUAL(accepted, 0);
    free(m);
}

static void test_parsers_hostile_input(void)
{
    x509_cert root;
    uint8_t *der = NULL;
    size_t len = 0;
    make_root(&root, "/C=BR/CN=Mutation Root", &root_key);
    mutate_all(root.der, root.der_len, try_cert, 0);

    x509_crl_entry e;
    memset(&e, 0, sizeof e);
    e.serial[0] = 0x42;
    e.serial_len = 1;
    e.revocation_date = NOW;
    TU_ASSERT_ERR(crl_build(&root, &root_key, &e, 1, 1, NOW, NOW + DAY, &der, &len), GLASS_OK);
    mutate_all(der, len, try_crl, 0);
    free(der);

    TU_ASSERT_ERR(csr_create(&leaf_key, "/CN=mutant", &der, &len), GLASS_OK);
    mutate_all(der, len, try_csr, 1);
    free(der);

    /* an encrypted key with one PBKDF2 iteration, so that thousands of
     * attempts stay fast */
    TU_ASSERT_ERR(ca_key_encode_private(&leaf_key, KEY_FORMAT_PKCS8_ENCRYPTED, "pw", 1, &der, &len),
                  GLASS_OK);
    mutate_all(der, len, try_key, 0);
    free(der);
    x509_free(&root);
}

void suite_ca(void)
{
    CU_pSuite s = CU_add_suite("ca", keys_init, keys_clear);
    if (s == NULL) {
        fprintf(stderr, "cannot add suite ca\n");
        exit(2);
    }
    TU_ADD(s, test_names);
    TU_ADD(s, test_key_round_trips);
    TU_ADD(s, test_key_wrong_password);
    TU_ADD(s, test_key_bad_files);
    TU_ADD(s, test_csr);
    TU_ADD(s, test_cert_fields);
    TU_ADD(s, test_cert_bad_der);
    TU_ADD(s, test_verify_tampered_signature);
    TU_ADD(s, test_verify_wrong_issuer);
    TU_ADD(s, test_verify_validity);
    TU_ADD(s, test_verify_issuer_not_ca);
    TU_ADD(s, test_verify_purpose);
    TU_ADD(s, test_verify_anchor_self_signed);
    TU_ADD(s, test_verify_revoked);
    TU_ADD(s, test_parsers_hostile_input);
}
