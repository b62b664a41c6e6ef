/*
 * upstream - authentication results from trusted upstream header fields.
 *
 * Walks the header fields once, in the order the MTA passed them (the
 * most recent first, RFC 8601 section 4.1 / RFC 7208 section 9.1):
 * every Authentication-Results field goes through the one RFC 8601
 * parser (authres.c) and is used only when its authserv-id is trusted;
 * the first Received-SPF field goes through received_spf.c.  It does not
 * run SPF or decide alignment.
 *
 * Deliberate choices: an SPF result in a trusted A-R field whose
 * smtp.mailfrom names another domain than this message's MAIL FROM is
 * about another envelope and is skipped (OpenDMARC requires the same
 * match but compares the wrong substring); a Received-SPF field counts
 * only for the MAIL FROM identity of this envelope (CVE-2019-20790).
 *
 * STANDARDS: RFC 8601 sections 2.7.1, 2.7.2, 5; RFC 7208 section 9.1;
 * RFC 7489 section 4.1.
 *
 * Ownership and threads: pure; writes only the caller's struct upstream.
 */
#include "milter/upstream.h"

#include <stdio.h>
#include <string.h>

#include "common/ascii.h"
#include "common/str.h"
#include "milter/authres.h"
#include "milter/received_spf.h"

/* normalise - domain_normalize() of s into out; false when unusable */
static bool
normalise(const char *s, char *out)
{
    const char *why = NULL;

    if (s == NULL || *s == '\0')
        return false;
    if (domain_normalize(str_cstr(s), 0, out, &why) != DOMAIN_OK) {
        out[0] = '\0';
        return false;
    }
    return true;
}

/* add_dkim - keep the DKIM results of one trusted field */
static void
add_dkim(const struct authres *ar, struct upstream *out)
{
    struct authres_dkim d[AUTHRES_MAX_RESULTS];
    size_t n = authres_dkim(ar, d, AUTHRES_MAX_RESULTS);

    if (n > AUTHRES_MAX_RESULTS)
        n = AUTHRES_MAX_RESULTS;
    for (size_t i = 0; i < n && out->n_dkim < UPSTREAM_MAX_DKIM; i++) {
        struct upstream_dkim *u = &out->dkim[out->n_dkim];
        const char *dom = d[i].d != NULL ? d[i].d : authres_domain_part(d[i].i);

        /* RFC 8601 section 2.7.1: header.d names the signing domain; a
         * result without one cannot align and is dropped */
        if (!normalise(dom, u->domain))
            continue;
        (void)snprintf(u->selector, sizeof(u->selector), "%s",
                       d[i].s != NULL ? d[i].s : ""); /* may truncate:
                                                        reporting only */
        u->result = d[i].result;
        out->n_dkim++;
    }
}

/* add_spf - take the SPF result of one trusted field, if it is about
 * this envelope and none was taken yet */
static void
add_spf(const struct authres *ar, const struct upstream_input *in,
        struct upstream *out)
{
    struct authres_spf s;
    bool has_mfrom = in->mfrom_domain != NULL && in->mfrom_domain[0] != '\0';

    if (!in->is_spf_wanted || out->spf_source != UPSTREAM_SPF_NONE ||
        !authres_spf(ar, &s))
        return;
    if (s.mailfrom_domain != NULL && s.mailfrom_domain[0] != '\0') {
        if (has_mfrom &&
            ascii_casecmp(s.mailfrom_domain, in->mfrom_domain) != 0)
            return;
        if (!normalise(s.mailfrom_domain, out->spf_domain))
            return;
        out->is_spf_helo = false;
    } else if (!has_mfrom && normalise(s.helo, out->spf_domain)) {
        out->is_spf_helo = true; /* RFC 7208 section 2.4: null sender */
    } else {
        return;
    }
    out->spf = s.result;
    out->spf_source = UPSTREAM_SPF_AUTHRES;
}

/* has_arc - an "arc" result in the field (counted so that verdict_arc()
 * can tell without parsing every field again that ARC has nothing to
 * say) */
static bool
has_arc(const struct authres *ar)
{
    for (size_t i = 0; i < ar->n_results; i++)
        if (strcmp(ar->results[i].method, "arc") == 0)
            return true;
    return false;
}

/* use_authres - one Authentication-Results field */
static void
use_authres(const char *value, const struct upstream_input *in,
            struct upstream *out)
{
    struct authres *ar = NULL;
    const char *why = NULL;

    if (authres_parse(str_cstr(value), &ar, &why) != AUTHRES_OK ||
        !authres_is_trusted(ar, in->trusted, in->n_trusted)) {
        out->n_ignored++;
        authres_free(ar);
        return;
    }
    add_dkim(ar, out);
    add_spf(ar, in, out);
    if (has_arc(ar))
        out->n_arc_fields++;
    authres_free(ar);
}

/* use_received_spf - the first Received-SPF field, as a fallback */
static void
use_received_spf(const char *value, const struct upstream_input *in,
                 struct upstream *out)
{
    struct received_spf *r = NULL;
    const char *why = NULL;

    if (received_spf_parse(str_cstr(value), &r, &why) == RECEIVED_SPF_OK &&
        received_spf_is_usable(r, in->mfrom_domain) &&
        normalise(in->mfrom_domain, out->spf_domain)) {
        out->spf = r->result;
        out->spf_source = UPSTREAM_SPF_RECEIVED_SPF;
        out->is_spf_helo = false;
    }
    received_spf_free(r);
}

void
upstream_collect(const struct upstream_input *in, struct upstream *out)
{
    const char *rspf = NULL;

    memset(out, 0, sizeof(*out));
    for (size_t i = 0; i < in->n_hdrs; i++) {
        const struct msg_hdr *h = &in->hdrs[i];

        if (ascii_casecmp(h->name, "Authentication-Results") == 0)
            use_authres(h->value, in, out);
        else if (rspf == NULL && ascii_casecmp(h->name, "Received-SPF") == 0)
            rspf = h->value;
    }
    if (in->is_spf_wanted && out->spf_source == UPSTREAM_SPF_NONE &&
        rspf != NULL)
        use_received_spf(rspf, in, out);
    if (out->spf_source == UPSTREAM_SPF_NONE)
        out->spf_domain[0] = '\0';
}
