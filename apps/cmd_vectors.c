/*
 * cmd_vectors.c — `glass vectors [-v|-q] [-impl NAME] [--self-test] [FILE|DIR...]`: the
 * options; the runner is the nist/ room (nist/nist.h).
 *
 * Output: one line per file, naming its kind and how many cases it holds,
 *
 *     SHA256ShortMsg.rsp   SHA-256   65 cases: 65 passed, 0 failed, 0 skipped
 *
 * and, always last, the line scripts parse:
 *
 *     vectors: N passed, M failed, K skipped
 *
 * The exit status is 1 if any case failed, any file could not be run, or
 * (with --self-test) any mutated case went unnoticed.
 */
#include "apps.h"
#include "nist/nist.h"
#include "opt.h"

#include <string.h>

static int run(int argc, char **argv)
{
    nist_options o;
    nist_totals t;
    opt_operands rest;
    memset(&o, 0, sizeof o);
    const opt opts[] = {
        OPTION_FLAG("-v", NULL, "one line per case", &o.verbose),
        OPTION_FLAG("-q", NULL, "only failures and the last line", &o.quiet),
        OPTION_STRING("-impl", NULL, "NAME",
                      "run AES and GCM cases through this AES implementation only\n"
                      "(ref, table, ct, ct-gf, hw; default: every one)", &o.impl),
        OPTION_FLAG("--self-test", "-self-test",
                    "also run each case with its expected value changed (a flipped\n"
                    "digit, Result P<->F) and fail if the runner does not notice",
                    &o.self_test),
        OPTION_END};
    const opt_command spec = {
        "vectors", "[-v | -q] [-impl NAME] [--self-test] [FILE|DIR...]",
        "Runs NIST CAVP test-vector files (.rsp, .fax): one line per file with the\n"
        "kind of file and its number of cases, then 'vectors: N passed, M failed,\n"
        "K skipped'.  A file is recognised by its header and fields, whatever its\n"
        "name; a directory runs every file under it; with no argument, every file\n"
        "under vectors/.  Cases for algorithms glasstls does not implement are\n"
        "counted as skipped, with the reason; a failure prints the file, the COUNT,\n"
        "expected and actual values.\n",
        opts,
        "  glass vectors vectors/sha/SHA256ShortMsg.rsp\n"
        "  glass vectors --self-test vectors/rsa\n",
        1, 0, -1, "FILE|DIR", 0};
    int st = opt_parse(&spec, argc, argv, &rest);
    if (st != OPT_RUN)
        return st;
    if (o.verbose && o.quiet)
        return app_error("vectors", "-v and -q do not go together");
    if (o.impl != NULL) {
        const aes_impl *im = aes_impl_by_name(o.impl);
        if (im == NULL)
            return app_error("vectors", "-impl %s: no such AES implementation (ref, table, ct, "
                             "ct-gf, hw)", o.impl);
        if (!aes_impl_available(im))
            return app_error("vectors", "-impl %s: this CPU cannot run it", o.impl);
    }
    nist_totals_init(&t);
    for (int i = 0; i < rest.n; i++)
        nist_run_path(rest.v[i], &o, &t);
    if (rest.n == 0) {
        char dir[4096];
        if (nist_default_dir(dir, sizeof dir) != 0)
            return app_error("vectors", "no vectors/ folder found; name files or set GLASS_VECTORS");
        nist_run_path(dir, &o, &t);
    }
    if (t.errors == 0 && t.cases == 0)
        return app_error("vectors", "no test cases found (no .rsp or .fax file with records)");
    if (t.errors > 0)
        printf("%d file(s) could not be run\n", t.errors);
    if (o.self_test)
        printf("self-test: %lu cases mutated, %lu noticed, %lu unnoticed\n", t.mutated,
               t.noticed, t.unnoticed);
    printf("vectors: %lu passed, %lu failed, %lu skipped\n", t.passed, t.failed, t.skipped);
    return (t.failed > 0 || t.errors > 0 || t.unnoticed > 0) ? 1 : 0;
}

const struct glass_command cmd_vectors = {
    "vectors", "run NIST CAVP test-vector files and count passes", run
};
