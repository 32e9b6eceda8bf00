/*
 * fuzz_engine_client.c — a started client engine (its ClientHello queued)
 * fed the input as the bytes the server sent.
 *
 * The seed (corpus/engine_client/) is a genuine server's side of a mutual
 * handshake with the fixed seed of fuzz_engine.h, then an application
 * record and close_notify, so mutations reach every client state.
 */
#include "fuzz_engine.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    glass_drbg drbg;
    glass_engine *e = fuzz_engine_start(GLASS_ROLE_CLIENT, &drbg);
    if (e == NULL)
        abort();
    /* 1. The ClientHello goes out first, as on a real connection. */
    fuzz_engine_drain(e);
    /* 2. The server's bytes, all at once. */
    (void)glass_engine_feed(e, data, size);
    /* 3. The application's calls, in whatever state that left. */
    static const uint8_t ping[] = "ping";
    (void)glass_engine_send_app(e, ping, sizeof ping - 1);
    (void)glass_engine_close(e);
    fuzz_engine_drain(e);
    glass_engine_free(e);
    return 0;
}
