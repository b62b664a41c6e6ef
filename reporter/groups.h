/*
 * groups - count the distinct keys of one report and hand them back
 * busiest first.
 *
 * A key is an opaque byte string (query.c encodes what a <record> holds);
 * each carries a label (the source address) used to order groups of the
 * same count.  Memory grows with the number of distinct groups of one
 * report, never with the whole database, and is bounded by
 * GROUPS_MAX_GROUPS and GROUPS_MAX_BYTES; groups_reset keeps it for the
 * next report.
 *
 * Thread safety: one struct groups per thread.
 */
#ifndef DMARC_REPORTER_GROUPS_H
#define DMARC_REPORTER_GROUPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/log.h"

/* GROUPS_MAX_GROUPS - distinct groups in one report: a record takes well
 * over 32 compressed bytes, so more would not fit REPORT_MAX_GZ (64 MB) */
#define GROUPS_MAX_GROUPS ((size_t)2 << 20)
/* GROUPS_MAX_BYTES - bytes of keys and labels in one report (a group of
 * GROUPS_MAX_GROUPS averages 256 bytes) */
#define GROUPS_MAX_BYTES ((size_t)512 << 20)

struct groups;

/* groups_new - an empty set.  Caller frees with groups_free. */
struct groups *groups_new(void);

/* groups_free - release the set (NULL is a no-op). */
void groups_free(struct groups *g);

/* groups_reset - empty the set for the next report, keeping its memory. */
void groups_reset(struct groups *g);

/* groups_add - count one message of key (len bytes, copied).  0 with *idx
 * (the group) and *is_new (first message of it: the caller then sets its
 * label), or -1 when a limit is reached (nothing counted). */
int groups_add(struct groups *g, const void *key, size_t len, size_t *idx,
               bool *is_new) WARN_UNUSED;

/* groups_label - set the label of a new group idx (copied).  0, or -1
 * when GROUPS_MAX_BYTES is reached. */
int groups_label(struct groups *g, size_t idx, const char *label) WARN_UNUSED;

/* groups_sort - order the groups by count (highest first), then label,
 * then key; no group may be added afterwards until groups_reset. */
void groups_sort(struct groups *g);

/* groups_count - the number of groups. */
size_t groups_count(const struct groups *g);

/* groups_get - group i (i < groups_count) of the sorted set: its key
 * (borrowed until groups_reset) and its count. */
void groups_get(const struct groups *g, size_t i, const unsigned char **key,
                size_t *len, uint64_t *count);

#endif
