/*
 * mc_result - the outcome of one message sent by the test milter client:
 * the final action, the modifications the filter asked for, and the one
 * line of key=value tokens the CLI prints.
 *
 * Thread safety: one result per thread; pure functions otherwise.
 */
#ifndef DMARC_TESTS_MC_RESULT_H
#define DMARC_TESTS_MC_RESULT_H

#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"
#include "common/log.h"

#include "tests/lib/mc_msg.h"
#include "tests/lib/mc_wire.h"

/* what became of a message */
enum mc_action {
    MC_ACT_NONE = 0,   /* not decided */
    MC_ACT_ACCEPT,     /* SMFIR_ACCEPT */
    MC_ACT_CONTINUE,   /* SMFIR_CONTINUE at end of message */
    MC_ACT_REJECT,     /* SMFIR_REJECT or a 5xx SMFIR_REPLYCODE */
    MC_ACT_TEMPFAIL,   /* SMFIR_TEMPFAIL or a 4xx SMFIR_REPLYCODE */
    MC_ACT_DISCARD,    /* SMFIR_DISCARD */
    MC_ACT_SKIP,       /* SMFIR_SKIP at end of message */
    MC_ACT_SHUTDOWN,   /* SMFIR_SHUTDOWN (421) */
    MC_ACT_CONNFAIL,   /* SMFIR_CONN_FAIL */
    MC_ACT_DISCONNECT, /* we closed on purpose (--disconnect-at) */
    MC_ACT_ERROR,      /* protocol error, timeout, lost connection */
};

/* MC_ACT_COUNT - number of actions, for per-action tables */
#define MC_ACT_COUNT (MC_ACT_ERROR + 1)

/* one modification the filter asked for at end of message */
struct mc_mod {
    char cmd;       /* SMFIR_ADDHEADER, SMFIR_QUARANTINE, ... */
    uint32_t index; /* header index (INSHEADER, CHGHEADER) */
    char *a;        /* header name, recipient, sender or reason */
    char *b;        /* header value, ESMTP arguments or body bytes */
    size_t b_len;   /* bytes of b */
};

/* the outcome of one message */
struct mc_result {
    enum mc_action action; /* final action */
    enum mc_stage stage;   /* stage that decided it */
    char *reply;           /* SMFIR_REPLYCODE text, or NULL */
    struct mc_mod *mods;   /* modifications, in order */
    size_t n_mods;         /* modifications used */
    size_t cap_mods;       /* modifications allocated */
    size_t rcpt_rejected;  /* recipients refused one by one */
    enum mc_wire_err err;  /* class of the error (MC_ACT_ERROR) */
    char *error;           /* error text, or NULL */
    uint64_t elapsed_us;   /* from MAIL to the final action */
};

/* mc_result_reset - free the contents and zero the result. */
void mc_result_reset(struct mc_result *r);

/* mc_action_name - "accept", "reject", ... */
const char *mc_action_name(enum mc_action a);

/* mc_result_set_error - r becomes an error of class err at stage, with
 * the text why (copied). */
void mc_result_set_error(struct mc_result *r, enum mc_stage stage,
                         enum mc_wire_err err, const char *why);

/* mc_result_add_mod - decode one end-of-message modification packet and
 * append it.  0, or -1 with *why when the packet is malformed or not a
 * modification. */
int mc_result_add_mod(struct mc_result *r, const struct mc_packet *p,
                      const char **why) WARN_UNUSED;

/* mc_result_format - append the result line to out (no line end):
 *   action=NAME stage=STAGE [reply="..."] [rcpt_rejected=N]
 *   [add_header="Name: value"] [ins_header="IDX Name: value"]
 *   [chg_header="IDX Name: value"] [add_rcpt="..."]
 *   [add_rcpt_par="rcpt args"] [del_rcpt="..."] [chg_from="from args"]
 *   [quarantine="reason"] [repl_body=BYTES] [error_class=CLASS
 *   error="..."] elapsed_ms=N.NNN
 * one token per modification, in the order received; quoted values have
 * '"', '\' and bytes outside 0x20-0x7e written as \xHH.  -1 when out
 * overflows. */
int mc_result_format(const struct mc_result *r, struct buf *out) WARN_UNUSED;

#endif
