/*
 * ct.c — constant-time comparison and secure wiping (see common.h).
 * CT: yes — glass_ct_equal's running time depends only on len.
 */
#include "common.h"

#include <string.h>

#ifdef GLASS_CTGRIND
#include <valgrind/memcheck.h>   /* make ctgrind only: a test-only header */
#endif

/* See common.h. */
void glass_ct_declassify(const void *p, size_t len)
{
#ifdef GLASS_CTGRIND
    (void)VALGRIND_MAKE_MEM_DEFINED(p, len);
#else
    (void)p;
    (void)len;
#endif
}

/* See common.h. */
int glass_ct_equal(const void *a, const void *b, size_t len)
{
    const volatile uint8_t *x = a;
    const volatile uint8_t *y = b;
    uint8_t diff = 0;
    /* OR together the XOR of every byte pair; no branch depends on the data. */
    for (size_t i = 0; i < len; i++)
        diff |= (uint8_t)(x[i] ^ y[i]);
    /* diff == 0 -> 1, else 0, without a branch.  The verdict is public: the
     * caller acts on it. */
    int equal = (int)(1 & ((diff - 1u) >> 8));
    glass_ct_declassify(&equal, sizeof equal);
    return equal;
}

/* memset called through a volatile pointer: the pointer is read anew at
 * every call (an access to a volatile object, C11 §5.1.2.3), so the
 * compiler cannot know which function runs and cannot prove the stores dead
 * and remove them, even right before the memory is freed.  The bytes are
 * written by the C library's memset, a word or a vector at a time, not one
 * by one. */
static void *(*const volatile wipe_memset)(void *, int, size_t) = memset;

/* See common.h. */
void glass_wipe(void *p, size_t len)
{
    if (p == NULL || len == 0)
        return;
    wipe_memset(p, 0, len);
}
