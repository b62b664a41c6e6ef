/*
 * afrf - the failure report hook: settings, the decision at end of
 * message, the hand-off to the worker.
 *
 * afrf_submit() runs on the milter's connection thread and does only
 * memory work: the enable switches, the loop checks, the fo decision
 * (afrf_fo.c), the rate limits (afrf_rate.c), the copy (afrf_job.c) and
 * a queue push (afrf_queue.c).  Everything that can block - DNS for the
 * section 7.1 checks and SPF-DNS, the ReportCommand - happens on the
 * worker (afrf_send.c).  Reports still queued at shutdown get
 * AFRF_DRAIN_MS to go out; the rest are dropped and counted in the log.
 *
 * STANDARDS: RFC 7489 sections 6.3 (fo), 7.3; RFC 9991 section 2 (rate
 * limits MUST); RFC 6591; RFC 6590; opendmarc.conf(5) (FailureReports,
 * FailureReportsOnNone, FailureReportsBcc, FailureReportsSentBy,
 * ReportCommand).
 *
 * Thread safety: see the header; the counters are C11 atomics.
 */
#include "reporter/afrf.h"

#include <fcntl.h>
#include <pwd.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "common/xalloc.h"
#include "reporter/afrf_job.h"
#include "reporter/afrf_queue.h"
#include "reporter/afrf_rate.h"
#include "reporter/afrf_send.h"
#include "reporter/afrf_spool.h"
#include "reporter/deliver.h"
#include "reporter/redact.h"

/* AFRF_MAX_FROM - user@host */
#define AFRF_MAX_FROM 320

struct afrf {
    bool is_on;                    /* FailureReports */
    bool is_on_none;               /* FailureReportsOnNone */
    bool is_body;                  /* FailureReportsBody */
    bool is_redact;                /* FailureReportsRedact */
    size_t body_max;               /* FailureReportsBodyMaxSize */
    char from[AFRF_MAX_FROM];      /* FailureReportsSentBy or user@host */
    char *host;                    /* our host name */
    char *argv[AFRF_SEND_MAX_CMD]; /* ReportCommand, split */
    size_t argc;                   /* entries of argv */
    char **bcc;                    /* FailureReportsBcc (owned) */
    size_t n_bcc;                  /* entries of bcc */
    struct redact_key key;         /* redaction key */
    struct afrf_rate *rate;        /* the limits */
    struct afrf_queue *q;          /* the worker */
    struct afrf_spool *spool;      /* FailureReportsSpool, or NULL */
    struct destverify_ops verify;  /* for the worker */
    struct afrf_send_cfg send;     /* the worker's settings */
    afrf_clock_fn *clock;          /* monotonic microseconds */
    atomic_size_t n_queued;        /* counters (struct afrf_stats) */
    atomic_size_t n_limited;
    atomic_size_t n_full;
    atomic_size_t n_sent;
    atomic_size_t n_failed;
    atomic_size_t n_timeouts;
    atomic_size_t n_no_dest;
};

/* mono_us - CLOCK_MONOTONIC in microseconds */
static uint64_t
mono_us(void)
{
    struct timespec ts;

    (void)clock_gettime(CLOCK_MONOTONIC, &ts); /* cannot fail */
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

/* wall_s - the time of day, epoch seconds */
static int64_t
wall_s(void)
{
    struct timespec ts;

    (void)clock_gettime(CLOCK_REALTIME, &ts); /* cannot fail */
    return (int64_t)ts.tv_sec;
}

/* load_key - the redaction secret: FailureReportsRedactKey's bytes, or
 * 32 random bytes (tokens then change on restart) */
static int
load_key(struct afrf *a, const char *path)
{
    ssize_t n;
    int fd;

    if (path == NULL) {
        n = getrandom(a->key.secret, 32, 0);
        a->key.len = 32;
        if (n != 32) {
            log_err_errno("failure reports: getrandom");
            return -1;
        }
        return 0;
    }
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        log_err_errno("FailureReportsRedactKey: %s", path);
        return -1;
    }
    n = read(fd, a->key.secret, sizeof(a->key.secret));
    (void)close(fd); /* read-only descriptor: nothing to flush */
    if (n < 16) {
        log_err("FailureReportsRedactKey: %s: fewer than 16 bytes", path);
        return -1;
    }
    a->key.len = (size_t)n;
    return 0;
}

/* default_from - user@host (opendmarc.conf(5) FailureReportsSentBy) */
static void
default_from(struct afrf *a)
{
    struct passwd pw;
    struct passwd *res = NULL;
    char pwbuf[1024];
    const char *user = "root";

    if (getpwuid_r(geteuid(), &pw, pwbuf, sizeof(pwbuf), &res) == 0 &&
        res != NULL)
        user = pw.pw_name;
    (void)snprintf(a->from, sizeof(a->from), "%s@%s", user, a->host);
}

