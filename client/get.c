/*
 * get.c — `glass client get` (see client/client.h): one HTTP/1.1 GET over
 * the glass channel (PROTOCOL.md §7.1); a 200 gives its body, to standard
 * output or atomically to -o FILE; any other status is an error and
 * nothing is written.  With --request FILE the bytes of FILE are the
 * request, and the whole response is written.  With count > 1 the page
 * is fetched count times in turn, each on a new connection, interval_s
 * seconds apart: "one page a second" is --count N --interval 1.
 *
 * CT: not applicable (the pages are public).
 */
#include "client/client_internal.h"
#include "io/io.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct get_state {
    client_fetch page;          /* the response, piece by piece */
    int done;
    char error[256];            /* an Error message instead of a response */
};

static int get_handler(client_conn *c, const glass_event *ev, void *arg)
{
    struct get_state *st = arg;
    glass_app_msg m;
    (void)c;
    if (ev->type != GLASS_EV_APP_MESSAGE || glass_app_decode(ev->data, ev->len, &m) != GLASS_OK)
        return 0;
    if (m.type == GLASS_APP_ERROR) {
        size_t n = m.text_len < sizeof st->error - 1 ? m.text_len : sizeof st->error - 1;
        for (size_t i = 0; i < n; i++)
            st->error[i] = m.text[i] < 0x20 || m.text[i] == 0x7f ? '?' : (char)m.text[i];
        st->error[n] = '\0';
        return -1;
    }
    if (m.type == GLASS_APP_FETCH_RESPONSE && client_fetch_append(&st->page, &m)) {
        st->done = 1;
        return 1;
    }
    return 0;
}

/* The request, as it would cross a TCP connection to a web server (or,
 * with --request, exactly the bytes of FILE), in a FetchRequest message
 * msg (GLASS_MAX_PLAINTEXT bytes).  0, or 1 after saying why. */
static int get_request(const client_opts *o, const client_target *t, uint8_t *msg,
                       size_t *msg_len)
{
    glass_err err;
    size_t req_len = 0;
    char *req = malloc(GLASS_MAX_PLAINTEXT);
    if (req == NULL)
        return io_error(CLIENT_CMD, "get: out of memory");
    if (o->request != NULL) {
        uint8_t *data = NULL;
        err = glass_read_file(o->request, GLASS_MAX_PLAINTEXT - 3, &data, &req_len);
        if (err != GLASS_OK) {
            free(req);
            return io_error(CLIENT_CMD, "get: --request %s: %s", o->request,
                            glass_strerror(err));
        }
        if (req_len > 0)
            memcpy(req, data, req_len);
        free(data);
    } else {
        err = client_fetch_request(t->host, o->path, req, GLASS_MAX_PLAINTEXT, &req_len);
    }
    if (err == GLASS_OK)
        err = glass_app_encode_fetch_request(msg, GLASS_MAX_PLAINTEXT, msg_len,
                                             (const uint8_t *)req, req_len);
    free(req);
    if (err != GLASS_OK)
        return io_error(CLIENT_CMD, "get: %s", o->request != NULL
                                                   ? "the request file is empty"
                                                   : "the path is too long for one request");
    return 0;
}

/* The response received: a 200 gives its body (to -o FILE, written
 * atomically, or to standard output); anything else is an error.  With
 * --request, the whole response is written, whatever it says. */
static int get_write(const client_opts *o, const client_fetch *page)
{
    glass_err err = GLASS_OK;
    if (o->request != NULL && !page->overflow) {
        if (o->output != NULL)
            err = glass_write_file_atomic(o->output, page->resp, page->len, 0644);
        else if (page->len > 0 && fwrite(page->resp, 1, page->len, stdout) != page->len)
            err = GLASS_ERR_IO;
        if (err != GLASS_OK)
            return io_error(CLIENT_CMD, "get: cannot write the response: %s",
                            glass_strerror(err));
        return 0;
    }
    int status = 0;
    char reason[64];
    const uint8_t *body = NULL;
    size_t body_len = 0;
    if (page->overflow || client_parse_response(page->resp, page->len, &status, reason,
                                                 sizeof reason, &body, &body_len) != 0)
        return io_error(CLIENT_CMD, "get: %s: the response is not a complete HTTP/1.1 response",
                        o->path);
    if (status != 200)
        return io_error(CLIENT_CMD, "get: %s: %d %s", o->path, status, reason);
    if (o->output != NULL) {
        err = glass_write_file_atomic(o->output, body, body_len, 0644);
        if (err != GLASS_OK)
            return io_error(CLIENT_CMD, "get: %s: %s", o->output, glass_strerror(err));
    } else if (body_len > 0 && fwrite(body, 1, body_len, stdout) != body_len) {
        return io_error(CLIENT_CMD, "get: cannot write to standard output");
    }
    return 0;
}

