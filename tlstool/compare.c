/*
 * compare.c — `glass compare`: one glass handshake and one TLS 1.2
 * handshake, made with the same keys, certificates and seed, laid side by
 * side message by message (see tlstool.h).
 *
 * Both run in this process, two engines back to back per protocol (the
 * engine is sans-I/O), each engine drawing from its own seeded stream, so
 * the comparison is the same bytes on every run with the same seed.  For
 * each message the engine's dissector (glass_dissect_handshake_profile,
 * with the run's profile) names the fields;
 * a field one protocol has and the other lacks is a difference, and the
 * dissector's first line for the glass message names the RFC 5246 clause
 * it departs from.  A message only TLS sends (ChangeCipherSpec,
 * RFC 5246 §7.1) is a row of its own.
 *
 * Read in this order: run_pair (one handshake, messages collected),
 * align (the two lists matched by name and direction), print_row.
 *
 * CT: not applicable (a classroom tool; seeded mode is insecure by design).
 */
#include "tlstool/tlstool.h"
#include "classroom/walk_session.h"
#include "net/net.h"

#include <stdlib.h>
#include <string.h>

#define CMP_MAX_MSGS 24
#define CMP_MAX_FIELDS 48

typedef struct cmp_msg {
    char name[40];
    int from_client;
    uint8_t *bytes;
    size_t len;
    size_t n_fields;
    char fields[CMP_MAX_FIELDS][48];   /* field names without the message prefix */
    char meaning[400];                 /* the dissector's line for the whole message */
} cmp_msg;

typedef struct cmp_run {
    cmp_msg m[CMP_MAX_MSGS];
    size_t n;
    int client_side;            /* set by the tracer's arg wrapper */
} cmp_run;

typedef struct cmp_tap {
    cmp_run *run;
    int client;
    glass_profile profile;      /* which dissector reads the messages */
} cmp_tap;

static void on_field(void *arg, size_t offset, size_t len, const char *field, const char *meaning)
{
    cmp_msg *m = arg;
    (void)offset;
    (void)len;
    if (field == NULL)
        return;
    const char *dot = strchr(field, '.');
    if (dot == NULL) {
        if (m->meaning[0] == '\0' && meaning != NULL)
            snprintf(m->meaning, sizeof m->meaning, "%s", meaning);
        return;
    }
    if (m->n_fields < CMP_MAX_FIELDS)
        snprintf(m->fields[m->n_fields++], sizeof m->fields[0], "%s", dot + 1);
}

static void on_trace(void *arg, const char *name, const char *explain, const uint8_t *bytes,
                     size_t len)
{
    cmp_tap *t = arg;
    (void)explain;
    if (strncmp(name, "send ", 5) != 0 || strcmp(name, "send record") == 0 ||
        strcmp(name, "send application_data") == 0 || strcmp(name, "send Alert") == 0 ||
        t->run->n >= CMP_MAX_MSGS)
        return;
    cmp_msg *m = &t->run->m[t->run->n++];
    memset(m, 0, sizeof *m);
    snprintf(m->name, sizeof m->name, "%s", name + 5);
    m->from_client = t->client;
    m->bytes = malloc(len ? len : 1);
    if (m->bytes != NULL && len > 0)
        memcpy(m->bytes, bytes, len);
    m->len = m->bytes != NULL ? len : 0;
    if (m->len >= GLASS_HS_HEADER_LEN && strcmp(m->name, "ChangeCipherSpec") != 0)
        (void)glass_dissect_handshake_profile(t->profile, m->bytes, m->len, on_field, m);
}

