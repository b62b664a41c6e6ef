/*
 * verdict - DMARC evaluation of the author domains and its output.
 *
 * For each author domain: policy discovery (common/discovery), then
 * policy_evaluate() (policy.c) with the SPF result (upstream or our own)
 * and every trusted DKIM result; the strictest outcome is kept (RFC 7489
 * section 6.6.1, policy_strictest()).  The disposition becomes the milter
 * action here: reject only with RejectFailures, quarantine (the MTA's
 * hold queue) only with HoldQuarantinedMessages, and a temporary error
 * temp-fails only with RejectFailures ("temp-failed if evaluation could
 * not be completed", opendmarc.conf(5)); a temporary error never applies
 * a policy (section 6.6.2).
 *
 * STANDARDS: RFC 7489 sections 3.1, 6.6.1-6.6.4, 6.7, 11.2; RFC 7208
 * section 2.4 (HELO for the null sender); RFC 3463 (status codes).
 *
 * Ownership and threads: thread-safe; owns only what struct verdict owns.
 */
#include "milter/verdict.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "common/ascii.h"
#include "common/cfg.h"
#include "common/discovery_dns.h"
#include "common/orgdomain.h"
#include "common/xalloc.h"
#include "milter/arhdr.h"
#include "milter/conn.h"
#include "milter/eval.h"
#include "milter/record.h"
#include "milter/snap.h"
#include "milter/spf.h"

void
verdict_authors_add(struct verdict_authors *a, const char *domain)
{
    for (size_t i = 0; i < a->n; i++)
        if (strcmp(a->domain[i], domain) == 0)
            return;
    if (a->n == VERDICT_MAX_AUTHORS) {
        log_warn("more than %d author domains; extra ones not evaluated",
                 VERDICT_MAX_AUTHORS);
        return;
    }
    (void)snprintf(a->domain[a->n], DOMAIN_BUF_SIZE, "%s", domain);
    a->n++;
}

void
verdict_init(struct verdict *v)
{
    memset(v, 0, sizeof(*v));
}

void
verdict_free(struct verdict *v)
{
    if (v->has_best)
        discovery_result_free(&v->best);
    v->has_best = false;
    free(v->arc);
    v->arc = NULL;
}

/* spf_auth - an SPF result of libspf2 as an RFC 8601 result */
static enum auth_result
spf_auth(enum spf_res r)
{
    switch (r) {
    case SPF_RES_NONE:
        return AUTH_RESULT_NONE;
    case SPF_RES_NEUTRAL:
        return AUTH_RESULT_NEUTRAL;
    case SPF_RES_PASS:
        return AUTH_RESULT_PASS;
    case SPF_RES_FAIL:
        return AUTH_RESULT_FAIL;
    case SPF_RES_SOFTFAIL:
        return AUTH_RESULT_SOFTFAIL;
    case SPF_RES_TEMPERROR:
        return AUTH_RESULT_TEMPERROR;
    case SPF_RES_PERMERROR:
        return AUTH_RESULT_PERMERROR;
    }
    return AUTH_RESULT_OTHER;
}

/* self_spf - our own check: MAIL FROM, or HELO for the null sender */
static void
self_spf(struct verdict *v, const struct mf_conn *c)
{
    const char *sender = c->msg.sender != NULL ? c->msg.sender : "";
    const char *at = strrchr(sender, '@');
    const char *dom = sender[0] == '\0' ? c->helo
                      : at != NULL      ? at + 1
                                        : sender;
    const char *why = NULL;

    v->has_spf = true;
    v->is_spf_self = true;
    v->is_spf_helo = sender[0] == '\0';
    v->spf =
        spf_auth(spf_check(c->snap->spf, conn_sockaddr(c), c->helo, sender));
    if (dom == NULL ||
        domain_normalize(str_cstr(dom), 0, v->spf_domain, &why) != DOMAIN_OK)
        v->spf_domain[0] = '\0';
}

