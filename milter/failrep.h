/*
 * failrep - the milter's side of failure reports: turns the verdict of
 * one message into a struct afrf_event and hands it to afrf_submit()
 * (reporter/afrf.h), which decides and queues without blocking.
 *
 * Called from eval_message() once the action is known, so the report's
 * Delivery-Result says what the milter did.
 *
 * Thread safety: thread-safe (reads the verdict and the connection;
 * afrf_submit is thread-safe).
 */
#ifndef DMARC_MILTER_FAILREP_H
#define DMARC_MILTER_FAILREP_H

#include "milter/eval.h"

struct mf_conn;
struct verdict;

/* failrep_submit - offer the message of c, judged v, on which the milter
 * takes action a, for a failure report (nothing when the snapshot has no
 * reporter or v evaluated no domain). */
void failrep_submit(const struct verdict *v, const struct mf_conn *c,
                    enum eval_action a);

#endif
