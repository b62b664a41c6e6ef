/*
 * tool_cfg - the settings dmarc-import and dmarc-expire share: the
 * configuration file and the database path.
 *
 * A command-line value wins over the configuration file's (Database,
 * HistoryFile).  This is the only place the two tools touch common/cfg,
 * and where both start up the same way: the configuration, -n, the
 * database, numeric option values.
 *
 * Thread safety: called once at startup.
 */
#ifndef DMARC_IMPORTER_TOOL_CFG_H
#define DMARC_IMPORTER_TOOL_CFG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#include "common/cfg.h"
#include "common/log.h"

/* TOOL_CFG_DEFAULT - the configuration read when -c is not given (and
 * only if it exists) */
#define TOOL_CFG_DEFAULT DMARC_SYSCONFDIR "/dmarcsuite.conf"

/* the settings */
struct tool_cfg {
    const char *config;  /* -c FILE, or NULL for TOOL_CFG_DEFAULT */
    const char *db;      /* --db PATH, else Database of the file */
    const char *history; /* HistoryFile of the file, or NULL */
    struct cfg *cfg;     /* the parsed file (owned; the strings above may
                            point into it) */
};

/* tool_cfg_load - read the configuration file and fill in what the
 * command line left open.  Returns 0, or a sysexits(3) status (logged):
 * EX_CONFIG for a bad or unreadable file. */
int tool_cfg_load(struct tool_cfg *c) WARN_UNUSED;

/* tool_cfg_free - release the parsed file (the strings go with it). */
void tool_cfg_free(struct tool_cfg *c);

/* tool_cfg_open - tool_cfg_load, then (unless is_check_only: -n) open
 * the database c->db with db_open.  Returns 0 with *db open (caller
 * closes it with db_close, then calls tool_cfg_free), 0 with *db NULL
 * after -n (c freed: exit EX_OK), or a sysexits(3) status (logged; c
 * freed): EX_CONFIG, EX_CANTCREAT when the database cannot be opened. */
int tool_cfg_open(struct tool_cfg *c, bool is_check_only,
                  sqlite3 **db) WARN_UNUSED;

/* tool_cfg_number - a decimal option value arg (borrowed) in [min, max]
 * from the command line: 0 and *out, or -1 (logged). */
int tool_cfg_number(const char *arg, uint64_t min, uint64_t max,
                    uint64_t *out) WARN_UNUSED;

#endif
