/*
 * mc_macro - the macros the test milter client sends at each stage.
 *
 * The default sets are Postfix's milter_*_macros defaults, with
 * {client_addr} added to the connect set: connect "j {daemon_name}
 * {daemon_addr} v _ {client_addr}", helo the TLS macros (never set: the
 * client does no TLS), mail "i {auth_type} {auth_authen} {auth_author}
 * {mail_addr} {mail_host} {mail_mailer}", rcpt "i {rcpt_addr} {rcpt_host}
 * {rcpt_mailer}", data, eoh and eom "i".  The queue id {i} has a value
 * only from DATA on (Postfix opens the queue file late, with the default
 * smtpd_delay_open_until_valid_rcpt), and {auth_*} only when the client
 * authenticated: a macro without a value is not sent.  A filter's
 * SMFIR_SETSYMLIST list replaces the defaults of its stage.  A --macro
 * replaces a value; one that no list names is sent at its own stage
 * (connect when none is given).
 *
 * STANDARDS: the Sendmail milter protocol (SMFIC_MACRO, SMFIM_* slots).
 * Thread safety: pure functions.
 */
#include "tests/lib/mc_macro.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libmilter/mfapi.h>

#include "common/ascii.h"
#include "common/xalloc.h"

/* MC_MACRO_MAX_DEFAULT - names in the longest default set */
#define MC_MACRO_MAX_DEFAULT 8

/* a stage with macros: its command byte and Postfix's default names */
struct stage_set {
    enum mc_stage stage;                     /* the stage */
    int slot;                                /* SMFIM_* */
    char cmd;                                /* SMFIC_* */
    const char *names[MC_MACRO_MAX_DEFAULT]; /* NULL-terminated */
};

static const struct stage_set sets[] = {
    { MC_STAGE_CONNECT,
      SMFIM_CONNECT,
      SMFIC_CONNECT,
      { "j", "{daemon_name}", "{daemon_addr}", "v", "_", "{client_addr}" } },
    { MC_STAGE_HELO,
      SMFIM_HELO,
      SMFIC_HELO,
      { "{tls_version}", "{cipher}", "{cipher_bits}", "{cert_subject}",
        "{cert_issuer}" } },
    { MC_STAGE_MAIL,
      SMFIM_ENVFROM,
      SMFIC_MAIL,
      { "i", "{auth_type}", "{auth_authen}", "{auth_author}", "{mail_addr}",
        "{mail_host}", "{mail_mailer}" } },
    { MC_STAGE_RCPT,
      SMFIM_ENVRCPT,
      SMFIC_RCPT,
      { "i", "{rcpt_addr}", "{rcpt_host}", "{rcpt_mailer}" } },
    { MC_STAGE_DATA, SMFIM_DATA, SMFIC_DATA, { "i" } },
    { MC_STAGE_EOH, SMFIM_EOH, SMFIC_EOH, { "i" } },
    { MC_STAGE_EOM, SMFIM_EOM, SMFIC_BODYEOB, { "i" } },
};

#define N_SETS (sizeof(sets) / sizeof(sets[0]))

/* find_set - the set of a stage, or NULL */
static const struct stage_set *
find_set(enum mc_stage stage)
{
    for (size_t i = 0; i < N_SETS; i++) {
        if (sets[i].stage == stage)
            return &sets[i];
    }
    return NULL;
}

int
mc_macro_slot(enum mc_stage stage)
{
    const struct stage_set *s = find_set(stage);

    return s ? s->slot : -1;
}

/* bare - name without braces */
static struct str
bare(const char *p, size_t len)
{
    if (len >= 2 && p[0] == '{' && p[len - 1] == '}')
        return str_make(p + 1, len - 2);
    return str_make(p, len);
}

/* name_eq - same macro name, braces ignored */
static bool
name_eq(struct str a, const char *b)
{
    return str_eq(bare(a.p, a.len), bare(b, strlen(b)));
}

/* addr_part - the address without angle brackets; domain_only keeps what
 * follows the last '@' */
static struct str
addr_part(const char *addr, bool domain_only)
{
    struct str a = str_cstr(addr);
    size_t at;

    if (a.len >= 2 && a.p[0] == '<' && a.p[a.len - 1] == '>')
        a = str_make(a.p + 1, a.len - 2);
    if (!domain_only)
        return a;
    for (at = a.len; at > 0 && a.p[at - 1] != '@'; at--) {
        /* search back for '@' */
    }
    return at > 0 ? str_make(a.p + at, a.len - at) : str_make(NULL, 0);
}

