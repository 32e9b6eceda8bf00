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
 *     aes256_init_impl(&c, key, 32, aes_impl_by_name("ct"));  one entry by name
 *     for (size_t i = 0; i < aes_impl_count(); i++) ... aes_impl_at(i) ...
 *
 * DESCRIPTION
 *     Five implementations of the cipher sit side by side, all bound to a
 *     context through the table below and all passing every vector:
 *     aes_ref.c, the reference: SubBytes, ShiftRows, MixColumns and
 *     AddRoundKey on a 4x4 state, exactly as FIPS 197 §5 writes them, the
 *     only one that traces; aes_fast.c, the T-table cipher (four 1 KiB
 *     tables combining SubBytes, ShiftRows and MixColumns); aes_bitslice.c,
 *     the constant-time default on CPUs without AES-NI: eight blocks in
 *     eight 128-bit words, the S-box a Boolean circuit; aes_ct.c, the S-box
 *     computed as the affine map of a^254 in GF(2^8), one block at a time;
 *     aes_hw.c, the AES-NI instructions (one AESENC per round), chosen by
 *     default when CPUID reports them.  aes_impl.c holds the tables.
 *     modes.c holds ECB, CBC (with and without PKCS#7 padding) and CTR,
 *     handing the cipher many blocks at once wherever the mode allows;
 *     gcm.c holds GCM over the context's cipher and GHASH; ghash.c the
 *     multiplication in GF(2^128) bit by bit (SP 800-38D §6.3, Algorithm 1),
 *     four bits at a time with a per-key table, and in constant time by
 *     integer multiplication with holes; aes_hw.c also has it by PCLMULQDQ.
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
 *     Each "yes" is checked by machine: `make ctgrind` runs the case named in
 *     the last column under valgrind's memcheck with the key and the data
 *     marked secret (tests/ctgrind/ctgrind.c), and it must report nothing;
 *     the "no" rows marked so are run too, and must be reported.
 *     | implementation  | CT  | what leaks                       | ctgrind case
 *     | ref (aes_ref.c) | no  | S-box look-ups at key ^ data     | aes-ref-leaky
 *     | table           | no  | T-table look-ups at key ^ data;  | aes-table-leaky
 *     |  (aes_fast.c)   |     | its key schedule likewise        |
 *     | ct (bitslice)   | yes | nothing: a fixed circuit         | aes-ct
 *     | ct-gf (aes_ct.c)| yes | nothing: S-box computed, masks   | aes-ct-gf
 *     | hw (aes_hw.c)   | yes | nothing: AES-NI, PCLMULQDQ       | aes-hw, ghash-hw
 *     | GHASH ref       | no  | branches on the bits of X and H  | —
 *     | GHASH table     | no  | look-ups at data ^ state (on H)  | —
 *     | GHASH ct        | yes | nothing: multiplications, masks  | ghash-ct
 *     | modes.c, gcm.c  | —   | nothing of their own             | (in each aes-*)
 *     | aes_pkcs7_unpad | yes | only len; its verdict, by design | pkcs7
 *     | GCM tag check   | yes | glass_ct_equal; its verdict      | aes-ct, ct-equal
 *     Table-indexed AES leaks through the cache (Bernstein 2005; Osvik,
 *     Shamir, Tromer 2006).  The default (aes256_init, and so the protocol's
 *     record layer and the key files' PBES2) is constant time: hw where the
 *     CPU has AES-NI, else ct.  The table cipher runs only when asked for.
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

struct aes_impl;
struct ghash_impl;

typedef struct aes256_ctx {
    /* The key schedule w[0..59] (FIPS 197 §5.2), one 32-bit word per column,
     * and the equivalent inverse-cipher schedule dw (§5.3.5) for decryption. */
    uint32_t w[4 * (AES256_ROUNDS + 1)];
    uint32_t dw[4 * (AES256_ROUNDS + 1)];
    /* The same round keys in the form one implementation wants. */
    union {
        uint64_t bs[8 * (AES256_ROUNDS + 1)];   /* aes_bitslice.c: sliced, 4 copies */
        uint8_t rk[2][AES256_ROUNDS + 1][16];    /* aes_hw.c: AESENC and AESDEC keys */
    } sk;
    const struct aes_impl *impl;        /* the code that runs: chosen at init */
    const struct ghash_impl *ghash;     /* GCM's multiplication in GF(2^128) */
    const glass_tracer *trace;          /* NULL: no trace; else the reference
                                           cipher emits every step of every round */
} aes256_ctx;

/* ---- choosing an implementation ------------------------------------------

   One table of AES implementations and one of GHASH multiplications, each
   entry with its name, its constant-time status and its functions.  A
   context is bound to one AES implementation at init, and every mode run
   on it (ECB, CBC, CTR, GCM) uses that one; GCM also uses the context's
   GHASH, the implementation's partner unless aes256_set_ghash says
   otherwise.  Nothing else (tracing included) changes which code runs.

     name    | file            | CT  | what it is
     ref     | aes_ref.c       | no  | FIPS 197 step by step; traces
     table   | aes_fast.c      | no  | four T-tables (also: "fast")
     ct      | aes_bitslice.c  | yes | bitsliced, eight blocks at once
     ct-gf   | aes_ct.c        | yes | S-box computed as a^254 in GF(2^8)
     hw      | aes_hw.c        | yes | AES-NI (when the CPU has it)

     GHASH   | file            | CT  | what it is
     ref     | ghash.c         | no  | SP 800-38D Algorithm 1, bit by bit
     table   | ghash.c         | no  | four bits at a time, 16-entry table
     ct      | ghash.c         | yes | integer multiplication with holes
     hw      | aes_hw.c        | yes | PCLMULQDQ (when the CPU has it)  */
typedef struct aes_impl {
    const char *name;
    const char *summary;            /* one line, with what it leaks */
    int constant_time;              /* 1: no secret-dependent branch or address */
    const char *ghash;              /* the GHASH that GCM pairs with it */
    int (*available)(void);         /* NULL: always; else asks the CPU */
    /* Fills the context's round keys from the 32-byte key. */
    void (*setup)(aes256_ctx *ctx, const uint8_t key[AES256_KEY_LEN]);
    /* nblocks independent blocks (ECB); in == out allowed. */
    void (*encrypt)(const aes256_ctx *ctx, const uint8_t *in, uint8_t *out, size_t nblocks);
    void (*decrypt)(const aes256_ctx *ctx, const uint8_t *in, uint8_t *out, size_t nblocks);
    /* Optional whole-mode loops (NULL: the modes build them from encrypt):
     * CTR over nblocks with the counter advanced in place, by the last 32
     * bits only when inc32 (GCM, SP 800-38D §6.2) else by all 128 (SP
     * 800-38A Appendix B.1); CBC encryption chaining through iv. */
    void (*ctr)(const aes256_ctx *ctx, uint8_t counter[AES_BLOCK_LEN], int inc32,
                const uint8_t *in, uint8_t *out, size_t nblocks);
    void (*cbc_encrypt)(const aes256_ctx *ctx, uint8_t iv[AES_BLOCK_LEN], const uint8_t *in,
                        uint8_t *out, size_t nblocks);
} aes_impl;

struct ghash_key;                    /* aes_internal.h: H in the form one method wants */
typedef struct ghash_impl {
    const char *name;
    const char *summary;
    int constant_time;
    int (*available)(void);
    void (*init)(struct ghash_key *k, const uint8_t H[AES_BLOCK_LEN]);
    /* Y = (...((Y + X_1) . H + X_2) . H ... + X_n) . H over whole blocks. */
    void (*blocks)(const struct ghash_key *k, uint8_t Y[AES_BLOCK_LEN], const uint8_t *X,
                   size_t nblocks);
} ghash_impl;

/* The tables: entries 0 .. count-1, in the order above.  _by_name returns
 * NULL for an unknown name ("fast" is another name for "table").  An entry
 * whose available() says no (hw on a CPU without the instructions) is still
 * listed; aes256_init_impl refuses it. */
size_t aes_impl_count(void);
const aes_impl *aes_impl_at(size_t i);
const aes_impl *aes_impl_by_name(const char *name);
int aes_impl_available(const aes_impl *impl);
size_t ghash_impl_count(void);
const ghash_impl *ghash_impl_at(size_t i);
const ghash_impl *ghash_impl_by_name(const char *name);
int ghash_impl_available(const ghash_impl *impl);

/* What aes256_init uses: the fastest constant-time implementation this CPU
 * runs — hw where the CPU has AES-NI and PCLMULQDQ, else ct. */
const aes_impl *aes_impl_default(void);

/* KeyExpansion and set-up for one implementation (NULL: the default).
 * GLASS_ERR_AES_KEY_LENGTH unless key_len is 32; GLASS_ERR_UNSUPPORTED if
 * the CPU lacks the instructions. */
glass_err aes256_init_impl(aes256_ctx *ctx, const uint8_t *key, size_t key_len,
                           const aes_impl *impl);
/* GCM's GHASH for this context (after init); GLASS_ERR_UNSUPPORTED if the
 * CPU lacks the instructions. */
glass_err aes256_set_ghash(aes256_ctx *ctx, const ghash_impl *ghash);

/* KeyExpansion with the default, constant-time implementation (see
 * aes_impl_default).  key_len must be 32 (GLASS_ERR_AES_KEY_LENGTH). */
glass_err aes256_init(aes256_ctx *ctx, const uint8_t *key, size_t key_len);
/* Binds the context to the reference cipher (aes_ref.c), the only one that
 * reports its steps, and hands it the tracer: every block then emits the
 * state after every step of every round, in the layout of FIPS 197
 * Appendix C.3 ("round[ 1].s_box ...").  NULL turns the reports off and
 * leaves the reference cipher in place. */
void aes256_set_trace(aes256_ctx *ctx, const glass_tracer *trace);
/* One block through the context's implementation. */
void aes256_encrypt_block(const aes256_ctx *ctx, const uint8_t in[AES_BLOCK_LEN],
                          uint8_t out[AES_BLOCK_LEN]);
void aes256_decrypt_block(const aes256_ctx *ctx, const uint8_t in[AES_BLOCK_LEN],
                          uint8_t out[AES_BLOCK_LEN]);
void aes256_clear(aes256_ctx *ctx);

/* aes256_init_impl with the "ct" (bitsliced) implementation, whatever the
 * CPU.  key_len must be 32 (GLASS_ERR_AES_KEY_LENGTH).  CT: yes. */
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
glass_err aes_pkcs7_unpad(const uint8_t *buf, size_t len, size_t *data_len);

/* CTR (SP 800-38A §6.5): XORs the keystream E(counter), E(counter+1), ...
 * into in; the 128-bit big-endian counter block is advanced in place past
 * the blocks used, so consecutive calls continue the stream when len is a
 * multiple of 16.  Any len. */
glass_err aes256_ctr_xor(const aes256_ctx *ctx, uint8_t counter[AES_BLOCK_LEN],
                         const uint8_t *in, size_t len, uint8_t *out);

/* GCM (SP 800-38D §7.1, §7.2) over the context's cipher and GHASH.  Any IV length >= 1 byte (12 is the fast
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

/* GCM as above, forcing the constant-time pair whatever the context was
 * bound to: the bitsliced cipher (aes_bitslice.c) and the constant-time
 * GHASH (ghash.c); same arguments, same errors, same output.  CT: yes. */
glass_err aes256_gcm_encrypt_ct(const aes256_ctx *ctx, const uint8_t *iv, size_t iv_len,
                                const uint8_t *aad, size_t aad_len,
                                const uint8_t *in, size_t len, uint8_t *out,
                                uint8_t *tag, size_t tag_len);
glass_err aes256_gcm_decrypt_ct(const aes256_ctx *ctx, const uint8_t *iv, size_t iv_len,
                                const uint8_t *aad, size_t aad_len,
                                const uint8_t *in, size_t len,
                                const uint8_t *tag, size_t tag_len, uint8_t *out);

#endif
