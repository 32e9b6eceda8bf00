/*
 * asn1.h — DER (ITU-T X.690), Base64 (RFC 4648) and PEM (RFC 7468).
 *
 * SYNOPSIS
 *     Decoding (strict DER, X.690 §8 and §10):
 *         der_reader r;  der_reader_init(&r, der, len);
 *         der_elem seq;  der_read(&r, DER_SEQUENCE, &seq);   tag, length, value
 *         der_reader in = der_enter(&seq);                   walk inside it
 *         der_read_integer(&in, &bytes, &n);                 minimal INTEGER
 *         der_finish(&r);                                    no trailing bytes
 *     Encoding:
 *         der_buf b;  der_buf_init(&b);
 *         size_t at = der_begin(&b);  der_put_uint(&b, 2);  der_end(&b, at, DER_SEQUENCE);
 *         der_buf_take(&b, &der, &len);
 *     Base64 and PEM:
 *         pem_base64_encode / pem_base64_decode
 *         pem_encode("CERTIFICATE", der, len, &text, &text_len);
 *         pem_decode(text, len, "CERTIFICATE", label, &der, &der_len, &used);
 *     Annotated walk (what `glass asn1parse` prints):
 *         der_annotate(der, len, der_schema_for_label("CERTIFICATE"), fn, arg, &fault);
 *
 * DESCRIPTION
 *     A DER element is tag || length || value (X.690 §8.1.1).  The decoder
 *     here accepts exactly one encoding of each value:
 *       - tags in the low-tag-number form (one byte: class, constructed bit,
 *         number < 31; X.690 §8.1.2.2); we never need the long form;
 *       - the definite length form only (§8.1.3.3): the indefinite form, a
 *         length octet 0x80 (§8.1.3.6), is BER, not DER (§10.1), and is
 *         refused (GLASS_ERR_DER_INDEFINITE);
 *       - the shortest length encoding (§10.1): 0..127 in one byte (the
 *         short form, §8.1.3.4), else 0x81..0x84 followed by no leading zero
 *         byte (the long form, §8.1.3.5; GLASS_ERR_DER_LENGTH);
 *       - every length checked against what remains of the input BEFORE it
 *         is used (GLASS_ERR_DER_TRUNCATED);
 *       - INTEGERs in the fewest octets (§8.3.2, GLASS_ERR_DER_INTEGER);
 *       - BOOLEAN TRUE as 0xFF only (§11.1), times as X.690 §11.7/11.8 and
 *         RFC 5280 §4.1.2.5 ask (Z, seconds, no fractions).
 *
 *     The encoder appends to a growing buffer; a constructed element is
 *     opened with der_begin and closed with der_end, which then writes its
 *     header in front of the contents.  Errors (only running out of memory)
 *     are sticky and reported once by der_buf_take.
 *
 * STANDARDS
 *     ITU-T X.690 (02/2021), BER and DER: §8.1 the element, §8.1.2 tags,
 *     §8.1.3 lengths, §8.3 INTEGER, §8.19 OBJECT IDENTIFIER, §10 and §11
 *     DER's restrictions.  ITU-T X.680 (02/2021) §8.4: the universal tag
 *     numbers.  RFC 5280 (May 2008) §4.1.2.5: certificate times.
 *     RFC 4648 (October 2006) §4: Base64.  RFC 7468 (April 2015): PEM.
 *
 * CAVEATS
 *     Only the low-tag-number form (tag numbers 0..30), lengths below 2^32,
 *     and the string types X.509 uses.  Times are whole seconds, UTC only;
 *     UTCTime years are 1950..2049.  The decoder points into the caller's
 *     buffer (der_elem.val): keep the buffer alive while using the elements.
 *     OIDs are compared as encoded bytes; der_oid_name knows only the table
 *     in asn1/oid.c.
 *
 * SECURITY CONSIDERATIONS
 *     Everything here parses input an attacker may have written: every
 *     length is checked against what remains before it is used, and one
 *     value has one encoding (DER), so a signature over the bytes covers
 *     exactly one meaning.  A lax parser that accepted two encodings of a
 *     certificate field has let forged certificates through in other
 *     libraries (BER lengths, non-minimal INTEGERs).  Buffers that may hold
 *     private keys (der_buf, Base64 and PEM scratch) are wiped on free.
 *
 * CONSTANT TIME
 *     | file   | CT  | what leaks
 *     | der.c  | no  | it branches on every byte it reads; for a private key
 *     |        |     | that shows the encoded lengths (the file size does too)
 *     |        |     | and, through the INTEGER checks, a leading byte's range
 *     | pem.c  | no  | each Base64 character's class (letter, digit, symbol)
 *     |        |     | through branches, besides the length
 *     | oid.c  | —   | public constants only
 *     | annotate.c | no | it branches on every byte and shows values (for a
 *     |        |     | private key, the first bytes of each): for teaching only
 */
