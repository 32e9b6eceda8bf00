/*
 * testutil.h — what the CUnit suites share.
 *
 * Each suite lives in tests/test_NAME.c and defines `void suite_NAME(void)`,
 * which adds a CUnit suite and its tests.  The Makefile lists every
 * tests/test_*.c in build/gen/suites.inc, so adding a suite touches nothing
 * else.
 */
#ifndef GLASS_TESTUTIL_H
#define GLASS_TESTUTIL_H

#include "common/common.h"

#include <CUnit/CUnit.h>
#include <stdint.h>
#include <stdlib.h>

/* Decodes hex into a malloc'd buffer (asserting it is valid hex); the
 * caller frees it.  *len may be NULL. */
uint8_t *tu_hex(const char *hex, size_t *len);

/* Asserts that a function returned the named glass_err, showing both names
 * when it did not.  TU_ASSERT_ERR goes on after a mismatch; _FATAL ends the
 * test, for a step whose result the rest of the test uses (a handle, a
 * parsed certificate), so that a broken step is reported as a failure
 * instead of crashing the run. */
#define TU_CHECK_ERR_(expr, expected, assert_equal)                                       \
    do {                                                                                  \
        glass_err tu_got_ = (expr);                                                       \
        if (tu_got_ != (expected))                                                        \
            fprintf(stderr, "\n  %s:%d: expected %s, got %s\n", __FILE__, __LINE__,       \
                    glass_err_name(expected), glass_err_name(tu_got_));                    \
        assert_equal(tu_got_, (expected));                                                \
    } while (0)
#define TU_ASSERT_ERR(expr, expected) TU_CHECK_ERR_(expr, expected, CU_ASSERT_EQUAL)
#define TU_ASSERT_ERR_FATAL(expr, expected) TU_CHECK_ERR_(expr, expected, CU_ASSERT_EQUAL_FATAL)

/* Adds a suite or aborts the run. */
CU_pSuite tu_suite(const char *name);
#define TU_ADD(suite, fn) CU_add_test((suite), #fn, (fn))

#endif
