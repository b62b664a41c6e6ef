/*
 * import - one history file (or standard input) into the database.
 *
 * Reads complete records from where the last run stopped, stores them in
 * batched transactions, and commits the file's progress (offset, line,
 * fingerprint) in the same transaction as the records it covers, so a run
 * killed at any instant and started again ends with the database an
 * uninterrupted run gives.  A record already stored (same fingerprint,
 * whatever file it came from) is counted as a duplicate and not stored
 * again.
 *
 * Thread safety: one import at a time per database handle.
 */
#ifndef DMARC_IMPORTER_IMPORT_H
#define DMARC_IMPORTER_IMPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#include "common/log.h"
#include "importer/store.h"

/* IMPORT_BATCH - records per transaction: large enough that commits cost
 * little, small enough that a killed run loses little work */
#define IMPORT_BATCH 20000

/* how to import */
struct import_opts {
    bool is_final; /* named files are complete: a last record without
                      action is imported, as from standard input */
    bool show_bar; /* draw a progress bar (standard error is a tty) */
    size_t batch;  /* records per transaction (0: IMPORT_BATCH) */
};

/* what an import did */
struct import_counts {
    uint64_t records;    /* records stored */
    uint64_t duplicates; /* records already in the database */
    uint64_t skipped;    /* malformed records skipped */
    uint64_t warnings;   /* warnings about kept records */
};

/* outcome of import_file() */
enum import_status {
    IMPORT_OK = 0,      /* done (some records may have been skipped) */
    IMPORT_NOINPUT = 1, /* the file cannot be opened (logged) */
    IMPORT_IOERR = 2,   /* reading failed (logged); progress is kept */
    IMPORT_DBERR = 3    /* the database failed (logged); rolled back */
};

/* import_file - import path ("-" is standard input, read to its end and
 * not remembered) through st into db; adds to *counts. */
enum import_status import_file(sqlite3 *db, struct store *st, const char *path,
                               const struct import_opts *opts,
                               struct import_counts *counts) WARN_UNUSED;

#endif
