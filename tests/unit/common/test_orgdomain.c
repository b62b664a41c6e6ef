/*
 * test_orgdomain - Organizational Domains with libpsl's built-in list and
 * with the Debian list file: plain, multi-label, wildcard and exception
 * rules, private section, unknown TLDs, IDN, names that are suffixes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <unistd.h>

#include <cmocka.h>

#include "common/domain.h"
#include "common/orgdomain.h"

/* PSL_FILE - the list file of Debian's publicsuffix package */
#define PSL_FILE "/usr/share/publicsuffix/public_suffix_list.dat"

/* one lookup case; the input goes through domain_normalize() first */
struct org_case {
    const char *in;             /* From-style domain */
    enum orgdomain_status want; /* expected status */
    const char *org;            /* expected org domain when OK */
};

static const struct org_case cases[] = {
    { "example.com", ORGDOMAIN_OK, "example.com" },
    { "a.b.example.com", ORGDOMAIN_OK, "example.com" },
    { "example.co.uk", ORGDOMAIN_OK, "example.co.uk" },
    { "foo.example.co.uk", ORGDOMAIN_OK, "example.co.uk" },
    { "co.uk", ORGDOMAIN_PUBLIC_SUFFIX, NULL },
    { "com", ORGDOMAIN_PUBLIC_SUFFIX, NULL },
    { "gov.uk", ORGDOMAIN_PUBLIC_SUFFIX, NULL },
    /* private section */
    { "alice.blogspot.com", ORGDOMAIN_OK, "alice.blogspot.com" },
    { "www.alice.blogspot.com", ORGDOMAIN_OK, "alice.blogspot.com" },
    { "blogspot.com", ORGDOMAIN_PUBLIC_SUFFIX, NULL },
    { "a.b.github.io", ORGDOMAIN_OK, "b.github.io" },
    /* wildcard *.ck and exception !www.ck */
    { "foo.ck", ORGDOMAIN_PUBLIC_SUFFIX, NULL },
    { "a.foo.ck", ORGDOMAIN_OK, "a.foo.ck" },
    { "www.ck", ORGDOMAIN_OK, "www.ck" },
    { "mail.www.ck", ORGDOMAIN_OK, "www.ck" },
    /* unknown TLD: the implicit "*" rule */
    { "a.b.unknowntld", ORGDOMAIN_OK, "b.unknowntld" },
    { "unknowntld", ORGDOMAIN_PUBLIC_SUFFIX, NULL },
    /* case and trailing dot are removed by normalisation */
    { "A.B.EXAMPLE.COM.", ORGDOMAIN_OK, "example.com" },
    /* IDN: U-label input, A-label rules */
    { "mail.example.\xe4\xb8\xad\xe5\x9b\xbd", ORGDOMAIN_OK,
      "example.xn--fiqs8s" },
    { "\xe4\xb8\xad\xe5\x9b\xbd", ORGDOMAIN_PUBLIC_SUFFIX, NULL },
    { "a.xn--bcher-kva.de", ORGDOMAIN_OK, "xn--bcher-kva.de" },
    /* 個人.香港 is an IDN public suffix of two labels */
    { "x.y.\xe5\x80\x8b\xe4\xba\xba.\xe9\xa6\x99\xe6\xb8\xaf", ORGDOMAIN_OK,
      "y.xn--gmqw5a.xn--j6w193g" },
};

/* run_cases - every row of cases against od */
static void
run_cases(const struct orgdomain *od)
{
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const struct org_case *c = &cases[i];
        char name[DOMAIN_BUF_SIZE];
        const char *org = "x";
        const char *why;
        enum orgdomain_status st;

        assert_int_equal(domain_normalize(str_cstr(c->in), 0, name, &why),
                         DOMAIN_OK);
        st = orgdomain_lookup(od, name, &org);
        if (st != c->want)
            fail_msg("%s: status %d, want %d", c->in, st, c->want);
        if (st == ORGDOMAIN_OK)
            assert_string_equal(org, c->org);
        else
            assert_null(org);
    }
}

/* test_builtin - libpsl's built-in list */
static void
test_builtin(void **state)
{
    struct orgdomain *od = orgdomain_new(NULL);

    (void)state;
    assert_non_null(od);
    assert_string_equal(orgdomain_source(od), "built-in");
    assert_true(orgdomain_rule_count(od) > 1000);
    run_cases(od);
    orgdomain_free(od);
}

/* test_file - the list file named by PublicSuffixList */
static void
test_file(void **state)
{
    struct orgdomain *od;

    (void)state;
    if (access(PSL_FILE, R_OK) != 0)
        skip();
    od = orgdomain_new(PSL_FILE);
    assert_non_null(od);
    assert_string_equal(orgdomain_source(od), PSL_FILE);
    run_cases(od);
    orgdomain_free(od);
}

/* test_bad_input - empty names, missing or empty list files */
static void
test_bad_input(void **state)
{
    struct orgdomain *od = orgdomain_new("");
    const char *org = "x";

    (void)state;
    assert_non_null(od);
    assert_int_equal(orgdomain_lookup(od, "", &org), ORGDOMAIN_INVALID);
    assert_null(org);
    orgdomain_free(od);
    assert_null(orgdomain_new("/nonexistent/public_suffix_list.dat"));
    assert_null(orgdomain_new("/dev/null"));
    orgdomain_free(NULL);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_builtin),
        cmocka_unit_test(test_file),
        cmocka_unit_test(test_bad_input),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
