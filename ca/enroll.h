/*
 * enroll.h — one-time enrollment codes, kept in the CA's directory.
 *
 * SYNOPSIS
 *     char code[ENROLL_CODE_STR_MAX];
 *     ca_enroll_code_create(dir, "alice", now, 0, code);      prints nothing
 *     ca_enroll_code_redeem(dir, "alice", code, now, &why);   once only
 *
 * DESCRIPTION
 *     A client that has no certificate yet proves it was invited with a
 *     one-time code that the CA operator handed out (`glass ca enroll-code`).
 *     The server, which holds the CA, redeems the code when the client sends
 *     its certificate request.
 *
 *     A code is 100 random bits from glass_random(), written as 20 characters
 *     of Crockford's Base32 in groups of four: "7K2M-QX4D-9HJB-TR3W-P6NC".
 *     On redeeming, case is ignored, dashes and spaces are dropped, and the
 *     look-alikes O, I and L are read as 0, 1 and 1.
 *
 *     The codes live in DIR/enroll.txt, one line each, tab-separated:
 *
 *         status  expires  used_at  sha256(code) in hex  name
 *         U       1795000000  0     3f9a...           alice
 *
 *     status is U (unused) or X (used); expires and used_at are seconds
 *     since 1970.  Three more columns follow the name: flags ("replace"
 *     for a code made with --replace, else "-"), the SHA-256 of the
 *     SubjectPublicKeyInfo the code was used with, and the serial of the
 *     certificate issued for it ("-" while there is none).  Then, for a
 *     code of the server profile, three more: "server", the subject the
 *     certificate will carry ("/C=BR/.../CN=www.example.test", its CN being
 *     the name) and its subjectAltName ("DNS:www.example.test,IP:127.0.0.1",
 *     or "-").  Files without them (older ones, client codes) still read.  Only the SHA-256 of the code is stored, never the code:
 *     whoever reads the file cannot enroll with it.  Every change takes the
 *     lock DIR/enroll.lock (an fcntl(2) write lock, waited for at most
 *     ENROLL_LOCK_WAIT_MS) and rewrites the file with
 *     glass_write_file_atomic(), so two redeemers of one code cannot both
 *     win and a crash never leaves half a file.
 *
 *     Default lifetime: ENROLL_CODE_DEFAULT_SECONDS (one hour), enough for a
 *     class exercise and short enough that a code left on a whiteboard
 *     expires soon after.
 *
 * SECURITY CONSIDERATIONS
 *     The lookup compares every stored hash in constant time (the hash of a
 *     guess says nothing anyway, but the habit costs nothing).  A code is
 *     bound to one name: it cannot enroll anybody else.  A wrong, used,
 *     expired or other-name code all return the same GLASS_ERR_ENROLL_CODE
 *     to the peer; *why tells only the local log which it was.
 *
 *     The server does not redeem a code on its own: it consumes it inside
 *     the CA's issuance (ca_issue_consume_code, ca/ca_txn.c), so that the
 *     code is used exactly when the certificate is issued, even across a
 *     crash or a full disk.
 *
 *     Idempotence: a code is used by one key.  The same code presented
 *     again with the same key (the client's reply was lost) is accepted
 *     again within the code's life and leads to the same certificate; with
 *     any other key it is "already used".
 */
#ifndef GLASS_CA_ENROLL_H
#define GLASS_CA_ENROLL_H

#include "ca/ca.h"
#include "common/common.h"
#include "sha/sha256.h"

#include <stdint.h>

#define ENROLL_CODE_CHARS           20      /* Base32 characters, 5 bits each */
#define ENROLL_CODE_STR_MAX         32      /* with dashes and the NUL */
#define ENROLL_CODE_DEFAULT_SECONDS 3600u   /* one hour */
#define ENROLL_CODE_MAX_SECONDS     (30u * 86400u)
#define ENROLL_NAME_MAX             64      /* longest name, without the NUL */
#define ENROLL_LOCK_WAIT_MS         10000u
#define ENROLL_FILE                 "enroll.txt"
#define ENROLL_LOCK_FILE            "enroll.lock"
#define ENROLL_SERIAL_MAX           20      /* bytes of a certificate serial (RFC 5280 §4.1.2.2) */
#define ENROLL_REPLACE              1u      /* the code may take a name that is taken */
#define ENROLL_SUBJECT_MAX          255     /* a server code's subject: it travels as
                                               EnrollRequest's name<1..255> */
