/*
 * walk_der.c — certificates dissected field by field in the walkthrough
 * (see walk_render.h: wk_der_tree, wk_certificates).
 *
 * Each element of the DER comes from der_annotate (asn1/annotate.c), the
 * walk behind `glass asn1parse`; here it is only laid out, in the three
 * formats of walk_render.c: text lines within 100 columns, a JSON array
 * nested by depth, or an HTML tree whose rows the page's script pairs with
 * coloured bytes (walk_html.c).  CT: not relevant (public output).
 */
#include "classroom/walk_render.h"

#include "asn1/asn1.h"

#include <stdio.h>
#include <string.h>

#define C_RESET "\033[0m"
#define C_CYAN  "\033[36m"

/* ---- certificates dissected (see walk_render.h) ---------------------------
 * Each element of the DER comes from der_annotate (asn1/annotate.c), the
 * walk behind `glass asn1parse`; here it is only laid out: text lines, a
 * JSON array nested by depth, or an HTML tree whose rows the page's script
 * pairs with coloured bytes (walk_html.c). */

typedef struct der_tree {
    wk_out *o;
    size_t at;              /* where the DER starts in the message */
    unsigned n;             /* elements so far (colours) */
    int last;               /* depth of the element before, -1 at first */
    int in_subject, cn_next;
    char cn[80];            /* the subject's commonName, "" if none */
} der_tree;

/* The bytes an element holds itself: its header, and its contents unless
 * they are elements of their own (constructed, or DER opened inside an
 * OCTET/BIT STRING, whose unused-bits byte stays here). */
static size_t der_own_len(const der_note *n)
{
    if (n->elem->tag & DER_CONSTRUCTED)
        return n->elem->hdr_len;
    if (n->opens)
        return n->elem->hdr_len + (n->elem->tag == DER_BIT_STRING ? 1 : 0);
    return n->elem->hdr_len + n->elem->len;
}

/* The value without asn1parse's leading " = " (or " "). */
static const char *der_value(const der_note *n)
{
    const char *v = n->value;
    return strncmp(v, " = ", 3) == 0 ? v + 3 : v[0] == ' ' ? v + 1 : v;
}

/* What a SEQUENCE is about when its first element is a known OID: the
 * extension of an Extension, the attribute of an AttributeTypeAndValue,
 * the algorithm of an AlgorithmIdentifier; NULL otherwise. */
static const char *der_about(const der_note *n)
{
    der_elem first;
    if (n->elem->tag != DER_SEQUENCE)
        return NULL;
    der_reader r = der_enter(n->elem);
    if (der_read_any(&r, &first) != GLASS_OK || first.tag != DER_OID)
        return NULL;
    return der_oid_name(first.val, first.len);
}

/* First pass: the subject's commonName (RFC 5280 §4.1.2.6), for titles. */
static void der_find_cn(void *arg, const der_note *n)
{
    der_tree *t = arg;
    if (n->depth == 2)
        t->in_subject = n->field != NULL && strcmp(n->field, "subject") == 0;
    if (!t->in_subject || n->field == NULL)
        return;
    if (strcmp(n->field, "type") == 0)
        t->cn_next = strstr(n->value, "(2.5.4.3)") != NULL;
    else if (strcmp(n->field, "value") == 0 && t->cn_next && t->cn[0] == '\0' &&
             der_value(n)[0] == '"')     /* a string type: shown in quotes */
        snprintf(t->cn, sizeof t->cn, "%.*s", (int)strcspn(der_value(n) + 1, "\""),
                 der_value(n) + 1);
}

/* Writes on, line cut to 100 columns with "...", off and a newline (a
 * column is a byte that does not continue a UTF-8 sequence; on and off
 * are colours, which take none). */
static void wk_line100(FILE *f, const char *line, const char *on, const char *off)
{
    size_t cols = 0, i = 0;
    for (; line[i] != '\0'; i++)
        if (((unsigned char)line[i] & 0xc0) != 0x80 && ++cols > 97)
            break;
    int cut = line[i] != '\0' && strlen(line + i) > 3;
    while (cut && i > 0 && ((unsigned char)line[i] & 0xc0) == 0x80)
        i--;
    fprintf(f, "%s%.*s%s%s\n", on, cut ? (int)i : (int)strlen(line), line, cut ? "..." : "", off);
}

