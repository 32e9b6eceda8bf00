/*
 * walk_record.c — one protected glass record recomputed (see
 * walk_internal.h): its MAC, then its decryption, each with the keys the
 * handshake derived, and each with the commands that redo it from the
 * record's own file (client_record_0.bin, ... under --save).
 *
 * The record is encrypt-then-MAC (RFC 7366 §3, docs/PROTOCOL.md):
 *
 *     type(1) version(2) length(2) | IV(16) | C = AES-256-CBC(plaintext ||
 *     padding) | MAC = HMAC-SHA256(MAC_key, seq_num(8) || type || version ||
 *     length(IV + C) || IV || C)
 *
 * seq_num is never sent: each side counts the records of a direction.
 *
 * CT: not relevant — this prints secrets on purpose (a classroom tool).
 */
#include "classroom/walk_internal.h"

#include "aes/aes.h"
#include "hmac/hmac.h"
#include "protocol/protocol.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* 1. The MAC (RFC 7366 §3): HMAC-SHA256(MAC_key, seq_num || type ||
 *    version || length || IV || C), length = |IV| + |C| (the MAC not
 *    counted). */
static void record_mac(walk *w, int client, const uint8_t *rec, size_t len, const char *frec)
{
    size_t hdr = GLASS_RECORD_HEADER_LEN, macl = GLASS_RECORD_MAC_LEN;
    size_t body = len - hdr - macl;     /* IV + C */
    uint64_t seq = w->seq[client ? 0 : 1];
    const char *keyname = client ? "client_write_MAC_key" : "server_write_MAC_key";
    derived *mk = walk_find_derived(w, keyname);
    uint8_t *in = malloc(8 + hdr + body);
    if (mk == NULL || in == NULL) {
        free(in);
        return;
    }
    for (int k = 0; k < 8; k++)
        in[k] = (uint8_t)(seq >> (56 - 8 * k));
    memcpy(in + 8, rec, 3);
    in[11] = (uint8_t)(body >> 8);
    in[12] = (uint8_t)body;
    memcpy(in + 8 + hdr, rec + hdr, body);
    size_t in_len = 8 + hdr + body;
    uint8_t mac[32];
    hmac_sha256(mk->b, mk->len, in, in_len, mac);

    char name[64], fin[160], fkey[160], base[64];
    snprintf(base, sizeof base, "%s_record_%llu.mac_input.bin", walk_side_name(client),
             (unsigned long long)seq);
    walk_file(w, base, fin, sizeof fin);
    walk_save(w, fin, in, in_len);
    walk_value_file(w, keyname, fkey, sizeof fkey);
    wk_derivation d;
    snprintf(name, sizeof name, "record MAC (seq_num %llu)", (unsigned long long)seq);
    wk_derivation_init(&d, walk_side_name(client), name, "RFC 7366 §3; docs/PROTOCOL.md",
                       "HMAC-SHA256(write_MAC_key, seq_num || type || version || length || IV || "
                       "ciphertext)", rec + len - macl, macl);
    walk_add_input(&d, keyname, mk->b, mk->len);
    walk_add_input(&d, "MAC input", in, in_len);
    /* From the record's own bytes: seq_num, its header (the length field
     * without the MAC), IV and ciphertext. */
    walk_command(&d, NULL,
                 "{ printf %%016x %llu; xxd -p -l 3 %s; printf %%04x %zu; xxd -p -s %zu -l %zu %s; }"
                 " | xxd -r -p\n| openssl dgst -sha256 -mac HMAC -macopt hexkey:$(xxd -p -c 256 %s)",
                 (unsigned long long)seq, frec, body, hdr, body, frec, fkey);
    walk_command(&d, NULL, "glass hmac -k $(xxd -p -c 256 %s) %s", fkey, fin);
    d.check = walk_check_equal(w, mac, 32, rec + len - macl, macl);
    d.check_how = "hmac_sha256 over the MAC input above; the tag is the record's last 32 bytes";
    wk_derive(w->o, &d);
    walk_commands_free(&d);
    free(in);
}

