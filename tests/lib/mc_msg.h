/*
 * mc_msg - what the test milter client sends: the stages, the envelope
 * and the content (headers as the MTA passes them, body with CRLF).
 *
 * Thread safety: a struct mc_content is read-only once built and may then
 * be shared by threads; the functions keep no state.
 */
#ifndef DMARC_TESTS_MC_MSG_H
#define DMARC_TESTS_MC_MSG_H

#include <stddef.h>
#include <stdint.h>

#include "common/log.h"

/* MC_MSG_MAX_HEADER - bytes of one header value: Postfix's
 * header_size_limit is 100 KiB; 1 MiB leaves room for oversize tests */
#define MC_MSG_MAX_HEADER ((size_t)1024 * 1024)

/* MC_MSG_MAX_HEADERS - headers in one message (Postfix stops at 1 000
 * for hop counting; tests go a little beyond) */
#define MC_MSG_MAX_HEADERS 100000

/* the protocol stages, in the order the MTA reaches them */
enum mc_stage {
    MC_STAGE_NONE = 0, /* no stage / any stage */
    MC_STAGE_OPTNEG,   /* option negotiation */
    MC_STAGE_CONNECT,  /* SMFIC_CONNECT */
    MC_STAGE_HELO,     /* SMFIC_HELO */
    MC_STAGE_MAIL,     /* SMFIC_MAIL */
    MC_STAGE_RCPT,     /* SMFIC_RCPT */
    MC_STAGE_DATA,     /* SMFIC_DATA */
    MC_STAGE_HEADER,   /* SMFIC_HEADER */
    MC_STAGE_EOH,      /* SMFIC_EOH */
    MC_STAGE_BODY,     /* SMFIC_BODY */
    MC_STAGE_EOM,      /* SMFIC_BODYEOB */
    MC_STAGE_QUIT,     /* SMFIC_QUIT (never a disconnect point) */
};

/* a macro given by the user: replaces or adds a value */
struct mc_macro {
    enum mc_stage stage; /* stage it is sent at, MC_STAGE_NONE for its
                            default stage (connect when it has none) */
    char *name;          /* "j" or "{name}" */
    char *value;         /* "" means: do not send this macro */
};

/* the envelope of one message; every pointer is borrowed */
struct mc_env {
    const char *client_ip;       /* address, or "unknown" */
    const char *client_name;     /* PTR name, NULL for "[ip]" */
    uint16_t client_port;        /* client's TCP port */
    const char *helo;            /* HELO/EHLO argument */
    const char *from;            /* MAIL FROM:, with <> */
    const char *const *rcpt;     /* RCPT TO: list, with <> */
    size_t n_rcpt;               /* entries in rcpt */
    const char *queue_id;        /* the {i} macro */
    const char *auth;            /* SASL login, NULL when none */
    const char *myhostname;      /* j, {daemon_name} */
    const struct mc_macro *user; /* --macro overrides */
    size_t n_user;               /* entries in user */
};

/* one header, as the MTA sends it */
struct mc_header {
    char *name;  /* field name, without the colon */
    char *value; /* raw text after the colon: leading white space kept,
                    folds as LF and the white space, no final line end */
};

/* the content of one message */
struct mc_content {
    struct mc_header *hdrs; /* in order */
    size_t n_hdrs;          /* headers used */
    size_t cap_hdrs;        /* headers allocated */
    char *body;             /* body with CRLF line ends (may be NULL) */
    size_t body_len;        /* bytes of body */
};

/* mc_stage_name - "connect", "helo", ... ("none" for MC_STAGE_NONE). */
const char *mc_stage_name(enum mc_stage stage);

/* mc_stage_parse - the stage named name: 0, or -1 when unknown. */
int mc_stage_parse(const char *name, enum mc_stage *out) WARN_UNUSED;

/* mc_content_free - release everything (the struct may then be reused
 * after zeroing). */
void mc_content_free(struct mc_content *c);

/* mc_content_add - append a header; copies name and value. */
void mc_content_add(struct mc_content *c, const char *name, size_t name_len,
                    const char *value, size_t value_len);

/* mc_content_add_line - append a header given as "Name: value": 0, or -1
 * with *why when there is no valid field name and colon (RFC 5322 2.2). */
int mc_content_add_line(struct mc_content *c, const char *line,
                        const char **why) WARN_UNUSED;

/* mc_content_set_body - the body from text (LF or CRLF line ends),
 * stored with CRLF and a final line end (RFC 5321 2.3.8). */
void mc_content_set_body(struct mc_content *c, const char *text, size_t len);

/* mc_content_parse - headers and body of an RFC 5322 message (LF or CRLF
 * line ends).  The header section ends at the first empty line or at the
 * first line that is not a header field (which starts the body).  A
 * leading mbox "From " line is skipped (leniency).  0, or -1 with *why
 * when a header exceeds MC_MSG_MAX_HEADER or there are too many. */
int mc_content_parse(struct mc_content *c, const char *p, size_t len,
                     const char **why) WARN_UNUSED;

/* mc_content_gen_headers - add n headers "X-Gen-K: value K". */
void mc_content_gen_headers(struct mc_content *c, size_t n);

/* mc_content_gen_big - add one "X-Big" header of value_len bytes, on one
 * line (a single space, then 'x's). */
void mc_content_gen_big(struct mc_content *c, size_t value_len);

#endif
