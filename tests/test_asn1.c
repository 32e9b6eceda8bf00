/*
 * test_asn1.c — the DER decoder's rules (X.690 §8, §10), the encoder,
 * Base64 (RFC 4648 §10 vectors) and PEM (RFC 7468).
 *
 * Each negative test names the rule it enforces and asserts the exact error.
 */
#include "testutil.h"

#include "asn1/asn1.h"

#include <stdlib.h>
#include <string.h>

static glass_err parse_hex(const char *hex, uint8_t tag)
{
    size_t len = 0;
    uint8_t *der = tu_hex(hex, &len);
    der_elem e;
    glass_err err = der_parse_one(der, len, tag, &e);
    free(der);
    return err;
}

static glass_err read_int_hex(const char *hex)
{
    size_t len = 0;
    uint8_t *der = tu_hex(hex, &len);
    der_reader r;
    const uint8_t *v;
    size_t n;
    der_reader_init(&r, der, len);
    glass_err err = der_read_integer(&r, &v, &n);
    free(der);
    return err;
}

/* ---- decoder: accepted forms ---- */

static void test_der_read_basic(void)
{
    der_elem e;
    size_t len;
    uint8_t *der = tu_hex("300702010502020080", &len);
    TU_ASSERT_ERR(der_parse_one(der, len, DER_SEQUENCE, &e), GLASS_OK);
    CU_ASSERT_EQUAL(e.hdr_len, 2);
    CU_ASSERT_EQUAL(e.len, 7);
    der_reader r = der_enter(&e);
    long x;
    TU_ASSERT_ERR(der_read_long(&r, &x), GLASS_OK);
    CU_ASSERT_EQUAL(x, 5);
    TU_ASSERT_ERR(der_read_long(&r, &x), GLASS_OK);
    CU_ASSERT_EQUAL(x, 128);
    CU_ASSERT(der_at_end(&r));
    TU_ASSERT_ERR(der_finish(&r), GLASS_OK);
    free(der);
    /* long form used for exactly 128 bytes: 04 81 80 ... */
    uint8_t big[3 + 128];
    big[0] = 0x04;
    big[1] = 0x81;
    big[2] = 0x80;
    memset(big + 3, 0xab, 128);
    TU_ASSERT_ERR(der_parse_one(big, sizeof big, DER_OCTET_STRING, &e), GLASS_OK);
    CU_ASSERT_EQUAL(e.len, 128);
}

/* ---- decoder: every rejection, with its rule ---- */

static void test_der_truncated(void)
{
    /* X.690 §8.1.3: the contents must be there — a SEQUENCE announcing 6
     * bytes with 5 present, and a header cut short. */
    TU_ASSERT_ERR(parse_hex("3007020105020200", DER_SEQUENCE), GLASS_ERR_DER_TRUNCATED);
    TU_ASSERT_ERR(parse_hex("30", DER_SEQUENCE), GLASS_ERR_DER_TRUNCATED);
    TU_ASSERT_ERR(parse_hex("", DER_SEQUENCE), GLASS_ERR_DER_TRUNCATED);
    TU_ASSERT_ERR(parse_hex("3082", DER_SEQUENCE), GLASS_ERR_DER_TRUNCATED);
}

static void test_der_length_larger_than_input(void)
{
    /* A length far beyond the buffer must be caught before it is used
     * (0x7fffffff, and the largest 4-byte length). */
    TU_ASSERT_ERR(parse_hex("04847fffffff00", DER_OCTET_STRING), GLASS_ERR_DER_TRUNCATED);
    TU_ASSERT_ERR(parse_hex("0484ffffffff00", DER_OCTET_STRING), GLASS_ERR_DER_TRUNCATED);
    /* more than 4 length bytes: refused outright */
    TU_ASSERT_ERR(parse_hex("0485010000000000", DER_OCTET_STRING), GLASS_ERR_DER_LENGTH);
}

static void test_der_wrong_tag(void)
{
    TU_ASSERT_ERR(parse_hex("020105", DER_SEQUENCE), GLASS_ERR_DER_TAG);
    TU_ASSERT_ERR(parse_hex("310302010a", DER_SEQUENCE), GLASS_ERR_DER_TAG);
    /* the multi-byte tag form (number 31 and above) is not used by anything
     * we read (X.690 §8.1.2.4) */
    TU_ASSERT_ERR(parse_hex("1f2001ff", 0x1f), GLASS_ERR_DER_TAG);
}

static void test_der_trailing(void)
{
    /* One element per buffer: bytes after it are an error, not ignored. */
    TU_ASSERT_ERR(parse_hex("02010500", DER_INTEGER), GLASS_ERR_DER_TRAILING);
    TU_ASSERT_ERR(parse_hex("3003020105ff", DER_SEQUENCE), GLASS_ERR_DER_TRAILING);
}

