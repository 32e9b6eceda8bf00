/*
 * pump.c — two engines back to back in one process (see net/net.h): the
 * bytes one engine queues are fed to the other, with no socket between.
 *
 * This is the sans-I/O promise kept (DESIGN.md principle 2): the engine
 * that talks over TCP in `glass server` and `glass client` runs unchanged
 * here, so the walkthrough can narrate a handshake, the benchmark can time
 * one, and the tests can break one, all in one process and byte for byte
 * reproducible in seeded mode.  Read net_pump_move, then
 * net_pump_handshake_events.
 *
 * CT: not applicable (it moves bytes; the engines state theirs).
 */
#include "net/net.h"

/* See net/net.h. */
size_t net_pump_move(glass_engine *from, glass_engine *to, glass_err *feed_err)
{
    const uint8_t *p = NULL;
    size_t n = 0;
    glass_err err = GLASS_OK;
    glass_engine_output(from, &p, &n);
    if (n > 0) {
        err = glass_engine_feed(to, p, n);
        glass_engine_consume_output(from, n);
    }
    if (feed_err != NULL)
        *feed_err = err;
    return n;
}

/* Hands every event waiting in e to on_event, or drops them when it is
 * NULL. */
static void take_events(glass_engine *e, int from_client, net_pump_event_fn on_event, void *arg)
{
    glass_event ev;
    while (glass_engine_next_event(e, &ev))
        if (on_event != NULL)
            on_event(arg, from_client, &ev);
}

/* See net/net.h. */
glass_err net_pump_handshake_events(glass_engine *client, glass_engine *server,
                                    net_pump_event_fn on_event, void *arg)
{
    glass_engine *from[2] = {client, server};
    glass_engine *to[2] = {server, client};
    for (int round = 0; round < 64; round++) {
        int moved = 0;
        glass_err err = GLASS_OK;
        for (int i = 0; i < 2 && err == GLASS_OK; i++) {
            if (net_pump_move(from[i], to[i], &err) > 0)
                moved = 1;
            /* A failed feed queued one fatal alert in to[i]: it crosses
             * too, so that both sides' events say why (RFC 5246 §7.2). */
            if (err != GLASS_OK)
                net_pump_move(to[i], from[i], NULL);
        }
        take_events(client, 1, on_event, arg);
        take_events(server, 0, on_event, arg);
        if (err != GLASS_OK)
            return err;
        if (glass_engine_state(client) == GLASS_STATE_APPLICATION &&
            glass_engine_state(server) == GLASS_STATE_APPLICATION)
            return GLASS_OK;
        if (!moved)
            return GLASS_ERR_PROTO_HANDSHAKE;
    }
    return GLASS_ERR_PROTO_HANDSHAKE;
}

/* See net/net.h. */
glass_err net_pump_handshake(glass_engine *client, glass_engine *server)
{
    return net_pump_handshake_events(client, server, NULL, NULL);
}
