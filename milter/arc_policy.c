/*
 * arc_policy - ARC override decision and the history's ARC data.
 *
 * OpenDMARC 1.4.2 takes the ARC verdict from an Authentication-Results
 * field of a trusted authserv-id: "arc" is pass (0) only when exactly one
 * arc result is there and it says pass; "arc_policy" is pass (0) only
 * when, in addition, every domain of its arc.chain property is listed in
 * DomainWhitelist or DomainWhitelistFile (history-format.md sections 3
 * and 4.6).  Two trusted arc results disagree or repeat: neither is
 * believed (a conservative reading of "exactly one").  A trusted arc=pass
 * without arc.chain names no sealer and so cannot be whitelisted.
 *
 * Deliberate differences from OpenDMARC 1.4.2, each a fix: the seal's ip
 * is that of the ARC-Authentication-Results of the same instance or "",
 * never the previous seal's; a seal whose instance was already seen is
 * ignored (OpenDMARC's importer aborted on it, its issue #29); a seal
 * without i= is ignored (OpenDMARC crashed on it).
 *
 * The comment follows RFC 8617 section 7.2: "arc=pass as[N].d=D
 * as[N].s=S remote-ip[N]=IP ..." from the highest instance down, cut at
 * a whole ARC set with " ..." so it fits HIST_MAX_COMMENT bytes.
 *
 * STANDARDS: RFC 8617 sections 4.2.1, 7.2; RFC 7489 section 6.7 and
 * Appendix C (PolicyOverrideType).
 * Thread safety: pure.
 */
#include "milter/arc_policy.h"

#include <stdio.h>
#include <string.h>

/* ARC_POLICY_ELLIPSIS - what ends a comment cut short */
#define ARC_POLICY_ELLIPSIS " ..."

void
arc_policy_init(struct arc_policy_state *st)
{
    memset(st, 0, sizeof(*st));
}

void
arc_policy_authres(struct arc_policy_state *st, const struct authres *ar)
{
    for (size_t i = 0; i < ar->n_results; i++) {
        const struct authres_result *r = &ar->results[i];
        const char *chain;
        size_t len;

        if (strcmp(r->method, "arc") != 0)
            continue;
        if (st->n_arc_results++ > 0)
            continue;
        st->result = r->result;
        chain = authres_prop_get(r, "arc", "chain");
        len = chain != NULL ? strlen(chain) : 0;
        if (len >= sizeof(st->chain)) {
            st->is_chain_too_long = true;
            continue;
        }
        if (len > 0)
            memcpy(st->chain, chain, len + 1);
    }
}

/* seal_seen - true when a seal of this instance is already kept */
static bool
seal_seen(const struct arc_policy_state *st, unsigned instance)
{
    for (size_t i = 0; i < st->n_seals; i++) {
        if (st->seals[i].instance == instance)
            return true;
    }
    return false;
}

/* aar_find - the kept AAR of this instance, or NULL */
static const struct arc_hdr_aar *
aar_find(const struct arc_policy_state *st, unsigned instance)
{
    for (size_t i = 0; i < st->n_aars; i++) {
        if (st->aars[i].instance == instance)
            return &st->aars[i];
    }
    return NULL;
}

enum arc_hdr_status
arc_policy_seal(struct arc_policy_state *st, struct str value, const char **why)
{
    const char *dummy = NULL;
    struct arc_hdr_seal *s;
    enum arc_hdr_status rc;

    if (why == NULL)
        why = &dummy;
    if (st->n_seals == ARC_POLICY_MAX_SETS) {
        *why = "more than 50 ARC-Seal fields";
        return ARC_HDR_LIMIT;
    }
    s = &st->seals[st->n_seals];
    rc = arc_hdr_seal(value, s, why);
    if (rc != ARC_HDR_OK)
        return rc;
    if (seal_seen(st, s->instance)) {
        *why = "ARC-Seal instance repeated";
        return ARC_HDR_SYNTAX;
    }
    st->n_seals++;
    return ARC_HDR_OK;
}

enum arc_hdr_status
arc_policy_aar(struct arc_policy_state *st, struct str value, const char **why)
{
    const char *dummy = NULL;
    struct arc_hdr_aar *a;
    enum arc_hdr_status rc;

    if (why == NULL)
        why = &dummy;
    st->n_aar_fields++;
    if (st->n_aars == ARC_POLICY_MAX_SETS) {
        *why = "more than 50 ARC-Authentication-Results fields";
        return ARC_HDR_LIMIT;
    }
    a = &st->aars[st->n_aars];
    rc = arc_hdr_aar(value, a, why);
    if (rc != ARC_HDR_OK)
        return rc;
    if (aar_find(st, a->instance) != NULL) {
        *why = "ARC-Authentication-Results instance repeated";
        return ARC_HDR_SYNTAX;
    }
    st->n_aars++;
    return ARC_HDR_OK;
}

/* chain_check - every ':'-separated entry of chain whitelisted: NULL, or
 * why not (static text) */