static void test_der_nonminimal_length(void)
{
    /* X.690 §10.1: the long form for a length below 128, and a leading zero
     * length byte, are not the shortest encoding. */
    TU_ASSERT_ERR(parse_hex("048105" "0102030405", DER_OCTET_STRING), GLASS_ERR_DER_LENGTH);
    TU_ASSERT_ERR(parse_hex("04820005" "0102030405", DER_OCTET_STRING), GLASS_ERR_DER_LENGTH);
}

static void test_der_indefinite(void)
{
    /* X.690 §8.1.3.6 (BER only) / §10.1: 0x80 = indefinite length. */
    TU_ASSERT_ERR(parse_hex("3080020105" "0000", DER_SEQUENCE), GLASS_ERR_DER_INDEFINITE);
}

static void test_der_nonminimal_integer(void)
{
    /* X.690 §8.3.2: the first 9 bits must not be all 0 or all 1. */
    TU_ASSERT_ERR(read_int_hex("02020005"), GLASS_ERR_DER_INTEGER);
    TU_ASSERT_ERR(read_int_hex("0202ff80"), GLASS_ERR_DER_INTEGER);
    TU_ASSERT_ERR(read_int_hex("0200"), GLASS_ERR_DER_INTEGER);
    TU_ASSERT_ERR(read_int_hex("02020080"), GLASS_OK);
    TU_ASSERT_ERR(read_int_hex("0201ff"), GLASS_OK);
}

static void test_der_values(void)
{
    der_reader r;
    size_t len;
    int b;
    /* BOOLEAN TRUE must be 0xFF in DER (X.690 §11.1). */
    uint8_t *der = tu_hex("010101", &len);
    der_reader_init(&r, der, len);
    TU_ASSERT_ERR(der_read_bool(&r, &b), GLASS_ERR_DER_VALUE);
    free(der);
    der = tu_hex("0101ff", &len);
    der_reader_init(&r, der, len);
    TU_ASSERT_ERR(der_read_bool(&r, &b), GLASS_OK);
    CU_ASSERT_EQUAL(b, 1);
    free(der);
    /* BIT STRING: unused bits must be zero (X.690 §11.2.1), count <= 7. */
    const uint8_t *bits;
    size_t n;
    unsigned unused;
    der = tu_hex("030205a1", &len);
    der_reader_init(&r, der, len);
    TU_ASSERT_ERR(der_read_bit_string(&r, &bits, &n, &unused), GLASS_ERR_DER_VALUE);
    free(der);
    der = tu_hex("030208a0", &len);
    der_reader_init(&r, der, len);
    TU_ASSERT_ERR(der_read_bit_string(&r, &bits, &n, &unused), GLASS_ERR_DER_VALUE);
    free(der);
    /* OID subidentifier padded with 0x80 (X.690 §8.19.2). */
    const uint8_t *oid;
    der = tu_hex("0603808001", &len);
    der_reader_init(&r, der, len);
    TU_ASSERT_ERR(der_read_oid(&r, &oid, &n), GLASS_ERR_DER_VALUE);
    free(der);
    /* NULL with contents. */
    der = tu_hex("050100", &len);
    der_reader_init(&r, der, len);
    TU_ASSERT_ERR(der_read_null(&r), GLASS_ERR_DER_VALUE);
    free(der);
}

static void test_der_times(void)
{
    int64_t t;
    /* RFC 5280 §4.1.2.5.1: YY >= 50 is 19YY. */
    TU_ASSERT_ERR(der_parse_time(DER_UTC_TIME, (const uint8_t *)"700101000000Z", 13, &t), GLASS_OK);
    CU_ASSERT_EQUAL(t, 0);
    TU_ASSERT_ERR(der_parse_time(DER_UTC_TIME, (const uint8_t *)"491231235959Z", 13, &t), GLASS_OK);
    CU_ASSERT_EQUAL(t, 2524607999LL);
    TU_ASSERT_ERR(der_parse_time(DER_GENERALIZED_TIME, (const uint8_t *)"20500101000000Z", 15, &t),
                  GLASS_OK);
    CU_ASSERT_EQUAL(t, 2524608000LL);
    /* no seconds, a fraction, a local time, a 30th of February */
    TU_ASSERT_ERR(der_parse_time(DER_UTC_TIME, (const uint8_t *)"7001010000Z", 11, &t),
                  GLASS_ERR_DER_VALUE);
    TU_ASSERT_ERR(der_parse_time(DER_GENERALIZED_TIME, (const uint8_t *)"20500101000000.5Z", 17,
                                 &t), GLASS_ERR_DER_VALUE);
    TU_ASSERT_ERR(der_parse_time(DER_UTC_TIME, (const uint8_t *)"700101000000+", 13, &t),
                  GLASS_ERR_DER_VALUE);
    TU_ASSERT_ERR(der_parse_time(DER_UTC_TIME, (const uint8_t *)"240230000000Z", 13, &t),
                  GLASS_ERR_DER_VALUE);

    /* The encoder switches to GeneralizedTime in 2050 (RFC 5280 §4.1.2.5). */
    der_buf b;
    uint8_t *out;
    size_t len;
    der_buf_init(&b);
    der_put_time(&b, 2524607999LL);
    der_put_time(&b, 2524608000LL);
    TU_ASSERT_ERR(der_buf_take(&b, &out, &len), GLASS_OK);
    CU_ASSERT_EQUAL(len, 15 + 17);
    CU_ASSERT_EQUAL(out[0], DER_UTC_TIME);
    CU_ASSERT(memcmp(out + 2, "491231235959Z", 13) == 0);
    CU_ASSERT_EQUAL(out[15], DER_GENERALIZED_TIME);
    CU_ASSERT(memcmp(out + 17, "20500101000000Z", 15) == 0);
    free(out);
}

