/*
 * cmd_s_client.c — `glass s_client`: a TLS 1.2 client flagged like
 * OpenSSL's s_client.  Options only; the client is tlstool/ (tlstool.h).
 *
 * CT: not applicable.
 */
#include "apps.h"
#include "net.h"
#include "tlstool/tlstool.h"

#include <string.h>

#define CMD "s_client"

static void usage(FILE *f)
{
    fprintf(f,
            "usage: glass s_client -connect HOST:PORT [-CAfile FILE] [-servername NAME]\n"
            "                      [-verify_hostname NAME] [-cert FILE -key FILE [-pass SRC]]\n"
            "                      [-CRL FILE] [-msg] [-trace] [-keylogfile FILE]\n"
            "                      [-sess_out FILE] [-sess_in FILE] [-reconnect] [-quiet]\n"
            "                      [-no_etm] [-no_ems]\n\n"
            "A TLS 1.2 client (TLS_DHE_RSA_WITH_AES_256_CBC_SHA256, RFC 5246) for any\n"
            "TLS 1.2 server: openssl s_server, gnutls-serv, a web server.  After the\n"
            "handshake it prints a summary (protocol, cipher by its OpenSSL and IANA\n"
            "names, DH group, server key size, verification, session), then sends what\n"
            "you type (stdin) to the server and prints what the server sends.\n\n"
            "options:\n"
            "  -connect HOST:PORT     the server\n"
            "  -CAfile FILE           CA certificates the server's chain must lead to (a\n"
            "                         chain or name that fails ends the handshake); without\n"
            "                         it nothing is checked and the summary says so\n"
            "  -servername NAME       the name sent in server_name (default HOST)\n"
            "  -verify_hostname NAME  the name the certificate must carry (default: the\n"
            "                         servername)\n"
            "  -cert FILE -key FILE   a client certificate (PEM) and its key\n"
            "  -pass SRC              the key's password: pass:, env:, file:, fd:, stdin\n"
            "  -CRL FILE              a revocation list for the server's chain\n"
            "  -msg                   print every protocol message with its bytes\n"
            "  -trace                 print every field, every secret and every check\n"
            "  -keylogfile FILE       append the NSS key log (CLIENT_RANDOM lines); the\n"
            "                         SSLKEYLOGFILE variable does the same\n"
            "  -sess_out FILE         save the session (it holds the master secret: 0600)\n"
            "  -sess_in FILE          offer a saved session (abbreviated handshake)\n"
            "  -reconnect             reconnect 5 times offering the same session\n"
            "  -quiet                 no summary block\n"
            "  -no_etm                do not offer encrypt_then_mac (RFC 7366)\n"
            "  -no_ems                do not offer extended_master_secret (RFC 7627)\n\n"
            "example:\n"
            "  glass s_client -connect localhost:4433 -CAfile ca/ca.pem -cert alice.pem -key alice.key\n"
            "  printf 'GET / HTTP/1.0\\r\\n\\r\\n' | glass s_client -connect localhost:4433 -CAfile ca/ca.pem\n");
}

static int flag(const char *a, const char *name)
{
    return strcmp(a, name) == 0;
}

static int parse(int argc, char **argv, tlstool_client_opts *o, char *host, size_t cap)
{
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (flag(a, "-msg") || flag(a, "-trace")) {
            if (o->render != TLSTOOL_RENDER_TRACE)
                o->render = flag(a, "-msg") ? TLSTOOL_RENDER_MSG : TLSTOOL_RENDER_TRACE;
            continue;
        }
        if (flag(a, "-reconnect") || flag(a, "-quiet") || flag(a, "-no_etm") ||
            flag(a, "-no_ems")) {
            *(flag(a, "-quiet")    ? &o->quiet
              : flag(a, "-no_etm") ? &o->no_etm
              : flag(a, "-no_ems") ? &o->no_ems
                                   : &o->reconnect) = 1;
            continue;
        }
        const char **slot = flag(a, "-servername")        ? &o->servername
                          : flag(a, "-verify_hostname") ? &o->verify_hostname
                          : flag(a, "-CAfile")          ? &o->cafile
                          : flag(a, "-CRL")             ? &o->crl
                          : flag(a, "-cert")            ? &o->cert
                          : flag(a, "-key")             ? &o->key
                          : flag(a, "-pass")            ? &o->pass
                          : flag(a, "-keylogfile")      ? &o->keylogfile
                          : flag(a, "-sess_out")        ? &o->sess_out
                          : flag(a, "-sess_in")         ? &o->sess_in
                                                        : NULL;
        if (slot == NULL && !flag(a, "-connect"))
            return app_error(CMD, "unknown option '%s' (see --help)", a);
        if (v == NULL)
            return app_error(CMD, "%s needs a value (see --help)", a);
        i++;
        if (slot != NULL) {
            *slot = v;
        } else if (net_parse_hostport(v, host, cap, &o->port) != GLASS_OK) {
            return app_error(CMD, "-connect: '%s' is not HOST:PORT", v);
        } else {
            o->host = host;
        }
    }
    return 0;
}

static int run(int argc, char **argv)
{
    if (app_wants_help(argc, argv)) {
        usage(stdout);
        return 0;
    }
    tlstool_client_opts o;
    char host[NET_HOST_MAX];
    tlstool_client_defaults(&o);
    if (parse(argc, argv, &o, host, sizeof host) != 0)
        return 1;
    return tlstool_client_run(&o);
}

const struct glass_command cmd_s_client = {"s_client", "a TLS 1.2 client, flagged like openssl s_client", run};
