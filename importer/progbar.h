/*
 * progbar - a one-line progress display for interactive imports.
 *
 * Shows bytes done out of the total (when known), records per second and
 * the time left, redrawn on standard error at most a few times a second.
 * The importer creates one only when standard error is a terminal, so
 * cron runs stay silent.
 *
 * Thread safety: one bar per thread.
 */
#ifndef DMARC_IMPORTER_PROGBAR_H
#define DMARC_IMPORTER_PROGBAR_H

#include <stdint.h>

struct progbar;

/* progbar_new - a bar for name (copied) covering bytes [start, total);
 * total 0 means unknown (standard input).  Caller frees with
 * progbar_free, which clears the line. */
struct progbar *progbar_new(const char *name, uint64_t start, uint64_t total);

/* progbar_update - at byte offset pos, records done so far; redraws when
 * enough time has passed.  NULL is a no-op. */
void progbar_update(struct progbar *pb, uint64_t pos, uint64_t records);

/* progbar_free - clear the line and release (NULL is a no-op). */
void progbar_free(struct progbar *pb);

#endif
