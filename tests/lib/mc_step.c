/*
 * mc_step - one stage command of the milter conversation and its reply,
 * shared by the connection (mc_session_open) and the message
 * (mc_session_message): the SMFIC_MACRO packet that goes before it, what
 * the negotiated SMFIP_NO* / SMFIP_NR_* bits mean for sending and
 * reading, --disconnect-at, and the classification of the reply
 * (continue, skip, a final action, a protocol error).
 *
 * It does not know the order of the stages or what a message holds
 * (mc_session.c), nor the packet framing (mc_wire.c).
 *
 * STANDARDS: the Sendmail milter protocol version 6 (libmilter/mfdef.h).
 * Ownership: works on the caller's session and result.
 * Thread safety: one session per thread.
 */
#include "tests/lib/mc_step.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libmilter/mfapi.h>
#include <libmilter/mfdef.h>

#include "common/xalloc.h"

/* MC_STEP_FLUSH_AT - queued bytes written without waiting for a read
 * (headers and body chunks under SMFIP_NR_*) */
#define MC_STEP_FLUSH_AT ((size_t)256 * 1024)

/* stage flags: "do not send" and "no reply" bits of SMFIP_* */
struct stage_flags {
    enum mc_stage stage; /* the stage */
    uint32_t no_send;    /* SMFIP_NO* */
    uint32_t no_reply;   /* SMFIP_NR_* */
};

static const struct stage_flags flags[] = {
    { MC_STAGE_CONNECT, SMFIP_NOCONNECT, SMFIP_NR_CONN },
    { MC_STAGE_HELO, SMFIP_NOHELO, SMFIP_NR_HELO },
    { MC_STAGE_MAIL, SMFIP_NOMAIL, SMFIP_NR_MAIL },
    { MC_STAGE_RCPT, SMFIP_NORCPT, SMFIP_NR_RCPT },
    { MC_STAGE_DATA, SMFIP_NODATA, SMFIP_NR_DATA },
    { MC_STAGE_HEADER, SMFIP_NOHDRS, SMFIP_NR_HDR },
    { MC_STAGE_EOH, SMFIP_NOEOH, SMFIP_NR_EOH },
    { MC_STAGE_BODY, SMFIP_NOBODY, SMFIP_NR_BODY },
};

/* has_flag - the filter chose protocol bit f for stage (no_reply picks
 * the SMFIP_NR_* bit) */
static bool
has_flag(const struct mc_session *s, enum mc_stage stage, bool no_reply)
{
    for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
        if (flags[i].stage == stage)
            return (s->protocol &
                    (no_reply ? flags[i].no_reply : flags[i].no_send)) != 0;
    }
    return false;
}

/* mc_step_fail - r becomes the wire's error at stage; the session is closed */
int
mc_step_fail(struct mc_session *s, struct mc_result *r, enum mc_stage stage)
{
    char why[MC_WIRE_MAX_ERR + 32];

    (void)snprintf(why, sizeof(why), "%s: %s", mc_stage_name(stage),
                   s->wire.why); /* may truncate: diagnostic text */
    mc_result_set_error(r, stage, s->wire.err, why);
    mc_wire_close(&s->wire);
    s->is_open = false;
    return -1;
}

/* mc_step_fail_why - a local failure (an oversize payload) at stage */
int
mc_step_fail_why(struct mc_session *s, struct mc_result *r, enum mc_stage stage,
                 const char *why)
{
    (void)mc_wire_fail(&s->wire, MC_WIRE_EIO, "%s", why);
    return mc_step_fail(s, r, stage);
}

/* mc_step_protocol_error - the filter broke the protocol at stage */
int
mc_step_protocol_error(struct mc_session *s, struct mc_result *r,
                       enum mc_stage stage, const char *what, char cmd)
{
    (void)mc_wire_fail(&s->wire, MC_WIRE_EPROTOCOL, "%s (response 0x%02x)",
                       what, (unsigned)(unsigned char)cmd);
    return mc_step_fail(s, r, stage);
}

/* mc_step_disconnect - --disconnect-at reached: write what is queued, close */
int
mc_step_disconnect(struct mc_session *s, struct mc_result *r,
                   enum mc_stage stage)
{
    if (mc_wire_flush(&s->wire) != 0)
        return mc_step_fail(s, r, stage);
    (void)mc_wire_fail(&s->wire, MC_WIRE_EDISCONNECT, "closed after sending %s",
                       mc_stage_name(stage));
    return mc_step_fail(s, r, stage);
}

