/* stats_internal: what the collector's tests read beyond the snapshot: its memory, to check
 * that it stays flat once warm. Control thread only. */
#ifndef HORNET_STATS_INTERNAL_H
#define HORNET_STATS_INTERNAL_H

#include <stddef.h>
#include "stats.h"

/* Bytes the collector holds (for tests and diagnostics: constant once the run is warm). */
size_t stats_memory(const struct stats *s);

#endif
