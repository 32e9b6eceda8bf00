/*
 * record_mte.c — opening a TLS 1.2 MAC-then-encrypt record in constant time
 * (RFC 5246 §6.2.3.2 and its implementation note; the attack that makes
 * this file necessary is Lucky Thirteen: N. AlFardan and K. Paterson,
 * "Lucky Thirteen: Breaking the TLS and DTLS Record Protocols", IEEE S&P
 * 2013).
 *
 * With MAC-then-encrypt the receiver must decrypt before it can check
 * anything, and the padding length it finds there says where the MAC is
 * and how many bytes the MAC covers.  If the receiver branches on a bad
 * padding, or simply hashes a message whose length depends on the padding
 * byte, the time it takes tells an attacker something about a plaintext
 * byte — and repeated over many forged records, the whole plaintext
 * (Vaudenay 2002; Lucky Thirteen measured the one or two extra SHA
 * compressions of the HMAC).  RFC 5246's implementation note says to
 * compute the MAC even when the padding is bad; that is not enough, the
 * amount of hashing must not depend on it either.  So here:
 *
 *   1. The padding is checked with masks over a fixed window (the last
 *      min(256, len) bytes), record.c's glass_record_check_padding.
 *   2. The plaintext length L is known only as a number inside masks.  The
 *      HMAC's inner hash runs over every block that any L in the possible
 *      range could need; each block is built byte by byte with masks
 *      (data, the 0x80 end marker, zeros, the length in bits), all blocks
 *      are compressed, and the state after the block that really ends the
 *      message is kept, again with a mask.  This is the approach BearSSL's
 *      br_hmac_outCT takes, written here from the SHA-256 padding rule
 *      (FIPS 180-4 §5.1.1).
 *   3. The MAC the peer sent is read from position L by visiting every
 *      possible position and keeping the one that matches L (a mask), so
 *      the memory addresses touched do not depend on L either.
 *   4. One verdict, a mask; only then one branch, on the public outcome.
 *
 * Read glass_record_open_mte, then the inner hash (mac_inner_ct).
 * CT: yes — no branch and no memory index depends on the decrypted bytes;
 * the SHA-256 compression (sha/sha256_fast.c) is constant time by design.
 */
#include "protocol/protocol_internal.h"
#include "sha/sha256_internal.h"

#include <string.h>

#define MAC_LEN HMAC_SHA256_LEN
#define BLOCK SHA256_BLOCK_LEN

/* H(K0 ^ pad) for HMAC-SHA256 with a 32-byte key (FIPS 198-1 §4 steps 1-4):
 * the state after the one key block. */
static void key_block_state(const uint8_t key[MAC_LEN], uint8_t pad, uint32_t H[8])
{
    uint8_t block[BLOCK];
    memset(block, pad, sizeof block);
    for (size_t i = 0; i < MAC_LEN; i++)
        block[i] = (uint8_t)(key[i] ^ pad);
    memcpy(H, sha256_H0, 8 * sizeof H[0]);
    sha256_compress_fast(H, block, 1);
    sha256_wipe(block, sizeof block);
}

static void store_be32(uint8_t *out, uint32_t v)
{
    out[0] = (uint8_t)(v >> 24);
    out[1] = (uint8_t)(v >> 16);
    out[2] = (uint8_t)(v >> 8);
    out[3] = (uint8_t)v;
}

/* The inner hash SHA-256((K0 ^ ipad) || S[0..n)) where S = h13 || pt and
 * n = 13 + L, L secret in [min_L, max_L]: every block up to the last one
 * max_L could need is compressed; the state after the real last block is
 * selected by mask. */
