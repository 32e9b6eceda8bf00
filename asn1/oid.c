/*
 * oid.c — the object identifiers glasstls knows by name (X.690 §8.19).
 *
 * An OID's contents are its arcs in base 128, big-endian, seven bits per
 * byte, the high bit set on every byte of an arc but its last; the first
 * two arcs share one number, 40*X + Y (§8.19.4):
 *
 *     1.2.840.113549.1.1.1  (rsaEncryption)
 *     2a 86 48 86 f7 0d 01 01 01
 *     |  \___/ \______/ |  |  |
 *     |   840   113549   1  1  1
 *     40*1+2 = 42 = 0x2a
 *
 * Arc values are taken from the documents that define them: RFC 8017
 * App. C (PKCS #1), RFC 8018 App. C (PKCS #5), RFC 5280 §4.2 and App. A,
 * RFC 2985 (PKCS #9), NIST's Computer Security Objects Register.
 *
 * CT: not applicable (public constants).
 */
#include "asn1/asn1.h"

#include <stdio.h>
#include <string.h>

static const uint8_t oid_rsa_encryption_der[] = {0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01};
const der_oid ASN1_OID_RSA_ENCRYPTION = {"rsaEncryption", "1.2.840.113549.1.1.1", oid_rsa_encryption_der, sizeof oid_rsa_encryption_der};
static const uint8_t oid_sha256_with_rsa_der[] = {0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0b};
const der_oid ASN1_OID_SHA256_WITH_RSA = {"sha256WithRSAEncryption", "1.2.840.113549.1.1.11", oid_sha256_with_rsa_der, sizeof oid_sha256_with_rsa_der};
static const uint8_t oid_sha256_der[] = {0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01};
const der_oid ASN1_OID_SHA256 = {"sha256", "2.16.840.1.101.3.4.2.1", oid_sha256_der, sizeof oid_sha256_der};
static const uint8_t oid_pbes2_der[] = {0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x05, 0x0d};
const der_oid ASN1_OID_PBES2 = {"PBES2", "1.2.840.113549.1.5.13", oid_pbes2_der, sizeof oid_pbes2_der};
static const uint8_t oid_pbkdf2_der[] = {0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x05, 0x0c};
const der_oid ASN1_OID_PBKDF2 = {"PBKDF2", "1.2.840.113549.1.5.12", oid_pbkdf2_der, sizeof oid_pbkdf2_der};
static const uint8_t oid_hmac_sha256_der[] = {0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x02, 0x09};
const der_oid ASN1_OID_HMAC_SHA256 = {"hmacWithSHA256", "1.2.840.113549.2.9", oid_hmac_sha256_der, sizeof oid_hmac_sha256_der};
static const uint8_t oid_aes256_cbc_der[] = {0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x01, 0x2a};
const der_oid ASN1_OID_AES256_CBC = {"aes256-CBC", "2.16.840.1.101.3.4.1.42", oid_aes256_cbc_der, sizeof oid_aes256_cbc_der};
static const uint8_t oid_at_cn_der[] = {0x55, 0x04, 0x03};
const der_oid ASN1_OID_AT_CN = {"commonName", "2.5.4.3", oid_at_cn_der, sizeof oid_at_cn_der};
static const uint8_t oid_at_c_der[] = {0x55, 0x04, 0x06};
const der_oid ASN1_OID_AT_C = {"countryName", "2.5.4.6", oid_at_c_der, sizeof oid_at_c_der};
static const uint8_t oid_at_l_der[] = {0x55, 0x04, 0x07};
const der_oid ASN1_OID_AT_L = {"localityName", "2.5.4.7", oid_at_l_der, sizeof oid_at_l_der};
static const uint8_t oid_at_st_der[] = {0x55, 0x04, 0x08};
const der_oid ASN1_OID_AT_ST = {"stateOrProvinceName", "2.5.4.8", oid_at_st_der, sizeof oid_at_st_der};
static const uint8_t oid_at_o_der[] = {0x55, 0x04, 0x0a};
const der_oid ASN1_OID_AT_O = {"organizationName", "2.5.4.10", oid_at_o_der, sizeof oid_at_o_der};
static const uint8_t oid_at_ou_der[] = {0x55, 0x04, 0x0b};
const der_oid ASN1_OID_AT_OU = {"organizationalUnitName", "2.5.4.11", oid_at_ou_der, sizeof oid_at_ou_der};
static const uint8_t oid_email_der[] = {0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x01};
const der_oid ASN1_OID_EMAIL = {"emailAddress", "1.2.840.113549.1.9.1", oid_email_der, sizeof oid_email_der};
static const uint8_t oid_extension_request_der[] = {0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x0e};
const der_oid ASN1_OID_EXTENSION_REQUEST = {"extensionRequest", "1.2.840.113549.1.9.14", oid_extension_request_der, sizeof oid_extension_request_der};
static const uint8_t oid_ce_ski_der[] = {0x55, 0x1d, 0x0e};
const der_oid ASN1_OID_CE_SKI = {"subjectKeyIdentifier", "2.5.29.14", oid_ce_ski_der, sizeof oid_ce_ski_der};
static const uint8_t oid_ce_key_usage_der[] = {0x55, 0x1d, 0x0f};
const der_oid ASN1_OID_CE_KEY_USAGE = {"keyUsage", "2.5.29.15", oid_ce_key_usage_der, sizeof oid_ce_key_usage_der};
static const uint8_t oid_ce_san_der[] = {0x55, 0x1d, 0x11};
const der_oid ASN1_OID_CE_SAN = {"subjectAltName", "2.5.29.17", oid_ce_san_der, sizeof oid_ce_san_der};
static const uint8_t oid_ce_basic_constraints_der[] = {0x55, 0x1d, 0x13};
const der_oid ASN1_OID_CE_BASIC_CONSTRAINTS = {"basicConstraints", "2.5.29.19", oid_ce_basic_constraints_der, sizeof oid_ce_basic_constraints_der};
static const uint8_t oid_ce_crl_number_der[] = {0x55, 0x1d, 0x14};
const der_oid ASN1_OID_CE_CRL_NUMBER = {"cRLNumber", "2.5.29.20", oid_ce_crl_number_der, sizeof oid_ce_crl_number_der};
static const uint8_t oid_ce_aki_der[] = {0x55, 0x1d, 0x23};
const der_oid ASN1_OID_CE_AKI = {"authorityKeyIdentifier", "2.5.29.35", oid_ce_aki_der, sizeof oid_ce_aki_der};
static const uint8_t oid_ce_ext_key_usage_der[] = {0x55, 0x1d, 0x25};
const der_oid ASN1_OID_CE_EXT_KEY_USAGE = {"extKeyUsage", "2.5.29.37", oid_ce_ext_key_usage_der, sizeof oid_ce_ext_key_usage_der};
static const uint8_t oid_kp_server_auth_der[] = {0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x01};
const der_oid ASN1_OID_KP_SERVER_AUTH = {"serverAuth", "1.3.6.1.5.5.7.3.1", oid_kp_server_auth_der, sizeof oid_kp_server_auth_der};
static const uint8_t oid_kp_client_auth_der[] = {0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x02};
const der_oid ASN1_OID_KP_CLIENT_AUTH = {"clientAuth", "1.3.6.1.5.5.7.3.2", oid_kp_client_auth_der, sizeof oid_kp_client_auth_der};
static const uint8_t oid_any_eku_der[] = {0x55, 0x1d, 0x25, 0x00};
const der_oid ASN1_OID_ANY_EKU = {"anyExtendedKeyUsage", "2.5.29.37.0", oid_any_eku_der, sizeof oid_any_eku_der};

