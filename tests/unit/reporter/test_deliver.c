/*
 * test_deliver - delivery through tests/tools/fake-sendmail: argument
 * vector, message, environment, exit statuses, deadline, refused
 * addresses.
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
#include "common/exec.h"
#include "reporter/deliver.h"
#include "tests/lib/testxml.h"

/* the test's capture folder and the fake's environment */
struct fixture {
    char dir[64];      /* mkdtemp folder */
    char env_dir[128]; /* FAKE_SENDMAIL_DIR=dir */
    char path[4096];   /* the fake sendmail program */
};

/* setup - a fresh capture folder */
static int
setup(void **state)
{
    static struct fixture f;
    const char *build = getenv("BUILD"); /* NOLINT(concurrency-mt-unsafe):
                                            single-threaded test */
    char rel[256];

    (void)snprintf(f.dir, sizeof(f.dir), "/tmp/test_deliver.XXXXXX");
    if (mkdtemp(f.dir) == NULL)
        return -1;
    (void)snprintf(f.env_dir, sizeof(f.env_dir), "FAKE_SENDMAIL_DIR=%s", f.dir);
    (void)snprintf(rel, sizeof(rel), "%s/tests/tools/fake-sendmail",
                   build ? build : "build");
    (void)snprintf(f.path, sizeof(f.path), "%s", testxml_path(rel));
    *state = &f;
    return 0;
}

/* teardown - remove the capture folder */
static int
teardown(void **state)
{
    struct fixture *f = *state;
    const char *argv[] = { "rm", "-rf", f->dir, NULL };
    const char *envp[] = { NULL };
    struct exec_cmd cmd = { "/bin/rm", argv, envp, NULL, 0, 10000 };
    struct exec_result res;

    if (exec_run(&cmd, &res) < 0 || !res.is_exited || res.status != 0)
        return -1;
    return 0;
}

/* slurp - the contents of dir/name, "" when missing */
static char *
slurp(const struct fixture *f, const char *name)
{
    char path[256];
    struct buf b;
    FILE *fp;

    (void)snprintf(path, sizeof(path), "%s/%s", f->dir, name);
    buf_init(&b, (size_t)16 << 20);
    fp = fopen(path, "rb");
    if (fp != NULL) {
        char chunk[4096];
        size_t n;

        while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
            assert_int_equal(buf_append(&b, chunk, n), 0);
        (void)fclose(fp);
    }
    if (b.data == NULL)
        assert_int_equal(buf_append_str(&b, ""), 0);
    return buf_steal(&b);
}

/* set_mode - what the fake does next */
static void
set_mode(const struct fixture *f, const char *mode)
{
    char path[256];
    FILE *fp;

    (void)snprintf(path, sizeof(path), "%s/mode", f->dir);
    fp = fopen(path, "w");
    assert_non_null(fp);
    (void)fputs(mode, fp);
    assert_int_equal(fclose(fp), 0);
}

static const char msg[] = "From: a@example.net\r\nTo: b@example.org\r\n"
                          "Subject: x\r\n\r\n.\r\nbody\r\n";

/* test_sent - argv, message and environment as recorded by the fake */
static void
test_sent(void **state)
{
    struct fixture *f = *state;
    const char *envp[] = { f->env_dir, "PATH=/usr/bin:/bin", NULL };
    struct deliver_sendmail o = { f->path, envp, 10 };
    const char *rcpt[] = { "rua@example.org", "other@example.com" };
    struct deliver_envelope env = { "bounce@receiver.example", rcpt, 2 };
    const char *why = NULL;
    char expect[256];
    char *s;

    set_mode(f, "ok");
    assert_int_equal(deliver_sendmail(&o, &env, msg, sizeof(msg) - 1, &why),
                     DELIVER_SENT);
    s = slurp(f, "1.args");
    assert_string_equal(s, "-i\n-f\nbounce@receiver.example\n"
                           "rua@example.org\nother@example.com\n");
    free(s);
    s = slurp(f, "1.eml");
    assert_string_equal(s, msg);
    free(s);
    s = slurp(f, "1.env");
    (void)snprintf(expect, sizeof(expect), "%s\nPATH=/usr/bin:/bin\n",
                   f->env_dir);
    assert_string_equal(s, expect); /* exactly the given environment */
    free(s);
}

/* one fake behaviour and the expected outcome */
struct mode_case {
    const char *mode;           /* what the fake does */
    unsigned timeout_s;         /* deadline */
    enum deliver_status status; /* expected */
    const char *why;            /* expected reason */
};

