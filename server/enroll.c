/*
 * enroll.c — enrollment on the server (see server/server.h, DESIGN.md):
 * a client without a certificate sends its name, a PKCS#10 request signed
 * with its new key (RFC 2986) and a one-time code; the checks run in the
 * order server_on_enroll lists them, cheapest first, and only then does
 * the CA sign.
 *
 * Why this order.  Before anything is signed or verified the peer has
 * proved nothing: an unauthenticated stranger may send any request, and a
 * signature check with a key of its choosing costs what the stranger
 * likes (an 8192-bit public exponent costs tens of milliseconds).  So the
 * address's rate of wrong codes, then the code itself (a hash and a file
 * lookup), come before the request's signature; and the request's public
 * exponent is held to FIPS 186-5 §5.4 (2^16 < e < 2^256) before its
 * signature is checked (ca/csr.c).
 *
 * A name is one person's while their certificate is valid: a second
 * "alice" is refused unless the code was made with --replace, and then the
 * old certificate is revoked (and its sessions end, revoke.c).  A code is
 * used by one key: the same code and key again (the reply was lost) get
 * the same certificate again.
 *
 * CT: not applicable here; the one-time code is checked by ca/enroll.c.
 */
#include "server/server_internal.h"
#include "ca/enroll.h"
#include "io/io.h"
#include "sha/sha256.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void enroll_refuse(server *s, conn *c, const char *name, const char *reason)
{
    server_log_refusal(s, c, "enroll %s refused: %s", name, reason);
    glass_engine_enroll_refuse(c->eng, reason);
    server_conn_closing(c);
}

/* The valid certificates that hold name now: their serials (upper-case
 * hex, as certs/ names them) into taken[], at most cap.  -1 if the index
 * cannot be read (then nobody enrolls: we cannot tell). */
static int name_holders(server *s, const char *name, int64_t now,
                        ca_entry *taken, size_t cap, size_t *n_taken)
{
    ca_entry *e = NULL;
    size_t n = 0;
    char subject[GLASS_MAX_NAME + 8];
    *n_taken = 0;
    if (ca_list(s->ca, &e, &n) != GLASS_OK)
        return -1;
    snprintf(subject, sizeof subject, "/CN=%s", name);
    for (size_t i = 0; i < n; i++)
        if (e[i].status == 'V' && e[i].not_after > now && strcmp(e[i].subject, subject) == 0 &&
            *n_taken < cap)
            taken[(*n_taken)++] = e[i];
    free(e);
    return 0;
}

static void serial_hex(const uint8_t *serial, size_t len, char *out, size_t cap)
{
    /* certs/ names a serial by its bytes without the DER sign byte. */
    while (len > 1 && serial[0] == 0) {
        serial++;
        len--;
    }
    out[0] = '\0';
    for (size_t i = 0; i < len && 2 * i + 2 < cap; i++)
        snprintf(out + 2 * i, cap - 2 * i, "%02X", serial[i]);
}

/* The certificate a code was used for before, if the index still holds it
 * valid: loaded from DIR/certs/SERIAL.pem.  0 with *cert malloc'd, or -1. */
static int issued_before(server *s, const ca_entry *taken, size_t n_taken, const char *serial,
                         uint8_t **cert, size_t *cert_len)
{
    char hex[2 * X509_SERIAL_MAX + 1], path[SERVER_PATH_MAX], rel[2 * X509_SERIAL_MAX + 16];
    x509_cert *certs = NULL;
    size_t n = 0;
    for (size_t i = 0; i < n_taken; i++) {
        serial_hex(taken[i].serial, taken[i].serial_len, hex, sizeof hex);
        if (strcmp(hex, serial) != 0)
            continue;
        snprintf(rel, sizeof rel, "certs/%s.pem", hex);
        if (io_path_join(path, sizeof path, s->o.dir, rel) != 0 ||
            x509_load_pem_file(path, &certs, &n) != GLASS_OK || n == 0)
            return -1;
        *cert = malloc(certs[0].der_len);
        if (*cert != NULL) {
            memcpy(*cert, certs[0].der, certs[0].der_len);
            *cert_len = certs[0].der_len;
        }
        for (size_t j = 0; j < n; j++)
            x509_free(&certs[j]);
        free(certs);
        return *cert != NULL ? 0 : -1;
    }
    return -1;
}

/* The checks, in order (the file's essay says why):
 *   1. a usable name;  2. this address has not guessed too many codes;
 *   3. the code (read only: nothing is used up yet);  4. the request: its
 *   exponent, then its self-signature, subject exactly /CN=NAME;  5. the
 *   name free, or the code made with --replace;  6. the code claimed for
 *   this key;  7. the same certificate again, or the CA signs (and, with
 *   --replace, revokes the old one). */
