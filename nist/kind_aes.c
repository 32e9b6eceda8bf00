/*
 * kind_aes.c — AESVS known-answer and multi-block files for AES-256
 * (GFSbox, KeySbox, VarKey, VarTxt, MMT) in every mode AESVS tests — ECB,
 * CBC, OFB, CFB1, CFB8, CFB128 — and our transcription of SP 800-38A
 * Appendix F.5 (CTR), tests/data/vectors/sp800_38a_ctr256.rsp, whose
 * records carry COUNTER (the initial counter block) instead of IV.
 *
 * Recognised by the fields KEY, PLAINTEXT, CIPHERTEXT; the mode by the
 * header ("AESVS MMT test data for CFB8"), else by the fields (COUNTER:
 * CTR; no IV: ECB).  [ENCRYPT] and [DECRYPT] sections both run.  In CFB1
 * files PLAINTEXT and CIPHERTEXT are strings of bits, one character each.
 *
 * The modes, as SP 800-38A (2001) defines them, with b = 128:
 *   ECB  §6.1   C_j = CIPH(P_j)
 *   CBC  §6.2   C_j = CIPH(P_j xor C_{j-1}), C_0 = IV
 *   CFB  §6.3   I_1 = IV; O_j = CIPH(I_j); C_j = P_j xor MSB_s(O_j);
 *               I_{j+1} = LSB_{b-s}(I_j) || C_j      (s = 1, 8 or 128)
 *   OFB  §6.4   O_0 = IV; O_j = CIPH(O_{j-1}); C_j = P_j xor O_j
 *   CTR  §6.5   O_j = CIPH(T_j); C_j = P_j xor O_j; T_{j+1} = T_j + 1
 * glasstls's modes API has ECB, CBC and CTR; the others are written out
 * here over the block cipher, which is all a mode needs.
 *
 * Every case runs through every AES implementation of aes/aes.h's table
 * (ref, table, ct, ct-gf, and hw where the CPU has AES-NI; only one with
 * `-impl NAME`), from one loop: for ECB, CBC and CTR through the modes API
 * bound to that implementation, and in every mode through the steps above
 * written out over its block function.  It passes only if every way
 * agrees with the file.  Keys of other lengths are skipped.
 *
 * CT: not applicable (public test data).
 */
#include "nist/nist.h"
#include "aes/aes.h"
#include "aes/aes_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum aes_mode { MODE_ECB, MODE_CBC, MODE_OFB, MODE_CFB1, MODE_CFB8, MODE_CFB128, MODE_CTR,
                MODE_UNKNOWN };

static const char *const mode_names[] = {"ECB", "CBC", "OFB", "CFB1", "CFB8", "CFB128", "CTR"};

static int recognise(const rsp_file *f)
{
    static const char *const fields[] = {"KEY", "PLAINTEXT", "CIPHERTEXT", NULL};
    return nist_records_with(f, fields) > 0 && !nist_header_has(f, "MCT") &&
           !nist_header_has(f, "Monte");
}

/* The mode, from the header's "... for MODE" or from the fields. */
static enum aes_mode mode_of(const nist_run *r, const rsp_record *rec)
{
    static const char *const in_header[] = {"for CFB128", "for CFB8", "for CFB1", "for OFB",
                                            "for CBC", "for ECB"};
    static const enum aes_mode modes[] = {MODE_CFB128, MODE_CFB8, MODE_CFB1, MODE_OFB,
                                          MODE_CBC, MODE_ECB};
    for (size_t i = 0; i < 6; i++)
        if (nist_header_has(r->file, in_header[i]))
            return modes[i];
    if (nist_param(r, rec, "COUNTER") != NULL)
        return MODE_CTR;
    if (nist_param(r, rec, "IV") == NULL)
        return MODE_ECB;
    return MODE_UNKNOWN;
}

static const char *expected(const nist_run *r, const rsp_record *rec)
{
    (void)r;
    if (nist_rsp_get(rec, "KEY") == NULL)
        return NULL;
    return nist_rsp_section_get(rec, "DECRYPT") != NULL ? "PLAINTEXT" : "CIPHERTEXT";
}

/* CFB-s for s = 1, 8 or 128 over whole segments; for s = 1 each byte of
 * in/out holds one bit (0 or 1). */
