/*
 * walk_session.c — one glass connection between two engines in one process,
 * narrated message by message (see walk_session.h).
 *
 * Read in this order:
 *   walk_connection   makes a client and a server engine (protocol.h), starts
 *                     them and pumps the bytes from one to the other until
 *                     both are closed, playing the application: a chat message
 *                     each way, or the enrollment, then the close.
 *   on_trace          receives every trace event of both engines, in the
 *                     order they happen, and turns them into the narration:
 *                     "send X" -> the message, every field from the engine's
 *                     dissector; "derive X" -> the value with its inputs; the
 *                     protected records with their MAC and decryption.
 *   walk_derive.c     for each derived value: the inputs, the function, and
 *                     an independent recomputation with the primitives
 *                     (sha/, hmac/, aes/, GMP) that must give the engine's
 *                     bytes, plus the commands that do the same by hand
 *                     (walk_cmd.c); the PRF's steps (walk_prf.c), the two
 *                     signatures (walk_sig.c), the records (walk_record.c).
 *
 * Nothing here describes a field by hand: names and meanings come from
 * glass_dissect_*, values from the trace events, so the text cannot drift
 * from the bytes.  What is written here is the narration around them: what
 * each message is for, and how to recompute each value.
 *
 * CT: not relevant — this prints secrets on purpose (a classroom tool).
 */
#include "io/io.h"
#include "classroom/walk_internal.h"
#include "net/net.h"

#include "aes/aes.h"
#include "dh/dh.h"
#include "hmac/hmac.h"
#include "protocol/protocol.h"
#include "sha/sha256.h"

#include <gmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *walk_side_name(int client)
{
    return client ? "client" : "server";
}

static void set_last_plain(walk *w, int client, const uint8_t *b, size_t len)
{
    int i = client ? 0 : 1;
    free(w->last_plain[i]);
    w->last_plain[i] = malloc(len > 0 ? len : 1);
    w->last_plain_len[i] = 0;
    if (w->last_plain[i] != NULL) {
        memcpy(w->last_plain[i], b, len);
        w->last_plain_len[i] = len;
    }
}

/* ---- dissection into a list of fields ---------------------------------------- */

typedef struct field_rec {
    size_t off, len;
    char *field, *meaning;
} field_rec;

typedef struct fields {
    field_rec v[MAX_FIELDS];
    size_t n;
    int have_head;
    char *head_name, *head_meaning;
} fields;

static void collect(void *arg, size_t offset, size_t len, const char *field, const char *meaning)
{
    fields *fs = arg;
    /* The first call covers the whole message: its name and TLS counterpart. */
    if (!fs->have_head) {
        fs->have_head = 1;
        fs->head_name = walk_str_dup(field);
        fs->head_meaning = walk_str_dup(meaning);
        return;
    }
    if (fs->n >= MAX_FIELDS)
        return;
    field_rec *r = &fs->v[fs->n++];
    r->off = offset;
    r->len = len;
    r->field = walk_str_dup(field);
    r->meaning = walk_str_dup(meaning);
}

static void fields_free(fields *fs)
{
    for (size_t i = 0; i < fs->n; i++) {
        free(fs->v[i].field);
        free(fs->v[i].meaning);
    }
    free(fs->head_name);
    free(fs->head_meaning);
    memset(fs, 0, sizeof *fs);
}

/* Emits a dissected message: the header line, then every field. */
static void emit_message(walk *w, int from_client, const char *kind, const char *name,
                         const char *purpose, const uint8_t *b, size_t len, fields *fs,
                         glass_err derr)
{
    wk_message_begin(w->o, from_client, kind, name, purpose,
                     fs->head_meaning != NULL ? fs->head_meaning : "", b, len);
    for (size_t i = 0; i < fs->n; i++) {
        const field_rec *r = &fs->v[i];
        if (r->off > len || r->len > len - r->off)
            continue;
        wk_field(w->o, r->off, b + r->off, r->len, r->field, r->meaning);
    }
    if (strcmp(name, "Certificate") == 0)
        wk_certificates(w->o, b, len);      /* each X.509 certificate, field by field */
    wk_message_end(w->o);
    if (derr != GLASS_OK) {
        char line[160];
        snprintf(line, sizeof line, "the dissector stopped: %s", glass_strerror(derr));
        wk_note(w->o, walk_side_name(from_client), "error", line);
        w->mismatches++;
    }
}

