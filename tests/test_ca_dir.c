/*
 * test_ca_dir.c — the CA directory (ca/authority.c, ca_store.c,
 * ca_revoke.c, ca_log.c): init, open, issue, revoke, CRL numbers, a failed
 * init leaving nothing, init around an existing key, and the issuance log
 * checked line by line.
 *
 * One RSA key is made for the suite (suite init).  A fixed clock (NOW)
 * keeps validity exact.  Every negative test asserts the exact error.
 */
#include "testutil.h"

#include "asn1/asn1.h"
#include "ca/ca.h"
#include "ca/ca_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define NOW ((int64_t)1800000000)   /* 2027-01-15 08:00:00 UTC */
#define DAY ((int64_t)86400)

static rsa_private_key leaf_key;

static int key_init(void)
{
    rsa_private_init(&leaf_key);
    return rsa_generate(&leaf_key, 2048, 65537) != GLASS_OK;
}

static int key_clear(void)
{
    rsa_private_clear(&leaf_key);
    return 0;
}

/* ---- the CA directory ---- */

static void test_ca_directory(void)
{
    char dir[] = "/tmp/glass-ca-test-XXXXXX";
    CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
    char cadir[64];
    snprintf(cadir, sizeof cadir, "%s/ca", dir);
    TU_ASSERT_ERR_FATAL(ca_init(cadir, "/C=BR/CN=Test Root", "pw", NOW), GLASS_OK);
    TU_ASSERT_ERR(ca_init(cadir, "/C=BR/CN=Test Root", "pw", NOW), GLASS_ERR_CA_EXISTS);
    glass_ca *ca = NULL;
    TU_ASSERT_ERR(ca_open(&ca, cadir, "wrong"), GLASS_ERR_KEY_PASSWORD);
    TU_ASSERT_ERR(ca_open(&ca, dir, "pw"), GLASS_ERR_CA_DIR);
    TU_ASSERT_ERR_FATAL(ca_open(&ca, cadir, "pw"), GLASS_OK);
    const x509_cert *root = ca_certificate(ca);
    CU_ASSERT_STRING_EQUAL(root->subject, "/C=BR/CN=Test Root");

    uint8_t *csr = NULL, *cert = NULL;
    size_t csr_len = 0, cert_len = 0;
    TU_ASSERT_ERR_FATAL(csr_create(&leaf_key, "/CN=localhost", &csr, &csr_len), GLASS_OK);
    TU_ASSERT_ERR_FATAL(ca_sign_request(ca, csr, csr_len, CA_PROFILE_SERVER, 10, NULL, NOW, &cert,
                                        &cert_len), GLASS_OK);
    x509_cert c;
    TU_ASSERT_ERR_FATAL(x509_parse(&c, cert, cert_len), GLASS_OK);
    /* no --san: a server gets DNS:<CN> */
    TU_ASSERT_ERR(x509_check_host(&c, "localhost"), GLASS_OK);
    size_t failed;
    TU_ASSERT_ERR(x509_verify_chain(&c, 1, root, 1, NULL, X509_PURPOSE_SERVER, NOW, &failed),
                  GLASS_OK);
    /* a tampered request is refused before anything is written */
    csr[30] ^= 1;
    uint8_t *cert2 = NULL;
    size_t cert2_len = 0;
    TU_ASSERT_ERR(ca_sign_request(ca, csr, csr_len, CA_PROFILE_CLIENT, 10, NULL, NOW, &cert2,
                                  &cert2_len), GLASS_ERR_CSR_SIGNATURE);
    ca_entry *entries = NULL;
    size_t n = 0;
    TU_ASSERT_ERR_FATAL(ca_list(ca, &entries, &n), GLASS_OK);
    CU_ASSERT_EQUAL(n, 1);
    free(entries);

    /* revoke, then the CRL lists it and verification fails */
    uint8_t junk[16] = {1, 2, 3};
    TU_ASSERT_ERR(ca_revoke(ca, junk, sizeof junk, NOW), GLASS_ERR_CA_SERIAL);
    TU_ASSERT_ERR(ca_revoke(ca, c.serial, c.serial_len, NOW + 1), GLASS_OK);
    CU_ASSERT_EQUAL(ca_is_revoked(ca, c.serial, c.serial_len), 1);
    /* revoking again is refused (as `openssl ca -revoke` does) and keeps
     * the first date, which the CRL carries */
    TU_ASSERT_ERR(ca_revoke(ca, c.serial, c.serial_len, NOW + 50), GLASS_ERR_CA_ALREADY_REVOKED);
    TU_ASSERT_ERR_FATAL(ca_list(ca, &entries, &n), GLASS_OK);
    CU_ASSERT_EQUAL(n, 1);
    if (n == 1) {
        CU_ASSERT_EQUAL(entries[0].status, 'R');
        CU_ASSERT_EQUAL(entries[0].revoked_at, NOW + 1);
    }
    free(entries);
    uint8_t *crl_der = NULL;
    size_t crl_len = 0;
    x509_crl crl;
    TU_ASSERT_ERR_FATAL(ca_crl_current(ca, NOW + 2, &crl_der, &crl_len), GLASS_OK);
    TU_ASSERT_ERR_FATAL(x509_crl_parse(&crl, crl_der, crl_len), GLASS_OK);
    TU_ASSERT_ERR(x509_verify_chain(&c, 1, root, 1, &crl, X509_PURPOSE_SERVER, NOW + 3, &failed),
                  GLASS_ERR_X509_REVOKED);
    x509_crl_free(&crl);
    free(crl_der);
    x509_free(&c);
    free(cert);
    free(csr);
    ca_close(ca);

    /* a torn index line is reported, not half-read */
    char path[128];
    snprintf(path, sizeof path, "%s/index.txt", cadir);
    FILE *f = fopen(path, "a");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    fputs("V\t2701", f);
    fclose(f);
    TU_ASSERT_ERR_FATAL(ca_open(&ca, cadir, NULL), GLASS_OK);
    TU_ASSERT_ERR(ca_list(ca, &entries, &n), GLASS_ERR_CA_DB);
    ca_close(ca);

    /* clean up the directory */
    static const char *const files[] = {"ca.pem", "ca.key", "index.txt", "issuance.log",
                                        "crlnumber", "lock"};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        snprintf(path, sizeof path, "%s/%s", cadir, files[i]);
        unlink(path);
    }
    char cmd[200];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    CU_ASSERT_EQUAL(system(cmd), 0);
}

