/*
 * facts.c — what a finished handshake settled, read from the engine's
 * getters in one place (see tlstool.h), so the summary block, the -www
 * page and the session files all say the same thing.
 *
 * CT: not applicable (public data only).
 */
#include "tlstool/tlstool.h"
#include "dh/dh.h"

#include <string.h>

void tlstool_engine_facts(const glass_engine *e, tlstool_facts *out)
{
    memset(out, 0, sizeof *out);
    out->suite = glass_engine_suite(e);
    out->group = glass_engine_group(e);
    out->version = GLASS_VERSION;
    const dh_group *G = dh_group_by_tls_id(out->group);
    if (G != NULL) {
        snprintf(out->group_name, sizeof out->group_name, "%s", G->name);
        out->dh_bits = (unsigned)G->p_len * 8;
    }
    /* glass always has both (docs/PROTOCOL.md §10). */
    out->ems = 1;
    out->etm = 1;
}
