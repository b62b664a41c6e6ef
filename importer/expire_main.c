/*
 * dmarc-expire - drop history data past its retention.
 *
 * Options, configuration and wiring only: expire.c holds the rule.  Exit
 * status per sysexits(3), see dmarc-expire(8).
 *
 * STANDARDS: none.
 *
 * Thread safety: single-threaded program.
 */
#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sysexits.h>
#include <time.h>

#include "common/db.h"
#include "common/log.h"
#include "importer/expire.h"
#include "importer/tool_cfg.h"

/* EXPIRE_DEFAULT_DAYS - retention when --days is not given: long enough
 * for weekly reports and their retries */
#define EXPIRE_DEFAULT_DAYS 180
/* EXPIRE_MAX_DAYS - a bound for the option (about 100 years) */
#define EXPIRE_MAX_DAYS 36500

/* the command line */
struct opts {
    struct tool_cfg cfg; /* -c, --db */
    uint64_t days;       /* --days */
    int64_t now;         /* --now (tests), else time(NULL) */
    bool verbose;        /* -v */
    bool check_only;     /* -n */
};

/* usage - the synopsis; returns EX_USAGE */
static int
usage(void)
{
    fprintf(stderr,
            "usage: dmarc-expire [-c FILE] [-n] [--db PATH] [--days N] [-v]\n");
    return EX_USAGE;
}

/* parse_args - the options: 0, an exit status, or -1 after -V */
static int
parse_args(int argc, char **argv, struct opts *o)
{
    static const struct option longopts[] = {
        { "config", required_argument, NULL, 'c' },
        { "db", required_argument, NULL, 'd' },
        { "days", required_argument, NULL, 'D' },
        { "now", required_argument, NULL, 'N' },
        { "verbose", no_argument, NULL, 'v' },
        { "version", no_argument, NULL, 'V' },
        { NULL, 0, NULL, 0 },
    };
    uint64_t v;
    int ch;

    /* NOLINTNEXTLINE(concurrency-mt-unsafe): single-threaded startup */
    while ((ch = getopt_long(argc, argv, "c:vVn", longopts, NULL)) != -1) {
        if (ch == 'c') {
            o->cfg.config = optarg;
        } else if (ch == 'd') {
            o->cfg.db = optarg;
        } else if (ch == 'D') {
            if (tool_cfg_number(optarg, 1, EXPIRE_MAX_DAYS, &o->days) < 0)
                return usage();
        } else if (ch == 'N') {
            if (tool_cfg_number(optarg, 0, INT64_MAX, &v) < 0)
                return usage();
            o->now = (int64_t)v;
        } else if (ch == 'v') {
            o->verbose = true;
        } else if (ch == 'n') {
            o->check_only = true;
        } else if (ch == 'V') {
            printf("dmarc-expire %s\n", DMARC_VERSION);
            return -1;
        } else {
            return usage();
        }
    }
    return optind == argc ? 0 : usage();
}

int
main(int argc, char **argv)
{
    struct opts o = {
        { NULL, NULL, NULL, NULL }, EXPIRE_DEFAULT_DAYS, 0, false, false
    };
    struct expire_counts c;
    sqlite3 *db;
    int rc;

    if (log_open("dmarc-expire", NULL, true) < 0)
        return EX_SOFTWARE; /* cannot happen: the default facility */
    rc = parse_args(argc, argv, &o);
    if (rc != 0)
        return rc < 0 ? EX_OK : rc; /* -1: -V was answered */
    log_set_level(o.verbose ? LOG_LEVEL_INFO : LOG_LEVEL_WARN);
    rc = tool_cfg_open(&o.cfg, o.check_only, &db);
    if (rc != 0 || db == NULL)
        return rc; /* db NULL: -n, the configuration was checked */
    if (o.now == 0)
        o.now = (int64_t)time(NULL);
    rc = expire_run(db, o.now - (int64_t)o.days * 86400, &c);
    db_close(db);
    tool_cfg_free(&o.cfg);
    if (rc < 0)
        return EX_TEMPFAIL;
    log_info("expired %llu messages and %llu other rows; kept %llu old "
             "messages whose period is not reported yet",
             (unsigned long long)c.messages, (unsigned long long)c.others,
             (unsigned long long)c.kept);
    return EX_OK;
}
