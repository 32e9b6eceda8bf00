/*
 * walk_derive.c — every value the handshake derives, narrated and
 * recomputed independently (see classroom/classroom.h, walk_internal.h).
 *
 * For each "derive X" trace event of an engine, walk_on_derive shows X with
 * its inputs and the function applied, recomputes it here with the
 * primitives (sha/, hmac/, GMP), separately from the engine's own code, and
 * shows the commands that do the same by hand from the files of --save
 * (walk_cmd.c): glass's own, openssl's where OpenSSL can, python3's pow()
 * for Diffie-Hellman.  A recomputation that disagrees with the engine is
 * counted and shown.  Read walk_on_derive first, then one derive_*
 * function per kind of value in the order the handshake produces them:
 * dh_x, dh_y, Z, pre_master_secret, a transcript hash (session_hash and
 * the handshake hashes), a PRF output (master_secret, key_block,
 * verify_data: each then spelled out as its HMAC steps by walk_prf.c), and
 * a key sliced from the key block.
 *
 * CT: not relevant — this prints secrets on purpose (a classroom tool).
 */
#include "classroom/walk_internal.h"

#include "dh/dh.h"
#include "hmac/hmac.h"
#include "protocol/protocol.h"
#include "sha/sha256.h"

#include <gmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

derived *walk_find_derived(walk *w, const char *key)
{
    for (size_t i = 0; i < w->n_der; i++)
        if (strcmp(w->der[i].key, key) == 0)
            return &w->der[i];
    return NULL;
}

/* See walk_internal.h. */
derived *walk_put_derived(walk *w, const char *key, const uint8_t *b, size_t len)
{
    if (w->n_der >= MAX_DERIVED)
        return NULL;
    derived *d = &w->der[w->n_der];
    uint8_t *copy = malloc(len > 0 ? len : 1);
    if (copy == NULL)
        return NULL;
    memcpy(copy, b, len);
    snprintf(d->key, sizeof d->key, "%s", key);
    d->b = copy;
    d->len = len;
    w->n_der++;
    char f[160];
    walk_value_file(w, key, f, sizeof f);
    walk_save(w, f, b, len);
    return d;
}

char *walk_hex_dup(const uint8_t *b, size_t len)
{
    char *s = malloc(2 * len + 1);
    if (s != NULL)
        glass_hex_encode(s, 2 * len + 1, b, len);
    return s;
}

/* See walk_internal.h. */
void walk_msg_file(const walk *w, size_t i, char *out, size_t cap)
{
    char name[64];
    snprintf(name, sizeof name, "%02zu-%s.bin", i + 1, w->msgs[i].name);
    walk_file(w, name, out, cap);
}

/* Index of the first message `name` sent by the given side, or n_msgs. */
static size_t msg_index(const walk *w, const char *name, int from_client)
{
    for (size_t i = 0; i < w->n_msgs; i++)
        if (w->msgs[i].from_client == from_client && strcmp(w->msgs[i].name, name) == 0)
            return i;
    return w->n_msgs;
}

char *walk_str_dup(const char *s)
{
    size_t n = strlen(s != NULL ? s : "");
    char *d = malloc(n + 1);
    if (d != NULL)
        memcpy(d, s != NULL ? s : "", n + 1);
    return d;
}

void walk_add_input(wk_derivation *d, const char *name, const uint8_t *b, size_t len)
{
    if (d->n_inputs < WK_MAX_INPUTS) {
        d->inputs[d->n_inputs].name = name;
        d->inputs[d->n_inputs].bytes = b;
        d->inputs[d->n_inputs].len = len;
        d->inputs[d->n_inputs].text = NULL;
        d->n_inputs++;
    }
}

static void add_text(wk_derivation *d, const char *name, const char *text)
{
    if (d->n_inputs < WK_MAX_INPUTS) {
        d->inputs[d->n_inputs].name = name;
        d->inputs[d->n_inputs].bytes = NULL;
        d->inputs[d->n_inputs].len = 0;
        d->inputs[d->n_inputs].text = text;
        d->n_inputs++;
    }
}

