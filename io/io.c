/*
 * io.c — the program's edge to a person and the disk (see io/io.h): one
 * error line, number and hex arguments, output paths checked before work is
 * done, files written atomically, key files that may need a password.
 *
 * Read io_error first (every message a person sees has its shape), then
 * the argument helpers, then the file helpers.  Nothing here is secret
 * except the key-file bytes in io_load_private_key, wiped after use.
 */
#include "io/io.h"

#include "ca/ca.h"
#include "rsa/rsa.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* See io/io.h. */
int io_verror(const char *cmd, const char *fmt, va_list ap)
{
    fprintf(stderr, "glass %s: ", cmd);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    return 1;
}

/* See io/io.h. */
int io_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    io_verror(cmd, fmt, ap);
    va_end(ap);
    return 1;
}

/* See io/io.h. */
int io_wants_help(int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "-help") == 0 ||
            strcmp(argv[i], "--help") == 0)
            return 1;
    return 0;
}

#ifdef GLASS_LAB_BUILD
/* See io/io.h. */
void io_insecure_banner(const char *what)
{
    fprintf(stderr,
            "************************************************************************\n"
            "* WARNING: INSECURE LAB MODE: %s\n"
            "* This exists only in the lab build, to show an attack.  Never use it\n"
            "* to protect anything.\n"
            "************************************************************************\n",
            what);
}
#endif

/* See io/io.h. */
int io_hex_arg(const char *cmd, const char *flag, const char *hex, uint8_t **out, size_t *len)
{
    glass_err err = glass_hex_decode_alloc(out, len, hex);
    if (err != GLASS_OK) {
        io_error(cmd, "%s: %s", flag, glass_strerror(err));
        return 1;
    }
    return 0;
}

/* See io/io.h. */
int io_uint_arg(const char *cmd, const char *flag, const char *text,
                 unsigned long min, unsigned long max, unsigned long *out)
{
    char *end = NULL;
    errno = 0;
    if (text == NULL || text[0] < '0' || text[0] > '9') {
        io_error(cmd, "%s needs a number", flag);
        return 1;
    }
    unsigned long v = strtoul(text, &end, 10);
    if (errno != 0 || end == text || *end != '\0' || v < min || v > max) {
        io_error(cmd, "%s: '%s' is not a number from %lu to %lu", flag, text, min, max);
        return 1;
    }
    *out = v;
    return 0;
}

/* See io/io.h. */
int io_check_output(const char *cmd, const char *flag, const char *path)
{
    struct stat st;
    if (path == NULL || strcmp(path, "-") == 0)
        return 0;
    if (path[0] == '\0')
        return io_error(cmd, "%s needs a file name", flag);
    const char *slash = strrchr(path, '/');
    char *dir = slash == NULL ? strdup(".")
              : slash == path ? strdup("/")
                              : strndup(path, (size_t)(slash - path));
    if (dir == NULL)
        return io_error(cmd, "%s", glass_strerror(GLASS_ERR_NOMEM));
    int dir_ok = stat(dir, &st) == 0 && S_ISDIR(st.st_mode) && access(dir, W_OK) == 0;
    free(dir);
    if (!dir_ok)
        return io_error(cmd, "%s %s: its directory does not exist or is not writable", flag,
                         path);
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
        return io_error(cmd, "%s '%s': is a directory, not a file name", flag, path);
    return 0;
}

/* See io/io.h. */
int io_path_join(char *out, size_t cap, const char *dir, const char *file)
{
    return (size_t)snprintf(out, cap, "%s/%s", dir, file) < cap ? 0 : -1;
}

/* See io/io.h. */
int io_load_private_key(const char *cmd, const char *path, const char *passin,
                         struct rsa_private_key *key)
{
    uint8_t *data = NULL;
    size_t len = 0;
    char *pw = NULL;
    char prompt[300];
    glass_err err = glass_read_file(path, 1u << 20, &data, &len);
    if (err != GLASS_OK)
        return io_error(cmd, "%s: %s", path, glass_strerror(err));
    if (ca_key_is_encrypted(data, len)) {
        snprintf(prompt, sizeof prompt, "Enter pass phrase for %s", path);
        err = io_password_get(passin, prompt, 0, &pw);
        if (err != GLASS_OK) {
            glass_wipe(data, len);
            free(data);
            if (passin == NULL && err == GLASS_ERR_PASSWORD_SOURCE)
                return io_error(cmd, "%s: encrypted, and no terminal to ask at: %s", path,
                                 glass_strerror(err));
            return io_error(cmd, "%s: %s", passin != NULL ? passin : "(terminal prompt)",
                             glass_strerror(err));
        }
    }
    err = ca_key_load_private(data, len, pw, key);
    io_password_free(pw);
    glass_wipe(data, len);
    free(data);
    if (err != GLASS_OK)
        return io_error(cmd, "%s: %s", path, glass_strerror(err));
    return 0;
}

/* See io/io.h. */
int io_write_output(const char *cmd, const char *path, const void *data, size_t len,
                     unsigned mode)
{
    if (path == NULL || strcmp(path, "-") == 0) {
        if (fwrite(data, 1, len, stdout) != len || fflush(stdout) != 0)
            return io_error(cmd, "cannot write to standard output");
        return 0;
    }
    glass_err err = glass_write_file_atomic(path, data, len, mode);
    if (err != GLASS_OK)
        return io_error(cmd, "%s: %s", path, glass_strerror(err));
    return 0;
}

/* See io.h. */
size_t io_text_cols(const char *s, size_t n)
{
    size_t cols = 0;
    for (size_t i = 0; i < n; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80)   /* not a continuation byte */
            cols++;
    return cols;
}
