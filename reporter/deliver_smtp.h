/*
 * deliver_smtp - hand a finished message to an SMTP server with libcurl.
 *
 * The alternative to the sendmail command: smtp:// (with STARTTLS as
 * configured) or smtps:// (TLS from the start), AUTH when a user name is
 * configured, certificate checks on unless turned off.  Outcomes as in
 * deliver.h: 2xx sent, 4xx and connection trouble temporary, 5xx and bad
 * configuration permanent.
 *
 * Thread safety: thread-safe once curl_global_init() has run (the
 * program calls it at startup, before threads); no signals are used.
 */
#ifndef DMARC_REPORTER_DELIVER_SMTP_H
#define DMARC_REPORTER_DELIVER_SMTP_H

#include <stdbool.h>
#include <stddef.h>

#include "common/log.h"
#include "reporter/deliver.h"

/* STARTTLS on smtp:// (RFC 3207; RFC 7489 section 7.2.1: a secure
 * transport SHOULD be used) */
enum deliver_smtp_tls {
    DELIVER_SMTP_TLS_TRY = 0,     /* STARTTLS when offered (default);
                                     required when AUTH is configured, so
                                     a password never crosses a link whose
                                     STARTTLS was stripped */
    DELIVER_SMTP_TLS_REQUIRE = 1, /* fail when it is not offered */
    DELIVER_SMTP_TLS_NONE = 2     /* never (a local relay, tests) */
};

/* the SMTP server; all borrowed */
struct deliver_smtp {
    const char *url;           /* smtp://host[:port] or smtps://... */
    enum deliver_smtp_tls tls; /* STARTTLS policy for smtp:// */
    const char *user;          /* AUTH user; NULL or "" for no AUTH */
    const char *password;      /* AUTH password */
    bool is_insecure;          /* skip certificate checks (tests) */
    unsigned timeout_s;        /* whole transaction; 0: 120 */
};

/* deliver_smtp_send - send msg (CRLF line ends) with the envelope env
 * (addresses checked with deliver_addr_ok).  Returns a deliver_status
 * with a static *why; the server's reply code and curl's message are
 * logged on failure. */
enum deliver_status deliver_smtp_send(const struct deliver_smtp *o,
                                      const struct deliver_envelope *env,
                                      const char *msg, size_t msg_len,
                                      const char **why) WARN_UNUSED;

#endif
