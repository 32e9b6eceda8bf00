/*
 * csr.c — PKCS#10 certification requests (RFC 2986).
 *
 *   CertificationRequest ::= SEQUENCE {                       §4.2
 *       certificationRequestInfo  CertificationRequestInfo,
 *       signatureAlgorithm        AlgorithmIdentifier,
 *       signature                 BIT STRING }
 *
 *   CertificationRequestInfo ::= SEQUENCE {                   §4.1
 *       version        INTEGER { v1(0) },
 *       subject        Name,
 *       subjectPKInfo  SubjectPublicKeyInfo,
 *       attributes     [0] IMPLICIT SET OF Attribute }        a0 00 when empty
 *
 * The signature, made with the key being certified, proves that whoever
 * sent the request holds the private key (proof of possession): the CA must
 * check it before it signs anything (csr_parse_and_verify does).
 *
 * The one attribute written and read is extensionRequest (RFC 2985 §5.4.2,
 * 1.2.840.113549.1.9.14), the extensions the requester would like in the
 * certificate, laid out as OpenSSL lays them out:
 *
 *   a0 LEN                                attributes [0]
 *     30 LEN                              Attribute
 *       06 09 2a 86 48 86 f7 0d 01 09 0e    type: extensionRequest
 *       31 LEN                              values: SET of one
 *         30 LEN Extension Extension ...      Extensions (RFC 5280 §4.1)
 *
 * They are only a wish: the CA decides what the certificate says
 * (`glass x509 -req -copy_extensions` explains why).
 *
 * Read in this order: csr_create_ext, parse_request, read_attributes and
 * the decoders of each extension above it.
 *
 * CT: no — requests are public.
 */
#include "ca/ca.h"
#include "ca/ca_internal.h"

#include "asn1/asn1.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* See ca.h. */
glass_err csr_create(const rsa_private_key *key, const char *subject, uint8_t **der,
                     size_t *der_len)
{
    return csr_create_ext(key, subject, NULL, der, der_len);
}

/* The attributes [0]: empty (a0 00), or the extensionRequest. */
static glass_err put_attributes(der_buf *b, const rsa_public_key *pub, const x509_ext_set *ext)
{
    uint8_t ski[20];
    if (ext == NULL || ext->n == 0) {
        der_put_tlv(b, DER_CONTEXT_CONS(0), NULL, 0);
        return GLASS_OK;
    }
    glass_err err = ca_key_identifier(pub, ski);
    if (err != GLASS_OK)
        return err;
    size_t attrs = der_begin(b);
    size_t attr = der_begin(b);
    der_put_oid(b, ASN1_OID_EXTENSION_REQUEST.der, ASN1_OID_EXTENSION_REQUEST.len);
    size_t values = der_begin(b);
    if ((err = x509_ext_put(b, ext, ski, NULL, 0)) != GLASS_OK)
        return err;
    der_end(b, values, DER_SET);
    der_end(b, attr, DER_SEQUENCE);
    der_end(b, attrs, DER_CONTEXT_CONS(0));
    return GLASS_OK;
}

/* See ca.h; RFC 2986 §3 steps 1-3 (build the info, sign it, wrap both). */
glass_err csr_create_ext(const rsa_private_key *key, const char *subject,
                         const x509_ext_set *ext, uint8_t **der, size_t *der_len)
{
    der_buf b;
    uint8_t *name = NULL, *spki = NULL;
    size_t name_len = 0, spki_len = 0;
    rsa_public_key pub;
    glass_err err;

    if (key == NULL || subject == NULL || der == NULL || der_len == NULL)
        return GLASS_ERR_ARG;
    rsa_public_init(&pub);
    der_buf_init(&b);
    rsa_public_from_private(&pub, key);
    if ((err = x509_name_from_string(subject, &name, &name_len)) != GLASS_OK)
        goto cleanup;
    if ((err = ca_key_encode_public(&pub, 1, &spki, &spki_len)) != GLASS_OK)
        goto cleanup;
    size_t outer = der_begin(&b);
    size_t info = der_begin(&b);
    der_put_uint(&b, 0);
    der_put_raw(&b, name, name_len);
    der_put_raw(&b, spki, spki_len);
    if ((err = put_attributes(&b, &pub, ext)) != GLASS_OK)
        goto cleanup;
    der_end(&b, info, DER_SEQUENCE);
    if ((err = ca_sign_and_wrap(&b, outer, key)) != GLASS_OK)
        goto cleanup;
    err = der_buf_take(&b, der, der_len);
cleanup:
    der_buf_free(&b);
    rsa_public_clear(&pub);
    free(name);
    free(spki);
    return err;
}

