/*
 * test_agg - the report model: code mapping, address formatting, limits
 * and completeness checks.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "reporter/agg.h"

/* one history code and the values it maps to */
struct code_case {
    int code;         /* ARES code (history-format.md 4.1) */
    const char *dkim; /* expected DKIM result */
    const char *spf;  /* expected SPF result */
};

static const struct code_case code_cases[] = {
    { -1, "permerror", "none" },
    { 0, "pass", "pass" },
    { 1, "permerror", "permerror" },
    { 2, "fail", "softfail" },
    { 3, "neutral", "neutral" },
    { 4, "temperror", "temperror" },
    { 5, "permerror", "permerror" },
    { 6, "none", "none" },
    { 7, "fail", "fail" },
    { 8, "policy", "none" },
    { 9, "permerror", "permerror" },
    { 10, "permerror", "permerror" },
    { 11, "permerror", "permerror" },
    { 12, "permerror", "permerror" },
    { 13, "permerror", "permerror" },
    { -7, "permerror", "permerror" },
};

/* test_codes - history-format.md 4.7, row by row */
static void
test_codes(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(code_cases) / sizeof(code_cases[0]); i++) {
        const struct code_case *c = &code_cases[i];

        assert_string_equal(agg_dkim_result_str(agg_dkim_from_code(c->code)),
                            c->dkim);
        assert_string_equal(agg_spf_result_str(agg_spf_from_code(c->code)),
                            c->spf);
    }
}

/* test_record_codes - p/sp, adkim/aspf, alignment, action, reasons */
static void
test_record_codes(void **state)
{
    static const struct {
        int code;                  /* history code */
        int rc;                    /* expected return */
        enum agg_disposition disp; /* expected value */
    } pol[] = {
        { 110, 0, AGG_DISP_NONE },   { 113, 0, AGG_DISP_QUARANTINE },
        { 114, 0, AGG_DISP_REJECT }, { 0, -1, AGG_DISP_NONE },
        { 115, -1, AGG_DISP_NONE },  { -1, -1, AGG_DISP_NONE },
    };
    enum agg_disposition d;
    enum agg_reason_type t;

    (void)state;
    for (size_t i = 0; i < sizeof(pol) / sizeof(pol[0]); i++) {
        d = AGG_DISP_NONE;
        assert_int_equal(agg_policy_from_code(pol[i].code, &d), pol[i].rc);
        assert_int_equal(d, pol[i].disp);
    }
    assert_int_equal(agg_alignment_from_code(115), AGG_ALIGN_STRICT);
    assert_int_equal(agg_alignment_from_code(114), AGG_ALIGN_RELAXED);
    assert_int_equal(agg_alignment_from_code(0), AGG_ALIGN_RELAXED);
    assert_int_equal(agg_dmarc_from_align(4), AGG_DMARC_PASS);
    assert_int_equal(agg_dmarc_from_align(5), AGG_DMARC_FAIL);
    assert_int_equal(agg_dmarc_from_align(0), AGG_DMARC_FAIL);
    assert_int_equal(agg_disposition_from_action(0), AGG_DISP_REJECT);
    assert_int_equal(agg_disposition_from_action(1), AGG_DISP_REJECT);
    assert_int_equal(agg_disposition_from_action(2), AGG_DISP_NONE);
    assert_int_equal(agg_disposition_from_action(3), AGG_DISP_NONE);
    assert_int_equal(agg_disposition_from_action(4), AGG_DISP_QUARANTINE);
    assert_int_equal(agg_reason_from_name("sampled_out", &t), 0);
    assert_int_equal(t, AGG_REASON_SAMPLED_OUT);
    assert_int_equal(agg_reason_from_name("other", &t), 0);
    assert_int_equal(t, AGG_REASON_OTHER);
    assert_int_equal(agg_reason_from_name("policy_test_mode", &t), -1);
    assert_int_equal(agg_reason_from_name("Forwarded", &t), -1);
    assert_int_equal(agg_reason_from_name("", &t), -1);
}

/* one address and how it is written */
struct ip_case {
    const char *in;  /* input */
    const char *out; /* expected text, NULL when rejected */
};

