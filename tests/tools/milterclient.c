/*
 * milterclient - the MTA side of the milter protocol, for tests and
 * benchmarks: sends messages to a filter the way Postfix does and prints
 * what the filter did.
 *
 * Usage:
 *   milterclient SOCKET [envelope] [content] [--timeout SEC] [--nodelay]
 *                [--disconnect-at STAGE] [--print-protocol]
 *                [--count N [--concurrency C] [--per-conn M]]
 * SOCKET is inet:PORT@HOST, inet6:PORT@HOST, unix:PATH or local:PATH.
 * Envelope: --client-ip IP (192.0.2.1; "unknown" for none), --client-name
 * NAME ("[IP]"), --client-port N (54321), --helo NAME (client.test),
 * --from ADDR (<>), --rcpt ADDR (repeatable; <postmaster@receiver.test>),
 * --auth USER (sets {auth_type} and {auth_authen}), --queue-id ID
 * (4XTEST0001; a prefix in load mode), --myhostname NAME (receiver.test),
 * --macro [STAGE:]name=value (repeatable; an empty value removes it).
 * Content: --message FILE (repeatable: an RFC 5322 message), --header
 * 'Name: value' (repeatable, added after the file's headers), --body TEXT
 * (LF or CRLF; not with --message), --headers-count N (N generated
 * headers), --header-size BYTES (one X-Big header of that many bytes).
 * --disconnect-at closes the socket right after sending that stage
 * (optneg, connect, helo, mail, rcpt, data, header, eoh, body, eom).
 *
 * --print-protocol prints, before the messages, one line with what the
 * filter chose at option negotiation: "protocol=0xHEX body=yes|no" (no:
 * it set SMFIP_NOBODY, so no body is sent).
 *
 * Output, one line per message (the stable format shell tests grep):
 *   action=NAME stage=STAGE [reply="..."] [rcpt_rejected=N]
 *   [add_header="Name: value"] [ins_header="IDX Name: value"]
 *   [chg_header="IDX Name: value"] [add_rcpt="..."] [add_rcpt_par="..."]
 *   [del_rcpt="..."] [chg_from="..."] [quarantine="reason"]
 *   [repl_body=BYTES] [error_class=CLASS error="..."] elapsed_ms=N.NNN
 * NAME is accept, continue, reject, tempfail, discard, skip, shutdown,
 * connfail, disconnect (--disconnect-at) or error; one token per
 * modification in the order received; quoted values have '"', '\' and
 * bytes outside 0x20-0x7e as \xHH (a folded header shows \x0A\x09).
 * Without --count each --message (or the one message built from options)
 * is sent once, all over one connection.  With --count N, N messages go
 * over C connections (threads), each carrying M messages (0: as many as
 * it gets; 1: one per connection), cycling through the --message files,
 * and one report line is printed (see tests/lib/mc_load.h):
 *   messages=N connections=N elapsed_ms=N msgs_per_sec=N.N accept=N ...
 *   errors=N err_connect=N err_timeout=N err_closed=N err_protocol=N
 *   err_io=N p50_ms=N.NNN p90_ms=N.NNN p99_ms=N.NNN max_ms=N.NNN
 *
 * EXIT STATUS: 0 when every message got a final action (or was
 * disconnected on purpose); EX_USAGE; EX_NOINPUT (a --message file);
 * EX_UNAVAILABLE (cannot connect); EX_TEMPFAIL (a timeout); EX_PROTOCOL
 * (a protocol error or the filter closed the connection; in load mode,
 * any error).
 *
 * STANDARDS: the Sendmail milter protocol version 6.
 * Thread safety: options are read before the load threads start.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include <libmilter/mfapi.h>
#include <libmilter/mfdef.h>

#include "common/buf.h"
#include "common/log.h"
#include "common/num.h"
#include "common/xalloc.h"

#include "tests/lib/mc_load.h"
#include "tests/lib/mc_session.h"

/* MC_CLI_MAX_FILE - bytes of a --message file */
#define MC_CLI_MAX_FILE ((size_t)64 * 1024 * 1024)

/* MC_CLI_MAX_LINE - bytes of an output line */
#define MC_CLI_MAX_LINE ((size_t)64 * 1024 * 1024)

/* MC_CLI_MAX_LIST - repeatable options of one kind */
#define MC_CLI_MAX_LIST 100000

/* a repeatable option's values (borrowed from argv) */
struct list {
    const char **v; /* values */
    size_t n;       /* used */
};

