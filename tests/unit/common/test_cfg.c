/*
 * test_cfg - the configuration parser: the key table and defaults, line
 * syntax, error messages, the shipped sample files and the man page (the
 * values of every type, through cfg_set, are test_cfg_set's).
 *
 * Log lines are captured by pointing standard error at a temporary file
 * while the parser runs (log_open(..., true) writes there).  Data files
 * are found under $TOP/tests/data/cfg ($TOP defaults to ".").
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

#include "common/cfg.h"
#include "common/log.h"

/* CAP_MAX - most log text one capture keeps */
#define CAP_MAX 65536

/* standard error redirected to a temporary file */
struct capture {
    FILE *f;            /* the temporary file */
    int saved;          /* the original standard error */
    char text[CAP_MAX]; /* what was logged, NUL-terminated */
};

static struct capture cap; /* one capture at a time */

/* cap_start - send standard error to a fresh temporary file */
static void
cap_start(void)
{
    cap.f = tmpfile();
    assert_non_null(cap.f);
    cap.saved = dup(STDERR_FILENO);
    assert_true(cap.saved >= 0);
    assert_true(dup2(fileno(cap.f), STDERR_FILENO) >= 0);
}

/* cap_end - restore standard error; returns what was logged */
static const char *
cap_end(void)
{
    size_t n;

    assert_true(dup2(cap.saved, STDERR_FILENO) >= 0);
    close(cap.saved);
    rewind(cap.f);
    n = fread(cap.text, 1, sizeof(cap.text) - 1, cap.f);
    cap.text[n] = '\0';
    fclose(cap.f);
    return cap.text;
}

/* data_path - $TOP/tests/data/cfg/name into buf */
static const char *
data_path(char *buf, size_t size, const char *name)
{
    const char *top = getenv("TOP");

    snprintf(buf, size, "%s/tests/data/cfg/%s", top ? top : ".", name);
    return buf;
}

/* test_defaults - a new cfg holds opendmarc.conf(5)'s defaults */
static void
test_defaults(void **state)
{
    struct cfg *c = cfg_new();
    size_t n = 99;

    (void)state;
    assert_true(cfg_bool(c, CFG_BACKGROUND));
    assert_false(cfg_bool(c, CFG_REJECTFAILURES));
    assert_false(cfg_bool(c, CFG_SYSLOG));
    assert_int_equal(cfg_uint(c, CFG_DNSTIMEOUT), 5);
    assert_int_equal(cfg_uint(c, CFG_DNSCACHESIZE), 10000);
    assert_int_equal(cfg_uint(c, CFG_DOMAINWHITELISTSIZE), 1000);
    assert_string_equal(cfg_str(c, CFG_REJECTSTRING),
                        "rejected by DMARC policy for %s");
    assert_string_equal(cfg_str(c, CFG_REPORTCOMMAND), "/usr/sbin/sendmail");
    assert_string_equal(cfg_str(c, CFG_SYSLOGFACILITY), "mail");
    assert_string_equal(cfg_str(c, CFG_LOGLEVEL), "info");
    assert_string_equal(cfg_str(c, CFG_DATABASE),
                        "/var/lib/dmarcsuite/dmarc.db");
    assert_null(cfg_str(c, CFG_AUTHSERVID));
    assert_null(cfg_str(c, CFG_IGNOREHOSTS));
    assert_null(cfg_str(c, CFG_NAMESERVERS));
    assert_false(cfg_is_set(c, CFG_UMASK));
    assert_int_equal(cfg_uint(c, CFG_UMASK), 0);
    assert_false(cfg_is_set(c, CFG_BACKGROUND));
    assert_null(cfg_list(c, CFG_TRUSTEDAUTHSERVIDS, &n));
    assert_int_equal(n, 0);
    cfg_free(c);
    cfg_free(NULL);
}

