/*
 * keyfile.c — RSA keys on disk: PKCS#1, PKCS#8, encrypted PKCS#8 (PBES2),
 * SubjectPublicKeyInfo.
 *
 * The structures, outermost first (DER; see ca.h for the PEM labels):
 *
 *   EncryptedPrivateKeyInfo ::= SEQUENCE {             RFC 5958 §3
 *       encryptionAlgorithm  AlgorithmIdentifier {      PBES2, RFC 8018 A.4
 *           id-PBES2, PBES2-params ::= SEQUENCE {
 *               keyDerivationFunc {id-PBKDF2, PBKDF2-params ::= SEQUENCE {
 *                   salt OCTET STRING, iterationCount INTEGER,
 *                   keyLength INTEGER OPTIONAL,
 *                   prf AlgorithmIdentifier DEFAULT hmacWithSHA1 } }
 *               encryptionScheme {aes256-CBC, iv OCTET STRING (16)} } }
 *       encryptedData        OCTET STRING }  = AES-256-CBC(PrivateKeyInfo)
 *
 *   PrivateKeyInfo ::= SEQUENCE {                        RFC 5208 §5
 *       version 0, privateKeyAlgorithm {rsaEncryption, NULL},
 *       privateKey OCTET STRING (RSAPrivateKey),
 *       attributes [0] IMPLICIT ... OPTIONAL }
 *
 *   RSAPrivateKey ::= SEQUENCE {                         RFC 8017 A.1.2
 *       version 0, n, e, d, p, q, dP, dQ, qInv }
 *
 *   SubjectPublicKeyInfo ::= SEQUENCE {                  RFC 5280 §4.1.2.7
 *       algorithm {rsaEncryption, NULL}, subjectPublicKey BIT STRING
 *       (RSAPublicKey ::= SEQUENCE { n, e }, RFC 8017 A.1.1) }
 *
 * Read in this order: the RSAPrivateKey codec, PrivateKeyInfo, then PBES2
 * (load_encrypted / pbes2_encrypt, over pbes2.c), then ca_key_load_private, which tries each
 * form in turn.
 *
 * CT: the key bytes are only parsed and copied here, never computed on.
 * PBES2 decryption reports every failure after the key derivation — bad
 * padding, bad inner DER, an inconsistent key — as the one error
 * GLASS_ERR_KEY_PASSWORD, so the file cannot be used as a padding oracle
 * to learn anything but "wrong".  Every buffer that held key material is
 * wiped.
 */
#include "ca/ca.h"
#include "ca/ca_internal.h"

#include "asn1/asn1.h"

#include <stdlib.h>
#include <string.h>

static void free_wiped(uint8_t *p, size_t len)
{
    if (p != NULL) {
        glass_wipe(p, len);
        free(p);
    }
}

/* ---- RSAPrivateKey (RFC 8017 A.1.2) -------------------------------------- */

static glass_err parse_rsa_private(const uint8_t *der, size_t len, rsa_private_key *key)
{
    der_elem seq;
    long version;
    glass_err err = der_parse_one(der, len, DER_SEQUENCE, &seq);
    if (err != GLASS_OK)
        return err;
    der_reader r = der_enter(&seq);
    /* version 0 is two-prime; 1 (multi-prime) we do not support. */
    if ((err = der_read_long(&r, &version)) != GLASS_OK)
        return err;
    if (version != 0)
        return GLASS_ERR_KEY_FORMAT;
    mpz_ptr fields[8] = {key->n, key->e, key->d, key->p, key->q, key->dP, key->dQ, key->qInv};
    for (int i = 0; i < 8; i++)
        if ((err = der_read_mpz(&r, fields[i])) != GLASS_OK)
            return err;
    return der_finish(&r);
}

