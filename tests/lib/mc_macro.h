/*
 * mc_macro - the SMFIC_MACRO packets the test milter client sends: which
 * macros at which stage (Postfix's defaults, the filter's own lists from
 * SMFIR_SETSYMLIST, the user's --macro) and their values.
 *
 * Thread safety: pure functions of their arguments.
 */
#ifndef DMARC_TESTS_MC_MACRO_H
#define DMARC_TESTS_MC_MACRO_H

#include "common/buf.h"
#include "common/log.h"

#include "tests/lib/mc_msg.h"

/* MC_MACRO_SLOTS - SMFIM_* macro list slots (connect .. eoh) */
#define MC_MACRO_SLOTS 7

/* mc_macro_slot - the SMFIM_* slot of a stage, or -1 for a stage without
 * macros (header, body, optneg, quit). */
int mc_macro_slot(enum mc_stage stage);

/* mc_macro_packet - the payload of the SMFIC_MACRO packet for stage into
 * out (reset first): the stage's command byte, then name and value
 * strings.  rcpt is the recipient at the rcpt stage (else NULL); symlist
 * is the filter's space-separated list for the stage, or NULL for
 * Postfix's defaults.  Macros without a value are left out, as Postfix
 * does.  Returns the number of macros (0: send nothing) or -1 when out
 * overflows. */
int mc_macro_packet(const struct mc_env *env, enum mc_stage stage,
                    const char *rcpt, const char *symlist,
                    struct buf *out) WARN_UNUSED;

/* mc_macro_parse - "[STAGE:]name=value" from the command line into m
 * (name braced when longer than one letter).  0, or -1 with *why.  The
 * caller frees m->name and m->value with free(). */
int mc_macro_parse(const char *arg, struct mc_macro *m,
                   const char **why) WARN_UNUSED;

#endif
