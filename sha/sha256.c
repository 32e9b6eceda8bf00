/*
 * sha256.c — SHA-256 around the compression function: buffering, padding,
 * the digest (FIPS 180-4, August 2015).
 *
 * Read in this order:
 *   1. sha256_init(): H(0) of §5.3.3;
 *   2. sha256_update(): parse the message into 512-bit blocks (§5.2.1) and
 *      compress each one (§6.2.2) as soon as it is complete;
 *   3. sha256_final(): padding (§5.1.1) and the digest (§6.2.2, last line).
 * The compression function itself is in sha256_ref.c (step by step, with
 * trace events), sha256_fast.c (unrolled) and sha256_hw.c (SHA-NI); the
 * table at the top of this file names them, and the context says which runs.
 *
 * CT: yes — the work done depends only on the message length.
 */
#include "sha/sha256_internal.h"

#include <string.h>

/* ---- the table of compression functions ----------------------------------- */

static void ref_compress(uint32_t H[8], const uint8_t *blocks, size_t n, const glass_tracer *t)
{
    for (size_t i = 0; i < n; i++)
        sha256_compress_ref(H, blocks + i * SHA256_BLOCK_LEN, t);
}

static void fast_compress(uint32_t H[8], const uint8_t *blocks, size_t n, const glass_tracer *t)
{
    (void)t;
    sha256_compress_fast(H, blocks, n);
}

static void hw_compress(uint32_t H[8], const uint8_t *blocks, size_t n, const glass_tracer *t)
{
    (void)t;
    sha256_compress_hw(H, blocks, n);
}

static const sha256_impl impls[] = {
    {"ref", "FIPS 180-4 §6.2.2 step by step, traceable; CT: yes", NULL, ref_compress},
    {"fast", "unrolled, a 16-word ring for W; CT: yes", NULL, fast_compress},
    {"hw", "SHA-NI: SHA256RNDS2 does two rounds; CT: yes", sha256_hw_available, hw_compress},
};

/* See sha256.h. */
size_t sha256_impl_count(void)
{
    return sizeof impls / sizeof impls[0];
}

/* See sha256.h. */
const sha256_impl *sha256_impl_at(size_t i)
{
    return i < sha256_impl_count() ? &impls[i] : NULL;
}

/* See sha256.h. */
const sha256_impl *sha256_impl_by_name(const char *name)
{
    for (size_t i = 0; name != NULL && i < sha256_impl_count(); i++)
        if (strcmp(impls[i].name, name) == 0)
            return &impls[i];
    return NULL;
}

/* See sha256.h. */
int sha256_impl_available(const sha256_impl *impl)
{
    return impl != NULL && (impl->available == NULL || impl->available());
}

/* See sha256.h.  CPUID is asked once; the answer (0 unknown, 1 fast, 2 hw)
 * is kept with atomic loads and stores, so threads may race to fill it in. */
const sha256_impl *sha256_impl_default(void)
{
    static int chosen;
    int v = __atomic_load_n(&chosen, __ATOMIC_RELAXED);
    if (v == 0) {
        v = sha256_impl_available(&impls[2]) ? 2 : 1;
        __atomic_store_n(&chosen, v, __ATOMIC_RELAXED);
    }
    return &impls[v];
}

/* ---- the context ---------------------------------------------------------------- */

/* See sha256.h.  FIPS 180-4 §5.3.3. */
void sha256_init(sha256_ctx *ctx)
{
    memcpy(ctx->H, sha256_H0, sizeof ctx->H);
    memset(ctx->block, 0, sizeof ctx->block);
    ctx->block_len = 0;
    ctx->total_len = 0;
    ctx->impl = sha256_impl_default();
    ctx->trace = NULL;
}

/* See sha256.h. */
glass_err sha256_set_impl(sha256_ctx *ctx, const sha256_impl *impl)
{
    if (ctx == NULL || impl == NULL)
        return GLASS_ERR_ARG;
    if (!sha256_impl_available(impl))
        return GLASS_ERR_UNSUPPORTED;
    ctx->impl = impl;
    return GLASS_OK;
}

/* See sha256.h. */
void sha256_set_trace(sha256_ctx *ctx, const glass_tracer *trace)
{
    ctx->impl = &impls[0];
    ctx->trace = trace;
}

/* Compresses n whole blocks with the context's function. */
static void compress(sha256_ctx *ctx, const uint8_t *blocks, size_t n)
{
    ctx->impl->compress(ctx->H, blocks, n, ctx->trace);
}