/* Writes text to DIR/NAME (replacing it). */
static void put_file(const char *dir, const char *name, const char *text)
{
    char path[160];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    fputs(text, f);
    fclose(f);
}

static int file_is(const char *dir, const char *name, const char *text)
{
    char path[160], buf[64] = "";
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "r");
    if (f == NULL)
        return 0;
    size_t got = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[got] = '\0';
    return strcmp(buf, text) == 0;
}

static void rm_rf(const char *dir)
{
    char cmd[200];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    CU_ASSERT_EQUAL(system(cmd), 0);
}

/* RFC 5280 §5.2.3: "CRL numbers ... monotonically increasing".  A crlnumber
 * file that cannot be read as such is an error, never a restart at 1, and
 * the last number is never wrapped to 0. */
static void test_ca_crl_number(void)
{
    char dir[] = "/tmp/glass-ca-crlnum-XXXXXX";
    CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
    char cadir[64];
    snprintf(cadir, sizeof cadir, "%s/ca", dir);
    TU_ASSERT_ERR_FATAL(ca_init(cadir, "/CN=CRL Number Root", "pw", NOW), GLASS_OK);
    glass_ca *ca = NULL;
    TU_ASSERT_ERR_FATAL(ca_open(&ca, cadir, "pw"), GLASS_OK);
    uint8_t *der = NULL;
    size_t len = 0;
    static const char *const corrupt[] = {"zzzz\n", "0\n", "\n", "", "-1\n", " 5\n", "5 \n",
                                          "5\n\n", "12abc\n", "18446744073709551615\n",
                                          "18446744073709551616\n",
                                          "99999999999999999999999999\n"};
    for (size_t i = 0; i < sizeof corrupt / sizeof corrupt[0]; i++) {
        put_file(cadir, "crlnumber", corrupt[i]);
        TU_ASSERT_ERR(ca_crl_current(ca, NOW, &der, &len), GLASS_ERR_CA_DB);
        CU_ASSERT_PTR_NOT_NULL(ca_error_file(ca));
        if (ca_error_file(ca) != NULL)
            CU_ASSERT_STRING_EQUAL(ca_error_file(ca), "crlnumber");
        /* the file is left as it was, for a person to look at */
        CU_ASSERT(file_is(cadir, "crlnumber", corrupt[i]));
    }
    /* the last usable number is used, and then nothing more */
    put_file(cadir, "crlnumber", "18446744073709551614\n");
    TU_ASSERT_ERR_FATAL(ca_crl_current(ca, NOW, &der, &len), GLASS_OK);
    free(der);
    der = NULL;
    CU_ASSERT(file_is(cadir, "crlnumber", "18446744073709551615\n"));
    TU_ASSERT_ERR(ca_crl_current(ca, NOW, &der, &len), GLASS_ERR_CA_DB);
    CU_ASSERT(file_is(cadir, "crlnumber", "18446744073709551615\n"));
    /* a missing file is an incomplete CA directory, not number 1 */
    char path[160];
    snprintf(path, sizeof path, "%s/crlnumber", cadir);
    CU_ASSERT_EQUAL(unlink(path), 0);
    TU_ASSERT_ERR(ca_crl_current(ca, NOW, &der, &len), GLASS_ERR_CA_DIR);
    CU_ASSERT_PTR_NOT_NULL(ca_error_file(ca));
    /* an ordinary number counts up (without a final newline too) */
    put_file(cadir, "crlnumber", "41");
    TU_ASSERT_ERR_FATAL(ca_crl_current(ca, NOW, &der, &len), GLASS_OK);
    free(der);
    CU_ASSERT(file_is(cadir, "crlnumber", "42\n"));
    CU_ASSERT_PTR_NULL(ca_error_file(ca));
    ca_close(ca);
    rm_rf(dir);
}