static void cfb(const aes256_ctx *c, unsigned s, int encrypt,
                const uint8_t *iv, const uint8_t *in, size_t len, uint8_t *out)
{
    uint8_t I[16], O[16];
    size_t step = s == 128 ? 16 : 1;
    memcpy(I, iv, 16);
    for (size_t j = 0; j < len; j += step) {
        aes256_encrypt_block(c, I, O);
        size_t n = len - j < step ? len - j : step;
        uint8_t Cj[16];
        for (size_t i = 0; i < n; i++) {
            uint8_t mask = s == 1 ? (uint8_t)(O[0] >> 7) : O[i];
            out[j + i] = (uint8_t)(in[j + i] ^ mask);
            Cj[i] = encrypt ? out[j + i] : in[j + i];
        }
        /* I_{j+1} = LSB_{b-s}(I_j) || C_j */
        if (s == 128) {
            memcpy(I, Cj, n);
        } else if (s == 8) {
            memmove(I, I + 1, 15);
            I[15] = Cj[0];
        } else {
            for (int i = 0; i < 15; i++)
                I[i] = (uint8_t)((I[i] << 1) | (I[i + 1] >> 7));
            I[15] = (uint8_t)((I[15] << 1) | Cj[0]);
        }
    }
}

/* One mode over whole data, over the block function of the context's
 * implementation. */
static void run_mode(const aes256_ctx *c, enum aes_mode mode,
                     int encrypt, const uint8_t *iv, const uint8_t *in, size_t len,
                     uint8_t *out)
{
    uint8_t chain[16], blk[16];
    if (mode == MODE_CFB1 || mode == MODE_CFB8 || mode == MODE_CFB128) {
        cfb(c, mode == MODE_CFB1 ? 1 : mode == MODE_CFB8 ? 8 : 128, encrypt, iv, in, len,
            out);
        return;
    }
    if (mode == MODE_CTR || mode == MODE_OFB) {
        memcpy(chain, iv, 16);
        for (size_t j = 0; j < len; j += 16) {
            aes256_encrypt_block(c, chain, blk);
            if (mode == MODE_CTR)
                for (int i = 15; i >= 0 && ++chain[i] == 0; i--)
                    ;
            else
                memcpy(chain, blk, 16);
            for (size_t i = 0; i < 16 && j + i < len; i++)
                out[j + i] = (uint8_t)(in[j + i] ^ blk[i]);
        }
        return;
    }
    memcpy(chain, iv, 16);
    for (size_t j = 0; j + 16 <= len; j += 16) {
        if (mode == MODE_ECB) {
            if (encrypt)
                aes256_encrypt_block(c, in + j, out + j);
            else
                aes256_decrypt_block(c, in + j, out + j);
        } else if (encrypt) {
            for (int i = 0; i < 16; i++)
                blk[i] = (uint8_t)(in[j + i] ^ chain[i]);
            aes256_encrypt_block(c, blk, out + j);
            memcpy(chain, out + j, 16);
        } else {
            aes256_decrypt_block(c, in + j, blk);
            for (int i = 0; i < 16; i++)
                blk[i] ^= chain[i];
            memcpy(chain, in + j, 16);
            memcpy(out + j, blk, 16);
        }
    }
}

/* The modes API (aes/modes.c) for ECB, CBC and CTR. */
static glass_err run_api(const aes256_ctx *c, enum aes_mode mode, int encrypt,
                         const uint8_t *iv, const uint8_t *in, size_t len, uint8_t *out)
{
    uint8_t ctr[16];
    if (mode == MODE_ECB)
        return encrypt ? aes256_ecb_encrypt(c, in, len, out) : aes256_ecb_decrypt(c, in, len, out);
    if (mode == MODE_CBC)
        return encrypt ? aes256_cbc_encrypt(c, iv, in, len, out)
                       : aes256_cbc_decrypt(c, iv, in, len, out);
    memcpy(ctr, iv, 16);
    return aes256_ctr_xor(c, ctr, in, len, out);
}

/* A field as bytes: hex, or in CFB1 files a string of bits. */
static int field_data(nist_run *r, const rsp_record *rec, const char *name, int bits,
                      uint8_t **out, size_t *len)
{
    if (!bits)
        return nist_hex(r, rec, name, 0, out, len);
    const char *v = nist_rsp_get(rec, name);
    if (v == NULL || strspn(v, "01") != strlen(v)) {
        nist_malformed(r, nist_rsp_line(rec, name), "%s is not a string of bits", name);
        return -1;
    }
    *len = strlen(v);
    *out = malloc(*len + 1);
    if (*out == NULL)
        return -1;
    for (size_t i = 0; i < *len; i++)
        (*out)[i] = (uint8_t)(v[i] - '0');
    return 0;
}