/* test_table - every key has a unique name that looks itself up */
static void
test_table(void **state)
{
    char desc[CFG_MAX_DESC];

    (void)state;
    for (size_t k = 0; k < CFG_KEY_COUNT; k++) {
        const char *name = cfg_name((enum cfg_key)k);
        char upper[64];
        enum cfg_key got;

        assert_non_null(name);
        assert_true(strlen(name) < sizeof(upper));
        for (size_t i = 0; name[i] != '\0'; i++)
            upper[i] =
                (char)(name[i] >= 'a' && name[i] <= 'z' ? name[i] - 'a' + 'A'
                                                        : name[i]);
        assert_int_equal(cfg_lookup(upper, strlen(name), &got), 0);
        assert_int_equal(got, k);
        assert_true(strlen(cfg_describe((enum cfg_key)k, desc, sizeof(desc))) <
                    sizeof(desc) - 1);
        assert_true(cfg_is_opendmarc((enum cfg_key)k) == (k < CFG_NAMESERVERS));
    }
    assert_int_equal(cfg_lookup("Nope", 4, &(enum cfg_key){ 0 }), -1);
    assert_int_equal(cfg_lookup("Syslo", 5, &(enum cfg_key){ 0 }), -1);
    assert_false(cfg_is_implemented(CFG_NOREPORTSLIST));
    assert_true(cfg_is_implemented(CFG_DOMAINWHITELIST));
    assert_true(cfg_is_implemented(CFG_DOMAINWHITELISTFILE));
    assert_true(cfg_is_implemented(CFG_DOMAINWHITELISTSIZE));
    assert_true(cfg_is_implemented(CFG_AUTORESTART));
    assert_true(cfg_is_implemented(CFG_REJECTFAILURES));
    assert_string_equal(cfg_type_name(CFG_UMASK), "octal");
    assert_int_equal(cfg_type_of(CFG_UMASK), CFG_T_UINT);
    assert_string_equal(cfg_type_name(CFG_DNSTIMEOUT), "duration");
    assert_string_equal(cfg_default_text(CFG_BACKGROUND), "true");
    assert_null(cfg_default_text(CFG_SOCKET));
    assert_string_equal(cfg_describe(CFG_BACKGROUND, desc, sizeof(desc)),
                        "(bool; default: true; OpenDMARC)");
}

/* one file-text case */
struct text_case {
    const char *text; /* file contents */
    size_t len;       /* 0: strlen(text) */
    int errors;       /* expected cfg_load_mem result */
    const char *log;  /* expected in the log, NULL: nothing logged */
};

static const struct text_case text_cases[] = {
    { "", 0, 0, NULL },
    { "\n\n   \n\t\n", 0, 0, NULL },
    { "# only a comment\n   # indented\n", 0, 0, NULL },
    { "Syslog true", 0, 0, NULL },
    { "syslog TRUE\n", 0, 0, NULL },
    { "SYSLOG\tyes   \t\n", 0, 0, NULL },
    { "Syslog true # comment\n", 0, 0, NULL },
    { "Syslog true\r\n", 0, 0, NULL },
    { "  Syslog true\n", 0, 0, NULL },
    { "\n\nSyslog maybe\n", 0, 1, "t.conf:3: Syslog: not a boolean\n" },
    { "DNSTimeout abc\n", 0, 1, "t.conf:1: DNSTimeout: not a duration\n" },
    { "DNSCacheSize abc\n", 0, 1, "t.conf:1: DNSCacheSize: not a number\n" },
    { "RejectFailurs true\n", 0, 1,
      "t.conf:1: RejectFailurs: unknown key (did you mean "
      "RejectFailures?)\n" },
    { "SysLogFacilty mail\n", 0, 1,
      "t.conf:1: SysLogFacilty: unknown key (did you mean "
      "SyslogFacility?)\n" },
    { "NoSuchThing 1\n", 0, 1, "t.conf:1: NoSuchThing: unknown key\n" },
    { "Syslog true\n# x\nSyslog false\n", 0, 1,
      "t.conf:3: Syslog: duplicate key (first set on line 1)\n" },
    { "Syslog\n", 0, 1, "t.conf:1: Syslog: missing value\n" },
    { "Syslog   # no value\n", 0, 1, "t.conf:1: Syslog: missing value\n" },
    { "LogLevel loud\n", 0, 1,
      "t.conf:1: LogLevel: not an allowed word (one of: err, warning, "
      "notice, info, debug)\n" },
    { "Syslog tr\001ue\n", 0, 1,
      "t.conf:1: control character (byte 0x01) in line\n" },
    { "Syslog true\0\n", 13, 1,
      "t.conf:1: control character (byte 0x00) in line\n" },
    { "# comment \033[31m\n", 0, 1,
      "t.conf:1: control character (byte 0x1b) in line\n" },
    { "Socket local:/a\rb\n", 0, 1,
      "t.conf:1: control character (byte 0x0d) in line\n" },
    { "\x7f\xff\xfe\x00garbage\n\x01\x02\n", 15, 2, "t.conf:2: control" },
    { "\xff\xfe binary\n", 0, 1, "t.conf:1: \\xff\\xfe: unknown key\n" },
    { "AuthservID \"mx.example.org\"\n", 0, 0,
      "t.conf:1: AuthservID: value is quoted" },
    { "NoReportsList a.example\n", 0, 0,
      "t.conf:1: NoReportsList: not implemented by dmarcsuite; ignored\n" },
    { "Bogus 1\nSyslog x\nDNSTimeout -1\nSyslog true\nSyslog false\n", 0, 4,
      "t.conf:5: Syslog: duplicate key (first set on line 4)\n" },
    { "Bogus 1\nSyslog x\nDNSTimeout -1\n", 0, 3,
      "t.conf:3: DNSTimeout: not a duration\n" },
};