/* ---- encoder ---- */

static void test_der_encode(void)
{
    der_buf b;
    uint8_t *out;
    size_t len;
    uint8_t *want;
    size_t want_len;
    uint8_t big[200];
    memset(big, 0x11, sizeof big);

    der_buf_init(&b);
    size_t at = der_begin(&b);
    der_put_uint(&b, 0);
    der_put_uint(&b, 127);
    der_put_uint(&b, 128);
    der_put_uint(&b, 65537);
    der_put_bool(&b, 1);
    der_put_null(&b);
    der_put_oid(&b, OID_AT_CN.der, OID_AT_CN.len);
    der_end(&b, at, DER_SEQUENCE);
    TU_ASSERT_ERR(der_buf_take(&b, &out, &len), GLASS_OK);
    want = tu_hex("301902010002017f0202008002030100010101ff0500060355" "0403", &want_len);
    CU_ASSERT_EQUAL(len, want_len);
    CU_ASSERT(len == want_len && memcmp(out, want, len) == 0);
    free(out);
    free(want);

    /* a 200-byte element gets the two-byte long form 81 c8 */
    der_buf_init(&b);
    der_put_octets(&b, big, sizeof big);
    TU_ASSERT_ERR(der_buf_take(&b, &out, &len), GLASS_OK);
    CU_ASSERT_EQUAL(len, 203);
    CU_ASSERT_EQUAL(out[1], 0x81);
    CU_ASSERT_EQUAL(out[2], 0xc8);
    der_elem e;
    TU_ASSERT_ERR(der_parse_one(out, len, DER_OCTET_STRING, &e), GLASS_OK);
    free(out);

    char dotted[64];
    TU_ASSERT_ERR(der_oid_to_dotted(OID_RSA_ENCRYPTION.der, OID_RSA_ENCRYPTION.len, dotted,
                                    sizeof dotted), GLASS_OK);
    CU_ASSERT_STRING_EQUAL(dotted, "1.2.840.113549.1.1.1");
    CU_ASSERT_STRING_EQUAL(der_oid_name(OID_CE_SAN.der, OID_CE_SAN.len), "subjectAltName");
}

/* ---- Base64 ---- */

static void test_base64_rfc4648(void)
{
    /* RFC 4648 §10 test vectors. */
    static const char *const plain[] = {"", "f", "fo", "foo", "foob", "fooba", "foobar"};
    static const char *const coded[] = {"", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==", "Zm9vYmE=",
                                        "Zm9vYmFy"};
    for (int i = 0; i < 7; i++) {
        char out[16];
        uint8_t *back = NULL;
        size_t n = 0;
        TU_ASSERT_ERR(base64_encode((const uint8_t *)plain[i], strlen(plain[i]), out, sizeof out),
                      GLASS_OK);
        CU_ASSERT_STRING_EQUAL(out, coded[i]);
        TU_ASSERT_ERR(base64_decode(coded[i], strlen(coded[i]), &back, &n), GLASS_OK);
        CU_ASSERT_EQUAL(n, strlen(plain[i]));
        CU_ASSERT(memcmp(back, plain[i], n) == 0);
        free(back);
    }
}

static void test_base64_rejects(void)
{
    uint8_t *out = NULL;
    size_t n;
    TU_ASSERT_ERR(base64_decode("Zm9", 3, &out, &n), GLASS_ERR_BASE64);      /* not 4k chars */
    TU_ASSERT_ERR(base64_decode("Zm=v", 4, &out, &n), GLASS_ERR_BASE64);     /* pad inside */
    TU_ASSERT_ERR(base64_decode("Zg==Zg==", 8, &out, &n), GLASS_ERR_BASE64); /* pad then more */
    TU_ASSERT_ERR(base64_decode("Zh==", 4, &out, &n), GLASS_ERR_BASE64);     /* non-zero pad bits */
    TU_ASSERT_ERR(base64_decode("Zm9!", 4, &out, &n), GLASS_ERR_BASE64);     /* alphabet */
}

