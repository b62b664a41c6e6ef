/*
 * test_dmarc_rec - the DMARC record parser: the version rule, policies
 * and §6.6.3 step 6, every other tag with its default, RFC 9989 tags,
 * URI lists, limits, and the c-rec-* conformance records.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "common/dmarc_rec.h"

#define N(t) (sizeof(t) / sizeof((t)[0]))

/* shorter names for the table */
#define UNSET DMARC_REC_POLICY_UNSET
#define NONE  DMARC_REC_POLICY_NONE
#define QUAR  DMARC_REC_POLICY_QUARANTINE
#define REJ   DMARC_REC_POLICY_REJECT
#define OK    DMARC_REC_OK
#define NOTD  DMARC_REC_NOT_DMARC
#define INVAL DMARC_REC_INVALID

/* one policy-level case */
struct pol_case {
    const char *in;           /* record text */
    enum dmarc_rec_status st; /* expected status */
    enum dmarc_rec_policy p;  /* expected p (when not NOT_DMARC) */
    enum dmarc_rec_policy sp; /* expected sp */
    bool has_sp;              /* expected has_sp */
    bool by_rua;              /* expected is_p_by_rua */
    unsigned bad;             /* expected tags_bad */
};

static const struct pol_case pol_cases[] = {
    /* c-rec-* conformance records */
    { "v=DMARC1; p=reject; adkim=x", OK, REJ, REJ, false, false,
      DMARC_REC_T_ADKIM },
    { "v=DMARC1; p=reject; aspf=x", OK, REJ, REJ, false, false,
      DMARC_REC_T_ASPF },
    { "v=DMARC1; p=reject", OK, REJ, REJ, false, false, 0 },
    { "v=DMARC1; p=none", OK, NONE, NONE, false, false, 0 },
    { "v=DMARC1; p=quarantine; sp=none; np=reject", OK, QUAR, NONE, true, false,
      0 },
    { "v=DMARC1; p=rej", INVAL, UNSET, UNSET, false, false, DMARC_REC_T_P },
    { "v=DMARC1; p=bogus; rua=mailto:dmarc-reports@example.com", OK, NONE, NONE,
      false, true, DMARC_REC_T_P },
    { "v=DMARC1; rua=mailto:dmarc-reports@example.com", OK, NONE, NONE, false,
      true, 0 },
    { "v=DMARC1; p=REJECT", OK, REJ, REJ, false, false, 0 },
    { "v=DMARC1; p=reject; pct=abc", OK, REJ, REJ, false, false,
      DMARC_REC_T_PCT },
    { "v=DMARC1; p=quarantine; pct=0", OK, QUAR, QUAR, false, false, 0 },
    { "v=DMARC1; p=reject; rf=xml; ri=soon; fo=x", OK, REJ, REJ, false, false,
      DMARC_REC_T_RF | DMARC_REC_T_RI | DMARC_REC_T_FO },
    { "v=DMARC1; p=reject; sp=bogus; rua=mailto:dmarc-reports@example.com", OK,
      NONE, NONE, false, true, DMARC_REC_T_SP },
    { "v=DMARC1;\tp=reject;\t", OK, REJ, REJ, false, false, 0 },
    { "v=DMARC1; p=reject; foo=bar; x-extra=1", OK, REJ, REJ, false, false, 0 },
    { "p=reject", NOTD, UNSET, UNSET, false, false, 0 },
    { "p=reject; v=DMARC1", NOTD, UNSET, UNSET, false, false, 0 },
    { "v = DMARC1 ; p = reject", OK, REJ, REJ, false, false, 0 },
    { "v=DMARC1; p=none; sp=reject", OK, NONE, REJ, true, false, 0 },
    { "v=DMARC1; p=reject; sp=quarantine", OK, REJ, QUAR, true, false, 0 },
    /* version forms */
    { "V=DMARC1; p=reject", OK, REJ, REJ, false, false, 0 },
    { "  v=DMARC1; p=reject", OK, REJ, REJ, false, false, 0 },
    { "v=DMARC1", INVAL, UNSET, UNSET, false, false, 0 },
    { "v=DMARC1;", INVAL, UNSET, UNSET, false, false, 0 },
    { "v=DMARC1 ;p=none;", OK, NONE, NONE, false, false, 0 },
    { "v=DMARC1;p=none;;", OK, NONE, NONE, false, false, 0 },
    /* p anywhere, keyword case */
    { "v=DMARC1; rua=mailto:a@b.example; p=Quarantine", OK, QUAR, QUAR, false,
      false, 0 },
    { "v=DMARC1; P=reject; SP=None", OK, REJ, NONE, true, false, 0 },
    /* step 6 without a valid rua */
    { "v=DMARC1; p=reject; sp=rej", INVAL, REJ, UNSET, false, false,
      DMARC_REC_T_SP },
    { "v=DMARC1; p=; rua=mailto:x", OK, NONE, NONE, false, true,
      DMARC_REC_T_P },
    { "v=DMARC1; p=bogus; rua=agg@example.com", INVAL, UNSET, UNSET, false,
      false, DMARC_REC_T_P | DMARC_REC_T_RUA },
    { "v=DMARC1; p=bogus; rua=mailto:a@example.com!10x", INVAL, UNSET, UNSET,
      false, false, DMARC_REC_T_P | DMARC_REC_T_RUA },
    /* a repeated tag: the first value is used */
    { "v=DMARC1; p=none; p=reject", OK, NONE, NONE, false, false,
      DMARC_REC_T_P },
    { "v=DMARC1; p=rej; p=reject", INVAL, UNSET, UNSET, false, false,
      DMARC_REC_T_P },
    /* a part without '=' */
    { "v=DMARC1; p=reject; junk", OK, REJ, REJ, false, false,
      DMARC_REC_T_OTHER },
    /* np invalid never makes the record unusable */
    { "v=DMARC1; p=reject; np=bogus", OK, REJ, REJ, false, false,
      DMARC_REC_T_NP },
};

