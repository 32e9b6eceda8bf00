/*
 * kind_hmac.c — NIST's HMAC.rsp (HMACVS) and our RFC 4231 file
 * (tests/data/vectors/rfc4231_hmac_sha256.rsp, same layout), recognised by
 * their fields Klen, Tlen, Key, Msg, Mac.
 *
 * Sections are [L=n], n the hash's output length in bytes; glasstls has
 * HMAC with SHA-256 only, i.e. [L=32].  Each record: Count, Klen, Tlen
 * (bytes), Key, Msg, Mac; the expected Mac is the first Tlen bytes of
 * HMAC(Key, Msg) (FIPS 198-1 §5, truncation).
 *
 * CT: not applicable (public test data).
 */
#include "nist/nist.h"
#include "hmac/hmac.h"

#include <stdlib.h>
#include <string.h>

static int recognise(const rsp_file *f)
{
    static const char *const fields[] = {"Tlen", "Key", "Msg", "Mac", NULL};
    return nist_records_with(f, fields) > 0;
}

static const char *expected(const nist_run *r, const rsp_record *rec)
{
    (void)r;
    return nist_rsp_get(rec, "Mac") != NULL ? "Mac" : NULL;
}

static const char *other_hash(const char *L)
{
    if (strcmp(L, "20") == 0)
        return "HMAC with another hash (L=20 SHA-1)";
    if (strcmp(L, "28") == 0)
        return "HMAC with another hash (L=28 SHA-224)";
    if (strcmp(L, "48") == 0)
        return "HMAC with another hash (L=48 SHA-384)";
    if (strcmp(L, "64") == 0)
        return "HMAC with another hash (L=64 SHA-512)";
    return "HMAC with another hash (not L=32)";
}

static void run(nist_run *r, const rsp_record *rec, void *state)
{
    const char *L = nist_param(r, rec, "L");
    uint8_t *key = NULL, *msg = NULL, *mac = NULL;
    size_t key_len = 0, msg_len = 0, mac_len = 0;
    uint8_t out[HMAC_SHA256_LEN];
    unsigned long tlen = 0;
    (void)state;

    if (nist_rsp_get(rec, "Mac") == NULL)
        return;
    if (L == NULL) {
        nist_malformed(r, rec->line, "record outside any [L=...] section");
        return;
    }
    if (strcmp(L, "32") != 0) {
        nist_skip(r, rec, other_hash(L));
        return;
    }
    if (nist_num(r, rec, "Tlen", 1, HMAC_SHA256_LEN, &tlen) != 0)
        return;
    if (nist_hex(r, rec, "Key", 0, &key, &key_len) == 0 &&
        nist_hex(r, rec, "Msg", 0, &msg, &msg_len) == 0 &&
        nist_hex(r, rec, "Mac", 0, &mac, &mac_len) == 0) {
        hmac_sha256(key, key_len, msg, msg_len, out);
        nist_check_bytes(r, rec, "Mac", mac, mac_len, out, tlen);
    }
    free(key);
    free(msg);
    free(mac);
}

const nist_kind nist_kind_hmac = {"HMAC-SHA256", recognise, expected, run, 0, NULL};
