/*
 * cmd_s_server.c — `glass s_server`: a TLS 1.2 server flagged like
 * OpenSSL's s_server.  Options only; the server is tlstool/ (tlstool.h).
 *
 * CT: not applicable.
 */
#include "apps.h"
#include "opt.h"
#include "tlstool/tlstool.h"

#include <string.h>

#define CMD "s_server"

/* Where -accept's host text lives (o->bind points here). */
static char accept_host[256];

/* -accept PORT or -accept HOST:PORT. */
static int take_accept(const char *cmd, const char *flag, const char *v, void *dest)
{
    tlstool_server_opts *o = dest;
    const char *colon = strrchr(v, ':');
    if (colon == NULL)
        return app_uint_arg(cmd, flag, v, 0, 65535, &o->port);
    size_t hl = (size_t)(colon - v);
    if (hl == 0 || hl >= sizeof accept_host)
        return app_error(cmd, "%s: '%s' is not [HOST:]PORT", flag, v);
    memcpy(accept_host, v, hl);
    accept_host[hl] = '\0';
    o->bind = accept_host;
    return app_uint_arg(cmd, flag, colon + 1, 0, 65535, &o->port);
}

/* -verify N asks for a client certificate, -Verify N requires one. */
static int take_verify(const char *cmd, const char *flag, const char *v, void *dest)
{
    tlstool_server_opts *o = dest;
    o->verify = strcmp(flag, "-Verify") == 0 ? 2 : 1;
    return app_uint_arg(cmd, flag, v, 0, 100, &o->verify_depth);
}

static const char about[] =
    "A TLS 1.2 server (TLS_DHE_RSA_WITH_AES_256_CBC_SHA256, RFC 5246) that any\n"
    "TLS 1.2 client can talk to: openssl s_client, curl, gnutls-cli, Python's ssl.\n"
    "It serves many clients at once, each bounded in time and buffer space.\n"
    "Without -www/-WWW/-rev, what clients send is printed to stdout and lines\n"
    "typed on stdin go to every connected client.  Connection lines go to stderr.\n";

static int run(int argc, char **argv)
{
    tlstool_server_opts o;
    int www = 0, files = 0, rev = 0, msg = 0, trace = 0;
    tlstool_server_defaults(&o);
    const opt opts[] = {
        OPTION_CALL("-accept", "[HOST:]PORT", "where to listen (default 127.0.0.1:4433;\n"
                                              "port 0 picks one and prints it)", &o, take_accept),
        OPTION_STRING("-cert", NULL, "FILE", "the server's certificate chain (PEM), leaf first",
                      &o.cert),
        OPTION_STRING("-key", NULL, "FILE", "its private key (PEM or DER, encrypted or not)", &o.key),
        OPTION_STRING("-pass", NULL, "SRC", "the key's password: pass:, env:, file:, fd:, stdin",
                      &o.pass),
        OPTION_STRING("-CAfile", NULL, "FILE", "CA certificates client certificates must chain to",
                      &o.cafile),
        OPTION_STRING("-CRL", NULL, "FILE", "the CA's revocation list (PEM or DER)", &o.crl),
        OPTION_CALL("-verify", "N", "ask for a client certificate (the client may send none)",
                    &o, take_verify),
        OPTION_CALL("-Verify", "N", "require one (handshake_failure without)", &o, take_verify),
        OPTION_FLAG("-www", NULL, "answer GET with a status page (protocol, cipher, group,\n"
                                  "key sizes, the client's certificate)", &www),
        OPTION_FLAG("-WWW", NULL, "serve the files under the current directory (no \"..\",\n"
                                  "nothing outside, at most 1 MiB)", &files),
        OPTION_FLAG("-rev", NULL, "send every line back reversed", &rev),
        OPTION_FLAG("-msg", NULL, "print every protocol message with its bytes", &msg),
        OPTION_FLAG("-trace", NULL, "print every field, every secret and every check", &trace),
        OPTION_STRING("-keylogfile", NULL, "FILE", "append the NSS key log (CLIENT_RANDOM lines);\n"
                                                    "SSLKEYLOGFILE does the same", &o.keylogfile),
        OPTION_UINT("-naccept", "N", "exit after N connections", &o.naccept, 1, 1000000000UL),
        OPTION_FLAG("-quiet", NULL, "no connection lines on stderr", &o.quiet),
        OPTION_FLAG("-no_etm", NULL, "refuse encrypt_then_mac (RFC 7366): MAC-then-encrypt",
                    &o.no_etm),
        OPTION_FLAG("-no_ems", NULL, "refuse extended_master_secret (RFC 7627)", &o.no_ems),
        OPTION_STRING("-impl", NULL, "NAME", "the records' AES, an entry of aes.h's table: ct\n"
                                             "(bitsliced), hw (AES-NI), table, ct-gf, ref;\n"
                                             "default: hw if the CPU has it, else ct",
                      &o.impl),
        OPTION_UINT("--max-clients", "N", "connections at once", &o.max_clients, 1, 100000),
        OPTION_UINT("--handshake-timeout", "S", "seconds a client has to finish the handshake",
                    &o.hs_timeout, 1, 3600),
        OPTION_UINT("--idle-timeout", "S", "seconds of silence before a close", &o.idle_timeout,
                    1, 86400),
        OPTION_END,
    };
    const opt_command spec = {
        .name = CMD,
        .synopsis = "-cert FILE -key FILE [-accept [HOST:]PORT] [-pass SRC] [-CAfile FILE]\n"
                    "                      [-CRL FILE] [-verify N | -Verify N] [-www | -WWW | -rev]\n"
                    "                      [-msg] [-trace] [-keylogfile FILE] [-naccept N] [-quiet]\n"
                    "                      [-impl NAME]",
        .about = about,
        .opts = opts,
        .example = "  glass s_server -accept 4433 -cert srv.pem -key srv.key -CAfile ca/ca.pem "
                   "-verify 1 -www\n"
                   "  curl --cacert ca/ca.pem https://localhost:4433/\n",
    };
    opt_operands rest;
    int st = opt_parse(&spec, argc, argv, &rest);
    if (st != OPT_RUN)
        return st;
    if (www + files + rev > 1)
        return app_error(CMD, "-www, -WWW and -rev exclude each other");
    o.mode = www ? TLSTOOL_MODE_WWW_STATUS : files ? TLSTOOL_MODE_WWW_FILES
           : rev ? TLSTOOL_MODE_REV : TLSTOOL_MODE_ECHO;
    o.render = trace ? TLSTOOL_RENDER_TRACE : msg ? TLSTOOL_RENDER_MSG : TLSTOOL_RENDER_NONE;
    return tlstool_server_run(&o);
}

const struct glass_command cmd_s_server = {"s_server", "a TLS 1.2 server, flagged like openssl s_server", run};