/* See ca.h.  FIPS 186-5 §5.4: 2^16 < e < 2^256, e odd. */
glass_err csr_check_exponent(const csr_info *info)
{
    if (info == NULL)
        return GLASS_ERR_ARG;
    if (mpz_sizeinbase(info->pub.e, 2) > 256 || mpz_cmp_ui(info->pub.e, 65536) <= 0 ||
        mpz_even_p(info->pub.e))
        return GLASS_ERR_RSA_EXPONENT_RANGE;
    return GLASS_OK;
}

/* ---- reading the extensionRequest back ------------------------------------- */

/* basicConstraints (RFC 5280 §4.2.1.9), read as a certificate's is
 * (x509.c); a request may not ask for a path length past 255. */
static glass_err dec_bc(csr_info *out, const uint8_t *v, size_t len)
{
    long pl;
    glass_err err = x509_read_basic_constraints(v, len, &out->ext.ca, &pl);
    if (err != GLASS_OK)
        return err;
    if (pl > 255)
        return GLASS_ERR_DER_VALUE;
    out->ext.path_len = (int)pl;
    return GLASS_OK;
}

/* keyUsage (§4.2.1.3): at least one bit set. */
static glass_err dec_ku(csr_info *out, const uint8_t *v, size_t len)
{
    glass_err err = x509_read_key_usage(v, len, &out->ext.key_usage);
    if (err != GLASS_OK)
        return err;
    return out->ext.key_usage != 0 ? GLASS_OK : GLASS_ERR_DER_VALUE;
}

/* extendedKeyUsage (§4.2.1.12): SEQUENCE OF KeyPurposeId; id-kp is
 * 1.3.6.1.5.5.7.3, and its last arc says which purpose. */
static glass_err dec_eku(csr_info *out, const uint8_t *v, size_t len)
{
    static const uint8_t id_kp[7] = {0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03};
    static const unsigned by_arc[10] = {0, X509_EKU_SERVER, X509_EKU_CLIENT,
                                        X509_EKU_CODE_SIGNING, X509_EKU_EMAIL, 0, 0, 0,
                                        X509_EKU_TIME_STAMP, X509_EKU_OCSP_SIGNING};
    der_elem seq;
    const uint8_t *oid;
    size_t oid_len;
    glass_err err = der_parse_one(v, len, DER_SEQUENCE, &seq);
    if (err != GLASS_OK)
        return err;
    der_reader r = der_enter(&seq);
    out->ext.ext_key_usage = 0;
    while (!der_at_end(&r)) {
        if ((err = der_read_oid(&r, &oid, &oid_len)) != GLASS_OK)
            return err;
        unsigned flag = 0;
        if (oid_len == 8 && memcmp(oid, id_kp, 7) == 0 && oid[7] < 10)
            flag = by_arc[oid[7]];
        else if (der_oid_eq(oid, oid_len, &ASN1_OID_ANY_EKU))
            flag = X509_EKU_ANY;
        if (flag == 0)
            out->ext_unknown++;
        out->ext.ext_key_usage |= flag != 0 ? flag : X509_EKU_OTHER;
    }
    return out->ext.ext_key_usage != 0 ? GLASS_OK : GLASS_ERR_DER_VALUE;
}

/* subjectAltName (§4.2.1.6): the dNSName [2] and iPAddress [7] names, as
 * "DNS:a,IP:1.2.3.4"; any other kind of name is counted in ext_unknown. */
