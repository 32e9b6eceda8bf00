/*
 * x509.c — X.509 v3 certificates (RFC 5280 §4): parsing, building, signing.
 *
 *   Certificate ::= SEQUENCE {                                   §4.1
 *       tbsCertificate       TBSCertificate,      <- what is signed
 *       signatureAlgorithm   AlgorithmIdentifier,  sha256WithRSAEncryption
 *       signatureValue       BIT STRING }          RSASSA-PKCS1-v1_5
 *
 *   TBSCertificate ::= SEQUENCE {
 *       version         [0] EXPLICIT INTEGER DEFAULT v1,   a0 03 02 01 02 = v3
 *       serialNumber        INTEGER,                        §4.1.2.2
 *       signature           AlgorithmIdentifier,            = signatureAlgorithm
 *       issuer              Name,
 *       validity            SEQUENCE { notBefore Time, notAfter Time },
 *       subject             Name,
 *       subjectPublicKeyInfo,
 *       issuerUniqueID  [1] IMPLICIT BIT STRING OPTIONAL,
 *       subjectUniqueID [2] IMPLICIT BIT STRING OPTIONAL,
 *       extensions      [3] EXPLICIT SEQUENCE OF Extension OPTIONAL }
 *
 *   Extension ::= SEQUENCE { extnID OID, critical BOOLEAN DEFAULT FALSE,
 *                            extnValue OCTET STRING (the DER of the value) }
 *
 * Read in this order: x509_parse (and parse_extensions with one small
 * parser per extension, §4.2.1.x), then the signing helpers shared with
 * csr.c and crl.c, then the small queries (host name, CN, fingerprint) and
 * the text dump.  Building a certificate is in x509_build.c.
 *
 * CT: no — certificates are public; the one secret operation, the RSA
 * signature, happens in rsa/ with its own protections.
 */
#include "ca/ca.h"
#include "ca/ca_internal.h"

#include "asn1/asn1.h"
#include "sha/sha256.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- signature algorithm and signing helpers ---------------------------- */

/* See ca_internal.h.  RFC 4055 §5 / RFC 8017 App. C: sha256WithRSAEncryption
 * parameters "MUST be NULL"; absent is accepted for leniency. */
glass_err ca_sig_alg_read(der_reader *r, int *ok)
{
    der_elem alg;
    const uint8_t *oid;
    size_t oid_len;
    glass_err err = der_read(r, DER_SEQUENCE, &alg);
    if (err != GLASS_OK)
        return err;
    der_reader a = der_enter(&alg);
    if ((err = der_read_oid(&a, &oid, &oid_len)) != GLASS_OK)
        return err;
    *ok = der_oid_eq(oid, oid_len, &ASN1_OID_SHA256_WITH_RSA);
    if (*ok && !der_at_end(&a) && (err = der_read_null(&a)) != GLASS_OK)
        return err;
    if (!*ok) {
        der_elem skip;
        while (!der_at_end(&a))
            if ((err = der_read_any(&a, &skip)) != GLASS_OK)
                return err;
    }
    return der_finish(&a);
}

/* See ca_internal.h. */
void ca_sig_alg_put(der_buf *b)
{
    size_t at = der_begin(b);
    der_put_oid(b, ASN1_OID_SHA256_WITH_RSA.der, ASN1_OID_SHA256_WITH_RSA.len);
    der_put_null(b);
    der_end(b, at, DER_SEQUENCE);
}

/* See ca_internal.h. */
glass_err ca_sign_and_wrap(der_buf *b, size_t start, const rsa_private_key *key)
{
    if (b->err != GLASS_OK)
        return b->err;
    uint8_t *sig = malloc(key->k);
    if (sig == NULL)
        return GLASS_ERR_NOMEM;
    /* The signature covers the DER of the tbs exactly as written (RFC 5280 §4.1.1.3). */
    glass_err err = rsa_pkcs1v15_sign(key, b->data + start, b->len - start, sig);
    if (err == GLASS_OK) {
        ca_sig_alg_put(b);
        der_put_bit_string(b, sig, key->k, 0);
        der_end(b, start, DER_SEQUENCE);
        err = b->err;
    }
    free(sig);
    return err;
}

