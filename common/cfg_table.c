/*
 * cfg_table - every configuration key: name, type, default, range, flags.
 *
 * The single declaration of the keys.  Adding a key is one row here, one
 * enum constant in cfg.h and one entry in man/dmarcsuite.conf.5 (lint
 * compares the rows with the man page).  Defaults are written as file
 * text and parsed by the same code as the file, so a default can never
 * disagree with what the parser accepts.  This file does no parsing of
 * its own beyond the value checks a type cannot express; it also holds the
 * accessors that only read the table (names, types, the man-page summary
 * line).
 *
 * Defaults follow opendmarc.conf(5) of OpenDMARC 1.4.2.  Where OpenDMARC
 * contradicts itself (ReportCommand: "/usr/sbin/sendmail -t -odq" in the
 * code, "/usr/sbin/sendmail -t" in the sample, "/usr/sbin/sendmail" in
 * the man page) the man page wins.
 *
 * STANDARDS: none (opendmarc.conf(5) is the compatibility target).
 * Thread safety: constant data and pure functions.
 */
#include "common/cfg_table.h"

#include <assert.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "common/ascii.h"

/* syslog facility names, as log.c and syslog.conf(5) know them */
static const char *const cfg_facilities[] = {
    "auth",   "authpriv", "cron",   "daemon", "kern",   "lpr",    "mail",
    "news",   "syslog",   "user",   "uucp",   "local0", "local1", "local2",
    "local3", "local4",   "local5", "local6", "local7", NULL,
};

/* ReportSMTPTLS words, in the order of enum deliver_smtp_tls */
static const char *const cfg_smtp_tls[] = {
    "try",
    "require",
    "none",
    NULL,
};

/* ReportFormat words, in the order of enum agg_format
 * (reporter/agg.h): RFC 7489 Appendix C or RFC 9990 */
static const char *const cfg_report_formats[] = {
    "rfc7489",
    "rfc9990",
    NULL,
};

/* LogLevel words, in the order of enum log_level */
static const char *const cfg_levels[] = {
    "err", "warning", "notice", "info", "debug", NULL,
};

/* cfg_check_digits - skip decimal digits at s[*i]; true when there was one */
static bool
cfg_check_digits(struct str s, size_t *i)
{
    size_t start = *i;

    while (*i < s.len && ascii_is_digit(s.p[*i]))
        (*i)++;
    return *i > start;
}

/* cfg_check_rate - AutoRestartRate: "n/t[u]", u one of s m h d (any case),
 * as opendmarc.conf(5) defines it */
static const char *
cfg_check_rate(struct str s)
{
    size_t i = 0;

    if (!cfg_check_digits(s, &i) || i >= s.len || s.p[i] != '/')
        return "not of the form n/t[u]";
    i++;
    if (!cfg_check_digits(s, &i))
        return "not of the form n/t[u]";
    if (i < s.len) {
        char u = ascii_lower(s.p[i]);

        if ((u != 's' && u != 'm' && u != 'h' && u != 'd') || i + 1 != s.len)
            return "not of the form n/t[u]";
    }
    return NULL;
}

/* cfg_check_reject - RejectString: exactly one "%s" (the From domain) and
 * no other '%', so the text is never a format-string hazard */
static const char *
cfg_check_reject(struct str s)
{
    size_t n_s = 0;

    for (size_t i = 0; i < s.len; i++) {
        if (s.p[i] != '%')
            continue;
        if (i + 1 < s.len && s.p[i + 1] == 's') {
            n_s++;
            i++;
            continue;
        }
        return "'%' other than one \"%s\"";
    }
    return n_s == 1 ? NULL : "must contain \"%s\" exactly once";
}

/* short names for the rows below */
#define OD  CFG_F_OPENDMARC
#define IGN CFG_F_IGNORED

