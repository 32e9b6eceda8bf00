/*
 * tlstool.h — the TLS 1.2 tools: `glass s_server` and `glass s_client`,
 * named and flagged like OpenSSL's, so the two can be laid side by side.
 *
 * SYNOPSIS
 *     tlstool_server_opts so = {0};   tlstool_server_defaults(&so);
 *     so.port = 4433;  so.cert = "srv.pem";  so.key = "srv.key";
 *     so.mode = TLSTOOL_MODE_WWW;                     (-www status page)
 *     return tlstool_server_run(&so);
 *
 *     tlstool_client_opts co = {0};   tlstool_client_defaults(&co);
 *     co.host = "127.0.0.1";  co.port = 4433;  co.cafile = "ca.pem";
 *     return tlstool_client_run(&co);
 *
 * DESCRIPTION
 *     This room sits above the handshake engine (protocol/protocol.h) and
 *     below the command files (apps/cmd_s_server.c, apps/cmd_s_client.c),
 *     which only parse flags into the option structs below.  Read it in
 *     this order:
 *
 *       ident.c    the files a command names (-cert, -key, -pass, -CAfile,
 *                  -CRL) turned into what glass_config points at;
 *       tap.c      one tracer for the engine that feeds the key log
 *                  (keylog.c) and the live -msg / -trace renderer (render.c);
 *       keylog.c   the NSS key log writer (CLIENT_RANDOM lines), the format
 *                  Wireshark and tshark read to decrypt a capture;
 *       render.c   -msg (one line per message with its hex) and -trace
 *                  (every field of every message and every derived secret,
 *                  from the engine's trace events and its dissector
 *                  (protocol/dissect12.c for TLS 1.2, RFC 5246 §7.4));
 *       server.c   the s_server accept loop: one poll(2) loop serving many
 *                  clients at once, each with its own engine, bounded in
 *                  number, buffer size and time (handshake and idle
 *                  timeouts);
 *       www.c      what a server answers once a client is in: the -www
 *                  status page, -WWW files with path checks, -rev;
 *       client.c   the s_client interactive loop: stdin to the server, the
 *                  server to stdout;
 *       summary.c  the block both print after a handshake (protocol,
 *                  cipher by its OpenSSL and IANA names, group, key sizes,
 *                  verification result, session), from facts.c;
 *       session.c  -sess_out / -sess_in / -reconnect;
 *       compare.c  `glass compare`: a glass and a TLS 1.2 handshake side
 *                  by side;
 *       walk12.c   `glass walkthrough --protocol tls12`: one TLS 1.2
 *                  connection in this process, explained byte by byte.
 *
 * STANDARDS
 *     RFC 5246 (TLS 1.2), with the extensions RFC 7627 (extended master
 *     secret), RFC 7366 (encrypt-then-MAC), RFC 7919 (FFDHE groups); the
 *     NSS key log format (as documented by the NSS and Wireshark projects);
 *     HTTP/1.0 (RFC 1945) for -www and -WWW.
 *
 * SECURITY CONSIDERATIONS
 *     A key log holds what decrypts every logged session: it is written
 *     with mode 0600 and only when asked (-keylogfile, SSLKEYLOGFILE).
 *     -trace prints secrets (DH exponents, keys): it is for teaching.
 *     -WWW serves files under the current directory only, with page
 *     fetch's checks (net/http.h): no "..", no symbolic link that leads
 *     outside, a regular file of at most 1 MiB.
 */
#ifndef GLASS_TLSTOOL_H
#define GLASS_TLSTOOL_H

#include "common/common.h"
#include "protocol/protocol.h"
#include "rsa/rsa.h"

#include <stdint.h>
#include <stdio.h>

/* Defaults: the same bounds as the glass server. */
#define TLSTOOL_DEFAULT_PORT        4433u
#define TLSTOOL_DEFAULT_MAX_CLIENTS 256u
#define TLSTOOL_DEFAULT_HS_TIMEOUT  10u      /* seconds to finish a handshake */
#define TLSTOOL_DEFAULT_IDLE        300u     /* seconds of silence before a close */
#define TLSTOOL_WWW_MAX_FILE        (1u << 20)

/* ---- the files a command names (ident.c) ---------------------------------- */

