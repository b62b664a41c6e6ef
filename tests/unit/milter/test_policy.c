/*
 * test_policy - alignment, DMARC result and disposition: the full matrix
 * of SPF and DKIM results, alignment, modes, policies and pct against an
 * independent statement of RFC 7489, and the edge rules (no record, pct
 * boundaries, alignment alone, the strictest of several From domains).
 * The named conformance cases are test_policy_cases.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "milter/policy.h"
#include "tests/unit/milter/policy_fixture.h"

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

/* test_matrix - SPF {pass, fail, temperror} x SPF domain {exact, same
 * org, other org} x DKIM {pass, fail} x DKIM domain {same three} x mode
 * {r, s} x p {none, quarantine, reject} x (pct, draw) */
static void
test_matrix(void **state)
{
    static const enum auth_result spf_r[] = { AUTH_RESULT_PASS,
                                              AUTH_RESULT_FAIL,
                                              AUTH_RESULT_TEMPERROR };

    static const enum auth_result dkim_r[] = { AUTH_RESULT_PASS,
                                               AUTH_RESULT_FAIL };

    static const char *const doms[] = { "example.com", "mail.example.com",
                                        "other.net" };
    static const unsigned pct_draw[][2] = {
        { 100, 99 }, { 0, 0 }, { 50, 49 }, { 50, 50 }
    };
    size_t n = 0;

    (void)state;
    for (size_t a = 0; a < N_OF(spf_r); a++)
        for (size_t b = 0; b < N_OF(doms); b++)
            for (size_t c = 0; c < N_OF(dkim_r); c++)
                for (size_t d = 0; d < N_OF(doms); d++)
                    for (int mode = 0; mode < 2; mode++)
                        for (int p = 0; p < 3; p++)
                            for (size_t e = 0; e < N_OF(pct_draw); e++) {
                                struct policy_dkim sig = { doms[d], "sel",
                                                           dkim_r[c] };
                                struct policy_output o = policy_fixture_eval(
                                    "example.com",
                                    policy_fixture_rec((enum policy_disp)p,
                                                       (enum policy_align)mode,
                                                       pct_draw[e][0]),
                                    spf_r[a], doms[b], &sig, 1, pct_draw[e][1]);
                                /* the rules, stated independently */
                                bool spf_al =
                                    b == 0 ||
                                    (b == 1 && mode == POLICY_ALIGN_RELAXED);
                                bool dkim_al =
                                    d == 0 ||
                                    (d == 1 && mode == POLICY_ALIGN_RELAXED);
                                bool spf_ok =
                                    spf_r[a] == AUTH_RESULT_PASS && spf_al;
                                bool dkim_ok =
                                    dkim_r[c] == AUTH_RESULT_PASS && dkim_al;
                                bool temp =
                                    spf_r[a] == AUTH_RESULT_TEMPERROR && spf_al;
                                bool sampled = pct_draw[e][0] == 100 ||
                                               pct_draw[e][1] < pct_draw[e][0];
                                enum policy_result want =
                                    spf_ok || dkim_ok ? POLICY_RESULT_PASS
                                    : temp            ? POLICY_RESULT_TEMPERROR
                                                      : POLICY_RESULT_FAIL;
                                enum policy_disp disp = POLICY_DISP_NONE;
                                bool so = false;

                                if (want == POLICY_RESULT_FAIL) {
                                    disp = (enum policy_disp)p;
                                    if (!sampled && p != POLICY_DISP_NONE) {
                                        disp = (enum policy_disp)(p - 1);
                                        so = true;
                                    }
                                }
                                if (o.result != want || o.disposition != disp ||
                                    (o.override ==
                                     POLICY_OVERRIDE_SAMPLED_OUT) != so ||
                                    o.is_spf_aligned_pass != spf_ok ||
                                    o.is_dkim_aligned_pass != dkim_ok ||
                                    !o.is_evaluated ||
                                    o.policy != (enum policy_disp)p)
                                    fail_msg("spf=%zu/%zu dkim=%zu/%zu mode=%d "
                                             "p=%d pct=%u draw=%u: "
                                             "%s %s",
                                             a, b, c, d, mode, p,
                                             pct_draw[e][0], pct_draw[e][1],
                                             policy_result_name(o.result),
                                             policy_disp_name(o.disposition));
                                assert_int_equal(policy_hist_align(&o, true),
                                                 dkim_ok ? 4 : 5);
                                assert_int_equal(policy_hist_align(&o, false),
                                                 spf_ok ? 4 : 5);
                                assert_int_equal(policy_hist_policy(&o),
                                                 want == POLICY_RESULT_PASS ? 15
                                                 : want != POLICY_RESULT_FAIL
                                                     ? 14
                                                     : 18 - p);
                                n++;
                            }
    assert_int_equal(n, 3 * 3 * 2 * 3 * 2 * 3 * 4);
}

