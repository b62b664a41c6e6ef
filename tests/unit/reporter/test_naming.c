/*
 * test_naming - report id, file name and Subject.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "common/ascii.h"
#include "reporter/naming.h"

/* id - the report id of the arguments, asserted to succeed */
static void
id(const char *org, const char *dom, int64_t b, int64_t e, char *out)
{
    assert_int_equal(naming_report_id(org, dom, b, e, out, NAMING_ID_SIZE), 0);
}

/* test_report_id - alphanumeric, stable, sensitive to every input */
static void
test_report_id(void **state)
{
    char a[NAMING_ID_SIZE];
    char b[NAMING_ID_SIZE];

    (void)state;
    id("Receiver", "example.org", 1764633600, 1764720000, a);
    assert_int_equal(strlen(a), 10 + 13);
    assert_memory_equal(a, "1764633600", 10);
    for (size_t i = 0; a[i] != '\0'; i++)
        assert_true(ascii_is_alnum(a[i]));
    id("Receiver", "EXAMPLE.org", 1764633600, 1764720000, b);
    assert_string_equal(a, b); /* domains compare without case */
    id("Receiver2", "example.org", 1764633600, 1764720000, b);
    assert_string_not_equal(a, b);
    id("Receiver", "example.com", 1764633600, 1764720000, b);
    assert_string_not_equal(a, b);
    id("Receiver", "example.org", 1764633600, 1764637200, b);
    assert_string_not_equal(a, b);
    id("Receiver", "example.org", 1764720000, 1764806400, b);
    assert_string_not_equal(a, b);
    id("", "example.org", 0, 1, b);
    assert_int_equal(strlen(b), 14);
    assert_int_equal(naming_report_id("R", "d", -1, 5, b, sizeof(b)), -1);
    assert_int_equal(naming_report_id("R", "d", 5, 5, b, sizeof(b)), -1);
    assert_int_equal(naming_report_id("R", "d", 1, 5, b, 20), -1);
}

/* test_id_distribution - 10000 periods of one domain: no collision */
static void
test_id_distribution(void **state)
{
    static char ids[10000][NAMING_ID_SIZE];

    (void)state;
    for (int64_t i = 0; i < 10000; i++)
        id("R", "example.org", 1700000000 + i * 3600,
           1700000000 + i * 3600 + 3600 + (i % 7), ids[i]);
    for (size_t i = 0; i < 10000; i++) {
        /* the hash part alone must differ too */
        for (size_t j = i + 1; j < 10000; j += 97)
            assert_string_not_equal(ids[i] + 10, ids[j] + 10);
    }
}

/* one domain-name check */
struct dom_case {
    const char *in; /* input */
    bool is_ok;     /* expected */
};

static const struct dom_case dom_cases[] = {
    { "example.org", true },
    { "a", true },
    { "mx-1.sub_x.example.org", true },
    { "", false },
    { ".example.org", false },
    { "example..org", false },
    { "example.org.", false },
    { "exa mple.org", false },
    { "example.org\r\nBcc: x", false },
    { "a!b.org", false },
    { "a/b.org", false },
    { "\xc3\xa9.org", false },
    { "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.org",
      false },
};

/* test_domain_ok - every row of dom_cases */
static void
test_domain_ok(void **state)
{
    char long_name[300];

    (void)state;
    for (size_t i = 0; i < sizeof(dom_cases) / sizeof(dom_cases[0]); i++)
        assert_int_equal(naming_domain_ok(dom_cases[i].in), dom_cases[i].is_ok);
    for (size_t i = 0; i < sizeof(long_name) - 1; i++)
        long_name[i] = i % 50 == 49 ? '.' : 'a';
    long_name[253] = '\0';
    assert_true(naming_domain_ok(long_name));
    long_name[253] = 'a';
    long_name[254] = '\0';
    assert_false(naming_domain_ok(long_name));
}

/* one file name / Subject case */
struct name_case {
    struct naming_report n; /* input */
    const char *file;       /* expected file name, NULL when refused */
    const char *subject;    /* expected Subject */
    const char *why;        /* expected reason when refused */
};

static const struct name_case name_cases[] = {
    { { "receiver.example", "example.org", 1764633600, 1764720000, "abc123" },
      "receiver.example!example.org!1764633600!1764720000!abc123.xml.gz",
      "Report Domain: example.org Submitter: receiver.example "
      "Report-ID: <abc123>",
      NULL },
    { { "receiver.example", "a/../b", 1, 2, "abc" },
      NULL,
      NULL,
      "receiver or policy domain is not a domain name" },
    { { "receiver.example", "example.org\r\nBcc: a@b", 1, 2, "abc" },
      NULL,
      NULL,
      "receiver or policy domain is not a domain name" },
    { { "Receiver Inc", "example.org", 1, 2, "abc" },
      NULL,
      NULL,
      "receiver or policy domain is not a domain name" },
    { { "receiver.example", "example.org", 1, 2, "ab-c" },
      NULL,
      NULL,
      "report id is not 1-39 letters and digits" },
    { { "receiver.example", "example.org", 1, 2, "1>" },
      NULL,
      NULL,
      "report id is not 1-39 letters and digits" },
    { { "receiver.example", "example.org", 1, 2, "" },
      NULL,
      NULL,
      "report id is not 1-39 letters and digits" },
    { { "receiver.example", "example.org", 2, 2, "a" },
      NULL,
      NULL,
      "bad date range" },
    { { "receiver.example", "example.org", -5, 2, "a" },
      NULL,
      NULL,
      "bad date range" },
};

/* test_names - every row of name_cases, file name and Subject */
static void
test_names(void **state)
{
    char f[NAMING_FILE_SIZE];
    char s[NAMING_SUBJECT_SIZE];
    const char *why = NULL;

    (void)state;
    for (size_t i = 0; i < sizeof(name_cases) / sizeof(name_cases[0]); i++) {
        const struct name_case *c = &name_cases[i];
        int rc_f = naming_filename(&c->n, f, sizeof(f), &why);
        int rc_s = naming_subject(&c->n, s, sizeof(s), &why);

        if (c->file == NULL) {
            assert_int_equal(rc_f, -1);
            assert_int_equal(rc_s, -1);
            assert_string_equal(why, c->why);
        } else {
            assert_int_equal(rc_f, 0);
            assert_int_equal(rc_s, 0);
            assert_string_equal(f, c->file);
            assert_string_equal(s, c->subject);
        }
    }
    assert_int_equal(naming_filename(&name_cases[0].n, f, 20, &why), -1);
    assert_int_equal(naming_subject(&name_cases[0].n, s, 20, &why), -1);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_report_id),
        cmocka_unit_test(test_id_distribution),
        cmocka_unit_test(test_domain_ok),
        cmocka_unit_test(test_names),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
