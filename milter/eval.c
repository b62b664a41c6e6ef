/*
 * eval - the verdict on one message.
 *
 * Order (RFC 7489 section 6.6): header limits and RequiredHeaders; the
 * RFC5322.From author domains (from_hdr); IgnoreMailFrom; SPF (our own
 * check when SPFSelfValidate); for every author domain, policy discovery
 * (common/discovery), alignment, the DMARC result and the disposition
 * (verdict.c); the strictest verdict wins (section 6.6.1 with several
 * domains); then the fields to add and the history record.
 * It does no milter I/O and never touches libmilter.
 *
 * STANDARDS: RFC 7489 sections 6.6.1-6.6.4, 6.7; RFC 5322 section 3.6
 * (header field counts).
 *
 * Ownership and threads: reads the connection, writes the caller's
 * struct eval_out; thread-safe.
 */
#include "milter/eval.h"

#include <stdlib.h>
#include <string.h>

#include "common/ascii.h"
#include "common/xalloc.h"
#include "milter/arhdr.h"
#include "milter/conn.h"
#include "milter/failrep.h"
#include "milter/from_hdr.h"
#include "milter/snap.h"
#include "milter/verdict.h"

/* EVAL_MAX_REPLY - reply text bytes (RFC 5321 section 4.5.3.1.5: a reply
 * line is at most 512 bytes) */
#define EVAL_MAX_REPLY 512

/* the evaluation state of one message, about 47 KiB: on the heap, not
 * the stack.  libmilter's worker pool starts and ends threads as the load
 * changes; glibc hands an ending thread's used stack pages back
 * (madvise, a TLB shootdown on every CPU) and the next thread faults them
 * in again, whereas the heap's pages stay. */
struct eval_state {
    struct from_result from;  /* one From field, parsed */
    struct verdict_authors a; /* the author domains */
    struct verdict v;         /* their evaluation */
};

/* a field RFC 5322 section 3.6 allows at most once */
static const char *const eval_once[] = {
    "From",       "Sender",      "Reply-To",   "To",      "Cc",   "Bcc",
    "Message-ID", "In-Reply-To", "References", "Subject", "Date",
};

void
eval_out_init(struct eval_out *o)
{
    memset(o, 0, sizeof(*o));
    buf_init(&o->reply, EVAL_MAX_REPLY);
    buf_init(&o->ar_dmarc, ARHDR_MAX);
    buf_init(&o->ar_spf, ARHDR_MAX);
    buf_init(&o->software, ARHDR_MAX);
    buf_init(&o->history, VERDICT_MAX_HISTORY);
}

void
eval_out_reset(struct eval_out *o)
{
    o->action = EVAL_ACCEPT;
    o->rcode = NULL;
    o->xcode = NULL;
    o->is_copy_wanted = false;
    o->summary = NULL;
    buf_reset(&o->reply);
    buf_reset(&o->ar_dmarc);
    buf_reset(&o->ar_spf);
    buf_reset(&o->software);
    buf_reset(&o->history);
}

void
eval_out_free(struct eval_out *o)
{
    buf_free(&o->reply);
    buf_free(&o->ar_dmarc);
    buf_free(&o->ar_spf);
    buf_free(&o->software);
    buf_free(&o->history);
}

/* refuse - set a 5xx verdict with text; 0, or -1 if the text is too long */
static int
refuse(struct eval_out *o, const char *rcode, const char *xcode,
       const char *text, const char *summary)
{
    o->action = EVAL_REJECT;
    o->rcode = rcode;
    o->xcode = xcode;
    o->summary = summary;
    buf_reset(&o->reply);
    return buf_append_str(&o->reply, text);
}

/* required_headers - RFC 5322 section 3.6 counts: exactly one From and
 * Date, at most one of each eval_once field; NULL or the reason */
