/*
 * dmarc-import - import history files into the SQLite database.
 *
 * Options, configuration and wiring only: import.c does the work.  Exit
 * status per sysexits(3): EX_DATAERR when a malformed record was skipped
 * (the good records around it are imported), see dmarc-import(8).
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
#include <unistd.h>

#include "common/db.h"
#include "common/log.h"
#include "importer/import.h"
#include "importer/store.h"
#include "importer/tool_cfg.h"

/* IMPORT_CHECKPOINT - WAL pages between checkpoints: a larger WAL (up to
 * about 64 MB) than SQLite's default means fewer copies of hot index
 * pages during a long import */
#define IMPORT_CHECKPOINT "16384"

/* the command line */
struct opts {
    struct tool_cfg cfg; /* -c, --db and the configuration file */
    bool verbose;        /* -v */
    bool check_only;     /* -n */
    bool is_final;       /* -F */
    bool no_bar;         /* -q */
    size_t batch;        /* --batch (tests) */
};

/* usage - print the synopsis; returns EX_USAGE */
static int
usage(void)
{
    fprintf(stderr, "usage: dmarc-import [-c FILE] [-n] [--db PATH] [-v] [-q] "
                    "[-F] [FILE...|-]\n");
    return EX_USAGE;
}

/* parse_args - the options: 0, an exit status, or -1 after -V */
static int
parse_args(int argc, char **argv, struct opts *o)
{
    static const struct option longopts[] = {
        { "config", required_argument, NULL, 'c' },
        { "db", required_argument, NULL, 'd' },
        { "verbose", no_argument, NULL, 'v' },
        { "quiet", no_argument, NULL, 'q' },
        { "final", no_argument, NULL, 'F' },
        { "batch", required_argument, NULL, 'b' },
        { "version", no_argument, NULL, 'V' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    uint64_t v;
    int ch;

    /* NOLINTNEXTLINE(concurrency-mt-unsafe): single-threaded startup */
    while ((ch = getopt_long(argc, argv, "c:vqFVhn", longopts, NULL)) != -1) {
        switch (ch) {
        case 'c':
            o->cfg.config = optarg;
            break;
        case 'd':
            o->cfg.db = optarg;
            break;
        case 'v':
            o->verbose = true;
            break;
        case 'q':
            o->no_bar = true;
            break;
        case 'F':
            o->is_final = true;
            break;
        case 'n':
            o->check_only = true;
            break;
        case 'b':
            if (tool_cfg_number(optarg, 1, SIZE_MAX, &v) < 0)
                return usage();
            o->batch = (size_t)v;
            break;
        case 'V':
            printf("dmarc-import %s\n", DMARC_VERSION);
            return -1;
        default:
            return usage();
        }
    }
    return 0;
}

/* summary - the closing line: always with -v or when something was
 * skipped, so cron mail appears only when there is something to read */
static void
summary(const struct opts *o, const struct import_counts *c)
{
    if (!o->verbose && c->skipped == 0)
        return;
    log_notice("imported %llu records, %llu already present, %llu "
               "malformed skipped, %llu warnings",
               (unsigned long long)c->records,
               (unsigned long long)c->duplicates,
               (unsigned long long)c->skipped, (unsigned long long)c->warnings);
}

/* import_all - every input; the exit status */
static int
import_all(sqlite3 *db, const struct opts *o, const char *const *files,
           size_t n)
{
    struct import_opts io = { o->is_final, !o->no_bar && isatty(STDERR_FILENO),
                              o->batch };
    struct import_counts c = { 0, 0, 0, 0 };
    struct store *st = store_new(db);
    int rc = EX_OK;

    if (st == NULL)
        return EX_SOFTWARE;
    for (size_t i = 0; i < n && rc != EX_CANTCREAT; i++) {
        switch (import_file(db, st, files[i], &io, &c)) {
        case IMPORT_OK:
            break;
        case IMPORT_NOINPUT:
            rc = EX_NOINPUT;
            break;
        case IMPORT_IOERR:
            rc = EX_IOERR;
            break;
        case IMPORT_DBERR:
            rc = EX_CANTCREAT;
            break;
        }
    }
    store_free(st);
    summary(o, &c);
    if (rc == EX_OK && c.skipped > 0)
        rc = EX_DATAERR;
    return rc;
}

int
main(int argc, char **argv)
{
    struct opts o = {
        { NULL, NULL, NULL, NULL }, false, false, false, false, 0
    };
    sqlite3 *db;
    int rc;

    if (log_open("dmarc-import", NULL, true) < 0)
        return EX_SOFTWARE; /* cannot happen: the default facility */
    rc = parse_args(argc, argv, &o);
    if (rc != 0)
        return rc < 0 ? EX_OK : rc; /* -1: -V was answered */
    log_set_level(o.verbose ? LOG_LEVEL_INFO : LOG_LEVEL_WARN);
    rc = tool_cfg_open(&o.cfg, o.check_only, &db);
    if (rc != 0 || db == NULL)
        return rc; /* db NULL: -n, the configuration was checked */
    /* the importer creates every parent row itself, in the same
     * transaction as its children: checking each foreign key again would
     * cost a third of the import's time */
    if (db_exec(db, "PRAGMA foreign_keys = OFF") < 0 ||
        db_exec(db, "PRAGMA wal_autocheckpoint = " IMPORT_CHECKPOINT) < 0) {
        db_close(db);
        tool_cfg_free(&o.cfg);
        return EX_CANTCREAT;
    }
    if (optind < argc) {
        rc = import_all(db, &o, (const char *const *)(argv + optind),
                        (size_t)(argc - optind));
    } else {
        /* HistoryFile of the configuration, else standard input */
        const char *one[1] = { o.cfg.history ? o.cfg.history : "-" };

        rc = import_all(db, &o, one, 1);
    }
    db_close(db);
    tool_cfg_free(&o.cfg);
    return rc;
}
