/*
 * annotate.c — the annotated walk over DER behind `glass asn1parse` and
 * the walkthrough's certificate trees (see asn1.h, der_annotate).
 *
 * Standard: ITU-T X.690 (02/2021) §8.1 for the element (identifier octet,
 * length octets, contents); the field names come from the ASN.1 modules of
 * RFC 5280 (May 2008) §4.1 and §5.1, RFC 2986 §4, RFC 8017 A.1, RFC 5208
 * §5, RFC 5958 §3, RFC 8018 A.4 and RFC 7292 §4.
 *
 * Read in this order: the schema tables (one per ASN.1 definition, a
 * SEQUENCE's components in order, OPTIONAL ones marked), then the value
 * summary (value_words), then der_annotate and its two helpers: walk_list
 * reads the elements of one level and matches each against the schema,
 * walk_elem reports one element and goes down into it, opening OCTET and
 * BIT STRINGs that hold DER themselves (extension values, the public key,
 * a PKCS#8 private key).
 *
 * Nothing here prints: each element goes to the caller's callback with its
 * depth, offset, header bytes, tag name, field name and value in words.
 * The decoder is the strict one of der.c, so what this cannot read is not
 * DER, and the fault says where and why.
 *
 * CT: no — it branches on every byte (the file's own structure; a private
 * key's values are summarised by their first bytes only).
 */
#include "asn1/asn1.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- schemas ---------------------------------------------------------- */

typedef struct der_field field;
typedef struct der_schema schema;
struct der_schema {
    const field *fields;    /* the SEQUENCE's components, in order */
    size_t n;
    int repeat;             /* 1: SEQUENCE OF / SET OF fields[0] */
};

struct der_field {
    const char *name;       /* the field's name in the ASN.1 module */
    int tag;                /* expected tag, or -1 for any */
    int optional;
    const schema *inner;    /* its components, if constructed */
    const schema *encap;    /* DER inside an OCTET/BIT STRING */
};

#define S(arr) {arr, sizeof arr / sizeof arr[0], 0}
#define SOF(arr) {arr, 1, 1}

static const field algid_f[] = {
    {"algorithm", DER_OID, 0, NULL, NULL},
    {"parameters", -1, 1, NULL, NULL},
};
static const schema algid = S(algid_f);

static const field atv_f[] = {
    {"type", DER_OID, 0, NULL, NULL},
    {"value", -1, 0, NULL, NULL},
};
static const schema atv = S(atv_f);
static const field rdn_f[] = {{"AttributeTypeAndValue", DER_SEQUENCE, 0, &atv, NULL}};
static const schema rdn = SOF(rdn_f);
static const field name_f[] = {{"RelativeDistinguishedName", DER_SET, 0, &rdn, NULL}};
static const schema name = SOF(name_f);

static const field validity_f[] = {
    {"notBefore", -1, 0, NULL, NULL},
    {"notAfter", -1, 0, NULL, NULL},
};
static const schema validity = S(validity_f);

static const field rsapub_f[] = {
    {"modulus n", DER_INTEGER, 0, NULL, NULL},
    {"publicExponent e", DER_INTEGER, 0, NULL, NULL},
};
static const schema rsapub = S(rsapub_f);
static const field rsapub_top_f[] = {
    {"RSAPublicKey (RFC 8017 A.1.1)", DER_SEQUENCE, 0, &rsapub, NULL}};
static const schema rsapub_top = S(rsapub_top_f);

static const field spki_f[] = {
    {"algorithm", DER_SEQUENCE, 0, &algid, NULL},
    {"subjectPublicKey (holds RSAPublicKey)", DER_BIT_STRING, 0, NULL, &rsapub_top},
};
static const schema spki = S(spki_f);

static const field ext_f[] = {
    {"extnID", DER_OID, 0, NULL, NULL},
    {"critical", DER_BOOLEAN, 1, NULL, NULL},
    {"extnValue (holds the extension's DER)", DER_OCTET_STRING, 0, NULL, NULL},
};
static const schema ext = S(ext_f);
static const field exts_f[] = {{"Extension", DER_SEQUENCE, 0, &ext, NULL}};
static const schema exts = SOF(exts_f);
static const field exts_wrap_f[] = {{"Extensions", DER_SEQUENCE, 0, &exts, NULL}};
static const schema exts_wrap = S(exts_wrap_f);

