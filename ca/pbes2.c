/*
 * pbes2.c — password-based encryption of any content with PBES2 (RFC 8018
 * §6.2), the one scheme PKCS#12 files use for both their certificate
 * bags and their key bags today (OpenSSL 3's default, RFC 9579 §1):
 *
 *   AlgorithmIdentifier ::= SEQUENCE {
 *       algorithm   id-PBES2 (1.2.840.113549.1.5.13),
 *       parameters  PBES2-params ::= SEQUENCE {                 RFC 8018 A.4
 *           keyDerivationFunc SEQUENCE { id-PBKDF2,
 *               PBKDF2-params ::= SEQUENCE {                    A.2
 *                   salt OCTET STRING, iterationCount INTEGER,
 *                   keyLength INTEGER OPTIONAL,
 *                   prf AlgorithmIdentifier DEFAULT hmacWithSHA1 } },
 *           encryptionScheme SEQUENCE { aes256-CBC, iv OCTET STRING (16) } } }
 *
 * Encryption (§6.2.1): 1. a fresh salt; 2. DK = PBKDF2(P, S, c, 32);
 * 3-4. C = AES-256-CBC(DK, IV, M || PKCS#7 padding).  Decryption (§6.2.2)
 * runs it backwards.  The password P is used as its bytes (UTF-8), which
 * is what RFC 8018 and OpenSSL do for PBES2 inside PKCS#12 (only PKCS#12's
 * own key derivation, used here for the MAC, turns it into a BMPString).
 *
 * Read in this order: read_params, pbes2_content_decrypt, pbes2_content_encrypt.
 * ca/keyfile.c calls the same two functions for encrypted PKCS#8 keys
 * (EncryptedPrivateKeyInfo, RFC 5958 §3), so one set of rules holds for
 * both files: PBKDF2-HMAC-SHA256, AES-256-CBC, and at most
 * KEY_MAX_ITERATIONS iterations, because the count costs time and a
 * hostile file must not be able to ask for seconds of PBKDF2.
 *
 * CT: bad padding and a wrong password give the one error
 * GLASS_ERR_KEY_PASSWORD, and the padding check itself is constant time
 * (aes/modes.c), so this is no padding oracle.  DK and the plaintext
 * buffers are wiped.
 */
#include "ca/ca.h"
#include "ca/ca_internal.h"

#include "aes/aes.h"
#include "asn1/asn1.h"
#include "hmac/hmac.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PBES2_SALT_LEN 16

typedef struct pbes2_params {
    const uint8_t *salt;
    size_t salt_len;
    long iterations;
    const uint8_t *iv;
    int supported;      /* PBKDF2 + hmacWithSHA256 + aes256-CBC */
    const char *why;    /* what is not, when !supported */
} pbes2_params;

/* Reads the AlgorithmIdentifier above.  A well-formed but unsupported
 * choice sets supported = 0 and why (and returns GLASS_OK, so that -info
 * can still describe it). */
