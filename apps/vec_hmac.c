/*
 * vec_hmac.c — runs NIST's HMAC.rsp (HMACVS) and our RFC 4231 file
 * (tests/data/vectors/rfc4231_hmac_sha256.rsp, same layout).
 *
 * Sections are [L=n], n the hash's output length in bytes; glasstls has
 * HMAC with SHA-256 only, i.e. [L=32].  Each record: Count, Klen, Tlen
 * (bytes), Key, Msg, Mac; the expected Mac is the first Tlen bytes of
 * HMAC(Key, Msg) (FIPS 198-1 §5, truncation).
 */
#include "apps.h"
#include "hmac/hmac.h"

#include <stdlib.h>
#include <string.h>

static int claims(const char *base, const rsp_file *f)
{
    return strcmp(base, "HMAC.rsp") == 0 || strstr(f->header, "HMAC information") != NULL ||
           strstr(f->header, "RFC 4231") != NULL;
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

static void run(vec_run *r, const rsp_file *f)
{
    for (size_t k = 0; k < f->nrecords && !r->malformed; k++) {
        const rsp_record *rec = &f->records[k];
        const char *L = rsp_section_get(rec, "L");
        uint8_t *key = NULL, *msg = NULL, *mac = NULL;
        size_t key_len = 0, msg_len = 0, mac_len = 0;
        uint8_t out[HMAC_SHA256_LEN];
        unsigned long tlen = 0;
        const char *t = rsp_get(rec, "Tlen");
        char *end = NULL;

        if (L == NULL) {
            vec_malformed(r, rec->line, "record outside any [L=...] section");
            return;
        }
        if (strcmp(L, "32") != 0) {
            vec_skip(r, rec, other_hash(L));
            continue;
        }
        if (t == NULL || (tlen = strtoul(t, &end, 10), *end != '\0') || tlen < 1 ||
            tlen > HMAC_SHA256_LEN) {
            vec_malformed(r, rsp_line(rec, "Tlen"), "Tlen missing or not 1..32");
            return;
        }
        if (vec_field_hex(r, rec, "Key", &key, &key_len) == 0 &&
            vec_field_hex(r, rec, "Msg", &msg, &msg_len) == 0 &&
            vec_field_hex(r, rec, "Mac", &mac, &mac_len) == 0) {
            hmac_sha256(key, key_len, msg, msg_len, out);
            vec_check_bytes(r, rec, "Mac", mac, mac_len, out, tlen);
        }
        free(key);
        free(msg);
        free(mac);
    }
}

const struct vec_handler vec_hmac = {"HMAC-SHA256", claims, run};
