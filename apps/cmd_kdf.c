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
 *   -out FILE  write there (atomically) instead of standard output
 */
#include "apps.h"
#include "opt.h"
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

/* Every -kdfopt parameter, as given. */
struct kdf_params {
    struct param key, salt, info, pass, secret, seed;
    unsigned long iter;
    enum hkdf_mode mode;
};

static void params_free(struct kdf_params *k)
{
    param_free(&k->key);
    param_free(&k->salt);
    param_free(&k->info);
    param_free(&k->pass);
    param_free(&k->secret);
    param_free(&k->seed);
}

/* One -kdfopt NAME:VALUE into the parameters. */
static int take_kdfopt(const char *cmd, const char *flag, const char *o, void *dest)
{
    struct kdf_params *k = dest;
    const char *colon = strchr(o, ':');
    (void)flag;
    if (colon == NULL)
        return app_error(cmd, "-kdfopt: '%s' is not NAME:VALUE", o);
    size_t nl = (size_t)(colon - o);
    const char *v = colon + 1;
#define IS(name) (nl == strlen(name) && strncmp(o, name, nl) == 0)
    if (IS("digest")) {
        if (strcasecmp(v, "SHA256") != 0 && strcasecmp(v, "SHA2-256") != 0 &&
            strcasecmp(v, "SHA-256") != 0)
            return app_error(cmd, "-kdfopt digest:%s: only SHA256 is supported", v);
        return 0;
    }
    if (IS("key") || IS("hexkey"))
        return param_take(&k->key, "-kdfopt hexkey", v, IS("hexkey"), 0);
    if (IS("salt") || IS("hexsalt"))
        return param_take(&k->salt, "-kdfopt hexsalt", v, IS("hexsalt"), 0);
    if (IS("info") || IS("hexinfo"))
        return param_take(&k->info, "-kdfopt hexinfo", v, IS("hexinfo"), 1);
    if (IS("pass") || IS("hexpass"))
        return param_take(&k->pass, "-kdfopt hexpass", v, IS("hexpass"), 0);
    if (IS("secret") || IS("hexsecret"))
        return param_take(&k->secret, "-kdfopt hexsecret", v, IS("hexsecret"), 0);
    if (IS("seed") || IS("hexseed"))
        return param_take(&k->seed, "-kdfopt hexseed", v, IS("hexseed"), 1);
    if (IS("iter"))
        return app_uint_arg(cmd, "-kdfopt iter", v, 1, 10000000, &k->iter);
    if (IS("mode")) {
        if (strcasecmp(v, "EXTRACT_AND_EXPAND") == 0)
            k->mode = EXTRACT_AND_EXPAND;
        else if (strcasecmp(v, "EXTRACT_ONLY") == 0)
            k->mode = EXTRACT_ONLY;
        else if (strcasecmp(v, "EXPAND_ONLY") == 0)
            k->mode = EXPAND_ONLY;
        else
            return app_error(cmd, "-kdfopt mode:%s: not EXTRACT_AND_EXPAND, "
                                  "EXTRACT_ONLY or EXPAND_ONLY", v);
        return 0;
    }
    return app_error(cmd, "-kdfopt %.*s: unknown parameter", (int)nl, o);
#undef IS
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

/* Runs the algorithm into out[0..keylen).  0, or 1 after saying why. */
static int derive(enum alg alg, const struct kdf_params *k, uint8_t *out, unsigned long keylen)
{
    glass_err err;
    switch (alg) {
    case ALG_HKDF:
        if (!k->key.set)
            return app_error("kdf", "hkdf needs -kdfopt key: or hexkey: (the input keying "
                                    "material)");
        if (k->mode == EXTRACT_ONLY) {
            if (keylen != HMAC_SHA256_LEN)
                return app_error("kdf", "hkdf mode EXTRACT_ONLY gives exactly 32 bytes "
                                        "(-keylen 32)");
            hkdf_sha256_extract(k->salt.b, k->salt.len, k->key.b, k->key.len, out);
            err = GLASS_OK;
        } else if (k->mode == EXPAND_ONLY) {
            err = hkdf_sha256_expand(k->key.b, k->key.len, k->info.b, k->info.len, out, keylen);
        } else {
            err = hkdf_sha256(k->salt.b, k->salt.len, k->key.b, k->key.len, k->info.b,
                              k->info.len, out, keylen);
        }
        if (err == GLASS_ERR_KDF_LENGTH)
            return app_error("kdf", "-keylen %lu: too large for hkdf (at most 8160 bytes, "
                                    "RFC 5869 2.3)", keylen);
        break;
    case ALG_PBKDF2:
        if (!k->pass.set || !k->salt.set)
            return app_error("kdf", "pbkdf2 needs -kdfopt pass: (or hexpass:) and salt: (or "
                                    "hexsalt:)");
        err = pbkdf2_hmac_sha256(k->pass.b, k->pass.len, k->salt.b, k->salt.len,
                                 (uint32_t)k->iter, out, keylen);
        break;
    case ALG_TLS1_PRF:
        if (!k->secret.set || !k->seed.set)
            return app_error("kdf", "tls1-prf needs -kdfopt secret: (or hexsecret:) and seed: "
                                    "(or hexseed:)");
        err = hmac_tls12_prf_sha256(k->secret.b, k->secret.len, "", k->seed.b, k->seed.len, out,
                               keylen);
        break;
    default:
        err = GLASS_ERR_INTERNAL;
        break;
    }
    if (err != GLASS_OK)
        return app_error("kdf", "%s", glass_strerror(err));
    return 0;
}

/* The output, raw or as colon-separated upper-case hex, written atomically
 * (io_write_output): a failed run leaves no half-written key file. */
static int write_output(const uint8_t *out, size_t len, int binary, const char *path)
{
    if (binary)
        return io_write_output("kdf", path, out, len, 0600);
    char *text = malloc(3 * len + 1);
    if (text == NULL)
        return app_error("kdf", "out of memory");
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        n += (size_t)snprintf(text + n, 3 * len + 1 - n, "%s%02X", i > 0 ? ":" : "", out[i]);
    text[n++] = '\n';
    int rc = io_write_output("kdf", path, text, n, 0600);
    glass_wipe(text, 3 * len + 1);
    free(text);
    return rc;
}

static int run(int argc, char **argv)
{
    struct kdf_params k;
    unsigned long keylen = 0;
    int binary = 0, status = 1;
    const char *out_path = NULL;
    enum alg alg = ALG_HKDF;
    uint8_t *out = NULL;
    memset(&k, 0, sizeof k);
    k.iter = 2048;
    k.mode = EXTRACT_AND_EXPAND;
    const opt opts[] = {
        OPTION_UINT("-keylen", "N", "output length in bytes (required)", &keylen, 1, MAX_KEYLEN),
        OPTION_CALL("-kdfopt", "NAME:VALUE", "a parameter of the algorithm (see above); repeat it",
                    &k, take_kdfopt),
        OPTION_FLAG("-binary", NULL, "raw bytes instead of colon-separated upper-case hex",
                    &binary),
        OPTION_STRING("-out", NULL, "FILE", "write there (atomically, mode 0600) instead of\n"
                      "standard output", &out_path),
        OPTION_END,
    };
    const opt_command spec = {
        .name = "kdf",
        .synopsis = "-keylen N [-kdfopt NAME:VALUE]... [-binary] [-out FILE] ALGORITHM",
        .about = "Derives N bytes with a key derivation function, like `openssl kdf` (3.0).\n"
                 "ALGORITHM and its -kdfopt parameters (digest:SHA256 is the only digest):\n"
                 "  hkdf      RFC 5869: key:/hexkey: (input keying material), salt:/hexsalt:,\n"
                 "            info:/hexinfo:, mode:EXTRACT_AND_EXPAND|EXTRACT_ONLY|EXPAND_ONLY;\n"
                 "            at most 8160 bytes (255 x 32)\n"
                 "  pbkdf2    RFC 8018 5.2: pass:/hexpass:, salt:/hexsalt:, iter:N (default 2048,\n"
                 "            at most 10000000)\n"
                 "  tls1-prf  RFC 5246 5, P_SHA256: secret:/hexsecret:, seed:/hexseed: (the\n"
                 "            label is the start of the seed, as in OpenSSL)\n"
                 "Repeated info: or seed: values are appended.\n",
        .opts = opts,
        .example = "  glass kdf -keylen 42 -kdfopt digest:SHA256 -kdfopt hexkey:0b0b0b0b "
                   "-kdfopt hexsalt:0001 \\\n"
                   "      -kdfopt hexinfo:f0f1 hkdf\n"
                   "  glass kdf -keylen 32 -kdfopt pass:password -kdfopt salt:NaCl "
                   "-kdfopt iter:100000 pbkdf2\n"
                   "  glass kdf -keylen 48 -kdfopt hexsecret:0102 -kdfopt seed:'master secret' "
                   "\\\n"
                   "      -kdfopt hexseed:aabb tls1-prf\n",
        .anywhere = 1,
        .min_operands = 1,
        .max_operands = 1,
        .operands = "algorithm (hkdf, pbkdf2 or tls1-prf)",
    };
    opt_operands rest;
    int st = opt_parse(&spec, argc, argv, &rest);
    if (st != OPT_RUN) {
        params_free(&k);
        return st;
    }
    if (parse_alg(rest.v[0], &alg) != 0)
        goto cleanup;
    if (keylen == 0) {
        app_error("kdf", "-keylen N is required");
        goto cleanup;
    }
    out = malloc(keylen);
    if (out == NULL) {
        app_error("kdf", "out of memory");
        goto cleanup;
    }
    if (derive(alg, &k, out, keylen) == 0)
        status = write_output(out, keylen, binary, out_path);
cleanup:
    if (out != NULL) {
        glass_wipe(out, keylen);
        free(out);
    }
    params_free(&k);
    return status;
}

const struct glass_command cmd_kdf = {"kdf", "HKDF, PBKDF2 and the TLS 1.2 PRF, like openssl kdf",
                                      run};
