/*
 * aes_internal.h — what the implementations share among themselves and what
 * only the tests and the vector runner need: the pieces each entry of the
 * tables in aes.h is built from, direct access to each single-block cipher,
 * and each GHASH multiplication, so they can be checked against each other.
 * Programs choose an implementation through aes.h (aes_impl_by_name).
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

/* KeyExpansion (§5.2) and dw (§5.3.5) into ctx->w and ctx->dw: the
 * reference one of aes_ref.c (S-box look-ups: CT: no) and the one of
 * aes_ct.c (S-box computed: CT: yes). */
void aes256_ref_expand_key(aes256_ctx *ctx, const uint8_t key[AES256_KEY_LEN]);
void aes256_ct_expand_key(aes256_ctx *ctx, const uint8_t key[AES256_KEY_LEN]);

/* aes_bitslice.c: the sliced round keys from ctx->w, and ECB over any
 * number of blocks, eight at a time.  CT: yes. */
void aes256_bitslice_setup(aes256_ctx *ctx);
void aes256_bitslice_encrypt(const aes256_ctx *ctx, const uint8_t *in, uint8_t *out,
                             size_t nblocks);
void aes256_bitslice_decrypt(const aes256_ctx *ctx, const uint8_t *in, uint8_t *out,
                             size_t nblocks);
/* The S-box circuit alone (or its inverse, G . S . G) on 64 bytes. */
void aes_bitslice_sbox64(uint8_t bytes[64], int inverse);

/* aes_hw.c: the AES-NI and PCLMULQDQ entries (aes_impl and ghash_impl);
 * available() is 0 on a CPU without the instructions. */
extern const aes_impl aes_impl_hw;
extern const ghash_impl ghash_impl_hw;
/* 1 when the CPU has AES-NI, PCLMULQDQ and SSSE3 / SHA-NI (CPUID). */
int aes_cpu_has_aesni(void);
/* 0: the hw entries keep off their 256-bit paths (VAES CTR, VPCLMULQDQ
 * GHASH) even where the CPU has them, so that tests run the 128-bit paths
 * too; 1 (the default): use them where the CPU has them. */
void aes_hw_use_ymm(int on);

/* modes.c: CTR keystream over any len (the last block may be partial) with
 * the counter advanced by the last 32 bits (inc32 = 1, GCM) or by all 128
 * (SP 800-38A); through ctx->impl->ctr when it has one, else counter blocks
 * through ctx->impl->encrypt a few at a time.  GCM's GCTR is this. */
void aes256_ctr_run(const aes256_ctx *ctx, uint8_t counter[AES_BLOCK_LEN], int inc32,
                    const uint8_t *in, size_t len, uint8_t *out);

/* H in the form each GHASH method wants (ghash.c, aes_hw.c). */
typedef struct ghash_key {
    uint64_t M[16][2];          /* table: M[n] = n . H, as (bytes 0..7, 8..15) */
    uint64_t H[2];              /* ref, ct: H itself, the same halves */
    uint64_t Hs[24];            /* ct: H.lo, H.hi, H.lo ^ H.hi, each split in four
                                   classes and four masks (ghash.c, holes4) */
    uint64_t Hs2[24];           /* ct: the same for H^2 */
    uint8_t Hpow[8][16];        /* hw: H, H^2, .., H^8, byte-reflected */
} ghash_key;

/* ghash.c: the three portable entries of the GHASH table. */
extern const ghash_impl ghash_impl_ref;
extern const ghash_impl ghash_impl_table;
extern const ghash_impl ghash_impl_ct;

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

/* aes_impl.c: the entry of the table whose single-block encryption is
 * CIPH (aes256_ref_encrypt_block: "ref", ...); NULL for another function. */
const aes_impl *aes_impl_for_block_fn(aes_block_fn CIPH);

/* gcm.c: aes256_gcm_encrypt/decrypt (see aes.h) over the implementation
 * whose block cipher is CIPH (aes_impl_for_block_fn), with the table GHASH;
 * kept for callers that name a block function instead of a table entry. */
glass_err aes256_gcm_encrypt_with(aes_block_fn CIPH, const aes256_ctx *ctx, const uint8_t *iv,
                                  size_t iv_len, const uint8_t *aad, size_t aad_len,
                                  const uint8_t *in, size_t len, uint8_t *out,
                                  uint8_t *tag, size_t tag_len);
glass_err aes256_gcm_decrypt_with(aes_block_fn CIPH, const aes256_ctx *ctx, const uint8_t *iv,
                                  size_t iv_len, const uint8_t *aad, size_t aad_len,
                                  const uint8_t *in, size_t len,
                                  const uint8_t *tag, size_t tag_len, uint8_t *out);

/* Which GHASH multiplication GCM uses: the 4-bit table (fast, CT: no) or
 * the constant-time one (CT: yes).  The tables in aes.h hold all of them. */
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

/* ghash.c: Z = X . Y in GF(2^128) by SP 800-38D §6.3 Algorithm 1, one bit at a
 * time (the definition; the 4-bit table in gcm.c must agree with it). */
void gcm_mult_ref(const uint8_t X[16], const uint8_t Y[16], uint8_t Z[16]);
/* The same product through the 4-bit table built for H = Y. */
void gcm_mult_table(const uint8_t X[16], const uint8_t H[16], uint8_t Z[16]);
/* The same product by integer multiplication with holes (ghash.c): CT: yes. */
void gcm_mult_ct(const uint8_t X[16], const uint8_t Y[16], uint8_t Z[16]);

#endif
