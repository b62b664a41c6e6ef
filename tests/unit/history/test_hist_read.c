/*
 * test_hist_read - record boundaries, completeness at the end of input,
 * resume offsets, malformed input, and the fields of parsed records.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "common/log.h"
#include "history/hist_read.h"

/* REC - a small complete record with job j */
#define REC(j)                                                               \
    "job " j "\nreporter r\nreceived 5\nipaddr 192.0.2.9\nfrom a.example\n"  \
    "mfrom b.example\nspf 0\npdomain a.example\npolicy 15\nrua -\npct 100\n" \
    "adkim 114\naspf 114\np 110\nsp 0\nalign_dkim 4\nalign_spf 5\narc 7\n"   \
    "arc_policy 2 json:[]\naction 2\n"
/* HEAD - REC without its action line */
#define HEAD(j)                                                              \
    "job " j "\nreporter r\nreceived 5\nipaddr 192.0.2.9\nfrom a.example\n"  \
    "mfrom b.example\nspf 0\npdomain a.example\npolicy 15\nrua -\npct 100\n" \
    "adkim 114\naspf 114\np 110\nsp 0\nalign_dkim 4\nalign_spf 5\narc 7\n"   \
    "arc_policy 2 json:[]\n"

/* one reader case */
struct read_case {
    const char *name;   /* what it shows */
    const char *in;     /* the input */
    bool is_final;      /* end of input is the true end */
    const char *expect; /* O = record, S = skipped, then the end */
    long offset;        /* hist_reader_offset() at the end; -1: input len */
};

static const struct read_case cases[] = {
    { "empty", "", false, "", 0 },
    { "one", REC("1"), false, "O", -1 },
    { "two", REC("1") REC("2"), false, "OO", -1 },
    { "blank lines", "\n" REC("1") "\n\n" REC("2"), false, "OO", -1 },
    { "crlf",
      "job 1\r\nreporter r\r\nreceived 5\r\nipaddr 192.0.2.9\r\n"
      "from a.example\r\npdomain a.example\r\naction 2\r\n",
      false, "O", -1 },
    { "stray lines first", "garbage\nmore\n" REC("1"), false, "O", -1 },
    { "last without action waits", REC("1") HEAD("2"), false, "O",
      (long)sizeof(REC("1")) - 1 },
    { "last without action, final", REC("1") HEAD("2"), true, "OO", -1 },
    { "cut off in the middle", HEAD("1") REC("2"), false, "SO", -1 },
    { "partial last line", REC("1") "job 2\nrepor", false, "O",
      (long)sizeof(REC("1")) - 1 },
    { "action without LF waits", HEAD("1") "action 2", false, "", 0 },
    { "garbage after action", REC("1") "\001\002zz\n" REC("2"), false, "OO",
      -1 },
    { "binary inside",
      "job 1\nreporter \001\n"
      "action 2\n" REC("2"),
      false, "SO", -1 },
    { "unknown key kept",
      "job 1\nfoo_bar 1\nreporter r\nreceived 5\n"
      "ipaddr ::1\nfrom a.example\npdomain a.example\n"
      "action 2\n",
      false, "O", -1 },
    { "exim order",
      "job 1\nreporter r\nreceived 5\nipaddr ::1\n"
      "from a.example\npdomain a.example\naction 4\narc 11\n"
      "arc_policy 1 json[ ]\n" REC("2"),
      false, "OO", -1 },
    { "required line missing",
      "job 1\nreporter r\nreceived 5\n"
      "ipaddr ::1\npdomain a.example\naction 2\n",
      false, "S", -1 },
    { "bad ipaddr",
      "job 1\nreporter r\nreceived 5\nipaddr 999.1.1.1\n"
      "from a.example\npdomain a.example\naction 2\n",
      false, "S", -1 },
    { "bad received",
      "job 1\nreporter r\nreceived -5\nipaddr ::1\n"
      "from a.example\npdomain a.example\naction 2\n",
      false, "S", -1 },
    { "repeated dkim ok",
      "job 1\nreporter r\nreceived 5\nipaddr ::1\n"
      "from a.example\ndkim a.example s 0\n"
      "dkim b.example - 7\npdomain a.example\n"
      "action 2\n",
      false, "O", -1 },
    { "records run together",
      HEAD("1") "actjob 2\nreporter r\n"
                "received 6\naction 2\n" REC("3"),
      false, "SO", -1 },
    { "bad dkim line",
      "job 1\nreporter r\nreceived 5\nipaddr ::1\n"
      "from a.example\ndkim a.example\npdomain a.example\n"
      "action 2\n",
      false, "S", -1 },
};

