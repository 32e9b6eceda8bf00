/*
 * dissect_app.c — names every byte of a glass application message (chat,
 * page fetch, the key-value store; docs/PROTOCOL.md §7), for the
 * walkthrough and `--trace`, from the same layouts appmsg.c encodes.
 * dissect.c does the records and handshake messages and calls in here for
 * the plaintext of an application record.
 *
 * Read the layouts below, then the helpers, then glass_dissect_app_at.
 * CT: no — for public bytes (it never sees keys).
 */
#include "protocol/protocol_internal.h"

#include <stdio.h>
#include <string.h>

/* ---- application messages (docs/PROTOCOL.md §7) ------------------------------ */

/*
 * The application dissector never stops in silence.  When a length runs
 * past the end, a field holds a value the layout forbids, or bytes are left
 * over, the bytes from the fault to the end are still reported, annotated
 * "truncated", "bad length" or "bad value", so the fields always cover the
 * message exactly; the verdict is the one glass_app_decode gives.
 *
 *     SendTo, Deliver   type || name<1..255> || text<0..2^16-1>
 *     Who, Bye, KvList  type
 *     WhoList, KvKeys   type || uint16 count || count x name<1..255>
 *     Error             type || uint16 code || text<0..2^16-1>
 *     FetchRequest      type || request<1..2^16-1>      (HTTP/1.1, whole)
 *     FetchResponse     type || uint8 last || piece<0..2^16-1>
 *     KvPut, KvValue    type || key<1..255> || value<0..2^16-1>
 *     KvGet, KvDelete,
 *     KvDone            type || key<1..255>
 */

/* Bytes for a one-line meaning, in double quotes: a byte outside printable
 * ASCII becomes '.', so nothing from the network reaches a terminal raw;
 * past 48 bytes it ends in "...". */
static void quoted(char *out, size_t cap, const uint8_t *p, size_t n)
{
    const size_t show = 48;
    size_t k = 0;
    if (cap < 8) {
        if (cap > 0)
            out[0] = '\0';
        return;
    }
    size_t limit = n;
    if (limit > show)
        limit = show;
    if (limit > cap - 6)        /* two quotes, "..." and the NUL */
        limit = cap - 6;
    out[k++] = '"';
    for (size_t i = 0; i < limit; i++)
        out[k++] = (p[i] >= 0x20 && p[i] < 0x7f) ? (char)p[i] : '.';
    if (limit < n) {
        memcpy(out + k, "...", 3);
        k += 3;
    }
    out[k++] = '"';
    out[k] = '\0';
}

/* The next n bytes as field `name`; when the message ends first, what is
 * left of it (perhaps nothing) as that field, annotated "truncated". */
static const uint8_t *app_field(glass_dis *d, size_t n, const char *name, const char *meaning)
{
    char why[128];
    if (d->bad)
        return NULL;
    size_t left = d->len - d->off;
    if (n <= left)
        return glass_dis_field(d, n, name, meaning);
    if (left == 0)
        snprintf(why, sizeof why, "truncated: the message ends before this %zu-byte field", n);
    else
        snprintf(why, sizeof why,
                 "truncated: the message ends %zu byte%s into this %zu-byte field", left,
                 left == 1 ? "" : "s", n);
    glass_dis_field(d, left, name, why);
    d->bad = 1;
    return NULL;
}

/* A length prefix of `width` bytes (field NAME.length) announcing the
 * vector `name` of min..max bytes.  Returns 1 with *n set when the length
 * is allowed and that many bytes remain; otherwise reports the bytes left
 * (too long a length) or none (too short) as `name`, annotated "bad
 * length", and returns 0. */
static int app_length(glass_dis *d, size_t width, const char *name, size_t min, size_t max,
                      const char *meaning, size_t *n)
{
    char lname[64], why[160];
    snprintf(lname, sizeof lname, "%s.length", name);
    const uint8_t *q = app_field(d, width, lname, meaning);
    if (q == NULL)
        return 0;
    *n = glass_dis_be(q, width);
    size_t left = d->len - d->off;
    if (*n > left) {
        snprintf(why, sizeof why,
                 "bad length: %s.length says %zu bytes, only %zu remain%s (a truncated "
                 "message or a wrong length)",
                 name, *n, left, left == 1 ? "s" : "");
        glass_dis_field(d, left, name, why);
    } else if (*n < min) {
        snprintf(why, sizeof why, "bad length: %s is %zu..%zu bytes, not %zu", name, min, max,
                 *n);
        glass_dis_field(d, 0, name, why);
    } else {
        return 1;
    }
    d->bad = 1;
    return 0;
}

