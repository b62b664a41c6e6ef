/*
 * policy_fixture - shared inputs of the milter policy unit tests: a fake
 * organizational-domain lookup and a one-call policy_evaluate.
 *
 * Thread safety: single-threaded tests only.
 */
#ifndef DMARC_TESTS_UNIT_MILTER_POLICY_FIXTURE_H
#define DMARC_TESTS_UNIT_MILTER_POLICY_FIXTURE_H

#include <stddef.h>

#include "milter/policy.h"

/* policy_fixture_orgdom - a tiny PSL (com, net, org, uk, co.uk, io,
 * github.io, example, and "*" for any single label): the longest listed
 * suffix of domain plus one label, or NULL when domain is a suffix.
 * Counts each call in *(int *)arg.  Returns a pointer into domain. */
const char *policy_fixture_orgdom(void *arg, const char *domain);

/* policy_fixture_eval - policy_evaluate on the record rec and the SPF
 * result for spf_dom and the n_dkim DKIM results (borrowed), From
 * domain from, pct draw draw, org domains from policy_fixture_orgdom. */
struct policy_output policy_fixture_eval(const char *from,
                                         struct policy_record rec,
                                         enum auth_result spf,
                                         const char *spf_dom,
                                         const struct policy_dkim *dkim,
                                         size_t n_dkim, unsigned draw);

/* policy_fixture_rec - a found record with p (and sp) p, both alignment
 * modes mode, and pct. */
struct policy_record policy_fixture_rec(enum policy_disp p,
                                        enum policy_align mode, unsigned pct);

#endif
