/*
 * num - whole-string number parsing with range checks.
 *
 * The only way the suite turns text into numbers: the whole slice must be
 * consumed (no sign, no leading or trailing space, no empty string) and
 * the value must fit the given range.  atoi() and friends are banned.
 *
 * Thread safety: pure functions.
 */
#ifndef DMARC_COMMON_NUM_H
#define DMARC_COMMON_NUM_H

#include <stdint.h>

#include "common/log.h"
#include "common/str.h"

/* num_parse_u64 - decimal digits only, value in [min, max]: 0 and *out
 * set, or -1 (*out unchanged) with *why naming the problem ("empty",
 * "not a number", "out of range"). */
int num_parse_u64(struct str s, uint64_t min, uint64_t max, uint64_t *out,
                  const char **why) WARN_UNUSED;

/* num_parse_i64 - an optional '-' then decimal digits, value in
 * [min, max]: 0 or -1 as num_parse_u64. */
int num_parse_i64(struct str s, int64_t min, int64_t max, int64_t *out,
                  const char **why) WARN_UNUSED;

#endif
