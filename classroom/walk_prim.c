/*
 * walk_prim.c — `glass walkthrough --primitive rsa|dh`: one RSA signature and
 * one Diffie–Hellman agreement, each step shown with its inputs and checked.
 *
 * RSA (RFC 8017): the key in the CRT form of §3.2, the hash, the encoding
 * EM of §9.2, then the private operation as rsa/rsa.c performs it, read from
 * the key's trace events (rsa_private_key.trace): the blinding r^e, the two
 * CRT halves m1 and m2 of §5.1.2 step 2.b, Garner's recombination h, the
 * unblinded signature s and the check s^e = m.  Each value is recomputed
 * here with plain GMP arithmetic, the slow textbook way (m^d mod n), and must
 * agree.
 *
 * DH (SP 800-56A Rev. 3, RFC 7919 ffdhe2048): first the textbook example with
 * p = 23, g = 5 that fits on a blackboard, then the real group: two key
 * pairs, the full public-key validation of SP 800-56A §5.6.2.3.1, the two shared
 * secrets Z (equal), and the TLS form without leading zeros.
 *
 * Each checked value also comes with a python3 line (and, where OpenSSL
 * can, an openssl command) that recomputes it from the files --save DIR
 * writes: p.bin, q.bin, d.bin, n.bin, ..., key.pem, pub.pem for RSA;
 * ffdhe2048_p.bin, alice_x.bin, bob_y.bin, ... for DH.
 *
 * CT: not relevant — a classroom display of secrets.
 */
#include "io/io.h"
#include "classroom/walk_internal.h"

#include "asn1/asn1.h"
#include "ca/ca.h"

#include "dh/dh.h"
#include "sha/sha256.h"

#include <gmp.h>
#include <stdlib.h>
#include <string.h>

#define MAX_EVENTS 16

/* Where the narration goes, and the --save directory (NULL: none). */
typedef struct prim {
    wk_out *o;
    const char *dir;
} prim;

/* With --save, DIR/name holds b[0..len). */
static void save_bytes(const prim *pr, const char *name, const uint8_t *b, size_t len)
{
    char path[600];
    if (pr->dir == NULL)
        return;
    snprintf(path, sizeof path, "%s/%s", pr->dir, name);
    if (glass_write_file_atomic(path, b, len, 0644) != GLASS_OK)
        wk_note(pr->o, "", "error", "--save: a file could not be written");
}

typedef struct captured {
    char name[32];
    char explain[160];
    uint8_t *b;
    size_t len;
} captured;

typedef struct capture {
    captured ev[MAX_EVENTS];
    size_t n;
} capture;

static void capture_fn(void *arg, const char *name, const char *explain, const uint8_t *bytes,
                       size_t len)
{
    capture *c = arg;
    if (c->n >= MAX_EVENTS)
        return;
    captured *e = &c->ev[c->n];
    e->b = malloc(len > 0 ? len : 1);
    if (e->b == NULL)
        return;
    memcpy(e->b, bytes, len);
    e->len = len;
    snprintf(e->name, sizeof e->name, "%s", name != NULL ? name : "?");
    snprintf(e->explain, sizeof e->explain, "%s", explain != NULL ? explain : "");
    c->n++;
}

static const captured *find(const capture *c, const char *name)
{
    for (size_t i = 0; i < c->n; i++)
        if (strcmp(c->ev[i].name, name) == 0)
            return &c->ev[i];
    return NULL;
}

/* x as big-endian bytes: len bytes (0: its own length); malloc'd. */
static uint8_t *mpz_bytes(const mpz_t x, size_t len, size_t *out_len)
{
    size_t n = (mpz_sizeinbase(x, 2) + 7) / 8;
    if (mpz_sgn(x) == 0)
        n = 1;
    if (len == 0)
        len = n;
    uint8_t *b = calloc(len > 0 ? len : 1, 1);
    if (b != NULL && n <= len && mpz_sgn(x) != 0)
        mpz_export(b + len - n, NULL, 1, 1, 1, 0, x);
    *out_len = len;
    return b;
}

/* Emits one derivation whose result is x (len bytes; 0: its own length),
 * recomputed as `re`; with --save, x is saved as file (NULL: not saved).
 * py: a python3 expression of x over numbers read by r('FILE') (NULL:
 * none); command: one more command that prints x (NULL: none). */
