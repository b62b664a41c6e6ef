/*
 * test_arc_policy - the ARC override decision (the c-arc-* conformance
 * scenarios as a table), the history seal array and the RFC 8617 section
 * 7.2 comment, the local override of the disposition, and the whitelist
 * (DomainWhitelist, DomainWhitelistFile, DomainWhitelistSize).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "common/buf.h"
#include "history/hist_write.h"
#include "milter/arc_policy.h"
#include "milter/policy.h"

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

#define SEAL1                                                        \
    "i=1; a=rsa-sha256; t=1795514280; cv=none; d=list.example.org; " \
    "s=arc2026; b=u2MnpExTUrS6hRQ=="
#define SEAL2                                                         \
    "i=2; a=rsa-sha256; t=1795514340; cv=pass; d=relay.example.net; " \
    "s=seal1; b=xd7A2XhLdyF=="
#define AAR1 "i=1; list.example.org; dkim=pass header.d=example.com; arc=none"
#define AAR2 "i=2; relay.example.net; arc=pass smtp.remote-ip=203.0.113.40"

/* one scenario */
struct pol_case {
    const char *name;    /* what it shows */
    const char *ar[3];   /* trusted A-R values (NULL ends) */
    const char *seal[3]; /* ARC-Seal values, header order */
    const char *aar[3];  /* ARC-Authentication-Results values */
    const char *wl;      /* DomainWhitelist, comma list */
    int arc;             /* expected arc code */
    int arc_policy;      /* expected arc_policy code */
    const char *json;    /* expected arc_policy line */
    const char *comment; /* expected comment */
};

