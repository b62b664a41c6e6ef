/*
 * test_xml9990 - the report writer in RFC 9990 format: every document
 * produced here is validated against the RFC 9990 schema
 * (tests/data/xsd/rfc9990-aggregate.xsd, through tests/lib/testxml.c),
 * and checked not to validate against the RFC 7489 one (standards.md
 * 7.4: never a mix).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "common/xalloc.h"
#include "reporter/xml.h"
#include "tests/lib/testxml.h"

/* the metadata used by most tests */
static const struct agg_meta meta = { "Example Receiver",
                                      "dmarc-reports@receiver.example",
                                      NULL,
                                      "1764633600abcdefghijklm",
                                      1764633600,
                                      1764720000,
                                      NULL,
                                      0 };

/* assert_valid - doc validates against the RFC 9990 schema and not
 * against the RFC 7489 one */
static void
assert_valid(const char *doc, size_t len)
{
    char err[512];

    if (testxml_validate9990(doc, len, err, sizeof(err)) != 0) {
        fprintf(stderr, "%s\n%s\n", err, doc);
        fail_msg("RFC 9990 schema validation failed: %s", err);
    }
    assert_int_not_equal(testxml_validate(doc, len, err, sizeof(err)), 0);
}

/* basic_row - one complete row into r */
static void
basic_row(struct agg_row *r, const char *ip)
{
    struct agg_dkim d = { "example.org", "s2025", AGG_DKIM_PASS, NULL };
    struct agg_spf s = { "bounce.example.org", AGG_SCOPE_MFROM,
                         AGG_SPF_SOFTFAIL };

    agg_row_reset(r);
    r->source_ip = ip;
    r->count = 3;
    r->dkim = AGG_DMARC_PASS;
    r->header_from = "example.org";
    r->envelope_from = "bounce.example.org";
    assert_int_equal(agg_row_add_dkim(r, &d), 0);
    assert_int_equal(agg_row_add_spf(r, &s), 0);
}

/* policy - the policy most tests use: p=reject sp=quarantine np=reject,
 * t=y, found by the tree walk */
static void
policy(struct agg_policy *p)
{
    agg_policy_init(p, "example.org");
    p->p = AGG_DISP_REJECT;
    p->sp = AGG_DISP_QUARANTINE;
    p->np = AGG_DISP_REJECT;
    p->is_testing = true;
    p->discovery = AGG_DISCOVERY_TREEWALK;
}

/* run_report - write one RFC 9990 report of r under m and p; returns
 * the XML (plain, after gunzip when is_gzip) */
static char *
run_report(const struct agg_meta *m, const struct agg_policy *p,
           const struct agg_row *r, bool is_gzip, size_t *len)
{
    struct agg_head h = { m, p, AGG_FORMAT_RFC9990, "dmarcsuite test" };
    const char *why = NULL;
    struct xml_report *x;
    char *out = NULL;

    x = xml_begin_head(&h, is_gzip, 1u << 26, &why);
    assert_non_null(x);
    assert_int_equal(xml_row(x, r, &why), XML_OK);
    assert_int_equal(xml_end(x, &out, len, &why), 0);
    xml_free(x);
    if (is_gzip) {
        char *plain = testxml_gunzip(out, *len, len);

        assert_non_null(plain);
        free(out);
        out = plain;
    }
    assert_valid(out, *len);
    return out;
}

/* assert_order - the strings of list occur in doc in this order */
static void
assert_order(const char *doc, const char *const *list)
{
    const char *miss = testxml_order(doc, list);

    if (miss != NULL)
        fail_msg("missing or out of order: %s", miss);
}

/* test_basic - a gzip RFC 9990 report: namespace, generator, np,
 * discovery_method, testing, no pct */
static void
test_basic(void **state)
{
    static const char *const order[] = {
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>",
        "<feedback xmlns=\"urn:ietf:params:xml:ns:dmarc-2.0\">",
        "<version>1.0</version>",
        "<org_name>Example Receiver</org_name>",
        "<report_id>1764633600abcdefghijklm</report_id>",
        "<begin>1764633600</begin>",
        "<end>1764720000</end>",
        "<generator>dmarcsuite test</generator>",
        "<domain>example.org</domain>",
        "<p>reject</p>",
        "<sp>quarantine</sp>",
        "<np>reject</np>",
        "<adkim>r</adkim>",
        "<aspf>r</aspf>",
        "<discovery_method>treewalk</discovery_method>",
        "<fo>0</fo>",
        "<testing>y</testing>",
        "<source_ip>192.0.2.1</source_ip>",
        "<count>3</count>",
        "<disposition>none</disposition>",
        "<header_from>example.org</header_from>",
        "<envelope_from>bounce.example.org</envelope_from>",
        "<selector>s2025</selector>",
        "<result>pass</result>",
        "<scope>mfrom</scope>",
        "<result>softfail</result>",
        "</feedback>",
        NULL
    };
    struct agg_policy p;
    struct agg_row r;
    size_t len;
    char *doc;

    (void)state;
    policy(&p);
    agg_row_init(&r);
    basic_row(&r, "192.0.2.1");
    doc = run_report(&meta, &p, &r, true, &len);
    assert_order(doc, order);
    assert_null(strstr(doc, "<pct>"));
    assert_null(strstr(doc, "<error>"));
    free(doc);
    agg_row_free(&r);
}

