/*
 * glass_load.c — the server's load run (tests/sh/hard_load.sh, make
 * stress): N glass clients in one process, one poll(2) loop, chatting
 * through a real `glass server` for S seconds, then a count of every
 * message that should have arrived and did not.
 *
 *     glass-load --server 127.0.0.1:PORT -pass pass:pw --clients 500
 *                --seconds 20 --every 1000 --open 32 ID_DIR...
 *
 * Client i speaks as identity i mod K (the K identity directories given)
 * and sends, every --every milliseconds, "i seq" to the name of identity
 * (i+1) mod K.  The server relays a message to every session of that name,
 * so each session of name X must receive every message of every client
 * that writes to X, in order, once.  At most --open handshakes are in
 * flight at a time (the server's admission control would rightly call
 * 500 at once from one address a flood).  After the sending stops, the
 * run waits (at most 20 s) for what is still on its way, then prints
 *
 *     load: 500 clients, 20 s, 10000 messages sent, 500000 deliveries expected,
 *           500000 received, 0 lost, 0 out of order
 *
 * and exits 0 only if nothing was lost, duplicated or reordered and every
 * client stayed connected.  Uses the library like any client would:
 * glass engines over non-blocking sockets (net/net.h).
 *
 * CT: not applicable (a test tool).
 */
#include "client/client_internal.h"
#include "io/io.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct lclient {
    client_conn c;
    int ready, failed;
    int id;                     /* identity index */
    unsigned long sent;         /* messages sent */
    unsigned long *next;        /* per sender client: the next seq expected */
    unsigned long received, disorder;
    int64_t next_send;
} lclient;

static struct {
    client_identity *ids;
    int n_ids;
    lclient *cl;
    int n;
    client_target t;
} G;

static int fail_usage(void)
{
    fprintf(stderr, "usage: glass-load --server H:P -pass SRC [--clients N] [--seconds S] "
                    "[--every MS] [--open K] ID_DIR...\n");
    return 2;
}

static void on_deliver(lclient *me, const glass_app_msg *m)
{
    char text[64];
    unsigned long from = 0, seq = 0;
    size_t n = m->text_len < sizeof text - 1 ? m->text_len : sizeof text - 1;
    memcpy(text, m->text, n);
    text[n] = '\0';
    if (sscanf(text, "%lu %lu", &from, &seq) != 2 || from >= (unsigned long)G.n) {
        me->disorder++;
        return;
    }
    if (seq != me->next[from])
        me->disorder++;
    me->next[from] = seq + 1;
    me->received++;
}

/* Takes every event of client i's engine. */
static void events(lclient *l)
{
    glass_event ev;
    while (glass_engine_next_event(l->c.eng, &ev)) {
        if (ev.type == GLASS_EV_HANDSHAKE_DONE) {
            l->ready = 1;
        } else if (ev.type == GLASS_EV_APP_MESSAGE) {
            glass_app_msg m;
            if (glass_app_decode(ev.data, ev.len, &m) == GLASS_OK && m.type == GLASS_APP_DELIVER)
                on_deliver(l, &m);
        } else if (ev.type == GLASS_EV_CLOSED || ev.type == GLASS_EV_ALERT_RECEIVED) {
            if (!l->failed)
                fprintf(stderr, "glass-load: client %ld: %s\n", (long)(l - G.cl),
                        ev.type == GLASS_EV_CLOSED ? "closed" : glass_alert_name(ev.alert));
            l->failed = 1;
        }
    }
}

static int open_one(lclient *l, const client_opts *o)
{
    glass_config cfg;
    client_identity_config(&G.ids[l->id], &cfg);
    if (client_conn_open(&l->c, o, &G.t, &cfg) != GLASS_OK ||
        net_set_nonblocking(l->c.fd) != GLASS_OK) {
        l->failed = 1;
        return -1;
    }
    return 0;
}

static void send_one(lclient *l, int64_t now, unsigned every)
{
    uint8_t msg[256];
    char text[64];
    size_t len = 0;
    int to = (l->id + 1) % G.n_ids;
    int n = snprintf(text, sizeof text, "%ld %lu", (long)(l - G.cl), l->sent);
    if (glass_app_encode_send_to(msg, sizeof msg, &len, G.ids[to].name, (const uint8_t *)text,
                                 (size_t)n) == GLASS_OK &&
        glass_engine_send_app(l->c.eng, msg, len) == GLASS_OK)
        l->sent++;
    l->next_send = now + every;
}

/* One turn of the loop: poll every open client, read, feed, write. */
static void turn(int opened, struct pollfd *p)
{
    for (int i = 0; i < opened; i++) {
        p[i].fd = G.cl[i].failed ? -1 : G.cl[i].c.fd;
        p[i].events = (short)(POLLIN | (net_engine_pending(G.cl[i].c.eng) ? POLLOUT : 0));
        p[i].revents = 0;
    }
    if (poll(p, (nfds_t)opened, 20) < 0 && errno != EINTR)
        return;
    for (int i = 0; i < opened; i++) {
        lclient *l = &G.cl[i];
        if (l->failed)
            continue;
        if (p[i].revents & (POLLIN | POLLHUP | POLLERR)) {
            uint8_t buf[16384];
            ssize_t r = read(l->c.fd, buf, sizeof buf);
            if (r == 0 || (r < 0 && errno != EAGAIN && errno != EINTR)) {
                fprintf(stderr, "glass-load: client %d: the server hung up\n", i);
                l->failed = 1;
                continue;
            }
            if (r > 0)
                (void)glass_engine_feed(l->c.eng, buf, (size_t)r);
            events(l);
        }
        if (net_engine_flush(l->c.fd, l->c.eng) != 0)
            l->failed = 1;
    }
}