/* mc_step_read_reply - the next packet that is not SMFIR_PROGRESS; 0 or -1 */
int
mc_step_read_reply(struct mc_session *s, struct mc_result *r,
                   enum mc_stage stage, struct mc_packet *p)
{
    do {
        if (mc_wire_read(&s->wire, p) != 0)
            return mc_step_fail(s, r, stage);
    } while (p->cmd == SMFIR_PROGRESS);
    return 0;
}

/* mc_step_set_final - r takes the final action of packet p, if it is one;
 * 1 final, 0 not a final action, -1 a malformed REPLYCODE */
int
mc_step_set_final(struct mc_result *r, enum mc_stage stage,
                  const struct mc_packet *p)
{
    static const struct {
        char cmd;           /* SMFIR_* */
        enum mc_action act; /* its action */
    } finals[] = {
        { SMFIR_ACCEPT, MC_ACT_ACCEPT },
        { SMFIR_CONTINUE, MC_ACT_CONTINUE },
        { SMFIR_REJECT, MC_ACT_REJECT },
        { SMFIR_TEMPFAIL, MC_ACT_TEMPFAIL },
        { SMFIR_DISCARD, MC_ACT_DISCARD },
        { SMFIR_SKIP, MC_ACT_SKIP },
        { SMFIR_SHUTDOWN, MC_ACT_SHUTDOWN },
        { SMFIR_CONN_FAIL, MC_ACT_CONNFAIL },
    };

    r->stage = stage;
    if (p->cmd == SMFIR_REPLYCODE) {
        /* "4xx text" or "5xx text", NUL-terminated */
        if (p->len < 4 || p->data[p->len - 1] != '\0' ||
            (p->data[0] != '4' && p->data[0] != '5') ||
            memchr(p->data, '\0', p->len) != p->data + p->len - 1)
            return -1;
        r->action = p->data[0] == '5' ? MC_ACT_REJECT : MC_ACT_TEMPFAIL;
        free(r->reply);
        r->reply = xstrdup(p->data);
        return 1;
    }
    for (size_t i = 0; i < sizeof(finals) / sizeof(finals[0]); i++) {
        if (finals[i].cmd == p->cmd) {
            r->action = finals[i].act;
            return 1;
        }
    }
    return 0;
}

/* mc_step_put_macros - queue the stage's SMFIC_MACRO packet, if it has macros
 */
int
mc_step_put_macros(struct mc_session *s, const struct mc_step *st)
{
    int slot = mc_macro_slot(st->stage);
    int n;

    if (slot < 0)
        return 0;
    n = mc_macro_packet(st->env, st->stage, st->rcpt, s->symlist[slot],
                        &s->macros);
    if (n < 0)
        return mc_wire_fail(&s->wire, MC_WIRE_EIO, "macros too long");
    if (n == 0)
        return 0;
    return mc_wire_put(&s->wire, SMFIC_MACRO, s->macros.data, s->macros.len);
}

/* mc_step_run - send one stage command and read its reply */
enum mc_step_rc
mc_step_run(struct mc_session *s, struct mc_result *r, const struct mc_step *st)
{
    struct mc_packet p;
    int rc;

    if (has_flag(s, st->stage, false)) {
        if (s->disconnect_at == st->stage)
            return mc_step_disconnect(s, r, st->stage);
        return MC_STEP_NOREPLY;
    }
    if (mc_step_put_macros(s, st) != 0 ||
        mc_wire_put(&s->wire, st->cmd, st->data, st->len) != 0)
        return mc_step_fail(s, r, st->stage);
    if (s->disconnect_at == st->stage)
        return mc_step_disconnect(s, r, st->stage);
    if (has_flag(s, st->stage, true)) {
        if (s->wire.out.len >= MC_STEP_FLUSH_AT && mc_wire_flush(&s->wire) != 0)
            return mc_step_fail(s, r, st->stage);
        return MC_STEP_NOREPLY;
    }
    if (mc_step_read_reply(s, r, st->stage, &p) != 0)
        return MC_STEP_ERR;
    if (p.cmd == SMFIR_CONTINUE)
        return MC_STEP_CONTINUE;
    if (p.cmd == SMFIR_SKIP &&
        (st->stage == MC_STAGE_BODY || st->stage == MC_STAGE_HEADER))
        return MC_STEP_SKIP;
    rc = mc_step_set_final(r, st->stage, &p);
    if (rc <= 0 || p.cmd == SMFIR_SKIP)
        return mc_step_protocol_error(s, r, st->stage, "unexpected reply",
                                      p.cmd);
    return MC_STEP_FINAL;
}