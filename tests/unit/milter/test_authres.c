/*
 * test_authres - the Authentication-Results parser: RFC 8601 forms, real
 * producers, the conformance corpus (c-dkim-*, c-cfg-ar-*), malformed
 * input, limits, and the trust, DKIM, SPF and ARC helpers.
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
#include "milter/authres.h"

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

/* one table row */
struct ar_case {
    const char *in;         /* the field value */
    enum authres_status st; /* expected status */
    const char *dump;       /* expected dump (see dump()), or the reason */
};

static const struct ar_case cases[] = {
    /* conformance corpus */
    { "receiver.test; dkim=pass header.d=example.net header.s=sel1 "
      "header.b=Zm9vYmFy",
      AUTHRES_OK,
      "receiver.test|dkim=pass{header.d=example.net,header.s=sel1,"
      "header.b=Zm9vYmFy}" },
    { "receiver.test.attacker.example; dkim=pass header.d=example.com",
      AUTHRES_OK,
      "receiver.test.attacker.example|dkim=pass{header.d=example.com}" },
    { "receiver.test; dkim=fail header.d=example.com header.s=sel1 "
      "header.b=Zm9vYmFy; dkim=pass header.d=esp.example.net header.s=sel2 "
      "header.b=Zm9vYmFy",
      AUTHRES_OK,
      "receiver.test|dkim=fail{header.d=example.com,header.s=sel1,header.b="
      "Zm9vYmFy}|dkim=pass{header.d=esp.example.net,header.s=sel2,header.b="
      "Zm9vYmFy}" },
    { "receiver.test; dkim=none", AUTHRES_OK, "receiver.test|dkim=none{}" },
    { "receiver.test; spf=pass smtp.mailfrom=example.com", AUTHRES_OK,
      "receiver.test|spf=pass{smtp.mailfrom=example.com}" },
    /* RFC 8601 appendix-style and real producers */
    { "example.org 1; none", AUTHRES_OK, "example.org/1|none" },
    { "example.org; none", AUTHRES_OK, "example.org|none" },
    { "  example.org  ;  none  ", AUTHRES_OK, "example.org|none" },
    { "example.com; spf=pass smtp.mailfrom=example.net", AUTHRES_OK,
      "example.com|spf=pass{smtp.mailfrom=example.net}" },
    { "example.com; auth=pass (cram-md5) smtp.auth=sender@example.net; "
      "spf=pass smtp.mailfrom=example.net",
      AUTHRES_OK,
      "example.com|auth=pass{smtp.auth=sender@example.net}|spf=pass{smtp."
      "mailfrom=example.net}" },
    { "example.com; sender-id=fail header.from=example.com; dkim=pass "
      "(good signature) header.d=example.com",
      AUTHRES_OK,
      "example.com|sender-id=fail{header.from=example.com}|dkim=pass{header."
      "d=example.com}" },
    { "mail-router.example.net; dkim=pass (good signature) "
      "header.d=newyork.example.com header.b=oINEO8hg; dkim=fail (bad "
      "signature) header.d=newyork.example.com header.b=EToRSuvU",
      AUTHRES_OK,
      "mail-router.example.net|dkim=pass{header.d=newyork.example.com,"
      "header.b=oINEO8hg}|dkim=fail{header.d=newyork.example.com,header.b="
      "EToRSuvU}" },
    { "mx.google.com;\r\n       dkim=pass header.i=@example.com "
      "header.s=20230601 header.b=\"Ab+c/D=\";\r\n       spf=pass "
      "(google.com: domain of a@example.com designates 192.0.2.1 as "
      "permitted sender) smtp.mailfrom=a@example.com;\r\n       dmarc=pass "
      "(p=NONE sp=QUARANTINE dis=NONE) header.from=example.com",
      AUTHRES_OK,
      "mx.google.com|dkim=pass{header.i=@example.com,header.s=20230601,"
      "header.b=Ab+c/D=}|spf=pass{smtp.mailfrom=a@example.com}|dmarc=pass{"
      "header.from=example.com}" },
    { "spf=pass (sender IP is 192.0.2.1) smtp.mailfrom=example.com; "
      "dkim=pass (signature was verified) header.d=example.com;dmarc=pass "
      "action=none header.from=example.com;compauth=pass reason=100",
      AUTHRES_OK,
      "-|spf=pass{smtp.mailfrom=example.com}|dkim=pass{header.d=example.com}"
      "|dmarc=pass{.action=none,header.from=example.com}|compauth=pass("
      "100){}" },
    { "\"mx.example.org/ABC123\"; dkim=pass header.d=example.com", AUTHRES_OK,
      "mx.example.org/ABC123|dkim=pass{header.d=example.com}" },
    { "(c) example.org (c) 1 (c) ; (c) dkim (c) / (c) 1 (c) = (c) pass (c) "
      "reason (c) = (c) \"good sig\" (c) header (c) . (c) d (c) = (c) "
      "example.com (c)",
      AUTHRES_OK, "example.org/1|dkim/1=pass(good sig){header.d=example.com}" },
    { "example.org; DKIM=PASS Header.D=Example.COM", AUTHRES_OK,
      "example.org|dkim=pass{header.d=Example.COM}" },
    { "example.org; spf=pass smtp.mailfrom=\"a b\"@example.com", AUTHRES_OK,
      "example.org|spf=pass{smtp.mailfrom=a b@example.com}" },
    { "example.org; spf=pass smtp.mailfrom=\"x@evil.example\"@example.com",
      AUTHRES_OK,
      "example.org|spf=pass{smtp.mailfrom=x@evil.example@example.com}" },
    { "example.org; spf=pass smtp.mailfrom=@example.com", AUTHRES_OK,
      "example.org|spf=pass{smtp.mailfrom=@example.com}" },
    { "example.org; spf=pass smtp.mailfrom=bounce+x=y.example@list.example",
      AUTHRES_OK,
      "example.org|spf=pass{smtp.mailfrom=bounce+x=y.example@list.example}" },
    { "example.org; dkim=pass header.b=\"q\\\"x\\\\y\"", AUTHRES_OK,
      "example.org|dkim=pass{header.b=q\"x\\y}" },
    { "example.org; arc=pass (i=1 spf=pass) smtp.remote-ip=192.0.2.1 "
      "arc.chain=a.example:b.example",
      AUTHRES_OK,
      "example.org|arc=pass{smtp.remote-ip=192.0.2.1,arc.chain=a.example:b."
      "example}" },
    { "example.org; spf=hardfail smtp.mailfrom=x", AUTHRES_OK,
      "example.org|spf=hardfail{smtp.mailfrom=x}" },
    { "example.org; dkim=pass header.d=a.example;", AUTHRES_OK,
      "example.org|dkim=pass{header.d=a.example}" },
    { "example.org;; ;dkim=pass", AUTHRES_OK, "example.org|dkim=pass{}" },
    { "example.org", AUTHRES_OK, "example.org" },
    { "example.org (only a comment)", AUTHRES_OK, "example.org" },
    { "; dkim=pass header.d=a.example", AUTHRES_OK,
      "-|dkim=pass{header.d=a.example}" },
    { "example.org; x-custom_method=pass policy.x_y=\xc3\xa9", AUTHRES_OK,
      "example.org|x-custom_method=pass{policy.x_y=\xc3\xa9}" },
    { "example.org; dkim=pass header.d=a.example(comment)header.s=s1",
      AUTHRES_OK, "example.org|dkim=pass{header.d=a.example,header.s=s1}" },
    { "example.org; dkim=pass header.d=\"\"", AUTHRES_OK,
      "example.org|dkim=pass{header.d=}" },
    /* malformed */
    { "", AUTHRES_SYNTAX, "authserv-id expected" },
    { "   ", AUTHRES_SYNTAX, "authserv-id expected" },
    { "(unterminated", AUTHRES_SYNTAX, "unterminated comment" },
    { "example.org; dkim=pass (unterminated", AUTHRES_SYNTAX,
      "unterminated comment" },
    { "example.org; dkim=pass header.b=\"unterminated", AUTHRES_SYNTAX,
      "unterminated quoted string" },
    { "\"unterminated; dkim=pass", AUTHRES_SYNTAX,
      "unterminated quoted string" },
    { "example.org; dkim", AUTHRES_SYNTAX, "'=' expected after method" },
    { "example.org; dkim=", AUTHRES_SYNTAX, "result expected" },
    { "example.org; dkim=pass header", AUTHRES_SYNTAX,
      "'.' expected after property type" },
    { "example.org; dkim=pass header.", AUTHRES_SYNTAX,
      "property name expected" },
    { "example.org; dkim=pass header.d", AUTHRES_SYNTAX,
      "'=' expected after property" },
    { "example.org; dkim=pass header.d=", AUTHRES_SYNTAX, "value expected" },
    { "example.org; dkim=pass header.d=;", AUTHRES_SYNTAX, "value expected" },
    { "example.org; dkim=pass header.d=a header.d=b", AUTHRES_SYNTAX,
      "duplicate property" },
    { "example.org; dkim/=pass", AUTHRES_SYNTAX, "method version expected" },
    { "example.org; =pass", AUTHRES_SYNTAX, "method expected" },
    { "example.org dkim=pass", AUTHRES_SYNTAX, "';' expected" },
    { "example.org; dkim=pass; none x", AUTHRES_SYNTAX, "';' expected" },
    { "example.org; dkim=pass header.d=a\x01", AUTHRES_SYNTAX,
      "property expected" },
    { "example.org; dkim=pass )", AUTHRES_SYNTAX, "property expected" },
    { "example.org; dkim=pass \\x", AUTHRES_SYNTAX, "property expected" },
    { "; none ;", AUTHRES_OK, "-|none" },
    { "=", AUTHRES_SYNTAX, "authserv-id expected" },
};

