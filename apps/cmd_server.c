/*
 * cmd_server.c — `glass server`: the options of the CA-hosting relay; the
 * server itself is the room server/ (start at server/server.h).
 */
#include "apps.h"
#include "opt.h"
#include "server/server.h"

#include <string.h>

/* `glass server enroll`: this server gets its certificate from another
 * glass server's CA (server/selfenroll.c). */
static int run_enroll(int argc, char **argv)
{
    server_enroll_opts o;
    memset(&o, 0, sizeof o);
    const opt opts[] = {
        OPTION_STRING("--connect", "-connect", "HOST:PORT",
                      "the glass server that holds the CA", &o.connect),
        OPTION_STRING("--code", NULL, "CODE",
                      "the one-time code (glass ca enroll-code --profile server)", &o.code),
        OPTION_STRING("--subj", "-subj", "SUBJECT",
                      "this server's whole subject, as the code names it", &o.subj),
        OPTION_STRING("--ca", "-CAfile", "FILE", "the CA certificate to trust", &o.ca),
        OPTION_STRING("--dir", "-dir", "DIR",
                      "this server's CA directory: server.key, server.pem go there", &o.dir),
        OPTION_STRING("-pass", "-passin", "SRC",
                      "password of DIR's CA key; also encrypts server.key\n"
                      "(--pass also works)", &o.pass),
        OPTION_STRING("--pass", NULL, "SRC", "the same as -pass", &o.pass),
        OPTION_FLAG("--trace", "-trace", "print every handshake step with its bytes", &o.trace),
        OPTION_END,
    };
    const opt_command spec = {
        .name = "server enroll",
        .synopsis = "--connect HOST:PORT --code CODE --subj SUBJECT --ca ca.pem\n"
                    "                           --dir DIR -pass SRC [--trace]",
        .about = "Gets this server's certificate from the CA of another glass server, over\n"
                 "the network: makes an RSA-2048 key and a request for SUBJECT, sends it\n"
                 "with the one-time code (made by that CA's operator with `glass ca\n"
                 "enroll-code --profile server --subj SUBJECT --san ...`), checks the\n"
                 "certificate returned (our key, our subject, issued by the CA of --ca for\n"
                 "serverAuth), and writes DIR/server.key and DIR/server.pem, each\n"
                 "atomically; `glass server --dir DIR` then serves with them.  DIR is this\n"
                 "server's own CA directory (glass ca init); it must have no server.pem.\n",
        .opts = opts,
        .example = "  glass ca enroll-code --dir caA --profile server \\\n"
                   "      --subj '/C=BR/O=Class/CN=www.example.test' --san DNS:www.example.test\n"
                   "  glass ca init --dir caB -subj /CN=Web-CA -pass pass:b\n"
                   "  glass server enroll --connect 127.0.0.1:4433 --code 7K2M-QX4D-9HJB-TR3W-P6NC \\\n"
                   "      --subj '/C=BR/O=Class/CN=www.example.test' --ca caA/ca.pem \\\n"
                   "      --dir caB -pass pass:b\n",
        .anywhere = 1,
        .max_operands = 0,
    };
    opt_operands rest;
    int st = opt_parse(&spec, argc, argv, &rest);
    if (st != OPT_RUN)
        return st;
    return server_enroll_run(&o);
}

