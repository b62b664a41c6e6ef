/*
 * test_afrf_msg - the failure report builder: the SPF-DNS value against
 * RFC 6591 section 3.2 (table, with the malformed and oversized rows),
 * the DKIM-* fields a job writes (grammar of d=, s=, i=), and the
 * original part: text/rfc822-headers, or message/rfc822 with the body
 * (CRLF line ends, bare LF and CR made CRLF, a body over the limit left
 * out, never cut); Source-IP only for an IP literal.
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
#include "reporter/afrf.h"
#include "reporter/afrf_job.h"
#include "reporter/afrf_msg.h"
#include "reporter/redact.h"
#include "tests/unit/reporter/afrf_fixture.h"

/* one SPF-DNS value */
struct spf_case {
    const char *domain; /* the domain SPF checked */
    const char *rec;    /* its TXT record */
    size_t size;        /* the output buffer */
    const char *want;   /* the value, or NULL: refused */
};

static const struct spf_case spf_cases[] = {
    { "example.com", "v=spf1 -all", 64, "txt : example.com : \"v=spf1 -all\"" },
    { "example.com", "v=spf1", 64, "txt : example.com : \"v=spf1\"" },
    /* RFC 5322 quoted-pair for DQUOTE and backslash */
    { "a.test", "v=spf1 exp=\"x\\y\" -all", 64,
      "txt : a.test : \"v=spf1 exp=\\\"x\\\\y\\\" -all\"" },
    /* exactly fits: 23 bytes and the NUL */
    { "a.test", "v=spf1", 24, "txt : a.test : \"v=spf1\"" },
    /* one byte short: refused, never cut */
    { "a.test", "v=spf1", 23, NULL },
    /* an escape that would not fit */
    { "a.test", "v=spf1 \"", 26, NULL },
    { "a.test", "", 18, "txt : a.test : \"\"" },
    { "a.test", "", 17, NULL },
    { "a-very-long-domain.test", "v=spf1", 10, NULL },
};

/* test_spf_dns - every row of spf_cases */
static void
test_spf_dns(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(spf_cases) / sizeof(spf_cases[0]); i++) {
        const struct spf_case *c = &spf_cases[i];
        char out[AFRF_MSG_MAX_SPF_DNS];
        int rc =
            afrf_msg_spf_dns(c->domain, c->rec, strlen(c->rec), out, c->size);

        if (c->want == NULL) {
            assert_int_equal(rc, -1);
            continue;
        }
        assert_int_equal(rc, 0);
        assert_string_equal(out, c->want);
    }
}

/* test_spf_dns_long - a record of AFRF_MSG_MAX_SPF_DNS bytes is refused
 * whole */
static void
test_spf_dns_long(void **state)
{
    char out[AFRF_MSG_MAX_SPF_DNS];
    char *rec = malloc(AFRF_MSG_MAX_SPF_DNS);

    (void)state;
    assert_non_null(rec);
    memset(rec, 'a', AFRF_MSG_MAX_SPF_DNS);
    assert_int_equal(
        afrf_msg_spf_dns("a.test", rec, AFRF_MSG_MAX_SPF_DNS, out, sizeof(out)),
        -1);
    free(rec);
}

/* msg_init - a failing message, signed with d, s and i given (no
 * signature when d is NULL) */
static void
msg_init(struct afrf_fixture_msg *m, const char *d, const char *s,
         const char *i)
{
    afrf_fixture_msg_init(m, NULL, "QMSG", "body test");
    m->dkim[0] = (struct afrf_dkim){ d, s, i, AFRF_AUTH_FAIL, true };
    m->ev.n_dkim = d != NULL ? 1 : 0;
}

/* job - the job of m, the body attached when is_body */
static struct afrf_job *
job(const struct afrf_fixture_msg *m, bool is_body)
{
    return afrf_fixture_job(&m->ev, is_body);
}

