/*
 * rsa_pad.c — the RSA schemes of RFC 8017 (PKCS #1 v2.2) with SHA-256:
 *
 *   §9.2  EMSA-PKCS1-v1_5 and §8.2 RSASSA-PKCS1-v1_5   signatures
 *   §9.1  EMSA-PSS        and §8.1 RSASSA-PSS          signatures
 *   §7.1  RSAES-OAEP                                   encryption
 *   §7.2  RSAES-PKCS1-v1_5                             encryption (legacy)
 *   §B.2.1 MGF1, the mask generation function of PSS and OAEP
 *
 * Read MGF1 first, then each scheme: its encoding, then sign/verify or
 * encrypt/decrypt on top of the primitives of rsa.c.
 *
 * Two lessons live here.
 *
 * Verifying by re-encoding (Bleichenbacher, CRYPTO 2006 rump session).  A
 * verifier that PARSES the recovered EM — skip 00 01, skip FF bytes up to 00,
 * read the DigestInfo, compare the hash — and does not insist that the hash
 * ends exactly at the last byte, accepts EM = 00 01 FF 00 DigestInfo H GARBAGE.
 * With e = 3 and a 3072-bit modulus a forger picks GARBAGE so that the whole
 * number is a perfect cube, and its cube root is a "signature" on any message,
 * made without the private key.  We never parse: we build the one EM that is
 * right for the message and compare all k bytes at once, in constant time.
 * Anything else — a longer or shorter pad, trailing bytes, a different
 * DigestInfo, parameters encoded otherwise — simply differs.
 *
 * Decrypting without an oracle (Bleichenbacher, CRYPTO 1998; Manger, CRYPTO
 * 2001 for OAEP).  If a server answers a chosen ciphertext differently
 * according to whether the decrypted block begins 00 02, the attacker learns
 * a little about c^d for every query; about a million queries decrypt any
 * ciphertext (or sign anything).  So the unpadding below reads every byte,
 * decides with masks rather than branches, copies the message with a
 * constant-time shift, and only at the very end returns one error,
 * GLASS_ERR_RSA_DECRYPT, whatever was wrong.  A protocol must then not tell
 * the peer either: TLS 1.2 (RFC 5246 §7.4.7.1) carries on with a random
 * premaster secret.
 *
 * CT: encodings of signatures — no (everything in them is public); OAEP and
 * PKCS#1 v1.5 unpadding — yes, up to the final success/failure result;
 * verification compares EM with glass_ct_equal.
 */
#include "rsa/rsa.h"
#include "rsa/rsa_internal.h"
#include "sha/sha256.h"

#include <stdlib.h>
#include <string.h>

#define hLen SHA256_DIGEST_LEN

/* DigestInfo for SHA-256, DER (RFC 8017 §9.2 note 1):
 *   30 31                     SEQUENCE, 49 bytes
 *      30 0d                  SEQUENCE (AlgorithmIdentifier)
 *         06 09 608648016503040201   OID 2.16.840.1.101.3.4.2.1 (sha256)
 *         05 00               NULL parameters
 *      04 20                  OCTET STRING, 32 bytes: the hash follows */
static const uint8_t digest_info_sha256[19] = {
    0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01,
    0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20
};

/* SHA-256 of data[0..len); data may be NULL when len is 0 (an empty
 * message or label), which is then never handed on as a NULL pointer. */
static void hash_bytes(const uint8_t *data, size_t len, uint8_t out[hLen])
{
    static const uint8_t empty[1] = {0};
    sha256(data != NULL ? data : empty, data != NULL ? len : 0, out);
}

/* 1 if (p, len) is not a buffer: NULL with a non-zero length. */
static int bad_buf(const void *p, size_t len)
{
    return p == NULL && len > 0;
}

/* ---- MGF1 --------------------------------------------------------------- */

/* See rsa_internal.h.  RFC 8017 §B.2.1:
 *     T = Hash(seed || C(0)) || Hash(seed || C(1)) || ...,  C(i) = I2OSP(i, 4)
 *     mask = the first mask_len octets of T. */
