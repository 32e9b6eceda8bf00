/*
 * pkcs12.c — PKCS#12 files (RFC 7292, v1.1, July 2014): a certificate, its
 * chain and its private key in one password-protected file, the form a
 * browser or a mail program imports.  The layers, outermost first:
 *
 *   PFX ::= SEQUENCE {                                          §4
 *       version  INTEGER (3),
 *       authSafe ContentInfo { id-data, [0] EXPLICIT OCTET STRING {
 *           AuthenticatedSafe ::= SEQUENCE OF ContentInfo {         §5.1
 *             1. id-encryptedData, [0] EXPLICIT EncryptedData {      RFC 5652 §8
 *                    version 0, EncryptedContentInfo { id-data,
 *                    PBES2 AlgorithmIdentifier (pbes2.c),
 *                    [0] IMPLICIT encryptedContent = PBES2(SafeContents of
 *                        certBags) } },
 *             2. id-data, [0] EXPLICIT OCTET STRING { SafeContents of
 *                    one pkcs8ShroudedKeyBag } } } },
 *       macData  MacData OPTIONAL }       HMAC-SHA256 over the OCTET STRING's
 *                                          contents (pkcs12_mac.c)
 *
 *   SafeBag ::= SEQUENCE { bagId OID, bagValue [0] EXPLICIT ...,    RFC 7292 §4.2
 *                          bagAttributes SET OF Attribute OPTIONAL }
 *     certBag:              CertBag { x509Certificate, [0] EXPLICIT
 *                           OCTET STRING (the certificate's DER) } RFC 7292 §4.2.3
 *     pkcs8ShroudedKeyBag:  EncryptedPrivateKeyInfo (RFC 5958 §3,
 *                           read and written by ca/keyfile.c) RFC 7292 §4.2.2
 *     keyBag:               PrivateKeyInfo, unencrypted (read only) RFC 7292 §4.2.1
 *   Attributes: friendlyName (BMPString), localKeyID (OCTET STRING: the
 *   same bytes on a certificate and its key tie the two together).
 *
 * This is exactly the shape `openssl pkcs12 -export` writes in OpenSSL 3
 * (check with `openssl pkcs12 -info`): so each reads the other's files.
 *
 * Read in this order: the OIDs, then writing (put_attributes, put_cert_bag,
 * pkcs12_create), then reading (read_bag, read_safe_contents, read_authsafe,
 * pkcs12_parse).
 *
 * CT: the key is handled by keyfile.c and the bags' encryption by pbes2.c
 * (one error for every failure after the key derivation); the MAC is
 * compared in constant time.  This file only walks public structure.
 */
#include "ca/ca.h"
#include "ca/ca_internal.h"

#include "asn1/asn1.h"
#include "sha/sha256.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- object identifiers (RFC 7292 Appendix D, RFC 5652 §4, §8) ---------- */

#define PKCS_OID(...) {__VA_ARGS__}
static const uint8_t oid_data[] = PKCS_OID(0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x01);
static const uint8_t oid_encrypted_data[] = PKCS_OID(0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01,
                                                     0x07, 0x06);
static const uint8_t oid_key_bag[] = PKCS_OID(0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x0c,
                                              0x0a, 0x01, 0x01);
static const uint8_t oid_shrouded_bag[] = PKCS_OID(0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x0c,
                                                   0x0a, 0x01, 0x02);
static const uint8_t oid_cert_bag[] = PKCS_OID(0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x0c,
                                               0x0a, 0x01, 0x03);
static const uint8_t oid_x509_cert[] = PKCS_OID(0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09,
                                                0x16, 0x01);
static const uint8_t oid_friendly_name[] = PKCS_OID(0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01,
                                                    0x09, 0x14);
static const uint8_t oid_local_key_id[] = PKCS_OID(0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01,
                                                   0x09, 0x15);