/* One handshake of the given profile between two engines. */
static glass_err run_pair(glass_profile profile, uint64_t seed, walk_pki *pki, cmp_run *run)
{
    glass_blob anchor, server_chain, client_chain;
    walk_pki_ca_der(pki, &anchor.der, &anchor.len);
    server_chain.der = pki->server_der;
    server_chain.len = pki->server_len;
    client_chain.der = pki->client_der;
    client_chain.len = pki->client_len;
    glass_drbg dc, ds;
    glass_drbg_init(&dc, seed, 1);
    glass_drbg_init(&ds, seed, 2);
    cmp_tap tc = {run, 1, profile}, ts = {run, 0, profile};
    glass_tracer trc = {on_trace, &tc}, trs = {on_trace, &ts};
    glass_config cc, sc;
    memset(&cc, 0, sizeof cc);
    memset(&sc, 0, sizeof sc);
    cc.role = GLASS_ROLE_CLIENT;
    sc.role = GLASS_ROLE_SERVER;
    cc.profile = sc.profile = profile;
    cc.now = sc.now = pki->now;
    cc.random = sc.random = glass_random_from_drbg;
    cc.random_arg = &dc;
    sc.random_arg = &ds;
    cc.anchors = sc.anchors = &anchor;
    cc.n_anchors = sc.n_anchors = 1;
    cc.chain = &client_chain;
    cc.n_chain = 1;
    cc.key = &pki->client_key;
    sc.chain = &server_chain;
    sc.n_chain = 1;
    sc.key = &pki->server_key;
    cc.server_name = "localhost";
    sc.client_auth = GLASS_CLIENT_AUTH_REQUIRE;   /* glass always authenticates both */
    cc.trace = &trc;
    sc.trace = &trs;
    glass_engine *c = NULL, *s = NULL;
    glass_err err = glass_engine_new(&c, &cc);
    if (err == GLASS_OK)
        err = glass_engine_new(&s, &sc);
    if (err == GLASS_OK)
        err = glass_engine_start(s);
    if (err == GLASS_OK)
        err = glass_engine_start(c);
    if (err == GLASS_OK)
        (void)net_pump_handshake(c, s);     /* the states below say how it went */
    if (err == GLASS_OK && (glass_engine_state(c) != GLASS_STATE_APPLICATION ||
                            glass_engine_state(s) != GLASS_STATE_APPLICATION))
        err = glass_engine_error(c) != GLASS_OK ? glass_engine_error(c)
            : glass_engine_error(s) != GLASS_OK ? glass_engine_error(s) : GLASS_ERR_PROTO_STATE;
    glass_engine_free(c);
    glass_engine_free(s);
    return err;
}

static int has_field(const cmp_msg *m, const char *f)
{
    for (size_t i = 0; i < m->n_fields; i++)
        if (strcmp(m->fields[i], f) == 0)
            return 1;
    return 0;
}

/* The fields of a that b lacks, comma-separated. */
static void only_in(const cmp_msg *a, const cmp_msg *b, char *out, size_t cap)
{
    size_t used = 0;
    out[0] = '\0';
    for (size_t i = 0; a != NULL && i < a->n_fields; i++) {
        if (b != NULL && has_field(b, a->fields[i]))
            continue;
        int dup = 0;
        for (size_t k = 0; k < i; k++)
            dup |= strcmp(a->fields[k], a->fields[i]) == 0;
        if (dup)
            continue;
        int w = snprintf(out + used, cap - used, "%s%s", used ? ", " : "", a->fields[i]);
        if (w < 0 || (size_t)w >= cap - used)
            break;
        used += (size_t)w;
    }
}

