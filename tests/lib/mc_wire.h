/*
 * mc_wire - the milter wire format on a socket, MTA side, for the test
 * milter client: framing, buffered writes, and a timeout on every wait.
 *
 * A packet is a 4-byte big-endian length (command byte plus data), the
 * command byte, then the data.  Writes are buffered and go out with
 * mc_wire_flush(), so a macro packet and its command leave in one write
 * as they do from Postfix's buffered stream.  TCP_NODELAY is set only on
 * request: Postfix does not set it, and the client must see a filter's
 * delayed-ACK stall as a real MTA would (TCP_QUICKACK is never used).
 *
 * Thread safety: one struct mc_wire per thread.
 */
#ifndef DMARC_TESTS_MC_WIRE_H
#define DMARC_TESTS_MC_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "common/buf.h"
#include "common/log.h"

/* MC_WIRE_MAX_REPLY - largest filter packet accepted: REPLBODY chunks are
 * at most 1 MiB (SMFIP_MDS_1M); anything far bigger is a broken filter */
#define MC_WIRE_MAX_REPLY ((size_t)16 * 1024 * 1024)

/* MC_WIRE_MAX_OUT - pending output; a frame holds at most one header or
 * one 64 KiB body chunk, and the CLI limits generated headers to 1 MiB */
#define MC_WIRE_MAX_OUT ((size_t)4 * 1024 * 1024)

/* MC_WIRE_MAX_ERR - bytes of an error message */
#define MC_WIRE_MAX_ERR 256

/* failure classes, as the load report counts them */
enum mc_wire_err {
    MC_WIRE_OK = 0,      /* no error */
    MC_WIRE_ECONNECT,    /* the socket could not be opened */
    MC_WIRE_ETIMEOUT,    /* a read or write timed out */
    MC_WIRE_ECLOSED,     /* the filter closed the connection */
    MC_WIRE_EPROTOCOL,   /* the filter broke the protocol */
    MC_WIRE_EIO,         /* another system error */
    MC_WIRE_EDISCONNECT, /* we closed on purpose (--disconnect-at) */
};

/* an open connection to a filter */
struct mc_wire {
    int fd;                    /* socket, -1 when closed */
    int timeout_ms;            /* bound on every wait */
    struct buf out;            /* frames not yet written */
    char *in;                  /* read buffer */
    size_t in_off;             /* first unread byte of in */
    size_t in_len;             /* bytes held in in */
    size_t in_cap;             /* bytes allocated for in */
    enum mc_wire_err err;      /* class of the first failure */
    char why[MC_WIRE_MAX_ERR]; /* text of the first failure */
};

/* one packet from the filter; data borrowed, valid until the next read */
struct mc_packet {
    char cmd;         /* response code (SMFIR_*) */
    const char *data; /* payload */
    size_t len;       /* payload bytes */
};

/* mc_wire_parse_spec - turn inet:PORT@HOST, inet6:PORT@HOST (HOST an
 * address literal, brackets allowed; loopback when omitted), unix:/path or
 * local:/path into a socket address.  0, or -1 with *why set (static). */
int mc_wire_parse_spec(const char *spec, struct sockaddr_storage *ss,
                       socklen_t *ss_len, const char **why) WARN_UNUSED;

/* mc_wire_open - connect to spec within timeout_ms.  0, or -1 with
 * w->err and w->why set (w must still be closed with mc_wire_close). */
int mc_wire_open(struct mc_wire *w, const char *spec, int timeout_ms,
                 bool nodelay) WARN_UNUSED;

/* mc_wire_close - close the socket and free the buffers (idempotent). */
void mc_wire_close(struct mc_wire *w);

/* mc_wire_put - queue one frame; -1 when the output buffer is full. */
int mc_wire_put(struct mc_wire *w, char cmd, const void *data,
                size_t len) WARN_UNUSED;

/* mc_wire_flush - write every queued frame.  0, or -1 with w->err set. */
int mc_wire_flush(struct mc_wire *w) WARN_UNUSED;

/* mc_wire_read - flush, then read one packet.  0, or -1 with w->err set
 * (MC_WIRE_ECLOSED for end of file). */
int mc_wire_read(struct mc_wire *w, struct mc_packet *pkt) WARN_UNUSED;

/* mc_wire_fail - record a failure (the first one wins); returns -1. */
int mc_wire_fail(struct mc_wire *w, enum mc_wire_err err, const char *fmt, ...)
    LOG_FMT(3, 4);

/* mc_wire_err_name - "timeout", "closed", ... for a failure class. */
const char *mc_wire_err_name(enum mc_wire_err err);

#endif
