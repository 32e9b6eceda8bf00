/*
 * hello12.c — what the two TLS 1.2 hellos decide (RFC 5246 §7.4.1): the
 * version, the suite, the Diffie–Hellman group, and the extensions that
 * change the rest of the connection (RFC 5746 renegotiation_info, RFC 7627
 * extended_master_secret, RFC 7366 encrypt_then_mac, RFC 6066 server_name),
 * and whether an earlier session is resumed (RFC 5246 §7.3, RFC 7627 §5.3).
 * send_ClientHello, recv_ClientHello and recv_ServerHello (hs_client.c,
 * hs_server.c) call these when the profile has hello_extensions; glass's
 * own hello has none of this.
 *
 * Read in handshake order: what the client offers, how the server chooses,
 * how the client checks the choice.  Every refusal returns the error whose
 * alert the cited clause names (alerts.c maps it).
 *
 * CT: no — public hello contents; the session's master secret is only
 * copied.
 */
#include "protocol/engine_internal.h"

#include <string.h>

/* The groups offered and accepted by default: RFC 7919's. */
static const uint16_t ffdhe_all[] = {GLASS_GROUP_FFDHE2048, GLASS_GROUP_FFDHE3072,
                                     GLASS_GROUP_FFDHE4096};

/* A host name for server_name: not an IP address literal (RFC 6066 §3:
 * "Literal IPv4 and IPv6 addresses are not permitted"). */
static int is_host_name(const char *s)
{
    int alpha = 0;
    for (const char *p = s; *p; p++) {
        if (*p == ':')
            return 0;
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z'))
            alpha = 1;
    }
    return alpha;
}

/* See engine_internal.h. */
void glass_hello12_client_offer(glass_engine *e, glass_tls_client_hello *m)
{
    memset(m, 0, sizeof *m);
    m->version = GLASS_TLS12_VERSION;
    memcpy(m->random, e->client_random, GLASS_RANDOM_LEN);
    if (e->have_offer) {
        memcpy(m->session_id, e->offer.session_id, e->offer.session_id_len);
        m->session_id_len = e->offer.session_id_len;
    }
    /* Our suite, and the RFC 5746 §3.3 signalling suite: "I will not
     * renegotiate insecurely". */
    m->suites[m->n_suites++] = GLASS_SUITE_DHE_RSA_AES256_CBC_SHA256;
    m->suites[m->n_suites++] = GLASS_SUITE_EMPTY_RENEGOTIATION_INFO_SCSV;
    const char *sni = e->cfg.sni_name;
    if (sni == NULL && e->cfg.server_name != NULL && is_host_name(e->cfg.server_name))
        sni = e->cfg.server_name;
    if (sni != NULL && strlen(sni) < sizeof m->ext.sni)
        memcpy(m->ext.sni, sni, strlen(sni) + 1);
    for (size_t i = 0; i < e->cfg.n_groups; i++)
        m->ext.groups[m->ext.n_groups++] = e->cfg.groups[i];
    /* We sign with rsa_pkcs1_sha256 and also verify rsa_pss_rsae_sha256. */
    m->ext.sigalgs[m->ext.n_sigalgs++] = GLASS_SIGALG_RSA_PKCS1_SHA256;
    m->ext.sigalgs[m->ext.n_sigalgs++] = GLASS_SIGALG_RSA_PSS_RSAE_SHA256;
    m->ext.ems = !e->cfg.disable_ems;
    m->ext.etm = !e->cfg.disable_etm;
}

/* The server's group (RFC 7919 §4): the first of ours the client lists; a
 * client that lists FFDHE groups (0x0100..0x01FF) none of which we have
 * gets insufficient_security; one that lists none (only elliptic curves,
 * or no supported_groups at all) gets our first. */
static glass_err choose_group(glass_engine *e, const glass_hello_ext *x)
{
    int lists_ffdhe = 0;
    for (size_t j = 0; j < x->n_groups; j++)
        lists_ffdhe |= (x->groups[j] >> 8) == 0x01;
    for (size_t i = 0; i < e->cfg.n_groups; i++)
        for (size_t j = 0; j < x->n_groups; j++)
            if (x->groups[j] == e->cfg.groups[i]) {
                e->group_id = x->groups[j];
                e->group = dh_group_by_tls_id(e->group_id);
                return GLASS_OK;
            }
    if (lists_ffdhe)
        return GLASS_ERR_PROTO_INSUFFICIENT_SECURITY;
    e->group_id = e->cfg.groups[0];
    e->group = dh_group_by_tls_id(e->group_id);
    return GLASS_OK;
}

/* RFC 5246 §7.4.1.4.1: we sign ServerKeyExchange with rsa_pkcs1_sha256, so
 * the client must list it (no list means {sha1,rsa}, which we do not do). */
