/*
 * cmd_kdf.c — `glass kdf -keylen N -kdfopt NAME:VALUE... ALGORITHM`:
 * HKDF, PBKDF2 and the TLS 1.2 PRF, with the flags of `openssl kdf` (3.0).
 *
 *   ALGORITHM  hkdf (RFC 5869), pbkdf2 (RFC 8018 §5.2), tls1-prf (RFC 5246 §5)
 *              (OpenSSL's spellings HKDF, PBKDF2, TLS1-PRF work too)
 *   -keylen N  output length in bytes (required)
 *   -kdfopt    digest:SHA256 (the only digest glasstls has; the default)
 *              HKDF:     key:/hexkey: (IKM), salt:/hexsalt:, info:/hexinfo:,
 *                        mode:EXTRACT_AND_EXPAND | EXTRACT_ONLY | EXPAND_ONLY
 *              PBKDF2:   pass:/hexpass:, salt:/hexsalt:, iter:N (default 2048,
 *                        as OpenSSL 3.0)
 *              TLS1-PRF: secret:/hexsecret:, seed:/hexseed:
 *              A repeated info or seed is appended, as OpenSSL does; for
 *              TLS1-PRF the label is simply the first bytes of the seed.
 *   -binary    raw bytes instead of colon-separated upper-case hex
 *   -out FILE  write there instead of standard output
 */
#include "apps.h"
#include "hmac/hmac.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_KEYLEN (1024ul * 1024ul)

/* A growing byte string for a parameter given as text or hex, maybe repeatedly. */
struct param {
    uint8_t *b;
    size_t len;
    int set;
};

static void param_free(struct param *p)
{
    if (p->b != NULL) {
        glass_wipe(p->b, p->len);
        free(p->b);
    }
    memset(p, 0, sizeof *p);
}

/* Sets (or with append, extends) p from "text" or, if hex, from hex digits. */
static int param_take(struct param *p, const char *opt, const char *value, int hex, int append)
{
    uint8_t *v = NULL;
    size_t n = 0;
    if (hex) {
        if (app_hex_arg("kdf", opt, value, &v, &n) != 0)
            return 1;
    } else {
        n = strlen(value);
        v = malloc(n + 1);
        if (v == NULL)
            return app_error("kdf", "out of memory");
        memcpy(v, value, n + 1);
    }
    if (!append || !p->set) {
        param_free(p);
        p->b = v;
        p->len = n;
        p->set = 1;
        return 0;
    }
    uint8_t *m = malloc(p->len + n + 1);
    if (m == NULL) {
        free(v);
        return app_error("kdf", "out of memory");
    }
    memcpy(m, p->b, p->len);
    memcpy(m + p->len, v, n);
    size_t total = p->len + n;
    param_free(p);
    glass_wipe(v, n);
    free(v);
    p->b = m;
    p->len = total;
    p->set = 1;
    return 0;
}

enum alg { ALG_HKDF, ALG_PBKDF2, ALG_TLS1_PRF };
enum hkdf_mode { EXTRACT_AND_EXPAND, EXTRACT_ONLY, EXPAND_ONLY };

static int usage(void)
{
    printf("usage: glass kdf -keylen N [-kdfopt NAME:VALUE]... [-binary] [-out FILE] ALGORITHM\n\n"
           "Derives N bytes with a key derivation function, like `openssl kdf` (3.0).\n"
           "ALGORITHM and its -kdfopt parameters (digest:SHA256 is the only digest):\n"
           "  hkdf      RFC 5869: key:/hexkey: (input keying material), salt:/hexsalt:,\n"
           "            info:/hexinfo:, mode:EXTRACT_AND_EXPAND|EXTRACT_ONLY|EXPAND_ONLY;\n"
           "            at most 8160 bytes (255 x 32)\n"
           "  pbkdf2    RFC 8018 5.2: pass:/hexpass:, salt:/hexsalt:, iter:N (default 2048,\n"
           "            at most 10000000)\n"
           "  tls1-prf  RFC 5246 5, P_SHA256: secret:/hexsecret:, seed:/hexseed: (the\n"
           "            label is the start of the seed, as in OpenSSL)\n"
           "Repeated info: or seed: values are appended.  Output: colon-separated\n"
           "upper-case hex, or raw bytes with -binary.\n\n"
           "examples:\n"
           "  glass kdf -keylen 42 -kdfopt digest:SHA256 -kdfopt hexkey:0b0b0b0b -kdfopt hexsalt:0001 \\\n"
           "      -kdfopt hexinfo:f0f1 hkdf\n"
           "  glass kdf -keylen 32 -kdfopt pass:password -kdfopt salt:NaCl -kdfopt iter:100000 pbkdf2\n"
           "  glass kdf -keylen 48 -kdfopt hexsecret:0102 -kdfopt seed:'master secret' \\\n"
           "      -kdfopt hexseed:aabb tls1-prf\n");
    return 0;
}

