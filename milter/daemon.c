/*
 * daemon - process mechanics of dmarc-milter.
 *
 * What opendmarc.conf(5) gives these keys: Background, PidFile, UMask,
 * BaseDirectory, ChangeRootDirectory, UserID, AutoRestart (with
 * AutoRestartCount and AutoRestartRate), Socket, MilterDebug.  It does not
 * evaluate mail.
 *
 * Signals: libmilter starts a thread that sigwait()s for SIGHUP, SIGTERM
 * and SIGINT and stops the filter on any of them, SIGHUP included (the
 * OpenDMARC 1.4.2 bug, its issue #322).  So libmilter runs on a thread of
 * its own, created with those signals blocked, while the main thread keeps
 * them unblocked with handlers that write the signal number into a pipe.
 * Linux offers a process-directed signal to the thread-group leader first
 * when it does not block it, so the main thread receives them and
 * libmilter's waiter stays asleep; the main thread then reloads or calls
 * smfi_stop().
 *
 * STANDARDS: POSIX.1-2008 (fork, setsid, sigaction, pthread_sigmask).
 *
 * Ownership and threads: the self-pipe is the only state shared with the
 * signal handler (written with write(2), which is async-signal-safe).
 */
#include "milter/daemon.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <pwd.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include <libmilter/mfapi.h>

#include "common/cfg.h"
#include "common/num.h"
#include "common/str.h"
#include "common/xalloc.h"
#include "milter/callbacks.h"
#include "milter/snap.h"

/* DAEMON_PW_BUF - buffer for getpwnam_r/getgrnam_r entries */
#define DAEMON_PW_BUF 16384
/* DAEMON_MAX_PACKET - largest milter packet accepted: libmilter's
 * default is 64 KiB and it drops the connection on a larger header field;
 * Postfix passes header fields up to header_size_limit (100 KiB by
 * default), so 1 MiB takes any of them (msg.c then applies its own
 * limits) */
#define DAEMON_MAX_PACKET ((size_t)1024 * 1024)
/* DAEMON_MAX_RATE - restarts remembered for AutoRestartRate */
#define DAEMON_MAX_RATE 1000

/* self-pipe from the signal handler to the main loop; set at startup */
static int daemon_pipe[2] = { -1, -1 };
/* the signal the supervisor last caught (0: none) */
static volatile sig_atomic_t daemon_caught;
/* the listening socket libmilter opened, or -1 */
static int daemon_listen_fd = -1;
/* the pid file we wrote (owned), or NULL; set before threads exist */
static char *daemon_pid_path;
/* the process that wrote it: only that one removes it */
static pid_t daemon_pid_owner;

int
daemon_background(void)
{
    pid_t pid = fork();
    int fd;

    if (pid < 0) {
        log_err_errno("fork");
        return -1;
    }
    if (pid > 0)
        _exit(EX_OK);
    if (setsid() < 0)
        log_warn_errno("setsid");
    fd = open("/dev/null", O_RDWR);
    if (fd < 0) {
        log_err_errno("/dev/null");
        return -1;
    }
    (void)dup2(fd, STDIN_FILENO); /* /dev/null cannot fail to dup */
    (void)dup2(fd, STDOUT_FILENO);
    (void)dup2(fd, STDERR_FILENO);
    if (fd > STDERR_FILENO)
        (void)close(fd);
    return 0;
}

int
daemon_prepare(const struct snap *s)
{
    const char *base = cfg_str(s->cfg, CFG_BASEDIRECTORY);

    if (cfg_is_set(s->cfg, CFG_UMASK))
        (void)umask((mode_t)cfg_uint(s->cfg, CFG_UMASK)); /* old mask */
    if (base != NULL && chdir(base) != 0) {
        log_err_errno("BaseDirectory %s", base);
        return -1;
    }
    return 0;
}

