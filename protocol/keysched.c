/*
 * keysched.c — the glass key schedule (docs/PROTOCOL.md §5): from the
 * Diffie–Hellman shared secret to the four record keys and the Finished
 * values, all through the TLS 1.2 PRF with SHA-256 (RFC 5246 §5).
 *
 *   Z                  = (peer's Y)^x mod p, p_len bytes      SP 800-56A §5.7.1.1
 *   pre_master_secret  = Z with leading zero bytes stripped     RFC 5246 §8.1.2
 *   session_hash       = SHA-256(ClientHello .. ClientKeyExchange)  RFC 7627 §3
 *   master_secret      = PRF(pre_master_secret, "extended master secret",
 *                            session_hash)[0..47]                RFC 7627 §4
 *   key_block          = PRF(master_secret, "key expansion",
 *                            server_random || client_random)[0..127]  RFC 5246 §6.3
 *                      = client_write_MAC_key[32] || server_write_MAC_key[32] ||
 *                        client_write_key[32]     || server_write_key[32]
 *   verify_data        = PRF(master_secret, "client finished" | "server finished",
 *                            SHA-256(handshake messages))[0..11]  RFC 5246 §7.4.9
 *
 * TLS's key_block also yields two IVs; glass has none, because every record
 * carries a fresh random IV (RFC 5246 §6.2.3.2 does the same for TLS 1.2).
 *
 * Read in the order above.  CT: yes (HMAC-SHA256 and mpz_powm_sec); the DH
 * private exponent is drawn by dh_generate (dh/dh.c) by rejection sampling,
 * which leaks only how many candidates were rejected — independent of the
 * value finally kept.
 */
#include "protocol/protocol_internal.h"

#include <string.h>

/* See protocol_internal.h.  The one DH key generation of glasstls
 * (dh/dh.c, SP 800-56A §5.6.1.1.4), fed from the engine's randomness. */
glass_err glass_ks_dh_generate(const dh_group *grp, glass_random_fn rnd, void *rnd_arg,
                               dh_keypair *kp)
{
    return dh_generate(grp, rnd, rnd_arg, kp);
}

/* See protocol_internal.h. */
glass_err glass_ks_master_secret(const uint8_t *pms, size_t pms_len,
                                 const uint8_t session_hash[SHA256_DIGEST_LEN],
                                 uint8_t master_secret[TLS12_MASTER_SECRET_LEN])
{
    /* RFC 7627 §4: bind the master secret to the whole handshake so far, not
     * only to the two randoms (which a man in the middle can replay in a
     * second session: the triple handshake attack). */
    return hmac_tls12_extended_master_secret(pms, pms_len, session_hash, SHA256_DIGEST_LEN,
                                        master_secret);
}

/* See protocol_internal.h. */
glass_err glass_ks_keys(const uint8_t master_secret[TLS12_MASTER_SECRET_LEN],
                        const uint8_t client_random[GLASS_RANDOM_LEN],
                        const uint8_t server_random[GLASS_RANDOM_LEN],
                        uint8_t key_block[GLASS_KEY_BLOCK_LEN], glass_keys *keys)
{
    /* RFC 5246 §6.3: note the seed order, server_random first. */
    glass_err err = hmac_tls12_key_block(master_secret, server_random, client_random, key_block,
                                    GLASS_KEY_BLOCK_LEN);
    if (err != GLASS_OK)
        return err;
    memcpy(keys->client_write_MAC_key, key_block, 32);
    memcpy(keys->server_write_MAC_key, key_block + 32, 32);
    memcpy(keys->client_write_key, key_block + 64, 32);
    memcpy(keys->server_write_key, key_block + 96, 32);
    return GLASS_OK;
}

/* See protocol_internal.h. */
glass_err glass_ks_verify_data(const uint8_t master_secret[TLS12_MASTER_SECRET_LEN],
                               const char *label, const uint8_t hash[SHA256_DIGEST_LEN],
                               uint8_t verify_data[GLASS_VERIFY_DATA_LEN])
{
    return hmac_tls12_prf_sha256(master_secret, TLS12_MASTER_SECRET_LEN, label, hash,
                            SHA256_DIGEST_LEN, verify_data, GLASS_VERIFY_DATA_LEN);
}