static int parse_alg(const char *name, enum alg *out)
{
    if (strcasecmp(name, "hkdf") == 0)
        *out = ALG_HKDF;
    else if (strcasecmp(name, "pbkdf2") == 0)
        *out = ALG_PBKDF2;
    else if (strcasecmp(name, "tls1-prf") == 0 || strcasecmp(name, "tls1_prf") == 0)
        *out = ALG_TLS1_PRF;
    else
        return app_error("kdf", "unknown algorithm '%s' (hkdf, pbkdf2 or tls1-prf)", name);
    return 0;
}

static int write_output(const uint8_t *out, size_t len, int binary, const char *path)
{
    FILE *f = stdout;
    if (path != NULL) {
        f = fopen(path, "wb");
        if (f == NULL)
            return app_error("kdf", "%s: cannot open for writing", path);
    }
    if (binary) {
        fwrite(out, 1, len, f);
    } else {
        for (size_t i = 0; i < len; i++)
            fprintf(f, "%s%02X", i > 0 ? ":" : "", out[i]);
        fputc('\n', f);
    }
    int bad = ferror(f) != 0;
    if (path != NULL)
        bad |= fclose(f) != 0;
    else
        bad |= fflush(f) != 0;
    if (bad)
        return app_error("kdf", "%s: write error", path != NULL ? path : "standard output");
    return 0;
}

