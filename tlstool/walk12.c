/*
 * walk12.c — `glass walkthrough --protocol tls12`: one real TLS 1.2
 * connection between two engines in this process, explained byte by byte
 * (see tlstool.h).
 *
 * The same engine that `glass s_server` and `glass s_client` put on a
 * socket runs here back to back (net_pump_handshake), both in the TLS 1.2
 * profile, mutually authenticated with the classroom PKI of the glass
 * walkthrough.  Every message is shown once, when it is sent, field by
 * field (the engine's dissector, RFC 5246 §7.4), with its record header
 * (RFC 5246 §6.2.1); every value each side derives is shown with its
 * bytes (RFC 5246 §8.1, §6.3, §7.4.9; RFC 7627 §4) — both sides, so the
 * reader sees them agree — and every check. Then one application record
 * each way and the close_notify alerts.  With a seed the whole text is
 * the same on every run (INSECURE randomness, for a class).
 *
 * Two layouts.  Text (the default) is the -trace renderer (render.c) with
 * each certificate dissected underneath.  --format html and json go
 * through the glass walkthrough's renderer (classroom/walk_render.h): the
 * same page, style sheet and script — a ladder of messages, each field
 * from the engine's dissector (glass_dissect_handshake_profile), every
 * record header annotated, protected records as IV, ciphertext and MAC,
 * derived values of both sides with a check where the two sides must
 * agree, and the certificates (the CA's too) dissected field by field.  Read run_wk (after the text path) for those.
 *
 * CT: not applicable (a classroom tool: it prints secrets on purpose).
 */
#include "tlstool/tlstool.h"
#include "classroom/walk_session.h"
#include "net/net.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#define W12_MAX_DERIVED 64
#define W12_MAX_VALUE 512
#define W12_MAX_FIELDS 96

/* What the HTML/JSON layout keeps across events: the last value each side
 * derived under each name, so the other side's can be checked against it. */
typedef struct w12_value {
    char name[64];
    int client;
    uint8_t v[W12_MAX_VALUE];
    size_t len;
} w12_value;

typedef struct walk12 {
    wk_out *o;                  /* NULL: the text layout */
    w12_value derived[W12_MAX_DERIVED];
    size_t n_derived;
    unsigned equal, differ;     /* checks of one side's value against the other's */
} walk12;

typedef struct side {
    tlstool_tap tap;
    glass_tracer filter;
    walk12 *w;
    int client;
    int ccs;                    /* sent ChangeCipherSpec: later records are protected */
    glass_engine *e;
} side;

/* A received message was shown when its sender sent it: say only that it
 * arrived. */
static void on_trace(void *arg, const char *name, const char *explain, const uint8_t *bytes,
                     size_t len)
{
    side *s = arg;
    if (strncmp(name, "recv ", 5) == 0 && strcmp(name, "recv application_data") != 0) {
        if (strcmp(name, "recv record") != 0)
            fprintf(s->tap.out, "%s<<< %s received (%zu bytes)\n", s->tap.prefix, name + 5, len);
        return;
    }
    tlstool_render_event(&s->tap, name, explain, bytes, len);
    if (strcmp(name, "send Certificate") == 0) {
        wk_out o;
        memset(&o, 0, sizeof o);
        o.f = s->tap.out;
        o.fmt = WK_TEXT;
        wk_certificates(&o, bytes, len);
    }
}

/* ---- the HTML and JSON layout ------------------------------------------- */

static const char *side_name(const side *s)
{
    return s->client ? "client" : "server";
}

