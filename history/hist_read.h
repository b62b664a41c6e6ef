/*
 * hist_read - read complete history records from a file descriptor.
 *
 * Finds record boundaries (a record starts at a "job" line and runs to the
 * next one), hands each record to hist_parse, and keeps the byte offset
 * and line number up to which the input has been consumed, so an importer
 * can resume there.  A record at the end of the input that has no action
 * line, or whose last line has no LF, is not consumed: it may still be
 * being written, and the next run picks it up once it is complete.  When
 * the input is final (standard input, or a file known to be complete),
 * such a record is handled as OpenDMARC's importer does: imported with
 * what it has (see dmarc-history(5)).
 *
 * Lines longer than HIST_MAX_LINE and records larger than HIST_MAX_RECORD
 * are never held in memory: they are skipped and reported, so memory does
 * not depend on the input.  Every problem is logged as "file:line:
 * reason".
 *
 * Thread safety: a reader belongs to one thread.
 */
#ifndef DMARC_HISTORY_HIST_READ_H
#define DMARC_HISTORY_HIST_READ_H

#include <stdbool.h>
#include <stdint.h>

#include "common/log.h"
#include "common/str.h"
#include "history/hist_fmt.h"
#include "history/hist_parse.h"

/* outcome of hist_reader_next() */
enum hist_read_status {
    HIST_READ_OK = 0,   /* *out holds the next complete record */
    HIST_READ_SKIP = 1, /* a malformed record was skipped (logged) */
    HIST_READ_END = 2,  /* no further complete record for now */
    HIST_READ_ERROR = 3 /* read(2) failed (logged) */
};

/* where to start and how to treat the end */
struct hist_read_opts {
    uint64_t offset; /* byte offset of fd's current position (the reader
                        does not seek: the caller positions fd) */
    uint64_t line;   /* line number of the line at offset (1 at start) */
    bool is_final;   /* the end of input is the true end */
};

struct hist_reader;

/* hist_reader_new - a reader of fd (borrowed: the caller closes it) whose
 * messages name the input name (copied).  Caller frees with
 * hist_reader_free. */
struct hist_reader *hist_reader_new(int fd, const char *name,
                                    const struct hist_read_opts *opts);

/* hist_reader_free - release (NULL is a no-op); fd stays open. */
void hist_reader_free(struct hist_reader *r);

/* hist_reader_next - the next record.  On HIST_READ_OK, *out borrows
 * from the reader until the next call, and hist_reader_raw() gives its
 * bytes.  HIST_READ_SKIP consumes a malformed record; HIST_READ_END means
 * nothing more is complete (call again later for a growing file). */
enum hist_read_status hist_reader_next(struct hist_reader *r,
                                       struct hist_rec *out) WARN_UNUSED;

/* hist_reader_raw - the bytes of the record last returned with
 * HIST_READ_OK (from its job line to its last line); borrowed like *out. */
struct str hist_reader_raw(const struct hist_reader *r);

/* hist_reader_offset - the byte offset up to which the input has been
 * consumed (the resume point: the end of the last record returned or
 * skipped, and of any stray lines after it). */
uint64_t hist_reader_offset(const struct hist_reader *r);

/* hist_reader_line - the line number at hist_reader_offset(). */
uint64_t hist_reader_line(const struct hist_reader *r);

/* hist_reader_record_line - the first line of the record last returned or
 * skipped. */
uint64_t hist_reader_record_line(const struct hist_reader *r);

/* hist_reader_stats - counters of the parser (warnings, unknown keys). */
const struct hist_parse_stats *hist_reader_stats(const struct hist_reader *r);

#endif
