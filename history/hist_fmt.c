/*
 * hist_fmt - the history field table and code tables.
 *
 * Holds the key names in writing order and the set of values each numeric
 * key may take, for the writer and the reader alike.  It does not read or
 * write anything.
 *
 * STANDARDS: the OpenDMARC 1.4.2 history format (dmarc-history(5));
 * RFC 7489 Appendix C (PolicyOverrideType); RFC 9989 (np, psd, t).
 *
 * Thread safety: constant tables and pure functions.
 */
#include "history/hist_fmt.h"

#include <string.h>

/* a key name and its length */
struct field_name {
    const char *name; /* as written */
    size_t len;       /* strlen(name) */
};

/* FN - a table row for a literal name */
#define FN(s)              \
    {                      \
        (s), sizeof(s) - 1 \
    }

/* key names, indexed by enum hist_field */
static const struct field_name field_names[HIST_F_COUNT] = {
    [HIST_F_JOB] = FN("job"),
    [HIST_F_REPORTER] = FN("reporter"),
    [HIST_F_RECEIVED] = FN("received"),
    [HIST_F_IPADDR] = FN("ipaddr"),
    [HIST_F_FROM] = FN("from"),
    [HIST_F_MFROM] = FN("mfrom"),
    [HIST_F_DKIM] = FN("dkim"),
    [HIST_F_SPF] = FN("spf"),
    [HIST_F_PDOMAIN] = FN("pdomain"),
    [HIST_F_POLICY] = FN("policy"),
    [HIST_F_RUA] = FN("rua"),
    [HIST_F_PCT] = FN("pct"),
    [HIST_F_ADKIM] = FN("adkim"),
    [HIST_F_ASPF] = FN("aspf"),
    [HIST_F_P] = FN("p"),
    [HIST_F_SP] = FN("sp"),
    [HIST_F_ALIGN_DKIM] = FN("align_dkim"),
    [HIST_F_ALIGN_SPF] = FN("align_spf"),
    [HIST_F_ARC] = FN("arc"),
    [HIST_F_ARC_POLICY] = FN("arc_policy"),
    [HIST_F_HIST_VERSION] = FN("hist_version"),
    [HIST_F_SPF_SCOPE] = FN("spf_scope"),
    [HIST_F_SPF_DOMAIN] = FN("spf_domain"),
    [HIST_F_FO] = FN("fo"),
    [HIST_F_NP] = FN("np"),
    [HIST_F_PSD] = FN("psd"),
    [HIST_F_T] = FN("t"),
    [HIST_F_DISCOVERY] = FN("discovery"),
    [HIST_F_OVERRIDE] = FN("override"),
    [HIST_F_ACTION] = FN("action"),
};

/* ARES names, indexed by code + 1 */
static const char *const ares_names[] = {
    "undefined", "pass",      "unused",  "softfail", "neutral",
    "temperror", "permerror", "none",    "fail",     "policy",
    "nxdomain",  "signed",    "unknown", "discard",
};

/* override type names, indexed by enum hist_override_type */
static const char *const override_names[HIST_OVR_COUNT] = {
    [HIST_OVR_FORWARDED] = "forwarded",
    [HIST_OVR_SAMPLED_OUT] = "sampled_out",
    [HIST_OVR_TRUSTED_FORWARDER] = "trusted_forwarder",
    [HIST_OVR_MAILING_LIST] = "mailing_list",
    [HIST_OVR_LOCAL_POLICY] = "local_policy",
    [HIST_OVR_OTHER] = "other",
    [HIST_OVR_POLICY_TEST_MODE] = "policy_test_mode",
};

void
hist_rec_init(struct hist_rec *r)
{
    memset(r, 0, sizeof(*r));
    r->received = HIST_UNKNOWN;
    r->spf = HIST_ARES_UNDEFINED;
    r->policy = HIST_UNKNOWN;
    r->pct = HIST_UNKNOWN;
    r->adkim = HIST_UNKNOWN;
    r->aspf = HIST_UNKNOWN;
    r->p = HIST_UNKNOWN;
    r->sp = HIST_UNKNOWN;
    r->align_dkim = HIST_UNKNOWN;
    r->align_spf = HIST_UNKNOWN;
    r->arc = HIST_ARES_UNDEFINED;
    r->arc_policy = HIST_UNKNOWN;
    r->spf_scope = HIST_SPF_SCOPE_UNKNOWN;
    r->action = HIST_UNKNOWN;
}

const char *
hist_field_name(enum hist_field f)
{
    if ((int)f < 0 || f >= HIST_F_COUNT)
        return "?";
    return field_names[f].name;
}