static glass_err read_params(const der_elem *alg, pbes2_params *pp)
{
    der_elem params, kdf, kp_e, enc, prf;
    const uint8_t *oid;
    size_t oid_len, iv_len;
    int present;
    glass_err err;
    memset(pp, 0, sizeof *pp);
    pp->supported = 1;
    der_reader a = der_enter(alg);
    if ((err = der_read_oid(&a, &oid, &oid_len)) != GLASS_OK)
        return err;
    if (!der_oid_eq(oid, oid_len, &ASN1_OID_PBES2)) {
        pp->supported = 0;
        pp->why = "not PBES2 (an older PKCS#12 or PKCS#5 v1 scheme: openssl -legacy)";
        return GLASS_OK;
    }
    if ((err = der_read(&a, DER_SEQUENCE, &params)) != GLASS_OK || (err = der_finish(&a)) != GLASS_OK)
        return err;
    der_reader p = der_enter(&params);
    /* keyDerivationFunc: id-PBKDF2 and its parameters. */
    if ((err = der_read(&p, DER_SEQUENCE, &kdf)) != GLASS_OK)
        return err;
    der_reader k = der_enter(&kdf);
    if ((err = der_read_oid(&k, &oid, &oid_len)) != GLASS_OK)
        return err;
    if (!der_oid_eq(oid, oid_len, &ASN1_OID_PBKDF2)) {
        pp->supported = 0;
        pp->why = "a key derivation other than PBKDF2";
        return GLASS_OK;
    }
    if ((err = der_read(&k, DER_SEQUENCE, &kp_e)) != GLASS_OK || (err = der_finish(&k)) != GLASS_OK)
        return err;
    der_reader kp = der_enter(&kp_e);
    if ((err = der_read_octets(&kp, &pp->salt, &pp->salt_len)) != GLASS_OK ||
        (err = der_read_long(&kp, &pp->iterations)) != GLASS_OK)
        return err;
    if (der_peek_tag(&kp) == DER_INTEGER) {
        long key_len;
        if ((err = der_read_long(&kp, &key_len)) != GLASS_OK)
            return err;
        if (key_len != AES256_KEY_LEN)
            pp->supported = 0, pp->why = "a key length other than AES-256's 32 bytes";
    }
    if ((err = der_read_optional(&kp, DER_SEQUENCE, &prf, &present)) != GLASS_OK)
        return err;
    if (!present) {
        pp->supported = 0, pp->why = "PBKDF2 with HMAC-SHA1 (glasstls has no SHA-1)";
    } else {
        der_reader pr = der_enter(&prf);
        if ((err = der_read_oid(&pr, &oid, &oid_len)) != GLASS_OK)
            return err;
        if (!der_oid_eq(oid, oid_len, &ASN1_OID_HMAC_SHA256))
            pp->supported = 0, pp->why = "PBKDF2 with a PRF other than hmacWithSHA256";
        /* hmacWithSHA256's parameters are NULL (RFC 8018 B.1.2); absent is
         * also seen in the wild.  Anything else is not DER we read. */
        else if ((!der_at_end(&pr) && (err = der_read_null(&pr)) != GLASS_OK) ||
                 (err = der_finish(&pr)) != GLASS_OK)
            return err;
    }
    if ((err = der_finish(&kp)) != GLASS_OK)
        return err;
    /* encryptionScheme: aes256-CBC with its IV. */
    if ((err = der_read(&p, DER_SEQUENCE, &enc)) != GLASS_OK || (err = der_finish(&p)) != GLASS_OK)
        return err;
    der_reader e = der_enter(&enc);
    if ((err = der_read_oid(&e, &oid, &oid_len)) != GLASS_OK)
        return err;
    if (!der_oid_eq(oid, oid_len, &ASN1_OID_AES256_CBC)) {
        pp->supported = 0, pp->why = "a cipher other than AES-256-CBC";
        return GLASS_OK;
    }
    if ((err = der_read_octets(&e, &pp->iv, &iv_len)) != GLASS_OK)
        return err;
    if (iv_len != AES_BLOCK_LEN)
        return GLASS_ERR_DER_VALUE;
    if (pp->iterations < 1 || (unsigned long)pp->iterations > KEY_MAX_ITERATIONS)
        pp->supported = 0, pp->why = "an iteration count outside 1..1000000";
    return der_finish(&e);
}

/* See ca_internal.h. */
glass_err pbes2_content_describe(const der_elem *alg, char *out, size_t cap)
{
    pbes2_params pp;
    glass_err err = read_params(alg, &pp);
    if (err != GLASS_OK)
        return err;
    if (pp.supported)
        snprintf(out, cap, "PBES2, PBKDF2, AES-256-CBC, Iteration %ld, PRF hmacWithSHA256",
                 pp.iterations);
    else
        snprintf(out, cap, "%s", pp.why);
    return GLASS_OK;
}

