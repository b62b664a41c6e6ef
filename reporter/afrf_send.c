/*
 * afrf_send - plans the destinations, builds and sends one report.
 *
 * The message is built once with every destination, then each ruf
 * destination whose "!size" (RFC 7489 section 6.2) is below the size
 * is taken out and the message built again without it: a report is
 * never cut to fit.  When the message holds the body (message/rfc822),
 * the destinations taken out get the headers-only form
 * (text/rfc822-headers) instead, as a second run of the command, when
 * that fits their limit; otherwise they get nothing.  SPF-DNS (RFC 6591
 * section 3.2) is the SPF record of the domain SPF checked, looked up through
 * the same resolver callback.
 *
 * STANDARDS: RFC 7489 sections 6.2, 7.1, 7.3; RFC 9991 sections 2, 5;
 * RFC 6591 section 3.2 (SPF-DNS: "txt : domain : " and the record as a
 * quoted-string); sendmail(8) (-i, -f); opendmarc.conf(5)
 * (FailureReportsBcc, ReportCommand).
 *
 * Thread safety: see the header.
 */
#include "reporter/afrf_send.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/ascii.h"
#include "common/dmarc_rec.h"
#include "common/exec.h"
#include "common/xalloc.h"
#include "reporter/deliver.h"
#include "reporter/dest.h"

/* AFRF_SEND_MAX_RCPT - recipients of one report: every ruf destination
 * (with replacements) and the Bcc addresses, within EXEC_MAX_ARGS */
#define AFRF_SEND_MAX_RCPT (EXEC_MAX_ARGS - AFRF_SEND_MAX_CMD - 4)
/* AFRF_SEND_MAX_TO - the To: value */
#define AFRF_SEND_MAX_TO 4096

/* the recipients of one report */
struct rcpts {
    const char *addr[AFRF_SEND_MAX_RCPT]; /* borrowed from the plan/cfg */
    uint64_t max[AFRF_SEND_MAX_RCPT];     /* "!size"; 0: none */
    bool is_to[AFRF_SEND_MAX_RCPT];       /* listed in To: */
    size_t n;                             /* entries */
};

int
afrf_send_split(const char *cmd, char **argv, size_t *argc)
{
    size_t n = 0;

    while (*cmd != '\0') {
        size_t len;

        while (ascii_is_space(*cmd))
            cmd++;
        len = strcspn(cmd, " \t\r\n\f\v");
        if (len == 0)
            break;
        if (!(len == 2 && memcmp(cmd, "-t", 2) == 0)) {
            if (n == AFRF_SEND_MAX_CMD)
                goto bad;
            argv[n++] = xstrndup(cmd, len);
        }
        cmd += len;
    }
    if (n == 0 || argv[0][0] != '/')
        goto bad;
    *argc = n;
    return 0;
bad:
    for (size_t i = 0; i < n; i++)
        free(argv[i]);
    return -1;
}

/* add - one recipient, once */
static void
add(struct rcpts *r, const char *addr, uint64_t max, bool is_to)
{
    for (size_t i = 0; i < r->n; i++) {
        if (ascii_casecmp(r->addr[i], addr) == 0)
            return;
    }
    if (r->n == AFRF_SEND_MAX_RCPT) {
        log_warn("failure report: recipients over %d, rest dropped",
                 AFRF_SEND_MAX_RCPT);
        return;
    }
    r->addr[r->n] = addr;
    r->max[r->n] = max;
    r->is_to[r->n] = is_to;
    r->n++;
}

/* plan - verified ruf destinations, then Bcc (in To: when no ruf) */
static void
plan(const struct afrf_send_cfg *c, const struct afrf_job *j,
     struct dest_plan *p, struct rcpts *r)
{
    struct dmarc_rec rec;
    const char *why;
    bool has_ruf = false;

