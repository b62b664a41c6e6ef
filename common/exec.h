/*
 * exec - run a command with data on its standard input and a deadline.
 *
 * The command is started with fork and execve: an argument vector and a
 * fixed environment, never a shell, so nothing in an argument is ever
 * interpreted.  Shared by dmarc-reports (report mail) and dmarc-milter
 * (failure reports), both through a sendmail-compatible command.
 *
 * Thread safety: exec_run is thread-safe.  The child runs only
 * async-signal-safe calls between fork and execve.  The caller must not
 * have set SIGCHLD to SIG_IGN (waitpid would not see the child).
 */
#ifndef DMARC_COMMON_EXEC_H
#define DMARC_COMMON_EXEC_H

#include <stdbool.h>
#include <stddef.h>

#include "common/log.h"

/* EXEC_MAX_ARGS - arguments of a command, argv[0] included: sendmail's
 * options plus the recipients of one message */
#define EXEC_MAX_ARGS 64

/* EXEC_STATUS_NOEXEC - exit status of the child when execve() failed (the
 * shell's convention for "command not found") */
#define EXEC_STATUS_NOEXEC 127

/* what to run; all borrowed */
struct exec_cmd {
    const char *path;        /* program to run (absolute path) */
    const char *const *argv; /* argv[0]..., NULL-terminated */
    const char *const *envp; /* the whole environment, NULL-terminated */
    const void *in;          /* bytes for standard input (may be NULL) */
    size_t in_len;           /* their number */
    unsigned timeout_ms;     /* deadline for writing and exiting */
};

/* how the command ended */
struct exec_result {
    bool is_exited;   /* it exited; status is valid */
    int status;       /* exit status (EXEC_STATUS_NOEXEC: not started) */
    int signal;       /* the signal that ended it, when !is_exited */
    bool is_timeout;  /* the deadline passed: its process group was
                         killed with SIGKILL */
    bool is_in_short; /* it closed standard input before reading all */
};

/* exec_run - run c->path with c->argv and c->envp, its standard input
 * reading c->in, standard output on /dev/null, standard error inherited,
 * in a process group of its own, every other descriptor closed.  Returns
 * 0 with *res describing how it ended, or -1 when it could not be started
 * (fork, socketpair: logged with the errno text). */
int exec_run(const struct exec_cmd *c, struct exec_result *res) WARN_UNUSED;

#endif
