/*
 * tap.c — one tracer per connection that serves the key log and the live
 * renderer (see tlstool.h).
 *
 * The engine has one trace hook (glass_config.trace) and says everything
 * through it: each handshake message's bytes ("send ClientHello"), each
 * derived value ("derive master_secret").  The key log needs two of those
 * facts — ClientHello.random (RFC 5246 §7.4.1.2: the 32 bytes after the
 * 4-byte message header and the 2-byte version) and the master secret
 * (RFC 5246 §8.1, RFC 7627 §4) — and -msg / -trace want all of them; this
 * file hands each event to whoever needs it.  When nobody does, the
 * engine is given no tracer and runs silent.
 *
 * CT: not applicable.
 */
#include "tlstool/tlstool.h"

#include <string.h>

#define CH_RANDOM_OFFSET (GLASS_HS_HEADER_LEN + 2)

int tlstool_tap_init(tlstool_tap *tap, tlstool_keylog *kl, enum tlstool_render render, FILE *out,
                     const char *prefix)
{
    memset(tap, 0, sizeof *tap);
    tap->keylog = kl;
    tap->render = render;
    tap->out = out;
    snprintf(tap->prefix, sizeof tap->prefix, "%s", prefix != NULL ? prefix : "");
    tap->tracer.fn = tlstool_tap_event;
    tap->tracer.arg = tap;
    return kl != NULL || render != TLSTOOL_RENDER_NONE;
}

void tlstool_tap_clear(tlstool_tap *tap)
{
    glass_wipe(tap->master_secret, sizeof tap->master_secret);
    tap->have_master = 0;
}

void tlstool_tap_event(void *arg, const char *name, const char *explain, const uint8_t *bytes,
                       size_t len)
{
    tlstool_tap *tap = arg;
    if ((strcmp(name, "send ClientHello") == 0 || strcmp(name, "recv ClientHello") == 0) &&
        len >= CH_RANDOM_OFFSET + 32) {
        memcpy(tap->client_random, bytes + CH_RANDOM_OFFSET, 32);
        tap->have_random = 1;
    } else if (strcmp(name, "derive master_secret") == 0 && len == 48) {
        memcpy(tap->master_secret, bytes, 48);
        tap->have_master = 1;
        if (tap->have_random)
            tlstool_keylog_write(tap->keylog, tap->client_random, tap->master_secret);
    }
    if (tap->render != TLSTOOL_RENDER_NONE)
        tlstool_render_event(tap, name, explain, bytes, len);
}
