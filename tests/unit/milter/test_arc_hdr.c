/*
 * test_arc_hdr - the ARC-Seal and ARC-Authentication-Results parsers:
 * the conformance corpus (c-arc-*), RFC 8617 examples, malformed input
 * (OpenDMARC's crash cases among them) and limits.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "common/buf.h"
#include "milter/arc_hdr.h"

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

/* one ARC-Seal row */
struct seal_case {
    const char *in;         /* the field value */
    enum arc_hdr_status st; /* expected status */
    unsigned i;             /* expected i= */
    const char *d;          /* expected d= */
    const char *s;          /* expected s= */
    enum arc_hdr_cv cv;     /* expected cv= */
};

static const struct seal_case seals[] = {
    { "i=1; a=rsa-sha256; t=1795514280; cv=none; d=list.example.org; "
      "s=arc2026; b=u2MnpExTUrS6hRQcD4U6Yix6Ety1u36gggEq46XBvob/+ia9N==",
      ARC_HDR_OK, 1, "list.example.org", "arc2026", ARC_HDR_CV_NONE },
    { "i=2; a=rsa-sha256; t=1795514340; cv=pass; d=relay.example.net;\r\n"
      "\ts=seal1; b=xd7A2XhLdy\r\n FGABT4XJqp ixzWL92V==",
      ARC_HDR_OK, 2, "relay.example.net", "seal1", ARC_HDR_CV_PASS },
    { "i=1; d=List.Example.ORG; s=arc2026; cv=FAIL", ARC_HDR_OK, 1,
      "List.Example.ORG", "arc2026", ARC_HDR_CV_FAIL },
    { " i = 50 ; d = a.b ; s = x_y ; ", ARC_HDR_OK, 50, "a.b", "x_y",
      ARC_HDR_CV_UNKNOWN },
    /* missing d= (c-arc-malformed-seal-missing-d): kept, d empty */
    { "i=1; a=rsa-sha256; t=1795514280; cv=none; s=arc2026; b=u2Mn", ARC_HDR_OK,
      1, "", "arc2026", ARC_HDR_CV_NONE },
    /* unknown tags are ignored; I= is not i= (case-sensitive names) */
    { "i=3; x_new=whatever; I=9; d=a.example; s=s", ARC_HDR_OK, 3, "a.example",
      "s", ARC_HDR_CV_UNKNOWN },
    { "i=1; cv=weird; d=a.example; s=s", ARC_HDR_OK, 1, "a.example", "s",
      ARC_HDR_CV_UNKNOWN },
    /* malformed: c-arc-malformed-seal-garbage and friends */
    { "garbage (not a tag-list) !!@@## ~~~", ARC_HDR_SYNTAX, 0, "", "", 0 },
    { "", ARC_HDR_SYNTAX, 0, "", "", 0 },
    { "   ", ARC_HDR_SYNTAX, 0, "", "", 0 },
    { ";", ARC_HDR_SYNTAX, 0, "", "", 0 },
    { "d=a.example; s=s", ARC_HDR_SYNTAX, 0, "", "", 0 },
    { "i=0; d=a.example", ARC_HDR_SYNTAX, 0, "", "", 0 },
    { "i=51; d=a.example", ARC_HDR_SYNTAX, 0, "", "", 0 },
    { "i=-1; d=a.example", ARC_HDR_SYNTAX, 0, "", "", 0 },
    { "i=1x; d=a.example", ARC_HDR_SYNTAX, 0, "", "", 0 },
    { "i=99999999999999999999999", ARC_HDR_SYNTAX, 0, "", "", 0 },
    { "i=1; i=2; d=a.example", ARC_HDR_SYNTAX, 0, "", "", 0 },
    { "i=1; d=a.example; d=b.example", ARC_HDR_SYNTAX, 0, "", "", 0 },
    { "i=1; d=", ARC_HDR_SYNTAX, 0, "", "", 0 },
    { "i=1; d=a example", ARC_HDR_SYNTAX, 0, "", "", 0 },
    { "i=1; d=a\"b", ARC_HDR_SYNTAX, 0, "", "", 0 },
    { "i=1; d=a\\b", ARC_HDR_SYNTAX, 0, "", "", 0 },
    { "i=1; s=a/b", ARC_HDR_SYNTAX, 0, "", "", 0 },
    { "i=1; b", ARC_HDR_SYNTAX, 0, "", "", 0 },
    { "i=1 d=a.example", ARC_HDR_SYNTAX, 0, "", "", 0 },
    { "i=1; =x", ARC_HDR_SYNTAX, 0, "", "", 0 },
    { "i=1; 1a=x", ARC_HDR_SYNTAX, 0, "", "", 0 },
    { "i=1; b=\x01", ARC_HDR_SYNTAX, 0, "", "", 0 },
    { "i=1; b=\xc3\xa9", ARC_HDR_SYNTAX, 0, "", "", 0 },
    { "i=1;; d=a.example", ARC_HDR_SYNTAX, 0, "", "", 0 },
};

