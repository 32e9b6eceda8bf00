/*
 * ca_internal.h — what the files of ca/ share and tests may reach, but
 * applications need not see.
 */
#ifndef GLASS_CA_INTERNAL_H
#define GLASS_CA_INTERNAL_H

#include "ca/ca.h"
#include "ca/enroll.h"
#include "asn1/asn1.h"

/* name.c: the last commonName of a DER Name (GLASS_ERR_X509_NAME if none). */
glass_err ca_name_common_name(const uint8_t *der, size_t len, char *out, size_t cap);
/* name.c: 1 if two DER Names are equal (byte comparison). */
int ca_name_equal(const uint8_t *a, size_t a_len, const uint8_t *b, size_t b_len);

/* keyfile.c: parses a SubjectPublicKeyInfo carrying an RSA key and checks it
 * with rsa_check_public (GLASS_ERR_KEY_ALGORITHM for another algorithm). */
glass_err ca_key_parse_spki(const uint8_t *der, size_t len, rsa_public_key *pub);

/* x509.c: reads AlgorithmIdentifier; *ok = 1 if it is
 * sha256WithRSAEncryption with NULL (or absent) parameters. */
glass_err ca_sig_alg_read(der_reader *r, int *ok);
/* x509.c: appends AlgorithmIdentifier { sha256WithRSAEncryption, NULL }. */
void ca_sig_alg_put(der_buf *b);
/* x509.c: signs tbs[0..tbs_len) with key and appends signatureAlgorithm and
 * the signature BIT STRING, then wraps everything written since `start` (the
 * tbs itself, already in b) in the outer SEQUENCE. */
glass_err ca_sign_and_wrap(der_buf *b, size_t start, const rsa_private_key *key);
/* x509.c: verifies a sha256WithRSAEncryption signature over tbs. */
glass_err ca_sig_verify(const rsa_public_key *pub, const uint8_t *tbs, size_t tbs_len,
                     const uint8_t *sig, size_t sig_len);

/* x509.c: the key identifier of a public key: the leftmost 160 bits of the
 * SHA-256 of the subjectPublicKey bits (RFC 7093 §2, method 1). */
glass_err ca_key_identifier(const rsa_public_key *pub, uint8_t out[20]);

/* What a certificate to be issued looks like. */
enum x509_kind { X509_KIND_ROOT, X509_KIND_SERVER, X509_KIND_CLIENT };

typedef struct x509_template {
    enum x509_kind kind;
    const uint8_t *serial;              /* positive, big-endian magnitude */
    size_t serial_len;
    const uint8_t *issuer_der;          /* issuer Name */
    size_t issuer_len;
    const uint8_t *subject_der;         /* subject Name */
    size_t subject_len;
    int64_t not_before;
    int64_t not_after;
    const rsa_public_key *subject_pub;
    const uint8_t *aki;                 /* issuer's key identifier (or NULL) */
    size_t aki_len;
    const char *san;                    /* "DNS:a,IP:1.2.3.4" or NULL */
    const x509_ext_set *ext;            /* when not NULL, these extensions
                                           instead of the kind's */
} x509_template;

/* x509_build.c: builds a certificate from t (v3; v1 when t->ext is empty) and signs it with issuer_key.
 * GLASS_ERR_ARG for a malformed san. */
glass_err x509_build(const x509_template *t, const rsa_private_key *issuer_key,
                     uint8_t **der, size_t *der_len);

/* x509_build.c: writes Extensions ::= SEQUENCE OF Extension (RFC 5280
 * §4.1) for s: ski is the subject's key identifier, aki the issuer's (NULL
 * for a request: GLASS_ERR_ARG if s asks for authorityKeyIdentifier).  A
 * certificate wraps it in [3]; a request in its extensionRequest attribute. */
glass_err x509_ext_put(der_buf *b, const x509_ext_set *s, const uint8_t ski[20],
                       const uint8_t *aki, size_t aki_len);

/* crl.c: builds and signs a v2 CRL. */
glass_err crl_build(const x509_cert *issuer, const rsa_private_key *key,
                    const x509_crl_entry *entries, size_t n, uint64_t crl_number,
                    int64_t this_update, int64_t next_update, uint8_t **der, size_t *der_len);

/* pbes2.c: PBES2 (RFC 8018 §6.2) over any content, for PKCS#12.
 * pbes2_content_encrypt appends the AlgorithmIdentifier to alg and returns the
 * ciphertext (*ct malloc'd).  pbes2_content_decrypt reads alg (an
 * AlgorithmIdentifier element) and returns the plaintext (*pt malloc'd;
 * wipe and free it): GLASS_ERR_KEY_ENCRYPTION for a scheme other than
 * PBKDF2-HMAC-SHA256 + AES-256-CBC, GLASS_ERR_KEY_PASSWORD for a wrong
 * password.  pbes2_content_describe writes what -info shows ("PBES2, PBKDF2,
 * AES-256-CBC, Iteration 2048, PRF hmacWithSHA256", or why it is not one
 * we read). */
