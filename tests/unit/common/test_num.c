/*
 * test_num - whole-string number parsing: valid, malformed, out of range.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "common/num.h"

/* one u64 case */
struct u64_case {
    const char *in;  /* input text */
    uint64_t min;    /* lower bound */
    uint64_t max;    /* upper bound */
    int rc;          /* expected return */
    uint64_t value;  /* expected value when rc == 0 */
    const char *why; /* expected reason when rc == -1 */
};

static const struct u64_case u64_cases[] = {
    { "0", 0, 10, 0, 0, NULL },
    { "10", 0, 10, 0, 10, NULL },
    { "007", 0, 10, 0, 7, NULL },
    { "18446744073709551615", 0, UINT64_MAX, 0, UINT64_MAX, NULL },
    { "18446744073709551616", 0, UINT64_MAX, -1, 0, "out of range" },
    { "99999999999999999999999", 0, UINT64_MAX, -1, 0, "out of range" },
    { "11", 0, 10, -1, 0, "out of range" },
    { "4", 5, 10, -1, 0, "out of range" },
    { "", 0, 10, -1, 0, "empty" },
    { " 1", 0, 10, -1, 0, "not a number" },
    { "1 ", 0, 10, -1, 0, "not a number" },
    { "+1", 0, 10, -1, 0, "not a number" },
    { "-1", 0, 10, -1, 0, "not a number" },
    { "0x1", 0, 10, -1, 0, "not a number" },
    { "1.5", 0, 10, -1, 0, "not a number" },
    { "\xff", 0, 10, -1, 0, "not a number" },
};

/* test_u64 - every row of u64_cases */
static void
test_u64(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(u64_cases) / sizeof(u64_cases[0]); i++) {
        const struct u64_case *c = &u64_cases[i];
        uint64_t v = 12345;
        const char *why = NULL;
        int rc = num_parse_u64(str_cstr(c->in), c->min, c->max, &v, &why);

        assert_int_equal(rc, c->rc);
        if (rc == 0) {
            assert_true(v == c->value);
        } else {
            assert_true(v == 12345);
            assert_string_equal(why, c->why);
        }
    }
}

/* test_u64_embedded_nul - a NUL inside the slice is not a digit */
static void
test_u64_embedded_nul(void **state)
{
    uint64_t v;

    (void)state;
    assert_int_equal(num_parse_u64(str_make("1\0002", 3), 0, 1000, &v, NULL),
                     -1);
}

/* test_i64 - signed parsing, including the extremes */
static void
test_i64(void **state)
{
    int64_t v;

    (void)state;
    assert_int_equal(num_parse_i64(STR_LIT("-1"), -1, 1, &v, NULL), 0);
    assert_true(v == -1);
    assert_int_equal(num_parse_i64(STR_LIT("-9223372036854775808"), INT64_MIN,
                                   INT64_MAX, &v, NULL),
                     0);
    assert_true(v == INT64_MIN);
    assert_int_equal(num_parse_i64(STR_LIT("9223372036854775808"), INT64_MIN,
                                   INT64_MAX, &v, NULL),
                     -1);
    assert_int_equal(num_parse_i64(STR_LIT("-"), -5, 5, &v, NULL), -1);
    assert_int_equal(num_parse_i64(STR_LIT("--1"), -5, 5, &v, NULL), -1);
    assert_int_equal(num_parse_i64(STR_LIT("-6"), -5, 5, &v, NULL), -1);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_u64),
        cmocka_unit_test(test_u64_embedded_nul),
        cmocka_unit_test(test_i64),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
