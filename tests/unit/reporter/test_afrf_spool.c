/*
 * test_afrf_spool - FailureReportsSpool: a report spooled by one afrf
 * instance whose command fails is sent, intact, by a new instance (a
 * restart); the codec reads back what it writes and refuses every
 * truncation and a set of malformed files; a corrupt file goes to bad/;
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

/* the test's folder, scripts, capture file and spool */
static char dir[64];
static char capture[128];
static char cap_cmd[128];
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

/* fake_txt - no TXT anywhere */
static enum destverify_lookup
fake_txt(void *ctx, const char *qname, const struct str **txt, size_t *count)
{
    (void)ctx;
    (void)qname;
    *txt = NULL;
    *count = 0;
    return DESTVERIFY_LOOKUP_NONE;
}

/* fake_org - the domain itself */
static const char *
fake_org(void *ctx, const char *domain)
{
    (void)ctx;
    return domain;
}

/* script - write an executable shell script */
static void
script(const char *path, const char *body)
{
    FILE *f = fopen(path, "w");

    assert_non_null(f);
    fprintf(f, "#!/bin/sh\n%s\n", body);
    fclose(f);
    assert_int_equal(chmod(path, 0755), 0);
}

static int
setup(void **state)
{
    char body[512];

    (void)state;
    snprintf(dir, sizeof(dir), "/tmp/test_afrf_spool.%ld", (long)getpid());
    assert_int_equal(mkdir(dir, 0700), 0);
    snprintf(capture, sizeof(capture), "%s/capture", dir);
    snprintf(cap_cmd, sizeof(cap_cmd), "%s/cap.sh", dir);
    snprintf(fail_cmd, sizeof(fail_cmd), "%s/fail.sh", dir);
    snprintf(once_cmd, sizeof(once_cmd), "%s/once.sh", dir);
    snprintf(spool, sizeof(spool), "%s/spool", dir);
    snprintf(body, sizeof(body),
             "{ echo \"ARGS $*\"; cat; echo; echo END; } >>%s", capture);
    script(cap_cmd, body);
    script(fail_cmd, "cat >/dev/null; exit 75");
    /* fails the first time, then captures as cap.sh */
    snprintf(body, sizeof(body),
             "if [ ! -f %s/failed ]; then cat >/dev/null; : >%s/failed; "
             "exit 75; fi\n"
             "{ echo \"ARGS $*\"; cat; echo; echo END; } >>%s",
             dir, dir, capture);
    script(once_cmd, body);
    return 0;
}

