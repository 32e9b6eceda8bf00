/*
 * crl.c — X.509 v2 certificate revocation lists (RFC 5280 §5).
 *
 *   CertificateList ::= SEQUENCE {                            §5.1
 *       tbsCertList          TBSCertList,
 *       signatureAlgorithm   AlgorithmIdentifier,
 *       signatureValue       BIT STRING }
 *
 *   TBSCertList ::= SEQUENCE {
 *       version              INTEGER OPTIONAL,       v2 = 1, required when
 *                                                    extensions are present
 *       signature            AlgorithmIdentifier,
 *       issuer               Name,
 *       thisUpdate           Time,
 *       nextUpdate           Time OPTIONAL,
 *       revokedCertificates  SEQUENCE OF SEQUENCE {
 *           userCertificate     INTEGER,             the serial
 *           revocationDate      Time,
 *           crlEntryExtensions  Extensions OPTIONAL } OPTIONAL,
 *       crlExtensions        [0] EXPLICIT Extensions OPTIONAL }
 *
 * The CA's CRLs carry authorityKeyIdentifier and cRLNumber (§5.2.1 and
 * §5.2.3: conforming issuers "MUST include" both).
 *
 * CT: no — CRLs are public.
 */
#include "ca/ca.h"
#include "ca/ca_internal.h"

#include "asn1/asn1.h"

#include <stdlib.h>
#include <string.h>

/* The steps of x509_crl_parse on an owned copy. */
static glass_err parse_crl(x509_crl *crl)
{
    der_elem list, tbs, sigval, issuer, revoked, entry, ext;
    int tbs_sig_ok = 0, present = 0;
    long version = 0;
    glass_err err;

    /* 1. The outer SEQUENCE, as for a certificate. */
    if ((err = der_parse_one(crl->der, crl->der_len, DER_SEQUENCE, &list)) != GLASS_OK)
        return err;
    der_reader r = der_enter(&list);
    if ((err = der_read(&r, DER_SEQUENCE, &tbs)) != GLASS_OK)
        return err;
    crl->tbs = tbs.start;
    crl->tbs_len = der_elem_size(&tbs);
    if ((err = ca_sig_alg_read(&r, &crl->sig_alg_ok)) != GLASS_OK)
        return err;
    if ((err = der_read(&r, DER_BIT_STRING, &sigval)) != GLASS_OK)
        return err;
    if (sigval.len < 1 || sigval.val[0] != 0)
        return GLASS_ERR_DER_VALUE;
    crl->sig = sigval.val + 1;
    crl->sig_len = sigval.len - 1;
    if ((err = der_finish(&r)) != GLASS_OK)
        return err;

    /* 2. version OPTIONAL (v1 when absent), signature, issuer. */
    der_reader t = der_enter(&tbs);
    if (der_peek_tag(&t) == DER_INTEGER) {
        if ((err = der_read_long(&t, &version)) != GLASS_OK)
            return err;
        if (version != 1)
            return GLASS_ERR_X509_CRL;
    }
    if ((err = ca_sig_alg_read(&t, &tbs_sig_ok)) != GLASS_OK)
        return err;
    if (tbs_sig_ok != crl->sig_alg_ok)
        return GLASS_ERR_X509_CRL;
    if ((err = der_read(&t, DER_SEQUENCE, &issuer)) != GLASS_OK)
        return err;
    crl->issuer_der = issuer.start;
    crl->issuer_len = der_elem_size(&issuer);
    if ((err = x509_name_to_string(crl->issuer_der, crl->issuer_len, crl->issuer,
                                   sizeof crl->issuer)) != GLASS_OK)
        return err;

    /* 3. thisUpdate, nextUpdate OPTIONAL. */
    if ((err = der_read_time(&t, &crl->this_update)) != GLASS_OK)
        return err;
    int tag = der_peek_tag(&t);
    if (tag == DER_UTC_TIME || tag == DER_GENERALIZED_TIME)
        if ((err = der_read_time(&t, &crl->next_update)) != GLASS_OK)
            return err;

    /* 4. revokedCertificates OPTIONAL: count first, then copy. */
    if ((err = der_read_optional(&t, DER_SEQUENCE, &revoked, &present)) != GLASS_OK)
        return err;
    if (present) {
        size_t n = 0;
        der_reader c = der_enter(&revoked);
        while (!der_at_end(&c)) {
            if ((err = der_read(&c, DER_SEQUENCE, &entry)) != GLASS_OK)
                return err;
            n++;
        }
        crl->revoked = calloc(n ? n : 1, sizeof *crl->revoked);
        if (crl->revoked == NULL)
            return GLASS_ERR_NOMEM;
        der_reader e = der_enter(&revoked);
        for (size_t i = 0; i < n; i++) {
            const uint8_t *serial;
            size_t serial_len;
            if ((err = der_read(&e, DER_SEQUENCE, &entry)) != GLASS_OK)
                return err;
            der_reader s = der_enter(&entry);
            if ((err = der_read_integer(&s, &serial, &serial_len)) != GLASS_OK)
                return err;
            if (serial_len > X509_SERIAL_MAX + 1)
                return GLASS_ERR_X509_CRL;
            memcpy(crl->revoked[i].serial, serial, serial_len);
            crl->revoked[i].serial_len = serial_len;
            if ((err = der_read_time(&s, &crl->revoked[i].revocation_date)) != GLASS_OK)
                return err;
            if (!der_at_end(&s)) {
                der_elem exts;
                if ((err = der_read(&s, DER_SEQUENCE, &exts)) != GLASS_OK)
                    return err;
            }
            if ((err = der_finish(&s)) != GLASS_OK)
                return err;
        }
        crl->n_revoked = n;
    }

    /* 5. crlExtensions [0]: read, and (as with certificates) unknown
     *    critical ones would make the CRL unusable; none are critical in
     *    what we and OpenSSL write, so we only check the encoding. */
    if ((err = der_read_optional(&t, DER_CONTEXT_CONS(0), &ext, &present)) != GLASS_OK)
        return err;
    if (present) {
        der_elem seq;
        der_reader x = der_enter(&ext);
        if ((err = der_read(&x, DER_SEQUENCE, &seq)) != GLASS_OK || (err = der_finish(&x)) != GLASS_OK)
            return err;
    }
    return der_finish(&t);
}

