/*
 * mc_wire - the milter wire format on a socket, MTA side.
 *
 * Opens inet, inet6 and unix sockets (non-blocking, so that connect, read
 * and write all wait in poll() with the one timeout), queues frames and
 * reads packets through a buffer.  It knows nothing of stages or of the
 * meaning of commands: that is mc_session.c.  Host names are not
 * resolved: the test client talks to loopback addresses only.
 *
 * STANDARDS: the Sendmail milter protocol (libmilter/mfdef.h), version 6.
 * Ownership: struct mc_wire owns its socket and buffers.
 * Thread safety: one struct mc_wire per thread; no shared state.
 */
#include "tests/lib/mc_wire.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/un.h>
#include <unistd.h>

#include "common/num.h"
#include "common/xalloc.h"

/* MC_WIRE_MAX_HOST - an address literal with brackets */
#define MC_WIRE_MAX_HOST 64

/* parse_inet - PORT[@HOST] for family af; 0 or -1 with *why */
static int
parse_inet(const char *rest, int af, struct sockaddr_storage *ss,
           socklen_t *ss_len, const char **why)
{
    struct str s = str_cstr(rest);
    size_t at = str_chr(s, '@');
    char host[MC_WIRE_MAX_HOST];
    struct str h = at < s.len ? str_make(rest + at + 1, s.len - at - 1)
                              : str_cstr(af == AF_INET6 ? "::1" : "127.0.0.1");
    uint64_t port;

    if (num_parse_u64(str_make(rest, at), 1, 65535, &port, why) != 0)
        return -1;
    if (h.len >= 2 && h.p[0] == '[' && h.p[h.len - 1] == ']')
        h = str_make(h.p + 1, h.len - 2);
    if (h.len == 0 || h.len >= sizeof(host)) {
        *why = "bad host";
        return -1;
    }
    memcpy(host, h.p, h.len);
    host[h.len] = '\0';
    memset(ss, 0, sizeof(*ss));
    if (af == AF_INET) {
        struct sockaddr_in *sin = (struct sockaddr_in *)ss;

        sin->sin_family = AF_INET;
        sin->sin_port = htons((uint16_t)port);
        *ss_len = sizeof(*sin);
        if (inet_pton(AF_INET, host, &sin->sin_addr) == 1)
            return 0;
    } else {
        struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

        sin6->sin6_family = AF_INET6;
        sin6->sin6_port = htons((uint16_t)port);
        *ss_len = sizeof(*sin6);
        if (inet_pton(AF_INET6, host, &sin6->sin6_addr) == 1)
            return 0;
    }
    *why = "host is not an address literal";
    return -1;
}

int
mc_wire_parse_spec(const char *spec, struct sockaddr_storage *ss,
                   socklen_t *ss_len, const char **why)
{
    struct sockaddr_un *sun = (struct sockaddr_un *)ss;
    const char *path = NULL;
    size_t len;

    if (strncmp(spec, "inet:", 5) == 0)
        return parse_inet(spec + 5, AF_INET, ss, ss_len, why);
    if (strncmp(spec, "inet6:", 6) == 0)
        return parse_inet(spec + 6, AF_INET6, ss, ss_len, why);
    if (strncmp(spec, "unix:", 5) == 0)
        path = spec + 5;
    else if (strncmp(spec, "local:", 6) == 0)
        path = spec + 6;
    if (path == NULL) {
        *why = "want inet:PORT@HOST, inet6:PORT@HOST, unix:PATH or local:PATH";
        return -1;
    }
    len = strlen(path);
    if (len == 0 || len >= sizeof(sun->sun_path)) {
        *why = "bad socket path length";
        return -1;
    }
    memset(ss, 0, sizeof(*ss));
    sun->sun_family = AF_UNIX;
    memcpy(sun->sun_path, path, len + 1);
    *ss_len = (socklen_t)sizeof(*sun);
    return 0;
}

