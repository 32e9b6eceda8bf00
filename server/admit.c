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
 * What this does not do: one address that sends complete ClientHellos as
 * fast as it can still makes the server sign for each (the signature is
 * paid before the limit in 3 can refuse); two clients behind one address
 * cannot be told apart.
 *
 * CT: not applicable.
 */
#include "server/server_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* See server_internal.h. */
addr_slot *server_addr_slot(server *s, const char *host)
{
    addr_slot *free_slot = NULL;
    for (size_t i = 0; i < s->n_addrs; i++) {
        addr_slot *a = &s->addrs[i];
        if (strcmp(a->host, host) == 0)
            return a;
        if (free_slot == NULL && a->conns == 0 && a->refused == 0 && a->code_tries == 0)
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
