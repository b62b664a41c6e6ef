/*
 * mc_result - the outcome of one message: decoding the filter's
 * end-of-message modification packets and printing the result line.
 *
 * The line is what shell tests grep, so its tokens are stable: see
 * mc_result.h.  Values are quoted and escaped so that one result is
 * always one line, whatever bytes the filter sent.
 *
 * STANDARDS: the Sendmail milter protocol (SMFIR_* packet layouts).
 * Ownership: a result owns its strings; mc_result_reset() frees them.
 * Thread safety: no shared state.
 */
#include "tests/lib/mc_result.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libmilter/mfdef.h>

#include "common/xalloc.h"

/* action names, indexed by enum mc_action */
static const char *const action_names[MC_ACT_COUNT] = {
    "none", "accept",   "continue", "reject",     "tempfail", "discard",
    "skip", "shutdown", "connfail", "disconnect", "error",
};

const char *
mc_action_name(enum mc_action a)
{
    if ((size_t)a < MC_ACT_COUNT)
        return action_names[a];
    return "?";
}

void
mc_result_reset(struct mc_result *r)
{
    for (size_t i = 0; i < r->n_mods; i++) {
        free(r->mods[i].a);
        free(r->mods[i].b);
    }
    free(r->mods);
    free(r->reply);
    free(r->error);
    memset(r, 0, sizeof(*r));
}

void
mc_result_set_error(struct mc_result *r, enum mc_stage stage,
                    enum mc_wire_err err, const char *why)
{
    r->action = err == MC_WIRE_EDISCONNECT ? MC_ACT_DISCONNECT : MC_ACT_ERROR;
    r->stage = stage;
    r->err = err;
    free(r->error);
    r->error = xstrdup(why);
}

/* take_cstr - the NUL-terminated string at *p (within *len), advancing
 * past its NUL; 0, or -1 when there is no NUL */
static int
take_cstr(const char **p, size_t *len, struct str *out)
{
    const char *nul = memchr(*p, '\0', *len);

    if (nul == NULL)
        return -1;
    *out = str_make(*p, (size_t)(nul - *p));
    *len -= out->len + 1;
    *p = nul + 1;
    return 0;
}

/* decode_mod - the fields of one modification packet into m; 0 or -1 */
static int
decode_mod(const struct mc_packet *pk, struct mc_mod *m, const char **why)
{
    const char *p = pk->data;
    size_t len = pk->len;
    struct str a = { NULL, 0 };
    struct str b = { NULL, 0 };
    bool has_index = pk->cmd == SMFIR_INSHEADER || pk->cmd == SMFIR_CHGHEADER;
    bool has_b = pk->cmd == SMFIR_ADDHEADER || has_index;
    bool opt_b = pk->cmd == SMFIR_ADDRCPT_PAR || pk->cmd == SMFIR_CHGFROM;

    *why = "truncated modification packet";
    if (has_index) {
        const unsigned char *u = (const unsigned char *)p;

        if (len < 4)
            return -1;
        m->index = (uint32_t)u[0] << 24 | (uint32_t)u[1] << 16 |
                   (uint32_t)u[2] << 8 | u[3];
        p += 4;
        len -= 4;
    }
    if (take_cstr(&p, &len, &a) != 0)
        return -1;
    if ((has_b || (opt_b && len > 0)) && take_cstr(&p, &len, &b) != 0)
        return -1;
    m->a = xmemdup0(a.p, a.len);
    m->b = xmemdup0(b.p, b.len);
    m->b_len = b.len;
    return 0;
}

int
mc_result_add_mod(struct mc_result *r, const struct mc_packet *p,
                  const char **why)
{
    struct mc_mod m = { .cmd = p->cmd };

    switch (p->cmd) {
    case SMFIR_ADDHEADER:
    case SMFIR_INSHEADER:
    case SMFIR_CHGHEADER:
    case SMFIR_ADDRCPT:
    case SMFIR_ADDRCPT_PAR:
    case SMFIR_DELRCPT:
    case SMFIR_CHGFROM:
    case SMFIR_QUARANTINE:
        if (decode_mod(p, &m, why) != 0)
            return -1;
        break;
    case SMFIR_REPLBODY:
        m.b = xmemdup0(p->data, p->len);
        m.b_len = p->len;
        break;
    default:
        *why = "not a modification";
        return -1;
    }
    if (r->n_mods == r->cap_mods) {
        r->cap_mods = r->cap_mods ? 2 * r->cap_mods : 8;
        r->mods = xreallocarray(r->mods, r->cap_mods, sizeof(*r->mods));
    }
    r->mods[r->n_mods++] = m;
    return 0;
}

