/*
 * bench-xml - time the report writer: N reports of M rows each, written
 * as gzip XML and wrapped in the report mail, as dmarc-reports does.
 *
 * Usage: bench-xml REPORTS ROWS
 * Prints "reports=N rows=T seconds=S rows_per_second=R bytes=B".
 *
 * STANDARDS: none.  Thread safety: a single-threaded program.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <sysexits.h>
#include <time.h>

#include "common/buf.h"
#include "common/num.h"
#include "reporter/mail.h"
#include "reporter/naming.h"
#include "reporter/xml.h"

/* now_s - monotonic seconds */
static double
now_s(void)
{
    struct timespec ts;

    (void)clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* one_report - write report k with rows rows; its mail size, or 0 */
static size_t
one_report(uint64_t k, uint64_t rows, struct buf *mail)
{
    struct agg_meta m = { "Bench Receiver",
                          "dmarc@receiver.example",
                          NULL,
                          "1764633600bench",
                          1764633600,
                          1764720000,
                          NULL,
                          0 };
    struct agg_dkim d = { "example.org", "sel", AGG_DKIM_PASS, NULL };
    struct agg_spf s = { "example.org", AGG_SCOPE_MFROM, AGG_SPF_PASS };
    struct mail_report mr;
    struct agg_policy p;
    struct agg_row r;
    struct xml_report *x;
    const char *why = NULL;
    char ip[32];
    char *gz = NULL;
    size_t gz_len = 0;

    agg_policy_init(&p, "example.org");
    x = xml_begin(&m, &p, getenv("PLAIN") == NULL, (size_t)1 << 26, &why);
    agg_row_init(&r);
    for (uint64_t i = 0; x != NULL && i < rows; i++) {
        agg_row_reset(&r);
        (void)snprintf(ip, sizeof(ip), "10.%u.%u.%u", (unsigned)(k & 255),
                       (unsigned)((i >> 8) & 255), (unsigned)(i & 255));
        r.source_ip = ip;
        r.count = i + 1;
        r.header_from = "example.org";
        r.envelope_from = "example.org";
        if (agg_row_add_dkim(&r, &d) < 0 || agg_row_add_spf(&r, &s) < 0 ||
            xml_row(x, &r, &why) != XML_OK)
            break;
    }
    agg_row_free(&r);
    if (x == NULL || xml_end(x, &gz, &gz_len, &why) < 0) {
        fprintf(stderr, "bench-xml: %s\n", why);
        xml_free(x);
        return 0;
    }
    xml_free(x);
    mr = (struct mail_report){ "dmarc@receiver.example",
                               "rua@example.org",
                               1764720300,
                               "receiver.example",
                               "Report Domain: example.org",
                               "example.org",
                               "Bench",
                               1764633600,
                               1764720000,
                               "bench.xml.gz",
                               gz,
                               gz_len };
    buf_reset(mail);
    if (mail_build_report(&mr, mail, &why) < 0)
        mail->len = 0;
    free(gz);
    return mail->len;
}

int
main(int argc, char **argv)
{
    uint64_t reports;
    uint64_t rows;
    uint64_t bytes = 0;
    struct buf mail;
    double t0;
    double t;

    if (argc != 3 ||
        num_parse_u64(str_cstr(argv[1]), 1, 1000000, &reports, NULL) < 0 ||
        num_parse_u64(str_cstr(argv[2]), 1, 10000000, &rows, NULL) < 0) {
        fprintf(stderr, "usage: bench-xml REPORTS ROWS\n");
        return EX_USAGE;
    }
    buf_init(&mail, (size_t)1 << 28);
    t0 = now_s();
    for (uint64_t k = 0; k < reports; k++)
        bytes += one_report(k, rows, &mail);
    t = now_s() - t0;
    printf("reports=%" PRIu64 " rows=%" PRIu64
           " seconds=%.3f rows_per_second=%.0f bytes=%" PRIu64 "\n",
           reports, reports * rows, t, (double)(reports * rows) / t, bytes);
    buf_free(&mail);
    return EX_OK;
}
