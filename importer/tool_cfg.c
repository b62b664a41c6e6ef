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

#include "common/num.h"

int
tool_cfg_load(struct tool_cfg *c)
{
    if (c->config != NULL) {
        log_err("%s: configuration files are not read yet (issue 4); give "
                "--db",
                c->config);
        return EX_CONFIG;
    }
    if (c->db == NULL) {
        log_err("no database: give --db PATH or Database in the "
                "configuration file");
        return EX_USAGE;
    }
    return 0;
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
