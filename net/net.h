/*
 * net.h — the edge where glass bytes meet TCP: addresses, non-blocking
 * sockets, bounded buffers, a monotonic clock and signal handling.
 *
 * SYNOPSIS
 *     net_parse_hostport("127.0.0.1:4433", host, sizeof host, &port);
 *     net_listen("127.0.0.1", 0, 256, &lfd, &port);     port 0: any free port
 *     net_connect("localhost", port, 5000, &fd);          bounded connect
 *     net_install_signals();                               SIGINT/SIGTERM -> flag
 *     net_engine_flush(fd, engine);                        queued bytes -> socket
 *     tracer.fn = net_trace_event;                         --trace rendering
 *     net_pump_handshake_events(client, server, fn, arg);  two engines, no socket
 *
 * DESCRIPTION
 *     The protocol engine (protocol/protocol.h) never touches a socket: it
 *     takes bytes in and gives bytes out, and keeps the bytes waiting to be
 *     sent itself.  This header is the other half, used by `glass server`
 *     and `glass client`: every socket here is non-blocking, so the callers
 *     write what the engine has queued as far as the socket takes it
 *     (a partial write leaves the rest queued in the engine) and wait with
 *     poll(2) for the next chance.  It also renders the engine's trace
 *     events as annotated hex for --trace.
 *
 * SECURITY CONSIDERATIONS
 *     SIGPIPE is ignored so a peer that vanishes mid-write gives EPIPE, not a
 *     dead server.  Sockets are close-on-exec.  The trace renderer prints
 *     secrets (DH exponents, keys) when asked to: --trace is for teaching.
 */
#ifndef GLASS_NET_H
#define GLASS_NET_H

#include "common/common.h"
#include "protocol/protocol.h"

#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Longest host name or address text we keep, with its NUL. */
#define NET_HOST_MAX 256

/* ---- addresses ------------------------------------------------------------- */

/* Splits "HOST:PORT" (the last colon separates them; "[::1]:443" also
 * works) into host and a port from 1 to 65535.  GLASS_ERR_ARG on anything
 * else. */
glass_err net_parse_hostport(const char *text, char *host, size_t host_cap, uint16_t *port);

/* ---- sockets --------------------------------------------------------------- */

/* Puts fd in non-blocking mode (O_NONBLOCK) and close-on-exec. */
glass_err net_set_nonblocking(int fd);

/* Opens a listening TCP socket on addr (an IPv4 or IPv6 literal, or a name
 * that resolves to one) and port (0: the kernel picks a free one), with
 * SO_REUSEADDR and the given backlog, non-blocking.  *bound_port is the port
 * actually bound.  GLASS_ERR_IO with errno left set on failure. */
glass_err net_listen(const char *addr, uint16_t port, int backlog, int *fd,
                     uint16_t *bound_port);

/* Connects to host:port, waiting at most timeout_ms for the TCP handshake.
 * On success *fd is a connected, non-blocking socket with TCP_NODELAY set
 * (handshake messages are small and latency-bound).  GLASS_ERR_PROTO_TIMEOUT
 * if the time runs out, GLASS_ERR_IO otherwise. */
glass_err net_connect(const char *host, uint16_t port, int timeout_ms, int *fd);

/* Turns off Nagle's algorithm on a connected socket (best effort). */
void net_set_nodelay(int fd);

/* ---- an engine over a socket ---------------------------------------------- */

/* How many bytes engine e has queued and not yet written. */
size_t net_engine_pending(glass_engine *e);

/* Writes what engine e has queued to the non-blocking socket fd, as far as
 * the socket takes it; what it does not take stays queued in the engine
 * for the next POLLOUT.  Returns 0, or -1 if the socket failed (the peer
 * is gone). */
int net_engine_flush(int fd, glass_engine *e);

/* One line on what a finished handshake negotiated, for --verbose:
 * "suite DHE_RSA_WITH_AES_256_CBC_SHA256 (0x006B), group ffdhe2048
 * (2048-bit DH)", from glass_engine_suite and glass_engine_group. */
void net_describe_session(const glass_engine *e, char *out, size_t cap);

/* ---- two engines back to back, in one process (no socket) ------------- */

/* Moves every byte engine from has queued into engine to, with one
 * glass_engine_feed.  Returns the number of bytes moved (0: from had
 * nothing to say); *feed_err (may be NULL) gets what to's feed returned.
 * The walkthrough, the labs and the tests run a whole handshake this way
 * (DESIGN.md principle 2: the same engine, with or without TCP). */
