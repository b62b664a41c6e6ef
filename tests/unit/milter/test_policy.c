/*
 * test_policy - alignment, DMARC result and disposition: the full matrix
 * of SPF and DKIM results, alignment, modes, policies and pct against an
 * independent statement of RFC 7489, then the conformance cases
 * (c-align-*, seed-*, c-disc-sp-*) and the edge rules.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "common/ascii.h"
#include "milter/policy.h"

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

/* public suffixes of the fake list ("*" rule for anything else) */
static const char *const suffixes[] = {
    "com", "net", "org", "uk", "co.uk", "io", "github.io", "example"
};

/* is_suffix - s is on the fake list, or is a single label (the "*" rule) */
static bool
is_suffix(const char *s)
{
    if (strchr(s, '.') == NULL)
        return true;
    for (size_t i = 0; i < N_OF(suffixes); i++) {
        if (ascii_casecmp(s, suffixes[i]) == 0)
            return true;
    }
    return false;
}

/* fake_orgdom - a tiny PSL: the longest listed suffix plus one label */
static const char *
fake_orgdom(void *arg, const char *domain)
{
    const char *org = NULL;

    (*(int *)arg)++;
    if (is_suffix(domain))
        return NULL;
    for (const char *p = domain; p != NULL;) {
        const char *dot = strchr(p, '.');

        if (dot == NULL)
            break;
        if (is_suffix(dot + 1)) {
            org = p;
            break;
        }
        p = dot + 1;
    }
    return org;
}

/* eval - run policy_evaluate on a record and results */
/* One parameter per field of policy_input keeps each call readable. */
/* NOLINTBEGIN(readability-function-size) */
static struct policy_output
eval(const char *from, struct policy_record rec, enum auth_result spf,
     const char *spf_dom, const struct policy_dkim *dkim, size_t n_dkim,
     unsigned draw)
{
    static int calls;
    struct policy_input in = {
        .from_domain = from,
        .rec = rec,
        .spf_result = spf,
        .spf_domain = spf_dom,
        .dkim = dkim,
        .n_dkim = n_dkim,
        .orgdom = fake_orgdom,
        .orgdom_arg = &calls,
        .draw = draw,
    };
    struct policy_output out;

    policy_evaluate(&in, &out);
    return out;
}

/* NOLINTEND(readability-function-size) */

