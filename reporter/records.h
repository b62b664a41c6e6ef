/*
 * records - the grouped rows of one report: a policy domain's messages in
 * one period, counted per distinct <record> and handed out busiest first.
 *
 * A group is every value a <record> carries (RFC 7489 section 7.2,
 * Appendix C): source IP, disposition, aligned results, policy, override
 * reasons, header_from, envelope_from and the whole list of
 * authentication results.  Memory grows with the groups of one report
 * (reporter/groups.h bounds it), never with the database.
 *
 * Thread safety: one struct records per thread and database connection.
 */
#ifndef DMARC_REPORTER_RECORDS_H
#define DMARC_REPORTER_RECORDS_H

#include <stdbool.h>
#include <stdint.h>

#include <sqlite3.h>

#include "common/log.h"
#include "reporter/agg.h"
#include "reporter/period.h"

/* RECORDS_MAX_AUTH - bytes of one group's signature or override list;
 * past it the group is refused, never cut */
#define RECORDS_MAX_AUTH 65536

struct records;

/* records_new - prepare the statements on db (borrowed; it must outlive
 * the records).  NULL on a prepare error (logged).  Caller frees with
 * records_free. */
struct records *records_new(sqlite3 *db);

/* records_free - finalize and release (NULL is a no-op). */
void records_free(struct records *r);

/* records_set_format - the format of the rows handed out next: with
 * AGG_FORMAT_RFC9990 a stored "policy_test_mode" reason keeps its type and
 * "forwarded" and "sampled_out" become "other" with the word in the
 * comment, SPF code 8 is "policy", and when is_testing (the report's
 * policy has t=y) a policy not enforced without a recorded reason gets
 * "policy_test_mode" rather than "local_policy"; with AGG_FORMAT_RFC7489
 * (the default) the rows are RFC 7489's and is_testing is ignored. */
void records_set_format(struct records *r, enum agg_format f, bool is_testing);

/* records_start - read and group the messages of the domain in the
 * period.  0, or -1 (logged). */
int records_start(struct records *r, int64_t pdomain_id,
                  const struct period *p) WARN_UNUSED;

/* records_next - a report_row_fn (ctx: the struct records): fill row with
 * the next group; 1, 0 at the end, -1 on error.  The row's strings stay
 * valid until the next call.  A group whose results do not fit comes
 * back with count 0 (logged), which the writer refuses. */
int records_next(void *ctx, struct agg_row *row);

#endif