/* See ca_internal.h. */
glass_err ca_sig_verify(const rsa_public_key *pub, const uint8_t *tbs, size_t tbs_len,
                     const uint8_t *sig, size_t sig_len)
{
    return rsa_pkcs1v15_verify(pub, tbs, tbs_len, sig, sig_len) == GLASS_OK
               ? GLASS_OK
               : GLASS_ERR_X509_SIGNATURE;
}

/* See ca_internal.h; RFC 7093 §2 method 1 (RFC 5280 §4.2.1.2 method 1 is
 * the same with SHA-1, which glasstls does not implement). */
glass_err ca_key_identifier(const rsa_public_key *pub, uint8_t out[20])
{
    uint8_t *rpk = NULL;
    size_t rpk_len = 0;
    uint8_t h[SHA256_DIGEST_LEN];
    glass_err err = ca_key_encode_public(pub, 0, &rpk, &rpk_len);
    if (err != GLASS_OK)
        return err;
    /* subjectPublicKey is the BIT STRING's contents: the RSAPublicKey DER. */
    sha256(rpk, rpk_len, h);
    memcpy(out, h, 20);
    free(rpk);
    return GLASS_OK;
}

/* ---- parsing --------------------------------------------------------------- */

/* See ca_internal.h.  basicConstraints (§4.2.1.9):
 *   SEQUENCE { cA BOOLEAN DEFAULT FALSE, pathLenConstraint INTEGER (0..MAX) OPTIONAL } */
glass_err x509_read_basic_constraints(const uint8_t *v, size_t len, int *ca, long *path_len)
{
    der_elem seq;
    glass_err err = der_parse_one(v, len, DER_SEQUENCE, &seq);
    if (err != GLASS_OK)
        return err;
    der_reader r = der_enter(&seq);
    *ca = 0;
    *path_len = -1;
    if (der_peek_tag(&r) == DER_BOOLEAN && (err = der_read_bool(&r, ca)) != GLASS_OK)
        return err;
    if (der_peek_tag(&r) == DER_INTEGER && (err = der_read_long(&r, path_len)) != GLASS_OK)
        return err;
    if (*path_len < -1)
        return GLASS_ERR_DER_VALUE;
    return der_finish(&r);
}

static glass_err ext_basic_constraints(x509_cert *c, const uint8_t *v, size_t len)
{
    long pl;
    glass_err err = x509_read_basic_constraints(v, len, &c->is_ca, &pl);
    if (err != GLASS_OK)
        return err;
    c->has_basic_constraints = 1;
    c->path_len = (int)(pl > 1000 ? 1000 : pl);
    return GLASS_OK;
}

/* See ca_internal.h.  keyUsage (§4.2.1.3): a BIT STRING, bit 0 =
 * digitalSignature being the high bit of the first byte. */
glass_err x509_read_key_usage(const uint8_t *v, size_t len, unsigned *bits_out)
{
    der_reader r;
    const uint8_t *bits;
    size_t n;
    unsigned unused;
    der_reader_init(&r, v, len);
    glass_err err = der_read_bit_string(&r, &bits, &n, &unused);
    if (err != GLASS_OK || (err = der_finish(&r)) != GLASS_OK)
        return err;
    *bits_out = 0;
    for (size_t i = 0; i < n * 8 && i < 9; i++)
        if (bits[i / 8] & (0x80u >> (i % 8)))
            *bits_out |= 1u << i;
    return GLASS_OK;
}

static glass_err ext_key_usage(x509_cert *c, const uint8_t *v, size_t len)
{
    glass_err err = x509_read_key_usage(v, len, &c->key_usage);
    if (err == GLASS_OK)
        c->has_key_usage = 1;
    return err;
}

