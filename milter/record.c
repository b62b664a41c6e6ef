/*
 * record - the history record of one message.
 *
 * Fills struct hist_rec (history/hist_fmt.h) from the verdict: the
 * OpenDMARC 1.4 keys with their codes (history-format.md sections 3, 4),
 * the DKIM lines of every trusted upstream result, and the extension
 * block (spf_scope, spf_domain, fo, discovery, override) unless
 * HistoryExtensions is false.  hist_format() writes the text.
 *
 * STANDARDS: RFC 7489 section 7.2 and Appendix C (what an aggregate
 * report needs: policy published, evaluated results, disposition and
 * override reason).
 *
 * Ownership and threads: thread-safe; every text field of the record is
 * borrowed from the verdict or the connection for the duration of the
 * call.
 */
#include "milter/record.h"

#include <string.h>
#include <time.h>

#include "common/cfg.h"
#include "history/hist_write.h"
#include "milter/conn.h"
#include "milter/snap.h"
#include "milter/verdict.h"

bool
record_is_wanted(const struct verdict *v, const struct snap *s)
{
    if (s->hist == NULL)
        return false;
    return cfg_bool(s->cfg, CFG_RECORDALLMESSAGES) ||
           v->best.status == DISCOVERY_FOUND ||
           v->best.status == DISCOVERY_TEMPERROR ||
           v->best.status == DISCOVERY_PERMERROR;
}

/* action_code - what the milter did (history-format.md 4.5) */
static int
action_code(enum eval_action a)
{
    switch (a) {
    case EVAL_REJECT:
        return HIST_ACTION_REJECT;
    case EVAL_TEMPFAIL:
        return HIST_ACTION_TEMPFAIL;
    case EVAL_QUARANTINE:
        return HIST_ACTION_QUARANTINE;
    case EVAL_ACCEPT:
        break;
    }
    return HIST_ACTION_ACCEPT;
}

/* rfc9989 - fo, np, psd and t of the extension block ("-" when the tag
 * was not published) */
static void
rfc9989(struct hist_rec *r, const struct dmarc_rec *d)
{
    /* DMARC_REC_FO_* are the HIST_FO_* bits */
    r->fo = (d->tags_seen & DMARC_REC_T_FO) != 0 ? (int)d->fo : 0;
    r->np = d->np == DMARC_REC_POLICY_REJECT       ? HIST_WREQ_REJECT
            : d->np == DMARC_REC_POLICY_QUARANTINE ? HIST_WREQ_QUARANTINE
            : d->np == DMARC_REC_POLICY_NONE       ? HIST_WREQ_NONE
                                                   : HIST_WREQ_ABSENT;
    if ((d->tags_seen & DMARC_REC_T_PSD) != 0)
        r->psd = d->psd == DMARC_REC_PSD_YES  ? HIST_PSD_Y
                 : d->psd == DMARC_REC_PSD_NO ? HIST_PSD_N
                                              : HIST_PSD_U;
    if ((d->tags_seen & DMARC_REC_T_T) != 0)
        r->t = d->is_testing ? HIST_T_Y : HIST_T_N;
}

/* rec_fields - the fields taken from the policy record */
static void
rec_fields(struct hist_rec *r, const struct verdict *v, struct str *rua)
{
    const struct dmarc_rec *d = &v->best.rec;

    /* no record: 0, as OpenDMARC writes (history-format.md section 6) */
    r->pct = 0;
    r->adkim = 0;
    r->aspf = 0;
    r->p = 0;
    r->sp = 0;
    if (!v->best.has_rec || v->best.status != DISCOVERY_FOUND)
        return;
    for (size_t i = 0; i < d->rua_count && i < HIST_MAX_RUA; i++)
        rua[i] = d->rua[i].raw;
    r->rua = rua;
    r->rua_count = d->rua_count < HIST_MAX_RUA ? d->rua_count : HIST_MAX_RUA;
    r->pct = (int)d->pct;
    r->adkim = (int)d->adkim;
    r->aspf = (int)d->aspf;
    r->p = (int)d->p;
    r->sp = d->has_sp ? (int)d->sp : 0;
    rfc9989(r, d);
    r->discovery = HIST_DISC_PSL;
}

