/*
 * agg - the in-memory model of one RFC 7489 aggregate report.
 *
 * Holds one row at a time, checks that what is about to be written is
 * complete, maps history result codes onto the schema's enumerations and
 * formats source addresses.  It writes nothing itself (see xml.c) and does
 * not group messages into rows (the database query does).
 *
 * STANDARDS: RFC 7489 section 6.3 (defaults), section 7.2 and Appendix C
 * (content and enumerations); RFC 9990 section 3.1.1 and Appendix A
 * (np, testing, discovery_method, section 3.1.6 override types); RFC 5952 (IPv6
 * text, which we expand on purpose: see agg_ip_format in agg.h); RFC 8601
 * section 2.7 (result names).
 *
 * Ownership: strings are borrowed from the caller; the row owns only its
 * DKIM result array.  Thread safety: reentrant.
 */
#include "reporter/agg.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/xalloc.h"

void
agg_policy_init(struct agg_policy *p, const char *domain)
{
    p->domain = domain;
    p->adkim = AGG_ALIGN_RELAXED;
    p->aspf = AGG_ALIGN_RELAXED;
    p->p = AGG_DISP_NONE;
    p->sp = AGG_DISP_NONE;
    p->pct = 100;
    p->fo = "0";
    p->np = AGG_DISP_NONE;
    p->is_testing = false;
    p->discovery = AGG_DISCOVERY_UNKNOWN;
}

void
agg_row_init(struct agg_row *r)
{
    memset(r, 0, sizeof(*r));
    agg_row_reset(r);
}

void
agg_row_reset(struct agg_row *r)
{
    r->source_ip = NULL;
    r->count = 1;
    r->disposition = AGG_DISP_NONE;
    r->dkim = AGG_DMARC_FAIL;
    r->spf = AGG_DMARC_FAIL;
    r->reason_count = 0;
    r->header_from = NULL;
    r->envelope_from = NULL;
    r->envelope_to = NULL;
    r->dkim_count = 0;
    r->spf_count = 0;
}

void
agg_row_free(struct agg_row *r)
{
    free(r->dkim_results);
    r->dkim_results = NULL;
    r->dkim_cap = 0;
    r->dkim_count = 0;
}

int
agg_row_add_dkim(struct agg_row *r, const struct agg_dkim *d)
{
    if (r->dkim_count >= AGG_MAX_DKIM)
        return -1;
    if (r->dkim_count == r->dkim_cap) {
        size_t cap = r->dkim_cap ? r->dkim_cap * 2 : 4;

        if (cap > AGG_MAX_DKIM)
            cap = AGG_MAX_DKIM;
        r->dkim_results =
            xreallocarray(r->dkim_results, cap, sizeof(*r->dkim_results));
        r->dkim_cap = cap;
    }
    r->dkim_results[r->dkim_count++] = *d;
    return 0;
}

int
agg_row_add_spf(struct agg_row *r, const struct agg_spf *s)
{
    if (r->spf_count >= AGG_MAX_SPF)
        return -1;
    r->spf_results[r->spf_count++] = *s;
    return 0;
}

int
agg_row_add_reason(struct agg_row *r, enum agg_reason_type type,
                   const char *comment)
{
    if (r->reason_count >= AGG_MAX_REASONS)
        return -1;
    r->reasons[r->reason_count].type = type;
    r->reasons[r->reason_count].comment = comment;
    r->reason_count++;
    return 0;
}

/* is_empty - NULL or "" */
static bool
is_empty(const char *s)
{
    return s == NULL || *s == '\0';
}

int
agg_meta_check(const struct agg_meta *m, const char **why)
{
    if (is_empty(m->org_name)) {
        *why = "no org_name";
        return -1;
    }
    if (is_empty(m->email)) {
        *why = "no email";
        return -1;
    }
    if (is_empty(m->report_id)) {
        *why = "no report_id";
        return -1;
    }
    if (m->end <= m->begin) {
        *why = "date range ends before it begins";
        return -1;
    }
    if (m->error_count > 0 && m->errors == NULL) {
        *why = "error count without errors";
        return -1;
    }
    return 0;
}

int
agg_policy_check(const struct agg_policy *p, const char **why)
{
    if (is_empty(p->domain)) {
        *why = "no policy domain";
        return -1;
    }
    if (p->pct > 100) {
        *why = "pct above 100";
        return -1;
    }
    return 0;
}

