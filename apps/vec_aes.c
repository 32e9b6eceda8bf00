/*
 * vec_aes.c — AES-256 ECB, CBC and CTR vector files for `glass vectors`.
 *
 * Runs the AESAVS files of NIST CAVP (ECB and CBC; GFSbox, KeySbox, VarKey,
 * VarTxt, MMT and the Monte Carlo tests MCT), both their [ENCRYPT] and
 * [DECRYPT] sections, and our own transcription of SP 800-38A Appendix F.5
 * (CTR), tests/data/vectors/sp800_38a_ctr256.rsp, whose records carry
 * KEY, COUNTER (the initial counter block), PLAINTEXT and CIPHERTEXT.
 *
 * Every case runs through ALL THREE block ciphers — the table-driven one
 * behind the modes (aes_fast.c), the reference one (aes_ref.c) and the
 * constant-time one (aes_ct.c, its key schedule from aes256_ct_init) — and
 * passes only if all three give the expected value.
 *
 * Monte Carlo (AESAVS §6.4.1 ECB, §6.4.2 CBC).  Each record holds Key[i],
 * (IV[i],) and the first input; 1000 inner iterations produce the output
 * it lists.  For a 256-bit key the next record's key is
 *     Key[i+1] = Key[i] XOR (out[998] || out[999])
 * (the last two outputs, 32 bytes in all), ECB's next input is out[999],
 * CBC's next IV is out[999] and its next input out[998].  The handler
 * checks every record's output and also that its KEY, IV and input are the
 * ones the previous record's outer step predicts, so all 100 x 1000
 * iterations are checked.  All three ciphers run every record in full —
 * the constant-time one too, with no subset: the two MCT files (4 x 100
 * x 1000 blocks per cipher) take about 2.5 s of CPU at -O2 and 5 s with
 * ASan and UBSan, all three ciphers together, about 1.5 s and 2 s of it
 * in aes_ct.c.  Keys of other lengths are skipped.
 */
#include "apps.h"
#include "aes/aes.h"
#include "aes/aes_internal.h"

#include <stdlib.h>
#include <string.h>

enum aes_mode { MODE_ECB, MODE_CBC, MODE_CTR };

typedef void (*block_fn)(const aes256_ctx *, const uint8_t *, uint8_t *);

struct impl {
    const char *name;
    block_fn enc, dec;
};

static const struct impl impls[3] = {
    {"aes_fast.c", aes256_fast_encrypt_block, aes256_fast_decrypt_block},
    {"aes_ref.c", aes256_ref_encrypt_block, aes256_ref_decrypt_block},
    {"aes_ct.c", aes256_ct_encrypt_block, aes256_ct_decrypt_block},
};

static int claims(const char *base, const rsp_file *f)
{
    (void)f;
    size_t n = strlen(base);
    if (n < 4 || strcmp(base + n - 4, ".rsp") != 0)
        return 0;
    return strncmp(base, "ECB", 3) == 0 || strncmp(base, "CBC", 3) == 0 ||
           strncmp(base, "sp800_38a_ctr", 13) == 0;
}

/* One mode over whole data with a chosen block cipher (the same steps as
 * aes/modes.c, written out so the reference cipher can run them too). */
static void run_mode(const struct impl *im, const aes256_ctx *c, enum aes_mode mode,
                     int encrypt, const uint8_t *iv, const uint8_t *in, size_t len,
                     uint8_t *out)
{
    uint8_t chain[16], blk[16], ctr[16];
    if (mode == MODE_CTR) {
        memcpy(ctr, iv, 16);
        for (size_t j = 0; j < len; j += 16) {
            im->enc(c, ctr, blk);
            for (int i = 15; i >= 0 && ++ctr[i] == 0; i--)
                ;
            for (size_t i = 0; i < 16 && j + i < len; i++)
                out[j + i] = (uint8_t)(in[j + i] ^ blk[i]);
        }
        return;
    }
    if (mode == MODE_CBC)
        memcpy(chain, iv, 16);
    for (size_t j = 0; j + 16 <= len; j += 16) {
        if (mode == MODE_ECB) {
            (encrypt ? im->enc : im->dec)(c, in + j, out + j);
        } else if (encrypt) {
            for (int i = 0; i < 16; i++)
                blk[i] = (uint8_t)(in[j + i] ^ chain[i]);
            im->enc(c, blk, out + j);
            memcpy(chain, out + j, 16);
        } else {
            im->dec(c, in + j, blk);
            for (int i = 0; i < 16; i++)
                blk[i] ^= chain[i];
            memcpy(chain, in + j, 16);
            memcpy(out + j, blk, 16);
        }
    }
}