/* test_seal_table - every ARC-Seal row */
static void
test_seal_table(void **state)
{
    (void)state;
    for (size_t k = 0; k < N_OF(seals); k++) {
        const struct seal_case *c = &seals[k];
        struct arc_hdr_seal s;
        const char *why = NULL;
        enum arc_hdr_status st = arc_hdr_seal(str_cstr(c->in), &s, &why);

        if (st != c->st)
            fail_msg("row %zu '%s': status %s (%s)", k, c->in,
                     arc_hdr_status_name(st), why ? why : "-");
        if (st != ARC_HDR_OK) {
            assert_non_null(why);
            assert_int_equal(s.instance, 0);
            continue;
        }
        assert_int_equal(s.instance, c->i);
        assert_string_equal(s.domain, c->d);
        assert_string_equal(s.selector, c->s);
        assert_int_equal(s.cv, c->cv);
    }
}

/* one ARC-Authentication-Results row */
struct aar_case {
    const char *in;         /* the field value */
    enum arc_hdr_status st; /* expected status */
    unsigned i;             /* expected i= */
    const char *ip;         /* expected ip */
};

static const struct aar_case aars[] = {
    /* c-arc-* corpus: no client IP there */
    { "i=1; list.example.org; dkim=pass header.d=example.com header.s=sel1 "
      "header.b=1j3R796T; spf=pass smtp.mailfrom=example.com; dmarc=pass "
      "header.from=example.com; arc=none",
      ARC_HDR_OK, 1, "" },
    /* OpenARC: the arc result carries smtp.remote-ip */
    { "i=2; relay.example.net; arc=pass smtp.remote-ip=192.0.2.25; "
      "spf=pass smtp.mailfrom=example.com",
      ARC_HDR_OK, 2, "192.0.2.25" },
    /* older OpenARC: smtp.client-ip */
    { "i=1; x.example; arc=none smtp.client-ip=2001:db8::1", ARC_HDR_OK, 1,
      "2001:db8::1" },
    /* the arc result's IP wins over another result's */
    { "i=1; x.example; spf=pass smtp.remote-ip=198.51.100.1; arc=pass "
      "smtp.remote-ip=198.51.100.2",
      ARC_HDR_OK, 1, "198.51.100.2" },
    /* no arc result: any smtp.remote-ip, then iprev's policy.iprev */
    { "i=1; x.example; spf=pass smtp.remote-ip=198.51.100.3", ARC_HDR_OK, 1,
      "198.51.100.3" },
    { "i=1; x.example; iprev=pass policy.iprev=203.0.113.7", ARC_HDR_OK, 1,
      "203.0.113.7" },
    /* not an address: not taken */
    { "i=1; x.example; arc=pass smtp.remote-ip=not-an-ip", ARC_HDR_OK, 1, "" },
    { " i = 3 (third hop) ; x.example; none", ARC_HDR_OK, 3, "" },
    /* malformed */
    { "list.example.org; arc=pass", ARC_HDR_SYNTAX, 0, "" },
    { "i=0; x.example; none", ARC_HDR_SYNTAX, 0, "" },
    { "i=51; x.example; none", ARC_HDR_SYNTAX, 0, "" },
    { "i=1 x.example; none", ARC_HDR_SYNTAX, 0, "" },
    { "i=; x.example; none", ARC_HDR_SYNTAX, 0, "" },
    { "i=1; x.example; dkim=", ARC_HDR_SYNTAX, 0, "" },
    { "i=1 (unclosed; x.example", ARC_HDR_SYNTAX, 0, "" },
    { "", ARC_HDR_SYNTAX, 0, "" },
};