int
hist_field_lookup(struct str name, enum hist_field *out)
{
    for (size_t i = 0; i < HIST_F_COUNT; i++) {
        const struct field_name *k = &field_names[i];

        /* length and first byte first: this runs for every line */
        if (k->len == name.len && name.len > 0 && k->name[0] == name.p[0] &&
            memcmp(k->name, name.p, name.len) == 0) {
            *out = (enum hist_field)i;
            return 0;
        }
    }
    return -1;
}

const char *
hist_ares_name(int code)
{
    if (code < -1 || code > HIST_ARES_DISCARD)
        return ares_names[0];
    return ares_names[code + 1];
}

const char *
hist_override_name(enum hist_override_type t)
{
    if ((int)t < 0 || t >= HIST_OVR_COUNT)
        return NULL;
    return override_names[t];
}

int
hist_override_lookup(struct str name, enum hist_override_type *out)
{
    for (size_t i = 0; i < HIST_OVR_COUNT; i++) {
        if (str_eq(name, str_cstr(override_names[i]))) {
            *out = (enum hist_override_type)i;
            return 0;
        }
    }
    return -1;
}

/* is_req - a p/sp code */
static bool
is_req(int64_t v)
{
    return v == HIST_REQ_ABSENT || v == HIST_REQ_NONE ||
           v == HIST_REQ_QUARANTINE || v == HIST_REQ_REJECT;
}

/* is_mode - an adkim/aspf code */
static bool
is_mode(int64_t v)
{
    return v == HIST_MODE_ABSENT || v == HIST_MODE_RELAXED ||
           v == HIST_MODE_STRICT;
}

bool
hist_code_valid(enum hist_field f, int64_t v)
{
    switch (f) {
    case HIST_F_DKIM:
    case HIST_F_SPF:
    case HIST_F_ARC:
        return v >= HIST_ARES_UNDEFINED && v <= HIST_ARES_DISCARD;
    case HIST_F_POLICY:
        return v >= HIST_POLICY_ABSENT && v <= HIST_POLICY_NONE;
    case HIST_F_PCT:
        return v >= 0 && v <= 100;
    case HIST_F_ADKIM:
    case HIST_F_ASPF:
        return is_mode(v);
    case HIST_F_P:
    case HIST_F_SP:
        return is_req(v);
    case HIST_F_ALIGN_DKIM:
    case HIST_F_ALIGN_SPF:
        return v == HIST_ALIGN_NOT_EVALUATED || v == HIST_ALIGN_PASS ||
               v == HIST_ALIGN_FAIL;
    case HIST_F_ARC_POLICY:
        return v >= HIST_ARC_POLICY_PASS && v <= HIST_ARC_POLICY_FAIL;
    case HIST_F_SPF_SCOPE:
        return v == HIST_SPF_SCOPE_UNKNOWN || v == HIST_SPF_SCOPE_MFROM ||
               v == HIST_SPF_SCOPE_HELO;
    case HIST_F_FO:
        return v >= 0 && v <= 15;
    case HIST_F_ACTION:
        return v >= HIST_ACTION_REJECT && v <= HIST_ACTION_QUARANTINE;
    case HIST_F_HIST_VERSION:
        return v >= 1 && v <= 1000000;
    case HIST_F_JOB:
    case HIST_F_REPORTER:
    case HIST_F_RECEIVED:
    case HIST_F_IPADDR:
    case HIST_F_FROM:
    case HIST_F_MFROM:
    case HIST_F_PDOMAIN:
    case HIST_F_RUA:
    case HIST_F_SPF_DOMAIN:
    case HIST_F_NP:
    case HIST_F_PSD:
    case HIST_F_T:
    case HIST_F_DISCOVERY:
    case HIST_F_OVERRIDE:
    case HIST_F_COUNT:
        break;
    }
    return false;
}

const char *
hist_np_name(enum hist_word_req v)
{
    switch (v) {
    case HIST_WREQ_NONE:
        return "none";
    case HIST_WREQ_QUARANTINE:
        return "quarantine";
    case HIST_WREQ_REJECT:
        return "reject";
    case HIST_WREQ_ABSENT:
        break;
    }
    return "-";
}

const char *
hist_psd_name(enum hist_psd v)
{
    switch (v) {
    case HIST_PSD_Y:
        return "y";
    case HIST_PSD_N:
        return "n";
    case HIST_PSD_U:
        return "u";
    case HIST_PSD_ABSENT:
        break;
    }
    return "-";
}

const char *
hist_t_name(enum hist_testing v)
{
    switch (v) {
    case HIST_T_Y:
        return "y";
    case HIST_T_N:
        return "n";
    case HIST_T_ABSENT:
        break;
    }
    return "-";
}

const char *
hist_discovery_name(enum hist_discovery v)
{
    switch (v) {
    case HIST_DISC_PSL:
        return "psl";
    case HIST_DISC_TREEWALK:
        return "treewalk";
    case HIST_DISC_ABSENT:
        break;
    }
    return "-";
}
