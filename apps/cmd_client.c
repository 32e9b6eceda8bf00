/*
 * cmd_client.c — `glass client enroll | chat | get | bench`: the options of
 * the glass client; the client itself is the room client/ (start at
 * client/client.h).
 *
 * In the lab build only, --insecure skips the check of the server's
 * certificate, as many hand-written HTTPS clients do (docs/labs/05); the
 * normal build refuses the switch.
 */
#include "apps.h"
#include "opt.h"
#include "client/client.h"
#include "ca/ca.h"

#include <stdlib.h>
#include <string.h>

/* --wait S, --time S: seconds, 0 to 3600, fractions allowed. */
static int take_seconds(const char *cmd, const char *flag, const char *value, void *dest)
{
    char *end = NULL;
    double d = strtod(value, &end);
    if (end == value || *end != '\0' || !(d >= 0) || d > 3600)
        return app_error(cmd, "%s: '%s' is not a number of seconds from 0 to 3600", flag, value);
    *(double *)dest = d;
    return 0;
}

static const char about[] =
    "enroll  makes an RSA-2048 key (saved encrypted with the password), a request\n"
    "        for /CN=NAME, and has the server's CA sign it, using the one-time\n"
    "        code from `glass ca enroll-code`.  The server's certificate is\n"
    "        checked against ca.pem and must name HOST.  The identity (key.pem,\n"
    "        cert.pem, ca.pem) is kept in DIR (default ./NAME).\n"
    "chat    connects with mutual authentication.  Lines typed (or read from\n"
    "        standard input when it is not a terminal, or with --batch):\n"
    "            /to NAME message    send a message to NAME through the server\n"
    "            /who                list the connected clients\n"
    "            /get PATH           fetch a page the server publishes (HTTP/1.1\n"
    "                                GET) and print the whole response\n"
    "            /put KEY VALUE      keep VALUE under KEY in your own store\n"
    "            /getkey KEY         print it (also /kv get KEY)\n"
    "            /del KEY            forget it\n"
    "            /keys               list your keys\n"
    "            /quit               leave\n"
    "        Messages arrive as \"[NAME] text\".  In batch mode, after the end of\n"
    "        input the client waits up to --wait S seconds (default 1) for\n"
    "        answers: it leaves as soon as every request is answered, unless it\n"
    "        sent a /to (answered only on failure), then it waits all S.\n"
    "get     fetches PATH (e.g. /index.html) with HTTP/1.1 GET over the glass\n"
    "        channel and writes the body to standard output, or with -o FILE\n"
    "        to FILE (atomically: all of it or nothing).  A status other than\n"
    "        200 is an error: exit 1, nothing written.  --request FILE sends\n"
    "        FILE's bytes as the request, as they are (write your own HTTP),\n"
    "        and writes the whole response, status line and header included.\n"
    "        Without --id but with --ca ca.pem, get (and chat) connect anonymously:\n"
    "        only the server shows a certificate, as with HTTPS.  Pages can be\n"
    "        fetched; chat and the key-value store are refused (they need a\n"
    "        certificate: run `glass client enroll`).\n"
    "Every connection prints one line on standard error when its handshake is\n"
    "done: protocol and version, suite, group, and the key sizes of both ends.\n"
    "bench   repeats full mutually-authenticated handshakes for --time S seconds\n"
    "        (default 5) and prints handshakes per second (like `openssl s_time\n"
    "        -new`).\n";