    p->count = 0;
    memset(&rec, 0, sizeof(rec));
    if (j->rec_text != NULL && dmarc_rec_parse(str_cstr(j->rec_text), &rec,
                                               &why) != DMARC_REC_NOT_DMARC) {
        /* RFC 9991 section 2: the ruf of a public suffix domain's
         * record (psd=y) is not used */
        if (rec.psd == DMARC_REC_PSD_YES && rec.ruf_count > 0)
            log_info("%s: failure report not sent to the ruf of %s: psd=y",
                     j->r.jobid != NULL ? j->r.jobid : "-", j->policy_domain);
        else
            dest_plan_make_ruf(c->verify, j->policy_domain, &rec, 0, p);
    }
    dmarc_rec_free(&rec);
    for (size_t i = 0; i < p->count; i++) {
        const struct dest *d = &p->d[i];

        if (d->state == DEST_SEND) {
            add(r, d->addr, d->max_size, true);
            has_ruf = true;
        } else if (d->state != DEST_REPLACED) {
            log_info("%s: failure report not sent to %s: %s",
                     j->r.jobid != NULL ? j->r.jobid : "-", d->uri,
                     dest_state_str(d->state));
        }
    }
    for (size_t i = 0; i < c->n_bcc; i++)
        add(r, c->bcc[i], 0, !has_ruf);
}

/* spf_dns - the SPF-DNS value for the SPF record of j->spf_domain (the
 * first TXT beginning "v=spf1", RFC 7208 section 4.5) into out; NULL
 * when there is none or it does not fit (logged: never cut) */
static const char *
spf_dns(const struct afrf_send_cfg *c, const struct afrf_job *j, char *out,
        size_t size)
{
    const struct str *txt;
    size_t n;

    if (j->spf_domain == NULL || c->verify == NULL ||
        c->verify->txt(c->verify->ctx, j->spf_domain, &txt, &n) !=
            DESTVERIFY_LOOKUP_OK)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        if ((txt[i].len == 6 || (txt[i].len > 6 && txt[i].p[6] == ' ')) &&
            ascii_ncaseeq(txt[i].p, "v=spf1", 6)) {
            if (afrf_msg_spf_dns(j->spf_domain, txt[i].p, txt[i].len, out,
                                 size) == 0)
                return out;
            log_info("%s: failure report without SPF-DNS: the SPF record "
                     "of %s is over %zu bytes",
                     j->r.jobid != NULL ? j->r.jobid : "-", j->spf_domain,
                     size);
            return NULL;
        }
    }
    return NULL;
}

/* to_list - the To: value */
static int
to_list(const struct rcpts *r, char *out, size_t size)
{
    size_t used = 0;

    out[0] = '\0';
    for (size_t i = 0; i < r->n; i++) {
        int k;

        if (!r->is_to[i])
            continue;
        k = snprintf(out + used, size - used, "%s%s", used ? ", " : "",
                     r->addr[i]);
        if (k < 0 || (size_t)k >= size - used)
            return -1;
        used += (size_t)k;
    }
    return used > 0 ? 0 : -1;
}

/* set_aside - take out the recipients whose limit is below len: into
 * aside when it is not NULL (they get the headers-only form), dropped
 * when it is; true when one was taken out */
static bool
set_aside(struct rcpts *r, size_t len, struct rcpts *aside, const char *jobid)
{
    size_t n = 0;
    bool is_taken = false;

    for (size_t i = 0; i < r->n; i++) {
        if (r->max[i] != 0 && len > r->max[i]) {
            log_info("%s: failure report %s %s: larger than its size limit",
                     jobid,
                     aside != NULL ? "without the body to" : "not sent to",
                     r->addr[i]);
            if (aside != NULL) {
                aside->addr[aside->n] = r->addr[i];
                aside->max[aside->n] = r->max[i];
                aside->is_to[aside->n] = true;
                aside->n++;
            }
            is_taken = true;
            continue;
        }
        r->addr[n] = r->addr[i];
        r->max[n] = r->max[i];
        r->is_to[n] = r->is_to[i];
        n++;
    }
    r->n = n;
    return is_taken;
}

/* build - the message for the recipients left; the limits applied,
 * those over theirs set aside (or dropped when aside is NULL) */
static int
build(const struct afrf_send_cfg *c, struct afrf_job *j, struct rcpts *r,
      struct rcpts *aside, struct buf *msg)
{
    const char *jobid = j->r.jobid != NULL ? j->r.jobid : "-";
    char to[AFRF_SEND_MAX_TO];
    const char *why = NULL;

    /* each round takes out at least one recipient or returns */
    for (size_t round = 0; round < AFRF_SEND_MAX_RCPT; round++) {
        bool has_to = false;

        if (r->n == 0)
            return -1;
        for (size_t i = 0; i < r->n; i++)
            has_to = has_to || r->is_to[i];
        for (size_t i = 0; i < r->n && !has_to; i++)
            r->is_to[i] = true;
        buf_reset(msg);
        if (to_list(r, to, sizeof(to)) < 0 ||
            afrf_msg_build(&j->r, to, c->now(), msg, &why) < 0) {
            log_warn("%s: failure report not built: %s", jobid,
                     why != NULL ? why : "To: too long");
            return -1;
        }
        if (!set_aside(r, msg->len, aside, jobid))
            return 0;
    }
    return -1;
}

