/*
 * kind_sha.c — NIST's SHA-256 CAVP files (SHAVS, 2014), two kinds:
 *   messages      records Len (bits), Msg, MD: ShortMsg and LongMsg, in
 *                 their byte-oriented and bit-oriented editions (a Len that
 *                 is not a multiple of 8 is skipped: glasstls hashes bytes)
 *   Monte Carlo   a Seed record, then COUNT/MD checkpoints (SHAVS §6.4)
 * A file is recognised by those fields; the hash by its section [L = 32]
 * (32 bytes of digest), or, without one, by "SHA-256" in its header.
 *
 * Every case is computed twice, once with each compression function (the
 * fast one through sha256(), the reference one through a context with a
 * silent tracer), and passes only if both give the expected MD.
 *
 * CT: not applicable (public test data).
 */
#include "nist/nist.h"
#include "sha/sha256.h"

#include <stdlib.h>
#include <string.h>

static int recognise_msg(const rsp_file *f)
{
    static const char *const msg[] = {"Len", "Msg", "MD", NULL};
    static const char *const seed[] = {"Seed", NULL};
    return nist_records_with(f, msg) > 0 && nist_records_with(f, seed) == 0;
}

static int recognise_monte(const rsp_file *f)
{
    static const char *const seed[] = {"Seed", NULL};
    static const char *const md[] = {"MD", NULL};
    return nist_records_with(f, seed) > 0 && nist_records_with(f, md) > 0;
}

/* NULL when the record's hash is SHA-256, else why the case is skipped. */
static const char *not_sha256(const nist_run *r, const rsp_record *rec)
{
    const char *L = nist_rsp_section_get(rec, "L");
    if (L != NULL)
        return strcmp(L, "32") == 0 ? NULL : "not SHA-256 (another L)";
    if (nist_header_has(r->file, "SHA-256") || nist_header_has(r->file, "SHA256"))
        return NULL;
    return "which hash? no [L = 32] and no SHA-256 in the header";
}

/* A tracer with no function: routes a context through sha256_compress_ref
 * without printing anything. */
static const glass_tracer silent = {NULL, NULL};

static void digest_ref(const uint8_t *m, size_t len, uint8_t md[SHA256_DIGEST_LEN])
{
    sha256_ctx c;
    sha256_init(&c);
    sha256_set_trace(&c, &silent);
    sha256_update(&c, m, len);
    sha256_final(&c, md);
}

/* One message case: MD = SHA-256(Msg[0 .. Len/8)). */
static void run_msg(nist_run *r, const rsp_record *rec, void *state)
{
    uint8_t *msg = NULL, *md = NULL;
    size_t msg_len = 0, md_len = 0;
    unsigned long bits = 0;
    uint8_t fast[SHA256_DIGEST_LEN], ref[SHA256_DIGEST_LEN];
    const char *len_text = nist_rsp_get(rec, "Len");
    char *end = NULL;

    const char *other = not_sha256(r, rec);
    (void)state;
    if (nist_rsp_get(rec, "MD") == NULL)
        return;                         /* no case here */
    if (other != NULL) {
        nist_skip(r, rec, other);
        return;
    }
    if (len_text == NULL) {
        nist_malformed(r, rec->line, "record has no Len");
        return;
    }
    bits = strtoul(len_text, &end, 10);
    if (end == len_text || *end != '\0') {
        nist_malformed(r, nist_rsp_line(rec, "Len"), "Len is not a number");
        return;
    }
    if (bits % 8 != 0) {
        nist_skip(r, rec, "bit-oriented message (Len not a multiple of 8)");
        goto cleanup;
    }
    if (nist_hex(r, rec, "Msg", 0, &msg, &msg_len) != 0 ||
        nist_hex(r, rec, "MD", 0, &md, &md_len) != 0)
        goto cleanup;
    if (bits / 8 > msg_len) {
        nist_malformed(r, nist_rsp_line(rec, "Msg"), "Msg shorter than Len");
        goto cleanup;
    }
    sha256(msg, bits / 8, fast);
    digest_ref(msg, bits / 8, ref);
    if (memcmp(fast, ref, sizeof ref) != 0)
        nist_fail_bytes(r, rec, "MD (reference compression function)", md, md_len, ref, sizeof ref);
    else
        nist_check_bytes(r, rec, "MD", md, md_len, fast, sizeof fast);
cleanup:
    free(msg);
    free(md);
}

