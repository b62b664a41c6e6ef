/*
 * hist_read - complete history records from a file descriptor.
 *
 * Reads the input in chunks into one bounded buffer that holds at most
 * the record being assembled plus one line, splits it into lines, cuts
 * records at "job" lines, and hands each record to hist_parse.  It tracks
 * the offset and line number up to which the input has been consumed.  It
 * does not seek, lock or stat the file: the importer does that.
 *
 * Completeness: OpenDMARC has no record terminator.  A record is taken as
 * complete when the next job line starts, or at the end of the input when
 * it has an action line and its last line ends in LF; otherwise it is left
 * unconsumed for the next run, unless the input is final (then it is
 * imported as OpenDMARC's importer would, with a warning).
 *
 * STANDARDS: the OpenDMARC 1.4.2 history format (dmarc-history(5)).
 *
 * Thread safety: a reader belongs to one thread.
 */
#include "history/hist_read.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/xalloc.h"

/* READ_CHUNK - bytes asked of read(2) at a time */
#define READ_CHUNK 65536
/* READ_CAP - the buffer: the largest record plus a line plus a chunk */
#define READ_CAP (HIST_MAX_RECORD + HIST_MAX_LINE + READ_CHUNK + 2)

/* what get_line() found */
enum ln_status {
    LN_OK,   /* a whole line */
    LN_LONG, /* a line over HIST_MAX_LINE was skipped (and reported) */
    LN_CUT,  /* a line over HIST_MAX_LINE follows a record's action line:
                the record ends before it (the line is not consumed) */
    LN_EOF,  /* no further whole line */
    LN_ERR   /* read error */
};

struct hist_reader {
    int fd;                        /* input (borrowed) */
    char *name;                    /* input name for messages */
    bool is_final;                 /* end of input is the true end */
    bool eof;                      /* read(2) returned 0 */
    char *buf;                     /* READ_CAP bytes */
    size_t pos;                    /* next unread line starts here */
    size_t end;                    /* bytes in buf */
    uint64_t base;                 /* file offset of buf[0] */
    uint64_t line;                 /* line number of the line at pos */
    uint64_t done_off;             /* consumed up to here */
    uint64_t done_line;            /* line number at done_off */
    bool in_rec;                   /* a record is being assembled */
    bool rec_dropped;              /* its bytes are no longer held */
    bool rec_has_action;           /* it has an action line */
    size_t rec_start;              /* its first byte in buf */
    uint64_t rec_line;             /* its job line's number */
    struct hist_parse_err rec_err; /* why it is already known bad */
    struct str raw;                /* bytes of the last record returned */
    uint64_t last_rec_line;        /* first line of the last record */
    struct hist_parser *ps;        /* the record parser */
};

struct hist_reader *
hist_reader_new(int fd, const char *name, const struct hist_read_opts *opts)
{
    struct hist_reader *r = xcalloc(1, sizeof(*r));

    r->fd = fd;
    r->name = xstrdup(name);
    r->is_final = opts->is_final;
    r->buf = xmalloc(READ_CAP);
    r->base = r->done_off = opts->offset;
    r->line = r->done_line = opts->line ? opts->line : 1;
    r->ps = hist_parser_new(name);
    return r;
}

void
hist_reader_free(struct hist_reader *r)
{
    if (r == NULL)
        return;
    hist_parser_free(r->ps);
    free(r->buf);
    free(r->name);
    free(r);
}

