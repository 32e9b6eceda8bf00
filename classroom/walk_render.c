/*
 * walk_render.c — the three layouts of `glass walkthrough` (see
 * walk_render.h): text, JSON and a single HTML page with a ladder diagram.
 *
 * Read in this order: the helpers (hex, escaping), then each wk_* function,
 * which switches on the format.  Nothing here decides what is said: the
 * walkthrough passes the dissector's fields and the engine's trace values
 * through unchanged.  CT: not relevant (public output).
 */
#include "classroom/walk_render.h"

#include "classroom/walk_html.h"
#include "classroom/walk_text.h"

#include <stdlib.h>

#include <string.h>

#define C_RESET "\033[0m"
#define C_BOLD  "\033[1m"
#define C_DIM   "\033[2m"
#define C_RED   "\033[31m"
#define C_GREEN "\033[32m"
#define C_BLUE  "\033[34m"
#define C_MAG   "\033[35m"
#define C_CYAN  "\033[36m"

const char *wk_col(const wk_out *o, const char *c)
{
    return o->colour ? c : "";
}

/* ---- escaping ------------------------------------------------------------ */

void wk_json_str(FILE *f, const char *s)
{
    fputc('"', f);
    for (const unsigned char *p = (const unsigned char *)(s != NULL ? s : ""); *p != '\0'; p++) {
        if (*p == '"' || *p == '\\')
            fprintf(f, "\\%c", *p);
        else if (*p == '\n')
            fputs("\\n", f);
        else if (*p == '\t')
            fputs("\\t", f);
        else if (*p < 0x20)
            fprintf(f, "\\u%04x", *p);
        else
            fputc(*p, f);
    }
    fputc('"', f);
}

void wk_json_hex(FILE *f, const uint8_t *b, size_t len)
{
    fputc('"', f);
    for (size_t i = 0; i < len; i++)
        fprintf(f, "%02x", b[i]);
    fputc('"', f);
}

void wk_html_str(FILE *f, const char *s)
{
    for (const char *p = s != NULL ? s : ""; *p != '\0'; p++) {
        switch (*p) {
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '&': fputs("&amp;", f); break;
        case '"': fputs("&quot;", f); break;
        default: fputc(*p, f);
        }
    }
}

/* Hex in lines of `per` bytes; each line after the first starts with indent. */
static void hex_lines(FILE *f, const uint8_t *b, size_t len, size_t per, const char *indent)
{
    for (size_t i = 0; i < len; i++) {
        if (i > 0 && i % per == 0)
            fprintf(f, "\n%s", indent);
        fprintf(f, "%02x", b[i]);
    }
}

static void html_hex(FILE *f, const uint8_t *b, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        if (i > 0 && i % 32 == 0)
            fputs("<br>", f);
        fprintf(f, "%02x", b[i]);
    }
}

void wk_json_item(wk_out *o, const char *type)
{
    fprintf(o->f, "%s\n    {\"type\": ", o->n_items++ > 0 ? "," : "");
    wk_json_str(o->f, type);
}

/* ---- the page (head and closing script: walk_html.c) ---------------------- */


/* See walk_render.h. */
void wk_derivation_init(wk_derivation *d, const char *side, const char *name, const char *cite,
                        const char *function, const uint8_t *result, size_t result_len)
{
    memset(d, 0, sizeof *d);
    d->side = side;
    d->name = name;
    d->cite = cite;
    d->function = function;
    d->result = result;
    d->result_len = result_len;
}

