/*
 * pkcs12_mac.c — the integrity check of a PKCS#12 file: PKCS#12's own key
 * derivation (RFC 7292 Appendix B.2) and the MacData over the contents
 * (RFC 7292 §4, §5.1):
 *
 *   MacData ::= SEQUENCE {
 *       mac        DigestInfo { AlgorithmIdentifier { sha256, NULL },
 *                               digest OCTET STRING (32) },
 *       macSalt    OCTET STRING,
 *       iterations INTEGER DEFAULT 1 }
 *
 *   key = KDF_B.2(ID = 3, password as BMPString, macSalt, iterations, 32)
 *   mac = HMAC-SHA256(key, the authSafe's content octets)
 *
 * Appendix B.2 (with SHA-256: u = 32 output bytes, v = 64 block bytes):
 *   1. D = v copies of the ID byte (1 key, 2 IV, 3 MAC key);
 *   2. S = the salt repeated to a multiple of v bytes;
 *   3. P = the password repeated to a multiple of v bytes;
 *   4. I = S || P;
 *   6. for each output block: A = H^r(D || I) (r iterations); B = A
 *      repeated to v bytes; each v-byte block I_j of I becomes
 *      (I_j + B + 1) mod 2^(8v);
 *   7. the output is A_1 || A_2 || ..., cut to the length wanted.
 * The password is the BMPString of its characters with two zero bytes at
 * the end (Appendix B.1): "pw" is 00 70 00 77 00 00.
 *
 * This derivation is PKCS#12's alone, older than PBKDF2; it survives for
 * the MAC because every reader of PKCS#12 files checks the MAC this way
 * (RFC 9579 defines a PBKDF2-based MAC, which OpenSSL 3.0 does not read).
 *
 * Read in this order: bmp_password, pkcs12_kdf, then pkcs12_mac_put and
 * pkcs12_mac_check.
 *
 * CT: the MAC comparison is glass_ct_equal; the derivation runs the same
 * steps whatever the password (its length shows, as in PBKDF2).
 */
#include "ca/ca.h"
#include "ca/ca_internal.h"

#include "asn1/asn1.h"
#include "hmac/hmac.h"
#include "sha/sha256.h"

#include <stdlib.h>
#include <string.h>

#define KDF_U SHA256_DIGEST_LEN
#define KDF_V SHA256_BLOCK_LEN

/* The password as a NUL-terminated BMPString (UTF-16BE), from UTF-8.  A
 * byte that is not valid UTF-8 is taken as the character of that value
 * (Latin-1), and characters above U+FFFF as U+FFFD, so every password has
 * exactly one BMPString. */
static uint8_t *bmp_password(const char *pw, size_t *len)
{
    size_t n = strlen(pw);
    uint8_t *out = malloc(2 * n + 2);
    size_t o = 0;
    if (out == NULL)
        return NULL;
    for (size_t i = 0; i < n;) {
        const uint8_t *p = (const uint8_t *)pw + i;
        unsigned cp = p[0];
        size_t used = 1;
        if (p[0] >= 0xc2 && p[0] <= 0xdf && i + 1 < n && (p[1] & 0xc0) == 0x80) {
            cp = ((p[0] & 0x1fu) << 6) | (p[1] & 0x3fu);
            used = 2;
        } else if (p[0] >= 0xe0 && p[0] <= 0xef && i + 2 < n && (p[1] & 0xc0) == 0x80 &&
                   (p[2] & 0xc0) == 0x80) {
            cp = ((p[0] & 0x0fu) << 12) | ((p[1] & 0x3fu) << 6) | (p[2] & 0x3fu);
            used = 3;
        } else if (p[0] >= 0xf0 && p[0] <= 0xf4 && i + 3 < n && (p[1] & 0xc0) == 0x80 &&
                   (p[2] & 0xc0) == 0x80 && (p[3] & 0xc0) == 0x80) {
            cp = 0xfffd;
            used = 4;
        }
        out[o++] = (uint8_t)(cp >> 8);
        out[o++] = (uint8_t)cp;
        i += used;
    }
    out[o++] = 0;
    out[o++] = 0;
    *len = o;
    return out;
}