static int run(int argc, char **argv)
{
    client_opts o;
    int insecure = 0, new_ignored = 0;
    memset(&o, 0, sizeof o);
    o.wait_s = CLIENT_DEFAULT_WAIT_S;
    o.seconds = CLIENT_DEFAULT_TIME_S;
    const opt opts[] = {
        OPTION_STRING("--server", "-connect", "HOST:PORT", "the server", &o.server),
        OPTION_STRING("--name", NULL, "NAME", "enroll: the name to enroll as", &o.name),
        OPTION_STRING("--code", NULL, "CODE", "enroll: the one-time code", &o.code),
        OPTION_STRING("--ca", "-CAfile", "FILE",
                      "enroll, or get/chat without --id: the CA certificate\n"
                      "to trust (without --id: anonymous, pages only)", &o.ca),
        OPTION_STRING("--out", NULL, "DIR", "enroll: where to keep the identity (default ./NAME)",
                      &o.out),
        OPTION_UINT("-iter", "N", "enroll: PBKDF2 iterations protecting key.pem\n"
                                  "(default 100000; --iter also works)",
                    &o.iter, 1, KEY_MAX_ITERATIONS),
        OPTION_UINT("--iter", "N", "the same as -iter", &o.iter, 1, KEY_MAX_ITERATIONS),
        OPTION_STRING("--id", NULL, "DIR", "chat, get, bench: the identity directory", &o.id),
        OPTION_STRING("-pass", "--pass", "SRC",
                      "the key's password (pass:, env:, file:, fd:, stdin)", &o.pass),
        OPTION_STRING("-o", "-out", "FILE", "get: write the body to FILE", &o.output),
        OPTION_STRING("--request", NULL, "FILE", "get: send FILE's bytes as the request",
                      &o.request),
        OPTION_UINT("--count", "N", "get: fetch the page N times in turn, each on a new\n"
                                    "connection", &o.count, 1, CLIENT_GET_MAX_COUNT),
        OPTION_CALL("--interval", "S", "get --count: seconds between two fetches (default 0)",
                    &o.interval_s, take_seconds),
        OPTION_FLAG("--batch", NULL, "chat: read commands from standard input", &o.batch),
        OPTION_CALL("--wait", "S", "chat --batch: seconds to wait for answers (default 1)",
                    &o.wait_s, take_seconds),
        OPTION_CALL("--time", "S", "bench: seconds to run (default 5; -time also works)",
                    &o.seconds, take_seconds),
        OPTION_CALL("-time", "S", "the same as --time", &o.seconds, take_seconds),
        OPTION_FLAG("--new", "-new", "bench: every handshake is a full one (always so)",
                    &new_ignored),
        OPTION_FLAG("--trace", "-trace", "print every handshake step with its bytes and meaning",
                    &o.trace),
        OPTION_FLAG("--verbose", "-verbose",
                    "print the group, suite, key sizes and the server's subject", &o.verbose),
        OPTION_FLAG("--insecure", "-insecure",
                    "LAB BUILD ONLY: do not check the server's certificate (lab 5)", &insecure),
        OPTION_END,
    };
    const opt_command spec = {
        .name = "client",
        .synopsis =
            "enroll --server HOST:PORT --name NAME --code CODE --ca ca.pem\n"
            "                           [--out DIR] -pass SRC [-iter N] [--trace] [--verbose]\n"
            "       glass client chat --server HOST:PORT --id DIR -pass SRC [--batch]\n"
            "                         [--wait S] [--trace] [--verbose]\n"
            "       glass client get --server HOST:PORT (--id DIR -pass SRC | --ca FILE)\n"
            "                        PATH [-o FILE]\n"
            "                        [--request FILE] [--count N] [--interval S]\n"
            "       glass client bench --server HOST:PORT --id DIR -pass SRC [--time S] [--new]",
        .about = about,
        .opts = opts,
        .example = "  glass client enroll --server 127.0.0.1:4433 --name alice \\\n"
                   "      --code 7K2M-QX4D-9HJB-TR3W-P6NC --ca myca/ca.pem -pass pass:alicepw\n"
                   "  printf '/to bob hello\\n/who\\n' | \\\n"
                   "      glass client chat --server 127.0.0.1:4433 --id alice -pass pass:alicepw\n"
                   "  glass client get --server 127.0.0.1:4433 --id alice -pass pass:alicepw \\\n"
                   "      /index.html -o index.html\n"
                   "  glass client get --server 127.0.0.1:4433 --id alice -pass pass:alicepw \\\n"
                   "      --count 5 --interval 1 /index.html\n"
                   "  glass client get --server 127.0.0.1:4433 --ca myca/ca.pem /index.html\n",
        .anywhere = 1,
        .max_operands = -1,
    };
    opt_operands rest;
    int st = opt_parse(&spec, argc, argv, &rest);
    if (st != OPT_RUN)
        return st;
    if (insecure) {
#ifdef GLASS_LAB_BUILD
        o.insecure = 1;
#else
        /* Skipping the server's certificate check is a lab exercise
         * (docs/labs/05-certificates.md), never an option of the real
         * client. */
        return app_error("client", "only in the lab build (make labs)");
#endif
    }
    if (rest.n < 1)
        return app_error("client", "a subcommand is needed: enroll, chat, get or bench "
                                   "(see --help)");
    const char *sub = rest.v[0];
    int is_get = strcmp(sub, "get") == 0;
    if (rest.n > (is_get ? 2 : 1))
        return app_error("client", "%s: unexpected argument '%s' (see --help)", sub,
                         rest.v[is_get ? 2 : 1]);
    if (!is_get && (o.output != NULL || o.request != NULL || o.count != 0 || o.interval_s != 0))
        return app_error("client", "%s: %s is for get only (see --help)", sub,
                         o.output != NULL ? "-o" : o.request != NULL ? "--request"
                         : o.count != 0 ? "--count" : "--interval");
    if (is_get && rest.n == 2)
        o.path = rest.v[1];
    if (strcmp(sub, "enroll") == 0)
        return client_enroll(&o);
    if (strcmp(sub, "chat") == 0)
        return client_chat(&o);
    if (is_get)
        return client_get(&o);
    if (strcmp(sub, "bench") == 0)
        return client_bench(&o);
    return app_error("client", "unknown subcommand '%s': use enroll, chat, get or bench", sub);
}

const struct glass_command cmd_client = {
    "client", "enroll with, chat through, fetch from, or benchmark a glass server", run};