static const field version_f[] = {{"version (0 = v1, 2 = v3)", DER_INTEGER, 0, NULL, NULL}};
static const schema version_wrap = S(version_f);

static const field tbs_f[] = {
    {"version [0] EXPLICIT", DER_CONTEXT_CONS(0), 1, &version_wrap, NULL},
    {"serialNumber", DER_INTEGER, 0, NULL, NULL},
    {"signature (algorithm, repeated inside what is signed)", DER_SEQUENCE, 0, &algid, NULL},
    {"issuer", DER_SEQUENCE, 0, &name, NULL},
    {"validity", DER_SEQUENCE, 0, &validity, NULL},
    {"subject", DER_SEQUENCE, 0, &name, NULL},
    {"subjectPublicKeyInfo", DER_SEQUENCE, 0, &spki, NULL},
    {"issuerUniqueID [1]", DER_CONTEXT_PRIM(1), 1, NULL, NULL},
    {"subjectUniqueID [2]", DER_CONTEXT_PRIM(2), 1, NULL, NULL},
    {"extensions [3] EXPLICIT", DER_CONTEXT_CONS(3), 1, &exts_wrap, NULL},
};
static const schema tbs = S(tbs_f);
static const field cert_f[] = {
    {"tbsCertificate (the part the CA signs)", DER_SEQUENCE, 0, &tbs, NULL},
    {"signatureAlgorithm", DER_SEQUENCE, 0, &algid, NULL},
    {"signatureValue", DER_BIT_STRING, 0, NULL, NULL},
};
static const schema cert = S(cert_f);
static const field cert_top_f[] = {{"Certificate (RFC 5280 §4.1)", DER_SEQUENCE, 0, &cert, NULL}};
static const schema cert_top = S(cert_top_f);

static const field cri_f[] = {
    {"version (0 = v1)", DER_INTEGER, 0, NULL, NULL},
    {"subject", DER_SEQUENCE, 0, &name, NULL},
    {"subjectPKInfo", DER_SEQUENCE, 0, &spki, NULL},
    {"attributes [0] IMPLICIT", DER_CONTEXT_CONS(0), 0, NULL, NULL},
};
static const schema cri = S(cri_f);
static const field csr_f[] = {
    {"certificationRequestInfo (the part that is signed)", DER_SEQUENCE, 0, &cri, NULL},
    {"signatureAlgorithm", DER_SEQUENCE, 0, &algid, NULL},
    {"signature (made with the key being certified)", DER_BIT_STRING, 0, NULL, NULL},
};
static const schema csr = S(csr_f);
static const field csr_top_f[] = {
    {"CertificationRequest (RFC 2986 §4)", DER_SEQUENCE, 0, &csr, NULL}};
static const schema csr_top = S(csr_top_f);

static const field crl_entry_f[] = {
    {"userCertificate (serial)", DER_INTEGER, 0, NULL, NULL},
    {"revocationDate", -1, 0, NULL, NULL},
    {"crlEntryExtensions", DER_SEQUENCE, 1, &exts, NULL},
};
static const schema crl_entry = S(crl_entry_f);
static const field revoked_f[] = {{"revoked certificate", DER_SEQUENCE, 0, &crl_entry, NULL}};
static const schema revoked = SOF(revoked_f);
static const field tbs_crl_f[] = {
    {"version (1 = v2)", DER_INTEGER, 1, NULL, NULL},
    {"signature", DER_SEQUENCE, 0, &algid, NULL},
    {"issuer", DER_SEQUENCE, 0, &name, NULL},
    {"thisUpdate", -1, 0, NULL, NULL},
    {"nextUpdate", DER_UTC_TIME, 1, NULL, NULL},
    {"nextUpdate", DER_GENERALIZED_TIME, 1, NULL, NULL},
    {"revokedCertificates", DER_SEQUENCE, 1, &revoked, NULL},
    {"crlExtensions [0] EXPLICIT", DER_CONTEXT_CONS(0), 1, &exts_wrap, NULL},
};
static const schema tbs_crl = S(tbs_crl_f);
static const field crl_f[] = {
    {"tbsCertList (the part that is signed)", DER_SEQUENCE, 0, &tbs_crl, NULL},
    {"signatureAlgorithm", DER_SEQUENCE, 0, &algid, NULL},
    {"signatureValue", DER_BIT_STRING, 0, NULL, NULL},
};
static const schema crl = S(crl_f);
static const field crl_top_f[] = {{"CertificateList (RFC 5280 §5.1)", DER_SEQUENCE, 0, &crl, NULL}};
static const schema crl_top = S(crl_top_f);