/* Every OID with a name, for der_oid_name (asn1parse, error messages). */
static const der_oid *const known[] = {
    &ASN1_OID_RSA_ENCRYPTION,
    &ASN1_OID_SHA256_WITH_RSA,
    &ASN1_OID_SHA256,
    &ASN1_OID_PBES2,
    &ASN1_OID_PBKDF2,
    &ASN1_OID_HMAC_SHA256,
    &ASN1_OID_AES256_CBC,
    &ASN1_OID_AT_CN,
    &ASN1_OID_AT_C,
    &ASN1_OID_AT_L,
    &ASN1_OID_AT_ST,
    &ASN1_OID_AT_O,
    &ASN1_OID_AT_OU,
    &ASN1_OID_EMAIL,
    &ASN1_OID_EXTENSION_REQUEST,
    &ASN1_OID_CE_SKI,
    &ASN1_OID_CE_KEY_USAGE,
    &ASN1_OID_CE_SAN,
    &ASN1_OID_CE_BASIC_CONSTRAINTS,
    &ASN1_OID_CE_CRL_NUMBER,
    &ASN1_OID_CE_AKI,
    &ASN1_OID_CE_EXT_KEY_USAGE,
    &ASN1_OID_KP_SERVER_AUTH,
    &ASN1_OID_KP_CLIENT_AUTH,
    &ASN1_OID_ANY_EKU,
};

