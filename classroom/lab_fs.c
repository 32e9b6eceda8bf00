/*
 * lab_fs.c — lab 7: forward secrecy.  Record a session, leak the server's
 * long-term RSA key, and see which session it opens.  Lab build only.
 *
 * `glass lab fs-record` plays one client and one server and writes what an
 * eavesdropper records: the public handshake values and one protected
 * record.  Two key exchanges:
 *
 *   rsa  RSA key transport (TLS_RSA_*, removed in TLS 1.3): the client picks
 *        pre_master_secret = 03 03 || 46 random bytes and sends it encrypted
 *        under the server's certificate key (RSAES-PKCS1-v1_5, RFC 5246
 *        §7.4.7.1).  Whoever later holds that key decrypts it, and with it
 *        every recorded session.
 *   dhe  ephemeral Diffie-Hellman as glass does: the server signs g^y with
 *        its RSA key; the pre_master_secret is g^(xy) mod p, and x and y are
 *        wiped when the handshake ends.  The RSA key only ever signed.
 *
 * Both derive keys the TLS 1.2 way (RFC 5246 §8.1, §6.3) and protect the
 * message encrypt-then-MAC.  `glass lab fs-decrypt` is the attacker with the
 * leaked key: it opens the rsa session and explains why the dhe one stays
 * shut.  The server key is written as a PKCS#8 PEM file (openssl reads it).
 *
 * CT: not relevant — attack demonstration.
 */
#include "classroom/lab_common.h"
#include "io/opt.h"

#ifdef GLASS_LAB_BUILD

#include "aes/aes.h"
#include "ca/ca.h"
#include "dh/dh.h"
#include "hmac/hmac.h"
#include "rsa/rsa.h"
#include "sha/sha256.h"

#include <gmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define REC_MAX 8192

/* Appends "name = hex\n" to the recording. */
static void put(char *rec, size_t cap, const char *name, const uint8_t *b, size_t len)
{
    size_t at = strlen(rec);
    int w = snprintf(rec + at, cap - at, "%s = ", name);
    if (w < 0 || (size_t)w >= cap - at)
        return;
    at += (size_t)w;
    for (size_t i = 0; i < len && at + 3 < cap; i++, at += 2)
        snprintf(rec + at, cap - at, "%02x", b[i]);
    if (at + 2 < cap) {
        rec[at++] = '\n';
        rec[at] = '\0';
    }
}

/* Finds "name = hex" in the recording; *out malloc'd.  0 on success. */
static int get(const char *rec, const char *name, uint8_t **out, size_t *len)
{
    char *hex = NULL;
    if (lab_named_value(rec, name, &hex) != 0)
        return -1;
    glass_err err = glass_hex_decode_alloc(out, len, hex);
    free(hex);
    return err == GLASS_OK ? 0 : -1;
}

/* The client's write keys from the pre-master secret (RFC 5246 §8.1, §6.3). */
static glass_err client_keys(const uint8_t *pms, size_t pms_len, const uint8_t cr[32],
                             const uint8_t sr[32], uint8_t mac_key[32], uint8_t enc_key[32])
{
    uint8_t ms[48], kb[128];
    glass_err err = hmac_tls12_master_secret(pms, pms_len, cr, sr, ms);
    if (err == GLASS_OK)
        err = hmac_tls12_key_block(ms, sr, cr, kb, sizeof kb);
    if (err == GLASS_OK) {
        memcpy(mac_key, kb, 32);         /* client_write_MAC_key */
        memcpy(enc_key, kb + 64, 32);    /* client_write_key */
    }
    glass_wipe(ms, sizeof ms);
    glass_wipe(kb, sizeof kb);
    return err;
}

/* 2b. DHE: both sides draw an ephemeral key; the server signs its public
 * value with its long-term key over both randoms (as ServerKeyExchange,
 * RFC 5246 §7.4.3).  The public values and the signature go into rec; *Z
 * (malloc'd, *z_cap bytes) gets the shared secret, *z_len its length
 * without leading zeros (RFC 5246 §8.1.2).  The ephemeral private keys are
 * wiped here and never written anywhere: that is forward secrecy.  0, or
 * 1 after saying what failed. */