/* dkim_lines - one dkim line per trusted upstream DKIM result */
static void
dkim_lines(struct hist_rec *r, const struct verdict *v, struct hist_dkim *dk)
{
    for (size_t i = 0; i < v->up.n_dkim; i++) {
        dk[i].domain = str_cstr(v->up.dkim[i].domain);
        dk[i].selector = str_cstr(v->up.dkim[i].selector);
        dk[i].result = auth_result_ares(v->up.dkim[i].result);
    }
    r->dkim = dk;
    r->dkim_count = v->up.n_dkim;
}

/* hist_type - the history override type of a policy.c reason */
static enum hist_override_type
hist_type(enum policy_override o)
{
    return o == POLICY_OVERRIDE_TRUSTED_FORWARDER ? HIST_OVR_TRUSTED_FORWARDER
                                                  : HIST_OVR_SAMPLED_OUT;
}

/* extensions - the extension block, unless HistoryExtensions is false;
 * ovr has room for POLICY_MAX_OVERRIDES reasons */
static void
extensions(struct hist_rec *r, const struct verdict *v, const struct snap *s,
           struct hist_override *ovr)
{
    enum policy_override list[POLICY_MAX_OVERRIDES];
    size_t n;

    if (!cfg_bool(s->cfg, CFG_HISTORYEXTENSIONS)) {
        r->ext_version = 0;
        return;
    }
    r->ext_version = HIST_EXT_VERSION;
    r->spf_scope = !v->has_spf      ? HIST_SPF_SCOPE_UNKNOWN
                   : v->is_spf_helo ? HIST_SPF_SCOPE_HELO
                                    : HIST_SPF_SCOPE_MFROM;
    r->spf_domain = str_cstr(v->spf_domain);
    n = policy_overrides(&v->out, list);
    for (size_t i = 0; i < n; i++) {
        ovr[i].type = hist_type(list[i]);
        /* the trusted_forwarder comment names the sealers (RFC 8617
         * section 7.2) */
        ovr[i].comment =
            list[i] == POLICY_OVERRIDE_TRUSTED_FORWARDER && v->arc != NULL
                ? str_cstr(v->arc->out.comment)
                : str_make(NULL, 0);
    }
    r->overrides = n > 0 ? ovr : NULL;
    r->override_count = n;
}

/* arc_fields - arc and arc_policy (history-format.md section 4.6) */
static void
arc_fields(struct hist_rec *r, const struct verdict *v)
{
    r->arc = HIST_ARES_FAIL;
    r->arc_policy = HIST_ARC_POLICY_FAIL;
    if (v->arc == NULL)
        return;
    r->arc = v->arc->out.arc;
    r->arc_policy = v->arc->out.arc_policy;
    r->seals = v->arc->out.n_seals > 0 ? v->arc->out.seals : NULL;
    r->seal_count = v->arc->out.n_seals;
}

int
record_format(const struct verdict *v, const struct mf_conn *c,
              enum eval_action a, struct buf *out)
{
    const struct discovery_result *d = &v->best;
    struct hist_dkim dk[UPSTREAM_MAX_DKIM];
    struct str rua[HIST_MAX_RUA];
    struct hist_override ovr[POLICY_MAX_OVERRIDES];
    struct hist_rec r;

    hist_rec_init(&r);
    r.job = str_cstr(c->msg.jobid != NULL ? c->msg.jobid : "(unknown-jobid)");
    r.reporter =
        str_cstr(c->mta_name != NULL ? c->mta_name : c->snap->hostname);
    r.received = (int64_t)time(NULL);
    r.ipaddr = str_cstr(c->has_addr ? c->addr_text : "127.0.0.1");
    r.from = str_cstr(d->from_domain);
    r.mfrom = msg_sender_domain(&c->msg);
    dkim_lines(&r, v, dk);
    r.spf = v->has_spf ? auth_result_ares(v->spf) : HIST_ARES_UNDEFINED;
    r.pdomain = str_cstr(d->is_org_tried ? d->org_domain : d->from_domain);
    r.policy = policy_hist_policy(&v->out);
    r.align_dkim = policy_hist_align(&v->out, true);
    r.align_spf = policy_hist_align(&v->out, false);
    arc_fields(&r, v);
    rec_fields(&r, v, rua);
    extensions(&r, v, c->snap, ovr);
    r.action = action_code(a);
    return hist_format(&r, out);
}
