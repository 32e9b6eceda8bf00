/*
 * test_dissect.c — the application-message dissector (protocol/dissect.c)
 * against the encoders of protocol/appmsg.c (docs/PROTOCOL.md §7), then the
 * TLS 1.2 profile's dissector (protocol/dissect12.c) over every handshake
 * message of a real mutual handshake (two engines back to back).
 *
 * Every message type is encoded with its encoder, dissected, and its
 * fields checked: the first covers the whole message, the rest follow one
 * another with no gap and no overlap, in the order of the layout, and end
 * exactly at the last byte.  Then the properties: cut at every length, one
 * byte too long, and every byte replaced by 00, 01, ff and itself ^ 80.
 * Whatever the bytes, the fields still cover them exactly, none reaches
 * past the end (each message sits in a buffer of its own exact size, so
 * AddressSanitizer sees any read beyond it), a fault is annotated in words,
 * and the verdict is glass_app_decode's.
 */
#include "proto_pair.h"

#include <stdio.h>
#include <string.h>

/* ---- recording the dissector's fields ---------------------------------------- */

#define REC_MAX 1200

typedef struct rec_field {
    size_t off, len;
    char field[96];
    char meaning[320];
} rec_field;

typedef struct recorder {
    rec_field v[REC_MAX];
    size_t n;
    size_t dropped;
} recorder;

static recorder *rec_new(void)
{
    recorder *r = calloc(1, sizeof *r);
    CU_ASSERT_FATAL(r != NULL);
    return r;
}

static void rec_cb(void *arg, size_t offset, size_t len, const char *field, const char *meaning)
{
    recorder *r = arg;
    if (r->n >= REC_MAX) {
        r->dropped++;
        return;
    }
    rec_field *f = &r->v[r->n++];
    f->off = offset;
    f->len = len;
    snprintf(f->field, sizeof f->field, "%s", field != NULL ? field : "(null)");
    snprintf(f->meaning, sizeof f->meaning, "%s", meaning != NULL ? meaning : "(null)");
}

/* Dissects a private exact-size copy of msg[0..len). */
static glass_err dissect_copy(const uint8_t *msg, size_t len, recorder *r)
{
    uint8_t *copy = malloc(len > 0 ? len : 1);
    CU_ASSERT_FATAL(copy != NULL);
    if (len > 0)
        memcpy(copy, msg, len);
    r->n = 0;
    r->dropped = 0;
    glass_err err = glass_dissect_app(copy, len, rec_cb, r);
    free(copy);
    return err;
}

static void rec_dump(const recorder *r)
{
    for (size_t i = 0; i < r->n; i++)
        fprintf(stderr, "    +%zu %zu %s: %s\n", r->v[i].off, r->v[i].len, r->v[i].field,
                r->v[i].meaning);
}

/* The fields cover [0, len) exactly: first the whole message (a name with
 * no dot), then fields named "Message.x" back to back to the end. */
static int covers(const recorder *r, size_t len, const char *what)
{
    size_t next = 0;
    if (r->dropped != 0 || r->n == 0 || r->v[0].off != 0 || r->v[0].len != len ||
        strchr(r->v[0].field, '.') != NULL)
        goto bad;
    size_t k = strlen(r->v[0].field);
    for (size_t i = 1; i < r->n; i++) {
        const rec_field *f = &r->v[i];
        if (strncmp(f->field, r->v[0].field, k) != 0 || f->field[k] != '.')
            goto bad;
        if (f->off != next || f->len > len - f->off)
            goto bad;
        next = f->off + f->len;
    }
    if (next != len || (len > 0 && r->n < 2))
        goto bad;
    return 1;
bad:
    fprintf(stderr, "\n  %s (%zu bytes): the fields do not cover it exactly\n", what, len);
    rec_dump(r);
    return 0;
}

/* Whether some field's meaning contains `s`. */
static int annotated(const recorder *r, const char *s)
{
    for (size_t i = 0; i < r->n; i++)
        if (strstr(r->v[i].meaning, s) != NULL)
            return 1;
    return 0;
}

static int is_fault_note(const char *meaning)
{
    return strstr(meaning, "truncated") != NULL || strstr(meaning, "bad length") != NULL ||
           strstr(meaning, "bad value") != NULL || strstr(meaning, "unknown") != NULL;
}

/* ---- the messages, from the encoders ------------------------------------------ */

#define MSG_CAP (GLASS_MAX_PLAINTEXT + 16)

typedef struct sample {
    const char *what;
    uint8_t *b;
    size_t len;
    const char *fields;         /* field names after the whole-message line, space-separated */
} sample;