#define ENROLL_SAN_MAX              512     /* a server code's subjectAltName */

/* What a code lets its holder become. */
enum enroll_profile {
    ENROLL_PROFILE_CLIENT = 0,  /* a client certificate for /CN=NAME (clientAuth) */
    ENROLL_PROFILE_SERVER = 1   /* a server certificate (serverAuth) for the code's
                                   subject, with the code's subjectAltName */
};

/* A server code: the whole subject (OpenSSL's "/C=../CN=.." form) and the
 * subjectAltName ("DNS:a,IP:1.2.3.4", or NULL / "" for none). */
typedef struct enroll_server_spec {
    const char *subject;
    const char *san;
} enroll_server_spec;

/* What the store says about a code that is good. */
typedef struct enroll_grant {
    int replace;                /* made with --replace */
    int used;                   /* used before (for the key below) */
    int has_key;
    uint8_t key_hash[SHA256_DIGEST_LEN];      /* SHA-256 of the SubjectPublicKeyInfo */
    char serial[2 * ENROLL_SERIAL_MAX + 1];   /* certificate issued then, hex; "" if none yet */
    int profile;                              /* enum enroll_profile */
    char subject[ENROLL_SUBJECT_MAX + 1];     /* server: the subject, canonical; else "" */
    char san[ENROLL_SAN_MAX + 1];             /* server: the subjectAltName; else "" */
} enroll_grant;

/* 1 if name is acceptable as a client name (and so as a certificate CN):
 * 1 to ENROLL_NAME_MAX characters from A-Z a-z 0-9 . _ - , not starting
 * with '.' or '-'.  Else 0. */
int ca_enroll_name_valid(const char *name);

/* Makes a fresh code for name, valid for `seconds` from now (0: the
 * default; at most ENROLL_CODE_MAX_SECONDS, else GLASS_ERR_ARG), records
 * its hash in dir/enroll.txt and writes the code, dashed and NUL-terminated,
 * to code.  GLASS_ERR_ARG for a bad name, GLASS_ERR_CA_DIR if dir holds no
 * ca.pem, GLASS_ERR_CA_LOCK if the lock stays taken. */
glass_err ca_enroll_code_create(const char *dir, const char *name, int64_t now,
                             uint32_t seconds, char code[ENROLL_CODE_STR_MAX]);

/* As ca_enroll_code_create, with flags (0 or ENROLL_REPLACE). */
glass_err ca_enroll_code_create_ex(const char *dir, const char *name, int64_t now,
                                uint32_t seconds, unsigned flags,
                                char code[ENROLL_CODE_STR_MAX]);

/* A code of the server profile: the subject is parsed and kept in its
 * canonical form (x509_name_to_string), and must have a CN that is a good
 * name (ca_enroll_name_valid; the code is bound to it) and no tab; the SAN
 * must be a subjectAltName value x509_ext_add takes.  GLASS_ERR_SUBJECT_SYNTAX
 * for a malformed subject, GLASS_ERR_ARG (why, if not NULL, says what) for
 * the rest; the name is written to name_out (ENROLL_NAME_MAX + 1 bytes)
 * when not NULL. */
glass_err ca_enroll_code_create_server(const char *dir, const enroll_server_spec *spec,
                                    int64_t now, uint32_t seconds, unsigned flags,
                                    char code[ENROLL_CODE_STR_MAX], char *name_out,
                                    const char **why);

/* The canonical form of a subject (x509_name_from_string, then
 * x509_name_to_string) into out (ENROLL_SUBJECT_MAX + 1 bytes), and its CN
 * into cn (ENROLL_NAME_MAX + 1 bytes).  GLASS_ERR_SUBJECT_SYNTAX if it
 * does not parse; GLASS_ERR_ARG if it is too long, has no CN, or its CN is
 * no good name. */
