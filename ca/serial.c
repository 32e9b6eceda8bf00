/*
 * serial.c — certificate serial numbers (RFC 5280 §4.1.2.2) the way the
 * openssl commands choose them: a random one, one given on the command line
 * (-set_serial), or the next one from a serial file (-CAserial ca.srl,
 * -CAcreateserial).
 *
 * §4.1.2.2: "The serial number MUST be a positive integer assigned by the
 * CA to each certificate.  It MUST be unique for each certificate issued by
 * a given CA"; "CAs MUST NOT use serialNumber values longer than 20
 * octets".  A random serial (OpenSSL uses 159 random bits, as here) also
 * keeps the start of the signed bytes unpredictable, which is what stopped
 * the chosen-prefix MD5 collision against a real CA (2008) from being
 * repeatable.
 *
 * The serial file holds one line: the last serial used, in upper-case hex,
 * two digits per byte (what OpenSSL writes and reads back).  Each use reads
 * it and adds one (x509_serial_next); once the certificate is written, the
 * serial used is saved back, atomically (x509_serial_save), so a failed
 * issue leaves the file as it was.
 *
 * CT: — serials are public.
 */
#include "ca/ca.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* See ca.h. */
glass_err x509_serial_random(uint8_t serial[X509_SERIAL_MAX], size_t *len)
{
    glass_err err = glass_random(serial, X509_SERIAL_MAX);
    if (err != GLASS_OK)
        return err;
    /* 159 bits: the top bit clear keeps the INTEGER positive in 20 octets;
     * a non-zero first byte keeps it 20 octets long. */
    serial[0] &= 0x7f;
    if (serial[0] == 0)
        serial[0] = 0x01;
    *len = X509_SERIAL_MAX;
    return GLASS_OK;
}

/* Drops leading zero bytes, keeping at least one byte. */
static void strip(uint8_t *serial, size_t *len)
{
    size_t z = 0;
    while (z + 1 < *len && serial[z] == 0)
        z++;
    memmove(serial, serial + z, *len - z);
    *len -= z;
}

/* value = value * mul + add over big-endian bytes; -1 on overflow. */
static int mul_add(uint8_t *v, size_t n, unsigned mul, unsigned add)
{
    unsigned carry = add;
    for (size_t i = n; i-- > 0;) {
        unsigned x = v[i] * mul + carry;
        v[i] = (uint8_t)x;
        carry = x >> 8;
    }
    return carry != 0 ? -1 : 0;
}

/* See ca.h. */
glass_err x509_serial_parse(const char *text, uint8_t serial[X509_SERIAL_MAX], size_t *len)
{
    /* Work in 21 bytes so that the "top bit clear" check below can see a
     * value of exactly 20 octets with its high bit set. */
    uint8_t v[X509_SERIAL_MAX + 1];
    int hex = strncmp(text, "0x", 2) == 0 || strncmp(text, "0X", 2) == 0;
    const char *p = hex ? text + 2 : text;
    if (*p == '\0')
        return GLASS_ERR_ARG;
    memset(v, 0, sizeof v);
    for (; *p != '\0'; p++) {
        int d;
        if (isdigit((unsigned char)*p))
            d = *p - '0';
        else if (hex && isxdigit((unsigned char)*p))
            d = tolower((unsigned char)*p) - 'a' + 10;
        else
            return GLASS_ERR_ARG;
        if (mul_add(v, sizeof v, hex ? 16u : 10u, (unsigned)d) != 0)
            return GLASS_ERR_ARG;
    }
    size_t n = sizeof v;
    strip(v, &n);
    /* Positive and at most 20 octets once encoded (a set top bit costs a
     * leading 0x00 in the INTEGER). */
    if ((n == 1 && v[0] == 0) || n + ((v[0] & 0x80) ? 1 : 0) > X509_SERIAL_MAX)
        return GLASS_ERR_ARG;
    memcpy(serial, v, n);
    *len = n;
    return GLASS_OK;
}

/* See ca.h. */
glass_err x509_serial_next(const char *path, int create, uint8_t serial[X509_SERIAL_MAX],
                           size_t *len)
{
    uint8_t *data = NULL;
    size_t data_len = 0;
    char line[2 * X509_SERIAL_MAX + 4];    /* "0x", the hex, the NUL */
    struct stat st;
    glass_err err;

    if (stat(path, &st) != 0 && errno == ENOENT) {
        /* 1. No file yet: -CAcreateserial starts with a random serial. */
        if (!create)
            return GLASS_ERR_FILE_OPEN;
        if ((err = x509_serial_random(serial, len)) != GLASS_OK)
            return err;
    } else {
        /* 2. The file: one line of hex, the last serial used; add one. */
        if ((err = glass_read_file(path, 256, &data, &data_len)) != GLASS_OK)
            return err;
        size_t n = strcspn((const char *)data, "\r\n");
        if (n == 0 || n > 2 * X509_SERIAL_MAX) {
            free(data);
            return GLASS_ERR_CA_DB;
        }
        line[0] = '0';
        line[1] = 'x';
        memcpy(line + 2, data, n);
        line[n + 2] = '\0';
        free(data);
        if (x509_serial_parse(line, serial, len) != GLASS_OK)
            return GLASS_ERR_CA_DB;
        uint8_t v[X509_SERIAL_MAX + 1] = {0};
        memcpy(v + sizeof v - *len, serial, *len);
        mul_add(v, sizeof v, 1, 1);
        size_t vn = sizeof v;
        strip(v, &vn);
        if (vn + ((v[0] & 0x80) ? 1 : 0) > X509_SERIAL_MAX)
            return GLASS_ERR_CA_DB;
        memcpy(serial, v, vn);
        *len = vn;
    }
    return GLASS_OK;
}

/* See ca.h. */
glass_err x509_serial_save(const char *path, const uint8_t *serial, size_t len)
{
    char text[2 * X509_SERIAL_MAX + 2];
    static const char digits[] = "0123456789ABCDEF";
    /* INTEGER contents may open with a 0x00 that keeps them positive: the
     * file holds the magnitude. */
    while (len > 1 && serial[0] == 0) {
        serial++;
        len--;
    }
    if (len == 0 || len > X509_SERIAL_MAX)
        return GLASS_ERR_ARG;
    for (size_t i = 0; i < len; i++) {
        text[2 * i] = digits[serial[i] >> 4];
        text[2 * i + 1] = digits[serial[i] & 15];
    }
    text[2 * len] = '\n';
    return glass_write_file_atomic(path, (const uint8_t *)text, 2 * len + 1, 0644);
}