/* find_listener - remember the listening socket libmilter just opened
 * (it does not expose its descriptor) and set TCP_NODELAY on it when it
 * is a TCP socket: Linux passes the option on to accepted connections,
 * so our replies at end of message never wait for the MTA's delayed ACK
 * (the 40 ms stall of OpenDMARC on inet sockets) */
static void
find_listener(void)
{
    struct rlimit rl;
    rlim_t max = 1024;

    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY)
        max = rl.rlim_cur;
    for (int fd = 0; fd < (int)max && fd < 65536; fd++) {
        int v = 0;
        int dom = 0;
        int one = 1;
        socklen_t len = sizeof(v);
        socklen_t dlen = sizeof(dom);
        if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &v, &len) != 0 ||
            v == 0 || getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &dom, &dlen) != 0)
            continue;
        daemon_listen_fd = fd;
        if (dom != AF_INET && dom != AF_INET6)
            continue;
        if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) != 0)
            log_warn_errno("TCP_NODELAY on the listening socket");
    }
}

/* the socket specification handed to libmilter, which keeps the pointer
 * for the life of the process (held here so it stays reachable) */
static char *daemon_sock_spec;

int
daemon_socket(const struct snap *s)
{
    const char *sock = cfg_str(s->cfg, CFG_SOCKET);
    char *sock_rw;

    if (sock == NULL) {
        log_err("no Socket configured (Socket key or -p)");
        return -1;
    }
    free(daemon_sock_spec);
    daemon_sock_spec = xstrdup(sock);
    sock_rw = daemon_sock_spec;
    if (cfg_uint(s->cfg, CFG_MILTERDEBUG) > 0)
        (void)smfi_setdbg((int)cfg_uint(s->cfg, CFG_MILTERDEBUG));
    (void)smfi_setmaxdatasize(DAEMON_MAX_PACKET); /* returns the old size */
    if (smfi_register(*callbacks_desc()) != MI_SUCCESS ||
        smfi_setconn(sock_rw) != MI_SUCCESS) {
        log_err("cannot register the filter on %s", sock);
        return -1;
    }
    if (smfi_opensocket(true) != MI_SUCCESS) {
        log_err("cannot open socket %s", sock);
        return -1;
    }
    find_listener();
    return 0;
}

/* find_ids - uid and gid of "user[:group]"; 0 or -1 (logged) */
static int
find_ids(const char *spec, uid_t *uid, gid_t *gid, char *user, size_t ulen)
{
    struct passwd pw;
    struct passwd *pwp = NULL;
    struct group gr;
    struct group *grp = NULL;
    char *buf = malloc(DAEMON_PW_BUF);
    const char *colon = strchr(spec, ':');
    size_t n = colon != NULL ? (size_t)(colon - spec) : strlen(spec);
    int rc = -1;

    if (buf == NULL || n >= ulen)
        goto out;
    memcpy(user, spec, n);
    user[n] = '\0';
    if (getpwnam_r(user, &pw, buf, DAEMON_PW_BUF, &pwp) != 0 || pwp == NULL) {
        log_err("UserID: unknown user %s", user);
        goto out;
    }
    *uid = pw.pw_uid;
    *gid = pw.pw_gid;
    if (colon != NULL) {
        if (getgrnam_r(colon + 1, &gr, buf, DAEMON_PW_BUF, &grp) != 0 ||
            grp == NULL) {
            log_err("UserID: unknown group %s", colon + 1);
            goto out;
        }
        *gid = gr.gr_gid;
    }
    rc = 0;
out:
    free(buf);
    return rc;
}

/* the identity UserID names, looked up before ChangeRootDirectory */
struct daemon_ids {
    char user[256]; /* user name */
    uid_t uid;      /* its uid */
    gid_t gid;      /* its (or the named) group */
};

/* chown_socket - give a UNIX-domain socket to the UserID identity: it was
 * created while we were still root, and the MTA reaches it through the
 * group (Debian puts postfix in the opendmarc group), as with OpenDMARC */
