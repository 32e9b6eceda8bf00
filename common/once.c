/*
 * once.c — an answer asked for once per process and kept: what the CPU can
 * do (CPUID), which the hardware variants of aes/ and bn/ ask before each
 * call.
 */
#include "common/common.h"

/* See common.h.  *known is 0 (not asked yet), 1 (no) or 2 (yes), read and
 * written with relaxed atomics: two threads may both ask, and both store
 * the same answer. */
int glass_once(int *known, int (*ask)(void))
{
    int v = __atomic_load_n(known, __ATOMIC_RELAXED);
    if (v == 0) {
        v = ask() ? 2 : 1;
        __atomic_store_n(known, v, __ATOMIC_RELAXED);
    }
    return v == 2;
}