/* dump - a one-line rendering of ar: id[/version]|method[/v]=result
 * (reason){ptype.property=value,...}|... ("-" for no authserv-id) */
static void
dump(const struct authres *ar, struct buf *b)
{
    buf_reset(b);
    assert_int_equal(
        buf_printf(b, "%s", ar->authserv_id ? ar->authserv_id : "-"), 0);
    if (ar->version)
        assert_int_equal(buf_printf(b, "/%s", ar->version), 0);
    if (ar->is_none)
        assert_int_equal(buf_append_str(b, "|none"), 0);
    for (size_t i = 0; i < ar->n_results; i++) {
        const struct authres_result *r = &ar->results[i];

        assert_int_equal(buf_printf(b, "|%s", r->method), 0);
        if (r->version)
            assert_int_equal(buf_printf(b, "/%s", r->version), 0);
        assert_int_equal(buf_printf(b, "=%s", r->result_word), 0);
        if (r->reason)
            assert_int_equal(buf_printf(b, "(%s)", r->reason), 0);
        assert_int_equal(buf_putc(b, '{'), 0);
        for (size_t j = 0; j < r->n_props; j++)
            assert_int_equal(buf_printf(b, "%s%s.%s=%s", j ? "," : "",
                                        r->props[j].ptype, r->props[j].property,
                                        r->props[j].value),
                             0);
        assert_int_equal(buf_putc(b, '}'), 0);
    }
}

