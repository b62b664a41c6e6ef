/*
 * test_domain - domain normalisation (valid and malformed names, IDN),
 * equality, subdomain tests and label counts.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "common/domain.h"

/* one normalisation case */
struct norm_case {
    const char *in;          /* input text */
    unsigned flags;          /* DOMAIN_F_* */
    enum domain_status want; /* expected status */
    const char *out;         /* expected normal form when DOMAIN_OK */
};

static const struct norm_case good_cases[] = {
    { "example.com", 0, DOMAIN_OK, "example.com" },
    { "Example.COM", 0, DOMAIN_OK, "example.com" },
    { "example.com.", 0, DOMAIN_OK, "example.com" },
    { "a-b.example.com", 0, DOMAIN_OK, "a-b.example.com" },
    { "1.example.com", 0, DOMAIN_OK, "1.example.com" },
    { "com", 0, DOMAIN_OK, "com" },
    { "xn--bcher-kva.example", 0, DOMAIN_OK, "xn--bcher-kva.example" },
    { "XN--BCHER-KVA.example", 0, DOMAIN_OK, "xn--bcher-kva.example" },
    { "b\xc3\xbc"
      "cher.example",
      0, DOMAIN_OK, "xn--bcher-kva.example" },
    /* upper-case U-label: UTS #46 maps it to lower case */
    { "B\xc3\x9c"
      "CHER.example",
      0, DOMAIN_OK, "xn--bcher-kva.example" },
    /* non-transitional: sharp s is kept, not mapped to "ss" */
    { "fa\xc3\x9f.de", 0, DOMAIN_OK, "xn--fa-hia.de" },
    /* ideographic full stop as separator and at the end */
    { "example\xe3\x80\x82\xe4\xb8\xad\xe5\x9b\xbd\xe3\x80\x82", 0, DOMAIN_OK,
      "example.xn--fiqs8s" },
    { "_dmarc.example.com", DOMAIN_F_UNDERSCORE, DOMAIN_OK,
      "_dmarc.example.com" },
    { "a23456789012345678901234567890123456789012345678901234567890123.com", 0,
      DOMAIN_OK,
      "a23456789012345678901234567890123456789012345678901234567890123.com" },
};

/* the malformed-input table */
static const struct norm_case bad_cases[] = {
    { "", 0, DOMAIN_EMPTY, NULL },
    { ".", 0, DOMAIN_EMPTY, NULL },
    { "example..com", 0, DOMAIN_BAD_LABEL, NULL },
    { ".example.com", 0, DOMAIN_BAD_LABEL, NULL },
    { "example.com..", 0, DOMAIN_BAD_LABEL, NULL },
    { "-a.example.com", 0, DOMAIN_BAD_LABEL, NULL },
    { "a-.example.com", 0, DOMAIN_BAD_LABEL, NULL },
    { "a_b.example.com", 0, DOMAIN_BAD_LABEL, NULL },
    { "_dmarc.example.com", 0, DOMAIN_BAD_LABEL, NULL },
    { "exa mple.com", 0, DOMAIN_BAD_LABEL, NULL },
    { "example.com(.evil", 0, DOMAIN_BAD_LABEL, NULL },
    { "user@example.com", 0, DOMAIN_BAD_LABEL, NULL },
    { "[192.0.2.1]", 0, DOMAIN_BAD_LABEL, NULL },
    { "192.0.2.1", 0, DOMAIN_BAD_LABEL, NULL },
    { "example.com\r\n", 0, DOMAIN_BAD_LABEL, NULL },
    { "a234567890123456789012345678901234567890123456789012345678901234.com", 0,
      DOMAIN_TOO_LONG, NULL },
    { "xn--bcher-kv.example", 0, DOMAIN_BAD_IDN, NULL },
    { "xn--zz.example", 0, DOMAIN_BAD_IDN, NULL },
    /* an A-label that decodes to upper case is not a valid A-label */
    { "xn--BCHER-KVA-UPPER.example", 0, DOMAIN_BAD_IDN, NULL },
    { "\xff\xfe.example", 0, DOMAIN_BAD_IDN, NULL },
    { "\xc3\x28.example", 0, DOMAIN_BAD_IDN, NULL },
};

