/*
 * walk_sig.c — the two RSA signatures of a glass handshake, checked in the
 * open (see walk_internal.h): the server's over ServerKeyExchange
 * (RFC 5246 §7.4.3; docs/PROTOCOL.md §4.4) and the client's
 * CertificateVerify (RFC 5246 §7.4.8).
 *
 * Both are RSASSA-PKCS1-v1_5 with SHA-256 (RFC 8017 §8.2).  For each, the
 * walkthrough shows the exact bytes signed (saved as ske_signed.bin and
 * cv_signed.bin, the signatures as ske.sig and cv.sig), then opens the
 * signature with the public key of the signer's certificate — s^e mod n,
 * RSAVP1 of RFC 8017 §5.2.2 — which must give
 *
 *     EM = 00 01 FF..FF 00 || DigestInfo(SHA-256) || SHA-256(signed bytes)
 *
 * built here byte by byte (RFC 8017 §9.2).  The commands let openssl do
 * the same: `openssl pkeyutl -verifyrecover` with no padding prints EM,
 * `openssl dgst -sha256 -verify` says "Verified OK", and
 * `openssl x509 -pubkey` shows the key is the certificate's.
 *
 * CT: not relevant — public values only (signatures, public keys).
 */
#include "classroom/walk_internal.h"

#include "ca/ca.h"
#include "sha/sha256.h"

#include <gmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* RFC 8017 §9.2 note 1: the DER of DigestInfo for SHA-256, before H. */
static const uint8_t digest_info_sha256[19] = {0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60,
                                               0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02,
                                               0x01, 0x05, 0x00, 0x04, 0x20};

/* The bytes a signature covers, and where they came from. */
typedef struct signed_part {
    int from_client;            /* 1: CertificateVerify, 0: ServerKeyExchange */
    const uint8_t *sig;
    size_t sig_len;
    uint8_t *tbs;               /* the bytes signed (malloc'd) */
    size_t tbs_len;
} signed_part;

/* The index of the stored message whose bytes begin with msg, or n_msgs. */
static size_t msg_number(const walk *w, const uint8_t *msg, size_t len)
{
    for (size_t i = w->n_msgs; i-- > 0;)
        if (w->msgs[i].len == len && memcmp(w->msgs[i].b, msg, len) == 0)
            return i;
    return w->n_msgs;
}

/* ServerKeyExchange: group(2) Ys_len(2) Ys signature_len(2) signature
 * after the 4-byte header; signed: client_random + server_random + the
 * params (group, Ys_len, Ys).  Shown, with the command that cuts them out
 * of the message files.  0, or -1 when the message is too short. */
static int ske_signed(walk *w, const uint8_t *msg, size_t len, signed_part *sp)
{
    if (len < 8)
        return -1;
    size_t ys_len = (size_t)msg[6] << 8 | msg[7], p_end = 8 + ys_len;
    if (len < p_end + 2)
        return -1;
    sp->sig_len = (size_t)msg[p_end] << 8 | msg[p_end + 1];
    sp->sig = msg + p_end + 2;
    if (len < p_end + 2 + sp->sig_len)
        return -1;
    sp->tbs_len = 64 + (p_end - 4);
    sp->tbs = malloc(sp->tbs_len);
    if (sp->tbs == NULL)
        return -1;
    memcpy(sp->tbs, w->client_random, 32);
    memcpy(sp->tbs + 32, w->server_random, 32);
    memcpy(sp->tbs + 64, msg + 4, p_end - 4);

    char fch[160], fsh[160], fske[160], ftbs[160];
    size_t ich = 0, ish = 0, iske = msg_number(w, msg, len);
    for (size_t i = 0; i < w->n_msgs; i++) {
        if (strcmp(w->msgs[i].name, "ClientHello") == 0)
            ich = i;
        if (strcmp(w->msgs[i].name, "ServerHello") == 0)
            ish = i;
    }
    walk_msg_file(w, ich, fch, sizeof fch);
    walk_msg_file(w, ish, fsh, sizeof fsh);
    walk_msg_file(w, iske < w->n_msgs ? iske : 0, fske, sizeof fske);
    walk_file(w, "ske_signed.bin", ftbs, sizeof ftbs);
    walk_save(w, ftbs, sp->tbs, sp->tbs_len);

    wk_derivation d;
    wk_derivation_init(&d, "server", "ServerKeyExchange signed bytes",
                       "RFC 5246 §7.4.3; docs/PROTOCOL.md §4.4",
                       "client_random + server_random + params (group, dh_Ys length, dh_Ys): "
                       "what the server signs, tying its fresh g^y to this very handshake",
                       sp->tbs, sp->tbs_len);
    walk_add_input(&d, "client_random", w->client_random, 32);
    walk_add_input(&d, "server_random", w->server_random, 32);
    walk_add_input(&d, "params", msg + 4, p_end - 4);
    /* The randoms stand at offset 6 of each hello (after type, length and
     * version); the params at offset 4 of ServerKeyExchange. */
    walk_command(&d, NULL,
                 "{ head -c 38 %s | tail -c 32; head -c 38 %s | tail -c 32; head -c %zu %s | tail "
                 "-c %zu; }\n| xxd -p -c 32",
                 fch, fsh, p_end, fske, p_end - 4);
    wk_derive(w->o, &d);
    walk_commands_free(&d);
    return 0;
}

/* CertificateVerify: signature_len(2) signature after the header; signed:
 * every handshake message before it, as they were sent. */
