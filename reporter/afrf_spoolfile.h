/*
 * afrf_spoolfile - the contents of one failure report spool file: a
 * queued report (struct afrf_job) written out and read back.
 *
 * The format is one line "dmarcsuite-afrf-spool 1" then, for each field
 * in a fixed order, "<name> <length>\n<bytes>\n" ("<name> -\n" for an
 * absent field).  Where the files live, how they are named and retried
 * is afrf_spool.h's concern.
 *
 * Thread safety: thread-safe.
 */
#ifndef DMARC_REPORTER_AFRF_SPOOLFILE_H
#define DMARC_REPORTER_AFRF_SPOOLFILE_H

#include <stddef.h>

#include "common/buf.h"
#include "common/log.h"
#include "reporter/afrf_job.h"

/* AFRF_SPOOLFILE_MAX - one spool file: the header block (AFRF_MSG_MAX),
 * the body (AFRF_MAX_BODY) and the small fields */
#define AFRF_SPOOLFILE_MAX (AFRF_MSG_MAX + AFRF_MAX_BODY + 65536)

/* outcome of reading a spool file */
enum afrf_spoolfile_status {
    AFRF_SPOOLFILE_OK = 0, /* a job */
    AFRF_SPOOLFILE_BAD     /* malformed: *why says how */
};

/* afrf_spoolfile_encode - append the file contents of j (borrowed) to
 * out.  0, or -1 when out's maximum is exceeded.  Thread-safe. */
int afrf_spoolfile_encode(const struct afrf_job *j,
                          struct buf *out) WARN_UNUSED;

/* afrf_spoolfile_decode - the job in p (len bytes, a whole file;
 * borrowed).  Returns AFRF_SPOOLFILE_OK with *out (caller frees with
 * afrf_job_free), or AFRF_SPOOLFILE_BAD with a static *why and *out
 * untouched.  Thread-safe. */
enum afrf_spoolfile_status afrf_spoolfile_decode(const char *p, size_t len,
                                                 struct afrf_job **out,
                                                 const char **why) WARN_UNUSED;

#endif
