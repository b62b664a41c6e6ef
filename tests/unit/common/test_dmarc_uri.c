/*
 * test_dmarc_uri - DMARC URIs: schemes, targets, "!size" suffixes (units
 * are powers of two, 64-bit overflow is an error), and malformed URIs.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "common/dmarc_uri.h"

/* one URI case */
struct uri_case {
    const char *in;     /* input text */
    int rc;             /* expected return */
    const char *scheme; /* expected scheme when rc == 0 */
    const char *target; /* expected target when rc == 0 */
    uint64_t size;      /* expected max_size when rc == 0 */
};

static const struct uri_case good_cases[] = {
    { "mailto:agg@example.com", 0, "mailto", "agg@example.com", 0 },
    { "MAILTO:agg@example.com", 0, "MAILTO", "agg@example.com", 0 },
    { "mailto:agg@example.com!10", 0, "mailto", "agg@example.com", 10 },
    { "mailto:agg@example.com!10k", 0, "mailto", "agg@example.com", 10240 },
    { "mailto:agg@example.com!50m", 0, "mailto", "agg@example.com",
      50ull << 20 },
    { "mailto:agg@example.com!2G", 0, "mailto", "agg@example.com", 2ull << 30 },
    { "mailto:agg@example.com!1t", 0, "mailto", "agg@example.com", 1ull << 40 },
    { "mailto:agg@example.com!0", 0, "mailto", "agg@example.com", 0 },
    { "mailto:agg@example.com!18446744073709551615", 0, "mailto",
      "agg@example.com", UINT64_MAX },
    { "mailto:agg@example.com!16777215t", 0, "mailto", "agg@example.com",
      16777215ull << 40 },
    { "https://r.example.net/dmarc?x=1&y=%2C", 0, "https",
      "//r.example.net/dmarc?x=1&y=%2C", 0 },
    { "mailto:a%21b@example.com", 0, "mailto", "a%21b@example.com", 0 },
    { "x-y.z+1:abc", 0, "x-y.z+1", "abc", 0 },
};

/* the malformed-input table */
static const struct uri_case bad_cases[] = {
    { "", -1, NULL, NULL, 0 },
    { "agg@example.com", -1, NULL, NULL, 0 },
    { ":agg@example.com", -1, NULL, NULL, 0 },
    { "1mailto:agg@example.com", -1, NULL, NULL, 0 },
    { "mai_lto:agg@example.com", -1, NULL, NULL, 0 },
    { "mailto:", -1, NULL, NULL, 0 },
    { "mailto:!10m", -1, NULL, NULL, 0 },
    { "mailto:agg @example.com", -1, NULL, NULL, 0 },
    { "mailto:agg@example.com!", -1, NULL, NULL, 0 },
    { "mailto:agg@example.com!10x", -1, NULL, NULL, 0 },
    { "mailto:agg@example.com!m", -1, NULL, NULL, 0 },
    { "mailto:agg@example.com!10mm", -1, NULL, NULL, 0 },
    { "mailto:agg@example.com!-1", -1, NULL, NULL, 0 },
    { "mailto:agg@example.com!1 0", -1, NULL, NULL, 0 },
    { "mailto:agg@example.com!10!20", -1, NULL, NULL, 0 },
    { "mailto:agg@example.com!18446744073709551616", -1, NULL, NULL, 0 },
    { "mailto:agg@example.com!16777216t", -1, NULL, NULL, 0 },
    { "mailto:agg@example.com!99999999999999999999k", -1, NULL, NULL, 0 },
    { "mailto:a%2@example.com", -1, NULL, NULL, 0 },
    { "mailto:a%zz@example.com", -1, NULL, NULL, 0 },
    { "mailto:a@example.com%", -1, NULL, NULL, 0 },
    { "mailto:a\"b@example.com", -1, NULL, NULL, 0 },
    { "mailto:a\x01@example.com", -1, NULL, NULL, 0 },
    { "mailto:a\xc3\xa9@example.com", -1, NULL, NULL, 0 },
};

/* run - one table */
static void
run(const struct uri_case *cases, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const struct uri_case *c = &cases[i];
        struct dmarc_uri u = { { NULL, 0 }, { NULL, 0 }, { NULL, 0 }, 77 };
        const char *why = NULL;
        int rc = dmarc_uri_parse(str_cstr(c->in), &u, &why);

        if (rc != c->rc)
            fail_msg("%s: rc %d (%s)", c->in, rc, why ? why : "-");
        if (rc != 0) {
            assert_non_null(why);
            assert_true(u.max_size == 77);
            continue;
        }
        assert_true(str_eq(u.raw, str_cstr(c->in)));
        assert_true(str_eq(u.scheme, str_cstr(c->scheme)));
        assert_true(str_eq(u.target, str_cstr(c->target)));
        if (u.max_size != c->size)
            fail_msg("%s: size %llu", c->in, (unsigned long long)u.max_size);
    }
}

/* test_good - valid URIs */
static void
test_good(void **state)
{
    (void)state;
    run(good_cases, sizeof(good_cases) / sizeof(good_cases[0]));
}

/* test_bad - the malformed-input table */
static void
test_bad(void **state)
{
    (void)state;
    run(bad_cases, sizeof(bad_cases) / sizeof(bad_cases[0]));
}

/* test_mailto - scheme test ignores case */
static void
test_mailto(void **state)
{
    struct dmarc_uri u;

    (void)state;
    assert_int_equal(dmarc_uri_parse(STR_LIT("MailTo:x@y.z"), &u, NULL), 0);
    assert_true(dmarc_uri_is_mailto(&u));
    assert_int_equal(dmarc_uri_parse(STR_LIT("https://y.z/"), &u, NULL), 0);
    assert_false(dmarc_uri_is_mailto(&u));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_good),
        cmocka_unit_test(test_bad),
        cmocka_unit_test(test_mailto),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