static void put_rsa_private(der_buf *b, const rsa_private_key *key)
{
    size_t at = der_begin(b);
    der_put_uint(b, 0);
    der_put_mpz(b, key->n);
    der_put_mpz(b, key->e);
    der_put_mpz(b, key->d);
    der_put_mpz(b, key->p);
    der_put_mpz(b, key->q);
    der_put_mpz(b, key->dP);
    der_put_mpz(b, key->dQ);
    der_put_mpz(b, key->qInv);
    der_end(b, at, DER_SEQUENCE);
}

/* AlgorithmIdentifier { rsaEncryption, NULL } (RFC 8017 A.1 / RFC 3279 §2.3.1). */
static void put_rsa_algorithm(der_buf *b)
{
    size_t at = der_begin(b);
    der_put_oid(b, ASN1_OID_RSA_ENCRYPTION.der, ASN1_OID_RSA_ENCRYPTION.len);
    der_put_null(b);
    der_end(b, at, DER_SEQUENCE);
}

/* Reads AlgorithmIdentifier and requires rsaEncryption with absent or NULL
 * parameters. */
static glass_err read_rsa_algorithm(der_reader *r)
{
    der_elem alg;
    const uint8_t *oid;
    size_t oid_len;
    glass_err err = der_read(r, DER_SEQUENCE, &alg);
    if (err != GLASS_OK)
        return err;
    der_reader a = der_enter(&alg);
    if ((err = der_read_oid(&a, &oid, &oid_len)) != GLASS_OK)
        return err;
    if (!der_oid_eq(oid, oid_len, &ASN1_OID_RSA_ENCRYPTION))
        return GLASS_ERR_KEY_ALGORITHM;
    if (!der_at_end(&a) && (err = der_read_null(&a)) != GLASS_OK)
        return err;
    return der_finish(&a);
}

/* ---- PrivateKeyInfo (RFC 5208 §5, RFC 5958 §2) --------------------------- */

static glass_err parse_pkcs8(const uint8_t *der, size_t len, rsa_private_key *key)
{
    der_elem seq, inner;
    long version;
    glass_err err = der_parse_one(der, len, DER_SEQUENCE, &seq);
    if (err != GLASS_OK)
        return err;
    der_reader r = der_enter(&seq);
    /* 1. version: 0 (RFC 5208), or 1 (RFC 5958 OneAsymmetricKey). */
    if ((err = der_read_long(&r, &version)) != GLASS_OK)
        return err;
    if (version != 0 && version != 1)
        return GLASS_ERR_KEY_FORMAT;
    /* 2. the algorithm, 3. the key itself as an OCTET STRING. */
    if ((err = read_rsa_algorithm(&r)) != GLASS_OK)
        return err;
    if ((err = der_read(&r, DER_OCTET_STRING, &inner)) != GLASS_OK)
        return err;
    /* 4. attributes [0] and publicKey [1] are optional; we skip them. */
    while (!der_at_end(&r)) {
        der_elem extra;
        if ((err = der_read_any(&r, &extra)) != GLASS_OK)
            return err;
        if ((extra.tag & 0xc0) != DER_CLASS_CONTEXT)
            return GLASS_ERR_DER_TAG;
    }
    return parse_rsa_private(inner.val, inner.len, key);
}

static glass_err encode_pkcs8(const rsa_private_key *key, uint8_t **der, size_t *len)
{
    der_buf inner, b;
    uint8_t *pk = NULL;
    size_t pk_len = 0;
    der_buf_init(&inner);
    der_buf_init(&b);
    put_rsa_private(&inner, key);
    glass_err err = der_buf_take(&inner, &pk, &pk_len);
    if (err != GLASS_OK)
        return err;
    size_t at = der_begin(&b);
    der_put_uint(&b, 0);
    put_rsa_algorithm(&b);
    der_put_octets(&b, pk, pk_len);
    der_end(&b, at, DER_SEQUENCE);
    free_wiped(pk, pk_len);
    return der_buf_take(&b, der, len);
}

/* ---- PBES2 (RFC 8018 §6.2) ------------------------------------------------ */

