/*
 * cmd_verify.c — `glass verify`: check certificates against trust anchors,
 * like `openssl verify` (x509_verify_chain in ca/verify.c does the work).
 *
 * Prints "FILE: OK" and exits 0, or names the certificate and the check
 * that failed and exits 1.
 */
#include "apps.h"
#include "opt.h"

#include "ca/ca.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *check_name(glass_err e)
{
    switch (e) {
    case GLASS_ERR_X509_SIGNATURE: return "signature";
    case GLASS_ERR_X509_ISSUER: return "issuer name chaining";
    case GLASS_ERR_X509_UNKNOWN_CA: return "trust anchor";
    case GLASS_ERR_X509_EXPIRED:
    case GLASS_ERR_X509_NOT_YET_VALID: return "validity period";
    case GLASS_ERR_X509_NOT_CA: return "basicConstraints (CA)";
    case GLASS_ERR_X509_PATH_LEN: return "basicConstraints (path length)";
    case GLASS_ERR_X509_KEY_USAGE: return "keyUsage";
    case GLASS_ERR_X509_PURPOSE: return "extendedKeyUsage";
    case GLASS_ERR_X509_REVOKED:
    case GLASS_ERR_X509_CRL: return "revocation (CRL)";
    case GLASS_ERR_X509_CRITICAL_EXT: return "critical extensions";
    default: return "verification";
    }
}

/* -purpose sslserver|sslclient|any. */
static int take_purpose(const char *cmd, const char *flag, const char *p, void *dest)
{
    enum x509_purpose *purpose = dest;
    (void)flag;
    if (strcmp(p, "sslserver") == 0)
        *purpose = X509_PURPOSE_SERVER;
    else if (strcmp(p, "sslclient") == 0)
        *purpose = X509_PURPOSE_CLIENT;
    else if (strcmp(p, "any") == 0)
        *purpose = X509_PURPOSE_ANY;
    else
        return app_error(cmd, "-purpose must be sslserver, sslclient or any");
    return 0;
}

/* What every file is checked against. */
struct verify_ctx {
    x509_cert *anchors, *extra;
    size_t n_anchors, n_extra;
    x509_crl crl;
    int have_crl;
    enum x509_purpose purpose;
    int64_t now;
};

/* Checks one file: its certificate, its own intermediates, then the
 * -untrusted ones, up to a trust anchor.  Prints "FILE: OK" or returns 1
 * after naming the certificate and the check that failed. */
static int verify_file(const char *cmd, const struct verify_ctx *v, const char *path)
{
    x509_cert *chain = NULL;
    size_t n = 0, failed = 0;
    int rc = 0;
    glass_err err = x509_load_pem_file(path, &chain, &n);
    if (err != GLASS_OK)
        return app_error(cmd, "%s: %s", path, glass_strerror(err));
    if (v->n_extra > 0) {
        x509_cert *grown = realloc(chain, (n + v->n_extra) * sizeof *chain);
        if (grown == NULL) {
            x509_free_all(chain, n);
            return app_error(cmd, "%s", glass_strerror(GLASS_ERR_NOMEM));
        }
        chain = grown;
        memcpy(chain + n, v->extra, v->n_extra * sizeof *v->extra);
    }
    size_t total = n + v->n_extra;
    err = x509_verify_chain(chain, total, v->anchors, v->n_anchors,
                            v->have_crl ? &v->crl : NULL, v->purpose, v->now, &failed);
    if (err == GLASS_OK) {
        printf("%s: OK\n", path);
    } else {
        const char *who = failed < total      ? chain[failed].subject
                          : v->n_anchors > 0 ? "the trust anchor"
                                             : "?";
        if (failed == total && err != GLASS_ERR_X509_UNKNOWN_CA) {
            /* the anchor that was reached: name it by the issuer of the
             * last certificate */
            who = chain[total - 1].issuer;
        }
        rc = app_error(cmd, "%s: certificate %zu (%s) failed the %s check: %s", path, failed,
                       who, check_name(err), glass_strerror(err));
    }
    /* Only the file's own certificates are ours to free here. */
    for (size_t k = 0; k < n; k++)
        x509_free(&chain[k]);
    free(chain);
    return rc;
}

