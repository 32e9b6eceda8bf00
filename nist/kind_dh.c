/*
 * kind_dh.c — NIST CAVS KAS FFC validity files, "ZZ only", static and
 * ephemeral, initiator and responder:
 *
 *     KASValidityTest_FFCStatic_NOKC_ZZOnly_init.fax   IUT as initiator
 *     KASValidityTest_FFCStatic_NOKC_ZZOnly_resp.fax   IUT as responder
 *     KASValidityTest_FFCEphem_NOKC_ZZOnly_{init,resp}.fax (dhEphem)
 *
 * Recognised by the fields: XstatIUT, YstatIUT, Z (dhStatic) or XephemIUT,
 * YephemIUT, Z (dhEphem).  In dhEphem each party has only an ephemeral key
 * pair and the same primitive (SP 800-56A Rev. 3 §6.1.2.1) computes Z from
 * the CAVS's ephemeral public key and the IUT's ephemeral private key; the
 * checks below apply to the ephemeral keys as to the static ones.  The
 * CAVS's private key may be absent (an ephemeral file need not give it);
 * the cross-check from its side is then left out.
 *
 * Layout of a file: a section [FA - SHA1] (then FB - SHA224, FC - SHA256),
 * a parameter record "P = / Q = / G =" giving the domain parameters, then
 * cases with both parties' static key pairs, the shared secret Z, a hash of
 * Z, and the verdict the IUT must reach:
 *
 *     COUNT, XstatCAVS, YstatCAVS, XstatIUT, YstatIUT, Z, CAVSHashZZ,
 *     Result = P (0 - Correct)  or  F (n - what was corrupted)
 *
 * In dhStatic both parties use only their static keys, and the DH primitive
 * (SP 800-56A Rev. 3 §5.7.1.1) is symmetric, so the role does not change the
 * computation: in both files the IUT (us) computes Z = YstatCAVS^XstatIUT
 * mod p.  The role only matters for the KDF's party order, which "ZZ only"
 * files do not exercise.
 *
 * What we verify for every case, in this order, each failure naming the
 * reason code CAVS uses:
 *   1  YstatCAVS passes full public-key validation (SP 800-56A §5.6.2.3.1:
 *      2 <= y <= p-2 and y^q ≡ 1 mod p)
 *   3  YstatIUT passes the same validation (our own key, as received)
 *   4  (XstatIUT, YstatIUT) is a consistent key pair: 1 <= x <= q-1 and
 *      y = g^x mod p (SP 800-56A §5.6.2.1.4, owner's pair-wise assurance)
 *   5  dh_compute_shared's Z equals the file's Z, byte for byte at the
 *      fixed length of p (so reason 10 cases — a Z whose top nibble is 0 —
 *      test that leading zeros are kept)
 * A Result = P case passes when all four hold and, as a cross-check, the
 * CAVS side computes the same Z (YstatIUT^XstatCAVS).  A Result = F case
 * passes when we reject it, and for the reason the file states.
 *
 * The same handler also runs DH_NamedGroups*.rsp (see run_named_groups).
 *
 * CAVSHashZZ is the hash of Z named in the section (SHA-1, SHA-224 or
 * SHA-256).  glasstls has only SHA-256, so for the [FC - SHA256] cases that
 * pass we also check CAVSHashZZ = SHA-256(Z); for FA and FB the hash is not
 * checked (it adds nothing to what Z's exact bytes already show).  Every
 * case is run; none is skipped.
 *
 * CT: not applicable (public test data).
 */
#include "nist/nist.h"
#include "dh/dh.h"
#include "sha/sha256.h"

#include <gmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The fields may sit in one record per case or, as in some transcriptions,
 * one record per field: the case is the record with Result, and the keys
 * and Z are inherited from the records before it (nist_param). */
static int recognise_kas(const rsp_file *f)
{
    static const char *const stat[] = {"XstatIUT", NULL};
    static const char *const ephem[] = {"XephemIUT", NULL};
    static const char *const z[] = {"Z", NULL};
    return (nist_records_with(f, stat) > 0 || nist_records_with(f, ephem) > 0) &&
           nist_records_with(f, z) > 0;
}