/* test_aar_table - every ARC-Authentication-Results row */
static void
test_aar_table(void **state)
{
    (void)state;
    for (size_t k = 0; k < N_OF(aars); k++) {
        const struct aar_case *c = &aars[k];
        struct arc_hdr_aar a;
        const char *why = NULL;
        enum arc_hdr_status st = arc_hdr_aar(str_cstr(c->in), &a, &why);

        if (st != c->st)
            fail_msg("row %zu '%s': status %s (%s)", k, c->in,
                     arc_hdr_status_name(st), why ? why : "-");
        if (st != ARC_HDR_OK) {
            assert_non_null(why);
            continue;
        }
        assert_int_equal(a.instance, c->i);
        assert_string_equal(a.ip, c->ip);
    }
}

/* test_limits - oversized fields, long values, too many tags, every byte */
static void
test_limits(void **state)
{
    struct arc_hdr_seal s;
    struct arc_hdr_aar a;
    const char *why = NULL;
    struct buf b;
    char in[64];

    (void)state;
    /* a 4096-bit b= (OpenDMARC issue #183 crashed at 3072) parses */
    buf_init(&b, 1u << 20);
    assert_int_equal(buf_append_str(&b, "i=1; d=a.example; s=s; b="), 0);
    for (int k = 0; k < 683; k++)
        assert_int_equal(buf_putc(&b, 'A'), 0);
    assert_int_equal(arc_hdr_seal(buf_slice(&b), &s, &why), ARC_HDR_OK);
    while (b.len <= ARC_HDR_MAX_SEAL_LEN)
        assert_int_equal(buf_putc(&b, 'A'), 0);
    assert_int_equal(arc_hdr_seal(buf_slice(&b), &s, &why), ARC_HDR_LIMIT);
    /* a d= over 253 bytes */
    buf_reset(&b);
    assert_int_equal(buf_append_str(&b, "i=1; d="), 0);
    for (int k = 0; k < 254; k++)
        assert_int_equal(buf_putc(&b, 'a'), 0);
    assert_int_equal(arc_hdr_seal(buf_slice(&b), &s, &why), ARC_HDR_SYNTAX);
    /* too many tags */
    buf_reset(&b);
    assert_int_equal(buf_append_str(&b, "i=1"), 0);
    for (int k = 0; k < ARC_HDR_MAX_TAGS; k++)
        assert_int_equal(buf_printf(&b, "; x%d=y", k), 0);
    assert_int_equal(arc_hdr_seal(buf_slice(&b), &s, &why), ARC_HDR_LIMIT);
    /* an oversized AAR */
    buf_reset(&b);
    assert_int_equal(buf_append_str(&b, "i=1; x.example; "), 0);
    while (b.len <= 40000)
        assert_int_equal(buf_append_str(&b, "spf=pass "), 0);
    assert_int_equal(arc_hdr_aar(buf_slice(&b), &a, &why), ARC_HDR_LIMIT);
    buf_free(&b);
    /* every byte in every position of a short seal */
    for (int c = 1; c < 256; c++) {
        enum arc_hdr_status st;

        snprintf(in, sizeof(in), "i=1%c; d=a%c; s=%c; b=%c", c, c, c, c);
        st = arc_hdr_seal(str_cstr(in), &s, &why);
        assert_true(st == ARC_HDR_OK || st == ARC_HDR_SYNTAX);
        snprintf(in, sizeof(in), "i=1%c; x%c; arc=pass%c", c, c, c);
        st = arc_hdr_aar(str_cstr(in), &a, &why);
        assert_true(st == ARC_HDR_OK || st == ARC_HDR_SYNTAX);
    }
    assert_string_equal(arc_hdr_status_name(ARC_HDR_LIMIT), "limit");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_seal_table),
        cmocka_unit_test(test_aar_table),
        cmocka_unit_test(test_limits),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
