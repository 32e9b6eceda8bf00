/*
 * walk_derive.c — every value the handshake derives, narrated and
 * recomputed independently (see classroom/classroom.h, walk_internal.h).
 *
 * For each "derive X" trace event of an engine, walk_on_derive shows X with
 * its inputs and the function applied, recomputes it here with the
 * primitives (sha/, hmac/, GMP), separately from the engine's own code, and
 * prints the `glass` command (or python3 line) that does the same by hand.
 * A recomputation that disagrees with the engine is counted and shown.
 * Read walk_on_derive first, then one derive_* function per value in the
 * order the handshake produces them: dh_x, dh_y, Z, pre_master_secret,
 * session_hash, master_secret, key_block and its slices, the handshake
 * hashes, the Finished verify_data.
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

static derived *put_derived(walk *w, const char *key, const uint8_t *b, size_t len)
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
    return d;
}

char *walk_hex_dup(const uint8_t *b, size_t len)
{
    char *s = malloc(2 * len + 1);
    if (s != NULL)
        glass_hex_encode(s, 2 * len + 1, b, len);
    return s;
}

/* The file a stored message is saved as: "msgs/03-Certificate.bin". */
void walk_msg_file(const walk *w, size_t i, char *out, size_t cap)
{
    const char *dir = w->opts->save_dir != NULL ? w->opts->save_dir : "msgs";
    if (w->opts->connection_no > 1)
        snprintf(out, cap, "%s/c%u-%02zu-%s.bin", dir, w->opts->connection_no, i + 1,
                 w->msgs[i].name);
    else
        snprintf(out, cap, "%s/%02zu-%s.bin", dir, i + 1, w->msgs[i].name);
}

/* Index of the first message `name` sent by the given side, or n_msgs. */
static size_t msg_index(const walk *w, const char *name, int from_client)
{
    for (size_t i = 0; i < w->n_msgs; i++)
        if (w->msgs[i].from_client == from_client && strcmp(w->msgs[i].name, name) == 0)
            return i;
    return w->n_msgs;
}

/* SHA-256 of messages [0, end); a text listing them; the `cat ... | glass
 * sha256` command.  list and cmd are malloc'd. */
static void transcript_upto(const walk *w, size_t end, uint8_t hash[32], char **list, char **cmd)
{
    sha256_ctx c;
    size_t cap = 64 + end * 200;
    *list = malloc(cap);
    *cmd = malloc(cap);
    if (*list != NULL)
        (*list)[0] = '\0';
    if (*cmd != NULL)
        snprintf(*cmd, cap, "cat");
    sha256_init(&c);
    for (size_t i = 0; i < end; i++) {
        char f[300];
        sha256_update(&c, w->msgs[i].b, w->msgs[i].len);
        walk_msg_file(w, i, f, sizeof f);
        if (*list != NULL) {
            size_t n = strlen(*list);
            snprintf(*list + n, cap - n, "%s%s (%s, %zu bytes)", i > 0 ? " || " : "",
                     w->msgs[i].name, walk_side_name(w->msgs[i].from_client), w->msgs[i].len);
        }
        if (*cmd != NULL) {
            size_t n = strlen(*cmd);
            snprintf(*cmd + n, cap - n, " %s", f);
        }
    }
    sha256_final(&c, hash);
    if (*cmd != NULL) {
        size_t n = strlen(*cmd);
        snprintf(*cmd + n, cap - n, " | glass sha256   # the files of --save %s",
                 w->opts->save_dir != NULL ? w->opts->save_dir : "msgs");
    }
}

/* `glass kdf` line for PRF(secret, label, seed)[0..len). */
static char *kdf_command(const uint8_t *secret, size_t secret_len, const char *label,
                         const uint8_t *seed1, size_t seed1_len, const uint8_t *seed2,
                         size_t seed2_len, size_t len)
{
    char *hs = walk_hex_dup(secret, secret_len), *h1 = walk_hex_dup(seed1, seed1_len);
    char *h2 = seed2 != NULL ? walk_hex_dup(seed2, seed2_len) : NULL;
    size_t cap = 256 + 2 * (secret_len + seed1_len + seed2_len) + strlen(label);
    char *cmd = malloc(cap);
    if (cmd != NULL && hs != NULL && h1 != NULL)
        snprintf(cmd, cap,
                 "glass kdf -keylen %zu -kdfopt hexsecret:%s -kdfopt 'seed:%s' -kdfopt hexseed:%s%s "
                 "tls1-prf",
                 len, hs, label, h1, h2 != NULL ? h2 : "");
    else if (cmd != NULL)
        cmd[0] = '\0';
    free(hs);
    free(h1);
    free(h2);
    return cmd;
}

