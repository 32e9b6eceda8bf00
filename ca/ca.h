/*
 * ca.h — keys on disk, X.509 v3 certificates, PKCS#10 requests, CRLs, chain
 * verification and a small certificate authority.
 *
 * SYNOPSIS
 *     Key files (RFC 8017 §A.1, RFC 5208/5958 PKCS#8, RFC 8018 §6.2 PBES2):
 *         ca_key_load_private(data, len, password, &key);     PEM or DER, any form
 *         ca_key_save_private_pem(&key, password, iters, &pem, &len);
 *         ca_key_encode_private(&key, KEY_FORMAT_PKCS1, ...);
 *         ca_key_load_public / ca_key_encode_public              SPKI or RSAPublicKey
 *     Certificates (RFC 5280):
 *         x509_parse(&c, der, len);  x509_free(&c);
 *         x509_load_pem_file(path, &certs, &n);
 *         x509_verify_chain(chain, n, anchors, n_anchors, crl, purpose, now, &i);
 *         x509_check_host(&c, "localhost");
 *     Requests (RFC 2986):
 *         csr_create(&key, "/C=BR/CN=alice", &der, &len);
 *         csr_parse_and_verify(der, len, &info);
 *     CRLs (RFC 5280 §5):  x509_crl_parse(&crl, der, len);  x509_crl_free(&crl);
 *     The authority (a directory it owns):
 *         ca_init(dir, "/CN=Root", password, now);
 *         ca_open(&ca, dir, password);
 *         ca_sign_request(ca, csr, len, CA_PROFILE_SERVER, days, san, now, &der, &len);
 *         ca_revoke(ca, serial, len, now);  ca_crl_current(ca, now, &der, &len);
 *         ca_close(ca);
 *
 * DESCRIPTION
 *     Everything here is built on asn1/asn1.h (DER, Base64, PEM) and the RSA
 *     primitives of rsa/rsa.h.  Signatures are sha256WithRSAEncryption
 *     (RSASSA-PKCS1-v1_5 with SHA-256, RFC 8017 §8.2) throughout.
 *
 *     Files in ca/:
 *         keyfile.c   PKCS#1, PKCS#8, encrypted PKCS#8 (PBES2), SPKI
 *         name.c      Names: "/C=BR/CN=x" <-> DER Name, printable forms
 *         x509.c      certificate parsing, the text dump
 *         x509_build.c building and signing certificates
 *         x509_ext.c  extensions in OpenSSL's configuration syntax
 *         conf.c      OpenSSL's configuration files; conf_req.c their [req]
 *         serial.c    serial numbers: random, -set_serial, serial files
 *         pkcs12.c    PKCS#12 files; pkcs12_mac.c their MAC, pbes2.c their
 *                     encryption
 *         csr.c       PKCS#10 requests
 *         crl.c       X.509 v2 CRLs
 *         verify.c    RFC 5280 §6 path validation (a simple profile)
 *         authority.c the CA directory: init, open, issuing
 *         ca_store.c  its files, lock and index
 *         ca_revoke.c revoking, CRLs, reading the index
 *         ca_log.c    checking the issuance log
 *         ca_txn.c    issuance as one transaction, and crash recovery
 *         ca_check.c  glass ca check [--repair]
 *         enroll.c    one-time enrollment codes (ca/enroll.h: they are
 *                     consumed inside an issuance); enroll_store.c their file
 *
 * STANDARDS
 *     RFC 5280 (May 2008): §4.1 certificates, §4.2 extensions, §5 CRLs, §6
 *     path validation.  RFC 2986 (November 2000): PKCS#10 requests.
 *     RFC 5208 (May 2008) §5 and RFC 5958 (August 2010) §2: PKCS#8
 *     PrivateKeyInfo; RFC 5208 §6: EncryptedPrivateKeyInfo.  RFC 8018
 *     (January 2017): §5.2 PBKDF2, §6.2 PBES2.  RFC 8017 (November 2016):
 *     §A.1 the RSA key syntax, §8.2 the signatures.  RFC 7468 (April 2015):
 *     PEM labels.  RFC 6125 (March 2011) §6.4: host names.
 *
 * CAVEATS
 *     A simple profile, enough for a classroom CA and not for the Web PKI:
 *     RSA keys and sha256WithRSAEncryption only; no name constraints, no
 *     policies, no wildcard names, no AIA fetching or OCSP; one CRL at a
 *     time, from the certificate's own issuer.  At most X509_MAX_SAN names
 *     of each kind are kept.  Names use only C, ST, L, O, OU, CN and
 *     emailAddress.  Times are seconds since 1970 and are passed in (now),
 *     never read from the clock here.  The CA serialises processes with a
 *     lock file, not threads (see "The certificate authority" below).
 *
 * SECURITY CONSIDERATIONS
 *     Every key loaded is checked with rsa_check_private().  The CA signs a
 *     request only after checking its self-signature.  Chain verification
 *     fails closed: an unknown critical extension is an error, and a leaf
 *     must carry the purpose asked for.  The CA key lives encrypted (PBES2,
 *     KEY_DEFAULT_ITERATIONS of PBKDF2) in a 0600 file, and every file of
 *     the CA is replaced atomically under the lock.  Serials are 16 random
 *     bytes, so a certificate's serial cannot be predicted (a chosen-prefix
 *     collision needs a predictable prefix).
 *
 * CONSTANT TIME
 *     | file        | CT  | what leaks
 *     | keyfile.c   | —   | key bytes are parsed and copied, never computed
 *     |             |     | on; every PBES2 failure after the key derivation
 *     |             |     | is the one error GLASS_ERR_KEY_PASSWORD (no
 *     |             |     | padding oracle); buffers with key bytes wiped
 *     | x509.c, csr.c, crl.c, verify.c, name.c
 *     |             | no  | nothing secret: certificates, requests, CRLs
 *     |             |     | and names are public
 *     | authority.c, ca_txn.c, ca_revoke.c
 *     |             | —   | the CA key is used only through rsa/ (blinded,
 *     |             |     | mpz_powm_sec)
 *     | pbes2.c, pkcs12.c
 *     |             | —   | one error (GLASS_ERR_KEY_PASSWORD) for every
 *     |             |     | failure after the key derivation; the padding
 *     |             |     | check is aes/'s constant-time one
 *     | pkcs12_mac.c| yes | the MAC is compared with glass_ct_equal; the
 *     |             |     | password's length shows, as in PBKDF2
 *     | x509_build.c, x509_ext.c, serial.c, ca_store.c, ca_log.c, ca_check.c,
 *     | conf.c, conf_req.c
 *     |             | no  | nothing secret
 *     Parsing a private key (asn1/der.c, asn1/pem.c) branches on its bytes:
 *     see asn1.h for what that shows.
 */