glass_err ca_enroll_subject_canonical(const char *subject, char *out, char *cn);

/* Looks a code up without changing anything (no lock: the file is only
 * ever replaced whole): GLASS_OK if it is for name, unexpired, and either
 * unused or used with a recorded key (g says which, and its flags).  The
 * cheap check a server makes before any signature. */
glass_err ca_enroll_code_check(const char *dir, const char *name, const char *code, int64_t now,
                            enroll_grant *g, const char **why);

/* Uses code for name and the key whose SubjectPublicKeyInfo hashes to
 * key_hash (NULL: no key recorded, the code can never be presented
 * again), under the lock: an unused code is marked used for this key; a
 * code already used for this same key is accepted again (g->used = 1 and
 * g->serial the certificate issued then, if recorded).  g may be NULL. */
glass_err ca_enroll_code_claim(const char *dir, const char *name, const char *code, int64_t now,
                            const uint8_t key_hash[SHA256_DIGEST_LEN], enroll_grant *g,
                            const char **why);

/* Records the serial (upper-case hex) of the certificate issued for a
 * claimed code. */
glass_err ca_enroll_code_record(const char *dir, const char *name, const char *code, int64_t now,
                             const char *serial);

/* Redeems code for name at time now: it must be recorded, for this name,
 * unused and unexpired; it is then marked used (atomically, under the lock)
 * and cannot be redeemed again.  GLASS_ERR_ENROLL_CODE otherwise, with *why
 * (if not NULL) set to a static phrase for the log ("unknown code", "code
 * already used", "code expired", "code issued for another name").
 * GLASS_ERR_CA_LOCK if the lock stays taken. */
glass_err ca_enroll_code_redeem(const char *dir, const char *name, const char *code,
                             int64_t now, const char **why);

/* For `glass ca check`: every used code, with its name, when it was used
 * and the serial of its certificate, read under the lock.  *uses is
 * malloc'd (free it); a missing enroll.txt gives none.  GLASS_ERR_CA_DB if the file does not parse. */
typedef struct enroll_use {
    char name[ENROLL_NAME_MAX + 1];
    int64_t used_at;
    char serial[2 * ENROLL_SERIAL_MAX + 1];   /* the certificate it was used for; "" if none */
} enroll_use;
glass_err ca_enroll_codes_used(const char *dir, enroll_use **uses, size_t *n);

/* ---- a code consumed inside an issuance (ca/ca_txn.c) ---- */

/* Makes consuming a one-time enrollment code a step of the CA's issuance
 * t (ca.h ca_issue_begin): the code is looked up now (for name,
 * unexpired, unused — or used by this same key with no certificate yet),
 * and ca_issue_commit
 * marks it used by the key whose SubjectPublicKeyInfo hashes to key_hash,
 * for this certificate, in the same transaction: after a crash or a full
 * disk the code is used exactly when the certificate is in the index and
 * the log.  GLASS_ERR_ENROLL_CODE with *why (for the log) if the code will
 * not do; t stays open either way. */
glass_err ca_issue_consume_code(ca_issue *t, const char *name, const char *code,
                                const uint8_t key_hash[32], int64_t now, const char **why);

/* An enrollment: who asks, with which code, for what. */
typedef struct ca_enrollment {
    const char *name;
    const char *code;
    uint8_t key_hash[32];       /* SHA-256 of the request's SubjectPublicKeyInfo */
    unsigned days;              /* 0: CA_DEFAULT_DAYS */
    const char *san;            /* NULL: the profile's default */
} ca_enrollment;

/* ca_issue_begin + ca_issue_consume_code + ca_issue_commit: the
 * certificate for an enrollment, its code consumed in the same
 * transaction.  *cert_der malloc'd; *why says why a code was refused. */
glass_err ca_sign_enrollment(glass_ca *ca, const uint8_t *csr_der, size_t len,
                             const ca_enrollment *who, enum ca_profile profile, int64_t now,
                             uint8_t **cert_der, size_t *cert_len, const char **why);

#endif