/* What each handshake message is for (the fields come from the dissector). */
static const char *purpose12(const char *name, int client)
{
    static const struct {
        const char *name, *text;
    } table[] = {
        {"ClientHello", "the client opens: TLS 1.2 (03 03), a fresh random, the one suite it "
                        "offers, and its extensions (supported_groups, signature_algorithms, "
                        "extended_master_secret, encrypt_then_mac, renegotiation_info, "
                        "server_name)"},
        {"ServerHello", "the server's random and what it chose: the suite, and which extensions "
                        "it accepts (EMS, encrypt-then-MAC)"},
        {"ServerKeyExchange", "the DH group and the server's ephemeral g^y, signed with its "
                              "certificate key over both randoms and the parameters"},
        {"CertificateRequest", "the server asks for a client certificate: certificate types, "
                               "signature algorithms and the CAs it accepts"},
        {"ServerHelloDone", "the server has said everything: the client's turn"},
        {"ClientKeyExchange", "the client's ephemeral g^x: both sides can now compute Z"},
        {"CertificateVerify", "the client signs the hash of the handshake so far with its "
                              "certificate key: it holds that key"},
        {"Finished", "verify_data, a PRF over the whole handshake: both saw the same messages "
                     "and hold the same keys; sent in the first protected record"},
    };
    if (strcmp(name, "Certificate") == 0)
        return client ? "the client's certificate chain, issued by the CA the server trusts"
                      : "the server's certificate chain: its RSA public key, for the name "
                        "localhost, issued by the CA the client trusts";
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
        if (strcmp(table[i].name, name) == 0)
            return table[i].text;
    return "";
}

typedef struct w12_fields {
    size_t n;
    int have_head;
    char *head;
    struct {
        size_t off, len;
        char *field, *meaning;
    } v[W12_MAX_FIELDS];
} w12_fields;

static char *dup_or_empty(const char *t)
{
    size_t n = t != NULL ? strlen(t) : 0;
    char *d = malloc(n + 1);
    if (d != NULL) {
        memcpy(d, t != NULL ? t : "", n);
        d[n] = '\0';
    }
    return d;
}

/* The dissector's callback: the first call names the whole message. */
static void collect(void *arg, size_t off, size_t len, const char *field, const char *meaning)
{
    w12_fields *fs = arg;
    if (!fs->have_head) {
        fs->have_head = 1;
        fs->head = dup_or_empty(meaning);
        return;
    }
    if (fs->n >= W12_MAX_FIELDS)
        return;
    fs->v[fs->n].off = off;
    fs->v[fs->n].len = len;
    fs->v[fs->n].field = dup_or_empty(field);
    fs->v[fs->n].meaning = dup_or_empty(meaning);
    fs->n++;
}

static void fields_free(w12_fields *fs)
{
    for (size_t i = 0; i < fs->n; i++) {
        free(fs->v[i].field);
        free(fs->v[i].meaning);
    }
    free(fs->head);
    memset(fs, 0, sizeof *fs);
}

/* A handshake message: every field from the dissector, then the
 * certificates of a Certificate dissected. */
static void wk_handshake(side *s, const char *name, const uint8_t *b, size_t len)
{
    w12_fields fs;
    memset(&fs, 0, sizeof fs);
    glass_err err = glass_dissect_handshake_profile(GLASS_PROFILE_TLS12, b, len, collect, &fs);
    wk_message_begin(s->w->o, s->client, "handshake message", name, purpose12(name, s->client),
                     fs.head != NULL ? fs.head : "", b, len);
    for (size_t i = 0; i < fs.n; i++)
        if (fs.v[i].off <= len && fs.v[i].len <= len - fs.v[i].off)
            wk_field(s->w->o, fs.v[i].off, b + fs.v[i].off, fs.v[i].len, fs.v[i].field,
                     fs.v[i].meaning);
    if (strcmp(name, "Certificate") == 0)
        wk_certificates(s->w->o, b, len);
    wk_message_end(s->w->o);
    if (err != GLASS_OK) {
        wk_note(s->w->o, side_name(s), "error", "the dissector stopped: the message does not "
                                                "parse as RFC 5246 §7.4 lays it out");
        s->w->differ++;
    }
    fields_free(&fs);
}

/* A message that is not a handshake message: ChangeCipherSpec (RFC 5246
 * §7.1), an alert (§7.2) or application data (§6.2.3). */
