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

struct recorder;

/* Called with every interval the recorder produces; the callee owns it (interval_free). */
typedef void (*recorder_emit_fn)(void *arg, struct interval *iv);

/* NULL on allocation failure. n_endpoints as in scenario->n_endpoints. */
struct recorder *recorder_create(uint32_t n_endpoints, int worker, recorder_emit_fn emit,
                                 void *arg);
void recorder_destroy(struct recorder *r);

/* Record one finished request of endpoint at unix time `now` (its second is floor(now)). latency_us < 0: the request
 * was never sent (counted as a request without latency). o == NULL: a plain success; otherwise
 * o->expected says whether it still counts as a success. Emits the previous second's interval
 * first when the second moved on. */
void recorder_add(struct recorder *r, uint32_t endpoint, double now, int64_t latency_us,
                  uint64_t bytes, const struct outcome *o);

/* Emit what has been recorded so far (nothing when empty). */
void recorder_flush(struct recorder *r);

#endif
