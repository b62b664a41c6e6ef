/*
 * hist_value - parse the value of one history line into its field of a
 * struct hist_rec.
 *
 * hist_parse splits a record into lines and finds each line's key; this
 * module checks and stores the value, one parser per key.  The repeated
 * keys (dkim, rua, override) and the ARC seals of arc_policy go into
 * arrays the caller owns (struct hist_value_arrays), which the record
 * then points into.
 *
 * Ownership: the record borrows from the value and from the arrays.
 * Thread safety: a context belongs to one thread.
 */
#ifndef DMARC_HISTORY_HIST_VALUE_H
#define DMARC_HISTORY_HIST_VALUE_H

#include <stdbool.h>
#include <stdint.h>

#include "common/log.h"
#include "common/str.h"
#include "history/hist_fmt.h"
#include "history/hist_parse.h"

/* the arrays the repeated keys of one record fill */
struct hist_value_arrays {
    struct hist_dkim dkim[HIST_MAX_DKIM];        /* dkim lines */
    struct str rua[HIST_MAX_RUA];                /* rua URIs */
    struct hist_arc_seal seals[HIST_MAX_SEALS];  /* ARC seals */
    struct hist_override ovr[HIST_MAX_OVERRIDE]; /* override lines */
    char *scratch; /* unescaped JSON: as many bytes as the record */
};

/* the state of one record being parsed */
struct hist_value_ctx {
    const char *name;              /* input name, for messages */
    struct hist_value_arrays *arr; /* where repeated keys go */
    uint64_t *warnings;            /* counter of warnings logged */
    struct hist_rec *r;            /* record being filled */
    uint64_t line;                 /* current line number */
    bool seen[HIST_F_COUNT];       /* keys met so far */
    struct hist_parse_err err;     /* first fatal problem */
    enum hist_field hint;          /* the key expected next */
};

/* hist_value_parse - parse v (borrowed), the value of key f on line
 * c->line, into c->r.  A problem that costs only the value is logged as a
 * warning (counted in *c->warnings).  Returns 0, or -1 when the record is
 * malformed, with c->err set (the first reason is kept; nothing logged). */
int hist_value_parse(struct hist_value_ctx *c, enum hist_field f,
                     struct str v) WARN_UNUSED;

/* hist_value_fail - note why the record is malformed (unless a reason is
 * already noted) as c->err, with the current line.  Returns -1. */
int hist_value_fail(struct hist_value_ctx *c, const char *why) WARN_UNUSED;

/* hist_value_warn - log "name:line: key 'v': why" for a problem that does
 * not cost the record, and count it in *c->warnings. */
void hist_value_warn(struct hist_value_ctx *c, enum hist_field f, struct str v,
                     const char *why);

#endif