/* See ca_internal.h. */
glass_err pkcs12_kdf(uint8_t id, const char *password, const uint8_t *salt, size_t salt_len,
                     uint32_t iterations, uint8_t *out, size_t out_len)
{
    size_t p_len = 0;
    if (password == NULL || iterations == 0 || out_len == 0)
        return GLASS_ERR_ARG;
    uint8_t *bmp = bmp_password(password, &p_len);
    if (bmp == NULL)
        return GLASS_ERR_NOMEM;
    /* Steps 2-4: I = S || P, each stretched to a multiple of v bytes. */
    size_t s_full = KDF_V * ((salt_len + KDF_V - 1) / KDF_V);
    size_t p_full = KDF_V * ((p_len + KDF_V - 1) / KDF_V);
    size_t i_len = s_full + p_full;
    uint8_t *I = malloc(i_len ? i_len : 1);
    if (I == NULL) {
        glass_wipe(bmp, p_len);
        free(bmp);
        return GLASS_ERR_NOMEM;
    }
    for (size_t k = 0; k < s_full; k++)
        I[k] = salt[k % salt_len];
    for (size_t k = 0; k < p_full; k++)
        I[s_full + k] = bmp[k % p_len];
    uint8_t D[KDF_V], A[KDF_U], B[KDF_V];
    memset(D, id, sizeof D);                       /* step 1 */
    for (size_t done = 0; done < out_len;) {
        /* Step 6a: A = H^r(D || I). */
        sha256_ctx h;
        sha256_init(&h);
        sha256_update(&h, D, sizeof D);
        sha256_update(&h, I, i_len);
        sha256_final(&h, A);
        for (uint32_t r = 1; r < iterations; r++)
            sha256(A, sizeof A, A);
        size_t take = out_len - done < KDF_U ? out_len - done : KDF_U;
        memcpy(out + done, A, take);               /* step 7 */
        done += take;
        if (done == out_len)
            break;
        /* Steps 6b-6c: B = A repeated; I_j = (I_j + B + 1) mod 2^(8v). */
        for (size_t k = 0; k < KDF_V; k++)
            B[k] = A[k % KDF_U];
        for (size_t j = 0; j < i_len; j += KDF_V) {
            unsigned carry = 1;
            for (size_t k = KDF_V; k-- > 0;) {
                unsigned x = (unsigned)I[j + k] + B[k] + carry;
                I[j + k] = (uint8_t)x;
                carry = x >> 8;
            }
        }
    }
    glass_wipe(A, sizeof A);
    glass_wipe(B, sizeof B);
    glass_wipe(I, i_len);
    glass_wipe(bmp, p_len);
    free(I);
    free(bmp);
    return GLASS_OK;
}

/* See ca_internal.h. */
glass_err pkcs12_mac_put(der_buf *b, const char *password, uint32_t iterations,
                      const uint8_t *content, size_t len)
{
    uint8_t salt[8], key[KDF_U], mac[KDF_U];
    glass_err err = glass_random(salt, sizeof salt);
    if (err == GLASS_OK)
        err = pkcs12_kdf(3, password, salt, sizeof salt, iterations, key, sizeof key);
    if (err != GLASS_OK)
        return err;
    hmac_sha256(key, sizeof key, content, len, mac);
    glass_wipe(key, sizeof key);
    size_t md = der_begin(b);
    size_t di = der_begin(b);
    size_t alg = der_begin(b);
    der_put_oid(b, ASN1_OID_SHA256.der, ASN1_OID_SHA256.len);
    der_put_null(b);
    der_end(b, alg, DER_SEQUENCE);
    der_put_octets(b, mac, sizeof mac);
    der_end(b, di, DER_SEQUENCE);
    der_put_octets(b, salt, sizeof salt);
    der_put_uint(b, iterations);
    der_end(b, md, DER_SEQUENCE);
    return GLASS_OK;
}

/* See ca_internal.h. */
glass_err pkcs12_mac_check(const der_elem *mac_data, const char *password, const uint8_t *content,
                        size_t len, p12_mac_info *info)
{
    der_elem di, alg;
    const uint8_t *oid, *digest, *salt;
    size_t oid_len, digest_len, salt_len;
    long iterations = 1;
    uint8_t key[KDF_U], mac[KDF_U];
    glass_err err;
    memset(info, 0, sizeof *info);
    der_reader r = der_enter(mac_data);
    if ((err = der_read(&r, DER_SEQUENCE, &di)) != GLASS_OK)
        return err;
    der_reader d = der_enter(&di);
    if ((err = der_read(&d, DER_SEQUENCE, &alg)) != GLASS_OK)
        return err;
    der_reader a = der_enter(&alg);
    if ((err = der_read_oid(&a, &oid, &oid_len)) != GLASS_OK)
        return err;
    if (!der_at_end(&a) && (err = der_read_null(&a)) != GLASS_OK)
        return err;
    if ((err = der_finish(&a)) != GLASS_OK ||
        (err = der_read_octets(&d, &digest, &digest_len)) != GLASS_OK ||
        (err = der_finish(&d)) != GLASS_OK ||
        (err = der_read_octets(&r, &salt, &salt_len)) != GLASS_OK)
        return err;
    if (!der_at_end(&r) && (err = der_read_long(&r, &iterations)) != GLASS_OK)
        return err;
    if ((err = der_finish(&r)) != GLASS_OK)
        return err;
    info->sha256 = der_oid_eq(oid, oid_len, &ASN1_OID_SHA256);
    info->iterations = iterations;
    info->salt_len = salt_len;
    info->mac_len = digest_len;
    /* Only SHA-256 here; an old file's SHA-1 MAC is named, not guessed at. */
    if (!info->sha256)
        return GLASS_ERR_KEY_ENCRYPTION;
    if (iterations < 1 || (unsigned long)iterations > KEY_MAX_ITERATIONS || salt_len == 0 ||
        digest_len != KDF_U)
        return GLASS_ERR_KEY_ENCRYPTION;
    if (password == NULL)
        return GLASS_ERR_KEY_PASSWORD;
    if ((err = pkcs12_kdf(3, password, salt, salt_len, (uint32_t)iterations, key, sizeof key)) !=
        GLASS_OK)
        return err;
    hmac_sha256(key, sizeof key, content, len, mac);
    glass_wipe(key, sizeof key);
    /* Compared in constant time, as every MAC is. */
    return glass_ct_equal(mac, digest, KDF_U) ? GLASS_OK : GLASS_ERR_KEY_PASSWORD;
}
