/*
 * cmd_verify.c — `glass verify`: check certificates against trust anchors,
 * like `openssl verify` (x509_verify_chain in ca/verify.c does the work).
 *
 * Prints "FILE: OK" and exits 0, or names the certificate and the check
 * that failed and exits 1.
 */
#include "apps.h"

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

static int run(int argc, char **argv)
{
    const char *cmd = "verify";
    const char *cafile = NULL, *crlfile = NULL, *untrusted = NULL;
    enum x509_purpose purpose = X509_PURPOSE_ANY;
    int64_t now = (int64_t)time(NULL);
    x509_cert *anchors = NULL, *extra = NULL;
    size_t n_anchors = 0, n_extra = 0;
    x509_crl crl;
    int have_crl = 0, crl_check = 0, first_file = 0, rc = 0;

    if (app_wants_help(argc, argv)) {
        printf("usage: glass verify -CAfile FILE [-CRLfile FILE] [-crl_check]\n"
               "                    [-purpose sslserver|sslclient|any] [-attime EPOCH]\n"
               "                    [-untrusted FILE] CERT.pem...\n"
               "  each CERT file holds the certificate to check, optionally followed by\n"
               "  its intermediate CAs; -CAfile holds the trusted roots\n"
               "  -CRLfile     also check revocation against this CRL\n"
               "  -attime N    verify as if the time were N seconds since 1970\n"
               "example:\n"
               "  glass verify -CAfile ca/ca.pem -purpose sslserver srv.pem\n"
               "  glass verify -CAfile ca/ca.pem -CRLfile crl.pem cli.pem\n");
        return 0;
    }
    memset(&crl, 0, sizeof crl);
    int i;
    for (i = 1; i < argc; i++) {
        const char *a = argv[i];
        int v = i + 1 < argc;
        if (strcmp(a, "-CAfile") == 0 && v)
            cafile = argv[++i];
        else if (strcmp(a, "-CRLfile") == 0 && v)
            crlfile = argv[++i];
        else if (strcmp(a, "-untrusted") == 0 && v)
            untrusted = argv[++i];
        else if (strcmp(a, "-crl_check") == 0)
            crl_check = 1;  /* implied by -CRLfile; alone it has no CRL to check */
        else if (strcmp(a, "-purpose") == 0 && v) {
            const char *p = argv[++i];
            if (strcmp(p, "sslserver") == 0)
                purpose = X509_PURPOSE_SERVER;
            else if (strcmp(p, "sslclient") == 0)
                purpose = X509_PURPOSE_CLIENT;
            else if (strcmp(p, "any") == 0)
                purpose = X509_PURPOSE_ANY;
            else
                return app_error(cmd, "-purpose must be sslserver, sslclient or any");
        } else if (strcmp(a, "-attime") == 0 && v) {
            unsigned long t;
            if (app_uint_arg(cmd, a, argv[++i], 0, 253402300799ul, &t))
                return 1;
            now = (int64_t)t;
        } else if (a[0] == '-' && a[1] != '\0') {
            return app_error(cmd, "unknown or incomplete option '%s' (see glass verify --help)", a);
        } else {
            break;
        }
    }
    first_file = i;
    if (cafile == NULL)
        return app_error(cmd, "-CAfile FILE is required (see glass verify --help)");
    if (first_file >= argc)
        return app_error(cmd, "no certificate file given");
    if (crl_check && crlfile == NULL)
        return app_error(cmd, "-crl_check needs -CRLfile FILE (no CRL to check against)");
    glass_err err = x509_load_pem_file(cafile, &anchors, &n_anchors);
    if (err != GLASS_OK)
        return app_error(cmd, "%s: %s", cafile, glass_strerror(err));
    if (untrusted != NULL && (err = x509_load_pem_file(untrusted, &extra, &n_extra)) != GLASS_OK) {
        rc = app_error(cmd, "%s: %s", untrusted, glass_strerror(err));
        goto cleanup;
    }
    if (crlfile != NULL) {
        if ((err = x509_crl_load_file(crlfile, &crl)) != GLASS_OK) {
            rc = app_error(cmd, "%s: %s", crlfile, glass_strerror(err));
            goto cleanup;
        }
        have_crl = 1;
    }

    for (i = first_file; i < argc; i++) {
        x509_cert *chain = NULL;
        size_t n = 0, failed = 0;
        err = x509_load_pem_file(argv[i], &chain, &n);
        if (err != GLASS_OK) {
            rc = app_error(cmd, "%s: %s", argv[i], glass_strerror(err));
            continue;
        }
        /* The file's own certificates, then the -untrusted ones. */
        if (n_extra > 0) {
            x509_cert *grown = realloc(chain, (n + n_extra) * sizeof *chain);
            if (grown == NULL) {
                x509_free_all(chain, n);
                rc = app_error(cmd, "%s", glass_strerror(GLASS_ERR_NOMEM));
                continue;
            }
            chain = grown;
            memcpy(chain + n, extra, n_extra * sizeof *extra);
        }
        err = x509_verify_chain(chain, n + n_extra, anchors, n_anchors, have_crl ? &crl : NULL,
                                purpose, now, &failed);
        if (err == GLASS_OK) {
            printf("%s: OK\n", argv[i]);
        } else {
            const char *who = failed < n + n_extra ? chain[failed].subject
                              : n_anchors > 0     ? "the trust anchor"
                                                  : "?";
            if (failed == n + n_extra && err != GLASS_ERR_X509_UNKNOWN_CA) {
                /* the anchor that was reached: name it by the issuer of the
                 * last certificate */
                who = chain[n + n_extra - 1].issuer;
            }
            rc = app_error(cmd, "%s: certificate %zu (%s) failed the %s check: %s", argv[i],
                           failed, who, check_name(err), glass_strerror(err));
        }
        /* Only the file's own certificates are ours to free here. */
        for (size_t k = 0; k < n; k++)
            x509_free(&chain[k]);
        free(chain);
    }
cleanup:
    x509_free_all(anchors, n_anchors);
    x509_free_all(extra, n_extra);
    if (have_crl)
        x509_crl_free(&crl);
    return rc;
}

const struct glass_command cmd_verify = {"verify", "verify certificates against a CA (and a CRL)", run};
