/*
 * test_pki.c — what glass makes the way the openssl commands do:
 * extensions in OpenSSL's syntax (ca/x509_ext.c), serial numbers and
 * serial files (ca/serial.c), certificates signed with x509_sign
 * (ca/x509_build.c), and PKCS#12 files (ca/pkcs12.c, pkcs12_mac.c,
 * pbes2.c), including RFC 7292 Appendix B.2's key derivation checked
 * against vectors computed with OpenSSL 3.0's independent implementation
 * (`openssl kdf -kdfopt digest:SHA256 -kdfopt hexpass:... PKCS12KDF`).
 *
 * One RSA key pair is made for the suite.  Every negative test asserts the
 * exact error and names its rule.
 */
#include "testutil.h"

#include "asn1/asn1.h"
#include "ca/ca.h"
#include "ca/ca_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define NOW ((int64_t)1800000000)   /* 2027-01-15 08:00:00 UTC */

static rsa_private_key ca_key, leaf_key;

static int keys_init(void)
{
    rsa_private_init(&ca_key);
    rsa_private_init(&leaf_key);
    return rsa_generate(&ca_key, 2048, 65537) != GLASS_OK ||
           rsa_generate(&leaf_key, 2048, 65537) != GLASS_OK;
}

static int keys_clear(void)
{
    rsa_private_clear(&ca_key);
    rsa_private_clear(&leaf_key);
    return 0;
}

/* ---- extensions in OpenSSL's syntax ---- */

static void test_ext_lines(void)
{
    x509_ext_set s;
    char why[256];
    x509_ext_init(&s);
    TU_ASSERT_ERR(x509_ext_add(&s, "basicConstraints = critical, CA:TRUE, pathlen:0", why, sizeof why),
                  GLASS_OK);
    TU_ASSERT_ERR(x509_ext_add(&s, "keyUsage=keyCertSign,cRLSign", why, sizeof why), GLASS_OK);
    TU_ASSERT_ERR(x509_ext_add(&s, "subjectAltName = DNS:a.example, IP:10.0.0.1", why, sizeof why),
                  GLASS_OK);
    CU_ASSERT_EQUAL(s.n, 3);
    CU_ASSERT_EQUAL(s.order[0], X509_EXT_BC);
    CU_ASSERT_TRUE(s.ca);
    CU_ASSERT_EQUAL(s.path_len, 0);
    CU_ASSERT_EQUAL(s.critical, 1u << X509_EXT_BC);
    CU_ASSERT_EQUAL(s.key_usage, X509_KU_KEY_CERT_SIGN | X509_KU_CRL_SIGN);
    CU_ASSERT_STRING_EQUAL(s.san, "DNS:a.example,IP:10.0.0.1");
    /* a kind given again replaces the first, in its place */
    TU_ASSERT_ERR(x509_ext_add(&s, "basicConstraints=CA:FALSE", why, sizeof why), GLASS_OK);
    CU_ASSERT_EQUAL(s.n, 3);
    CU_ASSERT_FALSE(s.ca);
    CU_ASSERT_EQUAL(s.critical, 0);
    /* refused, each with a reason */
    TU_ASSERT_ERR(x509_ext_add(&s, "nsComment=hello", why, sizeof why), GLASS_ERR_ARG);
    CU_ASSERT_PTR_NOT_NULL(strstr(why, "nsComment"));
    TU_ASSERT_ERR(x509_ext_add(&s, "keyUsage=frobnicate", why, sizeof why), GLASS_ERR_ARG);
    TU_ASSERT_ERR(x509_ext_add(&s, "keyUsage=critical", why, sizeof why), GLASS_ERR_ARG);
    /* RFC 5280 §4.2.1.9: pathLenConstraint only with cA TRUE */
    TU_ASSERT_ERR(x509_ext_add(&s, "basicConstraints=CA:FALSE,pathlen:1", why, sizeof why),
                  GLASS_ERR_ARG);
    TU_ASSERT_ERR(x509_ext_add(&s, "subjectAltName=email:a@b", why, sizeof why), GLASS_ERR_ARG);
    TU_ASSERT_ERR(x509_ext_add(&s, "subjectAltName=@alt", why, sizeof why), GLASS_ERR_ARG);
    TU_ASSERT_ERR(x509_ext_add(&s, "no equals sign", why, sizeof why), GLASS_ERR_ARG);
}

