/*
 * hist_fmt - the history record: its fields, code tables and limits.
 *
 * The one description of the OpenDMARC 1.4 history format (see
 * dmarc-history(5)) shared by the writer (hist_write, used by the milter)
 * and the reader (hist_read, used by dmarc-import).  A record is a run of
 * "key value" lines that starts with "job" and ends with "action"; the
 * dmarcsuite extension block (hist_version ... override) sits just before
 * "action".
 *
 * Text fields are borrowed slices: the writer's caller owns them while it
 * formats a record; the reader's record points into the reader's buffers
 * and is valid until the next hist_reader_next() call.
 *
 * Thread safety: the tables and functions are pure and thread-safe.
 */
#ifndef DMARC_HISTORY_HIST_FMT_H
#define DMARC_HISTORY_HIST_FMT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/log.h"
#include "common/str.h"

/* HIST_EXT_VERSION - version of the extension block we write and read */
#define HIST_EXT_VERSION 1
/* HIST_MAX_LINE - longest history line accepted, LF excluded: an
 * arc_policy line with RFC 8617's 50 ARC sets of 253-byte domains stays
 * well below it; anything longer is garbage */
#define HIST_MAX_LINE 65536
/* HIST_MAX_RECORD - largest record (all its lines) accepted */
#define HIST_MAX_RECORD ((size_t)4 * HIST_MAX_LINE)
/* HIST_MAX_DKIM - dkim lines per record (one per signature result) */
#define HIST_MAX_DKIM 64
/* HIST_MAX_RUA - rua lines per record (URIs in one DMARC record) */
#define HIST_MAX_RUA 32
/* HIST_MAX_SEALS - ARC sets per record: RFC 8617 section 4.2.1 caps the
 * instance at 50 */
#define HIST_MAX_SEALS 50
/* HIST_MAX_OVERRIDE - override lines per record */
#define HIST_MAX_OVERRIDE 8
/* HIST_MAX_COMMENT - override comment bytes (dmarc-history(5)) */
#define HIST_MAX_COMMENT 255
/* HIST_UNKNOWN - the value of a numeric field that was absent or whose
 * value is outside its table (the reader warns and stores this) */
#define HIST_UNKNOWN (-1)

/* every key of the format, in the order our writer emits them */
enum hist_field {
    HIST_F_JOB,          /* MTA queue id */
    HIST_F_REPORTER,     /* MTA host name */
    HIST_F_RECEIVED,     /* epoch seconds, UTC */
    HIST_F_IPADDR,       /* client address */
    HIST_F_FROM,         /* RFC5322.From domain */
    HIST_F_MFROM,        /* envelope sender domain, may be empty */
    HIST_F_DKIM,         /* 0..n: domain selector ares-code */
    HIST_F_SPF,          /* ares code, -1 not evaluated */
    HIST_F_PDOMAIN,      /* policy domain */
    HIST_F_POLICY,       /* enum hist_policy */
    HIST_F_RUA,          /* 1..n: URI, or "-" */
    HIST_F_PCT,          /* 0..100 */
    HIST_F_ADKIM,        /* enum hist_align_mode */
    HIST_F_ASPF,         /* enum hist_align_mode */
    HIST_F_P,            /* enum hist_req */
    HIST_F_SP,           /* enum hist_req */
    HIST_F_ALIGN_DKIM,   /* enum hist_align */
    HIST_F_ALIGN_SPF,    /* enum hist_align */
    HIST_F_ARC,          /* ares code */
    HIST_F_ARC_POLICY,   /* code json:[seals] */
    HIST_F_HIST_VERSION, /* extension block version */
    HIST_F_SPF_SCOPE,    /* enum hist_spf_scope */
    HIST_F_SPF_DOMAIN,   /* domain SPF was checked for, or "-" */
    HIST_F_FO,           /* HIST_FO_* bitmap */
    HIST_F_NP,           /* enum hist_word_req */
    HIST_F_PSD,          /* enum hist_psd */
    HIST_F_T,            /* enum hist_testing */
    HIST_F_DISCOVERY,    /* enum hist_discovery */
    HIST_F_OVERRIDE,     /* 0..n: type [comment] */
    HIST_F_ACTION,       /* enum hist_action, last */
    HIST_F_COUNT         /* not a field */
};

