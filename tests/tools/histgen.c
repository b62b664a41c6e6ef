/*
 * histgen - write a seeded, realistic history file and its ground truth.
 *
 * For tests and the import benchmark.  Records go through hist_format()
 * (the milter's writer), with a skewed From-domain distribution (a few
 * domains carry most mail), mixes of DKIM, SPF, policy and disposition
 * results, several dkim lines, rua lists with !size suffixes, ARC seals
 * whose strings need JSON escaping, and the extension block on some
 * records.  On request it writes malformed records of several kinds.
 * The ground truth file lists what an importer must end up with.
 *
 *   histgen [-s SEED] [-n COUNT] [-d DOMAINS] [-m EVERY] [-L] [-t TRUTH]
 *           [-o FILE] [-T START] [-S SPAN]
 *
 * Records are four a second from START; with -S they are spread evenly
 * over SPAN seconds instead (the report benchmark puts them all in one
 * daily period, so that it builds one report per policy domain).
 *
 * Ground truth lines: "records N", "malformed N", "warnings N",
 * "dkim CODE N", "spf CODE N", and "msg PDOMAIN POLICY ACTION N" sorted
 * by domain, policy and action.
 *
 * STANDARDS: the history format (dmarc-history(5)).
 *
 * Thread safety: single-threaded program.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/log.h"
#include "common/num.h"
#include "common/xalloc.h"
#include "history/hist_fmt.h"
#include "history/hist_write.h"

/* kinds of malformed records, in rotation */
enum bad_kind {
    BAD_RECEIVED, /* received is not a number: record skipped */
    BAD_BINARY,   /* binary bytes in a line: record skipped */
    BAD_CUT,      /* no action line, then the next job: skipped */
    BAD_IPADDR,   /* ipaddr is not an address: skipped */
    BAD_LONG,     /* a 1 MB line (with -L): skipped */
    BAD_COUNT     /* not a kind */
};

/* the generator's settings and state */
struct gen {
    uint64_t rng;      /* xorshift64* state */
    size_t n;          /* records to write */
    size_t ndom;       /* policy domains */
    size_t bad_every;  /* every Nth record malformed (0: none) */
    bool long_lines;   /* include the 1 MB line kind */
    int64_t start;     /* received of the first record */
    uint64_t span;     /* seconds the records cover (0: four a second) */
    uint64_t *counts;  /* [domain][policy 0..4][action 0..4] */
    uint64_t dkim[14]; /* dkim lines of good records, per code + 1 */
    uint64_t spf[14];  /* spf of good records, per code + 1 */
    uint64_t good;     /* records that must be imported */
    uint64_t bad;      /* records that must be skipped */
    uint64_t warnings; /* kept records with a warned line */
    size_t cur;        /* domain of the record being made */
};

/* next - xorshift64* */
static uint64_t
next(struct gen *g)
{
    g->rng ^= g->rng >> 12;
    g->rng ^= g->rng << 25;
    g->rng ^= g->rng >> 27;
    return g->rng * 0x2545f4914f6cdd1dULL;
}

/* pick - uniform in [0, n) */
static size_t
pick(struct gen *g, size_t n)
{
    return (size_t)(next(g) % n);
}

/* dpick - a choice in [0, n) fixed per domain and salt: a domain's
 * policy and sending addresses stay the same from message to message */
static size_t
dpick(const struct gen *g, unsigned salt, size_t n)
{
    uint64_t x = (uint64_t)g->cur * 0x9e3779b97f4a7c15ULL + salt;

    x ^= x >> 31;
    x *= 0xbf58476d1ce4e5b9ULL;
    x ^= x >> 29;
    return (size_t)(x % n);
}

/* skewed - a domain index, small ones much more likely (about Zipf) */
static size_t
skewed(struct gen *g)
{
    double u = (double)(next(g) >> 11) / 9007199254740992.0;

    return (size_t)(u * u * u * u * (double)g->ndom);
}

/* weighted - index into weights (summing to 100) */
static int
weighted(struct gen *g, const int *w, int n)
{
    int x = (int)pick(g, 100);

    for (int i = 0; i < n; i++) {
        if (x < w[i])
            return i;
        x -= w[i];
    }
    return n - 1;
}

