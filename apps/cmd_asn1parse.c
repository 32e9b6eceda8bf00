/*
 * cmd_asn1parse.c — `glass asn1parse`: an annotated dump of DER for
 * learners, in the spirit of `openssl asn1parse` but explaining the bytes.
 *
 * For every element it prints where it starts, its header bytes (the tag
 * octet and the length octets, X.690 §8.1), what the tag means, its length,
 * and — when the structure is one we know (a certificate, a request, a CRL,
 * a key) — the field's name from the standard ("tbsCertificate",
 * "subjectPublicKeyInfo", "modulus").  The names come from small schema
 * tables below, one per ASN.1 definition, matched against the elements as
 * they come; OPTIONAL fields are skipped when their tag does not appear.
 * OCTET STRINGs and BIT STRINGs that hold DER themselves (extension values,
 * the public key, a PKCS#8 private key) are opened and shown nested.
 *
 * The decoder is the strict one from asn1/der.c, so what this command
 * cannot read is not DER, and it says where and why.
 */
#include "apps.h"
#include "opt.h"
#include "password.h"

#include "asn1/asn1.h"

#include <stdlib.h>
#include <string.h>

/* ---- schemas ---------------------------------------------------------- */

typedef struct field field;
typedef struct schema {
    const field *fields;    /* the SEQUENCE's components, in order */
    size_t n;
    int repeat;             /* 1: SEQUENCE OF / SET OF fields[0] */
} schema;

