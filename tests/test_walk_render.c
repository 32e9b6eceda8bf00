/*
 * test_walk_render.c — the walkthrough's certificate trees (wk_der_tree,
 * wk_certificates in classroom/walk_render.c) in their three layouts.
 *
 * A real certificate (made with `openssl req -x509 -newkey rsa:512
 * -subj /O=glasstls/CN=alice`, a small key to keep the test short) inside a
 * Certificate message (RFC 5246 §7.4.2): every element is laid out once,
 * text within 100 columns, JSON and HTML properly nested.  Then the same
 * message cut at every length and with every byte changed: the renderer
 * shows what it can read, says where it stops, and always closes what it
 * opened (checked by counting brackets and tags).
 */
#include "testutil.h"

#include "asn1/asn1.h"
#include "classroom/walk_render.h"

#include <stdlib.h>
#include <string.h>

static const char cert_hex[] =
    "3082019730820141a003020102021444d755e971a910144d894764e5f10862fc8049bb30"
    "0d06092a864886f70d01010b050030233111300f060355040a0c08676c617373746c7331"
    "0e300c06035504030c05616c696365301e170d3236313230333032343931375a170d3336"
    "313133303032343931375a30233111300f060355040a0c08676c617373746c73310e300c"
    "06035504030c05616c696365305c300d06092a864886f70d0101010500034b0030480241"
    "00ec2a62d48d740225c4df63635f7fb15c2d878299866a02c95847214f7a16d7bc6a921c"
    "b0128b723227ede97e3e962a1cdc8d7c569dc12ada79859c14428073df0203010001a34d"
    "304b301d0603551d0e041604148a76238022f9df60e8a34a48bb5f7d94cd96c390301f06"
    "03551d230418301680148a76238022f9df60e8a34a48bb5f7d94cd96c39030090603551d"
    "1304023000300d06092a864886f70d01010b050003410060313126a256c1cadd8c7f5769"
    "6b72231127205ba06ab4e8b42d40c133073f331f0a4f3a821c566ae6b5d745b120ddc6fa"
    "4470d8ded2ac1743ba6151194ae21f";

/* A Certificate message holding one certificate: msg_type 11, length,
 * certificate_list length, then the certificate with its 3-byte length. */
static uint8_t *cert_message(size_t *len)
{
    size_t n = 0;
    uint8_t *der = tu_hex(cert_hex, &n);
    uint8_t *m = malloc(n + 10);
    m[0] = 11;
    for (int i = 0; i < 3; i++) {
        m[1 + i] = (uint8_t)((n + 6) >> (16 - 8 * i));
        m[4 + i] = (uint8_t)((n + 3) >> (16 - 8 * i));
        m[7 + i] = (uint8_t)(n >> (16 - 8 * i));
    }
    memcpy(m + 10, der, n);
    free(der);
    *len = n + 10;
    return m;
}

/* Renders the message's certificates in fmt, as inside an open message
 * (tree: only the DER at msg + 10, through wk_der_tree). */
static char *render_as(wk_format fmt, const uint8_t *msg, size_t len, int tree)
{
    char *out = NULL;
    size_t out_len = 0;
    wk_out o;
    memset(&o, 0, sizeof o);
    o.f = open_memstream(&out, &out_len);
    CU_ASSERT_PTR_NOT_NULL_FATAL(o.f);
    o.fmt = fmt;
    o.in_message = 1;
    o.n_fields = 1;
    if (tree)
        wk_der_tree(&o, "a certificate cut short", PEM_CERTIFICATE, msg + 10, len - 10, 10);
    else
        wk_certificates(&o, msg, len);
    fclose(o.f);
    return out;
}

static char *render(wk_format fmt, const uint8_t *msg, size_t len)
{
    return render_as(fmt, msg, len, 0);
}

static size_t count(const char *s, const char *what)
{
    size_t n = 0;
    for (const char *p = strstr(s, what); p != NULL; p = strstr(p + 1, what))
        n++;
    return n;
}

/* 1 if every bracket outside JSON strings is closed in order. */
static int json_balanced(const char *s)
{
    char stack[256];
    size_t top = 0;
    int in_str = 0;
    for (const char *p = s; *p != '\0'; p++) {
        if (in_str) {
            if (*p == '\\' && p[1] != '\0')
                p++;
            else if (*p == '"')
                in_str = 0;
        } else if (*p == '"') {
            in_str = 1;
        } else if (*p == '[' || *p == '{') {
            if (top == sizeof stack)
                return 0;
            stack[top++] = *p;
        } else if (*p == ']' || *p == '}') {
            if (top == 0 || stack[--top] != (*p == ']' ? '[' : '{'))
                return 0;
        }
    }
    return top == 0 && !in_str;
}

