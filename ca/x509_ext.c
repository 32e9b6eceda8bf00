/*
 * x509_ext.c — certificate extensions written in OpenSSL's configuration
 * syntax (the openssl x509v3_config(5) manual), so that the lines a course
 * gives to `openssl req -addext` or puts in an `-extfile` work unchanged
 * with glass:
 *
 *     basicConstraints       = critical, CA:TRUE, pathlen:0     RFC 5280 §4.2.1.9
 *     keyUsage               = critical, digitalSignature, ...  §4.2.1.3
 *     extendedKeyUsage       = serverAuth, clientAuth           §4.2.1.12
 *     subjectAltName         = DNS:localhost, IP:127.0.0.1      §4.2.1.6
 *     subjectKeyIdentifier   = hash                             §4.2.1.2
 *     authorityKeyIdentifier = keyid:always, issuer             §4.2.1.1
 *
 * Read in this order: x509_ext_add (one line, split into "critical" and the
 * items of each kind), then x509_ext_from_conf (a section of a
 * configuration file read by conf.c: "extensions = S", "@alt_names"
 * sections) and x509_ext_load, then x509_ext_merge (a request's extensions
 * with the CA's, for -copy_extensions), x509_ext_key_ids (the key
 * identifiers OpenSSL 3 adds) and x509_ext_print (the set as `openssl req
 * -text` shows it).
 *
 * What differs from OpenSSL, on purpose: subjectKeyIdentifier=hash is the
 * leftmost 160 bits of SHA-256 (RFC 7093 §2 method 1) where OpenSSL takes
 * SHA-1 (glasstls has no SHA-1), and authorityKeyIdentifier carries the
 * keyIdentifier only ("issuer" is accepted and left out: RFC 5280 §4.2.1.1
 * makes keyIdentifier the field to use).  A kind given twice replaces the
 * first instead of being an error.
 *
 * CT: — nothing secret; only text is parsed.
 */
#include "ca/ca.h"
#include "ca/ca_internal.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LINE_MAX_LEN 2048


/* See ca.h. */
void x509_ext_init(x509_ext_set *s)
{
    memset(s, 0, sizeof *s);
    s->path_len = -1;
}

/* Marks kind present (keeping its first position) and its criticality. */
static void mark(x509_ext_set *s, enum x509_ext_kind kind, int critical)
{
    size_t i;
    for (i = 0; i < s->n && s->order[i] != kind; i++)
        ;
    if (i == s->n)
        s->order[s->n++] = (unsigned char)kind;
    s->critical = critical ? s->critical | (1u << kind) : s->critical & ~(1u << kind);
}

static const struct {
    const char *name;
    unsigned flag;
} ku_names[] = {
    {"digitalSignature", X509_KU_DIGITAL_SIGNATURE}, {"nonRepudiation", X509_KU_NON_REPUDIATION},
    {"keyEncipherment", X509_KU_KEY_ENCIPHERMENT},   {"dataEncipherment", X509_KU_DATA_ENCIPHERMENT},
    {"keyAgreement", X509_KU_KEY_AGREEMENT},         {"keyCertSign", X509_KU_KEY_CERT_SIGN},
    {"cRLSign", X509_KU_CRL_SIGN},                   {"encipherOnly", X509_KU_ENCIPHER_ONLY},
    {"decipherOnly", X509_KU_DECIPHER_ONLY},
}, eku_names[] = {
    {"serverAuth", X509_EKU_SERVER},         {"clientAuth", X509_EKU_CLIENT},
    {"codeSigning", X509_EKU_CODE_SIGNING},  {"emailProtection", X509_EKU_EMAIL},
    {"timeStamping", X509_EKU_TIME_STAMP},   {"OCSPSigning", X509_EKU_OCSP_SIGNING},
    {"anyExtendedKeyUsage", X509_EKU_ANY},
};

