/*
 * admit.c — admission control (see server/server.h): who may take a
 * connection, a handshake slot and an enrollment attempt, so that nobody
 * without credentials can lock the others out.
 *
 * Read server_admit_accept first.  Every connection belongs to an address
 * slot (its IP address, without the port).  A connection that has not yet
 * finished a mutually authenticated handshake is "unauthenticated": its
 * peer has proved nothing.  It goes through two stages:
 *
 *   waiting  connected, no complete ClientHello yet: it costs a descriptor
 *            and a few bytes of buffer, nothing more;
 *   hello    its ClientHello has arrived and the server has answered it
 *            with a signed ServerKeyExchange: it costs an engine with a
 *            Diffie-Hellman key, and soon more signatures.
 *
 * The limits:
 *
 *   1. at most max_per_addr connections from one address (authenticated or
 *      not) and max_clients in all: a newcomer over either is told so with
 *      a fatal alert, then closed;
 *   2. at most SERVER_WAITING_FACTOR times max_hs_per_addr waiting
 *      connections from one address (and that factor times max_unauth in
 *      all): past it the OLDEST waiting one is closed (with an alert) to
 *      make room.  A newcomer is always let in: a real client sends its
 *      ClientHello at once and leaves the waiting stage within a
 *      millisecond or so, while idle and slowloris sockets (a byte now and
 *      then) stay there and are the ones that age and go.  Refusing
 *      newcomers instead would let 1000 idle sockets from one address keep
 *      a real client from that same address (a classroom behind one NAT)
 *      out for as long as they like;
 *   3. at most max_hs_per_addr connections in the hello stage from one
 *      address and max_unauth in all (well below max_clients): one more
 *      closes the oldest that has been at it for SERVER_STALL_MS (a real
 *      handshake takes a fraction of that), or, if none has, is itself
 *      closed with an alert;
 *   4. at most SERVER_CODE_TRIES wrong enrollment codes per address in
 *      SERVER_CODE_WINDOW_MS: past that, enrollment from the address is
 *      refused until the window ends (100-bit codes cannot be guessed, but
 *      each try costs a file lookup and fills the log).
 *
 *   5. the rate of new handshakes: each complete ClientHello makes the
 *      server sign a ServerKeyExchange (RFC 5246 §7.4.3: RSA over both
 *      randoms and the DH parameters) with a fresh DH key — the one costly
 *      thing a stranger can make the loop do, and it is paid before limit
 *      3 can refuse anything.  So bytes that could complete a ClientHello
 *      are fed to the engine only if two token buckets each hold a token:
 *      the address's (--hello-rate a second, up to --hello-burst) and the
 *      server's (--signatures a second, up to three times that); one of
 *      each is taken when the signature is made.  Otherwise the peer gets
 *      a fatal alert (server busy: internal_error, RFC 5246 §7.2.2's alert
 *      for a failure "unrelated to the peer", which the client explains)
 *      and the close, logged as every refusal is (summarised per address,
 *      log.c).  A read holds at most one ClientHello, so signatures made
 *      never exceed the tokens earned: in T seconds at most
 *      3 x --signatures + T x --signatures in all, and --hello-burst +
 *      T x --hello-rate from one address.
 *
 *      The numbers.  On this project's 2-core test machine one RSA-2048
 *      signature (CRT, blinded, bn_sec_powm) costs 0.5 ms (`glass speed
 *      rsa2048`: about 1950 a second) and the server's DH key for
 *      ffdhe2048 0.25 ms (`glass speed ffdh2048`): about 0.75 ms a
 *      ClientHello.  128 signatures a second then cost at most about
 *      100 ms of the loop's second (a tenth: the relay keeps nine tenths
 *      even when the whole budget is spent), and one address at 32 a
 *      second about 25 ms (a fortieth), so it takes four flooding
 *      addresses to use up the budget; a full burst of 384 costs the loop
 *      about 0.3 s once.  The address's burst of 256 and the 256 of the
 *      server's budget that are not kept back (below) let a class of 200
 *      behind one NAT, or everyone after a server restart, connect at
 *      once (tests/sh/net_many.sh: 200 at once, default rates).
 *
 *      Sharing.  The per-address rate shares the budget first: one
 *      address cannot take more than a quarter of it, however fast it
 *      sends.  Several flooding addresses together could still drain it,
 *      so its lowest third (below --signatures tokens of the 3 x
 *      --signatures it holds) is kept for quiet addresses: those that
 *      have used at most one second's worth of their own rate lately
 *      (their bucket holds at least burst - rate; a ClientHello refused
 *      for the budget costs a token too).  A flooder soon is not quiet;
 *      a student connecting for the first time in a while always is, and
 *      finds at least a third of the budget waiting.  A bucket is kept while it
 *      refills (server_addr_slot does not give its slot to another
 *      address until it is full again), so closing connections does not
 *      earn a fresh burst.
 *
 * What this does not do: two clients behind one address cannot be told
 * apart (a flood from a classroom's NAT address also slows its honest
 * students to the address's rate); many addresses (a botnet, or the
 * 2^24 loopback addresses of the machine itself) can together spend the
 * whole signature budget when each looks quiet (one new address per
 * handshake), and then honest newcomers are refused too (retrying, they
 * get through as tokens come back: a token every 1/--signatures s goes
 * to whoever asks first).
 *
 * CT: not applicable.
 */
