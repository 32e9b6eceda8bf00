/*
 * server_internal.h — the server's state, shared by the files of server/
 * (server.h says which file does what; nothing outside server/ includes
 * this).
 */
#ifndef GLASS_SERVER_INTERNAL_H
#define GLASS_SERVER_INTERNAL_H

#include "server/server.h"
#include "net/http.h"
#include "net/net.h"
#include "ca/ca.h"
#include "protocol/protocol.h"

#include <limits.h>
#include <poll.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

#define SERVER_CMD                   "server"   /* errors read "glass server: ..." */
#define SERVER_MAX_PENDING_OUT       (256u * 1024u)
#define SERVER_READ_CHUNK            16384u
#define SERVER_ACCEPTS_PER_TURN      64
#define SERVER_CLOSE_GRACE_MS        2000
#define SERVER_SHUTDOWN_MS           2000
#define SERVER_CERT_DAYS             365u
#define SERVER_PATH_MAX              4096
#define SERVER_WWW_MAX_FILE          (1u << 20)   /* largest page served */
#define SERVER_FETCH_LOW_WATER       (64u * 1024u)
#define SERVER_ANON_NAME             "(anonymous)"  /* no enrolled name has parentheses */
#define KV_KEY_MAX                   64
#define KV_VALUE_MAX                 4096
#define KV_MAX_KEYS                  64
#define KV_FILE_MAX                  (1u << 20)
#define SERVER_LOG_WINDOW_MS         10000      /* refusals summarised per window */
#define SERVER_WAITING_FACTOR        4          /* waiting connections: 4 x the handshake limits */
#define SERVER_STALL_MS              2000       /* past ClientHello this long: may be evicted */
#define SERVER_CODE_TRIES            10u        /* wrong enrollment codes per address ... */
#define SERVER_CODE_WINDOW_MS        60000      /* ... in this window */

/* What the server keeps per peer address (admit.c). */
typedef struct addr_slot {
    char host[48];
    unsigned conns;             /* connections open */
    unsigned waiting;           /* of which unauthenticated, no ClientHello yet */
    unsigned unauth;            /* of which unauthenticated, past ClientHello */
    unsigned long refused;      /* refusals not yet logged (log.c) */
    int64_t refused_since;      /* ms: the window they fall in, 0 if none */
    unsigned code_tries;        /* wrong enrollment codes in the window */
    int64_t code_window;
    int64_t hello_credit;       /* its token bucket for new handshakes, in 1/1000 tokens */
    int64_t hello_at;           /* ms: when it was last refilled (0: never, full) */
} addr_slot;

/* A CRL shared by the engines that were started while it was current. */
typedef struct crl_ref {
    uint8_t *der;
    size_t len;
    unsigned refs;
} crl_ref;

enum conn_phase {
    PHASE_HANDSHAKE,    /* until HANDSHAKE_DONE */
    PHASE_ENROLL,       /* server-authenticated only: waiting for EnrollRequest */
    PHASE_READY,        /* mutually authenticated: relaying */
    PHASE_ANON,         /* server-only (no client certificate): pages only */
    PHASE_CLOSING       /* flushing the last bytes (alert, close_notify) */
};

/* One client connection: its socket, its engine, where it stands. */
typedef struct conn {
    struct server *srv;         /* the server it belongs to (for engine callbacks) */
    int fd;
    unsigned long id;
    glass_engine *eng;
    crl_ref *crl;
    enum conn_phase phase;
    int64_t hs_deadline;        /* ms, monotonic */
    int64_t idle_deadline;
    int64_t close_deadline;
    int dead;                   /* to be removed at the end of the turn */
    char addr[64];
    char host[48];              /* addr without the port: the admission slot */
    uint64_t bytes_in;          /* what the peer has sent so far */
    int64_t since;              /* ms, monotonic: when it connected */
    int unauth;                 /* counted as unauthenticated (admit.c) */
    int hello;                  /* ... and past its ClientHello */
    int counted;                /* counted in its address slot */
    unsigned waits;             /* worker jobs it waits for: its input pauses */
    char name[GLASS_MAX_NAME + 1];
    uint8_t serial[X509_SERIAL_MAX + 1];  /* the client certificate's, once ready */
    size_t serial_len;
    net_tracer tr;
    glass_tracer tracer;
    http_response resp;         /* the page being sent, if any (resp.data != NULL) */
    size_t resp_off;            /* bytes of it already sent */
} conn;