static const char *const three_keys[] = {"alpha", "beta", "color"};
static const char *const two_names[] = {"alice", "bob"};
static char many_keys[GLASS_APP_MAX_NAMES][8];
static const char *many_key_ptrs[GLASS_APP_MAX_NAMES];

static const char REQ[] = "GET /a HTTP/1.1\r\nHost: localhost\r\n\r\n";
static const char RESP[] = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
                           "Content-Length: 5\r\n\r\nhello";

/* Encodes sample i into s (with its expected field names); 0 past the end. */
/* Samples 0..13, chat and page fetch: sets s->what and s->fields, encodes into b; 0 for no
 * such sample. */
static int sample_chat_fetch(size_t i, sample *s, uint8_t *b, size_t *np, glass_err *errp)
{
    size_t n = 0;
    glass_err err;
    switch (i) {
    case 0:
        s->what = "SendTo";
        err = glass_app_encode_send_to(b, MSG_CAP, &n, "bob", (const uint8_t *)"hello", 5);
        s->fields = "type name.length name text.length text";
        break;
    case 1:
        s->what = "Deliver";
        err = glass_app_encode_deliver(b, MSG_CAP, &n, "alice", NULL, 0);
        s->fields = "type name.length name text.length text";
        break;
    case 2:
        s->what = "Who";
        err = glass_app_encode_who(b, MSG_CAP, &n);
        s->fields = "type";
        break;
    case 3:
        s->what = "WhoList";
        err = glass_app_encode_who_list(b, MSG_CAP, &n, two_names, 2);
        s->fields = "type count name.length name name.length name";
        break;
    case 4:
        s->what = "Error";
        err = glass_app_encode_error(b, MSG_CAP, &n, GLASS_APP_ERR_NO_SUCH_KEY, "no such key");
        s->fields = "type code text.length text";
        break;
    case 5:
        s->what = "Bye";
        err = glass_app_encode_bye(b, MSG_CAP, &n);
        s->fields = "type";
        break;
    case 6:
        s->what = "FetchRequest";
        err = glass_app_encode_fetch_request(b, MSG_CAP, &n, (const uint8_t *)REQ,
                                             strlen(REQ));
        s->fields = "type request.length request.request_line request.field_line "
                    "request.end_of_fields";
        break;
    case 7:
        s->what = "FetchRequest";      /* with a body, which glass refuses */
        err = glass_app_encode_fetch_request(
            b, MSG_CAP, &n, (const uint8_t *)"GET / HTTP/1.1\r\nHost: x\r\nA: b\r\n\r\nbody", 35);
        s->fields = "type request.length request.request_line request.field_line "
                    "request.field_line request.end_of_fields request.body";
        break;
    case 8:
        s->what = "FetchRequest";      /* no CRLF at all */
        err = glass_app_encode_fetch_request(b, MSG_CAP, &n, (const uint8_t *)"GET /", 5);
        s->fields = "type request.length request.request_line";
        break;
    case 9:
        s->what = "FetchRequest";      /* no empty line */
        err = glass_app_encode_fetch_request(b, MSG_CAP, &n,
                                             (const uint8_t *)"GET / HTTP/1.1\r\nHost: x\r\n", 25);
        s->fields = "type request.length request.request_line request.field_line "
                    "request.end_of_fields";
        break;
    case 10:
        s->what = "FetchResponse";
        err = glass_app_encode_fetch_response(b, MSG_CAP, &n, 1, (const uint8_t *)RESP,
                                              strlen(RESP));
        s->fields = "type last piece.length piece.status_line piece.field_line piece.field_line "
                    "piece.end_of_fields piece.body";
        break;
    case 11:
        s->what = "FetchResponse";     /* a later piece */
        err = glass_app_encode_fetch_response(b, MSG_CAP, &n, 0, (const uint8_t *)"more body", 9);
        s->fields = "type last piece.length piece";
        break;
    case 12:
        s->what = "FetchResponse";     /* a head cut by the piece boundary */
        err = glass_app_encode_fetch_response(b, MSG_CAP, &n, 0,
                                              (const uint8_t *)"HTTP/1.1 200 OK\r\nConte", 22);
        s->fields = "type last piece.length piece.status_line piece.field_line";
        break;
    case 13:
        s->what = "FetchResponse";     /* empty, final */
        err = glass_app_encode_fetch_response(b, MSG_CAP, &n, 1, NULL, 0);
        s->fields = "type last piece.length piece";
        break;
    default:
        return 0;
    }
    *np = n;
    *errp = err;
    return 1;
}

/* Samples 14..23, the key-value store and errors: sets s->what and s->fields, encodes into b; 0 for no
 * such sample. */
