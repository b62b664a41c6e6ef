/*
 * afrf_job - copies an end-of-message event into a queued report.
 *
 * Untrusted text (header fields, addresses, selectors) is copied as is;
 * afrf_msg.c makes it safe where it becomes a header field.  The header
 * block keeps the fields in order with their folding, line ends made
 * CRLF.  Redaction (RFC 6590) covers the address fields of the header
 * and Original-Mail-From / Original-Rcpt-To; the body is never attached
 * when redacting (it could hold any address).
 *
 * STANDARDS: RFC 6591 section 3 and RFC 7489 section 7.3.1 (what goes
 * in), RFC 8601 (the Authentication-Results value written), RFC 6590,
 * RFC 3834 section 2 (Auto-Submitted), RFC 6522 (multipart/report),
 * RFC 6376 section 3.5 (i= defaults to "@" d).
 *
 * Thread safety: pure but for allocation.
 */
#include "reporter/afrf_job.h"

#include <arpa/inet.h>
#include <assert.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/ascii.h"
#include "common/str.h"
#include "common/xalloc.h"

/* AFRF_JOB_AR - the Authentication-Results value written in the report */
#define AFRF_JOB_AR 4096

/* keep - take ownership of s (may be NULL) and return it */
static const char *
keep(struct afrf_job *j, char *s)
{
    if (s == NULL)
        return NULL;
    assert(j->n_own < sizeof(j->own) / sizeof(j->own[0]));
    j->own[j->n_own++] = s;
    return s;
}

/* dup - keep a copy of s (NULL stays NULL) */
static const char *
dup(struct afrf_job *j, const char *s)
{
    return s == NULL ? NULL : keep(j, xstrdup(s));
}

/* dup_redacted - a copy of s with local parts redacted when k is set */
static const char *
dup_redacted(struct afrf_job *j, const char *s, const struct redact_key *k)
{
    struct buf b;

    if (s == NULL || k == NULL)
        return dup(j, s);
    buf_init(&b, AFRF_MSG_MAX);
    if (redact_text(k, s, &b) < 0) {
        buf_free(&b);
        return dup(j, "(redacted)");
    }
    return keep(j, buf_steal(&b));
}

/* hdr_value - append v with every line end as CRLF */
static int
hdr_value(struct buf *out, const char *v)
{
    for (; *v != '\0'; v++) {
        if (*v == '\r' && v[1] == '\n')
            continue;
        if (*v == '\r' || *v == '\n') {
            if (buf_append(out, "\r\n", 2) < 0)
                return -1;
            continue;
        }
        if (buf_putc(out, *v) < 0)
            return -1;
    }
    return 0;
}

/* header_block - the original header fields, redacted as asked */
static int
header_block(struct afrf_job *j, const struct afrf_event *ev,
             const struct redact_key *k)
{
    struct buf red;
    int rc = 0;

    buf_init(&red, AFRF_MSG_MAX);
    for (size_t i = 0; i < ev->n_hdrs && rc == 0; i++) {
        const char *v = ev->hdrs[i].value;

        if (k != NULL && redact_is_address_field(ev->hdrs[i].name)) {
            buf_reset(&red);
            if (redact_text(k, v, &red) < 0) {
                rc = -1;
                break;
            }
            v = buf_cstr(&red);
        }
        if (buf_printf(&j->hdrs, "%s: ", ev->hdrs[i].name) < 0 ||
            hdr_value(&j->hdrs, v) < 0 || buf_append(&j->hdrs, "\r\n", 2) < 0)
            rc = -1;
    }
    buf_free(&red);
    return rc;
}

/* auth_results - "authserv; dmarc=R header.from=D; spf=R smtp.mailfrom=
 * S; dkim=R header.d=D header.s=S ..." (RFC 8601 section 2.2) */
static const char *
auth_results(struct afrf_job *j, const struct afrf_event *ev)
{
    static const char *const dmarc[] = { "none", "pass", "fail", "temperror",
                                         "permerror" };
    struct buf b;

    buf_init(&b, AFRF_JOB_AR);
    if (buf_printf(&b, "%s; dmarc=%s header.from=%s",
                   ev->authserv_id != NULL ? ev->authserv_id : "localhost",
                   dmarc[ev->dmarc], ev->from_domain) < 0)
        goto out;
    if (buf_printf(&b, "; spf=%s", afrf_auth_name(ev->spf)) < 0 ||
        (ev->spf_domain != NULL &&
         buf_printf(&b, " smtp.mailfrom=%s", ev->spf_domain) < 0))
        goto out;
    for (size_t i = 0; i < ev->n_dkim && i < AFRF_MAX_DKIM; i++) {
        const struct afrf_dkim *d = &ev->dkim[i];

        if (buf_printf(&b, "; dkim=%s header.d=%s", afrf_auth_name(d->result),
                       d->domain) < 0 ||
            (d->selector != NULL &&
             buf_printf(&b, " header.s=%s", d->selector) < 0))
            goto out;
    }
out:
    return keep(j, buf_steal(&b));
}