/* 2. The decryption: AES-256-CBC^-1(write_key, IV, C) = plaintext ||
 *    padding (SP 800-38A §6.2; the padding of RFC 5246 §6.2.3.2). */
static void record_decrypt(walk *w, int client, const uint8_t *rec, size_t len, const char *frec)
{
    size_t hdr = GLASS_RECORD_HEADER_LEN, ivl = GLASS_RECORD_IV_LEN, macl = GLASS_RECORD_MAC_LEN;
    const uint8_t *iv = rec + hdr, *C = rec + hdr + ivl;
    size_t c_len = len - hdr - ivl - macl;
    int i = client ? 0 : 1;
    const char *keyname = client ? "client_write_key" : "server_write_key";
    derived *ek = walk_find_derived(w, keyname);
    uint8_t *pt = malloc(c_len);
    aes256_ctx aes;
    if (ek == NULL || pt == NULL || aes256_init(&aes, ek->b, ek->len) != GLASS_OK) {
        free(pt);
        return;
    }
    aes256_cbc_decrypt(&aes, iv, C, c_len, pt);
    aes256_clear(&aes);
    wk_derivation d;
    wk_derivation_init(&d, walk_side_name(client), "plaintext || padding",
                       "SP 800-38A §6.2; padding as TLS (RFC 5246 §6.2.3.2)",
                       "AES-256-CBC-Decrypt(write_key, IV, ciphertext)", pt, c_len);
    walk_add_input(&d, keyname, ek->b, ek->len);
    walk_add_input(&d, "IV", iv, ivl);
    walk_add_input(&d, "ciphertext", C, c_len);
    char fkey[160];
    walk_value_file(w, keyname, fkey, sizeof fkey);
    walk_command(&d, NULL,
                 "tail -c +%zu %s | head -c %zu\n| openssl enc -d -aes-256-cbc -nopad -K $(xxd -p "
                 "-c 256 %s) -iv $(xxd -p -s %zu -l %zu %s)\n| xxd -p -c 32",
                 hdr + ivl + 1, frec, c_len, fkey, hdr, ivl, frec);
    walk_command(&d, NULL,
                 "tail -c +%zu %s | head -c %zu\n| glass enc -d -aes-256-cbc -nopad -K $(xxd -p "
                 "-c 256 %s) -iv $(xxd -p -s %zu -l %zu %s)\n| xxd -p -c 32",
                 hdr + ivl + 1, frec, c_len, fkey, hdr, ivl, frec);
    /* TLS padding: p bytes of value p, then p itself (RFC 5246 §6.2.3.2). */
    size_t pad = (size_t)pt[c_len - 1] + 1;
    if (pad <= 16 && pad <= c_len && w->last_plain[i] != NULL) {
        d.check = walk_check_equal(w, pt, c_len - pad, w->last_plain[i], w->last_plain_len[i]);
        d.check_how = "the bytes before the padding are the message sent";
    }
    wk_derive(w->o, &d);
    walk_commands_free(&d);
    free(pt);
}

/* See walk_internal.h. */
void walk_record_recompute(walk *w, int client, const uint8_t *rec, size_t len)
{
    size_t hdr = GLASS_RECORD_HEADER_LEN, ivl = GLASS_RECORD_IV_LEN, macl = GLASS_RECORD_MAC_LEN;
    int i = client ? 0 : 1;
    if (len < hdr + ivl + 16 + macl)
        return;
    char base[64], frec[160];
    snprintf(base, sizeof base, "%s_record_%llu.bin", walk_side_name(client),
             (unsigned long long)w->seq[i]);
    walk_file(w, base, frec, sizeof frec);
    walk_save(w, frec, rec, len);
    record_mac(w, client, rec, len, frec);
    record_decrypt(w, client, rec, len, frec);
    w->seq[i]++;
}
