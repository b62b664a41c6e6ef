/*
 * cfg - the configuration file: OpenDMARC's syntax, one declared table.
 *
 * All tools read one file in the syntax opendmarc.conf(5) uses: "Name
 * value" lines (white space between), names case-insensitive, '#'
 * comments, blank lines.  Every key is declared once in a table (cfg.c)
 * with its type, default and range; dmarcsuite.conf(5) documents every
 * row and "make lint" checks the two agree.  An unknown key, a duplicate
 * key or a bad value is an error reported as "file:line: key: reason"; an
 * OpenDMARC key this suite deliberately does not implement is a warning
 * naming the key.
 *
 * Thread safety: a struct cfg is built and filled before threads start
 * and is read-only afterwards; the accessors are then thread-safe.
 */
#ifndef DMARC_COMMON_CFG_H
#define DMARC_COMMON_CFG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/log.h"

/* every key: CFG_ + the key name in upper case.  Keep in table order. */
enum cfg_key {
    /* OpenDMARC 1.4.2, opendmarc.conf(5) */
    CFG_AUTHSERVID,
    CFG_AUTHSERVIDWITHJOBID,
    CFG_AUTORESTART,
    CFG_AUTORESTARTCOUNT,
    CFG_AUTORESTARTRATE,
    CFG_BACKGROUND,
    CFG_BASEDIRECTORY,
    CFG_CHANGEROOTDIRECTORY,
    CFG_COPYFAILURESTO,
    CFG_DNSTIMEOUT,
    CFG_DOMAINWHITELIST,
    CFG_DOMAINWHITELISTFILE,
    CFG_DOMAINWHITELISTSIZE,
    CFG_ENABLECOREDUMPS,
    CFG_FAILUREREPORTS,
    CFG_FAILUREREPORTSBCC,
    CFG_FAILUREREPORTSONNONE,
    CFG_FAILUREREPORTSSENTBY,
    CFG_HISTORYFILE,
    CFG_HOLDQUARANTINEDMESSAGES,
    CFG_IGNOREAUTHENTICATEDCLIENTS,
    CFG_IGNOREHOSTS,
    CFG_IGNOREMAILFROM,
    CFG_IGNOREMAILTO,
    CFG_MILTERDEBUG,
    CFG_PIDFILE,
    CFG_PUBLICSUFFIXLIST,
    CFG_RECORDALLMESSAGES,
    CFG_REJECTFAILURES,
    CFG_REJECTMULTIVALUEFROM,
    CFG_REJECTSTRING,
    CFG_REPORTCOMMAND,
    CFG_REQUIREDHEADERS,
    CFG_SOCKET,
    CFG_SOFTWAREHEADER,
    CFG_SPFIGNORERESULTS,
    CFG_SPFSELFVALIDATE,
    CFG_SYSLOG,
    CFG_SYSLOGFACILITY,
    CFG_TRUSTEDAUTHSERVIDS,
    CFG_UMASK,
    CFG_USERID,
    /* OpenDMARC develop branch keys: accepted, see the man page */
    CFG_NOREPORTSLIST,
    CFG_READCANONICALIZEDDATA,
    CFG_REQUIREDFROM,
    /* dmarcsuite keys */
    CFG_NAMESERVERS,
    CFG_DNSCACHESIZE,
    CFG_LOGLEVEL,
    CFG_DATABASE,
    /* dmarcsuite: dmarc-reports */
    CFG_REPORTORG,
    CFG_REPORTEMAIL,
    CFG_REPORTFROM,
    CFG_REPORTINTERVAL,
    CFG_REPORTSENDMAIL,
    CFG_REPORTSMTPURL,
    CFG_REPORTSMTPUSER,
    CFG_REPORTSMTPPASSWORDFILE,
    CFG_REPORTSMTPTLS,
    CFG_REPORTMAXATTEMPTS,
    CFG_REPORTFORMAT,
    /* dmarcsuite: dmarc-milter */
    CFG_HISTORYEXTENSIONS,
    /* dmarcsuite: failure reports */
    CFG_FAILUREREPORTSRATEDOMAIN,
    CFG_FAILUREREPORTSRATETOTAL,
    CFG_FAILUREREPORTSREDACT,
    CFG_FAILUREREPORTSREDACTKEY,
    CFG_FAILUREREPORTSBODY,
    CFG_FAILUREREPORTSQUEUESIZE,
    CFG_FAILUREREPORTSTIMEOUT,
    CFG_FAILUREREPORTSSPOOL,
    CFG_FAILUREREPORTSRETRYINTERVAL,
    CFG_FAILUREREPORTSBODYMAXSIZE,
    CFG_KEY_COUNT /* not a key */
};

