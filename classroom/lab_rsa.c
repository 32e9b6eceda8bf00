/*
 * lab_rsa.c — lab 3: textbook RSA, why padding, and the e = 3 signature
 * forgery of Bleichenbacher (CRYPTO 2006 rump session).  Lab build only.
 *
 * Read in this order:
 *   lab_rsa_textbook   RSA as the textbook writes it (RFC 8017 §5.1 without
 *                      padding) on numbers small enough to check by hand,
 *                      and the two reasons it is not safe: it is
 *                      deterministic, and E(m1)·E(m2) = E(m1·m2).
 *   lab_rsa_keygen     a real key with a chosen e, written as hex fields so
 *                      a student can read every number.
 *   lab_rsa_sign       RSASSA-PKCS1-v1_5 (RFC 8017 §8.2.1) with that key.
 *   sloppy_verify      the bug: a verifier that parses
 *                          00 01 FF..FF 00 || DigestInfo || H
 *                      from the left and stops reading after H, so any
 *                      bytes may follow.
 *   lab_rsa_forge_e3   the forgery: with e = 3 and no private key, pick
 *                      s = ceil(cbrt(00 01 FF 00 || DigestInfo || H || 00..00));
 *                      s^3 starts with the right bytes and ends in garbage
 *                      that the sloppy verifier never looks at.  s^3 < n,
 *                      so "mod n" never happens and no key is needed.
 *   lab_rsa_verify     the library's verifier (RFC 8017 §8.2.2: re-encode
 *                      and compare all k bytes) or, with --insecure-verify,
 *                      the sloppy one.
 *
 * CT: no — attack and demonstration code; the real signing goes through
 * rsa/ (blinding, mpz_powm_sec).
 */
#include "classroom/lab_common.h"
#include "io/opt.h"

#ifdef GLASS_LAB_BUILD

#include "rsa/rsa.h"
#include "sha/sha256.h"

#include <gmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The DER DigestInfo prefix for SHA-256 (RFC 8017 §9.2 note 1). */
static const uint8_t digest_info_sha256[19] = {
    0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01,
    0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20};

/* ---- textbook RSA ------------------------------------------------------- */

static int small_prime(unsigned long v)
{
    if (v < 2)
        return 0;
    for (unsigned long d = 2; d * d <= v; d++)
        if (v % d == 0)
            return 0;
    return 1;
}

