/*
 * msg - per-message state: envelope, macros and the header fields.
 *
 * Every per-message allocation hangs off struct mf_msg and is released by
 * msg_reset(), which the callbacks call from envfrom, eom, abort and close;
 * the header array keeps its capacity across messages (Postfix's
 * CLEANUP_STATE reuse).  Header collection is bounded: past
 * MSG_MAX_HEADERS fields or MSG_MAX_HEADER_BYTES bytes the message is
 * marked over its limits (never silently truncated) and the evaluation
 * refuses it.  With failure reports that attach the whole message, the
 * body is kept too, up to a limit the caller gives: a longer body is
 * dropped at once and the message marked (the report then carries the
 * header only); it is freed by msg_reset, never kept across messages.
 *
 * Thread safety: a message belongs to one connection, hence one thread.
 */
#ifndef DMARC_MILTER_MSG_H
#define DMARC_MILTER_MSG_H

#include <stdbool.h>
#include <stddef.h>

#include "common/log.h"
#include "common/str.h"

/* MSG_MAX_HEADERS - header fields kept per message.  RFC 5322 sets no
 * limit; real mail stays far below (Postfix's hopcount_limit is 50
 * Received fields), and tests send 1 000 fields. */
#define MSG_MAX_HEADERS 10000
/* MSG_MAX_HEADER_BYTES - bytes of header names and values kept; Postfix
 * caps one field at 100 KiB (header_size_limit), and the whole header
 * rarely exceeds a few KiB */
#define MSG_MAX_HEADER_BYTES ((size_t)4 * 1024 * 1024)

/* one header field as the MTA passed it (folding kept as sent) */
struct msg_hdr {
    char *name;  /* field name, NUL-terminated */
    char *value; /* field body, NUL-terminated */
};

/* the message being received on a connection */
struct mf_msg {
    char *jobid;          /* MTA queue id ({i}); NULL until known */
    char *sender;         /* MAIL FROM without <>; "" for null sender */
    char *auth_authen;    /* {auth_authen}; NULL when not authenticated */
    struct msg_hdr *hdrs; /* header fields in received order */
    size_t n_hdrs;        /* fields used */
    size_t cap_hdrs;      /* fields allocated (kept across messages) */
    size_t hdr_bytes;     /* bytes of names and values held */
    size_t n_rcpts;       /* RCPT TO commands seen */
    char *rcpt;           /* the first RCPT TO address without <>, or
                             NULL (Original-Rcpt-To of failure reports) */
    bool is_over_limit;   /* a header limit was exceeded */
    bool has_sender;      /* MAIL FROM was seen */
    char *body;           /* the body kept for a failure report (bytes
                             as the MTA sent them), or NULL */
    size_t body_len;      /* bytes of body held */
    size_t body_cap;      /* bytes of body allocated */
    bool is_body_over;    /* the body passed its limit: none is kept */
};

/* msg_init - an empty message. */
void msg_init(struct mf_msg *m);

/* msg_reset - release everything of the current message, keeping the
 * header array for reuse. */
void msg_reset(struct mf_msg *m);

/* msg_free - release everything (the struct itself is the caller's). */
void msg_free(struct mf_msg *m);

/* msg_set_sender - store the MAIL FROM argument (with or without <>;
 * "<>" is the null sender). */
void msg_set_sender(struct mf_msg *m, const char *arg);

/* msg_add_rcpt - count a RCPT TO argument; the first is kept (a copy,
 * with or without <>). */
void msg_add_rcpt(struct mf_msg *m, const char *arg);

/* msg_set_jobid - store the queue id (a copy); NULL is ignored. */
void msg_set_jobid(struct mf_msg *m, const char *jobid);

/* msg_set_auth - store {auth_authen} (a copy); NULL is ignored. */
void msg_set_auth(struct mf_msg *m, const char *authen);

/* msg_add_header - keep a copy of one field.  Returns 0, or -1 when a
 * limit is exceeded (the message is then marked is_over_limit). */
int msg_add_header(struct mf_msg *m, const char *name,
                   const char *value) WARN_UNUSED;

/* msg_add_body - keep a copy of one body chunk (len bytes at p, any
 * bytes).  Returns 0, or -1 when the body would pass max bytes: the body
 * kept so far is freed and the message marked is_body_over (every later
 * chunk is refused too). */
int msg_add_body(struct mf_msg *m, const void *p, size_t len,
                 size_t max) WARN_UNUSED;

/* msg_count - number of fields named name (case-insensitive). */
size_t msg_count(const struct mf_msg *m, const char *name);

/* msg_sender_domain - the domain of the MAIL FROM address (after the last
 * '@'), or an empty slice; borrowed from m. */
struct str msg_sender_domain(const struct mf_msg *m);

#endif
