/* arrival_internal: the inverse of the arrival curve, used by the scheduler (arrival.c) and
 * checked by its tests against arrival_count_at. */
#ifndef HORNET_ARRIVAL_INTERNAL_H
#define HORNET_ARRIVAL_INTERNAL_H

#include "arrival.h"

/* When the class's count reaches n (>= cv->count0): a unix time >= t0, or INFINITY when the
 * curve never gets there (a rate of 0, the stages' end, or at or after cv->end). */
double arrival_time_of(const struct arrival_curve *cv, const struct arrival_config *cfg,
                       double n);

#endif
