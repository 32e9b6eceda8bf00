/*
 * nist.h — the NIST runner: reads NIST CAVP test-vector files as NIST
 * publishes them and runs every case through glasstls.  Read this first.
 *
 * SYNOPSIS
 *     nist_options o = {0};   o.verbose = 1;
 *     nist_totals t;  nist_totals_init(&t);
 *     nist_run_path("vectors/rsa/SigVer15_186-3.rsp", &o, &t);
 *     printf("vectors: %lu passed, %lu failed, %lu skipped\n", ...);
 *
 * DESCRIPTION
 *     A CAVP response file (.rsp, .fax) is text by a small grammar (rsp.h):
 *     comment lines, bracketed section lines ([mod = 2048], [ENCRYPT]) and
 *     records of "name = value" lines.  The runner reads it in four steps:
 *
 *       1. rsp.c parses the grammar, with no idea of what the file tests;
 *       2. kinds.c asks each kind of file, in turn, whether it recognises
 *          the file — by its header comments and its field names, never by
 *          its file name, so a file a teacher renamed still runs;
 *       3. runner.c walks the records in order and hands each to the kind,
 *          which counts each case it holds exactly once: passed, failed, or
 *          skipped with a reason shown on the file's line;
 *       4. runner.c checks that count against the number of cases the file
 *          holds (a kind's `expected` names the field each case is judged
 *          by), so a case that a kind forgot is an error, never a silent
 *          pass.
 *
 *     Implementations.  Where a primitive has several implementations (the
 *     AES table of aes/aes.h: ref, table, ct, ct-gf, hw; the GHASH table),
 *     every AES and GCM case runs through each of them, from one loop
 *     (nist_aes_impls), and passes only if all agree with the file; `glass
 *     vectors -impl NAME` runs one.
 *
 *     The kinds, in kind_*.c (one file per family): SHA-256 messages and
 *     Monte Carlo, HMAC, HKDF and PBKDF2, the TLS 1.2 KDF, AES-256 in ECB,
 *     CBC, OFB, CFB1, CFB8, CFB128 and CTR (AESVS known-answer, multi-block
 *     and Monte Carlo files), GCM, RSA signatures (FIPS 186-2 and 186-3,
 *     PKCS#1 v1.5 and PSS; X9.31 skipped), the RSA component tests RSASP1
 *     and RSADP, RSA key-generation files, and KAS-FFC (static and
 *     ephemeral).
 *
 *     Inheritance.  CAVP writes a value once for many cases: n and e in a
 *     record of their own before the cases that use them, or in the first
 *     case only; [mod = 2048] in a section.  nist_param() finds a value as
 *     CAVP means it: in the record, else in an earlier record of the same
 *     section, else in the section (rsp.h).
 *
 *     Self-test (--self-test).  For every case, before it runs for real, the
 *     runner gives the kind a copy of the record with its expected value
 *     changed — one hex digit of a digest, ciphertext or signature flipped,
 *     Result = P turned into F and back, a FAIL turned into a plaintext —
 *     and checks that the kind reports that copy as failed.  A mutation
 *     that passes means the kind does not really check that case: the file
 *     then fails the self-test.  So kinds must judge a record the same way
 *     however often it is given to them (see nist_kind below).
 *
 * STANDARDS
 *     The CAVP validation system documents that define the files: SHAVS,
 *     AESAVS, GCMVS, HMACVS, RSA2VS (FIPS 186-2) and the FIPS 186-3 RSAVS,
 *     KASVS; SP 800-135 Rev. 1 §4.2 (TLS).  The algorithms' own standards
 *     are cited where each kind runs them.
 *
 * CAVEATS
 *     Only what glasstls implements runs: other hashes, key sizes and modes
 *     are counted as skipped, with the reason.
 *
 * CONSTANT TIME
 *     Not applicable: public test data.
 */
#ifndef GLASS_NIST_H
#define GLASS_NIST_H

#include "aes/aes.h"
#include "common/common.h"
#include "nist/rsp.h"

#include <stddef.h>
#include <stdint.h>

/* ---- running files (runner.c) ----------------------------------------- */

typedef struct nist_options {
    int verbose;        /* -v: one line per case */
    int quiet;          /* -q: failures and the last line only */
    int self_test;      /* --self-test: mutate every case (see above) */
    const char *impl;   /* -impl NAME: one AES implementation; NULL: all */
} nist_options;

typedef struct nist_totals {
    unsigned long cases, passed, failed, skipped;
    unsigned long mutated, noticed, unnoticed;  /* self-test */
    int errors;         /* files that could not be run, or miscounted */
} nist_totals;

void nist_totals_init(nist_totals *t);

/* Runs a file, or every .rsp/.fax file under a directory (sorted), adding
 * to t.  Prints one line per file (and what options ask for). */