void rsa_mgf1_sha256(const uint8_t *seed, size_t seed_len, uint8_t *mask, size_t mask_len)
{
    uint8_t block[hLen];
    uint32_t counter = 0;
    size_t done = 0;
    while (done < mask_len) {
        uint8_t C[4] = {(uint8_t)(counter >> 24), (uint8_t)(counter >> 16),
                        (uint8_t)(counter >> 8), (uint8_t)counter};
        sha256_ctx ctx;
        sha256_init(&ctx);
        sha256_update(&ctx, seed, seed_len);
        sha256_update(&ctx, C, 4);
        sha256_final(&ctx, block);
        size_t take = mask_len - done < hLen ? mask_len - done : hLen;
        memcpy(mask + done, block, take);
        done += take;
        counter++;
    }
    glass_wipe(block, sizeof block);
}

/* Signs the integer value of EM (emLen <= k bytes) into sig (k bytes). */
static glass_err sign_em(const rsa_private_key *key, const uint8_t *EM, size_t emLen,
                         size_t k, uint8_t *sig)
{
    glass_err err;
    mpz_t m;
    mpz_init(m);
    rsa_os2ip(m, EM, emLen);
    err = rsa_private_op_bytes(key, m, sig, k);
    rsa_mpz_wipe_clear(m);
    return err;
}

/* RSAVP1 on sig (sig_len must be k), giving EM of emLen bytes.  Errors:
 * GLASS_ERR_RSA_SIG_LENGTH, GLASS_ERR_RSA_REPRESENTATIVE, and
 * GLASS_ERR_RSA_VERIFY if m does not fit in emLen bytes. */
static glass_err open_signature(const rsa_public_key *key, size_t k, const uint8_t *sig,
                                size_t sig_len, uint8_t *EM, size_t emLen)
{
    glass_err err;
    mpz_t s, m;
    if (sig_len != k)
        return GLASS_ERR_RSA_SIG_LENGTH;
    mpz_inits(s, m, NULL);
    rsa_os2ip(s, sig, sig_len);
    err = rsa_public_op(key->n, key->e, s, m);
    if (err == GLASS_OK && rsa_i2osp(m, EM, emLen) != GLASS_OK)
        err = GLASS_ERR_RSA_VERIFY;
    mpz_clears(s, m, NULL);
    return err;
}

/* ---- RSASSA-PKCS1-v1_5 ---------------------------------------------------- */

/* See rsa_internal.h.  RFC 8017 §9.2 steps 2..5:
 *
 *     EM = 00 01 | FF FF .. FF | 00 | DigestInfo (19) | H (32)
 *                  PS, emLen - 54 bytes (at least 8)
 */
glass_err rsa_emsa_pkcs1v15_encode(const uint8_t H[32], uint8_t *EM, size_t emLen)
{
    const size_t tLen = sizeof digest_info_sha256 + hLen;     /* 2. T = DigestInfo || H */
    /* 3. If emLen < tLen + 11: "intended encoded message length too short". */
    if (emLen < tLen + 11)
        return GLASS_ERR_RSA_MESSAGE_TOO_LONG;
    /* 4. PS = emLen - tLen - 3 bytes of FF.  5. EM = 00 || 01 || PS || 00 || T. */
    EM[0] = 0x00;
    EM[1] = 0x01;
    memset(EM + 2, 0xff, emLen - tLen - 3);
    EM[emLen - tLen - 1] = 0x00;
    memcpy(EM + emLen - tLen, digest_info_sha256, sizeof digest_info_sha256);
    memcpy(EM + emLen - hLen, H, hLen);
    return GLASS_OK;
}

