/*
 * verdict - DMARC evaluation of the author domains and its output.
 *
 * DKIM results from trusted Authentication-Results arrive with the A-R
 * parser (milter/authres, branch milter-parse); until then only SPF can
 * align.  Alignment here is the small rule of RFC 7489 section 3.1 and
 * moves to policy.c when that lands.
 *
 * STANDARDS: RFC 7489 sections 3.1, 6.6.2-6.6.4, 6.7, 11.2; RFC 7208
 * section 2.4 (HELO for the null sender).
 *
 * Ownership and threads: thread-safe; owns only what struct verdict owns.
 */
#include "milter/verdict.h"

#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "common/cfg.h"
#include "common/discovery_dns.h"
#include "common/orgdomain.h"
#include "history/hist_write.h"
#include "milter/arhdr.h"
#include "milter/conn.h"
#include "milter/eval.h"
#include "milter/snap.h"

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
    v->result = VERDICT_NONE;
}

void
verdict_free(struct verdict *v)
{
    if (v->has_best)
        discovery_result_free(&v->best);
    v->has_best = false;
}

void
verdict_spf(struct verdict *v, const struct mf_conn *c)
{
    const char *sender = c->msg.sender != NULL ? c->msg.sender : "";
    const char *at = strrchr(sender, '@');
    const char *dom = sender[0] == '\0' ? c->helo
                      : at != NULL      ? at + 1
                                        : sender;
    const char *why = NULL;

    if (c->snap->spf == NULL)
        return;
    v->has_spf = true;
    v->is_spf_helo = sender[0] == '\0';
    v->spf = spf_check(c->snap->spf, conn_sockaddr(c), c->helo, sender);
    if (dom == NULL ||
        domain_normalize(str_cstr(dom), 0, v->spf_domain, &why) != DOMAIN_OK)
        v->spf_domain[0] = '\0';
}

/* is_aligned - RFC 7489 section 3.1: strict is identity, relaxed is the
 * same organizational domain (never through a public suffix) */
static bool
is_aligned(const struct snap *s, const char *from, const char *auth,
           enum dmarc_rec_align mode)
{
    const char *of = NULL, *oa = NULL;

    if (auth[0] == '\0')
        return false;
    if (mode == DMARC_REC_ALIGN_STRICT)
        return domain_eq(from, auth);
    if (orgdomain_lookup(s->psl, from, &of) != ORGDOMAIN_OK ||
        orgdomain_lookup(s->psl, auth, &oa) != ORGDOMAIN_OK)
        return false;
    return domain_eq(of, oa);
}

/* is_sampled - RFC 7489 section 6.6.4: apply the policy to pct percent */
static bool
is_sampled(unsigned pct)
{
    unsigned r = 0;

    if (pct >= 100)
        return true;
    if (getrandom(&r, sizeof(r), 0) != (ssize_t)sizeof(r))
        return true; /* no randomness: apply the policy */
    return r % 100 < pct;
}

/* rank - severity of a candidate, to pick the strictest (section 6.6.1) */
static int
rank(enum verdict_result r, enum verdict_dis d)
{
    static const int by_result[] = {
        [VERDICT_NONE] = 0,      [VERDICT_PASS] = 1, [VERDICT_PERMERROR] = 2,
        [VERDICT_TEMPERROR] = 3, [VERDICT_FAIL] = 4,
    };
    return (int)d * 10 + by_result[r];
}