static void
chown_socket(const char *spec, const struct daemon_ids *ids)
{
    const char *path = NULL;

    if (spec == NULL)
        return;
    if (strncmp(spec, "local:", 6) == 0)
        path = spec + 6;
    else if (strncmp(spec, "unix:", 5) == 0)
        path = spec + 5;
    else if (spec[0] == '/')
        path = spec;
    if (path != NULL && chown(path, ids->uid, ids->gid) != 0)
        log_warn_errno("cannot give socket %s to UserID", path);
}

/* chown_spool - give the failure report spool (created while we were
 * still root) to the UserID identity, which writes and reads it */
static void
chown_spool(const char *dir, const struct daemon_ids *ids)
{
    static const char *const parts[] = { "", "/tmp", "/new", "/bad", "/lock" };
    char path[4096];

    if (dir == NULL)
        return;
    for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
        int n = snprintf(path, sizeof(path), "%s%s", dir, parts[i]);

        if (n < 0 || (size_t)n >= sizeof(path))
            continue;
        if (chown(path, ids->uid, ids->gid) != 0 && errno != ENOENT)
            log_warn_errno("cannot give %s to UserID", path);
    }
}

/* set_ids - become ids: groups (initgroups() was called), gid, uid */
static int
set_ids(const struct daemon_ids *ids, const char *spec)
{
    if (setgid(ids->gid) != 0 || setuid(ids->uid) != 0) {
        log_err_errno("UserID %s", spec);
        return -1;
    }
    return 0;
}

int
daemon_confine(const struct snap *s)
{
    const char *root = cfg_str(s->cfg, CFG_CHANGEROOTDIRECTORY);
    const char *user = cfg_str(s->cfg, CFG_USERID);
    struct daemon_ids ids;
    bool is_switch = false;

    /* the user and group databases live outside the new root: look up
     * and set the supplementary groups first */
    if (user != NULL) {
        if (find_ids(user, &ids.uid, &ids.gid, ids.user, sizeof(ids.user)) != 0)
            return -1;
        is_switch = getuid() != ids.uid || geteuid() != ids.uid;
        if (is_switch && initgroups(ids.user, ids.gid) != 0) {
            log_err_errno("UserID %s", user);
            return -1;
        }
    }
    if (root != NULL) {
        if (user == NULL)
            log_warn("ChangeRootDirectory without UserID");
        if (chroot(root) != 0 || chdir("/") != 0) {
            log_err_errno("ChangeRootDirectory %s", root);
            return -1;
        }
    }
    if (is_switch) {
        chown_socket(cfg_str(s->cfg, CFG_SOCKET), &ids);
        chown_spool(cfg_str(s->cfg, CFG_FAILUREREPORTSSPOOL), &ids);
    }
    return is_switch ? set_ids(&ids, user) : 0;
}

int
daemon_pidfile(const char *path)
{
    char line[32];
    int fd;
    int n;

    if (path == NULL)
        return 0;
    fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    n = snprintf(line, sizeof(line), "%ld\n", (long)getpid());
    if (fd < 0 || n < 0 || write(fd, line, (size_t)n) != (ssize_t)n) {
        log_err_errno("PidFile %s", path);
        if (fd >= 0)
            (void)close(fd);
        return -1;
    }
    if (close(fd) != 0) {
        log_err_errno("PidFile %s", path);
        return -1;
    }
    free(daemon_pid_path);
    daemon_pid_path = xstrdup(path);
    daemon_pid_owner = getpid();
    return 0;
}

void
daemon_pidfile_remove(void)
{
    if (daemon_pid_path == NULL || getpid() != daemon_pid_owner)
        return;
    /* after UserID the folder may not be writable: say so, nothing more */
    if (unlink(daemon_pid_path) != 0 && errno != ENOENT)
        log_warn_errno("cannot remove PidFile %s", daemon_pid_path);
    free(daemon_pid_path);
    daemon_pid_path = NULL;
}