static const struct pol_case cases[] = {
    { "override-list-reject",
      { "receiver.test; arc=pass smtp.remote-ip=192.0.2.25 "
        "arc.chain=list.example.org" },
      { SEAL1 },
      { AAR1 },
      "list.example.org",
      0,
      0,
      "arc_policy 0 json:[{ \"i\": 1, \"d\":\"list.example.org\", "
      "\"s\":\"arc2026\", \"ip\":\"\" }]",
      "arc=pass as[1].d=list.example.org as[1].s=arc2026" },
    { "case-insensitive",
      { "receiver.test; arc=pass arc.chain=List.Example.ORG" },
      { "i=1; cv=none; d=List.Example.ORG; s=arc2026; b=YFx=" },
      { AAR1 },
      "LIST.example.org",
      0,
      0,
      "arc_policy 0 json:[{ \"i\": 1, \"d\":\"List.Example.ORG\", "
      "\"s\":\"arc2026\", \"ip\":\"\" }]",
      "arc=pass as[1].d=List.Example.ORG as[1].s=arc2026" },
    { "two sealers, both listed; highest instance first, remote-ip",
      { "receiver.test; arc=pass "
        "arc.chain=list.example.org:relay.example.net" },
      { SEAL2, SEAL1 },
      { AAR2, AAR1 },
      "relay.example.net, list.example.org",
      0,
      0,
      "arc_policy 0 json:[{ \"i\": 2, \"d\":\"relay.example.net\", "
      "\"s\":\"seal1\", \"ip\":\"203.0.113.40\" }, { \"i\": 1, "
      "\"d\":\"list.example.org\", \"s\":\"arc2026\", \"ip\":\"\" }]",
      "arc=pass as[2].d=relay.example.net as[2].s=seal1 "
      "remote-ip[2]=203.0.113.40 as[1].d=list.example.org as[1].s=arc2026" },
    { "sealer-not-whitelisted",
      { "receiver.test; arc=pass "
        "arc.chain=list.example.org:relay.example.net" },
      { SEAL2, SEAL1 },
      { AAR2, AAR1 },
      "list.example.org",
      0,
      2,
      "arc_policy 2 json:[{ \"i\": 2, \"d\":\"relay.example.net\", "
      "\"s\":\"seal1\", \"ip\":\"203.0.113.40\" }, { \"i\": 1, "
      "\"d\":\"list.example.org\", \"s\":\"arc2026\", \"ip\":\"\" }]",
      "" },
    { "whitelist-parent-domain",
      { "receiver.test; arc=pass arc.chain=list.example.org" },
      { SEAL1 },
      { AAR1 },
      "example.org",
      0,
      2,
      "arc_policy 2 json:[{ \"i\": 1, \"d\":\"list.example.org\", "
      "\"s\":\"arc2026\", \"ip\":\"\" }]",
      "" },
    { "untrusted A-R (the caller passes none)",
      { NULL },
      { SEAL1 },
      { AAR1 },
      "list.example.org",
      7,
      2,
      "arc_policy 2 json:[{ \"i\": 1, \"d\":\"list.example.org\", "
      "\"s\":\"arc2026\", \"ip\":\"\" }]",
      "" },
    { "malformed-seal-garbage, arc=fail",
      { "receiver.test; arc=fail (ARC-Seal i=1 unparseable)" },
      { "garbage (not a tag-list) !!@@## ~~~" },
      { AAR1 },
      "list.example.org",
      7,
      2,
      "arc_policy 2 json:[]",
      "" },
    { "malformed-seal-missing-d, arc=fail",
      { "receiver.test; arc=fail" },
      { "i=1; a=rsa-sha256; cv=none; s=arc2026; b=u2M=" },
      { AAR1 },
      "list.example.org",
      7,
      2,
      "arc_policy 2 json:[{ \"i\": 1, \"d\":\"\", \"s\":\"arc2026\", "
      "\"ip\":\"\" }]",
      "" },
    { "no AAR at all: OpenDMARC writes json:[]",
      { "receiver.test; arc=pass arc.chain=list.example.org" },
      { SEAL1 },
      { NULL },
      "list.example.org",
      0,
      0,
      "arc_policy 0 json:[]",
      "arc=pass as[1].d=list.example.org as[1].s=arc2026" },
    { "arc=pass without arc.chain",
      { "receiver.test; arc=pass" },
      { SEAL1 },
      { AAR1 },
      "list.example.org",
      0,
      2,
      "arc_policy 2 json:[{ \"i\": 1, \"d\":\"list.example.org\", "
      "\"s\":\"arc2026\", \"ip\":\"\" }]",
      "" },
    { "two trusted arc results: neither believed",
      { "receiver.test; arc=pass arc.chain=list.example.org",
        "receiver.test; arc=pass arc.chain=list.example.org" },
      { SEAL1 },
      { AAR1 },
      "list.example.org",
      7,
      2,
      "arc_policy 2 json:[{ \"i\": 1, \"d\":\"list.example.org\", "
      "\"s\":\"arc2026\", \"ip\":\"\" }]",
      "" },
    { "no seal parsed: the comment names the chain",
      { "receiver.test; arc=pass arc.chain=list.example.org" },
      { NULL },
      { NULL },
      "list.example.org",
      0,
      0,
      "arc_policy 0 json:[]",
      "arc=pass arc.chain=list.example.org" },
    { "repeated seal instance: the first is kept",
      { "receiver.test; arc=fail" },
      { SEAL1, "i=1; d=evil.example; s=x" },
      { AAR1, AAR1 },
      "",
      7,
      2,
      "arc_policy 2 json:[{ \"i\": 1, \"d\":\"list.example.org\", "
      "\"s\":\"arc2026\", \"ip\":\"\" }]",
      "" },
};

/* run - evaluate one scenario; out and st are the caller's */
static void
run(const struct pol_case *c, struct arc_policy_state *st,
    struct arc_policy_out *out)
{
    struct whitelist *wl = whitelist_new(0);
    const char *why = NULL;
    struct str rest = str_cstr(c->wl);

