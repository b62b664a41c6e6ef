/*
 * test_afrf_spool - FailureReportsSpool: a report spooled by one afrf
 * instance whose command fails is sent, intact, by a new instance (a
 * restart); a corrupt file goes to bad/ (the codec itself is
 * test_afrf_spoolfile's);
 * the spool holds at most its bound; a report whose command failed once
 * is sent by the retry timer (FailureReportsRetryInterval 1) with no
 * other trigger, and a pass after a new report leaves tried files to the
 * timer; durability: the file is fsynced
 * before its rename into new/ and new/ after it, a pass syncs new/, a
 * move to bad/ syncs bad/, and a failing fsync drops the report (fsync
 * and rename are link-time mocks, -Wl,--wrap in the Makefile).
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "common/cfg.h"
#include "reporter/afrf.h"
#include "reporter/afrf_job.h"
#include "reporter/afrf_spool.h"
#include "tests/unit/reporter/afrf_fixture.h"

/* the test's folder, capture script, other scripts and spool */
static struct afrf_fixture fx;
static char fail_cmd[128];
static char once_cmd[128];
static char spool[128];

/* the calls the mocks saw, one "fsync PATH" or "rename FROM TO" each */
static char events[64][2 * PATH_MAX + 16];
static size_t n_events;
static bool is_fsync_failing; /* the next fsync fails with EIO */

int __real_fsync(int fd);
int __wrap_fsync(int fd);
int __real_rename(const char *from, const char *to);
int __wrap_rename(const char *from, const char *to);

/* note - record one event (the last slot is overwritten when full) */
static void
note(const char *verb, const char *a, const char *b)
{
    size_t i = n_events < 64 ? n_events++ : 63;

    snprintf(events[i], sizeof(events[i]), "%s %s%s%s", verb, a,
             b != NULL ? " " : "", b != NULL ? b : "");
}

/* __wrap_fsync - record the path of fd, then fsync (or fail once) */
int
__wrap_fsync(int fd)
{
    char link[64];
    char path[PATH_MAX];
    ssize_t n;

    snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
    n = readlink(link, path, sizeof(path) - 1);
    path[n > 0 ? n : 0] = '\0';
    note("fsync", path, NULL);
    if (is_fsync_failing) {
        is_fsync_failing = false;
        errno = EIO;
        return -1;
    }
    return __real_fsync(fd);
}

/* __wrap_rename - record, then rename */
int
__wrap_rename(const char *from, const char *to)
{
    note("rename", from, to);
    return __real_rename(from, to);
}

static int
setup(void **state)
{
    char body[512];

    (void)state;
    afrf_fixture_setup(&fx, "test_afrf_spool");
    afrf_fixture_path(&fx, "fail.sh", fail_cmd, sizeof(fail_cmd));
    afrf_fixture_path(&fx, "once.sh", once_cmd, sizeof(once_cmd));
    afrf_fixture_path(&fx, "spool", spool, sizeof(spool));
    afrf_fixture_script(fail_cmd, "cat >/dev/null; exit 75");
    /* fails the first time, then captures as cap.sh */
    snprintf(body, sizeof(body),
             "if [ ! -f %s/failed ]; then cat >/dev/null; : >%s/failed; "
             "exit 75; fi\n"
             "{ echo \"ARGS $*\"; cat; echo; echo END; } >>%s",
             fx.dir, fx.dir, fx.capture);
    afrf_fixture_script(once_cmd, body);
    return 0;
}

/* clean_spool - the spool removed */
static void
clean_spool(void)
{
    static const char *const subs[] = { "tmp", "new", "bad" };
    char path[256];

    for (size_t i = 0; i < 3; i++) {
        snprintf(path, sizeof(path), "%s/%s", spool, subs[i]);
        afrf_fixture_empty(path);
        rmdir(path);
    }
    snprintf(path, sizeof(path), "%s/lock", spool);
    unlink(path);
    rmdir(spool);
}

static int
teardown(void **state)
{
    (void)state;
    clean_spool();
    afrf_fixture_teardown(&fx);
    return 0;
}

/* count_dir - entries of spool/sub, dot files left out */
static size_t
count_dir(const char *sub)
{
    char path[256];
    struct dirent *de;
    size_t n = 0;
    DIR *d;

    snprintf(path, sizeof(path), "%s/%s", spool, sub);
    d = opendir(path);
    assert_non_null(d);
    /* NOLINTNEXTLINE(concurrency-mt-unsafe): one thread, one stream */
    while ((de = readdir(d)) != NULL)
        n += de->d_name[0] != '.';
    closedir(d);
    return n;
}

