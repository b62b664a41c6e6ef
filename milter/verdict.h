/*
 * verdict - DMARC evaluation of the author domains of one message and
 * the output it produces (Authentication-Results values, reply, history
 * record).
 *
 * Alignment and the result follow RFC 7489 sections 3.1, 6.6.2-6.6.4:
 * relaxed = same organizational domain (a public suffix has none and
 * never aligns), strict = identical names; a temporary DNS failure never
 * applies a policy; pct sampling downgrades reject to quarantine and
 * quarantine to none, recorded as sampled_out.
 *
 * Thread safety: thread-safe; state lives in the caller's struct verdict.
 */
#ifndef DMARC_MILTER_VERDICT_H
#define DMARC_MILTER_VERDICT_H

#include <stdbool.h>
#include <stddef.h>

#include "common/discovery.h"
#include "common/domain.h"
#include "common/log.h"
#include "history/hist_fmt.h"
#include "milter/spf.h"

struct mf_conn;
struct eval_out;

/* VERDICT_MAX_AUTHORS - author domains evaluated per message (the From
 * parser keeps 32 per field) */
#define VERDICT_MAX_AUTHORS 32
/* VERDICT_MAX_HISTORY - a formatted history record */
#define VERDICT_MAX_HISTORY HIST_MAX_RECORD

/* the author domains of a message */
struct verdict_authors {
    char domain[VERDICT_MAX_AUTHORS][DOMAIN_BUF_SIZE]; /* distinct, lower */
    size_t n;                                          /* entries of domain */
    size_t n_fields;                                   /* From fields seen */
    bool is_multi_value; /* a From field named several domains */
};

/* DMARC results (RFC 7489 section 11.2) */
enum verdict_result {
    VERDICT_NONE,
    VERDICT_PASS,
    VERDICT_PERMERROR,
    VERDICT_TEMPERROR,
    VERDICT_FAIL
};

/* the disposition taken */
enum verdict_dis {
    VERDICT_DIS_NONE,
    VERDICT_DIS_QUARANTINE,
    VERDICT_DIS_REJECT
};

/* the evaluation state of one message */
struct verdict {
    enum spf_res spf;                 /* SPF result */
    bool has_spf;                     /* spf was computed (SPFSelfValidate) */
    bool is_spf_helo;                 /* the HELO identity was checked */
    char spf_domain[DOMAIN_BUF_SIZE]; /* domain SPF checked, or "" */
    bool has_best;                    /* best holds an evaluated domain */
    struct discovery_result best;     /* discovery of the chosen domain */
    enum verdict_result result;       /* its DMARC result */
    enum verdict_dis dis;             /* its disposition (after pct) */
    enum dmarc_rec_policy policy;     /* policy that applied */
    bool is_spf_aligned;              /* an aligned SPF pass */
    bool is_sampled_out;              /* pct left the policy unapplied */
    bool is_enforced;                 /* the milter acts on dis */
};

/* verdict_authors_add - add domain (deduplicated; beyond the maximum the
 * extra domains are dropped with a log line). */
void verdict_authors_add(struct verdict_authors *a, const char *domain);

/* verdict_init, verdict_free - state of one message. */
void verdict_init(struct verdict *v);
void verdict_free(struct verdict *v);

/* verdict_spf - run SPF when SPFSelfValidate is set. */
void verdict_spf(struct verdict *v, const struct mf_conn *c);

/* verdict_domain - evaluate one author domain; keep it when it is
 * stricter than the one kept so far. */
void verdict_domain(struct verdict *v, const struct mf_conn *c,
                    const char *domain);

/* verdict_output - fill o from v.  0, or -1 on an internal failure. */
int verdict_output(const struct verdict *v, const struct mf_conn *c,
                   struct eval_out *o) WARN_UNUSED;

#endif
