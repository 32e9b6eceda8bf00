/*
 * chat.c — `glass client chat` (see client/client.h): after the mutually
 * authenticated handshake, lines typed go out as application messages
 * (PROTOCOL.md §7) and what arrives is printed: "[alice] hello", the list
 * of who is connected, key-value answers, fetched pages.
 *
 * Read client_chat, then chat_line (one typed line into one message), then
 * chat_show (one message from the server onto the terminal).
 *
 * CT: not applicable here.
 */
#include "client/client_internal.h"
#include "io/io.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* What the user has sent that may still be answered. */
struct chat_pending {
    int who;                    /* /who sent, WhoList not yet received */
    int sent_to;                /* a /to was sent (answered only if it fails) */
    int kv;                     /* key-value requests not yet answered */
    int fetch;                  /* /get sent, the last piece not yet received */
    int refused;                /* the server refused a request: no certificate */
    client_fetch page;          /* the response being received (pieces so far) */
};

/* Prints one message from the server. */
static void chat_show(const uint8_t *data, size_t len, struct chat_pending *pend)
{
    glass_app_msg m;
    if (glass_app_decode(data, len, &m) != GLASS_OK) {
        printf("! a malformed message arrived (%zu bytes)\n", len);
        return;
    }
    switch (m.type) {
    case GLASS_APP_DELIVER:
        putchar('[');
        client_print_safe(stdout, m.name, m.name_len);
        printf("] ");
        client_print_safe(stdout, m.text, m.text_len);
        putchar('\n');
        break;
    case GLASS_APP_WHO_LIST:
    case GLASS_APP_KV_KEYS:
        if (m.type == GLASS_APP_WHO_LIST && pend->who > 0)
            pend->who--;
        if (m.type == GLASS_APP_KV_KEYS && pend->kv > 0)
            pend->kv--;
        printf(m.type == GLASS_APP_WHO_LIST ? "* connected:" : "* keys:");
        for (size_t i = 0; i < m.n_names; i++) {
            putchar(' ');
            client_print_safe(stdout, m.names[i], m.name_lens[i]);
        }
        putchar('\n');
        break;
    case GLASS_APP_KV_VALUE:
    case GLASS_APP_KV_DONE:
        if (pend->kv > 0)
            pend->kv--;
        printf(m.type == GLASS_APP_KV_DONE ? "* ok " : "* ");
        client_print_safe(stdout, m.name, m.name_len);
        if (m.type == GLASS_APP_KV_VALUE) {
            printf(" = ");
            client_print_safe(stdout, m.text, m.text_len);
        }
        putchar('\n');
        break;
    case GLASS_APP_FETCH_RESPONSE:
        if (!client_fetch_append(&pend->page, &m))
            break;
        if (pend->fetch > 0)
            pend->fetch--;
        if (pend->page.overflow)
            printf("! the response was longer than %u bytes: dropped\n", CLIENT_FETCH_MAX);
        else
            client_print_http(stdout, pend->page.resp, pend->page.len);
        client_fetch_reset(&pend->page);
        break;
    case GLASS_APP_ERROR:
        /* Anonymous (no certificate): chat and key-value requests are
         * refused, and nothing else will answer them. */
        if (m.code == GLASS_APP_ERR_NEEDS_CERT) {
            pend->refused = 1;
            pend->who = pend->kv = pend->sent_to = 0;
        }
        /* The key-value errors and busy answer a request of ours. */
        if ((m.code == GLASS_APP_ERR_NO_SUCH_KEY || m.code == GLASS_APP_ERR_LIMIT ||
             m.code == GLASS_APP_ERR_STORAGE) && pend->kv > 0)
            pend->kv--;
        else if ((m.code == GLASS_APP_ERR_BUSY || m.code == GLASS_APP_ERR_STORAGE) &&
                 pend->fetch > 0)
            pend->fetch--;
        printf("! ");
        client_print_safe(stdout, m.text, m.text_len);
        putchar('\n');
        break;
    default:
        printf("* server sent %s\n", glass_app_type_name(m.type));
        break;
    }
    fflush(stdout);
}

