/*
 * gen_seeds.c — writes the seed inputs that only a running engine can make:
 * the two sides of a genuine handshake (for fuzz_engine_server and
 * fuzz_engine_client), records sealed with fuzz_record.c's fixed keys, and
 * one encoding of every application message.  Run by make-corpus.sh,
 * built with the ordinary compiler against build/libglass.a:
 *
 *     gen_seeds OUTDIR        (OUTDIR/engine_server/, engine_client/,
 *                              engine_tls_server/, engine_tls_client/,
 *                              record/, appmsg/ must exist)
 */
#include "fuzz_engine.h"
#include "fuzz_record_keys.h"
#include "protocol/protocol_internal.h"

static void save(const char *dir, const char *sub, const char *name, const uint8_t *p, size_t n)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s/%s", dir, sub, name);
    FILE *f = fopen(path, "wb");
    if (f == NULL || (n > 0 && fwrite(p, 1, n, f) != n) || fclose(f) != 0) {
        fprintf(stderr, "gen_seeds: cannot write %s\n", path);
        exit(1);
    }
}

/* Moves what `from` has to send into `to`, keeping a copy in log. */
static size_t move(glass_engine *from, glass_engine *to, glass_buf *log)
{
    const uint8_t *out;
    size_t n;
    glass_engine_output(from, &out, &n);
    if (n == 0)
        return 0;
    glass_buf_put(log, out, n);
    uint8_t *copy = malloc(n);
    memcpy(copy, out, n);
    glass_engine_consume_output(from, n);
    (void)glass_engine_feed(to, copy, n);
    free(copy);
    return n;
}

/* Runs a client (enrolling when enroll is set) against the fuzz server,
 * logging each direction; after the handshake one application record each
 * way, then close_notify. */
static void run_pair(int enroll, glass_profile profile, glass_buf *to_server,
                     glass_buf *to_client)
{
    const fuzz_fixtures *fx = fuzz_get_fixtures();
    glass_drbg dc, ds;
    glass_engine *c = NULL, *s = fuzz_engine_start_profile(GLASS_ROLE_SERVER, profile, &ds);
    glass_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.role = GLASS_ROLE_CLIENT;
    cfg.profile = profile;
    glass_drbg_init(&dc, FUZZ_SEED, 1);
    cfg.random = glass_random_from_drbg;
    cfg.random_arg = &dc;
    cfg.now = fx->now;
    cfg.anchors = &fx->ca_blob;
    cfg.n_anchors = 1;
    cfg.server_name = "localhost";
    if (!enroll) {
        cfg.chain = &fx->alice_blob;
        cfg.n_chain = 1;
        cfg.key = &fx->alice_key;
    }
    if (s == NULL || glass_engine_new(&c, &cfg) != GLASS_OK || glass_engine_start(c) != GLASS_OK) {
        fprintf(stderr, "gen_seeds: engine setup failed\n");
        exit(1);
    }
    int sent_app = 0, asked = 0, closed = 0;
    for (int round = 0; round < 64; round++) {
        size_t moved = move(c, s, to_server) + move(s, c, to_client);
        glass_event ev;
        while (glass_engine_next_event(s, &ev)) {
            if (ev.type == GLASS_EV_ENROLL_REQUEST)
                (void)glass_engine_enroll_reply(s, fx->alice, fx->alice_blob.len);
        }
        while (glass_engine_next_event(c, &ev))
            ;
        if (!enroll && !sent_app && glass_engine_state(c) == GLASS_STATE_APPLICATION &&
            glass_engine_state(s) == GLASS_STATE_APPLICATION) {
            uint8_t msg[64];
            size_t len;
            glass_app_encode_who(msg, sizeof msg, &len);
            (void)glass_engine_send_app(c, msg, len);
            const char *names[] = {"alice", "bob"};
            glass_app_encode_who_list(msg, sizeof msg, &len, names, 2);
            (void)glass_engine_send_app(s, msg, len);
            sent_app = 1;
            continue;
        }
        if (enroll && !asked && glass_engine_state(c) == GLASS_STATE_C_ENROLL_READY) {
            uint8_t *csr = NULL;
            size_t csr_len = 0;
            if (csr_create(&fx->alice_key, "/CN=fuzz", &csr, &csr_len) != GLASS_OK) {
                fprintf(stderr, "gen_seeds: csr_create failed\n");
                exit(1);
            }
            (void)glass_engine_enroll(c, "fuzz", csr, csr_len, (const uint8_t *)"1234", 4);
            free(csr);
            asked = 1;
            continue;
        }
        if (!enroll && sent_app && !closed && moved == 0) {
            (void)glass_engine_close(c);
            closed = 1;
            continue;
        }
        if (moved == 0)
            break;
    }
    glass_engine_free(c);
    glass_engine_free(s);
}