/* fill - make room (dropping what is no longer needed) and read more */
static int
fill(struct hist_reader *r)
{
    size_t keep = r->in_rec && !r->rec_dropped ? r->rec_start : r->pos;
    ssize_t n;

    if (keep > 0 && READ_CAP - r->end < READ_CHUNK) {
        memmove(r->buf, r->buf + keep, r->end - keep);
        r->end -= keep;
        r->pos -= keep;
        r->rec_start -= r->in_rec && !r->rec_dropped ? keep : 0;
        r->base += keep;
    }
    if (r->end == READ_CAP)
        log_panic("hist_read: buffer full (record bound not enforced)");
    do {
        n = read(r->fd, r->buf + r->end, READ_CAP - r->end);
    } while (n < 0 && errno == EINTR);
    if (n < 0) {
        log_err_errno("%s: read", r->name);
        return -1;
    }
    if (n == 0)
        r->eof = true;
    r->end += (size_t)n;
    return 0;
}

/* mark_bad - the record in progress is malformed; drop its bytes */
static void
mark_bad(struct hist_reader *r, const char *why)
{
    if (r->rec_err.why == NULL) {
        r->rec_err.why = why;
        r->rec_err.line = r->line;
    }
    r->rec_dropped = true;
}

/* skip_long - a line over HIST_MAX_LINE: report it and discard it up to
 * its LF without holding it */
static enum ln_status
skip_long(struct hist_reader *r)
{
    if (r->in_rec)
        mark_bad(r, "line longer than the 65536-byte limit");
    else
        log_warn("%s:%" PRIu64 ": line longer than the 65536-byte limit, "
                 "discarded",
                 r->name, r->line);
    for (;;) {
        char *nl = memchr(r->buf + r->pos, '\n', r->end - r->pos);

        if (nl != NULL) {
            r->pos = (size_t)(nl - r->buf) + 1;
            r->line++;
            return LN_LONG;
        }
        r->pos = r->end;
        if (r->eof)
            return LN_EOF;
        if (fill(r) < 0)
            return LN_ERR;
    }
}

/* get_line - the next whole line (without LF) into *ln, its first byte
 * at buf[*start] */
static enum ln_status
get_line(struct hist_reader *r, struct str *ln, size_t *start)
{
    for (;;) {
        size_t left = r->end - r->pos;
        char *nl = memchr(r->buf + r->pos, '\n', left);
        size_t len = nl ? (size_t)(nl - (r->buf + r->pos)) : left;

        if (len > HIST_MAX_LINE)
            return r->in_rec && r->rec_has_action ? LN_CUT : skip_long(r);
        if (nl != NULL || (r->eof && left > 0 && r->is_final)) {
            *ln = str_make(r->buf + r->pos, len);
            *start = r->pos;
            r->pos += len + (nl != NULL);
            return LN_OK;
        }
        if (r->eof)
            return LN_EOF;
        if (fill(r) < 0)
            return LN_ERR;
    }
}

/* key_is - the line's key is k */
static bool
key_is(struct str ln, const char *k)
{
    size_t n = strlen(k);

    if (ln.len < n || memcmp(ln.p, k, n) != 0)
        return false;
    return ln.len == n || ln.p[n] == ' ' || ln.p[n] == '\r';
}

/* end_record - the record ends at buf[end_idx] (line next_line starts
 * there): parse or skip it; at_end when the input ends there */
static enum hist_read_status
end_record(struct hist_reader *r, size_t end_idx, uint64_t next_line,
           bool at_end, struct hist_rec *out)
{
    struct hist_parse_err err = r->rec_err;
    enum hist_read_status st = HIST_READ_SKIP;

    r->in_rec = false;
    r->done_off = r->base + end_idx;
    r->done_line = next_line;
    r->last_rec_line = r->rec_line;
    if (!r->rec_dropped) {
        r->raw = str_make(r->buf + r->rec_start, end_idx - r->rec_start);
        if (hist_parse_record(r->ps, r->raw, r->rec_line, at_end && r->is_final,
                              out, &err) == HIST_PARSE_OK)
            st = HIST_READ_OK;
    }
    if (st == HIST_READ_SKIP)
        log_warn("%s:%" PRIu64 ": record skipped: %s", r->name, err.line,
                 err.why);
    return st;
}