static int record_dhe(const char *cmd, char *rec, const rsa_private_key *skey,
                      const uint8_t cr[32], const uint8_t sr[32], uint8_t **Z, size_t *z_cap,
                      size_t *z_len)
{
    const dh_group *G = dh_group_by_name("ffdhe2048");
    dh_keypair xs, xc;
    uint8_t *Y = NULL, *sig = NULL, *signed_data = NULL;
    int rc = 1;
    dh_keypair_init(&xs);
    dh_keypair_init(&xc);
    if (G == NULL || dh_generate(G, NULL, NULL, &xs) != GLASS_OK ||
        dh_generate(G, NULL, NULL, &xc) != GLASS_OK) {
        io_error(cmd, "DH key generation failed");
        goto cleanup;
    }
    Y = calloc(1, G->p_len);
    *Z = malloc(G->p_len);
    sig = malloc(skey->k);
    signed_data = malloc(64 + G->p_len);
    if (Y == NULL || *Z == NULL || sig == NULL || signed_data == NULL)
        goto cleanup;
    *z_cap = G->p_len;
    size_t yl = (mpz_sizeinbase(xs.y, 2) + 7) / 8;
    mpz_export(Y + G->p_len - yl, NULL, 1, 1, 1, 0, xs.y);
    memcpy(signed_data, cr, 32);
    memcpy(signed_data + 32, sr, 32);
    memcpy(signed_data + 64, Y, G->p_len);
    glass_err err = rsa_pkcs1v15_sign(skey, signed_data, 64 + G->p_len, sig);
    if (err != GLASS_OK) {
        io_error(cmd, "signing: %s", glass_strerror(err));
        goto cleanup;
    }
    put(rec, REC_MAX, "server_dh_public", Y, G->p_len);
    put(rec, REC_MAX, "server_signature", sig, skey->k);
    memset(Y, 0, G->p_len);
    yl = (mpz_sizeinbase(xc.y, 2) + 7) / 8;
    mpz_export(Y + G->p_len - yl, NULL, 1, 1, 1, 0, xc.y);
    put(rec, REC_MAX, "client_dh_public", Y, G->p_len);
    /* Z = Ys^xc mod p (the client's side; the server gets the same). */
    err = dh_compute_shared(G, &xc, xs.y, *Z, G->p_len);
    if (err != GLASS_OK) {
        io_error(cmd, "%s", glass_strerror(err));
        goto cleanup;
    }
    *z_len = dh_strip_leading_zeros(*Z, G->p_len);
    rc = 0;
cleanup:
    free(signed_data);
    free(sig);
    free(Y);
    dh_keypair_clear(&xs);
    dh_keypair_clear(&xc);
    return rc;
}

/* 3. The keys from secret (client_keys), then one protected message:
 *    IV || AES-256-CBC(msg) || HMAC-SHA256, put in rec.  0, or 1. */
static int record_message(const char *cmd, char *rec, const uint8_t *secret, size_t secret_len,
                          const uint8_t cr[32], const uint8_t sr[32], const char *msg,
                          size_t mlen)
{
    uint8_t mac_key[32], enc_key[32], iv[16];
    uint8_t body[1024 + 16], record[16 + 1024 + 16 + 32];
    int rc = 1;
    glass_err err = client_keys(secret, secret_len, cr, sr, mac_key, enc_key);
    if (err != GLASS_OK || glass_random(iv, sizeof iv) != GLASS_OK) {
        io_error(cmd, "key derivation failed");
        goto cleanup;
    }
    aes256_ctx aes;
    size_t blen = 0;
    if (aes256_init(&aes, enc_key, 32) != GLASS_OK ||
        aes256_cbc_encrypt_pkcs7(&aes, iv, (const uint8_t *)msg, mlen, body, sizeof body, &blen) !=
            GLASS_OK) {
        io_error(cmd, "encryption failed");
        goto cleanup;
    }
    aes256_clear(&aes);
    memcpy(record, iv, 16);
    memcpy(record + 16, body, blen);
    hmac_sha256(mac_key, 32, record, 16 + blen, record + 16 + blen);
    put(rec, REC_MAX, "record", record, 16 + blen + 32);
    rc = 0;
cleanup:
    glass_wipe(mac_key, sizeof mac_key);
    glass_wipe(enc_key, sizeof enc_key);
    glass_wipe(body, sizeof body);
    return rc;
}

struct fs_record_args {
    const char *kx, *out, *keyout, *msg, *ts;
};

/* The options of `glass lab fs-record`: one table, which also prints --help.
 * Returns OPT_RUN, or the exit status (io/opt.h). */
