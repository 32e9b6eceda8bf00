/*
 * cmd_asn1parse.c — `glass asn1parse`: an annotated dump of DER for
 * learners, in the spirit of `openssl asn1parse` but explaining the bytes.
 *
 * For every element it prints where it starts, its header bytes (the tag
 * octet and the length octets, X.690 §8.1), what the tag means, its length,
 * and — when the structure is one we know (a certificate, a request, a CRL,
 * a key, a PKCS#12 file) — the field's name from the standard.  The walk,
 * the schema tables and the words for each value are asn1/annotate.c
 * (der_annotate); this file reads the input, picks the schema and prints
 * one line per element from the walk's callback.
 */
#include "apps.h"
#include "opt.h"
#include "password.h"

#include "asn1/asn1.h"

#include <stdlib.h>
#include <string.h>

/* One element's line (der_annotate's callback). */
static void print_note(void *arg, const der_note *n)
{
    const der_elem *e = n->elem;
    char hdr[32] = "";
    (void)arg;
    for (size_t i = 0; i < e->hdr_len && i < 6; i++)
        snprintf(hdr + 3 * i, sizeof hdr - 3 * i, "%02x ", e->start[i]);
    printf("%6zu  d=%-2u %-18s %*s%s%s len %zu", n->offset, n->depth, hdr, 2 * (int)n->depth, "",
           n->tag_name, (e->tag & DER_CONSTRUCTED) ? " {" : "", e->len);
    if (n->field != NULL)
        printf("  -- %s", n->field);
    fputs(n->value, stdout);
    putchar('\n');
    if (n->opens)
        printf("%6s  %*s   (contents are DER themselves, opened below)\n", "",
               2 * (int)n->depth + 22, "");
}

/* -inform PEM|DER (0: PEM, 1: DER). */
static int take_inform(const char *cmd, const char *flag, const char *value, void *dest)
{
    int der = app_format_arg(cmd, flag, value);
    if (der < 0)
        return 1;
    *(int *)dest = der;
    return 0;
}

static int run(int argc, char **argv)
{
    const char *cmd = "asn1parse";
    const char *in = NULL;
    int inform = -1;    /* -1: guess, 0: PEM, 1: DER */
    uint8_t *data = NULL, *der = NULL;
    size_t len = 0, der_len = 0;
    char label[PEM_LABEL_MAX] = "";
    int rc = 1;

    int indent = 0;
    const opt opts[] = {
        OPTION_STRING("-in", NULL, "FILE", "the file to show (required)", &in),
        OPTION_CALL("-inform", "PEM|DER", "its format (default: guessed)", &inform,
                    take_inform),
        OPTION_FLAG("-i", NULL, "indent by depth (always done; accepted as OpenSSL's)", &indent),
        OPTION_END,
    };
    const opt_command spec = {
        .name = cmd,
        .synopsis = "-in FILE [-inform PEM|DER]",
        .about = "Prints every DER element: offset, depth, header bytes (tag, length), the\n"
                 "tag, the length, the field's name in the standard when the structure is\n"
                 "known (certificate, request, CRL, keys, PKCS#12), and the value.\n",
        .opts = opts,
        .example = "  glass asn1parse -in ca/ca.pem\n"
                   "  openssl asn1parse -in ca/ca.pem      (the same bytes, fewer words)\n",
        .max_operands = 0,
    };
    opt_operands rest;
    int st = opt_parse(&spec, argc, argv, &rest);
    if (st != OPT_RUN)
        return st;
    if (in == NULL)
        return app_error(cmd, "-in FILE is required (see glass asn1parse --help)");
    glass_err err = glass_read_file(in, 16u << 20, &data, &len);
    if (err != GLASS_OK)
        return app_error(cmd, "%s: %s", in, glass_strerror(err));
    if (inform == 0 || (inform < 0 && pem_detect(data, len))) {
        err = pem_decode((const char *)data, len, NULL, label, &der, &der_len, NULL);
        if (err != GLASS_OK) {
            app_error(cmd, "%s: %s", in, glass_strerror(err));
            goto cleanup;
        }
    }
    const uint8_t *p = der != NULL ? der : data;
    size_t n = der != NULL ? der_len : len;
    if (n == 0) {
        app_error(cmd, "%s: no DER to show (the input is empty)", in);
        goto cleanup;
    }
    const der_schema *s = label[0] ? der_schema_for_label(label) : der_schema_guess(p, n);
    if (label[0])
        printf("PEM \"%s\": %zu bytes of DER after Base64 decoding\n", label, n);
    printf("offset depth header bytes      tag and length  -- field (when known) = value\n");
    printf("(header: 1 tag byte [class, constructed bit, number], then the length: one byte\n"
           " below 0x80, or 0x8N followed by N bytes of length)\n");
    der_fault fault;
    rc = 0;
    if (der_annotate(p, n, s, print_note, NULL, &fault) != GLASS_OK) {
        rc = 1;
        fflush(stdout);
        if (fault.too_deep)
            fprintf(stderr, "glass asn1parse: %s: nesting deeper than %d levels: stopping\n", in,
                    DER_ANNOTATE_MAX_DEPTH);
        else
            fprintf(stderr, "glass asn1parse: %s: offset %zu: %s\n", in, fault.offset,
                    glass_strerror(fault.err));
    }
cleanup:
    free(data);
    free(der);
    return rc;
}

const struct glass_command cmd_asn1parse = {
    "asn1parse", "annotated DER dump: every tag, length and field explained", run};