static const struct ip_case ip_cases[] = {
    { "192.0.2.1", "192.0.2.1" },
    { "0.0.0.0", "0.0.0.0" },
    { "255.255.255.255", "255.255.255.255" },
    { "10.100.9.99", "10.100.9.99" },
    { "1.20.200.0", "1.20.200.0" },
    { "::ffff:10.0.109.250", "10.0.109.250" },
    { "ffff:eeee:dddd:cccc:bbbb:aaaa:9999:8888",
      "ffff:eeee:dddd:cccc:bbbb:aaaa:9999:8888" },
    { "2001:db8::1", "2001:0db8:0000:0000:0000:0000:0000:0001" },
    { "::", "0000:0000:0000:0000:0000:0000:0000:0000" },
    { "2001:DB8:0:0:1:0:0:1", "2001:0db8:0000:0000:0001:0000:0000:0001" },
    { "::ffff:192.0.2.7", "192.0.2.7" },
    { "fe80::1:2", "fe80:0000:0000:0000:0000:0000:0001:0002" },
    { "", NULL },
    { "192.0.2", NULL },
    { "192.0.2.256", NULL },
    { "192.0.2.1 ", NULL },
    { "2001:db8::1::2", NULL },
    { "fe80::1%eth0", NULL },
    { "example.com", NULL },
    { "1.2.3.4\n<x>", NULL },
};

/* test_ip_format - every row of ip_cases */
static void
test_ip_format(void **state)
{
    char out[AGG_IP_SIZE];

    (void)state;
    for (size_t i = 0; i < sizeof(ip_cases) / sizeof(ip_cases[0]); i++) {
        const struct ip_case *c = &ip_cases[i];
        int rc = agg_ip_format(c->in, out, sizeof(out));

        if (c->out == NULL) {
            assert_int_equal(rc, -1);
        } else {
            assert_int_equal(rc, 0);
            assert_string_equal(out, c->out);
        }
    }
    assert_int_equal(agg_ip_format("192.0.2.1", out, 8), -1);
}

/* test_names - every enumeration value has its schema spelling */
static void
test_names(void **state)
{
    (void)state;
    assert_string_equal(agg_disposition_str(AGG_DISP_QUARANTINE), "quarantine");
    assert_string_equal(agg_alignment_str(AGG_ALIGN_STRICT), "s");
    assert_string_equal(agg_dmarc_result_str(AGG_DMARC_PASS), "pass");
    assert_string_equal(agg_reason_str(AGG_REASON_TRUSTED_FORWARDER),
                        "trusted_forwarder");
    assert_string_equal(agg_reason_str(AGG_REASON_OTHER), "other");
    assert_string_equal(agg_dkim_result_str(AGG_DKIM_PERMERROR), "permerror");
    assert_string_equal(agg_spf_result_str(AGG_SPF_SOFTFAIL), "softfail");
    assert_string_equal(agg_spf_scope_str(AGG_SCOPE_MFROM), "mfrom");
}

/* full_row - a complete row */
static void
full_row(struct agg_row *r)
{
    struct agg_spf s = { "example.org", AGG_SCOPE_MFROM, AGG_SPF_PASS };

    agg_row_reset(r);
    r->source_ip = "192.0.2.1";
    r->header_from = "example.org";
    assert_int_equal(agg_row_add_spf(r, &s), 0);
}

/* one way of breaking a row */
struct bad_row {
    int what;        /* which field to break */
    const char *why; /* expected reason */
};

static const struct bad_row bad_rows[] = {
    { 0, "source_ip is not an IP address" },
    { 1, "source_ip is not an IP address" },
    { 2, "count is 0" },
    { 3, "no header_from" },
    { 4, "no header_from" },
    { 5, "no SPF result" },
    { 6, "DKIM result without a domain" },
    { 7, "SPF result without a domain" },
};

/* break_row - apply bad_rows[what] to a complete row */
static void
break_row(struct agg_row *r, int what)
{
    struct agg_dkim d = { "", "sel", AGG_DKIM_PASS, NULL };
    struct agg_spf s = { NULL, AGG_SCOPE_HELO, AGG_SPF_NONE };

    switch (what) {
    case 0:
        r->source_ip = NULL;
        break;
    case 1:
        r->source_ip = "300.1.1.1";
        break;
    case 2:
        r->count = 0;
        break;
    case 3:
        r->header_from = NULL;
        break;
    case 4:
        r->header_from = "";
        break;
    case 5:
        r->spf_count = 0;
        break;
    case 6:
        assert_int_equal(agg_row_add_dkim(r, &d), 0);
        break;
    default:
        assert_int_equal(agg_row_add_spf(r, &s), 0);
        break;
    }
}

