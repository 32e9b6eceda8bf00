/*
 * fuzz_rsp.c — the NIST runner: the .rsp parser (nist/rsp.c), then the
 * whole runner with its self-test over the same file (nist/nist.h), so a
 * hostile vector file reaches every kind.  nist_rsp_load reads a path, so the
 * input is written to a file of this process first; then every field of
 * every record and section is read back.
 */
#include "fuzz.h"
#include "nist/nist.h"
#include "nist/rsp.h"

#include <unistd.h>

static char path[64];

static void remove_file(void)
{
    (void)remove(path);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (path[0] == '\0') {
        snprintf(path, sizeof path, "/tmp/glass-fuzz-rsp-%ld.rsp", (long)getpid());
        atexit(remove_file);
    }
    FILE *f = fopen(path, "wb");
    if (f == NULL)
        return 0;
    if (size > 0 && fwrite(data, 1, size, f) != size) {
        fclose(f);
        return 0;
    }
    fclose(f);
    rsp_file rf;
    char err[256];
    if (nist_rsp_load(path, &rf, err, sizeof err) == 0) {
        for (size_t i = 0; i < rf.nrecords; i++) {
            const rsp_record *r = &rf.records[i];
            for (size_t j = 0; j < r->nfields; j++) {
                if (nist_rsp_get(r, r->fields[j].name) == NULL)
                    abort();    /* a field of the record must be found */
                (void)nist_rsp_line(r, r->fields[j].name);
            }
            if (r->section != NULL)
                for (size_t j = 0; j < r->section->nfields; j++)
                    (void)nist_rsp_section_get(r, r->section->fields[j].name);
            (void)nist_rsp_comment_get(&rf, r->line, "Salt len");
        }
        nist_rsp_free(&rf);
    } else if (memchr(err, '\0', sizeof err) == NULL) {
        abort();
    }
    /* The runner, quiet, with its self-test: every kind that recognises
     * the input runs each record twice. */
    nist_options o = {0, 1, 1, NULL};
    nist_totals t;
    nist_totals_init(&t);
    FILE *saved = stdout;
    stdout = fopen("/dev/null", "w");
    if (stdout != NULL) {
        nist_run_path(path, &o, &t);
        fclose(stdout);
    }
    stdout = saved;
    return 0;
}