static int oid_is(const uint8_t *v, size_t len, const uint8_t *oid, size_t oid_len)
{
    return len == oid_len && memcmp(v, oid, len) == 0;
}
#define OID_IS(v, len, name) oid_is(v, len, name, sizeof name)

/* ---- writing -------------------------------------------------------------- */

/* Appends one Attribute { attrId, SET { value } } as its own DER. */
static glass_err encode_attribute(const uint8_t *oid, size_t oid_len, uint8_t tag,
                                  const uint8_t *v, size_t len, uint8_t **der, size_t *der_len)
{
    der_buf b;
    der_buf_init(&b);
    size_t at = der_begin(&b);
    der_put_oid(&b, oid, oid_len);
    size_t set = der_begin(&b);
    der_put_tlv(&b, tag, v, len);
    der_end(&b, set, DER_SET);
    der_end(&b, at, DER_SEQUENCE);
    return der_buf_take(&b, der, der_len);
}

/* bagAttributes: SET OF Attribute, friendlyName (as a BMPString) when name
 * is given, and localKeyID.  DER sorts a SET OF by the encodings, as octet
 * strings with the shorter padded with zeros (X.690 §11.6). */
static glass_err put_attributes(der_buf *b, const char *name, const uint8_t id[32])
{
    uint8_t *enc[2] = {NULL, NULL};
    size_t len[2] = {0, 0}, n = 0;
    glass_err err = encode_attribute(oid_local_key_id, sizeof oid_local_key_id, DER_OCTET_STRING,
                                     id, 32, &enc[n], &len[n]);
    n++;
    if (err == GLASS_OK && name != NULL) {
        size_t nl = strlen(name);
        uint8_t *bmp = malloc(2 * nl + 1);
        if (bmp == NULL)
            err = GLASS_ERR_NOMEM;
        for (size_t i = 0; bmp != NULL && i < nl; i++) {
            bmp[2 * i] = 0;   /* ASCII in BMPString: 00 xx (UTF-16BE) */
            bmp[2 * i + 1] = (uint8_t)name[i];
        }
        if (err == GLASS_OK)
            err = encode_attribute(oid_friendly_name, sizeof oid_friendly_name, DER_BMP_STRING,
                                   bmp, 2 * nl, &enc[n], &len[n]);
        free(bmp);
        n++;
    }
    if (err == GLASS_OK) {
        int swap = 0;
        if (n == 2) {
            size_t m = len[0] < len[1] ? len[0] : len[1];
            int c = memcmp(enc[0], enc[1], m);
            swap = c > 0 || (c == 0 && len[0] > len[1]);
        }
        size_t set = der_begin(b);
        for (size_t i = 0; i < n; i++) {
            size_t k = swap ? n - 1 - i : i;
            der_put_raw(b, enc[k], len[k]);
        }
        der_end(b, set, DER_SET);
    }
    free(enc[0]);
    free(enc[1]);
    return err;
}

/* One certBag SafeBag; attributes only for the key's own certificate. */
static glass_err put_cert_bag(der_buf *b, const x509_cert *c, const char *name,
                              const uint8_t *id)
{
    size_t bag = der_begin(b);
    der_put_oid(b, oid_cert_bag, sizeof oid_cert_bag);
    size_t v = der_begin(b);
    size_t cb = der_begin(b);
    der_put_oid(b, oid_x509_cert, sizeof oid_x509_cert);
    size_t cv = der_begin(b);
    der_put_octets(b, c->der, c->der_len);
    der_end(b, cv, DER_CONTEXT_CONS(0));
    der_end(b, cb, DER_SEQUENCE);
    der_end(b, v, DER_CONTEXT_CONS(0));
    glass_err err = id != NULL ? put_attributes(b, name, id) : GLASS_OK;
    der_end(b, bag, DER_SEQUENCE);
    return err;
}

/* ContentInfo { id-encryptedData, [0] EncryptedData { 0, { id-data, alg,
 * [0] IMPLICIT ciphertext } } } around PBES2(plain). */