#ifndef GLASS_ASN1_H
#define GLASS_ASN1_H

#include "common/common.h"

#include <gmp.h>
#include <stddef.h>
#include <stdint.h>

/* ---- tags (X.690 §8.1.2; universal tag numbers from X.680 §8.4) -------- */

#define DER_CLASS_UNIVERSAL   0x00
#define DER_CLASS_APPLICATION 0x40
#define DER_CLASS_CONTEXT     0x80
#define DER_CLASS_PRIVATE     0xC0
#define DER_CONSTRUCTED       0x20

#define DER_BOOLEAN           0x01
#define DER_INTEGER           0x02
#define DER_BIT_STRING        0x03
#define DER_OCTET_STRING      0x04
#define DER_NULL              0x05
#define DER_OID               0x06
#define DER_ENUMERATED        0x0A
#define DER_UTF8_STRING       0x0C
#define DER_PRINTABLE_STRING  0x13
#define DER_T61_STRING        0x14
#define DER_IA5_STRING        0x16
#define DER_UTC_TIME          0x17
#define DER_GENERALIZED_TIME  0x18
#define DER_BMP_STRING        0x1E
#define DER_SEQUENCE          0x30  /* 0x10 | constructed */
#define DER_SET               0x31  /* 0x11 | constructed */

/* [n] EXPLICIT: constructed context tag; [n] IMPLICIT primitive: context tag. */
#define DER_CONTEXT_CONS(n)   ((uint8_t)(DER_CLASS_CONTEXT | DER_CONSTRUCTED | (n)))
#define DER_CONTEXT_PRIM(n)   ((uint8_t)(DER_CLASS_CONTEXT | (n)))

/* ---- decoding ------------------------------------------------------------ */

/* A cursor over bytes p[0..len); off is where the next element starts. */
typedef struct der_reader {
    const uint8_t *p;
    size_t len;
    size_t off;
} der_reader;

/* One element as found in the input. */
typedef struct der_elem {
    uint8_t tag;            /* the identifier octet */
    const uint8_t *start;   /* the first header byte */
    size_t hdr_len;         /* bytes of tag + length */
    const uint8_t *val;     /* the contents */
    size_t len;             /* number of content bytes */
} der_elem;

/* Total encoded size of an element (header + contents). */
static inline size_t der_elem_size(const der_elem *e) { return e->hdr_len + e->len; }

void der_reader_init(der_reader *r, const uint8_t *p, size_t len);
/* A reader over the contents of a constructed element. */
der_reader der_enter(const der_elem *e);
/* 1 when no bytes remain. */
int der_at_end(const der_reader *r);
/* The next tag, or -1 at the end (does not consume). */
int der_peek_tag(const der_reader *r);
/* GLASS_ERR_DER_TRAILING unless every byte was consumed. */
glass_err der_finish(const der_reader *r);

/* Reads the next element whatever its tag, checking its header strictly:
 * GLASS_ERR_DER_TRUNCATED, GLASS_ERR_DER_INDEFINITE, GLASS_ERR_DER_LENGTH,
 * GLASS_ERR_DER_TAG (long-form tag).  On error the reader does not move. */
glass_err der_read_any(der_reader *r, der_elem *e);
/* Reads the next element and requires its tag (GLASS_ERR_DER_TAG). */
glass_err der_read(der_reader *r, uint8_t tag, der_elem *e);
/* If the next tag is `tag`, reads it and sets *present = 1; else *present = 0
 * and nothing is consumed (for OPTIONAL and DEFAULT fields). */
