/*
 * dmarc-reports - send RFC 7489 aggregate reports from the database.
 *
 * Options, configuration and wiring only: the command line overrides the
 * configuration file, the resolver, public suffix list, transport and
 * database are set up, run.c does the work, and the summary and exit
 * status report it.  See dmarc-reports(8).
 *
 * STANDARDS: RFC 7489 section 7.2 (through run.c).
 * Ownership: everything set up here is released before exit.
 * Thread safety: single-threaded.
 */
#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <libxml/parser.h>
#include <sqlite3.h>

#include "common/cfg.h"
#include "common/db.h"
#include "common/destverify_dns.h"
#include "common/log.h"
#include "common/num.h"
#include "reporter/naming.h"
#include "reporter/period.h"
#include "reporter/run.h"

/* MAIN_CFG_DEFAULT - read when -c is not given, if it exists */
#define MAIN_CFG_DEFAULT DMARC_SYSCONFDIR "/dmarcsuite.conf"
/* MAIN_MAX_DOMAINS - --domain / --nodomain arguments */
#define MAIN_MAX_DOMAINS 256
/* MAIN_RETRY_DELAY - seconds before a temporary failure is retried (a run
 * earlier than that leaves it for later) */
#define MAIN_RETRY_DELAY 3600
/* MAIN_MAX_NOW - the latest --now accepted: 9999-12-31 23:59:59 UTC, the
 * last second a four-digit year (RFC 5322 Date) can name */
#define MAIN_MAX_NOW INT64_C(253402300799)

/* the command line */
struct opts {
    const char *config;                 /* -c */
    const char *outdir;                 /* --outdir */
    bool is_dry_run;                    /* --dry-run */
    bool is_check;                      /* -n */
    bool is_verbose;                    /* -v */
    bool is_version;                    /* -V */
    bool has_now;                       /* --now given */
    int64_t now;                        /* --now: the run's clock */
    const char *only[MAIN_MAX_DOMAINS]; /* --domain */
    size_t only_count;                  /* entries */
    const char *skip[MAIN_MAX_DOMAINS]; /* --nodomain */
    size_t skip_count;                  /* entries */
    const char *set_key[8];             /* options that set keys */
    const char *set_val[8];             /* their values */
    enum cfg_key set_cfg[8];            /* the keys */
    size_t set_count;                   /* entries */
};

/* usage - the synopsis on standard error; EX_USAGE */
static int
usage(void)
{
    fprintf(stderr,
            "usage: dmarc-reports [-c FILE] [--db PATH] [--interval SECONDS"
            " | --day]\n"
            "       [--domain D]... [--nodomain D]... [--report-org NAME]\n"
            "       [--report-email ADDR] [--outdir DIR] [--now EPOCH]"
            " [--dry-run]\n"
            "       [--format rfc7489 | rfc9990] [-n] [-v] [-V]\n");
    return EX_USAGE;
}

/* set_later - remember an option that overrides configuration key k */
static int
set_later(struct opts *o, enum cfg_key k, const char *value)
{
    if (o->set_count >= sizeof(o->set_key) / sizeof(o->set_key[0]))
        return -1;
    o->set_cfg[o->set_count] = k;
    o->set_key[o->set_count] = cfg_name(k);
    o->set_val[o->set_count++] = value;
    return 0;
}

/* add_domain - append to --domain or --nodomain */
static int
add_domain(const char **list, size_t *n, const char *d)
{
    if (*n >= MAIN_MAX_DOMAINS)
        return -1;
    list[(*n)++] = d;
    return 0;
}

/* set_now - --now EPOCH: whole seconds since 1970 UTC; 0 or -1 (logged) */
static int
set_now(struct opts *o, const char *arg)
{
    const char *why = NULL;

    if (num_parse_i64(str_cstr(arg), 0, MAIN_MAX_NOW, &o->now, &why) < 0) {
        fprintf(stderr, "dmarc-reports: --now %s: %s\n", arg, why);
        return -1;
    }
    o->has_now = true;
    return 0;
}

