/*
 * der.c — a strict DER decoder and a DER encoder (ITU-T X.690 (02/2021)).
 *
 * Read in this order:
 *   1. der_read_any: the header of one element — identifier octet (§8.1.2),
 *      length octets (§8.1.3) with DER's restrictions (§10.1) — and the one
 *      check that keeps a parser safe: the length is compared with what is
 *      left of the input before anything else happens;
 *   2. the typed readers (INTEGER §8.3, BOOLEAN §8.2 + §11.1, OID §8.19,
 *      BIT STRING §8.6 + §11.2, times §11.7/§11.8 with RFC 5280 §4.1.2.5);
 *   3. the encoder: der_begin / der_end write a constructed element's header
 *      once its contents are known.
 *
 * Every encoding shown in the comments is tag || length || contents:
 *
 *     30 82 01 0a  ...266 bytes...     SEQUENCE, long form length 0x010a
 *     02 01 05                         INTEGER 5
 *     02 02 00 80                      INTEGER 128 (0x00 keeps it positive)
 *
 * CT: no — it branches on the data.  See asn1.h.
 */
#include "asn1/asn1.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the reader --------------------------------------------------------- */

/* See asn1.h. */
void der_reader_init(der_reader *r, const uint8_t *p, size_t len)
{
    r->p = p;
    r->len = len;
    r->off = 0;
}

/* See asn1.h. */
der_reader der_enter(const der_elem *e)
{
    der_reader r;
    der_reader_init(&r, e->val, e->len);
    return r;
}

/* See asn1.h. */
int der_at_end(const der_reader *r)
{
    return r->off >= r->len;
}

/* See asn1.h. */
int der_peek_tag(const der_reader *r)
{
    if (r->off >= r->len)
        return -1;
    return r->p[r->off];
}

/* See asn1.h. */
glass_err der_finish(const der_reader *r)
{
    return r->off == r->len ? GLASS_OK : GLASS_ERR_DER_TRAILING;
}

/* See asn1.h; X.690 §8.1.2, §8.1.3, §10.1. */
glass_err der_read_any(der_reader *r, der_elem *e)
{
    size_t avail = r->len - r->off;
    const uint8_t *p = r->p + r->off;
    size_t hdr = 2;
    size_t len = 0;

    /* 1. The identifier octet (§8.1.2.2).  Tag number 31 announces the
     *    multi-byte form (§8.1.2.4), which nothing we read uses. */
    if (avail < 2)
        return GLASS_ERR_DER_TRUNCATED;
    if ((p[0] & 0x1f) == 0x1f)
        return GLASS_ERR_DER_TAG;

    /* 2. The length octets (§8.1.3).  Short form: one byte 0..127. */
    if (p[1] < 0x80) {
        len = p[1];
    } else if (p[1] == 0x80) {
        /* §8.1.3.6: the indefinite form, BER only (§10.1 forbids it). */
        return GLASS_ERR_DER_INDEFINITE;
    } else {
        /* Long form: 0x80 | n, then n bytes of length, big-endian.  We take
         * n <= 4 (no input of ours is 4 GiB) and 0xFF is reserved (§8.1.3.5). */
        size_t n = p[1] & 0x7f;
        if (n > 4)
            return GLASS_ERR_DER_LENGTH;
        if (avail < 2 + n)
            return GLASS_ERR_DER_TRUNCATED;
        /* §10.1: "the minimum number of octets": no leading zero byte, and
         * the long form only for lengths of 128 or more. */
        if (p[2] == 0)
            return GLASS_ERR_DER_LENGTH;
        for (size_t i = 0; i < n; i++)
            len = (len << 8) | p[2 + i];
        if (len < 0x80)
            return GLASS_ERR_DER_LENGTH;
        hdr = 2 + n;
    }

    /* 3. The check that matters: the contents must fit in what is left. */
    if (len > avail - hdr)
        return GLASS_ERR_DER_TRUNCATED;

    e->tag = p[0];
    e->start = p;
    e->hdr_len = hdr;
    e->val = p + hdr;
    e->len = len;
    r->off += hdr + len;
    return GLASS_OK;
}

