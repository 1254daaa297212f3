/* stats: the collector. Merges the workers' intervals into cumulative statistics per endpoint
 * and Aggregated (each with its own histogram), a per-second history used for Locust's current
 * windows and the charts, and the failure groups; fills the statistics part of a snapshot.
 *
 * Owned by the engine's control thread. Pure: time comes in as arguments, so tests drive it
 * with a fake clock. */
#ifndef HORNET_STATS_H
#define HORNET_STATS_H

#include <stdint.h>
#include "interval.h"
#include "snapshot.h"

struct stats;

/* methods[i] and names[i] describe endpoint i; copied. NULL on allocation failure. */
struct stats *stats_create(uint32_t n_endpoints, const char *const *methods,
                           const char *const *names, double now);
void stats_destroy(struct stats *s);

/* Add one worker interval; the interval stays owned by the caller. */
void stats_merge(struct stats *s, const struct interval *iv);

/* Users running at the end of unix second `second` (for snap_point.users). */
void stats_set_users(struct stats *s, int64_t second, uint32_t users);

/* Record an engine-side error for exceptions.csv (grouped by message + where). */
void stats_exception(struct stats *s, const char *message, const char *where);

/* Forget everything counted so far (Locust's reset_all): counters, histograms, failures,
 * windows. The per-second chart series is kept; start_time becomes now. */
void stats_reset(struct stats *s, double now);

/* Fill the statistics of out at time now: start_time, endpoints, total, errors, exceptions,
 * series, ep_series. Leaves run-state fields alone. Seconds >= floor(now) are incomplete and do
 * not appear in series. */
void stats_fill(struct stats *s, double now, struct snapshot *out);

#endif
