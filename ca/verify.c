/*
 * verify.c — certification path validation, a small profile of RFC 5280 §6.
 *
 * The path is given leaf first: chain[0] was issued by chain[1], ... and
 * the last one by a trust anchor (or is one).  RFC 5280 §6.1 walks it the
 * other way, from the anchor down; walking up from the leaf checks the same
 * things and lets each error name the certificate that failed.  For each
 * certificate (§6.1.3 "basic certificate processing"):
 *
 *   0. if it is itself a self-signed anchor, it is trusted as it stands;
 *   1. find its issuer: the next certificate in the chain whose subject is
 *      this one's issuer, else an anchor with that subject (when that
 *      anchor is not self-signed, it is walked next, like an intermediate);
 *   2. the signature verifies with the issuer's public key     (§6.1.3 a.1);
 *   3. the validity period includes `now`                       (§6.1.3 a.2);
 *   4. it is not revoked, by the CRL when one is given         (§6.1.3 a.3);
 *   5. it has no critical extension we do not process          (§6.1.4 o);
 *   6. the issuer may issue: basicConstraints cA (§6.1.4 k), keyUsage
 *      keyCertSign (§6.1.4 n), and pathLenConstraint not exceeded (§6.1.4 l, m);
 * and finally for the leaf (§6.1.5, and RFC 5280 §4.2.1.12 for the
 * purpose): extendedKeyUsage and keyUsage allow what it is used for.
 *
 * Which anchors end a path.  RFC 5280 §6.1.1 (d) lets any name and key be
 * a trust anchor; OpenSSL's default is narrower, and we follow it so that
 * `glass verify` and `openssl verify` agree: a path ends only at a
 * self-signed certificate from the CA file (self-issued, its key identifiers
 * agreeing).  A server's own certificate copied into the CA file therefore
 * does not vouch for itself (OpenSSL error 20, "unable to get local issuer
 * certificate"), nor does an intermediate there end a path (error 2) — the
 * walk goes on from it to its own issuer, which must be in the CA file too.
 * Ending early needs `openssl verify -partial_chain`, which we do not offer.
 *
 * What we leave out: name constraints, policies, and building paths from a
 * pool of untrusted certificates — the protocol sends the chain in order.
 *
 * CT: no — certificates are public.
 */
#include "ca/ca.h"
#include "ca/ca_internal.h"

#include <string.h>

static int same_cert(const x509_cert *a, const x509_cert *b)
{
    return a->der_len == b->der_len && memcmp(a->der, b->der, a->der_len) == 0;
}

static int issued_by(const x509_cert *c, const x509_cert *issuer)
{
    if (!ca_name_equal(c->issuer_der, c->issuer_len, issuer->subject_der, issuer->subject_len))
        return 0;
    /* When both carry key identifiers they must agree (§4.2.1.1): this
     * picks the right one of two anchors with the same name. */
    if (c->aki_len > 0 && issuer->ski_len > 0 &&
        (c->aki_len != issuer->ski_len || memcmp(c->aki, issuer->ski, c->aki_len) != 0))
        return 0;
    return 1;
}

/* Self-signed in OpenSSL's sense: issued by itself by name and key
 * identifier.  Its signature is not checked: an anchor is trusted because
 * it is in the CA file, not because of what it says about itself. */
static int self_signed(const x509_cert *c)
{
    return issued_by(c, c);
}

static glass_err check_validity(const x509_cert *c, int64_t now)
{
    if (now < c->not_before)
        return GLASS_ERR_X509_NOT_YET_VALID;
    if (now > c->not_after)
        return GLASS_ERR_X509_EXPIRED;
    return GLASS_OK;
}

/* Revocation of c, whose issuer is `issuer`, by crl (ignored when it is
 * from another issuer). */