    arc_policy_init(st);
    while (rest.len > 0) {
        size_t cut = str_chr(rest, ',');

        if (str_trim(str_make(rest.p, cut)).len > 0)
            assert_int_equal(whitelist_add(wl, str_make(rest.p, cut), &why),
                             WHITELIST_OK);
        rest = cut < rest.len ? str_make(rest.p + cut + 1, rest.len - cut - 1)
                              : str_make(NULL, 0);
    }
    for (size_t k = 0; k < 3 && c->ar[k] != NULL; k++) {
        struct authres *ar = NULL;

        assert_int_equal(authres_parse(str_cstr(c->ar[k]), &ar, &why),
                         AUTHRES_OK);
        arc_policy_authres(st, ar);
        authres_free(ar);
    }
    /* malformed fields are refused and ignored: the status is not the
     * point here (test_arc_hdr checks it) */
    for (size_t k = 0; k < 3 && c->seal[k] != NULL; k++) {
        enum arc_hdr_status rc =
            arc_policy_seal(st, str_cstr(c->seal[k]), &why);

        assert_true(rc == ARC_HDR_OK || rc == ARC_HDR_SYNTAX);
    }
    for (size_t k = 0; k < 3 && c->aar[k] != NULL; k++) {
        enum arc_hdr_status rc = arc_policy_aar(st, str_cstr(c->aar[k]), &why);

        assert_true(rc == ARC_HDR_OK || rc == ARC_HDR_SYNTAX);
    }
    arc_policy_eval(st, wl, out);
    whitelist_free(wl);
}

/* arc_line - the arc_policy line hist_format() writes for out */
static void
arc_line(const struct arc_policy_out *out, struct buf *b)
{
    struct hist_rec r;
    const char *p;
    const char *e;

    hist_rec_init(&r);
    r.arc = out->arc;
    r.arc_policy = out->arc_policy;
    r.seals = out->seals;
    r.seal_count = out->n_seals;
    buf_reset(b);
    assert_int_equal(hist_format(&r, b), 0);
    p = strstr(buf_cstr(b), "arc_policy ");
    assert_non_null(p);
    e = strchr(p, '\n');
    assert_non_null(e);
    b->data[e - b->data] = '\0';
    memmove(b->data, p, (size_t)(e - p) + 1);
}

/* test_table - every scenario */
static void
test_table(void **state)
{
    static struct arc_policy_state st;
    struct arc_policy_out out;
    struct buf b;

    (void)state;
    buf_init(&b, 1u << 20);
    for (size_t k = 0; k < N_OF(cases); k++) {
        const struct pol_case *c = &cases[k];

        run(c, &st, &out);
        arc_line(&out, &b);
        if (out.arc != c->arc || out.arc_policy != c->arc_policy ||
            strcmp(buf_cstr(&b), c->json) != 0 ||
            strcmp(out.comment, c->comment) != 0)
            fail_msg("%s: arc %d arc_policy %d (%s)\n  %s\n  comment '%s'",
                     c->name, out.arc, out.arc_policy, out.why ? out.why : "-",
                     buf_cstr(&b), out.comment);
        assert_true((out.why == NULL) == (out.arc_policy == 0));
    }
    buf_free(&b);
}

/* test_comment_bound - 50 long sealers: the comment stops at a whole set
 * and ends in " ...", within HIST_MAX_COMMENT */