/* See ca.h. */
glass_err x509_crl_parse(x509_crl *crl, const uint8_t *der, size_t len)
{
    if (crl == NULL || der == NULL)
        return GLASS_ERR_ARG;
    memset(crl, 0, sizeof *crl);
    crl->der = malloc(len ? len : 1);
    if (crl->der == NULL)
        return GLASS_ERR_NOMEM;
    memcpy(crl->der, der, len);
    crl->der_len = len;
    glass_err err = parse_crl(crl);
    if (err != GLASS_OK)
        x509_crl_free(crl);
    return err;
}

/* See ca.h. */
glass_err x509_crl_load(const uint8_t *data, size_t len, x509_crl *crl)
{
    uint8_t *der = NULL;
    size_t der_len = 0;
    if (!pem_detect(data, len))
        return x509_crl_parse(crl, data, len);
    glass_err err = pem_decode((const char *)data, len, PEM_X509_CRL, NULL, &der, &der_len, NULL);
    if (err != GLASS_OK)
        return err;
    err = x509_crl_parse(crl, der, der_len);
    free(der);
    return err;
}

/* See ca.h. */
glass_err x509_crl_load_file(const char *path, x509_crl *crl)
{
    uint8_t *data = NULL;
    size_t len = 0;
    glass_err err = glass_read_file(path, 16u << 20, &data, &len);
    if (err != GLASS_OK)
        return err;
    err = x509_crl_load(data, len, crl);
    free(data);
    return err;
}

/* See ca.h. */
void x509_crl_free(x509_crl *crl)
{
    if (crl == NULL)
        return;
    free(crl->der);
    free(crl->revoked);
    memset(crl, 0, sizeof *crl);
}