/* test_table - every row of cases */
static void
test_table(void **state)
{
    struct buf b;

    (void)state;
    buf_init(&b, 1 << 16);
    for (size_t i = 0; i < N_OF(cases); i++) {
        const struct ar_case *c = &cases[i];
        struct authres *ar = (struct authres *)&b; /* must be reset */
        const char *why = "unset";
        enum authres_status st = authres_parse(str_cstr(c->in), &ar, &why);

        if (st == AUTHRES_OK) {
            assert_non_null(ar);
            assert_null(why);
            dump(ar, &b);
        } else {
            assert_null(ar);
            buf_reset(&b);
            assert_int_equal(buf_append_str(&b, why), 0);
        }
        if (st != c->st || strcmp(buf_cstr(&b), c->dump) != 0)
            fail_msg("row %zu [%s]: got %s [%s]", i, c->in,
                     authres_status_name(st), buf_cstr(&b));
        authres_free(ar);
    }
    buf_free(&b);
}

/* parse_ok - parse s, which must succeed */
static struct authres *
parse_ok(const char *s)
{
    struct authres *ar = NULL;
    const char *why = NULL;

    if (authres_parse(str_cstr(s), &ar, &why) != AUTHRES_OK)
        fail_msg("[%s]: %s", s, why);
    return ar;
}

