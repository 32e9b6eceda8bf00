/*
 * vec_rsa.c — NIST CAVP RSA signature files (FIPS 186-3 test vectors):
 *
 *   SigGen15_186-3.rsp    RSASSA-PKCS1-v1_5 signature generation
 *   SigGenPSS_186-3.rsp   RSASSA-PSS signature generation (salt length 0)
 *   SigVer15_186-3.rsp    RSASSA-PKCS1-v1_5 verification, Result = P or F
 *   SigVerPSS_186-3.rsp   RSASSA-PSS verification, Result = P or F
 *
 * Only the SHA-256 cases run; the others are counted as skipped.
 *
 * The SigGen files give n and e, the message and the expected signature S,
 * but no private key at all (neither d nor p, q).  So a SigGen case checks the
 * part of signing that is ours to get right — the encoding — exactly: since
 * x -> x^e mod n is a permutation of 0..n-1, S is the one number whose e-th
 * power is the encoded message, and
 *     I2OSP(S^e mod n) == EMSA-ENCODE(Msg)    <=>    our signer outputs S.
 * For PSS the files' salt length is 0, so the encoding is deterministic; the
 * explicit-salt entry rsa_emsa_pss_encode (rsa_internal.h) builds it.  The
 * case also runs our verifier on S.
 *
 * The SigVer files do give a full key (n, e, d and p, q), so for every
 * Result = P case we also SIGN with our CRT private operation (PSS with the
 * file's SaltVal through rsa_pss_sign_with_salt, so the signature is
 * reproducible) and compare with S byte for byte, after rsa_private_set_crt
 * and rsa_check_private on the file's key.  Every Result = F case must be
 * rejected by the verifier, every Result = P case accepted.
 *
 * The files use 1024-bit moduli too: keys loaded for verification may be as
 * small as RSA_MIN_BITS_LOADED (1024); glasstls never makes such keys.
 */
#include "apps.h"
#include "rsa/rsa.h"
#include "rsa/rsa_internal.h"
#include "sha/sha256.h"

#include <stdlib.h>
#include <string.h>

enum kind { SIGGEN15, SIGGENPSS, SIGVER15, SIGVERPSS };

static int kind_of(const char *base)
{
    if (strncmp(base, "SigGen15", 8) == 0)
        return SIGGEN15;
    if (strncmp(base, "SigGenPSS", 9) == 0)
        return SIGGENPSS;
    if (strncmp(base, "SigVer15", 8) == 0)
        return SIGVER15;
    if (strncmp(base, "SigVerPSS", 9) == 0)
        return SIGVERPSS;
    return -1;
}

static int claims(const char *base, const rsp_file *f)
{
    (void)f;
    return kind_of(base) >= 0;
}

/* Loads field NAME as an integer; -1 (after vec_malformed) if absent/bad. */
static int field_mpz(vec_run *r, const rsp_record *rec, const char *name, mpz_t x)
{
    uint8_t *b = NULL;
    size_t len = 0;
    if (vec_field_hex(r, rec, name, &b, &len) != 0)
        return -1;
    rsa_os2ip(x, b, len);
    free(b);
    return 0;
}

struct state {
    enum kind kind;
    mpz_t n, e, p, q;
    int have_n, have_pq;        /* have_pq: 1 = p seen, 2 = q seen, 3 = both */
    long salt_len_header;       /* "# Salt len: N", or -1 */
};

