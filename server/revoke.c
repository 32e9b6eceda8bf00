/*
 * revoke.c — revocation on the server (see server/server.h).  Each new
 * connection's engine gets the CA's current CRL (RFC 5280 §5), rebuilt
 * whenever the CA's index.txt changes, so a revoked client certificate
 * fails the handshake with certificate_revoked.  When the handshake ends
 * the index itself is consulted too (events.c), and while clients are
 * connected the index is watched (at most once a second): a change
 * rebuilds the CRL, and a session whose certificate it now lists is ended
 * with a fatal certificate_revoked alert.
 *
 * CT: not applicable here.
 */
#include "server/server_internal.h"
#include "io/io.h"
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

void server_crl_release(crl_ref *r)
{
    if (r != NULL && --r->refs == 0) {
        free(r->der);
        free(r);
    }
}

/* Rebuilds the CRL when DIR/index.txt has changed since the last build (a
 * `glass ca revoke` in another process).  Cheap when nothing changed: one
 * stat(). */
void server_refresh_crl(server *s, int force)
{
    char path[SERVER_PATH_MAX];
    struct stat st;
    if (io_path_join(path, sizeof path, s->o.dir, "index.txt") != 0)
        return;
    if (stat(path, &st) != 0)
        memset(&st, 0, sizeof st);
    if (!force && s->crl != NULL && st.st_ino == s->index_st.st_ino &&
        st.st_size == s->index_st.st_size && st.st_mtime == s->index_st.st_mtime &&
        st.st_ctime == s->index_st.st_ctime)
        return;
    crl_ref *r = calloc(1, sizeof *r);
    if (r == NULL)
        return;
    glass_err err = ca_crl_current(s->ca, net_wall_time(), &r->der, &r->len);
    if (err != GLASS_OK) {
        server_log(s, NULL, "cannot build the CRL: %s (keeping the previous one)", glass_strerror(err));
        free(r);
        return;
    }
    r->refs = 1;
    server_crl_release(s->crl);
    s->crl = r;
    s->index_st = st;
    if (!force)
        server_log(s, NULL, "CA index changed: CRL rebuilt");
}

/* Ends a session whose certificate the CA has revoked: a fatal
 * certificate_revoked alert (RFC 5246 §7.2.2), not close_notify, so the
 * client learns why. */
void server_revoke_session(server *s, conn *c, const char *when)
{
    server_log(s, c, "refused %s: certificate revoked (%s)", c->name, when);
    glass_engine_abort(c->eng, GLASS_ERR_X509_REVOKED);
    server_conn_closing(c);
}

/* Once a second at most: when the CA's index has changed (a `glass ca
 * revoke` in another process), the CRL is rebuilt and every connected
 * client is checked against it, so a revocation also ends the sessions
 * already open. */
void server_check_revocations(server *s, int64_t now)
{
    x509_crl crl;
    if (now < s->next_revocation_check)
        return;
    s->next_revocation_check = now + 1000;
    crl_ref *before = s->crl;
    server_refresh_crl(s, 0);
    if (s->crl == before || x509_crl_parse(&crl, s->crl->der, s->crl->len) != GLASS_OK)
        return;
    for (size_t i = 0; i < s->n_conns; i++) {
        conn *c = s->conns[i];
        if (c->dead || c->phase != PHASE_READY)
            continue;
        if (x509_crl_contains(&crl, c->serial, c->serial_len)) {
            server_revoke_session(s, c, "while connected");
            server_on_events(s, c);
            if (server_conn_flush(c) != 0)
                c->dead = 1;
        }
    }
    x509_crl_free(&crl);
}

/* What the CA's index says of this serial now: 1 revoked, 0 valid, -1 the
 * index cannot be read (at the descriptor limit, say).  The caller treats
 * -1 as a refusal: a revocation check that fails open admits exactly the
 * certificate that was revoked a moment ago. */
int server_index_says_revoked(server *s, const uint8_t *serial, size_t serial_len)
{
    ca_entry *e = NULL;
    size_t n = 0;
    int revoked = 0;
    if (ca_list(s->ca, &e, &n) != GLASS_OK)
        return -1;
    /* Serials compare without DER sign bytes (leading zeros). */
    while (serial_len > 1 && serial[0] == 0) {
        serial++;
        serial_len--;
    }
    for (size_t i = 0; i < n; i++) {
        const uint8_t *p = e[i].serial;
        size_t len = e[i].serial_len;
        while (len > 1 && p[0] == 0) {
            p++;
            len--;
        }
        if (e[i].status == 'R' && len == serial_len && memcmp(p, serial, len) == 0)
            revoked = 1;
    }
    free(e);
    return revoked;
}