/* See asn1.h. */
glass_err der_read(der_reader *r, uint8_t tag, der_elem *e)
{
    der_reader save = *r;
    glass_err err = der_read_any(r, e);
    if (err != GLASS_OK)
        return err;
    if (e->tag != tag) {
        *r = save;
        return GLASS_ERR_DER_TAG;
    }
    return GLASS_OK;
}

/* See asn1.h. */
glass_err der_read_optional(der_reader *r, uint8_t tag, der_elem *e, int *present)
{
    *present = 0;
    if (der_peek_tag(r) != tag)
        return GLASS_OK;
    glass_err err = der_read(r, tag, e);
    if (err == GLASS_OK)
        *present = 1;
    return err;
}

/* See asn1.h. */
glass_err der_parse_one(const uint8_t *p, size_t len, uint8_t tag, der_elem *e)
{
    der_reader r;
    der_reader_init(&r, p, len);
    glass_err err = der_read(&r, tag, e);
    if (err != GLASS_OK)
        return err;
    return der_finish(&r);
}

/* ---- typed readers ------------------------------------------------------- */

/* See asn1.h; X.690 §8.3.2: the first nine bits must not be all zeros or
 * all ones, or a shorter encoding would exist. */
glass_err der_check_integer(const uint8_t *v, size_t len)
{
    if (len == 0)
        return GLASS_ERR_DER_INTEGER;
    if (len >= 2 && v[0] == 0x00 && (v[1] & 0x80) == 0)
        return GLASS_ERR_DER_INTEGER;
    if (len >= 2 && v[0] == 0xff && (v[1] & 0x80) != 0)
        return GLASS_ERR_DER_INTEGER;
    return GLASS_OK;
}

/* See asn1.h. */
glass_err der_read_integer(der_reader *r, const uint8_t **v, size_t *len)
{
    der_reader save = *r;
    der_elem e;
    glass_err err = der_read(r, DER_INTEGER, &e);
    if (err != GLASS_OK)
        return err;
    err = der_check_integer(e.val, e.len);
    if (err != GLASS_OK) {
        *r = save;
        return err;
    }
    *v = e.val;
    *len = e.len;
    return GLASS_OK;
}

/* See asn1.h. */
glass_err der_read_mpz(der_reader *r, mpz_t x)
{
    const uint8_t *v;
    size_t len;
    glass_err err = der_read_integer(r, &v, &len);
    if (err != GLASS_OK)
        return err;
    if (v[0] & 0x80)
        return GLASS_ERR_DER_VALUE;     /* negative: never valid for a key */
    mpz_import(x, len, 1, 1, 1, 0, v);
    return GLASS_OK;
}

/* See asn1.h. */
glass_err der_read_long(der_reader *r, long *x)
{
    const uint8_t *v;
    size_t len;
    glass_err err = der_read_integer(r, &v, &len);
    if (err != GLASS_OK)
        return err;
    if ((v[0] & 0x80) || len > sizeof(long) || (len == sizeof(long) && v[0] != 0))
        return GLASS_ERR_DER_VALUE;
    unsigned long u = 0;
    for (size_t i = 0; i < len; i++)
        u = (u << 8) | v[i];
    if (u > (unsigned long)0x7fffffffL)
        return GLASS_ERR_DER_VALUE;
    *x = (long)u;
    return GLASS_OK;
}

/* See asn1.h; X.690 §8.2 and §11.1 (DER: TRUE is 0xFF). */
glass_err der_read_bool(der_reader *r, int *b)
{
    der_elem e;
    glass_err err = der_read(r, DER_BOOLEAN, &e);
    if (err != GLASS_OK)
        return err;
    if (e.len != 1 || (e.val[0] != 0x00 && e.val[0] != 0xff))
        return GLASS_ERR_DER_VALUE;
    *b = e.val[0] == 0xff;
    return GLASS_OK;
}

/* See asn1.h; X.690 §8.8.2. */
glass_err der_read_null(der_reader *r)
{
    der_elem e;
    glass_err err = der_read(r, DER_NULL, &e);
    if (err != GLASS_OK)
        return err;
    return e.len == 0 ? GLASS_OK : GLASS_ERR_DER_VALUE;
}

/* See asn1.h; X.690 §8.19.2: each subidentifier is base 128, high bit set
 * on all its bytes but the last, and "the leading octet ... shall not have
 * the value 0x80". */
