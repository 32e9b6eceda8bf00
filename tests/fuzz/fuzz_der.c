/*
 * fuzz_der.c — the DER decoder (asn1/der.c) on arbitrary bytes.
 *
 * Walks every element recursively: constructed ones are entered with
 * der_enter, primitive ones are handed to the typed readers that match
 * their tag (INTEGER, OID and its dotted form, BIT STRING, times, ...), so
 * each reader sees contents the walker did not check.
 */
#include "fuzz.h"
#include "asn1/asn1.h"

#define FUZZ_DER_DEPTH 64

static void walk(der_reader *r, int depth)
{
    der_elem e;
    for (int i = 0; i < 100000 && !der_at_end(r); i++) {
        (void)der_peek_tag(r);
        size_t at = r->off;
        if (der_read_any(r, &e) != GLASS_OK)
            return;
        if (e.tag & DER_CONSTRUCTED) {
            if (depth < FUZZ_DER_DEPTH) {
                der_reader inner = der_enter(&e);
                walk(&inner, depth + 1);
            }
            continue;
        }
        /* The typed reader on the same element, from a reader of its own. */
        der_reader one;
        der_reader_init(&one, r->p + at, der_elem_size(&e));
        const uint8_t *v;
        size_t len;
        unsigned unused;
        char dotted[256];
        int64_t t;
        long l;
        int b;
        switch (e.tag) {
        case DER_BOOLEAN:
            (void)der_read_bool(&one, &b);
            break;
        case DER_INTEGER:
        case DER_ENUMERATED:
            if (der_read_integer(&one, &v, &len) == GLASS_OK) {
                der_reader again;
                der_reader_init(&again, r->p + at, der_elem_size(&e));
                (void)der_read_long(&again, &l);
                mpz_t x;
                mpz_init(x);
                der_reader_init(&again, r->p + at, der_elem_size(&e));
                (void)der_read_mpz(&again, x);
                mpz_clear(x);
            }
            break;
        case DER_NULL:
            (void)der_read_null(&one);
            break;
        case DER_OID:
            if (der_read_oid(&one, &v, &len) == GLASS_OK) {
                (void)der_oid_name(v, len);
                (void)der_oid_to_dotted(v, len, dotted, sizeof dotted);
            }
            break;
        case DER_BIT_STRING:
            (void)der_read_bit_string(&one, &v, &len, &unused);
            break;
        case DER_OCTET_STRING:
            if (der_read_octets(&one, &v, &len) == GLASS_OK && len > 0) {
                /* OCTET STRINGs often wrap DER (extensions): walk it too. */
                if (depth < FUZZ_DER_DEPTH) {
                    der_reader inner;
                    der_reader_init(&inner, v, len);
                    walk(&inner, depth + 1);
                }
            }
            break;
        case DER_UTC_TIME:
        case DER_GENERALIZED_TIME:
            if (der_read_time(&one, &t) == GLASS_OK) {
                int y, mo, d, h, mi, s;
                der_time_to_civil(t, &y, &mo, &d, &h, &mi, &s);
            }
            break;
        default:
            break;
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    der_reader r;
    der_reader_init(&r, data, size);
    walk(&r, 0);
    /* The one-element entry point, and the finish check. */
    der_elem e;
    (void)der_parse_one(data, size, DER_SEQUENCE, &e);
    der_reader_init(&r, data, size);
    if (der_read_any(&r, &e) == GLASS_OK)
        (void)der_finish(&r);
    return 0;
}
