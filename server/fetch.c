/*
 * fetch.c — page fetch (see server/server.h, PROTOCOL.md §7.1): a
 * FetchRequest carries one HTTP/1.1 request; net/http.h builds the
 * response from the files under the published directory, and it goes back
 * in FetchResponse pieces, as fast as the client reads.
 *
 * CT: not applicable (the pages are public).
 */
#include "server/server_internal.h"
#include <stdlib.h>

/* Sends the next pieces of the response being sent, while the socket
 * keeps up: at most SERVER_FETCH_LOW_WATER bytes queued at once, so a
 * large page never makes the client's queue reach SERVER_MAX_PENDING_OUT. */
void server_fetch_pump(server *s, conn *c)
{
    uint8_t *msg = NULL;
    while (!c->dead && c->resp.data != NULL &&
           server_conn_pending(c) < SERVER_FETCH_LOW_WATER) {
        size_t n = c->resp.len - c->resp_off;
        unsigned last = n <= GLASS_APP_FETCH_PIECE;
        if (!last)
            n = GLASS_APP_FETCH_PIECE;
        size_t len = 0;
        if (msg == NULL && (msg = malloc(GLASS_MAX_PLAINTEXT)) == NULL)
            return;
        if (glass_app_encode_fetch_response(msg, GLASS_MAX_PLAINTEXT, &len, last,
                                            c->resp.data + c->resp_off, n) != GLASS_OK)
            last = 1;
        else
            server_send_app(s, c, msg, len);
        c->resp_off += n;
        if (last) {
            http_response_free(&c->resp);
        }
    }
    free(msg);
}

void server_on_fetch(server *s, conn *c, const glass_app_msg *m)
{
    char what[256];
    if (c->resp.data != NULL) {
        server_send_error(s, c, GLASS_APP_ERR_BUSY, "the previous response is still being sent");
        return;
    }
    c->resp_off = 0;
    if (http_handle(s->have_www ? s->www : NULL, SERVER_WWW_MAX_FILE, m->text, m->text_len,
                    what, sizeof what, &c->resp) != 0) {
        http_response_free(&c->resp);
        server_send_error(s, c, GLASS_APP_ERR_STORAGE, "cannot build the response");
        return;
    }
    server_logv(s, c, "fetch %s: %.200s -> %d (%zu bytes)", c->name, what, c->resp.status,
               c->resp.len);
    server_fetch_pump(s, c);
}