/* name<1..255> with no NUL byte (a chat name or a key): its length, then
 * itself.  `role` says what it names; with `quote` the name follows it. */
static void app_name(glass_dis *d, const char *name, const char *len_meaning, const char *role,
                     int quote)
{
    char q[64], meaning[160];
    size_t n;
    if (!app_length(d, 1, name, 1, GLASS_MAX_NAME, len_meaning, &n))
        return;
    const uint8_t *p = d->p + d->off;
    if (memchr(p, 0, n) != NULL) {
        snprintf(meaning, sizeof meaning, "bad value: a NUL byte in the %s (names have none)",
                 name);
        glass_dis_field(d, n, name, meaning);
        d->bad = 1;
        return;
    }
    if (quote) {
        quoted(q, sizeof q, p, n);
        snprintf(meaning, sizeof meaning, "%s %s", role, q);
        glass_dis_field(d, n, name, meaning);
    } else {
        glass_dis_field(d, n, name, role);
    }
}

/* text<0..2^16-1>: its length, then itself. */
static void app_text(glass_dis *d, const char *name, const char *len_meaning, const char *meaning)
{
    size_t n;
    if (app_length(d, 2, name, 0, 0xffff, len_meaning, &n))
        glass_dis_field(d, n, name, meaning);
}

/* uint16 count, then count names (WhoList, KvKeys): at most
 * GLASS_APP_MAX_NAMES. */
static void app_names(glass_dis *d, const char *name, const char *count_meaning,
                      const char *len_meaning, const char *role, int quote)
{
    char meaning[128];
    size_t count = 0;
    const char *m = count_meaning;
    if (d->len - d->off >= 2) {
        count = glass_dis_be(d->p + d->off, 2);
        if (count > GLASS_APP_MAX_NAMES) {
            snprintf(meaning, sizeof meaning, "bad value: %zu (at most %d)", count,
                     GLASS_APP_MAX_NAMES);
            m = meaning;
        }
    }
    if (app_field(d, 2, "count", m) == NULL)
        return;
    if (count > GLASS_APP_MAX_NAMES) {
        d->bad = 1;
        return;
    }
    for (size_t i = 0; i < count && !d->bad; i++)
        app_name(d, name, len_meaning, role, quote);
}

/* Bytes of the line at p[0..n) through its CRLF; 0 when it has none. */
static size_t http_line_len(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i + 1 < n; i++)
        if (p[i] == '\r' && p[i + 1] == '\n')
            return i + 2;
    return 0;
}

/* Whether the line p[0..n) is a field line named `fname` (any case). */
static int http_is_field(const uint8_t *p, size_t n, const char *fname)
{
    size_t k = strlen(fname);
    if (n <= k || p[k] != ':')
        return 0;
    for (size_t i = 0; i < k; i++) {
        uint8_t c = p[i];
        if (c >= 'A' && c <= 'Z')
            c = (uint8_t)(c - 'A' + 'a');
        if (c != (uint8_t)fname[i])
            return 0;
    }
    return 1;
}

/* An HTTP/1.1 message in the next n bytes, one field per line (RFC 9112
 * §2.1):
 *
 *     start-line CRLF  *( field-line CRLF )  CRLF  [ message-body ]
 *
 * `part` names the fields: PART.request_line or PART.status_line,
 * PART.field_line, PART.end_of_fields, PART.body.  A FetchRequest holds a
 * whole request; a FetchResponse piece the first part of a response (the
 * caller checks it begins "HTTP/"), whose head may go on in the next piece.
 * What HTTP forbids is annotated but is no decode error: to the
 * application layer the bytes are opaque. */
