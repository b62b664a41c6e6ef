/*
 * deliver - hand a finished message to the mail system.
 *
 * Through a sendmail-compatible command (the default): run with an
 * argument vector and a fixed environment, never through a shell, the
 * envelope sender after -f and each recipient as an argument of its own,
 * the message on standard input, a deadline, and the exit status mapped
 * to sent / temporary / permanent.
 *
 * Thread safety: thread-safe (see common/exec.h about SIGCHLD).
 */
#ifndef DMARC_REPORTER_DELIVER_H
#define DMARC_REPORTER_DELIVER_H

#include <stdbool.h>
#include <stddef.h>

#include "common/log.h"

/* DELIVER_MAX_RCPTS - recipients of one message; a report goes to one
 * destination at a time, failure reports to a few */
#define DELIVER_MAX_RCPTS 16
/* DELIVER_MAX_ADDR - an address: RFC 5321 section 4.5.3.1.3 limits a
 * path to 256 octets including the angle brackets */
#define DELIVER_MAX_ADDR 254
/* DELIVER_DEFAULT_TIMEOUT - seconds a sendmail command may take */
#define DELIVER_DEFAULT_TIMEOUT 120

/* outcome of a delivery attempt */
enum deliver_status {
    DELIVER_SENT = 0,     /* accepted by the mail system */
    DELIVER_TEMPFAIL = 1, /* try again later (EX_TEMPFAIL, timeout,
                             killed by a signal) */
    DELIVER_PERMFAIL = 2, /* will not work as configured (other exit
                             status, command not executable) */
    DELIVER_BADADDR = 3   /* an address was refused before running
                             anything: never retried */
};

/* the sendmail command */
struct deliver_sendmail {
    const char *path;        /* e.g. /usr/sbin/sendmail (absolute) */
    const char *const *envp; /* environment, NULL-terminated; NULL for
                                deliver_default_env */
    unsigned timeout_s;      /* 0: DELIVER_DEFAULT_TIMEOUT */
};

/* the envelope of one message; borrowed */
struct deliver_envelope {
    const char *sender;      /* envelope sender (-f), an address */
    const char *const *rcpt; /* recipients */
    size_t rcpt_count;       /* 1..DELIVER_MAX_RCPTS */
};

/* deliver_default_env - the fixed environment given to the command:
 * PATH=/usr/sbin:/usr/bin:/sbin:/bin and LC_ALL=C.  Static. */
const char *const *deliver_default_env(void);

/* deliver_addr_ok - true when addr may be passed to sendmail as one
 * argument: 3..DELIVER_MAX_ADDR printable ASCII bytes, exactly one '@'
 * with text on both sides, not starting with '-' (it would be an
 * option), and none of space, control characters, or the address-list
 * characters , ; < > ( ) " \ that sendmail would parse. */
bool deliver_addr_ok(const char *addr);

/* deliver_sendmail - run "path -i -f sender rcpt..." with msg (borrowed)
 * on standard input.  Returns DELIVER_SENT for exit status 0,
 * DELIVER_TEMPFAIL for 75 (EX_TEMPFAIL), the deadline or a signal,
 * DELIVER_PERMFAIL for anything else, DELIVER_BADADDR when an address
 * fails deliver_addr_ok; *why says which (static).  The command's exit
 * status is logged. */
enum deliver_status deliver_sendmail(const struct deliver_sendmail *o,
                                     const struct deliver_envelope *env,
                                     const char *msg, size_t msg_len,
                                     const char **why) WARN_UNUSED;

/* deliver_status_str - "sent", "tempfail", "permfail", "badaddr". */
const char *deliver_status_str(enum deliver_status st);

#endif