static glass_err check_revocation(const x509_cert *c, const x509_cert *issuer,
                                  const x509_crl *crl, int64_t now)
{
    if (crl == NULL ||
        !ca_name_equal(crl->issuer_der, crl->issuer_len, issuer->subject_der, issuer->subject_len))
        return GLASS_OK;
    /* A CRL counts only if the issuer signed it (§6.3.3 (f), (g)), may sign
     * CRLs (keyUsage cRLSign, §4.2.1.3), and is current (§6.3.3 (a)). */
    if (!crl->sig_alg_ok || ca_sig_verify(&issuer->pub, crl->tbs, crl->tbs_len, crl->sig,
                                       crl->sig_len) != GLASS_OK)
        return GLASS_ERR_X509_CRL;
    if (issuer->has_key_usage && !(issuer->key_usage & X509_KU_CRL_SIGN))
        return GLASS_ERR_X509_CRL;
    if (crl->next_update != 0 && now > crl->next_update)
        return GLASS_ERR_X509_CRL;
    if (x509_crl_contains(crl, c->serial, c->serial_len))
        return GLASS_ERR_X509_REVOKED;
    return GLASS_OK;
}

/* What the issuer must be to sign certificate number `below` (0 = leaf). */
static glass_err check_issuer(const x509_cert *issuer, size_t below, int is_anchor)
{
    /* §4.2.1.9: only a certificate with cA TRUE may sign certificates.
     * A version 1 trust anchor (no extensions at all) is accepted as a CA,
     * as RFC 5280 §6.1.1 (d) takes anchors as given and OpenSSL does. */
    int v1_anchor = is_anchor && issuer->version == 1;
    if (!v1_anchor && (!issuer->has_basic_constraints || !issuer->is_ca))
        return GLASS_ERR_X509_NOT_CA;
    /* §4.2.1.3: keyCertSign, when keyUsage is present. */
    if (issuer->has_key_usage && !(issuer->key_usage & X509_KU_KEY_CERT_SIGN))
        return GLASS_ERR_X509_KEY_USAGE;
    /* §4.2.1.9: pathLenConstraint counts the intermediate CA certificates
     * that may follow this one; below the issuer are `below` of them (all
     * of chain[1..below]), the leaf not counted. */
    if (issuer->path_len >= 0 && below > (size_t)issuer->path_len)
        return GLASS_ERR_X509_PATH_LEN;
    return GLASS_OK;
}

/* The leaf's purpose (RFC 5280 §4.2.1.12, §4.2.1.3, and the usual TLS
 * reading: a server key signs (DHE) or decrypts (RSA key transport)). */
static glass_err check_purpose(const x509_cert *leaf, enum x509_purpose purpose)
{
    unsigned eku_needed, ku_any;
    if (purpose == X509_PURPOSE_ANY)
        return GLASS_OK;
    if (purpose == X509_PURPOSE_SERVER) {
        eku_needed = X509_EKU_SERVER;
        ku_any = X509_KU_DIGITAL_SIGNATURE | X509_KU_KEY_ENCIPHERMENT;
    } else {
        eku_needed = X509_EKU_CLIENT;
        ku_any = X509_KU_DIGITAL_SIGNATURE;
    }
    if (leaf->has_ext_key_usage && !(leaf->ext_key_usage & (eku_needed | X509_EKU_ANY)))
        return GLASS_ERR_X509_PURPOSE;
    if (leaf->has_key_usage && !(leaf->key_usage & ku_any))
        return GLASS_ERR_X509_KEY_USAGE;
    return GLASS_OK;
}