static int show(const prim *pr, const char *side, const char *name, const char *cite,
                const char *function, const char *explain, const mpz_t x, size_t len,
                const mpz_t re, const char *how, const char *file, const char *py,
                const char *command, wk_input *in, size_t n_in)
{
    wk_out *o = pr->o;
    wk_derivation d;
    size_t rl = 0;
    uint8_t *r = mpz_bytes(x, len, &rl);
    if (file != NULL && r != NULL)
        save_bytes(pr, file, r, rl);
    wk_derivation_init(&d, side, name, cite, function, r, rl);
    d.explain = explain;
    for (size_t i = 0; i < n_in && i < WK_MAX_INPUTS; i++)
        d.inputs[d.n_inputs++] = in[i];
    if (py != NULL)
        walk_command(&d, NULL, "python3 -c \"r=lambda f: int.from_bytes(open(f,'rb').read(),'big');"
                     "\nprint('%%0%zux' %% (%s))\"", 2 * rl, py);
    if (command != NULL)
        walk_command(&d, NULL, "%s", command);
    int bad = 0;
    if (re != NULL) {
        d.check = mpz_cmp(x, re) == 0 ? 1 : -1;
        d.check_how = how;
        bad = d.check < 0;
    }
    wk_derive(o, &d);
    walk_commands_free(&d);
    free(r);
    return bad;
}

/* How to check the numbers that follow with other tools. */
static void check_yourself(wk_out *o)
{
    wk_section(o, "Check it yourself",
               "The lines that start with \"$ \" are commands that recompute a value with other "
               "tools (python3, openssl): run this walkthrough again with --save DIR (and the "
               "same --seed), cd DIR, and paste them into bash: each prints the value shown "
               "above it.");
}

/* ---- RSA ------------------------------------------------------------------------ */

/* n, dP, dQ and qInv of a fresh key, each recomputed from p, q and d
 * (RFC 8017 §3.2).  Returns 1 if a recomputation differs. */
static int show_rsa_key(const prim *pr, const rsa_private_key *k)
{
    wk_input in[2];
    size_t lp = 0, lq = 0;
    int bad = 0;
    mpz_t re, t;
    mpz_inits(re, t, NULL);
    uint8_t *pb = mpz_bytes(k->p, 0, &lp), *qb = mpz_bytes(k->q, 0, &lq);
    in[0] = (wk_input){"p", pb, lp, NULL};
    in[1] = (wk_input){"q", qb, lq, NULL};
    save_bytes(pr, "p.bin", pb, lp);
    save_bytes(pr, "q.bin", qb, lq);
    size_t ld = 0;
    uint8_t *db = mpz_bytes(k->d, 0, &ld);
    if (db != NULL)
        save_bytes(pr, "d.bin", db, ld);
    free(db);
    mpz_mul(re, k->p, k->q);
    bad |= show(pr, "signer", "n", "RFC 8017 §3.1", "p * q", "the public modulus", k->n, k->k,
                re, "mpz_mul(p, q)", "n.bin", "r('p.bin') * r('q.bin')", NULL, in, 2);
    mpz_sub_ui(t, k->p, 1);
    mpz_mod(re, k->d, t);
    bad |= show(pr, "signer", "dP", "RFC 8017 §3.2", "d mod (p-1)", NULL, k->dP, 0, re,
                "mpz_mod(d, p-1)", "dP.bin", "r('d.bin') % (r('p.bin') - 1)", NULL, in, 1);
    mpz_sub_ui(t, k->q, 1);
    mpz_mod(re, k->d, t);
    bad |= show(pr, "signer", "dQ", "RFC 8017 §3.2", "d mod (q-1)", NULL, k->dQ, 0, re,
                "mpz_mod(d, q-1)", "dQ.bin", "r('d.bin') % (r('q.bin') - 1)", NULL, in + 1, 1);
    mpz_invert(re, k->q, k->p);
    bad |= show(pr, "signer", "qInv", "RFC 8017 §3.2", "q^-1 mod p", NULL, k->qInv, 0, re,
                "mpz_invert(q, p)", "qInv.bin", "pow(r('q.bin'), -1, r('p.bin'))", NULL, in, 2);
    free(pb);
    free(qb);
    mpz_clears(re, t, NULL);
    return bad;
}

