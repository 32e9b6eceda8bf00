/*
 * enroll.c — the one-time enrollment-code store (see enroll.h).
 *
 * Read in this order: the code's alphabet (Crockford's Base32, chosen
 * because it has no look-alike letters and reads aloud well), the file
 * format and its parser, the lock, then ca_enroll_code_create and
 * ca_enroll_code_redeem, each a short numbered list of steps; last, the code
 * step of an issuance (enroll_step_*), which ca/ca_txn.c journals so that
 * a code is used exactly when its certificate is issued.
 *
 * The store keeps SHA-256(code) (FIPS 180-4 §6.2) rather than the code: the
 * code has 100 bits of entropy, so a stolen enroll.txt gives no way back to
 * a usable code, and no salt is needed (there is nothing to brute-force).
 *
 * Redeeming is check-then-mark under one lock, with the file rewritten
 * atomically (common.h glass_write_file_atomic): two clients racing with the
 * same code see, in order, "unused" then "already used" — never both
 * "unused".
 *
 * CT: the stored hashes are compared with glass_ct_equal; the rest handles
 * public data (names, times).
 */
#include "ca/enroll.h"
#include "ca/ca.h"
#include "ca/ca_internal.h"
#include "sha/sha256.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* Crockford's Base32: digits then letters without I, L, O, U. */
static const char b32[33] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";


/* See enroll.h. */
int ca_enroll_name_valid(const char *name)
{
    if (name == NULL)
        return 0;
    size_t n = strlen(name);
    if (n == 0 || n > ENROLL_NAME_MAX || name[0] == '.' || name[0] == '-')
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = name[i];
        int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                 c == '.' || c == '_' || c == '-';
        if (!ok)
            return 0;
    }
    return 1;
}

/* Normalises a code as typed into its ENROLL_CODE_CHARS Base32 characters:
 * upper case, dashes and spaces dropped, O->0, I/L->1.  Returns 0 if what
 * remains is not exactly a code. */
static int normalise_code(const char *in, char out[ENROLL_CODE_CHARS + 1])
{
    size_t n = 0;
    for (const char *p = in; *p != '\0'; p++) {
        char c = *p;
        if (c == '-' || c == ' ')
            continue;
        if (c >= 'a' && c <= 'z')
            c = (char)(c - 'a' + 'A');
        if (c == 'O')
            c = '0';
        if (c == 'I' || c == 'L')
            c = '1';
        if (strchr(b32, c) == NULL || c == '\0')
            return 0;
        if (n == ENROLL_CODE_CHARS)
            return 0;
        out[n++] = c;
    }
    out[n] = '\0';
    return n == ENROLL_CODE_CHARS;
}

static void code_hash(const char norm[ENROLL_CODE_CHARS + 1], uint8_t h[SHA256_DIGEST_LEN])
{
    sha256(norm, ENROLL_CODE_CHARS, h);
}

/* ---- create, check, claim, record ----------------------------------------- */

/* Makes a code for the record tmpl (name, flags, profile, subject, SAN
 * filled in; the rest is set here). */