/* SigGen: I2OSP(S^e mod n, emLen) must equal the encoding of Msg. */
static void run_siggen(vec_run *r, const rsp_record *rec, struct state *st)
{
    uint8_t *msg = NULL, *S = NULL, *EM = NULL, *EM2 = NULL;
    size_t msg_len = 0, S_len = 0;
    size_t modBits = mpz_sizeinbase(st->n, 2), k = (modBits + 7) / 8;
    size_t emLen = st->kind == SIGGEN15 ? k : (modBits - 1 + 7) / 8;
    uint8_t mHash[SHA256_DIGEST_LEN];
    rsa_public_key pub;
    glass_err err;
    mpz_t s, m;
    rsa_public_init(&pub);
    mpz_inits(s, m, NULL);
    if (vec_field_hex(r, rec, "Msg", &msg, &msg_len) != 0 ||
        vec_field_hex(r, rec, "S", &S, &S_len) != 0)
        goto cleanup;
    EM = malloc(k);
    EM2 = malloc(k);
    if (EM == NULL || EM2 == NULL) {
        vec_fail(r, rec, "S", "a signature", "out of memory");
        goto cleanup;
    }
    mpz_set(pub.n, st->n);
    mpz_set(pub.e, st->e);
    if ((err = rsa_check_public(&pub)) != GLASS_OK) {
        vec_fail(r, rec, "n, e", "a usable public key", glass_strerror(err));
        goto cleanup;
    }
    sha256(msg, msg_len, mHash);
    if (st->kind == SIGGEN15) {
        err = rsa_emsa_pkcs1v15_encode(mHash, EM, emLen);
    } else {
        uint8_t *salt = NULL;
        size_t salt_len = 0;
        if (rsp_get(rec, "SaltVal") != NULL &&
            vec_field_hex(r, rec, "SaltVal", &salt, &salt_len) != 0)
            goto cleanup;
        if (st->salt_len_header == 0)
            salt_len = 0;
        err = rsa_emsa_pss_encode(mHash, salt, salt_len, modBits - 1, EM);
        free(salt);
    }
    if (err != GLASS_OK) {
        vec_fail(r, rec, "EM", "an encoding", glass_strerror(err));
        goto cleanup;
    }
    /* S^e mod n, as emLen bytes. */
    rsa_os2ip(s, S, S_len);
    err = S_len == k ? rsa_public_op(pub.n, pub.e, s, m) : GLASS_ERR_RSA_SIG_LENGTH;
    if (err == GLASS_OK)
        err = rsa_i2osp(m, EM2, emLen);
    if (err != GLASS_OK) {
        vec_fail(r, rec, "S", "a signature", glass_strerror(err));
        goto cleanup;
    }
    if (memcmp(EM, EM2, emLen) != 0) {
        vec_fail_bytes(r, rec, "S^e mod n (the encoded message)", EM2, emLen, EM, emLen);
        goto cleanup;
    }
    /* And our verifier accepts S. */
    err = st->kind == SIGGEN15 ? rsa_pkcs1v15_verify(&pub, msg, msg_len, S, S_len)
                               : rsa_pss_verify(&pub, msg, msg_len, 0, S, S_len);
    if (err != GLASS_OK) {
        vec_fail(r, rec, "verify(S)", "accepted", glass_strerror(err));
        goto cleanup;
    }
    vec_pass(r);
cleanup:
    free(msg);
    free(S);
    free(EM);
    free(EM2);
    mpz_clears(s, m, NULL);
    rsa_public_clear(&pub);
}

