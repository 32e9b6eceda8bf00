/*
 * revoke.c — revocation on the server (see server/server.h).  Each new
 * connection's engine gets the CA's current CRL (RFC 5280 §5), rebuilt by
 * the worker thread (worker.c: it takes the CA's lock, which another
 * process may hold for seconds) whenever the CA's index.txt changes, so a
 * revoked client certificate
 * fails the handshake with certificate_revoked.  When the handshake ends
 * the index itself is consulted too (events.c), and while clients are
 * connected the index is watched (at most once a second): a change ends
 * every session whose certificate it now marks revoked, with a fatal
 * certificate_revoked alert (read straight from the index, no lock
 * needed), and has the CRL rebuilt.
 *
 * Failing closed: when the index cannot be read, a handshake is refused
 * (events.c), never waved through as "not revoked".
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

/* A CRL being built by the worker. */
typedef struct crl_job {
    server *s;
    struct stat st;             /* index.txt as it was when asked */
    uint8_t *der;
    size_t len;
    glass_err err;
} crl_job;

/* In the worker: ca_crl_current takes the CA's lock (which another
 * process may hold for seconds) and signs. */
static void crl_work(server_job *j)
{
    crl_job *k = j->arg;
    k->err = ca_crl_current(k->s->wca, net_wall_time(), &k->der, &k->len);
}

static void install_crl(server *s, uint8_t *der, size_t len, const struct stat *st)
{
    crl_ref *r = calloc(1, sizeof *r);
    if (r == NULL) {
        free(der);
        return;
    }
    r->der = der;
    r->len = len;
    r->refs = 1;
    server_crl_release(s->crl);
    s->crl = r;
    s->index_st = *st;
}

/* Back in the loop: the new CRL is installed, and open sessions it lists
 * are ended. */
static void crl_done(server *s, server_job *j)
{
    crl_job *k = j->arg;
    s->crl_building = 0;
    if (k->err != GLASS_OK) {
        server_log(s, NULL, "cannot build the CRL: %s (keeping the previous one; every "
                   "handshake still checks the index)", glass_strerror(k->err));
        s->index_st = k->st;    /* not again until the index changes again */
    } else {
        install_crl(s, k->der, k->len, &k->st);
        server_log(s, NULL, "CA index changed: CRL rebuilt");
        server_end_revoked_sessions(s);
    }
    free(k);
}

/* When DIR/index.txt has changed since the last build (a `glass ca
 * revoke` in another process), the worker rebuilds the CRL; cheap when
 * nothing changed: one stat().  force (at start, before the worker runs):
 * built here and now. */
void server_refresh_crl(server *s, int force)
{
    char path[SERVER_PATH_MAX];
    struct stat st;
    if (io_path_join(path, sizeof path, s->o.dir, "index.txt") != 0)
        return;
    if (stat(path, &st) != 0)
        memset(&st, 0, sizeof st);
    if (!force && (s->crl_building ||
                   (s->crl != NULL && st.st_ino == s->index_st.st_ino &&
                    st.st_size == s->index_st.st_size && st.st_mtime == s->index_st.st_mtime &&
                    st.st_ctime == s->index_st.st_ctime)))
        return;
    if (force) {
        uint8_t *der = NULL;
        size_t len = 0;
        glass_err err = ca_crl_current(s->ca, net_wall_time(), &der, &len);
        if (err != GLASS_OK) {
            server_log(s, NULL, "cannot build the CRL: %s", glass_strerror(err));
            return;
        }
        install_crl(s, der, len, &st);
        return;
    }
    crl_job *k = calloc(1, sizeof *k);
    server_job *j = calloc(1, sizeof *j);
    if (k == NULL || j == NULL || s->worker == NULL) {
        free(k);
        free(j);
        return;
    }
    k->s = s;
    k->st = st;
    j->kind = JOB_CALL;
    j->call = crl_work;
    j->done = crl_done;
    j->arg = k;
    s->crl_building = 1;
    server_worker_submit(s, j);
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

/* Every open session whose certificate the current CRL lists is ended. */
void server_end_revoked_sessions(server *s)
{
    x509_crl crl;
    if (s->crl == NULL || x509_crl_parse(&crl, s->crl->der, s->crl->len) != GLASS_OK)
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

/* Once a second at most: when the CA's index has changed (a `glass ca
 * revoke` in another process), the worker rebuilds the CRL, and crl_done
 * checks every connected client against it, so a revocation also ends
 * the sessions already open. */
void server_check_revocations(server *s, int64_t now)
{
    char path[SERVER_PATH_MAX];
    struct stat st;
    if (now < s->next_revocation_check)
        return;
    s->next_revocation_check = now + 1000;
    server_refresh_crl(s, 0);
    if (io_path_join(path, sizeof path, s->o.dir, "index.txt") != 0 || stat(path, &st) != 0 ||
        (st.st_ino == s->scan_st.st_ino && st.st_size == s->scan_st.st_size &&
         st.st_mtime == s->scan_st.st_mtime && st.st_ctime == s->scan_st.st_ctime))
        return;
    s->scan_st = st;
    for (size_t i = 0; i < s->n_conns; i++) {
        conn *c = s->conns[i];
        if (!c->dead && c->phase == PHASE_READY &&
            server_index_says_revoked(s, c->serial, c->serial_len) > 0) {
            server_revoke_session(s, c, "while connected");
            server_on_events(s, c);
            if (server_conn_flush(c) != 0)
                c->dead = 1;
        }
    }
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

/* glass_config.revocation_check, asked by the engine once the client's
 * chain has verified and before the server's Finished.  The CRL the engine
 * checked was built when the connection arrived (a new one is signed in
 * the worker, which takes a while); the index is the latest word on
 * revocation, so a certificate revoked a moment ago is refused in the
 * handshake and its holder never sees the handshake complete.  If the
 * index cannot be read, the answer is "unknown", and unknown is not "not
 * revoked": the handshake is refused (fail closed), with a line saying
 * why. */
glass_err server_revocation_check(void *conn_arg, const uint8_t *serial, size_t serial_len)
{
    conn *c = conn_arg;
    server *s = c->srv;
    int revoked = server_index_says_revoked(s, serial, serial_len);
    if (revoked == 0)
        return GLASS_OK;
    if (revoked > 0) {
        server_log(s, c, "refused: certificate revoked (at the handshake)");
        return GLASS_ERR_X509_REVOKED;
    }
    server_log(s, c, "refused: the CA's index cannot be read, so revocation cannot be checked");
    return GLASS_ERR_REVOCATION_UNKNOWN;
}
