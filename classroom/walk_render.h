/*
 * walk_render.h — how `glass walkthrough` writes what it narrates: text for
 * a terminal, JSON for tools, or one self-contained HTML page.
 *
 * The walkthrough (apps/cmd_walkthrough.c) never prints directly: it calls
 * these functions with what happened, in order — a message with its fields,
 * a derived value with its inputs, a note — and the renderer lays it out.
 * Everything is streamed, so `--step` can pause after each message.
 *
 * The field annotations handed to wk_field come from the engine's dissector
 * (glass_dissect_*), the derived values from the engine's trace events; the
 * renderer adds layout only, never content.
 */
#ifndef GLASS_WALK_RENDER_H
#define GLASS_WALK_RENDER_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

typedef enum wk_format { WK_TEXT, WK_JSON, WK_HTML } wk_format;

typedef struct wk_out {
    FILE *f;
    wk_format fmt;
    int colour;             /* text only: ANSI colours (stdout is a tty) */
    int step;               /* text only: wait for Enter after each message */
    FILE *step_in;          /* where Enter is read from */
    unsigned n_items;       /* items written so far (JSON commas) */
    unsigned n_fields;      /* fields of the open message (JSON commas) */
    unsigned n_messages;    /* messages so far, for numbering */
    int in_message;
} wk_out;

/* One input of a derivation: a name, and either bytes or a line of text. */
typedef struct wk_input {
    const char *name;
    const uint8_t *bytes;
    size_t len;
    const char *text;       /* used when bytes is NULL */
} wk_input;

#define WK_MAX_INPUTS 6
#define WK_MAX_COMMANDS 4

/* The width text mode keeps to: no line is longer (a projector, a
 * terminal of 100 columns); prose wraps at spaces, hex at 32 bytes, and a
 * command continues on the next line after a trailing backslash. */
#define WK_TEXT_WIDTH 100

/* A command a student pastes into a shell (bash), in the directory
 * --save DIR wrote (cd DIR first).  line: the command; a '\n' in it marks
 * a place where it may continue on the next line (the renderer writes
 * " \" there); it also breaks at spaces outside quotes and $(...).
 * prints: what it prints, when that is not the derived value itself (NULL:
 * the value, in hex, perhaps with colons or a "NAME= " prefix). */
typedef struct wk_command {
    const char *line;
    const char *prints;
} wk_command;

typedef struct wk_derivation {
    const char *side;       /* "client", "server" or "" */
    const char *name;       /* "master_secret" */
    const char *cite;       /* "RFC 7627 §4" */
    const char *function;   /* "PRF(pre_master_secret, \"extended master secret\", session_hash)[0..47]" */
    const char *explain;    /* the engine's own explanation from the trace event */
    wk_input inputs[WK_MAX_INPUTS];
    size_t n_inputs;
    const uint8_t *result;
    size_t result_len;
    wk_command commands[WK_MAX_COMMANDS];   /* commands that recompute it */
    size_t n_commands;
    int check;              /* 1: recomputed here and equal; -1: differs; 0: not recomputed */
    const char *check_how;  /* what the recomputation was */
} wk_derivation;

/* Empties d, then sets what every derivation has: who derived it, its
 * name, where the standards define it, the function, and the result. */
void wk_derivation_init(wk_derivation *d, const char *side, const char *name, const char *cite,
                        const char *function, const uint8_t *result, size_t result_len);

/* Starts the document.  title: one line; banner: NULL or a warning shown
 * before everything (the seeded-mode notice); the parameters line says what
 * was run (e.g. "mutual authentication, seed 1"). */
void wk_begin(wk_out *o, const char *title, const char *banner, const char *params,
              long seed, int seeded);
/* A heading with a paragraph of prose. */
void wk_section(wk_out *o, const char *title, const char *text);
/* A handshake message or record: from_client says the arrow's direction. */
void wk_message_begin(wk_out *o, int from_client, const char *kind, const char *name,
                      const char *purpose, const char *tls, const uint8_t *bytes, size_t len);
/* One field of the open message (from the dissector). */
void wk_field(wk_out *o, size_t offset, const uint8_t *bytes, size_t len, const char *field,
              const char *meaning);
/* Closes the message; with --step, waits for Enter. */
void wk_message_end(wk_out *o);
void wk_derive(wk_out *o, const wk_derivation *d);
/* A short line: a check passed, a state change, an event. */
void wk_note(wk_out *o, const char *side, const char *kind, const char *text);
/* One annotated field under the note just written (the record header of a
 * plaintext record, from the dissector).  Text and JSON show nothing more
 * (the note line already gives the header); HTML lists the field's bytes
 * and meaning under the note. */
void wk_note_detail(wk_out *o, const char *side, const uint8_t *bytes, size_t len,
                    const char *field, const char *meaning);
/* Ends the document (closes the JSON object / the HTML page). */
void wk_end(wk_out *o, int ok, const char *summary);

/* ---- certificates dissected (X.509 DER, field by field) ------------------ */


/* ---- shared by walk_render.c and walk_der.c --------------------------------- */

/* c when the output is in colour, "" otherwise. */
const char *wk_col(const wk_out *o, const char *c);
/* s as a JSON string, quotes included; b as a JSON string of hex. */
void wk_json_str(FILE *f, const char *s);
void wk_json_hex(FILE *f, const uint8_t *b, size_t len);
/* s with HTML's five special characters escaped. */
void wk_html_str(FILE *f, const char *s);
/* Opens the next item of the JSON list: {"type": TYPE. */
void wk_json_item(wk_out *o, const char *type);

/* One DER structure (an X.509 certificate: RFC 5280 §4.1) shown element by
 * element as `glass asn1parse` shows it (asn1/annotate.c): offset, header
 * bytes, field name, tag, length and value.  Text: an indented tree, one
 * line per element, within 100 columns.  JSON: one more entry of the open
 * message's fields, its "der" a nested array of the elements (each with
 * its "children").  HTML: a row of the open message's table holding the
 * tree, each element's bytes coloured and lit up with its line on hover,
 * as the message's own hex view does.  der[0..len) lies at offset `at` of
 * the open message (offsets are shown from the message's start); title
 * names it; label is its PEM label ("CERTIFICATE"), which picks the field
 * names, or NULL to guess them from its shape.  Outside a message, JSON
 * and HTML write a separate item. */
void wk_der_tree(wk_out *o, const char *title, const char *label, const uint8_t *der, size_t len,
                 size_t at);
/* Every certificate of a Certificate handshake message (RFC 5246 §7.4.2;
 * glass lays it out the same way: msg_type, length, then a list of DER
 * certificates each with a 3-byte length) through wk_der_tree.  Call it
 * between wk_message_begin and wk_message_end with the message's bytes;
 * a message that is not a Certificate, or is cut short, shows what can be
 * read. */
void wk_certificates(wk_out *o, const uint8_t *msg, size_t len);

#endif