/* See ca_internal.h. */
glass_err pbes2_content_decrypt(const der_elem *alg, const char *password, const uint8_t *ct,
                        size_t ct_len, uint8_t **pt, size_t *pt_len)
{
    pbes2_params pp;
    uint8_t dk[AES256_KEY_LEN];
    aes256_ctx aes;
    glass_err err = read_params(alg, &pp);
    if (err != GLASS_OK)
        return err;
    if (!pp.supported)
        return GLASS_ERR_KEY_ENCRYPTION;
    if (password == NULL)
        return GLASS_ERR_KEY_PASSWORD;
    if (ct_len == 0 || ct_len % AES_BLOCK_LEN != 0)
        return GLASS_ERR_KEY_PASSWORD;
    uint8_t *plain = malloc(ct_len);
    if (plain == NULL)
        return GLASS_ERR_NOMEM;
    memset(&aes, 0, sizeof aes);
    /* §6.2.2 steps 2-3: DK = PBKDF2(P, S, c, 32). */
    err = pbkdf2_hmac_sha256((const uint8_t *)password, strlen(password), pp.salt, pp.salt_len,
                             (uint32_t)pp.iterations, dk, sizeof dk);
    if (err == GLASS_OK)
        err = aes256_init(&aes, dk, sizeof dk);
    /* Steps 4-5: decrypt and remove the padding; a failure means "wrong". */
    if (err == GLASS_OK &&
        aes256_cbc_decrypt_pkcs7(&aes, pp.iv, ct, ct_len, plain, ct_len, pt_len) != GLASS_OK)
        err = GLASS_ERR_KEY_PASSWORD;
    glass_wipe(dk, sizeof dk);
    aes256_clear(&aes);
    if (err != GLASS_OK) {
        glass_wipe(plain, ct_len);
        free(plain);
        return err;
    }
    *pt = plain;
    return GLASS_OK;
}

/* See ca_internal.h. */
glass_err pbes2_content_encrypt(der_buf *alg, const char *password, uint32_t iterations,
                        const uint8_t *in, size_t len, uint8_t **ct, size_t *ct_len)
{
    uint8_t salt[PBES2_SALT_LEN], iv[AES_BLOCK_LEN], dk[AES256_KEY_LEN];
    aes256_ctx aes;
    size_t cap = (len / AES_BLOCK_LEN + 1) * AES_BLOCK_LEN;
    glass_err err;
    if (password == NULL || iterations == 0 || iterations > KEY_MAX_ITERATIONS)
        return GLASS_ERR_ARG;
    uint8_t *out = malloc(cap);
    if (out == NULL)
        return GLASS_ERR_NOMEM;
    memset(&aes, 0, sizeof aes);
    /* §6.2.1 step 1: a fresh salt (§4.1) and IV each time. */
    if ((err = glass_random(salt, sizeof salt)) == GLASS_OK &&
        (err = glass_random(iv, sizeof iv)) == GLASS_OK)
        err = pbkdf2_hmac_sha256((const uint8_t *)password, strlen(password), salt, sizeof salt,
                                 iterations, dk, sizeof dk);
    if (err == GLASS_OK && (err = aes256_init(&aes, dk, sizeof dk)) == GLASS_OK)
        err = aes256_cbc_encrypt_pkcs7(&aes, iv, in, len, out, cap, ct_len);
    glass_wipe(dk, sizeof dk);
    aes256_clear(&aes);
    if (err != GLASS_OK) {
        free(out);
        return err;
    }
    /* The AlgorithmIdentifier, as drawn at the top. */
    size_t top = der_begin(alg);
    der_put_oid(alg, ASN1_OID_PBES2.der, ASN1_OID_PBES2.len);
    size_t params = der_begin(alg);
    size_t kdf = der_begin(alg);
    der_put_oid(alg, ASN1_OID_PBKDF2.der, ASN1_OID_PBKDF2.len);
    size_t kdfp = der_begin(alg);
    der_put_octets(alg, salt, sizeof salt);
    der_put_uint(alg, iterations);
    size_t prf = der_begin(alg);
    der_put_oid(alg, ASN1_OID_HMAC_SHA256.der, ASN1_OID_HMAC_SHA256.len);
    der_put_null(alg);
    der_end(alg, prf, DER_SEQUENCE);
    der_end(alg, kdfp, DER_SEQUENCE);
    der_end(alg, kdf, DER_SEQUENCE);
    size_t enc = der_begin(alg);
    der_put_oid(alg, ASN1_OID_AES256_CBC.der, ASN1_OID_AES256_CBC.len);
    der_put_octets(alg, iv, sizeof iv);
    der_end(alg, enc, DER_SEQUENCE);
    der_end(alg, params, DER_SEQUENCE);
    der_end(alg, top, DER_SEQUENCE);
    *ct = out;
    return GLASS_OK;
}