/* test_trusted - exact, case-insensitive authserv-id match */
static void
test_trusted(void **state)
{
    static const char *const ids[] = { NULL, "receiver.test", "other.example" };

    static const struct {
        const char *in;  /* field */
        bool is_trusted; /* expected */
    } rows[] = {
        { "receiver.test; dkim=pass", true },
        { "RECEIVER.Test; dkim=pass", true },
        { "\"receiver.test\"; dkim=pass", true },
        { "other.example 1; none", true },
        { "receiver.test.attacker.example; dkim=pass", false },
        { "attacker.receiver.test; dkim=pass", false },
        { "receiver.tes; dkim=pass", false },
        { "receiver.test/1; dkim=pass", false },
        { "dkim=pass header.d=receiver.test", false },
        { "; dkim=pass", false },
    };

    (void)state;
    for (size_t i = 0; i < N_OF(rows); i++) {
        struct authres *ar = parse_ok(rows[i].in);

        if (authres_is_trusted(ar, ids, N_OF(ids)) != rows[i].is_trusted)
            fail_msg("row %zu [%s]", i, rows[i].in);
        assert_false(authres_is_trusted(ar, ids, 0));
        authres_free(ar);
    }
    assert_false(authres_is_trusted(NULL, ids, N_OF(ids)));
}

/* test_dkim - every signature with d, i, s and the result */
static void
test_dkim(void **state)
{
    struct authres_dkim d[2];
    struct authres *ar = parse_ok(
        "r.example; dkim=pass header.d=a.example header.i=@a.example "
        "header.s=s1 header.b=abc; spf=fail smtp.mailfrom=x@y.example; "
        "dkim=temperror header.i=u@b.example; dkim=policy header.d=c.example");

    (void)state;
    assert_int_equal(authres_dkim(ar, d, 2), 3);
    assert_string_equal(d[0].d, "a.example");
    assert_string_equal(d[0].i, "@a.example");
    assert_string_equal(d[0].s, "s1");
    assert_string_equal(d[0].b, "abc");
    assert_int_equal(d[0].result, AUTH_RESULT_PASS);
    assert_null(d[1].d);
    assert_null(d[1].s);
    assert_string_equal(d[1].i, "u@b.example");
    assert_int_equal(d[1].result, AUTH_RESULT_TEMPERROR);
    authres_free(ar);
}

/* test_spf - smtp.mailfrom as an address, "@domain" or a domain */
static void
test_spf(void **state)
{
    static const struct {
        const char *in;     /* field */
        const char *domain; /* expected mailfrom domain */
        const char *helo;   /* expected helo */
        enum auth_result r; /* expected result */
    } rows[] = {
        { "r; spf=pass smtp.mailfrom=user@Example.com", "Example.com", NULL,
          AUTH_RESULT_PASS },
        { "r; spf=pass smtp.mailfrom=@example.com", "example.com", NULL,
          AUTH_RESULT_PASS },
        { "r; spf=pass smtp.mailfrom=example.com", "example.com", NULL,
          AUTH_RESULT_PASS },
        { "r; spf=softfail smtp.mailfrom=\"a@b\"@example.com", "example.com",
          NULL, AUTH_RESULT_SOFTFAIL },
        { "r; spf=pass smtp.helo=mail.example.com", NULL, "mail.example.com",
          AUTH_RESULT_PASS },
        { "r; spf=temperror smtp.mailfrom=a@x.example smtp.helo=h.example",
          "x.example", "h.example", AUTH_RESULT_TEMPERROR },
        { "r; spf=hardfail smtp.mailfrom=x.example", "x.example", NULL,
          AUTH_RESULT_HARDFAIL },
    };
    struct authres_spf spf;

    (void)state;
    for (size_t i = 0; i < N_OF(rows); i++) {
        struct authres *ar = parse_ok(rows[i].in);

        assert_true(authres_spf(ar, &spf));
        assert_int_equal(spf.result, rows[i].r);
        if (rows[i].domain)
            assert_string_equal(spf.mailfrom_domain, rows[i].domain);
        else
            assert_null(spf.mailfrom_domain);
        if (rows[i].helo)
            assert_string_equal(spf.helo, rows[i].helo);
        else
            assert_null(spf.helo);
        authres_free(ar);
    }
}