/* Splits "/cmd ARG REST": *arg is the first word, *rest what follows it
 * (NULL when nothing does). */
static void split_words(char *args, char **arg, char **rest)
{
    while (*args == ' ')
        args++;
    *arg = args;
    char *sp = strchr(args, ' ');
    *rest = NULL;
    if (sp != NULL) {
        *sp = '\0';
        *rest = sp + 1;
    }
}

/* One line typed by the user.  Returns 1 for /quit. */
static int chat_line(client_conn *c, const char *host, char *line, struct chat_pending *pend)
{
    uint8_t *msg = NULL;
    size_t len = 0;
    glass_err err = GLASS_OK;
    char *arg = NULL, *rest = NULL;
    size_t n = strlen(line);
    while (n > 0 && (line[n - 1] == '\r' || line[n - 1] == ' '))
        line[--n] = '\0';
    if (n == 0 || line[0] == '#')
        return 0;
    if (strcmp(line, "/quit") == 0)
        return 1;
    msg = malloc(GLASS_MAX_PLAINTEXT);
    if (msg == NULL)
        return 0;
    /* "/kv get K" is "/getkey K", and so on. */
    if (strncmp(line, "/kv ", 4) == 0) {
        static const char *const alias[][2] = {
            {"get ", "/getkey "}, {"put ", "/put "}, {"del ", "/del "}, {"keys", "/keys"}};
        char *sub = line + 4;
        while (*sub == ' ')
            sub++;
        for (size_t i = 0; i < sizeof alias / sizeof alias[0]; i++) {
            size_t k = strlen(alias[i][0]);
            /* "get ", "put ", "del " take arguments; "keys" none. */
            int whole = alias[i][0][k - 1] != ' ';
            if (strncmp(sub, alias[i][0], k) == 0 && (!whole || sub[k] == '\0')) {
                size_t pre = strlen(alias[i][1]);
                memmove(line + pre, sub + k, strlen(sub + k) + 1);
                memcpy(line, alias[i][1], pre);
                break;
            }
        }
    }
    if (strcmp(line, "/who") == 0) {
        err = glass_app_encode_who(msg, GLASS_MAX_PLAINTEXT, &len);
        pend->who++;
    } else if (strncmp(line, "/to ", 4) == 0) {
        split_words(line + 4, &arg, &rest);
        if (rest == NULL) {
            io_error(CLIENT_CMD, "chat: /to needs a name and a message: /to NAME message");
            goto cleanup;
        }
        err = glass_app_encode_send_to(msg, GLASS_MAX_PLAINTEXT, &len, arg,
                                       (const uint8_t *)rest, strlen(rest));
        pend->sent_to = 1;
    } else if (strncmp(line, "/get ", 5) == 0) {
        char *req = malloc(GLASS_MAX_PLAINTEXT);
        split_words(line + 5, &arg, &rest);
        size_t req_len = 0;
        err = req == NULL ? GLASS_ERR_NOMEM
                          : client_fetch_request(host, arg, req, GLASS_MAX_PLAINTEXT, &req_len);
        if (err == GLASS_OK)
            err = glass_app_encode_fetch_request(msg, GLASS_MAX_PLAINTEXT, &len,
                                                 (const uint8_t *)req, req_len);
        free(req);
        pend->fetch++;
    } else if (strncmp(line, "/put ", 5) == 0) {
        split_words(line + 5, &arg, &rest);
        if (rest == NULL || *arg == '\0') {
            io_error(CLIENT_CMD, "chat: /put needs a key and a value: /put KEY VALUE");
            goto cleanup;
        }
        err = glass_app_encode_kv_put(msg, GLASS_MAX_PLAINTEXT, &len, arg,
                                      (const uint8_t *)rest, strlen(rest));
        pend->kv++;
    } else if (strncmp(line, "/getkey ", 8) == 0 || strncmp(line, "/del ", 5) == 0) {
        int del = line[1] == 'd';
        split_words(line + (del ? 5 : 8), &arg, &rest);
        if (rest != NULL || *arg == '\0') {
            io_error(CLIENT_CMD, "chat: %s needs one key", del ? "/del" : "/getkey");
            goto cleanup;
        }
        err = del ? glass_app_encode_kv_delete(msg, GLASS_MAX_PLAINTEXT, &len, arg)
                  : glass_app_encode_kv_get(msg, GLASS_MAX_PLAINTEXT, &len, arg);
        pend->kv++;
    } else if (strcmp(line, "/keys") == 0) {
        err = glass_app_encode_kv_list(msg, GLASS_MAX_PLAINTEXT, &len);
        pend->kv++;
    } else {
        io_error(CLIENT_CMD, "chat: unknown command '%.40s': use /to, /who, /get, /put, /getkey, "
                       "/del, /keys or /quit",
                  line);
        goto cleanup;
    }
    if (err == GLASS_OK)
        err = glass_engine_send_app(c->eng, msg, len);
    if (err != GLASS_OK)
        io_error(CLIENT_CMD, "chat: cannot send: %s", glass_strerror(err));
cleanup:
    glass_wipe(msg, GLASS_MAX_PLAINTEXT);
    free(msg);
    return 0;
}