#include "server/server_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the token buckets (limit 5) ---------------------------------------- */

static unsigned long hello_rate(const server *s)
{
    return s->o.hello_rate ? s->o.hello_rate : SERVER_DEFAULT_HELLO_RATE;
}

static unsigned long hello_burst(const server *s)
{
    return s->o.hello_burst ? s->o.hello_burst : SERVER_DEFAULT_HELLO_BURST;
}

static unsigned long sig_rate(const server *s)
{
    return s->o.signatures ? s->o.signatures : SERVER_DEFAULT_SIGNATURES;
}

/* Adds what `rate` tokens a second earn since *at, up to burst; credit in
 * thousandths of a token, so that integer arithmetic loses nothing. */
static void refill(int64_t *credit, int64_t *at, unsigned long rate, unsigned long burst,
                   int64_t now)
{
    int64_t full = (int64_t)burst * 1000;
    if (*at == 0) {
        *credit = full;
    } else if (now > *at) {
        int64_t earned = (now - *at) * (int64_t)rate;   /* ms x tokens/s = 1/1000 tokens */
        *credit = *credit + earned > full ? full : *credit + earned;
    }
    *at = now;
}

/* 1 if the address's bucket would be full by now (it can be forgotten). */
static int hello_bucket_full(const server *s, const addr_slot *a)
{
    int64_t credit = a->hello_credit, at = a->hello_at;
    if (at == 0)
        return 1;
    refill(&credit, &at, hello_rate(s), hello_burst(s), net_now_ms());
    return credit >= (int64_t)hello_burst(s) * 1000;
}

/* A summary line per SERVER_LOG_WINDOW_MS in which something was refused. */
static void rate_window(server *s, int64_t now)
{
    if (s->rate_win_start == 0)
        s->rate_win_start = now;
    if (now - s->rate_win_start < SERVER_LOG_WINDOW_MS)
        return;
    if (s->rate_win_refused > 0)
        server_log(s, NULL, "handshake rate: %lu signatures made and %lu ClientHellos refused "
                   "in the last %lld s (--hello-rate %lu, --signatures %lu)", s->rate_win_sig,
                   s->rate_win_refused, (long long)((now - s->rate_win_start) / 1000),
                   hello_rate(s), sig_rate(s));
    s->rate_win_start = now;
    s->rate_win_sig = 0;
    s->rate_win_refused = 0;
}

/* See server_internal.h. */
int server_admit_may_sign(server *s, conn *c)
{
    if (c->dead || !c->unauth || c->hello ||
        glass_engine_state(c->eng) != GLASS_STATE_S_WAIT_CLIENT_HELLO)
        return 0;
    addr_slot *a = server_addr_slot(s, c->host);
    if (a == NULL)
        return 0;
    int64_t now = net_now_ms();
    rate_window(s, now);
    refill(&a->hello_credit, &a->hello_at, hello_rate(s), hello_burst(s), now);
    refill(&s->sig_credit, &s->sig_at, sig_rate(s), SERVER_SIG_BUCKET * sig_rate(s), now);
    /* Quiet: the address has used at most a second's worth of its rate
     * lately.  The lower half of the budget is kept for quiet addresses. */
    unsigned long burst = hello_burst(s), rate = hello_rate(s);
    int64_t quiet_from = burst > rate ? (int64_t)(burst - rate) * 1000 : (int64_t)burst * 1000;
    int quiet = a->hello_credit >= quiet_from;
    const char *why = NULL;
    if (a->hello_credit < 1000)
        why = "this address is over --hello-rate (new handshakes a second)";
    else if (s->sig_credit < 1000 || (s->sig_credit < (int64_t)sig_rate(s) * 1000 && !quiet)) {
        why = "over --signatures (the server's handshakes a second)";
        /* A ClientHello refused for the server's budget still costs its
         * address a token: otherwise a flooder refused here keeps a full
         * bucket, looks quiet for ever and drains the half kept for quiet
         * addresses. */
        a->hello_credit -= 1000;
    }
    if (why == NULL)
        return 0;
    s->hello_refused++;
    s->rate_win_refused++;
    server_admit_refuse(s, c, why);
    return -1;
}

