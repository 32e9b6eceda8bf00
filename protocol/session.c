/*
 * session.c — the server's session cache for TLS 1.2 session-ID resumption
 * (RFC 5246 §7.3 "abbreviated handshake", §7.4.1.2 session_id; RFC 7627
 * §5.3 for what an extended master secret changes).
 *
 * How to read this file: the cache is a plain array of at most max_entries
 * slots, searched linearly (a classroom server holds a few hundred at most);
 * a full cache evicts the oldest entry.  An entry holds a master secret, so
 * every slot is wiped when it is replaced or the cache is freed.
 *
 * CT: the session_id lookup compares public bytes (the ID travels in clear
 * in both hellos); the master secrets are only copied, never compared.
 */
#include "protocol/engine_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct glass_session_cache {
    glass_session *slots;
    uint8_t **peer;             /* slot i's client certificate (DER), or NULL */
    size_t *peer_len;
    size_t max_entries;
    size_t n;
    int64_t lifetime;
};

/* See protocol.h. */
glass_err glass_session_cache_new(glass_session_cache **out, size_t max_entries,
                                  int64_t lifetime)
{
    if (out == NULL)
        return GLASS_ERR_ARG;
    *out = NULL;
    if (max_entries == 0 || max_entries > 65536 || lifetime <= 0)
        return GLASS_ERR_ARG;
    glass_session_cache *c = calloc(1, sizeof *c);
    if (c == NULL)
        return GLASS_ERR_NOMEM;
    c->slots = calloc(max_entries, sizeof *c->slots);
    c->peer = calloc(max_entries, sizeof *c->peer);
    c->peer_len = calloc(max_entries, sizeof *c->peer_len);
    if (c->slots == NULL || c->peer == NULL || c->peer_len == NULL) {
        glass_session_cache_free(c);
        return GLASS_ERR_NOMEM;
    }
    c->max_entries = max_entries;
    c->lifetime = lifetime;
    *out = c;
    return GLASS_OK;
}

/* See protocol.h. */
size_t glass_session_cache_count(const glass_session_cache *c)
{
    return c != NULL ? c->n : 0;
}

/* See protocol.h. */
void glass_session_cache_free(glass_session_cache *c)
{
    if (c == NULL)
        return;
    if (c->slots != NULL)
        glass_wipe(c->slots, c->max_entries * sizeof *c->slots);
    for (size_t i = 0; c->peer != NULL && i < c->max_entries; i++)
        free(c->peer[i]);
    free(c->slots);
    free(c->peer);
    free(c->peer_len);
    free(c);
}

/* See protocol_internal.h. */
void glass_session_cache_put(glass_session_cache *c, const glass_session *s,
                             const uint8_t *peer, size_t peer_len)
{
    if (c == NULL || s->session_id_len == 0)
        return;
    uint8_t *copy = NULL;
    if (peer_len > 0) {
        copy = malloc(peer_len);
        if (copy == NULL)
            return;                 /* not cached: the next handshake is full */
        memcpy(copy, peer, peer_len);
    }
    size_t slot = c->n;
    if (c->n == c->max_entries) {
        /* Full: evict the oldest (slot 0) and shift, keeping age order. */
        glass_wipe(&c->slots[0], sizeof c->slots[0]);
        free(c->peer[0]);
        memmove(c->slots, c->slots + 1, (c->n - 1) * sizeof *c->slots);
        memmove(c->peer, c->peer + 1, (c->n - 1) * sizeof *c->peer);
        memmove(c->peer_len, c->peer_len + 1, (c->n - 1) * sizeof *c->peer_len);
        slot = c->n - 1;
    } else {
        c->n++;
    }
    c->slots[slot] = *s;
    c->peer[slot] = copy;
    c->peer_len[slot] = peer_len;
}

/* See protocol_internal.h. */
int glass_session_cache_get(glass_session_cache *c, const uint8_t *id, size_t id_len,
                            int64_t now, glass_session *s, const uint8_t **peer,
                            size_t *peer_len)
{
    *peer = NULL;
    *peer_len = 0;
    if (c == NULL || id_len == 0 || id_len > sizeof s->session_id)
        return 0;
    for (size_t i = 0; i < c->n; i++) {
        glass_session *t = &c->slots[i];
        if (t->session_id_len != id_len || memcmp(t->session_id, id, id_len) != 0)
            continue;
        if (now - t->created > c->lifetime || now < t->created)
            return 0;
        *s = *t;
        *peer = c->peer[i];
        *peer_len = c->peer_len[i];
        return 1;
    }
    return 0;
}

/* ---- what a connection negotiated, and its session blob ---------------------------- */

/* See protocol.h. */
void glass_engine_info(const glass_engine *e, glass_conn_info *info)
{
    memset(info, 0, sizeof *info);
    info->profile = e->cfg.profile;
    info->verify_result = e->verify_result;
    info->peer_version = e->peer_version;
    memcpy(info->sni, e->sni, sizeof info->sni);
    if (e->suite == 0)
        return;
    info->version = e->prof->version;
    info->suite = e->suite;
    if (!e->resumed && e->group != NULL) {
        info->group = e->group_id;
        info->dh_bits = mpz_sizeinbase(e->group->p, 2);
        if (e->group != &e->custom_group)
            snprintf(info->group_name, sizeof info->group_name, "%s", e->group->name);
    }
    if (e->have_peer_cert)
        info->peer_key_bits = mpz_sizeinbase(e->peer_cert.pub.n, 2);
    info->ems = e->ems;
    info->etm = e->etm;
    info->resumed = e->resumed;
    info->secure_renegotiation = e->secure_reneg;
    memcpy(info->session_id, e->session_id, e->session_id_len);
    info->session_id_len = e->session_id_len;
}