/* value_of - *v set to the value the client knows for the bare name n;
 * false when it has none at this stage */
static bool
value_of(const struct mc_env *e, enum mc_stage stage, struct str n,
         const char *rcpt, struct str *v)
{
    if (str_eq(n, STR_LIT("j")) || str_eq(n, STR_LIT("daemon_name"))) {
        *v = str_cstr(e->myhostname);
    } else if (str_eq(n, STR_LIT("daemon_addr"))) {
        *v = STR_LIT("127.0.0.1");
    } else if (str_eq(n, STR_LIT("v"))) {
        *v = STR_LIT("dmarcsuite milterclient");
    } else if (str_eq(n, STR_LIT("client_addr"))) {
        *v = str_cstr(e->client_ip);
    } else if (str_eq(n, STR_LIT("i"))) {
        *v = str_cstr(e->queue_id);
        return stage >= MC_STAGE_DATA && e->queue_id != NULL;
    } else if (str_eq(n, STR_LIT("auth_type"))) {
        *v = STR_LIT("PLAIN");
        return e->auth != NULL;
    } else if (str_eq(n, STR_LIT("auth_authen"))) {
        *v = str_cstr(e->auth);
        return e->auth != NULL;
    } else if (str_eq(n, STR_LIT("mail_addr"))) {
        *v = addr_part(e->from, false);
    } else if (str_eq(n, STR_LIT("mail_host"))) {
        *v = addr_part(e->from, true);
        return v->len > 0;
    } else if (str_eq(n, STR_LIT("mail_mailer")) ||
               str_eq(n, STR_LIT("rcpt_mailer"))) {
        *v = STR_LIT("smtp");
    } else if (str_eq(n, STR_LIT("rcpt_addr")) && rcpt != NULL) {
        *v = addr_part(rcpt, false);
    } else if (str_eq(n, STR_LIT("rcpt_host")) && rcpt != NULL) {
        *v = addr_part(rcpt, true);
        return v->len > 0;
    } else {
        return false;
    }
    return true;
}

/* builtin - append the value the client knows for name; 1 appended, 0
 * no value, -1 overflow */
static int
builtin(const struct mc_env *e, enum mc_stage stage, struct str name,
        const char *rcpt, struct buf *out)
{
    struct str n = bare(name.p, name.len);
    struct str v = { NULL, 0 };

    if (str_eq(n, STR_LIT("_"))) {
        int rc = buf_printf(out, "%s [%s]",
                            e->client_name ? e->client_name : "unknown",
                            e->client_ip);
        return rc == 0 ? 1 : -1;
    }
    if (!value_of(e, stage, n, rcpt, &v))
        return 0;
    return buf_append_slice(out, v) == 0 ? 1 : -1;
}

/* user_value - the user's macro named name for stage, or NULL */
static const struct mc_macro *
user_value(const struct mc_env *e, enum mc_stage stage, struct str name)
{
    for (size_t i = 0; i < e->n_user; i++) {
        const struct mc_macro *m = &e->user[i];

        if ((m->stage == MC_STAGE_NONE || m->stage == stage) &&
            name_eq(name, m->name))
            return m;
    }
    return NULL;
}

/* put_one - append name and its value; 1 sent, 0 no value, -1 overflow */
static int
put_one(const struct mc_env *e, enum mc_stage stage, struct str name,
        const char *rcpt, struct buf *out)
{
    const struct mc_macro *m = user_value(e, stage, name);
    size_t mark = out->len;
    int rc;

    if (m != NULL && m->value[0] == '\0')
        return 0;
    if (buf_append_slice(out, name) != 0 || buf_putc(out, '\0') != 0)
        return -1;
    if (m != NULL)
        rc = buf_append_str(out, m->value) == 0 ? 1 : -1;
    else
        rc = builtin(e, stage, name, rcpt, out);
    if (rc == 1 && buf_putc(out, '\0') != 0)
        rc = -1;
    if (rc != 1) {
        out->len = mark; /* drop the name again */
        out->data[mark] = '\0';
    }
    return rc;
}

