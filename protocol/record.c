/*
 * record.c — the record layer (docs/PROTOCOL.md §3; RFC 5246 §6.2, RFC 7366).
 *
 * A record is a 5-byte header and a fragment:
 *
 *     type(1) || version(2) || length(2) || fragment[length]
 *
 * version is 47 01 for glass and 03 03 for TLS 1.2; apart from those two
 * bytes a protected glass record is byte for byte an RFC 7366
 * encrypt-then-MAC record of TLS_DHE_RSA_WITH_AES_256_CBC_SHA256, so a
 * student's TLS computation carries over.  Before a direction's keys are
 * active the fragment is the plaintext.  After, with encrypt-then-MAC
 * (glass always; TLS 1.2 when negotiated, RFC 7366 §3):
 *
 *     fragment = IV[16] || C || MAC[32]
 *     C        = AES-256-CBC(write_key, IV, plaintext || padding || padding_length)
 *     padding  = p bytes of value p, padding_length = p, so that the total
 *                is whole blocks (RFC 5246 §6.2.3.2: 0 <= p <= 255; we send
 *                the least, 0..15)
 *     MAC      = HMAC-SHA256(write_MAC_key, seq_num(8) || type || version ||
 *                            length(2) || IV || C),  length = |IV| + |C|:
 *                the MAC itself is not counted
 *
 * and with TLS 1.2's classic MAC-then-encrypt (RFC 5246 §6.2.3.2), when the
 * peers did not negotiate encrypt_then_mac:
 *
 *     fragment = IV[16] || AES-256-CBC(write_key, IV, plaintext || MAC ||
 *                                      padding || padding_length)
 *     MAC      = HMAC-SHA256(write_MAC_key, seq_num || type || version ||
 *                            length(plaintext) || plaintext)
 *
 * seq_num is the 64-bit count of records already protected in this
 * direction; it is never sent, so a replayed, dropped or reordered record
 * arrives with the wrong implicit number and its MAC fails.
 *
 * Read glass_record_seal, then glass_record_open.  The order of the checks
 * in open is the point of encrypt-then-MAC: the MAC is checked over the
 * ciphertext, in constant time, before a single block is decrypted, so a
 * forged record never reaches the padding check (no padding oracle).
 * MAC-then-encrypt must decrypt first and check padding and MAC after;
 * record_mte.c does that without a branch or memory access that depends on
 * the secret plaintext (the Lucky Thirteen lesson).
 *
 * CT: yes for the MAC comparison (glass_ct_equal) and the padding check
 * (masks, no branch on the padding bytes); AES is the constant-time
 * aes_ct.c block cipher, chained here in CBC.
 */
#include "protocol/protocol_internal.h"
#include "aes/aes_internal.h"

#include <string.h>

/* See protocol_internal.h.  The record key is a secret that encrypts
 * attacker-chosen data, so it is expanded and used with AES's constant-time
 * default (aes256_init: the AES-NI instructions where the CPU has them, the
 * bitsliced cipher otherwise, aes/aes.h): no S-box look-up at a secret index. */
