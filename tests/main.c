/*
 * main.c — the CUnit runner for every suite in tests/.
 *
 * Runs all suites with CUnit's basic interface and prints its run summary.
 * Exit status 0 only if no assertion failed.  `glass-tests SUITE` runs one
 * suite by name.
 */
#include "testutil.h"

#include <CUnit/Basic.h>
#include <stdio.h>
#include <string.h>

#define GLASS_SUITE(name) void suite_##name(void);
#include "suites.inc"
#undef GLASS_SUITE

uint8_t *tu_hex(const char *hex, size_t *len)
{
    uint8_t *out = NULL;
    size_t n = 0;
    glass_err err = glass_hex_decode_alloc(&out, &n, hex);
    if (err != GLASS_OK) {
        fprintf(stderr, "tu_hex: bad hex in test: %s\n", hex);
        abort();
    }
    if (len != NULL)
        *len = n;
    return out;
}

CU_pSuite tu_suite(const char *name)
{
    CU_pSuite s = CU_add_suite(name, NULL, NULL);
    if (s == NULL) {
        fprintf(stderr, "cannot add suite %s\n", name);
        exit(2);
    }
    return s;
}

int main(int argc, char **argv)
{
    if (CU_initialize_registry() != CUE_SUCCESS)
        return 2;
#define GLASS_SUITE(name) suite_##name();
#include "suites.inc"
#undef GLASS_SUITE
    CU_basic_set_mode(CU_BRM_NORMAL);
    if (argc > 1) {
        CU_pSuite s = CU_get_suite(argv[1]);
        if (s == NULL) {
            fprintf(stderr, "no suite named %s\n", argv[1]);
            CU_cleanup_registry();
            return 2;
        }
        CU_basic_run_suite(s);
    } else {
        CU_basic_run_tests();
    }
    unsigned failures = CU_get_number_of_failures();
    unsigned run = CU_get_number_of_tests_run();
    CU_cleanup_registry();
    printf("\n");
    return (failures == 0 && run > 0) ? 0 : 1;
}