/* See walk_render.h. */
void wk_begin(wk_out *o, const char *title, const char *banner, const char *params, long seed,
              int seeded)
{
    FILE *f = o->f;
    o->n_items = 0;
    o->n_messages = 0;
    o->in_message = 0;
    switch (o->fmt) {
    case WK_TEXT:
        fprintf(f, "%s", wk_col(o, C_BOLD));
        wk_text_wrapped(f, 0, 0, title);
        fprintf(f, "%s\n", wk_col(o, C_RESET));
        if (banner != NULL) {
            fprintf(f, "%s", wk_col(o, C_RED C_BOLD));
            wk_text_wrapped(f, 0, 0, banner);
            fprintf(f, "%s\n", wk_col(o, C_RESET));
        }
        wk_text_wrapped(f, 0, 0, params);
        fputc('\n', f);
        break;
    case WK_JSON:
        fprintf(f, "{\n  \"title\": ");
        wk_json_str(f, title);
        fprintf(f, ",\n  \"seeded\": %s,\n  \"seed\": ", seeded ? "true" : "false");
        if (seeded)
            fprintf(f, "%ld", seed);
        else
            fputs("null", f);
        fprintf(f, ",\n  \"banner\": ");
        if (banner != NULL)
            wk_json_str(f, banner);
        else
            fputs("null", f);
        fprintf(f, ",\n  \"parameters\": ");
        wk_json_str(f, params);
        fprintf(f, ",\n  \"items\": [");
        break;
    case WK_HTML:
        fputs(wk_html_head, f);
        fputs("<h1>", f);
        wk_html_str(f, title);
        fputs("</h1>\n", f);
        if (banner != NULL) {
            fputs("<p class=\"banner\">", f);
            wk_html_str(f, banner);
            fputs("</p>\n", f);
        }
        fputs("<p>", f);
        wk_html_str(f, params);
        fputs("</p>\n<p>Click a message to see every field of its bytes, or a derived value "
              "to see its inputs; hover a field to find its bytes.</p>\n"
              "<div class=\"toolbar\"><button type=\"button\" id=\"expand-all\">expand all"
              "</button><button type=\"button\" id=\"collapse-all\">collapse all</button>"
              "</div>\n"
              "<div class=\"lanes\"><span>Client</span><span>Server</span></div>\n"
              "<div id=\"ladder\">\n", f);
        break;
    }
}

/* See walk_render.h. */
void wk_section(wk_out *o, const char *title, const char *text)
{
    FILE *f = o->f;
    switch (o->fmt) {
    case WK_TEXT:
        fprintf(f, "\n%s== %s ==%s\n", wk_col(o, C_BOLD), title, wk_col(o, C_RESET));
        wk_text_wrapped(f, 0, 0, text);
        fputc('\n', f);
        break;
    case WK_JSON:
        wk_json_item(o, "section");
        fputs(", \"title\": ", f);
        wk_json_str(f, title);
        fputs(", \"text\": ", f);
        wk_json_str(f, text);
        fputs("}", f);
        break;
    case WK_HTML:
        fputs("<div class=\"section\"><h2>", f);
        wk_html_str(f, title);
        fputs("</h2><p>", f);
        wk_html_str(f, text);
        fputs("</p></div>\n", f);
        break;
    }
}

