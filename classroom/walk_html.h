/*
 * walk_html.h — the fixed parts of the walkthrough's HTML page: the head
 * with its inline style sheet, and the closing script.  Only
 * walk_render.c uses these; the page stays one self-contained file with no
 * network access.
 */
#ifndef GLASS_WALK_HTML_H
#define GLASS_WALK_HTML_H

/* From <!DOCTYPE> to the opening <body> tag: screen and print styles. */
extern const char wk_html_head[];
/* The closing script (layout checks, buttons, hover, copy) and </html>. */
extern const char wk_html_tail[];

#endif
