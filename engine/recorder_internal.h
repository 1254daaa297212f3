/* recorder internals for tests: the allocator of intervals, so that a test can make memory run
 * out where it matters (the interval a flush builds) without touching the rest of the process,
 * and the count of requests lost that way.
 * Worker thread (the recorder's owner), like every recorder call. */
#ifndef HORNET_RECORDER_INTERNAL_H
#define HORNET_RECORDER_INTERNAL_H

#include <stddef.h>
#include "recorder.h"

/* Returns size bytes that interval_free (free) can release, or NULL to fail. */
typedef void *(*recorder_alloc_fn)(size_t size, void *arg);

/* Use alloc (with arg) for every interval from now on; NULL restores malloc. */
void recorder_set_alloc(struct recorder *r, recorder_alloc_fn alloc, void *arg);

/* Requests lost because an interval could not be allocated (0 unless memory ran out), whether
 * or not their count was emitted yet. */
uint64_t recorder_dropped(const struct recorder *r);

#endif
