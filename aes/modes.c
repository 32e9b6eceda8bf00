/*
 * modes.c — ECB, CBC, CBC with PKCS#7 padding, and CTR for AES-256
 * (NIST SP 800-38A, 2001; PKCS#7 padding as in RFC 5652 §6.3).
 *
 * Read in this order: ECB (SP 800-38A §6.1), CBC (§6.2), PKCS#7 padding and
 * its constant-time check, CBC with padding, CTR (§6.5, with the standard
 * incrementing function of Appendix B.1 over the whole 128-bit block).
 *
 * Every mode runs over the implementation the context was bound to
 * (ctx->impl, see aes.h and aes_impl.c): ECB, CTR and CBC decryption hand it
 * many blocks at once, which the bitsliced and the hardware ciphers work on
 * in parallel; CBC encryption cannot (each block needs the previous
 * ciphertext) and goes one block at a time.
 *
 * CT: the modes add no secret-dependent branches or look-ups of their own;
 * the PKCS#7 check is constant time (yes); the block cipher under them has
 * its own status (aes.h's table).
 */
#include "aes/aes.h"
#include "aes/aes_internal.h"

#include <string.h>

/* out = a XOR b, 16 bytes; any of them may alias. */
static inline void xor_block(uint8_t *out, const uint8_t *a, const uint8_t *b)
{
    uint64_t a0, a1, b0, b1;
    memcpy(&a0, a, 8);
    memcpy(&a1, a + 8, 8);
    memcpy(&b0, b, 8);
    memcpy(&b1, b + 8, 8);
    a0 ^= b0;
    a1 ^= b1;
    memcpy(out, &a0, 8);
    memcpy(out + 8, &a1, 8);
}

/* ---- ECB (SP 800-38A §6.1) ------------------------------------------------ */

/* See aes.h.  C_j = CIPH_K(P_j) for j = 1..n. */
glass_err aes256_ecb_encrypt(const aes256_ctx *ctx, const uint8_t *in, size_t len, uint8_t *out)
{
    if (ctx == NULL || (len > 0 && (in == NULL || out == NULL)))
        return GLASS_ERR_ARG;
    if (len % AES_BLOCK_LEN != 0)
        return GLASS_ERR_AES_NOT_BLOCKS;
    ctx->impl->encrypt(ctx, in, out, len / AES_BLOCK_LEN);
    return GLASS_OK;
}

/* See aes.h.  P_j = CIPH^-1_K(C_j). */
glass_err aes256_ecb_decrypt(const aes256_ctx *ctx, const uint8_t *in, size_t len, uint8_t *out)
{
    if (ctx == NULL || (len > 0 && (in == NULL || out == NULL)))
        return GLASS_ERR_ARG;
    if (len % AES_BLOCK_LEN != 0)
        return GLASS_ERR_AES_NOT_BLOCKS;
    ctx->impl->decrypt(ctx, in, out, len / AES_BLOCK_LEN);
    return GLASS_OK;
}

/* ---- CBC (SP 800-38A §6.2) ------------------------------------------------ */

/* See aes.h.
 *   C_1 = CIPH_K(P_1 XOR IV)
 *   C_j = CIPH_K(P_j XOR C_{j-1})    for j = 2..n */
glass_err aes256_cbc_encrypt(const aes256_ctx *ctx, const uint8_t iv[AES_BLOCK_LEN],
                             const uint8_t *in, size_t len, uint8_t *out)
{
    if (ctx == NULL || iv == NULL || (len > 0 && (in == NULL || out == NULL)))
        return GLASS_ERR_ARG;
    if (len % AES_BLOCK_LEN != 0)
        return GLASS_ERR_AES_NOT_BLOCKS;
    uint8_t chain[AES_BLOCK_LEN];
    memcpy(chain, iv, AES_BLOCK_LEN);
    if (ctx->impl->cbc_encrypt != NULL) {
        ctx->impl->cbc_encrypt(ctx, chain, in, out, len / AES_BLOCK_LEN);
        return GLASS_OK;
    }
    for (size_t j = 0; j < len; j += AES_BLOCK_LEN) {
        xor_block(chain, chain, in + j);
        ctx->impl->encrypt(ctx, chain, chain, 1);
        memcpy(out + j, chain, AES_BLOCK_LEN);
    }
    glass_wipe(chain, sizeof chain);
    return GLASS_OK;
}

/* Blocks handed to the cipher at once by CBC decryption and CTR. */
#define BATCH 16

/* See aes.h.
 *   P_1 = CIPH^-1_K(C_1) XOR IV
 *   P_j = CIPH^-1_K(C_j) XOR C_{j-1}
 * Every P_j needs only ciphertext, so up to BATCH blocks are deciphered at
 * once; the ciphertext of a batch is saved before its plaintext is
 * written, so in == out works. */
