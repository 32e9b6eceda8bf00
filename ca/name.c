/*
 * name.c — X.501 distinguished names, as RFC 5280 §4.1.2.4 profiles them,
 * and OpenSSL's one-line "/C=BR/O=Org/CN=alice" form.
 *
 *   Name ::= SEQUENCE OF RelativeDistinguishedName
 *   RelativeDistinguishedName ::= SET OF AttributeTypeAndValue
 *   AttributeTypeAndValue ::= SEQUENCE { type OID, value DirectoryString }
 *
 * "/C=BR/CN=alice" becomes
 *
 *   30 1e                                  Name
 *      31 0b 30 09 06 03 55 04 06          RDN { countryName
 *               13 02 42 52                      PrintableString "BR" }
 *      31 0f 30 0d 06 03 55 04 03          RDN { commonName
 *               0c 05 61 6c 69 63 65             UTF8String "alice" }
 *
 * One attribute per RDN, in the order written.  Strings are UTF8String
 * (RFC 5280 §4.1.2.4: "CAs conforming to this profile MUST use ...
 * UTF8String"), except countryName, which X.520 fixes as a two-letter
 * PrintableString, and emailAddress, an IA5String (RFC 5280 App. A.1).
 *
 * CT: not applicable (names are public).
 */
#include "ca/ca.h"
#include "ca/ca_internal.h"

#include "asn1/asn1.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The attributes we accept in "/KEY=value", their OIDs and upper bounds
 * (RFC 5280 App. A.1, ub-* values). */
static const struct {
    const char *key;
    const der_oid *oid;
    size_t max;
} attrs[] = {
    {"C", &ASN1_OID_AT_C, 2},
    {"ST", &ASN1_OID_AT_ST, 128},
    {"L", &ASN1_OID_AT_L, 128},
    {"O", &ASN1_OID_AT_O, 64},
    {"OU", &ASN1_OID_AT_OU, 64},
    {"CN", &ASN1_OID_AT_CN, 64},
    {"emailAddress", &ASN1_OID_EMAIL, 255},
};
#define N_ATTRS (sizeof attrs / sizeof attrs[0])

static int printable_char(char c)
{
    /* X.680 §41.4, the PrintableString character set. */
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
           strchr(" '()+,-./:=?", c) != NULL;
}

/* See ca.h. */
glass_err x509_name_from_string(const char *subject, uint8_t **der, size_t *der_len)
{
    der_buf b;
    char key[32];
    char *value = NULL;
    glass_err err = GLASS_OK;
    size_t n_rdn = 0;

    if (subject == NULL || subject[0] != '/')
        return GLASS_ERR_SUBJECT_SYNTAX;
    value = malloc(strlen(subject) + 1);
    if (value == NULL)
        return GLASS_ERR_NOMEM;
    der_buf_init(&b);
    size_t name_at = der_begin(&b);
    const char *p = subject + 1;
    while (*p != '\0') {
        /* 1. KEY up to '='. */
        size_t k = 0;
        while (*p != '=' && *p != '\0' && *p != '/') {
            if (k + 1 >= sizeof key) {
                err = GLASS_ERR_SUBJECT_SYNTAX;
                goto cleanup;
            }
            key[k++] = *p++;
        }
        key[k] = '\0';
        if (*p != '=') {
            err = GLASS_ERR_SUBJECT_SYNTAX;
            goto cleanup;
        }
        p++;
        /* 2. value up to an unescaped '/'; "\/" and "\\" are escapes. */
        size_t v = 0;
        while (*p != '\0' && *p != '/') {
            if (*p == '\\' && (p[1] == '/' || p[1] == '\\'))
                p++;
            value[v++] = *p++;
        }
        value[v] = '\0';
        if (*p == '/')
            p++;
        /* 3. The attribute must be one we know, the value non-empty and
         *    within its bound. */
        size_t a;
        for (a = 0; a < N_ATTRS; a++)
            if (strcmp(attrs[a].key, key) == 0)
                break;
        if (a == N_ATTRS || v == 0 || v > attrs[a].max) {
            err = GLASS_ERR_SUBJECT_SYNTAX;
            goto cleanup;
        }
        uint8_t tag = DER_UTF8_STRING;
        if (attrs[a].oid == &ASN1_OID_AT_C) {
            if (v != 2 || !printable_char(value[0]) || !printable_char(value[1])) {
                err = GLASS_ERR_SUBJECT_SYNTAX;
                goto cleanup;
            }
            tag = DER_PRINTABLE_STRING;
        } else if (attrs[a].oid == &ASN1_OID_EMAIL) {
            for (size_t i = 0; i < v; i++)
                if ((unsigned char)value[i] > 0x7f) {
                    err = GLASS_ERR_SUBJECT_SYNTAX;
                    goto cleanup;
                }
            tag = DER_IA5_STRING;
        }
        /* 4. RDN { AttributeTypeAndValue { type, value } }. */
        size_t rdn = der_begin(&b);
        size_t atv = der_begin(&b);
        der_put_oid(&b, attrs[a].oid->der, attrs[a].oid->len);
        der_put_tlv(&b, tag, value, v);
        der_end(&b, atv, DER_SEQUENCE);
        der_end(&b, rdn, DER_SET);
        n_rdn++;
        if (n_rdn > 32) {
            err = GLASS_ERR_SUBJECT_SYNTAX;
            goto cleanup;
        }
    }
    if (n_rdn == 0) {
        err = GLASS_ERR_SUBJECT_SYNTAX;
        goto cleanup;
    }
    der_end(&b, name_at, DER_SEQUENCE);
    err = der_buf_take(&b, der, der_len);
cleanup:
    der_buf_free(&b);
    free(value);
    return err;
}

