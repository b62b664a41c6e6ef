/*
 * record - the history record of one evaluated message, in the OpenDMARC
 * 1.4 format (dmarc-history(5)), built through history/hist_write.
 *
 * It decides whether a message is recorded (RecordAllMessages) and fills
 * struct hist_rec from the verdict; with HistoryExtensions false it
 * leaves out the extension block, so the record is a pure OpenDMARC 1.4
 * one.  It does not write the file: callbacks.c appends the record
 * through the snapshot's writer.
 *
 * Thread safety: thread-safe; writes only the caller's buffer.
 */
#ifndef DMARC_MILTER_RECORD_H
#define DMARC_MILTER_RECORD_H

#include <stdbool.h>

#include "common/buf.h"
#include "common/log.h"
#include "milter/eval.h"

struct mf_conn;
struct snap;
struct verdict;

/* record_is_wanted - true when HistoryFile is set and the message is
 * recorded: RecordAllMessages, or a policy record was found or could not
 * be looked up (history-format.md section 2.1). */
bool record_is_wanted(const struct verdict *v, const struct snap *s);

/* record_format - append the record of the message of c, judged v, on
 * which the milter takes action a, to out.  Returns 0, or -1 when out's
 * maximum would be exceeded. */
int record_format(const struct verdict *v, const struct mf_conn *c,
                  enum eval_action a, struct buf *out) WARN_UNUSED;

#endif
