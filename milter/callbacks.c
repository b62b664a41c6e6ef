/*
 * callbacks - thin libmilter adapters.
 *
 * Each xxfi_* callback fetches the connection state (smfi_getpriv), copies
 * what the MTA passed into it and calls a function of conn.c, msg.c or
 * eval.c; at end of message it applies the verdict (header fields,
 * recipient, quarantine, reply) and appends the history record.  No DMARC
 * logic lives here.  Internal failures are mapped to a milter action in
 * exactly one place, failure_action().
 *
 * STANDARDS: RFC 8601 section 4.1 (our Authentication-Results goes on
 * top); RFC 7489 section 10.3 (reject during the SMTP session); RFC 3463
 * (enhanced status codes).
 *
 * Ownership and threads: libmilter runs one thread per connection; the
 * struct mf_conn is that thread's.  The only shared state is the snapshot
 * registry (snap.c) and the history writer mutex of each snapshot.
 */
#include "milter/callbacks.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <libmilter/mfapi.h>

#include "common/cfg.h"
#include "common/log.h"
#include "milter/conn.h"
#include "milter/eval.h"
#include "milter/ignore.h"
#include "milter/snap.h"

/* mut - libmilter's prototypes predate const; it never writes through
 * these pointers */
static char *
mut(const char *s)
{
    union {
        const char *c;
        char *m;
    } u;

    u.c = s;
    return u.m;
}

/* the MTA job id for log lines, never NULL */
static const char *
job(const struct mf_conn *c)
{
    return c != NULL && c->msg.jobid != NULL ? c->msg.jobid : "NOQUEUE";
}

/* failure_action - the one place where an internal failure becomes a
 * milter action: opendmarc.conf(5) says RejectFailures temp-fails "if
 * evaluation could not be completed"; otherwise the mail flows. */
static sfsistat
failure_action(SMFICTX *ctx, const struct mf_conn *c, const char *what)
{
    log_err("%s: internal failure: %s", job(c), what);
    if (c != NULL && cfg_bool(c->snap->cfg, CFG_REJECTFAILURES)) {
        (void)smfi_setreply(ctx, mut("451"), mut("4.3.0"),
                            mut("DMARC evaluation failed, try again later"));
        return SMFIS_TEMPFAIL;
    }
    return SMFIS_ACCEPT;
}

/* getconn - the connection state of ctx */
static struct mf_conn *
getconn(SMFICTX *ctx)
{
    return smfi_getpriv(ctx);
}

/* cb_negotiate - ask for the events and macros we use */
static sfsistat
/* NOLINTNEXTLINE(readability-function-size): libmilter's fixed prototype */
cb_negotiate(SMFICTX *ctx, unsigned long f0, unsigned long f1, unsigned long f2,
             unsigned long f3, unsigned long *pf0, unsigned long *pf1,
             unsigned long *pf2, unsigned long *pf3)
{
    struct snap *snap = snap_get();
    struct mf_conn *c = NULL;
    /* no xxfi_eoh: the MTA need not send end-of-header at all, which
     * saves a round trip per message (libmilter would answer it) */
    unsigned long want = SMFIP_NOUNKNOWN | SMFIP_NODATA | SMFIP_NOEOH;

    (void)f2;
    (void)f3;
    *pf0 = f0 & (SMFIF_ADDHDRS | SMFIF_ADDRCPT | SMFIF_QUARANTINE);
    /* The connection state starts here so that it can remember what was
     * agreed: the MTA then waits for no reply to HELO, RCPT and each
     * header field -- each round trip saved is two system calls on both
     * sides, per header field, and a sleep and wake-up of the thread.  We
     * never refuse at those stages, nor at MAIL unless
     * IgnoreAuthenticatedClients may accept there. */
    if (snap != NULL) {
        c = conn_new(snap, NULL, NULL);
        if (smfi_setpriv(ctx, c) == MI_SUCCESS)
            want |= SMFIP_NR_HELO | SMFIP_NR_RCPT | SMFIP_NR_HDR |
                    (cfg_bool(snap->cfg, CFG_IGNOREAUTHENTICATEDCLIENTS)
                         ? 0
                         : SMFIP_NR_MAIL);
        else
            conn_free(c);
    }
    /* skip what we never look at.  The body only when failure reports
     * attach the whole message (snap->body_max, set from FailureReports,
     * FailureReportsBody and FailureReportsRedact): otherwise it would
     * cost a copy through the socket for every message.  With the body,
     * SKIP lets us stop it once it is over the limit. */
    if (c != NULL && (want & SMFIP_NR_HDR) != 0 && c->snap->body_max > 0)
        want |= SMFIP_SKIP;
    else
        want |= SMFIP_NOBODY;
    *pf1 = f1 & want;
    if (c != NULL && (want & SMFIP_NR_HDR) != 0)
        c->pflags = *pf1;
    *pf2 = 0;
    *pf3 = 0;
    (void)smfi_setsymlist(ctx, SMFIM_CONNECT, mut("j {daemon_name}"));
    (void)smfi_setsymlist(ctx, SMFIM_ENVFROM, mut("i {auth_authen}"));
    (void)smfi_setsymlist(ctx, SMFIM_EOM, mut("i"));
    return SMFIS_CONTINUE;
}