static glass_err dec_san(csr_info *out, const uint8_t *v, size_t len)
{
    der_elem seq, gn;
    size_t o = 0;
    glass_err err = der_parse_one(v, len, DER_SEQUENCE, &seq);
    if (err != GLASS_OK)
        return err;
    der_reader r = der_enter(&seq);
    char *san = out->ext.san;
    san[0] = '\0';
    while (!der_at_end(&r)) {
        char item[X509_SAN_DNS_MAX + 8];
        if ((err = der_read_any(&r, &gn)) != GLASS_OK)
            return err;
        int ok = 0;
        if (gn.tag == DER_CONTEXT_PRIM(2) && gn.len > 0 && gn.len < X509_SAN_DNS_MAX) {
            ok = 1;
            for (size_t i = 0; i < gn.len; i++)     /* what put_san writes back */
                ok &= (gn.val[i] >= 'a' && gn.val[i] <= 'z') || (gn.val[i] >= 'A' && gn.val[i] <= 'Z') ||
                      (gn.val[i] >= '0' && gn.val[i] <= '9') || gn.val[i] == '-' ||
                      gn.val[i] == '.' || gn.val[i] == '*';
            snprintf(item, sizeof item, "DNS:%.*s", (int)gn.len, (const char *)gn.val);
        } else if (gn.tag == DER_CONTEXT_PRIM(7) && (gn.len == 4 || gn.len == 16)) {
            char text[64];
            ok = inet_ntop(gn.len == 4 ? AF_INET : AF_INET6, gn.val, text, sizeof text) != NULL;
            snprintf(item, sizeof item, "IP:%s", ok ? text : "");
        }
        if (ok && o + strlen(item) + 2 < X509_EXT_SAN_MAX) {
            o += (size_t)snprintf(san + o, X509_EXT_SAN_MAX - o, "%s%s", o ? "," : "", item);
        } else {
            out->ext_unknown++;
        }
    }
    return GLASS_OK;
}

/* subjectKeyIdentifier (§4.2.1.2): a non-empty OCTET STRING. */
static glass_err dec_ski(csr_info *out, const uint8_t *v, size_t len)
{
    glass_err err = x509_read_key_id(v, len, out->ski, &out->ski_len);
    if (err == GLASS_OK && out->ski_len == 0)
        err = GLASS_ERR_DER_VALUE;
    return err;
}

/* authorityKeyIdentifier in a request: only noted (the CA names itself). */
static glass_err dec_aki(csr_info *out, const uint8_t *v, size_t len)
{
    der_elem seq;
    (void)out;
    return der_parse_one(v, len, DER_SEQUENCE, &seq);
}

/* Extensions ::= SEQUENCE OF Extension, each decoded into out->ext. */
static glass_err read_extensions(const der_elem *seq, csr_info *out)
{
    static const struct {
        const der_oid *oid;
        enum x509_ext_kind kind;
        glass_err (*dec)(csr_info *, const uint8_t *, size_t);
    } known[] = {
        {&ASN1_OID_CE_BASIC_CONSTRAINTS, X509_EXT_BC, dec_bc}, {&ASN1_OID_CE_KEY_USAGE, X509_EXT_KU, dec_ku},
        {&ASN1_OID_CE_EXT_KEY_USAGE, X509_EXT_EKU, dec_eku},   {&ASN1_OID_CE_SAN, X509_EXT_SAN, dec_san},
        {&ASN1_OID_CE_SKI, X509_EXT_SKI, dec_ski},             {&ASN1_OID_CE_AKI, X509_EXT_AKI, dec_aki},
    };
    der_elem ext;
    der_reader r = der_enter(seq);
    glass_err err;
    while (!der_at_end(&r)) {
        const uint8_t *oid, *value;
        size_t oid_len, value_len, i;
        int critical = 0;
        if ((err = der_read(&r, DER_SEQUENCE, &ext)) != GLASS_OK)
            return err;
        der_reader e = der_enter(&ext);
        if ((err = der_read_oid(&e, &oid, &oid_len)) != GLASS_OK ||
            (der_peek_tag(&e) == DER_BOOLEAN && (err = der_read_bool(&e, &critical)) != GLASS_OK) ||
            (err = der_read_octets(&e, &value, &value_len)) != GLASS_OK ||
            (err = der_finish(&e)) != GLASS_OK)
            return err;
        for (i = 0; i < sizeof known / sizeof known[0]; i++)
            if (der_oid_eq(oid, oid_len, known[i].oid))
                break;
        if (i == sizeof known / sizeof known[0]) {
            out->ext_unknown++;
            continue;
        }
        enum x509_ext_kind kind = known[i].kind;
        /* RFC 5280 §4.2: no extension twice. */
        if (x509_ext_has(&out->ext, kind))
            return GLASS_ERR_X509_PARSE;
        if ((err = known[i].dec(out, value, value_len)) != GLASS_OK)
            return err;
        if (kind == X509_EXT_SAN && out->ext.san[0] == '\0')
            continue;   /* no name glass can carry: counted in ext_unknown */
        out->ext.order[out->ext.n++] = (unsigned char)kind;
        if (critical)
            out->ext.critical |= 1u << kind;
    }
    return GLASS_OK;
}