/* the text of one record: slices point into these */
struct recbuf {
    char job[32], ip[48], from[80], mfrom[80], pdom[64], spfdom[80];
    char dk[4][64], sel[4][16], rua[3][96], sd[2][64], ss[2][32];
    struct hist_dkim dkim[4];
    struct str ruas[3];
    struct hist_arc_seal seals[2];
    struct hist_override ovr[1];
};

/* fill_auth - dkim, spf, seals */
static void
fill_auth(struct gen *g, struct hist_rec *r, struct recbuf *b)
{
    static const int dres[] = { 0, 7, 6, 4, 5, 2, 3, -1 };
    static const int dw[] = { 60, 15, 8, 4, 4, 4, 3, 2 };
    static const int sres[] = { 0, 7, 2, 3, 6, 4, 5, -1 };
    static const int sw[] = { 55, 12, 10, 5, 6, 3, 3, 6 };

    r->dkim_count = pick(g, 4);
    for (size_t i = 0; i < r->dkim_count; i++) {
        (void)snprintf(b->dk[i], sizeof(b->dk[i]), "%s",
                       i == 0 ? b->pdom : "esp.example.net");
        (void)snprintf(b->sel[i], sizeof(b->sel[i]), "s%zu", pick(g, 5));
        b->dkim[i].domain = str_cstr(b->dk[i]);
        b->dkim[i].selector = str_cstr(pick(g, 10) ? b->sel[i] : "");
        b->dkim[i].result = dres[weighted(g, dw, 8)];
    }
    r->dkim = b->dkim;
    r->spf = sres[weighted(g, sw, 8)];
    r->arc = pick(g, 10) ? HIST_ARES_FAIL : HIST_ARES_PASS;
    r->arc_policy = r->arc == HIST_ARES_PASS ? 0 : 2;
    r->seal_count = pick(g, 8) == 0 ? 1 + pick(g, 2) : 0;
    for (size_t i = 0; i < r->seal_count; i++) {
        (void)snprintf(b->sd[i], sizeof(b->sd[i]), "fwd%zu.example.org",
                       pick(g, 20));
        /* a quote and a backslash: the writer must escape them */
        (void)snprintf(b->ss[i], sizeof(b->ss[i]), "%s",
                       pick(g, 4) ? "arc1" : "we\"ird\\sel");
        b->seals[i] =
            (struct hist_arc_seal){ (int64_t)i + 1, str_cstr(b->sd[i]),
                                    str_cstr(b->ss[i]),
                                    str_cstr(i ? "" : b->ip) };
    }
    r->seals = b->seals;
}

/* fill_policy - pdomain's published policy, the result, the action */
static void
fill_policy(struct gen *g, struct hist_rec *r, struct recbuf *b)
{
    static const int preq[] = { HIST_REQ_NONE, HIST_REQ_QUARANTINE,
                                HIST_REQ_REJECT };
    static const int pfail[] = { HIST_POLICY_NONE, HIST_POLICY_QUARANTINE,
                                 HIST_POLICY_REJECT };
    size_t pi = dpick(g, 1, 3);

    hist_rec_init(r);
    r->policy = HIST_POLICY_ABSENT;
    r->pct = r->adkim = r->aspf = r->p = r->sp = 0;
    r->align_dkim = r->align_spf = HIST_ALIGN_NOT_EVALUATED;
    r->action = HIST_ACTION_ACCEPT;
    if (dpick(g, 2, 20) == 0)
        return; /* this domain publishes no record */
    r->policy = pick(g, 100) < 70 ? HIST_POLICY_PASS : pfail[pi];
    r->rua_count = 1 + dpick(g, 3, 3);
    for (size_t i = 0; i < r->rua_count; i++) {
        (void)snprintf(
            b->rua[i], sizeof(b->rua[i]), "mailto:%s@%s%s", i ? "dmarc" : "agg",
            i == 2 ? "rep.example.net" : b->pdom, i == 1 ? "!10m" : "");
        b->ruas[i] = str_cstr(b->rua[i]);
    }
    r->rua = b->ruas;
    r->pct = dpick(g, 4, 4) ? 100 : 50;
    r->adkim = dpick(g, 5, 3) ? HIST_MODE_RELAXED : HIST_MODE_STRICT;
    r->aspf = dpick(g, 6, 4) ? HIST_MODE_RELAXED : HIST_MODE_STRICT;
    r->p = preq[pi];
    r->sp = dpick(g, 7, 2) ? HIST_REQ_ABSENT : r->p;
    r->align_dkim = r->policy == HIST_POLICY_PASS && pick(g, 2)
                        ? HIST_ALIGN_PASS
                        : HIST_ALIGN_FAIL;
    r->align_spf =
        r->policy == HIST_POLICY_PASS && r->align_dkim != HIST_ALIGN_PASS
            ? HIST_ALIGN_PASS
            : HIST_ALIGN_FAIL;
    if (r->policy == HIST_POLICY_REJECT && pick(g, 5))
        r->action = HIST_ACTION_REJECT;
    else if (r->policy == HIST_POLICY_QUARANTINE && pick(g, 3))
        r->action = HIST_ACTION_QUARANTINE;
}