/* The header of a plaintext record, field by field (RFC 5246 §6.2.1: type,
 * version, length), from the dissector; shown under the record's note. */
static void note_record_header(walk *w, const char *me, const uint8_t *rec, size_t len)
{
    fields fs;
    memset(&fs, 0, sizeof fs);
    (void)glass_dissect_record(rec, len, 0, collect, &fs);
    for (size_t i = 0; i < fs.n; i++) {
        const field_rec *r = &fs.v[i];
        if (r->off + r->len <= GLASS_RECORD_HEADER_LEN && r->len <= len - r->off)
            wk_note_detail(w->o, me, rec + r->off, r->len, r->field, r->meaning);
    }
    fields_free(&fs);
}

/* What each message is for (the narration; the fields come from the dissector). */
static const char *purpose_of(const char *name, int from_client)
{
    static const struct {
        const char *name;
        const char *text;
    } table[] = {
        {"ClientHello", "the client opens the handshake: a fresh 32-byte random, the cipher "
                        "suite and the Diffie-Hellman groups it accepts"},
        {"ServerHello", "the server answers with its own random and the suite and group it chose"},
        {"ServerKeyExchange",
         "the server's ephemeral DH public value g^y, signed with its certificate key over both "
         "randoms and the group: a man in the middle cannot swap it or replay an old one"},
        {"CertificateRequest", "the server asks the client to prove who it is with a certificate "
                               "issued by the CA the server trusts"},
        {"ServerHelloDone", "the server has said everything it had to say: the client's turn"},
        {"ClientKeyExchange", "the client's ephemeral DH public value g^x: from now on both sides "
                              "can compute the shared secret Z, nobody else can"},
        {"CertificateVerify", "the client proves it holds the private key of its certificate: an "
                              "RSA signature over the hash of the handshake so far"},
        {"Finished", "the first protected message: a PRF over the hash of the whole handshake, "
                     "proving that both sides saw the same messages and hold the same keys"},
        {"EnrollRequest", "the client asks the CA for a certificate: the name it wants, a PKCS#10 "
                          "request signed with its new key, and the one-time enrollment code"},
        {"EnrollResponse", "the CA's answer: the signed certificate, or the reason for refusing"},
    };
    if (strcmp(name, "Certificate") == 0)
        return from_client ? "the client's certificate, signed by the CA (empty when the client "
                             "has none yet and is enrolling)"
                           : "the server's certificate chain: the client learns the server's RSA "
                             "public key and checks it was issued by the CA it trusts, for the "
                             "name it wanted (localhost)";
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
        if (strcmp(table[i].name, name) == 0)
            return table[i].text;
    return "";
}

/* A protected record: its fields, then its MAC and its decryption
 * recomputed (walk_record.c). */
static void on_protected_record(walk *w, int client, const uint8_t *rec, size_t len)
{
    fields fs;
    memset(&fs, 0, sizeof fs);
    glass_err derr = glass_dissect_record(rec, len, 1, collect, &fs);
    emit_message(w, client, "record", "protected record",
                 "what actually crosses the network: the record header, a fresh IV, the "
                 "AES-256-CBC ciphertext and the HMAC-SHA256 tag (encrypt-then-MAC, RFC 7366)",
                 rec, len, &fs, derr);
    fields_free(&fs);
    walk_record_recompute(w, client, rec, len);
}

/* ---- the trace sink --------------------------------------------------------------- */