static void test_ext_file(void)
{
    char path[] = "/tmp/glass-ext-XXXXXX";
    int fd = mkstemp(path);
    CU_ASSERT_FATAL(fd >= 0);
    const char *text = "extensions = srv\n"
                       "# comment\n"
                       "[ srv ]\n"
                       "extendedKeyUsage = serverAuth   # trailing comment\n"
                       "subjectAltName = @names\n"
                       "[names]\n"
                       "DNS.1 = localhost\n"
                       "IP.1 = 127.0.0.1\n"
                       "[ other ]\n"
                       "keyUsage = digitalSignature\n";
    CU_ASSERT_EQUAL((size_t)write(fd, text, strlen(text)), strlen(text));
    close(fd);
    x509_ext_set s;
    char why[256];
    x509_ext_init(&s);
    /* no section named: "extensions = srv" in the opening part */
    TU_ASSERT_ERR(x509_ext_load(&s, path, NULL, why, sizeof why), GLASS_OK);
    CU_ASSERT_EQUAL(s.n, 2);
    CU_ASSERT_EQUAL(s.ext_key_usage, X509_EKU_SERVER);
    CU_ASSERT_STRING_EQUAL(s.san, "DNS:localhost,IP:127.0.0.1");
    x509_ext_init(&s);
    TU_ASSERT_ERR(x509_ext_load(&s, path, "other", why, sizeof why), GLASS_OK);
    CU_ASSERT_EQUAL(s.n, 1);
    TU_ASSERT_ERR(x509_ext_load(&s, path, "missing", why, sizeof why), GLASS_ERR_ARG);
    CU_ASSERT_PTR_NOT_NULL(strstr(why, "missing"));
    unlink(path);
    TU_ASSERT_ERR(x509_ext_load(&s, path, NULL, why, sizeof why), GLASS_ERR_FILE_OPEN);
}

/* ---- serials ---- */