int
mc_wire_fail(struct mc_wire *w, enum mc_wire_err err, const char *fmt, ...)
{
    va_list ap;

    if (w->err != MC_WIRE_OK)
        return -1;
    w->err = err;
    va_start(ap, fmt);
    (void)vsnprintf(w->why, sizeof(w->why), fmt, ap); /* may truncate */
    va_end(ap);
    return -1;
}

/* fail_errno - record a system error with its text; returns -1 */
static int
fail_errno(struct mc_wire *w, enum mc_wire_err err, const char *what)
{
    char eb[128];

    return mc_wire_fail(w, err, "%s: %s", what,
                        log_errstr(errno, eb, sizeof(eb)));
}

/* wait_fd - poll for events within the timeout; 0 or -1 with w->err */
static int
wait_fd(struct mc_wire *w, short events, const char *what)
{
    struct pollfd p = { .fd = w->fd, .events = events };
    int n;

    do {
        n = poll(&p, 1, w->timeout_ms);
    } while (n < 0 && errno == EINTR);
    if (n < 0)
        return fail_errno(w, MC_WIRE_EIO, "poll");
    if (n == 0)
        return mc_wire_fail(w, MC_WIRE_ETIMEOUT, "%s: timeout after %d ms",
                            what, w->timeout_ms);
    return 0;
}

/* finish_connect - wait for a non-blocking connect; 0 or -1 */
static int
finish_connect(struct mc_wire *w)
{
    int soerr = 0;
    socklen_t sl = sizeof(soerr);

    if (wait_fd(w, POLLOUT, "connect") != 0) {
        w->err = MC_WIRE_ECONNECT;
        return -1;
    }
    if (getsockopt(w->fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) != 0)
        return fail_errno(w, MC_WIRE_ECONNECT, "connect");
    if (soerr != 0) {
        errno = soerr;
        return fail_errno(w, MC_WIRE_ECONNECT, "connect");
    }
    return 0;
}

int
mc_wire_open(struct mc_wire *w, const char *spec, int timeout_ms, bool nodelay)
{
    struct sockaddr_storage ss;
    socklen_t ss_len;
    const char *why;
    int one = 1;

    memset(w, 0, sizeof(*w));
    w->fd = -1;
    w->timeout_ms = timeout_ms;
    buf_init(&w->out, MC_WIRE_MAX_OUT);
    if (mc_wire_parse_spec(spec, &ss, &ss_len, &why) != 0)
        return mc_wire_fail(w, MC_WIRE_ECONNECT, "socket %s: %s", spec, why);
    w->fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (w->fd < 0)
        return fail_errno(w, MC_WIRE_ECONNECT, "socket");
    if (nodelay && ss.ss_family != AF_UNIX &&
        setsockopt(w->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) != 0)
        return fail_errno(w, MC_WIRE_ECONNECT, "TCP_NODELAY");
    if (connect(w->fd, (struct sockaddr *)&ss, ss_len) == 0)
        return 0;
    if (errno != EINPROGRESS && errno != EAGAIN)
        return fail_errno(w, MC_WIRE_ECONNECT, "connect");
    return finish_connect(w);
}

void
mc_wire_close(struct mc_wire *w)
{
    if (w->fd >= 0)
        (void)close(w->fd); /* nothing left to report */
    w->fd = -1;
    buf_free(&w->out);
    free(w->in);
    w->in = NULL;
    w->in_off = w->in_len = w->in_cap = 0;
}

int
mc_wire_put(struct mc_wire *w, char cmd, const void *data, size_t len)
{
    unsigned char hdr[5];
    size_t n = len + 1;

    if (n > UINT32_MAX || w->out.len + 5 + len > w->out.max)
        return mc_wire_fail(w, MC_WIRE_EIO, "output buffer full");
    hdr[0] = (unsigned char)(n >> 24);
    hdr[1] = (unsigned char)(n >> 16);
    hdr[2] = (unsigned char)(n >> 8);
    hdr[3] = (unsigned char)n;
    hdr[4] = (unsigned char)cmd;
    if (buf_append(&w->out, hdr, sizeof(hdr)) != 0 ||
        buf_append(&w->out, data, len) != 0)
        return mc_wire_fail(w, MC_WIRE_EIO, "output buffer full");
    return 0;
}