/* Names only shown by asn1parse (we never act on these). */
static const der_oid shown[] = {
    {"sha1WithRSAEncryption", "1.2.840.113549.1.1.5", (const uint8_t *)"\x2a\x86\x48\x86\xf7\x0d\x01\x01\x05", 9},
    {"sha384WithRSAEncryption", "1.2.840.113549.1.1.12", (const uint8_t *)"\x2a\x86\x48\x86\xf7\x0d\x01\x01\x0c", 9},
    {"sha512WithRSAEncryption", "1.2.840.113549.1.1.13", (const uint8_t *)"\x2a\x86\x48\x86\xf7\x0d\x01\x01\x0d", 9},
    {"rsassaPss", "1.2.840.113549.1.1.10", (const uint8_t *)"\x2a\x86\x48\x86\xf7\x0d\x01\x01\x0a", 9},
    {"sha1", "1.3.14.3.2.26", (const uint8_t *)"\x2b\x0e\x03\x02\x1a", 5},
    {"sha384", "2.16.840.1.101.3.4.2.2", (const uint8_t *)"\x60\x86\x48\x01\x65\x03\x04\x02\x02", 9},
    {"sha512", "2.16.840.1.101.3.4.2.3", (const uint8_t *)"\x60\x86\x48\x01\x65\x03\x04\x02\x03", 9},
    {"aes128-CBC", "2.16.840.1.101.3.4.1.2", (const uint8_t *)"\x60\x86\x48\x01\x65\x03\x04\x01\x02", 9},
    {"des-ede3-cbc", "1.2.840.113549.3.7", (const uint8_t *)"\x2a\x86\x48\x86\xf7\x0d\x03\x07", 8},
    {"ecPublicKey", "1.2.840.10045.2.1", (const uint8_t *)"\x2a\x86\x48\xce\x3d\x02\x01", 7},
    {"ecdsa-with-SHA256", "1.2.840.10045.4.3.2", (const uint8_t *)"\x2a\x86\x48\xce\x3d\x04\x03\x02", 8},
    {"prime256v1", "1.2.840.10045.3.1.7", (const uint8_t *)"\x2a\x86\x48\xce\x3d\x03\x01\x07", 8},
    {"serialNumber", "2.5.4.5", (const uint8_t *)"\x55\x04\x05", 3},
    {"surname", "2.5.4.4", (const uint8_t *)"\x55\x04\x04", 3},
    {"givenName", "2.5.4.42", (const uint8_t *)"\x55\x04\x2a", 3},
    {"title", "2.5.4.12", (const uint8_t *)"\x55\x04\x0c", 3},
    {"challengePassword", "1.2.840.113549.1.9.7", (const uint8_t *)"\x2a\x86\x48\x86\xf7\x0d\x01\x09\x07", 9},
    {"cRLReason", "2.5.29.21", (const uint8_t *)"\x55\x1d\x15", 3},
    {"invalidityDate", "2.5.29.24", (const uint8_t *)"\x55\x1d\x18", 3},
    {"crlDistributionPoints", "2.5.29.31", (const uint8_t *)"\x55\x1d\x1f", 3},
    {"certificatePolicies", "2.5.29.32", (const uint8_t *)"\x55\x1d\x20", 3},
    {"nameConstraints", "2.5.29.30", (const uint8_t *)"\x55\x1d\x1e", 3},
    {"issuerAltName", "2.5.29.18", (const uint8_t *)"\x55\x1d\x12", 3},
    {"authorityInfoAccess", "1.3.6.1.5.5.7.1.1", (const uint8_t *)"\x2b\x06\x01\x05\x05\x07\x01\x01", 8},
    {"codeSigning", "1.3.6.1.5.5.7.3.3", (const uint8_t *)"\x2b\x06\x01\x05\x05\x07\x03\x03", 8},
    {"emailProtection", "1.3.6.1.5.5.7.3.4", (const uint8_t *)"\x2b\x06\x01\x05\x05\x07\x03\x04", 8},
    {"OCSPSigning", "1.3.6.1.5.5.7.3.9", (const uint8_t *)"\x2b\x06\x01\x05\x05\x07\x03\x09", 8},
    {"ocsp", "1.3.6.1.5.5.7.48.1", (const uint8_t *)"\x2b\x06\x01\x05\x05\x07\x30\x01", 8},
    {"caIssuers", "1.3.6.1.5.5.7.48.2", (const uint8_t *)"\x2b\x06\x01\x05\x05\x07\x30\x02", 8},
    {"netscapeCertType", "2.16.840.1.113730.1.1", (const uint8_t *)"\x60\x86\x48\x01\x86\xf8\x42\x01\x01", 9},
    {"netscapeComment", "2.16.840.1.113730.1.13", (const uint8_t *)"\x60\x86\x48\x01\x86\xf8\x42\x01\x0d", 9},
    {"domainComponent", "0.9.2342.19200300.100.1.25", (const uint8_t *)"\x09\x92\x26\x89\x93\xf2\x2c\x64\x01\x19", 10},
    {"pkcs7-data", "1.2.840.113549.1.7.1", (const uint8_t *)"\x2a\x86\x48\x86\xf7\x0d\x01\x07\x01", 9},
    {"pkcs7-encryptedData", "1.2.840.113549.1.7.6", (const uint8_t *)"\x2a\x86\x48\x86\xf7\x0d\x01\x07\x06", 9},
    {"keyBag", "1.2.840.113549.1.12.10.1.1", (const uint8_t *)"\x2a\x86\x48\x86\xf7\x0d\x01\x0c\x0a\x01\x01", 11},
    {"pkcs8ShroudedKeyBag", "1.2.840.113549.1.12.10.1.2", (const uint8_t *)"\x2a\x86\x48\x86\xf7\x0d\x01\x0c\x0a\x01\x02", 11},
    {"certBag", "1.2.840.113549.1.12.10.1.3", (const uint8_t *)"\x2a\x86\x48\x86\xf7\x0d\x01\x0c\x0a\x01\x03", 11},
    {"x509Certificate", "1.2.840.113549.1.9.22.1", (const uint8_t *)"\x2a\x86\x48\x86\xf7\x0d\x01\x09\x16\x01", 10},
    {"friendlyName", "1.2.840.113549.1.9.20", (const uint8_t *)"\x2a\x86\x48\x86\xf7\x0d\x01\x09\x14", 9},
    {"localKeyID", "1.2.840.113549.1.9.21", (const uint8_t *)"\x2a\x86\x48\x86\xf7\x0d\x01\x09\x15", 9},
    {"x25519", "1.3.101.110", (const uint8_t *)"\x2b\x65\x6e", 3},
    {"ed25519", "1.3.101.112", (const uint8_t *)"\x2b\x65\x70", 3},
};