/* Short names for the attributes we print. */
static const char *attr_short(const uint8_t *oid, size_t len)
{
    for (size_t a = 0; a < N_ATTRS; a++)
        if (der_oid_eq(oid, len, attrs[a].oid))
            return attrs[a].key;
    return NULL;
}

/* Appends text to out[*used..cap). */
static int append(char *out, size_t cap, size_t *used, const char *s, size_t n)
{
    if (*used + n + 1 > cap)
        return -1;
    memcpy(out + *used, s, n);
    *used += n;
    out[*used] = '\0';
    return 0;
}

/* Appends a string value, escaping '/' and '\' and showing other
 * non-printing bytes as \xHH. */
static int append_value(char *out, size_t cap, size_t *used, const uint8_t *v, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        char tmp[5];
        size_t n;
        if (v[i] == '/' || v[i] == '\\') {
            tmp[0] = '\\';
            tmp[1] = (char)v[i];
            n = 2;
        } else if (v[i] < 0x20 || v[i] == 0x7f) {
            snprintf(tmp, sizeof tmp, "\\x%02x", v[i]);
            n = 4;
        } else {
            tmp[0] = (char)v[i];
            n = 1;
        }
        if (append(out, cap, used, tmp, n) != 0)
            return -1;
    }
    return 0;
}

/* Walks a Name, calling fn for each attribute (type OID, value tag and
 * contents).  Returns the first error of the walk or of fn. */
typedef glass_err (*atv_fn)(void *arg, const uint8_t *oid, size_t oid_len, uint8_t tag,
                            const uint8_t *v, size_t len);

static glass_err walk_name(const uint8_t *der, size_t len, atv_fn fn, void *arg)
{
    der_elem name, rdn, atv, value;
    const uint8_t *oid;
    size_t oid_len;
    glass_err err = der_parse_one(der, len, DER_SEQUENCE, &name);
    if (err != GLASS_OK)
        return err;
    der_reader r = der_enter(&name);
    while (!der_at_end(&r)) {
        if ((err = der_read(&r, DER_SET, &rdn)) != GLASS_OK)
            return err;
        der_reader s = der_enter(&rdn);
        if (der_at_end(&s))
            return GLASS_ERR_DER_VALUE;     /* SIZE (1..MAX) */
        while (!der_at_end(&s)) {
            if ((err = der_read(&s, DER_SEQUENCE, &atv)) != GLASS_OK)
                return err;
            der_reader a = der_enter(&atv);
            if ((err = der_read_oid(&a, &oid, &oid_len)) != GLASS_OK)
                return err;
            if ((err = der_read_any(&a, &value)) != GLASS_OK)
                return err;
            if ((err = der_finish(&a)) != GLASS_OK)
                return err;
            if ((err = fn(arg, oid, oid_len, value.tag, value.val, value.len)) != GLASS_OK)
                return err;
        }
    }
    return GLASS_OK;
}

