/*
 * exec - run a command with data on its standard input and a deadline.
 *
 * Standard input is one end of a socketpair rather than a pipe, so the
 * parent writes with send(MSG_NOSIGNAL) and a child that exits early gives
 * EPIPE instead of SIGPIPE, without touching the process's signal state
 * (the milter is multi-threaded).  The deadline covers writing and
 * waiting; at the deadline the child's whole process group gets SIGKILL,
 * so a shell script's own children go too.
 *
 * It does not capture output, search PATH or use a shell.
 *
 * STANDARDS: POSIX.1-2008 (fork, execve, waitpid; async-signal-safe calls
 * in the child).
 *
 * Ownership: the argument copies are made before fork and freed after.
 * Thread safety: thread-safe.
 */
#include "common/exec.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common/xalloc.h"

/* EXEC_POLL_MS - how often the parent checks on the child */
#define EXEC_POLL_MS 10
/* EXEC_MAX_FD - descriptors closed in the child when the limit is
 * unknown or larger */
#define EXEC_MAX_FD 65536

/* copy_vec - a NULL-terminated char * copy of v (execve's type) */
static char **
copy_vec(const char *const *v)
{
    size_t n = 0;
    char **out;

    while (v[n] != NULL)
        n++;
    out = xcalloc(n + 1, sizeof(*out));
    for (size_t i = 0; i < n; i++)
        out[i] = xstrdup(v[i]);
    return out;
}

/* free_vec - release a copy_vec() result */
static void
free_vec(char **v)
{
    for (size_t i = 0; v != NULL && v[i] != NULL; i++)
        free(v[i]);
    free(v);
}

/* now_ms - monotonic milliseconds */
static int64_t
now_ms(void)
{
    struct timespec ts;

    (void)clock_gettime(CLOCK_MONOTONIC, &ts); /* cannot fail */
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* child - in the forked child: wire the descriptors and exec; never
 * returns.  Only async-signal-safe calls. */
static void
child(int in_fd, int null_fd, int max_fd, char **argv, char **envp,
      const char *path)
{
    sigset_t none;

    (void)setpgid(0, 0); /* the parent does it too; one of them wins */
    (void)signal(SIGPIPE, SIG_DFL);
    (void)signal(SIGCHLD, SIG_DFL);
    (void)sigemptyset(&none);
    /* the child has one thread; sigprocmask is async-signal-safe */
    /* NOLINTNEXTLINE(concurrency-mt-unsafe) */
    (void)sigprocmask(SIG_SETMASK, &none, NULL);
    if (dup2(in_fd, STDIN_FILENO) < 0 || dup2(null_fd, STDOUT_FILENO) < 0)
        _exit(EXEC_STATUS_NOEXEC);
    for (int fd = STDERR_FILENO + 1; fd < max_fd; fd++)
        (void)close(fd);
    (void)execve(path, argv, envp);
    _exit(EXEC_STATUS_NOEXEC);
}

/* feed - write the input to fd until done, refused, or the deadline */
static void
feed(int fd, const struct exec_cmd *c, int64_t deadline,
     struct exec_result *res)
{
    const char *p = c->in;
    size_t left = c->in != NULL ? c->in_len : 0;

    while (left > 0) {
        struct pollfd pfd = { fd, POLLOUT, 0 };
        int64_t wait = deadline - now_ms();
        ssize_t n;

        if (wait <= 0) {
            res->is_timeout = true;
            return;
        }
        if (poll(&pfd, 1, (int)(wait > 1000 ? 1000 : wait)) < 0 &&
            errno != EINTR)
            break;
        n = send(fd, p, left, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n < 0 && (errno == EAGAIN || errno == EINTR))
            continue;
        if (n <= 0)
            break; /* EPIPE, ECONNRESET: it stopped reading */
        p += n;
        left -= (size_t)n;
    }
    res->is_in_short = left > 0;
}

/* reap - wait for pid; at the deadline kill its group, then reap it */
static void
reap(pid_t pid, int64_t deadline, struct exec_result *res)
{
    int st = 0;
    pid_t got;
    bool is_killed = false;

    for (;;) {
        got = waitpid(pid, &st, WNOHANG);
        if (got == pid || (got < 0 && errno != EINTR))
            break;
        if (got == 0 && !is_killed && now_ms() >= deadline) {
            res->is_timeout = true;
            is_killed = true;
            if (kill(-pid, SIGKILL) < 0)
                (void)kill(pid, SIGKILL); /* not yet its own group */
            continue;
        }
        if (got == 0)
            (void)poll(NULL, 0, EXEC_POLL_MS);
    }
    if (got == pid && WIFEXITED(st)) {
        res->is_exited = true;
        res->status = WEXITSTATUS(st);
    } else if (got == pid && WIFSIGNALED(st)) {
        res->signal = WTERMSIG(st);
    }
    if (is_killed)
        (void)kill(-pid, SIGKILL); /* leftovers of the group, if any */
}

/* max_fd - the highest descriptor number to close in the child */
static int
max_fd(void)
{
    long n = sysconf(_SC_OPEN_MAX);

    return n <= 0 || n > EXEC_MAX_FD ? EXEC_MAX_FD : (int)n;
}

int
exec_run(const struct exec_cmd *c, struct exec_result *res)
{
    int sv[2] = { -1, -1 };
    int null_fd;
    char **argv;
    char **envp;
    int64_t deadline = now_ms() + c->timeout_ms;
    int fd_limit = max_fd(); /* sysconf is not async-signal-safe */
    pid_t pid;

    *res = (struct exec_result){ false, -1, 0, false, false };
    null_fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
    if (null_fd < 0) {
        log_err_errno("exec: open /dev/null");
        return -1;
    }
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0) {
        log_err_errno("exec: socketpair");
        (void)close(null_fd);
        return -1;
    }
    argv = copy_vec(c->argv);
    envp = copy_vec(c->envp);
    pid = fork();
    if (pid == 0)
        child(sv[1], null_fd, fd_limit, argv, envp, c->path);
    (void)close(sv[1]);
    (void)close(null_fd);
    free_vec(argv);
    free_vec(envp);
    if (pid < 0) {
        log_err_errno("exec: fork %s", c->path);
        (void)close(sv[0]);
        return -1;
    }
    (void)setpgid(pid, pid); /* EACCES once it has exec'd: fine */
    feed(sv[0], c, deadline, res);
    (void)close(sv[0]); /* end of its input */
    reap(pid, deadline, res);
    return 0;
}
