/*
 * test_discovery_cases - RFC 7489 §6.6.3 policy discovery, one table row
 * per case: every c-rec-* and c-disc-* conformance case (their DNS data as
 * an answer table for the fake DNS of discovery_fixture), temporary
 * failures at each step and several records, with the status, policy,
 * where, organizational domain and queries expected.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "common/discovery.h"
#include "tests/unit/common/discovery_fixture.h"

#define N(t) (sizeof(t) / sizeof((t)[0]))
/* MAX_RRS - rows of one case's table */
#define MAX_RRS 6

/* shorter names for the table */
#define FOUND DISCOVERY_FOUND
#define NONE_ DISCOVERY_NONE
#define MULTI DISCOVERY_MULTIPLE
#define TEMP  DISCOVERY_TEMPERROR
#define PERM  DISCOVERY_PERMERROR
#define AT_F  DISCOVERY_AT_FROM
#define AT_O  DISCOVERY_AT_ORG
#define AT_N  DISCOVERY_AT_NOWHERE
#define P_N   DMARC_REC_POLICY_NONE
#define P_Q   DMARC_REC_POLICY_QUARANTINE
#define P_R   DMARC_REC_POLICY_REJECT
#define P_0   DMARC_REC_POLICY_UNSET

/* one discovery case */
struct disc_case {
    const char *id; /* conformance id or a description */
    struct discovery_fixture_rr dns[MAX_RRS]; /* the zone data */
    const char *from;                         /* From domain */
    enum discovery_status st;                 /* expected status */
    enum dmarc_rec_policy policy;             /* expected applicable policy */
    enum discovery_where where;               /* expected where */
    const char *org;                          /* expected org_domain */
    const char *queries; /* expected queries, space-separated */
};