/* new_afrf_retry - a reporter spooling to spool, running cmd, retrying
 * every interval */
static struct afrf *
new_afrf_retry(struct cfg **cfg, const char *cmd, const char *queue_size,
               const char *interval)
{
    const char *const kv[] = { "FailureReportsSpool",
                               spool,
                               "FailureReportsQueueSize",
                               queue_size,
                               "FailureReportsRetryInterval",
                               interval,
                               NULL };

    *cfg = afrf_fixture_cfg(cmd, kv);
    return afrf_fixture_afrf(*cfg);
}

/* new_afrf - a reporter spooling to spool, running cmd */
static struct afrf *
new_afrf(struct cfg **cfg, const char *cmd, const char *queue_size)
{
    return new_afrf_retry(cfg, cmd, queue_size, "5m");
}

/* msg_init - a failing message with a ruf destination */
static void
msg_init(struct afrf_fixture_msg *m)
{
    afrf_fixture_msg_init(m, "v=DMARC1; p=reject; ruf=mailto:ruf@example.com",
                          "QIDSPOOL", "spooled stuff");
    m->ev.client_port = 2525;
}

static void
test_restart(void **state)
{
    struct afrf_stats st;
    struct cfg *cfg;
    struct afrf *a = new_afrf(&cfg, fail_cmd, "10");
    struct afrf_fixture_msg m;
    char *cap;

    (void)state;
    msg_init(&m);
    /* the first run cannot send: the file stays, one try counted */
    assert_int_equal(afrf_submit(a, &m.ev), AFRF_QUEUED);
    assert_int_equal(afrf_flush(a, 5000), 0);
    afrf_stats(a, &st);
    assert_int_equal(st.failed, 1);
    afrf_free(a);
    cfg_free(cfg);
    assert_int_equal(count_dir("new"), 1);
    /* a new instance (a restart) sends it, intact, and removes it */
    unlink(fx.capture);
    a = new_afrf(&cfg, fx.cap_cmd, "10");
    afrf_resume(a);
    assert_int_equal(afrf_flush(a, 5000), 0);
    afrf_stats(a, &st);
    assert_int_equal(st.sent, 1);
    assert_int_equal(count_dir("new"), 0);
    assert_int_equal(count_dir("tmp"), 0);
    cap = afrf_fixture_slurp(&fx);
    assert_non_null(strstr(cap, "ARGS -i -f dmarc@receiver.test "
                                "ruf@example.com\n"));
    assert_non_null(strstr(cap, "Reported-Domain: example.com\r\n"));
    assert_non_null(strstr(cap, "Source-IP: 192.0.2.10\r\n"));
    assert_non_null(strstr(cap, "Original-Envelope-Id: QIDSPOOL\r\n"));
    assert_non_null(strstr(cap, "Subject: spooled stuff\r\n"));
    free(cap);
    afrf_free(a);
    cfg_free(cfg);
    dmarc_rec_free(&m.rec);
}

/* make_job - the job of m's event, with a body */
static struct afrf_job *
make_job(struct afrf_fixture_msg *m)
{
    m->ev.body = "body line\r\n";
    m->ev.body_len = strlen(m->ev.body);
    return afrf_fixture_job(&m->ev, true);
}

static void
test_bad_file(void **state)
{
    struct cfg *cfg;
    struct afrf *a;
    char path[256];
    FILE *f;

    (void)state;
    clean_spool();
    a = new_afrf(&cfg, fx.cap_cmd, "10");
    afrf_free(a);
    cfg_free(cfg);
    snprintf(path, sizeof(path), "%s/new/00000000000000000001.1.0.0", spool);
    f = fopen(path, "w");
    assert_non_null(f);
    fputs("dmarcsuite-afrf-spool 1\nkind 1\n", f);
    fclose(f);
    a = new_afrf(&cfg, fx.cap_cmd, "10");
    afrf_resume(a);
    assert_int_equal(afrf_flush(a, 5000), 0);
    assert_int_equal(count_dir("new"), 0);
    assert_int_equal(count_dir("bad"), 1);
    afrf_free(a);
    cfg_free(cfg);
}

