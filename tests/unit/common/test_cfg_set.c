/*
 * test_cfg_set - configuration values of every type through cfg_set(), one
 * table row each: accepted values with what the accessors then return,
 * rejected ones with their reason (and the value left as it was), and
 * how list items are split.  The file syntax is test_cfg's.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "common/cfg.h"
#include "common/log.h"
#include "common/xalloc.h"

/* one cfg_set case */
struct set_case {
    enum cfg_key key;  /* key set */
    const char *value; /* text given */
    const char *why;   /* expected reason, NULL: accepted */
    uint64_t num;      /* bool/uint/duration/octal: expected value */
    const char *str;   /* expected cfg_str, NULL: do not check */
};

static const struct set_case set_cases[] = {
    /* bool */
    { CFG_SYSLOG, "true", NULL, 1, NULL },
    { CFG_SYSLOG, "TRUE", NULL, 1, NULL },
    { CFG_SYSLOG, "Yes", NULL, 1, NULL },
    { CFG_SYSLOG, "on", NULL, 1, NULL },
    { CFG_SYSLOG, "1", NULL, 1, NULL },
    { CFG_SYSLOG, "false", NULL, 0, NULL },
    { CFG_SYSLOG, "No", NULL, 0, NULL },
    { CFG_SYSLOG, "OFF", NULL, 0, NULL },
    { CFG_SYSLOG, "0", NULL, 0, NULL },
    { CFG_SYSLOG, "  true  ", NULL, 1, "true" },
    { CFG_SYSLOG, "t", "not a boolean", 0, NULL },
    { CFG_SYSLOG, "yep", "not a boolean", 0, NULL },
    { CFG_SYSLOG, "2", "not a boolean", 0, NULL },
    { CFG_SYSLOG, "\"true\"", "not a boolean", 0, NULL },
    { CFG_SYSLOG, "", "missing value", 0, NULL },
    { CFG_SYSLOG, "   ", "missing value", 0, NULL },
    /* uint */
    { CFG_DNSCACHESIZE, "0", NULL, 0, NULL },
    { CFG_DNSCACHESIZE, "10000000", NULL, 10000000, NULL },
    { CFG_DNSCACHESIZE, "10000001", "out of range", 0, NULL },
    { CFG_DNSCACHESIZE, "-1", "not a number", 0, NULL },
    { CFG_DNSCACHESIZE, "12k", "not a number", 0, NULL },
    { CFG_DNSCACHESIZE, "99999999999999999999999", "out of range", 0, NULL },
    { CFG_MILTERDEBUG, "6", NULL, 6, NULL },
    { CFG_MILTERDEBUG, "256", "out of range", 0, NULL },
    { CFG_AUTORESTARTCOUNT, "4294967295", NULL, 4294967295u, NULL },
    /* octal */
    { CFG_UMASK, "0002", NULL, 2, NULL },
    { CFG_UMASK, "007", NULL, 7, NULL },
    { CFG_UMASK, "027", NULL, 027, NULL },
    { CFG_UMASK, "777", NULL, 0777, NULL },
    { CFG_UMASK, "0", NULL, 0, NULL },
    { CFG_UMASK, "1000", "out of range", 0, NULL },
    { CFG_UMASK, "0008", "not an octal number", 0, NULL },
    { CFG_UMASK, "0x1f", "not an octal number", 0, NULL },
    { CFG_UMASK, "-2", "not an octal number", 0, NULL },
    /* duration */
    { CFG_DNSTIMEOUT, "5", NULL, 5, NULL },
    { CFG_DNSTIMEOUT, "0", NULL, 0, NULL },
    { CFG_DNSTIMEOUT, "30s", NULL, 30, NULL },
    { CFG_DNSTIMEOUT, "2m", NULL, 120, NULL },
    { CFG_DNSTIMEOUT, "1H", NULL, 3600, NULL },
    { CFG_DNSTIMEOUT, "3601", "out of range", 0, NULL },
    { CFG_DNSTIMEOUT, "2h", "out of range", 0, NULL },
    { CFG_DNSTIMEOUT, "1d", "out of range", 0, NULL },
    { CFG_DNSTIMEOUT, "s", "not a duration", 0, NULL },
    { CFG_DNSTIMEOUT, "5x", "not a duration", 0, NULL },
    { CFG_DNSTIMEOUT, "5 s", "not a duration", 0, NULL },
    { CFG_DNSTIMEOUT, "1.5", "not a duration", 0, NULL },
    { CFG_DNSTIMEOUT, "99999999999999999999d", "out of range", 0, NULL },
    /* enum */
    { CFG_LOGLEVEL, "debug", NULL, 0, "debug" },
    { CFG_LOGLEVEL, "WARNING", NULL, 0, "warning" },
    { CFG_LOGLEVEL, "warn", "not an allowed word", 0, NULL },
    { CFG_SYSLOGFACILITY, "LOCAL3", NULL, 0, "local3" },
    { CFG_SYSLOGFACILITY, "local8", "not an allowed word", 0, NULL },
    /* string, path */
    { CFG_REJECTSTRING, "no DMARC for %s, sorry", NULL, 0,
      "no DMARC for %s, sorry" },
    { CFG_REJECTSTRING, "rejected", "must contain \"%s\" exactly once", 0,
      NULL },
    { CFG_REJECTSTRING, "%s and %s", "must contain \"%s\" exactly once", 0,
      NULL },
    { CFG_REJECTSTRING, "%n for %s", "'%' other than one \"%s\"", 0, NULL },
    { CFG_REJECTSTRING, "100% for %s", "'%' other than one \"%s\"", 0, NULL },
    { CFG_REPORTCOMMAND, "/usr/sbin/sendmail -t -odq", NULL, 0,
      "/usr/sbin/sendmail -t -odq" },
    { CFG_AUTHSERVID, "HOSTNAME", NULL, 0, "HOSTNAME" },
    { CFG_AUTHSERVID, "a\tb", NULL, 0, "a\tb" },
    { CFG_AUTHSERVID, "a\001b", "control character in value", 0, NULL },
    { CFG_HISTORYFILE, "/var/run/x.dat", NULL, 0, "/var/run/x.dat" },
    { CFG_AUTORESTARTRATE, "10/1h", NULL, 0, "10/1h" },
    { CFG_AUTORESTARTRATE, "10/30", NULL, 0, "10/30" },
    { CFG_AUTORESTARTRATE, "10/1x", "not of the form n/t[u]", 0, NULL },
    { CFG_AUTORESTARTRATE, "10", "not of the form n/t[u]", 0, NULL },
    { CFG_AUTORESTARTRATE, "/1h", "not of the form n/t[u]", 0, NULL },
    { CFG_AUTORESTARTRATE, "1/h", "not of the form n/t[u]", 0, NULL },
    { CFG_AUTORESTARTRATE, "1/1hh", "not of the form n/t[u]", 0, NULL },
    /* list */
    { CFG_TRUSTEDAUTHSERVIDS, "a, b", NULL, 0, "a, b" },
    { CFG_TRUSTEDAUTHSERVIDS, ",", "empty list", 0, NULL },
    { CFG_TRUSTEDAUTHSERVIDS, " , ,", "empty list", 0, NULL },
};

