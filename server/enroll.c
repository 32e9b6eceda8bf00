/*
 * enroll.c — enrollment on the server (see server/server.h, DESIGN.md):
 * a client without a certificate sends its name, a PKCS#10 request signed
 * with its new key (RFC 2986) and a one-time code; the checks run in the
 * order on_enroll lists, and only then does the CA sign.
 *
 * CT: not applicable here; the one-time code is checked by ca/enroll.c.
 */
#include "server/server_internal.h"
#include "ca/enroll.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void enroll_refuse(server *s, conn *c, const char *name, const char *reason)
{
    server_log(s, c, "enroll %s refused: %s", name, reason);
    glass_engine_enroll_refuse(c->eng, reason);
    server_conn_closing(c);
}

/* The checks, in order: a usable name; a request whose self-signature holds
 * and whose subject is exactly /CN=NAME; then the one-time code (last, so a
 * faulty request does not burn it); then the CA signs. */
void server_on_enroll(server *s, conn *c, const glass_event *ev)
{
    char code[256];
    char subject[GLASS_MAX_NAME + 8];
    csr_info info;
    int have_info = 0;
    uint8_t *cert = NULL;
    size_t cert_len = 0;
    const char *name = ev->peer_name;
    const char *why = NULL;
    memset(&info, 0, sizeof info);

    /* 1. The name: it becomes the certificate's CN and the relay address. */
    if (!enroll_name_valid(name)) {
        enroll_refuse(s, c, "(bad name)", "the name must be 1 to 64 of A-Z a-z 0-9 . _ -");
        goto cleanup;
    }
    /* 2. The request: self-signed by the key it carries (RFC 2986 §3). */
    glass_err err = csr_parse_and_verify(ev->data, ev->len, &info);
    if (err != GLASS_OK) {
        enroll_refuse(s, c, name, glass_strerror(err));
        goto cleanup;
    }
    have_info = 1;
    snprintf(subject, sizeof subject, "/CN=%s", name);
    if (strcmp(info.subject, subject) != 0) {
        enroll_refuse(s, c, name, "the request's subject must be exactly /CN=NAME");
        goto cleanup;
    }
    /* 3. The one-time code: redeemed (and so used up) only now. */
    if (ev->code_len == 0 || ev->code_len >= sizeof code) {
        enroll_refuse(s, c, name, glass_strerror(GLASS_ERR_ENROLL_CODE));
        goto cleanup;
    }
    memcpy(code, ev->code, ev->code_len);
    code[ev->code_len] = '\0';
    err = enroll_code_redeem(s->o.dir, name, code, net_wall_time(), &why);
    glass_wipe(code, sizeof code);
    if (err != GLASS_OK) {
        server_log(s, c, "enroll %s: code rejected (%s)", name, why != NULL ? why : "?");
        enroll_refuse(s, c, name, glass_strerror(err));
        goto cleanup;
    }
    /* 4. The CA signs, with the client profile (clientAuth). */
    err = ca_sign_request(s->ca, ev->data, ev->len, CA_PROFILE_CLIENT, 0, NULL, net_wall_time(),
                          &cert, &cert_len);
    if (err != GLASS_OK) {
        enroll_refuse(s, c, name, glass_strerror(err));
        goto cleanup;
    }
    err = glass_engine_enroll_reply(c->eng, cert, cert_len);
    if (err != GLASS_OK) {
        server_log(s, c, "enroll %s: cannot reply: %s", name, glass_strerror(err));
        c->dead = 1;
        goto cleanup;
    }
    x509_cert parsed;
    if (x509_parse(&parsed, cert, cert_len) == GLASS_OK) {
        char serial[2 * X509_SERIAL_MAX + 1];
        glass_hex_encode(serial, sizeof serial, parsed.serial, parsed.serial_len);
        server_log(s, c, "enroll %s: certificate issued, serial %s", name, serial);
        x509_free(&parsed);
    } else {
        server_log(s, c, "enroll %s: certificate issued", name);
    }
    server_conn_closing(c);
cleanup:
    if (have_info)
        csr_info_free(&info);
    free(cert);
}
