/*
 * kind_rsa_sig.c — NIST CAVP RSA signature files, FIPS 186-2 and 186-3
 * editions (RSA2VS / 186-3 RSAVS), two kinds:
 *
 *   SigGen   records SHAAlg, Msg, S (no Result): S is the signature a
 *            correct signer makes; the files give n and e, seldom d
 *   SigVer   records SHAAlg, Msg, S, Result: verification must accept
 *            exactly the Result = P cases
 *
 * The scheme comes from the header ("PKCS#1 Ver 1.5", "RSASSA-PSS",
 * "X9.31"); without one, SaltVal fields mean PSS.  X9.31 is not implemented: such
 * cases are skipped with that reason.  Only SHAAlg = SHA256 runs.
 *
 * Layouts differ between NIST releases and all are read: n, e, d, p, q
 * come from the case record or are inherited (nist_param) from an earlier
 * record of the section — n alone, e in the first case only, p and q in a
 * record of their own or absent.  The PSS salt length is found, in this
 * order, from: SaltVal in the record (CAVP writes SaltVal = 00 for an empty
 * salt, hence "Salt len: 0" wins over it), a [SaltLen = n] or [sLen = n]
 * section, a "# Salt len: n" comment above the record or in the header.  A
 * SaltVal whose length contradicts a stated non-zero length is an error:
 * the runner never guesses a salt length.
 *
 * SigGen, without d.  x -> x^e mod n is a permutation of 0..n-1, so S is
 * the one number whose e-th power is the encoded message, and
 *     I2OSP(S^e mod n) == EMSA-ENCODE(Msg)    <=>    our signer outputs S.
 * For v1.5 (RFC 8017 §9.2) the encoding is deterministic.  For PSS (RFC 8017
 * §9.1.1) with a salt we were not told, the salt is taken from S^e's own
 * DB (after unmasking with MGF1) and our encoder must rebuild EM byte for
 * byte from it.  Then our verifier must accept S.
 *
 * SigVer.  For every Result = P case, when the file gives d, we also SIGN
 * with glasstls's signer (the CRT private operation, after
 * rsa_private_set_crt and rsa_check_private) and compare with S byte for
 * byte; when the file gives no p and q, they are recovered from n, e and d
 * as SP 800-56B Rev. 2 Appendix C shows (rsa_recover_primes).
 *
 * CT: not applicable (public test data).
 */
#include "nist/nist.h"
#include "rsa/rsa.h"
#include "rsa/rsa_internal.h"
#include "sha/sha256.h"

#include <stdlib.h>
#include <string.h>

enum scheme { PKCS1V15, PSS, X931, UNKNOWN };

static enum scheme scheme_of(const rsp_file *f)
{
    static const char *const salt[] = {"SaltVal", NULL};
    if (nist_header_has(f, "X9.31"))
        return X931;
    if (nist_header_has(f, "PSS"))
        return PSS;
    if (nist_header_has(f, "Ver 1.5") || nist_header_has(f, "v1.5") ||
        nist_header_has(f, "v1_5"))
        return PKCS1V15;
    /* No word in the header: SaltVal fields mean PSS.  (NIST's v1.5
     * SigVer files carry "SaltVal = 00" too, hence the header first.) */
    return nist_records_with(f, salt) > 0 ? PSS : UNKNOWN;
}

static int has_result(const rsp_file *f)
{
    static const char *const res[] = {"Result", NULL};
    return nist_records_with(f, res) > 0;
}

/* S is not required: a request file (.req, no S) is still recognised, and
 * then holds no case, which the runner reports. */
static int recognise_siggen(const rsp_file *f)
{
    static const char *const fields[] = {"SHAAlg", "Msg", NULL};
    return nist_records_with(f, fields) > 0 && !has_result(f);
}

static int recognise_sigver(const rsp_file *f)
{
    static const char *const fields[] = {"SHAAlg", "Msg", "S", "Result", NULL};
    return nist_records_with(f, fields) > 0;
}

static const char *expected_s(const nist_run *r, const rsp_record *rec)
{
    (void)r;
    return nist_rsp_get(rec, "S") != NULL && nist_rsp_get(rec, "Msg") != NULL ? "S" : NULL;
}