/* The 1000 inner iterations of one Monte Carlo record (AESAVS §6.4).
 * y998/y999 receive the last two outputs. */
static void mct_inner(const struct impl *im, const aes256_ctx *c, enum aes_mode mode,
                      int encrypt, const uint8_t iv[16], const uint8_t first[16],
                      uint8_t y998[16], uint8_t y999[16])
{
    uint8_t x[16], y[16], prev_y[16], chain[16], t[16];
    memcpy(x, first, 16);
    memcpy(chain, iv, 16);
    memset(prev_y, 0, 16);
    for (int j = 0; j < 1000; j++) {
        if (mode == MODE_ECB) {
            (encrypt ? im->enc : im->dec)(c, x, y);
        } else if (encrypt) {
            for (int i = 0; i < 16; i++)
                t[i] = (uint8_t)(x[i] ^ chain[i]);
            im->enc(c, t, y);
            memcpy(chain, y, 16);
        } else {
            im->dec(c, x, t);
            for (int i = 0; i < 16; i++)
                y[i] = (uint8_t)(t[i] ^ chain[i]);
            memcpy(chain, x, 16);
        }
        if (j == 998)
            memcpy(y998, y, 16);
        /* Next input: ECB the output; CBC IV for j = 0, else out[j-1]. */
        if (mode == MODE_ECB)
            memcpy(x, y, 16);
        else if (j == 0)
            memcpy(x, iv, 16);
        else
            memcpy(x, prev_y, 16);
        memcpy(prev_y, y, 16);
    }
    memcpy(y999, y, 16);
}

struct mct_next {
    int valid;
    const rsp_section *section;
    uint8_t key[32], iv[16], input[16];
};

