/*
 * test_upstream - authentication results from trusted upstream header
 * fields: DKIM lines of trusted Authentication-Results only, the SPF
 * result and its domain (address or domain form, HELO for the null
 * sender, another envelope skipped), Received-SPF as a fallback under the
 * CVE-2019-20790 rule, SPFIgnoreResults, malformed fields; the count
 * of trusted fields with an arc result.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "common/buf.h"
#include "milter/upstream.h"

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))
/* MAX_HDRS - header fields in one row */
#define MAX_HDRS 4

/* one table row */
struct up_case {
    const char *hdr[MAX_HDRS][2]; /* name, value; name NULL ends */
    const char *mfrom;            /* MAIL FROM domain */
    bool is_spf_wanted;           /* not SPFIgnoreResults */
    const char *want;             /* dump of the result */
};

static const struct up_case cases[] = {
    { { { "Authentication-Results",
          "mx.test; dkim=pass header.d=Example.COM header.s=s1; "
          "dkim=fail header.i=@x.example header.s=s2; "
          "spf=pass smtp.mailfrom=a@example.com" } },
      "example.com",
      true,
      "dkim=example.com/s1/pass dkim=x.example/s2/fail spf=pass@example.com "
      "src=1 ign=0" },
    { { { "Authentication-Results", "evil.test; dkim=pass header.d=ex.com" },
        { "Authentication-Results",
          "mx.test.evil; spf=pass smtp.mailfrom=ex.com" } },
      "ex.com",
      true,
      "spf=- src=0 ign=2" },
    { { { "Authentication-Results",
          "MX.TEST; spf=pass smtp.mailfrom=ex.com" } },
      "Ex.Com",
      true,
      "spf=pass@ex.com src=1 ign=0" },
    { { { "Authentication-Results",
          "mx.test; spf=pass smtp.mailfrom=other.com" },
        { "Authentication-Results",
          "mx.test; spf=fail smtp.mailfrom=ex.com" } },
      "ex.com",
      true,
      "spf=fail@ex.com src=1 ign=0" },
    { { { "Authentication-Results",
          "mx.test; spf=pass smtp.helo=mail.ex.com" } },
      "",
      true,
      "spf=pass@mail.ex.com helo src=1 ign=0" },
    { { { "Authentication-Results",
          "mx.test; spf=pass smtp.mailfrom=ex.com" } },
      "ex.com",
      false,
      "spf=- src=0 ign=0" },
    { { { "Received-SPF",
          "softfail identity=mailfrom; envelope-from=a@ex.com" },
        { "Received-SPF", "pass identity=mailfrom; envelope-from=a@ex.com" } },
      "ex.com",
      true,
      "spf=softfail@ex.com src=2 ign=0" },
    { { { "Received-SPF", "pass identity=helo; helo=ex.com" } },
      "ex.com",
      true,
      "spf=- src=0 ign=0" },
    { { { "Received-SPF",
          "pass identity=mailfrom; envelope-from=a@evil.com" } },
      "ex.com",
      true,
      "spf=- src=0 ign=0" },
    { { { "Authentication-Results", "mx.test; spf=none smtp.mailfrom=ex.com" },
        { "Received-SPF", "pass identity=mailfrom; envelope-from=a@ex.com" } },
      "ex.com",
      true,
      "spf=none@ex.com src=1 ign=0" },
    { { { "Authentication-Results", "mx.test; dkim=pass (no domain)" },
        { "Authentication-Results",
          "mx.test; dkim=pass header.d=\"bad domain\"" },
        { "Authentication-Results", "mx.test; dkim" },
        { "Authentication-Results", "" } },
      "ex.com",
      true,
      "spf=- src=0 ign=2" },
};

