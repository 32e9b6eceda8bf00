/*
 * opt.h — one option table per command: the parser and the --help page
 * (io/; apps/opt.h includes it for the commands).
 *
 * SYNOPSIS
 *     const char *in = NULL;
 *     unsigned long bits = 2048;
 *     int text = 0;
 *     const opt opts[] = {
 *         OPTION_STRING("-in", NULL, "FILE", "where to read from", &in),
 *         OPTION_UINT("-bits", "N", "modulus size", &bits, 2048, 8192),
 *         OPTION_FLAG("-text", NULL, "print it as text", &text),
 *         OPTION_END
 *     };
 *     const opt_command spec = {"genrsa", "[-bits N] [-out FILE]", "Makes a key.",
 *                               opts, "glass genrsa -bits 2048 -out a.key"};
 *     opt_operands rest;
 *     int st = opt_parse(&spec, argc, argv, &rest);
 *     if (st != OPT_RUN)
 *         return st;                    help printed (0) or an error (1)
 *
 * DESCRIPTION
 *     A command declares each of its options once, in a table: the name as
 *     OpenSSL spells it ("-in", "-out", "-pass"), or glass's long spelling
 *     ("--dir") where glass has used one, an optional second name, the kind
 *     of value it takes, a line of help, and where the value goes.  From
 *     that one table opt_parse reads argv and prints the command's --help:
 *     the usage line, the description, every option with its help (and, for
 *     a number, its range and default), and an example.  So the help can
 *     never forget an option the parser takes.
 *
 *     Parsing follows OpenSSL's rules: options come first, each value as the
 *     next argument ("-out x.pem"; a long "--dir=D" also works); the first
 *     argument that is not an option (or "-" on its own, standard input)
 *     starts the operands; "--" ends the options.  A command that takes its
 *     operands anywhere (genrsa's bare bit count, `ca sign -in r.csr --dir D`)
 *     sets .anywhere.  -h, -help and --help anywhere print the help.
 *
 *     Errors print one line "glass CMD: ..." naming the flag, and opt_parse
 *     returns 1; the command returns it as its exit status.
 *
 * SECURITY CONSIDERATIONS
 *     An OPT_HEX value is malloc'd; the command frees it (and wipes it if it
 *     is a key) with opt_bytes_free.  A value given twice keeps the last one
 *     and frees the first.
 */
#ifndef GLASS_IO_OPT_H
#define GLASS_IO_OPT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* What an option takes, and what its dest points to. */
typedef enum opt_kind {
    OPT_FLAG,       /* no value; int *dest set to 1 */
    OPT_STRING,     /* one value; const char **dest points into argv */
    OPT_UINT,       /* a decimal number in [min, max]; unsigned long *dest */
    OPT_HEX,        /* bytes in hex (may be empty); opt_bytes *dest, malloc'd */
    OPT_CALL        /* one value, handed to fn (which prints its own error) */
} opt_kind;

/* A hex value: the bytes (malloc'd, NULL until given) and their length. */
typedef struct opt_bytes {
    uint8_t *data;
    size_t len;
    int given;
} opt_bytes;

/* One option.  Tables end with OPTION_END (an entry with no name). */
typedef struct opt {
    const char *name;       /* "-in", "--dir" */
    const char *alias;      /* a second spelling ("-passout" for "-pass"), or NULL */
    opt_kind kind;
    const char *arg;        /* the value's name in the help ("FILE"), NULL for a flag */
    const char *help;       /* one line; '\n' continues it on an indented line */
    void *dest;             /* where the value goes (see opt_kind) */
    unsigned long min, max; /* OPT_UINT's range */
    /* OPT_CALL: takes the value; returns 0, or 1 after printing one line
     * "glass CMD: ..." (app_error) naming the flag. */
    int (*fn)(const char *cmd, const char *flag, const char *value, void *dest);
} opt;

/* One table entry of each kind, every field given (so -Wextra stays quiet):
 *     OPTION_FLAG("-text", NULL, "print it as text", &text)
 *     OPTION_STRING("-in", NULL, "FILE", "where to read from", &in)
 *     OPTION_UINT("-bits", "N", "modulus size", &bits, 2048, 8192)
 *     OPTION_HEX("-K", "HEX", "the key", &key)
 *     OPTION_CALL("-macopt", "hexkey:HEX", "the key, OpenSSL's way", &key, take_macopt)
 *     OPTION_END                                                                */
#define OPTION_FLAG(name, alias, help, dest) \
    {name, alias, OPT_FLAG, NULL, help, dest, 0, 0, NULL}
#define OPTION_STRING(name, alias, arg, help, dest) \
    {name, alias, OPT_STRING, arg, help, dest, 0, 0, NULL}
#define OPTION_UINT(name, arg, help, dest, min, max) \
    {name, NULL, OPT_UINT, arg, help, dest, min, max, NULL}
#define OPTION_HEX(name, arg, help, dest) \
    {name, NULL, OPT_HEX, arg, help, dest, 0, 0, NULL}
#define OPTION_CALL(name, arg, help, dest, fn) \
    {name, NULL, OPT_CALL, arg, help, dest, 0, 0, fn}
#define OPTION_END {NULL, NULL, OPT_FLAG, NULL, NULL, NULL, 0, 0, NULL}

/* A command's whole page: what opt_parse parses and what --help prints. */
typedef struct opt_command {
    const char *name;       /* "sha256"; "ca sign" for a subcommand */
    const char *synopsis;   /* the usage line after "glass NAME " */
    const char *about;      /* what the command does: lines ending in '\n' */
    const opt *opts;        /* the table, ending with {0} */
    const char *example;    /* example lines, each ending in '\n' */
    int anywhere;           /* 1: operands may sit between options */
    int min_operands;       /* fewest operands (0: none needed) */
    int max_operands;       /* most operands; -1: any number */
    const char *operands;   /* what the operands are, for the error ("FILE") */
    int either_dash;        /* 1: "--name" and "-name" are one option (glass ca) */
} opt_command;

/* What is left after the options: the operands, in order. */
typedef struct opt_operands {
    char **v;
    int n;
} opt_operands;

/* opt_parse's answer when the command should go on and run. */
#define OPT_RUN (-1)

/* Parses argv (argv[0] is the command's name) against c's table, storing
 * each value where its entry says.  Returns OPT_RUN with the operands in
 * *rest (argv is reordered in place when .anywhere is set); 0 after printing
 * the help to standard output; 1 after printing one error line naming the
 * flag ("glass CMD: -out needs a value (FILE)", "glass CMD: unknown option
 * '-x' (try glass CMD --help)"). */
int opt_parse(const opt_command *c, int argc, char **argv, opt_operands *rest);

/* Prints c's help page to f (opt_parse does this for --help). */
void opt_help(const opt_command *c, FILE *f);

/* Wipes and frees an OPT_HEX value (safe on one never given). */
void opt_bytes_free(opt_bytes *b);

#endif
