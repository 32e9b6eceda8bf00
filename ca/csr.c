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
 * CT: no — requests are public.
 */
#include "ca/ca.h"
#include "ca/ca_internal.h"

#include "asn1/asn1.h"

#include <stdlib.h>
#include <string.h>

/* See ca.h; RFC 2986 §3 steps 1-3 (build the info, sign it, wrap both). */
glass_err csr_create(const rsa_private_key *key, const char *subject, uint8_t **der,
                     size_t *der_len)
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
    if ((err = key_encode_public(&pub, 1, &spki, &spki_len)) != GLASS_OK)
        goto cleanup;
    size_t outer = der_begin(&b);
    size_t info = der_begin(&b);
    der_put_uint(&b, 0);
    der_put_raw(&b, name, name_len);
    der_put_raw(&b, spki, spki_len);
    der_put_tlv(&b, DER_CONTEXT_CONS(0), NULL, 0);
    der_end(&b, info, DER_SEQUENCE);
    if ((err = sign_and_wrap(&b, outer, key)) != GLASS_OK)
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
    rsa_public_init(&out->pub);

    /* 1. The outer structure. */
    if ((err = der_parse_one(der, len, DER_SEQUENCE, &req)) != GLASS_OK)
        goto cleanup;
    der_reader r = der_enter(&req);
    if ((err = der_read(&r, DER_SEQUENCE, &info)) != GLASS_OK)
        goto cleanup;
    if ((err = sig_alg_read(&r, &sig_ok)) != GLASS_OK)
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
    if ((err = key_parse_spki(spki.start, der_elem_size(&spki), &out->pub)) != GLASS_OK)
        goto cleanup;
    if ((err = der_read(&i, DER_CONTEXT_CONS(0), &attrs)) != GLASS_OK)
        goto cleanup;
    if ((err = der_finish(&i)) != GLASS_OK)
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
        sig_verify(&out->pub, info.start, der_elem_size(&info), sig.val + 1, sig.len - 1) !=
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