/* run - the ReportCommand with the recipients */
static enum afrf_send_status
run(const struct afrf_send_cfg *c, const struct afrf_job *j,
    const struct rcpts *r, const struct buf *msg)
{
    const char *argv[EXEC_MAX_ARGS + 1];
    const char *jobid = j->r.jobid != NULL ? j->r.jobid : "-";
    struct exec_cmd cmd = { 0 };
    struct exec_result res;
    size_t n = 0;

    for (size_t i = 0; i < c->argc; i++)
        argv[n++] = c->argv[i];
    argv[n++] = "-i";
    argv[n++] = "-f";
    argv[n++] = j->r.from;
    for (size_t i = 0; i < r->n; i++)
        argv[n++] = r->addr[i];
    argv[n] = NULL;
    cmd.path = argv[0];
    cmd.argv = argv;
    cmd.envp = deliver_default_env();
    cmd.in = msg->data;
    cmd.in_len = msg->len;
    cmd.timeout_ms = c->timeout_ms;
    if (exec_run(&cmd, &res) < 0)
        return AFRF_SEND_FAILED;
    if (res.is_timeout) {
        log_warn("%s: failure report: %s killed after %u ms", jobid, argv[0],
                 c->timeout_ms);
        return AFRF_SEND_TIMEOUT;
    }
    if (!res.is_exited || res.status != 0) {
        log_warn("%s: failure report: %s %s %d", jobid, argv[0],
                 res.is_exited ? "exited with" : "killed by signal",
                 res.is_exited ? res.status : res.signal);
        return AFRF_SEND_FAILED;
    }
    log_info("%s: failure report sent to %zu recipient(s) domain=%s", jobid,
             r->n, j->r.domain);
    return AFRF_SEND_SENT;
}

/* send_headers_only - the headers-only form of j's report to the
 * recipients in aside (those the whole message was too big for); first
 * is the outcome of the run before.  Once that run has sent the report,
 * a failure here is logged but not returned: a retry would send the
 * whole message again to the others. */
static enum afrf_send_status
send_headers_only(const struct afrf_send_cfg *c, struct afrf_job *j,
                  struct rcpts *aside, struct buf *msg,
                  enum afrf_send_status first)
{
    const char *body = j->r.body;
    enum afrf_send_status st = AFRF_SEND_NO_DEST;

    j->r.body = NULL; /* afrf_msg_build: text/rfc822-headers */
    if (build(c, j, aside, NULL, msg) == 0)
        st = run(c, j, aside, msg);
    j->r.body = body;
    return first == AFRF_SEND_SENT ? first : st;
}

enum afrf_send_status
afrf_send_job(const struct afrf_send_cfg *c, struct afrf_job *j)
{
    struct dest_plan *p = xcalloc(1, sizeof(*p));
    struct rcpts *r = xcalloc(2, sizeof(*r)); /* r[1]: set aside */
    struct buf msg;
    char spf[AFRF_MSG_MAX_SPF_DNS];
    enum afrf_send_status st = AFRF_SEND_NO_DEST;

    buf_init(&msg, AFRF_MSG_MAX);
    plan(c, j, p, &r[0]);
    if (r[0].n == 0) {
        log_info("%s: failure report: no verified destination domain=%s",
                 j->r.jobid != NULL ? j->r.jobid : "-", j->r.domain);
        goto out;
    }
    j->r.spf_dns = spf_dns(c, j, spf, sizeof(spf));
    if (build(c, j, &r[0], j->r.body != NULL ? &r[1] : NULL, &msg) == 0)
        st = run(c, j, &r[0], &msg);
    /* after a failed run nothing more: the retry sends both forms */
    if (r[1].n > 0 && (st == AFRF_SEND_SENT || st == AFRF_SEND_NO_DEST))
        st = send_headers_only(c, j, &r[1], &msg, st);
    j->r.spf_dns = NULL;
out:
    dest_plan_free(p);
    free(p);
    free(r);
    buf_free(&msg);
    return st;
}
