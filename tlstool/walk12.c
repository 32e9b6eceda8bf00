/*
 * walk12.c — `glass walkthrough --protocol tls12`: one real TLS 1.2
 * connection between two engines in this process, explained byte by byte
 * (see tlstool.h).
 *
 * The same engine that `glass s_server` and `glass s_client` put on a
 * socket runs here back to back (net_pump_handshake), both in the TLS 1.2
 * profile, mutually authenticated with the classroom PKI of the glass
 * walkthrough.  Every message is shown once, when it is sent, field by
 * field (the engine's dissector, RFC 5246 §7.4), with its record header
 * (RFC 5246 §6.2.1); every value each side derives is shown with its
 * bytes (RFC 5246 §8.1, §6.3, §7.4.9; RFC 7627 §4) — both sides, so the
 * reader sees them agree — and every check. Then one application record
 * each way and the close_notify alerts.  With a seed the whole text is
 * the same on every run (INSECURE randomness, for a class).
 *
 * CT: not applicable (a classroom tool: it prints secrets on purpose).
 */
#include "tlstool/tlstool.h"
#include "classroom/walk_session.h"
#include "net/net.h"

#include <string.h>
#include <time.h>

typedef struct side {
    tlstool_tap tap;
    glass_tracer filter;
} side;

/* A received message was shown when its sender sent it: say only that it
 * arrived. */
static void on_trace(void *arg, const char *name, const char *explain, const uint8_t *bytes,
                     size_t len)
{
    side *s = arg;
    if (strncmp(name, "recv ", 5) == 0 && strcmp(name, "recv application_data") != 0) {
        if (strcmp(name, "recv record") != 0)
            fprintf(s->tap.out, "%s<<< %s received (%zu bytes)\n", s->tap.prefix, name + 5, len);
        return;
    }
    tlstool_render_event(&s->tap, name, explain, bytes, len);
}

static void drain_events(glass_engine *e, FILE *out, const char *who)
{
    glass_event ev;
    while (glass_engine_next_event(e, &ev)) {
        if (ev.type == GLASS_EV_APP_MESSAGE)
            fprintf(out, "%s  application data, as the program receives it: %.*s\n", who,
                    (int)(ev.len < 200 ? ev.len : 200), (const char *)ev.data);
        else if (ev.type == GLASS_EV_HANDSHAKE_DONE)
            fprintf(out, "%s  handshake done: the peer is %s\n", who,
                    ev.authenticated ? ev.peer_name : "(no certificate)");
    }
}

static glass_err converse(glass_engine *c, glass_engine *s, FILE *out)
{
    static const char request[] = "GET / HTTP/1.0\r\n\r\n";
    static const char answer[] = "HTTP/1.0 200 ok\r\n\r\nhello from the server\n";
    fprintf(out, "\n== application data: one record each way (RFC 5246 §6.2.3.2, RFC 7366)\n");
    glass_err err = glass_engine_send_app(c, (const uint8_t *)request, sizeof request - 1);
    if (err == GLASS_OK)
        net_pump_move(c, s, &err);
    drain_events(s, out, "S");
    if (err == GLASS_OK)
        err = glass_engine_send_app(s, (const uint8_t *)answer, sizeof answer - 1);
    if (err == GLASS_OK)
        net_pump_move(s, c, &err);
    drain_events(c, out, "C");
    fprintf(out, "\n== the end: close_notify both ways (RFC 5246 §7.2.1)\n");
    if (err == GLASS_OK)
        err = glass_engine_close(c);
    if (err == GLASS_OK)
        net_pump_move(c, s, &err);
    /* The server's close_notify answers a client that has already closed:
     * the client's engine takes no more input, which is the point. */
    if (err == GLASS_OK)
        net_pump_move(s, c, NULL);
    return err;
}

static void config(glass_config *cfg, glass_role role, const walk_pki *pki, glass_blob *anchor,
                   glass_blob *chain, int64_t now)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->role = role;
    cfg->profile = GLASS_PROFILE_TLS12;
    cfg->now = now;
    cfg->anchors = anchor;
    cfg->n_anchors = 1;
    cfg->chain = chain;
    cfg->n_chain = 1;
    cfg->key = role == GLASS_ROLE_CLIENT ? &pki->client_key : &pki->server_key;
    cfg->server_name = "localhost";
    cfg->client_auth = GLASS_CLIENT_AUTH_REQUIRE;
}

int tlstool_walkthrough_run(int seeded, uint64_t seed, FILE *out)
{
    walk_pki pki;
    wk_out quiet;
    memset(&quiet, 0, sizeof quiet);
    quiet.f = fopen("/dev/null", "w");
    if (quiet.f == NULL) {
        fprintf(stderr, "glass walkthrough: cannot open /dev/null\n");
        return 1;
    }
    if (seeded)
        glass_random_seed(seed);
    int64_t now = seeded ? WALK_FIXED_NOW : (int64_t)time(NULL);
    glass_err err = walk_pki_make(&pki, now, 1, &quiet);
    fclose(quiet.f);
    glass_blob anchor, sch = {pki.server_der, pki.server_len}, cch = {pki.client_der, pki.client_len};
    walk_pki_ca_der(&pki, &anchor.der, &anchor.len);
    glass_config cc, sc;
    config(&cc, GLASS_ROLE_CLIENT, &pki, &anchor, &cch, now);
    config(&sc, GLASS_ROLE_SERVER, &pki, &anchor, &sch, now);
    glass_drbg dc, ds;
    if (seeded) {
        glass_drbg_init(&dc, seed, 1);
        glass_drbg_init(&ds, seed, 2);
        cc.random = sc.random = glass_random_from_drbg;
        cc.random_arg = &dc;
        sc.random_arg = &ds;
    }
    side C, S;
    tlstool_tap_init(&C.tap, &cc, NULL, TLSTOOL_RENDER_TRACE, out, "C ");
    tlstool_tap_init(&S.tap, &sc, NULL, TLSTOOL_RENDER_TRACE, out, "S ");
    C.filter.fn = S.filter.fn = on_trace;
    C.filter.arg = &C;
    S.filter.arg = &S;
    cc.trace = &C.filter;
    sc.trace = &S.filter;
    fprintf(out, "A real TLS 1.2 connection (RFC 5246), TLS_DHE_RSA_WITH_AES_256_CBC_SHA256 with\n"
                 "extended master secret and encrypt-then-MAC, between a client (C) and a server\n"
                 "(S) engine in this process: the bytes glass s_client and glass s_server send.\n"
                 "Each message is shown once, as it is sent; both sides' derivations are shown,\n"
                 "so you can see them agree.  glass compare lays it beside a glass handshake.\n\n"
                 "== the handshake (RFC 5246 §7.3)\n");
    glass_engine *c = NULL, *s = NULL;
    if (err == GLASS_OK)
        err = glass_engine_new(&c, &cc);
    if (err == GLASS_OK)
        err = glass_engine_new(&s, &sc);
    if (err == GLASS_OK)
        err = glass_engine_start(s);
    if (err == GLASS_OK)
        err = glass_engine_start(c);
    if (err == GLASS_OK)
        err = net_pump_handshake(c, s);
    if (err == GLASS_OK)
        err = converse(c, s, out);
    if (err != GLASS_OK)
        fprintf(stderr, "glass walkthrough: the TLS 1.2 connection failed: %s\n",
                glass_strerror(err));
    glass_engine_free(c);
    glass_engine_free(s);
    tlstool_tap_clear(&C.tap);
    tlstool_tap_clear(&S.tap);
    walk_pki_free(&pki);
    return err == GLASS_OK ? 0 : 1;
}