static int is_handshake_name(const char *n)
{
    static const char *const names[] = {"ClientHello", "ServerHello", "Certificate",
                                        "ServerKeyExchange", "CertificateRequest",
                                        "ServerHelloDone", "ClientKeyExchange",
                                        "CertificateVerify", "Finished", "EnrollRequest",
                                        "EnrollResponse", NULL};
    for (size_t i = 0; names[i] != NULL; i++)
        if (strcmp(names[i], n) == 0)
            return 1;
    return 0;
}

static void on_trace(void *arg, const char *name, const char *explain, const uint8_t *bytes,
                     size_t len)
{
    side *s = arg;
    walk *w = s->w;
    const char *me = walk_side_name(s->client);
    char line[256];
    if (name == NULL)
        return;
    if (strcmp(name, "state") == 0) {
        snprintf(line, sizeof line, "engine state -> %s", explain != NULL ? explain : "?");
        wk_note(w->o, me, "state", line);
    } else if (strncmp(name, "send ", 5) == 0) {
        const char *what = name + 5;
        if (strcmp(what, "record") == 0) {
            int i = s->client ? 0 : 1;
            if (w->pending_protected[i]) {
                w->pending_protected[i] = 0;
                on_protected_record(w, s->client, bytes, len);
            } else if (len >= GLASS_RECORD_HEADER_LEN) {
                snprintf(line, sizeof line,
                         "the message goes out in a plaintext record: header %02x %02x%02x "
                         "%02x%02x (type %u, version, length %zu); no keys yet",
                         bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[0],
                         len - GLASS_RECORD_HEADER_LEN);
                wk_note(w->o, me, "record", line);
                note_record_header(w, me, bytes, len);
            }
        } else if (strcmp(what, "Alert") == 0) {
            set_last_plain(w, s->client, bytes, len);
            snprintf(line, sizeof line, "sends the alert %s", explain != NULL ? explain : "?");
            wk_note(w->o, me, "alert", line);
        } else if (strcmp(what, "application_data") == 0) {
            fields fs;
            memset(&fs, 0, sizeof fs);
            set_last_plain(w, s->client, bytes, len);
            glass_err derr = glass_dissect_app(bytes, len, collect, &fs);
            emit_message(w, s->client, "application message", fs.head_name != NULL ? fs.head_name
                                                                                  : "application data",
                         "a chat message in the application's own format; it travels inside "
                         "the protected record that follows",
                         bytes, len, &fs, derr);
            fields_free(&fs);
        } else if (is_handshake_name(what)) {
            set_last_plain(w, s->client, bytes, len);
            if (w->n_msgs < MAX_MSGS) {
                stored *m = &w->msgs[w->n_msgs];
                m->b = malloc(len > 0 ? len : 1);
                if (m->b != NULL) {
                    memcpy(m->b, bytes, len);
                    m->len = len;
                    m->from_client = s->client;
                    snprintf(m->name, sizeof m->name, "%s", what);
                    w->n_msgs++;
                    char f[160];
                    walk_msg_file(w, w->n_msgs - 1, f, sizeof f);
                    walk_save(w, f, bytes, len);
                }
            }
            fields fs;
            memset(&fs, 0, sizeof fs);
            glass_err derr = glass_dissect_handshake(bytes, len, collect, &fs);
            for (size_t i = 0; i < fs.n; i++) {
                int ch = strcmp(fs.v[i].field, "ClientHello.random") == 0;
                if (fs.v[i].len == 32 && fs.v[i].off + 32 <= len &&
                    (ch || strcmp(fs.v[i].field, "ServerHello.random") == 0)) {
                    memcpy(ch ? w->client_random : w->server_random, bytes + fs.v[i].off, 32);
                    walk_put_derived(w, ch ? "client_random" : "server_random",
                                     bytes + fs.v[i].off, 32);
                }
            }
            emit_message(w, s->client, "handshake message", what, purpose_of(what, s->client),
                         bytes, len, &fs, derr);
            fields_free(&fs);
            if (strcmp(what, "ServerKeyExchange") == 0 || strcmp(what, "CertificateVerify") == 0)
                walk_signature(w, s->client, bytes, len);
        }
    } else if (strncmp(name, "recv ", 5) == 0) {
        if (strcmp(name + 5, "Alert") == 0) {
            snprintf(line, sizeof line, "receives the alert %s", explain != NULL ? explain : "?");
            wk_note(w->o, me, "alert", line);
        }
        /* Other receptions mirror a "send" already narrated. */
    } else if (strncmp(name, "derive ", 7) == 0) {
        walk_on_derive(w, s->client, name + 7, explain, bytes, len);
    } else if (strncmp(name, "check ", 6) == 0) {
        snprintf(line, sizeof line, "%s: %s", name + 6, explain != NULL ? explain : "");
        wk_note(w->o, me, "check", line);
    }
}

