/* metrics_internal: rendering without the per-snapshot cache, for the tests. Main thread. */
#ifndef HORNET_METRICS_INTERNAL_H
#define HORNET_METRICS_INTERNAL_H

#include "metrics.h"

/* Render s into out (appended), counters carried as observed. -1 when out of memory. */
int metrics_render(const struct metrics *m, const struct snapshot *s, struct strbuf *out);

#endif