/* One job for the worker thread (worker.c). */
typedef enum server_job_kind {
    JOB_KV_APPEND,              /* bytes appended to path, fsynced with the batch */
    JOB_KV_COMPACT,             /* path replaced by bytes, atomically */
    JOB_CALL                    /* call(j) runs in the worker */
} server_job_kind;

struct server;
typedef struct server_job {
    struct server_job *next;
    server_job_kind kind;
    char path[SERVER_PATH_MAX];
    uint8_t *bytes;             /* malloc'd */
    size_t len;
    unsigned long conn_id;      /* the connection waiting for it (0: none) */
    uint8_t *reply;             /* what to send it once done (malloc'd) */
    size_t reply_len;
    char owner[GLASS_MAX_NAME + 2 * X509_SERIAL_MAX + 3];
    void (*call)(struct server_job *j);             /* JOB_CALL, in the worker */
    void (*done)(struct server *s, struct server_job *j);   /* then in the loop */
    void *arg;
    glass_err err;
} server_job;

/* One client's key-value store, kept sorted by key. */
typedef struct kv_entry {
    char key[KV_KEY_MAX + 1];
    uint8_t *value;
    size_t len;
} kv_entry;

typedef struct kv_store {
    char owner[GLASS_MAX_NAME + 2 * X509_SERIAL_MAX + 3];  /* "CN.SERIAL" of the certificate */
    kv_entry e[KV_MAX_KEYS];
    size_t n;
    size_t log_bytes;           /* the log's size, once every queued append is in */
} kv_store;

/* The whole server. */
typedef struct server {
    server_opts o;
    glass_ca *ca;               /* the loop's: certificate, index reads */
    glass_ca *wca;              /* the worker's: signing, revoking, CRLs (may wait for the lock) */
    int crl_building;           /* a CRL job is with the worker */
    glass_blob anchor;
    uint8_t *cert_der;
    size_t cert_len;
    glass_blob chain;
    rsa_private_key key;
    int key_init;
    int key_loaded;
    crl_ref *crl;
    struct stat index_st;       /* index.txt when the CRL was last built */
    struct stat scan_st;        /* ... and when open sessions were last checked */
    int lfd;
    uint16_t port;
    conn **conns;
    size_t n_conns;
    size_t cap_conns;
    struct pollfd *pfds;
    unsigned long next_id;
    int64_t accept_pause_until; /* after EMFILE: let descriptors free up */
    int64_t next_revocation_check;
    char www[PATH_MAX];         /* the published directory, resolved */
    int have_www;
    kv_store **kv;              /* the stores opened so far */
    size_t n_kv;
    addr_slot *addrs;           /* admit.c */
    size_t n_addrs, cap_addrs;
    size_t n_waiting;           /* unauthenticated, no ClientHello yet */
    size_t n_unauth;            /* unauthenticated, past ClientHello */
    int64_t next_summary;       /* when refusal summaries are next due */
    struct server_worker *worker;   /* worker.c */
    int64_t sig_credit;         /* the global signature budget, in 1/1000 tokens (admit.c) */
    int64_t sig_at;             /* ms: when it was last refilled (0: never, full) */
    unsigned long long signatures;      /* ServerKeyExchange signatures made */
    unsigned long long hello_refused;   /* ClientHellos refused over the rates */
    unsigned long rate_win_sig, rate_win_refused;  /* ... in the current window */
    int64_t rate_win_start;
} server;

/* One log line on standard output: "HH:MM:SS #id addr message" (c may be
 * NULL for the server's own lines). */