/* ---- the connection ------------------------------------------------------------------ */

/* Moves every waiting byte from one engine to the other (net_pump_move),
 * narrating a rejection; 1 if any moved. */
static int pump(walk *w, glass_engine *from, glass_engine *to, int from_client)
{
    glass_err err;
    if (net_pump_move(from, to, &err) == 0)
        return 0;
    if (err != GLASS_OK && err != GLASS_ERR_PROTO_CLOSED) {
        char line[200];
        snprintf(line, sizeof line, "rejects what it received: %s", glass_strerror(err));
        wk_note(w->o, walk_side_name(!from_client), "error", line);
    }
    return 1;
}

static const char chat_to_bob[] = "Hello Bob, this is Alice. Can you see this?";
static const char chat_from_bob[] = "Hi Alice! Loud and clear.";
static const uint8_t enroll_code[] = "WALK-2026-0001";

static void client_event(walk *w, glass_engine *c, const glass_event *ev, walk_pki *p)
{
    char line[400];
    switch (ev->type) {
    case GLASS_EV_HANDSHAKE_DONE:
        snprintf(line, sizeof line, "handshake done: talking to \"%s\"%s", ev->peer_name,
                 ev->authenticated ? ", whose certificate checked out" : "");
        wk_note(w->o, "client", "event", line);
        if (w->opts->enroll) {
            uint8_t *csr = NULL;
            size_t csr_len = 0;
            if (csr_create(&p->client_key, "/O=glasstls/CN=alice", &csr, &csr_len) == GLASS_OK) {
                wk_section(w->o, "Enrollment",
                           "The channel is encrypted and the server is authenticated, but the "
                           "client has no certificate yet. It sends its name, a PKCS#10 request "
                           "signed with its new key, and the one-time code the CA operator gave "
                           "it.");
                glass_engine_enroll(c, "alice", csr, csr_len, enroll_code, sizeof enroll_code - 1);
            }
            free(csr);
        } else {
            uint8_t msg[256];
            size_t n = 0;
            wk_section(w->o, "Chat",
                       "Both sides are authenticated and hold the same keys. Alice asks the "
                       "server to relay a message to Bob; each message is one protected record.");
            if (glass_app_encode_send_to(msg, sizeof msg, &n, "bob", (const uint8_t *)chat_to_bob,
                                         sizeof chat_to_bob - 1) == GLASS_OK &&
                glass_engine_send_app(c, msg, n) == GLASS_OK)
                w->chat_sent = 1;
        }
        break;
    case GLASS_EV_APP_MESSAGE: {
        glass_app_msg m;
        if (glass_app_decode(ev->data, ev->len, &m) == GLASS_OK && m.type == GLASS_APP_DELIVER) {
            snprintf(line, sizeof line, "shows: <%.*s> %.*s", (int)m.name_len,
                     (const char *)m.name, (int)m.text_len, (const char *)m.text);
            w->reply_received = 1;
        } else {
            snprintf(line, sizeof line, "received an application message of %zu bytes", ev->len);
        }
        wk_note(w->o, "client", "event", line);
        wk_section(w->o, "Close",
                   "Alice is done. close_notify is an alert, protected like any record, so "
                   "nobody can cut the connection short and make it look like a clean end.");
        glass_engine_close(c);
        break;
    }
    case GLASS_EV_ENROLL_RESULT:
        if (ev->enroll_ok) {
            uint8_t *copy = malloc(ev->len);
            if (copy != NULL) {
                memcpy(copy, ev->data, ev->len);
                free(p->client_der);
                p->client_der = copy;
                p->client_len = ev->len;
                p->have_client = 1;
                w->enrolled = 1;
            }
            snprintf(line, sizeof line, "enrolled: received its certificate (%zu bytes DER)",
                     ev->len);
        } else {
            snprintf(line, sizeof line, "enrollment refused: %.*s", (int)ev->len,
                     (const char *)ev->data);
        }
        wk_note(w->o, "client", "event", line);
        break;
    case GLASS_EV_ALERT_SENT:
    case GLASS_EV_ALERT_RECEIVED:
        break;      /* narrated from the trace */
    case GLASS_EV_CLOSED:
        snprintf(line, sizeof line, "connection closed (%s)",
                 ev->err == GLASS_OK ? "cleanly" : glass_strerror(ev->err));
        wk_note(w->o, "client", "event", line);
        break;
    default:
        break;
    }
}

