/*
 * test_conf.c — OpenSSL's configuration files as glass reads them
 * (ca/conf.c), what `glass req -config` takes from [req] (ca/conf_req.c),
 * the extensions a request asks for (the extensionRequest attribute,
 * ca/csr.c) and what `x509 -copy_extensions` makes of them (ca/x509_ext.c).
 *
 * Every negative test asserts the exact error, that the message names the
 * file and the line, and what the rule is.  One RSA key is made for the
 * suite's requests.
 */
#include "testutil.h"

#include "asn1/asn1.h"
#include "ca/ca.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static rsa_private_key key;

static int key_init(void)
{
    rsa_private_init(&key);
    return rsa_generate(&key, RSA_MIN_BITS, 65537) != GLASS_OK;
}

static int key_clear(void)
{
    rsa_private_clear(&key);
    return 0;
}

/* Parses text as file "t.cnf"; NULL (with why filled) on failure. */
static conf_file *parse(const char *text, glass_err want, char *why, size_t cap)
{
    conf_file *c = NULL;
    why[0] = '\0';
    TU_ASSERT_ERR(conf_parse("t.cnf", text, strlen(text), &c, why, cap), want);
    return c;
}

/* The index-th item of section, through conf_next. */
static int item(const conf_file *c, const char *section, size_t index, const char **name,
                const char **value, size_t *line)
{
    size_t pos = 0;
    while (conf_next(c, section, &pos, name, value, line))
        if (index-- == 0)
            return 1;
    return 0;
}

/* ---- the format ---- */

static void test_sections_and_comments(void)
{
    char why[300];
    conf_file *c = parse("top = 1   # a comment\n"
                         "; a comment line, the .ini way\n"
                         "\n"
                         "[ req ]\n"
                         "  prompt=no\n"
                         "[empty]\n"
                         "[req]\n"
                         "prompt = yes\n"
                         "name.with-dots_1 = x\r\n",
                         GLASS_OK, why, sizeof why);
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    CU_ASSERT_STRING_EQUAL(conf_get(c, NULL, "top"), "1");
    /* The last definition wins; a section may be opened twice. */
    CU_ASSERT_STRING_EQUAL(conf_get(c, "req", "prompt"), "yes");
    CU_ASSERT_EQUAL(conf_count(c, "req"), 3);
    /* A name missing from a section is looked up in the opening part. */
    CU_ASSERT_STRING_EQUAL(conf_get(c, "req", "top"), "1");
    CU_ASSERT_PTR_NULL(conf_get(c, "req", "absent"));
    CU_ASSERT_TRUE(conf_has_section(c, "empty"));
    CU_ASSERT_FALSE(conf_has_section(c, "nowhere"));
    const char *name, *value;
    size_t line;
    CU_ASSERT_TRUE(item(c, "req", 2, &name, &value, &line));
    CU_ASSERT_STRING_EQUAL(name, "name.with-dots_1");
    CU_ASSERT_STRING_EQUAL(value, "x");     /* the \r of a CRLF file is gone */
    CU_ASSERT_EQUAL(line, 9);
    CU_ASSERT_FALSE(item(c, "req", 3, &name, &value, &line));
    CU_ASSERT_STRING_EQUAL(conf_notes(c), "");
    conf_free(c);
}

