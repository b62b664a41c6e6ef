/*
 * afrf_fixture - what the failure report unit tests (test_afrf,
 * test_afrf_msg, test_afrf_spool, test_afrf_spoolfile) share: a scratch
 * folder with a capturing ReportCommand script, a configuration built
 * from "Key value" pairs, fake destination-verification lookups, and a
 * failing message with its event and job.
 *
 * Failures are cmocka assertions (the test stops), so nothing here
 * returns an error.  Not thread-safe: set-up and tear-down run on the
 * test's main thread.
 */
#ifndef DMARC_TESTS_UNIT_REPORTER_AFRF_FIXTURE_H
#define DMARC_TESTS_UNIT_REPORTER_AFRF_FIXTURE_H

#include <stdbool.h>
#include <stddef.h>

#include "common/cfg.h"
#include "common/dmarc_rec.h"
#include "reporter/afrf.h"
#include "reporter/afrf_job.h"

/* a scratch folder and its capturing command */
struct afrf_fixture {
    char dir[64];      /* /tmp/<name>.<pid> */
    char capture[128]; /* <dir>/capture: what cap.sh was given */
    char cap_cmd[128]; /* <dir>/cap.sh: appends "ARGS ...", stdin, END */
};

/* a failing message and its event; the event points into this */
struct afrf_fixture_msg {
    struct dmarc_rec rec;     /* the record, when one was given */
    struct afrf_hdr hdrs[6];  /* the header: From, To, Subject, room */
    struct afrf_dkim dkim[1]; /* room for one signature (n_dkim 0) */
    struct afrf_event ev;     /* the event */
};

/* afrf_fixture_setup - make the folder /tmp/<name>.<pid> (name
 * borrowed) and its cap.sh into *fx. */
void afrf_fixture_setup(struct afrf_fixture *fx, const char *name);

/* afrf_fixture_teardown - remove the files of fx's folder and the
 * folder (subfolders must be gone already). */
void afrf_fixture_teardown(const struct afrf_fixture *fx);

/* afrf_fixture_empty - remove the files (not dot files, not folders) in
 * the folder path (borrowed); a missing folder is fine. */
void afrf_fixture_empty(const char *path);

/* afrf_fixture_path - "<dir>/<name>" into out (size bytes). */
void afrf_fixture_path(const struct afrf_fixture *fx, const char *name,
                       char *out, size_t size);

/* afrf_fixture_script - write an executable shell script at path with
 * body after "#!/bin/sh" (both borrowed). */
void afrf_fixture_script(const char *path, const char *body);

/* afrf_fixture_slurp - the capture file, "" when absent (at most 1 MiB);
 * caller frees with free. */
char *afrf_fixture_slurp(const struct afrf_fixture *fx);

/* afrf_fixture_cfg - a configuration with FailureReports on, the
 * ReportCommand cmd, FailureReportsSentBy dmarc@receiver.test, then
 * the "Key", "value" pairs of kv (NULL-terminated; kv may be NULL).
 * Caller frees with cfg_free. */
struct cfg *afrf_fixture_cfg(const char *cmd, const char *const *kv);

/* afrf_fixture_afrf - the reporter of cfg (kept by reference) on host
 * mx.receiver.test, with no TXT record anywhere (every external
 * destination unverified) and the last two labels as the organizational
 * domain.  Caller frees with afrf_free. */
struct afrf *afrf_fixture_afrf(const struct cfg *cfg);

/* afrf_fixture_msg_init - a message from alice@example.com to
 * bob@receiver.test failing DMARC and SPF (example.com, aligned),
 * rejected, queue id jobid and Subject subject (borrowed); the record
 * parsed from record when not NULL (free with afrf_fixture_msg_free). */
void afrf_fixture_msg_init(struct afrf_fixture_msg *m, const char *record,
                           const char *jobid, const char *subject);

/* afrf_fixture_msg_free - release m's record. */
void afrf_fixture_msg_free(struct afrf_fixture_msg *m);

/* afrf_fixture_job - the DMARC report job of ev (borrowed) from
 * dmarc@receiver.test on mx.receiver.test, with the body when is_body.
 * Caller frees with afrf_job_free. */
struct afrf_job *afrf_fixture_job(const struct afrf_event *ev, bool is_body);

#endif