/* See rsa.h.  RFC 8017 §8.2.1 with the hash already taken. */
glass_err rsa_pkcs1v15_sign_digest(const rsa_private_key *key, const uint8_t digest[32],
                                   uint8_t *sig)
{
    glass_err err;
    size_t k = 0;
    uint8_t *EM;
    if (key == NULL || digest == NULL || sig == NULL)
        return GLASS_ERR_ARG;
    err = rsa_public_params_ok(key->n, key->e, &k);
    if (err != GLASS_OK)
        return err;
    EM = malloc(k);
    if (EM == NULL)
        return GLASS_ERR_NOMEM;
    /* 1. EM = EMSA-PKCS1-V1_5-ENCODE(M, k). */
    err = rsa_emsa_pkcs1v15_encode(digest, EM, k);
    /* 2. m = OS2IP(EM); s = RSASP1(K, m); S = I2OSP(s, k). */
    if (err == GLASS_OK)
        err = sign_em(key, EM, k, k, sig);
    glass_wipe(EM, k);
    free(EM);
    return err;
}

/* See rsa.h.  RFC 8017 §8.2.1. */
glass_err rsa_pkcs1v15_sign(const rsa_private_key *key, const uint8_t *msg, size_t msg_len,
                            uint8_t *sig)
{
    uint8_t H[hLen];
    glass_err err;
    if (bad_buf(msg, msg_len))
        return GLASS_ERR_ARG;
    hash_bytes(msg, msg_len, H);
    err = rsa_pkcs1v15_sign_digest(key, H, sig);
    glass_wipe(H, sizeof H);
    return err;
}

/* See rsa.h.  RFC 8017 §8.2.2: open the signature, build the EM the message
 * calls for, compare the two whole (never parse EM: see the essay above). */
glass_err rsa_pkcs1v15_verify_digest(const rsa_public_key *key, const uint8_t digest[32],
                                     const uint8_t *sig, size_t sig_len)
{
    glass_err err;
    size_t k = 0;
    uint8_t *EM = NULL, *EM2 = NULL;
    if (key == NULL || digest == NULL || sig == NULL)
        return GLASS_ERR_ARG;
    err = rsa_public_params_ok(key->n, key->e, &k);
    if (err != GLASS_OK)
        return err;
    EM = malloc(k);
    EM2 = malloc(k);
    if (EM == NULL || EM2 == NULL) {
        err = GLASS_ERR_NOMEM;
        goto cleanup;
    }
    /* 1. Length check: sig must be k bytes.
     * 2. s = OS2IP(S); m = RSAVP1((n, e), s); EM = I2OSP(m, k). */
    err = open_signature(key, k, sig, sig_len, EM, k);
    if (err != GLASS_OK)
        goto cleanup;
    /* 3. EM' = EMSA-PKCS1-V1_5-ENCODE(M, k). */
    err = rsa_emsa_pkcs1v15_encode(digest, EM2, k);
    if (err != GLASS_OK)
        goto cleanup;
    /* 4. Compare EM and EM', every byte. */
    err = glass_ct_equal(EM, EM2, k) ? GLASS_OK : GLASS_ERR_RSA_VERIFY;
cleanup:
    free(EM);
    free(EM2);
    return err;
}

/* See rsa.h.  RFC 8017 §8.2.2. */
glass_err rsa_pkcs1v15_verify(const rsa_public_key *key, const uint8_t *msg, size_t msg_len,
                              const uint8_t *sig, size_t sig_len)
{
    uint8_t H[hLen];
    if (bad_buf(msg, msg_len))
        return GLASS_ERR_ARG;
    hash_bytes(msg, msg_len, H);
    return rsa_pkcs1v15_verify_digest(key, H, sig, sig_len);
}

/* ---- RSASSA-PSS ------------------------------------------------------------- */

/* See rsa_internal.h.  RFC 8017 §9.1.1, with the salt given:
 *
 *   M'  = 00 00 00 00 00 00 00 00 | mHash | salt
 *   H   = Hash(M')
 *   DB  = 00 .. 00 | 01 | salt                 (emLen - hLen - 1 bytes)
 *   EM  = (DB xor MGF1(H)) | H | bc            (top 8emLen - emBits bits 0)
 */