static void http_message(glass_dis *d, size_t n, const char *part, int is_request)
{
    char name[64], q[64], meaning[256];
    const size_t end = d->off + n;
    const char *cut = is_request
                          ? "incomplete: no CRLF before the end of the request (the glass "
                            "server answers 400 Bad Request)"
                          : "cut at the end of this piece: the line goes on in the next "
                            "FetchResponse";

    /* 1. The start line: request-line (RFC 9112 §3) or status-line (§4). */
    snprintf(name, sizeof name, "%s.%s", part, is_request ? "request_line" : "status_line");
    size_t l = http_line_len(d->p + d->off, end - d->off);
    if (l == 0) {
        quoted(q, sizeof q, d->p + d->off, end - d->off);
        snprintf(meaning, sizeof meaning, "%s %s", cut, q);
        glass_dis_field(d, end - d->off, name, meaning);
        return;
    }
    quoted(q, sizeof q, d->p + d->off, l - 2);
    snprintf(meaning, sizeof meaning, "%s %s",
             is_request ? "request-line (RFC 9112 §3): method SP request-target SP "
                          "HTTP-version CRLF ="
                        : "status-line (RFC 9112 §4): HTTP-version SP status-code SP "
                          "[reason-phrase] CRLF =",
             q);
    glass_dis_field(d, l, name, meaning);

    /* 2. Field lines up to the empty line (RFC 9112 §5); each is at least
     *    3 bytes, so the loop ends within n. */
    snprintf(name, sizeof name, "%s.field_line", part);
    for (;;) {
        const uint8_t *p = d->p + d->off;
        if (d->off == end) {
            snprintf(name, sizeof name, "%s.end_of_fields", part);
            glass_dis_field(d, 0, name, is_request ? "missing: no empty line ends the header section "
                                           "(the glass server answers 400 Bad Request)"
                                         : "not in this piece: the header section goes on in "
                                           "the next FetchResponse");
            return;
        }
        l = http_line_len(p, end - d->off);
        if (l == 0) {
            quoted(q, sizeof q, p, end - d->off);
            snprintf(meaning, sizeof meaning, "%s %s", cut, q);
            glass_dis_field(d, end - d->off, name, meaning);
            return;
        }
        if (l == 2)
            break;
        quoted(q, sizeof q, p, l - 2);
        const char *note = "";
        if (is_request && http_is_field(p, l - 2, "host"))
            note = "; a request without Host is answered 400 (RFC 9112 §3.2)";
        else if (!is_request && http_is_field(p, l - 2, "content-length"))
            note = "; the body's length in bytes (RFC 9112 §6.3)";
        snprintf(meaning, sizeof meaning,
                 "field-line (RFC 9112 §5): field-name \":\" OWS field-value OWS CRLF = %s%s", q,
                 note);
        glass_dis_field(d, l, name, meaning);
    }
    snprintf(name, sizeof name, "%s.end_of_fields", part);
    glass_dis_field(d, 2, name, "CRLF: the empty line that ends the header section (RFC 9112 §2.1)");

    /* 3. What follows the head. */
    if (d->off < end) {
        snprintf(name, sizeof name, "%s.body", part);
        glass_dis_field(d, end - d->off, name,
              is_request ? "a request body: a FetchRequest has none (the glass server answers "
                           "400 Bad Request)"
                         : "message-body (RFC 9112 §6): the start of the response's content");
    }
}

/* The whole-message line: the TLS or HTTP counterpart, where one exists. */
static const char *app_counterpart(unsigned type)
{
    switch (type) {
    case GLASS_APP_FETCH_REQUEST:
        return "glass page fetch: one whole HTTP/1.1 request (RFC 9112 §2.1, §3) after a type "
               "and a length; over TLS (HTTPS, RFC 9110 §4.2.2) the same bytes are the "
               "application_data itself";
    case GLASS_APP_FETCH_RESPONSE:
        return "glass page fetch: a piece of the HTTP/1.1 response (RFC 9112 §4, §6), at most "
               "16380 bytes, last = 1 on the final one; HTTPS streams the response as "
               "application_data with no framing of its own";
    case GLASS_APP_KV_PUT:
        return "glass key-value store, in the sender's own store (its certificate CN); HTTP "
               "counterpart: PUT /key with the value as content (RFC 9110 §9.3.4)";
    case GLASS_APP_KV_GET:
        return "glass key-value store; HTTP counterpart: GET /key (RFC 9110 §9.3.1)";
    case GLASS_APP_KV_DELETE:
        return "glass key-value store; HTTP counterpart: DELETE /key (RFC 9110 §9.3.5)";
    case GLASS_APP_KV_LIST:
        return "glass key-value store: which keys are stored? HTTP counterpart: GET of the "
               "store's listing (RFC 9110 §9.3.1)";
    case GLASS_APP_KV_VALUE:
        return "glass key-value store, the answer to KvGet; HTTP counterpart: 200 OK with the "
               "value as content (RFC 9110 §15.3.1)";
    case GLASS_APP_KV_DONE:
        return "glass key-value store, the answer to KvPut or KvDelete; HTTP counterpart: 204 "
               "No Content (RFC 9110 §15.3.5)";
    case GLASS_APP_KV_KEYS:
        return "glass key-value store, the answer to KvList (keys sorted); HTTP counterpart: "
               "200 OK with a listing as content (RFC 9110 §15.3.1)";
    case GLASS_APP_ERROR:
        return "glass application error (no TLS counterpart: not an alert, the connection "
               "stays up); for page fetch and the key-value store the code has an HTTP status "
               "counterpart";
    default:
        return "glass application message (no TLS counterpart: TLS carries opaque "
               "application_data)";
    }
}

