/* tracker: the statistics that performance targets need beyond the cumulative ones: for the
 * entries targets name (Aggregated and some endpoints), an accumulator since the ramp-up first
 * completed ("steady state") and the last seconds in detail ("last N s", up to
 * TARGET_LAST_MAX). Fed with the same intervals as the collector. Fixed memory whatever the run
 * length. Control thread only; pure (time comes in as arguments). */
#ifndef HORNET_TRACKER_H
#define HORNET_TRACKER_H

#include <stdbool.h>
#include <stdint.h>
#include "interval.h"
#include "scenario.h"

struct tracker;

/* Track what the targets of scn need (every function accepts NULL: nothing tracked). NULL on
 * allocation failure. */
struct tracker *tracker_create(const struct scenario *scn);
void tracker_destroy(struct tracker *t);

void tracker_merge(struct tracker *t, const struct interval *iv);
/* The ramp-up completed (the first call counts); requests from now on are "steady". */
void tracker_mark_steady(struct tracker *t, double now);
/* Forget everything (statistics reset); a started steady window restarts at now. */
void tracker_reset(struct tracker *t, double now);

/* The value of target def over its window (steady or last N s; with `last_override` > 0, the
 * last that many seconds instead: the live "current" value). false when there is no data yet
 * (steady not started, no request). */
bool tracker_value(struct tracker *t, const struct target_def *def, double now,
                   double last_override, double *value);

#endif