/* Everything glass_config points at, owned here. */
typedef struct tlstool_ident {
    glass_blob *chain;          /* own chain, leaf first (-cert) */
    size_t n_chain;
    rsa_private_key key;        /* -key, decrypted with -pass */
    int have_key;
    glass_blob *anchors;        /* -CAfile */
    size_t n_anchors;
    glass_blob crl;             /* -CRL (DER) */
    unsigned own_key_bits;      /* size of our RSA modulus, 0 without -key */
} tlstool_ident;

/* Loads -cert (PEM, every certificate in it), -key (PEM/DER, encrypted or
 * not, password from pass as -pass SRC says), -CAfile (PEM, every
 * certificate an anchor) and -CRL (PEM or DER); each may be NULL.  On
 * failure prints one line "glass CMD: FILE: reason" and returns 1. */
int tlstool_ident_load(const char *cmd, tlstool_ident *id, const char *cert, const char *key,
                       const char *pass, const char *cafile, const char *crl);
/* Points cfg at what id holds (chain, key, anchors, CRL). */
void tlstool_ident_config(const tlstool_ident *id, glass_config *cfg);
/* Wipes the key and frees everything. */
void tlstool_ident_free(tlstool_ident *id);

/* ---- the NSS key log (keylog.c) ------------------------------------------ */

/* An open key log; NULL when none was asked for. */
typedef struct tlstool_keylog tlstool_keylog;

/* Opens path for appending (created 0600), or the file named by the
 * SSLKEYLOGFILE environment variable when path is NULL; *out stays NULL
 * when neither is set.  On failure prints one line and returns 1. */
int tlstool_keylog_open(const char *cmd, const char *path, tlstool_keylog **out);
/* Appends one line ("CLIENT_RANDOM <client_random hex> <master_secret
 * hex>", as the engine's key log hook gives it) and a newline, and
 * flushes, so a running Wireshark sees it at once. */
void tlstool_keylog_write(tlstool_keylog *kl, const char *line);
void tlstool_keylog_close(tlstool_keylog *kl);

/* ---- one tracer per connection (tap.c, render.c) ----------------------- */

enum tlstool_render {
    TLSTOOL_RENDER_NONE = 0,
    TLSTOOL_RENDER_MSG,         /* -msg: one line per message, then its hex */
    TLSTOOL_RENDER_TRACE        /* -trace: every field and every secret */
};

/* What one connection does with the engine's trace events and key log
 * line. */
typedef struct tlstool_tap {
    tlstool_keylog *keylog;     /* NULL: no key log file */
    enum tlstool_render render;
    FILE *out;                  /* where -msg / -trace print */
    char prefix[24];            /* before every line ("#3 ") */
    uint8_t master_secret[48];  /* from the key log line (wiped in tlstool_tap_clear) */
    int have_master;
    glass_tracer tracer;        /* &tracer goes to glass_config.trace */
} tlstool_tap;

/* Sets up tap and points cfg at it: cfg->keylog always (the summary shows
 * the master secret; the file gets the line when kl is set), cfg->trace
 * only for -msg / -trace, so the engine otherwise runs silent (and fast). */
void tlstool_tap_init(tlstool_tap *tap, glass_config *cfg, tlstool_keylog *kl,
                      enum tlstool_render render, FILE *out, const char *prefix);
/* The glass_keylog_fn behind cfg->keylog (arg is the tlstool_tap *). */
void tlstool_tap_keylog(void *arg, const char *line);
/* Wipes the master secret kept for the key log. */
void tlstool_tap_clear(tlstool_tap *tap);
/* The glass_trace_fn behind tap->tracer (arg is the tlstool_tap *). */
void tlstool_tap_event(void *arg, const char *name, const char *explain, const uint8_t *bytes,
                       size_t len);
/* Renders one trace event for -msg or -trace (render.c). */
void tlstool_render_event(const tlstool_tap *tap, const char *name, const char *explain,
                          const uint8_t *bytes, size_t len);

/* ---- the TLS 1.2 profile (profile.c) --------------------------------------- */

/* Sets what makes an engine config speak TLS 1.2 rather than glass: the
 * profile, and for a server the client-certificate mode (verify: 0 do not
 * ask, 1 request, 2 require) and the session cache; for a client the
 * names it sends and checks. */
