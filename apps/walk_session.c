/*
 * walk_session.c — one glass connection between two engines in one process,
 * narrated message by message (see walk_session.h).
 *
 * Read in this order:
 *   walk_connection   makes a client and a server engine (protocol.h), starts
 *                     them and pumps the bytes from one to the other until
 *                     both are closed, playing the application: a chat message
 *                     each way, or the enrollment, then the close.
 *   on_trace          receives every trace event of both engines, in the
 *                     order they happen, and turns them into the narration:
 *                     "send X" -> the message, every field from the engine's
 *                     dissector; "derive X" -> the value with its inputs; the
 *                     protected records with their MAC and decryption.
 *   derive_*          for each derived value: the inputs, the function, and
 *                     an independent recomputation with the primitives
 *                     (sha/, hmac/, aes/, GMP) that must give the engine's
 *                     bytes, plus the `glass` command that does the same.
 *
 * Nothing here describes a field by hand: names and meanings come from
 * glass_dissect_*, values from the trace events, so the text cannot drift
 * from the bytes.  What is written here is the narration around them: what
 * each message is for, and how to recompute each value.
 *
 * CT: not relevant — this prints secrets on purpose (a classroom tool).
 */
#include "apps.h"
#include "walk_session.h"

#include "aes/aes.h"
#include "dh/dh.h"
#include "hmac/hmac.h"
#include "protocol/protocol.h"
#include "sha/sha256.h"

#include <gmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_MSGS    32
#define MAX_DERIVED 64
#define MAX_FIELDS  128

typedef struct stored {
    int from_client;
    char name[32];
    uint8_t *b;
    size_t len;
} stored;

typedef struct derived {
    char key[64];
    uint8_t *b;
    size_t len;
} derived;

typedef struct walk {
    wk_out *o;
    walk_pki *pki;
    const walk_opts *opts;
    stored msgs[MAX_MSGS];      /* handshake messages, in the order sent */
    size_t n_msgs;
    derived der[MAX_DERIVED];   /* every derived value, by key */
    size_t n_der;
    uint8_t client_random[32], server_random[32];
    uint64_t seq[2];            /* protected records sent: [0] client, [1] server */
    int pending_protected[2];   /* a record IV was just derived: the next record is protected */
    uint8_t *last_plain[2];     /* plaintext handed to the record layer last */
    size_t last_plain_len[2];
    uint8_t last_mac[2][32];
    int mismatches;             /* recomputations that disagreed with the engine */
    int chat_sent, chat_received, reply_received, enrolled;
    char *key_block_cmd;        /* the command that prints key_block, for its slices */
} walk;

typedef struct side {
    walk *w;
    int client;
} side;

static const char *side_name(int client)
{
    return client ? "client" : "server";
}

/* ---- small stores ------------------------------------------------------------ */

static derived *find_derived(walk *w, const char *key)
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

static void set_last_plain(walk *w, int client, const uint8_t *b, size_t len)
{
    int i = client ? 0 : 1;
    free(w->last_plain[i]);
    w->last_plain[i] = malloc(len > 0 ? len : 1);
    w->last_plain_len[i] = 0;
    if (w->last_plain[i] != NULL) {
        memcpy(w->last_plain[i], b, len);
        w->last_plain_len[i] = len;
    }
}

static char *hex_dup(const uint8_t *b, size_t len)
{
    char *s = malloc(2 * len + 1);
    if (s != NULL)
        glass_hex_encode(s, 2 * len + 1, b, len);
    return s;
}

/* The file a stored message is saved as: "msgs/03-Certificate.bin". */
static void msg_file(const walk *w, size_t i, char *out, size_t cap)
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
        msg_file(w, i, f, sizeof f);
        if (*list != NULL) {
            size_t n = strlen(*list);
            snprintf(*list + n, cap - n, "%s%s (%s, %zu bytes)", i > 0 ? " || " : "",
                     w->msgs[i].name, side_name(w->msgs[i].from_client), w->msgs[i].len);
        }
        if (*cmd != NULL) {
            size_t n = strlen(*cmd);
            snprintf(*cmd + n, cap - n, " %s", f);
        }
    }
    sha256_final(&c, hash);
    if (*cmd != NULL) {
        size_t n = strlen(*cmd);
        snprintf(*cmd + n, cap - n, " | glass sha256   (files written by --save %s)",
                 w->opts->save_dir != NULL ? w->opts->save_dir : "msgs");
    }
}