static int parse_fs_record(int argc, char **argv, struct fs_record_args *a)
{
    memset(a, 0, sizeof *a);
    const opt opts[] = {
        OPTION_STRING("--kx", NULL, "rsa|dhe",
                      "rsa: RSA key transport, the pre-master secret encrypted\n"
                      "under the server's key (TLS_RSA_*; no forward secrecy);\n"
                      "dhe: ephemeral Diffie-Hellman signed by the server's key\n"
                      "(as glass)", &a->kx),
        OPTION_STRING("--out", NULL, "SESSION",
                      "where to write what the eavesdropper recorded", &a->out),
        OPTION_STRING("--key-out", NULL, "SERVERKEY",
                      "where to write the server's long-term key (PKCS#8 PEM)", &a->keyout),
        OPTION_STRING("--message", NULL, "TEXT", "the protected message", &a->msg),
        OPTION_STRING("--seed", NULL, "N", "same keys and bytes on every run", &a->ts),
        OPTION_END,
    };
    const opt_command spec = {
        .name = "lab fs-record",
        .synopsis = "--kx rsa|dhe --out SESSION --key-out SERVERKEY\n"
                    "                           [--message TEXT] [--seed N]",
        .about = "Runs one client-server exchange in this process and writes what an eavesdropper\n"
                 "records (randoms, key exchange, one protected message) to SESSION, and the\n"
                 "server's long-term RSA key to SERVERKEY (PKCS#8 PEM), as if it leaked later.\n",
        .opts = opts,
        .example = "  glass lab fs-record --kx rsa --out rsa.session --key-out server.pem\n",
        .max_operands = 0,
    };
    opt_operands rest;
    return opt_parse(&spec, argc, argv, &rest);
}

/* See lab_common.h. */
int lab_fs_record(int argc, char **argv)
{
    const char *cmd = "lab fs-record";
    struct fs_record_args a;
    int st = parse_fs_record(argc, argv, &a);
    if (st != OPT_RUN)
        return st;
    const char *kx = a.kx;
    const char *out = a.out;
    const char *keyout = a.keyout;
    const char *msg = a.msg;
    const char *ts = a.ts;
    int rc = 1;
    if (kx == NULL || out == NULL || keyout == NULL)
        return io_error(cmd, "needs --kx, --out and --key-out (see --help)");
    int rsa_kx = strcmp(kx, "rsa") == 0;
    if (!rsa_kx && strcmp(kx, "dhe") != 0)
        return io_error(cmd, "--kx: '%s' is not rsa or dhe", kx);
    if (msg == NULL)
        msg = "meet at the north gate at 6, bring the documents";
    size_t mlen = strlen(msg);
    if (mlen == 0 || mlen > 1024)
        return io_error(cmd, "--message must be 1 to 1024 bytes");
    unsigned long seed = 0;
    if (ts != NULL) {
        if (io_uint_arg(cmd, "--seed", ts, 0, 0xffffffffUL, &seed))
            return 1;
        glass_random_seed(seed);
    }
    if (rsa_kx)
        io_insecure_banner("RSA key transport (no forward secrecy)");

    rsa_private_key skey;
    rsa_public_key spub;
    rsa_private_init(&skey);
    rsa_public_init(&spub);
    char *rec = calloc(1, REC_MAX);
    uint8_t *pem = NULL, *enc = NULL, *Z = NULL;
    size_t pem_len = 0;
    uint8_t cr[32], sr[32], pms[48];
    size_t pms_len = 0, z_cap = 0;
    if (rec == NULL)
        goto cleanup;

    /* 1. The server's long-term key, and both randoms. */
    glass_err err = rsa_generate(&skey, 2048, RSA_DEFAULT_E);
    if (err == GLASS_OK)
        err = glass_random(cr, 32);
    if (err == GLASS_OK)
        err = glass_random(sr, 32);
    if (err != GLASS_OK) {
        io_error(cmd, "%s", glass_strerror(err));
        goto cleanup;
    }
    rsa_public_from_private(&spub, &skey);
    snprintf(rec, REC_MAX, "# glass lab fs-record: what an eavesdropper recorded\nkx = %s\n",
             rsa_kx ? "rsa" : "dhe");
    /* The "kx" line is text; put() writes hex, so the names below are all hex. */
    put(rec, REC_MAX, "client_random", cr, 32);
    put(rec, REC_MAX, "server_random", sr, 32);

    if (rsa_kx) {
        /* 2a. RSA key transport: pre_master_secret = 03 03 || 46 random bytes,
         *     encrypted under the server's public key (RFC 5246 §7.4.7.1). */
        pms[0] = 0x03;
        pms[1] = 0x03;
        pms_len = 48;
        enc = malloc(spub.k);
        if (enc == NULL || glass_random(pms + 2, 46) != GLASS_OK ||
            rsa_pkcs1v15_encrypt(&spub, pms, pms_len, enc) != GLASS_OK) {
            io_error(cmd, "RSA encryption failed");
            goto cleanup;
        }
        put(rec, REC_MAX, "encrypted_pre_master_secret", enc, spub.k);
    } else if (record_dhe(cmd, rec, &skey, cr, sr, &Z, &z_cap, &pms_len) != 0) {
        goto cleanup;
    }

    /* 3. Keys, then one protected message: IV || AES-256-CBC || HMAC. */
    if (record_message(cmd, rec, rsa_kx ? pms : Z, pms_len, cr, sr, msg, mlen) != 0)
        goto cleanup;

    /* 4. The files: the recording, and the key that "leaks" later. */
    err = ca_key_save_private_pem(&skey, NULL, 0, &pem, &pem_len);
    if (err != GLASS_OK) {
        io_error(cmd, "%s", glass_strerror(err));
        goto cleanup;
    }
    if (lab_write(cmd, out, (const uint8_t *)rec, strlen(rec)))
        goto cleanup;
    if (glass_write_file_atomic(keyout, pem, pem_len, 0600) != GLASS_OK) {
        io_error(cmd, "%s: cannot write", keyout);
        goto cleanup;
    }
    printf("recorded a %s session (%zu-byte message) to %s; server key to %s\n",
           rsa_kx ? "RSA key transport" : "DHE", mlen, out, keyout);
    if (!rsa_kx)
        printf("the ephemeral DH private keys were wiped at the end of the handshake\n");
    rc = 0;

cleanup:
    glass_wipe(pms, sizeof pms);
    if (pem != NULL) {
        glass_wipe(pem, pem_len);
        free(pem);
    }
    if (Z != NULL)
        glass_wipe(Z, z_cap);
    free(rec);
    free(enc);
    free(Z);
    rsa_private_clear(&skey);
    rsa_public_clear(&spub);
    return rc;
}

