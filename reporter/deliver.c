/*
 * deliver - hand a finished message to the mail system.
 *
 * Checks the envelope, builds the argument vector and runs the sendmail
 * command through common/exec; maps how it ended to a delivery status.
 * It does not build messages (mail.c), decide destinations or record
 * attempts (the caller does).
 *
 * STANDARDS: sendmail(8) command line (-i, -f) and exit statuses
 * (sysexits.h, EX_TEMPFAIL 75); RFC 5321 section 4.5.3.1.3 (path
 * length).
 *
 * Thread safety: thread-safe.
 */
#include "reporter/deliver.h"

#include <stdint.h>
#include <string.h>
#include <sysexits.h>

#include "common/ascii.h"
#include "common/exec.h"

const char *const *
deliver_default_env(void)
{
    static const char *const env[] = { "PATH=/usr/sbin:/usr/bin:/sbin:/bin",
                                       "LC_ALL=C", NULL };
    return env;
}

bool
deliver_addr_ok(const char *addr)
{
    size_t len = strlen(addr);
    size_t at = 0;
    size_t ats = 0;

    if (len < 3 || len > DELIVER_MAX_ADDR || addr[0] == '-')
        return false;
    for (size_t i = 0; i < len; i++) {
        char c = addr[i];

        if (!ascii_is_print(c) || c == ' ' || strchr(",;<>()\"\\", c))
            return false;
        if (c == '@') {
            at = i;
            ats++;
        }
    }
    return ats == 1 && at > 0 && at < len - 1;
}

/* build_argv - path -i -f sender rcpt... NULL into argv */
static int
build_argv(const struct deliver_sendmail *o, const struct deliver_envelope *env,
           const char **argv, const char **why)
{
    size_t n = 0;

    if (env->rcpt_count == 0 || env->rcpt_count > DELIVER_MAX_RCPTS) {
        *why = "no recipient, or too many";
        return -1;
    }
    if (!deliver_addr_ok(env->sender)) {
        *why = "envelope sender refused";
        return -1;
    }
    argv[n++] = o->path;
    argv[n++] = "-i"; /* a line "." is not the end of the message */
    argv[n++] = "-f";
    argv[n++] = env->sender;
    for (size_t i = 0; i < env->rcpt_count; i++) {
        if (!deliver_addr_ok(env->rcpt[i])) {
            *why = "recipient address refused";
            return -1;
        }
        argv[n++] = env->rcpt[i];
    }
    argv[n] = NULL;
    return 0;
}

/* classify - the delivery status for how the command ended */
static enum deliver_status
classify(const char *path, const struct exec_result *res, const char **why)
{
    if (res->is_timeout) {
        log_warn("deliver: command=%s timed out, killed", path);
        *why = "sendmail command timed out";
        return DELIVER_TEMPFAIL;
    }
    if (!res->is_exited) {
        log_warn("deliver: command=%s killed by signal %d", path, res->signal);
        *why = "sendmail command killed by a signal";
        return DELIVER_TEMPFAIL;
    }
    if (res->status == 0 && !res->is_in_short) {
        *why = "sent";
        return DELIVER_SENT;
    }
    log_warn("deliver: command=%s status=%d%s", path, res->status,
             res->is_in_short ? " (did not read the whole message)" : "");
    if (res->status == 0) {
        *why = "sendmail command did not read the whole message";
        return DELIVER_TEMPFAIL;
    }
    if (res->status == EX_TEMPFAIL) {
        *why = "sendmail command: temporary failure";
        return DELIVER_TEMPFAIL;
    }
    *why = res->status == EXEC_STATUS_NOEXEC ? "sendmail command cannot be run"
                                             : "sendmail command failed";
    return DELIVER_PERMFAIL;
}

enum deliver_status
deliver_sendmail(const struct deliver_sendmail *o,
                 const struct deliver_envelope *env, const char *msg,
                 size_t msg_len, const char **why)
{
    const char *argv[DELIVER_MAX_RCPTS + 5];
    struct exec_cmd cmd;
    struct exec_result res;

    if (o->path == NULL || o->path[0] != '/') {
        *why = "sendmail command is not an absolute path";
        return DELIVER_PERMFAIL;
    }
    if (build_argv(o, env, argv, why) < 0)
        return DELIVER_BADADDR;
    cmd.path = o->path;
    cmd.argv = argv;
    cmd.envp = o->envp != NULL ? o->envp : deliver_default_env();
    cmd.in = msg;
    cmd.in_len = msg_len;
    cmd.timeout_ms =
        1000 * (o->timeout_s ? o->timeout_s : DELIVER_DEFAULT_TIMEOUT);
    if (exec_run(&cmd, &res) < 0) {
        *why = "cannot start the sendmail command";
        return DELIVER_TEMPFAIL;
    }
    return classify(o->path, &res, why);
}

const char *
deliver_status_str(enum deliver_status st)
{
    switch (st) {
    case DELIVER_SENT:
        return "sent";
    case DELIVER_TEMPFAIL:
        return "tempfail";
    case DELIVER_PERMFAIL:
        return "permfail";
    case DELIVER_BADADDR:
        return "badaddr";
    }
    log_panic("deliver: status %d", (int)st);
}