int walk_check_equal(walk *w, const uint8_t *a, size_t alen, const uint8_t *b, size_t blen)
{
    if (alen == blen && memcmp(a, b, alen) == 0)
        return 1;
    w->mismatches++;
    return -1;
}

static const dh_group *group_for(size_t p_len)
{
    return dh_group_by_tls_id(p_len == 384 ? GLASS_GROUP_FFDHE3072 : GLASS_GROUP_FFDHE2048);
}

/* y = g^x mod p (or Z = Y^x mod p) as p_len big-endian bytes. */
static void modexp(const uint8_t *base, size_t base_len, const mpz_t g, const uint8_t *x,
                   size_t x_len, const dh_group *G, uint8_t *out)
{
    mpz_t B, X, R;
    mpz_inits(B, X, R, NULL);
    if (base != NULL)
        mpz_import(B, base_len, 1, 1, 1, 0, base);
    else
        mpz_set(B, g);
    mpz_import(X, x_len, 1, 1, 1, 0, x);
    mpz_powm(R, B, X, G->p);
    memset(out, 0, G->p_len);
    size_t n = (mpz_sizeinbase(R, 2) + 7) / 8;
    if (n <= G->p_len)
        mpz_export(out + G->p_len - n, NULL, 1, 1, 1, 0, R);
    mpz_clears(B, X, R, NULL);
}

/* One derived value being narrated: what the trace event said, the
 * derivation shown, and what was allocated for it (freed after). */
typedef struct derive_ctx {
    walk *w;
    int client;
    const char *me, *what, *explain;
    const uint8_t *b;
    size_t len;
    wk_derivation d;
    uint8_t *re;                /* the recomputation */
    char *list;                 /* the list of messages */
    const struct prf_spec *prf; /* a PRF output: spelled out after it is shown */
} derive_ctx;

/* The ephemeral private exponent x (SP 800-56A §5.6.1.1.4). */
static void derive_dh_x(derive_ctx *dc)
{
    wk_derivation *d = &dc->d;
    d->cite = "SP 800-56A §5.6.1.1.4";
    d->function = "a random integer in [1, q-1], the ephemeral private key (never sent)";
}

/* The python3 line that reads a big-endian number from a file. */
#define PY_READ "r=lambda f: int.from_bytes(open(f,'rb').read(),'big');\n"

/* The public value y = g^x mod p. */
static void derive_dh_y(derive_ctx *dc)
{
    walk *w = dc->w;
    wk_derivation *d = &dc->d;
    char k2[64], fx[160], fp[160], pname[64];
    snprintf(k2, sizeof k2, "%s dh_x", dc->me);
    derived *x = walk_find_derived(w, k2);
    const dh_group *G = group_for(dc->len);
    d->cite = "SP 800-56A §5.6.1.1.4; the group is RFC 7919's";
    d->function = "g^x mod p";
    add_text(d, "g, p", G != NULL ? G->name : "?");
    if (x == NULL || G == NULL || dc->len != G->p_len)
        return;
    walk_add_input(d, "x", x->b, x->len);
    dc->re = malloc(G->p_len);
    if (dc->re != NULL) {
        modexp(NULL, 0, G->g, x->b, x->len, G, dc->re);
        d->check = walk_check_equal(w, dc->re, G->p_len, dc->b, dc->len);
        d->check_how = "mpz_powm(g, x, p)";
        /* p itself, for the commands (RFC 7919 Appendix A prints it). */
        memset(dc->re, 0, G->p_len);
        mpz_export(dc->re + G->p_len - (mpz_sizeinbase(G->p, 2) + 7) / 8, NULL, 1, 1, 1, 0,
                   G->p);
        snprintf(pname, sizeof pname, "%s_p.bin", G->name);
        walk_file(w, pname, fp, sizeof fp);
        walk_save(w, fp, dc->re, G->p_len);
    }
    walk_value_file(w, k2, fx, sizeof fx);
    snprintf(pname, sizeof pname, "%s_p.bin", G->name);
    walk_file(w, pname, fp, sizeof fp);
    walk_command(d, NULL, "python3 -c \"" PY_READ "print('%%0%zux' %% pow(%lu, r('%s'), r('%s')))\"",
                 2 * G->p_len, mpz_get_ui(G->g), fx, fp);
}

