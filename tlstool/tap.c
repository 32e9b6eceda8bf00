/*
 * tap.c — what one connection does with the engine's trace events and key
 * log line (see tlstool.h).
 *
 * The engine speaks through two hooks.  The key log hook (glass_config.
 * keylog) gives one NSS line per connection as soon as the master secret
 * is known, after a full handshake (RFC 5246 §8.1, RFC 7627 §4) or a
 * resumption (RFC 5246 §7.3, the cached secret); this file appends it to
 * the key log file when there is one and keeps the master secret for the
 * summary's "Master-Key" line, as OpenSSL prints it.  The trace hook
 * (glass_config.trace) says every step, and is only set when -msg or
 * -trace asks, so an ordinary connection costs nothing for it.
 *
 * CT: not applicable (the secret is shown on purpose).
 */
#include "tlstool/tlstool.h"

#include <string.h>

#define KEYLOG_LABEL "CLIENT_RANDOM "
#define KEYLOG_MS_OFFSET (sizeof KEYLOG_LABEL - 1 + 64 + 1)

void tlstool_tap_init(tlstool_tap *tap, glass_config *cfg, tlstool_keylog *kl,
                      enum tlstool_render render, FILE *out, const char *prefix)
{
    memset(tap, 0, sizeof *tap);
    tap->keylog = kl;
    tap->render = render;
    tap->out = out;
    snprintf(tap->prefix, sizeof tap->prefix, "%s", prefix != NULL ? prefix : "");
    tap->tracer.fn = tlstool_tap_event;
    tap->tracer.arg = tap;
    cfg->keylog = tlstool_tap_keylog;
    cfg->keylog_arg = tap;
    cfg->trace = render != TLSTOOL_RENDER_NONE ? &tap->tracer : NULL;
}

void tlstool_tap_clear(tlstool_tap *tap)
{
    glass_wipe(tap->master_secret, sizeof tap->master_secret);
    tap->have_master = 0;
}

static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

void tlstool_tap_keylog(void *arg, const char *line)
{
    tlstool_tap *tap = arg;
    tlstool_keylog_write(tap->keylog, line);
    if (line == NULL || strncmp(line, KEYLOG_LABEL, sizeof KEYLOG_LABEL - 1) != 0 ||
        strlen(line) != KEYLOG_MS_OFFSET + 96)
        return;
    const char *ms = line + KEYLOG_MS_OFFSET;
    for (size_t i = 0; i < 48; i++) {
        int hi = hex_value(ms[2 * i]), lo = hex_value(ms[2 * i + 1]);
        if (hi < 0 || lo < 0)
            return;
        tap->master_secret[i] = (uint8_t)(hi << 4 | lo);
    }
    tap->have_master = 1;
}

void tlstool_tap_event(void *arg, const char *name, const char *explain, const uint8_t *bytes,
                       size_t len)
{
    tlstool_tap *tap = arg;
    if (tap->render != TLSTOOL_RENDER_NONE)
        tlstool_render_event(tap, name, explain, bytes, len);
}
