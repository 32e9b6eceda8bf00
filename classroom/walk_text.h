/*
 * walk_text.h — how the text of `glass walkthrough` keeps to WK_TEXT_WIDTH
 * columns (walk_render.h): prose wrapped at spaces, and shell commands
 * continued on the next line after a trailing backslash, so that a pasted
 * command still runs.  Only walk_render.c uses these.
 */
#ifndef GLASS_WALK_TEXT_H
#define GLASS_WALK_TEXT_H

#include <stddef.h>
#include <stdio.h>

/* Columns that s takes on a terminal (UTF-8: one per character). */
size_t wk_cols(const char *s);

/* text wrapped at spaces: the first line at most `first` columns, the
 * others at most `width`; lines joined by '\n' (a word longer than a line
 * is cut).  A '\n' in text forces a break.  malloc'd; NULL when out of
 * memory. */
char *wk_wrap(const char *text, size_t first, size_t width);

/* Writes text wrapped to WK_TEXT_WIDTH, the cursor being at column `used`;
 * every following line starts with `indent` spaces.  No final newline. */
void wk_text_wrapped(FILE *f, size_t used, size_t indent, const char *text);

/* Writes "      $ COMMAND\n", continued with " \" where it would pass
 * WK_TEXT_WIDTH: at a '\n' in line, or at a space outside quotes and
 * $(...); continuation lines are indented by four more. */
void wk_text_command(FILE *f, const char *line);

/* The command for JSON and HTML: one line, each '\n' mark a space.
 * malloc'd; NULL when out of memory. */
char *wk_command_one_line(const char *line);

#endif
