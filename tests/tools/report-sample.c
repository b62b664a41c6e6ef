/*
 * report-sample - write a sample aggregate report, its mail and an error
 * report into a folder, for the integration tests (xmllint, gzip,
 * dmarc-cat, Python's email parser).
 *
 * Usage: report-sample DIR [SENDMAIL]
 * Writes DIR/report.xml (plain), DIR/<file name>.xml.gz (the same report
 * compressed), DIR/report.eml, DIR/error.eml and DIR/names (the file
 * name, then the Subject, then the report id, then the encoded size).
 * With SENDMAIL (an absolute path), also delivers report.eml through it.
 *
 * STANDARDS: RFC 7489 Appendix C, section 7.2.1.1 and 7.2.2.
 * Thread safety: a single-threaded program.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "common/buf.h"
#include "reporter/deliver.h"
#include "reporter/mail.h"
#include "reporter/naming.h"
#include "reporter/xml.h"

/* SAMPLE_BEGIN - 2025-12-02 00:00 UTC; one day */
#define SAMPLE_BEGIN 1764633600
#define SAMPLE_END   (SAMPLE_BEGIN + 86400)

/* the sample rows' varying parts */
static const struct {
    const char *ip;      /* source */
    uint64_t count;      /* messages */
    const char *envfrom; /* envelope_from ("" for the null sender) */
    int dkim_code;       /* history ARES code of the DKIM result */
    int spf_code;        /* history ARES code of the SPF result */
    bool is_forwarded;   /* add a forwarded reason */
} sample_rows[] = {
    { "192.0.2.1", 120, "example.org", 0, 0, false },
    { "2001:db8::25", 7, "bounce.example.org", 7, 2, false },
    { "198.51.100.7", 3, "", 10, 8, true },
    { "203.0.113.9", 1, "list.example.net", -1, -1, true },
};

/* write_file - len bytes to dir/name */
static int
write_file(const char *dir, const char *name, const char *p, size_t len)
{
    char path[4096];
    FILE *f;
    size_t n;

    (void)snprintf(path, sizeof(path), "%s/%s", dir, name);
    f = fopen(path, "wb");
    if (f == NULL)
        return -1;
    n = fwrite(p, 1, len, f);
    if (fclose(f) != 0 || n != len)
        return -1;
    return 0;
}

/* fill_row - sample_rows[i] into r; 0, or -1 when a list is full */
static int
fill_row(struct agg_row *r, size_t i)
{
    struct agg_dkim d = { "example.org", "s2025", AGG_DKIM_NONE,
                          "A & B <sig>" };
    struct agg_spf s = { sample_rows[i].envfrom, AGG_SCOPE_MFROM,
                         agg_spf_from_code(sample_rows[i].spf_code) };
    struct agg_spf helo = { "mx.example.org", AGG_SCOPE_HELO, AGG_SPF_PASS };

    agg_row_reset(r);
    r->source_ip = sample_rows[i].ip;
    r->count = sample_rows[i].count;
    r->header_from = "example.org";
    r->envelope_from = sample_rows[i].envfrom;
    r->envelope_to = i == 0 ? "receiver.example" : NULL;
    r->dkim = sample_rows[i].dkim_code == 0 ? AGG_DMARC_PASS : AGG_DMARC_FAIL;
    r->spf = sample_rows[i].spf_code == 0 ? AGG_DMARC_PASS : AGG_DMARC_FAIL;
    r->disposition =
        r->dkim == AGG_DMARC_PASS ? AGG_DISP_NONE : AGG_DISP_QUARANTINE;
    if (sample_rows[i].is_forwarded) {
        r->disposition = AGG_DISP_NONE;
        if (agg_row_add_reason(r, AGG_REASON_FORWARDED, NULL) < 0 ||
            agg_row_add_reason(r, AGG_REASON_LOCAL_POLICY,
                               "arc=pass as[2].d=list.example.net") < 0)
            return -1;
    }
    d.result = agg_dkim_from_code(sample_rows[i].dkim_code);
    if (agg_row_add_dkim(r, &d) < 0)
        return -1;
    return agg_row_add_spf(r, s.domain[0] == '\0' ? &helo : &s);
}