void server_on_enroll(server *s, conn *c, const glass_event *ev)
{
    char code[256], subject[GLASS_MAX_NAME + 8], hex[2 * X509_SERIAL_MAX + 1] = "";
    csr_info info;
    int have_info = 0;
    uint8_t *cert = NULL, key_hash[SHA256_DIGEST_LEN];
    size_t cert_len = 0, n_taken = 0;
    ca_entry taken[8];
    enroll_grant g;
    const char *name = ev->peer_name;
    const char *why = NULL;
    int64_t now = net_wall_time();
    glass_err err;
    memset(&info, 0, sizeof info);
    memset(code, 0, sizeof code);

    if (!enroll_name_valid(name)) {
        enroll_refuse(s, c, "(bad name)", "the name must be 1 to 64 of A-Z a-z 0-9 . _ -");
        goto cleanup;
    }
    if (server_admit_code_allowed(s, c, net_now_ms()) != 0) {
        enroll_refuse(s, c, name, glass_strerror(GLASS_ERR_ENROLL_RATE));
        goto cleanup;
    }
    if (ev->code_len == 0 || ev->code_len >= sizeof code) {
        enroll_refuse(s, c, name, glass_strerror(GLASS_ERR_ENROLL_CODE));
        goto cleanup;
    }
    memcpy(code, ev->code, ev->code_len);
    if (enroll_code_check(s->o.dir, name, code, now, &g, &why) != GLASS_OK) {
        server_admit_code_wrong(s, c, net_now_ms());
        server_log_refusal(s, c, "enroll %s: code rejected (%s)", name, why);
        enroll_refuse(s, c, name, glass_strerror(GLASS_ERR_ENROLL_CODE));
        goto cleanup;
    }
    err = csr_parse_and_verify(ev->data, ev->len, &info);
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
    sha256(info.spki_der, info.spki_len, key_hash);
    if (name_holders(s, name, now, taken, sizeof taken / sizeof taken[0], &n_taken) != 0) {
        enroll_refuse(s, c, name, "the CA's index cannot be read");
        goto cleanup;
    }
    int again = g.used && g.serial[0] != '\0';
    if (n_taken > 0 && !g.replace && !again) {
        enroll_refuse(s, c, name, glass_strerror(GLASS_ERR_ENROLL_NAME_TAKEN));
        goto cleanup;
    }
    err = enroll_code_claim(s->o.dir, name, code, now, key_hash, &g, &why);
    if (err != GLASS_OK) {
        server_log_refusal(s, c, "enroll %s: code rejected (%s)", name, why);
        enroll_refuse(s, c, name, glass_strerror(err));
        goto cleanup;
    }
    if (g.used && g.serial[0] != '\0' &&
        issued_before(s, taken, n_taken, g.serial, &cert, &cert_len) == 0) {
        snprintf(hex, sizeof hex, "%s", g.serial);
        server_log(s, c, "enroll %s: the same code and key again: certificate %s resent", name,
                   hex);
    } else {
        err = ca_sign_request(s->ca, ev->data, ev->len, CA_PROFILE_CLIENT, 0, NULL, now, &cert,
                              &cert_len);
        if (err != GLASS_OK) {
            enroll_refuse(s, c, name, glass_strerror(err));
            goto cleanup;
        }
        x509_cert parsed;
        if (x509_parse(&parsed, cert, cert_len) == GLASS_OK) {
            serial_hex(parsed.serial, parsed.serial_len, hex, sizeof hex);
            x509_free(&parsed);
            if (enroll_code_record(s->o.dir, name, code, now, hex) != GLASS_OK)
                server_log(s, c, "enroll %s: cannot record serial %s with the code", name, hex);
        }
        /* --replace: the name's old certificates are revoked now; the
         * revocation watch (revoke.c) ends their sessions. */
        for (size_t i = 0; i < n_taken; i++)
            if (ca_revoke(s->ca, taken[i].serial, taken[i].serial_len, now) == GLASS_OK)
                server_log(s, c, "enroll %s: the old certificate is revoked (--replace)", name);
        server_log(s, c, "enroll %s: certificate issued, serial %s", name, hex);
    }
    err = glass_engine_enroll_reply(c->eng, cert, cert_len);
    if (err != GLASS_OK) {
        server_log(s, c, "enroll %s: cannot reply: %s", name, glass_strerror(err));
        c->dead = 1;
        goto cleanup;
    }
    server_conn_closing(c);
cleanup:
    glass_wipe(code, sizeof code);
    if (have_info)
        csr_info_free(&info);
    free(cert);
}
