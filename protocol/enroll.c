/*
 * enroll.c — glass only: the enrollment calls of the API (docs/PROTOCOL.md
 * §6).  A client without a certificate finishes a server-authenticated
 * handshake, then sends EnrollRequest (its name, a PKCS#10 request and a
 * one-time code); the server's application decides and answers through
 * glass_engine_enroll_reply or glass_engine_enroll_refuse.  The receiving
 * handlers are recv_EnrollRequest (hs_server.c) and recv_EnrollResponse
 * (hs_client.c).
 *
 * CT: not applicable (no secret is compared here).
 */
#include "protocol/engine_internal.h"

#include <string.h>

/* See protocol.h. */
glass_err glass_engine_enroll(glass_engine *e, const char *name, const uint8_t *csr,
                              size_t csr_len, const uint8_t *code, size_t code_len)
{
    glass_buf b = {0};
    if (e == NULL || name == NULL || csr == NULL || code == NULL)
        return GLASS_ERR_ARG;
    if (e->state != GLASS_STATE_C_ENROLL_READY)
        return GLASS_ERR_PROTO_STATE;
    size_t name_len = strlen(name);
    if (name_len == 0 || name_len > GLASS_MAX_NAME || csr_len == 0 || csr_len > 0xffff ||
        code_len == 0 || code_len > 255)
        return GLASS_ERR_ARG;
    glass_enroll_request m = {(const uint8_t *)name, name_len, csr, csr_len, code, code_len};
    glass_err err = glass_encode_enroll_request(&b, &m);
    if (err == GLASS_ERR_ARG) {
        glass_buf_free(&b);
        return err;
    }
    err = glass_eng_send_handshake(e, &b, err, 0);
    if (err != GLASS_OK)
        return glass_eng_fail(e, err);
    glass_eng_set_state(e, GLASS_STATE_C_WAIT_ENROLL_RESPONSE);
    return GLASS_OK;
}

static glass_err send_enroll_response(glass_engine *e, uint8_t status, const uint8_t *data,
                                      size_t len)
{
    glass_buf b = {0};
    glass_enroll_response m = {status, data, len};
    glass_err err = glass_encode_enroll_response(&b, &m);
    if (err == GLASS_ERR_ARG) {
        glass_buf_free(&b);
        return err;
    }
    return glass_eng_send_handshake(e, &b, err, 0);
}

/* See protocol.h. */
glass_err glass_engine_enroll_reply(glass_engine *e, const uint8_t *cert_der, size_t len)
{
    if (e == NULL || cert_der == NULL || len == 0 || len > 0xffff)
        return GLASS_ERR_ARG;
    if (e->state != GLASS_STATE_S_WAIT_ENROLL_REPLY)
        return GLASS_ERR_PROTO_STATE;
    glass_err err = send_enroll_response(e, GLASS_ENROLL_ISSUED, cert_der, len);
    if (err != GLASS_OK)
        return glass_eng_fail(e, err);
    return glass_engine_close(e);
}

/* See protocol.h. */
glass_err glass_engine_enroll_refuse(glass_engine *e, const char *reason)
{
    if (e == NULL)
        return GLASS_ERR_ARG;
    if (e->state != GLASS_STATE_S_WAIT_ENROLL_REPLY)
        return GLASS_ERR_PROTO_STATE;
    size_t n = reason ? strlen(reason) : 0;
    if (n > 0xffff)
        return GLASS_ERR_ARG;
    glass_err err = send_enroll_response(e, GLASS_ENROLL_REFUSED, (const uint8_t *)reason, n);
    if (err != GLASS_OK)
        return glass_eng_fail(e, err);
    (void)glass_eng_fail(e, GLASS_ERR_ENROLL_CODE);
    return GLASS_OK;
}