static glass_err put_encrypted_data(der_buf *b, const char *password, uint32_t iterations,
                                    const uint8_t *plain, size_t len)
{
    uint8_t *ct = NULL;
    size_t ct_len = 0;
    der_buf alg;
    der_buf_init(&alg);
    glass_err err = pbes2_content_encrypt(&alg, password, iterations, plain, len, &ct, &ct_len);
    if (err == GLASS_OK && (err = alg.err) == GLASS_OK) {
        size_t ci = der_begin(b);
        der_put_oid(b, oid_encrypted_data, sizeof oid_encrypted_data);
        size_t c0 = der_begin(b);
        size_t ed = der_begin(b);
        der_put_uint(b, 0);
        size_t eci = der_begin(b);
        der_put_oid(b, oid_data, sizeof oid_data);
        der_put_raw(b, alg.data, alg.len);
        der_put_tlv(b, DER_CONTEXT_PRIM(0), ct, ct_len);
        der_end(b, eci, DER_SEQUENCE);
        der_end(b, ed, DER_SEQUENCE);
        der_end(b, c0, DER_CONTEXT_CONS(0));
        der_end(b, ci, DER_SEQUENCE);
    }
    der_buf_free(&alg);
    free(ct);
    return err;
}

/* The AuthenticatedSafe: encrypted certificates, then the shrouded key. */
static glass_err build_authsafe(const rsa_private_key *key, const x509_cert *cert,
                                const x509_cert *extra, size_t n_extra, const char *name,
                                const char *password, uint32_t iterations, der_buf *out)
{
    uint8_t id[32], *certs = NULL, *keys = NULL, *epki = NULL;
    size_t certs_len = 0, keys_len = 0, epki_len = 0;
    der_buf b;
    /* localKeyID: the SHA-256 of the certificate, on it and on its key. */
    sha256(cert->der, cert->der_len, id);
    der_buf_init(&b);
    size_t sc = der_begin(&b);
    glass_err err = put_cert_bag(&b, cert, name, id);
    for (size_t i = 0; err == GLASS_OK && i < n_extra; i++)
        err = put_cert_bag(&b, &extra[i], NULL, NULL);
    der_end(&b, sc, DER_SEQUENCE);
    if (err == GLASS_OK)
        err = der_buf_take(&b, &certs, &certs_len);
    der_buf_free(&b);
    if (err == GLASS_OK)
        err = ca_key_encode_private(key, KEY_FORMAT_PKCS8_ENCRYPTED, password, iterations, &epki,
                                 &epki_len);
    if (err == GLASS_OK) {
        der_buf_init(&b);
        size_t ks = der_begin(&b);
        size_t bag = der_begin(&b);
        der_put_oid(&b, oid_shrouded_bag, sizeof oid_shrouded_bag);
        size_t v = der_begin(&b);
        der_put_raw(&b, epki, epki_len);
        der_end(&b, v, DER_CONTEXT_CONS(0));
        err = put_attributes(&b, name, id);
        der_end(&b, bag, DER_SEQUENCE);
        der_end(&b, ks, DER_SEQUENCE);
        glass_err e2 = der_buf_take(&b, &keys, &keys_len);
        if (err == GLASS_OK)
            err = e2;
        der_buf_free(&b);
    }
    if (err == GLASS_OK) {
        size_t as = der_begin(out);
        err = put_encrypted_data(out, password, iterations, certs, certs_len);
        size_t ci = der_begin(out);
        der_put_oid(out, oid_data, sizeof oid_data);
        size_t c0 = der_begin(out);
        der_put_octets(out, keys, keys_len);
        der_end(out, c0, DER_CONTEXT_CONS(0));
        der_end(out, ci, DER_SEQUENCE);
        der_end(out, as, DER_SEQUENCE);
    }
    free(certs);
    free(epki);   /* already encrypted, but wiped by habit */
    free(keys);
    return err;
}