/* One chat in progress: the connection, what is still to be answered, the
 * line being typed, and how the end is coming. */
typedef struct chat_session {
    client_conn c;
    const client_opts *o;
    client_target t;
    struct chat_pending pend;
    char *line;                 /* CLIENT_LINE_MAX + 1 bytes */
    size_t line_len;
    int quitting;               /* /quit, or the end of input */
    int stdin_open;
    int64_t quit_at;            /* leave by then (monotonic ms) */
} chat_session;

/* Reads what standard input has and sends each whole line. */
static void chat_read_stdin(chat_session *ch)
{
    ssize_t got = read(STDIN_FILENO, ch->line + ch->line_len, CLIENT_LINE_MAX - ch->line_len);
    if (got < 0 && errno == EINTR)
        return;
    if (got <= 0) {
        ch->stdin_open = 0;
        /* End of input: in batch mode wait a bounded while for the
         * replies, interactively leave now. */
        ch->quitting = 1;
        ch->quit_at = net_now_ms() + (ch->o->batch ? (int64_t)(ch->o->wait_s * 1000) : 0);
        if (ch->line_len > 0) {
            ch->line[ch->line_len] = '\0';
            (void)chat_line(&ch->c, ch->t.host, ch->line, &ch->pend);
            ch->line_len = 0;
        }
        return;
    }
    ch->line_len += (size_t)got;
    size_t start = 0;
    for (size_t i = 0; i < ch->line_len; i++) {
        if (ch->line[i] != '\n')
            continue;
        ch->line[i] = '\0';
        if (chat_line(&ch->c, ch->t.host, ch->line + start, &ch->pend)) {
            ch->quitting = 1;
            ch->quit_at = net_now_ms();
        }
        start = i + 1;
    }
    memmove(ch->line, ch->line + start, ch->line_len - start);
    ch->line_len -= start;
    if (ch->line_len == CLIENT_LINE_MAX) {
        io_error(CLIENT_CMD, "chat: line longer than %d bytes dropped", CLIENT_LINE_MAX);
        ch->line_len = 0;
    }
}

/* The relay: stdin lines out, messages in, until /quit, the end of input
 * (plus --wait in batch mode), a signal, or the server leaves. */
