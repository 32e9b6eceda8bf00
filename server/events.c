/*
 * events.c — what each engine event means for the server (see
 * server/server.h): a finished handshake makes a client ready (or, without
 * a certificate, lets it enroll or, with server-only access, fetch pages);
 * an application message is decoded
 * (PROTOCOL.md §7) and handed to the relay, page fetch or the key-value
 * store; alerts and closes are logged.
 *
 * CT: not applicable here.
 */
#include "server/server_internal.h"
#include <stdio.h>
#include <string.h>

static void on_handshake_done(server *s, conn *c, const glass_event *ev)
{
    if (!ev->authenticated) {
        /* It came to enroll, or for pages only: its first message says
         * which (the engine lets application data through only when
         * server-only access is on; see on_anonymous). */
        c->phase = PHASE_ENROLL;
        server_logv(s, c, "handshake ok: client without a certificate (%s)",
                    s->o.require_client_cert ? "enrollment only" : "enrollment or pages only");
        return;
    }
    snprintf(c->name, sizeof c->name, "%s", ev->peer_name);
    const uint8_t *der = NULL;
    size_t der_len = 0;
    x509_cert peer;
    glass_engine_peer_cert(c->eng, &der, &der_len);
    if (der == NULL || x509_parse(&peer, der, der_len) != GLASS_OK) {
        glass_engine_abort(c->eng, GLASS_ERR_PROTO_BAD_CERT);
        server_conn_closing(c);
        return;
    }
    memcpy(c->serial, peer.serial, peer.serial_len);
    c->serial_len = peer.serial_len;
    /* Revocation was checked in the handshake (the CRL, then the index:
     * server_revocation_check, revoke.c).  Once more now: a revocation
     * that came between that check and the client's Finished is not seen
     * by the scan of open sessions (it looks only at sessions already
     * READY).  If the index cannot be read, fail closed. */
    int revoked = server_index_says_revoked(s, c->serial, c->serial_len);
    if (revoked != 0) {
        if (revoked > 0) {
            server_revoke_session(s, c, "at the end of the handshake");
        } else {
            server_log(s, c, "refused %s: the CA's index cannot be read, so revocation cannot "
                       "be checked", c->name);
            glass_engine_abort(c->eng, GLASS_ERR_REVOCATION_UNKNOWN);
            server_conn_closing(c);
        }
        x509_free(&peer);
        return;
    }
    server_admit_authenticated(s, c);
    c->phase = PHASE_READY;
    c->idle_deadline = net_now_ms() + (int64_t)s->o.idle_timeout * 1000;
    server_log(s, c, "handshake ok: %s", c->name);
    if (s->o.verbose) {
        char session[128];
        net_describe_session(c->eng, session, sizeof session);
        server_log(s, c, "  %s, server key RSA-%zu, client key RSA-%zu", session, s->key.k * 8,
              peer.pub.k * 8);
        server_log(s, c, "  peer subject %s, issuer %s", peer.subject, peer.issuer);
    }
    x509_free(&peer);
}

/* A client without a certificate sent application data: a server-only
 * session (PROTOCOL.md §10.1).  It stays counted as unauthenticated, so the
 * admission limits of unauthenticated connections (admit.c) still hold it
 * in check; it has no name to be reached by, and the relay never lists it. */
static void on_anonymous(server *s, conn *c)
{
    c->phase = PHASE_ANON;
    snprintf(c->name, sizeof c->name, "%s", SERVER_ANON_NAME);
    c->idle_deadline = net_now_ms() + (int64_t)s->o.idle_timeout * 1000;
    server_log(s, c, "anonymous client: server-only session (pages only)");
}

/* What an anonymous client may not do, and why (the text the client
 * prints).  Relay addresses and key-value stores belong to the name in a
 * CA-signed certificate: without one there is no name to own them. */
