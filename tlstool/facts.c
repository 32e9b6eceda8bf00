/*
 * facts.c — what a finished handshake settled, read from the engine in
 * one place (see tlstool.h), so the summary block and the -www page say
 * the same thing.
 *
 * CT: not applicable (public data only).
 */
#include "tlstool/tlstool.h"
#include "dh/dh.h"

#include <string.h>

void tlstool_engine_facts(const glass_engine *e, tlstool_facts *out)
{
    glass_conn_info ci;
    glass_engine_info(e, &ci);
    memset(out, 0, sizeof *out);
    out->version = ci.version;
    out->suite = ci.suite;
    out->group = ci.group;
    const dh_group *G = dh_group_by_tls_id(ci.group);
    if (G != NULL)
        snprintf(out->group_name, sizeof out->group_name, "%s", G->name);
    out->dh_bits = (unsigned)ci.dh_bits;
    out->peer_key_bits = (unsigned)ci.peer_key_bits;
    out->ems = ci.ems;
    out->etm = ci.etm;
    out->resumed = ci.resumed;
    out->secure_renegotiation = ci.secure_renegotiation;
    out->verify_result = ci.verify_result;
    size_t n = ci.session_id_len <= sizeof out->session_id ? ci.session_id_len : 0;
    memcpy(out->session_id, ci.session_id, n);
    out->session_id_len = n;
    snprintf(out->sni, sizeof out->sni, "%s", ci.sni);
}