/* everything the command line says */
struct opts {
    struct mc_session_opts sess; /* socket and protocol options */
    struct mc_env env;           /* envelope */
    struct list rcpt;            /* --rcpt */
    struct list header;          /* --header */
    struct list message;         /* --message */
    struct list macro;           /* --macro */
    struct mc_macro *macros;     /* parsed --macro */
    const char *body;            /* --body */
    const char *disconnect;      /* --disconnect-at */
    uint64_t timeout;            /* --timeout, seconds */
    uint64_t port;               /* --client-port */
    uint64_t count;              /* --count, 0 for one pass */
    uint64_t concurrency;        /* --concurrency */
    uint64_t per_conn;           /* --per-conn */
    uint64_t headers_count;      /* --headers-count */
    uint64_t header_size;        /* --header-size, 0 for none */
    bool nodelay;                /* --nodelay */
    bool print_protocol;         /* --print-protocol */
};

/* option kinds */
enum opt_kind {
    OPT_STR,  /* const char * */
    OPT_NUM,  /* uint64_t within [min, max] */
    OPT_LIST, /* struct list */
    OPT_FLAG, /* bool */
};

/* one command-line option */
struct opt_def {
    const char *name;   /* "--name" */
    enum opt_kind kind; /* what it sets */
    size_t off;         /* where, in struct opts */
    uint64_t min;       /* OPT_NUM bounds */
    uint64_t max;       /* OPT_NUM bounds */
};

#define O(f) offsetof(struct opts, f)

static const struct opt_def defs[] = {
    { "--client-ip", OPT_STR, O(env.client_ip), 0, 0 },
    { "--client-name", OPT_STR, O(env.client_name), 0, 0 },
    { "--client-port", OPT_NUM, O(port), 0, 65535 },
    { "--helo", OPT_STR, O(env.helo), 0, 0 },
    { "--from", OPT_STR, O(env.from), 0, 0 },
    { "--rcpt", OPT_LIST, O(rcpt), 0, 0 },
    { "--auth", OPT_STR, O(env.auth), 0, 0 },
    { "--queue-id", OPT_STR, O(env.queue_id), 0, 0 },
    { "--myhostname", OPT_STR, O(env.myhostname), 0, 0 },
    { "--macro", OPT_LIST, O(macro), 0, 0 },
    { "--header", OPT_LIST, O(header), 0, 0 },
    { "--message", OPT_LIST, O(message), 0, 0 },
    { "--body", OPT_STR, O(body), 0, 0 },
    { "--headers-count", OPT_NUM, O(headers_count), 0, MC_MSG_MAX_HEADERS },
    { "--header-size", OPT_NUM, O(header_size), 0, MC_MSG_MAX_HEADER },
    { "--timeout", OPT_NUM, O(timeout), 1, 3600 },
    { "--nodelay", OPT_FLAG, O(nodelay), 0, 0 },
    { "--print-protocol", OPT_FLAG, O(print_protocol), 0, 0 },
    { "--disconnect-at", OPT_STR, O(disconnect), 0, 0 },
    { "--count", OPT_NUM, O(count), 1, MC_LOAD_MAX_COUNT },
    { "--concurrency", OPT_NUM, O(concurrency), 1, MC_LOAD_MAX_THREADS },
    { "--per-conn", OPT_NUM, O(per_conn), 0, MC_LOAD_MAX_COUNT },
};

/* usage - print the synopsis; returns EX_USAGE */
static int
usage(const char *why, const char *arg)
{
    if (why != NULL)
        fprintf(stderr, "milterclient: %s%s%s\n", why, arg ? ": " : "",
                arg ? arg : "");
    fprintf(stderr,
            "usage: milterclient SOCKET [--client-ip IP] [--client-name N]"
            " [--helo NAME]\n"
            "         [--from ADDR] [--rcpt ADDR]... [--auth USER]"
            " [--queue-id ID]\n"
            "         [--macro [STAGE:]name=value]... [--message FILE]..."
            " [--header 'N: v']...\n"
            "         [--body TEXT] [--headers-count N] [--header-size B]"
            " [--timeout SEC]\n"
            "         [--nodelay] [--disconnect-at STAGE] [--print-protocol]"
            " [--count N [--concurrency C] [--per-conn M]]\n");
    return EX_USAGE;
}

/* list_add - append a value to a repeatable option; -1 when full */
static int
list_add(struct list *l, const char *v)
{
    if (l->n >= MC_CLI_MAX_LIST)
        return -1;
    l->v = xreallocarray(l->v, l->n + 1, sizeof(*l->v));
    l->v[l->n++] = v;
    return 0;
}