/* Where the bytes b[0..len) stand in a handshake message sent by `from_client`:
 * its index and offset (n_msgs when no message holds them). */
static size_t find_in_msgs(const walk *w, int from_client, const uint8_t *b, size_t len,
                           size_t *off)
{
    for (size_t i = 0; i < w->n_msgs; i++) {
        const stored *m = &w->msgs[i];
        if (m->from_client != from_client || m->len < len)
            continue;
        for (size_t o = 0; o + len <= m->len; o++)
            if (memcmp(m->b + o, b, len) == 0) {
                *off = o;
                return i;
            }
    }
    return w->n_msgs;
}

/* The shared secret Z = Y_peer^x mod p (SP 800-56A §5.7.1.1). */
static void derive_z(derive_ctx *dc)
{
    walk *w = dc->w;
    wk_derivation *d = &dc->d;
    char kx[64], ky[64], fx[160], fp[160], fy[160], pname[64];
    snprintf(kx, sizeof kx, "%s dh_x", dc->me);
    snprintf(ky, sizeof ky, "%s dh_y", walk_side_name(!dc->client));
    derived *x = walk_find_derived(w, kx), *Y = walk_find_derived(w, ky);
    const dh_group *G = group_for(dc->len);
    d->cite = "SP 800-56A §5.7.1.1";
    d->function = "Y_peer^x mod p (the peer's public value to our private exponent)";
    if (x == NULL || Y == NULL || G == NULL || dc->len != G->p_len)
        return;
    walk_add_input(d, "Y_peer", Y->b, Y->len);
    walk_add_input(d, "x", x->b, x->len);
    dc->re = malloc(G->p_len);
    if (dc->re != NULL) {
        modexp(Y->b, Y->len, G->g, x->b, x->len, G, dc->re);
        d->check = walk_check_equal(w, dc->re, G->p_len, dc->b, dc->len);
        d->check_how = "mpz_powm(Y_peer, x, p); the other side computes X_peer^y: the same";
    }
    walk_value_file(w, kx, fx, sizeof fx);
    snprintf(pname, sizeof pname, "%s_p.bin", G->name);
    walk_file(w, pname, fp, sizeof fp);
    /* Y_peer read from the very message that carried it. */
    size_t off = 0, i = find_in_msgs(w, !dc->client, Y->b, Y->len, &off);
    if (i < w->n_msgs) {
        walk_msg_file(w, i, fy, sizeof fy);
        walk_command(d, NULL,
                     "python3 -c \"" PY_READ
                     "y=int.from_bytes(open('%s','rb').read()[%zu:%zu],'big');\n"
                     "print('%%0%zux' %% pow(y, r('%s'), r('%s')))\"",
                     fy, off, off + Y->len, 2 * G->p_len, fx, fp);
    }
}

/* The pre-master secret: Z without its leading zeros (RFC 5246 §8.1.2). */
static void derive_pre_master_secret(derive_ctx *dc)
{
    walk *w = dc->w;
    wk_derivation *d = &dc->d;
    derived *Z = walk_find_derived(w, "Z");
    char fz[160];
    d->cite = "RFC 5246 §8.1.2";
    d->function = "Z with its leading zero bytes stripped";
    if (Z == NULL)
        return;
    walk_add_input(d, "Z", Z->b, Z->len);
    size_t i = 0;
    while (i < Z->len && Z->b[i] == 0)
        i++;
    d->check = walk_check_equal(w, Z->b + i, Z->len - i, dc->b, dc->len);
    d->check_how = "strip the zeros of Z";
    walk_value_file(w, "Z", fz, sizeof fz);
    walk_command(d, NULL, "python3 -c \"print(open('%s','rb').read().lstrip(b'\\x00').hex())\"",
                 fz);
}