/* Text: "    offset  header  <indent>field  TAG(len) = value", 100 columns. */
static void der_tree_text(void *arg, const der_note *n)
{
    der_tree *t = arg;
    char line[400], hdr[24] = "";
    for (size_t i = 0; i < n->elem->hdr_len && i < 6; i++)
        snprintf(hdr + 3 * i, sizeof hdr - 3 * i, "%02x ", n->elem->start[i]);
    const char *tag = n->elem->tag == DER_OID ? "OID" : n->tag_name, *about = der_about(n);
    snprintf(line, sizeof line, "    %06zx  %-12s%*s%s%s%s(%zu)%s%s%s%s", t->at + n->offset, hdr,
             2 * (int)n->depth, "", n->field != NULL ? n->field : "", n->field != NULL ? "  " : "",
             tag, n->elem->len, n->value, about != NULL ? ": " : "", about != NULL ? about : "",
             n->opens ? ", DER inside:" : "");
    wk_line100(t->o->f, line, "", "");
}

/* JSON and HTML nest by depth: an element one level deeper opens inside
 * the one before; otherwise close that one (close_one) and every level
 * between (close_level), then a separator.  depth -1 closes everything. */
static void der_tree_nest(der_tree *t, int depth, const char *open, const char *close_one,
                          const char *close_level, const char *sep)
{
    FILE *f = t->o->f;
    if (t->last >= 0 && depth > t->last) {
        fputs(open, f);
    } else if (t->last >= 0) {
        fputs(close_one, f);
        for (int k = t->last; k > depth && k > 0; k--)
            fputs(close_level, f);
        fputs(depth >= 0 ? sep : "", f);
    }
    t->last = depth;
}

static void der_tree_json(void *arg, const der_note *n)
{
    der_tree *t = arg;
    FILE *f = t->o->f;
    der_tree_nest(t, (int)n->depth, "", "]}", "]}", ", ");
    fprintf(f, "{\"offset\": %zu, \"depth\": %u, \"header\": ", t->at + n->offset, n->depth);
    wk_json_hex(f, n->elem->start, n->elem->hdr_len);
    fputs(", \"tag\": ", f);
    wk_json_str(f, n->tag_name);
    fprintf(f, ", \"length\": %zu, \"field\": ", n->elem->len);
    if (n->field != NULL)
        wk_json_str(f, n->field);
    else
        fputs("null", f);
    fputs(", \"value\": ", f);
    wk_json_str(f, der_value(n));
    fputs(", \"children\": [", f);
}

/* HTML: one row per element, data-b its own bytes for the hex view. */
static void der_tree_html(void *arg, const der_note *n)
{
    der_tree *t = arg;
    FILE *f = t->o->f;
    const char *about = der_about(n);
    der_tree_nest(t, (int)n->depth, "<ul>", "</li>", "</ul></li>", "");
    fprintf(f, "<li><div class=\"der f%u\" data-b=\"", t->n++ % 6);
    for (size_t i = 0; i < der_own_len(n); i++)
        fprintf(f, "%02x", n->elem->start[i]);
    fprintf(f, "\"><span class=\"off\">%zu</span> <code class=\"hb\">", t->at + n->offset);
    for (size_t i = 0; i < n->elem->hdr_len; i++)
        fprintf(f, "%s%02x", i > 0 ? " " : "", n->elem->start[i]);
    fputs("</code> ", f);
    if (n->field != NULL) {
        fputs("<b>", f);
        wk_html_str(f, n->field);
        fputs("</b> ", f);
    }
    fputs("<i>", f);
    wk_html_str(f, n->tag_name);
    fprintf(f, "</i> len %zu <span class=\"val\">", n->elem->len);
    wk_html_str(f, n->value);
    fprintf(f, "</span>%s", about != NULL ? " <span class=\"about\">" : "");
    wk_html_str(f, about);
    fputs(about != NULL ? "</span>" : "", f);
    fputs(n->opens ? " <span class=\"opens\">(DER inside, opened below)</span></div>" : "</div>",
          f);
}

/* The tree's opening: a title line, a field entry (or item) whose "der"
 * follows, or a <details> holding a list. */