/* settings - the configuration keys */
static int
settings(struct afrf *a, const struct cfg *cfg)
{
    const char *const *bcc;
    const char *sent_by = cfg_str(cfg, CFG_FAILUREREPORTSSENTBY);

    a->is_on = cfg_bool(cfg, CFG_FAILUREREPORTS);
    a->is_on_none = cfg_bool(cfg, CFG_FAILUREREPORTSONNONE);
    a->is_body = cfg_bool(cfg, CFG_FAILUREREPORTSBODY);
    a->is_redact = cfg_bool(cfg, CFG_FAILUREREPORTSREDACT);
    a->body_max = (size_t)cfg_uint(cfg, CFG_FAILUREREPORTSBODYMAXSIZE);
    if (sent_by != NULL)
        (void)snprintf(a->from, sizeof(a->from), "%s", sent_by);
    else
        default_from(a);
    if (!deliver_addr_ok(a->from)) {
        log_err("FailureReportsSentBy: not a usable address: %s", a->from);
        return -1;
    }
    if (afrf_send_split(cfg_str(cfg, CFG_REPORTCOMMAND), a->argv, &a->argc) <
        0) {
        log_err("ReportCommand: empty, not an absolute path, or over %d "
                "words",
                AFRF_SEND_MAX_CMD);
        return -1;
    }
    bcc = cfg_list(cfg, CFG_FAILUREREPORTSBCC, &a->n_bcc);
    a->bcc = xcalloc(a->n_bcc + 1, sizeof(*a->bcc));
    for (size_t i = 0; i < a->n_bcc; i++) {
        if (!deliver_addr_ok(bcc[i])) {
            log_err("FailureReportsBcc: not a usable address: %s", bcc[i]);
            return -1;
        }
        a->bcc[i] = xstrdup(bcc[i]);
    }
    return a->is_redact ? load_key(a, cfg_str(cfg, CFG_FAILUREREPORTSREDACTKEY))
                        : 0;
}

/* limits - the two rate limits */
static int
limits(struct afrf *a, const struct cfg *cfg)
{
    struct afrf_rate_spec dom;
    struct afrf_rate_spec tot;

    if (afrf_rate_parse(cfg_str(cfg, CFG_FAILUREREPORTSRATEDOMAIN), &dom) < 0 ||
        afrf_rate_parse(cfg_str(cfg, CFG_FAILUREREPORTSRATETOTAL), &tot) < 0) {
        log_err("FailureReportsRate*: not of the form n/t[u]");
        return -1;
    }
    a->rate = afrf_rate_new(dom, tot);
    return 0;
}

/* spool_marker - the queue's job when a report was spooled: "send the
 * new files" (the report itself is in the file) */
static char spool_marker;

/* retry_marker - the queue's job at start-up: "send every file" */
static char retry_marker;

/* send_one - send j (borrowed) and count the outcome; true when done
 * with it (sent, or no destination: a retry would not find one) */
static bool
send_one(void *arg, struct afrf_job *j)
{
    struct afrf *a = arg;
    enum afrf_send_status st = afrf_send_job(&a->send, j);

    switch (st) {
    case AFRF_SEND_SENT:
        atomic_fetch_add(&a->n_sent, 1);
        break;
    case AFRF_SEND_NO_DEST:
        atomic_fetch_add(&a->n_no_dest, 1);
        break;
    case AFRF_SEND_TIMEOUT:
        atomic_fetch_add(&a->n_timeouts, 1);
        atomic_fetch_add(&a->n_failed, 1);
        break;
    case AFRF_SEND_FAILED:
        atomic_fetch_add(&a->n_failed, 1);
        break;
    }
    return st == AFRF_SEND_SENT || st == AFRF_SEND_NO_DEST;
}

/* run_job - the worker's callback: a job, or a pass over the spool */
static void
run_job(void *arg, void *job)
{
    struct afrf *a = arg;

    if (job == &spool_marker || job == &retry_marker) {
        afrf_spool_run(a->spool,
                       job == &spool_marker ? AFRF_SPOOL_PASS_NEW
                                            : AFRF_SPOOL_PASS_ALL,
                       send_one, a);
        return;
    }
    (void)send_one(a, job); /* no retry without a spool */
    afrf_job_free(job);
}

/* drop_job - the queue's free callback */
static void
drop_job(void *job)
{
    if (job != &spool_marker && job != &retry_marker)
        afrf_job_free(job);
}