/* extendedKeyUsage (§4.2.1.12): SEQUENCE SIZE (1..MAX) OF KeyPurposeId. */
static glass_err ext_ext_key_usage(x509_cert *c, const uint8_t *v, size_t len)
{
    der_elem seq;
    const uint8_t *oid;
    size_t oid_len;
    glass_err err = der_parse_one(v, len, DER_SEQUENCE, &seq);
    if (err != GLASS_OK)
        return err;
    der_reader r = der_enter(&seq);
    if (der_at_end(&r))
        return GLASS_ERR_DER_VALUE;
    c->has_ext_key_usage = 1;
    c->ext_key_usage = 0;
    while (!der_at_end(&r)) {
        if ((err = der_read_oid(&r, &oid, &oid_len)) != GLASS_OK)
            return err;
        if (der_oid_eq(oid, oid_len, &ASN1_OID_KP_SERVER_AUTH))
            c->ext_key_usage |= X509_EKU_SERVER;
        else if (der_oid_eq(oid, oid_len, &ASN1_OID_KP_CLIENT_AUTH))
            c->ext_key_usage |= X509_EKU_CLIENT;
        else if (der_oid_eq(oid, oid_len, &ASN1_OID_ANY_EKU))
            c->ext_key_usage |= X509_EKU_ANY;
        else
            c->ext_key_usage |= X509_EKU_OTHER;
    }
    return GLASS_OK;
}

/* subjectAltName (§4.2.1.6): GeneralNames, of which we keep
 * dNSName [2] IA5String and iPAddress [7] OCTET STRING. */
static glass_err ext_san(x509_cert *c, const uint8_t *v, size_t len)
{
    der_elem seq, gn;
    glass_err err = der_parse_one(v, len, DER_SEQUENCE, &seq);
    if (err != GLASS_OK)
        return err;
    der_reader r = der_enter(&seq);
    if (der_at_end(&r))
        return GLASS_ERR_DER_VALUE;
    while (!der_at_end(&r)) {
        if ((err = der_read_any(&r, &gn)) != GLASS_OK)
            return err;
        if (gn.tag == DER_CONTEXT_PRIM(2)) {
            if (gn.len == 0 || gn.len >= X509_SAN_DNS_MAX || memchr(gn.val, 0, gn.len) != NULL)
                return GLASS_ERR_DER_VALUE;
            if (c->n_san_dns < X509_MAX_SAN) {
                memcpy(c->san_dns[c->n_san_dns], gn.val, gn.len);
                c->san_dns[c->n_san_dns][gn.len] = '\0';
                c->n_san_dns++;
            }
        } else if (gn.tag == DER_CONTEXT_PRIM(7)) {
            if (gn.len != 4 && gn.len != 16)
                return GLASS_ERR_DER_VALUE;
            if (c->n_san_ip < X509_MAX_SAN) {
                memcpy(c->san_ip[c->n_san_ip], gn.val, gn.len);
                c->san_ip_len[c->n_san_ip] = gn.len;
                c->n_san_ip++;
            }
        }
    }
    return GLASS_OK;
}

/* See ca_internal.h.  subjectKeyIdentifier (§4.2.1.2): OCTET STRING. */
glass_err x509_read_key_id(const uint8_t *v, size_t len, uint8_t out[X509_KEYID_MAX], size_t *n_out)
{
    der_reader r;
    const uint8_t *id;
    size_t n;
    der_reader_init(&r, v, len);
    glass_err err = der_read_octets(&r, &id, &n);
    if (err != GLASS_OK || (err = der_finish(&r)) != GLASS_OK)
        return err;
    if (n > X509_KEYID_MAX)
        return GLASS_ERR_DER_VALUE;
    memcpy(out, id, n);
    *n_out = n;
    return GLASS_OK;
}

static glass_err ext_ski(x509_cert *c, const uint8_t *v, size_t len)
{
    return x509_read_key_id(v, len, c->ski, &c->ski_len);
}

/* authorityKeyIdentifier (§4.2.1.1):
 *   SEQUENCE { keyIdentifier [0] IMPLICIT OCTET STRING OPTIONAL,
 *              authorityCertIssuer [1] OPTIONAL, authorityCertSerialNumber [2] OPTIONAL } */
