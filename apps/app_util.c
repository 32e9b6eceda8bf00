/*
 * app_util.c — helpers every subcommand shares (see apps.h).
 */
#include "apps.h"

#include <errno.h>
#include <sys/stat.h>
#include <unistd.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* See apps.h. */
int app_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "glass %s: ", cmd);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    return 1;
}

/* See apps.h. */
int app_wants_help(int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "-help") == 0 ||
            strcmp(argv[i], "--help") == 0)
            return 1;
    return 0;
}

/* See apps.h. */
int app_hex_arg(const char *cmd, const char *flag, const char *hex, uint8_t **out, size_t *len)
{
    glass_err err = glass_hex_decode_alloc(out, len, hex);
    if (err != GLASS_OK) {
        app_error(cmd, "%s: %s", flag, glass_strerror(err));
        return 1;
    }
    return 0;
}

/* See apps.h. */
int app_uint_arg(const char *cmd, const char *flag, const char *text,
                 unsigned long min, unsigned long max, unsigned long *out)
{
    char *end = NULL;
    errno = 0;
    if (text == NULL || text[0] < '0' || text[0] > '9') {
        app_error(cmd, "%s needs a number", flag);
        return 1;
    }
    unsigned long v = strtoul(text, &end, 10);
    if (errno != 0 || end == text || *end != '\0' || v < min || v > max) {
        app_error(cmd, "%s: '%s' is not a number from %lu to %lu", flag, text, min, max);
        return 1;
    }
    *out = v;
    return 0;
}

/* See apps.h. */
int app_check_output(const char *cmd, const char *flag, const char *path)
{
    struct stat st;
    if (path == NULL || strcmp(path, "-") == 0)
        return 0;
    if (path[0] == '\0')
        return app_error(cmd, "%s needs a file name", flag);
    const char *slash = strrchr(path, '/');
    char *dir = slash == NULL ? strdup(".")
              : slash == path ? strdup("/")
                              : strndup(path, (size_t)(slash - path));
    if (dir == NULL)
        return app_error(cmd, "%s", glass_strerror(GLASS_ERR_NOMEM));
    int dir_ok = stat(dir, &st) == 0 && S_ISDIR(st.st_mode) && access(dir, W_OK) == 0;
    free(dir);
    if (!dir_ok)
        return app_error(cmd, "%s %s: its directory does not exist or is not writable", flag,
                         path);
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
        return app_error(cmd, "%s '%s': is a directory, not a file name", flag, path);
    return 0;
}