/* A python3 line that prints base^x mod p in hex (base NULL: g). */
static char *modexp_command(const uint8_t *base, size_t base_len, const uint8_t *x, size_t x_len,
                            const dh_group *G)
{
    char *p = mpz_get_str(NULL, 16, G->p);
    char *b = base != NULL ? walk_hex_dup(base, base_len) : mpz_get_str(NULL, 16, G->g);
    char *xs = walk_hex_dup(x, x_len);
    size_t cap = 128 + (p != NULL ? strlen(p) : 0) + 2 * base_len + 2 * x_len + 16;
    char *cmd = malloc(cap);
    if (cmd != NULL && p != NULL && b != NULL && xs != NULL)
        snprintf(cmd, cap, "python3 -c 'print(format(pow(0x%s, 0x%s, 0x%s), \"0%zux\"))'", b, xs,
                 p, 2 * G->p_len);
    else if (cmd != NULL)
        cmd[0] = '\0';
    free(p);
    free(b);
    free(xs);
    return cmd;
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
    char *cmd, *list;           /* the command shown, the list of messages */
} derive_ctx;

/* The ephemeral private exponent x (SP 800-56A §5.6.1.1.4). */
static void derive_dh_x(derive_ctx *dc)
{
    wk_derivation *d = &dc->d;
    d->cite = "SP 800-56A §5.6.1.1.4";
    d->function = "a random integer in [1, q-1], the ephemeral private key (never sent)";
}

/* The public value y = g^x mod p. */
static void derive_dh_y(derive_ctx *dc)
{
    walk *w = dc->w;
    wk_derivation *d = &dc->d;
    const char *me = dc->me;
    const uint8_t *b = dc->b;
    size_t len = dc->len;
    const dh_group *G = NULL;
    char k2[64];
    snprintf(k2, sizeof k2, "%s dh_x", me);
    derived *x = walk_find_derived(w, k2);
    G = group_for(len);
    d->cite = "SP 800-56A §5.6.1.1.4; the group is RFC 7919's";
    d->function = "g^x mod p";
    add_text(d, "g, p", G != NULL ? G->name : "?");
    if (x != NULL && G != NULL && len == G->p_len) {
        walk_add_input(d, "x", x->b, x->len);
        dc->re = malloc(G->p_len);
        if (dc->re != NULL) {
            modexp(NULL, 0, G->g, x->b, x->len, G, dc->re);
            d->check = walk_check_equal(w, dc->re, G->p_len, b, len);
            d->check_how = "mpz_powm(g, x, p)";
        }
        dc->cmd = modexp_command(NULL, 0, x->b, x->len, G);
        d->command = dc->cmd;
    }
}

/* The shared secret Z = Y_peer^x mod p (SP 800-56A §5.7.1.1). */
static void derive_z(derive_ctx *dc)
{
    walk *w = dc->w;
    wk_derivation *d = &dc->d;
    const char *me = dc->me;
    int client = dc->client;
    const uint8_t *b = dc->b;
    size_t len = dc->len;
    const dh_group *G = NULL;
    char kx[64], ky[64];
    snprintf(kx, sizeof kx, "%s dh_x", me);
    snprintf(ky, sizeof ky, "%s dh_y", walk_side_name(!client));
    derived *x = walk_find_derived(w, kx), *Y = walk_find_derived(w, ky);
    G = group_for(len);
    d->cite = "SP 800-56A §5.7.1.1";
    d->function = "Y_peer^x mod p (the peer's public value to our private exponent)";
    if (x != NULL && Y != NULL && G != NULL && len == G->p_len) {
        walk_add_input(d, "Y_peer", Y->b, Y->len);
        walk_add_input(d, "x", x->b, x->len);
        dc->re = malloc(G->p_len);
        if (dc->re != NULL) {
            modexp(Y->b, Y->len, G->g, x->b, x->len, G, dc->re);
            d->check = walk_check_equal(w, dc->re, G->p_len, b, len);
            d->check_how = "mpz_powm(Y_peer, x, p); the other side computes X_peer^y: the same";
        }
        dc->cmd = modexp_command(Y->b, Y->len, x->b, x->len, G);
        d->command = dc->cmd;
    }
}

/* The pre-master secret: Z without its leading zeros (RFC 5246 §8.1.2). */
static void derive_pre_master_secret(derive_ctx *dc)
{
    walk *w = dc->w;
    wk_derivation *d = &dc->d;
    const uint8_t *b = dc->b;
    size_t len = dc->len;
    derived *Z = walk_find_derived(w, "Z");
    d->cite = "RFC 5246 §8.1.2";
    d->function = "Z with its leading zero bytes stripped";
    if (Z != NULL) {
        walk_add_input(d, "Z", Z->b, Z->len);
        size_t i = 0;
        while (i < Z->len && Z->b[i] == 0)
            i++;
        d->check = walk_check_equal(w, Z->b + i, Z->len - i, b, len);
        d->check_how = "strip the zeros of Z";
    }
}