/* See lab_common.h. */
int lab_rsa_textbook(int argc, char **argv)
{
    const char *cmd = "lab rsa-textbook";
    const char *tp = NULL, *tq = NULL, *te = NULL, *tm = NULL, *tm2 = NULL;
    const opt opts[] = {
        OPTION_STRING("-p", NULL, "P", "the first prime, below 65536", &tp),
        OPTION_STRING("-q", NULL, "Q", "the second prime, below 65536", &tq),
        OPTION_STRING("-e", NULL, "E", "the public exponent", &te),
        OPTION_STRING("-m", NULL, "M", "the message, a number below n", &tm),
        OPTION_STRING("-m2", NULL, "M2", "a second message, to show E(m)*E(m2) = E(m*m2)", &tm2),
        OPTION_END,
    };
    int st = lab_parse(
        cmd, "-p P -q Q -e E -m M [-m2 M2]",
        "Textbook RSA on small numbers (primes below 65536), every step in decimal:\n"
        "n = p*q, phi = (p-1)(q-1), d = e^-1 mod phi, c = m^e mod n, m = c^d mod n,\n"
        "the signature s = m^d mod n, and, with -m2, the multiplicative property\n"
        "E(m)*E(m2) mod n = E(m*m2 mod n) that padding exists to destroy.\n",
        opts, "  glass lab rsa-textbook -p 61 -q 53 -e 17 -m 65 -m2 2\n", argc, argv);
    if (st != OPT_RUN)
        return st;
    unsigned long p, q, e, m, m2 = 0;
    if (tp == NULL || tq == NULL || te == NULL || tm == NULL)
        return io_error(cmd, "needs -p, -q, -e and -m (see --help)");
    if (io_uint_arg(cmd, "-p", tp, 2, 65535, &p) || io_uint_arg(cmd, "-q", tq, 2, 65535, &q) ||
        io_uint_arg(cmd, "-e", te, 3, 0xffffffff, &e) ||
        io_uint_arg(cmd, "-m", tm, 0, 0xffffffff, &m) ||
        (tm2 != NULL && io_uint_arg(cmd, "-m2", tm2, 0, 0xffffffff, &m2)))
        return 1;
    if (!small_prime(p) || !small_prime(q) || p == q)
        return io_error(cmd, "-p and -q must be two different primes");

    int rc = 1;
    mpz_t n, phi, d, E, M, c, back, s, check, M2, c2, prod, mprod;
    mpz_inits(n, phi, d, E, M, c, back, s, check, M2, c2, prod, mprod, NULL);
    /* 1. n = p*q and phi(n) = (p-1)(q-1) (the textbook's totient; RFC 8017
     *    §3.2 uses lambda(n) = lcm(p-1, q-1), which gives a smaller d). */
    mpz_set_ui(n, p);
    mpz_mul_ui(n, n, q);
    mpz_set_ui(phi, p - 1);
    mpz_mul_ui(phi, phi, q - 1);
    mpz_set_ui(E, e);
    mpz_set_ui(M, m);
    if (mpz_cmp(M, n) >= 0) {
        io_error(cmd, "-m must be smaller than n = %lu", p * q);
        goto cleanup;
    }
    /* 2. d = e^-1 mod phi exists only when gcd(e, phi) = 1. */
    if (mpz_invert(d, E, phi) == 0) {
        io_error(cmd, "e = %lu has no inverse mod phi = %lu: pick e coprime to it", e,
                  (p - 1) * (q - 1));
        goto cleanup;
    }
    /* 3. Encrypt and decrypt (RFC 8017 §5.1.1 RSAEP, §5.1.2 RSADP). */
    mpz_powm(c, M, E, n);
    mpz_powm(back, c, d, n);
    /* 4. Sign and verify (§5.2.1 RSASP1, §5.2.2 RSAVP1): the same two
     *    operations the other way round. */
    mpz_powm(s, M, d, n);
    mpz_powm(check, s, E, n);
    printf("key generation\n");
    printf("  p = %lu, q = %lu\n", p, q);
    gmp_printf("  n = p*q = %Zd\n", n);
    gmp_printf("  phi = (p-1)*(q-1) = %Zd\n", phi);
    gmp_printf("  e = %Zd   (public)\n", E);
    gmp_printf("  d = e^-1 mod phi = %Zd   (private: e*d mod phi = 1)\n", d);
    printf("encryption\n");
    gmp_printf("  c = m^e mod n = %Zd^%Zd mod %Zd = %Zd\n", M, E, n, c);
    gmp_printf("  m = c^d mod n = %Zd^%Zd mod %Zd = %Zd\n", c, d, n, back);
    printf("signature\n");
    gmp_printf("  s = m^d mod n = %Zd\n", s);
    gmp_printf("  s^e mod n = %Zd   (%s)\n", check, mpz_cmp(check, M) == 0 ? "= m: valid" : "!= m");
    printf("why padding (1): encryption is deterministic: m = %lu always gives c = ", m);
    gmp_printf("%Zd,\n  so an eavesdropper can test guesses of m without any key.\n", c);
    if (tm2 != NULL) {
        /* 5. Malleability: E(m)·E(m2) = (m·m2)^e = E(m·m2) mod n. */
        mpz_set_ui(M2, m2);
        if (mpz_cmp(M2, n) >= 0) {
            rc = io_error(cmd, "-m2 must be smaller than n");
            goto cleanup;
        }
        mpz_powm(c2, M2, E, n);
        mpz_mul(prod, c, c2);
        mpz_mod(prod, prod, n);
        mpz_powm(back, prod, d, n);
        mpz_mul(mprod, M, M2);
        mpz_mod(mprod, mprod, n);
        printf("why padding (2): RSA is multiplicative\n");
        gmp_printf("  c2 = m2^e mod n = %Zd^%Zd mod %Zd = %Zd\n", M2, E, n, c2);
        gmp_printf("  c * c2 mod n = %Zd decrypts to %Zd = m * m2 mod n = %Zd\n", prod, back,
                   mprod);
        printf("  so anyone can turn an encryption of m into one of m*m2 without the key.\n");
    }
    rc = 0;

cleanup:
    mpz_clears(n, phi, d, E, M, c, back, s, check, M2, c2, prod, mprod, NULL);
    return rc;
}

/* ---- the lab key file ---------------------------------------------------- */

