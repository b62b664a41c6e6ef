/*
 * test_exec - running a command: exit status, signal, deadline, input,
 * environment, a program that cannot be run.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "common/exec.h"

/* one shell script and how it ends */
struct exec_case {
    const char *script; /* for /bin/sh -c */
    const char *env;    /* one environment entry, or NULL */
    bool is_exited;     /* expected */
    int status;         /* expected exit status */
    int signal;         /* expected signal */
};

static const struct exec_case exec_cases[] = {
    { "exit 0", NULL, true, 0, 0 },
    { "exit 3", NULL, true, 3, 0 },
    { "exit 75", NULL, true, 75, 0 },
    { "kill -9 $$", NULL, false, -1, 9 },
    { "test \"$FOO\" = bar", "FOO=bar", true, 0, 0 },
    { "test -z \"$HOME\"", "FOO=bar", true, 0, 0 },
    { "read line && test \"$line\" = hello", NULL, true, 0, 0 },
    { "test ! -e /proc/self/fd/3", NULL, true, 0, 0 },
};

/* test_cases - every row of exec_cases */
static void
test_cases(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(exec_cases) / sizeof(exec_cases[0]); i++) {
        const struct exec_case *c = &exec_cases[i];
        const char *argv[] = { "sh", "-c", c->script, NULL };
        const char *envp[] = { c->env, NULL };
        struct exec_cmd cmd = { "/bin/sh", argv, envp, "hello\n", 6, 5000 };
        struct exec_result res;

        assert_int_equal(exec_run(&cmd, &res), 0);
        assert_int_equal(res.is_exited, c->is_exited);
        assert_false(res.is_timeout);
        if (c->is_exited)
            assert_int_equal(res.status, c->status);
        else
            assert_int_equal(res.signal, c->signal);
    }
}

/* now_s - monotonic seconds */
static double
now_s(void)
{
    struct timespec ts;

    (void)clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* test_timeout - a hanging command and its children are killed */
static void
test_timeout(void **state)
{
    const char *argv[] = { "sh", "-c", "sleep 30 & wait", NULL };
    const char *envp[] = { "PATH=/usr/bin:/bin", NULL };
    struct exec_cmd cmd = { "/bin/sh", argv, envp, NULL, 0, 300 };
    struct exec_result res;
    double t0 = now_s();

    (void)state;
    assert_int_equal(exec_run(&cmd, &res), 0);
    assert_true(res.is_timeout);
    assert_false(res.is_exited);
    assert_int_equal(res.signal, 9);
    assert_true(now_s() - t0 < 3.0);
}

/* test_input - large input arrives whole; a reader that stops early is
 * reported */
static void
test_input(void **state)
{
    size_t len = (size_t)4 << 20;
    char *big = malloc(len);
    const char *count[] = { "sh", "-c",
                            "test \"$(wc -c | tr -d ' ')\" = 4194304", NULL };
    const char *stop[] = { "sh", "-c", "exit 0", NULL };
    const char *envp[] = { "PATH=/usr/bin:/bin", NULL };
    struct exec_cmd cmd = { "/bin/sh", count, envp, big, len, 10000 };
    struct exec_result res;

    (void)state;
    assert_non_null(big);
    memset(big, 'x', len);
    assert_int_equal(exec_run(&cmd, &res), 0);
    assert_true(res.is_exited);
    assert_int_equal(res.status, 0);
    assert_false(res.is_in_short);
    cmd.argv = stop;
    assert_int_equal(exec_run(&cmd, &res), 0);
    assert_true(res.is_exited);
    assert_true(res.is_in_short);
    free(big);
}

/* test_noexec - a missing program gives EXEC_STATUS_NOEXEC */
static void
test_noexec(void **state)
{
    const char *argv[] = { "nothing", NULL };
    const char *envp[] = { NULL };
    struct exec_cmd cmd = { "/nonexistent/program", argv, envp, "x", 1, 5000 };
    struct exec_result res;

    (void)state;
    assert_int_equal(exec_run(&cmd, &res), 0);
    assert_true(res.is_exited);
    assert_int_equal(res.status, EXEC_STATUS_NOEXEC);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cases),
        cmocka_unit_test(test_timeout),
        cmocka_unit_test(test_input),
        cmocka_unit_test(test_noexec),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
