/*
 * trace.c — the default trace sink (see common.h).
 */
#include "common.h"

#include <stdio.h>

/* See common.h. */
void glass_trace_print(void *file, const char *name, const char *explain,
                       const uint8_t *bytes, size_t len)
{
    FILE *f = file != NULL ? (FILE *)file : stdout;
    fprintf(f, "%s", name != NULL ? name : "?");
    if (explain != NULL && explain[0] != '\0')
        fprintf(f, ": %s", explain);
    fputc('\n', f);
    for (size_t i = 0; i < len; i += 16) {
        fprintf(f, "    %04zx  ", i);
        for (size_t j = i; j < len && j < i + 16; j++)
            fprintf(f, "%02x ", bytes[j]);
        fputc('\n', f);
    }
}
