/*
 * x509_build.c — writing an X.509 v3 certificate (RFC 5280 §4.1) and its
 * extensions (§4.2.1), then signing it.
 *
 * Two ways in: x509_build, for the certificates the CA directory issues
 * (root, server, client: the extensions come from the kind), and
 * x509_sign, for what `glass req -x509` and `glass x509 -req` make, whose
 * extensions come from an x509_ext_set (OpenSSL's extension syntax, read by
 * x509_ext.c).  Both end in build_tbs, which writes the TBSCertificate in
 * the order of §4.1 (the diagram is at the top of x509.c), and
 * ca_sign_and_wrap, which appends the signature.
 *
 * Read in this order: the small encoders of each extension, x509_ext_put
 * (the Extensions SEQUENCE, which csr.c also writes into a request's
 * extensionRequest) and put_extensions, profile_extensions (what each kind
 * of CA certificate carries), build_tbs, then the two entry points.
 *
 * A certificate with no extensions is written as version 1 (§4.1.2.1: "When
 * extensions are used, as required by this profile, version MUST be 3";
 * without them v1 is what `openssl x509 -req` writes too, so the two can be
 * laid side by side).
 *
 * CT: no — certificates are public; the RSA signature happens in rsa/.
 */
#include "ca/ca.h"
#include "ca/ca_internal.h"

#include "asn1/asn1.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

/* extendedKeyUsage purposes (RFC 5280 §4.2.1.12): id-kp is 1.3.6.1.5.5.7.3. */
static const struct {
    unsigned flag;
    uint8_t last;           /* the final arc under id-kp */
} eku_oids[] = {
    {X509_EKU_SERVER, 1},       {X509_EKU_CLIENT, 2}, {X509_EKU_CODE_SIGNING, 3},
    {X509_EKU_EMAIL, 4},        {X509_EKU_TIME_STAMP, 8}, {X509_EKU_OCSP_SIGNING, 9},
};

/* keyUsage flags to a DER BIT STRING: bit i is (0x80 >> i%8) of byte i/8;
 * trailing zero bits are dropped (X.690 §11.2.2, for named bit lists). */
static void put_key_usage(der_buf *b, unsigned flags)
{
    uint8_t bytes[2] = {0, 0};
    int last = 0;   /* an empty list (never written) would still be well formed */
    for (int i = 0; i < 9; i++)
        if (flags & (1u << i)) {
            bytes[i / 8] |= (uint8_t)(0x80u >> (i % 8));
            last = i;
        }
    size_t n = (size_t)(last / 8 + 1);
    unsigned unused = 7u - (unsigned)(last % 8);
    der_put_bit_string(b, bytes, n, unused);
}

/* Opens an Extension: SEQUENCE { extnID, critical (only when TRUE: DER
 * leaves a DEFAULT value out, X.690 §11.5), OCTET STRING { ... } }.
 * Returns the two offsets to close with ext_end. */
static void ext_begin(der_buf *b, const der_oid *oid, int critical, size_t at[2])
{
    at[0] = der_begin(b);
    der_put_oid(b, oid->der, oid->len);
    if (critical)
        der_put_bool(b, 1);
    at[1] = der_begin(b);
}

static void ext_end(der_buf *b, const size_t at[2])
{
    der_end(b, at[1], DER_OCTET_STRING);
    der_end(b, at[0], DER_SEQUENCE);
}

/* Writes subjectAltName from "DNS:name,IP:1.2.3.4" text.  Returns -1 for
 * malformed text. */
