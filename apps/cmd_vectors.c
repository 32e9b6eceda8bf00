/*
 * cmd_vectors.c — `glass vectors [FILE|DIR...]`: run NIST CAVP files.
 *
 * For each file: find the handler that claims it (apps/vec_*.c, listed in
 * build/gen/vec_handlers.inc), run every case, and print one line:
 *
 *     SHA256ShortMsg.rsp   SHA-256     65 passed, 0 failed, 0 skipped
 *
 * A case the program cannot run (another hash, a key size glasstls does not
 * do) is counted as skipped, with its reason printed once per file; it is
 * never counted as passed.  The last line adds up every file:
 *
 *     vectors: N passed, M failed, K skipped
 *
 * The exit status is 1 if any case failed or any file could not be run.
 */
#define _POSIX_C_SOURCE 200809L
#include "apps.h"

#include <dirent.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define VEC_HANDLER(name) extern const struct vec_handler vec_##name;
#include "vec_handlers.inc"
#undef VEC_HANDLER

static const struct vec_handler *const handlers[] = {
#define VEC_HANDLER(name) &vec_##name,
#include "vec_handlers.inc"
#undef VEC_HANDLER
    NULL
};

/* ---- the helpers handlers call (see apps.h) ----------------------------- */

const char *vec_count(const rsp_record *rec)
{
    const char *c = rsp_get(rec, "COUNT");
    return c != NULL ? c : "?";
}

void vec_pass(vec_run *r)
{
    r->passed++;
}

void vec_fail(vec_run *r, const rsp_record *rec, const char *field,
              const char *expected, const char *actual)
{
    r->failed++;
    /* Most files number their cases with COUNT; the SHAVS message files do
     * not, so name such a case by its first field (e.g. "Len = 8"). */
    if (rsp_get(rec, "COUNT") != NULL)
        printf("FAIL %s COUNT=%s (line %zu): %s\n", r->path, vec_count(rec), rec->line, field);
    else if (rec->nfields > 0)
        printf("FAIL %s %s=%s (line %zu): %s\n", r->path, rec->fields[0].name,
               rec->fields[0].value, rec->line, field);
    else
        printf("FAIL %s (line %zu): %s\n", r->path, rec->line, field);
    printf("  expected %s\n  got      %s\n", expected, actual);
}

static char *hex_of(const uint8_t *b, size_t n)
{
    char *s = malloc(2 * n + 1);
    if (s != NULL)
        glass_hex_encode(s, 2 * n + 1, b, n);
    return s;
}

void vec_fail_bytes(vec_run *r, const rsp_record *rec, const char *field,
                    const uint8_t *expected, size_t expected_len,
                    const uint8_t *actual, size_t actual_len)
{
    char *e = hex_of(expected, expected_len);
    char *a = hex_of(actual, actual_len);
    vec_fail(r, rec, field, e != NULL ? e : "?", a != NULL ? a : "?");
    free(e);
    free(a);
}

int vec_check_bytes(vec_run *r, const rsp_record *rec, const char *field,
                    const uint8_t *expected, size_t expected_len,
                    const uint8_t *actual, size_t actual_len)
{
    if (expected_len == actual_len &&
        (expected_len == 0 || memcmp(expected, actual, expected_len) == 0)) {
        vec_pass(r);
        return 1;
    }
    vec_fail_bytes(r, rec, field, expected, expected_len, actual, actual_len);
    return 0;
}

void vec_skip(vec_run *r, const rsp_record *rec, const char *reason)
{
    (void)rec;
    r->skipped++;
    for (size_t i = 0; i < 8; i++) {
        if (r->skip_reason[i] == NULL) {
            r->skip_reason[i] = reason;
            r->skip_count[i] = 1;
            return;
        }
        if (strcmp(r->skip_reason[i], reason) == 0) {
            r->skip_count[i]++;
            return;
        }
    }
}

void vec_malformed(vec_run *r, size_t line, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "glass vectors: %s:%zu: malformed: ", r->path, line);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    r->malformed = 1;
}

int vec_field_hex(vec_run *r, const rsp_record *rec, const char *name,
                  uint8_t **out, size_t *len)
{
    const char *v = rsp_get(rec, name);
    if (v == NULL) {
        vec_malformed(r, rec->line, "record COUNT=%s has no field %s", vec_count(rec), name);
        return -1;
    }
    glass_err err = glass_hex_decode_alloc(out, len, v);
    if (err != GLASS_OK) {
        vec_malformed(r, rsp_line(rec, name), "field %s: %s", name, glass_strerror(err));
        return -1;
    }
    return 0;
}

/* ---- running files ------------------------------------------------------ */

struct totals {
    unsigned long passed, failed, skipped;
    int errors;
};

static int run_file(const char *path, struct totals *t)
{
    rsp_file f;
    char err[512];
    if (rsp_load(path, &f, err, sizeof err) != 0) {
        fprintf(stderr, "glass vectors: %s\n", err);
        t->errors++;
        return 1;
    }
    const char *base = strrchr(path, '/');
    base = base != NULL ? base + 1 : path;
    const struct vec_handler *h = NULL;
    for (size_t i = 0; handlers[i] != NULL; i++)
        if (handlers[i]->claims(base, &f)) {
            h = handlers[i];
            break;
        }
    if (h == NULL) {
        fprintf(stderr, "glass vectors: %s: unknown kind of vector file (no handler claims it)\n",
                path);
        rsp_free(&f);
        t->errors++;
        return 1;
    }
    vec_run r;
    memset(&r, 0, sizeof r);
    r.path = path;
    r.base = base;
    h->run(&r, &f);
    printf("%-44s %-14s %lu passed, %lu failed, %lu skipped%s\n", base, h->name, r.passed,
           r.failed, r.skipped, r.malformed ? "  (MALFORMED FILE)" : "");
    for (size_t i = 0; i < 8 && r.skip_reason[i] != NULL; i++)
        printf("    skipped %lu: %s\n", r.skip_count[i], r.skip_reason[i]);
    fflush(stdout);
    t->passed += r.passed;
    t->failed += r.failed;
    t->skipped += r.skipped;
    if (r.malformed)
        t->errors++;
    rsp_free(&f);
    return 0;
}

