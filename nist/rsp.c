/*
 * rsp.c — the NIST CAVP file parser (see rsp.h for the grammar).
 *
 * Read in this order: nist_rsp_load (two passes: count the lines, then classify
 * each one as blank, comment, section or field), then the look-ups.  The
 * file's text is read once and cut in place: every name and value points
 * into it, and every array is sized from the line count before the second
 * pass, so nothing moves while pointers into it are handed out.
 *
 * CT: not applicable (public test data).
 */
#define _POSIX_C_SOURCE 200809L
#include "rsp.h"

#include "common/common.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define RSP_MAX_FILE (64u * 1024 * 1024)

static char *trim(char *s)
{
    while (*s != '\0' && isspace((unsigned char)*s))
        s++;
    char *end = s + strlen(s);
    while (end > s && isspace((unsigned char)end[-1]))
        end--;
    *end = '\0';
    return s;
}

/* Drops a trailing comment: " # ..." after a value. */
static void drop_comment(char *text)
{
    for (char *h = strchr(text, '#'); h != NULL; h = strchr(h + 1, '#'))
        if (h > text && isspace((unsigned char)h[-1])) {
            *h = '\0';
            return;
        }
}

/* Splits "name = value" (or a bare "name") into a field. */
static void split_field(char *text, rsp_field *f, size_t line)
{
    drop_comment(text);
    char *eq = strchr(text, '=');
    if (eq != NULL) {
        *eq = '\0';
        f->name = trim(text);
        f->value = trim(eq + 1);
    } else {
        f->name = trim(text);
        f->value = text + strlen(text); /* "" */
    }
    f->line = line;
}

/* A section line: its entries join the open section group, or start a new
 * one after a record or a blank line.  Returns NULL, or what is wrong. */
static const char *section_line(rsp_file *out, rsp_field *fields, size_t *nf, int *in_section,
                                char *line, size_t line_no)
{
    if (!*in_section) {
        rsp_section *sec = &out->sections[out->nsections];
        sec->fields = &fields[*nf];
        sec->nfields = 0;
        sec->parent = out->nsections == 0 ? NULL : &out->sections[out->nsections - 1];
        out->nsections++;
        *in_section = 1;
    }
    /* One or more entries: "[a = 1]", "[a = 1][b]". */
    char *entry = line;
    while (*entry == '[') {
        char *close = strchr(entry, ']');
        if (close == NULL)
            return "section line without ']'";
        *close = '\0';
        split_field(entry + 1, &fields[(*nf)++], line_no);
        out->sections[out->nsections - 1].nfields++;
        entry = trim(close + 1);
    }
    if (*entry != '\0' && *entry != '#')
        return "text after a section's ']'";
    return NULL;
}

