/*
 * lab_ex_pub.c — the graded exercises of labs 4 and 5: an unsigned
 * Diffie–Hellman exchange with a hook for a man in the middle, and a bundle
 * of certificates of which only some were signed by the CA.  Lab build
 * only; see lab_exercise.h for the frame.
 *
 *   lab 4  Alice and Bob agree on a key over ffdhe2048 (RFC 7919 App. A.1)
 *          with nobody signing anything, and every value passes through the
 *          program.  Both check what they receive (SP 800-56A §5.6.2.3.1),
 *          so the program cannot cheat with 0, 1 or p-1: it must run a real
 *          exchange with each.  It proves it by printing Alice's message and
 *          passing it on to Bob, who must read it.
 *   lab 5  a CA certificate and twelve client certificates, all naming the
 *          CA as their issuer; about half were signed by a look-alike CA
 *          with the same name and another key.  The program checks each
 *          signature over tbsCertificate itself (RFC 5280 §4.1.1.3, RFC 8017
 *          §8.2.2) and lists the genuine ones: only the signature, not the
 *          issuer's name, says who issued a certificate.
 *
 * CT: no — targets for attacks, weak on purpose.
 */
#include "classroom/lab_exercise.h"

#ifdef GLASS_LAB_BUILD

#include "ca/ca.h"
#include "ca/ca_internal.h"   /* x509_build: the lab issues certificates without a CA dir */
#include "common/common.h"
#include "dh/dh.h"
#include "rsa/rsa.h"
#include "sha/sha256.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- lab 4: Diffie–Hellman with nobody signing ------------------------------ */

#define DH_MSG_LEN 32

typedef struct dh_target {
    const dh_group *G;
    dh_keypair alice, bob;
    char msg[DH_MSG_LEN + 1];
    uint8_t z_bob[512];      /* Bob's shared secret, once he has a value */
    int bob_has_z;
} dh_target;

static void *dh_setup(int mode)
{
    (void)mode;   /* one mode */
    dh_target *t = calloc(1, sizeof *t);
    if (t == NULL)
        return NULL;
    t->G = dh_group_by_name("ffdhe2048");
    dh_keypair_init(&t->alice);
    dh_keypair_init(&t->bob);
    if (t->G == NULL || dh_generate(t->G, NULL, NULL, &t->alice) != GLASS_OK ||
        dh_generate(t->G, NULL, NULL, &t->bob) != GLASS_OK || !lab_random_text(t->msg, DH_MSG_LEN)) {
        dh_keypair_clear(&t->alice);
        dh_keypair_clear(&t->bob);
        free(t);
        return NULL;
    }
    return t;
}

static void put_mpz(lab_out *o, const char *label, const mpz_t v, size_t len)
{
    uint8_t b[512];
    if (len <= sizeof b && rsa_i2osp(v, b, len) == GLASS_OK)
        lab_out_hex(o, label, b, len);
}

static void dh_banner(void *st, lab_out *o)
{
    dh_target *t = st;
    lab_outf(o, "# lab 4: Alice -> Bob, unsigned DH over ffdhe2048; you carry every value.\n"
                "# to_bob HEX      Bob receives HEX as Alice's value and answers `bob HEX`\n"
                "# to_alice HEX    Alice receives HEX as Bob's value and answers\n"
                "#                 `alice_says HEX` = message XOR SHA-256(Z || \"lab 4\")\n"
                "# to_bob_msg HEX  Bob decrypts HEX with his Z the same way: `bob ok|bad`\n"
                "# Z is g^xy mod p as 256 bytes. Both check the values they receive.\n");
    put_mpz(o, "p", t->G->p, t->G->p_len);
    lab_outf(o, "g 2\n");
    put_mpz(o, "alice", t->alice.y, t->G->p_len);
}

/* message XOR SHA-256(Z || "lab 4"): the toy cipher of the exercise. */
static void dh_xor(const uint8_t *z, size_t zl, const uint8_t *in, uint8_t *out)
{
    uint8_t ks[SHA256_DIGEST_LEN];
    sha256_ctx c;
    sha256_init(&c);
    sha256_update(&c, z, zl);
    sha256_update(&c, "lab 4", 5);
    sha256_final(&c, ks);
    for (size_t i = 0; i < DH_MSG_LEN; i++)
        out[i] = in[i] ^ ks[i];
}

static int dh_value(dh_target *t, const char *hex, mpz_t y)
{
    uint8_t *b = NULL;
    size_t n = 0;
    if (glass_hex_decode_alloc(&b, &n, hex) != GLASS_OK || n == 0 || n > t->G->p_len) {
        free(b);
        return 0;
    }
    rsa_os2ip(y, b, n);
    free(b);
    return 1;
}