/* dump - the result as one line */
static void
dump(const struct upstream *u, struct buf *b)
{
    buf_reset(b);
    for (size_t i = 0; i < u->n_dkim; i++)
        assert_int_equal(buf_printf(b, "dkim=%s/%s/%s ", u->dkim[i].domain,
                                    u->dkim[i].selector,
                                    auth_result_name(u->dkim[i].result)),
                         0);
    if (u->spf_source == UPSTREAM_SPF_NONE)
        assert_int_equal(buf_printf(b, "spf=- "), 0);
    else
        assert_int_equal(buf_printf(b, "spf=%s@%s %s", auth_result_name(u->spf),
                                    u->spf_domain,
                                    u->is_spf_helo ? "helo " : ""),
                         0);
    assert_int_equal(
        buf_printf(b, "src=%d ign=%zu", (int)u->spf_source, u->n_ignored), 0);
}

/* test_table - every row of cases */
static void
test_table(void **state)
{
    static const char *const trusted[] = { "mx.test", NULL };
    static struct upstream u;
    struct buf b;

    (void)state;
    buf_init(&b, 4096);
    for (size_t i = 0; i < N_OF(cases); i++) {
        const struct up_case *c = &cases[i];
        struct msg_hdr h[MAX_HDRS];
        size_t n = 0;
        struct upstream_input in;

        for (; n < MAX_HDRS && c->hdr[n][0] != NULL; n++) {
            h[n].name = (char *)(uintptr_t)c->hdr[n][0];
            h[n].value = (char *)(uintptr_t)c->hdr[n][1];
        }
        in = (struct upstream_input){ h, n,        trusted,
                                      2, c->mfrom, c->is_spf_wanted };
        upstream_collect(&in, &u);
        dump(&u, &b);
        if (strcmp(buf_cstr(&b), c->want) != 0)
            fail_msg("row %zu: got '%s', want '%s'", i, buf_cstr(&b), c->want);
    }
    buf_free(&b);
}

/* test_many - DKIM results beyond UPSTREAM_MAX_DKIM are dropped */
static void
test_many(void **state)
{
    static struct upstream u;
    static const char *const trusted[] = { "mx.test" };
    struct msg_hdr h[UPSTREAM_MAX_DKIM + 2];
    struct upstream_input in = { h, N_OF(h), trusted, 1, "ex.com", true };

    (void)state;
    for (size_t i = 0; i < N_OF(h); i++) {
        h[i].name = (char *)(uintptr_t) "Authentication-Results";
        h[i].value = (char *)(uintptr_t) "mx.test; dkim=pass header.d=ex.com";
    }
    upstream_collect(&in, &u);
    assert_int_equal(u.n_dkim, UPSTREAM_MAX_DKIM);
}

/* test_arc_count - trusted fields with an "arc" result are counted (and
 * only those): verdict_arc() skips the ARC walk when none is there */
static void
test_arc_count(void **state)
{
    static struct upstream u;
    static const char *const trusted[] = { "mx.test" };
    struct msg_hdr h[4] = {
        { (char *)(uintptr_t) "Authentication-Results",
          (char *)(uintptr_t) "mx.test; arc=pass smtp.remote-ip=192.0.2.1" },
        { (char *)(uintptr_t) "Authentication-Results",
          (char *)(uintptr_t) "evil.test; arc=pass" },
        { (char *)(uintptr_t) "Authentication-Results",
          (char *)(uintptr_t) "mx.test; dkim=pass header.d=ex.com" },
        { (char *)(uintptr_t) "Authentication-Results",
          (char *)(uintptr_t) "mx.test; dkim=pass header.d=ex.com; arc=fail" },
    };
    struct upstream_input in = { h, N_OF(h), trusted, 1, "ex.com", true };

    (void)state;
    upstream_collect(&in, &u);
    assert_int_equal(u.n_arc_fields, 2);
    in.hdrs = h + 1; /* untrusted and DKIM only: none */
    in.n_hdrs = 2;
    upstream_collect(&in, &u);
    assert_int_equal(u.n_arc_fields, 0);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table),
        cmocka_unit_test(test_many),
        cmocka_unit_test(test_arc_count),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