/* check_cases - run one table */
static void
check_cases(const struct norm_case *cases, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const struct norm_case *c = &cases[i];
        char out[DOMAIN_BUF_SIZE];
        const char *why = NULL;
        enum domain_status st =
            domain_normalize(str_cstr(c->in), c->flags, out, &why);

        if (st != c->want)
            fail_msg("%s: got %s (%s), want %s", c->in, domain_status_str(st),
                     why ? why : "-", domain_status_str(c->want));
        if (st == DOMAIN_OK) {
            assert_string_equal(out, c->out);
        } else {
            assert_string_equal(out, "");
            assert_non_null(why);
        }
    }
}

/* test_good - valid names and their normal forms */
static void
test_good(void **state)
{
    (void)state;
    check_cases(good_cases, sizeof(good_cases) / sizeof(good_cases[0]));
}

/* test_bad - the malformed-input table */
static void
test_bad(void **state)
{
    (void)state;
    check_cases(bad_cases, sizeof(bad_cases) / sizeof(bad_cases[0]));
}

/* test_lengths - 253 bytes is the limit, NUL bytes are refused */
static void
test_lengths(void **state)
{
    char name[DOMAIN_MAX_INPUT + 2];
    char out[DOMAIN_BUF_SIZE];
    const char *why;
    size_t len = 0;

    (void)state;
    /* 63 + 1 + 63 + 1 + 63 + 1 + 61 = 253 */
    for (int l = 0; l < 4; l++) {
        size_t n = l < 3 ? 63 : 61;

        memset(name + len, 'a', n);
        len += n;
        if (l < 3)
            name[len++] = '.';
    }
    assert_int_equal(domain_normalize(str_make(name, len), 0, out, &why),
                     DOMAIN_OK);
    assert_int_equal(strlen(out), 253);
    name[len++] = 'a';
    assert_int_equal(domain_normalize(str_make(name, len), 0, out, &why),
                     DOMAIN_TOO_LONG);
    memset(name, 'a', sizeof(name));
    assert_int_equal(
        domain_normalize(str_make(name, DOMAIN_MAX_INPUT + 1), 0, out, &why),
        DOMAIN_TOO_LONG);
    assert_int_equal(domain_normalize(str_make("a\0b.com", 7), 0, out, &why),
                     DOMAIN_BAD_LABEL);
    assert_int_equal(
        domain_normalize(str_make("\xc3\xbc\0b.com", 8), 0, out, &why),
        DOMAIN_BAD_LABEL);
    assert_int_equal(domain_normalize(str_make(NULL, 0), 0, out, NULL),
                     DOMAIN_EMPTY);
}

/* one two-name predicate case */
struct pair_case {
    const char *a; /* first name */
    const char *b; /* second name */
    bool want;     /* expected answer */
};

static const struct pair_case eq_cases[] = {
    { "example.com", "example.com", true },
    { "Example.COM", "example.com", true },
    { "example.com.", "example.com", true },
    { "example.com", "example.org", false },
    { "a.example.com", "example.com", false },
    { "", "", true },
};

static const struct pair_case sub_cases[] = {
    { "a.example.com", "example.com", true },
    { "a.b.example.com", "example.com", true },
    { "A.Example.Com.", "example.com", true },
    { "example.com", "example.com", false },
    { "badexample.com", "example.com", false },
    { "com", "example.com", false },
    { ".example.com", "example.com", false },
    { "example.com", "", false },
};

/* test_eq_sub - domain_eq and domain_is_subdomain */
static void
test_eq_sub(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(eq_cases) / sizeof(eq_cases[0]); i++) {
        if (domain_eq(eq_cases[i].a, eq_cases[i].b) != eq_cases[i].want)
            fail_msg("eq %s %s", eq_cases[i].a, eq_cases[i].b);
    }
    for (size_t i = 0; i < sizeof(sub_cases) / sizeof(sub_cases[0]); i++) {
        if (domain_is_subdomain(sub_cases[i].a, sub_cases[i].b) !=
            sub_cases[i].want)
            fail_msg("sub %s %s", sub_cases[i].a, sub_cases[i].b);
    }
}

/* test_labels - label counts and status names */
static void
test_labels(void **state)
{
    (void)state;
    assert_int_equal(domain_label_count(""), 0);
    assert_int_equal(domain_label_count("com"), 1);
    assert_int_equal(domain_label_count("a.b.example.com"), 4);
    assert_int_equal(domain_label_count("example.com."), 2);
    assert_string_equal(domain_status_str(DOMAIN_BAD_IDN), "bad-idn");
    assert_string_equal(domain_status_str(DOMAIN_OK), "ok");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_good),    cmocka_unit_test(test_bad),
        cmocka_unit_test(test_lengths), cmocka_unit_test(test_eq_sub),
        cmocka_unit_test(test_labels),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