static const field rsapriv_f[] = {
    {"version (0 = two primes)", DER_INTEGER, 0, NULL, NULL},
    {"modulus n = p*q", DER_INTEGER, 0, NULL, NULL},
    {"publicExponent e", DER_INTEGER, 0, NULL, NULL},
    {"privateExponent d (SECRET)", DER_INTEGER, 0, NULL, NULL},
    {"prime1 p (SECRET)", DER_INTEGER, 0, NULL, NULL},
    {"prime2 q (SECRET)", DER_INTEGER, 0, NULL, NULL},
    {"exponent1 dP = d mod (p-1) (SECRET)", DER_INTEGER, 0, NULL, NULL},
    {"exponent2 dQ = d mod (q-1) (SECRET)", DER_INTEGER, 0, NULL, NULL},
    {"coefficient qInv = q^-1 mod p (SECRET)", DER_INTEGER, 0, NULL, NULL},
};
static const schema rsapriv = S(rsapriv_f);
static const field rsapriv_top_f[] = {
    {"RSAPrivateKey (RFC 8017 A.1.2)", DER_SEQUENCE, 0, &rsapriv, NULL}};
static const schema rsapriv_top = S(rsapriv_top_f);

static const field pki_f[] = {
    {"version", DER_INTEGER, 0, NULL, NULL},
    {"privateKeyAlgorithm", DER_SEQUENCE, 0, &algid, NULL},
    {"privateKey (holds RSAPrivateKey)", DER_OCTET_STRING, 0, NULL, &rsapriv_top},
    {"attributes [0]", DER_CONTEXT_CONS(0), 1, NULL, NULL},
};
static const schema pki = S(pki_f);
static const field pki_top_f[] = {{"PrivateKeyInfo (RFC 5208 §5)", DER_SEQUENCE, 0, &pki, NULL}};
static const schema pki_top = S(pki_top_f);

static const field pbkdf2_f[] = {
    {"salt", DER_OCTET_STRING, 0, NULL, NULL},
    {"iterationCount", DER_INTEGER, 0, NULL, NULL},
    {"keyLength", DER_INTEGER, 1, NULL, NULL},
    {"prf", DER_SEQUENCE, 1, &algid, NULL},
};
static const schema pbkdf2 = S(pbkdf2_f);
static const field kdf_f[] = {
    {"algorithm", DER_OID, 0, NULL, NULL},
    {"PBKDF2-params", DER_SEQUENCE, 0, &pbkdf2, NULL},
};
static const schema kdf = S(kdf_f);
static const field encs_f[] = {
    {"algorithm", DER_OID, 0, NULL, NULL},
    {"iv (initialisation vector)", DER_OCTET_STRING, 0, NULL, NULL},
};
static const schema encs = S(encs_f);
static const field pbes2_f[] = {
    {"keyDerivationFunc", DER_SEQUENCE, 0, &kdf, NULL},
    {"encryptionScheme", DER_SEQUENCE, 0, &encs, NULL},
};
static const schema pbes2 = S(pbes2_f);
static const field encalg_f[] = {
    {"algorithm", DER_OID, 0, NULL, NULL},
    {"PBES2-params (RFC 8018 A.4)", DER_SEQUENCE, 0, &pbes2, NULL},
};
static const schema encalg = S(encalg_f);
static const field epki_f[] = {
    {"encryptionAlgorithm", DER_SEQUENCE, 0, &encalg, NULL},
    {"encryptedData (AES-256-CBC of a PrivateKeyInfo)", DER_OCTET_STRING, 0, NULL, NULL},
};
static const schema epki = S(epki_f);
static const field epki_top_f[] = {
    {"EncryptedPrivateKeyInfo (RFC 5958 §3)", DER_SEQUENCE, 0, &epki, NULL}};
static const schema epki_top = S(epki_top_f);