static glass_err ext_aki(x509_cert *c, const uint8_t *v, size_t len)
{
    der_elem seq, e;
    glass_err err = der_parse_one(v, len, DER_SEQUENCE, &seq);
    if (err != GLASS_OK)
        return err;
    der_reader r = der_enter(&seq);
    while (!der_at_end(&r)) {
        if ((err = der_read_any(&r, &e)) != GLASS_OK)
            return err;
        if (e.tag == DER_CONTEXT_PRIM(0)) {
            if (e.len > X509_KEYID_MAX)
                return GLASS_ERR_DER_VALUE;
            memcpy(c->aki, e.val, e.len);
            c->aki_len = e.len;
        }
    }
    return GLASS_OK;
}

/* Extensions ::= SEQUENCE SIZE (1..MAX) OF Extension (§4.1.2.9, §4.2). */
static glass_err parse_extensions(x509_cert *c, const der_elem *outer)
{
    static const struct {
        const der_oid *oid;
        glass_err (*parse)(x509_cert *, const uint8_t *, size_t);
    } known[] = {
        {&ASN1_OID_CE_BASIC_CONSTRAINTS, ext_basic_constraints},
        {&ASN1_OID_CE_KEY_USAGE, ext_key_usage},
        {&ASN1_OID_CE_EXT_KEY_USAGE, ext_ext_key_usage},
        {&ASN1_OID_CE_SAN, ext_san},
        {&ASN1_OID_CE_SKI, ext_ski},
        {&ASN1_OID_CE_AKI, ext_aki},
    };
    unsigned seen = 0;
    der_elem seq, ext;
    der_reader o = der_enter(outer);
    glass_err err = der_read(&o, DER_SEQUENCE, &seq);
    if (err != GLASS_OK)
        return err;
    if ((err = der_finish(&o)) != GLASS_OK)
        return err;
    der_reader r = der_enter(&seq);
    if (der_at_end(&r))
        return GLASS_ERR_DER_VALUE;
    while (!der_at_end(&r)) {
        const uint8_t *oid, *value;
        size_t oid_len, value_len;
        int critical = 0;
        if ((err = der_read(&r, DER_SEQUENCE, &ext)) != GLASS_OK)
            return err;
        der_reader e = der_enter(&ext);
        if ((err = der_read_oid(&e, &oid, &oid_len)) != GLASS_OK)
            return err;
        if (der_peek_tag(&e) == DER_BOOLEAN && (err = der_read_bool(&e, &critical)) != GLASS_OK)
            return err;
        if ((err = der_read_octets(&e, &value, &value_len)) != GLASS_OK)
            return err;
        if ((err = der_finish(&e)) != GLASS_OK)
            return err;
        size_t i;
        for (i = 0; i < sizeof known / sizeof known[0]; i++)
            if (der_oid_eq(oid, oid_len, known[i].oid))
                break;
        if (i == sizeof known / sizeof known[0]) {
            /* §4.2: "A certificate-using system MUST reject the certificate
             * if it encounters a critical extension it does not recognize";
             * we record it and let verification refuse it. */
            if (critical)
                c->unknown_critical = 1;
            continue;
        }
        /* §4.2: "A certificate MUST NOT include more than one instance of a
         * particular extension." */
        if (seen & (1u << i))
            return GLASS_ERR_X509_PARSE;
        seen |= 1u << i;
        if ((err = known[i].parse(c, value, value_len)) != GLASS_OK)
            return err;
    }
    return GLASS_OK;
}