static int sample_kv(size_t i, sample *s, uint8_t *b, size_t *np, glass_err *errp)
{
    size_t n = 0;
    glass_err err;
    switch (i) {
    case 14:
        s->what = "KvPut";
        err = glass_app_encode_kv_put(b, MSG_CAP, &n, "color", (const uint8_t *)"blue", 4);
        s->fields = "type key.length key value.length value";
        break;
    case 15:
        s->what = "KvGet";
        err = glass_app_encode_kv_get(b, MSG_CAP, &n, "color");
        s->fields = "type key.length key";
        break;
    case 16:
        s->what = "KvDelete";
        err = glass_app_encode_kv_delete(b, MSG_CAP, &n, "color");
        s->fields = "type key.length key";
        break;
    case 17:
        s->what = "KvList";
        err = glass_app_encode_kv_list(b, MSG_CAP, &n);
        s->fields = "type";
        break;
    case 18:
        s->what = "KvValue";
        err = glass_app_encode_kv_value(b, MSG_CAP, &n, "color", (const uint8_t *)"blue", 4);
        s->fields = "type key.length key value.length value";
        break;
    case 19:
        s->what = "KvDone";
        err = glass_app_encode_kv_done(b, MSG_CAP, &n, "color");
        s->fields = "type key.length key";
        break;
    case 20:
        s->what = "KvKeys";
        err = glass_app_encode_kv_keys(b, MSG_CAP, &n, three_keys, 3);
        s->fields = "type count key.length key key.length key key.length key";
        break;
    case 21:
        s->what = "KvKeys";            /* none stored */
        err = glass_app_encode_kv_keys(b, MSG_CAP, &n, NULL, 0);
        s->fields = "type count";
        break;
    case 22:
        s->what = "KvKeys";            /* the most a message may list */
        for (size_t k = 0; k < GLASS_APP_MAX_NAMES; k++) {
            snprintf(many_keys[k], sizeof many_keys[k], "k%03zu", k);
            many_key_ptrs[k] = many_keys[k];
        }
        err = glass_app_encode_kv_keys(b, MSG_CAP, &n, many_key_ptrs, GLASS_APP_MAX_NAMES);
        s->fields = NULL;           /* checked by count below */
        break;
    case 23:
        s->what = "Error";             /* every new code has its own test below */
        err = glass_app_encode_error(b, MSG_CAP, &n, GLASS_APP_ERR_BUSY, "");
        s->fields = "type code text.length text";
        break;
    default:
        return 0;
    }
    *np = n;
    *errp = err;
    return 1;
}

static int make_sample(size_t i, sample *s)
{
    uint8_t *b = malloc(MSG_CAP);
    size_t n = 0;
    glass_err err = GLASS_OK;
    CU_ASSERT_FATAL(b != NULL);
    memset(s, 0, sizeof *s);
    if (!sample_chat_fetch(i, s, b, &n, &err) && !sample_kv(i, s, b, &n, &err)) {
        free(b);
        return 0;
    }
    TU_ASSERT_ERR(err, GLASS_OK);
    s->b = b;
    s->len = n;
    return err == GLASS_OK;
}

/* Whether the field names after the whole-message line are `expect`. */
static int names_are(const recorder *r, const char *expect)
{
    char want[96];
    const char *p = expect;
    size_t k = strlen(r->v[0].field);
    for (size_t i = 1; i < r->n; i++) {
        size_t w = strcspn(p, " ");
        if (w == 0 || w >= sizeof want)
            return 0;
        memcpy(want, p, w);
        want[w] = '\0';
        if (strcmp(r->v[i].field + k + 1, want) != 0)
            return 0;
        p += w;
        while (*p == ' ')
            p++;
    }
    return *p == '\0';
}

/* ---- the tests -------------------------------------------------------------------- */

/* Each message type, whole: OK, the layout's fields in order, exact cover. */
static void test_every_type(void)
{
    recorder *r = rec_new();
    sample s;
    int seen[64] = {0};
    for (size_t i = 0; make_sample(i, &s); i++) {
        glass_app_msg m;
        TU_ASSERT_ERR(glass_app_decode(s.b, s.len, &m), GLASS_OK);
        TU_ASSERT_ERR(dissect_copy(s.b, s.len, r), GLASS_OK);
        CU_ASSERT(covers(r, s.len, s.what));
        CU_ASSERT_STRING_EQUAL(r->v[0].field, s.what);
        if (s.fields != NULL && !names_are(r, s.fields)) {
            fprintf(stderr, "\n  %s: fields are not \"%s\"\n", s.what, s.fields);
            rec_dump(r);
            CU_FAIL("field names");
        }
        /* A well-formed message carries no fault note. */
        for (size_t k = 0; k < r->n; k++)
            CU_ASSERT(strstr(r->v[k].meaning, "bad length") == NULL &&
                      strstr(r->v[k].meaning, "truncated") == NULL &&
                      strstr(r->v[k].meaning, "bad value") == NULL);
        seen[s.b[0] & 63] = 1;
        if (s.fields == NULL) {
            /* type, count, then length and key for each of the 256 keys */
            CU_ASSERT_EQUAL(r->n, 1 + 2 + 2 * GLASS_APP_MAX_NAMES);
        }
        free(s.b);
    }
    static const unsigned types[] = {1, 2, 3, 4, 5, 6, 16, 17, 32, 33, 34, 35, 36, 37, 38};
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
        CU_ASSERT(seen[types[i]]);
    free(r);
}