glass_err aes256_cbc_decrypt(const aes256_ctx *ctx, const uint8_t iv[AES_BLOCK_LEN],
                             const uint8_t *in, size_t len, uint8_t *out)
{
    if (ctx == NULL || iv == NULL || (len > 0 && (in == NULL || out == NULL)))
        return GLASS_ERR_ARG;
    if (len % AES_BLOCK_LEN != 0)
        return GLASS_ERR_AES_NOT_BLOCKS;
    uint8_t prev[AES_BLOCK_LEN], cur[BATCH * AES_BLOCK_LEN], tmp[BATCH * AES_BLOCK_LEN];
    memcpy(prev, iv, AES_BLOCK_LEN);
    for (size_t j = 0; j < len;) {
        size_t n = (len - j) / AES_BLOCK_LEN;
        if (n > BATCH)
            n = BATCH;
        memcpy(cur, in + j, n * AES_BLOCK_LEN);
        ctx->impl->decrypt(ctx, cur, tmp, n);
        xor_block(out + j, tmp, prev);
        for (size_t i = 1; i < n; i++)
            xor_block(out + j + i * AES_BLOCK_LEN, tmp + i * AES_BLOCK_LEN,
                      cur + (i - 1) * AES_BLOCK_LEN);
        memcpy(prev, cur + (n - 1) * AES_BLOCK_LEN, AES_BLOCK_LEN);
        j += n * AES_BLOCK_LEN;
    }
    glass_wipe(tmp, sizeof tmp);
    return GLASS_OK;
}

/* ---- PKCS#7 padding (RFC 5652 §6.3) ---------------------------------------- */

/*
 * The padding is k = 16 - (len mod 16) bytes, each of value k, so 1..16
 * bytes are always added (a full block of 16 x 0x10 when len is already a
 * multiple of 16):
 *
 *     ... data ... | 03 03 03            (k = 3)
 *     ... data ... | 10 10 .. 10          (k = 16, a whole block)
 *
 * Why the check must be constant time, with one error for every failure.
 * Vaudenay (EUROCRYPT 2002, "Security Flaws Induced by CBC Padding") showed
 * that a receiver who reveals, by any means, whether the padding of a CBC
 * ciphertext was valid is a "padding oracle": by flipping bytes of the
 * previous ciphertext block and asking the oracle, an attacker recovers the
 * whole plaintext, one byte in at most 256 queries, without the key.  The
 * means can be different error codes or messages, or the time taken (an
 * early exit at the first bad byte tells how far the check got).  So
 * aes_pkcs7_unpad looks at all 16 bytes of the last block whatever it finds,
 * combines every condition into one mask without branching, and reports
 * every kind of failure (pad byte 0, pad byte > 16, inconsistent pad bytes)
 * as the one error GLASS_ERR_AES_PADDING.  (A protocol must still not let
 * the padding result be observable apart from the MAC check; glass uses
 * encrypt-then-MAC, so the MAC is checked before any padding is seen.)
 */

/* See aes.h.  CT: yes (time depends only on len). */
glass_err aes_pkcs7_unpad(const uint8_t *buf, size_t len, size_t *data_len)
{
    if (buf == NULL || data_len == NULL)
        return GLASS_ERR_ARG;
    if (len == 0 || len % AES_BLOCK_LEN != 0)
        return GLASS_ERR_AES_NOT_BLOCKS;
    const uint8_t *last = buf + len - AES_BLOCK_LEN;
    uint32_t pad = last[AES_BLOCK_LEN - 1];
    /* 1. 1 <= pad <= 16. */
    uint32_t good = ~glass_ct_mask_eq(pad, 0) & glass_ct_mask_lt(pad, AES_BLOCK_LEN + 1);
    /* 2. Each of the last pad bytes equals pad; all 16 bytes are read, and
     *    the ones before the padding are masked out of the comparison. */
    for (uint32_t i = 0; i < AES_BLOCK_LEN; i++) {
        uint32_t in_padding = glass_ct_mask_lt(i, pad);    /* byte 16-1-i */
        uint32_t same = glass_ct_mask_eq(last[AES_BLOCK_LEN - 1 - i], pad);
        good &= ~in_padding | same;
    }
    /* 3. One answer, decided only now: the verdict and the length are what
     *    the caller is given, so from here on they are public. */
    size_t n = len - (size_t)(pad & good & 0xff);
    glass_ct_declassify(&good, sizeof good);
    glass_ct_declassify(&n, sizeof n);
    *data_len = n;
    return good != 0 ? GLASS_OK : GLASS_ERR_AES_PADDING;
}

