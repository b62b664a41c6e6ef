/*
 * hist_value - the value of one history line into its field of a struct
 * hist_rec.
 *
 * One parser per key, dispatched through a table indexed by enum
 * hist_field.  It checks the syntax of a value (numbers against the code
 * tables of hist_fmt, domain and IP syntax, the arc_policy JSON through
 * hist_json) and stores it, or the slice of it, in the record; dkim, rua,
 * override and the ARC seals go into arrays the caller owns.  It does not
 * split lines or find keys, and does not check which keys a record has
 * (hist_parse does); it does not normalise case (the importer does).
 *
 * Deliberate leniencies, as in OpenDMARC's importer: a value outside its
 * table is kept as "unknown" with a warning, invalid arc_policy JSON drops
 * the ARC data with a warning (OpenDMARC aborts the run), an unknown fo
 * option or override type is warned about and skipped or kept as "other".
 *
 * STANDARDS: the OpenDMARC 1.4.2 history format (dmarc-history(5));
 * RFC 4291 and RFC 5952 (IPv6 text), RFC 1035 section 2.3.4 (name length).
 *
 * Ownership: the record borrows from the value slices and from the
 * caller's arrays.  Thread safety: a context belongs to one thread.
 */
#include "history/hist_value.h"

#include <arpa/inet.h>
#include <assert.h>
#include <inttypes.h>
#include <stddef.h>
#include <string.h>

#include "common/num.h"
#include "common/scan.h"
#include "history/hist_json.h"

/* HIST_VALUE_MAX_DOMAIN - RFC 1035 section 2.3.4, plus a trailing dot */
#define HIST_VALUE_MAX_DOMAIN 254

/* value_fn - parse value v of key f into the record: 0, or -1 with
 * c->err set (the record is malformed) */
typedef int value_fn(struct hist_value_ctx *c, enum hist_field f, struct str v);

int
hist_value_fail(struct hist_value_ctx *c, const char *why)
{
    if (c->err.why == NULL) {
        c->err.why = why;
        c->err.line = c->line;
    }
    return -1;
}

void
hist_value_warn(struct hist_value_ctx *c, enum hist_field f, struct str v,
                const char *why)
{
    char esc[128];

    (*c->warnings)++;
    log_warn("%s:%" PRIu64 ": %s '%s': %s", c->name, c->line,
             hist_field_name(f), log_esc(esc, sizeof(esc), v.p, v.len), why);
}

/* slot_str - the struct str member at offset off of the record */
static struct str *
slot_str(struct hist_value_ctx *c, size_t off)
{
    return (struct str *)(void *)((char *)c->r + off);
}

/* slot_int - the int member at offset off of the record */
static int *
slot_int(struct hist_value_ctx *c, size_t off)
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
    if (v.len == 0 || v.len > HIST_VALUE_MAX_DOMAIN)
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

/* has_space - v contains SP */
static bool
has_space(struct str v)
{
    return str_chr(v, ' ') < v.len;
}

/* code - a number of field f checked against its table; a bad value
 * warns and gives HIST_UNKNOWN */
static int
code(struct hist_value_ctx *c, enum hist_field f, struct str v)
{
    int64_t n;

    if (num_parse_i64(v, -1000000, 1000000, &n, NULL) < 0 ||
        !hist_code_valid(f, n)) {
        hist_value_warn(c, f, v, "value not in its table, stored as unknown");
        return HIST_UNKNOWN;
    }
    return (int)n;
}

/* f_word - job, reporter, mfrom: one word */
static int
f_word(struct hist_value_ctx *c, enum hist_field f, struct str v)
{
    static const size_t off[] = {
        [HIST_F_JOB] = offsetof(struct hist_rec, job),
        [HIST_F_REPORTER] = offsetof(struct hist_rec, reporter),
        [HIST_F_MFROM] = offsetof(struct hist_rec, mfrom),
    };

    if (has_space(v))
        return hist_value_fail(c, "space inside a value");
    if (v.len == 0 && f != HIST_F_MFROM)
        return hist_value_fail(c, "empty value");
    *slot_str(c, off[f]) = v;
    return 0;
}

/* f_domain - from, pdomain, spf_domain */
static int
f_domain(struct hist_value_ctx *c, enum hist_field f, struct str v)
{
    if (f == HIST_F_SPF_DOMAIN) {
        if (str_eq(v, STR_LIT("-")))
            v.len = 0;
        else if (!is_domain(v))
            hist_value_warn(c, f, v, "not a domain name, ignored");
        c->r->spf_domain = is_domain(v) ? v : str_make(NULL, 0);
        return 0;
    }
    if (!is_domain(v))
        return hist_value_fail(c, "not a domain name");
    if (f == HIST_F_FROM)
        c->r->from = v;
    else
        c->r->pdomain = v;
    return 0;
}

/* f_ipaddr - the client address */
static int
f_ipaddr(struct hist_value_ctx *c, enum hist_field f, struct str v)
{
    (void)f;
    if (!is_ip(v))
        return hist_value_fail(c, "not an IP address");
    c->r->ipaddr = v;
    return 0;
}

/* f_received - epoch seconds; without it the message has no period */
static int
f_received(struct hist_value_ctx *c, enum hist_field f, struct str v)
{
    int64_t n;

    (void)f;
    if (num_parse_i64(v, 0, INT64_MAX, &n, NULL) < 0)
        return hist_value_fail(c, "received is not a number of seconds");
    c->r->received = n;
    return 0;
}

