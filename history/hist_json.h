/*
 * hist_json - the JSON array of ARC seals in an arc_policy line.
 *
 * A bounded parser for exactly what the arc_policy value holds: an array
 * of flat objects whose members are strings or integers ("i", "d", "s",
 * "ip" are kept; other members are skipped).  Nested values, a value that
 * is neither string nor integer, or trailing text make it fail, and the
 * caller keeps the record without ARC data.
 *
 * Thread safety: pure functions.
 */
#ifndef DMARC_HISTORY_HIST_JSON_H
#define DMARC_HISTORY_HIST_JSON_H

#include <stddef.h>

#include "common/log.h"
#include "common/str.h"
#include "history/hist_fmt.h"

/* where the decoded seals go */
struct hist_json_out {
    struct hist_arc_seal *seals; /* room for max seals */
    size_t max;                  /* capacity of seals */
    size_t count;                /* seals stored */
    char *scratch;               /* at least json.len bytes: unescaped
                                    strings; the seals point into it */
};

/* hist_json_seals - decode the array json (from its '[' to its ']') into
 * out.  Returns 0, or -1 with *why set (out->count is then 0). */
int hist_json_seals(struct str json, struct hist_json_out *out,
                    const char **why) WARN_UNUSED;

#endif
