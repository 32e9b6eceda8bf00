/*
 * lab_exercise.h — the graded part of each lab: a target on 127.0.0.1 and
 * a grader (`glass lab serve N`, `glass lab check N FILE`).  Lab build only.
 *
 * An exercise is five functions.  setup() makes a fresh target: new keys, a
 * new secret, chosen with glass_random, so no answer can be written down in
 * advance.  The target speaks a line protocol: on each connection it sends
 * banner() (lines "name VALUE", hex for bytes, ending with "ready"), then
 * answers each line the student's program sends with query().  grade()
 * reads what the program printed and accepts only the value that could not
 * be known without the attack (the recovered plaintext, a tag or a signature
 * on a message the target chose), or writes a hint.
 *
 * The target runs in a child process; what it learns while answering (Bob
 * decrypted Mallory's relay, ...) it tells the grader with lab_report().
 */
#ifndef GLASS_LAB_EXERCISE_H
#define GLASS_LAB_EXERCISE_H

#ifdef GLASS_LAB_BUILD

#include <stddef.h>
#include <stdint.h>

/* A growing text buffer (at most cap bytes; longer text is cut). */
typedef struct lab_out {
    char *b;
    size_t len, cap;
} lab_out;

void lab_outf(lab_out *o, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/* Appends "label HEX\n". */
void lab_out_hex(lab_out *o, const char *label, const uint8_t *b, size_t len);

/* From the target (child) to the grader: one line of what happened. */
void lab_report(const char *line);

/* In text, the value of the last line "key VALUE" (trimmed), copied into
 * out; 1 if found. */
int lab_field(const char *text, const char *key, char *out, size_t cap);
/* The same, decoded from hex (malloc'd); 1 if found and valid hex. */
int lab_field_hex(const char *text, const char *key, uint8_t **b, size_t *len);
/* Random printable text (letters and digits) of len characters, NUL-ended. */
int lab_random_text(char *out, size_t len);

typedef struct lab_exercise {
    const char *id;                     /* "6", "6b": what `glass lab check` takes */
    /* The target's modes, NULL-terminated ({"classic", "tls12", NULL}), or
     * NULL for a target with one.  `glass lab check` grades the program
     * against a fresh target of every mode in turn, and accepts it only if
     * it is right in all; `glass lab serve --mode NAME` runs one. */
    const char *const *modes;
    const char *title;                  /* "the ECB oracle" */
    const char *task;                   /* what the program must print */
    void *(*setup)(int mode);           /* a fresh target (mode: index in
                                           modes, 0 when none); NULL on failure */
    void (*banner)(void *st, lab_out *o);
    /* Answers one line; returns 1 to close the connection. */
    int (*query)(void *st, const char *line, lab_out *o);
    /* 1 if the answer (the program's output) is right, else a hint in o. */
    int (*grade)(void *st, const char *answer, const char *reports, lab_out *o);
    void (*clear)(void *st);
} lab_exercise;

extern const lab_exercise lab_ex_ecb, lab_ex_length_ext, lab_ex_e3, lab_ex_dh_mitm,
    lab_ex_certs, lab_ex_padding, lab_ex_replay, lab_ex_fs;

/* The real record layer for the targets (lab_records.c): one sender and
 * one receiver over fresh random keys, record version `version`,
 * encrypt-then-MAC (RFC 7366) or MAC-then-encrypt (RFC 5246 §6.2.3.2), and
 * the lab build's insecure switches: no_seq_mac leaves the sequence number
 * out of the MAC, padding_oracle makes MAC-then-encrypt answer a bad padding
 * with its own alert. */
typedef struct lab_records lab_records;
lab_records *lab_records_new(uint16_t version, int etm, int no_seq_mac, int padding_oracle);
/* Seals pt[0..n) as the sender's next application_data record into
 * out[0..cap); 1 and *len set, or 0. */
int lab_records_seal(lab_records *r, const uint8_t *pt, size_t n, uint8_t *out, size_t cap,
                     size_t *len);
/* Opens rec[0..len) (header included) as the receiver's next record, or as
 * its first (sequence number 0) when `first`: "ok" with the plaintext in
 * pt[0..*pt_len) (cut at cap), or "alert NAME", the alert the engine would
 * send ("alert decryption_failed" for the padding oracle's leak). */
const char *lab_records_open(lab_records *r, int first, const uint8_t *rec, size_t len,
                             uint8_t *pt, size_t cap, size_t *pt_len);
void lab_records_free(lab_records *r);

/* The exercises' ids, for messages and help: "1, 2, 3, 4, 5, 6, 6b, 7". */
#define LAB_EXERCISE_IDS "1, 2, 3, 4, 5, 6, 6b, 7"

/* The exercise with this id ("6b"), or NULL. */
const lab_exercise *lab_exercise_find(const char *id);
/* The index of mode name in ex->modes (0 for NULL: the first, or the only
 * one), or -1 when ex has no such mode. */
int lab_exercise_mode(const lab_exercise *ex, const char *name);

/* `glass lab check ID FILE`: every mode of ex graded; 0 accepted, 1 refused
 * or failed. */
int lab_check_run(const lab_exercise *ex, const char *file, unsigned timeout_s);
/* `glass lab serve ID`: runs the target (in mode, an index) in the
 * foreground. */
int lab_serve_run(const lab_exercise *ex, int mode, unsigned port, unsigned timeout_s);

#endif /* GLASS_LAB_BUILD */
#endif
