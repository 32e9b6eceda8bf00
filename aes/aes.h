/*
 * aes.h — AES-256 (FIPS 197) and its modes of operation (NIST SP 800-38A:
 * ECB, CBC, CTR; SP 800-38D: GCM).
 *
 * SYNOPSIS
 *     aes256_ctx c;
 *     aes256_init(&c, key, 32);                       KeyExpansion (§5.2)
 *     aes256_encrypt_block(&c, in, out);              Cipher (§5.1)
 *     aes256_decrypt_block(&c, in, out);              InvCipher (§5.3)
 *     aes256_cbc_encrypt_pkcs7(&c, iv, in, len, out, cap, &out_len);
 *     aes256_cbc_decrypt_pkcs7(&c, iv, in, len, out, cap, &out_len);
 *     aes256_ctr_xor(&c, counter, in, len, out);
 *     aes256_gcm_encrypt(&c, iv, iv_len, aad, aad_len, in, len, out, tag, tag_len);
 *     aes256_gcm_decrypt(&c, iv, iv_len, aad, aad_len, in, len, tag, tag_len, out);
 *     aes256_clear(&c);                               wipes the round keys
 *
 *     aes256_ct_init(&c, key, 32);                    KeyExpansion, constant time
 *     aes256_gcm_encrypt_ct(&c, iv, iv_len, aad, aad_len, in, len, out, tag, tag_len);
 *     aes256_gcm_decrypt_ct(&c, iv, iv_len, aad, aad_len, in, len, tag, tag_len, out);
 *
 * DESCRIPTION
 *     aes_ref.c is the reference cipher: SubBytes, ShiftRows, MixColumns and
 *     AddRoundKey on a 4x4 state, exactly as FIPS 197 §5 writes them.
 *     aes_fast.c is the table-driven variant (four 1 KiB T-tables combining
 *     SubBytes, ShiftRows and MixColumns) that the modes use by default.
 *     aes_ct.c is the constant-time variant: the S-box computed as the
 *     affine map of a^254 in GF(2^8), no table at all; aes256_ct_init is
 *     its KeyExpansion.  All three pass every vector (aes_internal.h
 *     reaches each directly).
 *     modes.c holds ECB, CBC (with and without PKCS#7 padding) and CTR;
 *     gcm.c holds GCM, its GHASH multiplication done bit by bit
 *     (SP 800-38D §6.3, Algorithm 1) for reference and four bits at a time
 *     with a per-key table for speed, and bit by bit with masks (no secret
 *     branch) for constant time; aes256_gcm_*_ct use that one with aes_ct.c.
 *
 * STANDARDS
 *     FIPS 197, Advanced Encryption Standard (November 2001); section and
 *     figure numbers here are those of that edition (the 2023 update,
 *     FIPS 197-upd1, numbers its figures and tables differently).
 *     NIST SP 800-38A (December 2001): §6.1 ECB, §6.2 CBC, §6.5 CTR.
 *     NIST SP 800-38D (November 2007): §7.1 GCM-AE, §7.2 GCM-AD.
 *     RFC 5652 (September 2009) §6.3: the PKCS#7 padding.
 *
 * CAVEATS
 *     AES-256 only: aes256_init refuses any key that is not 32 bytes.
 *     ECB encrypts equal blocks to equal blocks and is here for the labs.
 *     CBC and CTR do not authenticate: a change to the ciphertext changes
 *     the plaintext without any error.  aes256_ctr_xor continues a stream
 *     across calls only when each len is a multiple of 16.  GCM takes its
 *     input in one call (no streaming) and accepts any tag length from 4
 *     to 16 bytes, more than the lengths SP 800-38D §5.2.1.2 lists: use 16.
 *
 * SECURITY CONSIDERATIONS
 *     Never reuse a (key, IV) pair in CTR or GCM: two messages under the
 *     same counter blocks XOR to the XOR of their plaintexts, and a
 *     repeated GCM IV also reveals the hash key H and so allows forgeries.
 *     A CBC IV must be unpredictable.  Where a CBC padding error can be
 *     told apart from a MAC error, an attacker decrypts byte by byte
 *     (Vaudenay 2002): hence one error for every bad padding, checked in
 *     constant time, and MAC-then-encrypt avoided in the protocol.  Call
 *     aes256_clear when a key is no longer needed.
 *
 * CONSTANT TIME
 *     | implementation | CT  | what leaks
 *     | aes_ref.c      | no  | S-box look-ups indexed by key-dependent bytes
 *     | aes_fast.c     | no  | T-table look-ups indexed by key-dependent bytes
 *     | aes256_init    | no  | SubWord looks up the S-box at key bytes
 *     | aes_ct.c       | yes | nothing: S-box computed (a^254, affine map),
 *     |                |     | fixed loops; aes256_ct_init likewise.  About
 *     |                |     | 40x slower than aes_fast.c
 *     | gcm_mult_table | no  | table look-ups indexed by data ^ state, a cache
 *     | (GHASH default)|     | channel on the hash key H
 *     | gcm_mult_ct    | yes | nothing: Algorithm 1 with masks, ~3x slower
 *     | gcm_mult_ref   | no  | branches on the bits of X and V (reference)
 *     | aes256_gcm_*_ct| yes | aes_ct.c + gcm_mult_ct, constant-time tag check
 *     | modes.c        | —   | nothing of their own; the block cipher's leaks
 *     | pkcs7_unpad    | yes | only len; one error for every bad padding
 *     | GCM tag check  | yes | glass_ct_equal
 *     Table-indexed AES leaks through the cache (Bernstein 2005; Osvik,
 *     Shamir, Tromer 2006).  Real libraries use AES-NI or bitslicing.
 *     The default functions (aes256_init, the modes, aes256_gcm_encrypt)
 *     use the table-driven code; for a key that must resist a co-located
 *     attacker use aes256_ct_init and aes256_gcm_*_ct.
 */
