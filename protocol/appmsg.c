/*
 * appmsg.c — the application messages carried in glass application-data
 * records: the chat relay, page fetch and the key-value store
 * (docs/PROTOCOL.md §7).
 *
 * One message per record.  Each starts with a type byte; names (and keys)
 * are opaque name<1..255> (a one-byte length, no NUL byte), texts
 * opaque text<0..2^16-1>:
 *
 *     SendTo         01 || to || text            client -> server
 *     Deliver        02 || from || text          server -> client
 *     Who            03                          client -> server
 *     WhoList        04 || count(2) || name*     server -> client
 *     Error          05 || code(2) || text       server -> client
 *     Bye            06                          either
 *     FetchRequest   10 || request               client -> server
 *     FetchResponse  11 || last(1) || piece      server -> client
 *     KvPut          20 || key || value          client -> server
 *     KvGet          21 || key                   client -> server
 *     KvDelete       22 || key                   client -> server
 *     KvList         23                          client -> server
 *     KvValue        24 || key || value          server -> client
 *     KvDone         25 || key                   server -> client
 *     KvKeys         26 || count(2) || key*      server -> client
 *
 * (type bytes in hex: 0x10 = 16, 0x20 = 32.)  The sender's name is never
 * in a message: the server takes it from the client certificate's CN, for
 * the relay as for the key-value store.  An HTTP/1.1 response may be far
 * longer than a record, so it travels in pieces; the request must fit in
 * one.  Read the encoders, then glass_app_decode.
 *
 * CT: no — application messages are not secret from their endpoints.
 */
#include "protocol/protocol_internal.h"

#include <string.h>

/* A writer into a caller's fixed array. */
typedef struct app_writer {
    uint8_t *out;
    size_t cap;
    size_t len;
    int overflow;
} app_writer;

static void w_put(app_writer *w, const void *p, size_t n)
{
    if (n > w->cap - w->len || w->overflow) {
        w->overflow = 1;
        return;
    }
    if (n > 0)
        memcpy(w->out + w->len, p, n);
    w->len += n;
}

static void w_u8(app_writer *w, unsigned v)
{
    uint8_t x = (uint8_t)v;
    w_put(w, &x, 1);
}

static void w_u16(app_writer *w, unsigned v)
{
    uint8_t x[2] = {(uint8_t)(v >> 8), (uint8_t)v};
    w_put(w, x, 2);
}

/* A name is 1..255 bytes with no NUL byte (a C string of that length). */
static glass_err w_name(app_writer *w, const char *name)
{
    if (name == NULL)
        return GLASS_ERR_ARG;
    size_t n = strlen(name);
    if (n == 0 || n > GLASS_MAX_NAME)
        return GLASS_ERR_ARG;
    w_u8(w, (unsigned)n);
    w_put(w, name, n);
    return GLASS_OK;
}

static glass_err w_finish(const app_writer *w, size_t *out_len)
{
    /* A message is one record: the plaintext limit is the message limit. */
    if (w->overflow)
        return w->cap >= GLASS_MAX_PLAINTEXT ? GLASS_ERR_PROTO_RECORD_OVERFLOW
                                             : GLASS_ERR_BUFFER_TOO_SMALL;
    if (w->len > GLASS_MAX_PLAINTEXT)
        return GLASS_ERR_PROTO_RECORD_OVERFLOW;
    *out_len = w->len;
    return GLASS_OK;
}

static glass_err encode_name_text(uint8_t *out, size_t cap, size_t *out_len, unsigned type,
                                  const char *name, const uint8_t *text, size_t text_len)
{
    app_writer w = {out, cap, 0, 0};
    if (text_len > GLASS_MAX_PLAINTEXT || (text == NULL && text_len > 0))
        return GLASS_ERR_PROTO_RECORD_OVERFLOW;
    w_u8(&w, type);
    glass_err err = w_name(&w, name);
    if (err != GLASS_OK)
        return err;
    w_u16(&w, (unsigned)text_len);
    w_put(&w, text, text_len);
    return w_finish(&w, out_len);
}

/* See protocol.h. */
glass_err glass_app_encode_send_to(uint8_t *out, size_t cap, size_t *out_len, const char *to,
                                   const uint8_t *text, size_t text_len)
{
    return encode_name_text(out, cap, out_len, GLASS_APP_SEND_TO, to, text, text_len);
}

/* See protocol.h. */
glass_err glass_app_encode_deliver(uint8_t *out, size_t cap, size_t *out_len, const char *from,
                                   const uint8_t *text, size_t text_len)
{
    return encode_name_text(out, cap, out_len, GLASS_APP_DELIVER, from, text, text_len);
}

/* See protocol.h. */
glass_err glass_app_encode_who(uint8_t *out, size_t cap, size_t *out_len)
{
    app_writer w = {out, cap, 0, 0};
    w_u8(&w, GLASS_APP_WHO);
    return w_finish(&w, out_len);
}