/* trusted_ids - the authserv-ids trusted for upstream results:
 * TrustedAuthservIDs, else our own (opendmarc.conf(5)) */
static const char *const *
trusted_ids(const struct mf_conn *c, const char **own, size_t *n)
{
    const struct snap *s = c->snap;

    if (cfg_is_set(s->cfg, CFG_TRUSTEDAUTHSERVIDS)) {
        *n = s->n_trusted;
        return (const char *const *)s->trusted;
    }
    *own = s->authserv_id != NULL ? s->authserv_id
           : c->mta_name != NULL  ? c->mta_name
                                  : s->hostname;
    *n = 1;
    return own;
}

void
verdict_auth(struct verdict *v, const struct mf_conn *c)
{
    const char *own = NULL;
    struct str mfrom = msg_sender_domain(&c->msg);
    char mdom[DOMAIN_BUF_SIZE];
    struct upstream_input in = {
        .hdrs = c->msg.hdrs,
        .n_hdrs = c->msg.n_hdrs,
        .mfrom_domain = mdom,
        .is_spf_wanted = !cfg_bool(c->snap->cfg, CFG_SPFIGNORERESULTS),
    };

    /* a longer MAIL FROM domain is no domain: it matches nothing */
    mdom[0] = '\0';
    if (mfrom.len > 0 && mfrom.len < sizeof(mdom))
        (void)snprintf(mdom, sizeof(mdom), "%.*s", (int)mfrom.len,
                       mfrom.p); /* fits: checked above */
    in.trusted = trusted_ids(c, &own, &in.n_trusted);
    upstream_collect(&in, &v->up);
    for (size_t i = 0; i < v->up.n_dkim; i++) {
        v->dkim[i].domain = v->up.dkim[i].domain;
        v->dkim[i].selector = v->up.dkim[i].selector;
        v->dkim[i].result = v->up.dkim[i].result;
    }
    if (v->up.spf_source != UPSTREAM_SPF_NONE) {
        v->has_spf = true;
        v->spf = v->up.spf;
        v->is_spf_helo = v->up.is_spf_helo;
        (void)snprintf(v->spf_domain, sizeof(v->spf_domain), "%s",
                       v->up.spf_domain); /* same size: fits */
    } else if (c->snap->spf != NULL) {
        self_spf(v, c);
    }
}

/* orgdom - policy_orgdom_fn over common/orgdomain */
static const char *
orgdom(void *arg, const char *domain)
{
    const char *org = NULL;

    if (orgdomain_lookup(arg, domain, &org) != ORGDOMAIN_OK)
        return NULL;
    return org;
}

/* draw - a uniform number 0..99 for the pct sample (section 6.6.4) */
static unsigned
draw(void)
{
    unsigned r = 0;

    if (getrandom(&r, sizeof(r), 0) != (ssize_t)sizeof(r))
        return 0; /* no randomness: apply the policy */
    return r % 100;
}

/* disp - a record's policy value as policy.c's enum */
static enum policy_disp
disp(enum dmarc_rec_policy p)
{
    return p == DMARC_REC_POLICY_REJECT       ? POLICY_DISP_REJECT
           : p == DMARC_REC_POLICY_QUARANTINE ? POLICY_DISP_QUARANTINE
                                              : POLICY_DISP_NONE;
}