#ifndef GLASS_AES_H
#define GLASS_AES_H

#include "common/common.h"

#include <stddef.h>
#include <stdint.h>

#define AES_BLOCK_LEN    16
#define AES256_KEY_LEN   32
#define AES256_ROUNDS    14     /* Nr for Nk = 8 (FIPS 197 §5, Figure 4) */
#define AES_GCM_IV_LEN   12     /* the recommended GCM IV length */
#define AES_GCM_TAG_LEN  16

typedef struct aes256_ctx {
    /* The key schedule w[0..59] (FIPS 197 §5.2), one 32-bit word per column,
     * and the equivalent inverse-cipher schedule dw (§5.3.5) for decryption. */
    uint32_t w[4 * (AES256_ROUNDS + 1)];
    uint32_t dw[4 * (AES256_ROUNDS + 1)];
    const glass_tracer *trace;  /* NULL: no trace; else the reference cipher
                                   emits every step of every round */
} aes256_ctx;

/* KeyExpansion.  key_len must be 32 (GLASS_ERR_AES_KEY_LENGTH). */
glass_err aes256_init(aes256_ctx *ctx, const uint8_t *key, size_t key_len);
/* Routes single-block encryption/decryption through the reference cipher
 * and emits trace events for the state after every step of every round, in
 * the layout of FIPS 197 Appendix C.3 ("round[ 1].s_box ..."). */
void aes256_set_trace(aes256_ctx *ctx, const glass_tracer *trace);
void aes256_encrypt_block(const aes256_ctx *ctx, const uint8_t in[AES_BLOCK_LEN],
                          uint8_t out[AES_BLOCK_LEN]);
void aes256_decrypt_block(const aes256_ctx *ctx, const uint8_t in[AES_BLOCK_LEN],
                          uint8_t out[AES_BLOCK_LEN]);
void aes256_clear(aes256_ctx *ctx);

/* KeyExpansion (FIPS 197 §5.2) and the dw schedule (§5.3.5) computed
 * without any table look-up or branch on the key (aes_ct.c): the same
 * w and dw as aes256_init, so the context serves every function here.
 * key_len must be 32 (GLASS_ERR_AES_KEY_LENGTH).  CT: yes. */
glass_err aes256_ct_init(aes256_ctx *ctx, const uint8_t *key, size_t key_len);

/* ECB (SP 800-38A §6.1): len a multiple of 16 (GLASS_ERR_AES_NOT_BLOCKS).
 * in and out may be the same buffer. */