/* Bob reads Mallory's relay: 1 if it is Alice's message under Bob's Z. */
static int dh_bob_reads(dh_target *t, const char *hex)
{
    uint8_t *c = NULL, m[DH_MSG_LEN];
    size_t n = 0;
    int ok = glass_hex_decode_alloc(&c, &n, hex) == GLASS_OK && n == DH_MSG_LEN && t->bob_has_z;
    if (ok) {
        dh_xor(t->z_bob, t->G->p_len, c, m);
        ok = memcmp(m, t->msg, DH_MSG_LEN) == 0;
    }
    free(c);
    return ok;
}

static int dh_query(void *st, const char *line, lab_out *o)
{
    dh_target *t = st;
    uint8_t z[512], m[DH_MSG_LEN];
    mpz_t y;
    mpz_init(y);
    const char *sp = strchr(line, ' ');
    if (strncmp(line, "to_bob_msg ", 11) == 0) {
        int ok = dh_bob_reads(t, line + 11);
        lab_outf(o, "bob %s\n", ok ? "ok" : "bad");
        if (ok)
            lab_report("bob read alice's message");
    } else if (sp == NULL ||
               (strncmp(line, "to_bob ", 7) != 0 && strncmp(line, "to_alice ", 9) != 0)) {
        lab_outf(o, "error requests: to_bob HEX, to_alice HEX, to_bob_msg HEX\n");
    } else if (!dh_value(t, sp + 1, y)) {
        lab_outf(o, "error a value is hex, at most 256 bytes\n");
    } else if (line[3] == 'b') {
        if (dh_compute_shared(t->G, &t->bob, y, t->z_bob, t->G->p_len) != GLASS_OK) {
            lab_outf(o, "error Bob refuses that value (SP 800-56A §5.6.2.3.1)\n");
        } else {
            t->bob_has_z = 1;
            put_mpz(o, "bob", t->bob.y, t->G->p_len);
        }
    } else if (dh_compute_shared(t->G, &t->alice, y, z, t->G->p_len) != GLASS_OK) {
        lab_outf(o, "error Alice refuses that value (SP 800-56A §5.6.2.3.1)\n");
    } else {
        dh_xor(z, t->G->p_len, (const uint8_t *)t->msg, m);
        lab_out_hex(o, "alice_says", m, DH_MSG_LEN);
    }
    mpz_clear(y);
    glass_wipe(z, sizeof z);
    return 0;
}

static int dh_grade(void *st, const char *answer, const char *reports, lab_out *o)
{
    dh_target *t = st;
    char got[256];
    if (!lab_field(answer, "message", got, sizeof got)) {
        lab_outf(o, "print one line `message TEXT`: what Alice said");
        return 0;
    }
    if (strcmp(got, t->msg) != 0) {
        lab_outf(o, "that is not Alice's message: Z is what Alice computes from the value you "
                    "gave her, (your value)^a = A^(your secret), as 256 bytes");
        return 0;
    }
    if (strstr(reports, "bob read alice's message") == NULL) {
        lab_outf(o, "you read Alice's message, but Bob never got it: a man in the middle "
                    "passes it on, encrypted with the key he shares with Bob (to_bob_msg)");
        return 0;
    }
    return 1;
}

static void dh_clear(void *st)
{
    dh_target *t = st;
    dh_keypair_clear(&t->alice);
    dh_keypair_clear(&t->bob);
    glass_wipe(t, sizeof *t);
    free(t);
}

const lab_exercise lab_ex_dh_mitm = {
    "4", NULL, "the man in the middle",
    "`message TEXT`, Alice's message, after Bob has read it too",
    dh_setup, dh_banner, dh_query, dh_grade, dh_clear,
};

/* ---- lab 5: which certificates did the CA sign? ------------------------------ */

#define CERTS 12
static const char ca_subject[] = "/O=Lab School/CN=Lab Root CA";

typedef struct cert_target {
    uint8_t *ca_der, *der[CERTS];
    size_t ca_len, len[CERTS];
    int genuine[CERTS];
} cert_target;

static glass_err issue(const rsa_private_key *signer, const rsa_private_key *subject_key,
                       const char *subject, enum x509_kind kind, uint8_t **der, size_t *len)
{
    uint8_t serial[16], *issuer = NULL, *subj = NULL;
    size_t il = 0, sl = 0;
    rsa_public_key pub;
    rsa_public_init(&pub);
    mpz_set(pub.n, subject_key->n);
    mpz_set(pub.e, subject_key->e);
    pub.k = subject_key->k;
    glass_err err = glass_random(serial, sizeof serial);
    serial[0] = (uint8_t)((serial[0] & 0x7f) | 0x01);   /* positive, no leading zero */
    if (err == GLASS_OK)
        err = x509_name_from_string(ca_subject, &issuer, &il);
    if (err == GLASS_OK)
        err = x509_name_from_string(subject, &subj, &sl);
    if (err == GLASS_OK) {
        int64_t now = (int64_t)time(NULL);
        x509_template t = {.kind = kind, .serial = serial, .serial_len = sizeof serial,
                           .issuer_der = issuer, .issuer_len = il,
                           .subject_der = subj, .subject_len = sl,
                           .not_before = now - 60, .not_after = now + 86400,
                           .subject_pub = &pub};
        err = x509_build(&t, signer, der, len);
    }
    free(issuer);
    free(subj);
    rsa_public_clear(&pub);
    return err;
}