/* record_of - what discovery found, as policy.c wants it */
static void
record_of(const struct discovery_result *d, struct policy_record *r)
{
    memset(r, 0, sizeof(*r));
    switch (d->status) {
    case DISCOVERY_FOUND:
        r->status = POLICY_REC_FOUND;
        break;
    case DISCOVERY_TEMPERROR:
        r->status = POLICY_REC_TEMPERROR;
        return;
    case DISCOVERY_PERMERROR:
        r->status = POLICY_REC_PERMERROR;
        return;
    case DISCOVERY_NONE:
    case DISCOVERY_MULTIPLE:
    case DISCOVERY_BAD_DOMAIN:
        r->status = POLICY_REC_NONE; /* section 6.6.3: no policy */
        return;
    }
    r->is_org = d->where == DISCOVERY_AT_ORG;
    r->p = disp(d->rec.p);
    r->sp = disp(d->rec.sp); /* the tag, else p (dmarc_rec) */
    r->has_sp = true;
    r->adkim = d->rec.adkim == DMARC_REC_ALIGN_STRICT ? POLICY_ALIGN_STRICT
                                                      : POLICY_ALIGN_RELAXED;
    r->aspf = d->rec.aspf == DMARC_REC_ALIGN_STRICT ? POLICY_ALIGN_STRICT
                                                    : POLICY_ALIGN_RELAXED;
    r->pct = d->rec.pct;
}

void
verdict_domain(struct verdict *v, const struct mf_conn *c, const char *domain)
{
    struct discovery_dns dd = discovery_dns_resolver(c->snap->dns);
    struct policy_output outs[2];
    struct discovery_result d;
    struct policy_input in;

    memset(&d, 0, sizeof(d));
    if (discovery_run(&dd, c->snap->psl, str_cstr(domain), &d) !=
        DISCOVERY_FOUND)
        log_debug("%s: discovery: %s", domain, discovery_status_str(d.status));
    memset(&in, 0, sizeof(in));
    in.from_domain = d.from_domain[0] != '\0' ? d.from_domain : domain;
    record_of(&d, &in.rec);
    in.spf_result = v->has_spf ? v->spf : AUTH_RESULT_NONE;
    in.spf_domain = v->spf_domain[0] != '\0' ? v->spf_domain : NULL;
    in.dkim = v->dkim;
    in.n_dkim = v->up.n_dkim;
    in.orgdom = orgdom;
    in.orgdom_arg = c->snap->psl;
    /* the draw matters only below pct=100 (policy.c apply_pct): no
     * getrandom(2) per message for the common record */
    in.draw =
        in.rec.status == POLICY_REC_FOUND && in.rec.pct < 100 ? draw() : 0;
    policy_evaluate(&in, &outs[1]);
    if (v->has_best) {
        outs[0] = v->out;
        if (policy_strictest(outs, 2) == 0) {
            discovery_result_free(&d);
            return;
        }
        discovery_result_free(&v->best); /* replaced by d */
    }
    v->best = d;
    v->out = outs[1];
    v->has_best = true;
}

/* arc_field - feed one header field to the ARC state; a malformed ARC
 * field is logged once and ignored */
static void
arc_field(struct arc_policy_state *st, const struct msg_hdr *h,
          const char *jobid, const char *const *ids, size_t n_ids)
{
    struct str value = str_cstr(h->value);
    enum arc_hdr_status rc = ARC_HDR_OK;
    const char *why = NULL;

    if (ascii_casecmp(h->name, "Authentication-Results") == 0) {
        struct authres *ar = NULL;

        if (authres_parse(value, &ar, &why) != AUTHRES_OK)
            return; /* upstream.c logs and counts it */
        if (authres_is_trusted(ar, ids, n_ids))
            arc_policy_authres(st, ar);
        authres_free(ar);
        return;
    }
    if (ascii_casecmp(h->name, "ARC-Seal") == 0)
        rc = arc_policy_seal(st, value, &why);
    else if (ascii_casecmp(h->name, "ARC-Authentication-Results") == 0)
        rc = arc_policy_aar(st, value, &why);
    if (rc != ARC_HDR_OK)
        log_info("%s: %s field ignored: %s (%s)", jobid, h->name,
                 why != NULL ? why : "malformed", arc_hdr_status_name(rc));
}