static const struct disc_case cases[] = {
    /* c-rec-*: the record at the From domain */
    { "c-rec-adkim-invalid-defaulted",
      { { "_dmarc.example.com", "v=DMARC1; p=reject; adkim=x" } },
      "example.com",
      FOUND,
      P_R,
      AT_F,
      "example.com",
      "_dmarc.example.com" },
    { "c-rec-aspf-invalid-record-still-applies",
      { { "_dmarc.example.com", "v=DMARC1; p=reject; aspf=x" } },
      "example.com",
      FOUND,
      P_R,
      AT_F,
      "example.com",
      "_dmarc.example.com" },
    { "c-rec-cname-followed (resolver follows the CNAME)",
      { { "_dmarc.example.com", "v=DMARC1; p=reject" } },
      "example.com",
      FOUND,
      P_R,
      AT_F,
      "example.com",
      "_dmarc.example.com" },
    { "c-rec-default-aspf-relaxed",
      { { "_dmarc.example.com", "v=DMARC1; p=reject" } },
      "example.com",
      FOUND,
      P_R,
      AT_F,
      "example.com",
      "_dmarc.example.com" },
    { "c-rec-duplicate-records",
      { { "_dmarc.example.com", "v=DMARC1; p=reject" },
        { "_dmarc.example.com", "v=DMARC1; p=none" } },
      "example.com",
      MULTI,
      P_0,
      AT_F,
      "example.com",
      "_dmarc.example.com" },
    { "c-rec-multistring-split-version (resolver concatenates)",
      { { "_dmarc.example.com", "v=DMA"
                                "RC1; p=reject" } },
      "example.com",
      FOUND,
      P_R,
      AT_F,
      "example.com",
      "_dmarc.example.com" },
    { "c-rec-non-dmarc-txt-after-record",
      { { "_dmarc.example.com", "v=DMARC1; p=reject" },
        { "_dmarc.example.com", "site-verification=4f2d8a1c9b" } },
      "example.com",
      FOUND,
      P_R,
      AT_F,
      "example.com",
      "_dmarc.example.com" },
    { "c-rec-non-dmarc-txt-ignored",
      { { "_dmarc.example.com", "site-verification=4f2d8a1c9b" },
        { "_dmarc.example.com", "v=DMARC1; p=reject" } },
      "example.com",
      FOUND,
      P_R,
      AT_F,
      "example.com",
      "_dmarc.example.com" },
    { "c-rec-np-ignored",
      { { "_dmarc.example.com",
          "v=DMARC1; p=quarantine; sp=none; np=reject" } },
      "nx.example.com",
      FOUND,
      P_N,
      AT_O,
      "example.com",
      "_dmarc.nx.example.com _dmarc.example.com" },
    { "c-rec-p-abbreviated",
      { { "_dmarc.example.com", "v=DMARC1; p=rej" } },
      "example.com",
      PERM,
      P_0,
      AT_F,
      "example.com",
      "_dmarc.example.com" },
    { "c-rec-p-invalid-with-rua",
      { { "_dmarc.example.com",
          "v=DMARC1; p=bogus; rua=mailto:dmarc-reports@example.com" } },
      "example.com",
      FOUND,
      P_N,
      AT_F,
      "example.com",
      "_dmarc.example.com" },
    { "c-rec-p-missing-with-rua",
      { { "_dmarc.example.com",
          "v=DMARC1; rua=mailto:dmarc-reports@example.com" } },
      "example.com",
      FOUND,
      P_N,
      AT_F,
      "example.com",
      "_dmarc.example.com" },
    { "c-rec-p-value-uppercase",
      { { "_dmarc.example.com", "v=DMARC1; p=REJECT" } },
      "example.com",
      FOUND,
      P_R,
      AT_F,
      "example.com",
      "_dmarc.example.com" },
    { "c-rec-pct-invalid-text",
      { { "_dmarc.example.com", "v=DMARC1; p=reject; pct=abc" } },
      "example.com",
      FOUND,
      P_R,
      AT_F,
      "example.com",
      "_dmarc.example.com" },
    { "c-rec-pct-zero-quarantine",
      { { "_dmarc.example.com", "v=DMARC1; p=quarantine; pct=0" } },
      "example.com",
      FOUND,
      P_Q,
      AT_F,
      "example.com",
      "_dmarc.example.com" },
    { "c-rec-report-tags-invalid-ignored",
      { { "_dmarc.example.com", "v=DMARC1; p=reject; rf=xml; ri=soon; fo=x" } },
      "example.com",
      FOUND,
      P_R,
      AT_F,
      "example.com",
      "_dmarc.example.com" },
    { "c-rec-sp-invalid-with-rua",
      { { "_dmarc.example.com", "v=DMARC1; p=reject; sp=bogus; "
                                "rua=mailto:dmarc-reports@example.com" } },
      "example.com",
      FOUND,
      P_N,
      AT_F,
      "example.com",
      "_dmarc.example.com" },
    { "c-rec-tabs-and-trailing-separator",
      { { "_dmarc.example.com", "v=DMARC1;\tp=reject;\t" } },
      "example.com",
      FOUND,
      P_R,
      AT_F,
      "example.com",
      "_dmarc.example.com" },
    { "c-rec-unknown-tags-ignored",
      { { "_dmarc.example.com", "v=DMARC1; p=reject; foo=bar; x-extra=1" } },
      "example.com",
      FOUND,
      P_R,
      AT_F,
      "example.com",
      "_dmarc.example.com" },
    { "c-rec-version-missing",
      { { "_dmarc.example.com", "p=reject" } },
      "example.com",
      NONE_,
      P_0,
      AT_N,
      "example.com",
      "_dmarc.example.com" },
    { "c-rec-version-not-first",
      { { "_dmarc.example.com", "p=reject; v=DMARC1" } },
      "example.com",
      NONE_,
      P_0,
      AT_N,
      "example.com",
      "_dmarc.example.com" },
    { "c-rec-whitespace-around-equals",
      { { "_dmarc.example.com", "v = DMARC1 ; p = reject" } },
      "example.com",
      FOUND,
      P_R,
      AT_F,
      "example.com",
      "_dmarc.example.com" },
    /* c-disc-*: where the record is looked for */
    { "c-disc-co-uk-org-sp",
      { { "_dmarc.example.co.uk", "v=DMARC1; p=reject; sp=quarantine" } },
      "foo.example.co.uk",
      FOUND,
      P_Q,
      AT_O,
      "example.co.uk",
      "_dmarc.foo.example.co.uk _dmarc.example.co.uk" },
    { "c-disc-from-is-public-suffix",
      { { "_dmarc.gov.uk", "v=DMARC1; p=reject" } },
      "gov.uk",
      FOUND,
      P_R,
      AT_F,
      "",
      "_dmarc.gov.uk" },
    { "c-disc-from-is-public-suffix, no record",
      { { "_dmarc.uk", "v=DMARC1; p=reject" } },
      "gov.uk",
      NONE_,
      P_0,
      AT_N,
      "",
      "_dmarc.gov.uk" },
    { "c-disc-intermediate-record-only",
      { { "_dmarc.mail.example.com", "v=DMARC1; p=reject" } },
      "a.mail.example.com",
      NONE_,
      P_0,
      AT_N,
      "example.com",
      "_dmarc.a.mail.example.com _dmarc.example.com" },
    { "c-disc-no-fallback-to-public-suffix",
      { { "_dmarc.co.uk", "v=DMARC1; p=reject" } },
      "example.co.uk",
      NONE_,
      P_0,
      AT_N,
      "example.co.uk",
      "_dmarc.example.co.uk" },
    { "c-disc-private-suffix-no-fallback",
      { { "_dmarc.blogspot.com", "v=DMARC1; p=reject" } },
      "alice.blogspot.com",
      NONE_,
      P_0,
      AT_N,
      "alice.blogspot.com",
      "_dmarc.alice.blogspot.com" },
    { "c-disc-psl-exception-rule",
      { { "_dmarc.www.ck", "v=DMARC1; p=reject" } },
      "mail.www.ck",
      FOUND,
      P_R,
      AT_O,
      "www.ck",
      "_dmarc.mail.www.ck _dmarc.www.ck" },
    { "c-disc-sp-absent-inherits-p",
      { { "_dmarc.example.com", "v=DMARC1; p=quarantine" } },
      "sub.example.com",
      FOUND,
      P_Q,
      AT_O,
      "example.com",
      "_dmarc.sub.example.com _dmarc.example.com" },
    { "c-disc-sp-none-for-subdomain",
      { { "_dmarc.example.com", "v=DMARC1; p=reject; sp=none" } },
      "sub.example.com",
      FOUND,
      P_N,
      AT_O,
      "example.com",
      "_dmarc.sub.example.com _dmarc.example.com" },
    { "c-disc-sp-reject-for-subdomain",
      { { "_dmarc.example.com", "v=DMARC1; p=none; sp=reject" } },
      "sub.example.com",
      FOUND,
      P_R,
      AT_O,
      "example.com",
      "_dmarc.sub.example.com _dmarc.example.com" },
    { "c-disc-subdomain-own-record-wins",
      { { "_dmarc.mail.example.com", "v=DMARC1; p=none" },
        { "_dmarc.example.com", "v=DMARC1; p=reject" } },
      "mail.example.com",
      FOUND,
      P_N,
      AT_F,
      "example.com",
      "_dmarc.mail.example.com" },
    /* DNS failures and record counts */
    { "temporary failure at the From domain",
      { { "_dmarc.example.com", "SERVFAIL" } },
      "example.com",
      TEMP,
      P_0,
      AT_F,
      "example.com",
      "_dmarc.example.com" },
    { "temporary failure at the From subdomain: no fallback",
      { { "_dmarc.sub.example.com", "SERVFAIL" },
        { "_dmarc.example.com", "v=DMARC1; p=reject" } },
      "sub.example.com",
      TEMP,
      P_0,
      AT_F,
      "example.com",
      "_dmarc.sub.example.com" },
    { "temporary failure at the org domain",
      { { "_dmarc.example.com", "SERVFAIL" } },
      "sub.example.com",
      TEMP,
      P_0,
      AT_O,
      "example.com",
      "_dmarc.sub.example.com _dmarc.example.com" },
    { "several records at the org domain",
      { { "_dmarc.example.com", "v=DMARC1; p=reject" },
        { "_dmarc.example.com", "v=DMARC1; p=reject" } },
      "sub.example.com",
      MULTI,
      P_0,
      AT_O,
      "example.com",
      "_dmarc.sub.example.com _dmarc.example.com" },
    { "several records at the From domain: no fallback",
      { { "_dmarc.sub.example.com", "v=DMARC1; p=none" },
        { "_dmarc.sub.example.com", "v=DMARC1; p=bogus" },
        { "_dmarc.example.com", "v=DMARC1; p=reject" } },
      "sub.example.com",
      MULTI,
      P_0,
      AT_F,
      "example.com",
      "_dmarc.sub.example.com" },
    { "only non-DMARC records at the From domain: fallback",
      { { "_dmarc.sub.example.com", "v=spf1 -all" },
        { "_dmarc.example.com", "v=DMARC1; p=reject; sp=quarantine" } },
      "sub.example.com",
      FOUND,
      P_Q,
      AT_O,
      "example.com",
      "_dmarc.sub.example.com _dmarc.example.com" },
    { "permerror at the org domain",
      { { "_dmarc.example.com", "v=DMARC1; p=reject; sp=bogus" } },
      "sub.example.com",
      PERM,
      P_0,
      AT_O,
      "example.com",
      "_dmarc.sub.example.com _dmarc.example.com" },
    { "an invalid record at the From domain is not skipped",
      { { "_dmarc.sub.example.com", "v=DMARC1" },
        { "_dmarc.example.com", "v=DMARC1; p=reject" } },
      "sub.example.com",
      PERM,
      P_0,
      AT_F,
      "example.com",
      "_dmarc.sub.example.com" },
    { "upper case From domain, trailing dot",
      { { "_dmarc.example.com", "v=DMARC1; p=reject; sp=none" } },
      "Sub.EXAMPLE.com.",
      FOUND,
      P_N,
      AT_O,
      "example.com",
      "_dmarc.sub.example.com _dmarc.example.com" },
    { "IDN From domain",
      { { "_dmarc.xn--bcher-kva.example", "v=DMARC1; p=quarantine" } },
      "b\xc3\xbc"
      "cher.example",
      FOUND,
      P_Q,
      AT_F,
      "xn--bcher-kva.example",
      "_dmarc.xn--bcher-kva.example" },
    { "unknown TLD",
      { { "_dmarc.example.unknowntld", "v=DMARC1; p=reject; sp=none" } },
      "a.example.unknowntld",
      FOUND,
      P_N,
      AT_O,
      "example.unknowntld",
      "_dmarc.a.example.unknowntld _dmarc.example.unknowntld" },
};