int
mc_wire_flush(struct mc_wire *w)
{
    size_t off = 0;

    if (w->err != MC_WIRE_OK)
        return -1;
    while (off < w->out.len) {
        ssize_t n =
            send(w->fd, w->out.data + off, w->out.len - off, MSG_NOSIGNAL);

        if (n >= 0) {
            off += (size_t)n;
        } else if (errno == EAGAIN || errno == EWOULDBLOCK) {
            if (wait_fd(w, POLLOUT, "write") != 0)
                return -1;
        } else if (errno == EPIPE || errno == ECONNRESET) {
            return fail_errno(w, MC_WIRE_ECLOSED, "write");
        } else if (errno != EINTR) {
            return fail_errno(w, MC_WIRE_EIO, "write");
        }
    }
    buf_reset(&w->out);
    return 0;
}

/* fill - read until need unread bytes are buffered; 0 or -1 */
static int
fill(struct mc_wire *w, size_t need)
{
    if (w->in_off > 0 && w->in_off == w->in_len)
        w->in_off = w->in_len = 0;
    if (w->in_off + need > w->in_cap) {
        if (w->in_off > 0)
            memmove(w->in, w->in + w->in_off, w->in_len - w->in_off);
        w->in_len -= w->in_off;
        w->in_off = 0;
        if (need > w->in_cap) {
            w->in_cap = need < 65536 ? 65536 : need;
            w->in = xreallocarray(w->in, w->in_cap, 1);
        }
    }
    while (w->in_len - w->in_off < need) {
        ssize_t n = recv(w->fd, w->in + w->in_len, w->in_cap - w->in_len, 0);

        if (n > 0) {
            w->in_len += (size_t)n;
        } else if (n == 0) {
            return mc_wire_fail(w, MC_WIRE_ECLOSED,
                                "connection closed by the filter");
        } else if (errno == EAGAIN || errno == EWOULDBLOCK) {
            if (wait_fd(w, POLLIN, "read") != 0)
                return -1;
        } else if (errno == ECONNRESET) {
            return fail_errno(w, MC_WIRE_ECLOSED, "read");
        } else if (errno != EINTR) {
            return fail_errno(w, MC_WIRE_EIO, "read");
        }
    }
    return 0;
}

int
mc_wire_read(struct mc_wire *w, struct mc_packet *pkt)
{
    const unsigned char *p;
    size_t n;

    if (mc_wire_flush(w) != 0 || fill(w, 4) != 0)
        return -1;
    p = (const unsigned char *)w->in + w->in_off;
    n = (size_t)p[0] << 24 | (size_t)p[1] << 16 | (size_t)p[2] << 8 | p[3];
    if (n < 1 || n > MC_WIRE_MAX_REPLY)
        return mc_wire_fail(w, MC_WIRE_EPROTOCOL, "bad packet length %zu", n);
    if (fill(w, 4 + n) != 0)
        return -1;
    pkt->cmd = w->in[w->in_off + 4];
    pkt->data = w->in + w->in_off + 5;
    pkt->len = n - 1;
    w->in_off += 4 + n;
    return 0;
}

const char *
mc_wire_err_name(enum mc_wire_err err)
{
    switch (err) {
    case MC_WIRE_OK:
        return "ok";
    case MC_WIRE_ECONNECT:
        return "connect";
    case MC_WIRE_ETIMEOUT:
        return "timeout";
    case MC_WIRE_ECLOSED:
        return "closed";
    case MC_WIRE_EPROTOCOL:
        return "protocol";
    case MC_WIRE_EIO:
        return "io";
    case MC_WIRE_EDISCONNECT:
        return "disconnect";
    }
    return "unknown";
}
