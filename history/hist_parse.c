/*
 * hist_parse - the lines of one history record into a struct hist_rec.
 *
 * Keys are dispatched through one table indexed by enum hist_field.  It
 * checks syntax (keys, numbers against the code tables of hist_fmt,
 * domain and IP syntax, the arc_policy JSON) and reports problems with
 * their line; it does not decide record boundaries (hist_read does) and
 * does not normalise case (the importer does).
 *
 * Deliberate leniencies, as in OpenDMARC's importer: keys in any order,
 * the last of a repeated single key wins, unknown keys only warn, a value
 * outside its table is kept as "unknown" with a warning, invalid
 * arc_policy JSON drops the ARC data with a warning (OpenDMARC aborts the
 * run), a trailing CR is stripped, blank lines are ignored.
 *
 * STANDARDS: the OpenDMARC 1.4.2 history format (dmarc-history(5));
 * RFC 4291 and RFC 5952 (IPv6 text), RFC 1035 section 2.3.4 (name length).
 *
 * Thread safety: a parser belongs to one thread.
 */
#include "history/hist_parse.h"

#include <arpa/inet.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "common/ascii.h"
#include "common/num.h"
#include "common/scan.h"
#include "common/xalloc.h"
#include "history/hist_json.h"

/* HIST_MAX_KEY - longest key we look at ("hist_version" is 12 bytes) */
#define HIST_MAX_KEY 32
/* PARSE_MAX_DOMAIN - RFC 1035 section 2.3.4, plus a trailing dot */
#define PARSE_MAX_DOMAIN 254

struct hist_parser {
    char *name;                                  /* input name */
    struct hist_dkim dkim[HIST_MAX_DKIM];        /* dkim lines */
    struct str rua[HIST_MAX_RUA];                /* rua URIs */
    struct hist_arc_seal seals[HIST_MAX_SEALS];  /* ARC seals */
    struct hist_override ovr[HIST_MAX_OVERRIDE]; /* override lines */
    char *scratch;                               /* unescaped JSON */
    size_t scratch_cap;                          /* bytes in scratch */
    struct hist_parse_stats stats;               /* counters */
    char unknown[HIST_MAX_UNKNOWN_NAMES][HIST_MAX_KEY + 1]; /* warned */
    size_t n_unknown;                                       /* used slots */
};

/* the state of one record being parsed */
struct pctx {
    struct hist_parser *ps;    /* the parser */
    struct hist_rec *r;        /* record being filled */
    uint64_t line;             /* current line number */
    bool seen[HIST_F_COUNT];   /* keys met so far */
    struct hist_parse_err err; /* first fatal problem */
    enum hist_field hint;      /* the key expected next */
};

/* field_fn - parse value v of key f into the record: 0, or -1 with
 * c->err set (the record is malformed) */
typedef int field_fn(struct pctx *c, enum hist_field f, struct str v);

/* fail - note why the record is malformed; returns -1 */
static int
fail(struct pctx *c, const char *why)
{
    if (c->err.why == NULL) {
        c->err.why = why;
        c->err.line = c->line;
    }
    return -1;
}

/* warn - a problem that does not cost the record */
static void
warn(struct pctx *c, enum hist_field f, struct str v, const char *why)
{
    char esc[128];

    c->ps->stats.warnings++;
    log_warn("%s:%" PRIu64 ": %s '%s': %s", c->ps->name, c->line,
             hist_field_name(f), log_esc(esc, sizeof(esc), v.p, v.len), why);
}

/* slot_str - the struct str member at offset off of the record */
static struct str *
slot_str(struct pctx *c, size_t off)
{
    return (struct str *)(void *)((char *)c->r + off);
}

/* slot_int - the int member at offset off of the record */
static int *
slot_int(struct pctx *c, size_t off)
{
    return (int *)(void *)((char *)c->r + off);
}

/* is_domain_char - a byte of a domain name as written (U-labels pass as
 * bytes >= 0x80, since the format writes names as received) */
