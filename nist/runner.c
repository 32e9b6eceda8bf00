/*
 * runner.c — runs CAVP files: one file (load, recognise, walk the records,
 * count), the self-test's mutations, directories, and where the vectors
 * live.  The rules it keeps are in nist.h.
 *
 * Read in this order: run_file (the walk, and the check that every case
 * the file holds was counted exactly once), mutate_record and self_test_one
 * (the self-test), then nist_run_path and nist_default_dir.
 *
 * CT: not applicable (public test data).
 */
#include "nist/nist.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

/* See nist.h. */
void nist_totals_init(nist_totals *t)
{
    memset(t, 0, sizeof *t);
}

/* After a record has run: its fields become values later records of the
 * same section inherit (nist_param).  A new section starts afresh. */
static void remember_fields(nist_run *r, const rsp_record *rec)
{
    const size_t cap = sizeof r->sticky / sizeof r->sticky[0];
    if (r->sticky_section != rec->section) {
        r->sticky_section = rec->section;
        r->nsticky = 0;
    }
    for (size_t i = 0; i < rec->nfields; i++) {
        size_t j = 0;
        while (j < r->nsticky && strcasecmp(r->sticky[j].name, rec->fields[i].name) != 0)
            j++;
        if (j == r->nsticky) {
            if (r->nsticky == cap)
                continue;   /* more than 32 names in one section: not inherited */
            r->nsticky++;
        }
        r->sticky[j] = rec->fields[i];
    }
}

/* ---- the self-test ------------------------------------------------------- */