/* ARES result codes (OpenDMARC's opendmarc-ar.h), for dkim, spf, arc */
enum hist_ares {
    HIST_ARES_UNDEFINED = -1, /* not evaluated / unrecognised word */
    HIST_ARES_PASS = 0,
    HIST_ARES_UNUSED = 1, /* never written */
    HIST_ARES_SOFTFAIL = 2,
    HIST_ARES_NEUTRAL = 3,
    HIST_ARES_TEMPERROR = 4,
    HIST_ARES_PERMERROR = 5,
    HIST_ARES_NONE = 6,
    HIST_ARES_FAIL = 7,
    HIST_ARES_POLICY = 8,
    HIST_ARES_NXDOMAIN = 9, /* legacy A-R words from here on */
    HIST_ARES_SIGNED = 10,
    HIST_ARES_UNKNOWN = 11,
    HIST_ARES_DISCARD = 12
};

/* DMARC policy result (libopendmarc DMARC_POLICY_*) */
enum hist_policy {
    HIST_POLICY_ABSENT = 14,     /* no usable record */
    HIST_POLICY_PASS = 15,       /* aligned pass */
    HIST_POLICY_REJECT = 16,     /* fail, policy reject */
    HIST_POLICY_QUARANTINE = 17, /* fail, policy quarantine */
    HIST_POLICY_NONE = 18        /* fail, policy none */
};

/* disposition applied (OpenDMARC DMARC_RESULT_*) */
enum hist_action {
    HIST_ACTION_REJECT = 0,
    HIST_ACTION_DISCARD = 1, /* never produced by OpenDMARC */
    HIST_ACTION_ACCEPT = 2,
    HIST_ACTION_TEMPFAIL = 3,
    HIST_ACTION_QUARANTINE = 4
};

/* alignment outcome (align_dkim, align_spf) */
enum hist_align {
    HIST_ALIGN_NOT_EVALUATED = 0, /* no record */
    HIST_ALIGN_PASS = 4,
    HIST_ALIGN_FAIL = 5
};

/* p and sp: ASCII code of the tag value's first letter */
enum hist_req {
    HIST_REQ_ABSENT = 0,       /* no record; for sp also "no sp tag" */
    HIST_REQ_NONE = 110,       /* 'n' */
    HIST_REQ_QUARANTINE = 113, /* 'q' */
    HIST_REQ_REJECT = 114      /* 'r' */
};

/* adkim and aspf: ASCII code of the mode letter */
enum hist_align_mode {
    HIST_MODE_ABSENT = 0,    /* no record */
    HIST_MODE_RELAXED = 114, /* 'r' */
    HIST_MODE_STRICT = 115   /* 's' */
};

/* arc_policy code (DMARC_ARC_POLICY_RESULT_*) */
enum hist_arc_policy {
    HIST_ARC_POLICY_PASS = 0,
    HIST_ARC_POLICY_UNUSED = 1, /* written by Exim only */
    HIST_ARC_POLICY_FAIL = 2
};

/* spf_scope: OpenDMARC develop's DMARC_POLICY_SPF_ORIGIN_* numbers (the
 * reader also accepts the words "mfrom", "helo" and "-") */
enum hist_spf_scope {
    HIST_SPF_SCOPE_UNKNOWN = -1, /* not evaluated */
    HIST_SPF_SCOPE_MFROM = 1,
    HIST_SPF_SCOPE_HELO = 2
};

/* fo: OpenDMARC develop's DMARC_RECORD_FO_* bitmap; 0 = tag absent */
#define HIST_FO_0 1u /* fo=0 */
#define HIST_FO_1 2u /* fo=1 */
#define HIST_FO_D 4u /* fo=d */
#define HIST_FO_S 8u /* fo=s */

/* np (RFC 9989): word values */
enum hist_word_req {
    HIST_WREQ_ABSENT = 0, /* "-" */
    HIST_WREQ_NONE,
    HIST_WREQ_QUARANTINE,
    HIST_WREQ_REJECT
};

/* psd (RFC 9989) */
enum hist_psd {
    HIST_PSD_ABSENT = 0, /* "-" */
    HIST_PSD_Y,
    HIST_PSD_N,
    HIST_PSD_U
};

/* t (RFC 9989 testing flag) */
enum hist_testing {
    HIST_T_ABSENT = 0, /* "-" */
    HIST_T_Y,
    HIST_T_N
};

/* discovery: how the policy record was found */
enum hist_discovery {
    HIST_DISC_ABSENT = 0, /* "-": no record */
    HIST_DISC_PSL,        /* RFC 7489 section 6.6.3 */
    HIST_DISC_TREEWALK    /* RFC 9989 section 4.10 */
};

/* override type: RFC 7489 Appendix C PolicyOverrideType, plus RFC 9990's
 * policy_test_mode */
enum hist_override_type {
    HIST_OVR_FORWARDED = 0,
    HIST_OVR_SAMPLED_OUT,
    HIST_OVR_TRUSTED_FORWARDER,
    HIST_OVR_MAILING_LIST,
    HIST_OVR_LOCAL_POLICY,
    HIST_OVR_OTHER,
    HIST_OVR_POLICY_TEST_MODE,
    HIST_OVR_COUNT /* not a type */
};