static const field spki_top_f[] = {
    {"SubjectPublicKeyInfo (RFC 5280 §4.1.2.7)", DER_SEQUENCE, 0, &spki, NULL}};
static const schema spki_top = S(spki_top_f);

/* PKCS#12 (RFC 7292 §4): the PFX, its AuthenticatedSafe of ContentInfos
 * (RFC 5652 §3), plain or encrypted (§8), their SafeBags and attributes.
 * A bag's value is a CertBag, an EncryptedPrivateKeyInfo or a
 * PrivateKeyInfo depending on bagId: one schema holds the fields of all
 * three, told apart by their first tags (OID, SEQUENCE, INTEGER). */
static const field p12_attr_f[] = {
    {"attrId", DER_OID, 0, NULL, NULL},
    {"attrValues", DER_SET, 0, NULL, NULL},
};
static const schema p12_attr = S(p12_attr_f);
static const field p12_attrs_f[] = {{"Attribute", DER_SEQUENCE, 0, &p12_attr, NULL}};
static const schema p12_attrs = SOF(p12_attrs_f);
static const field p12_certval_f[] = {
    {"certValue: the certificate's DER (RFC 7292 §4.2.3)", DER_OCTET_STRING, 0, NULL, &cert_top}};
static const schema p12_certval = S(p12_certval_f);
static const field p12_bag_any_f[] = {
    {"certId (CertBag)", DER_OID, 1, NULL, NULL},
    {"certValue [0] EXPLICIT", DER_CONTEXT_CONS(0), 1, &p12_certval, NULL},
    {"version (PrivateKeyInfo, an unencrypted keyBag)", DER_INTEGER, 1, NULL, NULL},
    {"encryptionAlgorithm (EncryptedPrivateKeyInfo, RFC 5958 §3)", DER_SEQUENCE, 1, &encalg, NULL},
    {"encryptedData (AES-256-CBC of a PrivateKeyInfo)", DER_OCTET_STRING, 1, NULL, NULL},
};
static const schema p12_bag_any = S(p12_bag_any_f);
static const field p12_bagval_f[] = {
    {"CertBag or EncryptedPrivateKeyInfo (as bagId says)", DER_SEQUENCE, 0, &p12_bag_any, NULL}};
static const schema p12_bagval = S(p12_bagval_f);
static const field p12_safebag_f[] = {
    {"bagId", DER_OID, 0, NULL, NULL},
    {"bagValue [0] EXPLICIT", DER_CONTEXT_CONS(0), 0, &p12_bagval, NULL},
    {"bagAttributes (friendlyName, localKeyID)", DER_SET, 1, &p12_attrs, NULL},
};
static const schema p12_safebag = S(p12_safebag_f);
static const field p12_safe_f[] = {{"SafeBag (RFC 7292 §4.2)", DER_SEQUENCE, 0, &p12_safebag, NULL}};
static const schema p12_safe = SOF(p12_safe_f);
static const field p12_safe_top_f[] = {
    {"SafeContents: SEQUENCE OF SafeBag", DER_SEQUENCE, 0, &p12_safe, NULL}};
static const schema p12_safe_top = S(p12_safe_top_f);
static const field p12_eci_f[] = {
    {"contentType (data)", DER_OID, 0, NULL, NULL},
    {"contentEncryptionAlgorithm", DER_SEQUENCE, 0, &encalg, NULL},
    {"encryptedContent [0] IMPLICIT: PBES2 ciphertext of a SafeContents", DER_CONTEXT_PRIM(0), 0,
     NULL, NULL},
};
static const schema p12_eci = S(p12_eci_f);
static const field p12_encdata_f[] = {
    {"version", DER_INTEGER, 0, NULL, NULL},
    {"encryptedContentInfo", DER_SEQUENCE, 0, &p12_eci, NULL},
};
static const schema p12_encdata = S(p12_encdata_f);
static const field p12_content_f[] = {
    {"data: holds a SafeContents", DER_OCTET_STRING, 1, NULL, &p12_safe_top},
    {"EncryptedData (RFC 5652 §8)", DER_SEQUENCE, 1, &p12_encdata, NULL},
};
static const schema p12_content = S(p12_content_f);
static const field p12_ci_f[] = {
    {"contentType", DER_OID, 0, NULL, NULL},
    {"content [0] EXPLICIT", DER_CONTEXT_CONS(0), 0, &p12_content, NULL},
};
static const schema p12_ci = S(p12_ci_f);
static const field p12_authsafe_f[] = {{"ContentInfo (RFC 5652 §3)", DER_SEQUENCE, 0, &p12_ci, NULL}};
static const schema p12_authsafe = SOF(p12_authsafe_f);
static const field p12_authsafe_top_f[] = {
    {"AuthenticatedSafe: SEQUENCE OF ContentInfo (RFC 7292 §4.1)", DER_SEQUENCE, 0, &p12_authsafe,
     NULL}};