static int put_san(der_buf *b, const char *san, int critical)
{
    char item[X509_SAN_DNS_MAX + 8];
    size_t at[2];
    size_t count = 0;
    ext_begin(b, &ASN1_OID_CE_SAN, critical, at);
    size_t seq = der_begin(b);
    const char *p = san;
    while (*p != '\0') {
        size_t n = strcspn(p, ",");
        if (n == 0 || n >= sizeof item)
            return -1;
        memcpy(item, p, n);
        item[n] = '\0';
        p += n;
        if (*p == ',')
            p++;
        if (strncmp(item, "DNS:", 4) == 0) {
            const char *d = item + 4;
            size_t dl = strlen(d);
            if (dl == 0 || dl >= X509_SAN_DNS_MAX)
                return -1;
            for (size_t i = 0; i < dl; i++) {
                char ch = d[i];
                if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
                      (ch >= '0' && ch <= '9') || ch == '-' || ch == '.' || ch == '*'))
                    return -1;
            }
            der_put_tlv(b, DER_CONTEXT_PRIM(2), d, dl);
        } else if (strncmp(item, "IP:", 3) == 0) {
            uint8_t ip[16];
            if (inet_pton(AF_INET, item + 3, ip) == 1)
                der_put_tlv(b, DER_CONTEXT_PRIM(7), ip, 4);
            else if (inet_pton(AF_INET6, item + 3, ip) == 1)
                der_put_tlv(b, DER_CONTEXT_PRIM(7), ip, 16);
            else
                return -1;
        } else {
            return -1;
        }
        if (++count > X509_MAX_SAN)
            return -1;
    }
    if (count == 0)
        return -1;
    der_end(b, seq, DER_SEQUENCE);
    ext_end(b, at);
    return 0;
}

/* extendedKeyUsage: SEQUENCE OF KeyPurposeId. */
static void put_eku(der_buf *b, unsigned flags)
{
    size_t s = der_begin(b);
    for (size_t i = 0; i < sizeof eku_oids / sizeof eku_oids[0]; i++)
        if (flags & eku_oids[i].flag) {
            uint8_t oid[8] = {0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0};
            oid[7] = eku_oids[i].last;
            der_put_oid(b, oid, sizeof oid);
        }
    if (flags & X509_EKU_ANY)
        der_put_oid(b, ASN1_OID_ANY_EKU.der, ASN1_OID_ANY_EKU.len);
    der_end(b, s, DER_SEQUENCE);
}

/* See ca_internal.h.  Extensions ::= SEQUENCE OF Extension (RFC 5280 §4.1),
 * in the order of s; ski: the subject's key identifier; aki: the issuer's. */
glass_err x509_ext_put(der_buf *b, const x509_ext_set *s, const uint8_t ski[20],
                       const uint8_t *aki, size_t aki_len)
{
    size_t at[2];
    size_t seq = der_begin(b);
    for (size_t i = 0; i < s->n; i++) {
        unsigned kind = s->order[i];
        int critical = (s->critical >> kind) & 1u;
        switch (kind) {
        case X509_EXT_BC:
            /* basicConstraints (RFC 5280 §4.2.1.9): SEQUENCE { cA BOOLEAN DEFAULT
             * FALSE, pathLenConstraint INTEGER OPTIONAL }; FALSE is left
             * out, as DER leaves out every DEFAULT value (X.690 §11.5). */
            ext_begin(b, &ASN1_OID_CE_BASIC_CONSTRAINTS, critical, at);
            size_t bc = der_begin(b);
            if (s->ca)
                der_put_bool(b, 1);
            if (s->ca && s->path_len >= 0)
                der_put_uint(b, (uint64_t)s->path_len);
            der_end(b, bc, DER_SEQUENCE);
            ext_end(b, at);
            break;
        case X509_EXT_KU:   /* keyUsage (RFC 5280 §4.2.1.3): a named BIT STRING */
            ext_begin(b, &ASN1_OID_CE_KEY_USAGE, critical, at);
            put_key_usage(b, s->key_usage);
            ext_end(b, at);
            break;
        case X509_EXT_EKU:
            ext_begin(b, &ASN1_OID_CE_EXT_KEY_USAGE, critical, at);
            put_eku(b, s->ext_key_usage);
            ext_end(b, at);
            break;
        case X509_EXT_SAN:  /* subjectAltName (RFC 5280 §4.2.1.6) */
            if (put_san(b, s->san, critical) != 0)
                return GLASS_ERR_ARG;
            break;
        case X509_EXT_SKI:  /* subjectKeyIdentifier (RFC 5280 §4.2.1.2): OCTET STRING */
            ext_begin(b, &ASN1_OID_CE_SKI, critical, at);
            der_put_octets(b, ski, 20);
            ext_end(b, at);
            break;
        case X509_EXT_AKI: { /* authorityKeyIdentifier (RFC 5280 §4.2.1.1): [0] keyIdentifier */
            if (aki == NULL)
                return GLASS_ERR_ARG;   /* a request has no issuer to name */
            ext_begin(b, &ASN1_OID_CE_AKI, critical, at);
            size_t k = der_begin(b);
            der_put_tlv(b, DER_CONTEXT_PRIM(0), aki, aki_len);
            der_end(b, k, DER_SEQUENCE);
            ext_end(b, at);
            break;
        }
        default:
            return GLASS_ERR_ARG;
        }
    }
    der_end(b, seq, DER_SEQUENCE);
    return GLASS_OK;
}