/* test_defaults - nothing recorded about discovery: the element is left
 * out; testing n; no generator when none is given */
static void
test_defaults(void **state)
{
    struct agg_head h = { &meta, NULL, AGG_FORMAT_RFC9990, NULL };
    struct agg_policy p;
    struct agg_row r;
    const char *why = NULL;
    struct xml_report *x;
    char *doc = NULL;
    size_t len;

    (void)state;
    agg_policy_init(&p, "example.org");
    h.policy = &p;
    agg_row_init(&r);
    basic_row(&r, "192.0.2.1");
    x = xml_begin_head(&h, false, 1u << 20, &why);
    assert_non_null(x);
    assert_int_equal(xml_row(x, &r, &why), XML_OK);
    assert_int_equal(xml_end(x, &doc, &len, &why), 0);
    xml_free(x);
    assert_valid(doc, len);
    assert_non_null(strstr(doc, "<np>none</np>"));
    assert_non_null(strstr(doc, "<testing>n</testing>"));
    assert_null(strstr(doc, "discovery_method"));
    assert_null(strstr(doc, "generator"));
    free(doc);
    agg_row_free(&r);
}

/* test_null_sender - an empty envelope_from, and the HELO check written
 * as the one SPF result without scope */
static void
test_null_sender(void **state)
{
    struct agg_spf helo = { "mx.example.org", AGG_SCOPE_HELO, AGG_SPF_PASS };
    struct agg_policy p;
    struct agg_row r;
    size_t len;
    char *doc;

    (void)state;
    policy(&p);
    agg_row_init(&r);
    basic_row(&r, "2001:db8::1");
    r.envelope_from = "";
    r.spf_count = 0;
    assert_int_equal(agg_row_add_spf(&r, &helo), 0);
    doc = run_report(&meta, &p, &r, false, &len);
    assert_non_null(strstr(doc, "<envelope_from></envelope_from>"));
    assert_non_null(strstr(doc, "<domain>mx.example.org</domain>"));
    assert_null(strstr(doc, "<scope>"));
    free(doc);
    agg_row_free(&r);
}

/* test_one_spf - of a HELO and a MAIL FROM result only the latter is
 * written (RFC 9990: zero or one SPF result, scope mfrom) */
static void
test_one_spf(void **state)
{
    struct agg_spf helo = { "mx.example.org", AGG_SCOPE_HELO, AGG_SPF_PASS };
    struct agg_policy p;
    struct agg_row r;
    size_t len;
    char *doc;

    (void)state;
    policy(&p);
    agg_row_init(&r);
    basic_row(&r, "192.0.2.1");
    r.spf_count = 0;
    assert_int_equal(agg_row_add_spf(&r, &helo), 0);
    r.spf_results[1] =
        (struct agg_spf){ "bounce.example.org", AGG_SCOPE_MFROM, AGG_SPF_FAIL };
    r.spf_count = 2;
    doc = run_report(&meta, &p, &r, false, &len);
    assert_null(strstr(doc, "mx.example.org"));
    assert_non_null(strstr(doc, "<scope>mfrom</scope>"));
    free(doc);
    agg_row_free(&r);
}

/* test_reasons_errors - reason types each format lacks, one <error>
 * joining two, an empty selector, IPv6 */
static void
test_reasons_errors(void **state)
{
    static const char *const errors[] = { "first error", "second error" };
    static const char *const order[] = {
        "<error>first error; second error</error>",
        "<type>other</type>",
        "<comment>forwarded</comment>",
        "<type>policy_test_mode</type>",
        "<type>other</type>",
        "<comment>via list</comment>",
        "<selector></selector>",
        NULL
    };
    struct agg_dkim d2 = { "other.example", NULL, AGG_DKIM_FAIL, "bad sig" };
    struct agg_meta m = meta;
    struct agg_policy p;
    struct agg_row r;
    size_t len;
    char *doc;

    (void)state;
    m.errors = errors;
    m.error_count = 2;
    policy(&p);
    agg_row_init(&r);
    basic_row(&r, "2001:db8::1");
    assert_int_equal(agg_row_add_reason(&r, AGG_REASON_FORWARDED, NULL), 0);
    assert_int_equal(agg_row_add_reason(&r, AGG_REASON_POLICY_TEST_MODE, NULL),
                     0);
    assert_int_equal(agg_row_add_reason(&r, AGG_REASON_SAMPLED_OUT, "via list"),
                     0);
    assert_int_equal(agg_row_add_dkim(&r, &d2), 0);
    doc = run_report(&m, &p, &r, false, &len);
    assert_order(doc, order);
    assert_null(strstr(doc, "forwarded</type>"));
    assert_null(strstr(doc, "sampled_out"));
    assert_null(strstr(strstr(doc, "<error>") + 1, "<error>"));
    free(doc);
    agg_row_free(&r);
}