glass_err rsa_emsa_pss_encode(const uint8_t mHash[32], const uint8_t *salt, size_t sLen,
                              size_t emBits, uint8_t *EM)
{
    size_t emLen = (emBits + 7) / 8;
    size_t dbLen, psLen;
    uint8_t H[hLen];
    sha256_ctx ctx;
    static const uint8_t zeros[8] = {0};
    /* 3. If emLen < hLen + sLen + 2, "encoding error". */
    if (emLen < hLen + 2 || sLen > emLen - hLen - 2)
        return GLASS_ERR_RSA_SALT_LENGTH;
    dbLen = emLen - hLen - 1;
    psLen = emLen - sLen - hLen - 2;
    /* 5., 6. M' = (0x)00 00 00 00 00 00 00 00 || mHash || salt; H = Hash(M'). */
    sha256_init(&ctx);
    sha256_update(&ctx, zeros, 8);
    sha256_update(&ctx, mHash, hLen);
    if (sLen > 0)
        sha256_update(&ctx, salt, sLen);
    sha256_final(&ctx, H);
    /* 9. dbMask = MGF(H, emLen - hLen - 1), written straight into EM. */
    rsa_mgf1_sha256(H, hLen, EM, dbLen);
    /* 7., 8., 10. maskedDB = (PS || 0x01 || salt) xor dbMask: PS is zeros,
     * so only the 01 and the salt change the mask. */
    EM[psLen] ^= 0x01;
    for (size_t i = 0; i < sLen; i++)
        EM[psLen + 1 + i] ^= salt[i];
    /* 11. Clear the leftmost 8emLen - emBits bits of maskedDB. */
    EM[0] &= (uint8_t)(0xffu >> (8 * emLen - emBits));
    /* 12. EM = maskedDB || H || 0xbc. */
    memcpy(EM + dbLen, H, hLen);
    EM[emLen - 1] = 0xbc;
    return GLASS_OK;
}

/* See rsa_internal.h.  RFC 8017 §8.1.1. */
glass_err rsa_pss_sign_with_salt(const rsa_private_key *key, const uint8_t *msg,
                                 size_t msg_len, const uint8_t *salt, size_t salt_len,
                                 uint8_t *sig)
{
    glass_err err;
    size_t k = 0, modBits, emLen;
    uint8_t mHash[hLen];
    uint8_t *EM;
    if (key == NULL || bad_buf(msg, msg_len) || bad_buf(salt, salt_len) || sig == NULL)
        return GLASS_ERR_ARG;
    err = rsa_public_params_ok(key->n, key->e, &k);
    if (err != GLASS_OK)
        return err;
    modBits = mpz_sizeinbase(key->n, 2);
    emLen = (modBits - 1 + 7) / 8;
    EM = malloc(emLen);
    if (EM == NULL)
        return GLASS_ERR_NOMEM;
    /* 1. EM = EMSA-PSS-ENCODE(M, modBits - 1). */
    hash_bytes(msg, msg_len, mHash);
    err = rsa_emsa_pss_encode(mHash, salt, salt_len, modBits - 1, EM);
    /* 2. m = OS2IP(EM); s = RSASP1(K, m); S = I2OSP(s, k). */
    if (err == GLASS_OK)
        err = sign_em(key, EM, emLen, k, sig);
    glass_wipe(EM, emLen);
    free(EM);
    return err;
}

/* See rsa.h.  RFC 8017 §8.1.1 with a random salt (§9.1.1 step 4). */
glass_err rsa_pss_sign(const rsa_private_key *key, const uint8_t *msg, size_t msg_len,
                       size_t salt_len, uint8_t *sig)
{
    glass_err err;
    uint8_t *salt;
    if (salt_len > RSA_MAX_BITS / 8)
        return GLASS_ERR_RSA_SALT_LENGTH;
    salt = malloc(salt_len + 1);
    if (salt == NULL)
        return GLASS_ERR_NOMEM;
    err = glass_random(salt, salt_len);
    if (err == GLASS_OK)
        err = rsa_pss_sign_with_salt(key, msg, msg_len, salt, salt_len, sig);
    free(salt);
    return err;
}