static glass_err create_code(const char *dir, const enroll_entry *tmpl, int64_t now,
                             uint32_t seconds, char code[ENROLL_CODE_STR_MAX])
{
    char path[PATH_MAX_LEN];
    uint8_t rnd[ENROLL_CODE_CHARS];
    char norm[ENROLL_CODE_CHARS + 1];
    enroll_entry *v = NULL;
    size_t n = 0;
    int lock = -1;
    glass_err err;
    if (dir == NULL || code == NULL || !ca_enroll_name_valid(tmpl->name) ||
        seconds > ENROLL_CODE_MAX_SECONDS || (tmpl->flags & ~(unsigned)ENROLL_REPLACE) != 0)
        return GLASS_ERR_ARG;
    if (seconds == 0)
        seconds = ENROLL_CODE_DEFAULT_SECONDS;
    err = ca_enroll_path(dir, path, sizeof path);
    if (err != GLASS_OK)
        return err;
    /* An issuance a crash interrupted is finished or undone first, as by
     * every command that opens the CA (ca_txn.c): its code may be in the
     * store.  Not finishing it changes nothing for the new code. */
    (void)ca_recover(dir, NULL);

    /* 1. Draw 20 random bytes and keep 5 bits of each: 100 bits, each
     *    character uniform over the 32 symbols (32 divides 256). */
    err = glass_random(rnd, sizeof rnd);
    if (err != GLASS_OK)
        goto cleanup;
    for (size_t i = 0; i < ENROLL_CODE_CHARS; i++)
        norm[i] = b32[rnd[i] & 31u];
    norm[ENROLL_CODE_CHARS] = '\0';

    /* 2. Under the lock, append (status U, expiry, SHA-256 of the code, name,
     *    flags). */
    err = ca_enroll_lock(dir, &lock);
    if (err != GLASS_OK)
        goto cleanup;
    err = ca_enroll_load(path, &v, &n);
    if (err != GLASS_OK)
        goto cleanup;
    enroll_entry *grown = realloc(v, (n + 1) * sizeof *v);
    if (grown == NULL) {
        err = GLASS_ERR_NOMEM;
        goto cleanup;
    }
    v = grown;
    v[n] = *tmpl;
    v[n].status = 'U';
    v[n].expires = now + (int64_t)seconds;
    v[n].used_at = 0;
    v[n].has_key = 0;
    v[n].serial[0] = '\0';
    code_hash(norm, v[n].hash);
    err = ca_enroll_save(path, v, n + 1);
    if (err != GLASS_OK)
        goto cleanup;

    /* 3. Hand the code out in groups of four: XXXX-XXXX-XXXX-XXXX-XXXX. */
    size_t o = 0;
    for (size_t i = 0; i < ENROLL_CODE_CHARS; i++) {
        if (i > 0 && i % 4 == 0)
            code[o++] = '-';
        code[o++] = norm[i];
    }
    code[o] = '\0';
cleanup:
    if (lock >= 0)
        ca_enroll_unlock(lock);
    free(v);
    glass_wipe(rnd, sizeof rnd);
    glass_wipe(norm, sizeof norm);
    return err;
}

/* See enroll.h. */
glass_err ca_enroll_code_create_ex(const char *dir, const char *name, int64_t now,
                                uint32_t seconds, unsigned flags,
                                char code[ENROLL_CODE_STR_MAX])
{
    enroll_entry e;
    memset(&e, 0, sizeof e);
    if (!ca_enroll_name_valid(name))
        return GLASS_ERR_ARG;
    strcpy(e.name, name);
    e.flags = flags;
    e.profile = ENROLL_PROFILE_CLIENT;
    return create_code(dir, &e, now, seconds, code);
}

/* See enroll.h. */
glass_err ca_enroll_subject_canonical(const char *subject, char *out, char *cn)
{
    uint8_t *der = NULL;
    size_t der_len = 0;
    char text[X509_NAME_STR_MAX], name[X509_NAME_STR_MAX];
    if (subject == NULL || subject[0] != '/')
        return GLASS_ERR_SUBJECT_SYNTAX;
    glass_err err = x509_name_from_string(subject, &der, &der_len);
    if (err != GLASS_OK)
        return err;
    err = x509_name_to_string(der, der_len, text, sizeof text);
    if (err == GLASS_OK && ca_name_common_name(der, der_len, name, sizeof name) != GLASS_OK)
        err = GLASS_ERR_ARG;
    free(der);
    if (err != GLASS_OK)
        return err;
    /* One line of enroll.txt, one EnrollRequest name: no tab, no newline,
     * at most ENROLL_SUBJECT_MAX bytes; the CN is the name the code is for. */
    if (strlen(text) > ENROLL_SUBJECT_MAX || strpbrk(text, "\t\r\n") != NULL ||
        !ca_enroll_name_valid(name))
        return GLASS_ERR_ARG;
    strcpy(out, text);
    strcpy(cn, name);
    return GLASS_OK;
}

