/*
 * tool_cfg - configuration and database path of the cron tools.
 *
 * Reads the configuration file named by -c and takes Database and
 * HistoryFile from it unless the command line gave them, then opens the
 * database; parses numeric option values.  It does not define keys
 * (common/cfg does) nor options (each main.c does).
 *
 * STANDARDS: none.
 *
 * Thread safety: startup only.
 */
#include "importer/tool_cfg.h"

#include <stdint.h>
#include <sysexits.h>
#include <unistd.h>

#include "common/db.h"
#include "common/num.h"

int
tool_cfg_load(struct tool_cfg *c)
{
    const char *path = c->config ? c->config : TOOL_CFG_DEFAULT;

    c->cfg = cfg_new();
    /* the default file is optional: without it, every key's default */
    if (c->config != NULL || access(path, F_OK) == 0) {
        int errs = cfg_load(c->cfg, path);

        if (errs != 0) {
            if (errs > 0)
                log_err("%s: %d error(s) in the configuration", path, errs);
            return EX_CONFIG;
        }
    }
    if (c->db == NULL)
        c->db = cfg_str(c->cfg, CFG_DATABASE);
    if (cfg_is_set(c->cfg, CFG_HISTORYFILE))
        c->history = cfg_str(c->cfg, CFG_HISTORYFILE);
    if (c->db == NULL) {
        log_err("no database: give --db PATH or Database in %s", path);
        return EX_CONFIG;
    }
    return 0;
}

void
tool_cfg_free(struct tool_cfg *c)
{
    cfg_free(c->cfg);
    c->cfg = NULL;
}

int
tool_cfg_open(struct tool_cfg *c, bool is_check_only, sqlite3 **db)
{
    int rc = tool_cfg_load(c);

    *db = NULL;
    if (rc != 0 || is_check_only) {
        tool_cfg_free(c); /* -n: the configuration was checked */
        return rc;
    }
    *db = db_open(c->db);
    if (*db == NULL) {
        tool_cfg_free(c);
        return EX_CANTCREAT;
    }
    return 0;
}

int
tool_cfg_number(const char *arg, uint64_t min, uint64_t max, uint64_t *out)
{
    const char *why = NULL;

    if (num_parse_u64(str_cstr(arg), min, max, out, &why) < 0) {
        log_err("'%s': %s", arg, why);
        return -1;
    }
    return 0;
}
