/*
 * progbar - progress line on a terminal.
 *
 * Redraws at most every PROGBAR_INTERVAL_NS with "\r" and clears the line
 * at the end.  Rate and time left come from the monotonic clock.  It does
 * not check that standard error is a terminal (the caller does).
 *
 * STANDARDS: none.
 *
 * Thread safety: one bar per thread.
 */
#include "importer/progbar.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "common/xalloc.h"

/* PROGBAR_INTERVAL_NS - time between redraws */
#define PROGBAR_INTERVAL_NS 200000000LL
/* PROGBAR_WIDTH - characters of the bar itself */
#define PROGBAR_WIDTH 30

struct progbar {
    char *name;     /* input name */
    uint64_t start; /* first byte offset */
    uint64_t total; /* file size, 0 when unknown */
    int64_t t0;     /* start time, ns */
    int64_t last;   /* last redraw, ns */
    unsigned calls; /* updates since the last clock read */
};

/* now_ns - monotonic time in nanoseconds */
static int64_t
now_ns(void)
{
    struct timespec ts;

    (void)clock_gettime(CLOCK_MONOTONIC, &ts); /* cannot fail for it */
    return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

struct progbar *
progbar_new(const char *name, uint64_t start, uint64_t total)
{
    struct progbar *pb = xcalloc(1, sizeof(*pb));

    pb->name = xstrdup(name);
    pb->start = start;
    pb->total = total;
    pb->t0 = pb->last = now_ns();
    return pb;
}

/* draw - one redraw */
static void
draw(const struct progbar *pb, uint64_t pos, uint64_t records, int64_t t)
{
    double secs = (double)(t - pb->t0) / 1e9;
    double rate = secs > 0 ? (double)records / secs : 0;

    if (pb->total > pb->start && pos >= pb->start) {
        char bar[PROGBAR_WIDTH + 1];
        double frac =
            (double)(pos - pb->start) / (double)(pb->total - pb->start);
        double left = frac > 0 ? secs / frac - secs : 0;
        int fill = (int)(frac * PROGBAR_WIDTH);

        for (int i = 0; i < PROGBAR_WIDTH; i++)
            bar[i] = i < fill ? '#' : '.';
        bar[PROGBAR_WIDTH] = '\0';
        fprintf(stderr, "\r%s [%s] %3d%% %" PRIu64 " records %.0f/s %ds left ",
                pb->name, bar, (int)(frac * 100), records, rate, (int)left);
    } else {
        fprintf(stderr, "\r%s %" PRIu64 " records %.0f/s ", pb->name, records,
                rate);
    }
}

void
progbar_update(struct progbar *pb, uint64_t pos, uint64_t records)
{
    int64_t t;

    if (pb == NULL || ++pb->calls < 1024)
        return;
    pb->calls = 0;
    t = now_ns();
    if (t - pb->last < PROGBAR_INTERVAL_NS)
        return;
    pb->last = t;
    draw(pb, pos, records, t);
}

void
progbar_free(struct progbar *pb)
{
    if (pb == NULL)
        return;
    fprintf(stderr, "\r%*s\r", 100, "");
    free(pb->name);
    free(pb);
}
