/* stats: the collector. Merges the workers' intervals into cumulative statistics per endpoint
 * and Aggregated (each with its own histogram), a per-second history used for Locust's current
 * windows and the charts, and the failure groups; fills the statistics part of a snapshot.
 *
 * Owned by the engine's control thread. Pure: time comes in as arguments, so tests drive it
 * with a fake clock. */
#ifndef HORNET_STATS_H
#define HORNET_STATS_H

#include <stddef.h>
#include <stdint.h>
#include "interval.h"
#include "snapshot.h"

struct stats;

/* methods[i] and names[i] describe endpoint i; copied (truncated to the snapshot's sizes).
 * names[i] NULL makes i a spare endpoint (names from there on must be NULL too): unnamed and
 * not in snapshots until stats_name_endpoint names it (a master meets the endpoints of its
 * workers as their reports arrive). `now` starts the run: the series begins at its second.
 * Snapshots show the first SNAP_MAX_ENDPOINTS endpoints; any beyond still count in
 * Aggregated. NULL on allocation failure. Memory is then fixed, whatever the run length,
 * except the per-second latency pairs of the last STATS_DETAIL_SECONDS seconds, which grow to
 * the largest second seen (bounded by the histogram's bucket count) and are reused. */
struct stats *stats_create(uint32_t n_endpoints, const char *const *methods,
                           const char *const *names, double now);
void stats_destroy(struct stats *s);

/* Name the first spare endpoint (method, name) and return its index; -1 when none is left
 * (the caller counts such requests elsewhere). */
int stats_name_endpoint(struct stats *s, const char *method, const char *name);

/* Seconds of per-second detail kept: an interval for an older second (behind the newest one
 * merged) still counts in the cumulative statistics but no longer changes its chart point. */
#define STATS_DETAIL_SECONDS 16

/* Distinct failure groups (endpoint, text, expected) kept; snapshots show the
 * SNAP_MAX_ERRORS most frequent, the occurrences of the rest (and of groups beyond this cap)
 * are summed in errors_dropped. */
#define STATS_MAX_ERROR_GROUPS 1024

/* Add one worker interval; the interval stays owned by the caller. Its error texts are
 * formatted here (interval_outcome_format), once per interval and group. Its count of requests
 * the worker could not record (iv->dropped) adds to requests_dropped. */
void stats_merge(struct stats *s, const struct interval *iv);

/* Users running at the end of unix second `second` (for snap_point.users); seconds without a
 * call carry the last known value forward. Calls for seconds not yet published are kept for
 * up to 64 seconds ahead; a call for a published second updates that point and the carried
 * points after it. */
void stats_set_users(struct stats *s, int64_t second, uint32_t users);

/* Record an engine-side error for exceptions.csv (grouped by message + where, in order of
 * first occurrence; beyond SNAP_MAX_EXCEPTIONS groups, new ones are not kept). */
void stats_exception(struct stats *s, const char *message, const char *where);

/* Forget everything counted so far (Locust's reset_all): counters, histograms, failures,
 * exceptions, and the current windows (requests merged before the reset no longer count in
 * current_rps, last_second_rps or cur_*, even in the reset's own second). The per-second chart
 * series keeps them; start_time becomes now. requests_dropped starts over too. */
void stats_reset(struct stats *s, double now);

/* Fill the statistics of out at time now: start_time, endpoints, total, errors, exceptions,
 * requests_dropped, series, ep_series, rt (Locust's response_times per endpoint). Leaves
 * run-state fields (now, seq, state, users, ...) alone.
 * - Cumulative numbers and percentiles since start_time; Aggregated from its own histogram.
 * - requests_dropped: requests finished since start_time that none of them counts.
 * - total_rps = requests / (L - start_time), L the exact time of the latest request
 *   (Aggregated); current_rps/fps: Locust's mean over whole seconds [max(floor(L) - 12,
 *   floor(start_time)), floor(L) - 3]; last_second_rps: requests in second floor(now) - 1.
 * - cur_*: latencies of the seconds [floor(now) - 10, floor(now)], what has arrived of the
 *   current second included; cur_count 0 and all cur_* 0 when there are none.
 * - first/last_request_time and errors' first/last_seen are exact for Aggregated; per endpoint
 *   and per error they are those of the worker interval that carried them (within one
 *   publish period of the exact time).
 * - series: one point per complete second (< floor(now)) since the run started, newest
 *   SNAP_SERIES_LEN; ep_series the newest n_ep_points of them per endpoint.
 * Cost: proportional to the histograms' non-zero blocks and the snapshot's size, never to the
 * run length; percentiles of entries without new data are cached. */
void stats_fill(struct stats *s, double now, struct snapshot *out);

#endif
