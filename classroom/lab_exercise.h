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
    int number;
    const char *title;                  /* "the ECB oracle" */
    const char *task;                   /* what the program must print */
    void *(*setup)(void);               /* a fresh target; NULL on failure */
    void (*banner)(void *st, lab_out *o);
    /* Answers one line; returns 1 to close the connection. */
    int (*query)(void *st, const char *line, lab_out *o);
    /* 1 if the answer (the program's output) is right, else a hint in o. */
    int (*grade)(void *st, const char *answer, const char *reports, lab_out *o);
    void (*clear)(void *st);
} lab_exercise;

extern const lab_exercise lab_ex_ecb, lab_ex_length_ext, lab_ex_e3, lab_ex_dh_mitm,
    lab_ex_certs, lab_ex_padding, lab_ex_fs;

/* `glass lab check N FILE`: 0 accepted, 1 refused or failed. */
int lab_check_run(int n, const char *file, unsigned timeout_s);
/* `glass lab serve N`: runs the target in the foreground. */
int lab_serve_run(int n, unsigned port, unsigned timeout_s);
/* The list printed by `glass lab check --help`. */
const lab_exercise *lab_exercise_get(int n);

#endif /* GLASS_LAB_BUILD */
#endif