/* A lab key file is text, one number per line in hex, so a student can read
 * it (the real key files of `glass genrsa` are PKCS#1/PKCS#8 DER in PEM):
 *
 *     # glass lab RSA private key (RFC 8017 §3.2)
 *     n = c3a1...
 *     e = 03
 *     d = 8271...
 *     p = f0e1...
 *     q = d00c...
 *
 * A public key file has only n and e. */
static int key_field(const char *text, const char *name, mpz_t out)
{
    char *hex = NULL;
    if (lab_named_value(text, name, &hex) != 0)
        return -1;
    size_t vl = strlen(hex);
    int ok = vl > 0 && strspn(hex, "0123456789abcdefABCDEF") == vl &&
             mpz_set_str(out, hex, 16) == 0;
    glass_wipe(hex, vl);   /* it may be d, p or q */
    free(hex);
    return ok ? 0 : -1;
}

/* The fields of a lab key file, in the order they are written. */
static const char *const key_names[] = {"n", "e", "d", "p", "q"};

/* Reads the first `count` fields of key_names from a lab key file into
 * v[0..count); the file is wiped after (it may hold d, p and q). */
static int load_fields(const char *cmd, const char *path, mpz_ptr const *v, size_t count)
{
    uint8_t *text = NULL;
    size_t len = 0;
    if (lab_read(cmd, path, &text, &len))
        return 1;
    int bad = 0;
    for (size_t i = 0; i < count && !bad; i++)
        bad = key_field((const char *)text, key_names[i], v[i]) != 0;
    glass_wipe(text, len);
    free(text);
    if (bad)
        return io_error(cmd, "%s: not a lab %s key file (needs lines \"NAME = HEX\" for %s)",
                        path, count == 2 ? "public" : "private",
                        count == 2 ? "n and e" : "n, e, d, p and q");
    return 0;
}

static int load_public(const char *cmd, const char *path, rsa_public_key *pub)
{
    mpz_ptr const v[] = {pub->n, pub->e};
    if (load_fields(cmd, path, v, 2))
        return 1;
    glass_err err = rsa_check_public(pub);
    if (err != GLASS_OK)
        return io_error(cmd, "%s: %s", path, glass_strerror(err));
    return 0;
}

static int load_private(const char *cmd, const char *path, rsa_private_key *key)
{
    mpz_ptr const v[] = {key->n, key->e, key->d, key->p, key->q};
    if (load_fields(cmd, path, v, 5))
        return 1;
    glass_err err = rsa_private_set_crt(key);
    if (err == GLASS_OK)
        err = rsa_check_private(key);
    if (err != GLASS_OK)
        return io_error(cmd, "%s: %s", path, glass_strerror(err));
    return 0;
}

/* Writes a lab key file atomically: a header line, then the first `count`
 * fields of key_names from v, one "name = hex" line each (file mode 0600
 * for a private key, 0644 for a public one).  The text is wiped after. */
static int write_fields(const char *cmd, const char *path, const char *hdr, mpz_srcptr const *v,
                        size_t count)
{
    size_t len = strlen(hdr), cap = len + 1;
    for (size_t i = 0; i < count; i++)
        cap += strlen(key_names[i]) + 4 + mpz_sizeinbase(v[i], 16) + 1;
    char *text = malloc(cap);
    if (text == NULL)
        return io_error(cmd, "%s", glass_strerror(GLASS_ERR_NOMEM));
    memcpy(text, hdr, len + 1);
    for (size_t i = 0; i < count; i++)
        len += (size_t)gmp_snprintf(text + len, cap - len, "%s = %Zx\n", key_names[i], v[i]);
    glass_err err = glass_write_file_atomic(path, (const uint8_t *)text, len,
                                            count == 2 ? 0644 : 0600);
    glass_wipe(text, cap);
    free(text);
    if (err != GLASS_OK)
        return io_error(cmd, "%s: %s", path, glass_strerror(err));
    return 0;
}

