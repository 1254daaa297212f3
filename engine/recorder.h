/* recorder: a worker thread's statistics of the current second. recorder_add is the request hot
 * path: counters and a histogram per endpoint, no lock, no allocation. When a request finishes
 * in a new wall-clock second, or when the worker calls recorder_flush (its publish timer), the
 * finished data leaves as one struct interval through the emit callback.
 *
 * Owned by one worker thread; never shared. */
#ifndef HORNET_RECORDER_H
#define HORNET_RECORDER_H

#include <stdint.h>
#include "interval.h"

/* Distinct non-success outcomes (endpoint, kind, code, aux, expected, text) one interval holds;
 * when a new one does not fit, the interval leaves early and a new one starts. */
#define RECORDER_MAX_ERRORS 64

struct recorder;

/* Called with every interval the recorder produces; the callee owns it (interval_free). */
typedef void (*recorder_emit_fn)(void *arg, struct interval *iv);

/* NULL on allocation failure. n_endpoints as in scenario->n_endpoints. The per-endpoint
 * histograms are calloc'd: only the pages of latencies actually seen become resident. */
struct recorder *recorder_create(uint32_t n_endpoints, int worker, recorder_emit_fn emit,
                                 void *arg);

/* Free the recorder without emitting (recorder_flush first to keep what is pending). NULL ok. */
void recorder_destroy(struct recorder *r);

/* Record one finished request of endpoint at unix time `now` (its second is floor(now)).
 * latency_us < 0: the request was never sent (counted as a request without latency).
 * o == NULL: a plain success; otherwise o->expected says whether it still counts as a success,
 * and o->text is read for every kind but OUTCOME_HTTP (truncated to INTERVAL_TEXT_MAX - 1
 * bytes on a UTF-8 boundary; NULL is ""); transport texts that differ only in their numbers
 * count as one outcome, kept with the first text. Emits the previous second's interval first
 * when the second moved on. No allocation and no lock, except inside the emit it triggers. */
void recorder_add(struct recorder *r, uint32_t endpoint, double now, int64_t latency_us,
                  uint64_t bytes, const struct outcome *o);

/* Count one request of endpoint that was still in flight when its user was stopped (at unix
 * time now): it has no outcome, so it is not a request in any other count, only in
 * interval_endpoint.aborted. Emits the previous second's interval first when the second moved
 * on. No allocation. */
void recorder_abort(struct recorder *r, uint32_t endpoint, double now);

/* Emit what has been recorded so far (nothing when empty). When the interval cannot be
 * allocated, its requests are lost and their count is emitted later, alone
 * in an interval without endpoints (interval.dropped), by the first flush that can allocate
 * one (this one, if a small allocation still succeeds). */
void recorder_flush(struct recorder *r);

#endif