/* See enroll.h. */
glass_err ca_enroll_code_create_server(const char *dir, const enroll_server_spec *spec,
                                    int64_t now, uint32_t seconds, unsigned flags,
                                    char code[ENROLL_CODE_STR_MAX], char *name_out,
                                    const char **why)
{
    enroll_entry e;
    char line[ENROLL_SAN_MAX + 32];
    x509_ext_set ext;
    const char *dummy;
    if (why == NULL)
        why = &dummy;
    *why = "invalid arguments";
    if (spec == NULL || spec->subject == NULL)
        return GLASS_ERR_ARG;
    memset(&e, 0, sizeof e);
    /* 1. The subject, canonical, with a CN that can name the code. */
    glass_err err = ca_enroll_subject_canonical(spec->subject, e.subject, e.name);
    *why = err == GLASS_ERR_SUBJECT_SYNTAX ? "the subject does not parse"
                                           : "the subject needs a CN of 1 to 64 of "
                                             "A-Z a-z 0-9 . _ - (and fits in 255 bytes)";
    if (err != GLASS_OK)
        return err;
    /* 2. The SAN, as the CA will take it when it signs. */
    if (spec->san != NULL && spec->san[0] != '\0') {
        *why = "the subjectAltName is not DNS:NAME or IP:ADDRESS, comma-separated";
        if (strlen(spec->san) > ENROLL_SAN_MAX || strpbrk(spec->san, "\t\r\n") != NULL ||
            strcmp(spec->san, "-") == 0)
            return GLASS_ERR_ARG;
        x509_ext_init(&ext);
        snprintf(line, sizeof line, "subjectAltName=%s", spec->san);
        if (x509_ext_add(&ext, line, NULL, 0) != GLASS_OK)
            return GLASS_ERR_ARG;
        strcpy(e.san, spec->san);
    }
    e.flags = flags;
    e.profile = ENROLL_PROFILE_SERVER;
    *why = "cannot record the code";
    err = create_code(dir, &e, now, seconds, code);
    if (err == GLASS_OK && name_out != NULL)
        strcpy(name_out, e.name);
    if (err == GLASS_OK)
        *why = "ok";
    return err;
}

/* See enroll.h. */
glass_err ca_enroll_code_create(const char *dir, const char *name, int64_t now,
                             uint32_t seconds, char code[ENROLL_CODE_STR_MAX])
{
    return ca_enroll_code_create_ex(dir, name, now, seconds, 0, code);
}

/* The steps every use of a code shares: the store loaded (under the lock
 * when `locked`), the entry whose hash matches found (every entry compared,
 * each in constant time), and it must be for this name and unexpired.
 * On success *v holds the store and *found the entry's index. */
static glass_err find_code(const char *dir, const char *name, const char *code, int64_t now,
                           int locked, int *lock, enroll_entry **v, size_t *n, size_t *found,
                           const char **reason)
{
    char path[PATH_MAX_LEN], norm[ENROLL_CODE_CHARS + 1];
    uint8_t h[SHA256_DIGEST_LEN];
    glass_err err;
    *reason = "invalid arguments";
    if (dir == NULL || code == NULL || name == NULL)
        return GLASS_ERR_ARG;
    if ((err = ca_enroll_path(dir, path, sizeof path)) != GLASS_OK)
        return err;
    /* 1. A code that is not 20 Base32 characters cannot be one of ours. */
    *reason = "invalid name";
    if (!ca_enroll_name_valid(name))
        return GLASS_ERR_ENROLL_CODE;
    *reason = "malformed code";
    if (!normalise_code(code, norm))
        return GLASS_ERR_ENROLL_CODE;
    code_hash(norm, h);
    glass_wipe(norm, sizeof norm);
    /* 2. The entry whose hash matches. */
    if (locked && (err = ca_enroll_lock(dir, lock)) != GLASS_OK) {
        *reason = "the code store is locked";
        return err;
    }
    if ((err = ca_enroll_load(path, v, n)) != GLASS_OK) {
        *reason = "the code store cannot be read";
        return err;
    }
    *found = *n;
    for (size_t i = 0; i < *n; i++)
        if (glass_ct_equal((*v)[i].hash, h, sizeof h) && *found == *n)
            *found = i;
    /* 3. For this name, and unexpired. */
    *reason = "unknown code";
    if (*found == *n)
        return GLASS_ERR_ENROLL_CODE;
    *reason = "code issued for another name";
    if (strcmp((*v)[*found].name, name) != 0)
        return GLASS_ERR_ENROLL_CODE;
    *reason = "code expired";
    if (now >= (*v)[*found].expires)
        return GLASS_ERR_ENROLL_CODE;
    *reason = "ok";
    return GLASS_OK;
}

