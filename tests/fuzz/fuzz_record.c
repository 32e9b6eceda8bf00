/*
 * fuzz_record.c — the record layer's receiving side, as the engine uses it:
 * glass_record_check_header on the first 5 bytes, then glass_record_open on
 * exactly header + fragment.
 *
 * Input: byte 0 bit 0 chooses a protected direction (keys of
 * fuzz_record_keys.h, sequence number 0) or a plaintext one; the rest is
 * the record.  Seeds come from gen_seeds.c, sealed with the same keys, so
 * the MAC check passes and mutations reach the padding check and beyond.
 */
#include "fuzz.h"
#include "fuzz_record_keys.h"
#include "protocol/protocol_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static uint8_t pt[GLASS_MAX_FRAGMENT];
    if (size < 1 + GLASS_RECORD_HEADER_LEN)
        return 0;
    int protect = data[0] & 1;
    const uint8_t *rec = data + 1;
    size_t rec_len = size - 1;
    size_t frag_len = 0;
    /* 1. The header, as the engine checks it before buffering the rest. */
    if (glass_record_check_header(rec, GLASS_VERSION, protect, &frag_len) != GLASS_OK)
        return 0;
    if (rec_len < GLASS_RECORD_HEADER_LEN + frag_len)
        return 0;
    /* 2. Exactly one record. */
    glass_direction d;
    memset(&d, 0, sizeof d);
    if (protect && glass_direction_activate(&d, fuzz_record_mac_key, fuzz_record_enc_key, 1) != GLASS_OK)
        abort();
    size_t pt_len = 0;
    if (glass_record_open(&d, rec, GLASS_RECORD_HEADER_LEN + frag_len, NULL, pt, &pt_len) ==
        GLASS_OK) {
        if (pt_len > GLASS_MAX_FRAGMENT)
            abort();
    }
    glass_direction_clear(&d);
    return 0;
}
