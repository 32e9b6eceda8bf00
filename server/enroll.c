/*
 * enroll.c — enrollment on the server (see server/server.h, DESIGN.md):
 * a client without a certificate sends its name, a PKCS#10 request signed
 * with its new key (RFC 2986) and a one-time code; the checks run in the
 * order server_on_enroll lists them, cheapest first, and only then does
 * the CA sign.
 *
 * Why this order.  Before anything is signed or verified the peer has
 * proved nothing: an unauthenticated stranger may send any request, and a
 * signature check with a key of its choosing costs what the stranger
 * likes (an 8192-bit public exponent costs tens of milliseconds).  So the
 * address's rate of wrong codes, then the code itself (a hash and a file
 * lookup), come before the request's signature; and the request's public
 * exponent is held to FIPS 186-5 §5.4 (2^16 < e < 2^256) before its
 * signature is checked (ca/csr.c).
 *
 * A server enrolls the same way (the network CA of a course exercise),
 * with a code made for the server profile: it asks for the whole subject
 * the code carries, and gets a serverAuth certificate with the code's
 * SAN.  The code decides the profile: a client code never yields a server
 * certificate, nor a server code a client one.
 *
 * A name is one person's while their certificate is valid: a second
 * "alice" is refused unless the code was made with --replace, and then the
 * old certificate is revoked (and its sessions end, revoke.c).  A code is
 * used by one key: the same code and key again (the reply was lost) get
 * the same certificate again.
 *
 * Where it runs.  The loop does the cheapest checks (the name, the
 * address's rate), then hands the rest to the worker thread (worker.c):
 * the code store and the CA take file locks another process may hold for
 * seconds, and signing fsyncs.  Meanwhile the connection's input waits
 * and everyone else is served; enroll_done answers it when the worker is
 * through.
 *
 * CT: not applicable here; the one-time code is checked by ca/enroll.c.
 */
#include "server/server_internal.h"
#include "ca/enroll.h"
#include "io/io.h"
#include "sha/sha256.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void enroll_refuse(server *s, conn *c, const char *name, const char *reason)
{
    server_log_refusal(s, c, "enroll %s refused: %s", name, reason);
    glass_engine_enroll_refuse(c->eng, reason);
    server_conn_closing(c);
}

/* The valid certificates that hold subject now: their serials (upper-case
 * hex, as certs/ names them) into taken[], at most cap.  -1 if the index
 * cannot be read (then nobody enrolls: we cannot tell). */
static int name_holders(glass_ca *ca, const char *subject, int64_t now,
                        ca_entry *taken, size_t cap, size_t *n_taken)
{
    ca_entry *e = NULL;
    size_t n = 0;
    *n_taken = 0;
    if (ca_list(ca, &e, &n) != GLASS_OK)
        return -1;
    for (size_t i = 0; i < n; i++)
        if (e[i].status == 'V' && e[i].not_after > now && strcmp(e[i].subject, subject) == 0 &&
            *n_taken < cap)
            taken[(*n_taken)++] = e[i];
    free(e);
    return 0;
}

static void serial_hex(const uint8_t *serial, size_t len, char *out, size_t cap)
{
    /* certs/ names a serial by its bytes without the DER sign byte. */
    while (len > 1 && serial[0] == 0) {
        serial++;
        len--;
    }
    out[0] = '\0';
    for (size_t i = 0; i < len && 2 * i + 2 < cap; i++)
        snprintf(out + 2 * i, cap - 2 * i, "%02X", serial[i]);
}

/* The certificate a code was used for before, if the index still holds it
 * valid: loaded from DIR/certs/SERIAL.pem.  0 with *cert malloc'd, or -1. */