#ifndef GLASS_CA_H
#define GLASS_CA_H

#include "common/common.h"
#include "rsa/rsa.h"

#include <stddef.h>
#include <stdint.h>

/* ======================================================================
 * Key files
 * ====================================================================== */

/* PBKDF2 iteration count used when none is given (RFC 8018 §4.2 asks for
 * "at least 1000"; today's advice is far more). */
#define KEY_DEFAULT_ITERATIONS 100000u
/* The most PBKDF2 iterations an encrypted key may ask for, when we write one
 * and when we read one: the count comes from the file, so a hostile file
 * could otherwise make loading it cost seconds (1 000 000 is about 0.35 s). */
#define KEY_MAX_ITERATIONS 1000000u

enum key_format {
    KEY_FORMAT_PKCS1,           /* RSAPrivateKey, "RSA PRIVATE KEY" (RFC 8017 §A.1.2) */
    KEY_FORMAT_PKCS8,           /* PrivateKeyInfo, "PRIVATE KEY" (RFC 5208 §5) */
    KEY_FORMAT_PKCS8_ENCRYPTED  /* EncryptedPrivateKeyInfo, "ENCRYPTED PRIVATE KEY" */
};

/* Loads an RSA private key from data[0..len): PEM ("RSA PRIVATE KEY",
 * "PRIVATE KEY", "ENCRYPTED PRIVATE KEY") or DER of any of the three.  key
 * must have been rsa_private_init'ed.  An encrypted key needs password
 * (NULL: GLASS_ERR_KEY_PASSWORD); PBES2 with PBKDF2-HMAC-SHA256 and
 * AES-256-CBC is supported, anything else is GLASS_ERR_KEY_ENCRYPTION.  A
 * wrong password and a corrupted ciphertext both give GLASS_ERR_KEY_PASSWORD.
 * The key is checked with rsa_check_private() before it is returned. */
glass_err ca_key_load_private(const uint8_t *data, size_t len, const char *password,
                           rsa_private_key *key);

/* 1 if data holds an encrypted private key (PEM label "ENCRYPTED PRIVATE
 * KEY" or the DER of an EncryptedPrivateKeyInfo), else 0.  Lets a command
 * ask for a password only when it needs one. */
int ca_key_is_encrypted(const uint8_t *data, size_t len);

/* Encodes a private key as DER in the given format.  For
 * KEY_FORMAT_PKCS8_ENCRYPTED, password must be non-NULL and iterations >= 1
 * (0 means KEY_DEFAULT_ITERATIONS); a fresh random salt and IV are used.
 * *der is malloc'd; the caller wipes and frees it. */
glass_err ca_key_encode_private(const rsa_private_key *key, enum key_format format,
                             const char *password, uint32_t iterations,
                             uint8_t **der, size_t *der_len);

/* Same, as PEM text with the matching label (NUL-terminated, *len excludes
 * the NUL). */
glass_err ca_key_encode_private_pem(const rsa_private_key *key, enum key_format format,
                                 const char *password, uint32_t iterations,
                                 uint8_t **pem, size_t *len);

/* The usual case: password NULL writes a plain PKCS#8 "PRIVATE KEY",
 * otherwise an "ENCRYPTED PRIVATE KEY" (PBES2, PBKDF2-HMAC-SHA256 with
 * `iterations` (0: the default), AES-256-CBC). */
glass_err ca_key_save_private_pem(const rsa_private_key *key, const char *password,
                               uint32_t iterations, uint8_t **pem, size_t *len);

/* Loads an RSA public key: PEM "PUBLIC KEY" (SubjectPublicKeyInfo) or
 * "RSA PUBLIC KEY" (RSAPublicKey), or the DER of either.  pub must have been
 * rsa_public_init'ed; it is checked with rsa_check_public(). */
glass_err ca_key_load_public(const uint8_t *data, size_t len, rsa_public_key *pub);

/* Encodes a public key: spki = 1 gives SubjectPublicKeyInfo (RFC 5280
 * §4.1.2.7, label "PUBLIC KEY"), spki = 0 an RSAPublicKey (RFC 8017 §A.1.1,
 * "RSA PUBLIC KEY").  *der malloc'd. */
glass_err ca_key_encode_public(const rsa_public_key *pub, int spki, uint8_t **der, size_t *der_len);

/* ======================================================================
 * Names
 * ====================================================================== */

/* Longest printable name we produce ("/C=BR/O=.../CN=..."), with the NUL. */
#define X509_NAME_STR_MAX 512