/* A hash of the handshake so far: the session hash (RFC 7627 §3), or the
 * hash CertificateVerify signs or a Finished covers (RFC 5246 §7.4.8,
 * §7.4.9).  SHA-256 of the messages [0, end) recomputed, and by hand: the
 * message files through `glass sha256` and `openssl dgst -sha256`. */
static void derive_transcript(derive_ctx *dc)
{
    walk *w = dc->w;
    wk_derivation *d = &dc->d;
    size_t end;
    if (strcmp(dc->what, "session_hash") == 0) {
        end = msg_index(w, "ClientKeyExchange", 1);
        if (end < w->n_msgs)
            end++;
        d->cite = "RFC 7627 §3";
        d->function = "SHA-256(ClientHello || ... || ClientKeyExchange), the handshake so far";
    } else if (strcmp(dc->what + 15, "CertificateVerify") == 0) {
        end = msg_index(w, "CertificateVerify", 1);
        d->cite = "RFC 5246 §7.4.8";
        d->function = "SHA-256 of the handshake messages before CertificateVerify";
    } else {
        end = msg_index(w, "Finished", strcmp(dc->what + 15, "client Finished") == 0);
        d->cite = "RFC 5246 §7.4.9";
        d->function = "SHA-256 of the handshake messages before this Finished";
    }
    uint8_t h[32];
    sha256_ctx c;
    size_t cap = 64 + end * 80;
    dc->list = malloc(cap);
    sha256_init(&c);
    for (size_t i = 0; i < end; i++) {
        sha256_update(&c, w->msgs[i].b, w->msgs[i].len);
        if (dc->list != NULL) {
            size_t n = i > 0 ? strlen(dc->list) : 0;
            snprintf(dc->list + n, cap - n, "%s%s (%s, %zu bytes)", i > 0 ? " || " : "",
                     w->msgs[i].name, walk_side_name(w->msgs[i].from_client), w->msgs[i].len);
        }
    }
    sha256_final(&c, h);
    add_text(d, "messages", dc->list != NULL ? dc->list : "");
    d->check = walk_check_equal(w, h, 32, dc->b, dc->len);
    d->check_how = "sha256 over the messages shown above, in order";
    char *cat = walk_cat_messages(w, end);
    if (cat != NULL) {
        walk_command(d, NULL, "%s | glass sha256", cat);
        walk_command(d, NULL, "%s | openssl dgst -sha256", cat);
    }
    free(cat);
}

/* The three PRF outputs of the handshake (RFC 5246 §5): the secret, the
 * label and the seed each is made of, by the keys of values already
 * derived. */
typedef struct prf_spec {
    const char *what;           /* the trace event's name */
    const char *secret;         /* key of the secret */
    const char *label;
    const char *seed[2];        /* keys of the seed's parts (NULL: none) */
    const char *cite, *function;
} prf_spec;

static const prf_spec prf_specs[] = {
    {"master_secret", "pre_master_secret", "extended master secret", {"session_hash", NULL},
     "RFC 7627 §4 (extended master secret)",
     "PRF(pre_master_secret, \"extended master secret\", session_hash)[0..47]"},
    {"key_block", "master_secret", "key expansion", {"server_random", "client_random"},
     "RFC 5246 §6.3",
     "PRF(master_secret, \"key expansion\", server_random + client_random)[0..127]"},
    {"client verify_data", "master_secret", "client finished",
     {"handshake_hash client Finished", NULL}, "RFC 5246 §7.4.9",
     "PRF(master_secret, \"client finished\", handshake_hash)[0..11]"},
    {"server verify_data", "master_secret", "server finished",
     {"handshake_hash server Finished", NULL}, "RFC 5246 §7.4.9",
     "PRF(master_secret, \"server finished\", handshake_hash)[0..11]"},
};

/* A PRF output: recomputed with hmac/'s hmac_tls12_prf_sha256, and by hand with
 * `glass kdf` and `openssl kdf` (which needs -kdfopt digest:SHA256). */