static void
test_comment_bound(void **state)
{
    static struct arc_policy_state st;
    struct arc_policy_out out;
    struct whitelist *wl = whitelist_new(0);
    struct buf chain;
    char v[512];
    char name[128];
    const char *why = NULL;
    struct authres *ar = NULL;

    (void)state;
    buf_init(&chain, 1u << 20);
    arc_policy_init(&st);
    assert_int_equal(buf_append_str(&chain, "x; arc=pass arc.chain="), 0);
    for (unsigned i = 1; i <= 50; i++) {
        snprintf(name, sizeof(name), "sealer-number-%u.forwarders.example", i);
        assert_int_equal(whitelist_add(wl, str_cstr(name), &why), WHITELIST_OK);
        assert_int_equal(buf_printf(&chain, "%s%s", i > 1 ? ":" : "", name), 0);
        snprintf(v, sizeof(v), "i=%u; d=%s; s=sel%u; b=AAAA", i, name, i);
        assert_int_equal(arc_policy_seal(&st, str_cstr(v), &why), ARC_HDR_OK);
        snprintf(v, sizeof(v), "i=%u; %s; arc=pass smtp.remote-ip=192.0.2.%u",
                 i, name, i);
        assert_int_equal(arc_policy_aar(&st, str_cstr(v), &why), ARC_HDR_OK);
    }
    /* the 51st of each is refused */
    assert_int_equal(arc_policy_seal(&st, str_cstr("i=1; d=a.b"), &why),
                     ARC_HDR_LIMIT);
    assert_int_equal(arc_policy_aar(&st, str_cstr("i=1; a.b; none"), &why),
                     ARC_HDR_LIMIT);
    assert_int_equal(authres_parse(buf_slice(&chain), &ar, &why), AUTHRES_OK);
    arc_policy_authres(&st, ar);
    authres_free(ar);
    arc_policy_eval(&st, wl, &out);
    assert_int_equal(out.arc_policy, 0);
    assert_int_equal(out.n_seals, 50);
    assert_true(strlen(out.comment) <= HIST_MAX_COMMENT);
    assert_true(strncmp(out.comment,
                        "arc=pass as[50].d=sealer-number-50.forwarders.example "
                        "as[50].s=sel50 remote-ip[50]=192.0.2.50 as[49].d=",
                        100) == 0);
    assert_non_null(strstr(out.comment, " ..."));
    assert_string_equal(out.comment + strlen(out.comment) - 4, " ...");
    /* 51 chain entries are not trusted */
    assert_int_equal(buf_append_str(&chain, ":one-more.example"), 0);
    assert_int_equal(whitelist_add(wl, str_cstr("one-more.example"), &why),
                     WHITELIST_OK);
    arc_policy_init(&st);
    assert_int_equal(authres_parse(buf_slice(&chain), &ar, &why), AUTHRES_OK);
    arc_policy_authres(&st, ar);
    authres_free(ar);
    arc_policy_eval(&st, wl, &out);
    assert_int_equal(out.arc, 0);
    assert_int_equal(out.arc_policy, 2);
    whitelist_free(wl);
    buf_free(&chain);
}

/* test_override - policy_override_local on each disposition */
static void
test_override(void **state)
{
    struct policy_output o;
    enum policy_override list[POLICY_MAX_OVERRIDES];

    (void)state;
    memset(&o, 0, sizeof(o));
    o.result = POLICY_RESULT_FAIL;
    o.policy = o.disposition = POLICY_DISP_REJECT;
    assert_true(policy_override_local(&o, POLICY_OVERRIDE_TRUSTED_FORWARDER));
    assert_int_equal(o.disposition, POLICY_DISP_NONE);
    assert_int_equal(o.policy, POLICY_DISP_REJECT);
    assert_int_equal(o.result, POLICY_RESULT_FAIL);
    assert_int_equal(policy_overrides(&o, list), 1);
    assert_int_equal(list[0], POLICY_OVERRIDE_TRUSTED_FORWARDER);
    assert_string_equal(policy_override_name(list[0]), "trusted_forwarder");
    /* pct sampled reject down to quarantine, then ARC: both reasons */
    memset(&o, 0, sizeof(o));
    o.result = POLICY_RESULT_FAIL;
    o.policy = POLICY_DISP_REJECT;
    o.disposition = POLICY_DISP_QUARANTINE;
    o.override = POLICY_OVERRIDE_SAMPLED_OUT;
    assert_true(policy_override_local(&o, POLICY_OVERRIDE_TRUSTED_FORWARDER));
    assert_int_equal(policy_overrides(&o, list), 2);
    assert_int_equal(list[0], POLICY_OVERRIDE_SAMPLED_OUT);
    assert_int_equal(list[1], POLICY_OVERRIDE_TRUSTED_FORWARDER);
    /* nothing to lift: p=none, sampled to none, pass */
    memset(&o, 0, sizeof(o));
    o.result = POLICY_RESULT_FAIL;
    assert_false(policy_override_local(&o, POLICY_OVERRIDE_TRUSTED_FORWARDER));
    assert_int_equal(policy_overrides(&o, list), 0);
    o.result = POLICY_RESULT_PASS;
    o.disposition = POLICY_DISP_REJECT;
    assert_false(policy_override_local(&o, POLICY_OVERRIDE_TRUSTED_FORWARDER));
    assert_int_equal(o.disposition, POLICY_DISP_REJECT);
}