/* The examples of docs/PROTOCOL.md §7, byte for byte, and what their fields
 * say. */
static void test_spec_examples(void)
{
    recorder *r = rec_new();
    uint8_t b[128];
    size_t n;
    size_t ex_len;
    uint8_t *ex;

    /* KvPut("color", "blue") = 20 05 "color" 00 04 "blue" (§7.2) */
    TU_ASSERT_ERR(glass_app_encode_kv_put(b, sizeof b, &n, "color", (const uint8_t *)"blue", 4),
                  GLASS_OK);
    ex = tu_hex("2005636f6c6f720004626c7565", &ex_len);
    CU_ASSERT(n == ex_len && memcmp(b, ex, n) == 0);
    free(ex);
    TU_ASSERT_ERR(dissect_copy(b, n, r), GLASS_OK);
    CU_ASSERT_FATAL(r->n == 6);
    CU_ASSERT(strstr(r->v[0].meaning, "PUT") != NULL);
    CU_ASSERT(r->v[1].off == 0 && r->v[1].len == 1 && strcmp(r->v[1].meaning, "32 = KvPut") == 0);
    CU_ASSERT(r->v[2].off == 1 && r->v[2].len == 1 && strcmp(r->v[2].field, "KvPut.key.length") == 0);
    CU_ASSERT(r->v[3].off == 2 && r->v[3].len == 5 && strstr(r->v[3].meaning, "\"color\"") != NULL);
    CU_ASSERT(r->v[4].off == 7 && r->v[4].len == 2 &&
              strcmp(r->v[4].field, "KvPut.value.length") == 0);
    CU_ASSERT(r->v[5].off == 9 && r->v[5].len == 4 && strcmp(r->v[5].field, "KvPut.value") == 0);

    /* KvDone("color") = 25 05 "color" */
    TU_ASSERT_ERR(glass_app_encode_kv_done(b, sizeof b, &n, "color"), GLASS_OK);
    ex = tu_hex("2505636f6c6f72", &ex_len);
    CU_ASSERT(n == ex_len && memcmp(b, ex, n) == 0);
    free(ex);
    TU_ASSERT_ERR(dissect_copy(b, n, r), GLASS_OK);
    CU_ASSERT(strstr(r->v[0].meaning, "204 No Content") != NULL);

    /* The request for /a (§7.1): 10 00 24 "GET /a HTTP/1.1" CRLF "Host: localhost" CRLF CRLF */
    TU_ASSERT_ERR(glass_app_encode_fetch_request(b, sizeof b, &n, (const uint8_t *)REQ,
                                                 strlen(REQ)),
                  GLASS_OK);
    ex = tu_hex("100024474554202f6120485454502f312e310d0a486f73743a206c6f63616c686f73740d0a0d0a",
                &ex_len);
    CU_ASSERT(n == ex_len && memcmp(b, ex, n) == 0);
    free(ex);
    TU_ASSERT_ERR(dissect_copy(b, n, r), GLASS_OK);
    CU_ASSERT_FATAL(r->n == 6);
    CU_ASSERT(strstr(r->v[0].meaning, "HTTP/1.1 request") != NULL);
    CU_ASSERT(r->v[2].off == 1 && r->v[2].len == 2 && strstr(r->v[2].meaning, "(1..2^16-1)"));
    CU_ASSERT(r->v[3].off == 3 && r->v[3].len == 17 &&
              strcmp(r->v[3].field, "FetchRequest.request.request_line") == 0 &&
              strstr(r->v[3].meaning, "\"GET /a HTTP/1.1\"") != NULL &&
              strstr(r->v[3].meaning, "RFC 9112 §3") != NULL);
    CU_ASSERT(r->v[4].off == 20 && r->v[4].len == 17 &&
              strstr(r->v[4].meaning, "\"Host: localhost\"") != NULL &&
              strstr(r->v[4].meaning, "RFC 9112 §3.2") != NULL);
    CU_ASSERT(r->v[5].off == 37 && r->v[5].len == 2 &&
              strcmp(r->v[5].field, "FetchRequest.request.end_of_fields") == 0);

    /* SendTo("bob", "hello") = 01 03 "bob" 00 05 "hello" (§7) */
    TU_ASSERT_ERR(glass_app_encode_send_to(b, sizeof b, &n, "bob", (const uint8_t *)"hello", 5),
                  GLASS_OK);
    ex = tu_hex("0103626f62000568656c6c6f", &ex_len);
    CU_ASSERT(n == ex_len && memcmp(b, ex, n) == 0);
    free(ex);
    TU_ASSERT_ERR(dissect_copy(b, n, r), GLASS_OK);
    CU_ASSERT(covers(r, n, "SendTo"));
    free(r);
}