/* test_text - every row of text_cases, with its log output */
static void
test_text(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(text_cases) / sizeof(text_cases[0]); i++) {
        const struct text_case *tc = &text_cases[i];
        struct cfg *c = cfg_new();
        size_t len = tc->len != 0 ? tc->len : strlen(tc->text);
        const char *log;
        int errors;

        print_message("# case %zu\n", i);
        cap_start();
        errors = cfg_load_mem(c, "t.conf", tc->text, len);
        log = cap_end();
        assert_int_equal(errors, tc->errors);
        if (tc->log == NULL)
            assert_string_equal(log, "");
        else if (strstr(log, tc->log) == NULL)
            fail_msg("log lacks \"%s\": %s", tc->log, log);
        cfg_free(c);
    }
}

/* test_long_line - a line over CFG_MAX_LINE is an error, never cut */
static void
test_long_line(void **state)
{
    size_t len = CFG_MAX_LINE + 40;
    char *text = malloc(len + 1);
    struct cfg *c = cfg_new();
    const char *log;
    int errors;

    (void)state;
    assert_non_null(text);
    memcpy(text, "AuthservID ", 11);
    memset(text + 11, 'a', len - 11);
    text[len] = '\0';
    cap_start();
    errors = cfg_load_mem(c, "t.conf", text, len);
    log = cap_end();
    assert_int_equal(errors, 1);
    assert_non_null(strstr(log, "t.conf:1: line longer than 4096 bytes"));
    assert_null(cfg_str(c, CFG_AUTHSERVID));
    /* exactly CFG_MAX_LINE is fine */
    assert_int_equal(cfg_load_mem(c, "t.conf", text, CFG_MAX_LINE), 0);
    assert_int_equal(strlen(cfg_str(c, CFG_AUTHSERVID)), CFG_MAX_LINE - 11);
    free(text);
    cfg_free(c);
}

/* test_values_from_text - what a file sets is what the accessors return */
static void
test_values_from_text(void **state)
{
    static const char text[] =
        "rejectstring Go away, %s   \n"
        "ReportCommand /usr/sbin/sendmail -t # cut here\n"
        "TrustedAuthservIDs HOSTNAME,mx.example.org\n"
        "umask 007\n"
        "Background off\n"
        "Syslog maybe\n";
    struct cfg *c = cfg_new();
    const char *const *items;
    const char *why;
    size_t n;

    (void)state;
    cap_start();
    assert_int_equal(cfg_load_mem(c, "t.conf", text, sizeof(text) - 1), 1);
    (void)cap_end();
    assert_string_equal(cfg_str(c, CFG_REJECTSTRING), "Go away, %s");
    assert_string_equal(cfg_str(c, CFG_REPORTCOMMAND), "/usr/sbin/sendmail -t");
    items = cfg_list(c, CFG_TRUSTEDAUTHSERVIDS, &n);
    assert_int_equal(n, 2);
    assert_string_equal(items[0], "HOSTNAME");
    assert_string_equal(items[1], "mx.example.org");
    assert_true(cfg_is_set(c, CFG_UMASK));
    assert_int_equal(cfg_uint(c, CFG_UMASK), 7);
    assert_false(cfg_bool(c, CFG_BACKGROUND));
    assert_false(cfg_is_set(c, CFG_SYSLOG)); /* the bad value left it */
    /* a later cfg_set (a command-line option) replaces the file's value */
    assert_int_equal(cfg_set(c, CFG_BACKGROUND, "yes", &why), 0);
    assert_true(cfg_bool(c, CFG_BACKGROUND));
    cfg_free(c);
}