/* The session hash (RFC 7627 §3). */
static void derive_session_hash(derive_ctx *dc)
{
    walk *w = dc->w;
    wk_derivation *d = &dc->d;
    const uint8_t *b = dc->b;
    size_t len = dc->len;
    uint8_t h[32];
    size_t end = msg_index(w, "ClientKeyExchange", 1);
    if (end < w->n_msgs)
        end++;
    d->cite = "RFC 7627 §3";
    d->function = "SHA-256(ClientHello || ... || ClientKeyExchange), the handshake so far";
    transcript_upto(w, end, h, &dc->list, &dc->cmd);
    add_text(d, "messages", dc->list);
    d->command = dc->cmd;
    d->check = walk_check_equal(w, h, 32, b, len);
    d->check_how = "sha256 over the messages shown above, in order";
}

/* The extended master secret (RFC 7627 §4). */
static void derive_master_secret(derive_ctx *dc)
{
    walk *w = dc->w;
    wk_derivation *d = &dc->d;
    const uint8_t *b = dc->b;
    size_t len = dc->len;
    derived *pms = walk_find_derived(w, "pre_master_secret");
    derived *sh = walk_find_derived(w, "session_hash");
    d->cite = "RFC 7627 §4 (extended master secret)";
    d->function = "PRF(pre_master_secret, \"extended master secret\", session_hash)[0..47]";
    if (pms != NULL && sh != NULL) {
        walk_add_input(d, "pre_master_secret", pms->b, pms->len);
        walk_add_input(d, "session_hash", sh->b, sh->len);
        dc->re = malloc(48);
        if (dc->re != NULL &&
            tls12_extended_master_secret(pms->b, pms->len, sh->b, sh->len, dc->re) == GLASS_OK) {
            d->check = walk_check_equal(w, dc->re, 48, b, len);
            d->check_how = "tls12_extended_master_secret (hmac/tls12_prf.c)";
        }
        dc->cmd = kdf_command(pms->b, pms->len, "extended master secret", sh->b, sh->len, NULL, 0,
                          48);
        d->command = dc->cmd;
    }
}

/* The key block (RFC 5246 §6.3). */
static void derive_key_block(derive_ctx *dc)
{
    walk *w = dc->w;
    wk_derivation *d = &dc->d;
    const uint8_t *b = dc->b;
    size_t len = dc->len;
    derived *ms = walk_find_derived(w, "master_secret");
    d->cite = "RFC 5246 §6.3";
    d->function = "PRF(master_secret, \"key expansion\", server_random + client_random)[0..127]";
    if (ms != NULL) {
        walk_add_input(d, "master_secret", ms->b, ms->len);
        walk_add_input(d, "server_random", w->server_random, 32);
        walk_add_input(d, "client_random", w->client_random, 32);
        dc->re = malloc(len > 0 ? len : 1);
        if (dc->re != NULL && ms->len == 48 &&
            tls12_key_block(ms->b, w->server_random, w->client_random, dc->re, len) == GLASS_OK) {
            d->check = walk_check_equal(w, dc->re, len, b, len);
            d->check_how = "tls12_key_block (note the order: server random first)";
        }
        dc->cmd = kdf_command(ms->b, ms->len, "key expansion", w->server_random, 32,
                          w->client_random, 32, len);
        d->command = dc->cmd;
        free(w->key_block_cmd);
        w->key_block_cmd = walk_str_dup(dc->cmd);
    }
}

/* One key sliced from the key block (RFC 5246 §6.3). */
static void derive_slice(derive_ctx *dc)
{
    walk *w = dc->w;
    wk_derivation *d = &dc->d;
    const char *what = dc->what;
    const char *explain = dc->explain;
    const uint8_t *b = dc->b;
    size_t len = dc->len;
    derived *kb = walk_find_derived(w, "key_block");
    size_t off = strcmp(what, "client_write_MAC_key") == 0   ? 0
                 : strcmp(what, "server_write_MAC_key") == 0 ? 32
                 : strcmp(what, "client_write_key") == 0     ? 64
                                                             : 96;
    d->cite = "RFC 5246 §6.3";
    d->function = explain;
    d->explain = NULL;
    if (kb != NULL && off + len <= kb->len) {
        add_text(d, "key_block", "the 128 bytes above");
        d->check = walk_check_equal(w, kb->b + off, len, b, len);
        d->check_how = "the slice of key_block";
        if (w->key_block_cmd != NULL) {
            size_t cap = strlen(w->key_block_cmd) + 64;
            dc->cmd = malloc(cap);
            if (dc->cmd != NULL)
                snprintf(dc->cmd, cap, "%s | tr -d ':\\n' | tr A-F a-f | cut -c%zu-%zu",
                         w->key_block_cmd, 2 * off + 1, 2 * (off + len));
            d->command = dc->cmd;
        }
    }
}

