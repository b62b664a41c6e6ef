/*
 * conn - per-connection state.
 *
 * Copies what xxfi_connect and xxfi_helo pass and formats the client
 * address once.  A connection without an inet address (the "unspec"
 * family of local submission) is shown as 127.0.0.1, as OpenDMARC writes
 * it in the history file.
 *
 * STANDARDS: RFC 5952 (IPv6 text form, by inet_ntop).
 *
 * Ownership and threads: owns its strings, its message and one snapshot
 * reference; one thread at a time.
 */
#include "milter/conn.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "common/xalloc.h"
#include "milter/snap.h"

/* set_addr - copy and format the client address */
static void
set_addr(struct mf_conn *c, const struct sockaddr *sa)
{
    const void *a = NULL;

    if (sa != NULL && sa->sa_family == AF_INET) {
        memcpy(&c->addr, sa, sizeof(struct sockaddr_in));
        a = &((const struct sockaddr_in *)sa)->sin_addr;
    } else if (sa != NULL && sa->sa_family == AF_INET6) {
        memcpy(&c->addr, sa, sizeof(struct sockaddr_in6));
        a = &((const struct sockaddr_in6 *)sa)->sin6_addr;
    }
    c->has_addr = a != NULL && inet_ntop(sa->sa_family, a, c->addr_text,
                                         sizeof(c->addr_text)) != NULL;
    if (!c->has_addr)
        memcpy(c->addr_text, "127.0.0.1", sizeof("127.0.0.1"));
}

struct mf_conn *
conn_new(struct snap *snap, const struct sockaddr *sa, const char *host)
{
    struct mf_conn *c = xcalloc(1, sizeof(*c));

    c->snap = snap;
    set_addr(c, sa);
    c->host = host != NULL ? xstrdup(host) : NULL;
    msg_init(&c->msg);
    return c;
}

void
conn_free(struct mf_conn *c)
{
    if (c == NULL)
        return;
    msg_free(&c->msg);
    free(c->host);
    free(c->helo);
    free(c->mta_name);
    snap_put(c->snap);
    free(c);
}

void
conn_set_client(struct mf_conn *c, const struct sockaddr *sa, const char *host)
{
    set_addr(c, sa);
    free(c->host);
    c->host = host != NULL ? xstrdup(host) : NULL;
}

void
conn_set_helo(struct mf_conn *c, const char *helo)
{
    free(c->helo);
    c->helo = xstrdup(helo != NULL ? helo : "");
}

void
conn_set_mta_name(struct mf_conn *c, const char *name)
{
    if (name == NULL || name[0] == '\0' || c->mta_name != NULL)
        return;
    c->mta_name = xstrdup(name);
}

const struct sockaddr *
conn_sockaddr(const struct mf_conn *c)
{
    return c->has_addr ? (const struct sockaddr *)&c->addr : NULL;
}