/* A certificate's extensions: [3] EXPLICIT Extensions (RFC 5280 §4.1). */
static glass_err put_extensions(der_buf *b, const x509_ext_set *s, const uint8_t ski[20],
                                const uint8_t *aki, size_t aki_len)
{
    size_t outer = der_begin(b);
    glass_err err = x509_ext_put(b, s, ski, aki, aki_len);
    if (err == GLASS_OK)
        der_end(b, outer, DER_CONTEXT_CONS(3));
    return err;
}

/* What each kind of certificate the CA directory issues carries:
 *   root:   basicConstraints critical CA:TRUE (RFC 5280 §4.2.1.9 "MUST appear as a
 *           critical extension in all CA certificates"), keyUsage critical
 *           keyCertSign + cRLSign (RFC 5280 §4.2.1.3 "SHOULD mark this extension
 *           critical"), SKI, AKI;
 *   server: CA:FALSE, digitalSignature + keyEncipherment, serverAuth, SAN;
 *   client: CA:FALSE, digitalSignature, clientAuth. */
static void profile_extensions(enum x509_kind kind, const char *san, x509_ext_set *s)
{
    x509_ext_init(s);
    s->order[s->n++] = X509_EXT_BC;
    s->order[s->n++] = X509_EXT_KU;
    s->critical = (1u << X509_EXT_KU) | (kind == X509_KIND_ROOT ? 1u << X509_EXT_BC : 0);
    s->ca = kind == X509_KIND_ROOT;
    if (kind == X509_KIND_ROOT) {
        s->key_usage = X509_KU_KEY_CERT_SIGN | X509_KU_CRL_SIGN;
    } else {
        s->key_usage = X509_KU_DIGITAL_SIGNATURE |
                       (kind == X509_KIND_SERVER ? X509_KU_KEY_ENCIPHERMENT : 0);
        s->ext_key_usage = kind == X509_KIND_SERVER ? X509_EKU_SERVER : X509_EKU_CLIENT;
        s->order[s->n++] = X509_EXT_EKU;
    }
    if (san != NULL && san[0] != '\0') {
        size_t len = strlen(san);
        if (len >= sizeof s->san)
            len = sizeof s->san - 1;   /* put_san then refuses the cut text */
        memcpy(s->san, san, len);
        s->san[len] = '\0';
        s->order[s->n++] = X509_EXT_SAN;
    }
    s->order[s->n++] = X509_EXT_SKI;
    s->order[s->n++] = X509_EXT_AKI;
}