static void grant_from(const enroll_entry *e, enroll_grant *g)
{
    memset(g, 0, sizeof *g);
    g->replace = (e->flags & ENROLL_REPLACE) != 0;
    g->used = e->status != 'U';
    g->has_key = e->has_key;
    memcpy(g->key_hash, e->key_hash, sizeof g->key_hash);
    snprintf(g->serial, sizeof g->serial, "%s", e->serial);
    g->profile = e->profile;
    snprintf(g->subject, sizeof g->subject, "%s", e->subject);
    snprintf(g->san, sizeof g->san, "%s", e->san);
}

/* See enroll.h. */
glass_err ca_enroll_code_check(const char *dir, const char *name, const char *code, int64_t now,
                            enroll_grant *g, const char **why)
{
    enroll_entry *v = NULL;
    size_t n = 0, found = 0;
    const char *reason;
    int lock = -1;
    glass_err err = find_code(dir, name, code, now, 0, &lock, &v, &n, &found, &reason);
    if (err == GLASS_OK) {
        grant_from(&v[found], g);
        /* A used code stays good only for the key it was used with. */
        if (g->used && !g->has_key) {
            reason = "code already used";
            err = GLASS_ERR_ENROLL_CODE;
        }
    }
    free(v);
    if (why != NULL)
        *why = reason;
    return err;
}

/* See enroll.h. */
glass_err ca_enroll_code_claim(const char *dir, const char *name, const char *code, int64_t now,
                            const uint8_t key_hash[SHA256_DIGEST_LEN], enroll_grant *g,
                            const char **why)
{
    char path[PATH_MAX_LEN];
    enroll_entry *v = NULL;
    size_t n = 0, found = 0;
    const char *reason;
    int lock = -1;
    enroll_grant scratch;
    if (g == NULL)
        g = &scratch;
    glass_err err = find_code(dir, name, code, now, 1, &lock, &v, &n, &found, &reason);
    if (err != GLASS_OK)
        goto cleanup;
    enroll_entry *e = &v[found];
    /* 4. Used before: only by this same key (a lost reply, asked again). */
    if (e->status != 'U') {
        if (key_hash == NULL || !e->has_key ||
            !glass_ct_equal(e->key_hash, key_hash, SHA256_DIGEST_LEN)) {
            reason = "code already used";
            err = GLASS_ERR_ENROLL_CODE;
            goto cleanup;
        }
        grant_from(e, g);
        reason = "accepted again, for the key it was first used with";
        goto cleanup;
    }
    /* 5. Mark it used (for this key) and rewrite the file atomically
     *    before answering: if the write fails, the code is not accepted. */
    e->status = 'X';
    e->used_at = now;
    if (key_hash != NULL) {
        e->has_key = 1;
        memcpy(e->key_hash, key_hash, SHA256_DIGEST_LEN);
    }
    if ((err = ca_enroll_path(dir, path, sizeof path)) == GLASS_OK)
        err = ca_enroll_save(path, v, n);
    if (err != GLASS_OK) {
        reason = "cannot update the code store";
        goto cleanup;
    }
    grant_from(e, g);
    g->used = 0;
    reason = "accepted";
cleanup:
    if (lock >= 0)
        ca_enroll_unlock(lock);
    free(v);
    if (why != NULL)
        *why = reason;
    return err;
}

/* See enroll.h. */
glass_err ca_enroll_code_redeem(const char *dir, const char *name, const char *code,
                             int64_t now, const char **why)
{
    return ca_enroll_code_claim(dir, name, code, now, NULL, NULL, why);
}

