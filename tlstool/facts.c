/*
 * facts.c — what a finished handshake settled, read from the engine in
 * one place (see tlstool.h), so the summary block and the -www page say
 * the same thing.
 *
 * CT: not applicable (public data only).
 */
#include "tlstool/tlstool.h"

#include <stdio.h>
#include <string.h>

void tlstool_engine_facts(const glass_engine *e, tlstool_facts *out)
{
    glass_conn_info ci;
    glass_engine_info(e, &ci);
    memset(out, 0, sizeof *out);
    out->version = ci.version;
    out->suite = ci.suite;
    out->group = ci.group;
    /* A server may send any group of its own (RFC 5246 §7.4.3 carries p and
     * g in full): openssl s_server sends RFC 3526 group 14, which has no
     * NamedGroup value, so the name comes from the engine, and a group
     * nobody named is told by its size. */
    if (strncmp(ci.group_name, "modp", 4) == 0)
        snprintf(out->group_name, sizeof out->group_name, "%s (RFC 3526)", ci.group_name);
    else if (ci.group_name[0] != '\0')
        snprintf(out->group_name, sizeof out->group_name, "%s", ci.group_name);
    else if (ci.dh_bits > 0)
        snprintf(out->group_name, sizeof out->group_name, "unnamed %zu-bit group", ci.dh_bits);
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