static int run(int argc, char **argv)
{
    const char *cmd = "verify";
    const char *cafile = NULL, *crlfile = NULL, *untrusted = NULL;
    unsigned long attime = (unsigned long)time(NULL);
    int crl_check = 0, rc = 0;
    struct verify_ctx v;
    memset(&v, 0, sizeof v);
    v.purpose = X509_PURPOSE_ANY;
    const opt opts[] = {
        OPTION_STRING("-CAfile", NULL, "FILE", "the trusted roots (required)", &cafile),
        OPTION_STRING("-CRLfile", NULL, "FILE", "also check revocation against this CRL",
                      &crlfile),
        OPTION_FLAG("-crl_check", NULL, "check revocation (needs -CRLfile)", &crl_check),
        OPTION_CALL("-purpose", "sslserver|sslclient|any", "the use the leaf must allow",
                    &v.purpose, take_purpose),
        OPTION_UINT("-attime", "EPOCH", "verify as if the time were EPOCH seconds since 1970",
                    &attime, 0, 253402300799ul),
        OPTION_STRING("-untrusted", NULL, "FILE", "intermediate CAs that may complete a chain",
                      &untrusted),
        OPTION_END,
    };
    const opt_command spec = {
        .name = cmd,
        .synopsis = "-CAfile FILE [-CRLfile FILE] [-crl_check]\n"
                    "                    [-purpose sslserver|sslclient|any] [-attime EPOCH]\n"
                    "                    [-untrusted FILE] CERT.pem...",
        .about = "Checks certificates against trust anchors, like `openssl verify`.  Each\n"
                 "CERT file holds the certificate to check, optionally followed by its\n"
                 "intermediate CAs; prints \"FILE: OK\", or names the certificate and the\n"
                 "check that failed and exits 1.\n",
        .opts = opts,
        .example = "  glass verify -CAfile ca/ca.pem -purpose sslserver srv.pem\n"
                   "  glass verify -CAfile ca/ca.pem -CRLfile crl.pem cli.pem\n",
        .max_operands = -1,
    };
    opt_operands files;
    int st = opt_parse(&spec, argc, argv, &files);
    if (st != OPT_RUN)
        return st;
    v.now = (int64_t)attime;
    if (cafile == NULL)
        return app_error(cmd, "-CAfile FILE is required (see glass verify --help)");
    if (files.n == 0)
        return app_error(cmd, "no certificate file given");
    if (crl_check && crlfile == NULL)
        return app_error(cmd, "-crl_check needs -CRLfile FILE (no CRL to check against)");
    glass_err err = x509_load_pem_file(cafile, &v.anchors, &v.n_anchors);
    if (err != GLASS_OK)
        return app_error(cmd, "%s: %s", cafile, glass_strerror(err));
    if (untrusted != NULL &&
        (err = x509_load_pem_file(untrusted, &v.extra, &v.n_extra)) != GLASS_OK) {
        rc = app_error(cmd, "%s: %s", untrusted, glass_strerror(err));
        goto cleanup;
    }
    if (crlfile != NULL) {
        if ((err = x509_crl_load_file(crlfile, &v.crl)) != GLASS_OK) {
            rc = app_error(cmd, "%s: %s", crlfile, glass_strerror(err));
            goto cleanup;
        }
        v.have_crl = 1;
    }
    for (int i = 0; i < files.n; i++)
        rc |= verify_file(cmd, &v, files.v[i]);
cleanup:
    x509_free_all(v.anchors, v.n_anchors);
    x509_free_all(v.extra, v.n_extra);
    if (v.have_crl)
        x509_crl_free(&v.crl);
    return rc;
}

const struct glass_command cmd_verify = {"verify", "verify certificates against a CA (and a CRL)",
                                         run};