glass_err der_read_optional(der_reader *r, uint8_t tag, der_elem *e, int *present);
/* Parses a whole buffer as exactly one element (trailing bytes refused). */
glass_err der_parse_one(const uint8_t *p, size_t len, uint8_t tag, der_elem *e);

/* Checks INTEGER contents for minimality (X.690 §8.3.2); GLASS_ERR_DER_INTEGER
 * for an empty INTEGER or a redundant leading 0x00/0xFF. */
glass_err der_check_integer(const uint8_t *v, size_t len);
/* Reads an INTEGER and returns its contents (two's complement, minimal). */
glass_err der_read_integer(der_reader *r, const uint8_t **v, size_t *len);
/* Reads a non-negative INTEGER into an mpz (GLASS_ERR_DER_VALUE if < 0). */
glass_err der_read_mpz(der_reader *r, mpz_t x);
/* Reads a non-negative INTEGER that fits in a long. */
glass_err der_read_long(der_reader *r, long *x);
/* BOOLEAN: contents one byte, 0x00 or 0xFF (GLASS_ERR_DER_VALUE). */
glass_err der_read_bool(der_reader *r, int *b);
/* NULL: empty contents. */
glass_err der_read_null(der_reader *r);
/* OBJECT IDENTIFIER: returns the contents; checks the encoding (X.690 §8.19:
 * non-empty, base-128 subidentifiers without 0x80 padding, last byte
 * ends a subidentifier). */
glass_err der_read_oid(der_reader *r, const uint8_t **oid, size_t *len);
/* The same encoding check on OID contents already in hand. */
glass_err der_check_oid(const uint8_t *v, size_t len);
/* BIT STRING: *unused = the count of unused bits in the last byte (0..7),
 * which must be zero bits (DER, X.690 §11.2.1). */
glass_err der_read_bit_string(der_reader *r, const uint8_t **bits, size_t *len, unsigned *unused);
/* OCTET STRING contents. */
glass_err der_read_octets(der_reader *r, const uint8_t **v, size_t *len);
/* UTCTime (YYMMDDHHMMSSZ, years 1950..2049 per RFC 5280 §4.1.2.5.1) or
 * GeneralizedTime (YYYYMMDDHHMMSSZ) to seconds since the epoch. */
glass_err der_read_time(der_reader *r, int64_t *t);
/* The same on contents already read, tag DER_UTC_TIME or
 * DER_GENERALIZED_TIME. */
glass_err der_parse_time(uint8_t tag, const uint8_t *v, size_t len, int64_t *t);

/* Days-from-civil and back (proleptic Gregorian, UTC). */
int64_t der_time_from_civil(int y, int mon, int d, int h, int min, int s);
void der_time_to_civil(int64_t t, int *y, int *mon, int *d, int *h, int *min, int *s);

/* ---- encoding ------------------------------------------------------------ */

typedef struct der_buf {
    uint8_t *data;
    size_t len;
    size_t cap;
    glass_err err;          /* sticky: the first failure */
} der_buf;

void der_buf_init(der_buf *b);
/* Wipes and frees. */
void der_buf_free(der_buf *b);
/* Hands the bytes over (*out malloc'd, caller frees) or returns the sticky
 * error (and frees).  The buffer is empty afterwards. */
glass_err der_buf_take(der_buf *b, uint8_t **out, size_t *len);

/* Starts a constructed element; returns the offset to give der_end. */
size_t der_begin(der_buf *b);
/* Ends it: everything written since `start` becomes the contents of one
 * element with this tag. */
void der_end(der_buf *b, size_t start, uint8_t tag);

/* Appends bytes as they are (an element already encoded). */
void der_put_raw(der_buf *b, const void *p, size_t len);
/* Appends one primitive element: tag, the DER length of len, then v. */
void der_put_tlv(der_buf *b, uint8_t tag, const void *v, size_t len);
/* An INTEGER from an unsigned big-endian magnitude (leading zeros dropped,
 * 0x00 prepended when the top bit is set). */
