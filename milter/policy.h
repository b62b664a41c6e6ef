/*
 * policy - DMARC identifier alignment, result and disposition.
 *
 * Pure evaluation for one author domain: given the discovered record, the
 * SPF result with the domain SPF authenticated and every DKIM result, it
 * decides alignment (RFC 7489 §3.1), the DMARC result (§6.6.2), the policy
 * that applies (p or sp, §6.6.3) and the disposition after the pct draw
 * (§6.6.4, with the sampled_out override).  It never maps a disposition to
 * a milter action (RejectFailures, HoldQuarantinedMessages: the daemon's
 * job), never looks up DNS, and takes the organizational domain through a
 * callback so that it does not depend on the PSL code.
 *
 * Thread safety: pure and thread-safe when the orgdom callback is.
 */
#ifndef DMARC_MILTER_POLICY_H
#define DMARC_MILTER_POLICY_H

#include <stdbool.h>
#include <stddef.h>

#include "milter/auth_result.h"

/* a requested policy or a disposition, in increasing severity */
enum policy_disp {
    POLICY_DISP_NONE = 0,   /* none / deliver normally */
    POLICY_DISP_QUARANTINE, /* quarantine */
    POLICY_DISP_REJECT      /* reject */
};

/* an alignment mode (adkim, aspf) */
enum policy_align {
    POLICY_ALIGN_RELAXED = 0, /* r: same organizational domain */
    POLICY_ALIGN_STRICT       /* s: identical names (case-insensitive) */
};

/* what policy discovery found */
enum policy_rec_status {
    POLICY_REC_NONE = 0,  /* no record: DMARC does not apply */
    POLICY_REC_FOUND,     /* one usable record (the fields below) */
    POLICY_REC_TEMPERROR, /* a DNS temporary failure: never apply policy */
    POLICY_REC_PERMERROR  /* a record that cannot be used */
};

/* the DMARC result (RFC 7489 §11.2) */
enum policy_result {
    POLICY_RESULT_NONE = 0,  /* no policy record (or no usable From) */
    POLICY_RESULT_PASS,      /* an aligned identifier passed */
    POLICY_RESULT_FAIL,      /* nothing aligned passed */
    POLICY_RESULT_TEMPERROR, /* discovery or authentication temp error */
    POLICY_RESULT_PERMERROR  /* unusable record */
};

/* why the disposition differs from the policy (RFC 7489 Appendix C) */
enum policy_override {
    POLICY_OVERRIDE_NONE = 0,         /* none */
    POLICY_OVERRIDE_SAMPLED_OUT,      /* not selected by the pct draw */
    POLICY_OVERRIDE_TRUSTED_FORWARDER /* a trusted arc=pass through
                                         whitelisted sealers (arc_policy) */
};

/* POLICY_MAX_OVERRIDES - reasons one verdict can carry: the pct draw and
 * one local exception */
#define POLICY_MAX_OVERRIDES 2

/* policy_orgdom_fn - the organizational domain of a lower-case A-label
 * name, or NULL when it has none (it is a public suffix).  The result
 * must stay valid until the next call (a pointer into domain, as
 * psl_registrable_domain() returns, is fine). */
typedef const char *policy_orgdom_fn(void *arg, const char *domain);

/* the discovered record, as far as evaluation needs it */
struct policy_record {
    enum policy_rec_status status; /* found, none, temperror, permerror */
    bool is_org;             /* found at the organizational domain, the From
                                domain being a subdomain (sp applies) */
    enum policy_disp p;      /* p */
    enum policy_disp sp;     /* sp, meaningful when has_sp */
    bool has_sp;             /* the record had a valid sp */
    enum policy_align adkim; /* adkim (default relaxed) */
    enum policy_align aspf;  /* aspf (default relaxed) */
    unsigned pct;            /* pct, 0..100 (default 100) */
};

/* one DKIM result */
struct policy_dkim {
    const char *domain;      /* d= (lower-case A-label), or NULL */
    const char *selector;    /* s=, or NULL (not used for evaluation) */
    enum auth_result result; /* the verification result */
};