/* value types of the table */
enum cfg_type {
    CFG_T_STRING,   /* free text */
    CFG_T_PATH,     /* a file or folder name */
    CFG_T_BOOL,     /* true/false, yes/no, on/off, 1/0 (any case) */
    CFG_T_UINT,     /* decimal, within [min, max] */
    CFG_T_DURATION, /* seconds, or a number with s/m/h/d */
    CFG_T_ENUM,     /* one word of a fixed set */
    CFG_T_LIST      /* comma-separated words, trimmed */
};

/* CFG_MAX_LINE - longest line accepted, in bytes without the newline.
 * OpenDMARC reads lines into a fixed buffer and silently cuts them; here a
 * longer line is an error.  4096 bytes hold any realistic list or command
 * line. */
#define CFG_MAX_LINE 4096

/* CFG_MAX_FILE - largest file accepted, in bytes: a configuration is a
 * few kilobytes; anything much larger is the wrong file. */
#define CFG_MAX_FILE ((size_t)1024 * 1024)

/* CFG_MAX_DESC - buffer size that always holds cfg_describe()'s text. */
#define CFG_MAX_DESC 256

struct cfg;

/* cfg_new - a configuration holding every default.  Caller frees with
 * cfg_free. */
struct cfg *cfg_new(void);

/* cfg_free - release (NULL is a no-op). */
void cfg_free(struct cfg *c);

/* cfg_load - read path into c.  Each problem is logged once as
 * "path:line: key: reason" (log_err for errors, log_warn for warnings).
 * Returns the number of errors (0: the file is good), or -1 when the file
 * cannot be read (logged with its errno text). */
int cfg_load(struct cfg *c, const char *path) WARN_UNUSED;

/* cfg_load_mem - as cfg_load, but parse the len bytes at buf (borrowed;
 * need not be NUL-terminated); name is the file name used in messages.
 * Returns the number of errors (never -1).  Used by cfg_load, the tests and
 * the fuzzer. */
int cfg_load_mem(struct cfg *c, const char *name, const char *buf,
                 size_t len) WARN_UNUSED;

/* cfg_set - set key k from text, as a command-line option would (it
 * replaces a value from the file).  Returns 0, or -1 with *why saying what
 * is wrong with the value. */
int cfg_set(struct cfg *c, enum cfg_key k, const char *value,
            const char **why) WARN_UNUSED;

/* cfg_name - the key's name as documented ("AuthservID"). */
const char *cfg_name(enum cfg_key k);

/* cfg_lookup - the key named name[0..name_len) (any case): 0 and *out
 * set, or -1 when there is no such key. */
int cfg_lookup(const char *name, size_t name_len,
               enum cfg_key *out) WARN_UNUSED;

/* cfg_type_of - the key's value type. */
enum cfg_type cfg_type_of(enum cfg_key k);

/* cfg_type_name - the key's type as dmarcsuite.conf(5) names it: "string",
 * "path", "bool", "uint", "octal" (UMask), "duration", "enum" or "list".
 * Static text. */
const char *cfg_type_name(enum cfg_key k);

/* cfg_default_text - the key's default as text, or NULL when the key has
 * none.  Static text. */
const char *cfg_default_text(enum cfg_key k);

/* cfg_is_opendmarc - true for a key of OpenDMARC (1.4.2 or its develop
 * branch), false for a key only this suite has. */
bool cfg_is_opendmarc(enum cfg_key k);

/* cfg_is_implemented - false for a key the suite accepts but ignores
 * (cfg_load warns when a file sets it). */
bool cfg_is_implemented(enum cfg_key k);

/* cfg_describe - the key's summary line exactly as dmarcsuite.conf(5)
 * prints it under the key, e.g. "(bool; default: true; OpenDMARC)", into
 * buf (size bytes; CFG_MAX_DESC always suffices).  Returns buf.  The lint
 * step compares these lines with the man page. */
const char *cfg_describe(enum cfg_key k, char *buf, size_t size);

/* cfg_is_set - true when the file or cfg_set gave the key a value. */
bool cfg_is_set(const struct cfg *c, enum cfg_key k);

/* cfg_str - value of a string, path or enum key, or its default; NULL
 * when it has neither.  An enum value is the table's word (lower case)
 * whatever case the file used; for other types this is the value text as
 * written.  Borrowed, valid until cfg_free or the next change of k. */
const char *cfg_str(const struct cfg *c, enum cfg_key k);

/* cfg_bool - value of a boolean key, or its default. */
bool cfg_bool(const struct cfg *c, enum cfg_key k);

/* cfg_uint - value of a uint key, a duration key in seconds, or UMask;
 * 0 for a key with neither a value nor a default (see cfg_is_set). */
uint64_t cfg_uint(const struct cfg *c, enum cfg_key k);

/* cfg_list - the items of a list key (trimmed, empty items dropped);
 * *n gets the count (0, and the result may be NULL, when the key has no
 * value).  Borrowed, valid until cfg_free or the next change of k. */
const char *const *cfg_list(const struct cfg *c, enum cfg_key k, size_t *n);

#endif
