/*
 * afrf_spoolfile - the spool file format: one table of fields, shared
 * by the writer (afrf_spoolfile_encode) and the reader
 * (afrf_spoolfile_decode).  It knows nothing of directories, names or
 * tries (afrf_spool.c).
 *
 * The reader takes nothing on trust: every field must come in the
 * table's order with a decimal length within the file, text fields may
 * not hold NUL, numbers must be in range, and the file must end right
 * after the last field.
 *
 * STANDARDS: none (a private format, read only by afrf_spool.c).
 *
 * Thread safety: thread-safe (no state; the caller owns the buffers).
 */
#include "reporter/afrf_spoolfile.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "common/num.h"
#include "common/str.h"
#include "common/xalloc.h"

/* AFRF_SPOOLFILE_MAGIC - the first line of a spool file (format version 1) */
#define AFRF_SPOOLFILE_MAGIC "dmarcsuite-afrf-spool 1\n"

/* the fields, in file order */
enum spool_field {
    F_KIND,
    F_FROM,
    F_HOST,
    F_JOBID,
    F_ARRIVAL,
    F_SOURCE_IP,
    F_SOURCE_PORT,
    F_MAIL_FROM,
    F_RCPT_TO,
    F_DOMAIN,
    F_AUTH_RESULTS,
    F_ALIGNMENT,
    F_DELIVERY,
    F_DMARC,
    F_DKIM_DOMAIN,
    F_DKIM_SELECTOR,
    F_DKIM_IDENTITY,
    F_POLICY_DOMAIN,
    F_REC_TEXT,
    F_SPF_DOMAIN,
    F_HEADERS,
    F_BODY,
    F_COUNT /* not a field */
};

/* field names; a leading '!' marks a field that must be present */
static const char *const field_names[F_COUNT] = {
    "!kind",         "!from",          "!host",         "jobid",
    "!arrival",      "source-ip",      "!source-port",  "!mail-from",
    "rcpt-to",       "!domain",        "!auth-results", "alignment",
    "delivery",      "dmarc",          "dkim-domain",   "dkim-selector",
    "dkim-identity", "!policy-domain", "rec-text",      "spf-domain",
    "!headers",      "body",
};

/* opt - the slice of s, p NULL when s is */
static struct str
opt(const char *s)
{
    return s == NULL ? str_make(NULL, 0) : str_make(s, strlen(s));
}

/* job_fields - j's fields as slices; nums holds the numbers' text */
static void
job_fields(const struct afrf_job *j, struct str *v, char nums[3][24])
{
    const struct afrf_report *r = &j->r;

    (void)snprintf(nums[0], 24, "%d", (int)r->kind);
    (void)snprintf(nums[1], 24, "%lld", (long long)r->arrival);
    (void)snprintf(nums[2], 24, "%u", r->source_port);
    v[F_KIND] = opt(nums[0]);
    v[F_FROM] = opt(r->from);
    v[F_HOST] = opt(r->host);
    v[F_JOBID] = opt(r->jobid);
    v[F_ARRIVAL] = opt(nums[1]);
    v[F_SOURCE_IP] = opt(r->source_ip);
    v[F_SOURCE_PORT] = opt(nums[2]);
    v[F_MAIL_FROM] = opt(r->mail_from);
    v[F_RCPT_TO] = opt(r->rcpt_to);
    v[F_DOMAIN] = opt(r->domain);
    v[F_AUTH_RESULTS] = opt(r->auth_results);
    v[F_ALIGNMENT] = opt(r->alignment);
    v[F_DELIVERY] = opt(r->delivery);
    v[F_DMARC] = opt(r->dmarc);
    v[F_DKIM_DOMAIN] = opt(r->dkim_domain);
    v[F_DKIM_SELECTOR] = opt(r->dkim_selector);
    v[F_DKIM_IDENTITY] = opt(r->dkim_identity);
    v[F_POLICY_DOMAIN] = opt(j->policy_domain);
    v[F_REC_TEXT] = opt(j->rec_text);
    v[F_SPF_DOMAIN] = opt(j->spf_domain);
    v[F_HEADERS] =
        str_make(r->headers != NULL ? r->headers : "", r->headers_len);
    v[F_BODY] =
        r->body == NULL ? str_make(NULL, 0) : str_make(r->body, r->body_len);
}