/* tmpfd - a descriptor reading len bytes of s from the start */
static int
tmpfd(const char *s, size_t len)
{
    char path[] = "/tmp/test_hist_readXXXXXX";
    int fd = mkstemp(path);

    assert_true(fd >= 0);
    (void)unlink(path);
    assert_int_equal(write(fd, s, len), (ssize_t)len);
    assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
    return fd;
}

/* run - read all of in; the statuses as letters into got */
static uint64_t
run(const char *in, size_t len, bool is_final, char *got, size_t got_size)
{
    struct hist_read_opts o = { 0, 1, is_final };
    int fd = tmpfd(in, len);
    struct hist_reader *r = hist_reader_new(fd, "t", &o);
    size_t k = 0;
    uint64_t off;

    for (;;) {
        struct hist_rec rec;
        enum hist_read_status st = hist_reader_next(r, &rec);

        if (st == HIST_READ_END || st == HIST_READ_ERROR)
            break;
        assert_true(k + 1 < got_size);
        got[k++] = st == HIST_READ_OK ? 'O' : 'S';
    }
    got[k] = '\0';
    off = hist_reader_offset(r);
    hist_reader_free(r);
    (void)close(fd);
    return off;
}

/* test_cases - every row of cases */
static void
test_cases(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const struct read_case *c = &cases[i];
        size_t len = strlen(c->in);
        char got[16];
        uint64_t off = run(c->in, len, c->is_final, got, sizeof(got));

        if (strcmp(got, c->expect) != 0 ||
            off != (c->offset < 0 ? len : (uint64_t)c->offset))
            fail_msg("case '%s': got %s at %llu", c->name, got,
                     (unsigned long long)off);
    }
}

/* test_long_line - a 1 MB line costs its record only */
static void
test_long_line(void **state)
{
    size_t big = (size_t)1024 * 1024;
    size_t len = sizeof(HEAD("1")) - 1 + big + 1 + sizeof(REC("2")) - 1;
    char *in = malloc(len + 1);
    char got[16];
    size_t k;

    (void)state;
    memcpy(in, HEAD("1"), sizeof(HEAD("1")) - 1);
    k = sizeof(HEAD("1")) - 1;
    memset(in + k, 'x', big);
    in[k + big] = '\n';
    memcpy(in + k + big + 1, REC("2"), sizeof(REC("2")));
    assert_int_equal(run(in, len, false, got, sizeof(got)), len);
    assert_string_equal(got, "SO");
    free(in);
}