static void derive_prf(derive_ctx *dc, const prf_spec *ps)
{
    walk *w = dc->w;
    wk_derivation *d = &dc->d;
    derived *sec = walk_find_derived(w, ps->secret);
    derived *sd[2] = {walk_find_derived(w, ps->seed[0]),
                      ps->seed[1] != NULL ? walk_find_derived(w, ps->seed[1]) : NULL};
    d->cite = ps->cite;
    d->function = ps->function;
    if (sec == NULL || sd[0] == NULL || (ps->seed[1] != NULL && sd[1] == NULL))
        return;
    walk_add_input(d, ps->secret, sec->b, sec->len);
    walk_add_input(d, ps->seed[0], sd[0]->b, sd[0]->len);
    if (sd[1] != NULL)
        walk_add_input(d, ps->seed[1], sd[1]->b, sd[1]->len);
    size_t seed_len = sd[0]->len + (sd[1] != NULL ? sd[1]->len : 0);
    uint8_t *seed = malloc(seed_len > 0 ? seed_len : 1);
    dc->re = malloc(dc->len > 0 ? dc->len : 1);
    if (seed != NULL && dc->re != NULL) {
        memcpy(seed, sd[0]->b, sd[0]->len);
        if (sd[1] != NULL)
            memcpy(seed + sd[0]->len, sd[1]->b, sd[1]->len);
        if (hmac_tls12_prf_sha256(sec->b, sec->len, ps->label, seed, seed_len, dc->re, dc->len) ==
            GLASS_OK) {
            d->check = walk_check_equal(w, dc->re, dc->len, dc->b, dc->len);
            d->check_how = "hmac_tls12_prf_sha256 (hmac/tls12_prf.c); its HMAC steps follow";
        }
    }
    free(seed);
    char fs[160], f0[160], f1[160] = "";
    walk_value_file(w, ps->secret, fs, sizeof fs);
    walk_value_file(w, ps->seed[0], f0, sizeof f0);
    if (sd[1] != NULL)
        walk_value_file(w, ps->seed[1], f1, sizeof f1);
    char seeds[400];
    snprintf(seeds, sizeof seeds, "-kdfopt hexseed:$(xxd -p -c 256 %s)%s%s%s", f0,
             sd[1] != NULL ? " -kdfopt hexseed:$(xxd -p -c 256 " : "", f1,
             sd[1] != NULL ? ")" : "");
    walk_command(d, NULL,
                 "glass kdf -keylen %zu -kdfopt hexsecret:$(xxd -p -c 256 %s) -kdfopt 'seed:%s' %s "
                 "tls1-prf", dc->len, fs, ps->label, seeds);
    walk_command(d, NULL,
                 "openssl kdf -keylen %zu -kdfopt digest:SHA256 -kdfopt hexsecret:$(xxd -p -c 256 "
                 "%s) -kdfopt 'seed:%s' %s TLS1-PRF", dc->len, fs, ps->label, seeds);
    dc->prf = ps;
}

/* One key sliced from the key block (RFC 5246 §6.3). */
static void derive_slice(derive_ctx *dc)
{
    walk *w = dc->w;
    wk_derivation *d = &dc->d;
    derived *kb = walk_find_derived(w, "key_block");
    size_t off = strcmp(dc->what, "client_write_MAC_key") == 0   ? 0
                 : strcmp(dc->what, "server_write_MAC_key") == 0 ? 32
                 : strcmp(dc->what, "client_write_key") == 0     ? 64
                                                                 : 96;
    d->cite = "RFC 5246 §6.3";
    d->function = dc->explain;
    d->explain = NULL;
    if (kb != NULL && off + dc->len <= kb->len) {
        char fk[160];
        add_text(d, "key_block", "the 128 bytes above");
        d->check = walk_check_equal(w, kb->b + off, dc->len, dc->b, dc->len);
        d->check_how = "the slice of key_block";
        walk_value_file(w, "key_block", fk, sizeof fk);
        walk_command(d, NULL, "xxd -p -c 256 -s %zu -l %zu %s", off, dc->len, fk);
    }
}