static int issued_before(const server *s, const ca_entry *taken, size_t n_taken, const char *serial,
                         uint8_t **cert, size_t *cert_len)
{
    char hex[2 * X509_SERIAL_MAX + 1], path[SERVER_PATH_MAX], rel[2 * X509_SERIAL_MAX + 16];
    x509_cert *certs = NULL;
    size_t n = 0;
    for (size_t i = 0; i < n_taken; i++) {
        serial_hex(taken[i].serial, taken[i].serial_len, hex, sizeof hex);
        if (strcmp(hex, serial) != 0)
            continue;
        snprintf(rel, sizeof rel, "certs/%s.pem", hex);
        if (io_path_join(path, sizeof path, s->o.dir, rel) != 0 ||
            x509_load_pem_file(path, &certs, &n) != GLASS_OK || n == 0)
            return -1;
        *cert = malloc(certs[0].der_len);
        if (*cert != NULL) {
            memcpy(*cert, certs[0].der, certs[0].der_len);
            *cert_len = certs[0].der_len;
        }
        for (size_t j = 0; j < n; j++)
            x509_free(&certs[j]);
        free(certs);
        return *cert != NULL ? 0 : -1;
    }
    return -1;
}

/* One enrollment, between the loop and the worker. */
typedef struct enroll_job {
    server *s;
    unsigned long id;           /* the connection's, for the log */
    char addr[64];
    char name[GLASS_MAX_NAME + 1];  /* the CN: what the code is bound to */
    char subject[GLASS_MAX_NAME + 1];  /* a server's whole subject; "" for a client */
    char code[256];
    uint8_t *csr;
    size_t csr_len;
    int64_t now;
    /* results */
    uint8_t *cert;              /* the certificate to send, or NULL */
    size_t cert_len;
    char why[256];              /* the refusal sent to the peer */
    int wrong_code;
} enroll_job;

static void job_log(const enroll_job *e, const char *msg, const char *detail)
{
    server_log(e->s, NULL, "#%lu %s enroll %s: %s%s%s", e->id, e->addr, e->name, msg,
               detail[0] ? " " : "", detail);
}

/* Step 3b: the code's profile is the one asked for -- a client code
 * never makes a server certificate, nor a server code a client one -- and
 * a server asks for the very subject the code was made for.  Sets the
 * subject the request must carry; 0, or -1 with e->why. */
static int profile_matches(enroll_job *e, const enroll_grant *g, char *subject, size_t cap)
{
    int wants_server = e->subject[0] != '\0';
    if (wants_server && g->profile != ENROLL_PROFILE_SERVER) {
        snprintf(e->why, sizeof e->why, "this is a client code: a server needs a code made "
                 "with `glass ca enroll-code --profile server`");
        return -1;
    }
    if (!wants_server && g->profile == ENROLL_PROFILE_SERVER) {
        snprintf(e->why, sizeof e->why, "this is a server code: it enrolls a server (glass "
                 "server enroll), not a client");
        return -1;
    }
    if (wants_server && strcmp(e->subject, g->subject) != 0) {
        snprintf(e->why, sizeof e->why, "the subject asked for is not the one the code was "
                 "made for");
        return -1;
    }
    if (wants_server)
        snprintf(subject, cap, "%s", g->subject);
    else
        snprintf(subject, cap, "/CN=%s", e->name);
    return 0;
}

