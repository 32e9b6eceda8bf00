/*
 * appmsg.c — the application messages carried in glass application-data
 * records: the chat relay (docs/PROTOCOL.md §7).
 *
 * One message per record.  Each starts with a type byte; names are
 * opaque name<1..255> (a one-byte length, no NUL byte), texts
 * opaque text<0..2^16-1>:
 *
 *     SendTo   01 || to || text            client -> server
 *     Deliver  02 || from || text          server -> client
 *     Who      03                          client -> server
 *     WhoList  04 || count(2) || name*     server -> client
 *     Error    05 || code(2) || text       server -> client
 *     Bye      06                          either
 *
 * The sender's name is never in SendTo: the server takes it from the
 * client certificate's CN.  Read the encoders, then glass_app_decode.
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
        break;
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
    default: return "unknown";
    }
}
