/*
 * cfg_table - the declared key table behind cfg.h (internal to cfg).
 *
 * One row per enum cfg_key: name, type, default as text, range, allowed
 * words, an optional extra check and flags.  Only cfg.c and cfg_table.c
 * include this header; tools use the accessors in cfg.h.
 *
 * Thread safety: the table is constant.
 */
#ifndef DMARC_COMMON_CFG_TABLE_H
#define DMARC_COMMON_CFG_TABLE_H

#include <stddef.h>
#include <stdint.h>

#include "common/cfg.h"
#include "common/str.h"

/* row flags */
#define CFG_F_OPENDMARC 0x1u /* OpenDMARC has this key */
#define CFG_F_IGNORED   0x2u /* accepted but not implemented: warn */
#define CFG_F_OCTAL     0x4u /* uint written in octal (UMask) */

/* cfg_check_fn - extra check of a value that passed its type: NULL when
 * the value is good, else a static reason. */
typedef const char *cfg_check_fn(struct str value);

/* one key of the table */
struct cfg_param {
    const char *name;         /* as documented ("AuthservID") */
    enum cfg_type type;       /* value type */
    const char *def;          /* default as file text; NULL: none */
    uint64_t min;             /* uint/duration: smallest value */
    uint64_t max;             /* uint/duration: largest value */
    const char *const *words; /* enum: allowed words, NULL-terminated */
    cfg_check_fn *check;      /* extra check, or NULL */
    unsigned flags;           /* CFG_F_* */
};

/* cfg_table - every key, indexed by enum cfg_key. */
extern const struct cfg_param cfg_table[CFG_KEY_COUNT];

/* cfg_words_text - "a, b, c" from a NULL-terminated word list into buf
 * (size bytes; cut when full).  Returns buf. */
const char *cfg_words_text(const char *const *words, char *buf, size_t size);

#endif