/* The value's own narration, by its name. */
static void derive_by_name(derive_ctx *dc)
{
    const char *what = dc->what;
    if (strcmp(what, "dh_x") == 0)
        derive_dh_x(dc);
    else if (strcmp(what, "dh_y") == 0)
        derive_dh_y(dc);
    else if (strcmp(what, "Z") == 0)
        derive_z(dc);
    else if (strcmp(what, "pre_master_secret") == 0)
        derive_pre_master_secret(dc);
    else if (strcmp(what, "session_hash") == 0 || strncmp(what, "handshake_hash ", 15) == 0)
        derive_transcript(dc);
    else if (strstr(what, "write_MAC_key") != NULL || strstr(what, "write_key") != NULL)
        derive_slice(dc);
    else {
        for (size_t i = 0; i < sizeof prf_specs / sizeof prf_specs[0]; i++)
            if (strcmp(what, prf_specs[i].what) == 0) {
                derive_prf(dc, &prf_specs[i]);
                return;
            }
        dc->d.function = dc->explain;
        dc->d.explain = NULL;
    }
}

/* See walk_internal.h. */
void walk_on_derive(walk *w, int client, const char *what, const char *explain,
                      const uint8_t *b, size_t len)
{
    const char *me = walk_side_name(client);
    char key[64];
    int per_side = strcmp(what, "dh_x") == 0 || strcmp(what, "dh_y") == 0;
    if (strcmp(what, "record IV") == 0) {
        w->pending_protected[client ? 0 : 1] = 1;
        wk_derivation d;
        wk_derivation_init(&d, me, "record IV", "RFC 5246 §6.2.3.2 (explicit IV)",
                           "16 fresh random bytes from the engine's random source, one per record",
                           b, len);
        d.explain = explain;
        wk_derive(w->o, &d);
        return;
    }
    if (strcmp(what, "record MAC") == 0) {
        if (strstr(explain != NULL ? explain : "", "expected") == NULL) {
            if (len == 32)
                memcpy(w->last_mac[client ? 0 : 1], b, 32);
        } else {
            int same = len == 32 && memcmp(b, w->last_mac[client ? 1 : 0], 32) == 0;
            wk_note(w->o, me, "check",
                    same ? "recomputes the record MAC with its read MAC key: equal, so the "
                           "record is decrypted"
                         : "recomputes the record MAC with its read MAC key: DIFFERENT "
                           "(bad_record_mac)");
        }
        return;
    }
    snprintf(key, sizeof key, "%s%s%s", per_side ? me : "", per_side ? " " : "", what);
    derived *prev = walk_find_derived(w, key);
    if (prev != NULL) {
        char line[200];
        int same = prev->len == len && memcmp(prev->b, b, len) == 0;
        if (!same)
            w->mismatches++;
        snprintf(line, sizeof line, "derives %s too: %s", what,
                 same ? "the same bytes as the other side" : "DIFFERENT bytes from the other side");
        wk_note(w->o, me, same ? "check" : "error", line);
        return;
    }
    derived *cur = walk_put_derived(w, key, b, len);
    if (cur == NULL)
        return;

    derive_ctx dc;
    memset(&dc, 0, sizeof dc);
    dc.w = w;
    dc.client = client;
    dc.me = me;
    dc.what = what;
    dc.explain = explain;
    dc.b = b;
    dc.len = len;
    wk_derivation_init(&dc.d, me, what, NULL, NULL, b, len);
    dc.d.explain = explain;
    derive_by_name(&dc);
    wk_derive(w->o, &dc.d);
    if (dc.prf != NULL) {
        const prf_spec *ps = dc.prf;
        derived *sec = walk_find_derived(w, ps->secret);
        const derived *sd[2] = {walk_find_derived(w, ps->seed[0]),
                                ps->seed[1] != NULL ? walk_find_derived(w, ps->seed[1]) : NULL};
        walk_prf_steps(w, me, what, ps->secret, sec, ps->label, sd, b, len);
    }
    walk_commands_free(&dc.d);
    free(dc.re);
    free(dc.list);
}