/* One CRT half (RFC 8017 §5.1.2 2.b.i): m1 = (m * r^e)^dP mod p (half 1)
 * or m2 = (m * r^e)^dQ mod q (half 2), as the trace event c gave it (into
 * v), recomputed from mb = m * r^e mod n.  1 if they differ. */
static int show_crt_half(const prim *pr, int half, const rsa_private_key *k, const mpz_t mb,
                         const captured *c, mpz_t v)
{
    mpz_srcptr P = half == 1 ? k->p : k->q, D = half == 1 ? k->dP : k->dQ;
    char name[4], file[8], py[128];
    snprintf(name, sizeof name, "m%d", half);
    snprintf(file, sizeof file, "m%d.bin", half);
    snprintf(py, sizeof py, "pow(r('EM.bin') * r('blinding.bin') %% r('n.bin'),\nr('%s.bin'), "
             "r('%s.bin'))", half == 1 ? "dP" : "dQ", half == 1 ? "p" : "q");
    mpz_t re;
    mpz_init(re);
    mpz_mod(re, mb, P);
    mpz_powm(re, re, D, P);
    mpz_import(v, c->len, 1, 1, 1, 0, c->b);
    int bad = show(pr, "signer", name, "RFC 8017 §5.1.2 2.b.i",
                   half == 1 ? "(m * r^e)^dP mod p" : "(m * r^e)^dQ mod q", c->explain, v, 0, re,
                   "mpz_powm here (the library used mpz_powm_sec)", file, py, NULL, NULL, 0);
    mpz_clear(re);
    return bad;
}

/* The private operation as rsa/rsa.c ran it, from its trace events
 * (steps: blinding, m1, m2, h, s, check), each recomputed here (RFC 8017
 * §5.1.2 2.b, §5.2.2).  Returns 1 if a recomputation differs. */
static int show_rsa_private_op(const prim *pr, const rsa_private_key *k, const mpz_t m,
                               const captured *const steps[6])
{
    const captured *cA = steps[0], *c1 = steps[1], *c2 = steps[2], *ch = steps[3],
                   *cs = steps[4], *cc = steps[5];
    size_t kb = k->k;
    int bad = 0;
    mpz_t re, t, s;
    mpz_inits(re, t, s, NULL);
    mpz_t A, mb, v1, v2, vh;
    mpz_inits(A, mb, v1, v2, vh, NULL);
    mpz_import(A, cA->len, 1, 1, 1, 0, cA->b);
    show(pr, "signer", "r^e mod n", "blinding (Kocher 1996)", "r^e mod n for a fresh random r",
         cA->explain, A, kb, NULL, NULL, "blinding.bin", NULL, NULL, NULL, 0);
    mpz_mul(mb, m, A);
    mpz_mod(mb, mb, k->n);
    bad |= show_crt_half(pr, 1, k, mb, c1, v1);
    bad |= show_crt_half(pr, 2, k, mb, c2, v2);
    mpz_sub(re, v1, v2);
    mpz_mul(re, re, k->qInv);
    mpz_mod(re, re, k->p);
    mpz_import(vh, ch->len, 1, 1, 1, 0, ch->b);
    bad |= show(pr, "signer", "h", "RFC 8017 §5.1.2 2.b.iii", "(m1 - m2) * qInv mod p",
                ch->explain, vh, 0, re, "from m1, m2 above", "h.bin",
                "(r('m1.bin') - r('m2.bin')) * r('qInv.bin') % r('p.bin')", NULL, NULL, 0);
    mpz_import(s, cs->len, 1, 1, 1, 0, cs->b);
    mpz_powm(re, m, k->d, k->n);
    bad |= show(pr, "signer", "s", "RFC 8017 §5.1.2 2.b.iv", "(m2 + q * h) * r^-1 mod n",
                cs->explain, s, kb, re, "the textbook way, m^d mod n with the full d: the same "
                "number", "s.bin", "pow(r('EM.bin'), r('d.bin'), r('n.bin'))",
                "printf %s 'glass walkthrough: sign me' | openssl dgst -sha256 -sign key.pem "
                "| xxd -p -c 32", NULL, 0);
    mpz_import(t, cc->len, 1, 1, 1, 0, cc->b);
    char py[96];
    gmp_snprintf(py, sizeof py, "pow(r('s.bin'), %Zd, r('n.bin'))", k->e);
    bad |= show(pr, "signer", "s^e mod n", "RFC 8017 §5.2.2 (RSAVP1)", "s^e mod n, must equal m",
                cc->explain, t, kb, m, "compared with m = EM", NULL, py,
                "openssl pkeyutl -verifyrecover -pubin -inkey pub.pem -in s.bin "
                "-pkeyopt rsa_padding_mode:none | xxd -p -c 32", NULL, 0);
    mpz_clears(A, mb, v1, v2, vh, NULL);
    mpz_clears(re, t, s, NULL);
    return bad;
}