/* one set of DKIM values and the fields expected */
struct dkim_case {
    const char *d;      /* d= */
    const char *s;      /* s= */
    const char *i;      /* i= */
    const char *want_d; /* DKIM-Domain, or NULL: absent */
    const char *want_s; /* DKIM-Selector */
    const char *want_i; /* DKIM-Identity */
};

static const struct dkim_case dkim_cases[] = {
    { "example.com", "sel1", NULL, "example.com", "sel1", "@example.com" },
    { "example.com", "s_2025-01.x", "u@example.com", "example.com",
      "s_2025-01.x", "u@example.com" },
    /* RFC 6376 section 3.5: i= defaults to "@" d */
    { "example.com", NULL, "no-at-sign", "example.com", NULL, "@example.com" },
    { "example.com", "bad sel", "u@bad domain", "example.com", NULL,
      "@example.com" },
    { "example.com", "", NULL, "example.com", NULL, "@example.com" },
    /* a d= that is not a domain name: no DKIM-* field at all */
    { "exa mple.com", "sel1", NULL, NULL, NULL, NULL },
    { "example..com", "sel1", NULL, NULL, NULL, NULL },
    { "example.com\r\nX-Evil: 1", "sel1", NULL, NULL, NULL, NULL },
    { "", "sel1", NULL, NULL, NULL, NULL },
};

/* str_eq_or_null - equal strings, or both NULL */
static void
str_eq_or_null(const char *got, const char *want)
{
    if (want == NULL) {
        assert_null(got);
        return;
    }
    assert_non_null(got);
    assert_string_equal(got, want);
}

/* test_dkim_fields - every row of dkim_cases */
static void
test_dkim_fields(void **state)
{
    (void)state;
    for (size_t k = 0; k < sizeof(dkim_cases) / sizeof(dkim_cases[0]); k++) {
        const struct dkim_case *c = &dkim_cases[k];
        struct afrf_fixture_msg m;
        struct afrf_job *j;

        msg_init(&m, c->d, c->s, c->i);
        j = job(&m, false);
        str_eq_or_null(j->r.dkim_domain, c->want_d);
        str_eq_or_null(j->r.dkim_selector, c->want_s);
        str_eq_or_null(j->r.dkim_identity, c->want_i);
        afrf_job_free(j);
    }
}

/* one authentication outcome and its Identity-Alignment (RFC 9991
 * section 4: the mechanisms without an aligned pass) */
struct align_case {
    enum afrf_auth spf;  /* SPF result */
    bool spf_aligned;    /* SPF domain aligned */
    enum afrf_auth dkim; /* DKIM result; AFRF_AUTH_NONE: unsigned */
    bool dkim_aligned;   /* d= aligned */
    const char *want;    /* Identity-Alignment */
};

static const struct align_case align_cases[] = {
    { AFRF_AUTH_FAIL, true, AFRF_AUTH_FAIL, true, "dkim, spf" },
    { AFRF_AUTH_PASS, false, AFRF_AUTH_PASS, false, "dkim, spf" },
    { AFRF_AUTH_NONE, false, AFRF_AUTH_NONE, false, "dkim, spf" },
    { AFRF_AUTH_PASS, true, AFRF_AUTH_FAIL, true, "dkim" },
    { AFRF_AUTH_PASS, true, AFRF_AUTH_NONE, false, "dkim" },
    { AFRF_AUTH_FAIL, true, AFRF_AUTH_PASS, true, "spf" },
    { AFRF_AUTH_SOFTFAIL, true, AFRF_AUTH_PASS, true, "spf" },
    { AFRF_AUTH_PASS, true, AFRF_AUTH_PASS, true, "none" },
};