/* test_arc - arc result and arc.chain; absent methods */
static void
test_arc(void **state)
{
    struct authres_arc arc;
    struct authres_spf spf;
    struct authres *ar =
        parse_ok("r; arc=pass arc.chain=a.example:b.example; dkim=pass");

    (void)state;
    assert_true(authres_arc(ar, &arc));
    assert_int_equal(arc.result, AUTH_RESULT_PASS);
    assert_string_equal(arc.chain, "a.example:b.example");
    assert_false(authres_spf(ar, &spf));
    assert_null(spf.mailfrom);
    authres_free(ar);
    ar = parse_ok("r; none");
    assert_false(authres_arc(ar, &arc));
    assert_int_equal(authres_dkim(ar, NULL, 0), 0);
    authres_free(ar);
}

/* test_limits - results, properties, length, nesting */
static void
test_limits(void **state)
{
    struct authres *ar;
    struct buf b;
    const char *why;

    (void)state;
    buf_init(&b, 1 << 20);
    assert_int_equal(buf_append_str(&b, "r.example"), 0);
    for (size_t i = 0; i < AUTHRES_MAX_RESULTS; i++)
        assert_int_equal(buf_printf(&b, "; dkim=pass header.d=d%zu.example", i),
                         0);
    assert_int_equal(authres_parse(buf_slice(&b), &ar, &why), AUTHRES_OK);
    assert_int_equal(ar->n_results, AUTHRES_MAX_RESULTS);
    assert_string_equal(ar->results[63].props[0].value, "d63.example");
    authres_free(ar);
    assert_int_equal(buf_append_str(&b, "; spf=pass"), 0);
    assert_int_equal(authres_parse(buf_slice(&b), &ar, &why), AUTHRES_LIMIT);
    assert_string_equal(why, "too many results");
    assert_null(ar);

    /* 1000 results */
    buf_reset(&b);
    assert_int_equal(buf_append_str(&b, "r.example"), 0);
    for (size_t i = 0; i < 1000; i++)
        assert_int_equal(buf_append_str(&b, ";dkim=pass"), 0);
    assert_int_equal(authres_parse(buf_slice(&b), &ar, &why), AUTHRES_LIMIT);

    /* properties */
    buf_reset(&b);
    assert_int_equal(buf_append_str(&b, "r.example; x=pass"), 0);
    for (size_t i = 0; i < AUTHRES_MAX_PROPS; i++)
        assert_int_equal(buf_printf(&b, " p.k%zu=v", i), 0);
    assert_int_equal(authres_parse(buf_slice(&b), &ar, &why), AUTHRES_OK);
    authres_free(ar);
    assert_int_equal(buf_append_str(&b, " p.last=v"), 0);
    assert_int_equal(authres_parse(buf_slice(&b), &ar, &why), AUTHRES_LIMIT);
    assert_string_equal(why, "too many properties");

    /* 64 KiB field */
    buf_reset(&b);
    assert_int_equal(buf_append_str(&b, "r.example; dkim=pass header.b="), 0);
    while (b.len < 65536)
        assert_int_equal(buf_putc(&b, 'A'), 0);
    assert_int_equal(authres_parse(buf_slice(&b), &ar, &why), AUTHRES_LIMIT);
    assert_string_equal(why, "header too long");

    /* a long value within the limit (OpenDMARC crashed on 3072-bit b=) */
    buf_reset(&b);
    assert_int_equal(buf_append_str(&b, "r.example; dkim=pass header.b="), 0);
    while (b.len < AUTHRES_MAX_LEN)
        assert_int_equal(buf_putc(&b, 'A'), 0);
    assert_int_equal(authres_parse(buf_slice(&b), &ar, &why), AUTHRES_OK);
    assert_int_equal(strlen(ar->results[0].props[0].value),
                     AUTHRES_MAX_LEN - 30);
    authres_free(ar);

    /* deep comments: a counter, no recursion */
    buf_reset(&b);
    assert_int_equal(buf_append_str(&b, "r.example; dkim=pass "), 0);
    for (size_t i = 0; i < 10000; i++)
        assert_int_equal(buf_putc(&b, '('), 0);
    for (size_t i = 0; i < 10000; i++)
        assert_int_equal(buf_putc(&b, ')'), 0);
    assert_int_equal(authres_parse(buf_slice(&b), &ar, &why), AUTHRES_OK);
    authres_free(ar);
    assert_int_equal(buf_putc(&b, '('), 0);
    assert_int_equal(authres_parse(buf_slice(&b), &ar, &why), AUTHRES_SYNTAX);
    buf_free(&b);
}