/* The engine has answered a ClientHello: one signature made. */
static void signature_made(server *s, addr_slot *a)
{
    int64_t now = net_now_ms();
    refill(&a->hello_credit, &a->hello_at, hello_rate(s), hello_burst(s), now);
    refill(&s->sig_credit, &s->sig_at, sig_rate(s), SERVER_SIG_BUCKET * sig_rate(s), now);
    a->hello_credit -= 1000;
    s->sig_credit -= 1000;
    s->signatures++;
    s->rate_win_sig++;
}

/* See server_internal.h. */
void server_admit_report(server *s)
{
    server_log(s, NULL, "handshake rate: %llu ServerKeyExchange signatures made, %llu "
               "ClientHellos refused over --hello-rate %lu/--hello-burst %lu or --signatures %lu",
               s->signatures, s->hello_refused, hello_rate(s), hello_burst(s), sig_rate(s));
}

/* ---- address slots and the other limits --------------------------------- */

/* See server_internal.h. */
addr_slot *server_addr_slot(server *s, const char *host)
{
    addr_slot *free_slot = NULL;
    for (size_t i = 0; i < s->n_addrs; i++) {
        addr_slot *a = &s->addrs[i];
        if (strcmp(a->host, host) == 0)
            return a;
        if (free_slot == NULL && a->conns == 0 && a->refused == 0 && a->code_tries == 0 &&
            hello_bucket_full(s, a))
            free_slot = a;
    }
    if (free_slot == NULL) {
        if (s->n_addrs == s->cap_addrs) {
            size_t cap = s->cap_addrs ? 2 * s->cap_addrs : 16;
            addr_slot *v = realloc(s->addrs, cap * sizeof *v);
            if (v == NULL)
                return NULL;
            /* Connections point at their slot by index, never by address,
             * so moving the array is safe. */
            s->addrs = v;
            s->cap_addrs = cap;
        }
        free_slot = &s->addrs[s->n_addrs++];
    }
    memset(free_slot, 0, sizeof *free_slot);
    snprintf(free_slot->host, sizeof free_slot->host, "%s", host);
    return free_slot;
}

/* The connection to close to make room, among the unauthenticated ones
 * in the given stage (hello or waiting) from host (NULL: from the address
 * holding the most in that stage): the oldest, and in the hello stage
 * only one that has been at it for SERVER_STALL_MS and is owed nothing.
 * NULL if there is none. */
static conn *oldest(server *s, const char *host, int hello, int64_t now)
{
    if (host == NULL) {
        unsigned most = 0;
        for (size_t i = 0; i < s->n_addrs; i++) {
            unsigned k = hello ? s->addrs[i].unauth : s->addrs[i].waiting;
            if (k > most) {
                most = k;
                host = s->addrs[i].host;
            }
        }
        if (host == NULL)
            return NULL;
    }
    conn *v = NULL;
    for (size_t i = 0; i < s->n_conns; i++) {
        conn *c = s->conns[i];
        if (c->dead || !c->unauth || c->hello != hello || strcmp(c->host, host) != 0)
            continue;
        /* Never one the server owes something: bytes not yet sent, or an
         * enrollment with the worker. */
        if (hello && (now - c->since < SERVER_STALL_MS || server_conn_pending(c) > 0 ||
                      c->waits > 0))
            continue;
        if (v == NULL || c->id < v->id)
            v = c;
    }
    return v;
}

/* See server_internal.h. */
void server_admit_refuse(server *s, conn *c, const char *why)
{
    server_log_refusal(s, c, "refused: %s", why);
    (void)glass_engine_abort(c->eng, GLASS_ERR_SERVER_BUSY);
    (void)server_conn_flush(c);
    server_admit_settle(s, c);
    c->dead = 1;
}

