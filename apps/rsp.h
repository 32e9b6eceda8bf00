/*
 * rsp.h — the one parser for NIST CAVP response files (.rsp, .fax).
 *
 * A CAVP file is a list of lines:
 *
 *     # comment                     (the first ones form the file's header)
 *     [Keylen = 256]                section lines: consecutive [..] lines form
 *     [ENCRYPT]                     one section, replacing the previous one
 *
 *     COUNT = 0                     a record: consecutive "name = value" lines
 *     KEY = 00ff...                 (a bare word such as FAIL is a field with
 *     FAIL                          an empty value)
 *
 * rsp_load() reads a whole file into records; each record points at the
 * section that was in force where it starts.  Look-ups ignore case, since
 * NIST writes both "COUNT" and "Count".
 */
#ifndef GLASS_RSP_H
#define GLASS_RSP_H

#include <stddef.h>

typedef struct rsp_field {
    char *name;
    char *value;            /* never NULL; "" when the line had no value */
    size_t line;            /* 1-based line number in the file */
} rsp_field;

typedef struct rsp_section {
    rsp_field *fields;
    size_t nfields;
} rsp_section;

typedef struct rsp_record {
    rsp_field *fields;
    size_t nfields;
    size_t line;                    /* line of the record's first field */
    const rsp_section *section;     /* the [..] lines in force */
} rsp_record;

typedef struct rsp_file {
    char *path;
    char *header;                   /* the leading comment lines, joined */
    rsp_record *records;
    size_t nrecords;
    rsp_section *sections;
    size_t nsections;
    char *raw_;                     /* the file's text; fields point into it */
    rsp_field *fields_;             /* every field, in file order */
} rsp_file;

/* Loads and parses PATH.  On failure returns -1 and writes a message naming
 * the file (and line, where there is one) into err. */
int rsp_load(const char *path, rsp_file *out, char *err, size_t err_len);
void rsp_free(rsp_file *f);

/* The value of field NAME in the record, or NULL if absent. */
const char *rsp_get(const rsp_record *r, const char *name);
/* The line of field NAME in the record, or the record's line if absent. */
size_t rsp_line(const rsp_record *r, const char *name);
/* The value of [NAME = value] (or "" for a bare [NAME]) in the record's
 * section, or NULL if absent. */
const char *rsp_section_get(const rsp_record *r, const char *name);

#endif
