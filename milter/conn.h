/*
 * conn - per-connection state, from xxfi_connect to xxfi_close.
 *
 * Holds the snapshot reference of the connection, the client's address
 * and names, whether the connection is ignored, and the one struct mf_msg
 * being received.  libmilter keeps the pointer (smfi_setpriv).
 *
 * Thread safety: a connection is used by one thread at a time.
 */
#ifndef DMARC_MILTER_CONN_H
#define DMARC_MILTER_CONN_H

#include <netinet/in.h>
#include <stdbool.h>
#include <sys/socket.h>

#include "milter/msg.h"

struct snap;

/* a connection from the MTA (one SMTP session) */
struct mf_conn {
    struct snap *snap;                /* reference held until conn_free */
    struct sockaddr_storage addr;     /* client address, if has_addr */
    bool has_addr;                    /* the MTA passed an inet address */
    char addr_text[INET6_ADDRSTRLEN]; /* client address as text */
    char *host;                       /* client host name from the MTA */
    char *helo;                       /* HELO/EHLO argument; NULL before */
    char *mta_name;                   /* {j}: the MTA's host name; or NULL */
    bool is_ignored;                  /* IgnoreHosts or an authenticated
                                         client: pass everything untouched */
    unsigned long pflags;             /* SMFIP_* protocol flags agreed
                                         with the MTA (the NR_* ones mean
                                         "send no reply") */
    struct mf_msg msg;                /* the message in progress */
};

/* conn_new - a connection for client sa (may be NULL) named host (may be
 * NULL); takes over the reference snap.  Caller frees with conn_free. */
struct mf_conn *conn_new(struct snap *snap, const struct sockaddr *sa,
                         const char *host);

/* conn_free - release the connection, its message and its snapshot
 * reference (NULL is a no-op). */
void conn_free(struct mf_conn *c);

/* conn_set_client - store the client address sa (may be NULL) and host
 * name (may be NULL; copied), replacing what conn_new was given. */
void conn_set_client(struct mf_conn *c, const struct sockaddr *sa,
                     const char *host);

/* conn_set_helo - store the HELO argument (a copy; replaces). */
void conn_set_helo(struct mf_conn *c, const char *helo);

/* conn_set_mta_name - store {j} (a copy) unless NULL or already set. */
void conn_set_mta_name(struct mf_conn *c, const char *name);

/* conn_sockaddr - the client address, or NULL when unknown. */
const struct sockaddr *conn_sockaddr(const struct mf_conn *c);

#endif
