/*
 * test_dest - planning the destinations of one report: order, scheme,
 * address, verification with replacement, size limits, the error-report
 * condition.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "common/ascii.h"
#include "reporter/dest.h"

/* one name of the fake DNS */
struct fake_rr {
    const char *name;          /* query name */
    enum destverify_lookup st; /* status */
    const char *txt;           /* one record */
};

static const struct fake_rr fake_zone[] = {
    { "example.org._report._dmarc.red.test", DESTVERIFY_LOOKUP_OK,
      "v=DMARC1;" },
    { "example.org._report._dmarc.same.test", DESTVERIFY_LOOKUP_OK,
      "v=DMARC1; rua=mailto:other@same.test!5k,mailto:b@SAME.test" },
    { "example.org._report._dmarc.moved.test", DESTVERIFY_LOOKUP_OK,
      "v=DMARC1; rua=mailto:x@moved.test,mailto:x@elsewhere.test" },
    { "example.org._report._dmarc.slow.test", DESTVERIFY_LOOKUP_TEMPFAIL,
      NULL },
};

/* the fake's answer slot */
static struct str fake_answer;

/* fake_txt - destverify_txt_fn over fake_zone */
static enum destverify_lookup
fake_txt(void *ctx, const char *qname, const struct str **txt, size_t *count)
{
    (void)ctx;
    for (size_t i = 0; i < sizeof(fake_zone) / sizeof(fake_zone[0]); i++) {
        if (ascii_casecmp(fake_zone[i].name, qname) != 0)
            continue;
        if (fake_zone[i].txt != NULL) {
            fake_answer = str_cstr(fake_zone[i].txt);
            *txt = &fake_answer;
            *count = 1;
        }
        return fake_zone[i].st;
    }
    return DESTVERIFY_LOOKUP_NONE;
}

/* fake_org - the last two labels */
static const char *
fake_org(void *ctx, const char *domain)
{
    const char *p = domain + strlen(domain);
    int dots = 0;

    (void)ctx;
    while (p > domain) {
        if (p[-1] == '.' && ++dots == 2)
            return p;
        p--;
    }
    return domain;
}

/* one expected destination */
struct want {
    enum dest_state state; /* decision */
    const char *addr;      /* address, NULL when none */
};

/* one plan */
struct plan_case {
    const char *rua;      /* the record's rua value */
    uint64_t size;        /* encoded report size */
    struct want want[5];  /* expected, in order */
    size_t count;         /* destinations expected */
    bool is_error_report; /* dest_plan_needs_error_report */
};

static const struct plan_case plan_cases[] = {
    { "mailto:a@example.org",
      2000,
      { { DEST_SEND, "a@example.org" } },
      1,
      false },
    { "mailto:a@example.org!1k",
      2000,
      { { DEST_TOO_BIG, "a@example.org" } },
      1,
      true },
    { "mailto:a@example.org!1k",
      1024,
      { { DEST_SEND, "a@example.org" } },
      1,
      false },
    { "mailto:a@example.org!1k,mailto:b@red.test!10m",
      2000,
      { { DEST_TOO_BIG, "a@example.org" }, { DEST_SEND, "b@red.test" } },
      2,
      false },
    { "https://example.org/r,mailto:r%75a@example.org?subject=x",
      10,
      { { DEST_UNSUPPORTED, NULL }, { DEST_SEND, "rua@example.org" } },
      2,
      false },
    { "mailto:%2Dx@example.org,mailto:a%40b@example.org",
      10,
      { { DEST_BADADDR, NULL }, { DEST_BADADDR, NULL } },
      2,
      false },
    { "mailto:a%0D%0ABcc:b@example.org",
      10,
      { { DEST_BADADDR, NULL } },
      1,
      false },
    { "mailto:x@blue.test",
      10,
      { { DEST_UNVERIFIED, "x@blue.test" } },
      1,
      false },
    { "mailto:x@slow.test,mailto:y@example.org!1",
      10,
      { { DEST_DEFERRED, "x@slow.test" }, { DEST_TOO_BIG, "y@example.org" } },
      2,
      false },
    { "mailto:x@same.test",
      6000,
      { { DEST_REPLACED, "x@same.test" },
        { DEST_TOO_BIG, "other@same.test" },
        { DEST_SEND, "b@SAME.test" } },
      3,
      false },
    { "mailto:x@moved.test,mailto:z@example.org",
      10,
      { { DEST_UNVERIFIED, "x@moved.test" }, { DEST_SEND, "z@example.org" } },
      2,
      false },
};

/* test_plans - every row of plan_cases */
static void
test_plans(void **state)
{
    struct destverify_ops ops = { fake_txt, fake_org, NULL };
    static struct dest_plan plan;
    char text[512];
    const char *why = NULL;

    (void)state;
    for (size_t i = 0; i < sizeof(plan_cases) / sizeof(plan_cases[0]); i++) {
        const struct plan_case *c = &plan_cases[i];
        struct dmarc_rec rec;

        memset(&rec, 0, sizeof(rec));
        assert_true(snprintf(text, sizeof(text), "v=DMARC1; p=none; rua=%s",
                             c->rua) < (int)sizeof(text));
        assert_int_equal(dmarc_rec_parse(str_cstr(text), &rec, &why),
                         DMARC_REC_OK);
        dest_plan_make(&ops, "example.org", &rec, c->size, &plan);
        assert_int_equal(plan.count, c->count);
        for (size_t j = 0; j < c->count; j++) {
            assert_int_equal(plan.d[j].state, c->want[j].state);
            if (c->want[j].addr == NULL)
                assert_null(plan.d[j].addr);
            else
                assert_string_equal(plan.d[j].addr, c->want[j].addr);
        }
        assert_int_equal(dest_plan_needs_error_report(&plan),
                         c->is_error_report);
        dest_plan_free(&plan);
        dmarc_rec_free(&rec);
    }
}

/* test_names - state names */
static void
test_names(void **state)
{
    (void)state;
    assert_string_equal(dest_state_str(DEST_TOO_BIG), "too-big");
    assert_string_equal(dest_state_str(DEST_REPLACED), "replaced");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plans),
        cmocka_unit_test(test_names),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
