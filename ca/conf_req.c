/*
 * conf_req.c — what `glass req -config FILE` takes from a course's
 * openssl.cnf: the [req] section of the openssl req(1) manual
 * ("CONFIGURATION FILE FORMAT") and, with "prompt = no", the subject from
 * the section its distinguished_name names:
 *
 *     [ req ]
 *     prompt             = no          the subject comes from [ dn ]
 *     distinguished_name = dn
 *     req_extensions     = v3_req      extensions asked for in a request
 *     x509_extensions    = v3_ca       extensions of a -x509 certificate
 *     default_bits       = 2048        -newkey rsa (and -new with no key)
 *     default_md         = sha256      the only digest glass has
 *     default_keyfile    = key.pem     where -newkey writes without -keyout
 *     encrypt_key        = no          as -nodes
 *     [ dn ]
 *     C = BR   ST = SP   L = Campinas   O = Course   OU = Lab
 *     CN = server.example   emailAddress = ca@example.org
 *
 * A field name may carry a prefix ending in '.', ':' or ',' ("0.OU",
 * "1.OU": two OUs), which OpenSSL drops; the long names (countryName,
 * commonName, ...) are the short ones spelled out.  Read conf_req_read
 * first, then dn_subject.
 *
 * prompt = yes (OpenSSL's default) asks for each field at the terminal, with
 * the *_default values; glass does not prompt: conf_req_read notes it, and
 * the caller refuses unless -subj gives the subject.
 *
 * CT: — nothing secret.
 */
#include "ca/ca.h"
#include "ca/ca_internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


/* The line of name in section, for messages (0 if not there). */
static size_t line_of(const conf_file *c, const char *section, const char *name)
{
    const char *n, *v;
    size_t line = 0, at;
    for (size_t pos = 0; conf_next(c, section, &pos, &n, &v, &at);)
        if (strcmp(n, name) == 0)
            line = at;
    return line;
}

/* A field name of the DN section -> the short name x509_name_from_string
 * takes, or NULL. */
static const char *short_name(const char *field)
{
    static const char *const names[][2] = {
        {"C", "countryName"},       {"ST", "stateOrProvinceName"},
        {"L", "localityName"},      {"O", "organizationName"},
        {"OU", "organizationalUnitName"}, {"CN", "commonName"},
        {"emailAddress", "emailAddress"},
    };
    const char *cut = field;
    for (const char *p = field; *p != '\0'; p++)
        if (*p == '.' || *p == ':' || *p == ',')
            cut = p + 1;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(cut, names[i][0]) == 0 || strcmp(cut, names[i][1]) == 0)
            return names[i][0];
    return NULL;
}

/* prompt = no: the fields of section, in order, as "/C=BR/CN=x" ('/' in a
 * value escaped as "\/"). */
static glass_err dn_subject(const conf_file *c, const char *section, char *out, size_t cap,
                            char *why, size_t why_cap)
{
    const char *name, *value;
    size_t line, o = 0;
    out[0] = '\0';
    for (size_t pos = 0; conf_next(c, section, &pos, &name, &value, &line);) {
        const char *sn = short_name(name);
        if (sn == NULL)
            return ca_why(why, why_cap, "%s:%zu: '%s' is not a name field glass knows (C, ST, "
                        "L, O, OU, CN, emailAddress, or their long names)",
                        conf_name(c), line, name);
        if (value[0] == '\0')
            continue;   /* OpenSSL leaves an empty field out */
        if (o + strlen(sn) + 2 >= cap)
            return ca_why(why, why_cap, "%s: [%s]: the subject is too long", conf_name(c),
                        section);
        o += (size_t)snprintf(out + o, cap - o, "/%s=", sn);
        for (const char *p = value; *p != '\0'; p++) {
            if (o + 3 >= cap)
                return ca_why(why, why_cap, "%s: [%s]: the subject is too long", conf_name(c),
                            section);
            if (*p == '/' || *p == '\\')
                out[o++] = '\\';
            out[o++] = *p;
        }
        out[o] = '\0';
    }
    if (o == 0)
        return ca_why(why, why_cap, "%s: [%s] gives no subject field (prompt = no needs at "
                    "least CN = ...)", conf_name(c), section);
    return GLASS_OK;
}

/* Appends a note "FILE:LINE: text" to out->notes. */
static void add_note(conf_req *out, const conf_file *c, size_t line, const char *text)
{
    size_t have = strlen(out->notes);
    if (have + 1 < sizeof out->notes)
        snprintf(out->notes + have, sizeof out->notes - have, "%s%s:%zu: %s",
                 have ? "\n" : "", conf_name(c), line, text);
}