/* judge - result, policy and disposition of one discovered domain */
static void
judge(struct verdict *w, const struct snap *s)
{
    const struct discovery_result *d = &w->best;

    w->result = VERDICT_NONE;
    w->dis = VERDICT_DIS_NONE;
    w->policy = DMARC_REC_POLICY_UNSET;
    if (d->status == DISCOVERY_TEMPERROR) {
        w->result = VERDICT_TEMPERROR;
        return;
    }
    if (d->status == DISCOVERY_PERMERROR) {
        w->result = VERDICT_PERMERROR;
        return;
    }
    if (d->status != DISCOVERY_FOUND)
        return;
    w->policy = d->policy;
    w->is_spf_aligned =
        w->has_spf && w->spf == SPF_RES_PASS &&
        is_aligned(s, d->from_domain, w->spf_domain, d->rec.aspf);
    w->result = w->is_spf_aligned ? VERDICT_PASS : VERDICT_FAIL;
    if (w->result == VERDICT_PASS)
        return;
    w->dis = d->policy == DMARC_REC_POLICY_REJECT       ? VERDICT_DIS_REJECT
             : d->policy == DMARC_REC_POLICY_QUARANTINE ? VERDICT_DIS_QUARANTINE
                                                        : VERDICT_DIS_NONE;
    if (w->dis != VERDICT_DIS_NONE && !is_sampled(d->rec.pct)) {
        w->is_sampled_out = true;
        w->dis = w->dis == VERDICT_DIS_REJECT ? VERDICT_DIS_QUARANTINE
                                              : VERDICT_DIS_NONE;
    }
}

void
verdict_domain(struct verdict *v, const struct mf_conn *c, const char *domain)
{
    struct discovery_dns dd = discovery_dns_resolver(c->snap->dns);
    struct verdict w = *v;

    memset(&w.best, 0, sizeof(w.best));
    w.is_sampled_out = false;
    w.is_spf_aligned = false;
    if (discovery_run(&dd, c->snap->psl, str_cstr(domain), &w.best) !=
        DISCOVERY_FOUND)
        log_debug("%s: discovery: %s", domain,
                  discovery_status_str(w.best.status));
    w.has_best = true;
    judge(&w, c->snap);
    if (v->has_best && rank(w.result, w.dis) <= rank(v->result, v->dis)) {
        discovery_result_free(&w.best);
        return;
    }
    verdict_free(v);
    *v = w;
}

/* result_str - the A-R result word */
static const char *
result_str(enum verdict_result r)
{
    static const char *const w[] = {
        [VERDICT_NONE] = "none",           [VERDICT_PASS] = "pass",
        [VERDICT_PERMERROR] = "permerror", [VERDICT_TEMPERROR] = "temperror",
        [VERDICT_FAIL] = "fail",
    };
    return w[r];
}

/* dis_str - the dis= word */
static const char *
dis_str(enum verdict_dis d)
{
    return d == VERDICT_DIS_REJECT       ? "reject"
           : d == VERDICT_DIS_QUARANTINE ? "quarantine"
                                         : "none";
}

/* authserv - our authserv-id: AuthservID, else the MTA's {j} */
static const char *
authserv(const struct mf_conn *c)
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

/* decide - the action and reply; sets the applied disposition in *dis */
static int
decide(const struct verdict *v, const struct mf_conn *c, struct eval_out *o,
       enum verdict_dis *dis)
{
    const struct cfg *cfg = c->snap->cfg;
    const char *fmt = cfg_str(cfg, CFG_REJECTSTRING);
    const char *dom = v->best.from_domain;

    *dis = v->dis;
    if (v->result == VERDICT_TEMPERROR && cfg_bool(cfg, CFG_REJECTFAILURES)) {
        o->action = EVAL_TEMPFAIL;
        o->rcode = "451";
        o->xcode = "4.7.5";
        return buf_printf(&o->reply,
                          "temporary DNS error evaluating DMARC "
                          "policy for %s",
                          dom);
    }
    if (v->dis == VERDICT_DIS_REJECT && !cfg_bool(cfg, CFG_REJECTFAILURES))
        *dis = VERDICT_DIS_NONE;
    if (*dis == VERDICT_DIS_REJECT) {
        o->action = EVAL_REJECT;
        o->rcode = "550";
        o->xcode = "5.7.1";
        return reject_text(&o->reply, fmt, dom);
    }
    if (*dis == VERDICT_DIS_QUARANTINE &&
        cfg_bool(cfg, CFG_HOLDQUARANTINEDMESSAGES)) {
        o->action = EVAL_QUARANTINE;
        return buf_printf(&o->reply, "quarantined by DMARC policy for %s", dom);
    }
    return 0;
}