/* check_queries - the queries made equal the space-separated list */
static void
check_queries(const struct disc_case *c, const struct discovery_fixture_dns *f)
{
    char got[DISCOVERY_FIXTURE_MAX_QUERIES * DISCOVERY_FIXTURE_MAX_NAME] = "";
    size_t len = 0;

    for (size_t i = 0; i < f->n_queries; i++)
        len += (size_t)snprintf(got + len, sizeof(got) - len, "%s%s",
                                i ? " " : "", f->queries[i]);
    if (strcmp(got, c->queries) != 0)
        fail_msg("%s: queries \"%s\", want \"%s\"", c->id, got, c->queries);
}

/* check_case - run one case against the org domain context od */
static void
check_case(const struct orgdomain *od, const struct disc_case *c)
{
    struct discovery_fixture_dns f = { c->dns, { { 0 } }, 0, 0 };
    struct discovery_dns dns = { discovery_fixture_txt, discovery_fixture_free,
                                 &f };
    struct discovery_result res;
    enum discovery_status st = discovery_run(&dns, od, str_cstr(c->from), &res);

    if (st != c->st || res.status != st)
        fail_msg("%s: %s (%s)", c->id, discovery_status_str(st),
                 res.why ? res.why : "-");
    if (res.where != c->where)
        fail_msg("%s: where %d", c->id, res.where);
    assert_string_equal(res.org_domain, c->org);
    check_queries(c, &f);
    assert_int_equal(f.n_live, 0);
    if (st == FOUND) {
        assert_true(res.has_rec);
        if (res.policy != c->policy)
            fail_msg("%s: policy %s", c->id, dmarc_rec_policy_str(res.policy));
        assert_null(res.why);
    } else {
        assert_int_equal(res.policy, P_0);
        assert_true(st == NONE_ || res.why != NULL);
    }
    if (st == FOUND || st == PERM || st == MULTI)
        assert_string_equal(res.policy_domain,
                            c->where == AT_O ? c->org : res.from_domain);
    else
        assert_string_equal(res.policy_domain, "");
    assert_int_equal(res.is_org_tried, strchr(c->queries, ' ') != NULL);
    discovery_result_free(&res);
}

/* test_cases - every row of cases */
static void
test_cases(void **state)
{
    for (size_t i = 0; i < N(cases); i++)
        check_case(*state, &cases[i]);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cases),
    };

    return cmocka_run_group_tests(tests, discovery_fixture_setup,
                                  discovery_fixture_teardown);
}
