/*
 * hist_write - format a history record and append it to the history file.
 *
 * The milter builds the whole record in memory with hist_format(), then
 * hands it to hist_writer_append(), which issues one write(2) on an
 * O_APPEND descriptor under flock(LOCK_EX), so OpenDMARC's importer (which
 * takes LOCK_SH) and dmarc-import never see half a record.  A renamed
 * (rotated) or removed file is noticed by comparing the inode of the path
 * with the open descriptor's before each append, and the path is opened
 * again.
 *
 * Thread safety: hist_format() is thread-safe.  A struct hist_writer is
 * not: the milter calls hist_writer_append() under its own mutex.
 */
#ifndef DMARC_HISTORY_HIST_WRITE_H
#define DMARC_HISTORY_HIST_WRITE_H

#include <stddef.h>

#include "common/buf.h"
#include "common/log.h"
#include "history/hist_fmt.h"

/* hist_format - append the record r to out, in the canonical key order of
 * dmarc-history(5): the OpenDMARC 1.4 keys, then (when r->ext_version >
 * 0) the extension block, then action.  Bytes that would break the line
 * syntax (control characters; spaces inside single-word values) are
 * written as '?'; JSON strings in arc_policy are escaped.  Borrows r.
 * Returns 0, or -1 when out's maximum would be exceeded (out is then
 * left as it was).  Thread-safe. */
int hist_format(const struct hist_rec *r, struct buf *out) WARN_UNUSED;

struct hist_writer;

/* hist_writer_new - a writer for the file at path (copied); the file is
 * opened (O_WRONLY|O_APPEND|O_CREAT, mode 0644 before umask) on the first
 * append.  Caller frees with hist_writer_free. */
struct hist_writer *hist_writer_new(const char *path);

/* hist_writer_append - write len bytes at p (one or more whole records)
 * with a single write(2), under flock(LOCK_EX).  Reopens the path first
 * when it was renamed or removed since the last append.  A lock failure
 * is logged and the write goes ahead (as OpenDMARC does).  Returns 0, or
 * -1 when the file cannot be opened or the write fails or is short
 * (logged with errno text; the descriptor is closed so the next call
 * starts afresh).  Not thread-safe: call under the caller's mutex. */
int hist_writer_append(struct hist_writer *w, const char *p,
                       size_t len) WARN_UNUSED;

/* hist_writer_free - close and release (NULL is a no-op). */
void hist_writer_free(struct hist_writer *w);

#endif