/* arc_is_present - has the message anything arc_field() would use: an
 * ARC-Seal or ARC-Authentication-Results field, or a trusted "arc" result
 * (upstream_collect() counted them)?  Without one the evaluation is fail,
 * fail and no seals, what the history record says when v->arc is NULL
 * (record.c), so the 40 KiB of state and the walk are skipped. */
static bool
arc_is_present(const struct verdict *v, const struct mf_msg *m)
{
    if (v->up.n_arc_fields > 0)
        return true;
    for (size_t i = 0; i < m->n_hdrs; i++) {
        if (ascii_casecmp(m->hdrs[i].name, "ARC-Seal") == 0 ||
            ascii_casecmp(m->hdrs[i].name, "ARC-Authentication-Results") == 0)
            return true;
    }
    return false;
}

void
verdict_arc(struct verdict *v, const struct mf_conn *c)
{
    const char *jobid = c->msg.jobid != NULL ? c->msg.jobid : "NOQUEUE";
    const char *own = NULL;
    size_t n_ids = 0;
    const char *const *ids = trusted_ids(c, &own, &n_ids);

    if (!arc_is_present(v, &c->msg))
        return;
    if (v->arc == NULL)
        v->arc = xmalloc(sizeof(*v->arc));
    arc_policy_init(&v->arc->st);
    for (size_t i = 0; i < c->msg.n_hdrs; i++)
        arc_field(&v->arc->st, &c->msg.hdrs[i], jobid, ids, n_ids);
    arc_policy_eval(&v->arc->st, c->snap->arc_wl, &v->arc->out);
    if (v->arc->out.arc_policy != HIST_ARC_POLICY_PASS)
        return;
    if (v->has_best &&
        policy_override_local(&v->out, POLICY_OVERRIDE_TRUSTED_FORWARDER))
        log_info("%s: %s: trusted ARC chain (%s): policy not applied", jobid,
                 v->best.from_domain, v->arc->out.comment);
}

/* override_word - the local override the A-R comment and log name */
static const char *
override_word(const struct verdict *v)
{
    return v->out.override_local != POLICY_OVERRIDE_NONE
               ? policy_override_name(v->out.override_local)
               : NULL;
}

/* dis_applied - the disposition the milter applies, which dis= reports
 * (as OpenDMARC does): reject only with RejectFailures, quarantine only
 * with HoldQuarantinedMessages; otherwise the message is delivered as is
 * and the quarantine is left to downstream filters (opendmarc.conf(5)) */
static enum policy_disp
dis_applied(const struct verdict *v, const struct cfg *cfg)
{
    if (v->out.disposition == POLICY_DISP_REJECT &&
        !cfg_bool(cfg, CFG_REJECTFAILURES))
        return POLICY_DISP_NONE;
    if (v->out.disposition == POLICY_DISP_QUARANTINE &&
        !cfg_bool(cfg, CFG_HOLDQUARANTINEDMESSAGES))
        return POLICY_DISP_NONE;
    return v->out.disposition;
}

const char *
verdict_authserv(const struct mf_conn *c)
{
    if (c->snap->authserv_id != NULL)
        return c->snap->authserv_id;
    return c->mta_name != NULL ? c->mta_name : c->snap->hostname;
}

/* reject_text - RejectString with its "%s" replaced by the From domain
 * (substituted here, never used as a format string) */
static int
reject_text(struct buf *out, const char *fmt, const char *dom)
{
    const char *at = fmt != NULL ? strstr(fmt, "%s") : NULL;

    if (at == NULL)
        return buf_printf(out, "rejected by DMARC policy for %s", dom);
    if (buf_append(out, fmt, (size_t)(at - fmt)) != 0 ||
        buf_append_str(out, dom) != 0)
        return -1;
    return buf_append_str(out, at + 2);
}

/* decide - the action and reply for the applied disposition dis */
static int
decide(const struct verdict *v, const struct mf_conn *c, struct eval_out *o,
       enum policy_disp dis)
{
    const struct cfg *cfg = c->snap->cfg;
    const char *dom = v->best.from_domain;