/* test_spf_policy - RFC 9990's SPF "policy" result is written as it is;
 * an RFC 7489 report, which has no such value, writes none */
static void
test_spf_policy(void **state)
{
    struct agg_policy p;
    struct agg_row r;
    const char *why = NULL;
    struct xml_report *x;
    char err[512];
    char *doc;
    size_t len;

    (void)state;
    policy(&p);
    agg_row_init(&r);
    basic_row(&r, "192.0.2.1");
    r.spf_results[0].result = AGG_SPF_POLICY;
    doc = run_report(&meta, &p, &r, false, &len);
    assert_non_null(strstr(doc, "<result>policy</result>"));
    free(doc);
    x = xml_begin(&meta, &p, false, 1u << 20, &why);
    assert_non_null(x);
    assert_int_equal(xml_row(x, &r, &why), XML_OK);
    assert_int_equal(xml_end(x, &doc, &len, &why), 0);
    xml_free(x);
    assert_int_equal(testxml_validate(doc, len, err, sizeof(err)), 0);
    assert_null(strstr(doc, "<result>policy</result>"));
    free(doc);
    agg_row_free(&r);
}

/* test_7489_unchanged - the RFC 7489 path through xml_begin_head gives
 * the same bytes as xml_begin, and policy_test_mode becomes "other" */
static void
test_7489_unchanged(void **state)
{
    struct agg_policy p;
    struct agg_head h = { &meta, NULL, AGG_FORMAT_RFC7489, "ignored" };
    struct agg_row r;
    const char *why = NULL;
    char *a = NULL;
    char *b = NULL;
    size_t alen;
    size_t blen;
    char err[512];
    struct xml_report *x;

    (void)state;
    policy(&p);
    h.policy = &p;
    agg_row_init(&r);
    basic_row(&r, "192.0.2.1");
    assert_int_equal(agg_row_add_reason(&r, AGG_REASON_POLICY_TEST_MODE, NULL),
                     0);
    x = xml_begin(&meta, &p, false, 1u << 20, &why);
    assert_non_null(x);
    assert_int_equal(xml_row(x, &r, &why), XML_OK);
    assert_int_equal(xml_end(x, &a, &alen, &why), 0);
    xml_free(x);
    x = xml_begin_head(&h, false, 1u << 20, &why);
    assert_non_null(x);
    assert_int_equal(xml_row(x, &r, &why), XML_OK);
    assert_int_equal(xml_end(x, &b, &blen, &why), 0);
    xml_free(x);
    assert_int_equal(alen, blen);
    assert_memory_equal(a, b, alen);
    assert_int_equal(testxml_validate(a, alen, err, sizeof(err)), 0);
    assert_int_not_equal(testxml_validate9990(a, alen, err, sizeof(err)), 0);
    assert_non_null(strstr(a, "<type>other</type>"));
    assert_non_null(strstr(a, "<comment>policy_test_mode</comment>"));
    assert_null(strstr(a, "generator"));
    assert_null(strstr(a, "<np>"));
    free(a);
    free(b);
    agg_row_free(&r);
}

/* test_reason_names - the RFC 9990 override words */
static void
test_reason_names(void **state)
{
    enum agg_reason_type t;
    enum agg_disposition d;

    (void)state;
    assert_int_equal(agg_reason9990_from_name("policy_test_mode", &t), 0);
    assert_int_equal(t, AGG_REASON_POLICY_TEST_MODE);
    assert_int_equal(agg_reason9990_from_name("mailing_list", &t), 0);
    assert_int_equal(t, AGG_REASON_MAILING_LIST);
    assert_int_equal(agg_reason9990_from_name("forwarded", &t), -1);
    assert_int_equal(agg_reason9990_from_name("sampled_out", &t), -1);
    assert_int_equal(agg_reason_from_name("policy_test_mode", &t), -1);
    assert_int_equal(agg_np_from_code(3, &d), 0);
    assert_int_equal(d, AGG_DISP_REJECT);
    assert_int_equal(agg_np_from_code(0, &d), -1);
    assert_int_equal(agg_spf9990_from_code(8), AGG_SPF_POLICY);
    assert_int_equal(agg_spf_from_code(8), AGG_SPF_NONE);
    assert_int_equal(agg_spf9990_from_code(2), AGG_SPF_SOFTFAIL);
    assert_string_equal(agg_discovery_str(AGG_DISCOVERY_PSL), "psl");
    assert_null(agg_discovery_str(AGG_DISCOVERY_UNKNOWN));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_basic),
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_null_sender),
        cmocka_unit_test(test_one_spf),
        cmocka_unit_test(test_reasons_errors),
        cmocka_unit_test(test_spf_policy),
        cmocka_unit_test(test_7489_unchanged),
        cmocka_unit_test(test_reason_names),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