/* the malformed-input table: not DMARC records at all */
static const char *const not_dmarc[] = {
    "",
    " ",
    "v=spf1 -all",
    "site-verification=4f2d8a1c9b",
    "v=DMARC2; p=reject",
    "v=dmarc1; p=reject",
    "v=DMARC; p=reject",
    "v=DMARC1x; p=reject",
    "v=DMARC1 p=reject",
    "v=DMARC1,p=reject",
    "v:DMARC1; p=reject",
    "vv=DMARC1; p=reject",
    "v=\"DMARC1\"; p=reject",
    ";v=DMARC1; p=reject",
    "\nv=DMARC1; p=reject",
    "v=DMA",
    "x; v=DMARC1; p=reject",
};

/* test_policy - status, p, sp and step 6 */
static void
test_policy(void **state)
{
    (void)state;
    for (size_t i = 0; i < N(pol_cases); i++) {
        const struct pol_case *c = &pol_cases[i];
        struct dmarc_rec r;
        const char *why = NULL;
        enum dmarc_rec_status st = dmarc_rec_parse(str_cstr(c->in), &r, &why);

        if (st != c->st)
            fail_msg("%s: %s (%s)", c->in, dmarc_rec_status_str(st),
                     why ? why : "-");
        if (st != OK)
            assert_non_null(why);
        if (st != NOTD) {
            if (r.p != c->p || r.sp != c->sp || r.has_sp != c->has_sp ||
                r.is_p_by_rua != c->by_rua || r.tags_bad != c->bad)
                fail_msg("%s: p=%c sp=%c has_sp=%d by_rua=%d bad=%#x", c->in,
                         r.p ? r.p : '0', r.sp ? r.sp : '0', r.has_sp,
                         r.is_p_by_rua, r.tags_bad);
            assert_true((r.tags_bad == 0) == (r.warning == NULL));
        }
        dmarc_rec_free(&r);
    }
}

