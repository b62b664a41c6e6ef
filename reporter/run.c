/*
 * run - one run of dmarc-reports.
 *
 * First the destinations whose delivery failed temporarily (same report
 * id, rebuilt from the same data, so the same file name and bytes), then
 * for every policy domain each due period in turn: query, build, plan the
 * destinations, send, record.  Each report's records are one
 * transaction.  With is_dry_run nothing is recorded.
 *
 * STANDARDS: RFC 7489 sections 7.1, 7.2, 7.2.1, 7.2.2.
 *
 * Ownership: everything built for a report is released before the next.
 * Thread safety: single-threaded.
 */
#include "reporter/run.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/ascii.h"
#include "common/dmarc_uri.h"
#include "reporter/dest.h"
#include "reporter/mail.h"
#include "reporter/naming.h"
#include "reporter/query.h"
#include "reporter/sent.h"

/* the state of a run */
struct run {
    sqlite3 *db;              /* connection */
    struct query *q;          /* prepared queries */
    const struct run_opts *o; /* options */
    struct run_stats *s;      /* counters */
};

/* one report being handled */
struct job {
    int64_t pdomain_id;      /* domains.id */
    struct period period;    /* its period */
    char id[NAMING_ID_SIZE]; /* report id */
    struct query_policy pol; /* policy in force */
    struct report rep;       /* the built report */
};

/* rua_parse - the URIs of a stored rua list (joined with ',': a DMARC URI
 * has its commas %-encoded, section 6.2) into rec->rua; bad ones are
 * skipped with a warning */
static void
rua_parse(const char *rua, struct dmarc_rec *rec)
{
    struct str rest = str_cstr(rua);

    memset(rec, 0, sizeof(*rec));
    while (rest.len > 0 && rec->rua_count < DMARC_REC_MAX_URIS) {
        size_t comma = str_chr(rest, ',');
        struct str one = str_trim(str_make(rest.p, comma));
        const char *why = NULL;

        rest = comma < rest.len
                   ? str_make(rest.p + comma + 1, rest.len - comma - 1)
                   : str_make(NULL, 0);
        if (one.len == 0)
            continue;
        if (dmarc_uri_parse(one, &rec->rua[rec->rua_count], &why) == 0)
            rec->rua_count++;
        else
            log_warn("run: rua URI skipped: %s", why);
    }
}

/* record - one reports_sent row (nothing in a dry run) */
static int
record(struct run *r, const struct job *j, const char *dest,
       enum sent_status st, const char *why)
{
    struct sent_entry e = { j->id, j->pdomain_id, j->period, dest,
                            st,    why,           r->o->now, 0 };

    if (st == SENT_TEMPFAIL)
        e.next_try = r->o->now + (int64_t)r->o->retry_delay;
    if (r->o->is_dry_run)
        return 0;
    return sent_record(r->db, &e);
}

/* send_one - deliver to a planned destination and count the outcome */
static enum sent_status
send_one(struct run *r, struct job *j, const struct dest *d, unsigned seq,
         const char **why)
{
    switch (report_send(r->o->t, &j->rep, d->addr, seq, r->o->now, why)) {
    case DELIVER_SENT:
        r->s->sent++;
        return SENT_SENT;
    case DELIVER_TEMPFAIL:
        r->s->tempfailed++;
        return SENT_TEMPFAIL;
    case DELIVER_PERMFAIL:
    case DELIVER_BADADDR:
        break;
    }
    r->s->failed++;
    return SENT_PERMFAIL;
}

/* outcome - the status to record for destination d (sending it when its
 * plan says so); -1 for a destination not recorded (replaced) */
static int
outcome(struct run *r, struct job *j, const struct dest *d, unsigned seq,
        const char **why)
{
    *why = d->why;
    switch (d->state) {
    case DEST_SEND:
        return (int)send_one(r, j, d, seq, why);
    case DEST_TOO_BIG:
        r->s->too_big++;
        return SENT_TOOBIG;
    case DEST_DEFERRED:
        r->s->deferred++;
        return SENT_TEMPFAIL;
    case DEST_REPLACED:
        return -1;
    case DEST_UNVERIFIED:
    case DEST_UNSUPPORTED:
    case DEST_BADADDR:
        break;
    }
    r->s->unverified++;
    return SENT_UNVERIFIED;
}

