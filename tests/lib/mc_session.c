/*
 * mc_session - the MTA side of the milter protocol, modelled on Postfix's
 * milter8 client.
 *
 * Option negotiation offers version 6, every action (SMFI_CURR_ACTS) and
 * every protocol step (SMFI_CURR_PROT), then honours what the filter
 * chose: SMFIP_NO* (the stage is not sent), SMFIP_NR_* (no reply is
 * read), SMFIP_HDR_LEADSPC (the space after the colon is kept; otherwise
 * leading SP and HTAB are removed, as Postfix does) and SMFIR_SETSYMLIST
 * lists.  Each stage command goes out right after its SMFIC_MACRO packet,
 * in the same write.
 *
 * A reply that ends the transaction ends the message as Postfix does:
 * reject, tempfail, a REPLYCODE, discard, shutdown or connfail at MAIL,
 * DATA, a header, EOH or a body chunk, and accept anywhere (the filter
 * wants no more of this message) are the message's final action, and an
 * ABORT follows.  At RCPT a reject or tempfail refuses that recipient
 * only; the message ends when none is left.  SKIP stops the body (or,
 * leniently, the headers).  At CONNECT and HELO any reply other than
 * continue decides every message of the connection.  Every message is
 * followed by an ABORT, as Postfix's smtpd sends one when it resets the
 * transaction (it never sees the end of message, which its cleanup
 * server handles); a QUIT ends the connection.
 *
 * Not done: SMFIC_UNKNOWN, ESMTP parameters, SMFIP_RCPT_REJ (the client
 * never refuses a recipient itself), data sizes beyond 64 KiB.
 *
 * One command and its reply (macros, SMFIP_NO* / SMFIP_NR_*, the reply's
 * meaning) is mc_step.c's; this file holds the order of the stages.
 *
 * STANDARDS: the Sendmail milter protocol version 6 (libmilter/mfdef.h).
 * Ownership: a session owns its socket and buffers; results are the
 * caller's.
 * Thread safety: one session per thread.
 */
#include "tests/lib/mc_session.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libmilter/mfapi.h>
#include <libmilter/mfdef.h>

#include "common/xalloc.h"

#include "tests/lib/mc_step.h"

/* MC_SESSION_MAX_CMD - bytes of one command payload (a header of
 * MC_MSG_MAX_HEADER plus its name) */
#define MC_SESSION_MAX_CMD ((size_t)2 * 1024 * 1024)

