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

#include <stdlib.h>
#include <string.h>

struct glass_session_cache {
    glass_session *slots;
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
    if (c->slots == NULL) {
        free(c);
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
    glass_wipe(c->slots, c->max_entries * sizeof *c->slots);
    free(c->slots);
    free(c);
}

/* See protocol_internal.h. */
void glass_session_cache_put(glass_session_cache *c, const glass_session *s)
{
    if (c == NULL || s->session_id_len == 0)
        return;
    size_t slot = c->n;
    if (c->n == c->max_entries) {
        /* Full: evict the oldest (slot 0) and shift, keeping age order. */
        glass_wipe(&c->slots[0], sizeof c->slots[0]);
        memmove(c->slots, c->slots + 1, (c->n - 1) * sizeof *c->slots);
        slot = c->n - 1;
    } else {
        c->n++;
    }
    c->slots[slot] = *s;
}

/* See protocol_internal.h. */
int glass_session_cache_get(glass_session_cache *c, const uint8_t *id, size_t id_len,
                            int64_t now, glass_session *s)
{
    if (c == NULL || id_len == 0 || id_len > sizeof s->session_id)
        return 0;
    for (size_t i = 0; i < c->n; i++) {
        glass_session *t = &c->slots[i];
        if (t->session_id_len != id_len || memcmp(t->session_id, id, id_len) != 0)
            continue;
        if (now - t->created > c->lifetime || now < t->created)
            return 0;
        *s = *t;
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
    info->verify_result = GLASS_OK;
    if (e->suite == 0)
        return;
    info->version = GLASS_VERSION;
    info->suite = e->suite;
    info->group = e->group_id;
    info->dh_bits = e->group ? mpz_sizeinbase(e->group->p, 2) : 0;
    if (e->have_peer_cert)
        info->peer_key_bits = mpz_sizeinbase(e->peer_cert.pub.n, 2);
    info->ems = 1;
    info->etm = 1;
    info->peer_version = GLASS_VERSION;
}

/* See protocol.h. */
glass_err glass_engine_session_save(const glass_engine *e, uint8_t *out, size_t cap,
                                    size_t *out_len)
{
    (void)out;
    (void)cap;
    if (e == NULL || out_len == NULL)
        return GLASS_ERR_ARG;
    *out_len = 0;
    return GLASS_ERR_PROTO_STATE;
}
