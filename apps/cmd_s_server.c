/*
 * cmd_s_server.c — `glass s_server`: a TLS 1.2 server flagged like
 * OpenSSL's s_server.  Options only; the server is tlstool/ (tlstool.h).
 *
 * CT: not applicable.
 */
#include "apps.h"
#include "tlstool/tlstool.h"

#include <string.h>

#define CMD "s_server"

static void usage(FILE *f)
{
    fprintf(f,
            "usage: glass s_server -cert FILE -key FILE [-accept [HOST:]PORT] [-pass SRC]\n"
            "                      [-CAfile FILE] [-CRL FILE] [-verify N | -Verify N]\n"
            "                      [-www | -WWW | -rev] [-msg] [-trace] [-keylogfile FILE]\n"
            "                      [-naccept N] [-quiet] [-no_etm] [-no_ems] [--max-clients N]\n"
            "                      [--handshake-timeout S] [--idle-timeout S]\n\n"
            "A TLS 1.2 server (TLS_DHE_RSA_WITH_AES_256_CBC_SHA256, RFC 5246) that any\n"
            "TLS 1.2 client can talk to: openssl s_client, curl, gnutls-cli, Python's ssl.\n"
            "It serves many clients at once.  Without -www/-WWW/-rev, what clients send is\n"
            "printed to stdout and lines typed on stdin go to every connected client.\n\n"
            "options:\n"
            "  -accept [HOST:]PORT  where to listen (default 127.0.0.1:%u; port 0 picks one\n"
            "                       and prints \"listening on HOST:PORT\")\n"
            "  -cert FILE           the server's certificate chain (PEM), leaf first\n"
            "  -key FILE            its private key (PEM or DER, encrypted or not)\n"
            "  -pass SRC            the key's password: pass:, env:, file:, fd:, stdin\n"
            "  -CAfile FILE         CA certificates that client certificates must chain to\n"
            "  -CRL FILE            the CA's revocation list (PEM or DER)\n"
            "  -verify N            ask for a client certificate (the client may send none)\n"
            "  -Verify N            require one (handshake_failure without)\n"
            "  -www                 answer GET / with a status page (protocol, cipher, group,\n"
            "                       key sizes, the client's certificate)\n"
            "  -WWW                 serve files under the current directory (GET /path;\n"
            "                       no \"..\", nothing outside, at most 1 MiB)\n"
            "  -rev                 send every line back reversed\n"
            "  -msg                 print every protocol message with its bytes\n"
            "  -trace               print every field, every secret and every check\n"
            "  -keylogfile FILE     append the NSS key log (CLIENT_RANDOM lines) to FILE;\n"
            "                       the SSLKEYLOGFILE variable does the same\n"
            "  -naccept N           exit after N connections\n"
            "  -quiet               no per-connection lines on stderr\n"
            "  -no_etm              refuse encrypt_then_mac (RFC 7366): MAC-then-encrypt\n"
            "  -no_ems              refuse extended_master_secret (RFC 7627)\n"
            "  --max-clients N      connections at once (default %u)\n"
            "  --handshake-timeout S  seconds a client has to finish (default %u)\n"
            "  --idle-timeout S     seconds of silence before a close (default %u)\n\n"
            "example:\n"
            "  glass s_server -accept 4433 -cert srv.pem -key srv.key -CAfile ca/ca.pem -verify 1 -www\n"
            "  curl --cacert ca/ca.pem https://localhost:4433/\n",
            TLSTOOL_DEFAULT_PORT, TLSTOOL_DEFAULT_MAX_CLIENTS, TLSTOOL_DEFAULT_HS_TIMEOUT,
            TLSTOOL_DEFAULT_IDLE);
}

/* "-accept 4433" or "-accept 127.0.0.1:4433". */
static int parse_accept(const char *v, tlstool_server_opts *o, char *host, size_t cap)
{
    const char *colon = strrchr(v, ':');
    if (colon == NULL)
        return app_uint_arg(CMD, "-accept", v, 0, 65535, &o->port);
    size_t hl = (size_t)(colon - v);
    if (hl == 0 || hl >= cap)
        return app_error(CMD, "-accept: '%s' is not [HOST:]PORT", v);
    memcpy(host, v, hl);
    host[hl] = '\0';
    o->bind = host;
    return app_uint_arg(CMD, "-accept", colon + 1, 0, 65535, &o->port);
}

