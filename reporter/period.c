/*
 * period - the UTC-aligned reporting periods of one policy domain.
 *
 * Arithmetic only: it neither reads the database nor the clock (the
 * caller passes "now", so tests pin it).  Floor division keeps times
 * before the epoch aligned too.
 *
 * STANDARDS: RFC 7489 section 7.2 (hour boundaries; daily reports from
 * 00:00 UTC to 00:00 UTC); RFC 9990 section 3.1.1.4 (same advice).
 *
 * Thread safety: pure functions.
 */
#include "reporter/period.h"

int
period_interval_ok(uint64_t interval, const char **why)
{
    if (interval < PERIOD_MIN || interval > PERIOD_MAX) {
        *why = "interval must be between one hour and one week";
        return -1;
    }
    if (interval % PERIOD_MIN != 0) {
        *why = "interval must be a whole number of hours";
        return -1;
    }
    if (PERIOD_DAY % interval != 0 && interval % PERIOD_DAY != 0) {
        *why = "interval must divide a day or be whole days";
        return -1;
    }
    return 0;
}

int64_t
period_floor(int64_t t, uint64_t interval)
{
    int64_t i = (int64_t)interval;
    int64_t r = t % i;

    return r < 0 ? t - r - i : t - r;
}

bool
period_next(bool has_last, int64_t last_end, int64_t first_seen, int64_t now,
            uint64_t interval, struct period *p)
{
    int64_t begin = has_last ? last_end : period_floor(first_seen, interval);
    int64_t end = period_floor(begin, interval) + (int64_t)interval;

    if (end > now)
        return false;
    p->begin = begin;
    p->end = end;
    return true;
}
