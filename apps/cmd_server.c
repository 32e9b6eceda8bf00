/*
 * cmd_server.c — `glass server`: the options of the CA-hosting relay; the
 * server itself is the room server/ (start at server/server.h).
 */
#include "apps.h"
#include "opt.h"
#include "server/server.h"

#include <string.h>

static int run(int argc, char **argv)
{
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
                    "128, bursts of twice that)", &o.signatures, 1, 1000000),
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
                    "                    [--hello-burst N] [--signatures N]",
        .about = "Runs the glass relay: clients enroll with a one-time code (the CA in DIR\n"
                 "signs their key), then connect with mutual authentication and send each\n"
                 "other messages through the server.  DIR is a CA made by `glass ca init`;\n"
                 "the server's own key and certificate are DIR/server.key and\n"
                 "DIR/server.pem, issued from the CA on first start.  Clients may also\n"
                 "fetch the files under WWW with HTTP/1.1 GET (at most 1 MiB each; no path\n"
                 "may lead outside WWW) and keep up to 64 keys of their own in a key-value\n"
                 "store, kept in DIR/kv/NAME.SERIAL.log (one per certificate, append-only).\n"
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
