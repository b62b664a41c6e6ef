/*
 * afrf_fo - does a message call for a failure report?  The fo tag of the
 * policy record (RFC 7489 section 6.3) applied to the authentication
 * results of one message.
 *
 * Pure: no configuration (FailureReports, FailureReportsOnNone and the
 * loop checks are afrf.c's), no DNS, no destinations.
 *
 * Thread safety: pure functions.
 */
#ifndef DMARC_REPORTER_AFRF_FO_H
#define DMARC_REPORTER_AFRF_FO_H

#include <stdbool.h>
#include <stddef.h>

/* one authentication result, as RFC 8601 section 2.7 names them */
enum afrf_auth {
    AFRF_AUTH_NONE = 0,  /* not evaluated / no signature */
    AFRF_AUTH_PASS,      /* pass */
    AFRF_AUTH_FAIL,      /* fail */
    AFRF_AUTH_SOFTFAIL,  /* softfail (SPF) */
    AFRF_AUTH_NEUTRAL,   /* neutral */
    AFRF_AUTH_TEMPERROR, /* temperror */
    AFRF_AUTH_PERMERROR, /* permerror */
    AFRF_AUTH_POLICY     /* policy (RFC 8601 section 2.7.1) */
};

/* the DMARC result (RFC 7489 section 11.2) */
enum afrf_dmarc {
    AFRF_DMARC_NONE = 0,  /* no record: nothing to report to */
    AFRF_DMARC_PASS,      /* pass */
    AFRF_DMARC_FAIL,      /* fail */
    AFRF_DMARC_TEMPERROR, /* temperror: never reported */
    AFRF_DMARC_PERMERROR  /* permerror: never reported */
};

/* which report is due; the Auth-Failure value (RFC 6591 section 3.1,
 * RFC 7489 section 7.3.1) */
enum afrf_kind {
    AFRF_KIND_NONE = 0, /* no report */
    AFRF_KIND_DMARC,    /* fo=0 or fo=1: "dmarc" */
    AFRF_KIND_DKIM,     /* fo=d only: "signature" (RFC 6651) */
    AFRF_KIND_SPF       /* fo=s only: "spf" (RFC 6652) */
};

/* the facts the decision needs */
struct afrf_fo_in {
    unsigned fo;                /* DMARC_REC_FO_* bits (0: as FO_0) */
    enum afrf_dmarc dmarc;      /* the DMARC result */
    enum afrf_auth spf;         /* the SPF result */
    bool is_spf_aligned_pass;   /* SPF passed for an aligned domain */
    const enum afrf_auth *dkim; /* every DKIM signature's result */
    size_t n_dkim;              /* entries of dkim */
    bool is_dkim_aligned_pass;  /* some signature passed aligned */
};

/* afrf_fo_decide - the report that in calls for (section 6.3):
 * fo=0 when DMARC failed; fo=1 when SPF or DKIM gave something other than
 * an aligned pass (no signature at all counts; a temperror does not:
 * standards.md section 2.4); fo=d when a signature failed or had a
 * permerror, whatever its alignment; fo=s when SPF failed, softfailed or
 * had a permerror, whatever its alignment.  The options combine; a
 * "dmarc" report wins over the mechanism-specific ones.  Nothing for a
 * DMARC none, temperror or permerror.  *why gets a static reason for
 * the log line. */
enum afrf_kind afrf_fo_decide(const struct afrf_fo_in *in, const char **why);

/* afrf_kind_name - "dmarc", "signature", "spf" (the Auth-Failure value),
 * or "none".  Static. */
const char *afrf_kind_name(enum afrf_kind k);

/* afrf_auth_name - the RFC 8601 result word.  Static. */
const char *afrf_auth_name(enum afrf_auth a);

#endif
