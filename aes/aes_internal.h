/*
 * aes_internal.h — what only the tests and the vector runner need: direct
 * access to each AES implementation (reference, T-table, constant-time), so
 * every vector runs through all three, and each GHASH multiplication (the
 * bit-by-bit definition, the 4-bit table, the constant-time one), so they
 * can be checked against each other.
 */
#ifndef GLASS_AES_INTERNAL_H
#define GLASS_AES_INTERNAL_H

#include "aes/aes.h"

/* aes_ref.c: the S-box (FIPS 197 §5.1.1, Figure 7) and its inverse (§5.3.2,
 * Figure 14), shared with aes_fast.c's last round. */
extern const uint8_t aes_sbox[256];
extern const uint8_t aes_inv_sbox[256];

/* aes_ref.c: Cipher (FIPS 197 §5.1) and InvCipher (§5.3) on a state[4][4],
 * emitting trace events when ctx->trace is set. */
void aes256_ref_encrypt_block(const aes256_ctx *ctx, const uint8_t in[AES_BLOCK_LEN],
                              uint8_t out[AES_BLOCK_LEN]);
void aes256_ref_decrypt_block(const aes256_ctx *ctx, const uint8_t in[AES_BLOCK_LEN],
                              uint8_t out[AES_BLOCK_LEN]);

/* Debugging helpers meant to be called from gdb (`call aes_dump_state(state)`):
 * the state as a 4x4 grid, row by row (FIPS 197 §3.4), and the key schedule
 * w[0..59] one word a line (as in Appendix A.3).  Print to stdout. */
void aes_dump_state(const uint8_t state[4][4]);
void aes_dump_schedule(const aes256_ctx *ctx);

/* aes_fast.c: the T-table cipher and the equivalent inverse cipher
 * (FIPS 197 §5.3.5, using ctx->dw).  Never trace. */
void aes256_fast_encrypt_block(const aes256_ctx *ctx, const uint8_t in[AES_BLOCK_LEN],
                               uint8_t out[AES_BLOCK_LEN]);
void aes256_fast_decrypt_block(const aes256_ctx *ctx, const uint8_t in[AES_BLOCK_LEN],
                               uint8_t out[AES_BLOCK_LEN]);

/* aes_ct.c: Cipher (§5.1) and InvCipher (§5.3, with w) with the S-box
 * computed as affine(a^254) — no secret-indexed look-up, no secret branch.
 * Work on any context (aes256_init or aes256_ct_init); never trace.
 * CT: yes. */
void aes256_ct_encrypt_block(const aes256_ctx *ctx, const uint8_t in[AES_BLOCK_LEN],
                             uint8_t out[AES_BLOCK_LEN]);
void aes256_ct_decrypt_block(const aes256_ctx *ctx, const uint8_t in[AES_BLOCK_LEN],
                             uint8_t out[AES_BLOCK_LEN]);

/* A block cipher direction, so a mode can run over either implementation. */
typedef void (*aes_block_fn)(const aes256_ctx *ctx, const uint8_t in[AES_BLOCK_LEN],
                             uint8_t out[AES_BLOCK_LEN]);

/* gcm.c: aes256_gcm_encrypt/decrypt (see aes.h) over the block cipher CIPH
 * (the public functions pass aes256_fast_encrypt_block; the vector runner
 * also passes aes256_ref_encrypt_block). */
glass_err aes256_gcm_encrypt_with(aes_block_fn CIPH, const aes256_ctx *ctx, const uint8_t *iv,
                                  size_t iv_len, const uint8_t *aad, size_t aad_len,
                                  const uint8_t *in, size_t len, uint8_t *out,
                                  uint8_t *tag, size_t tag_len);
glass_err aes256_gcm_decrypt_with(aes_block_fn CIPH, const aes256_ctx *ctx, const uint8_t *iv,
                                  size_t iv_len, const uint8_t *aad, size_t aad_len,
                                  const uint8_t *in, size_t len,
                                  const uint8_t *tag, size_t tag_len, uint8_t *out);

/* Which GHASH multiplication GCM uses: the 4-bit table (fast, CT: no) or
 * gcm_mult_ct (CT: yes). */
typedef enum gcm_ghash {
    GCM_GHASH_TABLE,
    GCM_GHASH_CT,
} gcm_ghash;

/* gcm.c: as the *_with functions, choosing the GHASH multiplication too.
 * aes256_gcm_*_with(CIPH, ...) are these with GCM_GHASH_TABLE;
 * aes256_gcm_*_ct (aes.h) are these with aes256_ct_encrypt_block and
 * GCM_GHASH_CT. */
glass_err aes256_gcm_encrypt_with_ghash(aes_block_fn CIPH, gcm_ghash GHASH,
                                        const aes256_ctx *ctx, const uint8_t *iv,
                                        size_t iv_len, const uint8_t *aad, size_t aad_len,
                                        const uint8_t *in, size_t len, uint8_t *out,
                                        uint8_t *tag, size_t tag_len);
glass_err aes256_gcm_decrypt_with_ghash(aes_block_fn CIPH, gcm_ghash GHASH,
                                        const aes256_ctx *ctx, const uint8_t *iv,
                                        size_t iv_len, const uint8_t *aad, size_t aad_len,
                                        const uint8_t *in, size_t len,
                                        const uint8_t *tag, size_t tag_len, uint8_t *out);

/* gcm.c: Z = X . Y in GF(2^128) by SP 800-38D §6.3 Algorithm 1, one bit at a
 * time (the definition; the 4-bit table in gcm.c must agree with it). */
void gcm_mult_ref(const uint8_t X[16], const uint8_t Y[16], uint8_t Z[16]);
/* The same product through the 4-bit table built for H = Y. */
void gcm_mult_table(const uint8_t X[16], const uint8_t H[16], uint8_t Z[16]);
/* The same product by Algorithm 1 with masks in place of both ifs (the bit
 * of X, the bit shifted out of V): CT: yes. */
void gcm_mult_ct(const uint8_t X[16], const uint8_t Y[16], uint8_t Z[16]);

#endif