/* fill_ext - the extension block on about half the records */
static void
fill_ext(struct gen *g, struct hist_rec *r, struct recbuf *b)
{
    if (str_eq(r->reporter, STR_LIT("mx2.example.org")))
        return; /* an OpenDMARC host: no extension block */
    r->ext_version = HIST_EXT_VERSION;
    r->spf_scope = r->mfrom.len ? HIST_SPF_SCOPE_MFROM : HIST_SPF_SCOPE_HELO;
    (void)snprintf(b->spfdom, sizeof(b->spfdom), "%s",
                   r->mfrom.len ? b->mfrom : "mx.example.org");
    r->spf_domain = str_cstr(b->spfdom);
    if (r->policy == HIST_POLICY_ABSENT)
        return;
    r->fo = (int)dpick(g, 8, 16);
    r->np = (enum hist_word_req)dpick(g, 9, 4);
    r->psd = (enum hist_psd)dpick(g, 10, 4);
    r->t = (enum hist_testing)dpick(g, 11, 3);
    r->discovery = (enum hist_discovery)(1 + dpick(g, 12, 2));
    if (r->action == HIST_ACTION_ACCEPT && r->policy == HIST_POLICY_REJECT) {
        b->ovr[0] =
            (struct hist_override){ HIST_OVR_SAMPLED_OUT, STR_LIT("pct draw") };
        r->overrides = b->ovr;
        r->override_count = 1;
    }
}

/* received_offset - seconds after start of record i: four a second, or
 * spread evenly over the span */
static int64_t
received_offset(const struct gen *g, size_t i)
{
    if (g->span == 0)
        return (int64_t)(i / 4);
    /* in floating point: i * span may not fit 64 bits; a second's
     * rounding does not matter to a test generator */
    return (int64_t)((double)i * (double)g->span / (double)g->n);
}

/* make_record - record i into *r (texts in *b); returns its domain */
static size_t
make_record(struct gen *g, size_t i, struct hist_rec *r, struct recbuf *b)
{
    size_t d = skewed(g);

    g->cur = d;
    (void)snprintf(b->job, sizeof(b->job), "Q%08zX", i);
    (void)snprintf(b->pdom, sizeof(b->pdom), "dom%zu.example", d);
    fill_policy(g, r, b);
    (void)snprintf(b->from, sizeof(b->from), "%s%s", pick(g, 5) ? "" : "Mail.",
                   b->pdom);
    (void)snprintf(b->mfrom, sizeof(b->mfrom), "%s%s",
                   pick(g, 3) ? "" : "bounce.", b->pdom);
    if (pick(g, 10) == 0) /* a forwarder or a spoofer */
        (void)snprintf(b->ip, sizeof(b->ip), "2001:db8::%zx", pick(g, 65536));
    else
        (void)snprintf(b->ip, sizeof(b->ip), "192.0.%zu.%zu",
                       dpick(g, 13 + (unsigned)pick(g, 4), 256),
                       dpick(g, 17, 256));
    r->job = str_cstr(b->job);
    r->reporter = str_cstr(pick(g, 2) ? "mx1.example.org" : "mx2.example.org");
    r->received = g->start + received_offset(g, i);
    r->ipaddr = str_cstr(b->ip);
    r->from = str_cstr(b->from);
    r->mfrom = str_cstr(pick(g, 20) ? b->mfrom : "");
    r->pdomain = str_cstr(b->pdom);
    fill_auth(g, r, b);
    fill_ext(g, r, b);
    return d;
}

