/*
 * dmarc-milter - DMARC filter for Postfix and Sendmail (libmilter).
 *
 * Options, configuration and wiring only: the process mechanics are in
 * daemon.c, the callbacks in callbacks.c, the evaluation in eval.c.
 * Reads an opendmarc.conf unchanged (dmarcsuite.conf(5)).
 *
 * STANDARDS: RFC 7489 (see eval.c and policy.c).
 *
 * Ownership and threads: the first snapshot is built here, before any
 * thread exists, and handed to the registry (snap.c).
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "common/cfg.h"
#include "common/log.h"
#include "milter/daemon.h"
#include "milter/snap.h"

/* the default configuration file */
#define MAIN_DEFAULT_CONFIG DMARC_SYSCONFDIR "/dmarcsuite.conf"

/* the command line */
struct opts {
    const char *config;       /* -c */
    bool is_foreground;       /* -f */
    bool is_check_only;       /* -n */
    int verbose;              /* -v count */
    struct snap_overrides ov; /* -p, -P, -u */
};

/* usage - print the synopsis and exit with status */
static void
usage(int status)
{
    fprintf(status == EX_OK ? stdout : stderr,
            "usage: dmarc-milter [-fnvV] [-c file] [-p socket] "
            "[-P pidfile] [-u user[:group]]\n");
    /* NOLINTNEXTLINE(concurrency-mt-unsafe): before any thread exists */
    exit(status);
}

/* add_override - remember a command-line setting */
static void
add_override(struct opts *o, enum cfg_key k, const char *v)
{
    if (o->ov.n >= SNAP_MAX_OVERRIDES)
        usage(EX_USAGE);
    o->ov.key[o->ov.n] = k;
    o->ov.value[o->ov.n] = v;
    o->ov.n++;
}

/* parse_opts - fill o from argv; exits on -V and on errors */
static void
parse_opts(int argc, char **argv, struct opts *o)
{
    int ch;

    memset(o, 0, sizeof(*o));
    o->config = MAIN_DEFAULT_CONFIG;
    /* NOLINTNEXTLINE(concurrency-mt-unsafe): single-threaded startup */
    while ((ch = getopt(argc, argv, "c:fhnp:P:u:vV")) != -1) {
        switch (ch) {
        case 'c':
            o->config = optarg;
            break;
        case 'f':
            o->is_foreground = true;
            break;
        case 'n':
            o->is_check_only = true;
            break;
        case 'p':
            add_override(o, CFG_SOCKET, optarg);
            break;
        case 'P':
            add_override(o, CFG_PIDFILE, optarg);
            break;
        case 'u':
            add_override(o, CFG_USERID, optarg);
            break;
        case 'v':
            o->verbose++;
            break;
        case 'V':
            printf("dmarc-milter %s\n", DMARC_VERSION);
            /* NOLINTNEXTLINE(concurrency-mt-unsafe): no thread exists yet */
            exit(EX_OK);
        case 'h':
            usage(EX_OK);
            break;
        default:
            usage(EX_USAGE);
        }
    }
    if (optind != argc)
        usage(EX_USAGE);
}

/* open_log - syslog or standard error, as the configuration says */
static void
open_log(const struct snap *s, const struct opts *o)
{
    bool to_stderr = !cfg_bool(s->cfg, CFG_SYSLOG);

    if (log_open("dmarc-milter", cfg_str(s->cfg, CFG_SYSLOGFACILITY),
                 to_stderr) != 0)
        log_warn("SyslogFacility: unknown facility; using mail");
    if (o->verbose > 0)
        log_set_level(LOG_LEVEL_DEBUG);
}

/* start - the steps between a good configuration and serving mail */
static int
start(struct snap *s, const struct opts *o)
{
    bool is_bg = cfg_bool(s->cfg, CFG_BACKGROUND) && !o->is_foreground;

    if (daemon_prepare(s) != 0)
        return EX_OSERR;
    if (is_bg && daemon_background() != 0)
        return EX_OSERR;
    if (daemon_pidfile(cfg_str(s->cfg, CFG_PIDFILE)) != 0)
        return EX_CANTCREAT;
    if (daemon_supervise(s) != 0)
        return EX_OSERR;
    if (daemon_socket(s) != 0)
        return EX_UNAVAILABLE;
    if (daemon_confine(s) != 0)
        return EX_NOPERM;
    return EX_OK;
}

int
main(int argc, char **argv)
{
    struct opts o;
    struct snap *s;
    int rc;

    if (log_open("dmarc-milter", NULL, true) != 0)
        return EX_SOFTWARE;
    parse_opts(argc, argv, &o);
    s = snap_build(o.config, &o.ov);
    if (s == NULL)
        return EX_CONFIG;
    if (o.is_check_only) {
        printf("%s: configuration OK\n", o.config);
        snap_put(s);
        return EX_OK;
    }
    open_log(s, &o);
    rc = start(s, &o);
    if (rc != EX_OK) {
        daemon_pidfile_remove();
        snap_put(s);
        return rc;
    }
    snap_publish(s);
    rc = daemon_run(o.config, &o.ov);
    snap_shutdown();
    daemon_pidfile_remove();
    return rc;
}
