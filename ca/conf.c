/*
 * conf.c — OpenSSL's configuration file format (the openssl config(5)
 * manual), read far enough for a course's openssl.cnf and for the
 * extension files of `x509 -extfile`:
 *
 *     # a comment runs to the end of the line     ; a comment line
 *     HOME = .                                    the opening part: [default]
 *     [ req ]                                     a section
 *     prompt             = no
 *     distinguished_name = dn
 *     [ dn ]
 *     CN           = $ENV::USER.example         $var, ${var}, $(var),
 *     emailAddress = ${default::HOME}             $section::var, ${section::var}
 *     O            = "Course #2026"               quotes keep # and spaces
 *     OU           = one \                        a backslash at the end of a
 *                    line                         line continues it
 *
 * A value is expanded as it is read, so a $var sees only what the file has
 * defined above it: first in the same section, then in the opening part
 * (OpenSSL's rule); ENV:: reads the environment.  A name looked up in a
 * section that lacks it is also looked up in the opening part (conf_get).
 *
 * Read in this order: read_line (one logical line, comments gone),
 * expand (a value's quotes, escapes and variables), conf_parse (the
 * lines), then the small lookups at the end.
 *
 * What differs from OpenSSL, on purpose: a line whose first character is
 * ';' is a comment (OpenSSL's default reader says "missing equal sign";
 * ';' comments come from the Windows .ini habit many course files follow);
 * ".include" and ".pragma" are noted and not followed; an error names the
 * file and the line, then what was wrong, in one line.
 *
 * CT: — nothing secret; only text is parsed (a configuration holds no
 * passwords that glass reads: input_password/output_password are ignored).
 */
#include "ca/ca.h"
#include "ca/ca_internal.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CONF_FILE_MAX   (1u << 20)      /* the largest file read */
#define CONF_VALUE_MAX  65536           /* OpenSSL's MAX_CONF_VALUE_LENGTH */
/* All values together, once expanded: "b = $a$a$a..." on every line of a
 * 1 MiB file would otherwise ask for gigabytes (a "billion laughs"). */
#define CONF_TOTAL_MAX  (16u << 20)
/* Bounds that keep every lookup cheap (a course's file has tens of each):
 * each $var is a walk over the entries defined so far. */
#define CONF_ENTRIES_MAX 10000
#define CONF_REFS_MAX    10000

struct conf_entry {
    char *section, *key, *value;
    size_t line;
};

struct conf_file {
    char *name;                 /* for messages: the path */
    struct conf_entry *e;
    size_t n, cap;
    char **sections;            /* every [ name ] seen, even an empty one */
    size_t n_sections;
    char notes[512];            /* "file:7: .include is not followed" */
    size_t total;               /* bytes of all values, against CONF_TOTAL_MAX */
    size_t refs;                /* $var references, against CONF_REFS_MAX */
};

/* See ca_internal.h. */
glass_err ca_why(char *why, size_t cap, const char *fmt, ...)
{
    if (why != NULL && cap > 0) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(why, cap, fmt, ap);
        va_end(ap);
    }
    return GLASS_ERR_ARG;
}

static char *dup_text(const char *p, size_t n)
{
    char *s = malloc(n + 1);
    if (s != NULL) {
        memcpy(s, p, n);
        s[n] = '\0';
    }
    return s;
}

static int is_name_char(int ch)
{
    return isalnum(ch) || ch == '_' || ch == '.' || ch == '-';
}

/* ---- one logical line ----------------------------------------------------- */

/* Copies the next logical line of text[*at..len) into *out (malloc'd):
 * physical lines joined where one ends in a backslash, the comment cut off
 * (a '#' outside quotes and not escaped).  *lines counts the physical lines
 * consumed.  Returns 0 at the end of the text, 1 for a line, -1 when out of
 * memory, -2 for a line longer than CONF_VALUE_MAX. */
static int read_line(const char *text, size_t len, size_t *at, size_t *lines, char **out)
{
    size_t cap = 128, n = 0;
    char quote = 0;
    int comment = 0;
    if (*at >= len)
        return 0;
    char *s = malloc(cap);
    if (s == NULL)
        return -1;
    while (*at < len) {
        char ch = text[(*at)++];
        if (ch == '\r')
            continue;
        if (ch == '\n') {
            (*lines)++;
            if (!comment && n > 0 && s[n - 1] == '\\' && (n < 2 || s[n - 2] != '\\')) {
                n--;            /* the line goes on */
                continue;
            }
            break;
        }
        if (*at >= len && ch != '\n')
            (*lines)++;         /* the last line, without its newline */
        if (comment)
            continue;
        if (quote == 0 && ch == '#' && (n == 0 || s[n - 1] != '\\')) {
            comment = 1;
            continue;
        }
        if ((ch == '"' || ch == '\'') && (n == 0 || s[n - 1] != '\\'))
            quote = quote == 0 ? ch : (quote == ch ? 0 : quote);
        if (n + 2 > cap) {
            if (n + 2 > CONF_VALUE_MAX) {
                free(s);
                return -2;
            }
            char *grown = realloc(s, cap * 2);
            if (grown == NULL) {
                free(s);
                return -1;
            }
            s = grown;
            cap *= 2;
        }
        s[n++] = ch;
    }
    s[n] = '\0';
    *out = s;
    return 1;
}