/* FetchResponse: `last`, and the response head split into lines. */
static void test_fetch_response(void)
{
    recorder *r = rec_new();
    uint8_t b[256];
    size_t n;
    TU_ASSERT_ERR(glass_app_encode_fetch_response(b, sizeof b, &n, 1, (const uint8_t *)RESP,
                                                  strlen(RESP)),
                  GLASS_OK);
    TU_ASSERT_ERR(dissect_copy(b, n, r), GLASS_OK);
    CU_ASSERT_FATAL(r->n == 9);
    CU_ASSERT(r->v[2].off == 1 && r->v[2].len == 1 && strstr(r->v[2].meaning, "final") != NULL);
    CU_ASSERT(r->v[4].off == 4 && r->v[4].len == 17 &&
              strstr(r->v[4].meaning, "\"HTTP/1.1 200 OK\"") != NULL &&
              strstr(r->v[4].meaning, "RFC 9112 §4") != NULL);
    CU_ASSERT(strstr(r->v[6].meaning, "\"Content-Length: 5\"") != NULL &&
              strstr(r->v[6].meaning, "RFC 9112 §6.3") != NULL);
    CU_ASSERT(strcmp(r->v[8].field, "FetchResponse.piece.body") == 0 && r->v[8].len == 5 &&
              r->v[8].off + r->v[8].len == n);

    /* A piece that is not the first: one field. */
    TU_ASSERT_ERR(glass_app_encode_fetch_response(b, sizeof b, &n, 0, (const uint8_t *)"x", 1),
                  GLASS_OK);
    TU_ASSERT_ERR(dissect_copy(b, n, r), GLASS_OK);
    CU_ASSERT(strstr(r->v[2].meaning, "more pieces") != NULL);

    /* last = 2 is not 0 or 1: bad value, the rest left undissected. */
    b[1] = 2;
    TU_ASSERT_ERR(dissect_copy(b, n, r), GLASS_ERR_PROTO_DECODE);
    CU_ASSERT(covers(r, n, "FetchResponse last=2"));
    CU_ASSERT(strstr(r->v[2].meaning, "bad value") != NULL);
    CU_ASSERT(strcmp(r->v[r->n - 1].field, "FetchResponse.unparsed") == 0);
    free(r);
}

/* Error: every code's meaning, with the HTTP status counterpart for the
 * page-fetch and key-value codes. */
static void test_error_codes(void)
{
    static const struct {
        uint16_t code;
        const char *says;
    } codes[] = {
        {GLASS_APP_ERR_NO_SUCH_CLIENT, "no such client"},
        {GLASS_APP_ERR_BAD_MESSAGE, "bad message"},
        {GLASS_APP_ERR_TOO_LONG, "too long"},
        {GLASS_APP_ERR_NO_SUCH_KEY, "404 Not Found"},
        {GLASS_APP_ERR_LIMIT, "key-value limit"},
        {GLASS_APP_ERR_STORAGE, "could not store"},
        {GLASS_APP_ERR_BUSY, "busy"},
        {GLASS_APP_ERR_NEEDS_CERT, "needs a client certificate"},
        {9, "unknown code"},
        {0xffff, "unknown code"},
    };
    recorder *r = rec_new();
    uint8_t b[64];
    size_t n;
    char want[32];
    for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++) {
        TU_ASSERT_ERR(glass_app_encode_error(b, sizeof b, &n, codes[i].code, "why"), GLASS_OK);
        /* An unknown code is still well-formed: decode takes any code. */
        TU_ASSERT_ERR(dissect_copy(b, n, r), GLASS_OK);
        CU_ASSERT_FATAL(r->n == 5);
        CU_ASSERT(covers(r, n, "Error"));
        CU_ASSERT(strcmp(r->v[2].field, "Error.code") == 0 && r->v[2].off == 1 &&
                  r->v[2].len == 2);
        snprintf(want, sizeof want, "%u = ", (unsigned)codes[i].code);
        CU_ASSERT(strncmp(r->v[2].meaning, want, strlen(want)) == 0);
        if (strstr(r->v[2].meaning, codes[i].says) == NULL) {
            fprintf(stderr, "\n  code %u: \"%s\" lacks \"%s\"\n", (unsigned)codes[i].code,
                    r->v[2].meaning, codes[i].says);
            CU_FAIL("error code meaning");
        }
    }
    free(r);
}

