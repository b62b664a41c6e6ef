/*
 * failrep - verdict to failure report event.
 *
 * Maps the milter's types to the reporter's (auth results, the DMARC
 * result, the action as Delivery-Result) and computes alignment of the
 * SPF domain and each DKIM d= with policy_is_aligned() under the
 * record's aspf/adkim, so the reporter needs no PSL code of its own.
 * It decides nothing about reporting: afrf_submit() does.  The body goes
 * along when the milter kept it (FailureReportsBody, within
 * FailureReportsBodyMaxSize: see callbacks.c and msg.h).
 *
 * STANDARDS: RFC 7489 sections 3.1 (alignment), 7.3; RFC 6591 section
 * 3.1 (Delivery-Result values).
 *
 * Thread safety: thread-safe.
 */
#include "milter/failrep.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/orgdomain.h"
#include "common/xalloc.h"
#include "milter/conn.h"
#include "milter/snap.h"
#include "milter/verdict.h"
#include "reporter/afrf.h"

/* auth - the reporter's word for an authentication result */
static enum afrf_auth
auth(enum auth_result r)
{
    switch (r) {
    case AUTH_RESULT_PASS:
        return AFRF_AUTH_PASS;
    case AUTH_RESULT_FAIL:
    case AUTH_RESULT_HARDFAIL:
        return AFRF_AUTH_FAIL;
    case AUTH_RESULT_SOFTFAIL:
        return AFRF_AUTH_SOFTFAIL;
    case AUTH_RESULT_NEUTRAL:
        return AFRF_AUTH_NEUTRAL;
    case AUTH_RESULT_TEMPERROR:
        return AFRF_AUTH_TEMPERROR;
    case AUTH_RESULT_PERMERROR:
        return AFRF_AUTH_PERMERROR;
    case AUTH_RESULT_POLICY:
        return AFRF_AUTH_POLICY;
    case AUTH_RESULT_OTHER:
    case AUTH_RESULT_NONE:
    case AUTH_RESULT_NXDOMAIN:
    case AUTH_RESULT_SIGNED:
    case AUTH_RESULT_UNKNOWN:
    case AUTH_RESULT_DISCARD:
        break;
    }
    return AFRF_AUTH_NONE;
}

/* dmarc - the reporter's DMARC result */
static enum afrf_dmarc
dmarc(enum policy_result r)
{
    switch (r) {
    case POLICY_RESULT_PASS:
        return AFRF_DMARC_PASS;
    case POLICY_RESULT_FAIL:
        return AFRF_DMARC_FAIL;
    case POLICY_RESULT_TEMPERROR:
        return AFRF_DMARC_TEMPERROR;
    case POLICY_RESULT_PERMERROR:
        return AFRF_DMARC_PERMERROR;
    case POLICY_RESULT_NONE:
        break;
    }
    return AFRF_DMARC_NONE;
}

/* delivery - the Delivery-Result of action a (RFC 6591 section 3.1) */
static enum afrf_delivery
delivery(enum eval_action a)
{
    switch (a) {
    case EVAL_ACCEPT:
        return AFRF_DELIVERY_DELIVERED;
    case EVAL_QUARANTINE:
        return AFRF_DELIVERY_SPAM;
    case EVAL_REJECT:
        return AFRF_DELIVERY_REJECT;
    case EVAL_TEMPFAIL:
        break;
    }
    return AFRF_DELIVERY_OTHER;
}

/* orgdom - policy_orgdom_fn over common/orgdomain */
static const char *
orgdom(void *arg, const char *domain)
{
    const char *org = NULL;

    return orgdomain_lookup(arg, domain, &org) == ORGDOMAIN_OK ? org : NULL;
}

/* is_aligned - domain aligns with the From domain under mode */
static bool
is_aligned(const struct verdict *v, const struct mf_conn *c, const char *domain,
           enum dmarc_rec_align mode)
{
    return domain != NULL && domain[0] != '\0' &&
           policy_is_aligned(v->best.from_domain, domain,
                             mode == DMARC_REC_ALIGN_STRICT
                                 ? POLICY_ALIGN_STRICT
                                 : POLICY_ALIGN_RELAXED,
                             orgdom, c->snap->psl);
}

void
failrep_submit(const struct verdict *v, const struct mf_conn *c,
               enum eval_action a)
{
    struct afrf_dkim dkim[AFRF_MAX_DKIM];
    struct afrf_hdr *hdrs;
    struct afrf_event ev;
    const struct dmarc_rec *rec = &v->best.rec;

    if (c->snap->afrf == NULL || !v->has_best || !v->best.has_rec ||
        v->best.status != DISCOVERY_FOUND)
        return;
    memset(&ev, 0, sizeof(ev));
    ev.jobid = c->msg.jobid;
    ev.arrival = (int64_t)time(NULL);
    /* no inet address from the MTA: no Source-IP (conn.c evaluates such
     * a client as 127.0.0.1, which is not where the message came from) */
    ev.client_ip = c->has_addr ? c->addr_text : NULL;
    ev.mail_from = c->msg.sender;
    ev.rcpt_to = c->msg.rcpt;
    ev.from_domain = v->best.from_domain;
    ev.policy_domain = v->best.policy_domain;
    ev.rec = rec;
    ev.is_policy_none = v->out.policy == POLICY_DISP_NONE;
    ev.dmarc = dmarc(v->out.result);
    ev.spf = v->has_spf ? auth(v->spf) : AFRF_AUTH_NONE;
    ev.spf_domain = v->spf_domain[0] != '\0' ? v->spf_domain : NULL;
    ev.is_spf_aligned = is_aligned(v, c, ev.spf_domain, rec->aspf);
    for (size_t i = 0; i < v->up.n_dkim && i < AFRF_MAX_DKIM; i++) {
        dkim[i].domain = v->up.dkim[i].domain;
        dkim[i].selector =
            v->up.dkim[i].selector[0] != '\0' ? v->up.dkim[i].selector : NULL;
        dkim[i].identity = NULL;
        dkim[i].result = auth(v->up.dkim[i].result);
        dkim[i].is_aligned = is_aligned(v, c, dkim[i].domain, rec->adkim);
        ev.n_dkim = i + 1;
    }
    ev.dkim = dkim;
    ev.delivery = delivery(a);
    ev.authserv_id = verdict_authserv(c);
    hdrs = xcalloc(c->msg.n_hdrs + 1, sizeof(*hdrs));
    for (size_t i = 0; i < c->msg.n_hdrs; i++) {
        hdrs[i].name = c->msg.hdrs[i].name;
        hdrs[i].value = c->msg.hdrs[i].value;
    }
    ev.hdrs = hdrs;
    ev.n_hdrs = c->msg.n_hdrs;
    /* the body, when kept (snap->body_max); an empty one is "" so that
     * the report still carries the whole message */
    if (c->snap->body_max > 0 && !c->msg.is_body_over) {
        ev.body = c->msg.body != NULL ? c->msg.body : "";
        ev.body_len = c->msg.body_len;
    }
    ev.is_body_over = c->msg.is_body_over;
    (void)afrf_submit(c->snap->afrf, &ev); /* logged there */
    free(hdrs);
}
