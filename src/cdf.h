/* cdf: a response-time distribution estimated from percentile cells, as points (p, ms) with p
 * rising from 0 (the minimum) to 1 (the maximum). Used to rebuild reports from CSV files. Any
 * thread; pure. */
#ifndef HORNET_CDF_H
#define HORNET_CDF_H

#include <stdbool.h>
#include <stdint.h>
#include "snapshot.h"

/* Values made non-decreasing. */
#define CDF_MAX_POINTS (SNAP_PCT_COUNT + 2)
struct cdf {
    int n;
    double p[CDF_MAX_POINTS], v[CDF_MAX_POINTS];
};
/* From percentile cells (bits of na mark missing ones), the minimum and the maximum (either
 * may be NAN: not known). false when no cell is usable. */
bool cdf_from_cells(struct cdf *c, const double *pct, uint16_t na, double min, double max);
/* The value at percentile p of a weighted mix of n (<= CDF_MAX_MIX) distributions (weights may
 * be negative: the difference of two cumulative distributions), found on the union of their
 * points. false when the weights do not sum to more than 0. */
#define CDF_MAX_MIX 64
bool cdf_mix_quantile(const struct cdf *c, const double *w, int n, double p, double *ms);
/* Counts per distribution bucket for n requests following c: integers summing to n. */
void cdf_dist(const struct cdf *c, uint64_t n, uint64_t dist[SNAP_DIST_BUCKETS]);

#endif