/* test_not_dmarc - the version rule */
static void
test_not_dmarc(void **state)
{
    (void)state;
    for (size_t i = 0; i < N(not_dmarc); i++) {
        struct dmarc_rec r;
        const char *why = NULL;

        if (dmarc_rec_parse(str_cstr(not_dmarc[i]), &r, &why) != NOTD)
            fail_msg("taken for DMARC: %s", not_dmarc[i]);
        assert_string_equal(why, "does not start with v=DMARC1");
        assert_null(r.text);
        assert_false(dmarc_rec_is_dmarc(str_cstr(not_dmarc[i])));
        dmarc_rec_free(&r);
    }
    assert_true(dmarc_rec_is_dmarc(STR_LIT("v=DMARC1")));
    assert_true(dmarc_rec_is_dmarc(STR_LIT("v=DMARC1; p=bogus")));
}

/* fields of test_fields */
enum field {
    F_ADKIM,
    F_ASPF,
    F_PCT,
    F_FO,
    F_RF,
    F_RI,
    F_NP,
    F_PSD,
    F_T,
    F_RUA,
    F_RUF
};

/* one tag-value case */
struct field_case {
    const char *in; /* record text (all OK records) */
    enum field f;   /* the field checked */
    unsigned bad;   /* expected tags_bad */
    uint64_t value; /* its expected value (F_RUA/F_RUF: URI count) */
};

static const struct field_case field_cases[] = {
    { "v=DMARC1; p=none", F_ADKIM, 0, 'r' },
    { "v=DMARC1; p=none; adkim=s", F_ADKIM, 0, 's' },
    { "v=DMARC1; p=none; adkim=S", F_ADKIM, 0, 's' },
    { "v=DMARC1; p=none; adkim=strict", F_ADKIM, DMARC_REC_T_ADKIM, 'r' },
    { "v=DMARC1; p=none; aspf=s", F_ASPF, 0, 's' },
    { "v=DMARC1; p=none; aspf=", F_ASPF, DMARC_REC_T_ASPF, 'r' },
    { "v=DMARC1; p=none", F_PCT, 0, 100 },
    { "v=DMARC1; p=none; pct=0", F_PCT, 0, 0 },
    { "v=DMARC1; p=none; pct=50", F_PCT, 0, 50 },
    { "v=DMARC1; p=none; pct=100", F_PCT, 0, 100 },
    { "v=DMARC1; p=none; pct=101", F_PCT, DMARC_REC_T_PCT, 100 },
    { "v=DMARC1; p=none; pct=0050", F_PCT, DMARC_REC_T_PCT, 100 },
    { "v=DMARC1; p=none; pct=-1", F_PCT, DMARC_REC_T_PCT, 100 },
    { "v=DMARC1; p=none; pct=5 0", F_PCT, DMARC_REC_T_PCT, 100 },
    { "v=DMARC1; p=none; pct=", F_PCT, DMARC_REC_T_PCT, 100 },
    { "v=DMARC1; p=none", F_FO, 0, DMARC_REC_FO_0 },
    { "v=DMARC1; p=none; fo=1", F_FO, 0, DMARC_REC_FO_1 },
    { "v=DMARC1; p=none; fo=1:d : S", F_FO, 0,
      DMARC_REC_FO_1 | DMARC_REC_FO_D | DMARC_REC_FO_S },
    { "v=DMARC1; p=none; fo=d:x", F_FO, DMARC_REC_T_FO, DMARC_REC_FO_D },
    { "v=DMARC1; p=none; fo=x", F_FO, DMARC_REC_T_FO, DMARC_REC_FO_0 },
    { "v=DMARC1; p=none; fo=1d", F_FO, DMARC_REC_T_FO, DMARC_REC_FO_0 },
    { "v=DMARC1; p=none; fo=", F_FO, DMARC_REC_T_FO, DMARC_REC_FO_0 },
    { "v=DMARC1; p=none; rf=AFRF", F_RF, 0, DMARC_REC_RF_AFRF },
    { "v=DMARC1; p=none; rf=iodef:afrf", F_RF, DMARC_REC_T_RF,
      DMARC_REC_RF_AFRF },
    { "v=DMARC1; p=none", F_RI, 0, 86400 },
    { "v=DMARC1; p=none; ri=3600", F_RI, 0, 3600 },
    { "v=DMARC1; p=none; ri=4294967295", F_RI, 0, 4294967295u },
    { "v=DMARC1; p=none; ri=4294967296", F_RI, DMARC_REC_T_RI, 86400 },
    { "v=DMARC1; p=none; ri=1h", F_RI, DMARC_REC_T_RI, 86400 },
    { "v=DMARC1; p=none", F_NP, 0, UNSET },
    { "v=DMARC1; p=none; np=reject", F_NP, 0, REJ },
    { "v=DMARC1; p=none; np=r", F_NP, DMARC_REC_T_NP, UNSET },
    { "v=DMARC1; p=none", F_PSD, 0, 'u' },
    { "v=DMARC1; p=none; psd=y", F_PSD, 0, 'y' },
    { "v=DMARC1; p=none; psd=N", F_PSD, 0, 'n' },
    { "v=DMARC1; p=none; psd=yes", F_PSD, DMARC_REC_T_PSD, 'u' },
    { "v=DMARC1; p=none", F_T, 0, 0 },
    { "v=DMARC1; p=none; t=y", F_T, 0, 1 },
    { "v=DMARC1; p=none; t=n", F_T, 0, 0 },
    { "v=DMARC1; p=none; t=true", F_T, DMARC_REC_T_T, 0 },
    { "v=DMARC1; p=none", F_RUA, 0, 0 },
    { "v=DMARC1; p=none; rua=mailto:a@example.com", F_RUA, 0, 1 },
    { "v=DMARC1; p=none; rua=mailto:a@example.com , mailto:b@example.net!10m",
      F_RUA, 0, 2 },
    { "v=DMARC1; p=none; rua=mailto:a@example.com,bogus,mailto:c@x.example",
      F_RUA, DMARC_REC_T_RUA, 2 },
    { "v=DMARC1; p=none; rua=mailto:a@example.com!10x", F_RUA, DMARC_REC_T_RUA,
      0 },
    { "v=DMARC1; p=none; rua=", F_RUA, DMARC_REC_T_RUA, 0 },
    { "v=DMARC1; p=none; rua=mailto:a@example.com,", F_RUA, DMARC_REC_T_RUA,
      1 },
    { "v=DMARC1; p=none; ruf=mailto:f@example.com", F_RUF, 0, 1 },
    { "v=DMARC1; p=none; ruf=mailto:f@example.com!1k,https://x.example/", F_RUF,
      0, 2 },
};

