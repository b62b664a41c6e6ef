/*
 * afrf_rate - rate limits for failure reports: one per reported domain
 * and one in total, each a token bucket of n reports per period.
 *
 * RFC 9991 section 2 makes rate limiting a MUST (RFC 7489 section 7.3
 * encouraged it): a flood of forged mail must not turn the server into a
 * mail cannon.  A report is allowed only when both buckets have a token;
 * a refused report takes none from either.
 *
 * The buckets are GCRA ("virtual scheduling"): one theoretical arrival
 * time per bucket, in microseconds of a monotonic clock the caller
 * passes (tests inject it).  The per-domain table has a fixed size; when
 * every slot near a domain's hash holds a bucket still in use, the new
 * domain is refused (the safe side) until one drains.
 *
 * Thread safety: afrf_rate_take is thread-safe (one mutex, rate->lock,
 * held for a table probe only).
 */
#ifndef DMARC_REPORTER_AFRF_RATE_H
#define DMARC_REPORTER_AFRF_RATE_H

#include <stdbool.h>
#include <stdint.h>

#include "common/log.h"

/* AFRF_RATE_SLOTS - domains with a bucket in use at one time.  Only
 * reports that passed the total limit take a slot, so with the default
 * 100 reports an hour far fewer are ever busy. */
#define AFRF_RATE_SLOTS 1024
/* AFRF_RATE_PROBE - slots probed from a domain's hash (linear probing) */
#define AFRF_RATE_PROBE 32

/* "n reports per period" */
struct afrf_rate_spec {
    uint64_t n;        /* reports per period; 0 refuses every report */
    uint64_t period_s; /* the period in seconds, at least 1 */
};

struct afrf_rate;

/* afrf_rate_parse - "n/t[u]" (opendmarc.conf(5)'s AutoRestartRate
 * syntax: u one of s m h d, seconds when absent) into *out.  0, or -1
 * when s does not have that form or t is 0. */
int afrf_rate_parse(const char *s, struct afrf_rate_spec *out) WARN_UNUSED;

/* afrf_rate_new - limits per domain and in total.  Caller frees with
 * afrf_rate_free. */
struct afrf_rate *afrf_rate_new(struct afrf_rate_spec per_domain,
                                struct afrf_rate_spec total);

/* afrf_rate_free - release (NULL is a no-op). */
void afrf_rate_free(struct afrf_rate *r);

/* afrf_rate_take - may one more report about domain (compared ignoring
 * ASCII case; longer names than a domain can be are cut for the key) go
 * out at now_us?  true takes a token from both buckets; false takes
 * nothing and sets *why (static).  Thread-safe. */
bool afrf_rate_take(struct afrf_rate *r, const char *domain, uint64_t now_us,
                    const char **why);

#endif