static void chat_loop(chat_session *ch)
{
    client_conn *c = &ch->c;
    const struct chat_pending *pend = &ch->pend;
    while (!net_stop_signal) {
        glass_event ev;
        while (glass_engine_next_event(c->eng, &ev)) {
            if (client_note_event(c, &ev))
                continue;
            if (ev.type == GLASS_EV_APP_MESSAGE)
                chat_show(ev.data, ev.len, &ch->pend);
        }
        if (net_engine_flush(c->fd, c->eng) != 0)
            c->eof = 1;
        if (c->closed || c->eof)
            break;
        int64_t now = net_now_ms();
        /* After the input: leave at the deadline, or sooner once every
         * request is answered if no /to is outstanding (a /to is answered
         * only when it fails, so after one the whole wait is spent). */
        int answered = pend->who == 0 && pend->kv == 0 && pend->fetch == 0 && !pend->sent_to;
        if (ch->quitting && (now >= ch->quit_at || (!ch->stdin_open && answered)))
            break;
        struct pollfd p[2] = {
            {c->fd, (short)(POLLIN | (net_engine_pending(c->eng) ? POLLOUT : 0)), 0},
            {ch->stdin_open && !ch->quitting ? STDIN_FILENO : -1, POLLIN, 0},
        };
        int timeout = ch->quitting ? (int)(ch->quit_at - now) : -1;
        int r = poll(p, 2, timeout);
        if (r < 0 && errno != EINTR)
            break;
        if (r <= 0)
            continue;
        if (p[0].revents & (POLLIN | POLLHUP | POLLERR))
            client_conn_read(c);
        if (p[1].revents & (POLLIN | POLLHUP | POLLERR))
            chat_read_stdin(ch);
    }
}

/* Leaving: Bye, then close_notify; or, if the server left first, why. */
static int chat_leave(chat_session *ch)
{
    client_conn *c = &ch->c;
    if (c->closed || c->eof) {
        if (c->got_alert_received || c->got_alert_sent)
            return client_conn_report("chat", c, "connection");
        printf("* the server closed the connection\n");
        return 0;
    }
    uint8_t bye[16];
    size_t bye_len = 0;
    if (glass_app_encode_bye(bye, sizeof bye, &bye_len) == GLASS_OK)
        (void)glass_engine_send_app(c->eng, bye, bye_len);
    client_conn_goodbye(c);
    return 0;
}

/* See client/client.h. */
int client_chat(const client_opts *o)
{
    client_identity id;
    chat_session ch;
    int rc = 1;
    memset(&ch, 0, sizeof ch);
    ch.c.fd = -1;
    ch.o = o;
    ch.stdin_open = 1;
    if (client_target_parse("chat", o, &ch.t) != 0)
        return 1;
    client_opts batch = *o;
    if (!isatty(STDIN_FILENO))
        batch.batch = 1;
    ch.o = &batch;
    if (client_identity_open("chat", o, &id) != 0)
        return 1;
    setvbuf(stdout, NULL, _IOLBF, 0);
    net_install_signals();
    ch.line = malloc(CLIENT_LINE_MAX + 1);
    if (ch.line == NULL)
        goto cleanup;
    /* 1. The mutually authenticated handshake (server-only without an
     *    identity: the server then refuses chat and key-value requests). */
    if (client_connect("chat", o, &ch.t, &id, &ch.c) != 0)
        goto cleanup;
    printf("connected to %s as %s\n", o->server,
           id.anonymous ? "nobody (anonymous: no client certificate)" : id.name);
    if (!batch.batch)
        printf("commands: /to NAME message, /who, /quit\n");
    /* 2. The relay; 3. leaving. */
    chat_loop(&ch);
    rc = chat_leave(&ch);
    if (rc == 0 && ch.pend.refused)
        rc = io_error(CLIENT_CMD, "chat: the server refused chat or key-value requests: "
                      "no client certificate (run glass client enroll)");
cleanup:
    if (ch.c.eng != NULL || ch.c.fd >= 0)
        client_conn_close(&ch.c);
    client_identity_free(&id);
    client_fetch_reset(&ch.pend.page);
    if (ch.line != NULL) {
        glass_wipe(ch.line, CLIENT_LINE_MAX + 1);
        free(ch.line);
    }
    return rc;
}