/* ca_init_ex validates and builds everything before it writes, and a
 * failure leaves behind no directory or file that it created. */
static void test_ca_init_failure_leaves_nothing(void)
{
    char dir[] = "/tmp/glass-ca-init-XXXXXX";
    CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
    char cadir[64];
    struct stat st;
    snprintf(cadir, sizeof cadir, "%s/ca", dir);
    /* a bad subject, a key size out of range: no directory appears */
    TU_ASSERT_ERR(ca_init_ex(cadir, "garbage", "pw", 2048, 10, NOW), GLASS_ERR_SUBJECT_SYNTAX);
    CU_ASSERT_NOT_EQUAL(stat(cadir, &st), 0);
    TU_ASSERT_ERR(ca_init_ex(cadir, "/CN=x", "pw", 1000, 10, NOW), GLASS_ERR_RSA_MODULUS_SIZE);
    CU_ASSERT_NOT_EQUAL(stat(cadir, &st), 0);
    TU_ASSERT_ERR(ca_init_ex(cadir, "/CN=x", "", 2048, 10, NOW), GLASS_ERR_ARG);
    CU_ASSERT_NOT_EQUAL(stat(cadir, &st), 0);
    /* a write that fails half-way (index.txt is a directory, so it cannot
     * be replaced by a file): what was written before it is removed again,
     * and the directory, which existed, is left as it was */
    CU_ASSERT_EQUAL_FATAL(mkdir(cadir, 0700), 0);
    char blocker[96];
    snprintf(blocker, sizeof blocker, "%s/index.txt", cadir);
    CU_ASSERT_EQUAL_FATAL(mkdir(blocker, 0700), 0);
    TU_ASSERT_ERR(ca_init_ex(cadir, "/CN=x", "pw", 2048, 10, NOW), GLASS_ERR_FILE_WRITE);
    static const char *const gone[] = {"ca.key", "ca.pem", "issuance.log", "crlnumber", "lock",
                                       "certs"};
    for (size_t i = 0; i < sizeof gone / sizeof gone[0]; i++) {
        char path[128];
        snprintf(path, sizeof path, "%s/%s", cadir, gone[i]);
        if (stat(path, &st) == 0)
            fprintf(stderr, "\n  %s was left behind\n", path);
        CU_ASSERT_NOT_EQUAL(stat(path, &st), 0);
    }
    CU_ASSERT(stat(blocker, &st) == 0 && S_ISDIR(st.st_mode));
    /* once the obstacle is gone, the same call succeeds */
    CU_ASSERT_EQUAL(rmdir(blocker), 0);
    TU_ASSERT_ERR_FATAL(ca_init_ex(cadir, "/CN=x", "pw", 2048, 10, NOW), GLASS_OK);
    TU_ASSERT_ERR(ca_init_ex(cadir, "/CN=x", "pw", 2048, 10, NOW), GLASS_ERR_CA_EXISTS);
    rm_rf(dir);
}