static const schema p12_authsafe_top = S(p12_authsafe_top_f);
static const field p12_octets_f[] = {
    {"the AuthenticatedSafe's DER: the bytes the MAC covers", DER_OCTET_STRING, 0, NULL,
     &p12_authsafe_top}};
static const schema p12_octets = S(p12_octets_f);
static const field p12_outer_ci_f[] = {
    {"contentType (data: password integrity mode)", DER_OID, 0, NULL, NULL},
    {"content [0] EXPLICIT", DER_CONTEXT_CONS(0), 0, &p12_octets, NULL},
};
static const schema p12_outer_ci = S(p12_outer_ci_f);
static const field p12_digestinfo_f[] = {
    {"digestAlgorithm", DER_SEQUENCE, 0, &algid, NULL},
    {"digest: HMAC-SHA256 of the AuthenticatedSafe", DER_OCTET_STRING, 0, NULL, NULL},
};
static const schema p12_digestinfo = S(p12_digestinfo_f);
static const field p12_mac_f[] = {
    {"mac (DigestInfo)", DER_SEQUENCE, 0, &p12_digestinfo, NULL},
    {"macSalt (for the MAC key, RFC 7292 App. B)", DER_OCTET_STRING, 0, NULL, NULL},
    {"iterations", DER_INTEGER, 1, NULL, NULL},
};
static const schema p12_mac = S(p12_mac_f);
static const field pfx_f[] = {
    {"version (v3)", DER_INTEGER, 0, NULL, NULL},
    {"authSafe (ContentInfo)", DER_SEQUENCE, 0, &p12_outer_ci, NULL},
    {"macData (MacData)", DER_SEQUENCE, 1, &p12_mac, NULL},
};
static const schema pfx = S(pfx_f);
static const field pfx_top_f[] = {{"PFX, a PKCS#12 file (RFC 7292 §4)", DER_SEQUENCE, 0, &pfx, NULL}};
static const schema pfx_top = S(pfx_top_f);

/* ---- choosing a schema ------------------------------------------------- */

/* See asn1.h. */
const der_schema *der_schema_for_label(const char *label)
{
    static const struct {
        const char *label;
        const schema *s;
    } map[] = {
        {PEM_CERTIFICATE, &cert_top},
        {PEM_CERTIFICATE_REQUEST, &csr_top},
        {"NEW CERTIFICATE REQUEST", &csr_top},
        {PEM_X509_CRL, &crl_top},
        {PEM_PRIVATE_KEY, &pki_top},
        {PEM_ENCRYPTED_KEY, &epki_top},
        {PEM_RSA_PRIVATE_KEY, &rsapriv_top},
        {PEM_PUBLIC_KEY, &spki_top},
        {PEM_RSA_PUBLIC_KEY, &rsapub_top},
    };
    if (label == NULL)
        return NULL;
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (strcmp(map[i].label, label) == 0)
            return map[i].s;
    return NULL;
}

