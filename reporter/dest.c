/*
 * dest - where one aggregate report goes.
 *
 * Walks the record's rua URIs in the order given (section 7.2.1), keeps
 * mailto: ones with a usable address, verifies external destinations
 * through common/destverify (applying the step 7 replacement with the
 * same-host rule), and compares each "!size" with the encoded size.  The
 * caller sends, records and retries.
 *
 * STANDARDS: RFC 7489 sections 6.2 (URIs, mailto: required, others
 * ignored), 7.1 (verification, replacement), 7.2.1 (order, size),
 * 7.2.2 (error report condition); RFC 6068 (mailto:); RFC 3986
 * section 2.1 (%-decoding).
 *
 * Ownership: the plan owns its strings.  Thread safety: reentrant.
 */
#include "reporter/dest.h"

#include <stdlib.h>
#include <string.h>

#include "common/ascii.h"
#include "common/buf.h"
#include "common/xalloc.h"
#include "reporter/deliver.h"

/* hex_val - value of a hex digit, or -1 */
static int
hex_val(char c)
{
    if (ascii_is_digit(c))
        return c - '0';
    c = ascii_lower(c);
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

char *
dest_mailto_addr(struct str target)
{
    struct buf b;
    size_t end = str_chr(target, '?');
    char *addr;

    buf_init(&b, DELIVER_MAX_ADDR);
    for (size_t i = 0; i < end; i++) {
        char c = target.p[i];

        if (c == '%' && i + 2 < end && hex_val(target.p[i + 1]) >= 0 &&
            hex_val(target.p[i + 2]) >= 0) {
            c = (char)(hex_val(target.p[i + 1]) * 16 +
                       hex_val(target.p[i + 2]));
            i += 2;
        }
        if (c == '\0' || buf_putc(&b, c) < 0) {
            buf_free(&b);
            return NULL;
        }
    }
    addr = buf_steal(&b);
    if (!deliver_addr_ok(addr)) {
        free(addr);
        return NULL;
    }
    return addr;
}

/* add - append a destination for URI u (copied); state decided later */
static struct dest *
add(struct dest_plan *plan, const struct dmarc_uri *u, bool is_replacement)
{
    struct dest *d;

    if (plan->count >= DEST_MAX)
        return NULL;
    d = &plan->d[plan->count++];
    memset(d, 0, sizeof(*d));
    d->uri = str_dup(u->raw);
    d->max_size = u->max_size;
    d->is_replacement = is_replacement;
    if (!dmarc_uri_is_mailto(u)) {
        d->state = DEST_UNSUPPORTED;
        d->why = "not a mailto: URI";
        return d;
    }
    d->addr = dest_mailto_addr(u->target);
    if (d->addr == NULL) {
        d->state = DEST_BADADDR;
        d->why = "mailto: address cannot be used";
    }
    return d;
}

/* host_of - the domain part of a checked address */
static const char *
host_of(const char *addr)
{
    return strchr(addr, '@') + 1;
}

/* apply_size - DEST_TOO_BIG when size exceeds the limit (section 6.2) */
static void
apply_size(struct dest *d, uint64_t size)
{
    if (d->state == DEST_SEND && d->max_size != 0 && size > d->max_size) {
        d->state = DEST_TOO_BIG;
        d->why = "report larger than the URI's size limit";
    }
}

/* free_one - release what one destination owns */
static void
free_one(struct dest *d)
{
    free(d->uri);
    free(d->addr);
    d->uri = NULL;
    d->addr = NULL;
}

/* uris_of - the rua or the ruf URIs of rec, as plan->is_ruf says */
static const struct dmarc_uri *
uris_of(const struct dest_plan *plan, const struct dmarc_rec *rec, size_t *n)
{
    *n = plan->is_ruf ? rec->ruf_count : rec->rua_count;
    return plan->is_ruf ? rec->ruf : rec->rua;
}

/* replace - section 7.1 step 7: the verification record's rua (ruf) URIs take
 * the place of plan->d[at]; all of them must name its host, else the
 * destination gets neither */
static void
replace(struct dest_plan *plan, size_t at, const struct dmarc_rec *vr,
        uint64_t size)
{
    char *host = xstrdup(host_of(plan->d[at].addr));
    size_t first = plan->count;
    bool is_other_host = false;
    size_t n;
    const struct dmarc_uri *uris = uris_of(plan, vr, &n);

    for (size_t i = 0; i < n; i++) {
        struct dest *d = add(plan, &uris[i], true);

        if (d == NULL)
            break;
        d->is_external = true;
        if (d->state == DEST_SEND && ascii_casecmp(host_of(d->addr), host) != 0)
            is_other_host = true;
        apply_size(d, size);
    }
    free(host);
    if (is_other_host) {
        for (size_t j = first; j < plan->count; j++)
            free_one(&plan->d[j]);
        plan->count = first;
        plan->d[at].state = DEST_UNVERIFIED;
        plan->d[at].why = "verification record names another host";
        return;
    }
    plan->d[at].state = DEST_REPLACED;
    plan->d[at].why = "replaced by the verification record's rua";
}

/* verify - section 7.1 for plan->d[at], a mailto: with an address */
static void
verify(const struct destverify_ops *ops, const char *policy_domain,
       struct dest_plan *plan, size_t at, uint64_t size)
{
    struct dest *d = &plan->d[at];
    struct dmarc_rec vr;
    char *record = NULL;
    const char *why = NULL;
    enum destverify_status st;
    size_t n = 0;

    st = destverify_check(ops, policy_domain, host_of(d->addr), &d->is_external,
                          &record, &why);
    if (st != DESTVERIFY_OK) {
        d->state = st == DESTVERIFY_DEFERRED ? DEST_DEFERRED : DEST_UNVERIFIED;
        d->why = why;
        return;
    }
    if (record != NULL) {
        memset(&vr, 0, sizeof(vr));
        if (dmarc_rec_parse(str_cstr(record), &vr, &why) !=
                DMARC_REC_NOT_DMARC &&
            uris_of(plan, &vr, &n) != NULL && n > 0)
            replace(plan, at, &vr, size);
        dmarc_rec_free(&vr);
        free(record);
    }
}

/* plan_make - the plan for the rua or ruf URIs (plan->is_ruf) */
static void
plan_make(const struct destverify_ops *ops, const char *policy_domain,
          const struct dmarc_rec *rec, uint64_t size, struct dest_plan *plan)
{
    size_t n;
    const struct dmarc_uri *uris = uris_of(plan, rec, &n);

    plan->count = 0;
    for (size_t i = 0; i < n; i++) {
        size_t at = plan->count;
        struct dest *d = add(plan, &uris[i], false);

        if (d == NULL)
            break;
        if (d->state != DEST_SEND)
            continue;
        verify(ops, policy_domain, plan, at, size);
        apply_size(&plan->d[at], size);
    }
}

void
dest_plan_make(const struct destverify_ops *ops, const char *policy_domain,
               const struct dmarc_rec *rec, uint64_t size,
               struct dest_plan *plan)
{
    plan->is_ruf = false;
    plan_make(ops, policy_domain, rec, size, plan);
}

void
dest_plan_make_ruf(const struct destverify_ops *ops, const char *policy_domain,
                   const struct dmarc_rec *rec, uint64_t size,
                   struct dest_plan *plan)
{
    plan->is_ruf = true;
    plan_make(ops, policy_domain, rec, size, plan);
}

void
dest_plan_free(struct dest_plan *plan)
{
    for (size_t i = 0; i < plan->count; i++)
        free_one(&plan->d[i]);
    plan->count = 0;
}

size_t
dest_plan_count(const struct dest_plan *plan, enum dest_state st)
{
    size_t n = 0;

    for (size_t i = 0; i < plan->count; i++)
        n += plan->d[i].state == st;
    return n;
}

bool
dest_plan_needs_error_report(const struct dest_plan *plan)
{
    return dest_plan_count(plan, DEST_TOO_BIG) > 0 &&
           dest_plan_count(plan, DEST_SEND) == 0 &&
           dest_plan_count(plan, DEST_DEFERRED) == 0;
}

const char *
dest_state_str(enum dest_state st)
{
    static const char *const names[] = { "send",        "too-big",
                                         "unverified",  "deferred",
                                         "unsupported", "bad-address",
                                         "replaced" };

    if ((size_t)st >= sizeof(names) / sizeof(names[0]))
        log_panic("dest: state %d", (int)st);
    return names[st];
}