/* One fetch on a new connection: the handshake (mutually authenticated, or
 * server-only without an identity), the request msg, the pieces of the
 * response until the last, then the body written.  0, or 1 after saying
 * why. */
static int get_once(const client_opts *o, const client_target *t, const client_identity *id,
                    const uint8_t *msg, size_t msg_len)
{
    client_conn c;
    struct get_state st;
    int rc = 1;
    memset(&c, 0, sizeof c);
    memset(&st, 0, sizeof st);
    c.fd = -1;
    if (client_connect("get", o, t, id, &c) != 0)
        goto cleanup;
    glass_err err = glass_engine_send_app(c.eng, msg, msg_len);
    if (err != GLASS_OK) {
        io_error(CLIENT_CMD, "get: cannot send: %s", glass_strerror(err));
        goto cleanup;
    }
    if (!client_drive(&c, net_now_ms() + CLIENT_FETCH_MS, get_handler, &st)) {
        if (st.error[0] != '\0')
            io_error(CLIENT_CMD, "get: the server answered: %s", st.error);
        else
            client_conn_report("get", &c, "fetch");
        goto cleanup;
    }
    client_conn_goodbye(&c);
    rc = get_write(o, &st.page);
cleanup:
    if (c.eng != NULL || c.fd >= 0)
        client_conn_close(&c);
    client_fetch_reset(&st.page);
    return rc;
}

/* Waits ms milliseconds, or less if SIGINT/SIGTERM arrives.  1 if stopped. */
static int get_pause(int64_t ms)
{
    int64_t deadline = net_now_ms() + ms;
    while (!net_stop_signal && net_now_ms() < deadline) {
        int64_t left = deadline - net_now_ms();
        (void)poll(NULL, 0, left > 100 ? 100 : (int)left);
    }
    return net_stop_signal != 0;
}

/* See client/client.h. */
int client_get(const client_opts *o)
{
    client_identity id;
    client_target t;
    uint8_t *msg = NULL;
    size_t msg_len = 0;
    unsigned long count = o->count > 0 ? o->count : 1;
    int rc = 1;
    if (client_target_parse("get", o, &t) != 0)
        return 1;
    if ((o->path == NULL) == (o->request == NULL))
        return io_error(CLIENT_CMD, "get: a PATH (or --request FILE) is required (see --help)");
    if (count > CLIENT_GET_MAX_COUNT || !(o->interval_s >= 0) ||
        o->interval_s > CLIENT_GET_MAX_INTERVAL_S)
        return io_error(CLIENT_CMD, "get: --count is 1 to %d, --interval 0 to %.0f seconds",
                        CLIENT_GET_MAX_COUNT, CLIENT_GET_MAX_INTERVAL_S);
    if (client_identity_open("get", o, &id) != 0)
        return 1;
    net_install_signals();
    /* 1. The request, the same for every fetch. */
    msg = malloc(GLASS_MAX_PLAINTEXT);
    if (msg == NULL) {
        io_error(CLIENT_CMD, "get: out of memory");
        goto cleanup;
    }
    if (get_request(o, &t, msg, &msg_len) != 0)
        goto cleanup;
    /* 2. The fetches in turn, each on its own connection (as a browser
     *    reloading a page would), interval_s apart; the first failure or
     *    a signal ends the run. */
    for (unsigned long i = 0; i < count; i++) {
        if (i > 0 && get_pause((int64_t)(o->interval_s * 1000.0))) {
            io_error(CLIENT_CMD, "get: stopped by a signal after %lu of %lu fetches", i, count);
            goto cleanup;
        }
        if (count > 1)
            fprintf(stderr, "fetch %lu of %lu: %s\n", i + 1, count,
                    o->path != NULL ? o->path : o->request);
        if (get_once(o, &t, &id, msg, msg_len) != 0)
            goto cleanup;
        fflush(stdout);
    }
    rc = 0;
cleanup:
    client_identity_free(&id);
    free(msg);
    return rc;
}