/* reply - the answer to a stage the MTA may have agreed to get no reply
 * for (nr: the SMFIP_NR_* flag of the stage) */
static sfsistat
reply(const struct mf_conn *c, unsigned long nr)
{
    return (c->pflags & nr) != 0 ? SMFIS_NOREPLY : SMFIS_CONTINUE;
}

/* conn_start - the connection state from negotiation, or a new one */
static struct mf_conn *
conn_start(SMFICTX *ctx, const _SOCK_ADDR *sa, const char *host)
{
    struct mf_conn *c = getconn(ctx);
    struct snap *snap;

    if (c != NULL) {
        conn_set_client(c, sa, host);
        return c;
    }
    snap = snap_get();
    if (snap == NULL)
        return NULL;
    c = conn_new(snap, sa, host);
    if (smfi_setpriv(ctx, c) != MI_SUCCESS) {
        conn_free(c);
        return NULL;
    }
    return c;
}

static sfsistat
cb_connect(SMFICTX *ctx, char *host, _SOCK_ADDR *sa)
{
    struct mf_conn *c = conn_start(ctx, sa, host);

    if (c == NULL)
        return failure_action(ctx, NULL, "no configuration or state");
    conn_set_mta_name(c, smfi_getsymval(ctx, mut("j")));
    c->is_ignored = ignore_match(c->snap->ignore, conn_sockaddr(c), host);
    if (c->is_ignored) {
        log_info("NOQUEUE: ignoring connection from %s", c->addr_text);
        return SMFIS_ACCEPT;
    }
    return SMFIS_CONTINUE;
}

static sfsistat
cb_helo(SMFICTX *ctx, char *helo)
{
    struct mf_conn *c = getconn(ctx);

    if (c == NULL)
        return SMFIS_ACCEPT;
    conn_set_helo(c, helo);
    return reply(c, SMFIP_NR_HELO);
}

static sfsistat
cb_envfrom(SMFICTX *ctx, char **argv)
{
    struct mf_conn *c = getconn(ctx);

    if (c == NULL)
        return SMFIS_ACCEPT;
    msg_reset(&c->msg);
    conn_set_mta_name(c, smfi_getsymval(ctx, mut("j")));
    msg_set_sender(&c->msg, argv[0] != NULL ? argv[0] : "");
    msg_set_jobid(&c->msg, smfi_getsymval(ctx, mut("i")));
    msg_set_auth(&c->msg, smfi_getsymval(ctx, mut("{auth_authen}")));
    if (c->msg.auth_authen != NULL &&
        cfg_bool(c->snap->cfg, CFG_IGNOREAUTHENTICATEDCLIENTS)) {
        log_info("%s: ignoring authenticated client", job(c));
        msg_reset(&c->msg);
        return SMFIS_ACCEPT;
    }
    return reply(c, SMFIP_NR_MAIL);
}

static sfsistat
cb_envrcpt(SMFICTX *ctx, char **argv)
{
    struct mf_conn *c = getconn(ctx);

    if (c == NULL)
        return SMFIS_ACCEPT;
    msg_add_rcpt(&c->msg, argv != NULL ? argv[0] : NULL);
    return reply(c, SMFIP_NR_RCPT);
}

static sfsistat
cb_header(SMFICTX *ctx, char *name, char *value)
{
    struct mf_conn *c = getconn(ctx);
    bool was_over;

    if (c == NULL)
        return SMFIS_ACCEPT;
    was_over = c->msg.is_over_limit;
    if (msg_add_header(&c->msg, name, value) != 0 && !was_over)
        log_warn("%s: header limits exceeded", job(c));
    return reply(c, SMFIP_NR_HDR);
}

/* cb_body - keep the body for a failure report, up to the snapshot's
 * limit; past it (or when no body is wanted, should the MTA send one
 * anyway) ask the MTA to skip the rest where it agreed to SMFIP_SKIP */
static sfsistat
cb_body(SMFICTX *ctx, unsigned char *body, size_t len)
{
    struct mf_conn *c = getconn(ctx);

    if (c == NULL)
        return SMFIS_ACCEPT;
    if (c->snap->body_max > 0 && !c->msg.is_body_over &&
        msg_add_body(&c->msg, body, len, c->snap->body_max) == 0)
        return SMFIS_CONTINUE;
    return (c->pflags & SMFIP_SKIP) != 0 ? SMFIS_SKIP : SMFIS_CONTINUE;
}