/* num_of - the number a key of any numeric type holds */
static uint64_t
num_of(const struct cfg *c, enum cfg_key k)
{
    return cfg_type_of(k) == CFG_T_BOOL ? (uint64_t)cfg_bool(c, k)
                                        : cfg_uint(c, k);
}

/* test_set - every row of set_cases; a rejected value changes nothing */
static void
test_set(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(set_cases) / sizeof(set_cases[0]); i++) {
        const struct set_case *sc = &set_cases[i];
        struct cfg *c = cfg_new();
        const char *why = NULL;
        const char *before = cfg_str(c, sc->key);
        char *saved = before != NULL ? xstrdup(before) : NULL;
        int rc = cfg_set(c, sc->key, sc->value, &why);

        print_message("# %s %s\n", cfg_name(sc->key), sc->value);
        if (sc->why == NULL) {
            assert_int_equal(rc, 0);
            assert_true(cfg_is_set(c, sc->key));
            if (cfg_type_of(sc->key) == CFG_T_BOOL ||
                cfg_type_of(sc->key) == CFG_T_UINT ||
                cfg_type_of(sc->key) == CFG_T_DURATION)
                assert_true(num_of(c, sc->key) == sc->num);
            if (sc->str != NULL)
                assert_string_equal(cfg_str(c, sc->key), sc->str);
        } else {
            assert_int_equal(rc, -1);
            assert_string_equal(why, sc->why);
            assert_false(cfg_is_set(c, sc->key));
            if (saved != NULL)
                assert_string_equal(cfg_str(c, sc->key), saved);
            else
                assert_null(cfg_str(c, sc->key));
        }
        free(saved);
        cfg_free(c);
    }
}

/* test_list_items - items trimmed, empty ones dropped, order kept */
static void
test_list_items(void **state)
{
    struct cfg *c = cfg_new();
    const char *const *items;
    const char *why;
    size_t n;

    (void)state;
    assert_int_equal(cfg_set(c, CFG_IGNOREMAILFROM,
                             " Example.COM ,, example.net,\tx y ,", &why),
                     0);
    items = cfg_list(c, CFG_IGNOREMAILFROM, &n);
    assert_int_equal(n, 3);
    assert_string_equal(items[0], "Example.COM");
    assert_string_equal(items[1], "example.net");
    assert_string_equal(items[2], "x y");
    assert_int_equal(cfg_set(c, CFG_IGNOREMAILFROM, "one", &why), 0);
    items = cfg_list(c, CFG_IGNOREMAILFROM, &n);
    assert_int_equal(n, 1);
    assert_string_equal(items[0], "one");
    cfg_free(c);
}

/* setup - log to standard error, errors and warnings only */
static int
setup(void **state)
{
    (void)state;
    if (log_open("test_cfg_set", NULL, true) < 0)
        return -1;
    log_set_level(LOG_LEVEL_WARN);
    return 0;
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_set),
        cmocka_unit_test(test_list_items),
    };

    return cmocka_run_group_tests(tests, setup, NULL);
}