/* Decrypts an EncryptedPrivateKeyInfo into a PrivateKeyInfo and loads it.
 * The PBES2 steps themselves (PBKDF2-HMAC-SHA256, then AES-256-CBC) are
 * pbes2.c's, the same code that opens PKCS#12 bags. */
static glass_err load_encrypted(const uint8_t *der, size_t len, const char *password,
                                rsa_private_key *key)
{
    der_elem seq, alg, data;
    uint8_t *plain = NULL;
    size_t plain_len = 0;
    glass_err err;

    if ((err = der_parse_one(der, len, DER_SEQUENCE, &seq)) != GLASS_OK)
        return err;
    der_reader r = der_enter(&seq);
    if ((err = der_read(&r, DER_SEQUENCE, &alg)) != GLASS_OK ||
        (err = der_read(&r, DER_OCTET_STRING, &data)) != GLASS_OK ||
        (err = der_finish(&r)) != GLASS_OK)
        return err;
    /* 1-2. DK = PBKDF2(P, S, c, 32); M = AES-256-CBC-Decrypt(DK, IV, C)
     *      with the padding removed (RFC 8018 §6.2.2 steps 1-5). */
    err = pbes2_content_decrypt(&alg, password, data.val, data.len, &plain, &plain_len);
    if (err != GLASS_OK)
        return err;
    /* 3. Anything wrong from here on — inner DER, the key's own
     *    consistency — most likely means a wrong password; say only that. */
    err = parse_pkcs8(plain, plain_len, key);
    if (err == GLASS_OK)
        err = rsa_check_private(key);
    if (err != GLASS_OK && err != GLASS_ERR_NOMEM)
        err = GLASS_ERR_KEY_PASSWORD;
    /* pbes2_content_decrypt allocates the ciphertext's length. */
    free_wiped(plain, data.len);
    return err;
}

/* Builds an EncryptedPrivateKeyInfo around PrivateKeyInfo bytes: the
 * AlgorithmIdentifier and the ciphertext come from pbes2.c (a fresh salt
 * and IV for every file, RFC 8018 §4.1). */
static glass_err pbes2_encrypt(const uint8_t *pki, size_t pki_len, const char *password,
                               uint32_t iterations, uint8_t **der, size_t *der_len)
{
    uint8_t *ct = NULL;
    size_t ct_len = 0;
    der_buf b;
    glass_err err;

    der_buf_init(&b);
    size_t top = der_begin(&b);
    err = pbes2_content_encrypt(&b, password, iterations, pki, pki_len, &ct, &ct_len);
    if (err == GLASS_OK) {
        der_put_octets(&b, ct, ct_len);
        der_end(&b, top, DER_SEQUENCE);
        err = der_buf_take(&b, der, der_len);
    }
    der_buf_free(&b);
    free(ct);
    return err;
}

/* ---- the public functions -------------------------------------------------- */

/* Recognises an EncryptedPrivateKeyInfo that we can decrypt by its whole
 * outer shape, not by its first byte or two (RFC 5958 §3, RFC 8018 A.4):
 *
 *     30 ..  SEQUENCE                       EncryptedPrivateKeyInfo
 *        30 ..  SEQUENCE                    encryptionAlgorithm
 *           06 09 2A 86 48 86 F7 0D 01 05 0D    id-PBES2 (1.2.840.113549.1.5.13)
 *           30 ..  PBES2-params             (read by load_encrypted)
 *        04 ..  OCTET STRING                encryptedData
 *
 * and nothing after it.  A certificate also opens with SEQUENCE { SEQUENCE
 * ... }, and must not be taken for an encrypted key (which would ask for a
 * password to open it): its inner SEQUENCE starts with [0] or an INTEGER,
 * and a BIT STRING, not an OCTET STRING, follows.
 * Returns ENC_PBES2 for the shape above, ENC_OTHER for the same shape with
 * another algorithm (PBES1, PKCS#12 PBE: encrypted, but not in a way we
 * read), ENC_NONE for anything else. */
enum enc_shape { ENC_NONE, ENC_PBES2, ENC_OTHER };