/* ---- init around a key, and the issuance log ---- */

static void test_ca_init_key(void)
{
    char dir[] = "/tmp/glass-ca-key-XXXXXX";
    CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
    char cadir[64];
    snprintf(cadir, sizeof cadir, "%s/ca", dir);
    TU_ASSERT_ERR(ca_init_key(cadir, "/CN=Key Root", "pw", &leaf_key, 0, 10, NOW), GLASS_OK);
    glass_ca *ca = NULL;
    TU_ASSERT_ERR_FATAL(ca_open(&ca, cadir, "pw"), GLASS_OK);
    /* the root is the given key's */
    CU_ASSERT_EQUAL(mpz_cmp(ca_certificate(ca)->pub.n, leaf_key.n), 0);
    CU_ASSERT_TRUE(ca_certificate(ca)->is_ca);
    ca_close(ca);
    /* a key that fails its own checks is refused, and nothing is left */
    rsa_private_key bad;
    rsa_private_init(&bad);
    mpz_set(bad.n, leaf_key.n);
    mpz_set(bad.e, leaf_key.e);
    mpz_set(bad.d, leaf_key.d);
    mpz_set(bad.p, leaf_key.p);
    mpz_add_ui(bad.q, leaf_key.q, 2);   /* p*q no longer n */
    mpz_set(bad.dP, leaf_key.dP);
    mpz_set(bad.dQ, leaf_key.dQ);
    mpz_set(bad.qInv, leaf_key.qInv);
    bad.k = leaf_key.k;
    char cadir2[64];
    snprintf(cadir2, sizeof cadir2, "%s/ca2", dir);
    CU_ASSERT_NOT_EQUAL(ca_init_key(cadir2, "/CN=Bad", "pw", &bad, 0, 10, NOW), GLASS_OK);
    struct stat st;
    CU_ASSERT_NOT_EQUAL(stat(cadir2, &st), 0);
    rsa_private_clear(&bad);
    rm_rf(dir);
}

/* Issues n client certificates in a fresh CA under dir/ca. */
static glass_ca *log_ca(const char *dir, char *cadir, size_t cap, int n)
{
    glass_ca *ca = NULL;
    snprintf(cadir, cap, "%s/ca", dir);
    CU_ASSERT_EQUAL(ca_init_ex(cadir, "/CN=Log Root", "pw", 2048, 10, NOW), GLASS_OK);
    CU_ASSERT_EQUAL(ca_open(&ca, cadir, "pw"), GLASS_OK);
    for (int i = 0; ca != NULL && i < n; i++) {
        uint8_t *csr = NULL, *cert = NULL;
        size_t csr_len = 0, cert_len = 0;
        char subj[32];
        snprintf(subj, sizeof subj, "/CN=user%d", i);
        CU_ASSERT_EQUAL(csr_create(&leaf_key, subj, &csr, &csr_len), GLASS_OK);
        CU_ASSERT_EQUAL(ca_sign_request(ca, csr, csr_len, CA_PROFILE_CLIENT, 5, NULL, NOW, &cert,
                                        &cert_len), GLASS_OK);
        free(csr);
        free(cert);
    }
    return ca;
}

