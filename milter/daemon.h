/*
 * daemon - process mechanics of dmarc-milter: background, pid file,
 * umask, base and root directories, user and group, AutoRestart, the
 * listening socket (with TCP_NODELAY) and the signal loop that reloads on
 * SIGHUP/SIGUSR1 and stops on SIGTERM/SIGINT.
 *
 * Thread safety: every function here runs on the main thread; the
 * process-wide steps (fork, chroot, setuid, umask) run before libmilter
 * starts its threads.
 */
#ifndef DMARC_MILTER_DAEMON_H
#define DMARC_MILTER_DAEMON_H

#include <stdbool.h>

#include "common/log.h"

struct snap;
struct snap_overrides;

/* daemon_background - fork; the parent exits 0, the child becomes a
 * session leader with standard streams on /dev/null.  0 or -1. */
int daemon_background(void) WARN_UNUSED;

/* daemon_prepare - umask, BaseDirectory (chdir) of the snapshot.
 * 0 or -1 (logged). */
int daemon_prepare(const struct snap *s) WARN_UNUSED;

/* daemon_socket - register the filter and open the Socket, then set
 * TCP_NODELAY on it when it is a TCP socket (accepted connections inherit
 * it on Linux; libmilter never sets it and a multi-reply end-of-message
 * otherwise stalls on the MTA's delayed ACK).  0 or -1 (logged). */
int daemon_socket(const struct snap *s) WARN_UNUSED;

/* daemon_confine - ChangeRootDirectory, then UserID (user[:group]) with
 * its supplementary groups.  0 or -1 (logged). */
int daemon_confine(const struct snap *s) WARN_UNUSED;

/* daemon_pidfile - write our pid to path (NULL: nothing).  0 or -1. */
int daemon_pidfile(const char *path) WARN_UNUSED;

/* daemon_pidfile_remove - remove the pid file daemon_pidfile() wrote, if
 * this process wrote it (an AutoRestart worker leaves the supervisor's
 * alone); a failure is logged.  Not thread-safe: call at exit. */
void daemon_pidfile_remove(void);

/* daemon_supervise - AutoRestart: fork a worker and restart it when it
 * dies abnormally, within AutoRestartCount and AutoRestartRate; forward
 * SIGTERM, SIGINT, SIGHUP and SIGUSR1.  Returns 0 in the worker (which
 * goes on), or exits in the supervisor. */
int daemon_supervise(const struct snap *s) WARN_UNUSED;

/* daemon_run - run libmilter on its own thread and serve signals on this
 * one until stopped: SIGHUP and SIGUSR1 rebuild the snapshot from path
 * with ov and publish it (a bad file keeps the running configuration);
 * SIGTERM and SIGINT call smfi_stop().  Returns the exit status. */
int daemon_run(const char *path, const struct snap_overrides *ov);

#endif