static enum enc_shape der_is_encrypted(const uint8_t *der, size_t len)
{
    der_elem seq, alg, data;
    const uint8_t *oid;
    size_t oid_len;
    if (der_parse_one(der, len, DER_SEQUENCE, &seq) != GLASS_OK)
        return ENC_NONE;
    der_reader r = der_enter(&seq);
    if (der_read(&r, DER_SEQUENCE, &alg) != GLASS_OK ||
        der_read(&r, DER_OCTET_STRING, &data) != GLASS_OK || der_finish(&r) != GLASS_OK)
        return ENC_NONE;
    der_reader a = der_enter(&alg);
    if (der_read_oid(&a, &oid, &oid_len) != GLASS_OK)
        return ENC_NONE;
    return der_oid_eq(oid, oid_len, &ASN1_OID_PBES2) ? ENC_PBES2 : ENC_OTHER;
}

/* Finds the first PEM block whose label is one of `labels` (a file may
 * hold a certificate and its key together); other blocks are skipped.  The
 * error is that of the first block when none matches. */
static glass_err pem_find(const uint8_t *data, size_t len, const char *const *labels,
                          char label[PEM_LABEL_MAX], uint8_t **der, size_t *der_len)
{
    size_t off = 0;
    glass_err first = GLASS_ERR_PEM;
    int blocks = 0;
    while (off < len && pem_detect(data + off, len - off)) {
        size_t used = 0;
        glass_err err = pem_decode((const char *)data + off, len - off, NULL, label, der, der_len,
                                   &used);
        if (blocks++ == 0)
            first = err;
        if (err != GLASS_OK) {
            /* a broken block of one of our labels is reported as such */
            for (size_t i = 0; labels[i] != NULL; i++)
                if (strcmp(label, labels[i]) == 0)
                    return err;
            return first;
        }
        for (size_t i = 0; labels[i] != NULL; i++)
            if (strcmp(label, labels[i]) == 0)
                return GLASS_OK;
        free_wiped(*der, *der_len);
        *der = NULL;
        off += used;
    }
    return first == GLASS_OK ? GLASS_ERR_PEM_LABEL : first;
}

static const char *const private_labels[] = {PEM_ENCRYPTED_KEY, PEM_PRIVATE_KEY,
                                             PEM_RSA_PRIVATE_KEY, NULL};
static const char *const public_labels[] = {PEM_PUBLIC_KEY, PEM_RSA_PUBLIC_KEY, NULL};

/* See ca.h. */
int ca_key_is_encrypted(const uint8_t *data, size_t len)
{
    char label[PEM_LABEL_MAX];
    uint8_t *der = NULL;
    size_t der_len = 0;
    if (pem_detect(data, len)) {
        label[0] = '\0';
        glass_err err = pem_find(data, len, private_labels, label, &der, &der_len);
        free_wiped(der, der_len);
        /* A legacy "Proc-Type: 4,ENCRYPTED" key is refused by the loader
         * whatever the password, so it does not count as one to ask for. */
        return err == GLASS_OK && strcmp(label, PEM_ENCRYPTED_KEY) == 0;
    }
    return der_is_encrypted(data, len) == ENC_PBES2;
}