/* headers - the A-R values and DMARC-Filter */
static int
headers(const struct verdict *v, const struct mf_conn *c, struct eval_out *o,
        enum verdict_dis dis)
{
    const char *jobid = cfg_bool(c->snap->cfg, CFG_AUTHSERVIDWITHJOBID)
                            ? (c->msg.jobid != NULL ? c->msg.jobid : "")
                            : NULL;
    struct arhdr_dmarc ad = {
        .authserv_id = authserv(c),
        .jobid = jobid,
        .result = result_str(v->result),
        .policy = v->result == VERDICT_NONE ? "none"
                  : v->policy != DMARC_REC_POLICY_UNSET
                      ? dmarc_rec_policy_str(v->policy)
                      : NULL,
        .disposition = dis_str(dis),
        .from_domain = v->best.from_domain,
    };

    if (arhdr_dmarc(&o->ar_dmarc, &ad) != 0)
        return -1;
    if (v->has_spf && v->spf_domain[0] != '\0' &&
        arhdr_spf(&o->ar_spf, ad.authserv_id, jobid, spf_res_str(v->spf),
                  v->is_spf_helo, v->spf_domain) != 0)
        return -1;
    if (cfg_bool(c->snap->cfg, CFG_SOFTWAREHEADER))
        return arhdr_software(&o->software, c->snap->hostname,
                              c->msg.jobid != NULL ? c->msg.jobid : "NOQUEUE");
    return 0;
}

/* spf_ares - SPF result as an ARES code (history-format.md 4.1) */
static int
spf_ares(const struct verdict *v)
{
    static const int codes[] = {
        [SPF_RES_NONE] = HIST_ARES_NONE,
        [SPF_RES_NEUTRAL] = HIST_ARES_NEUTRAL,
        [SPF_RES_PASS] = HIST_ARES_PASS,
        [SPF_RES_FAIL] = HIST_ARES_FAIL,
        [SPF_RES_SOFTFAIL] = HIST_ARES_SOFTFAIL,
        [SPF_RES_TEMPERROR] = HIST_ARES_TEMPERROR,
        [SPF_RES_PERMERROR] = HIST_ARES_PERMERROR,
    };
    return v->has_spf ? codes[v->spf] : HIST_ARES_UNDEFINED;
}

/* policy_code - the history policy code (history-format.md 4.4) */
static int
policy_code(const struct verdict *v)
{
    if (v->result == VERDICT_PASS)
        return HIST_POLICY_PASS;
    if (v->result != VERDICT_FAIL)
        return HIST_POLICY_ABSENT;
    return v->policy == DMARC_REC_POLICY_REJECT       ? HIST_POLICY_REJECT
           : v->policy == DMARC_REC_POLICY_QUARANTINE ? HIST_POLICY_QUARANTINE
                                                      : HIST_POLICY_NONE;
}

/* action_code - what the milter did (history-format.md 4.5) */
static int
action_code(enum eval_action a)
{
    return a == EVAL_REJECT       ? HIST_ACTION_REJECT
           : a == EVAL_TEMPFAIL   ? HIST_ACTION_TEMPFAIL
           : a == EVAL_QUARANTINE ? HIST_ACTION_QUARANTINE
                                  : HIST_ACTION_ACCEPT;
}