/* attributes [0] IMPLICIT SET OF Attribute (RFC 2986 §4.1); Attribute ::=
 * SEQUENCE { type OID, values SET OF ANY }.  The extensionRequest is read;
 * any other attribute (a challengePassword) is passed over. */
static glass_err read_attributes(const der_elem *attrs, csr_info *out)
{
    der_elem attr, values, exts;
    const uint8_t *oid;
    size_t oid_len;
    int seen = 0;
    glass_err err;
    der_reader r = der_enter(attrs);
    while (!der_at_end(&r)) {
        if ((err = der_read(&r, DER_SEQUENCE, &attr)) != GLASS_OK)
            return err;
        der_reader a = der_enter(&attr);
        if ((err = der_read_oid(&a, &oid, &oid_len)) != GLASS_OK ||
            (err = der_read(&a, DER_SET, &values)) != GLASS_OK || (err = der_finish(&a)) != GLASS_OK)
            return err;
        if (!der_oid_eq(oid, oid_len, &ASN1_OID_EXTENSION_REQUEST))
            continue;
        if (seen++)
            return GLASS_ERR_X509_PARSE;    /* one extensionRequest at most */
        der_reader v = der_enter(&values);
        if ((err = der_read(&v, DER_SEQUENCE, &exts)) != GLASS_OK || (err = der_finish(&v)) != GLASS_OK)
            return err;
        if ((err = read_extensions(&exts, out)) != GLASS_OK)
            return err;
    }
    return GLASS_OK;
}

/* csr_parse_and_verify and csr_parse_for_ca: with ca_policy set, the
 * public exponent is held to FIPS 186-5 §5.4 before the signature is checked. */