/* tx - BEGIN IMMEDIATE or COMMIT (nothing in a dry run) */
static int
tx(struct run *r, const char *sql)
{
    if (r->o->is_dry_run)
        return 0;
    if (sqlite3_exec(r->db, sql, NULL, NULL, NULL) != SQLITE_OK) {
        log_err("run: %s: %s", sql, sqlite3_errmsg(r->db));
        return -1;
    }
    return 0;
}

/* error_reports - section 7.2.2: no destination can take the report
 * because of its size; tell every mailto: destination that was too small,
 * naming all of them */
static int
error_reports(struct run *r, struct job *j, const struct dest_plan *plan)
{
    const char *uris[MAIL_MAX_URIS];
    struct report_uris u = { uris, 0 };
    char dest[NAMING_FILE_SIZE];
    int rc = 0;

    for (size_t i = 0; i < plan->count && u.count < MAIL_MAX_URIS; i++) {
        if (plan->d[i].state == DEST_TOO_BIG)
            uris[u.count++] = plan->d[i].uri;
    }
    for (size_t i = 0; i < plan->count; i++) {
        const struct dest *d = &plan->d[i];
        const char *why = NULL;
        enum deliver_status st;

        if (d->state != DEST_TOO_BIG)
            continue;
        st = report_send_error(r->o->t, &j->rep, d->addr, &u, r->o->now, &why);
        r->s->error_reports += st == DELIVER_SENT;
        (void)snprintf(dest, sizeof(dest), "%s%s", SENT_ERROR_PREFIX, d->uri);
        if (record(r, j, dest,
                   st == DELIVER_SENT       ? SENT_SENT
                   : st == DELIVER_TEMPFAIL ? SENT_TEMPFAIL
                                            : SENT_PERMFAIL,
                   why) < 0)
            rc = -1;
    }
    return rc;
}

/* deliver_plan - every destination of the plan, then the error report */
static int
deliver_plan(struct run *r, struct job *j, const struct dest_plan *plan)
{
    unsigned seq = 0;

    for (size_t i = 0; i < plan->count; i++) {
        const char *why = NULL;
        int st = outcome(r, j, &plan->d[i], seq, &why);

        if (st < 0)
            continue;
        seq++;
        log_info("run: domain=%s report=%s dest=%s status=%s%s%s",
                 j->pol.domain, j->id, plan->d[i].uri,
                 sent_status_str((enum sent_status)st), why ? " why=" : "",
                 why ? why : "");
        if (record(r, j, plan->d[i].uri, (enum sent_status)st, why) < 0)
            return -1;
    }
    if (dest_plan_needs_error_report(plan))
        return error_reports(r, j, plan);
    return 0;
}

/* build_job - policy and report of j (id set); 1 when the period has no
 * message, -1 when the report cannot be built (logged) */
static int
build_job(struct run *r, struct job *j)
{
    struct agg_meta m = { r->o->org_name,
                          r->o->email,
                          r->o->extra_contact,
                          j->id,
                          j->period.begin,
                          j->period.end,
                          NULL,
                          0 };
    struct agg_head h = { &m, &j->pol.pol, r->o->format, r->o->generator };
    struct report_rows src = { query_row_next, r->q };
    const char *why = NULL;
    int rc = query_policy(r->q, j->pdomain_id, &j->period, &j->pol);

    if (rc != 0)
        return rc;
    query_set_format(r->q, r->o->format, j->pol.pol.is_testing);
    if (query_rows_start(r->q, j->pdomain_id, &j->period) < 0 ||
        report_build_head(&h, r->o->receiver, &src, &j->rep, &why) < 0) {
        log_err("run: domain=%s period=%" PRId64 "-%" PRId64
                " report not built: %s",
                j->pol.domain, j->period.begin, j->period.end,
                why ? why : "query failed");
        report_free(&j->rep);
        query_policy_free(&j->pol);
        r->s->errors++;
        return -1;
    }
    r->s->reports++;
    r->s->messages += j->rep.messages;
    /* written once per report built, before any destination's .eml */
    if (r->o->t->method == REPORT_OUTDIR && report_save(r->o->t, &j->rep) < 0)
        r->s->errors++;
    return 0;
}