static void test_values(void)
{
    char why[300];
    setenv("GLASS_CONF_TEST", "from-env", 1);
    conf_file *c = parse("dir = /srv\n"
                         "[ a ]\n"
                         "dir = /a\n"
                         "one = $dir/x\n"               /* this section first */
                         "two = ${dir}:$(dir)\n"
                         "three = ${default::dir}/y\n"
                         "four = $ENV::GLASS_CONF_TEST\n"
                         "five = \"quoted # not a comment\"  # a comment\n"
                         "six = 'it''s'\n"
                         "seven = cost \\$5 \\# tab\\there\n"
                         "eight = first \\\n"
                         "  second\n"
                         "nine = 'never closed # kept\n"
                         "[ b ]\n"
                         "one = $dir and $a::one\n",    /* b has no dir: the opening part's */
                         GLASS_OK, why, sizeof why);
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    CU_ASSERT_STRING_EQUAL(conf_get(c, "a", "one"), "/a/x");
    CU_ASSERT_STRING_EQUAL(conf_get(c, "a", "two"), "/a:/a");
    CU_ASSERT_STRING_EQUAL(conf_get(c, "a", "three"), "/srv/y");
    CU_ASSERT_STRING_EQUAL(conf_get(c, "a", "four"), "from-env");
    CU_ASSERT_STRING_EQUAL(conf_get(c, "a", "five"), "quoted # not a comment");
    CU_ASSERT_STRING_EQUAL(conf_get(c, "a", "six"), "its");
    CU_ASSERT_STRING_EQUAL(conf_get(c, "a", "seven"), "cost $5 # tab\there");
    CU_ASSERT_STRING_EQUAL(conf_get(c, "a", "eight"), "first   second");
    CU_ASSERT_STRING_EQUAL(conf_get(c, "a", "nine"), "never closed # kept");
    CU_ASSERT_STRING_EQUAL(conf_get(c, "b", "one"), "/srv and /a/x");
    const char *name, *value;
    size_t line;
    CU_ASSERT_TRUE(item(c, "a", 8, &name, &value, &line));
    CU_ASSERT_EQUAL(line, 11);     /* a continued line is named by its first line */
    CU_ASSERT_TRUE(item(c, "a", 9, &name, &value, &line));
    CU_ASSERT_EQUAL(line, 13);     /* and the counting goes on after it */
    conf_free(c);
    unsetenv("GLASS_CONF_TEST");
}

/* Each malformed file: GLASS_ERR_ARG, and why starts "t.cnf:LINE:" and
 * says what was wrong. */