/* auth_check - the auth_results part of agg_row_check */
static int
auth_check(const struct agg_row *r, const char **why)
{
    if (r->spf_count == 0) {
        /* Appendix C: "There will always be at least one SPF result." */
        *why = "no SPF result";
        return -1;
    }
    for (size_t i = 0; i < r->dkim_count; i++) {
        if (is_empty(r->dkim_results[i].domain)) {
            *why = "DKIM result without a domain";
            return -1;
        }
    }
    for (size_t i = 0; i < r->spf_count; i++) {
        if (is_empty(r->spf_results[i].domain)) {
            *why = "SPF result without a domain";
            return -1;
        }
    }
    return 0;
}

int
agg_row_check(const struct agg_row *r, char ip[AGG_IP_SIZE], const char **why)
{
    if (r->source_ip == NULL ||
        agg_ip_format(r->source_ip, ip, AGG_IP_SIZE) < 0) {
        *why = "source_ip is not an IP address";
        return -1;
    }
    if (r->count == 0) {
        *why = "count is 0";
        return -1;
    }
    if (is_empty(r->header_from)) {
        *why = "no header_from";
        return -1;
    }
    return auth_check(r, why);
}

/* ip4_dotted - write the 4 bytes of a in dotted quad (by hand: the
 * stdio formatting behind inet_ntop cost a twentieth of BENCH=reports) */
static void
ip4_dotted(const unsigned char *a, char *out)
{
    for (int i = 0; i < 4; i++) {
        unsigned v = a[i];

        if (v >= 100)
            *out++ = (char)('0' + v / 100);
        if (v >= 10)
            *out++ = (char)('0' + v / 10 % 10);
        *out++ = (char)('0' + v % 10);
        *out++ = i < 3 ? '.' : '\0';
    }
}

/* ip6_expand - write the 16 bytes of a as eight four-digit groups */
static void
ip6_expand(const unsigned char *a, char *out)
{
    static const char hex[] = "0123456789abcdef";

    for (int i = 0; i < 16; i++) {
        *out++ = hex[a[i] >> 4];
        *out++ = hex[a[i] & 0xf];
        if (i % 2 == 1)
            *out++ = i < 15 ? ':' : '\0';
    }
}

int
agg_ip_format(const char *ip, char *out, size_t out_size)
{
    static const unsigned char mapped[12] = { 0, 0, 0, 0, 0,    0,
                                              0, 0, 0, 0, 0xff, 0xff };
    struct in_addr a4;
    struct in6_addr a6;

    if (out_size < AGG_IP_SIZE)
        return -1;
    if (inet_pton(AF_INET, ip, &a4) == 1) {
        ip4_dotted((const unsigned char *)&a4.s_addr, out);
        return 0;
    }
    if (inet_pton(AF_INET6, ip, &a6) != 1)
        return -1;
    if (memcmp(a6.s6_addr, mapped, sizeof(mapped)) == 0)
        ip4_dotted(a6.s6_addr + 12, out);
    else
        ip6_expand(a6.s6_addr, out);
    return 0;
}

enum agg_dkim_result
agg_dkim_from_code(int code)
{
    /* history-format.md 4.7; softfail (2) is no DKIM result: fail */
    static const enum agg_dkim_result map[] = {
        AGG_DKIM_PASS,    AGG_DKIM_PERMERROR, AGG_DKIM_FAIL,
        AGG_DKIM_NEUTRAL, AGG_DKIM_TEMPERROR, AGG_DKIM_PERMERROR,
        AGG_DKIM_NONE,    AGG_DKIM_FAIL,      AGG_DKIM_POLICY,
    };

    if (code >= 0 && (size_t)code < sizeof(map) / sizeof(map[0]))
        return map[code];
    /* -1 (unrecognised word) and 9-12 (nxdomain, signed, unknown,
     * discard): our choice, documented in dmarc-reports(8) */
    return AGG_DKIM_PERMERROR;
}

enum agg_spf_result
agg_spf_from_code(int code)
{
    /* history-format.md 4.7; RFC 7489 has no SPF "policy": none */
    static const enum agg_spf_result map[] = {
        AGG_SPF_PASS,    AGG_SPF_PERMERROR, AGG_SPF_SOFTFAIL,
        AGG_SPF_NEUTRAL, AGG_SPF_TEMPERROR, AGG_SPF_PERMERROR,
        AGG_SPF_NONE,    AGG_SPF_FAIL,      AGG_SPF_NONE,
    };

    if (code == -1)
        return AGG_SPF_NONE; /* SPF was not evaluated */
    if (code >= 0 && (size_t)code < sizeof(map) / sizeof(map[0]))
        return map[code];
    return AGG_SPF_PERMERROR; /* 9-12 and anything else: our choice */
}

enum agg_spf_result
agg_spf9990_from_code(int code)
{
    return code == 8 ? AGG_SPF_POLICY : agg_spf_from_code(code);
}