static bool
is_domain_char(char c)
{
    unsigned char b = (unsigned char)c;

    /* ascii_is_alnum() written out: this runs for every domain byte */
    return (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') ||
           (b >= '0' && b <= '9') || b == '-' || b == '.' || b == '_' ||
           b >= 0x80;
}

/* is_domain - plausible domain name syntax */
static bool
is_domain(struct str v)
{
    if (v.len == 0 || v.len > PARSE_MAX_DOMAIN)
        return false;
    for (size_t i = 0; i < v.len; i++) {
        if (!is_domain_char(v.p[i]))
            return false;
    }
    return true;
}

/* is_ip - IPv4 or IPv6 address text */
static bool
is_ip(struct str v)
{
    char tmp[INET6_ADDRSTRLEN + 1];
    unsigned char addr[16];

    if (v.len == 0 || v.len >= sizeof(tmp))
        return false;
    memcpy(tmp, v.p, v.len);
    tmp[v.len] = '\0';
    return inet_pton(AF_INET, tmp, addr) == 1 ||
           inet_pton(AF_INET6, tmp, addr) == 1;
}

/* eat - consume c if it is next (an optional separator) */
static void
eat(struct scan *sc, char c)
{
    if (scan_peek(sc) == c && !scan_eof(sc))
        sc->p++;
}

/* has_space - v contains SP */
static bool
has_space(struct str v)
{
    return str_chr(v, ' ') < v.len;
}

/* code - a number of field f checked against its table; a bad value
 * warns and gives HIST_UNKNOWN */
static int
code(struct pctx *c, enum hist_field f, struct str v)
{
    int64_t n;

    if (num_parse_i64(v, -1000000, 1000000, &n, NULL) < 0 ||
        !hist_code_valid(f, n)) {
        warn(c, f, v, "value not in its table, stored as unknown");
        return HIST_UNKNOWN;
    }
    return (int)n;
}

/* f_word - job, reporter, mfrom: one word */
static int
f_word(struct pctx *c, enum hist_field f, struct str v)
{
    static const size_t off[] = {
        [HIST_F_JOB] = offsetof(struct hist_rec, job),
        [HIST_F_REPORTER] = offsetof(struct hist_rec, reporter),
        [HIST_F_MFROM] = offsetof(struct hist_rec, mfrom),
    };

    if (has_space(v))
        return fail(c, "space inside a value");
    if (v.len == 0 && f != HIST_F_MFROM)
        return fail(c, "empty value");
    *slot_str(c, off[f]) = v;
    return 0;
}

/* f_domain - from, pdomain, spf_domain */
static int
f_domain(struct pctx *c, enum hist_field f, struct str v)
{
    if (f == HIST_F_SPF_DOMAIN) {
        if (str_eq(v, STR_LIT("-")))
            v.len = 0;
        else if (!is_domain(v))
            warn(c, f, v, "not a domain name, ignored");
        c->r->spf_domain = is_domain(v) ? v : str_make(NULL, 0);
        return 0;
    }
    if (!is_domain(v))
        return fail(c, "not a domain name");
    if (f == HIST_F_FROM)
        c->r->from = v;
    else
        c->r->pdomain = v;
    return 0;
}

/* f_ipaddr - the client address */
static int
f_ipaddr(struct pctx *c, enum hist_field f, struct str v)
{
    (void)f;
    if (!is_ip(v))
        return fail(c, "not an IP address");
    c->r->ipaddr = v;
    return 0;
}

/* f_received - epoch seconds; without it the message has no period */
static int
f_received(struct pctx *c, enum hist_field f, struct str v)
{
    int64_t n;

    (void)f;
    if (num_parse_i64(v, 0, INT64_MAX, &n, NULL) < 0)
        return fail(c, "received is not a number of seconds");
    c->r->received = n;
    return 0;
}

/* f_code - every numeric code field */
static int
f_code(struct pctx *c, enum hist_field f, struct str v)
{
    static const size_t off[] = {
        [HIST_F_SPF] = offsetof(struct hist_rec, spf),
        [HIST_F_POLICY] = offsetof(struct hist_rec, policy),
        [HIST_F_PCT] = offsetof(struct hist_rec, pct),
        [HIST_F_ADKIM] = offsetof(struct hist_rec, adkim),
        [HIST_F_ASPF] = offsetof(struct hist_rec, aspf),
        [HIST_F_P] = offsetof(struct hist_rec, p),
        [HIST_F_SP] = offsetof(struct hist_rec, sp),
        [HIST_F_ALIGN_DKIM] = offsetof(struct hist_rec, align_dkim),
        [HIST_F_ALIGN_SPF] = offsetof(struct hist_rec, align_spf),
        [HIST_F_ARC] = offsetof(struct hist_rec, arc),
        [HIST_F_HIST_VERSION] = offsetof(struct hist_rec, ext_version),
        [HIST_F_ACTION] = offsetof(struct hist_rec, action),
    };
    int *slot = slot_int(c, off[f]);
    int n = code(c, f, v);

    if (f == HIST_F_SPF && c->seen[f] && *slot != n)
        warn(c, f, v, "several different spf lines, the last one is kept");
    *slot = n;
    return 0;
}

/* f_dkim - "domain selector code" */
static int
f_dkim(struct pctx *c, enum hist_field f, struct str v)
{
    struct scan sc = scan_init(v);
    struct str d;
    struct str s;
    struct str res;
    struct hist_dkim *k;

    (void)scan_until(&sc, ' ', &d);
    if (scan_char(&sc, ' ') < 0)
        return fail(c, "dkim line without selector and result");
    (void)scan_until(&sc, ' ', &s);
    if (scan_char(&sc, ' ') < 0)
        return fail(c, "dkim line without result");
    res = scan_rest(&sc);
    if (!is_domain(d) || s.len == 0)
        return fail(c, "dkim line with a bad domain or selector");
    if (c->r->dkim_count == HIST_MAX_DKIM)
        return fail(c, "too many dkim lines");
    k = &c->ps->dkim[c->r->dkim_count++];
    k->domain = d;
    k->selector = str_eq(s, STR_LIT("-")) ? str_make(NULL, 0) : s;
    k->result = code(c, f, res);
    return 0;
}

/* f_rua - one URI; "-" means none */
static int
f_rua(struct pctx *c, enum hist_field f, struct str v)
{
    (void)f;
    if (str_eq(v, STR_LIT("-")))
        return 0;
    if (v.len == 0 || has_space(v))
        return fail(c, "bad rua value");
    if (c->r->rua_count == HIST_MAX_RUA)
        return fail(c, "too many rua lines");
    c->ps->rua[c->r->rua_count++] = v;
    return 0;
}

/* arc_json - the seal array after "json:" or Exim's "json" */
static void
arc_json(struct pctx *c, struct str v, struct str json)
{
    struct hist_parser *ps = c->ps;
    struct hist_json_out out = { ps->seals, HIST_MAX_SEALS, 0, ps->scratch };
    const char *why = NULL;

    if (hist_json_seals(json, &out, &why) < 0) {
        warn(c, HIST_F_ARC_POLICY, v, why);
        return;
    }
    /* OpenDMARC issue #29: a repeated instance; keep the first */
    for (size_t i = 1; i < out.count; i++) {
        for (size_t k = 0; k < i; k++) {
            if (out.seals[k].instance == out.seals[i].instance) {
                warn(c, HIST_F_ARC_POLICY, v,
                     "ARC instance repeated; only the first kept");
                out.count = i;
                break;
            }
        }
    }
    c->r->seals = ps->seals;
    c->r->seal_count = out.count;
}

/* f_arc_policy - "code json:[...]" (OpenDMARC) or "code json[...]"
 * (Exim) or a bare code */
static int
f_arc_policy(struct pctx *c, enum hist_field f, struct str v)
{
    struct scan sc = scan_init(v);
    struct str n;

    (void)scan_until(&sc, ' ', &n);
    c->r->arc_policy = code(c, f, n);
    c->r->seals = NULL;
    c->r->seal_count = 0;
    if (scan_char(&sc, ' ') < 0)
        return 0;
    if (scan_lit_case(&sc, "json") < 0) {
        warn(c, f, v, "no json part, ARC data ignored");
        return 0;
    }
    eat(&sc, ':'); /* absent in Exim's form */
    arc_json(c, v, scan_rest(&sc));
    return 0;
}

/* f_spf_scope - develop's numbers, or our words */
static int
f_spf_scope(struct pctx *c, enum hist_field f, struct str v)
{
    if (str_eq(v, STR_LIT("mfrom")))
        c->r->spf_scope = HIST_SPF_SCOPE_MFROM;
    else if (str_eq(v, STR_LIT("helo")))
        c->r->spf_scope = HIST_SPF_SCOPE_HELO;
    else if (str_eq(v, STR_LIT("-")))
        c->r->spf_scope = HIST_SPF_SCOPE_UNKNOWN;
    else
        c->r->spf_scope = code(c, f, v);
    return 0;
}

/* f_fo - develop's bitmap, or the tag text ("1", "d:s" are bitmaps when
 * numeric: a number is always read as the bitmap) */
static int
f_fo(struct pctx *c, enum hist_field f, struct str v)
{
    static const char *const opts[] = { "0", "1", "d", "s" };
    struct scan sc = scan_init(v);
    int64_t n;
    int bits = 0;

    if (str_eq(v, STR_LIT("-")) ||
        num_parse_i64(v, -1000000, 1000000, &n, NULL) == 0) {
        c->r->fo = str_eq(v, STR_LIT("-")) ? 0 : code(c, f, v);
        if (c->r->fo < 0)
            c->r->fo = 0;
        return 0;
    }
    while (!scan_eof(&sc)) {
        struct str t;
        size_t i;

        (void)scan_until(&sc, ':', &t);
        eat(&sc, ':'); /* absent after the last option */
        for (i = 0; i < 4 && !str_eq(t, str_cstr(opts[i])); i++)
            ;
        if (i == 4) {
            warn(c, f, v, "unknown fo option, ignored");
            continue;
        }
        bits |= 1 << i;
    }
    c->r->fo = bits;
    return 0;
}

/* f_wordenum - np, psd, t, discovery: one of a few words or "-" */
static int
f_wordenum(struct pctx *c, enum hist_field f, struct str v)
{
    static const char *const words[][4] = {
        { "-", "none", "quarantine", "reject" },
        { "-", "y", "n", "u" },
        { "-", "y", "n", NULL },
        { "-", "psl", "treewalk", NULL },
    };
    size_t row = f == HIST_F_NP    ? 0
                 : f == HIST_F_PSD ? 1
                 : f == HIST_F_T   ? 2
                                   : 3;
    int val = 0;

    for (int i = 0; i < 4; i++) {
        if (words[row][i] != NULL && str_eq(v, str_cstr(words[row][i])))
            val = i;
    }
    if (val == 0 && !str_eq(v, STR_LIT("-")))
        warn(c, f, v, "unknown value, stored as absent");
    if (f == HIST_F_NP)
        c->r->np = (enum hist_word_req)val;
    else if (f == HIST_F_PSD)
        c->r->psd = (enum hist_psd)val;
    else if (f == HIST_F_T)
        c->r->t = (enum hist_testing)val;
    else
        c->r->discovery = (enum hist_discovery)val;
    return 0;
}

/* f_override - "type [comment]" */
static int
f_override(struct pctx *c, enum hist_field f, struct str v)
{
    struct scan sc = scan_init(v);
    struct str name;
    struct hist_override *o;
    enum hist_override_type t;

    (void)scan_until(&sc, ' ', &name);
    eat(&sc, ' '); /* absent without a comment */
    if (hist_override_lookup(name, &t) < 0) {
        warn(c, f, v, "unknown override type, stored as other");
        t = HIST_OVR_OTHER;
    }
    if (c->r->override_count == HIST_MAX_OVERRIDE)
        return fail(c, "too many override lines");
    o = &c->ps->ovr[c->r->override_count++];
    o->type = t;
    o->comment = scan_rest(&sc);
    if (o->comment.len > HIST_MAX_COMMENT)
        return fail(c, "override comment too long");
    return 0;
}

/* the dispatch table: one parser per key */
static field_fn *const handlers[HIST_F_COUNT] = {
    [HIST_F_JOB] = f_word,
    [HIST_F_REPORTER] = f_word,
    [HIST_F_RECEIVED] = f_received,
    [HIST_F_IPADDR] = f_ipaddr,
    [HIST_F_FROM] = f_domain,
    [HIST_F_MFROM] = f_word,
    [HIST_F_DKIM] = f_dkim,
    [HIST_F_SPF] = f_code,
    [HIST_F_PDOMAIN] = f_domain,
    [HIST_F_POLICY] = f_code,
    [HIST_F_RUA] = f_rua,
    [HIST_F_PCT] = f_code,
    [HIST_F_ADKIM] = f_code,
    [HIST_F_ASPF] = f_code,
    [HIST_F_P] = f_code,
    [HIST_F_SP] = f_code,
    [HIST_F_ALIGN_DKIM] = f_code,
    [HIST_F_ALIGN_SPF] = f_code,
    [HIST_F_ARC] = f_code,
    [HIST_F_ARC_POLICY] = f_arc_policy,
    [HIST_F_HIST_VERSION] = f_code,
    [HIST_F_SPF_SCOPE] = f_spf_scope,
    [HIST_F_SPF_DOMAIN] = f_domain,
    [HIST_F_FO] = f_fo,
    [HIST_F_NP] = f_wordenum,
    [HIST_F_PSD] = f_wordenum,
    [HIST_F_T] = f_wordenum,
    [HIST_F_DISCOVERY] = f_wordenum,
    [HIST_F_OVERRIDE] = f_override,
    [HIST_F_ACTION] = f_code,
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
lookup(struct pctx *c, struct str key, enum hist_field *f)
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
unknown_key(struct pctx *c, struct str key)
{
    struct hist_parser *ps = c->ps;
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
line(struct pctx *c, struct str ln)
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
            return fail(c, "control character or binary data in line");
    }
    key.p = ln.p;
    for (key.len = 0; key.len < ln.len && is_key_char(ln.p[key.len]);)
        key.len++;
    if (key.len == 0 || key.len > HIST_MAX_KEY ||
        (key.len < ln.len && ln.p[key.len] != ' '))
        return fail(c, "line does not start with a key");
    /* the value follows one SP; "mfrom" alone has an empty value */
    sc = scan_init(str_make(ln.p + key.len + (key.len < ln.len),
                            ln.len - key.len - (key.len < ln.len)));
    if (lookup(c, key, &f) < 0) {
        unknown_key(c, key);
        return 0;
    }
    if (c->seen[f] && is_single[f])
        return fail(c, "key repeated inside a record (two records run "
                       "together?)");
    if (handlers[f](c, f, scan_rest(&sc)) < 0)
        return -1;
    c->seen[f] = true;
    c->hint = f + 1 < HIST_F_COUNT ? f + 1 : f;
    return 0;
}

/* finish - the checks that need the whole record */
static int
finish(struct pctx *c, bool allow_no_action)
{
    static const enum hist_field required[] = {
        HIST_F_JOB,    HIST_F_REPORTER, HIST_F_RECEIVED,
        HIST_F_IPADDR, HIST_F_FROM,     HIST_F_PDOMAIN,
    };
    struct hist_rec *r = c->r;

    for (size_t i = 0; i < sizeof(required) / sizeof(required[0]); i++) {
        if (!c->seen[required[i]])
            return fail(c, "a required line (job, reporter, received, "
                           "ipaddr, from, pdomain) is missing");
    }
    if (!c->seen[HIST_F_ACTION]) {
        if (!allow_no_action)
            return fail(c, "record has no action line (cut off)");
        warn(c, HIST_F_ACTION, STR_LIT(""),
             "record at the end of input has no action line; imported "
             "as OpenDMARC does, action unknown");
    }
    r->dkim = r->dkim_count ? c->ps->dkim : NULL;
    r->rua = r->rua_count ? c->ps->rua : NULL;
    r->overrides = r->override_count ? c->ps->ovr : NULL;
    return 0;
}

enum hist_parse_status
hist_parse_record(struct hist_parser *ps, struct str rec, uint64_t first_line,
                  bool allow_no_action, struct hist_rec *out,
                  struct hist_parse_err *err)
{
    struct pctx c = { .ps = ps, .r = out, .line = first_line };
    struct scan sc = scan_init(rec);

    hist_rec_init(out);
    if (ps->scratch_cap < rec.len) {
        free(ps->scratch);
        ps->scratch = xmalloc(rec.len);
        ps->scratch_cap = rec.len;
    }
    while (!scan_eof(&sc)) {
        struct str ln;

        (void)scan_until(&sc, '\n', &ln);
        /* after action, a broken line costs only itself (it may be
         * garbage between two records) */
        if (line(&c, ln) < 0 && !c.seen[HIST_F_ACTION])
            break;
        if (c.err.why != NULL && c.seen[HIST_F_ACTION] &&
            c.err.line == c.line) {
            log_warn("%s:%" PRIu64 ": %s; line ignored", ps->name, c.line,
                     c.err.why);
            ps->stats.warnings++;
            c.err.why = NULL;
        }
        eat(&sc, '\n'); /* absent on the last line */
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
    free(ps->scratch);
    free(ps->name);
    free(ps);
}

const struct hist_parse_stats *
hist_parser_stats(const struct hist_parser *ps)
{
    return &ps->stats;
}