/* Writes the whole certificate: TBSCertificate (RFC 5280 §4.1), signed by key. */
static glass_err build_tbs(const x509_template *t, const x509_ext_set *ext,
                           const rsa_private_key *key, uint8_t **der, size_t *der_len)
{
    der_buf b;
    uint8_t *spki = NULL;
    size_t spki_len = 0;
    uint8_t ski[20];
    glass_err err = ca_key_encode_public(t->subject_pub, 1, &spki, &spki_len);
    if (err != GLASS_OK)
        return err;
    if ((err = ca_key_identifier(t->subject_pub, ski)) != GLASS_OK) {
        free(spki);
        return err;
    }
    der_buf_init(&b);
    size_t cert = der_begin(&b);
    size_t tbs = der_begin(&b);
    /* version [0] EXPLICIT: v3 (= 2) when there are extensions; v1 (the
     * DEFAULT) is left out altogether (X.690 §11.5). */
    if (ext->n > 0) {
        size_t v = der_begin(&b);
        der_put_uint(&b, 2);
        der_end(&b, v, DER_CONTEXT_CONS(0));
    }
    der_put_integer_unsigned(&b, t->serial, t->serial_len);
    ca_sig_alg_put(&b);
    der_put_raw(&b, t->issuer_der, t->issuer_len);
    size_t val = der_begin(&b);
    der_put_time(&b, t->not_before);
    der_put_time(&b, t->not_after);
    der_end(&b, val, DER_SEQUENCE);
    der_put_raw(&b, t->subject_der, t->subject_len);
    der_put_raw(&b, spki, spki_len);
    if (ext->n > 0) {
        const uint8_t *aki = t->aki != NULL ? t->aki : ski;
        size_t aki_len = t->aki != NULL ? t->aki_len : sizeof ski;
        if ((err = put_extensions(&b, ext, ski, aki, aki_len)) != GLASS_OK)
            goto cleanup;
    }
    der_end(&b, tbs, DER_SEQUENCE);
    if ((err = ca_sign_and_wrap(&b, cert, key)) != GLASS_OK)
        goto cleanup;
    err = der_buf_take(&b, der, der_len);
cleanup:
    der_buf_free(&b);
    free(spki);
    return err;
}

/* See ca_internal.h. */
glass_err x509_build(const x509_template *t, const rsa_private_key *issuer_key,
                     uint8_t **der, size_t *der_len)
{
    x509_ext_set s;
    if (t->ext != NULL)
        return build_tbs(t, t->ext, issuer_key, der, der_len);
    profile_extensions(t->kind, t->san, &s);
    return build_tbs(t, &s, issuer_key, der, der_len);
}

/* See ca.h. */
glass_err x509_sign(const x509_sign_params *p, const rsa_private_key *issuer_key,
                    uint8_t **der, size_t *der_len)
{
    x509_ext_set none;
    x509_template t;
    uint8_t issuer_ski[20];
    if (p == NULL || issuer_key == NULL || der == NULL || der_len == NULL ||
        p->subject_pub == NULL || p->subject_der == NULL || p->serial == NULL ||
        p->serial_len == 0 || p->serial_len > X509_SERIAL_MAX)
        return GLASS_ERR_ARG;
    /* The key must be the issuer's: a certificate signed with some other key
     * would only fail later, at every verifier. */
    const rsa_public_key *signer = p->issuer != NULL ? &p->issuer->pub : p->subject_pub;
    if (mpz_cmp(signer->n, issuer_key->n) != 0 || mpz_cmp(signer->e, issuer_key->e) != 0)
        return GLASS_ERR_ARG;
    memset(&t, 0, sizeof t);
    t.serial = p->serial;
    t.serial_len = p->serial_len;
    t.subject_der = p->subject_der;
    t.subject_len = p->subject_len;
    t.issuer_der = p->issuer != NULL ? p->issuer->subject_der : p->subject_der;
    t.issuer_len = p->issuer != NULL ? p->issuer->subject_len : p->subject_len;
    t.not_before = p->not_before;
    t.not_after = p->not_after;
    t.subject_pub = p->subject_pub;
    if (p->issuer != NULL) {
        /* AKI: the issuer's own SKI when it has one (RFC 5280 §4.2.1.1 "the value of
         * the subject key identifier field in the issuer's certificate"),
         * else the identifier computed from its key. */
        if (p->issuer->ski_len > 0) {
            t.aki = p->issuer->ski;
            t.aki_len = p->issuer->ski_len;
        } else {
            glass_err err = ca_key_identifier(&p->issuer->pub, issuer_ski);
            if (err != GLASS_OK)
                return err;
            t.aki = issuer_ski;
            t.aki_len = sizeof issuer_ski;
        }
    }
    x509_ext_init(&none);
    t.ext = p->ext != NULL ? p->ext : &none;
    return build_tbs(&t, t.ext, issuer_key, der, der_len);
}