static void test_ca_log_verify(void)
{
    char dir[] = "/tmp/glass-ca-log-XXXXXX";
    char cadir[64];
    size_t entries = 0, problems = 0;
    CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
    glass_ca *ca = log_ca(dir, cadir, sizeof cadir, 3);
    CU_ASSERT_PTR_NOT_NULL_FATAL(ca);
    FILE *sink = fopen("/dev/null", "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(sink);
    TU_ASSERT_ERR(ca_log_verify(ca, sink, &entries, &problems), GLASS_OK);
    CU_ASSERT_EQUAL(entries, 3);
    CU_ASSERT_EQUAL(problems, 0);

    /* One flipped hex digit in the first line's hash: its signature fails. */
    uint8_t *log = NULL;
    size_t len = 0;
    CU_ASSERT_EQUAL_FATAL(ca_read_in(cadir, "issuance.log", &log, &len), GLASS_OK);
    char *space = memchr(log, ' ', len);
    CU_ASSERT_PTR_NOT_NULL_FATAL(space);
    char digit = space[1];
    space[1] = digit == '0' ? '1' : '0';
    CU_ASSERT_EQUAL(ca_write_in(cadir, "issuance.log", log, len, 0644), GLASS_OK);
    TU_ASSERT_ERR(ca_log_verify(ca, sink, &entries, &problems), GLASS_OK);
    CU_ASSERT_TRUE(problems >= 1);
    /* The last line cut: torn, and an index entry without its line. */
    space[1] = digit;
    CU_ASSERT_EQUAL(ca_write_in(cadir, "issuance.log", log, len - 5, 0644), GLASS_OK);
    TU_ASSERT_ERR(ca_log_verify(ca, sink, &entries, &problems), GLASS_OK);
    CU_ASSERT_EQUAL(problems, 2);
    /* No log at all: the directory is incomplete, and the file is named. */
    char path[96];
    snprintf(path, sizeof path, "%s/issuance.log", cadir);
    CU_ASSERT_EQUAL(unlink(path), 0);
    TU_ASSERT_ERR(ca_log_verify(ca, sink, &entries, &problems), GLASS_ERR_CA_DIR);
    CU_ASSERT_STRING_EQUAL(ca_error_file(ca), "issuance.log");
    fclose(sink);
    free(log);
    ca_close(ca);
    rm_rf(dir);
}

/* ---- issuance as one transaction (ca_txn.c) ---- */

static void test_ca_issue_transaction(void)
{
    char dir[] = "/tmp/glass-ca-txn-XXXXXX";
    char cadir[64];
    CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
    glass_ca *ca = log_ca(dir, cadir, sizeof cadir, 1);
    CU_ASSERT_PTR_NOT_NULL_FATAL(ca);
    uint8_t *csr = NULL, *log0 = NULL, *idx0 = NULL;
    size_t csr_len = 0, log0_len = 0, idx0_len = 0;
    CU_ASSERT_EQUAL_FATAL(csr_create(&leaf_key, "/CN=txn", &csr, &csr_len), GLASS_OK);
    CU_ASSERT_EQUAL_FATAL(ca_read_in(cadir, "issuance.log", &log0, &log0_len), GLASS_OK);
    CU_ASSERT_EQUAL_FATAL(ca_read_in(cadir, "index.txt", &idx0, &idx0_len), GLASS_OK);

    /* Abort: nothing of it anywhere. */
    ca_issue *t = NULL;
    TU_ASSERT_ERR(ca_issue_begin(ca, csr, csr_len, CA_PROFILE_CLIENT, 5, NULL, NOW, &t), GLASS_OK);
    size_t cert_len = 0;
    CU_ASSERT_PTR_NOT_NULL(ca_issue_certificate(t, &cert_len));
    CU_ASSERT_TRUE(cert_len > 0);
    ca_issue_abort(t);
    ca_entry *e = NULL;
    size_t n = 0;
    TU_ASSERT_ERR_FATAL(ca_list(ca, &e, &n), GLASS_OK);
    CU_ASSERT_EQUAL(n, 1);
    free(e);

    /* A crash after the certificate file and the log line, before the
     * index: the journal says so, and recovery rolls it all back. */
    TU_ASSERT_ERR(ca_issue_begin(ca, csr, csr_len, CA_PROFILE_CLIENT, 5, NULL, NOW, &t), GLASS_OK);
    char hex[2 * CA_SERIAL_LEN + 1], journal[128], name[64];
    ca_hex_upper(t->serial, CA_SERIAL_LEN, hex);
    snprintf(journal, sizeof journal, "glass-ca-journal 1\nissue %s %zu\n", hex, log0_len);
    snprintf(name, sizeof name, "certs/%s.pem", hex);
    CU_ASSERT_EQUAL(ca_write_in(cadir, CA_JOURNAL, journal, strlen(journal), 0600), GLASS_OK);
    CU_ASSERT_EQUAL(ca_write_in(cadir, name, "x", 1, 0644), GLASS_OK);
    uint8_t *grown = malloc(log0_len + 10);
    CU_ASSERT_PTR_NOT_NULL_FATAL(grown);
    memcpy(grown, log0, log0_len);
    memcpy(grown + log0_len, "torn line", 9);
    CU_ASSERT_EQUAL(ca_write_in(cadir, "issuance.log", grown, log0_len + 9, 0644), GLASS_OK);
    ca_issue_abort(t);      /* the "crash": the lock goes, the files stay */
    int recovered = -1;
    TU_ASSERT_ERR(ca_recover(cadir, &recovered), GLASS_OK);
    CU_ASSERT_EQUAL(recovered, 1);
    uint8_t *log1 = NULL;
    size_t log1_len = 0;
    CU_ASSERT_EQUAL(ca_read_in(cadir, "issuance.log", &log1, &log1_len), GLASS_OK);
    CU_ASSERT_EQUAL(log1_len, log0_len);
    CU_ASSERT_FALSE(ca_file_exists(cadir, name));
    CU_ASSERT_FALSE(ca_file_exists(cadir, CA_JOURNAL));
    free(log1);

    /* A crash after the index (the commit point): recovery keeps it. */
    TU_ASSERT_ERR(ca_issue_begin(ca, csr, csr_len, CA_PROFILE_CLIENT, 5, NULL, NOW, &t), GLASS_OK);
    TU_ASSERT_ERR(ca_issue_commit(t), GLASS_OK);
    TU_ASSERT_ERR_FATAL(ca_list(ca, &e, &n), GLASS_OK);
    CU_ASSERT_EQUAL(n, 2);
    ca_hex_upper(e[1].serial, e[1].serial_len, hex);
    free(e);
    snprintf(journal, sizeof journal, "glass-ca-journal 1\nissue %s 0\n", hex);
    CU_ASSERT_EQUAL(ca_write_in(cadir, CA_JOURNAL, journal, strlen(journal), 0600), GLASS_OK);
    TU_ASSERT_ERR(ca_recover(cadir, &recovered), GLASS_OK);
    CU_ASSERT_EQUAL(recovered, 2);
    size_t entries = 0, problems = 0;
    FILE *sink = fopen("/dev/null", "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(sink);
    TU_ASSERT_ERR(ca_log_verify(ca, sink, &entries, &problems), GLASS_OK);
    CU_ASSERT_EQUAL(entries, 2);
    CU_ASSERT_EQUAL(problems, 0);
    /* A damaged journal is not guessed at. */
    CU_ASSERT_EQUAL(ca_write_in(cadir, CA_JOURNAL, "garbage\n", 8, 0600), GLASS_OK);
    TU_ASSERT_ERR(ca_recover(cadir, &recovered), GLASS_ERR_CA_DB);
    size_t repaired = 0;
    TU_ASSERT_ERR(ca_check(cadir, 0, sink, &problems, &repaired), GLASS_OK);
    CU_ASSERT_EQUAL(problems, 1);
    fclose(sink);
    free(grown);
    free(csr);
    free(log0);
    free(idx0);
    ca_close(ca);
    rm_rf(dir);
}

void suite_ca_dir(void)
{
    CU_pSuite s = CU_add_suite("ca_dir", key_init, key_clear);
    if (s == NULL) {
        fprintf(stderr, "cannot add suite ca_dir\n");
        exit(2);
    }
    TU_ADD(s, test_ca_directory);
    TU_ADD(s, test_ca_crl_number);
    TU_ADD(s, test_ca_init_failure_leaves_nothing);
    TU_ADD(s, test_ca_init_key);
    TU_ADD(s, test_ca_log_verify);
    TU_ADD(s, test_ca_issue_transaction);
}
