/* cdf_internal: the share of requests below a time, which cdf.c builds its buckets and
 * mixes on and its tests check point by point. Any thread; pure. */
#ifndef HORNET_CDF_INTERNAL_H
#define HORNET_CDF_INTERNAL_H

#include "cdf.h"

/* The share of requests at or below ms (linear between points). */
double cdf_at(const struct cdf *c, double ms);

#endif