/* See ca.h. */
glass_err pkcs12_create(const rsa_private_key *key, const x509_cert *cert,
                        const x509_cert *extra, size_t n_extra, const char *name,
                        const char *password, uint32_t iterations, uint8_t **der, size_t *len)
{
    der_buf as, b;
    if (key == NULL || cert == NULL || password == NULL || password[0] == '\0' ||
        der == NULL || len == NULL || (n_extra > 0 && extra == NULL) ||
        n_extra + 1 > PKCS12_MAX_CERTS || (name != NULL && strlen(name) >= PKCS12_NAME_MAX))
        return GLASS_ERR_ARG;
    if (mpz_cmp(key->n, cert->pub.n) != 0 || mpz_cmp(key->e, cert->pub.e) != 0)
        return GLASS_ERR_ARG;
    if (iterations == 0)
        iterations = PKCS12_DEFAULT_ITERATIONS;
    der_buf_init(&as);
    der_buf_init(&b);
    glass_err err = build_authsafe(key, cert, extra, n_extra, name, password, iterations, &as);
    if (err == GLASS_OK && (err = as.err) == GLASS_OK) {
        size_t pfx = der_begin(&b);
        der_put_uint(&b, 3);
        size_t ci = der_begin(&b);
        der_put_oid(&b, oid_data, sizeof oid_data);
        size_t c0 = der_begin(&b);
        der_put_octets(&b, as.data, as.len);
        der_end(&b, c0, DER_CONTEXT_CONS(0));
        der_end(&b, ci, DER_SEQUENCE);
        /* The MAC covers the AuthenticatedSafe's DER: the OCTET STRING's
         * contents (RFC 7292 §5.1 step 6). */
        err = pkcs12_mac_put(&b, password, iterations, as.data, as.len);
        der_end(&b, pfx, DER_SEQUENCE);
    }
    if (err == GLASS_OK)
        err = der_buf_take(&b, der, len);
    der_buf_free(&as);
    der_buf_free(&b);
    return err;
}

/* ---- reading --------------------------------------------------------------- */

/* Adds one line to what -info shows. */
static void note(pkcs12_contents *c, const char *line)
{
    size_t have = strlen(c->info);
    snprintf(c->info + have, sizeof c->info - have, "%s\n", line);
}

/* bagAttributes: keeps the first friendlyName (its ASCII characters). */
static glass_err read_attributes(der_reader *r, pkcs12_contents *c)
{
    der_elem set, attr, values, v;
    int present;
    const uint8_t *oid;
    size_t oid_len;
    glass_err err = der_read_optional(r, DER_SET, &set, &present);
    if (err != GLASS_OK || !present)
        return err;
    der_reader s = der_enter(&set);
    while (!der_at_end(&s)) {
        if ((err = der_read(&s, DER_SEQUENCE, &attr)) != GLASS_OK)
            return err;
        der_reader a = der_enter(&attr);
        if ((err = der_read_oid(&a, &oid, &oid_len)) != GLASS_OK ||
            (err = der_read(&a, DER_SET, &values)) != GLASS_OK || (err = der_finish(&a)) != GLASS_OK)
            return err;
        der_reader vs = der_enter(&values);
        if ((err = der_read_any(&vs, &v)) != GLASS_OK)
            return err;
        if (OID_IS(oid, oid_len, oid_friendly_name) && v.tag == DER_BMP_STRING &&
            c->name[0] == '\0') {
            size_t o = 0;
            for (size_t i = 0; i + 1 < v.len && o + 1 < sizeof c->name; i += 2)
                c->name[o++] = v.val[i] == 0 && v.val[i + 1] >= 0x20 && v.val[i + 1] < 0x7f
                                   ? (char)v.val[i + 1]
                                   : '?';
            c->name[o] = '\0';
        }
    }
    return GLASS_OK;
}