/* Strips an INTEGER's sign-padding zero so 00 80 and 80 compare equal as
 * magnitudes (serials are positive). */
static void magnitude(const uint8_t **p, size_t *len)
{
    while (*len > 1 && (*p)[0] == 0) {
        (*p)++;
        (*len)--;
    }
}

/* See ca.h. */
int x509_crl_contains(const x509_crl *crl, const uint8_t *serial, size_t serial_len)
{
    magnitude(&serial, &serial_len);
    for (size_t i = 0; i < crl->n_revoked; i++) {
        const uint8_t *s = crl->revoked[i].serial;
        size_t n = crl->revoked[i].serial_len;
        magnitude(&s, &n);
        if (n == serial_len && memcmp(s, serial, n) == 0)
            return 1;
    }
    return 0;
}

/* See ca_internal.h. */
glass_err crl_build(const x509_cert *issuer, const rsa_private_key *key,
                    const x509_crl_entry *entries, size_t n, uint64_t crl_number,
                    int64_t this_update, int64_t next_update, uint8_t **der, size_t *der_len)
{
    der_buf b;
    glass_err err;
    der_buf_init(&b);
    size_t list = der_begin(&b);
    size_t tbs = der_begin(&b);
    /* 1. version v2 (1), signature, issuer = the CA's subject, byte for byte. */
    der_put_uint(&b, 1);
    ca_sig_alg_put(&b);
    der_put_raw(&b, issuer->subject_der, issuer->subject_len);
    der_put_time(&b, this_update);
    der_put_time(&b, next_update);
    /* 2. revokedCertificates, left out entirely when empty (§5.1.2.6:
     *    "When there are no revoked certificates, the revoked certificates
     *    list MUST be absent"). */
    if (n > 0) {
        size_t rev = der_begin(&b);
        for (size_t i = 0; i < n; i++) {
            size_t e = der_begin(&b);
            der_put_integer_unsigned(&b, entries[i].serial, entries[i].serial_len);
            der_put_time(&b, entries[i].revocation_date);
            der_end(&b, e, DER_SEQUENCE);
        }
        der_end(&b, rev, DER_SEQUENCE);
    }
    /* 3. crlExtensions: authorityKeyIdentifier (§5.2.1), cRLNumber (§5.2.3). */
    size_t x = der_begin(&b);
    size_t exts = der_begin(&b);
    size_t e = der_begin(&b);
    der_put_oid(&b, ASN1_OID_CE_AKI.der, ASN1_OID_CE_AKI.len);
    size_t os = der_begin(&b);
    size_t s = der_begin(&b);
    if (issuer->ski_len > 0) {
        der_put_tlv(&b, DER_CONTEXT_PRIM(0), issuer->ski, issuer->ski_len);
    } else {
        uint8_t id[20];
        if ((err = ca_key_identifier(&issuer->pub, id)) != GLASS_OK)
            goto cleanup;
        der_put_tlv(&b, DER_CONTEXT_PRIM(0), id, sizeof id);
    }
    der_end(&b, s, DER_SEQUENCE);
    der_end(&b, os, DER_OCTET_STRING);
    der_end(&b, e, DER_SEQUENCE);
    e = der_begin(&b);
    der_put_oid(&b, ASN1_OID_CE_CRL_NUMBER.der, ASN1_OID_CE_CRL_NUMBER.len);
    os = der_begin(&b);
    der_put_uint(&b, crl_number);
    der_end(&b, os, DER_OCTET_STRING);
    der_end(&b, e, DER_SEQUENCE);
    der_end(&b, exts, DER_SEQUENCE);
    der_end(&b, x, DER_CONTEXT_CONS(0));
    der_end(&b, tbs, DER_SEQUENCE);
    /* 4. Sign. */
    if ((err = ca_sign_and_wrap(&b, list, key)) != GLASS_OK)
        goto cleanup;
    err = der_buf_take(&b, der, der_len);
cleanup:
    der_buf_free(&b);
    return err;
}