static void wk_other(side *s, const char *name, const uint8_t *b, size_t len)
{
    wk_out *o = s->w->o;
    char meaning[256];
    if (strcmp(name, "ChangeCipherSpec") == 0 && len == 1) {
        s->ccs = 1;
        wk_message_begin(o, s->client, "message", "ChangeCipherSpec",
                         "from the next record on, this side protects what it sends with the "
                         "keys just derived", "RFC 5246 §7.1 (its own content type, 20)", b, len);
        wk_field(o, 0, b, 1, "ChangeCipherSpec.type", "1 = change_cipher_spec");
    } else if (strcmp(name, "Alert") == 0 && len == 2) {
        wk_message_begin(o, s->client, "message", "Alert", "the sender is done: close_notify, "
                         "so nobody can cut the connection short unnoticed",
                         "RFC 5246 §7.2 (content type 21)", b, len);
        wk_field(o, 0, b, 1, "Alert.level", b[0] == GLASS_ALERT_LEVEL_FATAL ? "2 = fatal"
                                                                             : "1 = warning");
        snprintf(meaning, sizeof meaning, "%u = %s", b[1], glass_alert_name(b[1]));
        wk_field(o, 1, b + 1, 1, "Alert.description", meaning);
    } else if (strcmp(name, "application_data") == 0) {
        wk_message_begin(o, s->client, "message", "application data",
                         "what the program sends; it travels in the protected record that "
                         "follows", "RFC 5246 §6.2.3 (content type 23)", b, len);
        size_t n = 0;
        for (size_t i = 0; i < len && n + 2 < sizeof meaning; i++)
            meaning[n++] = b[i] >= 0x20 && b[i] < 0x7f ? (char)b[i] : '.';
        meaning[n] = '\0';
        wk_field(o, 0, b, len, "application_data", meaning);
    } else {
        return;
    }
    wk_message_end(o);
}

/* A record as it leaves: before ChangeCipherSpec a note and its header
 * (RFC 5246 §6.2.1); after it, a protected record with its header, IV,
 * ciphertext and MAC (RFC 7366 §3 when encrypt-then-MAC was agreed, else
 * RFC 5246 §6.2.3.2: the MAC and padding are inside the ciphertext). */
static void wk_record(side *s, const uint8_t *b, size_t len)
{
    wk_out *o = s->w->o;
    char type[96], length[64], line[256];
    if (len < GLASS_RECORD_HEADER_LEN)
        return;
    size_t frag = len - GLASS_RECORD_HEADER_LEN;
    snprintf(type, sizeof type, "%u = %s (ContentType, RFC 5246 §6.2.1)", b[0],
             b[0] == 20 ? "change_cipher_spec" : b[0] == 21 ? "alert"
             : b[0] == 22 ? "handshake" : b[0] == 23 ? "application_data" : "unknown");
    snprintf(length, sizeof length, "%zu bytes of fragment follow", frag);
    const char *version = b[1] == 3 && b[2] == 3 ? "03 03 = TLS 1.2" : "not TLS 1.2";
    if (!s->ccs || b[0] == 20) {
        snprintf(line, sizeof line, "the message goes out in a plaintext record: header %02x "
                 "%02x%02x %02x%02x (type %u, version, length %zu)%s", b[0], b[1], b[2], b[3],
                 b[4], b[0], frag, s->ccs ? "" : "; no keys yet");
        wk_note(o, side_name(s), "record", line);
        wk_note_detail(o, side_name(s), b, 1, "record.type", type);
        wk_note_detail(o, side_name(s), b + 1, 2, "record.version", version);
        wk_note_detail(o, side_name(s), b + 3, 2, "record.length", length);
        return;
    }
    tlstool_facts fx;
    tlstool_engine_facts(s->e, &fx);
    size_t iv = 16, mac = fx.etm ? 32 : 0;
    wk_message_begin(o, s->client, "record", "protected record",
                     fx.etm ? "what crosses the network: the header, a fresh IV, the AES-256-CBC "
                              "ciphertext, then the HMAC-SHA256 tag over all of it "
                              "(encrypt-then-MAC)"
                            : "what crosses the network: the header, a fresh IV, and the "
                              "AES-256-CBC ciphertext of data || MAC || padding",
                     fx.etm ? "RFC 7366 §3" : "RFC 5246 §6.2.3.2", b, len);
    wk_field(o, 0, b, 1, "record.type", type);
    wk_field(o, 1, b + 1, 2, "record.version", version);
    wk_field(o, 3, b + 3, 2, "record.length", length);
    if (frag >= iv + 16 + mac) {
        const uint8_t *f = b + GLASS_RECORD_HEADER_LEN;
        wk_field(o, 5, f, iv, "record.IV", "random, fresh for every record (RFC 5246 §6.2.3.2)");
        wk_field(o, 5 + iv, f + iv, frag - iv - mac, "record.ciphertext",
                 fx.etm ? "AES-256-CBC of the data and its padding"
                        : "AES-256-CBC of the data, its MAC and the padding");
        if (mac > 0)
            wk_field(o, len - mac, b + len - mac, mac, "record.MAC",
                     "HMAC-SHA256(write_MAC_key, seq_num || header || IV || ciphertext)");
    } else {
        wk_field(o, 5, b + 5, frag, "record.fragment", "too short for IV, data and MAC");
    }
    wk_message_end(o);
}