static void server_event(walk *w, glass_engine *s, const glass_event *ev, walk_pki *p)
{
    char line[400];
    switch (ev->type) {
    case GLASS_EV_HANDSHAKE_DONE:
        snprintf(line, sizeof line, "handshake done: client \"%s\" %s", ev->peer_name,
                 ev->authenticated ? "authenticated by its certificate" : "(no certificate: may only enroll)");
        wk_note(w->o, "server", "event", line);
        break;
    case GLASS_EV_APP_MESSAGE: {
        glass_app_msg m;
        uint8_t out[256];
        size_t n = 0;
        if (glass_app_decode(ev->data, ev->len, &m) == GLASS_OK && m.type == GLASS_APP_SEND_TO) {
            snprintf(line, sizeof line, "relays \"%.*s\" to %.*s; Bob answers", (int)m.text_len,
                     (const char *)m.text, (int)m.name_len, (const char *)m.name);
            w->chat_received = 1;
            wk_note(w->o, "server", "event", line);
            if (glass_app_encode_deliver(out, sizeof out, &n, "bob", (const uint8_t *)chat_from_bob,
                                         sizeof chat_from_bob - 1) == GLASS_OK)
                glass_engine_send_app(s, out, n);
        }
        break;
    }
    case GLASS_EV_ENROLL_REQUEST: {
        uint8_t *cert = NULL;
        size_t cert_len = 0;
        int code_ok = ev->code_len == sizeof enroll_code - 1 &&
                      glass_ct_equal(ev->code, enroll_code, ev->code_len);
        snprintf(line, sizeof line, "enrollment request for \"%s\": code %s", ev->peer_name,
                 code_ok ? "valid" : "WRONG");
        wk_note(w->o, "server", "check", line);
        if (code_ok && walk_pki_enroll(p, ev->data, ev->len, &cert, &cert_len) == GLASS_OK) {
            wk_note(w->o, "ca", "event", "signs the request: a client certificate for alice");
            glass_engine_enroll_reply(s, cert, cert_len);
        } else {
            glass_engine_enroll_refuse(s, "enrollment refused");
        }
        free(cert);
        break;
    }
    case GLASS_EV_CLOSED:
        snprintf(line, sizeof line, "connection closed (%s)",
                 ev->err == GLASS_OK ? "cleanly" : glass_strerror(ev->err));
        wk_note(w->o, "server", "event", line);
        break;
    default:
        break;
    }
}

/* Hands every pending event of both engines to the application; 1 if any. */
static int drain(walk *w, glass_engine *c, glass_engine *s, walk_pki *p)
{
    int any = 0;
    glass_event ev;
    while (glass_engine_next_event(s, &ev)) {
        server_event(w, s, &ev, p);
        any = 1;
    }
    while (glass_engine_next_event(c, &ev)) {
        client_event(w, c, &ev, p);
        any = 1;
    }
    return any;
}

