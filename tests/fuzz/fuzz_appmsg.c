/*
 * fuzz_appmsg.c — application messages (protocol/appmsg.c): decode one
 * message and check that what the decoder hands back lies inside the input
 * and keeps the documented limits (names 1..255 bytes without NUL).
 */
#include "fuzz.h"
#include "protocol/protocol.h"

static void inside(const uint8_t *data, size_t size, const uint8_t *p, size_t len)
{
    if (len == 0)
        return;
    if (p < data || p > data + size || len > (size_t)(data + size - p))
        abort();
}

static void name_ok(const uint8_t *data, size_t size, const uint8_t *p, size_t len)
{
    inside(data, size, p, len);
    if (len < 1 || len > 255 || memchr(p, 0, len) != NULL)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static glass_app_msg m;
    if (glass_app_decode(data, size, &m) != GLASS_OK)
        return 0;
    (void)glass_app_type_name(m.type);
    if (m.name != NULL)
        name_ok(data, size, m.name, m.name_len);
    if (m.text != NULL)
        inside(data, size, m.text, m.text_len);
    if (m.n_names > GLASS_APP_MAX_NAMES)
        abort();
    for (size_t i = 0; i < m.n_names; i++)
        name_ok(data, size, m.names[i], m.name_lens[i]);
    return 0;
}