/* Parses OpenSSL's "/C=BR/ST=SP/L=City/O=Org/OU=Unit/CN=alice/emailAddress=a@b"
 * syntax ("\/" escapes a slash) into a DER Name (RFC 5280 §4.1.2.4).  Only
 * the attributes named are accepted (GLASS_ERR_SUBJECT_SYNTAX otherwise).
 * C is a PrintableString of 2 letters, emailAddress an IA5String, the rest
 * UTF8String.  *der is malloc'd. */
glass_err x509_name_from_string(const char *subject, uint8_t **der, size_t *der_len);

/* Renders a DER Name as "/C=BR/CN=alice" (slashes in values escaped as
 * "\/").  GLASS_ERR_BUFFER_TOO_SMALL if it does not fit in cap. */
glass_err x509_name_to_string(const uint8_t *der, size_t len, char *out, size_t cap);

/* ======================================================================
 * Certificates
 * ====================================================================== */

/* keyUsage bits (RFC 5280 §4.2.1.3), as flags: bit i of the BIT STRING is
 * (1u << i). */
#define X509_KU_DIGITAL_SIGNATURE  (1u << 0)
#define X509_KU_NON_REPUDIATION    (1u << 1)
#define X509_KU_KEY_ENCIPHERMENT   (1u << 2)
#define X509_KU_DATA_ENCIPHERMENT  (1u << 3)
#define X509_KU_KEY_AGREEMENT      (1u << 4)
#define X509_KU_KEY_CERT_SIGN      (1u << 5)
#define X509_KU_CRL_SIGN           (1u << 6)
#define X509_KU_ENCIPHER_ONLY      (1u << 7)
#define X509_KU_DECIPHER_ONLY      (1u << 8)

/* extendedKeyUsage purposes we recognise (RFC 5280 §4.2.1.12). */
#define X509_EKU_SERVER (1u << 0)   /* id-kp-serverAuth */
#define X509_EKU_CLIENT (1u << 1)   /* id-kp-clientAuth */
#define X509_EKU_ANY    (1u << 2)   /* anyExtendedKeyUsage */
#define X509_EKU_OTHER  (1u << 3)   /* some purpose we do not know */

#define X509_MAX_SAN       16       /* SAN entries of each kind we keep (the
                                       rest are ignored by x509_check_host) */
#define X509_SAN_DNS_MAX   254      /* a DNS name and its NUL */
#define X509_SERIAL_MAX    20       /* RFC 5280 §4.1.2.2: at most 20 octets */
#define X509_KEYID_MAX     64

typedef struct x509_cert {
    uint8_t *der;               /* the whole Certificate (owned) */
    size_t der_len;
    const uint8_t *tbs;         /* tbsCertificate, header included (in der) */
    size_t tbs_len;
    int version;                /* 1, 2 or 3 */
    uint8_t serial[X509_SERIAL_MAX + 1];  /* INTEGER contents, as encoded */
    size_t serial_len;
    const uint8_t *issuer_der;  /* the issuer Name, header included (in der) */
    size_t issuer_len;
    const uint8_t *subject_der;
    size_t subject_len;
    char issuer[X509_NAME_STR_MAX];   /* "/C=BR/CN=Root" */
    char subject[X509_NAME_STR_MAX];
    int64_t not_before;         /* seconds since 1970-01-01T00:00:00Z */
    int64_t not_after;
    const uint8_t *spki_der;    /* SubjectPublicKeyInfo, header included */
    size_t spki_len;
    rsa_public_key pub;
    /* extensions (RFC 5280 §4.2) */
    int has_basic_constraints;
    int is_ca;                  /* basicConstraints cA */
    int path_len;               /* pathLenConstraint, -1 if absent */
    int has_key_usage;
    unsigned key_usage;         /* X509_KU_* */
    int has_ext_key_usage;
    unsigned ext_key_usage;     /* X509_EKU_* */
    size_t n_san_dns;
    char san_dns[X509_MAX_SAN][X509_SAN_DNS_MAX];
    size_t n_san_ip;
    uint8_t san_ip[X509_MAX_SAN][16];
    size_t san_ip_len[X509_MAX_SAN];   /* 4 (IPv4) or 16 (IPv6) */
    uint8_t ski[X509_KEYID_MAX];       /* subjectKeyIdentifier */
    size_t ski_len;                    /* 0 if absent */
    uint8_t aki[X509_KEYID_MAX];       /* authorityKeyIdentifier keyIdentifier */
    size_t aki_len;
    int unknown_critical;       /* 1 if a critical extension we do not
                                   process is present (verify refuses it) */
    /* signatureAlgorithm and signatureValue */
    int sig_alg_ok;             /* 1 if sha256WithRSAEncryption */
    const uint8_t *sig;         /* in der */
    size_t sig_len;
} x509_cert;

/* Parses a DER Certificate strictly (RFC 5280 §4.1): every length checked,
 * no trailing bytes, v3 extensions decoded.  On success c owns a copy of
 * der; free it with x509_free.  Errors: GLASS_ERR_DER_* for bad encoding,
 * GLASS_ERR_X509_PARSE for well-formed DER that is not a certificate we
 * accept (e.g. a non-RSA key).  On failure c needs no x509_free. */
glass_err x509_parse(x509_cert *c, const uint8_t *der, size_t len);

/* Releases what x509_parse allocated; c may then be reused. */
void x509_free(x509_cert *c);

/* Parses every "CERTIFICATE" block of a PEM buffer (or one DER certificate)
 * into a malloc'd array; *n >= 1 on success.  Free each with x509_free and
 * the array with x509_free_all. */