/* See rsa.h.  RFC 8017 §8.1.2 and EMSA-PSS-VERIFY, §9.1.2. */
glass_err rsa_pss_verify(const rsa_public_key *key, const uint8_t *msg, size_t msg_len,
                         size_t salt_len, const uint8_t *sig, size_t sig_len)
{
    glass_err err;
    size_t k = 0, modBits, emBits, emLen, dbLen, psLen;
    uint8_t mHash[hLen], H2[hLen];
    uint8_t *EM = NULL, *DB = NULL;
    uint8_t bad = 0;
    sha256_ctx ctx;
    static const uint8_t zeros[8] = {0};

    if (key == NULL || bad_buf(msg, msg_len) || sig == NULL)
        return GLASS_ERR_ARG;
    err = rsa_public_params_ok(key->n, key->e, &k);
    if (err != GLASS_OK)
        return err;
    modBits = mpz_sizeinbase(key->n, 2);
    emBits = modBits - 1;
    emLen = (emBits + 7) / 8;
    /* §9.1.2 step 3: emLen < hLen + sLen + 2 is "inconsistent" whatever the
     * signature; we say why. */
    if (salt_len > emLen - hLen - 2)
        return GLASS_ERR_RSA_SALT_LENGTH;
    EM = malloc(emLen);
    DB = malloc(emLen);
    if (EM == NULL || DB == NULL) {
        err = GLASS_ERR_NOMEM;
        goto cleanup;
    }
    /* §8.1.2 1. length; 2. s = OS2IP(S), m = RSAVP1, EM = I2OSP(m, emLen)
     * (m too large for emLen bytes: "invalid signature"). */
    err = open_signature(key, k, sig, sig_len, EM, emLen);
    if (err != GLASS_OK)
        goto cleanup;
    err = GLASS_ERR_RSA_VERIFY;
    dbLen = emLen - hLen - 1;
    psLen = emLen - hLen - salt_len - 2;
    /* 2. mHash = Hash(M). */
    hash_bytes(msg, msg_len, mHash);
    /* 4. The rightmost octet of EM must be 0xbc. */
    bad |= (uint8_t)(EM[emLen - 1] ^ 0xbc);
    /* 5., 6. maskedDB, H; the leftmost 8emLen - emBits bits must be zero. */
    bad |= (uint8_t)(EM[0] & ~(0xffu >> (8 * emLen - emBits)));
    /* 7., 8. DB = maskedDB xor MGF(H, emLen - hLen - 1). */
    rsa_mgf1_sha256(EM + dbLen, hLen, DB, dbLen);
    for (size_t i = 0; i < dbLen; i++)
        DB[i] ^= EM[i];
    /* 9. Clear the leftmost 8emLen - emBits bits of DB. */
    DB[0] &= (uint8_t)(0xffu >> (8 * emLen - emBits));
    /* 10. PS must be zeros and be followed by 0x01. */
    for (size_t i = 0; i < psLen; i++)
        bad |= DB[i];
    bad |= (uint8_t)(DB[psLen] ^ 0x01);
    /* 11., 12., 13. salt = the last sLen octets of DB; H' = Hash(M'). */
    sha256_init(&ctx);
    sha256_update(&ctx, zeros, 8);
    sha256_update(&ctx, mHash, hLen);
    if (salt_len > 0)
        sha256_update(&ctx, DB + dbLen - salt_len, salt_len);
    sha256_final(&ctx, H2);
    /* 14. H = H' ? "consistent" : "inconsistent". */
    if (bad == 0 && glass_ct_equal(EM + dbLen, H2, hLen))
        err = GLASS_OK;
cleanup:
    free(EM);
    free(DB);
    return err;
}

/* ---- RSAES-OAEP --------------------------------------------------------------- */

/* See rsa.h.  RFC 8017 §7.1.1:
 *
 *   DB = lHash | 00 .. 00 | 01 | M                    (k - hLen - 1 bytes)
 *   EM = 00 | seed xor MGF(maskedDB) | DB xor MGF(seed)
 */