/* See walk_session.h. */
int walk_connection(wk_out *o, walk_pki *p, const walk_opts *opts)
{
    walk w;
    memset(&w, 0, sizeof w);
    w.o = o;
    w.pki = p;
    w.opts = opts;
    side cs = {&w, 1}, ss = {&w, 0};
    glass_tracer tc = {on_trace, &cs}, ts = {on_trace, &ss};
    glass_drbg dc, ds;
    const uint8_t *ca_der;
    size_t ca_len;
    walk_pki_ca_der(p, &ca_der, &ca_len);
    glass_blob anchor = {ca_der, ca_len};
    glass_blob schain = {p->server_der, p->server_len};
    glass_blob cchain = {p->client_der, p->client_len};
    glass_config cc, sc;
    memset(&cc, 0, sizeof cc);
    memset(&sc, 0, sizeof sc);
    cc.role = GLASS_ROLE_CLIENT;
    cc.now = p->now;
    cc.anchors = &anchor;
    cc.n_anchors = 1;
    if (!opts->enroll) {
        cc.chain = &cchain;
        cc.n_chain = 1;
        cc.key = &p->client_key;
    }
    cc.server_name = "localhost";
    cc.trace = &tc;
    sc.role = GLASS_ROLE_SERVER;
    sc.now = p->now;
    sc.anchors = &anchor;
    sc.n_anchors = 1;
    sc.chain = &schain;
    sc.n_chain = 1;
    sc.key = &p->server_key;
    sc.allow_enroll = opts->enroll;
    sc.trace = &ts;
    if (opts->seeded) {
        /* Each engine its own reproducible stream (protocol.h). */
        glass_drbg_init(&dc, opts->seed, 2 * opts->connection_no);
        glass_drbg_init(&ds, opts->seed, 2 * opts->connection_no + 1);
        cc.random = glass_random_from_drbg;
        cc.random_arg = &dc;
        sc.random = glass_random_from_drbg;
        sc.random_arg = &ds;
    }

    walk_save_pki(&w);
    glass_engine *c = NULL, *s = NULL;
    glass_err err = glass_engine_new(&c, &cc);
    if (err == GLASS_OK)
        err = glass_engine_new(&s, &sc);
    if (err == GLASS_OK)
        err = glass_engine_start(s);
    if (err == GLASS_OK)
        err = glass_engine_start(c);
    if (err != GLASS_OK) {
        char line[200];
        snprintf(line, sizeof line, "could not start the engines: %s", glass_strerror(err));
        wk_note(o, "", "error", line);
        glass_engine_free(c);
        glass_engine_free(s);
        return 1;
    }

    /* Pump until nothing moves (bounded: a handshake is a dozen flights).
     * Events are taken right after the bytes that caused them, so the
     * narration keeps the order in which things happen. */
    for (int round = 0; round < 200; round++) {
        int moved = pump(&w, c, s, 1);
        moved |= drain(&w, c, s, p);
        moved |= pump(&w, s, c, 0);
        moved |= drain(&w, c, s, p);
        if (!moved)
            break;
    }

    int ok = glass_engine_state(c) == GLASS_STATE_CLOSED &&
             glass_engine_state(s) == GLASS_STATE_CLOSED && glass_engine_error(c) == GLASS_OK &&
             glass_engine_error(s) == GLASS_OK && w.mismatches == 0 &&
             (opts->enroll ? w.enrolled : (w.chat_received && w.reply_received));
    glass_engine_free(c);
    glass_engine_free(s);
    for (size_t i = 0; i < w.n_msgs; i++)
        free(w.msgs[i].b);
    for (size_t i = 0; i < w.n_der; i++) {
        glass_wipe(w.der[i].b, w.der[i].len);
        free(w.der[i].b);
    }
    free(w.last_plain[0]);
    free(w.last_plain[1]);
    return ok ? 0 : 1;
}
