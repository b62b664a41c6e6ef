/*
 * cfg_keys - print every configuration key and its man-page summary line.
 *
 * One line per key of the cfg table, in table order: the key name, a TAB,
 * then cfg_describe()'s text, e.g. "Background\t(bool; default: true;
 * OpenDMARC)".  tests/lib/check_man_keys.sh compares this with
 * man/dmarcsuite.conf.5.  It reads no input and takes no options.
 *
 * STANDARDS: none.
 * Thread safety: single-threaded program.
 */
#include <stdio.h>
#include <stdlib.h>

#include "common/cfg.h"

int
main(void)
{
    char desc[CFG_MAX_DESC];

    for (size_t k = 0; k < CFG_KEY_COUNT; k++)
        printf("%s\t%s\n", cfg_name((enum cfg_key)k),
               cfg_describe((enum cfg_key)k, desc, sizeof(desc)));
    return fflush(stdout) == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
