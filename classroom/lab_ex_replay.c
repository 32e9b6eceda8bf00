/*
 * lab_ex_replay.c — the graded exercise 6b: replay, drop or reorder the
 * protected records of a glass connection to a bank.  Lab build only; see
 * lab_exercise.h.
 *
 * The story: a client sends its bank two orders, "transfer N EUR to X", each
 * in one protected glass record (encrypt-then-MAC, RFC 7366; record.c, run
 * through lab_records.c).  The student's program is the network between
 * them: the banner hands it the two records as the client sent them, and
 * `deliver HEX` gives the bank one record.  The bank opens it with the real
 * record layer and, if it opens, executes the order and prints a ledger
 * line with a fresh random reference: "ledger 3 ref 5c0e91d2: transfer 37
 * EUR to carol".
 *
 * The program cannot make a record (it has no key); it can only choose which
 * of the client's records arrive, how often and in which order.  Two modes:
 *
 *   no-seq   the lab build's switch that leaves the sequence number out of
 *            the MAC (record.c, glass_record_mac_header).  A record then
 *            verifies at any place in the stream: delivered twice, the order
 *            is executed twice; delivered out of order, out of order.  The
 *            program prints the ledger line of such an execution, and the
 *            grader checks it against the bank's own ledger (the reference
 *            is random per execution, so it cannot be made up).
 *   secure   the record layer as glass runs it: the MAC covers the implicit
 *            sequence number (RFC 5246 §6.2.3.1), the bank expects record 0,
 *            then 1, ...; a replayed or reordered record fails its MAC and
 *            the bank sends bad_record_mac and closes.  The program prints
 *            `caught bad_record_mac`, and the grader checks that the bank
 *            really refused an out-of-order record and executed nothing
 *            twice.
 *
 * Each connection is a new session with new keys (the records of an earlier
 * connection fail under the new keys); the ledger lasts as long as the
 * target.
 *
 * CT: as record.c, except for the switch of mode no-seq (the lesson).
 */
#include "classroom/lab_exercise.h"

#ifdef GLASS_LAB_BUILD

#include "common/common.h"
#include "protocol/protocol.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ORDERS     2
#define REC_MAX    160          /* header, IV, two blocks, MAC: about 90 */

enum { RP_NO_SEQ = 0, RP_SECURE = 1 };
static const char *const rp_modes[] = {"no-seq", "secure", NULL};

typedef struct rp_target {
    int mode;
    char order[ORDERS][48];     /* "transfer 37 EUR to carol" */
    lab_records *session;       /* this connection's keys */
    uint8_t rec[ORDERS][REC_MAX];
    size_t rec_len[ORDERS];
    size_t next;                /* the order the bank should see next */
    int closed;                 /* the bank sent a fatal alert */
    unsigned long ledger_lines;
} rp_target;

static void *rp_setup(int mode)
{
    static const char *const payee[] = {"alice", "bob", "carol", "dave", "erin", "frank",
                                        "grace", "heidi", "ivan", "judy", "mallory", "oscar"};
    rp_target *t = calloc(1, sizeof *t);
    uint8_t r[4];
    if (t == NULL || glass_random(r, sizeof r) != GLASS_OK) {
        free(t);
        return NULL;
    }
    t->mode = mode;
    size_t a = r[2] % 12, b = (a + 1 + r[3] % 11) % 12;   /* two different payees */
    snprintf(t->order[0], sizeof t->order[0], "transfer %u EUR to %s", 10u + r[0] % 990u,
             payee[a]);
    snprintf(t->order[1], sizeof t->order[1], "transfer %u EUR to %s", 10u + r[1] % 990u,
             payee[b]);
    return t;
}

/* A new connection: new keys, the client's two orders sealed as records 0
 * and 1 of the client's direction. */
static int rp_new_session(rp_target *t)
{
    lab_records_free(t->session);
    t->session = lab_records_new(GLASS_VERSION, 1, t->mode == RP_NO_SEQ, 0);
    t->next = 0;
    t->closed = 0;
    if (t->session == NULL)
        return 0;
    for (int i = 0; i < ORDERS; i++)
        if (!lab_records_seal(t->session, (const uint8_t *)t->order[i], strlen(t->order[i]),
                              t->rec[i], sizeof t->rec[i], &t->rec_len[i]))
            return 0;
    return 1;
}

static void rp_banner(void *st, lab_out *o)
{
    rp_target *t = st;
    lab_outf(o, "# lab 6b: a client sent its bank two orders, one protected glass record each\n"
                "# (encrypt-then-MAC, RFC 7366).  You are the network: `deliver HEX` gives the\n"
                "# bank one record (header included); it answers with the ledger line of the\n"
                "# order it executed, or with the alert it sent (and then it hangs up).\n");
    lab_outf(o, "mode %s\n", rp_modes[t->mode]);
    if (!rp_new_session(t)) {
        lab_outf(o, "error the bank could not start a session\n");
        return;
    }
    lab_out_hex(o, "record1", t->rec[0], t->rec_len[0]);
    lab_out_hex(o, "record2", t->rec[1], t->rec_len[1]);
}

/* Which of this session's records rec is (-1: none of them). */
static int rp_which(const rp_target *t, const uint8_t *rec, size_t len)
{
    for (int i = 0; i < ORDERS; i++)
        if (len == t->rec_len[i] && memcmp(rec, t->rec[i], len) == 0)
            return i;
    return -1;
}

/* The bank executes an order: a ledger line with a fresh reference, told to
 * the program and (with whether it came in order) to the grader. */