/* See engine_internal.h.  A full handshake's session goes into the cache
 * once our Finished is sent. */
void glass_eng_cache_session(glass_engine *e)
{
    glass_session s;
    if (e->cfg.session_cache == NULL || e->session_id_len == 0)
        return;
    memset(&s, 0, sizeof s);
    memcpy(s.session_id, e->session_id, e->session_id_len);
    s.session_id_len = e->session_id_len;
    memcpy(s.master_secret, e->master_secret, sizeof s.master_secret);
    s.suite = e->suite;
    s.ems = e->ems;
    s.created = e->cfg.now;
    /* The client's certificate goes with the session, so a resumption
     * knows who the client is without a new Certificate. */
    glass_session_cache_put(e->cfg.session_cache, &s, e->have_peer_cert ? e->peer_cert.der : NULL,
                            e->have_peer_cert ? e->peer_cert.der_len : 0);
    glass_wipe(&s, sizeof s);
}

/*
 * The session blob (our own format; openssl's -sess_out writes ASN.1 of its
 * own, which nothing here reads):
 *
 *     "GLS1"(4) || suite(2) || ems(1) || session_id_len(1) || session_id[32]
 *     || master_secret[48] || created(8, seconds) || name_len(1) || name
 *     || cert_len(3) || the server's leaf certificate (DER)
 */
#define BLOB_FIXED (4 + 2 + 1 + 1 + 32 + TLS12_MASTER_SECRET_LEN + 8 + 1 + 3)

/* See protocol.h. */
glass_err glass_engine_session_save(const glass_engine *e, uint8_t *out, size_t cap,
                                    size_t *out_len)
{
    if (e == NULL || out_len == NULL)
        return GLASS_ERR_ARG;
    *out_len = 0;
    if (!e->hs_complete || e->state == GLASS_STATE_ERROR || e->cfg.role != GLASS_ROLE_CLIENT ||
        !e->prof->resumption || e->session_id_len == 0)
        return GLASS_ERR_PROTO_STATE;
    const char *name = e->cfg.server_name ? e->cfg.server_name : "";
    size_t name_len = strlen(name) > 255 ? 255 : strlen(name);
    size_t cert_len = e->have_peer_cert ? e->peer_cert.der_len : 0;
    size_t need = BLOB_FIXED + name_len + cert_len;
    *out_len = need;
    if (need > GLASS_SESSION_MAX_LEN)
        return GLASS_ERR_ARG;
    if (out == NULL || cap < need)
        return GLASS_ERR_BUFFER_TOO_SMALL;
    uint8_t *p = out;
    memcpy(p, "GLS1", 4);
    p += 4;
    *p++ = (uint8_t)(e->suite >> 8);
    *p++ = (uint8_t)e->suite;
    *p++ = (uint8_t)e->ems;
    *p++ = (uint8_t)e->session_id_len;
    memset(p, 0, 32);
    memcpy(p, e->session_id, e->session_id_len);
    p += 32;
    memcpy(p, e->master_secret, TLS12_MASTER_SECRET_LEN);
    p += TLS12_MASTER_SECRET_LEN;
    for (int i = 7; i >= 0; i--)
        *p++ = (uint8_t)((uint64_t)e->cfg.now >> (8 * i));
    *p++ = (uint8_t)name_len;
    memcpy(p, name, name_len);
    p += name_len;
    *p++ = (uint8_t)(cert_len >> 16);
    *p++ = (uint8_t)(cert_len >> 8);
    *p++ = (uint8_t)cert_len;
    if (cert_len > 0)
        memcpy(p, e->peer_cert.der, cert_len);
    return GLASS_OK;
}

/* See engine_internal.h. */
glass_err glass_session_blob_read(glass_engine *e, const uint8_t *blob, size_t len)
{
    glass_reader r = {blob, len, 0, 0};
    const uint8_t *magic = glass_get_bytes(&r, 4);
    if (magic == NULL || memcmp(magic, "GLS1", 4) != 0)
        return GLASS_ERR_ARG;
    e->offer.suite = (uint16_t)glass_get_u16(&r);
    e->offer.ems = glass_get_u8(&r) != 0;
    e->offer.session_id_len = glass_get_u8(&r);
    const uint8_t *sid = glass_get_bytes(&r, 32);
    const uint8_t *ms = glass_get_bytes(&r, TLS12_MASTER_SECRET_LEN);
    const uint8_t *created = glass_get_bytes(&r, 8);
    size_t name_len = glass_get_u8(&r);
    (void)glass_get_bytes(&r, name_len);
    size_t cert_len = glass_get_u24(&r);
    const uint8_t *cert = glass_get_bytes(&r, cert_len);
    if (r.bad || r.off != r.len || e->offer.session_id_len == 0 ||
        e->offer.session_id_len > 32 || e->offer.suite != GLASS_SUITE_DHE_RSA_AES256_CBC_SHA256)
        return GLASS_ERR_ARG;
    memcpy(e->offer.session_id, sid, e->offer.session_id_len);
    memcpy(e->offer.master_secret, ms, TLS12_MASTER_SECRET_LEN);
    e->offer.created = 0;
    for (int i = 0; i < 8; i++)
        e->offer.created = (int64_t)(((uint64_t)e->offer.created << 8) | created[i]);
    e->offer_cert = cert;
    e->offer_cert_len = cert_len;
    e->have_offer = 1;
    return GLASS_OK;
}
