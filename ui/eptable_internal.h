/* eptable_internal: one cell's value as the endpoint table sorts it, checked by its tests.
 * UI thread. */
#ifndef HORNET_EPTABLE_INTERNAL_H
#define HORNET_EPTABLE_INTERNAL_H

#include "eptable.h"

/* The value a numeric column sorts by (latencies in microseconds). */
double eptable_value(const struct snap_stats *st, enum ep_col col);

#endif