static int recognise_groups(const rsp_file *f)
{
    static const char *const fields[] = {"Group", "P", "G", NULL};
    return nist_records_with(f, fields) > 0;
}

static const char *expected_result(const nist_run *r, const rsp_record *rec)
{
    return nist_rsp_get(rec, "Result") != NULL && nist_param(r, rec, "Z") != NULL ? "Result" : NULL;
}

static const char *expected_group(const nist_run *r, const rsp_record *rec)
{
    (void)r;
    return nist_rsp_get(rec, "Group") != NULL ? "P" : NULL;
}

/* Reads field NAME as a hexadecimal integer; on a missing field or bad hex
 * marks the file malformed and returns -1. */
static int field_mpz(nist_run *r, const rsp_record *rec, const char *name, mpz_t out)
{
    const char *v = nist_param(r, rec, name);
    if (v == NULL) {
        nist_malformed(r, rec->line, "record COUNT=%s has no field %s", nist_count(rec), name);
        return -1;
    }
    if (*v == '\0' || mpz_set_str(out, v, 16) != 0) {
        nist_malformed(r, nist_param_line(r, rec, name), "field %s is not a hexadecimal integer", name);
        return -1;
    }
    return 0;
}

/* 1 when the record's section names SHA-256 as the hash of Z. */
static int section_is_sha256(const rsp_record *rec)
{
    if (rec->section == NULL)
        return 0;
    for (size_t i = 0; i < rec->section->nfields; i++)
        if (strstr(rec->section->fields[i].name, "SHA256") != NULL)
            return 1;
    return 0;
}

/* The CAVS reason code in "F (5 - Z changed )", or 0 for a P line, -1 if
 * the line cannot be read. */
static int result_code(const char *result, int *is_pass)
{
    const char *paren = strchr(result, '(');
    if (result[0] == 'P')
        *is_pass = 1;
    else if (result[0] == 'F')
        *is_pass = 0;
    else
        return -1;
    if (paren == NULL)
        return -1;
    return atoi(paren + 1);
}

/* Runs the checks described at the top of the file.  Returns the reason
 * code of the first check that fails (1, 3, 4 or 5), or 0 if all hold;
 * *why says what failed, *z_ours receives our Z (p_len bytes) when it could
 * be computed, and -1 is returned on an internal error. */
static int judge(const dh_group *G, const mpz_t x_cavs, const mpz_t y_cavs, const mpz_t x_iut,
                 const mpz_t y_iut, const uint8_t *z_file, size_t z_file_len, uint8_t *z_ours,
                 int *have_z, const char **why)
{
    int code = 0;
    glass_err err;
    dh_keypair iut;
    mpz_t t;
    dh_keypair_init(&iut);
    mpz_init(t);
    *have_z = 0;

    /* 1. The CAVS public key. */
    err = dh_check_public(G, y_cavs);
    if (err != GLASS_OK) {
        *why = glass_strerror(err);
        code = 1;
        goto done;
    }
    /* 3. The IUT public key. */
    err = dh_check_public(G, y_iut);
    if (err != GLASS_OK) {
        *why = glass_strerror(err);
        code = 3;
        goto done;
    }
    /* 4. The IUT key pair: x in [1, q-1] and y = g^x mod p. */
    if (mpz_sgn(x_iut) <= 0 || mpz_cmp(x_iut, G->q) >= 0) {
        *why = "IUT private key outside [1, q-1]";
        code = 4;
        goto done;
    }
    mpz_powm(t, G->g, x_iut, G->p);
    if (mpz_cmp(t, y_iut) != 0) {
        *why = "IUT key pair inconsistent (YstatIUT != g^XstatIUT mod p)";
        code = 4;
        goto done;
    }
    /* 5. Z = YstatCAVS^XstatIUT mod p, fixed length. */
    mpz_set(iut.x, x_iut);
    mpz_set(iut.y, y_iut);
    err = dh_compute_shared(G, &iut, y_cavs, z_ours, G->p_len);
    if (err != GLASS_OK) {
        *why = glass_strerror(err);
        code = 5;
        goto done;
    }
    *have_z = 1;
    if (z_file_len != G->p_len || memcmp(z_file, z_ours, G->p_len) != 0) {
        *why = "our Z differs from the file's Z";
        code = 5;
        goto done;
    }
    /* Cross-check from the CAVS side: YstatIUT^XstatCAVS must agree. */
    if (mpz_sgn(x_cavs) > 0) {
        mpz_powm(t, y_iut, x_cavs, G->p);
        mpz_import(iut.y, G->p_len, 1, 1, 1, 0, z_ours);
        if (mpz_cmp(t, iut.y) != 0) {
            *why = "Z computed from the CAVS side differs";
            code = 5;
        }
    }

done:
    mpz_clear(t);
    dh_keypair_clear(&iut);
    return code;
}

