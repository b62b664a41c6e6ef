/*
 * rechash - a 128-bit fingerprint of a history record's bytes.
 *
 * The unique key that keeps a record from being stored twice, whatever
 * file or name it is read from (messages.rec_hash), and the fingerprint
 * of a file's first bytes (import_files.fingerprint).  Not cryptographic:
 * the input is our own history data, and only accidental collisions
 * matter (about 2^-64 for a billion records).
 *
 * Thread safety: pure function.
 */
#ifndef DMARC_IMPORTER_RECHASH_H
#define DMARC_IMPORTER_RECHASH_H

#include <stddef.h>

/* RECHASH_LEN - bytes of a fingerprint */
#define RECHASH_LEN 16

/* rechash - the fingerprint of len bytes at p into out. */
void rechash(const void *p, size_t len, unsigned char out[RECHASH_LEN]);

#endif