/* H = SHA-256(M), the digest the signature covers (FIPS 180-4). */
static void show_hash(wk_out *o, const char *M, const uint8_t H[32])
{
    wk_derivation d;
    wk_derivation_init(&d, "signer", "H", "FIPS 180-4", "SHA-256(M)", H, 32);
    d.inputs[0] = (wk_input){"M", NULL, 0, M};
    d.n_inputs = 1;
    d.commands[0] = (wk_command){"printf 'glass walkthrough: sign me' | glass sha256", NULL};
    d.commands[1] = (wk_command){"printf 'glass walkthrough: sign me' | openssl dgst -sha256",
                                 NULL};
    d.n_commands = 2;
    wk_derive(o, &d);
}

/* With --save: key.pem (PKCS#8) and pub.pem (SubjectPublicKeyInfo), for
 * the openssl commands. */
static void save_rsa_keys(const prim *pr, const rsa_private_key *key)
{
    uint8_t *pem = NULL, *spki = NULL;
    char *pub = NULL;
    size_t len = 0, spki_len = 0, pub_len = 0;
    rsa_public_key pk;
    if (pr->dir == NULL)
        return;
    if (ca_key_encode_private_pem(key, KEY_FORMAT_PKCS8, NULL, 0, &pem, &len) == GLASS_OK)
        save_bytes(pr, "key.pem", pem, len);
    rsa_public_init(&pk);
    rsa_public_from_private(&pk, key);
    if (ca_key_encode_public(&pk, 1, &spki, &spki_len) == GLASS_OK &&
        pem_encode("PUBLIC KEY", spki, spki_len, &pub, &pub_len) == GLASS_OK)
        save_bytes(pr, "pub.pem", (const uint8_t *)pub, pub_len);
    rsa_public_clear(&pk);
    if (pem != NULL)
        glass_wipe(pem, len);
    free(pem);
    free(spki);
    free(pub);
}