/* See walk_render.h. */
void wk_message_begin(wk_out *o, int from_client, const char *kind, const char *name,
                      const char *purpose, const char *tls, const uint8_t *bytes, size_t len)
{
    FILE *f = o->f;
    o->n_messages++;
    o->n_fields = 0;
    o->in_message = 1;
    const char *from = from_client ? "client" : "server", *to = from_client ? "server" : "client";
    switch (o->fmt) {
    case WK_TEXT:
        fprintf(f, "\n%s%s [%u] %s%s  (%s -> %s, %s, %zu bytes)\n", wk_col(o, C_BOLD C_BLUE),
                from_client ? "C ====>  S" : "C <====  S", o->n_messages, name, wk_col(o, C_RESET),
                from, to, kind, len);
        if (purpose != NULL && purpose[0] != '\0') {
            fputs("    for:     ", f);
            wk_text_wrapped(f, 13, 13, purpose);
            fputc('\n', f);
        }
        if (tls != NULL && tls[0] != '\0') {
            fputs("    TLS 1.2: ", f);
            wk_text_wrapped(f, 13, 13, tls);
            fputc('\n', f);
        }
        fprintf(f, "    %soffset  bytes%29sfield: meaning%s\n", wk_col(o, C_DIM), "", wk_col(o, C_RESET));
        break;
    case WK_JSON:
        wk_json_item(o, "message");
        fprintf(f, ", \"number\": %u, \"kind\": ", o->n_messages);
        wk_json_str(f, kind);
        fputs(", \"from\": ", f);
        wk_json_str(f, from);
        fputs(", \"to\": ", f);
        wk_json_str(f, to);
        fputs(", \"name\": ", f);
        wk_json_str(f, name);
        fputs(", \"purpose\": ", f);
        wk_json_str(f, purpose);
        fputs(", \"tls\": ", f);
        wk_json_str(f, tls);
        fprintf(f, ", \"length\": %zu, \"bytes\": ", len);
        wk_json_hex(f, bytes, len);
        fputs(",\n      \"fields\": [", f);
        break;
    case WK_HTML:
        fprintf(f, "<details class=\"msg %s %s\" id=\"m%u\"><summary><span class=\"arrow\">",
                from_client ? "c2s" : "s2c", strcmp(kind, "record") == 0 ? "record" : "handshake",
                o->n_messages);
        wk_html_str(f, name);
        fprintf(f, " <span class=\"len\">(%zu bytes)</span></span></summary>\n<div class=\"body\">",
                len);
        fprintf(f, "<p><b>%s &rarr; %s</b>, %s. ", from, to, kind);
        wk_html_str(f, purpose);
        fputs("</p>", f);
        if (tls != NULL && tls[0] != '\0') {
            fputs("<p><b>TLS 1.2:</b> ", f);
            wk_html_str(f, tls);
            fputs("</p>", f);
        }
        fputs("\n<table class=\"fields\"><tr><th class=\"off\">offset</th><th class=\"bytes\">"
              "bytes</th><th class=\"field\">field</th><th>meaning</th></tr>\n", f);
        break;
    }
}

/* A field in text: offset, up to 16 bytes a row, and "field: meaning"
 * wrapped beside the bytes, row by row, within WK_TEXT_WIDTH:
 *     000006  cc46103dfbfcef5733463cf33d334794  ClientHello.random: 32 random
 *             4eb2e2f142e515d463713ebc03d91783  bytes from the client ...      */
static void field_text(wk_out *o, size_t offset, const uint8_t *bytes, size_t len,
                       const char *field, const char *meaning)
{
    FILE *f = o->f;
    const size_t left = 12 + 32 + 2;    /* offset column, 16 bytes, gap */
    size_t flen = strlen(field), mlen = meaning != NULL ? strlen(meaning) : 0;
    char *label = malloc(flen + mlen + 3);
    char *wrapped = NULL;
    if (label != NULL) {
        memcpy(label, field, flen + 1);
        if (mlen > 0)
            snprintf(label + flen, mlen + 3, ": %s", meaning);
        wrapped = wk_wrap(label, WK_TEXT_WIDTH - left, WK_TEXT_WIDTH - left);
    }
    const char *t = wrapped != NULL ? wrapped : field;
    size_t rows = len > 0 ? (len + 15) / 16 : 1;
    for (size_t r = 0; r < rows || *t != '\0'; r++) {
        size_t from = 16 * r, n = from < len ? (len - from < 16 ? len - from : 16) : 0;
        if (r == 0)
            fprintf(f, "    %06zx  ", offset);
        else
            fputs("            ", f);
        for (size_t i = 0; i < n; i++)
            fprintf(f, "%02x", bytes[from + i]);
        if (*t != '\0') {
            const char *e = strchr(t, '\n');
            size_t tl = e != NULL ? (size_t)(e - t) : strlen(t);
            fprintf(f, "%*s  ", (int)(32 - 2 * n), "");
            if (r == 0 && tl >= flen)   /* the field's name in colour */
                fprintf(f, "%s%.*s%s%.*s", wk_col(o, C_CYAN), (int)flen, t, wk_col(o, C_RESET),
                        (int)(tl - flen), t + flen);
            else
                fwrite(t, 1, tl, f);
            t += tl + (e != NULL ? 1 : 0);
        }
        fputc('\n', f);
    }
    free(wrapped);
    free(label);
}

