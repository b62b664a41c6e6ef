/*
 * hist_parse - turn the lines of one history record into a struct
 * hist_rec.
 *
 * The one parser of the history grammar (dmarc-history(5)).  It is given
 * the bytes of one record (from its job line up to the next job line or
 * the end of input) by hist_read, which finds record boundaries in a file.
 * It splits the record into lines and checks their shape; each value is
 * parsed by hist_value, one parser per key.
 * Keys are read by name, in any order; dkim, rua and override accumulate,
 * every other key keeps its last value.  Problems are logged once, as
 * "file:line: reason": a value outside its table is a warning (the field
 * becomes HIST_UNKNOWN and the record is kept), an unknown key is a
 * warning logged once per key name, a broken line (no key, control
 * bytes, a line too many) makes the record malformed.
 *
 * Ownership: a parser holds the arrays and the scratch space the returned
 * record points into, so a record is valid until the next
 * hist_parse_record() call on the same parser.
 *
 * Thread safety: a parser belongs to one thread.
 */
#ifndef DMARC_HISTORY_HIST_PARSE_H
#define DMARC_HISTORY_HIST_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/log.h"
#include "common/str.h"
#include "history/hist_fmt.h"

/* HIST_MAX_UNKNOWN_NAMES - distinct unknown key names remembered, so each
 * is warned about once; further names are counted only */
#define HIST_MAX_UNKNOWN_NAMES 32

/* counters of what a parser met, for the importer's summary */
struct hist_parse_stats {
    uint64_t warnings;     /* lines warned about in kept records */
    uint64_t unknown_keys; /* lines with an unknown key (all of them) */
};

/* why a record was malformed */
struct hist_parse_err {
    const char *why; /* static reason */
    uint64_t line;   /* input line it refers to */
};

/* outcome of parsing one record */
enum hist_parse_status {
    HIST_PARSE_OK = 0, /* *out is a complete record */
    HIST_PARSE_BAD = 1 /* malformed: *why and *why_line say why */
};

struct hist_parser;

/* hist_parser_new - a parser whose messages name the input name (copied).
 * Caller frees with hist_parser_free. */
struct hist_parser *hist_parser_new(const char *name);

/* hist_parser_free - release (NULL is a no-op). */
void hist_parser_free(struct hist_parser *ps);

/* hist_parse_record - parse the record whose bytes are rec (borrowed; the
 * record's first line is line number first_line of the input).  A record
 * without an action line is accepted only when allow_no_action is set
 * (the end of a file read as complete, as OpenDMARC's importer does); its
 * action is then HIST_UNKNOWN and a warning is logged.  On HIST_PARSE_OK
 * *out borrows from rec and from ps until the next call.  On
 * HIST_PARSE_BAD, *err says why; nothing is logged for it (the caller
 * logs the skip once). */
enum hist_parse_status
hist_parse_record(struct hist_parser *ps, struct str rec, uint64_t first_line,
                  bool allow_no_action, struct hist_rec *out,
                  struct hist_parse_err *err) WARN_UNUSED;

/* hist_parser_stats - the counters so far; borrowed. */
const struct hist_parse_stats *hist_parser_stats(const struct hist_parser *ps);

#endif
