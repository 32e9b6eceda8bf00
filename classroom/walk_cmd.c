/*
 * walk_cmd.c — the files `glass walkthrough --save DIR` writes and the
 * shell commands that read them (see walk_internal.h).
 *
 * A skeptic should not have to trust the walkthrough: every value it
 * derives comes with commands that recompute it with other tools (glass's
 * own commands, openssl, python3, coreutils), run from DIR.  --save writes
 * there what those commands read, under the names they use:
 *   01-ClientHello.bin ...       every handshake message, in order
 *   client_random.bin, ...       every derived value, by name (secrets too:
 *                                this is a classroom run)
 *   master_secret.A1.bin, ...    the HMAC steps of each PRF (RFC 5246 §5)
 *   client_record_0.bin, ...     each protected record, and its MAC input
 *   ca.pem, server.pem, server_pub.pem, client.pem, client_pub.pem
 *   ske_signed.bin, ske.sig, cv_signed.bin, cv.sig   the two signatures
 * Without --save the same commands are shown; they then need a run with
 * --save (and, without --seed, that very run).  The second connection of
 * --enroll prefixes its files with "c2-".
 *
 * CT: not relevant — this writes secrets to files on purpose.
 */
#include "classroom/walk_internal.h"

#include "asn1/asn1.h"
#include "ca/ca.h"
#include "sha/sha256.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* See walk_internal.h. */
void walk_file(const walk *w, const char *name, char *out, size_t cap)
{
    if (w->opts->connection_no > 1)
        snprintf(out, cap, "c%u-%s", w->opts->connection_no, name);
    else
        snprintf(out, cap, "%s", name);
}

/* See walk_internal.h. */
void walk_save(walk *w, const char *name, const uint8_t *b, size_t len)
{
    if (w->opts->save_dir == NULL)
        return;
    char path[600];
    snprintf(path, sizeof path, "%s/%s", w->opts->save_dir, name);
    if (glass_write_file_atomic(path, b, len, 0644) != GLASS_OK) {
        char line[700];
        snprintf(line, sizeof line, "--save: could not write %s", path);
        if (!w->save_failed)
            wk_note(w->o, "", "error", line);
        w->save_failed = 1;
        w->mismatches++;
    }
}

/* See walk_internal.h. */
void walk_value_file(const walk *w, const char *key, char *out, size_t cap)
{
    char name[128];
    size_t i = 0;
    for (; key[i] != '\0' && i + 5 < sizeof name; i++)
        name[i] = key[i] == ' ' ? '_' : key[i];
    snprintf(name + i, sizeof name - i, ".bin");
    walk_file(w, name, out, cap);
}

/* See walk_internal.h. */
void walk_command(wk_derivation *d, const char *prints, const char *fmt, ...)
{
    if (d->n_commands >= WK_MAX_COMMANDS)
        return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    char *s = malloc((size_t)n + 1);
    if (s == NULL)
        return;
    va_start(ap, fmt);
    vsnprintf(s, (size_t)n + 1, fmt, ap);
    va_end(ap);
    d->commands[d->n_commands].line = s;
    d->commands[d->n_commands].prints = prints;
    d->n_commands++;
}

/* See walk_internal.h. */
void walk_commands_free(wk_derivation *d)
{
    for (size_t i = 0; i < d->n_commands; i++)
        free((char *)d->commands[i].line);
    d->n_commands = 0;
}

/* See walk_internal.h. */
char *walk_cat_messages(const walk *w, size_t end)
{
    size_t cap = 16 + end * 80;
    char *s = malloc(cap);
    if (s == NULL)
        return NULL;
    snprintf(s, cap, "cat");
    for (size_t i = 0; i < end; i++) {
        char f[128];
        walk_msg_file(w, i, f, sizeof f);
        size_t n = strlen(s);
        snprintf(s + n, cap - n, " %s", f);
    }
    return s;
}

/* One certificate as PEM, and its public key as SPKI PEM. */
static void save_cert(walk *w, const char *cert_name, const char *pub_name, const uint8_t *der,
                      size_t len, const rsa_private_key *key)
{
    char *pem = NULL, f[160];
    size_t pem_len = 0;
    walk_file(w, cert_name, f, sizeof f);
    if (der != NULL && pem_encode("CERTIFICATE", der, len, &pem, &pem_len) == GLASS_OK)
        walk_save(w, f, (const uint8_t *)pem, pem_len);
    free(pem);
    pem = NULL;
    if (key == NULL || pub_name == NULL)
        return;
    rsa_public_key pub;
    uint8_t *spki = NULL;
    size_t spki_len = 0;
    walk_file(w, pub_name, f, sizeof f);
    rsa_public_init(&pub);
    rsa_public_from_private(&pub, key);
    if (ca_key_encode_public(&pub, 1, &spki, &spki_len) == GLASS_OK &&
        pem_encode("PUBLIC KEY", spki, spki_len, &pem, &pem_len) == GLASS_OK)
        walk_save(w, f, (const uint8_t *)pem, pem_len);
    free(pem);
    free(spki);
    rsa_public_clear(&pub);
}

/* A certificate's fingerprint, and openssl's verdict on it: issued by
 * the CA, for its purpose (and name), at the walkthrough's clock (RFC 5280
 * §6; the engines check the same before trusting a key). */
static void show_cert(walk *w, int client, const uint8_t *der, size_t len)
{
    uint8_t fp[32];
    char fca[160], fcert[160];
    sha256(der, len, fp);
    walk_file(w, "ca.pem", fca, sizeof fca);
    walk_file(w, client ? "client.pem" : "server.pem", fcert, sizeof fcert);
    wk_derivation d;
    wk_derivation_init(&d, "ca", client ? "client certificate" : "server certificate",
                       "RFC 5280 §4.1; §6 for the chain",
                       client ? "SHA-256 of the DER the client sends in its Certificate message"
                              : "SHA-256 of the DER the server sends in its Certificate message",
                       fp, sizeof fp);
    walk_command(&d, NULL, "openssl x509 -in %s -outform DER | openssl dgst -sha256", fcert);
    /* The line openssl prints names the file: "server.pem: OK". */
    char *ok = malloc(strlen(fcert) + 8);
    if (ok != NULL) {
        snprintf(ok, strlen(fcert) + 8, "%s: OK", fcert);
        walk_command(&d, ok, "openssl verify -attime %lld -CAfile %s -purpose %s%s %s",
                     (long long)w->pki->now, fca, client ? "sslclient" : "sslserver",
                     client ? "" : " -verify_hostname localhost", fcert);
    }
    wk_derive(w->o, &d);
    walk_commands_free(&d);
    free(ok);
}

/* See walk_internal.h. */
void walk_save_pki(walk *w)
{
    const uint8_t *ca_der;
    size_t ca_len;
    walk_pki_ca_der(w->pki, &ca_der, &ca_len);
    save_cert(w, "ca.pem", NULL, ca_der, ca_len, NULL);
    save_cert(w, "server.pem", "server_pub.pem", w->pki->server_der, w->pki->server_len,
              &w->pki->server_key);
    save_cert(w, "client.pem", "client_pub.pem", w->pki->client_der, w->pki->client_len,
              &w->pki->client_key);
    if (w->opts->connection_no == 1)
        show_cert(w, 0, w->pki->server_der, w->pki->server_len);
    if (w->pki->client_der != NULL && !w->opts->enroll)
        show_cert(w, 1, w->pki->client_der, w->pki->client_len);
}