/* One item of a list-valued extension.  Returns 0, or -1 if unknown. */
static int item_flag(const char *item, int eku, unsigned *flags)
{
    size_t n = eku ? sizeof eku_names / sizeof eku_names[0] : sizeof ku_names / sizeof ku_names[0];
    for (size_t i = 0; i < n; i++) {
        const char *name = eku ? eku_names[i].name : ku_names[i].name;
        if (strcmp(item, name) == 0) {
            *flags |= eku ? eku_names[i].flag : ku_names[i].flag;
            return 0;
        }
    }
    return -1;
}

/* Appends "DNS:x" or "IP:y" to the SAN text (comma-separated, no spaces). */
static glass_err san_append(x509_ext_set *s, const char *item, char *why, size_t cap)
{
    if (strncmp(item, "DNS:", 4) != 0 && strncmp(item, "IP:", 3) != 0)
        return ca_why(why, cap, "subjectAltName '%s': only DNS: and IP: names are supported", item);
    size_t have = strlen(s->san), add = strlen(item);
    if (have + add + 2 > sizeof s->san)
        return ca_why(why, cap, "subjectAltName is too long");
    if (have > 0)
        s->san[have++] = ',';
    memcpy(s->san + have, item, add + 1);
    return GLASS_OK;
}

/* The value part of one line; items separated by commas. */
static glass_err add_value(x509_ext_set *s, enum x509_ext_kind kind, char *value, char *why,
                           size_t cap)
{
    int critical = 0, ca = 0;
    long path_len = -1;
    unsigned flags = 0;
    if (kind == X509_EXT_SAN)
        s->san[0] = '\0';
    char *save = NULL;
    for (char *item = strtok_r(value, ",", &save); item != NULL;
         item = strtok_r(NULL, ",", &save)) {
        item = ca_trim(item);
        if (strcmp(item, "critical") == 0) {
            critical = 1;
        } else if (kind == X509_EXT_BC && (strcmp(item, "CA:TRUE") == 0 || strcmp(item, "CA:true") == 0)) {
            ca = 1;
        } else if (kind == X509_EXT_BC && (strcmp(item, "CA:FALSE") == 0 || strcmp(item, "CA:false") == 0)) {
            ca = 0;
        } else if (kind == X509_EXT_BC && strncmp(item, "pathlen:", 8) == 0) {
            char *end;
            path_len = strtol(item + 8, &end, 10);
            if (item[8] == '\0' || *end != '\0' || path_len < 0 || path_len > 255)
                return ca_why(why, cap, "basicConstraints '%s': pathlen must be 0..255", item);
        } else if ((kind == X509_EXT_KU || kind == X509_EXT_EKU) &&
                   item_flag(item, kind == X509_EXT_EKU, &flags) == 0) {
            continue;
        } else if (kind == X509_EXT_SAN) {
            glass_err err = san_append(s, item, why, cap);
            if (err != GLASS_OK)
                return err;
        } else if (kind == X509_EXT_SKI && strcmp(item, "hash") == 0) {
            continue;
        } else if (kind == X509_EXT_AKI && (strcmp(item, "keyid") == 0 || strcmp(item, "keyid:always") == 0 ||
                                            strcmp(item, "issuer") == 0 || strcmp(item, "issuer:always") == 0)) {
            continue;
        } else {
            return ca_why(why, cap, "'%s' is not understood here", item);
        }
    }
    if ((kind == X509_EXT_KU || kind == X509_EXT_EKU) && flags == 0)
        return ca_why(why, cap, "%s needs at least one purpose",
                   kind == X509_EXT_KU ? "keyUsage" : "extendedKeyUsage");
    if (kind == X509_EXT_SAN && s->san[0] == '\0')
        return ca_why(why, cap, "subjectAltName needs at least one name");
    if (kind == X509_EXT_BC) {
        /* §4.2.1.9: pathLenConstraint only "if the cA boolean is asserted". */
        if (path_len >= 0 && !ca)
            return ca_why(why, cap, "basicConstraints: pathlen needs CA:TRUE");
        s->ca = ca;
        s->path_len = (int)path_len;
    }
    if (kind == X509_EXT_KU)
        s->key_usage = flags;
    if (kind == X509_EXT_EKU)
        s->ext_key_usage = flags;
    mark(s, kind, critical);
    return GLASS_OK;
}

