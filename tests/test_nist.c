/*
 * test_nist.c — the CAVP grammar (nist/rsp.h) rule by rule, on small files
 * written here: CRLF and LF, comments before and after values, section
 * groups and what a later group inherits, several entries on one line,
 * bare words, comment values; then the runner's inheritance of fields from
 * earlier records (nist_param) and each malformed line's message.
 */
#include "testutil.h"
#include "nist/nist.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Writes text to a temporary file and loads it; returns 0 on success. */
static int load_text(const char *text, rsp_file *f, char *err, size_t err_len)
{
    char path[] = "/tmp/glass-test-rsp-XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0)
        return -2;
    size_t n = strlen(text);
    int ok = write(fd, text, n) == (ssize_t)n;
    close(fd);
    int rc = ok ? nist_rsp_load(path, f, err, err_len) : -2;
    unlink(path);
    return rc;
}

static void test_lines_and_comments(void)
{
    rsp_file f;
    char err[256];
    const char *text = "# CAVS 11.0\r\n# Salt len: 20\r\n\r\n[mod = 2048]\r\n\r\n"
                       "COUNT = 0\r\nMsg = 00ff   # a comment after a value\r\nFAIL\r\n\r\n"
                       "COUNT = 1\nMsg = 01\n";
    CU_ASSERT_EQUAL_FATAL(load_text(text, &f, err, sizeof err), 0);
    CU_ASSERT_EQUAL(f.nrecords, 2);
    CU_ASSERT_STRING_EQUAL(nist_rsp_get(&f.records[0], "msg"), "00ff");      /* any case, no CR */
    CU_ASSERT_STRING_EQUAL(nist_rsp_get(&f.records[0], "FAIL"), "");         /* a bare word */
    CU_ASSERT_STRING_EQUAL(nist_rsp_get(&f.records[1], "Msg"), "01");
    CU_ASSERT_PTR_NULL(nist_rsp_get(&f.records[1], "FAIL"));
    CU_ASSERT_STRING_EQUAL(nist_rsp_section_get(&f.records[1], "mod"), "2048");
    CU_ASSERT_PTR_NOT_NULL(strstr(f.header, "# CAVS 11.0\n"));
    CU_ASSERT_STRING_EQUAL(nist_rsp_comment_get(&f, f.records[0].line, "Salt len"), "20");
    CU_ASSERT_PTR_NULL(nist_rsp_comment_get(&f, 2, "Salt len"));            /* not before line 2 */
    CU_ASSERT_EQUAL(nist_rsp_line(&f.records[1], "Msg"), 11);
    nist_rsp_free(&f);
}

/* A later group keeps the "name = value" entries it does not set again;
 * bare words hold in their own group only. */
static void test_section_groups(void)
{
    rsp_file f;
    char err[256];
    const char *text = "[mod = 2048]\n[ENCRYPT]\n\nCOUNT = 0\n\n"
                       "[SHAAlg = SHA256][DECRYPT]\n\nCOUNT = 1\n\n"
                       "[mod = 3072]\n\nCOUNT = 2\n";
    CU_ASSERT_EQUAL_FATAL(load_text(text, &f, err, sizeof err), 0);
    CU_ASSERT_EQUAL_FATAL(f.nrecords, 3);
    const rsp_record *r0 = &f.records[0], *r1 = &f.records[1], *r2 = &f.records[2];
    CU_ASSERT_PTR_NOT_NULL(nist_rsp_section_get(r0, "ENCRYPT"));
    CU_ASSERT_PTR_NULL(nist_rsp_section_get(r0, "SHAAlg"));
    CU_ASSERT_STRING_EQUAL(nist_rsp_section_get(r1, "mod"), "2048");        /* inherited */
    CU_ASSERT_STRING_EQUAL(nist_rsp_section_get(r1, "SHAAlg"), "SHA256");   /* two on a line */
    CU_ASSERT_PTR_NULL(nist_rsp_section_get(r1, "ENCRYPT"));                /* bare: not kept */
    CU_ASSERT_PTR_NOT_NULL(nist_rsp_section_get(r1, "DECRYPT"));
    CU_ASSERT_STRING_EQUAL(nist_rsp_section_get(r2, "mod"), "3072");        /* set again */
    CU_ASSERT_STRING_EQUAL(nist_rsp_section_get(r2, "SHAAlg"), "SHA256");
    CU_ASSERT_PTR_NULL(nist_rsp_section_get(r2, "DECRYPT"));
    nist_rsp_free(&f);
}

static void test_malformed_lines(void)
{
    rsp_file f;
    char err[256];
    CU_ASSERT_EQUAL(load_text("[mod = 2048\n", &f, err, sizeof err), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, ":1: section line without ']'"));
    CU_ASSERT_EQUAL(load_text("\n[a = 1] b = 2\n", &f, err, sizeof err), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, ":2: text after a section's ']'"));
    CU_ASSERT_EQUAL(load_text("", &f, err, sizeof err), 0);              /* empty: no records */
    CU_ASSERT_EQUAL(f.nrecords, 0);
    nist_rsp_free(&f);
}

/* nist_param: the record, then earlier records of its section, then the
 * section; a new section starts afresh. */
static void test_param_inheritance(void)
{
    rsp_file f;
    char err[256];
    const char *text = "[mod = 1024]\n\nn = aa\n\ne = 03\nMsg = 01\n\nMsg = 02\n\n"
                       "[mod = 2048]\n\nMsg = 03\n";
    CU_ASSERT_EQUAL_FATAL(load_text(text, &f, err, sizeof err), 0);
    CU_ASSERT_EQUAL_FATAL(f.nrecords, 4);
    nist_options o;
    memset(&o, 0, sizeof o);
    nist_run r;
    memset(&r, 0, sizeof r);
    r.file = &f;
    r.opt = &o;
    r.path = r.base = "test";
    /* What the runner does after each record: remember its fields.  Here
     * by hand, the same way, through a run of the records. */
    const rsp_record *n_rec = &f.records[0], *first = &f.records[1], *second = &f.records[2];
    CU_ASSERT_PTR_NULL(nist_param(&r, first, "n"));            /* nothing remembered yet */
    r.sticky_section = n_rec->section;
    r.sticky[0] = n_rec->fields[0];
    r.nsticky = 1;
    CU_ASSERT_STRING_EQUAL(nist_param(&r, first, "n"), "aa");
    CU_ASSERT_STRING_EQUAL(nist_param(&r, first, "e"), "03");  /* its own field */
    CU_ASSERT_STRING_EQUAL(nist_param(&r, second, "mod"), "1024");
    CU_ASSERT_EQUAL(nist_param_line(&r, second, "n"), 3);
    CU_ASSERT_PTR_NULL(nist_param(&r, &f.records[3], "n"));    /* another section */
    CU_ASSERT_STRING_EQUAL(nist_param(&r, &f.records[3], "mod"), "2048");
    nist_rsp_free(&f);
}

void suite_nist(void)
{
    CU_pSuite s = tu_suite("nist");
    CU_add_test(s, "CRLF, comments, bare words", test_lines_and_comments);
    CU_add_test(s, "section groups and what they inherit", test_section_groups);
    CU_add_test(s, "malformed lines named with their line", test_malformed_lines);
    CU_add_test(s, "fields inherited from earlier records", test_param_inheritance);
}