struct fs_decrypt_args {
    const char *in, *inkey;
};

/* The options of `glass lab fs-decrypt`: one table, which also prints --help.
 * Returns OPT_RUN, or the exit status (io/opt.h). */
static int parse_fs_decrypt(int argc, char **argv, struct fs_decrypt_args *a)
{
    memset(a, 0, sizeof *a);
    const opt opts[] = {
        OPTION_STRING("--in", NULL, "SESSION", "the recording (glass lab fs-record)", &a->in),
        OPTION_STRING("--inkey", NULL, "SERVERKEY",
                      "the server's long-term key, leaked later", &a->inkey),
        OPTION_END,
    };
    const opt_command spec = {
        .name = "lab fs-decrypt",
        .synopsis = "--in SESSION --inkey SERVERKEY",
        .about = "The attacker who recorded SESSION (glass lab fs-record) and later obtained the\n"
                 "server's long-term key tries to read the recorded message.  It works for RSA\n"
                 "key transport (exit 0) and not for ephemeral Diffie-Hellman (exit 1).\n",
        .opts = opts,
        .example = "  glass lab fs-decrypt --in rsa.session --inkey server.pem\n",
        .max_operands = 0,
    };
    opt_operands rest;
    return opt_parse(&spec, argc, argv, &rest);
}

