/*
 * test_afrf_fo - the fo matrix (RFC 7489 section 6.3): 0, 1, d, s and
 * combinations x SPF pass/fail x DKIM pass/fail x aligned/unaligned, each
 * giving the report or the silence the RFC asks for.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "common/dmarc_rec.h"
#include "reporter/afrf_fo.h"

#define F0 DMARC_REC_FO_0
#define F1 DMARC_REC_FO_1
#define FD DMARC_REC_FO_D
#define FS DMARC_REC_FO_S

/* SPF and DKIM states of one message */
enum mech {
    M_PASS_AL,  /* aligned pass */
    M_PASS_UN,  /* pass, not aligned */
    M_FAIL_AL,  /* fail, would align */
    M_FAIL_UN,  /* fail, not aligned */
    M_ABSENT,   /* no result (no signature / SPF none) */
    M_TEMPERROR /* temporary error */
};

/* one row of the matrix */
struct row {
    unsigned fo;         /* fo bits */
    enum mech spf;       /* SPF */
    enum mech dkim;      /* DKIM */
    enum afrf_kind want; /* the report due */
};

static const struct row rows[] = {
    /* fo=0: only when DMARC fails (no aligned pass at all) */
    { F0, M_PASS_AL, M_PASS_AL, AFRF_KIND_NONE },
    { F0, M_PASS_AL, M_FAIL_AL, AFRF_KIND_NONE },
    { F0, M_FAIL_AL, M_PASS_AL, AFRF_KIND_NONE },
    { F0, M_PASS_UN, M_ABSENT, AFRF_KIND_DMARC },
    { F0, M_FAIL_AL, M_FAIL_AL, AFRF_KIND_DMARC },
    { F0, M_FAIL_UN, M_FAIL_UN, AFRF_KIND_DMARC },
    { F0, M_PASS_UN, M_PASS_UN, AFRF_KIND_DMARC },
    { 0, M_FAIL_AL, M_ABSENT, AFRF_KIND_DMARC }, /* fo absent: 0 */
    { 0, M_PASS_AL, M_FAIL_AL, AFRF_KIND_NONE },
    /* fo=1: any mechanism without an aligned pass */
    { F1, M_PASS_AL, M_PASS_AL, AFRF_KIND_NONE },
    { F1, M_PASS_AL, M_FAIL_AL, AFRF_KIND_DMARC },
    { F1, M_FAIL_AL, M_PASS_AL, AFRF_KIND_DMARC },
    { F1, M_PASS_UN, M_PASS_AL, AFRF_KIND_DMARC },
    { F1, M_PASS_AL, M_PASS_UN, AFRF_KIND_DMARC },
    { F1, M_PASS_AL, M_ABSENT, AFRF_KIND_DMARC },
    { F1, M_FAIL_UN, M_FAIL_UN, AFRF_KIND_DMARC },
    { F1, M_TEMPERROR, M_PASS_AL, AFRF_KIND_NONE }, /* temperror: no */
    { F1, M_PASS_AL, M_TEMPERROR, AFRF_KIND_NONE },
    /* fo=d: a signature failed, whatever its alignment */
    { FD, M_PASS_AL, M_FAIL_AL, AFRF_KIND_DKIM },
    { FD, M_PASS_AL, M_FAIL_UN, AFRF_KIND_DKIM },
    { FD, M_FAIL_AL, M_FAIL_UN, AFRF_KIND_DKIM },
    { FD, M_FAIL_AL, M_PASS_AL, AFRF_KIND_NONE },
    { FD, M_FAIL_AL, M_ABSENT, AFRF_KIND_NONE },
    { FD, M_PASS_UN, M_PASS_UN, AFRF_KIND_NONE },
    { FD, M_PASS_AL, M_TEMPERROR, AFRF_KIND_NONE },
    /* fo=s: SPF failed, whatever its alignment */
    { FS, M_FAIL_AL, M_PASS_AL, AFRF_KIND_SPF },
    { FS, M_FAIL_UN, M_PASS_AL, AFRF_KIND_SPF },
    { FS, M_FAIL_UN, M_FAIL_AL, AFRF_KIND_SPF },
    { FS, M_PASS_UN, M_ABSENT, AFRF_KIND_NONE },
    { FS, M_PASS_AL, M_FAIL_AL, AFRF_KIND_NONE },
    { FS, M_TEMPERROR, M_FAIL_AL, AFRF_KIND_NONE },
    /* combinations */
    { F1 | FS, M_PASS_UN, M_PASS_AL, AFRF_KIND_DMARC },
    { FD | FS, M_FAIL_UN, M_FAIL_UN, AFRF_KIND_DKIM },
    { FD | FS, M_FAIL_UN, M_PASS_AL, AFRF_KIND_SPF },
    { FD | FS, M_PASS_AL, M_PASS_UN, AFRF_KIND_NONE },
    { F0 | FD, M_PASS_AL, M_FAIL_AL, AFRF_KIND_DKIM },
    { F0 | FS, M_FAIL_UN, M_PASS_AL, AFRF_KIND_SPF },
    { F0 | F1, M_PASS_AL, M_FAIL_UN, AFRF_KIND_DMARC },
    { F0 | F1 | FD | FS, M_PASS_AL, M_PASS_AL, AFRF_KIND_NONE },
    { F0 | F1 | FD | FS, M_FAIL_AL, M_FAIL_AL, AFRF_KIND_DMARC },
};