static void print_row(FILE *f, int html, const cmp_msg *g, const cmp_msg *t)
{
    const cmp_msg *any = t != NULL ? t : g;
    char only_tls[600], only_glass[600];
    only_in(t, g, only_tls, sizeof only_tls);
    only_in(g, t, only_glass, sizeof only_glass);
    const char *why = t == NULL ? "glass only: no TLS 1.2 counterpart"
                    : g == NULL ? (strcmp(t->name, "ChangeCipherSpec") == 0
                                       ? "glass has no ChangeCipherSpec: protection starts "
                                         "with Finished by rule (RFC 5246 §7.1 departs)"
                                       : "TLS 1.2 only")
                                : g->meaning;
    const char *dir = any->from_client ? "C->S" : "S->C";
    if (html) {
        fprintf(f, "<tr><td>%s</td><td>%s</td><td>%zu</td><td>%zu</td><td>%s</td><td>%s</td>"
                   "<td>%s</td></tr>\n",
                dir, any->name, g ? g->len : 0, t ? t->len : 0, only_tls, only_glass, why);
        return;
    }
    fprintf(f, "%-4s %-20s glass %5zu bytes   TLS 1.2 %5zu bytes\n", dir, any->name,
            g ? g->len : 0, t ? t->len : 0);
    if (t != NULL && only_tls[0])
        fprintf(f, "       only in TLS 1.2: %s\n", only_tls);
    if (g != NULL && only_glass[0])
        fprintf(f, "       only in glass:   %s\n", only_glass);
    fprintf(f, "       %s\n", why);
}

/* Matches messages by name and direction, in order. */
static void align(FILE *f, int html, const cmp_run *g, const cmp_run *t)
{
    size_t gi = 0;
    for (size_t ti = 0; ti < t->n; ti++) {
        size_t k = gi;
        while (k < g->n && !(strcmp(g->m[k].name, t->m[ti].name) == 0 &&
                             g->m[k].from_client == t->m[ti].from_client))
            k++;
        if (k == g->n) {
            print_row(f, html, NULL, &t->m[ti]);
            continue;
        }
        for (; gi < k; gi++)
            print_row(f, html, &g->m[gi], NULL);
        print_row(f, html, &g->m[k], &t->m[ti]);
        gi = k + 1;
    }
    for (; gi < g->n; gi++)
        print_row(f, html, &g->m[gi], NULL);
}

static void run_free(cmp_run *r)
{
    for (size_t i = 0; i < r->n; i++)
        free(r->m[i].bytes);
    r->n = 0;
}

int tlstool_compare_run(uint64_t seed, int html, FILE *out)
{
    walk_pki pki;
    wk_out quiet;
    memset(&quiet, 0, sizeof quiet);
    quiet.f = fopen("/dev/null", "w");
    if (quiet.f == NULL) {
        fprintf(stderr, "glass compare: cannot open /dev/null\n");
        return 1;
    }
    glass_random_seed(seed);
    cmp_run *g = calloc(1, sizeof *g), *t = calloc(1, sizeof *t);
    glass_err err = g != NULL && t != NULL ? walk_pki_make(&pki, WALK_FIXED_NOW, 1, &quiet)
                                           : GLASS_ERR_NOMEM;
    if (err == GLASS_OK)
        err = run_pair(GLASS_PROFILE_GLASS, seed, &pki, g);
    if (err == GLASS_OK)
        err = run_pair(GLASS_PROFILE_TLS12, seed, &pki, t);
    fclose(quiet.f);
    if (err == GLASS_OK) {
        if (html)
            fprintf(out, "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>glass vs "
                         "TLS 1.2</title></head><body>\n<h1>glass vs TLS 1.2, seed %llu</h1>\n"
                         "<table border=\"1\"><tr><th>dir</th><th>message</th><th>glass bytes</th>"
                         "<th>TLS 1.2 bytes</th><th>only in TLS 1.2</th><th>only in glass</th>"
                         "<th>difference</th></tr>\n",
                    (unsigned long long)seed);
        else
            fprintf(out, "glass vs TLS 1.2 (TLS_DHE_RSA_WITH_AES_256_CBC_SHA256), same keys, "
                         "seed %llu\n\n", (unsigned long long)seed);
        align(out, html, g, t);
        if (html)
            fprintf(out, "</table></body></html>\n");
    } else {
        fprintf(stderr, "glass compare: the handshakes did not run: %s\n", glass_strerror(err));
    }
    if (g != NULL)
        run_free(g);
    if (t != NULL)
        run_free(t);
    free(g);
    free(t);
    walk_pki_free(&pki);
    return err == GLASS_OK ? 0 : 1;
}