/* alignment - Identity-Alignment as RFC 9991 section 4 defines it: the
 * mechanisms that did NOT produce an aligned pass, or "none" when both
 * did.  RFC 7489 section 7.3.1 listed the ones that did; RFC 9991
 * obsoletes that text and reverses the meaning (same grammar), so a
 * DMARC failure, where neither passed aligned, reads "dkim, spf". */
static const char *
alignment(const struct afrf_event *ev)
{
    bool dkim = false;
    bool spf = ev->spf == AFRF_AUTH_PASS && ev->is_spf_aligned;

    for (size_t i = 0; i < ev->n_dkim; i++)
        dkim = dkim ||
               (ev->dkim[i].result == AFRF_AUTH_PASS && ev->dkim[i].is_aligned);
    if (!dkim && !spf)
        return "dkim, spf";
    if (!dkim)
        return "dkim";
    return !spf ? "spf" : "none";
}

/* pick_dkim - the signature the DKIM-* fields describe: an aligned one
 * that failed, else any that failed, else an aligned one, else the
 * first; NULL when unsigned */
static const struct afrf_dkim *
pick_dkim(const struct afrf_event *ev)
{
    const struct afrf_dkim *best = NULL;
    int best_score = -1;

    for (size_t i = 0; i < ev->n_dkim; i++) {
        const struct afrf_dkim *d = &ev->dkim[i];
        int score = (d->result != AFRF_AUTH_PASS ? 2 : 0) + (d->is_aligned);

        if (d->domain != NULL && score > best_score) {
            best = d;
            best_score = score;
        }
    }
    return best;
}

/* is_dns_name - s has the shape of a DNS name: labels of letters,
 * digits, '-' and '_' (selectors, RFC 6376 section 3.1), each 1-63
 * bytes, at most 253 in all (RFC 1035 section 2.3.4) */
static bool
is_dns_name(const char *s)
{
    size_t label = 0;
    size_t len = 0;

    for (; s[len] != '\0'; len++) {
        char ch = s[len];

        if (ch == '.') {
            if (label == 0)
                return false;
            label = 0;
            continue;
        }
        if (!ascii_is_alnum(ch) && ch != '-' && ch != '_')
            return false;
        if (++label > 63)
            return false;
    }
    return len > 0 && len <= 253 && label > 0;
}

/* dkim_fields - DKIM-Domain, -Selector, -Identity (RFC 6591 section
 * 3.2: d-name, selector, [local-part] "@" domain-name): a value that
 * breaks its grammar is left out rather than written */
static void
dkim_fields(struct afrf_job *j, const struct afrf_event *ev)
{
    const struct afrf_dkim *d = pick_dkim(ev);
    const char *at;
    char id[300];

    if (d == NULL || !is_dns_name(d->domain))
        return;
    j->r.dkim_domain = dup(j, d->domain);
    if (d->selector != NULL && is_dns_name(d->selector))
        j->r.dkim_selector = dup(j, d->selector);
    at = d->identity != NULL ? strrchr(d->identity, '@') : NULL;
    if (at != NULL && is_dns_name(at + 1)) {
        j->r.dkim_identity = dup(j, d->identity);
        return;
    }
    /* RFC 6376 section 3.5: i= defaults to "@" d */
    (void)snprintf(id, sizeof(id), "@%s", d->domain);
    j->r.dkim_identity = dup(j, id);
}

/* source_ip - a copy of the client address when it is an IP literal,
 * else NULL: RFC 5965 section 3.5 allows only IPv4address / IPv6address
 * in Source-IP, so an unknown address leaves the field out rather than
 * filling it with a placeholder */
static const char *
source_ip(struct afrf_job *j, const char *ip)
{
    unsigned char a[sizeof(struct in6_addr)];

    if (ip == NULL ||
        (inet_pton(AF_INET, ip, a) != 1 && inet_pton(AF_INET6, ip, a) != 1))
        return NULL;
    return dup(j, ip);
}