/* set_opt - apply option d with value v; 0 or EX_USAGE */
static int
set_opt(struct opts *o, const struct opt_def *d, const char *v)
{
    char *field = (char *)o + d->off;
    const char *why;

    switch (d->kind) {
    case OPT_STR:
        memcpy(field, &v, sizeof(v));
        return 0;
    case OPT_NUM:
        if (num_parse_u64(str_cstr(v), d->min, d->max, (uint64_t *)field,
                          &why) != 0)
            return usage(why, d->name);
        return 0;
    case OPT_LIST:
        if (list_add((struct list *)field, v) != 0)
            return usage("too many", d->name);
        return 0;
    case OPT_FLAG:
        *(bool *)field = true;
        return 0;
    }
    return EX_SOFTWARE;
}

/* parse_argv - fill o from the command line; 0 or EX_USAGE */
static int
parse_argv(struct opts *o, int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        const struct opt_def *d = NULL;
        int rc;

        for (size_t k = 0; k < sizeof(defs) / sizeof(defs[0]); k++) {
            if (strcmp(argv[i], defs[k].name) == 0)
                d = &defs[k];
        }
        if (d == NULL && argv[i][0] != '-' && o->sess.spec == NULL) {
            o->sess.spec = argv[i];
            continue;
        }
        if (d == NULL)
            return usage("unknown option", argv[i]);
        if (d->kind != OPT_FLAG && i + 1 >= argc)
            return usage("missing value", argv[i]);
        rc = set_opt(o, d, d->kind == OPT_FLAG ? NULL : argv[++i]);
        if (rc != 0)
            return rc;
    }
    if (o->sess.spec == NULL)
        return usage("no socket given", NULL);
    return 0;
}

/* check_opts - defaults and cross-checks after parsing; 0 or EX_USAGE */
static int
check_opts(struct opts *o)
{
    static const char *const default_rcpt[] = { "<postmaster@receiver.test>" };
    const char *why;

    if (o->body != NULL && o->message.n > 0)
        return usage("--body and --message exclude each other", NULL);
    if (o->disconnect != NULL &&
        (mc_stage_parse(o->disconnect, &o->sess.disconnect_at) != 0 ||
         o->sess.disconnect_at == MC_STAGE_QUIT))
        return usage("unknown stage", o->disconnect);
    if (o->count == 0 && (o->concurrency != 0 || o->per_conn != 0))
        return usage("--concurrency and --per-conn need --count", NULL);
    o->macros = xcalloc(o->macro.n + 1, sizeof(*o->macros));
    for (size_t i = 0; i < o->macro.n; i++) {
        if (mc_macro_parse(o->macro.v[i], &o->macros[i], &why) != 0)
            return usage(why, o->macro.v[i]);
        o->env.n_user = i + 1;
    }
    o->env.user = o->macros;
    if (o->rcpt.n == 0) {
        o->env.rcpt = default_rcpt;
        o->env.n_rcpt = 1;
    } else {
        o->env.rcpt = o->rcpt.v;
        o->env.n_rcpt = o->rcpt.n;
    }
    o->env.client_port = (uint16_t)o->port;
    o->sess.timeout_ms = (int)o->timeout * 1000;
    o->sess.nodelay = o->nodelay;
    return 0;
}

/* read_file - the whole of path into *out (caller frees); 0, or -1
 * logged */
static int
read_file(const char *path, struct buf *out)
{
    char chunk[65536];
    FILE *f = fopen(path, "rb");
    size_t n;
    int rc = 0;

    if (f == NULL) {
        log_err_errno("cannot open %s", path);
        return -1;
    }
    buf_init(out, MC_CLI_MAX_FILE);
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
        if (buf_append(out, chunk, n) != 0) {
            log_err("%s: larger than %zu bytes", path, MC_CLI_MAX_FILE);
            rc = -1;
            break;
        }
    }
    if (rc == 0 && ferror(f)) {
        log_err_errno("cannot read %s", path);
        rc = -1;
    }
    (void)fclose(f); /* read-only: nothing to lose */
    return rc;
}

/* add_generated - the --header, --headers-count and --header-size
 * headers; 0 or EX_USAGE */
static int
add_generated(const struct opts *o, struct mc_content *c)
{
    const char *why;

    for (size_t i = 0; i < o->header.n; i++) {
        if (mc_content_add_line(c, o->header.v[i], &why) != 0)
            return usage(why, o->header.v[i]);
    }
    mc_content_gen_headers(c, o->headers_count);
    if (o->header_size > 0)
        mc_content_gen_big(c, o->header_size);
    return 0;
}

/* build_contents - one content per --message, or one from the options;
 * 0 or an exit status */