/* spoil - turn the formatted record in out into a malformed one */
static int
spoil(struct gen *g, struct buf *out, size_t mark, enum bad_kind k)
{
    char *rec = out->data + mark;
    char *p;

    switch (k) {
    case BAD_RECEIVED:
        p = strstr(rec, "\nreceived ");
        p[10] = 'x';
        return 0;
    case BAD_BINARY:
        p = strstr(rec, "\nfrom ");
        p[3] = '\001';
        return 0;
    case BAD_CUT:
        p = strstr(rec, "\naction ");
        out->len = (size_t)(p - out->data) + 1;
        out->data[out->len] = '\0';
        return 0;
    case BAD_IPADDR:
        p = strstr(rec, "\nipaddr ");
        p[8] = 'z';
        return 0;
    case BAD_LONG:
        p = strstr(rec, "\naction ");
        out->len = (size_t)(p - out->data) + 1;
        if (buf_append_str(out, "unknown_key ") < 0)
            return -1;
        for (size_t i = 0; i < (size_t)1024 * 1024; i += 64) {
            if (buf_append_str(out, "0123456789abcdef0123456789abcdef"
                                    "0123456789abcdef0123456789abcdef") < 0)
                return -1;
        }
        return buf_append_str(out, "\naction 2\n");
    case BAD_COUNT:
        break;
    }
    (void)g;
    return -1;
}

/* insert_before_action - put line (with its LF) before the record's
 * action line */
static int
insert_before_action(struct buf *out, size_t mark, const char *line)
{
    size_t n = strlen(line);
    char *act = strstr(out->data + mark, "\naction ");
    size_t at = (size_t)(act - out->data) + 1;

    if (buf_append(out, line, n) < 0)
        return -1;
    memmove(out->data + at + n, out->data + at, out->len - n - at);
    memcpy(out->data + at, line, n);
    return 0;
}

/* one - generate, maybe spoil, and count record i */
static int
one(struct gen *g, size_t i, struct buf *out)
{
    struct hist_rec r;
    struct recbuf b;
    size_t mark = out->len;
    size_t kinds = g->long_lines ? BAD_COUNT : BAD_LONG;
    size_t d;

    memset(&b, 0, sizeof(b));
    d = make_record(g, i, &r, &b);

    if (hist_format(&r, out) < 0)
        return -1;
    if (g->bad_every && i % g->bad_every == g->bad_every - 1 && i + 1 < g->n) {
        g->bad++;
        return spoil(g, out, mark, (enum bad_kind)((i / g->bad_every) % kinds));
    }
    if (g->bad_every && i % g->bad_every == g->bad_every / 2) {
        /* kept with a warning: an unknown key, a bad code */
        g->warnings++;
        if (insert_before_action(out, mark, "x_unknown 1\n") < 0 ||
            insert_before_action(out, mark, "align_spf 99\n") < 0)
            return -1;
        r.align_spf = HIST_UNKNOWN;
    }
    g->good++;
    for (size_t k = 0; k < r.dkim_count; k++)
        g->dkim[r.dkim[k].result + 1]++;
    g->spf[r.spf + 1]++;
    g->counts[d * 25 + (size_t)(r.policy - 14) * 5 + (size_t)r.action]++;
    return 0;
}

