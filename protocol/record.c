/*
 * record.c — the glass record layer (docs/PROTOCOL.md §3).
 *
 * A record is a 5-byte header and a fragment:
 *
 *     type(1) || version(2) = 47 01 || length(2) || fragment[length]
 *
 * Before a direction's keys are active the fragment is the plaintext.  After,
 * it is protected with AES-256-CBC and HMAC-SHA256, encrypt-then-MAC as in
 * RFC 7366, with a fresh random IV per record as in TLS 1.1+ (RFC 5246
 * §6.2.3.2):
 *
 *     fragment = IV[16] || C || MAC[32]
 *     C        = AES-256-CBC(write_key, IV, plaintext || padding)
 *     padding  = n bytes of value n, n in 1..16 (PKCS#7: the last byte
 *                says how many)
 *     MAC      = HMAC-SHA256(write_MAC_key, header || seq_num(8) || IV || C)
 *
 * seq_num is the 64-bit count of records already protected in this
 * direction; it is never sent, so a replayed, dropped or reordered record
 * arrives with the wrong implicit number and its MAC fails.
 *
 * Read glass_record_seal, then glass_record_open.  The order of the checks
 * in open is the point of encrypt-then-MAC: the MAC is checked over the
 * ciphertext, in constant time, before a single block is decrypted, so a
 * forged record never reaches the padding check (no padding oracle, unlike
 * TLS's MAC-then-encrypt, cf. Vaudenay 2002 and Lucky Thirteen).
 *
 * CT: yes for the MAC comparison (glass_ct_equal) and the padding check
 * (masks, no branch on the padding bytes); AES is the constant-time
 * aes_ct.c block cipher, chained here in CBC.
 */
#include "protocol/protocol_internal.h"
#include "aes/aes_internal.h"

#include <string.h>

/* See protocol_internal.h.  The record key is a secret that encrypts
 * attacker-chosen data, so it is expanded and used with the constant-time
 * AES (aes/aes_ct.c): no S-box look-up at a secret index. */
glass_err glass_direction_activate(glass_direction *d, const uint8_t mac_key[HMAC_SHA256_LEN],
                                   const uint8_t enc_key[AES256_KEY_LEN], int etm)
{
    glass_err err = aes256_ct_init(&d->aes, enc_key, AES256_KEY_LEN);
    if (err != GLASS_OK)
        return err;
    memcpy(d->mac_key, mac_key, HMAC_SHA256_LEN);
    d->seq = 0;
    d->etm = etm;
    d->active = 1;
    return GLASS_OK;
}

/* The record's version bytes: 47 01 for glass unless the engine set another. */
static uint16_t record_version(const glass_direction *d)
{
    return d->version != 0 ? d->version : GLASS_VERSION;
}

/* CBC (SP 800-38A §6.2) over the constant-time block cipher, in place:
 * C_1 = CIPH(P_1 xor IV), C_j = CIPH(P_j xor C_{j-1}). */
static void cbc_encrypt_ct(const aes256_ctx *k, const uint8_t iv[AES_BLOCK_LEN], uint8_t *buf,
                           size_t len)
{
    const uint8_t *chain = iv;
    for (size_t j = 0; j < len; j += AES_BLOCK_LEN) {
        for (size_t i = 0; i < AES_BLOCK_LEN; i++)
            buf[j + i] ^= chain[i];
        aes256_ct_encrypt_block(k, buf + j, buf + j);
        chain = buf + j;
    }
}

/* P_j = CIPH^-1(C_j) xor C_{j-1}, with C_0 = IV; out separate from in. */
static void cbc_decrypt_ct(const aes256_ctx *k, const uint8_t iv[AES_BLOCK_LEN],
                           const uint8_t *in, size_t len, uint8_t *out)
{
    const uint8_t *chain = iv;
    for (size_t j = 0; j < len; j += AES_BLOCK_LEN) {
        aes256_ct_decrypt_block(k, in + j, out + j);
        for (size_t i = 0; i < AES_BLOCK_LEN; i++)
            out[j + i] ^= chain[i];
        chain = in + j;
    }
}

/* See protocol_internal.h. */
void glass_direction_clear(glass_direction *d)
{
    aes256_clear(&d->aes);
    glass_wipe(d, sizeof *d);
}