/* supervisor_exit - the supervisor ends: its pid file goes with it */
static _Noreturn void
supervisor_exit(int status)
{
    daemon_pidfile_remove();
    /* NOLINTNEXTLINE(concurrency-mt-unsafe): the supervisor has no threads */
    exit(status);
}

/* parse_rate - AutoRestartRate "n/t[u]" into n and seconds; 0 or -1 */
static int
parse_rate(const char *spec, uint64_t *n, uint64_t *secs)
{
    const char *slash = strchr(spec, '/');
    const char *why = NULL;
    struct str t;
    uint64_t mult = 1;

    if (slash == NULL || num_parse_u64(str_make(spec, (size_t)(slash - spec)),
                                       1, DAEMON_MAX_RATE, n, &why) != 0)
        return -1;
    t = str_cstr(slash + 1);
    if (t.len > 0 && strchr("sSmMhHdD", t.p[t.len - 1]) != NULL) {
        char u = t.p[t.len - 1];
        mult = (u == 'm' || u == 'M')   ? 60
               : (u == 'h' || u == 'H') ? 3600
               : (u == 'd' || u == 'D') ? 86400
                                        : 1;
        t.len--;
    }
    if (num_parse_u64(t, 1, (uint64_t)365 * 86400, secs, &why) != 0)
        return -1;
    *secs *= mult;
    return 0;
}

/* on_supervisor_signal - remember the signal for the supervisor loop */
static void
on_supervisor_signal(int sig)
{
    daemon_caught = sig;
}

/* catch_signals - install handler for the four signals we serve */
static void
catch_signals(void (*handler)(int), int flags)
{
    static const int sigs[] = { SIGHUP, SIGUSR1, SIGTERM, SIGINT };
    struct sigaction sa;

    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = handler;
    sa.sa_flags = flags;
    (void)sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
        (void)sigaction(sigs[i], &sa, NULL); /* valid signals: no fail */
}

/* may_restart - AutoRestartCount and AutoRestartRate allow another try */
static bool
may_restart(const struct snap *s, time_t *times, uint64_t done)
{
    uint64_t max = cfg_uint(s->cfg, CFG_AUTORESTARTCOUNT);
    const char *rate = cfg_str(s->cfg, CFG_AUTORESTARTRATE);
    uint64_t n;
    uint64_t secs;
    time_t now = time(NULL);

    if (max > 0 && done >= max) {
        log_err("AutoRestartCount %llu reached", (unsigned long long)max);
        return false;
    }
    if (rate == NULL || parse_rate(rate, &n, &secs) != 0)
        return true;
    times[done % DAEMON_MAX_RATE] = now;
    if (done + 1 >= n &&
        now - times[(done + 1 - n) % DAEMON_MAX_RATE] < (time_t)secs) {
        log_err("AutoRestartRate %s exceeded", rate);
        return false;
    }
    return true;
}

/* wait_worker - wait for pid, forwarding signals; its wait status */
static int
wait_worker(pid_t pid, bool *is_stopping)
{
    int st = 0;

    while (waitpid(pid, &st, 0) < 0) {
        int sig = daemon_caught;
        if (errno != EINTR)
            return -1;
        daemon_caught = 0;
        if (sig != 0)
            (void)kill(pid, sig); /* the worker may be gone: harmless */
        if (sig == SIGTERM || sig == SIGINT)
            *is_stopping = true;
    }
    return st;
}