/* SigVer: verify; for Result = P also sign with the file's key and compare. */
static void run_sigver(vec_run *r, const rsp_record *rec, struct state *st)
{
    uint8_t *msg = NULL, *S = NULL, *salt = NULL, *mine = NULL;
    size_t msg_len = 0, S_len = 0, salt_len = 0;
    const char *result = rsp_get(rec, "Result");
    int expect_pass;
    rsa_public_key pub;
    rsa_private_key priv;
    glass_err err;
    rsa_public_init(&pub);
    rsa_private_init(&priv);
    if (result == NULL || (result[0] != 'P' && result[0] != 'F')) {
        vec_malformed(r, rec->line, "record without Result = P or F");
        goto cleanup;
    }
    expect_pass = result[0] == 'P';
    if (st->have_pq != 3) {
        vec_malformed(r, rec->line, "no p and q before this record");
        goto cleanup;
    }
    if (field_mpz(r, rec, "e", pub.e) != 0 || field_mpz(r, rec, "d", priv.d) != 0 ||
        vec_field_hex(r, rec, "Msg", &msg, &msg_len) != 0 ||
        vec_field_hex(r, rec, "S", &S, &S_len) != 0)
        goto cleanup;
    if (st->kind == SIGVERPSS) {
        if (vec_field_hex(r, rec, "SaltVal", &salt, &salt_len) != 0)
            goto cleanup;
        if (st->salt_len_header == 0)
            salt_len = 0;
    }
    mpz_set(pub.n, st->n);

    /* 1. Verify: accepted exactly when Result = P. */
    err = st->kind == SIGVER15 ? rsa_pkcs1v15_verify(&pub, msg, msg_len, S, S_len)
                               : rsa_pss_verify(&pub, msg, msg_len, salt_len, S, S_len);
    if (expect_pass && err != GLASS_OK) {
        vec_fail(r, rec, "verify", "accepted (Result = P)", glass_strerror(err));
        goto cleanup;
    }
    if (!expect_pass && err == GLASS_OK) {
        vec_fail(r, rec, "verify", result, "accepted");
        goto cleanup;
    }

    /* 2. Result = P: sign with the CRT private operation and compare. */
    if (expect_pass) {
        mpz_set(priv.n, st->n);
        mpz_set(priv.e, pub.e);
        mpz_set(priv.p, st->p);
        mpz_set(priv.q, st->q);
        err = rsa_private_set_crt(&priv);
        if (err == GLASS_OK)
            err = rsa_check_private(&priv);
        if (err != GLASS_OK) {
            vec_fail(r, rec, "private key (n, e, d, p, q)", "consistent", glass_strerror(err));
            goto cleanup;
        }
        mine = malloc(priv.k);
        if (mine == NULL) {
            vec_fail(r, rec, "S", "a signature", "out of memory");
            goto cleanup;
        }
        err = st->kind == SIGVER15
                  ? rsa_pkcs1v15_sign(&priv, msg, msg_len, mine)
                  : rsa_pss_sign_with_salt(&priv, msg, msg_len, salt, salt_len, mine);
        if (err != GLASS_OK) {
            vec_fail(r, rec, "sign", "a signature", glass_strerror(err));
            goto cleanup;
        }
        if (!vec_check_bytes(r, rec, "S (signed again with d, p, q)", S, S_len, mine, priv.k))
            goto cleanup;
        goto cleanup;           /* vec_check_bytes counted the pass */
    }
    vec_pass(r);
cleanup:
    free(msg);
    free(S);
    free(salt);
    free(mine);
    rsa_public_clear(&pub);
    rsa_private_clear(&priv);
}

static void run(vec_run *r, const rsp_file *f)
{
    struct state st;
    const char *sl;
    st.kind = (enum kind)kind_of(r->base);
    st.have_n = st.have_pq = 0;
    st.salt_len_header = -1;
    sl = f->header != NULL ? strstr(f->header, "Salt len:") : NULL;
    if (sl != NULL)
        st.salt_len_header = strtol(sl + 9, NULL, 10);
    mpz_inits(st.n, st.e, st.p, st.q, NULL);
    for (size_t i = 0; i < f->nrecords && !r->malformed; i++) {
        const rsp_record *rec = &f->records[i];
        const char *alg = rsp_get(rec, "SHAAlg");
        if (alg == NULL) {
            /* A key record: n (and, in SigGen, e), or p and q. */
            if (rsp_get(rec, "n") != NULL) {
                if (field_mpz(r, rec, "n", st.n) != 0)
                    break;
                st.have_n = 1;
                st.have_pq = 0;
                if (rsp_get(rec, "e") != NULL && field_mpz(r, rec, "e", st.e) != 0)
                    break;
            }
            /* p and q come in one record or in two. */
            if (rsp_get(rec, "p") != NULL) {
                if (field_mpz(r, rec, "p", st.p) != 0)
                    break;
                st.have_pq |= 1;
            }
            if (rsp_get(rec, "q") != NULL) {
                if (field_mpz(r, rec, "q", st.q) != 0)
                    break;
                st.have_pq |= 2;
            }
            continue;
        }
        if (strcmp(alg, "SHA256") != 0) {
            vec_skip(r, rec, "SHA-1/224/384/512 not implemented");
            continue;
        }
        if (!st.have_n) {
            vec_malformed(r, rec->line, "case before any modulus n");
            break;
        }
        if (st.kind == SIGGEN15 || st.kind == SIGGENPSS)
            run_siggen(r, rec, &st);
        else
            run_sigver(r, rec, &st);
    }
    mpz_clears(st.n, st.e, st.p, st.q, NULL);
}

const struct vec_handler vec_rsa = {"RSA signatures", claims, run};