/* SHAVS §6.4, the Monte Carlo test, for one checkpoint j:
 *     MD0 = MD1 = MD2 = Seed
 *     for i = 3 .. 1002:  M_i = MD_{i-3} || MD_{i-2} || MD_{i-1};  MD_i = SHA(M_i)
 *     MD_j = Seed = MD_1002
 * Both compression functions run the whole chain. */
static void monte_step(uint8_t seed[SHA256_DIGEST_LEN], int use_ref)
{
    uint8_t M[3 * SHA256_DIGEST_LEN];
    memcpy(M, seed, SHA256_DIGEST_LEN);
    memcpy(M + SHA256_DIGEST_LEN, seed, SHA256_DIGEST_LEN);
    memcpy(M + 2 * SHA256_DIGEST_LEN, seed, SHA256_DIGEST_LEN);
    for (int i = 3; i <= 1002; i++) {
        uint8_t MDi[SHA256_DIGEST_LEN];
        if (use_ref)
            digest_ref(M, sizeof M, MDi);
        else
            sha256(M, sizeof M, MDi);
        memmove(M, M + SHA256_DIGEST_LEN, 2 * SHA256_DIGEST_LEN);
        memcpy(M + 2 * SHA256_DIGEST_LEN, MDi, SHA256_DIGEST_LEN);
    }
    memcpy(seed, M + 2 * SHA256_DIGEST_LEN, SHA256_DIGEST_LEN);
}

struct monte {
    uint8_t fast[SHA256_DIGEST_LEN], ref[SHA256_DIGEST_LEN];
    size_t line;                /* the checkpoint fast/ref belong to */
    int have_seed;
};

/* A Seed record starts the chain; each checkpoint record continues it from
 * the one before.  The chain step of a checkpoint is computed once and kept
 * for its line, so the self-test's second look at it costs nothing. */
static void run_monte(nist_run *r, const rsp_record *rec, void *state)
{
    struct monte *st = state;
    uint8_t *v = NULL;
    size_t n = 0;
    if (nist_rsp_get(rec, "Seed") != NULL) {
        if (nist_hex(r, rec, "Seed", 0, &v, &n) != 0)
            return;
        if (n != SHA256_DIGEST_LEN) {
            free(v);
            nist_malformed(r, rec->line, "Seed is not 32 bytes");
            return;
        }
        memcpy(st->fast, v, n);
        memcpy(st->ref, v, n);
        free(v);
        st->have_seed = 1;
        st->line = 0;
        return;
    }
    if (nist_rsp_get(rec, "MD") == NULL)
        return;
    const char *other = not_sha256(r, rec);
    if (other != NULL) {
        nist_skip(r, rec, other);
        return;
    }
    if (!st->have_seed) {
        nist_malformed(r, rec->line, "checkpoint before any Seed");
        return;
    }
    if (nist_hex(r, rec, "MD", 0, &v, &n) != 0)
        return;
    if (st->line != rec->line) {
        monte_step(st->fast, 0);
        monte_step(st->ref, 1);
        st->line = rec->line;
    }
    if (memcmp(st->fast, st->ref, sizeof st->ref) != 0)
        nist_fail_bytes(r, rec, "MD (reference compression function)", v, n, st->ref,
                        sizeof st->ref);
    else
        nist_check_bytes(r, rec, "MD", v, n, st->fast, sizeof st->fast);
    free(v);
}

static const char *expected_md(const nist_run *r, const rsp_record *rec)
{
    (void)r;
    return nist_rsp_get(rec, "MD") != NULL && nist_rsp_get(rec, "Seed") == NULL ? "MD" : NULL;
}

const nist_kind nist_kind_sha_msg = {"SHA-256", recognise_msg, expected_md, run_msg, 0, NULL};
const nist_kind nist_kind_sha_monte = {"SHA-256 Monte Carlo", recognise_monte, expected_md,
                                       run_monte, sizeof(struct monte), NULL};
