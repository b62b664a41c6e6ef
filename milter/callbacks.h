/*
 * callbacks - the libmilter callback table.
 *
 * Thread safety: libmilter calls the callbacks on one thread per
 * connection; they share nothing but the snapshot registry (snap.h).
 */
#ifndef DMARC_MILTER_CALLBACKS_H
#define DMARC_MILTER_CALLBACKS_H

#include <libmilter/mfapi.h>

/* callbacks_desc - the filter description for smfi_register(). */
struct smfiDesc *callbacks_desc(void);

#endif