/* field_value - the value of field f in r */
static uint64_t
field_value(const struct dmarc_rec *r, enum field f)
{
    switch (f) {
    case F_ADKIM:
        return r->adkim;
    case F_ASPF:
        return r->aspf;
    case F_PCT:
        return r->pct;
    case F_FO:
        return r->fo;
    case F_RF:
        return r->rf;
    case F_RI:
        return r->ri;
    case F_NP:
        return r->np;
    case F_PSD:
        return r->psd;
    case F_T:
        return r->is_testing;
    case F_RUA:
        return r->rua_count;
    case F_RUF:
        return r->ruf_count;
    }
    return UINT64_MAX;
}

/* test_fields - every tag, its default and its syntax errors */
static void
test_fields(void **state)
{
    (void)state;
    for (size_t i = 0; i < N(field_cases); i++) {
        const struct field_case *c = &field_cases[i];
        struct dmarc_rec r;
        const char *why = NULL;

        if (dmarc_rec_parse(str_cstr(c->in), &r, &why) != OK)
            fail_msg("%s: %s", c->in, why);
        if (field_value(&r, c->f) != c->value || r.tags_bad != c->bad)
            fail_msg("%s: value %llu bad %#x", c->in,
                     (unsigned long long)field_value(&r, c->f), r.tags_bad);
        dmarc_rec_free(&r);
    }
}