/* ---- PEM ---- */

static void test_pem_round_trip_and_lax(void)
{
    uint8_t der[100];
    char *pem = NULL;
    size_t pem_len = 0;
    for (size_t i = 0; i < sizeof der; i++)
        der[i] = (uint8_t)(i * 7);
    TU_ASSERT_ERR(pem_encode(PEM_CERTIFICATE, der, sizeof der, &pem, &pem_len), GLASS_OK);
    CU_ASSERT(strncmp(pem, "-----BEGIN CERTIFICATE-----\n", 28) == 0);
    /* 100 bytes -> 136 Base64 characters -> lines of 64, 64, 8 */
    CU_ASSERT_EQUAL(pem[28 + 64], '\n');
    uint8_t *back = NULL;
    size_t n = 0, used = 0;
    char label[PEM_LABEL_MAX];
    TU_ASSERT_ERR(pem_decode(pem, pem_len, NULL, label, &back, &n, &used), GLASS_OK);
    CU_ASSERT_STRING_EQUAL(label, "CERTIFICATE");
    CU_ASSERT_EQUAL(n, sizeof der);
    CU_ASSERT(memcmp(back, der, n) == 0);
    CU_ASSERT_EQUAL(used, pem_len - 1);
    free(back);
    free(pem);

    /* RFC 7468 §3 lax form: text before, CRLF, long lines, indentation */
    const char *lax = "explanatory text\r\n-----BEGIN X509 CRL-----\r\n"
                      "  Zm9vYmFyZm9vYmFyZm9vYmFyZm9vYmFyZm9vYmFyZm9vYmFyZm9vYmFyZm9vYmFyZm9vYmFy\r\n"
                      "\tZm9v \r\n-----END X509 CRL-----\r\n";
    TU_ASSERT_ERR(pem_decode(lax, strlen(lax), PEM_X509_CRL, NULL, &back, &n, NULL), GLASS_OK);
    CU_ASSERT_EQUAL(n, 57);
    free(back);
}

static void test_pem_rejects(void)
{
    uint8_t *der = NULL;
    size_t n;
    const char *headers = "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\n"
                          "DEK-Info: AES-256-CBC,00112233445566778899AABBCCDDEEFF\n\nZm9v\n"
                          "-----END RSA PRIVATE KEY-----\n";
    TU_ASSERT_ERR(pem_decode(headers, strlen(headers), NULL, NULL, &der, &n, NULL),
                  GLASS_ERR_PEM_HEADERS);
    const char *mismatch = "-----BEGIN CERTIFICATE-----\nZm9v\n-----END X509 CRL-----\n";
    TU_ASSERT_ERR(pem_decode(mismatch, strlen(mismatch), NULL, NULL, &der, &n, NULL), GLASS_ERR_PEM);
    const char *cert = "-----BEGIN CERTIFICATE-----\nZm9v\n-----END CERTIFICATE-----\n";
    TU_ASSERT_ERR(pem_decode(cert, strlen(cert), PEM_PRIVATE_KEY, NULL, &der, &n, NULL),
                  GLASS_ERR_PEM_LABEL);
    TU_ASSERT_ERR(pem_decode("no pem here", 11, NULL, NULL, &der, &n, NULL), GLASS_ERR_PEM);
    const char *bad = "-----BEGIN CERTIFICATE-----\nZm9v=\n-----END CERTIFICATE-----\n";
    TU_ASSERT_ERR(pem_decode(bad, strlen(bad), NULL, NULL, &der, &n, NULL), GLASS_ERR_BASE64);
}

void suite_asn1(void)
{
    CU_pSuite s = tu_suite("asn1");
    TU_ADD(s, test_der_read_basic);
    TU_ADD(s, test_der_truncated);
    TU_ADD(s, test_der_length_larger_than_input);
    TU_ADD(s, test_der_wrong_tag);
    TU_ADD(s, test_der_trailing);
    TU_ADD(s, test_der_nonminimal_length);
    TU_ADD(s, test_der_indefinite);
    TU_ADD(s, test_der_nonminimal_integer);
    TU_ADD(s, test_der_values);
    TU_ADD(s, test_der_times);
    TU_ADD(s, test_der_encode);
    TU_ADD(s, test_base64_rfc4648);
    TU_ADD(s, test_base64_rejects);
    TU_ADD(s, test_pem_round_trip_and_lax);
    TU_ADD(s, test_pem_rejects);
}