/* See ca.h. */
glass_err ca_key_load_private(const uint8_t *data, size_t len, const char *password,
                           rsa_private_key *key)
{
    char label[PEM_LABEL_MAX];
    uint8_t *der = NULL;
    size_t der_len = 0;
    enum enc_shape shape;
    glass_err err;

    if (data == NULL || key == NULL)
        return GLASS_ERR_ARG;
    /* 1. PEM or DER?  PEM's label says which structure is inside. */
    if (pem_detect(data, len)) {
        err = pem_find(data, len, private_labels, label, &der, &der_len);
        if (err != GLASS_OK)
            return err;
        if (strcmp(label, PEM_ENCRYPTED_KEY) == 0)
            err = load_encrypted(der, der_len, password, key);
        else if (strcmp(label, PEM_PRIVATE_KEY) == 0)
            err = parse_pkcs8(der, der_len, key);
        else if (strcmp(label, PEM_RSA_PRIVATE_KEY) == 0)
            err = parse_rsa_private(der, der_len, key);
        else
            err = GLASS_ERR_PEM_LABEL;
    } else if ((shape = der_is_encrypted(data, len)) == ENC_PBES2) {
        err = load_encrypted(data, len, password, key);
    } else if (shape == ENC_OTHER) {
        err = GLASS_ERR_KEY_ENCRYPTION;
    } else {
        /* 2. DER without a label: PKCS#8 has an AlgorithmIdentifier after
         *    the version, PKCS#1 an INTEGER (n). */
        err = parse_pkcs8(data, len, key);
        if (err == GLASS_ERR_DER_TAG || err == GLASS_ERR_KEY_FORMAT) {
            /* Not shaped like PKCS#8: PKCS#1's verdict is the one to report,
             * and a tag that fits neither means "not a key file". */
            err = parse_rsa_private(data, len, key);
            if (err == GLASS_ERR_DER_TAG)
                err = GLASS_ERR_KEY_FORMAT;
        }
    }
    /* 3. Whatever the form, the numbers must make a consistent key. */
    if (err == GLASS_OK)
        err = rsa_check_private(key);
    free_wiped(der, der_len);
    return err;
}

/* See ca.h. */
glass_err ca_key_encode_private(const rsa_private_key *key, enum key_format format,
                             const char *password, uint32_t iterations,
                             uint8_t **der, size_t *der_len)
{
    der_buf b;
    uint8_t *pki = NULL;
    size_t pki_len = 0;
    glass_err err;

    if (key == NULL || der == NULL || der_len == NULL)
        return GLASS_ERR_ARG;
    switch (format) {
    case KEY_FORMAT_PKCS1:
        der_buf_init(&b);
        put_rsa_private(&b, key);
        return der_buf_take(&b, der, der_len);
    case KEY_FORMAT_PKCS8:
        return encode_pkcs8(key, der, der_len);
    case KEY_FORMAT_PKCS8_ENCRYPTED:
        if (password == NULL || password[0] == '\0')
            return GLASS_ERR_ARG;
        if (iterations == 0)
            iterations = KEY_DEFAULT_ITERATIONS;
        if ((err = encode_pkcs8(key, &pki, &pki_len)) != GLASS_OK)
            return err;
        err = pbes2_encrypt(pki, pki_len, password, iterations, der, der_len);
        free_wiped(pki, pki_len);
        return err;
    }
    return GLASS_ERR_ARG;
}

/* See ca.h. */
glass_err ca_key_encode_private_pem(const rsa_private_key *key, enum key_format format,
                                 const char *password, uint32_t iterations,
                                 uint8_t **pem, size_t *len)
{
    uint8_t *der = NULL;
    size_t der_len = 0;
    const char *label = format == KEY_FORMAT_PKCS1   ? PEM_RSA_PRIVATE_KEY
                        : format == KEY_FORMAT_PKCS8 ? PEM_PRIVATE_KEY
                                                     : PEM_ENCRYPTED_KEY;
    glass_err err = ca_key_encode_private(key, format, password, iterations, &der, &der_len);
    if (err != GLASS_OK)
        return err;
    err = pem_encode(label, der, der_len, (char **)pem, len);
    free_wiped(der, der_len);
    return err;
}

/* See ca.h. */
glass_err ca_key_save_private_pem(const rsa_private_key *key, const char *password,
                               uint32_t iterations, uint8_t **pem, size_t *len)
{
    return ca_key_encode_private_pem(key,
                                  password != NULL ? KEY_FORMAT_PKCS8_ENCRYPTED : KEY_FORMAT_PKCS8,
                                  password, iterations, pem, len);
}