static void
test_bound(void **state)
{
    struct afrf_spool *sp;
    struct afrf_fixture_msg m;
    struct afrf_job *j;
    const char *why = NULL;

    (void)state;
    clean_spool();
    msg_init(&m);
    j = make_job(&m);
    sp = afrf_spool_new(spool, 2);
    assert_non_null(sp);
    assert_int_equal(afrf_spool_put(sp, j, &why), 0);
    assert_int_equal(afrf_spool_put(sp, j, &why), 0);
    assert_int_equal(afrf_spool_put(sp, j, &why), -1);
    assert_string_equal(why, "spool full");
    assert_int_equal(afrf_spool_count(sp), 2);
    afrf_spool_free(sp);
    /* a new instance counts what is left */
    sp = afrf_spool_new(spool, 2);
    assert_non_null(sp);
    assert_int_equal(afrf_spool_count(sp), 2);
    assert_int_equal(afrf_spool_put(sp, j, &why), -1);
    afrf_spool_free(sp);
    assert_int_equal(count_dir("new"), 2);
    afrf_job_free(j);
    dmarc_rec_free(&m.rec);
}

/* give_up - a send that always fails temporarily */
static bool
give_up(void *arg, struct afrf_job *j)
{
    (void)j;
    (*(size_t *)arg)++;
    return false;
}

static void
test_retries(void **state)
{
    struct afrf_spool *sp;
    struct afrf_fixture_msg m;
    struct afrf_job *j;
    const char *why = NULL;
    size_t calls = 0;

    (void)state;
    clean_spool();
    msg_init(&m);
    j = make_job(&m);
    sp = afrf_spool_new(spool, 2);
    assert_non_null(sp);
    assert_int_equal(afrf_spool_put(sp, j, &why), 0);
    for (int i = 0; i < AFRF_SPOOL_MAX_TRIES + 2; i++)
        afrf_spool_run(sp, AFRF_SPOOL_PASS_ALL, give_up, &calls);
    assert_int_equal(calls, AFRF_SPOOL_MAX_TRIES);
    assert_int_equal(count_dir("new"), 0);
    assert_int_equal(afrf_spool_count(sp), 0);
    afrf_spool_free(sp);
    afrf_job_free(j);
    dmarc_rec_free(&m.rec);
}

/* sleep_ms - wait ms milliseconds */
static void
sleep_ms(long ms)
{
    struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

    nanosleep(&ts, NULL);
}

static void
test_retry_timer(void **state)
{
    struct afrf_stats st;
    struct cfg *cfg;
    struct afrf *a;
    struct afrf_fixture_msg m;
    char path[256];
    char *cap;
    int waited = 0;

    (void)state;
    clean_spool();
    unlink(fx.capture);
    snprintf(path, sizeof(path), "%s/failed", fx.dir);
    unlink(path);
    a = new_afrf_retry(&cfg, once_cmd, "10", "1");
    msg_init(&m);
    assert_int_equal(afrf_submit(a, &m.ev), AFRF_QUEUED);
    assert_int_equal(afrf_flush(a, 5000), 0);
    afrf_stats(a, &st);
    assert_int_equal(st.failed, 1);
    /* no new report, no restart: the timer sends it within a few s */
    do {
        sleep_ms(100);
        afrf_stats(a, &st);
    } while (st.sent == 0 && ++waited < 50);
    assert_int_equal(st.sent, 1);
    assert_int_equal(st.failed, 1);
    assert_int_equal(afrf_flush(a, 5000), 0);
    assert_int_equal(count_dir("new"), 0);
    cap = afrf_fixture_slurp(&fx);
    assert_non_null(strstr(cap, "Original-Envelope-Id: QIDSPOOL\r\n"));
    free(cap);
    afrf_free(a);
    cfg_free(cfg);
    unlink(path);
    dmarc_rec_free(&m.rec);
}

