/*
 * password.c — where a password comes from (see io/io.h): the sources
 * OpenSSL's -pass / -passin / -passout name (openssl-passphrase-options(1)),
 * or the terminal.
 *
 * The only subtle part is the terminal prompt: echo is switched off with
 * tcsetattr() on /dev/tty (not stdin, which may be a pipe carrying data),
 * and switched back on whatever happens.  Passwords live in buffers that
 * are wiped before they are freed.
 *
 * CT: not applicable; passwords are compared only when confirming a new
 * one, where the user already knows both.
 */
#include "io/io.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

/* Reads one line (without its newline; a trailing CR also dropped) from fd
 * into a fresh buffer. */
static glass_err read_line_fd(int fd, char **out)
{
    char *buf = malloc(IO_PASSWORD_MAX + 1);
    size_t n = 0;
    if (buf == NULL)
        return GLASS_ERR_NOMEM;
    for (;;) {
        char c;
        ssize_t r = read(fd, &c, 1);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            glass_wipe(buf, IO_PASSWORD_MAX + 1);
            free(buf);
            return GLASS_ERR_IO;
        }
        if (r == 0 || c == '\n')
            break;
        if (n == IO_PASSWORD_MAX) {
            glass_wipe(buf, IO_PASSWORD_MAX + 1);
            free(buf);
            return GLASS_ERR_PASSWORD_SOURCE;
        }
        buf[n++] = c;
    }
    if (n > 0 && buf[n - 1] == '\r')
        n--;
    buf[n] = '\0';
    *out = buf;
    return GLASS_OK;
}

static glass_err dup_string(const char *s, char **out)
{
    size_t n = strlen(s);
    if (n > IO_PASSWORD_MAX)
        return GLASS_ERR_PASSWORD_SOURCE;
    char *p = malloc(n + 1);
    if (p == NULL)
        return GLASS_ERR_NOMEM;
    memcpy(p, s, n + 1);
    *out = p;
    return GLASS_OK;
}

/* Asks once at the terminal with echo off. */
static glass_err ask_tty(int tty, const char *prompt, char **out)
{
    struct termios old, quiet;
    glass_err err;
    if (tcgetattr(tty, &old) != 0)
        return GLASS_ERR_PASSWORD_SOURCE;
    quiet = old;
    quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
    quiet.c_lflag |= ICANON;
    if (write(tty, prompt, strlen(prompt)) < 0 || write(tty, ": ", 2) < 0)
        return GLASS_ERR_IO;
    if (tcsetattr(tty, TCSAFLUSH, &quiet) != 0)
        return GLASS_ERR_PASSWORD_SOURCE;
    err = read_line_fd(tty, out);
    tcsetattr(tty, TCSAFLUSH, &old);
    if (write(tty, "\n", 1) < 0) {
        /* the newline is cosmetic */
    }
    return err;
}

static glass_err prompt_tty(const char *prompt, int confirm, char **out)
{
    char *first = NULL, *second = NULL;
    glass_err err;
    int tty = open("/dev/tty", O_RDWR | O_NOCTTY);
    if (tty < 0 || !isatty(tty)) {
        if (tty >= 0)
            close(tty);
        return GLASS_ERR_PASSWORD_SOURCE;
    }
    err = ask_tty(tty, prompt, &first);
    if (err == GLASS_OK && confirm) {
        err = ask_tty(tty, "Verifying - enter the same pass phrase", &second);
        if (err == GLASS_OK && strcmp(first, second) != 0)
            err = GLASS_ERR_PASSWORD_MISMATCH;
    }
    close(tty);
    io_password_free(second);
    if (err != GLASS_OK) {
        io_password_free(first);
        return err;
    }
    *out = first;
    return GLASS_OK;
}

/* See io/io.h. */
glass_err io_password_get(const char *src, const char *prompt, int confirm, char **out)
{
    glass_err err;
    *out = NULL;
    if (src == NULL) {
        err = prompt_tty(prompt != NULL ? prompt : "Enter pass phrase", confirm, out);
    } else if (strncmp(src, "pass:", 5) == 0) {
        err = dup_string(src + 5, out);
    } else if (strncmp(src, "env:", 4) == 0) {
        const char *v = getenv(src + 4);
        err = v == NULL ? GLASS_ERR_PASSWORD_SOURCE : dup_string(v, out);
    } else if (strncmp(src, "file:", 5) == 0) {
        int fd = open(src + 5, O_RDONLY);
        if (fd < 0)
            return GLASS_ERR_FILE_OPEN;
        err = read_line_fd(fd, out);
        close(fd);
    } else if (strncmp(src, "fd:", 3) == 0) {
        char *end = NULL;
        long fd = strtol(src + 3, &end, 10);
        if (end == src + 3 || *end != '\0' || fd < 0 || fd > 1024)
            return GLASS_ERR_PASSWORD_SOURCE;
        err = read_line_fd((int)fd, out);
    } else if (strcmp(src, "stdin") == 0) {
        err = read_line_fd(0, out);
    } else {
        return GLASS_ERR_PASSWORD_SOURCE;
    }
    if (err == GLASS_OK && (*out)[0] == '\0') {
        /* An empty password would leave a key protected by nothing. */
        io_password_free(*out);
        *out = NULL;
        err = GLASS_ERR_PASSWORD_MISMATCH;
    }
    return err;
}

/* See io/io.h. */
void io_password_free(char *pw)
{
    if (pw == NULL)
        return;
    glass_wipe(pw, strlen(pw));
    free(pw);
}

/* See io/io.h. */
int io_password_error(const char *cmd, const char *flag, const char *src, glass_err err)
{
    if (src == NULL && err == GLASS_ERR_PASSWORD_SOURCE)
        return io_error(cmd, "%s is required: there is no terminal to ask for the password at "
                             "(give %s pass:TEXT, env:VAR, file:PATH, fd:N or stdin)",
                        flag, flag);
    return io_error(cmd, "%s %s: %s", flag, src != NULL ? src : "(terminal prompt)",
                    glass_strerror(err));
}
