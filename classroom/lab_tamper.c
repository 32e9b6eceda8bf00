/*
 * lab_tamper.c — labs 4 and 6: an attacker on the wire between two real
 * engines.  Lab build only.
 *
 * `glass lab tamper` runs the same mutually authenticated connection as the
 * walkthrough (the classroom PKI of walk_pki.c, two engines back to back),
 * but passes every record through an "attacker" that may flip bits in it,
 * replay it or drop it, and lists each record as it crosses.  The engines
 * are the real ones: what the lab shows is exactly how glasstls reacts —
 * the signature over ServerKeyExchange, the Finished check, the record MAC
 * and the implicit sequence number, each answered by its alert.
 *
 * Read in this order: lab_tamper (arguments, the run), cross (one flight of
 * records through the attacker), on_event (the application and the outcome).
 * CT: not relevant (attack demonstration).
 */
#include "classroom/lab_common.h"
#include "io/opt.h"

#ifdef GLASS_LAB_BUILD

#include "protocol/protocol.h"
#include "classroom/walk_session.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum tamper_op { OP_NONE, OP_FLIP, OP_REPLAY, OP_DROP };

typedef struct tamper {
    enum tamper_op op;
    unsigned long record;       /* which record (1-based, in wire order) */
    unsigned long byte;         /* OP_FLIP: offset in the record */
    unsigned mask;              /* OP_FLIP: XOR mask */
    unsigned long n_records;
    int failed;                 /* an alert ended the connection */
    int delivered;              /* chat messages the server received */
    int replies;                /* replies the client received */
    long len_before, len_after; /* OP_FLIP of the length field: the two lengths */
    char outcome[256];
} tamper;

/* Which records are protected: the sender's own trace says so (it derives a
 * record IV only for a protected record, just before "send record"), so
 * the listing never guesses.  One flag per record sent, in order. */
typedef struct dir_trace {
    int pending;
    unsigned char flag[1024];
    size_t head, tail;
} dir_trace;

static void trace_fn(void *arg, const char *name, const char *explain, const uint8_t *b,
                     size_t len)
{
    dir_trace *d = arg;
    (void)explain;
    (void)b;
    (void)len;
    if (name == NULL)
        return;
    if (strcmp(name, "derive record IV") == 0) {
        d->pending = 1;
    } else if (strcmp(name, "send record") == 0) {
        if (d->tail < sizeof d->flag)
            d->flag[d->tail++] = (unsigned char)d->pending;
        d->pending = 0;
    }
}

static int next_protected(dir_trace *d)
{
    return d->head < d->tail ? d->flag[d->head++] : 0;
}

static const char *content_name(uint8_t t)
{
    return t == GLASS_CT_HANDSHAKE ? "handshake" : t == GLASS_CT_ALERT ? "alert"
           : t == GLASS_CT_APPLICATION ? "application_data" : "unknown";
}

static const char *hs_name(uint8_t t)
{
    switch (t) {
    case GLASS_HS_CLIENT_HELLO: return "ClientHello";
    case GLASS_HS_SERVER_HELLO: return "ServerHello";
    case GLASS_HS_CERTIFICATE: return "Certificate";
    case GLASS_HS_SERVER_KEY_EXCHANGE: return "ServerKeyExchange";
    case GLASS_HS_CERTIFICATE_REQUEST: return "CertificateRequest";
    case GLASS_HS_SERVER_HELLO_DONE: return "ServerHelloDone";
    case GLASS_HS_CERTIFICATE_VERIFY: return "CertificateVerify";
    case GLASS_HS_CLIENT_KEY_EXCHANGE: return "ClientKeyExchange";
    case GLASS_HS_FINISHED: return "Finished";
    default: return "?";
    }
}

/* One flight: splits the sender's output into records, lists each, applies
 * the attack, feeds the result to the receiver.  Returns 1 if bytes moved. */
