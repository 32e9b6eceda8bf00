/*
 * relay.c — the chat relay (see server/server.h, PROTOCOL.md §7): SendTo
 * delivers a message to every session of the named client, stamped with
 * the sender's certified name; Who lists the names connected.
 *
 * The sender's name comes from its certificate (conn.name), never from the
 * message: a client cannot speak as someone else.
 *
 * CT: not applicable here.
 */
#include "server/server_internal.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void server_send_app(server *s, conn *to, const uint8_t *msg, size_t len)
{
    glass_err err = glass_engine_send_app(to->eng, msg, len);
    if (err != GLASS_OK) {
        server_log(s, to, "cannot send: %s", glass_strerror(err));
        return;
    }
    /* A client that does not read is not allowed to make us hold its mail
     * for ever: past the bound it is dropped. */
    if (server_conn_pending(to) > SERVER_MAX_PENDING_OUT) {
        server_log(s, to, "dropped: %zu bytes waiting, the client is not reading",
                   server_conn_pending(to));
        to->dead = 1;
        return;
    }
    if (server_conn_flush(to) != 0)
        to->dead = 1;
}

void server_send_error(server *s, conn *c, uint16_t code, const char *text)
{
    uint8_t msg[512];
    size_t len = 0;
    if (glass_app_encode_error(msg, sizeof msg, &len, code, text) == GLASS_OK)
        server_send_app(s, c, msg, len);
}

void server_on_send_to(server *s, conn *c, const glass_app_msg *m)
{
    char to[GLASS_MAX_NAME + 1];
    uint8_t *out = NULL;
    size_t out_len = 0, delivered = 0;
    memcpy(to, m->name, m->name_len);
    to[m->name_len] = '\0';
    size_t cap = GLASS_MAX_PLAINTEXT;
    out = malloc(cap);
    if (out == NULL)
        return;
    glass_err err = glass_app_encode_deliver(out, cap, &out_len, c->name, m->text, m->text_len);
    if (err != GLASS_OK) {
        server_send_error(s, c, GLASS_APP_ERR_TOO_LONG, "message too long to relay");
        goto cleanup;
    }
    /* Every session of that name gets it (a person may be connected twice). */
    for (size_t i = 0; i < s->n_conns; i++) {
        conn *t = s->conns[i];
        if (t->dead || t->phase != PHASE_READY || strcmp(t->name, to) != 0)
            continue;
        server_send_app(s, t, out, out_len);
        delivered++;
    }
    if (delivered == 0) {
        char text[GLASS_MAX_NAME + 64];
        snprintf(text, sizeof text, "no client named '%s' is connected", to);
        server_send_error(s, c, GLASS_APP_ERR_NO_SUCH_CLIENT, text);
        server_logv(s, c, "relay %s -> %s refused: not connected", c->name, to);
    } else {
        server_logv(s, c, "relay %s -> %s (%zu bytes, %zu session%s)", c->name, to, m->text_len,
              delivered, delivered == 1 ? "" : "s");
    }
cleanup:
    glass_wipe(out, cap);
    free(out);
}

void server_on_who(server *s, conn *c)
{
    const char *names[GLASS_APP_MAX_NAMES] = {0};
    size_t n = 0;
    uint8_t *out = malloc(GLASS_MAX_PLAINTEXT);
    size_t out_len = 0;
    if (out == NULL)
        return;
    for (size_t i = 0; i < s->n_conns && n < GLASS_APP_MAX_NAMES; i++) {
        conn *t = s->conns[i];
        if (t->dead || t->phase != PHASE_READY)
            continue;
        int seen = 0;
        for (size_t j = 0; j < n && !seen; j++)
            seen = strcmp(names[j], t->name) == 0;
        if (!seen)
            names[n++] = t->name;
    }
    /* Keep the list within one record: drop names from the end if needed. */
    while (glass_app_encode_who_list(out, GLASS_MAX_PLAINTEXT, &out_len, names, n) !=
               GLASS_OK && n > 0)
        n--;
    server_send_app(s, c, out, out_len);
    server_logv(s, c, "who: %zu name%s", n, n == 1 ? "" : "s");
    free(out);
}
