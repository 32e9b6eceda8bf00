/*
 * session.c — saving and offering sessions for s_client's -sess_out,
 * -sess_in and -reconnect (see tlstool.h).
 *
 * A TLS 1.2 session is what an abbreviated handshake (RFC 5246 §7.3)
 * needs to skip the key exchange: the session ID the server gave
 * (RFC 5246 §7.4.1.3), the suite, the master secret, and whether the
 * extended master secret made it (RFC 7627 §5.3: a session without EMS is
 * not resumed into one with it, nor the reverse).  The engine exports and
 * imports it as one opaque blob; this file keeps it between connections
 * and in files: PEM, label "GLASS TLS SESSION", written atomically with
 * mode 0600 because it holds the master secret.
 *
 * CT: not applicable (the master secret is copied, never compared).
 */
#include "tlstool/tlstool.h"
#include "io/io.h"
#include "asn1/asn1.h"

#include <stdlib.h>
#include <string.h>

#define SESSION_PEM_LABEL "GLASS TLS SESSION"

void tlstool_session_free(tlstool_session *s)
{
    if (s->blob != NULL) {
        glass_wipe(s->blob, s->len);
        free(s->blob);
    }
    s->blob = NULL;
    s->len = 0;
}

glass_err tlstool_session_take(const glass_engine *e, tlstool_session *s)
{
    uint8_t *buf = malloc(GLASS_SESSION_MAX_LEN);
    size_t len = 0;
    if (buf == NULL)
        return GLASS_ERR_NOMEM;
    glass_err err = glass_engine_session_save(e, buf, GLASS_SESSION_MAX_LEN, &len);
    if (err != GLASS_OK) {
        free(buf);
        return err;
    }
    tlstool_session_free(s);
    s->blob = buf;
    s->len = len;
    return GLASS_OK;
}

int tlstool_session_save(const char *cmd, const glass_engine *e, const char *path)
{
    tlstool_session s = {NULL, 0};
    char *pem = NULL;
    size_t pem_len = 0;
    glass_err err = tlstool_session_take(e, &s);
    if (err == GLASS_OK)
        err = pem_encode(SESSION_PEM_LABEL, s.blob, s.len, &pem, &pem_len);
    if (err == GLASS_OK)
        err = glass_write_file_atomic(path, (const uint8_t *)pem, pem_len, 0600);
    if (pem != NULL) {
        glass_wipe(pem, pem_len);
        free(pem);
    }
    tlstool_session_free(&s);
    if (err != GLASS_OK)
        return io_error(cmd, "-sess_out %s: %s", path,
                         err == GLASS_ERR_PROTO_STATE ? "the server gave no session ID to save"
                                                      : glass_strerror(err));
    return 0;
}

int tlstool_session_load(const char *cmd, const char *path, tlstool_session *s)
{
    uint8_t *text = NULL, *der = NULL;
    size_t len = 0, der_len = 0;
    glass_err err = glass_read_file(path, 4 * GLASS_SESSION_MAX_LEN, &text, &len);
    if (err == GLASS_OK)
        err = pem_decode((const char *)text, len, SESSION_PEM_LABEL, NULL, &der, &der_len, NULL);
    if (text != NULL) {
        glass_wipe(text, len);
        free(text);
    }
    if (err != GLASS_OK)
        return io_error(cmd, "-sess_in %s: %s", path, glass_strerror(err));
    tlstool_session_free(s);
    s->blob = der;
    s->len = der_len;
    return 0;
}