/* See ca_internal.h. */
char *ca_trim(char *p)
{
    while (isspace((unsigned char)*p))
        p++;
    size_t n = strlen(p);
    while (n > 0 && isspace((unsigned char)p[n - 1]))
        p[--n] = '\0';
    return p;
}

/* ---- values: quotes, escapes, variables ------------------------------------ */

/* The value of name in section, as defined so far (the last definition). */
static const char *lookup(const conf_file *c, const char *section, const char *name)
{
    for (size_t i = c->n; i-- > 0;)
        if (strcmp(c->e[i].section, section) == 0 && strcmp(c->e[i].key, name) == 0)
            return c->e[i].value;
    return NULL;
}

/* Appends n bytes to the growing value; -1 past CONF_VALUE_MAX. */
static int put(char *out, size_t *o, const char *p, size_t n)
{
    if (*o + n >= CONF_VALUE_MAX)
        return -1;
    memcpy(out + *o, p, n);
    *o += n;
    return 0;
}

/* One $reference at v[*i] (v[*i] == '$'): its value appended to out. */
static glass_err expand_var(conf_file *c, const char *section, const char *v, size_t *i,
                            char *out, size_t *o, const char *where, char *why, size_t cap)
{
    char sec[128] = "", name[128];
    size_t p = *i + 1;
    if (++c->refs > CONF_REFS_MAX)
        return ca_why(why, cap, "%s: more than %d $variables in one file", where, CONF_REFS_MAX);
    char close = v[p] == '{' ? '}' : v[p] == '(' ? ')' : 0;
    if (close)
        p++;
    size_t start = p;
    while (isalnum((unsigned char)v[p]) || v[p] == '_')
        p++;
    if (v[p] == ':' && v[p + 1] == ':') {
        if (p - start >= sizeof sec)
            return ca_why(why, cap, "%s: section name too long in '$'", where);
        memcpy(sec, v + start, p - start);
        sec[p - start] = '\0';
        p += 2;
        start = p;
        while (isalnum((unsigned char)v[p]) || v[p] == '_')
            p++;
    }
    if (p == start || p - start >= sizeof name || (close && v[p] != close))
        return ca_why(why, cap, "%s: a variable is $name, ${name} or ${section::name} "
                    "(write \\$ for a dollar sign)", where);
    memcpy(name, v + start, p - start);
    name[p - start] = '\0';
    *i = close ? p + 1 : p;
    const char *value;
    if (strcmp(sec, "ENV") == 0)
        value = getenv(name);
    else if (sec[0] != '\0')
        value = lookup(c, sec, name);
    else if ((value = lookup(c, section, name)) == NULL)
        value = lookup(c, "default", name);
    if (value == NULL && strcmp(sec, "ENV") == 0)
        return ca_why(why, cap, "%s: $ENV::%s: no such environment variable", where, name);
    if (value == NULL)
        return ca_why(why, cap, "%s: variable %s%s%s has no value (it must be defined above "
                    "the line that uses it)", where, sec, sec[0] ? "::" : "", name);
    if (put(out, o, value, strlen(value)) != 0)
        return ca_why(why, cap, "%s: the value grows past %d bytes", where, CONF_VALUE_MAX);
    return GLASS_OK;
}

/* The value as written -> its meaning: quotes removed (their contents
 * taken as they are), \n \r \t \b and \X escapes, variables expanded. */