/* See protocol.h. */
glass_err glass_app_encode_who_list(uint8_t *out, size_t cap, size_t *out_len,
                                    const char *const *names, size_t n_names)
{
    app_writer w = {out, cap, 0, 0};
    if (n_names > GLASS_APP_MAX_NAMES || (names == NULL && n_names > 0))
        return GLASS_ERR_ARG;
    w_u8(&w, GLASS_APP_WHO_LIST);
    w_u16(&w, (unsigned)n_names);
    for (size_t i = 0; i < n_names; i++) {
        glass_err err = w_name(&w, names[i]);
        if (err != GLASS_OK)
            return err;
    }
    return w_finish(&w, out_len);
}

/* See protocol.h. */
glass_err glass_app_encode_error(uint8_t *out, size_t cap, size_t *out_len, uint16_t code,
                                 const char *text)
{
    app_writer w = {out, cap, 0, 0};
    size_t n = text ? strlen(text) : 0;
    if (n > GLASS_MAX_PLAINTEXT)
        return GLASS_ERR_PROTO_RECORD_OVERFLOW;
    w_u8(&w, GLASS_APP_ERROR);
    w_u16(&w, code);
    w_u16(&w, (unsigned)n);
    w_put(&w, text, n);
    return w_finish(&w, out_len);
}

/* See protocol.h. */
glass_err glass_app_encode_bye(uint8_t *out, size_t cap, size_t *out_len)
{
    app_writer w = {out, cap, 0, 0};
    w_u8(&w, GLASS_APP_BYE);
    return w_finish(&w, out_len);
}

/* See protocol.h. */
glass_err glass_app_encode_fetch_request(uint8_t *out, size_t cap, size_t *out_len,
                                         const uint8_t *request, size_t request_len)
{
    if (request == NULL || request_len == 0)
        return GLASS_ERR_ARG;
    if (request_len > GLASS_MAX_PLAINTEXT)
        return GLASS_ERR_PROTO_RECORD_OVERFLOW;
    app_writer w = {out, cap, 0, 0};
    w_u8(&w, GLASS_APP_FETCH_REQUEST);
    w_u16(&w, (unsigned)request_len);
    w_put(&w, request, request_len);
    return w_finish(&w, out_len);
}

/* See protocol.h. */
glass_err glass_app_encode_fetch_response(uint8_t *out, size_t cap, size_t *out_len,
                                          unsigned last, const uint8_t *piece,
                                          size_t piece_len)
{
    if (last > 1 || (piece == NULL && piece_len > 0))
        return GLASS_ERR_ARG;
    if (piece_len > GLASS_APP_FETCH_PIECE)
        return GLASS_ERR_PROTO_RECORD_OVERFLOW;
    app_writer w = {out, cap, 0, 0};
    w_u8(&w, GLASS_APP_FETCH_RESPONSE);
    w_u8(&w, last);
    w_u16(&w, (unsigned)piece_len);
    w_put(&w, piece, piece_len);
    return w_finish(&w, out_len);
}

/* A message that is only a type byte and a key. */
static glass_err encode_key_only(uint8_t *out, size_t cap, size_t *out_len, unsigned type,
                                 const char *key)
{
    app_writer w = {out, cap, 0, 0};
    w_u8(&w, type);
    glass_err err = w_name(&w, key);
    if (err != GLASS_OK)
        return err;
    return w_finish(&w, out_len);
}

/* See protocol.h. */
glass_err glass_app_encode_kv_put(uint8_t *out, size_t cap, size_t *out_len, const char *key,
                                  const uint8_t *value, size_t value_len)
{
    return encode_name_text(out, cap, out_len, GLASS_APP_KV_PUT, key, value, value_len);
}

/* See protocol.h. */
glass_err glass_app_encode_kv_get(uint8_t *out, size_t cap, size_t *out_len, const char *key)
{
    return encode_key_only(out, cap, out_len, GLASS_APP_KV_GET, key);
}

/* See protocol.h. */
glass_err glass_app_encode_kv_delete(uint8_t *out, size_t cap, size_t *out_len,
                                     const char *key)
{
    return encode_key_only(out, cap, out_len, GLASS_APP_KV_DELETE, key);
}

/* See protocol.h. */
glass_err glass_app_encode_kv_list(uint8_t *out, size_t cap, size_t *out_len)
{
    app_writer w = {out, cap, 0, 0};
    w_u8(&w, GLASS_APP_KV_LIST);
    return w_finish(&w, out_len);
}

/* See protocol.h. */
glass_err glass_app_encode_kv_value(uint8_t *out, size_t cap, size_t *out_len, const char *key,
                                    const uint8_t *value, size_t value_len)
{
    return encode_name_text(out, cap, out_len, GLASS_APP_KV_VALUE, key, value, value_len);
}