static void rp_execute(rp_target *t, int idx, const uint8_t *pt, size_t n, lab_out *o)
{
    uint8_t ref[4];
    char line[160], report[200];
    if (glass_random(ref, sizeof ref) != GLASS_OK)
        memset(ref, 0, sizeof ref);
    snprintf(line, sizeof line, "%lu ref %02x%02x%02x%02x: %.*s", ++t->ledger_lines, ref[0],
             ref[1], ref[2], ref[3], (int)n, (const char *)pt);
    int in_order = idx >= 0 && (size_t)idx == t->next;
    snprintf(report, sizeof report, "%s ledger %s", in_order ? "in-order" : "out-of-order", line);
    lab_report(report);
    lab_outf(o, "ledger %s\n", line);
    if (idx >= 0 && (size_t)idx + 1 > t->next)
        t->next = (size_t)idx + 1;
}

static int rp_query(void *st, const char *line, lab_out *o)
{
    rp_target *t = st;
    uint8_t *rec = NULL, pt[64];
    size_t len = 0, n = 0;
    if (t->session == NULL || t->closed) {
        lab_outf(o, "error the bank has hung up: connect again for a new session\n");
        return 1;
    }
    if (strncmp(line, "deliver ", 8) != 0 ||
        glass_hex_decode_alloc(&rec, &len, line + 8) != GLASS_OK) {
        lab_outf(o, "error the only request is `deliver HEX` (a whole record)\n");
        free(rec);
        return 0;
    }
    int idx = rp_which(t, rec, len);
    const char *verdict = lab_records_open(t->session, 0, rec, len, pt, sizeof pt, &n);
    free(rec);
    if (strcmp(verdict, "ok") == 0) {
        rp_execute(t, idx, pt, n, o);
        glass_wipe(pt, sizeof pt);
        return 0;
    }
    /* A fatal alert ends the connection (RFC 5246 §7.2.2). */
    char report[96];
    snprintf(report, sizeof report, "refused %s record: %s",
             idx < 0 ? "a forged" : ((size_t)idx == t->next ? "an in-order" : "an out-of-order"),
             verdict);
    lab_report(report);
    lab_outf(o, "%s\n", verdict);
    t->closed = 1;
    return 1;
}

/* The report line "out-of-order ledger LINE" for the program's LINE. */
static int rp_reported(const char *reports, const char *prefix, const char *line)
{
    size_t pl = strlen(prefix), ll = strlen(line);
    for (const char *p = reports; p != NULL && *p != '\0';) {
        const char *end = strchr(p, '\n');
        size_t n = end != NULL ? (size_t)(end - p) : strlen(p);
        if (n == pl + ll && strncmp(p, prefix, pl) == 0 && strncmp(p + pl, line, ll) == 0)
            return 1;
        p = end != NULL ? end + 1 : NULL;
    }
    return 0;
}

static int rp_grade_no_seq(const char *answer, const char *reports, lab_out *o)
{
    char got[256];
    if (!lab_field(answer, "ledger", got, sizeof got)) {
        lab_outf(o, "print one line `ledger LINE`: the bank's ledger line of an order it executed "
                    "twice or out of order, as the bank printed it");
        return 0;
    }
    if (rp_reported(reports, "out-of-order ledger ", got))
        return 1;
    if (rp_reported(reports, "in-order ledger ", got))
        lab_outf(o, "that order was executed in its place: the client meant it. Make the bank "
                    "execute an order a second time (deliver a record again) or before the "
                    "one sent first, and print that ledger line");
    else
        lab_outf(o, "the bank's ledger has no such line (each line has a fresh reference): "
                    "print the line the bank answered, after `ledger `");
    return 0;
}

static int rp_grade_secure(const char *answer, const char *reports, lab_out *o)
{
    char got[64];
    if (strstr(reports, "out-of-order ledger ") != NULL) {
        lab_outf(o, "the secure bank executed an order out of place: report this bug");
        return 0;
    }
    if (!lab_field(answer, "caught", got, sizeof got) || strcmp(got, "bad_record_mac") != 0) {
        lab_outf(o, "against the secure bank the attack must fail: try it, and when the bank "
                    "answers `alert bad_record_mac`, print one line `caught bad_record_mac`");
        return 0;
    }
    if (strstr(reports, "refused an out-of-order record: alert bad_record_mac") == NULL) {
        lab_outf(o, "you printed `caught bad_record_mac`, but the bank never saw a replayed or "
                    "reordered record: try the same attack as against mode no-seq");
        return 0;
    }
    return 1;
}

static int rp_grade(void *st, const char *answer, const char *reports, lab_out *o)
{
    rp_target *t = st;
    return t->mode == RP_NO_SEQ ? rp_grade_no_seq(answer, reports, o)
                                : rp_grade_secure(answer, reports, o);
}

static void rp_clear(void *st)
{
    rp_target *t = st;
    lab_records_free(t->session);
    glass_wipe(t, sizeof *t);
    free(t);
}

const lab_exercise lab_ex_replay = {
    "6b", rp_modes, "replay and reorder",
    "mode no-seq: one line `ledger LINE`, an order executed twice or out of order; "
    "mode secure: one line `caught bad_record_mac`",
    rp_setup, rp_banner, rp_query, rp_grade, rp_clear,
};

#else
/* The normal build has no lab code; this keeps the file a valid C11 unit. */
typedef int lab_ex_replay_not_in_this_build;
#endif /* GLASS_LAB_BUILD */