/* a record with p and both modes */
static struct policy_record
rec_p(enum policy_disp p, enum policy_align mode, unsigned pct)
{
    struct policy_record r = {
        POLICY_REC_FOUND, false, p, p, false, mode, mode, pct
    };

    return r;
}

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
                                struct policy_output o = eval(
                                    "example.com",
                                    rec_p((enum policy_disp)p,
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

/* one named case */
/* A test table, laid out in the order the rows read. */
/* NOLINTNEXTLINE(clang-analyzer-optin.performance.Padding) */
struct pol_case {
    const char *name;           /* the conformance case or the rule */
    const char *from;           /* From domain */
    struct policy_record rec;   /* record */
    enum auth_result spf;       /* SPF result */
    const char *spf_dom;        /* SPF domain */
    struct policy_dkim dkim[2]; /* DKIM results */
    size_t n_dkim;              /* used entries */
    enum policy_result result;  /* expected result */
    enum policy_disp policy;    /* expected applicable policy */
    enum policy_disp disp;      /* expected disposition (draw 99) */
};

#define REC(p, sp, has_sp, is_org, adkim, aspf, pct)                         \
    {                                                                        \
        POLICY_REC_FOUND, is_org, POLICY_DISP_##p, POLICY_DISP_##sp, has_sp, \
            POLICY_ALIGN_##adkim, POLICY_ALIGN_##aspf, pct                   \
    }
#define REJ_R REC(REJECT, NONE, false, false, RELAXED, RELAXED, 100)
#define PASS  AUTH_RESULT_PASS
#define FAIL  AUTH_RESULT_FAIL
#define TEMP  AUTH_RESULT_TEMPERROR

static const struct pol_case cases[] = {
    { "c-align-dkim-case-insensitive",
      "example.com",
      REC(REJECT, NONE, false, false, STRICT, RELAXED, 100),
      FAIL,
      "esp.example.net",
      { { "EXAMPLE.COM", "sel1", PASS } },
      1,
      POLICY_RESULT_PASS,
      POLICY_DISP_REJECT,
      POLICY_DISP_NONE },
    { "c-align-dkim-co-uk-siblings",
      "foo.example.co.uk",
      REJ_R,
      FAIL,
      "esp.example.net",
      { { "bar.example.co.uk", "s", PASS } },
      1,
      POLICY_RESULT_PASS,
      POLICY_DISP_REJECT,
      POLICY_DISP_NONE },
    { "c-align-dkim-embedded-lookalike",
      "example.com",
      REJ_R,
      FAIL,
      "esp.example.net",
      { { "example.com.attacker.net", "s", PASS } },
      1,
      POLICY_RESULT_FAIL,
      POLICY_DISP_REJECT,
      POLICY_DISP_REJECT },
    { "c-align-dkim-private-suffix-siblings",
      "alice.github.io",
      REJ_R,
      FAIL,
      "esp.example.net",
      { { "bob.github.io", "s", PASS } },
      1,
      POLICY_RESULT_FAIL,
      POLICY_DISP_REJECT,
      POLICY_DISP_REJECT },
    { "c-align-dkim-relaxed-child-signer",
      "example.com",
      REJ_R,
      FAIL,
      "esp.example.net",
      { { "news.example.com", "s", PASS } },
      1,
      POLICY_RESULT_PASS,
      POLICY_DISP_REJECT,
      POLICY_DISP_NONE },
    { "c-align-dkim-relaxed-sibling",
      "a.example.com",
      REC(REJECT, NONE, false, true, RELAXED, RELAXED, 100),
      FAIL,
      "esp.example.net",
      { { "b.example.com", "s", PASS } },
      1,
      POLICY_RESULT_PASS,
      POLICY_DISP_REJECT,
      POLICY_DISP_NONE },
    { "c-align-dkim-strict-single-letter-label",
      "x.example.com",
      REC(REJECT, NONE, false, false, STRICT, RELAXED, 100),
      FAIL,
      "esp.example.net",
      { { "example.com", "s", PASS } },
      1,
      POLICY_RESULT_FAIL,
      POLICY_DISP_REJECT,
      POLICY_DISP_REJECT },
    { "c-align-mixed-modes",
      "example.com",
      REC(REJECT, NONE, false, false, STRICT, RELAXED, 100),
      PASS,
      "bounces.example.com",
      { { "news.example.com", "s", PASS } },
      1,
      POLICY_RESULT_PASS,
      POLICY_DISP_REJECT,
      POLICY_DISP_NONE },
    { "c-align-spf-different-org",
      "example.com",
      REJ_R,
      PASS,
      "example.net",
      { { NULL, NULL, FAIL } },
      0,
      POLICY_RESULT_FAIL,
      POLICY_DISP_REJECT,
      POLICY_DISP_REJECT },
    { "c-align-spf-strict-child",
      "example.com",
      REC(REJECT, NONE, false, false, RELAXED, STRICT, 100),
      PASS,
      "bounces.example.com",
      { { NULL, NULL, FAIL } },
      0,
      POLICY_RESULT_FAIL,
      POLICY_DISP_REJECT,
      POLICY_DISP_REJECT },
    { "c-align-unlisted-tld-strict",
      "alpha.example.test",
      REC(REJECT, NONE, false, false, RELAXED, STRICT, 100),
      PASS,
      "beta.example.test",
      { { NULL, NULL, FAIL } },
      0,
      POLICY_RESULT_FAIL,
      POLICY_DISP_REJECT,
      POLICY_DISP_REJECT },
    { "unlisted TLD relaxed (implicit * rule)",
      "alpha.example.test",
      REJ_R,
      PASS,
      "beta.example.test",
      { { NULL, NULL, FAIL } },
      0,
      POLICY_RESULT_PASS,
      POLICY_DISP_REJECT,
      POLICY_DISP_NONE },
    { "seed-null-sender-helo-spf",
      "notify.test",
      REJ_R,
      PASS,
      "mail.notify.test",
      { { NULL, NULL, FAIL } },
      0,
      POLICY_RESULT_PASS,
      POLICY_DISP_REJECT,
      POLICY_DISP_NONE },
    { "c-spf-null-sender-helo-strict",
      "example.com",
      REC(REJECT, NONE, false, false, RELAXED, STRICT, 100),
      PASS,
      "mail.example.com",
      { { NULL, NULL, FAIL } },
      0,
      POLICY_RESULT_FAIL,
      POLICY_DISP_REJECT,
      POLICY_DISP_REJECT },
    { "c-dkim-aligned-fail-unaligned-pass",
      "example.com",
      REJ_R,
      FAIL,
      "esp.example.net",
      { { "example.com", "sel1", FAIL }, { "esp.example.net", "sel2", PASS } },
      2,
      POLICY_RESULT_FAIL,
      POLICY_DISP_REJECT,
      POLICY_DISP_REJECT },
    { "c-dkim-multiple-one-aligned",
      "example.com",
      REJ_R,
      FAIL,
      "esp.example.net",
      { { "esp.example.net", "sel1", PASS }, { "example.com", "sel2", PASS } },
      2,
      POLICY_RESULT_PASS,
      POLICY_DISP_REJECT,
      POLICY_DISP_NONE },
    { "c-dkim-none-no-signature",
      "example.com",
      REJ_R,
      FAIL,
      "example.com",
      { { NULL, NULL, AUTH_RESULT_NONE } },
      1,
      POLICY_RESULT_FAIL,
      POLICY_DISP_REJECT,
      POLICY_DISP_REJECT },
    { "c-disc-sp-none-for-subdomain",
      "sub.example.com",
      REC(REJECT, NONE, true, true, RELAXED, RELAXED, 100),
      FAIL,
      "example.net",
      { { NULL, NULL, FAIL } },
      0,
      POLICY_RESULT_FAIL,
      POLICY_DISP_NONE,
      POLICY_DISP_NONE },
    { "c-disc-sp-reject-for-subdomain",
      "sub.example.com",
      REC(NONE, REJECT, true, true, RELAXED, RELAXED, 100),
      FAIL,
      "example.net",
      { { NULL, NULL, FAIL } },
      0,
      POLICY_RESULT_FAIL,
      POLICY_DISP_REJECT,
      POLICY_DISP_REJECT },
    { "c-disc-sp-absent-inherits-p",
      "sub.example.com",
      REC(QUARANTINE, NONE, false, true, RELAXED, RELAXED, 100),
      FAIL,
      "example.net",
      { { NULL, NULL, FAIL } },
      0,
      POLICY_RESULT_FAIL,
      POLICY_DISP_QUARANTINE,
      POLICY_DISP_QUARANTINE },
    { "sp ignored when the record is the From domain's own",
      "example.com",
      REC(REJECT, NONE, true, false, RELAXED, RELAXED, 100),
      FAIL,
      "example.net",
      { { NULL, NULL, FAIL } },
      0,
      POLICY_RESULT_FAIL,
      POLICY_DISP_REJECT,
      POLICY_DISP_REJECT },
    { "c-rec-pct-zero-quarantine",
      "example.com",
      REC(QUARANTINE, NONE, false, false, RELAXED, RELAXED, 0),
      FAIL,
      "example.net",
      { { NULL, NULL, FAIL } },
      0,
      POLICY_RESULT_FAIL,
      POLICY_DISP_QUARANTINE,
      POLICY_DISP_NONE },
    { "public suffix SPF domain never aligns relaxed (co.uk)",
      "x.co.uk",
      REJ_R,
      PASS,
      "co.uk",
      { { NULL, NULL, FAIL } },
      0,
      POLICY_RESULT_FAIL,
      POLICY_DISP_REJECT,
      POLICY_DISP_REJECT },
    { "d=com never aligns relaxed",
      "example.com",
      REJ_R,
      FAIL,
      "x.net",
      { { "com", "s", PASS } },
      1,
      POLICY_RESULT_FAIL,
      POLICY_DISP_REJECT,
      POLICY_DISP_REJECT },
    { "From a public suffix: no relaxed alignment, even with itself",
      "co.uk",
      REJ_R,
      PASS,
      "co.uk",
      { { "co.uk", "s", PASS } },
      1,
      POLICY_RESULT_FAIL,
      POLICY_DISP_REJECT,
      POLICY_DISP_REJECT },
    { "strict exact with a public suffix From",
      "co.uk",
      REC(REJECT, NONE, false, false, STRICT, STRICT, 100),
      PASS,
      "CO.UK",
      { { NULL, NULL, FAIL } },
      0,
      POLICY_RESULT_PASS,
      POLICY_DISP_REJECT,
      POLICY_DISP_NONE },
    { "strict never falls back to the org domain (OpenDMARC #268)",
      "example.com",
      REC(REJECT, NONE, false, false, STRICT, STRICT, 100),
      PASS,
      "sub.example.com",
      { { "sub.example.com", "s", PASS } },
      1,
      POLICY_RESULT_FAIL,
      POLICY_DISP_REJECT,
      POLICY_DISP_REJECT },
    { "aligned DKIM temperror: temperror, no policy",
      "example.com",
      REJ_R,
      FAIL,
      "example.net",
      { { "example.com", "s", TEMP } },
      1,
      POLICY_RESULT_TEMPERROR,
      POLICY_DISP_REJECT,
      POLICY_DISP_NONE },
    { "unaligned DKIM temperror cannot change the verdict",
      "example.com",
      REJ_R,
      FAIL,
      "example.net",
      { { "other.net", "s", TEMP } },
      1,
      POLICY_RESULT_FAIL,
      POLICY_DISP_REJECT,
      POLICY_DISP_REJECT },
    { "DKIM temperror without d=: temperror",
      "example.com",
      REJ_R,
      FAIL,
      "example.net",
      { { NULL, "s", TEMP } },
      1,
      POLICY_RESULT_TEMPERROR,
      POLICY_DISP_REJECT,
      POLICY_DISP_NONE },
    { "SPF temperror without a domain: temperror",
      "example.com",
      REJ_R,
      TEMP,
      NULL,
      { { NULL, NULL, FAIL } },
      0,
      POLICY_RESULT_TEMPERROR,
      POLICY_DISP_REJECT,
      POLICY_DISP_NONE },
    { "temperror with an aligned pass is still pass",
      "example.com",
      REJ_R,
      TEMP,
      "example.com",
      { { "example.com", "s", PASS } },
      1,
      POLICY_RESULT_PASS,
      POLICY_DISP_REJECT,
      POLICY_DISP_NONE },
    { "legacy words are not temporary errors",
      "example.com",
      REJ_R,
      AUTH_RESULT_UNKNOWN,
      "example.com",
      { { "example.com", "s", AUTH_RESULT_UNKNOWN } },
      1,
      POLICY_RESULT_FAIL,
      POLICY_DISP_REJECT,
      POLICY_DISP_REJECT },
    { "softfail, neutral, permerror, none never pass",
      "example.com",
      REJ_R,
      AUTH_RESULT_SOFTFAIL,
      "example.com",
      { { "example.com", "s", AUTH_RESULT_NEUTRAL },
        { "example.com", "s", AUTH_RESULT_PERMERROR } },
      2,
      POLICY_RESULT_FAIL,
      POLICY_DISP_REJECT,
      POLICY_DISP_REJECT },
    { "no SPF domain, no DKIM",
      "example.com",
      REJ_R,
      AUTH_RESULT_NONE,
      NULL,
      { { NULL, NULL, FAIL } },
      0,
      POLICY_RESULT_FAIL,
      POLICY_DISP_REJECT,
      POLICY_DISP_REJECT },
};

/* test_cases - the named cases */
static void
test_cases(void **state)
{
    (void)state;
    for (size_t i = 0; i < N_OF(cases); i++) {
        const struct pol_case *c = &cases[i];
        struct policy_output o =
            eval(c->from, c->rec, c->spf, c->spf_dom, c->dkim, c->n_dkim, 99);

        if (o.result != c->result || o.policy != c->policy ||
            o.disposition != c->disp)
            fail_msg("%s: %s p=%s dis=%s", c->name,
                     policy_result_name(o.result), policy_disp_name(o.policy),
                     policy_disp_name(o.disposition));
    }
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
    struct policy_dkim sig = { "example.com", "s", PASS };

    (void)state;
    for (size_t i = 0; i < N_OF(rows); i++) {
        struct policy_record rec =
            rec_p(POLICY_DISP_REJECT, POLICY_ALIGN_RELAXED, 100);
        struct policy_output o;

        rec.status = rows[i].st;
        o = eval("example.com", rec, FAIL, "x.net", &sig, 1, 0);
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
        struct policy_output o = eval(
            "example.com", rec_p(POLICY_DISP_REJECT, POLICY_ALIGN_RELAXED, 30),
            FAIL, "x.net", NULL, 0, draw);

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
    assert_int_equal(eval("example.com",
                          rec_p(POLICY_DISP_REJECT, POLICY_ALIGN_RELAXED, 100),
                          FAIL, "x.net", NULL, 0, 1000)
                         .disposition,
                     POLICY_DISP_REJECT);
    /* p=none with pct<100 records no override */
    assert_int_equal(eval("example.com",
                          rec_p(POLICY_DISP_NONE, POLICY_ALIGN_RELAXED, 0),
                          FAIL, "x.net", NULL, 0, 50)
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
                                  POLICY_ALIGN_STRICT, fake_orgdom, &calls));
    assert_int_equal(calls, 0); /* strict never asks for org domains */
    assert_false(policy_is_aligned("example.com", "a.example.com",
                                   POLICY_ALIGN_STRICT, fake_orgdom, &calls));
    assert_true(policy_is_aligned("a.example.com", "B.EXAMPLE.COM",
                                  POLICY_ALIGN_RELAXED, fake_orgdom, &calls));
    assert_false(policy_is_aligned("example.com", "example.net",
                                   POLICY_ALIGN_RELAXED, fake_orgdom, &calls));
    assert_false(policy_is_aligned(NULL, "example.net", POLICY_ALIGN_STRICT,
                                   fake_orgdom, &calls));
    assert_false(policy_is_aligned("example.com", NULL, POLICY_ALIGN_RELAXED,
                                   fake_orgdom, &calls));
    assert_false(
        policy_is_aligned("", "", POLICY_ALIGN_STRICT, fake_orgdom, &calls));
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
        cmocka_unit_test(test_cases),
        cmocka_unit_test(test_no_record),
        cmocka_unit_test(test_pct_boundaries),
        cmocka_unit_test(test_is_aligned),
        cmocka_unit_test(test_strictest),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