/* See ca.h. */
glass_err x509_verify_chain(const x509_cert *chain, size_t n, const x509_cert *anchors,
                            size_t n_anchors, const x509_crl *crl, enum x509_purpose purpose,
                            int64_t now, size_t *failed_index)
{
    glass_err err = GLASS_OK;
    size_t at = 0;
    if (chain == NULL || n == 0 || (anchors == NULL && n_anchors > 0)) {
        err = GLASS_ERR_ARG;
        goto done;
    }
    /* The path is chain[0..n-1], then, when the top of the chain is issued by
     * an anchor that is not self-signed (an intermediate in the CA file),
     * that anchor and its own issuer, and so on until a self-signed anchor.
     * `depth` counts along the path (0 = the leaf); `at`, the index that an
     * error names, is depth within the chain and n past it.  The bound stops
     * a loop of anchors that issued each other. */
    const x509_cert *c = &chain[0];
    for (size_t depth = 0; depth < n + n_anchors; depth++) {
        const x509_cert *issuer = NULL;
        int issuer_is_anchor = 0;
        at = depth < n ? depth : n;

        /* 0. A self-signed certificate that is itself an anchor ends the
         *    walk: it is trusted as it stands (only its validity and, for a
         *    leaf, its purpose are still checked).  One that is not
         *    self-signed goes on like any other, to find its issuer. */
        for (size_t a = 0; a < n_anchors && self_signed(c); a++)
            if (same_cert(c, &anchors[a])) {
                if ((err = check_validity(c, now)) != GLASS_OK)
                    goto done;
                if (depth == 0 && (err = check_purpose(c, purpose)) != GLASS_OK)
                    goto done;
                err = GLASS_OK;
                goto done;
            }

        /* 1. The issuer: next in the chain, else an anchor, a self-signed
         *    one first (it ends the path here). */
        if (depth + 1 < n && issued_by(c, &chain[depth + 1])) {
            issuer = &chain[depth + 1];
        } else {
            for (int pass = 0; pass < 2 && issuer == NULL; pass++)
                for (size_t a = 0; a < n_anchors && issuer == NULL; a++)
                    if (issued_by(c, &anchors[a]) && (pass == 1 || self_signed(&anchors[a])))
                        issuer = &anchors[a];
            issuer_is_anchor = 1;
            if (issuer == NULL) {
                err = depth + 1 < n ? GLASS_ERR_X509_ISSUER : GLASS_ERR_X509_UNKNOWN_CA;
                goto done;
            }
        }
        size_t issuer_index = issuer_is_anchor ? n : depth + 1;

        /* 2. signature, 3. validity, 4. revocation, 5. critical extensions. */
        if ((err = x509_check_signature(c, &issuer->pub)) != GLASS_OK)
            goto done;
        if ((err = check_validity(c, now)) != GLASS_OK)
            goto done;
        if ((err = check_revocation(c, issuer, crl, now)) != GLASS_OK)
            goto done;
        if (c->unknown_critical) {
            err = GLASS_ERR_X509_CRITICAL_EXT;
            goto done;
        }
        /* 5'. An intermediate must itself be a CA (§6.1.4 k) — it is
         *     checked as an issuer in step 6 of the step below it. */

        /* 6. the issuer's right to issue (the error names the issuer);
         *    below it on the path are `depth` CA certificates. */
        if ((err = check_issuer(issuer, depth, issuer_is_anchor)) != GLASS_OK) {
            at = issuer_index;
            goto done;
        }

        /* 7. The leaf's purpose. */
        if (depth == 0 && (err = check_purpose(c, purpose)) != GLASS_OK)
            goto done;

        if (issuer_is_anchor && self_signed(issuer)) {
            /* Reached a self-signed anchor: it must be valid now as well,
             * and carry no critical extension we cannot process. */
            at = n;
            if ((err = check_validity(issuer, now)) != GLASS_OK)
                goto done;
            if (issuer->unknown_critical) {
                err = GLASS_ERR_X509_CRITICAL_EXT;
                goto done;
            }
            err = GLASS_OK;
            goto done;
        }
        c = issuer;
    }
    /* Went round anchors that issue one another without meeting a
     * self-signed one. */
    at = n;
    err = GLASS_ERR_X509_UNKNOWN_CA;
done:
    if (err != GLASS_OK && failed_index != NULL)
        *failed_index = at;
    return err;
}
