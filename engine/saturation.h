/* saturation: whether hornet itself is the bottleneck of a run, judged from its own load as
 * selfstat measures it (struct snap_self): a worker whose timers fire late has a busy loop,
 * and every response it reads meanwhile waits in hornet before its latency is taken; worker
 * threads that use nearly all of a core each cannot start requests any faster. Either, held
 * for SATURATION_ENTER_SECONDS, makes the run saturated until both stay under their
 * thresholds for SATURATION_LEAVE_SECONDS. It also keeps the worst timer lateness of each
 * second for the charts (snap_point.lag_us).
 *
 * Pure: decisions are functions of (state, sample, now); the control thread owns the state. */
#ifndef HORNET_SATURATION_H
#define HORNET_SATURATION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "snapshot.h"

/* Thresholds (README "Failure modes"). A worker's 250 ms tick that fires 20 ms late means
 * responses waited up to that long in its loop: more than the p50 of a fast API. Locust warns
 * at 90% CPU; here it is the workers' own threads (the built-in target's thread is apart). */
#define SATURATION_LAG_MS 20.0              /* worst worker timer lateness over 1 s */
#define SATURATION_CPU_PERCENT 90.0         /* the worker threads' CPU, mean per thread */
#define SATURATION_ENTER_SECONDS 3.0        /* over a threshold this long: saturated */
#define SATURATION_LEAVE_SECONDS 5.0        /* under both this long: no longer */

/* What the event log, the status bar, the console and the reports say. */
#define SATURATION_TEXT "load generator saturated: latencies include hornet's own queueing"

struct saturation {
    bool saturated;
    double over_since;          /* when the sample first went over a threshold; < 0: under */
    double under_since;         /* when it first went back under both; < 0: over */
    double began;               /* the current episode's start (saturated) */
    double total;               /* seconds of the episodes that ended */
    struct {
        int64_t second;         /* INT64_MIN: empty */
        uint32_t lag_us;
    } lag[SNAP_SERIES_LEN];     /* by second % SNAP_SERIES_LEN */
};

enum saturation_change { SATURATION_SAME = 0, SATURATION_BEGAN, SATURATION_ENDED };

void saturation_init(struct saturation *st);

/* Take the sample of time now (seconds, increasing), with workers worker threads: keeps the
 * second's worst lateness and returns whether the run just became saturated (why, may be
 * NULL: "worker timers 45 ms late, worker threads at 97% CPU", the parts over their
 * thresholds at that moment) or stopped being so. */
enum saturation_change saturation_update(struct saturation *st, const struct snap_self *self,
                                         int workers, double now, char *why, size_t n);

/* Seconds the run spent saturated up to now, the current episode included. */
double saturation_seconds(const struct saturation *st, double now);

/* Write each kept second's worst lateness into the matching points of s->series. */
void saturation_fill_series(const struct saturation *st, struct snapshot *s);

#endif
