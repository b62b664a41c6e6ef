/*
 * udp_sink - a UDP "name server" on loopback that never answers: binds
 * 127.0.0.1 at the given port (0: any free one), prints the port, then
 * reads and drops datagrams until killed or SECONDS pass.  Tests point the
 * resolver at it to measure the DNSTimeout bound.
 *
 * Usage: udp_sink PORT [SECONDS]     (default 60 seconds)
 *
 * STANDARDS: none.
 * Thread safety: single-threaded program.
 * EXIT STATUS: 0 after SECONDS, EX_USAGE, EX_OSERR when it cannot bind.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include "common/log.h"
#include "common/num.h"
#include "common/str.h"

/* bind_sink - a UDP socket bound to 127.0.0.1:port; prints the port */
static int
bind_sink(uint16_t port)
{
    struct sockaddr_in sin;
    socklen_t sl = sizeof(sin);
    int fd = socket(AF_INET, SOCK_DGRAM, 0);

    if (fd < 0)
        return -1;
    memset(&sin, 0, sizeof(sin));
    sin.sin_family = AF_INET;
    sin.sin_port = htons(port);
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) != 0 ||
        getsockname(fd, (struct sockaddr *)&sin, &sl) != 0) {
        (void)close(fd); /* failing anyway */
        return -1;
    }
    printf("%u\n", (unsigned)ntohs(sin.sin_port));
    (void)fflush(stdout); /* the test reads the port from a pipe */
    return fd;
}

int
main(int argc, char **argv)
{
    uint64_t port;
    uint64_t secs = 60;
    const char *why;
    unsigned char buf[2048];
    struct pollfd pfd;
    time_t end;

    if (argc < 2 || argc > 3 ||
        num_parse_u64(str_cstr(argv[1]), 0, 65535, &port, &why) != 0 ||
        (argc == 3 &&
         num_parse_u64(str_cstr(argv[2]), 1, 3600, &secs, &why) != 0)) {
        fprintf(stderr, "usage: udp_sink PORT [SECONDS]\n");
        return EX_USAGE;
    }
    pfd.fd = bind_sink((uint16_t)port);
    if (pfd.fd < 0) {
        perror("udp_sink: bind");
        return EX_OSERR;
    }
    pfd.events = POLLIN;
    end = time(NULL) + (time_t)secs;
    while (time(NULL) < end) {
        if (poll(&pfd, 1, 1000) > 0)
            (void)recv(pfd.fd, buf, sizeof(buf), 0); /* dropped on purpose */
    }
    (void)close(pfd.fd); /* exiting */
    return 0;
}
