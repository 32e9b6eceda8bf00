/*
 * vec_sha.c — runs NIST's SHA-256 CAVP files (SHAVS, 2014):
 *   SHA256ShortMsg.rsp, SHA256LongMsg.rsp   Len (bits), Msg, MD
 *   SHA256Monte.rsp                         Seed, then COUNT/MD checkpoints
 *
 * Every case is computed twice, once with each compression function (the
 * fast one through sha256(), the reference one through a context with a
 * silent tracer), and passes only if both give the expected MD.
 */
#include "apps.h"
#include "sha/sha256.h"

#include <stdlib.h>
#include <string.h>

static int claims(const char *base, const rsp_file *f)
{
    (void)f;
    return strncmp(base, "SHA256", 6) == 0;
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
static void run_msg(vec_run *r, const rsp_record *rec)
{
    uint8_t *msg = NULL, *md = NULL;
    size_t msg_len = 0, md_len = 0;
    unsigned long bits = 0;
    uint8_t fast[SHA256_DIGEST_LEN], ref[SHA256_DIGEST_LEN];
    const char *len_text = rsp_get(rec, "Len");
    char *end = NULL;

    if (len_text == NULL) {
        vec_malformed(r, rec->line, "record has no Len");
        return;
    }
    bits = strtoul(len_text, &end, 10);
    if (end == len_text || *end != '\0') {
        vec_malformed(r, rsp_line(rec, "Len"), "Len is not a number");
        return;
    }
    if (vec_field_hex(r, rec, "Msg", &msg, &msg_len) != 0 ||
        vec_field_hex(r, rec, "MD", &md, &md_len) != 0)
        goto cleanup;
    if (bits % 8 != 0) {
        vec_skip(r, rec, "bit-oriented message (Len not a multiple of 8)");
        goto cleanup;
    }
    if (bits / 8 > msg_len) {
        vec_malformed(r, rsp_line(rec, "Msg"), "Msg shorter than Len");
        goto cleanup;
    }
    sha256(msg, bits / 8, fast);
    digest_ref(msg, bits / 8, ref);
    if (memcmp(fast, ref, sizeof ref) != 0)
        vec_fail_bytes(r, rec, "MD (reference compression function)", md, md_len, ref, sizeof ref);
    else
        vec_check_bytes(r, rec, "MD", md, md_len, fast, sizeof fast);
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

static void run_monte(vec_run *r, const rsp_file *f)
{
    uint8_t seed_fast[SHA256_DIGEST_LEN], seed_ref[SHA256_DIGEST_LEN];
    int have_seed = 0;

    for (size_t k = 0; k < f->nrecords; k++) {
        const rsp_record *rec = &f->records[k];
        uint8_t *v = NULL;
        size_t n = 0;
        if (rsp_get(rec, "Seed") != NULL) {
            if (vec_field_hex(r, rec, "Seed", &v, &n) != 0)
                return;
            if (n != SHA256_DIGEST_LEN) {
                free(v);
                vec_malformed(r, rec->line, "Seed is not 32 bytes");
                return;
            }
            memcpy(seed_fast, v, n);
            memcpy(seed_ref, v, n);
            free(v);
            have_seed = 1;
            continue;
        }
        if (!have_seed) {
            vec_malformed(r, rec->line, "checkpoint before any Seed");
            return;
        }
        if (vec_field_hex(r, rec, "MD", &v, &n) != 0)
            return;
        monte_step(seed_fast, 0);
        monte_step(seed_ref, 1);
        if (memcmp(seed_fast, seed_ref, sizeof seed_ref) != 0)
            vec_fail_bytes(r, rec, "MD (reference compression function)", v, n, seed_ref,
                           sizeof seed_ref);
        else
            vec_check_bytes(r, rec, "MD", v, n, seed_fast, sizeof seed_fast);
        free(v);
    }
}

static void run(vec_run *r, const rsp_file *f)
{
    if (strstr(r->base, "Monte") != NULL) {
        run_monte(r, f);
        return;
    }
    for (size_t k = 0; k < f->nrecords && !r->malformed; k++) {
        const rsp_record *rec = &f->records[k];
        const char *L = rsp_section_get(rec, "L");
        if (L != NULL && strcmp(L, "32") != 0) {
            vec_skip(r, rec, "not SHA-256 (another L)");
            continue;
        }
        run_msg(r, rec);
    }
}

const struct vec_handler vec_sha = {"SHA-256", claims, run};