/* See asn1.h: guessed from the shape of the first elements. */
const der_schema *der_schema_guess(const uint8_t *der, size_t len)
{
    der_elem top, first, second;
    if (der_parse_one(der, len, DER_SEQUENCE, &top) != GLASS_OK)
        return NULL;
    der_reader r = der_enter(&top);
    if (der_read_any(&r, &first) != GLASS_OK)
        return NULL;
    if (first.tag == DER_SEQUENCE) {
        /* Certificate, request or CRL: tbs, then AlgorithmIdentifier. */
        der_reader t = der_enter(&first);
        int t0 = der_peek_tag(&t);
        if (der_read_any(&r, &second) != GLASS_OK)
            return NULL;
        if (second.tag == DER_OCTET_STRING)
            return &epki_top;
        if (second.tag == DER_BIT_STRING)
            return &spki_top;
        if (t0 == DER_CONTEXT_CONS(0))
            return &cert_top;
        der_elem v, n2;
        if (der_read_any(&t, &v) != GLASS_OK || der_read_any(&t, &n2) != GLASS_OK)
            return NULL;
        if (v.tag == DER_INTEGER && n2.tag == DER_SEQUENCE) {
            /* request: version, subject Name (SEQUENCE OF SET);
             * CRL v2: version, AlgorithmIdentifier (starts with an OID). */
            der_reader nr = der_enter(&n2);
            return der_peek_tag(&nr) == DER_SET ? &csr_top : &crl_top;
        }
        if (v.tag == DER_SEQUENCE)
            return &crl_top;
        return NULL;
    }
    if (first.tag == DER_INTEGER) {
        if (first.len == 1 && first.val[0] == 3)
            return &pfx_top;    /* PFX version 3; keys have version 0 (or 1) */
        if (der_read_any(&r, &second) != GLASS_OK)
            return &rsapub_top;
        if (second.tag == DER_SEQUENCE)
            return &pki_top;
        return der_at_end(&r) ? &rsapub_top : &rsapriv_top;
    }
    return NULL;
}

/* ---- words for a value ------------------------------------------------- */

/* See asn1.h. */
const char *der_tag_name(uint8_t tag, char *buf, size_t cap)
{
    static const char *const universal[31] = {
        [DER_BOOLEAN] = "BOOLEAN", [DER_INTEGER] = "INTEGER",
        [DER_BIT_STRING] = "BIT STRING", [DER_OCTET_STRING] = "OCTET STRING",
        [DER_NULL] = "NULL", [DER_OID] = "OBJECT IDENTIFIER",
        [DER_ENUMERATED] = "ENUMERATED", [DER_UTF8_STRING] = "UTF8String",
        [0x10] = "SEQUENCE", [0x11] = "SET",
        [DER_PRINTABLE_STRING] = "PrintableString", [DER_T61_STRING] = "T61String",
        [DER_IA5_STRING] = "IA5String", [DER_UTC_TIME] = "UTCTime",
        [DER_GENERALIZED_TIME] = "GeneralizedTime", [DER_BMP_STRING] = "BMPString",
    };
    unsigned cls = tag & 0xc0, num = tag & 0x1f;
    if (cls == DER_CLASS_UNIVERSAL && universal[num] != NULL)
        return universal[num];
    if (cls == DER_CLASS_CONTEXT)
        snprintf(buf, cap, "[%u]", num);
    else if (cls == DER_CLASS_APPLICATION)
        snprintf(buf, cap, "[APPLICATION %u]", num);
    else if (cls == DER_CLASS_PRIVATE)
        snprintf(buf, cap, "[PRIVATE %u]", num);
    else
        snprintf(buf, cap, "[UNIVERSAL %u]", num);
    return buf;
}

/* Appends the first 16 bytes in hex, and the length when there are more. */
static void hex_preview(char *out, size_t cap, const uint8_t *p, size_t len)
{
    size_t show = len > 16 ? 16 : len, at = strlen(out);
    for (size_t i = 0; i < show && at + 3 <= cap; i++, at += 2)
        snprintf(out + at, cap - at, "%02x", p[i]);
    if (len > show)
        snprintf(out + at, cap - at, "... (%zu bytes)", len);
}

/* The words for a primitive element's value (see der_note.value): into
 * small (cap bytes), or for a character string into *big (malloc'd, the
 * caller frees), so that a long string is shown whole. */