/* See lab_common.h. */
int lab_rsa_keygen(int argc, char **argv)
{
    const char *cmd = "lab rsa-keygen";
    const char *tb = NULL, *te = NULL, *out = NULL, *pubout = NULL;
    const opt opts[] = {
        OPTION_STRING("-bits", NULL, "N", "modulus size, 2048 (default) .. 4096", &tb),
        OPTION_STRING("-e", NULL, "E", "public exponent (default 65537; lab 3 uses 3)", &te),
        OPTION_STRING("-out", NULL, "KEY",
                      "where to write the lab key file (n, e, d, p, q in hex)", &out),
        OPTION_STRING("-pubout", NULL, "PUB", "also write the public half (n, e) there", &pubout),
        OPTION_END,
    };
    int st = lab_parse(
        cmd, "[-bits N] [-e E] -out KEY [-pubout PUB]",
        "Generates an RSA key with rsa_generate (FIPS 186-5 §A.1.3) and writes it as a\n"
        "lab key file: one hex number per line (n, e, d, p, q), to read by eye.\n",
        opts, "  glass lab rsa-keygen -e 3 -out e3.key -pubout e3.pub\n", argc, argv);
    if (st != OPT_RUN)
        return st;
    unsigned long bits = 2048, e = RSA_DEFAULT_E;
    if (out == NULL)
        return io_error(cmd, "needs -out FILE (see --help)");
    if ((tb != NULL && io_uint_arg(cmd, "-bits", tb, RSA_MIN_BITS, 4096, &bits)) ||
        (te != NULL && io_uint_arg(cmd, "-e", te, 3, 0xffffffff, &e)))
        return 1;
    rsa_private_key key;
    rsa_private_init(&key);
    int rc = 1;
    glass_err err = rsa_generate(&key, (unsigned)bits, e);
    mpz_srcptr const v[] = {key.n, key.e, key.d, key.p, key.q};
    if (err != GLASS_OK)
        io_error(cmd, "%s", glass_strerror(err));
    else if (!write_fields(cmd, out, "# glass lab RSA private key (RFC 8017 §3.2), hex\n", v, 5) &&
             (pubout == NULL ||
              !write_fields(cmd, pubout, "# glass lab RSA public key (RFC 8017 §3.1), hex\n", v, 2)))
        rc = 0;
    if (rc == 0)
        printf("wrote a %lu-bit RSA key with e = %lu to %s%s%s\n", bits, e, out,
               pubout != NULL ? ", public half to " : "", pubout != NULL ? pubout : "");
    rsa_private_clear(&key);
    return rc;
}

/* The three files of rsa-sign, rsa-forge-e3 and rsa-verify: a key, the
 * message, the signature (read or written); and rsa-verify's switch. */
typedef struct sig_files {
    const char *key, *in, *sig;
    int insecure;
} sig_files;

/* One option table for the three commands: key_flag is -inkey or -pubin,
 * sig_flag -out or -signature; `insecure` offers --insecure-verify. */
static int sig_files_parse(const char *cmd, const char *key_flag, const char *key_help,
                           const char *sig_flag, const char *sig_help, int insecure,
                           const char *synopsis, const char *about, const char *example,
                           int argc, char **argv, sig_files *f)
{
    memset(f, 0, sizeof *f);
    const opt opts[] = {
        OPTION_STRING(key_flag, NULL, "KEY", key_help, &f->key),
        OPTION_STRING("-in", NULL, "FILE", "the message", &f->in),
        OPTION_STRING(sig_flag, NULL, "SIG", sig_help, &f->sig),
        OPTION_FLAG("--insecure-verify", NULL,
                    "use a sloppy verifier that stops reading after the hash (lab\n"
                    "build only)", &f->insecure),
        OPTION_END,
    };
    opt table[sizeof opts / sizeof opts[0]];
    memcpy(table, opts, sizeof opts);
    if (!insecure)
        table[3] = table[4];   /* no --insecure-verify: the table ends there */
    int st = lab_parse(cmd, synopsis, about, table, example, argc, argv);
    if (st == OPT_RUN && (f->key == NULL || f->in == NULL || f->sig == NULL))
        return io_error(cmd, "needs %s, -in and %s (see --help)", key_flag, sig_flag);
    return st;
}

/* See lab_common.h. */
int lab_rsa_sign(int argc, char **argv)
{
    const char *cmd = "lab rsa-sign";
    sig_files f;
    int st = sig_files_parse(
        cmd, "-inkey", "a lab key file from rsa-keygen", "-out", "where to write the signature", 0,
        "-inkey KEY -in FILE -out SIG",
        "RSASSA-PKCS1-v1_5 with SHA-256 (RFC 8017 §8.2.1) using a lab key file.\n",
        "  glass lab rsa-sign -inkey e3.key -in msg.txt -out msg.sig\n", argc, argv, &f);
    if (st != OPT_RUN)
        return st;
    int rc = 1;
    rsa_private_key key;
    rsa_private_init(&key);
    uint8_t *msg = NULL, *sig = NULL;
    size_t msg_len = 0;
    if (load_private(cmd, f.key, &key) || lab_read(cmd, f.in, &msg, &msg_len))
        goto cleanup;
    sig = malloc(key.k);
    if (sig == NULL)
        goto cleanup;
    glass_err err = rsa_pkcs1v15_sign(&key, msg, msg_len, sig);
    if (err != GLASS_OK) {
        io_error(cmd, "%s", glass_strerror(err));
        goto cleanup;
    }
    if (lab_write(cmd, f.sig, sig, key.k))
        goto cleanup;
    rc = 0;
cleanup:
    free(msg);
    free(sig);
    rsa_private_clear(&key);
    return rc;
}

