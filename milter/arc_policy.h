/*
 * arc_policy - the ARC override of DMARC for forwarded mail, as OpenDMARC
 * 1.4.2 does it with DomainWhitelist (opendmarc.conf(5)), and the ARC
 * data of the history record (dmarc-history(5), keys arc and arc_policy).
 *
 * Inputs, collected per message into a struct arc_policy_state: the
 * "arc" results of the Authentication-Results fields from trusted
 * authserv-ids (an upstream ARC verifier such as OpenARC wrote them; the
 * caller decides trust), with their arc.chain property (the sealing
 * domains, ':'-separated, as OpenDMARC splits it); and every ARC-Seal and
 * ARC-Authentication-Results field (arc_hdr parses them).  The sealers
 * that count are those of arc.chain, never the raw ARC headers: only the
 * verifier knows which seals verified.
 *
 * Outputs (arc_policy_eval): the history "arc" code (0 when the trusted
 * fields carry exactly one arc result and it is pass, else 7), the
 * "arc_policy" code (0 when, in addition, arc.chain is present and every
 * domain in it is whitelisted, else 2), the seal objects of the
 * arc_policy JSON array, and, when arc_policy is 0, the RFC 8617 section
 * 7.2 comment naming the sealers for the trusted_forwarder override
 * reason.  Applying the override to the disposition is
 * policy_override_local()'s job.
 *
 * Thread safety: pure; the state and outputs belong to the caller.
 */
#ifndef DMARC_MILTER_ARC_POLICY_H
#define DMARC_MILTER_ARC_POLICY_H

#include <stdbool.h>
#include <stddef.h>

#include "common/log.h"
#include "common/str.h"
#include "history/hist_fmt.h"
#include "milter/arc_hdr.h"
#include "milter/auth_result.h"
#include "milter/authres.h"
#include "milter/whitelist.h"

/* ARC_POLICY_MAX_SETS - ARC sets kept per message (RFC 8617 section
 * 4.2.1: at most 50); it is also the most arc.chain entries */
#define ARC_POLICY_MAX_SETS ARC_HDR_MAX_INSTANCE
/* ARC_POLICY_CHAIN_SIZE - room for arc.chain: 50 names of 253 bytes and
 * their separators, and a NUL; a longer chain is not trusted */
#define ARC_POLICY_CHAIN_SIZE (ARC_POLICY_MAX_SETS * (DOMAIN_MAX_LEN + 1))

/* what one message's headers said about ARC */
struct arc_policy_state {
    size_t n_arc_results;              /* "arc" results in trusted A-R fields */
    enum auth_result result;           /* the first one's result */
    char chain[ARC_POLICY_CHAIN_SIZE]; /* its arc.chain, or "" */
    bool is_chain_too_long;            /* arc.chain did not fit in chain */
    struct arc_hdr_seal seals[ARC_POLICY_MAX_SETS]; /* in header order */
    size_t n_seals;                                 /* seals used */
    struct arc_hdr_aar aars[ARC_POLICY_MAX_SETS];   /* in header order */
    size_t n_aars;                                  /* aars used */
    size_t n_aar_fields; /* ARC-Authentication-Results fields seen */
};

/* the evaluation */
struct arc_policy_out {
    int arc;         /* history "arc": HIST_ARES_PASS or HIST_ARES_FAIL */
    int arc_policy;  /* HIST_ARC_POLICY_PASS or HIST_ARC_POLICY_FAIL */
    const char *why; /* why arc_policy is fail (static text), or NULL */
    struct hist_arc_seal seals[ARC_POLICY_MAX_SETS]; /* the JSON array:
                                                        strings borrowed
                                                        from the state */
    size_t n_seals;                                  /* entries of seals */
    char comment[HIST_MAX_COMMENT + 1];              /* the override comment
                                                        ("arc=pass as[2].d=..."), ""
                                                        unless arc_policy is pass */
};

/* arc_policy_init - an empty state. */
void arc_policy_init(struct arc_policy_state *st);

/* arc_policy_authres - take the "arc" results of ar, an
 * Authentication-Results field the caller trusts (borrowed; nothing is
 * kept but copies). */
void arc_policy_authres(struct arc_policy_state *st, const struct authres *ar);

/* arc_policy_seal - parse one ARC-Seal value (borrowed) into the state.
 * Returns ARC_HDR_OK, or a failure with *why (static text) when the field
 * is malformed or over limits, repeats an instance already seen, or is
 * beyond ARC_POLICY_MAX_SETS fields; the field is then ignored and the
 * caller logs it once.  why may be NULL. */
enum arc_hdr_status arc_policy_seal(struct arc_policy_state *st,
                                    struct str value,
                                    const char **why) WARN_UNUSED;

/* arc_policy_aar - the same for one ARC-Authentication-Results value. */
enum arc_hdr_status arc_policy_aar(struct arc_policy_state *st,
                                   struct str value,
                                   const char **why) WARN_UNUSED;

/* arc_policy_eval - evaluate st against the whitelist wl (borrowed; NULL
 * or empty trusts no sealer) into *out.  The seal array follows
 * OpenDMARC: one object per parsed ARC-Seal in header order, ip from the
 * ARC-Authentication-Results of the same instance or ""; empty when the
 * message has no ARC-Authentication-Results field at all.  out borrows
 * from st: valid while st is unchanged.  Thread-safe. */
void arc_policy_eval(const struct arc_policy_state *st,
                     const struct whitelist *wl, struct arc_policy_out *out);

#endif
