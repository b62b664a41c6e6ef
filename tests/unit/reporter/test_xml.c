/*
 * test_xml - the report writer: every document produced here is validated
 * against the RFC 7489 Appendix C schema (tests/lib/testxml.c).
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

/* assert_valid - doc validates against the schema */
static void
assert_valid(const char *doc, size_t len)
{
    char err[512];

    if (testxml_validate(doc, len, err, sizeof(err)) != 0) {
        fprintf(stderr, "%s\n%s\n", err, doc);
        fail_msg("schema validation failed: %s", err);
    }
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

/* run_report - write one report of n copies of r; returns the XML */
static char *
run_report(const struct agg_meta *m, const struct agg_row *r, size_t n,
           bool is_gzip, size_t *len)
{
    struct agg_policy p;
    const char *why = NULL;
    struct xml_report *x;
    char *out = NULL;

    agg_policy_init(&p, "example.org");
    p.p = AGG_DISP_REJECT;
    p.sp = AGG_DISP_QUARANTINE;
    x = xml_begin(m, &p, is_gzip, 1u << 26, &why);
    assert_non_null(x);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(xml_row(x, r, &why), XML_OK);
    assert_int_equal(xml_rows(x), n);
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

/* test_basic - a gzip report: valid, complete, in schema order */
static void
test_basic(void **state)
{
    static const char *const order[] = {
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>",
        "<feedback>",
        "<version>1.0</version>",
        "<org_name>Example Receiver</org_name>",
        "<email>dmarc-reports@receiver.example</email>",
        "<report_id>1764633600abcdefghijklm</report_id>",
        "<begin>1764633600</begin>",
        "<end>1764720000</end>",
        "<domain>example.org</domain>",
        "<adkim>r</adkim>",
        "<aspf>r</aspf>",
        "<p>reject</p>",
        "<sp>quarantine</sp>",
        "<pct>100</pct>",
        "<fo>0</fo>",
        "<source_ip>192.0.2.1</source_ip>",
        "<count>3</count>",
        "<disposition>none</disposition>",
        "<dkim>pass</dkim>",
        "<spf>fail</spf>",
        "<envelope_from>bounce.example.org</envelope_from>",
        "<header_from>example.org</header_from>",
        "<dkim>",
        "<selector>s2025</selector>",
        "<result>pass</result>",
        "<spf>",
        "<scope>mfrom</scope>",
        "<result>softfail</result>",
        "</feedback>",
        NULL
    };
    struct agg_row r;
    size_t len;
    char *doc;

    (void)state;
    agg_row_init(&r);
    basic_row(&r, "192.0.2.1");
    doc = run_report(&meta, &r, 1, true, &len);
    assert_order(doc, order);
    assert_null(strstr(doc, "envelope_to"));
    assert_null(strstr(doc, "<reason>"));
    free(doc);
    agg_row_free(&r);
}

/* test_full_metadata - extra_contact_info, errors, reasons, envelope_to,
 * several DKIM and SPF results, IPv6 */
static void
test_full_metadata(void **state)
{
    static const char *const errors[] = { "first error", "second error" };
    static const char *const order[] = {
        "<extra_contact_info>https://receiver.example/dmarc",
        "</extra_contact_info>",
        "<report_id>",
        "<date_range>",
        "<error>first error</error>",
        "<error>second error</error>",
        "<source_ip>2001:0db8:0000:0000:0000:0000:0000:0001</source_ip>",
        "<type>forwarded</type>",
        "<type>local_policy</type>",
        "<comment>arc=pass</comment>",
        "<envelope_to>rcpt.example</envelope_to>",
        "<domain>example.org</domain>",
        "<domain>other.example</domain>",
        "<human_result>bad sig</human_result>",
        "<scope>helo</scope>",
        "<scope>mfrom</scope>",
        NULL
    };
    struct agg_meta m = meta;
    struct agg_row r;
    struct agg_dkim d2 = { "other.example", NULL, AGG_DKIM_FAIL, "bad sig" };
    struct agg_spf s2 = { "mx.example.org", AGG_SCOPE_HELO, AGG_SPF_PASS };
    size_t len;
    char *doc;

    (void)state;
    m.extra_contact_info = "https://receiver.example/dmarc";
    m.errors = errors;
    m.error_count = 2;
    agg_row_init(&r);
    basic_row(&r, "2001:db8::1");
    r.envelope_to = "rcpt.example";
    assert_int_equal(agg_row_add_reason(&r, AGG_REASON_FORWARDED, NULL), 0);
    assert_int_equal(
        agg_row_add_reason(&r, AGG_REASON_LOCAL_POLICY, "arc=pass"), 0);
    assert_int_equal(agg_row_add_dkim(&r, &d2), 0);
    r.spf_results[1] = r.spf_results[0];
    r.spf_results[0] = s2;
    r.spf_count = 2;
    doc = run_report(&m, &r, 2, false, &len);
    assert_order(doc, order);
    free(doc);
    agg_row_free(&r);
}

/* test_forwarded_rows - issue 8: rows that escaped a reject through the
 * ARC override (trusted_forwarder with the RFC 8617 7.2 comment) and the
 * pct draw (sampled_out), beside a rejected row without reason; the
 * document validates */
static void
test_forwarded_rows(void **state)
{
    static const char *const order[] = {
        "<disposition>reject</disposition><dkim>fail</dkim><spf>fail</spf>"
        "</policy_evaluated>",
        "<count>3</count><policy_evaluated><disposition>none</disposition>"
        "<dkim>fail</dkim><spf>fail</spf><reason><type>trusted_forwarder"
        "</type><comment>arc=pass as[2].d=relay.example.net as[2].s=seal1 "
        "remote-ip[2]=192.0.2.25 as[1].d=list.example.org as[1].s=arc2026"
        "</comment></reason></policy_evaluated>",
        "<disposition>quarantine</disposition><dkim>fail</dkim><spf>fail</spf>"
        "<reason><type>sampled_out</type></reason>",
        "<disposition>none</disposition><dkim>fail</dkim><spf>fail</spf>"
        "<reason><type>sampled_out</type></reason><reason><type>"
        "trusted_forwarder</type><comment>arc=pass as[1].d=list.example.org "
        "as[1].s=arc2026</comment></reason>",
        NULL
    };
    struct agg_row r[4];
    size_t len;
    char *doc;

    (void)state;
    for (size_t i = 0; i < 4; i++) {
        agg_row_init(&r[i]);
        basic_row(&r[i], "192.0.2.25");
        r[i].dkim = AGG_DMARC_FAIL;
        r[i].spf = AGG_DMARC_FAIL;
    }
    r[0].disposition = AGG_DISP_REJECT;
    r[0].count = 2;
    assert_int_equal(
        agg_row_add_reason(&r[1], AGG_REASON_TRUSTED_FORWARDER,
                           "arc=pass as[2].d=relay.example.net as[2].s=seal1 "
                           "remote-ip[2]=192.0.2.25 as[1].d=list.example.org "
                           "as[1].s=arc2026"),
        0);
    r[2].disposition = AGG_DISP_QUARANTINE;
    assert_int_equal(agg_row_add_reason(&r[2], AGG_REASON_SAMPLED_OUT, NULL),
                     0);
    assert_int_equal(agg_row_add_reason(&r[3], AGG_REASON_SAMPLED_OUT, ""), 0);
    assert_int_equal(
        agg_row_add_reason(&r[3], AGG_REASON_TRUSTED_FORWARDER,
                           "arc=pass as[1].d=list.example.org as[1].s=arc2026"),
        0);
    /* one document per row (run_report repeats its row); each validates */
    for (size_t i = 0; i < 4; i++) {
        const char *one[] = { order[i], NULL };
        size_t k = 0;
        char *flat;

        doc = run_report(&meta, &r[i], 1, false, &len);
        flat = xmalloc(len + 1);
        for (size_t j = 0; j < len; j++) { /* drop the indentation */
            if (doc[j] == '\n')
                while (j + 1 < len && doc[j + 1] == ' ')
                    j++;
            else
                flat[k++] = doc[j];
        }
        flat[k] = '\0';
        assert_order(flat, one);
        free(flat);
        free(doc);
    }
    for (size_t i = 0; i < 4; i++)
        agg_row_free(&r[i]);
}

/* test_null_sender - envelope_from falls back to the HELO domain, else
 * is written empty; both forms validate */
static void
test_null_sender(void **state)
{
    struct agg_row r;
    struct agg_spf helo = { "mx.example.org", AGG_SCOPE_HELO, AGG_SPF_PASS };
    size_t len;
    char *doc;

    (void)state;
    agg_row_init(&r);
    basic_row(&r, "198.51.100.9");
    r.envelope_from = NULL;
    doc = run_report(&meta, &r, 1, false, &len);
    assert_non_null(strstr(doc, "<envelope_from></envelope_from>"));
    free(doc);
    assert_int_equal(agg_row_add_spf(&r, &helo), 0);
    r.envelope_from = "";
    doc = run_report(&meta, &r, 1, false, &len);
    assert_non_null(
        strstr(doc, "<envelope_from>mx.example.org</envelope_from>"));
    free(doc);
    agg_row_free(&r);
}

/* test_escaping - markup is escaped, bad bytes replaced; still valid */
static void
test_escaping(void **state)
{
    struct agg_meta m = meta;
    struct agg_row r;
    size_t len;
    char *doc;

    (void)state;
    m.org_name = "A & B <Mail> \"Co\" \xc3\xa9t\xc3\xa9";
    agg_row_init(&r);
    basic_row(&r, "192.0.2.1");
    assert_int_equal(agg_row_add_reason(&r, AGG_REASON_OTHER,
                                        "x</comment><y>\x01\x7f\xff\xc0\xaf"
                                        "\xed\xa0\x80z"),
                     0);
    doc = run_report(&m, &r, 1, false, &len);
    assert_non_null(strstr(doc, "A &amp; B &lt;Mail&gt;"));
    assert_non_null(strstr(doc, "\xc3\xa9t\xc3\xa9"));
    assert_non_null(strstr(doc, "x&lt;/comment&gt;&lt;y&gt;?????"));
    assert_null(strstr(doc, "<y>"));
    free(doc);
    agg_row_free(&r);
}

/* xml_test_big - a string one byte longer than XML_MAX_TEXT */
static char *
xml_test_big(void)
{
    char *s = malloc(XML_MAX_TEXT + 2);

    assert_non_null(s);
    memset(s, 'a', XML_MAX_TEXT + 1);
    s[XML_MAX_TEXT + 1] = '\0';
    return s;
}

/* test_bad_rows - a bad row is refused and leaves the report usable */
static void
test_bad_rows(void **state)
{
    struct agg_policy p;
    struct agg_row r;
    const char *why = NULL;
    char *out = NULL;
    char *big = xml_test_big();
    size_t len;
    struct xml_report *x;

    (void)state;
    agg_policy_init(&p, "example.org");
    x = xml_begin(&meta, &p, false, 1u << 20, &why);
    assert_non_null(x);
    agg_row_init(&r);
    basic_row(&r, "not-an-ip");
    assert_int_equal(xml_row(x, &r, &why), XML_BADINPUT);
    basic_row(&r, "192.0.2.1");
    r.spf_count = 0;
    assert_int_equal(xml_row(x, &r, &why), XML_BADINPUT);
    assert_string_equal(why, "no SPF result");
    basic_row(&r, "192.0.2.1");
    r.header_from = big;
    assert_int_equal(xml_row(x, &r, &why), XML_BADINPUT);
    assert_string_equal(why, "row string too long");
    assert_int_equal(xml_rows(x), 0);
    assert_int_equal(xml_end(x, &out, &len, &why), -1);
    assert_string_equal(why, "no record written");
    xml_free(x);

    x = xml_begin(&meta, &p, false, 1u << 20, &why);
    basic_row(&r, "192.0.2.1");
    assert_int_equal(xml_row(x, &r, &why), XML_OK);
    assert_int_equal(xml_end(x, &out, &len, &why), 0);
    assert_valid(out, len);
    free(out);
    xml_free(x);
    free(big);
    agg_row_free(&r);
}

/* test_bad_head - incomplete metadata or policy: no report */
static void
test_bad_head(void **state)
{
    struct agg_meta m = meta;
    struct agg_policy p;
    const char *why = NULL;

    (void)state;
    agg_policy_init(&p, "example.org");
    m.email = "";
    assert_null(xml_begin(&m, &p, true, 1u << 20, &why));
    assert_string_equal(why, "no email");
    p.domain = NULL;
    assert_null(xml_begin(&meta, &p, true, 1u << 20, &why));
    assert_string_equal(why, "no policy domain");
}

/* test_too_large - exceeding max_out is an error, never a truncation */
static void
test_too_large(void **state)
{
    struct agg_policy p;
    struct agg_row r;
    const char *why = NULL;
    char *out = NULL;
    size_t len;
    size_t i;
    enum xml_status st = XML_OK;
    struct xml_report *x;

    (void)state;
    agg_policy_init(&p, "example.org");
    agg_row_init(&r);
    basic_row(&r, "192.0.2.1");
    x = xml_begin(&meta, &p, false, 8192, &why);
    assert_non_null(x);
    for (i = 0; i < 1000 && st == XML_OK; i++)
        st = xml_row(x, &r, &why);
    assert_int_equal(st, XML_ERR);
    assert_int_equal(xml_row(x, &r, &why), XML_ERR);
    assert_int_equal(xml_end(x, &out, &len, &why), -1);
    xml_free(x);
    agg_row_free(&r);
}

/* test_many_rows - 20000 records stream through gzip; deterministic */
static void
test_many_rows(void **state)
{
    struct agg_policy p;
    struct agg_row r;
    const char *why = NULL;
    char *out[2];
    char ip[32];
    char *doc;
    size_t len[2];
    size_t plain_len;

    (void)state;
    agg_policy_init(&p, "example.org");
    agg_row_init(&r);
    for (int run = 0; run < 2; run++) {
        struct xml_report *x = xml_begin(&meta, &p, true, 1u << 24, &why);

        for (unsigned i = 0; i < 20000; i++) {
            (void)snprintf(ip, sizeof(ip), "10.%u.%u.%u", i >> 16,
                           (i >> 8) & 255, i & 255);
            basic_row(&r, ip);
            assert_int_equal(xml_row(x, &r, &why), XML_OK);
        }
        assert_int_equal(xml_end(x, &out[run], &len[run], &why), 0);
        xml_free(x);
    }
    assert_int_equal(len[0], len[1]);
    assert_memory_equal(out[0], out[1], len[0]);
    assert_true(len[0] < (size_t)20000 * 20);
    doc = testxml_gunzip(out[0], len[0], &plain_len);
    assert_non_null(doc);
    assert_true(plain_len > len[0] * 5);
    assert_valid(doc, plain_len);
    free(doc);
    free(out[0]);
    free(out[1]);
    agg_row_free(&r);
}

/* test_strict_pattern - the schema itself rejects compressed IPv6, which
 * is why the writer expands it (errata 5221, 7865) */
static void
test_strict_pattern(void **state)
{
    struct agg_row r;
    char err[512];
    char *doc;
    char *p;
    size_t len;
    static const char expanded[] = "2001:0db8:0000:0000:0000:0000:0000:0001";
    static const char compressed[] = "2001:db8::1";

    (void)state;
    agg_row_init(&r);
    basic_row(&r, "2001:db8::1");
    doc = run_report(&meta, &r, 1, false, &len);
    p = strstr(doc, expanded);
    assert_non_null(p);
    memcpy(p, compressed, sizeof(compressed) - 1);
    memmove(p + sizeof(compressed) - 1, p + sizeof(expanded) - 1,
            strlen(p + sizeof(expanded) - 1) + 1);
    assert_int_equal(testxml_validate(doc, strlen(doc), err, sizeof(err)), -1);
    free(doc);
    agg_row_free(&r);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_basic),
        cmocka_unit_test(test_full_metadata),
        cmocka_unit_test(test_forwarded_rows),
        cmocka_unit_test(test_null_sender),
        cmocka_unit_test(test_escaping),
        cmocka_unit_test(test_bad_rows),
        cmocka_unit_test(test_bad_head),
        cmocka_unit_test(test_too_large),
        cmocka_unit_test(test_many_rows),
        cmocka_unit_test(test_strict_pattern),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