/* release - what build_job made */
static void
release(struct job *j)
{
    report_free(&j->rep);
    query_policy_free(&j->pol);
}

/* report_period - build, plan, send and record one period's report */
static int
report_period(struct run *r, int64_t pdomain_id, const struct period *p,
              const char *name)
{
    static struct dmarc_rec rec; /* large; single-threaded by contract */
    static struct dest_plan plan;
    struct job j;
    int rc;

    memset(&j, 0, sizeof(j));
    j.pdomain_id = pdomain_id;
    j.period = *p;
    if (naming_report_id(r->o->org_name, name, p->begin, p->end, j.id,
                         sizeof(j.id)) < 0)
        log_panic("run: bad period %" PRId64 "-%" PRId64, p->begin, p->end);
    rc = build_job(r, &j);
    if (rc == 1)
        return 0; /* no message in this period */
    if (tx(r, "BEGIN IMMEDIATE") < 0)
        return -1;
    if (rc < 0) {
        rc = record(r, &j, SENT_NO_RUA, SENT_PERMFAIL, "report not built");
        return tx(r, "COMMIT") < 0 ? -1 : rc;
    }
    rua_parse(j.pol.rua, &rec);
    if (rec.rua_count == 0) {
        r->s->unverified++;
        rc = record(r, &j, SENT_NO_RUA, SENT_UNVERIFIED, "no usable rua");
    } else {
        dest_plan_make(r->o->verify, j.pol.domain, &rec, j.rep.encoded_size,
                       &plan);
        rc = deliver_plan(r, &j, &plan);
        dest_plan_free(&plan);
    }
    release(&j);
    if (tx(r, rc < 0 ? "ROLLBACK" : "COMMIT") < 0)
        return -1;
    return rc;
}

/* is_listed - name is one of list (ASCII case ignored) */
static bool
is_listed(const char *name, const char *const *list, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (ascii_casecmp(name, list[i]) == 0)
            return true;
    }
    return false;
}

/* run_domain - every due period of one policy domain, in order */
static int
run_domain(struct run *r, const struct query_domain *d)
{
    struct period p;
    bool has_last = false;
    bool has_data = false;
    int64_t last = 0;
    int64_t next = 0;
    size_t reports = r->s->reports;

    if (query_last_end(r->q, d->id, &has_last, &last) < 0)
        return -1;
    for (;;) {
        if (has_last) {
            /* jump over periods without messages (nothing to record) */
            if (query_next_data(r->q, d->id, last, &has_data, &next) < 0)
                return -1;
            if (!has_data)
                break;
            if (period_floor(next, r->o->interval) > last)
                last = period_floor(next, r->o->interval);
        }
        if (!period_next(has_last, last, d->first, r->o->now, r->o->interval,
                         &p))
            break;
        if (report_period(r, d->id, &p, d->name) < 0)
            return -1;
        has_last = true;
        last = p.end;
    }
    r->s->domains += r->s->reports > reports;
    return 0;
}

/* retry_error_report - send a section 7.2.2 error report again */
static int
retry_error_report(struct run *r, struct job *j, const char *dest)
{
    const char *uri_text = dest + strlen(SENT_ERROR_PREFIX);
    const char *uris[] = { uri_text };
    struct report_uris u = { uris, 1 };
    struct dmarc_uri uri;
    const char *why = "bad stored URI";
    enum deliver_status st = DELIVER_PERMFAIL;
    char *addr = NULL;

    if (dmarc_uri_parse(str_cstr(uri_text), &uri, &why) == 0 &&
        dmarc_uri_is_mailto(&uri))
        addr = dest_mailto_addr(uri.target);
    if (addr != NULL)
        st = report_send_error(r->o->t, &j->rep, addr, &u, r->o->now, &why);
    free(addr);
    r->s->error_reports += st == DELIVER_SENT;
    return record(r, j, dest,
                  st == DELIVER_SENT       ? SENT_SENT
                  : st == DELIVER_TEMPFAIL ? SENT_TEMPFAIL
                                           : SENT_PERMFAIL,
                  why);
}

