/*
 * verdict - DMARC evaluation of the author domains of one message and
 * the output it produces (Authentication-Results values, reply, history
 * record).
 *
 * It gathers the inputs (upstream.c, spf.c, common/discovery) and hands
 * them to policy_evaluate() (policy.c), which owns alignment, the result
 * and the disposition (RFC 7489 sections 3.1, 6.6.2-6.6.4); here the
 * disposition becomes a milter action under RejectFailures and
 * HoldQuarantinedMessages.
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
#include "milter/arc_policy.h"
#include "milter/policy.h"
#include "milter/upstream.h"

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

/* the ARC data of one message (about 40 KiB: kept off the stack) */
struct verdict_arc {
    struct arc_policy_state st; /* what the ARC and A-R fields said */
    struct arc_policy_out out;  /* its evaluation against the whitelist */
};

/* the evaluation state of one message */
struct verdict {
    struct upstream up;               /* trusted upstream DKIM and SPF */
    enum auth_result spf;             /* SPF result used (if has_spf) */
    bool has_spf;                     /* an SPF result exists */
    bool is_spf_self;                 /* spf is our own check */
    bool is_spf_helo;                 /* the HELO identity was checked */
    char spf_domain[DOMAIN_BUF_SIZE]; /* domain SPF checked, or "" */
    struct policy_dkim dkim[UPSTREAM_MAX_DKIM]; /* up.dkim for policy.c */
    bool has_best;                /* best holds an evaluated domain */
    struct discovery_result best; /* discovery of the chosen domain */
    struct policy_output out;     /* its DMARC evaluation */
    struct verdict_arc *arc;      /* ARC data (owned), NULL until
                                     verdict_arc() */
};

/* verdict_authors_add - add domain (deduplicated; beyond the maximum the
 * extra domains are dropped with a log line). */
void verdict_authors_add(struct verdict_authors *a, const char *domain);

/* verdict_init, verdict_free - state of one message. */
void verdict_init(struct verdict *v);
void verdict_free(struct verdict *v);

/* verdict_auth - gather the authentication results: trusted upstream
 * DKIM and SPF (unless SPFIgnoreResults), then our own SPF check when
 * SPFSelfValidate is set and upstream gave no SPF result. */
void verdict_auth(struct verdict *v, const struct mf_conn *c);

/* verdict_domain - evaluate one author domain; keep it when it is
 * stricter than the one kept so far. */
void verdict_domain(struct verdict *v, const struct mf_conn *c,
                    const char *domain);

/* verdict_arc - gather the ARC data of the message (trusted A-R arc
 * results, ARC-Seal and ARC-Authentication-Results fields; malformed ones
 * are logged once and ignored), evaluate it against DomainWhitelist, and
 * when it passes, lift a failing message's disposition to none with the
 * trusted_forwarder reason (policy_override_local).  A message without
 * any of those fields (the common case) leaves v->arc NULL.  Call after
 * verdict_auth() and every verdict_domain(). */
void verdict_arc(struct verdict *v, const struct mf_conn *c);

/* verdict_output - fill o from v.  0, or -1 on an internal failure. */
int verdict_output(const struct verdict *v, const struct mf_conn *c,
                   struct eval_out *o) WARN_UNUSED;

/* verdict_authserv - our authserv-id: AuthservID, else the MTA's {j},
 * else the host name.  Borrowed from c. */
const char *verdict_authserv(const struct mf_conn *c);

#endif