glass_err glass_direction_activate(glass_direction *d, const uint8_t mac_key[HMAC_SHA256_LEN],
                                   const uint8_t enc_key[AES256_KEY_LEN], int etm)
{
    glass_err err = aes256_init(&d->aes, enc_key, AES256_KEY_LEN);
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

/* CBC (SP 800-38A §6.2) in place, by the modes of aes/: C_1 = CIPH(P_1 xor IV),
 * C_j = CIPH(P_j xor C_{j-1}), with the implementation the key was set up
 * with (constant time: glass_direction_activate).  The lengths are multiples
 * of the block, so the modes cannot fail here. */
static void cbc_encrypt_ct(const aes256_ctx *k, const uint8_t iv[AES_BLOCK_LEN], uint8_t *buf,
                           size_t len)
{
    (void)aes256_cbc_encrypt(k, iv, buf, len, buf);
}

/* See protocol_internal.h.  P_j = CIPH^-1(C_j) xor C_{j-1}, with C_0 = IV;
 * out separate from in; several blocks at once where the cipher can. */
void glass_record_cbc_decrypt(const aes256_ctx *k, const uint8_t iv[AES_BLOCK_LEN],
                           const uint8_t *in, size_t len, uint8_t *out)
{
    (void)aes256_cbc_decrypt(k, iv, in, len, out);
}

/* See protocol_internal.h. */
void glass_direction_clear(glass_direction *d)
{
    aes256_clear(&d->aes);
    glass_wipe(d, sizeof *d);
}

/* The 13 bytes every record MAC starts with (RFC 5246 §6.2.3.1):
 * seq_num(8) || type(1) || version(2) || length(2). */
void glass_record_mac_header(const glass_direction *d, uint8_t type, size_t length,
                             uint8_t out[GLASS_MAC_HEADER_LEN])
{
    uint64_t seq_num = d->seq;
#ifdef GLASS_LAB_BUILD
    /* Lab build only (docs/labs/06-records.md, exercise 6b): the MAC without
     * its sequence number.  seq_num is in the MAC so that a record is bound
     * to its place in the stream (RFC 5246 §6.2.3.1, Appendix F.2: "To
     * prevent message replay or modification attacks"); it is implicit, never
     * sent, so the receiver's own count decides.  Without it every record is
     * valid at any place: replayed, dropped or reordered, it still verifies. */
    if (d->lab_no_seq_mac)
        seq_num = 0;
#endif
    for (int i = 0; i < 8; i++)
        out[i] = (uint8_t)(seq_num >> (56 - 8 * i));
    out[8] = type;
    out[9] = (uint8_t)(record_version(d) >> 8);
    out[10] = (uint8_t)record_version(d);
    out[11] = (uint8_t)(length >> 8);
    out[12] = (uint8_t)length;
}

/* HMAC-SHA256(mac_key, seq_num || type || version || length || data). */
static void record_mac(const glass_direction *d, uint8_t type, const uint8_t *data, size_t n,
                       uint8_t mac[HMAC_SHA256_LEN])
{
    uint8_t h13[GLASS_MAC_HEADER_LEN];
    glass_record_mac_header(d, type, n, h13);
    hmac_sha256_ctx h;
    hmac_sha256_init(&h, d->mac_key, HMAC_SHA256_LEN);
    hmac_sha256_update(&h, h13, sizeof h13);
    hmac_sha256_update(&h, data, n);
    hmac_sha256_final(&h, mac);
}

/* Seals pt into out (header already reserved at out->p + start). */
static glass_err seal_protected(glass_direction *d, uint8_t type, const uint8_t *pt, size_t len,
                                glass_random_fn rnd, void *rnd_arg, const glass_tracer *trace,
                                glass_buf *out, uint8_t *hdr)
{
    uint8_t block[GLASS_MAX_PLAINTEXT + HMAC_SHA256_LEN + AES_BLOCK_LEN];
    uint8_t iv[GLASS_RECORD_IV_LEN];
    uint8_t mac[HMAC_SHA256_LEN];
    glass_err err;
    size_t start = out->len;

    /* 1. The sequence number must not wrap (it would repeat a MAC input). */
    if (d->seq == UINT64_MAX)
        return GLASS_ERR_PROTO_SEQ_OVERFLOW;
    /* 2. MAC-then-encrypt: the MAC over the plaintext goes inside. */
    size_t inner = len;
    memcpy(block, pt, len);
    if (!d->etm) {
        record_mac(d, type, pt, len, mac);
        glass_trace(trace, "derive record MAC",
                    "HMAC-SHA256(write_MAC_key, seq_num || type || version || length || "
                    "plaintext), encrypted with it (MAC-then-encrypt)",
                    mac, sizeof mac);
        memcpy(block + len, mac, sizeof mac);
        inner += sizeof mac;
    }
    /* 3. Padding (RFC 5246 §6.2.3.2): p bytes of value p, then p itself. */
    size_t p = AES_BLOCK_LEN - 1 - inner % AES_BLOCK_LEN;
    memset(block + inner, (int)p, p + 1);
    size_t c_len = inner + p + 1;
    /* 4. A fresh random IV. */
    err = rnd(rnd_arg, iv, sizeof iv);
    if (err != GLASS_OK)
        goto cleanup;
    glass_trace(trace, "derive record IV", "random IV of this record (fresh for every record)",
                iv, sizeof iv);
    /* 5. C = AES-256-CBC(key, IV, ...), in place. */
    cbc_encrypt_ct(&d->aes, iv, block, c_len);
    /* 6. The header now that the fragment length is known. */
    size_t frag = GLASS_RECORD_IV_LEN + c_len + (d->etm ? GLASS_RECORD_MAC_LEN : 0);
    hdr[3] = (uint8_t)(frag >> 8);
    hdr[4] = (uint8_t)frag;
    glass_buf_put(out, hdr, GLASS_RECORD_HEADER_LEN);
    glass_buf_put(out, iv, sizeof iv);
    glass_buf_put(out, block, c_len);
    if (out->failed) {
        err = GLASS_ERR_NOMEM;
        goto cleanup;
    }
    /* 7. Encrypt-then-MAC (RFC 7366 §3): the MAC over IV || C, whose length
     *    (not counting the MAC) is what the MAC header says. */
    if (d->etm) {
        record_mac(d, type, out->p + start + GLASS_RECORD_HEADER_LEN,
                   GLASS_RECORD_IV_LEN + c_len, mac);
        glass_trace(trace, "derive record MAC",
                    "HMAC-SHA256(write_MAC_key, seq_num || type || version || length || IV || "
                    "ciphertext)",
                    mac, sizeof mac);
        glass_buf_put(out, mac, sizeof mac);
    }
    d->seq++;
cleanup:
    glass_wipe(block, sizeof block);
    glass_wipe(mac, sizeof mac);
    return err;
}

/* See protocol_internal.h. */
glass_err glass_record_seal(glass_direction *d, uint8_t type, const uint8_t *pt, size_t len,
                            glass_random_fn rnd, void *rnd_arg, const glass_tracer *trace,
                            glass_buf *out)
{
    glass_err err = GLASS_OK;
    uint8_t hdr[GLASS_RECORD_HEADER_LEN];
    size_t start = out->len;

    /* Only application data may be empty (RFC 5246 §6.2.1). */
    if ((len == 0 && (type != GLASS_CT_APPLICATION || !d->active)) || (pt == NULL && len > 0))
        return GLASS_ERR_ARG;
    if (len > GLASS_MAX_PLAINTEXT)
        return GLASS_ERR_PROTO_RECORD_OVERFLOW;
    hdr[0] = type;
    hdr[1] = (uint8_t)(record_version(d) >> 8);
    hdr[2] = (uint8_t)record_version(d);
    if (d->active) {
        err = seal_protected(d, type, pt, len, rnd, rnd_arg, trace, out, hdr);
    } else {
        hdr[3] = (uint8_t)(len >> 8);
        hdr[4] = (uint8_t)len;
        glass_buf_put(out, hdr, sizeof hdr);
        glass_buf_put(out, pt, len);
    }
    if (err == GLASS_OK && out->failed)
        err = GLASS_ERR_NOMEM;
    if (err == GLASS_OK)
        glass_trace(trace, "send record", "one record as it goes on the wire", out->p + start,
                    out->len - start);
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
    /* RFC 5246 §6.2.3: a protected fragment may exceed 2^14 by 2048 bytes
     * at most; ours never needs more than GLASS_MAX_FRAGMENT. */
    if (n > (is_protected ? (size_t)GLASS_MAX_FRAGMENT : (size_t)GLASS_MAX_PLAINTEXT))
        return GLASS_ERR_PROTO_RECORD_OVERFLOW;
    if (n == 0)
        return GLASS_ERR_PROTO_DECODE;
    return GLASS_OK;
}

/* See protocol_internal.h.  Constant time over the last min(256, c_len)
 * bytes: the last byte p, and the p bytes before it, must all equal p
 * (RFC 5246 §6.2.3.2).  Returns an all-ones mask when good, and the padding
 * length (p + 1) in *pad_len whatever the verdict (masked to 0 when bad). */
uint32_t glass_record_check_padding(const uint8_t *pt, size_t c_len, size_t reserved,
                                    size_t *pad_len)
{
    uint32_t p = pt[c_len - 1];
    /* p + 1 padding bytes must fit beside `reserved` bytes (the MAC when it
     * is inside). */
    uint32_t good = glass_ct_mask_lt(p + (uint32_t)reserved, (uint32_t)c_len);
    size_t window = c_len < 256 ? c_len : 256;
    for (uint32_t i = 1; i <= window; i++) {
        uint32_t in_pad = glass_ct_mask_lt(i - 1, p + 1);       /* i <= p + 1 */
        uint32_t same = glass_ct_mask_eq(pt[c_len - i], p);
        good &= ~in_pad | same;
    }
    *pad_len = (size_t)((p + 1) & good);
    return good;
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
    if (!d->etm)
        return glass_record_open_mte(d, rec, rec_len, trace, pt, pt_len);

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
    record_mac(d, rec[0], f, GLASS_RECORD_IV_LEN + c_len, mac);
    glass_trace(trace, "derive record MAC",
                "HMAC-SHA256(read_MAC_key, seq_num || type || version || length || IV || "
                "ciphertext), expected value",
                mac, sizeof mac);
    if (!glass_ct_equal(mac, tag, sizeof mac)) {
        err = GLASS_ERR_PROTO_BAD_MAC;
        goto cleanup;
    }

    /* 3. Decrypt. */
    glass_record_cbc_decrypt(&d->aes, iv, C, c_len, pt);

    /* 4. The padding, in constant time (RFC 5246 §6.2.3.2): a mask, no
     *    branch on a decrypted byte.  Its verdict and the length it finds
     *    are released once, here, and a bad padding is bad_record_mac too,
     *    so the two failures look alike.  The MAC verdict above could be
     *    released on its own: it is computed from the ciphertext alone,
     *    which the wire shows anyway (RFC 7366 §3) — with MAC-then-encrypt
     *    the two verdicts must be one mask before anything is released
     *    (record_mte.c). */
    size_t pad_len = 0;
    uint32_t good = glass_record_check_padding(pt, c_len, 0, &pad_len);
    glass_ct_declassify(&good, sizeof good);
    glass_ct_declassify(&pad_len, sizeof pad_len);
    if (good != 0xffffffffu) {
        err = GLASS_ERR_PROTO_BAD_MAC;
        goto cleanup;
    }
    *pt_len = c_len - pad_len;
    if (*pt_len > GLASS_MAX_PLAINTEXT) {
        err = GLASS_ERR_PROTO_RECORD_OVERFLOW;
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