/* test_uris - raw values and URI slices kept for the history file */
static void
test_uris(void **state)
{
    struct dmarc_rec r;
    const char *why = NULL;
    const char *text = "v=DMARC1;p=reject;rua = mailto:agg@example.com, "
                       "mailto:dmarc@rep.example.net!10m ;ruf=mailto:f@x.y";

    (void)state;
    assert_int_equal(dmarc_rec_parse(str_cstr(text), &r, &why), OK);
    assert_true(str_eq(r.rua_raw, STR_LIT("mailto:agg@example.com, "
                                          "mailto:dmarc@rep.example.net!10m")));
    assert_int_equal(r.rua_count, 2);
    assert_true(str_eq(r.rua[0].raw, STR_LIT("mailto:agg@example.com")));
    assert_true(
        str_eq(r.rua[1].raw, STR_LIT("mailto:dmarc@rep.example.net!10m")));
    assert_true(str_eq(r.rua[1].target, STR_LIT("dmarc@rep.example.net")));
    assert_true(r.rua[1].max_size == 10ull << 20);
    assert_true(dmarc_uri_is_mailto(&r.rua[1]));
    assert_true(str_eq(r.ruf_raw, STR_LIT("mailto:f@x.y")));
    /* the slices point into the record's own copy */
    assert_true(r.rua[0].raw.p >= r.text &&
                r.rua[0].raw.p < r.text + r.text_len);
    dmarc_rec_free(&r);
    assert_null(r.text);
    dmarc_rec_free(NULL);
}

/* test_limits - URI count and record length bounds */
static void
test_limits(void **state)
{
    char text[DMARC_REC_MAX_LEN + 64];
    size_t len;
    struct dmarc_rec r;
    const char *why = NULL;

    (void)state;
    len = (size_t)snprintf(text, sizeof(text), "v=DMARC1; p=none; rua=");
    for (int i = 0; i < DMARC_REC_MAX_URIS + 3; i++)
        len += (size_t)snprintf(text + len, sizeof(text) - len,
                                "%smailto:r%d@example.com", i ? "," : "", i);
    assert_int_equal(dmarc_rec_parse(str_make(text, len), &r, &why), OK);
    assert_int_equal(r.rua_count, DMARC_REC_MAX_URIS);
    assert_int_equal(r.tags_bad, DMARC_REC_T_RUA);
    dmarc_rec_free(&r);

    len = (size_t)snprintf(text, sizeof(text), "v=DMARC1; p=none; x=");
    memset(text + len, 'a', DMARC_REC_MAX_LEN - len);
    assert_int_equal(
        dmarc_rec_parse(str_make(text, DMARC_REC_MAX_LEN), &r, &why), OK);
    dmarc_rec_free(&r);
    text[DMARC_REC_MAX_LEN] = 'a';
    assert_int_equal(
        dmarc_rec_parse(str_make(text, DMARC_REC_MAX_LEN + 1), &r, &why),
        INVAL);
    dmarc_rec_free(&r);

    /* NUL bytes inside a TXT record are just bytes */
    assert_int_equal(
        dmarc_rec_parse(str_make("v=DMARC1; x=a\0b; p=none", 23), &r, &why),
        OK);
    assert_int_equal(r.p, NONE);
    dmarc_rec_free(&r);
    assert_int_equal(
        dmarc_rec_parse(str_make("v=DMARC1; p=none\0; p=reject", 27), &r, &why),
        INVAL);
    assert_int_equal(r.tags_bad, DMARC_REC_T_P);
    dmarc_rec_free(&r);
}

/* test_names - the *_str helpers */
static void
test_names(void **state)
{
    (void)state;
    assert_string_equal(dmarc_rec_policy_str(REJ), "reject");
    assert_string_equal(dmarc_rec_policy_str(QUAR), "quarantine");
    assert_string_equal(dmarc_rec_policy_str(NONE), "none");
    assert_string_equal(dmarc_rec_policy_str(UNSET), "unset");
    assert_string_equal(dmarc_rec_status_str(NOTD), "not-dmarc");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_policy), cmocka_unit_test(test_not_dmarc),
        cmocka_unit_test(test_fields), cmocka_unit_test(test_uris),
        cmocka_unit_test(test_limits), cmocka_unit_test(test_names),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
