/*
 * hist_parse - the lines of one history record into a struct hist_rec.
 *
 * Splits the record into lines, checks each line's shape (a key of
 * [a-z_], one SP, a value without control bytes), finds the key's field
 * and hands the value to hist_value, which parses it.  It checks the
 * record as a whole (required keys present, single keys not repeated) and
 * reports problems with their line; it does not parse values (hist_value
 * does), does not decide record boundaries (hist_read does) and does not
 * normalise case (the importer does).
 *
 * Deliberate leniencies, as in OpenDMARC's importer: keys in any order,
 * the last of a repeated single key wins, unknown keys only warn, a
 * trailing CR is stripped, blank lines are ignored, a broken line after
 * the action line costs only itself.
 *
 * STANDARDS: the OpenDMARC 1.4.2 history format (dmarc-history(5)).
 *
 * Thread safety: a parser belongs to one thread.
 */
#include "history/hist_parse.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "common/scan.h"
#include "common/xalloc.h"
#include "history/hist_value.h"

/* HIST_MAX_KEY - longest key we look at ("hist_version" is 12 bytes) */
#define HIST_MAX_KEY 32

struct hist_parser {
    char *name;                    /* input name */
    struct hist_value_arrays arr;  /* what the record points into */
    size_t scratch_cap;            /* bytes in arr.scratch */
    struct hist_parse_stats stats; /* counters */
    char unknown[HIST_MAX_UNKNOWN_NAMES][HIST_MAX_KEY + 1]; /* warned */
    size_t n_unknown;                                       /* used slots */
};

/* keys that occur once in every writer's records: a repeat means the
 * record ran into the next one (its job line was lost) */
static const bool is_single[HIST_F_COUNT] = {
    [HIST_F_JOB] = true,     [HIST_F_REPORTER] = true, [HIST_F_RECEIVED] = true,
    [HIST_F_IPADDR] = true,  [HIST_F_FROM] = true,     [HIST_F_MFROM] = true,
    [HIST_F_PDOMAIN] = true, [HIST_F_POLICY] = true,   [HIST_F_ACTION] = true,
};

/* lookup - the field of key: the one after the previous line's first
 * (records come in writing order), then the table */
static int
lookup(struct hist_value_ctx *c, struct str key, enum hist_field *f)
{
    const char *guess = hist_field_name(c->hint);

    if (key.len > 0 && guess[0] == key.p[0] && strlen(guess) == key.len &&
        memcmp(guess, key.p, key.len) == 0) {
        *f = c->hint;
        return 0;
    }
    return hist_field_lookup(key, f);
}

/* is_key_char - [a-z_] */
static bool
is_key_char(char c)
{
    return (c >= 'a' && c <= 'z') || c == '_';
}

/* unknown_key - count it; warn the first time its name is met */
static void
unknown_key(struct hist_parser *ps, const struct hist_value_ctx *c,
            struct str key)
{
    char esc[64];

    ps->stats.unknown_keys++;
    for (size_t i = 0; i < ps->n_unknown; i++) {
        if (str_eq(key, str_cstr(ps->unknown[i])))
            return;
    }
    if (ps->n_unknown < HIST_MAX_UNKNOWN_NAMES) {
        memcpy(ps->unknown[ps->n_unknown], key.p, key.len);
        ps->unknown[ps->n_unknown++][key.len] = '\0';
    }
    log_warn("%s:%" PRIu64 ": unknown key '%s' ignored (further lines "
             "with this key are counted, not shown)",
             ps->name, c->line, log_esc(esc, sizeof(esc), key.p, key.len));
}