static int cv_signed(walk *w, const uint8_t *msg, size_t len, signed_part *sp, size_t *end)
{
    if (len < 6)
        return -1;
    sp->sig_len = (size_t)msg[4] << 8 | msg[5];
    sp->sig = msg + 6;
    if (len < 6 + sp->sig_len)
        return -1;
    *end = msg_number(w, msg, len);
    if (*end >= w->n_msgs)
        return -1;
    sp->tbs_len = 0;
    for (size_t i = 0; i < *end; i++)
        sp->tbs_len += w->msgs[i].len;
    sp->tbs = malloc(sp->tbs_len > 0 ? sp->tbs_len : 1);
    if (sp->tbs == NULL)
        return -1;
    for (size_t i = 0, o = 0; i < *end; o += w->msgs[i].len, i++)
        memcpy(sp->tbs + o, w->msgs[i].b, w->msgs[i].len);
    char ftbs[160];
    walk_file(w, "cv_signed.bin", ftbs, sizeof ftbs);
    walk_save(w, ftbs, sp->tbs, sp->tbs_len);
    return 0;
}

/* See walk_session.h. */
void walk_pkcs1_sha256_em(const uint8_t H[32], uint8_t *EM, size_t k)
{
    size_t ps = k - 3 - sizeof digest_info_sha256 - 32;
    EM[0] = 0x00;
    EM[1] = 0x01;
    memset(EM + 2, 0xff, ps);
    EM[2 + ps] = 0x00;
    memcpy(EM + 3 + ps, digest_info_sha256, sizeof digest_info_sha256);
    memcpy(EM + 3 + ps + sizeof digest_info_sha256, H, 32);
}

/* The signature opened with the certificate's key, and checked. */
static void open_signature(walk *w, const signed_part *sp, const uint8_t *cert, size_t cert_len,
                           size_t cv_end)
{
    x509_cert c;
    if (cert == NULL || x509_parse(&c, cert, cert_len) != GLASS_OK)
        return;
    size_t k = c.pub.k;
    uint8_t *em = calloc(k, 1), *want = malloc(k);
    mpz_t s, m;
    mpz_inits(s, m, NULL);
    const char *who = sp->from_client ? "client" : "server";
    char fpub[160], fcert[160], fsig[160], ftbs[160], pubn[32], certn[32];
    snprintf(pubn, sizeof pubn, "%s_pub.pem", who);
    snprintf(certn, sizeof certn, "%s.pem", who);
    walk_file(w, pubn, fpub, sizeof fpub);
    walk_file(w, certn, fcert, sizeof fcert);
    walk_file(w, sp->from_client ? "cv.sig" : "ske.sig", fsig, sizeof fsig);
    walk_file(w, sp->from_client ? "cv_signed.bin" : "ske_signed.bin", ftbs, sizeof ftbs);
    walk_save(w, fsig, sp->sig, sp->sig_len);
    if (em != NULL && want != NULL && sp->sig_len == k && k >= 3 + 19 + 32 + 8) {
        /* RSAVP1 (RFC 8017 §5.2.2): m = s^e mod n. */
        mpz_import(s, sp->sig_len, 1, 1, 1, 0, sp->sig);
        mpz_powm(m, s, c.pub.e, c.pub.n);
        size_t n = (mpz_sizeinbase(m, 2) + 7) / 8;
        if (n <= k && mpz_sgn(m) != 0)
            mpz_export(em + k - n, NULL, 1, 1, 1, 0, m);
        uint8_t H[32];
        sha256(sp->tbs, sp->tbs_len, H);
        walk_pkcs1_sha256_em(H, want, k);

        wk_derivation d;
        wk_derivation_init(&d, sp->from_client ? "server" : "client",
                           sp->from_client ? "CertificateVerify signature opened"
                                           : "ServerKeyExchange signature opened",
                           "RFC 8017 §5.2.2, §9.2", NULL, em, k);
        d.function = sp->from_client
                         ? "s^e mod n with the key of the client's certificate: must be 00 01 "
                           "FF..FF 00 || DigestInfo || SHA-256(the messages before "
                           "CertificateVerify)"
                         : "s^e mod n with the key of the server's certificate: must be 00 01 "
                           "FF..FF 00 || DigestInfo || SHA-256(the signed bytes above)";
        walk_add_input(&d, "s", sp->sig, sp->sig_len);
        d.check = walk_check_equal(w, em, k, want, k);
        d.check_how = "EM built here byte by byte from SHA-256 of the signed bytes: the "
                      "signature is valid";
        walk_command(&d, NULL,
                     "openssl pkeyutl -verifyrecover -pubin -inkey %s -in %s -pkeyopt "
                     "rsa_padding_mode:none | xxd -p -c 32", fpub, fsig);
        if (sp->from_client) {
            char *cat = walk_cat_messages(w, cv_end);
            if (cat != NULL)
                walk_command(&d, "same", "%s | cmp - %s && echo same", cat, ftbs);
            free(cat);
        }
        walk_command(&d, "Verified OK", "openssl dgst -sha256 -verify %s -signature %s %s", fpub,
                     fsig, ftbs);
        walk_command(&d, "same", "openssl x509 -in %s -noout -pubkey | cmp - %s && echo same",
                     fcert, fpub);
        wk_derive(w->o, &d);
        walk_commands_free(&d);
    }
    mpz_clears(s, m, NULL);
    free(em);
    free(want);
    x509_free(&c);
}

/* See walk_internal.h. */
void walk_signature(walk *w, int from_client, const uint8_t *msg, size_t len)
{
    signed_part sp;
    size_t cv_end = 0;
    memset(&sp, 0, sizeof sp);
    sp.from_client = from_client;
    int r = from_client ? cv_signed(w, msg, len, &sp, &cv_end) : ske_signed(w, msg, len, &sp);
    if (r == 0)
        open_signature(w, &sp, from_client ? w->pki->client_der : w->pki->server_der,
                       from_client ? w->pki->client_len : w->pki->server_len, cv_end);
    free(sp.tbs);
}