/* The record MAC: HMAC-SHA256(mac_key, header || seq_num || IV || C). */
static void record_mac(const glass_direction *d, const uint8_t hdr[GLASS_RECORD_HEADER_LEN],
                       const uint8_t *iv_and_c, size_t n, uint8_t mac[HMAC_SHA256_LEN])
{
    uint8_t seq[8];
    for (int i = 0; i < 8; i++)
        seq[i] = (uint8_t)(d->seq >> (56 - 8 * i));
    hmac_sha256_ctx h;
    hmac_sha256_init(&h, d->mac_key, HMAC_SHA256_LEN);
    hmac_sha256_update(&h, hdr, GLASS_RECORD_HEADER_LEN);
    hmac_sha256_update(&h, seq, sizeof seq);
    hmac_sha256_update(&h, iv_and_c, n);
    hmac_sha256_final(&h, mac);
}

/* See protocol_internal.h. */
glass_err glass_record_seal(glass_direction *d, uint8_t type, const uint8_t *pt, size_t len,
                            glass_random_fn rnd, void *rnd_arg, const glass_tracer *trace,
                            glass_buf *out)
{
    glass_err err = GLASS_OK;
    uint8_t block[GLASS_MAX_PLAINTEXT + AES_BLOCK_LEN];
    uint8_t hdr[GLASS_RECORD_HEADER_LEN];
    uint8_t iv[GLASS_RECORD_IV_LEN];
    uint8_t mac[HMAC_SHA256_LEN];
    size_t start = out->len;

    if (len == 0 || (pt == NULL))
        return GLASS_ERR_ARG;
    if (len > GLASS_MAX_PLAINTEXT)
        return GLASS_ERR_PROTO_RECORD_OVERFLOW;

    hdr[0] = type;
    hdr[1] = (uint8_t)(record_version(d) >> 8);
    hdr[2] = (uint8_t)record_version(d);

    if (!d->active) {
        hdr[3] = (uint8_t)(len >> 8);
        hdr[4] = (uint8_t)len;
        glass_buf_put(out, hdr, sizeof hdr);
        glass_buf_put(out, pt, len);
        goto done;
    }

    /* 1. The sequence number must not wrap (it would repeat a MAC input). */
    if (d->seq == UINT64_MAX) {
        err = GLASS_ERR_PROTO_SEQ_OVERFLOW;
        goto cleanup;
    }
    /* 2. Pad to whole blocks: n bytes of value n, n in 1..16. */
    size_t n = AES_BLOCK_LEN - len % AES_BLOCK_LEN;
    size_t c_len = len + n;
    memcpy(block, pt, len);
    memset(block + len, (int)n, n);
    /* 3. A fresh random IV. */
    err = rnd(rnd_arg, iv, sizeof iv);
    if (err != GLASS_OK)
        goto cleanup;
    glass_trace(trace, "derive record IV", "random IV of this record (fresh for every record)",
                iv, sizeof iv);
    /* 4. C = AES-256-CBC(key, IV, plaintext || padding), in place. */
    cbc_encrypt_ct(&d->aes, iv, block, c_len);
    /* 5. The header now that the fragment length is known. */
    size_t frag = GLASS_RECORD_IV_LEN + c_len + GLASS_RECORD_MAC_LEN;
    hdr[3] = (uint8_t)(frag >> 8);
    hdr[4] = (uint8_t)frag;
    glass_buf_put(out, hdr, sizeof hdr);
    glass_buf_put(out, iv, sizeof iv);
    glass_buf_put(out, block, c_len);
    if (out->failed) {
        err = GLASS_ERR_NOMEM;
        goto cleanup;
    }
    /* 6. MAC over header || seq_num || IV || C (encrypt-then-MAC). */
    record_mac(d, hdr, out->p + start + GLASS_RECORD_HEADER_LEN, GLASS_RECORD_IV_LEN + c_len,
               mac);
    glass_trace(trace, "derive record MAC",
                "HMAC-SHA256(write_MAC_key, header || seq_num || IV || ciphertext)", mac,
                sizeof mac);
    glass_buf_put(out, mac, sizeof mac);
    d->seq++;

done:
    if (out->failed) {
        err = GLASS_ERR_NOMEM;
        goto cleanup;
    }
    glass_trace(trace, "send record", "one record as it goes on the wire", out->p + start,
                out->len - start);
cleanup:
    glass_wipe(block, sizeof block);
    return err;
}