/* f_code - every numeric code field */
static int
f_code(struct hist_value_ctx *c, enum hist_field f, struct str v)
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
        hist_value_warn(c, f, v,
                        "several different spf lines, the last one is kept");
    *slot = n;
    return 0;
}

/* f_dkim - "domain selector code" */
static int
f_dkim(struct hist_value_ctx *c, enum hist_field f, struct str v)
{
    struct scan sc = scan_init(v);
    struct str d;
    struct str s;
    struct str res;
    struct hist_dkim *k;

    (void)scan_until(&sc, ' ', &d);
    if (scan_char(&sc, ' ') < 0)
        return hist_value_fail(c, "dkim line without selector and result");
    (void)scan_until(&sc, ' ', &s);
    if (scan_char(&sc, ' ') < 0)
        return hist_value_fail(c, "dkim line without result");
    res = scan_rest(&sc);
    if (!is_domain(d) || s.len == 0)
        return hist_value_fail(c, "dkim line with a bad domain or selector");
    if (c->r->dkim_count == HIST_MAX_DKIM)
        return hist_value_fail(c, "too many dkim lines");
    k = &c->arr->dkim[c->r->dkim_count++];
    k->domain = d;
    k->selector = str_eq(s, STR_LIT("-")) ? str_make(NULL, 0) : s;
    k->result = code(c, f, res);
    return 0;
}

/* f_rua - one URI; "-" means none */
static int
f_rua(struct hist_value_ctx *c, enum hist_field f, struct str v)
{
    (void)f;
    if (str_eq(v, STR_LIT("-")))
        return 0;
    if (v.len == 0 || has_space(v))
        return hist_value_fail(c, "bad rua value");
    if (c->r->rua_count == HIST_MAX_RUA)
        return hist_value_fail(c, "too many rua lines");
    c->arr->rua[c->r->rua_count++] = v;
    return 0;
}

/* arc_json - the seal array after "json:" or Exim's "json" */
static void
arc_json(struct hist_value_ctx *c, struct str v, struct str json)
{
    struct hist_value_arrays *arr = c->arr;
    struct hist_json_out out = { arr->seals, HIST_MAX_SEALS, 0, arr->scratch };
    const char *why = NULL;

    if (hist_json_seals(json, &out, &why) < 0) {
        hist_value_warn(c, HIST_F_ARC_POLICY, v, why);
        return;
    }
    /* OpenDMARC issue #29: a repeated instance; keep the first */
    for (size_t i = 1; i < out.count; i++) {
        for (size_t k = 0; k < i; k++) {
            if (out.seals[k].instance == out.seals[i].instance) {
                hist_value_warn(c, HIST_F_ARC_POLICY, v,
                                "ARC instance repeated; only the first kept");
                out.count = i;
                break;
            }
        }
    }
    c->r->seals = arr->seals;
    c->r->seal_count = out.count;
}

/* f_arc_policy - "code json:[...]" (OpenDMARC) or "code json[...]"
 * (Exim) or a bare code */
static int
f_arc_policy(struct hist_value_ctx *c, enum hist_field f, struct str v)
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
        hist_value_warn(c, f, v, "no json part, ARC data ignored");
        return 0;
    }
    (void)scan_opt_char(&sc, ':'); /* absent in Exim's form */
    arc_json(c, v, scan_rest(&sc));
    return 0;
}

/* f_spf_scope - develop's numbers, or our words */
static int
f_spf_scope(struct hist_value_ctx *c, enum hist_field f, struct str v)
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
f_fo(struct hist_value_ctx *c, enum hist_field f, struct str v)
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
        (void)scan_opt_char(&sc, ':'); /* absent after the last option */
        for (i = 0; i < 4 && !str_eq(t, str_cstr(opts[i])); i++)
            ;
        if (i == 4) {
            hist_value_warn(c, f, v, "unknown fo option, ignored");
            continue;
        }
        bits |= 1 << i;
    }
    c->r->fo = bits;
    return 0;
}

/* f_wordenum - np, psd, t, discovery: one of a few words or "-" */
static int
f_wordenum(struct hist_value_ctx *c, enum hist_field f, struct str v)
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
        hist_value_warn(c, f, v, "unknown value, stored as absent");
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
f_override(struct hist_value_ctx *c, enum hist_field f, struct str v)
{
    struct scan sc = scan_init(v);
    struct str name;
    struct hist_override *o;
    enum hist_override_type t;

    (void)scan_until(&sc, ' ', &name);
    (void)scan_opt_char(&sc, ' '); /* absent without a comment */
    if (hist_override_lookup(name, &t) < 0) {
        hist_value_warn(c, f, v, "unknown override type, stored as other");
        t = HIST_OVR_OTHER;
    }
    if (c->r->override_count == HIST_MAX_OVERRIDE)
        return hist_value_fail(c, "too many override lines");
    o = &c->arr->ovr[c->r->override_count++];
    o->type = t;
    o->comment = scan_rest(&sc);
    if (o->comment.len > HIST_MAX_COMMENT)
        return hist_value_fail(c, "override comment too long");
    return 0;
}

/* the dispatch table: one parser per key */
static value_fn *const handlers[HIST_F_COUNT] = {
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

int
hist_value_parse(struct hist_value_ctx *c, enum hist_field f, struct str v)
{
    assert(f < HIST_F_COUNT && handlers[f] != NULL);
    return handlers[f](c, f, v);
}