/* test_fields - the values of a parsed record */
static void
test_fields(void **state)
{
    static const char in[] =
        "job Q1\nreporter mx\nreceived 1795638462\nipaddr 2001:db8::1\n"
        "from Sub.Example.com\nmfrom \ndkim a.example - 4\n"
        "dkim b.example s1 99\nspf 7\npdomain example.com\npolicy 17\n"
        "rua mailto:a@example.com\nrua mailto:b@example.net!10m\npct 50\n"
        "adkim 115\naspf 114\np 113\nsp 0\nalign_dkim 5\nalign_spf 5\n"
        "arc 0\narc_policy 0 json:[{ \"i\": 1, \"d\":\"f\\\"w\", "
        "\"s\":\"arc1\", \"ip\":\"192.0.2.1\" }, { \"i\": 1, \"d\":\"x\", "
        "\"s\":\"y\", \"ip\":\"\" }]\n"
        "hist_version 1\nspf_scope helo\nspf_domain mx.example.net\n"
        "fo d:s\nnp quarantine\npsd y\nt n\ndiscovery psl\n"
        "override sampled_out\noverride local_policy arc=pass x\n"
        "action 4\n";
    struct hist_read_opts o = { 0, 1, false };
    int fd = tmpfd(in, sizeof(in) - 1);
    struct hist_reader *r = hist_reader_new(fd, "t", &o);
    struct hist_rec rec;

    (void)state;
    assert_int_equal(hist_reader_next(r, &rec), HIST_READ_OK);
    assert_true(str_eq(rec.from, str_cstr("Sub.Example.com")));
    assert_int_equal(rec.mfrom.len, 0);
    assert_int_equal(rec.received, 1795638462);
    assert_int_equal(rec.dkim_count, 2);
    assert_int_equal(rec.dkim[0].selector.len, 0);
    assert_int_equal(rec.dkim[0].result, 4);
    assert_int_equal(rec.dkim[1].result, HIST_UNKNOWN);
    assert_int_equal(rec.rua_count, 2);
    assert_true(str_eq(rec.rua[1], str_cstr("mailto:b@example.net!10m")));
    assert_int_equal(rec.policy, 17);
    assert_int_equal(rec.pct, 50);
    assert_int_equal(rec.seal_count, 1); /* a repeated instance dropped */
    assert_true(str_eq(rec.seals[0].domain, str_cstr("f\"w")));
    assert_int_equal(rec.ext_version, 1);
    assert_int_equal(rec.spf_scope, HIST_SPF_SCOPE_HELO);
    assert_int_equal(rec.fo, HIST_FO_D | HIST_FO_S);
    assert_int_equal(rec.np, HIST_WREQ_QUARANTINE);
    assert_int_equal(rec.psd, HIST_PSD_Y);
    assert_int_equal(rec.t, HIST_T_N);
    assert_int_equal(rec.discovery, HIST_DISC_PSL);
    assert_int_equal(rec.override_count, 2);
    assert_int_equal(rec.overrides[1].type, HIST_OVR_LOCAL_POLICY);
    assert_true(str_eq(rec.overrides[1].comment, str_cstr("arc=pass x")));
    assert_int_equal(rec.action, 4);
    assert_true(hist_reader_stats(r)->warnings >= 2);
    assert_int_equal(hist_reader_next(r, &rec), HIST_READ_END);
    hist_reader_free(r);
    (void)close(fd);
}

/* ARC_HEAD, ARC_TAIL - a record around its arc_policy value */
#define ARC_HEAD                                                             \
    "job 1\nreporter r\nreceived 5\nipaddr 192.0.2.9\nfrom a.example\n"      \
    "mfrom b.example\nspf 0\npdomain a.example\npolicy 16\nrua -\npct 100\n" \
    "adkim 114\naspf 114\np 114\nsp 0\nalign_dkim 5\nalign_spf 5\narc 0\n"   \
    "arc_policy "
#define ARC_TAIL         \
    "\nhist_version 1\n" \
    "override trusted_forwarder arc=pass as[1].d=x as[1].s=y\naction 2\n"

/* test_bad_arc_policy - a malformed arc_policy costs only that record's
 * ARC data, with a warning; every other field and the next record stay
 * (OpenDMARC 1.4.2's importer aborted the run: history-format.md 8.4) */