const struct cfg_param cfg_table[CFG_KEY_COUNT] = {
    /* OpenDMARC 1.4.2, opendmarc.conf(5) */
    [CFG_AUTHSERVID] = { "AuthservID", CFG_T_STRING, NULL, 0, 0, NULL, NULL,
                         OD },
    [CFG_AUTHSERVIDWITHJOBID] = { "AuthservIDWithJobID", CFG_T_BOOL, "false", 0,
                                  0, NULL, NULL, OD },
    [CFG_AUTORESTART] = { "AutoRestart", CFG_T_BOOL, "false", 0, 0, NULL, NULL,
                          OD },
    [CFG_AUTORESTARTCOUNT] = { "AutoRestartCount", CFG_T_UINT, "0", 0,
                               UINT32_MAX, NULL, NULL, OD },
    [CFG_AUTORESTARTRATE] = { "AutoRestartRate", CFG_T_STRING, NULL, 0, 0, NULL,
                              cfg_check_rate, OD },
    [CFG_BACKGROUND] = { "Background", CFG_T_BOOL, "true", 0, 0, NULL, NULL,
                         OD },
    [CFG_BASEDIRECTORY] = { "BaseDirectory", CFG_T_PATH, NULL, 0, 0, NULL, NULL,
                            OD },
    [CFG_CHANGEROOTDIRECTORY] = { "ChangeRootDirectory", CFG_T_PATH, NULL, 0, 0,
                                  NULL, NULL, OD },
    [CFG_COPYFAILURESTO] = { "CopyFailuresTo", CFG_T_STRING, NULL, 0, 0, NULL,
                             NULL, OD },
    [CFG_DNSTIMEOUT] = { "DNSTimeout", CFG_T_DURATION, "5", 0, 3600, NULL, NULL,
                         OD },
    [CFG_DOMAINWHITELIST] = { "DomainWhitelist", CFG_T_LIST, NULL, 0, 0, NULL,
                              NULL, OD },
    [CFG_DOMAINWHITELISTFILE] = { "DomainWhitelistFile", CFG_T_PATH, NULL, 0, 0,
                                  NULL, NULL, OD },
    [CFG_DOMAINWHITELISTSIZE] = { "DomainWhitelistSize", CFG_T_UINT, "1000", 0,
                                  10000000, NULL, NULL, OD },
    [CFG_ENABLECOREDUMPS] = { "EnableCoredumps", CFG_T_BOOL, "false", 0, 0,
                              NULL, NULL, OD },
    [CFG_FAILUREREPORTS] = { "FailureReports", CFG_T_BOOL, "false", 0, 0, NULL,
                             NULL, OD },
    [CFG_FAILUREREPORTSBCC] = { "FailureReportsBcc", CFG_T_LIST, NULL, 0, 0,
                                NULL, NULL, OD },
    [CFG_FAILUREREPORTSONNONE] = { "FailureReportsOnNone", CFG_T_BOOL, "false",
                                   0, 0, NULL, NULL, OD },
    [CFG_FAILUREREPORTSSENTBY] = { "FailureReportsSentBy", CFG_T_STRING, NULL,
                                   0, 0, NULL, NULL, OD },
    [CFG_HISTORYFILE] = { "HistoryFile", CFG_T_PATH, NULL, 0, 0, NULL, NULL,
                          OD },
    [CFG_HOLDQUARANTINEDMESSAGES] = { "HoldQuarantinedMessages", CFG_T_BOOL,
                                      "false", 0, 0, NULL, NULL, OD },
    [CFG_IGNOREAUTHENTICATEDCLIENTS] = { "IgnoreAuthenticatedClients",
                                         CFG_T_BOOL, "false", 0, 0, NULL, NULL,
                                         OD },
    [CFG_IGNOREHOSTS] = { "IgnoreHosts", CFG_T_PATH, NULL, 0, 0, NULL, NULL,
                          OD },
    [CFG_IGNOREMAILFROM] = { "IgnoreMailFrom", CFG_T_LIST, NULL, 0, 0, NULL,
                             NULL, OD },
    [CFG_IGNOREMAILTO] = { "IgnoreMailTo", CFG_T_LIST, NULL, 0, 0, NULL, NULL,
                           OD },
    [CFG_MILTERDEBUG] = { "MilterDebug", CFG_T_UINT, "0", 0, 255, NULL, NULL,
                          OD },
    [CFG_PIDFILE] = { "PidFile", CFG_T_PATH, NULL, 0, 0, NULL, NULL, OD },
    [CFG_PUBLICSUFFIXLIST] = { "PublicSuffixList", CFG_T_PATH, NULL, 0, 0, NULL,
                               NULL, OD },
    [CFG_RECORDALLMESSAGES] = { "RecordAllMessages", CFG_T_BOOL, "false", 0, 0,
                                NULL, NULL, OD },
    [CFG_REJECTFAILURES] = { "RejectFailures", CFG_T_BOOL, "false", 0, 0, NULL,
                             NULL, OD },
    [CFG_REJECTMULTIVALUEFROM] = { "RejectMultiValueFrom", CFG_T_BOOL, "false",
                                   0, 0, NULL, NULL, OD },
    [CFG_REJECTSTRING] = { "RejectString", CFG_T_STRING,
                           "rejected by DMARC policy for %s", 0, 0, NULL,
                           cfg_check_reject, OD },
    [CFG_REPORTCOMMAND] = { "ReportCommand", CFG_T_STRING, "/usr/sbin/sendmail",
                            0, 0, NULL, NULL, OD },
    [CFG_REQUIREDHEADERS] = { "RequiredHeaders", CFG_T_BOOL, "false", 0, 0,
                              NULL, NULL, OD },
    [CFG_SOCKET] = { "Socket", CFG_T_STRING, NULL, 0, 0, NULL, NULL, OD },
    [CFG_SOFTWAREHEADER] = { "SoftwareHeader", CFG_T_BOOL, "false", 0, 0, NULL,
                             NULL, OD },
    [CFG_SPFIGNORERESULTS] = { "SPFIgnoreResults", CFG_T_BOOL, "false", 0, 0,
                               NULL, NULL, OD },
    [CFG_SPFSELFVALIDATE] = { "SPFSelfValidate", CFG_T_BOOL, "false", 0, 0,
                              NULL, NULL, OD },
    [CFG_SYSLOG] = { "Syslog", CFG_T_BOOL, "false", 0, 0, NULL, NULL, OD },
    [CFG_SYSLOGFACILITY] = { "SyslogFacility", CFG_T_ENUM, "mail", 0, 0,
                             cfg_facilities, NULL, OD },
    [CFG_TRUSTEDAUTHSERVIDS] = { "TrustedAuthservIDs", CFG_T_LIST, NULL, 0, 0,
                                 NULL, NULL, OD },
    [CFG_UMASK] = { "UMask", CFG_T_UINT, NULL, 0, 0777, NULL, NULL,
                    OD | CFG_F_OCTAL },
    [CFG_USERID] = { "UserID", CFG_T_STRING, NULL, 0, 0, NULL, NULL, OD },
    /* OpenDMARC develop branch */
    [CFG_NOREPORTSLIST] = { "NoReportsList", CFG_T_STRING, NULL, 0, 0, NULL,
                            NULL, OD | IGN },
    [CFG_READCANONICALIZEDDATA] = { "ReadCanonicalizedData", CFG_T_BOOL,
                                    "false", 0, 0, NULL, NULL, OD | IGN },
    [CFG_REQUIREDFROM] = { "RequiredFrom", CFG_T_BOOL, "false", 0, 0, NULL,
                           NULL, OD | IGN },
    /* dmarcsuite */
    [CFG_NAMESERVERS] = { "Nameservers", CFG_T_STRING, NULL, 0, 0, NULL, NULL,
                          0 },
    [CFG_DNSCACHESIZE] = { "DNSCacheSize", CFG_T_UINT, "10000", 0, 10000000,
                           NULL, NULL, 0 },
    [CFG_LOGLEVEL] = { "LogLevel", CFG_T_ENUM, "info", 0, 0, cfg_levels, NULL,
                       0 },
    [CFG_DATABASE] = { "Database", CFG_T_PATH, "/var/lib/dmarcsuite/dmarc.db",
                       0, 0, NULL, NULL, 0 },
    /* dmarcsuite: dmarc-reports */
    [CFG_REPORTORG] = { "ReportOrg", CFG_T_STRING, NULL, 0, 0, NULL, NULL, 0 },
    [CFG_REPORTEMAIL] = { "ReportEmail", CFG_T_STRING, NULL, 0, 0, NULL, NULL,
                          0 },
    [CFG_REPORTFROM] = { "ReportFrom", CFG_T_STRING, NULL, 0, 0, NULL, NULL,
                         0 },
    [CFG_REPORTINTERVAL] = { "ReportInterval", CFG_T_DURATION, "1d", 3600,
                             604800, NULL, NULL, 0 },
    [CFG_REPORTSENDMAIL] = { "ReportSendmail", CFG_T_PATH, "/usr/sbin/sendmail",
                             0, 0, NULL, NULL, 0 },
    [CFG_REPORTSMTPURL] = { "ReportSMTPURL", CFG_T_STRING, NULL, 0, 0, NULL,
                            NULL, 0 },
    [CFG_REPORTSMTPUSER] = { "ReportSMTPUser", CFG_T_STRING, NULL, 0, 0, NULL,
                             NULL, 0 },
    [CFG_REPORTSMTPPASSWORDFILE] = { "ReportSMTPPasswordFile", CFG_T_PATH, NULL,
                                     0, 0, NULL, NULL, 0 },
    [CFG_REPORTSMTPTLS] = { "ReportSMTPTLS", CFG_T_ENUM, "try", 0, 0,
                            cfg_smtp_tls, NULL, 0 },
    [CFG_REPORTMAXATTEMPTS] = { "ReportMaxAttempts", CFG_T_UINT, "5", 1, 100,
                                NULL, NULL, 0 },
    [CFG_REPORTFORMAT] = { "ReportFormat", CFG_T_ENUM, "rfc7489", 0, 0,
                           cfg_report_formats, NULL, 0 },
    /* dmarcsuite: dmarc-milter */
    [CFG_HISTORYEXTENSIONS] = { "HistoryExtensions", CFG_T_BOOL, "true", 0, 0,
                                NULL, NULL, 0 },
    /* dmarcsuite: failure reports */
    [CFG_FAILUREREPORTSRATEDOMAIN] = { "FailureReportsRateDomain", CFG_T_STRING,
                                       "10/1h", 0, 0, NULL, cfg_check_rate, 0 },
    [CFG_FAILUREREPORTSRATETOTAL] = { "FailureReportsRateTotal", CFG_T_STRING,
                                      "100/1h", 0, 0, NULL, cfg_check_rate, 0 },
    [CFG_FAILUREREPORTSREDACT] = { "FailureReportsRedact", CFG_T_BOOL, "false",
                                   0, 0, NULL, NULL, 0 },
    [CFG_FAILUREREPORTSREDACTKEY] = { "FailureReportsRedactKey", CFG_T_PATH,
                                      NULL, 0, 0, NULL, NULL, 0 },
    [CFG_FAILUREREPORTSBODY] = { "FailureReportsBody", CFG_T_BOOL, "false", 0,
                                 0, NULL, NULL, 0 },
    [CFG_FAILUREREPORTSQUEUESIZE] = { "FailureReportsQueueSize", CFG_T_UINT,
                                      "1000", 1, 100000, NULL, NULL, 0 },
    [CFG_FAILUREREPORTSTIMEOUT] = { "FailureReportsTimeout", CFG_T_DURATION,
                                    "60", 1, 3600, NULL, NULL, 0 },
    [CFG_FAILUREREPORTSSPOOL] = { "FailureReportsSpool", CFG_T_PATH, NULL, 0, 0,
                                  NULL, NULL, 0 },
    [CFG_FAILUREREPORTSRETRYINTERVAL] = { "FailureReportsRetryInterval",
                                          CFG_T_DURATION, "5m", 1, 86400, NULL,
                                          NULL, 0 },
    /* 1 KiB to AFRF_MAX_BODY (reporter/afrf.h) */
    [CFG_FAILUREREPORTSBODYMAXSIZE] = { "FailureReportsBodyMaxSize", CFG_T_UINT,
                                        "65536", 1024, 2097152, NULL, NULL, 0 },
};