static const struct {
    const char *name;
    enum x509_ext_kind kind;
} ext_names[] = {
    {"basicConstraints", X509_EXT_BC},  {"keyUsage", X509_EXT_KU},
    {"extendedKeyUsage", X509_EXT_EKU}, {"subjectAltName", X509_EXT_SAN},
    {"subjectKeyIdentifier", X509_EXT_SKI}, {"authorityKeyIdentifier", X509_EXT_AKI},
};

/* Splits "name = value"; returns the kind, or -1 (why filled). */
static int split_line(char *line, char **value, char *why, size_t cap)
{
    char *eq = strchr(line, '=');
    if (eq == NULL) {
        ca_why(why, cap, "'%s' is not of the form name = value", ca_trim(line));
        return -1;
    }
    *eq = '\0';
    char *name = ca_trim(line);
    *value = ca_trim(eq + 1);
    for (size_t i = 0; i < sizeof ext_names / sizeof ext_names[0]; i++)
        if (strcmp(name, ext_names[i].name) == 0)
            return (int)ext_names[i].kind;
    ca_why(why, cap, "unknown extension '%s' (known: basicConstraints, keyUsage, "
        "extendedKeyUsage, subjectAltName, subjectKeyIdentifier, authorityKeyIdentifier)", name);
    return -1;
}

/* See ca.h. */
glass_err x509_ext_add(x509_ext_set *s, const char *line, char *why, size_t why_cap)
{
    char buf[LINE_MAX_LEN];
    char *value;
    if (s == NULL || line == NULL)
        return GLASS_ERR_ARG;
    if (strlen(line) >= sizeof buf)
        return ca_why(why, why_cap, "extension line too long");
    strcpy(buf, line);
    int kind = split_line(buf, &value, why, why_cap);
    if (kind < 0)
        return GLASS_ERR_ARG;
    if (value[0] == '@')
        return ca_why(why, why_cap, "'%s': a @section needs a configuration file (-extfile)", value);
    return add_value(s, (enum x509_ext_kind)kind, value, why, why_cap);
}

/* ---- sections of a configuration file (read by conf.c) --------------------- */

/* "@alt_names": DNS.1 = a, IP.1 = 1.2.3.4 lines -> "DNS:a,IP:1.2.3.4". */
static glass_err conf_names(const conf_file *c, const char *section, char *out, size_t cap,
                            const char *where, char *why, size_t why_cap)
{
    size_t o = 0;
    const char *name, *value;
    size_t line;
    out[0] = '\0';
    if (!conf_has_section(c, section))
        return ca_why(why, why_cap, "%s: there is no section [%s] in %s", where, section,
                   conf_name(c));
    for (size_t pos = 0; conf_next(c, section, &pos, &name, &value, &line);) {
        size_t kind = strcspn(name, ".");
        if (!((kind == 3 && strncmp(name, "DNS", 3) == 0) ||
              (kind == 2 && strncmp(name, "IP", 2) == 0)))
            return ca_why(why, why_cap, "%s:%zu: '%s': only DNS.n and IP.n names are supported",
                       conf_name(c), line, name);
        int w = snprintf(out + o, cap - o, "%s%.*s:%s", o ? "," : "", (int)kind, name, value);
        if (w < 0 || (size_t)w >= cap - o)
            return ca_why(why, why_cap, "%s: section [%s]: too many names", where, section);
        o += (size_t)w;
    }
    if (o == 0)
        return ca_why(why, why_cap, "%s: section [%s] is empty", where, section);
    return GLASS_OK;
}