/* See enroll.h. */
glass_err ca_enroll_code_record(const char *dir, const char *name, const char *code, int64_t now,
                             const char *serial)
{
    char path[PATH_MAX_LEN];
    enroll_entry *v = NULL;
    size_t n = 0, found = 0;
    const char *reason;
    int lock = -1;
    if (serial == NULL || strlen(serial) > 2 * ENROLL_SERIAL_MAX ||
        strspn(serial, "0123456789ABCDEF") != strlen(serial))
        return GLASS_ERR_ARG;
    glass_err err = find_code(dir, name, code, now, 1, &lock, &v, &n, &found, &reason);
    if (err == GLASS_OK) {
        strcpy(v[found].serial, serial);
        if ((err = ca_enroll_path(dir, path, sizeof path)) == GLASS_OK)
            err = ca_enroll_save(path, v, n);
    }
    if (lock >= 0)
        ca_enroll_unlock(lock);
    free(v);
    return err;
}

/* See enroll.h. */
glass_err ca_enroll_codes_used(const char *dir, enroll_use **uses, size_t *n)
{
    char path[PATH_MAX_LEN];
    enroll_entry *v = NULL;
    size_t count = 0;
    int lock = -1;
    if (dir == NULL || uses == NULL || n == NULL)
        return GLASS_ERR_ARG;
    *uses = NULL;
    *n = 0;
    glass_err err = ca_enroll_path(dir, path, sizeof path);
    if (err == GLASS_OK)
        err = ca_enroll_lock(dir, &lock);
    if (err == GLASS_OK)
        err = ca_enroll_load(path, &v, &count);
    if (lock >= 0)
        ca_enroll_unlock(lock);
    if (err != GLASS_OK)
        return err;
    enroll_use *out = calloc(count ? count : 1, sizeof *out);
    if (out == NULL) {
        free(v);
        return GLASS_ERR_NOMEM;
    }
    for (size_t i = 0; i < count; i++)
        if (v[i].status == 'X') {
            memcpy(out[*n].name, v[i].name, sizeof out[*n].name);
            out[*n].used_at = v[i].used_at;
            memcpy(out[*n].serial, v[i].serial, sizeof out[*n].serial);
            (*n)++;
        }
    free(v);
    *uses = out;
    return GLASS_OK;
}

/* ---- the code step of an issuance (ca_txn.c) ------------------------------ */

/* See ca_internal.h. */
int ca_enroll_code_digest(const char *code, uint8_t h[SHA256_DIGEST_LEN])
{
    char norm[ENROLL_CODE_CHARS + 1];
    if (code == NULL || !normalise_code(code, norm))
        return -1;
    code_hash(norm, h);
    glass_wipe(norm, sizeof norm);
    return 0;
}

/* The entry of the step's code, in v[0..n): its index, or n. */
static size_t step_find(const enroll_entry *v, size_t n, const enroll_step *s)
{
    size_t found = n;
    for (size_t i = 0; i < n; i++)
        if (glass_ct_equal(v[i].hash, s->code_hash, SHA256_DIGEST_LEN) && found == n)
            found = i;
    return found;
}

/* Whether the entry may be consumed by this step: for its name, unexpired,
 * and unused — or used by this same key with no certificate recorded (a
 * store written before codes were consumed inside the issuance).  NULL if
 * so, else the reason. */
static const char *step_refusal(const enroll_entry *e, const enroll_step *s)
{
    if (strcmp(e->name, s->name) != 0)
        return "code issued for another name";
    if (s->now >= e->expires)
        return "code expired";
    if (e->status == 'U')
        return NULL;
    if (e->has_key && e->serial[0] == '\0' &&
        glass_ct_equal(e->key_hash, s->key_hash, SHA256_DIGEST_LEN))
        return NULL;
    return "code already used";
}

