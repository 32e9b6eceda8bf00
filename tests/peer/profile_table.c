/*
 * profile_table.c — prints the "glass vs TLS 1.2" table of docs/TLS12.md
 * from the engine's own profile table (protocol/profile.c), so the document
 * says what the code does.  tests/sh/tls12_doc.sh builds it against
 * build/libglass.a and checks the document's table is this output, byte for
 * byte; to update the document after changing profile.c:
 *
 *     cc -I. tests/peer/profile_table.c build/libglass.a $(pkg-config --libs gmp libsodium) \
 *        -o /tmp/profile_table && /tmp/profile_table
 *
 * and paste its output between the two marker lines of docs/TLS12.md.
 */
#include "protocol/engine_internal.h"

#include <stdio.h>

int main(void)
{
    const glass_profile_rules *g = &glass_profile_table[GLASS_PROFILE_GLASS];
    const glass_profile_rules *t = &glass_profile_table[GLASS_PROFILE_TLS12];
    printf("| `glass_profile_rules` field | what | %s | %s | where |\n", g->name, t->name);
    printf("|---|---|---|---|---|\n");
    printf("| `version` | record and hello version | `%02x %02x` | `%02x %02x` | RFC 5246 §6.2.1 |\n",
           g->version >> 8, g->version & 0xff, t->version >> 8, t->version & 0xff);
    for (size_t i = 0; i < glass_profile_n_rows; i++) {
        const glass_profile_row *r = &glass_profile_rows[i];
        int gv = *(const int *)((const char *)g + r->offset);
        int tv = *(const int *)((const char *)t + r->offset);
        printf("| `%s` | %s | %d: %s | %d: %s | %s |\n", r->field, r->what, gv, r->glass_says, tv,
               r->tls12_says, r->clause);
    }
    return 0;
}