/* See walk_render.h. */
void wk_field(wk_out *o, size_t offset, const uint8_t *bytes, size_t len, const char *field,
              const char *meaning)
{
    FILE *f = o->f;
    switch (o->fmt) {
    case WK_TEXT:
        field_text(o, offset, bytes, len, field, meaning);
        break;
    case WK_JSON:
        fprintf(f, "%s\n        {\"offset\": %zu, \"length\": %zu, \"bytes\": ",
                o->n_fields++ > 0 ? "," : "", offset, len);
        wk_json_hex(f, bytes, len);
        fputs(", \"field\": ", f);
        wk_json_str(f, field);
        fputs(", \"meaning\": ", f);
        wk_json_str(f, meaning);
        fputs("}", f);
        break;
    case WK_HTML:
        /* Six colours cycle over the fields; the page's script gives the
         * hex view of the whole message the same colours. */
        fprintf(f, "<tr class=\"fld f%u\"><td class=\"off\">%zu</td><td class=\"bytes\">",
                o->n_fields++ % 6, offset);
        html_hex(f, bytes, len);
        fputs("</td><td>", f);
        wk_html_str(f, field);
        fputs("</td><td>", f);
        wk_html_str(f, meaning);
        fputs("</td></tr>\n", f);
        break;
    }
}

/* See walk_render.h. */
void wk_message_end(wk_out *o)
{
    FILE *f = o->f;
    o->in_message = 0;
    switch (o->fmt) {
    case WK_TEXT:
        fflush(f);
        if (o->step && o->step_in != NULL) {
            fprintf(f, "%s-- press Enter for the next message --%s", wk_col(o, C_DIM), wk_col(o, C_RESET));
            fflush(f);
            int c;
            while ((c = fgetc(o->step_in)) != EOF && c != '\n')
                ;
            if (c == EOF)
                o->step = 0;    /* no more input: run to the end */
            fputc('\n', f);
        }
        break;
    case WK_JSON:
        fputs("\n      ]}", f);
        break;
    case WK_HTML:
        fputs("</table></div></details>\n", f);
        break;
    }
}

/* wk_derive in JSON: one "derive" item. */
static void derive_json(wk_out *o, const wk_derivation *d)
{
    FILE *f = o->f;
    wk_json_item(o, "derive");
    fputs(", \"side\": ", f);
    wk_json_str(f, d->side);
    fputs(", \"name\": ", f);
    wk_json_str(f, d->name);
    fputs(", \"cite\": ", f);
    wk_json_str(f, d->cite);
    fputs(", \"function\": ", f);
    wk_json_str(f, d->function);
    fputs(", \"explain\": ", f);
    wk_json_str(f, d->explain);
    fputs(",\n      \"inputs\": [", f);
    for (size_t i = 0; i < d->n_inputs; i++) {
        fprintf(f, "%s{\"name\": ", i > 0 ? ", " : "");
        wk_json_str(f, d->inputs[i].name);
        if (d->inputs[i].bytes != NULL) {
            fputs(", \"bytes\": ", f);
            wk_json_hex(f, d->inputs[i].bytes, d->inputs[i].len);
        } else {
            fputs(", \"text\": ", f);
            wk_json_str(f, d->inputs[i].text);
        }
        fputs("}", f);
    }
    fputs("],\n      \"result\": ", f);
    wk_json_hex(f, d->result, d->result_len);
    fputs(",\n      \"commands\": [", f);
    for (size_t i = 0; i < d->n_commands; i++) {
        char *one = wk_command_one_line(d->commands[i].line);
        fprintf(f, "%s{\"line\": ", i > 0 ? ", " : "");
        wk_json_str(f, one != NULL ? one : d->commands[i].line);
        fputs(", \"prints\": ", f);
        if (d->commands[i].prints != NULL)
            wk_json_str(f, d->commands[i].prints);
        else
            fputs("null", f);
        fputs("}", f);
        free(one);
    }
    fputs("]", f);
    fprintf(f, ", \"check\": %s, \"check_how\": ",
            d->check > 0 ? "\"equal\"" : d->check < 0 ? "\"different\"" : "null");
    wk_json_str(f, d->check_how);
    fputs("}", f);
}