int
cfg_lookup(const char *name, size_t name_len, enum cfg_key *out)
{
    for (size_t k = 0; k < CFG_KEY_COUNT; k++) {
        if (ascii_caseeq_n(name, name_len, cfg_table[k].name)) {
            *out = (enum cfg_key)k;
            return 0;
        }
    }
    return -1;
}

/* cfg_append - append s to the NUL-terminated text in buf (size bytes),
 * cutting it when full: only for messages and descriptions */
static void
cfg_append(char *buf, size_t size, const char *s)
{
    size_t o = strlen(buf);
    size_t n = strlen(s);

    if (n >= size - o)
        n = size - o - 1;
    memcpy(buf + o, s, n);
    buf[o + n] = '\0';
}

const char *
cfg_words_text(const char *const *words, char *buf, size_t size)
{
    buf[0] = '\0';
    for (size_t i = 0; words[i] != NULL; i++) {
        if (i > 0)
            cfg_append(buf, size, ", ");
        cfg_append(buf, size, words[i]);
    }
    return buf;
}

const char *
cfg_name(enum cfg_key k)
{
    assert(k < CFG_KEY_COUNT);
    return cfg_table[k].name;
}

enum cfg_type
cfg_type_of(enum cfg_key k)
{
    assert(k < CFG_KEY_COUNT);
    return cfg_table[k].type;
}