/* in_list - name is in the stage's list (symlist or defaults) */
static bool
in_list(const struct stage_set *s, const char *symlist, const char *name)
{
    struct str l = str_cstr(symlist);
    size_t i = 0;

    if (symlist == NULL) {
        for (size_t k = 0; k < MC_MACRO_MAX_DEFAULT && s->names[k]; k++) {
            if (name_eq(str_cstr(s->names[k]), name))
                return true;
        }
        return false;
    }
    while (i < l.len) {
        size_t n = 0;

        while (i < l.len && l.p[i] == ' ')
            i++;
        while (i + n < l.len && l.p[i + n] != ' ')
            n++;
        if (n > 0 && name_eq(str_make(l.p + i, n), name))
            return true;
        i += n;
    }
    return false;
}

/* put_list - every name of the stage's list; count or -1 */
static int
put_list(const struct mc_env *e, const struct stage_set *s, const char *symlist,
         const char *rcpt, struct buf *out)
{
    struct str l = str_cstr(symlist);
    int count = 0;
    size_t i = 0;

    if (symlist == NULL) {
        for (size_t k = 0; k < MC_MACRO_MAX_DEFAULT && s->names[k]; k++) {
            int rc = put_one(e, s->stage, str_cstr(s->names[k]), rcpt, out);

            if (rc < 0)
                return -1;
            count += rc;
        }
        return count;
    }
    while (i < l.len) {
        size_t n = 0;
        int rc = 0;

        while (i < l.len && l.p[i] == ' ')
            i++;
        while (i + n < l.len && l.p[i + n] != ' ')
            n++;
        if (n > 0)
            rc = put_one(e, s->stage, str_make(l.p + i, n), rcpt, out);
        if (rc < 0)
            return -1;
        count += rc;
        i += n;
    }
    return count;
}

/* listed_anywhere - a default set names it (so it has a home stage) */
static bool
listed_anywhere(const char *name)
{
    for (size_t i = 0; i < N_SETS; i++) {
        if (in_list(&sets[i], NULL, name))
            return true;
    }
    return false;
}

int
mc_macro_packet(const struct mc_env *env, enum mc_stage stage, const char *rcpt,
                const char *symlist, struct buf *out)
{
    const struct stage_set *s = find_set(stage);
    int count;

    buf_reset(out);
    if (s == NULL)
        return 0;
    if (buf_putc(out, s->cmd) != 0)
        return -1;
    count = put_list(env, s, symlist, rcpt, out);
    for (size_t i = 0; count >= 0 && i < env->n_user; i++) {
        const struct mc_macro *m = &env->user[i];
        bool here = m->stage == stage ||
                    (m->stage == MC_STAGE_NONE && stage == MC_STAGE_CONNECT &&
                     !listed_anywhere(m->name));
        int rc;

        if (!here || in_list(s, symlist, m->name))
            continue;
        rc = put_one(env, stage, str_cstr(m->name), rcpt, out);
        count = rc < 0 ? -1 : count + rc;
    }
    return count;
}

int
mc_macro_parse(const char *arg, struct mc_macro *m, const char **why)
{
    struct str a = str_cstr(arg);
    size_t eq = str_chr(a, '=');
    size_t colon = str_chr(a, ':');
    struct str name;

    m->stage = MC_STAGE_NONE;
    if (eq == a.len) {
        *why = "want [STAGE:]name=value";
        return -1;
    }
    if (colon < eq) {
        char stage[16];

        if (colon >= sizeof(stage)) {
            *why = "unknown stage";
            return -1;
        }
        memcpy(stage, arg, colon);
        stage[colon] = '\0';
        if (mc_stage_parse(stage, &m->stage) != 0 ||
            mc_macro_slot(m->stage) < 0) {
            *why = "unknown stage or a stage without macros";
            return -1;
        }
    }
    name = bare(arg + (colon < eq ? colon + 1 : 0),
                eq - (colon < eq ? colon + 1 : 0));
    if (name.len == 0) {
        *why = "empty macro name";
        return -1;
    }
    m->name = xmalloc(name.len + 3);
    if (name.len == 1) {
        m->name[0] = name.p[0];
        m->name[1] = '\0';
    } else {
        m->name[0] = '{';
        memcpy(m->name + 1, name.p, name.len);
        m->name[name.len + 1] = '}';
        m->name[name.len + 2] = '\0';
    }
    m->value = xstrdup(arg + eq + 1);
    return 0;
}
