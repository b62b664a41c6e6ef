/*
 * progress - what has been imported from which history file.
 *
 * One import_files row per file, identified by device and inode (so a
 * renamed file keeps its progress), with the offset and line up to which
 * it was imported and a fingerprint of its first bytes (so a file that
 * was truncated, or replaced by a new one that got the old inode, is read
 * again from the start).  The row is written in the same transaction as
 * the records it covers.
 *
 * Thread safety: one handle per thread.
 */
#ifndef DMARC_IMPORTER_PROGRESS_H
#define DMARC_IMPORTER_PROGRESS_H

#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#include "common/log.h"
#include "importer/rechash.h"

/* PROGRESS_FP_MAX - bytes at the start of a file that make its
 * fingerprint: the first record, or more of the file */
#define PROGRESS_FP_MAX 4096

/* the import state of one file */
struct progress {
    uint64_t dev;                  /* st_dev */
    uint64_t ino;                  /* st_ino */
    unsigned char fp[RECHASH_LEN]; /* fingerprint of the first fp_len
                                      bytes */
    size_t fp_len;                 /* bytes fingerprinted */
    uint64_t offset;               /* imported up to here */
    uint64_t line;                 /* line number at offset */
    uint64_t records;              /* records stored from this file */
    uint64_t skipped;              /* malformed records skipped */
};

/* progress_load - the row of (p->dev, p->ino) into *p: 1 found, 0 not
 * found (*p keeps dev and ino, the rest zeroed), -1 on error (logged). */
int progress_load(sqlite3 *db, struct progress *p) WARN_UNUSED;

/* progress_save - insert or update the row of p, naming path: 0 or -1
 * (logged). */
int progress_save(sqlite3 *db, const char *path,
                  const struct progress *p) WARN_UNUSED;

#endif
