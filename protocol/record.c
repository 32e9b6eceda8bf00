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
 * Read glass_record_seal (its steps: seal_lay_out, seal_encrypt,
 * seal_finish), then glass_record_open.  glass_record_seal_many seals a
 * stream as several records with the same steps, their CBC chains
 * encrypted side by side (seal_encrypt_lanes: the bitsliced AES works on
 * eight blocks at once, and CBC within one record gives it only one).  The order of the checks
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
    return glass_direction_activate_impl(d, mac_key, enc_key, etm, NULL);
}

/* See protocol_internal.h.  Another entry of the table is for comparing
 * them (s_server -impl ct against -impl hw); the table-driven and
 * reference ciphers are not constant time, aes/aes.h says what each leaks. */
glass_err glass_direction_activate_impl(glass_direction *d,
                                        const uint8_t mac_key[HMAC_SHA256_LEN],
                                        const uint8_t enc_key[AES256_KEY_LEN], int etm,
                                        const aes_impl *impl)
{
    glass_err err = aes256_init_impl(&d->aes, enc_key, AES256_KEY_LEN, impl);
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

/* Where one protected record sits in out while it is sealed: records are
 * laid out whole in out (no copy through a buffer of their own), then
 * encrypted there, then given their MAC. */
typedef struct sealing {
    size_t at;                  /* its header's offset in out */
    size_t c_len;               /* bytes of C: plaintext, MAC when inside, padding */
    uint64_t seq;               /* its sequence number */
} sealing;

/* The first bytes of C in out, right after the header and the IV. */
static uint8_t *sealing_c(const glass_buf *out, const sealing *s)
{
    return out->p + s->at + GLASS_RECORD_HEADER_LEN + GLASS_RECORD_IV_LEN;
}

/* Sealing, steps 1-4: appends the header, a fresh IV, the plaintext (with
 * its MAC for MAC-then-encrypt) and the padding, still in clear, and room
 * for the MAC of encrypt-then-MAC.  d->seq moves on.  On a failure nothing
 * of the record stays in out. */
static glass_err seal_lay_out(glass_direction *d, uint8_t type, const uint8_t *pt, size_t len,
                              glass_random_fn rnd, void *rnd_arg, const glass_tracer *trace,
                              glass_buf *out, sealing *s)
{
    uint8_t hdr[GLASS_RECORD_HEADER_LEN], iv[GLASS_RECORD_IV_LEN], pad[AES_BLOCK_LEN];
    uint8_t mac[HMAC_SHA256_LEN];
    s->at = out->len;
    s->seq = d->seq;
    /* 1. The sequence number must not wrap (it would repeat a MAC input). */
    if (d->seq == UINT64_MAX)
        return GLASS_ERR_PROTO_SEQ_OVERFLOW;
    /* 2. Padding (RFC 5246 §6.2.3.2): p bytes of value p, then p itself,
     *    after the MAC when it goes inside (MAC-then-encrypt). */
    size_t inner = len + (d->etm ? 0 : HMAC_SHA256_LEN);
    size_t p = AES_BLOCK_LEN - 1 - inner % AES_BLOCK_LEN;
    s->c_len = inner + p + 1;
    size_t frag = GLASS_RECORD_IV_LEN + s->c_len + (d->etm ? GLASS_RECORD_MAC_LEN : 0);
    hdr[0] = type;
    hdr[1] = (uint8_t)(record_version(d) >> 8);
    hdr[2] = (uint8_t)record_version(d);
    hdr[3] = (uint8_t)(frag >> 8);
    hdr[4] = (uint8_t)frag;
    /* 3. A fresh random IV. */
    glass_err err = rnd(rnd_arg, iv, sizeof iv);
    if (err != GLASS_OK)
        return err;
    glass_trace(trace, "derive record IV", "random IV of this record (fresh for every record)",
                iv, sizeof iv);
    glass_buf_put(out, hdr, sizeof hdr);
    glass_buf_put(out, iv, sizeof iv);
    glass_buf_put(out, pt, len);
    /* 4. MAC-then-encrypt: the MAC over the plaintext goes inside. */
    if (!d->etm) {
        record_mac(d, type, pt, len, mac);
        glass_trace(trace, "derive record MAC",
                    "HMAC-SHA256(write_MAC_key, seq_num || type || version || length || "
                    "plaintext), encrypted with it (MAC-then-encrypt)",
                    mac, sizeof mac);
        glass_buf_put(out, mac, sizeof mac);
    }
    memset(pad, (int)p, p + 1);
    glass_buf_put(out, pad, p + 1);
    if (d->etm) {
        memset(mac, 0, sizeof mac);
        glass_buf_put(out, mac, sizeof mac);        /* filled by seal_finish */
    }
    glass_wipe(mac, sizeof mac);
    if (out->failed) {
        if (out->p != NULL && out->len > s->at)
            glass_wipe(out->p + s->at, out->len - s->at);
        out->len = s->at;
        return GLASS_ERR_NOMEM;
    }
    d->seq++;
    return GLASS_OK;
}

/* Sealing, step 5: C = AES-256-CBC(key, IV, ...) in place, the IV being
 * the 16 bytes right before C. */
static void seal_encrypt(const glass_direction *d, glass_buf *out, const sealing *s)
{
    uint8_t *c = sealing_c(out, s);
    cbc_encrypt_ct(&d->aes, c - GLASS_RECORD_IV_LEN, c, s->c_len);
}

/* Sealing, step 6: encrypt-then-MAC (RFC 7366 §3), the MAC over IV || C,
 * whose length (not counting the MAC) is what the MAC header says, under
 * the record's own sequence number. */
static void seal_finish(glass_direction *d, uint8_t type, const glass_tracer *trace,
                        glass_buf *out, const sealing *s)
{
    uint8_t *rec = out->p + s->at;
    if (d->etm) {
        uint64_t next = d->seq;
        d->seq = s->seq;
        record_mac(d, type, rec + GLASS_RECORD_HEADER_LEN, GLASS_RECORD_IV_LEN + s->c_len,
                   sealing_c(out, s) + s->c_len);
        d->seq = next;
        glass_trace(trace, "derive record MAC",
                    "HMAC-SHA256(write_MAC_key, seq_num || type || version || length || IV || "
                    "ciphertext)",
                    sealing_c(out, s) + s->c_len, GLASS_RECORD_MAC_LEN);
    }
    glass_trace(trace, "send record", "one record as it goes on the wire", rec,
                GLASS_RECORD_HEADER_LEN + GLASS_RECORD_IV_LEN + s->c_len +
                    (d->etm ? GLASS_RECORD_MAC_LEN : 0));
}

/* See protocol_internal.h. */
glass_err glass_record_seal(glass_direction *d, uint8_t type, const uint8_t *pt, size_t len,
                            glass_random_fn rnd, void *rnd_arg, const glass_tracer *trace,
                            glass_buf *out)
{
    size_t start = out->len;
    /* Only application data may be empty (RFC 5246 §6.2.1). */
    if ((len == 0 && (type != GLASS_CT_APPLICATION || !d->active)) || (pt == NULL && len > 0))
        return GLASS_ERR_ARG;
    if (len > GLASS_MAX_PLAINTEXT)
        return GLASS_ERR_PROTO_RECORD_OVERFLOW;
    if (d->active) {
        sealing s;
        glass_err err = seal_lay_out(d, type, pt, len, rnd, rnd_arg, trace, out, &s);
        if (err != GLASS_OK)
            return err;
        seal_encrypt(d, out, &s);
        seal_finish(d, type, trace, out, &s);
        return GLASS_OK;
    }
    uint8_t hdr[GLASS_RECORD_HEADER_LEN] = {type, (uint8_t)(record_version(d) >> 8),
                                            (uint8_t)record_version(d), (uint8_t)(len >> 8),
                                            (uint8_t)len};
    glass_buf_put(out, hdr, sizeof hdr);
    glass_buf_put(out, pt, len);
    if (out->failed)
        return GLASS_ERR_NOMEM;
    glass_trace(trace, "send record", "one record as it goes on the wire", out->p + start,
                out->len - start);
    return GLASS_OK;
}

/* CBC encryption of several records side by side.  Within one record CBC
 * is serial (C_j needs C_{j-1}, SP 800-38A §6.2), which leaves a cipher
 * that works on several blocks at once (the bitsliced one does eight, AES-NI
 * pipelines several) doing one at a time.  Records are independent — each
 * has its own random IV — so block j of up to GLASS_SEAL_LANES records
 * goes through the cipher in one ECB call: P_j xor C_{j-1} of each record,
 * then each result back in its place.  The bytes are exactly those of
 * sealing the records one by one. */
static void seal_encrypt_lanes(const glass_direction *d, glass_buf *out, const sealing *s,
                               size_t n)
{
    uint8_t x[GLASS_SEAL_LANES * AES_BLOCK_LEN];
    uint8_t *at[GLASS_SEAL_LANES];
    size_t most = 0;
    for (size_t k = 0; k < n; k++)
        most = s[k].c_len > most ? s[k].c_len : most;
    for (size_t j = 0; j < most / AES_BLOCK_LEN; j++) {
        size_t m = 0;
        for (size_t k = 0; k < n; k++) {
            if (j >= s[k].c_len / AES_BLOCK_LEN)
                continue;
            uint8_t *P = sealing_c(out, &s[k]) + j * AES_BLOCK_LEN;
            const uint8_t *prev = P - AES_BLOCK_LEN;    /* C_{j-1}, or the IV */
            for (size_t i = 0; i < AES_BLOCK_LEN; i++)
                x[m * AES_BLOCK_LEN + i] = P[i] ^ prev[i];
            at[m++] = P;
        }
        (void)aes256_ecb_encrypt(&d->aes, x, m * AES_BLOCK_LEN, x);
        for (size_t i = 0; i < m; i++)
            memcpy(at[i], x + i * AES_BLOCK_LEN, AES_BLOCK_LEN);
    }
    glass_wipe(x, sizeof x);
}

/* See protocol_internal.h. */
glass_err glass_record_seal_many(glass_direction *d, uint8_t type, const uint8_t *pt, size_t len,
                                 glass_random_fn rnd, void *rnd_arg, const glass_tracer *trace,
                                 glass_buf *out)
{
    if (pt == NULL || len == 0)
        return GLASS_ERR_ARG;
    while (len > 0) {
        sealing s[GLASS_SEAL_LANES];
        size_t n = 0;
        glass_err err = GLASS_OK;
        /* Plaintext records, or a trace that follows each record on its
         * own: one at a time. */
        if (!d->active || trace != NULL) {
            size_t k = len < GLASS_MAX_PLAINTEXT ? len : GLASS_MAX_PLAINTEXT;
            err = glass_record_seal(d, type, pt, k, rnd, rnd_arg, trace, out);
            if (err != GLASS_OK)
                return err;
            pt += k;
            len -= k;
            continue;
        }
        for (; n < GLASS_SEAL_LANES && len > 0 && err == GLASS_OK; n++) {
            size_t k = len < GLASS_MAX_PLAINTEXT ? len : GLASS_MAX_PLAINTEXT;
            err = seal_lay_out(d, type, pt, k, rnd, rnd_arg, NULL, out, &s[n]);
            pt += k;
            len -= k;
        }
        if (err != GLASS_OK) {
            /* The records laid out before are still in clear: none leaves. */
            if (out->len > s[0].at)
                glass_wipe(out->p + s[0].at, out->len - s[0].at);
            out->len = s[0].at;
            d->seq = s[0].seq;
            return err;
        }
        seal_encrypt_lanes(d, out, s, n);
        for (size_t k = 0; k < n; k++)
            seal_finish(d, type, NULL, out, &s[k]);
    }
    return GLASS_OK;
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