/* rec_policy - the record-derived fields */
static void
rec_policy(struct hist_rec *r, const struct verdict *v, struct str *rua)
{
    const struct dmarc_rec *d = &v->best.rec;

    if (!v->best.has_rec || v->best.status != DISCOVERY_FOUND) {
        r->pct = 0;
        return;
    }
    for (size_t i = 0; i < d->rua_count && i < HIST_MAX_RUA; i++)
        rua[i] = d->rua[i].raw;
    r->rua = rua;
    r->rua_count = d->rua_count < HIST_MAX_RUA ? d->rua_count : HIST_MAX_RUA;
    r->pct = (int)d->pct;
    r->adkim = (int)d->adkim;
    r->aspf = (int)d->aspf;
    r->p = (int)d->p;
    r->sp = d->has_sp ? (int)d->sp : 0;
    r->align_dkim = HIST_ALIGN_FAIL;
    r->align_spf = v->is_spf_aligned ? HIST_ALIGN_PASS : HIST_ALIGN_FAIL;
    r->fo = (int)d->fo;
    r->discovery = HIST_DISC_PSL;
}

/* history - format the record of this message into o->history */
static int
history(const struct verdict *v, const struct mf_conn *c, struct eval_out *o)
{
    static const struct hist_override sampled = { HIST_OVR_SAMPLED_OUT,
                                                  { NULL, 0 } };
    const struct discovery_result *d = &v->best;
    struct str rua[HIST_MAX_RUA];
    struct hist_rec r;

    hist_rec_init(&r);
    r.job = str_cstr(c->msg.jobid != NULL ? c->msg.jobid : "(unknown-jobid)");
    r.reporter =
        str_cstr(c->mta_name != NULL ? c->mta_name : c->snap->hostname);
    r.received = (int64_t)time(NULL);
    r.ipaddr = str_cstr(c->addr_text);
    r.from = str_cstr(d->from_domain);
    r.mfrom = msg_sender_domain(&c->msg);
    r.spf = spf_ares(v);
    r.pdomain = str_cstr(d->is_org_tried ? d->org_domain : d->from_domain);
    r.policy = policy_code(v);
    r.arc = HIST_ARES_FAIL;
    r.arc_policy = HIST_ARC_POLICY_FAIL;
    rec_policy(&r, v, rua);
    r.ext_version = HIST_EXT_VERSION;
    r.spf_scope = !v->has_spf      ? HIST_SPF_SCOPE_UNKNOWN
                  : v->is_spf_helo ? HIST_SPF_SCOPE_HELO
                                   : HIST_SPF_SCOPE_MFROM;
    r.spf_domain = str_cstr(v->spf_domain);
    if (v->is_sampled_out) {
        r.overrides = &sampled;
        r.override_count = 1;
    }
    r.action = action_code(o->action);
    return hist_format(&r, &o->history);
}

/* is_recorded - history-format.md 2.1 with RecordAllMessages */
static bool
is_recorded(const struct verdict *v, const struct snap *s)
{
    if (cfg_str(s->cfg, CFG_HISTORYFILE) == NULL)
        return false;
    return cfg_bool(s->cfg, CFG_RECORDALLMESSAGES) ||
           v->best.status == DISCOVERY_FOUND ||
           v->best.status == DISCOVERY_TEMPERROR ||
           v->best.status == DISCOVERY_PERMERROR;
}

int
verdict_output(const struct verdict *v, const struct mf_conn *c,
               struct eval_out *o)
{
    enum verdict_dis dis;

    if (!v->has_best)
        return 0;
    o->summary = result_str(v->result);
    if (decide(v, c, o, &dis) != 0 || headers(v, c, o, dis) != 0)
        return -1;
    o->is_copy_wanted = v->result == VERDICT_FAIL && o->action != EVAL_REJECT;
    if (is_recorded(v, c->snap) && history(v, c, o) != 0)
        return -1;
    log_notice("%s: %s dmarc=%s p=%s dis=%s",
               c->msg.jobid != NULL ? c->msg.jobid : "NOQUEUE",
               v->best.from_domain, result_str(v->result),
               dmarc_rec_policy_str(v->policy), dis_str(dis));
    return 0;
}