/* See server_internal.h. */
int server_admit_accept(server *s, conn *c)
{
    addr_slot *a = server_addr_slot(s, c->host);
    if (a == NULL)
        return -1;
    if (s->n_conns > s->o.max_clients) {        /* c itself is counted already */
        server_admit_refuse(s, c, "already at --max-clients");
        return -1;
    }
    if (a->conns >= s->o.max_per_addr) {
        server_admit_refuse(s, c, "this address is at --max-per-address");
        return -1;
    }
    /* Room among the waiting: the oldest waiting connection goes. */
    unsigned long cap_addr = SERVER_WAITING_FACTOR * s->o.max_hs_per_addr;
    unsigned long cap_all = SERVER_WAITING_FACTOR * s->o.max_unauth;
    while (a->waiting >= cap_addr || s->n_waiting >= cap_all) {
        conn *v = oldest(s, a->waiting >= cap_addr ? c->host : NULL, 0, 0);
        if (v == NULL)
            break;
        server_admit_refuse(s, v, "evicted: no ClientHello while others wait");
    }
    a->conns++;
    a->waiting++;
    s->n_waiting++;
    c->counted = 1;
    c->unauth = 1;
    return 0;
}

/* See server_internal.h. */
int server_admit_hello(server *s, conn *c)
{
    if (c->dead || !c->unauth || c->hello ||
        glass_engine_state(c->eng) == GLASS_STATE_S_WAIT_CLIENT_HELLO)
        return 0;
    addr_slot *a = server_addr_slot(s, c->host);
    if (a == NULL)
        return 0;
    glass_state st = glass_engine_state(c->eng);
    if (st != GLASS_STATE_ERROR && st != GLASS_STATE_CLOSED)
        signature_made(s, a);       /* a bad ClientHello is refused unsigned */
    int64_t now = net_now_ms();
    while (a->unauth >= s->o.max_hs_per_addr || s->n_unauth >= s->o.max_unauth) {
        int per_addr = a->unauth >= s->o.max_hs_per_addr;
        conn *v = oldest(s, per_addr ? c->host : NULL, 1, now);
        if (v == NULL) {
            server_admit_refuse(s, c, per_addr ? "this address is at --max-handshakes-per-address"
                                               : "at --max-unauthenticated");
            return -1;
        }
        server_admit_refuse(s, v, "evicted: no handshake after 2 s while others wait");
    }
    if (a->waiting > 0)
        a->waiting--;
    if (s->n_waiting > 0)
        s->n_waiting--;
    a->unauth++;
    s->n_unauth++;
    c->hello = 1;
    c->since = now;
    return 0;
}

/* See server_internal.h. */
void server_admit_authenticated(server *s, conn *c)
{
    if (!c->unauth)
        return;
    addr_slot *a = server_addr_slot(s, c->host);
    if (c->hello) {
        if (a != NULL && a->unauth > 0)
            a->unauth--;
        if (s->n_unauth > 0)
            s->n_unauth--;
    } else {
        if (a != NULL && a->waiting > 0)
            a->waiting--;
        if (s->n_waiting > 0)
            s->n_waiting--;
    }
    c->unauth = 0;
}

/* See server_internal.h. */
void server_admit_settle(server *s, conn *c)
{
    if (!c->counted)
        return;
    server_admit_authenticated(s, c);
    addr_slot *a = server_addr_slot(s, c->host);
    if (a != NULL && a->conns > 0)
        a->conns--;
    c->counted = 0;
}

/* See server_internal.h. */
int server_admit_code_allowed(server *s, conn *c, int64_t now)
{
    addr_slot *a = server_addr_slot(s, c->host);
    if (a == NULL)
        return 0;
    if (now - a->code_window >= SERVER_CODE_WINDOW_MS) {
        a->code_window = now;
        a->code_tries = 0;
    }
    return a->code_tries >= SERVER_CODE_TRIES ? -1 : 0;
}

/* See server_internal.h. */
void server_admit_code_wrong(server *s, conn *c, int64_t now)
{
    addr_slot *a = server_addr_slot(s, c->host);
    if (a == NULL)
        return;
    if (a->code_tries == 0)
        a->code_window = now;
    a->code_tries++;
}
