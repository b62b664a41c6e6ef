/*
 * orgdomain - the Organizational Domain of a name, through libpsl.
 *
 * A thin layer over psl_registrable_domain(): it owns the loaded list,
 * says which list is in use, and turns "no registrable domain" into
 * ORGDOMAIN_PUBLIC_SUFFIX.  It does not normalise names (domain.c does)
 * and does not implement the RFC 9989 DNS tree walk.
 *
 * libpsl applies the list's implicit "*" rule, so a name under a TLD the
 * list does not know ("a.b.unknowntld") gets "b.unknowntld", and wildcard
 * and exception rules ("*.ck", "!www.ck") work as the list defines them.
 *
 * STANDARDS: RFC 7489 §3.2, Appendix A.6; https://publicsuffix.org/list/.
 * Thread safety: the context is read-only after orgdomain_new().
 */
#include "common/orgdomain.h"

#include <libpsl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "common/xalloc.h"

/* a loaded public suffix list */
struct orgdomain {
    const psl_ctx_t *psl; /* the list in use */
    psl_ctx_t *owned;     /* psl when loaded from a file, else NULL */
    char *source;         /* "built-in" or the file name */
};

/* check_readable - 0 when path can be opened for reading, else -1 (logged
 * with errno), so a missing file is reported with its real reason */
static int
check_readable(const char *path)
{
    FILE *fp = fopen(path, "re");

    if (fp == NULL) {
        log_err_errno("psl: cannot open %s", path);
        return -1;
    }
    (void)fclose(fp); /* opened read-only: nothing to flush */
    return 0;
}

struct orgdomain *
orgdomain_new(const char *path)
{
    struct orgdomain *od = xcalloc(1, sizeof(*od));

    if (path == NULL || path[0] == '\0') {
        od->psl = psl_builtin();
        od->source = xstrdup("built-in");
    } else {
        if (check_readable(path) != 0)
            goto fail;
        od->owned = psl_load_file(path);
        od->psl = od->owned;
        od->source = xstrdup(path);
    }
    if (od->psl == NULL || psl_suffix_count(od->psl) <= 0) {
        log_err("psl: no public suffix rules in %s",
                od->source ? od->source : path);
        goto fail;
    }
    log_info("psl: loaded source=%s rules=%d", od->source,
             psl_suffix_count(od->psl));
    return od;
fail:
    orgdomain_free(od);
    return NULL;
}

void
orgdomain_free(struct orgdomain *od)
{
    if (od == NULL)
        return;
    psl_free(od->owned);
    free(od->source);
    free(od);
}

enum orgdomain_status
orgdomain_lookup(const struct orgdomain *od, const char *domain,
                 const char **org)
{
    *org = NULL;
    if (domain == NULL || domain[0] == '\0')
        return ORGDOMAIN_INVALID;
    *org = psl_registrable_domain(od->psl, domain);
    return *org != NULL ? ORGDOMAIN_OK : ORGDOMAIN_PUBLIC_SUFFIX;
}

const char *
orgdomain_source(const struct orgdomain *od)
{
    return od->source;
}

size_t
orgdomain_rule_count(const struct orgdomain *od)
{
    int n = psl_suffix_count(od->psl);

    return n > 0 ? (size_t)n : 0;
}
