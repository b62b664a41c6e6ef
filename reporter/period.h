/*
 * period - the UTC-aligned reporting periods of one policy domain.
 *
 * Periods are aligned on multiples of the interval counted from the epoch
 * (so a daily period runs 00:00 to 00:00 UTC, RFC 7489 section 7.2), are
 * contiguous from the end of the last period reported (nothing skipped
 * when a run is missed, nothing reported twice), and never include the
 * period still in progress.  The caller asks for the next period again
 * and again until none is due; that is how a missed run catches up.
 *
 * Thread safety: pure functions.
 */
#ifndef DMARC_REPORTER_PERIOD_H
#define DMARC_REPORTER_PERIOD_H

#include <stdbool.h>
#include <stdint.h>

#include "common/log.h"

/* PERIOD_MIN - shortest interval: one hour (RFC 7489 section 7.2:
 * periods SHOULD fall on hour boundaries) */
#define PERIOD_MIN 3600
/* PERIOD_DAY - the default interval */
#define PERIOD_DAY 86400
/* PERIOD_MAX - longest interval: a week, beyond which reports stop
 * being useful to domain owners */
#define PERIOD_MAX 604800

/* one period [begin, end) in epoch seconds, UTC */
struct period {
    int64_t begin; /* first second */
    int64_t end;   /* first second after it */
};

/* period_interval_ok - 0 when interval (seconds) can be used: between
 * PERIOD_MIN and PERIOD_MAX, a whole number of hours, and either a divisor
 * of a day (1, 2, 3, 4, 6, 8, 12 or 24 hours) or a whole number of days,
 * so every period starts on an hour and daily ones at 00:00 UTC.  -1 with
 * *why otherwise. */
int period_interval_ok(uint64_t interval, const char **why) WARN_UNUSED;

/* period_floor - the start of the aligned period holding t. */
int64_t period_floor(int64_t t, uint64_t interval);

/* period_next - the next period to report.  It begins at last_end, the end
 * of the last period reported, or, when has_last is false, at the aligned
 * start of the period holding first_seen (the oldest data).  It ends at
 * the next aligned boundary after its begin, so a begin left unaligned by
 * a change of interval gives one shorter period and then aligned ones.
 * Returns true with *p set when that period has ended by now; false when
 * it is still in progress (nothing is due). */
bool period_next(bool has_last, int64_t last_end, int64_t first_seen,
                 int64_t now, uint64_t interval, struct period *p);

#endif
