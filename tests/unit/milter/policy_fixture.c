/*
 * policy_fixture - what the policy unit tests (test_policy,
 * test_policy_cases) share: a tiny fake public suffix list standing in
 * for the organizational-domain lookup, and one call of policy_evaluate
 * with every input spelled out.
 *
 * STANDARDS: RFC 7489 section 3.2 (organizational domain), faked.
 * Thread safety: policy_fixture_eval counts lookups in a static (tests
 * are single-threaded).
 */
#include "tests/unit/milter/policy_fixture.h"

#include <string.h>

#include "common/ascii.h"

/* public suffixes of the fake list ("*" rule for anything else) */
static const char *const suffixes[] = {
    "com", "net", "org", "uk", "co.uk", "io", "github.io", "example"
};

/* is_suffix - s is on the fake list, or is a single label (the "*" rule) */
static bool
is_suffix(const char *s)
{
    if (strchr(s, '.') == NULL)
        return true;
    for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
        if (ascii_casecmp(s, suffixes[i]) == 0)
            return true;
    }
    return false;
}

const char *
policy_fixture_orgdom(void *arg, const char *domain)
{
    const char *org = NULL;

    (*(int *)arg)++;
    if (is_suffix(domain))
        return NULL;
    for (const char *p = domain; p != NULL;) {
        const char *dot = strchr(p, '.');

        if (dot == NULL)
            break;
        if (is_suffix(dot + 1)) {
            org = p;
            break;
        }
        p = dot + 1;
    }
    return org;
}

/* One parameter per field of policy_input keeps each call readable. */
/* NOLINTBEGIN(readability-function-size) */
struct policy_output
policy_fixture_eval(const char *from, struct policy_record rec,
                    enum auth_result spf, const char *spf_dom,
                    const struct policy_dkim *dkim, size_t n_dkim,
                    unsigned draw)
{
    static int calls;
    struct policy_input in = {
        .from_domain = from,
        .rec = rec,
        .spf_result = spf,
        .spf_domain = spf_dom,
        .dkim = dkim,
        .n_dkim = n_dkim,
        .orgdom = policy_fixture_orgdom,
        .orgdom_arg = &calls,
        .draw = draw,
    };
    struct policy_output out;

    policy_evaluate(&in, &out);
    return out;
}

/* NOLINTEND(readability-function-size) */

struct policy_record
policy_fixture_rec(enum policy_disp p, enum policy_align mode, unsigned pct)
{
    struct policy_record r = {
        POLICY_REC_FOUND, false, p, p, false, mode, mode, pct
    };

    return r;
}