static int is_vector_name(const char *name)
{
    size_t n = strlen(name);
    return (n > 4 && (strcmp(name + n - 4, ".rsp") == 0 || strcmp(name + n - 4, ".fax") == 0));
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Collects vector files under dir (recursively), sorted by path. */
static void run_dir(const char *dir, struct totals *t)
{
    DIR *d = opendir(dir);
    if (d == NULL) {
        fprintf(stderr, "glass vectors: %s: cannot open directory\n", dir);
        t->errors++;
        return;
    }
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        size_t l = strlen(dir) + strlen(e->d_name) + 2;
        char *p = malloc(l);
        if (p == NULL)
            break;
        snprintf(p, l, "%s/%s", dir, e->d_name);
        if (n == cap) {
            cap = cap ? cap * 2 : 32;
            char **nn = realloc(names, cap * sizeof *names);
            if (nn == NULL) {
                free(p);
                break;
            }
            names = nn;
        }
        names[n++] = p;
    }
    closedir(d);
    if (n > 0)
        qsort(names, n, sizeof *names, cmp_str);
    for (size_t i = 0; i < n; i++) {
        struct stat st;
        if (stat(names[i], &st) == 0 && S_ISDIR(st.st_mode))
            run_dir(names[i], t);
        else if (is_vector_name(names[i]))
            run_file(names[i], t);
        free(names[i]);
    }
    free(names);
}

/* Where the vectors are when no file is named: $GLASS_VECTORS, ./vectors,
 * the vectors/ folder next to the build/ folder holding this program, or,
 * once installed, PREFIX/share/glasstls/vectors. */
static int default_dir(char *out, size_t cap)
{
    const char *env = getenv("GLASS_VECTORS");
    struct stat st;
    if (env != NULL && env[0] != '\0') {
        snprintf(out, cap, "%s", env);
        return 0;
    }
    if (stat("vectors", &st) == 0 && S_ISDIR(st.st_mode)) {
        snprintf(out, cap, "vectors");
        return 0;
    }
    char exe[2048];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = '\0';
        for (int up = 0; up < 3; up++) {
            char *slash = strrchr(exe, '/');
            if (slash == NULL)
                break;
            *slash = '\0';
            snprintf(out, cap, "%s/vectors", exe);
            if (stat(out, &st) == 0 && S_ISDIR(st.st_mode))
                return 0;
            /* Installed: PREFIX/bin/glass with PREFIX/share/glasstls/vectors. */
            snprintf(out, cap, "%s/share/glasstls/vectors", exe);
            if (stat(out, &st) == 0 && S_ISDIR(st.st_mode))
                return 0;
        }
    }
#ifdef GLASS_DATADIR
    snprintf(out, cap, "%s/vectors", GLASS_DATADIR);
    if (stat(out, &st) == 0 && S_ISDIR(st.st_mode))
        return 0;
#endif
    return -1;
}

static int run(int argc, char **argv)
{
    if (app_wants_help(argc, argv)) {
        printf("usage: glass vectors [FILE|DIR...]\n\n"
               "Runs NIST CAVP test-vector files (.rsp, .fax) and prints one line per file\n"
               "and a last line 'vectors: N passed, M failed, K skipped'.  With no argument\n"
               "it runs every file under vectors/.  Cases for algorithms glasstls does not\n"
               "implement (other hashes, other key sizes) are counted as skipped, with the\n"
               "reason; a failure prints the file, the COUNT, expected and actual values.\n\n"
               "example:\n  glass vectors vectors/sha/SHA256ShortMsg.rsp\n");
        return 0;
    }
    struct totals t = {0, 0, 0, 0};
    if (argc < 2) {
        char dir[4096];
        if (default_dir(dir, sizeof dir) != 0)
            return app_error("vectors", "no vectors/ folder found; name files or set GLASS_VECTORS");
        run_dir(dir, &t);
    }
    for (int i = 1; i < argc; i++) {
        struct stat st;
        if (stat(argv[i], &st) != 0) {
            fprintf(stderr, "glass vectors: %s: no such file\n", argv[i]);
            t.errors++;
        } else if (S_ISDIR(st.st_mode)) {
            run_dir(argv[i], &t);
        } else {
            run_file(argv[i], &t);
        }
    }
    if (t.errors == 0 && t.passed + t.failed + t.skipped == 0)
        return app_error("vectors", "no test cases found (no .rsp or .fax file with records)");
    if (t.errors > 0)
        printf("%d file(s) could not be run\n", t.errors);
    printf("vectors: %lu passed, %lu failed, %lu skipped\n", t.passed, t.failed, t.skipped);
    return (t.failed > 0 || t.errors > 0) ? 1 : 0;
}

const struct glass_command cmd_vectors = {
    "vectors", "run NIST CAVP test-vector files and count passes", run
};