/* option - handle one parsed option; 0, or -1 for bad usage */
static int
option(int c, const char *arg, struct opts *o)
{
    switch (c) {
    case 'c':
        o->config = arg;
        return 0;
    case 'n':
        o->is_check = true;
        return 0;
    case 'v':
        o->is_verbose = true;
        return 0;
    case 'V':
        o->is_version = true;
        return 0;
    case 'b':
        return set_later(o, CFG_DATABASE, arg);
    case 'i':
        return set_later(o, CFG_REPORTINTERVAL, arg);
    case 'd':
        return set_later(o, CFG_REPORTINTERVAL, "1d");
    case 'o':
        return set_later(o, CFG_REPORTORG, arg);
    case 'e':
        return set_later(o, CFG_REPORTEMAIL, arg);
    case 'D':
        return add_domain(o->only, &o->only_count, arg);
    case 'N':
        return add_domain(o->skip, &o->skip_count, arg);
    case 'O':
        o->outdir = arg;
        return 0;
    case 'r':
        o->is_dry_run = true;
        return 0;
    case 't':
        return set_now(o, arg);
    case 'F':
        return set_later(o, CFG_REPORTFORMAT, arg);
    default:
        return -1;
    }
}

/* parse_args - the command line into o; 0, or an exit status */
static int
parse_args(int argc, char **argv, struct opts *o)
{
    static const struct option longopts[] = {
        { "db", required_argument, NULL, 'b' },
        { "interval", required_argument, NULL, 'i' },
        { "day", no_argument, NULL, 'd' },
        { "domain", required_argument, NULL, 'D' },
        { "nodomain", required_argument, NULL, 'N' },
        { "report-org", required_argument, NULL, 'o' },
        { "report-email", required_argument, NULL, 'e' },
        { "outdir", required_argument, NULL, 'O' },
        { "dry-run", no_argument, NULL, 'r' },
        { "now", required_argument, NULL, 't' },
        { "format", required_argument, NULL, 'F' },
        { NULL, 0, NULL, 0 },
    };
    int c;

    memset(o, 0, sizeof(*o));
    /* NOLINTNEXTLINE(concurrency-mt-unsafe): startup, one thread */
    while ((c = getopt_long(argc, argv, "c:nvV", longopts, NULL)) != -1) {
        if (option(c, optarg, o) < 0)
            return usage();
    }
    return optind == argc ? 0 : usage();
}

/* load_cfg - the configuration file, then the command line over it; 0 or
 * EX_CONFIG (logged) */
static int
load_cfg(const struct opts *o, struct cfg *c)
{
    const char *path = o->config != NULL ? o->config : MAIN_CFG_DEFAULT;
    const char *why = NULL;
    int errors = 0;

    if (o->config != NULL || access(path, F_OK) == 0)
        errors = cfg_load(c, path);
    if (errors != 0)
        return EX_CONFIG;
    for (size_t i = 0; i < o->set_count; i++) {
        if (cfg_set(c, o->set_cfg[i], o->set_val[i], &why) < 0) {
            log_err("config: %s: %s", o->set_key[i], why);
            return EX_CONFIG;
        }
    }
    return 0;
}

/* from_domain - the domain of ReportFrom, or NULL (logged) */
static const char *
from_domain(const struct cfg *c)
{
    const char *from = cfg_str(c, CFG_REPORTFROM);
    const char *at = from != NULL ? strrchr(from, '@') : NULL;

    if (at == NULL || !naming_domain_ok(at + 1)) {
        log_err("config: ReportFrom must be an address whose domain names "
                "the reporter");
        return NULL;
    }
    return at + 1;
}