/* The steps of x509_parse, on a cert whose der is already owned. */
static glass_err parse_certificate(x509_cert *c)
{
    der_elem cert, tbs, ver, serial, issuer, validity, subject, spki, sigval, ext;
    int tbs_sig_ok = 0, present = 0;
    glass_err err;

    /* 1. Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm,
     *    signatureValue }, and nothing after it. */
    if ((err = der_parse_one(c->der, c->der_len, DER_SEQUENCE, &cert)) != GLASS_OK)
        return err;
    der_reader r = der_enter(&cert);
    if ((err = der_read(&r, DER_SEQUENCE, &tbs)) != GLASS_OK)
        return err;
    c->tbs = tbs.start;
    c->tbs_len = der_elem_size(&tbs);
    if ((err = ca_sig_alg_read(&r, &c->sig_alg_ok)) != GLASS_OK)
        return err;
    if ((err = der_read(&r, DER_BIT_STRING, &sigval)) != GLASS_OK)
        return err;
    if (sigval.len < 1 || sigval.val[0] != 0)
        return GLASS_ERR_DER_VALUE;
    c->sig = sigval.val + 1;
    c->sig_len = sigval.len - 1;
    if ((err = der_finish(&r)) != GLASS_OK)
        return err;

    /* 2. version [0] EXPLICIT, DEFAULT v1 (so absent means 1). */
    der_reader t = der_enter(&tbs);
    c->version = 1;
    if ((err = der_read_optional(&t, DER_CONTEXT_CONS(0), &ver, &present)) != GLASS_OK)
        return err;
    if (present) {
        long v;
        der_reader vr = der_enter(&ver);
        if ((err = der_read_long(&vr, &v)) != GLASS_OK || (err = der_finish(&vr)) != GLASS_OK)
            return err;
        if (v < 0 || v > 2)
            return GLASS_ERR_X509_PARSE;
        c->version = (int)v + 1;
    }

    /* 3. serialNumber (§4.1.2.2: positive, at most 20 octets; we keep the
     *    encoding, and tolerate what others issue up to 21 bytes). */
    if ((err = der_read(&t, DER_INTEGER, &serial)) != GLASS_OK)
        return err;
    if ((err = der_check_integer(serial.val, serial.len)) != GLASS_OK)
        return err;
    if (serial.len > X509_SERIAL_MAX + 1)
        return GLASS_ERR_X509_PARSE;
    memcpy(c->serial, serial.val, serial.len);
    c->serial_len = serial.len;

    /* 4. signature: must name the same algorithm as signatureAlgorithm
     *    (§4.1.1.2); we compare what we understand of both. */
    if ((err = ca_sig_alg_read(&t, &tbs_sig_ok)) != GLASS_OK)
        return err;
    if (tbs_sig_ok != c->sig_alg_ok)
        return GLASS_ERR_X509_PARSE;

    /* 5. issuer, validity, subject. */
    if ((err = der_read(&t, DER_SEQUENCE, &issuer)) != GLASS_OK)
        return err;
    c->issuer_der = issuer.start;
    c->issuer_len = der_elem_size(&issuer);
    if ((err = x509_name_to_string(c->issuer_der, c->issuer_len, c->issuer, sizeof c->issuer)) !=
        GLASS_OK)
        return err;
    if ((err = der_read(&t, DER_SEQUENCE, &validity)) != GLASS_OK)
        return err;
    der_reader vr = der_enter(&validity);
    if ((err = der_read_time(&vr, &c->not_before)) != GLASS_OK ||
        (err = der_read_time(&vr, &c->not_after)) != GLASS_OK ||
        (err = der_finish(&vr)) != GLASS_OK)
        return err;
    if ((err = der_read(&t, DER_SEQUENCE, &subject)) != GLASS_OK)
        return err;
    c->subject_der = subject.start;
    c->subject_len = der_elem_size(&subject);
    if ((err = x509_name_to_string(c->subject_der, c->subject_len, c->subject,
                                   sizeof c->subject)) != GLASS_OK)
        return err;

    /* 6. subjectPublicKeyInfo: RSA only. */
    if ((err = der_read(&t, DER_SEQUENCE, &spki)) != GLASS_OK)
        return err;
    c->spki_der = spki.start;
    c->spki_len = der_elem_size(&spki);
    err = ca_key_parse_spki(c->spki_der, c->spki_len, &c->pub);
    if (err == GLASS_ERR_KEY_ALGORITHM || err == GLASS_ERR_RSA_MODULUS_SIZE ||
        err == GLASS_ERR_RSA_EXPONENT)
        return GLASS_ERR_X509_PARSE;
    if (err != GLASS_OK)
        return err;

    /* 7. the unique IDs (v2, v3) are skipped; extensions (v3 only). */
    der_elem uid;
    if ((err = der_read_optional(&t, DER_CONTEXT_PRIM(1), &uid, &present)) != GLASS_OK ||
        (err = der_read_optional(&t, DER_CONTEXT_PRIM(2), &uid, &present)) != GLASS_OK)
        return err;
    if ((err = der_read_optional(&t, DER_CONTEXT_CONS(3), &ext, &present)) != GLASS_OK)
        return err;
    if (present) {
        if (c->version != 3)
            return GLASS_ERR_X509_PARSE;
        if ((err = parse_extensions(c, &ext)) != GLASS_OK)
            return err;
    }
    return der_finish(&t);
}