glass_err rsa_oaep_encrypt(const rsa_public_key *key, const uint8_t *label, size_t label_len,
                           const uint8_t *msg, size_t msg_len, uint8_t *out)
{
    glass_err err;
    size_t k = 0, dbLen;
    uint8_t *EM = NULL, *seed, *maskedDB;
    uint8_t mask[hLen];
    mpz_t m, c;
    if (key == NULL || bad_buf(label, label_len) || bad_buf(msg, msg_len) || out == NULL)
        return GLASS_ERR_ARG;
    err = rsa_public_params_ok(key->n, key->e, &k);
    if (err != GLASS_OK)
        return err;
    /* 1.b If mLen > k - 2hLen - 2, "message too long". */
    if (msg_len > k - 2 * hLen - 2)
        return GLASS_ERR_RSA_MESSAGE_TOO_LONG;
    EM = malloc(k);
    if (EM == NULL)
        return GLASS_ERR_NOMEM;
    mpz_inits(m, c, NULL);
    dbLen = k - hLen - 1;
    seed = EM + 1;
    maskedDB = EM + 1 + hLen;
    /* 2.a..c DB = lHash || PS || 0x01 || M. */
    hash_bytes(label, label_len, maskedDB);
    memset(maskedDB + hLen, 0, dbLen - hLen - msg_len - 1);
    maskedDB[dbLen - msg_len - 1] = 0x01;
    if (msg_len > 0)
        memcpy(maskedDB + dbLen - msg_len, msg, msg_len);
    /* 2.d a random seed of hLen octets. */
    err = glass_random(seed, hLen);
    if (err != GLASS_OK)
        goto cleanup;
    /* 2.e, f maskedDB = DB xor MGF(seed, k - hLen - 1). */
    {
        uint8_t *dbMask = malloc(dbLen);
        if (dbMask == NULL) {
            err = GLASS_ERR_NOMEM;
            goto cleanup;
        }
        rsa_mgf1_sha256(seed, hLen, dbMask, dbLen);
        for (size_t i = 0; i < dbLen; i++)
            maskedDB[i] ^= dbMask[i];
        free(dbMask);
    }
    /* 2.g, h maskedSeed = seed xor MGF(maskedDB, hLen). */
    rsa_mgf1_sha256(maskedDB, dbLen, mask, hLen);
    for (size_t i = 0; i < hLen; i++)
        seed[i] ^= mask[i];
    /* 2.i EM = 0x00 || maskedSeed || maskedDB. */
    EM[0] = 0x00;
    /* 3. m = OS2IP(EM); c = RSAEP((n, e), m); C = I2OSP(c, k). */
    rsa_os2ip(m, EM, k);
    err = rsa_public_op(key->n, key->e, m, c);
    if (err == GLASS_OK)
        err = rsa_i2osp(c, out, k);
cleanup:
    glass_wipe(EM, k);
    free(EM);
    rsa_mpz_wipe_clear(m);
    mpz_clear(c);
    return err;
}

/* RSADP on a k-byte ciphertext, giving EM (k bytes). */
static glass_err open_ciphertext(const rsa_private_key *key, size_t k, const uint8_t *ct,
                                 size_t ct_len, uint8_t *EM)
{
    glass_err err;
    mpz_t c;
    if (ct_len != k)
        return GLASS_ERR_RSA_CT_LENGTH;
    mpz_init(c);
    rsa_os2ip(c, ct, ct_len);
    err = rsa_private_op_bytes(key, c, EM, k);
    mpz_clear(c);
    return err;
}

/* Copies from[start..len) to out[0..len-start) in constant time with respect
 * to `start` (which must be at most len): the whole of from[0..len) is copied,
 * then shifted left by start, one bit of start at a time, with masks. */
static void ct_copy_tail(uint8_t *out, const uint8_t *from, size_t len, size_t start)
{
    memcpy(out, from, len);
    for (size_t shift = 1; shift < len; shift <<= 1) {
        uint8_t mask = (uint8_t)(0u - (uint32_t)((start & shift) != 0));
        for (size_t i = 0; i + shift < len; i++)
            out[i] = (uint8_t)((out[i + shift] & mask) | (out[i] & (uint8_t)~mask));
    }
}