/* test_files - the shipped samples and the acceptance files */
static void
test_files(void **state)
{
    char path[4096];
    const char *log;
    struct cfg *c;

    (void)state;
    /* (a) Debian's /etc/opendmarc.conf */
    c = cfg_new();
    cap_start();
    assert_int_equal(
        cfg_load(c, data_path(path, sizeof(path), "debian-opendmarc.conf")), 0);
    log = cap_end();
    assert_string_equal(log, "");
    assert_true(cfg_bool(c, CFG_SYSLOG));
    assert_int_equal(cfg_uint(c, CFG_UMASK), 2);
    assert_string_equal(cfg_str(c, CFG_USERID), "opendmarc");
    assert_string_equal(cfg_str(c, CFG_SOCKET),
                        "local:/run/opendmarc/opendmarc.sock");
    cfg_free(c);

    /* (b) every opendmarc.conf(5) key: no error, no warning */
    c = cfg_new();
    cap_start();
    assert_int_equal(
        cfg_load(c, data_path(path, sizeof(path), "all-keys.conf")), 0);
    log = cap_end();
    assert_null(strstr(log, "error"));
    /* every OpenDMARC 1.4.2 key is implemented (DomainWhitelist* last) */
    assert_null(strstr(log, "not implemented"));
    for (size_t k = 0; k < CFG_NOREPORTSLIST; k++)
        assert_true(cfg_is_set(c, (enum cfg_key)k));
    cfg_free(c);

    /* (c) a typo names file and line */
    c = cfg_new();
    cap_start();
    assert_int_equal(cfg_load(c, data_path(path, sizeof(path), "typo.conf")),
                     1);
    log = cap_end();
    assert_non_null(strstr(log, "typo.conf:4: RejectFailurs: unknown key "
                                "(did you mean RejectFailures?)"));
    cfg_free(c);

    /* the suite's own keys */
    c = cfg_new();
    assert_int_equal(
        cfg_load(c, data_path(path, sizeof(path), "suite-keys.conf")), 0);
    assert_string_equal(cfg_str(c, CFG_NAMESERVERS),
                        "127.0.0.1:5353, [::1]:53");
    assert_int_equal(cfg_uint(c, CFG_DNSCACHESIZE), 0);
    assert_string_equal(cfg_str(c, CFG_LOGLEVEL), "debug");
    assert_string_equal(cfg_str(c, CFG_DATABASE),
                        "/var/lib/dmarcsuite/test.db");
    cfg_free(c);
}

/* test_unreadable - a missing file, a folder, a huge file: -1, logged */
static void
test_unreadable(void **state)
{
    char path[] = "/tmp/test_cfg_XXXXXX";
    struct cfg *c = cfg_new();
    const char *log;
    int fd;

    (void)state;
    cap_start();
    assert_int_equal(cfg_load(c, "/nonexistent/dmarcsuite.conf"), -1);
    log = cap_end();
    assert_non_null(
        strstr(log, "/nonexistent/dmarcsuite.conf: cannot open: No such"));
    cap_start();
    assert_int_equal(cfg_load(c, "/"), -1);
    (void)cap_end();

    fd = mkstemp(path);
    assert_true(fd >= 0);
    for (size_t i = 0; i <= CFG_MAX_FILE / 16; i++)
        assert_int_equal(write(fd, "# padding line.\n", 16), 16);
    close(fd);
    cap_start();
    assert_int_equal(cfg_load(c, path), -1);
    log = cap_end();
    assert_non_null(strstr(log, "larger than 1048576 bytes"));
    unlink(path);
    cfg_free(c);
}

/* test_man_page - the man page shows every key's summary line */
static void
test_man_page(void **state)
{
    const char *top = getenv("TOP");
    char path[4096];
    char desc[CFG_MAX_DESC];
    char want[CFG_MAX_DESC + 80];
    static char man[256 * 1024];
    FILE *f;
    size_t n;

    (void)state;
    snprintf(path, sizeof(path), "%s/man/dmarcsuite.conf.5", top ? top : ".");
    f = fopen(path, "r");
    assert_non_null(f);
    n = fread(man, 1, sizeof(man) - 1, f);
    man[n] = '\0';
    fclose(f);
    for (size_t k = 0; k < CFG_KEY_COUNT; k++) {
        snprintf(want, sizeof(want), ".TP\n.B %s\n%s\n",
                 cfg_name((enum cfg_key)k),
                 cfg_describe((enum cfg_key)k, desc, sizeof(desc)));
        if (strstr(man, want) == NULL)
            fail_msg("man page lacks: %s", want);
    }
}

/* setup - log to standard error, errors and warnings only */
static int
setup(void **state)
{
    (void)state;
    if (log_open("test_cfg", NULL, true) < 0)
        return -1;
    log_set_level(LOG_LEVEL_WARN);
    return 0;
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_table),
        cmocka_unit_test(test_text),
        cmocka_unit_test(test_long_line),
        cmocka_unit_test(test_values_from_text),
        cmocka_unit_test(test_files),
        cmocka_unit_test(test_unreadable),
        cmocka_unit_test(test_man_page),
    };

    return cmocka_run_group_tests(tests, setup, NULL);
}