static const struct mode_case mode_cases[] = {
    { "ok", 10, DELIVER_SENT, "sent" },
    { "tempfail", 10, DELIVER_TEMPFAIL, "sendmail command: temporary failure" },
    { "fail", 10, DELIVER_PERMFAIL, "sendmail command failed" },
    { "hang", 1, DELIVER_TEMPFAIL, "sendmail command timed out" },
};

/* test_modes - every row of mode_cases */
static void
test_modes(void **state)
{
    struct fixture *f = *state;
    const char *rcpt[] = { "rua@example.org" };
    struct deliver_envelope env = { "bounce@receiver.example", rcpt, 1 };
    const char *why = NULL;

    for (size_t i = 0; i < sizeof(mode_cases) / sizeof(mode_cases[0]); i++) {
        const struct mode_case *c = &mode_cases[i];
        const char *envp[] = { f->env_dir, NULL };
        struct deliver_sendmail o = { f->path, envp, c->timeout_s };

        set_mode(f, c->mode);
        assert_int_equal(deliver_sendmail(&o, &env, msg, sizeof(msg) - 1, &why),
                         c->status);
        assert_string_equal(why, c->why);
    }
}

/* test_not_runnable - a bad command path is a permanent failure */
static void
test_not_runnable(void **state)
{
    const char *rcpt[] = { "rua@example.org" };
    struct deliver_envelope env = { "bounce@receiver.example", rcpt, 1 };
    struct deliver_sendmail o = { "/nonexistent/sendmail", NULL, 5 };
    const char *why = NULL;

    (void)state;
    assert_int_equal(deliver_sendmail(&o, &env, msg, sizeof(msg) - 1, &why),
                     DELIVER_PERMFAIL);
    assert_string_equal(why, "sendmail command cannot be run");
    o.path = "sendmail";
    assert_int_equal(deliver_sendmail(&o, &env, msg, sizeof(msg) - 1, &why),
                     DELIVER_PERMFAIL);
}

/* one address check */
struct addr_case {
    const char *addr; /* input */
    bool is_ok;       /* expected */
};

static const struct addr_case addr_cases[] = {
    { "rua@example.org", true },
    { "a+b.c@sub.example.org", true },
    { "x@y", true },
    { "", false },
    { "@example.org", false },
    { "rua@", false },
    { "rua", false },
    { "a@b@c", false },
    { "-oQ/tmp@example.org", false },
    { "-f@example.org", false },
    { "rua @example.org", false },
    { "rua@example.org\r\nBcc: x@y", false },
    { "rua@example.org,other@example.com", false },
    { "rua@example.org;x", false },
    { "<rua@example.org>", false },
    { "\"a b\"@example.org", false },
    { "a\\b@example.org", false },
    { "r\tua@example.org", false },
    { "ru\x7f@example.org", false },
    { "r\xc3\xa9@example.org", false },
};

/* test_addresses - every row of addr_cases, and refusal before running */
static void
test_addresses(void **state)
{
    struct fixture *f = *state;
    const char *envp[] = { f->env_dir, NULL };
    struct deliver_sendmail o = { f->path, envp, 5 };
    const char *why = NULL;
    char longaddr[300];

    for (size_t i = 0; i < sizeof(addr_cases) / sizeof(addr_cases[0]); i++)
        assert_int_equal(deliver_addr_ok(addr_cases[i].addr),
                         addr_cases[i].is_ok);
    memset(longaddr, 'a', sizeof(longaddr));
    memcpy(longaddr + 243, "@example.org", 13); /* 255 bytes */
    assert_false(deliver_addr_ok(longaddr));
    memcpy(longaddr + 242, "@example.org", 13); /* 254 bytes */
    assert_true(deliver_addr_ok(longaddr));
    for (size_t i = 0; i < sizeof(addr_cases) / sizeof(addr_cases[0]); i++) {
        const char *rcpt[] = { addr_cases[i].addr };
        struct deliver_envelope env = { "bounce@receiver.example", rcpt, 1 };
        struct deliver_envelope env2 = { addr_cases[i].addr, rcpt, 1 };

        if (addr_cases[i].is_ok)
            continue;
        assert_int_equal(deliver_sendmail(&o, &env, msg, sizeof(msg) - 1, &why),
                         DELIVER_BADADDR);
        assert_string_equal(why, "recipient address refused");
        assert_int_equal(
            deliver_sendmail(&o, &env2, msg, sizeof(msg) - 1, &why),
            DELIVER_BADADDR);
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_sent, setup, teardown),
        cmocka_unit_test_setup_teardown(test_modes, setup, teardown),
        cmocka_unit_test(test_not_runnable),
        cmocka_unit_test_setup_teardown(test_addresses, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