/* Where each derived value is defined. */
static const char *cite12(const char *name)
{
    static const struct {
        const char *part, *cite;
    } table[] = {
        {"dh_", "RFC 5246 §7.4.3, §7.4.7.2"}, {"pre_master", "RFC 5246 §8.1.2"},
        {"session_hash", "RFC 7627 §3"}, {"master_secret", "RFC 7627 §4"},
        {"key_block", "RFC 5246 §6.3"}, {"write_", "RFC 5246 §6.3"},
        {"verify_data", "RFC 5246 §7.4.9"}, {"handshake_hash", "RFC 5246 §7.4.8, §7.4.9"},
        {"record MAC", "RFC 7366 §3"}, {"record IV", "RFC 5246 §6.2.3.2"},
        {"Z", "RFC 5246 §8.1.2"},
    };
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
        if (strstr(name, table[i].part) != NULL)
            return table[i].cite;
    return "";
}

/* A derived value; where the other side derives the same one (the shared
 * secret, the keys, verify_data, a record's MAC), its last value is
 * compared: the two engines must agree byte for byte. */
static void wk_value(side *s, const char *name, const char *ex, const uint8_t *b, size_t len)
{
    walk12 *w = s->w;
    wk_derivation d;
    memset(&d, 0, sizeof d);
    d.side = side_name(s);
    d.name = name;
    d.cite = cite12(name);
    d.function = ex;
    d.result = b;
    d.result_len = len;
    /* Each side's own DH values and record IVs differ by design; a record
     * MAC is checked when the receiver recomputes it ("expected value"). */
    int own = strncmp(name, "dh_", 3) == 0 || strcmp(name, "record IV") == 0 ||
              (strcmp(name, "record MAC") == 0 && (ex == NULL || strstr(ex, "expected") == NULL));
    w12_value *mine = NULL;
    for (size_t i = 0; i < w->n_derived; i++) {
        w12_value *v = &w->derived[i];
        if (strcmp(v->name, name) != 0)
            continue;
        if (v->client == s->client)
            mine = v;
        else if (!own) {
            d.check = v->len == len && memcmp(v->v, b, len) == 0 ? 1 : -1;
            d.check_how = s->client ? "the server derived the same bytes"
                                    : "the client derived the same bytes";
        }
    }
    if (d.check > 0)
        w->equal++;
    else if (d.check < 0)
        w->differ++;
    if (mine == NULL && w->n_derived < W12_MAX_DERIVED) {
        mine = &w->derived[w->n_derived++];
        snprintf(mine->name, sizeof mine->name, "%s", name);
        mine->client = s->client;
    }
    if (mine != NULL) {
        mine->len = len <= W12_MAX_VALUE ? len : 0;
        memcpy(mine->v, b, mine->len);
    }
    wk_derive(w->o, &d);
}