/* retry_tick - the worker's timer (FailureReportsRetryInterval): send
 * again what failed before, when anything waits in the spool */
static void
retry_tick(void *arg)
{
    struct afrf *a = arg;

    if (afrf_spool_count(a->spool) > 0)
        afrf_spool_run(a->spool, AFRF_SPOOL_PASS_ALL, send_one, a);
}

struct afrf *
afrf_new(const struct afrf_env *env)
{
    struct afrf *a = xcalloc(1, sizeof(*a));

    a->host = xstrdup(env->hostname != NULL ? env->hostname : "localhost");
    a->verify = env->verify;
    a->clock = env->clock != NULL ? env->clock : mono_us;
    if (settings(a, env->cfg) < 0 || limits(a, env->cfg) < 0)
        goto bad;
    a->send.argv = (const char *const *)a->argv;
    a->send.argc = a->argc;
    a->send.bcc = (const char *const *)a->bcc;
    a->send.n_bcc = a->n_bcc;
    a->send.timeout_ms =
        (unsigned)cfg_uint(env->cfg, CFG_FAILUREREPORTSTIMEOUT) * 1000u;
    a->send.verify = &a->verify;
    a->send.now = wall_s;
    if (a->is_on) {
        size_t max = (size_t)cfg_uint(env->cfg, CFG_FAILUREREPORTSQUEUESIZE);
        const char *spool = cfg_str(env->cfg, CFG_FAILUREREPORTSSPOOL);

        a->q = afrf_queue_new(max, run_job, drop_job, a);
        if (spool != NULL) {
            a->spool = afrf_spool_new(spool, max);
            if (a->spool == NULL)
                goto bad;
            afrf_queue_set_tick(
                a->q,
                (unsigned)cfg_uint(env->cfg, CFG_FAILUREREPORTSRETRYINTERVAL) *
                    1000u,
                retry_tick);
        }
    }
    return a;
bad:
    afrf_free(a);
    return NULL;
}

void
afrf_free(struct afrf *a)
{
    if (a == NULL)
        return;
    afrf_queue_free(a->q, AFRF_DRAIN_MS);
    afrf_spool_free(a->spool);
    afrf_rate_free(a->rate);
    for (size_t i = 0; i < a->argc; i++)
        free(a->argv[i]);
    for (size_t i = 0; a->bcc != NULL && i < a->n_bcc; i++)
        free(a->bcc[i]);
    free(a->bcc);
    free(a->host);
    explicit_bzero(&a->key, sizeof(a->key));
    free(a);
}

/* decide - the report due for ev, or AFRF_KIND_NONE with *why */
static enum afrf_kind
decide(const struct afrf *a, const struct afrf_event *ev, const char **why)
{
    enum afrf_auth dkim[AFRF_MAX_DKIM];
    struct afrf_fo_in in = { 0 };

    if (!a->is_on) {
        *why = "FailureReports is off";
        return AFRF_KIND_NONE;
    }
    if (ev->rec == NULL || ev->from_domain == NULL) {
        *why = "no policy record";
        return AFRF_KIND_NONE;
    }
    if (ev->is_policy_none && !a->is_on_none) {
        *why = "p=none and FailureReportsOnNone is off";
        return AFRF_KIND_NONE;
    }
    if (ev->rec->ruf_count == 0 && a->n_bcc == 0) {
        *why = "no ruf";
        return AFRF_KIND_NONE;
    }
    if (ev->rec->psd == DMARC_REC_PSD_YES && a->n_bcc == 0) {
        *why = "psd=y: its ruf is not used (RFC 9991 section 2)";
        return AFRF_KIND_NONE;
    }
    if (afrf_job_is_report(ev, why))
        return AFRF_KIND_NONE;
    in.fo = ev->rec->fo;
    in.dmarc = ev->dmarc;
    in.spf = ev->spf;
    in.is_spf_aligned_pass = ev->spf == AFRF_AUTH_PASS && ev->is_spf_aligned;
    for (size_t i = 0; i < ev->n_dkim && i < AFRF_MAX_DKIM; i++) {
        dkim[i] = ev->dkim[i].result;
        in.is_dkim_aligned_pass =
            in.is_dkim_aligned_pass ||
            (ev->dkim[i].result == AFRF_AUTH_PASS && ev->dkim[i].is_aligned);
    }
    in.dkim = dkim;
    in.n_dkim = ev->n_dkim < AFRF_MAX_DKIM ? ev->n_dkim : AFRF_MAX_DKIM;
    return afrf_fo_decide(&in, why);
}

