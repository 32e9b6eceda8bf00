/*
 * keylog.c — the NSS key log writer (see tlstool.h).
 *
 * The format, as NSS defined it and Wireshark reads it, is one line per
 * session:
 *
 *     CLIENT_RANDOM <32 bytes of ClientHello.random, hex> <48-byte master_secret, hex>
 *
 * With the master secret and the two randoms (both in the clear in the
 * hellos) a reader recomputes the key block (RFC 5246 §6.3) and so every
 * record key, which is all it takes to decrypt a capture.  That is also why
 * the file is created with mode 0600 and written only when asked.
 *
 * The log is appended to, one flushed line at a time, rather than written
 * atomically like the project's other files: several sessions (and several
 * programs, as with SSLKEYLOGFILE) share one log, and Wireshark follows it
 * while it grows.
 *
 * CT: not applicable (the secret is written out on purpose).
 */
#include "tlstool/tlstool.h"
#include "io/io.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct tlstool_keylog {
    FILE *f;
};

int tlstool_keylog_open(const char *cmd, const char *path, tlstool_keylog **out)
{
    *out = NULL;
    if (path == NULL) {
        path = getenv("SSLKEYLOGFILE");
        if (path == NULL || path[0] == '\0')
            return 0;
    }
    int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (fd < 0)
        return io_error(cmd, "key log %s: %s", path, strerror(errno));
    tlstool_keylog *kl = malloc(sizeof *kl);
    FILE *f = kl != NULL ? fdopen(fd, "a") : NULL;
    if (f == NULL) {
        close(fd);
        free(kl);
        return io_error(cmd, "key log %s: out of memory", path);
    }
    kl->f = f;
    *out = kl;
    return 0;
}

void tlstool_keylog_write(tlstool_keylog *kl, const char *line)
{
    if (kl == NULL || line == NULL)
        return;
    fputs(line, kl->f);
    fputc('\n', kl->f);
    fflush(kl->f);
}

void tlstool_keylog_close(tlstool_keylog *kl)
{
    if (kl == NULL)
        return;
    fclose(kl->f);
    free(kl);
}