glass_err x509_load_pem(const uint8_t *data, size_t len, x509_cert **certs, size_t *n);
glass_err x509_load_pem_file(const char *path, x509_cert **certs, size_t *n);
void x509_free_all(x509_cert *certs, size_t n);

/* Copies the subject's commonName (the last CN) into out as a C string.
 * GLASS_ERR_X509_NAME if the subject has no CN. */
glass_err x509_subject_cn(const x509_cert *c, char *out, size_t cap);

/* RFC 6125 style host check, simplified: host matches a SAN dNSName exactly
 * (ASCII case-insensitive, no wildcards), or host is an IPv4/IPv6 literal
 * equal to a SAN iPAddress.  The CN is not consulted (RFC 6125 §6.4.4 keeps
 * it only as a fallback we do not need).  GLASS_ERR_X509_NAME on a mismatch. */
glass_err x509_check_host(const x509_cert *c, const char *host);

/* Checks that c's signature verifies with issuer_pub (sha256WithRSAEncryption).
 * GLASS_ERR_X509_SIGNATURE if not. */
glass_err x509_check_signature(const x509_cert *c, const rsa_public_key *issuer_pub);

/* SHA-256 of the DER certificate (what `openssl x509 -fingerprint -sha256`
 * shows). */
void x509_fingerprint(const x509_cert *c, uint8_t out[32]);

/* Writes a human-readable dump, in the spirit of `openssl x509 -text`, to a
 * FILE* (declared void* to keep stdio out of this header). */
void x509_print_text(void *file, const x509_cert *c);

/* ---- issuing certificates the way `openssl req -x509` and `openssl x509
 *      -req` do (x509_build.c, x509_ext.c) ---- */

/* The extensions a certificate will carry, chosen by a CA profile or written
 * in OpenSSL's extension syntax (x509v3_config(5)), from -addext or an
 * -extfile:
 *     basicConstraints       = critical, CA:TRUE, pathlen:0
 *     keyUsage               = critical, digitalSignature, keyEncipherment
 *     extendedKeyUsage       = serverAuth, clientAuth
 *     subjectAltName         = DNS:localhost, IP:127.0.0.1   (or @section)
 *     subjectKeyIdentifier   = hash
 *     authorityKeyIdentifier = keyid:always, issuer
 * They are written in the order they were first given. */
enum x509_ext_kind {
    X509_EXT_SKI, X509_EXT_AKI, X509_EXT_BC, X509_EXT_KU, X509_EXT_EKU, X509_EXT_SAN,
    X509_EXT_KINDS
};
#define X509_EXT_SAN_MAX 1024

/* More extendedKeyUsage purposes, for writing (RFC 5280 §4.2.1.12). */
#define X509_EKU_CODE_SIGNING (1u << 4)
#define X509_EKU_EMAIL        (1u << 5)
#define X509_EKU_TIME_STAMP   (1u << 6)
#define X509_EKU_OCSP_SIGNING (1u << 7)

typedef struct x509_ext_set {
    unsigned char order[X509_EXT_KINDS];  /* the kinds present, in order */
    size_t n;                             /* how many; 0 makes a v1 certificate */
    unsigned critical;                    /* bit (1 << kind) for each critical one */
    int ca;                               /* basicConstraints cA */
    int path_len;                         /* -1: no pathLenConstraint */
    unsigned key_usage;                   /* X509_KU_* */
    unsigned ext_key_usage;               /* X509_EKU_* */
    char san[X509_EXT_SAN_MAX];           /* "DNS:a,IP:1.2.3.4" */
} x509_ext_set;

/* An empty set (no extensions). */
void x509_ext_init(x509_ext_set *s);

/* Adds one "name = value" line (OpenSSL syntax, see above); a kind given
 * twice replaces the first.  A value of the form @section can only come
 * through x509_ext_load.  On GLASS_ERR_ARG, why (if not NULL) says what
 * was wrong in a few words. */
glass_err x509_ext_add(x509_ext_set *s, const char *line, char *why, size_t why_cap);

/* Adds the extensions of one section of an OpenSSL-style configuration
 * file (what `openssl x509 -extfile F -extensions S` reads).  section NULL
 * means the section named by "extensions = S" in the file's opening
 * (unnamed) part, or else that opening part itself.  "subjectAltName =
 * @alt_names" takes DNS.1 = ..., IP.1 = ... lines from [alt_names].
 * GLASS_ERR_FILE_OPEN / GLASS_ERR_IO for the file, GLASS_ERR_ARG with why
 * ("line 7: unknown extension 'nsComment'") for its contents. */
glass_err x509_ext_load(x509_ext_set *s, const char *path, const char *section,
                        char *why, size_t why_cap);

/* ---- OpenSSL's configuration files (conf.c; [req] in conf_req.c) ---- */

/* A parsed configuration file: sections of "name = value" (openssl
 * config(5)); the lines before the first [section] are section "default".
 * Values are already expanded ($var, ${section::var}, $ENV::VAR, quotes,
 * escapes). */
typedef struct conf_file conf_file;

/* Parses text (name says where it came from, for messages).  On
 * GLASS_ERR_ARG, why says "NAME:LINE: what was wrong".  Free with conf_free. */
glass_err conf_parse(const char *name, const char *text, size_t len, conf_file **out,
                     char *why, size_t why_cap);
/* Reads and parses a file (at most 1 MiB): GLASS_ERR_FILE_OPEN, GLASS_ERR_IO,
 * or conf_parse's errors. */
glass_err conf_load(const char *path, conf_file **out, char *why, size_t why_cap);
void conf_free(conf_file *c);
/* The last value of name in section (NULL: "default"), else in the opening
 * part, else NULL. */
