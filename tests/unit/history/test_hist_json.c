/*
 * test_hist_json - the ARC seal array: valid forms, escapes, and a
 * malformed-input table.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "history/hist_json.h"

/* one case */
struct json_case {
    const char *in; /* the array text */
    int rc;         /* expected return */
    size_t count;   /* seals on success */
};

static const struct json_case cases[] = {
    { "[]", 0, 0 },
    { " [ ] ", 0, 0 },
    { "[{ \"i\": 1, \"d\":\"a\", \"s\":\"b\", \"ip\":\"\" }]", 0, 1 },
    { "[{\"i\":1,\"d\":\"a\"},{\"i\":2,\"x\":7,\"d\":\"b\"}]", 0, 2 },
    { "[{ \"d\":\"a\" }]", -1, 0 },               /* no i */
    { "[{ \"i\": 1, \"d\":\"a\"b\" }]", -1, 0 },  /* OpenDMARC's bug */
    { "[{ \"i\": 1, \"d\":\"a\" }", -1, 0 },      /* unterminated */
    { "[{ \"i\": 1 }] x", -1, 0 },                /* trailing text */
    { "[{ \"i\": [1] }]", -1, 0 },                /* nested */
    { "[{ \"i\": 1, \"d\":\"\\q\" }]", -1, 0 },   /* bad escape */
    { "[{ \"i\": 1, \"d\":\"\\u12\" }]", -1, 0 }, /* short \u */
    { "[{ \"i\": 1, \"d\":\"a\nb\" }]", -1, 0 },  /* raw control */
    { "[{ \"i\": 99999999999 }]", -1, 0 },        /* out of range */
    { "", -1, 0 },
    { "[", -1, 0 },
    { "{}", -1, 0 },
};

/* test_cases - every row of cases */
static void
test_cases(void **state)
{
    struct hist_arc_seal seals[4];
    char scratch[256];

    (void)state;
    memset(seals, 0, sizeof(seals));
    memset(scratch, 0, sizeof(scratch));
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct hist_json_out out = { seals, 4, 0, scratch };
        const char *why = NULL;
        int rc = hist_json_seals(str_cstr(cases[i].in), &out, &why);

        if (rc != cases[i].rc || out.count != cases[i].count)
            fail_msg("case %zu '%s': rc %d count %zu", i, cases[i].in, rc,
                     out.count);
    }
}

/* test_escapes - decoded strings */
static void
test_escapes(void **state)
{
    struct hist_arc_seal seals[1];
    char scratch[256];
    struct hist_json_out out = { seals, 1, 0, scratch };
    const char *why = NULL;

    (void)state;
    memset(seals, 0, sizeof(seals));
    memset(scratch, 0, sizeof(scratch));
    assert_int_equal(
        hist_json_seals(str_cstr("[{\"i\":2,\"d\":\"a\\\"\\\\\\u00e9\","
                                 "\"s\":\"\\/t\",\"ip\":\"::1\"}]"),
                        &out, &why),
        0);
    assert_int_equal(seals[0].instance, 2);
    assert_int_equal(seals[0].domain.len, 5);
    assert_memory_equal(seals[0].domain.p, "a\"\\\xc3\xa9", 5);
    assert_true(str_eq(seals[0].selector, str_cstr("/t")));
    assert_true(str_eq(seals[0].ip, str_cstr("::1")));
}

/* test_too_many - more seals than room */
static void
test_too_many(void **state)
{
    struct hist_arc_seal seals[1];
    char scratch[256];
    struct hist_json_out out = { seals, 1, 0, scratch };
    const char *why = NULL;

    (void)state;
    memset(seals, 0, sizeof(seals));
    memset(scratch, 0, sizeof(scratch));
    assert_int_equal(
        hist_json_seals(str_cstr("[{\"i\":1},{\"i\":2}]"), &out, &why), -1);
    assert_string_equal(why, "too many ARC seals");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cases),
        cmocka_unit_test(test_escapes),
        cmocka_unit_test(test_too_many),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