glass_err aes256_ecb_encrypt(const aes256_ctx *ctx, const uint8_t *in, size_t len, uint8_t *out);
glass_err aes256_ecb_decrypt(const aes256_ctx *ctx, const uint8_t *in, size_t len, uint8_t *out);

/* CBC (SP 800-38A §6.2) without padding: len a multiple of 16.  in == out
 * allowed. */
glass_err aes256_cbc_encrypt(const aes256_ctx *ctx, const uint8_t iv[AES_BLOCK_LEN],
                             const uint8_t *in, size_t len, uint8_t *out);
glass_err aes256_cbc_decrypt(const aes256_ctx *ctx, const uint8_t iv[AES_BLOCK_LEN],
                             const uint8_t *in, size_t len, uint8_t *out);

/* CBC with PKCS#7 padding (RFC 5652 §6.3): always adds 1..16 bytes, so
 * *out_len = (len / 16 + 1) * 16, which must fit in out_cap. */
glass_err aes256_cbc_encrypt_pkcs7(const aes256_ctx *ctx, const uint8_t iv[AES_BLOCK_LEN],
                                   const uint8_t *in, size_t len,
                                   uint8_t *out, size_t out_cap, size_t *out_len);
/* Decrypts and removes the padding.  The padding check runs in constant time
 * and every kind of bad padding gives the one error GLASS_ERR_AES_PADDING
 * (a padding oracle needs only to tell good from bad).  out_cap >= len. */
glass_err aes256_cbc_decrypt_pkcs7(const aes256_ctx *ctx, const uint8_t iv[AES_BLOCK_LEN],
                                   const uint8_t *in, size_t len,
                                   uint8_t *out, size_t out_cap, size_t *out_len);
/* The padding check alone, for buf[0..len) (len a positive multiple of 16):
 * on success *data_len is len minus the padding.  CT: yes. */
glass_err pkcs7_unpad(const uint8_t *buf, size_t len, size_t *data_len);

/* CTR (SP 800-38A §6.5): XORs the keystream E(counter), E(counter+1), ...
 * into in; the 128-bit big-endian counter block is advanced in place past
 * the blocks used, so consecutive calls continue the stream when len is a
 * multiple of 16.  Any len. */
glass_err aes256_ctr_xor(const aes256_ctx *ctx, uint8_t counter[AES_BLOCK_LEN],
                         const uint8_t *in, size_t len, uint8_t *out);

/* GCM (SP 800-38D §7.1, §7.2).  Any IV length >= 1 byte (12 is the fast
 * path, §7.1 step 2); tag_len 4..16 (GLASS_ERR_AES_TAG_LENGTH).  Decryption
 * compares the tag in constant time and, on a mismatch, returns
 * GLASS_ERR_AES_TAG and wipes out[] so no unauthenticated plaintext escapes. */
glass_err aes256_gcm_encrypt(const aes256_ctx *ctx, const uint8_t *iv, size_t iv_len,
                             const uint8_t *aad, size_t aad_len,
                             const uint8_t *in, size_t len, uint8_t *out,
                             uint8_t *tag, size_t tag_len);
glass_err aes256_gcm_decrypt(const aes256_ctx *ctx, const uint8_t *iv, size_t iv_len,
                             const uint8_t *aad, size_t aad_len,
                             const uint8_t *in, size_t len,
                             const uint8_t *tag, size_t tag_len, uint8_t *out);

/* GCM as above over the constant-time cipher (aes_ct.c) and the constant-
 * time GHASH multiplication (gcm_mult_ct); same arguments, same errors,
 * same output.  Pair with aes256_ct_init.  CT: yes (about 40x slower). */
glass_err aes256_gcm_encrypt_ct(const aes256_ctx *ctx, const uint8_t *iv, size_t iv_len,
                                const uint8_t *aad, size_t aad_len,
                                const uint8_t *in, size_t len, uint8_t *out,
                                uint8_t *tag, size_t tag_len);
glass_err aes256_gcm_decrypt_ct(const aes256_ctx *ctx, const uint8_t *iv, size_t iv_len,
                                const uint8_t *aad, size_t aad_len,
                                const uint8_t *in, size_t len,
                                const uint8_t *tag, size_t tag_len, uint8_t *out);

#endif
