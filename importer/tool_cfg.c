/*
 * tool_cfg - configuration and database path of the cron tools.
 *
 * Reads the configuration file named by -c and takes Database and
 * HistoryFile from it unless the command line gave them.  It does not
 * define keys (common/cfg does).
 *
 * STANDARDS: none.
 *
 * Thread safety: startup only.
 */
#include "importer/tool_cfg.h"

#include <stdint.h>
#include <sysexits.h>
#include <unistd.h>

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
tool_cfg_size(const char *arg, size_t *out)
{
    uint64_t v;
    const char *why = NULL;

    if (num_parse_u64(str_cstr(arg), 1, SIZE_MAX, &v, &why) < 0) {
        log_err("'%s': %s", arg, why);
        return -1;
    }
    *out = (size_t)v;
    return 0;
}
