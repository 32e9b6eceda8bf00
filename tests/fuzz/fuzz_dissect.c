/*
 * fuzz_dissect.c — the dissector (protocol/dissect.c): a record or a
 * handshake message (glass_dissect guesses which), each record kind, a
 * handshake message on its own and an application message.  Every field
 * reported must lie inside the bytes given and carry a name and a meaning.
 */
#include "fuzz.h"
#include "protocol/protocol.h"

typedef struct bounds {
    size_t len;
} bounds;

static void on_field(void *arg, size_t offset, size_t len, const char *field,
                     const char *meaning)
{
    const bounds *b = arg;
    if (offset > b->len || len > b->len - offset)
        abort();    /* a field outside the bytes */
    if (field == NULL || meaning == NULL)
        abort();
    /* Touch every character, as a printer would. */
    volatile size_t n = strlen(field) + strlen(meaning);
    (void)n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    bounds b = {size};
    (void)glass_dissect(data, size, on_field, &b);
    (void)glass_dissect_handshake(data, size, on_field, &b);
    (void)glass_dissect_record(data, size, 0, on_field, &b);
    (void)glass_dissect_record(data, size, 1, on_field, &b);
    (void)glass_dissect_app(data, size, on_field, &b);
    return 0;
}