/* See aes.h. */
glass_err aes256_cbc_encrypt_pkcs7(const aes256_ctx *ctx, const uint8_t iv[AES_BLOCK_LEN],
                                   const uint8_t *in, size_t len,
                                   uint8_t *out, size_t out_cap, size_t *out_len)
{
    if (ctx == NULL || iv == NULL || out == NULL || out_len == NULL || (len > 0 && in == NULL))
        return GLASS_ERR_ARG;
    size_t full = len - len % AES_BLOCK_LEN;
    size_t total = full + AES_BLOCK_LEN;
    if (total < len || out_cap < total)
        return GLASS_ERR_BUFFER_TOO_SMALL;
    /* 1. The whole blocks (in == out is fine: CBC reads P_j before writing C_j). */
    glass_err err = aes256_cbc_encrypt(ctx, iv, in, full, out);
    if (err != GLASS_OK)
        return err;
    /* 2. The last block: the remaining 0..15 bytes, then k bytes of value k. */
    uint8_t last[AES_BLOCK_LEN];
    size_t rest = len - full;
    uint8_t k = (uint8_t)(AES_BLOCK_LEN - rest);
    if (rest > 0)
        memcpy(last, in + full, rest);
    memset(last + rest, k, k);
    const uint8_t *chain = full > 0 ? out + full - AES_BLOCK_LEN : iv;
    err = aes256_cbc_encrypt(ctx, chain, last, AES_BLOCK_LEN, out + full);
    glass_wipe(last, sizeof last);
    if (err != GLASS_OK)
        return err;
    *out_len = total;
    return GLASS_OK;
}

/* See aes.h.  On a padding failure out[0..len) is wiped. */
glass_err aes256_cbc_decrypt_pkcs7(const aes256_ctx *ctx, const uint8_t iv[AES_BLOCK_LEN],
                                   const uint8_t *in, size_t len,
                                   uint8_t *out, size_t out_cap, size_t *out_len)
{
    if (ctx == NULL || iv == NULL || out == NULL || out_len == NULL || (len > 0 && in == NULL))
        return GLASS_ERR_ARG;
    if (len == 0 || len % AES_BLOCK_LEN != 0)
        return GLASS_ERR_AES_NOT_BLOCKS;
    if (out_cap < len)
        return GLASS_ERR_BUFFER_TOO_SMALL;
    glass_err err = aes256_cbc_decrypt(ctx, iv, in, len, out);
    if (err != GLASS_OK)
        return err;
    size_t data_len = 0;
    err = aes_pkcs7_unpad(out, len, &data_len);
    if (err != GLASS_OK) {
        glass_wipe(out, len);
        return err;
    }
    *out_len = data_len;
    return GLASS_OK;
}

/* ---- CTR (SP 800-38A §6.5, Appendix B.1) ---------------------------------- */

/* T_{j+1} = T_j + 1: mod 2^128 over the whole block, big-endian (SP 800-38A
 * Appendix B.1), or mod 2^32 over the last four bytes only (inc32 of SP
 * 800-38D §6.2, which GCM uses). */
static inline void increment_counter(uint8_t counter[AES_BLOCK_LEN], int inc32)
{
    int stop = inc32 ? AES_BLOCK_LEN - 4 : 0;
    for (int i = AES_BLOCK_LEN - 1; i >= stop; i--) {
        counter[i]++;
        if (counter[i] != 0)
            break;
    }
}

/* See aes_internal.h.
 *   O_j = CIPH_K(T_j);  C_j = P_j XOR O_j  (the last block may be partial:
 *   C*_n = P*_n XOR MSB_u(O_n)).
 * The counter blocks of a batch are written out first and enciphered
 * together, so a parallel cipher works on all of them at once. */
void aes256_ctr_run(const aes256_ctx *ctx, uint8_t counter[AES_BLOCK_LEN], int inc32,
                    const uint8_t *in, size_t len, uint8_t *out)
{
    uint8_t O[BATCH * AES_BLOCK_LEN];
    size_t whole = len / AES_BLOCK_LEN;
    size_t j = 0;
    if (ctx->impl->ctr != NULL && whole > 0) {
        ctx->impl->ctr(ctx, counter, inc32, in, out, whole);
        j = whole * AES_BLOCK_LEN;
    }
    while (j < len) {
        size_t n = (len - j + AES_BLOCK_LEN - 1) / AES_BLOCK_LEN;
        if (n > BATCH)
            n = BATCH;
        for (size_t i = 0; i < n; i++) {
            memcpy(O + i * AES_BLOCK_LEN, counter, AES_BLOCK_LEN);
            increment_counter(counter, inc32);
        }
        ctx->impl->encrypt(ctx, O, O, n);
        size_t take = len - j < n * AES_BLOCK_LEN ? len - j : n * AES_BLOCK_LEN;
        size_t i = 0;
        for (; i + AES_BLOCK_LEN <= take; i += AES_BLOCK_LEN)
            xor_block(out + j + i, in + j + i, O + i);
        for (; i < take; i++)
            out[j + i] = (uint8_t)(in[j + i] ^ O[i]);
        j += take;
    }
    glass_wipe(O, sizeof O);
}

/* See aes.h.  SP 800-38A §6.5 with the standard incrementing function. */
glass_err aes256_ctr_xor(const aes256_ctx *ctx, uint8_t counter[AES_BLOCK_LEN],
                         const uint8_t *in, size_t len, uint8_t *out)
{
    if (ctx == NULL || counter == NULL || (len > 0 && (in == NULL || out == NULL)))
        return GLASS_ERR_ARG;
    aes256_ctr_run(ctx, counter, 0, in, len, out);
    return GLASS_OK;
}