void server_log(const server *s, const conn *c, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* log.c: server_log always writes; server_logv only with --verbose
 * (per-message lines); server_log_refusal summarises per address.  None of
 * them ever waits for the log's reader. */
void server_logv(const server *s, const conn *c, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
void server_log_refusal(server *s, const conn *c, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
/* Writes the summary lines of refusal windows that have ended (all of
 * them with force; only one slot's when `only` is not NULL). */
void server_log_summaries(server *s, int64_t now, int force, addr_slot *only);
void server_log_start(void);
void server_log_stop(void);

/* admit.c: admission control. */
addr_slot *server_addr_slot(server *s, const char *host);
/* A new connection (c->host set, engine started): 0 if admitted (perhaps
 * after evicting the stalest unauthenticated one), -1 if refused (an
 * alert is queued and flushed, c is dead). */
int server_admit_accept(server *s, conn *c);
/* After a read: c's ClientHello has arrived, so it moves from waiting to
 * the hello stage (perhaps evicting a stalled one).  0, or -1 if it was
 * refused (an alert is queued and flushed, c is dead). */
int server_admit_hello(server *s, conn *c);
/* c's peer is authenticated now: it no longer counts as a handshake. */
void server_admit_authenticated(server *s, conn *c);
/* c is going away: its counts are returned. */
void server_admit_settle(server *s, conn *c);
/* Closes c with a fatal alert (the server is at a limit) and a log line. */
void server_admit_refuse(server *s, conn *c, const char *why);
/* 0 if c's address may try an enrollment code now, -1 if it tried too
 * many wrong ones lately; _wrong counts one more. */
int server_admit_code_allowed(server *s, conn *c, int64_t now);
void server_admit_code_wrong(server *s, conn *c, int64_t now);
/* Before c's bytes are fed to its engine: 0 if they may be (no ClientHello
 * can complete, or a signature is within --hello-rate and --signatures);
 * else c has been refused with an alert (-1). */
int server_admit_may_sign(server *s, conn *c);
/* The signature counters as one log line (at shutdown). */
void server_admit_report(server *s);

/* worker.c: the worker thread.  start: 0 or -1; fd: the descriptor the
 * loop polls; submit: queue a job (malloc'd, freed after its done step);
 * collect: run the done steps of finished jobs; stop: run what is queued,
 * then end the thread. */
int server_worker_start(server *s);
int server_worker_fd(const server *s);
void server_worker_submit(server *s, server_job *j);
void server_worker_collect(server *s);
void server_worker_stop(server *s);
void server_job_free(server_job *j);

/* setup.c: options, CA, socket, identity, CRL, pages.  0, or 1 after one
 * line "glass server: ..." on stderr. */
int server_setup(server *s);

/* loop.c */
int server_serve(server *s);
void server_shutdown(server *s);
void server_conn_free(server *s, conn *c);
/* Starts closing c: what is queued still goes out, for a grace period. */
void server_conn_closing(conn *c);

/* Bytes c's engine has queued for the socket. */
static inline size_t server_conn_pending(conn *c)
{
    return net_engine_pending(c->eng);
}

/* Writes what c's engine queued, as far as the socket takes it; -1 if the
 * socket failed. */
static inline int server_conn_flush(conn *c)
{
    return net_engine_flush(c->fd, c->eng);
}

/* events.c: takes every event c's engine has, and acts on it. */
void server_on_events(server *s, conn *c);

/* relay.c */
void server_send_app(server *s, conn *to, const uint8_t *msg, size_t len);
void server_send_error(server *s, conn *c, uint16_t code, const char *text);
void server_on_send_to(server *s, conn *c, const glass_app_msg *m);
void server_on_who(server *s, conn *c);

/* fetch.c */
void server_on_fetch(server *s, conn *c, const glass_app_msg *m);
void server_fetch_pump(server *s, conn *c);

/* kv.c */
void server_on_kv(server *s, conn *c, const glass_app_msg *m);
void server_kv_free_all(server *s);

/* enroll.c */
void server_on_enroll(server *s, conn *c, const glass_event *ev);

/* revoke.c */
void server_crl_release(crl_ref *r);
void server_refresh_crl(server *s, int force);
void server_revoke_session(server *s, conn *c, const char *when);
void server_check_revocations(server *s, int64_t now);
void server_end_revoked_sessions(server *s);
int server_index_says_revoked(server *s, const uint8_t *serial, size_t serial_len);
glass_err server_revocation_check(void *conn_arg, const uint8_t *serial, size_t serial_len);

#endif