/* copy_fields - the report's scalar and string fields */
static void
copy_fields(struct afrf_job *j, const struct afrf_event *ev,
            const struct afrf_job_opts *o)
{
    static const char *const deliv[] = { "delivered", "spam", "policy",
                                         "reject", "other" };
    static const char *const dmarc[] = { "none", "pass", "fail", "temperror",
                                         "permerror" };

    j->r.kind = o->kind;
    j->r.from = dup(j, o->from);
    j->r.host = dup(j, o->host);
    j->r.user_agent = "dmarcsuite/" DMARC_VERSION;
    j->r.jobid = dup(j, ev->jobid);
    j->r.arrival = ev->arrival;
    j->r.source_ip = source_ip(j, ev->client_ip);
    j->r.source_port = ev->client_port;
    j->r.mail_from = dup_redacted(j, ev->mail_from, o->key);
    j->r.rcpt_to = dup_redacted(j, ev->rcpt_to, o->key);
    j->r.domain = dup(j, ev->from_domain);
    j->r.auth_results = auth_results(j, ev);
    j->r.alignment = alignment(ev);
    j->r.delivery = deliv[ev->delivery];
    j->r.dmarc = dmarc[ev->dmarc];
    dkim_fields(j, ev);
}

/* body_copy - the body (len bytes at p) for the message/rfc822 part,
 * every line end CRLF (RFC 5322 section 2.1; the MTA sends CRLF, a bare
 * LF or CR is made one), when it fits AFRF_MAX_BODY; otherwise none: the
 * report carries the header only, never a cut body */
static void
body_copy(struct afrf_job *j, const char *p, size_t len)
{
    struct buf b;
    int rc = 0;

    buf_init(&b, AFRF_MAX_BODY);
    for (size_t i = 0; i < len && rc == 0; i++) {
        if (p[i] == '\r' && i + 1 < len && p[i + 1] == '\n')
            continue; /* the LF writes the pair */
        if (p[i] == '\r' || p[i] == '\n')
            rc = buf_append(&b, "\r\n", 2);
        else
            rc = buf_putc(&b, p[i]);
    }
    if (rc < 0) {
        buf_free(&b);
        return;
    }
    j->r.body_len = b.len;
    j->r.body = keep(j, buf_steal(&b)); /* "" for an empty body */
}

struct afrf_job *
afrf_job_new(const struct afrf_event *ev, const struct afrf_job_opts *o,
             const char **why)
{
    struct afrf_job *j = xcalloc(1, sizeof(*j));

    buf_init(&j->hdrs, AFRF_MSG_MAX);
    copy_fields(j, ev, o);
    j->policy_domain = xstrdup(ev->policy_domain != NULL ? ev->policy_domain
                                                         : ev->from_domain);
    j->rec_text =
        ev->rec != NULL ? xstrndup(ev->rec->text, ev->rec->text_len) : NULL;
    j->spf_domain = ev->spf_domain != NULL ? xstrdup(ev->spf_domain) : NULL;
    if (header_block(j, ev, o->key) < 0) {
        *why = "header too large for a report";
        afrf_job_free(j);
        return NULL;
    }
    j->r.headers = buf_cstr(&j->hdrs);
    j->r.headers_len = j->hdrs.len;
    if (o->is_body && o->key == NULL && ev->body != NULL)
        body_copy(j, ev->body, ev->body_len);
    return j;
}

void
afrf_job_free(struct afrf_job *j)
{
    if (j == NULL)
        return;
    for (size_t i = 0; i < j->n_own; i++)
        free(j->own[i]);
    free(j->policy_domain);
    free(j->rec_text);
    free(j->spf_domain);
    buf_free(&j->hdrs);
    free(j);
}

bool
afrf_job_is_report(const struct afrf_event *ev, const char **why)
{
    if (ev->mail_from == NULL || ev->mail_from[0] == '\0') {
        *why = "null envelope sender";
        return true;
    }
    for (size_t i = 0; i < ev->n_hdrs; i++) {
        struct str v = str_trim(str_cstr(ev->hdrs[i].value));

        if (ascii_casecmp(ev->hdrs[i].name, "Auto-Submitted") == 0 &&
            !(v.len >= 2 && ascii_ncaseeq(v.p, "no", 2) &&
              (v.len == 2 || v.p[2] == ';' || v.p[2] == ' ' || v.p[2] == '\t' ||
               v.p[2] == '('))) {
            *why = "Auto-Submitted message";
            return true;
        }
        if (ascii_casecmp(ev->hdrs[i].name, "Content-Type") == 0 &&
            v.len >= 16 && ascii_ncaseeq(v.p, "multipart/report", 16)) {
            *why = "the message is a report";
            return true;
        }
    }
    return false;
}