/* See ca.h. */
glass_err x509_parse(x509_cert *c, const uint8_t *der, size_t len)
{
    if (c == NULL || der == NULL)
        return GLASS_ERR_ARG;
    memset(c, 0, sizeof *c);
    c->path_len = -1;
    rsa_public_init(&c->pub);
    c->der = malloc(len ? len : 1);
    if (c->der == NULL) {
        rsa_public_clear(&c->pub);
        return GLASS_ERR_NOMEM;
    }
    memcpy(c->der, der, len);
    c->der_len = len;
    glass_err err = parse_certificate(c);
    if (err != GLASS_OK)
        x509_free(c);
    return err;
}

/* See ca.h. */
void x509_free(x509_cert *c)
{
    if (c == NULL || c->der == NULL)
        return;
    free(c->der);
    rsa_public_clear(&c->pub);
    memset(c, 0, sizeof *c);
}

/* See ca.h. */
void x509_free_all(x509_cert *certs, size_t n)
{
    if (certs == NULL)
        return;
    for (size_t i = 0; i < n; i++)
        x509_free(&certs[i]);
    free(certs);
}

/* See ca.h. */
glass_err x509_load_pem(const uint8_t *data, size_t len, x509_cert **certs, size_t *n)
{
    x509_cert *list = NULL;
    size_t count = 0, off = 0;
    glass_err err = GLASS_OK;
    *certs = NULL;
    *n = 0;
    if (!pem_detect(data, len)) {
        list = malloc(sizeof *list);
        if (list == NULL)
            return GLASS_ERR_NOMEM;
        err = x509_parse(list, data, len);
        if (err != GLASS_OK) {
            free(list);
            return err;
        }
        *certs = list;
        *n = 1;
        return GLASS_OK;
    }
    /* Every CERTIFICATE block in turn; other blocks (a key in the same
     * file) are skipped. */
    while (off < len && pem_detect(data + off, len - off)) {
        char label[PEM_LABEL_MAX];
        uint8_t *der = NULL;
        size_t der_len = 0, used = 0;
        err = pem_decode((const char *)data + off, len - off, NULL, label, &der, &der_len, &used);
        if (err != GLASS_OK)
            break;
        off += used;
        if (strcmp(label, PEM_CERTIFICATE) != 0) {
            glass_wipe(der, der_len);
            free(der);
            continue;
        }
        x509_cert *grown = realloc(list, (count + 1) * sizeof *list);
        if (grown == NULL) {
            free(der);
            err = GLASS_ERR_NOMEM;
            break;
        }
        list = grown;
        err = x509_parse(&list[count], der, der_len);
        free(der);
        if (err != GLASS_OK)
            break;
        count++;
    }
    if (err == GLASS_OK && count == 0)
        err = GLASS_ERR_PEM_LABEL;
    if (err != GLASS_OK) {
        x509_free_all(list, count);
        return err;
    }
    *certs = list;
    *n = count;
    return GLASS_OK;
}

/* See ca.h. */
glass_err x509_load_pem_file(const char *path, x509_cert **certs, size_t *n)
{
    uint8_t *data = NULL;
    size_t len = 0;
    glass_err err = glass_read_file(path, 1u << 20, &data, &len);
    if (err != GLASS_OK)
        return err;
    err = x509_load_pem(data, len, certs, n);
    free(data);
    return err;
}

/* See ca.h. */
glass_err x509_check_signature(const x509_cert *c, const rsa_public_key *issuer_pub)
{
    if (!c->sig_alg_ok)
        return GLASS_ERR_X509_SIGNATURE;
    return ca_sig_verify(issuer_pub, c->tbs, c->tbs_len, c->sig, c->sig_len);
}

/* See ca.h. */
glass_err x509_subject_cn(const x509_cert *c, char *out, size_t cap)
{
    return ca_name_common_name(c->subject_der, c->subject_len, out, cap);
}