static glass_err parse_request(const uint8_t *der, size_t len, csr_info *out, int ca_policy)
{
    der_elem req, info, subject, spki, attrs, sig;
    long version;
    int sig_ok = 0;
    glass_err err;

    if (der == NULL || out == NULL)
        return GLASS_ERR_ARG;
    memset(out, 0, sizeof *out);
    x509_ext_init(&out->ext);
    rsa_public_init(&out->pub);

    /* 1. The outer structure. */
    if ((err = der_parse_one(der, len, DER_SEQUENCE, &req)) != GLASS_OK)
        goto cleanup;
    der_reader r = der_enter(&req);
    if ((err = der_read(&r, DER_SEQUENCE, &info)) != GLASS_OK)
        goto cleanup;
    if ((err = ca_sig_alg_read(&r, &sig_ok)) != GLASS_OK)
        goto cleanup;
    if ((err = der_read(&r, DER_BIT_STRING, &sig)) != GLASS_OK)
        goto cleanup;
    if ((err = der_finish(&r)) != GLASS_OK)
        goto cleanup;
    if (sig.len < 1 || sig.val[0] != 0) {
        err = GLASS_ERR_DER_VALUE;
        goto cleanup;
    }

    /* 2. The request info: version 0, subject, key, attributes. */
    der_reader i = der_enter(&info);
    if ((err = der_read_long(&i, &version)) != GLASS_OK)
        goto cleanup;
    if (version != 0) {
        err = GLASS_ERR_X509_PARSE;
        goto cleanup;
    }
    if ((err = der_read(&i, DER_SEQUENCE, &subject)) != GLASS_OK)
        goto cleanup;
    if ((err = x509_name_to_string(subject.start, der_elem_size(&subject), out->subject,
                                   sizeof out->subject)) != GLASS_OK)
        goto cleanup;
    if ((err = der_read(&i, DER_SEQUENCE, &spki)) != GLASS_OK)
        goto cleanup;
    if ((err = ca_key_parse_spki(spki.start, der_elem_size(&spki), &out->pub)) != GLASS_OK)
        goto cleanup;
    if ((err = der_read(&i, DER_CONTEXT_CONS(0), &attrs)) != GLASS_OK)
        goto cleanup;
    if ((err = der_finish(&i)) != GLASS_OK)
        goto cleanup;
    if ((err = read_attributes(&attrs, out)) != GLASS_OK)
        goto cleanup;
    /* The cheap check before the costly one, for a request a CA is asked
     * to certify: FIPS 186-5 §5.4 asks an odd 2^16 < e < 2^256.  Without
     * it, a request whose key carries an 8192-bit exponent makes the
     * signature check below cost the verifier (a server's only thread)
     * tens of milliseconds.  Merely showing a request (`glass req -in`)
     * applies no policy, as `openssl req` does not. */
    if (ca_policy && (err = csr_check_exponent(out)) != GLASS_OK)
        goto cleanup;

    /* 3. Proof of possession: the signature over the info's DER must verify
     *    with the key inside it. */
    if (!sig_ok ||
        ca_sig_verify(&out->pub, info.start, der_elem_size(&info), sig.val + 1, sig.len - 1) !=
            GLASS_OK) {
        err = GLASS_ERR_CSR_SIGNATURE;
        goto cleanup;
    }

    /* 4. Keep copies of the subject and key for the certificate. */
    out->subject_len = der_elem_size(&subject);
    out->spki_len = der_elem_size(&spki);
    out->subject_der = malloc(out->subject_len);
    out->spki_der = malloc(out->spki_len);
    if (out->subject_der == NULL || out->spki_der == NULL) {
        err = GLASS_ERR_NOMEM;
        goto cleanup;
    }
    memcpy(out->subject_der, subject.start, out->subject_len);
    memcpy(out->spki_der, spki.start, out->spki_len);
    return GLASS_OK;
cleanup:
    csr_info_free(out);
    return err;
}

/* See ca.h. */
glass_err csr_load(const uint8_t *data, size_t len, csr_info *out)
{
    char label[PEM_LABEL_MAX];
    uint8_t *der = NULL;
    size_t der_len = 0;
    glass_err err;
    if (!pem_detect(data, len))
        return csr_parse_and_verify(data, len, out);
    err = pem_decode((const char *)data, len, NULL, label, &der, &der_len, NULL);
    if (err != GLASS_OK)
        return err;
    if (strcmp(label, PEM_CERTIFICATE_REQUEST) != 0 &&
        strcmp(label, "NEW CERTIFICATE REQUEST") != 0)
        err = GLASS_ERR_PEM_LABEL;
    else
        err = csr_parse_and_verify(der, der_len, out);
    free(der);
    return err;
}

/* See ca.h. */
void csr_info_free(csr_info *info)
{
    if (info == NULL)
        return;
    free(info->subject_der);
    free(info->spki_der);
    rsa_public_clear(&info->pub);
    memset(info, 0, sizeof *info);
}


/* See ca.h. */
glass_err csr_parse_and_verify(const uint8_t *der, size_t len, csr_info *out)
{
    return parse_request(der, len, out, 0);
}

/* See ca.h. */
glass_err csr_parse_for_ca(const uint8_t *der, size_t len, csr_info *out)
{
    return parse_request(der, len, out, 1);
}
