/*
 * afrf-sample - failure reports through the whole pipeline for the
 * integration tests: afrf_new with the given ReportCommand, three
 * failing messages submitted (headers only; the whole message; redacted
 * local parts), the queue flushed.
 *
 * Usage: afrf-sample SENDMAIL
 * SENDMAIL receives each report (a fake sendmail capturing it).
 * Exit status 0 when all three were sent, 1 otherwise.
 *
 * Thread safety: a single-threaded program (the reporter's worker aside).
 */
#include <stdio.h>
#include <string.h>

#include "common/cfg.h"
#include "common/dmarc_rec.h"
#include "reporter/afrf.h"

/* no_txt - no DNS: the ruf destinations are in example.com itself */
static enum destverify_lookup
no_txt(void *ctx, const char *qname, const struct str **txt, size_t *count)
{
    static struct str spf;

    (void)ctx;
    if (strcmp(qname, "example.com") == 0) {
        spf = str_cstr("v=spf1 ip4:198.51.100.99 -all");
        *txt = &spf;
        *count = 1;
        return DESTVERIFY_LOOKUP_OK;
    }
    return DESTVERIFY_LOOKUP_NONE;
}

/* org - the last two labels */
static const char *
org(void *ctx, const char *domain)
{
    const char *p = domain + strlen(domain);
    int dots = 0;

    (void)ctx;
    while (p > domain) {
        p--;
        if (*p == '.' && ++dots == 2)
            return p + 1;
    }
    return domain;
}

/* one_run - a reporter configured by the key/value pairs, one message */
static size_t
one_run(const char *sendmail, const char *const *kv, const char *jobid)
{
    static const struct afrf_hdr hdrs[] = {
        { "Received",
          "from spoofer.test by mx.receiver.test for "
          "<bob@receiver.test>;\n\tMon, 6 May 2024 10:00:00 +0000" },
        { "From", "CEO <ceo@example.com>" },
        { "To", "Bob <bob@receiver.test>" },
        { "Subject", "Urgent wire transfer" },
        { "Date", "Mon, 06 May 2024 10:00:00 +0000" },
        { "Message-ID", "<seed3@spoofer.test>" },
    };
    static const struct afrf_dkim dkim[] = {
        { "example.com", "sel1", NULL, AFRF_AUTH_FAIL, true },
    };
    struct cfg *cfg = cfg_new();
    struct afrf_env env = { 0 };
    struct afrf_event ev = { 0 };
    struct dmarc_rec rec = { 0 };
    struct afrf_stats st = { 0 };
    const char *why;
    struct afrf *a;

    if (cfg_set(cfg, CFG_FAILUREREPORTS, "true", &why) < 0 ||
        cfg_set(cfg, CFG_REPORTCOMMAND, sendmail, &why) < 0 ||
        cfg_set(cfg, CFG_FAILUREREPORTSSENTBY, "dmarc@receiver.test", &why) < 0)
        return 0;
    for (size_t i = 0; kv[i] != NULL; i += 2) {
        enum cfg_key k;

        if (cfg_lookup(kv[i], strlen(kv[i]), &k) < 0 ||
            cfg_set(cfg, k, kv[i + 1], &why) < 0)
            return 0;
    }
    env.cfg = cfg;
    env.hostname = "mx.receiver.test";
    env.verify.txt = no_txt;
    env.verify.org = org;
    a = afrf_new(&env);
    if (dmarc_rec_parse(str_cstr("v=DMARC1; p=reject; "
                                 "ruf=mailto:forensic@example.com; fo=1"),
                        &rec, &why) != DMARC_REC_OK) {
        fprintf(stderr, "afrf-sample: record: %s\n", why);
        afrf_free(a);
        cfg_free(cfg);
        return 0;
    }
    ev.jobid = jobid;
    ev.arrival = 1714989600;
    ev.client_ip = "203.0.113.66";
    ev.client_port = 40123;
    ev.mail_from = "ceo@example.com";
    ev.rcpt_to = "bob@receiver.test";
    ev.from_domain = "example.com";
    ev.policy_domain = "example.com";
    ev.rec = &rec;
    ev.dmarc = AFRF_DMARC_FAIL;
    ev.spf = AFRF_AUTH_FAIL;
    ev.spf_domain = "example.com";
    ev.is_spf_aligned = true;
    ev.dkim = dkim;
    ev.n_dkim = 1;
    ev.delivery = AFRF_DELIVERY_REJECT;
    ev.authserv_id = "receiver.test";
    ev.hdrs = hdrs;
    ev.n_hdrs = sizeof(hdrs) / sizeof(hdrs[0]);
    ev.body = "Hello Bob,\r\n\r\nPlease pay ceo@example.com.\r\n";
    ev.body_len = strlen(ev.body);
    if (a != NULL && afrf_submit(a, &ev) == AFRF_QUEUED &&
        afrf_flush(a, 10000) == 0)
        afrf_stats(a, &st);
    afrf_free(a);
    dmarc_rec_free(&rec);
    cfg_free(cfg);
    return st.sent;
}

int
main(int argc, char **argv)
{
    static const char *const plain[] = { NULL };
    static const char *const body[] = { "FailureReportsBody", "true", NULL };
    static const char *const redact[] = { "FailureReportsRedact", "true",
                                          NULL };
    size_t sent = 0;

    if (argc != 2) {
        fprintf(stderr, "usage: afrf-sample SENDMAIL\n");
        return 2;
    }
    sent += one_run(argv[1], plain, "QPLAIN");
    sent += one_run(argv[1], body, "QBODY");
    sent += one_run(argv[1], redact, "QREDACT");
    return sent == 3 ? 0 : 1;
}