static void
test_bad_arc_policy(void **state)
{
    static const char *const bad[] = {
        "0 json:[{ \"i\": 1, \"d\":\"a\"b\", \"s\":\"s\", \"ip\":\"\" }]",
        "0 json:[{ \"i\": 1, \"d\":\"fw.example\"",
        "0 json:{ \"i\": 1 }",
        "0 json:[{ \"i\": \"one\", \"d\":\"x\" }]",
        "0 json:[{ \"i\": 1, \"d\":\"x\" }] trailing",
        "0 json:[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]",
        "0 json",
        "0 xml:[]",
    };
    char in[1024];

    (void)state;
    for (size_t k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
        struct hist_read_opts o = { 0, 1, false };
        int n = snprintf(in, sizeof(in), "%s%s%s%s", ARC_HEAD, bad[k], ARC_TAIL,
                         REC("2"));
        int fd;
        struct hist_reader *r;
        struct hist_rec rec;

        assert_true(n > 0 && (size_t)n < sizeof(in));
        fd = tmpfd(in, (size_t)n);
        r = hist_reader_new(fd, "t", &o);
        if (hist_reader_next(r, &rec) != HIST_READ_OK)
            fail_msg("'%s': record lost", bad[k]);
        assert_int_equal(rec.seal_count, 0);
        assert_int_equal(rec.arc, 0);
        assert_int_equal(rec.policy, 16);
        assert_int_equal(rec.override_count, 1);
        assert_int_equal(rec.overrides[0].type, HIST_OVR_TRUSTED_FORWARDER);
        assert_int_equal(rec.action, 2);
        if (hist_reader_stats(r)->warnings < 1)
            fail_msg("'%s': no warning", bad[k]);
        assert_int_equal(hist_reader_next(r, &rec), HIST_READ_OK);
        assert_true(str_eq(rec.job, str_cstr("2")));
        assert_int_equal(hist_reader_next(r, &rec), HIST_READ_END);
        hist_reader_free(r);
        (void)close(fd);
    }
}

/* test_develop_encodings - OpenDMARC develop's numeric spf_scope and fo */
static void
test_develop_encodings(void **state)
{
    static const char in[] = "job 1\nreporter r\nreceived 5\nipaddr ::1\n"
                             "from a.example\nspf 0\nspf_scope 1\n"
                             "pdomain a.example\nfo 10\naction 2\n";
    struct hist_read_opts o = { 0, 1, false };
    int fd = tmpfd(in, sizeof(in) - 1);
    struct hist_reader *r = hist_reader_new(fd, "t", &o);
    struct hist_rec rec;

    (void)state;
    assert_int_equal(hist_reader_next(r, &rec), HIST_READ_OK);
    assert_int_equal(rec.spf_scope, HIST_SPF_SCOPE_MFROM);
    assert_int_equal(rec.fo, HIST_FO_1 | HIST_FO_S);
    assert_int_equal(rec.ext_version, 0);
    hist_reader_free(r);
    (void)close(fd);
}

/* test_resume - starting at an offset numbers lines from there */
static void
test_resume(void **state)
{
    static const char in[] = REC("1") REC("2");
    struct hist_read_opts o = { sizeof(REC("1")) - 1, 21, false };
    int fd = tmpfd(in, sizeof(in) - 1);
    struct hist_reader *r;
    struct hist_rec rec;

    (void)state;
    assert_int_equal(lseek(fd, (off_t)o.offset, SEEK_SET), (off_t)o.offset);
    r = hist_reader_new(fd, "t", &o);
    assert_int_equal(hist_reader_next(r, &rec), HIST_READ_OK);
    assert_true(str_eq(rec.job, str_cstr("2")));
    assert_int_equal(hist_reader_record_line(r), 21);
    assert_int_equal(hist_reader_offset(r), sizeof(in) - 1);
    assert_int_equal(hist_reader_line(r), 41);
    hist_reader_free(r);
    (void)close(fd);
}

/* setup - quiet logging: the cases log on purpose */
static int
setup(void **state)
{
    (void)state;
    if (log_open("test", NULL, true) < 0)
        return -1;
    log_set_level(LOG_LEVEL_ERR);
    return 0;
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cases),  cmocka_unit_test(test_long_line),
        cmocka_unit_test(test_fields), cmocka_unit_test(test_develop_encodings),
        cmocka_unit_test(test_resume), cmocka_unit_test(test_bad_arc_policy),
    };

    return cmocka_run_group_tests(tests, setup, NULL);
}