/* Cut at every length: an error, an exact cover of what is there, a note
 * saying why, and glass_app_decode agrees. */
static void test_truncation(void)
{
    recorder *r = rec_new();
    glass_app_msg m;
    sample s;
    for (size_t i = 0; make_sample(i, &s); i++) {
        for (size_t cut = 0; cut < s.len; cut++) {
            TU_ASSERT_ERR(glass_app_decode(s.b, cut, &m), GLASS_ERR_PROTO_DECODE);
            TU_ASSERT_ERR(dissect_copy(s.b, cut, r), GLASS_ERR_PROTO_DECODE);
            if (!covers(r, cut, s.what)) {
                CU_FAIL("truncated message not covered");
                break;
            }
            int noted = 0;
            for (size_t k = 0; k < r->n; k++)
                noted |= strstr(r->v[k].meaning, "truncated") != NULL ||
                         strstr(r->v[k].meaning, "bad length") != NULL;
            if (!noted) {
                fprintf(stderr, "\n  %s cut to %zu: no truncated/bad length note\n", s.what, cut);
                rec_dump(r);
                CU_FAIL("truncation not annotated");
                break;
            }
        }
        free(s.b);
    }
    free(r);
}

/* One byte too many: "trailing", a bad length. */
static void test_over_long(void)
{
    recorder *r = rec_new();
    sample s;
    for (size_t i = 0; make_sample(i, &s); i++) {
        uint8_t *b = malloc(s.len + 1);
        CU_ASSERT_FATAL(b != NULL);
        memcpy(b, s.b, s.len);
        b[s.len] = 'x';
        TU_ASSERT_ERR(dissect_copy(b, s.len + 1, r), GLASS_ERR_PROTO_DECODE);
        CU_ASSERT(covers(r, s.len + 1, s.what));
        const rec_field *last = &r->v[r->n - 1];
        char want[64];
        snprintf(want, sizeof want, "%s.trailing", s.what);
        CU_ASSERT(strcmp(last->field, want) == 0 && last->off == s.len && last->len == 1 &&
                  strstr(last->meaning, "bad length") != NULL);
        free(b);
        free(s.b);
    }
    free(r);
}

/* Lengths that lie: too long says how many bytes remain; a zero-length
 * name or request is a bad length; NUL in a name a bad value. */
