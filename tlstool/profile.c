/*
 * profile.c — what turns an engine configuration into a TLS 1.2 one for
 * s_server and s_client (see tlstool.h).
 *
 * The engine has one state machine with two profiles (glass and TLS 1.2);
 * which one runs, whether a server asks for a client certificate
 * (RFC 5246 §7.4.4 CertificateRequest) and whether it must get one, which
 * name a client sends in server_name (RFC 6066 §3) and which name the
 * server's certificate must carry (RFC 6125), all come in through
 * glass_config.  This file is the one place the tools set them.
 *
 * CT: not applicable.
 */
#include "tlstool/tlstool.h"
#include "aes/aes.h"
#include "io/io.h"

void tlstool_profile_server(glass_config *cfg, int verify)
{
    cfg->profile = GLASS_PROFILE_TLS12;
    /* -verify asks and accepts an empty Certificate; -Verify makes one
     * mandatory: no certificate is fatal, handshake_failure (RFC 5246
     * §7.4.6). */
    cfg->client_auth = verify == 2   ? GLASS_CLIENT_AUTH_REQUIRE
                     : verify == 1 ? GLASS_CLIENT_AUTH_REQUEST
                                   : GLASS_CLIENT_AUTH_NONE;
}

void tlstool_profile_client(glass_config *cfg, const char *servername, const char *check_name)
{
    cfg->profile = GLASS_PROFILE_TLS12;
    cfg->sni_name = servername;
    cfg->server_name = check_name;
    /* Without a CA file there is nothing to check the server's chain
     * against: carry on and say so in the summary, as openssl s_client
     * does ("Verify return code"), rather than refuse to connect.  With
     * one, a chain or name that fails is fatal (RFC 5246 §7.4.2 leaves the
     * choice to the client; a tool that teaches should not ignore it). */
    cfg->peer_verify = cfg->n_anchors == 0 ? GLASS_PEER_VERIFY_REPORT : GLASS_PEER_VERIFY_REQUIRE;
}

int tlstool_profile_impl(const char *cmd, const char *name, glass_config *cfg)
{
    cfg->aes_impl = NULL;       /* the constant-time default */
    if (name == NULL)
        return 0;
    const aes_impl *impl = aes_impl_by_name(name);
    if (impl == NULL)
        return io_error(cmd, "-impl: '%s' is not ref, table, ct, ct-gf or hw", name);
    if (!aes_impl_available(impl))
        return io_error(cmd, "-impl %s: this CPU lacks the instructions", name);
    /* Only for comparing them: the table-driven and reference ciphers
     * index their S-box with secret bytes (aes/aes.h, CONSTANT TIME). */
    cfg->aes_impl = impl;
    return 0;
}