static int run(int argc, char **argv)
{
    if (app_wants_help(argc, argv))
        return usage();

    struct param key = {0}, salt = {0}, info = {0}, pass = {0}, secret = {0}, seed = {0};
    unsigned long keylen = 0, iter = 2048;
    int have_keylen = 0, binary = 0, status = 1;
    enum hkdf_mode mode = EXTRACT_AND_EXPAND;
    const char *out_path = NULL;
    const char *alg_name = NULL;
    enum alg alg = ALG_HKDF;
    uint8_t *out = NULL;
    glass_err err;

    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int has_value = i + 1 < argc;
        if (strcmp(a, "-keylen") == 0 || strcmp(a, "-kdfopt") == 0 || strcmp(a, "-out") == 0) {
            if (!has_value) {
                app_error("kdf", "%s needs a value", a);
                goto cleanup;
            }
        }
        if (strcmp(a, "-keylen") == 0) {
            if (app_uint_arg("kdf", "-keylen", argv[++i], 1, MAX_KEYLEN, &keylen) != 0)
                goto cleanup;
            have_keylen = 1;
        } else if (strcmp(a, "-out") == 0) {
            out_path = argv[++i];
        } else if (strcmp(a, "-binary") == 0) {
            binary = 1;
        } else if (strcmp(a, "-kdfopt") == 0) {
            const char *o = argv[++i];
            const char *colon = strchr(o, ':');
            if (colon == NULL) {
                app_error("kdf", "-kdfopt: '%s' is not NAME:VALUE", o);
                goto cleanup;
            }
            size_t nl = (size_t)(colon - o);
            const char *v = colon + 1;
#define IS(name) (nl == strlen(name) && strncmp(o, name, nl) == 0)
            int r = 0;
            if (IS("digest")) {
                if (strcasecmp(v, "SHA256") != 0 && strcasecmp(v, "SHA2-256") != 0 &&
                    strcasecmp(v, "SHA-256") != 0) {
                    app_error("kdf", "-kdfopt digest:%s: only SHA256 is supported", v);
                    goto cleanup;
                }
            } else if (IS("key") || IS("hexkey")) {
                r = param_take(&key, "-kdfopt hexkey", v, IS("hexkey"), 0);
            } else if (IS("salt") || IS("hexsalt")) {
                r = param_take(&salt, "-kdfopt hexsalt", v, IS("hexsalt"), 0);
            } else if (IS("info") || IS("hexinfo")) {
                r = param_take(&info, "-kdfopt hexinfo", v, IS("hexinfo"), 1);
            } else if (IS("pass") || IS("hexpass")) {
                r = param_take(&pass, "-kdfopt hexpass", v, IS("hexpass"), 0);
            } else if (IS("secret") || IS("hexsecret")) {
                r = param_take(&secret, "-kdfopt hexsecret", v, IS("hexsecret"), 0);
            } else if (IS("seed") || IS("hexseed")) {
                r = param_take(&seed, "-kdfopt hexseed", v, IS("hexseed"), 1);
            } else if (IS("iter")) {
                r = app_uint_arg("kdf", "-kdfopt iter", v, 1, 10000000, &iter);
            } else if (IS("mode")) {
                if (strcasecmp(v, "EXTRACT_AND_EXPAND") == 0)
                    mode = EXTRACT_AND_EXPAND;
                else if (strcasecmp(v, "EXTRACT_ONLY") == 0)
                    mode = EXTRACT_ONLY;
                else if (strcasecmp(v, "EXPAND_ONLY") == 0)
                    mode = EXPAND_ONLY;
                else
                    r = app_error("kdf", "-kdfopt mode:%s: not EXTRACT_AND_EXPAND, "
                                         "EXTRACT_ONLY or EXPAND_ONLY", v);
            } else {
                r = app_error("kdf", "-kdfopt %.*s: unknown parameter", (int)nl, o);
            }
#undef IS
            if (r != 0)
                goto cleanup;
        } else if (a[0] == '-' && a[1] != '\0') {
            app_error("kdf", "unknown option '%s' (try --help)", a);
            goto cleanup;
        } else if (alg_name == NULL) {
            alg_name = a;
        } else {
            app_error("kdf", "unexpected argument '%s' (one algorithm only)", a);
            goto cleanup;
        }
    }
    if (alg_name == NULL) {
        app_error("kdf", "no algorithm given (hkdf, pbkdf2 or tls1-prf)");
        goto cleanup;
    }
    if (parse_alg(alg_name, &alg) != 0)
        goto cleanup;
    if (!have_keylen) {
        app_error("kdf", "-keylen N is required");
        goto cleanup;
    }
    out = malloc(keylen);
    if (out == NULL) {
        app_error("kdf", "out of memory");
        goto cleanup;
    }

    switch (alg) {
    case ALG_HKDF:
        if (!key.set) {
            app_error("kdf", "hkdf needs -kdfopt key: or hexkey: (the input keying material)");
            goto cleanup;
        }
        if (mode == EXTRACT_ONLY) {
            if (keylen != HMAC_SHA256_LEN) {
                app_error("kdf", "hkdf mode EXTRACT_ONLY gives exactly 32 bytes (-keylen 32)");
                goto cleanup;
            }
            hkdf_sha256_extract(salt.b, salt.len, key.b, key.len, out);
            err = GLASS_OK;
        } else if (mode == EXPAND_ONLY) {
            err = hkdf_sha256_expand(key.b, key.len, info.b, info.len, out, keylen);
        } else {
            err = hkdf_sha256(salt.b, salt.len, key.b, key.len, info.b, info.len, out, keylen);
        }
        if (err == GLASS_ERR_KDF_LENGTH) {
            app_error("kdf", "-keylen %lu: too large for hkdf (at most 8160 bytes, RFC 5869 2.3)",
                      keylen);
            goto cleanup;
        }
        break;
    case ALG_PBKDF2:
        if (!pass.set || !salt.set) {
            app_error("kdf", "pbkdf2 needs -kdfopt pass: (or hexpass:) and salt: (or hexsalt:)");
            goto cleanup;
        }
        err = pbkdf2_hmac_sha256(pass.b, pass.len, salt.b, salt.len, (uint32_t)iter, out, keylen);
        break;
    case ALG_TLS1_PRF:
        if (!secret.set || !seed.set) {
            app_error("kdf", "tls1-prf needs -kdfopt secret: (or hexsecret:) and seed: (or hexseed:)");
            goto cleanup;
        }
        err = tls12_prf_sha256(secret.b, secret.len, "", seed.b, seed.len, out, keylen);
        break;
    default:
        err = GLASS_ERR_INTERNAL;
        break;
    }
    if (err != GLASS_OK) {
        app_error("kdf", "%s", glass_strerror(err));
        goto cleanup;
    }
    status = write_output(out, keylen, binary, out_path);

cleanup:
    if (out != NULL) {
        glass_wipe(out, keylen);
        free(out);
    }
    param_free(&key);
    param_free(&salt);
    param_free(&info);
    param_free(&pass);
    param_free(&secret);
    param_free(&seed);
    return status;
}

const struct glass_command cmd_kdf = {"kdf", "HKDF, PBKDF2 and the TLS 1.2 PRF, like openssl kdf",
                                      run};