/* See rsa.h.  RFC 8017 §7.1.2, constant time up to the final answer. */
glass_err rsa_oaep_decrypt(const rsa_private_key *key, const uint8_t *label, size_t label_len,
                           const uint8_t *ct, size_t ct_len,
                           uint8_t *out, size_t out_cap, size_t *out_len)
{
    glass_err err;
    size_t k = 0, dbLen;
    uint8_t *EM = NULL, *DB = NULL;
    uint8_t lHash[hLen], seed[hLen];
    uint32_t good, looking, bad = 0, index = 0;

    if (key == NULL || bad_buf(label, label_len) || ct == NULL || out == NULL || out_len == NULL)
        return GLASS_ERR_ARG;
    err = rsa_public_params_ok(key->n, key->e, &k);
    if (err != GLASS_OK)
        return err;
    /* The output buffer must hold any message, so that its size says nothing. */
    if (out_cap < k)
        return GLASS_ERR_BUFFER_TOO_SMALL;
    EM = malloc(k);
    DB = malloc(k);
    if (EM == NULL || DB == NULL) {
        err = GLASS_ERR_NOMEM;
        goto cleanup;
    }
    dbLen = k - hLen - 1;
    /* 1. Length checks (public).  2. c = OS2IP(C); m = RSADP(K, c);
     *    EM = I2OSP(m, k). */
    err = open_ciphertext(key, k, ct, ct_len, EM);
    if (err != GLASS_OK)
        goto cleanup;

    /* 3.a lHash = Hash(L).
     * 3.b EM = Y || maskedSeed || maskedDB.
     * 3.c, d seed = maskedSeed xor MGF(maskedDB, hLen).
     * 3.e, f DB = maskedDB xor MGF(seed, k - hLen - 1). */
    hash_bytes(label, label_len, lHash);
    rsa_mgf1_sha256(EM + 1 + hLen, dbLen, seed, hLen);
    for (size_t i = 0; i < hLen; i++)
        seed[i] ^= EM[1 + i];
    rsa_mgf1_sha256(seed, hLen, DB, dbLen);
    for (size_t i = 0; i < dbLen; i++)
        DB[i] ^= EM[1 + hLen + i];

    /* 3.g DB = lHash' || PS || 0x01 || M.  Every condition becomes a mask:
     *   Y = 0, lHash' = lHash, a 01 after the zeros of PS, nothing else. */
    good = glass_ct_mask_eq(EM[0], 0);
    good &= 0u - (uint32_t)glass_ct_equal(DB, lHash, hLen);
    looking = 0xffffffffu;
    for (size_t i = hLen; i < dbLen; i++) {
        uint32_t is0 = glass_ct_mask_eq(DB[i], 0);
        uint32_t is1 = glass_ct_mask_eq(DB[i], 1);
        index |= looking & is1 & (uint32_t)i;
        bad |= looking & ~is0 & ~is1;
        looking &= ~is1;
    }
    good &= ~looking & ~bad;

    /* M = DB[index + 1 ..), moved into out without a length-dependent
     * branch or memcpy; wiped to zeros if anything was wrong. */
    ct_copy_tail(out, DB + hLen, dbLen - hLen, (size_t)((index + 1 - hLen) & good));
    for (size_t i = 0; i < dbLen - hLen; i++)
        out[i] = (uint8_t)(out[i] & good);

    /* 4. One answer, at the end: "decryption error" for every failure. */
    if (good) {
        *out_len = (dbLen - index - 1) & good;
        err = GLASS_OK;
    } else {
        *out_len = 0;
        err = GLASS_ERR_RSA_DECRYPT;
    }
cleanup:
    if (EM != NULL) {
        glass_wipe(EM, k);
        free(EM);
    }
    if (DB != NULL) {
        glass_wipe(DB, k);
        free(DB);
    }
    glass_wipe(seed, sizeof seed);
    return err;
}

/* ---- RSAES-PKCS1-v1_5 ------------------------------------------------------- */