static glass_err expand(conf_file *c, const char *section, const char *v, char **out,
                        const char *where, char *why, size_t cap)
{
    char *s = malloc(CONF_VALUE_MAX);
    size_t o = 0;
    glass_err err = GLASS_OK;
    if (s == NULL)
        return GLASS_ERR_NOMEM;
    for (size_t i = 0; v[i] != '\0' && err == GLASS_OK;) {
        char ch = v[i];
        if (ch == '"' || ch == '\'') {
            /* As OpenSSL: a quote never closed runs to the end of the line. */
            const char *end = strchr(v + i + 1, ch);
            if (end == NULL)
                end = v + strlen(v);
            size_t stop = (size_t)(end - v);
            if (put(s, &o, v + i + 1, stop - (i + 1)) != 0)
                err = ca_why(why, cap, "%s: value too long", where);
            i = stop + (*end != '\0');
        } else if (ch == '\\' && v[i + 1] != '\0') {
            char e = v[i + 1];
            char lit = e == 'n' ? '\n' : e == 'r' ? '\r' : e == 't' ? '\t' : e == 'b' ? '\b' : e;
            if (put(s, &o, &lit, 1) != 0)
                err = ca_why(why, cap, "%s: value too long", where);
            i += 2;
        } else if (ch == '$') {
            err = expand_var(c, section, v, &i, s, &o, where, why, cap);
        } else {
            if (put(s, &o, &ch, 1) != 0)
                err = ca_why(why, cap, "%s: value too long", where);
            i++;
        }
    }
    if (err != GLASS_OK) {
        free(s);
        return err;
    }
    s[o] = '\0';
    char *fit = realloc(s, o + 1);      /* keep only what the value needs */
    *out = fit != NULL ? fit : s;
    return GLASS_OK;
}

/* ---- the file --------------------------------------------------------------- */

static void note(conf_file *c, const char *fmt, const char *where)
{
    size_t have = strlen(c->notes);
    if (have + 1 < sizeof c->notes)
        snprintf(c->notes + have, sizeof c->notes - have, fmt, have ? "\n" : "", where);
}

static glass_err add_section(conf_file *c, const char *name)
{
    for (size_t i = 0; i < c->n_sections; i++)
        if (strcmp(c->sections[i], name) == 0)
            return GLASS_OK;
    char **grown = realloc(c->sections, (c->n_sections + 1) * sizeof *grown);
    if (grown == NULL)
        return GLASS_ERR_NOMEM;
    c->sections = grown;
    if ((c->sections[c->n_sections] = dup_text(name, strlen(name))) == NULL)
        return GLASS_ERR_NOMEM;
    c->n_sections++;
    return GLASS_OK;
}

/* "name = value" in section: checked, expanded, kept. */
static glass_err add_entry(conf_file *c, const char *section, char *t, size_t number,
                           const char *where, char *why, size_t cap)
{
    char *eq = strchr(t, '=');
    if (eq == NULL)
        return ca_why(why, cap, "%s: '%.60s' is not 'name = value', '[ section ]' or a comment",
                    where, t);
    *eq = '\0';
    char *key = ca_trim(t), *raw = ca_trim(eq + 1);
    if (key[0] == '\0')
        return ca_why(why, cap, "%s: nothing before the '='", where);
    for (const char *p = key; *p != '\0'; p++)
        if (!is_name_char((unsigned char)*p))
            return ca_why(why, cap, "%s: '%.60s' is not a name (letters, digits, _ . -)", where,
                        key);
    if (c->n == CONF_ENTRIES_MAX)
        return ca_why(why, cap, "%s: more than %d lines of name = value", where, CONF_ENTRIES_MAX);
    if (c->n == c->cap) {
        size_t want = c->cap ? c->cap * 2 : 32;
        struct conf_entry *grown = realloc(c->e, want * sizeof *grown);
        if (grown == NULL)
            return GLASS_ERR_NOMEM;
        c->e = grown;
        c->cap = want;
    }
    struct conf_entry *e = &c->e[c->n];
    glass_err err = expand(c, section, raw, &e->value, where, why, cap);
    if (err != GLASS_OK)
        return err;
    c->total += strlen(e->value) + 1;
    if (c->total > CONF_TOTAL_MAX) {
        free(e->value);
        return ca_why(why, cap, "%s: the values, once expanded, grow past %u MiB", where,
                    CONF_TOTAL_MAX >> 20);
    }
    e->section = dup_text(section, strlen(section));
    e->key = dup_text(key, strlen(key));
    e->line = number;
    if (e->section == NULL || e->key == NULL) {
        free(e->section);
        free(e->key);
        free(e->value);
        return GLASS_ERR_NOMEM;
    }
    c->n++;
    return GLASS_OK;
}

