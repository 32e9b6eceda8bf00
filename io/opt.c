/*
 * opt.c — the option-table parser and the --help printer (see io/opt.h).
 *
 * Read opt_parse first: it walks argv once, finds each option in the table
 * (find), and hands its value to take_value, which converts it by kind.
 * opt_help prints the same table as the help page.  No standard is
 * followed beyond OpenSSL's habits for flag names; nothing here is secret
 * except an OPT_HEX key, which opt_bytes_free wipes.
 */
#include "io/opt.h"
#include "io/io.h"

#include <stdlib.h>
#include <string.h>

/* 1 if a is a request for help. */
static int is_help(const char *a)
{
    return strcmp(a, "-h") == 0 || strcmp(a, "-help") == 0 || strcmp(a, "--help") == 0;
}

/* 1 if a looks like an option (and not "-" alone, which names standard input). */
static int is_option(const char *a)
{
    return a[0] == '-' && a[1] != '\0';
}

/* 1 if the table's name equals a's first len characters; with either_dash,
 * "--dir" and "-dir" are the same name. */
static int same_name(const char *name, const char *a, size_t len, int either_dash)
{
    if (either_dash && strncmp(name, "--", 2) == 0)
        name++;
    if (either_dash && len > 2 && strncmp(a, "--", 2) == 0) {
        a++;
        len--;
    }
    return strlen(name) == len && strncmp(name, a, len) == 0;
}

/* The table entry named a (or its "--name=value" form: *inline_value is then
 * set), or NULL. */
static const opt *find(const opt *t, const char *a, int either_dash, const char **inline_value)
{
    const char *eq = strncmp(a, "--", 2) == 0 ? strchr(a, '=') : NULL;
    size_t len = eq != NULL ? (size_t)(eq - a) : strlen(a);
    *inline_value = NULL;
    for (; t->name != NULL; t++) {
        const char *names[2] = {t->name, t->alias};
        for (int k = 0; k < 2; k++)
            if (names[k] != NULL && same_name(names[k], a, len, either_dash)) {
                if (eq != NULL)
                    *inline_value = eq + 1;
                return t;
            }
    }
    return NULL;
}

/* Converts value for option o (given on the command line as flag) and stores
 * it.  0, or 1 after printing why. */
static int take_value(const char *cmd, const opt *o, const char *flag, const char *value)
{
    switch (o->kind) {
    case OPT_STRING:
        *(const char **)o->dest = value;
        return 0;
    case OPT_UINT:
        return io_uint_arg(cmd, flag, value, o->min, o->max, (unsigned long *)o->dest);
    case OPT_HEX: {
        opt_bytes *b = o->dest;
        uint8_t *data = NULL;
        size_t len = 0;
        if (io_hex_arg(cmd, flag, value, &data, &len) != 0)
            return 1;
        opt_bytes_free(b);
        b->data = data;
        b->len = len;
        b->given = 1;
        return 0;
    }
    case OPT_CALL:
        return o->fn(cmd, flag, value, o->dest);
    case OPT_FLAG:
        break;
    }
    return io_error(cmd, "%s takes no value", flag);
}

/* See io/opt.h. */
int opt_parse(const opt_command *c, int argc, char **argv, opt_operands *rest)
{
    int w = 1;              /* where the next operand is kept */
    int options_done = 0;

    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], "--") == 0)
            break;
        else if (is_help(argv[i])) {
            opt_help(c, stdout);
            return 0;
        }
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (options_done || !is_option(a)) {
            argv[w++] = argv[i];
            if (!c->anywhere)
                options_done = 1;
            continue;
        }
        if (strcmp(a, "--") == 0) {
            options_done = 1;
            continue;
        }
        const char *value = NULL;
        const opt *o = find(c->opts, a, c->either_dash, &value);
        if (o == NULL)
            return io_error(c->name, "unknown option '%s' (try glass %s --help)", a, c->name);
        if (o->kind == OPT_FLAG) {
            if (value != NULL)
                return io_error(c->name, "%s takes no value", o->name);
            *(int *)o->dest = 1;
            continue;
        }
        if (value == NULL) {
            if (i + 1 >= argc)
                return io_error(c->name, "%s needs a value (%s)", a, o->arg ? o->arg : "VALUE");
            value = argv[++i];
        }
        if (take_value(c->name, o, a, value) != 0)
            return 1;
    }
    rest->v = argv + 1;
    rest->n = w - 1;
    if (rest->n < c->min_operands)
        return io_error(c->name, "missing %s (try glass %s --help)",
                         c->operands ? c->operands : "operand", c->name);
    if (c->max_operands >= 0 && rest->n > c->max_operands)
        return io_error(c->name, "unexpected argument '%s' (try glass %s --help)",
                         rest->v[c->max_operands], c->name);
    return OPT_RUN;
}

/* Prints text, each line after the first indented by indent columns. */
static void print_indented(FILE *f, const char *text, int indent)
{
    for (const char *p = text; *p != '\0'; p++) {
        fputc(*p, f);
        if (*p == '\n' && p[1] != '\0')
            fprintf(f, "%*s", indent, "");
    }
}

/* One option's line(s) of help. */
static void help_line(FILE *f, const opt *o)
{
    char left[64];
    int n = snprintf(left, sizeof left, "%s%s%s%s%s", o->name, o->alias ? ", " : "",
                     o->alias ? o->alias : "", o->arg ? " " : "", o->arg ? o->arg : "");
    if (n < 0)
        return;
    if (n <= 22)
        fprintf(f, "  %-22s ", left);
    else
        fprintf(f, "  %s\n  %-22s ", left, "");
    print_indented(f, o->help ? o->help : "", 25);
    unsigned long def = o->kind == OPT_UINT ? *(unsigned long *)o->dest : 0;
    if (o->kind == OPT_UINT && def >= o->min && def <= o->max)
        fprintf(f, " (%lu..%lu; default %lu)", o->min, o->max, def);
    else if (o->kind == OPT_UINT)
        fprintf(f, " (%lu..%lu)", o->min, o->max);
    else if (o->kind == OPT_STRING && *(const char **)o->dest != NULL)
        fprintf(f, " (default %s)", *(const char **)o->dest);
    fputc('\n', f);
}

/* See io/opt.h. */
void opt_help(const opt_command *c, FILE *f)
{
    fprintf(f, "usage: glass %s %s\n\n", c->name, c->synopsis ? c->synopsis : "");
    if (c->about != NULL)
        fprintf(f, "%s\n", c->about);
    if (c->opts != NULL && c->opts[0].name != NULL) {
        fprintf(f, "options:\n");
        for (const opt *o = c->opts; o->name != NULL; o++)
            help_line(f, o);
        fputc('\n', f);
    }
    if (c->example != NULL)
        fprintf(f, "example:\n%s", c->example);
}

/* See io/opt.h. */
void opt_bytes_free(opt_bytes *b)
{
    if (b->data != NULL) {
        glass_wipe(b->data, b->len);
        free(b->data);
    }
    b->data = NULL;
    b->len = 0;
    b->given = 0;
}