/* test_whitelist - set semantics, normalisation, capacity */
static void
test_whitelist(void **state)
{
    struct whitelist *wl = whitelist_new(2);
    const char *why = NULL;

    (void)state;
    assert_int_equal(whitelist_add(wl, str_cstr(" LIST.Example.org. "), &why),
                     WHITELIST_OK);
    assert_int_equal(whitelist_add(wl, str_cstr("list.example.org"), &why),
                     WHITELIST_OK);
    assert_int_equal(whitelist_count(wl), 1);
    assert_true(whitelist_contains(wl, str_cstr("list.EXAMPLE.org")));
    assert_true(whitelist_contains(wl, str_cstr("list.example.org.")));
    assert_false(whitelist_contains(wl, str_cstr("example.org")));
    assert_false(whitelist_contains(wl, str_cstr("a.list.example.org")));
    assert_false(whitelist_contains(wl, str_cstr("list.example.org.evil")));
    assert_false(whitelist_contains(wl, str_cstr("")));
    assert_int_equal(whitelist_add(wl, str_cstr("*.example.org"), &why),
                     WHITELIST_INVALID);
    assert_int_equal(whitelist_add(wl, str_cstr("b.example"), &why),
                     WHITELIST_OK);
    assert_int_equal(whitelist_add(wl, str_cstr("c.example"), &why),
                     WHITELIST_FULL);
    assert_int_equal(whitelist_count(wl), 2);
    assert_false(whitelist_contains(NULL, str_cstr("b.example")));
    whitelist_free(wl);
    whitelist_free(NULL);
    /* growth past the initial table */
    wl = whitelist_new(0);
    for (unsigned i = 0; i < 5000; i++) {
        char name[64];

        snprintf(name, sizeof(name), "host%u.example", i);
        assert_int_equal(whitelist_add(wl, str_cstr(name), &why), WHITELIST_OK);
    }
    assert_int_equal(whitelist_count(wl), 5000);
    assert_true(whitelist_contains(wl, str_cstr("HOST4999.example")));
    assert_false(whitelist_contains(wl, str_cstr("host5000.example")));
    whitelist_free(wl);
}

/* write_file - a temporary file holding text; its path into path */
static void
write_file(char *path, const char *text)
{
    static const char tmpl[] = "/tmp/test_arc_policy.XXXXXX";

    int fd;

    memcpy(path, tmpl, sizeof(tmpl));
    fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    assert_int_equal(close(fd), 0);
}

/* test_load - DomainWhitelist merged with DomainWhitelistFile */
static void
test_load(void **state)
{
    static const char *const list[] = { "list.example.org", "Relay.Example" };
    char path[64];
    struct whitelist *wl;

    (void)state;
    write_file(path, "# trusted forwarders\n\nfwd.example.net # a list\n"
                     "  RELAY.example  \nlast.example");
    wl = whitelist_load(list, 2, path, 0);
    assert_non_null(wl);
    assert_int_equal(whitelist_count(wl), 4);
    assert_true(whitelist_contains(wl, str_cstr("last.example")));
    assert_true(whitelist_contains(wl, str_cstr("fwd.example.net")));
    whitelist_free(wl);
    /* capacity: 4 distinct names do not fit in 3 */
    assert_null(whitelist_load(list, 2, path, 3));
    assert_int_equal(unlink(path), 0);
    /* a bad line */
    write_file(path, "ok.example\nnot a domain\n");
    assert_null(whitelist_load(NULL, 0, path, 0));
    assert_int_equal(unlink(path), 0);
    /* a bad list item, a missing file */
    static const char *const bad[] = { "a..b" };
    assert_null(whitelist_load(bad, 1, NULL, 0));
    assert_null(whitelist_load(NULL, 0, "/nonexistent/whitelist", 0));
    wl = whitelist_load(NULL, 0, NULL, 0);
    assert_non_null(wl);
    assert_int_equal(whitelist_count(wl), 0);
    whitelist_free(wl);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table),    cmocka_unit_test(test_comment_bound),
        cmocka_unit_test(test_override), cmocka_unit_test(test_whitelist),
        cmocka_unit_test(test_load),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