const char *conf_get(const conf_file *c, const char *section, const char *name);
/* 1 if the file has a [section] (even an empty one). */
int conf_has_section(const conf_file *c, const char *section);
/* The next "name = value" of section at or after *pos (start at 0), in file
 * order, with its line number (line may be NULL); advances *pos past it.
 * 0 when there are no more:
 *     for (size_t pos = 0; conf_next(c, "req", &pos, &name, &value, &line);) */
int conf_next(const conf_file *c, const char *section, size_t *pos, const char **name,
              const char **value, size_t *line);
size_t conf_count(const conf_file *c, const char *section);
/* The file's name as given, and the notes about lines read but not
 * followed (".include"), one per line ("" when none). */
const char *conf_name(const conf_file *c);
const char *conf_notes(const conf_file *c);

/* x509_ext_load on a file already read: the extensions of section (NULL as
 * in x509_ext_load).  why says "FILE:LINE: what" on GLASS_ERR_ARG. */
glass_err x509_ext_from_conf(x509_ext_set *s, const conf_file *c, const char *section,
                             char *why, size_t why_cap);
/* 1 if s holds that kind of extension. */
int x509_ext_has(const x509_ext_set *s, enum x509_ext_kind kind);
/* The extensions of a certificate made from a request (x509
 * -copy_extensions): the request's (req) first, then the -extfile's (file).
 * all = 0 (copy): a kind the file has is taken from the file; all = 1
 * (copyall): from the request. */
void x509_ext_merge(x509_ext_set *out, const x509_ext_set *req, const x509_ext_set *file,
                    int all);
/* What OpenSSL 3 adds to every v3 certificate it signs when the extensions
 * do not say: subjectKeyIdentifier, and authorityKeyIdentifier unless
 * self_signed.  Nothing for an empty set (a v1 certificate). */
void x509_ext_key_ids(x509_ext_set *s, int self_signed);
/* Prints s as `openssl req -text` does (each line after indent); ski is the
 * subjectKeyIdentifier to show (ski_len 0: "keyid"). */
void x509_ext_print(void *file, const x509_ext_set *s, const char *indent, const uint8_t *ski,
                    size_t ski_len);

/* What `glass req -config` takes from the [req] section (conf_req.c). */
typedef struct conf_req {
    int prompt;                 /* 0 for "prompt = no", else 1 (OpenSSL's default) */
    char subject[X509_NAME_STR_MAX];  /* "/C=BR/CN=x" from distinguished_name when
                                         prompt = no, else "" */
    const char *req_extensions;       /* section names, or NULL (point into the conf) */
    const char *x509_extensions;
    unsigned long default_bits;       /* 0 when not given */
    const char *default_keyfile;      /* NULL when not given */
    int encrypt_key;                  /* -1 not given, 0 "no", 1 "yes" */
    char notes[512];                  /* what was read and ignored, one per line */
} conf_req;

/* Reads [req] (and its distinguished_name section when prompt = no).
 * GLASS_ERR_ARG with why ("FILE:LINE: what") for a value glass cannot use
 * or a section named but missing. */
glass_err conf_req_read(const conf_file *c, conf_req *out, char *why, size_t why_cap);

/* What one certificate will say: serial, issuer, subject, dates, key and
 * extensions.  issuer NULL makes a self-signed certificate (issuer name =
 * subject, the authority key identifier is the subject's own). */
typedef struct x509_sign_params {
    const uint8_t *serial;              /* positive, big-endian magnitude */
    size_t serial_len;                  /* 1..X509_SERIAL_MAX */
    const x509_cert *issuer;            /* NULL: self-signed */
    const uint8_t *subject_der;         /* the subject Name, header included */
    size_t subject_len;
    const rsa_public_key *subject_pub;
    int64_t not_before, not_after;
    const x509_ext_set *ext;            /* NULL or empty: a v1 certificate */
} x509_sign_params;

/* Builds and signs (sha256WithRSAEncryption) the certificate.  The key
 * must be the issuer's (GLASS_ERR_ARG if it does not match issuer's public
 * key, or subject_pub for a self-signed one).  *der malloc'd. */
glass_err x509_sign(const x509_sign_params *p, const rsa_private_key *issuer_key,
                    uint8_t **der, size_t *der_len);

/* ---- serial numbers (serial.c) ---- */

/* A random positive serial of 159 bits in 20 octets, as OpenSSL makes. */
glass_err x509_serial_random(uint8_t serial[X509_SERIAL_MAX], size_t *len);
/* -set_serial N: decimal, or hex after "0x"; positive, at most 20 octets
 * once encoded.  GLASS_ERR_ARG otherwise. */
glass_err x509_serial_parse(const char *text, uint8_t serial[X509_SERIAL_MAX], size_t *len);
/* The serial after the one in the serial file `path` (one line of hex, as
 * OpenSSL's ca.srl).  A missing file is GLASS_ERR_FILE_OPEN, or with create
 * = 1 (-CAcreateserial) a random serial; a file that does not hold a
 * serial is GLASS_ERR_CA_DB.  Nothing is written: see x509_serial_save. */
glass_err x509_serial_next(const char *path, int create, uint8_t serial[X509_SERIAL_MAX],
                           size_t *len);
/* Writes the serial used to the serial file, atomically ("0A1B..\n"). */
glass_err x509_serial_save(const char *path, const uint8_t *serial, size_t len);

/* ---- CRLs (RFC 5280 §5) ---- */

typedef struct x509_crl_entry {
    uint8_t serial[X509_SERIAL_MAX + 1];
    size_t serial_len;
    int64_t revocation_date;
} x509_crl_entry;