glass_err pbes2_content_encrypt(der_buf *alg, const char *password, uint32_t iterations,
                        const uint8_t *in, size_t len, uint8_t **ct, size_t *ct_len);
glass_err pbes2_content_decrypt(const der_elem *alg, const char *password, const uint8_t *ct,
                        size_t ct_len, uint8_t **pt, size_t *pt_len);
glass_err pbes2_content_describe(const der_elem *alg, char *out, size_t cap);

/* pkcs12_mac.c: RFC 7292 Appendix B.2 with SHA-256 (id 1 key, 2 IV, 3 MAC). */
glass_err pkcs12_kdf(uint8_t id, const char *password, const uint8_t *salt, size_t salt_len,
                     uint32_t iterations, uint8_t *out, size_t out_len);

typedef struct p12_mac_info {
    int sha256;             /* the MAC's digest is SHA-256 */
    long iterations;
    size_t salt_len, mac_len;
} p12_mac_info;

/* pkcs12_mac.c: appends MacData for content (RFC 7292 §4: HMAC-SHA256, an
 * 8-byte random salt). */
glass_err pkcs12_mac_put(der_buf *b, const char *password, uint32_t iterations,
                      const uint8_t *content, size_t len);
/* pkcs12_mac.c: checks MacData (the SEQUENCE element) over content:
 * GLASS_ERR_KEY_PASSWORD if the MAC differs (wrong password or altered
 * file), GLASS_ERR_KEY_ENCRYPTION for a MAC other than HMAC-SHA256. */
glass_err pkcs12_mac_check(const der_elem *mac_data, const char *password, const uint8_t *content,
                        size_t len, p12_mac_info *info);

/* ---- the CA directory (ca_store.c; authority.c, ca_revoke.c, ca_log.c) ---- */

#define CA_SERIAL_LEN 16        /* bytes in the serials the CA assigns */
#define CA_JOURNAL "journal"    /* the issuance in progress (ca_txn.c) */

struct glass_ca {
    char *dir;
    x509_cert cert;
    rsa_private_key key;
    int have_key;
    const char *bad_file;       /* for ca_error_file */
};

/* "dir/name", malloc'd (NULL when out of memory). */
char *ca_path_join(const char *dir, const char *name);
/* 1 if dir/name exists. */
int ca_file_exists(const char *dir, const char *name);
/* Reads dir/name whole (at most 64 MiB). */
glass_err ca_read_in(const char *dir, const char *name, uint8_t **data, size_t *len);
/* Replaces dir/name atomically. */
glass_err ca_write_in(const char *dir, const char *name, const void *data, size_t len,
                      unsigned mode);
/* 2*len upper-case hex digits and a NUL. */
void ca_hex_upper(const uint8_t *p, size_t len, char *out);
/* The index's dates: YYMMDDHHMMSSZ, or YYYYMMDDHHMMSSZ from 2050 on. */
void ca_format_time(int64_t t, char out[20]);
int ca_parse_time(const char *text, int64_t *t);
/* 1 if two serials are the same number (leading zero bytes ignored). */
int ca_serial_equal(const uint8_t *a, size_t a_len, const uint8_t *b, size_t b_len);
/* The exclusive lock on dir/lock (bounded wait, CA_LOCK_WAIT_MS): returns
 * the descriptor to give ca_lock_release, or -1 with *err set. */
int ca_lock_take(const char *dir, glass_err *err);
void ca_lock_release(int fd);
/* index.txt to and from entries; ca_index_read_open also notes index.txt
 * as the file at fault (ca_error_file) when it cannot be read. */
glass_err ca_index_load(const char *dir, ca_entry **entries, size_t *n);
glass_err ca_index_read_open(glass_ca *ca, ca_entry **entries, size_t *n);
glass_err ca_index_save(const char *dir, const ca_entry *e, size_t n);

/* The code step of an issuance (enroll.c, for ca_txn.c): which code is
 * consumed, by which key, and what its entry in enroll.txt was before, so
 * that recovery can put it back. */
typedef struct enroll_step {
    uint8_t code_hash[SHA256_DIGEST_LEN];   /* SHA-256 of the code, as enroll.txt keeps it */
    uint8_t key_hash[SHA256_DIGEST_LEN];    /* SHA-256 of the SubjectPublicKeyInfo */
    char name[ENROLL_NAME_MAX + 1];
    int64_t now;                            /* used_at */
    char prior;                             /* 'U', or 'X' (used by this key, no certificate) */
    int64_t prior_used_at;
} enroll_step;

/* enroll.c: SHA-256 of a code as typed (normalised first); -1 if it is not
 * a code. */
int ca_enroll_code_digest(const char *code, uint8_t h[SHA256_DIGEST_LEN]);
/* enroll.c: reads the store (no lock, nothing written): GLASS_OK if the
 * step's code is for its name, unexpired and not used by anyone else; sets
 * s->prior and s->prior_used_at.  GLASS_ERR_ENROLL_CODE with *why else. */
