/*
 * walk_text.c — the text of `glass walkthrough` in WK_TEXT_WIDTH columns
 * (see walk_text.h): a projector shows 100 columns, and a line that runs
 * off its edge is a line nobody reads.
 *
 * Prose is wrapped at spaces (a word longer than a line, such as a long
 * hex string, is cut).  A shell command is wrapped the way a person would
 * type it on several lines: a trailing backslash ends each line but the
 * last, and breaks fall only where bash treats backslash-newline as a
 * space — at a space outside quotes and outside $(...), or at a place the
 * command marked with '\n' (inside double quotes backslash-newline simply
 * disappears, so a mark may stand there; inside single quotes it never
 * does, so no mark stands there).  Pasted, the lines run as one command.
 *
 * Columns are counted in characters (UTF-8: "§" and "—" take one).
 * CT: not relevant (layout of public text).
 */
#include "classroom/walk_text.h"

#include "classroom/walk_render.h"
#include "io/io.h"

#include <stdlib.h>
#include <string.h>

/* See walk_text.h. */
size_t wk_cols(const char *s)
{
    return io_text_cols(s, strlen(s));
}

/* See walk_text.h. */
char *wk_wrap(const char *text, size_t first, size_t width)
{
    size_t n = strlen(text);
    char *out = malloc(2 * n + 3);
    if (out == NULL)
        return NULL;
    size_t o = 0, col = 0, limit = first;
    int line_empty = 1;
    if (width < 8)
        width = 8;
    if (first < 12 && n > first) {  /* too little room left: start below */
        out[o++] = '\n';
        limit = width;
    }
    const char *p = text;
    while (*p != '\0') {
        if (*p == '\n' || *p == ' ') {
            if (*p == '\n') {
                out[o++] = '\n';
                col = 0;
                limit = width;
                line_empty = 1;
            }
            p++;
            continue;
        }
        const char *q = p;
        while (*q != '\0' && *q != ' ' && *q != '\n')
            q++;
        size_t wl = io_text_cols(p, (size_t)(q - p));
        if (!line_empty && col + 1 + wl > limit) {
            out[o++] = '\n';
            col = 0;
            limit = width;
            line_empty = 1;
        }
        if (!line_empty) {
            out[o++] = ' ';
            col++;
        }
        for (const char *c = p; c < q; c++) {
            int cont = ((unsigned char)*c & 0xC0) == 0x80;
            if (!cont && col >= limit) {
                out[o++] = '\n';
                col = 0;
                limit = width;
            }
            out[o++] = *c;
            col += cont ? 0 : 1;
        }
        line_empty = 0;
        p = q;
    }
    out[o] = '\0';
    return out;
}

/* See walk_text.h. */
void wk_text_wrapped(FILE *f, size_t used, size_t indent, const char *text)
{
    size_t first = used < WK_TEXT_WIDTH ? WK_TEXT_WIDTH - used : 0;
    char *s = wk_wrap(text != NULL ? text : "", first, WK_TEXT_WIDTH - indent);
    if (s == NULL) {
        fputs(text, f);
        return;
    }
    for (const char *p = s; *p != '\0'; p++) {
        if (*p == '\n')
            fprintf(f, "\n%*s", (int)indent, "");
        else
            fputc(*p, f);
    }
    free(s);
}

/* Where bash would be at a point of a command: inside which quote (0:
 * none) and how many $( deep. */
typedef struct shell_pos {
    char quote;
    int depth;
} shell_pos;

/* The end of the segment of a command that starts at p: the next space
 * outside quotes and $(...), a '\n' mark, or the end.  pos carries over
 * from one segment to the next. */
static const char *segment_end(const char *p, shell_pos *pos)
{
    for (; *p != '\0' && *p != '\n'; p++) {
        if (pos->quote != 0) {
            if (*p == pos->quote)
                pos->quote = 0;
        } else if (*p == '\'' || *p == '"') {
            pos->quote = *p;
        } else if (*p == '(') {
            pos->depth++;
        } else if (*p == ')' && pos->depth > 0) {
            pos->depth--;
        } else if (*p == ' ' && pos->depth == 0) {
            break;
        }
    }
    return p;
}

/* One piece of a command that is never broken: a word, or an option
 * with its value ("-kdfopt digest:SHA256", "-K $(...)"), so that a reader
 * finds each option beside its value. */
typedef struct piece {
    const char *p;
    size_t n;
    int hard;                   /* a '\n' mark stands before it */
} piece;

/* Cuts line into pieces; returns how many (at most cap). */
static size_t command_pieces(const char *line, piece *v, size_t cap)
{
    size_t k = 0;
    int hard = 0;
    shell_pos pos = {0, 0};
    for (const char *p = line; *p != '\0' && k < cap;) {
        if (*p == '\n' || (*p == ' ' && pos.quote == 0 && pos.depth == 0)) {
            hard |= *p == '\n';
            p++;
            continue;
        }
        const char *q = segment_end(p, &pos);
        int joins = k > 0 && !hard && v[k - 1].p[0] == '-' && strchr("-|{}", p[0]) == NULL &&
                    memchr(v[k - 1].p, ' ', v[k - 1].n) == NULL;
        if (joins) {
            v[k - 1].n = (size_t)(q - v[k - 1].p);
        } else {
            v[k].p = p;
            v[k].n = (size_t)(q - p);
            v[k].hard = hard;
            k++;
        }
        hard = 0;
        p = q;
    }
    return k;
}

/* See walk_text.h. */
void wk_text_command(FILE *f, const char *line)
{
    const char *first = "      $ ", *cont = "          ";
    size_t n = strlen(line), col = strlen(first);
    piece *v = malloc((n + 1) * sizeof *v);
    if (v == NULL) {
        fprintf(f, "%s%s\n", first, line);
        return;
    }
    size_t k = command_pieces(line, v, n + 1);
    fputs(first, f);
    for (size_t i = 0; i < k; i++) {
        size_t w = io_text_cols(v[i].p, v[i].n);
        /* Room for " \" after it unless it ends the command. */
        size_t tail = i + 1 < k ? 2 : 0;
        if (i > 0 && (v[i].hard || col + 1 + w + tail > WK_TEXT_WIDTH)) {
            fprintf(f, " \\\n%s", cont);
            col = strlen(cont);
        } else if (i > 0) {
            fputc(' ', f);
            col++;
        }
        fwrite(v[i].p, 1, v[i].n, f);
        col += w;
    }
    fputc('\n', f);
    free(v);
}

/* See walk_text.h. */
char *wk_command_one_line(const char *line)
{
    size_t n = strlen(line);
    char *s = malloc(n + 1);
    if (s == NULL)
        return NULL;
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        if (line[i] == '\n') {
            if (o > 0 && s[o - 1] != ' ' && line[i + 1] != ' ')
                s[o++] = ' ';
        } else {
            s[o++] = line[i];
        }
    }
    s[o] = '\0';
    return s;
}
