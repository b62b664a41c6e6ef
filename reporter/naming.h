/*
 * naming - the report's identifiers: report_id, file name and Subject.
 *
 * One report id, made of letters and digits only, is used unchanged as the
 * XML <report_id>, as the file name's unique-id and (in angle brackets) as
 * the Subject's Report-ID.  It is derived from (reporting organization,
 * policy domain, begin, end) alone, so a retried delivery gets the same id
 * and the same file name even if the caller did not store them; callers
 * still store it with the report.
 *
 * Thread safety: pure functions.
 */
#ifndef DMARC_REPORTER_NAMING_H
#define DMARC_REPORTER_NAMING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/log.h"

/* NAMING_ID_SIZE - a report id: up to 20 digits of begin, 13 base32
 * letters and digits of the hash, NUL */
#define NAMING_ID_SIZE 40
/* NAMING_MAX_DOMAIN - a domain name in presentation form (RFC 1035
 * section 2.3.4) */
#define NAMING_MAX_DOMAIN 253
/* NAMING_FILE_SIZE - receiver!domain!begin!end!id.xml.gz and NUL */
#define NAMING_FILE_SIZE (2 * NAMING_MAX_DOMAIN + 2 * 21 + NAMING_ID_SIZE + 16)
/* NAMING_SUBJECT_SIZE - the Subject value and NUL */
#define NAMING_SUBJECT_SIZE (2 * NAMING_MAX_DOMAIN + NAMING_ID_SIZE + 64)

/* naming_report_id - the id of the report of org for policy_domain over
 * [begin, end): the decimal begin (so a person sees the period) followed
 * by 13 characters of base32 (RFC 4648 alphabet, lower case) of a 64-bit
 * FNV-1a hash of org, the lower-cased domain, begin and end.  Two periods
 * of one domain never share a begin, and a different end or organization
 * changes the hash.  out gets NAMING_ID_SIZE bytes.  0, or -1 when begin
 * is negative or end <= begin. */
int naming_report_id(const char *org, const char *policy_domain, int64_t begin,
                     int64_t end, char *out, size_t out_size) WARN_UNUSED;

/* naming_domain_ok - true when s is a domain name safe in a file name and
 * a header: 1..253 bytes of letters, digits, '-', '_' and '.', no empty
 * label, at most 63 bytes a label. */
bool naming_domain_ok(const char *s);

/* the parts that name one report; all borrowed */
struct naming_report {
    const char *receiver;      /* the reporting domain (file name
                                  "receiver", Subject "Submitter") */
    const char *policy_domain; /* where the DMARC record was found */
    int64_t begin;             /* period start, epoch seconds UTC */
    int64_t end;               /* period end, epoch seconds UTC */
    const char *id;            /* naming_report_id() */
};

/* naming_filename - "receiver!policy-domain!begin!end!id.xml.gz" (RFC 7489
 * section 7.2.1.1 with erratum 5365's extension).  Both domains must pass
 * naming_domain_ok, the id must be 1..39 letters and digits, end > begin
 * >= 0.  out gets NAMING_FILE_SIZE bytes.  0, or -1 with *why. */
int naming_filename(const struct naming_report *n, char *out, size_t out_size,
                    const char **why) WARN_UNUSED;

/* naming_subject - "Report Domain: <policy_domain> Submitter: <receiver>
 * Report-ID: <<id>>" (RFC 7489 section 7.2.1.1; the id in angle brackets,
 * "<" dot-atom-text ">", as erratum 6485 and RFC 9990's ridtxt have it,
 * so the Subject, the XML and the file name carry the same id).  Checks
 * as naming_filename.  out gets NAMING_SUBJECT_SIZE bytes.  0, or -1 with
 * *why. */
int naming_subject(const struct naming_report *n, char *out, size_t out_size,
                   const char **why) WARN_UNUSED;

#endif
