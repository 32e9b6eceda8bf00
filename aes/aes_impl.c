/*
 * aes_impl.c — the tables of AES implementations and GHASH multiplications,
 * and the context functions that bind a key to one of them (FIPS 197 §5.2
 * for the key expansion each one runs).
 *
 * Read in this order: the adapters that run a single-block cipher over n
 * blocks; the two tables; the look-ups and the default; aes256_init_impl
 * and the functions around it.
 *
 * Why a table and not a switch in every mode: the choice of code is made
 * once, explicitly, when the key is set (aes256_init_impl), and it is
 * visible in the context (ctx->impl->name in gdb).  Every mode then runs
 * the same way over whichever entry was chosen, the vector runner and the
 * tests loop over every entry, and `glass enc -impl NAME` and `glass speed
 * -impl NAME` choose one by name.
 *
 * The default (aes256_init) is constant time: hw where the CPU has AES-NI
 * and PCLMULQDQ (the instructions do not look anything up in memory), else
 * the bitsliced ct.  The table-driven cipher, faster than ct on some
 * machines but leaking its key through the cache, runs only when asked for.
 *
 * CT: this file only dispatches on ctx->impl, which is public; the key
 * schedule of each entry is its own (ref and table: CT: no, their SubWord
 * looks up the S-box; ct, ct-gf, hw: CT: yes).
 */
#include "aes/aes.h"
#include "aes/aes_internal.h"

#include <string.h>

/* ---- 1. single-block ciphers over n blocks --------------------------------- */

static void ref_encrypt(const aes256_ctx *ctx, const uint8_t *in, uint8_t *out, size_t n)
{
    for (size_t i = 0; i < n; i++)
        aes256_ref_encrypt_block(ctx, in + 16 * i, out + 16 * i);
}

static void ref_decrypt(const aes256_ctx *ctx, const uint8_t *in, uint8_t *out, size_t n)
{
    for (size_t i = 0; i < n; i++)
        aes256_ref_decrypt_block(ctx, in + 16 * i, out + 16 * i);
}

static void table_encrypt(const aes256_ctx *ctx, const uint8_t *in, uint8_t *out, size_t n)
{
    for (size_t i = 0; i < n; i++)
        aes256_fast_encrypt_block(ctx, in + 16 * i, out + 16 * i);
}

static void table_decrypt(const aes256_ctx *ctx, const uint8_t *in, uint8_t *out, size_t n)
{
    for (size_t i = 0; i < n; i++)
        aes256_fast_decrypt_block(ctx, in + 16 * i, out + 16 * i);
}

static void gf_encrypt(const aes256_ctx *ctx, const uint8_t *in, uint8_t *out, size_t n)
{
    for (size_t i = 0; i < n; i++)
        aes256_ct_encrypt_block(ctx, in + 16 * i, out + 16 * i);
}

static void gf_decrypt(const aes256_ctx *ctx, const uint8_t *in, uint8_t *out, size_t n)
{
    for (size_t i = 0; i < n; i++)
        aes256_ct_decrypt_block(ctx, in + 16 * i, out + 16 * i);
}

static void bitslice_setup(aes256_ctx *ctx, const uint8_t key[AES256_KEY_LEN])
{
    aes256_ct_expand_key(ctx, key);
    aes256_bitslice_setup(ctx);
}

/* ---- 2. the tables ---------------------------------------------------------- */

static const aes_impl impl_ref = {
    "ref", "FIPS 197 step by step, traceable; CT: no (S-box look-ups)", 0, "ref", NULL,
    aes256_ref_expand_key, ref_encrypt, ref_decrypt, NULL, NULL,
};

static const aes_impl impl_table = {
    "table", "four 1 KiB T-tables; CT: no (look-ups at key ^ data)", 0, "table", NULL,
    aes256_ref_expand_key, table_encrypt, table_decrypt, NULL, NULL,
};

static const aes_impl impl_ct = {
    "ct", "bitsliced, 8 blocks in 128-bit words, Boyar-Peralta S-box circuit; CT: yes", 1, "ct",
    NULL, bitslice_setup, aes256_bitslice_encrypt, aes256_bitslice_decrypt, NULL, NULL,
};

static const aes_impl impl_ct_gf = {
    "ct-gf", "S-box computed as a^254 in GF(2^8), one block at a time; CT: yes", 1, "ct", NULL,
    aes256_ct_expand_key, gf_encrypt, gf_decrypt, NULL, NULL,
};

static const aes_impl *const aes_impls[] = {
    &impl_ref, &impl_table, &impl_ct, &impl_ct_gf, &aes_impl_hw,
};