/* Runs every way of computing the case; 1 if all agree with want. */
static int check_all(nist_run *r, const rsp_record *rec, enum aes_mode mode, int encrypt,
                     const uint8_t *key, const uint8_t *iv, const uint8_t *in,
                     const uint8_t *want, size_t len, uint8_t *got)
{
    const aes_impl *list[8];
    size_t n = nist_aes_impls(r, list, 8);
    char field[80];
    const char *what = encrypt ? "CIPHERTEXT" : "PLAINTEXT";
    int ok = n > 0;
    for (size_t i = 0; ok && i < n; i++) {
        aes256_ctx c;
        if (aes256_init_impl(&c, key, AES256_KEY_LEN, list[i]) != GLASS_OK) {
            nist_fail(r, rec, list[i]->name, "a key schedule", "an error");
            return 0;
        }
        glass_err err = GLASS_OK;
        if (mode == MODE_ECB || mode == MODE_CBC || mode == MODE_CTR) {
            err = run_api(&c, mode, encrypt, iv, in, len, got);
            snprintf(field, sizeof field, "%s (%s, modes API)", what, list[i]->name);
            if (err != GLASS_OK) {
                nist_fail(r, rec, field, "success", glass_strerror(err));
                ok = 0;
            } else if (len > 0 && memcmp(got, want, len) != 0) {
                nist_fail_bytes(r, rec, field, want, len, got, len);
                ok = 0;
            }
        }
        if (ok) {
            run_mode(&c, mode, encrypt, iv, in, len, got);
            snprintf(field, sizeof field, "%s (%s, %s)", what, mode_names[mode], list[i]->name);
            if (len > 0 && memcmp(got, want, len) != 0) {
                nist_fail_bytes(r, rec, field, want, len, got, len);
                ok = 0;
            }
        }
        aes256_clear(&c);
    }
    if (n == 0)
        nist_skip(r, rec, "no AES implementation of that name runs on this CPU");
    return ok;
}

static void run(nist_run *r, const rsp_record *rec, void *state)
{
    uint8_t *key = NULL, *iv = NULL, *pt = NULL, *ct = NULL, *got = NULL;
    size_t key_len, iv_len = 16, pt_len, ct_len;
    uint8_t zero_iv[16] = {0};
    (void)state;
    if (expected(r, rec) == NULL)
        return;
    int encrypt = nist_rsp_section_get(rec, "ENCRYPT") != NULL;
    if (!encrypt && nist_rsp_section_get(rec, "DECRYPT") == NULL) {
        nist_malformed(r, rec->line, "record outside an [ENCRYPT] or [DECRYPT] section");
        return;
    }
    enum aes_mode mode = mode_of(r, rec);
    if (mode == MODE_UNKNOWN) {
        nist_malformed(r, rec->line, "which mode? no 'for ECB/CBC/OFB/CFB..' in the header");
        return;
    }
    const char *iv_name = mode == MODE_CTR ? "COUNTER" : "IV";
    int bits = mode == MODE_CFB1;
    if (nist_hex(r, rec, "KEY", 0, &key, &key_len) != 0 ||
        (mode != MODE_ECB && nist_hex(r, rec, iv_name, 0, &iv, &iv_len) != 0) ||
        field_data(r, rec, "PLAINTEXT", bits, &pt, &pt_len) != 0 ||
        field_data(r, rec, "CIPHERTEXT", bits, &ct, &ct_len) != 0)
        goto cleanup;
    if (key_len != AES256_KEY_LEN) {
        nist_skip(r, rec, "key is not 256 bits (glasstls implements AES-256 only)");
        goto cleanup;
    }
    if (iv_len != 16 || pt_len != ct_len ||
        ((mode == MODE_ECB || mode == MODE_CBC) && pt_len % 16 != 0)) {
        nist_malformed(r, rec->line, "COUNT=%s: lengths of IV, PLAINTEXT, CIPHERTEXT",
                       nist_count(rec));
        goto cleanup;
    }
    got = malloc(pt_len + 1);
    if (got == NULL) {
        nist_malformed(r, rec->line, "out of memory");
        goto cleanup;
    }
    if (check_all(r, rec, mode, encrypt, key, iv != NULL ? iv : zero_iv, encrypt ? pt : ct,
                  encrypt ? ct : pt, pt_len, got))
        nist_pass(r, rec);
cleanup:
    free(key);
    free(iv);
    free(pt);
    free(ct);
    free(got);
}

const nist_kind nist_kind_aes = {"AES-256", recognise, expected, run, 0, NULL};