/* DH_NamedGroups*.rsp: records "Group = NAME, P = hex, G = hex" taken from
 * another implementation (OpenSSL's built-in copies of the RFC groups, see
 * tests/sh/dh_groups.sh); each passes when our group of that name has the
 * same p and g. */
static void run_named_groups(nist_run *r, const rsp_record *rec, void *state)
{
    const char *name = nist_rsp_get(rec, "Group");
    mpz_t p, g;
    (void)state;
    if (name == NULL)
        return;
    mpz_inits(p, g, NULL);
    if (field_mpz(r, rec, "P", p) != 0 || field_mpz(r, rec, "G", g) != 0)
        goto done;
    const dh_group *G = dh_group_by_name(name);
    if (G == NULL) {
        nist_fail(r, rec, "Group", name, "(no such group in glasstls)");
    } else if (mpz_cmp(G->p, p) != 0) {
        char *want = mpz_get_str(NULL, 16, p), *got = mpz_get_str(NULL, 16, G->p);
        nist_fail(r, rec, "P", want, got);
        free(want);
        free(got);
    } else if (mpz_cmp(G->g, g) != 0) {
        char *want = mpz_get_str(NULL, 16, g), *got = mpz_get_str(NULL, 16, G->g);
        nist_fail(r, rec, "G", want, got);
        free(want);
        free(got);
    } else {
        nist_pass(r, rec);
    }
done:
    mpz_clears(p, g, NULL);
}

/* The domain parameters in force, built once per P, Q, G record (their
 * values are looked up by nist_param; the cache is keyed by the text of P,
 * which no self-test copy changes). */
struct kas {
    dh_group G;
    const char *p_text;         /* NULL: no group built */
};

static const dh_group *group_for(nist_run *r, const rsp_record *rec, struct kas *st)
{
    const char *p_text = nist_param(r, rec, "P");
    if (p_text == NULL) {
        nist_malformed(r, rec->line, "case COUNT=%s comes before any P, Q, G", nist_count(rec));
        return NULL;
    }
    if (st->p_text == p_text)
        return &st->G;
    if (st->p_text != NULL)
        dh_group_clear(&st->G);
    st->p_text = NULL;
    mpz_t p, q, g;
    mpz_inits(p, q, g, NULL);
    glass_err err = GLASS_OK;
    if (field_mpz(r, rec, "P", p) == 0 && field_mpz(r, rec, "Q", q) == 0 &&
        field_mpz(r, rec, "G", g) == 0) {
        err = dh_group_init_custom(&st->G, p, q, g);
        if (err != GLASS_OK)
            nist_malformed(r, nist_param_line(r, rec, "P"), "domain parameters rejected: %s",
                           glass_strerror(err));
        else
            st->p_text = p_text;
    }
    mpz_clears(p, q, g, NULL);
    return st->p_text != NULL ? &st->G : NULL;
}

/* Compares our verdict (code, why, Z) with the file's Result and counts
 * the case. */