glass_err der_check_oid(const uint8_t *v, size_t len)
{
    if (len == 0)
        return GLASS_ERR_DER_VALUE;
    if ((v[len - 1] & 0x80) != 0)
        return GLASS_ERR_DER_VALUE;
    int at_start = 1;
    for (size_t i = 0; i < len; i++) {
        if (at_start && v[i] == 0x80)
            return GLASS_ERR_DER_VALUE;
        at_start = (v[i] & 0x80) == 0;
    }
    return GLASS_OK;
}

/* See asn1.h. */
glass_err der_read_oid(der_reader *r, const uint8_t **oid, size_t *len)
{
    der_elem e;
    glass_err err = der_read(r, DER_OID, &e);
    if (err != GLASS_OK)
        return err;
    err = der_check_oid(e.val, e.len);
    if (err != GLASS_OK)
        return err;
    *oid = e.val;
    *len = e.len;
    return GLASS_OK;
}

/* See asn1.h; X.690 §8.6.2 (first byte: unused bits) and §11.2.1 (DER: the
 * unused bits are zero). */
glass_err der_read_bit_string(der_reader *r, const uint8_t **bits, size_t *len, unsigned *unused)
{
    der_elem e;
    glass_err err = der_read(r, DER_BIT_STRING, &e);
    if (err != GLASS_OK)
        return err;
    if (e.len == 0 || e.val[0] > 7)
        return GLASS_ERR_DER_VALUE;
    if (e.len == 1 && e.val[0] != 0)
        return GLASS_ERR_DER_VALUE;
    unsigned u = e.val[0];
    if (u != 0 && (e.val[e.len - 1] & ((1u << u) - 1u)) != 0)
        return GLASS_ERR_DER_VALUE;
    *bits = e.val + 1;
    *len = e.len - 1;
    *unused = u;
    return GLASS_OK;
}

/* See asn1.h. */
glass_err der_read_octets(der_reader *r, const uint8_t **v, size_t *len)
{
    der_elem e;
    glass_err err = der_read(r, DER_OCTET_STRING, &e);
    if (err != GLASS_OK)
        return err;
    *v = e.val;
    *len = e.len;
    return GLASS_OK;
}

/* Days since 1970-01-01 of a civil date (the well-known "days from civil"
 * calculation over 400-year eras of 146097 days). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

/* See asn1.h. */
int64_t der_time_from_civil(int y, int mon, int d, int h, int min, int s)
{
    return days_from_civil(y, mon, d) * 86400 + h * 3600 + min * 60 + s;
}

/* See asn1.h. */
void der_time_to_civil(int64_t t, int *y, int *mon, int *d, int *h, int *min, int *s)
{
    int64_t days = t / 86400;
    int64_t rem = t % 86400;
    if (rem < 0) {
        rem += 86400;
        days -= 1;
    }
    *h = (int)(rem / 3600);
    *min = (int)(rem / 60 % 60);
    *s = (int)(rem % 60);
    days += 719468;
    int64_t era = (days >= 0 ? days : days - 146096) / 146097;
    int64_t doe = days - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *mon = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yoe + era * 400 + (*mon <= 2));
}

static int two_digits(const uint8_t *v, int *out)
{
    if (v[0] < '0' || v[0] > '9' || v[1] < '0' || v[1] > '9')
        return -1;
    *out = (v[0] - '0') * 10 + (v[1] - '0');
    return 0;
}