static void test_malformed(void)
{
    static const struct {
        const char *text, *where, *what;
    } cases[] = {
        {"a = 1\njust words\n", "t.cnf:2:", "not 'name = value'"},
        {"[ req\nx = 1\n", "t.cnf:1:", "no closing ']'"},
        {"[ ]\n", "t.cnf:1:", "empty"},
        {"[ a b ]\n", "t.cnf:1:", "not a section name"},
        {"= value\n", "t.cnf:1:", "nothing before the '='"},
        {"na me = 1\n", "t.cnf:1:", "not a name"},
        {"x = $nowhere\n", "t.cnf:1:", "variable nowhere has no value"},
        {"x = ${open\n", "t.cnf:1:", "a variable is"},
        {"x = $ENV::GLASS_CONF_UNSET_VAR\n", "t.cnf:1:", "no such environment variable"},
        {"x = 1\ny = $a::x\n", "t.cnf:2:", "a::x has no value"},
        {"b = $later\nlater = 1\n", "t.cnf:1:", "defined above"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char why[300];
        conf_file *c = parse(cases[i].text, GLASS_ERR_ARG, why, sizeof why);
        CU_ASSERT_PTR_NULL(c);
        if (strncmp(why, cases[i].where, strlen(cases[i].where)) != 0 ||
            strstr(why, cases[i].what) == NULL) {
            fprintf(stderr, "\n  case %zu: why = \"%s\"\n", i, why);
            CU_FAIL("the message names the line and what was wrong");
        }
    }
    /* A NUL byte: not a text file. */
    char why[300];
    conf_file *c = NULL;
    TU_ASSERT_ERR(conf_parse("t.cnf", "a = 1\0b", 7, &c, why, sizeof why), GLASS_ERR_ARG);
    CU_ASSERT_PTR_NOT_NULL(strstr(why, "NUL"));
    /* A line longer than OpenSSL's 65536-byte value limit. */
    size_t big = 70000;
    char *text = malloc(big + 8);
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    if (text == NULL)
        return;
    memcpy(text, "x = ", 4);
    memset(text + 4, 'a', big);
    text[big + 4] = '\0';
    TU_ASSERT_ERR(conf_parse("t.cnf", text, strlen(text), &c, why, sizeof why), GLASS_ERR_ARG);
    CU_ASSERT_PTR_NOT_NULL(strstr(why, "t.cnf:1: line too long"));
    free(text);
    /* Bounds against files made to cost: a $var per value is a walk over
     * what is defined, and each value may grow to 64 KiB. */
    size_t many = 10001 * 8 + 1;
    text = malloc(many);
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    if (text == NULL)
        return;
    for (size_t i = 0; i < 10001; i++)
        memcpy(text + i * 8, "k = v\n\n\n", 8);
    text[many - 1] = '\0';
    TU_ASSERT_ERR(conf_parse("t.cnf", text, strlen(text), &c, why, sizeof why), GLASS_ERR_ARG);
    CU_ASSERT_PTR_NOT_NULL(strstr(why, "t.cnf:30001: more than 10000 lines of name = value"));
    size_t at = 0;
    at += (size_t)sprintf(text + at, "b = 1\na = ");
    for (size_t i = 0; i < 10001; i++)
        at += (size_t)sprintf(text + at, "$b");
    TU_ASSERT_ERR(conf_parse("t.cnf", text, strlen(text), &c, why, sizeof why), GLASS_ERR_ARG);
    CU_ASSERT_PTR_NOT_NULL(strstr(why, "t.cnf:2: more than 10000 $variables"));
    /* "Billion laughs": a 60000-byte value used on 300 lines would make
     * 18 MB of values from a 62 kB file; 16 MiB is where reading stops. */
    at = (size_t)sprintf(text, "b = ");
    memset(text + at, 'x', 60000);
    at += 60000;
    text[at++] = '\n';
    for (int i = 0; i < 300; i++)
        at += (size_t)sprintf(text + at, "a%d = $b\n", i);
    TU_ASSERT_ERR(conf_parse("t.cnf", text, at, &c, why, sizeof why), GLASS_ERR_ARG);
    CU_ASSERT_PTR_NOT_NULL(strstr(why, "grow past 16 MiB"));
    /* One value past OpenSSL's 65536 bytes. */
    static const char tenfold[] = "b = 0123456789\nc = $b$b$b$b$b$b$b$b$b$b\n"
                                  "d = $c$c$c$c$c$c$c$c$c$c\ne = $d$d$d$d$d$d$d$d$d$d\n"
                                  "f = $e$e$e$e$e$e$e$e$e$e\n";
    TU_ASSERT_ERR(conf_parse("t.cnf", tenfold, strlen(tenfold), &c, why, sizeof why),
                  GLASS_ERR_ARG);
    CU_ASSERT_PTR_NOT_NULL(strstr(why, "t.cnf:5: the value grows past 65536 bytes"));
    free(text);
    /* Missing file. */
    TU_ASSERT_ERR(conf_load("/nonexistent/glass.cnf", &c, why, sizeof why), GLASS_ERR_FILE_OPEN);
}

static void test_directives_noted(void)
{
    char why[300];
    conf_file *c = parse(".include /etc/ssl/other.cnf\nx = 1\n", GLASS_OK, why, sizeof why);
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    CU_ASSERT_PTR_NOT_NULL(strstr(conf_notes(c), "t.cnf:1: a directive"));
    conf_free(c);
}

/* ---- [req] ---- */

static void test_req_section(void)
{
    char why[300];
    conf_req r;
    conf_file *c = parse("[ req ]\n"
                         "prompt = no\n"
                         "distinguished_name = dn\n"
                         "req_extensions = v3_req\n"
                         "x509_extensions = v3_ca\n"
                         "default_bits = 3072\n"
                         "default_md = sha1\n"
                         "encrypt_key = no\n"
                         "string_mask = utf8only\n"
                         "[ dn ]\n"
                         "countryName = BR\n"
                         "ST = SP\n"
                         "0.OU = Lab one\n"
                         "1.OU = Lab/two\n"
                         "L =\n"
                         "CN = server.example\n"
                         "emailAddress = ca@example.org\n"
                         "[ v3_req ]\n"
                         "keyUsage = digitalSignature\n"
                         "[ v3_ca ]\n"
                         "basicConstraints = CA:TRUE\n",
                         GLASS_OK, why, sizeof why);
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    TU_ASSERT_ERR(conf_req_read(c, &r, why, sizeof why), GLASS_OK);
    CU_ASSERT_EQUAL(r.prompt, 0);
    /* Empty fields are left out, "0." prefixes dropped, '/' escaped. */
    CU_ASSERT_STRING_EQUAL(r.subject, "/C=BR/ST=SP/OU=Lab one/OU=Lab\\/two/CN=server.example"
                                      "/emailAddress=ca@example.org");
    CU_ASSERT_STRING_EQUAL(r.req_extensions, "v3_req");
    CU_ASSERT_STRING_EQUAL(r.x509_extensions, "v3_ca");
    CU_ASSERT_EQUAL(r.default_bits, 3072);
    CU_ASSERT_EQUAL(r.encrypt_key, 0);
    /* What is read and not used is noted, with its line. */
    CU_ASSERT_PTR_NOT_NULL(strstr(r.notes, "t.cnf:9: [req] string_mask is not used"));
    CU_ASSERT_PTR_NOT_NULL(strstr(r.notes, "t.cnf:7: default_md = sha1"));
    /* The subject round-trips through the Name encoder. */
    uint8_t *der = NULL;
    size_t len = 0;
    TU_ASSERT_ERR(x509_name_from_string(r.subject, &der, &len), GLASS_OK);
    free(der);
    conf_free(c);
}

static void test_req_refusals(void)
{
    static const struct {
        const char *text, *what;
    } cases[] = {
        {"x = 1\n", "no [ req ] section"},
        {"[req]\nreq_extensions = gone\n", "t.cnf:2: req_extensions = gone, but there is no "
                                           "section [gone]"},
        {"[req]\nx509_extensions = gone\n", "no section [gone]"},
        {"[req]\nprompt = maybe\n", "t.cnf:2: prompt = maybe: give yes or no"},
        {"[req]\nencrypt_key = perhaps\n", "give yes or no"},
        {"[req]\ndefault_bits = 512\n", "t.cnf:2: default_bits = 512"},
        {"[req]\ndefault_bits = lots\n", "default_bits = lots"},
        {"[req]\nprompt = no\n", "prompt = no needs distinguished_name"},
        {"[req]\nprompt = no\ndistinguished_name = dn\n[dn]\nSN = Smith\n",
         "t.cnf:5: 'SN' is not a name field"},
        {"[req]\nprompt = no\ndistinguished_name = dn\n[dn]\n", "gives no subject field"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char why[300];
        conf_req r;
        conf_file *c = parse(cases[i].text, GLASS_OK, why, sizeof why);
        CU_ASSERT_PTR_NOT_NULL_FATAL(c);
        TU_ASSERT_ERR(conf_req_read(c, &r, why, sizeof why), GLASS_ERR_ARG);
        if (strstr(why, cases[i].what) == NULL) {
            fprintf(stderr, "\n  case %zu: why = \"%s\"\n", i, why);
            CU_FAIL("the message says what was wrong");
        }
        conf_free(c);
    }
    /* prompt = yes (the default) is read; the command refuses it without -subj. */
    char why[300];
    conf_req r;
    conf_file *c = parse("[req]\ndistinguished_name = dn\n[dn]\ncountryName = Country\n",
                         GLASS_OK, why, sizeof why);
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    TU_ASSERT_ERR(conf_req_read(c, &r, why, sizeof why), GLASS_OK);
    CU_ASSERT_EQUAL(r.prompt, 1);
    CU_ASSERT_STRING_EQUAL(r.subject, "");
    conf_free(c);
}

/* ---- extension sections ---- */

static void test_ext_sections(void)
{
    char why[300];
    x509_ext_set s;
    conf_file *c = parse("[ srv ]\n"
                         "keyUsage = critical, digitalSignature\n"
                         "subjectAltName = @alt\n"
                         "[ alt ]\n"
                         "DNS.1 = localhost\n"
                         "IP.1 = 127.0.0.1\n"
                         "[ bad ]\n"
                         "nsComment = hello\n"
                         "[ badalt ]\n"
                         "subjectAltName = @alt2\n"
                         "[ alt2 ]\n"
                         "email.1 = a@b\n",
                         GLASS_OK, why, sizeof why);
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    x509_ext_init(&s);
    TU_ASSERT_ERR(x509_ext_from_conf(&s, c, "srv", why, sizeof why), GLASS_OK);
    CU_ASSERT_EQUAL(s.n, 2);
    CU_ASSERT_STRING_EQUAL(s.san, "DNS:localhost,IP:127.0.0.1");
    CU_ASSERT_EQUAL(s.critical, 1u << X509_EXT_KU);
    TU_ASSERT_ERR(x509_ext_from_conf(&s, c, "bad", why, sizeof why), GLASS_ERR_ARG);
    CU_ASSERT_PTR_NOT_NULL(strstr(why, "t.cnf:8: unknown extension 'nsComment'"));
    TU_ASSERT_ERR(x509_ext_from_conf(&s, c, "badalt", why, sizeof why), GLASS_ERR_ARG);
    CU_ASSERT_PTR_NOT_NULL(strstr(why, "t.cnf:12: 'email.1': only DNS.n and IP.n"));
    TU_ASSERT_ERR(x509_ext_from_conf(&s, c, "nowhere", why, sizeof why), GLASS_ERR_ARG);
    CU_ASSERT_PTR_NOT_NULL(strstr(why, "there is no section [nowhere]"));
    conf_free(c);
}

/* ---- the extensionRequest attribute ---- */

static void test_extension_request(void)
{
    x509_ext_set want;
    csr_info info;
    uint8_t *der = NULL;
    size_t len = 0;
    char why[200];
    x509_ext_init(&want);
    TU_ASSERT_ERR(x509_ext_add(&want, "subjectAltName=DNS:a.example,IP:1.2.3.4,IP:::1", why,
                               sizeof why), GLASS_OK);
    TU_ASSERT_ERR(x509_ext_add(&want, "keyUsage=critical,digitalSignature,keyEncipherment",
                               why, sizeof why), GLASS_OK);
    TU_ASSERT_ERR(x509_ext_add(&want, "extendedKeyUsage=serverAuth,codeSigning", why,
                               sizeof why), GLASS_OK);
    TU_ASSERT_ERR(x509_ext_add(&want, "basicConstraints=critical,CA:TRUE,pathlen:2", why,
                               sizeof why), GLASS_OK);
    TU_ASSERT_ERR(x509_ext_add(&want, "subjectKeyIdentifier=hash", why, sizeof why), GLASS_OK);
    TU_ASSERT_ERR(csr_create_ext(&key, "/CN=ext", &want, &der, &len), GLASS_OK);
    /* The attribute's type is extensionRequest, 1.2.840.113549.1.9.14 (RFC 2985). */
    static const uint8_t oid[] = {0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7,
                                  0x0d, 0x01, 0x09, 0x0e};
    int found = 0;
    for (size_t i = 0; i + sizeof oid <= len; i++)
        found |= memcmp(der + i, oid, sizeof oid) == 0;
    CU_ASSERT_TRUE(found);
    TU_ASSERT_ERR(csr_parse_and_verify(der, len, &info), GLASS_OK);
    CU_ASSERT_EQUAL(info.ext.n, want.n);
    CU_ASSERT_EQUAL(memcmp(info.ext.order, want.order, want.n), 0);
    CU_ASSERT_EQUAL(info.ext.critical, want.critical);
    CU_ASSERT_STRING_EQUAL(info.ext.san, "DNS:a.example,IP:1.2.3.4,IP:::1");
    CU_ASSERT_EQUAL(info.ext.key_usage, want.key_usage);
    CU_ASSERT_EQUAL(info.ext.ext_key_usage, want.ext_key_usage);
    CU_ASSERT_EQUAL(info.ext.ca, 1);
    CU_ASSERT_EQUAL(info.ext.path_len, 2);
    CU_ASSERT_EQUAL(info.ski_len, 20);
    CU_ASSERT_EQUAL(info.ext_unknown, 0);
    csr_info_free(&info);
    free(der);

    /* No extensions: the attributes are the empty a0 00, as before. */
    TU_ASSERT_ERR(csr_create_ext(&key, "/CN=none", NULL, &der, &len), GLASS_OK);
    TU_ASSERT_ERR(csr_parse_and_verify(der, len, &info), GLASS_OK);
    CU_ASSERT_EQUAL(info.ext.n, 0);
    csr_info_free(&info);
    free(der);

    /* authorityKeyIdentifier names an issuer a request does not have. */
    TU_ASSERT_ERR(x509_ext_add(&want, "authorityKeyIdentifier=keyid", why, sizeof why), GLASS_OK);
    der = NULL;
    TU_ASSERT_ERR(csr_create_ext(&key, "/CN=aki", &want, &der, &len), GLASS_ERR_ARG);
    CU_ASSERT_PTR_NULL(der);
}

/* ---- -copy_extensions ---- */

static void test_copy_extensions(void)
{
    x509_ext_set req, file, out;
    char why[200];
    x509_ext_init(&req);
    x509_ext_init(&file);
    /* The request asks to be a CA; the CA's file says it is not. */
    TU_ASSERT_ERR(x509_ext_add(&req, "subjectAltName=DNS:r", why, sizeof why), GLASS_OK);
    TU_ASSERT_ERR(x509_ext_add(&req, "basicConstraints=critical,CA:TRUE", why, sizeof why),
                  GLASS_OK);
    TU_ASSERT_ERR(x509_ext_add(&file, "basicConstraints=CA:FALSE", why, sizeof why), GLASS_OK);
    TU_ASSERT_ERR(x509_ext_add(&file, "extendedKeyUsage=serverAuth", why, sizeof why), GLASS_OK);
    /* copy: the file has the last word on what it sets. */
    x509_ext_merge(&out, &req, &file, 0);
    CU_ASSERT_EQUAL(out.n, 3);
    CU_ASSERT_EQUAL(out.order[0], X509_EXT_SAN);
    CU_ASSERT_EQUAL(out.order[1], X509_EXT_BC);
    CU_ASSERT_EQUAL(out.order[2], X509_EXT_EKU);
    CU_ASSERT_EQUAL(out.ca, 0);
    CU_ASSERT_EQUAL(out.critical, 0);
    CU_ASSERT_STRING_EQUAL(out.san, "DNS:r");
    /* copyall: the request overrides the file (the dangerous one). */
    x509_ext_merge(&out, &req, &file, 1);
    CU_ASSERT_EQUAL(out.n, 3);
    CU_ASSERT_EQUAL(out.ca, 1);
    CU_ASSERT_EQUAL(out.critical, 1u << X509_EXT_BC);
    CU_ASSERT_EQUAL(out.order[2], X509_EXT_EKU);
    /* OpenSSL 3's key identifiers: SKI always, AKI unless self-signed, none for v1. */
    x509_ext_key_ids(&out, 1);
    CU_ASSERT_TRUE(x509_ext_has(&out, X509_EXT_SKI));
    CU_ASSERT_FALSE(x509_ext_has(&out, X509_EXT_AKI));
    x509_ext_key_ids(&out, 0);
    CU_ASSERT_TRUE(x509_ext_has(&out, X509_EXT_AKI));
    CU_ASSERT_EQUAL(out.n, 5);
    x509_ext_init(&out);
    x509_ext_key_ids(&out, 0);
    CU_ASSERT_EQUAL(out.n, 0);
}

void suite_conf(void)
{
    CU_pSuite s = CU_add_suite("conf", key_init, key_clear);
    if (s == NULL) {
        fprintf(stderr, "cannot add suite conf\n");
        exit(2);
    }
    TU_ADD(s, test_sections_and_comments);
    TU_ADD(s, test_values);
    TU_ADD(s, test_malformed);
    TU_ADD(s, test_directives_noted);
    TU_ADD(s, test_req_section);
    TU_ADD(s, test_req_refusals);
    TU_ADD(s, test_ext_sections);
    TU_ADD(s, test_extension_request);
    TU_ADD(s, test_copy_extensions);
}