void tlstool_profile_server(glass_config *cfg, int verify);
void tlstool_profile_client(glass_config *cfg, const char *servername, const char *check_name);
/* -impl NAME: the record layer's AES, an entry of aes/aes.h's table (NULL
 * name: the constant-time default).  0, or 1 after one line naming what
 * was wrong (an unknown name, or one this CPU cannot run). */
int tlstool_profile_impl(const char *cmd, const char *name, glass_config *cfg);

/* ---- sessions to resume (session.c) ---------------------------------------- */

/* A saved session (the engine's opaque blob: session ID, master secret,
 * EMS flag, suite, server name and certificate), for glass_config.session. */
typedef struct tlstool_session {
    uint8_t *blob;              /* NULL: none (a full handshake) */
    size_t len;
} tlstool_session;

/* -sess_in: reads a file written by tlstool_session_save.  Prints one line
 * and returns 1 on failure. */
int tlstool_session_load(const char *cmd, const char *path, tlstool_session *s);
/* Takes e's session (after HANDSHAKE_DONE) into s, replacing what s held.
 * GLASS_ERR_PROTO_STATE when the server gave no session ID. */
glass_err tlstool_session_take(const glass_engine *e, tlstool_session *s);
/* -sess_out: writes e's session to path as PEM ("GLASS TLS SESSION"),
 * atomically and with mode 0600 (it holds the master secret).  Prints one
 * line and returns 1 on failure. */
int tlstool_session_save(const char *cmd, const glass_engine *e, const char *path);
/* Wipes and frees. */
void tlstool_session_free(tlstool_session *s);

/* ---- what a handshake settled (facts.c) ---------------------------------- */

/* Everything the summary block, the status page and the session file say
 * about a connection, gathered from the engine's getters in one place. */
typedef struct tlstool_facts {
    uint16_t version;           /* 0x0303 for TLS 1.2 */
    uint16_t suite;
    uint16_t group;             /* RFC 7919 NamedGroup, 0 for any other group */
    char group_name[40];        /* "ffdhe2048", "modp14 (RFC 3526)",
                                   "unnamed 2048-bit group"; "" after a resumption */
    unsigned dh_bits;           /* size of the DH prime p */
    unsigned peer_key_bits;     /* the peer's RSA modulus, 0 without a certificate */
    int ems, etm, resumed;      /* RFC 7627, RFC 7366, abbreviated handshake */
    int secure_renegotiation;   /* RFC 5746 signalled */
    glass_err verify_result;    /* the peer chain's check (GLASS_OK: verified) */
    uint8_t session_id[32];
    size_t session_id_len;
    char sni[GLASS_MAX_NAME + 1];   /* server: the name the client asked for */
} tlstool_facts;

void tlstool_engine_facts(const glass_engine *e, tlstool_facts *out);

/* ---- the summary block (summary.c) -------------------------------------- */

/* The OpenSSL name and the IANA name of a cipher suite code
 * ("DHE-RSA-AES256-SHA256", "TLS_DHE_RSA_WITH_AES_256_CBC_SHA256");
 * "(NONE)" for 0, "unknown" otherwise. */
const char *tlstool_suite_openssl_name(uint16_t suite);
const char *tlstool_suite_iana_name(uint16_t suite);
/* "TLSv1.2" for 0x0303, "glass" for GLASS_VERSION, "unknown" otherwise. */
const char *tlstool_version_name(uint16_t version);

/* Prints the block after a handshake, in the shape of OpenSSL's s_client
 * ("New, TLSv1.2, Cipher is ...", "Server public key is N bit", ...):
 * protocol, cipher (both names), DH group and its size, the peer's
 * certificate subject and key size, the verification result, the
 * session ID and whether the session was resumed, EMS and EtM. */
void tlstool_print_summary(FILE *out, const glass_engine *e, const tlstool_tap *tap);

/* Writes the -www status page for engine e into buf (NUL-terminated,
 * truncated to cap): the HTML body of the answer, listing protocol, suite,
 * group and key sizes and the client's certificate subject, as OpenSSL's
 * -www page does.  Returns its length. */
size_t tlstool_status_page(const glass_engine *e, char *buf, size_t cap);

/* ---- s_server (server.c, www.c) --------------------------------------- */

enum tlstool_mode {
    TLSTOOL_MODE_ECHO = 0,      /* default: client data to stdout, stdin to clients */
    TLSTOOL_MODE_WWW_STATUS,    /* -www: GET / answers the status page */
    TLSTOOL_MODE_WWW_FILES,     /* -WWW: GET /path serves ./path */
    TLSTOOL_MODE_REV            /* -rev: every line comes back reversed */
};