static int days_in_month(int y, int m)
{
    static const int dm[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        return 29;
    return dm[m - 1];
}

/* See asn1.h.  RFC 5280 §4.1.2.5.1: UTCTime is YYMMDDHHMMSSZ, YY >= 50
 * meaning 19YY; §4.1.2.5.2: GeneralizedTime is YYYYMMDDHHMMSSZ, no
 * fractional seconds. */
glass_err der_parse_time(uint8_t tag, const uint8_t *v, size_t len, int64_t *t)
{
    int y, c, mon, d, h, min, s;
    if (tag == DER_UTC_TIME) {
        if (len != 13 || v[12] != 'Z' || two_digits(v, &y) != 0)
            return GLASS_ERR_DER_VALUE;
        y += y >= 50 ? 1900 : 2000;
        v += 2;
    } else if (tag == DER_GENERALIZED_TIME) {
        if (len != 15 || v[14] != 'Z' || two_digits(v, &c) != 0 || two_digits(v + 2, &y) != 0)
            return GLASS_ERR_DER_VALUE;
        y += c * 100;
        v += 4;
    } else {
        return GLASS_ERR_DER_TAG;
    }
    if (two_digits(v, &mon) || two_digits(v + 2, &d) || two_digits(v + 4, &h) ||
        two_digits(v + 6, &min) || two_digits(v + 8, &s))
        return GLASS_ERR_DER_VALUE;
    if (mon < 1 || mon > 12 || d < 1 || d > days_in_month(y, mon) || h > 23 || min > 59 ||
        s > 59)
        return GLASS_ERR_DER_VALUE;
    *t = der_time_from_civil(y, mon, d, h, min, s);
    return GLASS_OK;
}

/* See asn1.h. */
glass_err der_read_time(der_reader *r, int64_t *t)
{
    der_elem e;
    int tag = der_peek_tag(r);
    if (tag != DER_UTC_TIME && tag != DER_GENERALIZED_TIME)
        return tag < 0 ? GLASS_ERR_DER_TRUNCATED : GLASS_ERR_DER_TAG;
    glass_err err = der_read(r, (uint8_t)tag, &e);
    if (err != GLASS_OK)
        return err;
    return der_parse_time(e.tag, e.val, e.len, t);
}

/* ---- the encoder ------------------------------------------------------- */

/* See asn1.h. */
void der_buf_init(der_buf *b)
{
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
    b->err = GLASS_OK;
}

/* See asn1.h. */
void der_buf_free(der_buf *b)
{
    if (b->data != NULL) {
        glass_wipe(b->data, b->cap);
        free(b->data);
    }
    der_buf_init(b);
}

/* Makes room for `more` bytes.  Growth copies into a fresh block and wipes
 * the old one, since encoders also carry private keys. */
static int buf_reserve(der_buf *b, size_t more)
{
    if (b->err != GLASS_OK)
        return -1;
    if (more > SIZE_MAX / 2 - b->len) {
        b->err = GLASS_ERR_NOMEM;
        return -1;
    }
    if (b->len + more <= b->cap)
        return 0;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->len + more)
        cap *= 2;
    uint8_t *p = malloc(cap);
    if (p == NULL) {
        b->err = GLASS_ERR_NOMEM;
        return -1;
    }
    if (b->data != NULL) {
        memcpy(p, b->data, b->len);
        glass_wipe(b->data, b->cap);
        free(b->data);
    }
    b->data = p;
    b->cap = cap;
    return 0;
}

/* See asn1.h. */
glass_err der_buf_take(der_buf *b, uint8_t **out, size_t *len)
{
    if (b->err != GLASS_OK) {
        glass_err err = b->err;
        der_buf_free(b);
        return err;
    }
    if (buf_reserve(b, 1) != 0) {
        glass_err err = b->err;
        der_buf_free(b);
        return err;
    }
    *out = b->data;
    *len = b->len;
    der_buf_init(b);
    return GLASS_OK;
}

/* See asn1.h. */
void der_put_raw(der_buf *b, const void *p, size_t len)
{
    if (len == 0 || buf_reserve(b, len) != 0)
        return;
    memcpy(b->data + b->len, p, len);
    b->len += len;
}

/* The length octets for len (X.690 §8.1.3.4 short form, §8.1.3.5 long form,
 * minimal as §10.1 asks).  Returns how many bytes were written to out[5]. */
static size_t encode_length(size_t len, uint8_t out[5])
{
    if (len < 0x80) {
        out[0] = (uint8_t)len;
        return 1;
    }
    size_t n = 0;
    for (size_t v = len; v != 0; v >>= 8)
        n++;
    out[0] = (uint8_t)(0x80 | n);
    for (size_t i = 0; i < n; i++)
        out[1 + i] = (uint8_t)(len >> (8 * (n - 1 - i)));
    return 1 + n;
}

/* See asn1.h. */
size_t der_begin(der_buf *b)
{
    return b->len;
}

/* See asn1.h.  The contents are already in place; the header goes in front
 * of them, so they move right by the header's size. */