/* everything one evaluation needs; all pointers borrowed */
struct policy_input {
    const char *from_domain;     /* RFC5322.From domain (lower-case A-label) */
    struct policy_record rec;    /* discovery's answer for from_domain */
    enum auth_result spf_result; /* SPF result (AUTH_RESULT_NONE when not
                                    evaluated) */
    const char *spf_domain;      /* the domain SPF checked: MAIL FROM domain,
                                    or HELO for a null sender; NULL if none */
    const struct policy_dkim *dkim; /* DKIM results, n_dkim of them */
    size_t n_dkim;                  /* entries in dkim */
    policy_orgdom_fn *orgdom;       /* organizational domain lookup */
    void *orgdom_arg;               /* passed to orgdom */
    unsigned draw;                  /* uniform random 0..99: the policy is
                                       applied when draw < pct */
};

/* the verdict */
struct policy_output {
    enum policy_result result;    /* DMARC result */
    bool is_evaluated;            /* a record was found and alignment checked */
    bool is_dkim_aligned_pass;    /* some DKIM pass is aligned */
    bool is_spf_aligned_pass;     /* SPF passed and is aligned */
    size_t dkim_index;            /* first aligned passing signature (valid
                                     when is_dkim_aligned_pass) */
    enum policy_disp policy;      /* the policy that applies (p or sp);
                                     NONE without a record */
    enum policy_disp disposition; /* what should be done, after pct */
    enum policy_override override;       /* the pct draw's reason (SAMPLED_OUT)
                                            or NONE */
    enum policy_override override_local; /* a local exception applied
                                            after pct
                                            (policy_override_local), or
                                            NONE */
};

/* policy_evaluate - evaluate one author domain.  in is borrowed; *out is
 * filled.  Rules: pass when an aligned DKIM or SPF pass exists; otherwise
 * temperror when an identifier that would have aligned failed with a
 * temporary error (§6.6.2), and then no policy is applied; a discovery
 * temperror is temperror, never a policy; fail otherwise, with the
 * applicable policy sampled by pct (reject -> quarantine, quarantine ->
 * none, override sampled_out).  Thread-safe if orgdom is. */
void policy_evaluate(const struct policy_input *in, struct policy_output *out);

/* policy_override_local - a local exception (RFC 7489 §6.7): when out is
 * a DMARC failure whose disposition is still quarantine or reject, set the
 * disposition to none and record why in override_local; the result and
 * the policy are unchanged (the A-R still says dmarc=fail).  Returns true
 * when the disposition changed, false otherwise (out untouched).  why must
 * not be POLICY_OVERRIDE_NONE.  Thread-safe. */
bool policy_override_local(struct policy_output *out, enum policy_override why);

/* policy_overrides - the reasons of out in the order they were applied
 * (pct first, then the local exception) into list[0..
 * POLICY_MAX_OVERRIDES); returns how many. */
size_t policy_overrides(const struct policy_output *out,
                        enum policy_override list[POLICY_MAX_OVERRIDES]);

/* policy_override_name - the Appendix C PolicyOverrideType word:
 * "sampled_out", "trusted_forwarder"; "" for NONE.  Static. */
const char *policy_override_name(enum policy_override o);

/* policy_is_aligned - RFC 7489 §3.1: strict is an exact case-insensitive
 * comparison, never falling back to organizational domains; relaxed
 * requires both names to have an organizational domain, and the two to be
 * equal (a public suffix never aligns relaxed).  False for NULL names. */
bool policy_is_aligned(const char *from_domain, const char *auth_domain,
                       enum policy_align mode, policy_orgdom_fn *orgdom,
                       void *orgdom_arg);

/* policy_hist_policy - the history "policy" code (history-format.md
 * §4.4): 15 pass; 16 reject, 17 quarantine, 18 none for a failure by the
 * applicable policy (before pct); 14 otherwise (no record, temperror,
 * permerror: no policy was applied). */
int policy_hist_policy(const struct policy_output *out);

/* policy_hist_align - the history align_dkim / align_spf code (§4.3):
 * 0 when not evaluated, 4 for an aligned pass, 5 otherwise. */
int policy_hist_align(const struct policy_output *out, bool is_dkim);

/* policy_strictest - for a From field with several domains (RFC 7489
 * §6.6.1), the index of the verdict to act on: the most severe
 * disposition, then fail over temperror over permerror over none over
 * pass, then the first.  n must be at least 1. */
size_t policy_strictest(const struct policy_output *outs, size_t n);

/* policy_result_name - "none", "pass", "fail", "temperror",
 * "permerror" (the A-R dmarc= words).  Static. */
const char *policy_result_name(enum policy_result r);

/* policy_disp_name - "none", "quarantine", "reject".  Static. */
const char *policy_disp_name(enum policy_disp d);

#endif