static const char *expected_result(const nist_run *r, const rsp_record *rec)
{
    (void)r;
    return nist_rsp_get(rec, "Result") != NULL ? "Result" : NULL;
}

/* Field NAME (as nist_param) as an integer; -1 after nist_malformed. */
static int param_mpz(nist_run *r, const rsp_record *rec, const char *name, mpz_t x)
{
    uint8_t *b = NULL;
    size_t len = 0;
    if (nist_hex(r, rec, name, 1, &b, &len) != 0)
        return -1;
    rsa_os2ip(x, b, len);
    free(b);
    return 0;
}

/* The salt length the file states for this record, or -1. */
static long stated_salt_len(const nist_run *r, const rsp_record *rec)
{
    static const char *const names[] = {"SaltLen", "sLen", "Salt len", "saltLen"};
    const char *v = NULL;
    for (size_t i = 0; i < 4 && v == NULL; i++)
        v = nist_param(r, rec, names[i]);
    if (v == NULL)
        v = nist_rsp_comment_get(r->file, rec->line, "Salt len");
    if (v == NULL || v[0] < '0' || v[0] > '9')
        return -1;
    return strtol(v, NULL, 10);
}

/* The PSS salt of a record: *salt (malloc'd or NULL) and *len, or, with
 * no SaltVal, *salt = NULL and *len the stated length.  -1 if malformed. */
static int pss_salt(nist_run *r, const rsp_record *rec, uint8_t **salt, size_t *len)
{
    long stated = stated_salt_len(r, rec);
    *salt = NULL;
    *len = 0;
    if (nist_rsp_get(rec, "SaltVal") != NULL) {
        if (nist_hex(r, rec, "SaltVal", 0, salt, len) != 0)
            return -1;
        if (stated == 0) {
            *len = 0;       /* "SaltVal = 00" with "Salt len: 0": no salt */
        } else if (stated > 0 && (size_t)stated != *len) {
            nist_malformed(r, nist_rsp_line(rec, "SaltVal"),
                           "SaltVal has %zu bytes but the file states a salt length of %ld",
                           *len, stated);
            return -1;
        }
        return 0;
    }
    if (stated < 0) {
        nist_malformed(r, rec->line, "PSS case with neither SaltVal nor a stated salt length");
        return -1;
    }
    *len = (size_t)stated;
    return 0;
}

/* Common start of a case: the scheme, SHA-256, the public key.  Returns 1
 * when the case is to run, 0 when it was counted (skipped) or is
 * malformed. */
static int case_start(nist_run *r, const rsp_record *rec, rsa_public_key *pub, enum scheme *s)
{
    const char *alg = nist_param(r, rec, "SHAAlg");
    *s = scheme_of(r->file);
    if (*s == X931) {
        nist_skip(r, rec, "ANSI X9.31 signatures not implemented");
        return 0;
    }
    if (*s == UNKNOWN) {
        nist_malformed(r, rec->line, "which signature scheme? (no PKCS#1 Ver 1.5, PSS or "
                                     "X9.31 in the header, no SaltVal)");
        return 0;
    }
    if (alg == NULL || strcmp(alg, "SHA256") != 0) {
        nist_skip(r, rec, "SHA-1/224/384/512 not implemented");
        return 0;
    }
    if (param_mpz(r, rec, "n", pub->n) != 0 || param_mpz(r, rec, "e", pub->e) != 0)
        return 0;
    return 1;
}

/* PSS: the salt inside EM (RFC 8017 §9.1.2 steps 7-10, run forwards):
 * DB = maskedDB xor MGF1(H, emLen - hLen - 1), top bits cleared; salt =
 * the last sLen bytes of DB.  -1 if EM is too short for sLen. */
static int salt_from_em(const uint8_t *EM, size_t emLen, size_t emBits, size_t sLen,
                        uint8_t *salt)
{
    size_t hLen = SHA256_DIGEST_LEN, dbLen;
    if (emLen < hLen + sLen + 2)
        return -1;
    dbLen = emLen - hLen - 1;
    uint8_t *DB = malloc(dbLen);
    if (DB == NULL)
        return -1;
    rsa_mgf1_sha256(EM + dbLen, hLen, DB, dbLen);
    for (size_t i = 0; i < dbLen; i++)
        DB[i] ^= EM[i];
    DB[0] &= (uint8_t)(0xff >> (8 * emLen - emBits));
    memcpy(salt, DB + dbLen - sLen, sLen);
    free(DB);
    return 0;
}