/* A certBag's value: CertBag { x509Certificate, [0] { OCTET STRING } }. */
static glass_err read_cert_bag(const der_elem *value, pkcs12_contents *c)
{
    der_elem cb, wrap;
    const uint8_t *oid, *cert;
    size_t oid_len, cert_len;
    der_reader v = der_enter(value);
    glass_err err = der_read(&v, DER_SEQUENCE, &cb);
    if (err != GLASS_OK || (err = der_finish(&v)) != GLASS_OK)
        return err;
    der_reader r = der_enter(&cb);
    if ((err = der_read_oid(&r, &oid, &oid_len)) != GLASS_OK ||
        (err = der_read(&r, DER_CONTEXT_CONS(0), &wrap)) != GLASS_OK ||
        (err = der_finish(&r)) != GLASS_OK)
        return err;
    if (!OID_IS(oid, oid_len, oid_x509_cert)) {
        note(c, "Certificate bag of another kind (SDSI?): skipped");
        return GLASS_OK;
    }
    der_reader w = der_enter(&wrap);
    if ((err = der_read_octets(&w, &cert, &cert_len)) != GLASS_OK || (err = der_finish(&w)) != GLASS_OK)
        return err;
    if (c->n_certs >= PKCS12_MAX_CERTS)
        return GLASS_ERR_X509_PARSE;
    x509_cert *grown = realloc(c->certs, (c->n_certs + 1) * sizeof *grown);
    if (grown == NULL)
        return GLASS_ERR_NOMEM;
    c->certs = grown;
    if ((err = x509_parse(&c->certs[c->n_certs], cert, cert_len)) != GLASS_OK)
        return err;
    c->n_certs++;
    note(c, "Certificate bag");
    return GLASS_OK;
}

/* A key bag: PrivateKeyInfo (keyBag) or EncryptedPrivateKeyInfo
 * (pkcs8ShroudedKeyBag), both read by ca/keyfile.c. */
static glass_err read_key_bag(const der_elem *value, int shrouded, const char *password,
                              pkcs12_contents *c)
{
    der_elem inner, alg;
    char line[160], how[120] = "";
    der_reader v = der_enter(value);
    glass_err err = der_read(&v, DER_SEQUENCE, &inner);
    if (err != GLASS_OK || (err = der_finish(&v)) != GLASS_OK)
        return err;
    if (shrouded) {
        der_reader e = der_enter(&inner);
        if ((err = der_read(&e, DER_SEQUENCE, &alg)) != GLASS_OK ||
            (err = pbes2_content_describe(&alg, how, sizeof how)) != GLASS_OK)
            return err;
    }
    snprintf(line, sizeof line, "%s%s", shrouded ? "Shrouded Keybag: " : "Key bag", how);
    note(c, line);
    if (c->have_key)
        return GLASS_OK;    /* a second key: the first one is kept */
    if ((err = ca_key_load_private(inner.start, der_elem_size(&inner), shrouded ? password : NULL,
                                &c->key)) != GLASS_OK)
        return err;
    c->have_key = 1;
    return GLASS_OK;
}

/* One SafeBag (RFC 7292 §4.2). */
static glass_err read_bag(const der_elem *bag, const char *password, pkcs12_contents *c)
{
    der_elem value;
    const uint8_t *oid;
    size_t oid_len;
    der_reader r = der_enter(bag);
    glass_err err = der_read_oid(&r, &oid, &oid_len);
    if (err != GLASS_OK || (err = der_read(&r, DER_CONTEXT_CONS(0), &value)) != GLASS_OK ||
        (err = read_attributes(&r, c)) != GLASS_OK || (err = der_finish(&r)) != GLASS_OK)
        return err;
    if (OID_IS(oid, oid_len, oid_cert_bag))
        return read_cert_bag(&value, c);
    if (OID_IS(oid, oid_len, oid_shrouded_bag) || OID_IS(oid, oid_len, oid_key_bag))
        return read_key_bag(&value, OID_IS(oid, oid_len, oid_shrouded_bag), password, c);
    note(c, "Bag of another kind (CRL, secret or nested): skipped");
    return GLASS_OK;
}