static int
build_contents(const struct opts *o, struct mc_content **out, size_t *n)
{
    size_t count = o->message.n ? o->message.n : 1;
    struct mc_content *c = xcalloc(count, sizeof(*c));
    const char *why;
    struct buf file;

    *out = c;
    *n = count;
    for (size_t i = 0; i < o->message.n; i++) {
        int rc;

        if (read_file(o->message.v[i], &file) != 0) {
            buf_free(&file);
            return EX_NOINPUT;
        }
        rc =
            mc_content_parse(&c[i], file.data ? file.data : "", file.len, &why);
        buf_free(&file);
        if (rc != 0) {
            log_err("%s: %s", o->message.v[i], why);
            return EX_DATAERR;
        }
    }
    if (o->body != NULL)
        mc_content_set_body(&c[0], o->body, strlen(o->body));
    for (size_t i = 0; i < count; i++) {
        int rc = add_generated(o, &c[i]);

        if (rc != 0)
            return rc;
    }
    return 0;
}

/* exit_code - the exit status for a result */
static int
exit_code(const struct mc_result *r)
{
    if (r->action != MC_ACT_ERROR)
        return 0;
    switch (r->err) {
    case MC_WIRE_ECONNECT:
        return EX_UNAVAILABLE;
    case MC_WIRE_ETIMEOUT:
        return EX_TEMPFAIL;
    case MC_WIRE_OK:
    case MC_WIRE_ECLOSED:
    case MC_WIRE_EPROTOCOL:
    case MC_WIRE_EIO:
    case MC_WIRE_EDISCONNECT:
        break;
    }
    return EX_PROTOCOL;
}

/* print_result - the result line on standard output; 0 or -1 */
static int
print_result(const struct mc_result *r)
{
    struct buf line;
    int rc;

    buf_init(&line, MC_CLI_MAX_LINE);
    rc = mc_result_format(r, &line);
    if (rc == 0)
        printf("%s\n", buf_cstr(&line));
    else
        log_err("result line longer than %zu bytes", MC_CLI_MAX_LINE);
    buf_free(&line);
    return rc;
}

/* run_once - each content once, over one connection */
static int
run_once(const struct opts *o, const struct mc_content *c, size_t n)
{
    struct mc_session s;
    struct mc_result r = { 0 };
    int status = 0;

    if (mc_session_open(&s, &o->sess, &o->env, &r) != 0) {
        status = print_result(&r) != 0 ? EX_SOFTWARE : exit_code(&r);
        n = 0;
    } else if (o->print_protocol) {
        printf("protocol=0x%08lx body=%s\n", (unsigned long)s.protocol,
               (s.protocol & SMFIP_NOBODY) != 0 ? "no" : "yes");
    }
    for (size_t i = 0; i < n; i++) {
        int rc = mc_session_message(&s, &o->env, &c[i], &r);

        status = print_result(&r) != 0 ? EX_SOFTWARE : exit_code(&r);
        if (rc != 0)
            break;
    }
    mc_session_close(&s, true);
    mc_result_reset(&r);
    return status;
}

/* run_load - the --count mode */
static int
run_load(const struct opts *o, const struct mc_content *c, size_t n)
{
    struct mc_load_opts lo = {
        .sess = &o->sess,
        .env = &o->env,
        .contents = c,
        .n_contents = n,
        .count = o->count,
        .concurrency = o->concurrency ? o->concurrency : 1,
        .per_conn = o->per_conn,
    };
    struct mc_load_report rep;
    struct buf line;
    int status;

    if (mc_load_run(&lo, &rep) != 0)
        return EX_OSERR;
    buf_init(&line, 4096);
    status = mc_load_format(&rep, &line) != 0 ? EX_SOFTWARE : 0;
    printf("%s\n", buf_cstr(&line));
    buf_free(&line);
    if (status == 0 && mc_load_errors(&rep) > 0)
        status = EX_PROTOCOL;
    return status;
}

int
main(int argc, char **argv)
{
    struct opts o = {
        .env = { .client_ip = "192.0.2.1",
                 .client_port = 54321,
                 .helo = "client.test",
                 .from = "<>",
                 .queue_id = "4XTEST0001",
                 .myhostname = "receiver.test" },
        .timeout = 30,
        .port = 54321,
    };
    struct mc_content *c = NULL;
    size_t n = 0;
    int status;

    if (log_open("milterclient", NULL, true) != 0)
        return EX_SOFTWARE;
    status = parse_argv(&o, argc, argv);
    if (status == 0)
        status = check_opts(&o);
    if (status == 0)
        status = build_contents(&o, &c, &n);
    if (status == 0)
        status = o.count ? run_load(&o, c, n) : run_once(&o, c, n);
    if (fflush(stdout) != 0 && status == 0)
        status = EX_IOERR;
    for (size_t i = 0; i < n; i++)
        mc_content_free(&c[i]);
    free(c);
    for (size_t i = 0; i < o.env.n_user; i++) {
        free(o.macros[i].name);
        free(o.macros[i].value);
    }
    free(o.macros);
    free(o.rcpt.v);
    free(o.header.v);
    free(o.message.v);
    free(o.macro.v);
    return status;
}