/* What an Error code means (docs/PROTOCOL.md §7). */
static const char *app_error_meaning(unsigned code)
{
    switch (code) {
    case GLASS_APP_ERR_NO_SUCH_CLIENT:
        return "no such client: a SendTo named nobody connected";
    case GLASS_APP_ERR_BAD_MESSAGE:
        return "bad message: malformed, of an unknown type, or with trailing bytes";
    case GLASS_APP_ERR_TOO_LONG:
        return "too long: the message would not fit in a record";
    case GLASS_APP_ERR_NO_SUCH_KEY:
        return "no such key: KvGet or KvDelete of a key not stored (HTTP: 404 Not Found, "
               "RFC 9110 §15.5.5)";
    case GLASS_APP_ERR_LIMIT:
        return "a key-value limit exceeded: key, value or count (HTTP: 413 Content Too Large "
               "for a value, RFC 9110 §15.5.14)";
    case GLASS_APP_ERR_STORAGE:
        return "the server could not store: the change was undone (HTTP: 500 Internal Server "
               "Error, RFC 9110 §15.6.1)";
    case GLASS_APP_ERR_BUSY:
        return "busy: a FetchRequest while the previous response is still being sent (HTTP/1.1 "
               "would queue it instead, RFC 9112 §9.3.2)";
    case GLASS_APP_ERR_NEEDS_CERT:
        return "needs a client certificate: chat or key-value in a server-only session "
               "(docs/PROTOCOL.md §10)";
    default:
        return "unknown code (not in docs/PROTOCOL.md §7)";
    }
}

/* After the last field: what is left after a fault is reported as not
 * dissected, bytes left over otherwise as a bad length. */
static glass_err app_finish(glass_dis *d)
{
    char why[128];
    size_t left = d->len - d->off;
    if (d->bad) {
        if (left > 0) {
            d->bad = 0;
            glass_dis_field(d, left, "unparsed", "not dissected: these bytes follow the fault above");
        }
        return GLASS_ERR_PROTO_DECODE;
    }
    if (left > 0) {
        snprintf(why, sizeof why,
                 "bad length: %zu byte%s after the last field (a message is used up exactly)",
                 left, left == 1 ? "" : "s");
        glass_dis_field(d, left, "trailing", why);
        return GLASS_ERR_PROTO_DECODE;
    }
    return GLASS_OK;
}

/* One application message at msg[0..len), reported at offsets from `base`
 * (the record header's length when it is a record's fragment). */