static int cross(tamper *t, glass_engine *from, glass_engine *to, int from_client,
                 dir_trace *dir)
{
    const uint8_t *p;
    size_t n;
    glass_engine_output(from, &p, &n);
    if (n == 0)
        return 0;
    uint8_t *buf = malloc(n);
    if (buf == NULL)
        return 0;
    memcpy(buf, p, n);
    glass_engine_consume_output(from, n);
    size_t at = 0;
    while (at + GLASS_RECORD_HEADER_LEN <= n) {
        size_t len = GLASS_RECORD_HEADER_LEN + ((size_t)buf[at + 3] << 8 | buf[at + 4]);
        if (len > n - at)
            len = n - at;
        uint8_t *rec = buf + at;
        t->n_records++;
        /* 1. What it is, as an observer on the wire can tell. */
        int prot = next_protected(dir);
        if (rec[0] == GLASS_CT_HANDSHAKE && !prot && len > GLASS_RECORD_HEADER_LEN)
            printf("#%-3lu %s  handshake %s (plaintext, %zu bytes)\n", t->n_records,
                   from_client ? "client -> server" : "server -> client",
                   hs_name(rec[GLASS_RECORD_HEADER_LEN]), len);
        else
            printf("#%-3lu %s  %s (%s, %zu bytes)\n", t->n_records,
                   from_client ? "client -> server" : "server -> client", content_name(rec[0]),
                   prot ? "protected" : "plaintext", len);
        /* 2. The attack on this record. */
        int times = 1;
        if (t->record == t->n_records) {
            if (t->op == OP_FLIP) {
                if (t->byte < len) {
                    uint8_t before = rec[t->byte];
                    rec[t->byte] ^= (uint8_t)t->mask;
                    printf("     ATTACK: byte %lu flipped, %02x -> %02x\n", t->byte, before,
                           rec[t->byte]);
                    if (t->byte == 3 || t->byte == 4) {
                        t->len_after = (long)rec[3] << 8 | rec[4];
                        unsigned m = t->byte == 3 ? t->mask << 8 : t->mask;
                        t->len_before = t->len_after ^ (long)m;
                    }
                } else {
                    printf("     ATTACK: record has only %zu bytes, nothing flipped\n", len);
                }
            } else if (t->op == OP_REPLAY) {
                times = 2;
                printf("     ATTACK: this record is delivered twice\n");
            } else if (t->op == OP_DROP) {
                times = 0;
                printf("     ATTACK: this record is dropped\n");
            }
        }
        for (int k = 0; k < times; k++) {
            glass_err err = glass_engine_feed(to, rec, len);
            if (err != GLASS_OK && err != GLASS_ERR_PROTO_CLOSED)
                printf("     %s rejects it: %s\n", from_client ? "server" : "client",
                       glass_strerror(err));
        }
        at += len;
    }
    free(buf);
    return 1;
}

static const char chat1[] = "transfer 10 EUR to bob";
static const char chat2[] = "and 5 EUR to carol";

static void on_event(tamper *t, glass_engine *self, const glass_event *ev, int client)
{
    const char *me = client ? "client" : "server";
    uint8_t out[256];
    size_t n = 0;
    switch (ev->type) {
    case GLASS_EV_HANDSHAKE_DONE:
        printf("     %s: handshake done (peer \"%s\")\n", me, ev->peer_name);
        if (client) {
            /* Two chat messages, so that a replay has something to repeat. */
            if (glass_app_encode_send_to(out, sizeof out, &n, "bob", (const uint8_t *)chat1,
                                         sizeof chat1 - 1) == GLASS_OK)
                glass_engine_send_app(self, out, n);
            if (glass_app_encode_send_to(out, sizeof out, &n, "bob", (const uint8_t *)chat2,
                                         sizeof chat2 - 1) == GLASS_OK)
                glass_engine_send_app(self, out, n);
        }
        break;
    case GLASS_EV_APP_MESSAGE: {
        glass_app_msg m;
        if (glass_app_decode(ev->data, ev->len, &m) != GLASS_OK)
            break;
        printf("     %s receives: \"%.*s\"\n", me, (int)m.text_len, (const char *)m.text);
        if (!client) {
            t->delivered++;
            if (glass_app_encode_deliver(out, sizeof out, &n, "bob", (const uint8_t *)"ok", 2) ==
                GLASS_OK)
                glass_engine_send_app(self, out, n);
        } else if (++t->replies == 2) {
            glass_engine_close(self);
        }
        break;
    }
    case GLASS_EV_ALERT_SENT:
        printf("     %s sends alert %s (%s)\n", me, glass_alert_name(ev->alert),
               glass_strerror(ev->err));
        if (ev->alert != GLASS_ALERT_CLOSE_NOTIFY && !t->failed) {
            t->failed = 1;
            snprintf(t->outcome, sizeof t->outcome, "%s sent alert %s: %s", me,
                     glass_alert_name(ev->alert), glass_strerror(ev->err));
        }
        break;
    case GLASS_EV_ALERT_RECEIVED:
        printf("     %s receives alert %s\n", me, glass_alert_name(ev->alert));
        break;
    case GLASS_EV_CLOSED:
        printf("     %s: connection closed%s%s\n", me, ev->err == GLASS_OK ? "" : ": ",
               ev->err == GLASS_OK ? "" : glass_strerror(ev->err));
        break;
    default:
        break;
    }
}