static void
test_pass_new(void **state)
{
    struct afrf_spool *sp;
    struct afrf_fixture_msg m;
    struct afrf_job *j;
    const char *why = NULL;
    size_t calls = 0;

    (void)state;
    clean_spool();
    msg_init(&m);
    j = make_job(&m);
    sp = afrf_spool_new(spool, 4);
    assert_non_null(sp);
    assert_int_equal(afrf_spool_put(sp, j, &why), 0);
    /* the pass after the report tries it once */
    afrf_spool_run(sp, AFRF_SPOOL_PASS_NEW, give_up, &calls);
    assert_int_equal(calls, 1);
    /* the passes of later reports leave it to the timer */
    afrf_spool_run(sp, AFRF_SPOOL_PASS_NEW, give_up, &calls);
    afrf_spool_run(sp, AFRF_SPOOL_PASS_NEW, give_up, &calls);
    assert_int_equal(calls, 1);
    assert_int_equal(count_dir("new"), 1);
    /* the timer's pass retries it */
    afrf_spool_run(sp, AFRF_SPOOL_PASS_ALL, give_up, &calls);
    assert_int_equal(calls, 2);
    afrf_spool_free(sp);
    afrf_job_free(j);
    dmarc_rec_free(&m.rec);
}

/* find_event - the index of the first event from start equal to want,
 * or n_events */
static size_t
find_event(size_t start, const char *want)
{
    for (size_t i = start; i < n_events; i++) {
        if (strcmp(events[i], want) == 0)
            return i;
    }
    return n_events;
}

/* only_name - the one file name in spool/sub into out */
static void
only_name(const char *sub, char *out, size_t size)
{
    char path[256];
    struct dirent *de;
    DIR *d;

    snprintf(path, sizeof(path), "%s/%s", spool, sub);
    d = opendir(path);
    assert_non_null(d);
    out[0] = '\0';
    /* NOLINTNEXTLINE(concurrency-mt-unsafe): one thread, one stream */
    while ((de = readdir(d)) != NULL) {
        if (de->d_name[0] != '.')
            snprintf(out, size, "%s", de->d_name);
    }
    closedir(d);
    assert_true(out[0] != '\0');
}

/* done - a send that succeeds */
static bool
done(void *arg, struct afrf_job *j)
{
    (void)j;
    (*(size_t *)arg)++;
    return true;
}

static void
test_durability(void **state)
{
    char real[PATH_MAX];
    char name[NAME_MAX + 1];
    char want[2 * PATH_MAX + 16];
    struct afrf_spool *sp;
    struct afrf_fixture_msg m;
    struct afrf_job *j;
    const char *why = NULL;
    size_t calls = 0;
    size_t i;

    (void)state;
    clean_spool();
    msg_init(&m);
    j = make_job(&m);
    sp = afrf_spool_new(spool, 4);
    assert_non_null(sp);
    assert_non_null(realpath(spool, real));
    /* put: fsync of the file in tmp/, rename into new/, fsync of new/ */
    n_events = 0;
    assert_int_equal(afrf_spool_put(sp, j, &why), 0);
    only_name("new", name, sizeof(name));
    snprintf(want, sizeof(want), "fsync %s/tmp/%s", real, name);
    i = find_event(0, want);
    assert_true(i < n_events);
    snprintf(want, sizeof(want), "rename %s/tmp/%s %s/new/%s", spool, name,
             spool, name);
    i = find_event(i + 1, want);
    assert_true(i < n_events);
    snprintf(want, sizeof(want), "fsync %s/new", real);
    assert_true(find_event(i + 1, want) < n_events);
    /* a pass that sends it syncs new/ after the removal */
    n_events = 0;
    afrf_spool_run(sp, AFRF_SPOOL_PASS_NEW, done, &calls);
    assert_int_equal(calls, 1);
    assert_int_equal(count_dir("new"), 0);
    assert_true(find_event(0, want) < n_events);
    /* a failing fsync of the file: the report is not spooled, no file
     * is left behind */
    is_fsync_failing = true;
    assert_int_equal(afrf_spool_put(sp, j, &why), -1);
    assert_int_equal(count_dir("new"), 0);
    assert_int_equal(count_dir("tmp"), 0);
    assert_int_equal(afrf_spool_count(sp), 0);
    afrf_spool_free(sp);
    /* a move to bad/ syncs bad/ */
    test_bad_file(state);
    snprintf(want, sizeof(want), "fsync %s/bad", real);
    assert_true(find_event(0, want) < n_events);
    afrf_job_free(j);
    dmarc_rec_free(&m.rec);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_restart),    cmocka_unit_test(test_bad_file),
        cmocka_unit_test(test_bound),      cmocka_unit_test(test_retries),
        cmocka_unit_test(test_durability), cmocka_unit_test(test_retry_timer),
        cmocka_unit_test(test_pass_new),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
