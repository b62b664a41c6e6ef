/*
 * expire - drop history data past its retention.
 *
 * A message is dropped when it is older than the cutoff and its period
 * has been dealt with: either its policy request had no rua destination
 * (nothing will ever be reported), or a reports_sent row of its policy
 * domain covers its time with a final status (sent, permfail, toobig,
 * unverified) and no row covering it is still pending or being retried.
 * Rows only dropped messages used (signatures, seals, overrides, and
 * domains, addresses, reporters and requests nothing else refers to) go
 * with them.  Everything happens in one transaction.
 *
 * Thread safety: one run per database handle.
 */
#ifndef DMARC_IMPORTER_EXPIRE_H
#define DMARC_IMPORTER_EXPIRE_H

#include <stdint.h>

#include <sqlite3.h>

#include "common/log.h"

/* what a run removed */
struct expire_counts {
    uint64_t messages; /* messages dropped */
    uint64_t others;   /* rows of other tables dropped */
    uint64_t kept;     /* old messages kept because unreported */
};

/* expire_run - drop what is older than cutoff (epoch seconds) and
 * reported: 0, or -1 (logged, rolled back). */
int expire_run(sqlite3 *db, int64_t cutoff,
               struct expire_counts *out) WARN_UNUSED;

#endif