struct field {
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

/* ---- printing ---------------------------------------------------------- */

static const char *tag_name(uint8_t tag, char *buf, size_t cap)
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

static void print_hex_preview(const uint8_t *p, size_t len)
{
    size_t show = len > 16 ? 16 : len;
    for (size_t i = 0; i < show; i++)
        printf("%02x", p[i]);
    if (len > show)
        printf("... (%zu bytes)", len);
}

/* The value of a primitive element, in words. */
static void print_value(const der_elem *e)
{
    switch (e->tag) {
    case DER_BOOLEAN:
        printf(" = %s", e->len == 1 && e->val[0] == 0xff ? "TRUE" : "FALSE");
        break;
    case DER_INTEGER:
        if (e->len <= 8 && e->len > 0 && !(e->val[0] & 0x80)) {
            unsigned long long v = 0;
            for (size_t i = 0; i < e->len; i++)
                v = (v << 8) | e->val[i];
            printf(" = %llu", v);
        } else {
            printf(" = 0x");
            print_hex_preview(e->val, e->len);
            if (e->len > 0)
                printf(" (%zu bits)", e->len * 8 - (e->val[0] == 0 ? 8 : 0));
        }
        break;
    case DER_OID: {
        char dotted[128];
        const char *n = der_oid_name(e->val, e->len);
        if (der_oid_to_dotted(e->val, e->len, dotted, sizeof dotted) != GLASS_OK)
            snprintf(dotted, sizeof dotted, "(malformed)");
        printf(" = %s%s%s%s", n ? n : "", n ? " (" : "", dotted, n ? ")" : "");
        break;
    }
    case DER_NULL:
        printf(" (no value)");
        break;
    case DER_UTF8_STRING:
    case DER_PRINTABLE_STRING:
    case DER_IA5_STRING:
    case DER_T61_STRING:
        printf(" = \"");
        for (size_t i = 0; i < e->len; i++)
            putchar(e->val[i] >= 0x20 && e->val[i] < 0x7f ? e->val[i] : '.');
        printf("\"");
        break;
    case DER_UTC_TIME:
    case DER_GENERALIZED_TIME: {
        int64_t t;
        printf(" = %.*s", (int)e->len, (const char *)e->val);
        if (der_parse_time(e->tag, e->val, e->len, &t) == GLASS_OK) {
            int y, mo, d, h, mi, s;
            der_time_to_civil(t, &y, &mo, &d, &h, &mi, &s);
            printf(" (%04d-%02d-%02d %02d:%02d:%02d UTC)", y, mo, d, h, mi, s);
        }
        break;
    }
    case DER_BIT_STRING:
        if (e->len > 0) {
            printf(" = %u unused bits, ", e->val[0]);
            print_hex_preview(e->val + 1, e->len - 1);
        }
        break;
    case DER_OCTET_STRING:
        printf(" = ");
        print_hex_preview(e->val, e->len);
        break;
    default:
        if (!(e->tag & DER_CONSTRUCTED) && e->len > 0) {
            printf(" = ");
            print_hex_preview(e->val, e->len);
        }
        break;
    }
}

static int walk(const uint8_t *base, const uint8_t *p, size_t len, int depth, const schema *s);

/* The file being shown, for the one-line error message. */
static const char *in_path = "";

/* 1 if p[0..len) is a sequence of well-formed DER elements all the way
 * down (constructed ones checked recursively), else 0.  Used to decide
 * whether an OCTET STRING's bytes are DER worth opening, so that bytes that
 * merely begin like DER never turn a valid file into an error. */
static int valid_der(const uint8_t *p, size_t len, int depth)
{
    der_reader r;
    der_reader_init(&r, p, len);
    if (depth > 64)
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

/* One element: its line, then its contents. */
static int show(const uint8_t *base, const der_elem *e, int depth, const field *f)
{
    char tb[32];
    char hdr[32] = "";
    for (size_t i = 0; i < e->hdr_len && i < 6; i++)
        snprintf(hdr + 3 * i, sizeof hdr - 3 * i, "%02x ", e->start[i]);
    printf("%6zu  d=%-2d %-18s %*s%s%s len %zu", (size_t)(e->start - base), depth, hdr,
           2 * depth, "", tag_name(e->tag, tb, sizeof tb),
           (e->tag & DER_CONSTRUCTED) ? " {" : "", e->len);
    if (f != NULL)
        printf("  -- %s", f->name);
    if (!(e->tag & DER_CONSTRUCTED))
        print_value(e);
    putchar('\n');

    if (e->tag & DER_CONSTRUCTED)
        return walk(base, e->val, e->len, depth + 1, f != NULL ? f->inner : NULL);

    /* OCTET STRING / BIT STRING holding DER: show it nested. */
    const uint8_t *inner = e->val;
    size_t inner_len = e->len;
    if (e->tag == DER_BIT_STRING) {
        if (inner_len < 1 || inner[0] != 0)
            return 0;
        inner++;
        inner_len--;
    }
    if ((e->tag == DER_OCTET_STRING || e->tag == DER_BIT_STRING) && inner_len >= 2) {
        der_elem probe;
        int known = f != NULL && f->encap != NULL;
        if (der_parse_one(inner, inner_len, inner[0], &probe) == GLASS_OK &&
            (known || probe.tag == DER_SEQUENCE || probe.tag == DER_OCTET_STRING ||
             probe.tag == DER_BIT_STRING) &&
            valid_der(inner, inner_len, depth + 1)) {
            printf("%6s  %*s   (contents are DER themselves, opened below)\n", "", 2 * depth + 22, "");
            return walk(base, inner, inner_len, depth + 1, known ? f->encap : NULL);
        }
    }
    return 0;
}

/* Walks the elements in p[0..len), naming them from schema s when given. */
static int walk(const uint8_t *base, const uint8_t *p, size_t len, int depth, const schema *s)
{
    der_reader r;
    size_t next = 0;
    der_reader_init(&r, p, len);
    if (depth > 64) {
        fprintf(stderr, "glass asn1parse: %s: nesting deeper than 64 levels: stopping\n",
                in_path);
        return 1;
    }
    while (!der_at_end(&r)) {
        der_elem e;
        size_t at = r.off;
        glass_err err = der_read_any(&r, &e);
        if (err != GLASS_OK) {
            fprintf(stderr, "glass asn1parse: %s: offset %zu: %s\n", in_path,
                    (size_t)(p + at - base), glass_strerror(err));
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
        if (show(base, &e, depth, f) != 0)
            return 1;
    }
    return 0;
}

static const schema *schema_for_label(const char *label)
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
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (strcmp(map[i].label, label) == 0)
            return map[i].s;
    return NULL;
}

/* For DER without a label: guess from the shape of the first elements. */
static const schema *schema_guess(const uint8_t *der, size_t len)
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
        if (der_read_any(&r, &second) != GLASS_OK)
            return &rsapub_top;
        if (second.tag == DER_SEQUENCE)
            return &pki_top;
        return der_at_end(&r) ? &rsapub_top : &rsapriv_top;
    }
    return NULL;
}

