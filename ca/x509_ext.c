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
 * items of each kind), then x509_ext_load (a configuration file: sections,
 * comments, "extensions = S", "@alt_names" sections).
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

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LINE_MAX_LEN 2048

static glass_err say(char *why, size_t cap, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* Fills why (when given) and returns GLASS_ERR_ARG. */
static glass_err say(char *why, size_t cap, const char *fmt, ...)
{
    if (why != NULL && cap > 0) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(why, cap, fmt, ap);
        va_end(ap);
    }
    return GLASS_ERR_ARG;
}

/* See ca.h. */
void x509_ext_init(x509_ext_set *s)
{
    memset(s, 0, sizeof *s);
    s->path_len = -1;
}

/* Trims spaces at both ends, in place. */
static char *trim(char *p)
{
    while (isspace((unsigned char)*p))
        p++;
    size_t n = strlen(p);
    while (n > 0 && isspace((unsigned char)p[n - 1]))
        p[--n] = '\0';
    return p;
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
        return say(why, cap, "subjectAltName '%s': only DNS: and IP: names are supported", item);
    size_t have = strlen(s->san), add = strlen(item);
    if (have + add + 2 > sizeof s->san)
        return say(why, cap, "subjectAltName is too long");
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
        item = trim(item);
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
                return say(why, cap, "basicConstraints '%s': pathlen must be 0..255", item);
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
            return say(why, cap, "'%s' is not understood here", item);
        }
    }
    if ((kind == X509_EXT_KU || kind == X509_EXT_EKU) && flags == 0)
        return say(why, cap, "%s needs at least one purpose",
                   kind == X509_EXT_KU ? "keyUsage" : "extendedKeyUsage");
    if (kind == X509_EXT_SAN && s->san[0] == '\0')
        return say(why, cap, "subjectAltName needs at least one name");
    if (kind == X509_EXT_BC) {
        /* §4.2.1.9: pathLenConstraint only "if the cA boolean is asserted". */
        if (path_len >= 0 && !ca)
            return say(why, cap, "basicConstraints: pathlen needs CA:TRUE");
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
        say(why, cap, "'%s' is not of the form name = value", trim(line));
        return -1;
    }
    *eq = '\0';
    char *name = trim(line);
    *value = trim(eq + 1);
    for (size_t i = 0; i < sizeof ext_names / sizeof ext_names[0]; i++)
        if (strcmp(name, ext_names[i].name) == 0)
            return (int)ext_names[i].kind;
    say(why, cap, "unknown extension '%s' (known: basicConstraints, keyUsage, "
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
        return say(why, why_cap, "extension line too long");
    strcpy(buf, line);
    int kind = split_line(buf, &value, why, why_cap);
    if (kind < 0)
        return GLASS_ERR_ARG;
    if (value[0] == '@')
        return say(why, why_cap, "'%s': a @section needs a configuration file (-extfile)", value);
    return add_value(s, (enum x509_ext_kind)kind, value, why, why_cap);
}

/* ---- configuration files ------------------------------------------------- */

/* The lines of a file, with comments and blank lines gone, each tagged
 * with its section ("" for the opening part) and line number. */
struct conf_line {
    char section[64];
    char *text;
    size_t number;
};

struct conf {
    struct conf_line *lines;
    size_t n;
};

static void conf_free(struct conf *c)
{
    for (size_t i = 0; i < c->n; i++)
        free(c->lines[i].text);
    free(c->lines);
}

static glass_err conf_read(const char *path, struct conf *c, char *why, size_t cap)
{
    uint8_t *data = NULL;
    size_t len = 0, number = 0;
    char section[64] = "";
    glass_err err = glass_read_file(path, 1u << 20, &data, &len);
    if (err != GLASS_OK)
        return err;
    memset(c, 0, sizeof *c);
    for (size_t at = 0; at < len;) {
        size_t end = at;
        while (end < len && data[end] != '\n')
            end++;
        number++;
        char line[LINE_MAX_LEN];
        if (end - at >= sizeof line) {
            err = say(why, cap, "line %zu: too long", number);
            break;
        }
        memcpy(line, data + at, end - at);
        line[end - at] = '\0';
        at = end + 1;
        char *hash = strchr(line, '#');
        if (hash != NULL)
            *hash = '\0';
        char *t = trim(line);
        if (t[0] == '\0')
            continue;
        if (t[0] == '[') {
            char *close = strchr(t, ']');
            if (close == NULL || (size_t)(close - t) >= sizeof section) {
                err = say(why, cap, "line %zu: bad section header", number);
                break;
            }
            *close = '\0';
            snprintf(section, sizeof section, "%s", trim(t + 1));
            continue;
        }
        struct conf_line *grown = realloc(c->lines, (c->n + 1) * sizeof *grown);
        char *copy = malloc(strlen(t) + 1);
        if (grown != NULL)
            c->lines = grown;
        if (grown == NULL || copy == NULL) {
            free(copy);
            err = GLASS_ERR_NOMEM;
            break;
        }
        strcpy(copy, t);
        memcpy(c->lines[c->n].section, section, sizeof section);
        c->lines[c->n].text = copy;
        c->lines[c->n].number = number;
        c->n++;
    }
    free(data);
    if (err != GLASS_OK)
        conf_free(c);
    return err;
}

