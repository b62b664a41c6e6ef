/*
 * afrf_fixture - the shared set-up of the failure report unit tests.
 *
 * It exists so that each test file holds its scenarios and not a copy
 * of the scratch folder, the capture script, the configuration and the
 * message; see the header for what each piece is.  The fake lookups
 * stand in for DNS: nothing here reaches the network.
 *
 * Thread safety: none needed (the tests' main thread).
 */
#include "tests/unit/reporter/afrf_fixture.h"

#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "common/str.h"

/* fake_txt - no TXT anywhere: every external destination is unverified */
static enum destverify_lookup
fake_txt(void *ctx, const char *qname, const struct str **txt, size_t *count)
{
    (void)ctx;
    (void)qname;
    *txt = NULL;
    *count = 0;
    return DESTVERIFY_LOOKUP_NONE;
}

/* fake_org - the last two labels */
static const char *
fake_org(void *ctx, const char *domain)
{
    const char *p = domain + strlen(domain);
    int dots = 0;

    (void)ctx;
    while (p > domain) {
        p--;
        if (*p == '.' && ++dots == 2)
            return p + 1;
    }
    return domain;
}

void
afrf_fixture_script(const char *path, const char *body)
{
    FILE *f = fopen(path, "w");

    assert_non_null(f);
    fprintf(f, "#!/bin/sh\n%s\n", body);
    fclose(f);
    assert_int_equal(chmod(path, 0755), 0);
}

void
afrf_fixture_path(const struct afrf_fixture *fx, const char *name, char *out,
                  size_t size)
{
    int n = snprintf(out, size, "%s/%s", fx->dir, name);

    assert_true(n > 0 && (size_t)n < size);
}

void
afrf_fixture_setup(struct afrf_fixture *fx, const char *name)
{
    char body[512];

    snprintf(fx->dir, sizeof(fx->dir), "/tmp/%s.%ld", name, (long)getpid());
    assert_int_equal(mkdir(fx->dir, 0700), 0);
    afrf_fixture_path(fx, "capture", fx->capture, sizeof(fx->capture));
    afrf_fixture_path(fx, "cap.sh", fx->cap_cmd, sizeof(fx->cap_cmd));
    snprintf(body, sizeof(body),
             "{ echo \"ARGS $*\"; cat; echo; echo END; } >>%s", fx->capture);
    afrf_fixture_script(fx->cap_cmd, body);
}

void
afrf_fixture_empty(const char *path)
{
    char file[512];
    struct dirent *de;
    DIR *d = opendir(path);

    if (d == NULL)
        return;
    /* NOLINTNEXTLINE(concurrency-mt-unsafe): one thread, one stream */
    while ((de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.')
            continue;
        snprintf(file, sizeof(file), "%s/%s", path, de->d_name);
        unlink(file);
    }
    closedir(d);
}

void
afrf_fixture_teardown(const struct afrf_fixture *fx)
{
    afrf_fixture_empty(fx->dir);
    rmdir(fx->dir);
}

char *
afrf_fixture_slurp(const struct afrf_fixture *fx)
{
    FILE *f = fopen(fx->capture, "r");
    char *s = calloc(1, 1 << 20);
    size_t n = 0;

    assert_non_null(s);
    if (f != NULL) {
        n = fread(s, 1, (1 << 20) - 1, f);
        fclose(f);
    }
    s[n] = '\0';
    return s;
}

struct cfg *
afrf_fixture_cfg(const char *cmd, const char *const *kv)
{
    struct cfg *cfg = cfg_new();
    const char *why;

    assert_int_equal(cfg_set(cfg, CFG_FAILUREREPORTS, "true", &why), 0);
    assert_int_equal(cfg_set(cfg, CFG_REPORTCOMMAND, cmd, &why), 0);
    assert_int_equal(
        cfg_set(cfg, CFG_FAILUREREPORTSSENTBY, "dmarc@receiver.test", &why), 0);
    for (size_t i = 0; kv != NULL && kv[i] != NULL; i += 2) {
        enum cfg_key k;

        assert_int_equal(cfg_lookup(kv[i], strlen(kv[i]), &k), 0);
        assert_int_equal(cfg_set(cfg, k, kv[i + 1], &why), 0);
    }
    return cfg;
}

struct afrf *
afrf_fixture_afrf(const struct cfg *cfg)
{
    struct afrf_env env = { 0 };

    env.cfg = cfg;
    env.hostname = "mx.receiver.test";
    env.verify.txt = fake_txt;
    env.verify.org = fake_org;
    return afrf_new(&env);
}

void
afrf_fixture_msg_init(struct afrf_fixture_msg *m, const char *record,
                      const char *jobid, const char *subject)
{
    const char *why;

    memset(m, 0, sizeof(*m));
    if (record != NULL) {
        assert_int_equal(dmarc_rec_parse(str_cstr(record), &m->rec, &why),
                         DMARC_REC_OK);
        m->ev.rec = &m->rec;
    }
    m->hdrs[0] = (struct afrf_hdr){ "From", "Alice <alice@example.com>" };
    m->hdrs[1] = (struct afrf_hdr){ "To", "bob@receiver.test" };
    m->hdrs[2] = (struct afrf_hdr){ "Subject", subject };
    m->ev.jobid = jobid;
    m->ev.arrival = 1796191400;
    m->ev.client_ip = "192.0.2.10";
    m->ev.mail_from = "alice@example.com";
    m->ev.rcpt_to = "bob@receiver.test";
    m->ev.from_domain = "example.com";
    m->ev.policy_domain = "example.com";
    m->ev.dmarc = AFRF_DMARC_FAIL;
    m->ev.spf = AFRF_AUTH_FAIL;
    m->ev.spf_domain = "example.com";
    m->ev.is_spf_aligned = true;
    m->ev.delivery = AFRF_DELIVERY_REJECT;
    m->ev.authserv_id = "receiver.test";
    m->ev.hdrs = m->hdrs;
    m->ev.n_hdrs = 3;
    m->ev.dkim = m->dkim;
}

void
afrf_fixture_msg_free(struct afrf_fixture_msg *m)
{
    dmarc_rec_free(&m->rec); /* a zeroed record when none was given */
}

struct afrf_job *
afrf_fixture_job(const struct afrf_event *ev, bool is_body)
{
    struct afrf_job_opts o = { 0 };
    const char *why = NULL;
    struct afrf_job *j;

    o.kind = AFRF_KIND_DMARC;
    o.from = "dmarc@receiver.test";
    o.host = "mx.receiver.test";
    o.is_body = is_body;
    j = afrf_job_new(ev, &o, &why);
    assert_non_null(j);
    return j;
}