/* A section named by a [req] key must exist. */
static glass_err need_section(const conf_file *c, const char *key, const char *section,
                              char *why, size_t cap)
{
    if (section == NULL || conf_has_section(c, section))
        return GLASS_OK;
    return ca_why(why, cap, "%s:%zu: %s = %s, but there is no section [%s]", conf_name(c),
                line_of(c, "req", key), key, section, section);
}

/* yes/no values, as OpenSSL spells them; -1 for anything else. */
static int yes_no(const char *v)
{
    if (strcmp(v, "yes") == 0 || strcmp(v, "YES") == 0 || strcmp(v, "true") == 0)
        return 1;
    if (strcmp(v, "no") == 0 || strcmp(v, "NO") == 0 || strcmp(v, "false") == 0)
        return 0;
    return -1;
}

/* See ca.h. */
glass_err conf_req_read(const conf_file *c, conf_req *out, char *why, size_t why_cap)
{
    static const char *const used[] = {"prompt", "distinguished_name", "req_extensions",
                                       "x509_extensions", "default_bits", "default_md",
                                       "default_keyfile", "encrypt_key"};
    const char *name, *value, *dn;
    size_t line;
    glass_err err;
    if (c == NULL || out == NULL)
        return GLASS_ERR_ARG;
    memset(out, 0, sizeof *out);
    out->prompt = 1;
    out->encrypt_key = -1;
    if (!conf_has_section(c, "req"))
        return ca_why(why, why_cap, "%s: there is no [ req ] section", conf_name(c));
    for (size_t pos = 0; conf_next(c, "req", &pos, &name, &value, &line);) {
        size_t k;
        for (k = 0; k < sizeof used / sizeof used[0] && strcmp(name, used[k]) != 0; k++)
            ;
        if (k == sizeof used / sizeof used[0]) {
            char text[200];
            snprintf(text, sizeof text, "[req] %.80s is not used by glass; ignored", name);
            add_note(out, c, line, text);
        }
    }
    const char *prompt = conf_get(c, "req", "prompt");
    if (prompt != NULL && (out->prompt = yes_no(prompt)) < 0)
        return ca_why(why, why_cap, "%s:%zu: prompt = %s: give yes or no", conf_name(c),
                    line_of(c, "req", "prompt"), prompt);
    const char *enc = conf_get(c, "req", "encrypt_key");
    if (enc != NULL && (out->encrypt_key = yes_no(enc)) < 0)
        return ca_why(why, why_cap, "%s:%zu: encrypt_key = %s: give yes or no", conf_name(c),
                    line_of(c, "req", "encrypt_key"), enc);
    const char *bits = conf_get(c, "req", "default_bits");
    if (bits != NULL) {
        char *end;
        out->default_bits = strtoul(bits, &end, 10);
        if (bits[0] < '0' || bits[0] > '9' || *end != '\0' || out->default_bits < RSA_MIN_BITS ||
            out->default_bits > RSA_MAX_BITS)
            return ca_why(why, why_cap, "%s:%zu: default_bits = %s: give a number of bits from "
                        "%d to %d", conf_name(c), line_of(c, "req", "default_bits"), bits,
                        RSA_MIN_BITS, RSA_MAX_BITS);
    }
    const char *md = conf_get(c, "req", "default_md");
    if (md != NULL && strcmp(md, "sha256") != 0 && strcmp(md, "default") != 0) {
        char text[200];
        snprintf(text, sizeof text, "default_md = %.40s: glass signs with sha256, the only "
                 "digest it has", md);
        add_note(out, c, line_of(c, "req", "default_md"), text);
    }
    out->default_keyfile = conf_get(c, "req", "default_keyfile");
    out->req_extensions = conf_get(c, "req", "req_extensions");
    out->x509_extensions = conf_get(c, "req", "x509_extensions");
    if ((err = need_section(c, "req_extensions", out->req_extensions, why, why_cap)) != GLASS_OK ||
        (err = need_section(c, "x509_extensions", out->x509_extensions, why, why_cap)) != GLASS_OK)
        return err;
    dn = conf_get(c, "req", "distinguished_name");
    if ((err = need_section(c, "distinguished_name", dn, why, why_cap)) != GLASS_OK)
        return err;
    if (out->prompt == 0 && dn == NULL)
        return ca_why(why, why_cap, "%s: prompt = no needs distinguished_name = SECTION in [req]",
                    conf_name(c));
    if (out->prompt == 0)
        return dn_subject(c, dn, out->subject, sizeof out->subject, why, why_cap);
    return GLASS_OK;
}