static glass_err check_sigalgs(const glass_hello_ext *x)
{
    for (size_t i = 0; i < x->n_sigalgs; i++)
        if (x->sigalgs[i] == GLASS_SIGALG_RSA_PKCS1_SHA256)
            return GLASS_OK;
    return GLASS_ERR_PROTO_HANDSHAKE;
}

/* Resumption (RFC 5246 §7.3): the ID in the cache, same suite, and the same
 * EMS state (RFC 7627 §5.3: a session with EMS is resumed only by a hello
 * with EMS, and a session without only by a hello without; otherwise a full
 * handshake). */
static int try_resume(glass_engine *e, const glass_tls_client_hello *ch)
{
    glass_session s;
    const uint8_t *peer;
    size_t peer_len;
    if (e->cfg.session_cache == NULL || ch->session_id_len == 0)
        return 0;
    if (!glass_session_cache_get(e->cfg.session_cache, ch->session_id, ch->session_id_len,
                                 e->cfg.now, &s, &peer, &peer_len))
        return 0;
    int ok = s.suite == GLASS_SUITE_DHE_RSA_AES256_CBC_SHA256 && s.ems == e->ems;
    /* A server that requires a client certificate resumes only a session
     * that had one; the client's identity comes back from the cache. */
    if (e->client_auth == GLASS_CLIENT_AUTH_REQUIRE && peer_len == 0)
        ok = 0;
    if (ok && peer_len > 0) {
        ok = x509_parse(&e->peer_cert, peer, peer_len) == GLASS_OK;
        e->have_peer_cert = ok;
        if (ok && x509_subject_cn(&e->peer_cert, e->peer_name, sizeof e->peer_name) != GLASS_OK)
            e->peer_name[0] = '\0';
    }
    if (ok) {
        memcpy(e->master_secret, s.master_secret, sizeof e->master_secret);
        memcpy(e->session_id, s.session_id, s.session_id_len);
        e->session_id_len = s.session_id_len;
        e->resumed = 1;
    }
    glass_wipe(&s, sizeof s);
    return ok;
}

/* See engine_internal.h. */
glass_err glass_hello12_server_choose(glass_engine *e, const glass_tls_client_hello *ch)
{
    const glass_hello_ext *x = &ch->ext;
    /* 1. Version (RFC 5246 Appendix E.1): 03 03 or above gets 03 03 (a TLS
     *    1.3 client's supported_versions is read and answered with TLS 1.2);
     *    below, TLS_FALLBACK_SCSV means a downgrade (RFC 7507 §3), anything
     *    else an old client we do not serve. */
    if (ch->version < GLASS_TLS12_VERSION)
        return ch->fallback_scsv ? GLASS_ERR_PROTO_FALLBACK : GLASS_ERR_PROTO_VERSION;
    /* 2. Compression: null must be offered (RFC 5246 §7.4.1.2); we never
     *    choose another (CRIME). */
    if (!ch->null_compression)
        return GLASS_ERR_PROTO_ILLEGAL_PARAM;
    /* 3. The suite, and what we need to sign with. */
    if (!ch->offers_suite)
        return GLASS_ERR_PROTO_HANDSHAKE;
    glass_err err = check_sigalgs(x);
    if (err != GLASS_OK)
        return err;
    /* 4. RFC 5746 §3.6: the SCSV or an empty renegotiation_info; a
     *    non-empty one in an initial handshake is a handshake_failure. */
    if (x->has_reneg && x->reneg_len != 0)
        return GLASS_ERR_PROTO_HANDSHAKE;
    e->secure_reneg = ch->reneg_scsv || x->has_reneg;
    /* 5. The extensions that change the connection, when both want them. */
    e->ems = x->ems && !e->cfg.disable_ems;
    e->etm = x->etm && !e->cfg.disable_etm;
    memcpy(e->sni, x->sni, sizeof e->sni);
    e->suite = GLASS_SUITE_DHE_RSA_AES256_CBC_SHA256;
    memcpy(e->client_random, ch->random, GLASS_RANDOM_LEN);
    /* 6. Resume, or choose a group for a full handshake. */
    if (try_resume(e, ch))
        return GLASS_OK;
    return choose_group(e, x);
}

/* See engine_internal.h. */
void glass_hello12_server_answer(glass_engine *e, glass_tls_server_hello *m)
{
    memset(m, 0, sizeof *m);
    m->version = GLASS_TLS12_VERSION;
    memcpy(m->random, e->server_random, GLASS_RANDOM_LEN);
    memcpy(m->session_id, e->session_id, e->session_id_len);
    m->session_id_len = e->session_id_len;
    m->suite = e->suite;
    m->ext.has_reneg = e->secure_reneg;
    m->ext.ems = e->ems;
    m->ext.etm = e->etm;
}

