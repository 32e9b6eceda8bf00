/*
 * kind_tls.c — NIST's TLS KDF file vectors/kdf/tls.rsp (from the CAVP
 * "Component Validation" of SP 800-135 rev. 1 §4.2, the TLS key derivation).
 *
 * Per record, for the [TLS 1.2, SHA-256] section (RFC 5246):
 *   master_secret = PRF(pre_master_secret, "master secret",
 *                       clientHello_random || serverHello_random)[0..47]
 *   key_block     = PRF(master_secret, "key expansion",
 *                       server_random || client_random)[0 .. key block length/8)
 * A record passes when both are right.  TLS 1.0/1.1 (MD5 and SHA-1) and the
 * SHA-384 / SHA-512 PRFs are counted as skipped.  Recognised by the fields
 * pre_master_secret, master_secret and key_block.
 *
 * CT: not applicable (public test data).
 */
#include "nist/nist.h"
#include "hmac/hmac.h"

#include <stdlib.h>
#include <string.h>

static int recognise(const rsp_file *f)
{
    static const char *const fields[] = {"pre_master_secret", "master_secret", "key_block", NULL};
    return nist_records_with(f, fields) > 0;
}

static const char *expected(const nist_run *r, const rsp_record *rec)
{
    (void)r;
    return nist_rsp_get(rec, "key_block") != NULL ? "key_block" : NULL;
}

static void run_record(nist_run *r, const rsp_record *rec, unsigned long kb_bytes)
{
    uint8_t *pms = NULL, *chr = NULL, *shr = NULL, *sr = NULL, *cr = NULL, *ms = NULL, *kb = NULL;
    size_t pms_len, chr_len, shr_len, sr_len, cr_len, ms_len, kb_len;
    uint8_t master_secret[TLS12_MASTER_SECRET_LEN];
    uint8_t *key_block = NULL;

    if (nist_hex(r, rec, "pre_master_secret", 0, &pms, &pms_len) != 0 ||
        nist_hex(r, rec, "clientHello_random", 0, &chr, &chr_len) != 0 ||
        nist_hex(r, rec, "serverHello_random", 0, &shr, &shr_len) != 0 ||
        nist_hex(r, rec, "client_random", 0, &cr, &cr_len) != 0 ||
        nist_hex(r, rec, "server_random", 0, &sr, &sr_len) != 0 ||
        nist_hex(r, rec, "master_secret", 0, &ms, &ms_len) != 0 ||
        nist_hex(r, rec, "key_block", 0, &kb, &kb_len) != 0)
        goto cleanup;
    if (chr_len != TLS12_RANDOM_LEN || shr_len != TLS12_RANDOM_LEN ||
        cr_len != TLS12_RANDOM_LEN || sr_len != TLS12_RANDOM_LEN) {
        nist_malformed(r, rec->line, "a random is not 32 bytes");
        goto cleanup;
    }
    if (kb_bytes != kb_len) {
        nist_malformed(r, nist_rsp_line(rec, "key_block"), "key_block is not [key block length] bits");
        goto cleanup;
    }
    key_block = malloc(kb_len > 0 ? kb_len : 1);
    if (key_block == NULL ||
        hmac_tls12_master_secret(pms, pms_len, chr, shr, master_secret) != GLASS_OK) {
        nist_fail(r, rec, "master_secret", "a value", "an error");
        goto cleanup;
    }
    if (ms_len != sizeof master_secret || memcmp(ms, master_secret, ms_len) != 0) {
        nist_fail_bytes(r, rec, "master_secret", ms, ms_len, master_secret, sizeof master_secret);
        goto cleanup;
    }
    /* The key block is derived from the file's master secret, as NIST does. */
    if (hmac_tls12_key_block(ms, sr, cr, key_block, kb_len) != GLASS_OK) {
        nist_fail(r, rec, "key_block", "a value", "an error");
        goto cleanup;
    }
    nist_check_bytes(r, rec, "key_block", kb, kb_len, key_block, kb_len);
cleanup:
    free(pms);
    free(chr);
    free(shr);
    free(sr);
    free(cr);
    free(ms);
    free(kb);
    free(key_block);
}

static void run(nist_run *r, const rsp_record *rec, void *state)
{
    (void)state;
    if (nist_rsp_get(rec, "key_block") == NULL)
        return;
    if (nist_rsp_section_get(rec, "TLS 1.2, SHA-256") == NULL) {
        if (nist_rsp_section_get(rec, "TLS 1.0/1.1") != NULL)
            nist_skip(r, rec, "TLS 1.0/1.1 PRF (MD5 and SHA-1) not implemented");
        else
            nist_skip(r, rec, "TLS 1.2 PRF with another hash (SHA-384, SHA-512)");
        return;
    }
    const char *kbl = nist_rsp_section_get(rec, "key block length");
    char *end = NULL;
    unsigned long bits = kbl != NULL ? strtoul(kbl, &end, 10) : 0;
    if (kbl == NULL || *end != '\0' || bits % 8 != 0 || bits == 0) {
        nist_malformed(r, rec->line, "no usable [key block length = bits]");
        return;
    }
    run_record(r, rec, bits / 8);
}

const nist_kind nist_kind_tls = {"TLS-1.2-PRF", recognise, expected, run, 0, NULL};
