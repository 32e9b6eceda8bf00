/*
 * bench.c — `glass client bench` (see client/client.h): full mutually
 * authenticated handshakes, each on a new TCP connection, for a while;
 * prints handshakes per second, as `openssl s_time -new` does for TLS.
 *
 * CT: not applicable here.
 */
#include "client/client_internal.h"
#include "io/io.h"

#include <stdio.h>
#include <string.h>

/* See client/client.h. */
int client_bench(const client_opts *o)
{
    client_identity id;
    client_target t;
    glass_config cfg;
    unsigned long done = 0;
    if (client_target_parse("bench", o, &t) != 0)
        return 1;
    if (o->id == NULL)
        return io_error(CLIENT_CMD, "bench: --id DIR is required (see --help)");
    if (!(o->seconds > 0))
        return io_error(CLIENT_CMD, "bench: --time must be more than 0");
    if (client_identity_load("bench", o->id, o->pass, &id) != 0)
        return 1;
    net_install_signals();
    int rc = 0;
    /* Each turn: a new TCP connection, a full mutually authenticated
     * handshake, close_notify, close. */
    double start = (double)net_now_ms() / 1000.0, end = start + o->seconds, now = start;
    while (now < end && !net_stop_signal) {
        client_conn c;
        client_identity_config(&id, &cfg);
        glass_err err = client_conn_open(&c, o, &t, &cfg);
        c.quiet = done > 0;     /* one session line, not one per handshake */
        if (err != GLASS_OK) {
            io_error(CLIENT_CMD, "bench: cannot connect to %s: %s", o->server,
                     glass_strerror(err));
            client_conn_close(&c);
            rc = 1;
            break;
        }
        if (!client_drive(&c, net_now_ms() + CLIENT_HANDSHAKE_MS, client_handshake_done, NULL)) {
            client_conn_report("bench", &c, "handshake");
            client_conn_close(&c);
            rc = 1;
            break;
        }
        client_conn_goodbye(&c);
        client_conn_close(&c);
        done++;
        now = (double)net_now_ms() / 1000.0;
    }
    double elapsed = now - start;
    printf("%lu handshakes in %.2f real seconds, %.1f handshakes/s\n", done, elapsed,
           elapsed > 0 ? (double)done / elapsed : 0.0);
    client_identity_free(&id);
    return rc;
}