/* spool_job - write j (freed here) to the spool and wake the worker */
static enum afrf_status
spool_job(struct afrf *a, struct afrf_job *j, const char *jobid,
          const char *domain, enum afrf_kind kind)
{
    const char *why = NULL;
    int rc = afrf_spool_put(a->spool, j, &why);

    afrf_job_free(j);
    if (rc < 0) {
        atomic_fetch_add(&a->n_full, 1);
        log_warn("%s: failure report dropped: %s", jobid, why);
        return AFRF_FULL;
    }
    /* a full queue holds passes not yet run: one of them takes the file */
    if (afrf_queue_push(a->q, &spool_marker) < 0)
        log_debug("%s: failure report spooled, a pass is pending", jobid);
    atomic_fetch_add(&a->n_queued, 1);
    log_info("%s: failure report spooled domain=%s auth-failure=%s", jobid,
             domain, afrf_kind_name(kind));
    return AFRF_QUEUED;
}

void
afrf_resume(struct afrf *a)
{
    if (a == NULL || a->spool == NULL || afrf_spool_count(a->spool) == 0)
        return;
    if (afrf_queue_push(a->q, &retry_marker) < 0)
        log_warn("failure reports: the spool waits for the next report "
                 "(its worker starts the retry timer)");
}

enum afrf_status
afrf_submit(struct afrf *a, const struct afrf_event *ev)
{
    const char *jobid = ev->jobid != NULL ? ev->jobid : "-";
    const char *why = NULL;
    struct afrf_job_opts o = { 0 };
    struct afrf_job *j;
    enum afrf_kind kind = decide(a, ev, &why);

    if (kind == AFRF_KIND_NONE) {
        log_debug("%s: no failure report: %s", jobid, why);
        return AFRF_SILENT;
    }
    if (!afrf_rate_take(a->rate,
                        ev->policy_domain != NULL ? ev->policy_domain
                                                  : ev->from_domain,
                        a->clock(), &why)) {
        atomic_fetch_add(&a->n_limited, 1);
        log_info("%s: failure report dropped: %s", jobid, why);
        return AFRF_LIMITED;
    }
    o.kind = kind;
    o.from = a->from;
    o.host = a->host;
    o.key = a->is_redact ? &a->key : NULL;
    o.is_body = a->is_body;
    j = afrf_job_new(ev, &o, &why);
    if (j == NULL) {
        log_warn("%s: failure report not built: %s", jobid, why);
        return AFRF_ERROR;
    }
    if (afrf_wants_body(a) && j->r.body == NULL &&
        (ev->is_body_over || ev->body != NULL))
        log_info("%s: failure report carries the header only: the body is "
                 "over FailureReportsBodyMaxSize (%zu bytes)",
                 jobid, a->body_max);
    if (a->spool != NULL)
        return spool_job(a, j, jobid, ev->from_domain, kind);
    if (afrf_queue_push(a->q, j) < 0) {
        afrf_job_free(j);
        atomic_fetch_add(&a->n_full, 1);
        log_warn("%s: failure report dropped: queue full", jobid);
        return AFRF_FULL;
    }
    atomic_fetch_add(&a->n_queued, 1);
    log_info("%s: failure report queued domain=%s auth-failure=%s", jobid,
             ev->from_domain, afrf_kind_name(kind));
    return AFRF_QUEUED;
}

bool
afrf_wants_body(const struct afrf *a)
{
    return a->is_on && a->is_body && !a->is_redact;
}

size_t
afrf_body_max(const struct afrf *a)
{
    return a != NULL && afrf_wants_body(a) ? a->body_max : 0;
}

int
afrf_flush(struct afrf *a, unsigned timeout_ms)
{
    return a->q == NULL ? 0 : afrf_queue_wait_idle(a->q, timeout_ms);
}

void
afrf_stats(const struct afrf *a, struct afrf_stats *out)
{
    out->queued = atomic_load(&a->n_queued);
    out->limited = atomic_load(&a->n_limited);
    out->full = atomic_load(&a->n_full);
    out->sent = atomic_load(&a->n_sent);
    out->failed = atomic_load(&a->n_failed);
    out->timeouts = atomic_load(&a->n_timeouts);
    out->no_dest = atomic_load(&a->n_no_dest);
}

const char *
afrf_status_str(enum afrf_status st)
{
    switch (st) {
    case AFRF_QUEUED:
        return "queued";
    case AFRF_SILENT:
        return "silent";
    case AFRF_LIMITED:
        return "limited";
    case AFRF_FULL:
        return "full";
    case AFRF_ERROR:
        return "error";
    }
    log_panic("afrf: status %d", (int)st);
}