static void mac_inner_ct(const uint8_t key[MAC_LEN], const uint8_t h13[GLASS_MAC_HEADER_LEN],
                         const uint8_t *pt, size_t min_L, size_t max_L, uint32_t L,
                         uint8_t digest[SHA256_DIGEST_LEN])
{
    uint32_t H[8], Hout[8] = {0};
    uint8_t block[BLOCK];
    const size_t hl = GLASS_MAC_HEADER_LEN;
    key_block_state(key, 0x36, H);

    /* 1. The blocks every possible L fills completely: hashed as they are
     *    (their count depends only on the public min_L). */
    size_t nfull = (hl + min_L) / BLOCK;
    for (size_t r = 0; r < nfull; r++) {
        for (size_t j = 0; j < BLOCK; j++) {
            size_t q = r * BLOCK + j;
            block[j] = q < hl ? h13[q] : pt[q - hl];
        }
        sha256_compress_fast(H, block, 1);
    }
    /* 2. The rest, up to the last block the longest message needs.  Stream
     *    length T = 64 (key block) + 13 + L; its padded end is block
     *    (T + 8) / 64 of the stream, counting the key block (FIPS 180-4
     *    §5.1.1: 0x80, zeros, the 64-bit length in bits). */
    uint32_t n = (uint32_t)hl + L;                  /* bytes of S really hashed */
    uint32_t T = BLOCK + n;
    uint32_t last = (T + 8) / BLOCK - 1;            /* in blocks of S */
    uint64_t bits = (uint64_t)T * 8;
    size_t rmax = (BLOCK + hl + max_L + 8) / BLOCK - 1;
    for (size_t r = nfull; r <= rmax; r++) {
        uint32_t is_last = glass_ct_mask_eq((uint32_t)r, last);
        for (size_t j = 0; j < BLOCK; j++) {
            size_t q = r * BLOCK + j;
            uint8_t v = q < hl ? h13[q] : (q - hl < max_L + MAC_LEN ? pt[q - hl] : 0);
            v &= (uint8_t)glass_ct_mask_lt((uint32_t)q, n);
            v |= (uint8_t)(0x80 & glass_ct_mask_eq((uint32_t)q, n));
            if (j >= BLOCK - 8)
                v |= (uint8_t)((uint8_t)(bits >> (8 * (BLOCK - 1 - j))) & is_last);
            block[j] = v;
        }
        sha256_compress_fast(H, block, 1);
        for (int k = 0; k < 8; k++)
            Hout[k] |= H[k] & is_last;
    }
    for (int k = 0; k < 8; k++)
        store_be32(digest + 4 * k, Hout[k]);
    sha256_wipe(H, sizeof H);
    sha256_wipe(Hout, sizeof Hout);
    sha256_wipe(block, sizeof block);
}

/* HMAC's outer hash: SHA-256((K0 ^ opad) || inner), public length. */
static void mac_outer(const uint8_t key[MAC_LEN], uint8_t inner[SHA256_DIGEST_LEN],
                      uint8_t mac[MAC_LEN])
{
    uint32_t H[8];
    uint8_t block[BLOCK] = {0};
    key_block_state(key, 0x5c, H);
    memcpy(block, inner, SHA256_DIGEST_LEN);
    block[SHA256_DIGEST_LEN] = 0x80;
    uint64_t bits = (uint64_t)(BLOCK + SHA256_DIGEST_LEN) * 8;
    for (int j = 0; j < 8; j++)
        block[BLOCK - 1 - j] = (uint8_t)(bits >> (8 * j));
    sha256_compress_fast(H, block, 1);
    for (int k = 0; k < 8; k++)
        store_be32(mac + 4 * k, H[k]);
    sha256_wipe(H, sizeof H);
    sha256_wipe(block, sizeof block);
}