static const ghash_impl *const ghash_impls[] = {
    &ghash_impl_ref, &ghash_impl_table, &ghash_impl_ct, &ghash_impl_hw,
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* ---- 3. look-ups ------------------------------------------------------------ */

/* See aes.h. */
size_t aes_impl_count(void)
{
    return COUNT(aes_impls);
}

/* See aes.h. */
const aes_impl *aes_impl_at(size_t i)
{
    return i < COUNT(aes_impls) ? aes_impls[i] : NULL;
}

/* See aes.h. */
const aes_impl *aes_impl_by_name(const char *name)
{
    if (name == NULL)
        return NULL;
    if (strcmp(name, "fast") == 0)
        name = "table";
    for (size_t i = 0; i < COUNT(aes_impls); i++)
        if (strcmp(aes_impls[i]->name, name) == 0)
            return aes_impls[i];
    return NULL;
}

/* See aes.h. */
int aes_impl_available(const aes_impl *impl)
{
    return impl != NULL && (impl->available == NULL || impl->available());
}

/* See aes.h. */
size_t ghash_impl_count(void)
{
    return COUNT(ghash_impls);
}

/* See aes.h. */
const ghash_impl *ghash_impl_at(size_t i)
{
    return i < COUNT(ghash_impls) ? ghash_impls[i] : NULL;
}

/* See aes.h. */
const ghash_impl *ghash_impl_by_name(const char *name)
{
    if (name == NULL)
        return NULL;
    if (strcmp(name, "fast") == 0)
        name = "table";
    for (size_t i = 0; i < COUNT(ghash_impls); i++)
        if (strcmp(ghash_impls[i]->name, name) == 0)
            return ghash_impls[i];
    return NULL;
}

/* See aes.h. */
int ghash_impl_available(const ghash_impl *impl)
{
    return impl != NULL && (impl->available == NULL || impl->available());
}

/* See aes.h. */
const aes_impl *aes_impl_default(void)
{
    return aes_impl_available(&aes_impl_hw) ? &aes_impl_hw : &impl_ct;
}

/* See aes_internal.h. */
const aes_impl *aes_impl_for_block_fn(aes_block_fn CIPH)
{
    if (CIPH == aes256_ref_encrypt_block)
        return &impl_ref;
    if (CIPH == aes256_fast_encrypt_block)
        return &impl_table;
    if (CIPH == aes256_ct_encrypt_block)
        return &impl_ct_gf;
    return NULL;
}

/* ---- 4. the context ----------------------------------------------------------- */

/* See aes.h.  FIPS 197 §5.2 as the chosen implementation runs it. */
glass_err aes256_init_impl(aes256_ctx *ctx, const uint8_t *key, size_t key_len,
                           const aes_impl *impl)
{
    if (ctx == NULL || key == NULL)
        return GLASS_ERR_ARG;
    if (key_len != AES256_KEY_LEN)
        return GLASS_ERR_AES_KEY_LENGTH;
    if (impl == NULL)
        impl = aes_impl_default();
    if (!aes_impl_available(impl))
        return GLASS_ERR_UNSUPPORTED;
    memset(ctx, 0, sizeof *ctx);
    impl->setup(ctx, key);
    ctx->impl = impl;
    ctx->ghash = ghash_impl_by_name(impl->ghash);
    ctx->trace = NULL;
    return GLASS_OK;
}

/* See aes.h. */
glass_err aes256_set_ghash(aes256_ctx *ctx, const ghash_impl *ghash)
{
    if (ctx == NULL || ghash == NULL)
        return GLASS_ERR_ARG;
    if (!ghash_impl_available(ghash))
        return GLASS_ERR_UNSUPPORTED;
    ctx->ghash = ghash;
    return GLASS_OK;
}

/* See aes.h. */
glass_err aes256_init(aes256_ctx *ctx, const uint8_t *key, size_t key_len)
{
    return aes256_init_impl(ctx, key, key_len, NULL);
}

/* See aes.h. */
glass_err aes256_ct_init(aes256_ctx *ctx, const uint8_t *key, size_t key_len)
{
    return aes256_init_impl(ctx, key, key_len, &impl_ct);
}

/* See aes.h.  The reference cipher reads the key schedule w, which every
 * implementation fills, so switching to it needs no new set-up. */
void aes256_set_trace(aes256_ctx *ctx, const glass_tracer *trace)
{
    ctx->impl = &impl_ref;
    ctx->ghash = &ghash_impl_ref;
    ctx->trace = trace;
}

/* See aes.h. */
void aes256_encrypt_block(const aes256_ctx *ctx, const uint8_t in[AES_BLOCK_LEN],
                          uint8_t out[AES_BLOCK_LEN])
{
    ctx->impl->encrypt(ctx, in, out, 1);
}

/* See aes.h. */
void aes256_decrypt_block(const aes256_ctx *ctx, const uint8_t in[AES_BLOCK_LEN],
                          uint8_t out[AES_BLOCK_LEN])
{
    ctx->impl->decrypt(ctx, in, out, 1);
}

/* See aes.h. */
void aes256_clear(aes256_ctx *ctx)
{
    if (ctx != NULL)
        glass_wipe(ctx, sizeof *ctx);
}
