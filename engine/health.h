/* health: the backend-health collector. It takes each poll of each source (struct
 * health_sample, from the poller's thread through the engine's inbox), keeps every metric's
 * newest samples, its run minimum and maximum and the verdict of its limit (health_limit.h),
 * notices sources going down and up and limits failing (events for the run's log), and fills
 * the health part of each snapshot. Limits join the run's targets: verdict.c counts them, the
 * control thread aborts on one with abort_on_fail.
 *
 * Owned by the engine's control thread (or a test); time is each sample's and each call's
 * argument, never read from a clock. */
#ifndef HORNET_HEALTH_H
#define HORNET_HEALTH_H

#include <stdbool.h>
#include <stddef.h>
#include "health_read.h"
#include "scenario.h"
#include "snapshot.h"

struct health;

/* A collector for h's sources and metrics (borrowed: must outlive it), polled on the run's
 * host (its URLs are shown rendered). With judge false (the run ignores its targets) limits
 * are shown but not judged: SKIPPED. NULL when out of memory. */
struct health *health_create(const struct health_def *h, const char *host, bool judge);
void health_destroy(struct health *c);

/* The run started at run_start (limit details give times as offsets from it). */
void health_start(struct health *c, double run_start);

/* Take one poll's sample: values, the source's state, the limits' verdicts. Samples of a source
 * arrive in time order. */
void health_add(struct health *c, const struct health_sample *s);

/* Fill s->health from what was taken so far. */
void health_fill(const struct health *c, struct snapshot *s);

/* An event for the run's log, oldest first: a source went down or came back, a limit failed.
 * false when none is pending. level is enum event_level; time when it happened. */
bool health_next_event(struct health *c, double *time, int *level, char *text, size_t n);

/* The first health limit of s that failed, has abort_on_fail and is past its abort_after
 * (elapsed: seconds into the run): its metric's index, with "Health limit failed: ..." in
 * reason; -1 when none. Pure. */
int health_abort_check(const struct health_def *h, const struct snapshot *s, double elapsed,
                       char *reason, size_t n);

#endif