/* What should have arrived: each message of client j reaches every session
 * of the name j writes to. */
static int report(unsigned seconds)
{
    unsigned long sent = 0, expected = 0, received = 0, disorder = 0, lost = 0;
    int failed = 0;
    for (int j = 0; j < G.n; j++) {
        sent += G.cl[j].sent;
        failed += G.cl[j].failed;
        received += G.cl[j].received;
        disorder += G.cl[j].disorder;
        for (int i = 0; i < G.n; i++)
            if (G.cl[i].id == (G.cl[j].id + 1) % G.n_ids) {
                expected += G.cl[j].sent;
                if (G.cl[i].next[j] < G.cl[j].sent)
                    lost += G.cl[j].sent - G.cl[i].next[j];
            }
    }
    printf("load: %d clients, %u s, %lu messages sent, %lu deliveries expected, %lu received, "
           "%lu lost, %lu out of order, %d clients failed\n", G.n, seconds, sent, expected,
           received, lost, disorder, failed);
    return lost == 0 && disorder == 0 && failed == 0 && received == expected && sent > 0 ? 0 : 1;
}

static int run(const client_opts *o, unsigned seconds, unsigned every, int max_open)
{
    struct pollfd *p = calloc((size_t)G.n, sizeof *p);
    int opened = 0;
    if (p == NULL)
        return 1;
    /* 1. Connect everyone, at most max_open handshakes at a time. */
    int64_t deadline = net_now_ms() + 120000;
    for (;;) {
        int ready = 0, pending = 0;
        for (int i = 0; i < opened; i++) {
            ready += G.cl[i].ready;
            pending += !G.cl[i].ready && !G.cl[i].failed;
        }
        if (ready + (opened - ready - pending) == G.n || net_now_ms() > deadline)
            break;
        while (opened < G.n && pending < max_open) {
            open_one(&G.cl[opened++], o);
            pending++;
        }
        turn(opened, p);
    }
    /* 2. Chat for `seconds`, each client once every `every` ms, the
     *    clients staggered over the first interval. */
    int64_t start = net_now_ms(), stop = start + (int64_t)seconds * 1000;
    for (int i = 0; i < G.n; i++)
        G.cl[i].next_send = start + (int64_t)i * every / (unsigned)G.n;
    for (int64_t now = start; now < stop; now = net_now_ms()) {
        for (int i = 0; i < G.n; i++)
            if (G.cl[i].ready && !G.cl[i].failed && now >= G.cl[i].next_send)
                send_one(&G.cl[i], now, every);
        turn(opened, p);
    }
    /* 3. What is still on its way: at most 20 s more. */
    int64_t settle = net_now_ms() + 20000;
    while (net_now_ms() < settle) {
        unsigned long got = 0, want = 0;
        for (int j = 0; j < G.n; j++) {
            got += G.cl[j].received;
            for (int i = 0; i < G.n; i++)
                if (G.cl[i].id == (G.cl[j].id + 1) % G.n_ids)
                    want += G.cl[j].sent;
        }
        if (got >= want)
            break;
        turn(opened, p);
    }
    free(p);
    return report(seconds);
}

int main(int argc, char **argv)
{
    client_opts o;
    unsigned long clients = 500, seconds = 20, every = 1000, max_open = 32;
    const char *dirs[64];
    int n_dirs = 0;
    memset(&o, 0, sizeof o);
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--server") == 0 && v) { o.server = v; i++; }
        else if (strcmp(a, "-pass") == 0 && v) { o.pass = v; i++; }
        else if (strcmp(a, "--clients") == 0 && v) { clients = strtoul(v, NULL, 10); i++; }
        else if (strcmp(a, "--seconds") == 0 && v) { seconds = strtoul(v, NULL, 10); i++; }
        else if (strcmp(a, "--every") == 0 && v) { every = strtoul(v, NULL, 10); i++; }
        else if (strcmp(a, "--open") == 0 && v) { max_open = strtoul(v, NULL, 10); i++; }
        else if (a[0] != '-' && n_dirs < 64) dirs[n_dirs++] = a;
        else return fail_usage();
    }
    if (o.server == NULL || n_dirs == 0 || clients == 0 || clients > 5000 || every == 0 ||
        every > 60000 || max_open == 0 || seconds > 3600)
        return fail_usage();
    if (client_target_parse("load", &o, &G.t) != 0)
        return 2;
    G.n_ids = n_dirs;
    G.ids = calloc((size_t)n_dirs, sizeof *G.ids);
    G.n = (int)clients;
    G.cl = calloc(clients, sizeof *G.cl);
    if (G.ids == NULL || G.cl == NULL)
        return 2;
    for (int k = 0; k < n_dirs; k++)
        if (client_identity_load("load", dirs[k], o.pass, &G.ids[k]) != 0)
            return 2;
    for (int i = 0; i < G.n; i++) {
        G.cl[i].c.fd = -1;
        G.cl[i].id = i % n_dirs;
        G.cl[i].next = calloc(clients, sizeof *G.cl[i].next);
        if (G.cl[i].next == NULL)
            return 2;
    }
    int rc = run(&o, (unsigned)seconds, (unsigned)every, (int)max_open);
    for (int i = 0; i < G.n; i++) {
        if (G.cl[i].c.eng != NULL || G.cl[i].c.fd >= 0)
            client_conn_close(&G.cl[i].c);
        free(G.cl[i].next);
    }
    for (int k = 0; k < n_dirs; k++)
        client_identity_free(&G.ids[k]);
    free(G.ids);
    free(G.cl);
    return rc;
}