/* ---- the forgery ----------------------------------------------------------- */

/* See lab_common.h. */
int lab_rsa_forge_e3(int argc, char **argv)
{
    const char *cmd = "lab rsa-forge-e3";
    sig_files f;
    int st = sig_files_parse(
        cmd, "-pubin", "the public key file (e = 3)", "-out",
        "where to write the forged signature", 0, "-pubin PUB -in FILE -out SIG",
        "Forges a PKCS#1 v1.5 SHA-256 signature on FILE for a public key with e = 3,\n"
        "without the private key (Bleichenbacher 2006): s = the cube root, rounded up,\n"
        "of 00 01 FF 00 || DigestInfo || SHA-256(FILE) || 00..00.  s^3 begins with\n"
        "those bytes and ends in garbage; a verifier that stops reading after the\n"
        "hash accepts it.  Needs a modulus of at least 2048 bits.\n",
        "  glass lab rsa-forge-e3 -pubin e3.pub -in evil.txt -out evil.sig\n", argc, argv, &f);
    if (st != OPT_RUN)
        return st;
    int rc = 1;
    rsa_public_key pub;
    rsa_public_init(&pub);
    uint8_t *msg = NULL, *T = NULL, *sig = NULL, *EM = NULL;
    size_t msg_len = 0;
    mpz_t lo, hi, s, s3;
    mpz_inits(lo, hi, s, s3, NULL);
    if (load_public(cmd, f.key, &pub) || lab_read(cmd, f.in, &msg, &msg_len))
        goto cleanup;
    if (mpz_cmp_ui(pub.e, 3) != 0) {
        io_error(cmd, "this forgery needs e = 3 (the key has another exponent)");
        goto cleanup;
    }
    size_t k = pub.k;
    T = calloc(k, 1);
    sig = malloc(k);
    EM = malloc(k);
    if (T == NULL || sig == NULL || EM == NULL)
        goto cleanup;

    /* 1. The bytes the sloppy verifier looks at:
     *        00 01 FF 00 || DigestInfo(SHA-256) || H      (55 bytes)
     *    followed by k - 55 bytes it never reads. */
    size_t at = 0;
    T[at++] = 0x00;
    T[at++] = 0x01;
    T[at++] = 0xff;
    T[at++] = 0x00;
    memcpy(T + at, digest_info_sha256, sizeof digest_info_sha256);
    at += sizeof digest_info_sha256;
    sha256(msg, msg_len, T + at);
    at += SHA256_DIGEST_LEN;

    /* 2. lo = prefix || 00..00 and hi = prefix || FF..FF as integers. */
    rsa_os2ip(lo, T, k);
    memset(T + at, 0xff, k - at);
    rsa_os2ip(hi, T, k);

    /* 3. s = ceil(cbrt(lo)).  Then lo <= s^3 < lo + 3s^2 + 3s + 1, and for a
     *    2048-bit n, 3s^2 is about 2^1368: far less than the 2^1608 of
     *    garbage room, so s^3 <= hi keeps the prefix intact. */
    if (mpz_root(s, lo, 3) == 0)
        mpz_add_ui(s, s, 1);
    mpz_pow_ui(s3, s, 3);
    if (mpz_cmp(s3, hi) > 0 || mpz_cmp(s3, pub.n) >= 0) {
        io_error(cmd, "the modulus is too small for this forgery (use 2048 bits or more)");
        goto cleanup;
    }
    if (rsa_i2osp(s, sig, k) != GLASS_OK || rsa_i2osp(s3, EM, k) != GLASS_OK)
        goto cleanup;
    printf("forged without the private key (e = 3, k = %zu bytes)\n", k);
    lab_print_hex("target prefix 00 01 FF 00 || DigestInfo || H", T, at);
    lab_print_hex("s = ceil(cbrt(prefix || 00..00))", sig, k);
    lab_print_hex("s^3 (no reduction mod n needed: s^3 < n)", EM, k);
    printf("the first %zu bytes of s^3 are the prefix; the other %zu are garbage\n", at, k - at);
    if (lab_write(cmd, f.sig, sig, k))
        goto cleanup;
    rc = 0;

cleanup:
    mpz_clears(lo, hi, s, s3, NULL);
    free(msg);
    free(T);
    free(sig);
    free(EM);
    rsa_public_clear(&pub);
    return rc;
}

