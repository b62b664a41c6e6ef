/*
 * dest - where one aggregate report goes: the rua URIs of the policy
 * record, in order, each checked for scheme, address, external
 * verification (RFC 7489 section 7.1, with the rua replacement of step 7)
 * and size limit (section 6.2, 7.2.1).
 *
 * The plan says, per URI, whether to send, and if not why: too big,
 * unverified, deferred (temporary DNS failure: check again next run),
 * unsupported scheme, unusable address.  It sends nothing and records
 * nothing; the caller does both.
 *
 * Thread safety: reentrant (the destverify callbacks decide about their
 * context).
 */
#ifndef DMARC_REPORTER_DEST_H
#define DMARC_REPORTER_DEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/destverify.h"
#include "common/dmarc_rec.h"
#include "common/log.h"

/* DEST_MAX - destinations planned for one report: every rua URI the
 * record parser keeps, each possibly replaced by as many (section 7.1
 * step 7) */
#define DEST_MAX ((size_t)2 * DMARC_REC_MAX_URIS)

/* what to do with one destination */
enum dest_state {
    DEST_SEND = 0,        /* send the report there */
    DEST_TOO_BIG = 1,     /* its "!size" is below the encoded size */
    DEST_UNVERIFIED = 2,  /* section 7.1: not authorized, ignored */
    DEST_DEFERRED = 3,    /* verification hit a temporary DNS error */
    DEST_UNSUPPORTED = 4, /* not mailto: (section 6.2: ignored) */
    DEST_BADADDR = 5,     /* mailto: whose address cannot be used */
    DEST_REPLACED = 6     /* section 7.1 step 7: the verification
                             record's rua URIs follow in its place */
};

/* one destination of the plan */
struct dest {
    char *uri;             /* the URI as published, "!size" included */
    char *addr;            /* the mailto address, %-decoded; NULL when
                              not mailto or unusable */
    uint64_t max_size;     /* its limit in bytes; 0: none */
    enum dest_state state; /* decision */
    const char *why;       /* static reason, NULL for DEST_SEND */
    bool is_external;      /* section 7.1 verification was needed */
    bool is_replacement;   /* came from the _report._dmarc record */
};

/* the plan for one report */
struct dest_plan {
    struct dest d[DEST_MAX]; /* destinations, in record order */
    size_t count;            /* used */
    bool is_ruf;             /* planned for ruf (failure reports) */
};

/* dest_plan_make - plan the delivery of a report about policy_domain
 * whose encoded size (mail_encoded_size) is size, to the rua URIs of rec
 * (borrowed), using ops for section 7.1.  A replacement from the
 * verification record is used only when every replacement URI names the
 * same host as the original; otherwise the destination is unverified
 * (step 7: "neither").  Fills *plan (release with dest_plan_free). */
void dest_plan_make(const struct destverify_ops *ops, const char *policy_domain,
                    const struct dmarc_rec *rec, uint64_t size,
                    struct dest_plan *plan);

/* dest_plan_make_ruf - as dest_plan_make, for the ruf URIs of a failure
 * report (RFC 7489 section 7.3: "verified as in section 7.1"; RFC 9991
 * section 5), the verification record's ruf URIs replacing in step 7. */
void dest_plan_make_ruf(const struct destverify_ops *ops,
                        const char *policy_domain, const struct dmarc_rec *rec,
                        uint64_t size, struct dest_plan *plan);

/* dest_plan_free - release what the plan owns. */
void dest_plan_free(struct dest_plan *plan);

/* dest_plan_count - destinations in state st. */
size_t dest_plan_count(const struct dest_plan *plan, enum dest_state st);

/* dest_plan_needs_error_report - true when no destination can take the
 * report because of its size: at least one is DEST_TOO_BIG, none is
 * DEST_SEND or DEST_DEFERRED (section 7.2.1: then send the section 7.2.2
 * error report, to every mailto: destination that is too small). */
bool dest_plan_needs_error_report(const struct dest_plan *plan);

/* dest_mailto_addr - the address of a mailto: URI target (the part after
 * "mailto:" and before "!size"): up to the first '?' (RFC 6068 header
 * fields are ignored: leniency), %-decoded, and checked with
 * deliver_addr_ok.  A new string the caller frees, or NULL. */
char *dest_mailto_addr(struct str target);

/* dest_state_str - "send", "too-big", "unverified", "deferred",
 * "unsupported", "bad-address", "replaced". */
const char *dest_state_str(enum dest_state st);

#endif
