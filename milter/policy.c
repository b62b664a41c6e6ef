/*
 * policy - DMARC alignment, result and disposition for one author domain.
 *
 * The evaluation of RFC 7489 §6.6.2-§6.6.4 as pure functions: alignment
 * of the SPF domain and of every DKIM d= with the From domain, the
 * result, the applicable policy and the pct draw.  The random draw and the
 * organizational domain are inputs, so every outcome is reproducible in a
 * test.  What the milter then does with a disposition (reject, hold,
 * header only) is decided elsewhere.
 *
 * Deliberate choices: only temporary errors of identifiers that would
 * have aligned make the result temperror (an unaligned signature cannot
 * make DMARC pass, so its outcome cannot change the verdict); legacy
 * result words (unknown, error) are not temporary errors, so they never
 * suppress a policy.
 *
 * STANDARDS: RFC 7489 §3.1 (alignment), §6.6.2 (results, temporary
 * errors), §6.6.3 (p, sp), §6.6.4 (pct), Appendix C (sampled_out);
 * history-format.md §4.3, §4.4.
 * Thread safety: pure.
 */
#include "milter/policy.h"

#include <assert.h>
#include <string.h>

#include "common/ascii.h"

/* POLICY_MAX_DOMAIN - a domain name as text (RFC 1035 §2.3.4) */
#define POLICY_MAX_DOMAIN 253

bool
policy_is_aligned(const char *from_domain, const char *auth_domain,
                  enum policy_align mode, policy_orgdom_fn *orgdom,
                  void *orgdom_arg)
{
    char from_org[POLICY_MAX_DOMAIN + 1];
    const char *o;
    size_t len;

    if (from_domain == NULL || auth_domain == NULL || *from_domain == '\0')
        return false;
    if (mode == POLICY_ALIGN_STRICT)
        return ascii_casecmp(from_domain, auth_domain) == 0;
    /* relaxed: copy the first answer, the second call may reuse storage */
    o = orgdom(orgdom_arg, from_domain);
    if (o == NULL)
        return false;
    len = strlen(o);
    if (len > POLICY_MAX_DOMAIN)
        return false;
    memcpy(from_org, o, len + 1);
    o = orgdom(orgdom_arg, auth_domain);
    return o != NULL && ascii_casecmp(from_org, o) == 0;
}

/* dkim_check - find an aligned pass; note aligned temporary errors */
static void
dkim_check(const struct policy_input *in, struct policy_output *out,
           bool *has_temp)
{
    for (size_t i = 0; i < in->n_dkim; i++) {
        const struct policy_dkim *d = &in->dkim[i];
        bool is_temp = d->result == AUTH_RESULT_TEMPERROR;

        if (d->result != AUTH_RESULT_PASS && !is_temp)
            continue;
        /* a temperror without d= might have been aligned */
        if (is_temp && d->domain == NULL) {
            *has_temp = true;
            continue;
        }
        if (!policy_is_aligned(in->from_domain, d->domain, in->rec.adkim,
                               in->orgdom, in->orgdom_arg))
            continue;
        if (is_temp) {
            *has_temp = true;
        } else if (!out->is_dkim_aligned_pass) {
            out->is_dkim_aligned_pass = true;
            out->dkim_index = i;
        }
    }
}

/* spf_check - aligned SPF pass; note an aligned temporary error */
static void
spf_check(const struct policy_input *in, struct policy_output *out,
          bool *has_temp)
{
    bool is_aligned;

    if (in->spf_result != AUTH_RESULT_PASS &&
        in->spf_result != AUTH_RESULT_TEMPERROR)
        return;
    if (in->spf_domain == NULL) {
        /* a temperror before the domain was known might have aligned */
        *has_temp = *has_temp || in->spf_result == AUTH_RESULT_TEMPERROR;
        return;
    }
    is_aligned = policy_is_aligned(in->from_domain, in->spf_domain,
                                   in->rec.aspf, in->orgdom, in->orgdom_arg);
    if (!is_aligned)
        return;
    if (in->spf_result == AUTH_RESULT_PASS)
        out->is_spf_aligned_pass = true;
    else
        *has_temp = true;
}

/* apply_pct - the disposition for a failure under policy p (§6.6.4) */
static void
apply_pct(const struct policy_input *in, struct policy_output *out)
{
    bool is_sampled = in->rec.pct >= 100 || in->draw < in->rec.pct;

    out->disposition = out->policy;
    if (is_sampled || out->policy == POLICY_DISP_NONE)
        return;
    out->disposition = out->policy == POLICY_DISP_REJECT
                           ? POLICY_DISP_QUARANTINE
                           : POLICY_DISP_NONE;
    out->override = POLICY_OVERRIDE_SAMPLED_OUT;
}

