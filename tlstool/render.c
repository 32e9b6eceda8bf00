/*
 * render.c — the live -msg and -trace output of s_server and s_client
 * (see tlstool.h), drawn from the engine's own trace events and dissector.
 *
 * -msg prints one line per protocol message in the shape of OpenSSL's
 * -msg ("<<< TLS 1.2, Handshake [length 0035], ServerHello") followed by
 * its bytes, so the two outputs can be laid side by side.
 *
 * -trace prints everything: every record header as it crosses the wire
 * (RFC 5246 §6.2.1: type, version, length), every field of every
 * handshake message with its meaning (the engine's dissector, as net/ prints it), every
 * alert by name (RFC 5246 §7.2), every derived secret with its bytes
 * (RFC 5246 §8.1, §6.3, §7.4.9), and each check the engine makes.
 * Secrets included: -trace is for a classroom, never for a real server.
 *
 * CT: not applicable (this prints secrets on purpose).
 */
#include "tlstool/tlstool.h"
#include "net/net.h"

#include <string.h>

#define SHOW_BYTES 48   /* longer fields (a 256-byte g^y) show their first 48 bytes */

/* Prints p[0..n): its first SHOW_BYTES bytes in hex, 32 a line, the next
 * lines indented to column cont. */
static void hex_short(const tlstool_tap *t, size_t cont, const uint8_t *p, size_t n)
{
    net_print_hex_wrapped(t->out, t->prefix, cont, p, n, SHOW_BYTES);
}

/* OpenSSL's -msg hex layout: 16 bytes a line, indented. */
static void hex_block(FILE *f, const char *prefix, const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (i % 16 == 0)
            fprintf(f, "%s    ", prefix);
        fprintf(f, "%02x%s", p[i], (i % 16 == 15 || i + 1 == n) ? "\n" : " ");
    }
}

static const char *content_name(unsigned type)
{
    switch (type) {
    case 20: return "ChangeCipherSpec";
    case GLASS_CT_ALERT: return "Alert";
    case GLASS_CT_HANDSHAKE: return "Handshake";
    case GLASS_CT_APPLICATION: return "ApplicationData";
    default: return "unknown";
    }
}

static const char *version_words(unsigned v)
{
    return v == 0x0303 ? "TLS 1.2" : v == GLASS_VERSION ? "glass" : "unknown version";
}

/* "send record": the 5-byte header (RFC 5246 §6.2.1), then the fragment. */
static void render_record(const tlstool_tap *t, const char *name, const uint8_t *b, size_t n)
{
    const char *dir = name[0] == 's' ? ">>>" : "<<<";
    if (n < GLASS_RECORD_HEADER_LEN)
        return;
    unsigned v = (unsigned)b[1] << 8 | b[2];
    fprintf(t->out, "%s%s %s, RecordHeader [length %04zx]: %s\n", t->prefix, dir,
            version_words(v), n - GLASS_RECORD_HEADER_LEN, content_name(b[0]));
    if (t->render == TLSTOOL_RENDER_MSG)
        hex_block(t->out, t->prefix, b, GLASS_RECORD_HEADER_LEN);
    else
        fprintf(t->out, "%s    type %u (%s), version %02x %02x, length %zu\n", t->prefix, b[0],
                content_name(b[0]), b[1], b[2], n - GLASS_RECORD_HEADER_LEN);
}

static void render_message(const tlstool_tap *t, const char *name, const char *ex,
                           const uint8_t *b, size_t n)
{
    const char *dir = name[0] == 's' ? ">>>" : "<<<";
    const char *what = name + 5;
    if (strcmp(what, "Alert") == 0 && n == 2) {
        fprintf(t->out, "%s%s Alert [length 0002], %s %s\n", t->prefix, dir,
                b[0] == GLASS_ALERT_LEVEL_FATAL ? "fatal" : "warning", glass_alert_name(b[1]));
        hex_block(t->out, t->prefix, b, n);
        return;
    }
    if (strcmp(what, "application_data") == 0) {
        fprintf(t->out, "%s%s ApplicationData [length %04zx]\n", t->prefix, dir, n);
        if (t->render == TLSTOOL_RENDER_TRACE && b != NULL && n > 0) {
            fprintf(t->out, "%s    ", t->prefix);
            hex_short(t, strlen(t->prefix) + 4, b, n);
            fputc('\n', t->out);
        }
        return;
    }
    if (strcmp(what, "ChangeCipherSpec") == 0) {
        fprintf(t->out, "%s%s ChangeCipherSpec [length %04zx]\n", t->prefix, dir, n);
        hex_block(t->out, t->prefix, b, n);
        return;
    }
    const char *why = t->render == TLSTOOL_RENDER_TRACE ? ex : "";
    net_print_line(t->out, t->prefix, strlen(t->prefix) + 4, "%s Handshake [length %04zx], %s%s%s",
                   dir, n, what, why[0] ? " — " : "", why);
    if (t->render == TLSTOOL_RENDER_MSG) {
        hex_block(t->out, t->prefix, b, n);
        return;
    }
    net_fields d = {t->out, t->prefix, b, n, SHOW_BYTES};
    if (b != NULL && n > 0 &&
        glass_dissect_handshake_profile(GLASS_PROFILE_TLS12, b, n, net_trace_field, &d) != GLASS_OK)
        fprintf(t->out, "%s    (the message does not parse past this point)\n", t->prefix);
}

void tlstool_render_event(const tlstool_tap *t, const char *name, const char *explain,
                          const uint8_t *bytes, size_t len)
{
    const char *ex = explain != NULL ? explain : "";
    if (name == NULL || t->out == NULL)
        return;
    size_t ind = strlen(t->prefix);
    if (strcmp(name, "send record") == 0 || strcmp(name, "recv record") == 0) {
        render_record(t, name, bytes, len);
    } else if (strncmp(name, "send ", 5) == 0 || strncmp(name, "recv ", 5) == 0) {
        render_message(t, name, ex, bytes, len);
    } else if (t->render != TLSTOOL_RENDER_TRACE) {
        return;                 /* -msg shows messages only */
    } else if (strcmp(name, "state") == 0) {
        net_print_line(t->out, t->prefix, ind + 4, "  state -> %s", ex);
    } else if (strncmp(name, "check ", 6) == 0) {
        net_print_line(t->out, t->prefix, ind + 6, "  ok: %s%s%s", name + 6, ex[0] ? " — " : "",
                       ex);
    } else {
        net_print_line(t->out, t->prefix, ind + 6, "  %s (%zu bytes)%s%s", name, len,
                       ex[0] ? ": " : "", ex);
        if (bytes != NULL && len > 0) {
            fprintf(t->out, "%s      ", t->prefix);
            hex_short(t, ind + 6, bytes, len);
            fputc('\n', t->out);
        }
    }
    fflush(t->out);
}
