/*
 * cmd_sha256.c — `glass sha256 [--trace] [FILE...]`: SHA-256 of files.
 *
 * Prints exactly what coreutils' sha256sum prints, one line per file:
 *
 *     <64 hex digits>  <name>          ("-" for standard input)
 *
 * (a name holding a backslash or a newline is escaped as sha256sum does:
 * the line starts with '\', and '\' and newline are written "\\" and "\n").
 * Files are read in 64 KiB chunks, so any size works in constant memory.
 *
 * --trace routes the hash through the reference compression function
 * (sha/sha256_ref.c) and prints, for every block, the message schedule
 * W0..W63 and the working variables a..h after each round, laid out like
 * NIST's worked example for "abc" (FIPS 180-4 §6.2.2).
 */
#include "apps.h"
#include "opt.h"
#include "sha/sha256.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define CHUNK (64 * 1024)

/* Renders the reference function's trace events (see sha256.h). */
static void print_event(void *arg, const char *name, const char *explain, const uint8_t *b,
                        size_t len)
{
    FILE *out = arg;
    (void)explain;
    if (strcmp(name, "sha256.block") == 0 && len == SHA256_BLOCK_LEN) {
        fprintf(out, "Message block M(i), as 16 words M0..M15 (FIPS 180-4 §5.2.1):\n");
        for (size_t j = 0; j < 16; j++)
            fprintf(out, "%s%02x%02x%02x%02x%s", j % 8 == 0 ? "  " : " ", b[4 * j], b[4 * j + 1],
                    b[4 * j + 2], b[4 * j + 3], j % 8 == 7 ? "\n" : "");
    } else if (strcmp(name, "sha256.W") == 0 && len == 256) {
        fprintf(out, "Message schedule W0..W63 (FIPS 180-4 §6.2.2 step 1):\n");
        for (size_t t = 0; t < 64; t++)
            fprintf(out, "%sW%-2zu = %02x%02x%02x%02x%s", t % 4 == 0 ? "  " : "   ", t, b[4 * t],
                    b[4 * t + 1], b[4 * t + 2], b[4 * t + 3], t % 4 == 3 ? "\n" : "");
        fprintf(out, "Working variables after each round t (FIPS 180-4 §6.2.2 step 3):\n");
        fprintf(out, "         a        b        c        d        e        f        g        h\n");
    } else if (strcmp(name, "sha256.round") == 0 && len == 33) {
        fprintf(out, "  t=%2u:", b[0]);
        for (size_t j = 0; j < 8; j++)
            fprintf(out, " %02x%02x%02x%02x", b[1 + 4 * j], b[2 + 4 * j], b[3 + 4 * j],
                    b[4 + 4 * j]);
        fprintf(out, "\n");
    } else if (strcmp(name, "sha256.H") == 0 && len == 32) {
        fprintf(out, "Intermediate hash value H(i) = a..h + H(i-1) (FIPS 180-4 §6.2.2 step 4):\n ");
        for (size_t j = 0; j < 8; j++)
            fprintf(out, " %02x%02x%02x%02x", b[4 * j], b[4 * j + 1], b[4 * j + 2], b[4 * j + 3]);
        fprintf(out, "\n\n");
    } else {
        glass_trace_print(out, name, explain, b, len);
    }
}

/* Prints the name as sha256sum does; returns 1 if it needed escaping. */
static int needs_escape(const char *name)
{
    return strchr(name, '\\') != NULL || strchr(name, '\n') != NULL;
}

static void print_line(const uint8_t digest[SHA256_DIGEST_LEN], const char *name)
{
    char hex[2 * SHA256_DIGEST_LEN + 1];
    int esc = needs_escape(name);
    glass_hex_encode(hex, sizeof hex, digest, SHA256_DIGEST_LEN);
    printf("%s%s  ", esc ? "\\" : "", hex);
    for (const char *p = name; *p != '\0'; p++) {
        if (esc && *p == '\\')
            fputs("\\\\", stdout);
        else if (esc && *p == '\n')
            fputs("\\n", stdout);
        else
            putchar(*p);
    }
    putchar('\n');
}

/* Hashes one file ("-": standard input) in chunks; 0 on success. */
static int hash_file(const char *path, const glass_tracer *trace, uint8_t *buf)
{
    FILE *f = stdin;
    sha256_ctx c;
    uint8_t digest[SHA256_DIGEST_LEN];
    int is_stdin = strcmp(path, "-") == 0;

    if (!is_stdin) {
        f = fopen(path, "rb");
        if (f == NULL)
            return app_error("sha256", "%s: %s", path, strerror(errno));
    }
    sha256_init(&c);
    if (trace != NULL)
        sha256_set_trace(&c, trace);
    for (;;) {
        size_t n = fread(buf, 1, CHUNK, f);
        if (n > 0)
            sha256_update(&c, buf, n);
        if (n < CHUNK)
            break;
    }
    if (ferror(f)) {
        int e = errno;
        if (!is_stdin)
            fclose(f);
        glass_wipe(&c, sizeof c);
        return app_error("sha256", "%s: read error: %s", path, strerror(e));
    }
    if (!is_stdin)
        fclose(f);
    sha256_final(&c, digest);
    print_line(digest, path);
    return 0;
}

static int run(int argc, char **argv)
{
    int want_trace = 0;
    const opt opts[] = {
        OPTION_FLAG("--trace", "-trace",
         "before each digest, print every block's message schedule\n"
         "W0..W63 and the working variables a..h after each of the 64\n"
         "rounds (the layout of NIST's worked example; best on a short\n"
         "message: one block prints about 90 lines)",
         &want_trace),
        OPTION_END,
    };
    const opt_command spec = {
        .name = "sha256",
        .synopsis = "[--trace] [FILE...]",
        .about = "Prints the SHA-256 digest (FIPS 180-4) of each FILE in the format of\n"
                 "sha256sum: '<hex>  <name>'.  With no FILE, or when FILE is -, reads\n"
                 "standard input.  Large files are read in chunks.\n",
        .opts = opts,
        .example = "  glass sha256 /etc/hostname\n"
                   "  printf abc | glass sha256 --trace\n",
        .max_operands = -1,
    };
    opt_operands files;
    int st = opt_parse(&spec, argc, argv, &files);
    if (st != OPT_RUN)
        return st;
    glass_tracer tracer = {print_event, stdout};
    const glass_tracer *trace = want_trace ? &tracer : NULL;
    int status = 0;
    uint8_t *buf = malloc(CHUNK);
    if (buf == NULL)
        return app_error("sha256", "out of memory");
    if (files.n == 0)
        status = hash_file("-", trace, buf);
    for (int i = 0; i < files.n; i++)
        status |= hash_file(files.v[i], trace, buf);
    free(buf);
    if (fflush(stdout) != 0)
        return app_error("sha256", "cannot write the output");
    return status ? 1 : 0;
}

const struct glass_command cmd_sha256 = {"sha256", "SHA-256 digests of files, like sha256sum",
                                         run};