void
policy_evaluate(const struct policy_input *in, struct policy_output *out)
{
    bool has_temp = false;

    memset(out, 0, sizeof(*out));
    switch (in->rec.status) {
    case POLICY_REC_NONE:
        out->result = POLICY_RESULT_NONE;
        return;
    case POLICY_REC_TEMPERROR:
        out->result = POLICY_RESULT_TEMPERROR;
        return;
    case POLICY_REC_PERMERROR:
        out->result = POLICY_RESULT_PERMERROR;
        return;
    case POLICY_REC_FOUND:
        break;
    }
    assert(in->orgdom != NULL);
    out->is_evaluated = true;
    out->policy = in->rec.is_org && in->rec.has_sp ? in->rec.sp : in->rec.p;
    dkim_check(in, out, &has_temp);
    spf_check(in, out, &has_temp);
    if (out->is_dkim_aligned_pass || out->is_spf_aligned_pass) {
        out->result = POLICY_RESULT_PASS;
        return;
    }
    if (has_temp) {
        out->result = POLICY_RESULT_TEMPERROR; /* §6.6.2: no policy */
        return;
    }
    out->result = POLICY_RESULT_FAIL;
    apply_pct(in, out);
}

int
policy_hist_policy(const struct policy_output *out)
{
    if (out->result == POLICY_RESULT_PASS)
        return 15;
    if (out->result != POLICY_RESULT_FAIL)
        return 14;
    switch (out->policy) {
    case POLICY_DISP_REJECT:
        return 16;
    case POLICY_DISP_QUARANTINE:
        return 17;
    case POLICY_DISP_NONE:
        break;
    }
    return 18;
}

int
policy_hist_align(const struct policy_output *out, bool is_dkim)
{
    bool is_pass =
        is_dkim ? out->is_dkim_aligned_pass : out->is_spf_aligned_pass;

    if (!out->is_evaluated)
        return 0;
    return is_pass ? 4 : 5;
}

/* result_rank - how strongly a result asks for action */
static int
result_rank(enum policy_result r)
{
    switch (r) {
    case POLICY_RESULT_FAIL:
        return 4;
    case POLICY_RESULT_TEMPERROR:
        return 3;
    case POLICY_RESULT_PERMERROR:
        return 2;
    case POLICY_RESULT_NONE:
        return 1;
    case POLICY_RESULT_PASS:
        break;
    }
    return 0;
}

size_t
policy_strictest(const struct policy_output *outs, size_t n)
{
    size_t best = 0;

    assert(n >= 1);
    for (size_t i = 1; i < n; i++) {
        const struct policy_output *a = &outs[i];
        const struct policy_output *b = &outs[best];

        if (a->disposition > b->disposition ||
            (a->disposition == b->disposition &&
             result_rank(a->result) > result_rank(b->result)))
            best = i;
    }
    return best;
}

const char *
policy_result_name(enum policy_result r)
{
    switch (r) {
    case POLICY_RESULT_NONE:
        return "none";
    case POLICY_RESULT_PASS:
        return "pass";
    case POLICY_RESULT_FAIL:
        return "fail";
    case POLICY_RESULT_TEMPERROR:
        return "temperror";
    case POLICY_RESULT_PERMERROR:
        return "permerror";
    }
    return "?";
}

const char *
policy_disp_name(enum policy_disp d)
{
    switch (d) {
    case POLICY_DISP_NONE:
        return "none";
    case POLICY_DISP_QUARANTINE:
        return "quarantine";
    case POLICY_DISP_REJECT:
        return "reject";
    }
    return "?";
}

bool
policy_override_local(struct policy_output *out, enum policy_override why)
{
    assert(why != POLICY_OVERRIDE_NONE);
    if (out->result != POLICY_RESULT_FAIL ||
        out->disposition == POLICY_DISP_NONE)
        return false;
    out->disposition = POLICY_DISP_NONE;
    out->override_local = why;
    return true;
}

size_t
policy_overrides(const struct policy_output *out,
                 enum policy_override list[POLICY_MAX_OVERRIDES])
{
    size_t n = 0;

    if (out->override != POLICY_OVERRIDE_NONE)
        list[n++] = out->override;
    if (out->override_local != POLICY_OVERRIDE_NONE)
        list[n++] = out->override_local;
    return n;
}

const char *
policy_override_name(enum policy_override o)
{
    switch (o) {
    case POLICY_OVERRIDE_NONE:
        return "";
    case POLICY_OVERRIDE_SAMPLED_OUT:
        return "sampled_out";
    case POLICY_OVERRIDE_TRUSTED_FORWARDER:
        return "trusted_forwarder";
    }
    return "";
}