int
daemon_supervise(const struct snap *s)
{
    static time_t times[DAEMON_MAX_RATE];
    uint64_t restarts = 0;
    bool is_stopping = false;

    if (!cfg_bool(s->cfg, CFG_AUTORESTART))
        return 0;
    catch_signals(on_supervisor_signal, 0);
    for (;;) {
        pid_t pid = fork();
        int st;
        if (pid < 0) {
            log_err_errno("AutoRestart: fork");
            supervisor_exit(EX_OSERR);
        }
        if (pid == 0) {
            catch_signals(SIG_DFL, 0);
            return 0;
        }
        st = wait_worker(pid, &is_stopping);
        if (is_stopping || (WIFEXITED(st) && WEXITSTATUS(st) == 0))
            supervisor_exit(WIFEXITED(st) ? WEXITSTATUS(st) : EX_OK);
        log_warn("AutoRestart: worker %ld ended (status %d), restarting",
                 (long)pid, st);
        if (!may_restart(s, times, restarts++))
            supervisor_exit(EX_SOFTWARE);
    }
}

/* on_signal - hand the signal number to the main loop */
static void
on_signal(int sig)
{
    unsigned char b = (unsigned char)sig;
    int saved = errno;

    if (write(daemon_pipe[1], &b, 1) < 0)
        b = 0; /* a full pipe already holds a wake-up */
    errno = saved;
}

/* milter_thread - run libmilter; tell the main loop when it returns */
static void *
milter_thread(void *arg)
{
    unsigned char b = 0;
    int rc = smfi_main();

    (void)arg;
    if (write(daemon_pipe[1], &b, 1) < 0)
        log_err_errno("waking the main loop");
    return (void *)(intptr_t)rc;
}

/* reload - rebuild and publish the snapshot; keep the old one on error */
static void
reload(const char *path, const struct snap_overrides *ov)
{
    struct snap *s = snap_build(path, ov);

    if (s == NULL) {
        log_err("reload of %s failed; keeping the running configuration",
                path != NULL ? path : "(defaults)");
        return;
    }
    snap_publish(s);
    log_notice("configuration reloaded from %s",
               path != NULL ? path : "(defaults)");
}

/* start_milter - the libmilter thread, with our signals blocked in it */
static int
start_milter(pthread_t *tid)
{
    sigset_t set;
    sigset_t old;
    int rc;

    (void)sigemptyset(&set);
    (void)sigaddset(&set, SIGHUP);
    (void)sigaddset(&set, SIGUSR1);
    (void)sigaddset(&set, SIGTERM);
    (void)sigaddset(&set, SIGINT);
    (void)pthread_sigmask(SIG_BLOCK, &set, &old); /* valid set: no fail */
    rc = pthread_create(tid, NULL, milter_thread, NULL);
    (void)pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (rc != 0) {
        errno = rc;
        log_err_errno("pthread_create");
        return -1;
    }
    return 0;
}

int
daemon_run(const char *path, const struct snap_overrides *ov)
{
    pthread_t tid;
    void *ret = NULL;
    bool is_stopping = false;
    unsigned char b;
    ssize_t n;

    if (pipe(daemon_pipe) != 0) {
        log_err_errno("pipe");
        return EX_OSERR;
    }
    catch_signals(on_signal, SA_RESTART);
    if (start_milter(&tid) != 0)
        return EX_OSERR;
    log_notice("started, version %s", DMARC_VERSION);
    while ((n = read(daemon_pipe[0], &b, 1)) != 0) {
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 || b == 0)
            break;
        if (b == SIGHUP || b == SIGUSR1) {
            reload(path, ov);
        } else {
            log_notice("signal %d: stopping", b);
            is_stopping = true;
            /* wake libmilter's listener first: it holds the lock
             * smfi_stop() takes while it polls, up to 5 s */
            if (daemon_listen_fd >= 0)
                (void)shutdown(daemon_listen_fd, SHUT_RDWR); /* best effort */
            (void)smfi_stop(); /* always MI_CONTINUE */
        }
    }
    (void)pthread_join(tid, &ret); /* tid is joinable and ours */
    log_notice("stopped");
    /* after a stop we asked for, libmilter reports the listener we shut
     * down as a failure: that is the clean end, not an error */
    if (is_stopping || (intptr_t)ret == MI_SUCCESS)
        return EX_OK;
    return EX_SOFTWARE;
}
