/*
 * speed_handshake.c — `glass speed handshake`: full, mutually authenticated
 * glass handshakes per second, client and server engines back to back in
 * one process (no sockets: the figure is the cryptography and the message
 * handling, the cost a server and a client pay together).
 *
 * Setting up: a throw-away CA in a temporary directory (ca_init), an
 * RSA-2048 server key and client key, each certified by it.  Then each
 * measured operation is: two fresh engines, ClientHello .. Finished with
 * every byte handed from one to the other, both reaching
 * GLASS_STATE_APPLICATION, both freed.  Per handshake that is, in total:
 * two DH key pairs and two shared secrets (ffdhe2048 or ffdhe3072), two
 * RSA-2048 signatures (ServerKeyExchange, CertificateVerify), and the
 * verifications of two certificates and two signatures.
 *
 * The layout is that of `openssl speed ffdh2048` (key agreement): op time
 * and op/s.  scripts/bench.d/handshake.sh measures the same over TCP against
 * `openssl s_server` / `openssl s_time`.
 *
 * CT: not applicable (a benchmark).
 */
#include "apps.h"
#include "speed.h"
#include "ca/ca.h"
#include "net/net.h"
#include "protocol/protocol.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static const char *const names[] = {"handshake", "handshake-ffdhe3072", NULL};

struct hs_bench {
    glass_blob anchor;
    uint8_t *server_cert;
    size_t server_cert_len;
    uint8_t *client_cert;
    size_t client_cert_len;
    glass_blob server_chain;
    glass_blob client_chain;
    rsa_private_key server_key;
    rsa_private_key client_key;
    uint16_t group;
    int failed;
};

/* Removes the temporary CA directory (files, and one level of folders). */
static void remove_tree(const char *path, int depth)
{
    DIR *d = opendir(path);
    if (d != NULL) {
        struct dirent *e;
        while ((e = readdir(d)) != NULL) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                continue;
            char child[4096];
            if ((size_t)snprintf(child, sizeof child, "%s/%s", path, e->d_name) >= sizeof child)
                continue;
            struct stat st;
            if (lstat(child, &st) == 0 && S_ISDIR(st.st_mode) && depth < 2)
                remove_tree(child, depth + 1);
            else
                unlink(child);
        }
        closedir(d);
    }
    rmdir(path);
}

/* A key and a certificate for it from the CA. */
static glass_err issue(glass_ca *ca, rsa_private_key *key, const char *subject,
                       enum ca_profile profile, const char *san, uint8_t **cert, size_t *len)
{
    uint8_t *csr = NULL;
    size_t csr_len = 0;
    glass_err err = rsa_generate(key, 2048, RSA_DEFAULT_E);
    if (err == GLASS_OK)
        err = csr_create(key, subject, &csr, &csr_len);
    if (err == GLASS_OK)
        err = ca_sign_request(ca, csr, csr_len, profile, 1, san, (int64_t)time(NULL), cert, len);
    free(csr);
    return err;
}

/* One side's config: the bench's CA, its own certificate and key, the one
 * group measured. */
static void bench_config(glass_config *cfg, glass_role role, const struct hs_bench *b,
                         const glass_blob *chain, const rsa_private_key *key, int64_t now)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->role = role;
    cfg->now = now;
    cfg->anchors = &b->anchor;
    cfg->n_anchors = 1;
    cfg->chain = chain;
    cfg->n_chain = 1;
    cfg->key = key;
    cfg->groups[0] = b->group;
    cfg->n_groups = 1;
}

static void one_handshake(void *arg)
{
    struct hs_bench *b = arg;
    glass_engine *c = NULL, *s = NULL;
    glass_config cc, sc;
    int64_t now = (int64_t)time(NULL);
    bench_config(&cc, GLASS_ROLE_CLIENT, b, &b->client_chain, &b->client_key, now);
    cc.server_name = "localhost";
    bench_config(&sc, GLASS_ROLE_SERVER, b, &b->server_chain, &b->server_key, now);
    glass_err err = glass_engine_new(&c, &cc);
    if (err == GLASS_OK)
        err = glass_engine_new(&s, &sc);
    if (err == GLASS_OK)
        err = glass_engine_start(s);
    if (err == GLASS_OK)
        err = glass_engine_start(c);
    if (err == GLASS_OK)
        err = net_pump_handshake(c, s);
    if (err != GLASS_OK)
        b->failed = 1;
    glass_engine_free(c);
    glass_engine_free(s);
}

static int run(const char *name, double seconds)
{
    struct hs_bench b;
    char dir[] = "/tmp/glass-speed-handshake.XXXXXX";
    glass_ca *ca = NULL;
    int rc = 1;
    memset(&b, 0, sizeof b);
    rsa_private_init(&b.server_key);
    rsa_private_init(&b.client_key);
    b.group = strcmp(name, "handshake-ffdhe3072") == 0 ? GLASS_GROUP_FFDHE3072
                                                         : GLASS_GROUP_FFDHE2048;
    if (mkdtemp(dir) == NULL) {
        fprintf(stderr, "glass speed: cannot make a temporary directory\n");
        goto cleanup;
    }
    /* 1. A throw-away CA and two certified keys. */
    glass_err err = ca_init(dir, "/CN=speed CA", "speed", (int64_t)time(NULL));
    if (err == GLASS_OK)
        err = ca_open(&ca, dir, "speed");
    if (err == GLASS_OK)
        err = issue(ca, &b.server_key, "/CN=localhost", CA_PROFILE_SERVER,
                    "DNS:localhost,IP:127.0.0.1", &b.server_cert, &b.server_cert_len);
    if (err == GLASS_OK)
        err = issue(ca, &b.client_key, "/CN=speed", CA_PROFILE_CLIENT, NULL, &b.client_cert,
                    &b.client_cert_len);
    if (err != GLASS_OK) {
        fprintf(stderr, "glass speed: handshake setup: %s\n", glass_strerror(err));
        goto cleanup;
    }
    b.anchor.der = ca_certificate(ca)->der;
    b.anchor.len = ca_certificate(ca)->der_len;
    b.server_chain.der = b.server_cert;
    b.server_chain.len = b.server_cert_len;
    b.client_chain.der = b.client_cert;
    b.client_chain.len = b.client_cert_len;

    /* 2. One handshake to check that it works at all, then the figure. */
    one_handshake(&b);
    if (b.failed) {
        fprintf(stderr, "glass speed: the handshake fails: nothing to measure\n");
        goto cleanup;
    }
    double ops = speed_ops_per_sec(seconds, one_handshake, &b);
    if (b.failed) {
        fprintf(stderr, "glass speed: a handshake failed during the measurement\n");
        goto cleanup;
    }
    printf("%30s %10s\n", "op", "op/s");
    printf(" %s rsa2048 %-8s %9.4fs %10.1f\n", "mutual handshake",
           b.group == GLASS_GROUP_FFDHE3072 ? "ffdhe3072" : "ffdhe2048", 1.0 / ops, ops);
    rc = 0;
cleanup:
    if (ca != NULL)
        ca_close(ca);
    if (dir[sizeof dir - 7] != 'X')
        remove_tree(dir, 0);
    free(b.server_cert);
    free(b.client_cert);
    rsa_private_clear(&b.server_key);
    rsa_private_clear(&b.client_key);
    return rc;
}

const struct speed_family speed_handshake = {"handshake", names, run};