/* See sha256.h.  FIPS 180-4 §5.2.1: the message is parsed into N 512-bit
 * blocks M(1)..M(N); a block is compressed once all its 64 bytes are here. */
void sha256_update(sha256_ctx *ctx, const void *data, size_t len)
{
    const uint8_t *in = data;
    /* Nothing to absorb (data may then be NULL, which memcpy may not see). */
    if (len == 0)
        return;
    ctx->total_len += len;

    /* 1. Top up a partly filled block first. */
    if (ctx->block_len > 0) {
        size_t take = SHA256_BLOCK_LEN - ctx->block_len;
        if (take > len)
            take = len;
        memcpy(ctx->block + ctx->block_len, in, take);
        ctx->block_len += take;
        in += take;
        len -= take;
        if (ctx->block_len < SHA256_BLOCK_LEN)
            return;
        compress(ctx, ctx->block, 1);
        ctx->block_len = 0;
    }

    /* 2. Whole blocks straight from the caller's buffer, no copy. */
    size_t n = len / SHA256_BLOCK_LEN;
    if (n > 0) {
        compress(ctx, in, n);
        in += n * SHA256_BLOCK_LEN;
        len -= n * SHA256_BLOCK_LEN;
    }

    /* 3. Keep the tail for later. */
    if (len > 0) {
        memcpy(ctx->block, in, len);
        ctx->block_len = len;
    }
}

/* See sha256_internal.h.  FIPS 180-4 §5.1.1: append the bit "1", then k
 * zero bits with l + 1 + k = 448 mod 512, then l (the length in bits) as a
 * 64-bit big-endian number.  In bytes:
 *
 *     message || 80 || 00 .. 00 || l (8 bytes, big-endian)
 *     \______________________________________________/
 *                   a multiple of 64 bytes
 */
size_t sha256_pad(uint8_t block[2 * SHA256_BLOCK_LEN], size_t n, uint64_t total_len)
{
    uint64_t l = total_len * 8;
    /* 1. The "1" bit, as the byte 0x80 (messages here are whole bytes). */
    block[n++] = 0x80;
    /* 2. If the 8 length bytes no longer fit in this block, the length goes
     *    in one more block. */
    size_t end = n > SHA256_BLOCK_LEN - 8 ? 2 * SHA256_BLOCK_LEN : SHA256_BLOCK_LEN;
    /* 3. The k zero bits, then l. */
    memset(block + n, 0, end - 8 - n);
    for (size_t i = 0; i < 8; i++)
        block[end - 1 - i] = (uint8_t)(l >> (8 * i));
    return end / SHA256_BLOCK_LEN;
}

/* See sha256_internal.h.  FIPS 180-4 §6.2.2: the digest is
 * H0(N) || H1(N) || ... || H7(N), each word big-endian. */
void sha256_put_digest(uint8_t digest[SHA256_DIGEST_LEN], const uint32_t H[8])
{
    for (int j = 0; j < 8; j++) {
        digest[4 * j] = (uint8_t)(H[j] >> 24);
        digest[4 * j + 1] = (uint8_t)(H[j] >> 16);
        digest[4 * j + 2] = (uint8_t)(H[j] >> 8);
        digest[4 * j + 3] = (uint8_t)H[j];
    }
}

/* See sha256.h. */
void sha256_final(sha256_ctx *ctx, uint8_t digest[SHA256_DIGEST_LEN])
{
    uint8_t last[2 * SHA256_BLOCK_LEN];
    /* 1-3. The padding (§5.1.1) after the bytes still in the buffer: one
     *      block, or two when the length does not fit. */
    memcpy(last, ctx->block, ctx->block_len);
    size_t nblocks = sha256_pad(last, ctx->block_len, ctx->total_len);
    compress(ctx, last, nblocks);
    /* 4. The digest (§6.2.2). */
    sha256_put_digest(digest, ctx->H);
    /* 5. The context held the message (maybe a key, in HMAC): wipe it. */
    sha256_wipe(last, sizeof last);
    sha256_wipe(ctx, sizeof *ctx);
}

/* See sha256.h. */
void sha256(const void *data, size_t len, uint8_t digest[SHA256_DIGEST_LEN])
{
    sha256_ctx ctx;
    sha256_init(&ctx);
    sha256_update(&ctx, data, len);
    sha256_final(&ctx, digest);
}