/* `glass kdf` line for PRF(secret, label, seed)[0..len). */
static char *kdf_command(const uint8_t *secret, size_t secret_len, const char *label,
                         const uint8_t *seed1, size_t seed1_len, const uint8_t *seed2,
                         size_t seed2_len, size_t len)
{
    char *hs = hex_dup(secret, secret_len), *h1 = hex_dup(seed1, seed1_len);
    char *h2 = seed2 != NULL ? hex_dup(seed2, seed2_len) : NULL;
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
    char *b = base != NULL ? hex_dup(base, base_len) : mpz_get_str(NULL, 16, G->g);
    char *xs = hex_dup(x, x_len);
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

/* ---- dissection into a list of fields ---------------------------------------- */

typedef struct field_rec {
    size_t off, len;
    char *field, *meaning;
} field_rec;

typedef struct fields {
    field_rec v[MAX_FIELDS];
    size_t n;
    int have_head;
    char *head_name, *head_meaning;
} fields;

static char *str_dup(const char *s)
{
    size_t n = strlen(s != NULL ? s : "");
    char *d = malloc(n + 1);
    if (d != NULL)
        memcpy(d, s != NULL ? s : "", n + 1);
    return d;
}

static void collect(void *arg, size_t offset, size_t len, const char *field, const char *meaning)
{
    fields *fs = arg;
    /* The first call covers the whole message: its name and TLS counterpart. */
    if (!fs->have_head) {
        fs->have_head = 1;
        fs->head_name = str_dup(field);
        fs->head_meaning = str_dup(meaning);
        return;
    }
    if (fs->n >= MAX_FIELDS)
        return;
    field_rec *r = &fs->v[fs->n++];
    r->off = offset;
    r->len = len;
    r->field = str_dup(field);
    r->meaning = str_dup(meaning);
}

static void fields_free(fields *fs)
{
    for (size_t i = 0; i < fs->n; i++) {
        free(fs->v[i].field);
        free(fs->v[i].meaning);
    }
    free(fs->head_name);
    free(fs->head_meaning);
    memset(fs, 0, sizeof *fs);
}

/* Emits a dissected message: the header line, then every field. */
static void emit_message(walk *w, int from_client, const char *kind, const char *name,
                         const char *purpose, const uint8_t *b, size_t len, fields *fs,
                         glass_err derr)
{
    wk_message_begin(w->o, from_client, kind, name, purpose,
                     fs->head_meaning != NULL ? fs->head_meaning : "", b, len);
    for (size_t i = 0; i < fs->n; i++) {
        const field_rec *r = &fs->v[i];
        if (r->off > len || r->len > len - r->off)
            continue;
        wk_field(w->o, r->off, b + r->off, r->len, r->field, r->meaning);
    }
    wk_message_end(w->o);
    if (derr != GLASS_OK) {
        char line[160];
        snprintf(line, sizeof line, "the dissector stopped: %s", glass_strerror(derr));
        wk_note(w->o, side_name(from_client), "error", line);
        w->mismatches++;
    }
}

/* What each message is for (the narration; the fields come from the dissector). */
static const char *purpose_of(const char *name, int from_client)
{
    static const struct {
        const char *name;
        const char *text;
    } table[] = {
        {"ClientHello", "the client opens the handshake: a fresh 32-byte random, the cipher "
                        "suite and the Diffie-Hellman groups it accepts"},
        {"ServerHello", "the server answers with its own random and the suite and group it chose"},
        {"ServerKeyExchange",
         "the server's ephemeral DH public value g^y, signed with its certificate key over both "
         "randoms and the group: a man in the middle cannot swap it or replay an old one"},
        {"CertificateRequest", "the server asks the client to prove who it is with a certificate "
                               "issued by the CA the server trusts"},
        {"ServerHelloDone", "the server has said everything it had to say: the client's turn"},
        {"ClientKeyExchange", "the client's ephemeral DH public value g^x: from now on both sides "
                              "can compute the shared secret Z, nobody else can"},
        {"CertificateVerify", "the client proves it holds the private key of its certificate: an "
                              "RSA signature over the hash of the handshake so far"},
        {"Finished", "the first protected message: a PRF over the hash of the whole handshake, "
                     "proving that both sides saw the same messages and hold the same keys"},
        {"EnrollRequest", "the client asks the CA for a certificate: the name it wants, a PKCS#10 "
                          "request signed with its new key, and the one-time enrollment code"},
        {"EnrollResponse", "the CA's answer: the signed certificate, or the reason for refusing"},
    };
    if (strcmp(name, "Certificate") == 0)
        return from_client ? "the client's certificate, signed by the CA (empty when the client "
                             "has none yet and is enrolling)"
                           : "the server's certificate chain: the client learns the server's RSA "
                             "public key and checks it was issued by the CA it trusts, for the "
                             "name it wanted (localhost)";
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
        if (strcmp(table[i].name, name) == 0)
            return table[i].text;
    return "";
}

/* ---- derivations --------------------------------------------------------------- */

static void add_input(wk_derivation *d, const char *name, const uint8_t *b, size_t len)
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

static int check_equal(walk *w, const uint8_t *a, size_t alen, const uint8_t *b, size_t blen)
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

static void on_derive(walk *w, int client, const char *what, const char *explain,
                      const uint8_t *b, size_t len)
{
    const char *me = side_name(client);
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
    derived *prev = find_derived(w, key);
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

    wk_derivation d;
    memset(&d, 0, sizeof d);
    d.side = me;
    d.name = what;
    d.explain = explain;
    d.result = b;
    d.result_len = len;
    uint8_t *re = NULL;         /* the recomputation, freed at the end */
    char *cmd = NULL, *list = NULL;
    const dh_group *G = NULL;

    if (strcmp(what, "dh_x") == 0) {
        d.cite = "SP 800-56A §5.6.1.1.4";
        d.function = "a random integer in [1, q-1], the ephemeral private key (never sent)";
    } else if (strcmp(what, "dh_y") == 0) {
        char k2[64];
        snprintf(k2, sizeof k2, "%s dh_x", me);
        derived *x = find_derived(w, k2);
        G = group_for(len);
        d.cite = "SP 800-56A §5.6.1.1.4; the group is RFC 7919's";
        d.function = "g^x mod p";
        add_text(&d, "g, p", G != NULL ? G->name : "?");
        if (x != NULL && G != NULL && len == G->p_len) {
            add_input(&d, "x", x->b, x->len);
            re = malloc(G->p_len);
            if (re != NULL) {
                modexp(NULL, 0, G->g, x->b, x->len, G, re);
                d.check = check_equal(w, re, G->p_len, b, len);
                d.check_how = "mpz_powm(g, x, p)";
            }
            cmd = modexp_command(NULL, 0, x->b, x->len, G);
            d.command = cmd;
        }
    } else if (strcmp(what, "Z") == 0) {
        char kx[64], ky[64];
        snprintf(kx, sizeof kx, "%s dh_x", me);
        snprintf(ky, sizeof ky, "%s dh_y", side_name(!client));
        derived *x = find_derived(w, kx), *Y = find_derived(w, ky);
        G = group_for(len);
        d.cite = "SP 800-56A §5.7.1.1";
        d.function = "Y_peer^x mod p (the peer's public value to our private exponent)";
        if (x != NULL && Y != NULL && G != NULL && len == G->p_len) {
            add_input(&d, "Y_peer", Y->b, Y->len);
            add_input(&d, "x", x->b, x->len);
            re = malloc(G->p_len);
            if (re != NULL) {
                modexp(Y->b, Y->len, G->g, x->b, x->len, G, re);
                d.check = check_equal(w, re, G->p_len, b, len);
                d.check_how = "mpz_powm(Y_peer, x, p); the other side computes X_peer^y: the same";
            }
            cmd = modexp_command(Y->b, Y->len, x->b, x->len, G);
            d.command = cmd;
        }
    } else if (strcmp(what, "pre_master_secret") == 0) {
        derived *Z = find_derived(w, "Z");
        d.cite = "RFC 5246 §8.1.2";
        d.function = "Z with its leading zero bytes stripped";
        if (Z != NULL) {
            add_input(&d, "Z", Z->b, Z->len);
            size_t i = 0;
            while (i < Z->len && Z->b[i] == 0)
                i++;
            d.check = check_equal(w, Z->b + i, Z->len - i, b, len);
            d.check_how = "strip the zeros of Z";
        }
    } else if (strcmp(what, "session_hash") == 0) {
        uint8_t h[32];
        size_t end = msg_index(w, "ClientKeyExchange", 1);
        if (end < w->n_msgs)
            end++;
        d.cite = "RFC 7627 §3";
        d.function = "SHA-256(ClientHello || ... || ClientKeyExchange), the handshake so far";
        transcript_upto(w, end, h, &list, &cmd);
        add_text(&d, "messages", list);
        d.command = cmd;
        d.check = check_equal(w, h, 32, b, len);
        d.check_how = "sha256 over the messages shown above, in order";
    } else if (strcmp(what, "master_secret") == 0) {
        derived *pms = find_derived(w, "pre_master_secret"), *sh = find_derived(w, "session_hash");
        d.cite = "RFC 7627 §4 (extended master secret)";
        d.function = "PRF(pre_master_secret, \"extended master secret\", session_hash)[0..47]";
        if (pms != NULL && sh != NULL) {
            add_input(&d, "pre_master_secret", pms->b, pms->len);
            add_input(&d, "session_hash", sh->b, sh->len);
            re = malloc(48);
            if (re != NULL &&
                tls12_extended_master_secret(pms->b, pms->len, sh->b, sh->len, re) == GLASS_OK) {
                d.check = check_equal(w, re, 48, b, len);
                d.check_how = "tls12_extended_master_secret (hmac/tls12_prf.c)";
            }
            cmd = kdf_command(pms->b, pms->len, "extended master secret", sh->b, sh->len, NULL, 0,
                              48);
            d.command = cmd;
        }
    } else if (strcmp(what, "key_block") == 0) {
        derived *ms = find_derived(w, "master_secret");
        d.cite = "RFC 5246 §6.3";
        d.function = "PRF(master_secret, \"key expansion\", server_random + client_random)[0..127]";
        if (ms != NULL) {
            add_input(&d, "master_secret", ms->b, ms->len);
            add_input(&d, "server_random", w->server_random, 32);
            add_input(&d, "client_random", w->client_random, 32);
            re = malloc(len > 0 ? len : 1);
            if (re != NULL && ms->len == 48 &&
                tls12_key_block(ms->b, w->server_random, w->client_random, re, len) == GLASS_OK) {
                d.check = check_equal(w, re, len, b, len);
                d.check_how = "tls12_key_block (note the order: server random first)";
            }
            cmd = kdf_command(ms->b, ms->len, "key expansion", w->server_random, 32,
                              w->client_random, 32, len);
            d.command = cmd;
            free(w->key_block_cmd);
            w->key_block_cmd = str_dup(cmd);
        }
    } else if (strstr(what, "write_MAC_key") != NULL || strstr(what, "write_key") != NULL) {
        derived *kb = find_derived(w, "key_block");
        size_t off = strcmp(what, "client_write_MAC_key") == 0   ? 0
                     : strcmp(what, "server_write_MAC_key") == 0 ? 32
                     : strcmp(what, "client_write_key") == 0     ? 64
                                                                 : 96;
        d.cite = "RFC 5246 §6.3";
        d.function = explain;
        d.explain = NULL;
        if (kb != NULL && off + len <= kb->len) {
            add_text(&d, "key_block", "the 128 bytes above");
            d.check = check_equal(w, kb->b + off, len, b, len);
            d.check_how = "the slice of key_block";
            if (w->key_block_cmd != NULL) {
                size_t cap = strlen(w->key_block_cmd) + 64;
                cmd = malloc(cap);
                if (cmd != NULL)
                    snprintf(cmd, cap, "%s | tr -d ':\\n' | tr A-F a-f | cut -c%zu-%zu", w->key_block_cmd,
                             2 * off + 1, 2 * (off + len));
                d.command = cmd;
            }
        }
    } else if (strncmp(what, "handshake_hash ", 15) == 0) {
        const char *target = what + 15;
        size_t end;
        uint8_t h[32];
        if (strcmp(target, "CertificateVerify") == 0) {
            end = msg_index(w, "CertificateVerify", 1);
            d.cite = "RFC 5246 §7.4.8";
            d.function = "SHA-256 of the handshake messages before CertificateVerify";
        } else {
            end = msg_index(w, "Finished", strcmp(target, "client Finished") == 0);
            d.cite = "RFC 5246 §7.4.9";
            d.function = "SHA-256 of the handshake messages before this Finished";
        }
        transcript_upto(w, end, h, &list, &cmd);
        add_text(&d, "messages", list);
        d.command = cmd;
        d.check = check_equal(w, h, 32, b, len);
        d.check_how = "sha256 over the messages shown above, in order";
    } else if (strcmp(what, "client verify_data") == 0 || strcmp(what, "server verify_data") == 0) {
        int is_client = what[0] == 'c';
        derived *ms = find_derived(w, "master_secret");
        derived *hh = find_derived(w, is_client ? "handshake_hash client Finished"
                                                : "handshake_hash server Finished");
        const char *label = is_client ? "client finished" : "server finished";
        d.cite = "RFC 5246 §7.4.9";
        d.function = is_client ? "PRF(master_secret, \"client finished\", handshake_hash)[0..11]"
                               : "PRF(master_secret, \"server finished\", handshake_hash)[0..11]";
        if (ms != NULL && hh != NULL) {
            add_input(&d, "master_secret", ms->b, ms->len);
            add_input(&d, "handshake_hash", hh->b, hh->len);
            re = malloc(12);
            if (re != NULL && tls12_prf_sha256(ms->b, ms->len, label, hh->b, hh->len, re, 12) ==
                                  GLASS_OK) {
                d.check = check_equal(w, re, 12, b, len);
                d.check_how = "tls12_prf_sha256";
            }
            cmd = kdf_command(ms->b, ms->len, label, hh->b, hh->len, NULL, 0, 12);
            d.command = cmd;
        }
    } else {
        d.function = explain;
        d.explain = NULL;
    }
    wk_derive(w->o, &d);
    free(re);
    free(cmd);
    free(list);
}

/* A protected record: its fields, then its MAC and its decryption recomputed. */
static void on_protected_record(walk *w, int client, const uint8_t *rec, size_t len)
{
    fields fs;
    memset(&fs, 0, sizeof fs);
    glass_err derr = glass_dissect_record(rec, len, 1, collect, &fs);
    emit_message(w, client, "record", "protected record",
                 "what actually crosses the network: the record header, a fresh IV, the "
                 "AES-256-CBC ciphertext and the HMAC-SHA256 tag (encrypt-then-MAC, RFC 7366)",
                 rec, len, &fs, derr);
    fields_free(&fs);
    int i = client ? 0 : 1;
    size_t hdr = GLASS_RECORD_HEADER_LEN, ivl = GLASS_RECORD_IV_LEN, macl = GLASS_RECORD_MAC_LEN;
    if (len < hdr + ivl + 16 + macl)
        return;
    const uint8_t *iv = rec + hdr, *C = rec + hdr + ivl, *tag = rec + len - macl;
    size_t c_len = len - hdr - ivl - macl;
    derived *mk = find_derived(w, client ? "client_write_MAC_key" : "server_write_MAC_key");
    derived *ek = find_derived(w, client ? "client_write_key" : "server_write_key");
    char seqname[64];

    /* 1. The MAC (RFC 7366 §3): HMAC-SHA256(MAC_key, seq_num || type ||
     *    version || length || IV || C), length = |IV| + |C| (the MAC not
     *    counted). */
    uint8_t *in = malloc(8 + hdr + ivl + c_len);
    if (mk != NULL && in != NULL) {
        for (int k = 0; k < 8; k++)
            in[k] = (uint8_t)(w->seq[i] >> (56 - 8 * k));
        memcpy(in + 8, rec, 3);
        in[11] = (uint8_t)((ivl + c_len) >> 8);
        in[12] = (uint8_t)(ivl + c_len);
        memcpy(in + 8 + hdr, iv, ivl + c_len);
        size_t in_len = 8 + hdr + ivl + c_len;
        uint8_t mac[32];
        hmac_sha256(mk->b, mk->len, in, in_len, mac);
        wk_derivation d;
        memset(&d, 0, sizeof d);
        snprintf(seqname, sizeof seqname, "record MAC (seq_num %llu)", (unsigned long long)w->seq[i]);
        d.side = side_name(client);
        d.name = seqname;
        d.cite = "RFC 7366 §3; docs/PROTOCOL.md";
        d.function = "HMAC-SHA256(write_MAC_key, seq_num || type || version || length || IV || "
                     "ciphertext)";
        add_input(&d, client ? "client_write_MAC_key" : "server_write_MAC_key", mk->b, mk->len);
        add_input(&d, "MAC input", in, in_len);
        d.result = tag;
        d.result_len = macl;
        char *kh = hex_dup(mk->b, mk->len), *ih = hex_dup(in, in_len);
        size_t cap = 128 + 2 * (mk->len + in_len);
        char *cmd = malloc(cap);
        if (cmd != NULL && kh != NULL && ih != NULL) {
            snprintf(cmd, cap, "printf %s | xxd -r -p | glass hmac -k %s", ih, kh);
            d.command = cmd;
        }
        d.check = check_equal(w, mac, 32, tag, macl);
        d.check_how = "hmac_sha256 over the MAC input above; the tag is the record's last 32 bytes";
        wk_derive(w->o, &d);
        free(cmd);
        free(kh);
        free(ih);
    }
    free(in);

    /* 2. The decryption: AES-256-CBC^-1(write_key, IV, C) = plaintext || padding. */
    uint8_t *pt = malloc(c_len);
    aes256_ctx aes;
    if (ek != NULL && pt != NULL && aes256_init(&aes, ek->b, ek->len) == GLASS_OK) {
        aes256_cbc_decrypt(&aes, iv, C, c_len, pt);
        aes256_clear(&aes);
        wk_derivation d;
        memset(&d, 0, sizeof d);
        d.side = side_name(client);
        d.name = "plaintext || padding";
        d.cite = "SP 800-38A §6.2; padding as TLS (RFC 5246 §6.2.3.2)";
        d.function = "AES-256-CBC-Decrypt(write_key, IV, ciphertext)";
        add_input(&d, client ? "client_write_key" : "server_write_key", ek->b, ek->len);
        add_input(&d, "IV", iv, ivl);
        add_input(&d, "ciphertext", C, c_len);
        d.result = pt;
        d.result_len = c_len;
        char *kh = hex_dup(ek->b, ek->len), *vh = hex_dup(iv, ivl), *ch = hex_dup(C, c_len);
        size_t cap = 160 + 2 * (ek->len + ivl + c_len);
        char *cmd = malloc(cap);
        if (cmd != NULL && kh != NULL && vh != NULL && ch != NULL) {
            snprintf(cmd, cap, "printf %s | xxd -r -p | glass enc -d -aes-256-cbc -nopad -K %s -iv %s "
                     "| xxd -p", ch, kh, vh);
            d.command = cmd;
        }
        /* TLS padding: p bytes of value p, then p itself (RFC 5246 §6.2.3.2). */
        size_t pad = (size_t)pt[c_len - 1] + 1;
        if (pad <= 16 && pad <= c_len && w->last_plain[i] != NULL) {
            d.check = check_equal(w, pt, c_len - pad, w->last_plain[i], w->last_plain_len[i]);
            d.check_how = "the bytes before the padding are the message sent";
        }
        wk_derive(w->o, &d);
        free(cmd);
        free(kh);
        free(vh);
        free(ch);
    }
    free(pt);
    w->seq[i]++;
}

/* ---- the trace sink --------------------------------------------------------------- */

static int is_handshake_name(const char *n)
{
    static const char *const names[] = {"ClientHello", "ServerHello", "Certificate",
                                        "ServerKeyExchange", "CertificateRequest",
                                        "ServerHelloDone", "ClientKeyExchange",
                                        "CertificateVerify", "Finished", "EnrollRequest",
                                        "EnrollResponse", NULL};
    for (size_t i = 0; names[i] != NULL; i++)
        if (strcmp(names[i], n) == 0)
            return 1;
    return 0;
}

static void on_trace(void *arg, const char *name, const char *explain, const uint8_t *bytes,
                     size_t len)
{
    side *s = arg;
    walk *w = s->w;
    const char *me = side_name(s->client);
    char line[256];
    if (name == NULL)
        return;
    if (strcmp(name, "state") == 0) {
        snprintf(line, sizeof line, "engine state -> %s", explain != NULL ? explain : "?");
        wk_note(w->o, me, "state", line);
    } else if (strncmp(name, "send ", 5) == 0) {
        const char *what = name + 5;
        if (strcmp(what, "record") == 0) {
            int i = s->client ? 0 : 1;
            if (w->pending_protected[i]) {
                w->pending_protected[i] = 0;
                on_protected_record(w, s->client, bytes, len);
            } else if (len >= GLASS_RECORD_HEADER_LEN) {
                snprintf(line, sizeof line,
                         "the message goes out in a plaintext record: header %02x %02x%02x "
                         "%02x%02x (type %u, version, length %zu); no keys yet",
                         bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[0],
                         len - GLASS_RECORD_HEADER_LEN);
                wk_note(w->o, me, "record", line);
            }
        } else if (strcmp(what, "Alert") == 0) {
            set_last_plain(w, s->client, bytes, len);
            snprintf(line, sizeof line, "sends the alert %s", explain != NULL ? explain : "?");
            wk_note(w->o, me, "alert", line);
        } else if (strcmp(what, "application_data") == 0) {
            fields fs;
            memset(&fs, 0, sizeof fs);
            set_last_plain(w, s->client, bytes, len);
            glass_err derr = glass_dissect_app(bytes, len, collect, &fs);
            emit_message(w, s->client, "application message", fs.head_name != NULL ? fs.head_name
                                                                                  : "application data",
                         "a chat message in the application's own format; it travels inside "
                         "the protected record that follows",
                         bytes, len, &fs, derr);
            fields_free(&fs);
        } else if (is_handshake_name(what)) {
            set_last_plain(w, s->client, bytes, len);
            if (w->n_msgs < MAX_MSGS) {
                stored *m = &w->msgs[w->n_msgs];
                m->b = malloc(len > 0 ? len : 1);
                if (m->b != NULL) {
                    memcpy(m->b, bytes, len);
                    m->len = len;
                    m->from_client = s->client;
                    snprintf(m->name, sizeof m->name, "%s", what);
                    w->n_msgs++;
                    if (w->opts->save_dir != NULL) {
                        char f[300];
                        msg_file(w, w->n_msgs - 1, f, sizeof f);
                        glass_write_file_atomic(f, bytes, len, 0644);
                    }
                }
            }
            fields fs;
            memset(&fs, 0, sizeof fs);
            glass_err derr = glass_dissect_handshake(bytes, len, collect, &fs);
            for (size_t i = 0; i < fs.n; i++) {
                if (fs.v[i].len == 32 && fs.v[i].off + 32 <= len &&
                    strcmp(fs.v[i].field, "ClientHello.random") == 0)
                    memcpy(w->client_random, bytes + fs.v[i].off, 32);
                if (fs.v[i].len == 32 && fs.v[i].off + 32 <= len &&
                    strcmp(fs.v[i].field, "ServerHello.random") == 0)
                    memcpy(w->server_random, bytes + fs.v[i].off, 32);
            }
            emit_message(w, s->client, "handshake message", what, purpose_of(what, s->client),
                         bytes, len, &fs, derr);
            fields_free(&fs);
        }
    } else if (strncmp(name, "recv ", 5) == 0) {
        if (strcmp(name + 5, "Alert") == 0) {
            snprintf(line, sizeof line, "receives the alert %s", explain != NULL ? explain : "?");
            wk_note(w->o, me, "alert", line);
        }
        /* Other receptions mirror a "send" already narrated. */
    } else if (strncmp(name, "derive ", 7) == 0) {
        on_derive(w, s->client, name + 7, explain, bytes, len);
    } else if (strncmp(name, "check ", 6) == 0) {
        snprintf(line, sizeof line, "%s: %s", name + 6, explain != NULL ? explain : "");
        wk_note(w->o, me, "check", line);
    }
}

/* ---- the connection ------------------------------------------------------------------ */

/* Moves every waiting byte from one engine to the other; 1 if any moved. */
static int pump(walk *w, glass_engine *from, glass_engine *to, int from_client)
{
    const uint8_t *p;
    size_t n;
    glass_engine_output(from, &p, &n);
    if (n == 0)
        return 0;
    glass_err err = glass_engine_feed(to, p, n);
    glass_engine_consume_output(from, n);
    if (err != GLASS_OK && err != GLASS_ERR_PROTO_CLOSED) {
        char line[200];
        snprintf(line, sizeof line, "rejects what it received: %s", glass_strerror(err));
        wk_note(w->o, side_name(!from_client), "error", line);
    }
    return 1;
}

static const char chat_to_bob[] = "Hello Bob, this is Alice. Can you see this?";
static const char chat_from_bob[] = "Hi Alice! Loud and clear.";
static const uint8_t enroll_code[] = "WALK-2026-0001";

static void client_event(walk *w, glass_engine *c, const glass_event *ev, walk_pki *p)
{
    char line[400];
    switch (ev->type) {
    case GLASS_EV_HANDSHAKE_DONE:
        snprintf(line, sizeof line, "handshake done: talking to \"%s\"%s", ev->peer_name,
                 ev->authenticated ? ", whose certificate checked out" : "");
        wk_note(w->o, "client", "event", line);
        if (w->opts->enroll) {
            uint8_t *csr = NULL;
            size_t csr_len = 0;
            if (csr_create(&p->client_key, "/O=glasstls/CN=alice", &csr, &csr_len) == GLASS_OK) {
                wk_section(w->o, "Enrollment",
                           "The channel is encrypted and the server is authenticated, but the "
                           "client has no certificate yet. It sends its name, a PKCS#10 request "
                           "signed with its new key, and the one-time code the CA operator gave "
                           "it.");
                glass_engine_enroll(c, "alice", csr, csr_len, enroll_code, sizeof enroll_code - 1);
            }
            free(csr);
        } else {
            uint8_t msg[256];
            size_t n = 0;
            wk_section(w->o, "Chat",
                       "Both sides are authenticated and hold the same keys. Alice asks the "
                       "server to relay a message to Bob; each message is one protected record.");
            if (glass_app_encode_send_to(msg, sizeof msg, &n, "bob", (const uint8_t *)chat_to_bob,
                                         sizeof chat_to_bob - 1) == GLASS_OK &&
                glass_engine_send_app(c, msg, n) == GLASS_OK)
                w->chat_sent = 1;
        }
        break;
    case GLASS_EV_APP_MESSAGE: {
        glass_app_msg m;
        if (glass_app_decode(ev->data, ev->len, &m) == GLASS_OK && m.type == GLASS_APP_DELIVER) {
            snprintf(line, sizeof line, "shows: <%.*s> %.*s", (int)m.name_len,
                     (const char *)m.name, (int)m.text_len, (const char *)m.text);
            w->reply_received = 1;
        } else {
            snprintf(line, sizeof line, "received an application message of %zu bytes", ev->len);
        }
        wk_note(w->o, "client", "event", line);
        wk_section(w->o, "Close",
                   "Alice is done. close_notify is an alert, protected like any record, so "
                   "nobody can cut the connection short and make it look like a clean end.");
        glass_engine_close(c);
        break;
    }
    case GLASS_EV_ENROLL_RESULT:
        if (ev->enroll_ok) {
            uint8_t *copy = malloc(ev->len);
            if (copy != NULL) {
                memcpy(copy, ev->data, ev->len);
                free(p->client_der);
                p->client_der = copy;
                p->client_len = ev->len;
                p->have_client = 1;
                w->enrolled = 1;
            }
            snprintf(line, sizeof line, "enrolled: received its certificate (%zu bytes DER)",
                     ev->len);
        } else {
            snprintf(line, sizeof line, "enrollment refused: %.*s", (int)ev->len,
                     (const char *)ev->data);
        }
        wk_note(w->o, "client", "event", line);
        break;
    case GLASS_EV_ALERT_SENT:
    case GLASS_EV_ALERT_RECEIVED:
        break;      /* narrated from the trace */
    case GLASS_EV_CLOSED:
        snprintf(line, sizeof line, "connection closed (%s)",
                 ev->err == GLASS_OK ? "cleanly" : glass_strerror(ev->err));
        wk_note(w->o, "client", "event", line);
        break;
    default:
        break;
    }
}

static void server_event(walk *w, glass_engine *s, const glass_event *ev, walk_pki *p)
{
    char line[400];
    switch (ev->type) {
    case GLASS_EV_HANDSHAKE_DONE:
        snprintf(line, sizeof line, "handshake done: client \"%s\" %s", ev->peer_name,
                 ev->authenticated ? "authenticated by its certificate" : "(no certificate: may only enroll)");
        wk_note(w->o, "server", "event", line);
        break;
    case GLASS_EV_APP_MESSAGE: {
        glass_app_msg m;
        uint8_t out[256];
        size_t n = 0;
        if (glass_app_decode(ev->data, ev->len, &m) == GLASS_OK && m.type == GLASS_APP_SEND_TO) {
            snprintf(line, sizeof line, "relays \"%.*s\" to %.*s; Bob answers", (int)m.text_len,
                     (const char *)m.text, (int)m.name_len, (const char *)m.name);
            w->chat_received = 1;
            wk_note(w->o, "server", "event", line);
            if (glass_app_encode_deliver(out, sizeof out, &n, "bob", (const uint8_t *)chat_from_bob,
                                         sizeof chat_from_bob - 1) == GLASS_OK)
                glass_engine_send_app(s, out, n);
        }
        break;
    }
    case GLASS_EV_ENROLL_REQUEST: {
        uint8_t *cert = NULL;
        size_t cert_len = 0;
        int code_ok = ev->code_len == sizeof enroll_code - 1 &&
                      glass_ct_equal(ev->code, enroll_code, ev->code_len);
        snprintf(line, sizeof line, "enrollment request for \"%s\": code %s", ev->peer_name,
                 code_ok ? "valid" : "WRONG");
        wk_note(w->o, "server", "check", line);
        if (code_ok && walk_pki_enroll(p, ev->data, ev->len, &cert, &cert_len) == GLASS_OK) {
            wk_note(w->o, "ca", "event", "signs the request: a client certificate for alice");
            glass_engine_enroll_reply(s, cert, cert_len);
        } else {
            glass_engine_enroll_refuse(s, "enrollment refused");
        }
        free(cert);
        break;
    }
    case GLASS_EV_CLOSED:
        snprintf(line, sizeof line, "connection closed (%s)",
                 ev->err == GLASS_OK ? "cleanly" : glass_strerror(ev->err));
        wk_note(w->o, "server", "event", line);
        break;
    default:
        break;
    }
}

/* Hands every pending event of both engines to the application; 1 if any. */
static int drain(walk *w, glass_engine *c, glass_engine *s, walk_pki *p)
{
    int any = 0;
    glass_event ev;
    while (glass_engine_next_event(s, &ev)) {
        server_event(w, s, &ev, p);
        any = 1;
    }
    while (glass_engine_next_event(c, &ev)) {
        client_event(w, c, &ev, p);
        any = 1;
    }
    return any;
}

/* See walk_session.h. */
int walk_connection(wk_out *o, walk_pki *p, const walk_opts *opts)
{
    walk w;
    memset(&w, 0, sizeof w);
    w.o = o;
    w.pki = p;
    w.opts = opts;
    side cs = {&w, 1}, ss = {&w, 0};
    glass_tracer tc = {on_trace, &cs}, ts = {on_trace, &ss};
    glass_drbg dc, ds;
    const uint8_t *ca_der;
    size_t ca_len;
    walk_pki_ca_der(p, &ca_der, &ca_len);
    glass_blob anchor = {ca_der, ca_len};
    glass_blob schain = {p->server_der, p->server_len};
    glass_blob cchain = {p->client_der, p->client_len};
    glass_config cc, sc;
    memset(&cc, 0, sizeof cc);
    memset(&sc, 0, sizeof sc);
    cc.role = GLASS_ROLE_CLIENT;
    cc.now = p->now;
    cc.anchors = &anchor;
    cc.n_anchors = 1;
    if (!opts->enroll) {
        cc.chain = &cchain;
        cc.n_chain = 1;
        cc.key = &p->client_key;
    }
    cc.server_name = "localhost";
    cc.trace = &tc;
    sc.role = GLASS_ROLE_SERVER;
    sc.now = p->now;
    sc.anchors = &anchor;
    sc.n_anchors = 1;
    sc.chain = &schain;
    sc.n_chain = 1;
    sc.key = &p->server_key;
    sc.allow_enroll = opts->enroll;
    sc.trace = &ts;
    if (opts->seeded) {
        /* Each engine its own reproducible stream (protocol.h). */
        glass_drbg_init(&dc, opts->seed, 2 * opts->connection_no);
        glass_drbg_init(&ds, opts->seed, 2 * opts->connection_no + 1);
        cc.random = glass_random_from_drbg;
        cc.random_arg = &dc;
        sc.random = glass_random_from_drbg;
        sc.random_arg = &ds;
    }

    glass_engine *c = NULL, *s = NULL;
    glass_err err = glass_engine_new(&c, &cc);
    if (err == GLASS_OK)
        err = glass_engine_new(&s, &sc);
    if (err == GLASS_OK)
        err = glass_engine_start(s);
    if (err == GLASS_OK)
        err = glass_engine_start(c);
    if (err != GLASS_OK) {
        char line[200];
        snprintf(line, sizeof line, "could not start the engines: %s", glass_strerror(err));
        wk_note(o, "", "error", line);
        glass_engine_free(c);
        glass_engine_free(s);
        return 1;
    }

    /* Pump until nothing moves (bounded: a handshake is a dozen flights).
     * Events are taken right after the bytes that caused them, so the
     * narration keeps the order in which things happen. */
    for (int round = 0; round < 200; round++) {
        int moved = pump(&w, c, s, 1);
        moved |= drain(&w, c, s, p);
        moved |= pump(&w, s, c, 0);
        moved |= drain(&w, c, s, p);
        if (!moved)
            break;
    }

    int ok = glass_engine_state(c) == GLASS_STATE_CLOSED &&
             glass_engine_state(s) == GLASS_STATE_CLOSED && glass_engine_error(c) == GLASS_OK &&
             glass_engine_error(s) == GLASS_OK && w.mismatches == 0 &&
             (opts->enroll ? w.enrolled : (w.chat_received && w.reply_received));
    glass_engine_free(c);
    glass_engine_free(s);
    for (size_t i = 0; i < w.n_msgs; i++)
        free(w.msgs[i].b);
    for (size_t i = 0; i < w.n_der; i++) {
        glass_wipe(w.der[i].b, w.der[i].len);
        free(w.der[i].b);
    }
    free(w.last_plain[0]);
    free(w.last_plain[1]);
    free(w.key_block_cmd);
    return ok ? 0 : 1;
}
