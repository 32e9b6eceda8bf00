/*
 * fuzz_engine.h — one glass engine with the protocol fixtures, for the
 * engine harnesses and the seed recorder.
 *
 * The configuration is the one tests/test_protocol.c uses: client alice,
 * server localhost, both under "Glass Test CA", the clock an hour after the
 * fixtures were made, randomness from a glass_drbg with a fixed seed.
 * Because every engine of a role starts from the same seed, a byte stream
 * recorded from a genuine run (gen_seeds.c) replays exactly into a fresh
 * engine: the fuzzer starts from a handshake that completes and mutates
 * from there, reaching every state rather than stopping at ClientHello.
 */
#ifndef GLASS_FUZZ_ENGINE_H
#define GLASS_FUZZ_ENGINE_H

#include "fuzz.h"
#include "ca/ca.h"
#include "protocol/protocol.h"

#define FUZZ_SEED 2026u

typedef struct fuzz_fixtures {
    uint8_t *ca, *server, *alice;
    glass_blob ca_blob, server_blob, alice_blob;
    rsa_private_key server_key, alice_key;
    int64_t now;
} fuzz_fixtures;

static inline void fuzz_load_key(const char *name, rsa_private_key *key)
{
    size_t len;
    uint8_t *data = fuzz_fixture(name, &len);
    rsa_private_init(key);
    glass_err err = ca_key_load_private(data, len, NULL, key);
    glass_wipe(data, len);
    free(data);
    if (err != GLASS_OK) {
        fprintf(stderr, "fuzz: key %s: %s\n", name, glass_strerror(err));
        exit(2);
    }
}

/* Loaded once per process; kept for its lifetime. */
static inline const fuzz_fixtures *fuzz_get_fixtures(void)
{
    static fuzz_fixtures fx;
    static int loaded;
    if (loaded)
        return &fx;
    fx.ca = fuzz_fixture("ca.der", &fx.ca_blob.len);
    fx.ca_blob.der = fx.ca;
    fx.server = fuzz_fixture("server.der", &fx.server_blob.len);
    fx.server_blob.der = fx.server;
    fx.alice = fuzz_fixture("alice.der", &fx.alice_blob.len);
    fx.alice_blob.der = fx.alice;
    size_t len;
    uint8_t *now = fuzz_fixture("now.txt", &len);
    char text[32] = {0};
    memcpy(text, now, len < sizeof text - 1 ? len : sizeof text - 1);
    free(now);
    fx.now = strtoll(text, NULL, 10) + 3600;
    fuzz_load_key("server.key", &fx.server_key);
    fuzz_load_key("alice.key", &fx.alice_key);
    loaded = 1;
    return &fx;
}

/* The TLS 1.2 server's session cache: one per process, bounded. */
static inline glass_session_cache *fuzz_session_cache(void)
{
    static glass_session_cache *cache;
    if (cache == NULL && glass_session_cache_new(&cache, 8, 3600) != GLASS_OK)
        abort();
    return cache;
}

static inline glass_engine *fuzz_engine_start_profile(glass_role role, glass_profile profile,
                                                      glass_drbg *drbg);

/* A started engine of the given role, its randomness from *drbg (seeded
 * here); NULL on failure. */
static inline glass_engine *fuzz_engine_start(glass_role role, glass_drbg *drbg)
{
    return fuzz_engine_start_profile(role, GLASS_PROFILE_GLASS, drbg);
}

/* The same in either profile.  The TLS 1.2 server asks for (but does not
 * require) a client certificate and keeps sessions, so every branch of the
 * profile is reachable. */
static inline glass_engine *fuzz_engine_start_profile(glass_role role, glass_profile profile,
                                                      glass_drbg *drbg)
{
    const fuzz_fixtures *fx = fuzz_get_fixtures();
    glass_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.role = role;
    cfg.random = glass_random_from_drbg;
    cfg.random_arg = drbg;
    cfg.now = fx->now;
    cfg.anchors = &fx->ca_blob;
    cfg.n_anchors = 1;
    if (role == GLASS_ROLE_CLIENT) {
        glass_drbg_init(drbg, FUZZ_SEED, 1);
        cfg.chain = &fx->alice_blob;
        cfg.key = &fx->alice_key;
        cfg.server_name = "localhost";
    } else {
        glass_drbg_init(drbg, FUZZ_SEED, 2);
        cfg.chain = &fx->server_blob;
        cfg.key = &fx->server_key;
        cfg.allow_enroll = 1;
    }
    cfg.profile = profile;
    if (profile == GLASS_PROFILE_TLS12 && role == GLASS_ROLE_SERVER) {
        cfg.allow_enroll = 0;
        cfg.client_auth = GLASS_CLIENT_AUTH_REQUEST;
        cfg.session_cache = fuzz_session_cache();
    }
    cfg.n_chain = 1;
    glass_engine *e = NULL;
    if (glass_engine_new(&e, &cfg) != GLASS_OK)
        return NULL;
    if (glass_engine_start(e) != GLASS_OK) {
        glass_engine_free(e);
        return NULL;
    }
    return e;
}

/* Takes every event and discards whatever the engine wants to send. */
static inline void fuzz_engine_drain(glass_engine *e)
{
    glass_event ev;
    const uint8_t *out;
    size_t n;
    while (glass_engine_next_event(e, &ev))
        ;
    glass_engine_output(e, &out, &n);
    glass_engine_consume_output(e, n);
}

#endif
