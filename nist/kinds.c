/*
 * kinds.c — the table of kinds of CAVP file, the helpers kinds use to
 * recognise a file by its header comments and field names, and the list of
 * AES implementations a case runs through (nist.h).
 *
 * The order matters only where two kinds could both recognise a file: the
 * more specific comes first (RSA signature verification before generation,
 * since a SigVer file also has SHAAlg, Msg and S).
 *
 * CT: not applicable (public test data).
 */
#include "nist/nist.h"

#include <string.h>
#include <strings.h>

extern const nist_kind nist_kind_sha_msg, nist_kind_sha_monte, nist_kind_hmac,
    nist_kind_hkdf, nist_kind_pbkdf2, nist_kind_tls, nist_kind_aes, nist_kind_aes_mct,
    nist_kind_gcm, nist_kind_rsa_sigver, nist_kind_rsa_siggen, nist_kind_rsa_sp1,
    nist_kind_rsa_dp, nist_kind_rsa_keygen, nist_kind_kas_ffc, nist_kind_dh_groups;

static const nist_kind *const kinds[] = {
    &nist_kind_sha_monte, &nist_kind_sha_msg, &nist_kind_hmac, &nist_kind_hkdf,
    &nist_kind_pbkdf2, &nist_kind_tls, &nist_kind_aes_mct, &nist_kind_aes, &nist_kind_gcm,
    &nist_kind_rsa_sigver, &nist_kind_rsa_siggen, &nist_kind_rsa_sp1, &nist_kind_rsa_dp,
    &nist_kind_rsa_keygen, &nist_kind_kas_ffc, &nist_kind_dh_groups,
};

/* See nist.h. */
const nist_kind *nist_kind_for(const rsp_file *f)
{
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
        if (kinds[i]->recognise(f))
            return kinds[i];
    return NULL;
}

/* See nist.h. */
size_t nist_records_with(const rsp_file *f, const char *const *names)
{
    size_t n = 0;
    for (size_t i = 0; i < f->nrecords; i++) {
        size_t j = 0;
        while (names[j] != NULL && nist_rsp_get(&f->records[i], names[j]) != NULL)
            j++;
        if (names[j] == NULL)
            n++;
    }
    return n;
}

/* See nist.h. */
int nist_header_has(const rsp_file *f, const char *text)
{
    size_t n = strlen(text);
    for (const char *p = f->header; p != NULL && *p != '\0'; p++)
        if (strncasecmp(p, text, n) == 0)
            return 1;
    return 0;
}

/* See nist.h. */
size_t nist_aes_impls(const nist_run *r, const aes_impl **out, size_t cap)
{
    size_t n = 0;
    for (size_t i = 0; i < aes_impl_count() && n < cap; i++) {
        const aes_impl *im = aes_impl_at(i);
        if (!aes_impl_available(im))
            continue;
        if (r->opt != NULL && r->opt->impl != NULL && im != aes_impl_by_name(r->opt->impl))
            continue;
        out[n++] = im;
    }
    return n;
}