/* test_row_check - a complete row passes; each broken one names why */
static void
test_row_check(void **state)
{
    struct agg_row r;
    const char *why = NULL;
    char ip[AGG_IP_SIZE];

    (void)state;
    agg_row_init(&r);
    full_row(&r);
    assert_int_equal(agg_row_check(&r, ip, &why), 0);
    assert_string_equal(ip, "192.0.2.1");
    for (size_t i = 0; i < sizeof(bad_rows) / sizeof(bad_rows[0]); i++) {
        full_row(&r);
        break_row(&r, bad_rows[i].what);
        assert_int_equal(agg_row_check(&r, ip, &why), -1);
        assert_string_equal(why, bad_rows[i].why);
    }
    agg_row_free(&r);
}

/* test_limits - lists stop at their maximum; reset keeps memory */
static void
test_limits(void **state)
{
    struct agg_row r;
    struct agg_dkim d = { "example.org", "s1", AGG_DKIM_PASS, NULL };
    struct agg_spf s = { "example.org", AGG_SCOPE_MFROM, AGG_SPF_PASS };

    (void)state;
    agg_row_init(&r);
    for (size_t i = 0; i < AGG_MAX_DKIM; i++)
        assert_int_equal(agg_row_add_dkim(&r, &d), 0);
    assert_int_equal(agg_row_add_dkim(&r, &d), -1);
    for (size_t i = 0; i < AGG_MAX_SPF; i++)
        assert_int_equal(agg_row_add_spf(&r, &s), 0);
    assert_int_equal(agg_row_add_spf(&r, &s), -1);
    for (size_t i = 0; i < AGG_MAX_REASONS; i++)
        assert_int_equal(agg_row_add_reason(&r, AGG_REASON_OTHER, "x"), 0);
    assert_int_equal(agg_row_add_reason(&r, AGG_REASON_OTHER, "x"), -1);
    agg_row_reset(&r);
    assert_int_equal(r.dkim_count, 0);
    assert_int_equal(r.spf_count, 0);
    assert_int_equal(r.reason_count, 0);
    assert_int_equal(r.count, 1);
    assert_non_null(r.dkim_results);
    agg_row_free(&r);
    agg_row_free(&r); /* twice is harmless */
}

/* one metadata or policy defect */
struct meta_case {
    int what;        /* field to break */
    const char *why; /* expected reason */
};

static const struct meta_case meta_cases[] = {
    { 0, "no org_name" },
    { 1, "no email" },
    { 2, "no report_id" },
    { 3, "date range ends before it begins" },
    { 4, "error count without errors" },
};

/* test_meta_policy_check - required metadata and policy values */
static void
test_meta_policy_check(void **state)
{
    struct agg_policy p;
    const char *why = NULL;

    (void)state;
    for (size_t i = 0; i < sizeof(meta_cases) / sizeof(meta_cases[0]); i++) {
        struct agg_meta m = { "Org", "r@example.net", NULL, "id1",
                              0,     86400,           NULL, 0 };

        assert_int_equal(agg_meta_check(&m, &why), 0);
        switch (meta_cases[i].what) {
        case 0:
            m.org_name = "";
            break;
        case 1:
            m.email = NULL;
            break;
        case 2:
            m.report_id = "";
            break;
        case 3:
            m.end = m.begin;
            break;
        default:
            m.error_count = 1;
            break;
        }
        assert_int_equal(agg_meta_check(&m, &why), -1);
        assert_string_equal(why, meta_cases[i].why);
    }
    agg_policy_init(&p, "example.org");
    assert_int_equal(agg_policy_check(&p, &why), 0);
    assert_int_equal(p.pct, 100);
    assert_string_equal(p.fo, "0");
    p.pct = 101;
    assert_int_equal(agg_policy_check(&p, &why), -1);
    assert_string_equal(why, "pct above 100");
    agg_policy_init(&p, NULL);
    assert_int_equal(agg_policy_check(&p, &why), -1);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_codes),
        cmocka_unit_test(test_record_codes),
        cmocka_unit_test(test_ip_format),
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_row_check),
        cmocka_unit_test(test_limits),
        cmocka_unit_test(test_meta_policy_check),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