/* One logical line, comments already gone. */
static glass_err parse_line(conf_file *c, char *section, size_t section_cap, char *t,
                            size_t number, char *why, size_t cap)
{
    char where[300];
    snprintf(where, sizeof where, "%s:%zu", c->name, number);
    if (t[0] == '\0' || t[0] == ';')
        return GLASS_OK;
    if (t[0] == '[') {
        size_t n = strlen(t);
        if (t[n - 1] != ']')
            return ca_why(why, cap, "%s: a section header is '[ name ]' (no closing ']')", where);
        t[n - 1] = '\0';
        char *name = ca_trim(t + 1);
        if (name[0] == '\0' || strlen(name) >= section_cap)
            return ca_why(why, cap, "%s: empty or overlong section name", where);
        for (const char *p = name; *p != '\0'; p++)
            if (!is_name_char((unsigned char)*p))
                return ca_why(why, cap, "%s: '%.60s' is not a section name (letters, digits, "
                            "_ . -)", where, name);
        strcpy(section, name);
        return add_section(c, section);
    }
    if (t[0] == '.' && isalpha((unsigned char)t[1])) {
        /* .include FILE, .pragma ...: OpenSSL's directives. */
        note(c, "%s%s: a directive (.include, .pragma) is not followed; glass reads one file",
             where);
        return GLASS_OK;
    }
    return add_entry(c, section, t, number, where, why, cap);
}

/* See ca.h. */
glass_err conf_parse(const char *name, const char *text, size_t len, conf_file **out,
                     char *why, size_t cap)
{
    char section[128] = "default";
    size_t at = 0, lines = 0;
    glass_err err = GLASS_OK;
    if (name == NULL || text == NULL || out == NULL)
        return GLASS_ERR_ARG;
    conf_file *c = calloc(1, sizeof *c);
    if (c == NULL || (c->name = dup_text(name, strlen(name))) == NULL ||
        add_section(c, section) != GLASS_OK) {
        conf_free(c);
        return GLASS_ERR_NOMEM;
    }
    if (memchr(text, '\0', len) != NULL)
        err = ca_why(why, cap, "%s: not a text file (it holds a NUL byte)", name);
    while (err == GLASS_OK) {
        char *line = NULL;
        size_t first = lines + 1;
        int r = read_line(text, len, &at, &lines, &line);
        if (r == 0)
            break;
        if (r < 0) {
            err = r == -2 ? ca_why(why, cap, "%s:%zu: line too long (at most %d bytes)", name,
                                 first, CONF_VALUE_MAX)
                          : GLASS_ERR_NOMEM;
            break;
        }
        err = parse_line(c, section, sizeof section, ca_trim(line), first, why, cap);
        free(line);
    }
    if (err != GLASS_OK) {
        conf_free(c);
        return err;
    }
    *out = c;
    return GLASS_OK;
}

/* See ca.h. */
glass_err conf_load(const char *path, conf_file **out, char *why, size_t cap)
{
    uint8_t *data = NULL;
    size_t len = 0;
    if (path == NULL || out == NULL)
        return GLASS_ERR_ARG;
    glass_err err = glass_read_file(path, CONF_FILE_MAX, &data, &len);
    if (err != GLASS_OK)
        return err;
    err = conf_parse(path, (const char *)data, len, out, why, cap);
    free(data);
    return err;
}

/* See ca.h. */
void conf_free(conf_file *c)
{
    if (c == NULL)
        return;
    for (size_t i = 0; i < c->n; i++) {
        free(c->e[i].section);
        free(c->e[i].key);
        free(c->e[i].value);
    }
    for (size_t i = 0; i < c->n_sections; i++)
        free(c->sections[i]);
    free(c->sections);
    free(c->e);
    free(c->name);
    free(c);
}

/* See ca.h. */
const char *conf_get(const conf_file *c, const char *section, const char *name)
{
    const char *v = lookup(c, section != NULL ? section : "default", name);
    return v != NULL ? v : lookup(c, "default", name);
}

/* See ca.h. */
int conf_has_section(const conf_file *c, const char *section)
{
    for (size_t i = 0; i < c->n_sections; i++)
        if (strcmp(c->sections[i], section) == 0)
            return 1;
    return 0;
}

/* See ca.h. */
size_t conf_count(const conf_file *c, const char *section)
{
    size_t k = 0;
    for (size_t i = 0; i < c->n; i++)
        k += strcmp(c->e[i].section, section) == 0;
    return k;
}

/* See ca.h. */
int conf_next(const conf_file *c, const char *section, size_t *pos, const char **name,
              const char **value, size_t *line)
{
    for (size_t i = *pos; i < c->n; i++) {
        if (strcmp(c->e[i].section, section) != 0)
            continue;
        *name = c->e[i].key;
        *value = c->e[i].value;
        if (line != NULL)
            *line = c->e[i].line;
        *pos = i + 1;
        return 1;
    }
    *pos = c->n;
    return 0;
}

/* See ca.h. */
const char *conf_name(const conf_file *c)
{
    return c->name;
}

/* See ca.h. */
const char *conf_notes(const conf_file *c)
{
    return c->notes;
}
