/* targets: judging a performance target's value against its bounds, and the stable texts of
 * the verdict. Pure; used by the engine (live verdicts) and by reports rebuilt from CSV files. */
#ifndef HORNET_TARGETS_H
#define HORNET_TARGETS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "scenario.h"
#include "snapshot.h"

/* Verdict of `value` (ms, fraction or req/s) for t: PENDING without data, FAIL outside the
 * bounds, AT_RISK inside but close (times and throughput within 10% of a bound; rates when
 * more than 80% of the failure budget is used), else PASS. detail (may be NULL) gets e.g.
 * "612 ms > 500 ms (+22%)", "98.2% < 99%", "412 ms (82% of the bound)". */
enum target_status targets_judge(const struct target_def *t, bool has_data, double value,
                                 char *detail, size_t n);

/* The value in the metric's unit: "412 ms", "1.24 s", "99.2%", "152.3/s". */
void targets_format_value(const struct target_def *t, double value, char *out, size_t n);

/* "run", "steady", "last 60s". */
void targets_window_name(const struct target_def *t, char *out, size_t n);

/* What a target's value is computed from: the counts over its window and a way to its
 * latencies. */
struct targets_window {
    uint64_t requests, failures;
    uint64_t timed;             /* requests with a latency */
    uint64_t total_us;          /* their sum */
    double seconds;             /* the window's length, for throughput */
    /* The median (median true) or percentile p of the window's latencies in ms; false when
     * that percentile is not known. */
    bool (*latency_ms)(const void *ctx, bool median, double p, double *ms);
    const void *ctx;
};

/* A success or failure rate target's value from its counts; false without a request. */
bool targets_rate(const struct target_def *d, uint64_t failures, uint64_t requests, double *v);

/* The value of d's metric over w (ms, fraction or req/s); false when it has no meaning yet (no
 * request for a rate, no latency for a time). Pure. */
bool targets_metric_value(const struct target_def *d, const struct targets_window *w,
                          double *v);

struct tracker;

/* Fill s->targets from the scenario's targets: the value over each target's window (the run
 * from s's cumulative numbers; steady and last-N from the tracker), the last 10 s as the
 * current value, and the verdict: a target that passes over its window but fails over the last
 * 10 s is at risk. Without judge_throughput (the command line changed the scenario's users or
 * stages), throughput targets are SKIPPED: they describe the scenario's own load. s's
 * statistics must be filled already. */
void targets_fill(const struct scenario *scn, struct tracker *t, struct snapshot *s, double now,
                  bool judge_throughput);

/* The first target of s that fails, has abort_on_fail and is past its abort_after (elapsed =
 * seconds into the run): its index, with "Target failed: ..." in reason; -1 when none. */
int targets_abort_check(const struct scenario *scn, const struct snapshot *s, double elapsed,
                        char *reason, size_t n);

#endif