/* See protocol_internal.h. */
glass_err glass_dissect_app_at(const uint8_t *msg, size_t len, size_t base,
                                glass_dissect_fn cb, void *arg)
{
    char meaning[160];
    size_t n;
    if (len == 0) {
        cb(arg, base, 0, "empty",
           "truncated: an application message has at least its type byte");
        return GLASS_ERR_PROTO_DECODE;
    }
    glass_dis d = {msg, len, 0, base, 0, cb, arg, NULL};
    const unsigned type = msg[0];
    d.msg = glass_app_type_name(type);
    cb(arg, base, len, d.msg, app_counterpart(type));
    if (strcmp(d.msg, "unknown") == 0)
        snprintf(meaning, sizeof meaning,
                 "%u = unknown: reserved or unassigned (a chat server answers Error 2)", type);
    else
        snprintf(meaning, sizeof meaning, "%u = %s", type, d.msg);
    glass_dis_field(&d, 1, "type", meaning);

    switch (type) {
    case GLASS_APP_SEND_TO:
    case GLASS_APP_DELIVER:
        app_name(&d, "name", "bytes of the name",
                 type == GLASS_APP_SEND_TO ? "recipient" : "sender (its certificate CN)", 0);
        app_text(&d, "text", "bytes of text", "the message text");
        break;
    case GLASS_APP_WHO:
    case GLASS_APP_BYE:
    case GLASS_APP_KV_LIST:
        break;
    case GLASS_APP_WHO_LIST:
        app_names(&d, "name", "number of names that follow", "bytes of the name",
                  "a connected client", 0);
        break;
    case GLASS_APP_ERROR:
        if (d.len - d.off >= 2) {
            unsigned code = (unsigned)glass_dis_be(d.p + d.off, 2);
            snprintf(meaning, sizeof meaning, "%u = %s", code, app_error_meaning(code));
        } else {
            meaning[0] = '\0';
        }
        app_field(&d, 2, "code", meaning);
        app_text(&d, "text", "bytes of text", "what went wrong, for a person");
        break;
    case GLASS_APP_FETCH_REQUEST:
        if (app_length(&d, 2, "request", 1, 0xffff,
                       "bytes of the HTTP/1.1 request that follows (1..2^16-1)", &n))
            http_message(&d, n, "request", 1);
        break;
    case GLASS_APP_FETCH_RESPONSE: {
        unsigned last = d.len - d.off >= 1 ? d.p[d.off] : 0;
        if (last == 0)
            snprintf(meaning, sizeof meaning, "0: more pieces of this response follow");
        else if (last == 1)
            snprintf(meaning, sizeof meaning, "1: the final piece of this response");
        else
            snprintf(meaning, sizeof meaning, "bad value: %u (last is 0 or 1)", last);
        if (app_field(&d, 1, "last", meaning) != NULL && last > 1)
            d.bad = 1;
        if (!app_length(&d, 2, "piece", 0, 0xffff,
                        "bytes of this piece (at most 16380, so the message fits a record)", &n))
            break;
        if (n >= 5 && memcmp(d.p + d.off, "HTTP/", 5) == 0)
            http_message(&d, n, "piece", 0);
        else
            glass_dis_field(&d, n, "piece",
                  n == 0 ? "an empty piece"
                         : "a later piece of the HTTP/1.1 response: content, or the end of a "
                           "header section too long for the first piece");
        break;
    }
    case GLASS_APP_KV_PUT:
    case GLASS_APP_KV_VALUE:
        app_name(&d, "key", "bytes of the key (1..255)",
                 type == GLASS_APP_KV_PUT ? "the key to store under (the glass server takes "
                                            "1..64 of A-Z a-z 0-9 . _ -):"
                                          : "the key asked for:",
                 1);
        app_text(&d, "value", "bytes of the value (0..2^16-1)",
                 type == GLASS_APP_KV_PUT
                     ? "the value, opaque bytes (the glass server keeps at most 4096)"
                     : "the value stored under the key, opaque bytes");
        break;
    case GLASS_APP_KV_GET:
    case GLASS_APP_KV_DELETE:
    case GLASS_APP_KV_DONE:
        app_name(&d, "key", "bytes of the key (1..255)",
                 type == GLASS_APP_KV_GET      ? "the key to look up:"
                 : type == GLASS_APP_KV_DELETE ? "the key to forget:"
                                               : "the key stored or deleted:",
                 1);
        break;
    case GLASS_APP_KV_KEYS:
        app_names(&d, "key", "number of keys that follow (at most 256)",
                  "bytes of the key (1..255)", "a stored key:", 1);
        break;
    default:
        if (d.off < d.len)
            glass_dis_field(&d, d.len - d.off, "body", "body of an unknown type, not dissected");
        d.bad = 1;
        break;
    }
    return app_finish(&d);
}

/* See protocol.h; docs/PROTOCOL.md §7. */
glass_err glass_dissect_app(const uint8_t *msg, size_t len, glass_dissect_fn cb, void *arg)
{
    if (msg == NULL || cb == NULL)
        return GLASS_ERR_ARG;
    return glass_dissect_app_at(msg, len, 0, cb, arg);
}