/* RSAPublicKey ::= SEQUENCE { modulus, publicExponent } (RFC 8017 A.1.1). */
static glass_err parse_rsa_public(const uint8_t *der, size_t len, rsa_public_key *pub)
{
    der_elem seq;
    glass_err err = der_parse_one(der, len, DER_SEQUENCE, &seq);
    if (err != GLASS_OK)
        return err;
    der_reader r = der_enter(&seq);
    if ((err = der_read_mpz(&r, pub->n)) != GLASS_OK || (err = der_read_mpz(&r, pub->e)) != GLASS_OK)
        return err;
    return der_finish(&r);
}

/* Parses a SubjectPublicKeyInfo holding an RSA key (RFC 5280 §4.1.2.7,
 * RFC 3279 §2.3.1), without the key checks. */
static glass_err parse_spki(const uint8_t *der, size_t len, rsa_public_key *pub)
{
    der_elem seq;
    const uint8_t *bits;
    size_t bits_len;
    unsigned unused;
    glass_err err = der_parse_one(der, len, DER_SEQUENCE, &seq);
    if (err != GLASS_OK)
        return err;
    der_reader r = der_enter(&seq);
    if ((err = read_rsa_algorithm(&r)) != GLASS_OK)
        return err;
    if ((err = der_read_bit_string(&r, &bits, &bits_len, &unused)) != GLASS_OK)
        return err;
    if (unused != 0)
        return GLASS_ERR_DER_VALUE;
    if ((err = der_finish(&r)) != GLASS_OK)
        return err;
    return parse_rsa_public(bits, bits_len, pub);
}

/* See ca_internal.h. */
glass_err ca_key_parse_spki(const uint8_t *der, size_t len, rsa_public_key *pub)
{
    glass_err err = parse_spki(der, len, pub);
    if (err == GLASS_OK)
        err = rsa_check_public(pub);
    return err;
}

/* See ca.h. */
glass_err ca_key_load_public(const uint8_t *data, size_t len, rsa_public_key *pub)
{
    char label[PEM_LABEL_MAX];
    uint8_t *der = NULL;
    size_t der_len = 0;
    glass_err err;
    if (data == NULL || pub == NULL)
        return GLASS_ERR_ARG;
    if (pem_detect(data, len)) {
        err = pem_find(data, len, public_labels, label, &der, &der_len);
        if (err != GLASS_OK)
            return err;
        if (strcmp(label, PEM_PUBLIC_KEY) == 0)
            err = parse_spki(der, der_len, pub);
        else if (strcmp(label, PEM_RSA_PUBLIC_KEY) == 0)
            err = parse_rsa_public(der, der_len, pub);
        else
            err = GLASS_ERR_PEM_LABEL;
    } else {
        err = parse_spki(data, len, pub);
        if (err == GLASS_ERR_DER_TAG) {
            err = parse_rsa_public(data, len, pub);
            if (err == GLASS_ERR_DER_TAG)
                err = GLASS_ERR_KEY_FORMAT;
        }
    }
    if (err == GLASS_OK)
        err = rsa_check_public(pub);
    free(der);
    return err;
}

/* See ca.h. */
glass_err ca_key_encode_public(const rsa_public_key *pub, int spki, uint8_t **der, size_t *der_len)
{
    der_buf inner, b;
    uint8_t *rpk = NULL;
    size_t rpk_len = 0;
    glass_err err;
    der_buf_init(&inner);
    size_t at = der_begin(&inner);
    der_put_mpz(&inner, pub->n);
    der_put_mpz(&inner, pub->e);
    der_end(&inner, at, DER_SEQUENCE);
    if (!spki)
        return der_buf_take(&inner, der, der_len);
    if ((err = der_buf_take(&inner, &rpk, &rpk_len)) != GLASS_OK)
        return err;
    der_buf_init(&b);
    at = der_begin(&b);
    put_rsa_algorithm(&b);
    der_put_bit_string(&b, rpk, rpk_len, 0);
    der_end(&b, at, DER_SEQUENCE);
    free(rpk);
    return der_buf_take(&b, der, der_len);
}