static void test_bad_lengths(void)
{
    recorder *r = rec_new();
    uint8_t b[64];
    size_t n;

    TU_ASSERT_ERR(glass_app_encode_kv_put(b, sizeof b, &n, "color", (const uint8_t *)"blue", 4),
                  GLASS_OK);
    b[1] = 0xff;                /* key.length 255, 11 bytes remain */
    TU_ASSERT_ERR(dissect_copy(b, n, r), GLASS_ERR_PROTO_DECODE);
    CU_ASSERT(covers(r, n, "KvPut key.length 255"));
    CU_ASSERT_FATAL(r->n == 4);
    CU_ASSERT(strcmp(r->v[3].field, "KvPut.key") == 0 && r->v[3].off == 2 && r->v[3].len == 11);
    CU_ASSERT(strstr(r->v[3].meaning, "bad length: key.length says 255 bytes, only 11 remain") !=
              NULL);

    b[1] = 0;                   /* key.length 0: names are 1..255 */
    TU_ASSERT_ERR(dissect_copy(b, n, r), GLASS_ERR_PROTO_DECODE);
    CU_ASSERT(covers(r, n, "KvPut key.length 0"));
    CU_ASSERT(annotated(r, "bad length: key is 1..255 bytes, not 0"));

    b[1] = 5;
    b[7] = 0xff;                /* value.length ff 04 */
    TU_ASSERT_ERR(dissect_copy(b, n, r), GLASS_ERR_PROTO_DECODE);
    CU_ASSERT(covers(r, n, "KvPut value.length"));
    CU_ASSERT(annotated(r, "bad length: value.length says 65284 bytes, only 4 remain"));

    TU_ASSERT_ERR(glass_app_encode_kv_get(b, sizeof b, &n, "color"), GLASS_OK);
    b[4] = 0;                   /* "co\0or" */
    TU_ASSERT_ERR(dissect_copy(b, n, r), GLASS_ERR_PROTO_DECODE);
    CU_ASSERT(covers(r, n, "KvGet NUL"));
    CU_ASSERT(annotated(r, "bad value: a NUL byte in the key"));

    TU_ASSERT_ERR(glass_app_encode_fetch_request(b, sizeof b, &n, (const uint8_t *)"GET /", 5),
                  GLASS_OK);
    b[1] = 0;
    b[2] = 0;                   /* request.length 0 */
    TU_ASSERT_ERR(dissect_copy(b, n, r), GLASS_ERR_PROTO_DECODE);
    CU_ASSERT(covers(r, n, "FetchRequest length 0"));
    CU_ASSERT(annotated(r, "bad length: request is 1..65535 bytes, not 0"));

    TU_ASSERT_ERR(glass_app_encode_kv_keys(b, sizeof b, &n, three_keys, 3), GLASS_OK);
    b[1] = 0x01;
    b[2] = 0x01;                /* count 257 */
    TU_ASSERT_ERR(dissect_copy(b, n, r), GLASS_ERR_PROTO_DECODE);
    CU_ASSERT(covers(r, n, "KvKeys count 257"));
    CU_ASSERT(annotated(r, "bad value: 257 (at most 256)"));

    static const uint8_t reserved[] = {18, 1, 2, 3};
    TU_ASSERT_ERR(dissect_copy(reserved, sizeof reserved, r), GLASS_ERR_PROTO_DECODE);
    CU_ASSERT(covers(r, sizeof reserved, "type 18"));
    CU_ASSERT(annotated(r, "18 = unknown"));

    TU_ASSERT_ERR(dissect_copy(b, 0, r), GLASS_ERR_PROTO_DECODE);
    CU_ASSERT(covers(r, 0, "empty"));
    CU_ASSERT(annotated(r, "truncated"));
    free(r);
}

/* Every byte of every sample replaced by 00, 01, ff and itself ^ 80: the
 * fields cover the bytes exactly, a fault is annotated, and the verdict is
 * glass_app_decode's. */
static void test_mutations(void)
{
    recorder *r = rec_new();
    glass_app_msg m;
    sample s;
    size_t failures = 0;
    for (size_t i = 0; make_sample(i, &s); i++) {
        uint8_t *b = malloc(s.len);
        CU_ASSERT_FATAL(b != NULL);
        for (size_t at = 0; at < s.len && failures < 5; at++) {
            const uint8_t vals[4] = {0x00, 0x01, 0xff, (uint8_t)(s.b[at] ^ 0x80)};
            for (size_t v = 0; v < 4; v++) {
                memcpy(b, s.b, s.len);
                b[at] = vals[v];
                glass_err want = glass_app_decode(b, s.len, &m) == GLASS_OK
                                     ? GLASS_OK
                                     : GLASS_ERR_PROTO_DECODE;
                glass_err got = dissect_copy(b, s.len, r);
                int ok = got == want && covers(r, s.len, s.what);
                if (ok && got != GLASS_OK) {
                    int noted = 0;
                    for (size_t k = 0; k < r->n; k++)
                        noted |= is_fault_note(r->v[k].meaning);
                    ok = noted;
                }
                if (!ok) {
                    fprintf(stderr, "\n  %s byte %zu = %02x: got %s, decode says %s\n", s.what,
                            at, vals[v], glass_err_name(got), glass_err_name(want));
                    rec_dump(r);
                    failures++;
                }
            }
        }
        free(b);
        free(s.b);
    }
    CU_ASSERT_EQUAL(failures, 0);
    free(r);
}

/* Inside a plaintext application-data record the offsets count from the
 * record's first byte. */
static void test_in_record(void)
{
    recorder *r = rec_new();
    uint8_t rec[64];
    size_t n;
    TU_ASSERT_ERR(glass_app_encode_kv_get(rec + 5, sizeof rec - 5, &n, "color"), GLASS_OK);
    rec[0] = GLASS_CT_APPLICATION;
    rec[1] = (uint8_t)(GLASS_VERSION >> 8);
    rec[2] = (uint8_t)GLASS_VERSION;
    rec[3] = 0;
    rec[4] = (uint8_t)n;
    TU_ASSERT_ERR(glass_dissect_record(rec, n + 5, 0, rec_cb, r), GLASS_OK);
    /* record, type, version, length, then KvGet whole, type, key.length, key */
    CU_ASSERT_FATAL(r->n == 8);
    CU_ASSERT(strcmp(r->v[4].field, "KvGet") == 0 && r->v[4].off == 5 && r->v[4].len == n);
    CU_ASSERT(strcmp(r->v[7].field, "KvGet.key") == 0 && r->v[7].off == 7 && r->v[7].len == 5);
    free(r);
}

