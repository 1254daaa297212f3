/* metrics: the live statistics of a run in Prometheus's text exposition format (version
 * 0.0.4), from its snapshots, for the metrics endpoint (metrics_http.c serves it):
 * - hornet_info, hornet_run_state, hornet_run_elapsed_seconds, hornet_users,
 *   hornet_users_target, hornet_class_users{user_class};
 * - counters per endpoint {method, name}: hornet_requests_total (failures included, Locust's
 *   num_requests), hornet_request_failures_total (unexpected outcomes),
 *   hornet_request_expected_total (statuses a step expects: successes), and per error
 *   hornet_errors_total{method, name, error, expected};
 * - hornet_response_time_seconds{method, name}: a histogram of the timed requests with the
 *   buckets of the reports' distribution (le 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, +Inf
 *   seconds), and hornet_response_time_window_seconds{method, name, quantile}: a summary of
 *   p50, p95 and p99 over the last 10 s (Locust's current window), with the count and sum
 *   since the run started, per endpoint and for name="Aggregated";
 * - hornet_current_rps{method, name}: Locust's current requests per second;
 * - the targets: hornet_target_value{target, endpoint, window} in base units (seconds,
 *   ratio, requests per second), hornet_target_status{..., status} (1 for the current status
 *   of pass, at_risk, fail, pending, skipped; 0 for the others), hornet_run_passing (1 while
 *   verdict_passed holds);
 * - the backend's health (a scenario's health block): hornet_health_source_up{source, kind}
 *   (1 up, 0 down; absent before its first poll), hornet_health_value{source, metric, unit}
 *   (the newest sample, NaN without one), hornet_health_limit_status{source, metric, limit,
 *   status} (as the targets');
 * - hornet's own load: process_cpu_seconds_total, hornet_workers_cpu_seconds_total,
 *   hornet_event_loop_lag_seconds (the latest worker timer over the last second),
 *   hornet_event_loop_lag_mean_seconds, hornet_cpus.
 * Counters count since the run started and never go down: Prometheus reads a decrease as a
 * restart of the process. A statistics reset (--reset-stats, the dashboard's R) starts the
 * snapshot's numbers over; here each counter carries on from the last value observed before
 * the reset (hornet_stats_resets_total counts them), so requests that finished in the last
 * fraction of a second before a reset are missing from the counters as they are from the
 * statistics. Main thread. */
#ifndef HORNET_METRICS_H
#define HORNET_METRICS_H

#include "snapshot.h"
#include "strbuf.h"

/* The exposition format's content type. */
#define METRICS_CONTENT_TYPE "text/plain; version=0.0.4; charset=utf-8"

/* Bounds of the histogram (seconds): snapshot_dist_bounds_ms. */

struct metrics;

/* The counters' memory; NULL when out of memory. */
struct metrics *metrics_create(void);
void metrics_free(struct metrics *m);

/* Observe a snapshot: every one the run reads, in order (a reset is seen between two). */
void metrics_observe(struct metrics *m, const struct snapshot *s);

/* The exposition text of s (the snapshot observed last), rendered once per snapshot seq and
 * kept until a newer one is asked for; NULL when out of memory. Valid until the next call. */
const struct strbuf *metrics_text(struct metrics *m, const struct snapshot *s);

#endif