/* See lab_common.h. */
int lab_fs_decrypt(int argc, char **argv)
{
    const char *cmd = "lab fs-decrypt";
    struct fs_decrypt_args a;
    int st = parse_fs_decrypt(argc, argv, &a);
    if (st != OPT_RUN)
        return st;
    const char *in = a.in;
    const char *inkey = a.inkey;
    int rc = 1;
    if (in == NULL || inkey == NULL)
        return io_error(cmd, "needs --in and --inkey (see --help)");
    uint8_t *text = NULL, *keyfile = NULL, *cr = NULL, *sr = NULL, *enc = NULL, *record = NULL;
    uint8_t *Ys = NULL, *sig = NULL, *Yc = NULL;
    size_t text_len = 0, key_len = 0, crl = 0, srl = 0, encl = 0, recl = 0, ysl = 0, sigl = 0, ycl = 0;
    rsa_private_key key;
    rsa_public_key pub;
    rsa_private_init(&key);
    rsa_public_init(&pub);
    if (lab_read(cmd, in, &text, &text_len) || lab_read(cmd, inkey, &keyfile, &key_len))
        goto cleanup;
    glass_err err = ca_key_load_private(keyfile, key_len, NULL, &key);
    if (err != GLASS_OK) {
        io_error(cmd, "%s: %s", inkey, glass_strerror(err));
        goto cleanup;
    }
    rsa_public_from_private(&pub, &key);
    const char *t = (const char *)text;
    int is_rsa = strstr(t, "\nkx = rsa\n") != NULL, is_dhe = strstr(t, "\nkx = dhe\n") != NULL;
    if ((!is_rsa && !is_dhe) || get(t, "client_random", &cr, &crl) || crl != 32 ||
        get(t, "server_random", &sr, &srl) || srl != 32 || get(t, "record", &record, &recl) ||
        recl < 16 + 16 + 32 || (recl - 48) % 16 != 0) {
        io_error(cmd, "%s: not a recording made by glass lab fs-record", in);
        goto cleanup;
    }
    if (is_dhe) {
        if (get(t, "server_dh_public", &Ys, &ysl) || get(t, "server_signature", &sig, &sigl) ||
            get(t, "client_dh_public", &Yc, &ycl)) {
            io_error(cmd, "%s: DHE recording lacks its public values", in);
            goto cleanup;
        }
        uint8_t *signed_data = malloc(64 + ysl);
        if (signed_data == NULL)
            goto cleanup;
        memcpy(signed_data, cr, 32);
        memcpy(signed_data + 32, sr, 32);
        memcpy(signed_data + 64, Ys, ysl);
        err = rsa_pkcs1v15_verify(&pub, signed_data, 64 + ysl, sig, sigl);
        free(signed_data);
        printf("key exchange: ephemeral Diffie-Hellman (ffdhe2048)\n");
        printf("the leaked key %s the server's signature on g^y: it authenticated the server,\n"
               "and that is all it ever did in this session.\n",
               err == GLASS_OK ? "verifies" : "does NOT verify");
        printf("to get the pre_master_secret Z = g^(xy) mod p the attacker needs x (the client's\n"
               "ephemeral secret) or y (the server's); it has only g^x and g^y from the\n"
               "recording, and computing Z from those is the Diffie-Hellman problem.\n"
               "x and y were wiped when the handshake ended: the recording stays secret.\n");
        printf("result: cannot decrypt the recorded message (forward secrecy)\n");
        goto cleanup;
    }
    /* RSA key transport: the leaked key opens the pre-master secret. */
    if (get(t, "encrypted_pre_master_secret", &enc, &encl)) {
        io_error(cmd, "%s: RSA recording lacks the encrypted pre-master secret", in);
        goto cleanup;
    }
    uint8_t pms[256], mac_key[32], enc_key[32], mac[32], pt[1024 + 16];
    size_t pms_len = 0, pt_len = 0;
    err = rsa_pkcs1v15_decrypt(&key, enc, encl, pms, sizeof pms, &pms_len);
    if (err != GLASS_OK) {
        io_error(cmd, "decrypting the pre-master secret: %s (is this the server's key?)",
                  glass_strerror(err));
        goto cleanup;
    }
    printf("key exchange: RSA key transport\n");
    lab_print_hex("pre_master_secret (decrypted with the leaked key)", pms, pms_len);
    err = client_keys(pms, pms_len, cr, sr, mac_key, enc_key);
    glass_wipe(pms, sizeof pms);
    if (err != GLASS_OK)
        goto cleanup;
    hmac_sha256(mac_key, 32, record, recl - 32, mac);
    if (!glass_ct_equal(mac, record + recl - 32, 32)) {
        io_error(cmd, "the record's MAC does not check: wrong key or damaged recording");
        goto cleanup;
    }
    aes256_ctx aes;
    if (aes256_init(&aes, enc_key, 32) != GLASS_OK ||
        aes256_cbc_decrypt_pkcs7(&aes, record, record + 16, recl - 48, pt, sizeof pt, &pt_len) !=
            GLASS_OK) {
        io_error(cmd, "decryption failed");
        goto cleanup;
    }
    aes256_clear(&aes);
    printf("recorded message: \"%.*s\"\n", (int)pt_len, (const char *)pt);
    printf("result: decrypted the recorded session with the leaked key (no forward secrecy)\n");
    glass_wipe(pt, sizeof pt);
    glass_wipe(mac_key, sizeof mac_key);
    glass_wipe(enc_key, sizeof enc_key);
    rc = 0;

cleanup:
    if (keyfile != NULL)
        glass_wipe(keyfile, key_len);
    free(keyfile);
    free(text);
    free(cr);
    free(sr);
    free(enc);
    free(record);
    free(Ys);
    free(sig);
    free(Yc);
    rsa_private_clear(&key);
    rsa_public_clear(&pub);
    return rc;
}

#else
/* The normal build has no lab code; this keeps the file a valid C11 unit. */
typedef int lab_fs_not_in_this_build;
#endif