/* result - the auth word of a state */
static enum afrf_auth
result(enum mech m)
{
    switch (m) {
    case M_PASS_AL:
    case M_PASS_UN:
        return AFRF_AUTH_PASS;
    case M_FAIL_AL:
    case M_FAIL_UN:
        return AFRF_AUTH_FAIL;
    case M_ABSENT:
        return AFRF_AUTH_NONE;
    case M_TEMPERROR:
        return AFRF_AUTH_TEMPERROR;
    }
    return AFRF_AUTH_NONE;
}

/* dmarc_of - the DMARC result the row implies (RFC 7489 section 4.2) */
static enum afrf_dmarc
dmarc_of(const struct row *r)
{
    if (r->spf == M_PASS_AL || r->dkim == M_PASS_AL)
        return AFRF_DMARC_PASS;
    if (r->spf == M_TEMPERROR || r->dkim == M_TEMPERROR)
        return AFRF_DMARC_TEMPERROR;
    return AFRF_DMARC_FAIL;
}

static void
test_matrix(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        const struct row *r = &rows[i];
        enum afrf_auth dkim = result(r->dkim);
        struct afrf_fo_in in = { 0 };
        const char *why = NULL;
        enum afrf_kind got;

        in.fo = r->fo;
        in.dmarc = dmarc_of(r);
        in.spf = result(r->spf);
        in.is_spf_aligned_pass = r->spf == M_PASS_AL;
        in.dkim = &dkim;
        in.n_dkim = r->dkim == M_ABSENT ? 0 : 1;
        in.is_dkim_aligned_pass = r->dkim == M_PASS_AL;
        got = afrf_fo_decide(&in, &why);
        if (got != r->want)
            fail_msg("row %zu: fo=%u spf=%d dkim=%d: want %s, got %s (%s)", i,
                     r->fo, (int)r->spf, (int)r->dkim, afrf_kind_name(r->want),
                     afrf_kind_name(got), why);
        assert_non_null(why);
    }
}

static void
test_no_record_results(void **state)
{
    static const enum afrf_dmarc silent[] = { AFRF_DMARC_NONE,
                                              AFRF_DMARC_TEMPERROR,
                                              AFRF_DMARC_PERMERROR };
    struct afrf_fo_in in = { 0 };
    const char *why;

    (void)state;
    in.fo = F0 | F1 | FD | FS;
    in.spf = AFRF_AUTH_FAIL;
    for (size_t i = 0; i < 3; i++) {
        in.dmarc = silent[i];
        assert_int_equal(afrf_fo_decide(&in, &why), AFRF_KIND_NONE);
    }
}

static void
test_softfail_permerror(void **state)
{
    enum afrf_auth d = AFRF_AUTH_PERMERROR;
    struct afrf_fo_in in = { 0 };
    const char *why;

    (void)state;
    in.fo = FS;
    in.dmarc = AFRF_DMARC_FAIL;
    in.spf = AFRF_AUTH_SOFTFAIL;
    assert_int_equal(afrf_fo_decide(&in, &why), AFRF_KIND_SPF);
    in.spf = AFRF_AUTH_NEUTRAL;
    assert_int_equal(afrf_fo_decide(&in, &why), AFRF_KIND_NONE);
    in.fo = FD;
    in.dkim = &d;
    in.n_dkim = 1;
    assert_int_equal(afrf_fo_decide(&in, &why), AFRF_KIND_DKIM);
    assert_string_equal(afrf_kind_name(AFRF_KIND_DKIM), "signature");
    assert_string_equal(afrf_auth_name(AFRF_AUTH_SOFTFAIL), "softfail");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_matrix),
        cmocka_unit_test(test_no_record_results),
        cmocka_unit_test(test_softfail_permerror),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
