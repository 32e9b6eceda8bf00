/*
 * summary.c — the block s_client prints after a handshake, and the page
 * s_server -www answers with (see tlstool.h).
 *
 * Both follow OpenSSL's layout so a student can put `glass s_client` and
 * `openssl s_client` output side by side: "New, TLSv1.2, Cipher is
 * DHE-RSA-AES256-SHA256", "Server public key is 2048 bit", "Verify return
 * code: 0 (ok)", the SSL-Session block.  OpenSSL names suites its own way;
 * the IANA registry name (RFC 5246 Appendix A.5) is printed beside it.
 *
 * CT: not applicable (public data only).
 */
#include "tlstool/tlstool.h"
#include "ca/ca.h"

#include <gmp.h>
#include <string.h>

const char *tlstool_suite_openssl_name(uint16_t suite)
{
    if (suite == 0)
        return "(NONE)";
    return suite == GLASS_SUITE_DHE_RSA_AES256_CBC_SHA256 ? "DHE-RSA-AES256-SHA256" : "unknown";
}

const char *tlstool_suite_iana_name(uint16_t suite)
{
    if (suite == 0)
        return "(NONE)";
    return suite == GLASS_SUITE_DHE_RSA_AES256_CBC_SHA256 ? "TLS_DHE_RSA_WITH_AES_256_CBC_SHA256"
                                                          : "unknown";
}

const char *tlstool_version_name(uint16_t version)
{
    if (version == 0x0303)
        return "TLSv1.2";
    return version == GLASS_VERSION ? "glass" : "unknown";
}

/* The peer's certificate: subject and key size (0 when none). */
static unsigned peer_key(const glass_engine *e, char *subject, size_t cap)
{
    const uint8_t *der = NULL;
    size_t len = 0;
    x509_cert c;
    snprintf(subject, cap, "(none)");
    glass_engine_peer_cert(e, &der, &len);
    if (der == NULL || len == 0 || x509_parse(&c, der, len) != GLASS_OK)
        return 0;
    snprintf(subject, cap, "%s", c.subject);
    unsigned bits = (unsigned)mpz_sizeinbase(c.pub.n, 2);
    x509_free(&c);
    return bits;
}

static void put_hex(FILE *f, const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        fprintf(f, "%02X", p[i]);
}

void tlstool_print_summary(FILE *out, const glass_engine *e, const tlstool_tap *tap)
{
    char subject[X509_NAME_STR_MAX];
    tlstool_facts si;
    tlstool_engine_facts(e, &si);
    uint16_t suite = si.suite;
    uint16_t version = si.version;
    unsigned bits = peer_key(e, subject, sizeof subject);
    unsigned dh_bits = si.dh_bits;
    fprintf(out, "---\n");
    fprintf(out, "Peer certificate: %s\n", subject);
    fprintf(out, "Server Temp Key: DH, %u bits%s%s\n", dh_bits, si.group_name[0] ? ", " : "",
            si.group_name);
    fprintf(out, "---\n");
    fprintf(out, "%s, %s, Cipher is %s\n", si.resumed ? "Reused" : "New",
            tlstool_version_name(version), tlstool_suite_openssl_name(suite));
    fprintf(out, "Cipher (IANA): %s (0x%04X)\n", tlstool_suite_iana_name(suite), (unsigned)suite);
    fprintf(out, "Server public key is %u bit\n", bits != 0 ? bits : si.peer_key_bits);
    fprintf(out, "Secure Renegotiation IS%s supported\n", si.secure_renegotiation ? "" : " NOT");
    fprintf(out, "Extended master secret: %s\n", si.ems ? "yes" : "no");
    fprintf(out, "Encrypt-then-MAC: %s\n", si.etm ? "yes" : "no");
    fprintf(out, "SSL-Session:\n");
    fprintf(out, "    Protocol  : %s\n", tlstool_version_name(version));
    fprintf(out, "    Cipher    : %s\n", tlstool_suite_openssl_name(suite));
    fprintf(out, "    Session-ID: ");
    put_hex(out, si.session_id, si.session_id_len);
    fprintf(out, "\n    Master-Key: ");
    if (tap != NULL && tap->have_master)
        put_hex(out, tap->master_secret, 48);
    if (si.verify_result == GLASS_OK)
        fprintf(out, "\n    Verify return code: 0 (ok)\n---\n");
    else
        fprintf(out, "\n    Verify return code: 1 (%s)\n---\n", glass_strerror(si.verify_result));
    fflush(out);
}

size_t tlstool_status_page(const glass_engine *e, char *buf, size_t cap)
{
    char subject[X509_NAME_STR_MAX];
    tlstool_facts si;
    tlstool_engine_facts(e, &si);
    uint16_t suite = si.suite;
    uint16_t version = si.version;
    unsigned bits = peer_key(e, subject, sizeof subject);
    int n = snprintf(buf, cap,
                     "<HTML><BODY BGCOLOR=\"#ffffff\">\n<pre>\n"
                     "glass s_server -www\n"
                     "Protocol  : %s\n"
                     "Cipher    : %s\n"
                     "Cipher (IANA): %s (0x%04X)\n"
                     "Group     : %s (%u-bit DH)\n"
                     "Extended master secret: %s\n"
                     "Encrypt-then-MAC: %s\n"
                     "Session   : %s\n"
                     "Server name asked: %s\n"
                     "Client certificate: %s\n"
                     "Client public key: %u bit\n"
                     "</pre></BODY></HTML>\r\n",
                     tlstool_version_name(version), tlstool_suite_openssl_name(suite),
                     tlstool_suite_iana_name(suite), (unsigned)suite,
                     si.group_name[0] ? si.group_name : "none", si.dh_bits, si.ems ? "yes" : "no",
                     si.etm ? "yes" : "no", si.resumed ? "reused" : "new", si.sni[0] ? si.sni : "(none)", subject, bits);
    if (n < 0)
        return 0;
    return (size_t)n < cap ? (size_t)n : cap - 1;
}