static void test_serials(void)
{
    uint8_t s[X509_SERIAL_MAX];
    size_t n = 0;
    TU_ASSERT_ERR(x509_serial_parse("4660", s, &n), GLASS_OK);
    CU_ASSERT_EQUAL(n, 2);
    CU_ASSERT_EQUAL(s[0], 0x12);
    CU_ASSERT_EQUAL(s[1], 0x34);
    TU_ASSERT_ERR(x509_serial_parse("0x1234", s, &n), GLASS_OK);
    CU_ASSERT_EQUAL(n, 2);
    /* RFC 5280 §4.1.2.2: positive, at most 20 octets */
    TU_ASSERT_ERR(x509_serial_parse("0", s, &n), GLASS_ERR_ARG);
    TU_ASSERT_ERR(x509_serial_parse("-5", s, &n), GLASS_ERR_ARG);
    TU_ASSERT_ERR(x509_serial_parse("0x", s, &n), GLASS_ERR_ARG);
    TU_ASSERT_ERR(x509_serial_parse("0x7fffffffffffffffffffffffffffffffffffffff", s, &n), GLASS_OK);
    CU_ASSERT_EQUAL(n, 20);
    TU_ASSERT_ERR(x509_serial_parse("0x8000000000000000000000000000000000000000", s, &n),
                  GLASS_ERR_ARG);   /* 21 octets once encoded */
    TU_ASSERT_ERR(x509_serial_random(s, &n), GLASS_OK);
    CU_ASSERT_EQUAL(n, 20);
    CU_ASSERT_TRUE(s[0] != 0 && (s[0] & 0x80) == 0);

    char path[] = "/tmp/glass-srl-XXXXXX";
    int fd = mkstemp(path);
    CU_ASSERT_FATAL(fd >= 0);
    close(fd);
    unlink(path);
    TU_ASSERT_ERR(x509_serial_next(path, 0, s, &n), GLASS_ERR_FILE_OPEN);
    TU_ASSERT_ERR(x509_serial_next(path, 1, s, &n), GLASS_OK);
    CU_ASSERT_EQUAL(n, 20);
    const uint8_t ff[] = {0x00, 0xff};     /* INTEGER contents with their 00 */
    TU_ASSERT_ERR(x509_serial_save(path, ff, sizeof ff), GLASS_OK);
    uint8_t *text = NULL;
    size_t len = 0;
    CU_ASSERT_EQUAL_FATAL(glass_read_file(path, 64, &text, &len), GLASS_OK);
    CU_ASSERT_EQUAL(len, 3);
    CU_ASSERT_EQUAL(memcmp(text, "FF\n", 3), 0);
    free(text);
    TU_ASSERT_ERR(x509_serial_next(path, 0, s, &n), GLASS_OK);
    CU_ASSERT_EQUAL(n, 2);                  /* FF + 1 = 0100 */
    CU_ASSERT_EQUAL(s[0], 0x01);
    CU_ASSERT_EQUAL(s[1], 0x00);
    /* A full 20-octet serial as OpenSSL writes it (40 hex digits). */
    FILE *f = fopen(path, "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    fputs("63D77522F02334D4CD871DD32C35383931624ACF\n", f);
    fclose(f);
    TU_ASSERT_ERR(x509_serial_next(path, 0, s, &n), GLASS_OK);
    CU_ASSERT_EQUAL(n, 20);
    CU_ASSERT_EQUAL(s[19], 0xD0);
    CU_ASSERT_EQUAL(s[18], 0x4A);
    f = fopen(path, "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    fputs("0063D77522F02334D4CD871DD32C35383931624ACF\n", f);   /* 42 digits */
    fclose(f);
    TU_ASSERT_ERR(x509_serial_next(path, 0, s, &n), GLASS_ERR_CA_DB);
    f = fopen(path, "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    fputs("not hex\n", f);
    fclose(f);
    TU_ASSERT_ERR(x509_serial_next(path, 1, s, &n), GLASS_ERR_CA_DB);
    unlink(path);
}

/* ---- x509_sign ---- */

static void test_sign(void)
{
    rsa_public_key ca_pub, leaf_pub;
    uint8_t *name = NULL, *der = NULL, serial[] = {0x42};
    size_t name_len = 0, der_len = 0;
    x509_cert root, leaf;
    x509_ext_set ext;
    rsa_public_init(&ca_pub);
    rsa_public_init(&leaf_pub);
    rsa_public_from_private(&ca_pub, &ca_key);
    rsa_public_from_private(&leaf_pub, &leaf_key);
    CU_ASSERT_EQUAL_FATAL(x509_name_from_string("/CN=Sign Root", &name, &name_len), GLASS_OK);
    x509_ext_init(&ext);
    CU_ASSERT_EQUAL(x509_ext_add(&ext, "subjectKeyIdentifier=hash", NULL, 0), GLASS_OK);
    CU_ASSERT_EQUAL(x509_ext_add(&ext, "basicConstraints=critical,CA:TRUE", NULL, 0), GLASS_OK);
    x509_sign_params p = {serial, 1, NULL, name, name_len, &ca_pub, NOW, NOW + 86400, &ext};
    TU_ASSERT_ERR(x509_sign(&p, &ca_key, &der, &der_len), GLASS_OK);
    TU_ASSERT_ERR(x509_parse(&root, der, der_len), GLASS_OK);
    free(der);
    CU_ASSERT_EQUAL(root.version, 3);
    CU_ASSERT_TRUE(root.is_ca);
    CU_ASSERT_EQUAL(root.ski_len, 20);
    TU_ASSERT_ERR(x509_check_signature(&root, &ca_pub), GLASS_OK);
    /* the wrong key for a self-signed certificate */
    TU_ASSERT_ERR(x509_sign(&p, &leaf_key, &der, &der_len), GLASS_ERR_ARG);

    /* No extensions: version 1, as openssl x509 -req without -extfile. */
    p.issuer = &root;
    p.subject_pub = &leaf_pub;
    p.ext = NULL;
    TU_ASSERT_ERR(x509_sign(&p, &ca_key, &der, &der_len), GLASS_OK);
    TU_ASSERT_ERR(x509_parse(&leaf, der, der_len), GLASS_OK);
    free(der);
    CU_ASSERT_EQUAL(leaf.version, 1);
    CU_ASSERT_STRING_EQUAL(leaf.issuer, "/CN=Sign Root");
    size_t failed = 0;
    TU_ASSERT_ERR(x509_verify_chain(&leaf, 1, &root, 1, NULL, X509_PURPOSE_ANY, NOW + 10, &failed),
                  GLASS_OK);
    x509_free(&leaf);
    /* Issued by root: the AKI is root's SKI. */
    x509_ext_init(&ext);
    CU_ASSERT_EQUAL(x509_ext_add(&ext, "authorityKeyIdentifier=keyid,issuer", NULL, 0), GLASS_OK);
    p.ext = &ext;
    TU_ASSERT_ERR(x509_sign(&p, &ca_key, &der, &der_len), GLASS_OK);
    TU_ASSERT_ERR(x509_parse(&leaf, der, der_len), GLASS_OK);
    free(der);
    CU_ASSERT_EQUAL(leaf.aki_len, root.ski_len);
    CU_ASSERT_EQUAL(memcmp(leaf.aki, root.ski, root.ski_len), 0);
    /* -CAkey that is not -CA's key */
    TU_ASSERT_ERR(x509_sign(&p, &leaf_key, &der, &der_len), GLASS_ERR_ARG);
    x509_free(&leaf);
    x509_free(&root);
    free(name);
    rsa_public_clear(&ca_pub);
    rsa_public_clear(&leaf_pub);
}

/* ---- PKCS#12 ---- */

/* RFC 7292 Appendix B.2 with SHA-256; expected values from OpenSSL 3.0's
 * PKCS12KDF (given the BMPString password bytes: 00 70 00 61 ... 00 00). */
static void test_pkcs12_kdf(void)
{
    static const struct {
        const char *password, *salt;
        uint8_t id;
        uint32_t iterations;
        const char *out;
    } v[] = {
        {"password", "0102030405060708", 3, 2048,
         "4f510e1b5428cb3a1b784ceee7b1a95670f60e825199c121bd1752ee9e1c83f2"},
        /* 70 bytes: three output blocks, and I updated between them */
        {"smeg", "0a58cf64530d823f", 1, 1,
         "27e90d7ed5a1c411ba878bc090f5cebe5e9d5fe3d62b73aabbcabfc91dad48733107e6ed46bfa918e5811fff"
         "41279e1afdd9c5f9b02a15a316992570f517c948f8f67ba46689"},
        /* UTF-8 "été" becomes the BMPString 00 e9 00 74 00 e9 00 00 */
        {"\xc3\xa9t\xc3\xa9", "0a58cf64530d823f", 2, 3, "13d471881a689c921e6fa6108dbad5994cc10702"},
    };
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        size_t salt_len = 0, want_len = 0;
        uint8_t *salt = tu_hex(v[i].salt, &salt_len);
        uint8_t *want = tu_hex(v[i].out, &want_len);
        uint8_t got[80];
        TU_ASSERT_ERR(pkcs12_kdf(v[i].id, v[i].password, salt, salt_len, v[i].iterations, got,
                                 want_len), GLASS_OK);
        CU_ASSERT_EQUAL(memcmp(got, want, want_len), 0);
        free(salt);
        free(want);
    }
    uint8_t out[4];
    TU_ASSERT_ERR(pkcs12_kdf(3, NULL, out, 1, 1, out, sizeof out), GLASS_ERR_ARG);
    TU_ASSERT_ERR(pkcs12_kdf(3, "pw", out, 1, 0, out, sizeof out), GLASS_ERR_ARG);
}

/* A root and a leaf certificate for the PKCS#12 tests. */
static void make_pair(x509_cert *root, x509_cert *leaf)
{
    rsa_public_key pub;
    uint8_t *rn = NULL, *ln = NULL, *der = NULL, serial[] = {7};
    size_t rn_len = 0, ln_len = 0, der_len = 0;
    rsa_public_init(&pub);
    rsa_public_from_private(&pub, &ca_key);
    CU_ASSERT_EQUAL_FATAL(x509_name_from_string("/CN=P12 Root", &rn, &rn_len), GLASS_OK);
    CU_ASSERT_EQUAL_FATAL(x509_name_from_string("/CN=alice", &ln, &ln_len), GLASS_OK);
    x509_sign_params p = {serial, 1, NULL, rn, rn_len, &pub, NOW, NOW + 86400, NULL};
    CU_ASSERT_EQUAL_FATAL(x509_sign(&p, &ca_key, &der, &der_len), GLASS_OK);
    CU_ASSERT_EQUAL_FATAL(x509_parse(root, der, der_len), GLASS_OK);
    free(der);
    rsa_public_from_private(&pub, &leaf_key);
    p.issuer = root;
    p.subject_der = ln;
    p.subject_len = ln_len;
    p.subject_pub = &pub;
    CU_ASSERT_EQUAL_FATAL(x509_sign(&p, &ca_key, &der, &der_len), GLASS_OK);
    CU_ASSERT_EQUAL_FATAL(x509_parse(leaf, der, der_len), GLASS_OK);
    free(der);
    free(rn);
    free(ln);
    rsa_public_clear(&pub);
}

static void test_pkcs12_round_trip(void)
{
    x509_cert root, leaf;
    uint8_t *der = NULL;
    size_t len = 0;
    pkcs12_contents c;
    make_pair(&root, &leaf);
    TU_ASSERT_ERR(pkcs12_create(&leaf_key, &leaf, &root, 1, "alice", "p12 pw", 10, &der, &len),
                  GLASS_OK);
    pkcs12_contents_init(&c);
    TU_ASSERT_ERR(pkcs12_parse(der, len, "p12 pw", &c), GLASS_OK);
    CU_ASSERT_TRUE(c.have_key);
    CU_ASSERT_EQUAL(mpz_cmp(c.key.d, leaf_key.d), 0);
    CU_ASSERT_EQUAL_FATAL(c.n_certs, 2);
    CU_ASSERT_EQUAL(c.certs[0].der_len, leaf.der_len);   /* the key's own first */
    CU_ASSERT_EQUAL(memcmp(c.certs[0].der, leaf.der, leaf.der_len), 0);
    CU_ASSERT_STRING_EQUAL(c.name, "alice");
    CU_ASSERT_PTR_NOT_NULL(strstr(c.info, "MAC: sha256, Iteration 10"));
    CU_ASSERT_PTR_NOT_NULL(strstr(c.info, "Shrouded Keybag: PBES2, PBKDF2, AES-256-CBC"));
    pkcs12_contents_free(&c);

    /* The wrong password stops at the MAC, before anything is decrypted. */
    pkcs12_contents_init(&c);
    TU_ASSERT_ERR(pkcs12_parse(der, len, "wrong", &c), GLASS_ERR_KEY_PASSWORD);
    CU_ASSERT_EQUAL(c.n_certs, 0);
    CU_ASSERT_FALSE(c.have_key);
    pkcs12_contents_free(&c);
    /* Any changed byte is refused, never accepted, never a crash. */
    for (size_t i = 0; i < len; i += 7) {
        der[i] ^= 0x01;
        pkcs12_contents_init(&c);
        CU_ASSERT_NOT_EQUAL(pkcs12_parse(der, len, "p12 pw", &c), GLASS_OK);
        pkcs12_contents_free(&c);
        der[i] ^= 0x01;
    }
    /* Every truncation too. */
    for (size_t cut = 0; cut < len; cut += 13) {
        pkcs12_contents_init(&c);
        CU_ASSERT_NOT_EQUAL(pkcs12_parse(der, cut, "p12 pw", &c), GLASS_OK);
        pkcs12_contents_free(&c);
    }
    free(der);
    /* The key must be the certificate's; a password is required. */
    TU_ASSERT_ERR(pkcs12_create(&ca_key, &leaf, NULL, 0, NULL, "pw", 1, &der, &len), GLASS_ERR_ARG);
    TU_ASSERT_ERR(pkcs12_create(&leaf_key, &leaf, NULL, 0, NULL, "", 1, &der, &len), GLASS_ERR_ARG);
    x509_free(&leaf);
    x509_free(&root);
}

void suite_pki(void)
{
    CU_pSuite s = CU_add_suite("pki", keys_init, keys_clear);
    if (s == NULL) {
        fprintf(stderr, "cannot add suite pki\n");
        exit(2);
    }
    TU_ADD(s, test_ext_lines);
    TU_ADD(s, test_ext_file);
    TU_ADD(s, test_serials);
    TU_ADD(s, test_sign);
    TU_ADD(s, test_pkcs12_kdf);
    TU_ADD(s, test_pkcs12_round_trip);
}