/* one dkim line */
struct hist_dkim {
    struct str domain;   /* header.d */
    struct str selector; /* header.s; empty = "-" (none) */
    int result;          /* enum hist_ares value */
};

/* one ARC seal of arc_policy's JSON array */
struct hist_arc_seal {
    int64_t instance;    /* i= */
    struct str domain;   /* d= (unescaped) */
    struct str selector; /* s= (unescaped) */
    struct str ip;       /* client ip of the AAR, may be empty */
};

/* one override line */
struct hist_override {
    enum hist_override_type type; /* reason */
    struct str comment;           /* free text, may be empty */
};

/* one history record; every text field is a borrowed slice */
struct hist_rec {
    struct str job;      /* queue id; "(unknown-jobid)" when unknown */
    struct str reporter; /* MTA host name */
    int64_t received;    /* epoch seconds, UTC */
    struct str ipaddr;   /* client address (text) */
    struct str from;     /* RFC5322.From domain */
    struct str mfrom;    /* envelope domain; empty for the null sender */
    const struct hist_dkim *dkim;      /* dkim_count entries */
    size_t dkim_count;                 /* number of dkim lines */
    int spf;                           /* enum hist_ares; -1 not evaluated */
    struct str pdomain;                /* policy domain */
    int policy;                        /* enum hist_policy, or HIST_UNKNOWN */
    const struct str *rua;             /* rua_count URIs (with !size) */
    size_t rua_count;                  /* 0: written as "rua -" */
    int pct;                           /* 0..100, or HIST_UNKNOWN */
    int adkim;                         /* enum hist_align_mode */
    int aspf;                          /* enum hist_align_mode */
    int p;                             /* enum hist_req */
    int sp;                            /* enum hist_req; 0 = no sp tag */
    int align_dkim;                    /* enum hist_align */
    int align_spf;                     /* enum hist_align */
    int arc;                           /* enum hist_ares */
    int arc_policy;                    /* enum hist_arc_policy */
    const struct hist_arc_seal *seals; /* seal_count ARC seals */
    size_t seal_count;                 /* number of seals */
    /* extension block: written when ext_version > 0 */
    int ext_version;               /* hist_version; 0: no extension block */
    int spf_scope;                 /* enum hist_spf_scope */
    struct str spf_domain;         /* empty = "-" */
    int fo;                        /* HIST_FO_* bits; 0 = absent */
    enum hist_word_req np;         /* RFC 9989 np */
    enum hist_psd psd;             /* RFC 9989 psd */
    enum hist_testing t;           /* RFC 9989 t */
    enum hist_discovery discovery; /* discovery method */
    const struct hist_override *overrides; /* override_count reasons */
    size_t override_count;                 /* number of override lines */
    int action; /* enum hist_action, or HIST_UNKNOWN */
};

/* hist_rec_init - a record with every field absent: empty slices, no
 * lists, numeric codes HIST_UNKNOWN (spf and arc HIST_ARES_UNDEFINED),
 * no extension block. */
void hist_rec_init(struct hist_rec *r);

/* hist_field_name - the key's name as written ("align_dkim"). */
const char *hist_field_name(enum hist_field f);

/* hist_field_lookup - the field whose key is exactly name (case-sensitive,
 * as OpenDMARC's importer): 0 and *out, or -1 for an unknown key. */
int hist_field_lookup(struct str name, enum hist_field *out) WARN_UNUSED;

/* hist_ares_name - "pass", "fail", ... for an ARES code; "undefined" for
 * -1 and codes outside the table. */
const char *hist_ares_name(int code);

/* hist_override_name - "sampled_out", ... ; NULL outside the table. */
const char *hist_override_name(enum hist_override_type t);

/* hist_override_lookup - the type named name: 0 and *out, or -1. */
int hist_override_lookup(struct str name,
                         enum hist_override_type *out) WARN_UNUSED;

/* hist_code_valid - true when v is in the code table of field f (for the
 * numeric fields spf, policy, pct, adkim, aspf, p, sp, align_dkim,
 * align_spf, arc, arc_policy, spf_scope, fo, action and dkim results). */
bool hist_code_valid(enum hist_field f, int64_t v);

/* hist_np_name, hist_psd_name, hist_t_name, hist_discovery_name - the
 * word written for a value ("-" when absent). */
const char *hist_np_name(enum hist_word_req v);
const char *hist_psd_name(enum hist_psd v);
const char *hist_t_name(enum hist_testing v);
const char *hist_discovery_name(enum hist_discovery v);

#endif
