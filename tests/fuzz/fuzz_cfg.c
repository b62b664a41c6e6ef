/*
 * fuzz_cfg - libFuzzer target for the configuration parser.
 *
 * Feeds each input to cfg_load_mem() as a whole file, then reads every key
 * back through its accessor so a value the parser stored inconsistently
 * shows up under ASan/UBSan.  Logging is dropped (level below err) so the
 * run is not flooded with the parser's error lines.
 *
 * STANDARDS: none.
 * Thread safety: libFuzzer calls the target from one thread.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "common/cfg.h"
#include "common/log.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* fuzz_read_all - touch every value through the accessors */
static void
fuzz_read_all(const struct cfg *c)
{
    volatile size_t sink = 0;

    for (size_t k = 0; k < CFG_KEY_COUNT; k++) {
        enum cfg_key key = (enum cfg_key)k;
        const char *s = cfg_str(c, key);
        size_t n = 0;

        if (s != NULL)
            sink += strlen(s);
        switch (cfg_type_of(key)) {
        case CFG_T_BOOL:
            sink += cfg_bool(c, key);
            break;
        case CFG_T_UINT:
        case CFG_T_DURATION:
            sink += (size_t)cfg_uint(c, key);
            break;
        case CFG_T_LIST: {
            const char *const *items = cfg_list(c, key, &n);

            for (size_t i = 0; i < n; i++)
                sink += strlen(items[i]);
            break;
        }
        case CFG_T_STRING:
        case CFG_T_PATH:
        case CFG_T_ENUM:
            break;
        }
    }
    (void)sink;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct cfg *c = cfg_new();

    /* quiet: errors are the expected outcome for most inputs */
    log_set_level((enum log_level)(LOG_LEVEL_ERR - 1));
    (void)cfg_load_mem(c, "fuzz.conf", (const char *)data, size);
    fuzz_read_all(c);
    cfg_free(c);
    return 0;
}