static int anonymous_refused(server *s, conn *c, const glass_app_msg *m)
{
    const char *why = NULL;
    if (m->type == GLASS_APP_SEND_TO || m->type == GLASS_APP_WHO)
        why = "chat needs a client certificate: run glass client enroll";
    else if (m->type >= GLASS_APP_KV_PUT && m->type <= GLASS_APP_KV_LIST)
        why = "the key-value store needs a client certificate: run glass client enroll";
    if (why == NULL)
        return 0;
    server_send_error(s, c, GLASS_APP_ERR_NEEDS_CERT, why);
    server_log_refusal(s, c, "refused %s from an anonymous client: no client certificate",
                       glass_app_type_name(m->type));
    return 1;
}

static void on_app(server *s, conn *c, const uint8_t *data, size_t len)
{
    glass_app_msg m;
    if (glass_app_decode(data, len, &m) != GLASS_OK) {
        server_send_error(s, c, GLASS_APP_ERR_BAD_MESSAGE, "malformed application message");
        server_log(s, c, "malformed application message (%zu bytes)", len);
        return;
    }
    if (c->phase == PHASE_ANON && anonymous_refused(s, c, &m))
        return;
    switch (m.type) {
    case GLASS_APP_SEND_TO:
        server_on_send_to(s, c, &m);
        break;
    case GLASS_APP_WHO:
        server_on_who(s, c);
        break;
    case GLASS_APP_BYE:
        server_logv(s, c, "bye from %s", c->name);
        glass_engine_close(c->eng);
        server_conn_closing(c);
        break;
    case GLASS_APP_FETCH_REQUEST:
        server_on_fetch(s, c, &m);
        break;
    case GLASS_APP_KV_PUT:
    case GLASS_APP_KV_GET:
    case GLASS_APP_KV_DELETE:
    case GLASS_APP_KV_LIST:
        server_on_kv(s, c, &m);
        break;
    default:
        server_send_error(s, c, GLASS_APP_ERR_BAD_MESSAGE,
                   "a client may send SendTo, Who, Bye, FetchRequest, KvPut, KvGet, "
                   "KvDelete or KvList");
        break;
    }
}

void server_on_events(server *s, conn *c)
{
    glass_event ev;
    /* While c waits for the worker, its next events wait too (kv.c). */
    while (!c->dead && c->waits == 0 && glass_engine_next_event(c->eng, &ev)) {
        switch (ev.type) {
        case GLASS_EV_HANDSHAKE_DONE:
            on_handshake_done(s, c, &ev);
            break;
        case GLASS_EV_APP_MESSAGE:
            if (c->phase == PHASE_ENROLL)
                on_anonymous(s, c);
            if (c->phase == PHASE_READY || c->phase == PHASE_ANON) {
                c->idle_deadline = net_now_ms() + (int64_t)s->o.idle_timeout * 1000;
                on_app(s, c, ev.data, ev.len);
            }
            break;
        case GLASS_EV_ENROLL_REQUEST:
            server_on_enroll(s, c, &ev);
            break;
        case GLASS_EV_ALERT_SENT:
            if (ev.alert == GLASS_ALERT_CLOSE_NOTIFY)
                server_logv(s, c, "close_notify sent");
            else
                server_log_refusal(s, c, "alert sent: %s (%s)", glass_alert_name(ev.alert),
                      glass_strerror(ev.err));
            break;
        case GLASS_EV_ALERT_RECEIVED:
            if (ev.alert == GLASS_ALERT_CLOSE_NOTIFY)
                server_logv(s, c, "close_notify received");
            else
                server_logv(s, c, "alert received: %s", glass_alert_name(ev.alert));
            break;
        case GLASS_EV_CLOSED:
            server_logv(s, c, "close%s%s%s", c->name[0] ? " " : "", c->name,
                  ev.err == GLASS_OK ? "" : " (after an error)");
            server_conn_closing(c);
            break;
        default:
            break;
        }
    }
}
