/*
 * log - one line per event, to syslog or to standard error.
 *
 * Lines read "event key=value ..."; the milter prefixes the MTA queue id.
 * log.c filters by level, so callers never wrap a call in "if (verbose)".
 * Every function saves and restores errno.  Untrusted text goes through
 * log_esc() first; the logger also replaces any control character left in
 * the formatted line, so one event is always one line.
 *
 * Thread safety: log_open() and log_set_level() are called at startup,
 * before threads exist; the logging calls themselves are thread-safe.
 */
#ifndef DMARC_COMMON_LOG_H
#define DMARC_COMMON_LOG_H

#include <stdbool.h>
#include <stddef.h>

#define LOG_FMT(a, b) __attribute__((format(printf, a, b)))
#define LOG_NORETURN  __attribute__((noreturn))
#define WARN_UNUSED   __attribute__((warn_unused_result))

/* LOG_MAX_LINE - longest line written; longer ones end in "...". */
#define LOG_MAX_LINE 2048

/* log levels, in syslog order */
enum log_level {
    LOG_LEVEL_ERR = 3,    /* something failed */
    LOG_LEVEL_WARN = 4,   /* bad input or a recoverable problem */
    LOG_LEVEL_NOTICE = 5, /* normal but significant (one per message) */
    LOG_LEVEL_INFO = 6,   /* progress */
    LOG_LEVEL_DEBUG = 7   /* detail for developers */
};

/* log_open - set the identity and destination.  facility is a syslog
 * facility name ("mail", "local0", ...) or NULL for "mail"; to_stderr
 * sends lines to standard error instead of syslog.  Returns 0, or -1 when
 * the facility name is unknown (logging then goes on with "mail"). */
int log_open(const char *ident, const char *facility,
             bool to_stderr) WARN_UNUSED;

/* log_facility_valid - true when name is a syslog facility log_open()
 * knows. */
bool log_facility_valid(const char *name);

/* log_set_level - drop events less important than level. */
void log_set_level(enum log_level level);

/* log_get_level - the current threshold. */
enum log_level log_get_level(void);

void log_err(const char *fmt, ...) LOG_FMT(1, 2);
void log_warn(const char *fmt, ...) LOG_FMT(1, 2);
void log_notice(const char *fmt, ...) LOG_FMT(1, 2);
void log_info(const char *fmt, ...) LOG_FMT(1, 2);
void log_debug(const char *fmt, ...) LOG_FMT(1, 2);

/* The _errno variants append ": <strerror(errno)>". */
void log_err_errno(const char *fmt, ...) LOG_FMT(1, 2);
void log_warn_errno(const char *fmt, ...) LOG_FMT(1, 2);

/* log_panic - log at err level and abort(): for impossible states. */
void log_panic(const char *fmt, ...) LOG_FMT(1, 2) LOG_NORETURN;

/* log_esc - copy len bytes of untrusted text at s into dst (dst_size
 * bytes, at least 8) with backslash, '"' and every byte outside 0x20-0x7e
 * written as \xHH; a result that does not fit ends in "...".  Returns dst.
 * Thread-safe (caller owns dst). */
const char *log_esc(char *dst, size_t dst_size, const char *s, size_t len);

/* log_errstr - thread-safe strerror(): the text for errnum in buf. */
const char *log_errstr(int errnum, char *buf, size_t buf_size);

#endif