glass_err ca_enroll_step_prepare(const char *dir, enroll_step *s, const char **why);
/* enroll.c: under the store's lock, checks again and marks the code used
 * by the step's key for the certificate serial_hex (upper-case hex). */
glass_err ca_enroll_step_consume(const char *dir, const enroll_step *s, const char *serial_hex,
                              const char **why);
/* enroll.c: recovery.  *disagrees = 1 if the code's entry does not match
 * the issuance's outcome (consumed for serial_hex iff committed); with
 * apply, the entry is then made to match (rolled forward or back). */
glass_err ca_enroll_step_settle(const char *dir, const enroll_step *s, const char *serial_hex,
                             int committed, int apply, int *disagrees);

/* An issuance between ca_issue_begin (authority.c) and its commit or abort
 * (ca_txn.c): the CA's lock is held throughout. */
struct ca_issue {
    glass_ca *ca;
    int lock;                   /* the CA's lock, held */
    uint8_t serial[CA_SERIAL_LEN];
    uint8_t *cert;              /* DER */
    size_t cert_len;
    ca_entry *entries;          /* the index as it will be: n + 1 entries */
    size_t n;                   /* entries before this one */
    int has_code;               /* the issuance consumes an enrollment code */
    enroll_step code;
};

/* ca_txn.c: the journal of an interrupted issuance. */
typedef struct ca_journal {
    char serial_hex[2 * CA_SERIAL_LEN + 1];
    long long log_len;
    int has_code;
    enroll_step code;
} ca_journal;
/* ca_txn.c: reads dir/journal (GLASS_ERR_CA_DB if it is not one); *committed
 * = 1 if index.txt has its serial. */
glass_err ca_journal_read(const char *dir, ca_journal *j, int *committed);

/* ca_txn.c: finishes or undoes an interrupted issuance recorded in
 * dir/journal; the caller holds the lock.  GLASS_OK when there was none. */
glass_err ca_recover_locked(const char *dir);

/* ca_log.c: ca_log_verify for a caller that holds the lock. */
glass_err ca_log_verify_locked(glass_ca *ca, void *file, size_t *entries, size_t *problems);

/* x509.c: the extension values certificates and requests share (RFC 5280
 * §4.2.1.9, §4.2.1.3, §4.2.1.2), read the same way for both (csr.c).
 * basicConstraints: *path_len -1 when absent.  keyUsage: bit i of *bits is
 * KeyUsage bit i.  A key identifier: at most X509_KEYID_MAX bytes. */
glass_err x509_read_basic_constraints(const uint8_t *v, size_t len, int *ca, long *path_len);
glass_err x509_read_key_usage(const uint8_t *v, size_t len, unsigned *bits);
glass_err x509_read_key_id(const uint8_t *v, size_t len, uint8_t out[X509_KEYID_MAX], size_t *n);

/* conf.c: spaces off both ends of p, in place (the configuration readers). */
char *ca_trim(char *p);

/* conf.c: fills why (when given, at most cap bytes) from the format and
 * returns GLASS_ERR_ARG — the one way the configuration readers
 * (conf.c, conf_req.c, x509_ext.c) say what was wrong. */
glass_err ca_why(char *why, size_t cap, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* enroll_store.c: DIR/enroll.txt, the one-time codes' file, for enroll.c. */
#define ENROLL_FILE_MAX (16u * 1024u * 1024u)
#define PATH_MAX_LEN 4096
#include "ca/enroll.h"
#include "sha/sha256.h"
typedef struct enroll_entry {
    char status;                         /* 'U' or 'X' */
    int64_t expires;
    int64_t used_at;
    uint8_t hash[SHA256_DIGEST_LEN];
    char name[ENROLL_NAME_MAX + 1];
    unsigned flags;                      /* ENROLL_REPLACE */
    int has_key;                         /* a used code: the key it was used for */
    uint8_t key_hash[SHA256_DIGEST_LEN];
    char serial[2 * ENROLL_SERIAL_MAX + 1];  /* and the certificate issued ("" not yet) */
    int profile;                         /* enum enroll_profile */
    char subject[ENROLL_SUBJECT_MAX + 1];   /* server codes: the subject */
    char san[ENROLL_SAN_MAX + 1];           /* server codes: the SAN ("" none) */
} enroll_entry;

/* Reads every line of path (a missing file is no codes; *out malloc'd). */
glass_err ca_enroll_load(const char *path, enroll_entry **out, size_t *n_out);
/* Writes the entries back, atomically. */
glass_err ca_enroll_save(const char *path, const enroll_entry *v, size_t n);
/* The store's lock (DIR/enroll.lock), held around every load and save. */
glass_err ca_enroll_lock(const char *dir, int *fd_out);
void ca_enroll_unlock(int fd);
/* DIR/enroll.txt into path. */
glass_err ca_enroll_path(const char *dir, char *path, size_t cap);

#endif
