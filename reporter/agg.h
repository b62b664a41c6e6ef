/*
 * agg - the in-memory model of one RFC 7489 aggregate report.
 *
 * A report is its metadata, the policy published, and rows, in one of two
 * formats (enum agg_format): RFC 7489 Appendix C or RFC 9990, never a mix
 * (standards.md section 7.4).  The metadata
 * and the policy are filled once; a row is filled, handed to the XML writer
 * (xml_row) and then reset for the next one, so a report with many rows
 * never holds them all in memory.  Every enumerated value is an enum whose
 * names are exactly the values the Appendix C schema allows; the history
 * codes are mapped onto them here (history-format.md section 4.7).
 *
 * Strings are borrowed: a row keeps references to the caller's strings
 * (for example SQLite column text) and is written before they change.
 *
 * Thread safety: a row belongs to one thread; the functions are reentrant.
 */
#ifndef DMARC_REPORTER_AGG_H
#define DMARC_REPORTER_AGG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/log.h"

/* AGG_MAX_DKIM - DKIM results in one row: RFC 9990 section 3.1.1.7 caps
 * them at 100; we apply the same bound to RFC 7489 output. */
#define AGG_MAX_DKIM 100
/* AGG_MAX_SPF - SPF results in one row: one per scope (helo, mfrom), with
 * room for receivers that check more than one identity. */
#define AGG_MAX_SPF 8
/* AGG_MAX_REASONS - override reasons in one row: one per type (six types
 * in Appendix C), twice over for comments. */
#define AGG_MAX_REASONS 12
/* AGG_IP_SIZE - a source IP as written: eight groups of four hex digits
 * and seven colons, plus the NUL. */
#define AGG_IP_SIZE 40

/* the schema a report follows; one per report (standards.md 7.4) */
enum agg_format {
    AGG_FORMAT_RFC7489 = 0, /* Appendix C, no namespace (the default) */
    AGG_FORMAT_RFC9990 = 1  /* urn:ietf:params:xml:ns:dmarc-2.0 */
};

/* RFC 9990 DiscoveryType: how the policy record was found */
enum agg_discovery {
    AGG_DISCOVERY_UNKNOWN = 0, /* not recorded: discovery_method omitted */
    AGG_DISCOVERY_PSL = 1,     /* RFC 7489 section 6.6.3 */
    AGG_DISCOVERY_TREEWALK = 2 /* RFC 9989 section 4.10 */
};

/* Appendix C DispositionType (also p and sp) */
enum agg_disposition {
    AGG_DISP_NONE = 0,
    AGG_DISP_QUARANTINE = 1,
    AGG_DISP_REJECT = 2
};

/* Appendix C AlignmentType */
enum agg_alignment {
    AGG_ALIGN_RELAXED = 0, /* "r" */
    AGG_ALIGN_STRICT = 1   /* "s" */
};

/* Appendix C DMARCResultType (policy_evaluated dkim and spf) */
enum agg_dmarc_result {
    AGG_DMARC_PASS = 0,
    AGG_DMARC_FAIL = 1
};

/* Appendix C PolicyOverrideType */
enum agg_reason_type {
    AGG_REASON_FORWARDED = 0,
    AGG_REASON_SAMPLED_OUT = 1,
    AGG_REASON_TRUSTED_FORWARDER = 2,
    AGG_REASON_MAILING_LIST = 3,
    AGG_REASON_LOCAL_POLICY = 4,
    AGG_REASON_OTHER = 5,
    AGG_REASON_POLICY_TEST_MODE = 6 /* RFC 9990 section 3.1.6 only */
};

/* Appendix C DKIMResultType */
enum agg_dkim_result {
    AGG_DKIM_NONE = 0,
    AGG_DKIM_PASS = 1,
    AGG_DKIM_FAIL = 2,
    AGG_DKIM_POLICY = 3,
    AGG_DKIM_NEUTRAL = 4,
    AGG_DKIM_TEMPERROR = 5,
    AGG_DKIM_PERMERROR = 6
};

/* Appendix C SPFResultType */
enum agg_spf_result {
    AGG_SPF_NONE = 0,
    AGG_SPF_NEUTRAL = 1,
    AGG_SPF_PASS = 2,
    AGG_SPF_FAIL = 3,
    AGG_SPF_SOFTFAIL = 4,
    AGG_SPF_TEMPERROR = 5,
    AGG_SPF_PERMERROR = 6,
    AGG_SPF_POLICY = 7 /* RFC 9990 SPFResultType only */
};

/* Appendix C SPFDomainScope */
enum agg_spf_scope {
    AGG_SCOPE_HELO = 0,
    AGG_SCOPE_MFROM = 1
};