/* add_header - insert one field at the top; false on failure (logged) */
static bool
add_header(SMFICTX *ctx, const struct mf_conn *c, const char *name,
           const struct buf *value)
{
    if (value->len == 0)
        return true;
    if (smfi_insheader(ctx, 0, mut(name), mut(buf_cstr(value))) == MI_SUCCESS)
        return true;
    log_err("%s: cannot add %s field", job(c), name);
    return false;
}

/* apply - carry out the verdict; returns the milter status */
static sfsistat
apply(SMFICTX *ctx, const struct mf_conn *c, const struct eval_out *o)
{
    const char *copy = cfg_str(c->snap->cfg, CFG_COPYFAILURESTO);

    bool is_refused = o->action == EVAL_REJECT || o->action == EVAL_TEMPFAIL;

    /* OpenDMARC's shape: DMARC-Filter and our SPF result also before a
     * refusal (a milter log shows them), the DMARC result only on mail
     * that is delivered: a refused message carries it in the reply text
     * and the history record */
    if (!add_header(ctx, c, "DMARC-Filter", &o->software) ||
        !add_header(ctx, c, "Authentication-Results", &o->ar_spf) ||
        (!is_refused &&
         !add_header(ctx, c, "Authentication-Results", &o->ar_dmarc)))
        return failure_action(ctx, c, "adding a header field");
    if (is_refused) {
        if (o->rcode != NULL &&
            smfi_setreply(ctx, mut(o->rcode), mut(o->xcode),
                          mut(buf_cstr(&o->reply))) != MI_SUCCESS)
            log_warn("%s: cannot set the reply text", job(c));
        return o->action == EVAL_REJECT ? SMFIS_REJECT : SMFIS_TEMPFAIL;
    }
    if (o->is_copy_wanted && copy != NULL &&
        smfi_addrcpt(ctx, mut(copy)) != MI_SUCCESS)
        log_err("%s: cannot add recipient for CopyFailuresTo", job(c));
    if (o->action == EVAL_QUARANTINE &&
        smfi_quarantine(ctx, mut(buf_cstr(&o->reply))) != MI_SUCCESS)
        return failure_action(ctx, c, "smfi_quarantine");
    return SMFIS_ACCEPT;
}

static sfsistat
cb_eom(SMFICTX *ctx)
{
    struct mf_conn *c = getconn(ctx);
    struct eval_out out;
    sfsistat rc;

    if (c == NULL)
        return SMFIS_ACCEPT;
    msg_set_jobid(&c->msg, smfi_getsymval(ctx, mut("i")));
    eval_out_init(&out);
    if (eval_message(c, &out) != 0) {
        rc = failure_action(ctx, c, "evaluation");
    } else {
        rc = apply(ctx, c, &out);
        if (out.history.len > 0 &&
            snap_history_append(c->snap, &out.history) != 0)
            log_err("%s: history record not written", job(c));
    }
    eval_out_free(&out);
    msg_reset(&c->msg);
    return rc;
}

static sfsistat
cb_abort(SMFICTX *ctx)
{
    struct mf_conn *c = getconn(ctx);

    if (c != NULL)
        msg_reset(&c->msg);
    return SMFIS_CONTINUE;
}

static sfsistat
cb_close(SMFICTX *ctx)
{
    struct mf_conn *c = getconn(ctx);

    if (c != NULL) {
        (void)smfi_setpriv(ctx, NULL); /* the context is going away */
        conn_free(c);
    }
    return SMFIS_CONTINUE;
}

/* the filter name (libmilter wants a writable string) */
static char callbacks_name[] = "dmarc-milter";

/* the filter description */
static struct smfiDesc callbacks_table = {
    .xxfi_name = callbacks_name,
    .xxfi_version = SMFI_VERSION,
    .xxfi_flags = SMFIF_ADDHDRS | SMFIF_ADDRCPT | SMFIF_QUARANTINE,
    .xxfi_connect = cb_connect,
    .xxfi_helo = cb_helo,
    .xxfi_envfrom = cb_envfrom,
    .xxfi_envrcpt = cb_envrcpt,
    .xxfi_header = cb_header,
    .xxfi_eoh = NULL,
    .xxfi_body = cb_body, /* asked for only with FailureReportsBody */
    .xxfi_eom = cb_eom,
    .xxfi_abort = cb_abort,
    .xxfi_close = cb_close,
    .xxfi_unknown = NULL,
    .xxfi_data = NULL,
    .xxfi_negotiate = cb_negotiate,
};

struct smfiDesc *
callbacks_desc(void)
{
    return &callbacks_table;
}