/* The hash of the handshake so far, for CertificateVerify or a Finished. */
static void derive_handshake_hash(derive_ctx *dc)
{
    walk *w = dc->w;
    wk_derivation *d = &dc->d;
    const char *what = dc->what;
    const uint8_t *b = dc->b;
    size_t len = dc->len;
    const char *target = what + 15;
    size_t end;
    uint8_t h[32];
    if (strcmp(target, "CertificateVerify") == 0) {
        end = msg_index(w, "CertificateVerify", 1);
        d->cite = "RFC 5246 §7.4.8";
        d->function = "SHA-256 of the handshake messages before CertificateVerify";
    } else {
        end = msg_index(w, "Finished", strcmp(target, "client Finished") == 0);
        d->cite = "RFC 5246 §7.4.9";
        d->function = "SHA-256 of the handshake messages before this Finished";
    }
    transcript_upto(w, end, h, &dc->list, &dc->cmd);
    add_text(d, "messages", dc->list);
    d->command = dc->cmd;
    d->check = walk_check_equal(w, h, 32, b, len);
    d->check_how = "sha256 over the messages shown above, in order";
}

/* A Finished message's verify_data (RFC 5246 §7.4.9). */
static void derive_verify_data(derive_ctx *dc)
{
    walk *w = dc->w;
    wk_derivation *d = &dc->d;
    const char *what = dc->what;
    const uint8_t *b = dc->b;
    size_t len = dc->len;
    int is_client = what[0] == 'c';
    derived *ms = walk_find_derived(w, "master_secret");
    derived *hh = walk_find_derived(w, is_client ? "handshake_hash client Finished"
                                            : "handshake_hash server Finished");
    const char *label = is_client ? "client finished" : "server finished";
    d->cite = "RFC 5246 §7.4.9";
    d->function = is_client ? "PRF(master_secret, \"client finished\", handshake_hash)[0..11]"
                           : "PRF(master_secret, \"server finished\", handshake_hash)[0..11]";
    if (ms != NULL && hh != NULL) {
        walk_add_input(d, "master_secret", ms->b, ms->len);
        walk_add_input(d, "handshake_hash", hh->b, hh->len);
        dc->re = malloc(12);
        if (dc->re != NULL && tls12_prf_sha256(ms->b, ms->len, label, hh->b, hh->len, dc->re, 12) ==
                              GLASS_OK) {
            d->check = walk_check_equal(w, dc->re, 12, b, len);
            d->check_how = "tls12_prf_sha256";
        }
        dc->cmd = kdf_command(ms->b, ms->len, label, hh->b, hh->len, NULL, 0, 12);
        d->command = dc->cmd;
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
        memset(&d, 0, sizeof d);
        d.side = me;
        d.name = "record IV";
        d.cite = "RFC 5246 §6.2.3.2 (explicit IV)";
        d.function = "16 fresh random bytes from the engine's random source, one per record";
        d.explain = explain;
        d.result = b;
        d.result_len = len;
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
    derived *cur = put_derived(w, key, b, len);
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
    dc.d.side = me;
    dc.d.name = what;
    dc.d.explain = explain;
    dc.d.result = b;
    dc.d.result_len = len;
    if (strcmp(what, "dh_x") == 0)
        derive_dh_x(&dc);
    else if (strcmp(what, "dh_y") == 0)
        derive_dh_y(&dc);
    else if (strcmp(what, "Z") == 0)
        derive_z(&dc);
    else if (strcmp(what, "pre_master_secret") == 0)
        derive_pre_master_secret(&dc);
    else if (strcmp(what, "session_hash") == 0)
        derive_session_hash(&dc);
    else if (strcmp(what, "master_secret") == 0)
        derive_master_secret(&dc);
    else if (strcmp(what, "key_block") == 0)
        derive_key_block(&dc);
    else if (strstr(what, "write_MAC_key") != NULL || strstr(what, "write_key") != NULL)
        derive_slice(&dc);
    else if (strncmp(what, "handshake_hash ", 15) == 0)
        derive_handshake_hash(&dc);
    else if (strcmp(what, "client verify_data") == 0 || strcmp(what, "server verify_data") == 0)
        derive_verify_data(&dc);
    else {
        dc.d.function = explain;
        dc.d.explain = NULL;
    }
    wk_derive(w->o, &dc.d);
    free(dc.re);
    free(dc.cmd);
    free(dc.list);
}