/* See walk_session.h. */
int walk_primitive_rsa(wk_out *o, const char *save_dir)
{
    const prim pr = {o, save_dir};
    static const char M[] = "glass walkthrough: sign me";
    static const uint8_t digest_info[19] = {0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60,
                                            0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02,
                                            0x01, 0x05, 0x00, 0x04, 0x20};
    int bad = 0;
    capture cap;
    memset(&cap, 0, sizeof cap);
    glass_tracer tr = {capture_fn, &cap};
    rsa_private_key key;
    rsa_public_key pub;
    rsa_private_init(&key);
    rsa_public_init(&pub);
    mpz_t m, re;
    mpz_inits(m, re, NULL);
    uint8_t *sig = NULL, *EM = NULL;
    wk_input in[WK_MAX_INPUTS];
    size_t kb = 0;

    check_yourself(o);
    wk_section(o, "The key (RFC 8017 §3.2)",
               "A 2048-bit key from rsa_generate (FIPS 186-5 §A.1.3). The private key is kept in "
               "the CRT form: p, q, dP = d mod (p-1), dQ = d mod (q-1), qInv = q^-1 mod p, so "
               "that signing runs two half-size exponentiations instead of one full one.");
    if (rsa_generate(&key, 2048, RSA_DEFAULT_E) != GLASS_OK) {
        wk_note(o, "", "error", "key generation failed");
        bad = 1;
        goto cleanup;
    }
    save_rsa_keys(&pr, &key);
    bad |= show_rsa_key(&pr, &key);
    kb = key.k;

    /* The hash and the encoding. */
    wk_section(o, "The message and its encoding (RFC 8017 §9.2)",
               "RSASSA-PKCS1-v1_5 does not sign the message: it signs EM, a fixed layout around "
               "the SHA-256 of the message, EM = 00 01 FF..FF 00 || DigestInfo || H.");
    uint8_t H[32];
    sha256(M, sizeof M - 1, H);
    show_hash(o, M, H);
    sig = malloc(kb);
    EM = malloc(kb);
    if (sig == NULL || EM == NULL) {
        bad = 1;
        goto cleanup;
    }
    /* EM by hand: 00 01, k - 3 - 19 - 32 bytes of FF, 00, DigestInfo, H. */
    walk_pkcs1_sha256_em(H, EM, kb);
    mpz_import(re, kb, 1, 1, 1, 0, EM);

    /* The private operation, traced by rsa/rsa.c. */
    key.trace = &tr;
    glass_err err = rsa_pkcs1v15_sign(&key, (const uint8_t *)M, sizeof M - 1, sig);
    key.trace = NULL;
    if (err != GLASS_OK) {
        wk_note(o, "", "error", glass_strerror(err));
        bad = 1;
        goto cleanup;
    }
    const captured *cEM = find(&cap, "EM"), *cA = find(&cap, "blinding"), *c1 = find(&cap, "m1"),
                   *c2 = find(&cap, "m2"), *ch = find(&cap, "h"), *cs = find(&cap, "s"),
                   *cc = find(&cap, "check");
    if (cEM == NULL || cA == NULL || c1 == NULL || c2 == NULL || ch == NULL || cs == NULL ||
        cc == NULL) {
        wk_note(o, "", "error", "rsa/rsa.c did not emit every trace event (EM, blinding, m1, m2, "
                                "h, s, check)");
        bad = 1;
        goto cleanup;
    }
    mpz_import(m, cEM->len, 1, 1, 1, 0, cEM->b);
    in[0] = (wk_input){"PS", NULL, 0, "FF bytes: k - 3 - 19 - 32 of them"};
    in[1] = (wk_input){"DigestInfo", digest_info, sizeof digest_info, NULL};
    in[2] = (wk_input){"H", H, 32, NULL};
    char py[400];
    snprintf(py, sizeof py, "int.from_bytes(b'\\x00\\x01' + b'\\xff' * %zu + b'\\x00' +\n"
             "bytes.fromhex('3031300d060960864801650304020105000420') +\n"
             "__import__('hashlib').sha256(b'%s').digest(), 'big')",
             kb - 3 - sizeof digest_info - 32, M);
    bad |= show(&pr, "signer", "EM", "RFC 8017 §9.2", "00 01 || PS || 00 || DigestInfo || H",
                cEM->explain, m, kb, re, "built here byte by byte", "EM.bin", py, NULL, in, 3);

    wk_section(o, "The private operation, as rsa/rsa.c runs it (RFC 8017 §5.2.1, §5.1.2 2.b)",
               "Blinding first: the exponentiation works on m * r^e for a random r, so its "
               "timing says nothing about m. Then the two CRT halves modulo p and q, Garner's "
               "recombination, the unblinding by r^-1, and a check before anything leaves.");
    const captured *steps[6] = {cA, c1, c2, ch, cs, cc};
    bad |= show_rsa_private_op(&pr, &key, m, steps);

    /* Whoever holds the public key checks it the same way. */
    rsa_public_from_private(&pub, &key);
    err = rsa_pkcs1v15_verify(&pub, (const uint8_t *)M, sizeof M - 1, sig, kb);
    wk_note(o, "verifier", err == GLASS_OK ? "check" : "error",
            err == GLASS_OK ? "rsa_pkcs1v15_verify: s^e mod n re-encoded and compared with EM "
                              "byte for byte: valid"
                            : glass_strerror(err));
    bad |= err != GLASS_OK;

cleanup:
    for (size_t i = 0; i < cap.n; i++) {
        glass_wipe(cap.ev[i].b, cap.ev[i].len);
        free(cap.ev[i].b);
    }
    free(sig);
    free(EM);
    mpz_clears(m, re, NULL);
    rsa_private_clear(&key);
    rsa_public_clear(&pub);
    return bad ? 1 : 0;
}