static void der_tree_open(wk_out *o, const char *title, const char *what, const uint8_t *der,
                          size_t len, size_t at)
{
    FILE *f = o->f;
    char line[300];
    switch (o->fmt) {
    case WK_TEXT:
        snprintf(line, sizeof line, "    %s, field by field:", what);
        wk_line100(f, line, wk_col(o, C_CYAN), wk_col(o, C_RESET));
        break;
    case WK_JSON:
        if (o->in_message)
            fprintf(f, "%s\n        {", o->n_fields++ > 0 ? "," : "");
        else
            wk_json_item(o, "der");    /* {"type": "der" */
        fprintf(f, "%s\"offset\": %zu, \"length\": %zu, \"bytes\": ", o->in_message ? "" : ", ",
                at, len);
        wk_json_hex(f, der, len);
        fputs(", \"field\": ", f);
        wk_json_str(f, title);
        fputs(", \"meaning\": ", f);
        wk_json_str(f, what);
        fputs(",\n          \"der\": [", f);
        break;
    case WK_HTML:
        /* Open inside its (closed) message; a tree on its own starts closed. */
        fprintf(f, "%s<details class=\"cert\"%s data-off=\"%zu\"><summary>",
                o->in_message ? "<tr class=\"certrow\"><td colspan=\"4\">" : "<div>",
                o->in_message ? " open" : "", at);
        wk_html_str(f, what);
        fputs(" &mdash; field by field, as <code>glass asn1parse</code> shows it</summary>"
              "<ul class=\"tree\">", f);
        break;
    }
}

/* See walk_render.h. */
void wk_der_tree(wk_out *o, const char *title, const char *label, const uint8_t *der, size_t len,
                 size_t at)
{
    static const der_note_fn layout[] = {[WK_TEXT] = der_tree_text, [WK_JSON] = der_tree_json,
                                         [WK_HTML] = der_tree_html};
    FILE *f = o->f;
    der_tree t = {.o = o, .at = at, .last = -1};
    der_fault fault;
    const der_schema *s = label != NULL ? der_schema_for_label(label) : der_schema_guess(der, len);
    (void)der_annotate(der, len, s, der_find_cn, &t, NULL);
    char what[200], stop[160] = "";
    snprintf(what, sizeof what, "%s: %zu bytes%s%s%s", title, len,
             t.cn[0] ? ", subject CN=" : "", t.cn, s != NULL ? "" : " (not a structure we know)");
    der_tree_open(o, title, what, der, len, at);
    glass_err err = der_annotate(der, len, s, layout[o->fmt], &t, &fault);
    if (err != GLASS_OK)
        snprintf(stop, sizeof stop, "stops at offset %zu: %s", at + fault.offset,
                 fault.too_deep ? "nested too deep" : glass_strerror(err));
    if (o->fmt == WK_TEXT && stop[0] != '\0') {
        fprintf(f, "    (%s)\n", stop);
    } else if (o->fmt == WK_JSON) {
        der_tree_nest(&t, -1, "", "]}", "]}", "");
        fputs(stop[0] != '\0' ? "], \"error\": " : "]", f);
        if (stop[0] != '\0')
            wk_json_str(f, stop);
        fputs("}", f);
    } else if (o->fmt == WK_HTML) {
        der_tree_nest(&t, -1, "", "</li>", "</ul></li>", "");
        fputs(stop[0] != '\0' ? "</ul><p class=\"bad\">" : "</ul>", f);
        wk_html_str(f, stop[0] != '\0' ? stop : NULL);
        fputs(stop[0] != '\0' ? "</p>" : "", f);
        fputs(o->in_message ? "</details></td></tr>\n" : "</details></div>\n", f);
    }
}

/* See walk_render.h.  The list: opaque ASN.1Cert<1..2^24-1>
 * certificate_list<0..2^24-1> (RFC 5246 §7.4.2), after the 4-byte header. */
void wk_certificates(wk_out *o, const uint8_t *msg, size_t len)
{
    if (msg == NULL || len < 7 || msg[0] != 11)
        return;
    size_t list = (size_t)msg[4] << 16 | (size_t)msg[5] << 8 | msg[6];
    size_t end = list < len - 7 ? 7 + list : len, n = 0, at;
    for (at = 7; at + 3 <= end; n++) {     /* count them first: "1 of 2" */
        size_t cl = (size_t)msg[at] << 16 | (size_t)msg[at + 1] << 8 | msg[at + 2];
        if (cl == 0 || cl > end - at - 3)
            break;
        at += 3 + cl;
    }
    at = 7;
    for (size_t i = 0; i < n; i++) {
        size_t cl = (size_t)msg[at] << 16 | (size_t)msg[at + 1] << 8 | msg[at + 2];
        char title[96];
        snprintf(title, sizeof title, "certificate %zu of %zu (%s)", i + 1, n,
                 i == 0 ? "the sender's own" : "the issuer of the one before");
        wk_der_tree(o, title, "CERTIFICATE", msg + at + 3, cl, at + 3);
        at += 3 + cl;
    }
}
