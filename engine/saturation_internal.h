/* saturation_internal: the threshold test of one sample, which saturation's tests check
 * directly. Pure; any thread. */
#ifndef HORNET_SATURATION_INTERNAL_H
#define HORNET_SATURATION_INTERNAL_H

#include "saturation.h"

/* Whether one sample is over a threshold, with workers worker threads; why (may be NULL)
 * gets "worker timers 45 ms late, worker threads at 97% CPU" (the parts that are over). */
bool saturation_over(const struct snap_self *self, int workers, char *why, size_t n);

#endif