/* line - one line without its LF: 0, or -1 when it spoils the record */
static int
line(struct hist_parser *ps, struct hist_value_ctx *c, struct str ln)
{
    struct scan sc;
    struct str key;
    enum hist_field f;

    if (ln.len > 0 && ln.p[ln.len - 1] == '\r')
        ln.len--; /* leniency: CRLF files */
    if (ln.len == 0)
        return 0;
    for (size_t i = 0; i < ln.len; i++) {
        unsigned char b = (unsigned char)ln.p[i];

        /* ascii_is_ctl(), written out: this loop sees every input byte */
        if (b < 0x20 || b == 0x7f)
            return hist_value_fail(c,
                                   "control character or binary data in line");
    }
    key.p = ln.p;
    for (key.len = 0; key.len < ln.len && is_key_char(ln.p[key.len]);)
        key.len++;
    if (key.len == 0 || key.len > HIST_MAX_KEY ||
        (key.len < ln.len && ln.p[key.len] != ' '))
        return hist_value_fail(c, "line does not start with a key");
    /* the value follows one SP; "mfrom" alone has an empty value */
    sc = scan_init(str_make(ln.p + key.len + (key.len < ln.len),
                            ln.len - key.len - (key.len < ln.len)));
    if (lookup(c, key, &f) < 0) {
        unknown_key(ps, c, key);
        return 0;
    }
    if (c->seen[f] && is_single[f])
        return hist_value_fail(c,
                               "key repeated inside a record (two records run "
                               "together?)");
    if (hist_value_parse(c, f, scan_rest(&sc)) < 0)
        return -1;
    c->seen[f] = true;
    c->hint = f + 1 < HIST_F_COUNT ? f + 1 : f;
    return 0;
}

/* finish - the checks that need the whole record */
static int
finish(struct hist_value_ctx *c, bool allow_no_action)
{
    static const enum hist_field required[] = {
        HIST_F_JOB,    HIST_F_REPORTER, HIST_F_RECEIVED,
        HIST_F_IPADDR, HIST_F_FROM,     HIST_F_PDOMAIN,
    };
    struct hist_rec *r = c->r;

    for (size_t i = 0; i < sizeof(required) / sizeof(required[0]); i++) {
        if (!c->seen[required[i]])
            return hist_value_fail(c,
                                   "a required line (job, reporter, received, "
                                   "ipaddr, from, pdomain) is missing");
    }
    if (!c->seen[HIST_F_ACTION]) {
        if (!allow_no_action)
            return hist_value_fail(c, "record has no action line (cut off)");
        hist_value_warn(
            c, HIST_F_ACTION, STR_LIT(""),
            "record at the end of input has no action line; imported "
            "as OpenDMARC does, action unknown");
    }
    r->dkim = r->dkim_count ? c->arr->dkim : NULL;
    r->rua = r->rua_count ? c->arr->rua : NULL;
    r->overrides = r->override_count ? c->arr->ovr : NULL;
    return 0;
}

enum hist_parse_status
hist_parse_record(struct hist_parser *ps, struct str rec, uint64_t first_line,
                  bool allow_no_action, struct hist_rec *out,
                  struct hist_parse_err *err)
{
    struct hist_value_ctx c = { .name = ps->name,
                                .arr = &ps->arr,
                                .warnings = &ps->stats.warnings,
                                .r = out,
                                .line = first_line };
    struct scan sc = scan_init(rec);

    hist_rec_init(out);
    if (ps->scratch_cap < rec.len) {
        free(ps->arr.scratch);
        ps->arr.scratch = xmalloc(rec.len);
        ps->scratch_cap = rec.len;
    }
    while (!scan_eof(&sc)) {
        struct str ln;

        (void)scan_until(&sc, '\n', &ln);
        /* after action, a broken line costs only itself (it may be
         * garbage between two records) */
        if (line(ps, &c, ln) < 0 && !c.seen[HIST_F_ACTION])
            break;
        if (c.err.why != NULL && c.seen[HIST_F_ACTION] &&
            c.err.line == c.line) {
            log_warn("%s:%" PRIu64 ": %s; line ignored", ps->name, c.line,
                     c.err.why);
            ps->stats.warnings++;
            c.err.why = NULL;
        }
        (void)scan_opt_char(&sc, '\n'); /* absent on the last line */
        c.line++;
    }
    if (c.err.why == NULL)
        (void)finish(&c, allow_no_action);
    if (c.err.why != NULL) {
        *err = c.err;
        return HIST_PARSE_BAD;
    }
    return HIST_PARSE_OK;
}

struct hist_parser *
hist_parser_new(const char *name)
{
    struct hist_parser *ps = xcalloc(1, sizeof(*ps));

    ps->name = xstrdup(name);
    return ps;
}

void
hist_parser_free(struct hist_parser *ps)
{
    if (ps == NULL)
        return;
    free(ps->arr.scratch);
    free(ps->name);
    free(ps);
}

const struct hist_parse_stats *
hist_parser_stats(const struct hist_parser *ps)
{
    return &ps->stats;
}