/* empty_dir - remove the files in path */
static void
empty_dir(const char *path)
{
    char file[512];
    struct dirent *de;
    DIR *d = opendir(path);

    if (d == NULL)
        return;
    /* NOLINTNEXTLINE(concurrency-mt-unsafe): one thread, one stream */
    while ((de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.')
            continue;
        snprintf(file, sizeof(file), "%s/%s", path, de->d_name);
        unlink(file);
    }
    closedir(d);
}

/* clean_spool - the spool removed */
static void
clean_spool(void)
{
    static const char *const subs[] = { "tmp", "new", "bad" };
    char path[256];

    for (size_t i = 0; i < 3; i++) {
        snprintf(path, sizeof(path), "%s/%s", spool, subs[i]);
        empty_dir(path);
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
    empty_dir(dir);
    rmdir(dir);
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
    struct afrf_env env = { 0 };
    const char *why;

    *cfg = cfg_new();
    assert_int_equal(cfg_set(*cfg, CFG_FAILUREREPORTS, "true", &why), 0);
    assert_int_equal(cfg_set(*cfg, CFG_REPORTCOMMAND, cmd, &why), 0);
    assert_int_equal(
        cfg_set(*cfg, CFG_FAILUREREPORTSSENTBY, "dmarc@receiver.test", &why),
        0);
    assert_int_equal(cfg_set(*cfg, CFG_FAILUREREPORTSSPOOL, spool, &why), 0);
    assert_int_equal(
        cfg_set(*cfg, CFG_FAILUREREPORTSQUEUESIZE, queue_size, &why), 0);
    assert_int_equal(
        cfg_set(*cfg, CFG_FAILUREREPORTSRETRYINTERVAL, interval, &why), 0);
    env.cfg = *cfg;
    env.hostname = "mx.receiver.test";
    env.verify.txt = fake_txt;
    env.verify.org = fake_org;
    return afrf_new(&env);
}

/* new_afrf - a reporter spooling to spool, running cmd */
static struct afrf *
new_afrf(struct cfg **cfg, const char *cmd, const char *queue_size)
{
    return new_afrf_retry(cfg, cmd, queue_size, "5m");
}

/* the event of a failing message */
struct msg {
    struct dmarc_rec rec;    /* the record */
    struct afrf_hdr hdrs[3]; /* its header */
    struct afrf_event ev;    /* the event */
};

static void
msg_init(struct msg *m)
{
    const char *why;

    memset(m, 0, sizeof(*m));
    assert_int_equal(dmarc_rec_parse(str_cstr("v=DMARC1; p=reject; "
                                              "ruf=mailto:ruf@example.com"),
                                     &m->rec, &why),
                     DMARC_REC_OK);
    m->hdrs[0] = (struct afrf_hdr){ "From", "Alice <alice@example.com>" };
    m->hdrs[1] = (struct afrf_hdr){ "To", "bob@receiver.test" };
    m->hdrs[2] = (struct afrf_hdr){ "Subject", "spooled stuff" };
    m->ev.jobid = "QIDSPOOL";
    m->ev.arrival = 1796191400;
    m->ev.client_ip = "192.0.2.10";
    m->ev.client_port = 2525;
    m->ev.mail_from = "alice@example.com";
    m->ev.rcpt_to = "bob@receiver.test";
    m->ev.from_domain = "example.com";
    m->ev.policy_domain = "example.com";
    m->ev.rec = &m->rec;
    m->ev.dmarc = AFRF_DMARC_FAIL;
    m->ev.spf = AFRF_AUTH_FAIL;
    m->ev.spf_domain = "example.com";
    m->ev.is_spf_aligned = true;
    m->ev.delivery = AFRF_DELIVERY_REJECT;
    m->ev.authserv_id = "receiver.test";
    m->ev.hdrs = m->hdrs;
    m->ev.n_hdrs = 3;
}

/* slurp - the capture file ("" when absent); caller frees */
static char *
slurp(void)
{
    FILE *f = fopen(capture, "r");
    char *s = calloc(1, 1 << 20);
    size_t n = 0;

    if (f != NULL) {
        n = fread(s, 1, (1 << 20) - 1, f);
        fclose(f);
    }
    s[n] = '\0';
    return s;
}

static void
test_restart(void **state)
{
    struct afrf_stats st;
    struct cfg *cfg;
    struct afrf *a = new_afrf(&cfg, fail_cmd, "10");
    struct msg m;
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
    unlink(capture);
    a = new_afrf(&cfg, cap_cmd, "10");
    afrf_resume(a);
    assert_int_equal(afrf_flush(a, 5000), 0);
    afrf_stats(a, &st);
    assert_int_equal(st.sent, 1);
    assert_int_equal(count_dir("new"), 0);
    assert_int_equal(count_dir("tmp"), 0);
    cap = slurp();
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

/* make_job - the job of m's event */
static struct afrf_job *
make_job(struct msg *m)
{
    struct afrf_job_opts o = { 0 };
    const char *why;
    struct afrf_job *j;

    o.kind = AFRF_KIND_DMARC;
    o.from = "dmarc@receiver.test";
    o.host = "mx.receiver.test";
    o.is_body = true;
    m->ev.body = "body line\r\n";
    m->ev.body_len = strlen(m->ev.body);
    j = afrf_job_new(&m->ev, &o, &why);
    assert_non_null(j);
    return j;
}

/* decode_bad - p (len bytes) is refused */
static void
decode_bad(const char *p, size_t len)
{
    struct afrf_job *j = NULL;
    const char *why = NULL;

    assert_int_equal(afrf_spool_decode(p, len, &j, &why), AFRF_SPOOL_BAD);
    assert_non_null(why);
    assert_null(j);
}

/* mutate - b's text with the first from replaced by to, refused */
static void
mutate(const struct buf *b, const char *from, const char *to)
{
    const char *s = buf_cstr(b);
    const char *at = strstr(s, from);
    size_t off;
    struct buf t;

    assert_non_null(at);
    off = (size_t)(at - s);
    buf_init(&t, AFRF_SPOOL_MAX_FILE);
    assert_int_equal(buf_append(&t, s, off), 0);
    assert_int_equal(buf_append_str(&t, to), 0);
    assert_int_equal(
        buf_append(&t, at + strlen(from), b->len - off - strlen(from)), 0);
    decode_bad(buf_cstr(&t), t.len);
    buf_free(&t);
}

static void
test_codec(void **state)
{
    struct msg m;
    struct afrf_job *j;
    struct afrf_job *k = NULL;
    const char *why = NULL;
    struct buf b;
    struct buf c;

    (void)state;
    msg_init(&m);
    j = make_job(&m);
    buf_init(&b, AFRF_SPOOL_MAX_FILE);
    buf_init(&c, AFRF_SPOOL_MAX_FILE);
    assert_int_equal(afrf_spool_encode(j, &b), 0);
    assert_int_equal(afrf_spool_decode(buf_cstr(&b), b.len, &k, &why),
                     AFRF_SPOOL_OK);
    /* what is read back encodes to the same bytes */
    assert_int_equal(afrf_spool_encode(k, &c), 0);
    assert_int_equal(b.len, c.len);
    assert_memory_equal(buf_cstr(&b), buf_cstr(&c), b.len);
    assert_string_equal(k->r.jobid, "QIDSPOOL");
    assert_int_equal(k->r.source_port, 2525);
    assert_int_equal(k->r.body_len, strlen("body line\r\n"));
    assert_null(k->r.dkim_domain);
    /* every truncation is refused */
    for (size_t n = 0; n < b.len; n++)
        decode_bad(buf_cstr(&b), n);
    /* malformed files */
    mutate(&b, "dmarcsuite-afrf-spool 1", "dmarcsuite-afrf-spool 2");
    mutate(&b, "kind 1\n1", "kind 1\n9");
    mutate(&b, "kind 1\n1", "kind 1\nx");
    mutate(&b, "jobid 8\n", "jobid 9\n");
    mutate(&b, "jobid 8\n", "jobid 99999999999999999999\n");
    mutate(&b, "jobid 8\n", "jobid -1\n");
    mutate(&b, "jobid 8\n", "jobid  8\n");
    mutate(&b, "from 19\n", "from -\n");
    mutate(&b, "host ", "hots ");
    mutate(&b, "QIDSPOOL", "QID\0POOL");
    mutate(&b, "source-port 4\n2525", "source-port 4\n25 5");
    mutate(&b, "source-port 4\n2525", "source-port 5\n65536");
    assert_int_equal(buf_putc(&c, 'x'), 0);
    decode_bad(buf_cstr(&c), c.len); /* trailing bytes */
    decode_bad("", 0);
    afrf_job_free(k);
    afrf_job_free(j);
    buf_free(&b);
    buf_free(&c);
    dmarc_rec_free(&m.rec);
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
    a = new_afrf(&cfg, cap_cmd, "10");
    afrf_free(a);
    cfg_free(cfg);
    snprintf(path, sizeof(path), "%s/new/00000000000000000001.1.0.0", spool);
    f = fopen(path, "w");
    assert_non_null(f);
    fputs("dmarcsuite-afrf-spool 1\nkind 1\n", f);
    fclose(f);
    a = new_afrf(&cfg, cap_cmd, "10");
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
    struct msg m;
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
    struct msg m;
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
    struct msg m;
    char path[256];
    char *cap;
    int waited = 0;

    (void)state;
    clean_spool();
    unlink(capture);
    snprintf(path, sizeof(path), "%s/failed", dir);
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
    cap = slurp();
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
    struct msg m;
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
    struct msg m;
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
        cmocka_unit_test(test_restart),     cmocka_unit_test(test_codec),
        cmocka_unit_test(test_bad_file),    cmocka_unit_test(test_bound),
        cmocka_unit_test(test_retries),     cmocka_unit_test(test_durability),
        cmocka_unit_test(test_retry_timer), cmocka_unit_test(test_pass_new),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