typedef struct x509_crl {
    uint8_t *der;               /* owned */
    size_t der_len;
    const uint8_t *tbs;
    size_t tbs_len;
    const uint8_t *issuer_der;
    size_t issuer_len;
    char issuer[X509_NAME_STR_MAX];
    int64_t this_update;
    int64_t next_update;        /* 0 if absent */
    x509_crl_entry *revoked;    /* malloc'd array */
    size_t n_revoked;
    int sig_alg_ok;
    const uint8_t *sig;
    size_t sig_len;
} x509_crl;

/* Parses a DER CertificateList (v1 or v2) strictly.  Free with x509_crl_free. */
glass_err x509_crl_parse(x509_crl *crl, const uint8_t *der, size_t len);
/* Loads a PEM "X509 CRL" (or DER) from a buffer or a file. */
glass_err x509_crl_load(const uint8_t *data, size_t len, x509_crl *crl);
glass_err x509_crl_load_file(const char *path, x509_crl *crl);
void x509_crl_free(x509_crl *crl);
/* 1 if serial (INTEGER contents as in x509_cert.serial) is listed. */
int x509_crl_contains(const x509_crl *crl, const uint8_t *serial, size_t serial_len);

/* ---- chain verification (RFC 5280 §6, a simple profile) ---- */

enum x509_purpose { X509_PURPOSE_ANY, X509_PURPOSE_SERVER, X509_PURPOSE_CLIENT };

/* Verifies chain[0] (the leaf), chain[1], ... up to one of the anchors (the
 * last certificate of the chain may itself be an anchor, or be issued by
 * one).  For each certificate, in order: issuer name chains to the next
 * (GLASS_ERR_X509_ISSUER, or GLASS_ERR_X509_UNKNOWN_CA when no anchor
 * matches), signature (GLASS_ERR_X509_SIGNATURE), validity at `now`
 * (GLASS_ERR_X509_EXPIRED / GLASS_ERR_X509_NOT_YET_VALID), the issuer's
 * basicConstraints cA (GLASS_ERR_X509_NOT_CA), path length
 * (GLASS_ERR_X509_PATH_LEN), the issuer's keyUsage keyCertSign
 * (GLASS_ERR_X509_KEY_USAGE), unknown critical extensions
 * (GLASS_ERR_X509_CRITICAL_EXT), revocation by crl when one is given and it
 * names the certificate's issuer (GLASS_ERR_X509_REVOKED; a CRL with a bad
 * signature, or past its nextUpdate, is GLASS_ERR_X509_CRL; a CRL of some
 * other issuer is ignored), and for the leaf the purpose: extendedKeyUsage
 * and keyUsage (GLASS_ERR_X509_PURPOSE / GLASS_ERR_X509_KEY_USAGE).
 * Only a self-signed anchor ends a path, as with `openssl verify` without
 * -partial_chain: a self-signed certificate that is itself one of the
 * anchors is trusted as it stands (its validity and the leaf's purpose are
 * still checked); any other certificate that is also an anchor is checked
 * like the rest, and an anchor that is not self-signed is walked through
 * like an intermediate, to its own issuer among the anchors
 * (GLASS_ERR_X509_UNKNOWN_CA, failed index n, when there is none).  On
 * failure *failed_index (if not NULL) is the index in chain of the
 * certificate that failed (n for the anchor itself). */
glass_err x509_verify_chain(const x509_cert *chain, size_t n,
                            const x509_cert *anchors, size_t n_anchors,
                            const x509_crl *crl, enum x509_purpose purpose,
                            int64_t now, size_t *failed_index);

/* ======================================================================
 * PKCS#10 certificate requests (RFC 2986)
 * ====================================================================== */

typedef struct csr_info {
    uint8_t *subject_der;       /* the Name, header included (malloc'd) */
    size_t subject_len;
    char subject[X509_NAME_STR_MAX];
    uint8_t *spki_der;          /* SubjectPublicKeyInfo (malloc'd) */
    size_t spki_len;
    rsa_public_key pub;
    /* The extensions asked for in the extensionRequest attribute (RFC 2985
     * §5.4.2), those glass knows; ext.n = 0 when there are none. */
    x509_ext_set ext;
    uint8_t ski[X509_KEYID_MAX];       /* the subjectKeyIdentifier asked for */
    size_t ski_len;
    size_t ext_unknown;         /* extensions (or SAN names, EKU purposes) there
                                   that glass does not know: shown, never copied */
} csr_info;

/* Builds and signs a CertificationRequest for key with the subject given in
 * "/C=BR/CN=alice" form.  *der malloc'd. */
glass_err csr_create(const rsa_private_key *key, const char *subject,
                     uint8_t **der, size_t *der_len);

/* The same, asking for the extensions ext (NULL or empty: none) in an
 * extensionRequest attribute, as `openssl req -new -addext` does.
 * GLASS_ERR_ARG if ext holds authorityKeyIdentifier (a request has no
 * issuer yet). */
glass_err csr_create_ext(const rsa_private_key *key, const char *subject,
                         const x509_ext_set *ext, uint8_t **der, size_t *der_len);

/* Parses a DER CertificationRequest and checks its self-signature
 * (GLASS_ERR_CSR_SIGNATURE).  On success free out with csr_info_free. */
glass_err csr_parse_and_verify(const uint8_t *der, size_t len, csr_info *out);

/* The same for a request a CA is asked to certify: the public exponent is
 * first held to FIPS 186-5 §5.4, an odd 2^16 < e < 2^256
 * (GLASS_ERR_RSA_EXPONENT_RANGE), before the costlier signature check. */
glass_err csr_parse_for_ca(const uint8_t *der, size_t len, csr_info *out);

/* That exponent rule alone, on a parsed request. */
glass_err csr_check_exponent(const csr_info *info);

