/*
 * log - one line per event, to syslog or to standard error.
 *
 * Formats the whole line in a stack buffer, replaces control characters
 * (so a stray CR or LF never splits an event), then hands it to syslog(3)
 * or writes it to standard error with one write(2).  It does not rotate
 * files or buffer: every event goes out at once.
 *
 * STANDARDS: none (syslog facility names as in syslog.conf(5)).
 * Thread safety: the level and destination are set before threads start;
 * formatting uses only the caller's stack, so logging is thread-safe.
 */
#include "common/log.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

static enum log_level log_level = LOG_LEVEL_INFO; /* threshold */
static bool log_to_stderr = true;                 /* else syslog */
static char log_ident[64] = "dmarcsuite";         /* program name */

/* facility names and values, as in syslog.conf(5) */
static const struct {
    const char *name; /* facility name */
    int value;        /* LOG_* facility */
} log_facilities[] = {
    { "auth", LOG_AUTH },     { "authpriv", LOG_AUTHPRIV },
    { "cron", LOG_CRON },     { "daemon", LOG_DAEMON },
    { "kern", LOG_KERN },     { "lpr", LOG_LPR },
    { "mail", LOG_MAIL },     { "news", LOG_NEWS },
    { "syslog", LOG_SYSLOG }, { "user", LOG_USER },
    { "uucp", LOG_UUCP },     { "local0", LOG_LOCAL0 },
    { "local1", LOG_LOCAL1 }, { "local2", LOG_LOCAL2 },
    { "local3", LOG_LOCAL3 }, { "local4", LOG_LOCAL4 },
    { "local5", LOG_LOCAL5 }, { "local6", LOG_LOCAL6 },
    { "local7", LOG_LOCAL7 },
};

/* log_facility_lookup - facility value for name, or -1 */
static int
log_facility_lookup(const char *name)
{
    for (size_t i = 0; i < sizeof(log_facilities) / sizeof(log_facilities[0]);
         i++) {
        if (strcmp(log_facilities[i].name, name) == 0)
            return log_facilities[i].value;
    }
    return -1;
}

bool
log_facility_valid(const char *name)
{
    return log_facility_lookup(name) >= 0;
}

int
log_open(const char *ident, const char *facility, bool to_stderr)
{
    int fac = log_facility_lookup(facility ? facility : "mail");
    int rc = 0;

    if (fac < 0) {
        fac = LOG_MAIL;
        rc = -1;
    }
    (void)snprintf(log_ident, sizeof(log_ident), "%s", ident);
    log_to_stderr = to_stderr;
    if (!to_stderr)
        openlog(log_ident, LOG_PID | LOG_NDELAY, fac);
    return rc;
}

void
log_set_level(enum log_level level)
{
    log_level = level;
}

enum log_level
log_get_level(void)
{
    return log_level;
}

/* log_level_name - the word printed on standard error */
static const char *
log_level_name(enum log_level level)
{
    switch (level) {
    case LOG_LEVEL_ERR:
        return "error";
    case LOG_LEVEL_WARN:
        return "warning";
    case LOG_LEVEL_NOTICE:
        return "notice";
    case LOG_LEVEL_INFO:
        return "info";
    case LOG_LEVEL_DEBUG:
        return "debug";
    }
    return "?";
}

/* log_cat - append s to line (cap bytes), *len may reach cap on overflow */
static void
log_cat(char *line, size_t *len, size_t cap, const char *s)
{
    size_t n = strlen(s);

    if (*len >= cap)
        return;
    if (n > cap - *len)
        n = cap - *len;
    for (size_t i = 0; i < n; i++)
        line[*len + i] = s[i];
    *len += n;
}

/* log_emit - format, sanitise and write one line */
static void log_emit(enum log_level level, int errnum, const char *fmt,
                     va_list ap) LOG_FMT(3, 0);