/* The trace sink of the HTML and JSON layout: a received message was shown
 * when its sender sent it. */
static void on_trace_wk(void *arg, const char *name, const char *explain, const uint8_t *bytes,
                        size_t len)
{
    side *s = arg;
    const char *ex = explain != NULL ? explain : "";
    char line[300];
    if (name == NULL)
        return;
    if (strcmp(name, "state") == 0) {
        snprintf(line, sizeof line, "engine state -> %s", ex);
        wk_note(s->w->o, side_name(s), "state", line);
    } else if (strcmp(name, "send record") == 0) {
        wk_record(s, bytes, len);
    } else if (strncmp(name, "send ", 5) == 0) {
        const char *what = name + 5;
        if (strcmp(what, "ChangeCipherSpec") == 0 || strcmp(what, "Alert") == 0 ||
            strcmp(what, "application_data") == 0)
            wk_other(s, what, bytes, len);
        else
            wk_handshake(s, what, bytes, len);
    } else if (strcmp(name, "recv Alert") == 0 && len == 2) {
        snprintf(line, sizeof line, "receives the alert %s", glass_alert_name(bytes[1]));
        wk_note(s->w->o, side_name(s), "alert", line);
    } else if (strncmp(name, "derive ", 7) == 0) {
        wk_value(s, name + 7, ex, bytes, len);
    } else if (strncmp(name, "check ", 6) == 0) {
        snprintf(line, sizeof line, "%s: %s", name + 6, ex);
        wk_note(s->w->o, side_name(s), "check", line);
    }
}

/* ---- the connection (both layouts) ------------------------------------- */

static void section(const walk12 *w, FILE *out, const char *text, const char *title,
                    const char *prose)
{
    if (w->o != NULL)
        wk_section(w->o, title, prose);
    else
        fputs(text, out);
}

static void drain_events(glass_engine *e, const walk12 *w, FILE *out, int client)
{
    glass_event ev;
    char line[300];
    const char *who = client ? "C" : "S";
    while (glass_engine_next_event(e, &ev)) {
        line[0] = '\0';
        if (ev.type == GLASS_EV_APP_MESSAGE)
            snprintf(line, sizeof line, "application data, as the program receives it: %.*s",
                     (int)(ev.len < 200 ? ev.len : 200), (const char *)ev.data);
        else if (ev.type == GLASS_EV_HANDSHAKE_DONE)
            snprintf(line, sizeof line, "handshake done: the peer is %s",
                     ev.authenticated ? ev.peer_name : "(no certificate)");
        if (line[0] != '\0' && w->o != NULL)
            wk_note(w->o, client ? "client" : "server", "event", line);
        else if (line[0] != '\0')
            fprintf(out, "%s  %s\n", who, line);
    }
}

static glass_err converse(glass_engine *c, glass_engine *s, const walk12 *w, FILE *out)
{
    static const char request[] = "GET / HTTP/1.0\r\n\r\n";
    static const char answer[] = "HTTP/1.0 200 ok\r\n\r\nhello from the server\n";
    section(w, out, "\n== application data: one record each way (RFC 5246 §6.2.3.2, RFC 7366)\n",
            "Application data", "One request and one answer, each in one protected record "
            "(RFC 5246 §6.2.3.2; encrypt-then-MAC, RFC 7366).");
    glass_err err = glass_engine_send_app(c, (const uint8_t *)request, sizeof request - 1);
    if (err == GLASS_OK)
        net_pump_move(c, s, &err);
    drain_events(s, w, out, 0);
    if (err == GLASS_OK)
        err = glass_engine_send_app(s, (const uint8_t *)answer, sizeof answer - 1);
    if (err == GLASS_OK)
        net_pump_move(s, c, &err);
    drain_events(c, w, out, 1);
    section(w, out, "\n== the end: close_notify both ways (RFC 5246 §7.2.1)\n", "Close",
            "close_notify both ways (RFC 5246 §7.2.1): an alert, protected like any record.");
    if (err == GLASS_OK)
        err = glass_engine_close(c);
    if (err == GLASS_OK)
        net_pump_move(c, s, &err);
    /* The server's close_notify answers a client that has already closed:
     * the client's engine takes no more input, which is the point. */
    if (err == GLASS_OK)
        net_pump_move(s, c, NULL);
    return err;
}