/* test_identity_alignment - every row of align_cases */
static void
test_identity_alignment(void **state)
{
    (void)state;
    for (size_t k = 0; k < sizeof(align_cases) / sizeof(align_cases[0]); k++) {
        const struct align_case *c = &align_cases[k];
        struct afrf_fixture_msg m;
        struct afrf_job *j;

        msg_init(&m, c->dkim != AFRF_AUTH_NONE ? "example.com" : NULL, "sel1",
                 NULL);
        m.ev.spf = c->spf;
        m.ev.spf_domain = "example.com";
        m.ev.is_spf_aligned = c->spf_aligned;
        m.dkim[0].result = c->dkim;
        m.dkim[0].is_aligned = c->dkim_aligned;
        j = job(&m, false);
        assert_string_equal(j->r.alignment, c->want);
        afrf_job_free(j);
    }
}

/* build - the report of j into a new buffer (caller frees) */
static char *
build(struct afrf_job *j)
{
    struct buf out;
    const char *why = NULL;

    buf_init(&out, AFRF_MSG_MAX + AFRF_MAX_BODY);
    assert_int_equal(
        afrf_msg_build(&j->r, "ruf@example.com", 1796191500, &out, &why), 0);
    return buf_steal(&out);
}

/* no_bare_lf - every LF of s follows a CR, every CR precedes an LF */
static void
no_bare_lf(const char *s)
{
    for (size_t i = 0; s[i] != '\0'; i++) {
        if (s[i] == '\n')
            assert_true(i > 0 && s[i - 1] == '\r');
        if (s[i] == '\r')
            assert_true(s[i + 1] == '\n');
    }
}

/* one body and what the job keeps of it */
struct body_case {
    const char *in;   /* the body as the MTA sent it */
    const char *want; /* the body attached */
};

static const struct body_case body_cases[] = {
    { "a\r\nb\r\n", "a\r\nb\r\n" },
    /* bare LF and CR become CRLF; CR at the end too */
    { "a\nb\rc\r\nd\r", "a\r\nb\r\nc\r\nd\r\n" },
    { "\n\n", "\r\n\r\n" },
    { "no line end", "no line end" },
    { "", "" },
};

/* test_body_whole - message/rfc822: header, empty line, body, CRLF */
static void
test_body_whole(void **state)
{
    (void)state;
    for (size_t k = 0; k < sizeof(body_cases) / sizeof(body_cases[0]); k++) {
        struct afrf_fixture_msg m;
        struct afrf_job *j;
        char part[4096];
        char *r;

        msg_init(&m, "example.com", "sel1", NULL);
        m.ev.body = body_cases[k].in;
        m.ev.body_len = strlen(body_cases[k].in);
        j = job(&m, true);
        assert_non_null(j->r.body);
        assert_int_equal(j->r.body_len, strlen(body_cases[k].want));
        assert_memory_equal(j->r.body, body_cases[k].want, j->r.body_len);
        r = build(j);
        no_bare_lf(r);
        assert_non_null(strstr(r, "Content-Type: message/rfc822\r\n"));
        assert_null(strstr(r, "text/rfc822-headers"));
        assert_non_null(strstr(r, "The machine-readable report and the "
                                  "whole message follow."));
        snprintf(part, sizeof(part),
                 "From: Alice <alice@example.com>\r\nTo: bob@receiver.test"
                 "\r\nSubject: body test\r\n\r\n%s\r\n--",
                 body_cases[k].want);
        assert_non_null(strstr(r, part));
        free(r);
        afrf_job_free(j);
    }
}

/* test_body_headers - without the body (not asked, redacting, none
 * given): text/rfc822-headers and the header alone */