/* put_esc - append p[0..len) with '"', '\\' and bytes outside 0x20-0x7e
 * as \xHH; 0 or -1 */
static int
put_esc(struct buf *out, const char *p, size_t len)
{
    static const char hex[] = "0123456789ABCDEF";

    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)p[i];
        int rc;

        if (c < 0x20 || c > 0x7e || c == '"' || c == '\\') {
            char e[4] = { '\\', 'x', hex[c >> 4], hex[c & 15] };

            rc = buf_append(out, e, sizeof(e));
        } else
            rc = buf_putc(out, (char)c);
        if (rc != 0)
            return -1;
    }
    return 0;
}

/* put_token - append ' key="a[sep b]"' (no leading space when out is
 * empty); 0 or -1 */
static int
put_token(struct buf *out, const char *key, const char *a, const char *sep,
          const struct mc_mod *m)
{
    if ((out->len > 0 && buf_putc(out, ' ') != 0) ||
        buf_printf(out, "%s=\"", key) != 0 || put_esc(out, a, strlen(a)) != 0)
        return -1;
    if (sep != NULL && m != NULL &&
        (buf_append_str(out, sep) != 0 || put_esc(out, m->b, m->b_len) != 0))
        return -1;
    return buf_putc(out, '"');
}

/* put_mod - the token of one modification; 0 or -1 */
static int
put_mod(struct buf *out, const struct mc_mod *m)
{
    char idx[16];
    int rc = 0;

    (void)snprintf(idx, sizeof(idx), "%u ", (unsigned)m->index); /* fits */
    switch (m->cmd) {
    case SMFIR_ADDHEADER:
        return put_token(out, "add_header", m->a, ": ", m);
    case SMFIR_INSHEADER:
    case SMFIR_CHGHEADER:
        rc = buf_printf(out, " %s=\"%s",
                        m->cmd == SMFIR_INSHEADER ? "ins_header" : "chg_header",
                        idx);
        if (rc != 0 || put_esc(out, m->a, strlen(m->a)) != 0 ||
            buf_append_str(out, ": ") != 0 || put_esc(out, m->b, m->b_len) != 0)
            return -1;
        return buf_putc(out, '"');
    case SMFIR_ADDRCPT:
        return put_token(out, "add_rcpt", m->a, NULL, NULL);
    case SMFIR_ADDRCPT_PAR:
        return put_token(out, "add_rcpt_par", m->a, " ", m);
    case SMFIR_DELRCPT:
        return put_token(out, "del_rcpt", m->a, NULL, NULL);
    case SMFIR_CHGFROM:
        return put_token(out, "chg_from", m->a, " ", m);
    case SMFIR_QUARANTINE:
        return put_token(out, "quarantine", m->a, NULL, NULL);
    default:
        return 0; /* REPLBODY: summed by the caller */
    }
}

int
mc_result_format(const struct mc_result *r, struct buf *out)
{
    size_t body = 0;
    bool has_body = false;

    if (buf_printf(out, "action=%s stage=%s", mc_action_name(r->action),
                   mc_stage_name(r->stage)) != 0)
        return -1;
    if (r->reply != NULL && put_token(out, "reply", r->reply, NULL, NULL) != 0)
        return -1;
    if (r->rcpt_rejected > 0 &&
        buf_printf(out, " rcpt_rejected=%zu", r->rcpt_rejected) != 0)
        return -1;
    for (size_t i = 0; i < r->n_mods; i++) {
        if (put_mod(out, &r->mods[i]) != 0)
            return -1;
        if (r->mods[i].cmd == SMFIR_REPLBODY) {
            body += r->mods[i].b_len;
            has_body = true;
        }
    }
    if (has_body && buf_printf(out, " repl_body=%zu", body) != 0)
        return -1;
    if (r->error != NULL &&
        (buf_printf(out, " error_class=%s", mc_wire_err_name(r->err)) != 0 ||
         put_token(out, "error", r->error, NULL, NULL) != 0))
        return -1;
    return buf_printf(out, " elapsed_ms=%llu.%03llu",
                      (unsigned long long)(r->elapsed_us / 1000),
                      (unsigned long long)(r->elapsed_us % 1000));
}
