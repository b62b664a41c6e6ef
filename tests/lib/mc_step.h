/*
 * mc_step - one stage command of a milter conversation and its reply:
 * the building block of mc_session.c.  Every function that fails closes
 * the session and leaves the error in the result (mc_result_set_error),
 * so a caller only passes the -1 (MC_STEP_ERR) up.
 *
 * Thread safety: one session per thread.
 */
#ifndef DMARC_TESTS_MC_STEP_H
#define DMARC_TESTS_MC_STEP_H

#include <stddef.h>

#include "common/log.h"

#include "tests/lib/mc_macro.h"
#include "tests/lib/mc_result.h"
#include "tests/lib/mc_session.h"
#include "tests/lib/mc_wire.h"

/* one stage command to send */
struct mc_step {
    enum mc_stage stage;      /* stage */
    char cmd;                 /* SMFIC_* */
    const void *data;         /* payload */
    size_t len;               /* payload bytes */
    const struct mc_env *env; /* for the macros */
    const char *rcpt;         /* recipient at the rcpt stage */
};

/* what a step came to */
enum mc_step_rc {
    MC_STEP_ERR = -1,    /* r holds the error; the session is closed */
    MC_STEP_NOREPLY = 0, /* sent (or skipped), no reply expected */
    MC_STEP_CONTINUE,    /* the filter said continue */
    MC_STEP_SKIP,        /* the filter said skip */
    MC_STEP_FINAL,       /* r holds the final action */
};

/* mc_step_run - send st (borrowed) after its macros, unless the filter
 * chose not to get that stage, and read the reply unless it chose none.
 * MC_STEP_ERR: r holds the error (or the intentional disconnect) and s
 * is closed; MC_STEP_FINAL: r holds the final action. */
enum mc_step_rc mc_step_run(struct mc_session *s, struct mc_result *r,
                            const struct mc_step *st) WARN_UNUSED;

/* mc_step_fail - r takes the wire's error at stage; s is closed.
 * Returns -1. */
int mc_step_fail(struct mc_session *s, struct mc_result *r,
                 enum mc_stage stage) WARN_UNUSED;

/* mc_step_fail_why - a local failure why (static; an oversize payload)
 * at stage, as mc_step_fail.  Returns -1. */
int mc_step_fail_why(struct mc_session *s, struct mc_result *r,
                     enum mc_stage stage, const char *why) WARN_UNUSED;

/* mc_step_protocol_error - the filter broke the protocol at stage with
 * reply cmd (what: static text), as mc_step_fail.  Returns -1. */
int mc_step_protocol_error(struct mc_session *s, struct mc_result *r,
                           enum mc_stage stage, const char *what,
                           char cmd) WARN_UNUSED;

/* mc_step_disconnect - --disconnect-at reached at stage: write what is
 * queued and close, r holding MC_WIRE_EDISCONNECT.  Returns -1. */
int mc_step_disconnect(struct mc_session *s, struct mc_result *r,
                       enum mc_stage stage) WARN_UNUSED;

/* mc_step_read_reply - the next packet that is not SMFIR_PROGRESS into
 * *p (borrowed from the wire until the next read).  0, or -1 as
 * mc_step_fail. */
int mc_step_read_reply(struct mc_session *s, struct mc_result *r,
                       enum mc_stage stage, struct mc_packet *p) WARN_UNUSED;

/* mc_step_set_final - r takes the final action of packet p (borrowed),
 * if it is one: 1 final, 0 not a final action, -1 a malformed
 * REPLYCODE.  r->reply is replaced (r owns it). */
int mc_step_set_final(struct mc_result *r, enum mc_stage stage,
                      const struct mc_packet *p) WARN_UNUSED;

/* mc_step_put_macros - queue the SMFIC_MACRO packet of st's stage, if
 * it has macros.  0, or -1 with the wire's error set (s still open). */
int mc_step_put_macros(struct mc_session *s,
                       const struct mc_step *st) WARN_UNUSED;

#endif