/* ---- the TLS 1.2 profile (dissect12.c) ----------------------------------------- */

#define TLS_MSGS 24

typedef struct captured {
    size_t n;
    uint8_t *msg[TLS_MSGS];
    size_t len[TLS_MSGS];
} captured;

/* A tracer that keeps a copy of every handshake message sent. */
static void capture(void *arg, const char *name, const char *explain, const uint8_t *bytes,
                    size_t len)
{
    captured *c = arg;
    (void)explain;
    if (strncmp(name, "send ", 5) != 0 || strcmp(name, "send record") == 0 ||
        strcmp(name, "send Alert") == 0 || strcmp(name, "send application_data") == 0 ||
        strcmp(name, "send ChangeCipherSpec") == 0 || c->n >= TLS_MSGS || len == 0)
        return;
    c->msg[c->n] = malloc(len);
    CU_ASSERT_FATAL(c->msg[c->n] != NULL);
    memcpy(c->msg[c->n], bytes, len);
    c->len[c->n++] = len;
}

/* Dissects an exact-size copy of m[0..n) with the TLS 1.2 profile. */
static glass_err dissect12_copy(const uint8_t *m, size_t n, recorder *r)
{
    uint8_t *copy = malloc(n > 0 ? n : 1);
    CU_ASSERT_FATAL(copy != NULL);
    memcpy(copy, m, n);
    r->n = r->dropped = 0;
    glass_err err = glass_dissect_handshake_profile(GLASS_PROFILE_TLS12, copy, n, rec_cb, r);
    free(copy);
    return err;
}

/* Each message parses and its fields tile it; every truncation is a
 * decode error and 200 seeded one-byte mutations parse or are refused,
 * never read past the end (make asan checks that). */
static void test_tls12_messages(void)
{
    pair p;
    captured c;
    memset(&c, 0, sizeof c);
    if (!pair_setup(&p))
        return;
    p.ccfg.profile = p.scfg.profile = GLASS_PROFILE_TLS12;
    p.scfg.client_auth = GLASS_CLIENT_AUTH_REQUIRE;
    glass_tracer tc = {capture, &c}, ts = {capture, &c};
    p.ccfg.trace = &tc;
    p.scfg.trace = &ts;
    CU_ASSERT_FATAL(pair_start(&p));
    pair_pump(&p);
    CU_ASSERT(p.cl.handshake_done && p.sl.handshake_done);
    CU_ASSERT(c.n >= 10);       /* ClientHello .. Finished of a mutual handshake */
    recorder *r = rec_new();
    glass_drbg rng;
    glass_drbg_init(&rng, 20261202, 7);
    for (size_t i = 0; i < c.n; i++) {
        CU_ASSERT(dissect12_copy(c.msg[i], c.len[i], r) == GLASS_OK);
        CU_ASSERT(covers(r, c.len[i], "TLS 1.2 message"));
        for (size_t n = 0; n < c.len[i]; n++)
            CU_ASSERT(dissect12_copy(c.msg[i], n, r) == GLASS_ERR_PROTO_DECODE);
        for (int k = 0; k < 200; k++) {
            uint8_t b[3], keep;
            glass_drbg_fill(&rng, b, sizeof b);
            size_t at = ((size_t)b[0] << 8 | b[1]) % c.len[i];
            keep = c.msg[i][at];
            c.msg[i][at] = b[2];
            glass_err e = dissect12_copy(c.msg[i], c.len[i], r);
            CU_ASSERT(e == GLASS_OK || e == GLASS_ERR_PROTO_DECODE);
            c.msg[i][at] = keep;
        }
        free(c.msg[i]);
    }
    CU_ASSERT(glass_dissect_handshake_profile((glass_profile)7, (const uint8_t *)"", 0, rec_cb,
                                              r) == GLASS_ERR_ARG);
    free(r);
    pair_free(&p);
}

void suite_dissect(void)
{
    CU_pSuite s = tu_suite("dissect");
    TU_ADD(s, test_every_type);
    TU_ADD(s, test_spec_examples);
    TU_ADD(s, test_fetch_response);
    TU_ADD(s, test_error_codes);
    TU_ADD(s, test_truncation);
    TU_ADD(s, test_over_long);
    TU_ADD(s, test_bad_lengths);
    TU_ADD(s, test_mutations);
    TU_ADD(s, test_in_record);
    TU_ADD(s, test_tls12_messages);
}