const char *
cfg_type_name(enum cfg_key k)
{
    assert(k < CFG_KEY_COUNT);
    switch (cfg_table[k].type) {
    case CFG_T_STRING:
        return "string";
    case CFG_T_PATH:
        return "path";
    case CFG_T_BOOL:
        return "bool";
    case CFG_T_UINT:
        return (cfg_table[k].flags & CFG_F_OCTAL) != 0 ? "octal" : "uint";
    case CFG_T_DURATION:
        return "duration";
    case CFG_T_ENUM:
        return "enum";
    case CFG_T_LIST:
        return "list";
    }
    return "?";
}

const char *
cfg_default_text(enum cfg_key k)
{
    assert(k < CFG_KEY_COUNT);
    return cfg_table[k].def;
}

bool
cfg_is_opendmarc(enum cfg_key k)
{
    assert(k < CFG_KEY_COUNT);
    return (cfg_table[k].flags & CFG_F_OPENDMARC) != 0;
}

bool
cfg_is_implemented(enum cfg_key k)
{
    assert(k < CFG_KEY_COUNT);
    return (cfg_table[k].flags & CFG_F_IGNORED) == 0;
}

/* cfg_range_text - "; range: MIN to MAX" for numeric keys, "; values:
 * ..." for enums, else "" into buf */