static const char *
chain_check(const char *chain, const struct whitelist *wl)
{
    struct str rest = str_cstr(chain);
    size_t n = 0;

    if (rest.len == 0)
        return "trusted arc=pass without arc.chain";
    for (;;) {
        size_t cut = str_chr(rest, ':');
        struct str name = str_make(rest.p, cut);

        if (++n > ARC_POLICY_MAX_SETS)
            return "arc.chain longer than 50 sealers";
        if (!whitelist_contains(wl, name))
            return "a sealer in arc.chain is not whitelisted";
        if (cut == rest.len)
            return NULL;
        rest = str_make(rest.p + cut + 1, rest.len - cut - 1);
    }
}

/* verdict - the arc and arc_policy codes of st */
static void
verdict(const struct arc_policy_state *st, const struct whitelist *wl,
        struct arc_policy_out *out)
{
    out->arc = HIST_ARES_FAIL;
    out->arc_policy = HIST_ARC_POLICY_FAIL;
    if (st->n_arc_results == 0) {
        out->why = "no trusted arc result";
        return;
    }
    if (st->n_arc_results > 1) {
        out->why = "several trusted arc results";
        return;
    }
    if (st->result != AUTH_RESULT_PASS) {
        out->why = "trusted arc result is not pass";
        return;
    }
    out->arc = HIST_ARES_PASS;
    out->why = st->is_chain_too_long ? "arc.chain too long"
                                     : chain_check(st->chain, wl);
    if (out->why == NULL)
        out->arc_policy = HIST_ARC_POLICY_PASS;
}

/* append - add piece to the comment when it fits with room left for the
 * ellipsis; false (comment unchanged) otherwise */
static bool
append(char *dst, size_t *len, const char *piece)
{
    size_t n = strlen(piece);
    size_t room = HIST_MAX_COMMENT - (sizeof(ARC_POLICY_ELLIPSIS) - 1);

    if (*len + n > room)
        return false;
    memcpy(dst + *len, piece, n + 1);
    *len += n;
    return true;
}

/* seal_comment - " as[N].d=D as[N].s=S[ remote-ip[N]=IP]" of seal s
 * appended to dst: false when it does not fit */
static bool
seal_comment(const struct arc_policy_state *st, const struct arc_hdr_seal *s,
             char *dst, size_t *len)
{
    const struct arc_hdr_aar *a = aar_find(st, s->instance);
    char set[2 * DOMAIN_BUF_SIZE + 64];
    char ip[ARC_HDR_IP_SIZE + 32];
    size_t mark = *len;

    (void)snprintf(set, sizeof(set), " as[%u].d=%s as[%u].s=%s", s->instance,
                   s->domain, s->instance, s->selector);
    ip[0] = '\0';
    if (a != NULL && a->ip[0] != '\0')
        (void)snprintf(ip, sizeof(ip), " remote-ip[%u]=%s", s->instance, a->ip);
    if (append(dst, len, set) && append(dst, len, ip))
        return true;
    *len = mark;
    dst[mark] = '\0';
    return false;
}

/* comment - the RFC 8617 section 7.2 comment, highest instance first;
 * with no parsed seal, the whitelisted arc.chain instead (its names are
 * valid domain names, so they hold no unsafe byte) */
static void
comment(const struct arc_policy_state *st, char *dst)
{
    size_t len = 0;
    bool is_cut = false;

    dst[0] = '\0';
    (void)append(dst, &len, "arc=pass");
    if (st->n_seals == 0)
        is_cut =
            !append(dst, &len, " arc.chain=") || !append(dst, &len, st->chain);
    for (unsigned inst = ARC_HDR_MAX_INSTANCE; inst > 0 && !is_cut; inst--) {
        for (size_t i = 0; i < st->n_seals && !is_cut; i++) {
            if (st->seals[i].instance == inst)
                is_cut = !seal_comment(st, &st->seals[i], dst, &len);
        }
    }
    if (is_cut)
        memcpy(dst + len, ARC_POLICY_ELLIPSIS, sizeof(ARC_POLICY_ELLIPSIS));
}

void
arc_policy_eval(const struct arc_policy_state *st, const struct whitelist *wl,
                struct arc_policy_out *out)
{
    memset(out, 0, sizeof(*out));
    verdict(st, wl, out);
    /* OpenDMARC writes json:[] when no ARC-Authentication-Results field
     * exists (history-format.md section 4.6) */
    if (st->n_aar_fields > 0) {
        for (size_t i = 0; i < st->n_seals; i++) {
            const struct arc_hdr_seal *s = &st->seals[i];
            const struct arc_hdr_aar *a = aar_find(st, s->instance);
            struct hist_arc_seal *h = &out->seals[out->n_seals++];

            h->instance = s->instance;
            h->domain = str_cstr(s->domain);
            h->selector = str_cstr(s->selector);
            h->ip = str_cstr(a != NULL ? a->ip : "");
        }
    }
    if (out->arc_policy == HIST_ARC_POLICY_PASS)
        comment(st, out->comment);
}