static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Builds in *copy a copy of rec whose field `name` holds a wrong expected
 * value: the last hex digit with its low bit flipped (a flipped bit of a
 * digest, ciphertext or signature; for CFB1's bit strings, the last bit);
 * "Result = P..." as "F..." and back; a bare FAIL (GCMVS decryption: "the
 * tag must be refused") as "PT = 00..", a plaintext as long as CT, and an
 * empty expected value (a GCM plaintext of 0 bytes) as a bare FAIL.  The
 * new values go in *text (free it).  -1 if the field cannot be mutated. */
static int mutate_record(const rsp_record *rec, const char *name, rsp_record *copy,
                         rsp_field **fields, char **text)
{
    size_t i = 0;
    while (i < rec->nfields && strcasecmp(rec->fields[i].name, name) != 0)
        i++;
    if (i == rec->nfields)
        return -1;
    *fields = malloc(rec->nfields * sizeof **fields);
    const char *v = rec->fields[i].value;
    const char *ct = nist_rsp_get(rec, "CT");
    size_t n = strlen(v);
    *text = malloc((ct != NULL ? strlen(ct) : 0) + n + 4);
    if (*fields == NULL || *text == NULL)
        return -1;
    memcpy(*fields, rec->fields, rec->nfields * sizeof **fields);
    *copy = *rec;
    copy->fields = *fields;
    rsp_field *f = &(*fields)[i];
    if (n == 0 && strcasecmp(name, "FAIL") == 0 && ct != NULL) {
        size_t l = strlen(ct);
        memset(*text, '0', l);
        (*text)[l] = '\0';
        f->name = "PT";
    } else if (n == 0) {
        (*text)[0] = '\0';          /* an empty expected value: now FAIL */
        f->name = "FAIL";
    } else if (strcasecmp(name, "Result") == 0 && (v[0] == 'P' || v[0] == 'F')) {
        memcpy(*text, v, n + 1);
        (*text)[0] = v[0] == 'P' ? 'F' : 'P';
    } else if (n > 0 && hex_value(v[n - 1]) >= 0) {
        static const char digits[] = "0123456789abcdef";
        memcpy(*text, v, n + 1);
        unsigned d = ((unsigned)hex_value(v[n - 1]) ^ 1u) & 15u;
        char c = digits[d];
        if (v[n - 1] >= 'A' && v[n - 1] <= 'F')
            c = (char)(c - 'a' + 'A');
        (*text)[n - 1] = c;
    } else {
        return -1;
    }
    f->value = *text;
    return 0;
}

struct self_test {
    unsigned long mutated, noticed, unnoticed, skipped;
};

/* Runs a mutated copy of rec and sees what the kind says of it; the
 * counts of the real run are left as they were. */
static void self_test_one(nist_run *r, const nist_kind *k, const rsp_record *rec,
                          const char *field, void *state, struct self_test *st)
{
    rsp_record copy;
    rsp_field *fields = NULL;
    char *text = NULL;
    unsigned long p = r->passed, f = r->failed, s = r->skipped;
    int m = r->malformed;
    const char *why = NULL;
    st->mutated++;
    if (mutate_record(rec, field, &copy, &fields, &text) != 0) {
        why = "could not be mutated";
    } else {
        r->mutant = 1;
        k->record(r, &copy, state);
        r->mutant = 0;
        if (r->failed == f + 1 && r->passed == p && r->skipped == s)
            st->noticed++;
        else if (r->skipped == s + 1 && r->failed == f && r->passed == p)
            st->skipped++;
        else if (r->malformed != m)
            why = "made the file malformed instead of failing";
        else
            why = "still passes";
    }
    if (why != NULL) {
        st->unnoticed++;
        printf("UNNOTICED %s COUNT=%s (line %zu): %s changed %s\n", r->path, nist_count(rec),
               rec->line, field, why);
    }
    r->passed = p;
    r->failed = f;
    r->skipped = s;
    r->malformed = m;
    free(fields);
    free(text);
}

/* ---- one file ------------------------------------------------------------- */

static void print_file_line(const nist_run *r, const nist_kind *k, unsigned long cases,
                            const struct self_test *st)
{
    if (r->opt->quiet)
        return;
    printf("%-44s %-22s %5lu cases: %lu passed, %lu failed, %lu skipped%s\n", r->base,
           k->name, cases, r->passed, r->failed, r->skipped,
           r->malformed ? "  (MALFORMED FILE)" : "");
    for (size_t i = 0; i < 8 && r->skip_reason[i] != NULL; i++)
        printf("    skipped %lu: %s\n", r->skip_count[i], r->skip_reason[i]);
    if (r->opt->self_test)
        printf("    self-test: %lu mutated, %lu noticed, %lu unnoticed, %lu in skipped cases\n",
               st->mutated, st->noticed, st->unnoticed, st->skipped);
}

static void run_file(const char *path, const nist_options *o, nist_totals *t)
{
    rsp_file f;
    char err[512];
    if (nist_rsp_load(path, &f, err, sizeof err) != 0) {
        fprintf(stderr, "glass vectors: %s\n", err);
        t->errors++;
        return;
    }
    const nist_kind *k = nist_kind_for(&f);
    if (k == NULL) {
        fprintf(stderr, "glass vectors: %s: unknown kind of vector file (no kind recognises "
                        "its header and fields)\n", path);
        nist_rsp_free(&f);
        t->errors++;
        return;
    }
    nist_run r;
    memset(&r, 0, sizeof r);
    r.path = path;
    r.base = strrchr(path, '/') != NULL ? strrchr(path, '/') + 1 : path;
    r.file = &f;
    r.opt = o;
    struct self_test st = {0, 0, 0, 0};
    unsigned long cases = 0;
    void *state = calloc(1, k->state_size > 0 ? k->state_size : 1);
    if (state == NULL) {
        fprintf(stderr, "glass vectors: %s: out of memory\n", path);
        nist_rsp_free(&f);
        t->errors++;
        return;
    }
    for (size_t i = 0; i < f.nrecords && !r.malformed; i++) {
        const rsp_record *rec = &f.records[i];
        const char *field = k->expected(&r, rec);
        if (field != NULL) {
            cases++;
            if (o->self_test)
                self_test_one(&r, k, rec, field, state, &st);
        }
        k->record(&r, rec, state);
        remember_fields(&r, rec);
    }
    if (k->end != NULL)
        k->end(&r, state);
    free(state);
    print_file_line(&r, k, cases, &st);
    /* Never a silent pass: each case the file holds counted exactly once,
     * and a file with no case at all (a request file, with no expected
     * values) is said to be one. */
    if (!r.malformed && cases == 0) {
        fprintf(stderr, "glass vectors: %s: no case to run (no record gives an expected value; "
                        "a request file?)\n", path);
        t->errors++;
    } else if (!r.malformed && r.passed + r.failed + r.skipped != cases) {
        fprintf(stderr, "glass vectors: %s: %lu cases but %lu outcomes counted\n", path, cases,
                r.passed + r.failed + r.skipped);
        t->errors++;
    }
    fflush(stdout);
    t->cases += cases;
    t->passed += r.passed;
    t->failed += r.failed;
    t->skipped += r.skipped;
    t->mutated += st.mutated;
    t->noticed += st.noticed;
    t->unnoticed += st.unnoticed;
    if (r.malformed)
        t->errors++;
    nist_rsp_free(&f);
}

/* ---- directories ------------------------------------------------------------ */

static int is_vector_name(const char *name)
{
    size_t n = strlen(name);
    return n > 4 && (strcmp(name + n - 4, ".rsp") == 0 || strcmp(name + n - 4, ".fax") == 0);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every vector file under dir, recursively, sorted by path. */
static void run_dir(const char *dir, const nist_options *o, nist_totals *t, int depth)
{
    DIR *d = depth < 16 ? opendir(dir) : NULL;
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
            run_dir(names[i], o, t, depth + 1);
        else if (is_vector_name(names[i]))
            run_file(names[i], o, t);
        free(names[i]);
    }
    free(names);
}

/* See nist.h. */
void nist_run_path(const char *path, const nist_options *o, nist_totals *t)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        fprintf(stderr, "glass vectors: %s: no such file\n", path);
        t->errors++;
    } else if (S_ISDIR(st.st_mode)) {
        run_dir(path, o, t, 0);
    } else {
        run_file(path, o, t);
    }
}

/* See nist.h. */
int nist_default_dir(char *out, size_t cap)
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
