/*
 * lab_records.c — the real record layer (protocol/record.c and
 * record_mte.c) for the targets of lab 6, with the lab build's insecure
 * switches.  Lab build only; see lab_exercise.h.
 *
 * A target that attacks records should attack the code glass runs, not a
 * copy of it: lab 6's padding oracle in mode tls12 opens records with
 * glass_record_open_mte (RFC 5246 §6.2.3.2), and lab 6b's bank opens glass
 * records (RFC 7366) — each with one switch that exists only when the
 * library is built with -DGLASS_LAB_BUILD (protocol_internal.h's
 * glass_direction): the padding told apart from the MAC, or the sequence
 * number left out of the MAC.  Everything else is what a real connection
 * does: fresh random keys, a fresh random IV per record, the MAC compared in
 * constant time.
 *
 * Read lab_records_new, then lab_records_seal and lab_records_open.
 * CT: as record.c, except where a switch is on (that is the lesson).
 */
#include "classroom/lab_exercise.h"

#ifdef GLASS_LAB_BUILD

#include "common/common.h"
#include "protocol/protocol_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct lab_records {
    glass_direction w, r;       /* the sender's and the receiver's view */
    uint16_t version;
};

static glass_err lab_rnd(void *arg, uint8_t *buf, size_t len)
{
    (void)arg;
    return glass_random(buf, len);
}

static void set_switches(glass_direction *d, uint16_t version, int no_seq_mac,
                         int padding_oracle)
{
    d->version = version;
    d->lab_no_seq_mac = no_seq_mac;
    d->lab_padding_oracle = padding_oracle;
}

/* See lab_exercise.h. */
lab_records *lab_records_new(uint16_t version, int etm, int no_seq_mac, int padding_oracle)
{
    lab_records *r = calloc(1, sizeof *r);
    uint8_t mac_key[HMAC_SHA256_LEN], enc_key[AES256_KEY_LEN];
    if (r == NULL)
        return NULL;
    glass_err err = glass_random(mac_key, sizeof mac_key);
    if (err == GLASS_OK)
        err = glass_random(enc_key, sizeof enc_key);
    if (err == GLASS_OK)
        err = glass_direction_activate(&r->w, mac_key, enc_key, etm);
    if (err == GLASS_OK)
        err = glass_direction_activate(&r->r, mac_key, enc_key, etm);
    glass_wipe(mac_key, sizeof mac_key);
    glass_wipe(enc_key, sizeof enc_key);
    if (err != GLASS_OK) {
        lab_records_free(r);
        return NULL;
    }
    r->version = version;
    set_switches(&r->w, version, no_seq_mac, padding_oracle);
    set_switches(&r->r, version, no_seq_mac, padding_oracle);
    return r;
}

/* See lab_exercise.h. */
int lab_records_seal(lab_records *r, const uint8_t *pt, size_t n, uint8_t *out, size_t cap,
                     size_t *len)
{
    glass_buf b = {NULL, 0, 0, 0};
    int ok = glass_record_seal(&r->w, GLASS_CT_APPLICATION, pt, n, lab_rnd, NULL, NULL, &b) ==
                 GLASS_OK &&
             !b.failed && b.len <= cap;
    if (ok) {
        memcpy(out, b.p, b.len);
        *len = b.len;
    }
    glass_buf_free(&b);
    return ok;
}

/* See lab_exercise.h. */
const char *lab_records_open(lab_records *r, int first, const uint8_t *rec, size_t len,
                             uint8_t *pt, size_t cap, size_t *pt_len)
{
    static uint8_t buf[GLASS_MAX_FRAGMENT];   /* a target serves one query at a time */
    static char answer[64];
    size_t frag = 0, n = 0;
    *pt_len = 0;
    if (len < GLASS_RECORD_HEADER_LEN)
        return "alert decode_error";
    glass_err err = glass_record_check_header(rec, r->version, 1, &frag);
    if (err == GLASS_OK && frag != len - GLASS_RECORD_HEADER_LEN)
        err = GLASS_ERR_PROTO_DECODE;    /* a whole record, no more, no less */
    if (err == GLASS_OK && rec[0] != GLASS_CT_APPLICATION)
        err = GLASS_ERR_PROTO_UNEXPECTED;
    if (err == GLASS_OK) {
        if (first)
            r->r.seq = 0;
        err = glass_record_open(&r->r, rec, len, NULL, buf, &n);
    }
    if (err == GLASS_ERR_PROTO_DECRYPT)
        return "alert decryption_failed";   /* the lab switch's leak (record_mte.c) */
    if (err != GLASS_OK) {
        /* The alert the engine would send for it (protocol/alerts.c). */
        snprintf(answer, sizeof answer, "alert %s",
                 glass_alert_name(glass_alert_for_error(err)));
        return answer;
    }
    if (n > cap)
        n = cap;
    memcpy(pt, buf, n);
    glass_wipe(buf, n);
    *pt_len = n;
    return "ok";
}

/* See lab_exercise.h. */
void lab_records_free(lab_records *r)
{
    if (r == NULL)
        return;
    glass_direction_clear(&r->w);
    glass_direction_clear(&r->r);
    free(r);
}

#else
/* The normal build has no lab code; this keeps the file a valid C11 unit. */
typedef int lab_records_not_in_this_build;
#endif /* GLASS_LAB_BUILD */