/* truth - write the ground truth */
static int
truth(const struct gen *g, const char *path)
{
    FILE *f = fopen(path, "w");

    if (f == NULL) {
        log_err_errno("%s", path);
        return -1;
    }
    fprintf(
        f, "records %" PRIu64 "\nmalformed %" PRIu64 "\nwarnings %" PRIu64 "\n",
        g->good, g->bad, g->warnings);
    for (int c = 0; c < 14; c++) {
        if (g->dkim[c])
            fprintf(f, "dkim %d %" PRIu64 "\n", c - 1, g->dkim[c]);
    }
    for (int c = 0; c < 14; c++) {
        if (g->spf[c])
            fprintf(f, "spf %d %" PRIu64 "\n", c - 1, g->spf[c]);
    }
    for (size_t d = 0; d < g->ndom; d++) {
        for (size_t k = 0; k < 25; k++) {
            if (g->counts[d * 25 + k])
                fprintf(f, "msg dom%zu.example %zu %zu %" PRIu64 "\n", d,
                        14 + k / 5, k % 5, g->counts[d * 25 + k]);
        }
    }
    if (fclose(f) != 0) {
        log_err_errno("%s", path);
        return -1;
    }
    return 0;
}

/* generate - every record to f */
static int
generate(struct gen *g, FILE *f)
{
    struct buf out;
    int rc = 0;

    buf_init(&out, (size_t)4 * 1024 * 1024);
    for (size_t i = 0; i < g->n && rc == 0; i++) {
        if (one(g, i, &out) < 0) {
            log_err("record %zu does not fit", i);
            rc = -1;
        }
        if (out.len > (size_t)1024 * 1024 || i + 1 == g->n) {
            if (fwrite(out.data, 1, out.len, f) != out.len)
                rc = -1;
            buf_reset(&out);
        }
    }
    buf_free(&out);
    return rc;
}

/* num_arg - a number option */
static int
num_arg(const char *s, uint64_t max, uint64_t *out)
{
    const char *why = NULL;

    if (num_parse_u64(str_cstr(s), 0, max, out, &why) < 0) {
        log_err("'%s': %s", s, why);
        return -1;
    }
    return 0;
}

/* parse - the options into g; 0 or -1 */
static int
parse(int argc, char **argv, struct gen *g, const char **out,
      const char **tpath)
{
    uint64_t v;
    int ch;

    /* NOLINTNEXTLINE(concurrency-mt-unsafe): single-threaded startup */
    while ((ch = getopt(argc, argv, "s:n:d:m:Lt:o:T:S:")) != -1) {
        if (ch == 'L') {
            g->long_lines = true;
            continue;
        }
        if (ch == 't' || ch == 'o') {
            *(ch == 't' ? tpath : out) = optarg;
            continue;
        }
        if (ch == '?' || num_arg(optarg, UINT32_MAX * 1024ULL, &v) < 0)
            return -1;
        if (ch == 's')
            g->rng = v ? v : 1;
        else if (ch == 'n')
            g->n = (size_t)v;
        else if (ch == 'd')
            g->ndom = v ? (size_t)v : 1;
        else if (ch == 'm')
            g->bad_every = (size_t)v;
        else if (ch == 'S')
            g->span = v;
        else
            g->start = (int64_t)v;
    }
    return 0;
}

int
main(int argc, char **argv)
{
    struct gen g = { .rng = 42, .n = 1000, .ndom = 1000, .start = 1796000000 };
    const char *out = NULL;
    const char *tpath = NULL;
    FILE *f = stdout;
    int rc;

    if (log_open("histgen", NULL, true) < 0)
        return EX_SOFTWARE;
    if (parse(argc, argv, &g, &out, &tpath) < 0) {
        fprintf(stderr, "usage: histgen [-s SEED] [-n COUNT] [-d DOMAINS] "
                        "[-m EVERY] [-L] [-t TRUTH] [-o FILE] [-T START] "
                        "[-S SPAN]\n");
        return EX_USAGE;
    }
    g.counts = xcalloc(g.ndom * 25, sizeof(*g.counts));
    if (out != NULL && (f = fopen(out, "w")) == NULL) {
        log_err_errno("%s", out);
        return EX_CANTCREAT;
    }
    rc = generate(&g, f);
    if (f != stdout && fclose(f) != 0)
        rc = -1;
    if (rc == 0 && tpath != NULL)
        rc = truth(&g, tpath);
    free(g.counts);
    return rc == 0 ? EX_OK : EX_IOERR;
}