/* See protocol.h. */
glass_err glass_app_encode_kv_done(uint8_t *out, size_t cap, size_t *out_len, const char *key)
{
    return encode_key_only(out, cap, out_len, GLASS_APP_KV_DONE, key);
}

/* See protocol.h. */
glass_err glass_app_encode_kv_keys(uint8_t *out, size_t cap, size_t *out_len,
                                   const char *const *keys, size_t n_keys)
{
    glass_err err = glass_app_encode_who_list(out, cap, out_len, keys, n_keys);
    /* The same layout as WhoList (count, then names); only the type differs. */
    if (err == GLASS_OK)
        out[0] = GLASS_APP_KV_KEYS;
    return err;
}

/* Reads name<1..255> with no NUL byte. */
static void get_name(glass_reader *r, const uint8_t **name, size_t *len)
{
    *len = glass_get_u8(r);
    *name = glass_get_bytes(r, *len);
    if (*len == 0 || (*name != NULL && memchr(*name, 0, *len) != NULL))
        r->bad = 1;
}

/* See protocol.h. */
glass_err glass_app_decode(const uint8_t *in, size_t len, glass_app_msg *msg)
{
    glass_reader r = {in, len, 0, 0};
    memset(msg, 0, sizeof *msg);
    if (in == NULL || len == 0)
        return GLASS_ERR_PROTO_DECODE;
    msg->type = (uint8_t)glass_get_u8(&r);
    switch (msg->type) {
    case GLASS_APP_SEND_TO:
    case GLASS_APP_DELIVER:
        get_name(&r, &msg->name, &msg->name_len);
        msg->text_len = glass_get_u16(&r);
        msg->text = glass_get_bytes(&r, msg->text_len);
        break;
    case GLASS_APP_WHO:
    case GLASS_APP_BYE:
    case GLASS_APP_KV_LIST:
        break;
    case GLASS_APP_FETCH_REQUEST:
        msg->text_len = glass_get_u16(&r);
        msg->text = glass_get_bytes(&r, msg->text_len);
        if (msg->text_len == 0)
            return GLASS_ERR_PROTO_DECODE;
        break;
    case GLASS_APP_FETCH_RESPONSE:
        msg->last = (uint8_t)glass_get_u8(&r);
        if (msg->last > 1)
            return GLASS_ERR_PROTO_DECODE;
        msg->text_len = glass_get_u16(&r);
        msg->text = glass_get_bytes(&r, msg->text_len);
        break;
    case GLASS_APP_KV_PUT:
    case GLASS_APP_KV_VALUE:
        get_name(&r, &msg->name, &msg->name_len);
        msg->text_len = glass_get_u16(&r);
        msg->text = glass_get_bytes(&r, msg->text_len);
        break;
    case GLASS_APP_KV_GET:
    case GLASS_APP_KV_DELETE:
    case GLASS_APP_KV_DONE:
        get_name(&r, &msg->name, &msg->name_len);
        break;
    case GLASS_APP_KV_KEYS:
    case GLASS_APP_WHO_LIST:
        msg->n_names = glass_get_u16(&r);
        if (msg->n_names > GLASS_APP_MAX_NAMES)
            return GLASS_ERR_PROTO_DECODE;
        for (size_t i = 0; i < msg->n_names && !r.bad; i++)
            get_name(&r, &msg->names[i], &msg->name_lens[i]);
        break;
    case GLASS_APP_ERROR:
        msg->code = (uint16_t)glass_get_u16(&r);
        msg->text_len = glass_get_u16(&r);
        msg->text = glass_get_bytes(&r, msg->text_len);
        break;
    default:
        return GLASS_ERR_PROTO_DECODE;
    }
    if (r.bad || r.off != r.len)
        return GLASS_ERR_PROTO_DECODE;
    return GLASS_OK;
}

/* See protocol.h. */
const char *glass_app_type_name(unsigned type)
{
    switch (type) {
    case GLASS_APP_SEND_TO: return "SendTo";
    case GLASS_APP_DELIVER: return "Deliver";
    case GLASS_APP_WHO: return "Who";
    case GLASS_APP_WHO_LIST: return "WhoList";
    case GLASS_APP_ERROR: return "Error";
    case GLASS_APP_BYE: return "Bye";
    case GLASS_APP_FETCH_REQUEST: return "FetchRequest";
    case GLASS_APP_FETCH_RESPONSE: return "FetchResponse";
    case GLASS_APP_KV_PUT: return "KvPut";
    case GLASS_APP_KV_GET: return "KvGet";
    case GLASS_APP_KV_DELETE: return "KvDelete";
    case GLASS_APP_KV_LIST: return "KvList";
    case GLASS_APP_KV_VALUE: return "KvValue";
    case GLASS_APP_KV_DONE: return "KvDone";
    case GLASS_APP_KV_KEYS: return "KvKeys";
    default: return "unknown";
    }
}
