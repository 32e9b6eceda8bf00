/*
 * fuzz_engine_tls_client.c — a started TLS 1.2 client engine (it has sent
 * its ClientHello) fed the input as the bytes a server sent.
 *
 * The seed (corpus/engine_tls_client/) is what the TLS 1.2 fuzz server sent
 * in a genuine handshake that asked for a client certificate, then an
 * application record and close_notify; the client replays it exactly, so
 * mutations reach ServerHello's extensions, the explicit DH parameters and
 * their signature, CertificateRequest, ChangeCipherSpec and the protected
 * Finished.  Afterwards the session blob is saved if there is one.
 */
#include "fuzz_engine.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    glass_drbg drbg;
    glass_engine *e = fuzz_engine_start_profile(GLASS_ROLE_CLIENT, GLASS_PROFILE_TLS12, &drbg);
    if (e == NULL)
        abort();
    (void)glass_engine_feed(e, data, size);
    uint8_t blob[GLASS_SESSION_MAX_LEN];
    size_t n;
    (void)glass_engine_session_save(e, blob, sizeof blob, &n);
    static const uint8_t ping[] = "ping";
    (void)glass_engine_send_app(e, ping, sizeof ping - 1);
    (void)glass_engine_close(e);
    fuzz_engine_drain(e);
    glass_engine_free(e);
    return 0;
}
