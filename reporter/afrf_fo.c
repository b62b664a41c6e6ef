/*
 * afrf_fo - the fo decision: report or silence.
 *
 * Implements the table of RFC 7489 section 6.3 (standards.md 1.2.1 and
 * 2.4) and nothing else: whether reports are enabled, whether the policy
 * is none, and whether the message is itself a report are decided by
 * the caller.
 *
 * STANDARDS: RFC 7489 section 6.3 (fo), 7.3; RFC 6591 section 3.1
 * (Auth-Failure); RFC 6651, RFC 6652 (DKIM and SPF failure reports);
 * RFC 8601 section 2.7 (result words).
 *
 * Thread safety: pure.
 */
#include "reporter/afrf_fo.h"

#include "common/dmarc_rec.h"
#include "common/log.h"

/* dkim_failed - a signature failed verification (fail, permerror) */
static bool
dkim_failed(const struct afrf_fo_in *in)
{
    for (size_t i = 0; i < in->n_dkim; i++) {
        if (in->dkim[i] == AFRF_AUTH_FAIL || in->dkim[i] == AFRF_AUTH_PERMERROR)
            return true;
    }
    return false;
}

/* dkim_temperror - some signature could not be checked for now */
static bool
dkim_temperror(const struct afrf_fo_in *in)
{
    for (size_t i = 0; i < in->n_dkim; i++) {
        if (in->dkim[i] == AFRF_AUTH_TEMPERROR)
            return true;
    }
    return false;
}

/* spf_failed - SPF said the host is not (or probably not) authorized,
 * or the record is broken */
static bool
spf_failed(enum afrf_auth a)
{
    return a == AFRF_AUTH_FAIL || a == AFRF_AUTH_SOFTFAIL ||
           a == AFRF_AUTH_PERMERROR;
}

/* any_not_aligned_pass - the fo=1 condition: a mechanism produced
 * something other than an aligned pass; a temporary error is not a
 * result to report (standards.md 2.4) */
static bool
any_not_aligned_pass(const struct afrf_fo_in *in)
{
    bool spf_bad = !in->is_spf_aligned_pass && in->spf != AFRF_AUTH_TEMPERROR;
    bool dkim_bad = !in->is_dkim_aligned_pass && !dkim_temperror(in);

    return spf_bad || dkim_bad;
}

enum afrf_kind
afrf_fo_decide(const struct afrf_fo_in *in, const char **why)
{
    unsigned fo = in->fo != 0 ? in->fo : DMARC_REC_FO_0;

    if (in->dmarc != AFRF_DMARC_PASS && in->dmarc != AFRF_DMARC_FAIL) {
        *why = "no DMARC pass or fail";
        return AFRF_KIND_NONE;
    }
    if ((fo & DMARC_REC_FO_0) && in->dmarc == AFRF_DMARC_FAIL) {
        *why = "fo=0: DMARC failed";
        return AFRF_KIND_DMARC;
    }
    if ((fo & DMARC_REC_FO_1) && any_not_aligned_pass(in)) {
        *why = "fo=1: a mechanism gave no aligned pass";
        return AFRF_KIND_DMARC;
    }
    if ((fo & DMARC_REC_FO_D) && dkim_failed(in)) {
        *why = "fo=d: a signature failed";
        return AFRF_KIND_DKIM;
    }
    if ((fo & DMARC_REC_FO_S) && spf_failed(in->spf)) {
        *why = "fo=s: SPF failed";
        return AFRF_KIND_SPF;
    }
    *why = "fo does not ask for this failure";
    return AFRF_KIND_NONE;
}

const char *
afrf_kind_name(enum afrf_kind k)
{
    switch (k) {
    case AFRF_KIND_NONE:
        return "none";
    case AFRF_KIND_DMARC:
        return "dmarc";
    case AFRF_KIND_DKIM:
        return "signature";
    case AFRF_KIND_SPF:
        return "spf";
    }
    log_panic("afrf_fo: kind %d", (int)k);
}

const char *
afrf_auth_name(enum afrf_auth a)
{
    static const char *const names[] = { "none",      "pass",    "fail",
                                         "softfail",  "neutral", "temperror",
                                         "permerror", "policy" };

    if ((size_t)a >= sizeof(names) / sizeof(names[0]))
        log_panic("afrf_fo: auth %d", (int)a);
    return names[a];
}