static const char *
required_headers(const struct mf_msg *m)
{
    if (msg_count(m, "From") == 0)
        return "missing From field";
    if (msg_count(m, "Date") == 0)
        return "missing Date field";
    for (size_t i = 0; i < sizeof(eval_once) / sizeof(eval_once[0]); i++)
        if (msg_count(m, eval_once[i]) > 1)
            return "repeated header field";
    return NULL;
}

/* collect_from - every author domain of every From field into st->a.
 * Returns 0, or -1 when a From field is unusable (*why set). */
static int
collect_from(const struct mf_msg *m, struct eval_state *st, const char **why)
{
    struct verdict_authors *a = &st->a;
    struct from_result *r = &st->from;

    memset(a, 0, sizeof(*a));
    for (size_t i = 0; i < m->n_hdrs; i++) {
        if (ascii_casecmp(m->hdrs[i].name, "From") != 0)
            continue;
        a->n_fields++;
        if (from_parse(str_cstr(m->hdrs[i].value), r, why) != FROM_OK)
            return -1;
        if (!r->is_same_domain)
            a->is_multi_value = true;
        for (size_t d = 0; d < r->n_domains; d++)
            verdict_authors_add(a, r->domains[d]);
    }
    if (a->n_fields == 0) {
        *why = "no From field";
        return -1;
    }
    return 0;
}

/* ignored_from - is any author domain in IgnoreMailFrom */
static bool
ignored_from(const struct snap *s, const struct verdict_authors *a)
{
    for (size_t i = 0; i < a->n; i++)
        if (snap_ignores_from(s, a->domain[i], strlen(a->domain[i])))
            return true;
    return false;
}

/* pre_checks - limits, RequiredHeaders, From, IgnoreMailFrom.  Returns 1
 * when the verdict is already made (in o), 0 to evaluate, -1 on error */
static int
pre_checks(const struct mf_conn *c, struct eval_state *st, struct eval_out *o)
{
    const struct verdict_authors *a = &st->a;
    const struct snap *s = c->snap;
    const char *why = NULL;
    bool is_required = cfg_bool(s->cfg, CFG_REQUIREDHEADERS);

    if (c->msg.is_over_limit)
        return refuse(o, "552", "5.3.4", "message header exceeds limits",
                      "header over limits") == 0
                   ? 1
                   : -1;
    why = is_required ? required_headers(&c->msg) : NULL;
    if (why != NULL)
        return refuse(o, "550", "5.7.1", why, why) == 0 ? 1 : -1;
    if (collect_from(&c->msg, st, &why) != 0) {
        o->summary = why;
        if (is_required)
            return refuse(o, "550", "5.7.1", "unusable From field", why) == 0
                       ? 1
                       : -1;
        return 1;
    }
    if (a->is_multi_value && a->n > 1 &&
        cfg_bool(s->cfg, CFG_REJECTMULTIVALUEFROM))
        return refuse(o, "550", "5.7.1", "multiple author domains in From",
                      "multi-valued From") == 0
                   ? 1
                   : -1;
    if (ignored_from(s, a)) {
        o->summary = "IgnoreMailFrom";
        return 1;
    }
    return 0;
}

int
eval_message(const struct mf_conn *c, struct eval_out *o)
{
    struct eval_state *st = xmalloc(sizeof(*st));
    int rc;

    eval_out_reset(o);
    rc = pre_checks(c, st, o);
    if (rc != 0) {
        rc = rc < 0 ? -1 : 0;
        goto out;
    }
    verdict_init(&st->v);
    verdict_auth(&st->v, c);
    for (size_t i = 0; i < st->a.n; i++)
        verdict_domain(&st->v, c, st->a.domain[i]);
    if (st->v.has_best)
        verdict_arc(&st->v, c);
    rc = verdict_output(&st->v, c, o);
    if (rc == 0)
        failrep_submit(&st->v, c, o->action);
    verdict_free(&st->v);
out:
    free(st);
    return rc;
}
