/*
 * rsp.h — the one parser for NIST CAVP request and response files (.req,
 * .rsp, .fax), by the files' grammar and nothing else.
 *
 * The grammar (lines end in LF or CRLF; blanks around names and values do
 * not count):
 *
 *     file     = { comment | section | record | blank }
 *     comment  = "#" text                  the leading ones form the header;
 *                                          a "# ..." after a value is dropped
 *     section  = "[" entry { "][" entry } "]"  { section }
 *     entry    = name "=" value | word     [mod = 2048], [ENCRYPT]
 *     record   = field { field }           consecutive lines, ended by a
 *     field    = name "=" value | word     blank line or a section
 *
 * Consecutive section lines form one section group.  A new group keeps the
 * "name = value" entries of the one before that it does not set again
 * (CAVP writes [mod = 2048] once, then [SHAAlg = SHA256] for each hash),
 * while bare words ([ENCRYPT], [FA - SHA1]) hold only in their own group.
 *
 * nist_rsp_load() reads a whole file into records; each record points at the
 * section group in force where it starts.  Look-ups ignore case, since
 * NIST writes both "COUNT" and "Count".  Fields in a record may come in any
 * order; what a record inherits from earlier records is the runner's
 * business (nist.h, nist_param).
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
    const struct rsp_section *parent;   /* the group before, or NULL */
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
    rsp_field *comments;            /* every comment line: name = its text */
    size_t ncomments;
    char *raw_;                     /* the file's text; fields point into it */
    rsp_field *fields_;             /* every field, in file order */
} rsp_file;

/* Loads and parses PATH.  On failure returns -1 and writes a message naming
 * the file (and line, where there is one) into err. */
int nist_rsp_load(const char *path, rsp_file *out, char *err, size_t err_len);
void nist_rsp_free(rsp_file *f);

/* The value of field NAME in the record, or NULL if absent. */
const char *nist_rsp_get(const rsp_record *r, const char *name);
/* The line of field NAME in the record, or the record's line if absent. */
size_t nist_rsp_line(const rsp_record *r, const char *name);
/* The value of [NAME = value] (or "" for a bare [NAME]) in the record's
 * section group or, for NAME = value, inherited from an earlier group;
 * NULL if absent. */
const char *nist_rsp_section_get(const rsp_record *r, const char *name);

/* The text after "KEY:" (or "KEY =") in the last comment line before line
 * `before` that contains it (case-insensitive), e.g.
 * nist_rsp_comment_get(f, line, "Salt len") on "# Salt len: 20" gives "20";
 * NULL if no comment has it. */
const char *nist_rsp_comment_get(const rsp_file *f, size_t before, const char *key);

#endif