static int run(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "enroll") == 0)
        return run_enroll(argc - 1, argv + 1);
    server_opts o;
    server_opts_default(&o);
    const opt opts[] = {
        OPTION_STRING("--dir", "-dir", "DIR", "the CA directory (glass ca init)", &o.dir),
        OPTION_STRING("-pass", "-passin", "SRC",
                      "password of the CA key (pass:, env:, file:, fd:, stdin;\n"
                      "--pass also works)", &o.pass),
        OPTION_STRING("--pass", NULL, "SRC", "the same as -pass", &o.pass),
        OPTION_UINT("--port", "N", "TCP port (0 picks a free one and prints\n"
                                   "\"listening on ADDR:PORT\"; -port, -accept also work)",
                    &o.port, 0, 65535),
        OPTION_UINT("-port", "N", "the same as --port", &o.port, 0, 65535),
        OPTION_UINT("-accept", "N", "the same as --port (OpenSSL's s_server name)", &o.port, 0,
                    65535),
        OPTION_STRING("--bind", "-bind", "ADDR", "address to listen on", &o.bind),
        OPTION_STRING("--www", "-WWW", "WWW",
                      "the directory of pages to publish (default DIR/www\n"
                      "when it exists; otherwise none)", &o.www),
        OPTION_FLAG("--trace", "-trace", "print every handshake step with its bytes", &o.trace),
        OPTION_FLAG("--verbose", "-verbose",
                    "a log line for every message, connection and refusal;\n"
                    "group, suite, key sizes and peer subject", &o.verbose),
        OPTION_UINT("--max-clients", "N", "connections at once", &o.max_clients, 1, 100000),
        OPTION_UINT("--max-per-address", "N",
                    "connections at once from one address (default 500)", &o.max_per_addr,
                    1, 100000),
        OPTION_UINT("--max-handshakes-per-address", "N",
                    "handshakes in progress from one address (default 64;\n"
                    "past it the oldest, if 2 s old, is closed, else the\n"
                    "newcomer); 4 times as many may wait for a ClientHello\n"
                    "(past that the oldest waiting is closed)", &o.max_hs_per_addr, 1, 100000),
        OPTION_UINT("--max-unauthenticated", "N",
                    "handshakes in progress in all (default a quarter of\n"
                    "--max-clients, at most 128)", &o.max_unauth, 1, 100000),
        OPTION_UINT("--hello-rate", "N",
                    "new handshakes a second from one address (default 32;\n"
                    "each costs the server an RSA signature; over it the\n"
                    "peer gets an alert)", &o.hello_rate, 1, 1000000),
        OPTION_UINT("--hello-burst", "N",
                    "... of which this many at once (default 256)", &o.hello_burst, 1, 1000000),
        OPTION_UINT("--signatures", "N",
                    "handshakes (RSA signatures) a second in all (default\n"
                    "128, bursts of three times that, a third of it\n"
                    "kept for addresses that have been quiet)", &o.signatures, 1, 1000000),
        OPTION_FLAG("--require-client-cert", NULL,
                    "no server-only access: a client without a certificate\n"
                    "may only enroll (default: it may fetch pages)",
                    &o.require_client_cert),
        OPTION_UINT("--handshake-timeout", "S", "seconds a client has to finish the handshake",
                    &o.hs_timeout, 1, 3600),
        OPTION_UINT("--idle-timeout", "S", "seconds of silence before a close", &o.idle_timeout,
                    1, 86400),
        OPTION_END,
    };
    const opt_command spec = {
        .name = "server",
        .synopsis = "--dir DIR -pass SRC [--port N] [--bind ADDR] [--www WWW]\n"
                    "                    [--trace] [--verbose] [--max-clients N]\n"
                    "                    [--handshake-timeout S] [--idle-timeout S]\n"
                    "                    [--max-per-address N] [--max-handshakes-per-address N]\n"
                    "                    [--max-unauthenticated N] [--hello-rate N]\n"
                    "                    [--hello-burst N] [--signatures N] [--require-client-cert]\n"
                    "       glass server enroll --connect HOST:PORT --code CODE --subj SUBJECT\n"
                    "                           --ca ca.pem --dir DIR -pass SRC (see\n"
                    "                           glass server enroll --help)",
        .about = "Runs the glass relay: clients enroll with a one-time code (the CA in DIR\n"
                 "signs their key), then connect with mutual authentication and send each\n"
                 "other messages through the server.  DIR is a CA made by `glass ca init`;\n"
                 "the server's own key and certificate are DIR/server.key and\n"
                 "DIR/server.pem, issued from the CA on first start.  Clients may also\n"
                 "fetch the files under WWW with HTTP/1.1 GET (at most 1 MiB each; no path\n"
                 "may lead outside WWW) and keep up to 64 keys of their own in a key-value\n"
                 "store, kept in DIR/kv/NAME.SERIAL.log (one per certificate, append-only).\n"
                 "Pages are public, as on an HTTPS server: a client without a certificate\n"
                 "(`glass client get --ca ca.pem`) may fetch them in a server-only session,\n"
                 "while chat and the key-value store need a certificate, since their\n"
                 "addresses belong to the name it carries.  --require-client-cert turns\n"
                 "server-only access off.\n"
                 "SIGINT or SIGTERM closes every session\n"
                 "with close_notify and exits 0.\n",
        .opts = opts,
        .example = "  glass ca init --dir myca -subj /CN=Class-CA -pass pass:secret\n"
                   "  glass server --dir myca -pass pass:secret --port 4433 --www site\n",
        .anywhere = 1,
        .max_operands = 0,
    };
    opt_operands rest;
    int st = opt_parse(&spec, argc, argv, &rest);
    if (st != OPT_RUN)
        return st;
    return server_run(&o);
}

const struct glass_command cmd_server = {"server", "the glass relay server (hosts the CA)", run};