static void config(glass_config *cfg, glass_role role, const walk_pki *pki, glass_blob *anchor,
                   glass_blob *chain, int64_t now)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->role = role;
    cfg->profile = GLASS_PROFILE_TLS12;
    cfg->now = now;
    cfg->anchors = anchor;
    cfg->n_anchors = 1;
    cfg->chain = chain;
    cfg->n_chain = 1;
    cfg->key = role == GLASS_ROLE_CLIENT ? &pki->client_key : &pki->server_key;
    cfg->server_name = "localhost";
    cfg->client_auth = GLASS_CLIENT_AUTH_REQUIRE;
}

static const char intro[] =
    "A real TLS 1.2 connection (RFC 5246), TLS_DHE_RSA_WITH_AES_256_CBC_SHA256 with\n"
    "extended master secret and encrypt-then-MAC, between a client (C) and a server\n"
    "(S) engine in this process: the bytes glass s_client and glass s_server send.\n"
    "Each message is shown once, as it is sent; both sides' derivations are shown,\n"
    "so you can see them agree.  glass compare lays it beside a glass handshake.\n";

/* The page's head (HTML, JSON) and the PKI, the CA's certificate dissected. */
static glass_err begin_wk(walk12 *w, walk_pki *pki, int seeded, uint64_t seed, int64_t now)
{
    char banner[256], params[300];
    snprintf(banner, sizeof banner, "SEEDED MODE (--seed %llu): every key and random value "
             "below is predictable. Deterministic, for teaching; never protects anything.",
             (unsigned long long)seed);
    snprintf(params, sizeof params, "TLS 1.2, TLS_DHE_RSA_WITH_AES_256_CBC_SHA256, extended "
             "master secret, encrypt-then-MAC; client \"alice\" and server \"localhost\" both "
             "authenticated by certificates from one CA; %s",
             seeded ? "clock fixed at 2026-01-01T00:00:00Z" : "real clock and randomness");
    wk_begin(w->o, "glass walkthrough --protocol tls12: a real TLS 1.2 connection, every byte "
             "explained", seeded ? banner : NULL, params, (long)seed, seeded);
    wk_section(w->o, "Before the connection: the certificates",
               "A certificate authority, a certificate for the server (localhost) and one for "
               "the client (alice). Both engines trust only this CA, dissected below.");
    glass_err err = walk_pki_make(pki, now, 1, w->o);
    if (err == GLASS_OK) {
        const uint8_t *ca;
        size_t ca_len;
        walk_pki_ca_der(pki, &ca, &ca_len);
        wk_der_tree(w->o, "the CA certificate (the trust anchor of both sides)", "CERTIFICATE",
                    ca, ca_len, 0);
    }
    wk_section(w->o, "The handshake (RFC 5246 §7.3)", intro);
    return err;
}