int
afrf_spoolfile_encode(const struct afrf_job *j, struct buf *out)
{
    struct str v[F_COUNT];
    char nums[3][24];

    job_fields(j, v, nums);
    if (buf_append_str(out, AFRF_SPOOLFILE_MAGIC) < 0)
        return -1;
    for (size_t i = 0; i < F_COUNT; i++) {
        const char *name = field_names[i] + (field_names[i][0] == '!');

        if (v[i].p == NULL) {
            if (buf_printf(out, "%s -\n", name) < 0)
                return -1;
            continue;
        }
        if (buf_printf(out, "%s %zu\n", name, v[i].len) < 0 ||
            buf_append(out, v[i].p, v[i].len) < 0 || buf_putc(out, '\n') < 0)
            return -1;
    }
    return 0;
}

/* read_field - "<name> <len>\n<bytes>\n" or "<name> -\n" at *in into
 * *val (p NULL: absent); advances *in only on success; 0 or -1 */
static int
read_field(struct str *in, const char *name, struct str *val)
{
    size_t nl = str_chr(*in, '\n');
    size_t name_len = strlen(name);
    struct str num;
    uint64_t len;
    const char *why;

    if (nl == in->len || nl <= name_len + 1 ||
        memcmp(in->p, name, name_len) != 0 || in->p[name_len] != ' ')
        return -1;
    num = str_make(in->p + name_len + 1, nl - name_len - 1);
    if (num.len == 1 && num.p[0] == '-') {
        *val = str_make(NULL, 0);
        *in = str_make(in->p + nl + 1, in->len - nl - 1);
        return 0;
    }
    if (num_parse_u64(num, 0, AFRF_SPOOLFILE_MAX, &len, &why) < 0 ||
        len + 1 > in->len - nl - 1 || in->p[nl + 1 + len] != '\n')
        return -1;
    *val = str_make(in->p + nl + 1, (size_t)len);
    *in = str_make(in->p + nl + 2 + len, in->len - nl - 2 - len);
    return 0;
}

/* own_text - a new string of v kept by j, or NULL when v is absent */
static const char *
own_text(struct afrf_job *j, struct str v)
{
    char *s;

    if (v.p == NULL)
        return NULL;
    s = xmemdup0(v.p, v.len);
    j->own[j->n_own++] = s;
    return s;
}

/* set_text - the report's text fields from v */
static void
set_text(struct afrf_job *j, const struct str *v)
{
    struct afrf_report *r = &j->r;

    r->user_agent = "dmarcsuite/" DMARC_VERSION;
    r->from = own_text(j, v[F_FROM]);
    r->host = own_text(j, v[F_HOST]);
    r->jobid = own_text(j, v[F_JOBID]);
    /* leniency: a file spooled by an older version holds "unknown" for
     * a missing client address; it is read as absent (no Source-IP) */
    if (v[F_SOURCE_IP].p != NULL &&
        !str_eq(v[F_SOURCE_IP], str_cstr("unknown")))
        r->source_ip = own_text(j, v[F_SOURCE_IP]);
    r->mail_from = own_text(j, v[F_MAIL_FROM]);
    r->rcpt_to = own_text(j, v[F_RCPT_TO]);
    r->domain = own_text(j, v[F_DOMAIN]);
    r->auth_results = own_text(j, v[F_AUTH_RESULTS]);
    r->alignment = own_text(j, v[F_ALIGNMENT]);
    r->delivery = own_text(j, v[F_DELIVERY]);
    r->dmarc = own_text(j, v[F_DMARC]);
    r->dkim_domain = own_text(j, v[F_DKIM_DOMAIN]);
    r->dkim_selector = own_text(j, v[F_DKIM_SELECTOR]);
    r->dkim_identity = own_text(j, v[F_DKIM_IDENTITY]);
    if (v[F_BODY].p != NULL) {
        r->body = own_text(j, v[F_BODY]);
        r->body_len = v[F_BODY].len;
    }
    j->policy_domain = xmemdup0(v[F_POLICY_DOMAIN].p, v[F_POLICY_DOMAIN].len);
    j->rec_text = v[F_REC_TEXT].p == NULL
                      ? NULL
                      : xmemdup0(v[F_REC_TEXT].p, v[F_REC_TEXT].len);
    j->spf_domain = v[F_SPF_DOMAIN].p == NULL
                        ? NULL
                        : xmemdup0(v[F_SPF_DOMAIN].p, v[F_SPF_DOMAIN].len);
}