static void verdict(nist_run *r, const rsp_record *rec, const dh_group *G, const char *result,
                    int expect_pass, int expect_code, int code, const char *why, int have_z,
                    const uint8_t *z_file, size_t z_file_len, const uint8_t *z_ours)
{
    char got[160];
    if (expect_pass && code == 0 && section_is_sha256(rec)) {
        uint8_t *h_file = NULL, h[SHA256_DIGEST_LEN];
        size_t h_file_len = 0;
        sha256_ctx ctx;
        if (nist_hex(r, rec, "CAVSHashZZ", 0, &h_file, &h_file_len) == 0) {
            sha256_init(&ctx);
            sha256_update(&ctx, z_ours, G->p_len);
            sha256_final(&ctx, h);
            nist_check_bytes(r, rec, "CAVSHashZZ", h_file, h_file_len, h, sizeof h);
        }
        free(h_file);
    } else if (expect_pass && code == 0) {
        nist_pass(r, rec);
    } else if (expect_pass && code == 5 && have_z) {
        nist_fail_bytes(r, rec, "Z", z_file, z_file_len, z_ours, G->p_len);
    } else if (expect_pass) {
        snprintf(got, sizeof got, "F (%d - %s)", code, why);
        nist_fail(r, rec, "Result", result, got);
    } else if (code == 0) {
        nist_fail(r, rec, "Result", result, "P (accepted: every check passed)");
    } else if (code != expect_code) {
        snprintf(got, sizeof got, "F (%d - %s)", code, why);
        nist_fail(r, rec, "Result (reason)", result, got);
    } else {
        nist_pass(r, rec);              /* rejected, for the stated reason */
    }
}

static void run_kas(nist_run *r, const rsp_record *rec, void *state)
{
    struct kas *st = state;
    if (expected_result(r, rec) == NULL)
        return;
    const dh_group *G = group_for(r, rec, st);
    if (G == NULL)
        return;
    const char *result = nist_rsp_get(rec, "Result");
    int expect_pass = 0, expect_code = result_code(result, &expect_pass);
    if (expect_code < 0) {
        nist_malformed(r, rec->line, "case COUNT=%s has no readable Result", nist_count(rec));
        return;
    }
    /* dhStatic or dhEphem: the same checks on the keys each file gives. */
    int ephem = nist_param(r, rec, "XephemIUT") != NULL;
    const char *xc = ephem ? "XephemCAVS" : "XstatCAVS", *yc = ephem ? "YephemCAVS" : "YstatCAVS";
    const char *xi = ephem ? "XephemIUT" : "XstatIUT", *yi = ephem ? "YephemIUT" : "YstatIUT";
    uint8_t *z_file = NULL, *z_ours = NULL;
    size_t z_file_len = 0;
    mpz_t x_cavs, y_cavs, x_iut, y_iut;
    mpz_inits(x_cavs, y_cavs, x_iut, y_iut, NULL);
    if ((nist_param(r, rec, xc) != NULL && field_mpz(r, rec, xc, x_cavs) != 0) ||
        field_mpz(r, rec, yc, y_cavs) != 0 || field_mpz(r, rec, xi, x_iut) != 0 ||
        field_mpz(r, rec, yi, y_iut) != 0 || nist_hex(r, rec, "Z", 1, &z_file, &z_file_len) != 0)
        goto cleanup;
    z_ours = calloc(1, G->p_len);
    if (z_ours == NULL) {
        nist_malformed(r, rec->line, "out of memory");
        goto cleanup;
    }
    const char *why = "";
    int have_z = 0;
    int code = judge(G, x_cavs, y_cavs, x_iut, y_iut, z_file, z_file_len, z_ours, &have_z, &why);
    verdict(r, rec, G, result, expect_pass, expect_code, code, why, have_z, z_file, z_file_len,
            z_ours);
    glass_wipe(z_ours, G->p_len);
cleanup:
    free(z_ours);
    free(z_file);
    mpz_clears(x_cavs, y_cavs, x_iut, y_iut, NULL);
}

static void end_kas(nist_run *r, void *state)
{
    struct kas *st = state;
    (void)r;
    if (st->p_text != NULL)
        dh_group_clear(&st->G);
}

const nist_kind nist_kind_kas_ffc = {"KAS-FFC", recognise_kas, expected_result, run_kas,
                                     sizeof(struct kas), end_kas};
const nist_kind nist_kind_dh_groups = {"FFC DH named groups", recognise_groups, expected_group,
                                       run_named_groups, 0, NULL};
