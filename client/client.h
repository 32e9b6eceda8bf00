/*
 * client.h — the glass client over TCP: enroll, chat, get, bench.
 *
 * SYNOPSIS
 *     client_opts o = {0};
 *     o.server = "127.0.0.1:4433";  o.id = "alice";  o.pass = "pass:pw";
 *     return client_chat(&o);               exit status; errors on stderr
 *
 * DESCRIPTION
 *     enroll  makes an RSA-2048 key and a PKCS#10 request for /CN=NAME, runs
 *             a server-authenticated handshake, sends the request with the
 *             one-time code, checks and keeps the certificate it gets back;
 *     chat    connects with mutual authentication and relays lines typed
 *             (`/to NAME message`, `/who`, `/get PATH`, `/put KEY VALUE`,
 *             `/getkey KEY`, `/del KEY`, `/keys`, `/quit`), printing what
 *             arrives as "[alice] hello";
 *     get     fetches one page with HTTP/1.1 GET over the glass channel
 *             (docs/PROTOCOL.md §7.1) and writes its body; with count > 1,
 *             fetches it count times in turn, each on a new connection,
 *             interval_s seconds apart (a page a second: interval_s = 1);
 *     bench   repeats full handshakes for a while and prints handshakes/s,
 *             the figure `openssl s_time -new` gives for TLS.
 *
 *     Every connection prints one line on standard error when its
 *     handshake finishes: "connected: glass 1 (0x4701), suite ..., group
 *     ffdhe2048 (2048-bit DH), server key RSA-2048, client key RSA-2048"
 *     (bench: its first connection only).
 *
 *     The protocol is the sans-I/O engine of protocol/protocol.h; this room
 *     moves its bytes over a non-blocking socket (net/net.h) and turns its
 *     events into lines on the terminal.  Read in this order: conn.c (the
 *     engine over a socket until something happens), identity.c (the
 *     files), then enroll.c, chat.c, get.c, bench.c.
 *
 *     An identity directory (made by enroll, used by chat, get and bench)
 *     holds key.pem (the private key, encrypted PKCS#8, mode 0600),
 *     cert.pem (its certificate, issued by the CA) and ca.pem (the CA
 *     certificate: the trust anchor for the server), each written
 *     atomically.
 *
 * SECURITY CONSIDERATIONS
 *     Text from the network is printed with control characters replaced, so
 *     a peer cannot drive the terminal with escape sequences.  The
 *     certificate returned by enrollment is checked (our key, our name, the
 *     CA we trust) before it is kept.  In the lab build only, insecure = 1
 *     skips the check of the server's certificate (docs/labs/05).
 *
 * Errors print one line "glass client: SUB: ..." on stderr; each function
 * returns the exit status (0 or 1).
 */
#ifndef GLASS_CLIENT_H
#define GLASS_CLIENT_H

#include <stdint.h>

#define CLIENT_DEFAULT_WAIT_S  1.0
#define CLIENT_DEFAULT_TIME_S  5.0
#define CLIENT_GET_MAX_COUNT   10000   /* get --count: at most this many fetches */
#define CLIENT_GET_MAX_INTERVAL_S 3600.0  /* get --interval: at most an hour apart */

/* What the client was asked to do (the fields a subcommand does not use are
 * ignored). */
typedef struct client_opts {
    const char *server;         /* HOST:PORT */
    const char *name;           /* enroll: the name to enroll as */
    const char *code;           /* enroll: the one-time code */
    const char *ca;             /* enroll: the CA certificate to trust */
    const char *out;            /* enroll: the identity directory (default ./NAME) */
    const char *id;             /* chat, get, bench: the identity directory */
    const char *pass;           /* the key's password source (io_password_get) */
    const char *output;         /* get: -o FILE */
    const char *path;           /* get: the page */
    const char *request;        /* get: --request FILE, a whole request of one's own */
    int insecure;               /* lab build only: skip the server certificate check */
    int trace;                  /* print every handshake step */
    int verbose;                /* print group, suite, key sizes, the server's subject */
    int batch;                  /* chat: input is not a terminal */
    double wait_s;              /* chat --batch: how long to wait for answers */
    double seconds;             /* bench: how long to run */
    unsigned long iter;         /* enroll: PBKDF2 iterations for key.pem (0: default) */
    unsigned long count;        /* get: how many fetches (0 taken as 1) */
    double interval_s;          /* get: seconds between two fetches */
} client_opts;

int client_enroll(const client_opts *o);
int client_chat(const client_opts *o);
int client_get(const client_opts *o);
int client_bench(const client_opts *o);

#endif