static void run(vec_run *r, const rsp_file *f)
{
    enum aes_mode mode = strncmp(r->base, "ECB", 3) == 0   ? MODE_ECB
                         : strncmp(r->base, "CBC", 3) == 0 ? MODE_CBC
                                                           : MODE_CTR;
    int mct = strstr(r->base, "MCT") != NULL;
    struct mct_next next;
    memset(&next, 0, sizeof next);
    for (size_t k = 0; k < f->nrecords && !r->malformed; k++) {
        const rsp_record *rec = &f->records[k];
        uint8_t *key = NULL, *iv = NULL, *pt = NULL, *ct = NULL, *got = NULL;
        size_t key_len, iv_len = 16, pt_len, ct_len;
        int encrypt = rsp_section_get(rec, "ENCRYPT") != NULL;
        if (!encrypt && rsp_section_get(rec, "DECRYPT") == NULL) {
            vec_malformed(r, rec->line, "record outside an [ENCRYPT] or [DECRYPT] section");
            break;
        }
        const char *iv_name = mode == MODE_CTR ? "COUNTER" : "IV";
        if (vec_field_hex(r, rec, "KEY", &key, &key_len) != 0 ||
            (mode != MODE_ECB && vec_field_hex(r, rec, iv_name, &iv, &iv_len) != 0) ||
            vec_field_hex(r, rec, "PLAINTEXT", &pt, &pt_len) != 0 ||
            vec_field_hex(r, rec, "CIPHERTEXT", &ct, &ct_len) != 0)
            goto next_record;
        if (key_len != AES256_KEY_LEN) {
            vec_skip(r, rec, "key is not 256 bits (glasstls implements AES-256 only)");
            goto next_record;
        }
        if (iv_len != 16 || pt_len != ct_len || (mode != MODE_CTR && pt_len % 16 != 0) ||
            (mct && pt_len != 16)) {
            vec_malformed(r, rec->line, "COUNT=%s: lengths of IV, PLAINTEXT, CIPHERTEXT",
                          vec_count(rec));
            goto next_record;
        }
        aes256_ctx c, cc;
        aes256_init(&c, key, key_len);
        aes256_ct_init(&cc, key, key_len);
        const uint8_t *in = encrypt ? pt : ct;
        const uint8_t *want = encrypt ? ct : pt;
        const char *field = encrypt ? "CIPHERTEXT" : "PLAINTEXT";
        uint8_t zero_iv[16] = {0};
        const uint8_t *ivp = iv != NULL ? iv : zero_iv;
        got = malloc(pt_len + 1);
        if (got == NULL) {
            vec_malformed(r, rec->line, "out of memory");
            goto next_record;
        }
        if (!mct) {
            /* The mode API (fast cipher), then the reference cipher. */
            uint8_t ctr[16];
            glass_err err = GLASS_OK;
            if (mode == MODE_ECB)
                err = encrypt ? aes256_ecb_encrypt(&c, in, pt_len, got)
                              : aes256_ecb_decrypt(&c, in, pt_len, got);
            else if (mode == MODE_CBC)
                err = encrypt ? aes256_cbc_encrypt(&c, ivp, in, pt_len, got)
                              : aes256_cbc_decrypt(&c, ivp, in, pt_len, got);
            else {
                memcpy(ctr, ivp, 16);
                err = aes256_ctr_xor(&c, ctr, in, pt_len, got);
            }
            if (err != GLASS_OK) {
                vec_fail(r, rec, field, "success", glass_strerror(err));
            } else if (pt_len > 0 && memcmp(got, want, pt_len) != 0) {
                vec_fail_bytes(r, rec, field, want, pt_len, got, pt_len);
            } else {
                run_mode(&impls[1], &c, mode, encrypt, ivp, in, pt_len, got);
                if (pt_len > 0 && memcmp(got, want, pt_len) != 0) {
                    vec_fail_bytes(r, rec, "PLAINTEXT/CIPHERTEXT (aes_ref.c)", want, pt_len,
                                   got, pt_len);
                } else {
                    run_mode(&impls[2], &cc, mode, encrypt, ivp, in, pt_len, got);
                    if (pt_len > 0 && memcmp(got, want, pt_len) != 0)
                        vec_fail_bytes(r, rec, "PLAINTEXT/CIPHERTEXT (aes_ct.c)", want, pt_len,
                                       got, pt_len);
                    else
                        vec_pass(r);
                }
            }
        } else {
            /* Monte Carlo: first the outer step from the previous record. */
            int ok = 1;
            if (next.valid && next.section == rec->section) {
                if (memcmp(next.key, key, 32) != 0) {
                    vec_fail_bytes(r, rec, "KEY (from the previous COUNT)", key, 32, next.key,
                                   32);
                    ok = 0;
                } else if (mode == MODE_CBC && memcmp(next.iv, ivp, 16) != 0) {
                    vec_fail_bytes(r, rec, "IV (from the previous COUNT)", ivp, 16, next.iv, 16);
                    ok = 0;
                } else if (memcmp(next.input, in, 16) != 0) {
                    vec_fail_bytes(r, rec, "input (from the previous COUNT)", in, 16,
                                   next.input, 16);
                    ok = 0;
                }
            }
            uint8_t y998[16], y999[16], r998[16], r999[16];
            mct_inner(&impls[0], &c, mode, encrypt, ivp, in, y998, y999);
            if (ok) {
                if (memcmp(y999, want, 16) != 0) {
                    vec_fail_bytes(r, rec, field, want, 16, y999, 16);
                } else {
                    mct_inner(&impls[1], &c, mode, encrypt, ivp, in, r998, r999);
                    if (memcmp(r999, want, 16) != 0 || memcmp(r998, y998, 16) != 0) {
                        vec_fail_bytes(r, rec, "output (aes_ref.c)", want, 16, r999, 16);
                    } else {
                        mct_inner(&impls[2], &cc, mode, encrypt, ivp, in, r998, r999);
                        if (memcmp(r999, want, 16) != 0 || memcmp(r998, y998, 16) != 0)
                            vec_fail_bytes(r, rec, "output (aes_ct.c)", want, 16, r999, 16);
                        else
                            vec_pass(r);
                    }
                }
            }
            /* The outer step: Key[i+1] = Key[i] XOR (out[998] || out[999]). */
            next.valid = 1;
            next.section = rec->section;
            for (int i = 0; i < 16; i++) {
                next.key[i] = (uint8_t)(key[i] ^ y998[i]);
                next.key[16 + i] = (uint8_t)(key[16 + i] ^ y999[i]);
            }
            memcpy(next.iv, y999, 16);
            memcpy(next.input, mode == MODE_ECB ? y999 : y998, 16);
        }
        aes256_clear(&c);
        aes256_clear(&cc);
    next_record:
        free(key);
        free(iv);
        free(pt);
        free(ct);
        free(got);
    }
}

const struct vec_handler vec_aes = {"AES-256", claims, run};