/* --flip REC:BYTE[:MASK], --replay REC or --drop REC into t.  0, or 1
 * after saying what was wrong. */
static int parse_attack(const char *cmd, const char *tf, const char *tr, const char *td,
                        tamper *t)
{
    if (tf != NULL) {
        unsigned long rec = 0, byte = 0, mask = 1;
        char extra;
        int got = sscanf(tf, "%lu:%lu:%lx%c", &rec, &byte, &mask, &extra);
        if ((got != 2 && got != 3) || rec == 0 || mask == 0 || mask > 0xff)
            return io_error(cmd, "--flip wants REC:BYTE or REC:BYTE:MASK (MASK hex 01..ff)");
        t->op = OP_FLIP;
        t->record = rec;
        t->byte = byte;
        t->mask = (unsigned)mask;
    } else if (tr != NULL || td != NULL) {
        if (io_uint_arg(cmd, tr != NULL ? "--replay" : "--drop", tr != NULL ? tr : td, 1, 1000,
                         &t->record))
            return 1;
        t->op = tr != NULL ? OP_REPLAY : OP_DROP;
    }
    return 0;
}

/* The two engines back to back with the attacker between them: each
 * flight crosses (and is attacked), then each side's events are taken,
 * until nothing moves (bounded: 200 rounds). */
static void run_attack(tamper *t, glass_engine *c, glass_engine *s, dir_trace *dtc,
                       dir_trace *dts)
{
    for (int round = 0; round < 200; round++) {
        int moved = 0;
        glass_event ev;
        moved |= cross(t, c, s, 1, dtc);
        while (glass_engine_next_event(s, &ev)) {
            on_event(t, s, &ev, 0);
            moved = 1;
        }
        while (glass_engine_next_event(c, &ev)) {
            on_event(t, c, &ev, 1);
            moved = 1;
        }
        moved |= cross(t, s, c, 0, dts);
        while (glass_engine_next_event(c, &ev)) {
            on_event(t, c, &ev, 1);
            moved = 1;
        }
        while (glass_engine_next_event(s, &ev)) {
            on_event(t, s, &ev, 0);
            moved = 1;
        }
        if (!moved)
            break;
    }
}

struct tamper_args {
    const char *ts, *tf, *tr, *td;
};

/* The options of `glass lab tamper`: one table, which also prints --help.
 * Returns OPT_RUN, or the exit status (io/opt.h). */
static int parse_tamper(int argc, char **argv, struct tamper_args *a)
{
    memset(a, 0, sizeof *a);
    const opt opts[] = {
        OPTION_STRING("--seed", NULL, "N", "same keys and bytes on every run (default 1)", &a->ts),
        OPTION_STRING("--flip", NULL, "REC:BYTE[:MASK]",
                      "XOR byte BYTE of record REC with MASK (default 01)", &a->tf),
        OPTION_STRING("--replay", NULL, "REC", "deliver record REC twice", &a->tr),
        OPTION_STRING("--drop", NULL, "REC", "never deliver record REC", &a->td),
        OPTION_END,
    };
    const opt_command spec = {
        .name = "lab tamper",
        .synopsis = "[--seed N] [--flip REC:BYTE[:MASK] | --replay REC | --drop REC]",
        .about = "Runs a mutually authenticated glass connection between two real engines in\n"
                 "this process (two chat messages, two replies, the close) with an attacker on\n"
                 "the wire, and lists every record as it crosses (#1, #2, ...).  The attacker:\n"
                 "With no attack the connection completes (exit 0); otherwise the output shows\n"
                 "which side notices, and the alert it sends (exit 1 when the connection fails).\n",
        .opts = opts,
        .example = "  glass lab tamper                      list the records of a clean run\n"
                   "  glass lab tamper --flip 4:300         change the server's DH value\n"
                   "  glass lab tamper --replay 14          replay the first chat record\n",
        .max_operands = 0,
    };
    opt_operands rest;
    return opt_parse(&spec, argc, argv, &rest);
}