typedef struct tlstool_server_opts {
    const char *bind;           /* default "127.0.0.1" */
    unsigned long port;         /* -accept; 0 picks one and prints it */
    const char *cert, *key, *pass, *cafile, *crl;
    int verify;                 /* 0 none, 1 -verify (request), 2 -Verify (require) */
    unsigned long verify_depth; /* the N of -verify N (informational) */
    enum tlstool_mode mode;
    enum tlstool_render render; /* -msg / -trace */
    const char *keylogfile;
    unsigned long naccept;      /* 0: forever; else exit after N connections */
    unsigned long max_clients;
    unsigned long hs_timeout;   /* seconds */
    unsigned long idle_timeout; /* seconds */
    int quiet;                  /* -quiet: no per-connection lines */
    int no_etm, no_ems;         /* -no_etm, -no_ems: refuse RFC 7366 / RFC 7627 */
    const char *impl;           /* -impl NAME: the records' AES (NULL: default) */
} tlstool_server_opts;

void tlstool_server_defaults(tlstool_server_opts *o);
/* Runs until SIGINT/SIGTERM or -naccept connections are done; returns the
 * exit status (0, or 1 after printing one line on a setup error). */
int tlstool_server_run(const tlstool_server_opts *o);

/* One connection's request, answered (www.c).  in/in_len are the bytes
 * received so far; root is the published directory, resolved (-WWW).
 * Returns 1 and fills *resp (malloc'd) and what ("GET /path", for the log)
 * when a whole request is there (the connection closes after the answer),
 * 0 when more bytes are needed, -1 when the request is too long or no
 * answer could be built. */
int tlstool_www_answer(enum tlstool_mode mode, const char *root, const glass_engine *e,
                       const uint8_t *in, size_t in_len, uint8_t **resp, size_t *resp_len,
                       char *what, size_t what_cap);
/* -rev: reverses every complete line of in (up to the last '\n'); returns
 * how many bytes of in were used, the answer in out (cap >= in_len). */
size_t tlstool_rev_lines(const uint8_t *in, size_t in_len, uint8_t *out, size_t *out_len);

/* ---- s_client (client.c) ------------------------------------------------ */

typedef struct tlstool_client_opts {
    const char *host;           /* -connect HOST:PORT */
    uint16_t port;
    const char *servername;     /* -servername (default: HOST) */
    const char *verify_hostname;/* -verify_hostname (default: servername) */
    const char *cert, *key, *pass, *cafile, *crl;
    enum tlstool_render render;
    const char *keylogfile;
    const char *sess_out, *sess_in;
    int reconnect;              /* -reconnect: 5 more connections resuming */
    int quiet;                  /* -quiet: no summary block */
    int no_etm, no_ems;         /* -no_etm, -no_ems: do not offer RFC 7366 / RFC 7627 */
    const char *impl;           /* -impl NAME: the records' AES (NULL: default) */
    unsigned long timeout;      /* seconds for connect and handshake */
} tlstool_client_opts;

void tlstool_client_defaults(tlstool_client_opts *o);
/* Connects, runs the handshake, prints the summary block to stdout, then
 * copies stdin to the server and the server to stdout until either side
 * closes.  Returns the exit status. */
int tlstool_client_run(const tlstool_client_opts *o);

/* ---- glass compare (compare.c) ------------------------------------------ */

/* Runs one glass and one TLS 1.2 handshake in-process with the same keys
 * and seed and prints them side by side, each difference named (text, or
 * an HTML table when html = 1).  Returns the exit status. */
int tlstool_compare_run(uint64_t seed, int html, FILE *out);

/* ---- glass walkthrough --protocol tls12 (walk12.c) ------------------------ */

/* Runs one mutually authenticated TLS 1.2 connection between two engines in
 * this process and explains it on out: every message once, field by field,
 * every derived value of both sides, every check, one application record
 * each way and the close.  seeded: deterministic (the same seed, the same
 * text).  format: "text" (or NULL), "json" or "html" (the glass
 * walkthrough's page, classroom/walk_render.h).  Returns the exit status. */
int tlstool_walkthrough_run(int seeded, uint64_t seed, const char *format, FILE *out);

#endif