void der_end(der_buf *b, size_t start, uint8_t tag)
{
    uint8_t hdr[6];
    if (b->err != GLASS_OK)
        return;
    size_t content = b->len - start;
    hdr[0] = tag;
    size_t hl = 1 + encode_length(content, hdr + 1);
    if (buf_reserve(b, hl) != 0)
        return;
    memmove(b->data + start + hl, b->data + start, content);
    memcpy(b->data + start, hdr, hl);
    b->len += hl;
}

/* See asn1.h. */
void der_put_tlv(der_buf *b, uint8_t tag, const void *v, size_t len)
{
    uint8_t hdr[6];
    hdr[0] = tag;
    size_t hl = 1 + encode_length(len, hdr + 1);
    der_put_raw(b, hdr, hl);
    der_put_raw(b, v, len);
}

/* See asn1.h; X.690 §8.3. */
void der_put_integer_unsigned(der_buf *b, const uint8_t *mag, size_t len)
{
    while (len > 0 && mag[0] == 0) {
        mag++;
        len--;
    }
    size_t at = der_begin(b);
    if (len == 0 || (mag[0] & 0x80) != 0) {
        uint8_t zero = 0;
        der_put_raw(b, &zero, 1);
    }
    der_put_raw(b, mag, len);
    der_end(b, at, DER_INTEGER);
}

/* See asn1.h. */
void der_put_uint(der_buf *b, uint64_t v)
{
    uint8_t be[8];
    for (int i = 0; i < 8; i++)
        be[i] = (uint8_t)(v >> (56 - 8 * i));
    der_put_integer_unsigned(b, be, 8);
}

/* See asn1.h. */
void der_put_mpz(der_buf *b, const mpz_t x)
{
    size_t n = (mpz_sizeinbase(x, 2) + 7) / 8;
    uint8_t *mag = malloc(n ? n : 1);
    size_t got = 0;
    if (mag == NULL) {
        if (b->err == GLASS_OK)
            b->err = GLASS_ERR_NOMEM;
        return;
    }
    mpz_export(mag, &got, 1, 1, 1, 0, x);
    der_put_integer_unsigned(b, mag, got);
    glass_wipe(mag, n ? n : 1);
    free(mag);
}

/* See asn1.h. */
void der_put_bool(der_buf *b, int v)
{
    uint8_t x = v ? 0xff : 0x00;
    der_put_tlv(b, DER_BOOLEAN, &x, 1);
}

/* See asn1.h. */
void der_put_null(der_buf *b)
{
    der_put_tlv(b, DER_NULL, NULL, 0);
}

/* See asn1.h. */
void der_put_oid(der_buf *b, const uint8_t *oid, size_t len)
{
    der_put_tlv(b, DER_OID, oid, len);
}

/* See asn1.h. */
void der_put_bit_string(der_buf *b, const uint8_t *bits, size_t len, unsigned unused)
{
    size_t at = der_begin(b);
    uint8_t u = (uint8_t)unused;
    der_put_raw(b, &u, 1);
    der_put_raw(b, bits, len);
    der_end(b, at, DER_BIT_STRING);
}

/* See asn1.h. */
void der_put_octets(der_buf *b, const uint8_t *v, size_t len)
{
    der_put_tlv(b, DER_OCTET_STRING, v, len);
}

/* See asn1.h; RFC 5280 §4.1.2.5: "CAs conforming to this profile MUST
 * always encode certificate validity dates through the year 2049 as
 * UTCTime; certificate validity dates in 2050 or later MUST be encoded as
 * GeneralizedTime." */
void der_put_time(der_buf *b, int64_t t)
{
    int y, mon, d, h, min, s;
    char text[20];
    der_time_to_civil(t, &y, &mon, &d, &h, &min, &s);
    if (y >= 1950 && y <= 2049) {
        snprintf(text, sizeof text, "%02d%02d%02d%02d%02d%02dZ", y % 100, mon, d, h, min, s);
        der_put_tlv(b, DER_UTC_TIME, text, 13);
    } else {
        if (y < 0 || y > 9999)
            y = y < 0 ? 0 : 9999;
        snprintf(text, sizeof text, "%04d%02d%02d%02d%02d%02dZ", y, mon, d, h, min, s);
        der_put_tlv(b, DER_GENERALIZED_TIME, text, 15);
    }
}