/* report_metadata; all strings borrowed */
struct agg_meta {
    const char *org_name;           /* reporting organization (required) */
    const char *email;              /* contact address (required) */
    const char *extra_contact_info; /* optional; NULL or "" to omit */
    const char *report_id;          /* naming_report_id() (required) */
    int64_t begin;                  /* period start, epoch seconds UTC */
    int64_t end;                    /* period end, epoch seconds UTC */
    const char *const *errors;      /* error strings, may be NULL */
    size_t error_count;             /* number of errors (RFC 9990 allows
                                       one <error>: they are joined) */
};

/* policy_published; the domain is borrowed */
struct agg_policy {
    const char *domain;           /* where the record was found (required) */
    enum agg_alignment adkim;     /* default relaxed */
    enum agg_alignment aspf;      /* default relaxed */
    enum agg_disposition p;       /* requested policy */
    enum agg_disposition sp;      /* subdomain policy; the caller sets p's
                                     value when the record has no sp */
    unsigned pct;                 /* 0..100, default 100 (RFC 7489 only) */
    const char *fo;               /* "0" when NULL or empty */
    enum agg_disposition np;      /* RFC 9990: non-existent subdomains; the
                                     caller sets sp's value when absent */
    bool is_testing;              /* RFC 9990 <testing>: t=y published */
    enum agg_discovery discovery; /* RFC 9990 <discovery_method> */
};

/* what a report writes before its rows, and in which format; borrowed */
struct agg_head {
    const struct agg_meta *meta;     /* report_metadata */
    const struct agg_policy *policy; /* policy_published */
    enum agg_format format;          /* which schema */
    const char *generator;           /* RFC 9990 <generator>; NULL or ""
                                        to omit (never in RFC 7489) */
};

/* one override reason */
struct agg_reason {
    enum agg_reason_type type; /* the reason */
    const char *comment;       /* optional; NULL or "" to omit */
};

/* one DKIM result of auth_results */
struct agg_dkim {
    const char *domain;          /* d= (required) */
    const char *selector;        /* s=; NULL or "" to omit */
    enum agg_dkim_result result; /* verification result */
    const char *human_result;    /* optional; NULL or "" to omit */
};

/* one SPF result of auth_results */
struct agg_spf {
    const char *domain;         /* the domain checked (required) */
    enum agg_spf_scope scope;   /* helo or mfrom */
    enum agg_spf_result result; /* SPF result */
};

/* one <record>: a group of messages with identical results */
struct agg_row {
    const char *source_ip;            /* IPv4 or IPv6 text (required) */
    uint64_t count;                   /* messages in the group, >= 1 */
    enum agg_disposition disposition; /* what was applied */
    enum agg_dmarc_result dkim;       /* aligned DKIM result */
    enum agg_dmarc_result spf;        /* aligned SPF result */
    struct agg_reason reasons[AGG_MAX_REASONS]; /* override reasons */
    size_t reason_count;                        /* reasons used */
    const char *header_from;       /* RFC5322.From domain (required) */
    const char *envelope_from;     /* RFC5321.MailFrom domain; NULL or
                                      "" for the null sender */
    const char *envelope_to;       /* optional; NULL or "" to omit */
    struct agg_dkim *dkim_results; /* DKIM results, grown as needed */
    size_t dkim_count;             /* DKIM results used */
    size_t dkim_cap;               /* DKIM results allocated */
    struct agg_spf spf_results[AGG_MAX_SPF]; /* SPF results */
    size_t spf_count;                        /* SPF results used */
};

/* agg_policy_init - the defaults of RFC 7489 section 6.3 for domain:
 * adkim=r aspf=r p=none sp=none pct=100 fo=0; for RFC 9990 also np=none,
 * testing n and discovery unknown.  domain is borrowed. */
void agg_policy_init(struct agg_policy *p, const char *domain);

/* agg_row_init - an empty row (count 1, disposition none, both aligned
 * results fail).  Release with agg_row_free. */
void agg_row_init(struct agg_row *r);

/* agg_row_reset - empty the row for the next group, keeping its memory. */
void agg_row_reset(struct agg_row *r);

/* agg_row_free - release the row's memory (the row may be initialised
 * again). */
void agg_row_free(struct agg_row *r);

/* agg_row_add_dkim - append a DKIM result (strings borrowed).  0, or -1
 * when the row already holds AGG_MAX_DKIM. */
int agg_row_add_dkim(struct agg_row *r, const struct agg_dkim *d) WARN_UNUSED;

/* agg_row_add_spf - append an SPF result.  0, or -1 when full. */
int agg_row_add_spf(struct agg_row *r, const struct agg_spf *s) WARN_UNUSED;

/* agg_row_add_reason - append an override reason.  0, or -1 when full. */
int agg_row_add_reason(struct agg_row *r, enum agg_reason_type type,
                       const char *comment) WARN_UNUSED;

/* agg_meta_check - 0 when the metadata can be written, else -1 with a
 * static reason in *why. */
int agg_meta_check(const struct agg_meta *m, const char **why) WARN_UNUSED;

/* agg_policy_check - 0 when the policy can be written, else -1 with *why. */
int agg_policy_check(const struct agg_policy *p, const char **why) WARN_UNUSED;