/* ---- Diffie–Hellman ------------------------------------------------------------------ */

/* 1. The blackboard version: p = 23, g = 5.  1 if the two sides differ. */
static int dh_blackboard(wk_out *o)
{
    mpz_t p, g, a, b, A, B, Za, Zb;
    mpz_inits(p, g, a, b, A, B, Za, Zb, NULL);
    wk_section(o, "On the blackboard: p = 23, g = 5",
               "Alice picks a = 6 and sends A = g^a mod p; Bob picks b = 15 and sends "
               "B = g^b mod p. Each raises what it received to its own secret: both get "
               "g^(ab) mod p. An eavesdropper sees p, g, A and B, and would have to solve a "
               "discrete logarithm.");
    mpz_set_ui(p, 23);
    mpz_set_ui(g, 5);
    mpz_set_ui(a, 6);
    mpz_set_ui(b, 15);
    mpz_powm(A, g, a, p);
    mpz_powm(B, g, b, p);
    mpz_powm(Za, B, a, p);
    mpz_powm(Zb, A, b, p);
    char line[200];
    gmp_snprintf(line, sizeof line, "A = 5^6 mod 23 = %Zd;  B = 5^15 mod 23 = %Zd", A, B);
    wk_note(o, "both", "step", line);
    gmp_snprintf(line, sizeof line, "Alice: B^a = %Zd^6 mod 23 = %Zd;  Bob: A^b = %Zd^15 mod 23 = %Zd",
                 B, Za, A, Zb);
    wk_note(o, mpz_cmp(Za, Zb) == 0 ? "both" : "error", "check", line);
    int bad = mpz_cmp(Za, Zb) != 0;
    mpz_clears(p, g, a, b, A, B, Za, Zb, NULL);
    return bad;
}