/* One "name = value" of an extensions section. */
static glass_err conf_one(x509_ext_set *s, const conf_file *c, const char *name,
                          const char *value, const char *where, char *why, size_t cap)
{
    char buf[LINE_MAX_LEN], inner[300], *v;
    int w = snprintf(buf, sizeof buf, "%s = %s", name, value);
    if (w < 0 || (size_t)w >= sizeof buf)
        return ca_why(why, cap, "%s: extension line too long", where);
    int kind = split_line(buf, &v, inner, sizeof inner);
    if (kind < 0)
        return ca_why(why, cap, "%s: %s", where, inner);
    glass_err err;
    if (v[0] == '@') {
        char list[X509_EXT_SAN_MAX];
        if (kind != X509_EXT_SAN)
            return ca_why(why, cap, "%s: '%s': @section only for subjectAltName", where, v);
        if ((err = conf_names(c, v + 1, list, sizeof list, where, why, cap)) != GLASS_OK)
            return err;
        v = list;
        err = add_value(s, X509_EXT_SAN, v, inner, sizeof inner);
    } else {
        err = add_value(s, (enum x509_ext_kind)kind, v, inner, sizeof inner);
    }
    if (err != GLASS_OK)
        return ca_why(why, cap, "%s: %s", where, inner);
    return GLASS_OK;
}

/* See ca.h. */
glass_err x509_ext_from_conf(x509_ext_set *s, const conf_file *c, const char *section,
                             char *why, size_t why_cap)
{
    const char *name, *value;
    size_t line, found = 0;
    if (s == NULL || c == NULL)
        return GLASS_ERR_ARG;
    /* OpenSSL's rule: no section named means "extensions = S" from the
     * opening part, else the opening part itself. */
    int opening = section == NULL && conf_get(c, "default", "extensions") == NULL;
    if (section == NULL)
        section = opening ? "default" : conf_get(c, "default", "extensions");
    if (!conf_has_section(c, section))
        return ca_why(why, why_cap, "%s: there is no section [%s]", conf_name(c), section);
    for (size_t pos = 0; conf_next(c, section, &pos, &name, &value, &line);) {
        char where[300];
        if (strcmp(section, "default") == 0 && strcmp(name, "extensions") == 0)
            continue;
        snprintf(where, sizeof where, "%s:%zu", conf_name(c), line);
        glass_err err = conf_one(s, c, name, value, where, why, why_cap);
        if (err != GLASS_OK)
            return err;
        found++;
    }
    if (found == 0 && opening)
        return ca_why(why, why_cap, "%s: no extensions before the first [section] and no "
                   "\"extensions = SECTION\" line there: name the section with -extensions",
                   conf_name(c));
    if (found == 0)
        return ca_why(why, why_cap, "%s: section [%s] holds no extensions", conf_name(c), section);
    return GLASS_OK;
}

/* See ca.h. */
glass_err x509_ext_load(x509_ext_set *s, const char *path, const char *section,
                        char *why, size_t why_cap)
{
    conf_file *c = NULL;
    if (s == NULL || path == NULL)
        return GLASS_ERR_ARG;
    glass_err err = conf_load(path, &c, why, why_cap);
    if (err == GLASS_OK)
        err = x509_ext_from_conf(s, c, section, why, why_cap);
    conf_free(c);
    return err;
}

/* ---- sets together: copying a request's extensions, OpenSSL's defaults ----- */

/* See ca.h. */
int x509_ext_has(const x509_ext_set *s, enum x509_ext_kind kind)
{
    return memchr(s->order, (int)kind, s->n) != NULL;
}

/* Sets kind in d as it is in from (appended if d lacks it).  The key
 * identifiers carry no value here: subjectKeyIdentifier is computed again
 * from the subject's key when the certificate is written (the request's
 * own key, so it names the same key, though a request from OpenSSL holds
 * its SHA-1 form), and authorityKeyIdentifier always names the real issuer,
 * whatever a request claims. */
static void copy_kind(x509_ext_set *d, const x509_ext_set *from, enum x509_ext_kind kind)
{
    if (kind == X509_EXT_BC) {
        d->ca = from->ca;
        d->path_len = from->path_len;
    } else if (kind == X509_EXT_KU) {
        d->key_usage = from->key_usage;
    } else if (kind == X509_EXT_EKU) {
        d->ext_key_usage = from->ext_key_usage;
    } else if (kind == X509_EXT_SAN) {
        memcpy(d->san, from->san, sizeof d->san);
    }
    mark(d, kind, (from->critical >> kind) & 1u);
}