    if (v->out.result == POLICY_RESULT_TEMPERROR &&
        cfg_bool(cfg, CFG_REJECTFAILURES)) {
        o->action = EVAL_TEMPFAIL;
        o->rcode = "451";
        o->xcode = "4.4.3"; /* RFC 3463: directory server failure */
        return buf_printf(&o->reply,
                          "temporary error evaluating the DMARC policy "
                          "for %s",
                          dom);
    }
    if (dis == POLICY_DISP_REJECT) {
        o->action = EVAL_REJECT;
        o->rcode = "550";
        o->xcode = "5.7.1";
        return reject_text(&o->reply, cfg_str(cfg, CFG_REJECTSTRING), dom);
    }
    if (dis == POLICY_DISP_QUARANTINE &&
        cfg_bool(cfg, CFG_HOLDQUARANTINEDMESSAGES)) {
        o->action = EVAL_QUARANTINE;
        return buf_printf(&o->reply, "quarantined by DMARC policy for %s", dom);
    }
    return 0;
}

/* comment_policy - p= of the A-R comment: "none" without a record, the
 * applicable policy when evaluated, else NULL (no comment) */
static const char *
comment_policy(const struct verdict *v)
{
    if (v->out.result == POLICY_RESULT_NONE)
        return "none";
    return v->out.is_evaluated ? policy_disp_name(v->out.policy) : NULL;
}

/* headers - the A-R values and DMARC-Filter */
static int
headers(const struct verdict *v, const struct mf_conn *c, struct eval_out *o,
        enum policy_disp dis)
{
    const char *jobid = cfg_bool(c->snap->cfg, CFG_AUTHSERVIDWITHJOBID)
                            ? (c->msg.jobid != NULL ? c->msg.jobid : "")
                            : NULL;
    struct arhdr_dmarc ad = {
        .authserv_id = verdict_authserv(c),
        .jobid = jobid,
        .result = policy_result_name(v->out.result),
        .policy = comment_policy(v),
        .disposition = policy_disp_name(dis),
        .override = override_word(v),
        .from_domain = v->best.from_domain,
    };

    if (arhdr_dmarc(&o->ar_dmarc, &ad) != 0)
        return -1;
    /* RFC 8601 section 2.7.2: only a result we computed ourselves */
    if (v->is_spf_self && v->spf_domain[0] != '\0' &&
        arhdr_spf(&o->ar_spf, ad.authserv_id, jobid, auth_result_name(v->spf),
                  v->is_spf_helo, v->spf_domain) != 0)
        return -1;
    if (cfg_bool(c->snap->cfg, CFG_SOFTWAREHEADER))
        return arhdr_software(&o->software, c->snap->hostname,
                              c->msg.jobid != NULL ? c->msg.jobid : "NOQUEUE");
    return 0;
}

int
verdict_output(const struct verdict *v, const struct mf_conn *c,
               struct eval_out *o)
{
    enum policy_disp dis;

    if (!v->has_best)
        return 0;
    dis = dis_applied(v, c->snap->cfg);
    o->summary = policy_result_name(v->out.result);
    if (decide(v, c, o, dis) != 0 || headers(v, c, o, dis) != 0)
        return -1;
    o->is_copy_wanted =
        v->out.result == POLICY_RESULT_FAIL && o->action != EVAL_REJECT;
    if (record_is_wanted(v, c->snap) &&
        record_format(v, c, o->action, &o->history) != 0)
        return -1;
    log_notice("%s: %s dmarc=%s p=%s dis=%s%s%s",
               c->msg.jobid != NULL ? c->msg.jobid : "NOQUEUE",
               v->best.from_domain, policy_result_name(v->out.result),
               policy_disp_name(v->out.policy), policy_disp_name(dis),
               override_word(v) != NULL ? " override=" : "",
               override_word(v) != NULL ? override_word(v) : "");
    return 0;
}