/* wk_derive in text:
 *     * NAME [side]  (cite)
 *       NAME = function
 *       in  NAME                 hex, 32 bytes a line
 *       out NAME                 hex
 *       $ a command that prints the value (continued after " \")
 *       check:   recomputed independently: equal — how                  */
static void derive_text(wk_out *o, const wk_derivation *d, const char *check)
{
    FILE *f = o->f;
    const char *ind = "                               ";
    char head[256];
    snprintf(head, sizeof head, "[%s]%s%s%s", d->side, d->cite != NULL ? "  (" : "",
             d->cite != NULL ? d->cite : "", d->cite != NULL ? ")" : "");
    fprintf(f, "\n    %s* %s%s ", wk_col(o, C_BOLD C_MAG), d->name, wk_col(o, C_RESET));
    wk_text_wrapped(f, 7 + wk_cols(d->name), 8, head);
    fputc('\n', f);
    if (d->function != NULL) {
        fprintf(f, "      %s = ", d->name);
        wk_text_wrapped(f, 9 + wk_cols(d->name), 8, d->function);
        fputc('\n', f);
    }
    if (d->explain != NULL && d->explain[0] != '\0' &&
        (d->function == NULL || strcmp(d->explain, d->function) != 0)) {
        fputs("      engine says: ", f);
        wk_text_wrapped(f, 19, 8, d->explain);
        fputc('\n', f);
    }
    for (size_t i = 0; i < d->n_inputs; i++) {
        if (strlen(d->inputs[i].name) > 20)
            fprintf(f, "      in  %s\n%s", d->inputs[i].name, ind);
        else
            fprintf(f, "      in  %-20s ", d->inputs[i].name);
        if (d->inputs[i].bytes != NULL)
            hex_lines(f, d->inputs[i].bytes, d->inputs[i].len, 32, ind);
        else
            wk_text_wrapped(f, strlen(ind), strlen(ind),
                            d->inputs[i].text != NULL ? d->inputs[i].text : "");
        fputc('\n', f);
    }
    if (strlen(d->name) > 20)
        fprintf(f, "      %sout %s\n%s", wk_col(o, C_BOLD), d->name, ind);
    else
        fprintf(f, "      %sout %-20s ", wk_col(o, C_BOLD), d->name);
    hex_lines(f, d->result, d->result_len, 32, ind);
    fprintf(f, "%s\n", wk_col(o, C_RESET));
    for (size_t i = 0; i < d->n_commands; i++) {
        wk_text_command(f, d->commands[i].line);
        if (d->commands[i].prints != NULL)
            fprintf(f, "      prints: %s\n", d->commands[i].prints);
    }
    if (check != NULL) {
        fprintf(f, "      check:   %s%s%s%s", wk_col(o, d->check > 0 ? C_GREEN : C_RED), check,
                wk_col(o, C_RESET), d->check_how != NULL ? " — " : "");
        if (d->check_how != NULL)
            wk_text_wrapped(f, 15 + wk_cols(check) + 3, 15, d->check_how);
        fputc('\n', f);
    }
}