/* SafeContents ::= SEQUENCE OF SafeBag. */
static glass_err read_safe_contents(const uint8_t *p, size_t len, const char *password,
                                    pkcs12_contents *c)
{
    der_elem seq, bag;
    glass_err err = der_parse_one(p, len, DER_SEQUENCE, &seq);
    if (err != GLASS_OK)
        return err;
    der_reader r = der_enter(&seq);
    while (!der_at_end(&r) && err == GLASS_OK)
        if ((err = der_read(&r, DER_SEQUENCE, &bag)) == GLASS_OK)
            err = read_bag(&bag, password, c);
    return err;
}

/* EncryptedData (RFC 5652 §8): decrypts it and reads the SafeContents. */
static glass_err read_encrypted(const der_elem *ed_e, const char *password, pkcs12_contents *c)
{
    der_elem eci, alg, ct;
    const uint8_t *oid;
    size_t oid_len;
    long version;
    uint8_t *plain = NULL;
    size_t plain_len = 0;
    char line[160], how[120];
    der_reader r = der_enter(ed_e);
    glass_err err = der_read_long(&r, &version);
    if (err != GLASS_OK || (err = der_read(&r, DER_SEQUENCE, &eci)) != GLASS_OK)
        return err;
    der_reader e = der_enter(&eci);
    if ((err = der_read_oid(&e, &oid, &oid_len)) != GLASS_OK ||
        (err = der_read(&e, DER_SEQUENCE, &alg)) != GLASS_OK ||
        (err = der_read(&e, DER_CONTEXT_PRIM(0), &ct)) != GLASS_OK ||
        (err = der_finish(&e)) != GLASS_OK || (err = pbes2_content_describe(&alg, how, sizeof how)) != GLASS_OK)
        return err;
    snprintf(line, sizeof line, "PKCS7 Encrypted data: %s", how);
    note(c, line);
    if ((err = pbes2_content_decrypt(&alg, password, ct.val, ct.len, &plain, &plain_len)) != GLASS_OK)
        return err;
    err = read_safe_contents(plain, plain_len, password, c);
    glass_wipe(plain, plain_len);
    free(plain);
    return err;
}

/* One ContentInfo of the AuthenticatedSafe (§5.1). */
static glass_err read_content_info(const der_elem *ci, const char *password, pkcs12_contents *c)
{
    der_elem wrap, inner;
    const uint8_t *oid;
    size_t oid_len;
    der_reader r = der_enter(ci);
    glass_err err = der_read_oid(&r, &oid, &oid_len);
    if (err != GLASS_OK || (err = der_read(&r, DER_CONTEXT_CONS(0), &wrap)) != GLASS_OK ||
        (err = der_finish(&r)) != GLASS_OK)
        return err;
    der_reader w = der_enter(&wrap);
    if (OID_IS(oid, oid_len, oid_data)) {
        note(c, "PKCS7 Data");
        if ((err = der_read(&w, DER_OCTET_STRING, &inner)) != GLASS_OK || (err = der_finish(&w)) != GLASS_OK)
            return err;
        return read_safe_contents(inner.val, inner.len, password, c);
    }
    if (OID_IS(oid, oid_len, oid_encrypted_data)) {
        if ((err = der_read(&w, DER_SEQUENCE, &inner)) != GLASS_OK || (err = der_finish(&w)) != GLASS_OK)
            return err;
        return read_encrypted(&inner, password, c);
    }
    note(c, "PKCS7 content of another kind (public-key envelope?): not read here");
    return GLASS_ERR_KEY_ENCRYPTION;
}