size_t net_pump_move(glass_engine *from, glass_engine *to, glass_err *feed_err);

/* Receives one event of a pumped handshake, as it is taken from its
 * engine: from_client is 1 for the client's events, 0 for the server's.
 * ev and what it points to are valid only during the call. */
typedef void (*net_pump_event_fn)(void *arg, int from_client, const glass_event *ev);

/* Runs client and server back to back until both are in APPLICATION:
 * bytes moved each way in turn, then every event each engine raised handed
 * to on_event in the order raised (client's first each round) —
 * HANDSHAKE_DONE, and on a failure ALERT_SENT, ALERT_RECEIVED and CLOSED,
 * which say why: the fatal alert of an engine whose feed failed is moved
 * to its peer before the events are taken.  GLASS_OK, the first feed
 * error, or GLASS_ERR_PROTO_HANDSHAKE when nothing moves any more (at most
 * 64 rounds: a handshake is a dozen flights). */
glass_err net_pump_handshake_events(glass_engine *client, glass_engine *server,
                                    net_pump_event_fn on_event, void *arg);

/* net_pump_handshake_events with no callback: the events are taken and
 * dropped, for callers that need only the outcome (the engines' states and
 * glass_engine_info keep what the events said). */
glass_err net_pump_handshake(glass_engine *client, glass_engine *server);

/* ---- time and signals ---------------------------------------------------- */

/* Milliseconds on the monotonic clock (for timeouts; never wall time). */
int64_t net_now_ms(void);

/* Seconds since 1970 on the wall clock (for certificate validity). */
int64_t net_wall_time(void);

/* Set to the signal number when SIGINT or SIGTERM arrives (after
 * net_install_signals). */
extern volatile sig_atomic_t net_stop_signal;

/* Installs handlers: SIGINT and SIGTERM set net_stop_signal (without
 * SA_RESTART, so a blocked poll() returns EINTR at once); SIGPIPE ignored. */
void net_install_signals(void);

/* ---- rendering the engine's trace (--trace, --verbose) ------------------ */

/* Where a connection's trace is printed.  With show = 0 nothing is. */
typedef struct net_tracer {
    void *out;                  /* FILE*: stdout for a class */
    char prefix[24];            /* put before every line ("#3 ", or "") */
    int show;                   /* 1: print every step (--trace) */
} net_tracer;

/* One message being printed field by field: the arg of net_trace_field,
 * which glass --trace and s_server/s_client -trace both hand the engine's
 * dissector. */
typedef struct net_fields {
    FILE *f;
    const char *prefix;         /* put before every line */
    const uint8_t *bytes;       /* the message the offsets point into */
    size_t len;
    size_t show;                /* bytes of a field shown before "... (N bytes)" */
} net_fields;

/* A glass_dissect_fn (arg is a net_fields *): prints one field as
 * "    +off  len  field  meaning", then its first `show` bytes in hex (not
 * for the first, whole-message line).  A field outside the bytes is
 * skipped. */
void net_trace_field(void *arg, size_t offset, size_t len, const char *field,
                     const char *meaning);

/* Text for a terminal or a projector: at most NET_TEXT_WIDTH columns. */
#define NET_TEXT_WIDTH 100

/* Prints text from column col (what is already on the line), wrapping at
 * spaces before NET_TEXT_WIDTH onto lines that start with prefix and
 * continue at column cont.  No final newline. */
void net_print_wrapped(FILE *f, const char *prefix, size_t col, size_t cont, const char *text);

/* printf into one line that starts with prefix, wrapped as above (cont:
 * the continuation lines' column), then a newline. */
void net_print_line(FILE *f, const char *prefix, size_t cont, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

/* Prints p[0..n) in hex, at most `show` bytes, 32 bytes a line (the next
 * lines start with prefix and continue at column cont), then
 * "... (n bytes)" when cut short.  No final newline. */
void net_print_hex_wrapped(FILE *f, const char *prefix, size_t cont, const uint8_t *p, size_t n,
                           size_t show);

/* A glass_trace_fn (arg is a net_tracer *): prints each handshake message
 * as annotated hex, one line per field with the dissector's explanation
 * (protocol.h glass_dissect_handshake), each key-schedule value with its
 * bytes, each state change and check, and each application message
 * dissected (glass_dissect_app).  Whole records are left out: their
 * contents are shown already. */
void net_trace_event(void *arg, const char *name, const char *explain, const uint8_t *bytes,
                     size_t len);

#endif