static void
log_emit(enum log_level level, int errnum, const char *fmt, va_list ap)
{
    char line[LOG_MAX_LINE];
    int n;
    size_t len;

    n = vsnprintf(line, sizeof(line), fmt, ap);
    len = n < 0 ? 0 : (size_t)n;
    if (len >= sizeof(line))
        len = sizeof(line);
    if (errnum != 0) {
        char ebuf[128];

        log_cat(line, &len, sizeof(line), ": ");
        log_cat(line, &len, sizeof(line),
                log_errstr(errnum, ebuf, sizeof(ebuf)));
    }
    if (len >= sizeof(line)) {
        len = sizeof(line) - 1;
        memcpy(line + len - 3, "...", 3);
    }
    line[len] = '\0';
    for (size_t i = 0; i < len; i++) {
        if (line[i] == '\n' || line[i] == '\r' ||
            (unsigned char)line[i] < 0x20 || line[i] == 0x7f)
            line[i] = '?';
    }
    if (log_to_stderr) {
        char out[LOG_MAX_LINE + 128];
        char ts[32];
        struct tm tm;
        time_t now = time(NULL);

        if (gmtime_r(&now, &tm) == NULL ||
            strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
            ts[0] = '\0';
        n = snprintf(out, sizeof(out), "%s %s[%ld]: %s: %s\n", ts, log_ident,
                     (long)getpid(), log_level_name(level), line);
        if (n > 0) {
            size_t olen = (size_t)n < sizeof(out) ? (size_t)n : sizeof(out);
            /* a failed write to stderr has nowhere to be reported */
            (void)!write(STDERR_FILENO, out, olen);
        }
    } else {
        syslog((int)level, "%s", line);
    }
}

#define LOG_FN(fn, lvl, with_errno)                         \
    void fn(const char *fmt, ...)                           \
    {                                                       \
        int saved = errno;                                  \
        va_list ap;                                         \
        if ((lvl) > log_level)                              \
            return;                                         \
        va_start(ap, fmt);                                  \
        log_emit((lvl), (with_errno) ? saved : 0, fmt, ap); \
        va_end(ap);                                         \
        errno = saved;                                      \
    }

LOG_FN(log_err, LOG_LEVEL_ERR, 0)
LOG_FN(log_warn, LOG_LEVEL_WARN, 0)
LOG_FN(log_notice, LOG_LEVEL_NOTICE, 0)
LOG_FN(log_info, LOG_LEVEL_INFO, 0)
LOG_FN(log_debug, LOG_LEVEL_DEBUG, 0)
LOG_FN(log_err_errno, LOG_LEVEL_ERR, 1)
LOG_FN(log_warn_errno, LOG_LEVEL_WARN, 1)

void
log_panic(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    log_emit(LOG_LEVEL_ERR, 0, fmt, ap);
    va_end(ap);
    abort();
}

const char *
log_esc(char *dst, size_t dst_size, const char *s, size_t len)
{
    static const char hex[] = "0123456789abcdef";
    size_t o = 0;

    if (dst_size < 8) {
        if (dst_size > 0)
            dst[0] = '\0';
        return dst;
    }
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        size_t need = (c < 0x20 || c >= 0x7f || c == '\\' || c == '"') ? 4 : 1;

        if (o + need + 4 > dst_size) {
            memcpy(dst + o, "...", 3);
            o += 3;
            break;
        }
        if (need == 1) {
            dst[o++] = (char)c;
        } else {
            dst[o++] = '\\';
            dst[o++] = 'x';
            dst[o++] = hex[c >> 4];
            dst[o++] = hex[c & 0xf];
        }
    }
    dst[o] = '\0';
    return dst;
}

const char *
log_errstr(int errnum, char *buf, size_t buf_size)
{
    /* XSI strerror_r (we build without _GNU_SOURCE) */
    if (strerror_r(errnum, buf, buf_size) != 0)
        (void)snprintf(buf, buf_size, "error %d", errnum);
    return buf;
}
