/*
 * vec_dh.c — NIST CAVS KAS FFC validity files, dhStatic, "ZZ only":
 *
 *     KASValidityTest_FFCStatic_NOKC_ZZOnly_init.fax   IUT as initiator
 *     KASValidityTest_FFCStatic_NOKC_ZZOnly_resp.fax   IUT as responder
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
 */
#include "apps.h"
#include "dh/dh.h"
#include "sha/sha256.h"

#include <gmp.h>
#include <stdlib.h>
#include <string.h>

static int is_named_groups_file(const char *base)
{
    return strncmp(base, "DH_NamedGroups", 14) == 0;
}

static int claims(const char *base, const rsp_file *f)
{
    (void)f;
    if (is_named_groups_file(base))
        return 1;
    return strncmp(base, "KASValidityTest_FFC", 19) == 0 && strstr(base, "ZZOnly") != NULL;
}

/* Reads field NAME as a hexadecimal integer; on a missing field or bad hex
 * marks the file malformed and returns -1. */
static int field_mpz(vec_run *r, const rsp_record *rec, const char *name, mpz_t out)
{
    const char *v = rsp_get(rec, name);
    if (v == NULL) {
        vec_malformed(r, rec->line, "record COUNT=%s has no field %s", vec_count(rec), name);
        return -1;
    }
    if (*v == '\0' || mpz_set_str(out, v, 16) != 0) {
        vec_malformed(r, rsp_line(rec, name), "field %s is not a hexadecimal integer", name);
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
static void run_named_groups(vec_run *r, const rsp_file *f)
{
    mpz_t p, g;
    mpz_inits(p, g, NULL);
    for (size_t i = 0; i < f->nrecords && !r->malformed; i++) {
        const rsp_record *rec = &f->records[i];
        const char *name = rsp_get(rec, "Group");
        if (name == NULL)
            continue;
        if (field_mpz(r, rec, "P", p) != 0 || field_mpz(r, rec, "G", g) != 0)
            break;
        const dh_group *G = dh_group_by_name(name);
        if (G == NULL) {
            vec_fail(r, rec, "Group", name, "(no such group in glasstls)");
            continue;
        }
        if (mpz_cmp(G->p, p) != 0) {
            char *want = mpz_get_str(NULL, 16, p), *got = mpz_get_str(NULL, 16, G->p);
            vec_fail(r, rec, "P", want, got);
            free(want);
            free(got);
        } else if (mpz_cmp(G->g, g) != 0) {
            char *want = mpz_get_str(NULL, 16, g), *got = mpz_get_str(NULL, 16, G->g);
            vec_fail(r, rec, "G", want, got);
            free(want);
            free(got);
        } else {
            vec_pass(r);
        }
    }
    mpz_clears(p, g, NULL);
}

static void run(vec_run *r, const rsp_file *f)
{
    if (is_named_groups_file(r->base)) {
        run_named_groups(r, f);
        return;
    }

    dh_group G;
    int have_group = 0;
    mpz_t p, q, g, x_cavs, y_cavs, x_iut, y_iut;
    mpz_inits(p, q, g, x_cavs, y_cavs, x_iut, y_iut, NULL);

    for (size_t i = 0; i < f->nrecords && !r->malformed; i++) {
        const rsp_record *rec = &f->records[i];

        /* A parameter record: P, Q, G for the cases that follow. */
        if (rsp_get(rec, "P") != NULL) {
            if (have_group)
                dh_group_clear(&G);
            have_group = 0;
            if (field_mpz(r, rec, "P", p) != 0 || field_mpz(r, rec, "Q", q) != 0 ||
                field_mpz(r, rec, "G", g) != 0)
                break;
            glass_err err = dh_group_init_custom(&G, p, q, g);
            if (err != GLASS_OK) {
                vec_malformed(r, rec->line, "domain parameters rejected: %s",
                              glass_strerror(err));
                break;
            }
            have_group = 1;
            continue;
        }
        if (rsp_get(rec, "COUNT") == NULL)
            continue;                   /* header material */
        if (!have_group) {
            vec_malformed(r, rec->line, "case COUNT=%s comes before any P, Q, G", vec_count(rec));
            break;
        }

        const char *result = rsp_get(rec, "Result");
        int expect_pass = 0, expect_code;
        if (result == NULL || (expect_code = result_code(result, &expect_pass)) < 0) {
            vec_malformed(r, rec->line, "case COUNT=%s has no readable Result", vec_count(rec));
            break;
        }
        uint8_t *z_file = NULL;
        size_t z_file_len = 0;
        if (field_mpz(r, rec, "XstatCAVS", x_cavs) != 0 ||
            field_mpz(r, rec, "YstatCAVS", y_cavs) != 0 ||
            field_mpz(r, rec, "XstatIUT", x_iut) != 0 ||
            field_mpz(r, rec, "YstatIUT", y_iut) != 0 ||
            vec_field_hex(r, rec, "Z", &z_file, &z_file_len) != 0) {
            free(z_file);
            break;
        }
        uint8_t *z_ours = calloc(1, G.p_len);
        if (z_ours == NULL) {
            free(z_file);
            vec_malformed(r, rec->line, "out of memory");
            break;
        }
        const char *why = "";
        int have_z = 0;
        int code = judge(&G, x_cavs, y_cavs, x_iut, y_iut, z_file, z_file_len, z_ours,
                         &have_z, &why);

        if (expect_pass && code == 0 && section_is_sha256(rec)) {
            uint8_t *h_file = NULL, h[SHA256_DIGEST_LEN];
            size_t h_file_len = 0;
            sha256_ctx ctx;
            if (vec_field_hex(r, rec, "CAVSHashZZ", &h_file, &h_file_len) == 0) {
                sha256_init(&ctx);
                sha256_update(&ctx, z_ours, G.p_len);
                sha256_final(&ctx, h);
                vec_check_bytes(r, rec, "CAVSHashZZ", h_file, h_file_len, h, sizeof h);
            }
            free(h_file);
        } else if (expect_pass && code == 0) {
            vec_pass(r);
        } else if (expect_pass && code == 5 && have_z) {
            vec_fail_bytes(r, rec, "Z", z_file, z_file_len, z_ours, G.p_len);
        } else if (expect_pass) {
            char got[160];
            snprintf(got, sizeof got, "F (%d - %s)", code, why);
            vec_fail(r, rec, "Result", result, got);
        } else if (code == 0) {
            vec_fail(r, rec, "Result", result, "P (accepted: every check passed)");
        } else if (code != expect_code) {
            char got[160];
            snprintf(got, sizeof got, "F (%d - %s)", code, why);
            vec_fail(r, rec, "Result (reason)", result, got);
        } else {
            vec_pass(r);                /* rejected, for the stated reason */
        }
        glass_wipe(z_ours, G.p_len);
        free(z_ours);
        free(z_file);
    }

    if (have_group)
        dh_group_clear(&G);
    mpz_clears(p, q, g, x_cavs, y_cavs, x_iut, y_iut, NULL);
}

const struct vec_handler vec_dh = {"FFC DH", claims, run};