/* See walk_session.h. */
int walk_primitive_dh(wk_out *o, const char *save_dir)
{
    const prim pr = {o, save_dir};
    mpz_t Za, Zb, re, tmp;
    mpz_inits(Za, Zb, re, tmp, NULL);
    wk_input in[WK_MAX_INPUTS];
    char line[200];
    int bad = dh_blackboard(o);
    check_yourself(o);

    /* 2. The real group. */
    const dh_group *G = dh_group_by_name("ffdhe2048");
    if (G == NULL) {
        wk_note(o, "", "error", "group ffdhe2048 unavailable");
        mpz_clears(Za, Zb, re, tmp, NULL);
        return 1;
    }
    wk_section(o, "For real: ffdhe2048 (RFC 7919 Appendix A.1)",
               "A 2048-bit safe prime p = 2q + 1 and g = 2. Each side draws a private exponent "
               "x of at least twice the group's security strength (SP 800-56A §5.6.1.1.4), "
               "publishes y = g^x mod p, checks the other's y (§5.6.2.3.1: 2 <= y <= p-2 and "
               "y^q = 1 mod p), and computes Z = y_peer^x mod p (§5.7.1.1).");
    dh_keypair ka, kb;
    dh_keypair_init(&ka);
    dh_keypair_init(&kb);
    uint8_t *Zab = malloc(G->p_len), *Zba = malloc(G->p_len);
    if (Zab == NULL || Zba == NULL || dh_generate(G, NULL, NULL, &ka) != GLASS_OK ||
        dh_generate(G, NULL, NULL, &kb) != GLASS_OK) {
        wk_note(o, "", "error", "key generation failed");
        bad = 1;
        goto cleanup;
    }
    size_t xl = 0, pl = 0;
    uint8_t *pbytes = mpz_bytes(G->p, G->p_len, &pl);
    in[0] = (wk_input){"p", pbytes, pl, NULL};
    in[1] = (wk_input){"g", NULL, 0, "2"};
    if (pbytes != NULL)
        save_bytes(&pr, "ffdhe2048_p.bin", pbytes, pl);
    for (int who = 0; who < 2; who++) {
        const dh_keypair *k = who == 0 ? &ka : &kb;
        const char *side = who == 0 ? "alice" : "bob";
        uint8_t *xb = mpz_bytes(k->x, 0, &xl);
        char fx[16], fy[16], py[96];
        snprintf(fx, sizeof fx, "%s_x.bin", side);
        snprintf(fy, sizeof fy, "%s_y.bin", side);
        show(&pr, side, "x", "SP 800-56A §5.6.1.1.4", "random in [1, min(2^N, q) - 1], secret",
             NULL, k->x, 0, NULL, NULL, fx, NULL, NULL, NULL, 0);
        in[2] = (wk_input){"x", xb, xl, NULL};
        mpz_powm(re, G->g, k->x, G->p);
        snprintf(py, sizeof py, "pow(2, r('%s'), r('ffdhe2048_p.bin'))", fx);
        bad |= show(&pr, side, "y", "SP 800-56A §5.6.1.1.4", "g^x mod p, public", NULL, k->y,
                    G->p_len, re, "mpz_powm(g, x, p)", fy, py, NULL, in, 3);
        free(xb);
        /* Full public-key validation by the other side. */
        mpz_powm(tmp, k->y, G->q, G->p);
        glass_err e = dh_check_public(G, k->y);
        gmp_snprintf(line, sizeof line,
                     "%s checks %s's y: 2 <= y <= p-2, and y^q mod p = %Zd: %s",
                     who == 0 ? "bob" : "alice", side, tmp,
                     e == GLASS_OK ? "valid" : glass_strerror(e));
        wk_note(o, who == 0 ? "bob" : "alice", e == GLASS_OK ? "check" : "error", line);
        bad |= e != GLASS_OK;
    }
    if (dh_compute_shared(G, &ka, kb.y, Zab, G->p_len) != GLASS_OK ||
        dh_compute_shared(G, &kb, ka.y, Zba, G->p_len) != GLASS_OK) {
        wk_note(o, "", "error", "dh_compute_shared failed");
        bad = 1;
        free(pbytes);
        goto cleanup;
    }
    mpz_import(Za, G->p_len, 1, 1, 1, 0, Zab);
    mpz_import(Zb, G->p_len, 1, 1, 1, 0, Zba);
    size_t yl = 0;
    uint8_t *yb = mpz_bytes(kb.y, G->p_len, &yl);
    in[2] = (wk_input){"y_bob", yb, yl, NULL};
    mpz_powm(re, kb.y, ka.x, G->p);
    bad |= show(&pr, "alice", "Z", "SP 800-56A §5.7.1.1", "y_bob^x_alice mod p",
                "dh_compute_shared: p_len bytes, big-endian", Za, G->p_len, re,
                "mpz_powm(y_bob, x_alice, p)", NULL,
                "pow(r('bob_y.bin'), r('alice_x.bin'), r('ffdhe2048_p.bin'))", NULL, in, 3);
    free(yb);
    mpz_powm(re, ka.y, kb.x, G->p);
    bad |= show(&pr, "bob", "Z", "SP 800-56A §5.7.1.1", "y_alice^x_bob mod p",
                "computed on the other side from the other numbers", Zb, G->p_len, Za,
                "equal to Alice's Z: g^(x_alice x_bob) both ways", NULL,
                "pow(r('alice_y.bin'), r('bob_x.bin'), r('ffdhe2048_p.bin'))", NULL, NULL, 0);
    size_t stripped = dh_strip_leading_zeros(Zab, G->p_len);
    snprintf(line, sizeof line,
             "TLS uses Z without its leading zero bytes as the pre_master_secret (RFC 5246 "
             "§8.1.2): %zu of %zu bytes here", stripped, G->p_len);
    wk_note(o, "both", "step", line);
    free(pbytes);

cleanup:
    if (Zab != NULL)
        glass_wipe(Zab, G->p_len);
    if (Zba != NULL)
        glass_wipe(Zba, G->p_len);
    free(Zab);
    free(Zba);
    dh_keypair_clear(&ka);
    dh_keypair_clear(&kb);
    mpz_clears(Za, Zb, re, tmp, NULL);
    return bad ? 1 : 0;
}