void der_put_integer_unsigned(der_buf *b, const uint8_t *mag, size_t len);
/* An INTEGER from an unsigned value. */
void der_put_uint(der_buf *b, uint64_t v);
void der_put_mpz(der_buf *b, const mpz_t x);    /* x >= 0 */
/* BOOLEAN (0xFF for any non-zero v, X.690 §11.1) and NULL. */
void der_put_bool(der_buf *b, int v);
void der_put_null(der_buf *b);
/* oid: the contents octets (see asn1/oid.c's table). */
void der_put_oid(der_buf *b, const uint8_t *oid, size_t len);
/* BIT STRING: the unused-bits count (0..7), then the bytes. */
void der_put_bit_string(der_buf *b, const uint8_t *bits, size_t len, unsigned unused);
/* OCTET STRING. */
void der_put_octets(der_buf *b, const uint8_t *v, size_t len);
/* UTCTime for 1950..2049, GeneralizedTime otherwise (RFC 5280 §4.1.2.5). */
void der_put_time(der_buf *b, int64_t t);

/* ---- object identifiers --------------------------------------------------- */

/* Well-known OIDs, as DER contents bytes. */
typedef struct der_oid {
    const char *name;       /* "rsaEncryption" */
    const char *dotted;     /* "1.2.840.113549.1.1.1" */
    const uint8_t *der;
    size_t len;
} der_oid;

extern const der_oid ASN1_OID_RSA_ENCRYPTION, ASN1_OID_SHA256_WITH_RSA, ASN1_OID_SHA256,
    ASN1_OID_PBES2, ASN1_OID_PBKDF2, ASN1_OID_HMAC_SHA256, ASN1_OID_AES256_CBC,
    ASN1_OID_AT_CN, ASN1_OID_AT_C, ASN1_OID_AT_L, ASN1_OID_AT_ST, ASN1_OID_AT_O, ASN1_OID_AT_OU, ASN1_OID_EMAIL,
    ASN1_OID_EXTENSION_REQUEST,
    ASN1_OID_CE_SKI, ASN1_OID_CE_KEY_USAGE, ASN1_OID_CE_SAN, ASN1_OID_CE_BASIC_CONSTRAINTS,
    ASN1_OID_CE_CRL_NUMBER, ASN1_OID_CE_AKI, ASN1_OID_CE_EXT_KEY_USAGE,
    ASN1_OID_KP_SERVER_AUTH, ASN1_OID_KP_CLIENT_AUTH, ASN1_OID_ANY_EKU;

/* 1 if contents v[0..len) are this OID. */
int der_oid_eq(const uint8_t *v, size_t len, const der_oid *oid);
/* The name of a known OID, or NULL. */
const char *der_oid_name(const uint8_t *v, size_t len);
/* Writes the dotted form ("2.5.4.3") of OID contents into out. */
glass_err der_oid_to_dotted(const uint8_t *v, size_t len, char *out, size_t cap);

/* ---- Base64 (RFC 4648 §4) and PEM (RFC 7468) -------------------------- */

/* Encodes to a NUL-terminated string without line breaks; out_cap must be
 * at least 4*ceil(len/3)+1. */
glass_err pem_base64_encode(const uint8_t *in, size_t len, char *out, size_t out_cap);
/* Decodes strictly: the standard alphabet, '=' padding only at the end,
 * length a multiple of 4, unused bits zero.  No whitespace.  *out malloc'd. */
glass_err pem_base64_decode(const char *in, size_t len, uint8_t **out, size_t *out_len);

/* Labels glasstls writes and reads. */
#define PEM_CERTIFICATE         "CERTIFICATE"
#define PEM_CERTIFICATE_REQUEST "CERTIFICATE REQUEST"
#define PEM_X509_CRL            "X509 CRL"
#define PEM_PRIVATE_KEY         "PRIVATE KEY"
#define PEM_ENCRYPTED_KEY       "ENCRYPTED PRIVATE KEY"
#define PEM_RSA_PRIVATE_KEY     "RSA PRIVATE KEY"
#define PEM_PUBLIC_KEY          "PUBLIC KEY"
#define PEM_RSA_PUBLIC_KEY      "RSA PUBLIC KEY"

#define PEM_LABEL_MAX 64

/* Wraps DER in "-----BEGIN label-----", Base64 in 64-character lines, and
 * "-----END label-----\n" (RFC 7468 §2).  *out is NUL-terminated; *out_len
 * excludes the NUL. */