/* See tlstool.h. */
int tlstool_walkthrough_run(int seeded, uint64_t seed, const char *format, FILE *out)
{
    walk_pki pki;
    wk_out quiet, page;
    memset(&quiet, 0, sizeof quiet);
    memset(&page, 0, sizeof page);
    page.f = out;
    if (format == NULL || strcmp(format, "text") == 0) {
        page.fmt = WK_TEXT;
    } else if (strcmp(format, "json") == 0) {
        page.fmt = WK_JSON;
    } else if (strcmp(format, "html") == 0) {
        page.fmt = WK_HTML;
    } else {
        fprintf(stderr, "glass walkthrough: --format: '%s' is not text, json or html\n", format);
        return 1;
    }
    walk12 *w = calloc(1, sizeof *w);
    quiet.f = fopen("/dev/null", "w");
    if (quiet.f == NULL || w == NULL) {
        fprintf(stderr, "glass walkthrough: %s\n", w == NULL ? "out of memory"
                                                             : "cannot open /dev/null");
        if (quiet.f != NULL)
            fclose(quiet.f);
        free(w);
        return 1;
    }
    w->o = page.fmt == WK_TEXT ? NULL : &page;
    if (seeded)
        glass_random_seed(seed);
    int64_t now = seeded ? WALK_FIXED_NOW : (int64_t)time(NULL);
    glass_err err = w->o != NULL ? begin_wk(w, &pki, seeded, seed, now)
                                 : walk_pki_make(&pki, now, 1, &quiet);
    fclose(quiet.f);
    glass_blob anchor, sch = {pki.server_der, pki.server_len}, cch = {pki.client_der, pki.client_len};
    walk_pki_ca_der(&pki, &anchor.der, &anchor.len);
    glass_config cc, sc;
    config(&cc, GLASS_ROLE_CLIENT, &pki, &anchor, &cch, now);
    config(&sc, GLASS_ROLE_SERVER, &pki, &anchor, &sch, now);
    glass_drbg dc, ds;
    if (seeded) {
        glass_drbg_init(&dc, seed, 1);
        glass_drbg_init(&ds, seed, 2);
        cc.random = sc.random = glass_random_from_drbg;
        cc.random_arg = &dc;
        sc.random_arg = &ds;
    }
    side C, S;
    memset(&C, 0, sizeof C);
    memset(&S, 0, sizeof S);
    tlstool_tap_init(&C.tap, &cc, NULL, TLSTOOL_RENDER_TRACE, out, "C ");
    tlstool_tap_init(&S.tap, &sc, NULL, TLSTOOL_RENDER_TRACE, out, "S ");
    C.filter.fn = S.filter.fn = w->o != NULL ? on_trace_wk : on_trace;
    C.filter.arg = &C;
    S.filter.arg = &S;
    C.w = S.w = w;
    C.client = 1;
    cc.trace = &C.filter;
    sc.trace = &S.filter;
    if (w->o == NULL)
        fprintf(out, "%s\n== the handshake (RFC 5246 §7.3)\n", intro);
    glass_engine *c = NULL, *s = NULL;
    if (err == GLASS_OK)
        err = glass_engine_new(&c, &cc);
    if (err == GLASS_OK)
        err = glass_engine_new(&s, &sc);
    C.e = c;
    S.e = s;
    if (err == GLASS_OK)
        err = glass_engine_start(s);
    if (err == GLASS_OK)
        err = glass_engine_start(c);
    if (err == GLASS_OK)
        err = net_pump_handshake(c, s);
    if (err == GLASS_OK)
        err = converse(c, s, w, out);
    if (err != GLASS_OK)
        fprintf(stderr, "glass walkthrough: the TLS 1.2 connection failed: %s\n",
                glass_strerror(err));
    if (w->o != NULL) {
        char summary[200];
        snprintf(summary, sizeof summary, "%s: %u values both sides derived are equal, %u differ",
                 err == GLASS_OK ? "done: handshake, one record each way and close_notify"
                                 : "the connection failed", w->equal, w->differ);
        wk_end(w->o, err == GLASS_OK && w->differ == 0, summary);
    }
    int rc = err == GLASS_OK && w->differ == 0 ? 0 : 1;
    glass_engine_free(c);
    glass_engine_free(s);
    tlstool_tap_clear(&C.tap);
    tlstool_tap_clear(&S.tap);
    walk_pki_free(&pki);
    free(w);
    return rc;
}