/* retry_dest - one stored destination of the built report j again */
static int
retry_dest(struct run *r, struct job *j, const struct sent_retry *t)
{
    static struct dmarc_rec rec; /* large; single-threaded by contract */
    static struct dest_plan plan;
    int rc;

    if (strncmp(t->destination, SENT_ERROR_PREFIX, strlen(SENT_ERROR_PREFIX)) ==
        0)
        return retry_error_report(r, j, t->destination);
    rua_parse(t->destination, &rec);
    rec.rua_count = rec.rua_count > 1 ? 1 : rec.rua_count;
    dest_plan_make(r->o->verify, j->pol.domain, &rec, j->rep.encoded_size,
                   &plan);
    rc = deliver_plan(r, j, &plan);
    dest_plan_free(&plan);
    return rc;
}

/* retry_one - one stored destination again, with the stored report id;
 * j holds the report built for it (is_built) or is built here, and is
 * kept for the next destination of the same report */
static int
retry_one(struct run *r, const struct sent_retry *t, struct job *j,
          bool *is_built)
{
    if (*is_built &&
        (strcmp(j->id, t->report_id) != 0 || j->pdomain_id != t->pdomain_id)) {
        release(j);
        *is_built = false;
    }
    if (!*is_built) {
        memset(j, 0, sizeof(*j));
        j->pdomain_id = t->pdomain_id;
        j->period = t->period;
        (void)snprintf(j->id, sizeof(j->id), "%s", t->report_id);
    }
    if (t->attempts >= (int64_t)r->o->max_attempts) {
        log_warn("run: domain=%s report=%s dest=%s given up after %" PRId64
                 " attempts",
                 t->domain, t->report_id, t->destination, t->attempts);
        r->s->failed++;
        return record(r, j, t->destination, SENT_PERMFAIL,
                      "given up after the configured attempts");
    }
    if (!*is_built) {
        if (build_job(r, j) != 0)
            return record(r, j, t->destination, SENT_PERMFAIL,
                          "report can no longer be built");
        *is_built = true;
    }
    return retry_dest(r, j, t);
}

/* retries - every destination due for another attempt, each report
 * built once */
static int
retries(struct run *r)
{
    struct sent_retry *t = NULL;
    struct job j;
    bool is_built = false;
    size_t n = 0;
    int rc = 0;

    if (sent_retries(r->db, r->o->now, &t, &n) < 0)
        return -1;
    for (size_t i = 0; i < n && rc == 0; i++) {
        if ((r->o->only_count > 0 &&
             !is_listed(t[i].domain, r->o->only, r->o->only_count)) ||
            is_listed(t[i].domain, r->o->skip, r->o->skip_count))
            continue;
        if (tx(r, "BEGIN IMMEDIATE") < 0) {
            rc = -1;
            break;
        }
        rc = retry_one(r, &t[i], &j, &is_built);
        if (tx(r, rc < 0 ? "ROLLBACK" : "COMMIT") < 0)
            rc = -1;
    }
    if (is_built)
        release(&j);
    sent_retries_free(t, n);
    return rc;
}

int
run_reports(sqlite3 *db, const struct run_opts *o, struct run_stats *s)
{
    struct run r;
    struct query_domain *d = NULL;
    const char *why = NULL;
    size_t n = 0;
    int rc = -1;

    memset(s, 0, sizeof(*s));
    r = (struct run){ db, NULL, o, s };
    r.q = query_new(db, &why);
    if (r.q == NULL) {
        log_err("run: %s", why);
        return -1;
    }
    if (retries(&r) < 0 || query_domains(r.q, o->now, &d, &n) < 0)
        goto out;
    rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        if ((o->only_count > 0 &&
             !is_listed(d[i].name, o->only, o->only_count)) ||
            is_listed(d[i].name, o->skip, o->skip_count))
            continue;
        rc = run_domain(&r, &d[i]);
    }
out:
    query_domains_free(d, n);
    query_free(r.q);
    return rc;
}

void
run_summary(const struct run_stats *s)
{
    log_notice("summary: domains=%zu reports=%zu messages=%" PRIu64
               " sent=%zu deferred=%zu tempfail=%zu failed=%zu"
               " skipped_size=%zu skipped_unverified=%zu error_reports=%zu"
               " build_errors=%zu",
               s->domains, s->reports, s->messages, s->sent, s->deferred,
               s->tempfailed, s->failed, s->too_big, s->unverified,
               s->error_reports, s->errors);
}