/* make_report - the sample report, gzip or plain */
static char *
make_report(const char *id, bool is_gzip, size_t *len)
{
    const struct agg_meta m = { "Receiver \xc3\x89xample Inc.",
                                "dmarc-reports@receiver.example",
                                "https://receiver.example/dmarc",
                                id,
                                SAMPLE_BEGIN,
                                SAMPLE_END,
                                NULL,
                                0 };
    struct agg_policy p;
    struct agg_row r;
    struct xml_report *x;
    const char *why = NULL;
    char *out = NULL;

    agg_policy_init(&p, "example.org");
    p.p = AGG_DISP_QUARANTINE;
    p.sp = AGG_DISP_QUARANTINE;
    p.fo = "1:d";
    x = xml_begin(&m, &p, is_gzip, (size_t)1 << 24, &why);
    agg_row_init(&r);
    for (size_t i = 0;
         x != NULL && i < sizeof(sample_rows) / sizeof(sample_rows[0]); i++) {
        if (fill_row(&r, i) < 0 || xml_row(x, &r, &why) != XML_OK)
            break;
    }
    if (x == NULL || xml_end(x, &out, len, &why) < 0)
        fprintf(stderr, "report-sample: %s\n", why);
    xml_free(x);
    agg_row_free(&r);
    return out;
}

/* write_mails - report.eml and error.eml; send the first through
 * sendmail when given */
static int
write_mails(const char *dir, const struct naming_report *n, const char *gz,
            size_t gz_len, const char *sendmail)
{
    char file[NAMING_FILE_SIZE];
    char subject[NAMING_SUBJECT_SIZE];
    const char *why = NULL;
    const char *uris[] = { "mailto:rua@example.org!1k" };
    struct mail_report m;
    struct mail_error e;
    struct buf b;
    struct buf names;
    int rc = 0;

    if (naming_filename(n, file, sizeof(file), &why) < 0 ||
        naming_subject(n, subject, sizeof(subject), &why) < 0) {
        fprintf(stderr, "report-sample: %s\n", why);
        return -1;
    }
    m = (struct mail_report){ "dmarc-noreply@receiver.example",
                              "rua@example.org",
                              SAMPLE_END + 300,
                              "receiver.example",
                              subject,
                              n->policy_domain,
                              "Receiver \xc3\x89xample Inc.",
                              n->begin,
                              n->end,
                              file,
                              gz,
                              gz_len };
    e = (struct mail_error){ m.from,
                             m.to,
                             m.date,
                             m.msgid_domain,
                             n->policy_domain,
                             n->id,
                             mail_encoded_size(gz_len),
                             n->receiver,
                             uris,
                             1 };
    buf_init(&b, (size_t)1 << 26);
    buf_init(&names, 4096);
    if (mail_build_report(&m, &b, &why) < 0 ||
        write_file(dir, "report.eml", b.data, b.len) < 0 ||
        write_file(dir, file, gz, gz_len) < 0)
        rc = -1;
    if (rc == 0 && sendmail != NULL) {
        const char *rcpt[] = { "rua@example.org" };
        struct deliver_sendmail o = { sendmail, NULL, 30 };
        struct deliver_envelope env = { "bounce@receiver.example", rcpt, 1 };

        if (deliver_sendmail(&o, &env, b.data, b.len, &why) != DELIVER_SENT)
            rc = -1;
    }
    buf_reset(&b);
    if (rc == 0 && (mail_build_error(&e, &b, &why) < 0 ||
                    write_file(dir, "error.eml", b.data, b.len) < 0 ||
                    buf_printf(&names, "%s\n%s\n%s\n%" PRIu64 "\n", file,
                               subject, n->id, mail_encoded_size(gz_len)) < 0 ||
                    write_file(dir, "names", names.data, names.len) < 0))
        rc = -1;
    if (rc < 0)
        fprintf(stderr, "report-sample: %s\n", why ? why : "write failed");
    buf_free(&b);
    buf_free(&names);
    return rc;
}

int
main(int argc, char **argv)
{
    struct naming_report n = { "receiver.example", "example.org", SAMPLE_BEGIN,
                               SAMPLE_END, NULL };
    char id[NAMING_ID_SIZE];
    char *xml;
    char *gz;
    size_t xml_len = 0;
    size_t gz_len = 0;
    int rc = EX_OK;

    if (argc < 2 || argc > 3) {
        fprintf(stderr, "usage: report-sample DIR [SENDMAIL]\n");
        return EX_USAGE;
    }
    if (naming_report_id("Receiver Example Inc.", n.policy_domain, n.begin,
                         n.end, id, sizeof(id)) < 0)
        return EX_SOFTWARE;
    n.id = id;
    xml = make_report(id, false, &xml_len);
    gz = make_report(id, true, &gz_len);
    if (xml == NULL || gz == NULL ||
        write_file(argv[1], "report.xml", xml, xml_len) < 0 ||
        write_mails(argv[1], &n, gz, gz_len, argc == 3 ? argv[2] : NULL) < 0)
        rc = EX_CANTCREAT;
    free(xml);
    free(gz);
    return rc;
}