/* -inform PEM|DER (0: PEM, 1: DER). */
static int take_inform(const char *cmd, const char *flag, const char *value, void *dest)
{
    int der = app_format_arg(cmd, flag, value);
    if (der < 0)
        return 1;
    *(int *)dest = der;
    return 0;
}

static int run(int argc, char **argv)
{
    const char *cmd = "asn1parse";
    const char *in = NULL;
    int inform = -1;    /* -1: guess, 0: PEM, 1: DER */
    uint8_t *data = NULL, *der = NULL;
    size_t len = 0, der_len = 0;
    char label[PEM_LABEL_MAX] = "";
    int rc = 1;

    int indent = 0;
    const opt opts[] = {
        OPTION_STRING("-in", NULL, "FILE", "the file to show (required)", &in),
        OPTION_CALL("-inform", "PEM|DER", "its format (default: guessed)", &inform,
                    take_inform),
        OPTION_FLAG("-i", NULL, "indent by depth (always done; accepted as OpenSSL's)", &indent),
        OPTION_END,
    };
    const opt_command spec = {
        .name = cmd,
        .synopsis = "-in FILE [-inform PEM|DER]",
        .about = "Prints every DER element: offset, depth, header bytes (tag, length), the\n"
                 "tag, the length, the field's name in the standard when the structure is\n"
                 "known (certificate, request, CRL, keys), and the value.\n",
        .opts = opts,
        .example = "  glass asn1parse -in ca/ca.pem\n"
                   "  openssl asn1parse -in ca/ca.pem      (the same bytes, fewer words)\n",
        .max_operands = 0,
    };
    opt_operands rest;
    int st = opt_parse(&spec, argc, argv, &rest);
    if (st != OPT_RUN)
        return st;
    if (in == NULL)
        return app_error(cmd, "-in FILE is required (see glass asn1parse --help)");
    glass_err err = glass_read_file(in, 16u << 20, &data, &len);
    if (err != GLASS_OK)
        return app_error(cmd, "%s: %s", in, glass_strerror(err));
    if (inform == 0 || (inform < 0 && pem_detect(data, len))) {
        err = pem_decode((const char *)data, len, NULL, label, &der, &der_len, NULL);
        if (err != GLASS_OK) {
            app_error(cmd, "%s: %s", in, glass_strerror(err));
            goto cleanup;
        }
    }
    const uint8_t *p = der != NULL ? der : data;
    size_t n = der != NULL ? der_len : len;
    if (n == 0) {
        app_error(cmd, "%s: no DER to show (the input is empty)", in);
        goto cleanup;
    }
    const schema *s = label[0] ? schema_for_label(label) : schema_guess(p, n);
    if (label[0])
        printf("PEM \"%s\": %zu bytes of DER after Base64 decoding\n", label, n);
    printf("offset depth header bytes      tag and length  -- field (when known) = value\n");
    printf("(header: 1 tag byte [class, constructed bit, number], then the length: one byte\n"
           " below 0x80, or 0x8N followed by N bytes of length)\n");
    in_path = in;
    rc = walk(p, p, n, 0, s);
cleanup:
    free(data);
    free(der);
    return rc;
}

const struct glass_command cmd_asn1parse = {
    "asn1parse", "annotated DER dump: every tag, length and field explained", run};