static void seal(const char *dir, const char *name, int protect, uint8_t type, const uint8_t *pt,
                 size_t len)
{
    glass_direction d;
    glass_drbg rnd;
    memset(&d, 0, sizeof d);
    glass_drbg_init(&rnd, FUZZ_SEED, 3);
    if (protect)
        glass_direction_activate(&d, fuzz_record_mac_key, fuzz_record_enc_key, 1);
    glass_buf b = {0};
    glass_buf_u8(&b, protect ? 1 : 0);
    if (glass_record_seal(&d, type, pt, len, glass_random_from_drbg, &rnd, NULL, &b) != GLASS_OK) {
        fprintf(stderr, "gen_seeds: glass_record_seal failed\n");
        exit(1);
    }
    save(dir, "record", name, b.p, b.len);
    glass_buf_free(&b);
    glass_direction_clear(&d);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: gen_seeds OUTDIR\n");
        return 1;
    }
    const char *dir = argv[1];
    glass_buf ts = {0}, tc = {0};
    run_pair(0, GLASS_PROFILE_GLASS, &ts, &tc);
    save(dir, "engine_server", "mutual.bin", ts.p, ts.len);
    save(dir, "engine_client", "mutual.bin", tc.p, tc.len);
    glass_buf_free(&ts);
    glass_buf_free(&tc);
    run_pair(1, GLASS_PROFILE_GLASS, &ts, &tc);
    save(dir, "engine_server", "enroll.bin", ts.p, ts.len);
    save(dir, "engine_client", "enroll.bin", tc.p, tc.len);
    glass_buf_free(&ts);
    glass_buf_free(&tc);
    run_pair(0, GLASS_PROFILE_TLS12, &ts, &tc);
    save(dir, "engine_tls_server", "mutual.bin", ts.p, ts.len);
    save(dir, "engine_tls_client", "mutual.bin", tc.p, tc.len);
    glass_buf_free(&ts);
    glass_buf_free(&tc);

    static const uint8_t alert[2] = {GLASS_ALERT_LEVEL_WARNING, GLASS_ALERT_CLOSE_NOTIFY};
    static const uint8_t hello[] = "hello, record layer";
    static const uint8_t hs_done[4] = {GLASS_HS_SERVER_HELLO_DONE, 0, 0, 0};
    seal(dir, "plain-alert.bin", 0, GLASS_CT_ALERT, alert, sizeof alert);
    seal(dir, "plain-handshake.bin", 0, GLASS_CT_HANDSHAKE, hs_done, sizeof hs_done);
    seal(dir, "protected-app.bin", 1, GLASS_CT_APPLICATION, hello, sizeof hello - 1);
    seal(dir, "protected-alert.bin", 1, GLASS_CT_ALERT, alert, sizeof alert);
    seal(dir, "protected-16.bin", 1, GLASS_CT_APPLICATION, hello, 16);

    uint8_t m[512];
    size_t n;
    const char *names[] = {"alice", "bob", "carol"};
    static const uint8_t text[] = "hi there";
    static const uint8_t req[] = "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n";
    static const uint8_t resp[] = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
#define APP(name, call)              \
    do {                             \
        if ((call) != GLASS_OK)      \
            exit(1);                 \
        save(dir, "appmsg", name, m, n); \
    } while (0)
    APP("send_to.bin", glass_app_encode_send_to(m, sizeof m, &n, "bob", text, sizeof text - 1));
    APP("deliver.bin", glass_app_encode_deliver(m, sizeof m, &n, "alice", text, sizeof text - 1));
    APP("who.bin", glass_app_encode_who(m, sizeof m, &n));
    APP("who_list.bin", glass_app_encode_who_list(m, sizeof m, &n, names, 3));
    APP("error.bin", glass_app_encode_error(m, sizeof m, &n, GLASS_APP_ERR_NO_SUCH_CLIENT, "no"));
    APP("bye.bin", glass_app_encode_bye(m, sizeof m, &n));
    APP("fetch_request.bin",
        glass_app_encode_fetch_request(m, sizeof m, &n, req, sizeof req - 1));
    APP("fetch_response.bin",
        glass_app_encode_fetch_response(m, sizeof m, &n, 1, resp, sizeof resp - 1));
    APP("kv_put.bin", glass_app_encode_kv_put(m, sizeof m, &n, "k", text, sizeof text - 1));
    APP("kv_get.bin", glass_app_encode_kv_get(m, sizeof m, &n, "k"));
    APP("kv_delete.bin", glass_app_encode_kv_delete(m, sizeof m, &n, "k"));
    APP("kv_list.bin", glass_app_encode_kv_list(m, sizeof m, &n));
    APP("kv_value.bin", glass_app_encode_kv_value(m, sizeof m, &n, "k", text, sizeof text - 1));
    APP("kv_done.bin", glass_app_encode_kv_done(m, sizeof m, &n, "k"));
    APP("kv_keys.bin", glass_app_encode_kv_keys(m, sizeof m, &n, names, 3));
#undef APP
    return 0;
}