static int html_balanced(const char *s)
{
    return count(s, "<ul") == count(s, "</ul>") && count(s, "<li>") == count(s, "</li>") &&
           count(s, "<details") == count(s, "</details>") && count(s, "<tr") == count(s, "</tr>");
}

/* No line wider than 100 columns (UTF-8: continuation bytes do not count). */
static int text_fits(const char *s)
{
    size_t cols = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++) {
        if (*p == '\n')
            cols = 0;
        else if ((*p & 0xc0) != 0x80 && ++cols > 100)
            return 0;
    }
    return 1;
}

static void count_note(void *arg, const der_note *n)
{
    (void)n;
    ++*(size_t *)arg;
}

static void test_walk_render_certificate(void)
{
    size_t len = 0, elems = 0;
    uint8_t *msg = cert_message(&len);
    TU_ASSERT_ERR(der_annotate(msg + 10, len - 10, der_schema_for_label(PEM_CERTIFICATE),
                               count_note, &elems, NULL), GLASS_OK);
    CU_ASSERT(elems > 30);

    char *t = render(WK_TEXT, msg, len);
    CU_ASSERT_PTR_NOT_NULL(strstr(t, "certificate 1 of 1 (the sender's own): "));
    CU_ASSERT_PTR_NOT_NULL(strstr(t, "subject CN=alice"));
    CU_ASSERT_PTR_NOT_NULL(strstr(t, "    00000a  30 82 "));     /* offsets count from the message */
    CU_ASSERT_PTR_NOT_NULL(strstr(t, "serialNumber  INTEGER("));
    CU_ASSERT_PTR_NOT_NULL(strstr(t, "value  UTF8String(5) = \"alice\""));
    CU_ASSERT_EQUAL(count(t, "\n"), elems + 1);
    CU_ASSERT(text_fits(t));
    free(t);

    char *j = render(WK_JSON, msg, len);
    CU_ASSERT(j[0] == ',');
    CU_ASSERT(json_balanced(j));
    CU_ASSERT_EQUAL(count(j, "\"children\": ["), elems);
    CU_ASSERT_PTR_NOT_NULL(strstr(j, "\"der\": [{\"offset\": 10, \"depth\": 0, "));
    CU_ASSERT_PTR_NULL(strstr(j, "\"error\""));
    free(j);

    char *h = render(WK_HTML, msg, len);
    CU_ASSERT(html_balanced(h));
    CU_ASSERT_EQUAL(count(h, "<div class=\"der f"), elems);
    CU_ASSERT_PTR_NOT_NULL(strstr(h, "<tr class=\"certrow\"><td colspan=\"4\"><details class=\"cert\" "
                                     "open data-off=\"10\">"));
    CU_ASSERT_PTR_NOT_NULL(strstr(h, "<b>subjectPublicKeyInfo</b>"));
    free(h);
    free(msg);
}

/* Cut short or with any byte changed, the layouts still close what they
 * open, and a walk that stops says so. */
static void test_walk_render_hostile(void)
{
    size_t len = 0;
    uint8_t *msg = cert_message(&len);
    uint8_t *m = malloc(len);
    size_t stopped = 0;
    for (size_t cut = 0; cut < 10; cut++) {   /* no certificate to show */
        char *s = render(WK_JSON, msg, cut);
        CU_ASSERT_STRING_EQUAL(s, "");
        free(s);
    }
    for (size_t cut = 10; cut <= len; cut++) {
        for (int f = WK_TEXT; f <= WK_HTML; f++) {
            char *s = render_as((wk_format)f, msg, cut, 1);
            if (f == WK_JSON) {
                CU_ASSERT(json_balanced(s + 1));
                CU_ASSERT((cut == len || cut == 10) ==
                          (strstr(s, "\"error\": \"stops at offset ") == NULL));
            }
            if (f == WK_HTML)
                CU_ASSERT(html_balanced(s));
            if (f == WK_TEXT)
                CU_ASSERT(text_fits(s));
            free(s);
        }
    }
    for (size_t at = 0; at < len; at++) {
        memcpy(m, msg, len);
        m[at] ^= 0x80;
        char *j = render(WK_JSON, m, len), *h = render(WK_HTML, m, len);
        CU_ASSERT(j[0] == '\0' || json_balanced(j + 1));
        CU_ASSERT(html_balanced(h));
        if (strstr(j, "\"error\": \"stops at offset ") != NULL)
            stopped++;
        free(j);
        free(h);
    }
    CU_ASSERT(stopped > 0);     /* some changes make the DER unreadable... */
    CU_ASSERT(stopped < len);   /* ...and most leave it readable */
    free(m);
    free(msg);
}

void suite_walk_render(void)
{
    CU_pSuite s = tu_suite("walk_render");
    TU_ADD(s, test_walk_render_certificate);
    TU_ADD(s, test_walk_render_hostile);
}