struct to_string {
    char *out;
    size_t cap;
    size_t used;
};

static glass_err atv_to_string(void *arg, const uint8_t *oid, size_t oid_len, uint8_t tag,
                               const uint8_t *v, size_t len)
{
    struct to_string *ts = arg;
    char dotted[128];
    const char *key = attr_short(oid, oid_len);
    if (key == NULL) {
        if (der_oid_to_dotted(oid, oid_len, dotted, sizeof dotted) != GLASS_OK)
            return GLASS_ERR_DER_VALUE;
        key = dotted;
    }
    if (append(ts->out, ts->cap, &ts->used, "/", 1) != 0 ||
        append(ts->out, ts->cap, &ts->used, key, strlen(key)) != 0 ||
        append(ts->out, ts->cap, &ts->used, "=", 1) != 0)
        return GLASS_ERR_BUFFER_TOO_SMALL;
    if (tag == DER_UTF8_STRING || tag == DER_PRINTABLE_STRING || tag == DER_IA5_STRING ||
        tag == DER_T61_STRING) {
        if (append_value(ts->out, ts->cap, &ts->used, v, len) != 0)
            return GLASS_ERR_BUFFER_TOO_SMALL;
    } else {
        /* Other types (BMPString, ...) as "#" and hex, like RFC 4514 §2.4. */
        if (append(ts->out, ts->cap, &ts->used, "#", 1) != 0)
            return GLASS_ERR_BUFFER_TOO_SMALL;
        for (size_t i = 0; i < len; i++) {
            char h[3];
            snprintf(h, sizeof h, "%02x", v[i]);
            if (append(ts->out, ts->cap, &ts->used, h, 2) != 0)
                return GLASS_ERR_BUFFER_TOO_SMALL;
        }
    }
    return GLASS_OK;
}

/* See ca.h. */
glass_err x509_name_to_string(const uint8_t *der, size_t len, char *out, size_t cap)
{
    struct to_string ts = {out, cap, 0};
    if (cap == 0)
        return GLASS_ERR_BUFFER_TOO_SMALL;
    out[0] = '\0';
    return walk_name(der, len, atv_to_string, &ts);
}

struct find_cn {
    char *out;
    size_t cap;
    int found;
    glass_err err;
};

static glass_err atv_find_cn(void *arg, const uint8_t *oid, size_t oid_len, uint8_t tag,
                             const uint8_t *v, size_t len)
{
    struct find_cn *f = arg;
    (void)tag;
    if (!der_oid_eq(oid, oid_len, &ASN1_OID_AT_CN))
        return GLASS_OK;
    /* The last CN wins, as in most TLS stacks' "most specific" reading. */
    f->found = 1;
    f->err = GLASS_OK;
    if (len + 1 > f->cap || memchr(v, 0, len) != NULL) {
        f->err = len + 1 > f->cap ? GLASS_ERR_BUFFER_TOO_SMALL : GLASS_ERR_X509_NAME;
        return GLASS_OK;
    }
    memcpy(f->out, v, len);
    f->out[len] = '\0';
    return GLASS_OK;
}

/* See ca_internal.h. */
glass_err ca_name_common_name(const uint8_t *der, size_t len, char *out, size_t cap)
{
    struct find_cn f = {out, cap, 0, GLASS_OK};
    if (cap == 0)
        return GLASS_ERR_BUFFER_TOO_SMALL;
    out[0] = '\0';
    glass_err err = walk_name(der, len, atv_find_cn, &f);
    if (err != GLASS_OK)
        return err;
    if (!f.found)
        return GLASS_ERR_X509_NAME;
    return f.err;
}

/* See ca_internal.h.  RFC 5280 §7.1 compares names after normalisation; we
 * compare the encodings, which is exact for names we and OpenSSL write
 * (the issuer field is copied from the issuer's subject byte for byte). */
int ca_name_equal(const uint8_t *a, size_t a_len, const uint8_t *b, size_t b_len)
{
    return a_len == b_len && memcmp(a, b, a_len) == 0;
}
