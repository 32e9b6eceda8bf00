/*
 * fuzz_engine_server.c — a started server engine fed the input as the
 * bytes a client sent.
 *
 * The seed (corpus/engine_server/) is what a genuine client sends in a
 * mutual handshake followed by an application record and close_notify, and
 * what an enrolling client sends; with the fixed seed of fuzz_engine.h the
 * server answers exactly as when it was recorded, so mutations reach every
 * server state.  An enrollment request is answered with a certificate, so
 * the reply path runs too.
 */
#include "fuzz_engine.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    glass_drbg drbg;
    glass_engine *e = fuzz_engine_start(GLASS_ROLE_SERVER, &drbg);
    if (e == NULL)
        abort();
    /* 1. The whole input at once: the engine splits it into records. */
    (void)glass_engine_feed(e, data, size);
    glass_event ev;
    while (glass_engine_next_event(e, &ev)) {
        if (ev.type == GLASS_EV_ENROLL_REQUEST) {
            const fuzz_fixtures *fx = fuzz_get_fixtures();
            (void)glass_engine_enroll_reply(e, fx->alice, fx->alice_blob.len);
        }
    }
    /* 2. Whatever state it reached, the application's calls must be safe. */
    static const uint8_t reply[] = "pong";
    (void)glass_engine_send_app(e, reply, sizeof reply - 1);
    (void)glass_engine_close(e);
    fuzz_engine_drain(e);
    glass_engine_free(e);
    return 0;
}