/* The value of "name = value" in section, or NULL; copied into out. */
static const char *conf_get(const struct conf *c, const char *section, const char *name,
                            char *out, size_t cap)
{
    for (size_t i = 0; i < c->n; i++) {
        if (strcmp(c->lines[i].section, section) != 0)
            continue;
        const char *eq = strchr(c->lines[i].text, '=');
        if (eq == NULL)
            continue;
        char key[128];
        size_t kl = (size_t)(eq - c->lines[i].text);
        if (kl >= sizeof key)
            continue;
        memcpy(key, c->lines[i].text, kl);
        key[kl] = '\0';
        if (strcmp(trim(key), name) == 0) {
            snprintf(out, cap, "%s", eq + 1);
            return trim(out);
        }
    }
    return NULL;
}

/* "@alt_names": DNS.1 = a, IP.1 = 1.2.3.4 lines -> "DNS:a,IP:1.2.3.4". */
static glass_err conf_names(const struct conf *c, const char *section, char *out, size_t cap,
                            char *why, size_t why_cap)
{
    size_t o = 0;
    out[0] = '\0';
    for (size_t i = 0; i < c->n; i++) {
        if (strcmp(c->lines[i].section, section) != 0)
            continue;
        char buf[LINE_MAX_LEN];
        snprintf(buf, sizeof buf, "%s", c->lines[i].text);
        char *eq = strchr(buf, '=');
        if (eq == NULL)
            return say(why, why_cap, "line %zu: not name = value", c->lines[i].number);
        *eq = '\0';
        char *name = trim(buf), *value = trim(eq + 1);
        char *dot = strchr(name, '.');
        if (dot != NULL)
            *dot = '\0';   /* DNS.1 -> DNS */
        if (strcmp(name, "DNS") != 0 && strcmp(name, "IP") != 0)
            return say(why, why_cap, "line %zu: only DNS.n and IP.n names are supported",
                       c->lines[i].number);
        int w = snprintf(out + o, cap - o, "%s%s:%s", o ? "," : "", name, value);
        if (w < 0 || (size_t)w >= cap - o)
            return say(why, why_cap, "section [%s]: too many names", section);
        o += (size_t)w;
    }
    if (o == 0)
        return say(why, why_cap, "section [%s] is missing or empty", section);
    return GLASS_OK;
}

/* See ca.h. */
glass_err x509_ext_load(x509_ext_set *s, const char *path, const char *section,
                        char *why, size_t why_cap)
{
    struct conf c;
    char named[128];
    glass_err err;
    if (s == NULL || path == NULL)
        return GLASS_ERR_ARG;
    if ((err = conf_read(path, &c, why, why_cap)) != GLASS_OK)
        return err;
    /* OpenSSL's rule: no -extensions means "extensions = S" from the opening
     * part, else the opening part itself. */
    if (section == NULL)
        section = conf_get(&c, "", "extensions", named, sizeof named);
    if (section == NULL)
        section = "";
    size_t found = 0;
    for (size_t i = 0; i < c.n && err == GLASS_OK; i++) {
        if (strcmp(c.lines[i].section, section) != 0)
            continue;
        char buf[LINE_MAX_LEN], *value;
        snprintf(buf, sizeof buf, "%s", c.lines[i].text);
        if (section[0] == '\0' && strncmp(trim(buf), "extensions", 10) == 0)
            continue;
        int kind = split_line(buf, &value, why, why_cap);
        if (kind >= 0 && value[0] == '@') {
            char list[X509_EXT_SAN_MAX];
            if (kind != X509_EXT_SAN)
                err = say(why, why_cap, "'%s': @section only for subjectAltName", value);
            else if ((err = conf_names(&c, value + 1, list, sizeof list, why, why_cap)) == GLASS_OK)
                err = add_value(s, X509_EXT_SAN, list, why, why_cap);
        } else if (kind >= 0) {
            err = add_value(s, (enum x509_ext_kind)kind, value, why, why_cap);
        } else {
            err = GLASS_ERR_ARG;
        }
        found++;
        if (err != GLASS_OK && why != NULL) {
            char inner[256];
            snprintf(inner, sizeof inner, "%s", why);
            snprintf(why, why_cap, "line %zu: %s", c.lines[i].number, inner);
        }
    }
    if (err == GLASS_OK && found == 0 && section[0] == '\0')
        err = say(why, why_cap, "no extensions before the first [section] and no \"extensions = "
                  "SECTION\" line there: name the section with -extensions");
    else if (err == GLASS_OK && found == 0)
        err = say(why, why_cap, "no section [%s] with extensions in the file", section);
    conf_free(&c);
    return err;
}