/* test_no_record - none, temperror, permerror: nothing applied */
static void
test_no_record(void **state)
{
    static const struct {
        enum policy_rec_status st; /* discovery status */
        enum policy_result r;      /* expected result */
    } rows[] = {
        { POLICY_REC_NONE, POLICY_RESULT_NONE },
        { POLICY_REC_TEMPERROR, POLICY_RESULT_TEMPERROR },
        { POLICY_REC_PERMERROR, POLICY_RESULT_PERMERROR },
    };
    struct policy_dkim sig = { "example.com", "s", AUTH_RESULT_PASS };

    (void)state;
    for (size_t i = 0; i < N_OF(rows); i++) {
        struct policy_record rec =
            policy_fixture_rec(POLICY_DISP_REJECT, POLICY_ALIGN_RELAXED, 100);
        struct policy_output o;

        rec.status = rows[i].st;
        o = policy_fixture_eval("example.com", rec, AUTH_RESULT_FAIL, "x.net",
                                &sig, 1, 0);
        assert_int_equal(o.result, rows[i].r);
        assert_int_equal(o.disposition, POLICY_DISP_NONE);
        assert_int_equal(o.policy, POLICY_DISP_NONE);
        assert_false(o.is_evaluated);
        assert_int_equal(policy_hist_policy(&o), 14);
        assert_int_equal(policy_hist_align(&o, true), 0);
        assert_int_equal(policy_hist_align(&o, false), 0);
    }
}

/* test_pct_boundaries - every draw under pct 30; out-of-range draws */
static void
test_pct_boundaries(void **state)
{
    size_t applied = 0;

    (void)state;
    for (unsigned draw = 0; draw < 100; draw++) {
        struct policy_output o = policy_fixture_eval(
            "example.com",
            policy_fixture_rec(POLICY_DISP_REJECT, POLICY_ALIGN_RELAXED, 30),
            AUTH_RESULT_FAIL, "x.net", NULL, 0, draw);

        if (o.disposition == POLICY_DISP_REJECT) {
            applied++;
            assert_int_equal(o.override, POLICY_OVERRIDE_NONE);
        } else {
            assert_int_equal(o.disposition, POLICY_DISP_QUARANTINE);
            assert_int_equal(o.override, POLICY_OVERRIDE_SAMPLED_OUT);
        }
        assert_int_equal(policy_hist_policy(&o), 16);
    }
    assert_int_equal(applied, 30);
    /* pct=100 applies whatever the draw */
    assert_int_equal(
        policy_fixture_eval(
            "example.com",
            policy_fixture_rec(POLICY_DISP_REJECT, POLICY_ALIGN_RELAXED, 100),
            AUTH_RESULT_FAIL, "x.net", NULL, 0, 1000)
            .disposition,
        POLICY_DISP_REJECT);
    /* p=none with pct<100 records no override */
    assert_int_equal(
        policy_fixture_eval(
            "example.com",
            policy_fixture_rec(POLICY_DISP_NONE, POLICY_ALIGN_RELAXED, 0),
            AUTH_RESULT_FAIL, "x.net", NULL, 0, 50)
            .override,
        POLICY_OVERRIDE_NONE);
}

/* test_is_aligned - the alignment function alone */
static void
test_is_aligned(void **state)
{
    int calls = 0;

    (void)state;
    assert_true(policy_is_aligned("Example.COM", "example.com",
                                  POLICY_ALIGN_STRICT, policy_fixture_orgdom,
                                  &calls));
    assert_int_equal(calls, 0); /* strict never asks for org domains */
    assert_false(policy_is_aligned("example.com", "a.example.com",
                                   POLICY_ALIGN_STRICT, policy_fixture_orgdom,
                                   &calls));
    assert_true(policy_is_aligned("a.example.com", "B.EXAMPLE.COM",
                                  POLICY_ALIGN_RELAXED, policy_fixture_orgdom,
                                  &calls));
    assert_false(policy_is_aligned("example.com", "example.net",
                                   POLICY_ALIGN_RELAXED, policy_fixture_orgdom,
                                   &calls));
    assert_false(policy_is_aligned(NULL, "example.net", POLICY_ALIGN_STRICT,
                                   policy_fixture_orgdom, &calls));
    assert_false(policy_is_aligned("example.com", NULL, POLICY_ALIGN_RELAXED,
                                   policy_fixture_orgdom, &calls));
    assert_false(policy_is_aligned("", "", POLICY_ALIGN_STRICT,
                                   policy_fixture_orgdom, &calls));
}

/* test_strictest - several From domains: the strictest failing policy */
static void
test_strictest(void **state)
{
    struct policy_output o[4];

    (void)state;
    memset(o, 0, sizeof(o));
    o[0].result = POLICY_RESULT_PASS;
    o[1].result = POLICY_RESULT_FAIL;
    o[1].disposition = POLICY_DISP_QUARANTINE;
    o[2].result = POLICY_RESULT_FAIL;
    o[2].disposition = POLICY_DISP_REJECT;
    o[3].result = POLICY_RESULT_NONE;
    assert_int_equal(policy_strictest(o, 4), 2);
    assert_int_equal(policy_strictest(o, 2), 1);
    assert_int_equal(policy_strictest(o, 1), 0);
    o[1].disposition = POLICY_DISP_NONE;
    o[1].result = POLICY_RESULT_FAIL;
    assert_int_equal(policy_strictest(o, 2), 1);
    o[0].result = POLICY_RESULT_TEMPERROR;
    assert_int_equal(policy_strictest(o, 2), 1);
    assert_string_equal(policy_result_name(POLICY_RESULT_PERMERROR),
                        "permerror");
    assert_string_equal(policy_disp_name(POLICY_DISP_QUARANTINE), "quarantine");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_matrix),
        cmocka_unit_test(test_no_record),
        cmocka_unit_test(test_pct_boundaries),
        cmocka_unit_test(test_is_aligned),
        cmocka_unit_test(test_strictest),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