/* SigGen: I2OSP(S^e mod n, emLen) must equal our encoding of Msg. */
static void run_siggen(nist_run *r, const rsp_record *rec, void *state)
{
    uint8_t *msg = NULL, *S = NULL, *EM = NULL, *EM2 = NULL, *salt = NULL;
    size_t msg_len = 0, S_len = 0, salt_len = 0;
    uint8_t mHash[SHA256_DIGEST_LEN];
    rsa_public_key pub;
    enum scheme sch;
    glass_err err;
    mpz_t s, m;
    (void)state;
    if (expected_s(r, rec) == NULL)
        return;
    rsa_public_init(&pub);
    mpz_inits(s, m, NULL);
    if (!case_start(r, rec, &pub, &sch) || nist_hex(r, rec, "Msg", 0, &msg, &msg_len) != 0 ||
        nist_hex(r, rec, "S", 0, &S, &S_len) != 0 ||
        (sch == PSS && pss_salt(r, rec, &salt, &salt_len) != 0))
        goto cleanup;
    if ((err = rsa_check_public(&pub)) != GLASS_OK) {
        nist_fail(r, rec, "n, e", "a usable public key", glass_strerror(err));
        goto cleanup;
    }
    size_t modBits = mpz_sizeinbase(pub.n, 2), k = pub.k;
    size_t emLen = sch == PKCS1V15 ? k : (modBits - 1 + 7) / 8;
    EM = malloc(k);
    EM2 = malloc(k);
    if (EM == NULL || EM2 == NULL || (salt == NULL && (salt = malloc(salt_len + 1)) == NULL)) {
        nist_fail(r, rec, "S", "a signature", "out of memory");
        goto cleanup;
    }
    /* S^e mod n, as emLen bytes. */
    rsa_os2ip(s, S, S_len);
    err = S_len == k ? rsa_public_op(pub.n, pub.e, s, m) : GLASS_ERR_RSA_SIG_LENGTH;
    if (err == GLASS_OK)
        err = rsa_i2osp(m, EM2, emLen);
    if (err != GLASS_OK) {
        nist_fail(r, rec, "S", "a signature", glass_strerror(err));
        goto cleanup;
    }
    sha256(msg, msg_len, mHash);
    if (sch == PKCS1V15) {
        err = rsa_emsa_pkcs1v15_encode(mHash, EM, emLen);
    } else {
        if (nist_rsp_get(rec, "SaltVal") == NULL && salt_from_em(EM2, emLen, modBits - 1,
                                                            salt_len, salt) != 0)
            memset(salt, 0, salt_len);
        err = rsa_emsa_pss_encode(mHash, salt, salt_len, modBits - 1, EM);
    }
    if (err != GLASS_OK) {
        nist_fail(r, rec, "EM", "an encoding", glass_strerror(err));
    } else if (memcmp(EM, EM2, emLen) != 0) {
        nist_fail_bytes(r, rec, "S^e mod n (the encoded message)", EM2, emLen, EM, emLen);
    } else {
        err = sch == PKCS1V15 ? rsa_pkcs1v15_verify(&pub, msg, msg_len, S, S_len)
                              : rsa_pss_verify(&pub, msg, msg_len, salt_len, S, S_len);
        if (err != GLASS_OK)
            nist_fail(r, rec, "verify(S)", "accepted", glass_strerror(err));
        else
            nist_pass(r, rec);
    }
cleanup:
    free(msg);
    free(S);
    free(EM);
    free(EM2);
    free(salt);
    mpz_clears(s, m, NULL);
    rsa_public_clear(&pub);
}

/* Signs Msg again with the file's private key into sig (k bytes), with
 * glasstls's own signer (CRT, blinding, the fault check), after the key
 * checks; p and q from the file or, when it gives none, recovered from d
 * (SP 800-56B Rev. 2 Appendix C, rsa_recover_primes). */