/* check_cfg - the keys dmarc-reports needs; 0 or EX_CONFIG (logged) */
static int
check_cfg(const struct cfg *c)
{
    const char *why = NULL;

    static const enum cfg_key needed[] = { CFG_REPORTORG, CFG_REPORTEMAIL,
                                           CFG_REPORTFROM };

    for (size_t i = 0; i < sizeof(needed) / sizeof(needed[0]); i++) {
        if (cfg_str(c, needed[i]) == NULL) {
            log_err("config: %s is required", cfg_name(needed[i]));
            return EX_CONFIG;
        }
    }
    if (from_domain(c) == NULL)
        return EX_CONFIG;
    if (period_interval_ok(cfg_uint(c, CFG_REPORTINTERVAL), &why) < 0) {
        log_err("config: ReportInterval: %s", why);
        return EX_CONFIG;
    }
    return 0;
}

/* read_password - the first line of the password file into out; 0 or -1
 * (logged) */
static int
read_password(const char *path, char *out, size_t out_size)
{
    FILE *f = fopen(path, "r");

    if (f == NULL) {
        log_err_errno("config: ReportSMTPPasswordFile %s", path);
        return -1;
    }
    if (fgets(out, (int)out_size, f) == NULL)
        out[0] = '\0';
    (void)fclose(f); /* read-only */
    out[strcspn(out, "\r\n")] = '\0';
    return 0;
}

/* make_transport - how reports leave, from the command line and c */
static int
make_transport(const struct opts *o, const struct cfg *c,
               struct report_transport *t, char *password, size_t pw_size)
{
    const char *pwfile = cfg_str(c, CFG_REPORTSMTPPASSWORDFILE);

    memset(t, 0, sizeof(*t));
    t->from = cfg_str(c, CFG_REPORTFROM);
    t->envelope_from = t->from;
    t->msgid_domain = from_domain(c);
    t->org_name = cfg_str(c, CFG_REPORTORG);
    t->outdir = o->outdir;
    t->sm.path = cfg_str(c, CFG_REPORTSENDMAIL);
    t->smtp.url = cfg_str(c, CFG_REPORTSMTPURL);
    t->smtp.user = cfg_str(c, CFG_REPORTSMTPUSER);
    t->smtp.tls = (enum deliver_smtp_tls)(
        strcmp(cfg_str(c, CFG_REPORTSMTPTLS), "require") == 0 ? 1
        : strcmp(cfg_str(c, CFG_REPORTSMTPTLS), "none") == 0  ? 2
                                                              : 0);
    password[0] = '\0';
    if (pwfile != NULL && read_password(pwfile, password, pw_size) < 0)
        return EX_CONFIG;
    t->smtp.password = password;
    t->method = o->outdir != NULL     ? REPORT_OUTDIR
                : t->smtp.url != NULL ? REPORT_SMTP
                                      : REPORT_SENDMAIL;
    return 0;
}

/* setup_log - destination and level from the configuration and -v */
static void
setup_log(const struct opts *o, const struct cfg *c)
{
    static const char *const levels[] = { "err", "warning", "notice", "info",
                                          "debug" };
    const char *level = cfg_str(c, CFG_LOGLEVEL);

    if (log_open("dmarc-reports", cfg_str(c, CFG_SYSLOGFACILITY),
                 !cfg_bool(c, CFG_SYSLOG)) < 0)
        log_warn("config: SyslogFacility unknown, using mail");
    for (size_t i = 0; level != NULL && i < 5; i++) {
        if (strcmp(level, levels[i]) == 0)
            log_set_level((enum log_level)(LOG_LEVEL_ERR + (int)i));
    }
    if (o->is_verbose)
        log_set_level(LOG_LEVEL_DEBUG);
}

/* exit_status - sysexits(3) status for the run's outcome */
static int
exit_status(const struct run_stats *s)
{
    if (s->failed > 0 || s->errors > 0)
        return EX_UNAVAILABLE;
    if (s->tempfailed > 0 || s->deferred > 0)
        return EX_TEMPFAIL;
    return EX_OK;
}