/* In the worker: the checks from 3 on (see server_on_enroll). */
static void enroll_work(server_job *j)
{
    enroll_job *e = j->arg;
    server *s = e->s;
    char subject[X509_NAME_STR_MAX], hex[2 * X509_SERIAL_MAX + 1] = "";
    csr_info info;
    int have_info = 0;
    uint8_t key_hash[SHA256_DIGEST_LEN];
    size_t n_taken = 0;
    ca_entry taken[8];
    enroll_grant g;
    const char *why = "";
    glass_err err;
    memset(&info, 0, sizeof info);
    if (ca_enroll_code_check(s->o.dir, e->name, e->code, e->now, &g, &why) != GLASS_OK) {
        e->wrong_code = 1;
        job_log(e, "code rejected:", why);
        snprintf(e->why, sizeof e->why, "%s", glass_strerror(GLASS_ERR_ENROLL_CODE));
        goto cleanup;
    }
    if (profile_matches(e, &g, subject, sizeof subject) != 0) {
        job_log(e, "refused:", e->why);
        goto cleanup;
    }
    err = csr_parse_for_ca(e->csr, e->csr_len, &info);
    if (err != GLASS_OK) {
        snprintf(e->why, sizeof e->why, "%s", glass_strerror(err));
        goto cleanup;
    }
    have_info = 1;
    if (strcmp(info.subject, subject) != 0) {
        snprintf(e->why, sizeof e->why, "%s", g.profile == ENROLL_PROFILE_SERVER
                 ? "the request's subject must be exactly the code's"
                 : "the request's subject must be exactly /CN=NAME");
        goto cleanup;
    }
    sha256(info.spki_der, info.spki_len, key_hash);
    if (name_holders(s->wca, subject, e->now, taken, sizeof taken / sizeof taken[0],
                     &n_taken) != 0) {
        snprintf(e->why, sizeof e->why, "the CA's index cannot be read");
        goto cleanup;
    }
    if (n_taken > 0 && !g.replace && !(g.used && g.serial[0] != '\0')) {
        snprintf(e->why, sizeof e->why, "%s", glass_strerror(GLASS_ERR_ENROLL_NAME_TAKEN));
        goto cleanup;
    }
    /* 6. The same code and key again (a lost reply): the same certificate. */
    if (g.used && !glass_ct_equal(g.key_hash, key_hash, sizeof key_hash)) {
        job_log(e, "code rejected:", "code already used");
        snprintf(e->why, sizeof e->why, "%s", glass_strerror(GLASS_ERR_ENROLL_CODE));
        goto cleanup;
    }
    if (g.used && g.serial[0] != '\0' &&
        issued_before(s, taken, n_taken, g.serial, &e->cert, &e->cert_len) == 0) {
        job_log(e, "the same code and key again: certificate resent, serial", g.serial);
        goto cleanup;
    }
    /* 7. The certificate, the code consumed in the same transaction.  The
     * code, not the request, says what is issued: the profile's extensions
     * (EKU serverAuth or clientAuth, RFC 5280 §4.2.1.12) and, for a server,
     * the SAN the CA operator wrote (RFC 5280 §4.2.1.6). */
    int server_cert = g.profile == ENROLL_PROFILE_SERVER;
    ca_enrollment who = {e->name, e->code, {0}, server_cert ? SERVER_CERT_DAYS : 0,
                         server_cert && g.san[0] != '\0' ? g.san : NULL};
    memcpy(who.key_hash, key_hash, sizeof key_hash);
    err = ca_sign_enrollment(s->wca, e->csr, e->csr_len, &who,
                             server_cert ? CA_PROFILE_SERVER : CA_PROFILE_CLIENT, e->now,
                             &e->cert, &e->cert_len, &why);
    if (err != GLASS_OK) {
        if (err == GLASS_ERR_ENROLL_CODE)
            job_log(e, "code rejected:", why);
        snprintf(e->why, sizeof e->why, "%s", glass_strerror(err));
        goto cleanup;
    }
    x509_cert parsed;
    if (x509_parse(&parsed, e->cert, e->cert_len) == GLASS_OK) {
        serial_hex(parsed.serial, parsed.serial_len, hex, sizeof hex);
        x509_free(&parsed);
    }
    /* --replace: the name's old certificates are revoked now; the
     * revocation watch (revoke.c) ends their sessions. */
    for (size_t i = 0; i < n_taken; i++)
        if (ca_revoke(s->wca, taken[i].serial, taken[i].serial_len, e->now) == GLASS_OK)
            job_log(e, "the old certificate is revoked (--replace)", "");
    job_log(e, "certificate issued, serial", hex);
cleanup:
    if (have_info)
        csr_info_free(&info);
}