/* Accepts PEM ("CERTIFICATE REQUEST" or "NEW CERTIFICATE REQUEST") or DER. */
glass_err csr_load(const uint8_t *data, size_t len, csr_info *out);
void csr_info_free(csr_info *info);

/* ======================================================================
 * PKCS#12 files (RFC 7292), as browsers import them (pkcs12.c,
 * pkcs12_mac.c, pbes2.c)
 * ====================================================================== */

/* OpenSSL 3's counts: PBKDF2 for the bags and the MAC's derivation. */
#define PKCS12_DEFAULT_ITERATIONS 2048u
#define PKCS12_MAX_CERTS          32u
#define PKCS12_NAME_MAX           128u

typedef struct pkcs12_contents {
    rsa_private_key key;        /* valid when have_key */
    int have_key;
    x509_cert *certs;           /* the key's own certificate first, when found */
    size_t n_certs;
    char name[PKCS12_NAME_MAX]; /* friendlyName of the key or its certificate */
    char info[2048];            /* one line per layer, for -info */
} pkcs12_contents;

/* Writes a PFX: the certificate (with friendlyName `name` when not NULL and
 * a localKeyID tying it to the key) and the `extra` ones (a chain) in a
 * PBES2-encrypted SafeContents, the key in a pkcs8ShroudedKeyBag
 * (encrypted PKCS#8, PBES2), and an HMAC-SHA256 MAC over it all; every
 * password-based step uses `password` with `iterations` (0: the default).
 * The key must be the certificate's (GLASS_ERR_ARG).  *der malloc'd. */
glass_err pkcs12_create(const rsa_private_key *key, const x509_cert *cert,
                        const x509_cert *extra, size_t n_extra, const char *name,
                        const char *password, uint32_t iterations, uint8_t **der, size_t *len);

/* Reads a PFX: checks the MAC first (GLASS_ERR_KEY_PASSWORD: wrong
 * password or an altered file), then decrypts every bag.  Schemes other
 * than PBES2 with PBKDF2-HMAC-SHA256 and AES-256-CBC, and MACs other than
 * HMAC-SHA256, are GLASS_ERR_KEY_ENCRYPTION (out->info says which);
 * anything not PKCS#12 is GLASS_ERR_DER_* or GLASS_ERR_X509_PARSE.  out
 * must have been pkcs12_contents_init'ed; free it with
 * pkcs12_contents_free, on success or failure. */
glass_err pkcs12_parse(const uint8_t *der, size_t len, const char *password,
                       pkcs12_contents *out);
void pkcs12_contents_init(pkcs12_contents *c);
void pkcs12_contents_free(pkcs12_contents *c);

/* ======================================================================
 * The certificate authority
 *
 * A CA lives in a directory it owns:
 *     ca.pem        the self-signed root certificate
 *     ca.key        its private key, encrypted PKCS#8 (mode 0600)
 *     index.txt     one line per certificate issued, tab-separated like
 *                   OpenSSL's: status (V/R), expiry, revocation date,
 *                   serial (hex), "unknown", subject
 *     issuance.log  one line per certificate: serial, SHA-256 of the DER,
 *                   and the CA's RSA signature over that hash (hex)
 *     certs/SERIAL.pem  a copy of each certificate issued
 *     journal       only while an issuance is being written, or after a
 *                   crash interrupted one (ca_txn.c)
 *     lock          an fcntl() write lock on it is held (bounded wait,
 *                   CA_LOCK_WAIT_MS) around every update; the kernel drops
 *                   it if the holder dies, so a crash never wedges the CA
 *
 * The lock serialises processes.  fcntl() locks belong to a process, so
 * threads of one process must not call the updating functions on the same
 * directory at the same time (a single-threaded server loop is fine).
 * ====================================================================== */

enum ca_profile {
    CA_PROFILE_SERVER,  /* digitalSignature, keyEncipherment; serverAuth; SAN */
    CA_PROFILE_CLIENT   /* digitalSignature; clientAuth */
};

#define CA_DEFAULT_DAYS      365u
#define CA_ROOT_DEFAULT_DAYS 3650u
#define CA_LOCK_WAIT_MS      10000u

typedef struct glass_ca glass_ca;

/* Creates a new CA in dir (created if missing; GLASS_ERR_CA_EXISTS if it
 * already holds a ca.pem): a 2048-bit key, a self-signed root valid
 * CA_ROOT_DEFAULT_DAYS from now (basicConstraints CA:TRUE critical,
 * keyUsage keyCertSign+cRLSign critical, SKI), the encrypted key, an empty
 * index and log.  The subject, the key and the root are all made before
 * anything is written; on any failure whatever this call created (the
 * directory itself included) is removed again. */
glass_err ca_init(const char *dir, const char *subject, const char *password, int64_t now);
/* Same with a chosen key size and root lifetime. */
glass_err ca_init_ex(const char *dir, const char *subject, const char *password,
                     unsigned bits, unsigned days, int64_t now);

/* Same around an existing key (`glass ca init --key FILE`): key is copied
 * and checked with rsa_check_private; bits is ignored when key is given. */
glass_err ca_init_key(const char *dir, const char *subject, const char *password,
                      const rsa_private_key *key, unsigned bits, unsigned days, int64_t now);

/* Opens the CA: loads ca.pem and decrypts ca.key with password (NULL: open
 * without the key, enough for ca_certificate and ca_list; signing then
 * fails with GLASS_ERR_KEY_PASSWORD).  GLASS_ERR_CA_DIR if files are missing. */
glass_err ca_open(glass_ca **ca, const char *dir, const char *password);
void ca_close(glass_ca *ca);