/* See rsp.h. */
int nist_rsp_load(const char *path, rsp_file *out, char *err, size_t err_len)
{
    memset(out, 0, sizeof *out);
    uint8_t *data = NULL;
    size_t len = 0;
    glass_err ge = glass_read_file(path, RSP_MAX_FILE, &data, &len);
    if (ge != GLASS_OK) {
        snprintf(err, err_len, "%s: %s", path, glass_strerror(ge));
        return -1;
    }
    if (memchr(data, '\0', len) != NULL) {
        snprintf(err, err_len, "%s: not a text file (NUL byte)", path);
        free(data);
        return -1;
    }
    out->path = strdup(path);

    /* Pass 1: count lines to size the arrays generously. */
    size_t nlines = 1, nbrackets = 0;
    for (size_t i = 0; i < len; i++) {
        if (data[i] == '\n')
            nlines++;
        if (data[i] == '[')
            nbrackets++;
    }

    /* Every record and section holds at least one line, so nlines entries
     * of each is enough and no array ever moves: pointers into them stay
     * valid.  A section line may hold several [..] entries: one field
     * each, so the fields array also counts every '['. */
    rsp_field *fields = calloc(nlines + nbrackets, sizeof *fields);
    out->comments = calloc(nlines, sizeof *out->comments);
    out->sections = calloc(nlines, sizeof *out->sections);
    out->records = calloc(nlines, sizeof *out->records);
    /* The header holds each leading comment line plus a '\n': at most len
     * bytes, one more if the file ends without a newline, and the NUL. */
    char *header = calloc(1, len + 2);
    size_t header_len = 0;
    if (fields == NULL || header == NULL || out->path == NULL || out->sections == NULL ||
        out->records == NULL || out->comments == NULL)
        goto nomem;

    /* Pass 2: classify each line.  Fields are stored in file order in one
     * array; sections and records are runs of it. */
    size_t nf = 0;
    int in_record = 0, in_section = 0, seen_data = 0;
    size_t line_no = 0;
    char *p = (char *)data;
    char *end = p + len;
    while (p < end) {
        char *nl = memchr(p, '\n', (size_t)(end - p));
        if (nl == NULL)
            nl = end;
        *nl = '\0';
        line_no++;
        char *line = trim(p);
        p = nl + 1;
        if (line[0] == '\0') {
            in_record = 0;
            in_section = 0;
            continue;
        }
        if (line[0] == '#') {
            rsp_field *c = &out->comments[out->ncomments++];
            c->name = trim(line + 1);
            c->value = c->name + strlen(c->name);
            c->line = line_no;
            if (!seen_data) {
                size_t l = strlen(line);
                memmove(header + header_len, line, l);
                header_len += l;
                header[header_len++] = '\n';
            }
            continue;
        }
        seen_data = 1;
        if (line[0] == '[') {
            in_record = 0;
            const char *why = section_line(out, fields, &nf, &in_section, line, line_no);
            if (why != NULL) {
                snprintf(err, err_len, "%s:%zu: %s", path, line_no, why);
                goto fail;
            }
            continue;
        }
        in_section = 0;
        if (!in_record) {
            rsp_record *r = &out->records[out->nrecords++];
            r->fields = &fields[nf];
            r->nfields = 0;
            r->line = line_no;
            r->section = out->nsections == 0 ? NULL : &out->sections[out->nsections - 1];
            in_record = 1;
        }
        split_field(line, &fields[nf++], line_no);
        out->records[out->nrecords - 1].nfields++;
    }
    header[header_len] = '\0';
    out->header = header;
    out->raw_ = (char *)data;
    out->fields_ = fields;
    return 0;
nomem:
    snprintf(err, err_len, "%s: out of memory", path);
fail:
    free(fields);
    free(header);
    free(out->comments);
    free(out->records);
    free(out->sections);
    free(out->path);
    free(data);
    memset(out, 0, sizeof *out);
    return -1;
}

/* See rsp.h. */
void nist_rsp_free(rsp_file *f)
{
    if (f == NULL || f->path == NULL)
        return;
    free(f->fields_);
    free(f->comments);
    free(f->raw_);
    free(f->sections);
    free(f->records);
    free(f->header);
    free(f->path);
    memset(f, 0, sizeof *f);
}

/* See rsp.h. */
const char *nist_rsp_get(const rsp_record *r, const char *name)
{
    for (size_t i = 0; i < r->nfields; i++)
        if (strcasecmp(r->fields[i].name, name) == 0)
            return r->fields[i].value;
    return NULL;
}

/* See rsp.h. */
size_t nist_rsp_line(const rsp_record *r, const char *name)
{
    for (size_t i = 0; i < r->nfields; i++)
        if (strcasecmp(r->fields[i].name, name) == 0)
            return r->fields[i].line;
    return r->line;
}

/* See rsp.h.  A value is inherited from at most RSP_INHERIT_DEPTH groups
 * back, so a hostile file of a million groups costs no more than that per
 * look-up. */
#define RSP_INHERIT_DEPTH 1000
const char *nist_rsp_section_get(const rsp_record *r, const char *name)
{
    const rsp_section *s = r->section;
    for (int depth = 0; s != NULL && depth < RSP_INHERIT_DEPTH; depth++, s = s->parent) {
        for (size_t i = 0; i < s->nfields; i++) {
            const rsp_field *f = &s->fields[i];
            if (strcasecmp(f->name, name) != 0)
                continue;
            /* A bare [WORD] holds in its own group only. */
            if (depth > 0 && f->value[0] == '\0')
                return NULL;
            return f->value;
        }
        /* Bare words are not inherited; a group that is all bare words
         * (e.g. [DECRYPT]) still passes on older "name = value" entries. */
    }
    return NULL;
}

/* See rsp.h. */
const char *nist_rsp_comment_get(const rsp_file *f, size_t before, const char *key)
{
    size_t klen = strlen(key);
    for (size_t i = f->ncomments; i-- > 0;) {
        const rsp_field *c = &f->comments[i];
        if (c->line >= before)
            continue;
        for (const char *p = c->name; *p != '\0'; p++) {
            if (strncasecmp(p, key, klen) != 0)
                continue;
            const char *v = p + klen;
            while (*v == ' ' || *v == '\t')
                v++;
            if (*v != ':' && *v != '=')
                continue;           /* "salt length is ..." is prose, not a value */
            v++;
            while (*v == ' ' || *v == '\t')
                v++;
            return v;
        }
    }
    return NULL;
}