static glass_err sign_again(nist_run *r, const rsp_record *rec, const rsa_public_key *pub,
                            enum scheme sch, const uint8_t *msg, size_t msg_len,
                            const uint8_t *salt, size_t salt_len, uint8_t *sig)
{
    rsa_private_key priv;
    glass_err err = GLASS_ERR_ARG;
    rsa_private_init(&priv);
    mpz_set(priv.n, pub->n);
    mpz_set(priv.e, pub->e);
    if (param_mpz(r, rec, "d", priv.d) != 0)
        goto done;
    if (nist_param(r, rec, "p") != NULL && nist_param(r, rec, "q") != NULL) {
        if (param_mpz(r, rec, "p", priv.p) != 0 || param_mpz(r, rec, "q", priv.q) != 0)
            goto done;
    } else if ((err = rsa_recover_primes(priv.n, priv.e, priv.d, priv.p, priv.q)) != GLASS_OK) {
        goto done;
    }
    err = rsa_private_set_crt(&priv);
    if (err == GLASS_OK)
        err = rsa_check_private(&priv);
    if (err == GLASS_OK)
        err = sch == PKCS1V15 ? rsa_pkcs1v15_sign(&priv, msg, msg_len, sig)
                              : rsa_pss_sign_with_salt(&priv, msg, msg_len, salt, salt_len, sig);
done:
    rsa_private_clear(&priv);
    return err;
}

/* SigVer: verify; for Result = P also sign with the file's key. */
static void run_sigver(nist_run *r, const rsp_record *rec, void *state)
{
    uint8_t *msg = NULL, *S = NULL, *salt = NULL, *mine = NULL;
    size_t msg_len = 0, S_len = 0, salt_len = 0;
    const char *result = nist_rsp_get(rec, "Result");
    rsa_public_key pub;
    enum scheme sch;
    glass_err err;
    (void)state;
    if (result == NULL)
        return;
    rsa_public_init(&pub);
    if (result[0] != 'P' && result[0] != 'F') {
        nist_malformed(r, nist_rsp_line(rec, "Result"), "Result is neither P nor F");
        goto cleanup;
    }
    int expect_pass = result[0] == 'P';
    if (!case_start(r, rec, &pub, &sch) || nist_hex(r, rec, "Msg", 0, &msg, &msg_len) != 0 ||
        nist_hex(r, rec, "S", 0, &S, &S_len) != 0 ||
        (sch == PSS && pss_salt(r, rec, &salt, &salt_len) != 0))
        goto cleanup;

    /* 1. Verify: accepted exactly when Result = P. */
    err = rsa_check_public(&pub);
    if (err == GLASS_OK)
        err = sch == PKCS1V15 ? rsa_pkcs1v15_verify(&pub, msg, msg_len, S, S_len)
                              : rsa_pss_verify(&pub, msg, msg_len, salt_len, S, S_len);
    if (expect_pass && err != GLASS_OK) {
        nist_fail(r, rec, "verify", "accepted (Result = P)", glass_strerror(err));
        goto cleanup;
    }
    if (!expect_pass && err == GLASS_OK) {
        nist_fail(r, rec, "verify", result, "accepted");
        goto cleanup;
    }
    /* 2. Result = P with d known (and the salt, for PSS): sign again. */
    if (!expect_pass || nist_param(r, rec, "d") == NULL || (sch == PSS && salt == NULL &&
                                                            salt_len > 0)) {
        nist_pass(r, rec);
        goto cleanup;
    }
    mine = malloc(pub.k);
    if (mine == NULL) {
        nist_fail(r, rec, "S", "a signature", "out of memory");
        goto cleanup;
    }
    err = sign_again(r, rec, &pub, sch, msg, msg_len, salt, salt_len, mine);
    if (err != GLASS_OK)
        nist_fail(r, rec, "sign with the file's private key", "a signature",
                  glass_strerror(err));
    else
        nist_check_bytes(r, rec, "S (signed again with the file's private key)", S, S_len,
                         mine, pub.k);
cleanup:
    free(msg);
    free(S);
    free(salt);
    free(mine);
    rsa_public_clear(&pub);
}

const nist_kind nist_kind_rsa_siggen = {"RSA SigGen", recognise_siggen, expected_s,
                                        run_siggen, 0, NULL};
const nist_kind nist_kind_rsa_sigver = {"RSA SigVer", recognise_sigver, expected_result,
                                        run_sigver, 0, NULL};
