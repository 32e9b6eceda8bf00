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
    der_put_oid(&b, ASN1_OID_AT_CN.der, ASN1_OID_AT_CN.len);
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
    TU_ASSERT_ERR(der_oid_to_dotted(ASN1_OID_RSA_ENCRYPTION.der, ASN1_OID_RSA_ENCRYPTION.len, dotted,
                                    sizeof dotted), GLASS_OK);
    CU_ASSERT_STRING_EQUAL(dotted, "1.2.840.113549.1.1.1");
    CU_ASSERT_STRING_EQUAL(der_oid_name(ASN1_OID_CE_SAN.der, ASN1_OID_CE_SAN.len), "subjectAltName");
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
        TU_ASSERT_ERR(pem_base64_encode((const uint8_t *)plain[i], strlen(plain[i]), out, sizeof out),
                      GLASS_OK);
        CU_ASSERT_STRING_EQUAL(out, coded[i]);
        TU_ASSERT_ERR(pem_base64_decode(coded[i], strlen(coded[i]), &back, &n), GLASS_OK);
        CU_ASSERT_EQUAL(n, strlen(plain[i]));
        CU_ASSERT(memcmp(back, plain[i], n) == 0);
        free(back);
    }
}

static void test_base64_rejects(void)
{
    uint8_t *out = NULL;
    size_t n;
    TU_ASSERT_ERR(pem_base64_decode("Zm9", 3, &out, &n), GLASS_ERR_BASE64);      /* not 4k chars */
    TU_ASSERT_ERR(pem_base64_decode("Zm=v", 4, &out, &n), GLASS_ERR_BASE64);     /* pad inside */
    TU_ASSERT_ERR(pem_base64_decode("Zg==Zg==", 8, &out, &n), GLASS_ERR_BASE64); /* pad then more */
    TU_ASSERT_ERR(pem_base64_decode("Zh==", 4, &out, &n), GLASS_ERR_BASE64);     /* non-zero pad bits */
    TU_ASSERT_ERR(pem_base64_decode("Zm9!", 4, &out, &n), GLASS_ERR_BASE64);     /* alphabet */
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

/* ---- the annotated walk (annotate.c) ---- */

/* What the callback saw, copied out (the note's pointers live only during
 * the call). */
typedef struct seen {
    size_t n;
    struct {
        unsigned depth;
        size_t offset;
        uint8_t tag;
        size_t hdr_len, len;
        int opens, header_in_place;
        char field[80], value[120];
    } v[100];
    const uint8_t *base;
} seen;

static void remember(void *arg, const der_note *note)
{
    seen *s = arg;
    if (s->n >= 100)
        return;
    s->v[s->n].depth = note->depth;
    s->v[s->n].offset = note->offset;
    s->v[s->n].tag = note->elem->tag;
    s->v[s->n].hdr_len = note->elem->hdr_len;
    s->v[s->n].len = note->elem->len;
    s->v[s->n].opens = note->opens;
    s->v[s->n].header_in_place = note->elem->start == s->base + note->offset;
    snprintf(s->v[s->n].field, sizeof s->v[s->n].field, "%s",
             note->field != NULL ? note->field : "");
    snprintf(s->v[s->n].value, sizeof s->v[s->n].value, "%s", note->value);
    s->n++;
}

static int seen_find(const seen *s, const char *field)
{
    for (size_t i = 0; i < s->n; i++)
        if (strcmp(s->v[i].field, field) == 0)
            return (int)i;
    return -1;
}

/* A small certificate, every field of RFC 5280 §4.1 present once (the
 * signature and key are short dummies: the walk reads structure only). */
static void small_cert(uint8_t **der, size_t *len)
{
    static const uint8_t n[] = {0x00, 0xc3, 0x11, 0x22, 0x33};
    static const uint8_t sig[] = {0xde, 0xad, 0xbe, 0xef};
    der_buf b, key, bc;
    uint8_t *kd = NULL, *bd = NULL;
    size_t kl = 0, bl = 0;
    der_buf_init(&key);
    size_t k0 = der_begin(&key);
    der_put_integer_unsigned(&key, n + 1, sizeof n - 1);
    der_put_uint(&key, 65537);
    der_end(&key, k0, DER_SEQUENCE);
    CU_ASSERT_EQUAL(der_buf_take(&key, &kd, &kl), GLASS_OK);
    der_buf_init(&bc);
    size_t b0 = der_begin(&bc);
    der_put_bool(&bc, 1);
    der_end(&bc, b0, DER_SEQUENCE);
    CU_ASSERT_EQUAL(der_buf_take(&bc, &bd, &bl), GLASS_OK);

    der_buf_init(&b);
    size_t c = der_begin(&b), tbs = der_begin(&b), v = der_begin(&b);
    der_put_uint(&b, 2);
    der_end(&b, v, DER_CONTEXT_CONS(0));
    der_put_uint(&b, 5);
    size_t a = der_begin(&b);
    der_put_oid(&b, ASN1_OID_SHA256_WITH_RSA.der, ASN1_OID_SHA256_WITH_RSA.len);
    der_put_null(&b);
    der_end(&b, a, DER_SEQUENCE);
    for (int k = 0; k < 3; k++) {      /* issuer, validity, subject */
        size_t x = der_begin(&b);
        if (k == 1) {
            der_put_time(&b, 1767225600);
            der_put_time(&b, 1798761600);
        } else {
            size_t set = der_begin(&b), atv = der_begin(&b);
            der_put_oid(&b, ASN1_OID_AT_CN.der, ASN1_OID_AT_CN.len);
            der_put_tlv(&b, DER_UTF8_STRING, k == 0 ? "ca" : "alice", k == 0 ? 2 : 5);
            der_end(&b, atv, DER_SEQUENCE);
            der_end(&b, set, DER_SET);
        }
        der_end(&b, x, DER_SEQUENCE);
    }
    size_t spki = der_begin(&b);
    a = der_begin(&b);
    der_put_oid(&b, ASN1_OID_RSA_ENCRYPTION.der, ASN1_OID_RSA_ENCRYPTION.len);
    der_put_null(&b);
    der_end(&b, a, DER_SEQUENCE);
    der_put_bit_string(&b, kd, kl, 0);
    der_end(&b, spki, DER_SEQUENCE);
    size_t x3 = der_begin(&b), exts = der_begin(&b), ext = der_begin(&b);
    der_put_oid(&b, ASN1_OID_CE_BASIC_CONSTRAINTS.der, ASN1_OID_CE_BASIC_CONSTRAINTS.len);
    der_put_bool(&b, 1);
    der_put_octets(&b, bd, bl);
    der_end(&b, ext, DER_SEQUENCE);
    der_end(&b, exts, DER_SEQUENCE);
    der_end(&b, x3, DER_CONTEXT_CONS(3));
    der_end(&b, tbs, DER_SEQUENCE);
    a = der_begin(&b);
    der_put_oid(&b, ASN1_OID_SHA256_WITH_RSA.der, ASN1_OID_SHA256_WITH_RSA.len);
    der_put_null(&b);
    der_end(&b, a, DER_SEQUENCE);
    der_put_bit_string(&b, sig, sizeof sig, 0);
    der_end(&b, c, DER_SEQUENCE);
    CU_ASSERT_EQUAL(der_buf_take(&b, der, len), GLASS_OK);
    free(kd);
    free(bd);
}

static void test_annotate_certificate(void)
{
    uint8_t *der = NULL;
    size_t len = 0;
    small_cert(&der, &len);
    if (der == NULL)
        return;
    const der_schema *cert = der_schema_for_label(PEM_CERTIFICATE);
    CU_ASSERT_PTR_NOT_NULL(cert);
    CU_ASSERT_PTR_EQUAL(der_schema_guess(der, len), cert);
    seen s;
    memset(&s, 0, sizeof s);
    s.base = der;
    der_fault fault;
    TU_ASSERT_ERR(der_annotate(der, len, cert, remember, &s, &fault), GLASS_OK);
    CU_ASSERT_EQUAL(fault.err, GLASS_OK);
    /* Every element is reported once, in order, with its header where the
     * offset says; they tile the input at each level. */
    CU_ASSERT_EQUAL(s.n, 41);
    CU_ASSERT_EQUAL(s.v[0].offset, 0);
    CU_ASSERT_EQUAL(s.v[0].hdr_len + s.v[0].len, len);
    CU_ASSERT_STRING_EQUAL(s.v[0].field, "Certificate (RFC 5280 §4.1)");
    for (size_t i = 0; i < s.n; i++) {
        CU_ASSERT(s.v[i].header_in_place);
        if (i > 0)
            CU_ASSERT(s.v[i].offset > s.v[i - 1].offset);
    }
    int i = seen_find(&s, "serialNumber");
    CU_ASSERT(i > 0 && s.v[i].depth == 2 && strcmp(s.v[i].value, " = 5") == 0);
    i = seen_find(&s, "type");
    CU_ASSERT(i > 0 && strcmp(s.v[i].value, " = commonName (2.5.4.3)") == 0);
    i = seen_find(&s, "value");
    CU_ASSERT(i > 0 && strcmp(s.v[i].value, " = \"ca\"") == 0);
    i = seen_find(&s, "notBefore");
    CU_ASSERT(i > 0 && strcmp(s.v[i].value, " = 260101000000Z (2026-01-01 00:00:00 UTC)") == 0);
    /* The BIT STRING holding RSAPublicKey is opened, one level deeper. */
    i = seen_find(&s, "subjectPublicKey (holds RSAPublicKey)");
    CU_ASSERT(i > 0 && s.v[i].opens == 1);
    int m = seen_find(&s, "modulus n");
    CU_ASSERT(m == i + 2 && s.v[m].depth == s.v[i].depth + 2);
    CU_ASSERT(m > 0 && strcmp(s.v[m].value, " = 3272679987") == 0);
    m = seen_find(&s, "publicExponent e");
    CU_ASSERT(m > 0 && strcmp(s.v[m].value, " = 65537") == 0);
    i = seen_find(&s, "extnID");
    CU_ASSERT(i > 0 && strcmp(s.v[i].value, " = basicConstraints (2.5.29.19)") == 0);
    i = seen_find(&s, "critical");
    CU_ASSERT(i > 0 && strcmp(s.v[i].value, " = TRUE") == 0);
    i = seen_find(&s, "extnValue (holds the extension's DER)");
    CU_ASSERT(i > 0 && s.v[i].opens == 1);
    i = seen_find(&s, "signatureValue");
    CU_ASSERT(i > 0 && s.v[i].depth == 1 && s.v[i].opens == 0 &&
              strcmp(s.v[i].value, " = 0 unused bits, deadbeef") == 0);
    i = seen_find(&s, "parameters");
    CU_ASSERT(i > 0 && strcmp(s.v[i].value, " (no value)") == 0);
    /* Without a schema: the same elements, no names. */
    seen bare;
    memset(&bare, 0, sizeof bare);
    bare.base = der;
    TU_ASSERT_ERR(der_annotate(der, len, NULL, remember, &bare, NULL), GLASS_OK);
    CU_ASSERT_EQUAL(bare.n, s.n);
    CU_ASSERT_EQUAL(seen_find(&bare, "serialNumber"), -1);
    free(der);
}

static void test_annotate_faults(void)
{
    /* X.690 §8.1.3: a length past the end — the elements before it are
     * still reported, and the fault names the element's offset. */
    size_t len = 0;
    uint8_t *der = tu_hex("3006020101020300", &len);
    seen s;
    memset(&s, 0, sizeof s);
    s.base = der;
    der_fault fault;
    TU_ASSERT_ERR(der_annotate(der, len, NULL, remember, &s, &fault), GLASS_ERR_DER_TRUNCATED);
    CU_ASSERT_EQUAL(fault.err, GLASS_ERR_DER_TRUNCATED);
    CU_ASSERT_EQUAL(fault.offset, 5);
    CU_ASSERT_EQUAL(fault.too_deep, 0);
    CU_ASSERT_EQUAL(s.n, 2);
    free(der);
    /* Indefinite length (X.690 §10.1: BER, not DER). */
    der = tu_hex("30800000", &len);
    TU_ASSERT_ERR(der_annotate(der, len, NULL, remember, &s, &fault), GLASS_ERR_DER_INDEFINITE);
    CU_ASSERT_EQUAL(fault.offset, 0);
    free(der);
    /* Nesting deeper than DER_ANNOTATE_MAX_DEPTH stops cleanly. */
    uint8_t deep[3 * 80];
    size_t at = sizeof deep;
    for (size_t k = 0; k < 80; k++) {      /* from the inside out */
        size_t inner = sizeof deep - at;
        if (inner > 127)
            deep[--at] = (uint8_t)inner, deep[--at] = 0x81;
        else
            deep[--at] = (uint8_t)inner;
        deep[--at] = DER_SEQUENCE;
    }
    memset(&s, 0, sizeof s);
    s.base = deep + at;
    TU_ASSERT_ERR(der_annotate(deep + at, sizeof deep - at, NULL, remember, &s, &fault), GLASS_ERR_DER_VALUE);
    CU_ASSERT_EQUAL(fault.too_deep, 1);
    CU_ASSERT_EQUAL(s.n, DER_ANNOTATE_MAX_DEPTH + 1);
    TU_ASSERT_ERR(der_annotate(deep + at, sizeof deep - at, NULL, NULL, NULL, NULL), GLASS_ERR_ARG);
}

static void test_annotate_octets(void)
{
    /* An OCTET STRING whose bytes only begin like DER is not opened... */
    size_t len = 0;
    uint8_t *der = tu_hex("0403300500", &len);
    seen s;
    memset(&s, 0, sizeof s);
    s.base = der;
    TU_ASSERT_ERR(der_annotate(der, len, NULL, remember, &s, NULL), GLASS_OK);
    CU_ASSERT_EQUAL(s.n, 1);
    CU_ASSERT_EQUAL(s.v[0].opens, 0);
    CU_ASSERT_STRING_EQUAL(s.v[0].value, " = 300500");
    free(der);
    /* ...one that holds a whole SEQUENCE is, and its contents follow. */
    der = tu_hex("04053003020107", &len);
    memset(&s, 0, sizeof s);
    s.base = der;
    TU_ASSERT_ERR(der_annotate(der, len, NULL, remember, &s, NULL), GLASS_OK);
    CU_ASSERT_EQUAL(s.n, 3);
    CU_ASSERT_EQUAL(s.v[0].opens, 1);
    CU_ASSERT(s.v[1].depth == 1 && s.v[1].offset == 2 && s.v[1].tag == DER_SEQUENCE);
    CU_ASSERT(s.v[2].depth == 2 && strcmp(s.v[2].value, " = 7") == 0);
    free(der);
    CU_ASSERT_PTR_NULL(der_schema_for_label("NO SUCH LABEL"));
    char tb[32];
    CU_ASSERT_STRING_EQUAL(der_tag_name(DER_CONTEXT_CONS(3), tb, sizeof tb), "[3]");
    CU_ASSERT_STRING_EQUAL(der_tag_name(DER_SET, tb, sizeof tb), "SET");
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
    TU_ADD(s, test_annotate_certificate);
    TU_ADD(s, test_annotate_faults);
    TU_ADD(s, test_annotate_octets);
}
