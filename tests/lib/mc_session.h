/*
 * mc_session - the MTA side of a milter conversation, Postfix-style: one
 * connection (option negotiation, CONNECT, HELO) carrying one or more
 * messages, each ending in a final action.
 *
 * Thread safety: one struct mc_session per thread; results are owned by
 * the caller.
 */
#ifndef DMARC_TESTS_MC_SESSION_H
#define DMARC_TESTS_MC_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"
#include "common/log.h"

#include "tests/lib/mc_macro.h"
#include "tests/lib/mc_msg.h"
#include "tests/lib/mc_result.h"
#include "tests/lib/mc_wire.h"

/* how to reach and drive the filter */
struct mc_session_opts {
    const char *spec;            /* socket: inet:PORT@HOST, unix:PATH ... */
    int timeout_ms;              /* bound on every read and write */
    bool nodelay;                /* set TCP_NODELAY (Postfix does not) */
    enum mc_stage disconnect_at; /* close after sending this stage */
};

/* one connection to a filter */
struct mc_session {
    struct mc_wire wire;           /* the socket */
    enum mc_stage disconnect_at;   /* from the options */
    uint32_t version;              /* negotiated protocol version */
    uint32_t actions;              /* SMFIF_* the filter may use */
    uint32_t protocol;             /* SMFIP_* the filter chose */
    char *symlist[MC_MACRO_SLOTS]; /* filter's macro lists or NULL */
    bool is_open;                  /* usable for another message */
    bool is_done;                  /* decided at connect or helo */
    enum mc_action done_action;    /* that decision */
    enum mc_stage done_stage;      /* where it was made */
    char *done_reply;              /* its reply text, or NULL */
    struct buf scratch;            /* command payloads */
    struct buf macros;             /* macro packet payloads */
};

/* mc_session_open - connect, negotiate (version 6, every action and
 * step offered), send CONNECT and HELO as env describes.  0: s is open
 * (possibly s->is_done when the filter decided already); -1: r holds the
 * error (or the intentional disconnect) and s is closed.  Close s with
 * mc_session_close() in both cases. */
int mc_session_open(struct mc_session *s, const struct mc_session_opts *o,
                    const struct mc_env *env, struct mc_result *r) WARN_UNUSED;

/* mc_session_message - send one message, then queue an ABORT (sent with
 * the next write), and fill r (reset first).  0 when the
 * message got a final action; -1 when r holds an error or an intentional
 * disconnect, after which s is closed. */
int mc_session_message(struct mc_session *s, const struct mc_env *env,
                       const struct mc_content *c,
                       struct mc_result *r) WARN_UNUSED;

/* mc_session_close - send QUIT when still open and send_quit, then close
 * and free everything. */
void mc_session_close(struct mc_session *s, bool send_quit);

#endif