void nist_run_path(const char *path, const nist_options *o, nist_totals *t);

/* Finds the default vectors directory: $GLASS_VECTORS, ./vectors, a
 * vectors/ folder up to three levels above the program, or
 * PREFIX/share/glasstls/vectors.  0 on success. */
int nist_default_dir(char *out, size_t cap);

/* ---- what a kind of file is (kinds.c lists them) ------------------------ */

typedef struct nist_run nist_run;

typedef struct nist_kind {
    const char *name;               /* shown on the file's line */
    /* 1 if this kind runs the file, judged by header and field names. */
    int (*recognise)(const rsp_file *f);
    /* The name of the field that holds the expected result of record rec
     * (what --self-test mutates), or NULL if rec holds no case (a record
     * that only gives n, or P, Q, G). */
    const char *(*expected)(const nist_run *r, const rsp_record *rec);
    /* Runs one record: counts its case once (nist_pass, nist_fail*,
     * nist_skip) or, for a record holding no case, nothing.  Must judge a
     * record alike however often it is given (the self-test gives a mutated
     * copy first): state kept between records may only be a cache keyed by
     * rec->line. */
    void (*record)(nist_run *r, const rsp_record *rec, void *state);
    size_t state_size;              /* zeroed before the first record */
    void (*end)(nist_run *r, void *state);  /* frees the state; may be NULL */
} nist_kind;

/* The kind that recognises f, or NULL. */
const nist_kind *nist_kind_for(const rsp_file *f);

/* ---- what kinds call (runner.c) ----------------------------------------- */

struct nist_run {
    const char *path;           /* the file as named */
    const char *base;           /* its base name */
    const rsp_file *file;
    const nist_options *opt;
    unsigned long passed, failed, skipped;
    int malformed;              /* set by nist_malformed */
    int mutant;                 /* 1 while a self-test copy runs: quiet */
    /* distinct skip reasons, each with its count, printed after the file */
    const char *skip_reason[8];
    unsigned long skip_count[8];
    /* values set by earlier records of the current section (nist_param) */
    const rsp_section *sticky_section;
    rsp_field sticky[32];
    size_t nsticky;
};

void nist_pass(nist_run *r, const rsp_record *rec);
/* Prints "FAIL FILE COUNT=n (line L): FIELD" then expected and actual. */
void nist_fail(nist_run *r, const rsp_record *rec, const char *field,
               const char *expected, const char *actual);
void nist_fail_bytes(nist_run *r, const rsp_record *rec, const char *field,
                     const uint8_t *expected, size_t expected_len,
                     const uint8_t *actual, size_t actual_len);
/* Compares; calls nist_pass or nist_fail_bytes; returns 1 if equal. */
int nist_check_bytes(nist_run *r, const rsp_record *rec, const char *field,
                     const uint8_t *expected, size_t expected_len,
                     const uint8_t *actual, size_t actual_len);
/* Counts the case as skipped; reason is a string literal. */
void nist_skip(nist_run *r, const rsp_record *rec, const char *reason);
/* Prints "FILE:LINE: malformed: ..." and marks the run malformed. */
void nist_malformed(nist_run *r, size_t line, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* Field NAME of the record, else of an earlier record of the same section,
 * else of the section; NULL if none has it. */
const char *nist_param(const nist_run *r, const rsp_record *rec, const char *name);
/* The line nist_param found NAME on (the record's line if absent). */
size_t nist_param_line(const nist_run *r, const rsp_record *rec, const char *name);

/* Field NAME as bytes from hex (record only with inherit = 0, else as
 * nist_param).  On a missing field or bad hex calls nist_malformed and
 * returns -1; else 0 (*out malloc'd, at least one byte). */
int nist_hex(nist_run *r, const rsp_record *rec, const char *name, int inherit,
             uint8_t **out, size_t *len);
/* Field NAME (as nist_param) as a decimal number in [min, max]; -1 and
 * nist_malformed if it is missing or not such a number. */
int nist_num(nist_run *r, const rsp_record *rec, const char *name, unsigned long min,
             unsigned long max, unsigned long *out);
/* The record's COUNT (or Count) as text, "?" if it has none. */
const char *nist_count(const rsp_record *rec);

/* The AES implementations every AES and GCM case runs through, from one
 * loop: each entry of aes/aes.h's table this CPU runs, or only the one
 * -impl names.  Returns how many were put in out (at most cap). */
size_t nist_aes_impls(const nist_run *r, const aes_impl **out, size_t cap);

/* ---- recognising (kinds.c) ---------------------------------------------- */

/* Number of records of f that have every one of the NULL-terminated field
 * names (case-insensitive). */
size_t nist_records_with(const rsp_file *f, const char *const *names);
/* 1 if the header comments contain text (case-insensitive). */
int nist_header_has(const rsp_file *f, const char *text);

#endif