/* The CA's own certificate (valid until ca_close). */
const x509_cert *ca_certificate(const glass_ca *ca);

/* After a call on ca failed with GLASS_ERR_CA_DB or GLASS_ERR_CA_DIR: the
 * name, within the CA directory, of the file at fault ("index.txt",
 * "crlnumber"), so that a message can name it; NULL when no one file is. */
const char *ca_error_file(const glass_ca *ca);

/* Checks the request's self-signature, then issues a certificate for its
 * subject and key: profile's extensions, `days` of validity from now
 * (0: CA_DEFAULT_DAYS), SAN from san ("DNS:a,IP:1.2.3.4", may be NULL),
 * a random positive 16-byte serial.  The index, log and certs/ copy are
 * updated under the lock, each file atomically.  *cert_der malloc'd. */
glass_err ca_sign_request(glass_ca *ca, const uint8_t *csr_der, size_t len,
                          enum ca_profile profile, unsigned days, const char *san,
                          int64_t now, uint8_t **cert_der, size_t *cert_len);

/* Issuance in two steps, for a caller that must deliver the certificate
 * (write a file, send it) before it counts: ca_issue_begin does
 * everything ca_sign_request does up to the certificate itself, takes the
 * CA's lock and writes nothing; ca_issue_certificate gives the DER (valid
 * until commit or abort); ca_issue_commit makes it all visible as one
 * transaction (ca_txn.c: journal, certs/SERIAL.pem, the log line, the index
 * entry; after a failure, a crash or a full disk, either all of it is there
 * or none of it); ca_issue_abort leaves the CA as it was.  Both release the
 * lock and free t.  ca_sign_request is begin + commit. */
typedef struct ca_issue ca_issue;
glass_err ca_issue_begin(glass_ca *ca, const uint8_t *csr_der, size_t len,
                         enum ca_profile profile, unsigned days, const char *san, int64_t now,
                         ca_issue **t);
const uint8_t *ca_issue_certificate(const ca_issue *t, size_t *len);
glass_err ca_issue_commit(ca_issue *t);
void ca_issue_abort(ca_issue *t);

/* Finishes or undoes an issuance that a crash interrupted (dir/journal),
 * under the lock; ca_open runs it, so every command that opens the CA does.
 * *recovered (if not NULL): 0 nothing to do, 1 rolled back, 2 completed. */
glass_err ca_recover(const char *dir, int *recovered);

/* `glass ca check` (ca_check.c): reports, one line each to file (a FILE*),
 * an interrupted issuance (journal), temporary files left by a crash,
 * certificate files the index does not know, index entries with no log
 * line or certificate, every problem ca_log_verify finds, enrollment
 * codes used for a certificate (or, without a recorded serial, a name)
 * the index does not hold, and a journal whose code disagrees with it
 * (used though the certificate did not commit, or the reverse).  With repair
 * = 1 it also fixes what can be fixed safely: the journal is recovered
 * (the code rolled back or forward with it),
 * temporary files removed, an index entry missing for a certificate that
 * the signed log vouches for is restored, and a certificate file that
 * neither index nor log knows is removed.  *problems: what was found
 * (before repairing); *repaired: what was fixed. */
glass_err ca_check(const char *dir, int repair, void *file, size_t *problems, size_t *repaired);

/* Marks the certificate with this serial (big-endian bytes, leading zeros
 * ignored) as revoked at `now` in the index.  GLASS_ERR_CA_SERIAL if the CA
 * never issued it; GLASS_ERR_CA_ALREADY_REVOKED (index unchanged, the first
 * date kept: ca_list shows it) if it is revoked already. */
glass_err ca_revoke(glass_ca *ca, const uint8_t *serial, size_t serial_len, int64_t now);

/* Builds and signs an X.509 v2 CRL listing every revoked certificate,
 * thisUpdate = now, nextUpdate = now + 30 days, with AKI and cRLNumber.
 * The number comes from D/crlnumber and is then increased; a file that does
 * not hold a decimal number from 1 to 2^64 - 2 is GLASS_ERR_CA_DB (a missing
 * one GLASS_ERR_CA_DIR), never a restart at 1 (RFC 5280 §5.2.3: CRL numbers
 * only increase). */
glass_err ca_crl_current(glass_ca *ca, int64_t now, uint8_t **der, size_t *len);

/* One entry of the index. */
typedef struct ca_entry {
    char status;                /* 'V' valid, 'R' revoked */
    int64_t not_after;
    int64_t revoked_at;         /* 0 if not revoked */
    uint8_t serial[X509_SERIAL_MAX];
    size_t serial_len;
    char subject[X509_NAME_STR_MAX];
} ca_entry;

/* Reads the index into a malloc'd array (free with free()). */
glass_err ca_list(glass_ca *ca, ca_entry **entries, size_t *n);

/* Checks every line of issuance.log (ca_log.c): the CA's signature over
 * the logged SHA-256, that certs/SERIAL.pem has that hash, that serial and
 * the CA's signature, that index.txt has one entry agreeing with it, and
 * that every index entry has a log line.  Each problem is printed as one
 * line to file (a FILE*, stdout if NULL).  *entries: log lines read;
 * *problems: how many problems (0: the log, index and certificates agree).
 * Errors only for a log or index that cannot be read (GLASS_ERR_CA_DIR,
 * GLASS_ERR_CA_DB; ca_error_file names it). */
glass_err ca_log_verify(glass_ca *ca, void *file, size_t *entries, size_t *problems);

/* 1 if the CA's index says this serial is revoked (for a server that checks
 * its own CA's records directly), else 0. */
int ca_is_revoked(glass_ca *ca, const uint8_t *serial, size_t serial_len);

#endif