static int ascii_case_equal(const char *a, const char *b)
{
    for (; *a != '\0' && *b != '\0'; a++, b++) {
        char x = *a >= 'A' && *a <= 'Z' ? (char)(*a + 32) : *a;
        char y = *b >= 'A' && *b <= 'Z' ? (char)(*b + 32) : *b;
        if (x != y)
            return 0;
    }
    return *a == *b;
}

/* See ca.h. */
glass_err x509_check_host(const x509_cert *c, const char *host)
{
    uint8_t ip[16];
    if (c == NULL || host == NULL || host[0] == '\0')
        return GLASS_ERR_ARG;
    /* 1. An IP literal is compared with iPAddress entries only (RFC 5280
     *    §4.2.1.6: 4 octets for IPv4, 16 for IPv6, network byte order). */
    size_t ip_len = 0;
    if (inet_pton(AF_INET, host, ip) == 1)
        ip_len = 4;
    else if (inet_pton(AF_INET6, host, ip) == 1)
        ip_len = 16;
    if (ip_len != 0) {
        for (size_t i = 0; i < c->n_san_ip; i++)
            if (c->san_ip_len[i] == ip_len && memcmp(c->san_ip[i], ip, ip_len) == 0)
                return GLASS_OK;
        return GLASS_ERR_X509_NAME;
    }
    /* 2. A host name against dNSName entries, case-insensitively (DNS names
     *    are case-insensitive, RFC 4343), a trailing dot ignored. */
    char name[X509_SAN_DNS_MAX];
    size_t hl = strlen(host);
    if (hl >= sizeof name)
        return GLASS_ERR_X509_NAME;
    memcpy(name, host, hl + 1);
    if (hl > 1 && name[hl - 1] == '.')
        name[hl - 1] = '\0';
    for (size_t i = 0; i < c->n_san_dns; i++)
        if (ascii_case_equal(c->san_dns[i], name))
            return GLASS_OK;
    return GLASS_ERR_X509_NAME;
}

/* See ca.h. */
void x509_fingerprint(const x509_cert *c, uint8_t out[32])
{
    sha256(c->der, c->der_len, out);
}

/* ---- the text dump ------------------------------------------------------------ */

static void print_time(FILE *f, int64_t t)
{
    int y, mon, d, h, min, s;
    der_time_to_civil(t, &y, &mon, &d, &h, &min, &s);
    fprintf(f, "%04d-%02d-%02d %02d:%02d:%02d UTC", y, mon, d, h, min, s);
}

static void print_hex_block(FILE *f, const uint8_t *p, size_t len, const char *indent)
{
    for (size_t i = 0; i < len; i++) {
        if (i % 18 == 0)
            fprintf(f, "%s%s", i ? "\n" : "", indent);
        fprintf(f, "%02x%s", p[i], i + 1 < len ? ":" : "");
    }
    fputc('\n', f);
}