static void cert_clear(void *st)
{
    cert_target *t = st;
    free(t->ca_der);
    for (int i = 0; i < CERTS; i++)
        free(t->der[i]);
    free(t);
}

/* Which certificates are genuine: at random, at least 3 of each kind. */
static int cert_choose(cert_target *t)
{
    uint8_t r[CERTS];
    for (int tries = 0; tries < 100; tries++) {
        int n = 0;
        if (glass_random(r, sizeof r) != GLASS_OK)
            return 0;
        for (int i = 0; i < CERTS; i++)
            n += t->genuine[i] = r[i] & 1;
        if (n >= 3 && n <= CERTS - 3)
            return 1;
    }
    return 0;
}

static void *cert_setup(int mode)
{
    (void)mode;   /* one mode */
    cert_target *t = calloc(1, sizeof *t);
    rsa_private_key ca, fake, leaf;
    rsa_private_init(&ca);
    rsa_private_init(&fake);
    rsa_private_init(&leaf);
    glass_err err = t != NULL && cert_choose(t) ? GLASS_OK : GLASS_ERR_RANDOM;
    if (err == GLASS_OK)
        err = rsa_generate(&ca, 2048, RSA_DEFAULT_E);
    if (err == GLASS_OK)
        err = rsa_generate(&fake, 2048, RSA_DEFAULT_E);
    if (err == GLASS_OK)
        err = rsa_generate(&leaf, 2048, RSA_DEFAULT_E);
    if (err == GLASS_OK)
        err = issue(&ca, &ca, ca_subject, X509_KIND_ROOT, &t->ca_der, &t->ca_len);
    for (int i = 0; i < CERTS && err == GLASS_OK; i++) {
        char subj[64];
        snprintf(subj, sizeof subj, "/O=Lab School/CN=student-%02d", i + 1);
        err = issue(t->genuine[i] ? &ca : &fake, &leaf, subj, X509_KIND_CLIENT, &t->der[i],
                    &t->len[i]);
    }
    rsa_private_clear(&ca);
    rsa_private_clear(&fake);
    rsa_private_clear(&leaf);
    if (err != GLASS_OK && t != NULL) {
        cert_clear(t);
        return NULL;
    }
    return t;
}

static void cert_banner(void *st, lab_out *o)
{
    cert_target *t = st;
    lab_outf(o, "# lab 5: `ca` is the trusted root; each `cert` names it as issuer.\n"
                "# Which of the %d did it really sign? Certificates are DER, in hex.\n", CERTS);
    lab_out_hex(o, "ca", t->ca_der, t->ca_len);
    for (int i = 0; i < CERTS; i++)
        lab_out_hex(o, "cert", t->der[i], t->len[i]);
}

static int cert_query(void *st, const char *line, lab_out *o)
{
    (void)st;
    (void)line;
    lab_outf(o, "error this target only hands out certificates (in its banner)\n");
    return 1;
}

static int cert_grade(void *st, const char *answer, const char *reports, lab_out *o)
{
    cert_target *t = st;
    char got[512];
    int said[CERTS] = {0};
    (void)reports;
    if (!lab_field(answer, "genuine", got, sizeof got)) {
        lab_outf(o, "print one line `genuine N N ...`: the numbers (1 to %d) of the "
                    "certificates the CA signed", CERTS);
        return 0;
    }
    for (char *p = got, *end; *p != '\0'; p = end) {
        long v = strtol(p, &end, 10);
        if (end == p || v < 1 || v > CERTS) {
            lab_outf(o, "`genuine` takes numbers from 1 to %d", CERTS);
            return 0;
        }
        said[v - 1] = 1;
    }
    int wrong = 0;
    for (int i = 0; i < CERTS; i++)
        wrong += said[i] != t->genuine[i];
    if (wrong == 0)
        return 1;
    lab_outf(o, "%d of the %d certificates are classed wrong. The issuer's name is the same on "
                "all of them: check each signature (s^e mod n with the CA's key) against "
                "SHA-256 of the tbsCertificate bytes, header included", wrong, CERTS);
    return 0;
}

const lab_exercise lab_ex_certs = {
    "5", NULL, "the look-alike CA",
    "one line `genuine N N ...`, the certificates the CA really signed",
    cert_setup, cert_banner, cert_query, cert_grade, cert_clear,
};

#else
/* The normal build has no lab code; this keeps the file a valid C11 unit. */
typedef int lab_ex_pub_not_in_this_build;
#endif /* GLASS_LAB_BUILD */
