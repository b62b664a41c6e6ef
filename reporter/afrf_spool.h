/*
 * afrf_spool - failure reports on disk (FailureReportsSpool), so that a
 * report due survives a restart of the milter.
 *
 * A job is written to <spool>/tmp/<name> and renamed into
 * <spool>/new/<name> (atomic: the worker never sees half a file).  The
 * name is "<nanoseconds>.<pid>.<seq>.<tries>", so that the names sort
 * oldest first and carry the count of failed sends.  A pass of the
 * worker sends the files in new/ (those never tried after a new report;
 * all of them on the retry timer and at start-up, so a failed report is
 * retried at the timer's pace, not at the pace reports arrive), deletes
 * each once sent or given up, renames it with one more try after a
 * temporary failure (at most AFRF_SPOOL_MAX_TRIES), and moves a file it
 * cannot read back to <spool>/bad/.  The file format is
 * afrf_spoolfile.h's.
 *
 * Durability: the file is fsynced before the rename into new/, and new/
 * after it, so a report the milter logged as spooled survives a crash;
 * a pass fsyncs new/ once after its deletions and renames (a report
 * sent is not sent again), and bad/ after a move there.  A failed fsync
 * of the file drops the report (logged); of a directory, it is logged
 * with the path and the report goes on.  The cost is two fsyncs per
 * report on the milter's thread, bounded by the rate limits.
 *
 * Thread safety: afrf_spool_put and afrf_spool_count are thread-safe;
 * afrf_spool_run is called by one worker at a time (an flock on
 * <spool>/lock keeps two instances, e.g. across a reload, apart);
 * new and free are not thread-safe.
 */
#ifndef DMARC_REPORTER_AFRF_SPOOL_H
#define DMARC_REPORTER_AFRF_SPOOL_H

#include <stdbool.h>
#include <stddef.h>

#include "common/log.h"
#include "reporter/afrf_job.h"

/* AFRF_SPOOL_MAX_TRIES - sends attempted before a report is given up */
#define AFRF_SPOOL_MAX_TRIES 3

/* which files a pass sends */
enum afrf_spool_pass {
    AFRF_SPOOL_PASS_NEW = 0, /* files never tried: a report just spooled */
    AFRF_SPOOL_PASS_ALL      /* every file: the retry timer, start-up */
};

/* afrf_spool_send_fn - send one job (borrowed) on the worker; true when
 * done with it (sent or failed for good), false on a temporary failure */
typedef bool afrf_spool_send_fn(void *arg, struct afrf_job *j);

struct afrf_spool;

/* afrf_spool_new - the spool in dir (borrowed), its tmp/, new/ and bad/
 * made when missing, holding at most max files; the files a previous run
 * left in new/ are counted.  NULL on a system error (logged). */
struct afrf_spool *afrf_spool_new(const char *dir, size_t max);

/* afrf_spool_free - release (files stay).  NULL is a no-op. */
void afrf_spool_free(struct afrf_spool *s);

/* afrf_spool_put - write j (borrowed) into new/.  0, or -1 with a
 * static *why when the spool is full or the write failed (logged). */
int afrf_spool_put(struct afrf_spool *s, const struct afrf_job *j,
                   const char **why) WARN_UNUSED;

/* afrf_spool_run - one pass over new/, oldest first, calling send for
 * each file read back that pass selects (see the top of this file).
 * Worker only. */
void afrf_spool_run(struct afrf_spool *s, enum afrf_spool_pass pass,
                    afrf_spool_send_fn *send, void *arg);

/* afrf_spool_count - files waiting in new/ (as this instance counts
 * them).  Thread-safe. */
size_t afrf_spool_count(const struct afrf_spool *s);

#endif
