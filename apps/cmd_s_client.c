/*
 * cmd_s_client.c — `glass s_client`: a TLS 1.2 client flagged like
 * OpenSSL's s_client.  Options only; the client is tlstool/ (tlstool.h).
 *
 * CT: not applicable.
 */
#include "apps.h"
#include "opt.h"
#include "net/net.h"
#include "tlstool/tlstool.h"

#include <string.h>

#define CMD "s_client"

static char connect_host[NET_HOST_MAX];

/* -connect HOST:PORT. */
static int take_connect(const char *cmd, const char *flag, const char *v, void *dest)
{
    tlstool_client_opts *o = dest;
    if (net_parse_hostport(v, connect_host, sizeof connect_host, &o->port) != GLASS_OK)
        return app_error(cmd, "%s: '%s' is not HOST:PORT", flag, v);
    o->host = connect_host;
    return 0;
}

static const char about[] =
    "A TLS 1.2 client (TLS_DHE_RSA_WITH_AES_256_CBC_SHA256, RFC 5246) for any\n"
    "TLS 1.2 server: openssl s_server, gnutls-serv, a web server.  After the\n"
    "handshake it prints a summary (protocol, cipher by its OpenSSL and IANA\n"
    "names, DH group, server key size, verification result, session), then sends\n"
    "what you type (stdin) to the server and prints what the server sends.  When\n"
    "stdin ends it waits for the server to finish (3 s of silence), then closes.\n";

static int run(int argc, char **argv)
{
    tlstool_client_opts o;
    int msg = 0, trace = 0;
    tlstool_client_defaults(&o);
    const opt opts[] = {
        OPTION_CALL("-connect", "HOST:PORT", "the server", &o, take_connect),
        OPTION_STRING("-CAfile", NULL, "FILE", "CA certificates the server's chain must lead to\n"
                                                "(a chain or name that fails ends the handshake);\n"
                                                "without it nothing is checked and the summary\n"
                                                "says so", &o.cafile),
        OPTION_STRING("-servername", NULL, "NAME", "the name sent in server_name (default HOST)",
                      &o.servername),
        OPTION_STRING("-verify_hostname", NULL, "NAME", "the name the server's certificate must\n"
                                                        "carry (default: the servername)",
                      &o.verify_hostname),
        OPTION_STRING("-cert", NULL, "FILE", "a client certificate (PEM), leaf first", &o.cert),
        OPTION_STRING("-key", NULL, "FILE", "its private key", &o.key),
        OPTION_STRING("-pass", NULL, "SRC", "the key's password: pass:, env:, file:, fd:, stdin",
                      &o.pass),
        OPTION_STRING("-CRL", NULL, "FILE", "a revocation list for the server's chain", &o.crl),
        OPTION_FLAG("-msg", NULL, "print every protocol message with its bytes", &msg),
        OPTION_FLAG("-trace", NULL, "print every field, every secret and every check", &trace),
        OPTION_STRING("-keylogfile", NULL, "FILE", "append the NSS key log (CLIENT_RANDOM lines);\n"
                                                    "SSLKEYLOGFILE does the same", &o.keylogfile),
        OPTION_STRING("-sess_out", NULL, "FILE", "save the session (it holds the master secret:\n"
                                                  "mode 0600)", &o.sess_out),
        OPTION_STRING("-sess_in", NULL, "FILE", "offer a saved session (abbreviated handshake)",
                      &o.sess_in),
        OPTION_FLAG("-reconnect", NULL, "reconnect 5 times offering the same session",
                    &o.reconnect),
        OPTION_FLAG("-quiet", NULL, "no summary block", &o.quiet),
        OPTION_FLAG("-no_etm", NULL, "do not offer encrypt_then_mac (RFC 7366)", &o.no_etm),
        OPTION_FLAG("-no_ems", NULL, "do not offer extended_master_secret (RFC 7627)", &o.no_ems),
        OPTION_STRING("-impl", NULL, "NAME", "the records' AES, an entry of aes.h's table: ct\n"
                                             "(bitsliced), hw (AES-NI), table, ct-gf, ref;\n"
                                             "default: hw if the CPU has it, else ct",
                      &o.impl),
        OPTION_END,
    };
    const opt_command spec = {
        .name = CMD,
        .synopsis = "-connect HOST:PORT [-CAfile FILE] [-servername NAME]\n"
                    "                      [-verify_hostname NAME] [-cert FILE -key FILE [-pass SRC]]\n"
                    "                      [-msg] [-trace] [-keylogfile FILE] [-sess_out FILE]\n"
                    "                      [-sess_in FILE] [-reconnect] [-quiet] [-impl NAME]",
        .about = about,
        .opts = opts,
        .example = "  glass s_client -connect localhost:4433 -CAfile ca/ca.pem -cert alice.pem "
                   "-key alice.key\n"
                   "  printf 'GET / HTTP/1.0\\r\\n\\r\\n' | glass s_client -connect localhost:4433 "
                   "-CAfile ca/ca.pem\n",
    };
    opt_operands rest;
    int st = opt_parse(&spec, argc, argv, &rest);
    if (st != OPT_RUN)
        return st;
    o.render = trace ? TLSTOOL_RENDER_TRACE : msg ? TLSTOOL_RENDER_MSG : TLSTOOL_RENDER_NONE;
    return tlstool_client_run(&o);
}

const struct glass_command cmd_s_client = {"s_client", "a TLS 1.2 client, flagged like openssl s_client", run};
