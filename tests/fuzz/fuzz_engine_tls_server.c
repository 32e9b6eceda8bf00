/*
 * fuzz_engine_tls_server.c — a started TLS 1.2 server engine (the TLS
 * profile of the one engine) fed the input as the bytes a client sent.
 *
 * The seed (corpus/engine_tls_server/) is what a genuine TLS 1.2 client
 * sends in a handshake with a client certificate, an application record and
 * close_notify; with the fixed seed of fuzz_engine.h the server answers
 * exactly as when it was recorded, so mutations reach every state, the
 * hello extensions, ChangeCipherSpec and handshake messages split across
 * records.  The server keeps sessions (a bounded cache shared by the runs),
 * so a mutated session_id may also take the resumption path.
 */
#include "fuzz_engine.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    glass_drbg drbg;
    glass_engine *e = fuzz_engine_start_profile(GLASS_ROLE_SERVER, GLASS_PROFILE_TLS12, &drbg);
    if (e == NULL)
        abort();
    /* 1. The input in two pieces, so records may also arrive cut. */
    size_t half = size / 2;
    (void)glass_engine_feed(e, data, half);
    (void)glass_engine_feed(e, data + half, size - half);
    glass_conn_info info;
    glass_engine_info(e, &info);
    /* 2. Whatever state it reached, the application's calls must be safe. */
    static const uint8_t reply[] = "pong";
    (void)glass_engine_send_app(e, reply, sizeof reply - 1);
    (void)glass_engine_close(e);
    fuzz_engine_drain(e);
    glass_engine_free(e);
    return 0;
}
