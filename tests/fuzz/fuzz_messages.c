/*
 * fuzz_messages.c — the handshake message decoders (protocol/messages.c).
 *
 * Input: one whole handshake message, 4-byte header + body, as the
 * "send X" trace events and `glass walkthrough --save` write them.  The
 * header's msg_type picks the decoder; its length field is ignored (the
 * engine checks it before a decoder runs), the rest is the body.
 *
 * A body that decodes is encoded again: the decoders read the one
 * encoding the encoders write, so the bytes must come back unchanged.
 * Anything else would mean two encodings of one message — something a
 * transcript hash over the bytes relies on not existing.
 */
#include "fuzz.h"
#include "protocol/protocol_internal.h"

static void same(const glass_buf *b, const uint8_t *msg, size_t len, glass_err enc)
{
    if (enc != GLASS_OK)
        abort();    /* a decoded message must encode */
    if (b->len != len || memcmp(b->p + GLASS_HS_HEADER_LEN, msg + GLASS_HS_HEADER_LEN,
                                len - GLASS_HS_HEADER_LEN) != 0)
        abort();    /* the round trip changed the bytes */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < GLASS_HS_HEADER_LEN)
        return 0;
    const uint8_t *body = data + GLASS_HS_HEADER_LEN;
    size_t len = size - GLASS_HS_HEADER_LEN;
    (void)glass_hs_type_name(data[0]);
    glass_buf b = {0};
    switch (data[0]) {
    case GLASS_HS_CLIENT_HELLO: {
        glass_client_hello m;
        if (glass_decode_client_hello(body, len, &m) == GLASS_OK)
            same(&b, data, size, glass_encode_client_hello(&b, &m));
        break;
    }
    case GLASS_HS_SERVER_HELLO: {
        glass_server_hello m;
        if (glass_decode_server_hello(body, len, &m) == GLASS_OK)
            same(&b, data, size, glass_encode_server_hello(&b, &m));
        break;
    }
    case GLASS_HS_CERTIFICATE: {
        glass_certificate_msg m;
        if (glass_decode_certificate(body, len, &m) == GLASS_OK)
            same(&b, data, size, glass_encode_certificate(&b, &m));
        break;
    }
    case GLASS_HS_SERVER_KEY_EXCHANGE: {
        glass_server_key_exchange m;
        if (glass_decode_server_key_exchange(body, len, &m) == GLASS_OK)
            same(&b, data, size, glass_encode_server_key_exchange(&b, &m));
        break;
    }
    case GLASS_HS_CERTIFICATE_REQUEST: {
        glass_certificate_request m;
        if (glass_decode_certificate_request(body, len, &m) == GLASS_OK)
            same(&b, data, size, glass_encode_certificate_request(&b, &m));
        break;
    }
    case GLASS_HS_SERVER_HELLO_DONE:
        if (glass_decode_server_hello_done(body, len) == GLASS_OK)
            same(&b, data, size, glass_encode_server_hello_done(&b));
        break;
    case GLASS_HS_CLIENT_KEY_EXCHANGE: {
        glass_client_key_exchange m;
        if (glass_decode_client_key_exchange(body, len, &m) == GLASS_OK)
            same(&b, data, size, glass_encode_client_key_exchange(&b, &m));
        break;
    }
    case GLASS_HS_CERTIFICATE_VERIFY: {
        glass_certificate_verify m;
        if (glass_decode_certificate_verify(body, len, &m) == GLASS_OK)
            same(&b, data, size, glass_encode_certificate_verify(&b, &m));
        break;
    }
    case GLASS_HS_FINISHED: {
        glass_finished m;
        if (glass_decode_finished(body, len, &m) == GLASS_OK)
            same(&b, data, size, glass_encode_finished(&b, &m));
        break;
    }
    case GLASS_HS_ENROLL_REQUEST: {
        glass_enroll_request m;
        if (glass_decode_enroll_request(body, len, &m) == GLASS_OK)
            same(&b, data, size, glass_encode_enroll_request(&b, &m));
        break;
    }
    case GLASS_HS_ENROLL_RESPONSE: {
        glass_enroll_response m;
        if (glass_decode_enroll_response(body, len, &m) == GLASS_OK)
            same(&b, data, size, glass_encode_enroll_response(&b, &m));
        break;
    }
    default:
        break;
    }
    glass_buf_free(&b);
    return 0;
}
