/* target_internal: what the target served, read by the tests that check that what hornet
 * reports equals what the server saw (the same counts GET /api/v1/_stats/ returns).
 * Thread-safe. */
#ifndef HORNET_TARGET_INTERNAL_H
#define HORNET_TARGET_INTERNAL_H

#include <stdint.h>
#include "target.h"

/* The counts as served by GET /api/v1/_stats/ (see served.h for the shape); caller frees.
 * Thread-safe. */
char *target_counts_json(struct target *t);

/* Responses served with this route and status so far (0 for a status the target never
 * sends). Thread-safe. */
uint64_t target_count(struct target *t, enum target_route route, int status);

/* How many times the server paused accepting for want of descriptors (100 ms each). Any
 * thread. */
uint64_t target_accept_pauses(const struct target *t);

#endif