/* See walk_render.h. */
void wk_derive(wk_out *o, const wk_derivation *d)
{
    FILE *f = o->f;
    const char *check = d->check > 0 ? "recomputed independently: equal"
                        : d->check < 0 ? "recomputed independently: DIFFERENT"
                                       : NULL;
    switch (o->fmt) {
    case WK_TEXT:
        derive_text(o, d, check);
        break;
    case WK_JSON:
        derive_json(o, d);
        break;
    case WK_HTML:
        fprintf(f, "<details class=\"derive %s\"><summary>", d->side);
        wk_html_str(f, d->side);
        fputs(" derives <b>", f);
        wk_html_str(f, d->name);
        fputs("</b></summary><div class=\"body\"><p><code>", f);
        wk_html_str(f, d->name);
        fputs(" = ", f);
        wk_html_str(f, d->function);
        fputs("</code> (", f);
        wk_html_str(f, d->cite);
        fputs(")</p><table class=\"fields\">", f);
        for (size_t i = 0; i < d->n_inputs; i++) {
            fputs("<tr><td>input ", f);
            wk_html_str(f, d->inputs[i].name);
            fputs("</td><td class=\"bytes\">", f);
            if (d->inputs[i].bytes != NULL)
                html_hex(f, d->inputs[i].bytes, d->inputs[i].len);
            else
                wk_html_str(f, d->inputs[i].text);
            fputs("</td></tr>", f);
        }
        fputs("<tr><td><b>result</b></td><td class=\"bytes\">", f);
        html_hex(f, d->result, d->result_len);
        fputs("</td></tr></table>", f);
        for (size_t i = 0; i < d->n_commands; i++) {
            char *one = wk_command_one_line(d->commands[i].line);
            fputs("<p>By hand: <code class=\"cmd\">", f);
            wk_html_str(f, one != NULL ? one : d->commands[i].line);
            fputs("</code><button type=\"button\" class=\"copy\">copy</button>", f);
            if (d->commands[i].prints != NULL) {
                fputs(" prints <code>", f);
                wk_html_str(f, d->commands[i].prints);
                fputs("</code>", f);
            }
            fputs("</p>", f);
            free(one);
        }
        if (check != NULL) {
            fprintf(f, "<p class=\"%s\">", d->check > 0 ? "ok" : "bad");
            wk_html_str(f, check);
            if (d->check_how != NULL) {
                fputs(" — ", f);
                wk_html_str(f, d->check_how);
            }
            fputs("</p>", f);
        }
        fputs("</div></details>\n", f);
        break;
    }
}

/* See walk_render.h. */
void wk_note(wk_out *o, const char *side, const char *kind, const char *text)
{
    FILE *f = o->f;
    switch (o->fmt) {
    case WK_TEXT:
        fprintf(f, "    %s%s [%s] ", wk_col(o, strcmp(kind, "check") == 0 ? C_GREEN : C_DIM), kind,
                side);
        wk_text_wrapped(f, 8 + wk_cols(kind) + wk_cols(side), 8, text);
        fprintf(f, "%s\n", wk_col(o, C_RESET));
        break;
    case WK_JSON:
        wk_json_item(o, "note");
        fputs(", \"side\": ", f);
        wk_json_str(f, side);
        fputs(", \"kind\": ", f);
        wk_json_str(f, kind);
        fputs(", \"text\": ", f);
        wk_json_str(f, text);
        fputs("}", f);
        break;
    case WK_HTML:
        o->n_fields = 0;
        fprintf(f, "<div class=\"note %s\">", side);
        wk_html_str(f, kind);
        fputs(" [", f);
        wk_html_str(f, side);
        fputs("] ", f);
        wk_html_str(f, text);
        fputs("</div>\n", f);
        break;
    }
}

/* See walk_render.h. */
void wk_note_detail(wk_out *o, const char *side, const uint8_t *bytes, size_t len,
                    const char *field, const char *meaning)
{
    FILE *f = o->f;
    if (o->fmt != WK_HTML)
        return;
    fprintf(f, "<div class=\"note hdr %s\"><code class=\"f%u\">", side, o->n_fields++ % 6);
    html_hex(f, bytes, len);
    fputs("</code> ", f);
    wk_html_str(f, field);
    fputs(": ", f);
    wk_html_str(f, meaning);
    fputs("</div>\n", f);
}

/* See walk_render.h. */
void wk_end(wk_out *o, int ok, const char *summary)
{
    FILE *f = o->f;
    switch (o->fmt) {
    case WK_TEXT:
        fprintf(f, "\n%s%s%s\n", wk_col(o, ok ? C_GREEN C_BOLD : C_RED C_BOLD), summary, wk_col(o, C_RESET));
        break;
    case WK_JSON:
        fprintf(f, "\n  ],\n  \"ok\": %s,\n  \"summary\": ", ok ? "true" : "false");
        wk_json_str(f, summary);
        fputs("\n}\n", f);
        break;
    case WK_HTML:
        fprintf(f, "</div>\n<p class=\"%s\">", ok ? "ok" : "bad");
        wk_html_str(f, summary);
        fputs("</p>\n", f);
        fputs(wk_html_tail, f);
        break;
    }
    fflush(f);
}
