/*
 * walk_prf.c — the TLS 1.2 PRF of the walkthrough spelled out as the HMAC
 * steps RFC 5246 §5 defines it by (see walk_internal.h):
 *
 *     PRF(secret, label, seed) = P_SHA256(secret, label + seed)
 *     A(0) = label + seed
 *     A(i) = HMAC_SHA256(secret, A(i-1))
 *     P_SHA256 = HMAC_SHA256(secret, A(1) + label + seed) ||
 *                HMAC_SHA256(secret, A(2) + label + seed) || ...
 *
 * cut to the length wanted (48 bytes for master_secret: two blocks; 128
 * for key_block: four; 12 for verify_data: one).  Each A(i) and each block
 * is computed here with hmac_sha256 alone — a second recomputation beside
 * hmac_tls12_prf_sha256, sharing none of its code but HMAC — shown with its
 * bytes, saved under --save as NAME.A1.bin, NAME.P1.bin, ..., and given the
 * `openssl dgst -mac HMAC` command that computes it from those files.  The
 * blocks, laid end to end, must give the engine's bytes.
 *
 * CT: not relevant — this prints secrets on purpose (a classroom tool).
 */
#include "classroom/walk_internal.h"

#include "hmac/hmac.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* "NAME.A1.bin": the file of one step (spaces of NAME as '_'). */
static void step_file(const walk *w, const char *name, char kind, size_t i, char *out,
                      size_t cap)
{
    char base[128], file[160];
    size_t k = 0;
    for (; name[k] != '\0' && k + 1 < sizeof base; k++)
        base[k] = name[k] == ' ' ? '_' : name[k];
    base[k] = '\0';
    snprintf(file, sizeof file, "%s.%c%zu.bin", base, kind, i);
    walk_file(w, file, out, cap);
}

/* One step shown: name, function, result, its command, and a check when
 * the engine's bytes can say (want != NULL: result[0..want_len) must equal
 * want). */
static void show_step(walk *w, const char *side, const char *name, const char *function,
                      const uint8_t *result, size_t len, const uint8_t *want, size_t want_len,
                      const char *check_how, wk_derivation *d)
{
    wk_command cmds[WK_MAX_COMMANDS];
    size_t n = d->n_commands;
    memcpy(cmds, d->commands, sizeof cmds);
    wk_derivation_init(d, side, name, "RFC 5246 §5", function, result, len);
    memcpy(d->commands, cmds, sizeof cmds);
    d->n_commands = n;
    if (want != NULL) {
        d->check = walk_check_equal(w, result, want_len, want, want_len);
        d->check_how = check_how;
    }
    wk_derive(w->o, d);
    walk_commands_free(d);
}

/* See walk_internal.h. */
void walk_prf_steps(walk *w, const char *side, const char *name, const char *secret_name,
                    const derived *secret, const char *label, const derived *const seed[2],
                    const uint8_t *out, size_t n)
{
    if (secret == NULL || seed[0] == NULL)
        return;
    size_t label_len = strlen(label), seed_len = seed[0]->len + (seed[1] ? seed[1]->len : 0);
    size_t a0_len = label_len + seed_len;
    uint8_t *A0 = malloc(a0_len), *buf = malloc(32 + a0_len);
    uint8_t A[32], P[32];
    if (A0 == NULL || buf == NULL) {
        free(A0);
        free(buf);
        return;
    }
    memcpy(A0, label, label_len);
    memcpy(A0 + label_len, seed[0]->b, seed[0]->len);
    if (seed[1] != NULL)
        memcpy(A0 + label_len + seed[0]->len, seed[1]->b, seed[1]->len);
    char fsec[160], fs0[160], fs1[160] = "", fprev[160], fa[160], fa0[160], fp[160];
    char title[96], fn[160];
    walk_value_file(w, secret_name, fsec, sizeof fsec);
    walk_value_file(w, seed[0]->key, fs0, sizeof fs0);
    if (seed[1] != NULL)
        walk_value_file(w, seed[1]->key, fs1, sizeof fs1);

    /* A(0): the label's ASCII bytes, then the seed. */
    wk_derivation d;
    memset(&d, 0, sizeof d);
    step_file(w, name, 'A', 0, fa0, sizeof fa0);
    walk_save(w, fa0, A0, a0_len);
    snprintf(title, sizeof title, "%s A(0)", name);
    walk_command(&d, NULL, "{ printf %%s '%s'; cat %s%s%s; } | xxd -p -c 256", label, fs0,
                 seed[1] != NULL ? " " : "", fs1);
    show_step(w, side, title,
              "label + seed: the label's ASCII bytes, then the seed (the PRF's A(0))", A0,
              a0_len, NULL, 0, NULL, &d);

    /* A(i) and block i, for as many blocks as n bytes need. */
    memcpy(fprev, fa0, sizeof fprev);
    const uint8_t *prev = A0;
    size_t prev_len = a0_len;
    for (size_t i = 1; 32 * (i - 1) < n; i++) {
        hmac_sha256(secret->b, secret->len, prev, prev_len, A);
        step_file(w, name, 'A', i, fa, sizeof fa);
        walk_save(w, fa, A, 32);
        memset(&d, 0, sizeof d);
        snprintf(title, sizeof title, "%s A(%zu)", name, i);
        snprintf(fn, sizeof fn, "HMAC-SHA256(%s, A(%zu))", secret_name, i - 1);
        walk_command(&d, NULL, "openssl dgst -sha256 -mac HMAC -macopt hexkey:$(xxd -p -c 256 %s) "
                     "%s", fsec, fprev);
        show_step(w, side, title, fn, A, 32, NULL, 0, NULL, &d);

        memcpy(buf, A, 32);
        memcpy(buf + 32, A0, a0_len);
        hmac_sha256(secret->b, secret->len, buf, 32 + a0_len, P);
        step_file(w, name, 'P', i, fp, sizeof fp);
        walk_save(w, fp, P, 32);
        memset(&d, 0, sizeof d);
        walk_command(&d, NULL, "cat %s %s | openssl dgst -sha256 -mac HMAC -macopt "
                     "hexkey:$(xxd -p -c 256 %s)", fa, fa0, fsec);
        size_t from = 32 * (i - 1), k = n - from < 32 ? n - from : 32;
        char how[160];
        if (k < 32)
            snprintf(how, sizeof how, "its first %zu bytes are bytes %zu..%zu of %s", k, from,
                     from + k - 1, name);
        else
            snprintf(how, sizeof how, "bytes %zu..%zu of %s", from, from + k - 1, name);
        snprintf(title, sizeof title, "%s block %zu", name, i);
        snprintf(fn, sizeof fn, "HMAC-SHA256(%s, A(%zu) + label + seed)", secret_name, i);
        show_step(w, side, title, fn, P, 32, out + from, k, how, &d);

        memcpy(fprev, fa, sizeof fprev);
        prev = A;
        prev_len = 32;
    }
    glass_wipe(A, sizeof A);
    glass_wipe(P, sizeof P);
    glass_wipe(A0, a0_len);
    glass_wipe(buf, 32 + a0_len);
    free(A0);
    free(buf);
}