static const char *value_words(const der_elem *e, char *small, size_t cap, char **big)
{
    small[0] = '\0';
    switch (e->tag) {
    case DER_BOOLEAN:
        snprintf(small, cap, " = %s", e->len == 1 && e->val[0] == 0xff ? "TRUE" : "FALSE");
        break;
    case DER_INTEGER:
        if (e->len <= 8 && e->len > 0 && !(e->val[0] & 0x80)) {
            unsigned long long v = 0;
            for (size_t i = 0; i < e->len; i++)
                v = (v << 8) | e->val[i];
            snprintf(small, cap, " = %llu", v);
        } else {
            snprintf(small, cap, " = 0x");
            hex_preview(small, cap, e->val, e->len);
            if (e->len > 0) {
                size_t at = strlen(small);
                snprintf(small + at, cap - at, " (%zu bits)",
                         e->len * 8 - (e->val[0] == 0 ? 8 : 0));
            }
        }
        break;
    case DER_OID: {
        char dotted[128];
        const char *n = der_oid_name(e->val, e->len);
        if (der_oid_to_dotted(e->val, e->len, dotted, sizeof dotted) != GLASS_OK)
            snprintf(dotted, sizeof dotted, "(malformed)");
        snprintf(small, cap, " = %s%s%s%s", n ? n : "", n ? " (" : "", dotted, n ? ")" : "");
        break;
    }
    case DER_NULL:
        snprintf(small, cap, " (no value)");
        break;
    case DER_UTF8_STRING:
    case DER_PRINTABLE_STRING:
    case DER_IA5_STRING:
    case DER_T61_STRING: {
        /* Printable ASCII as it is, anything else as '.'. */
        char *s = malloc(e->len + 6);
        if (s == NULL)
            return " = (out of memory)";
        memcpy(s, " = \"", 4);
        for (size_t i = 0; i < e->len; i++)
            s[4 + i] = e->val[i] >= 0x20 && e->val[i] < 0x7f ? (char)e->val[i] : '.';
        memcpy(s + 4 + e->len, "\"", 2);
        *big = s;
        return s;
    }
    case DER_UTC_TIME:
    case DER_GENERALIZED_TIME: {
        /* The characters as they are (up to a NUL byte), then the date. */
        int64_t t;
        size_t bcap = e->len + 48;
        char *s = malloc(bcap);
        if (s == NULL)
            return " = (out of memory)";
        int n = snprintf(s, bcap, " = %.*s", (int)e->len, (const char *)e->val);
        if (der_parse_time(e->tag, e->val, e->len, &t) == GLASS_OK && n > 0 &&
            (size_t)n < bcap) {
            int y, mo, d, h, mi, sec;
            der_time_to_civil(t, &y, &mo, &d, &h, &mi, &sec);
            snprintf(s + n, bcap - (size_t)n, " (%04d-%02d-%02d %02d:%02d:%02d UTC)", y, mo, d,
                     h, mi, sec);
        }
        *big = s;
        return s;
    }
    case DER_BIT_STRING:
        if (e->len > 0) {
            snprintf(small, cap, " = %u unused bits, ", e->val[0]);
            hex_preview(small, cap, e->val + 1, e->len - 1);
        }
        break;
    case DER_OCTET_STRING:
        snprintf(small, cap, " = ");
        hex_preview(small, cap, e->val, e->len);
        break;
    default:
        if (!(e->tag & DER_CONSTRUCTED) && e->len > 0) {
            snprintf(small, cap, " = ");
            hex_preview(small, cap, e->val, e->len);
        }
        break;
    }
    return small;
}

/* ---- the walk ------------------------------------------------------------ */

typedef struct walker {
    const uint8_t *base;    /* offsets count from here */
    der_note_fn fn;
    void *arg;
    der_fault fault;
} walker;

static int walk_list(walker *w, const uint8_t *p, size_t len, unsigned depth, const schema *s);

/* 1 if p[0..len) is a sequence of well-formed DER elements all the way
 * down (constructed ones checked recursively), else 0.  Used to decide
 * whether an OCTET STRING's bytes are DER worth opening, so that bytes that
 * merely begin like DER never turn a valid file into an error. */
static int valid_der(const uint8_t *p, size_t len, unsigned depth)
{
    der_reader r;
    der_reader_init(&r, p, len);
    if (depth > DER_ANNOTATE_MAX_DEPTH)
        return 0;
    while (!der_at_end(&r)) {
        der_elem e;
        if (der_read_any(&r, &e) != GLASS_OK)
            return 0;
        if ((e.tag & DER_CONSTRUCTED) && !valid_der(e.val, e.len, depth + 1))
            return 0;
    }
    return 1;
}

/* For an OCTET STRING or BIT STRING: where DER inside it starts, or NULL
 * when its contents are not to be opened. */