static int flag(const char *a, const char *name)
{
    return strcmp(a, name) == 0;
}

static int parse(int argc, char **argv, tlstool_server_opts *o, char *host, size_t cap)
{
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (flag(a, "-www") || flag(a, "-WWW") || flag(a, "-rev")) {
            if (o->mode != TLSTOOL_MODE_ECHO)
                return app_error(CMD, "-www, -WWW and -rev exclude each other");
            o->mode = flag(a, "-www") ? TLSTOOL_MODE_WWW_STATUS
                    : flag(a, "-WWW") ? TLSTOOL_MODE_WWW_FILES : TLSTOOL_MODE_REV;
            continue;
        }
        if (flag(a, "-msg") || flag(a, "-trace")) {
            if (o->render != TLSTOOL_RENDER_TRACE)
                o->render = flag(a, "-msg") ? TLSTOOL_RENDER_MSG : TLSTOOL_RENDER_TRACE;
            continue;
        }
        if (flag(a, "-quiet") || flag(a, "-no_etm") || flag(a, "-no_ems")) {
            *(flag(a, "-quiet") ? &o->quiet : flag(a, "-no_etm") ? &o->no_etm : &o->no_ems) = 1;
            continue;
        }
        int known = flag(a, "-accept") || flag(a, "-port") || flag(a, "-cert") ||
                    flag(a, "-key") || flag(a, "-pass") || flag(a, "-CAfile") ||
                    flag(a, "-CRL") || flag(a, "-verify") || flag(a, "-Verify") ||
                    flag(a, "-keylogfile") || flag(a, "-naccept") || flag(a, "--max-clients") ||
                    flag(a, "--handshake-timeout") || flag(a, "--idle-timeout");
        if (!known)
            return app_error(CMD, "unknown option '%s' (see --help)", a);
        if (v == NULL)
            return app_error(CMD, "%s needs a value (see --help)", a);
        i++;
        int bad = 0;
        if (flag(a, "-accept") || flag(a, "-port"))
            bad = parse_accept(v, o, host, cap);
        else if (flag(a, "-cert"))
            o->cert = v;
        else if (flag(a, "-key"))
            o->key = v;
        else if (flag(a, "-pass"))
            o->pass = v;
        else if (flag(a, "-CAfile"))
            o->cafile = v;
        else if (flag(a, "-CRL"))
            o->crl = v;
        else if (flag(a, "-keylogfile"))
            o->keylogfile = v;
        else if (flag(a, "-verify") || flag(a, "-Verify")) {
            bad = app_uint_arg(CMD, a, v, 0, 100, &o->verify_depth);
            o->verify = flag(a, "-Verify") ? 2 : 1;
        } else if (flag(a, "-naccept"))
            bad = app_uint_arg(CMD, a, v, 1, 1000000000UL, &o->naccept);
        else if (flag(a, "--max-clients"))
            bad = app_uint_arg(CMD, a, v, 1, 100000, &o->max_clients);
        else if (flag(a, "--handshake-timeout"))
            bad = app_uint_arg(CMD, a, v, 1, 3600, &o->hs_timeout);
        else
            bad = app_uint_arg(CMD, a, v, 1, 86400, &o->idle_timeout);
        if (bad)
            return 1;
    }
    return 0;
}

static int run(int argc, char **argv)
{
    if (app_wants_help(argc, argv)) {
        usage(stdout);
        return 0;
    }
    tlstool_server_opts o;
    char host[256];
    tlstool_server_defaults(&o);
    if (parse(argc, argv, &o, host, sizeof host) != 0)
        return 1;
    return tlstool_server_run(&o);
}

const struct glass_command cmd_s_server = {"s_server", "a TLS 1.2 server, flagged like openssl s_server", run};