int
agg_policy_from_code(int code, enum agg_disposition *out)
{
    switch (code) {
    case 'n':
        *out = AGG_DISP_NONE;
        return 0;
    case 'q':
        *out = AGG_DISP_QUARANTINE;
        return 0;
    case 'r':
        *out = AGG_DISP_REJECT;
        return 0;
    default:
        return -1;
    }
}

enum agg_alignment
agg_alignment_from_code(int code)
{
    return code == 's' ? AGG_ALIGN_STRICT : AGG_ALIGN_RELAXED;
}

enum agg_dmarc_result
agg_dmarc_from_align(int code)
{
    return code == 4 ? AGG_DMARC_PASS : AGG_DMARC_FAIL;
}

enum agg_disposition
agg_disposition_from_action(int code)
{
    switch (code) {
    case 0: /* DMARC_RESULT_REJECT */
    case 1: /* DMARC_RESULT_DISCARD: never written; a rejection in effect */
        return AGG_DISP_REJECT;
    case 4: /* DMARC_RESULT_QUARANTINE */
        return AGG_DISP_QUARANTINE;
    default: /* 2 accept, 3 tempfail: delivered or retried as is */
        return AGG_DISP_NONE;
    }
}

int
agg_reason_from_name(const char *name, enum agg_reason_type *out)
{
    for (unsigned i = 0; i <= (unsigned)AGG_REASON_OTHER; i++) {
        if (strcmp(name, agg_reason_str((enum agg_reason_type)i)) == 0) {
            *out = (enum agg_reason_type)i;
            return 0;
        }
    }
    return -1;
}

int
agg_reason9990_from_name(const char *name, enum agg_reason_type *out)
{
    static const enum agg_reason_type known[] = {
        AGG_REASON_TRUSTED_FORWARDER, AGG_REASON_MAILING_LIST,
        AGG_REASON_LOCAL_POLICY, AGG_REASON_OTHER, AGG_REASON_POLICY_TEST_MODE
    };

    for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
        if (strcmp(name, agg_reason_str(known[i])) == 0) {
            *out = known[i];
            return 0;
        }
    }
    return -1;
}

int
agg_np_from_code(int code, enum agg_disposition *out)
{
    switch (code) {
    case 1:
        *out = AGG_DISP_NONE;
        return 0;
    case 2:
        *out = AGG_DISP_QUARANTINE;
        return 0;
    case 3:
        *out = AGG_DISP_REJECT;
        return 0;
    default:
        return -1;
    }
}

const char *
agg_discovery_str(enum agg_discovery d)
{
    switch (d) {
    case AGG_DISCOVERY_PSL:
        return "psl";
    case AGG_DISCOVERY_TREEWALK:
        return "treewalk";
    case AGG_DISCOVERY_UNKNOWN:
        break;
    }
    return NULL;
}

/* pick - names[i] when i is in range; a bug otherwise */
static const char *
pick(const char *const *names, size_t n, unsigned i)
{
    if (i >= n)
        log_panic("agg: enumeration value %u out of range", i);
    return names[i];
}

#define PICK(names, v) pick((names), sizeof(names) / sizeof((names)[0]), (v))

const char *
agg_disposition_str(enum agg_disposition d)
{
    static const char *const names[] = { "none", "quarantine", "reject" };
    return PICK(names, (unsigned)d);
}

const char *
agg_alignment_str(enum agg_alignment a)
{
    static const char *const names[] = { "r", "s" };
    return PICK(names, (unsigned)a);
}

const char *
agg_dmarc_result_str(enum agg_dmarc_result r)
{
    static const char *const names[] = { "pass", "fail" };
    return PICK(names, (unsigned)r);
}

const char *
agg_reason_str(enum agg_reason_type t)
{
    static const char *const names[] = { "forwarded",         "sampled_out",
                                         "trusted_forwarder", "mailing_list",
                                         "local_policy",      "other",
                                         "policy_test_mode" };
    return PICK(names, (unsigned)t);
}

const char *
agg_dkim_result_str(enum agg_dkim_result r)
{
    static const char *const names[] = { "none",     "pass",    "fail",
                                         "policy",   "neutral", "temperror",
                                         "permerror" };
    return PICK(names, (unsigned)r);
}

const char *
agg_spf_result_str(enum agg_spf_result r)
{
    static const char *const names[] = { "none",      "neutral",  "pass",
                                         "fail",      "softfail", "temperror",
                                         "permerror", "policy" };
    return PICK(names, (unsigned)r);
}

const char *
agg_spf_scope_str(enum agg_spf_scope s)
{
    static const char *const names[] = { "helo", "mfrom" };
    return PICK(names, (unsigned)s);
}