/* agg_row_check - 0 when the row can be written, with its source IP as
 * the report writes it (agg_ip_format) in ip; else -1 with *why: a
 * missing header_from, a count of 0, no SPF result, a source IP that is
 * not an address, an empty DKIM or SPF domain. */
int agg_row_check(const struct agg_row *r, char ip[AGG_IP_SIZE],
                  const char **why) WARN_UNUSED;

/* agg_ip_format - the source IP as the report writes it: IPv4 in dotted
 * quad; IPv6 fully expanded (eight groups of four lower-case hex digits)
 * so that it matches Appendix C's IPAddress pattern, which rejects the
 * compressed form (errata 5221, 7865); an IPv4-mapped IPv6 address as the
 * IPv4 address it carries.  out gets at least AGG_IP_SIZE bytes.  0, or -1
 * when ip is not an address. */
int agg_ip_format(const char *ip, char *out, size_t out_size) WARN_UNUSED;

/* agg_dkim_from_code - DKIM result for a history ARES code
 * (history-format.md 4.1, 4.7): 0 pass, 2 fail, 3 neutral, 4 temperror,
 * 5 permerror, 6 none, 7 fail, 8 policy; -1, 1 and 9-12 permerror. */
enum agg_dkim_result agg_dkim_from_code(int code);

/* agg_spf_from_code - SPF result for a history ARES code: 0 pass,
 * 2 softfail, 3 neutral, 4 temperror, 5 permerror, 6 none, 7 fail,
 * 8 none (RFC 7489 has no SPF "policy"), 1 and 9-12 permerror, -1 none. */
enum agg_spf_result agg_spf_from_code(int code);

/* agg_spf9990_from_code - as agg_spf_from_code for an RFC 9990 report,
 * whose SPFResultType has RFC 8601's "policy": 8 is policy. */
enum agg_spf_result agg_spf9990_from_code(int code);

/* agg_policy_from_code - p or sp from a history ASCII code
 * (history-format.md 4.2): 110 none, 113 quarantine, 114 reject.  0, or
 * -1 for 0 (tag absent, no record) and anything else: the caller then
 * uses p for sp, or skips the record. */
int agg_policy_from_code(int code, enum agg_disposition *out) WARN_UNUSED;

/* agg_alignment_from_code - adkim or aspf from a history ASCII code: 115
 * strict, anything else (114, 0 absent) relaxed, the default. */
enum agg_alignment agg_alignment_from_code(int code);

/* agg_dmarc_from_align - policy_evaluated dkim or spf from a history
 * alignment code (4.3): 4 pass, anything else (5, 0) fail. */
enum agg_dmarc_result agg_dmarc_from_align(int code);

/* agg_disposition_from_action - what the filter applied, from a history
 * action code (4.5): 0 reject, 1 (discard) reject, 4 quarantine, anything
 * else (2 accept, 3 tempfail) none.  Appendix C's disposition is the one
 * applied; a policy that was not enforced shows as an override reason,
 * which the query supplies. */
enum agg_disposition agg_disposition_from_action(int code);

/* agg_reason_from_name - a PolicyOverrideType from the history/database
 * word (exact, lower case).  0, or -1 for any other word (such as RFC
 * 9990's "policy_test_mode", which an RFC 7489 report writes as "other"
 * with the word as comment). */
int agg_reason_from_name(const char *name,
                         enum agg_reason_type *out) WARN_UNUSED;

/* agg_reason9990_from_name - as agg_reason_from_name for RFC 9990's
 * PolicyOverrideType (section 3.1.6): "policy_test_mode" is known,
 * "forwarded" and "sampled_out" (dropped by RFC 9990) are not, so the
 * caller writes them as "other" with the word as comment. */
int agg_reason9990_from_name(const char *name,
                             enum agg_reason_type *out) WARN_UNUSED;

/* agg_np_from_code - np from its database code (sql/README: 1 none,
 * 2 quarantine, 3 reject).  0, or -1 for 0 (absent) and anything else:
 * the caller then uses sp (RFC 9989 section 4.7). */
int agg_np_from_code(int code, enum agg_disposition *out) WARN_UNUSED;

/* agg_discovery_str - RFC 9990 DiscoveryType spelling ("psl",
 * "treewalk"); NULL for AGG_DISCOVERY_UNKNOWN. */
const char *agg_discovery_str(enum agg_discovery d);

/* The schema's spelling of each value; static strings. */
const char *agg_disposition_str(enum agg_disposition d);
const char *agg_alignment_str(enum agg_alignment a);
const char *agg_dmarc_result_str(enum agg_dmarc_result r);
const char *agg_reason_str(enum agg_reason_type t);
const char *agg_dkim_result_str(enum agg_dkim_result r);
const char *agg_spf_result_str(enum agg_spf_result r);
const char *agg_spf_scope_str(enum agg_spf_scope s);

#endif