/* See ca.h. */
void pkcs12_contents_init(pkcs12_contents *c)
{
    memset(c, 0, sizeof *c);
    rsa_private_init(&c->key);
}

/* See ca.h. */
void pkcs12_contents_free(pkcs12_contents *c)
{
    if (c == NULL)
        return;
    rsa_private_clear(&c->key);
    x509_free_all(c->certs, c->n_certs);
    c->certs = NULL;
    c->n_certs = 0;
    c->have_key = 0;
}

/* Moves the key's own certificate to the front. */
static void key_cert_first(pkcs12_contents *c)
{
    if (!c->have_key)
        return;
    for (size_t i = 1; i < c->n_certs; i++)
        if (mpz_cmp(c->certs[i].pub.n, c->key.n) == 0) {
            x509_cert t = c->certs[0];
            c->certs[0] = c->certs[i];
            c->certs[i] = t;
            return;
        }
}

/* See ca.h. */
glass_err pkcs12_parse(const uint8_t *der, size_t len, const char *password,
                       pkcs12_contents *out)
{
    der_elem pfx, ci, wrap, content, mac, as, item;
    const uint8_t *oid;
    size_t oid_len;
    long version;
    int has_mac;
    char line[160];
    glass_err err = der_parse_one(der, len, DER_SEQUENCE, &pfx);
    if (err != GLASS_OK)
        return err;
    /* 1. PFX { version 3, authSafe, macData }. */
    der_reader r = der_enter(&pfx);
    if ((err = der_read_long(&r, &version)) != GLASS_OK ||
        (err = der_read(&r, DER_SEQUENCE, &ci)) != GLASS_OK ||
        (err = der_read_optional(&r, DER_SEQUENCE, &mac, &has_mac)) != GLASS_OK ||
        (err = der_finish(&r)) != GLASS_OK)
        return err;
    if (version != 3)
        return GLASS_ERR_X509_PARSE;
    der_reader c = der_enter(&ci);
    if ((err = der_read_oid(&c, &oid, &oid_len)) != GLASS_OK)
        return err;
    if (!OID_IS(oid, oid_len, oid_data))
        return GLASS_ERR_KEY_ENCRYPTION;    /* public-key integrity mode */
    if ((err = der_read(&c, DER_CONTEXT_CONS(0), &wrap)) != GLASS_OK || (err = der_finish(&c)) != GLASS_OK)
        return err;
    der_reader w = der_enter(&wrap);
    if ((err = der_read(&w, DER_OCTET_STRING, &content)) != GLASS_OK || (err = der_finish(&w)) != GLASS_OK)
        return err;
    /* 2. The MAC, before anything is decrypted: a wrong password stops here. */
    if (has_mac) {
        p12_mac_info mi;
        err = pkcs12_mac_check(&mac, password, content.val, content.len, &mi);
        if (mi.sha256) {
            snprintf(line, sizeof line, "MAC: sha256, Iteration %ld\nMAC length: %zu, salt length: %zu",
                     mi.iterations, mi.mac_len, mi.salt_len);
            note(out, line);
        } else if (err == GLASS_ERR_KEY_ENCRYPTION) {
            note(out, "MAC: not HMAC-SHA256 (an older file: SHA-1 MAC, openssl -legacy)");
        }
        if (err != GLASS_OK)
            return err;
    } else {
        note(out, "No MAC: nothing protects this file's integrity");
    }
    /* 3. The AuthenticatedSafe: each ContentInfo in turn. */
    if ((err = der_parse_one(content.val, content.len, DER_SEQUENCE, &as)) != GLASS_OK)
        return err;
    der_reader a = der_enter(&as);
    while (!der_at_end(&a) && err == GLASS_OK)
        if ((err = der_read(&a, DER_SEQUENCE, &item)) == GLASS_OK)
            err = read_content_info(&item, password, out);
    if (err == GLASS_OK)
        key_cert_first(out);
    return err;
}
