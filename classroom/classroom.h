/*
 * classroom.h — the tools a class uses, behind `glass walkthrough`,
 * `glass lab` and `glass mitm`: a connection narrated byte by byte, the
 * attack demonstrations of docs/labs/, and a man in the middle.
 *
 * SYNOPSIS
 *     walk_request r = {0};
 *     r.seeded = 1;  r.seed = 1;  r.format = "html";
 *     return walk_run(&r);                  exit status; errors on stderr
 *
 * DESCRIPTION
 *     The walkthrough runs a client and a server engine back to back in one
 *     process (net_pump, no sockets) and narrates the whole connection:
 *     every message with every field of its bytes (from the engine's own
 *     dissector), every derived value with its inputs, an independent
 *     recomputation and the commands (glass, openssl, python3) that redo
 *     it by hand from the files of --save.  Read walkthrough.c, then
 *     walk_pki.c (the classroom PKI), walk_session.c (the connection and
 *     its narration), walk_derive.c (each derived value recomputed),
 *     walk_prf.c (the PRF as its HMAC steps), walk_sig.c (the two RSA
 *     signatures opened), walk_record.c (a protected record recomputed),
 *     walk_cmd.c (the files of --save, the commands), walk_prim.c (one RSA
 *     signature, one DH agreement), walk_render.c (text, JSON, HTML),
 *     walk_der.c (certificates field by field) and
 *     walk_text.c (text in 100 columns).  Their shared declarations are
 *     walk_session.h, walk_internal.h and walk_render.h.
 *
 *     The labs (lab build only, GLASS_LAB_BUILD) demonstrate attacks on
 *     deliberately weakened variants that glasstls itself never uses:
 *     SHA-256(key || message) as a MAC (lab_sha.c), sloppy PKCS#1 v1.5
 *     verification and e = 3 (lab_rsa.c), MAC-then-encrypt and a padding
 *     oracle (lab_cbc.c), unauthenticated DH (lab_dh.c), RSA key transport
 *     without forward secrecy (lab_fs.c), records flipped, replayed or
 *     dropped between two engines (lab_tamper.c), and a man in the middle
 *     over TCP (mitm.c).  Their shared declarations are lab_common.h.
 *
 * SECURITY CONSIDERATIONS
 *     Everything here prints secrets on purpose: it is for teaching.  A
 *     seeded run is predictable and says so at the top.  The insecure
 *     switches exist only in the lab build and print a banner when on.
 */
#ifndef GLASS_CLASSROOM_H
#define GLASS_CLASSROOM_H

#include <stdint.h>

/* What `glass walkthrough` was asked to narrate. */
typedef struct walk_request {
    int enroll;                 /* the client enrolls first, then connects again */
    int mutual;                 /* mutual authentication (the default; excludes enroll) */
    int seeded;                 /* deterministic: seed below, clock fixed at 2026-01-01 */
    uint64_t seed;
    int step;                   /* text: pause after each message until Enter */
    int no_colour;              /* text: no ANSI colours even on a terminal */
    const char *format;         /* "text" (NULL too), "json" or "html" */
    const char *primitive;      /* NULL, "rsa" or "dh": one primitive instead */
    const char *save;           /* write each handshake message to DIR/NN-Name.bin */
} walk_request;

/* Narrates on standard output; returns the exit status (1 after one line
 * "glass walkthrough: ..." on stderr when the request is inconsistent or
 * the connection did not go as planned). */
int walk_run(const walk_request *r);

#ifdef GLASS_LAB_BUILD
/* What `glass mitm` was asked to do (lab build only). */
typedef struct mitm_opts {
    const char *listen;         /* ADDR:PORT where the victim connects (port 0: any) */
    const char *connect;        /* HOST:PORT of the real server */
    const char *ca;             /* the real CA's certificate (PEM) */
    const char *servername;     /* the name the real server's certificate must carry */
    unsigned long timeout;      /* seconds for the whole run */
    const char *ca_out;         /* also write Mallory's CA certificate (DER) here */
} mitm_opts;

/* Runs the proxy for one victim.  Returns 0 if Mallory read the victim's
 * traffic, 1 if she read nothing (the victim checked the certificate) or
 * something failed. */
int mitm_run(const mitm_opts *o);
#endif

/* What `glass demo --interactive` was asked for. */
typedef struct demo_opts {
    const char *dir;            /* where to work; NULL: a new temporary
                                   directory, removed on quit */
    const char *argv0;          /* the glass binary, when /proc/self/exe
                                   cannot say */
} demo_opts;

/* A menu on standard input and output (classroom/demo_menu.c): make a CA,
 * start the server, enroll alice, send a chat message and see it come back,
 * fetch a page, stop the server, quit; each item prints the exact `glass`
 * commands it runs (children of this same binary) before running them.
 * Quit, the end of input and SIGINT/SIGTERM all stop every process
 * started.  Returns 0, or 1 when stopped by a signal or the directory
 * cannot be set up. */
int demo_menu_run(const demo_opts *o);

#endif