glass_err pem_encode(const char *label, const uint8_t *der, size_t len,
                     char **out, size_t *out_len);

/* Finds the first PEM block in text[0..len) (text before it is ignored, as
 * RFC 7468 §2 allows explanatory text).  label: the one wanted, or NULL for
 * any; the label found is copied to label_out (PEM_LABEL_MAX bytes) when not
 * NULL.  Lines may be of any length and carry surrounding whitespace (the
 * "lax" parser of RFC 7468 §3).  Header lines ("Proc-Type:", "DEK-Info:",
 * RFC 1421 encryption) are refused with GLASS_ERR_PEM_HEADERS.
 * *consumed is the offset just past the END line, so a caller can loop.
 * Errors: GLASS_ERR_PEM (no block, missing END, END label differs),
 * GLASS_ERR_PEM_LABEL, GLASS_ERR_BASE64. */
glass_err pem_decode(const char *text, size_t len, const char *label, char *label_out,
                     uint8_t **der, size_t *der_len, size_t *consumed);

/* 1 if data contains "-----BEGIN " (so it is meant as PEM), else 0. */
int pem_detect(const uint8_t *data, size_t len);

/* ---- the annotated walk (annotate.c) -------------------------------------- */

/* The ASN.1 definitions the walk can name fields from: Certificate and
 * CertificateList (RFC 5280 §4.1, §5.1), CertificationRequest (RFC 2986
 * §4), the key formats (RFC 8017 A.1, RFC 5208 §5, RFC 5958 §3, RFC 5280
 * §4.1.2.7) and PFX (RFC 7292 §4).  Opaque: get one by PEM label or guess. */
typedef struct der_schema der_schema;

/* The schema for a PEM label ("CERTIFICATE", "PRIVATE KEY", ...), or NULL. */
const der_schema *der_schema_for_label(const char *label);
/* For DER without a label: the schema its first elements' shape suggests
 * (certificate, request, CRL, keys, PKCS#12), or NULL. */
const der_schema *der_schema_guess(const uint8_t *der, size_t len);

/* The name of a tag: "SEQUENCE", "INTEGER", "[0]", "[APPLICATION 1]"
 * (written into buf, cap bytes, when it has no fixed name). */
const char *der_tag_name(uint8_t tag, char *buf, size_t cap);

/* One element met by der_annotate, in document order (a constructed
 * element before its contents).  Pointers are valid during the call only. */
typedef struct der_note {
    unsigned depth;         /* 0 for the outermost elements */
    size_t offset;          /* of its first header byte, from the walk's start */
    const der_elem *elem;   /* tag, header bytes (start, hdr_len), contents */
    const char *tag_name;   /* der_tag_name of elem->tag */
    const char *field;      /* its name in the schema ("serialNumber"), or NULL */
    const char *value;      /* a primitive's value in words, as `glass asn1parse`
                             * prints it after the field: " = 3",
                             * " = commonName (2.5.4.3)", " (no value)"; or "" */
    int opens;              /* 1: an OCTET or BIT STRING whose contents are DER:
                             * they follow, one level deeper */
} der_note;

typedef void (*der_note_fn)(void *arg, const der_note *note);

/* Where and why a walk stopped. */
typedef struct der_fault {
    glass_err err;          /* GLASS_OK, or the decoder's error */
    size_t offset;          /* where the element that failed starts */
    int too_deep;           /* 1: nesting went past DER_ANNOTATE_MAX_DEPTH */
} der_fault;

#define DER_ANNOTATE_MAX_DEPTH 64

/* Walks every element of der[0..len) with the strict decoder, calling fn
 * for each: constructed elements are entered, and an OCTET STRING or BIT
 * STRING is opened when the schema says it holds DER, or when its contents
 * are well-formed DER throughout and start with a SEQUENCE or a string.
 * Field names come from schema s (NULL: none); an OPTIONAL field whose tag
 * does not appear is skipped.  Returns GLASS_OK, or the decoder's error
 * (GLASS_ERR_DER_*) with *fault saying where (fault may be NULL);
 * elements before the fault have been reported. */
glass_err der_annotate(const uint8_t *der, size_t len, const der_schema *s, der_note_fn fn,
                       void *arg, der_fault *fault);

#endif
