/*
 * naming - the report's identifiers: report_id, file name and Subject.
 *
 * Builds the three strings from checked parts; it never escapes anything,
 * it refuses input that would need escaping (a file name or a header must
 * not carry what a DNS or database string might hold).
 *
 * STANDARDS: RFC 7489 section 7.2.1.1 (file name, Subject), errata 5365
 * (".xml.gz") and 6485 (Report-ID in angle brackets); RFC 9990 section
 * 3.1.4 (same id everywhere, kept on a resend); RFC 4648 section 6
 * (base32 alphabet); FNV-1a (draft-eastlake-fnv) for the hash.
 *
 * Thread safety: pure functions.
 */
#include "reporter/naming.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "common/ascii.h"

/* FNV-1a 64-bit parameters */
#define NAMING_FNV_OFFSET 14695981039346656037ULL
#define NAMING_FNV_PRIME  1099511628211ULL
/* NAMING_MAX_LABEL - RFC 1035 section 2.3.4 */
#define NAMING_MAX_LABEL 63

/* fnv_add - hash len bytes at p into h, then a NUL separator */
static uint64_t
fnv_add(uint64_t h, const char *p, size_t len, bool is_fold)
{
    for (size_t i = 0; i <= len; i++) {
        char c = '\0';

        if (i < len)
            c = p[i];

        h ^= (unsigned char)(is_fold ? ascii_lower(c) : c);
        h *= NAMING_FNV_PRIME;
    }
    return h;
}

int
naming_report_id(const char *org, const char *policy_domain, int64_t begin,
                 int64_t end, char *out, size_t out_size)
{
    static const char b32[] = "abcdefghijklmnopqrstuvwxyz234567";
    char num[48];
    uint64_t h = NAMING_FNV_OFFSET;
    int n;

    if (begin < 0 || end <= begin || out_size < NAMING_ID_SIZE)
        return -1;
    h = fnv_add(h, org, strlen(org), false);
    h = fnv_add(h, policy_domain, strlen(policy_domain), true);
    n = snprintf(num, sizeof(num), "%" PRId64 " %" PRId64, begin, end);
    if (n < 0 || (size_t)n >= sizeof(num))
        return -1;
    h = fnv_add(h, num, (size_t)n, false);
    n = snprintf(out, out_size, "%" PRId64, begin);
    if (n < 0 || (size_t)n + 14 > out_size)
        return -1;
    /* 12 groups of 5 bits from the top, then the last 4 bits */
    for (size_t i = 0; i < 12; i++)
        out[(size_t)n + i] = b32[(h >> (59 - 5 * i)) & 31];
    out[(size_t)n + 12] = b32[h & 15];
    out[(size_t)n + 13] = '\0';
    return 0;
}

bool
naming_domain_ok(const char *s)
{
    size_t len = strlen(s);
    size_t label = 0;

    if (len == 0 || len > NAMING_MAX_DOMAIN)
        return false;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];

        if (c == '.') {
            if (label == 0)
                return false;
            label = 0;
            continue;
        }
        if (!ascii_is_alnum(c) && c != '-' && c != '_')
            return false;
        if (++label > NAMING_MAX_LABEL)
            return false;
    }
    return label > 0;
}

/* id_ok - 1..NAMING_ID_SIZE-1 letters and digits (RFC 7489 unique-id) */
static bool
id_ok(const char *id)
{
    size_t len = strlen(id);

    if (len == 0 || len >= NAMING_ID_SIZE)
        return false;
    for (size_t i = 0; i < len; i++) {
        if (!ascii_is_alnum(id[i]))
            return false;
    }
    return true;
}

/* report_ok - the checks shared by naming_filename and naming_subject */
static int
report_ok(const struct naming_report *n, const char **why)
{
    if (!naming_domain_ok(n->receiver) || !naming_domain_ok(n->policy_domain)) {
        *why = "receiver or policy domain is not a domain name";
        return -1;
    }
    if (!id_ok(n->id)) {
        *why = "report id is not 1-39 letters and digits";
        return -1;
    }
    if (n->begin < 0 || n->end <= n->begin) {
        *why = "bad date range";
        return -1;
    }
    return 0;
}

int
naming_filename(const struct naming_report *n, char *out, size_t out_size,
                const char **why)
{
    int len;

    if (report_ok(n, why) < 0)
        return -1;
    len = snprintf(out, out_size, "%s!%s!%" PRId64 "!%" PRId64 "!%s.xml.gz",
                   n->receiver, n->policy_domain, n->begin, n->end, n->id);
    if (len < 0 || (size_t)len >= out_size) {
        *why = "file name buffer too small";
        return -1;
    }
    return 0;
}

int
naming_subject(const struct naming_report *n, char *out, size_t out_size,
               const char **why)
{
    int len;

    if (report_ok(n, why) < 0)
        return -1;
    len = snprintf(out, out_size,
                   "Report Domain: %s Submitter: %s Report-ID: <%s>",
                   n->policy_domain, n->receiver, n->id);
    if (len < 0 || (size_t)len >= out_size) {
        *why = "Subject buffer too small";
        return -1;
    }
    return 0;
}
