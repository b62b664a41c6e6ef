/*
 * test_period - interval checks, alignment, UTC midnight, catching up
 * after missed runs, never the period in progress, change of interval.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "reporter/period.h"

/* 2025-12-02 00:00:00 UTC */
#define DAY0 1764633600

/* one interval */
struct interval_case {
    uint64_t interval; /* seconds */
    int rc;            /* expected */
};

static const struct interval_case interval_cases[] = {
    { 3600, 0 },   { 7200, 0 },    { 10800, 0 },       { 14400, 0 },
    { 21600, 0 },  { 28800, 0 },   { 43200, 0 },       { 86400, 0 },
    { 172800, 0 }, { 604800, 0 },  { 0, -1 },          { 60, -1 },
    { 1800, -1 },  { 3601, -1 },   { 18000, -1 },      { 36000, -1 },
    { 90000, -1 }, { 691200, -1 }, { UINT64_MAX, -1 },
};

/* test_interval - every row of interval_cases */
static void
test_interval(void **state)
{
    const char *why = NULL;

    (void)state;
    for (size_t i = 0; i < sizeof(interval_cases) / sizeof(interval_cases[0]);
         i++)
        assert_int_equal(period_interval_ok(interval_cases[i].interval, &why),
                         interval_cases[i].rc);
}

/* one floor */
struct floor_case {
    int64_t t;         /* time */
    uint64_t interval; /* interval */
    int64_t floor;     /* expected */
};

static const struct floor_case floor_cases[] = {
    { DAY0, 86400, DAY0 },
    { DAY0 + 1, 86400, DAY0 },
    { DAY0 + 86399, 86400, DAY0 },
    { DAY0 - 1, 86400, DAY0 - 86400 },
    { DAY0 + 3 * 3600 + 5, 3600, DAY0 + 3 * 3600 },
    { DAY0 + 13 * 3600, 43200, DAY0 + 43200 },
    { 0, 86400, 0 },
    { -1, 86400, -86400 },
    { -86400, 86400, -86400 },
};

/* test_floor - every row of floor_cases */
static void
test_floor(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(floor_cases) / sizeof(floor_cases[0]); i++)
        assert_true(period_floor(floor_cases[i].t, floor_cases[i].interval) ==
                    floor_cases[i].floor);
}

/* test_first_period - from the first data, UTC midnight to midnight; not
 * while the day is in progress */
static void
test_first_period(void **state)
{
    struct period p;

    (void)state;
    /* data seen at 23:59:59 UTC; now is 23:59:59 the same day: nothing */
    assert_false(period_next(false, 0, DAY0 + 86399, DAY0 + 86399, 86400, &p));
    /* at exactly 00:00 the day is over */
    assert_true(period_next(false, 0, DAY0 + 86399, DAY0 + 86400, 86400, &p));
    assert_true(p.begin == DAY0);
    assert_true(p.end == DAY0 + 86400);
}

/* test_catch_up - three missed days come out one by one, contiguous,
 * then nothing while today runs */
static void
test_catch_up(void **state)
{
    struct period p;
    int64_t last = DAY0;
    int64_t now = DAY0 + 3 * 86400 + 5 * 3600; /* 05:00 on day 3 */
    int n = 0;

    (void)state;
    while (period_next(true, last, 0, now, 86400, &p)) {
        assert_true(p.begin == last); /* no gap, no overlap */
        assert_true(p.end - p.begin == 86400);
        assert_true(p.begin % 86400 == 0);
        last = p.end;
        n++;
    }
    assert_int_equal(n, 3);
    assert_true(last == DAY0 + 3 * 86400);
    /* hourly: five hours of day 3 are due */
    n = 0;
    while (period_next(true, last, 0, now, 3600, &p)) {
        last = p.end;
        n++;
    }
    assert_int_equal(n, 5);
}

/* test_interval_change - an unaligned last end gives one shorter period,
 * then aligned ones */
static void
test_interval_change(void **state)
{
    struct period p;
    int64_t last = DAY0 + 6 * 3600; /* hourly reports stopped at 06:00 */

    (void)state;
    assert_true(period_next(true, last, 0, DAY0 + 2 * 86400, 86400, &p));
    assert_true(p.begin == DAY0 + 6 * 3600);
    assert_true(p.end == DAY0 + 86400);
    assert_true(period_next(true, p.end, 0, DAY0 + 2 * 86400, 86400, &p));
    assert_true(p.begin == DAY0 + 86400);
    assert_true(p.end == DAY0 + 2 * 86400);
    assert_false(period_next(true, p.end, 0, DAY0 + 2 * 86400, 86400, &p));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_interval),        cmocka_unit_test(test_floor),
        cmocka_unit_test(test_first_period),    cmocka_unit_test(test_catch_up),
        cmocka_unit_test(test_interval_change),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