/* See ca.h. */
void x509_ext_merge(x509_ext_set *out, const x509_ext_set *req, const x509_ext_set *file,
                    int all)
{
    x509_ext_init(out);
    for (size_t i = 0; i < req->n; i++) {
        enum x509_ext_kind k = (enum x509_ext_kind)req->order[i];
        if (all || !x509_ext_has(file, k))
            copy_kind(out, req, k);
    }
    for (size_t i = 0; i < file->n; i++) {
        enum x509_ext_kind k = (enum x509_ext_kind)file->order[i];
        if (!x509_ext_has(out, k))
            copy_kind(out, file, k);
    }
}

/* See ca.h. */
void x509_ext_key_ids(x509_ext_set *s, int self_signed)
{
    if (s->n == 0)
        return;     /* a v1 certificate has no extensions at all */
    if (!x509_ext_has(s, X509_EXT_SKI))
        mark(s, X509_EXT_SKI, 0);
    if (!self_signed && !x509_ext_has(s, X509_EXT_AKI))
        mark(s, X509_EXT_AKI, 0);
}

/* ---- the set as `openssl req -text` shows it -------------------------------- */

/* One line of names from a flag table, OpenSSL's words. */
static void print_flags(FILE *f, unsigned flags, const char *const *words, size_t n)
{
    const char *sep = "";
    for (size_t i = 0; i < n; i++)
        if (flags & (1u << i)) {
            fprintf(f, "%s%s", sep, words[i]);
            sep = ", ";
        }
    fputc('\n', f);
}

/* See ca.h. */
void x509_ext_print(void *file, const x509_ext_set *s, const char *indent, const uint8_t *ski,
                    size_t ski_len)
{
    static const char *const ku[] = {"Digital Signature", "Non Repudiation",
                                     "Key Encipherment", "Data Encipherment", "Key Agreement",
                                     "Certificate Sign", "CRL Sign", "Encipher Only",
                                     "Decipher Only"};
    /* In the order of the X509_EKU_* bits. */
    static const char *const eku[] = {"TLS Web Server Authentication",
                                      "TLS Web Client Authentication", "Any Extended Key Usage",
                                      "(another purpose)", "Code Signing", "E-mail Protection",
                                      "Time Stamping", "OCSP Signing"};
    static const char *const title[X509_EXT_KINDS] = {
        "Subject Key Identifier", "Authority Key Identifier", "Basic Constraints", "Key Usage",
        "Extended Key Usage", "Subject Alternative Name"};
    FILE *f = file != NULL ? file : stdout;
    for (size_t i = 0; i < s->n; i++) {
        unsigned k = s->order[i];
        fprintf(f, "%sX509v3 %s:%s\n%s    ", indent, title[k],
                (s->critical >> k) & 1u ? " critical" : "", indent);
        if (k == X509_EXT_BC && s->ca && s->path_len >= 0)
            fprintf(f, "CA:TRUE, pathlen:%d\n", s->path_len);
        else if (k == X509_EXT_BC)
            fprintf(f, "CA:%s\n", s->ca ? "TRUE" : "FALSE");
        else if (k == X509_EXT_KU)
            print_flags(f, s->key_usage, ku, sizeof ku / sizeof ku[0]);
        else if (k == X509_EXT_EKU)
            print_flags(f, s->ext_key_usage, eku, sizeof eku / sizeof eku[0]);
        else if (k == X509_EXT_SAN) {
            /* "DNS:a,IP:1.2.3.4" -> "DNS:a, IP Address:1.2.3.4" */
            for (const char *p = s->san; *p != '\0';) {
                size_t n = strcspn(p, ",");
                int ip = strncmp(p, "IP:", 3) == 0;
                fprintf(f, "%s%s%.*s", p == s->san ? "" : ", ", ip ? "IP Address:" : "",
                        (int)(ip ? n - 3 : n), ip ? p + 3 : p);
                p += n + (p[n] == ',');
            }
            fputc('\n', f);
        } else if (k == X509_EXT_SKI && ski_len > 0) {
            for (size_t j = 0; j < ski_len; j++)
                fprintf(f, "%02X%s", ski[j], j + 1 < ski_len ? ":" : "\n");
        } else {
            fprintf(f, "keyid\n");
        }
    }
}