/* mono_us - microseconds on the monotonic clock */
static uint64_t
mono_us(void)
{
    struct timespec ts;

    (void)clock_gettime(CLOCK_MONOTONIC, &ts); /* cannot fail */
    return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

/* optneg_symlists - the SMFIR_SETSYMLIST lists after the three words */
static int
optneg_symlists(struct mc_session *s, const char *p, size_t len)
{
    while (len >= 5) {
        uint32_t slot;
        const char *nul;

        memcpy(&slot, p, 4);
        slot = ntohl(slot);
        nul = memchr(p + 4, '\0', len - 4);
        if (nul == NULL || slot >= MC_MACRO_SLOTS)
            return -1;
        free(s->symlist[slot]);
        s->symlist[slot] = xstrdup(p + 4);
        len -= (size_t)(nul + 1 - p);
        p = nul + 1;
    }
    return len == 0 ? 0 : -1;
}

/* optneg - offer version 6, every action and step; read the choice */
static int
optneg(struct mc_session *s, struct mc_result *r)
{
    uint32_t offer[3] = { htonl(SMFI_PROT_VERSION), htonl(SMFI_CURR_ACTS),
                          htonl(SMFI_CURR_PROT) };
    uint32_t got[3];
    struct mc_packet p;

    if (mc_wire_put(&s->wire, SMFIC_OPTNEG, offer, sizeof(offer)) != 0)
        return mc_step_fail(s, r, MC_STAGE_OPTNEG);
    if (s->disconnect_at == MC_STAGE_OPTNEG)
        return mc_step_disconnect(s, r, MC_STAGE_OPTNEG);
    if (mc_step_read_reply(s, r, MC_STAGE_OPTNEG, &p) != 0)
        return -1;
    if (p.cmd != SMFIC_OPTNEG || p.len < sizeof(got))
        return mc_step_protocol_error(s, r, MC_STAGE_OPTNEG, "bad OPTNEG reply",
                                      p.cmd);
    memcpy(got, p.data, sizeof(got));
    s->version = ntohl(got[0]);
    s->actions = ntohl(got[1]);
    s->protocol = ntohl(got[2]);
    if (s->version < 2 || s->version > SMFI_PROT_VERSION ||
        (s->actions & ~(uint32_t)SMFI_CURR_ACTS) != 0 ||
        (s->protocol & ~(uint32_t)SMFI_CURR_PROT) != 0)
        return mc_step_protocol_error(s, r, MC_STAGE_OPTNEG,
                                      "filter chose a version, action or step "
                                      "that was not offered",
                                      p.cmd);
    if (optneg_symlists(s, p.data + sizeof(got), p.len - sizeof(got)) != 0)
        return mc_step_protocol_error(s, r, MC_STAGE_OPTNEG, "bad macro list",
                                      p.cmd);
    return 0;
}

/* connect_data - the SMFIC_CONNECT payload: host name, family, port and
 * address ('U' alone when the address is unknown) */
static int
connect_data(const struct mc_env *e, struct buf *b)
{
    bool unknown = e->client_ip == NULL || e->client_ip[0] == '\0' ||
                   strcmp(e->client_ip, "unknown") == 0;
    char fam = (char)(unknown                             ? SMFIA_UNKNOWN
                      : strchr(e->client_ip, ':') != NULL ? SMFIA_INET6
                                                          : SMFIA_INET);
    unsigned char port[2] = { (unsigned char)(e->client_port >> 8),
                              (unsigned char)e->client_port };
    int rc;

    buf_reset(b);
    if (e->client_name != NULL)
        rc = buf_append_str(b, e->client_name);
    else if (unknown)
        rc = buf_append_str(b, "unknown");
    else
        rc = buf_printf(b, "[%s]", e->client_ip);
    if (rc != 0 || buf_putc(b, '\0') != 0 || buf_putc(b, fam) != 0)
        return -1;
    if (unknown)
        return 0;
    if (buf_append(b, port, sizeof(port)) != 0 ||
        buf_append_str(b, e->client_ip) != 0 || buf_putc(b, '\0') != 0)
        return -1;
    return 0;
}

/* session_step - CONNECT or HELO; 0 on, 1 decided (s->is_done), -1 */
static int
session_step(struct mc_session *s, struct mc_result *r, struct mc_step *st)
{
    enum mc_step_rc rc = mc_step_run(s, r, st);

    if (rc == MC_STEP_ERR)
        return -1;
    if (rc != MC_STEP_FINAL)
        return 0;
    s->is_done = true;
    s->done_action = r->action;
    s->done_stage = r->stage;
    s->done_reply = r->reply ? xstrdup(r->reply) : NULL;
    return 1;
}

int
mc_session_open(struct mc_session *s, const struct mc_session_opts *o,
                const struct mc_env *env, struct mc_result *r)
{
    struct mc_step st = { .env = env };

    memset(s, 0, sizeof(*s));
    buf_init(&s->scratch, MC_SESSION_MAX_CMD);
    buf_init(&s->macros, MC_SESSION_MAX_CMD);
    s->disconnect_at = o->disconnect_at;
    if (mc_wire_open(&s->wire, o->spec, o->timeout_ms, o->nodelay) != 0)
        return mc_step_fail(s, r, MC_STAGE_OPTNEG);
    s->is_open = true;
    if (optneg(s, r) != 0)
        return -1;
    if (connect_data(env, &s->scratch) != 0)
        return mc_step_fail_why(s, r, MC_STAGE_CONNECT,
                                "connect data too long");
    st.stage = MC_STAGE_CONNECT;
    st.cmd = SMFIC_CONNECT;
    st.data = s->scratch.data;
    st.len = s->scratch.len;
    switch (session_step(s, r, &st)) {
    case 0:
        break;
    case 1:
        return 0;
    default:
        return -1;
    }
    buf_reset(&s->scratch);
    if (buf_append(&s->scratch, env->helo, strlen(env->helo) + 1) != 0)
        return mc_step_fail_why(s, r, MC_STAGE_HELO, "helo too long");
    st.stage = MC_STAGE_HELO;
    st.cmd = SMFIC_HELO;
    st.data = s->scratch.data;
    st.len = s->scratch.len;
    return session_step(s, r, &st) < 0 ? -1 : 0;
}

void
mc_session_close(struct mc_session *s, bool send_quit)
{
    if (s->is_open && send_quit &&
        mc_wire_put(&s->wire, SMFIC_QUIT, NULL, 0) == 0 &&
        mc_wire_flush(&s->wire) != 0) {
        /* the filter may be gone already: nothing left to do */
    }
    mc_wire_close(&s->wire);
    s->is_open = false;
    for (size_t i = 0; i < MC_MACRO_SLOTS; i++) {
        free(s->symlist[i]);
        s->symlist[i] = NULL;
    }
    free(s->done_reply);
    s->done_reply = NULL;
    buf_free(&s->scratch);
    buf_free(&s->macros);
}

/* str_step - a stage whose payload is one or two NUL-terminated strings
 * (b may be NULL) */
static enum mc_step_rc
str_step(struct mc_session *s, struct mc_result *r, struct mc_step *st,
         const char *a, const char *b)
{
    buf_reset(&s->scratch);
    if (buf_append(&s->scratch, a, strlen(a) + 1) != 0 ||
        (b != NULL && buf_append(&s->scratch, b, strlen(b) + 1) != 0))
        return mc_step_fail_why(s, r, st->stage, "command too long");
    st->data = s->scratch.data;
    st->len = s->scratch.len;
    return mc_step_run(s, r, st);
}

/* rcpts - every RCPT: a refusal drops that recipient only, and the
 * message ends when none is left (RFC 5321 3.3) */
static enum mc_step_rc
rcpts(struct mc_session *s, struct mc_result *r, const struct mc_env *e)
{
    struct mc_step st = { .stage = MC_STAGE_RCPT, .cmd = SMFIC_RCPT, .env = e };
    size_t accepted = 0;

    for (size_t i = 0; i < e->n_rcpt; i++) {
        enum mc_step_rc rc;

        st.rcpt = e->rcpt[i];
        rc = str_step(s, r, &st, e->rcpt[i], NULL);
        if (rc == MC_STEP_ERR)
            return rc;
        if (rc != MC_STEP_FINAL) {
            accepted++;
            continue;
        }
        if (r->action != MC_ACT_REJECT && r->action != MC_ACT_TEMPFAIL)
            return MC_STEP_FINAL; /* accept, discard, ... end the message */
        r->rcpt_rejected++;
    }
    if (accepted == 0 && e->n_rcpt > 0)
        return MC_STEP_FINAL; /* the last refusal stands */
    r->action = MC_ACT_NONE;
    free(r->reply);
    r->reply = NULL;
    return MC_STEP_CONTINUE;
}

/* envelope - MAIL, RCPT and DATA */
static enum mc_step_rc
envelope(struct mc_session *s, struct mc_result *r, const struct mc_env *e)
{
    struct mc_step st = { .stage = MC_STAGE_MAIL, .cmd = SMFIC_MAIL, .env = e };
    enum mc_step_rc rc = str_step(s, r, &st, e->from, NULL);

    if (rc == MC_STEP_ERR || rc == MC_STEP_FINAL)
        return rc;
    rc = rcpts(s, r, e);
    if (rc == MC_STEP_ERR || rc == MC_STEP_FINAL)
        return rc;
    st.stage = MC_STAGE_DATA;
    st.cmd = SMFIC_DATA;
    st.data = NULL;
    st.len = 0;
    rc = mc_step_run(s, r, &st);
    return rc == MC_STEP_ERR || rc == MC_STEP_FINAL ? rc : MC_STEP_CONTINUE;
}

/* headers - every header, then EOH */
static enum mc_step_rc
headers(struct mc_session *s, struct mc_result *r, const struct mc_env *e,
        const struct mc_content *c)
{
    struct mc_step st = { .stage = MC_STAGE_HEADER,
                          .cmd = SMFIC_HEADER,
                          .env = e };
    bool leadspc = (s->protocol & SMFIP_HDR_LEADSPC) != 0;

    for (size_t i = 0; i < c->n_hdrs; i++) {
        const char *v = c->hdrs[i].value;
        enum mc_step_rc rc;

        while (!leadspc && (*v == ' ' || *v == '\t'))
            v++;
        rc = str_step(s, r, &st, c->hdrs[i].name, v);
        if (rc == MC_STEP_ERR || rc == MC_STEP_FINAL)
            return rc;
        if (rc == MC_STEP_SKIP)
            break;
    }
    if (c->n_hdrs == 0 && s->disconnect_at == MC_STAGE_HEADER)
        return mc_step_disconnect(s, r, MC_STAGE_HEADER);
    st.stage = MC_STAGE_EOH;
    st.cmd = SMFIC_EOH;
    st.data = NULL;
    st.len = 0;
    return mc_step_run(s, r, &st);
}

/* body - the body in chunks of at most MILTER_CHUNK_SIZE bytes */
static enum mc_step_rc
body(struct mc_session *s, struct mc_result *r, const struct mc_env *e,
     const struct mc_content *c)
{
    struct mc_step st = { .stage = MC_STAGE_BODY, .cmd = SMFIC_BODY, .env = e };

    for (size_t off = 0; off < c->body_len; off += st.len) {
        enum mc_step_rc rc;

        st.data = c->body + off;
        st.len = c->body_len - off < MILTER_CHUNK_SIZE ? c->body_len - off
                                                       : MILTER_CHUNK_SIZE;
        rc = mc_step_run(s, r, &st);
        if (rc == MC_STEP_ERR || rc == MC_STEP_FINAL)
            return rc;
        if (rc == MC_STEP_SKIP)
            break;
    }
    if (c->body_len == 0 && s->disconnect_at == MC_STAGE_BODY)
        return mc_step_disconnect(s, r, MC_STAGE_BODY);
    return MC_STEP_CONTINUE;
}

/* mod_allowed - the filter negotiated the action behind modification
 * cmd */
static bool
mod_allowed(const struct mc_session *s, char cmd)
{
    static const struct {
        char cmd;     /* SMFIR_* */
        uint32_t act; /* SMFIF_* it needs */
    } need[] = {
        { SMFIR_ADDHEADER, SMFIF_ADDHDRS },
        { SMFIR_INSHEADER, SMFIF_ADDHDRS },
        { SMFIR_CHGHEADER, SMFIF_CHGHDRS },
        { SMFIR_ADDRCPT, SMFIF_ADDRCPT },
        { SMFIR_ADDRCPT_PAR, SMFIF_ADDRCPT_PAR },
        { SMFIR_DELRCPT, SMFIF_DELRCPT },
        { SMFIR_CHGFROM, SMFIF_CHGFROM },
        { SMFIR_QUARANTINE, SMFIF_QUARANTINE },
        { SMFIR_REPLBODY, SMFIF_CHGBODY },
    };

    for (size_t i = 0; i < sizeof(need) / sizeof(need[0]); i++) {
        if (need[i].cmd == cmd)
            return (s->actions & need[i].act) != 0;
    }
    return false;
}

/* eom - SMFIC_BODYEOB, then modifications until a final action */
static enum mc_step_rc
eom(struct mc_session *s, struct mc_result *r, const struct mc_env *e)
{
    struct mc_step st = { .stage = MC_STAGE_EOM, .env = e };
    struct mc_packet p;
    const char *why;

    if (mc_step_put_macros(s, &st) != 0 ||
        mc_wire_put(&s->wire, SMFIC_BODYEOB, NULL, 0) != 0)
        return mc_step_fail(s, r, MC_STAGE_EOM);
    if (s->disconnect_at == MC_STAGE_EOM)
        return mc_step_disconnect(s, r, MC_STAGE_EOM);
    for (;;) {
        int rc;

        if (mc_step_read_reply(s, r, MC_STAGE_EOM, &p) != 0)
            return MC_STEP_ERR;
        rc = mc_step_set_final(r, MC_STAGE_EOM, &p);
        if (rc == 1)
            return MC_STEP_FINAL;
        if (rc < 0)
            return mc_step_protocol_error(s, r, MC_STAGE_EOM, "bad reply code",
                                          p.cmd);
        if (!mod_allowed(s, p.cmd))
            return mc_step_protocol_error(s, r, MC_STAGE_EOM,
                                          "modification not negotiated", p.cmd);
        if (mc_result_add_mod(r, &p, &why) != 0)
            return mc_step_protocol_error(s, r, MC_STAGE_EOM, why, p.cmd);
    }
}

int
mc_session_message(struct mc_session *s, const struct mc_env *env,
                   const struct mc_content *c, struct mc_result *r)
{
    uint64_t t0 = mono_us();
    enum mc_step_rc rc;

    mc_result_reset(r);
    if (s->is_done) {
        r->action = s->done_action;
        r->stage = s->done_stage;
        r->reply = s->done_reply ? xstrdup(s->done_reply) : NULL;
        return 0;
    }
    if (!s->is_open) {
        mc_result_set_error(r, MC_STAGE_MAIL, MC_WIRE_ECLOSED,
                            "connection already closed");
        return -1;
    }
    rc = envelope(s, r, env);
    if (rc == MC_STEP_CONTINUE)
        rc = headers(s, r, env, c);
    if (rc == MC_STEP_CONTINUE || rc == MC_STEP_NOREPLY)
        rc = body(s, r, env, c);
    if (rc == MC_STEP_CONTINUE)
        rc = eom(s, r, env);
    r->elapsed_us = mono_us() - t0;
    if (rc == MC_STEP_ERR)
        return -1;
    if (mc_wire_put(&s->wire, SMFIC_ABORT, NULL, 0) != 0)
        return mc_step_fail(s, r, r->stage);
    return 0;
}