static void
test_body_headers(void **state)
{
    struct redact_key key = { .len = 16 };
    struct afrf_job_opts o = { 0 };
    const char *why = NULL;
    struct afrf_fixture_msg m;

    (void)state;
    msg_init(&m, NULL, NULL, NULL);
    m.ev.body_len = strlen("Please pay\r\n");
    for (int k = 0; k < 3; k++) {
        struct afrf_job *j;
        char *r;

        o.kind = AFRF_KIND_DMARC;
        o.from = "dmarc@receiver.test";
        o.host = "mx.receiver.test";
        o.is_body = k != 0;
        o.key = k == 1 ? &key : NULL;
        m.ev.body = k == 2 ? NULL : "Please pay\r\n";
        j = afrf_job_new(&m.ev, &o, &why);
        assert_non_null(j);
        assert_null(j->r.body);
        r = build(j);
        no_bare_lf(r);
        assert_non_null(strstr(r, "Content-Type: text/rfc822-headers\r\n"));
        assert_null(strstr(r, "message/rfc822"));
        assert_null(strstr(r, "Please pay"));
        assert_non_null(strstr(r, "and the header of the message follow."));
        free(r);
        afrf_job_free(j);
    }
}

/* test_body_limit - a body that reaches AFRF_MAX_BODY with CRLF is kept;
 * one that passes it once bare LFs are made CRLF is left out whole */
static void
test_body_limit(void **state)
{
    char *body = malloc(AFRF_MAX_BODY);
    struct afrf_job *j;
    struct afrf_fixture_msg m;

    (void)state;
    assert_non_null(body);
    for (size_t i = 0; i < AFRF_MAX_BODY; i += 2) {
        body[i] = '\r';
        body[i + 1] = '\n';
    }
    msg_init(&m, NULL, NULL, NULL);
    m.ev.body = body;
    m.ev.body_len = AFRF_MAX_BODY;
    j = job(&m, true);
    assert_non_null(j->r.body);
    assert_int_equal(j->r.body_len, AFRF_MAX_BODY);
    afrf_job_free(j);
    /* fewer bytes, but bare LFs: made CRLF they pass AFRF_MAX_BODY */
    memset(body, 'x', AFRF_MAX_BODY);
    memset(body, '\n', AFRF_MAX_BODY / 2 + 1);
    m.ev.body_len = AFRF_MAX_BODY - 1;
    j = job(&m, true);
    assert_null(j->r.body);
    afrf_job_free(j);
    free(body);
}

/* one client address and the Source-IP field expected */
struct ip_case {
    const char *ip;   /* the event's client address */
    const char *want; /* the field, or NULL: no Source-IP at all */
};

static const struct ip_case ip_cases[] = {
    { "192.0.2.10", "\r\nSource-IP: 192.0.2.10\r\n" },
    { "2001:db8::1", "\r\nSource-IP: 2001:db8::1\r\n" },
    /* RFC 5965 section 3.5: IPv4address / IPv6address only, so an
     * unknown address leaves the field out */
    { NULL, NULL },
    { "", NULL },
    { "unknown", NULL },
    { "192.0.2.300", NULL },
    { "192.0.2.10\r\nX-Evil: 1", NULL },
};

/* test_source_ip - every row of ip_cases; the Subject says "(unknown)"
 * when there is no address */
static void
test_source_ip(void **state)
{
    (void)state;
    for (size_t k = 0; k < sizeof(ip_cases) / sizeof(ip_cases[0]); k++) {
        const struct ip_case *c = &ip_cases[k];
        struct afrf_fixture_msg m;
        struct afrf_job *j;
        char *r;

        msg_init(&m, NULL, NULL, NULL);
        m.ev.client_ip = c->ip;
        j = job(&m, false);
        r = build(j);
        if (c->want == NULL) {
            assert_null(j->r.source_ip);
            assert_null(strstr(r, "Source-IP:"));
            assert_non_null(strstr(r, "\r\nSubject: DMARC failure report for "
                                      "example.com from (unknown)\r\n"));
        } else {
            assert_non_null(strstr(r, c->want));
        }
        free(r);
        afrf_job_free(j);
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_spf_dns),
        cmocka_unit_test(test_spf_dns_long),
        cmocka_unit_test(test_dkim_fields),
        cmocka_unit_test(test_identity_alignment),
        cmocka_unit_test(test_body_whole),
        cmocka_unit_test(test_body_headers),
        cmocka_unit_test(test_body_limit),
        cmocka_unit_test(test_source_ip),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
