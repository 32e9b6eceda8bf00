/*
 * outcome.c — what a kind calls while it runs a record (nist.h): count a
 * case as passed, failed or skipped, say why a file is malformed, and read
 * a field as CAVP means it (from the record, an earlier record of its
 * section, or the section).
 *
 * Read nist_param first: it is the one place where CAVP's "written once,
 * used by many cases" rule lives.  The table it reads (r->sticky) is filled
 * by the runner after each record (runner.c, remember_fields).
 *
 * CT: not applicable (public test data).
 */
#include "nist/nist.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* See nist.h. */
const char *nist_count(const rsp_record *rec)
{
    const char *c = nist_rsp_get(rec, "COUNT");
    return c != NULL ? c : "?";
}

/* Names a case: its COUNT, else its first field (the SHAVS message files
 * number nothing: "Len = 8"). */
static void print_case(const nist_run *r, const rsp_record *rec, const char *what)
{
    if (nist_rsp_get(rec, "COUNT") != NULL)
        printf("%s %s COUNT=%s (line %zu)", what, r->path, nist_count(rec), rec->line);
    else if (rec->nfields > 0)
        printf("%s %s %s=%.40s (line %zu)", what, r->path, rec->fields[0].name,
               rec->fields[0].value, rec->line);
    else
        printf("%s %s (line %zu)", what, r->path, rec->line);
}

/* See nist.h. */
void nist_pass(nist_run *r, const rsp_record *rec)
{
    r->passed++;
    if (!r->mutant && r->opt != NULL && r->opt->verbose) {
        print_case(r, rec, "ok  ");
        putchar('\n');
    }
}

/* See nist.h. */
void nist_fail(nist_run *r, const rsp_record *rec, const char *field, const char *expected,
               const char *actual)
{
    r->failed++;
    if (r->mutant)
        return;
    print_case(r, rec, "FAIL");
    printf(": %s\n  expected %s\n  got      %s\n", field, expected, actual);
}

static char *hex_of(const uint8_t *b, size_t n)
{
    char *s = malloc(2 * n + 1);
    if (s != NULL)
        glass_hex_encode(s, 2 * n + 1, b, n);
    return s;
}

/* See nist.h. */
void nist_fail_bytes(nist_run *r, const rsp_record *rec, const char *field,
                     const uint8_t *expected, size_t expected_len, const uint8_t *actual,
                     size_t actual_len)
{
    if (r->mutant) {
        r->failed++;
        return;
    }
    char *e = hex_of(expected, expected_len);
    char *a = hex_of(actual, actual_len);
    nist_fail(r, rec, field, e != NULL ? e : "?", a != NULL ? a : "?");
    free(e);
    free(a);
}

/* See nist.h. */
int nist_check_bytes(nist_run *r, const rsp_record *rec, const char *field,
                     const uint8_t *expected, size_t expected_len, const uint8_t *actual,
                     size_t actual_len)
{
    if (expected_len == actual_len &&
        (expected_len == 0 || memcmp(expected, actual, expected_len) == 0)) {
        nist_pass(r, rec);
        return 1;
    }
    nist_fail_bytes(r, rec, field, expected, expected_len, actual, actual_len);
    return 0;
}

/* See nist.h. */
void nist_skip(nist_run *r, const rsp_record *rec, const char *reason)
{
    r->skipped++;
    if (r->mutant)
        return;
    if (r->opt != NULL && r->opt->verbose) {
        print_case(r, rec, "skip");
        printf(": %s\n", reason);
    }
    for (size_t i = 0; i < 8; i++) {
        if (r->skip_reason[i] == NULL) {
            r->skip_reason[i] = reason;
            r->skip_count[i] = 1;
            return;
        }
        if (strcmp(r->skip_reason[i], reason) == 0) {
            r->skip_count[i]++;
            return;
        }
    }
}

/* See nist.h. */
void nist_malformed(nist_run *r, size_t line, const char *fmt, ...)
{
    va_list ap;
    r->malformed = 1;
    if (r->mutant)
        return;
    fprintf(stderr, "glass vectors: %s:%zu: malformed: ", r->path, line);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

/* ---- reading fields ------------------------------------------------------ */

static const rsp_field *param_field(const nist_run *r, const rsp_record *rec, const char *name)
{
    for (size_t i = 0; i < rec->nfields; i++)
        if (strcasecmp(rec->fields[i].name, name) == 0)
            return &rec->fields[i];
    if (r->sticky_section == rec->section)
        for (size_t i = r->nsticky; i-- > 0;)
            if (strcasecmp(r->sticky[i].name, name) == 0)
                return &r->sticky[i];
    return NULL;
}

/* See nist.h. */
const char *nist_param(const nist_run *r, const rsp_record *rec, const char *name)
{
    const rsp_field *f = param_field(r, rec, name);
    return f != NULL ? f->value : nist_rsp_section_get(rec, name);
}

/* See nist.h. */
size_t nist_param_line(const nist_run *r, const rsp_record *rec, const char *name)
{
    const rsp_field *f = param_field(r, rec, name);
    return f != NULL ? f->line : rec->line;
}

/* See nist.h. */
int nist_hex(nist_run *r, const rsp_record *rec, const char *name, int inherit, uint8_t **out,
             size_t *len)
{
    const char *v = inherit ? nist_param(r, rec, name) : nist_rsp_get(rec, name);
    if (v == NULL) {
        nist_malformed(r, rec->line, "record COUNT=%s has no field %s", nist_count(rec), name);
        return -1;
    }
    glass_err err = glass_hex_decode_alloc(out, len, v);
    if (err != GLASS_OK) {
        nist_malformed(r, inherit ? nist_param_line(r, rec, name) : nist_rsp_line(rec, name),
                       "field %s: %s", name, glass_strerror(err));
        return -1;
    }
    return 0;
}

/* See nist.h. */
int nist_num(nist_run *r, const rsp_record *rec, const char *name, unsigned long min,
             unsigned long max, unsigned long *out)
{
    const char *v = nist_param(r, rec, name);
    char *end = NULL;
    if (v == NULL || v[0] < '0' || v[0] > '9' || (*out = strtoul(v, &end, 10), *end != '\0') ||
        *out < min || *out > max) {
        nist_malformed(r, nist_param_line(r, rec, name),
                       "%s missing or not a number from %lu to %lu", name, min, max);
        return -1;
    }
    return 0;
}