/* See engine_internal.h.  RFC 5246 §7.4.1.3-4: the server may only choose
 * what we offered, and may only answer extensions we sent. */
glass_err glass_hello12_client_check(glass_engine *e, const glass_tls_server_hello *sh)
{
    const glass_hello_ext *x = &sh->ext;
    if (sh->version != GLASS_TLS12_VERSION)
        return GLASS_ERR_PROTO_VERSION;
    if (sh->suite != GLASS_SUITE_DHE_RSA_AES256_CBC_SHA256 || sh->compression != 0)
        return GLASS_ERR_PROTO_ILLEGAL_PARAM;
    if (x->has_groups || x->has_sigalgs || x->heartbeat || x->unknown > 0 ||
        (x->ems && e->cfg.disable_ems) || (x->etm && e->cfg.disable_etm))
        return GLASS_ERR_PROTO_UNSUPPORTED_EXT;
    /* RFC 5746 §3.4: an answer to our SCSV must be empty. */
    if (x->has_reneg && x->reneg_len != 0)
        return GLASS_ERR_PROTO_HANDSHAKE;
    e->secure_reneg = x->has_reneg;
    e->ems = x->ems;
    e->etm = x->etm;
    e->suite = sh->suite;
    memcpy(e->server_random, sh->random, GLASS_RANDOM_LEN);
    memcpy(e->session_id, sh->session_id, sh->session_id_len);
    e->session_id_len = sh->session_id_len;
    /* Resumption: the server echoed the ID we offered (RFC 5246 §7.4.1.3). */
    if (e->have_offer && sh->session_id_len == e->offer.session_id_len &&
        sh->session_id_len > 0 &&
        memcmp(sh->session_id, e->offer.session_id, sh->session_id_len) == 0) {
        /* RFC 7627 §5.3: the EMS state must be the session's, else abort. */
        if (e->ems != e->offer.ems)
            return GLASS_ERR_PROTO_HANDSHAKE;
        memcpy(e->master_secret, e->offer.master_secret, sizeof e->master_secret);
        e->resumed = 1;
    }
    return GLASS_OK;
}

/* See engine_internal.h.  The client's view of the server's (p, g): one of
 * the named groups when p is one of theirs, else a group of its own that
 * must have at least 2048 bits and a safe-prime structure we can check
 * (g^q = 1 mod p with q = (p-1)/2).  Smaller is insufficient_security. */
glass_err glass_hello12_client_group(glass_engine *e, const uint8_t *p, size_t p_len,
                                     const uint8_t *g, size_t g_len)
{
    static const char *const named[] = {"ffdhe2048", "ffdhe3072", "ffdhe4096", "modp14", "modp15"};
    glass_err err = GLASS_OK;
    mpz_t P, G, Q;
    mpz_inits(P, G, Q, NULL);
    mpz_import(P, p_len, 1, 1, 1, 0, p);
    mpz_import(G, g_len, 1, 1, 1, 0, g);
    e->group = NULL;
    for (size_t i = 0; i < sizeof named / sizeof named[0] && e->group == NULL; i++) {
        const dh_group *grp = dh_group_by_name(named[i]);
        if (grp != NULL && mpz_cmp(grp->p, P) == 0 && mpz_cmp(grp->g, G) == 0)
            e->group = grp;
    }
    if (e->group != NULL) {
        e->group_id = e->group->tls_id;
        goto cleanup;
    }
    size_t bits = mpz_sizeinbase(P, 2);
    if (bits < 2048 || bits > 8192) {
        err = GLASS_ERR_PROTO_INSUFFICIENT_SECURITY;
        goto cleanup;
    }
    mpz_sub_ui(Q, P, 1);
    mpz_fdiv_q_2exp(Q, Q, 1);
    if (e->have_custom_group)
        dh_group_clear(&e->custom_group);
    e->have_custom_group = 0;
    if (dh_group_init_custom(&e->custom_group, P, Q, G) != GLASS_OK) {
        err = GLASS_ERR_PROTO_ILLEGAL_PARAM;
        goto cleanup;
    }
    e->have_custom_group = 1;
    e->group = &e->custom_group;
    e->group_id = 0;
cleanup:
    mpz_clears(P, G, Q, NULL);
    return err;
}

/* The groups to offer when the config names none. */
void glass_hello12_default_groups(glass_config *cfg)
{
    memcpy(cfg->groups, ffdhe_all, sizeof ffdhe_all);
    cfg->n_groups = sizeof ffdhe_all / sizeof ffdhe_all[0];
}
