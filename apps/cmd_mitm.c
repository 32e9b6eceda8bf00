/*
 * cmd_mitm.c — `glass mitm`: the options of the man-in-the-middle proxy of
 * lab 5; the proxy itself is classroom/mitm.c.  Lab build only: the normal
 * build says where to find it and exits 1.
 */
#include "apps.h"
#include "opt.h"
#include "classroom/classroom.h"

#include <stdio.h>

#ifdef GLASS_LAB_BUILD

static int run(int argc, char **argv)
{
    mitm_opts o = {NULL, NULL, NULL, "localhost", 30, NULL};
    const opt opts[] = {
        OPTION_STRING("--listen", NULL, "ADDR:PORT", "where the victim connects (port 0: any)",
                      &o.listen),
        OPTION_STRING("--connect", NULL, "HOST:PORT", "the real server", &o.connect),
        OPTION_STRING("--ca", NULL, "CA.pem", "the real server's CA", &o.ca),
        OPTION_STRING("--servername", NULL, "NAME", "the name the real server's certificate\n"
                      "must carry", &o.servername),
        OPTION_UINT("--timeout", "S", "seconds for the whole run", &o.timeout, 1, 3600),
        OPTION_STRING("--ca-out", NULL, "FILE", "also write Mallory's CA certificate (DER), to\n"
                      "play a victim that was made to trust a rogue CA", &o.ca_out),
        OPTION_END,
    };
    const opt_command spec = {
        .name = "mitm",
        .synopsis = "--listen ADDR:PORT --connect HOST:PORT --ca CA.pem\n"
                    "                  [--servername NAME] [--timeout S] [--ca-out FILE]",
        .about = "LAB BUILD ONLY.  A man in the middle for lab 5: accepts one client on\n"
                 "--listen (port 0: any free port; the line \"listening on ADDR:PORT\" says\n"
                 "which) and presents it a certificate for \"localhost\" from Mallory's own\n"
                 "CA, then talks to the real server at --connect (checked against --ca, for\n"
                 "NAME) as an enrolling client.  If the client accepts Mallory's\n"
                 "certificate, everything it sends is printed, and an enrollment is relayed\n"
                 "to the real server (exit 0).  A client that verifies the certificate\n"
                 "refuses it with the alert unknown_ca, and Mallory reads nothing (exit 1).\n",
        .opts = opts,
        .example = "  glass mitm --listen 127.0.0.1:4434 --connect 127.0.0.1:4433 \\\n"
                   "      --ca myca/ca.pem\n",
        .max_operands = 0,
    };
    opt_operands rest;
    int st = opt_parse(&spec, argc, argv, &rest);
    if (st != OPT_RUN)
        return st;
    if (o.listen == NULL || o.connect == NULL || o.ca == NULL)
        return app_error("mitm", "needs --listen, --connect and --ca (see --help)");
    return mitm_run(&o);
}

#else

static int run(int argc, char **argv)
{
    if (app_wants_help(argc, argv) && argc == 2) {
        printf("usage: glass mitm --listen ADDR:PORT --connect HOST:PORT --ca CA.pem\n\n"
               "The man-in-the-middle proxy of lab 5 exists only in the lab build:\n"
               "  make labs && build/labs/glass mitm --help\n\n"
               "example:\n  build/labs/glass mitm --listen 127.0.0.1:4434 --connect "
               "127.0.0.1:4433 --ca myca/ca.pem\n");
        return 0;
    }
    return app_error("mitm", "only in the lab build (make labs)");
}

#endif

const struct glass_command cmd_mitm = {"mitm", "man-in-the-middle proxy for lab 5 (lab build only)",
                                       run};