/* See asn1.h. */
int der_oid_eq(const uint8_t *v, size_t len, const der_oid *oid)
{
    return len == oid->len && memcmp(v, oid->der, len) == 0;
}

/* See asn1.h. */
const char *der_oid_name(const uint8_t *v, size_t len)
{
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
        if (der_oid_eq(v, len, known[i]))
            return known[i]->name;
    for (size_t i = 0; i < sizeof shown / sizeof shown[0]; i++)
        if (der_oid_eq(v, len, &shown[i]))
            return shown[i].name;
    return NULL;
}

/* See asn1.h; X.690 §8.19.2-§8.19.4. */
glass_err der_oid_to_dotted(const uint8_t *v, size_t len, char *out, size_t cap)
{
    size_t used = 0;
    uint64_t arc = 0;
    int first = 1;
    glass_err err = der_check_oid(v, len);
    if (err != GLASS_OK)
        return err;
    if (cap == 0)
        return GLASS_ERR_BUFFER_TOO_SMALL;
    out[0] = '\0';
    for (size_t i = 0; i < len; i++) {
        if (arc > (UINT64_MAX >> 7))
            return GLASS_ERR_DER_VALUE;
        arc = (arc << 7) | (v[i] & 0x7f);
        if (v[i] & 0x80)
            continue;
        int n;
        if (first) {
            /* 1. The first subidentifier carries two arcs: 40*X + Y, where
             *    X is 0, 1 or 2 and only X = 2 lets Y exceed 39. */
            unsigned x = arc < 40 ? 0 : arc < 80 ? 1 : 2;
            n = snprintf(out + used, cap - used, "%u.%llu", x,
                         (unsigned long long)(arc - 40u * x));
            first = 0;
        } else {
            n = snprintf(out + used, cap - used, ".%llu", (unsigned long long)arc);
        }
        if (n < 0 || (size_t)n >= cap - used)
            return GLASS_ERR_BUFFER_TOO_SMALL;
        used += (size_t)n;
        arc = 0;
    }
    return GLASS_OK;
}