static const uint8_t *encapsulated(const der_elem *e, const field *f, unsigned depth,
                                   size_t *inner_len)
{
    const uint8_t *inner = e->val;
    size_t n = e->len;
    if (e->tag != DER_OCTET_STRING && e->tag != DER_BIT_STRING)
        return NULL;
    if (e->tag == DER_BIT_STRING) {
        if (n < 1 || inner[0] != 0)     /* the unused-bits octet must be 0 */
            return NULL;
        inner++;
        n--;
    }
    if (n < 2)
        return NULL;
    der_elem probe;
    int known = f != NULL && f->encap != NULL;
    if (der_parse_one(inner, n, inner[0], &probe) == GLASS_OK &&
        (known || probe.tag == DER_SEQUENCE || probe.tag == DER_OCTET_STRING ||
         probe.tag == DER_BIT_STRING) &&
        valid_der(inner, n, depth + 1)) {
        *inner_len = n;
        return inner;
    }
    return NULL;
}

/* One element: reported, then its contents walked.  0, or 1 on a fault. */
static int walk_elem(walker *w, const der_elem *e, unsigned depth, const field *f)
{
    char tb[32], small[256];
    char *big = NULL;
    der_note n;
    size_t inner_len = 0;
    const uint8_t *inner = NULL;
    if (!(e->tag & DER_CONSTRUCTED))
        inner = encapsulated(e, f, depth, &inner_len);
    n.depth = depth;
    n.offset = (size_t)(e->start - w->base);
    n.elem = e;
    n.tag_name = der_tag_name(e->tag, tb, sizeof tb);
    n.field = f != NULL ? f->name : NULL;
    n.value = (e->tag & DER_CONSTRUCTED) ? "" : value_words(e, small, sizeof small, &big);
    n.opens = inner != NULL;
    w->fn(w->arg, &n);
    free(big);
    if (e->tag & DER_CONSTRUCTED)
        return walk_list(w, e->val, e->len, depth + 1, f != NULL ? f->inner : NULL);
    if (inner != NULL)
        return walk_list(w, inner, inner_len, depth + 1, f != NULL ? f->encap : NULL);
    return 0;
}

/* The elements of one level, p[0..len), named from schema s when given. */
static int walk_list(walker *w, const uint8_t *p, size_t len, unsigned depth, const schema *s)
{
    der_reader r;
    size_t next = 0;
    der_reader_init(&r, p, len);
    if (depth > DER_ANNOTATE_MAX_DEPTH) {
        w->fault.err = GLASS_ERR_DER_VALUE;
        w->fault.offset = (size_t)(p - w->base);
        w->fault.too_deep = 1;
        return 1;
    }
    while (!der_at_end(&r)) {
        der_elem e;
        size_t at = r.off;
        glass_err err = der_read_any(&r, &e);
        if (err != GLASS_OK) {
            w->fault.err = err;
            w->fault.offset = (size_t)(p + at - w->base);
            return 1;
        }
        const field *f = NULL;
        if (s != NULL) {
            if (s->repeat) {
                f = &s->fields[0];
            } else {
                /* Skip OPTIONAL fields whose tag is not this one. */
                while (next < s->n && s->fields[next].tag != -1 && s->fields[next].tag != e.tag &&
                       s->fields[next].optional)
                    next++;
                if (next < s->n && (s->fields[next].tag == -1 || s->fields[next].tag == e.tag))
                    f = &s->fields[next++];
            }
        }
        if (walk_elem(w, &e, depth, f) != 0)
            return 1;
    }
    return 0;
}

/* See asn1.h. */
glass_err der_annotate(const uint8_t *der, size_t len, const der_schema *s, der_note_fn fn,
                       void *arg, der_fault *fault)
{
    walker w;
    memset(&w, 0, sizeof w);
    w.base = der;
    w.fn = fn;
    w.arg = arg;
    w.fault.err = GLASS_OK;
    if (der == NULL && len > 0)
        w.fault.err = GLASS_ERR_ARG;
    else if (fn != NULL)
        (void)walk_list(&w, der, len, 0, s);
    else
        w.fault.err = GLASS_ERR_ARG;
    if (fault != NULL)
        *fault = w.fault;
    return w.fault.err;
}