/* ---- verification, strict and sloppy ------------------------------------- */

/* The bug of 2006, on purpose: parses EM from the left,
 *     00 01, then one or more FF, then 00, then DigestInfo, then H,
 * and returns 1 if H matches — without checking that H ends exactly at the
 * last byte of EM (nor that there are at least 8 FF bytes).  RFC 8017
 * §8.2.2 step 4 avoids the whole class of bugs: build the expected EM and
 * compare all k bytes. */
int lab_rsa_sloppy_verify(const uint8_t *EM, size_t k, const uint8_t H[SHA256_DIGEST_LEN])
{
    size_t i = 0;
    if (k < 11 || EM[i++] != 0x00 || EM[i++] != 0x01)
        return 0;
    if (EM[i] != 0xff)
        return 0;
    while (i < k && EM[i] == 0xff)
        i++;
    if (i >= k || EM[i++] != 0x00)
        return 0;
    if (k - i < sizeof digest_info_sha256 + SHA256_DIGEST_LEN)
        return 0;
    if (memcmp(EM + i, digest_info_sha256, sizeof digest_info_sha256) != 0)
        return 0;
    i += sizeof digest_info_sha256;
    return memcmp(EM + i, H, SHA256_DIGEST_LEN) == 0;   /* ...and stops reading here */
}

/* See lab_common.h. */
int lab_rsa_verify(int argc, char **argv)
{
    const char *cmd = "lab rsa-verify";
    sig_files f;
    int st = sig_files_parse(
        cmd, "-pubin", "the public key file", "-signature", "the signature to check", 1,
        "-pubin PUB -in FILE -signature SIG [--insecure-verify]",
        "Verifies a PKCS#1 v1.5 SHA-256 signature with a lab public key file, with the\n"
        "library's verifier (RFC 8017 §8.2.2: re-encode, compare all k bytes).\n"
        "Prints \"Verified OK\" (exit 0) or \"Verification failure\" (exit 1).\n",
        "  glass lab rsa-verify -pubin e3.pub -in evil.txt -signature evil.sig\n", argc, argv, &f);
    if (st != OPT_RUN)
        return st;
    int rc = 1;
    rsa_public_key pub;
    rsa_public_init(&pub);
    uint8_t *msg = NULL, *sig = NULL, *EM = NULL;
    size_t msg_len = 0, sig_len = 0;
    mpz_t s, m;
    mpz_inits(s, m, NULL);
    if (load_public(cmd, f.key, &pub) || lab_read(cmd, f.in, &msg, &msg_len) ||
        lab_read(cmd, f.sig, &sig, &sig_len))
        goto cleanup;
    int ok = 0;
    if (!f.insecure) {
        ok = rsa_pkcs1v15_verify(&pub, msg, msg_len, sig, sig_len) == GLASS_OK;
    } else {
        io_insecure_banner("--insecure-verify: PKCS#1 v1.5 parsed sloppily");
        uint8_t H[SHA256_DIGEST_LEN];
        EM = malloc(pub.k);
        if (EM == NULL)
            goto cleanup;
        if (sig_len == pub.k) {
            /* RSAVP1 (RFC 8017 §5.2.2) done right; only the parsing is wrong. */
            rsa_os2ip(s, sig, sig_len);
            if (mpz_cmp(s, pub.n) < 0) {
                mpz_powm(m, s, pub.e, pub.n);
                sha256(msg, msg_len, H);
                ok = rsa_i2osp(m, EM, pub.k) == GLASS_OK && lab_rsa_sloppy_verify(EM, pub.k, H);
            }
        }
    }
    printf("%s\n", ok ? "Verified OK" : "Verification failure");
    rc = ok ? 0 : 1;

cleanup:
    mpz_clears(s, m, NULL);
    free(msg);
    free(sig);
    free(EM);
    rsa_public_clear(&pub);
    return rc;
}

#else
/* The normal build has no lab code; this keeps the file a valid C11 unit. */
typedef int lab_rsa_not_in_this_build;
#endif