/* check_fields - presence and no NUL in text (the body may hold any
 * byte); 0 or -1 with *why */
static int
check_fields(const struct str *v, const char **why)
{
    for (size_t i = 0; i < F_COUNT; i++) {
        if (v[i].p == NULL && field_names[i][0] == '!') {
            *why = "a required field is absent";
            return -1;
        }
        if (i != F_BODY && v[i].p != NULL &&
            memchr(v[i].p, '\0', v[i].len) != NULL) {
            *why = "NUL in a text field";
            return -1;
        }
    }
    if (v[F_HEADERS].len > AFRF_MSG_MAX || v[F_BODY].len > AFRF_MAX_BODY) {
        *why = "header or body over its limit";
        return -1;
    }
    return 0;
}

/* build - the job of the fields v; NULL with *why */
static struct afrf_job *
build(const struct str *v, const char **why)
{
    struct afrf_job *j;
    uint64_t kind;
    uint64_t port;
    int64_t arrival;

    if (check_fields(v, why) < 0)
        return NULL;
    if (num_parse_u64(v[F_KIND], AFRF_KIND_DMARC, AFRF_KIND_SPF, &kind, why) <
            0 ||
        num_parse_i64(v[F_ARRIVAL], 0, INT64_MAX, &arrival, why) < 0 ||
        num_parse_u64(v[F_SOURCE_PORT], 0, 65535, &port, why) < 0)
        return NULL;
    j = xcalloc(1, sizeof(*j));
    buf_init(&j->hdrs, AFRF_MSG_MAX);
    if (buf_append(&j->hdrs, v[F_HEADERS].p, v[F_HEADERS].len) < 0) {
        afrf_job_free(j); /* cannot happen: the length was checked */
        *why = "header over its limit";
        return NULL;
    }
    j->r.kind = (enum afrf_kind)kind;
    j->r.arrival = arrival;
    j->r.source_port = (unsigned)port;
    j->r.headers = buf_cstr(&j->hdrs);
    j->r.headers_len = j->hdrs.len;
    set_text(j, v);
    return j;
}

enum afrf_spoolfile_status
afrf_spoolfile_decode(const char *p, size_t len, struct afrf_job **out,
                      const char **why)
{
    struct str in;
    struct str v[F_COUNT];
    size_t magic_len = strlen(AFRF_SPOOLFILE_MAGIC);

    if (len < magic_len || memcmp(p, AFRF_SPOOLFILE_MAGIC, magic_len) != 0) {
        *why = "not a spool file (version line)";
        return AFRF_SPOOLFILE_BAD;
    }
    in = str_make(p + magic_len, len - magic_len);
    for (size_t i = 0; i < F_COUNT; i++) {
        if (read_field(&in, field_names[i] + (field_names[i][0] == '!'),
                       &v[i]) < 0) {
            *why = "malformed or missing field";
            return AFRF_SPOOLFILE_BAD;
        }
    }
    if (in.len != 0) {
        *why = "trailing bytes";
        return AFRF_SPOOLFILE_BAD;
    }
    *out = build(v, why);
    return *out != NULL ? AFRF_SPOOLFILE_OK : AFRF_SPOOLFILE_BAD;
}
