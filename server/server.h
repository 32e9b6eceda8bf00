/*
 * server.h — the glass relay server: a CA-hosting chat relay, page fetch
 * and key-value store over TCP, in one process and one poll(2) loop.
 *
 * SYNOPSIS
 *     server_opts o;
 *     server_opts_default(&o);
 *     o.dir = "myca";  o.pass = "pass:secret";  o.www = "site";
 *     return server_run(&o);            until SIGINT/SIGTERM; exit status
 *
 * DESCRIPTION
 *     A reader starts here, then server_internal.h (the server and its
 *     connections), then the files in the order a connection meets them:
 *
 *         setup.c    the options checked, the CA opened, the socket bound,
 *                    the server's own key and certificate loaded or issued
 *         loop.c     the poll loop: accept, read and feed each engine,
 *                    write what it queued, timeouts, shutdown
 *         events.c   what each engine event means: handshake done,
 *                    application message (dispatched), enrollment, close
 *         relay.c    the chat relay: SendTo, Who
 *         fetch.c    page fetch: an HTTP/1.1 GET (net/http.h) answered
 *                    piece by piece as the socket drains
 *         admit.c    admission control: per-address and global limits,
 *                    which connection makes room, wrong-code rate limits
 *         kv.c       the per-certificate key-value store, an append-only
 *                    log per certificate
 *         enroll.c   enrollment: name, one-time code, request, signature
 *         selfenroll.c  `glass server enroll`: this server enrolls with
 *                    another's CA (the other side of enroll.c)
 *         revoke.c   the CRL every engine checks, and sessions ended when
 *                    their certificate is revoked while connected
 *         worker.c   the worker thread: whatever waits on the disk or the
 *                    CA's lock (signing, CRLs, key-value writes)
 *         log.c      the log: never blocking, refusals summarised
 *
 *     Every client socket is non-blocking and has its own sans-I/O engine
 *     (protocol/protocol.h).  Nothing ever waits on one client: a slow,
 *     silent or malicious peer only costs its own buffers and timeouts.
 *
 * BOUNDS (why a peer cannot exhaust the server)
 *     at most max_clients connections, max_per_addr from one address (more
 *     are accepted, sent an alert and closed); at most max_hs_per_addr
 *     handshakes in progress per address and max_unauth in all (admit.c
 *     says which connection makes room); at
 *     most SERVER_READ_CHUNK bytes read per client per loop turn; at most
 *     SERVER_MAX_PENDING_OUT bytes queued towards a client that does not
 *     read (past that it is dropped); a page of at most SERVER_WWW_MAX_FILE
 *     bytes, sent as the socket drains; KV_MAX_KEYS keys of KV_KEY_MAX
 *     characters and values of KV_VALUE_MAX bytes per client; a handshake
 *     (and an enrollment) within hs_timeout seconds; idle_timeout seconds
 *     of silence end an established session.
 *
 * SECURITY CONSIDERATIONS
 *     Relay addresses and key-value stores belong to the CN of the client's
 *     CA-signed certificate, never to a name taken from a message.
 *     Revoked certificates fail the handshake (the engine checks the CRL)
 *     and end sessions already open (revoke.c).
 */
#ifndef GLASS_SERVER_H
#define GLASS_SERVER_H

#define SERVER_DEFAULT_PORT          4433u
#define SERVER_DEFAULT_MAX_CLIENTS   1000u
#define SERVER_DEFAULT_HS_TIMEOUT    10u     /* seconds */
#define SERVER_DEFAULT_IDLE_TIMEOUT  300u    /* seconds */
#define SERVER_DEFAULT_MAX_PER_ADDR  500u    /* connections from one address */
#define SERVER_DEFAULT_MAX_HS_PER_ADDR 64u   /* handshakes in progress from one address */
#define SERVER_DEFAULT_MAX_UNAUTH    128u    /* handshakes in progress in all */
#define SERVER_DEFAULT_HELLO_RATE    32u     /* new handshakes a second from one address ... */
#define SERVER_DEFAULT_HELLO_BURST   256u    /* ... after a burst of this many (admit.c) */
#define SERVER_DEFAULT_SIGNATURES    128u    /* ServerKeyExchange signatures a second in all, */
#define SERVER_SIG_BUCKET            3       /* ... up to this many seconds' worth at once */

/* What `glass server` was asked to do. */
typedef struct server_opts {
    const char *dir;            /* the CA directory (glass ca init) */
    const char *pass;           /* the CA key's password source (io_password_get) */
    const char *bind;           /* address to listen on */
    unsigned long port;         /* 0: any free port (printed) */
    unsigned long max_clients;
    unsigned long hs_timeout;   /* seconds */
    unsigned long idle_timeout; /* seconds */
    unsigned long max_per_addr; /* connections from one address */
    unsigned long max_hs_per_addr; /* unauthenticated connections from one address */
    unsigned long max_unauth;   /* unauthenticated connections in all */
    unsigned long hello_rate;   /* new handshakes a second per address (0: the default) */
    unsigned long hello_burst;  /* ... and the burst allowed (0: the default) */
    unsigned long signatures;   /* signatures a second in all (0: the default) */
    const char *www;            /* published pages; NULL: DIR/www if it exists */
    int trace;                  /* print every handshake step */
    int verbose;                /* a line per message too; group, suite, key sizes */
    int require_client_cert;    /* 1: no server-only sessions: a client without a
                                   certificate may only enroll */
} server_opts;

/* What `glass server enroll` was asked to do: get this server's
 * certificate from another glass server's CA over the network. */
typedef struct server_enroll_opts {
    const char *connect;        /* HOST:PORT of the CA's server */
    const char *code;           /* a one-time code made with --profile server */
    const char *subj;           /* the whole subject, "/C=../CN=HOST/emailAddress=.." */
    const char *ca;             /* the CA certificate the CA's server must show */
    const char *dir;            /* this server's CA directory: server.key, server.pem */
    const char *pass;           /* its password (it also encrypts server.key) */
    int trace;                  /* print every handshake step */
} server_enroll_opts;

/* The defaults: 127.0.0.1:4433, and the limits above. */
void server_opts_default(server_opts *o);

/* Sets up (setup.c), prints "listening on ADDR:PORT", serves until SIGINT
 * or SIGTERM, closes every session with close_notify.  Returns the exit
 * status: 0 after a signal, 1 when setup fails (one line "glass server:
 * ..." on stderr says why). */
int server_run(const server_opts *o);

/* Makes an RSA-2048 key (o->dir/server.key, written first; a pending one
 * from an earlier attempt is used again) and a request for o->subj,
 * enrolls with the CA's server at o->connect with the one-time code
 * (selfenroll.c), checks the certificate returned against o->ca (our key,
 * our subject, serverAuth), and writes o->dir/server.pem atomically.
 * Returns the exit status: 0, or 1 after one line "glass server enroll:
 * ..." saying why (no server.pem written). */
int server_enroll_run(const server_enroll_opts *o);

#endif