/* See rsa.h.  RFC 8017 §7.2.1:  EM = 00 02 | PS (nonzero random, >= 8) | 00 | M. */
glass_err rsa_pkcs1v15_encrypt(const rsa_public_key *key, const uint8_t *msg, size_t msg_len,
                               uint8_t *out)
{
    glass_err err;
    size_t k = 0, psLen;
    uint8_t *EM;
    mpz_t m, c;
    if (key == NULL || bad_buf(msg, msg_len) || out == NULL)
        return GLASS_ERR_ARG;
    err = rsa_public_params_ok(key->n, key->e, &k);
    if (err != GLASS_OK)
        return err;
    /* 1. If mLen > k - 11, "message too long". */
    if (msg_len > k - 11)
        return GLASS_ERR_RSA_MESSAGE_TOO_LONG;
    EM = malloc(k);
    if (EM == NULL)
        return GLASS_ERR_NOMEM;
    mpz_inits(m, c, NULL);
    psLen = k - msg_len - 3;
    /* 2.a PS: psLen pseudo-randomly generated NONZERO octets. */
    err = glass_random(EM + 2, psLen);
    for (size_t i = 0; i < psLen && err == GLASS_OK; i++)
        while (EM[2 + i] == 0 && err == GLASS_OK)
            err = glass_random(EM + 2 + i, 1);
    if (err != GLASS_OK)
        goto cleanup;
    /* 2.b EM = 0x00 || 0x02 || PS || 0x00 || M. */
    EM[0] = 0x00;
    EM[1] = 0x02;
    EM[2 + psLen] = 0x00;
    if (msg_len > 0)
        memcpy(EM + 3 + psLen, msg, msg_len);
    /* 3. m = OS2IP(EM); c = RSAEP((n, e), m); C = I2OSP(c, k). */
    rsa_os2ip(m, EM, k);
    err = rsa_public_op(key->n, key->e, m, c);
    if (err == GLASS_OK)
        err = rsa_i2osp(c, out, k);
cleanup:
    glass_wipe(EM, k);
    free(EM);
    rsa_mpz_wipe_clear(m);
    mpz_clear(c);
    return err;
}

/* See rsa.h.  RFC 8017 §7.2.2, constant time up to the final answer (see the
 * essay on Bleichenbacher's attack above). */
glass_err rsa_pkcs1v15_decrypt(const rsa_private_key *key, const uint8_t *ct, size_t ct_len,
                               uint8_t *out, size_t out_cap, size_t *out_len)
{
    glass_err err;
    size_t k = 0;
    uint8_t *EM = NULL;
    uint32_t good, looking, index = 0;

    if (key == NULL || ct == NULL || out == NULL || out_len == NULL)
        return GLASS_ERR_ARG;
    err = rsa_public_params_ok(key->n, key->e, &k);
    if (err != GLASS_OK)
        return err;
    if (out_cap < k)
        return GLASS_ERR_BUFFER_TOO_SMALL;
    EM = malloc(k);
    if (EM == NULL)
        return GLASS_ERR_NOMEM;
    /* 1. Length check.  2. m = RSADP(K, OS2IP(C)); EM = I2OSP(m, k). */
    err = open_ciphertext(key, k, ct, ct_len, EM);
    if (err != GLASS_OK)
        goto cleanup;

    /* 3. EM = 0x00 || 0x02 || PS || 0x00 || M, PS at least 8 octets, checked
     *    with masks over every byte: no early exit, no branch on EM. */
    good = glass_ct_mask_eq(EM[0], 0x00);
    good &= glass_ct_mask_eq(EM[1], 0x02);
    looking = 0xffffffffu;
    for (size_t i = 2; i < k; i++) {
        uint32_t is0 = glass_ct_mask_eq(EM[i], 0);
        index |= looking & is0 & (uint32_t)i;
        looking &= ~is0;
    }
    good &= ~looking;                                   /* a 00 separator */
    good &= ~glass_ct_mask_lt(index, 10);               /* |PS| >= 8 */

    /* M = EM[index + 1 ..): shifted into out in constant time. */
    ct_copy_tail(out, EM, k, (size_t)((index + 1) & good));
    for (size_t i = 0; i < k; i++)
        out[i] = (uint8_t)(out[i] & good);

    /* 4. One answer at the end. */
    if (good) {
        *out_len = k - index - 1;
        err = GLASS_OK;
    } else {
        *out_len = 0;
        err = GLASS_ERR_RSA_DECRYPT;
    }
cleanup:
    glass_wipe(EM, k);
    free(EM);
    return err;
}