/* test_nul_and_8bit - NUL bytes never terminate; every byte survives */
static void
test_nul_and_8bit(void **state)
{
    static const char in[] = "r.example; dkim=pass header.d=a\0b.example";
    struct authres *ar;
    const char *why;
    char s[64];

    (void)state;
    assert_int_equal(authres_parse(str_make(in, sizeof(in) - 1), &ar, &why),
                     AUTHRES_SYNTAX);
    for (int c = 1; c < 256; c++) {
        enum authres_status st;

        snprintf(s, sizeof(s), "r.example; dkim=pass header.b=\"%c\"", c);
        st = authres_parse(str_cstr(s), &ar, &why);
        assert_int_equal(st,
                         c == '"' || c == '\\' ? AUTHRES_SYNTAX : AUTHRES_OK);
        authres_free(ar);
        snprintf(s, sizeof(s), "r%c; dkim%c=pass x.y=%c", c, c, c);
        st = authres_parse(str_cstr(s), &ar, &why);
        assert_true(st == AUTHRES_OK || st == AUTHRES_SYNTAX);
        authres_free(ar);
    }
}

/* test_ares - result words to ARES codes (history-format.md §4.1) */
static void
test_ares(void **state)
{
    static const struct {
        const char *word; /* result word */
        int code;         /* ARES code */
    } rows[] = {
        { "pass", 0 },      { "softfail", 2 },  { "neutral", 3 },
        { "temperror", 4 }, { "permerror", 5 }, { "none", 6 },
        { "fail", 7 },      { "policy", 8 },    { "nxdomain", 9 },
        { "signed", 10 },   { "unknown", 11 },  { "discard", 12 },
        { "hardfail", -1 }, { "PASS", 0 },      { "other", -1 },
        { "", -1 },         { "pas", -1 },      { "passx", -1 },
    };

    (void)state;
    for (size_t i = 0; i < N_OF(rows); i++) {
        enum auth_result r = auth_result_from_word(str_cstr(rows[i].word));

        assert_int_equal(auth_result_ares(r), rows[i].code);
    }
    assert_string_equal(auth_result_name(AUTH_RESULT_TEMPERROR), "temperror");
    assert_string_equal(auth_result_name(AUTH_RESULT_OTHER), "other");
    assert_string_equal(authres_domain_part("a@b@c.example"), "c.example");
    assert_null(authres_domain_part(NULL));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table),        cmocka_unit_test(test_trusted),
        cmocka_unit_test(test_dkim),         cmocka_unit_test(test_spf),
        cmocka_unit_test(test_arc),          cmocka_unit_test(test_limits),
        cmocka_unit_test(test_nul_and_8bit), cmocka_unit_test(test_ares),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