/* See ca.h. */
void x509_print_text(void *file, const x509_cert *c)
{
    FILE *f = file != NULL ? file : stdout;
    fprintf(f, "Certificate:\n    Data:\n");
    fprintf(f, "        Version: %d (0x%x)\n", c->version, c->version - 1);
    fprintf(f, "        Serial Number:\n");
    print_hex_block(f, c->serial, c->serial_len, "            ");
    fprintf(f, "        Signature Algorithm: %s\n",
            c->sig_alg_ok ? "sha256WithRSAEncryption" : "(not sha256WithRSAEncryption)");
    fprintf(f, "        Issuer: %s\n", c->issuer);
    fprintf(f, "        Validity\n            Not Before: ");
    print_time(f, c->not_before);
    fprintf(f, "\n            Not After : ");
    print_time(f, c->not_after);
    fprintf(f, "\n        Subject: %s\n", c->subject);
    fprintf(f, "        Subject Public Key Info:\n            Public Key Algorithm: rsaEncryption\n");
    fprintf(f, "                Public-Key: (%zu bit)\n", mpz_sizeinbase(c->pub.n, 2));
    fprintf(f, "                Modulus:\n");
    {
        size_t n = (mpz_sizeinbase(c->pub.n, 2) + 7) / 8;
        uint8_t *m = malloc(n + 1);
        if (m != NULL) {
            size_t got = 0;
            m[0] = 0;
            mpz_export(m + 1, &got, 1, 1, 1, 0, c->pub.n);
            /* Shown with a leading 00, as OpenSSL does, when the top bit is set. */
            int lead = (m[1] & 0x80) != 0;
            print_hex_block(f, lead ? m : m + 1, got + (size_t)lead, "                    ");
            free(m);
        }
    }
    if (mpz_fits_ulong_p(c->pub.e))
        fprintf(f, "                Exponent: %lu (0x%lx)\n", mpz_get_ui(c->pub.e),
                mpz_get_ui(c->pub.e));
    else
        fprintf(f, "                Exponent: (more than %zu bits)\n", sizeof(unsigned long) * 8);
    if (c->version == 3) {
        fprintf(f, "        X509v3 extensions:\n");
        if (c->has_basic_constraints) {
            fprintf(f, "            X509v3 Basic Constraints:\n                CA:%s",
                    c->is_ca ? "TRUE" : "FALSE");
            if (c->path_len >= 0)
                fprintf(f, ", pathlen:%d", c->path_len);
            fputc('\n', f);
        }
        if (c->has_key_usage) {
            static const char *const names[] = {
                "Digital Signature", "Non Repudiation", "Key Encipherment",
                "Data Encipherment", "Key Agreement", "Certificate Sign",
                "CRL Sign", "Encipher Only", "Decipher Only"};
            const char *sep = "";
            fprintf(f, "            X509v3 Key Usage:\n                ");
            for (int i = 0; i < 9; i++)
                if (c->key_usage & (1u << i)) {
                    fprintf(f, "%s%s", sep, names[i]);
                    sep = ", ";
                }
            fputc('\n', f);
        }
        if (c->has_ext_key_usage) {
            const char *sep = "";
            fprintf(f, "            X509v3 Extended Key Usage:\n                ");
            if (c->ext_key_usage & X509_EKU_SERVER) {
                fprintf(f, "%sTLS Web Server Authentication", sep);
                sep = ", ";
            }
            if (c->ext_key_usage & X509_EKU_CLIENT) {
                fprintf(f, "%sTLS Web Client Authentication", sep);
                sep = ", ";
            }
            if (c->ext_key_usage & X509_EKU_ANY) {
                fprintf(f, "%sAny Extended Key Usage", sep);
                sep = ", ";
            }
            if (c->ext_key_usage & X509_EKU_OTHER)
                fprintf(f, "%s(other purposes)", sep);
            fputc('\n', f);
        }
        if (c->n_san_dns + c->n_san_ip > 0) {
            const char *sep = "";
            fprintf(f, "            X509v3 Subject Alternative Name:\n                ");
            for (size_t i = 0; i < c->n_san_dns; i++) {
                fprintf(f, "%sDNS:%s", sep, c->san_dns[i]);
                sep = ", ";
            }
            for (size_t i = 0; i < c->n_san_ip; i++) {
                char text[64];
                int af = c->san_ip_len[i] == 4 ? AF_INET : AF_INET6;
                if (inet_ntop(af, c->san_ip[i], text, sizeof text) == NULL)
                    snprintf(text, sizeof text, "?");
                fprintf(f, "%sIP Address:%s", sep, text);
                sep = ", ";
            }
            fputc('\n', f);
        }
        if (c->ski_len > 0) {
            fprintf(f, "            X509v3 Subject Key Identifier:\n");
            print_hex_block(f, c->ski, c->ski_len, "                ");
        }
        if (c->aki_len > 0) {
            fprintf(f, "            X509v3 Authority Key Identifier:\n");
            print_hex_block(f, c->aki, c->aki_len, "                ");
        }
        if (c->unknown_critical)
            fprintf(f, "            (an unrecognised CRITICAL extension is present)\n");
    }
    fprintf(f, "    Signature Algorithm: %s\n    Signature Value:\n",
            c->sig_alg_ok ? "sha256WithRSAEncryption" : "(other)");
    print_hex_block(f, c->sig, c->sig_len, "        ");
}