/* Back in the loop: the answer, if the connection is still there. */
static void enroll_done(server *s, server_job *j)
{
    enroll_job *e = j->arg;
    for (size_t i = 0; i < s->n_conns; i++) {
        conn *c = s->conns[i];
        if (c->id != e->id)
            continue;
        if (c->waits > 0)
            c->waits--;
        if (e->wrong_code)
            server_admit_code_wrong(s, c, net_now_ms());
        if (c->dead)
            break;
        if (e->cert == NULL) {
            enroll_refuse(s, c, e->name, e->why);
        } else if (glass_engine_enroll_reply(c->eng, e->cert, e->cert_len) != GLASS_OK) {
            server_log(s, c, "enroll %s: cannot reply", e->name);
            c->dead = 1;
        } else {
            server_conn_closing(c);
        }
        server_on_events(s, c);
        break;
    }
    glass_wipe(e->code, sizeof e->code);
    free(e->csr);
    free(e->cert);
    free(e);
}

/* The checks, in order (the file's essay says why):
 *   1. a usable name (a server's: a subject with a usable CN);  2. this
 *   address has not guessed too many codes;
 *   then, in the worker: 3. the code (read only: nothing is used up yet),
 *   and its profile the one asked for (a server's subject the code's);
 *   4. the request: its exponent, then its self-signature, subject
 *   exactly /CN=NAME (a server: the code's subject);  5. the name free,
 *   or the code made with --replace;  6. the same code and key again: the
 *   same certificate again;  7. or the CA signs, consuming the code in the
 *   same transaction (ca_txn.c; and, with --replace, revokes the old one). */
void server_on_enroll(server *s, conn *c, const glass_event *ev)
{
    const char *name = ev->peer_name;
    char subject[ENROLL_SUBJECT_MAX + 1] = "", cn[ENROLL_NAME_MAX + 1];
    /* A server asks for its whole subject ("/C=../CN=HOST"), a client for
     * a name; the code is bound to the name, a server's CN. */
    if (name[0] == '/') {
        if (ca_enroll_subject_canonical(name, subject, cn) != GLASS_OK) {
            enroll_refuse(s, c, "(bad subject)", "the subject asked for is malformed, or its "
                          "CN is not 1 to 64 of A-Z a-z 0-9 . _ -");
            return;
        }
        name = cn;
    }
    if (!ca_enroll_name_valid(name)) {
        enroll_refuse(s, c, "(bad name)", "the name must be 1 to 64 of A-Z a-z 0-9 . _ -");
        return;
    }
    if (server_admit_code_allowed(s, c, net_now_ms()) != 0) {
        enroll_refuse(s, c, name, glass_strerror(GLASS_ERR_ENROLL_RATE));
        return;
    }
    enroll_job *e = calloc(1, sizeof *e);
    server_job *j = calloc(1, sizeof *j);
    if (e == NULL || j == NULL || ev->code_len == 0 || ev->code_len >= sizeof e->code ||
        (e->csr = malloc(ev->len ? ev->len : 1)) == NULL) {
        if (e != NULL)
            free(e->csr);
        free(e);
        free(j);
        enroll_refuse(s, c, name, glass_strerror(GLASS_ERR_ENROLL_CODE));
        return;
    }
    e->s = s;
    e->id = c->id;
    snprintf(e->addr, sizeof e->addr, "%s", c->addr);
    snprintf(e->name, sizeof e->name, "%s", name);
    snprintf(e->subject, sizeof e->subject, "%s", subject);
    memcpy(e->code, ev->code, ev->code_len);
    memcpy(e->csr, ev->data, ev->len);
    e->csr_len = ev->len;
    e->now = net_wall_time();
    j->kind = JOB_CALL;
    j->call = enroll_work;
    j->done = enroll_done;
    j->arg = e;
    /* The CA's lock may be held elsewhere for CA_LOCK_WAIT_MS: the
     * handshake deadline allows for it. */
    c->hs_deadline += (int64_t)CA_LOCK_WAIT_MS + ENROLL_LOCK_WAIT_MS;
    c->waits++;
    server_worker_submit(s, j);
}