/* See lab_common.h. */
int lab_tamper(int argc, char **argv)
{
    const char *cmd = "lab tamper";
    struct tamper_args a;
    int st = parse_tamper(argc, argv, &a);
    if (st != OPT_RUN)
        return st;
    const char *ts = a.ts;
    const char *tf = a.tf;
    const char *tr = a.tr;
    const char *td = a.td;
    if ((tf != NULL) + (tr != NULL) + (td != NULL) > 1)
        return io_error(cmd, "one attack at a time: --flip, --replay or --drop");
    tamper t;
    memset(&t, 0, sizeof t);
    t.mask = 0x01;
    t.len_before = t.len_after = -1;
    unsigned long seed = 1;
    if (ts != NULL && io_uint_arg(cmd, "--seed", ts, 0, 0xffffffffUL, &seed))
        return 1;
    if (parse_attack(cmd, tf, tr, td, &t) != 0)
        return 1;

    glass_random_seed(seed);
    FILE *quiet = fopen("/dev/null", "w");
    if (quiet == NULL)
        return io_error(cmd, "cannot open /dev/null");
    wk_out o;
    memset(&o, 0, sizeof o);
    o.f = quiet;
    walk_pki pki;
    glass_err err = walk_pki_make(&pki, WALK_FIXED_NOW, 1, &o);
    fclose(quiet);
    if (err != GLASS_OK) {
        walk_pki_free(&pki);
        return io_error(cmd, "making the certificates: %s", glass_strerror(err));
    }
    const uint8_t *ca_der;
    size_t ca_len;
    walk_pki_ca_der(&pki, &ca_der, &ca_len);
    glass_blob anchor = {ca_der, ca_len};
    glass_blob schain = {pki.server_der, pki.server_len};
    glass_blob cchain = {pki.client_der, pki.client_len};
    static dir_trace dtc, dts;
    memset(&dtc, 0, sizeof dtc);
    memset(&dts, 0, sizeof dts);
    glass_tracer tc = {trace_fn, &dtc}, tsv = {trace_fn, &dts};
    glass_drbg dc, ds;
    glass_drbg_init(&dc, seed, 100);
    glass_drbg_init(&ds, seed, 101);
    glass_config cc, sc;
    memset(&cc, 0, sizeof cc);
    memset(&sc, 0, sizeof sc);
    cc.role = GLASS_ROLE_CLIENT;
    cc.now = sc.now = pki.now;
    cc.anchors = sc.anchors = &anchor;
    cc.n_anchors = sc.n_anchors = 1;
    cc.chain = &cchain;
    cc.n_chain = 1;
    cc.key = &pki.client_key;
    cc.server_name = "localhost";
    cc.random = sc.random = glass_random_from_drbg;
    cc.random_arg = &dc;
    sc.random_arg = &ds;
    cc.trace = &tc;
    sc.role = GLASS_ROLE_SERVER;
    sc.chain = &schain;
    sc.n_chain = 1;
    sc.key = &pki.server_key;
    sc.trace = &tsv;

    glass_engine *c = NULL, *s = NULL;
    err = glass_engine_new(&c, &cc);
    if (err == GLASS_OK)
        err = glass_engine_new(&s, &sc);
    if (err == GLASS_OK)
        err = glass_engine_start(s);
    if (err == GLASS_OK)
        err = glass_engine_start(c);
    if (err != GLASS_OK) {
        glass_engine_free(c);
        glass_engine_free(s);
        walk_pki_free(&pki);
        return io_error(cmd, "starting the engines: %s", glass_strerror(err));
    }
    if (t.op != OP_NONE)
        io_insecure_banner("an attacker modifies the records between the two engines");
    run_attack(&t, c, s, &dtc, &dts);
    int clean = !t.failed && glass_engine_error(c) == GLASS_OK &&
                glass_engine_error(s) == GLASS_OK && t.delivered == 2 && t.replies == 2;
    if (clean)
        printf("result: connection completed: %d messages delivered, %d replies, closed "
               "cleanly\n", t.delivered, t.replies);
    else if (t.failed)
        printf("result: connection failed: %s\n", t.outcome);
    else if (t.len_after > t.len_before)
        /* RFC 5246 §6.2.1: the receiver must trust the length to find the
         * record's end; the MAC, which covers it, sits at that end. */
        printf("result: connection stalled: the header now says %ld bytes follow (it said "
               "%ld),\n        and the server waits for them.  No check can run before the "
               "whole record is in:\n        the MAC covers the length, but the MAC is at the "
               "end.  Over TCP the connection\n        hangs until a timeout or the peer "
               "closes it\n", t.len_after, t.len_before);
    else
        printf("result: connection incomplete: %d of 2 messages delivered, %d of 2 replies "
               "(a record never arrived)\n", t.delivered, t.replies);
    glass_engine_free(c);
    glass_engine_free(s);
    walk_pki_free(&pki);
    return clean ? 0 : 1;
}

#else
/* The normal build has no lab code; this keeps the file a valid C11 unit. */
typedef int lab_tamper_not_in_this_build;
#endif