/* See ca_internal.h. */
glass_err ca_enroll_step_prepare(const char *dir, enroll_step *s, const char **why)
{
    char path[PATH_MAX_LEN];
    enroll_entry *v = NULL;
    size_t n = 0;
    *why = "the code store cannot be read";
    glass_err err = ca_enroll_path(dir, path, sizeof path);
    if (err == GLASS_OK)
        err = ca_enroll_load(path, &v, &n);
    if (err != GLASS_OK)
        return err;
    size_t i = step_find(v, n, s);
    *why = i == n ? "unknown code" : step_refusal(&v[i], s);
    if (*why != NULL) {
        err = GLASS_ERR_ENROLL_CODE;
    } else {
        s->prior = v[i].status;
        s->prior_used_at = v[i].used_at;
        *why = "ok";
    }
    free(v);
    return err;
}

/* Loads the store under its lock; *at the step's entry (n if none). */
static glass_err step_load(const char *dir, const enroll_step *s, char *path, int *lock,
                           enroll_entry **v, size_t *n, size_t *at)
{
    glass_err err = ca_enroll_path(dir, path, PATH_MAX_LEN);
    if (err == GLASS_OK)
        err = ca_enroll_lock(dir, lock);
    if (err == GLASS_OK)
        err = ca_enroll_load(path, v, n);
    if (err == GLASS_OK)
        *at = step_find(*v, *n, s);
    return err;
}

/* See ca_internal.h: step 3b of ca_txn.c, the code consumed. */
glass_err ca_enroll_step_consume(const char *dir, const enroll_step *s, const char *serial_hex,
                              const char **why)
{
    char path[PATH_MAX_LEN];
    enroll_entry *v = NULL;
    size_t n = 0, i = 0;
    int lock = -1;
    *why = "the code store cannot be read";
    glass_err err = step_load(dir, s, path, &lock, &v, &n, &i);
    if (err == GLASS_OK) {
        /* Checked again under the lock: another process may have used it
         * since ca_enroll_step_prepare looked. */
        *why = i == n ? "unknown code" : step_refusal(&v[i], s);
        err = *why != NULL ? GLASS_ERR_ENROLL_CODE : GLASS_OK;
    }
    if (err == GLASS_OK) {
        v[i].status = 'X';
        v[i].used_at = s->now;
        v[i].has_key = 1;
        memcpy(v[i].key_hash, s->key_hash, SHA256_DIGEST_LEN);
        snprintf(v[i].serial, sizeof v[i].serial, "%s", serial_hex);
        *why = "cannot update the code store";
        if ((err = ca_enroll_save(path, v, n)) == GLASS_OK)
            *why = "ok";
    }
    if (lock >= 0)
        ca_enroll_unlock(lock);
    free(v);
    return err;
}

/* See ca_internal.h: recovery's side of the code step. */
glass_err ca_enroll_step_settle(const char *dir, const enroll_step *s, const char *serial_hex,
                             int committed, int apply, int *disagrees)
{
    char path[PATH_MAX_LEN];
    enroll_entry *v = NULL;
    size_t n = 0, i = 0;
    int lock = -1;
    *disagrees = 0;
    glass_err err = step_load(dir, s, path, &lock, &v, &n, &i);
    if (err == GLASS_OK && i < n) {
        enroll_entry *e = &v[i];
        int consumed = e->status == 'X' && strcmp(e->serial, serial_hex) == 0;
        *disagrees = consumed != committed;
        if (committed && !consumed) {
            /* Roll forward: the certificate is issued, so its code is used. */
            e->status = 'X';
            e->used_at = s->now;
            e->has_key = 1;
            memcpy(e->key_hash, s->key_hash, SHA256_DIGEST_LEN);
            snprintf(e->serial, sizeof e->serial, "%s", serial_hex);
        } else if (!committed && consumed) {
            /* Roll back: the code as it was before the issuance. */
            e->status = s->prior;
            e->used_at = s->prior_used_at;
            e->has_key = s->prior == 'X';
            e->serial[0] = '\0';
        }
        if (apply && *disagrees)
            err = ca_enroll_save(path, v, n);
    }
    if (lock >= 0)
        ca_enroll_unlock(lock);
    free(v);
    return err;
}