/* run_with - the run itself, once the database and resolver are open */
static int
run_with(const struct opts *o, const struct cfg *c, sqlite3 *db,
         const struct destverify_ops *verify)
{
    char password[256];
    struct report_transport t;
    struct run_opts ro;
    struct run_stats s;
    int rc = make_transport(o, c, &t, password, sizeof(password));

    if (rc != 0)
        return rc;
    memset(&ro, 0, sizeof(ro));
    ro.now = o->has_now ? o->now : (int64_t)time(NULL);
    ro.interval = cfg_uint(c, CFG_REPORTINTERVAL);
    ro.receiver = from_domain(c);
    ro.org_name = cfg_str(c, CFG_REPORTORG);
    ro.email = cfg_str(c, CFG_REPORTEMAIL);
    ro.format = strcmp(cfg_str(c, CFG_REPORTFORMAT), "rfc9990") == 0
                    ? AGG_FORMAT_RFC9990
                    : AGG_FORMAT_RFC7489;
    ro.generator = "dmarcsuite " DMARC_VERSION;
    ro.max_attempts = (unsigned)cfg_uint(c, CFG_REPORTMAXATTEMPTS);
    ro.retry_delay = MAIN_RETRY_DELAY;
    ro.is_dry_run = o->is_dry_run;
    ro.only = o->only;
    ro.only_count = o->only_count;
    ro.skip = o->skip;
    ro.skip_count = o->skip_count;
    ro.t = &t;
    ro.verify = verify;
    rc = run_reports(db, &ro, &s);
    run_summary(&s);
    memset(password, 0, sizeof(password));
    return rc < 0 ? EX_SOFTWARE : exit_status(&s);
}

/* work - set up the resolver, list and database, run, tear down */
static int
work(const struct opts *o, const struct cfg *c)
{
    struct dns_options dopt = { cfg_str(c, CFG_NAMESERVERS),
                                (unsigned)cfg_uint(c, CFG_DNSTIMEOUT),
                                (size_t)cfg_uint(c, CFG_DNSCACHESIZE) };
    const char *why = NULL;
    struct dns_resolver *r = dns_new(&dopt, &why);
    struct orgdomain *od = orgdomain_new(cfg_str(c, CFG_PUBLICSUFFIXLIST));
    sqlite3 *db = db_open(cfg_str(c, CFG_DATABASE));
    struct destverify_dns dv;
    struct destverify_ops ops;
    int rc = EX_CONFIG;

    if (r == NULL)
        log_err("config: Nameservers: %s", why);
    if (r == NULL || od == NULL || db == NULL) {
        rc = db == NULL ? EX_NOINPUT : EX_CONFIG;
        goto out;
    }
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        rc = EX_SOFTWARE;
        goto out;
    }
    xmlInitParser();
    destverify_dns_init(&dv, r, od);
    ops = destverify_dns_ops(&dv);
    rc = run_with(o, c, db, &ops);
    destverify_dns_release(&dv);
    curl_global_cleanup();
out:
    db_close(db);
    orgdomain_free(od);
    dns_free(r);
    return rc;
}

int
main(int argc, char **argv)
{
    struct opts o;
    struct cfg *c;
    int rc = parse_args(argc, argv, &o);

    if (rc != 0)
        return rc;
    if (o.is_version) {
        printf("dmarc-reports %s\n", DMARC_VERSION);
        return EX_OK;
    }
    if (log_open("dmarc-reports", NULL, true) < 0)
        return EX_SOFTWARE; /* "mail" is always known */
    c = cfg_new();
    rc = load_cfg(&o, c);
    if (rc == 0)
        rc = check_cfg(c);
    if (rc == 0 && !o.is_check) {
        setup_log(&o, c);
        rc = work(&o, c);
    }
    cfg_free(c);
    return rc;
}
