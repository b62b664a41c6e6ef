/*
 * query - what dmarc-reports reads from the database: the policy domains
 * with data, the last period reported, the policy in force, and the
 * grouped rows of one report, streamed one at a time.
 *
 * The schema is sql/schema.sql (sql/README describes every column).  Rows
 * are grouped (reporter/records.c) by every value a <record> carries
 * (RFC 7489 section 7.2, Appendix C): source IP, disposition, aligned
 * results, policy, override reasons, header_from, envelope_from and the
 * whole set of authentication results, with the messages as the count.
 *
 * Thread safety: one struct query per thread and database connection.
 */
#ifndef DMARC_REPORTER_QUERY_H
#define DMARC_REPORTER_QUERY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#include "common/log.h"
#include "reporter/agg.h"
#include "reporter/period.h"

/* a policy domain with messages */
struct query_domain {
    int64_t id;    /* domains.id */
    char *name;    /* the domain, owned */
    int64_t first; /* its oldest message (received) */
};

/* the policy of one report */
struct query_policy {
    struct agg_policy pol; /* policy_published; strings point below */
    char domain[254];      /* the policy domain */
    char fo[16];           /* fo as published ("0", "1:d", ...) */
    char *rua;             /* the rua URIs joined with ',', owned */
};

struct query;

/* query_new - prepare the statements on db (borrowed; it must outlive the
 * query).  The query, or NULL with *why (a schema this code does not
 * know: a prepare error, logged).  Caller frees with query_free. */
struct query *query_new(sqlite3 *db, const char **why);

/* query_free - finalize the statements (NULL is a no-op). */
void query_free(struct query *q);

/* query_domains - the policy domains with messages received before
 * until, by name.  0 with *out (free with query_domains_free) and *n, or
 * -1 (logged). */
int query_domains(struct query *q, int64_t until, struct query_domain **out,
                  size_t *n) WARN_UNUSED;

/* query_domains_free - release a query_domains() list. */
void query_domains_free(struct query_domain *d, size_t n);

/* query_last_end - the end of the last period of the domain that has a
 * reports_sent row.  0 with *has_last (false when none) and *end, or -1. */
int query_last_end(struct query *q, int64_t pdomain_id, bool *has_last,
                   int64_t *end) WARN_UNUSED;

/* query_next_data - the first message of the domain received at or after
 * since.  0 with *has and *t, or -1. */
int query_next_data(struct query *q, int64_t pdomain_id, int64_t since,
                    bool *has, int64_t *t) WARN_UNUSED;

/* query_policy - the policy of the latest message of the domain in the
 * period (the one in force at its end; RFC 7489 section 7.2 lets a report
 * cover a policy change).  0 with *out filled (free its rua with
 * query_policy_free), 1 when the period has no message, -1 on error. */
int query_policy(struct query *q, int64_t pdomain_id, const struct period *p,
                 struct query_policy *out) WARN_UNUSED;

/* query_policy_free - release out->rua. */
void query_policy_free(struct query_policy *out);

/* query_set_format - the format of the reports whose rows follow and
 * whether their policy has t=y (records_set_format); RFC 7489 until
 * set. */
void query_set_format(struct query *q, enum agg_format f, bool is_testing);

/* query_rows_start - begin the grouped rows of the domain in the period.
 * 0, or -1 (logged). */
int query_rows_start(struct query *q, int64_t pdomain_id,
                     const struct period *p) WARN_UNUSED;

/* query_row_next - a report_row_fn (ctx: the struct query): fill row with
 * the next group; 1, 0 at the end, -1 on error.  The row's strings stay
 * valid until the next call. */
int query_row_next(void *ctx, struct agg_row *row);

#endif