/* begin_record - a job line at buf[start] opens a record */
static void
begin_record(struct hist_reader *r, size_t start)
{
    r->in_rec = true;
    r->rec_dropped = false;
    r->rec_has_action = false;
    r->rec_start = start;
    r->rec_line = r->line;
    r->rec_err.why = NULL;
}

/* at_eof - no further whole line */
static enum hist_read_status
at_eof(struct hist_reader *r, struct hist_rec *out)
{
    if (!r->in_rec || (!r->rec_has_action && !r->is_final))
        return HIST_READ_END; /* maybe still being written */
    return end_record(r, r->pos, r->line, true, out);
}

/* stray - a line outside any record (before the first job line) */
static void
stray(struct hist_reader *r, struct str ln)
{
    if (ln.len > 0 && !(ln.len == 1 && ln.p[0] == '\r'))
        log_warn("%s:%" PRIu64 ": line outside a record (no job line "
                 "before it), discarded",
                 r->name, r->line);
    r->done_off = r->base + r->pos;
    r->done_line = r->line + 1;
}

/* may_follow_action - a line that can come after action inside a record:
 * Exim writes arc and arc_policy after it; blank lines are harmless */
static bool
may_follow_action(struct str ln)
{
    return ln.len == 0 || (ln.len == 1 && ln.p[0] == '\r') ||
           key_is(ln, "arc") || key_is(ln, "arc_policy");
}

/* on_line - one whole line at buf[start]: returns HIST_READ_END to go on
 * reading, or the status of a record that ended before it */
static enum hist_read_status
on_line(struct hist_reader *r, struct str ln, size_t start,
        struct hist_rec *out)
{
    enum hist_read_status st = HIST_READ_END;

    if (ln.len >= 3 && ln.p[0] == 'j' && key_is(ln, "job")) {
        if (r->in_rec)
            st = end_record(r, start, r->line, false, out);
        begin_record(r, start);
    } else if (r->in_rec && r->rec_has_action && !may_follow_action(ln)) {
        /* after action: anything but Exim's trailing lines is not part
         * of this record (a damaged job line, garbage); the record ends
         * here and the line is read again as a stray line */
        st = end_record(r, start, r->line, false, out);
        r->pos = start;
        return st;
    } else if (!r->in_rec) {
        stray(r, ln);
    } else if (ln.len >= 6 && ln.p[0] == 'a' && key_is(ln, "action")) {
        r->rec_has_action = true;
    }
    if (r->in_rec && !r->rec_dropped && r->pos - r->rec_start > HIST_MAX_RECORD)
        mark_bad(r, "record larger than its limit");
    r->line++;
    return st;
}

enum hist_read_status
hist_reader_next(struct hist_reader *r, struct hist_rec *out)
{
    for (;;) {
        enum hist_read_status st;
        struct str ln = { NULL, 0 };
        size_t start = 0;

        switch (get_line(r, &ln, &start)) {
        case LN_ERR:
            return HIST_READ_ERROR;
        case LN_EOF:
            return at_eof(r, out);
        case LN_CUT:
            return end_record(r, r->pos, r->line, false, out);
        case LN_LONG:
            if (!r->in_rec) {
                r->done_off = r->base + r->pos;
                r->done_line = r->line;
            }
            continue;
        case LN_OK:
            break;
        }
        st = on_line(r, ln, start, out);
        if (st != HIST_READ_END)
            return st;
    }
}

struct str
hist_reader_raw(const struct hist_reader *r)
{
    return r->raw;
}

uint64_t
hist_reader_offset(const struct hist_reader *r)
{
    return r->done_off;
}

uint64_t
hist_reader_line(const struct hist_reader *r)
{
    return r->done_line;
}

uint64_t
hist_reader_record_line(const struct hist_reader *r)
{
    return r->last_rec_line;
}

const struct hist_parse_stats *
hist_reader_stats(const struct hist_reader *r)
{
    return hist_parser_stats(r->ps);
}