/* See protocol_internal.h. */
glass_err glass_record_check_header(const uint8_t hdr[GLASS_RECORD_HEADER_LEN], uint16_t version,
                                    int is_protected, size_t *fragment_len)
{
    size_t n = ((size_t)hdr[3] << 8) | hdr[4];
    *fragment_len = n;
    if (hdr[0] != GLASS_CT_ALERT && hdr[0] != GLASS_CT_HANDSHAKE &&
        hdr[0] != GLASS_CT_APPLICATION && hdr[0] != GLASS_CT_CHANGE_CIPHER_SPEC)
        return GLASS_ERR_PROTO_UNEXPECTED;
    if (hdr[1] != (uint8_t)(version >> 8) || hdr[2] != (uint8_t)version)
        return GLASS_ERR_PROTO_VERSION;
    if (n > (is_protected ? (size_t)GLASS_MAX_FRAGMENT : (size_t)GLASS_MAX_PLAINTEXT))
        return GLASS_ERR_PROTO_RECORD_OVERFLOW;
    if (n == 0)
        return GLASS_ERR_PROTO_DECODE;
    return GLASS_OK;
}

/* See protocol_internal.h. */
glass_err glass_record_open(glass_direction *d, const uint8_t *rec, size_t rec_len,
                            const glass_tracer *trace, uint8_t *pt, size_t *pt_len)
{
    uint8_t mac[HMAC_SHA256_LEN];
    glass_err err = GLASS_OK;
    size_t frag = rec_len - GLASS_RECORD_HEADER_LEN;
    const uint8_t *f = rec + GLASS_RECORD_HEADER_LEN;

    *pt_len = 0;
    if (!d->active) {
        memcpy(pt, f, frag);
        *pt_len = frag;
        return GLASS_OK;
    }
    if (d->seq == UINT64_MAX)
        return GLASS_ERR_PROTO_SEQ_OVERFLOW;

    /* 1. The fragment must be IV || at least one block || MAC, whole blocks
     *    (RFC 7366 §3: a malformed protected record is a bad_record_mac). */
    if (frag < GLASS_RECORD_IV_LEN + AES_BLOCK_LEN + GLASS_RECORD_MAC_LEN ||
        (frag - GLASS_RECORD_IV_LEN - GLASS_RECORD_MAC_LEN) % AES_BLOCK_LEN != 0)
        return GLASS_ERR_PROTO_BAD_MAC;
    size_t c_len = frag - GLASS_RECORD_IV_LEN - GLASS_RECORD_MAC_LEN;
    const uint8_t *iv = f;
    const uint8_t *C = f + GLASS_RECORD_IV_LEN;
    const uint8_t *tag = C + c_len;

    /* 2. MAC first, compared in constant time; nothing is decrypted unless
     *    it matches. */
    record_mac(d, rec, f, GLASS_RECORD_IV_LEN + c_len, mac);
    glass_trace(trace, "derive record MAC",
                "HMAC-SHA256(read_MAC_key, header || seq_num || IV || ciphertext), "
                "expected value",
                mac, sizeof mac);
    if (!glass_ct_equal(mac, tag, sizeof mac)) {
        err = GLASS_ERR_PROTO_BAD_MAC;
        goto cleanup;
    }

    /* 3. Decrypt. */
    cbc_decrypt_ct(&d->aes, iv, C, c_len, pt);

    /* 4. The padding, in constant time: the last byte n must be 1..16 and the
     *    last n bytes must all equal n.  Every byte of the last block is
     *    looked at whatever n is, and the verdict is one mask. */
    uint32_t n = pt[c_len - 1];
    uint32_t good = ~glass_ct_mask_eq(n, 0) & glass_ct_mask_lt(n, AES_BLOCK_LEN + 1);
    for (uint32_t i = 1; i <= AES_BLOCK_LEN; i++) {
        uint32_t in_pad = glass_ct_mask_lt(i - 1, n);   /* i <= n */
        uint32_t same = glass_ct_mask_eq(pt[c_len - i], n);
        good &= ~in_pad | same;
    }
    if (good != 0xffffffffu) {
        err = GLASS_ERR_PROTO_BAD_MAC;
        goto cleanup;
    }
    *pt_len = c_len - n;
    if (*pt_len > GLASS_MAX_PLAINTEXT) {
        err = GLASS_ERR_PROTO_RECORD_OVERFLOW;
        goto cleanup;
    }
    if (*pt_len == 0) {
        err = GLASS_ERR_PROTO_DECODE;
        goto cleanup;
    }
    d->seq++;

cleanup:
    if (err != GLASS_OK) {
        glass_wipe(pt, c_len);
        *pt_len = 0;
    }
    glass_wipe(mac, sizeof mac);
    return err;
}