/* See protocol_internal.h. */
glass_err glass_record_open_mte(glass_direction *d, const uint8_t *rec, size_t rec_len,
                                const glass_tracer *trace, uint8_t *pt, size_t *pt_len)
{
    uint8_t h13[GLASS_MAC_HEADER_LEN];
    uint8_t inner[SHA256_DIGEST_LEN], mac[MAC_LEN], got[MAC_LEN];
    size_t frag = rec_len - GLASS_RECORD_HEADER_LEN;
    const uint8_t *f = rec + GLASS_RECORD_HEADER_LEN;

    *pt_len = 0;
    /* 1. Public shape: IV || whole blocks holding at least MAC + 1 byte. */
    if (frag < GLASS_RECORD_IV_LEN + 48 || (frag - GLASS_RECORD_IV_LEN) % AES_BLOCK_LEN != 0)
        return GLASS_ERR_PROTO_BAD_MAC;
    size_t c_len = frag - GLASS_RECORD_IV_LEN;
    glass_record_cbc_decrypt(&d->aes, f, f + GLASS_RECORD_IV_LEN, c_len, pt);

    /* 2. Padding, masks only; pad_len is 0 when it is bad, so the MAC is
     *    computed as if there were no padding (RFC 5246 §6.2.3.2's note). */
    size_t pad_len = 0;
    uint32_t good = glass_record_check_padding(pt, c_len, MAC_LEN, &pad_len);
#ifdef GLASS_LAB_BUILD
    uint32_t lab_padding_good = good;   /* for the lab's leak, step 5 */
#endif
    size_t max_L = c_len - MAC_LEN;
    size_t min_L = max_L > 256 ? max_L - 256 : 0;
    uint32_t L = (uint32_t)(max_L - pad_len);

    /* 3. The MAC over seq_num || type || version || length(L) || pt[0..L). */
    glass_record_mac_header(d, rec[0], L, h13);
    mac_inner_ct(d->mac_key, h13, pt, min_L, max_L, L, inner);
    mac_outer(d->mac_key, inner, mac);
    glass_trace(trace, "derive record MAC",
                "HMAC-SHA256(read_MAC_key, seq_num || type || version || length || plaintext), "
                "expected value (MAC-then-encrypt, computed in constant time)",
                mac, sizeof mac);

    /* 4. The MAC that came, read at every possible L and kept at the real one. */
    memset(got, 0, sizeof got);
    for (size_t q = min_L; q <= max_L; q++) {
        uint8_t here = (uint8_t)glass_ct_mask_eq((uint32_t)q, L);
        for (size_t j = 0; j < MAC_LEN; j++)
            got[j] |= pt[q + j < c_len ? q + j : c_len - 1] & here;
    }
    uint8_t diff = 0;
    for (size_t j = 0; j < MAC_LEN; j++)
        diff |= (uint8_t)(got[j] ^ mac[j]);
    good &= glass_ct_mask_eq(diff, 0);

    glass_wipe(inner, sizeof inner);
    glass_wipe(mac, sizeof mac);
    glass_wipe(got, sizeof got);
    /* 5. One verdict: bad padding and bad MAC are the same bad_record_mac,
     *    released as one mask (glass_ct_declassify) and branched on once.
     *    Only an accepted record's length L leaves, with its plaintext. */
    glass_ct_declassify(&good, sizeof good);
#ifdef GLASS_LAB_BUILD
    /* Lab build only (docs/labs/06-records.md): the classic bug, on purpose.
     * A receiver that answers a bad padding differently from a bad MAC (TLS
     * 1.0's decryption_failed, which RFC 5246 §7.2.2 reserves and forbids to
     * send) is a padding oracle: Vaudenay's attack decrypts every block. */
    if (d->lab_padding_oracle && lab_padding_good != 0xffffffffu) {
        glass_wipe(pt, c_len);
        return GLASS_ERR_PROTO_DECRYPT;
    }
#endif
    if (good != 0xffffffffu) {
        glass_wipe(pt, c_len);
        return GLASS_ERR_PROTO_BAD_MAC;
    }
    glass_ct_declassify(&L, sizeof L);
    if (L > GLASS_MAX_PLAINTEXT) {
        glass_wipe(pt, c_len);
        return GLASS_ERR_PROTO_RECORD_OVERFLOW;
    }
    *pt_len = L;
    d->seq++;
    return GLASS_OK;
}
