/*
 * admit.c — admission control (see server/server.h): who may take a
 * connection, a handshake slot and an enrollment attempt, so that nobody
 * without credentials can lock the others out.
 *
 * Read server_admit_accept first.  Every connection belongs to an address
 * slot (its IP address, without the port).  A connection that has not yet
 * finished a mutually authenticated handshake is "unauthenticated": it
 * costs the server a descriptor, an engine and, soon, an RSA signature, and
 * its peer has proved nothing.  Three limits hold:
 *
 *   1. at most max_per_addr connections from one address (authenticated or
 *      not) and max_clients in all: a new one over either limit is told so
 *      with a fatal alert, then closed;
 *   2. at most max_hs_per_addr unauthenticated connections from one
 *      address, and max_unauth in all (well below max_clients): over
 *      either, the oldest unauthenticated connection that has been trying
 *      for SERVER_STALL_MS (from that address, or from the address holding
 *      the most) is closed with an alert to make room, and only if none is
 *      that old is the newcomer refused.
 *      Refusing newcomers always would let 1000 idle sockets from one
 *      address keep a legitimate client from that same address out for
 *      good; evicting the old means idle and slow sockets are the ones that
 *      go, while a client that sends its ClientHello at once and answers
 *      promptly is authenticated long before it could be chosen;
 *   3. at most SERVER_CODE_TRIES wrong enrollment codes per address in
 *      SERVER_CODE_WINDOW_MS: past that, enrollment from the address is
 *      refused until the window ends (100-bit codes cannot be guessed, but
 *      each try costs a file lookup and fills the log).
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

/* The unauthenticated connection to close to make room: from host when it
 * is not NULL, else from the address with the most; the oldest of those
 * that have been trying for SERVER_STALL_MS or more and are owed nothing
 * by the server.  A client that sends its ClientHello at once finishes its
 * handshake in a fraction of that, so only the idle, the slow (slowloris:
 * a byte now and then keeps no place) and the broken are ever chosen.
 * NULL if none is that old: a burst of fresh connections evicts nobody,
 * and the newcomer is refused instead. */
static conn *stalest(server *s, const char *host, int64_t now)
{
    if (host == NULL) {
        unsigned most = 0;
        for (size_t i = 0; i < s->n_addrs; i++)
            if (s->addrs[i].unauth > most) {
                most = s->addrs[i].unauth;
                host = s->addrs[i].host;
            }
        if (host == NULL)
            return NULL;
    }
    conn *v = NULL;
    for (size_t i = 0; i < s->n_conns; i++) {
        conn *c = s->conns[i];
        if (c->dead || !c->unauth || strcmp(c->host, host) != 0 ||
            now - c->since < SERVER_STALL_MS || server_conn_pending(c) > 0)
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
    /* Room for the newcomer: a stalled unauthenticated connection goes,
     * or, if none has stalled, the newcomer is refused. */
    int64_t now = net_now_ms();
    while (a->unauth >= s->o.max_hs_per_addr || s->n_unauth >= s->o.max_unauth) {
        conn *v = stalest(s, a->unauth >= s->o.max_hs_per_addr ? c->host : NULL, now);
        if (v == NULL) {
            server_admit_refuse(s, c, a->unauth >= s->o.max_hs_per_addr
                                          ? "this address is at --max-handshakes-per-address"
                                          : "at --max-unauthenticated");
            return -1;
        }
        server_admit_refuse(s, v, "evicted: no handshake after 2 s while others wait");
    }
    a->conns++;
    a->unauth++;
    s->n_unauth++;
    c->counted = 1;
    c->unauth = 1;
    return 0;
}

/* See server_internal.h. */
void server_admit_authenticated(server *s, conn *c)
{
    if (!c->unauth)
        return;
    addr_slot *a = server_addr_slot(s, c->host);
    if (a != NULL && a->unauth > 0)
        a->unauth--;
    if (s->n_unauth > 0)
        s->n_unauth--;
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