static const char *
cfg_range_text(const struct cfg_param *p, char *buf, size_t size)
{
    char words[CFG_MAX_DESC];

    buf[0] = '\0';
    if ((p->flags & CFG_F_OCTAL) != 0)
        (void)snprintf(buf, size, "; range: %#" PRIo64 " to %#" PRIo64, p->min,
                       p->max);
    else if (p->type == CFG_T_UINT)
        (void)snprintf(buf, size, "; range: %" PRIu64 " to %" PRIu64, p->min,
                       p->max);
    else if (p->type == CFG_T_DURATION)
        (void)snprintf(buf, size, "; range: %" PRIu64 " to %" PRIu64 " seconds",
                       p->min, p->max);
    else if (p->type == CFG_T_ENUM)
        (void)snprintf(buf, size, "; values: %s",
                       cfg_words_text(p->words, words, sizeof(words)));
    return buf;
}

const char *
cfg_describe(enum cfg_key k, char *buf, size_t size)
{
    const struct cfg_param *p;
    char range[CFG_MAX_DESC];
    const char *q;

    assert(k < CFG_KEY_COUNT);
    p = &cfg_table[k];
    /* a default with spaces is quoted so its end is visible */
    q = p->def != NULL && strchr(p->def, ' ') != NULL ? "\"" : "";
    (void)snprintf(buf, size, "(%s; default: %s%s%s%s; %s%s)", cfg_type_name(k),
                   q, p->def != NULL ? p->def : "unset", q,
                   cfg_range_text(p, range, sizeof(range)),
                   (p->flags & CFG_F_OPENDMARC) != 0 ? "OpenDMARC"
                                                     : "dmarcsuite",
                   (p->flags & CFG_F_IGNORED) != 0 ? "; not implemented" : "");
    return buf;
}
